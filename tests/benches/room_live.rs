//! Benchmark: the room over WebRTC, on loopback.
//!
//! A. A presenter page over the `presence` channel (unordered, no
//!    retransmits) from the hub to 30 peers, in process: per peer, from just
//!    before the hub sends the message (the `FromHub::Ordered` JSON of a
//!    signed presenter-page event, ~1.2 KB) to its arrival. Peer in the same
//!    run: the same bytes fanned out to 30 WebSocket clients by a minimal
//!    axum server in this process (a `tokio::sync::broadcast`, as the
//!    server's event socket does), measured the same way; the two
//!    alternate, 200 messages each.
//! B. Whole processes (the release `ecab`): a real server in this process,
//!    `ecab room host` for the secretariat and 30 `ecab room join`: from
//!    each process's start to its data channels being open, and its own
//!    offer-to-open time. Then 20 presenter pages (`Client::present`) timed
//!    to the line each `room join` prints for the event (whichever path
//!    brought it first, hub or server); peer in the same run: 30
//!    `ecab follow --json` processes (the server's event socket only),
//!    timed to the line each prints for the same pages.
//!
//! Figures, not pass/fail. Run: ./scripts/bench (ECAB_BIN overrides the
//! release `ecab`).

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use chrono::Utc;
use ecabinet_domain::session::room::FromHub;
use ecabinet_e2e::stats::{ms, percentile};
use ecabinet_e2e::{release_ecab, Backend, TestServer};
use ecabinet_rtc::peer::{PeerEvent, RoomPeer, CONTROL, PRESENCE};
use futures::StreamExt;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;
use webrtc::data_channel::DataChannel;

const PEERS: usize = 30;
const MESSAGES: usize = 200;
const PAGES: u32 = 20;

fn print_summary(label: &str, samples: &mut [Duration]) -> Duration {
    samples.sort();
    let p99 = percentile(samples, 0.99);
    println!(
        "  {label:<58} p50 {:>7.1}  p95 {:>7.1}  p99 {:>7.1}  max {:>7.1} ms  (n={})",
        ms(percentile(samples, 0.5)),
        ms(percentile(samples, 0.95)),
        ms(p99),
        ms(samples.last().copied().unwrap_or_default()),
        samples.len()
    );
    p99
}

/// A presenter-page event as the hub sends it.
fn presenter_message() -> Result<String> {
    use ecabinet_domain::ops::Bytes;
    use ecabinet_domain::session::{
        LiveEvent, LiveEventBody, LiveEventId, OrderedLiveEvent, SignedLiveEvent,
    };
    use ecabinet_domain::{AgendaItemId, DeviceId, DocumentId, MeetingId, PersonId};
    let event = OrderedLiveEvent {
        seq: 42,
        prev_hash: Bytes(vec![7; 32]),
        at: Utc::now(),
        signed: SignedLiveEvent {
            event: LiveEvent {
                id: LiveEventId::new(),
                meeting_id: MeetingId(uuid::Uuid::now_v7()),
                device_id: DeviceId(uuid::Uuid::now_v7()),
                author: PersonId(uuid::Uuid::now_v7()),
                made_at: Utc::now(),
                body: LiveEventBody::PresenterPage {
                    item: AgendaItemId(uuid::Uuid::now_v7()),
                    document: DocumentId(uuid::Uuid::now_v7()),
                    version: 1,
                    page: 12,
                    zoom_percent: 100,
                },
            },
            signature: Bytes(vec![9; 64]),
        },
        hash: Bytes(vec![8; 32]),
        orderer_signature: Bytes(vec![6; 64]),
    };
    Ok(serde_json::to_string(&FromHub::Ordered {
        event: Box::new(event),
    })?)
}

// ---------------------------------------------------------------- part A

struct Hub {
    presence: Vec<Arc<dyn DataChannel>>,
    peers: Vec<RoomPeer>,
}

