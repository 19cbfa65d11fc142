//! A device in the room: connects to the meeting's hub (signalled through
//! the server), takes every event that comes through it or through the
//! server, once, and carries this device's events to the hub when the
//! server cannot order them. When the hub falls silent for three seconds
//! it says so and connects again (to the hub the server then names).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ecabinet_client::room::{LocalAnswer, LocalRequest, RoomStatus};
use ecabinet_client::{Client, SocketMessage};
use ecabinet_domain::session::room::{hub_receipt_message, HubReceipt};
use ecabinet_domain::session::room::{
    FromHub, HubStatus, RoomInfo, RoomSignal, ToHub, ROOM_HEARTBEAT_MILLIS, ROOM_PEER_LOST_MILLIS,
};
use ecabinet_domain::session::{LiveEventBody, LiveEventId, OrderedLiveEvent};
use ecabinet_domain::voting::Ballot;
use ecabinet_domain::{DeviceId, MeetingId};
use tokio::sync::{mpsc, oneshot};
use webrtc::data_channel::DataChannel;

use crate::local::{listen, LocalCall};
use crate::peer::{send_json, PeerEvent, RoomPeer, CONTROL, PRESENCE};
use crate::{new_link, RoomNote, RtcError};

/// How long a submitted event may wait for the hub's answer.
const SUBMIT_LIMIT: Duration = Duration::from_secs(10);
/// How long a connection attempt may take before it is tried again.
const CONNECT_LIMIT: Duration = Duration::from_secs(5);

pub struct MemberOptions {
    pub bind: SocketAddr,
    /// Voice offers for the hub's forwarding (the server away), if this
    /// device takes part in the room's voice.
    pub voice: Option<mpsc::UnboundedReceiver<crate::voice::VoiceRequest>>,
}

enum Input {
    Socket(SocketMessage),
    SocketDown,
    /// Boxed: the room's description is large beside the other inputs.
    Info(Box<Result<RoomInfo, ecabinet_client::ClientError>>),
    Offered(Result<RoomPeer, RtcError>),
    SubmitTimedOut(LiveEventId),
    BallotTimedOut(Vec<u8>),
}

struct Link {
    peer: RoomPeer,
    hub: DeviceId,
    started: Instant,
    control: Option<Arc<dyn DataChannel>>,
    presence: Option<Arc<dyn DataChannel>>,
    answered: bool,
}

struct Member {
    client: Arc<Client>,
    meeting: MeetingId,
    bind: SocketAddr,
    info: Option<RoomInfo>,
    link: Option<Link>,
    connecting: bool,
    last_attempt: Option<Instant>,
    hub_heard: Option<Instant>,
    hub_status: HubStatus,
    hub_lost_told: bool,
    server_reachable: bool,
    socket_up: bool,
    pending: HashMap<LiveEventId, oneshot::Sender<LocalAnswer>>,
    /// Ballots given to the hub, by hash, and who waits for the receipt.
    pending_ballots: HashMap<Vec<u8>, oneshot::Sender<LocalAnswer>>,
    /// A voice offer sent to the hub, waiting for its answer.
    pending_voice: Option<oneshot::Sender<Result<String, String>>>,
    /// Ballots of this device the hub has not receipted: sent again when a
    /// hub takes the room over.
    unreceipted: HashMap<Vec<u8>, Ballot>,
    inputs: mpsc::UnboundedSender<Input>,
    peer_events: mpsc::UnboundedSender<PeerEvent>,
    notes: mpsc::UnboundedSender<RoomNote>,
}

