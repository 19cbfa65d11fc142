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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    pub(crate) fn draw(&self, image: &mut RgbaImage, dpi: f32) {
        if self.lines.is_empty() {
            return;
        }
        let Ok(font) = FontRef::try_from_slice(FONT) else {
            return;
        };
        let text = self.text();
        // About 11 pt, whatever the resolution.
        let scale = PxScale::from((11.0 * dpi / 72.0).max(9.0));
        let scaled = font.as_scaled(scale);
        let width: f32 = text
            .chars()
            .map(|c| scaled.h_advance(font.glyph_id(c)))
            .sum();
        let tile_width = width + scale.x * 3.0;
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
                draw_line(image, &font, scale, &text, x, y);
                x += tile_width;
            }
            y += row_height;
            row += 1;
        }
    }
}

fn draw_line(
    image: &mut RgbaImage,
    font: &FontRef<'_>,
    scale: PxScale,
    text: &str,
    x: f32,
    baseline: f32,
) {
    let scaled = font.as_scaled(scale);
    let mut caret = x;
    let mut previous = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(previous) = previous {
            caret += scaled.kern(previous, id);
        }
        let glyph = id.with_scale_and_position(scale, point(caret, baseline));
        caret += scaled.h_advance(id);
        previous = Some(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i64 + i64::from(gx);
            let py = bounds.min.y as i64 + i64::from(gy);
            if px < 0 || py < 0 || px >= i64::from(image.width()) || py >= i64::from(image.height())
            {
                return;
            }
            let alpha = coverage * OPACITY;
            let pixel = image.get_pixel_mut(px as u32, py as u32);
            for (channel, ink) in pixel.0.iter_mut().zip(INK) {
                let under = f32::from(*channel);
                *channel = (under + (f32::from(ink) - under) * alpha).round() as u8;
            }
        });
    }
}
