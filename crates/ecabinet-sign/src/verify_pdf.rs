//! eCabinet's own check of the signatures in a PDF (those it made, and
//! those on documents that arrive signed): for each signature dictionary,
//! the bytes its `/ByteRange` covers are hashed and compared with the CMS's
//! message digest, the CMS signature is checked against the signer's
//! certificate, the chain against the trust anchors, and whether bytes
//! were added after it (a later revision of the file). Poppler's `pdfsig`
//! is the independent verifier the tests agree with.
//!
//! Supported: CMS `SignedData` with signed attributes, SHA-256, RSA PKCS#1
//! v1.5 or ECDSA P-256 (what Vietnamese tokens and eCabinet use). Anything
//! else is reported as such, never as valid.

use chrono::{DateTime, TimeZone, Utc};

use crate::{check_chain, CertificateInfo, ChainStatus, SignError, SignatureAlgorithm};

/// What one signature in a PDF says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfSignature {
    /// The signer's certificate, when the CMS carries it.
    pub signer: Option<CertificateInfo>,
    /// `/M`, as the PDF gives it (`D:20261207160500+07'00'`).
    pub signing_time: Option<String>,
    pub sub_filter: Option<String>,
    pub integrity: Integrity,
    /// Whether bytes were added after this signature (a later revision).
    pub changed_after_signing: bool,
    /// Against the trust anchors; `None` when the signature itself fails.
    pub chain: Option<ChainStatus>,
}

/// Whether the signed bytes are those the signer signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// The digest matches and the signature verifies.
    Valid,
    /// The bytes covered changed after signing.
    Modified,
    /// The CMS signature does not verify against the certificate.
    BadSignature,
    /// Cannot be checked (a form this version does not read), and why.
    Unchecked(String),
}

/// A DER element: its tag, its content, and its whole encoding.
struct Der<'a> {
    tag: u8,
    content: &'a [u8],
    raw: &'a [u8],
}

fn read(input: &[u8]) -> Option<(Der<'_>, &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)? as usize;
    let (length, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut length = 0usize;
        for byte in input.get(2..2 + n)? {
            length = (length << 8) | *byte as usize;
        }
        (length, 2 + n)
    };
    let end = header.checked_add(length)?;
    let raw = input.get(..end)?;
    Some((
        Der {
            tag,
            content: &raw[header..],
            raw,
        },
        &input[end..],
    ))
}

fn children(content: &[u8]) -> Option<Vec<Der<'_>>> {
    let mut rest = content;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (element, tail) = read(rest)?;
        out.push(element);
        rest = tail;
    }
    Some(out)
}

const OID_MESSAGE_DIGEST: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04];
const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const OID_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
const OID_SHA256_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B];
const OID_ECDSA_SHA256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];

/// The parts of a CMS `SignedData` a check needs.
struct Cms<'a> {
    certificates: Vec<&'a [u8]>,
    digest_algorithm: &'a [u8],
    /// The signed attributes as signed (re-tagged as a SET).
    signed_attributes: Vec<u8>,
    message_digest: &'a [u8],
    signature_algorithm: &'a [u8],
    signature: &'a [u8],
    issuer: &'a [u8],
    serial: &'a [u8],
}

fn parse_cms(der: &[u8]) -> Option<Cms<'_>> {
    let (info, _) = read(der)?;
    let info = children(info.content)?;
    let explicit = info.get(1).filter(|e| e.tag == 0xA0)?;
    let (signed, _) = read(explicit.content)?;
    let parts = children(signed.content)?;
    let certificates = parts
        .iter()
        .find(|p| p.tag == 0xA0)
        .and_then(|c| children(c.content))
        .map(|list| list.into_iter().map(|c| c.raw).collect())
        .unwrap_or_default();
    let signer_infos = parts.iter().rev().find(|p| p.tag == 0x31)?;
    let signer = children(signer_infos.content)?.into_iter().next()?;
    let fields = children(signer.content)?;
    let sid = children(fields.get(1)?.content)?;
    let digest_algorithm = children(fields.get(2)?.content)?
        .into_iter()
        .next()?
        .content;
    let attributes = fields.get(3).filter(|f| f.tag == 0xA0)?;
    let mut signed_attributes = attributes.raw.to_vec();
    signed_attributes[0] = 0x31;
    let message_digest = children(attributes.content)?
        .into_iter()
        .find_map(|attribute| {
            let parts = children(attribute.content)?;
            if parts.first()?.content != OID_MESSAGE_DIGEST {
                return None;
            }
            let values = children(parts.get(1)?.content)?;
            Some(values.into_iter().next()?.content)
        })?;
    let signature_algorithm = children(fields.get(4)?.content)?
        .into_iter()
        .next()?
        .content;
    let signature = fields.get(5)?.content;
    Some(Cms {
        certificates,
        digest_algorithm,
        signed_attributes,
        message_digest,
        signature_algorithm,
        signature,
        issuer: sid.first()?.raw,
        serial: sid.get(1)?.content,
    })
}

