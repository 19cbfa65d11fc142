//! The room's hub: the chair's or the secretariat's device. It checks in
//! with the server every second; relays ordered events to every connected
//! device (and the devices' events to the server, for those that cannot
//! reach it); and, once the server has not answered for longer than the
//! hub's lease, orders the session's log itself until it can hand the
//! segment back.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use ecabinet_client::room::{LocalAnswer, LocalRequest, RoomPeerStatus, RoomStatus};
use ecabinet_client::{Client, ClientError, SocketMessage};
use ecabinet_domain::ops::Bytes;
use ecabinet_domain::session::room::{
    FromHub, HubCheckInAnswer, HubStatus, RoomInfo, RoomSignal, ToHub, HUB_CHECK_IN_MILLIS,
    HUB_TAKEOVER_AFTER_MILLIS, ROOM_HEARTBEAT_MILLIS, ROOM_PEER_LOST_MILLIS,
};
use ecabinet_domain::session::rules::SessionStatus;
use ecabinet_domain::session::{LiveEventBody, LiveEventId, OrderedLiveEvent, SignedLiveEvent};
use ecabinet_domain::voting::Ballot;
use ecabinet_domain::{DeviceId, MeetingId};
use ecabinet_room::{Directory, HubCore, LinkError};
use tokio::sync::{mpsc, oneshot};
use webrtc::data_channel::DataChannel;

use crate::local::{listen, LocalCall};
use crate::peer::{send_json, PeerEvent, RoomPeer, CONTROL, PRESENCE};
use crate::{RoomNote, RtcError};

/// A device connected to the hub.
struct HubPeer {
    device: DeviceId,
    peer: RoomPeer,
    control: Option<Arc<dyn DataChannel>>,
    presence: Option<Arc<dyn DataChannel>>,
    /// Sent everything after its head: new events go to it as they come.
    caught_up: bool,
    head: u32,
    server: bool,
    last_heard: Instant,
    lost: bool,
}

enum Input {
    Socket(SocketMessage),
    SocketDown(String),
    /// A connection answered an offer (or failed to).
    Answered {
        device: DeviceId,
        result: Result<RoomPeer, RtcError>,
    },
    Probed(Result<RoomInfo, ClientError>),
    /// The room's facts and devices as the server lists them now.
    Refreshed(RoomInfo),
    CheckedIn {
        sent: usize,
        result: Result<HubCheckInAnswer, ClientError>,
    },
    /// A device's event relayed to the server while it orders.
    Relayed {
        from: Relay,
        event: LiveEventId,
        result: Result<OrderedLiveEvent, ClientError>,
    },
    Local(LocalCall),
}

/// Who a relayed event came from: a peer, or a command on this device.
enum Relay {
    Peer(u64),
    Local(oneshot::Sender<LocalAnswer>),
}

pub struct HubOptions {
    pub bind: SocketAddr,
    /// The hub's own voice forwarding, for the room while the server is
    /// away (members offer to it over the control channel).
    pub voice: Arc<ecabinet_voice::sfu::Sfu>,
}

struct Hub {
    client: Arc<Client>,
    meeting: MeetingId,
    info: RoomInfo,
    core: HubCore,
    peers: HashMap<u64, HubPeer>,
    inputs: mpsc::UnboundedSender<Input>,
    peer_events: mpsc::UnboundedSender<PeerEvent>,
    notes: mpsc::UnboundedSender<RoomNote>,
    bind: SocketAddr,
    server_reachable: bool,
    last_check_in: Instant,
    check_in_in_flight: bool,
    socket_up: bool,
    problem: Option<String>,
    /// Check-in ticks so far (the room's facts are read again every few).
    ticks: u64,
    /// The segment's ballots, on disk until the server has them.
    kept: KeptBallots,
    voice: Arc<ecabinet_voice::sfu::Sfu>,
}

