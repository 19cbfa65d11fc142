//! What crosses the wire for the room: the server's description of a
//! meeting's room (the facts and keys a hub needs to order the log without
//! the server), a hub's check-in with the segment it ordered, the signalling
//! the server relays between devices, and the messages on the room's data
//! channels.

use serde::{Deserialize, Serialize};

use super::rules::SessionFacts;
use super::{LiveEventId, OrderedLiveEvent, SignedLiveEvent};
use crate::ids::{DeviceId, MeetingId, PersonId};

/// How long a hub's check-in holds: while it does, the server orders the
/// log; after it, only the hub may (once it has taken over).
pub const HUB_LEASE_MILLIS: i64 = 3_000;
/// How often a hub checks in.
pub const HUB_CHECK_IN_MILLIS: u64 = 1_000;
/// How long after its last answered check-in a hub waits before it takes
/// the log over: the lease and a margin, so the server has stopped first.
pub const HUB_TAKEOVER_AFTER_MILLIS: u64 = 4_000;
/// How often the hub and the devices tell each other they are there.
pub const ROOM_HEARTBEAT_MILLIS: u64 = 500;
/// Silence after which a peer (the hub, for a member) counts as gone.
pub const ROOM_PEER_LOST_MILLIS: u64 = 2_500;

/// A device that may take part in the room, with its signing key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomDevice {
    pub device: DeviceId,
    pub person: PersonId,
    /// The person belongs to the secretariat (runs any session).
    pub secretary: bool,
    /// Ed25519 public key, base64.
    pub signing_key: String,
}

/// The named hub as the server sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomHubView {
    pub device: DeviceId,
    pub person: PersonId,
    /// Milliseconds its last check-in still holds (0: run out: the hub may
    /// be ordering the log without the server).
    pub lease_left_millis: i64,
}

/// `GET /v1/meetings/{meeting}/room`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomInfo {
    pub meeting: MeetingId,
    pub facts: SessionFacts,
    pub devices: Vec<RoomDevice>,
    pub hub: Option<RoomHubView>,
    /// The server's key, which orders every event outside a hub's segment.
    pub server_key: String,
}

/// `POST /v1/meetings/{meeting}/room/hub`: "I host this room", with the
/// segment the hub ordered while the server was away (empty otherwise).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubCheckIn {
    #[serde(default)]
    pub segment: Vec<OrderedLiveEvent>,
}

/// The server's answer to a check-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubCheckInAnswer {
    pub lease_millis: i64,
    /// The last event of the log, the segment included.
    pub head: u32,
    /// How many of the segment's events were appended now (0 when they
    /// already were: a check-in repeated after a lost answer).
    pub appended: u32,
}

/// `POST /v1/meetings/{meeting}/room/signal`: a message for another device
/// of the room (an offer or an answer), relayed on its event socket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSignalRequest {
    pub to: DeviceId,
    pub signal: RoomSignal,
}

/// What the event socket carries to the addressee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSignalMessage {
    pub from: DeviceId,
    pub meeting: MeetingId,
    pub signal: RoomSignal,
}

/// WebRTC session descriptions, as JSON (`{"type": "offer", "sdp": …}`),
/// with every candidate gathered (no trickle: the LAN needs none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RoomSignal {
    Offer {
        connection: u64,
        description: String,
    },
    Answer {
        connection: u64,
        description: String,
    },
}

/// From a device to the hub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToHub {
    /// Order this event (the hub orders only while the server is away).
    Submit { signed: SignedLiveEvent },
    /// "I am here, hold the log up to `head`, and can (or cannot) reach
    /// the server" (the presence channel).
    Heartbeat {
        head: u32,
        #[serde(default)]
        server: bool,
    },
}

/// From the hub to a device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromHub {
    /// An event of the log, whoever ordered it (devices deduplicate by seq).
    Ordered { event: Box<OrderedLiveEvent> },
    /// The hub did not order a submitted event.
    Refused {
        event: LiveEventId,
        code: String,
        message: String,
    },
    /// The hub is there (the presence channel, every heartbeat).
    Status(HubStatus),
}

/// What the hub says of the room with each heartbeat.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubStatus {
    /// The epoch the hub orders under, while it does.
    pub epoch: Option<u32>,
    pub server_reachable: bool,
    pub head: u32,
    /// Devices connected to the hub (itself not counted).
    pub peers: u32,
}
