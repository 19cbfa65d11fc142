//! A cached document version read a chunk at a time: PDFium asks for byte
//! ranges (the cross-reference at the end, then a page's objects), and only
//! the sealed chunks holding them are read from the cache, checked against
//! the signed manifest, and decrypted. Opening page 1 of a 100 MB scan costs
//! the chunks that page needs, not the whole file, and the plaintext in
//! memory is a few chunks, never the document.
//!
//! A chunk not in the cache yet is fetched when PDFium first needs it (the
//! reader is used on the PDF thread, which may wait on the network), so a
//! page of a document still downloading draws as soon as its own chunks
//! have arrived. A chunk that fails its check is dropped from the cache (the
//! next read fetches it again) and the read fails; the failure is kept so
//! the caller can say what happened rather than PDFium's "not a readable
//! PDF".

use std::collections::VecDeque;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;

use ecabinet_crypto::{open_chunk, ChunkContext, ContentKey};
use ecabinet_domain::ChunkInfo;
use ecabinet_pdf::SourceProblem;
use zeroize::Zeroizing;

/// Decrypted chunks kept for the next read (PDFium reads around a position).
const RECENT_CHUNKS: usize = 4;

/// What went wrong with a chunk, for the caller to report.
pub(crate) type ChunkFailure = ecabinet_pdf::SourceFailure;

/// Fetches sealed chunk N from the server, checked against the manifest and
/// stored in the cache; `Err` says why not.
pub(crate) type FetchChunk = Box<dyn Fn(usize) -> Result<Vec<u8>, SourceProblem> + Send>;

pub(crate) struct SealedReader {
    key: ContentKey,
    context: ChunkContext,
    /// The folder of `N.sealed` files of this document version.
    cache: PathBuf,
    chunks: Vec<ChunkInfo>,
    chunk_size: u64,
    size: u64,
    position: u64,
    recent: VecDeque<(usize, Zeroizing<Vec<u8>>)>,
    title: String,
    failure: ChunkFailure,
    /// Fetches what the cache lacks (`None`: everything must be cached).
    fetch: Option<FetchChunk>,
}

impl SealedReader {
    pub(crate) fn new(
        key: ContentKey,
        context: ChunkContext,
        cache: PathBuf,
        manifest: &ecabinet_domain::DocumentManifest,
        title: String,
    ) -> (Self, ChunkFailure) {
        let failure = ChunkFailure::default();
        let reader = Self {
            key,
            context,
            cache,
            chunks: manifest.chunks.clone(),
            chunk_size: u64::from(manifest.chunk_size.max(1)),
            size: manifest.size,
            position: 0,
            recent: VecDeque::with_capacity(RECENT_CHUNKS),
            title,
            failure: failure.clone(),
            fetch: None,
        };
        (reader, failure)
    }

    /// Fetches chunks the cache lacks as they are needed.
    pub(crate) fn fetching(mut self, fetch: FetchChunk) -> Self {
        self.fetch = Some(fetch);
        self
    }

    fn refuse(&self, index: usize, why: &str) -> io::Error {
        let message = format!(
            "chunk {index} of \"{}\" {why}; it was dropped from the cache and will be downloaded again",
            self.title
        );
        let _ = std::fs::remove_file(self.cache.join(format!("{index}.sealed")));
        self.fail(SourceProblem::Damaged(message))
    }

    fn fail(&self, problem: SourceProblem) -> io::Error {
        let message = match &problem {
            SourceProblem::Damaged(why) | SourceProblem::Unavailable(why) => why.clone(),
        };
        if let Ok(mut failure) = self.failure.lock() {
            failure.get_or_insert(problem);
        }
        io::Error::new(io::ErrorKind::InvalidData, message)
    }

    /// The sealed chunk, from the cache or (if it is missing there and the
    /// reader may fetch) from the server.
    fn sealed(&self, index: usize) -> io::Result<Vec<u8>> {
        match std::fs::read(self.cache.join(format!("{index}.sealed"))) {
            Ok(bytes) => Ok(bytes),
            Err(_) => match &self.fetch {
                Some(fetch) => fetch(index).map_err(|problem| self.fail(problem)),
                None => Err(self.refuse(index, "is missing from the cache")),
            },
        }
    }

