//! What an annotation holds. Only the author's devices (and, when shared, the
//! document's readers) ever see these fields: they travel sealed inside
//! [`crate::ops::AnnotationOp`].

use serde::{Deserialize, Serialize};

use crate::validate::ValidationError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    /// A highlighted text range.
    Highlight,
    /// A free note pinned to a point of a page.
    Note,
    /// Pen strokes.
    Ink,
    /// A bookmarked page.
    Bookmark,
}

impl AnnotationKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            AnnotationKind::Highlight => "highlight",
            AnnotationKind::Note => "note",
            AnnotationKind::Ink => "ink",
            AnnotationKind::Bookmark => "bookmark",
        }
    }
}

/// A rectangle on a page, in fractions of the page's width and height from
/// its top-left corner, so it holds at any zoom.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PageRect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// One pen stroke: points in page fractions, and the pen's width in the same unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Stroke {
    pub points: Vec<[f32; 2]>,
    pub width: f32,
}

/// Where an annotation sits: the page and rectangles on the version it was
/// made on, and the quoted text with some context either side, so it can be
/// found again on a revision whose pages moved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Anchor {
    pub version: u32,
    /// 1-based.
    pub page: u32,
    pub rects: Vec<PageRect>,
    pub quote: String,
    pub before: String,
    pub after: String,
}

/// The fields one op sets; absent fields are left as they were. Each field
/// is a last-writer-wins register.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnnotationFields {
    pub kind: Option<AnnotationKind>,
    pub anchor: Option<Anchor>,
    pub colour: Option<String>,
    pub text: Option<String>,
    pub ink: Option<Vec<Stroke>>,
    /// A tombstone: a deleted annotation stays deleted unless explicitly restored.
    pub deleted: Option<bool>,
}

/// One field an op sets. Ops are sealed, so absent fields must cost nothing:
/// a list of the fields present beats a tag per possible field inside the
/// (incompressible) ciphertext.
#[derive(Serialize, Deserialize)]
enum FieldValue {
    Kind(AnnotationKind),
    Anchor(Anchor),
    Colour(String),
    Text(String),
    Ink(Vec<Stroke>),
    Deleted(bool),
}

