//! The meeting in session: an ordered, hash-chained log of signed live
//! events per meeting. A device signs what it does ([`LiveEvent`]); the
//! server (the orderer) checks it against the rules in [`rules`], numbers it,
//! chains it to the event before it and countersigns the link
//! ([`OrderedLiveEvent`]). Every device folds the log into the same
//! [`rules::SessionState`], so the live view is derived, never sent.
//!
//! Nothing here performs IO or hashing: the byte encodings are defined here
//! and hashed/signed by the callers (ring lives in `ecabinet-crypto`).

pub mod minutes;
pub mod room;
pub mod rules;
pub mod speakers;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{AgendaItemId, DeviceId, DocumentId, MeetingId, MotionId, PersonId};
use crate::ops::Bytes;
use crate::voting::{Presence, Tally};

/// Speaking time per item unless the chair sets another.
pub const DEFAULT_SPEAKING_SECONDS: u32 = 5 * 60;
/// Longest speaking time the chair may set.
pub const MAX_SPEAKING_SECONDS: u32 = 60 * 60;
/// Longest note on an item's outcome.
pub const MAX_NOTE_CHARS: usize = 2_000;
/// How far a device's clock may be from the orderer's when it signs an event.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 10 * 60;

/// Identifies one live event (chosen by the device that makes it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct LiveEventId(pub Uuid);

impl LiveEventId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl Default for LiveEventId {
    fn default() -> Self {
        Self::new()
    }
}

/// Identifies one request for the floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct FloorRequestId(pub Uuid);

impl FloorRequestId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl Default for FloorRequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for FloorRequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What a member asks the floor for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpeechKind {
    /// An ordinary contribution: at the end of the list.
    Speech,
    /// A point of order: before everyone else waiting.
    PointOfOrder,
    /// A reply to the current speaker: right after them.
    Reply,
}

impl SpeechKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            SpeechKind::Speech => "speech",
            SpeechKind::PointOfOrder => "point-of-order",
            SpeechKind::Reply => "reply",
        }
    }

    /// Lower ranks speak first; requests of one rank speak in order.
    pub fn rank(&self) -> u8 {
        match self {
            SpeechKind::PointOfOrder => 0,
            SpeechKind::Reply => 1,
            SpeechKind::Speech => 2,
        }
    }
}

impl std::str::FromStr for SpeechKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "speech" => Ok(SpeechKind::Speech),
            "point-of-order" | "order" => Ok(SpeechKind::PointOfOrder),
            "reply" => Ok(SpeechKind::Reply),
            _ => Err(format!(
                "{text:?} is not a kind of request: use speech, point-of-order or reply"
            )),
        }
    }
}

/// How the chair closed an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    Adopted,
    Deferred,
    Withdrawn,
    Noted,
}

impl ItemOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            ItemOutcome::Adopted => "adopted",
            ItemOutcome::Deferred => "deferred",
            ItemOutcome::Withdrawn => "withdrawn",
            ItemOutcome::Noted => "noted",
        }
    }
}

impl std::str::FromStr for ItemOutcome {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "adopted" => Ok(ItemOutcome::Adopted),
            "deferred" => Ok(ItemOutcome::Deferred),
            "withdrawn" => Ok(ItemOutcome::Withdrawn),
            "noted" => Ok(ItemOutcome::Noted),
            _ => Err(format!(
                "{text:?} is not an outcome: use adopted, deferred, withdrawn or noted"
            )),
        }
    }
}

/// What happened in the room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEventBody {
    SessionStarted,
    ItemTakenUp {
        item: AgendaItemId,
    },
    FloorRequested {
        request: FloorRequestId,
        item: AgendaItemId,
        kind: SpeechKind,
    },
    FloorWithdrawn {
        request: FloorRequestId,
    },
    FloorGiven {
        request: FloorRequestId,
    },
    /// Ends the current speech on the item.
    FloorEnded {
        item: AgendaItemId,
    },
    SpeakingTimeSet {
        item: AgendaItemId,
        seconds: u32,
    },
    PresenterPage {
        item: AgendaItemId,
        document: DocumentId,
        version: u32,
        page: u32,
        zoom_percent: u32,
    },
    Attendance {
        person: PersonId,
        presence: Presence,
    },
    MotionOpened {
        motion: MotionId,
        item: AgendaItemId,
        question: String,
    },
    MotionClosed {
        motion: MotionId,
        tally: Option<Tally>,
    },
    ItemOutcome {
        item: AgendaItemId,
        outcome: ItemOutcome,
        note: Option<String>,
    },
    SessionSuspended,
    SessionResumed,
    SessionEnded,
    /// The room hub orders the log from here on, because it could not reach
    /// the server: signed by the hub's device (the chair's or the
    /// secretariat's), ordered by that device, right after `after_seq`, the
    /// last event the server ordered.
    HubTookOver {
        epoch: u32,
        after_seq: u32,
    },
    /// The last event of the hub's segment: the server orders again from the
    /// next one.
    HubHandedBack {
        epoch: u32,
    },
    /// The hub took a member's signed ballot while it ordered the log. The
    /// log names the ballot by its hash only (SHA-256 of its signed bytes,
    /// lowercase hex), so nobody reading the log learns a choice before the
    /// count; the ballot itself goes to the server with the segment.
    BallotTaken {
        motion: MotionId,
        voter: PersonId,
        ballot: String,
    },
    /// The count of a vote closed while the hub ordered the log, made by
    /// the hub, which holds the room's ballots.
    MotionCounted {
        motion: MotionId,
        tally: Tally,
    },
    /// The chair opens or closes a member's microphone (the member with the
    /// floor and the chair are heard unless closed; the others only if opened).
    MicrophoneSet {
        person: PersonId,
        open: bool,
    },
}

