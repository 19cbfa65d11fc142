//! A PAdES baseline B signature added to a PDF as an incremental update:
//! the original bytes stay as they are, and after them come the signature
//! dictionary (`/SubFilter /ETSI.CAdES.detached`, the signing time in
//! `/M`), an invisible signature field, a new version of the catalog that
//! lists the field, and a cross-reference section pointing back at the
//! original one. `/ByteRange` covers every byte but the `/Contents` hex
//! string, which holds the CMS (see [`crate::cms`]).
//!
//! This first version signs PDFs whose last cross-reference is a classic
//! table and whose catalog is a plain object (what PDFium, the demo packs
//! and most office exports write) and that have no form yet; others are
//! refused with a reason.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};

use crate::{cms, SignError, Signer};

/// Room for the CMS in `/Contents`: a few certificates and a signature.
const CONTENTS_BYTES: usize = 16 * 1024;

/// What the signature says besides who signed.
#[derive(Clone, Debug)]
pub struct SignatureDetails {
    pub reason: Option<String>,
    pub location: Option<String>,
    /// The signing time, with the signer's offset (Vietnam: +07:00).
    pub at: DateTime<FixedOffset>,
}

fn unsupported(why: &str) -> SignError {
    SignError::Pdf(format!("this PDF cannot be signed yet: {why}"))
}

/// The last `startxref` value.
fn last_xref(pdf: &[u8]) -> Result<usize, SignError> {
    let tail_start = pdf.len().saturating_sub(2048);
    let tail = &pdf[tail_start..];
    let at = tail
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or_else(|| SignError::Pdf("no startxref: not a PDF, or a truncated one".into()))?;
    let digits: String = tail[at + 9..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| *b as char)
        .collect();
    digits
        .parse()
        .ok()
        .filter(|x| *x < pdf.len())
        .ok_or_else(|| SignError::Pdf("startxref does not point into the file".into()))
}

