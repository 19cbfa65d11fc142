//! One thread per process talks to PDFium and keeps the documents it has
//! opened. PDFium runs one call at a time anyway (pdfium-render holds a
//! process-wide lock), so a single owner loses nothing; what it gains is
//! that a document stays parsed between pages. Opening a document again for
//! every page re-parsed it and its fonts: on the 50-page demo a page turn
//! took twice as long. The pixels leave the thread at once: the watermark
//! and the PNG are drawn by the caller, in parallel with the next render.
//!
//! An open document reads from a [`DocumentSource`]: a `Zeroizing` buffer,
//! or a reader that decrypts the cached chunks as PDFium asks for them. It
//! goes when the document is closed (evicted or forgotten), on this thread.

use std::collections::VecDeque;
use std::io::{Cursor, Read, Seek};
use std::sync::{mpsc, Arc, Mutex, OnceLock};

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

/// Where PDFium reads an open document's bytes from.
pub trait DocumentSource: Read + Seek + Send {}
impl<T: Read + Seek + Send> DocumentSource for T {}

/// Why a source could not give PDFium the bytes it asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceProblem {
    /// The bytes failed a check (a tampered chunk).
    Damaged(String),
    /// The bytes could not be fetched (the network, while a page waited).
    Unavailable(String),
}

/// Set by a source whose read failed: PDFium only sees a failed read, the
/// caller learns why from here.
pub type SourceFailure = Arc<Mutex<Option<SourceProblem>>>;

/// A document to open, if the thread does not hold it already.
pub struct Opening {
    pub source: Box<dyn DocumentSource>,
    pub failure: SourceFailure,
}

impl Opening {
    /// Decrypted bytes held in memory (wiped when the document closes).
    pub fn bytes(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self {
            source: Box::new(Cursor::new(bytes)),
            failure: SourceFailure::default(),
        }
    }
}

struct OpenDocument {
    key: DocumentKey,
    pdf: OpenPdf<'static>,
    failure: SourceFailure,
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
        opening: Option<Opening>,
    ) -> Result<(&OpenPdf<'static>, SourceFailure), PdfError> {
        if let Some(at) = self.open.iter().position(|d| &d.key == key) {
            if let Some(found) = self.open.remove(at) {
                self.open.push_back(found);
            }
        } else {
            let opening = opening.ok_or(PdfError::NotOpen)?;
            let pdf = match self.engine.open_source(opening.source) {
                Ok(pdf) => pdf,
                Err(error) => return Err(source_failure(&opening.failure).unwrap_or(error)),
            };
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
                failure: opening.failure,
            });
        }
        self.open
            .back()
            .map(|d| (&d.pdf, d.failure.clone()))
            .ok_or(PdfError::NotOpen)
    }

    fn close(&mut self, key: &DocumentKey) {
        self.open.retain(|d| &d.key != key);
    }
}

/// The source's own account of a failed read, if it gave one.
fn source_failure(failure: &SourceFailure) -> Option<PdfError> {
    failure
        .lock()
        .ok()
        .and_then(|mut f| f.take())
        .map(|problem| match problem {
            SourceProblem::Damaged(why) => PdfError::Source(why),
            SourceProblem::Unavailable(why) => PdfError::SourceUnavailable(why),
        })
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
    /// `opening` opens it; without it the answer is [`PdfError::NotOpen`]
    /// and the caller prepares the document and asks again. If the source
    /// failed a check meanwhile, the document is closed and the answer says
    /// why ([`PdfError::Source`]).
    pub async fn with_document<T, F>(
        &self,
        key: DocumentKey,
        opening: Option<Opening>,
        job: F,
    ) -> Result<T, PdfError>
    where
        T: Send + 'static,
        F: FnOnce(&OpenPdf<'static>) -> Result<T, PdfError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |documents: &mut OpenDocuments| {
                let result = match documents.get(&key, opening) {
                    Ok((pdf, failure)) => match job(pdf) {
                        Ok(value) => Ok(value),
                        Err(error) => match source_failure(&failure) {
                            Some(failed) => {
                                documents.close(&key);
                                Err(failed)
                            }
                            None => Err(error),
                        },
                    },
                    Err(error) => Err(error),
                };
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
    /// Opens a document that owns its source (dropped when it closes).
    pub(crate) fn open_source(
        &self,
        source: Box<dyn DocumentSource>,
    ) -> Result<OpenPdf<'static>, PdfError> {
        let document = self
            .pdfium
            .load_pdf_from_reader(source, None)
            .map_err(crate::malformed)?;
        Ok(OpenPdf { document })
    }
}
