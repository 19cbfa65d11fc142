//! Operations: every change a device makes on its own (an annotation edit,
//! later positions, opinions and ballots) is an [`Op`], saved to the device's
//! outbox before the person is told "saved", pushed in signed batches, and
//! numbered by the server into the organisation's change stream.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::ids::{AnnotationId, DeviceId, DocumentId, OpId, PersonKeyId};

/// Opaque bytes: base64url text in JSON, raw bytes in the binary encoding.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Bytes(pub Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(value: Vec<u8>) -> Self {
        Self(value)
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        if serializer.is_human_readable() {
            serializer
                .serialize_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&self.0))
        } else {
            serializer.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl<'de> Visitor<'de> for BytesVisitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes or base64url text")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Bytes, E> {
                use base64::Engine as _;
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(text)
                    .map(Bytes)
                    .map_err(E::custom)
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(bytes.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(bytes))
            }
        }
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(BytesVisitor)
        } else {
            deserializer.deserialize_byte_buf(BytesVisitor)
        }
    }
}

/// In the API's description, what the JSON encoding sends: a string (the
/// derived schema would say an array of numbers).
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Bytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Za-z0-9_-]*$"))
            .description(Some(
                "Opaque bytes (a key, a signature, a nonce, sealed data) as unpadded base64url text.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Bytes {}

/// A hybrid logical clock reading: wall-clock milliseconds in the high 48
/// bits, a counter in the low 16. Orders events like time does, and still
/// orders events made within one millisecond or on a clock that went back.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Hlc(pub u64);

/// A remote clock more than this far ahead of ours is not believed.
pub const MAX_CLOCK_SKEW_MS: u64 = 60_000;

impl Hlc {
    const COUNTER_BITS: u32 = 16;

    pub fn new(millis: u64, counter: u16) -> Self {
        Self((millis << Self::COUNTER_BITS) | u64::from(counter))
    }

    pub fn millis(&self) -> u64 {
        self.0 >> Self::COUNTER_BITS
    }

    pub fn counter(&self) -> u16 {
        (self.0 & 0xffff) as u16
    }

    /// The smallest reading after this one.
    pub fn successor(&self) -> Self {
        Self(self.0.saturating_add(1))
    }

    pub fn to_time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::from_timestamp_millis(i64::try_from(self.millis()).ok()?)
    }

    /// This reading, or the latest one a peer may claim at `now_ms`; the
    /// bool says whether it had to be clamped.
    pub fn clamped(self, now_ms: u64) -> (Self, bool) {
        let limit = Self::new(now_ms.saturating_add(MAX_CLOCK_SKEW_MS), 0);
        if self > limit {
            (limit, true)
        } else {
            (self, false)
        }
    }
}

/// A device's clock: every local event gets a reading greater than every
/// reading this device has made or seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HlcClock {
    pub last: Hlc,
}

impl HlcClock {
    /// The reading for a new local event at wall-clock `now_ms`.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        let next = Hlc::new(now_ms, 0).max(self.last.successor());
        self.last = next;
        next
    }

    /// Takes a remote reading into account. A reading too far in the future
    /// is clamped (the caller logs it) so one bad clock cannot drag every
    /// device's clock ahead; returns whether that happened.
    pub fn observe(&mut self, remote: Hlc, now_ms: u64) -> bool {
        let (remote, clamped) = remote.clamped(now_ms);
        self.last = self.last.max(remote);
        clamped
    }
}

/// One change made on one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Op {
    pub id: OpId,
    pub device_id: DeviceId,
    /// 1, 2, 3… per device: the order the device made its ops in.
    pub device_seq: u64,
    pub hlc: Hlc,
    pub body: OpBody,
}

/// What an op changes. Externally tagged, which both JSON and the binary
/// push encoding support.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OpBody {
    Annotation(AnnotationOp),
    Ballot(BallotOp),
    Position(PositionOp),
    Opinion(OpinionOp),
    OpinionDraft(OpinionDraftOp),
    Command(CommandOp),
}

