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
        // No fsync here: a chunk is durable once its version is published
        // (`sync_version`, before the publication commits). One lost in a
        // crash before that shows as missing in the upload state, and the
        // secretariat's device sends it again.
        file.flush().await?;
        drop(file);
        tokio::fs::rename(&temp, &path).await
    }

    /// Makes a version's chunks durable (each file, then the folder that
    /// names them), a few at a time: each fsync waits on the disk.
    pub async fn sync_version(
        &self,
        document: DocumentId,
        version: u32,
        count: u32,
    ) -> std::io::Result<()> {
        let paths: Vec<PathBuf> = (0..count)
            .map(|index| self.chunk_path(document, version, index))
            .collect();
        let folder = self
            .root
            .join(document.to_string())
            .join(version.to_string());
        tokio::task::spawn_blocking(move || {
            let per_thread = paths.len().div_ceil(4).max(1);
            std::thread::scope(|scope| -> std::io::Result<()> {
                let workers: Vec<_> = paths
                    .chunks(per_thread)
                    .map(|group| {
                        scope.spawn(move || -> std::io::Result<()> {
                            for path in group {
                                std::fs::File::open(path)?.sync_all()?;
                            }
                            Ok(())
                        })
                    })
                    .collect();
                for worker in workers {
                    worker
                        .join()
                        .map_err(|_| std::io::Error::other("a sync thread panicked"))??;
                }
                Ok(())
            })?;
            std::fs::File::open(&folder)?.sync_all()
        })
        .await
        .map_err(std::io::Error::other)?
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