/// The ballots a hub took and the server does not hold yet, in a file of
/// the profile: a receipted ballot survives the hub's process crashing.
struct KeptBallots {
    path: std::path::PathBuf,
}

impl KeptBallots {
    fn new(profile_dir: &std::path::Path, meeting: MeetingId) -> Self {
        Self {
            path: profile_dir.join(format!("room-ballots-{}.json", meeting.0)),
        }
    }

    fn read(&self) -> Result<Vec<Ballot>, RtcError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                RtcError::Room(format!("the ballots kept in {}: {e}", self.path.display()))
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(error) => Err(RtcError::Room(format!(
                "the ballots kept in {}: {error}",
                self.path.display()
            ))),
        }
    }

    /// Written whole, synced, then renamed over the last copy: a crash
    /// leaves the old list or the new one, never half of one.
    fn write(&self, ballots: &[Ballot]) -> Result<(), RtcError> {
        use std::io::Write;
        let failed = |e: std::io::Error| {
            RtcError::Room(format!("keeping ballots in {}: {e}", self.path.display()))
        };
        let text = serde_json::to_vec(ballots).map_err(|e| RtcError::Room(e.to_string()))?;
        let partial = self.path.with_extension("json.partial");
        let mut file = std::fs::File::create(&partial).map_err(failed)?;
        file.write_all(&text).map_err(failed)?;
        file.sync_all().map_err(failed)?;
        std::fs::rename(&partial, &self.path).map_err(failed)
    }

    fn clear(&self) -> Result<(), RtcError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(RtcError::Room(format!("{}: {error}", self.path.display()))),
        }
    }
}

/// How many check-ins (seconds) between two readings of the room's facts and devices.
const REFRESH_EVERY_TICKS: u64 = 30;

/// Runs the hub of `meeting` until `stop` completes.
pub async fn host(
    client: Arc<Client>,
    meeting: MeetingId,
    options: HubOptions,
    notes: mpsc::UnboundedSender<RoomNote>,
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), RtcError> {
    let info = client.room_info(meeting).await?;
    let me = client.profile().device_id;
    let mut core = HubCore::new(info.facts.clone(), Directory::new(&info.devices), me);
    core.set_voting(info.voting.clone());
    client.catch_up_session(meeting).await?;
    // What this device ordered as the hub and the server does not hold yet
    // (the hub's process stopped while the server was away) is handed back
    // first: an empty check-in would let the server order past it.
    let token = client.session_token().await?;
    let server_head = client
        .server_api()
        .session_log(&token, meeting, 0, None)
        .await?
        .events
        .last()
        .map_or(0, |e| e.seq);
    core.resume(&client.session_log(meeting).await?, server_head)
        .map_err(|e| RtcError::Room(format!("the log held here: {e}")))?;
    let kept = KeptBallots::new(client.profile_dir(), meeting);
    core.restore_ballots(kept.read()?);
    if core.segment().is_empty() {
        // Named hub from here: a second hub is refused by the server.
        client.hub_check_in(meeting, &[], &[]).await?;
        kept.clear()?;
    }
    let (inputs, mut receiver) = mpsc::unbounded_channel();
    let (peer_events, mut peer_receiver) = mpsc::unbounded_channel();
    let (local_calls, mut local_receiver) = mpsc::channel(64);
    let _link = listen(client.profile_dir(), local_calls).await?;
    let mut hub = Hub {
        client,
        meeting,
        info,
        core,
        peers: HashMap::new(),
        inputs,
        peer_events,
        notes,
        bind: options.bind,
        server_reachable: true,
        last_check_in: Instant::now(),
        check_in_in_flight: false,
        socket_up: false,
        problem: None,
        ticks: 0,
        kept,
        voice: options.voice,
    };
    hub.voices_follow();
    // Read again as the named hub: a chair's device learns the restricted
    // items' audiences only once it hosts.
    hub.refresh_soon();
    hub.note(RoomNote::Hosting {
        head: hub.core.head(),
    });
    hub.open_socket();
    let mut check_in = tokio::time::interval(Duration::from_millis(HUB_CHECK_IN_MILLIS));
    let mut heartbeat = tokio::time::interval(Duration::from_millis(ROOM_HEARTBEAT_MILLIS));
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            Some(event) = peer_receiver.recv() => hub.on_peer(event).await,
            Some(input) = receiver.recv() => hub.on_input(input).await,
            Some(call) = local_receiver.recv() => hub.on_input(Input::Local(call)).await,
            _ = check_in.tick() => hub.on_check_in_tick().await,
            _ = heartbeat.tick() => hub.on_heartbeat().await,
        }
    }
    for peer in hub.peers.values() {
        peer.peer.close().await;
    }
    // Stopped on purpose: the server orders alone again. Not while a
    // segment waits to be handed back: its events would be lost to the log.
    if hub.core.segment().is_empty() {
        if let Err(error) = hub.client.release_hub(meeting).await {
            tracing::warn!(%error, "could not tell the server this hub stopped");
        }
    } else {
        hub.note(RoomNote::Problem {
            detail: format!(
                "stopped with {} events not yet handed back to the server; host the room again to hand them back",
                hub.core.segment().len()
            ),
        });
    }
    Ok(())
}

