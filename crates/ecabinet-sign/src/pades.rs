//! A PAdES baseline B signature added to a PDF as an incremental update:
//! the original bytes stay as they are, and after them come the signature
//! dictionary (`/SubFilter /ETSI.CAdES.detached`, the signing time in
//! `/M`), an invisible signature field, a new version of the catalog that
//! lists the field, and a cross-reference section pointing back at the
//! original one. `/ByteRange` covers every byte but the `/Contents` hex
//! string, which holds the CMS (see [`crate::cms`]).
//!
//! A PDF already signed gets one signature more (a countersignature): the
//! new field joins the form's `/Fields` (in the catalog, or in the form's
//! own object, rewritten in the update), and the earlier signatures stay
//! valid over the bytes they signed. Signed PDFs are classic-table PDFs
//! whose catalog is a plain object (what PDFium, the demo packs and most
//! office exports write); others, and certified documents (`/Perms`), are
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

/// Where a PDF's form (`/AcroForm`) is, when it has one.
enum Form<'a> {
    /// Written in the catalog: these bytes of the catalog's text.
    Inline { span: std::ops::Range<usize> },
    /// An object of its own, with its dictionary.
    Object {
        number: u32,
        generation: u16,
        dictionary: &'a [u8],
    },
}

fn existing_form<'a>(pdf: &'a [u8], catalog: &'a [u8]) -> Result<Option<Form<'a>>, SignError> {
    let key = b"/AcroForm";
    let Some(at) = catalog.windows(key.len()).position(|w| w == key) else {
        return Ok(None);
    };
    let value = at
        + key.len()
        + catalog[at + key.len()..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .ok_or_else(|| SignError::Pdf("the catalog's /AcroForm has no value".into()))?;
    if catalog[value..].starts_with(b"<<") {
        let dictionary = dictionary_at(catalog, value)?;
        return Ok(Some(Form::Inline {
            span: value..value + dictionary.len(),
        }));
    }
    let (number, generation) = reference(&catalog[at..], "/AcroForm")
        .ok_or_else(|| unsupported("its /AcroForm is neither a dictionary nor a reference"))?;
    let object = object_at(pdf, number, generation)
        .ok_or_else(|| unsupported("its form is inside a compressed object stream"))?;
    let start = object
        + pdf[object..]
            .windows(2)
            .position(|w| w == b"<<")
            .ok_or_else(|| SignError::Pdf("the form is not a dictionary".into()))?;
    Ok(Some(Form::Object {
        number,
        generation,
        dictionary: dictionary_at(pdf, start)?,
    }))
}

/// A form's dictionary with `field` added to its `/Fields` and signatures
/// flagged (`/SigFlags 3`: signatures exist, append only).
fn with_field(form: &[u8], field: &str) -> Result<Vec<u8>, SignError> {
    let key = b"/Fields";
    let at = form
        .windows(key.len())
        .position(|w| w == key)
        .ok_or_else(|| unsupported("its form has no /Fields"))?;
    let open = at
        + key.len()
        + form[at + key.len()..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
    if form.get(open) != Some(&b'[') {
        return Err(unsupported("its form's /Fields is not written in place"));
    }
    let close = open
        + form[open..]
            .iter()
            .position(|b| *b == b']')
            .ok_or_else(|| SignError::Pdf("the form's /Fields does not end".into()))?;
    let mut out = form[..close].to_vec();
    out.extend_from_slice(format!(" {field}").as_bytes());
    out.extend_from_slice(&form[close..]);
    if !out.windows(9).any(|w| w == b"/SigFlags") {
        let end = out.len() - 2;
        out.splice(end..end, b" /SigFlags 3 ".iter().copied());
    }
    Ok(out)
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
    if catalog.windows(6).any(|w| w == b"/Perms") {
        return Err(unsupported(
            "it is certified (/Perms): its author limited the changes allowed",
        ));
    }
    let form = existing_form(pdf, catalog)?;

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
    let field = format!("{field_number} 0 R");
    // (object number, generation, offset) of each object this update writes.
    let mut written = vec![
        (signature_number, 0u16, signature_offset),
        (field_number, 0, field_offset),
    ];
    let catalog_text = match &form {
        None => {
            // No form yet: the catalog gets one with this field.
            let inner = &catalog[2..catalog.len() - 2];
            let mut text = b"<<".to_vec();
            text.extend_from_slice(inner);
            text.extend_from_slice(
                format!(" /AcroForm << /Fields [{field}] /SigFlags 3 >> >>").as_bytes(),
            );
            text
        }
        Some(Form::Inline { span }) => {
            // The form is written in the catalog: the catalog is rewritten.
            let form_text = with_field(&catalog[span.clone()], &field)?;
            [
                &catalog[..span.start],
                form_text.as_slice(),
                &catalog[span.end..],
            ]
            .concat()
        }
        Some(Form::Object {
            number,
            generation,
            dictionary,
        }) => {
            // The form is an object of its own: a new version of it.
            let form_text = with_field(dictionary, &field)?;
            let offset = out.len();
            out.extend_from_slice(format!("{number} {generation} obj\n").as_bytes());
            out.extend_from_slice(&form_text);
            out.extend_from_slice(b"\nendobj\n");
            written.push((*number, *generation, offset));
            catalog.to_vec()
        }
    };
    let catalog_offset = out.len();
    out.extend_from_slice(format!("{root} {root_generation} obj\n").as_bytes());
    out.extend_from_slice(&catalog_text);
    out.extend_from_slice(b"\nendobj\n");
    written.push((root, root_generation, catalog_offset));
    written.sort_by_key(|(number, _, _)| *number);

    let xref_offset = out.len();
    let mut table = String::from("xref\n");
    for (number, generation, offset) in &written {
        let _ = write!(table, "{number} 1\n{offset:010} {generation:05} n \n");
    }
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

    #[test]
    fn a_form_gets_the_new_field_and_the_signature_flags() {
        let with = with_field(b"<< /Fields [7 0 R] /SigFlags 3 >>", "9 0 R").expect("form");
        assert_eq!(with, b"<< /Fields [7 0 R 9 0 R] /SigFlags 3 >>".to_vec());
        let flagged = with_field(b"<< /Fields [] /DA (/Helv 0 Tf 0 g) >>", "9 0 R").expect("form");
        assert_eq!(
            String::from_utf8_lossy(&flagged),
            "<< /Fields [ 9 0 R] /DA (/Helv 0 Tf 0 g)  /SigFlags 3 >>"
        );
        assert!(with_field(b"<< /Fields 12 0 R >>", "9 0 R").is_err());
        assert!(with_field(b"<< /NeedAppearances true >>", "9 0 R").is_err());
        let catalog = b"<< /Type /Catalog /AcroForm << /Fields [7 0 R] >> /Pages 2 0 R >>";
        match existing_form(catalog, catalog).expect("form") {
            Some(Form::Inline { span }) => assert_eq!(&catalog[span], b"<< /Fields [7 0 R] >>"),
            _ => panic!("an inline form"),
        }
        let pdf = b"5 0 obj\n<< /Fields [7 0 R] >>\nendobj\n1 0 obj\n<< /Type /Catalog /AcroForm 5 0 R >>\nendobj";
        let catalog = dictionary_at(pdf, 45).expect("catalog");
        match existing_form(pdf, catalog).expect("form") {
            Some(Form::Object {
                number: 5,
                generation: 0,
                dictionary,
            }) => {
                assert_eq!(dictionary, b"<< /Fields [7 0 R] >>")
            }
            _ => panic!("a form object"),
        }
    }
}
