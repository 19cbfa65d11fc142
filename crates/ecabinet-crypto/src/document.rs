//! Documents, end to end: a fresh AES-256-GCM content key per document
//! version, the file sealed in fixed-size chunks whose position is bound in
//! the associated data, and the content key wrapped for each authorised
//! device (ephemeral X25519 → HKDF-SHA256 → AES-256-GCM). The server only
//! ever holds the sealed chunks and the wrapped keys.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use ring::agreement::{agree_ephemeral, EphemeralPrivateKey, UnparsedPublicKey, X25519};
use ring::hkdf::{KeyType, Salt, HKDF_SHA256};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{b64_decode, b64_encode, random_bytes, CryptoError, DeviceKeys};

/// Plaintext bytes per chunk: large enough that per-chunk overhead vanishes,
/// small enough that a resumed download repeats little.
pub const CHUNK_SIZE: usize = 1 << 20;
/// AES-GCM's tag, added to every sealed chunk.
pub const CHUNK_OVERHEAD: usize = 16;

/// A document version's symmetric key. Never leaves a device unwrapped.
pub struct ContentKey(Zeroizing<[u8; 32]>);

impl ContentKey {
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self(Zeroizing::new(random_bytes::<32>()?)))
    }

    pub(crate) fn from_array(raw: [u8; 32]) -> Self {
        Self(Zeroizing::new(raw))
    }

    pub(crate) fn raw(&self) -> &[u8; 32] {
        &self.0
    }

    pub(crate) fn cipher(&self) -> Result<LessSafeKey, CryptoError> {
        UnboundKey::new(&AES_256_GCM, self.0.as_ref())
            .map(LessSafeKey::new)
            .map_err(|_| CryptoError::MalformedKey("AES-256 key"))
    }
}

impl std::fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContentKey(…)")
    }
}

/// Which document version a chunk belongs to; bound into every chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkContext {
    pub document_id: [u8; 16],
    pub version: u32,
}

/// The nonce is derived from the chunk's position: the content key is fresh
/// for each document version, so (index, last) never repeats under one key.
fn chunk_nonce(index: u32, last: bool) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[4..8].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(last);
    Nonce::assume_unique_for_key(nonce)
}

fn chunk_aad(context: &ChunkContext, index: u32, last: bool) -> Vec<u8> {
    let mut aad = b"ecabinet/document-chunk/v1\0".to_vec();
    aad.extend_from_slice(&context.document_id);
    aad.extend_from_slice(&context.version.to_be_bytes());
    aad.extend_from_slice(&index.to_be_bytes());
    aad.push(u8::from(last));
    aad
}

/// Seals one chunk. `last` marks the final chunk, so a truncated document
/// (a missing tail) fails to open instead of silently looking complete.
pub fn seal_chunk(
    key: &ContentKey,
    context: &ChunkContext,
    index: u32,
    last: bool,
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut buffer = Vec::with_capacity(plaintext.len() + CHUNK_OVERHEAD);
    buffer.extend_from_slice(plaintext);
    seal_chunk_in_place(key, context, index, last, &mut buffer)?;
    Ok(buffer)
}

/// [`seal_chunk`] over a buffer holding the plaintext, which becomes the
/// sealed chunk: a caller sealing many chunks reuses its buffers.
pub fn seal_chunk_in_place(
    key: &ContentKey,
    context: &ChunkContext,
    index: u32,
    last: bool,
    buffer: &mut Vec<u8>,
) -> Result<(), CryptoError> {
    key.cipher()?
        .seal_in_place_append_tag(
            chunk_nonce(index, last),
            Aad::from(chunk_aad(context, index, last)),
            buffer,
        )
        .map_err(|_| CryptoError::Unseal)
}

pub fn open_chunk(
    key: &ContentKey,
    context: &ChunkContext,
    index: u32,
    last: bool,
    sealed: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut buffer = sealed.to_vec();
    let len = key
        .cipher()?
        .open_in_place(
            chunk_nonce(index, last),
            Aad::from(chunk_aad(context, index, last)),
            &mut buffer,
        )
        .map_err(|_| CryptoError::BadChunk(index))?
        .len();
    buffer.truncate(len);
    Ok(buffer)
}

/// Whether `buffer`, a sealed chunk, opens under the key at its place in
/// the document version: the AES-GCM tag checked, as a download's check
/// that the server cannot forge. Opening is in place: the buffer is left
/// holding the chunk's plaintext (or, when it does not open, nothing to
/// rely on), so it is the caller's scratch, to be wiped.
pub fn chunk_opens_in_place(
    key: &ContentKey,
    context: &ChunkContext,
    index: u32,
    last: bool,
    buffer: &mut [u8],
) -> bool {
    key.cipher().is_ok_and(|cipher| {
        cipher
            .open_in_place(
                chunk_nonce(index, last),
                Aad::from(chunk_aad(context, index, last)),
                buffer,
            )
            .is_ok()
    })
}