impl Hub {
    fn note(&self, note: RoomNote) {
        let _ = self.notes.send(note);
    }

    /// Follows the server's event socket (live events, signals), again
    /// after each drop.
    fn open_socket(&mut self) {
        self.socket_up = true;
        crate::follow_event_socket(
            self.client.clone(),
            self.inputs.clone(),
            Input::Socket,
            Input::SocketDown,
        );
    }

    async fn on_input(&mut self, input: Input) {
        match input {
            Input::Socket(SocketMessage::Live(live)) => {
                if live.live.event().meeting_id == self.meeting {
                    self.on_server_event(&live.live).await;
                }
            }
            Input::Socket(SocketMessage::Poke(_)) => self.catch_up_from_server().await,
            Input::Socket(SocketMessage::Signal(envelope)) => {
                let signal = envelope.signal;
                if signal.meeting != self.meeting {
                    return;
                }
                if let RoomSignal::Offer {
                    connection,
                    description,
                } = signal.signal
                {
                    self.on_offer(signal.from, connection, description);
                }
            }
            Input::SocketDown(detail) => {
                self.socket_up = false;
                tracing::debug!(%detail, "the hub's event socket dropped");
            }
            Input::Answered { device, result } => match result {
                Ok(peer) => {
                    self.peers.insert(
                        peer.link,
                        HubPeer {
                            device,
                            peer,
                            control: None,
                            presence: None,
                            caught_up: false,
                            head: 0,
                            server: false,
                            last_heard: Instant::now(),
                            lost: false,
                        },
                    );
                }
                Err(error) => self.note(RoomNote::Problem {
                    detail: format!("could not answer device {}: {error}", device.0),
                }),
            },
            Input::Probed(result) => self.on_probed(result).await,
            Input::Refreshed(info) => self.refresh(info),
            Input::CheckedIn { sent, result } => self.on_checked_in(sent, result).await,
            Input::Relayed {
                from,
                event,
                result,
            } => match result {
                Ok(ordered) => {
                    self.on_server_event(&ordered).await;
                    if let Relay::Local(reply) = from {
                        let _ = reply.send(LocalAnswer::Ordered { event: ordered });
                    }
                }
                Err(error) => {
                    let (code, message) = (error.code().to_owned(), error.to_string());
                    self.refuse(from, event, code, message).await;
                }
            },
            Input::Local(call) => self.on_local(call).await,
        }
    }

    async fn refuse(&mut self, to: Relay, event: LiveEventId, code: String, message: String) {
        match to {
            Relay::Peer(link) => {
                if let Some(control) = self.peers.get(&link).and_then(|p| p.control.clone()) {
                    send_json(
                        &control,
                        &FromHub::Refused {
                            event,
                            code,
                            message,
                        },
                    )
                    .await;
                }
            }
            Relay::Local(reply) => {
                let _ = reply.send(LocalAnswer::Refused { code, message });
            }
        }
    }