impl LiveEventBody {
    pub fn kind(&self) -> &'static str {
        match self {
            LiveEventBody::SessionStarted => "session_started",
            LiveEventBody::ItemTakenUp { .. } => "item_taken_up",
            LiveEventBody::FloorRequested { .. } => "floor_requested",
            LiveEventBody::FloorWithdrawn { .. } => "floor_withdrawn",
            LiveEventBody::FloorGiven { .. } => "floor_given",
            LiveEventBody::FloorEnded { .. } => "floor_ended",
            LiveEventBody::SpeakingTimeSet { .. } => "speaking_time_set",
            LiveEventBody::PresenterPage { .. } => "presenter_page",
            LiveEventBody::Attendance { .. } => "attendance",
            LiveEventBody::MotionOpened { .. } => "motion_opened",
            LiveEventBody::MotionClosed { .. } => "motion_closed",
            LiveEventBody::ItemOutcome { .. } => "item_outcome",
            LiveEventBody::SessionSuspended => "session_suspended",
            LiveEventBody::SessionResumed => "session_resumed",
            LiveEventBody::SessionEnded => "session_ended",
            LiveEventBody::HubTookOver { .. } => "hub_took_over",
            LiveEventBody::HubHandedBack { .. } => "hub_handed_back",
            LiveEventBody::BallotTaken { .. } => "ballot_taken",
            LiveEventBody::MotionCounted { .. } => "motion_counted",
            LiveEventBody::MicrophoneSet { .. } => "microphone_set",
        }
    }
}

/// A live event as its device signs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveEvent {
    pub id: LiveEventId,
    pub meeting_id: MeetingId,
    pub device_id: DeviceId,
    /// The person whose device made it.
    pub author: PersonId,
    /// The device's clock, in whole milliseconds (informative; the order and
    /// the timers use the orderer's time).
    pub made_at: DateTime<Utc>,
    pub body: LiveEventBody,
}

impl LiveEvent {
    /// The canonical bytes the device's Ed25519 signature covers:
    /// domain-separated, then the event's JSON (one fixed field order).
    pub fn signing_message(&self) -> Vec<u8> {
        let mut message = b"ecabinet/live-event/v1\0".to_vec();
        // Serialising these derived types cannot fail (no maps with non-string keys).
        message.extend_from_slice(&serde_json::to_vec(self).unwrap_or_default());
        message
    }
}

/// A live event with its device's signature: what a device sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedLiveEvent {
    pub event: LiveEvent,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub signature: Bytes,
}

/// A live event in its place in the meeting's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderedLiveEvent {
    /// Position in the meeting's log, from 1, without gaps.
    pub seq: u32,
    /// The hash of the event before it (32 zero bytes for the first).
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub prev_hash: Bytes,
    /// The orderer's time: every timer counts from it.
    pub at: DateTime<Utc>,
    pub signed: SignedLiveEvent,
    /// SHA-256 of [`OrderedLiveEvent::link_bytes`].
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub hash: Bytes,
    /// The orderer's Ed25519 signature over [`order_message`] of `hash`.
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub orderer_signature: Bytes,
}

impl OrderedLiveEvent {
    /// The bytes whose SHA-256 is this event's hash: the position, the
    /// previous hash, the orderer's time, the signed event and its signature.
    pub fn link_bytes(
        seq: u32,
        prev_hash: &[u8],
        at: DateTime<Utc>,
        signed: &SignedLiveEvent,
    ) -> Vec<u8> {
        let message = signed.event.signing_message();
        let mut bytes = b"ecabinet/live-link/v1\0".to_vec();
        bytes.extend_from_slice(signed.event.meeting_id.0.as_bytes());
        bytes.extend_from_slice(&seq.to_be_bytes());
        bytes.extend_from_slice(&(prev_hash.len() as u32).to_be_bytes());
        bytes.extend_from_slice(prev_hash);
        bytes.extend_from_slice(&at.timestamp_millis().to_be_bytes());
        bytes.extend_from_slice(&(message.len() as u32).to_be_bytes());
        bytes.extend_from_slice(&message);
        bytes.extend_from_slice(&(signed.signature.0.len() as u32).to_be_bytes());
        bytes.extend_from_slice(&signed.signature.0);
        bytes
    }

