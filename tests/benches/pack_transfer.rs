//! Benchmark: a 100 MB meeting pack over loopback.
//! 1. Encryption per core (AES-256-GCM sealing in 1 MiB chunks, one thread).
//! 2. Encrypt + upload + publish from the secretary's client.
//! 3. A member's cold download (prefetch: fetch, verify against the signed
//!    manifest, write to the ciphertext cache; no fsync, a torn chunk fails
//!    its hash) against `curl` fetching the same number of bytes as one
//!    static file from nginx into a new file (median of 3), in the same run.
//!    Prints MB/s and the ratio.
//! 4. The same as a user runs it: a freshly enrolled member's whole
//!    `ecab sync && ecab prefetch` processes (median of 5, a new member each
//!    time) against `curl` from nginx in the same run, and each step alone.
//!    Both write new files, start after a `sync`, and take turns going first.
//! 5. The secretary's whole `ecab doc add` of a 100 MB scan (25 pages of
//!    incompressible images: a valid PDF, so the page count is real work).
//! 6. 30 members fetching the pack at once. The server's side: 30 `curl`s,
//!    each fetching the pack's chunks in order with a member's token, in
//!    runs of 8 chunks per request as `ecab prefetch` asks for them,
//!    against 30 `curl`s of the same bytes from nginx (both to /dev/null, so
//!    only the servers differ; aggregate MB/s). Beside it, 30 whole `ecab
//!    prefetch` processes, which also verify and store every chunk on this
//!    same machine's two cores.
//!
//! Run: ./scripts/bench (or cargo bench -p ecabinet-e2e --bench pack_transfer)

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use chrono::Utc;
use ecabinet_crypto::{seal_document, ChunkContext, ContentKey};
use ecabinet_domain::Role;
use ecabinet_e2e::nginx::{free_port, Nginx};
use ecabinet_e2e::processes::all_at_once;
use ecabinet_e2e::{Backend, TestServer};

const DOCUMENTS: usize = 4;
/// 7 pages of 1117 × 1117 RGB pixels: 25 MiB a document.
const SCAN_PAGES: usize = 7;
const SCAN_SIDE: u32 = 1117;

fn mb_per_s(bytes: u64, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64()
}

/// A 25 MiB scan (7 pages of incompressible pixels): a real PDF, so the
/// secretary's add counts its pages as it would a real pack's (random bytes
/// behind a PDF header sent PDFium scanning the whole file to repair it, about
/// 0.5 s a document, and the in-process add measured that).
fn document(seed: u32) -> Vec<u8> {
    ecabinet_e2e::scans::scanned_pdf(SCAN_PAGES, SCAN_SIDE, SCAN_SIDE, seed)
}

