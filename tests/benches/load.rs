//! The load test (`./scripts/load`; on demand, not in CI): loopback
//! addresses only, bounded in count (1,000 sockets, 500 voters, 30
//! downloads) and in time (ten minutes at most).
//!
//! The system: three release `ecabinet-server` processes on one throw-away
//! PostgreSQL (syncing its commits, as SQLite's synchronous=FULL does),
//! document chunks in Garage, behind nginx (least connections, WebSockets
//! passed through, a POST retried on the next instance when one dies). The
//! baseline in the same run: one process on embedded SQLite, no balancer.
//!
//! 1. 1,000 clients hold the event socket; a change (a meeting created
//!    through the balancer) pokes all of them: p50/p99 from the change's
//!    request to each socket's poke, five rounds, beside a plain
//!    `tokio::sync::broadcast` fan-out over 1,000 sockets.
//! 2. Server memory (resident) with those 1,000 clients connected.
//! 3. 500 voters casting within one second: cast → signed receipt, none
//!    lost, none duplicated.
//! 4. 30 members pulling a 100 MB pack at once (30 `curl`s of its chunks)
//!    against nginx serving the same bytes to 30 `curl`s.
//! 5. `kill -9` of one instance in the middle of a second burst: clients
//!    go on through nginx, resend what got no receipt; every voter counted
//!    once (three instances only: the baseline has nothing to fail over to).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use chrono::Utc;
use ecabinet_client::Client;
use ecabinet_domain::api::OpenMotionRequest;
use ecabinet_domain::ops::OpResult;
use ecabinet_domain::voting::{MajorityBase, MajorityRule};
use ecabinet_domain::{AgendaItemId, Role};
use ecabinet_e2e::ballots::{burst, post_packed};
use ecabinet_e2e::fanout::BroadcastPeer;
use ecabinet_e2e::garage::Garage;
use ecabinet_e2e::nginx::{free_port, Nginx};
use ecabinet_e2e::processes::{all_at_once, release_server_binary, resident_bytes, wait_healthy};
use ecabinet_e2e::stats::{ms, percentile};
use ecabinet_e2e::{PgCluster, RawDevice};
use ecabinet_server::blobs::BlobsLocation;
use ecabinet_server::services::Services;
use futures::StreamExt;
use tokio::sync::mpsc;

const SOCKETS: usize = 1_000;
const VOTERS: usize = 500;
const CROWD: usize = 30;
const INSTANCES: usize = 3;
const POKE_ROUNDS: usize = 5;
const PACK_BYTES: usize = 100 * 1024 * 1024;
const ORGANISATION: &str = "Chính phủ (tải)";

/// One `ecabinet-server serve` process, killed on drop.
struct Instance {
    child: Child,
    port: u16,
}

