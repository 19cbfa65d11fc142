//! PDF reading for eCabinet, over PDFium (through pdfium-render): open a
//! document from decrypted bytes in memory (never from a plaintext file),
//! render a page with the viewer's watermark drawn onto the pixels, extract a
//! page's text and search the whole document.
//!
//! PDFium is a shared library taken from the `pypdfium2` wheel (see
//! `scripts/lib.sh`); [`PdfEngine::load`] finds it once per process.

pub mod child;
pub mod protocol;
mod watermark;
mod worker;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pdfium_render::prelude::{
    PdfBitmap, PdfBitmapFormat, PdfDocument, PdfRect, PdfRenderConfig, Pdfium, PdfiumError,
};
use thiserror::Error;

/// Pixels as they come from PDFium, for the watermark to be drawn on.
pub use image::RgbaImage;
pub use protocol::{PdfAnswer, PdfJob};
pub use watermark::Watermark;
pub use worker::{
    find_program, DocumentKey, DocumentSource, Opening, PdfWorker, SandboxLimits, SourceFailure,
    SourceProblem, MEMORY_ENV, PROCESS_ENV, TIME_ENV,
};
pub use writer::ReportLine;

/// Where the library may be: `PDFIUM_DYNAMIC_LIB_PATH` (a folder), the
/// executable's folder, and the cache `scripts/lib.sh` fills.
pub const LIBRARY_ENV: &str = "PDFIUM_DYNAMIC_LIB_PATH";
pub const MIN_DPI: f32 = 36.0;
pub const MAX_DPI: f32 = 600.0;

#[derive(Debug, Error, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PdfError {
    #[error("the PDF library (PDFium) could not be loaded: {0}. Run ./scripts/run or ./scripts/test once, or set {LIBRARY_ENV} to the folder holding libpdfium.so")]
    LibraryMissing(String),
    #[error("this file is not a readable PDF ({0})")]
    Malformed(String),
    #[error("page {page} does not exist; this document has {count} pages")]
    PageOutOfRange { page: u32, count: u32 },
    #[error("resolution must be between {MIN_DPI} and {MAX_DPI} dpi")]
    BadResolution,
    #[error("rendering failed: {0}")]
    Render(String),
    /// The PDF thread does not have this document open: decrypt it and ask again.
    #[error("the document is not open")]
    NotOpen,
    /// The document's bytes failed a check as PDFium read them.
    #[error("{0}")]
    Source(String),
    /// The document's bytes could not be fetched as PDFium asked for them.
    #[error("{0}")]
    SourceUnavailable(String),
    /// The PDF process could not be started.
    #[error("the PDF process (ecabinet-pdfium) could not be started: {0}. Build it with `cargo build -p ecabinet-pdf`, or set {PROCESS_ENV} to its path")]
    ProcessMissing(String),
    /// PDFium crashed or hung on this document, in its own process.
    #[error("this document could not be displayed: {0}. The rest of the app is not affected")]
    Undisplayable(String),
}

/// One process-wide PDFium: the library allows a single binding per process,
/// and pdfium-render serialises calls into it.
static PDFIUM: OnceLock<Result<Pdfium, PdfError>> = OnceLock::new();

fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os(LIBRARY_ENV) {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        dirs.push(dir.clone());
        dirs.push(dir.join("../lib/ecabinet"));
    }
    if let Some(cache) = dirs::cache_dir() {
        if let Ok(entries) = std::fs::read_dir(cache.join("ecabinet/pdfium")) {
            let mut versions: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            versions.sort();
            dirs.extend(versions.into_iter().rev());
        }
    }
    dirs
}

fn bind() -> Result<Pdfium, PdfError> {
    let mut tried = Vec::new();
    for dir in candidate_dirs() {
        let path = Pdfium::pdfium_platform_library_name_at_path(&dir);
        if !path.exists() {
            tried.push(path.display().to_string());
            continue;
        }
        return match Pdfium::bind_to_library(&path) {
            Ok(bindings) => Ok(Pdfium::new(bindings)),
            Err(error) => Err(PdfError::LibraryMissing(format!(
                "{}: {error}",
                path.display()
            ))),
        };
    }
    match Pdfium::bind_to_system_library() {
        Ok(bindings) => Ok(Pdfium::new(bindings)),
        Err(_) => Err(PdfError::LibraryMissing(format!(
            "not found in {}",
            tried.join(", ")
        ))),
    }
}

/// A handle to the process's PDFium.
#[derive(Clone, Copy)]
pub struct PdfEngine {
    pdfium: &'static Pdfium,
}

impl std::fmt::Debug for PdfEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PdfEngine")
    }
}

/// A text match: the 1-based page and the words around it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchHit {
    pub page: u32,
    pub snippet: String,
}

