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
    fn control_characters_are_refused() {
        assert!(matches!(
            person_name("Nguyễn\u{0007}An"),
            Err(ValidationError::ControlCharacters { .. })
        ));
    }
}
