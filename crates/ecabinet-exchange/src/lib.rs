//! Document-exchange packages (gói tin) for the national document
//! interconnection axis: a signed PDF and its annexes in a zip, with an XML
//! envelope (`goi-tin.xml`) that says who issued the document, its number
//! and symbol, when, its type and subject, who signed it, and every file
//! with its size and SHA-256.
//!
//! The envelope is modelled on edXML (QCVN 102:2016/BTTTT) in our own
//! namespace; its schema is `docs/exchange/goi-tin.xsd`. Reading is strict
//! and complete before anything is returned: a package either yields every
//! file checked against the envelope, or a reason to refuse it.
//!
//! Sans-IO: bytes in, bytes out. Checking the PDF's signature and storing
//! the documents are the client's (`ecabinet_client::exchange`).

mod envelope;
mod package;

pub use envelope::{Attachment, AttachmentRole, Envelope, NAMESPACE};
pub use package::{
    read_package, write_package, NamedFile, Package, ENVELOPE_FILE, MAX_PACKAGE_BYTES,
};

use thiserror::Error;

/// Why a package was refused; the message says what to fix.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ExchangeError {
    /// Not a zip, or a zip this reader will not open (encrypted, links).
    #[error("the package is not a usable zip file: {0}")]
    Archive(String),
    /// `goi-tin.xml` is missing, not XML, or not the envelope.
    #[error("the envelope {ENVELOPE_FILE}: {0}")]
    Envelope(String),
    /// A field of the envelope is empty, too long or malformed.
    #[error("the envelope's {field}: {reason}")]
    Field { field: &'static str, reason: String },
    /// The files do not match what the envelope lists.
    #[error("{0}")]
    Mismatch(String),
    /// Bigger, or more files, than a package may be.
    #[error("{0}")]
    TooLarge(String),
}

/// SHA-256 in lowercase hex, as the envelope carries it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