    /// A device's offer: answered on a task (gathering takes a moment), the
    /// connection joining the hub's peers when ready.
    fn on_offer(&mut self, device: DeviceId, connection: u64, offer: String) {
        if self.core.directory().get(device).is_none() {
            self.note(RoomNote::Problem {
                detail: format!(
                    "an offer from device {}, which is not in the room",
                    device.0
                ),
            });
            return;
        }
        let (client, meeting, bind) = (self.client.clone(), self.meeting, self.bind);
        let (inputs, events) = (self.inputs.clone(), self.peer_events.clone());
        tokio::spawn(async move {
            let result = async {
                let mut peer = RoomPeer::new(connection, bind, events).await?;
                let answer = peer.answer(&offer).await?;
                client
                    .send_room_signal(
                        meeting,
                        device,
                        RoomSignal::Answer {
                            connection,
                            description: answer,
                        },
                    )
                    .await?;
                Ok(peer)
            }
            .await;
            let _ = inputs.send(Input::Answered { device, result });
        });
    }

    async fn on_peer(&mut self, event: PeerEvent) {
        match event {
            PeerEvent::ChannelOpen {
                link,
                label,
                channel,
            } => {
                let Some(peer) = self.peers.get_mut(&link) else {
                    return;
                };
                peer.last_heard = Instant::now();
                match label.as_str() {
                    CONTROL => {
                        peer.control = Some(channel);
                        let device = peer.device;
                        self.note(RoomNote::PeerJoined { device });
                    }
                    PRESENCE => peer.presence = Some(channel),
                    _ => {}
                }
            }
            PeerEvent::Message { link, data, .. } => {
                let Ok(message) = serde_json::from_slice::<ToHub>(&data) else {
                    tracing::debug!(link, "a message the hub does not understand");
                    return;
                };
                match message {
                    ToHub::Heartbeat { head, server } => {
                        self.on_heartbeat_from(link, head, server).await
                    }
                    ToHub::Submit { signed } => self.on_submit(Relay::Peer(link), signed).await,
                    ToHub::Ballot { ballot } => self.on_ballot(Relay::Peer(link), ballot).await,
                    ToHub::VoiceOffer { description } => self.on_voice_offer(link, description),
                }
            }
            PeerEvent::ChannelClosed { link, label } => {
                if label == CONTROL {
                    self.drop_peer(link).await;
                }
            }
            PeerEvent::State { link, state } => {
                use webrtc::peer_connection::RTCPeerConnectionState as State;
                if matches!(state, State::Failed | State::Closed) {
                    self.drop_peer(link).await;
                }
            }
        }
    }

    async fn drop_peer(&mut self, link: u64) {
        if let Some(peer) = self.peers.remove(&link) {
            peer.peer.close().await;
            if peer.control.is_some() {
                self.note(RoomNote::PeerLost {
                    device: peer.device,
                });
            }
        }
    }

    /// A device says where it stands: the first time, it gets every event
    /// after its head, then each new one as it is ordered.
    async fn on_heartbeat_from(&mut self, link: u64, head: u32, server: bool) {
        let Some(peer) = self.peers.get_mut(&link) else {
            return;
        };
        peer.head = head;
        peer.server = server;
        peer.last_heard = Instant::now();
        peer.lost = false;
        if peer.caught_up {
            return;
        }
        let Some(control) = peer.control.clone() else {
            return;
        };
        peer.caught_up = true;
        match self.client.session_log(self.meeting).await {
            Ok(log) => {
                for event in log.iter().filter(|e| e.seq > head) {
                    send_json(
                        &control,
                        &FromHub::Ordered {
                            event: Box::new(event.clone()),
                        },
                    )
                    .await;
                }
            }
            Err(error) => self.note(RoomNote::Problem {
                detail: format!("could not read the log to catch a device up: {error}"),
            }),
        }
    }

