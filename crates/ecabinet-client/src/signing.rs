//! Legal signatures on documents (secretariat): the latest version is
//! decrypted in memory, signed with a token (PAdES baseline B, see
//! `ecabinet_sign::sign_pdf`), and the signed PDF is published as the
//! document's next version, sealed and distributed like any other. The
//! earlier, unsigned version stays in the history.

use ecabinet_domain::{AgendaItemId, Document, DocumentId, DocumentManifest, Handling};
use ecabinet_sign::{PdfSignature, SignatureDetails, Signer};
use zeroize::Zeroizing;

use crate::documents::handling_of;
use crate::error::{ClientError, ClientResult};
use crate::Client;

impl Client {
    /// Signs the latest version of `document` with `signer` and publishes
    /// the signed PDF as its next version. The signing itself (the token's
    /// round trips) runs on a blocking thread.
    pub async fn sign_document(
        &self,
        document: DocumentId,
        signer: Box<dyn Signer + Send>,
        details: &SignatureDetails,
    ) -> ClientResult<Document> {
        let latest = self.document(document).await?;
        let manifest: DocumentManifest = serde_json::from_str(&latest.manifest)
            .map_err(|e| ClientError::Protocol(format!("the document's manifest: {e}")))?;
        let (_, plaintext) = self.open_document(document).await?;
        let details = details.clone();
        let signed = tokio::task::spawn_blocking(move || {
            ecabinet_sign::sign_pdf(&plaintext, signer.as_ref(), &details).map(Zeroizing::new)
        })
        .await
        .map_err(|e| ClientError::Signing(format!("the signing thread stopped: {e}")))??;
        self.publish_bytes(
            document,
            latest.version + 1,
            latest.agenda_item_id,
            crate::documents::Plaintext::memory(signed),
            &format!("“{}” signed", latest.title),
            manifest.file_name,
            Some(&latest.title),
            handling_of(&latest)?,
            // A package's document keeps what its package said about it.
            manifest.exchange,
        )
        .await
        .map(|published| published.document)
    }

    /// The desktop's "Ký số": opens the token with the PIN the person typed
    /// (used once, never stored), refuses a certificate this device's trust
    /// anchors do not vouch for, and signs as [`Client::sign_document`].
    pub async fn sign_document_with_token(
        &self,
        document: DocumentId,
        request: TokenSignRequest,
    ) -> ClientResult<Document> {
        let anchors = self.trust_anchors()?;
        let TokenSignRequest {
            module,
            slot,
            key_label,
            pin,
            reason,
            location,
        } = request;
        let pin = Zeroizing::new(pin);
        let signer = tokio::task::spawn_blocking(move || {
            let signer = ecabinet_sign::TokenSigner::open(
                std::path::Path::new(&module),
                slot,
                &pin,
                key_label.as_deref().filter(|l| !l.trim().is_empty()),
                Vec::new(),
            )?;
            if !anchors.is_empty() {
                let status = ecabinet_sign::check_chain(
                    signer.certificate_chain(),
                    &anchors,
                    chrono::Utc::now(),
                )?;
                if !matches!(status, ecabinet_sign::ChainStatus::Trusted { .. }) {
                    return Err(ClientError::Signing(format!(
                        "the token's certificate is not trusted by this device's trust anchors ({status:?})"
                    )));
                }
            }
            Ok::<_, ClientError>(signer)
        })
        .await
        .map_err(|e| ClientError::Signing(format!("the token thread stopped: {e}")))??;
        let details = SignatureDetails {
            reason: reason.filter(|r| !r.trim().is_empty()),
            location: location.filter(|l| !l.trim().is_empty()),
            at: ecabinet_domain::clock::cabinet_now(),
        };
        self.sign_document(document, Box::new(signer), &details)
            .await
    }

