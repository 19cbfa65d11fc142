//! The zip around the envelope and its files. Reading trusts nothing the
//! zip says about itself: names are checked, sizes are capped while
//! reading (a zip bomb stops at the cap), and every file must be the one
//! the envelope lists, byte for byte.

use std::collections::BTreeSet;
use std::io::{Cursor, Read, Write};

use ecabinet_domain::document::MAX_DOCUMENT_BYTES;
use ecabinet_domain::ExchangeRecord;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::envelope::{file_name, Attachment, AttachmentRole, Envelope, MAX_ATTACHMENTS};
use crate::{sha256_hex, ExchangeError};

/// The envelope's name inside the package.
pub const ENVELOPE_FILE: &str = "goi-tin.xml";
/// All files of a package together, unpacked.
pub const MAX_PACKAGE_BYTES: u64 = MAX_DOCUMENT_BYTES;

/// A file going into a package, or read out of one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A package read and checked: the envelope, the main document, the annexes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub envelope: Envelope,
    pub main: NamedFile,
    pub annexes: Vec<NamedFile>,
}

/// Writes a package: the envelope (sizes and hashes computed here) first,
/// then the main document, then the annexes.
pub fn write_package(
    record: &ExchangeRecord,
    main: &NamedFile,
    annexes: &[NamedFile],
) -> Result<Vec<u8>, ExchangeError> {
    let record = Envelope::checked(record)?;
    if annexes.len() + 1 > MAX_ATTACHMENTS {
        return Err(ExchangeError::TooLarge(format!(
            "a package holds at most {MAX_ATTACHMENTS} files"
        )));
    }
    let mut attachments = Vec::new();
    let files = std::iter::once((AttachmentRole::Main, main))
        .chain(annexes.iter().map(|a| (AttachmentRole::Annex, a)));
    for (role, file) in files {
        let name = file_name(&file.name)?;
        if attachments.iter().any(|a: &Attachment| a.file_name == name) {
            return Err(ExchangeError::Mismatch(format!(
                "two files of the package are named {name:?}"
            )));
        }
        attachments.push(Attachment {
            role,
            file_name: name,
            content_type: file.content_type.clone(),
            size: file.bytes.len() as u64,
            sha256: sha256_hex(&file.bytes),
        });
    }
    let envelope = Envelope {
        record,
        attachments,
    };
    let archive = |e: zip::result::ZipError| ExchangeError::Archive(e.to_string());
    let io = |e: std::io::Error| ExchangeError::Archive(e.to_string());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(false);
    zip.start_file(ENVELOPE_FILE, options).map_err(archive)?;
    zip.write_all(envelope.to_xml().as_bytes()).map_err(io)?;
    // PDFs are compressed already: stored, they unpack at the speed of a copy.
    let stored = options.compression_method(CompressionMethod::Stored);
    let files = std::iter::once(main).chain(annexes);
    for (file, listed) in files.zip(&envelope.attachments) {
        zip.start_file(listed.file_name.as_str(), stored)
            .map_err(archive)?;
        zip.write_all(&file.bytes).map_err(io)?;
    }
    Ok(zip.finish().map_err(archive)?.into_inner())
}

