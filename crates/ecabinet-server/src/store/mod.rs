//! One storage trait, two backends. The SQL is written once (in `sql.rs`) and
//! instantiated for SQLite and PostgreSQL, which differ only in their
//! migrations and connection set-up; one test story runs against both.

mod audit_sql;
pub use audit_sql::AuditFilter;
mod ops_sql;

/// Most ops stored in one change row (a run of ops with one audience). A
/// pull looks this far back for a run that holds its cursor.
pub(crate) const MAX_RUN_OPS: i64 = 1_024;
mod session_sql;
mod sql;
mod voting_sql;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ecabinet_domain::{
    AgendaItem, AgendaItemId, Change, DeviceId, Document, DocumentId, Meeting, MeetingId,
    Organisation, OrganisationId, Person, PersonId,
};
use thiserror::Error;

pub use sql::{open_store, PostgresStore, SqliteStore};

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A device as the server knows it.
#[derive(Clone, Debug)]
pub struct DeviceRecord {
    pub id: DeviceId,
    pub person_id: PersonId,
    pub name: String,
    pub signing_public_key: Vec<u8>,
    pub agreement_public_key: Vec<u8>,
    pub enrolled_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Whose view of the change stream: everyone sees the organisation-wide
/// changes; a person also sees those of items they are listed on and their
/// own private data; the secretariat sees every item and what is shared with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub person: PersonId,
    pub secretariat: bool,
}

/// A meeting's room hub and how long its last check-in holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomHubLease {
    pub device: DeviceId,
    pub person: PersonId,
    pub lease_until: chrono::DateTime<chrono::Utc>,
}

/// Everything needed to re-verify a motion's tally: the motion, every
/// accepted ballot with its receipt, and the signing key of each device that
/// voted (device, its person, Ed25519 public key).
#[derive(Clone, Debug)]
pub struct MotionExport {
    pub motion: ecabinet_domain::voting::Motion,
    pub ballots: Vec<ecabinet_domain::voting::CountedBallot>,
    pub devices: Vec<(DeviceId, PersonId, Vec<u8>)>,
}

/// Signs ballot receipts with the server's key (the store never holds it).
pub type ReceiptSigner = dyn Fn(&[u8]) -> [u8; 64] + Send + Sync;

/// Where a group commit takes its pushes from. The store asks again after
/// each wave it has decided, so pushes that arrive while a transaction is
/// being prepared join it instead of waiting for the next fsync.
#[async_trait]
pub trait BatchSource: Send {
    /// The pushes that have arrived since the last call, all of one
    /// organisation; empty when the group is complete.
    async fn next_wave(&mut self) -> Vec<VerifiedBatch>;
}

/// A device's push whose signature the service has checked.
#[derive(Clone, Debug)]
pub struct VerifiedBatch {
    pub organisation: OrganisationId,
    pub device: DeviceId,
    pub person: PersonId,
    pub secretary: bool,
    pub ops: Vec<ecabinet_domain::ops::Op>,
}

/// What redeeming an invite found.
#[derive(Debug)]
pub enum Redemption {
    Enrolled(Person),
    UnknownCode,
    AlreadyUsed,
    Expired,
}

/// Waits for the next commit that added to the change stream (any
/// instance's). Several commits may be reported as one.
#[async_trait]
pub trait ChangeListener: Send {
    async fn changed(&mut self) -> StoreResult<()>;
}

/// Room signalling published by any instance (PostgreSQL's NOTIFY): each
/// payload as it was published.
#[async_trait]
pub trait SignalListener: Send {
    async fn next(&mut self) -> StoreResult<String>;
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The backend's name, for logs: "sqlite" or "postgres".
    fn backend(&self) -> &'static str;

    /// The organisation this server serves, if it has been created.
    async fn organisation(&self) -> StoreResult<Option<Organisation>>;
    async fn create_organisation(&self, organisation: &Organisation) -> StoreResult<()>;

    /// Stores `candidate` as the server's signing key unless one exists, and
    /// returns the one in force: every instance on one database shares it.
    async fn server_signing_key(&self, candidate_pkcs8: &[u8]) -> StoreResult<Vec<u8>>;

    async fn create_person(&self, person: &Person) -> StoreResult<()>;
    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>>;
    async fn persons(&self, organisation: OrganisationId) -> StoreResult<Vec<Person>>;

