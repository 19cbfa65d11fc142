//! [`Engine`]: the client as a long-lived shell sees it (the desktop app):
//! a profile folder that may or may not be enrolled yet, opened lazily and
//! shared by every command, behind the app's idle lock ([`IdleLock`]):
//! what the person sees goes through [`Engine::client`], which refuses
//! while the lock is closed; the work behind the scenes (sync, prefetch,
//! the event socket) goes through [`Engine::background_client`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::RwLock;

use crate::error::{ClientError, ClientResult};
use crate::idle_lock::{IdleLock, LockStatus};
use crate::views::AppStatus;
use crate::Client;

#[derive(Debug)]
pub struct Engine {
    profile_dir: PathBuf,
    client: RwLock<Option<Arc<Client>>>,
    idle_lock: IdleLock,
}

impl Engine {
    pub fn new(profile_dir: PathBuf) -> Self {
        Self {
            idle_lock: IdleLock::open(&profile_dir),
            profile_dir,
            client: RwLock::new(None),
        }
    }

    pub fn profile_dir(&self) -> &Path {
        &self.profile_dir
    }

    /// The enrolled client for what the person sees: `PinRequired` while
    /// the idle lock is closed; `NotEnrolled` before enrolment.
    pub async fn client(&self) -> ClientResult<Arc<Client>> {
        if let Err(error) = self.idle_lock.check() {
            // Locked: nothing stays open in the PDF process either.
            if let Ok(Some(client)) = self.client_if_enrolled().await {
                client.close_documents();
            }
            return Err(error);
        }
        self.background_client().await
    }

    /// The enrolled client for work behind the scenes (sync, prefetch, the
    /// event socket), which goes on while the app is locked.
    pub async fn background_client(&self) -> ClientResult<Arc<Client>> {
        if let Some(client) = self.client.read().await.as_ref() {
            return Ok(client.clone());
        }
        let mut slot = self.client.write().await;
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client = Arc::new(Client::open(&self.profile_dir).await?);
        *slot = Some(client.clone());
        Ok(client)
    }

    /// The client if this profile is enrolled, `None` if not; other errors
    /// pass through. Not held back by the idle lock (see [`Engine::client`]).
    pub async fn client_if_enrolled(&self) -> ClientResult<Option<Arc<Client>>> {
        match self.background_client().await {
            Ok(client) => Ok(Some(client)),
            Err(ClientError::NotEnrolled(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    pub async fn status(&self) -> ClientResult<AppStatus> {
        match self.client_if_enrolled().await? {
            Some(client) => Ok(AppStatus {
                profile: Some(client.summary()),
                sync: Some(client.sync_status().await?),
                lock: self.idle_lock.status(),
            }),
            None => Ok(AppStatus {
                profile: None,
                sync: None,
                lock: self.idle_lock.status(),
            }),
        }
    }

    /// The idle lock: its state, and the person's activity.
    pub fn lock_status(&self) -> LockStatus {
        self.idle_lock.status()
    }

    /// The person did something (a key, a click, scrolling).
    pub fn note_activity(&self) -> LockStatus {
        self.idle_lock.touch()
    }

    /// Locks now, and closes the documents open in the PDF process.
    pub async fn lock_now(&self) -> LockStatus {
        let status = self.idle_lock.lock();
        if status.locked {
            if let Ok(Some(client)) = self.client_if_enrolled().await {
                client.close_documents();
            }
        }
        status
    }

    pub fn unlock(&self, pin: &str) -> ClientResult<LockStatus> {
        self.idle_lock.unlock(pin)
    }

    /// Sets or changes the PIN (changing needs the current one).
    pub fn set_pin(
        &self,
        current: Option<&str>,
        new_pin: &str,
        idle_minutes: u32,
    ) -> ClientResult<LockStatus> {
        self.idle_lock.set_pin(current, new_pin, idle_minutes)
    }

    pub fn set_idle_minutes(&self, current: &str, idle_minutes: u32) -> ClientResult<LockStatus> {
        self.idle_lock.set_idle_minutes(current, idle_minutes)
    }

    pub fn remove_pin(&self, current: &str) -> ClientResult<LockStatus> {
        self.idle_lock.remove_pin(current)
    }

    /// Enrols this profile, then syncs once so the first screen has data.
    pub async fn enroll(
        &self,
        server_url: &str,
        code: &str,
        device_name: Option<&str>,
    ) -> ClientResult<AppStatus> {
        let mut slot = self.client.write().await;
        let client =
            Arc::new(Client::enroll(&self.profile_dir, server_url, code, device_name).await?);
        if let Err(error) = client.sync().await {
            tracing::warn!(%error, "first sync after enrolment failed; the status shows it");
        }
        *slot = Some(client.clone());
        drop(slot);
        Ok(AppStatus {
            profile: Some(client.summary()),
            sync: Some(client.sync_status().await?),
            lock: self.idle_lock.status(),
        })
    }
}
