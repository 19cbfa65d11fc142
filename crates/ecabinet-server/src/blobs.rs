//! The blob folder: sealed document chunks as files under the data folder,
//! `blobs/<document>/<version>/<index>`. Written to a temporary name and
//! renamed, so a chunk is either whole or absent after a crash.

use std::path::{Path, PathBuf};

use ecabinet_domain::DocumentId;
use tokio::io::AsyncWriteExt;

#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn chunk_path(&self, document: DocumentId, version: u32, index: u32) -> PathBuf {
        self.root
            .join(document.to_string())
            .join(version.to_string())
            .join(index.to_string())
    }

    pub async fn put_chunk(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
        bytes: &[u8],
    ) -> std::io::Result<()> {
        let path = self.chunk_path(document, version, index);
        let folder = path.parent().unwrap_or(Path::new("."));
        tokio::fs::create_dir_all(folder).await?;
        let temp = folder.join(format!(".{index}.{}.tmp", uuid::Uuid::now_v7()));
        let mut file = tokio::fs::File::create(&temp).await?;
        file.write_all(bytes).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&temp, &path).await
    }

    /// The chunks stored so far for a version: (index, bytes).
    pub async fn stored_chunks(
        &self,
        document: DocumentId,
        version: u32,
    ) -> std::io::Result<Vec<(u32, Vec<u8>)>> {
        let folder = self
            .root
            .join(document.to_string())
            .join(version.to_string());
        let mut entries = match tokio::fs::read_dir(&folder).await {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(error),
        };
        let mut chunks = Vec::new();
        while let Some(entry) = entries.next_entry().await? {
            // Temporary files start with a dot and are not chunks yet.
            let Some(index) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            chunks.push((index, tokio::fs::read(entry.path()).await?));
        }
        chunks.sort_by_key(|(index, _)| *index);
        Ok(chunks)
    }

    /// The chunk's bytes, or `None` if it was never uploaded.
    pub async fn get_chunk(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
    ) -> std::io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.chunk_path(document, version, index)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }
}
