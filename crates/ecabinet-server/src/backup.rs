//! Backups of the embedded store while the server runs, and their restore.
//!
//! A backup is one tar file: a manifest, a consistent snapshot of the
//! SQLite database (`VACUUM INTO`, a read transaction beside the running
//! server, which keeps writing), then the blob folder. The snapshot is
//! taken first: every chunk the snapshot names was written (synced and
//! renamed) before its row was committed, so it is in the folder copied
//! after; chunks written later are harmless extras. The server's signing
//! key lives in the database, so receipts and orderer signatures verify
//! after a restore.
//!
//! When the chunks are in an S3 bucket they stay there: the backup holds
//! the bucket's listing (names and sizes, taken after the snapshot), and a
//! restore checks that every listed chunk is still in the bucket it is
//! given. Keeping the bucket's objects (versioning, a replica) is the
//! object store's job; chunks are never changed once published.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use thiserror::Error;

use crate::blobs::{BlobsConfigError, BlobsLocation, StoredBlob};
use crate::serve::sqlite_path;

const MANIFEST: &str = "ecabinet-backup.json";
const DATABASE: &str = "ecabinet.sqlite3";
const PG_DUMP: &str = "ecabinet.pgdump";
const BLOBS: &str = "blobs";
const BLOB_LISTING: &str = "blobs-listing.json";
const FORMAT: u32 = 1;