    /// The legal signatures in the latest version of `document` (any
    /// participant), checked in memory against `anchors` (the IT office's
    /// trusted CA certificates, DER).
    pub async fn document_signatures(
        &self,
        document: DocumentId,
        anchors: &[Vec<u8>],
    ) -> ClientResult<Vec<PdfSignature>> {
        let (_, plaintext) = self.open_document(document).await?;
        Ok(ecabinet_sign::verify_pdf(&plaintext, anchors)?)
    }
}

/// What the desktop's "Ký số" sends: the token, the PIN typed for this
/// signature, and what the signature says.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TokenSignRequest {
    /// The token's PKCS#11 module (its vendor's library).
    pub module: String,
    pub slot: Option<u64>,
    pub key_label: Option<String>,
    pub pin: String,
    pub reason: Option<String>,
    pub location: Option<String>,
}

impl std::fmt::Debug for TokenSignRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSignRequest")
            .field("module", &self.module)
            .field("slot", &self.slot)
            .field("key_label", &self.key_label)
            .finish_non_exhaustive()
    }
}

/// Where the trusted CA certificates are, if not in `ECAB_TRUST_ANCHORS`:
/// a folder of the profile the IT office fills.
pub const TRUST_ANCHORS_DIR: &str = "trust-anchors";
/// A folder of trusted CA certificates (PEM or DER) for checking signatures.
pub const TRUST_ANCHORS_ENV: &str = "ECAB_TRUST_ANCHORS";

/// Whether the signed bytes are those the signer signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SignatureIntegrity {
    Valid,
    /// Changed after signing.
    Modified,
    BadSignature,
    /// Not checked by this version (the reason is in `detail`).
    Unchecked,
}

/// Whether the signer's certificate is trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SignatureTrust {
    Trusted,
    Untrusted,
    /// A certificate of the chain was not valid at the signing time.
    OutsideValidity,
    /// No trust anchors are configured on this device, or the signature failed first.
    NotChecked,
}

/// One signature of a document, as the reader shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignatureView {
    pub signer: Option<String>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    pub signed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub integrity: SignatureIntegrity,
    pub changed_after_signing: bool,
    pub trust: SignatureTrust,
    /// The trusting anchor, or why not trusted or not checked.
    pub detail: Option<String>,
}

impl From<&PdfSignature> for SignatureView {
    fn from(s: &PdfSignature) -> Self {
        use ecabinet_sign::{ChainStatus, Integrity};
        let (integrity, unchecked) = match &s.integrity {
            Integrity::Valid => (SignatureIntegrity::Valid, None),
            Integrity::Modified => (SignatureIntegrity::Modified, None),
            Integrity::BadSignature => (SignatureIntegrity::BadSignature, None),
            Integrity::Unchecked(why) => (SignatureIntegrity::Unchecked, Some(why.clone())),
        };
        let (trust, detail) = match &s.chain {
            Some(ChainStatus::Trusted { anchor }) => {
                (SignatureTrust::Trusted, Some(anchor.clone()))
            }
            Some(ChainStatus::Untrusted { reason }) if reason.contains("no trust anchors") => {
                (SignatureTrust::NotChecked, None)
            }
            Some(ChainStatus::Untrusted { reason }) => {
                (SignatureTrust::Untrusted, Some(reason.clone()))
            }
            Some(ChainStatus::BadSignature { subject }) => (
                SignatureTrust::Untrusted,
                Some(format!("the signature on {subject} does not verify")),
            ),
            Some(ChainStatus::OutsideValidity { subject }) => {
                (SignatureTrust::OutsideValidity, Some(subject.clone()))
            }
            None => (SignatureTrust::NotChecked, None),
        };
        SignatureView {
            signer: s.signer.as_ref().map(|c| c.name.clone()),
            subject: s.signer.as_ref().map(|c| c.subject.clone()),
            issuer: s.signer.as_ref().map(|c| c.issuer.clone()),
            signed_at: s
                .signing_time
                .as_deref()
                .and_then(ecabinet_sign::parse_pdf_date),
            integrity,
            changed_after_signing: s.changed_after_signing,
            trust,
            detail: unchecked.or(detail),
        }
    }
}

