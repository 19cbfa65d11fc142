//! Legal signatures for eCabinet. Device keys prove who did what inside
//! eCabinet; a resolution or a set of minutes that leaves it must carry a
//! signature any PDF reader and records system can check, made with a
//! certificate of the Government Cipher Committee held on a USB token.
//!
//! This crate holds the pieces that do not depend on the PDF:
//! - [`Signer`]: something that signs with a certified key. [`TokenSigner`]
//!   is a PKCS#11 token (selected by module path, slot and key label; the
//!   PIN is given by the person each time and never stored).
//! - [`check_chain`]: a certificate chain checked against the trust anchors
//!   the IT office configures (a folder of PEM or DER certificates).
//! - [`verify`]: a signature checked against a certificate, with ring.
//! - [`sign_pdf`]: a PAdES baseline B signature added to a PDF;
//!   [`verify_pdf`]: the signatures in a PDF checked.

mod chain;
mod cms;
mod pades;
mod token;
mod verify_pdf;

pub use chain::{check_chain, load_anchors, CertificateInfo, ChainStatus};
pub use pades::{sign_pdf, SignatureDetails};
pub use token::{TokenInfo, TokenSigner};
pub use verify_pdf::{
    may_hold_signatures, parse_pdf_date, pieces_may_hold_signatures, verify_pdf, Integrity,
    PdfSignature, PieceScan,
};

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SignError {
    /// The PKCS#11 module could not be loaded or initialised.
    #[error("the token's PKCS#11 module could not be used ({0})")]
    Module(String),
    /// No token, no key, no certificate, or several where one was wanted.
    #[error("{0}")]
    Token(String),
    #[error("the token refused the PIN ({0})")]
    Pin(String),
    #[error("the token could not sign ({0})")]
    Sign(String),
    #[error("the certificate could not be read ({0})")]
    Certificate(String),
    #[error("the trust anchors could not be read ({0})")]
    Anchors(String),
    #[error("the signature does not match the certificate")]
    BadSignature,
    #[error("{0}")]
    Pdf(String),
}

/// How a [`Signer`] signs: SHA-256 with the key's algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSA PKCS#1 v1.5 with SHA-256 (sha256WithRSAEncryption).
    RsaPkcs1Sha256,
    /// ECDSA on P-256 with SHA-256; the signature DER-encoded (as CMS and
    /// X.509 carry it).
    EcdsaP256Sha256,
}

impl SignatureAlgorithm {
    pub fn name(self) -> &'static str {
        match self {
            SignatureAlgorithm::RsaPkcs1Sha256 => "RSA PKCS#1 v1.5, SHA-256",
            SignatureAlgorithm::EcdsaP256Sha256 => "ECDSA P-256, SHA-256",
        }
    }
}

/// Something that signs with a certified key.
pub trait Signer {
    /// The signing certificate first, then any intermediates (DER).
    fn certificate_chain(&self) -> &[Vec<u8>];
    fn algorithm(&self) -> SignatureAlgorithm;
    /// Signs `message` (hashed with SHA-256 as part of the algorithm).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// Checks `signature` over `message` with the public key of `certificate`.
pub fn verify(
    certificate: &[u8],
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignError> {
    let (_, cert) = x509_parser::parse_x509_certificate(certificate)
        .map_err(|e| SignError::Certificate(e.to_string()))?;
    let key = cert.public_key().subject_public_key.data.as_ref();
    let scheme: &dyn ring::signature::VerificationAlgorithm = match algorithm {
        SignatureAlgorithm::RsaPkcs1Sha256 => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        SignatureAlgorithm::EcdsaP256Sha256 => &ring::signature::ECDSA_P256_SHA256_ASN1,
    };
    ring::signature::UnparsedPublicKey::new(scheme, key)
        .verify(message, signature)
        .map_err(|_| SignError::BadSignature)
}

/// An ECDSA signature as PKCS#11 gives it (r ‖ s, each the curve's size)
/// in the DER form CMS and X.509 carry (`SEQUENCE { INTEGER r, INTEGER s }`).
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, SignError> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() > 132 {
        return Err(SignError::Sign(format!(
            "an ECDSA signature of {} bytes",
            raw.len()
        )));
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let integer = |bytes: &[u8]| {
        let trimmed: Vec<u8> = {
            let start = bytes
                .iter()
                .position(|b| *b != 0)
                .unwrap_or(bytes.len() - 1);
            bytes[start..].to_vec()
        };
        let mut out = vec![0x02];
        let pad = trimmed.first().is_some_and(|b| b & 0x80 != 0);
        out.push((trimmed.len() + usize::from(pad)) as u8);
        if pad {
            out.push(0);
        }
        out.extend_from_slice(&trimmed);
        out
    };
    let body: Vec<u8> = [integer(r), integer(s)].concat();
    let mut der = vec![0x30];
    if body.len() < 0x80 {
        der.push(body.len() as u8);
    } else {
        der.extend_from_slice(&[0x81, body.len() as u8]);
    }
    der.extend_from_slice(&body);
    Ok(der)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_ecdsa_signatures_become_der_integers() {
        // High bits set: a zero byte keeps each integer positive.
        let raw = [[0x80u8; 32], [0x01u8; 32]].concat();
        let der = ecdsa_raw_to_der(&raw).expect("der");
        assert_eq!(&der[..4], &[0x30, 0x45, 0x02, 0x21]);
        assert_eq!(der[4], 0x00);
        assert_eq!(&der[37..39], &[0x02, 0x20]);
        // Leading zeros are dropped.
        let small = [[0u8; 31].as_slice(), &[5], &[0u8; 31], &[7]].concat();
        assert_eq!(
            ecdsa_raw_to_der(&small).expect("der"),
            vec![0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07]
        );
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_err());
    }
}
