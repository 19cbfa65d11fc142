//! The blob folder: sealed document chunks as files,
//! `<root>/<document>/<version>/<index>`. Written to a temporary name,
//! synced and renamed, so a chunk is either whole or absent after a crash.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use ecabinet_domain::DocumentId;
use tokio::io::AsyncWriteExt;

use super::{BlobStore, StoredBlob};

#[derive(Clone, Debug)]
pub struct FolderBlobs {
    root: PathBuf,
}

impl FolderBlobs {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn version_folder(&self, document: DocumentId, version: u32) -> PathBuf {
        self.root
            .join(document.to_string())
            .join(version.to_string())
    }
}

/// A chunk's index from its file name; temporary files start with a dot.
fn chunk_index(name: &std::ffi::OsStr) -> Option<u32> {
    name.to_str().and_then(|n| n.parse::<u32>().ok())
}

async fn read_dir_if_any(folder: &Path) -> std::io::Result<Option<tokio::fs::ReadDir>> {
    match tokio::fs::read_dir(folder).await {
        Ok(entries) => Ok(Some(entries)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

#[async_trait]
impl BlobStore for FolderBlobs {
    async fn put_chunk(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
        bytes: bytes::Bytes,
    ) -> std::io::Result<()> {
        let folder = self.version_folder(document, version);
        tokio::fs::create_dir_all(&folder).await?;
        let temp = folder.join(format!(".{index}.{}.tmp", uuid::Uuid::now_v7()));
        let mut file = tokio::fs::File::create(&temp).await?;
        file.write_all(&bytes).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&temp, folder.join(index.to_string())).await
    }

    async fn stored_chunks(
        &self,
        document: DocumentId,
        version: u32,
    ) -> std::io::Result<Vec<(u32, Vec<u8>)>> {
        let Some(mut entries) = read_dir_if_any(&self.version_folder(document, version)).await?
        else {
            return Ok(Vec::new());
        };
        let mut chunks = Vec::new();
        while let Some(entry) = entries.next_entry().await? {
            let Some(index) = chunk_index(&entry.file_name()) else {
                continue;
            };
            chunks.push((index, tokio::fs::read(entry.path()).await?));
        }
        chunks.sort_by_key(|(index, _)| *index);
        Ok(chunks)
    }

    async fn get_chunk(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
    ) -> std::io::Result<Option<Vec<u8>>> {
        let path = self
            .version_folder(document, version)
            .join(index.to_string());
        match tokio::fs::read(path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn list(&self) -> std::io::Result<Vec<StoredBlob>> {
        let mut blobs = Vec::new();
        let Some(mut documents) = read_dir_if_any(&self.root).await? else {
            return Ok(blobs);
        };
        while let Some(document) = documents.next_entry().await? {
            let Some(mut versions) = read_dir_if_any(&document.path()).await? else {
                continue;
            };
            while let Some(version) = versions.next_entry().await? {
                let Some(mut chunks) = read_dir_if_any(&version.path()).await? else {
                    continue;
                };
                while let Some(chunk) = chunks.next_entry().await? {
                    if chunk_index(&chunk.file_name()).is_none() {
                        continue;
                    }
                    blobs.push(StoredBlob {
                        name: format!(
                            "{}/{}/{}",
                            document.file_name().to_string_lossy(),
                            version.file_name().to_string_lossy(),
                            chunk.file_name().to_string_lossy()
                        ),
                        bytes: chunk.metadata().await?.len(),
                    });
                }
            }
        }
        blobs.sort();
        Ok(blobs)
    }

    fn describe(&self) -> String {
        self.root.display().to_string()
    }
}
