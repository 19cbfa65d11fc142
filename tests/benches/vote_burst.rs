//! Benchmark: 500 voters casting within one second over loopback HTTP.
//!
//! Part 1 (server in this process, so its group commits can be counted):
//! cast-to-signed-receipt p50/p99, group commits (= fsyncs of the op log)
//! for the burst, zero lost or duplicated ballots, and how long after the
//! close the result reaches 500 clients following the server's event socket
//! (they connect after the burst, so their pulls do not weigh on it).
//!
//! Part 2 (the release `ecabinet-server` binary on the same data folder):
//! the server is killed with SIGKILL in the middle of a second burst and
//! restarted; voters without a receipt resend the same push; every ballot
//! that got a receipt is counted and each voter is counted once.
//!
//! Run: ./scripts/bench (builds the release server first).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use chrono::Utc;
use ecabinet_domain::api::OpenMotionRequest;
use ecabinet_domain::ops::{OpResult, PushResponse};
use ecabinet_domain::voting::{MajorityBase, MajorityRule};
use ecabinet_domain::{wire, MotionId, Role};
use ecabinet_e2e::ballots::burst;
use ecabinet_e2e::processes::{release_server_binary, wait_healthy};
use ecabinet_e2e::{Backend, RawDevice, TestServer};
use futures::StreamExt;

const VOTERS: usize = 500;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn request(question: &str) -> OpenMotionRequest {
    OpenMotionRequest {
        question: question.into(),
        options: None,
        rule: MajorityRule::Simple,
        base: MajorityBase::Present,
        quorum: None,
        closes_at: None,
    }
}

/// 500 clients on the event socket; each, when poked, pulls until it sees
/// the motion closed, and reports when.
async fn followers(
    url: &str,
    voters: &[RawDevice],
    motion: MotionId,
) -> Result<Vec<tokio::task::JoinHandle<Result<Instant>>>> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut handles = Vec::with_capacity(voters.len());
    for voter in voters {
        let mut ws = url.replace("http://", "ws://") + "/v1/events";
        ws = ws.replace("//v1", "/v1");
        let mut request = ws.as_str().into_client_request()?;
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {}", voter.token).parse()?);
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
        let token = voter.token.clone();
        let base = url.to_owned();
        handles.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut since = 0_i64;
            while let Some(message) = socket.next().await {
                if !message?.is_text() {
                    continue;
                }
                let page: ecabinet_domain::api::PullResponse = http
                    .get(format!("{base}/v1/changes?since={since}&limit=10000"))
                    .bearer_auth(&token)
                    .send()
                    .await?
                    .json()
                    .await?;
                since = page.next_cursor;
                let closed = page.changes.iter().any(|c| {
                    matches!(&c.body, ecabinet_domain::ChangeBody::Motion(m) if m.id == motion && m.tally.is_some())
                });
                if closed {
                    return Ok(Instant::now());
                }
            }
            anyhow::bail!("the event socket closed before the result arrived")
        }));
    }
    Ok(handles)
}