/// A command the server carries out when it arrives (the secretariat's
/// meeting, agenda, vote and opinion work, a member's check-in), made on a
/// device that may be offline. Ids of what it creates are chosen on the
/// device, so later commands, offline too, can name them, and a replay
/// finds the thing already made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommandOp {
    /// What the command is about (the meeting, item, motion or request).
    pub entity: Uuid,
    /// The [`Command`] as JSON: commands are rare and small, and JSON reads
    /// every API type (postcard cannot read internally tagged enums). An
    /// externally tagged object, e.g. `{"close_motion": {"motion_id": …}}`;
    /// the server parses it and answers per op.
    pub json: String,
}

/// What a [`CommandOp`] asks the server to do.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    CreateMeeting {
        meeting_id: crate::MeetingId,
        request: crate::api::CreateMeetingRequest,
    },
    UpdateMeeting {
        meeting_id: crate::MeetingId,
        request: crate::api::UpdateMeetingRequest,
    },
    AddAgendaItem {
        item_id: crate::AgendaItemId,
        meeting_id: crate::MeetingId,
        request: crate::api::AddAgendaItemRequest,
    },
    SetItemAccess {
        item_id: crate::AgendaItemId,
        only: Option<Vec<crate::PersonId>>,
    },
    UpdateAgendaItem {
        item_id: crate::AgendaItemId,
        request: crate::api::UpdateAgendaItemRequest,
    },
    MoveAgendaItem {
        item_id: crate::AgendaItemId,
        position: i32,
    },
    OpenMotion {
        motion_id: crate::MotionId,
        item_id: crate::AgendaItemId,
        request: crate::api::OpenMotionRequest,
    },
    CloseMotion {
        motion_id: crate::MotionId,
    },
    RequestOpinions {
        request_id: crate::OpinionRequestId,
        item_id: crate::AgendaItemId,
        request: crate::api::RequestOpinionsRequest,
    },
    RecordAttendance {
        meeting_id: crate::MeetingId,
        person_id: crate::PersonId,
        presence: crate::voting::Presence,
    },
    Adopt {
        meeting_id: crate::MeetingId,
        items: Option<Vec<crate::AgendaItemId>>,
    },
    /// Publishes a document version whose sealed chunks the device uploads
    /// just before it pushes this command.
    PublishDocument {
        document_id: crate::DocumentId,
        version: u32,
        request: crate::api::PublishDocumentRequest,
    },
    /// An enrolment code made on the device: for a new person (`name` and
    /// `role`, under the id chosen here) or another device of `person_id`.
    /// Only the code's SHA-256 travels; it works once the server has it.
    Invite {
        person_id: crate::PersonId,
        name: Option<String>,
        role: Option<crate::model::Role>,
        code_sha256: String,
    },
    RevokeDevice {
        device_id: crate::DeviceId,
    },
    /// This device opened a document version for the first time (the
    /// secretariat's read receipts); made offline too, sent with the next sync.
    DocumentOpened {
        document_id: crate::DocumentId,
        version: u32,
        opened_at: chrono::DateTime<chrono::Utc>,
    },
}

impl Command {
    /// The thing the command is about.
    pub fn entity(&self) -> Uuid {
        match self {
            Command::CreateMeeting { meeting_id, .. }
            | Command::UpdateMeeting { meeting_id, .. }
            | Command::RecordAttendance { meeting_id, .. }
            | Command::Adopt { meeting_id, .. } => meeting_id.0,
            Command::AddAgendaItem { item_id, .. }
            | Command::SetItemAccess { item_id, .. }
            | Command::UpdateAgendaItem { item_id, .. }
            | Command::MoveAgendaItem { item_id, .. } => item_id.0,
            Command::OpenMotion { motion_id, .. } | Command::CloseMotion { motion_id } => {
                motion_id.0
            }
            Command::RequestOpinions { request_id, .. } => request_id.0,
            Command::PublishDocument { document_id, .. } => document_id.0,
            Command::Invite { person_id, .. } => person_id.0,
            Command::RevokeDevice { device_id } => device_id.0,
            Command::DocumentOpened { document_id, .. } => document_id.0,
        }
    }

