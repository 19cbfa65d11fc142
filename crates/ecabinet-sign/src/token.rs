//! A PKCS#11 token as a [`Signer`]: the USB tokens of the Government Cipher
//! Committee, and SoftHSM2 in the tests, are used the same way: load the
//! module, pick the slot, log in with the PIN the person types, find the
//! private key and the certificate that shares its `CKA_ID`, and sign on
//! the token (the key never leaves it).

use std::path::Path;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;

use crate::{ecdsa_raw_to_der, SignError, SignatureAlgorithm, Signer};

/// What a token holds, for `ecab token list`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub slot: u64,
    pub label: String,
    pub manufacturer: String,
    pub model: String,
    pub serial: String,
}

/// A logged-in session on a token, with the key and certificate it signs with.
pub struct TokenSigner {
    // Kept for the session's lifetime: dropping the context finalises the module.
    _context: Pkcs11,
    session: Session,
    key: ObjectHandle,
    algorithm: SignatureAlgorithm,
    chain: Vec<Vec<u8>>,
    token: TokenInfo,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("token", &self.token)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

fn module(path: &Path) -> Result<Pkcs11, SignError> {
    let context =
        Pkcs11::new(path).map_err(|e| SignError::Module(format!("{}: {e}", path.display())))?;
    context
        .initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .map_err(|e| SignError::Module(format!("{}: {e}", path.display())))?;
    Ok(context)
}

fn token_info(context: &Pkcs11, slot: cryptoki::slot::Slot) -> Result<TokenInfo, SignError> {
    let info = context
        .get_token_info(slot)
        .map_err(|e| SignError::Token(format!("slot {}: {e}", slot.id())))?;
    Ok(TokenInfo {
        slot: slot.id(),
        label: info.label().trim().to_owned(),
        manufacturer: info.manufacturer_id().trim().to_owned(),
        model: info.model().trim().to_owned(),
        serial: info.serial_number().trim().to_owned(),
    })
}

impl TokenSigner {
    /// The initialised tokens in the module's slots.
    pub fn list(module_path: &Path) -> Result<Vec<TokenInfo>, SignError> {
        let context = module(module_path)?;
        let slots = context
            .get_slots_with_initialized_token()
            .map_err(|e| SignError::Token(e.to_string()))?;
        slots
            .into_iter()
            .map(|slot| token_info(&context, slot))
            .collect()
    }

    /// Opens the token: in `slot` (its id), or the only initialised one; logs in
    /// with `pin`; finds the private key (the one labelled `key_label`, or
    /// the only one) and the certificate with the same `CKA_ID`.
    /// `extra_chain` adds intermediates the token does not hold (DER).
    pub fn open(
        module_path: &Path,
        slot: Option<u64>,
        pin: &str,
        key_label: Option<&str>,
        extra_chain: Vec<Vec<u8>>,
    ) -> Result<Self, SignError> {
        let context = module(module_path)?;
        // Only initialised tokens can hold a key (SoftHSM, for one, always
        // offers an empty slot for a new token).
        let slots = context
            .get_slots_with_initialized_token()
            .map_err(|e| SignError::Token(e.to_string()))?;
        let chosen = match slot {
            Some(id) => slots.into_iter().find(|s| s.id() == id).ok_or_else(|| {
                SignError::Token(format!(
                    "no token in slot {id}; `ecab token list` shows them"
                ))
            })?,
            None => match slots.as_slice() {
                [only] => *only,
                [] => return Err(SignError::Token("no token is plugged in".into())),
                many => {
                    return Err(SignError::Token(format!(
                    "{} tokens are present: choose one with --slot (`ecab token list` shows them)",
                    many.len()
                )))
                }
            },
        };
        let token = token_info(&context, chosen)?;
        let session = context
            .open_ro_session(chosen)
            .map_err(|e| SignError::Token(e.to_string()))?;
        session
            .login(UserType::User, Some(&AuthPin::from(pin.to_owned())))
            .map_err(|e| SignError::Pin(e.to_string()))?;

        let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
        if let Some(label) = key_label {
            template.push(Attribute::Label(label.as_bytes().to_vec()));
        }
        let keys = session
            .find_objects(&template)
            .map_err(|e| SignError::Token(e.to_string()))?;
        let key = match keys.as_slice() {
            [only] => *only,
            [] => {
                return Err(SignError::Token(match key_label {
                    Some(label) => format!("the token holds no private key labelled {label:?}"),
                    None => "the token holds no private key".into(),
                }))
            }
            many => {
                return Err(SignError::Token(format!(
                    "the token holds {} private keys: choose one with --key-label",
                    many.len()
                )))
            }
        };
        let attributes = session
            .get_attributes(key, &[AttributeType::KeyType, AttributeType::Id])
            .map_err(|e| SignError::Token(e.to_string()))?;
        let mut key_type = None;
        let mut id = None;
        for attribute in attributes {
            match attribute {
                Attribute::KeyType(t) => key_type = Some(t),
                Attribute::Id(i) => id = Some(i),
                _ => {}
            }
        }
        let algorithm = match key_type {
            Some(t) if t == KeyType::RSA => SignatureAlgorithm::RsaPkcs1Sha256,
            Some(t) if t == KeyType::EC => SignatureAlgorithm::EcdsaP256Sha256,
            other => {
                return Err(SignError::Token(format!(
                    "the key's type ({other:?}) is neither RSA nor EC"
                )))
            }
        };
        let id = id.ok_or_else(|| SignError::Token("the key has no CKA_ID".into()))?;
        let certificates = session
            .find_objects(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::Id(id.clone()),
            ])
            .map_err(|e| SignError::Token(e.to_string()))?;
        let certificate = certificates.first().ok_or_else(|| {
            SignError::Token("the token holds no certificate for this key".into())
        })?;
        let value = session
            .get_attributes(*certificate, &[AttributeType::Value])
            .map_err(|e| SignError::Token(e.to_string()))?
            .into_iter()
            .find_map(|a| match a {
                Attribute::Value(v) => Some(v),
                _ => None,
            })
            .ok_or_else(|| SignError::Token("the certificate object has no value".into()))?;
        // A check that the certificate belongs to the key happens when the
        // first signature is verified against it (see `verify`).
        let mut chain = vec![value];
        chain.extend(extra_chain);
        Ok(Self {
            _context: context,
            session,
            key,
            algorithm,
            chain,
            token,
        })
    }

    pub fn token(&self) -> &TokenInfo {
        &self.token
    }
}

impl Signer for TokenSigner {
    fn certificate_chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        match self.algorithm {
            SignatureAlgorithm::RsaPkcs1Sha256 => self
                .session
                .sign(&Mechanism::Sha256RsaPkcs, self.key, message)
                .map_err(|e| SignError::Sign(e.to_string())),
            SignatureAlgorithm::EcdsaP256Sha256 => {
                // Tokens hash for RSA but many only take a digest for ECDSA.
                let digest = ring::digest::digest(&ring::digest::SHA256, message);
                let raw = self
                    .session
                    .sign(&Mechanism::Ecdsa, self.key, digest.as_ref())
                    .map_err(|e| SignError::Sign(e.to_string()))?;
                ecdsa_raw_to_der(&raw)
            }
        }
    }
}
