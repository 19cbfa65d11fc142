//! The idle lock's commands: one line each over the engine (see
//! `ecabinet_client::IdleLock`). The UI reports the person's activity and
//! shows the lock screen; the engine refuses document commands while locked.

use std::sync::Arc;

use ecabinet_client::{Engine, LockStatus, UiError};
use tauri::State;

type Shared<'a> = State<'a, Arc<Engine>>;

/// Whether a PIN is set and the app is locked (locking it if idle too long).
#[tauri::command]
#[specta::specta]
pub fn lock_status(engine: Shared<'_>) -> Result<LockStatus, UiError> {
    Ok(engine.lock_status())
}

/// The person did something: the idle time starts again.
#[tauri::command]
#[specta::specta]
pub fn note_activity(engine: Shared<'_>) -> Result<LockStatus, UiError> {
    Ok(engine.note_activity())
}

/// Locks the app now (the person steps away).
#[tauri::command]
#[specta::specta]
pub async fn lock_now(engine: Shared<'_>) -> Result<LockStatus, UiError> {
    Ok(engine.lock_now().await)
}

/// Opens the lock with the PIN.
#[tauri::command]
#[specta::specta]
pub fn unlock(engine: Shared<'_>, pin: String) -> Result<LockStatus, UiError> {
    Ok(engine.unlock(&pin)?)
}

/// Sets or changes the PIN and the idle time (changing needs the current PIN).
#[tauri::command]
#[specta::specta]
pub fn set_pin(
    engine: Shared<'_>,
    current: Option<String>,
    new_pin: String,
    idle_minutes: u32,
) -> Result<LockStatus, UiError> {
    Ok(engine.set_pin(current.as_deref(), &new_pin, idle_minutes)?)
}

/// Changes the idle time (the current PIN is asked again).
#[tauri::command]
#[specta::specta]
pub fn set_idle_minutes(
    engine: Shared<'_>,
    current: String,
    idle_minutes: u32,
) -> Result<LockStatus, UiError> {
    Ok(engine.set_idle_minutes(&current, idle_minutes)?)
}

/// Removes the PIN: the app no longer locks.
#[tauri::command]
#[specta::specta]
pub fn remove_pin(engine: Shared<'_>, current: String) -> Result<LockStatus, UiError> {
    Ok(engine.remove_pin(&current)?)
}
