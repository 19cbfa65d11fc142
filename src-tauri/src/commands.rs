//! The Tauri commands: one line each over the client engine. Errors reach the
//! UI as `{code, message}` ([`UiError`]).

use std::path::Path;
use std::sync::Arc;

use ecabinet_client::{
    AgendaView, AnnotationEdit, AnnotationList, AnnotationView, AppStatus, DocumentChanges,
    DocumentView, Engine, ItemPositionsView, NewAnnotation, OpinionDraft, OpinionRequestView,
    PageHit, SignatureView, SyncStatus, TallyVerification, TokenSignRequest, UiError, VoteOutcome,
};
use ecabinet_domain::api::{
    CreateMeetingRequest, DocumentReader, OpenMotionRequest, PendingKey, UpdateAgendaItemRequest,
    UpdateMeetingRequest,
};
use ecabinet_domain::opinions::OpinionStatus;
use ecabinet_domain::positions::{ItemDecision, Stance};
use ecabinet_domain::voting::{Attendance, Motion, Presence};
use ecabinet_domain::{AgendaItem, Document, Handling, ItemDetails};
use ecabinet_domain::{AgendaItemId, AnnotationId, DocumentId, Meeting, MeetingId, MotionId};
use ecabinet_domain::{OpinionRequestId, Person, PersonId};
use tauri::State;

type Shared<'a> = State<'a, Arc<Engine>>;

/// Who this device is (or that it is not enrolled yet) and its sync state.
#[tauri::command]
#[specta::specta]
pub async fn app_status(engine: Shared<'_>) -> Result<AppStatus, UiError> {
    Ok(engine.status().await?)
}

/// Enrols this device with a one-time code, then syncs once.
#[tauri::command]
#[specta::specta]
pub async fn enroll(
    engine: Shared<'_>,
    server_url: String,
    code: String,
    device_name: Option<String>,
) -> Result<AppStatus, UiError> {
    Ok(engine
        .enroll(&server_url, &code, device_name.as_deref())
        .await?)
}

/// Syncs now and returns the new status (also sent as `SyncStatusChanged`).
#[tauri::command]
#[specta::specta]
pub async fn sync_now(engine: Shared<'_>, app: tauri::AppHandle) -> Result<SyncStatus, UiError> {
    Ok(crate::sync_and_announce(&engine, &app).await?)
}

/// Meetings from the local replica, soonest first (works offline).
#[tauri::command]
#[specta::specta]
pub async fn list_meetings(engine: Shared<'_>) -> Result<Vec<Meeting>, UiError> {
    Ok(engine.client().await?.meetings().await?)
}

/// One meeting and its agenda, from the local replica.
#[tauri::command]
#[specta::specta]
pub async fn meeting_agenda(
    engine: Shared<'_>,
    meeting_id: MeetingId,
) -> Result<AgendaView, UiError> {
    Ok(engine.client().await?.agenda(meeting_id).await?)
}

/// Opens a document for reading (downloads and verifies it if needed) and counts its pages.
#[tauri::command]
#[specta::specta]
pub async fn open_document(
    engine: Shared<'_>,
    document_id: DocumentId,
) -> Result<DocumentView, UiError> {
    Ok(engine.client().await?.document_view(document_id).await?)
}

/// Every page where a phrase occurs, with the words around it.
#[tauri::command]
#[specta::specta]
pub async fn search_document(
    engine: Shared<'_>,
    document_id: DocumentId,
    phrase: String,
) -> Result<Vec<PageHit>, UiError> {
    Ok(engine
        .client()
        .await?
        .find_in_document(document_id, &phrase)
        .await?)
}

/// The annotations on a document that this person may read (works offline).
#[tauri::command]
#[specta::specta]
pub async fn list_annotations(
    engine: Shared<'_>,
    document_id: DocumentId,
) -> Result<AnnotationList, UiError> {
    Ok(engine.client().await?.annotations(document_id).await?)
}

/// Adds a highlight, note, ink drawing or bookmark; saved at once, sent at the next sync.
#[tauri::command]
#[specta::specta]
pub async fn create_annotation(
    engine: Shared<'_>,
    annotation: NewAnnotation,
) -> Result<AnnotationView, UiError> {
    Ok(engine.client().await?.annotate(annotation).await?)
}

