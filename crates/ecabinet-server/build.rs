// The migrations are embedded by `sqlx::migrate!`, which cannot tell cargo
// (on stable) to rebuild when a migration is added: this does.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
