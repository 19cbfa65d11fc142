//! Whole processes run as a user would, several at once.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};

/// Runs `commands` at once; how long until the last one finished.
pub fn all_at_once(commands: Vec<Command>) -> Result<Duration> {
    let started = Instant::now();
    let children = commands
        .into_iter()
        .map(|mut command| command.stdout(Stdio::null()).stderr(Stdio::null()).spawn())
        .collect::<std::io::Result<Vec<_>>>()?;
    for mut child in children {
        ensure!(child.wait()?.success(), "a concurrent download failed");
    }
    Ok(started.elapsed())
}

/// The resident memory of a process, in bytes (Linux's /proc).
pub fn resident_bytes(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(|| anyhow::anyhow!("no VmRSS for process {pid}"))?;
    Ok(kib * 1024)
}

/// The release `ecabinet-server` beside the running benchmark's binary
/// (`target/release/deps/…` → `target/release/ecabinet-server`).
pub fn release_server_binary() -> Result<std::path::PathBuf> {
    let binary = std::env::current_exe()?
        .parent()
        .and_then(|deps| deps.parent())
        .map(|release| release.join("ecabinet-server"))
        .ok_or_else(|| anyhow::anyhow!("locating the server binary"))?;
    ensure!(
        binary.exists(),
        "build it first: cargo build --release -p ecabinet-server ({})",
        binary.display()
    );
    Ok(binary)
}

/// Waits (up to ten seconds) until the server at `url` answers `/healthz`.
pub async fn wait_healthy(url: &str) -> Result<()> {
    for _ in 0..400 {
        if let Ok(response) = reqwest::get(format!("{url}/healthz")).await {
            if response.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    anyhow::bail!("the server at {url} did not come up")
}
