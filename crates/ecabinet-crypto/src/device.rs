//! A device's two key pairs: Ed25519 to sign (auth, ballots, opinions) and
//! X25519 to agree on keys (unwrapping document keys sent to this device).

use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use x25519_dalek::{PublicKey as X25519Public, StaticSecret};
use zeroize::Zeroizing;

use crate::{b64_decode, b64_encode, random_bytes, CryptoError};

/// An Ed25519 key pair together with its PKCS#8 document, so it can be sealed.
pub struct SigningKey {
    pair: Ed25519KeyPair,
    pkcs8: Zeroizing<Vec<u8>>,
}

impl SigningKey {
    pub fn generate() -> Result<Self, CryptoError> {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| CryptoError::Random)?;
        Self::from_pkcs8(pkcs8.as_ref())
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, CryptoError> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8)
            .map_err(|_| CryptoError::MalformedKey("Ed25519 PKCS#8"))?;
        Ok(Self {
            pair,
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
        })
    }

    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    pub fn public_key(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.pair.public_key().as_ref());
        out
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(self.pair.sign(message).as_ref());
        out
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey(public={})", b64_encode(&self.public_key()))
    }
}

/// Checks an Ed25519 signature made by `public_key`.
pub fn verify_signature(
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    if public_key.len() != 32 {
        return Err(CryptoError::MalformedKey(
            "Ed25519 public key must be 32 bytes",
        ));
    }
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(message, signature)
        .map_err(|_| CryptoError::BadSignature)
}

/// Both key pairs of one device.
pub struct DeviceKeys {
    pub signing: SigningKey,
    agreement: StaticSecret,
}

/// The at-rest form of [`DeviceKeys`], only ever stored inside a [`crate::SealedBox`].
#[derive(Serialize, Deserialize)]
struct DeviceKeysFile {
    signing_pkcs8: String,
    agreement_secret: String,
}

impl DeviceKeys {
    pub fn generate() -> Result<Self, CryptoError> {
        let secret = random_bytes::<32>()?;
        Ok(Self {
            signing: SigningKey::generate()?,
            agreement: StaticSecret::from(secret),
        })
    }

    /// X25519 with a peer's public key (the raw shared secret).
    pub(crate) fn agree(&self, peer_public: &[u8; 32]) -> [u8; 32] {
        self.agreement
            .diffie_hellman(&X25519Public::from(*peer_public))
            .to_bytes()
    }

    pub fn agreement_public_key(&self) -> [u8; 32] {
        X25519Public::from(&self.agreement).to_bytes()
    }

    /// Serialises the private keys (to be sealed immediately by the caller).
    pub fn to_secret_bytes(&self) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let file = DeviceKeysFile {
            signing_pkcs8: b64_encode(self.signing.pkcs8()),
            agreement_secret: b64_encode(self.agreement.as_bytes()),
        };
        serde_json::to_vec(&file)
            .map(Zeroizing::new)
            .map_err(|e| CryptoError::SealFormat(e.to_string()))
    }

    pub fn from_secret_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let file: DeviceKeysFile =
            serde_json::from_slice(bytes).map_err(|e| CryptoError::SealFormat(e.to_string()))?;
        let pkcs8 = Zeroizing::new(b64_decode(&file.signing_pkcs8)?);
        let secret = Zeroizing::new(b64_decode(&file.agreement_secret)?);
        let secret: [u8; 32] = secret
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::MalformedKey("X25519 secret must be 32 bytes"))?;
        Ok(Self {
            signing: SigningKey::from_pkcs8(&pkcs8)?,
            agreement: StaticSecret::from(secret),
        })
    }
}

impl std::fmt::Debug for DeviceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceKeys")
            .field("signing", &self.signing)
            .field(
                "agreement_public",
                &b64_encode(&self.agreement_public_key()),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_is_caught() {
        let key = SigningKey::generate().expect("key");
        let signature = key.sign(b"ballot: yes");
        verify_signature(&key.public_key(), b"ballot: yes", &signature).expect("valid");
        assert!(verify_signature(&key.public_key(), b"ballot: no", &signature).is_err());
        let other = SigningKey::generate().expect("key");
        assert!(verify_signature(&other.public_key(), b"ballot: yes", &signature).is_err());
        assert!(verify_signature(&[0u8; 5], b"x", &signature).is_err());
    }

    #[test]
    fn device_keys_survive_serialisation() {
        let keys = DeviceKeys::generate().expect("keys");
        let bytes = keys.to_secret_bytes().expect("bytes");
        let back = DeviceKeys::from_secret_bytes(&bytes).expect("parse");
        assert_eq!(back.signing.public_key(), keys.signing.public_key());
        assert_eq!(back.agreement_public_key(), keys.agreement_public_key());
    }

    #[test]
    fn malformed_secret_bytes_are_an_error_not_a_panic() {
        assert!(DeviceKeys::from_secret_bytes(b"{}").is_err());
        assert!(DeviceKeys::from_secret_bytes(b"\xff\xfe").is_err());
        assert!(DeviceKeys::from_secret_bytes(
            br#"{"signing_pkcs8":"AAAA","agreement_secret":"AAAA"}"#
        )
        .is_err());
    }
}