    /// The plaintext of chunk `index`, decrypted now or kept from a recent read.
    fn chunk(&mut self, index: usize) -> io::Result<&[u8]> {
        if let Some(at) = self.recent.iter().position(|(i, _)| *i == index) {
            if let Some(found) = self.recent.remove(at) {
                self.recent.push_back(found);
            }
        } else {
            let info = self.chunks.get(index).ok_or_else(|| {
                io::Error::new(io::ErrorKind::UnexpectedEof, "past the last chunk")
            })?;
            let sealed = self.sealed(index)?;
            if !crate::documents::matches_manifest(&sealed, info) {
                return Err(self.refuse(index, "does not match its signed manifest"));
            }
            let last = index + 1 == self.chunks.len();
            let plain = open_chunk(&self.key, &self.context, index as u32, last, &sealed)
                .map(Zeroizing::new)
                .map_err(|_| self.refuse(index, "failed to decrypt"))?;
            let expected = if last {
                self.size - self.chunk_size * (self.chunks.len() as u64 - 1)
            } else {
                self.chunk_size
            };
            if plain.len() as u64 != expected {
                return Err(self.refuse(index, "is not the size its manifest says"));
            }
            if self.recent.len() == RECENT_CHUNKS {
                self.recent.pop_front();
            }
            self.recent.push_back((index, plain));
        }
        Ok(self
            .recent
            .back()
            .map(|(_, plain)| plain.as_slice())
            .unwrap_or(&[]))
    }
}