/// Takes part in `meeting`'s room until `stop` completes.
pub async fn join(
    client: Arc<Client>,
    meeting: MeetingId,
    options: MemberOptions,
    notes: mpsc::UnboundedSender<RoomNote>,
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), RtcError> {
    let (inputs, mut receiver) = mpsc::unbounded_channel();
    let (peer_events, mut peer_receiver) = mpsc::unbounded_channel();
    let (local_calls, mut local_receiver) = mpsc::channel::<LocalCall>(64);
    let _link = listen(client.profile_dir(), local_calls).await?;
    let mut member = Member {
        client,
        meeting,
        bind: options.bind,
        info: None,
        link: None,
        connecting: false,
        last_attempt: None,
        hub_heard: None,
        hub_status: HubStatus::default(),
        hub_lost_told: false,
        server_reachable: true,
        socket_up: false,
        pending: HashMap::new(),
        pending_ballots: HashMap::new(),
        pending_voice: None,
        unreceipted: HashMap::new(),
        inputs,
        peer_events,
        notes,
    };
    member.open_socket();
    member.fetch_info();
    let mut voice_requests = options.voice;
    let mut heartbeat = tokio::time::interval(Duration::from_millis(ROOM_HEARTBEAT_MILLIS));
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            Some(event) = peer_receiver.recv() => member.on_peer(event).await,
            Some(input) = receiver.recv() => member.on_input(input).await,
            Some(call) = local_receiver.recv() => member.on_local(call).await,
            Some(request) = async {
                match voice_requests.as_mut() {
                    Some(requests) => requests.recv().await,
                    None => std::future::pending().await,
                }
            } => member.on_voice_request(request).await,
            _ = heartbeat.tick() => member.on_heartbeat().await,
        }
    }
    if let Some(link) = member.link.take() {
        link.peer.close().await;
    }
    Ok(())
}

impl Member {
    fn note(&self, note: RoomNote) {
        let _ = self.notes.send(note);
    }

    fn open_socket(&mut self) {
        self.socket_up = true;
        crate::follow_event_socket(
            self.client.clone(),
            self.inputs.clone(),
            Input::Socket,
            |_| Input::SocketDown,
        );
    }

    fn fetch_info(&mut self) {
        let (client, inputs, meeting) = (self.client.clone(), self.inputs.clone(), self.meeting);
        self.last_attempt = Some(Instant::now());
        self.connecting = true;
        tokio::spawn(async move {
            let _ = inputs.send(Input::Info(Box::new(client.room_info(meeting).await)));
        });
    }

    /// Offers a connection to `hub` (answered through the event socket).
    fn connect(&mut self, hub: DeviceId) {
        let (client, inputs, events) = (
            self.client.clone(),
            self.inputs.clone(),
            self.peer_events.clone(),
        );
        let (meeting, bind) = (self.meeting, self.bind);
        self.connecting = true;
        self.last_attempt = Some(Instant::now());
        tokio::spawn(async move {
            let result = async {
                let link = new_link();
                let mut peer = RoomPeer::new(link, bind, events).await?;
                let offer = peer.offer().await?;
                client
                    .send_room_signal(
                        meeting,
                        hub,
                        RoomSignal::Offer {
                            connection: link,
                            description: offer,
                        },
                    )
                    .await?;
                Ok(peer)
            }
            .await;
            let _ = inputs.send(Input::Offered(result));
        });
    }

    async fn on_input(&mut self, input: Input) {
        match input {
            Input::Socket(SocketMessage::Live(live)) => {
                self.server_reachable = true;
                if live.live.event().meeting_id == self.meeting {
                    self.take(&live.live, false).await;
                }
            }
            Input::Socket(SocketMessage::Poke(_)) => self.server_reachable = true,
            Input::Socket(SocketMessage::Signal(envelope)) => {
                let signal = envelope.signal;
                if let (
                    Some(link),
                    RoomSignal::Answer {
                        connection,
                        description,
                    },
                ) = (self.link.as_mut(), signal.signal)
                {
                    if link.peer.link == connection && signal.from == link.hub && !link.answered {
                        link.answered = true;
                        if let Err(error) = link.peer.accept(&description).await {
                            self.note(RoomNote::Problem {
                                detail: format!("the hub's answer: {error}"),
                            });
                        }
                    }
                }
            }
            Input::SocketDown => {
                self.socket_up = false;
                self.server_reachable = false;
            }
            Input::Info(answer) => match *answer {
                Ok(info) => {
                    self.server_reachable = true;
                    let hub = info.hub.as_ref().map(|h| h.device);
                    self.info = Some(info);
                    match hub {
                        Some(hub) => self.connect(hub),
                        None => self.connecting = false, // no hub yet: asked again shortly
                    }
                }
                Err(error) => {
                    self.connecting = false;
                    if matches!(
                        error,
                        ecabinet_client::ClientError::ServerUnreachable { .. }
                    ) {
                        self.server_reachable = false;
                    }
                    tracing::debug!(%error, "could not read the room");
                }
            },
            Input::Offered(Ok(peer)) => {
                let hub = self
                    .info
                    .as_ref()
                    .and_then(|i| i.hub.as_ref())
                    .map(|h| h.device);
                if let (Some(hub), None) = (hub, self.link.as_ref()) {
                    self.link = Some(Link {
                        peer,
                        hub,
                        started: Instant::now(),
                        control: None,
                        presence: None,
                        answered: false,
                    });
                } else {
                    peer.close().await;
                }
                self.connecting = false;
            }
            Input::Offered(Err(error)) => {
                self.connecting = false;
                self.note(RoomNote::Problem {
                    detail: format!("could not offer a connection to the hub: {error}"),
                });
            }
            Input::BallotTimedOut(hash) => {
                if let Some(reply) = self.pending_ballots.remove(&hash) {
                    let _ = reply.send(LocalAnswer::Refused {
                        code: "room_timeout".into(),
                        message: format!(
                            "the room's hub did not answer within {} s; the ballot waits on this device and is sent again",
                            SUBMIT_LIMIT.as_secs()
                        ),
                    });
                }
            }
            Input::SubmitTimedOut(event) => {
                if let Some(reply) = self.pending.remove(&event) {
                    let _ = reply.send(LocalAnswer::Refused {
                        code: "room_timeout".into(),
                        message: format!(
                            "the room's hub did not answer within {} s; the event may still be ordered: check the session",
                            SUBMIT_LIMIT.as_secs()
                        ),
                    });
                }
            }
        }
    }

