//! One thread per process talks to PDFium and keeps the documents it has
//! opened. PDFium runs one call at a time anyway (pdfium-render holds a
//! process-wide lock), so a single owner loses nothing; what it gains is
//! that a document stays parsed between pages. Opening a document again for
//! every page re-parsed it and its fonts: on the 50-page demo a page turn
//! took twice as long. The pixels leave the thread at once: the watermark
//! and the PNG are drawn by the caller, in parallel with the next render.
//!
//! An open document keeps its decrypted bytes in a `Zeroizing` buffer that
//! PDFium reads from; both go when the document is closed (evicted or
//! forgotten), on this thread.

use std::collections::VecDeque;
use std::io::Cursor;
use std::sync::{mpsc, OnceLock};

use zeroize::Zeroizing;

use crate::{OpenPdf, PdfEngine, PdfError};

/// Documents kept open per owner (a device: a reader, the next document, one more).
const OPEN_PER_OWNER: usize = 3;
/// Documents kept open in the process, all owners together.
const OPEN_IN_PROCESS: usize = 64;

/// Which document version, opened for whom. Owners never share an open
/// document: each device's access is checked by its own client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DocumentKey {
    pub owner: [u8; 16],
    pub document: [u8; 16],
    pub version: u32,
}

struct OpenDocument {
    key: DocumentKey,
    pdf: OpenPdf<'static>,
}

/// The documents open on the worker thread, least recently used first.
struct OpenDocuments {
    engine: PdfEngine,
    open: VecDeque<OpenDocument>,
}

impl OpenDocuments {
    fn get(
        &mut self,
        key: &DocumentKey,
        bytes: Option<Zeroizing<Vec<u8>>>,
    ) -> Result<&OpenPdf<'static>, PdfError> {
        if let Some(at) = self.open.iter().position(|d| &d.key == key) {
            if let Some(found) = self.open.remove(at) {
                self.open.push_back(found);
            }
        } else {
            let bytes = bytes.ok_or(PdfError::NotOpen)?;
            let pdf = self.engine.open_owned(bytes)?;
            let owned = self
                .open
                .iter()
                .filter(|d| d.key.owner == key.owner)
                .count();
            if owned >= OPEN_PER_OWNER {
                if let Some(at) = self.open.iter().position(|d| d.key.owner == key.owner) {
                    self.open.remove(at);
                }
            }
            if self.open.len() >= OPEN_IN_PROCESS {
                self.open.pop_front();
            }
            self.open.push_back(OpenDocument {
                key: key.clone(),
                pdf,
            });
        }
        self.open.back().map(|d| &d.pdf).ok_or(PdfError::NotOpen)
    }
}

type Job = Box<dyn FnOnce(&mut OpenDocuments) + Send>;

/// The process's PDF thread.
pub struct PdfWorker {
    jobs: mpsc::Sender<Job>,
}

static WORKER: OnceLock<Result<PdfWorker, PdfError>> = OnceLock::new();

impl PdfWorker {
    /// The worker, started on first use (binding PDFium then).
    pub fn get() -> Result<&'static PdfWorker, PdfError> {
        WORKER
            .get_or_init(Self::start)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn start() -> Result<PdfWorker, PdfError> {
        let engine = PdfEngine::load()?;
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("pdfium".into())
            .spawn(move || {
                let mut documents = OpenDocuments {
                    engine,
                    open: VecDeque::new(),
                };
                // Ends when the process does (the sender lives in a static).
                while let Ok(job) = queue.recv() {
                    job(&mut documents);
                }
            })
            .map_err(|e| PdfError::Render(format!("could not start the PDF thread: {e}")))?;
        Ok(PdfWorker { jobs })
    }

    /// Runs `job` on the document `key`. If the document is not open,
    /// `bytes` opens it; without them the answer is [`PdfError::NotOpen`]
    /// and the caller decrypts the document and asks again.
    pub async fn with_document<T, F>(
        &self,
        key: DocumentKey,
        bytes: Option<Zeroizing<Vec<u8>>>,
        job: F,
    ) -> Result<T, PdfError>
    where
        T: Send + 'static,
        F: FnOnce(&OpenPdf<'static>) -> Result<T, PdfError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |documents: &mut OpenDocuments| {
                let result = documents.get(&key, bytes).and_then(job);
                let _ = reply.send(result);
            }))
            .map_err(|_| PdfError::Render("the PDF thread has stopped".into()))?;
        answer
            .await
            .map_err(|_| PdfError::Render("the PDF thread stopped before answering".into()))?
    }

    /// Closes every document open for `owner` (a device wiped), if the
    /// worker was ever started.
    pub fn forget_if_running(owner: [u8; 16]) {
        if let Some(Ok(worker)) = WORKER.get() {
            worker.forget(owner);
        }
    }

    /// Closes every document open for `owner`.
    pub fn forget(&self, owner: [u8; 16]) {
        let _ = self
            .jobs
            .send(Box::new(move |documents: &mut OpenDocuments| {
                documents.open.retain(|d| d.key.owner != owner);
            }));
    }
}

impl PdfEngine {
    /// Opens a document that owns its decrypted bytes (wiped when it closes).
    pub(crate) fn open_owned(
        &self,
        bytes: Zeroizing<Vec<u8>>,
    ) -> Result<OpenPdf<'static>, PdfError> {
        let document = self
            .pdfium
            .load_pdf_from_reader(Cursor::new(bytes), None)
            .map_err(crate::malformed)?;
        Ok(OpenPdf { document })
    }
}