    pub fn event(&self) -> &LiveEvent {
        &self.signed.event
    }
}

/// What the orderer signs for each event: its hash, domain-separated.
pub fn order_message(hash: &[u8]) -> Vec<u8> {
    let mut message = b"ecabinet/live-order/v1\0".to_vec();
    message.extend_from_slice(hash);
    message
}

/// The hash the first event of a log chains to.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// Rounds a time to whole milliseconds, as every signed time is carried.
pub fn to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at)
}

/// `GET /v1/meetings/{meeting}/session?since=N`: the log after N and the
/// orderer's clock (so viewers count timers from the server's time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionLogPage {
    pub events: Vec<OrderedLiveEvent>,
    pub server_now: DateTime<Utc>,
    /// The signing key of each device that made one of these events, so
    /// anyone can check their signatures (the minutes carry them).
    #[serde(default)]
    pub devices: Vec<crate::api::VoterDevice>,
}

/// What the event socket carries besides cursor pokes: a live event as it
/// was ordered (devices deduplicate by `seq`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveMessage {
    pub live: OrderedLiveEvent,
    /// The event's number in the organisation's change stream: a device
    /// whose replica stands just before it takes the event and moves its
    /// cursor without pulling (the socket then sends no separate poke).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> LiveEvent {
        LiveEvent {
            id: LiveEventId(Uuid::from_u128(1)),
            meeting_id: MeetingId(Uuid::from_u128(2)),
            device_id: DeviceId(Uuid::from_u128(3)),
            author: PersonId(Uuid::from_u128(4)),
            made_at: DateTime::from_timestamp_millis(1_765_000_000_000).expect("a time"),
            body: LiveEventBody::FloorRequested {
                request: FloorRequestId(Uuid::from_u128(5)),
                item: AgendaItemId(Uuid::from_u128(6)),
                kind: SpeechKind::Reply,
            },
        }
    }

    #[test]
    fn the_signed_encoding_is_pinned() {
        // A change here breaks every signature already in a log: bump v1 instead.
        let text = String::from_utf8(event().signing_message()).expect("text");
        assert_eq!(
            text,
            "ecabinet/live-event/v1\0{\"id\":\"00000000-0000-0000-0000-000000000001\",\
             \"meeting_id\":\"00000000-0000-0000-0000-000000000002\",\
             \"device_id\":\"00000000-0000-0000-0000-000000000003\",\
             \"author\":\"00000000-0000-0000-0000-000000000004\",\
             \"made_at\":\"2025-12-06T05:46:40Z\",\
             \"body\":{\"type\":\"floor_requested\",\
             \"request\":\"00000000-0000-0000-0000-000000000005\",\
             \"item\":\"00000000-0000-0000-0000-000000000006\",\"kind\":\"reply\"}}"
        );
    }

    #[test]
    fn links_differ_by_position_previous_hash_time_and_signature() {
        let signed = SignedLiveEvent {
            event: event(),
            signature: Bytes(vec![7; 64]),
        };
        let at = DateTime::from_timestamp_millis(1_765_000_000_500).expect("a time");
        let base = OrderedLiveEvent::link_bytes(1, &GENESIS_HASH, at, &signed);
        assert_ne!(
            base,
            OrderedLiveEvent::link_bytes(2, &GENESIS_HASH, at, &signed)
        );
        assert_ne!(base, OrderedLiveEvent::link_bytes(1, &[1; 32], at, &signed));
        assert_ne!(
            base,
            OrderedLiveEvent::link_bytes(
                1,
                &GENESIS_HASH,
                at + chrono::Duration::milliseconds(1),
                &signed
            )
        );
        let mut other = signed.clone();
        other.signature = Bytes(vec![8; 64]);
        assert_ne!(
            base,
            OrderedLiveEvent::link_bytes(1, &GENESIS_HASH, at, &other)
        );
    }

    #[test]
    fn kinds_and_outcomes_parse_from_command_lines() {
        assert_eq!("point-of-order".parse(), Ok(SpeechKind::PointOfOrder));
        assert_eq!("Reply".parse(), Ok(SpeechKind::Reply));
        assert!("shout".parse::<SpeechKind>().is_err());
        assert_eq!("noted".parse(), Ok(ItemOutcome::Noted));
        assert!("won".parse::<ItemOutcome>().is_err());
    }
}
