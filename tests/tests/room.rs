//! The server's side of the room, on both databases: the room's facts and
//! keys; who may be its hub (the chair or the secretariat, one at a time);
//! the server ordering only while the hub's lease holds; a hub's segment
//! taken whole (and a repeated check-in taking nothing twice); events a hub
//! relays for devices that cannot reach the server, from the named hub only;
//! and the hub released.

use anyhow::{ensure, Context, Result};
use chrono::Utc;
use ecabinet_client::{Client, ClientError};
use ecabinet_domain::session::{
    to_millis, FloorRequestId, LiveEvent, LiveEventBody, LiveEventId, SpeechKind,
};
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

    // Only the chair or the secretariat hosts; one hub at a time.
    ensure!(code(member.hub_check_in(meeting.id, &[]).await) == "forbidden");
    let lease = secretary.hub_check_in(meeting.id, &[]).await?;
    ensure!(lease.lease_millis == 3_000 && lease.head == 2, "{lease:?}");
    ensure!(code(deputy.hub_check_in(meeting.id, &[]).await) == "room_hub_taken");
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
    ensure!(code(deputy.hub_check_in(meeting.id, &segment).await) == "forbidden");
    let taken = secretary.hub_check_in(meeting.id, &segment).await?;
    ensure!(taken.appended == 3 && taken.head == 6, "{taken:?}");
    let again = secretary.hub_check_in(meeting.id, &segment).await?;
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
    server.stop().await?;
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