/// The dictionary starting at `at` (which must be `<<`), as text, with
/// strings and nested dictionaries skipped correctly.
fn dictionary_at(pdf: &[u8], at: usize) -> Result<&[u8], SignError> {
    if pdf.get(at..at + 2) != Some(b"<<") {
        return Err(SignError::Pdf("a dictionary was expected".into()));
    }
    let mut depth = 0usize;
    let mut i = at;
    while i < pdf.len() {
        match pdf[i] {
            b'(' => {
                // A literal string: balanced parentheses, backslash escapes.
                let mut nested = 0usize;
                while i < pdf.len() {
                    match pdf[i] {
                        b'\\' => i += 1,
                        b'(' => nested += 1,
                        b')' => {
                            nested -= 1;
                            if nested == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'<' if pdf.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b'>' if pdf.get(i + 1) == Some(&b'>') => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return Ok(&pdf[at..=i]);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err(SignError::Pdf("a dictionary does not end".into()))
}

/// `/Key N G R` in a dictionary's text.
fn reference(dictionary: &[u8], key: &str) -> Option<(u32, u16)> {
    let text = String::from_utf8_lossy(dictionary);
    let at = text.find(&format!("{key} ")).or_else(|| text.find(key))?;
    let mut words = text[at + key.len()..].split_whitespace();
    let number = words.next()?.parse().ok()?;
    let generation = words.next()?.parse().ok()?;
    (words.next()? == "R").then_some((number, generation))
}

fn integer_entry(dictionary: &[u8], key: &str) -> Option<u64> {
    let text = String::from_utf8_lossy(dictionary);
    let at = text.find(key)?;
    text[at + key.len()..]
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| !w.is_empty())?
        .parse()
        .ok()
}

/// The raw text of an entry's value up to the next key (for `/ID [...]`).
fn array_entry<'a>(dictionary: &'a [u8], key: &str) -> Option<&'a [u8]> {
    let start = dictionary
        .windows(key.len())
        .position(|w| w == key.as_bytes())?
        + key.len();
    let open = start + dictionary[start..].iter().position(|b| *b == b'[')?;
    let close = open + dictionary[open..].iter().position(|b| *b == b']')?;
    Some(&dictionary[open..=close])
}

/// Where object `number generation obj` begins (its last definition).
fn object_at(pdf: &[u8], number: u32, generation: u16) -> Option<usize> {
    let header = format!("{number} {generation} obj");
    let header = header.as_bytes();
    let mut found = None;
    let mut from = 0;
    while let Some(offset) = pdf[from..].windows(header.len()).position(|w| w == header) {
        let at = from + offset;
        let boundary = at == 0 || pdf[at - 1].is_ascii_whitespace();
        if boundary {
            found = Some(at);
        }
        from = at + header.len();
    }
    found
}

/// A PDF text string: UTF-16BE with a byte order mark, written in hex.
fn text_string(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

/// `D:YYYYMMDDHHmmSS+07'00'`.
fn pdf_date(at: &DateTime<FixedOffset>) -> String {
    let offset = at.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.abs() / 60;
    format!(
        "D:{}{sign}{:02}'{:02}'",
        at.format("%Y%m%d%H%M%S"),
        minutes / 60,
        minutes % 60
    )
}

/// Signs `pdf` with `signer`: the signed PDF, the original bytes first.
pub fn sign_pdf(
    pdf: &[u8],
    signer: &dyn Signer,
    details: &SignatureDetails,
) -> Result<Vec<u8>, SignError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(SignError::Pdf("not a PDF file".into()));
    }
    let xref = last_xref(pdf)?;
    if !pdf[xref..].starts_with(b"xref") {
        return Err(unsupported(
            "its cross-reference is a stream (PDF 1.5 compression)",
        ));
    }
    let trailer_at = xref
        + pdf[xref..]
            .windows(7)
            .position(|w| w == b"trailer")
            .ok_or_else(|| SignError::Pdf("no trailer".into()))?;
    let dict_at = trailer_at
        + 7
        + pdf[trailer_at + 7..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
    let trailer = dictionary_at(pdf, dict_at)?;
    if trailer.windows(8).any(|w| w == b"/Encrypt") {
        return Err(unsupported("it is encrypted"));
    }
    let (root, root_generation) = reference(trailer, "/Root")
        .ok_or_else(|| SignError::Pdf("the trailer names no /Root".into()))?;
    let size = integer_entry(trailer, "/Size")
        .ok_or_else(|| SignError::Pdf("the trailer has no /Size".into()))?;
    let catalog_at = object_at(pdf, root, root_generation)
        .ok_or_else(|| unsupported("its catalog is inside a compressed object stream"))?;
    let catalog_start = catalog_at
        + pdf[catalog_at..]
            .windows(2)
            .position(|w| w == b"<<")
            .ok_or_else(|| SignError::Pdf("the catalog is not a dictionary".into()))?;
    let catalog = dictionary_at(pdf, catalog_start)?;
    if catalog.windows(9).any(|w| w == b"/AcroForm") {
        return Err(unsupported(
            "it already has a form or a signature (adding one to it comes later)",
        ));
    }
    let catalog_inner = &catalog[2..catalog.len() - 2];

    let signature_number = size as u32;
    let field_number = signature_number + 1;
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }

    // The signature dictionary, with room for the CMS and a byte range to patch.
    let signature_offset = out.len();
    let mut signature = format!(
        "{signature_number} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached \
         /ByteRange [0 0000000000 0000000000 0000000000] /M ({})",
        pdf_date(&details.at)
    );
    if let Some(reason) = &details.reason {
        let _ = write!(signature, " /Reason {}", text_string(reason));
    }
    if let Some(location) = &details.location {
        let _ = write!(signature, " /Location {}", text_string(location));
    }
    signature.push_str(" /Contents <");
    out.extend_from_slice(signature.as_bytes());
    let contents_start = out.len() - 1; // the '<'
    out.extend(std::iter::repeat_n(b'0', CONTENTS_BYTES * 2));
    out.extend_from_slice(b">");
    let contents_end = out.len(); // just after the '>'
    out.extend_from_slice(b" >>\nendobj\n");

    let field_offset = out.len();
    out.extend_from_slice(
        format!(
            "{field_number} 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature{signature_number}) \
             /V {signature_number} 0 R /Rect [0 0 0 0] /F 132 >>\nendobj\n"
        )
        .as_bytes(),
    );
    let catalog_offset = out.len();
    out.extend_from_slice(format!("{root} {root_generation} obj\n<<").as_bytes());
    out.extend_from_slice(catalog_inner);
    out.extend_from_slice(
        format!(" /AcroForm << /Fields [{field_number} 0 R] /SigFlags 3 >> >>\nendobj\n")
            .as_bytes(),
    );

    let xref_offset = out.len();
    let mut table = format!(
        "xref\n{root} 1\n{catalog_offset:010} {root_generation:05} n \n{signature_number} 2\n\
         {signature_offset:010} 00000 n \n{field_offset:010} 00000 n \n"
    );
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root {root} {root_generation} R /Prev {xref}",
        field_number + 1
    );
    if let Some(info) = reference(trailer, "/Info") {
        let _ = write!(table, " /Info {} {} R", info.0, info.1);
    }
    if let Some(id) = array_entry(trailer, "/ID") {
        table.push_str(" /ID ");
        table.push_str(&String::from_utf8_lossy(id));
    }
    let _ = write!(table, " >>\nstartxref\n{xref_offset}\n%%EOF\n");
    out.extend_from_slice(table.as_bytes());

    // The byte range: everything but the hex string, delimiters included in it.
    let range = format!(
        "[0 {contents_start:010} {contents_end:010} {:010}]",
        out.len() - contents_end
    );
    let placeholder = b"[0 0000000000 0000000000 0000000000]";
    let at = signature_offset
        + out[signature_offset..contents_start]
            .windows(placeholder.len())
            .position(|w| w == placeholder)
            .ok_or_else(|| SignError::Pdf("the byte range placeholder is gone".into()))?;
    out[at..at + placeholder.len()].copy_from_slice(range.as_bytes());

    let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
    hasher.update(&out[..contents_start]);
    hasher.update(&out[contents_end..]);
    let digest: [u8; 32] = hasher
        .finish()
        .as_ref()
        .try_into()
        .map_err(|_| SignError::Pdf("SHA-256 is not 32 bytes".into()))?;
    let cms = cms::signed_data(signer, &digest)?;
    if cms.len() > CONTENTS_BYTES {
        return Err(SignError::Pdf(format!(
            "the signature ({} bytes) does not fit the room kept for it ({CONTENTS_BYTES})",
            cms.len()
        )));
    }
    let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    out[contents_start + 1..contents_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_strings_and_dictionaries_read_and_write_as_pdf_does() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T16:05:09+07:00").expect("time");
        assert_eq!(pdf_date(&at), "D:20261207160509+07'00'");
        assert_eq!(text_string("Hà"), "<FEFF004800E0>");
        let pdf = b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Names << /A (x>>) >> >>\nendobj";
        let dict = dictionary_at(pdf, 8).expect("dict");
        assert!(dict.ends_with(b">> >>"));
        assert_eq!(reference(dict, "/Pages"), Some((2, 0)));
        assert_eq!(object_at(pdf, 1, 0), Some(0));
        assert!(dictionary_at(b"<< /A (unterminated", 0).is_err());
    }
}
