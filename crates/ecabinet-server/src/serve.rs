//! Start-up: open the store, load the server key, optionally seed the demo,
//! and listen, on plain HTTP only when the address is loopback.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use thiserror::Error;
use tokio::task::JoinHandle;

use crate::services::{ServiceError, Services};
use crate::store::{open_store, StoreError};

#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Holds the SQLite database and, later, the blob folder.
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// `postgres://…` to use PostgreSQL instead of the embedded SQLite.
    pub database_url: Option<String>,
    pub tls: Option<TlsFiles>,
    /// Seed the demo organisation and meeting on first start.
    pub demo: bool,
    /// What devices are told about their document cache.
    pub policy: ecabinet_domain::api::DevicePolicy,
    pub voice: VoiceConfig,
    /// `GET /metrics` from another machine with `Authorization: Bearer
    /// TOKEN` (this machine needs none).
    pub metrics_token: Option<String>,
    /// Where document chunks are kept: the data folder by default, or an
    /// S3 bucket shared by several instances.
    pub blobs: crate::blobs::BlobsLocation,
}

impl ServeConfig {
    /// Plain HTTP on a free loopback port, the embedded database and blob
    /// folder in `data_dir`, every other setting at its default: what tests
    /// and tools start from (`ServeConfig { database_url, ..ServeConfig::loopback(dir) }`).
    pub fn loopback(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: None,
            tls: None,
            demo: false,
            policy: Default::default(),
            voice: Default::default(),
            metrics_token: None,
            blobs: Default::default(),
        }
    }
}

/// The server's voice forwarding.
#[derive(Clone, Debug)]
pub struct VoiceConfig {
    /// Voices a member hears at once.
    pub slots: usize,
    /// Where members send media; None: the listening address (all of this
    /// machine's addresses when it listens on all).
    pub address: Option<std::net::IpAddr>,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self {
            slots: ecabinet_voice::DEFAULT_SLOTS,
            address: None,
        }
    }
}

#[derive(Debug, Error)]
pub enum ServeError {
    #[error(
        "refusing to serve plain HTTP on {0}: devices would send their tokens unencrypted. \
         Give --tls-cert and --tls-key, or listen on a loopback address such as 127.0.0.1"
    )]
    PlainHttpOffLoopback(SocketAddr),
    #[error("cannot use the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "another ecabinet-server is already serving the data folder {0}: the embedded SQLite \
         database is one process's. Stop the other one, or run several instances on \
         PostgreSQL (--database-url postgres://…)"
    )]
    DataDirInUse(PathBuf),
    #[error("cannot load the TLS certificate or key: {0}")]
    Tls(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Blobs(#[from] crate::blobs::BlobsConfigError),
}

/// The path of the embedded database inside a data folder.
pub fn sqlite_path(data_dir: &Path) -> PathBuf {
    data_dir.join("ecabinet.sqlite3")
}

/// Creates the data folder (owner-only) and opens the configured store.
pub async fn open_services(
    data_dir: &Path,
    database_url: Option<&str>,
    blobs: &crate::blobs::BlobsLocation,
) -> Result<Services, ServeError> {
    create_private_dir(data_dir)?;
    let store = open_store(database_url, &sqlite_path(data_dir)).await?;
    let blobs = blobs.open(data_dir).await?;
    Ok(Services::new(store, blobs).await?)
}

fn create_private_dir(path: &Path) -> Result<(), ServeError> {
    let wrap = |source| ServeError::DataDir {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(path).map_err(wrap)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(wrap)?;
    }
    Ok(())
}

/// Holds `DATA/server.lock` for as long as the server serves.
fn lock_data_dir(data_dir: &Path) -> Result<std::fs::File, ServeError> {
    let path = data_dir.join("server.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| ServeError::DataDir {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(ServeError::DataDirInUse(data_dir.to_path_buf()))
        }
        Err(std::fs::TryLockError::Error(source)) => Err(ServeError::DataDir { path, source }),
    }
}

/// A server that is listening; dropping it does not stop it, [`RunningServer::shutdown`] does.
#[derive(Debug)]
pub struct RunningServer {
    pub local_addr: SocketAddr,
    pub services: Services,
    pub scheme: &'static str,
    handle: Handle<SocketAddr>,
    task: JoinHandle<std::io::Result<()>>,
    /// Closes motions at their set time while the server runs.
    closer: JoinHandle<()>,
}

impl RunningServer {
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.local_addr)
    }

    /// Stops accepting, lets requests in flight finish (up to 5 s), and waits.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.closer.abort();
        self.handle
            .graceful_shutdown(Some(std::time::Duration::from_secs(5)));
        self.task
            .await
            .unwrap_or_else(|join| Err(std::io::Error::other(join)))
    }

    /// Waits until the server stops by itself (it only does on an IO error).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task
            .await
            .unwrap_or_else(|join| Err(std::io::Error::other(join)))
    }

    pub fn handle(&self) -> Handle<SocketAddr> {
        self.handle.clone()
    }
}

pub async fn start(config: ServeConfig) -> Result<RunningServer, ServeError> {
    if config.tls.is_none() && !config.listen.ip().is_loopback() {
        return Err(ServeError::PlainHttpOffLoopback(config.listen));
    }
    // The embedded database is one serving process's: a second one on the
    // same folder would race the first one's single writer. (Admin commands
    // such as `invite` open it briefly and are fine.)
    let lock = match &config.database_url {
        Some(_) => None,
        None => {
            create_private_dir(&config.data_dir)?;
            Some(lock_data_dir(&config.data_dir)?)
        }
    };
    let services = open_services(
        &config.data_dir,
        config.database_url.as_deref(),
        &config.blobs,
    )
    .await?
    .with_voice(ecabinet_voice::sfu::Sfu::new(
        config.voice.address.unwrap_or(config.listen.ip()),
        config.voice.slots,
    ));
    if config.demo {
        if let Some(summary) = crate::demo::seed(&services).await? {
            tracing::info!(meeting = %summary.meeting.id, "seeded the demo organisation and meeting");
        }
    }
    let app = crate::http::router(
        services
            .clone()
            .with_policy(config.policy)
            .with_metrics_token(config.metrics_token.clone()),
    );
    let closer = tokio::spawn(crate::voting::close_motions_on_time(services.clone()));
    let handle = Handle::new();
    let listener =
        std::net::TcpListener::bind(config.listen).map_err(|source| ServeError::Listen {
            addr: config.listen,
            source,
        })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServeError::Listen {
            addr: config.listen,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| ServeError::Listen {
        addr: config.listen,
        source,
    })?;
    // The peer's address, for the brakes on guessing codes and answers.
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    let (scheme, task) = match &config.tls {
        Some(tls) => {
            // ring is the one crypto provider in this build; installing it
            // twice (tests start several servers) is harmless.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let rustls = RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .map_err(ServeError::Tls)?;
            let server = axum_server::from_tcp_rustls(listener, rustls)
                .map_err(|source| ServeError::Listen {
                    addr: config.listen,
                    source,
                })?
                .handle(handle.clone());
            (
                "https",
                tokio::spawn(async move {
                    let _lock = lock;
                    server.serve(service).await
                }),
            )
        }
        None => {
            let server = axum_server::from_tcp(listener)
                .map_err(|source| ServeError::Listen {
                    addr: config.listen,
                    source,
                })?
                .handle(handle.clone());
            (
                "http",
                tokio::spawn(async move {
                    let _lock = lock;
                    server.serve(service).await
                }),
            )
        }
    };
    Ok(RunningServer {
        local_addr,
        services,
        scheme,
        handle,
        task,
        closer,
    })
}
