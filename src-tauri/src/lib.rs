//! eCabinet's desktop shell. Each command is one line over
//! [`ecabinet_client::Engine`]; the typed TypeScript bindings in
//! `ui/src/bindings.ts` are generated from [`specta_builder`] and checked
//! fresh by a test.

mod commands;
mod lock;
mod pages;
mod room;
mod session;

use std::sync::Arc;
use std::time::Duration;

use ecabinet_client::{default_profile_dir, Engine, PrefetchProgress, SyncStatus};
use serde::{Deserialize, Serialize};
use tauri::Manager;
use tauri_specta::{collect_commands, collect_events, Event};

/// How often the app syncs by itself while it runs.
const BACKGROUND_SYNC_EVERY: Duration = Duration::from_secs(30);

/// Sent whenever a sync finishes (successfully or not).
#[derive(Clone, Debug, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SyncStatusChanged(pub SyncStatus);

/// Sent while upcoming meetings' packs download in the background.
#[derive(Clone, Debug, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct PrefetchProgressChanged(pub PrefetchProgress);

/// The commands and events the UI may use, for Tauri and for the bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app_status,
            commands::enroll,
            commands::sync_now,
            commands::list_meetings,
            commands::meeting_agenda,
            commands::open_document,
            commands::search_document,
            commands::list_annotations,
            commands::create_annotation,
            commands::edit_annotation,
            commands::list_motions,
            commands::cast_vote,
            commands::verify_tally,
            commands::check_in,
            commands::open_motion,
            commands::close_motion,
            commands::set_position,
            commands::list_positions,
            commands::adopt_without_discussion,
            commands::list_opinion_requests,
            commands::answer_opinion,
            commands::opinion_status,
            commands::save_opinion_draft,
            commands::opinion_draft,
            commands::list_people,
            commands::create_meeting,
            commands::update_meeting,
            commands::add_agenda_item,
            commands::update_agenda_item,
            commands::move_agenda_item,
            commands::set_item_access,
            commands::add_document,
            commands::revise_document,
            commands::pending_keys,
            commands::document_changes,
            commands::document_readers,
            commands::document_signatures,
            commands::sign_document,
            commands::statistics,
            commands::import_exchange,
            commands::cancel_renders,
            session::launch_mode,
            session::open_room_display,
            session::session_view,
            session::follow_session,
            session::control_session,
            session::take_up_item,
            session::record_outcome,
            session::request_floor,
            session::withdraw_floor,
            session::floor_next,
            session::floor_give,
            session::floor_end,
            session::set_speaking_time,
            session::present_page,
            session::record_attendance,
            session::minutes_preview,
            session::edit_minutes,
            session::sign_minutes,
            room::join_room,
            room::leave_room,
            room::room_status,
            room::start_voice,
            room::stop_voice,
            room::voice_status,
            room::set_microphone,
            lock::lock_status,
            lock::note_activity,
            lock::lock_now,
            lock::unlock,
            lock::set_pin,
            lock::set_idle_minutes,
            lock::remove_pin,
        ])
        .events(collect_events![
            SyncStatusChanged,
            PrefetchProgressChanged,
            session::SessionChanged
        ])
}

/// The TypeScript the UI imports: `ui/src/bindings.ts`.
pub fn typescript_bindings() -> Result<String, specta_typescript::ExportError> {
    let exporter = specta_typescript::Typescript::default()
        .header("// Generated from src-tauri by tauri-specta: do not edit. Regenerate with `UPDATE_BINDINGS=1 cargo test -p ecabinet-desktop bindings`.\n// @ts-nocheck")
        .bigint(specta_typescript::BigIntExportBehavior::Number);
    specta_builder().export_str(exporter)
}

/// Syncs and tells the UI the new status.
pub(crate) async fn sync_and_announce(
    engine: &Engine,
    app: &tauri::AppHandle,
) -> Result<SyncStatus, ecabinet_client::ClientError> {
    let client = engine.background_client().await?;
    let outcome = client.sync().await;
    let status = client.sync_status().await?;
    if let Err(error) = SyncStatusChanged(status.clone()).emit(app) {
        tracing::warn!(%error, "could not send the sync status to the window");
    }
    outcome.map(|_| status)
}

/// Downloads upcoming meetings' packs, telling the UI how far it got.
async fn prefetch_and_announce(engine: &Engine, app: &tauri::AppHandle) {
    let Ok(client) = engine.background_client().await else {
        return;
    };
    let outcome = client
        .prefetch(|progress| {
            let _ = PrefetchProgressChanged(progress.clone()).emit(app);
        })
        .await;
    if let Err(error) = outcome {
        tracing::info!(%error, "prefetch stopped; it resumes at the next sync");
    }
}

/// Keeps the server's event socket open while the app runs, waking the sync
/// loop whenever the server is ahead; reconnects with backoff (1 s … 30 s),
/// and wakes the loop on reconnection so the app catches up at once.
async fn follow_server(engine: Arc<Engine>, poked: Arc<tokio::sync::Notify>) {
    let mut backoff = Duration::from_secs(1);
    loop {
        if let Ok(Some(client)) = engine.client_if_enrolled().await {
            let wake = poked.clone();
            let started = std::time::Instant::now();
            let outcome = client.follow_server(move |_| wake.notify_one()).await;
            if started.elapsed() > Duration::from_secs(60) {
                backoff = Duration::from_secs(1);
            }
            if let Err(error) = outcome {
                tracing::info!(%error, "event socket closed; retrying in {} s", backoff.as_secs());
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(BACKGROUND_SYNC_EVERY);
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ECAB_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let profile_dir = std::env::var_os("ECAB_PROFILE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(default_profile_dir);
    let engine = Arc::new(Engine::new(profile_dir));
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .invoke_handler(builder.invoke_handler())
        .register_asynchronous_uri_scheme_protocol(pages::SCHEME, pages::handle)
        .manage(engine.clone())
        .manage(Arc::new(pages::CancelBelow::default()))
        .manage(Arc::new(session::SessionFollower::default()))
        .manage(Arc::new(room::RoomRunner::default()))
        .manage(Arc::new(room::VoiceRunner::default()))
        .setup(move |app| {
            builder.mount_events(app);
            let handle = app.handle().clone();
            let poked = Arc::new(tokio::sync::Notify::new());
            tauri::async_runtime::spawn(follow_server(engine.clone(), poked.clone()));
            tauri::async_runtime::spawn(async move {
                loop {
                    if let Ok(Some(_)) = engine.client_if_enrolled().await {
                        match sync_and_announce(&engine, &handle).await {
                            Ok(_) => prefetch_and_announce(&engine, &handle).await,
                            Err(error) => {
                                tracing::info!(%error, "background sync did not complete")
                            }
                        }
                    }
                    // The next sync: when the server pokes, or after the interval.
                    let _ = tokio::time::timeout(BACKGROUND_SYNC_EVERY, poked.notified()).await;
                }
            });
            if let Some(window) = app.get_webview_window("main") {
                let title = if session::room_display_requested() {
                    "eCabinet — Phòng họp"
                } else {
                    "eCabinet"
                };
                let _ = window.set_title(title);
            }
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("eCabinet could not start its window: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    /// The checked-in bindings must be what the Rust side generates today.
    #[test]
    fn bindings_are_fresh() {
        let generated = super::typescript_bindings().expect("bindings export");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write bindings");
            return;
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p ecabinet-desktop bindings` and commit it"
        );
    }
}