/// The hub's side and 30 members, connected directly (no signalling server):
/// each member's offer goes straight to the hub's answer.
async fn connect_room(
    arrivals: mpsc::UnboundedSender<(usize, Instant)>,
) -> Result<(Hub, Vec<RoomPeer>, Vec<Duration>)> {
    let bind = "127.0.0.1:0".parse()?;
    let (hub_events, mut hub_receiver) = mpsc::unbounded_channel();
    let mut hub = Hub {
        presence: Vec::new(),
        peers: Vec::new(),
    };
    let mut members = Vec::new();
    let mut joins = Vec::new();
    for n in 0..PEERS {
        let started = Instant::now();
        let (events, mut receiver) = mpsc::unbounded_channel();
        let mut member = RoomPeer::new(n as u64, bind, events).await?;
        let offer = member.offer().await?;
        let mut hub_side = RoomPeer::new(n as u64, bind, hub_events.clone()).await?;
        let answer = hub_side.answer(&offer).await?;
        member.accept(&answer).await?;
        // Open on the member's side: control and presence.
        let mut open = 0;
        while open < 2 {
            match tokio::time::timeout(Duration::from_secs(10), receiver.recv()).await {
                Ok(Some(PeerEvent::ChannelOpen { .. })) => open += 1,
                Ok(Some(_)) => {}
                _ => bail!("member {n}: its channels did not open"),
            }
        }
        joins.push(started.elapsed());
        // The member's presence messages, timed as they arrive.
        let arrivals = arrivals.clone();
        tokio::spawn(async move {
            while let Some(event) = receiver.recv().await {
                if let PeerEvent::Message { label, .. } = event {
                    if label == PRESENCE {
                        let _ = arrivals.send((n, Instant::now()));
                    }
                }
            }
        });
        members.push(member);
        hub.peers.push(hub_side);
    }
    // The hub's channels (the members created them).
    while hub.presence.len() < PEERS {
        match tokio::time::timeout(Duration::from_secs(10), hub_receiver.recv()).await {
            Ok(Some(PeerEvent::ChannelOpen { label, channel, .. })) if label == PRESENCE => {
                hub.presence.push(channel)
            }
            Ok(Some(PeerEvent::ChannelOpen { label, .. })) if label == CONTROL => {}
            Ok(Some(_)) => {}
            _ => bail!(
                "the hub saw {} of {PEERS} presence channels",
                hub.presence.len()
            ),
        }
    }
    Ok((hub, members, joins))
}

#[derive(Clone)]
struct Fanout {
    live: tokio::sync::broadcast::Sender<Arc<str>>,
}

