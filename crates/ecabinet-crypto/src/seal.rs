//! Sealing secrets at rest with AES-256-GCM, under a key derived from a
//! passphrase (PBKDF2-HMAC-SHA256) or held in a separate key file.

use std::num::NonZeroU32;

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{b64_decode, b64_encode, random_bytes, CryptoError};

const FORMAT: &str = "ecabinet-sealed-v1";
/// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
pub const PASSPHRASE_ITERATIONS: u32 = 600_000;

/// What unlocks a sealed box.
pub enum KeyProtection {
    /// A passphrase typed by the person; stretched with PBKDF2.
    Passphrase {
        passphrase: Zeroizing<String>,
        iterations: u32,
    },
    /// A random 256-bit key kept elsewhere (a key file readable only by the owner).
    Key(Zeroizing<[u8; 32]>),
    /// A random 256-bit key kept in the operating system's keyring under
    /// `account` (recorded in the sealed box, so the opener knows where to look).
    KeyringKey {
        key: Zeroizing<[u8; 32]>,
        account: String,
    },
}

impl std::fmt::Debug for KeyProtection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyProtection::Passphrase { iterations, .. } => {
                write!(f, "Passphrase(iterations={iterations})")
            }
            KeyProtection::Key(_) => f.write_str("Key(…)"),
            KeyProtection::KeyringKey { account, .. } => write!(f, "KeyringKey({account}, …)"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KdfParams {
    Pbkdf2Sha256 {
        iterations: u32,
        salt: String,
    },
    KeyFile,
    /// The key is in the OS keyring under this account.
    OsKeyring {
        account: String,
    },
}

/// The stored form: self-describing JSON, so a later version can migrate it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedBox {
    pub format: String,
    pub kdf: KdfParams,
    pub nonce: String,
    pub ciphertext: String,
}

fn derive_key(
    protection: &KeyProtection,
    kdf: &KdfParams,
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    match (protection, kdf) {
        (
            KeyProtection::Passphrase { passphrase, .. },
            KdfParams::Pbkdf2Sha256 { iterations, salt },
        ) => {
            let iterations = NonZeroU32::new(*iterations)
                .ok_or_else(|| CryptoError::SealFormat("zero PBKDF2 iterations".into()))?;
            let salt = b64_decode(salt)?;
            let mut key = Zeroizing::new([0u8; 32]);
            ring::pbkdf2::derive(
                ring::pbkdf2::PBKDF2_HMAC_SHA256,
                iterations,
                &salt,
                passphrase.as_bytes(),
                key.as_mut(),
            );
            Ok(key)
        }
        (KeyProtection::Key(key), KdfParams::KeyFile) => Ok(key.clone()),
        (KeyProtection::KeyringKey { key, .. }, KdfParams::OsKeyring { .. }) => Ok(key.clone()),
        (KeyProtection::KeyringKey { .. }, _) | (_, KdfParams::OsKeyring { .. }) => Err(
            CryptoError::SealFormat("the key's place does not match the sealed box's".into()),
        ),
        (KeyProtection::Passphrase { .. }, KdfParams::KeyFile) => Err(CryptoError::SealFormat(
            "these keys are protected by a key file, not a passphrase".into(),
        )),
        (KeyProtection::Key(_), KdfParams::Pbkdf2Sha256 { .. }) => Err(CryptoError::SealFormat(
            "these keys are protected by a passphrase; set ECAB_PASSPHRASE".into(),
        )),
    }
}

fn cipher(key: &[u8; 32]) -> Result<LessSafeKey, CryptoError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| CryptoError::MalformedKey("AES-256 key"))
}

/// Seals `plaintext`; `context` is bound as associated data (e.g. the file's
/// purpose), so a sealed box cannot be moved to another use.
pub fn seal(
    plaintext: &[u8],
    protection: &KeyProtection,
    context: &[u8],
) -> Result<SealedBox, CryptoError> {
    let kdf = match protection {
        KeyProtection::Passphrase { iterations, .. } => KdfParams::Pbkdf2Sha256 {
            iterations: *iterations,
            salt: b64_encode(&random_bytes::<16>()?),
        },
        KeyProtection::Key(_) => KdfParams::KeyFile,
        KeyProtection::KeyringKey { account, .. } => KdfParams::OsKeyring {
            account: account.clone(),
        },
    };
    let key = derive_key(protection, &kdf)?;
    let nonce_bytes = random_bytes::<NONCE_LEN>()?;
    let mut buffer = plaintext.to_vec();
    cipher(&key)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce_bytes),
            Aad::from(context),
            &mut buffer,
        )
        .map_err(|_| CryptoError::Unseal)?;
    Ok(SealedBox {
        format: FORMAT.to_owned(),
        kdf,
        nonce: b64_encode(&nonce_bytes),
        ciphertext: b64_encode(&buffer),
    })
}

