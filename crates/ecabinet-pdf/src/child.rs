//! The PDF process (`ecabinet-pdfium`): PDFium parses files the device did
//! not make, so it runs here, apart from the app, under a memory limit. A
//! hostile or broken PDF that crashes PDFium or makes it allocate without
//! bound ends this process only; the app sees the pipe close (or its time
//! limit pass), says "this document could not be displayed" and starts a
//! new process for the next document.
//!
//! The process holds no keys and reads no files: the app hands it the
//! decrypted bytes PDFium asks for, a block at a time, over stdin.

use std::collections::{HashMap, VecDeque};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Stdin, Stdout};
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use crate::protocol::{receive, send, Block, FromChild, PdfAnswer, PdfJob, ToChild, PROTOCOL};
use crate::{OpenPdf, PdfEngine, PdfError};

/// Bytes asked of the app at a time: PDFium reads small pieces around a
/// position, and a round trip per piece would cost more than the bytes.
const BLOCK: u64 = 256 * 1024;
/// Blocks kept per document for the next reads.
const RECENT_BLOCKS: usize = 8;

struct Pipe {
    input: BufReader<Stdin>,
    output: BufWriter<Stdout>,
}

type SharedPipe = Arc<Mutex<Pipe>>;

fn lock(pipe: &SharedPipe) -> io::Result<std::sync::MutexGuard<'_, Pipe>> {
    pipe.lock()
        .map_err(|_| io::Error::other("the pipe to the app was poisoned"))
}

/// A document's bytes as PDFium reads them: asked of the app by block.
struct ProxyReader {
    slot: u64,
    length: u64,
    position: u64,
    pipe: SharedPipe,
    recent: VecDeque<(u64, Zeroizing<Vec<u8>>)>,
}

impl ProxyReader {
    fn block(&mut self, index: u64) -> io::Result<&[u8]> {
        if let Some(at) = self.recent.iter().position(|(i, _)| *i == index) {
            if let Some(found) = self.recent.remove(at) {
                self.recent.push_back(found);
            }
        } else {
            let offset = index * BLOCK;
            let wanted = BLOCK.min(self.length.saturating_sub(offset));
            let bytes = {
                let mut pipe = lock(&self.pipe)?;
                send(
                    &mut pipe.output,
                    &FromChild::Read {
                        slot: self.slot,
                        offset,
                        length: wanted as u32,
                    },
                )?;
                match receive::<ToChild>(&mut pipe.input)? {
                    Some(ToChild::Bytes(Ok(Block(bytes)))) if bytes.len() as u64 == wanted => bytes,
                    Some(ToChild::Bytes(Ok(Block(bytes)))) => {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!("{} bytes where {wanted} were asked for", bytes.len()),
                        ))
                    }
                    Some(ToChild::Bytes(Err(why))) => return Err(io::Error::other(why)),
                    Some(other) => {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("the app sent {other:?} while bytes were awaited"),
                        ))
                    }
                    None => return Err(io::ErrorKind::UnexpectedEof.into()),
                }
            };
            if self.recent.len() >= RECENT_BLOCKS {
                self.recent.pop_front();
            }
            self.recent.push_back((index, Zeroizing::new(bytes)));
        }
        Ok(self.recent.back().map(|(_, b)| b.as_slice()).unwrap_or(&[]))
    }
}

impl Read for ProxyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.position >= self.length || buf.is_empty() {
            return Ok(0);
        }
        let position = self.position;
        let block = self.block(position / BLOCK)?;
        let from = (position % BLOCK) as usize;
        let available = block.get(from..).unwrap_or(&[]);
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for ProxyReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(n) => self.length.checked_add_signed(n),
            SeekFrom::Current(n) => self.position.checked_add_signed(n),
        };
        self.position = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.position)
    }
}

