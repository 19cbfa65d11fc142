//! Test harness: start a real server (SQLite in a temporary folder, or a
//! PostgreSQL cluster of the test's own), issue invites, enrol client engines.

pub mod postgres;
pub mod relay;

use std::path::PathBuf;

use anyhow::{Context, Result};
use ecabinet_client::Client;
use ecabinet_domain::Role;
use ecabinet_server::{start, RunningServer, ServeConfig};
use tempfile::TempDir;

pub use postgres::PgCluster;

/// Which database a test server uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A server on a free loopback port with its own data, removed on drop.
pub struct TestServer {
    pub server: RunningServer,
    pub dir: TempDir,
    // Kept alive for the server's lifetime; stops the cluster on drop.
    _postgres: Option<PgCluster>,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Result<Self> {
        Self::start_with(backend, false).await
    }

    pub async fn start_with(backend: Backend, demo: bool) -> Result<Self> {
        Self::start_full(backend, demo, Default::default()).await
    }

    /// With a device policy of the test's choosing (cache days and cap).
    pub async fn start_full(
        backend: Backend,
        demo: bool,
        policy: ecabinet_domain::api::DevicePolicy,
    ) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let (database_url, postgres) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let cluster =
                    PgCluster::start().context("starting a PostgreSQL cluster for the test")?;
                (Some(cluster.url("ecabinet")?), Some(cluster))
            }
        };
        let server = start(ServeConfig {
            data_dir: dir.path().join("server"),
            listen: "127.0.0.1:0".parse()?,
            database_url,
            tls: None,
            demo,
            policy,
        })
        .await?;
        Ok(Self {
            server,
            dir,
            _postgres: postgres,
        })
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Creates a person (and the organisation on first use) and returns an enrolment code.
    pub async fn invite(&self, name: &str, role: Role) -> Result<String> {
        let services = &self.server.services;
        services.ensure_organisation("Chính phủ (kiểm thử)").await?;
        let person = services.create_person(name, role).await?;
        Ok(services.issue_invite(person).await?.code.to_string())
    }

    /// A fresh profile folder for one client device.
    pub fn profile(&self, name: &str) -> PathBuf {
        self.dir.path().join("profiles").join(name)
    }

    /// Invites a new person and enrols one device for them.
    pub async fn enrol(&self, name: &str, role: Role) -> Result<Client> {
        let code = self.invite(name, role).await?;
        Ok(Client::enroll(
            &self.profile(name),
            &self.url(),
            &code,
            Some(&format!("{name}'s laptop")),
        )
        .await?)
    }

    pub async fn stop(self) -> Result<()> {
        self.server.shutdown().await?;
        Ok(())
    }
}
