//! The app's side of the PDF process. One thread per app owns the process
//! (`ecabinet-pdfium`, see [`crate::child`]) and the sources of the
//! documents open in it. PDFium runs one call at a time anyway, so a single
//! owner loses nothing; what it gains is that a document stays parsed
//! between pages (re-opening it for every page re-parsed it and its fonts,
//! and a page turn took twice as long). The process draws the caller's
//! watermark and encodes the PNG itself, so only the PNG crosses the pipe.
//!
//! An open document reads from a [`DocumentSource`]: a `Zeroizing` buffer,
//! or a reader that decrypts the cached chunks as PDFium asks for them; this
//! thread serves the process's reads from it. If the process dies (PDFium
//! crashed, or hit the memory limit) or overruns the time limit, it is
//! killed, the document is marked undisplayable for the rest of the app's
//! life, and the next document gets a new process; documents that were open
//! in the old one are opened again from their sources.

use std::collections::{HashMap, VecDeque};
use std::io::{BufWriter, Cursor, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::protocol::{receive, send, Block, FromChild, PdfAnswer, PdfJob, ToChild, PROTOCOL};
use crate::PdfError;

/// Documents kept open per owner (a device: a reader, the next document, one more).
const OPEN_PER_OWNER: usize = 3;
/// Documents kept open in the process, all owners together.
const OPEN_IN_PROCESS: usize = 64;

/// Names the PDF process's program, if it is not beside the app.
pub const PROCESS_ENV: &str = "ECABINET_PDF_WORKER";
/// The PDF process's address-space limit in MiB (default 2048).
pub const MEMORY_ENV: &str = "ECABINET_PDF_MEMORY_MB";
/// The PDF process's time limit per request in seconds (default 30).
pub const TIME_ENV: &str = "ECABINET_PDF_TIME_LIMIT_S";

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

    /// Bytes the caller goes on using (a file being attached is counted
    /// here and sealed there, without a copy).
    pub fn shared(bytes: Arc<Zeroizing<Vec<u8>>>) -> Self {
        Self {
            source: Box::new(Cursor::new(SharedBytes(bytes))),
            failure: SourceFailure::default(),
        }
    }
}

struct SharedBytes(Arc<Zeroizing<Vec<u8>>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// What the PDF process may use.
#[derive(Clone, Debug)]
pub struct SandboxLimits {
    /// Address space, in MiB (Unix; elsewhere only the time limit holds).
    pub memory_mb: u64,
    /// Time to answer one request, not counting the time this side spends
    /// fetching the bytes it asks for.
    pub time_per_request: Duration,
}

impl SandboxLimits {
    /// The defaults, or what [`MEMORY_ENV`] and [`TIME_ENV`] say. A page at
    /// 600 dpi is at most a few hundred MB of pixels; a page takes well
    /// under a second on the machines measured.
    pub fn from_env() -> Self {
        let number = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|n| *n > 0)
        };
        Self {
            memory_mb: number(MEMORY_ENV).unwrap_or(2048),
            time_per_request: Duration::from_secs(number(TIME_ENV).unwrap_or(30)),
        }
    }
}

/// The PDF process's program: [`PROCESS_ENV`], or `ecabinet-pdfium` beside
/// the running program, one folder up (a test binary in `target/*/deps`),
/// or in `../lib/ecabinet` (the Debian package).
pub fn find_program() -> Result<PathBuf, PdfError> {
    if let Some(path) = std::env::var_os(PROCESS_ENV) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(PdfError::ProcessMissing(format!(
                "{PROCESS_ENV} names {}, which is not a file",
                path.display()
            )))
        };
    }
    let name = format!("ecabinet-pdfium{}", std::env::consts::EXE_SUFFIX);
    let exe = std::env::current_exe().map_err(|e| PdfError::ProcessMissing(e.to_string()))?;
    let mut tried = Vec::new();
    if let Some(dir) = exe.parent() {
        for candidate in [
            dir.join(&name),
            dir.join("..").join(&name),
            dir.join("../lib/ecabinet").join(&name),
        ] {
            if candidate.is_file() {
                return Ok(candidate);
            }
            tried.push(candidate.display().to_string());
        }
    }
    Err(PdfError::ProcessMissing(format!(
        "not found at {}",
        tried.join(", ")
    )))
}

/// A running PDF process.
struct Process {
    child: Child,
    input: BufWriter<ChildStdin>,
    /// Frames from its stdout, read by a thread of their own so that a
    /// silent process can be timed out.
    frames: mpsc::Receiver<std::io::Result<FromChild>>,
}

