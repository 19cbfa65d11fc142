//! Small secrets sealed under symmetric keys: annotation fields under the
//! annotation's own key, the annotation key under its author's person key or
//! under a key derived from the document's content key (when shared).

use ring::aead::{Aad, Nonce};
use ring::hkdf::{Salt, HKDF_SHA256};
use zeroize::Zeroizing;

use crate::document::{ContentKey, Len32};
use crate::{random_bytes, CryptoError};

/// Bytes an AES-GCM seal adds: the tag, and for [`wrap_secret`] the nonce.
pub const SEAL_TAG_BYTES: usize = 16;
const NONCE_BYTES: usize = 12;

impl ContentKey {
    /// A key from its raw bytes (a key just unwrapped).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let raw: [u8; 32] = bytes
            .try_into()
            .map_err(|_| CryptoError::MalformedKey("a symmetric key is 32 bytes"))?;
        Ok(Self::from_array(raw))
    }

    /// The key derived from a document version's content key for sharing
    /// annotations on it: every reader of the document can derive it, and it
    /// opens nothing but annotation keys.
    pub fn derive_share_key(&self, document_context: &[u8]) -> Result<ContentKey, CryptoError> {
        let mut out = Zeroizing::new([0u8; 32]);
        let info = [
            b"ecabinet/annotation-share/v1\0".as_slice(),
            document_context,
        ];
        Salt::new(HKDF_SHA256, &[])
            .extract(self.raw())
            .expand(&info, Len32)
            .and_then(|okm| okm.fill(out.as_mut()))
            .map_err(|_| CryptoError::MalformedKey("HKDF output"))?;
        Ok(Self::from_array(*out))
    }
}

/// Seals `plaintext` with a nonce the caller guarantees is never reused
/// under `key` (an op's unique id). Saves 12 bytes per op on the wire.
pub fn seal_with_nonce(
    key: &ContentKey,
    nonce: [u8; NONCE_BYTES],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut buffer = Vec::with_capacity(plaintext.len() + SEAL_TAG_BYTES);
    buffer.extend_from_slice(plaintext);
    key.cipher()?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            &mut buffer,
        )
        .map_err(|_| CryptoError::Unseal)?;
    Ok(buffer)
}

pub fn open_with_nonce(
    key: &ContentKey,
    nonce: [u8; NONCE_BYTES],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut buffer = Zeroizing::new(sealed.to_vec());
    let len = key
        .cipher()?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            buffer.as_mut_slice(),
        )
        .map_err(|_| CryptoError::Unseal)?
        .len();
    buffer.truncate(len);
    Ok(buffer)
}

/// Seals one key under another with a random nonce (stored in front).
pub fn wrap_secret(
    wrapping: &ContentKey,
    secret: &ContentKey,
    aad: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let nonce = random_bytes::<NONCE_BYTES>()?;
    let mut out = nonce.to_vec();
    out.extend(seal_with_nonce(wrapping, nonce, aad, secret.raw())?);
    Ok(out)
}

pub fn unwrap_secret(
    wrapping: &ContentKey,
    wrapped: &[u8],
    aad: &[u8],
) -> Result<ContentKey, CryptoError> {
    if wrapped.len() < NONCE_BYTES + SEAL_TAG_BYTES {
        return Err(CryptoError::Unseal);
    }
    let (nonce, sealed) = wrapped.split_at(NONCE_BYTES);
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| CryptoError::Unseal)?;
    let raw = open_with_nonce(wrapping, nonce, aad, sealed)?;
    ContentKey::from_bytes(&raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_fields_open_only_with_the_same_key_nonce_and_context() {
        let key = ContentKey::generate().expect("key");
        let other = ContentKey::generate().expect("key");
        let sealed = seal_with_nonce(&key, [1; 12], b"op-1", b"Xem lai dieu 3").expect("seal");
        assert_eq!(sealed.len(), 14 + SEAL_TAG_BYTES);
        assert_eq!(
            open_with_nonce(&key, [1; 12], b"op-1", &sealed)
                .expect("open")
                .as_slice(),
            b"Xem lai dieu 3"
        );
        assert!(open_with_nonce(&other, [1; 12], b"op-1", &sealed).is_err());
        assert!(open_with_nonce(&key, [2; 12], b"op-1", &sealed).is_err());
        assert!(open_with_nonce(&key, [1; 12], b"op-2", &sealed).is_err());
        let mut tampered = sealed.clone();
        tampered[0] ^= 1;
        assert!(open_with_nonce(&key, [1; 12], b"op-1", &tampered).is_err());
    }

    #[test]
    fn a_wrapped_key_opens_under_its_wrapping_key_only() {
        let person = ContentKey::generate().expect("key");
        let annotation = ContentKey::generate().expect("key");
        let wrapped = wrap_secret(&person, &annotation, b"ann-1").expect("wrap");
        let opened = unwrap_secret(&person, &wrapped, b"ann-1").expect("unwrap");
        assert_eq!(opened.raw(), annotation.raw());
        assert!(unwrap_secret(&person, &wrapped, b"ann-2").is_err());
        assert!(unwrap_secret(&annotation, &wrapped, b"ann-1").is_err());
        assert!(unwrap_secret(&person, &wrapped[..20], b"ann-1").is_err());
    }

    #[test]
    fn share_keys_differ_per_document_and_from_the_content_key() {
        let content = ContentKey::generate().expect("key");
        let a = content.derive_share_key(b"doc-a").expect("derive");
        let b = content.derive_share_key(b"doc-b").expect("derive");
        let again = content.derive_share_key(b"doc-a").expect("derive");
        assert_eq!(a.raw(), again.raw());
        assert_ne!(a.raw(), b.raw());
        assert_ne!(a.raw(), content.raw());
    }
}