#[tokio::main]
async fn main() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let work = server.dir.path().to_path_buf();
    let documents: Vec<Vec<u8>> = (0..DOCUMENTS as u32).map(document).collect();
    let total: u64 = documents.iter().map(|d| d.len() as u64).sum();

    // 1. Sealing alone, one thread.
    let key = ContentKey::generate()?;
    let context = ChunkContext {
        document_id: [7; 16],
        version: 1,
    };
    let started = Instant::now();
    for document in &documents {
        std::hint::black_box(seal_document(&key, &context, document)?);
    }
    let seal_rate = mb_per_s(total, started.elapsed());

    // 2. The secretary publishes the pack: seal, hash, upload, wrap keys, publish.
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    let meeting = secretary
        .create_meeting("Phiên họp", Utc::now() + chrono::Duration::days(1))
        .await?;
    let item = secretary.add_agenda_item(meeting.id, "Hồ sơ", None).await?;
    let mut paths = Vec::new();
    for (index, document) in documents.iter().enumerate() {
        let path = work.join(format!("document-{index}.pdf"));
        std::fs::write(&path, document)?;
        paths.push(path);
    }
    let started = Instant::now();
    let mut published = Vec::new();
    for path in &paths {
        published.push(secretary.add_document(item.id, path, None).await?);
    }
    let upload_rate = mb_per_s(total, started.elapsed());

    // 3a. The member's cold download.
    member.sync().await?;
    let started = Instant::now();
    let done = member.prefetch(|_| {}).await?;
    let download = started.elapsed();
    ensure!(
        done.finished && done.bytes_done == done.bytes_total,
        "prefetch incomplete"
    );
    let download_rate = mb_per_s(done.bytes_total, download);

    // 3b. curl from nginx: the same number of bytes as one static file.
    let static_root = work.join("static");
    std::fs::create_dir_all(&static_root)?;
    let mut blob = Vec::with_capacity(done.bytes_total as usize);
    for document in &documents {
        blob.extend_from_slice(document);
    }
    blob.resize(done.bytes_total as usize, 0);
    std::fs::write(static_root.join("pack.bin"), &blob)?;
    let port = free_port()?;
    let nginx_dir = work.join("nginx");
    std::fs::create_dir_all(&nginx_dir)?;
    let nginx = Nginx::serve_files(&nginx_dir, &static_root, port)?;
    let url = format!("http://127.0.0.1:{port}/pack.bin");
    // A new file each time, as the member's cache is new; the median of
    // three, as this machine's memory makes any one write vary threefold
    // (the best of three favoured curl against the member's one run).
    let mut target = work.join("curl.out");
    let mut curl_times = Vec::new();
    for round in 0..3 {
        target = work.join(format!("curl-{round}.out"));
        let started = Instant::now();
        let status = Command::new("curl")
            .args(["-sS", "-o"])
            .arg(&target)
            .arg(&url)
            .status()?;
        ensure!(status.success(), "curl failed");
        curl_times.push(started.elapsed());
    }
    ensure!(
        std::fs::metadata(&target)?.len() == done.bytes_total,
        "curl fetched the wrong size"
    );
    curl_times.sort();
    let curl_rate = mb_per_s(done.bytes_total, curl_times[1]);

    // 4. Whole processes: fresh members' `ecab sync && ecab prefetch`.
    let whole = whole_process(&server, &secretary, done.bytes_total, &url, &work).await?;
    let crowd = thirty_at_once(
        &server,
        &secretary,
        &published,
        done.bytes_total,
        &url,
        &work,
    )
    .await?;
    drop(nginx);
    let add = whole_add(&secretary, item.id, &work)?;

    println!("\n100 MB meeting pack ({DOCUMENTS} × 25 MiB), loopback");
    println!("{:<62} {:>9}", "", "MB/s");
    println!(
        "{:<62} {:>9.0}",
        "AES-256-GCM sealing, 1 MiB chunks, one thread", seal_rate
    );
    println!(
        "{:<62} {:>9.0}",
        "secretary: seal + hash + upload + wrap + publish", upload_rate
    );
    println!(
        "{:<62} {:>9.0}",
        "member: cold download (verify + ciphertext cache)", download_rate
    );
    println!(
        "{:<62} {:>9.0}",
        "curl ← nginx static file (to a new file, median of 3)", curl_rate
    );
    println!(
        "\nencryption per core: {seal_rate:.0} MB/s (target ≥ 500) → {}",
        if seal_rate >= 500.0 { "met" } else { "NOT met" }
    );
    println!(
        "cold download / curl-from-nginx: {:.2}× (target ≥ 0.70) → {}",
        download_rate / curl_rate,
        if download_rate / curl_rate >= 0.7 {
            "met"
        } else {
            "NOT met"
        }
    );
    if let Some(whole) = whole {
        println!(
            "\nas a user runs it (whole processes, median of {WHOLE_RUNS}, a fresh member each):"
        );
        println!(
            "  ecab sync: {:.0} ms; ecab prefetch: {:.0} ms; both: {:.0} ms → {:.0} MB/s",
            whole.sync_ms, whole.prefetch_ms, whole.total_ms, whole.rate
        );
        println!(
            "  curl ← nginx in the same runs: {:.0} MB/s",
            whole.curl_rate
        );
        println!(
            "  ecab sync && ecab prefetch / curl: {:.2}× (target ≥ 0.9) → {}",
            whole.rate / whole.curl_rate,
            if whole.rate / whole.curl_rate >= 0.9 {
                "met"
            } else {
                "NOT met"
            }
        );
    }
    if let Some(crowd) = crowd {
        println!(
            "\n{CROWD} members at once, aggregate MB/s (better of 2 rounds):\n  server side: {CROWD} curls of the chunks ← eCabinet {:.0}; {CROWD} curls ← nginx {:.0}; ratio {:.2}× (target ≥ 0.8) → {}",
            crowd.server,
            crowd.nginx,
            crowd.server / crowd.nginx,
            if crowd.server / crowd.nginx >= 0.8 { "met" } else { "NOT met" }
        );
        println!(
            "  {CROWD} whole ecab prefetch processes (verify + cache on the same 2 cores): {:.0}; {:.2}× nginx",
            crowd.ecab,
            crowd.ecab / crowd.nginx
        );
    }
    if let Some((ms, mb, write_ms)) = add {
        let rate = mb / ms * 1e3;
        println!("\nsecretary: ecab doc add of a {mb:.0} MB scan (whole process, median of {ADD_RUNS}): {ms:.0} ms → {rate:.0} MB/s (target ≥ 300) → {}",
            if rate >= 300.0 { "met" } else { "NOT met" });
        println!("  (writing the scan into a new file first took {write_ms:.0} ms: 20-40 ms on memory used before, 240-270 ms on memory not touched yet)");
    }
    server.stop().await?;
    Ok(())
}