fn malformed(error: PdfiumError) -> PdfError {
    PdfError::Malformed(format!("{error:?}"))
}

impl PdfEngine {
    /// Binds PDFium on first use; later calls return the same engine (or the same error).
    pub fn load() -> Result<Self, PdfError> {
        match PDFIUM.get_or_init(bind) {
            Ok(pdfium) => Ok(Self { pdfium }),
            Err(error) => Err(error.clone()),
        }
    }

    /// Opens a document held in memory.
    pub fn open<'a>(&self, bytes: &'a [u8]) -> Result<OpenPdf<'a>, PdfError> {
        let document = self
            .pdfium
            .load_pdf_from_byte_slice(bytes, None)
            .map_err(malformed)?;
        Ok(OpenPdf { document })
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

/// An open document. Pages are numbered from 1, as people number them.
pub struct OpenPdf<'a> {
    document: PdfDocument<'a>,
}

impl OpenPdf<'_> {
    pub fn page_count(&self) -> u32 {
        u32::try_from(self.document.pages().len()).unwrap_or(0)
    }

    fn page_index(&self, page: u32) -> Result<i32, PdfError> {
        let count = self.page_count();
        if page == 0 || page > count {
            return Err(PdfError::PageOutOfRange { page, count });
        }
        i32::try_from(page - 1).map_err(|_| PdfError::PageOutOfRange { page, count })
    }

    /// Renders one page at `dpi` and draws the watermark onto its pixels.
    pub fn render(
        &self,
        page: u32,
        dpi: f32,
        watermark: &Watermark,
    ) -> Result<RgbaImage, PdfError> {
        let mut image = self.render_pixels(page, dpi)?;
        watermark.draw(&mut image, dpi);
        Ok(image)
    }

    /// Renders one page at `dpi`, no watermark yet: the part that needs
    /// PDFium (the watermark can be drawn on another thread, see
    /// [`Watermark::draw`]).
    pub fn render_pixels(&self, page: u32, dpi: f32) -> Result<RgbaImage, PdfError> {
        if !(MIN_DPI..=MAX_DPI).contains(&dpi) {
            return Err(PdfError::BadResolution);
        }
        let index = self.page_index(page)?;
        let pdf_page = self.document.pages().get(index).map_err(malformed)?;
        let render = |e: PdfiumError| PdfError::Render(format!("{e:?}"));
        // PDFium writes RGBA itself (no conversion pass over the pixels).
        let config = PdfRenderConfig::new()
            .scale_page_by_factor(dpi / 72.0)
            .render_form_data(true)
            .set_reverse_byte_order(true);
        // Into our own buffer: PDFium's bitmap would have to be copied out,
        // and a fresh 8.7 MB (a page at 150 dpi) costs two thousand page
        // faults. The size is the one `scale_page_by_factor` gives (the
        // page's size, rotation included, times the scale, rounded).
        let scale = dpi / 72.0;
        let pixels = |points: f32| (points * scale).round() as u32;
        let (width, height) = (
            pixels(pdf_page.width().value),
            pixels(pdf_page.height().value),
        );
        let length = (width as usize)
            .checked_mul(height as usize)
            .and_then(|n| n.checked_mul(4))
            .ok_or(PdfError::BadResolution)?;
        let mut rgba = vec![0u8; length];
        {
            let mut bitmap = PdfBitmap::from_bytes(
                width as i32,
                height as i32,
                PdfBitmapFormat::BGRA,
                &mut rgba,
            )
            .map_err(render)?;
            pdf_page
                .render_into_bitmap_with_config(&mut bitmap, &config)
                .map_err(render)?;
        }
        RgbaImage::from_raw(width, height, rgba)
            .ok_or_else(|| PdfError::Render(format!("{width}×{height} pixels did not add up")))
    }

    /// The text of one page, in reading order as PDFium sees it.
    pub fn text(&self, page: u32) -> Result<String, PdfError> {
        let index = self.page_index(page)?;
        let pdf_page = self.document.pages().get(index).map_err(malformed)?;
        let text = pdf_page.text().map_err(malformed)?;
        let all = text.all();
        Ok(all)
    }

    /// The text inside a rectangle given in fractions of the page (x, y from
    /// the top-left corner, width, height), as a reader selects it.
    pub fn text_in(
        &self,
        page: u32,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    ) -> Result<String, PdfError> {
        let index = self.page_index(page)?;
        let pdf_page = self.document.pages().get(index).map_err(malformed)?;
        let (page_width, page_height) = (pdf_page.width().value, pdf_page.height().value);
        // PDF space counts from the bottom-left corner, in points.
        let rect = PdfRect::new_from_values(
            page_height * (1.0 - (y + height)),
            page_width * x,
            page_height * (1.0 - y),
            page_width * (x + width),
        );
        let text = pdf_page.text().map_err(malformed)?;
        Ok(text.inside_rect(rect))
    }

    /// Every occurrence of `phrase` (case-insensitive, whitespace-tolerant),
    /// with some context, page by page.
    pub fn search(&self, phrase: &str) -> Result<Vec<SearchHit>, PdfError> {
        let wanted = normalise(phrase);
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut hits = Vec::new();
        for page in 1..=self.page_count() {
            let text = normalise(&self.text(page)?);
            let chars: Vec<char> = text.chars().collect();
            let wanted_chars: Vec<char> = wanted.chars().collect();
            let mut start = 0;
            while start + wanted_chars.len() <= chars.len() {
                if chars[start..start + wanted_chars.len()] == wanted_chars[..] {
                    let from = start.saturating_sub(40);
                    let to = (start + wanted_chars.len() + 40).min(chars.len());
                    hits.push(SearchHit {
                        page,
                        snippet: chars[from..to].iter().collect::<String>().trim().to_owned(),
                    });
                    start += wanted_chars.len();
                } else {
                    start += 1;
                }
            }
        }
        Ok(hits)
    }
}