    /// An event from the hub or the server: kept once, in order.
    async fn take(&mut self, event: &OrderedLiveEvent, through_hub: bool) {
        let Some(info) = &self.info else {
            return;
        };
        match self.client.take_room_event(info, event).await {
            Ok(true) => {
                self.note(RoomNote::Event {
                    seq: event.seq,
                    kind: event.event().body.kind().to_owned(),
                    through_hub,
                });
                if matches!(event.event().body, LiveEventBody::HubTookOver { .. }) {
                    // The new orderer must hold this device's ballots to count.
                    self.send_ballots_to_hub().await;
                }
            }
            Ok(false) => {}
            Err(error) => {
                // Ahead of the log held here: the server fills the gap if it
                // can; the hub's channel brings the rest in order anyway.
                if !through_hub || self.server_reachable {
                    let _ = self.client.catch_up_session(self.meeting).await;
                }
                tracing::debug!(%error, seq = event.seq, "an event not taken yet");
            }
        }
        if let Some(reply) = self.pending.remove(&event.event().id) {
            let _ = reply.send(LocalAnswer::Ordered {
                event: event.clone(),
            });
        }
    }

    async fn on_peer(&mut self, event: PeerEvent) {
        let current = self.link.as_ref().map(|l| l.peer.link);
        match event {
            PeerEvent::ChannelOpen {
                link,
                label,
                channel,
            } if Some(link) == current => {
                let head = self.head().await;
                let server = self.server_reachable;
                let hub_orders = label == CONTROL
                    && self
                        .client
                        .folded_session(self.meeting)
                        .await
                        .is_ok_and(|s| s.hub.is_some());
                let Some(room_link) = self.link.as_mut() else {
                    return;
                };
                match label.as_str() {
                    CONTROL => {
                        // Where this device stands: the hub sends what follows.
                        send_json(&channel, &ToHub::Heartbeat { head, server }).await;
                        room_link.control = Some(channel);
                        self.hub_heard = Some(Instant::now());
                        self.hub_lost_told = false;
                        let (hub, millis) = (
                            room_link.hub,
                            room_link.started.elapsed().as_millis() as u64,
                        );
                        self.note(RoomNote::HubConnected { hub, millis });
                    }
                    PRESENCE => room_link.presence = Some(channel),
                    _ => {}
                }
                if hub_orders {
                    // A hub already running the room: it must hold this
                    // device's ballots to count.
                    self.send_ballots_to_hub().await;
                }
            }
            PeerEvent::Message { link, data, .. } if Some(link) == current => {
                let Ok(message) = serde_json::from_slice::<FromHub>(&data) else {
                    return;
                };
                self.hub_heard = Some(Instant::now());
                match message {
                    FromHub::Ordered { event } => self.take(&event, true).await,
                    FromHub::Refused {
                        event,
                        code,
                        message,
                    } => {
                        if let Some(reply) = self.pending.remove(&event) {
                            let _ = reply.send(LocalAnswer::Refused { code, message });
                        }
                    }
                    FromHub::BallotReceipt(receipt) => self.on_receipt(receipt),
                    FromHub::VoiceAnswer { description, .. } => {
                        if let Some(reply) = self.pending_voice.take() {
                            let _ = reply.send(Ok(description));
                        }
                    }
                    FromHub::VoiceRefused { message } => {
                        if let Some(reply) = self.pending_voice.take() {
                            let _ = reply.send(Err(message));
                        }
                    }
                    FromHub::BallotRefused {
                        ballot,
                        code,
                        message,
                    } => {
                        // Not ordering yet: kept, and sent again at its takeover.
                        if code != "server_orders" {
                            self.unreceipted.remove(&ballot.0);
                        }
                        if let Some(reply) = self.pending_ballots.remove(&ballot.0) {
                            let _ = reply.send(LocalAnswer::Refused { code, message });
                        }
                    }
                    FromHub::Status(status) => {
                        if self.hub_lost_told {
                            self.hub_lost_told = false;
                        }
                        self.hub_status = status;
                    }
                }
            }
            PeerEvent::ChannelClosed { link, label }
                if Some(link) == current && label == CONTROL =>
            {
                self.lose_hub().await;
            }
            _ => {}
        }
    }