fn run_job(pdf: &OpenPdf<'static>, job: PdfJob) -> Result<PdfAnswer, PdfError> {
    Ok(match job {
        PdfJob::PageCount => PdfAnswer::PageCount(pdf.page_count()),
        PdfJob::Render {
            page,
            dpi,
            watermark,
        } => {
            let image = pdf.render(page, dpi, &watermark)?;
            let png = crate::encode_png(&image)?;
            PdfAnswer::Page {
                width: image.width(),
                height: image.height(),
                png,
                page_count: pdf.page_count(),
            }
        }
        PdfJob::Text { page } => PdfAnswer::Text(pdf.text(page)?),
        PdfJob::AllText => PdfAnswer::Texts(
            (1..=pdf.page_count())
                .map(|page| pdf.text(page))
                .collect::<Result<_, _>>()?,
        ),
        PdfJob::TextIn { page, rects } => PdfAnswer::Texts(
            rects
                .iter()
                .map(|[x, y, w, h]| pdf.text_in(page, *x, *y, *w, *h))
                .collect::<Result<_, _>>()?,
        ),
        PdfJob::Search { phrase } => PdfAnswer::Hits(pdf.search(&phrase)?),
    })
}

/// Caps the process's address space, so that a PDF that makes PDFium
/// allocate without bound fails an allocation here rather than pushing the
/// laptop into swap.
fn limit_memory(megabytes: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::process::{setrlimit, Resource, Rlimit};
        let bytes = megabytes.saturating_mul(1024 * 1024);
        setrlimit(
            Resource::As,
            Rlimit {
                current: Some(bytes),
                maximum: Some(bytes),
            },
        )?;
    }
    #[cfg(not(unix))]
    let _ = megabytes;
    Ok(())
}

/// Usage of the `ecabinet-pdfium` program.
pub const USAGE: &str = "ecabinet-pdfium: eCabinet's PDF process. The eCabinet app starts it \
itself and talks to it over stdin and stdout; it is not meant to be run by hand.\n\
usage: ecabinet-pdfium [--memory-mb N]";

/// The process's main loop: answers the app until it closes stdin.
pub fn serve(memory_mb: Option<u64>) -> io::Result<()> {
    if let Some(megabytes) = memory_mb {
        limit_memory(megabytes)?;
    }
    let pipe: SharedPipe = Arc::new(Mutex::new(Pipe {
        input: BufReader::new(io::stdin()),
        output: BufWriter::with_capacity(1 << 20, io::stdout()),
    }));
    send(
        &mut lock(&pipe)?.output,
        &FromChild::Hello { protocol: PROTOCOL },
    )?;
    let engine = PdfEngine::load();
    let mut documents: HashMap<u64, OpenPdf<'static>> = HashMap::new();
    loop {
        let request = receive::<ToChild>(&mut lock(&pipe)?.input)?;
        let answer = match request {
            None => return Ok(()),
            Some(ToChild::Open { slot, length }) => {
                let reader = ProxyReader {
                    slot,
                    length,
                    position: 0,
                    pipe: pipe.clone(),
                    recent: VecDeque::with_capacity(RECENT_BLOCKS),
                };
                engine
                    .clone()
                    .and_then(|engine| engine.open_source(Box::new(reader)))
                    .map(|pdf| {
                        let pages = pdf.page_count();
                        documents.insert(slot, pdf);
                        PdfAnswer::PageCount(pages)
                    })
            }
            Some(ToChild::Job { slot, job }) => match documents.get(&slot) {
                Some(pdf) => run_job(pdf, job),
                None => Err(PdfError::NotOpen),
            },
            Some(ToChild::Close { slot }) => {
                documents.remove(&slot);
                continue;
            }
            Some(ToChild::Bytes(_)) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "bytes arrived that nobody asked for",
                ))
            }
        };
        send(&mut lock(&pipe)?.output, &FromChild::Done(answer))?;
    }
}

/// `ecabinet-pdfium [--memory-mb N]`: parses the arguments and serves.
pub fn main_with_args(args: impl IntoIterator<Item = String>) -> std::process::ExitCode {
    let mut memory_mb = None;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|n| n.parse::<u64>())) {
            ("--memory-mb", Some(Ok(n))) if n > 0 => memory_mb = Some(n),
            _ => {
                eprintln!("{USAGE}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    match serve(memory_mb) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ecabinet-pdfium: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
