//! Voice as a user runs it: `ecab room join --audio talk` on the member
//! given the floor, `ecab room join --audio listen --audio-sink FILE` on
//! another, real processes against a server on loopback, no sound hardware
//! (a synthetic voice in, a WAV file out). The file holds what was said.

use std::path::Path;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use ecabinet_voice::audio::{AudioSource, SyntheticVoice, WavSource};
use ecabinet_voice::FRAME_SAMPLES;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

mod common;
use common::{demo_server, ecab};

async fn ecab_ok(profile: &Path, args: &[&str]) -> Result<String> {
    let run = ecab(profile, args).await?;
    ensure!(
        run.code == 0,
        "ecab {}: {}{}",
        args.join(" "),
        run.stdout,
        run.stderr
    );
    Ok(run.stdout)
}

/// A room process, and a channel of the notes it prints.
fn room(
    profile: &Path,
    args: &[&str],
) -> Result<(Child, tokio::sync::mpsc::UnboundedReceiver<Value>)> {
    let mut child = common::spawn_json(profile, args)?;
    let stdout = child.stdout.take().context("its output")?;
    let (notes, received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Ok(note) = serde_json::from_str::<Value>(&line) {
                let _ = notes.send(note);
            }
        }
    });
    Ok((child, received))
}

async fn wait_note(
    notes: &mut tokio::sync::mpsc::UnboundedReceiver<Value>,
    kind: &str,
) -> Result<Value> {
    tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(note) = notes.recv().await {
            if note["note"] == kind {
                return Ok(note);
            }
            if note["note"] == "problem" {
                anyhow::bail!("a problem: {note}");
            }
        }
        anyhow::bail!("the process ended before {kind}")
    })
    .await
    .with_context(|| format!("no {kind} within 20 s"))?
}

async fn stop(mut child: Child) -> Result<()> {
    if let Some(pid) = child.id() {
        Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status()
            .await?;
    }
    tokio::time::timeout(Duration::from_secs(10), child.wait()).await??;
    Ok(())
}

/// The best correlation of `heard` with `said` at any frame-aligned start
/// (the listener joined some frames in) plus the codec's delay.
fn best_correlation(heard: &[i16], said: &[i16]) -> f64 {
    let window = &heard[heard.len().min(4_800)..heard.len().min(4_800 + 19_200)];
    let score = |offset: usize| {
        let (mut dot, mut a, mut b) = (0.0, 0.0, 0.0);
        for (i, h) in window.iter().enumerate() {
            let Some(s) = said.get(offset + i) else {
                return 0.0;
            };
            let (h, s) = (f64::from(*h), f64::from(*s));
            dot += h * s;
            a += h * h;
            b += s * s;
        }
        if a > 0.0 && b > 0.0 {
            dot / (a * b).sqrt()
        } else {
            0.0
        }
    };
    let mut best = (0.0, 0);
    for offset in (0..said.len().saturating_sub(window.len())).step_by(48) {
        let r = score(offset);
        if r > best.0 {
            best = (r, offset);
        }
    }
    let (coarse, at) = best;
    (at.saturating_sub(48)..at + 48)
        .map(score)
        .fold(coarse, f64::max)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_given_the_floor_is_heard_by_another_through_the_server() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = demo_server(dir.path()).await?;
    let url = format!("{}/", server.url());
    let names = [
        ecabinet_server::demo::SECRETARY,
        ecabinet_server::demo::MEMBERS[0],
        ecabinet_server::demo::MEMBERS[1],
    ];
    let mut profiles = Vec::new();
    for name in names {
        let person = server.services.find_person(name).await?;
        let code = server.services.issue_invite(person).await?.code;
        let profile = dir.path().join(name.replace(' ', "-"));
        ecab_ok(
            &profile,
            &["enroll", "--server", &url, "--code", &code.to_string()],
        )
        .await?;
        profiles.push(profile);
    }
    let (secretary, speaker, listener) = (&profiles[0], &profiles[1], &profiles[2]);
    let meetings: Value =
        serde_json::from_str(&ecab_ok(secretary, &["--json", "meetings"]).await?)?;
    let meeting = meetings[0]["id"].as_str().context("a meeting")?.to_owned();
    let agenda: Value =
        serde_json::from_str(&ecab_ok(secretary, &["--json", "agenda", &meeting]).await?)?;
    let item = agenda["items"][0]["id"]
        .as_str()
        .context("an item")?
        .to_owned();
    ecab_ok(secretary, &["session", "start", &meeting]).await?;
    ecab_ok(secretary, &["session", "item", &item]).await?;
    ecab_ok(speaker, &["sync"]).await?;
    ecab_ok(speaker, &["speak", &item]).await?;
    ecab_ok(secretary, &["floor", "next", &item]).await?;

    let heard = dir.path().join("nghe.wav");
    let (talking, mut talking_notes) = room(
        speaker,
        &[
            &["room", "join", meeting.as_str()][..],
            &common::TALK_SYNTHETIC[..],
        ]
        .concat(),
    )?;
    let joined = wait_note(&mut talking_notes, "voice_joined").await?;
    ensure!(joined["talking"] == true, "{joined}");
    println!("voice joined in {} ms", joined["millis"]);
    let (listening, mut listening_notes) = room(
        listener,
        &[
            "room",
            "join",
            &meeting,
            "--audio",
            "listen",
            "--audio-sink",
            &heard.display().to_string(),
        ],
    )?;
    wait_note(&mut listening_notes, "voice_joined").await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop(listening).await?;
    let left = wait_note(&mut listening_notes, "voice_left").await?;
    ensure!(
        left["heard"].as_u64().unwrap_or(0) >= 50,
        "the listener heard the speaker: {left}"
    );
    stop(talking).await?;

    let mut file = WavSource::open(&heard, false)?;
    let mut samples = Vec::new();
    let mut frame = [0i16; FRAME_SAMPLES];
    while file.next_frame(&mut frame) {
        samples.extend_from_slice(&frame);
    }
    ensure!(
        samples.len() >= 48_000,
        "a second of voice at least: {} samples",
        samples.len()
    );
    let r = best_correlation(&samples, &SyntheticVoice::samples(160.0, 48_000 * 30));
    println!("what the listener's file holds, against what was said: correlation {r:.3}");
    ensure!(
        r > 0.8,
        "the file holds what the speaker said: correlation {r:.3}"
    );
    server.shutdown().await?;
    Ok(())
}