/// Changes, shares, withdraws or deletes one of this person's annotations (works offline).
#[tauri::command]
#[specta::specta]
pub async fn edit_annotation(
    engine: Shared<'_>,
    annotation_id: AnnotationId,
    edit: AnnotationEdit,
) -> Result<AnnotationView, UiError> {
    Ok(engine
        .client()
        .await?
        .edit_annotation(annotation_id, edit)
        .await?)
}

/// The motions of a meeting, as last synced (works offline).
#[tauri::command]
#[specta::specta]
pub async fn list_motions(
    engine: Shared<'_>,
    meeting_id: MeetingId,
) -> Result<Vec<Motion>, UiError> {
    Ok(engine.client().await?.motions(meeting_id).await?)
}

/// Casts or changes this member's vote (saved offline, sent when possible).
#[tauri::command]
#[specta::specta]
pub async fn cast_vote(
    engine: Shared<'_>,
    motion_id: MotionId,
    choice: String,
) -> Result<VoteOutcome, UiError> {
    Ok(engine.client().await?.vote(motion_id, &choice).await?)
}

/// Re-verifies a closed motion's tally from its exported ballots.
#[tauri::command]
#[specta::specta]
pub async fn verify_tally(
    engine: Shared<'_>,
    motion_id: MotionId,
) -> Result<TallyVerification, UiError> {
    Ok(engine.client().await?.verify_tally(motion_id).await?)
}

/// Checks this member in for a meeting, in the room or remotely.
#[tauri::command]
#[specta::specta]
pub async fn check_in(
    engine: Shared<'_>,
    meeting_id: MeetingId,
    remote: bool,
) -> Result<Attendance, UiError> {
    let client = engine.client().await?;
    let presence = if remote {
        Presence::Remote
    } else {
        Presence::Present
    };
    let me = client.summary().person.id;
    Ok(client.record_attendance(meeting_id, me, presence).await?)
}

/// Puts a question to the vote on an agenda item (secretariat).
#[tauri::command]
#[specta::specta]
pub async fn open_motion(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    request: OpenMotionRequest,
) -> Result<Motion, UiError> {
    Ok(engine
        .client()
        .await?
        .open_motion(agenda_item_id, &request)
        .await?)
}

/// Closes a vote now and publishes its result (secretariat).
#[tauri::command]
#[specta::specta]
pub async fn close_motion(engine: Shared<'_>, motion_id: MotionId) -> Result<Motion, UiError> {
    Ok(engine.client().await?.close_motion(motion_id).await?)
}

/// Records this member's position on an agenda item (offline too).
#[tauri::command]
#[specta::specta]
pub async fn set_position(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    stance: Stance,
) -> Result<VoteOutcome, UiError> {
    Ok(engine
        .client()
        .await?
        .set_position(agenda_item_id, stance)
        .await?)
}

/// Each item of a meeting with the positions known here and any decision.
#[tauri::command]
#[specta::specta]
pub async fn list_positions(
    engine: Shared<'_>,
    meeting_id: MeetingId,
) -> Result<Vec<ItemPositionsView>, UiError> {
    Ok(engine.client().await?.positions(meeting_id).await?)
}

/// Adopts without discussion every item nobody objected to or asked to speak on (chair).
#[tauri::command]
#[specta::specta]
pub async fn adopt_without_discussion(
    engine: Shared<'_>,
    meeting_id: MeetingId,
) -> Result<Vec<ItemDecision>, UiError> {
    Ok(engine
        .client()
        .await?
        .adopt_without_discussion(meeting_id, None)
        .await?)
}

/// Requests for this person's written opinion (works offline).
#[tauri::command]
#[specta::specta]
pub async fn list_opinion_requests(engine: Shared<'_>) -> Result<Vec<OpinionRequestView>, UiError> {
    Ok(engine.client().await?.opinion_requests().await?)
}

