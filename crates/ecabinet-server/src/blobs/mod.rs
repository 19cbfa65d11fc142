//! Where sealed document chunks live: a folder on this machine (the
//! embedded default), or an S3-compatible bucket shared by every instance
//! (`--blobs s3://bucket/prefix?endpoint=…`). Either way a chunk is named
//! `<document>/<version>/<index>`, is written whole or not at all, and is
//! ciphertext only: the server never holds a document key.

mod cache;
mod folder;
mod s3;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use ecabinet_domain::DocumentId;
use thiserror::Error;

pub use cache::ChunkCache;
pub use folder::FolderBlobs;
pub use s3::{S3Blobs, S3Location};

/// One stored object, as a backup lists it.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct StoredBlob {
    /// `<document>/<version>/<index>`, relative to the store's root.
    pub name: String,
    pub bytes: u64,
}

/// The chunk's name inside a store.
pub(crate) fn chunk_name(document: DocumentId, version: u32, index: u32) -> String {
    format!("{document}/{version}/{index}")
}

/// The store of sealed chunks. Errors are I/O errors: the services turn
/// them into a 500 with the cause in the server's log.
#[async_trait]
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores a chunk, replacing an earlier upload of the same index
    /// (resuming an upload rewrites what did not arrive whole).
    async fn put_chunk(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
        bytes: bytes::Bytes,
    ) -> std::io::Result<()>;

    /// The chunk's bytes, or `None` if it was never uploaded.
    async fn get_chunk(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
    ) -> std::io::Result<Option<Vec<u8>>>;

    /// The chunks stored so far for a version: (index, bytes), by index.
    async fn stored_chunks(
        &self,
        document: DocumentId,
        version: u32,
    ) -> std::io::Result<Vec<(u32, Vec<u8>)>>;

    /// Every stored chunk, by name: what a backup records.
    async fn list(&self) -> std::io::Result<Vec<StoredBlob>>;

    /// Where the chunks are, for messages and the backup's manifest.
    fn describe(&self) -> String;
}

/// Where the server keeps chunks, as configured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum BlobsLocation {
    /// `DATA/blobs`, beside the embedded database.
    #[default]
    DataFolder,
    /// A folder of the operator's choice.
    Folder(PathBuf),
    /// An S3-compatible bucket.
    S3(S3Location),
}

#[derive(Debug, Error)]
pub enum BlobsConfigError {
    #[error("--blobs {given}: {reason}")]
    Invalid { given: String, reason: String },
    #[error("cannot use the object store {location}: {reason}")]
    Unreachable { location: String, reason: String },
}

impl BlobsLocation {
    /// `s3://bucket[/prefix]?endpoint=URL[&region=R]` (credentials from
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`), or a folder.
    pub fn parse(given: &str) -> Result<Self, BlobsConfigError> {
        if given.starts_with("s3://") {
            let credentials = |name: &str| std::env::var(name).ok();
            return Ok(Self::S3(S3Location::parse(given, credentials)?));
        }
        if given.contains("://") {
            return Err(BlobsConfigError::Invalid {
                given: given.into(),
                reason: "give a folder or an s3://bucket address; no other kind of store is known"
                    .into(),
            });
        }
        Ok(Self::Folder(PathBuf::from(given)))
    }

    /// Opens the store; an S3 bucket is reached once here, so a wrong
    /// address or key stops the server at start, not at the first upload.
    pub async fn open(&self, data_dir: &Path) -> Result<Arc<dyn BlobStore>, BlobsConfigError> {
        Ok(match self {
            Self::DataFolder => Arc::new(FolderBlobs::new(data_dir.join("blobs"))),
            Self::Folder(path) => Arc::new(FolderBlobs::new(path.clone())),
            Self::S3(location) => Arc::new(S3Blobs::open(location).await?),
        })
    }

    /// The folder the chunks are in, when they are in one.
    pub fn folder(&self, data_dir: &Path) -> Option<PathBuf> {
        match self {
            Self::DataFolder => Some(data_dir.join("blobs")),
            Self::Folder(path) => Some(path.clone()),
            Self::S3(_) => None,
        }
    }
}
