//! The JSON bodies of the HTTP API, shared by the server and the client engine
//! so the two can never disagree on a field name. Binary values (keys,
//! signatures, challenges) travel as unpadded base64url text.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::change::Change;
use crate::ids::{DeviceId, DocumentId, PersonId};
use crate::model::{Organisation, Person};

/// Current API generation, in every path: `/v1/...`.
pub const API_VERSION: &str = "v1";

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// `POST /v1/enroll`: a new device presents a one-time code and its public keys.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollRequest {
    pub code: String,
    pub device_name: String,
    /// Ed25519 public key, 32 bytes.
    pub signing_public_key: String,
    /// X25519 public key, 32 bytes.
    pub agreement_public_key: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollResponse {
    pub device_id: DeviceId,
    pub person: Person,
    pub organisation: Organisation,
    /// The server's Ed25519 public key; the client pins it.
    pub server_signing_key: String,
    /// The server's signature over [`enrolment_receipt_message`].
    pub receipt_signature: String,
}

/// `POST /v1/auth/challenge`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChallengeRequest {
    pub device_id: DeviceId,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChallengeResponse {
    /// 32 random bytes, base64url: the device signs [`auth_challenge_message`] over them.
    pub challenge: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST /v1/auth/token`: the device proves it holds its signing key.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRequest {
    pub device_id: DeviceId,
    pub challenge: String,
    /// Signature over [`auth_challenge_message`].
    pub signature: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// The session token, base64url: sent as `Authorization: Bearer TOKEN`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// `GET /v1/changes?since=N&limit=M`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// The cursor to ask from next time: the last seq in `changes`, or `since`.
    pub next_cursor: i64,
    /// True when the page was full and more changes wait.
    pub has_more: bool,
}

/// `POST /v1/meetings`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateMeetingRequest {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    #[serde(default)]
    pub details: crate::model::MeetingDetails,
    /// Created as a draft: the secretariat only, until published.
    #[serde(default)]
    pub draft: bool,
}

/// A create request with the id the client chose for what it creates
/// (creating twice then returns the first); without one the server picks.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithId<I, T> {
    /// The id the client chose (a UUID); absent or null: the server picks one.
    #[serde(default)]
    // Every `I` is an id newtype over a UUID; said so, the field keeps its
    // own description and may be null, which a generic field would lose.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Option<I>,
    #[serde(flatten)]
    pub request: T,
}

/// `PATCH /v1/meetings/{id}`: only the fields given change.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMeetingRequest {
    pub title: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub status: Option<crate::model::MeetingStatus>,
    #[serde(default)]
    pub details: Option<crate::model::MeetingDetails>,
}

/// An agenda item's new title or details (status included); only what is given changes.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UpdateAgendaItemRequest {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub details: Option<crate::model::ItemDetails>,
}

/// `POST /v1/meetings/{id}/agenda`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddAgendaItemRequest {
    pub title: String,
    /// `None`: all participants; `Some(list)`: only these persons (and the secretariat).
    #[serde(default)]
    pub only: Option<Vec<PersonId>>,
    #[serde(default)]
    pub details: crate::model::ItemDetails,
}

/// `PUT /v1/agenda/{item}/access`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetItemAccessRequest {
    /// `None`: all participants; `Some(list)`: only these persons (and the secretariat).
    pub only: Option<Vec<PersonId>>,
}

/// One device that may receive document keys (`GET /v1/recipients`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recipient {
    pub device_id: DeviceId,
    pub person_id: PersonId,
    /// X25519 public key, base64url.
    pub agreement_public_key: String,
}

/// A device still waiting for one document version's key (`GET /v1/pending-keys`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingKey {
    pub document_id: DocumentId,
    pub version: u32,
    pub device_id: DeviceId,
    pub person_id: PersonId,
    /// X25519 public key, base64url.
    pub agreement_public_key: String,
}

/// A content key wrapped for one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceKeyEnvelope {
    pub device_id: DeviceId,
    /// The sender's one-time X25519 public key, base64url.
    pub ephemeral_public: String,
    /// The key sealed (AES-256-GCM) under a key agreed with the device's
    /// X25519 key and bound to what it opens, base64url.
    pub ciphertext: String,
}

/// `GET /v1/documents/{id}/versions/{v}/upload` (secretariat): what the server
/// already holds of a version being uploaded, so an interrupted upload resumes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadState {
    /// Published already: nothing more to send.
    pub published: bool,
    /// Chunks stored so far: (index, SHA-256 of the sealed chunk, base64url).
    pub chunks: Vec<(u32, String)>,
}

/// `POST /v1/documents`: publishes a version whose chunks are all uploaded.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishDocumentRequest {
    /// The manifest's JSON, exactly as signed: the text of a
    /// `DocumentManifest`, kept byte for byte (it is not re-encoded).
    pub manifest: String,
    /// The uploading device's Ed25519 signature over the manifest
    /// (domain-separated), base64url.
    pub signature: String,
    /// The version's content key, wrapped for each device that may read it.
    pub keys: Vec<DeviceKeyEnvelope>,
}

/// `POST /v1/invites` (secretariat): a new person, or a new device of an existing one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteRequest {
    pub name: Option<String>,
    pub role: Option<crate::model::Role>,
    pub person_id: Option<PersonId>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteResponse {
    pub person: Person,
    /// The one-time code, shown once.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// `GET /v1/policy`: rules the organisation sets for its devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevicePolicy {
    /// A meeting's documents are erased from devices this many days after it.
    pub cache_days_after_meeting: u32,
    /// The most a device keeps in its document cache, in bytes.
    pub cache_cap_bytes: u64,
    /// A device that has not reached the server for this many days locks
    /// its cache until it does (0: never).
    #[serde(default = "default_lease_days")]
    pub offline_lease_days: u32,
}

fn default_lease_days() -> u32 {
    14
}

impl Default for DevicePolicy {
    fn default() -> Self {
        Self {
            cache_days_after_meeting: 30,
            cache_cap_bytes: 4 * 1024 * 1024 * 1024,
            offline_lease_days: default_lease_days(),
        }
    }
}

/// One of a person's devices (`GET /v1/devices`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceSummary {
    pub id: DeviceId,
    pub name: String,
    pub enrolled_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The device asking.
    pub this_device: bool,
}

/// One entry of the server's audit log, as `GET /v1/audit` lists it: ids,
/// routes and outcomes only, never a document's or a note's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Its place in the chain, from 1.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub organisation_id: Option<crate::OrganisationId>,
    /// Who asked (None: unauthenticated requests and the server's own actions).
    pub person_id: Option<crate::PersonId>,
    pub device_id: Option<crate::DeviceId>,
    /// `POST /v1/ops` (the method and the route), or a server action
    /// (`revoke`, `backup`).
    pub action: String,
    /// The request's path (ids only), or what the action was about.
    pub object: String,
    /// `200`, or the status and the error's code (`403 forbidden`).
    pub outcome: String,
    /// The request's `x-request-id`, which its log lines carry too.
    pub request_id: Option<String>,
    /// SHA-256 over the previous entry's hash and this entry's fields, hex.
    pub hash: String,
}

/// Who has opened a document version, first time per device (the
/// secretariat's read receipts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentReader {
    pub person_id: crate::PersonId,
    pub person_name: String,
    pub device_id: crate::DeviceId,
    /// When the device opened it (its own clock, as it reported it).
    pub opened_at: DateTime<Utc>,
    /// When the server heard of it (offline devices report later).
    pub reported_at: DateTime<Utc>,
}

/// The most entries one answer of `GET /v1/audit` holds.
pub const AUDIT_PAGE: usize = 5_000;

/// Which entries of the audit log to list (members: their own only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditQuery {
    pub person: Option<crate::PersonId>,
    pub device: Option<crate::DeviceId>,
    pub since: Option<DateTime<Utc>>,
    /// Entries after this place (paging); at most 5,000 per answer.
    pub after: Option<i64>,
}

/// Every error body the server sends: a stable machine code and a sentence
/// for the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable code the client branches on (`bad_request`, `invalid_input`,
    /// `unauthenticated`, `device_revoked`, `forbidden`, `not_found`,
    /// `conflict`, `too_large`, `internal`, and the more precise codes each
    /// operation lists with its answers).
    #[cfg_attr(feature = "openapi", schema(example = "not_found"))]
    pub code: String,
    /// A sentence the person can act on (English; clients may show their
    /// own by `code`).
    #[cfg_attr(feature = "openapi", schema(example = "meeting not found"))]
    pub message: String,
}

/// What a device signs to obtain a session token. Domain-separated so a
/// signature made for one purpose can never be replayed for another.
pub fn auth_challenge_message(device_id: DeviceId, challenge: &[u8]) -> Vec<u8> {
    let mut message = b"ecabinet/auth-challenge/v1\0".to_vec();
    message.extend_from_slice(device_id.as_uuid().as_bytes());
    message.extend_from_slice(challenge);
    message
}

/// What the server signs when it enrols a device: the binding between the
/// device id, its person and its two public keys.
pub fn enrolment_receipt_message(
    device_id: DeviceId,
    person_id: PersonId,
    signing_public_key: &[u8],
    agreement_public_key: &[u8],
) -> Vec<u8> {
    let mut message = b"ecabinet/enrolment-receipt/v1\0".to_vec();
    message.extend_from_slice(device_id.as_uuid().as_bytes());
    message.extend_from_slice(person_id.as_uuid().as_bytes());
    for key in [signing_public_key, agreement_public_key] {
        message.extend_from_slice(&(key.len() as u32).to_be_bytes());
        message.extend_from_slice(key);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn signed_messages_are_domain_separated_and_stable() {
        let device = DeviceId(Uuid::nil());
        let person = PersonId(Uuid::nil());
        let auth = auth_challenge_message(device, b"xyz");
        let receipt = enrolment_receipt_message(device, person, b"xyz", b"");
        assert_ne!(auth, receipt);
        assert!(auth.starts_with(b"ecabinet/auth-challenge/v1\0"));
        // Length prefixes keep ("ab","c") and ("a","bc") apart.
        assert_ne!(
            enrolment_receipt_message(device, person, b"ab", b"c"),
            enrolment_receipt_message(device, person, b"a", b"bc")
        );
        assert_eq!(auth.len(), 27 + 16 + 3);
    }
}

/// One of a person's keys, wrapped for one of that person's devices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonKeyEnvelope {
    pub key_id: crate::PersonKeyId,
    pub device_id: DeviceId,
    pub ephemeral_public: String,
    pub ciphertext: String,
}

/// An active device of the caller's own person, with the key to wrap for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiblingDevice {
    pub device_id: DeviceId,
    pub agreement_public_key: String,
}

/// `GET /v1/person-keys`: the caller's person's wrapped keys and active devices,
/// so each device can open its own envelopes and wrap the keys its
/// siblings still lack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonKeys {
    pub envelopes: Vec<PersonKeyEnvelope>,
    pub devices: Vec<SiblingDevice>,
}

/// `POST /v1/person-keys`: envelopes for the caller's own person's devices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddPersonKeysRequest {
    pub envelopes: Vec<PersonKeyEnvelope>,
}

/// The context a person key is wrapped under: bound to the person and the key.
pub fn person_key_context(person: PersonId, key: crate::PersonKeyId) -> Vec<u8> {
    let mut context = b"ecabinet/person-key/v1\0".to_vec();
    context.extend_from_slice(person.0.as_bytes());
    context.extend_from_slice(key.0.as_bytes());
    context
}

/// What the server's event socket (`GET /v1/events`) says: the organisation's
/// change stream has reached `cursor`; pull if you are behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Poke {
    pub cursor: i64,
}

/// `POST /v1/agenda/{item}/motions` (secretariat): puts a question to the vote.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenMotionRequest {
    pub question: String,
    /// Default: yes, no, abstain. The first option carries the motion.
    #[serde(default)]
    pub options: Option<Vec<String>>,
    pub rule: crate::voting::MajorityRule,
    pub base: crate::voting::MajorityBase,
    #[serde(default)]
    pub quorum: Option<u32>,
    /// Closes by itself then, if set.
    #[serde(default)]
    pub closes_at: Option<DateTime<Utc>>,
}

/// `PUT /v1/meetings/{meeting}/attendance/{person}`: the secretariat records
/// anyone's attendance; a member may check themselves in (present or remote).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceRequest {
    pub presence: crate::voting::Presence,
}

/// A voting device's public key, for re-verifying its ballots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoterDevice {
    pub device_id: DeviceId,
    pub person_id: PersonId,
    pub signing_public_key: String,
}

/// `GET /v1/motions/{motion}/export`: everything needed to recount a closed
/// motion without trusting the server: every accepted ballot with its
/// receipt, the voters' device keys; the server's key is pinned by clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MotionExportView {
    pub motion: crate::voting::Motion,
    pub ballots: Vec<crate::voting::CountedBallot>,
    pub devices: Vec<VoterDevice>,
    pub server_signing_key: String,
}

/// `POST /v1/meetings/{meeting}/adopt` (chair/secretariat): adopts items
/// without discussion; `None` adopts every item proposed for it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdoptRequest {
    #[serde(default)]
    pub items: Option<Vec<crate::AgendaItemId>>,
}

/// `POST /v1/agenda/{item}/opinions` (secretariat): asks for written opinions.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestOpinionsRequest {
    pub question: String,
    pub deadline: DateTime<Utc>,
    /// Default: every member.
    #[serde(default)]
    pub recipients: Option<Vec<PersonId>>,
    /// Default: agree, disagree, agree with comments.
    #[serde(default)]
    pub answers: Option<Vec<String>>,
    /// Default: the item's documents.
    #[serde(default)]
    pub documents: Option<Vec<DocumentId>>,
    #[serde(default)]
    pub mandates: Vec<crate::opinions::Mandate>,
    #[serde(default)]
    pub reminders: Vec<DateTime<Utc>>,
}

/// `GET /v1/opinions/{request}/status` (secretariat): the status and the
/// signing keys of the devices that answered, to check every signature.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionStatusView {
    pub status: crate::opinions::OpinionStatus,
    pub devices: Vec<VoterDevice>,
}

/// `POST /v1/agenda/{item}/move` (secretariat): moves an item to a position (from 1).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveAgendaItemRequest {
    pub position: i32,
}