impl Read for SealedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.position >= self.size || buf.is_empty() {
            return Ok(0);
        }
        let index = (self.position / self.chunk_size) as usize;
        let offset = (self.position % self.chunk_size) as usize;
        let plain = self.chunk(index)?;
        let available = plain.len().saturating_sub(offset);
        let n = available.min(buf.len());
        buf[..n].copy_from_slice(&plain[offset..offset + n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for SealedReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.size.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        let target = target.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the document",
            )
        })?;
        self.position = target;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecabinet_crypto::{b64_encode, seal_chunk, sha256};
    use ecabinet_domain::{AgendaItemId, DeviceId, DocumentId, DocumentManifest};

    const CHUNK: usize = 1000;

    /// A document of `size` bytes sealed in chunks of 1000 into a temporary folder.
    fn sealed(size: usize) -> (tempfile::TempDir, SealedReader, ChunkFailure, Vec<u8>) {
        let plain: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
        let key = ContentKey::generate().expect("key");
        let context = ChunkContext {
            document_id: [5; 16],
            version: 1,
        };
        let dir = tempfile::tempdir().expect("temp");
        let pieces: Vec<&[u8]> = plain.chunks(CHUNK).collect();
        let mut chunks = Vec::new();
        for (index, piece) in pieces.iter().enumerate() {
            let bytes = seal_chunk(
                &key,
                &context,
                index as u32,
                index + 1 == pieces.len(),
                piece,
            )
            .expect("seal");
            std::fs::write(dir.path().join(format!("{index}.sealed")), &bytes).expect("write");
            chunks.push(ChunkInfo {
                size: bytes.len() as u32,
                sha256: b64_encode(&sha256(&bytes)),
            });
        }
        let manifest = DocumentManifest {
            document_id: DocumentId::new(),
            version: 1,
            agenda_item_id: AgendaItemId::new(),
            title: "t".into(),
            file_name: "t.pdf".into(),
            media_type: "application/pdf".into(),
            size: size as u64,
            chunk_size: CHUNK as u32,
            chunks,
            uploaded_by: DeviceId::new(),
            uploaded_at: chrono::Utc::now(),
            handling: Default::default(),
            page_count: None,
            exchange: None,
        };
        let (reader, failure) = SealedReader::new(
            key,
            context,
            dir.path().to_path_buf(),
            &manifest,
            "Tờ trình".into(),
        );
        (dir, reader, failure, plain)
    }

    #[test]
    fn reads_in_any_order_across_chunk_boundaries() {
        let (_dir, mut reader, failure, plain) = sealed(10_500);
        // The end first (as PDFium looks for the cross-reference), then back
        // and forth, across boundaries, past the end.
        for (from, len) in [
            (10_400, 100),
            (0, 10),
            (995, 10),
            (5_000, 2_500),
            (42, 1),
            (9_999, 501),
        ] {
            reader.seek(SeekFrom::Start(from)).expect("seek");
            let mut got = vec![0; len];
            reader.read_exact(&mut got).expect("read");
            assert_eq!(got, plain[from as usize..from as usize + len], "at {from}");
        }
        assert_eq!(reader.seek(SeekFrom::End(-3)).expect("seek"), 10_497);
        let mut tail = Vec::new();
        reader.read_to_end(&mut tail).expect("read");
        assert_eq!(tail, plain[10_497..]);
        assert!(reader.seek(SeekFrom::Current(-20_000)).is_err());
        let mut all = Vec::new();
        reader.seek(SeekFrom::Start(0)).expect("seek");
        reader.read_to_end(&mut all).expect("read");
        assert_eq!(all, plain);
        assert!(failure.lock().expect("lock").is_none());
    }

    #[test]
    fn chunks_missing_from_the_cache_are_fetched_when_read() {
        let (dir, reader, failure, plain) = sealed(4_200);
        // The "server" has chunks 1 to 3; the cache keeps only chunk 0 and 4.
        let mut served = std::collections::HashMap::new();
        for index in 1..=3 {
            let file = dir.path().join(format!("{index}.sealed"));
            served.insert(index, std::fs::read(&file).expect("read"));
            std::fs::remove_file(file).expect("remove");
        }
        let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        let mut reader = reader.fetching(Box::new(move |index| {
            log.lock().expect("lock").push(index);
            match index {
                3 => Err(SourceProblem::Unavailable("the network is down".into())),
                _ => served
                    .get(&index)
                    .cloned()
                    .ok_or(SourceProblem::Damaged("unknown".into())),
            }
        }));
        // The end and the start come from the cache, the middle from the "server".
        reader.seek(SeekFrom::Start(4_150)).expect("seek");
        let mut end = vec![0; 50];
        reader.read_exact(&mut end).expect("read");
        assert_eq!(end, plain[4_150..]);
        reader.seek(SeekFrom::Start(1_990)).expect("seek");
        let mut middle = vec![0; 20];
        reader
            .read_exact(&mut middle)
            .expect("read across chunks 1 and 2");
        assert_eq!(middle, plain[1_990..2_010]);
        assert_eq!(
            *asked.lock().expect("lock"),
            vec![1, 2],
            "only what was read"
        );
        // A chunk that cannot be fetched fails the read as absence, not damage.
        reader.seek(SeekFrom::Start(3_500)).expect("seek");
        assert!(reader.read(&mut [0; 10]).is_err());
        assert_eq!(
            failure.lock().expect("lock").clone(),
            Some(SourceProblem::Unavailable("the network is down".into()))
        );
    }

    #[test]
    fn a_tampered_chunk_fails_the_read_and_leaves_the_cache() {
        let (dir, mut reader, failure, plain) = sealed(4_200);
        let mut first = vec![0; 100];
        reader.read_exact(&mut first).expect("chunk 0 is fine");
        assert_eq!(first, plain[..100]);
        let file = dir.path().join("2.sealed");
        let mut bytes = std::fs::read(&file).expect("read");
        bytes[10] ^= 1;
        std::fs::write(&file, bytes).expect("write");
        reader.seek(SeekFrom::Start(2_500)).expect("seek");
        let error = reader.read(&mut [0; 10]).expect_err("tampered");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        let said = failure.lock().expect("lock").clone().expect("a reason");
        let SourceProblem::Damaged(said) = said else {
            panic!("a tampered chunk is damage, not absence: {said:?}");
        };
        assert!(said.contains("chunk 2 of \"Tờ trình\""), "{said}");
        assert!(!file.exists(), "dropped from the cache");
        // Chunks that were fine still read.
        reader.seek(SeekFrom::Start(3_100)).expect("seek");
        let mut later = vec![0; 50];
        reader.read_exact(&mut later).expect("chunk 3 is fine");
        assert_eq!(later, plain[3_100..3_150]);
    }
}
