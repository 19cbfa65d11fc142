//! The device's sealing key in the operating system's keyring (Secret
//! Service on Linux, Keychain on macOS, Credential Manager on Windows)
//! instead of the owner-only `device-key.bin` beside the sealed keys: a
//! copy of the profile folder alone then opens nothing, and the keyring
//! opens with the person's desktop session.
//!
//! [`KEYRING_ENV`] chooses: `auto` (the default: the keyring when the
//! desktop session has one, else the key file), `on` (the keyring or an
//! error), `off` (the key file). A passphrase (`ECAB_PASSPHRASE`) takes
//! precedence over both.

use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{ClientError, ClientResult};

/// `auto`, `on` or `off`.
pub const KEYRING_ENV: &str = "ECAB_KEYRING";
/// The service name entries are filed under in the keyring.
const SERVICE: &str = "eCabinet";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyringChoice {
    Off,
    Auto,
    Required,
}

pub(crate) fn choice() -> ClientResult<KeyringChoice> {
    match std::env::var(KEYRING_ENV).ok().as_deref().map(str::trim) {
        None | Some("") | Some("auto") => Ok(KeyringChoice::Auto),
        Some("on") => Ok(KeyringChoice::Required),
        Some("off") => Ok(KeyringChoice::Off),
        Some(other) => Err(ClientError::InvalidArgument(format!(
            "{KEYRING_ENV} is {other:?}; it is auto, on or off"
        ))),
    }
}

/// Whether a keyring can be there at all. On Linux the Secret Service
/// lives on the session bus: without one (a server, a CI job, ssh), asking
/// would only fail more slowly.
pub(crate) fn may_exist() -> bool {
    if cfg!(target_os = "linux") {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
    } else {
        true
    }
}

/// The entry's account: one per profile folder, so two profiles of the
/// same person (or two people on one computer) never share a key.
pub(crate) fn account_for(dir: &Path) -> String {
    let place = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let digest = ecabinet_crypto::sha256(place.to_string_lossy().as_bytes());
    let short: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("device key {short}")
}

fn entry(account: &str) -> Result<keyring::Entry, String> {
    keyring::Entry::new(SERVICE, account).map_err(|e| e.to_string())
}

/// Keeps `key` under `account`.
pub(crate) fn store(account: &str, key: &[u8; 32]) -> Result<(), String> {
    entry(account)?.set_secret(key).map_err(|e| e.to_string())?;
    // Read back: a keyring that accepts and loses secrets must not be
    // trusted with the only copy.
    match load(account) {
        Ok(back) if back.as_ref() == key => Ok(()),
        Ok(_) => Err("the keyring gave back another key".into()),
        Err(why) => Err(why),
    }
}

/// The key under `account`.
pub(crate) fn load(account: &str) -> Result<Zeroizing<[u8; 32]>, String> {
    let secret = Zeroizing::new(entry(account)?.get_secret().map_err(|e| e.to_string())?);
    let key: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| format!("the keyring holds {} bytes, not 32", secret.len()))?;
    Ok(Zeroizing::new(key))
}

/// Removes the key (a wiped device); a missing entry is fine.
pub(crate) fn delete(account: &str) -> Result<(), String> {
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}
