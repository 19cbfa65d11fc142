//! The meeting's room in the desktop app: the same room process as
//! `ecab room host|join`, run inside the app (all WebRTC in Rust; the
//! webview only shows its status). One room at a time.

use std::sync::Arc;

use ecabinet_client::room::{ask_room_process, LocalAnswer, LocalRequest, RoomStatus};
use ecabinet_client::{Engine, UiError};
use ecabinet_domain::MeetingId;
use ecabinet_rtc::hub::HubOptions;
use ecabinet_rtc::member::MemberOptions;
use tauri::State;
use tauri_specta::Event;

/// The room this app runs, if any, and how to stop it.
#[derive(Default)]
pub struct RoomRunner {
    running: tokio::sync::Mutex<Option<Running>>,
}

struct Running {
    meeting: MeetingId,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tauri::async_runtime::JoinHandle<()>,
}

impl RoomRunner {
    async fn stop(&self) {
        if let Some(running) = self.running.lock().await.take() {
            let _ = running.stop.send(());
            let _ = running.task.await;
        }
    }
}

/// Takes part in the meeting's room (as its hub: the chair or the
/// secretariat), in place of any room this app already ran.
#[tauri::command]
#[specta::specta]
pub async fn join_room(
    engine: State<'_, Arc<Engine>>,
    runner: State<'_, Arc<RoomRunner>>,
    app: tauri::AppHandle,
    meeting_id: MeetingId,
    host: bool,
) -> Result<(), UiError> {
    let client = engine.client().await?;
    runner.stop().await;
    let bind = ecabinet_rtc::default_bind(&client.profile().server_url);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (notes, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let task = tauri::async_runtime::spawn(async move {
        let stopped = async move {
            let _ = stopped.await;
        };
        // An event through the room moves the session view as one from the
        // server's socket does (which, without the server, nothing else would).
        let viewer = client.clone();
        tokio::spawn(async move {
            while let Some(note) = heard.recv().await {
                tracing::info!(%note, "room");
                if let ecabinet_rtc::RoomNote::Event { .. } = note {
                    match viewer.session_view(meeting_id).await {
                        Ok(view) => {
                            let _ = crate::session::SessionChanged(view).emit(&app);
                        }
                        Err(error) => tracing::warn!(%error, "the session view after a room event"),
                    }
                }
            }
        });
        let result = if host {
            ecabinet_rtc::hub::host(client, meeting_id, HubOptions { bind }, notes, stopped).await
        } else {
            ecabinet_rtc::member::join(client, meeting_id, MemberOptions { bind }, notes, stopped)
                .await
        };
        if let Err(error) = result {
            tracing::warn!(%error, "the room stopped");
        }
    });
    *runner.running.lock().await = Some(Running {
        meeting: meeting_id,
        stop,
        task,
    });
    Ok(())
}

/// Leaves the room this app runs.
#[tauri::command]
#[specta::specta]
pub async fn leave_room(runner: State<'_, Arc<RoomRunner>>) -> Result<(), UiError> {
    runner.stop().await;
    Ok(())
}

/// How the room of `meeting_id` stands here (null: this app runs none).
#[tauri::command]
#[specta::specta]
pub async fn room_status(
    engine: State<'_, Arc<Engine>>,
    runner: State<'_, Arc<RoomRunner>>,
    meeting_id: MeetingId,
) -> Result<Option<RoomStatus>, UiError> {
    let running = runner
        .running
        .lock()
        .await
        .as_ref()
        .is_some_and(|r| r.meeting == meeting_id && !r.task.inner().is_finished());
    if !running {
        return Ok(None);
    }
    let client = engine.client().await?;
    match ask_room_process(client.profile_dir(), &LocalRequest::Status).await? {
        Some(LocalAnswer::Status(status)) if status.meeting == Some(meeting_id) => Ok(Some(status)),
        _ => Ok(None),
    }
}
