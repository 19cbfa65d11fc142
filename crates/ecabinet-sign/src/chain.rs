//! Certificate chains against the trust anchors the IT office configures
//! (`--trust-anchors DIR`: PEM or DER files, e.g. the Government Cipher
//! Committee's root and intermediate CAs). A chain is trusted when each
//! certificate is valid at the signing time and signed by the next, up to
//! an anchor. Revocation (CRL, OCSP) is not checked.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use x509_parser::certificate::X509Certificate;
use x509_parser::pem::Pem;

use crate::SignError;

/// The longest chain followed (leaf, intermediates, anchor).
const MAX_DEPTH: usize = 8;

/// What a person reads about a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The signer's name (the subject's common name, else the whole subject).
    pub name: String,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

/// How a chain stands against the trust anchors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainStatus {
    /// Every link checked, up to this anchor (its subject).
    Trusted { anchor: String },
    /// No path to a trust anchor.
    Untrusted { reason: String },
    /// A certificate of the chain was not valid at the time.
    OutsideValidity { subject: String },
    /// A certificate is not signed by the one that names itself its issuer.
    BadSignature { subject: String },
}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, SignError> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, cert)| cert)
        .map_err(|e| SignError::Certificate(e.to_string()))
}

fn time(t: x509_parser::time::ASN1Time) -> DateTime<Utc> {
    Utc.timestamp_opt(t.timestamp(), 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl CertificateInfo {
    pub fn read(der: &[u8]) -> Result<Self, SignError> {
        let cert = parse(der)?;
        let subject = cert.subject().to_string();
        let name = cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .map(str::to_owned)
            .unwrap_or_else(|| subject.clone());
        Ok(Self {
            name,
            subject,
            issuer: cert.issuer().to_string(),
            serial: cert.raw_serial_as_string(),
            not_before: time(cert.validity().not_before),
            not_after: time(cert.validity().not_after),
        })
    }
}

fn valid_at(cert: &X509Certificate<'_>, at: DateTime<Utc>) -> bool {
    let at = at.timestamp();
    cert.validity().not_before.timestamp() <= at && at <= cert.validity().not_after.timestamp()
}

/// Checks `chain` (the signing certificate first, then intermediates, all
/// DER) against `anchors` at the time `at` (the signing time).
pub fn check_chain(
    chain: &[Vec<u8>],
    anchors: &[Vec<u8>],
    at: DateTime<Utc>,
) -> Result<ChainStatus, SignError> {
    let certificates = chain
        .iter()
        .map(|der| parse(der))
        .collect::<Result<Vec<_>, _>>()?;
    let anchors = anchors
        .iter()
        .map(|der| parse(der))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(mut current) = certificates.first() else {
        return Err(SignError::Certificate("the chain is empty".into()));
    };
    for _ in 0..MAX_DEPTH {
        if !valid_at(current, at) {
            return Ok(ChainStatus::OutsideValidity {
                subject: current.subject().to_string(),
            });
        }
        // The certificate is itself an anchor.
        if anchors.iter().any(|a| a.as_ref() == current.as_ref()) {
            return Ok(ChainStatus::Trusted {
                anchor: current.subject().to_string(),
            });
        }
        let issuer = current.issuer().as_raw();
        if let Some(anchor) = anchors.iter().find(|a| a.subject().as_raw() == issuer) {
            return Ok(match current.verify_signature(Some(anchor.public_key())) {
                Ok(()) if valid_at(anchor, at) => ChainStatus::Trusted {
                    anchor: anchor.subject().to_string(),
                },
                Ok(()) => ChainStatus::OutsideValidity {
                    subject: anchor.subject().to_string(),
                },
                Err(_) => ChainStatus::BadSignature {
                    subject: current.subject().to_string(),
                },
            });
        }
        let Some(next) = certificates
            .iter()
            .find(|c| c.subject().as_raw() == issuer && c.as_ref() != current.as_ref())
        else {
            return Ok(ChainStatus::Untrusted {
                reason: format!(
                    "its issuer ({}) is not among the trust anchors",
                    current.issuer()
                ),
            });
        };
        if current.verify_signature(Some(next.public_key())).is_err() {
            return Ok(ChainStatus::BadSignature {
                subject: current.subject().to_string(),
            });
        }
        current = next;
    }
    Ok(ChainStatus::Untrusted {
        reason: format!("the chain is longer than {MAX_DEPTH} certificates"),
    })
}

/// Reads the trust anchors in `dir`: every `.pem`, `.crt`, `.cer` or `.der`
/// file (PEM files may hold several certificates).
pub fn load_anchors(dir: &Path) -> Result<Vec<Vec<u8>>, SignError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| SignError::Anchors(format!("{}: {e}", dir.display())))?;
    let mut anchors = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| SignError::Anchors(e.to_string()))?.path();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if !matches!(extension.as_deref(), Some("pem" | "crt" | "cer" | "der")) {
            continue;
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| SignError::Anchors(format!("{}: {e}", path.display())))?;
        if bytes.starts_with(b"-----BEGIN") {
            for pem in Pem::iter_from_buffer(&bytes) {
                let pem =
                    pem.map_err(|e| SignError::Anchors(format!("{}: {e}", path.display())))?;
                if pem.label == "CERTIFICATE" {
                    parse(&pem.contents)
                        .map_err(|e| SignError::Anchors(format!("{}: {e}", path.display())))?;
                    anchors.push(pem.contents);
                }
            }
        } else {
            parse(&bytes).map_err(|e| SignError::Anchors(format!("{}: {e}", path.display())))?;
            anchors.push(bytes);
        }
    }
    if anchors.is_empty() {
        return Err(SignError::Anchors(format!(
            "{} holds no certificate (.pem, .crt, .cer or .der)",
            dir.display()
        )));
    }
    Ok(anchors)
}
