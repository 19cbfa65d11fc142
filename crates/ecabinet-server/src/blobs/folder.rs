//! The blob folder: sealed document chunks as files,
//! `<root>/<document>/<version>/<index>`. Written to a temporary name,
//! synced and renamed, so a chunk is either whole or absent after a crash.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use ecabinet_domain::DocumentId;

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

/// The block size direct writes are aligned to (a multiple of any disk's
/// logical block).
#[cfg(target_os = "linux")]
const DIRECT_ALIGN: usize = 4096;

/// Writes `bytes` to a new file at `path` and makes it durable. Where the
/// file system allows, the whole blocks go straight from memory to the disk
/// (`O_DIRECT`), the rest through the page cache: a chunk is synced before
/// its upload is answered anyway, so the page cache only added a copy into
/// memory the machine had to find for it. On a virtual machine, memory not
/// touched before costs about 2.5 ms per MB the first time, and writing a
/// 100 MB document's chunks into it was most of the server's work in a
/// secretary's `ecab doc add` (0.6 of 0.7 s of its CPU in a cold run). Members
/// read a new chunk from the disk once; the server keeps it in memory after.
fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    #[cfg(target_os = "linux")]
    let whole = bytes.len() / DIRECT_ALIGN * DIRECT_ALIGN;
    #[cfg(target_os = "linux")]
    if whole > 0 && write_direct(path, &bytes[..whole]).is_ok() {
        use std::os::unix::fs::FileExt;
        file.write_all_at(&bytes[whole..], whole as u64)?;
        return file.sync_all();
    }
    // No direct writes here (tmpfs, some network file systems), or one
    // failed halfway: all of it again, from the start, through the cache.
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(target_os = "linux")]
thread_local! {
    /// A block-aligned copy of the chunk being written directly, kept per
    /// blocking thread so the copy does not fault in fresh memory each time.
    static ALIGNED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Writes `blocks` (whole blocks) at the start of the file at `path`,
/// bypassing the page cache. (The sync that follows on the other handle
/// also makes these blocks' place in the file durable.)
#[cfg(target_os = "linux")]
fn write_direct(path: &Path, blocks: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::{FileExt, OpenOptionsExt};
    let direct = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_DIRECT)
        .open(path)?;
    if (blocks.as_ptr() as usize).is_multiple_of(DIRECT_ALIGN) {
        return direct.write_all_at(blocks, 0);
    }
    ALIGNED.with(|aligned| {
        let mut aligned = aligned.borrow_mut();
        if aligned.len() < blocks.len() + DIRECT_ALIGN {
            aligned.resize(blocks.len() + DIRECT_ALIGN, 0);
        }
        let misalignment = aligned.as_ptr() as usize % DIRECT_ALIGN;
        let start = (DIRECT_ALIGN - misalignment) % DIRECT_ALIGN;
        let buffer = &mut aligned[start..start + blocks.len()];
        buffer.copy_from_slice(blocks);
        direct.write_all_at(buffer, 0)
    })
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
        let written = temp.clone();
        tokio::task::spawn_blocking(move || write_durably(&written, &bytes))
            .await
            .map_err(std::io::Error::other)??;
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

#[cfg(test)]
mod tests {
    use super::write_durably;

    /// Whole blocks go past the page cache and the tail through it; the file
    /// must hold exactly the bytes, wherever they sat in memory, on a file
    /// system with direct writes and on one without (tmpfs).
    #[test]
    fn a_durable_write_holds_exactly_the_bytes() {
        let data: Vec<u8> = (0..(1 << 20) + 4096 + 17)
            .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let disk = tempfile::tempdir().expect("tempdir");
        let memory = std::path::Path::new("/dev/shm")
            .is_dir()
            .then(|| tempfile::tempdir_in("/dev/shm").expect("tmpfs"));
        let folders = std::iter::once(disk.path()).chain(memory.as_ref().map(|m| m.path()));
        for folder in folders {
            for (n, (from, length)) in [
                (0, 0),
                (0, 100),
                (0, 4096),
                (1, 4096 + 16),
                (3, (1 << 20) + 16),
                (0, (1 << 20) + 4096 + 17),
            ]
            .into_iter()
            .enumerate()
            {
                let bytes = &data[from..from + length];
                let path = folder.join(format!("chunk-{n}"));
                write_durably(&path, bytes).expect("written");
                assert_eq!(std::fs::read(&path).expect("read"), bytes, "{n}");
                assert!(write_durably(&path, bytes).is_err(), "never overwrites");
            }
        }
    }
}
