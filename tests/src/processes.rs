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
