//! The server's side of the room, on both databases: the room's facts and
//! keys; who may be its hub (the chair or the secretariat, one at a time);
//! the server ordering only while the hub's lease holds; a hub's segment
//! taken whole (and a repeated check-in taking nothing twice); events a hub
//! relays for devices that cannot reach the server, from the named hub only;
//! and the hub released.

use anyhow::{ensure, Context, Result};
use chrono::Utc;
use ecabinet_client::VoteOutcome;
use ecabinet_client::{Client, ClientError};
use ecabinet_domain::api::OpenMotionRequest;
use ecabinet_domain::session::{
    to_millis, FloorRequestId, LiveEvent, LiveEventBody, LiveEventId, SpeechKind,
};
use ecabinet_domain::voting::{MajorityBase, MajorityRule};
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};
use ecabinet_room::{Directory, HubCore};

fn code(result: Result<impl std::fmt::Debug, ClientError>) -> String {
    match result {
        Err(error) => error.code().to_owned(),
        Ok(value) => format!("ok: {value:?}"),
    }
}

fn member_event(
    client: &Client,
    meeting: ecabinet_domain::MeetingId,
    body: LiveEventBody,
) -> ecabinet_domain::session::SignedLiveEvent {
    client.sign_live_event(LiveEvent {
        id: LiveEventId::new(),
        meeting_id: meeting,
        device_id: client.profile().device_id,
        author: client.profile().person.id,
        made_at: to_millis(Utc::now()),
        body,
    })
}

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let deputy = server.enrol("Đỗ Thị Hạnh", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    let other = server.enrol("Lê Văn Cường", Role::Member).await?;
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp (phòng họp)", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    secretary.start_session(meeting.id).await?;
    secretary.take_up_item(item.id).await?;
    for client in [&deputy, &member, &other] {
        client.sync().await?;
    }

    // The room as the server describes it: every participant's device and key.
    let info = member.room_info(meeting.id).await?;
    ensure!(info.hub.is_none());
    ensure!(info.devices.len() == 4, "{:?}", info.devices);
    ensure!(info
        .devices
        .iter()
        .any(|d| d.device == secretary.profile().device_id && d.secretary));
    ensure!(info.facts.items.iter().any(|i| i.id == item.id));
    // A restricted item's audience is told to those who may host (so their
    // hub keeps its voices to it), never to a member.
    let restricted = secretary
        .add_agenda_item(
            meeting.id,
            "Nhân sự cấp cao",
            Some(vec![member.profile().person.id]),
        )
        .await?;
    ensure!(
        member.room_info(meeting.id).await?.audiences.is_empty(),
        "a member learns no item's audience"
    );
    let hosting = secretary.room_info(meeting.id).await?;
    let audience = hosting
        .voice_audience(Some(restricted.id))
        .context("the secretariat learns the restricted item's audience")?;
    let mut expected = vec![
        member.profile().person.id,
        secretary.profile().person.id,
        deputy.profile().person.id,
    ];
    let mut audience = audience;
    audience.sort_by_key(|p| p.0);
    expected.sort_by_key(|p| p.0);
    ensure!(
        audience == expected,
        "its named member and the secretariat: {audience:?}"
    );
    ensure!(hosting.voice_audience(Some(item.id)).is_none());

    // Only the chair or the secretariat hosts; one hub at a time.
    ensure!(code(member.hub_check_in(meeting.id, &[], &[]).await) == "forbidden");
    let lease = secretary.hub_check_in(meeting.id, &[], &[]).await?;
    ensure!(lease.lease_millis == 3_000 && lease.head == 2, "{lease:?}");
    ensure!(code(deputy.hub_check_in(meeting.id, &[], &[]).await) == "room_hub_taken");
    member
        .request_floor(item.id, SpeechKind::Speech)
        .await
        .context("the server orders while the hub's lease holds")?;

    // The lease runs out (the hub is gone, or ordering without the server):
    // the server orders nothing more.
    server
        .tamper("UPDATE room_hubs SET lease_until_ms = 0")
        .await?;
    let refused = member
        .request_floor(item.id, SpeechKind::PointOfOrder)
        .await;
    ensure!(code(refused) == "room_hub_orders");

    // Meanwhile the hub ordered the room: it took over, the other member
    // asked for the floor through it, it handed back.
    let info = secretary.room_info(meeting.id).await?;
    let mut hub = HubCore::new(
        info.facts.clone(),
        Directory::new(&info.devices),
        secretary.profile().device_id,
    );
    secretary.catch_up_session(meeting.id).await?;
    for event in secretary.session_log(meeting.id).await? {
        hub.follow(&event)?;
    }
    let key = secretary.device_signing_key();
    hub.take_over(Utc::now(), key)?;
    let asked = member_event(
        &other,
        meeting.id,
        LiveEventBody::FloorRequested {
            request: FloorRequestId::new(),
            item: item.id,
            kind: SpeechKind::Speech,
        },
    );
    hub.submit(asked, Utc::now(), key)?;
    hub.hand_back(Utc::now(), key)?;
    let segment = hub.segment().to_vec();
    // Another hub cannot hand it back; the named one can, once.
    ensure!(code(deputy.hub_check_in(meeting.id, &segment, &[]).await) == "forbidden");
    let taken = secretary.hub_check_in(meeting.id, &segment, &[]).await?;
    ensure!(taken.appended == 3 && taken.head == 6, "{taken:?}");
    let again = secretary.hub_check_in(meeting.id, &segment, &[]).await?;
    ensure!(
        again.appended == 0 && again.head == 6,
        "a repeated check-in: {again:?}"
    );
    let token = member.session_token().await?;
    let log = member
        .server_api()
        .session_log(&token, meeting.id, 0, None)
        .await?
        .events;
    ensure!(
        log.len() == 6 && log[3..6] == segment[..],
        "the server's log holds the segment as the hub ordered it"
    );

    // The server orders again; the hub relays a device's event, a member cannot.
    member
        .withdraw_floor(item.id)
        .await
        .context("the server orders again after the hand-back")?;
    let relayed = member_event(
        &member,
        meeting.id,
        LiveEventBody::FloorEnded { item: item.id },
    );
    let hub_token = secretary.session_token().await?;
    let other_token = other.session_token().await?;
    ensure!(
        code(
            other
                .server_api()
                .post_live_event(&other_token, &relayed)
                .await
        ) == "forbidden",
        "only the named hub relays"
    );
    // Refused by the rules (nobody speaks), not for being relayed.
    let relay = secretary
        .server_api()
        .post_live_event(&hub_token, &relayed)
        .await;
    ensure!(
        code(relay) == "nobody_speaking",
        "the hub's relay is judged as the member's own event"
    );

    // Released: no hub, the server orders alone even without check-ins.
    secretary.release_hub(meeting.id).await?;
    ensure!(member.room_info(meeting.id).await?.hub.is_none());

    vote_in_the_room(&server, &secretary, &member, &other, meeting.id, item.id).await?;
    server.stop().await?;
    Ok(())
}