impl Process {
    fn start(program: &PathBuf, limits: &SandboxLimits) -> Result<Self, PdfError> {
        let mut child = Command::new(program)
            .arg("--memory-mb")
            .arg(limits.memory_mb.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| PdfError::ProcessMissing(format!("{}: {e}", program.display())))?;
        let (input, output) = match (child.stdin.take(), child.stdout.take()) {
            (Some(input), Some(output)) => (input, output),
            _ => return Err(PdfError::ProcessMissing("no pipes to the process".into())),
        };
        widen_pipe(&output);
        let (sender, frames) = mpsc::channel();
        std::thread::Builder::new()
            .name("pdfium-pipe".into())
            .spawn(move || {
                let mut output = std::io::BufReader::with_capacity(1 << 20, output);
                loop {
                    let frame = receive::<FromChild>(&mut output);
                    let end = !matches!(frame, Ok(Some(_)));
                    if sender.send(frame.and_then(|f| f.ok_or(eof()))).is_err() || end {
                        break;
                    }
                }
            })
            .map_err(|e| PdfError::ProcessMissing(format!("a thread for its pipe: {e}")))?;
        let process = Self {
            child,
            input: BufWriter::new(input),
            frames,
        };
        match process.frames.recv_timeout(limits.time_per_request) {
            Ok(Ok(FromChild::Hello { protocol })) if protocol == PROTOCOL => Ok(process),
            Ok(Ok(FromChild::Hello { protocol })) => Err(PdfError::ProcessMissing(format!(
                "{} speaks protocol {protocol}, this app {PROTOCOL}: it is from another build; \
                 build both again",
                program.display()
            ))),
            other => Err(PdfError::ProcessMissing(format!(
                "{} did not greet ({other:?})",
                program.display()
            ))),
        }
    }

    /// Why the process stopped (it is killed first if it had not).
    fn stop(&mut self) -> String {
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => describe_exit(status),
            Err(e) => e.to_string(),
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A page at 150 dpi is 8.7 MB of pixels: through the default 64 KiB pipe
/// that is 130 wake-ups of each side; 1 MiB makes it nine. Best effort
/// (Linux only; a lower system limit keeps the default).
fn widen_pipe(pipe: &std::process::ChildStdout) {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::pipe::fcntl_setpipe_size(pipe, 1 << 20);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = pipe;
}

fn eof() -> std::io::Error {
    std::io::ErrorKind::UnexpectedEof.into()
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("it stopped on signal {signal}");
        }
    }
    format!("it stopped ({status})")
}

struct OpenDocument {
    key: DocumentKey,
    slot: u64,
    length: u64,
    source: Box<dyn DocumentSource>,
    failure: SourceFailure,
    /// Opened in the current process (a new process opens it again).
    in_process: bool,
}

/// How one request to the process ended.
enum Exchange {
    Answered(Result<PdfAnswer, PdfError>),
    /// The process died or overran its time: why.
    Stopped(String),
}

/// The documents open on the worker thread, least recently used first, and
/// the process they are open in.
struct OpenDocuments {
    program: Result<PathBuf, PdfError>,
    limits: SandboxLimits,
    process: Option<Process>,
    open: VecDeque<OpenDocument>,
    next_slot: u64,
    /// Documents that stopped a process: not tried again.
    undisplayable: HashMap<DocumentKey, PdfError>,
}

impl OpenDocuments {
    fn run(
        &mut self,
        key: &DocumentKey,
        opening: Option<Opening>,
        job: PdfJob,
    ) -> Result<PdfAnswer, PdfError> {
        if let Some(error) = self.undisplayable.get(key) {
            return Err(error.clone());
        }
        let at = match self.open.iter().position(|d| &d.key == key) {
            Some(at) => at,
            None => {
                let opening = opening.ok_or(PdfError::NotOpen)?;
                self.add(key, opening)?
            }
        };
        let Some(document) = self.open.remove(at) else {
            return Err(PdfError::NotOpen);
        };
        self.open.push_back(document);
        if self.process.is_none() {
            let program = self.program.clone()?;
            self.process = Some(Process::start(&program, &self.limits)?);
            for document in &mut self.open {
                document.in_process = false;
            }
        }
        let (slot, length, opened) = match self.open.back() {
            Some(d) => (d.slot, d.length, d.in_process),
            None => return Err(PdfError::NotOpen),
        };
        if !opened {
            match self.exchange(key, ToChild::Open { slot, length }) {
                Ok(_) => {
                    if let Some(d) = self.open.back_mut() {
                        d.in_process = true;
                    }
                }
                Err(error) => {
                    self.open.pop_back();
                    return Err(error);
                }
            }
        }
        let answer = self.exchange(key, ToChild::Job { slot, job });
        if answer.is_err() {
            if let Some(failed) = self.open.back().and_then(|d| source_failure(&d.failure)) {
                self.close(key);
                return Err(failed);
            }
        }
        answer
    }

