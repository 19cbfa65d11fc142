//! How a person refers to something on the command line: a full id, or
//! enough of its first characters to pick exactly one.

use std::fmt::Display;
use std::str::FromStr;

use crate::error::{ClientError, ClientResult};

/// The one id among `known` that `reference` names, by full id or prefix.
pub fn pick<T: FromStr + Display + Copy>(
    kind: &'static str,
    reference: &str,
    known: impl IntoIterator<Item = T>,
) -> ClientResult<T> {
    let reference = reference.trim();
    if let Ok(id) = reference.parse::<T>() {
        return Ok(id);
    }
    let not_found = || ClientError::NotFound {
        kind,
        reference: reference.to_owned(),
    };
    if reference.len() < 4 {
        return Err(not_found());
    }
    let prefix = reference.to_ascii_lowercase();
    let matches: Vec<T> = known
        .into_iter()
        .filter(|id| id.to_string().starts_with(&prefix))
        .collect();
    match matches.as_slice() {
        [] => Err(not_found()),
        [one] => Ok(*one),
        many => Err(ClientError::InvalidArgument(format!(
            "{reference:?} matches {} {kind}s; give more of the id",
            many.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecabinet_domain::MotionId;
    use uuid::Uuid;

    #[test]
    fn a_prefix_picks_one_or_says_why_not() {
        let a = MotionId(Uuid::parse_str("0196aaaa-0000-7000-8000-000000000001").expect("uuid"));
        let b = MotionId(Uuid::parse_str("0196aabb-0000-7000-8000-000000000002").expect("uuid"));
        assert_eq!(pick("motion", "0196aaaa", [a, b]).expect("one"), a);
        assert_eq!(pick("motion", &b.to_string(), [a]).expect("full id"), b);
        assert_eq!(
            pick("motion", "0196aa", [a, b]).expect_err("two").code(),
            "invalid_argument"
        );
        assert_eq!(
            pick("motion", "ffff", [a, b]).expect_err("none").code(),
            "not_found"
        );
        assert_eq!(
            pick("motion", "01", [a, b]).expect_err("too short").code(),
            "not_found"
        );
    }
}
