//! `ecabinet-fuzz-afl TARGET`: one fuzz target under AFL++.
//! `ecabinet-fuzz-afl --seeds TARGET DIR`: writes the target's seeds to DIR.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, target, dir] if flag == "--seeds" => {
            let seeds = ecabinet_fuzz::seeds(target);
            if seeds.is_empty() {
                eprintln!("no seeds for {target}");
                std::process::exit(2);
            }
            for (n, seed) in seeds.iter().enumerate() {
                let path = std::path::Path::new(dir).join(format!("seed-{n}"));
                if let Err(error) = std::fs::write(&path, seed) {
                    eprintln!("{}: {error}", path.display());
                    std::process::exit(1);
                }
            }
        }
        [target] => {
            if !ecabinet_fuzz::TARGETS.iter().any(|t| t.name == target) {
                eprintln!("unknown target {target}");
                std::process::exit(2);
            }
            let target = target.clone();
            afl::fuzz!(|data: &[u8]| {
                ecabinet_fuzz::run(&target, data);
            });
        }
        _ => {
            let names: Vec<_> = ecabinet_fuzz::TARGETS.iter().map(|t| t.name).collect();
            eprintln!(
                "usage: ecabinet-fuzz-afl TARGET | --seeds TARGET DIR\ntargets: {}",
                names.join(", ")
            );
            std::process::exit(2);
        }
    }
}