    async fn on_submit(&mut self, from: Relay, signed: SignedLiveEvent) {
        let id = signed.event.id;
        if self.core.ordering().is_some() {
            let client = self.client.clone();
            let key = client.device_signing_key();
            match self.core.submit(signed, Utc::now(), key) {
                Ok(ordered) => {
                    self.on_ordered_here(&ordered).await;
                    if let Relay::Local(reply) = from {
                        let _ = reply.send(LocalAnswer::Ordered { event: ordered });
                    }
                    // A vote the chair closed here is counted at once.
                    match self.core.count_closed_votes(Utc::now(), key) {
                        Ok(counts) => {
                            for count in counts {
                                self.on_ordered_here(&count).await;
                            }
                        }
                        Err(error) => self.note(RoomNote::Problem {
                            detail: format!("could not count a vote closed in the room: {error}"),
                        }),
                    }
                }
                Err(error) => {
                    self.refuse(from, id, error.code().to_owned(), error.to_string())
                        .await;
                }
            }
            return;
        }
        // The server orders: relay the event, which keeps its device's signature.
        let (client, inputs, meeting) = (self.client.clone(), self.inputs.clone(), self.meeting);
        tokio::spawn(async move {
            let result = async {
                let token = client.session_token().await?;
                let _ = meeting;
                client.server_api().post_live_event(&token, &signed).await
            }
            .await;
            let _ = inputs.send(Input::Relayed {
                from,
                event: id,
                result,
            });
        });
    }

    /// A member's ballot: taken while this hub orders the log (named in
    /// it, kept on disk, receipted); else refused with the reason.
    async fn on_ballot(&mut self, from: Relay, ballot: Ballot) {
        let hash = Bytes(ecabinet_room::ballots::ballot_hash(&ballot).to_vec());
        let client = self.client.clone();
        let key = client.device_signing_key();
        let answer = match self.core.take_ballot(ballot, Utc::now(), key) {
            Ok((receipt, event)) => {
                if let Some(event) = event {
                    if let Err(error) = self.kept.write(&self.core.segment_ballots()) {
                        self.note(RoomNote::Problem {
                            detail: error.to_string(),
                        });
                    }
                    self.on_ordered_here(&event).await;
                }
                Ok(receipt)
            }
            Err(error) => Err((error.code().to_owned(), error.to_string())),
        };
        match (from, answer) {
            (Relay::Local(reply), Ok(receipt)) => {
                let _ = reply.send(LocalAnswer::BallotTaken { receipt });
            }
            (Relay::Local(reply), Err((code, message))) => {
                let _ = reply.send(LocalAnswer::Refused { code, message });
            }
            (Relay::Peer(link), answer) => {
                let message = match answer {
                    Ok(receipt) => FromHub::BallotReceipt(receipt),
                    Err((code, message)) => FromHub::BallotRefused {
                        ballot: hash,
                        code,
                        message,
                    },
                };
                if let Some(control) = self.peers.get(&link).and_then(|p| p.control.clone()) {
                    send_json(&control, &message).await;
                }
            }
        }
    }

    /// A member's voice for the room's own forwarding (the server away).
    fn on_voice_offer(&self, link: u64, offer: String) {
        let Some(peer) = self.peers.get(&link) else {
            return;
        };
        let (Some(control), Some(known)) =
            (peer.control.clone(), self.core.directory().get(peer.device))
        else {
            return;
        };
        let (voice, meeting, device, person) =
            (self.voice.clone(), self.meeting, peer.device, known.person);
        tokio::spawn(async move {
            let message = match voice.join(meeting.0, device.0, person.0, &offer).await {
                Ok(description) => FromHub::VoiceAnswer {
                    description,
                    slots: voice.slots() as u32,
                },
                Err(error) => FromHub::VoiceRefused {
                    message: error.to_string(),
                },
            };
            send_json(&control, &message).await;
        });
    }

