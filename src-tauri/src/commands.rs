//! The Tauri commands: one line each over the client engine. Errors reach the
//! UI as `{code, message}` ([`UiError`]).

use std::sync::Arc;

use ecabinet_client::{
    AgendaView, AnnotationEdit, AnnotationList, AnnotationView, AppStatus, DocumentView, Engine,
    NewAnnotation, PageHit, SyncStatus, UiError,
};
use ecabinet_domain::{AnnotationId, DocumentId, Meeting, MeetingId};
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