    pub fn to_op(&self) -> Result<CommandOp, serde_json::Error> {
        Ok(CommandOp {
            entity: self.entity(),
            json: serde_json::to_string(self)?,
        })
    }
}

impl CommandOp {
    pub fn command(&self) -> Result<Command, serde_json::Error> {
        serde_json::from_str(&self.json)
    }
}

/// A draft of a written opinion: private to its author's devices, sealed
/// under a key of its own that is wrapped with one of the author's person keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionDraftOp {
    pub request_id: crate::OpinionRequestId,
    pub key: PersonKeyWrap,
    /// The draft (choice, comment), sealed.
    pub sealed: Bytes,
}

/// A submitted written opinion, signed on its own (see
/// [`crate::opinions::response_message`]); the signer is the pushing device's person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionOp {
    pub request_id: crate::OpinionRequestId,
    /// The member the response is from (the signer, or whom they substitute for).
    pub respondent: crate::PersonId,
    pub choice: String,
    pub comment: String,
    pub annotations: Vec<crate::AnnotationId>,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub nonce: Bytes,
    pub signature: Bytes,
}

impl OpinionOp {
    /// The response as signed by `signer` on `device`.
    pub fn response(
        &self,
        signer: crate::PersonId,
        device: crate::DeviceId,
    ) -> crate::opinions::OpinionResponse {
        crate::opinions::OpinionResponse {
            request_id: self.request_id,
            respondent: self.respondent,
            signer,
            device_id: device,
            choice: self.choice.clone(),
            comment: self.comment.clone(),
            annotations: self.annotations.clone(),
            submitted_at: self.submitted_at,
            nonce: self.nonce.clone(),
            signature: self.signature.clone(),
        }
    }
}

/// A member's position on an agenda item before the meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PositionOp {
    pub agenda_item_id: crate::AgendaItemId,
    pub stance: crate::positions::Stance,
}

impl OpBody {
    pub fn kind(&self) -> &'static str {
        match self {
            OpBody::Annotation(_) => "annotation",
            OpBody::Ballot(_) => "ballot",
            OpBody::Position(_) => "position",
            OpBody::Opinion(_) => "opinion",
            OpBody::OpinionDraft(_) => "opinion_draft",
            OpBody::Command(_) => "command",
        }
    }

    pub fn entity_id(&self) -> Uuid {
        match self {
            OpBody::Annotation(op) => op.annotation_id.0,
            OpBody::Ballot(op) => op.motion_id.0,
            OpBody::Position(op) => op.agenda_item_id.0,
            OpBody::Opinion(op) => op.request_id.0,
            OpBody::OpinionDraft(op) => op.request_id.0,
            OpBody::Command(op) => op.entity,
        }
    }
}

/// A vote, signed on its own (see [`crate::voting::ballot_message`]) so it
/// can be verified one by one after export, whatever batch carried it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotOp {
    pub motion_id: crate::MotionId,
    pub voter: crate::PersonId,
    pub choice: String,
    pub cast_at: chrono::DateTime<chrono::Utc>,
    pub nonce: Bytes,
    pub signature: Bytes,
}

/// Who may read an annotation besides its author's own devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShareScope {
    /// Only the author's devices.
    Private,
    /// The author and the secretariat.
    Secretariat,
    /// Everyone who may read the document.
    Participants,
}

impl ShareScope {
    pub fn as_str(&self) -> &'static str {
        match self {
            ShareScope::Private => "private",
            ShareScope::Secretariat => "secretariat",
            ShareScope::Participants => "participants",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "private" => Some(ShareScope::Private),
            "secretariat" => Some(ShareScope::Secretariat),
            "participants" => Some(ShareScope::Participants),
            _ => None,
        }
    }
}

impl std::str::FromStr for ShareScope {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text).ok_or_else(|| {
            format!("{text:?} is not a sharing choice: use private, secretariat or participants")
        })
    }
}

/// A document version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentRef {
    pub id: DocumentId,
    pub version: u32,
}

/// The annotation's own key, sealed under one of its author's person keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonKeyWrap {
    pub person_key_id: PersonKeyId,
    pub sealed: Bytes,
}