    /// Who the hub's voice forwarding lets be heard follows the log it
    /// holds, and who hears a restricted item follows what the server said
    /// of its audience (as the server's own forwarding does).
    fn voices_follow(&self) {
        let state = self.core.state();
        let voices = state
            .voices(self.info.facts.chair)
            .into_iter()
            .map(|p| p.0)
            .collect();
        self.voice.set_talkers(self.meeting.0, voices);
        let audience = self
            .info
            .voice_audience(state.current_item)
            .map(|persons| persons.into_iter().map(|p| p.0).collect());
        self.voice.set_audience(self.meeting.0, audience);
    }

    /// An event the server ordered (its socket, its log, or a relay's answer).
    async fn on_server_event(&mut self, event: &OrderedLiveEvent) {
        if let LiveEventBody::MotionOpened { motion, .. } = &event.event().body {
            if !self.core.knows_motion(*motion) {
                // Its options and rule, should the room have to count it.
                self.refresh_soon();
            }
        }
        match self.core.follow(event) {
            Ok(true) => {
                if let Err(error) = self.client.take_room_event(&self.info, event).await {
                    tracing::warn!(%error, "could not keep a server event");
                }
                self.broadcast(event).await;
            }
            Ok(false) => {}
            Err(LinkError::OutOfPlace { .. }) => self.catch_up_from_server().await,
            Err(error) => {
                let detail = format!("the server's log and this hub's disagree: {error}");
                self.problem = Some(detail.clone());
                self.note(RoomNote::Problem { detail });
            }
        }
    }

    async fn catch_up_from_server(&mut self) {
        if self.core.ordering().is_some() || !self.core.segment().is_empty() {
            return; // the server's log resumes only with this hub's segment
        }
        let before = self.core.head();
        if let Err(error) = self.client.catch_up_session(self.meeting).await {
            tracing::debug!(%error, "could not catch up from the server");
            return;
        }
        let Ok(log) = self.client.session_log(self.meeting).await else {
            return;
        };
        for event in log.into_iter().filter(|e| e.seq > before) {
            match self.core.follow(&event) {
                Ok(true) => self.broadcast(&event).await,
                Ok(false) => {}
                Err(error) => {
                    self.note(RoomNote::Problem {
                        detail: format!("the server's log and this hub's disagree: {error}"),
                    });
                    return;
                }
            }
        }
    }

    /// An event this hub ordered: kept here, sent to everyone.
    async fn on_ordered_here(&mut self, event: &OrderedLiveEvent) {
        if let Err(error) = self.client.take_room_event(&self.info, event).await {
            tracing::warn!(%error, "could not keep an event the hub ordered");
        }
        self.broadcast(event).await;
    }

    async fn broadcast(&mut self, event: &OrderedLiveEvent) {
        self.voices_follow();
        self.note(RoomNote::Event {
            seq: event.seq,
            kind: event.event().body.kind().to_owned(),
            through_hub: self.core.ordering().is_some()
                || matches!(event.event().body, LiveEventBody::HubHandedBack { .. }),
        });
        let message = FromHub::Ordered {
            event: Box::new(event.clone()),
        };
        let Ok(text) = serde_json::to_string(&message) else {
            return;
        };
        // The presenter's page also goes the fast way: the unordered channel.
        let presenter = matches!(event.event().body, LiveEventBody::PresenterPage { .. });
        for peer in self.peers.values() {
            if !peer.caught_up {
                continue;
            }
            if presenter {
                if let Some(presence) = &peer.presence {
                    let _ = presence.send_text(&text).await;
                }
            }
            if let Some(control) = &peer.control {
                let _ = control.send_text(&text).await;
            }
        }
    }