/// Reads a package and checks it whole: the envelope, then every file
/// against it (name, size, SHA-256); no file more, none missing.
pub fn read_package(bytes: &[u8]) -> Result<Package, ExchangeError> {
    let archive_error = |e: zip::result::ZipError| ExchangeError::Archive(e.to_string());
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(archive_error)?;
    if zip.len() > MAX_ATTACHMENTS + 1 {
        return Err(ExchangeError::TooLarge(format!(
            "the package holds {} files; at most {MAX_ATTACHMENTS} and the envelope are accepted",
            zip.len()
        )));
    }
    let mut names = BTreeSet::new();
    let mut envelope_bytes = None;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index).map_err(archive_error)?;
        let name = entry.name().map_err(archive_error)?.into_owned();
        if entry.encrypted() {
            return Err(ExchangeError::Archive(format!("{name:?} is encrypted")));
        }
        if entry.is_dir() || entry.is_symlink() {
            return Err(ExchangeError::Archive(format!(
                "{name:?} is a folder or a link; a package holds plain files only"
            )));
        }
        if !names.insert(name.clone()) {
            return Err(ExchangeError::Archive(format!("{name:?} appears twice")));
        }
        let cap = if name == ENVELOPE_FILE {
            crate::envelope::MAX_ENVELOPE_BYTES as u64
        } else {
            file_name(&name).map_err(|_| {
                ExchangeError::Archive(format!(
                    "{name:?} is not a plain file name (folders and paths are refused)"
                ))
            })?;
            MAX_PACKAGE_BYTES - total
        };
        // The declared size may lie: read at most one byte past the cap.
        let mut content = Vec::with_capacity(entry.size().min(cap) as usize);
        (&mut entry)
            .take(cap + 1)
            .read_to_end(&mut content)
            .map_err(|e| ExchangeError::Archive(format!("{name:?} could not be unpacked ({e})")))?;
        if content.len() as u64 > cap {
            return Err(ExchangeError::TooLarge(format!(
                "{name:?} unpacks to more than the {} MiB a package may hold",
                cap >> 20
            )));
        }
        if name == ENVELOPE_FILE {
            envelope_bytes = Some(content);
        } else {
            total += content.len() as u64;
            files.push((name, content));
        }
    }
    let envelope_bytes = envelope_bytes.ok_or_else(|| {
        ExchangeError::Envelope("is missing: this is not an exchange package".into())
    })?;
    let envelope = Envelope::from_xml(&envelope_bytes)?;
    let mut main = None;
    let mut annexes = Vec::new();
    for listed in &envelope.attachments {
        let index = files
            .iter()
            .position(|(name, _)| *name == listed.file_name)
            .ok_or_else(|| {
                ExchangeError::Mismatch(format!(
                    "the envelope lists {:?}, which is not in the package",
                    listed.file_name
                ))
            })?;
        let (name, bytes) = files.swap_remove(index);
        if bytes.len() as u64 != listed.size {
            return Err(ExchangeError::Mismatch(format!(
                "{name:?} is {} bytes; the envelope says {}",
                bytes.len(),
                listed.size
            )));
        }
        let actual = sha256_hex(&bytes);
        if actual != listed.sha256 {
            return Err(ExchangeError::Mismatch(format!(
                "{name:?} does not match its SHA-256 in the envelope (changed on the way?)"
            )));
        }
        let file = NamedFile {
            name,
            content_type: listed.content_type.clone(),
            bytes,
        };
        match listed.role {
            AttachmentRole::Main => main = Some(file),
            AttachmentRole::Annex => annexes.push(file),
        }
    }
    if let Some((name, _)) = files.first() {
        return Err(ExchangeError::Mismatch(format!(
            "{name:?} is in the package but not listed in the envelope"
        )));
    }
    let main = main.ok_or_else(|| ExchangeError::Envelope("names no main document".into()))?;
    Ok(Package {
        envelope,
        main,
        annexes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn record() -> ExchangeRecord {
        ExchangeRecord {
            organisation_code: "000.00.00.G01".into(),
            organisation_name: "Văn phòng Chính phủ".into(),
            number: "12".into(),
            symbol: "NQ-CP".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date"),
            place: None,
            document_type: "Nghị quyết".into(),
            subject: "Phiên họp thường kỳ".into(),
            signer_name: "Nguyễn Văn A".into(),
            signer_position: "Thủ tướng".into(),
            annex: false,
        }
    }

    fn pdf(name: &str, body: &str) -> NamedFile {
        NamedFile {
            name: name.into(),
            content_type: "application/pdf".into(),
            bytes: format!("%PDF-1.7\n{body}\n%%EOF\n").into_bytes(),
        }
    }

    /// A zip written entry by entry, to make packages the writer never would.
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            zip.start_file(*name, SimpleFileOptions::default())
                .expect("entry");
            zip.write_all(bytes).expect("write");
        }
        zip.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_package_reads_back_with_its_annexes() {
        let main = pdf("nghi-quyet.pdf", "main");
        let annex = pdf("phu-luc-1.pdf", "annex");
        let bytes = write_package(&record(), &main, std::slice::from_ref(&annex)).expect("write");
        let package = read_package(&bytes).expect("read");
        assert_eq!(package.main, main);
        assert_eq!(package.annexes, vec![annex]);
        assert_eq!(package.envelope.record, record());
        assert_eq!(
            package.envelope.attachments[0].sha256,
            sha256_hex(&main.bytes)
        );
    }

    #[test]
    fn mismatching_packages_are_refused_with_the_file_named() {
        let main = pdf("nghi-quyet.pdf", "main");
        let good = write_package(&record(), &main, &[]).expect("write");
        let package = read_package(&good).expect("read");
        let xml = package.envelope.to_xml();
        let changed = pdf("nghi-quyet.pdf", "mainX");
        let cases: Vec<(Vec<u8>, &str)> = vec![
            // The document changed after the envelope was written (same size).
            (
                zip_of(&[
                    (ENVELOPE_FILE, xml.as_bytes()),
                    ("nghi-quyet.pdf", &pdf("nghi-quyet.pdf", "niam").bytes),
                ]),
                "does not match its SHA-256",
            ),
            (
                zip_of(&[
                    (ENVELOPE_FILE, xml.as_bytes()),
                    ("nghi-quyet.pdf", &changed.bytes),
                ]),
                "the envelope says",
            ),
            (
                zip_of(&[(ENVELOPE_FILE, xml.as_bytes())]),
                "not in the package",
            ),
            (
                zip_of(&[
                    (ENVELOPE_FILE, xml.as_bytes()),
                    ("nghi-quyet.pdf", &main.bytes),
                    ("extra.pdf", &main.bytes),
                ]),
                "not listed in the envelope",
            ),
            (zip_of(&[("nghi-quyet.pdf", &main.bytes)]), "is missing"),
            (
                zip_of(&[
                    (ENVELOPE_FILE, xml.as_bytes()),
                    ("../nghi-quyet.pdf", &main.bytes),
                ]),
                "not a plain file name",
            ),
            (b"PK\x03\x04 not really".to_vec(), "not a usable zip"),
            (Vec::new(), "not a usable zip"),
        ];
        for (bytes, why) in cases {
            let error = read_package(&bytes).expect_err(why);
            assert!(error.to_string().contains(why), "{why}: {error}");
        }
    }

    #[test]
    fn a_zip_bomb_stops_at_the_cap() {
        // 2 MiB of zeros deflate to a few KiB; the envelope's cap is 1 MiB.
        let zeros = vec![0u8; 2 << 20];
        let bytes = zip_of(&[(ENVELOPE_FILE, &zeros)]);
        assert!(bytes.len() < 64 << 10, "{}", bytes.len());
        let error = read_package(&bytes).expect_err("too big");
        assert!(matches!(error, ExchangeError::TooLarge(_)), "{error}");
    }

    #[test]
    fn the_writer_refuses_bad_metadata_and_names() {
        let mut bad = record();
        bad.organisation_code = "VPCP <G01>".into();
        let main = pdf("nghi-quyet.pdf", "main");
        let error = write_package(&bad, &main, &[]).expect_err("bad code");
        assert!(error.to_string().contains("OrganId"), "{error}");
        let error =
            write_package(&record(), &main, std::slice::from_ref(&main)).expect_err("twice");
        assert!(error.to_string().contains("two files"), "{error}");
        let error = write_package(&record(), &pdf("a/b.pdf", "x"), &[]).expect_err("path");
        assert!(error.to_string().contains("plain file name"), "{error}");
    }

    proptest::proptest! {
        #[test]
        fn reading_any_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let _ = read_package(&bytes);
            let _ = Envelope::from_xml(&bytes);
        }
    }
}