impl Instance {
    fn start(data: &Path, database_url: Option<&str>, garage: Option<&Garage>) -> Result<Self> {
        let binary = release_server_binary()?;
        let port = free_port()?;
        std::fs::create_dir_all(data)?;
        let log = std::fs::File::create(data.join("server.log"))?;
        let mut command = Command::new(binary);
        command
            .args(["serve", "--data"])
            .arg(data)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            // ECAB_LOAD_LOG: the servers' log filter (their logs are
            // DATA/server.log; ECAB_LOAD_KEEP=1 keeps the folders).
            .env(
                "RUST_LOG",
                std::env::var("ECAB_LOAD_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::null())
            .stderr(log);
        if let Some(url) = database_url {
            command.args(["--database-url", url]);
        }
        if let Some(garage) = garage {
            command
                .args([
                    "--blobs",
                    &format!(
                        "s3://{}/load?endpoint={}&region=garage",
                        garage.bucket, garage.endpoint
                    ),
                ])
                .env("AWS_ACCESS_KEY_ID", &garage.access_key_id)
                .env("AWS_SECRET_ACCESS_KEY", &garage.secret_access_key);
        }
        Ok(Self {
            child: command.spawn()?,
            port,
        })
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The balancer in front of the instances, and a static-file server of the
/// pack's bytes (the peer of the downloads), in one nginx.
fn balancer(
    dir: &Path,
    instances: &[Instance],
    entry: u16,
    files: &Path,
    files_port: u16,
) -> Result<Nginx> {
    let upstreams: String = instances
        .iter()
        .map(|i| format!("server 127.0.0.1:{} max_fails=1 fail_timeout=30s; ", i.port))
        .collect();
    Nginx::start(
        dir,
        2,
        &format!(
            "upstream ecabinet {{ least_conn; {upstreams} keepalive 256; }}\n\
             map $http_upgrade $connection_upgrade {{ default upgrade; \"\" \"\"; }}\n\
             server {{ listen 127.0.0.1:{entry}; client_max_body_size 8m;\n\
               location / {{ proxy_pass http://ecabinet; proxy_http_version 1.1;\n\
                 proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;\n\
                 proxy_read_timeout 1h; proxy_buffering off;\n\
                 proxy_next_upstream error timeout http_502 non_idempotent; }} }}\n\
             server {{ listen 127.0.0.1:{files_port}; root {files}; }}",
            files = files.display()
        ),
        entry,
    )
}

/// A system under load: where clients connect, its server processes, and
/// an in-process instance on the same store for enrolling devices.
struct System {
    name: &'static str,
    entry: String,
    instances: Vec<Instance>,
    services: Services,
    work: PathBuf,
}

impl System {
    async fn secretary(&self) -> Result<Client> {
        self.services.ensure_organisation(ORGANISATION).await?;
        let person = self
            .services
            .create_person("Nguyễn Văn An", Role::Secretary)
            .await?;
        let code = self.services.issue_invite(person).await?.code;
        Ok(Client::enroll(
            &self.work.join("secretary"),
            &self.entry,
            &code.to_string(),
            Some("máy của thư ký"),
        )
        .await?)
    }

    /// Members enrolled 16 at a time.
    async fn members(&self, count: usize) -> Result<Vec<RawDevice>> {
        let services = &self.services;
        futures::stream::iter(0..count)
            .map(|n| async move {
                RawDevice::enrol(services, &format!("Thành viên {n}"), Role::Member).await
            })
            .buffered(16)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect()
    }

    fn resident_mb(&self) -> Result<Vec<f64>> {
        self.instances
            .iter()
            .map(|i| Ok(resident_bytes(i.pid())? as f64 / 1e6))
            .collect()
    }
}

/// The cursor of a `{"cursor": N, …}` message.
fn cursor_of(text: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()?
        .get("cursor")?
        .as_i64()
}

/// Sockets whose reader tasks report (socket, cursor, arrival).
struct Sockets {
    count: usize,
    arrivals: mpsc::UnboundedReceiver<(usize, i64, Instant)>,
    readers: Vec<tokio::task::JoinHandle<()>>,
    highest: i64,
}

impl Sockets {
    async fn open(url: &str, tokens: &[String]) -> Result<Self> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        use tokio_tungstenite::tungstenite::Message;
        let (sender, arrivals) = mpsc::unbounded_channel();
        let mut readers = Vec::with_capacity(SOCKETS);
        for n in 0..SOCKETS {
            let mut request = url.into_client_request()?;
            if let Some(token) = tokens.get(n) {
                request
                    .headers_mut()
                    .insert("authorization", format!("Bearer {token}").parse()?);
            }
            let (mut socket, _) = tokio::time::timeout(
                Duration::from_secs(10),
                tokio_tungstenite::connect_async(request),
            )
            .await
            .with_context(|| format!("socket {n} of {url} timed out"))?
            .with_context(|| format!("socket {n} of {url}"))?;
            let sender = sender.clone();
            readers.push(tokio::spawn(async move {
                while let Some(Ok(message)) = socket.next().await {
                    if let Message::Text(text) = message {
                        if let Some(cursor) = cursor_of(text.as_str()) {
                            let _ = sender.send((n, cursor, Instant::now()));
                        }
                    }
                }
            }));
        }
        let mut sockets = Self {
            count: SOCKETS,
            arrivals,
            readers,
            highest: 0,
        };
        // The first message of each socket (its cursor on connecting).
        tokio::time::sleep(Duration::from_millis(500)).await;
        sockets.drain();
        Ok(sockets)
    }

    fn drain(&mut self) {
        while let Ok((_, cursor, _)) = self.arrivals.try_recv() {
            self.highest = self.highest.max(cursor);
        }
    }

    /// After `poke` (run from `started`), how long until each socket heard
    /// of a cursor beyond any it had seen before.
    async fn delays(
        &mut self,
        started: Instant,
        poke: impl std::future::Future<Output = Result<()>>,
    ) -> Result<Vec<Duration>> {
        self.drain();
        let floor = self.highest;
        poke.await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let mut first: HashMap<usize, Instant> = HashMap::with_capacity(self.count);
        while first.len() < self.count {
            match tokio::time::timeout_at(deadline, self.arrivals.recv()).await {
                Ok(Some((socket, cursor, at))) => {
                    self.highest = self.highest.max(cursor);
                    if cursor > floor {
                        first.entry(socket).or_insert(at);
                    }
                }
                Ok(None) => bail!("every socket closed"),
                Err(_) => bail!(
                    "a poke reached {} of {} sockets in 20 s",
                    first.len(),
                    self.count
                ),
            }
        }
        // Later pokes of the same change (coalesced or not) settle first.
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.drain();
        Ok(first
            .values()
            .map(|at| at.saturating_duration_since(started))
            .collect())
    }
}

impl Drop for Sockets {
    fn drop(&mut self) {
        for reader in &self.readers {
            reader.abort();
        }
    }
}

struct Latencies {
    p50: f64,
    p99: f64,
    max: f64,
}

fn summarise(mut samples: Vec<Duration>) -> Latencies {
    samples.sort();
    Latencies {
        p50: ms(percentile(&samples, 0.5)),
        p99: ms(percentile(&samples, 0.99)),
        max: ms(samples.last().copied().unwrap_or_default()),
    }
}

/// 1 and 2: pokes to 1,000 sockets, and memory meanwhile.
async fn pokes(
    system: &System,
    secretary: &Client,
    members: &[RawDevice],
) -> Result<(Latencies, Vec<f64>)> {
    let tokens: Vec<String> = members.iter().map(|m| m.token.clone()).collect();
    let url = system.entry.replace("http://", "ws://") + "/v1/events";
    let mut sockets = Sockets::open(&url, &tokens).await?;
    let resident = system.resident_mb()?;
    let mut samples = Vec::with_capacity(SOCKETS * POKE_ROUNDS);
    for round in 0..POKE_ROUNDS {
        let started = Instant::now();
        let change = async {
            secretary
                .create_meeting(&format!("Phiên họp (tải) {round}"), Utc::now())
                .await?;
            Ok(())
        };
        samples.extend(sockets.delays(started, change).await?);
    }
    Ok((summarise(samples), resident))
}

/// The peer of 1: the same number of sockets on a broadcast fan-out.
async fn broadcast_pokes() -> Result<Latencies> {
    let peer = BroadcastPeer::start().await?;
    let mut sockets = Sockets::open(&peer.events_url(), &[]).await?;
    let mut samples = Vec::with_capacity(SOCKETS * POKE_ROUNDS);
    for round in 0..POKE_ROUNDS {
        let started = Instant::now();
        let cursor = 1_000 + round as i64;
        let poke = async {
            peer.send(&format!("{{\"cursor\":{cursor}}}"));
            Ok(())
        };
        samples.extend(sockets.delays(started, poke).await?);
    }
    Ok(summarise(samples))
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

struct Votes {
    latency: Latencies,
    counted: u32,
    voters: usize,
}

/// 3: 500 ballots within a second through the entry point.
async fn vote_burst(
    system: &System,
    secretary: &Client,
    item: AgendaItemId,
    voters: &mut [RawDevice],
) -> Result<Votes> {
    let motion = secretary
        .open_motion(item, &request("Thông qua (tải)?"))
        .await?;
    let results = burst(&system.entry, voters, motion.id, 0x9E37_79B9_7F4A_7C15).await?;
    let mut latencies = Vec::with_capacity(results.len());
    for (_, _, result) in &results {
        let (latency, answer) = result.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
        ensure!(
            matches!(answer, OpResult::Accepted { .. }),
            "refused: {answer:?}"
        );
        latencies.push(*latency);
    }
    let closed = secretary.close_motion(motion.id).await?;
    let tally = closed.tally.context("the tally")?;
    Ok(Votes {
        latency: summarise(latencies),
        counted: tally.counts.iter().map(|(_, n)| n).sum(),
        voters: tally.named.len(),
    })
}

/// 4: 30 `curl`s of the pack's chunks through the entry point; the better
/// of two rounds.
async fn downloads(
    system: &System,
    document: &ecabinet_domain::Document,
    members: &[RawDevice],
) -> Result<f64> {
    let chunks: Vec<String> = (0..document.chunk_count)
        .map(|index| {
            format!(
                "{}/v1/documents/{}/versions/{}/chunks/{index}",
                system.entry, document.id, document.version
            )
        })
        .collect();
    let mut best = Duration::MAX;
    for _ in 0..2 {
        best = best.min(all_at_once(
            members[..CROWD]
                .iter()
                .map(|member| {
                    let mut curl = Command::new("curl");
                    curl.args([
                        "-sS",
                        "-f",
                        "-H",
                        &format!("Authorization: Bearer {}", member.token),
                    ]);
                    for chunk in &chunks {
                        curl.args(["-o", "/dev/null", chunk]);
                    }
                    curl
                })
                .collect(),
        )?);
    }
    Ok(document.size as f64 * CROWD as f64 / 1e6 / best.as_secs_f64())
}

/// The peer of 4: the pack's sealed bytes as one file from nginx, to 30
/// `curl`s; the better of two rounds.
fn nginx_downloads(url: &str, bytes: u64) -> Result<f64> {
    let mut best = Duration::MAX;
    for _ in 0..2 {
        best = best.min(all_at_once(
            (0..CROWD)
                .map(|_| {
                    let mut curl = Command::new("curl");
                    curl.args(["-sS", "-f", "-o", "/dev/null", url]);
                    curl
                })
                .collect(),
        )?);
    }
    Ok(bytes as f64 * CROWD as f64 / 1e6 / best.as_secs_f64())
}

/// Incompressible bytes behind a PDF header.
fn pack_file(path: &Path) -> Result<()> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut state: u32 = 0x2545_F491;
    bytes.extend((0..PACK_BYTES).map(|_| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state >> 24) as u8
    }));
    std::fs::write(path, bytes)?;
    Ok(())
}

/// The secretary's sealed chunks, concatenated: the bytes nginx serves.
fn sealed_copy(
    secretary: &Client,
    document: &ecabinet_domain::Document,
    out: &Path,
) -> Result<u64> {
    let cache = secretary
        .profile_dir()
        .join("cache")
        .join(document.id.to_string())
        .join(document.version.to_string());
    let mut all = Vec::new();
    for index in 0..document.chunk_count {
        all.extend(std::fs::read(cache.join(format!("{index}.sealed")))?);
    }
    std::fs::write(out, &all)?;
    Ok(all.len() as u64)
}

struct Failover {
    receipted_first: usize,
    resent: usize,
    counted: u32,
    voters: usize,
}

/// 5: one instance killed 400 ms into a burst; voters without a receipt
/// resend the same push until it is answered.
async fn failover(
    system: &mut System,
    secretary: &Client,
    item: AgendaItemId,
    voters: &mut [RawDevice],
) -> Result<Failover> {
    let motion = secretary
        .open_motion(item, &request("Thông qua (một máy chủ dừng)?"))
        .await?;
    let victim = system.instances[1].pid();
    let killer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let _ = Command::new("kill")
            .args(["-9", &victim.to_string()])
            .status();
    });
    let results = burst(&system.entry, voters, motion.id, 0xD1B5_4A32_D192_ED03).await?;
    killer.await?;
    let http = reqwest::Client::new();
    let mut receipted = Vec::new();
    let mut resent = 0;
    for (index, packed, result) in results {
        if matches!(result, Ok((_, OpResult::Accepted { .. }))) {
            receipted.push(index);
            continue;
        }
        resent += 1;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match post_packed(&http, &system.entry, &voters[index].token, packed.clone()).await {
                Ok(OpResult::Accepted { .. }) => break,
                Ok(other) => bail!("a resent ballot was refused: {other:?}"),
                Err(_) if attempt < 20 => tokio::time::sleep(Duration::from_millis(100)).await,
                Err(error) => return Err(error.context("resending a ballot 20 times")),
            }
        }
    }
    let closed = secretary.close_motion(motion.id).await?;
    let tally = closed.tally.context("the tally")?;
    let named: std::collections::BTreeSet<_> = tally.named.iter().map(|(p, _)| *p).collect();
    for index in &receipted {
        ensure!(
            named.contains(&voters[*index].caller.person.id),
            "a receipted ballot was lost"
        );
    }
    Ok(Failover {
        receipted_first: receipted.len(),
        resent,
        counted: tally.counts.iter().map(|(_, n)| n).sum(),
        voters: named.len(),
    })
}

