//! eCabinet's cryptography. ring does the work (Ed25519, AES-256-GCM,
//! PBKDF2, SHA-256, randomness); x25519-dalek holds the device's long-lived
//! X25519 agreement key, because ring only offers ephemeral agreement keys
//! and a device must keep its key across restarts to unwrap document keys.

mod device;
mod document;
mod encoding;
mod seal;
mod secret;

pub use device::{verify_signature, DeviceKeys, SigningKey};
pub use document::{
    chunk_opens_in_place, open_chunk, open_document, seal_chunk, seal_chunk_in_place,
    seal_document, wrap_key, ChunkContext, ContentKey, WrappedKey, CHUNK_OVERHEAD, CHUNK_SIZE,
};
pub use encoding::{b64_decode, b64_encode};
pub use seal::{seal, unseal, KeyProtection, SealedBox, PASSPHRASE_ITERATIONS};
pub use secret::{open_with_nonce, seal_with_nonce, unwrap_secret, wrap_secret, SEAL_TAG_BYTES};

/// The key-derivation settings recorded in a [`SealedBox`].
pub mod seal_kdf {
    pub use crate::seal::KdfParams;
}

use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the system's random number generator failed")]
    Random,
    #[error("the key material is malformed: {0}")]
    MalformedKey(&'static str),
    #[error("document chunk {0} is damaged, out of place or missing")]
    BadChunk(u32),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the sealed data could not be opened: wrong passphrase, or the file was changed")]
    Unseal,
    #[error("the sealed data is not in a format this version understands: {0}")]
    SealFormat(String),
    #[error("text is not valid base64url: {0}")]
    Base64(#[from] base64::DecodeError),
}

/// `N` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| CryptoError::Random)?;
    Ok(out)
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// PBKDF2-HMAC-SHA256 of `secret` (a PIN) under `salt`: what is stored to
/// check it later, never the secret.
pub fn pbkdf2_sha256(
    secret: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let iterations = std::num::NonZeroU32::new(iterations)
        .ok_or_else(|| CryptoError::SealFormat("zero PBKDF2 iterations".into()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        salt,
        secret,
        out.as_mut(),
    );
    Ok(out)
}

/// Compares two byte strings in constant time (for token and code hashes).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_differ() {
        let a = random_bytes::<32>().expect("rng");
        let b = random_bytes::<32>().expect("rng");
        assert_ne!(a, b);
    }

    #[test]
    fn sha256_matches_known_vector() {
        assert_eq!(
            b64_encode(&sha256(b"abc")),
            "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
        );
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
