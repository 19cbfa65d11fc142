//! Benchmark: the first page of the 50-page demo document, from the encrypted
//! cache — read the sealed chunks, verify them against the signed manifest,
//! unwrap the key, decrypt, open in PDFium, render at 150 dpi, watermark,
//! encode PNG — against `mutool draw` and `pdftoppm` rendering the same page
//! of the plaintext file, in the same run. Prints p50/p95 and the ratios.
//!
//! Then the same for a 100 MB scan (25 pages of incompressible images, a
//! cabinet pack's signed originals): page 1 from the cache as a whole `ecab
//! doc render` process against `mutool draw` on the plaintext file, and the
//! peak memory (RSS) of each, measured by GNU time.
//!
//! In process, "first page" opens the document afresh each time (the PDF
//! thread's open documents are closed between runs); a reader's page turn,
//! with the document kept open, is printed beside it.
//!
//! Run: cargo bench -p ecabinet-e2e --bench first_page   (ITERATIONS=N to change the count)

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::Utc;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

const DPI: f32 = 150.0;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

struct Stats {
    name: String,
    p50: Duration,
    p95: Duration,
}

fn stats(name: &str, mut samples: Vec<Duration>) -> Stats {
    Stats {
        name: name.to_owned(),
        p50: percentile(&mut samples, 0.50),
        p95: percentile(&mut samples, 0.95),
    }
}

fn time_command(iterations: usize, make: impl Fn() -> Command) -> Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        let status = make().status()?;
        samples.push(started.elapsed());
        anyhow::ensure!(status.success(), "{:?} failed", make());
    }
    Ok(samples)
}

fn available(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<()> {
    let iterations: usize = std::env::var("ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let pdf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/demo/03-de-an-chuyen-doi-so.pdf");

    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Đề án chuyển đổi số", None)
        .await?;
    let document = secretary.add_document(item.id, &pdf, None).await?;
    member.sync().await?;
    // Warm the encrypted cache (and PDFium's one-time binding) once.
    let first = member.render_page(document.id, 1, DPI).await?;
    anyhow::ensure!(first.page_count == 50, "expected the 50-page demo document");
    let out = server.dir.path().join("out");
    std::fs::create_dir_all(&out)?;

    let mut ours = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        member.close_documents();
        let started = Instant::now();
        let page = member.render_page(document.id, 1, DPI).await?;
        ours.push(started.elapsed());
        std::hint::black_box(page.png.len());
    }
    let mut turns = Vec::with_capacity(iterations);
    for n in 0..iterations {
        let started = Instant::now();
        let page = member
            .render_page(document.id, 2 + (n as u32 % 40), DPI)
            .await?;
        turns.push(started.elapsed());
        std::hint::black_box(page.png.len());
    }
    let mut results = vec![stats(
        "eCabinet (encrypted cache → watermarked PNG, in process)",
        ours,
    )];
    let page_turn = stats("a page turn, document kept open (in process)", turns);

    let ecab = ecabinet_e2e::release_ecab().unwrap_or_else(|| "ecab-not-built".into());
    if ecab.exists() {
        let profile = member.profile_dir().to_path_buf();
        let doc = document.id.to_string();
        let target = out.join("ecab.png");
        let samples = time_command(iterations, || {
            let mut command = Command::new(&ecab);
            command.arg("--profile").arg(&profile).args([
                "doc", "render", &doc, "--page", "1", "--dpi", "150", "--out",
            ]);
            command.arg(&target).stdout(std::process::Stdio::null());
            command
        })
        .context("ecab doc render")?;
        results.push(stats("ecab doc render (whole process)", samples));
    } else {
        println!(
            "(ecab CLI not built at {}; set ECAB_BIN to include the process-level figure)",
            ecab.display()
        );
    }

    let mut peers = Vec::new();
    if available("mutool") {
        let target = out.join("mutool.png");
        let samples = time_command(iterations, || {
            let mut command = Command::new("mutool");
            command
                .args(["draw", "-q", "-r", "150", "-o"])
                .arg(&target)
                .arg(&pdf)
                .arg("1");
            command
        })?;
        peers.push(stats(
            "mutool draw (plaintext file, whole process)",
            samples,
        ));
    } else {
        println!("mutool not installed (Debian package mupdf-tools): skipping that peer");
    }
    if available("pdftoppm") {
        let target = out.join("pdftoppm");
        let samples = time_command(iterations, || {
            let mut command = Command::new("pdftoppm");
            command
                .args(["-r", "150", "-f", "1", "-l", "1", "-png"])
                .arg(&pdf)
                .arg(&target);
            command
        })?;
        peers.push(stats("pdftoppm (plaintext file, whole process)", samples));
    } else {
        println!("pdftoppm not installed (Debian package poppler-utils): skipping that peer");
    }

    println!("\nfirst page of a 50-page document at {DPI} dpi, {iterations} runs each");
    println!("{:<58} {:>9} {:>9}", "", "p50 ms", "p95 ms");
    for s in results
        .iter()
        .chain(std::iter::once(&page_turn))
        .chain(peers.iter())
    {
        println!("{:<58} {:>9.1} {:>9.1}", s.name, ms(s.p50), ms(s.p95));
    }
    let target_ms = 40.0;
    let ours = &results[0];
    println!(
        "\ntarget: p95 ≤ {target_ms} ms in process → {} ({:.1} ms)",
        if ms(ours.p95) <= target_ms {
            "met"
        } else {
            "NOT met"
        },
        ms(ours.p95)
    );
    for peer in &peers {
        for mine in &results {
            println!(
                "ratio p95 {} / {}: {:.2}× (below 1 = eCabinet faster)",
                mine.name.split(" (").next().unwrap_or(&mine.name),
                peer.name.split(" (").next().unwrap_or(&peer.name),
                ms(mine.p95) / ms(peer.p95)
            );
        }
    }
    big_scan(&server, &secretary, &member, item.id, &ecab, &out).await?;
    server.stop().await?;
    Ok(())
}