struct Figures {
    pokes: Latencies,
    resident: Vec<f64>,
    votes: Votes,
    download: f64,
    nginx: f64,
    failover: Option<Failover>,
}

/// Runs 1–5 against a system whose instances are up.
async fn measure(mut system: System, files: &Path, files_url: &str) -> Result<Figures> {
    println!(
        "[{}] enrolling a secretary and {SOCKETS} members",
        system.name
    );
    let secretary = system.secretary().await?;
    let mut members = system.members(SOCKETS).await?;
    let meeting = secretary
        .create_meeting("Phiên họp (tải)", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    println!("[{}] {SOCKETS} sockets, {POKE_ROUNDS} pokes", system.name);
    let (pokes, resident) = pokes(&system, &secretary, &members).await?;
    println!("[{}] {VOTERS} voters within a second", system.name);
    let votes = vote_burst(&system, &secretary, item.id, &mut members[..VOTERS]).await?;
    println!("[{}] a 100 MB pack to {CROWD} members at once", system.name);
    let source = system.work.join("pack.pdf");
    pack_file(&source)?;
    let document = secretary
        .add_document(item.id, &source, Some("Hồ sơ 100 MB"))
        .await?;
    let bytes = sealed_copy(&secretary, &document, &files.join("pack.bin"))?;
    let nginx = nginx_downloads(files_url, bytes)?;
    let download = downloads(&system, &document, &members).await?;
    let failover = if system.instances.len() > 1 {
        println!(
            "[{}] kill -9 of one instance during a second burst",
            system.name
        );
        Some(failover(&mut system, &secretary, item.id, &mut members[..VOTERS]).await?)
    } else {
        None
    };
    Ok(Figures {
        pokes,
        resident,
        votes,
        download,
        nginx,
        failover,
    })
}

fn row(figure: &str, ours: &str, baseline: &str, peer: &str, goal: &str) {
    println!("| {figure} | {ours} | {baseline} | {peer} | {goal} |");
}

async fn run() -> Result<()> {
    let work = tempfile::Builder::new()
        .prefix("ecabinet-load-")
        .tempdir()?;
    let files = work.path().join("files");
    std::fs::create_dir_all(&files)?;

    // Three instances on PostgreSQL and Garage, behind nginx.
    let postgres = PgCluster::start_durable().context("a PostgreSQL cluster")?;
    let database_url = postgres.url("ecabinet")?;
    let garage = Garage::start().await?;
    // ECAB_LOAD_INSTANCES: fewer or more instances behind nginx (3 by default).
    let count = std::env::var("ECAB_LOAD_INSTANCES")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| (1..=8).contains(n))
        .unwrap_or(INSTANCES);
    let mut instances = Vec::with_capacity(count);
    for n in 0..count {
        // One at a time: the first creates the schema.
        let instance = Instance::start(
            &work.path().join(format!("instance-{n}")),
            Some(&database_url),
            Some(&garage),
        )?;
        wait_healthy(&instance.url()).await?;
        instances.push(instance);
    }
    let (entry, files_port) = (free_port()?, free_port()?);
    let nginx_dir = work.path().join("nginx");
    std::fs::create_dir_all(&nginx_dir)?;
    let _nginx = balancer(&nginx_dir, &instances, entry, &files, files_port)?;
    let files_url = format!("http://127.0.0.1:{files_port}/pack.bin");
    let scaled = System {
        name: "instances on PostgreSQL",
        entry: format!("http://127.0.0.1:{entry}"),
        instances,
        services: ecabinet_server::serve::open_services(
            &work.path().join("enrolling"),
            Some(&database_url),
            &BlobsLocation::S3(garage.location("load")),
        )
        .await?,
        work: work.path().join("scaled"),
    };
    let scaled = measure(scaled, &files, &files_url).await?;

    // The baseline: one instance on embedded SQLite.
    let data = work.path().join("sqlite");
    let instance = Instance::start(&data, None, None)?;
    wait_healthy(&instance.url()).await?;
    let single = System {
        name: "1 instance, SQLite",
        entry: instance.url(),
        services: ecabinet_server::serve::open_services(&data, None, &BlobsLocation::DataFolder)
            .await?,
        instances: vec![instance],
        work: work.path().join("single"),
    };
    let single = measure(single, &files, &files_url).await?;

    println!("[peer] {SOCKETS} sockets on a tokio::sync::broadcast fan-out");
    let peer = broadcast_pokes().await?;

    println!();
    row(
        "figure",
        "3 instances (PostgreSQL, Garage, nginx)",
        "1 instance (SQLite, blob folder)",
        "peer",
        "goal",
    );
    row("---", "---", "---", "---", "---");
    let poke = |l: &Latencies| format!("{:.1} / {:.1} (max {:.1})", l.p50, l.p99, l.max);
    row(
        &format!("poke to {SOCKETS} sockets, ms p50 / p99 ({POKE_ROUNDS} rounds)"),
        &poke(&scaled.pokes),
        &poke(&single.pokes),
        &format!("broadcast fan-out: {}", poke(&peer)),
        "p99 ≤ 15",
    );
    row(
        &format!("{VOTERS} ballots within 1 s: cast → signed receipt, ms p50 / p99"),
        &poke(&scaled.votes.latency),
        &poke(&single.votes.latency),
        "—",
        "p99 ≤ 25",
    );
    let counted = |v: &Votes| {
        format!(
            "{} counted from {} voters: {} lost, {} duplicated",
            v.counted,
            v.voters,
            VOTERS.saturating_sub(v.voters),
            (v.counted as usize).saturating_sub(v.voters)
        )
    };
    row(
        "ballots lost / duplicated",
        &counted(&scaled.votes),
        &counted(&single.votes),
        "—",
        "0 / 0",
    );
    let ratio = |ours: f64, nginx: f64| format!("{ours:.0} MB/s ({:.2}× nginx)", ours / nginx);
    row(
        &format!("{CROWD} members pulling 100 MB at once, aggregate"),
        &ratio(scaled.download, scaled.nginx),
        &ratio(single.download, single.nginx),
        &format!(
            "nginx, {CROWD} curls: {:.0} / {:.0} MB/s",
            scaled.nginx, single.nginx
        ),
        "≥ 0.8× nginx",
    );
    let failover = scaled.failover.as_ref();
    row(
        "kill -9 of one instance mid-burst",
        &failover.map_or("— (one instance)".into(), |f| {
            format!(
                "{} receipted at once, {} resent; {} counted from {} voters",
                f.receipted_first, f.resent, f.counted, f.voters
            )
        }),
        "— (nothing to fail over to)",
        "—",
        "every receipted ballot counted once",
    );
    let memory = |r: &[f64]| {
        r.iter()
            .map(|mb| format!("{mb:.0}"))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    row(
        &format!("server RSS with {SOCKETS} clients connected, MB"),
        &memory(&scaled.resident),
        &memory(&single.resident),
        "—",
        "≤ 200 per instance",
    );
    if let Some(failover) = failover {
        ensure!(
            failover.voters == VOTERS && failover.counted as usize == VOTERS,
            "after the failover {} were counted from {} voters",
            failover.counted,
            failover.voters
        );
    }
    drop(garage);
    drop(postgres);
    if std::env::var_os("ECAB_LOAD_KEEP").is_some() {
        println!("kept: {}", work.keep().display());
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    tokio::time::timeout(Duration::from_secs(600), run())
        .await
        .context("the load test took more than ten minutes")?
}