/// Seals a whole file into chunks (an empty file is one empty final chunk).
pub fn seal_document(
    key: &ContentKey,
    context: &ChunkContext,
    plaintext: &[u8],
) -> Result<Vec<Vec<u8>>, CryptoError> {
    let pieces: Vec<&[u8]> = if plaintext.is_empty() {
        vec![&[]]
    } else {
        plaintext.chunks(CHUNK_SIZE).collect()
    };
    let last_index = pieces.len() - 1;
    pieces
        .into_iter()
        .enumerate()
        .map(|(index, piece)| {
            let index_u32 = u32::try_from(index)
                .map_err(|_| CryptoError::SealFormat("too many chunks".into()))?;
            seal_chunk(key, context, index_u32, index == last_index, piece)
        })
        .collect()
}

/// Opens every chunk in order; any swapped, altered or missing chunk fails.
pub fn open_document(
    key: &ContentKey,
    context: &ChunkContext,
    sealed: &[Vec<u8>],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut plaintext = Zeroizing::new(Vec::with_capacity(sealed.iter().map(Vec::len).sum()));
    let Some(last_index) = sealed.len().checked_sub(1) else {
        return Err(CryptoError::BadChunk(0));
    };
    for (index, chunk) in sealed.iter().enumerate() {
        let index_u32 =
            u32::try_from(index).map_err(|_| CryptoError::SealFormat("too many chunks".into()))?;
        plaintext.extend_from_slice(&open_chunk(
            key,
            context,
            index_u32,
            index == last_index,
            chunk,
        )?);
    }
    Ok(plaintext)
}

/// A content key wrapped for one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    /// The sender's one-time X25519 public key.
    pub ephemeral_public: String,
    pub ciphertext: String,
}

pub(crate) struct Len32;
impl KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

fn wrapping_key(
    shared: &[u8],
    ephemeral_public: &[u8],
    recipient_public: &[u8],
    context: &[u8],
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let mut salt = ephemeral_public.to_vec();
    salt.extend_from_slice(recipient_public);
    let mut info = b"ecabinet/key-wrap/v1\0".to_vec();
    info.extend_from_slice(context);
    let info_parts = [info.as_slice()];
    let mut out = Zeroizing::new([0u8; 32]);
    Salt::new(HKDF_SHA256, &salt)
        .extract(shared)
        .expand(&info_parts, Len32)
        .and_then(|okm| okm.fill(out.as_mut()))
        .map_err(|_| CryptoError::MalformedKey("HKDF output"))?;
    Ok(out)
}

fn wrap_cipher(key: &[u8; 32]) -> Result<LessSafeKey, CryptoError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| CryptoError::MalformedKey("AES-256 key"))
}

/// Wraps `key` so only the holder of `recipient_public`'s private key can
/// open it. `context` (e.g. document id and version) is bound in, so a
/// wrapped key cannot be replayed for another document.
pub fn wrap_key(
    key: &ContentKey,
    recipient_public: &[u8; 32],
    context: &[u8],
) -> Result<WrappedKey, CryptoError> {
    let rng = ring::rand::SystemRandom::new();
    let ephemeral =
        EphemeralPrivateKey::generate(&X25519, &rng).map_err(|_| CryptoError::Random)?;
    let ephemeral_public = ephemeral
        .compute_public_key()
        .map_err(|_| CryptoError::Random)?;
    let ephemeral_public = ephemeral_public.as_ref().to_vec();
    let wrapping = agree_ephemeral(
        ephemeral,
        &UnparsedPublicKey::new(&X25519, recipient_public),
        |shared| wrapping_key(shared, &ephemeral_public, recipient_public, context),
    )
    .map_err(|_| CryptoError::MalformedKey("X25519 public key"))??;
    let mut buffer = key.0.to_vec();
    // The wrapping key is used exactly once, so a zero nonce is safe.
    wrap_cipher(&wrapping)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key([0u8; 12]),
            Aad::from(context),
            &mut buffer,
        )
        .map_err(|_| CryptoError::Unseal)?;
    Ok(WrappedKey {
        ephemeral_public: b64_encode(&ephemeral_public),
        ciphertext: b64_encode(&buffer),
    })
}