async fn fanout_socket(
    axum::extract::State(fanout): axum::extract::State<Fanout>,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> axum::response::Response {
    let mut live = fanout.live.subscribe();
    upgrade.on_upgrade(move |mut socket| async move {
        use axum::extract::ws::Message;
        while let Ok(text) = live.recv().await {
            if socket.send(Message::Text((*text).into())).await.is_err() {
                break;
            }
        }
    })
}

async fn part_a() -> Result<()> {
    let message = presenter_message()?;
    let (arrivals, mut arrived) = mpsc::unbounded_channel();
    let (hub, members, mut joins) = connect_room(arrivals).await?;

    let fanout = Fanout {
        live: tokio::sync::broadcast::channel(1_024).0,
    };
    let app = axum::Router::new()
        .route("/events", axum::routing::get(fanout_socket))
        .with_state(fanout.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (socket_arrivals, mut socket_arrived) = mpsc::unbounded_channel();
    for n in 0..PEERS {
        let (mut socket, _) =
            tokio_tungstenite::connect_async(format!("ws://{address}/events")).await?;
        let arrivals = socket_arrivals.clone();
        tokio::spawn(async move {
            while let Some(Ok(_)) = socket.next().await {
                let _ = arrivals.send((n, Instant::now()));
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (mut room, mut websocket) = (Vec::new(), Vec::new());
    let mut lost = 0;
    for round in 0..MESSAGES {
        // The room.
        let started = Instant::now();
        for channel in &hub.presence {
            channel.send_text(&message).await.ok();
        }
        let mut got = 0;
        while got < PEERS {
            match tokio::time::timeout(Duration::from_secs(2), arrived.recv()).await {
                Ok(Some((_, at))) => {
                    room.push(at.saturating_duration_since(started));
                    got += 1;
                }
                _ => {
                    lost += PEERS - got; // unordered, no retransmits: a loss is a loss
                    break;
                }
            }
        }
        // The WebSocket peer, the same bytes.
        let started = Instant::now();
        let _ = fanout.live.send(Arc::from(message.as_str()));
        for _ in 0..PEERS {
            let (_, at) = tokio::time::timeout(Duration::from_secs(5), socket_arrived.recv())
                .await
                .context("a WebSocket client missed a message")?
                .context("the WebSocket clients stopped")?;
            websocket.push(at.saturating_duration_since(started));
        }
        if round % 50 == 49 {
            tokio::task::yield_now().await;
        }
    }
    println!(
        "A. presenter page ({} bytes) from the hub to {PEERS} peers, in process, loopback, {MESSAGES} messages:",
        message.len()
    );
    print_summary(
        "room join: offer → both channels open, per peer",
        &mut joins,
    );
    let room_p99 = print_summary("hub → peer over the presence channel", &mut room);
    let socket_p99 = print_summary("WebSocket fan-out, same bytes (peer)", &mut websocket);
    println!(
        "  lost on the presence channel: {lost}; target p99 ≤ 50 ms → {} ({:.1} ms); ratio p99 room / WebSocket: {:.2}×",
        if ms(room_p99) <= 50.0 { "met" } else { "NOT met" },
        ms(room_p99),
        ms(room_p99) / ms(socket_p99).max(1e-6)
    );
    for peer in hub.peers.iter().chain(&members) {
        peer.close().await;
    }
    Ok(())
}

// ---------------------------------------------------------------- part B

fn demo_pdf() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf")
}

/// A whole `ecab` process and the time each of its output lines arrived.
struct Process {
    child: tokio::process::Child,
    lines: mpsc::UnboundedReceiver<(Instant, String)>,
}

fn spawn(ecab: &PathBuf, profile: &std::path::Path, args: &[&str]) -> Result<Process> {
    let mut child = tokio::process::Command::new(ecab)
        .arg("--profile")
        .arg(profile)
        .arg("--json")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().context("stdout")?;
    let (sender, lines) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut reader = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            if sender.send((Instant::now(), line)).is_err() {
                break;
            }
        }
    });
    Ok(Process { child, lines })
}

async fn next_line(
    process: &mut Process,
    limit: Duration,
    test: impl Fn(&serde_json::Value) -> bool,
) -> Result<(Instant, serde_json::Value)> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let (at, line) = tokio::time::timeout_at(deadline, process.lines.recv())
            .await
            .context("no such line in time")?
            .context("the process ended")?;
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) {
            if test(&value) {
                return Ok((at, value));
            }
        }
    }
}

