//! The meeting in session in the desktop app: commands (one line each over
//! the client engine), the `SessionChanged` event fed by a follower of the
//! meeting the window shows, and the room display's own window.

use std::sync::Arc;
use std::time::Duration;

use ecabinet_client::{Engine, MinutesLanguage, SessionView, UiError};
use ecabinet_domain::session::minutes::Minutes;
use ecabinet_domain::session::{FloorRequestId, ItemOutcome, SpeechKind};
use ecabinet_domain::voting::Presence;
use ecabinet_domain::{AgendaItemId, Document, DocumentId, MeetingId, PersonId};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri_specta::Event;

type Shared<'a> = State<'a, Arc<Engine>>;

/// Sent whenever the followed meeting's session moves.
#[derive(Clone, Debug, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SessionChanged(pub SessionView);

/// What the chair or the secretariat does to the session as a whole.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SessionControl {
    Start,
    Suspend,
    Resume,
    End,
}

/// How this window was opened: the room display shows only the room's view.
#[derive(Clone, Debug, Serialize, Deserialize, specta::Type)]
pub struct LaunchMode {
    pub room_display: bool,
}

/// The sessions the windows follow: one task per meeting, so the room
/// display keeps following its meeting while the main window shows another;
/// the oldest stops beyond a few.
#[derive(Default)]
pub struct SessionFollower {
    tasks: std::sync::Mutex<Vec<(MeetingId, tauri::async_runtime::JoinHandle<()>)>>,
}

/// More meetings than the app's windows can show at once.
const MAX_FOLLOWED: usize = 3;

/// Whether the app was started with `--room-display`.
pub fn room_display_requested() -> bool {
    std::env::args().any(|a| a == "--room-display")
}

/// This window's mode: the room display (its own window, or the app started
/// with `--room-display`) or the ordinary app.
#[tauri::command]
#[specta::specta]
pub fn launch_mode(window: tauri::Window) -> LaunchMode {
    LaunchMode {
        room_display: window.label() == "room" || room_display_requested(),
    }
}

/// Opens the room display (for the projector) in a window of its own.
#[tauri::command]
#[specta::specta]
pub async fn open_room_display(app: tauri::AppHandle) -> Result<(), UiError> {
    use tauri::Manager;
    if let Some(window) = app.get_webview_window("room") {
        let _ = window.set_focus();
        return Ok(());
    }
    tauri::WebviewWindowBuilder::new(&app, "room", tauri::WebviewUrl::App("index.html".into()))
        .title("eCabinet — Phòng họp")
        .inner_size(1280.0, 720.0)
        .build()
        .map_err(|e| UiError {
            code: "window".into(),
            message: format!("the room display could not open: {e}"),
        })?;
    Ok(())
}

/// The live session of a meeting (heard from the server when reachable).
#[tauri::command]
#[specta::specta]
pub async fn session_view(
    engine: Shared<'_>,
    meeting_id: MeetingId,
) -> Result<SessionView, UiError> {
    let client = engine.client().await?;
    if let Err(error) = client.catch_up_session(meeting_id).await {
        tracing::info!(%error, "showing the session as last heard");
    }
    Ok(client.session_view(meeting_id).await?)
}

/// Follows a meeting's session: `SessionChanged` whenever it moves (each
/// window filters by meeting).
#[tauri::command]
#[specta::specta]
pub async fn follow_session(
    engine: Shared<'_>,
    follower: State<'_, Arc<SessionFollower>>,
    app: tauri::AppHandle,
    meeting_id: MeetingId,
) -> Result<(), UiError> {
    let mut tasks = follower.tasks.lock().map_err(|_| UiError {
        code: "internal".into(),
        message: "the session follower is unavailable".into(),
    })?;
    if let Some(place) = tasks.iter().position(|(m, _)| *m == meeting_id) {
        // The most recently wanted goes last (the oldest is stopped first).
        let task = tasks.remove(place);
        tasks.push(task);
        return Ok(());
    }
    if tasks.len() >= MAX_FOLLOWED {
        let (_, oldest) = tasks.remove(0);
        oldest.abort();
    }
    let engine = Arc::clone(&engine);
    let handle = tauri::async_runtime::spawn(follow(engine, app, meeting_id));
    tasks.push((meeting_id, handle));
    Ok(())
}