/// Submits a signed written opinion (for oneself or under a mandate),
/// optionally pointing to annotations in the draft (the clauses it concerns).
#[tauri::command]
#[specta::specta]
pub async fn answer_opinion(
    engine: Shared<'_>,
    request_id: OpinionRequestId,
    choice: String,
    comment: String,
    on_behalf_of: Option<PersonId>,
    annotations: Vec<AnnotationId>,
) -> Result<VoteOutcome, UiError> {
    Ok(engine
        .client()
        .await?
        .answer_opinion(request_id, &choice, &comment, on_behalf_of, annotations)
        .await?)
}

/// Who has answered a request, who has not (secretariat).
#[tauri::command]
#[specta::specta]
pub async fn opinion_status(
    engine: Shared<'_>,
    request_id: OpinionRequestId,
) -> Result<OpinionStatus, UiError> {
    Ok(engine
        .client()
        .await?
        .opinion_status(request_id)
        .await?
        .status)
}

/// Saves a draft answer, private to this person's devices (offline too).
#[tauri::command]
#[specta::specta]
pub async fn save_opinion_draft(
    engine: Shared<'_>,
    request_id: OpinionRequestId,
    choice: String,
    comment: String,
) -> Result<(), UiError> {
    Ok(engine
        .client()
        .await?
        .save_opinion_draft(request_id, &choice, &comment)
        .await?)
}

/// The latest draft answer from any of this person's devices.
#[tauri::command]
#[specta::specta]
pub async fn opinion_draft(
    engine: Shared<'_>,
    request_id: OpinionRequestId,
) -> Result<Option<OpinionDraft>, UiError> {
    Ok(engine.client().await?.opinion_draft(request_id).await?)
}

/// The organisation's people, from the local replica (names for ids on screen).
#[tauri::command]
#[specta::specta]
pub async fn list_people(engine: Shared<'_>) -> Result<Vec<Person>, UiError> {
    Ok(engine.client().await?.people().await?)
}

/// Creates a meeting (secretariat; offline too), as a draft if asked.
#[tauri::command]
#[specta::specta]
pub async fn create_meeting(
    engine: Shared<'_>,
    request: CreateMeetingRequest,
) -> Result<Meeting, UiError> {
    Ok(engine.client().await?.create_meeting_with(request).await?)
}

/// Changes a meeting: title, start, details, or status (publish, cancel).
#[tauri::command]
#[specta::specta]
pub async fn update_meeting(
    engine: Shared<'_>,
    meeting_id: MeetingId,
    request: UpdateMeetingRequest,
) -> Result<Meeting, UiError> {
    Ok(engine
        .client()
        .await?
        .update_meeting(meeting_id, request)
        .await?)
}

/// Appends an item to a meeting's agenda (secretariat; offline too).
#[tauri::command]
#[specta::specta]
pub async fn add_agenda_item(
    engine: Shared<'_>,
    meeting_id: MeetingId,
    title: String,
    only: Option<Vec<PersonId>>,
    details: ItemDetails,
) -> Result<AgendaItem, UiError> {
    Ok(engine
        .client()
        .await?
        .add_agenda_item_with(meeting_id, &title, only, details)
        .await?)
}

/// Changes an item's title or details, its status among them (secretariat).
#[tauri::command]
#[specta::specta]
pub async fn update_agenda_item(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    request: UpdateAgendaItemRequest,
) -> Result<AgendaItem, UiError> {
    Ok(engine
        .client()
        .await?
        .update_agenda_item(agenda_item_id, request)
        .await?)
}

/// Moves an item to `position` (from 1); the others are renumbered.
#[tauri::command]
#[specta::specta]
pub async fn move_agenda_item(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    position: i32,
) -> Result<Vec<AgendaItem>, UiError> {
    Ok(engine
        .client()
        .await?
        .move_agenda_item(agenda_item_id, position)
        .await?)
}

/// Restricts an item to named persons, or opens it to all (`None`).
#[tauri::command]
#[specta::specta]
pub async fn set_item_access(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    only: Option<Vec<PersonId>>,
) -> Result<AgendaItem, UiError> {
    Ok(engine
        .client()
        .await?
        .set_item_access(agenda_item_id, only)
        .await?)
}

