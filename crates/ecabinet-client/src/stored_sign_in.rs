//! A sign-in kept for the next command. Every `ecab` process signed in
//! afresh: a challenge and a token, two requests and two writes on the
//! server, 6 to 7 ms here, which `ecab sync && ecab prefetch` paid twice.
//! The session token is now kept in the profile, sealed to this device's
//! own key, and reused only within [`REUSE_WITHIN`] of its issuance.
//!
//! Revocation still works at once: the server refuses a revoked device's
//! token on every request, and a refused token is forgotten (see
//! [`crate::api::ServerApi`]), so the next command signs in again, and that
//! sign-in wipes the device. A stolen laptop's stored token also stops being
//! used a minute after it was issued, whatever happens.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use ecabinet_crypto::{
    b64_decode, b64_encode, open_with_nonce, seal_with_nonce, wrap_key, ContentKey, DeviceKeys,
    WrappedKey,
};
use ecabinet_domain::DeviceId;
use serde::{Deserialize, Serialize};

pub(crate) const STORED_SIGN_IN_FILE: &str = "sign-in.json";

/// How long after its issuance a kept token may be reused by another
/// process (one process keeps its own in memory for the token's life).
pub(crate) const REUSE_WITHIN: Duration = Duration::seconds(60);

/// What a token must still have before its expiry to be used at all.
pub(crate) const MARGIN: Duration = Duration::seconds(60);

#[derive(Serialize, Deserialize)]
struct StoredSignIn {
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    /// A one-time key, wrapped for this device's own agreement key.
    key: WrappedKey,
    /// The token, sealed under that key.
    token: String,
}

/// Bound into the wrapping and the sealing: the device and both times, so
/// neither time can be moved without the file failing to open.
fn context(device: DeviceId, issued_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Vec<u8> {
    format!(
        "ecabinet/stored-sign-in/v1/{device}/{}/{}",
        issued_at.timestamp_millis(),
        expires_at.timestamp_millis()
    )
    .into_bytes()
}

/// Keeps `token` for the next process. Best effort: a failure only costs
/// that process a sign-in of its own.
pub(crate) fn keep(
    dir: &Path,
    device: DeviceId,
    keys: &DeviceKeys,
    token: &str,
    expires_at: DateTime<Utc>,
) {
    let Some(bytes) = sealed(device, keys, token, Utc::now(), expires_at) else {
        return;
    };
    // No fsync: a kept sign-in lost to a power cut costs one sign-in.
    if let Err(error) = crate::profile::write_private(dir, STORED_SIGN_IN_FILE, &bytes) {
        tracing::debug!(%error, "could not keep the sign-in for the next command");
    }
}

fn sealed(
    device: DeviceId,
    keys: &DeviceKeys,
    token: &str,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Option<Vec<u8>> {
    let context = context(device, issued_at, expires_at);
    let key = ContentKey::generate().ok()?;
    let wrapped = wrap_key(&key, &keys.agreement_public_key(), &context).ok()?;
    // The key is fresh and seals exactly this once: a zero nonce is safe.
    let sealed = seal_with_nonce(&key, [0; 12], &context, token.as_bytes()).ok()?;
    serde_json::to_vec(&StoredSignIn {
        issued_at,
        expires_at,
        key: wrapped,
        token: b64_encode(&sealed),
    })
    .ok()
}

/// A token kept by an earlier process, if it is recent enough and opens
/// with this device's key: (token, expiry).
pub(crate) fn reuse(
    dir: &Path,
    device: DeviceId,
    keys: &DeviceKeys,
) -> Option<(String, DateTime<Utc>)> {
    let bytes = std::fs::read(dir.join(STORED_SIGN_IN_FILE)).ok()?;
    let stored: StoredSignIn = serde_json::from_slice(&bytes).ok()?;
    let now = Utc::now();
    let age = now - stored.issued_at;
    if age < Duration::zero() || age >= REUSE_WITHIN || stored.expires_at - now <= MARGIN {
        return None;
    }
    let context = context(device, stored.issued_at, stored.expires_at);
    let key = keys.unwrap_key(&stored.key, &context).ok()?;
    let sealed = b64_decode(&stored.token).ok()?;
    let token = open_with_nonce(&key, [0; 12], &context, &sealed).ok()?;
    let token = String::from_utf8(token.to_vec()).ok()?;
    Some((token, stored.expires_at))
}

/// Forgets the kept sign-in (the server refused it, or the device is wiped).
pub(crate) fn forget(dir: &Path) {
    forget_at(&dir.join(STORED_SIGN_IN_FILE));
}

pub(crate) fn forget_at(file: &Path) {
    let _ = std::fs::remove_file(file);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> DeviceId {
        DeviceId::new()
    }

    #[test]
    fn a_kept_token_opens_only_for_its_device_and_only_for_a_minute() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (keys, id) = (DeviceKeys::generate().expect("keys"), device());
        let expires = Utc::now() + Duration::hours(1);
        assert_eq!(reuse(dir.path(), id, &keys), None, "nothing kept yet");
        keep(dir.path(), id, &keys, "token-abc", expires);
        assert_eq!(
            reuse(dir.path(), id, &keys),
            Some(("token-abc".to_owned(), expires))
        );
        let text = std::fs::read_to_string(dir.path().join(STORED_SIGN_IN_FILE)).expect("kept");
        assert!(!text.contains("token-abc"), "sealed, not in clear");
        // Another device's keys, or another device id, open nothing.
        let other = DeviceKeys::generate().expect("keys");
        assert_eq!(reuse(dir.path(), id, &other), None);
        assert_eq!(reuse(dir.path(), device(), &keys), None);

        // Moving the issuance into the last minute breaks the seal.
        let mut stored: serde_json::Value = serde_json::from_str(&text).expect("json");
        let issued: DateTime<Utc> =
            serde_json::from_value(stored["issued_at"].clone()).expect("time");
        stored["issued_at"] = serde_json::to_value(issued + Duration::seconds(1)).expect("time");
        std::fs::write(dir.path().join(STORED_SIGN_IN_FILE), stored.to_string()).expect("write");
        assert_eq!(reuse(dir.path(), id, &keys), None, "tampered times");

        // Too old, or too near its expiry: signed in afresh.
        keep(dir.path(), id, &keys, "token-abc", Utc::now() + MARGIN);
        assert_eq!(reuse(dir.path(), id, &keys), None, "about to expire");
        let file = dir.path().join(STORED_SIGN_IN_FILE);
        let issued = |ago| {
            let bytes = sealed(id, &keys, "token-abc", Utc::now() - ago, expires).expect("seal");
            std::fs::write(&file, bytes).expect("write");
            reuse(dir.path(), id, &keys).map(|(token, _)| token)
        };
        assert_eq!(issued(Duration::seconds(50)).as_deref(), Some("token-abc"));
        assert_eq!(issued(REUSE_WITHIN), None, "a minute old");
        assert_eq!(issued(-Duration::seconds(5)), None, "issued in the future");

        forget(dir.path());
        assert!(!dir.path().join(STORED_SIGN_IN_FILE).exists());
    }
}