    async fn on_heartbeat(&mut self) {
        let status = FromHub::Status(HubStatus {
            epoch: self.core.ordering(),
            server_reachable: self.server_reachable,
            head: self.core.head(),
            peers: self.peers.values().filter(|p| p.control.is_some()).count() as u32,
        });
        let mut silent = Vec::new();
        for (link, peer) in self.peers.iter_mut() {
            if let Some(presence) = &peer.presence {
                send_json(presence, &status).await;
            }
            let quiet = peer.last_heard.elapsed();
            if quiet > Duration::from_millis(ROOM_PEER_LOST_MILLIS) && !peer.lost {
                peer.lost = true;
            }
            if quiet > Duration::from_millis(ROOM_PEER_LOST_MILLIS * 4) {
                silent.push(*link);
            }
        }
        for link in silent {
            self.drop_peer(link).await;
        }
    }

    /// Every second: the server is asked to renew the lease; while the hub
    /// holds a segment, it first checks that the server answers at all.
    async fn on_check_in_tick(&mut self) {
        if !self.socket_up && self.server_reachable {
            self.open_socket();
        }
        let running = matches!(
            self.core.state().status,
            SessionStatus::Running | SessionStatus::Suspended
        );
        let away = self.last_check_in.elapsed() > Duration::from_millis(HUB_TAKEOVER_AFTER_MILLIS);
        if self.core.ordering().is_none() && away && running {
            self.take_over().await;
        }
        if self.check_in_in_flight {
            return;
        }
        self.check_in_in_flight = true;
        self.ticks += 1;
        if self.ticks.is_multiple_of(REFRESH_EVERY_TICKS) && self.server_reachable {
            self.refresh_soon();
        }
        let (client, inputs, meeting) = (self.client.clone(), self.inputs.clone(), self.meeting);
        if self.core.segment().is_empty() {
            tokio::spawn(async move {
                let result = client.hub_check_in(meeting, &[], &[]).await;
                let _ = inputs.send(Input::CheckedIn { sent: 0, result });
            });
        } else {
            tokio::spawn(async move {
                let _ = inputs.send(Input::Probed(client.room_info(meeting).await));
            });
        }
    }

    /// Reads the room's facts, devices and votes again, on a task.
    fn refresh_soon(&self) {
        let (client, inputs, meeting) = (self.client.clone(), self.inputs.clone(), self.meeting);
        tokio::spawn(async move {
            if let Ok(info) = client.room_info(meeting).await {
                let _ = inputs.send(Input::Refreshed(info));
            }
        });
    }

    async fn take_over(&mut self) {
        let key = self.client.device_signing_key();
        match self.core.take_over(Utc::now(), key) {
            Ok(event) => {
                if let LiveEventBody::HubTookOver { epoch, after_seq } = event.event().body {
                    self.note(RoomNote::TookOver { epoch, after_seq });
                }
                self.on_ordered_here(&event).await;
            }
            Err(error) => self.note(RoomNote::Problem {
                detail: format!("could not take the room over: {error}"),
            }),
        }
    }

    /// The server answered while this hub held a segment: close it and
    /// hand it back.
    async fn on_probed(&mut self, result: Result<RoomInfo, ClientError>) {
        match result {
            Ok(info) => {
                self.last_check_in = Instant::now();
                self.server_back();
                self.refresh(info);
                if self.core.ordering().is_some() {
                    let key = self.client.device_signing_key();
                    match self.core.hand_back(Utc::now(), key) {
                        Ok(event) => self.on_ordered_here(&event).await,
                        Err(error) => self.note(RoomNote::Problem {
                            detail: format!("could not close the room's segment: {error}"),
                        }),
                    }
                }
                let segment = self.core.segment().to_vec();
                let ballots = self.core.segment_ballots();
                let (client, inputs, meeting) =
                    (self.client.clone(), self.inputs.clone(), self.meeting);
                tokio::spawn(async move {
                    let result = client.hub_check_in(meeting, &segment, &ballots).await;
                    let _ = inputs.send(Input::CheckedIn {
                        sent: segment.len(),
                        result,
                    });
                });
            }
            Err(error) => {
                self.check_in_in_flight = false;
                self.server_lost(&error);
            }
        }
    }

