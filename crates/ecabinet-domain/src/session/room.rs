//! What crosses the wire for the room: the server's description of a
//! meeting's room (the facts and keys a hub needs to order the log without
//! the server), a hub's check-in with the segment it ordered, the signalling
//! the server relays between devices, and the messages on the room's data
//! channels.

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use super::rules::SessionFacts;
use super::{LiveEventId, OrderedLiveEvent, SignedLiveEvent};
use crate::ids::{AgendaItemId, DeviceId, MeetingId, PersonId};
use crate::ops::Bytes;
use crate::voting::{Ballot, Motion, Presence};

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomHubView {
    pub device: DeviceId,
    pub person: PersonId,
    /// Milliseconds its last check-in still holds (0: run out: the hub may
    /// be ordering the log without the server).
    pub lease_left_millis: i64,
}

/// `GET /v1/meetings/{meeting}/room`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomInfo {
    pub meeting: MeetingId,
    pub facts: SessionFacts,
    pub devices: Vec<RoomDevice>,
    pub hub: Option<RoomHubView>,
    /// The server's key, which orders every event outside a hub's segment.
    pub server_key: String,
    /// What a hub needs to take ballots and count votes without the server.
    #[serde(default)]
    pub voting: RoomVoting,
    /// Voices the server forwards to each member at once (its audio slots).
    #[serde(default)]
    pub voice_slots: u32,
    /// Who may hear each restricted item of the meeting, told only to the
    /// secretariat and to a chair's device hosting the room (empty for
    /// others): a hub's own voice forwarding keeps such an item to its
    /// audience while the server is away, as the server's does.
    #[serde(default)]
    pub audiences: Vec<ItemAudience>,
}

/// A restricted item's audience: its named members and the secretariat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemAudience {
    pub item: AgendaItemId,
    pub persons: Vec<PersonId>,
}

impl RoomInfo {
    /// Who may hear the room while `item` is discussed: everyone (`None`),
    /// or for a restricted item its audience.
    pub fn voice_audience(&self, item: Option<AgendaItemId>) -> Option<Vec<PersonId>> {
        let item = item?;
        self.audiences
            .iter()
            .find(|audience| audience.item == item)
            .map(|audience| audience.persons.clone())
    }
}

/// The votes of a meeting as the server holds them, for its hub: the open
/// motions (not on restricted items: the room is every participant), the
/// members (who vote, and the base of a majority of all), and attendance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomVoting {
    pub motions: Vec<Motion>,
    pub members: Vec<PersonId>,
    pub attendance: Vec<(PersonId, Presence)>,
}

/// `POST /v1/meetings/{meeting}/room/hub`: "I host this room", with the
/// segment the hub ordered while the server was away (empty otherwise).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HubCheckIn {
    #[serde(default)]
    pub segment: Vec<OrderedLiveEvent>,
    /// The ballots the segment's `BallotTaken` events name.
    #[serde(default)]
    pub ballots: Vec<Ballot>,
}

/// The server's answer to a check-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HubCheckInAnswer {
    pub lease_millis: i64,
    /// The last event of the log, the segment included.
    pub head: u32,
    /// How many of the segment's events were appended now (0 when they
    /// already were: a check-in repeated after a lost answer).
    pub appended: u32,
    /// Votes of the segment the server counted otherwise than the hub (a
    /// ballot reached the server before it stopped but never the hub): the
    /// server's count stands, from every signed ballot it holds.
    #[serde(default)]
    pub recounted: Vec<crate::ids::MotionId>,
}

/// `POST /v1/meetings/{meeting}/voice`: a device's offer to the server's
/// voice forwarding (its own track if it talks, and receive-only slots).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoiceJoin {
    /// The session description, as JSON, with every candidate.
    pub description: String,
}

/// The server's answer: its description and how many voices it forwards
/// to each member at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoiceJoined {
    pub description: String,
    pub slots: u32,
}

/// `POST /v1/meetings/{meeting}/room/signal`: a message for another device
/// of the room (an offer or an answer), relayed on its event socket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomSignalRequest {
    pub to: DeviceId,
    pub signal: RoomSignal,
}

/// What the event socket carries to the addressee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomSignalMessage {
    pub from: DeviceId,
    pub meeting: MeetingId,
    pub signal: RoomSignal,
}

/// WebRTC session descriptions, as JSON (`{"type": "offer", "sdp": …}`),
/// with every candidate gathered (no trickle: the LAN needs none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// A ballot signed on the device, for the hub to take while it orders
    /// the log (the control channel).
    Ballot { ballot: Ballot },
    /// A voice offer to the hub's own forwarding, for when the server's
    /// cannot be reached (the room hears itself without the server).
    VoiceOffer { description: String },
}

/// From the hub to a device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromHub {
    /// An event of the log, whoever ordered it (devices deduplicate by seq).
    Ordered {
        event: Box<OrderedLiveEvent>,
    },
    /// The hub did not order a submitted event.
    Refused {
        event: LiveEventId,
        code: String,
        message: String,
    },
    /// The hub is there (the presence channel, every heartbeat).
    Status(HubStatus),
    /// The hub took a ballot: its receipt.
    BallotReceipt(HubReceipt),
    /// The hub did not take a ballot (`ballot`: its hash).
    BallotRefused {
        ballot: Bytes,
        code: String,
        message: String,
    },
    /// The hub's forwarding answers a voice offer.
    VoiceAnswer {
        description: String,
        slots: u32,
    },
    VoiceRefused {
        message: String,
    },
}

/// The hub's signed word that it took a ballot: the ballot's hash, the
/// place of its `BallotTaken` event in the log, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubReceipt {
    pub ballot: Bytes,
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub hub: DeviceId,
    /// The hub device's Ed25519 signature over [`hub_receipt_message`].
    pub signature: Bytes,
}

/// What a hub signs when it takes a ballot (a domain apart from the
/// server's receipts, which only the server's key makes).
pub fn hub_receipt_message(ballot_hash: &[u8], seq: u32, at: DateTime<Utc>) -> Vec<u8> {
    let mut message = b"ecabinet/ballot-hub-receipt/v1\0".to_vec();
    message.extend_from_slice(&(ballot_hash.len() as u32).to_be_bytes());
    message.extend_from_slice(ballot_hash);
    message.extend_from_slice(&seq.to_be_bytes());
    message.extend_from_slice(&at.timestamp_millis().to_be_bytes());
    message
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restricted_item_is_heard_by_its_audience_and_others_by_everyone() {
        let (restricted, open) = (AgendaItemId::new(), AgendaItemId::new());
        let persons = vec![PersonId::new(), PersonId::new()];
        let info = RoomInfo {
            meeting: MeetingId::new(),
            facts: SessionFacts {
                meeting: MeetingId::new(),
                chair: None,
                items: Vec::new(),
            },
            devices: Vec::new(),
            hub: None,
            server_key: String::new(),
            voting: RoomVoting::default(),
            voice_slots: 4,
            audiences: vec![ItemAudience {
                item: restricted,
                persons: persons.clone(),
            }],
        };
        assert_eq!(info.voice_audience(Some(restricted)), Some(persons));
        assert_eq!(info.voice_audience(Some(open)), None);
        assert_eq!(info.voice_audience(None), None);
    }
}