/// A vote the server opens and the room closes: one ballot reaches the
/// server, then the hub takes over and takes the ballots (the first again,
/// re-sent by its device); the chair closes the vote in the room, the hub
/// counts it; the server takes the ballots with the segment, closes the
/// vote as the room did, and its count and the voters' recounts agree. A
/// ballot that reached neither is refused afterwards, with the reason.
async fn vote_in_the_room(
    server: &TestServer,
    secretary: &Client,
    member: &Client,
    other: &Client,
    meeting: ecabinet_domain::MeetingId,
    item: ecabinet_domain::AgendaItemId,
) -> Result<()> {
    let late = server.enrol("Phạm Văn Dũng", Role::Member).await?;
    secretary.hub_check_in(meeting, &[], &[]).await?;
    let motion = secretary
        .open_motion(
            item,
            &OpenMotionRequest {
                question: "Thông qua dự thảo Nghị định?".into(),
                options: None,
                rule: MajorityRule::Simple,
                base: MajorityBase::Present,
                quorum: None,
                closes_at: None,
            },
        )
        .await?;
    for client in [member, other, &late] {
        client.sync().await?;
        client.catch_up_session(meeting).await?;
    }
    ensure!(matches!(
        member.vote(motion.id, "no").await?,
        VoteOutcome::Counted { .. }
    ));

    // The hub's lease runs out: ballots wait on the devices.
    server
        .tamper("UPDATE room_hubs SET lease_until_ms = 0")
        .await?;
    for (client, choice) in [(other, "yes"), (&late, "yes")] {
        let outcome = client.vote(motion.id, choice).await?;
        ensure!(outcome == VoteOutcome::Waiting, "{outcome:?}");
    }
    let info = secretary.room_info(meeting).await?;
    ensure!(info.voting.motions.iter().any(|m| m.id == motion.id));
    let mut hub = HubCore::new(
        info.facts.clone(),
        Directory::new(&info.devices),
        secretary.profile().device_id,
    );
    hub.set_voting(info.voting.clone());
    secretary.catch_up_session(meeting).await?;
    for event in secretary.session_log(meeting).await? {
        hub.follow(&event)?;
    }
    let key = secretary.device_signing_key();
    hub.take_over(Utc::now(), key)?;
    // The devices in the room give the hub their ballots; `late` is cut off.
    for client in [member, other] {
        for ballot in client.ballots_for_room(meeting).await? {
            hub.take_ballot(ballot, Utc::now(), key)?;
        }
    }
    let close = member_event(
        secretary,
        meeting,
        LiveEventBody::MotionClosed {
            motion: motion.id,
            tally: None,
        },
    );
    hub.submit(close, Utc::now(), key)?;
    let counted = hub.count_closed_votes(Utc::now(), key)?;
    ensure!(counted.len() == 1);
    hub.hand_back(Utc::now(), key)?;
    let room_tally = hub
        .state()
        .motions
        .iter()
        .find(|m| m.motion == motion.id)
        .and_then(|m| m.tally.clone())
        .context("the room counted the vote")?;
    ensure!(
        room_tally.counts == vec![("yes".into(), 1), ("no".into(), 1), ("abstain".into(), 0)],
        "{room_tally:?}"
    );
    // A segment whose ballots are left out is refused whole.
    ensure!(code(secretary.hub_check_in(meeting, hub.segment(), &[]).await) == "segment_refused");
    let taken = secretary
        .hub_check_in(meeting, hub.segment(), &hub.segment_ballots())
        .await?;
    ensure!(taken.recounted.is_empty(), "{taken:?}");

    // The server closed the vote as the room did, with the same count.
    secretary.sync().await?;
    let closed = secretary.motion(motion.id).await?;
    ensure!(closed.tally.as_ref() == Some(&room_tally), "{closed:?}");
    // The devices' own copies: a replay for the hub's ballots, a refusal
    // with the reason for the one that reached neither.
    for client in [member, other, &late] {
        client.sync().await?;
    }
    let refused = late.sync_status().await?.rejected;
    ensure!(
        refused
            .iter()
            .any(|r| r.code == "motion_closed" && r.reason.contains("closed")),
        "{refused:?}"
    );
    ensure!(other.sync_status().await?.rejected.is_empty());
    for client in [member, other] {
        let verification = client.verify_tally(motion.id).await?;
        ensure!(
            verification.verified() && verification.own_ballot_included == Some(true),
            "{verification:?}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_and_the_room_hub_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_and_the_room_hub_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}
