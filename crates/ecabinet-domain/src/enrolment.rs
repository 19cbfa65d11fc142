//! One-time enrolment codes: short enough to read over the phone, with a
//! check character so a typo is caught on the device before any network call.
//!
//! A code is 15 Crockford base32 symbols (75 bits of entropy) plus one check
//! symbol, shown as four groups of four: `7QK2-M9XD-4TBN-C8WH`.

use std::fmt;

use thiserror::Error;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DATA_SYMBOLS: usize = 15;

/// How many days an enrolment code stays valid (from when the server has it).
pub const INVITE_LIFETIME_DAYS: i64 = 7;

#[derive(Clone, PartialEq, Eq)]
pub struct EnrolmentCode(String);

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CodeError {
    #[error(
        "an enrolment code has 16 letters and digits (like 7QK2-M9XD-4TBN-C8WH); this one has {0}"
    )]
    WrongLength(usize),
    #[error("an enrolment code has only letters and digits; '{0}' is not allowed")]
    BadSymbol(char),
    #[error(
        "this enrolment code is mistyped (its check letter does not match); please read it again"
    )]
    BadCheck,
}

impl EnrolmentCode {
    /// Builds a code from at least 10 random bytes (only 75 bits are used).
    pub fn from_entropy(bytes: &[u8; 10]) -> Self {
        let mut bits: u128 = 0;
        for b in bytes {
            bits = (bits << 8) | u128::from(*b);
        }
        let mut symbols = Vec::with_capacity(DATA_SYMBOLS + 1);
        for i in 0..DATA_SYMBOLS {
            let shift = 5 * (DATA_SYMBOLS - 1 - i);
            symbols.push(((bits >> shift) & 0x1f) as u8);
        }
        symbols.push(check_symbol(&symbols));
        Self(
            symbols
                .iter()
                .map(|s| ALPHABET[*s as usize] as char)
                .collect(),
        )
    }

    /// Accepts what a person types: any case, dashes and spaces anywhere, and
    /// the look-alikes O/o for 0 and I/i/L/l for 1.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let mut symbols = Vec::with_capacity(DATA_SYMBOLS + 1);
        for c in input.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            let value = ALPHABET
                .iter()
                .position(|a| *a as char == c)
                .ok_or(CodeError::BadSymbol(c))?;
            symbols.push(value as u8);
        }
        if symbols.len() != DATA_SYMBOLS + 1 {
            return Err(CodeError::WrongLength(symbols.len()));
        }
        if check_symbol(&symbols[..DATA_SYMBOLS]) != symbols[DATA_SYMBOLS] {
            return Err(CodeError::BadCheck);
        }
        Ok(Self(
            symbols
                .iter()
                .map(|s| ALPHABET[*s as usize] as char)
                .collect(),
        ))
    }

    /// The canonical form (no dashes): what the server hashes and stores.
    pub fn canonical(&self) -> &str {
        &self.0
    }
}

/// The check symbol is `sum(data[i] * a^(i+1))` in GF(32) (a = x, modulus
/// x^5 + x^2 + 1). A changed symbol adds `e * a^(i+1)`, never zero, and a swap
/// of two different neighbours adds `(s+t) * a^(i+1) * (1+a)`, never zero either,
/// so both typos are always caught.
fn check_symbol(data: &[u8]) -> u8 {
    let mut check = 0u8;
    let mut power = 1u8;
    for symbol in data {
        power = gf32_mul(power, 2);
        check ^= gf32_mul(*symbol, power);
    }
    check
}

fn gf32_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
    }
    product & 0x1f
}

impl fmt::Display for EnrolmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chunk) in self.0.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(chunk).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

impl fmt::Debug for EnrolmentCode {
    // Codes are secrets: never print them in logs by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrolmentCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> EnrolmentCode {
        EnrolmentCode::from_entropy(&[0x3a, 0x91, 0x07, 0xff, 0x10, 0x42, 0xc3, 0x5e, 0x99, 0x01])
    }

    #[test]
    fn display_parses_back() {
        let code = sample();
        let shown = code.to_string();
        assert_eq!(shown.len(), 19, "four groups of four with dashes: {shown}");
        assert_eq!(EnrolmentCode::parse(&shown), Ok(code));
    }

    #[test]
    fn sloppy_typing_is_accepted() {
        let code = sample();
        let sloppy = code.to_string().to_lowercase().replace('-', " ");
        assert_eq!(EnrolmentCode::parse(&sloppy), Ok(code));
    }

    #[test]
    fn every_single_symbol_typo_is_caught() {
        let canonical = sample().canonical().to_owned();
        for pos in 0..canonical.len() {
            for replacement in ALPHABET.iter().map(|b| *b as char) {
                let mut chars: Vec<char> = canonical.chars().collect();
                if chars[pos] == replacement {
                    continue;
                }
                chars[pos] = replacement;
                let typo: String = chars.into_iter().collect();
                assert!(
                    EnrolmentCode::parse(&typo).is_err(),
                    "typo at {pos} accepted: {typo}"
                );
            }
        }
    }

    #[test]
    fn every_neighbour_swap_is_caught() {
        for seed in 0u8..50 {
            let code = EnrolmentCode::from_entropy(&[
                seed,
                7,
                seed.wrapping_mul(13),
                1,
                2,
                3,
                4,
                5,
                seed,
                9,
            ]);
            let chars: Vec<char> = code.canonical().chars().collect();
            for pos in 0..chars.len() - 1 {
                if chars[pos] == chars[pos + 1] {
                    continue;
                }
                let mut swapped = chars.clone();
                swapped.swap(pos, pos + 1);
                let typo: String = swapped.into_iter().collect();
                assert!(
                    EnrolmentCode::parse(&typo).is_err(),
                    "swap at {pos} accepted: {typo}"
                );
            }
        }
    }

    #[test]
    fn wrong_length_and_symbols_say_so() {
        assert_eq!(EnrolmentCode::parse("ABCD"), Err(CodeError::WrongLength(4)));
        assert_eq!(
            EnrolmentCode::parse("ABCD-EFGH-JKMN-PQR#"),
            Err(CodeError::BadSymbol('#'))
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        assert_eq!(format!("{:?}", sample()), "EnrolmentCode(…)");
    }
}
