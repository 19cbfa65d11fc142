//! Benchmark: voice through the server's SFU, on loopback.
//!
//! The server runs as its own process (the release `ecabinet-server`, next
//! to the release `ecab`), so its CPU is read alone from /proc. 30 members
//! join the meeting's voice from this process, every one talking (a
//! synthetic voice, 20 ms Opus frames), all microphones opened by the
//! secretariat. Two configurations in the same run:
//!   1. the default 4 slots per listener (the cabinet's case: the floor,
//!      the chair and two opened voices heard at once): 30 × 4 streams;
//!   2. 29 slots, everyone hearing everyone: 30 × 29 streams.
//!
//! Reported: join time (offer to media connected), packets forwarded per
//! second and per core of the server, the server's CPU, and mouth-to-ear
//! on three listeners that decode (the others count packets): capture to
//! decoded, plus the 20 ms frame and Opus's 6.5 ms look-ahead; sound-card
//! buffers excluded. LiveKit publishes 46–52 ms mouth-to-ear for its SFU.
//!
//! Figures, not pass/fail. Run: ./scripts/bench.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::Utc;
use ecabinet_client::Client;
use ecabinet_e2e::release_ecab;
use ecabinet_e2e::stats::{ms, percentile};
use ecabinet_voice::audio::{Silence, SyntheticVoice};
use ecabinet_voice::link::{VoiceLink, VoiceOptions};
use ecabinet_voice::measure::heard_from;
use ecabinet_voice::VoiceError;

const MEMBERS: usize = 30;
const MEASURING: usize = 3;
const STEADY: Duration = Duration::from_secs(8);
/// Opus's 20 ms frame and 6.5 ms look-ahead: the codec's own delay.
const CODEC_DELAY: Duration = Duration::from_micros(26_500);

fn server_binary() -> Option<PathBuf> {
    let server = release_ecab()?.with_file_name("ecabinet-server");
    server.exists().then_some(server)
}

async fn invite(server: &Path, data: &Path, name: &str, role: &str) -> Result<String> {
    let output = tokio::process::Command::new(server)
        .args(["invite", "--data"])
        .arg(data)
        .args(["--name", name, "--role", role, "--json"])
        .output()
        .await?;
    if !output.status.success() {
        bail!("invite: {}", String::from_utf8_lossy(&output.stderr));
    }
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    answer["code"]
        .as_str()
        .map(str::to_owned)
        .context("an enrolment code")
}

/// User and system CPU seconds a process has used (from /proc).
fn cpu_seconds(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .context("a stat line")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / 100.0)
}

async fn forwarded(url: &str) -> Result<u64> {
    let text = reqwest::get(format!("{url}metrics")).await?.text().await?;
    text.lines()
        .find_map(|l| l.strip_prefix("ecabinet_voice_packets_forwarded_total "))
        .and_then(|v| v.trim().parse().ok())
        .context("the forwarded-packets counter")
}

async fn run(server_bin: &Path, slots: usize) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("server");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let secretary_code = invite(server_bin, &data, "Nguyễn Văn An", "secretary").await?;
    let mut codes = Vec::new();
    for n in 0..MEMBERS {
        codes.push(invite(server_bin, &data, &format!("Thành viên {n:02}"), "member").await?);
    }
    let mut server = tokio::process::Command::new(server_bin)
        .args(["serve", "--data"])
        .arg(&data)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--voice-slots",
            &slots.to_string(),
        ])
        .env(
            "RUST_LOG",
            "warn,rtc=error,rtc_dtls=error,rtc_ice=error,rtc_srtp=error,webrtc=error",
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let pid = server.id().context("the server's pid")?;
    let started = Instant::now();
    while reqwest::get(format!("{url}metrics")).await.is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the server did not start");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let secretary = Client::enroll(
        &dir.path().join("secretary"),
        &url,
        &secretary_code,
        Some("bench"),
    )
    .await?;
    let mut members = Vec::new();
    for (n, code) in codes.iter().enumerate() {
        let client =
            Client::enroll(&dir.path().join(format!("m{n}")), &url, code, Some("bench")).await?;
        members.push(Arc::new(client));
    }
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp (thoại)", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo", None)
        .await?;
    secretary.start_session(meeting.id).await?;
    secretary.take_up_item(item.id).await?;
    for member in &members {
        secretary
            .set_microphone(meeting.id, member.profile().person.id, true)
            .await?;
    }

    let mut joins = Vec::new();
    let mut links = Vec::new();
    for (n, member) in members.iter().enumerate() {
        let client = member.clone();
        let began = Instant::now();
        let link = VoiceLink::connect(
            VoiceOptions {
                bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
                source: Some(Box::new(SyntheticVoice::new(120.0 + n as f64 * 7.0))),
                sink: Box::new(Silence),
                slots,
                trace: n < MEASURING * 4,
                decode: n < MEASURING,
            },
            |offer| async move {
                client
                    .voice_join(meeting.id, offer)
                    .await
                    .map(|j| j.description)
                    .map_err(|e| VoiceError::Signal(e.to_string()))
            },
        )
        .await?;
        joins.push(began.elapsed());
        links.push(link);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (cpu_before, packets_before, at_before) =
        (cpu_seconds(pid)?, forwarded(&url).await?, Instant::now());
    tokio::time::sleep(STEADY).await;
    let (cpu_after, packets_after, elapsed) = (
        cpu_seconds(pid)?,
        forwarded(&url).await?,
        at_before.elapsed(),
    );
    let cores = (cpu_after - cpu_before) / elapsed.as_secs_f64();
    let per_second = (packets_after - packets_before) as f64 / elapsed.as_secs_f64();
    let expected = (MEMBERS * slots.min(MEMBERS - 1) * 50) as f64;
    let mut delays = Vec::new();
    for listener in &links[..MEASURING] {
        for talker in &links[MEASURING..MEASURING * 4] {
            delays.extend(heard_from(talker, listener).1);
        }
    }
    delays.sort();
    joins.sort();
    println!(
        "  {slots:>2} slots: join p50 {:.0} ms p95 {:.0} ms; forwarded {per_second:.0} packets/s of {expected:.0} expected; \
         server CPU {cores:.2} cores = {:.0} packets/s per core",
        ms(percentile(&joins, 0.5)),
        ms(percentile(&joins, 0.95)),
        per_second / cores.max(0.001)
    );
    if delays.is_empty() {
        println!("         mouth-to-ear: nothing traced was heard");
    } else {
        let p50 = percentile(&delays, 0.5);
        let p95 = percentile(&delays, 0.95);
        println!(
            "         capture to decoded p50 {:.1} ms p95 {:.1} ms (n={}); mouth-to-ear with the codec's 26.5 ms: p50 {:.1} ms p95 {:.1} ms",
            ms(p50),
            ms(p95),
            delays.len(),
            ms(p50 + CODEC_DELAY),
            ms(p95 + CODEC_DELAY)
        );
    }
    for link in links {
        link.close().await;
    }
    let _ = server.kill().await;
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let Some(server) = server_binary() else {
        println!("voice: skipped: build the release ecab and ecabinet-server first (./scripts/bench does)");
        return Ok(());
    };
    println!("voice through the server's SFU, {MEMBERS} members all talking, loopback:");
    run(&server, ecabinet_voice::DEFAULT_SLOTS).await?;
    run(&server, MEMBERS - 1).await?;
    Ok(())
}
