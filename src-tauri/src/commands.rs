//! The Tauri commands: one line each over the client engine. Errors reach the
//! UI as `{code, message}` ([`UiError`]).

use std::sync::Arc;

use ecabinet_client::{AgendaView, AppStatus, DocumentView, Engine, PageHit, SyncStatus, UiError};
use ecabinet_domain::{DocumentId, Meeting, MeetingId};
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