impl DeviceKeys {
    /// Opens a content key wrapped for this device.
    pub fn unwrap_key(
        &self,
        wrapped: &WrappedKey,
        context: &[u8],
    ) -> Result<ContentKey, CryptoError> {
        let ephemeral: [u8; 32] = b64_decode(&wrapped.ephemeral_public)?
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::MalformedKey("X25519 public key must be 32 bytes"))?;
        let shared = Zeroizing::new(self.agree(&ephemeral));
        let wrapping = wrapping_key(
            shared.as_ref(),
            &ephemeral,
            &self.agreement_public_key(),
            context,
        )?;
        let mut buffer = Zeroizing::new(b64_decode(&wrapped.ciphertext)?);
        let len = wrap_cipher(&wrapping)?
            .open_in_place(
                Nonce::assume_unique_for_key([0u8; 12]),
                Aad::from(context),
                buffer.as_mut_slice(),
            )
            .map_err(|_| CryptoError::Unseal)?
            .len();
        let key: [u8; 32] = buffer[..len]
            .try_into()
            .map_err(|_| CryptoError::MalformedKey("content key must be 32 bytes"))?;
        Ok(ContentKey(Zeroizing::new(key)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> ChunkContext {
        ChunkContext {
            document_id: [7; 16],
            version: 1,
        }
    }

    #[test]
    fn documents_round_trip_across_chunk_boundaries() {
        let key = ContentKey::generate().expect("key");
        for size in [
            0,
            1,
            CHUNK_SIZE - 1,
            CHUNK_SIZE,
            CHUNK_SIZE + 1,
            3 * CHUNK_SIZE + 5,
        ] {
            let plaintext: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let sealed = seal_document(&key, &context(), &plaintext).expect("seal");
            assert_eq!(
                sealed.len(),
                size.div_ceil(CHUNK_SIZE).max(1),
                "chunk count for {size}"
            );
            let opened = open_document(&key, &context(), &sealed).expect("open");
            assert_eq!(opened.as_slice(), plaintext.as_slice(), "size {size}");
        }
    }

    #[test]
    fn tampered_reordered_truncated_or_moved_chunks_are_refused() {
        let key = ContentKey::generate().expect("key");
        let plaintext = vec![42u8; 2 * CHUNK_SIZE + 10];
        let sealed = seal_document(&key, &context(), &plaintext).expect("seal");

        let mut tampered = sealed.clone();
        tampered[1][5] ^= 1;
        assert!(matches!(
            open_document(&key, &context(), &tampered),
            Err(CryptoError::BadChunk(1))
        ));

        let mut reordered = sealed.clone();
        reordered.swap(0, 1);
        assert!(open_document(&key, &context(), &reordered).is_err());

        let truncated = sealed[..2].to_vec();
        assert!(matches!(
            open_document(&key, &context(), &truncated),
            Err(CryptoError::BadChunk(1))
        ));

        let other_document = ChunkContext {
            document_id: [8; 16],
            version: 1,
        };
        assert!(open_document(&key, &other_document, &sealed).is_err());
        let other_version = ChunkContext {
            version: 2,
            ..context()
        };
        assert!(open_document(&key, &other_version, &sealed).is_err());

        let wrong_key = ContentKey::generate().expect("key");
        assert!(open_document(&wrong_key, &context(), &sealed).is_err());
        assert!(open_document(&key, &context(), &[]).is_err());
    }

    #[test]
    fn a_chunk_opens_in_place_only_at_its_place_under_its_key() {
        let key = ContentKey::generate().expect("key");
        let plaintext = vec![9u8; CHUNK_SIZE + 3];
        let sealed = seal_document(&key, &context(), &plaintext).expect("seal");
        let opens = |key: &ContentKey, context: &ChunkContext, index: u32, last: bool| {
            let mut buffer = sealed[index as usize].clone();
            chunk_opens_in_place(key, context, index, last, &mut buffer)
        };
        assert!(opens(&key, &context(), 0, false));
        assert!(opens(&key, &context(), 1, true));
        assert!(
            !opens(&key, &context(), 0, true),
            "a first chunk passed off as the last"
        );
        assert!(
            !opens(&key, &context(), 1, false),
            "a last chunk passed off as a middle one"
        );
        let other = ChunkContext {
            version: 2,
            ..context()
        };
        assert!(!opens(&key, &other, 0, false), "another version");
        let wrong = ContentKey::generate().expect("key");
        assert!(!opens(&wrong, &context(), 0, false), "another key");
        let mut bent = sealed[0].clone();
        bent[CHUNK_SIZE / 2] ^= 1;
        assert!(!chunk_opens_in_place(&key, &context(), 0, false, &mut bent));
        let mut opened = sealed[1].clone();
        assert!(chunk_opens_in_place(&key, &context(), 1, true, &mut opened));
        assert_eq!(
            &opened[..3],
            &plaintext[CHUNK_SIZE..],
            "left holding the plaintext"
        );
    }

    #[test]
    fn wrapped_keys_open_only_for_their_device_and_context() {
        let device = DeviceKeys::generate().expect("device");
        let other = DeviceKeys::generate().expect("device");
        let key = ContentKey::generate().expect("key");
        let wrapped = wrap_key(&key, &device.agreement_public_key(), b"doc-1/v1").expect("wrap");

        let opened = device.unwrap_key(&wrapped, b"doc-1/v1").expect("unwrap");
        let sealed = seal_document(&key, &context(), b"%PDF-1.7").expect("seal");
        assert_eq!(
            open_document(&opened, &context(), &sealed)
                .expect("open")
                .as_slice(),
            b"%PDF-1.7"
        );

        assert!(
            other.unwrap_key(&wrapped, b"doc-1/v1").is_err(),
            "another device"
        );
        assert!(
            device.unwrap_key(&wrapped, b"doc-2/v1").is_err(),
            "another context"
        );
        let mut bent = wrapped.clone();
        let mut bytes = b64_decode(&bent.ciphertext).expect("b64");
        bytes[0] ^= 1;
        bent.ciphertext = b64_encode(&bytes);
        assert!(device.unwrap_key(&bent, b"doc-1/v1").is_err(), "tampered");
    }
}
