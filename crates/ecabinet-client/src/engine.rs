//! [`Engine`]: the client as a long-lived shell sees it (the desktop app):
//! a profile folder that may or may not be enrolled yet, opened lazily and
//! shared by every command.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::RwLock;

use crate::error::{ClientError, ClientResult};
use crate::views::AppStatus;
use crate::Client;

#[derive(Debug)]
pub struct Engine {
    profile_dir: PathBuf,
    client: RwLock<Option<Arc<Client>>>,
}

impl Engine {
    pub fn new(profile_dir: PathBuf) -> Self {
        Self {
            profile_dir,
            client: RwLock::new(None),
        }
    }

    pub fn profile_dir(&self) -> &Path {
        &self.profile_dir
    }

    /// The enrolled client, opened on first use; `NotEnrolled` before enrolment.
    pub async fn client(&self) -> ClientResult<Arc<Client>> {
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

    /// The client if this profile is enrolled, `None` if not; other errors pass through.
    pub async fn client_if_enrolled(&self) -> ClientResult<Option<Arc<Client>>> {
        match self.client().await {
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
            }),
            None => Ok(AppStatus {
                profile: None,
                sync: None,
            }),
        }
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
        })
    }
}
