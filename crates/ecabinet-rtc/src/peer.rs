//! One WebRTC peer connection of the room and its two data channels:
//! `control` (reliable, ordered: signed events, ordered events, refusals)
//! and `presence` (unordered, no retransmits: heartbeats and the hub's
//! status, where only the latest counts). Host candidates only: the room
//! is a LAN (or loopback), no STUN or TURN server is asked. Candidates go
//! inside the session descriptions (gathering completes at once without
//! ICE servers), so one offer and one answer make a connection.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{mpsc, watch};
use webrtc::data_channel::{DataChannel, DataChannelEvent, RTCDataChannelInit};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder,
    RTCIceGatheringState, RTCPeerConnectionState, RTCSessionDescription,
};

use crate::RtcError;

pub const CONTROL: &str = "control";
pub const PRESENCE: &str = "presence";

/// Gathering host candidates takes milliseconds; this is the bound.
const GATHERING_LIMIT: Duration = Duration::from_secs(5);

/// What a connection's driver and channels report, tagged with the link.
pub enum PeerEvent {
    ChannelOpen {
        link: u64,
        label: String,
        channel: Arc<dyn DataChannel>,
    },
    Message {
        link: u64,
        label: String,
        data: Vec<u8>,
    },
    ChannelClosed {
        link: u64,
        label: String,
    },
    State {
        link: u64,
        state: RTCPeerConnectionState,
    },
}

impl std::fmt::Debug for PeerEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PeerEvent::ChannelOpen { link, label, .. } => write!(f, "open {link} {label}"),
            PeerEvent::Message { link, label, data } => {
                write!(f, "message {link} {label} ({} bytes)", data.len())
            }
            PeerEvent::ChannelClosed { link, label } => write!(f, "closed {link} {label}"),
            PeerEvent::State { link, state } => write!(f, "state {link} {state}"),
        }
    }
}

/// The driver runs callbacks inline: they only pass things on.
struct Handler {
    link: u64,
    events: mpsc::UnboundedSender<PeerEvent>,
    gathered: watch::Sender<bool>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.gathered.send(true);
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.events.send(PeerEvent::State {
            link: self.link,
            state,
        });
    }

    async fn on_data_channel(&self, channel: Arc<dyn DataChannel>) {
        let (link, events) = (self.link, self.events.clone());
        tokio::spawn(async move {
            let label = channel.label().await.unwrap_or_default();
            follow_channel(link, label, channel, events).await;
        });
    }
}

/// Passes a channel's events on until it closes.
async fn follow_channel(
    link: u64,
    label: String,
    channel: Arc<dyn DataChannel>,
    events: mpsc::UnboundedSender<PeerEvent>,
) {
    while let Some(event) = channel.poll().await {
        let sent = match event {
            DataChannelEvent::OnOpen => events.send(PeerEvent::ChannelOpen {
                link,
                label: label.clone(),
                channel: channel.clone(),
            }),
            DataChannelEvent::OnMessage(message) => events.send(PeerEvent::Message {
                link,
                label: label.clone(),
                data: message.data.to_vec(),
            }),
            DataChannelEvent::OnClose => break,
            _ => Ok(()),
        };
        if sent.is_err() {
            break; // nobody listens any more
        }
    }
    let _ = events.send(PeerEvent::ChannelClosed { link, label });
}

/// One peer connection of the room.
pub struct RoomPeer {
    pub link: u64,
    pub connection: Arc<dyn PeerConnection>,
    gathered: watch::Receiver<bool>,
    events: mpsc::UnboundedSender<PeerEvent>,
}

impl RoomPeer {
    /// A connection bound to `bind` (an address of this machine, port 0).
    pub async fn new(
        link: u64,
        bind: SocketAddr,
        events: mpsc::UnboundedSender<PeerEvent>,
    ) -> Result<Self, RtcError> {
        let (gathered_tx, gathered) = watch::channel(false);
        // The same ICE as the room's voice: host candidates, tight consent.
        let settings = ecabinet_voice::lan_settings();
        let connection = PeerConnectionBuilder::new()
            .with_configuration(RTCConfigurationBuilder::new().build())
            .with_setting_engine(settings)
            .with_handler(Arc::new(Handler {
                link,
                events: events.clone(),
                gathered: gathered_tx,
            }))
            .with_udp_addrs(vec![bind])
            // A peer that stops reading must not grow this process's memory.
            .with_data_channel_send_buffer_limit(4 * 1024 * 1024)
            .build()
            .await
            .map_err(RtcError::webrtc("open a peer connection"))?;
        Ok(Self {
            link,
            connection: Arc::new(connection),
            gathered,
            events,
        })
    }

    /// The member's side: both channels, then the offer with every candidate.
    pub async fn offer(&mut self) -> Result<String, RtcError> {
        let control = self
            .connection
            .create_data_channel(CONTROL, None)
            .await
            .map_err(RtcError::webrtc("open the control channel"))?;
        let presence = self
            .connection
            .create_data_channel(
                PRESENCE,
                Some(RTCDataChannelInit {
                    ordered: false,
                    max_retransmits: Some(0),
                    ..Default::default()
                }),
            )
            .await
            .map_err(RtcError::webrtc("open the presence channel"))?;
        for (label, channel) in [(CONTROL, control), (PRESENCE, presence)] {
            tokio::spawn(follow_channel(
                self.link,
                label.to_owned(),
                channel,
                self.events.clone(),
            ));
        }
        let offer = self
            .connection
            .create_offer(None)
            .await
            .map_err(RtcError::webrtc("make an offer"))?;
        self.described(offer).await
    }

    /// The hub's side: answers an offer (its channels arrive as events).
    pub async fn answer(&mut self, offer: &str) -> Result<String, RtcError> {
        let offer: RTCSessionDescription = serde_json::from_str(offer).map_err(|e| {
            RtcError::Signal(format!("the offer is not a session description: {e}"))
        })?;
        self.connection
            .set_remote_description(offer)
            .await
            .map_err(RtcError::webrtc("take the offer"))?;
        let answer = self
            .connection
            .create_answer(None)
            .await
            .map_err(RtcError::webrtc("make an answer"))?;
        self.described(answer).await
    }

    /// The member takes the hub's answer.
    pub async fn accept(&self, answer: &str) -> Result<(), RtcError> {
        let answer: RTCSessionDescription = serde_json::from_str(answer).map_err(|e| {
            RtcError::Signal(format!("the answer is not a session description: {e}"))
        })?;
        self.connection
            .set_remote_description(answer)
            .await
            .map_err(RtcError::webrtc("take the answer"))
    }

    /// Sets the local description and returns it with every candidate.
    async fn described(&mut self, description: RTCSessionDescription) -> Result<String, RtcError> {
        self.connection
            .set_local_description(description)
            .await
            .map_err(RtcError::webrtc("set the local description"))?;
        tokio::time::timeout(GATHERING_LIMIT, self.gathered.wait_for(|done| *done))
            .await
            .map_err(|_| RtcError::Timeout("gathering this machine's addresses"))?
            .map_err(|_| RtcError::Closed)?;
        let full = self
            .connection
            .local_description()
            .await
            .ok_or(RtcError::Closed)?;
        serde_json::to_string(&full).map_err(|e| RtcError::Signal(e.to_string()))
    }

    pub async fn close(&self) {
        let _ = self.connection.close().await;
    }
}

/// Sends one message as JSON text.
pub async fn send_json(channel: &Arc<dyn DataChannel>, value: &impl Serialize) -> bool {
    match serde_json::to_string(value) {
        Ok(text) => channel.send_text(&text).await.is_ok(),
        Err(_) => false,
    }
}
