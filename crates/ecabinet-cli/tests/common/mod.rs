//! Running the real `ecab` binary from the CLI's tests.

use std::path::Path;

use anyhow::Result;

/// What one `ecab` run printed and how it exited.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `ecab --profile PROFILE ARGS…` (never with a passphrase from the environment).
pub async fn ecab(profile: &Path, args: &[&str]) -> Result<Output> {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_ecab"))
        .arg("--profile")
        .arg(profile)
        .args(args)
        .env_remove("ECAB_PASSPHRASE")
        .output()
        .await?;
    Ok(Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// A long-running `ecab --profile PROFILE --json ARGS…` (a room process),
/// its JSON lines on stdout, stopped if dropped.
// Only the room's tests run processes that stay.
#[allow(dead_code)]
pub fn spawn_json(profile: &Path, args: &[&str]) -> Result<tokio::process::Child> {
    Ok(tokio::process::Command::new(env!("CARGO_BIN_EXE_ecab"))
        .arg("--profile")
        .arg(profile)
        .arg("--json")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?)
}

/// The talking member's voice for the room's tests: a synthetic voice,
/// hearing nothing (no sound device here).
#[allow(dead_code)]
pub const TALK_SYNTHETIC: [&str; 6] = [
    "--audio",
    "talk",
    "--audio-source",
    "voice",
    "--audio-sink",
    "none",
];

/// A server with the demo organisation on a free loopback port, its data in `dir`.
// Each test binary compiles this module; the convergence simulation starts its own server.
#[allow(dead_code)]
pub async fn demo_server(dir: &Path) -> Result<ecabinet_server::RunningServer> {
    Ok(ecabinet_server::start(ecabinet_server::ServeConfig {
        demo: true,
        ..ecabinet_server::ServeConfig::loopback(dir.join("server"))
    })
    .await?)
}

/// Enrols `profile` as a device of the demo organisation's secretary.
#[allow(dead_code)]
pub async fn enrol_secretary(
    server: &ecabinet_server::RunningServer,
    profile: &Path,
) -> Result<()> {
    let secretary = server
        .services
        .find_person(ecabinet_server::demo::SECRETARY)
        .await?;
    let code = server
        .services
        .issue_invite(secretary)
        .await?
        .code
        .to_string();
    let out = ecab(
        profile,
        &["enroll", "--server", &server.url(), "--code", &code],
    )
    .await?;
    anyhow::ensure!(out.code == 0, "enrolling the secretary: {}", out.stderr);
    Ok(())
}