async fn part_b(ecab: PathBuf) -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Thư ký Văn phòng", Role::Secretary).await?;
    // Separate people for the two sides: two processes on one profile
    // would share its replica, and the first to keep an event hides it
    // from the other.
    let (mut members, mut watchers) = (Vec::new(), Vec::new());
    for n in 0..PEERS {
        let name = format!("Thành viên {:02}", n + 1);
        server.enrol(&name, Role::Member).await?;
        members.push(server.profile(&name));
        let name = format!("Khách mời {:02}", n + 1);
        server.enrol(&name, Role::Member).await?;
        watchers.push(server.profile(&name));
    }
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp Chính phủ (đo phòng họp)", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Đề án chuyển đổi số", None)
        .await?;
    let document = secretary
        .add_document(item.id, &demo_pdf(), Some("Đề án chuyển đổi số"))
        .await?;
    secretary.start_session(meeting.id).await?;
    secretary.take_up_item(item.id).await?;
    let meeting_text = meeting.id.0.to_string();
    for profile in members.iter().chain(&watchers) {
        let client = ecabinet_client::Client::open(profile).await?;
        client.sync().await?;
    }

    let mut hub = spawn(
        &ecab,
        &server.profile("Thư ký Văn phòng"),
        &["room", "host", &meeting_text],
    )?;
    next_line(&mut hub, Duration::from_secs(30), |v| {
        v["note"] == "hosting"
    })
    .await
    .context("the hub did not start")?;
    let mut joins = Vec::new();
    let mut offers = Vec::new();
    let mut rooms = Vec::new();
    for profile in &members {
        let started = Instant::now();
        let mut room = spawn(&ecab, profile, &["room", "join", &meeting_text])?;
        let (at, note) = next_line(&mut room, Duration::from_secs(30), |v| {
            v["note"] == "hub_connected"
        })
        .await
        .context("a member did not connect to the hub")?;
        joins.push(at.saturating_duration_since(started));
        offers.push(Duration::from_millis(
            note["millis"].as_u64().unwrap_or_default(),
        ));
        rooms.push(room);
    }
    let mut followers = Vec::new();
    for profile in &watchers {
        followers.push(spawn(&ecab, profile, &["follow", &meeting_text])?);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;

    let (mut through_room, mut through_server) = (Vec::new(), Vec::new());
    let (mut by_hub, mut by_server) = (0, 0);
    for change in 0..PAGES {
        // The demo document has 12 pages.
        let page = 1 + change % 12;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let started = Instant::now();
        secretary.present(document.id, None, page, 100).await?;
        for room in &mut rooms {
            let (at, note) = next_line(room, Duration::from_secs(10), |v| {
                v["note"] == "event" && v["kind"] == "presenter_page"
            })
            .await
            .with_context(|| format!("page {page} did not reach a room member"))?;
            through_room.push(at.saturating_duration_since(started));
            if note["through_hub"] == true {
                by_hub += 1;
            } else {
                by_server += 1;
            }
        }
        for follower in &mut followers {
            let (at, _) = next_line(follower, Duration::from_secs(10), |v| {
                v["page"].as_u64() == Some(u64::from(page))
            })
            .await
            .with_context(|| format!("page {page} did not reach a follower"))?;
            through_server.push(at.saturating_duration_since(started));
        }
    }
    println!("B. whole processes (release ecab), {PEERS} members, loopback:");
    let join_p99 = print_summary("`ecab room join` start → channels open", &mut joins);
    print_summary("  of which the offer → channels open", &mut offers);
    let room_p99 = print_summary(
        "page → `room join` prints it (first of hub/server)",
        &mut through_room,
    );
    let server_p99 = print_summary(
        "page → `ecab follow` prints it (server socket; peer)",
        &mut through_server,
    );
    println!(
        "  join target ≤ 1 s → {} ({:.0} ms p99); pages first through the hub {by_hub}, through the server {by_server}; \
         ratio p99 room / server-only: {:.2}×",
        if ms(join_p99) <= 1_000.0 { "met" } else { "NOT met" },
        ms(join_p99),
        ms(room_p99) / ms(server_p99).max(1e-6)
    );
    for mut process in rooms.into_iter().chain(followers).chain([hub]) {
        let _ = process.child.kill().await;
    }
    ensure!(by_hub + by_server == PEERS * PAGES as usize);
    Ok(())
}

use ecabinet_domain::Role;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    part_a().await?;
    match release_ecab() {
        Some(ecab) => part_b(ecab).await?,
        None => println!("B. skipped: build the release ecab first (./scripts/bench does)"),
    }
    Ok(())
}
