//! A detached CMS `SignedData` (RFC 5652) as PAdES baseline B carries it
//! (ETSI EN 319 142-1, `ETSI.CAdES.detached`): the digest of the signed
//! bytes, the content type, and the signing certificate (ESS
//! `signingCertificateV2`) as signed attributes; the signer's certificates;
//! the signing time goes in the PDF's `/M`, not in the CMS. Written with a
//! few lines of DER rather than a general ASN.1 library: the structure is
//! fixed and small.

use crate::{SignError, SignatureAlgorithm, Signer};

const ID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const ID_DATA: &str = "1.2.840.113549.1.7.1";
const ID_SHA256: &str = "2.16.840.1.101.3.4.2.1";
const ID_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const ID_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const ID_SIGNING_CERTIFICATE_V2: &str = "1.2.840.113549.1.9.16.2.47";
const ID_SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";
const ID_ECDSA_WITH_SHA256: &str = "1.2.840.10045.4.3.2";

fn length(out: &mut Vec<u8>, n: usize) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    length(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// A DER `SET OF`: its elements sorted by their encodings.
fn set_of(mut parts: Vec<Vec<u8>>) -> Vec<u8> {
    parts.sort();
    tlv(0x31, &parts.concat())
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').filter_map(|a| a.parse().ok()).collect();
    let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for arc in &arcs[2..] {
        let mut chunk = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            chunk.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        chunk.reverse();
        body.extend(chunk);
    }
    tlv(0x06, &body)
}

fn integer(value: u8) -> Vec<u8> {
    tlv(0x02, &[value])
}

fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

fn algorithm(id: &str, null_parameters: bool) -> Vec<u8> {
    if null_parameters {
        seq(&[oid(id), vec![0x05, 0x00]])
    } else {
        seq(&[oid(id)])
    }
}

fn attribute(id: &str, value: Vec<u8>) -> Vec<u8> {
    seq(&[oid(id), set_of(vec![value])])
}

/// The DER of a detached `ContentInfo { signedData }` over bytes whose
/// SHA-256 is `digest`, signed by `signer`.
pub fn signed_data(signer: &dyn Signer, digest: &[u8; 32]) -> Result<Vec<u8>, SignError> {
    let chain = signer.certificate_chain();
    let certificate = chain
        .first()
        .ok_or_else(|| SignError::Certificate("the signer has no certificate".into()))?;
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate)
        .map_err(|e| SignError::Certificate(e.to_string()))?;
    let issuer = parsed.tbs_certificate.issuer.as_raw().to_vec();
    let serial = tlv(0x02, parsed.tbs_certificate.raw_serial());
    let certificate_hash = ring::digest::digest(&ring::digest::SHA256, certificate);

    // ESSCertIDv2 with the default hash (SHA-256) left out, as DER requires.
    let signing_certificate = seq(&[seq(&[seq(&[octets(certificate_hash.as_ref())])])]);
    let attributes = vec![
        attribute(ID_CONTENT_TYPE, oid(ID_DATA)),
        attribute(ID_MESSAGE_DIGEST, octets(digest)),
        attribute(ID_SIGNING_CERTIFICATE_V2, signing_certificate),
    ];
    // Signed as a SET OF; carried as [0] IMPLICIT with the same content.
    let signed_attributes = set_of(attributes);
    let signature = signer.sign(&signed_attributes)?;
    let mut implicit = signed_attributes.clone();
    implicit[0] = 0xA0;

    let signature_algorithm = match signer.algorithm() {
        SignatureAlgorithm::RsaPkcs1Sha256 => algorithm(ID_SHA256_WITH_RSA, true),
        SignatureAlgorithm::EcdsaP256Sha256 => algorithm(ID_ECDSA_WITH_SHA256, false),
    };
    let signer_info = seq(&[
        integer(1),
        seq(&[issuer, serial]),
        algorithm(ID_SHA256, true),
        implicit,
        signature_algorithm,
        octets(&signature),
    ]);
    let certificates = tlv(0xA0, &chain.concat());
    let signed = seq(&[
        integer(1),
        set_of(vec![algorithm(ID_SHA256, true)]),
        seq(&[oid(ID_DATA)]),
        certificates,
        set_of(vec![signer_info]),
    ]);
    Ok(seq(&[oid(ID_SIGNED_DATA), tlv(0xA0, &signed)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_identifiers_and_lengths_encode_as_der() {
        // 1.2.840.113549.1.7.2, the signedData type.
        assert_eq!(
            oid(ID_SIGNED_DATA),
            vec![0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]
        );
        assert_eq!(tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(tlv(0x04, &[0; 300])[..4], [0x04, 0x82, 0x01, 0x2C]);
        // A SET OF is sorted.
        assert_eq!(set_of(vec![vec![2], vec![1]]), vec![0x31, 2, 1, 2]);
    }
}
