//! Legal signatures on documents (secretariat): the latest version is
//! decrypted in memory, signed with a token (PAdES baseline B, see
//! `ecabinet_sign::sign_pdf`), and the signed PDF is published as the
//! document's next version, sealed and distributed like any other. The
//! earlier, unsigned version stays in the history.

use ecabinet_domain::{Document, DocumentId, DocumentManifest};
use ecabinet_sign::{PdfSignature, SignatureDetails, Signer};
use zeroize::Zeroizing;

use crate::documents::handling_of;
use crate::error::{ClientError, ClientResult};
use crate::Client;

impl Client {
    /// Signs the latest version of `document` with `signer` and publishes
    /// the signed PDF as its next version.
    pub async fn sign_document(
        &self,
        document: DocumentId,
        signer: &dyn Signer,
        details: &SignatureDetails,
    ) -> ClientResult<Document> {
        let latest = self.document(document).await?;
        let manifest: DocumentManifest = serde_json::from_str(&latest.manifest)
            .map_err(|e| ClientError::Protocol(format!("the document's manifest: {e}")))?;
        let (_, plaintext) = self.open_document(document).await?;
        let signed = Zeroizing::new(ecabinet_sign::sign_pdf(&plaintext, signer, details)?);
        drop(plaintext);
        self.publish_bytes(
            document,
            latest.version + 1,
            latest.agenda_item_id,
            signed,
            &format!("“{}” signed", latest.title),
            manifest.file_name,
            Some(&latest.title),
            handling_of(&latest)?,
        )
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