fn start_binary(data: &std::path::Path, port: u16) -> Result<Child> {
    let binary = release_server_binary()?;
    Ok(Command::new(binary)
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("ECAB_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let url = server.url();
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let mut voters = Vec::with_capacity(VOTERS);
    for n in 0..VOTERS {
        voters.push(
            server
                .raw_device(&format!("Thành viên {n}"), Role::Member)
                .await?,
        );
    }
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp (đo)", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Biểu quyết", None)
        .await?;

    // Part 1.
    let motion = secretary
        .open_motion(item.id, &request("Thông qua (đợt 1)?"))
        .await?;
    let commits_before = server.server.services.op_commits();
    let results = burst(&url, &mut voters, motion.id, 0x9E37_79B9_7F4A_7C15).await?;
    let commits = server.server.services.op_commits() - commits_before;
    let mut latencies = Vec::with_capacity(VOTERS);
    for (_, _, result) in &results {
        let (latency, answer) = result.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
        ensure!(
            matches!(answer, OpResult::Accepted { .. }),
            "refused: {answer:?}"
        );
        latencies.push(*latency);
    }
    latencies.sort();
    // The followers connect after the burst: every poke makes each of them
    // pull, and 500 clients pulling on every group commit would measure the
    // pulls, not the ballots.
    let watchers = followers(&url, &voters, motion.id).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let closing = Instant::now();
    let closed = secretary.close_motion(motion.id).await?;
    let mut reach = Vec::with_capacity(VOTERS);
    for watcher in watchers {
        let seen = tokio::time::timeout(Duration::from_secs(10), watcher).await???;
        reach.push(seen.saturating_duration_since(closing));
    }
    reach.sort();
    let tally = closed.tally.context("tally")?;
    let counted: u32 = tally.counts.iter().map(|(_, n)| n).sum();
    ensure!(
        counted as usize == VOTERS && tally.named.len() == VOTERS,
        "lost or duplicated: {counted}"
    );
    println!("{VOTERS} voters within 1 s, loopback HTTP, SQLite (synchronous=FULL):");
    println!(
        "  cast → signed receipt: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (target p99 <= 25 ms)",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().context("latencies")?)
    );
    println!("  group commits (fsyncs of the op log) for {VOTERS} ballots: {commits}");
    println!(
        "  counted {counted} ballots from {} voters: none lost, none duplicated",
        tally.named.len()
    );
    println!(
        "  close → result on all {VOTERS} followers: p50 {:.1} ms, max {:.1} ms (target <= 250 ms)",
        ms(percentile(&reach, 0.5)),
        ms(*reach.last().context("reach")?)
    );

    // Part 2: the same data folder under the release binary, killed mid-burst.
    let motion = secretary
        .open_motion(item.id, &request("Thông qua (đợt 2)?"))
        .await?;
    let port = server.server.local_addr.port();
    let data = server.dir.path().join("server");
    let dir = server.dir;
    server.server.shutdown().await?;
    let mut process = start_binary(&data, port)?;
    wait_healthy(&url).await?;
    let killer = {
        let pid = process.id();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        })
    };
    let results = burst(&url, &mut voters, motion.id, 0xD1B5_4A32_D192_ED03).await?;
    killer.await?;
    let _ = process.wait();
    let receipted: Vec<usize> = results
        .iter()
        .filter(|(_, _, r)| matches!(r, Ok((_, OpResult::Accepted { .. }))))
        .map(|(i, _, _)| *i)
        .collect();
    let unanswered: Vec<(usize, Vec<u8>)> = results
        .into_iter()
        .filter(|(_, _, r)| !matches!(r, Ok((_, OpResult::Accepted { .. }))))
        .map(|(i, packed, _)| (i, packed))
        .collect();
    process = start_binary(&data, port)?;
    wait_healthy(&url).await?;
    // Those without a receipt send the very same push again.
    for (index, packed) in &unanswered {
        let response = voters[*index].post(&url, packed.clone()).await?;
        ensure!(response.status() == 200, "resend: {}", response.status());
        let answer: PushResponse = wire::unpack(&response.bytes().await?)?;
        ensure!(
            matches!(answer.results[0], OpResult::Accepted { .. }),
            "resend refused: {:?}",
            answer.results[0]
        );
    }
    let closed = secretary.close_motion(motion.id).await?;
    let tally = closed.tally.context("tally")?;
    let counted: u32 = tally.counts.iter().map(|(_, n)| n).sum();
    let named: std::collections::BTreeSet<_> = tally.named.iter().map(|(p, _)| *p).collect();
    for index in &receipted {
        ensure!(
            named.contains(&voters[*index].caller.person.id),
            "a receipted ballot was lost"
        );
    }
    ensure!(
        counted as usize == VOTERS && named.len() == VOTERS,
        "counted {counted} for {} voters",
        named.len()
    );
    println!(
        "kill -9 of the server mid-burst: {} ballots had receipts before the kill, {} were resent after the restart; all {} counted once each",
        receipted.len(),
        unanswered.len(),
        counted
    );
    let _ = Command::new("kill")
        .args(["-TERM", &process.id().to_string()])
        .status();
    let _ = process.wait();
    drop(dir);
    Ok(())
}