/// An edit of one annotation. The fields it sets are sealed with the
/// annotation's own key; the server sees only which document it is on and
/// who may read it, which it needs to route the op.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnotationOp {
    pub annotation_id: AnnotationId,
    /// On the op that creates the annotation: the version it was made on.
    pub document: Option<DocumentRef>,
    /// Set when this op changes who may read the annotation.
    pub share: Option<ShareScope>,
    /// On the creating op: the annotation key for the author's devices.
    pub person_wrap: Option<PersonKeyWrap>,
    /// When shared: the annotation key sealed under a key derived from the
    /// document version's content key, which every reader of it holds.
    pub share_wrap: Option<Bytes>,
    /// The [`crate::annotation::AnnotationFields`] this op sets, sealed.
    pub sealed: Bytes,
}

/// What the server answered for one op.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OpResult {
    /// Stored as change `seq`, with the clock reading the server kept (a
    /// reading too far in the future is clamped).
    Accepted {
        seq: i64,
        hlc: Hlc,
    },
    Rejected {
        code: String,
        reason: String,
    },
}

/// A device's push: its ops, encoded once, and one signature over them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushBatch {
    pub device_id: DeviceId,
    /// The binary encoding of `Vec<Op>`; signed as sent, so the server never
    /// has to re-encode to check the signature.
    pub ops: Bytes,
    pub signature: Bytes,
}

/// The answer to a push: one result per op, in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<OpResult>,
}

/// The message a device signs for a push: domain-separated, bound to the
/// device, over the hash of the encoded ops.
pub fn push_signing_message(device: DeviceId, ops_hash: &[u8; 32]) -> Vec<u8> {
    let mut message = b"ecabinet/push-batch/v1\0".to_vec();
    message.extend_from_slice(device.0.as_bytes());
    message.extend_from_slice(ops_hash);
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hlc_orders_by_time_then_counter() {
        assert!(Hlc::new(10, 5) < Hlc::new(11, 0));
        assert!(Hlc::new(10, 5) < Hlc::new(10, 6));
        assert_eq!(Hlc::new(1234, 7).millis(), 1234);
        assert_eq!(Hlc::new(1234, 7).counter(), 7);
    }

    #[test]
    fn the_clock_never_goes_back_even_when_the_wall_clock_does() {
        let mut clock = HlcClock::default();
        let a = clock.tick(1_000);
        let b = clock.tick(1_000);
        let c = clock.tick(900);
        assert!(a < b && b < c, "{a:?} {b:?} {c:?}");
        assert_eq!(clock.tick(2_000), Hlc::new(2_000, 0));
    }

    #[test]
    fn a_remote_reading_moves_the_clock_forward() {
        let mut clock = HlcClock::default();
        assert!(!clock.observe(Hlc::new(5_000, 3), 4_000));
        assert!(clock.tick(4_000) > Hlc::new(5_000, 3));
    }

    #[test]
    fn a_remote_clock_far_in_the_future_is_clamped() {
        let mut clock = HlcClock::default();
        let now = 1_000_000;
        assert!(clock.observe(Hlc::new(now + 10 * MAX_CLOCK_SKEW_MS, 0), now));
        assert_eq!(clock.last, Hlc::new(now + MAX_CLOCK_SKEW_MS, 0));
        let (kept, clamped) = Hlc::new(now + 5, 0).clamped(now);
        assert!(!clamped);
        assert_eq!(kept, Hlc::new(now + 5, 0));
    }

    #[test]
    fn bytes_are_text_in_json() {
        let bytes = Bytes(vec![0, 1, 2, 250]);
        let json = serde_json::to_string(&bytes).expect("json");
        assert_eq!(json, "\"AAEC-g\"");
        let back: Bytes = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, bytes);
    }

    #[test]
    fn share_scopes_parse_with_a_helpful_error() {
        assert_eq!("Participants".parse(), Ok(ShareScope::Participants));
        let error = "everyone".parse::<ShareScope>().expect_err("not a scope");
        assert!(
            error.contains("private, secretariat or participants"),
            "{error}"
        );
    }
}