/// Runs `command` under GNU time: its peak RSS in MiB.
fn peak_rss_mib(command: &Command, report: &Path) -> Result<f64> {
    let mut timed = Command::new("/usr/bin/time");
    timed.arg("-f").arg("%M").arg("-o").arg(report);
    timed.arg(command.get_program()).args(command.get_args());
    timed
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let status = timed.status()?;
    anyhow::ensure!(status.success(), "{timed:?} failed");
    let kib: f64 = std::fs::read_to_string(report)?
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .parse()?;
    Ok(kib / 1024.0)
}

const SCAN_PAGES: usize = 25;
/// 25 pages of 1155 × 1155 RGB: 100 MB.
const SCAN_SIDE: u32 = 1155;

async fn big_scan(
    server: &TestServer,
    secretary: &ecabinet_client::Client,
    member: &ecabinet_client::Client,
    item: ecabinet_domain::AgendaItemId,
    ecab: &Path,
    out: &Path,
) -> Result<()> {
    let iterations = 5;
    let scan = ecabinet_e2e::scans::scanned_pdf(SCAN_PAGES, SCAN_SIDE, SCAN_SIDE, 11);
    let path = server.dir.path().join("ban-ky-100mb.pdf");
    std::fs::write(&path, &scan)?;
    let document = secretary.add_document(item, &path, None).await?;
    member.sync().await?;
    member.prefetch(|_| {}).await?;
    println!(
        "\npage 1 of a {:.0} MB scan ({SCAN_PAGES} image pages), cached, at {DPI} dpi, median of {iterations}",
        scan.len() as f64 / 1e6
    );
    member.close_documents();
    let started = Instant::now();
    let page = member.render_page(document.id, 1, DPI).await?;
    println!(
        "  in process, opened afresh: {:.1} ms ({} × {} px)",
        ms(started.elapsed()),
        page.width,
        page.height
    );
    let profile = member.profile_dir().to_path_buf();
    let doc = document.id.to_string();
    let ecab_command = || {
        let mut command = Command::new(ecab);
        command.arg("--profile").arg(&profile).args([
            "doc", "render", &doc, "--page", "1", "--dpi", "150", "--out",
        ]);
        command.arg(out.join("scan-ecab.png"));
        command.stdout(std::process::Stdio::null());
        command
    };
    let mutool_command = || {
        let mut command = Command::new("mutool");
        command
            .args(["draw", "-q", "-r", "150", "-o"])
            .arg(out.join("scan-mutool.png"))
            .arg(&path)
            .arg("1");
        // mutool warns on every run that it was built without ICC support.
        command.stderr(std::process::Stdio::null());
        command
    };
    let median = |mut samples: Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2]
    };
    let report = out.join("rss.txt");
    let mut cold_render: Option<Duration> = None;
    let ecab_figures = if ecab.exists() {
        let time = median(time_command(iterations, ecab_command).context("ecab doc render")?);
        let rss = peak_rss_mib(&ecab_command(), &report)?;
        println!(
            "  ecab doc render (whole process): {:.1} ms, peak RSS {rss:.1} MiB (target ≤ 64 MiB → {})",
            ms(time),
            if rss <= 64.0 { "met" } else { "NOT met" }
        );
        Some(time)
    } else {
        println!("  (ecab not built: no whole-process figure)");
        None
    };
    // Not downloaded yet: fresh members (keys distributed, replica synced,
    // no chunk cached) render page 1 as a whole process.
    let mut cold = Vec::new();
    let mut fetched = 0;
    if ecab.exists() {
        for run in 0..iterations {
            let fresh = server
                .enrol(
                    &format!("Thành viên mới {run}"),
                    ecabinet_domain::Role::Member,
                )
                .await?;
            secretary.sync().await?;
            fresh.sync().await?;
            let profile = fresh.profile_dir().to_path_buf();
            let started = Instant::now();
            let status = Command::new(ecab)
                .arg("--profile")
                .arg(&profile)
                .args([
                    "doc", "render", &doc, "--page", "1", "--dpi", "150", "--out",
                ])
                .arg(out.join("scan-cold.png"))
                .stdout(std::process::Stdio::null())
                .status()?;
            anyhow::ensure!(status.success(), "ecab doc render (not downloaded) failed");
            cold.push(started.elapsed());
            let cache = profile.join("cache").join(&doc).join("1");
            fetched = std::fs::read_dir(&cache)
                .map(|d| {
                    d.filter_map(Result::ok)
                        .filter(|e| e.file_name().to_string_lossy().ends_with(".sealed"))
                        .count()
                })
                .unwrap_or(0);
        }
        let cold = median(cold);
        println!(
            "  ecab doc render, not downloaded yet (whole process): {:.1} ms, fetching {fetched} of {} chunks",
            ms(cold),
            document.chunk_count
        );
        cold_render = Some(cold);
    }
    if available("mutool") {
        let time = median(time_command(iterations, mutool_command)?);
        let rss = peak_rss_mib(&mutool_command(), &report)?;
        println!(
            "  mutool draw (plaintext file, whole process): {:.1} ms, peak RSS {rss:.1} MiB",
            ms(time)
        );
        if let Some(ours) = ecab_figures {
            let ratio = ms(ours) / ms(time);
            println!(
                "  ratio ecab / mutool: {ratio:.2}× (target ≤ 1.0× → {})",
                if ratio <= 1.0 { "met" } else { "NOT met" }
            );
            if let Some(cold) = cold_render {
                // What fetching the page's chunks added, over the cached render.
                let fetching = cold.saturating_sub(ours);
                let ratio = ms(cold) / (ms(time) + ms(fetching));
                println!(
                    "  not downloaded: {:.1} ms against mutool + the fetch ({:.1} + {:.1} ms): {ratio:.2}× (target ≤ 2× → {})",
                    ms(cold),
                    ms(time),
                    ms(fetching),
                    if ratio <= 2.0 { "met" } else { "NOT met" }
                );
            }
        }
    }
    Ok(())
}
