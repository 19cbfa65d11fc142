//! Voice through the server, on both databases: members join the meeting's
//! voice over HTTP and WebRTC; whom they hear follows the session's log —
//! the member given the floor, the microphones the secretariat opens and
//! closes — and what they hear is what was said (correlation with the
//! source; no sound hardware: synthetic voices); a restricted item is
//! heard by its audience only.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use chrono::Utc;
use ecabinet_client::Client;
use ecabinet_domain::session::SpeechKind;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};
use ecabinet_voice::audio::{Silence, SyntheticVoice};
use ecabinet_voice::link::VoiceLink;
use ecabinet_voice::measure::{correlation, heard_from};

const LOOPBACK: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

async fn voice(
    client: Arc<Client>,
    meeting: ecabinet_domain::MeetingId,
    pitch: Option<f64>,
) -> Result<VoiceLink> {
    Ok(ecabinet_rtc::voice::join_voice(
        client,
        meeting,
        LOOPBACK,
        pitch.map(|p| Box::new(SyntheticVoice::new(p)) as _),
        Box::new(Silence),
        true,
    )
    .await?)
}

/// Frames of `talker` heard by `listener` from now on, after `wait`.
async fn heard_during(talker: &VoiceLink, listener: &VoiceLink, wait: Duration) -> usize {
    let before = heard_from(talker, listener).0.len();
    tokio::time::sleep(wait).await;
    heard_from(talker, listener).0.len() - before
}

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = Arc::new(server.enrol("Nguyễn Văn An", Role::Secretary).await?);
    let first = Arc::new(server.enrol("Trần Thị Bình", Role::Member).await?);
    let second = Arc::new(server.enrol("Lê Văn Cường", Role::Member).await?);
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp (thoại)", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Luật", None)
        .await?;
    secretary.start_session(meeting.id).await?;
    secretary.take_up_item(item.id).await?;
    for client in [&first, &second] {
        client.sync().await?;
    }
    first.request_floor(item.id, SpeechKind::Speech).await?;
    secretary.floor_next(item.id).await?;

    let speaker = voice(first.clone(), meeting.id, Some(160.0))
        .await
        .context("the speaker joins")?;
    let other = voice(second.clone(), meeting.id, Some(230.0))
        .await
        .context("a member joins")?;
    let listener = voice(secretary.clone(), meeting.id, None)
        .await
        .context("the secretariat listens")?;
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    // The member with the floor is heard, as said; the other is not.
    let (frames, _) = heard_from(&speaker, &listener);
    ensure!(
        frames.len() >= 40,
        "the speaker was heard: {} frames",
        frames.len()
    );
    let r = correlation(&frames[5..], &SyntheticVoice::samples(160.0, 48_000 * 20));
    ensure!(r > 0.8, "what the speaker said: correlation {r:.3}");
    ensure!(
        heard_from(&other, &listener).0.is_empty(),
        "a member without the floor is not heard"
    );
    ensure!(
        heard_from(&speaker, &other).0.len() >= 40,
        "the other member hears the speaker"
    );

    // The secretariat opens the other member's microphone, then closes the speaker's.
    secretary
        .set_microphone(meeting.id, second.profile().person.id, true)
        .await?;
    ensure!(
        heard_during(&other, &listener, Duration::from_millis(800)).await >= 20,
        "an opened microphone is heard"
    );
    secretary
        .set_microphone(meeting.id, first.profile().person.id, false)
        .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    ensure!(
        heard_during(&speaker, &listener, Duration::from_millis(600)).await <= 2,
        "a closed microphone is not heard"
    );
    // A restricted item is heard by its audience only (its named member
    // and the secretariat), never by the other participants.
    let restricted = secretary
        .add_agenda_item(
            meeting.id,
            "Nhân sự cấp cao",
            Some(vec![first.profile().person.id]),
        )
        .await?;
    secretary.take_up_item(restricted.id).await?;
    secretary
        .set_microphone(meeting.id, first.profile().person.id, true)
        .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (to_secretariat, to_other) = tokio::join!(
        heard_during(&speaker, &listener, Duration::from_millis(800)),
        heard_during(&speaker, &other, Duration::from_millis(800)),
    );
    ensure!(
        to_secretariat >= 20,
        "the item's audience hears it: {to_secretariat}"
    );
    ensure!(
        to_other <= 2,
        "a participant outside the item's audience does not: {to_other}"
    );
    // A member cannot open a microphone.
    let refused = first
        .set_microphone(meeting.id, first.profile().person.id, true)
        .await;
    ensure!(matches!(refused, Err(e) if e.code() == "not_chair"));
    for link in [speaker, other, listener] {
        link.close().await;
    }
    server.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voices_follow_the_floor_and_the_microphones_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voices_follow_the_floor_and_the_microphones_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}