    /// This device's latest ballot on each open vote, and any the hub has
    /// not receipted, to the hub (which takes a ballot it holds only once).
    async fn send_ballots_to_hub(&mut self) {
        let Some(control) = self.link.as_ref().and_then(|l| l.control.clone()) else {
            return;
        };
        let mut ballots = match self.client.ballots_for_room(self.meeting).await {
            Ok(ballots) => ballots,
            Err(error) => {
                tracing::warn!(%error, "could not read this device's ballots for the room");
                Vec::new()
            }
        };
        for ballot in &ballots {
            self.unreceipted.insert(
                ecabinet_room::ballots::ballot_hash(ballot).to_vec(),
                ballot.clone(),
            );
        }
        ballots = self.unreceipted.values().cloned().collect();
        for ballot in ballots {
            send_json(&control, &ToHub::Ballot { ballot }).await;
        }
    }

    /// Carries a voice offer to the hub's forwarding (one at a time).
    async fn on_voice_request(&mut self, request: crate::voice::VoiceRequest) {
        let control = self.link.as_ref().and_then(|l| l.control.clone());
        let sent = match control {
            Some(control) => {
                send_json(
                    &control,
                    &ToHub::VoiceOffer {
                        description: request.offer,
                    },
                )
                .await
            }
            None => false,
        };
        if sent {
            self.pending_voice = Some(request.reply);
        } else {
            let _ = request
                .reply
                .send(Err("the room's hub is not connected to this device".into()));
        }
    }

    /// The hub's receipt for a ballot: checked against the hub's key.
    fn on_receipt(&mut self, receipt: HubReceipt) {
        let hub_key = self.info.as_ref().and_then(|info| {
            info.devices
                .iter()
                .find(|d| d.device == receipt.hub)
                .and_then(|d| ecabinet_crypto::b64_decode(&d.signing_key).ok())
        });
        let valid = hub_key.is_some_and(|key| {
            ecabinet_crypto::verify_signature(
                &key,
                &hub_receipt_message(&receipt.ballot.0, receipt.seq, receipt.at),
                &receipt.signature.0,
            )
            .is_ok()
        });
        let answer = if valid {
            self.unreceipted.remove(&receipt.ballot.0);
            LocalAnswer::BallotTaken {
                receipt: receipt.clone(),
            }
        } else {
            LocalAnswer::Refused {
                code: "bad_receipt".into(),
                message: "the hub's receipt is not signed by a device of the room; the ballot waits on this device".into(),
            }
        };
        if let Some(reply) = self.pending_ballots.remove(&receipt.ballot.0) {
            let _ = reply.send(answer);
        }
    }

    async fn head(&self) -> u32 {
        self.client
            .folded_session(self.meeting)
            .await
            .map(|s| s.seq)
            .unwrap_or_default()
    }