    /// New devices (enrolled since) and agenda edits reach the rules the
    /// hub orders by.
    fn refresh(&mut self, info: RoomInfo) {
        self.core
            .refresh(info.facts.clone(), Directory::new(&info.devices));
        self.core.set_voting(info.voting.clone());
        self.info = info;
        // A restricted item's audience may have changed.
        self.voices_follow();
    }

    fn server_back(&mut self) {
        if !self.server_reachable {
            self.server_reachable = true;
            self.note(RoomNote::ServerBack);
        }
    }

    fn server_lost(&mut self, error: &ClientError) {
        if self.server_reachable {
            self.server_reachable = false;
            self.note(RoomNote::ServerLost {
                detail: error.to_string(),
            });
        }
    }

    async fn on_checked_in(&mut self, sent: usize, result: Result<HubCheckInAnswer, ClientError>) {
        self.check_in_in_flight = false;
        match result {
            Ok(answer) => {
                self.last_check_in = Instant::now();
                self.server_back();
                if sent > 0 && sent == self.core.segment().len() {
                    let epoch = self
                        .core
                        .segment()
                        .iter()
                        .rev()
                        .find_map(|e| match e.event().body {
                            LiveEventBody::HubHandedBack { epoch } => Some(epoch),
                            _ => None,
                        })
                        .unwrap_or_default();
                    self.core.segment_delivered();
                    if let Err(error) = self.kept.clear() {
                        tracing::warn!(%error, "could not remove the ballots the server now holds");
                    }
                    self.problem = None;
                    if !answer.recounted.is_empty() {
                        self.note(RoomNote::Problem {
                            detail: format!(
                                "the server counted {} vote(s) closed in the room otherwise than the room did (a ballot reached the server before it stopped but never the hub); the server's count stands",
                                answer.recounted.len()
                            ),
                        });
                    }
                    self.note(RoomNote::HandedBack {
                        epoch,
                        events: sent as u32,
                    });
                }
                if answer.head > self.core.head() {
                    self.catch_up_from_server().await;
                }
            }
            Err(error @ ClientError::ServerUnreachable { .. }) => self.server_lost(&error),
            Err(error) => {
                // The server answers but refuses: say so; the check-in is retried.
                self.last_check_in = Instant::now();
                self.server_back();
                let detail = format!("the server refused the hub's check-in: {error}");
                if self.problem.as_deref() != Some(detail.as_str()) {
                    self.note(RoomNote::Problem {
                        detail: detail.clone(),
                    });
                }
                self.problem = Some(detail);
            }
        }
    }

    async fn on_local(&mut self, call: LocalCall) {
        match call.request {
            LocalRequest::Submit { signed } => {
                self.on_submit(Relay::Local(call.reply), signed).await
            }
            LocalRequest::Ballot { ballot } => {
                self.on_ballot(Relay::Local(call.reply), ballot).await
            }
            LocalRequest::Status => {
                let _ = call.reply.send(LocalAnswer::Status(self.status()));
            }
        }
    }

    fn status(&self) -> RoomStatus {
        let head = self.core.head();
        RoomStatus {
            meeting: Some(self.meeting),
            role: "hub".into(),
            hub_device: Some(self.client.profile().device_id),
            hub_connected: true,
            server_reachable: self.server_reachable,
            epoch: self.core.ordering(),
            head,
            peers: self
                .peers
                .values()
                .filter(|p| p.control.is_some())
                .map(|p| RoomPeerStatus {
                    device: p.device,
                    head: p.head,
                    lag: head.saturating_sub(p.head),
                    silent_millis: p.last_heard.elapsed().as_millis() as u64,
                    server_reachable: p.server,
                })
                .collect(),
            hub_silent_millis: None,
            problem: self.problem.clone(),
        }
    }
}
