//! Document-exchange packages (secretariat): a signed document leaves as a
//! package for the national interconnection axis, and a package that
//! arrives becomes agenda documents. Everything is checked before anything
//! is written: the package (`ecabinet_exchange::read_package`), the main
//! document's legal signature, and that the envelope's signer is the one
//! who signed. A refusal stores nothing.

use chrono::NaiveDate;
use ecabinet_domain::document::PDF_MEDIA_TYPE;
use ecabinet_domain::validate::MAX_TITLE_CHARS;
use ecabinet_domain::{
    AgendaItemId, Document, DocumentId, DocumentManifest, ExchangeRecord, Handling, Role,
};
use ecabinet_exchange::{read_package, write_package, NamedFile};
use ecabinet_sign::{ChainStatus, Integrity, PdfSignature};
use zeroize::Zeroizing;

use crate::error::{ClientError, ClientResult};
use crate::signing::SignatureView;
use crate::Client;

/// What the secretariat says about a document it sends out; anything left
/// out comes from the document's own exchange record (if it arrived in a
/// package), the subject from its title, the date is today.
#[derive(Clone, Debug, Default)]
pub struct ExportDetails {
    pub organisation_code: Option<String>,
    pub organisation_name: Option<String>,
    pub number: Option<String>,
    pub symbol: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub place: Option<String>,
    pub document_type: Option<String>,
    pub subject: Option<String>,
    pub signer_position: Option<String>,
    /// Other documents sent with it as annexes.
    pub annexes: Vec<DocumentId>,
}

/// A package ready to be written.
pub struct ExportedPackage {
    pub bytes: Zeroizing<Vec<u8>>,
    pub record: ExchangeRecord,
    pub files: usize,
}

/// What an import attached.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportedPackage {
    pub main: Document,
    pub annexes: Vec<Document>,
    pub record: ExchangeRecord,
    pub signatures: Vec<SignatureView>,
}

fn refused(reason: impl std::fmt::Display) -> ClientError {
    ClientError::Exchange(reason.to_string())
}

impl Client {
    fn secretariat_only(&self, what: &str) -> ClientResult<()> {
        if self.profile.person.role != Role::Secretary {
            return Err(ClientError::InvalidArgument(format!(
                "only the secretariat {what}"
            )));
        }
        Ok(())
    }

    /// Builds the exchange package of the latest version of `document`,
    /// which must carry a valid legal signature (`ecab doc sign`).
    pub async fn export_exchange(
        &self,
        document: DocumentId,
        details: ExportDetails,
    ) -> ClientResult<ExportedPackage> {
        self.secretariat_only("sends documents to other systems")?;
        let latest = self.document(document).await?;
        let manifest = manifest_of(&latest)?;
        let (_, plaintext) = self.open_document(document).await?;
        let anchors = self.trust_anchors()?;
        let signatures = ecabinet_sign::verify_pdf(&plaintext, &anchors)?;
        let signer = signer_for_export(&latest.title, &signatures, !anchors.is_empty())?;
        let record = merge_details(manifest.exchange, &details, &latest.title, signer)?;
        let main = NamedFile {
            name: manifest.file_name,
            content_type: PDF_MEDIA_TYPE.into(),
            bytes: plaintext.to_vec(),
        };
        let mut annexes = Vec::new();
        for annex in &details.annexes {
            if *annex == document {
                return Err(ClientError::InvalidArgument(
                    "the document cannot be its own annex".into(),
                ));
            }
            let found = self.document(*annex).await?;
            let (_, bytes) = self.open_document(*annex).await?;
            annexes.push(NamedFile {
                name: manifest_of(&found)?.file_name,
                content_type: PDF_MEDIA_TYPE.into(),
                bytes: bytes.to_vec(),
            });
        }
        let bytes = Zeroizing::new(write_package(&record, &main, &annexes).map_err(refused)?);
        Ok(ExportedPackage {
            bytes,
            record,
            files: 1 + annexes.len(),
        })
    }