    async fn lose_hub(&mut self) {
        if let Some(link) = self.link.take() {
            link.peer.close().await;
        }
        if !self.hub_lost_told {
            self.hub_lost_told = true;
            let silent_millis = self
                .hub_heard
                .map_or(0, |heard| heard.elapsed().as_millis() as u64);
            self.note(RoomNote::HubLost { silent_millis });
        }
    }

    async fn on_heartbeat(&mut self) {
        if !self.socket_up
            && self
                .last_attempt
                .is_none_or(|t| t.elapsed() > Duration::from_secs(1))
        {
            self.open_socket();
        }
        let head = self.head().await;
        let server = self.server_reachable;
        let silent = self.hub_heard.map(|heard| heard.elapsed());
        if let Some(link) = &self.link {
            if let Some(presence) = &link.presence {
                send_json(presence, &ToHub::Heartbeat { head, server }).await;
            }
            let stuck = link.control.is_none() && link.started.elapsed() > CONNECT_LIMIT;
            let quiet = link.control.is_some()
                && silent.is_some_and(|s| s > Duration::from_millis(ROOM_PEER_LOST_MILLIS));
            if stuck || quiet {
                self.lose_hub().await;
            }
        }
        let retry = self
            .last_attempt
            .is_none_or(|t| t.elapsed() > Duration::from_secs(2));
        if self.link.is_none() && !self.connecting && retry {
            // The server may have named another hub meanwhile.
            if self.server_reachable || self.info.is_none() {
                self.fetch_info();
            } else {
                // Without the server there is no signalling: wait for it
                // (a link to the hub that held is kept meanwhile).
                self.last_attempt = Some(Instant::now());
            }
        }
    }

    async fn on_local(&mut self, call: LocalCall) {
        match call.request {
            LocalRequest::Submit { signed } => {
                let control = self.link.as_ref().and_then(|l| l.control.clone());
                let Some(control) = control else {
                    let _ = call.reply.send(LocalAnswer::Refused {
                        code: "room_unreachable".into(),
                        message: "neither the server nor the room's hub can be reached from this device; nothing was sent".into(),
                    });
                    return;
                };
                let id = signed.event.id;
                if !send_json(&control, &ToHub::Submit { signed }).await {
                    let _ = call.reply.send(LocalAnswer::Refused {
                        code: "room_unreachable".into(),
                        message:
                            "the link to the room's hub failed while sending; nothing was sent"
                                .into(),
                    });
                    return;
                }
                self.pending.insert(id, call.reply);
                let inputs = self.inputs.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(SUBMIT_LIMIT).await;
                    let _ = inputs.send(Input::SubmitTimedOut(id));
                });
            }
            LocalRequest::Ballot { ballot } => {
                let hash = ecabinet_room::ballots::ballot_hash(&ballot).to_vec();
                self.unreceipted.insert(hash.clone(), ballot.clone());
                let control = self.link.as_ref().and_then(|l| l.control.clone());
                let sent = match control {
                    Some(control) => send_json(&control, &ToHub::Ballot { ballot }).await,
                    None => false,
                };
                if !sent {
                    let _ = call.reply.send(LocalAnswer::Refused {
                        code: "room_unreachable".into(),
                        message: "the room's hub cannot be reached from this device; the ballot waits here and is sent when the hub or the server can be reached".into(),
                    });
                    return;
                }
                self.pending_ballots.insert(hash.clone(), call.reply);
                let inputs = self.inputs.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(SUBMIT_LIMIT).await;
                    let _ = inputs.send(Input::BallotTimedOut(hash));
                });
            }
            LocalRequest::Status => {
                let _ = call.reply.send(LocalAnswer::Status(self.status().await));
            }
        }
    }

    async fn status(&self) -> RoomStatus {
        let mut status = RoomStatus::from(&self.hub_status);
        status.meeting = Some(self.meeting);
        status.role = "member".into();
        status.hub_device = self
            .info
            .as_ref()
            .and_then(|i| i.hub.as_ref())
            .map(|h| h.device);
        status.hub_connected = self.link.as_ref().is_some_and(|l| l.control.is_some());
        status.server_reachable = self.server_reachable;
        status.head = self.head().await;
        status.hub_silent_millis = self.hub_heard.map(|h| h.elapsed().as_millis() as u64);
        status
    }
}