async fn follow(engine: Arc<Engine>, app: tauri::AppHandle, meeting: MeetingId) {
    let mut backoff = Duration::from_secs(1);
    loop {
        // The session goes on behind the lock; the window shows nothing of it
        // until the PIN is given.
        if let Ok(client) = engine.background_client().await {
            let outcome = client
                .follow_session(meeting, |view| {
                    let _ = SessionChanged(view).emit(&app);
                    true
                })
                .await;
            match outcome {
                Ok(()) => backoff = Duration::from_secs(1),
                Err(error) => {
                    tracing::info!(%error, "lost the session; retrying in {} s", backoff.as_secs())
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(15));
    }
}

/// Starts, suspends, resumes or ends the session (the chair or the secretariat).
#[tauri::command]
#[specta::specta]
pub async fn control_session(
    engine: Shared<'_>,
    meeting_id: MeetingId,
    control: SessionControl,
) -> Result<SessionView, UiError> {
    let client = engine.client().await?;
    match control {
        SessionControl::Start => client.start_session(meeting_id).await?,
        SessionControl::Suspend => client.suspend_session(meeting_id).await?,
        SessionControl::Resume => client.resume_session(meeting_id).await?,
        SessionControl::End => client.end_session(meeting_id).await?,
    };
    Ok(client.session_view(meeting_id).await?)
}

/// Takes up an agenda item.
#[tauri::command]
#[specta::specta]
pub async fn take_up_item(engine: Shared<'_>, agenda_item_id: AgendaItemId) -> Result<(), UiError> {
    engine.client().await?.take_up_item(agenda_item_id).await?;
    Ok(())
}

/// Records how an item ended.
#[tauri::command]
#[specta::specta]
pub async fn record_outcome(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    outcome: ItemOutcome,
    note: Option<String>,
) -> Result<(), UiError> {
    engine
        .client()
        .await?
        .record_outcome(agenda_item_id, outcome, note)
        .await?;
    Ok(())
}

/// Asks for the floor on the current item (needs the room's connection).
#[tauri::command]
#[specta::specta]
pub async fn request_floor(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    kind: SpeechKind,
) -> Result<FloorRequestId, UiError> {
    Ok(engine
        .client()
        .await?
        .request_floor(agenda_item_id, kind)
        .await?)
}

/// Withdraws this person's waiting request on the item.
#[tauri::command]
#[specta::specta]
pub async fn withdraw_floor(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
) -> Result<(), UiError> {
    engine
        .client()
        .await?
        .withdraw_floor(agenda_item_id)
        .await?;
    Ok(())
}

/// Gives the floor to the next waiting request.
#[tauri::command]
#[specta::specta]
pub async fn floor_next(engine: Shared<'_>, agenda_item_id: AgendaItemId) -> Result<(), UiError> {
    engine.client().await?.floor_next(agenda_item_id).await?;
    Ok(())
}

/// Gives the floor to a waiting request.
#[tauri::command]
#[specta::specta]
pub async fn floor_give(engine: Shared<'_>, request_id: FloorRequestId) -> Result<(), UiError> {
    engine.client().await?.floor_give(request_id).await?;
    Ok(())
}

/// Ends the current speech.
#[tauri::command]
#[specta::specta]
pub async fn floor_end(engine: Shared<'_>, agenda_item_id: AgendaItemId) -> Result<(), UiError> {
    engine.client().await?.floor_end(agenda_item_id).await?;
    Ok(())
}

/// Sets the speaking time on an item, in minutes.
#[tauri::command]
#[specta::specta]
pub async fn set_speaking_time(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    minutes: u32,
) -> Result<(), UiError> {
    engine
        .client()
        .await?
        .set_speaking_time(agenda_item_id, minutes)
        .await?;
    Ok(())
}

/// Shows a page to everyone following.
#[tauri::command]
#[specta::specta]
pub async fn present_page(
    engine: Shared<'_>,
    document_id: DocumentId,
    version: Option<u32>,
    page: u32,
    zoom_percent: u32,
) -> Result<(), UiError> {
    engine
        .client()
        .await?
        .present(document_id, version, page, zoom_percent)
        .await?;
    Ok(())
}

/// Records someone's attendance (the secretariat or the chair; a member their own).
#[tauri::command]
#[specta::specta]
pub async fn record_attendance(
    engine: Shared<'_>,
    meeting_id: MeetingId,
    person_id: PersonId,
    presence: Presence,
) -> Result<(), UiError> {
    engine
        .client()
        .await?
        .record_attendance(meeting_id, person_id, presence)
        .await?;
    Ok(())
}

/// The minutes as they would be signed now (drawn from the session log).
#[tauri::command]
#[specta::specta]
pub async fn minutes_preview(
    engine: Shared<'_>,
    meeting_id: MeetingId,
) -> Result<Minutes, UiError> {
    Ok(engine
        .client()
        .await?
        .draft_minutes(meeting_id)
        .await?
        .minutes)
}

/// Saves the secretariat's narrative for an item of the minutes.
#[tauri::command]
#[specta::specta]
pub async fn edit_minutes(
    engine: Shared<'_>,
    agenda_item_id: AgendaItemId,
    text: String,
) -> Result<(), UiError> {
    engine
        .client()
        .await?
        .edit_minutes(agenda_item_id, &text)
        .await?;
    Ok(())
}

/// Signs the minutes and publishes them to the participants.
#[tauri::command]
#[specta::specta]
pub async fn sign_minutes(
    engine: Shared<'_>,
    meeting_id: MeetingId,
    language: MinutesLanguage,
) -> Result<Document, UiError> {
    Ok(engine
        .client()
        .await?
        .sign_minutes(meeting_id, language)
        .await?
        .1)
}