const ADD_RUNS: usize = 5;
const CROWD: usize = 30;

struct Crowd {
    server: f64,
    nginx: f64,
    ecab: f64,
}

/// 30 members fetching the pack at once: the better of two rounds of each
/// kind, the peer first in each round (this VM makes a process's first
/// writes into fresh memory expensive, so whichever ran first would pay).
async fn thirty_at_once(
    server: &TestServer,
    secretary: &ecabinet_client::Client,
    published: &[ecabinet_domain::Document],
    bytes: u64,
    url: &str,
    work: &Path,
) -> Result<Option<Crowd>> {
    let Some(ecab) = ecabinet_e2e::release_ecab() else {
        return Ok(None);
    };
    let mut members = Vec::with_capacity(CROWD);
    for n in 0..CROWD {
        members.push(
            server
                .enrol(&format!("Thành viên đông {n}"), Role::Member)
                .await?,
        );
    }
    secretary.sync().await?;
    let base = server.url();
    let mut chunk_urls = Vec::new();
    // Runs of 8 chunks, as `ecab prefetch` asks for them.
    for document in published {
        for from in (0..document.chunk_count).step_by(8) {
            chunk_urls.push(format!(
                "{}/v1/documents/{}/versions/{}/chunks/{from}/{}",
                base.trim_end_matches('/'),
                document.id,
                document.version,
                (document.chunk_count - from).min(8)
            ));
        }
    }
    let mut tokens = Vec::with_capacity(CROWD);
    for member in &members {
        member.sync().await?;
        tokens.push(member.session_token().await?);
    }
    let profiles: Vec<_> = members
        .iter()
        .map(|m| m.profile_dir().to_path_buf())
        .collect();
    let total = bytes as f64 * CROWD as f64;
    let rate = |elapsed: Duration| total / 1e6 / elapsed.as_secs_f64();
    let (mut ours, mut theirs, mut whole) = (Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..2 {
        theirs = theirs.min(all_at_once(
            (0..CROWD)
                .map(|_| {
                    let mut curl = Command::new("curl");
                    curl.args(["-sS", "-o", "/dev/null", url]);
                    curl
                })
                .collect(),
        )?);
        ours = ours.min(all_at_once(
            tokens
                .iter()
                .map(|token| {
                    let mut curl = Command::new("curl");
                    curl.args(["-sS", "-f", "-H", &format!("Authorization: Bearer {token}")]);
                    for chunk in &chunk_urls {
                        curl.args(["-o", "/dev/null", chunk]);
                    }
                    curl
                })
                .collect(),
        )?);
        for profile in &profiles {
            let _ = std::fs::remove_dir_all(profile.join("cache"));
        }
        whole = whole.min(all_at_once(
            profiles
                .iter()
                .map(|profile| {
                    let mut prefetch = Command::new(&ecab);
                    prefetch.arg("--profile").arg(profile).arg("prefetch");
                    prefetch
                })
                .collect(),
        )?);
        for profile in &profiles {
            let cached = cached_bytes(&profile.join("cache"));
            ensure!(cached >= bytes, "a member cached {cached} of {bytes} bytes");
            let _ = std::fs::remove_dir_all(profile.join("cache"));
        }
    }
    let _ = work;
    Ok(Some(Crowd {
        server: rate(ours),
        nginx: rate(theirs),
        ecab: rate(whole),
    }))
}

/// The secretary's `ecab doc add` of a 100 MB scan, as a whole process:
/// (median ms, MB, ms to write the scan into a new file first).
fn whole_add(
    secretary: &ecabinet_client::Client,
    item: ecabinet_domain::AgendaItemId,
    work: &Path,
) -> Result<Option<(f64, f64, f64)>> {
    let Some(ecab) = ecabinet_e2e::release_ecab() else {
        return Ok(None);
    };
    let scan = ecabinet_e2e::scans::scanned_pdf(25, 1155, 1155, 5);
    let path = work.join("ban-ky-100mb.pdf");
    // This machine (a Firecracker VM with free page reporting) charges for
    // memory the first time it is touched: writing the same 100 MB into a
    // new file took 20-40 ms when the pages had been used before and
    // 240-270 ms when they had not. `ecab doc add` grows the page cache by
    // its cache copy and the server's blobs, so the figure moves with it;
    // the plain write is timed here to show where the machine stood.
    let started = Instant::now();
    std::fs::write(&path, &scan)?;
    let write_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut times = Vec::new();
    for _ in 0..ADD_RUNS {
        flush_writes()?;
        let started = Instant::now();
        let status = Command::new(&ecab)
            .arg("--profile")
            .arg(secretary.profile_dir())
            .args(["doc", "add", &item.to_string(), "--file"])
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        ensure!(status.success(), "ecab doc add failed");
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    Ok(Some((
        times[times.len() / 2],
        scan.len() as f64 / 1e6,
        write_ms,
    )))
}

const WHOLE_RUNS: usize = 5;

/// Writes back what earlier steps left dirty (`sync`), so it is not written
/// back in the middle of the next timed step.
fn flush_writes() -> Result<()> {
    let status = Command::new("sync").status()?;
    ensure!(status.success(), "sync failed");
    Ok(())
}

/// Bytes under a folder (the member's ciphertext cache).
fn cached_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => cached_bytes(&e.path()),
            Ok(_) => e.metadata().map(|m| m.len()).unwrap_or(0),
            Err(_) => 0,
        })
        .sum()
}