/// Lower case with runs of whitespace (including PDF line breaks) as one space.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// PNG bytes of a rendered page.
pub fn encode_png(image: &RgbaImage) -> Result<Vec<u8>, PdfError> {
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| PdfError::Render(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/demo")
            .join(name);
        std::fs::read(path).expect("demo PDF")
    }

    fn engine() -> PdfEngine {
        PdfEngine::load().expect("PDFium must be installed (scripts/test installs it)")
    }

    #[test]
    fn renders_a_page_with_the_watermark_on_it() {
        let bytes = demo("03-de-an-chuyen-doi-so.pdf");
        let pdf = engine().open(&bytes).expect("open");
        assert_eq!(pdf.page_count(), 50);
        let plain = pdf.render(1, 72.0, &Watermark::none()).expect("render");
        // A4 at 72 dpi is 595 × 842 points.
        assert_eq!((plain.width(), plain.height()), (595, 842));
        let marked = pdf
            .render(
                1,
                72.0,
                &Watermark::new(["Trần Thị Bình · Máy tính xách tay", "24/11/2026 14:05"]),
            )
            .expect("render");
        let changed = plain
            .pixels()
            .zip(marked.pixels())
            .filter(|(a, b)| a != b)
            .count();
        assert!(
            changed > 5_000,
            "the watermark must visibly change the page ({changed} pixels)"
        );
        let at_150 = pdf.render(3, 150.0, &Watermark::none()).expect("render");
        assert_eq!(at_150.width(), (595.0_f32 * 150.0 / 72.0).round() as u32);
        assert!(encode_png(&at_150).expect("png").starts_with(b"\x89PNG"));
    }

    #[test]
    fn extracts_and_searches_vietnamese_text() {
        let bytes = demo("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf");
        let pdf = engine().open(&bytes).expect("open");
        let first = pdf.text(1).expect("text");
        assert!(
            first.contains("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            "{first}"
        );
        let hits = pdf.search("chữ ký số").expect("search");
        assert!(!hits.is_empty());
        assert!(hits.iter().all(|h| h.snippet.contains("chữ ký số")));
        assert!(pdf
            .search("không có trong văn bản xyz")
            .expect("search")
            .is_empty());
    }

    #[test]
    fn bad_input_is_an_error_not_a_crash() {
        let engine = engine();
        assert!(matches!(
            engine.open(b"%PDF-1.7\nthis is not a pdf"),
            Err(PdfError::Malformed(_))
        ));
        assert!(matches!(engine.open(b""), Err(PdfError::Malformed(_))));
        let bytes = demo("01-bao-cao-kinh-te-xa-hoi.pdf");
        let truncated = bytes[..bytes.len() / 2].to_vec();
        let pdf = engine.open(&bytes).expect("open");
        let count = pdf.page_count();
        assert_eq!(
            pdf.text(0),
            Err(PdfError::PageOutOfRange { page: 0, count })
        );
        assert_eq!(
            pdf.text(count + 1),
            Err(PdfError::PageOutOfRange {
                page: count + 1,
                count
            })
        );
        assert_eq!(
            pdf.render(1, 2_000.0, &Watermark::none()).err(),
            Some(PdfError::BadResolution)
        );
        // A truncated file is refused or fails cleanly on every page.
        drop(pdf);
        if let Ok(pdf) = engine.open(&truncated) {
            for page in 1..=pdf.page_count() {
                let _ = pdf.render(page, 72.0, &Watermark::none());
            }
        };
    }

    #[test]
    fn search_normalises_case_and_line_breaks() {
        assert_eq!(normalise("  Chữ   KÝ\nsố "), "chữ ký số");
    }
}
