//! Input rules shared by the client (to fail fast, offline) and the server
//! (which never trusts the client).

use thiserror::Error;

/// The longest title we accept; long enough for a Vietnamese decree title.
pub const MAX_TITLE_CHARS: usize = 300;
/// The longest person or device name.
pub const MAX_NAME_CHARS: usize = 120;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ValidationError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is too long ({chars} characters; at most {max})")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    #[error("{field} must not contain control characters")]
    ControlCharacters { field: &'static str },
    #[error("{field} is not valid: {reason}")]
    Invalid { field: &'static str, reason: String },
}

/// Trims and checks a single-line text field; returns the text to store.
pub fn single_line(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::Empty { field });
    }
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(ValidationError::TooLong { field, chars, max });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ValidationError::ControlCharacters { field });
    }
    Ok(trimmed.to_owned())
}

/// Longest free text of an item (summary, recommended action).
pub const MAX_TEXT_CHARS: usize = 4_000;

/// Trims a multi-line text field; empty means absent.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let chars = text.chars().count();
    if chars > max {
        return Err(ValidationError::TooLong { field, chars, max });
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ValidationError::ControlCharacters { field });
    }
    Ok(Some(text.to_owned()))
}

/// Checks and normalises an item's details.
pub fn item_details(
    details: &crate::model::ItemDetails,
) -> Result<crate::model::ItemDetails, ValidationError> {
    Ok(crate::model::ItemDetails {
        presenting_ministry: details
            .presenting_ministry
            .as_deref()
            .map(|m| single_line("presenting ministry", m, MAX_NAME_CHARS))
            .transpose()?,
        summary: optional_text("summary", details.summary.as_deref(), MAX_TEXT_CHARS)?,
        recommended_action: optional_text(
            "recommended action",
            details.recommended_action.as_deref(),
            MAX_TEXT_CHARS,
        )?,
        status: details.status,
        presenter: details.presenter,
    })
}

/// Checks and normalises a meeting's details: a one-line place; each
/// participant once; a substitute stands in for one member, is not that
/// member, and does not also stand in for someone else.
pub fn meeting_details(
    details: &crate::model::MeetingDetails,
) -> Result<crate::model::MeetingDetails, ValidationError> {
    let mut participants = details.participants.clone();
    participants.sort();
    participants.dedup();
    let mut substitutes = details.substitutes.clone();
    substitutes.sort_by_key(|s| (s.member, s.substitute));
    substitutes.dedup();
    for (n, substitution) in substitutes.iter().enumerate() {
        let clash = substitution.member == substitution.substitute
            || substitutes[..n].iter().any(|s| {
                s.member == substitution.member || s.substitute == substitution.substitute
            });
        if clash {
            return Err(ValidationError::Invalid {
                field: "substitutes",
                reason: "each member has at most one substitute, who is someone else and stands in for no one else".into(),
            });
        }
    }
    Ok(crate::model::MeetingDetails {
        kind: details.kind,
        place: details
            .place
            .as_deref()
            .map(|p| single_line("place", p, MAX_NAME_CHARS))
            .transpose()?,
        participants,
        substitutes,
        chair: details.chair,
    })
}

pub fn title(value: &str) -> Result<String, ValidationError> {
    single_line("title", value, MAX_TITLE_CHARS)
}

pub fn person_name(value: &str) -> Result<String, ValidationError> {
    single_line("name", value, MAX_NAME_CHARS)
}

pub fn device_name(value: &str) -> Result<String, ValidationError> {
    single_line("device name", value, MAX_NAME_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed() {
        assert_eq!(
            title("  Phiên họp thường kỳ  ").as_deref(),
            Ok("Phiên họp thường kỳ")
        );
    }

    #[test]
    fn empty_and_blank_titles_are_refused() {
        assert_eq!(title(""), Err(ValidationError::Empty { field: "title" }));
        assert_eq!(
            title(" \t "),
            Err(ValidationError::Empty { field: "title" })
        );
    }

    #[test]
    fn long_titles_count_characters_not_bytes() {
        let vietnamese = "ệ".repeat(MAX_TITLE_CHARS);
        assert!(title(&vietnamese).is_ok(), "300 two-byte characters fit");
        let too_long = "a".repeat(MAX_TITLE_CHARS + 1);
        assert!(matches!(
            title(&too_long),
            Err(ValidationError::TooLong { chars: 301, .. })
        ));
    }

    #[test]
    fn meeting_details_name_each_person_once_and_substitutes_make_sense() {
        use crate::model::{MeetingDetails, Substitution};
        use crate::PersonId;
        let (a, b, c) = (PersonId::new(), PersonId::new(), PersonId::new());
        let details = MeetingDetails {
            place: Some("  Phòng họp số 1 ".into()),
            participants: vec![a, b, a],
            substitutes: vec![Substitution {
                member: a,
                substitute: c,
            }],
            ..Default::default()
        };
        let checked = meeting_details(&details).expect("valid");
        assert_eq!(checked.place.as_deref(), Some("Phòng họp số 1"));
        assert_eq!(checked.participants.len(), 2);
        for wrong in [
            vec![Substitution {
                member: a,
                substitute: a,
            }],
            vec![
                Substitution {
                    member: a,
                    substitute: c,
                },
                Substitution {
                    member: b,
                    substitute: c,
                },
            ],
            vec![
                Substitution {
                    member: a,
                    substitute: b,
                },
                Substitution {
                    member: a,
                    substitute: c,
                },
            ],
        ] {
            let details = MeetingDetails {
                substitutes: wrong,
                ..Default::default()
            };
            assert!(meeting_details(&details).is_err());
        }
    }

    #[test]
    fn item_details_are_trimmed_and_bounded() {
        let details = crate::model::ItemDetails {
            presenting_ministry: Some("  Bộ Tư pháp ".into()),
            summary: Some("Dòng 1\nDòng 2".into()),
            recommended_action: Some("   ".into()),
            status: crate::model::ItemStatus::Deferred,
            presenter: None,
        };
        let checked = item_details(&details).expect("valid");
        assert_eq!(checked.status, crate::model::ItemStatus::Deferred);
        assert_eq!(checked.presenting_ministry.as_deref(), Some("Bộ Tư pháp"));
        assert_eq!(checked.summary.as_deref(), Some("Dòng 1\nDòng 2"));
        assert_eq!(checked.recommended_action, None, "blank means absent");
        let long = crate::model::ItemDetails {
            summary: Some("x".repeat(MAX_TEXT_CHARS + 1)),
            ..Default::default()
        };
        assert!(matches!(
            item_details(&long),
            Err(ValidationError::TooLong {
                field: "summary",
                ..
            })
        ));
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(matches!(
            person_name("Nguyễn\u{0007}An"),
            Err(ValidationError::ControlCharacters { .. })
        ));
    }
}