struct WholeProcess {
    sync_ms: f64,
    prefetch_ms: f64,
    total_ms: f64,
    rate: f64,
    curl_rate: f64,
}

async fn whole_process(
    server: &TestServer,
    secretary: &ecabinet_client::Client,
    bytes: u64,
    curl_url: &str,
    work: &Path,
) -> Result<Option<WholeProcess>> {
    let Some(ecab) = ecabinet_e2e::release_ecab() else {
        println!("(ecab not built: no whole-process figure; ./scripts/bench builds it)");
        return Ok(None);
    };
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (mut syncs, mut prefetches, mut totals, mut curls) = (vec![], vec![], vec![], vec![]);
    for run in 0..WHOLE_RUNS {
        let member = server
            .enrol(&format!("Thành viên {run}"), Role::Member)
            .await?;
        let profile = member.profile_dir().to_path_buf();
        drop(member);
        // The secretariat's device wraps the pack's keys for the new member.
        secretary.sync().await?;
        let step = |what: &str| -> Result<Duration> {
            let started = Instant::now();
            let status = Command::new(&ecab)
                .arg("--profile")
                .arg(&profile)
                .arg(what)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()?;
            ensure!(status.success(), "ecab {what} failed");
            Ok(started.elapsed())
        };
        let cache = profile.join("cache");
        // A new file, as the member's cache is new.
        let curl_target = work.join(format!("curl-whole-{run}.out"));
        let curl = || -> Result<Duration> {
            let started = Instant::now();
            let status = Command::new("curl")
                .args(["-sS", "-o"])
                .arg(&curl_target)
                .arg(curl_url)
                .status()?;
            ensure!(status.success(), "curl failed");
            Ok(started.elapsed())
        };
        // Both start from written-back memory, and they take turns going
        // first: on this machine whichever writes 100 MB first after a
        // pause may get pages that are much cheaper (see `whole_add`).
        flush_writes()?;
        let curl_first = run % 2 == 1;
        let curl_took = if curl_first { Some(curl()?) } else { None };
        let sync = step("sync")?;
        let prefetch = step("prefetch")?;
        let curl_took = match curl_took {
            Some(took) => took,
            None => curl()?,
        };
        let cached = cached_bytes(&cache);
        ensure!(
            cached >= bytes,
            "ecab prefetch left {cached} of {bytes} bytes in the cache"
        );
        syncs.push(sync.as_secs_f64() * 1e3);
        prefetches.push(prefetch.as_secs_f64() * 1e3);
        totals.push((sync + prefetch).as_secs_f64() * 1e3);
        curls.push(curl_took.as_secs_f64() * 1e3);
    }
    let total_ms = median(totals);
    Ok(Some(WholeProcess {
        sync_ms: median(syncs),
        prefetch_ms: median(prefetches),
        total_ms,
        rate: bytes as f64 / 1e3 / total_ms,
        curl_rate: bytes as f64 / 1e3 / median(curls),
    }))
}