/// The numbers of `/ByteRange [a b c d]` from `at`.
fn byte_range(pdf: &[u8], at: usize) -> Option<[usize; 4]> {
    let open = at + pdf[at..].iter().position(|b| *b == b'[')?;
    let close = open + pdf[open..].iter().position(|b| *b == b']')?;
    let text = std::str::from_utf8(&pdf[open + 1..close]).ok()?;
    let numbers: Vec<usize> = text
        .split_whitespace()
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    <[usize; 4]>::try_from(numbers).ok()
}

/// The object around `at`: from its `obj` to its `endobj`.
fn object_around(pdf: &[u8], at: usize) -> &[u8] {
    let start = pdf[..at].windows(3).rposition(|w| w == b"obj").unwrap_or(0);
    let end = pdf[at..]
        .windows(6)
        .position(|w| w == b"endobj")
        .map_or(pdf.len(), |e| at + e);
    &pdf[start..end]
}

fn name_after<'a>(object: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let at = object.windows(key.len()).position(|w| w == key)? + key.len();
    let rest = &object[at..];
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &rest[start..];
    let end = rest[1..]
        .iter()
        .position(|b| b.is_ascii_whitespace() || b"/<>[]()".contains(b))
        .map_or(rest.len(), |e| e + 1);
    Some(&rest[..end])
}

fn signing_time(object: &[u8]) -> Option<String> {
    let at = object.windows(4).position(|w| w == b"/M (")? + 4;
    let end = object[at..].iter().position(|b| *b == b')')?;
    String::from_utf8(object[at..at + end].to_vec()).ok()
}

/// A PDF date (`D:20261207160500+07'00'`) as a moment.
pub fn parse_pdf_date(text: &str) -> Option<DateTime<Utc>> {
    let digits = text.strip_prefix("D:")?;
    let base = digits.get(..14)?;
    let naive = chrono::NaiveDateTime::parse_from_str(base, "%Y%m%d%H%M%S").ok()?;
    let rest = &digits[14..];
    let offset_seconds = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let hours: i32 = rest.get(1..3)?.parse().ok()?;
            let minutes: i32 = rest.get(4..6).and_then(|m| m.parse().ok()).unwrap_or(0);
            let seconds = hours * 3600 + minutes * 60;
            if sign == '-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => 0,
    };
    let offset = chrono::FixedOffset::east_opt(offset_seconds)?;
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

fn check_one(pdf: &[u8], range: [usize; 4], anchors: &[Vec<u8>], object: &[u8]) -> PdfSignature {
    let signing_time = signing_time(object);
    let sub_filter = name_after(object, b"/SubFilter").map(|n| {
        String::from_utf8_lossy(n)
            .trim_start_matches('/')
            .to_owned()
    });
    let [a, b, c, d] = range;
    let report = |integrity: Integrity, signer, chain| PdfSignature {
        signer,
        signing_time: signing_time.clone(),
        sub_filter: sub_filter.clone(),
        integrity,
        changed_after_signing: c.saturating_add(d) != pdf.len(),
        chain,
    };
    let in_file = a == 0 && b <= c && c.checked_add(d).is_some_and(|end| end <= pdf.len());
    let contents = pdf.get(b..c).filter(|h| h.first() == Some(&b'<'));
    let (true, Some(contents)) = (in_file, contents) else {
        return report(
            Integrity::Unchecked("its byte range does not fit the file".into()),
            None,
            None,
        );
    };
    let hex: Vec<u8> = contents[1..]
        .iter()
        .take_while(|b| **b != b'>')
        .filter(|b| !b.is_ascii_whitespace())
        .copied()
        .collect();
    let der: Option<Vec<u8>> = hex
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect();
    let Some(cms) = der.as_deref().and_then(parse_cms) else {
        return report(
            Integrity::Unchecked("its CMS cannot be read".into()),
            None,
            None,
        );
    };
    let certificate = cms
        .certificates
        .iter()
        .find(|der| {
            x509_parser::parse_x509_certificate(der).is_ok_and(|(_, c)| {
                c.tbs_certificate.issuer.as_raw() == cms.issuer
                    && c.tbs_certificate.raw_serial() == cms.serial
            })
        })
        .or_else(|| cms.certificates.first())
        .copied();
    let signer = certificate.and_then(|c| CertificateInfo::read(c).ok());
    let Some(certificate) = certificate else {
        return report(
            Integrity::Unchecked("the CMS carries no certificate".into()),
            signer,
            None,
        );
    };
    if cms.digest_algorithm != OID_SHA256 {
        return report(
            Integrity::Unchecked("a digest other than SHA-256".into()),
            signer,
            None,
        );
    }
    let algorithm = match cms.signature_algorithm {
        OID_RSA | OID_SHA256_RSA => SignatureAlgorithm::RsaPkcs1Sha256,
        OID_ECDSA_SHA256 => SignatureAlgorithm::EcdsaP256Sha256,
        _ => {
            return report(
                Integrity::Unchecked("a signature algorithm this version does not check".into()),
                signer,
                None,
            )
        }
    };
    let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
    hasher.update(&pdf[..b]);
    hasher.update(&pdf[c..c + d]);
    if hasher.finish().as_ref() != cms.message_digest {
        return report(Integrity::Modified, signer, None);
    }
    if crate::verify(
        certificate,
        algorithm,
        &cms.signed_attributes,
        cms.signature,
    )
    .is_err()
    {
        return report(Integrity::BadSignature, signer, None);
    }
    let mut chain = vec![certificate.to_vec()];
    chain.extend(
        cms.certificates
            .iter()
            .filter(|c| **c != certificate)
            .map(|c| c.to_vec()),
    );
    let at = signing_time
        .as_deref()
        .and_then(parse_pdf_date)
        .unwrap_or_else(Utc::now);
    let status = if anchors.is_empty() {
        ChainStatus::Untrusted {
            reason: "no trust anchors are configured".into(),
        }
    } else {
        check_chain(&chain, anchors, at).unwrap_or_else(|e| ChainStatus::Untrusted {
            reason: e.to_string(),
        })
    };
    report(Integrity::Valid, signer, Some(status))
}

