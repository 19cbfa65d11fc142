fn main() {
    // The app embeds the built UI; without it Tauri's context macro panics
    // with a message about `frontendDist` that does not say what to do.
    // Read when the script runs, not baked in when it is compiled: a shared
    // build cache reuses the compiled script across checkouts (a fresh
    // clone in /tmp, the working copy), and each must look at its own UI.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| ".".into());
    let dist = std::path::Path::new(&manifest_dir).join("../ui/dist/index.html");
    println!("cargo:rerun-if-changed={}", dist.display());
    if !dist.exists() {
        println!(
            "cargo:warning=the desktop app embeds the built UI, and ui/dist does not exist yet: \
             build it first with `(cd ui && npm ci && npm run build)`, or use ./scripts/run or ./scripts/test, which do"
        );
        std::process::exit(1);
    }
    tauri_build::build();
}