impl Client {
    /// The trust anchors this device checks signatures against:
    /// `ECAB_TRUST_ANCHORS`, else the profile's `trust-anchors` folder;
    /// none configured is an empty list (signatures are then "not checked").
    pub fn trust_anchors(&self) -> ClientResult<Vec<Vec<u8>>> {
        let dir = match std::env::var_os(TRUST_ANCHORS_ENV) {
            Some(dir) => std::path::PathBuf::from(dir),
            None => self.dir.join(TRUST_ANCHORS_DIR),
        };
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        Ok(ecabinet_sign::load_anchors(&dir)?)
    }

    /// `ecab doc add`: attaches a PDF (as [`Client::add_document_with`]) and
    /// checks the legal signatures in it. The sealing threads look for a
    /// signature dictionary in the pieces they seal, so an unsigned file
    /// (most) is not read a second time; a failed check does not undo the
    /// attachment, and is the second result.
    pub async fn add_document_checking_signatures(
        &self,
        item: AgendaItemId,
        file: &std::path::Path,
        title: Option<&str>,
        handling: Handling,
    ) -> ClientResult<(Document, ClientResult<Vec<SignatureView>>)> {
        let published = self
            .publish_version(DocumentId::new(), 1, item, file, title, handling)
            .await?;
        let signatures = self.signatures_if_any(&published, file).await;
        Ok((published.document, signatures))
    }

    /// `ecab doc revise`: [`Client::revise_document_with`], checking the new
    /// file's legal signatures as [`Client::add_document_checking_signatures`].
    pub async fn revise_document_checking_signatures(
        &self,
        document: DocumentId,
        file: &std::path::Path,
        title: Option<&str>,
        handling: Option<Handling>,
    ) -> ClientResult<(Document, ClientResult<Vec<SignatureView>>)> {
        let published = self.revise_version(document, file, title, handling).await?;
        let signatures = self.signatures_if_any(&published, file).await;
        Ok((published.document, signatures))
    }

    async fn signatures_if_any(
        &self,
        published: &crate::documents::Published,
        file: &std::path::Path,
    ) -> ClientResult<Vec<SignatureView>> {
        if published.may_hold_signatures {
            self.signature_views_of_file(file).await
        } else {
            Ok(Vec::new())
        }
    }

    /// The legal signatures in a PDF file about to enter (or just entered)
    /// eCabinet, checked against this device's trust anchors: the file as
    /// it is on disk, without decrypting the sealed copy again.
    pub async fn signature_views_of_file(
        &self,
        file: &std::path::Path,
    ) -> ClientResult<Vec<SignatureView>> {
        let anchors = self.trust_anchors()?;
        let file = file.to_path_buf();
        let signatures = tokio::task::spawn_blocking(move || {
            let opened = std::fs::File::open(&file).map_err(|e| ClientError::io(&file, e))?;
            // Unsigned (most files): no need to hold it all in memory.
            if !ecabinet_sign::may_hold_signatures(opened).map_err(|e| ClientError::io(&file, e))? {
                return Ok(Vec::new());
            }
            let bytes = std::fs::read(&file).map_err(|e| ClientError::io(&file, e))?;
            Ok::<_, ClientError>(ecabinet_sign::verify_pdf(&bytes, &anchors)?)
        })
        .await
        .map_err(|e| ClientError::Signing(format!("the checking thread stopped: {e}")))??;
        Ok(signatures.iter().map(SignatureView::from).collect())
    }

    /// The reader's signature panel: each signature of the latest version,
    /// checked against this device's trust anchors.
    pub async fn signature_views(&self, document: DocumentId) -> ClientResult<Vec<SignatureView>> {
        let anchors = self.trust_anchors()?;
        Ok(self
            .document_signatures(document, &anchors)
            .await?
            .iter()
            .map(SignatureView::from)
            .collect())
    }
}