    /// [`Client::import_exchange`] of a package file (the desktop's "Nhận
    /// gói tin"): read whole, at most a package's size plus its envelope.
    pub async fn import_exchange_file(
        &self,
        item: AgendaItemId,
        path: &std::path::Path,
        accept_untrusted: bool,
    ) -> ClientResult<ImportedPackage> {
        let size = tokio::fs::metadata(path)
            .await
            .map_err(|e| ClientError::io(path, e))?
            .len();
        if size > ecabinet_exchange::MAX_PACKAGE_BYTES + (1 << 20) {
            return Err(refused(format!(
                "{} is larger than a package may be ({} MiB)",
                path.display(),
                ecabinet_exchange::MAX_PACKAGE_BYTES >> 20
            )));
        }
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| ClientError::io(path, e))?;
        self.import_exchange(item, &bytes, accept_untrusted).await
    }

    /// Attaches a received package to `item`: the main document and each
    /// annex become agenda documents carrying the envelope's record.
    /// Refused whole (nothing stored) when the package does not hold
    /// together, the main document's signature fails, its signer is not
    /// the envelope's, or (unless `accept_untrusted`) this device's trust
    /// anchors do not vouch for the signer.
    pub async fn import_exchange(
        &self,
        item: AgendaItemId,
        package: &[u8],
        accept_untrusted: bool,
    ) -> ClientResult<ImportedPackage> {
        self.secretariat_only("attaches documents")?;
        self.agenda_item(item).await?;
        let package = read_package(package).map_err(refused)?;
        for file in std::iter::once(&package.main).chain(&package.annexes) {
            if file.content_type != PDF_MEDIA_TYPE || !file.bytes.starts_with(b"%PDF-") {
                return Err(refused(format!(
                    "{:?} is not a PDF ({}); eCabinet keeps PDF documents only",
                    file.name, file.content_type
                )));
            }
        }
        let anchors = self.trust_anchors()?;
        let signatures = ecabinet_sign::verify_pdf(&package.main.bytes, &anchors)?;
        let record = package.envelope.record.clone();
        check_import_signatures(&record, &package.main.name, &signatures, accept_untrusted)?;

        let number = format!("{}/{}", record.number, record.symbol);
        let main = self
            .publish_bytes(
                DocumentId::new(),
                1,
                item,
                crate::documents::Plaintext::memory(Zeroizing::new(package.main.bytes)),
                &package.main.name,
                package.main.name.clone(),
                Some(&title_of(&number, &record.subject)),
                Handling::default(),
                Some(record.clone()),
            )
            .await?
            .document;
        let mut annexes = Vec::new();
        for annex in package.annexes {
            let stem = annex.name.trim_end_matches(".pdf").to_owned();
            annexes.push(
                self.publish_bytes(
                    DocumentId::new(),
                    1,
                    item,
                    crate::documents::Plaintext::memory(Zeroizing::new(annex.bytes)),
                    &annex.name,
                    annex.name.clone(),
                    Some(&title_of(&number, &stem)),
                    Handling::default(),
                    Some(ExchangeRecord {
                        annex: true,
                        ..record.clone()
                    }),
                )
                .await?
                .document,
            );
        }
        Ok(ImportedPackage {
            main,
            annexes,
            record,
            signatures: signatures.iter().map(SignatureView::from).collect(),
        })
    }
}

fn manifest_of(document: &Document) -> ClientResult<DocumentManifest> {
    serde_json::from_str(&document.manifest)
        .map_err(|e| ClientError::Protocol(format!("the manifest of {}: {e}", document.id)))
}