    /// Takes in a document to open; evicts the least recently used.
    fn add(&mut self, key: &DocumentKey, mut opening: Opening) -> Result<usize, PdfError> {
        let length = opening
            .source
            .seek(SeekFrom::End(0))
            .and_then(|length| opening.source.seek(SeekFrom::Start(0)).map(|_| length))
            .map_err(|e| {
                source_failure(&opening.failure).unwrap_or(PdfError::Malformed(e.to_string()))
            })?;
        let owned: Vec<DocumentKey> = self
            .open
            .iter()
            .filter(|d| d.key.owner == key.owner)
            .map(|d| d.key.clone())
            .collect();
        if owned.len() >= OPEN_PER_OWNER {
            self.close(&owned[0]);
        }
        if self.open.len() >= OPEN_IN_PROCESS {
            if let Some(oldest) = self.open.front().map(|d| d.key.clone()) {
                self.close(&oldest);
            }
        }
        self.next_slot += 1;
        self.open.push_back(OpenDocument {
            key: key.clone(),
            slot: self.next_slot,
            length,
            source: opening.source,
            failure: opening.failure,
            in_process: false,
        });
        Ok(self.open.len() - 1)
    }

    /// One request to the process, serving its reads until it answers. A
    /// process that dies or overruns is stopped, and `key` is marked
    /// undisplayable.
    fn exchange(&mut self, key: &DocumentKey, request: ToChild) -> Result<PdfAnswer, PdfError> {
        match self.talk(request) {
            Exchange::Answered(answer) => answer,
            Exchange::Stopped(why) => {
                if let Some(mut process) = self.process.take() {
                    let exit = process.stop();
                    log_stopped(&format!("the PDF process was stopped: {why}; {exit}"));
                }
                let error = PdfError::Undisplayable(why);
                self.undisplayable.insert(key.clone(), error.clone());
                self.open.retain(|d| &d.key != key);
                Err(error)
            }
        }
    }

    fn talk(&mut self, request: ToChild) -> Exchange {
        let Some(process) = self.process.as_mut() else {
            return Exchange::Stopped("the PDF process is not running".into());
        };
        if let Err(e) = send(&mut process.input, &request) {
            return Exchange::Stopped(format!("the PDF process stopped listening ({e})"));
        }
        let limit = self.limits.time_per_request;
        let mut deadline = Instant::now() + limit;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            let frame = match process.frames.recv_timeout(wait) {
                Ok(Ok(frame)) => frame,
                Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Exchange::Stopped("the PDF engine stopped while reading it".into())
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Exchange::Stopped(format!(
                        "the PDF engine worked on it for more than {} s",
                        limit.as_secs_f32()
                    ))
                }
            };
            match frame {
                FromChild::Done(answer) => return Exchange::Answered(answer),
                FromChild::Read {
                    slot,
                    offset,
                    length,
                } => {
                    let started = Instant::now();
                    let bytes = match self.open.iter_mut().find(|d| d.slot == slot) {
                        Some(document) => read_at(document.source.as_mut(), offset, length),
                        None => Err(format!("no open document {slot}")),
                    };
                    if let Err(e) = send(&mut process.input, &ToChild::Bytes(bytes.map(Block))) {
                        return Exchange::Stopped(format!(
                            "the PDF process stopped listening ({e})"
                        ));
                    }
                    // Fetching a chunk over the network is not the engine's time.
                    deadline += started.elapsed();
                }
                FromChild::Hello { .. } => {
                    return Exchange::Stopped("the PDF process started over".into())
                }
            }
        }
    }

    fn close(&mut self, key: &DocumentKey) {
        if let Some(at) = self.open.iter().position(|d| &d.key == key) {
            if let Some(document) = self.open.remove(at) {
                self.tell_closed(&document);
            }
        }
    }

    fn forget(&mut self, owner: [u8; 16]) {
        let (gone, kept): (VecDeque<_>, VecDeque<_>) =
            self.open.drain(..).partition(|d| d.key.owner == owner);
        self.open = kept;
        for document in &gone {
            self.tell_closed(document);
        }
    }

    fn tell_closed(&mut self, document: &OpenDocument) {
        if let (true, Some(process)) = (document.in_process, self.process.as_mut()) {
            if send(
                &mut process.input,
                &ToChild::Close {
                    slot: document.slot,
                },
            )
            .is_err()
            {
                self.process = None;
            }
        }
    }
}

