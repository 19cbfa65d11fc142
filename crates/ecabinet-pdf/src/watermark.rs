//! The viewer's watermark, drawn onto the rendered pixels (not into the PDF),
//! so the cached ciphertext stays the same for everyone and no per-viewer
//! file is ever written. The text is tiled across the page in a light,
//! semi-transparent red so a photo of any part of the screen names its viewer.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use image::RgbaImage;

/// DejaVu Serif has every Vietnamese glyph (assets/fonts, DejaVu licence).
static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSerif.ttf");

const INK: [u8; 3] = [170, 30, 40];
const OPACITY: f32 = 0.22;

/// Travels to the PDF process, which draws it (see `PdfJob::Render`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Watermark {
    lines: Vec<String>,
}

impl Watermark {
    /// Lines such as the viewer's name and device, and the time of viewing.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(lines: I) -> Self {
        Self {
            lines: lines
                .into_iter()
                .map(Into::into)
                .filter(|l: &String| !l.trim().is_empty())
                .collect(),
        }
    }

    /// No watermark (benchmarks compare against plain rendering).
    pub fn none() -> Self {
        Self::default()
    }

    pub fn text(&self) -> String {
        self.lines.join(" · ")
    }

    /// Tiles the text over the image, every other row shifted by half a tile.
    /// The line is rasterised once and stamped onto each tile: the glyph
    /// outlines are the costly part, and a page at 96 dpi has some forty
    /// tiles (drawing each from outlines took longer than PDFium's render).
    pub fn draw(&self, image: &mut RgbaImage, dpi: f32) {
        if self.lines.is_empty() {
            return;
        }
        let Ok(font) = FontRef::try_from_slice(FONT) else {
            return;
        };
        let text = self.text();
        // About 11 pt, whatever the resolution.
        let scale = PxScale::from((11.0 * dpi / 72.0).max(9.0));
        let Some(line) = LineMask::rasterise(&font, scale, &text) else {
            return;
        };
        let tile_width = line.advance + scale.x * 3.0;
        let row_height = scale.y * 6.0;
        let (image_width, image_height) = (image.width() as f32, image.height() as f32);
        let mut row = 0;
        let mut y = row_height * 0.75;
        while y < image_height {
            let mut x = if row % 2 == 0 {
                scale.x
            } else {
                scale.x - tile_width / 2.0
            };
            while x < image_width {
                line.stamp(image, x.round() as i64, y.round() as i64);
                x += tile_width;
            }
            y += row_height;
            row += 1;
        }
    }
}

/// The watermark's line as ink strength per pixel (0–256, opacity applied),
/// relative to the start of its baseline.
struct LineMask {
    /// Where the mask's top-left pixel lies from the baseline's start.
    left: i64,
    top: i64,
    width: usize,
    height: usize,
    ink: Vec<u16>,
    /// The line's advance width in pixels (where the next tile may start).
    advance: f32,
}

impl LineMask {
    fn rasterise(font: &FontRef<'_>, scale: PxScale, text: &str) -> Option<Self> {
        let scaled = font.as_scaled(scale);
        let mut caret = 0.0_f32;
        let mut previous = None;
        let mut outlines = Vec::new();
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(previous) = previous {
                caret += scaled.kern(previous, id);
            }
            let glyph = id.with_scale_and_position(scale, point(caret, 0.0));
            caret += scaled.h_advance(id);
            previous = Some(id);
            if let Some(outline) = font.outline_glyph(glyph) {
                outlines.push(outline);
            }
        }
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for outline in &outlines {
            let bounds = outline.px_bounds();
            min_x = min_x.min(bounds.min.x);
            min_y = min_y.min(bounds.min.y);
            max_x = max_x.max(bounds.max.x);
            max_y = max_y.max(bounds.max.y);
        }
        if outlines.is_empty() || max_x <= min_x || max_y <= min_y {
            return None;
        }
        let (left, top) = (min_x.floor() as i64, min_y.floor() as i64);
        let width = (max_x.ceil() as i64 - left) as usize;
        let height = (max_y.ceil() as i64 - top) as usize;
        let mut coverage = vec![0.0_f32; width * height];
        for outline in &outlines {
            let bounds = outline.px_bounds();
            let (ox, oy) = (bounds.min.x as i64 - left, bounds.min.y as i64 - top);
            outline.draw(|gx, gy, c| {
                let (px, py) = (ox + i64::from(gx), oy + i64::from(gy));
                if px >= 0 && py >= 0 && (px as usize) < width && (py as usize) < height {
                    let at = py as usize * width + px as usize;
                    // Neighbouring glyphs may touch: the darker one wins.
                    coverage[at] = coverage[at].max(c);
                }
            });
        }
        let ink = coverage
            .iter()
            .map(|c| (c.clamp(0.0, 1.0) * OPACITY * 256.0).round() as u16)
            .collect();
        Some(Self {
            left,
            top,
            width,
            height,
            ink,
            advance: caret,
        })
    }

    /// Blends the line onto the image with its baseline starting at (x, y).
    fn stamp(&self, image: &mut RgbaImage, x: i64, y: i64) {
        let (image_width, image_height) = (i64::from(image.width()), i64::from(image.height()));
        let stride = image_width as usize * 4;
        let pixels: &mut [u8] = image;
        for row in 0..self.height {
            let py = y + self.top + row as i64;
            if py < 0 || py >= image_height {
                continue;
            }
            let mask = &self.ink[row * self.width..(row + 1) * self.width];
            for (column, &alpha) in mask.iter().enumerate() {
                let px = x + self.left + column as i64;
                if alpha == 0 || px < 0 || px >= image_width {
                    continue;
                }
                let at = py as usize * stride + px as usize * 4;
                for (channel, ink) in pixels[at..at + 3].iter_mut().zip(INK) {
                    let under = i32::from(*channel);
                    *channel = (under + ((i32::from(ink) - under) * i32::from(alpha)) / 256) as u8;
                }
            }
        }
    }
}