/// Attaches the PDF at `path` (dropped on the window or typed) to an item:
/// sealed on this device; other devices get their keys at the next sync.
#[tauri::command]
#[specta::specta]
pub async fn add_document(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    path: String,
    title: Option<String>,
    handling: Handling,
) -> Result<Document, UiError> {
    Ok(engine
        .client()
        .await?
        .add_document_with(agenda_item_id, Path::new(&path), title.as_deref(), handling)
        .await?)
}

/// Replaces a document with a new revision (`handling: None` keeps the marks).
#[tauri::command]
#[specta::specta]
pub async fn revise_document(
    engine: Shared<'_>,
    document_id: DocumentId,
    path: String,
    title: Option<String>,
    handling: Option<Handling>,
) -> Result<Document, UiError> {
    Ok(engine
        .client()
        .await?
        .revise_document_with(document_id, Path::new(&path), title.as_deref(), handling)
        .await?)
}

/// Devices still waiting for document keys (secretariat).
#[tauri::command]
#[specta::specta]
pub async fn pending_keys(engine: Shared<'_>) -> Result<Vec<PendingKey>, UiError> {
    Ok(engine.client().await?.pending_keys().await?)
}

/// What changed from version `from` (default: the previous one) to the latest.
#[tauri::command]
#[specta::specta]
pub async fn document_changes(
    engine: Shared<'_>,
    document_id: DocumentId,
    from: Option<u32>,
) -> Result<DocumentChanges, UiError> {
    Ok(engine
        .client()
        .await?
        .document_changes(document_id, from)
        .await?)
}

/// Who has opened the latest version of a document (secretariat's read receipts).
#[tauri::command]
#[specta::specta]
pub async fn document_readers(
    engine: Shared<'_>,
    document_id: DocumentId,
) -> Result<Vec<DocumentReader>, UiError> {
    Ok(engine
        .client()
        .await?
        .document_readers(document_id, None)
        .await?)
}

/// The legal signatures in a document, checked on this device (the reader's panel).
#[tauri::command]
#[specta::specta]
pub async fn document_signatures(
    engine: Shared<'_>,
    document_id: DocumentId,
) -> Result<Vec<SignatureView>, UiError> {
    Ok(engine.client().await?.signature_views(document_id).await?)
}

/// "Ký số": signs the latest version on a token with the PIN just typed
/// and publishes the signed PDF as the next version (secretariat).
#[tauri::command]
#[specta::specta]
pub async fn sign_document(
    engine: Shared<'_>,
    document_id: DocumentId,
    request: TokenSignRequest,
) -> Result<Document, UiError> {
    Ok(engine
        .client()
        .await?
        .sign_document_with_token(document_id, request)
        .await?)
}

/// "Nhận gói tin": attaches a received exchange package (goi-tin.zip) to an
/// agenda item, checked whole first (secretariat); a refusal stores nothing.
#[tauri::command]
#[specta::specta]
pub async fn import_exchange(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    path: String,
    accept_untrusted: bool,
) -> Result<ecabinet_client::ImportedPackage, UiError> {
    Ok(engine
        .client()
        .await?
        .import_exchange_file(agenda_item_id, Path::new(&path), accept_untrusted)
        .await?)
}

/// The secretariat's dashboard: the statistics report's figures for the
/// meetings that start in `[from, to)` (either end open).
#[tauri::command]
#[specta::specta]
pub async fn statistics(
    engine: Shared<'_>,
    from: Option<chrono::DateTime<chrono::Utc>>,
    to: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<ecabinet_domain::stats::Statistics, UiError> {
    Ok(engine.client().await?.statistics(from, to).await?)
}

/// Drops queued page renders numbered below `ticket` (the reader moved on).
#[tauri::command]
#[specta::specta]
pub fn cancel_renders(cancel_below: State<'_, Arc<crate::pages::CancelBelow>>, ticket: f64) {
    // Tickets travel as JS numbers; they stay far below 2^53.
    let ticket = ticket.max(0.0) as u64;
    cancel_below
        .0
        .fetch_max(ticket, std::sync::atomic::Ordering::Relaxed);
}
