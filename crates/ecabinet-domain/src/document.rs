//! Documents attached to agenda items. The server keeps only sealed chunks
//! and per-device wrapped keys; what it may know is in [`Document`], and the
//! uploader's signed [`DocumentManifest`] lets every reader check that the
//! chunks it downloads are the ones the secretariat sealed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AgendaItemId, DeviceId, DocumentId, MeetingId};

/// The media types eCabinet accepts as documents.
pub const PDF_MEDIA_TYPE: &str = "application/pdf";
/// The largest document accepted (a thick draft with scanned annexes).
pub const MAX_DOCUMENT_BYTES: u64 = 512 * 1024 * 1024;

/// One sealed chunk as the manifest describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChunkInfo {
    /// Sealed size in bytes (plaintext + 16-byte tag).
    pub size: u32,
    /// SHA-256 of the sealed chunk, base64url.
    pub sha256: String,
}

/// What the uploading device signs about one document version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentManifest {
    pub document_id: DocumentId,
    pub version: u32,
    pub agenda_item_id: AgendaItemId,
    pub title: String,
    pub file_name: String,
    pub media_type: String,
    /// Plaintext size in bytes.
    pub size: u64,
    /// Plaintext bytes per chunk (the last may be shorter).
    pub chunk_size: u32,
    pub chunks: Vec<ChunkInfo>,
    pub uploaded_by: DeviceId,
    pub uploaded_at: DateTime<Utc>,
    /// How readers may handle it; signed with the rest.
    #[serde(default)]
    pub handling: Handling,
    /// Pages, counted on the uploading device (lets the orderer refuse a
    /// presenter page past the end). Absent in older manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_count: Option<u32>,
    /// What the issuing body's exchange package said about the document,
    /// when it came from one (or was given one to leave in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<ExchangeRecord>,
}

/// A document as the national document-exchange package describes it: who
/// issued it, its number and symbol, when, what it is about, who signed.
/// Kept in the signed manifest so every reader sees the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeRecord {
    /// The issuing organisation's code in the national directory (mã định danh).
    pub organisation_code: String,
    pub organisation_name: String,
    /// The document's number (số), e.g. "12".
    pub number: String,
    /// Its symbol (ký hiệu), e.g. "NQ-CP".
    pub symbol: String,
    /// The issue date (ngày ban hành).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub issued_on: chrono::NaiveDate,
    /// Where it was issued (địa danh), e.g. "Hà Nội".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The document type (loại văn bản), e.g. "Nghị quyết".
    pub document_type: String,
    /// Its subject (trích yếu).
    pub subject: String,
    pub signer_name: String,
    pub signer_position: String,
    /// An annex of the package rather than its main document.
    #[serde(default)]
    pub annex: bool,
}

/// Restrictions the secretariat sets on a document version: members read it
/// in the app (watermarked) but may not print it or take it out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handling {
    #[serde(default)]
    pub no_print: bool,
    #[serde(default)]
    pub no_export: bool,
}

impl DocumentManifest {
    /// The bytes a device signs: the manifest's JSON, domain-separated. The
    /// JSON travels as the exact signed text, so no re-encoding can differ.
    pub fn signing_message(manifest_json: &str) -> Vec<u8> {
        let mut message = b"ecabinet/document-manifest/v1\0".to_vec();
        message.extend_from_slice(manifest_json.as_bytes());
        message
    }

    /// What a wrapped content key is bound to: this document version only.
    pub fn key_context(document_id: DocumentId, version: u32) -> Vec<u8> {
        let mut context = b"ecabinet/document-key/v1\0".to_vec();
        context.extend_from_slice(document_id.as_uuid().as_bytes());
        context.extend_from_slice(&version.to_be_bytes());
        context
    }
}

/// A document version as it appears in the change stream and the replica.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: DocumentId,
    pub version: u32,
    pub agenda_item_id: AgendaItemId,
    pub meeting_id: MeetingId,
    pub title: String,
    /// Plaintext size in bytes.
    pub size: u64,
    pub chunk_count: u32,
    /// The signed manifest, exactly as signed.
    #[cfg_attr(feature = "openapi", schema(schema_with = openapi::signed_manifest))]
    pub manifest: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = openapi::manifest_signature))]
    pub manifest_signature: String,
    /// The uploading device's Ed25519 public key, to check the signature.
    pub uploader_signing_key: String,
    pub published_at: DateTime<Utc>,
}

/// Field schemas that say more than the doc comments, which also reach the
/// TypeScript bindings and so stay as they are.
#[cfg(feature = "openapi")]
mod openapi {
    use utoipa::openapi::schema::{ObjectBuilder, Type};

    const SIGNED_MANIFEST: &str = "The signed manifest, exactly as signed: the JSON text of a \
        `DocumentManifest`, kept byte for byte (never re-encoded) so that its signature can be \
        checked.";

    const MANIFEST_SIGNATURE: &str =
        "The uploading device's Ed25519 signature over the manifest (domain-separated), base64url.";

    pub(super) fn signed_manifest() -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(SIGNED_MANIFEST))
    }

    pub(super) fn manifest_signature() -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(MANIFEST_SIGNATURE))
    }
}