/// "12/NQ-CP — subject", on one line, within the title limit.
fn title_of(number: &str, subject: &str) -> String {
    let first_line = subject.lines().next().unwrap_or_default().trim();
    let title = format!("{number} — {first_line}");
    if title.chars().count() <= MAX_TITLE_CHARS {
        return title;
    }
    let mut cut: String = title.chars().take(MAX_TITLE_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The name of who signed the document last, if that signature holds.
fn signer_for_export(
    title: &str,
    signatures: &[PdfSignature],
    anchors_configured: bool,
) -> ClientResult<String> {
    let last = signatures.last().ok_or_else(|| {
        refused(format!(
            "\"{title}\" has no legal signature; sign it first (`ecab doc sign`, or \"Ký số\" in the app)"
        ))
    })?;
    if last.integrity != Integrity::Valid || last.changed_after_signing {
        return Err(refused(format!(
            "the signature on \"{title}\" does not hold ({}); sign the document again",
            describe(last)
        )));
    }
    if anchors_configured && !matches!(last.chain, Some(ChainStatus::Trusted { .. })) {
        return Err(refused(format!(
            "the signer's certificate on \"{title}\" is not trusted by this device's trust anchors"
        )));
    }
    last.signer
        .as_ref()
        .map(|c| c.name.clone())
        .ok_or_else(|| refused("the signature carries no signer certificate"))
}

fn describe(signature: &PdfSignature) -> String {
    match (&signature.integrity, signature.changed_after_signing) {
        (Integrity::Valid, true) => "the document was changed after signing".into(),
        (Integrity::Valid, false) => "valid".into(),
        (Integrity::Modified, _) => "the signed bytes were changed".into(),
        (Integrity::BadSignature, _) => "the signature does not verify".into(),
        (Integrity::Unchecked(why), _) => format!("it could not be checked: {why}"),
    }
}

/// The envelope's signer must have signed the main document, that
/// signature must hold over the whole file, and be trusted here.
fn check_import_signatures(
    record: &ExchangeRecord,
    file: &str,
    signatures: &[PdfSignature],
    accept_untrusted: bool,
) -> ClientResult<()> {
    let last = signatures.last().ok_or_else(|| {
        refused(format!(
            "the main document {file:?} carries no legal signature; a package's document must be signed"
        ))
    })?;
    if let Some(bad) = signatures
        .iter()
        .find(|s| s.integrity != Integrity::Valid)
        .or_else(|| last.changed_after_signing.then_some(last))
    {
        return Err(refused(format!(
            "the signature in {file:?} does not hold: {}",
            describe(bad)
        )));
    }
    let wanted = normalise(&record.signer_name);
    let by_signer = signatures.iter().find(|s| {
        s.signer
            .as_ref()
            .is_some_and(|c| normalise(&c.name) == wanted)
    });
    let Some(signed) = by_signer else {
        let names: Vec<String> = signatures
            .iter()
            .filter_map(|s| s.signer.as_ref().map(|c| c.name.clone()))
            .collect();
        return Err(refused(format!(
            "the envelope names {:?} as the signer, but {file:?} is signed by {}",
            record.signer_name,
            names.join(", ")
        )));
    };
    match &signed.chain {
        Some(ChainStatus::Trusted { .. }) => Ok(()),
        Some(ChainStatus::Untrusted { reason }) if reason.contains("no trust anchors") => Ok(()),
        other if accept_untrusted => {
            tracing::warn!(?other, "importing a package whose signer is not trusted");
            Ok(())
        }
        other => Err(refused(format!(
            "the signer's certificate is not trusted by this device's trust anchors ({}); \
             ask the IT office to add the issuing CA, or accept it knowingly (--accept-untrusted)",
            match other {
                Some(ChainStatus::Untrusted { reason }) => reason.clone(),
                Some(ChainStatus::OutsideValidity { subject }) => {
                    format!("{subject} was not valid at the signing time")
                }
                Some(ChainStatus::BadSignature { subject }) => {
                    format!("the signature on {subject} does not verify")
                }
                _ => "not checked".into(),
            }
        ))),
    }
}

/// Names compared as people read them: spaces collapsed, case ignored.
fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The record of an export: the document's own (if it came in a package)
/// overridden by what the secretariat gave, the signer from the signature.
fn merge_details(
    own: Option<ExchangeRecord>,
    details: &ExportDetails,
    title: &str,
    signer_name: String,
) -> ClientResult<ExchangeRecord> {
    let pick = |given: &Option<String>, kept: Option<&String>| {
        given
            .clone()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| kept.cloned())
    };
    let own = own.as_ref();
    let mut missing = Vec::new();
    let mut need = |given: &Option<String>, kept: Option<&String>, flag: &'static str| {
        let value = pick(given, kept);
        if value.is_none() {
            missing.push(flag);
        }
        value.unwrap_or_default()
    };
    let record = ExchangeRecord {
        organisation_code: need(
            &details.organisation_code,
            own.map(|r| &r.organisation_code),
            "--org-code",
        ),
        organisation_name: need(
            &details.organisation_name,
            own.map(|r| &r.organisation_name),
            "--org-name",
        ),
        number: need(&details.number, own.map(|r| &r.number), "--number"),
        symbol: need(&details.symbol, own.map(|r| &r.symbol), "--symbol"),
        document_type: need(
            &details.document_type,
            own.map(|r| &r.document_type),
            "--type",
        ),
        signer_position: need(
            &details.signer_position,
            own.map(|r| &r.signer_position),
            "--signer-position",
        ),
        issued_on: details
            .issued_on
            .or(own.map(|r| r.issued_on))
            .unwrap_or_else(ecabinet_domain::clock::cabinet_today),
        place: pick(&details.place, own.and_then(|r| r.place.as_ref())),
        subject: pick(&details.subject, own.map(|r| &r.subject)).unwrap_or_else(|| title.into()),
        signer_name,
        annex: false,
    };
    if !missing.is_empty() {
        return Err(ClientError::InvalidArgument(format!(
            "the package needs {} (the document did not come with them)",
            missing.join(", ")
        )));
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_one_line_within_the_limit() {
        assert_eq!(
            title_of("12/NQ-CP", "Về việc A\nvà B"),
            "12/NQ-CP — Về việc A"
        );
        let long = "ý".repeat(400);
        let title = title_of("12/NQ-CP", &long);
        assert_eq!(title.chars().count(), MAX_TITLE_CHARS);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn an_export_names_every_missing_field_and_keeps_what_the_document_had() {
        let error = merge_details(None, &ExportDetails::default(), "Nghị quyết", "A".into())
            .expect_err("nothing given");
        let message = error.to_string();
        for flag in [
            "--org-code",
            "--org-name",
            "--number",
            "--symbol",
            "--type",
            "--signer-position",
        ] {
            assert!(message.contains(flag), "{flag}: {message}");
        }
        let own = ExchangeRecord {
            organisation_code: "000.00.00.G01".into(),
            organisation_name: "Văn phòng Chính phủ".into(),
            number: "12".into(),
            symbol: "NQ-CP".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date"),
            place: Some("Hà Nội".into()),
            document_type: "Nghị quyết".into(),
            subject: "Cũ".into(),
            signer_name: "Someone else".into(),
            signer_position: "Thủ tướng".into(),
            annex: true,
        };
        let details = ExportDetails {
            number: Some("13".into()),
            ..ExportDetails::default()
        };
        let record =
            merge_details(Some(own), &details, "Tiêu đề", "Nguyễn Văn A".into()).expect("complete");
        assert_eq!(record.number, "13");
        assert_eq!(record.symbol, "NQ-CP");
        assert_eq!(record.subject, "Cũ");
        assert_eq!(
            record.signer_name, "Nguyễn Văn A",
            "the signature says who signed"
        );
        assert!(!record.annex);
    }

    #[test]
    fn signer_names_compare_as_people_read_them() {
        assert_eq!(normalise("  NGUYỄN   Văn a "), normalise("Nguyễn Văn A"));
        assert_ne!(normalise("Nguyễn Văn B"), normalise("Nguyễn Văn A"));
    }
}
