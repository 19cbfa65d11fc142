//! Voice through the SFU on loopback, no sound hardware: three members; the
//! one allowed to talk is heard by the two others (never by itself), and
//! what they decode matches what it said (correlation with the source);
//! a member not allowed to talk is not forwarded until the session lets
//! it. Mouth-to-ear (capture to decoded, sound-card buffers excluded) is
//! printed; the benchmark measures it under load.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use ecabinet_voice::audio::{Silence, SyntheticVoice};
use ecabinet_voice::link::{VoiceLink, VoiceOptions};
use ecabinet_voice::measure::{correlation, heard_from, percentile};
use ecabinet_voice::sfu::Sfu;
use ecabinet_voice::VoiceError;
use uuid::Uuid;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

async fn member(
    sfu: &Arc<Sfu>,
    meeting: Uuid,
    person: Uuid,
    pitch: Option<f64>,
) -> Result<VoiceLink> {
    let device = Uuid::now_v7();
    let sfu = sfu.clone();
    let link = VoiceLink::connect(
        VoiceOptions {
            bind: SocketAddr::new(LOOPBACK, 0),
            source: pitch.map(|p| Box::new(SyntheticVoice::new(p)) as _),
            sink: Box::new(Silence),
            slots: sfu.slots(),
            trace: true,
            decode: true,
        },
        |offer| async move {
            sfu.join(meeting, device, person, &offer)
                .await
                .map_err(|e| VoiceError::Signal(e.to_string()))
        },
    )
    .await?;
    Ok(link)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_speaker_is_heard_by_the_others_and_only_the_speaker() -> Result<()> {
    let sfu = Arc::new(Sfu::new(LOOPBACK, 2));
    let meeting = Uuid::now_v7();
    let (speaker, other, listener) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    sfu.set_talkers(meeting, vec![speaker]);
    let a = member(&sfu, meeting, speaker, Some(160.0))
        .await
        .context("the speaker joins")?;
    let b = member(&sfu, meeting, other, Some(230.0))
        .await
        .context("another member joins")?;
    let c = member(&sfu, meeting, listener, None)
        .await
        .context("a listener joins")?;
    ensure!(sfu.members(meeting) == 3);
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    let source = SyntheticVoice::samples(160.0, 48_000 * 10);
    for (name, heard_by) in [("the listener", &c), ("the other member", &b)] {
        let (frames, mut delays) = heard_from(&a, heard_by);
        ensure!(
            frames.len() >= 40,
            "{name} heard {} frames of the speaker",
            frames.len()
        );
        let r = correlation(&frames[5..], &source);
        println!(
            "{name}: {} frames of the speaker, correlation with the source {r:.3}, mouth-to-ear p50 {:?} p95 {:?}",
            frames.len(),
            percentile(&mut delays, 0.5),
            percentile(&mut delays, 0.95)
        );
        ensure!(
            r > 0.8,
            "{name} heard what the speaker said: correlation {r:.3}"
        );
        let (unallowed, _) = heard_from(&b, heard_by);
        ensure!(
            unallowed.is_empty(),
            "{name} did not hear a member without the floor"
        );
    }
    let (own, _) = heard_from(&a, &a);
    ensure!(own.is_empty(), "the speaker does not hear themselves");

    // The floor passes: the other member is heard, the first no more.
    sfu.set_talkers(meeting, vec![other]);
    let before = heard_from(&a, &c).0.len();
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let (frames, _) = heard_from(&b, &c);
    ensure!(
        frames.len() >= 25,
        "the new speaker is heard: {} frames",
        frames.len()
    );
    let after = heard_from(&a, &c).0.len();
    ensure!(
        after <= before + 3,
        "the first speaker is no longer forwarded ({before} → {after})"
    );
    let r = correlation(&frames[3..], &SyntheticVoice::samples(230.0, 48_000 * 10));
    ensure!(
        r > 0.8,
        "through the same slot, the new voice: correlation {r:.3}"
    );
    println!("forwarded {} packets", sfu.packets_forwarded());
    for link in [a, b, c] {
        link.close().await;
    }
    Ok(())
}