    async fn create_invite(
        &self,
        code_hash: &[u8],
        person: PersonId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Uses the invite and registers the device in one transaction: either
    /// both happen or neither.
    async fn redeem_invite(
        &self,
        code_hash: &[u8],
        device: &DeviceRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<Redemption>;

    async fn device(&self, id: DeviceId) -> StoreResult<Option<DeviceRecord>>;
    /// A person's devices, oldest first.
    async fn devices_of(&self, person: PersonId) -> StoreResult<Vec<DeviceRecord>>;
    /// Marks a device revoked (once); returns false if it was unknown or already revoked.
    async fn revoke_device(&self, id: DeviceId, at: DateTime<Utc>) -> StoreResult<bool>;
    async fn put_challenge(
        &self,
        challenge: &[u8],
        device: DeviceId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Removes the challenge and returns its expiry if it was issued to `device`.
    async fn take_challenge(
        &self,
        challenge: &[u8],
        device: DeviceId,
    ) -> StoreResult<Option<DateTime<Utc>>>;
    async fn put_session(
        &self,
        token_hash: &[u8],
        device: DeviceId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The device behind a session token and the session's expiry.
    async fn session(&self, token_hash: &[u8]) -> StoreResult<Option<(DeviceId, DateTime<Utc>)>>;

    async fn create_meeting(&self, meeting: &Meeting) -> StoreResult<()>;
    async fn meeting(&self, id: MeetingId) -> StoreResult<Option<Meeting>>;
    /// Whether members have been told of a meeting (it has been published).
    async fn meeting_published(&self, id: MeetingId) -> StoreResult<bool>;
    /// Stores a meeting's new title, start and status, and announces it.
    async fn update_meeting(&self, meeting: &Meeting) -> StoreResult<()>;
    /// Appends an item at the end of the meeting's agenda; `only` restricts it to named persons.
    async fn append_agenda_item(
        &self,
        meeting: &Meeting,
        item_id: AgendaItemId,
        title: &str,
        only: Option<&[PersonId]>,
        details: &ecabinet_domain::ItemDetails,
    ) -> StoreResult<AgendaItem>;
    /// Replaces an item's access list (`None`: open to all) and re-announces its
    /// documents to the new audience.
    async fn set_item_access(
        &self,
        item: &AgendaItem,
        organisation: OrganisationId,
        only: Option<&[PersonId]>,
    ) -> StoreResult<AgendaItem>;
    async fn item_access(&self, item: AgendaItemId) -> StoreResult<Vec<PersonId>>;
    /// Active devices that may read the item's documents.
    async fn allowed_devices(&self, item: AgendaItemId) -> StoreResult<Vec<DeviceRecord>>;
    async fn agenda(&self, meeting: MeetingId) -> StoreResult<Vec<AgendaItem>>;
    /// Stores an item's new title and details and announces it.
    async fn update_agenda_item(
        &self,
        organisation: OrganisationId,
        item: &AgendaItem,
    ) -> StoreResult<()>;
    /// Moves an item to `position` (from 1) and renumbers the others, in one
    /// transaction; announces every item whose position changed.
    async fn move_agenda_item(
        &self,
        organisation: OrganisationId,
        item: AgendaItemId,
        position: i32,
    ) -> StoreResult<Vec<AgendaItem>>;

    /// An agenda item and the meeting it belongs to.
    async fn agenda_item(&self, id: AgendaItemId) -> StoreResult<Option<(AgendaItem, Meeting)>>;

    /// Every active (not revoked) device of the organisation's persons.
    async fn active_devices(&self, organisation: OrganisationId) -> StoreResult<Vec<DeviceRecord>>;

    /// Records a published document version, its wrapped keys (device id,
    /// envelope JSON) and its change, in one transaction.
    async fn publish_document(
        &self,
        organisation: OrganisationId,
        document: &Document,
        uploaded_by: DeviceId,
        keys: &[(DeviceId, String)],
    ) -> StoreResult<()>;
    async fn document(
        &self,
        id: DocumentId,
        version: u32,
    ) -> StoreResult<Option<(Document, OrganisationId)>>;
    /// Active devices of the organisation that hold no key for a published
    /// document version: (document, version, device).
    async fn missing_keys(
        &self,
        organisation: OrganisationId,
    ) -> StoreResult<Vec<(DocumentId, u32, DeviceRecord)>>;
    /// Adds wrapped keys (device id, envelope JSON); a key already present is kept.
    async fn add_document_keys(
        &self,
        id: DocumentId,
        version: u32,
        keys: &[(DeviceId, String)],
    ) -> StoreResult<u32>;
    /// The envelope JSON of this version's key for one device.
    async fn document_key(
        &self,
        id: DocumentId,
        version: u32,
        device: DeviceId,
    ) -> StoreResult<Option<String>>;

    /// Stores a group of verified batches in one transaction (one fsync for
    /// all) and answers each op, in order. An op already answered gets the
    /// same answer again.
    async fn push_ops(
        &self,
        batches: &mut dyn BatchSource,
        now: DateTime<Utc>,
        receipts: &ReceiptSigner,
    ) -> StoreResult<Vec<Vec<ecabinet_domain::ops::OpResult>>>;
    /// Every wrapped person key of a person: (key, device, envelope JSON).
    async fn person_keys(
        &self,
        person: PersonId,
    ) -> StoreResult<Vec<(ecabinet_domain::PersonKeyId, DeviceId, String)>>;
    /// Adds wrapped person keys; one already present is kept. Returns how many were new.
    async fn add_person_keys(
        &self,
        person: PersonId,
        entries: &[(ecabinet_domain::PersonKeyId, DeviceId, String)],
    ) -> StoreResult<u32>;

    /// Stores a new open motion and announces it to the item's audience.
    async fn create_motion(
        &self,
        organisation: OrganisationId,
        motion: &ecabinet_domain::voting::Motion,
    ) -> StoreResult<()>;
    async fn motion(
        &self,
        id: ecabinet_domain::MotionId,
    ) -> StoreResult<Option<(ecabinet_domain::voting::Motion, OrganisationId)>>;
    /// Closes an open motion with its tally (None: unknown or already closed).
    async fn close_motion(
        &self,
        id: ecabinet_domain::MotionId,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<ecabinet_domain::voting::Motion>>;
    /// The open motions of a meeting.
    async fn open_motions(
        &self,
        meeting: MeetingId,
    ) -> StoreResult<Vec<ecabinet_domain::voting::Motion>>;
    /// Stores a ballot the room's hub took while the server was away, as
    /// accepted at `accepted_at` (its event's time), with the server's
    /// receipt; a first vote records its voter present. A ballot held
    /// already (same signature) is kept as it is. Returns its change
    /// number, and whether it is new.
    async fn take_room_ballot(
        &self,
        organisation: OrganisationId,
        ballot: &ecabinet_domain::voting::Ballot,
        accepted_at: DateTime<Utc>,
        receipts: &ReceiptSigner,
    ) -> StoreResult<(i64, bool)>;
    /// Open motions whose closing time has come.
    async fn due_motions(&self, now: DateTime<Utc>) -> StoreResult<Vec<ecabinet_domain::MotionId>>;
    async fn set_attendance(
        &self,
        organisation: OrganisationId,
        attendance: &ecabinet_domain::voting::Attendance,
    ) -> StoreResult<()>;
    async fn attendance(
        &self,
        meeting: MeetingId,
    ) -> StoreResult<Vec<(PersonId, ecabinet_domain::voting::Presence)>>;
    async fn motion_export(
        &self,
        id: ecabinet_domain::MotionId,
    ) -> StoreResult<Option<MotionExport>>;

    /// The ids of the documents attached to an item.
    async fn agenda_documents(&self, item: AgendaItemId) -> StoreResult<Vec<DocumentId>>;
    async fn create_opinion_request(
        &self,
        organisation: OrganisationId,
        request: &ecabinet_domain::opinions::OpinionRequest,
    ) -> StoreResult<()>;
    async fn opinion_request(
        &self,
        id: ecabinet_domain::OpinionRequestId,
    ) -> StoreResult<Option<(ecabinet_domain::opinions::OpinionRequest, OrganisationId)>>;
    /// Every response received, oldest first (late and superseded included).
    async fn opinion_responses(
        &self,
        id: ecabinet_domain::OpinionRequestId,
    ) -> StoreResult<Vec<ecabinet_domain::opinions::ReceivedResponse>>;
    /// Reminders whose time has come and that have not gone out: (request, organisation, reminder time).
    async fn due_reminders(
        &self,
        now: DateTime<Utc>,
    ) -> StoreResult<
        Vec<(
            ecabinet_domain::opinions::OpinionRequest,
            OrganisationId,
            DateTime<Utc>,
        )>,
    >;
    /// Records that a reminder went out and sends it in-app; false if it already had.
    async fn record_reminders(
        &self,
        organisation: OrganisationId,
        request: ecabinet_domain::OpinionRequestId,
        reminder_at: DateTime<Utc>,
        reminders: &[ecabinet_domain::opinions::Reminder],
    ) -> StoreResult<bool>;

    /// Every member's position on the items of a meeting.
    async fn positions(
        &self,
        meeting: MeetingId,
    ) -> StoreResult<Vec<ecabinet_domain::positions::Position>>;
    /// Records the chair's decisions and announces them, in one transaction.
    async fn record_decisions(
        &self,
        organisation: OrganisationId,
        decisions: &[ecabinet_domain::positions::ItemDecision],
    ) -> StoreResult<()>;

    /// The newest change number of any organisation on this database.
    async fn newest_seq(&self) -> StoreResult<i64>;
    /// Hears of changes other writers commit, where the database can say so
    /// at once (PostgreSQL's LISTEN/NOTIFY); `None`: poll `newest_seq`.
    async fn change_listener(&self) -> StoreResult<Option<Box<dyn ChangeListener>>>;
    /// Hears room signalling from every instance; `None`: one instance only
    /// (the embedded database), signals stay in this process.
    async fn signal_listener(&self) -> StoreResult<Option<Box<dyn SignalListener>>>;
    /// Publishes a room signal to every instance's listener; false when
    /// there are no others to tell (the caller delivers it here itself).
    async fn publish_signal(&self, payload: &str) -> StoreResult<bool>;
    /// The newest change number of one organisation.
    async fn last_seq(&self, organisation: OrganisationId) -> StoreResult<i64>;

    /// The answer already given to a command op: (the device that sent it, the answer).
    async fn command_answer(
        &self,
        op: ecabinet_domain::OpId,
    ) -> StoreResult<Option<(DeviceId, ecabinet_domain::ops::OpResult)>>;
    /// Keeps a command op's answer (the first one kept wins).
    async fn record_command_answer(
        &self,
        op: ecabinet_domain::OpId,
        device: DeviceId,
        answer: &ecabinet_domain::ops::OpResult,
    ) -> StoreResult<()>;

    /// Appends records to the audit chain in one transaction, with a
    /// checkpoint signed by `server_key` when one is due.
    async fn append_audit(
        &self,
        records: &[crate::audit::AuditRecord],
        server_key: &ecabinet_crypto::SigningKey,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Audit entries in chain order, as filtered.
    async fn audit_entries(
        &self,
        filter: &AuditFilter,
    ) -> StoreResult<Vec<crate::audit::StoredEntry>>;
    /// A device's first opening of a document version (read receipts).
    #[allow(clippy::too_many_arguments)]
    async fn record_document_open(
        &self,
        document: DocumentId,
        version: u32,
        device: DeviceId,
        person: PersonId,
        opened_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Who has opened a document version, earliest first.
    async fn document_readers(
        &self,
        document: DocumentId,
        version: u32,
    ) -> StoreResult<Vec<ecabinet_domain::api::DocumentReader>>;
    /// Every signed checkpoint, in order.
    async fn audit_checkpoints(&self) -> StoreResult<Vec<crate::audit::Checkpoint>>;

    /// A meeting's session log after `since`, in order.
    async fn session_log(
        &self,
        meeting: MeetingId,
        since: u32,
    ) -> StoreResult<Vec<ecabinet_domain::session::OrderedLiveEvent>>;
    /// Appends an event to its meeting's log and the change stream, in one
    /// transaction, if its seq is the next one; `None` if another orderer
    /// took that place first (nothing stored).
    async fn append_session_event(
        &self,
        organisation: OrganisationId,
        event: &ecabinet_domain::session::OrderedLiveEvent,
    ) -> StoreResult<Option<i64>>;
    /// Appends a run of events (a room hub's segment) in one transaction,
    /// if the first one's seq is the next one; their change numbers, or
    /// `None` if another orderer took that place first (nothing stored).
    async fn append_session_events(
        &self,
        organisation: OrganisationId,
        events: &[ecabinet_domain::session::OrderedLiveEvent],
    ) -> StoreResult<Option<Vec<i64>>>;

    /// The meeting's named room hub, if any.
    async fn room_hub(&self, meeting: MeetingId) -> StoreResult<Option<RoomHubLease>>;
    /// Names (or renews) the meeting's room hub.
    async fn set_room_hub(&self, meeting: MeetingId, hub: &RoomHubLease) -> StoreResult<()>;
    /// The meeting has no room hub any more.
    async fn clear_room_hub(&self, meeting: MeetingId) -> StoreResult<()>;

    /// Changes after `since` that `viewer` may see, oldest first, at most `limit`.
    async fn changes_since(
        &self,
        organisation: OrganisationId,
        since: i64,
        limit: u32,
        viewer: Viewer,
    ) -> StoreResult<Vec<Change>>;
}