impl AnnotationFields {
    /// The compact form that gets sealed into an op.
    pub fn encode(&self) -> Result<Vec<u8>, crate::wire::WireError> {
        let mut present = Vec::new();
        if let Some(kind) = self.kind {
            present.push(FieldValue::Kind(kind));
        }
        if let Some(anchor) = &self.anchor {
            present.push(FieldValue::Anchor(anchor.clone()));
        }
        if let Some(colour) = &self.colour {
            present.push(FieldValue::Colour(colour.clone()));
        }
        if let Some(text) = &self.text {
            present.push(FieldValue::Text(text.clone()));
        }
        if let Some(ink) = &self.ink {
            present.push(FieldValue::Ink(ink.clone()));
        }
        if let Some(deleted) = self.deleted {
            present.push(FieldValue::Deleted(deleted));
        }
        crate::wire::encode(&present)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, crate::wire::WireError> {
        let present: Vec<FieldValue> = crate::wire::decode(bytes)?;
        let mut fields = Self::default();
        for value in present {
            match value {
                FieldValue::Kind(kind) => fields.kind = Some(kind),
                FieldValue::Anchor(anchor) => fields.anchor = Some(anchor),
                FieldValue::Colour(colour) => fields.colour = Some(colour),
                FieldValue::Text(text) => fields.text = Some(text),
                FieldValue::Ink(ink) => fields.ink = Some(ink),
                FieldValue::Deleted(deleted) => fields.deleted = Some(deleted),
            }
        }
        Ok(fields)
    }
}

/// Longest note text accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 20_000;
/// Most ink points in one annotation.
pub const MAX_INK_POINTS: usize = 20_000;

/// Colours the reader offers; others are refused so a shared note cannot
/// carry arbitrary markup into another person's view.
pub const COLOURS: [&str; 5] = ["yellow", "green", "blue", "pink", "orange"];

impl AnnotationFields {
    /// Checks what a person typed or drew before it becomes an op.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(text) = &self.text {
            let chars = text.chars().count();
            if chars > MAX_NOTE_CHARS {
                return Err(ValidationError::TooLong {
                    field: "note",
                    chars,
                    max: MAX_NOTE_CHARS,
                });
            }
        }
        if let Some(colour) = &self.colour {
            if !COLOURS.contains(&colour.as_str()) {
                return Err(ValidationError::Invalid {
                    field: "colour",
                    reason: format!("use one of {}", COLOURS.join(", ")),
                });
            }
        }
        if let Some(anchor) = &self.anchor {
            if anchor.page == 0 {
                return Err(ValidationError::Invalid {
                    field: "page",
                    reason: "pages are numbered from 1".into(),
                });
            }
            let inside = |r: &PageRect| {
                [r.x, r.y, r.width, r.height]
                    .iter()
                    .all(|v| v.is_finite() && (0.0..=1.0).contains(v))
            };
            if !anchor.rects.iter().all(inside) {
                return Err(ValidationError::Invalid {
                    field: "rectangle",
                    reason: "must lie within the page".into(),
                });
            }
        }
        if let Some(ink) = &self.ink {
            let points: usize = ink.iter().map(|s| s.points.len()).sum();
            let finite = ink
                .iter()
                .flat_map(|s| s.points.iter().flatten().chain(std::iter::once(&s.width)))
                .all(|v| v.is_finite());
            if points > MAX_INK_POINTS || !finite {
                return Err(ValidationError::Invalid {
                    field: "ink",
                    reason: format!("at most {MAX_INK_POINTS} finite points"),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_and_absent_fields_cost_nothing() {
        let edit = AnnotationFields {
            text: Some("Đồng ý".into()),
            ..Default::default()
        };
        let bytes = edit.encode().expect("encode");
        assert_eq!(bytes.len(), 1 + 1 + 1 + "Đồng ý".len());
        assert_eq!(AnnotationFields::decode(&bytes).expect("decode"), edit);
        let full = AnnotationFields {
            kind: Some(AnnotationKind::Ink),
            anchor: None,
            colour: Some("blue".into()),
            text: Some(String::new()),
            ink: Some(vec![Stroke {
                points: vec![[0.1, 0.2], [0.3, 0.4]],
                width: 0.01,
            }]),
            deleted: Some(false),
        };
        assert_eq!(
            AnnotationFields::decode(&full.encode().expect("encode")).expect("decode"),
            full
        );
        assert!(AnnotationFields::decode(&[9, 9, 9]).is_err());
    }

    #[test]
    fn unknown_colours_and_huge_notes_are_refused() {
        let fields = AnnotationFields {
            colour: Some("<script>".into()),
            ..Default::default()
        };
        assert!(fields.validate().is_err());
        let fields = AnnotationFields {
            text: Some("x".repeat(MAX_NOTE_CHARS + 1)),
            ..Default::default()
        };
        assert!(fields.validate().is_err());
        let fields = AnnotationFields {
            colour: Some("yellow".into()),
            text: Some("Xem lại điều 3".into()),
            ..Default::default()
        };
        assert!(fields.validate().is_ok());
    }

    #[test]
    fn anchors_must_lie_on_a_page() {
        let anchor = |page, x| Anchor {
            version: 1,
            page,
            rects: vec![PageRect {
                x,
                y: 0.1,
                width: 0.2,
                height: 0.05,
            }],
            quote: String::new(),
            before: String::new(),
            after: String::new(),
        };
        let with = |a| AnnotationFields {
            anchor: Some(a),
            ..Default::default()
        };
        assert!(with(anchor(0, 0.1)).validate().is_err());
        assert!(with(anchor(1, 1.5)).validate().is_err());
        assert!(with(anchor(1, f32::NAN)).validate().is_err());
        assert!(with(anchor(2, 0.3)).validate().is_ok());
    }
}