#[derive(Debug, Error)]
pub enum BackupError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database snapshot: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0} holds no eCabinet database (ecabinet.sqlite3): nothing to back up")]
    NoDatabase(PathBuf),
    #[error("{tool} failed: {detail}")]
    Tool { tool: &'static str, detail: String },
    #[error("this backup is of a PostgreSQL store: give --database-url of an empty database to restore it into")]
    NeedsDatabase,
    #[error("this backup is of the embedded SQLite store: restore it without --database-url")]
    NotPostgres,
    #[error("{0} is not an eCabinet backup: {1}")]
    NotABackup(PathBuf, String),
    #[error("{0} is not empty: restore into a new folder, so nothing is overwritten")]
    NotEmpty(PathBuf),
    #[error(transparent)]
    Blobs(#[from] BlobsConfigError),
    #[error("the object store: {0}")]
    BlobStore(std::io::Error),
    #[error("this backup's document chunks are in the bucket {0}: restore with --blobs s3://… naming that bucket (or a copy of it)")]
    NeedsBucket(String),
    #[error("{missing} of the {listed} document chunks this backup lists are not in {store} (the first: {first}); restore from a copy of the bucket that has them")]
    ChunksMissing {
        missing: usize,
        listed: usize,
        store: String,
        first: String,
    },
}

fn sqlite() -> String {
    "sqlite".into()
}

/// Runs a PostgreSQL client tool, with its error output as the reason.
async fn run_tool(tool: &'static str, args: &[&std::ffi::OsStr]) -> Result<(), BackupError> {
    let output = tokio::process::Command::new(tool)
        .args(args)
        .output()
        .await
        .map_err(|e| BackupError::Tool {
            tool,
            detail: format!("{e} (install Debian's postgresql-client)"),
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(BackupError::Tool {
            tool,
            detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a backup holds, written first in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: u32,
    /// "sqlite" (the snapshot is ecabinet.sqlite3) or "postgres" (a
    /// pg_dump custom archive, ecabinet.pgdump).
    #[serde(default = "sqlite")]
    pub backend: String,
    pub created_at: DateTime<Utc>,
    pub server_version: String,
    /// Bytes of the database snapshot.
    pub database_bytes: u64,
    /// Blob chunks copied (or listed, when they are in a bucket).
    pub chunks: u64,
    /// The bucket the chunks stay in (`s3://…`); None: they are in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob_store: Option<String>,
}

/// Backs up the data folder `data` (the server may be running) into `out`,
/// written under a temporary name and renamed when whole. `database_url`:
/// the PostgreSQL store (dumped with `pg_dump`), or None for the embedded
/// SQLite in `data`; `blobs`: where the server keeps its chunks.
pub async fn backup(
    data: &Path,
    database_url: Option<&str>,
    blobs: &BlobsLocation,
    out: &Path,
) -> Result<BackupManifest, BackupError> {
    let work = tempfile::Builder::new()
        .prefix(".ecabinet-backup")
        .tempdir_in(
            out.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )
        .map_err(io(out))?;
    let (snapshot, name, backend) = match database_url {
        Some(url) => {
            let dump = work.path().join(PG_DUMP);
            // pg_dump reads in one repeatable-read snapshot: consistent.
            run_tool(
                "pg_dump",
                &[
                    "--format=custom".as_ref(),
                    "--no-owner".as_ref(),
                    "--no-privileges".as_ref(),
                    "--file".as_ref(),
                    dump.as_os_str(),
                    "--dbname".as_ref(),
                    url.as_ref(),
                ],
            )
            .await?;
            (dump, PG_DUMP, "postgres")
        }
        None => {
            let database = sqlite_path(data);
            if !database.exists() {
                return Err(BackupError::NoDatabase(data.to_path_buf()));
            }
            let snapshot = work.path().join(DATABASE);
            // A read transaction beside the server's writers: a consistent copy.
            let mut connection = SqliteConnectOptions::new()
                .filename(&database)
                .read_only(true)
                .busy_timeout(std::time::Duration::from_secs(30))
                .connect()
                .await?;
            sqlx::query("VACUUM INTO ?")
                .bind(snapshot.display().to_string())
                .execute(&mut connection)
                .await?;
            connection.close().await?;
            (snapshot, DATABASE, "sqlite")
        }
    };
    let database_bytes = std::fs::metadata(&snapshot).map_err(io(&snapshot))?.len();

    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial).map_err(io(&partial))?;
    let mut archive = tar::Builder::new(std::io::BufWriter::new(file));
    let mut manifest = BackupManifest {
        format: FORMAT,
        backend: backend.into(),
        created_at: Utc::now(),
        server_version: env!("CARGO_PKG_VERSION").to_owned(),
        database_bytes,
        chunks: 0,
        blob_store: None,
    };
    // Listed after the snapshot: every chunk it names is there already.
    let mut chunks = Vec::new();
    let mut listing = None;
    let folder = blobs.folder(data);
    match &folder {
        Some(folder) if folder.exists() => collect_chunks(folder, &mut chunks)?,
        Some(_) => {}
        None => {
            let store = blobs.open(data).await?;
            let listed = store.list().await.map_err(BackupError::BlobStore)?;
            manifest.blob_store = Some(store.describe());
            listing = Some(listed);
        }
    }
    manifest.chunks = listing.as_ref().map_or(chunks.len(), Vec::len) as u64;
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Io {
        path: partial.clone(),
        source: std::io::Error::other(e),
    })?;
    let mut header = tar::Header::new_gnu();
    header.set_size(text.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    archive
        .append_data(&mut header, MANIFEST, text.as_slice())
        .map_err(io(&partial))?;
    archive
        .append_path_with_name(&snapshot, name)
        .map_err(io(&snapshot))?;
    if let Some(listing) = &listing {
        let text = serde_json::to_vec(listing).map_err(|e| io(&partial)(e.into()))?;
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o600);
        header.set_cksum();
        archive
            .append_data(&mut header, BLOB_LISTING, text.as_slice())
            .map_err(io(&partial))?;
    }
    let root = folder.unwrap_or_default();
    for chunk in &chunks {
        let name = Path::new(BLOBS).join(chunk.strip_prefix(&root).unwrap_or(chunk));
        match archive.append_path_with_name(chunk, &name) {
            Ok(()) => {}
            // Removed since it was listed (a document version erased): skip it.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(io(chunk)(error)),
        }
    }
    let writer = archive.into_inner().map_err(io(&partial))?;
    let file = writer
        .into_inner()
        .map_err(|e| io(&partial)(e.into_error()))?;
    file.sync_all().map_err(io(&partial))?;
    std::fs::rename(&partial, out).map_err(io(out))?;
    Ok(manifest)
}

/// Puts the restored chunks where the restored server will look for them:
/// they stay in `work/blobs` for the data folder, move to another folder,
/// or are uploaded to a bucket; a bucket backup's listing is checked
/// against the bucket.
async fn place_chunks(
    from: &Path,
    manifest: &BackupManifest,
    work: &Path,
    data: &Path,
    blobs: &BlobsLocation,
) -> Result<(), BackupError> {
    let restored = work.join(BLOBS);
    let listing_path = work.join(BLOB_LISTING);
    if let Some(bucket) = &manifest.blob_store {
        let text = std::fs::read(&listing_path).map_err(|_| {
            BackupError::NotABackup(from.to_path_buf(), "it lists no chunks".into())
        })?;
        let listed: Vec<StoredBlob> = serde_json::from_slice(&text)
            .map_err(|e| BackupError::NotABackup(from.to_path_buf(), e.to_string()))?;
        std::fs::remove_file(&listing_path).map_err(io(&listing_path))?;
        if !matches!(blobs, BlobsLocation::S3(_)) {
            return Err(BackupError::NeedsBucket(bucket.clone()));
        }
        let store = blobs.open(data).await?;
        let present: std::collections::HashSet<StoredBlob> = store
            .list()
            .await
            .map_err(BackupError::BlobStore)?
            .into_iter()
            .collect();
        let missing: Vec<&StoredBlob> = listed.iter().filter(|b| !present.contains(b)).collect();
        if let Some(first) = missing.first() {
            return Err(BackupError::ChunksMissing {
                missing: missing.len(),
                listed: listed.len(),
                store: store.describe(),
                first: first.name.clone(),
            });
        }
        return Ok(());
    }
    match blobs {
        BlobsLocation::DataFolder => Ok(()),
        BlobsLocation::Folder(folder) => {
            if !restored.exists() {
                return Ok(());
            }
            if folder.exists() {
                std::fs::remove_dir(folder).map_err(io(folder))?;
            }
            std::fs::rename(&restored, folder).map_err(io(folder))
        }
        BlobsLocation::S3(_) => {
            let store = blobs.open(data).await?;
            let mut chunks = Vec::new();
            if restored.exists() {
                collect_chunks(&restored, &mut chunks)?;
            }
            for chunk in chunks {
                let name = chunk.strip_prefix(&restored).unwrap_or(&chunk);
                let parts: Vec<_> = name.iter().filter_map(|p| p.to_str()).collect();
                let parsed = match parts.as_slice() {
                    [document, version, index] => document
                        .parse()
                        .ok()
                        .zip(version.parse().ok())
                        .zip(index.parse().ok()),
                    _ => None,
                };
                let Some(((document, version), index)) = parsed else {
                    return Err(BackupError::NotABackup(
                        from.to_path_buf(),
                        format!("it holds a chunk named {}", name.display()),
                    ));
                };
                let bytes = std::fs::read(&chunk).map_err(io(&chunk))?;
                store
                    .put_chunk(document, version, index, bytes.into())
                    .await
                    .map_err(BackupError::BlobStore)?;
            }
            if restored.exists() {
                std::fs::remove_dir_all(&restored).map_err(io(&restored))?;
            }
            Ok(())
        }
    }
}

/// Every chunk file under the blob folder (not the temporary ones a write
/// in progress leaves).
fn collect_chunks(folder: &Path, into: &mut Vec<PathBuf>) -> Result<(), BackupError> {
    for entry in std::fs::read_dir(folder).map_err(io(folder))? {
        let entry = entry.map_err(io(folder))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            collect_chunks(&path, into)?;
        } else if kind.is_file() && !entry.file_name().to_string_lossy().ends_with(".tmp") {
            into.push(path);
        }
    }
    Ok(())
}

/// Restores the backup `from` into the new data folder `data` (absent or
/// empty), through a temporary folder renamed when whole; a PostgreSQL
/// backup's database goes into `database_url` (an empty database). The
/// chunks go where `blobs` says: the data folder, another folder, or a
/// bucket (a bucket backup's chunks are checked to be in it).
pub async fn restore(
    from: &Path,
    data: &Path,
    database_url: Option<&str>,
    blobs: &BlobsLocation,
) -> Result<BackupManifest, BackupError> {
    if let BlobsLocation::Folder(folder) = blobs {
        if folder.exists()
            && std::fs::read_dir(folder)
                .map_err(io(folder))?
                .next()
                .is_some()
        {
            return Err(BackupError::NotEmpty(folder.clone()));
        }
    }
    if data.exists() && std::fs::read_dir(data).map_err(io(data))?.next().is_some() {
        return Err(BackupError::NotEmpty(data.to_path_buf()));
    }
    let parent = data
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let work = tempfile::Builder::new()
        .prefix(".ecabinet-restore")
        .tempdir_in(parent)
        .map_err(io(parent))?;
    let file = std::fs::File::open(from).map_err(io(from))?;
    let mut archive = tar::Archive::new(std::io::BufReader::new(file));
    let mut manifest: Option<BackupManifest> = None;
    for entry in archive.entries().map_err(io(from))? {
        let mut entry = entry.map_err(io(from))?;
        let name = entry.path().map_err(io(from))?.into_owned();
        if manifest.is_none() {
            if name != Path::new(MANIFEST) {
                return Err(BackupError::NotABackup(
                    from.to_path_buf(),
                    "it does not start with an eCabinet manifest".into(),
                ));
            }
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut text).map_err(io(from))?;
            let read: BackupManifest = serde_json::from_slice(&text)
                .map_err(|e| BackupError::NotABackup(from.to_path_buf(), e.to_string()))?;
            if read.format != FORMAT {
                return Err(BackupError::NotABackup(
                    from.to_path_buf(),
                    format!(
                        "format {} is not one this server reads ({FORMAT})",
                        read.format
                    ),
                ));
            }
            manifest = Some(read);
            continue;
        }
        let allowed = name == Path::new(DATABASE)
            || name == Path::new(PG_DUMP)
            || name == Path::new(BLOB_LISTING)
            || name.starts_with(BLOBS);
        if !allowed {
            return Err(BackupError::NotABackup(
                from.to_path_buf(),
                format!("it holds {} as well", name.display()),
            ));
        }
        // `unpack_in` refuses names that climb out of the folder.
        entry.unpack_in(work.path()).map_err(io(from))?;
    }
    let manifest = manifest
        .ok_or_else(|| BackupError::NotABackup(from.to_path_buf(), "it is empty".into()))?;
    let postgres = manifest.backend == "postgres";
    let database = work.path().join(if postgres { PG_DUMP } else { DATABASE });
    let size = std::fs::metadata(&database)
        .map_err(|_| BackupError::NotABackup(from.to_path_buf(), "it holds no database".into()))?
        .len();
    if size != manifest.database_bytes {
        return Err(BackupError::NotABackup(
            from.to_path_buf(),
            "its database is cut short".into(),
        ));
    }
    match (postgres, database_url) {
        (true, None) => return Err(BackupError::NeedsDatabase),
        (false, Some(_)) => return Err(BackupError::NotPostgres),
        (true, Some(url)) => {
            run_tool(
                "pg_restore",
                &[
                    "--no-owner".as_ref(),
                    "--no-privileges".as_ref(),
                    "--exit-on-error".as_ref(),
                    "--dbname".as_ref(),
                    url.as_ref(),
                    database.as_os_str(),
                ],
            )
            .await?;
            // The data folder keeps the blobs; the database is PostgreSQL's.
            std::fs::remove_file(&database).map_err(io(&database))?;
        }
        (false, None) => {}
    }
    place_chunks(from, &manifest, work.path(), data, blobs).await?;
    if data.exists() {
        std::fs::remove_dir(data).map_err(io(data))?;
    }
    let kept = work.keep();
    std::fs::rename(&kept, data).map_err(io(data))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700)).map_err(io(data))?;
    }
    Ok(manifest)
}