/// Every signature in `pdf`, in the order they appear, checked against
/// `anchors`. An unsigned PDF gives an empty list.
pub fn verify_pdf(pdf: &[u8], anchors: &[Vec<u8>]) -> Result<Vec<PdfSignature>, SignError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(SignError::Pdf("not a PDF file".into()));
    }
    let mut found = Vec::new();
    for at in memchr::memmem::find_iter(pdf, SIGNATURE_MARKER) {
        let Some(range) = byte_range(pdf, at + SIGNATURE_MARKER.len()) else {
            continue;
        };
        let object = object_around(pdf, at);
        found.push(check_one(pdf, range, anchors, object));
    }
    Ok(found)
}

/// What every signature dictionary holds, and what [`verify_pdf`] looks for.
const SIGNATURE_MARKER: &[u8] = b"/ByteRange";

/// Whether a PDF read from `source` could hold a signature at all, read a
/// piece at a time through one buffer: most files attached have none, and
/// reading a 100 MB scan whole into fresh memory just to learn that cost
/// more than sealing it.
pub fn may_hold_signatures(mut source: impl std::io::Read) -> std::io::Result<bool> {
    const PIECE: usize = 1 << 20;
    let finder = memchr::memmem::Finder::new(SIGNATURE_MARKER);
    let keep = SIGNATURE_MARKER.len() - 1;
    let mut buffer = vec![0u8; keep + PIECE];
    // The last bytes of one piece stay in front of the next, so a marker
    // split across two reads is found.
    let mut held = 0;
    loop {
        let read = match source.read(&mut buffer[held..]) {
            Ok(0) => return Ok(false),
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let filled = held + read;
        if finder.find(&buffer[..filled]).is_some() {
            return Ok(true);
        }
        held = keep.min(filled);
        buffer.copy_within(filled - held..filled, 0);
    }
}

/// What one piece of a PDF shows of signatures, for a file scanned in
/// pieces apart (the sealing threads take 1 MiB each, out of order, and
/// already hold it in the processor's cache): whether a signature
/// dictionary's marker lies inside the piece, and its edges, where a marker
/// split between pieces would be. Reading a 100 MB scan once more just to
/// learn it is unsigned cost a tenth of attaching it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PieceScan {
    inside: bool,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl PieceScan {
    pub fn of(piece: &[u8]) -> Self {
        let edge = SIGNATURE_MARKER.len() - 1;
        Self {
            inside: memchr::memmem::find(piece, SIGNATURE_MARKER).is_some(),
            head: piece[..edge.min(piece.len())].to_vec(),
            tail: piece[piece.len().saturating_sub(edge)..].to_vec(),
        }
    }
}

/// [`may_hold_signatures`] of the file whose pieces, in order, were scanned.
pub fn pieces_may_hold_signatures(scans: &[PieceScan]) -> bool {
    let edge = SIGNATURE_MARKER.len() - 1;
    let finder = memchr::memmem::Finder::new(SIGNATURE_MARKER);
    // The file's last bytes before the piece: a marker split between pieces
    // lies in these followed by the piece's first bytes.
    let mut before: Vec<u8> = Vec::new();
    for scan in scans {
        if scan.inside {
            return true;
        }
        let mut seam = std::mem::take(&mut before);
        seam.extend_from_slice(&scan.head);
        if finder.find(&seam).is_some() {
            return true;
        }
        before = if scan.head.len() < edge {
            // A piece this short is all head: the seam goes on through it.
            seam.split_off(seam.len().saturating_sub(edge))
        } else {
            scan.tail.clone()
        };
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_and_der_read_back() {
        assert_eq!(
            parse_pdf_date("D:20261207160500+07'00'"),
            Some(
                Utc.with_ymd_and_hms(2026, 12, 7, 9, 5, 0)
                    .single()
                    .expect("time")
            )
        );
        assert_eq!(parse_pdf_date("garbage"), None);
        let (der, rest) = read(&[0x30, 0x03, 0x02, 0x01, 0x05, 0xFF]).expect("der");
        assert_eq!(
            (der.tag, der.content, rest),
            (0x30, &[0x02, 0x01, 0x05][..], &[0xFF][..])
        );
        assert!(read(&[0x30, 0x05, 0x00]).is_none());
        assert!(verify_pdf(b"%PDF-1.4\nno signatures", &[])
            .expect("pdf")
            .is_empty());
    }

    /// A reader that hands out at most `step` bytes per read.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, into: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(into.len()).min(self.bytes.len());
            into[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn pieces_scanned_apart_find_the_marker_wherever_it_is() {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.resize(3 << 20, b' ');
        let scans = |bytes: &[u8], sizes: &[usize]| {
            let mut scans = Vec::new();
            let mut from = 0;
            for size in sizes.iter().copied().chain(std::iter::repeat(1 << 20)) {
                if from >= bytes.len() {
                    break;
                }
                let to = (from + size).min(bytes.len());
                scans.push(PieceScan::of(&bytes[from..to]));
                from = to;
            }
            scans
        };
        assert!(!pieces_may_hold_signatures(&scans(&pdf, &[])));
        assert!(!pieces_may_hold_signatures(&[]));
        // Inside a piece, across each seam at every split, at both ends,
        // and across pieces shorter than the marker.
        let seam = 1 << 20;
        let mut places: Vec<usize> = (seam - SIGNATURE_MARKER.len()..=seam).collect();
        places.extend([0, 70, (2 << 20) - 3, pdf.len() - SIGNATURE_MARKER.len()]);
        for at in places {
            let mut signed = pdf.clone();
            signed[at..at + SIGNATURE_MARKER.len()].copy_from_slice(SIGNATURE_MARKER);
            assert!(pieces_may_hold_signatures(&scans(&signed, &[])), "at {at}");
            let short = [seam - 6, 3, 2, 4];
            assert!(
                pieces_may_hold_signatures(&scans(&signed, &short)),
                "at {at}, short pieces"
            );
            assert_eq!(
                pieces_may_hold_signatures(&scans(&signed, &short)),
                may_hold_signatures(&signed[..]).expect("read")
            );
        }
        // A marker's two halves in pieces that are not neighbours is none.
        let mut apart = pdf.clone();
        apart[seam - 4..seam].copy_from_slice(&SIGNATURE_MARKER[..4]);
        apart[(2 << 20)..(2 << 20) + 6].copy_from_slice(&SIGNATURE_MARKER[4..]);
        assert!(!pieces_may_hold_signatures(&scans(&apart, &[])));
    }

    #[test]
    fn the_marker_is_found_across_the_pieces_it_is_read_in() {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.resize(3 << 20, b' ');
        assert!(!may_hold_signatures(&pdf[..]).expect("read"));
        // Split across each possible boundary of 7-byte reads, and across
        // the 1 MiB pieces.
        for at in [
            (1 << 20) - 4,
            (2 << 20) - 9,
            70,
            pdf.len() - SIGNATURE_MARKER.len(),
        ] {
            let mut signed = pdf.clone();
            signed[at..at + SIGNATURE_MARKER.len()].copy_from_slice(SIGNATURE_MARKER);
            assert!(may_hold_signatures(&signed[..]).expect("read"), "at {at}");
            for step in [7, 4096] {
                let trickle = Trickle {
                    bytes: &signed,
                    step,
                };
                assert!(
                    may_hold_signatures(trickle).expect("read"),
                    "at {at} by {step}"
                );
            }
        }
    }
}