pub fn unseal(
    sealed: &SealedBox,
    protection: &KeyProtection,
    context: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if sealed.format != FORMAT {
        return Err(CryptoError::SealFormat(format!(
            "unknown format {:?}",
            sealed.format
        )));
    }
    let key = derive_key(protection, &sealed.kdf)?;
    let nonce: [u8; NONCE_LEN] = b64_decode(&sealed.nonce)?
        .as_slice()
        .try_into()
        .map_err(|_| CryptoError::SealFormat("nonce length".into()))?;
    let mut buffer = Zeroizing::new(b64_decode(&sealed.ciphertext)?);
    let plaintext_len = cipher(&key)?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(context),
            buffer.as_mut_slice(),
        )
        .map_err(|_| CryptoError::Unseal)?
        .len();
    buffer.truncate(plaintext_len);
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passphrase(p: &str) -> KeyProtection {
        KeyProtection::Passphrase {
            passphrase: Zeroizing::new(p.to_owned()),
            iterations: 1_000,
        }
    }

    #[test]
    fn passphrase_round_trip() {
        let sealed = seal(b"secret keys", &passphrase("hoa sen"), b"device-keys").expect("seal");
        let opened = unseal(&sealed, &passphrase("hoa sen"), b"device-keys").expect("unseal");
        assert_eq!(opened.as_slice(), b"secret keys");
    }

    #[test]
    fn wrong_passphrase_context_or_tampering_fails() {
        let sealed = seal(b"secret keys", &passphrase("hoa sen"), b"device-keys").expect("seal");
        assert!(matches!(
            unseal(&sealed, &passphrase("hoa hồng"), b"device-keys"),
            Err(CryptoError::Unseal)
        ));
        assert!(matches!(
            unseal(&sealed, &passphrase("hoa sen"), b"other"),
            Err(CryptoError::Unseal)
        ));
        let mut bytes = b64_decode(&sealed.ciphertext).expect("b64");
        bytes[0] ^= 1;
        let tampered = SealedBox {
            ciphertext: b64_encode(&bytes),
            ..sealed
        };
        assert!(matches!(
            unseal(&tampered, &passphrase("hoa sen"), b"device-keys"),
            Err(CryptoError::Unseal)
        ));
    }

    #[test]
    fn key_file_round_trip_and_mismatched_protection() {
        let key = KeyProtection::Key(Zeroizing::new([7u8; 32]));
        let sealed = seal(b"x", &key, b"c").expect("seal");
        assert_eq!(unseal(&sealed, &key, b"c").expect("open").as_slice(), b"x");
        assert!(matches!(
            unseal(&sealed, &passphrase("p"), b"c"),
            Err(CryptoError::SealFormat(_))
        ));
    }

    #[test]
    fn a_keyring_key_is_recorded_by_account_and_not_taken_for_a_key_file() {
        let keyring = KeyProtection::KeyringKey {
            key: Zeroizing::new([9u8; 32]),
            account: "device key 0011".into(),
        };
        let sealed = seal(b"x", &keyring, b"c").expect("seal");
        assert_eq!(
            sealed.kdf,
            KdfParams::OsKeyring {
                account: "device key 0011".into()
            }
        );
        assert_eq!(
            unseal(&sealed, &keyring, b"c").expect("open").as_slice(),
            b"x"
        );
        // The same bytes offered as a key file do not open it.
        let file = KeyProtection::Key(Zeroizing::new([9u8; 32]));
        assert!(matches!(
            unseal(&sealed, &file, b"c"),
            Err(CryptoError::SealFormat(_))
        ));
    }

    #[test]
    fn unknown_format_is_refused() {
        let key = KeyProtection::Key(Zeroizing::new([7u8; 32]));
        let mut sealed = seal(b"x", &key, b"c").expect("seal");
        sealed.format = "v99".into();
        assert!(matches!(
            unseal(&sealed, &key, b"c"),
            Err(CryptoError::SealFormat(_))
        ));
    }
}
