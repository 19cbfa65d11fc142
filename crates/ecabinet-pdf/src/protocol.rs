//! What the app and its PDF process say to each other over the child's
//! stdin and stdout: length-prefixed postcard frames.
//!
//! The exchange is strictly nested. The app sends one request (open a
//! document, run a job, close); until the child answers `Done`, the child
//! may ask for bytes of the document (`Read`), and the app answers each with
//! `Bytes`. The decrypted bytes therefore never touch a disk: they go from
//! the app's sealed-chunk reader through a pipe into PDFium's memory.

use std::io::{self, Read, Write};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::{PdfError, SearchHit, Watermark};

/// Bumped whenever a message changes shape: an app and a PDF process from
/// different builds refuse each other at the greeting instead of
/// misreading each other's frames.
pub const PROTOCOL: u32 = 3;

/// The largest frame either side accepts: a page rendered at 600 dpi on
/// A3 paper is about 280 MB of pixels; nothing legitimate is larger.
pub const MAX_FRAME: usize = 512 * 1024 * 1024;

/// A question about an open document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PdfJob {
    PageCount,
    /// The page with the viewer's watermark drawn on it, as PNG, and the
    /// page count. The process draws and encodes it itself: its pixels
    /// (8.7 MB a page at 150 dpi) crossing the pipe cost more than the
    /// render (fresh memory on both sides and two copies), a PNG is a tenth
    /// of that or less.
    Render {
        page: u32,
        dpi: f32,
        watermark: Watermark,
    },
    Text {
        page: u32,
    },
    /// The text of every page, in order.
    AllText,
    /// The text inside each rectangle (fractions of the page: x, y from the
    /// top-left, width, height).
    TextIn {
        page: u32,
        rects: Vec<[f32; 4]>,
    },
    Search {
        phrase: String,
    },
}

/// The answer to a [`PdfJob`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PdfAnswer {
    PageCount(u32),
    Page {
        width: u32,
        height: u32,
        /// As one length and one copy, not byte by byte (serde's default
        /// for a `Vec<u8>`).
        #[serde(with = "serde_bytes")]
        png: Vec<u8>,
        page_count: u32,
    },
    Text(String),
    Texts(Vec<String>),
    Hits(Vec<SearchHit>),
}

/// Bytes of a document, framed as one length and one copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block(#[serde(with = "serde_bytes")] pub Vec<u8>);

/// From the app to the PDF process.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToChild {
    /// Open a document of `length` bytes under `slot`.
    Open {
        slot: u64,
        length: u64,
    },
    Job {
        slot: u64,
        job: PdfJob,
    },
    Close {
        slot: u64,
    },
    /// The bytes asked for by the last `Read` (fewer at the end of the
    /// document), or why they could not be had.
    Bytes(Result<Block, String>),
}

/// From the PDF process to the app.
#[derive(Debug, Serialize, Deserialize)]
pub enum FromChild {
    /// The first frame: which protocol the process speaks.
    Hello { protocol: u32 },
    /// `length` bytes of the document in `slot`, from `offset`.
    Read { slot: u64, offset: u64, length: u32 },
    /// The answer to the last `Open` (the page count) or `Job`. `Close` is
    /// not answered.
    Done(Result<PdfAnswer, PdfError>),
}

/// Writes one frame and flushes it.
pub fn send<T: Serialize>(out: &mut impl Write, message: &T) -> io::Result<()> {
    let bytes = postcard::to_stdvec(message)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    let length = u32::try_from(bytes.len())
        .ok()
        .filter(|n| (*n as usize) <= MAX_FRAME)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "frame too large"))?;
    out.write_all(&length.to_le_bytes())?;
    out.write_all(&bytes)?;
    out.flush()
}

/// Reads one frame. `Ok(None)` is a clean end of the stream.
pub fn receive<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<Option<T>> {
    let mut length = [0u8; 4];
    match input.read_exact(&mut length) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let length = u32::from_le_bytes(length) as usize;
    if length > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {length} bytes is over the limit"),
        ));
    }
    let mut bytes = vec![0u8; length];
    input.read_exact(&mut bytes)?;
    postcard::from_bytes(&bytes)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_bad_lengths_are_refused() {
        let mut pipe = Vec::new();
        send(
            &mut pipe,
            &ToChild::Job {
                slot: 7,
                job: PdfJob::TextIn {
                    page: 2,
                    rects: vec![[0.1, 0.2, 0.3, 0.4]],
                },
            },
        )
        .expect("send");
        send(&mut pipe, &ToChild::Bytes(Err("gone".into()))).expect("send");
        send(&mut pipe, &ToChild::Bytes(Ok(Block(vec![7; 300_000])))).expect("send");
        let mut input = pipe.as_slice();
        match receive::<ToChild>(&mut input).expect("frame") {
            Some(ToChild::Job { slot: 7, job }) => assert_eq!(
                job,
                PdfJob::TextIn {
                    page: 2,
                    rects: vec![[0.1, 0.2, 0.3, 0.4]]
                }
            ),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            receive::<ToChild>(&mut input),
            Ok(Some(ToChild::Bytes(Err(_))))
        ));
        match receive::<ToChild>(&mut input) {
            Ok(Some(ToChild::Bytes(Ok(Block(bytes))))) => assert_eq!(bytes, vec![7; 300_000]),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(receive::<ToChild>(&mut input), Ok(None)));

        let huge = (MAX_FRAME as u32 + 1).to_le_bytes();
        assert!(receive::<ToChild>(&mut huge.as_slice()).is_err());
        let garbage = [3u8, 0, 0, 0, 0xff, 0xff, 0xff];
        assert!(receive::<ToChild>(&mut garbage.as_slice()).is_err());
    }
}