/// A stopped PDF process is worth a line on the app's stderr for whoever
/// reads its log (this crate has no logger of its own).
fn log_stopped(line: &str) {
    eprintln!("ecabinet-pdf: {line}");
}

/// Up to `length` bytes of `source` from `offset` (fewer at its end).
fn read_at(source: &mut dyn DocumentSource, offset: u64, length: u32) -> Result<Vec<u8>, String> {
    source
        .seek(SeekFrom::Start(offset))
        .map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(length as usize);
    source
        .take(u64::from(length))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
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

/// The app's PDF thread and, through it, the PDF process.
pub struct PdfWorker {
    jobs: mpsc::Sender<Job>,
}

static WORKER: OnceLock<Result<PdfWorker, PdfError>> = OnceLock::new();

impl PdfWorker {
    /// The app's worker, started on first use with the program
    /// [`find_program`] finds and the limits [`SandboxLimits::from_env`]
    /// gives; its thread starts the PDF process at once.
    pub fn get() -> Result<&'static PdfWorker, PdfError> {
        WORKER
            .get_or_init(|| Self::start(find_program(), SandboxLimits::from_env()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A worker of its own (tests; a tool with other limits). Its thread
    /// and process end when it is dropped.
    pub fn start(
        program: Result<PathBuf, PdfError>,
        limits: SandboxLimits,
    ) -> Result<PdfWorker, PdfError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("pdfium".into())
            .spawn(move || {
                // The process starts now, while the caller reads and decrypts
                // what it will show; a failure is reported at first use.
                let process = program
                    .as_ref()
                    .ok()
                    .and_then(|path| Process::start(path, &limits).ok());
                let mut documents = OpenDocuments {
                    program,
                    limits,
                    process,
                    open: VecDeque::new(),
                    next_slot: 0,
                    undisplayable: HashMap::new(),
                };
                while let Ok(job) = queue.recv() {
                    job(&mut documents);
                }
            })
            .map_err(|e| PdfError::Render(format!("could not start the PDF thread: {e}")))?;
        Ok(PdfWorker { jobs })
    }

    async fn on_thread<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut OpenDocuments) -> Result<T, PdfError> + Send + 'static,
    ) -> Result<T, PdfError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |documents: &mut OpenDocuments| {
                let _ = reply.send(work(documents));
            }))
            .map_err(|_| PdfError::Render("the PDF thread has stopped".into()))?;
        answer
            .await
            .map_err(|_| PdfError::Render("the PDF thread stopped before answering".into()))?
    }

    /// Runs `job` on the document `key`. If the document is not open,
    /// `opening` opens it; without it the answer is [`PdfError::NotOpen`]
    /// and the caller prepares the document and asks again. If the source
    /// failed a check meanwhile, the document is closed and the answer says
    /// why ([`PdfError::Source`]); if PDFium crashed or hung on it, the
    /// answer is [`PdfError::Undisplayable`], now and for the rest of the
    /// app's life.
    pub async fn with_document(
        &self,
        key: DocumentKey,
        opening: Option<Opening>,
        job: PdfJob,
    ) -> Result<PdfAnswer, PdfError> {
        self.on_thread(move |documents| documents.run(&key, opening, job))
            .await
    }

    /// Runs `job` on a document not kept open afterwards (a file being
    /// attached, two versions compared).
    pub async fn once(&self, opening: Opening, job: PdfJob) -> Result<PdfAnswer, PdfError> {
        self.on_thread(move |documents| {
            // An owner no device has: the next one-off never meets it again.
            documents.next_slot += 1;
            let mut owner = [0xff; 16];
            owner[..8].copy_from_slice(&documents.next_slot.to_le_bytes());
            let key = DocumentKey {
                owner,
                document: [0; 16],
                version: 0,
            };
            let answer = documents.run(&key, Some(opening), job);
            documents.close(&key);
            documents.undisplayable.remove(&key);
            answer
        })
        .await
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
                documents.forget(owner);
            }));
    }
}
