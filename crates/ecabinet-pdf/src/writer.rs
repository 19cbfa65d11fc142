//! Writing simple text documents (reports) with PDFium: A4 pages, DejaVu
//! Serif (it has every Vietnamese glyph), lines wrapped to the page width.

use pdfium_render::prelude::{PdfPageObjectsCommon, PdfPagePaperSize, PdfPoints};

use crate::{PdfEngine, PdfError};

fn failed(error: pdfium_render::prelude::PdfiumError) -> PdfError {
    PdfError::Render(format!("writing the PDF failed: {error:?}"))
}

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSerif.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSerif-Bold.ttf");

/// One paragraph of a report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportLine {
    pub text: String,
    pub size: f32,
    pub bold: bool,
}

impl ReportLine {
    pub fn heading(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            size: 15.0,
            bold: true,
        }
    }

    pub fn strong(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            size: 11.5,
            bold: true,
        }
    }

    pub fn body(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            size: 10.5,
            bold: false,
        }
    }
}

const MARGIN: f32 = 56.0;

/// Splits a paragraph into lines of at most `width` points, estimating a
/// glyph at 0.52 em (DejaVu Serif's average), breaking at spaces.
fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let per_line = ((width / (size * 0.52)) as usize).max(10);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let needed =
                line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
            if needed > per_line && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

impl PdfEngine {
    /// A PDF of these paragraphs, page after page.
    pub fn write_report(&self, paragraphs: &[ReportLine]) -> Result<Vec<u8>, PdfError> {
        self.write_numbered_report(paragraphs, None)
    }

    /// The same, with `page_label(n, total)` centred at the foot of each page
    /// ("Trang 1/3").
    pub fn write_numbered_report(
        &self,
        paragraphs: &[ReportLine],
        page_label: Option<&dyn Fn(u32, u32) -> String>,
    ) -> Result<Vec<u8>, PdfError> {
        let mut document = self.pdfium.create_new_pdf().map_err(failed)?;
        let regular = document
            .fonts_mut()
            .load_true_type_from_bytes(REGULAR, true)
            .map_err(failed)?;
        let bold = document
            .fonts_mut()
            .load_true_type_from_bytes(BOLD, true)
            .map_err(failed)?;
        let size = PdfPagePaperSize::a4();
        let (page_width, page_height) = (size.width().value, size.height().value);
        let mut page = document
            .pages_mut()
            .create_page_at_end(size)
            .map_err(failed)?;
        let mut y = page_height - MARGIN;
        for paragraph in paragraphs {
            let leading = paragraph.size * 1.35;
            for line in wrap(&paragraph.text, paragraph.size, page_width - 2.0 * MARGIN) {
                if y - leading < MARGIN {
                    page = document
                        .pages_mut()
                        .create_page_at_end(size)
                        .map_err(failed)?;
                    y = page_height - MARGIN;
                }
                y -= leading;
                if !line.is_empty() {
                    page.objects_mut()
                        .create_text_object(
                            PdfPoints::new(MARGIN),
                            PdfPoints::new(y),
                            &line,
                            if paragraph.bold { bold } else { regular },
                            PdfPoints::new(paragraph.size),
                        )
                        .map_err(failed)?;
                }
            }
            y -= paragraph.size * 0.5;
        }
        if let Some(label) = page_label {
            let total = document.pages().len();
            for index in 0..total {
                let text = label(index as u32 + 1, total as u32);
                let width = text.chars().count() as f32 * 9.0 * 0.52;
                let mut page = document.pages().get(index).map_err(failed)?;
                page.objects_mut()
                    .create_text_object(
                        PdfPoints::new((page_width - width) / 2.0),
                        PdfPoints::new(MARGIN / 2.0),
                        &text,
                        regular,
                        PdfPoints::new(9.0),
                    )
                    .map_err(failed)?;
            }
        }
        document.save_to_bytes().map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paragraphs_wrap_at_spaces() {
        let lines = wrap("một hai ba bốn năm sáu bảy tám chín mười", 10.0, 60.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= 12), "{lines:?}");
        assert_eq!(lines.join(" "), "một hai ba bốn năm sáu bảy tám chín mười");
    }
}
