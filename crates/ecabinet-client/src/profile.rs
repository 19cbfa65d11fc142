//! A device's profile folder:
//!
//! ```text
//! profile.json        who this device is: ids, names, server URL, pinned server key
//! device-keys.json    the private keys, sealed (AES-256-GCM)
//! device-key.bin      the sealing key, when neither a passphrase nor the OS
//!                     keyring is used (owner-only file)
//! replica.sqlite3     the local replica
//! ```
//!
//! `profile.json` is written last, by atomic rename: a profile without it is
//! an enrolment that never finished, and is cleared on the next attempt.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use ecabinet_crypto::{seal, unseal, DeviceKeys, KeyProtection, SealedBox, PASSPHRASE_ITERATIONS};
use ecabinet_domain::{DeviceId, Organisation, Person};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{ClientError, ClientResult};
use crate::os_keyring::{self, KeyringChoice};

const PROFILE_FILE: &str = "profile.json";
const KEYS_FILE: &str = "device-keys.json";
const KEY_FILE: &str = "device-key.bin";
pub(crate) const REPLICA_FILE: &str = "replica.sqlite3";
/// Bound into the sealed box so it cannot be reused for another purpose.
const KEYS_CONTEXT: &[u8] = b"ecabinet/device-keys/v1";
/// If set, the device keys are sealed under this passphrase instead of a key file.
pub const PASSPHRASE_ENV: &str = "ECAB_PASSPHRASE";

/// What `profile.json` holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProfileFile {
    pub format: u32,
    pub server_url: String,
    /// The server's Ed25519 public key (base64url), pinned at enrolment.
    pub server_signing_key: String,
    pub device_id: DeviceId,
    pub device_name: String,
    pub person: Person,
    pub organisation: Organisation,
    /// Set when the server said this device is revoked; its keys, replica and
    /// cache are gone, and only this file remains to say so.
    #[serde(default)]
    pub revoked: bool,
}

/// The default profile folder: `$XDG_DATA_HOME/ecabinet/profile`.
pub fn default_profile_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("ecabinet")
        .join("profile")
}

pub(crate) fn read_profile(dir: &Path) -> ClientResult<Option<ProfileFile>> {
    let path = dir.join(PROFILE_FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(ClientError::io(&path, error)),
    };
    let profile: ProfileFile =
        serde_json::from_slice(&bytes).map_err(|e| ClientError::CorruptProfile {
            path: dir.display().to_string(),
            detail: format!("{PROFILE_FILE}: {e}"),
        })?;
    if profile.format != 1 {
        return Err(ClientError::CorruptProfile {
            path: dir.display().to_string(),
            detail: format!(
                "{PROFILE_FILE} has format {}, this version reads 1",
                profile.format
            ),
        });
    }
    Ok(Some(profile))
}

/// Removes what a crashed enrolment may have left; never touches a finished profile.
pub(crate) fn clear_unfinished(dir: &Path) -> ClientResult<()> {
    for name in [
        KEYS_FILE,
        KEY_FILE,
        REPLICA_FILE,
        "replica.sqlite3-wal",
        "replica.sqlite3-shm",
    ] {
        let path = dir.join(name);
        match fs::remove_file(&path) {
            Ok(()) => {
                tracing::info!(path = %path.display(), "removed a leftover of an unfinished enrolment")
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(ClientError::io(&path, error)),
        }
    }
    Ok(())
}

pub(crate) fn create_private_dir(dir: &Path) -> ClientResult<()> {
    fs::create_dir_all(dir).map_err(|e| ClientError::io(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| ClientError::io(dir, e))?;
    }
    Ok(())
}

/// Writes a file atomically (temp file, fsync, rename, fsync of the folder),
/// readable only by its owner.
pub(crate) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> ClientResult<()> {
    write_replacing(dir, name, bytes, true)
}

/// Writes a file only this user may read, whole or not at all, without
/// waiting for the disk: for what is cheap to lose in a power cut.
pub(crate) fn write_private(dir: &Path, name: &str, bytes: &[u8]) -> ClientResult<()> {
    write_replacing(dir, name, bytes, false)
}

fn write_replacing(dir: &Path, name: &str, bytes: &[u8], durable: bool) -> ClientResult<()> {
    let path = dir.join(name);
    let temp = dir.join(format!(".{name}.tmp"));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&temp).map_err(|e| ClientError::io(&temp, e))?;
    file.write_all(bytes)
        .map_err(|e| ClientError::io(&temp, e))?;
    if durable {
        file.sync_all().map_err(|e| ClientError::io(&temp, e))?;
    }
    drop(file);
    fs::rename(&temp, &path).map_err(|e| ClientError::io(&path, e))?;
    if durable {
        if let Ok(folder) = fs::File::open(dir) {
            // Makes the rename itself durable; not all platforms allow it.
            let _ = folder.sync_all();
        }
    }
    Ok(())
}

/// Writes a cache file by rename but without fsync: cache contents are
/// verified against their signed hashes on every read, so a file torn by a
/// power cut is simply fetched again, and skipping one fsync per chunk is what
/// lets a pack download at network speed.
pub(crate) fn write_cache_file(dir: &Path, name: &str, bytes: &[u8]) -> ClientResult<()> {
    let path = dir.join(name);
    let temp = dir.join(format!(".{name}.tmp"));
    fs::write(&temp, bytes).map_err(|e| ClientError::io(&temp, e))?;
    fs::rename(&temp, &path).map_err(|e| ClientError::io(&path, e))
}

pub(crate) fn write_profile(dir: &Path, profile: &ProfileFile) -> ClientResult<()> {
    let bytes =
        serde_json::to_vec_pretty(profile).map_err(|e| ClientError::Protocol(e.to_string()))?;
    write_atomic(dir, PROFILE_FILE, &bytes)
}

fn passphrase_from_env() -> Option<Zeroizing<String>> {
    std::env::var(PASSPHRASE_ENV)
        .ok()
        .filter(|p| !p.is_empty())
        .map(Zeroizing::new)
}

/// Remote wipe: removes the keys, the replica and the document cache, and
/// records the revocation in `profile.json` so every later command says why.
pub(crate) fn wipe_revoked(dir: &Path, profile: &ProfileFile) -> ClientResult<()> {
    let cache = dir.join("cache");
    if cache.exists() {
        fs::remove_dir_all(&cache).map_err(|e| ClientError::io(&cache, e))?;
    }
    forget_keyring_key(dir);
    crate::stored_sign_in::forget(dir);
    clear_unfinished(dir)?;
    let mut revoked = profile.clone();
    revoked.revoked = true;
    write_profile(dir, &revoked)
}

/// Seals and stores freshly generated device keys.
pub(crate) fn store_keys(dir: &Path, keys: &DeviceKeys) -> ClientResult<()> {
    let protection = match passphrase_from_env() {
        Some(passphrase) => KeyProtection::Passphrase {
            passphrase,
            iterations: PASSPHRASE_ITERATIONS,
        },
        None => {
            let key = Zeroizing::new(ecabinet_crypto::random_bytes::<32>()?);
            match in_keyring(dir, &key)? {
                Some(account) => KeyProtection::KeyringKey { key, account },
                None => {
                    write_atomic(dir, KEY_FILE, key.as_ref())?;
                    KeyProtection::Key(key)
                }
            }
        }
    };
    let sealed = seal(&keys.to_secret_bytes()?, &protection, KEYS_CONTEXT)?;
    let bytes =
        serde_json::to_vec_pretty(&sealed).map_err(|e| ClientError::Protocol(e.to_string()))?;
    write_atomic(dir, KEYS_FILE, &bytes)
}

/// Puts the sealing key in the OS keyring if [`os_keyring::choice`] says
/// so and one answers; `None`: keep it in the key file.
fn in_keyring(dir: &Path, key: &[u8; 32]) -> ClientResult<Option<String>> {
    let choice = os_keyring::choice()?;
    if choice == KeyringChoice::Off || (choice == KeyringChoice::Auto && !os_keyring::may_exist()) {
        return Ok(None);
    }
    let account = os_keyring::account_for(dir);
    match os_keyring::store(&account, key) {
        Ok(()) => Ok(Some(account)),
        Err(why) if choice == KeyringChoice::Auto => {
            tracing::info!(%why, "no usable OS keyring; the device key goes in {KEY_FILE}");
            Ok(None)
        }
        Err(why) => Err(ClientError::Locked(format!(
            "the OS keyring could not keep this device's key ({why}); \
             unlock it, or set {} to auto or off",
            os_keyring::KEYRING_ENV
        ))),
    }
}

/// Removes the device's key from the OS keyring, if it is there (a wipe).
pub(crate) fn forget_keyring_key(dir: &Path) {
    let Ok(bytes) = fs::read(dir.join(KEYS_FILE)) else {
        return;
    };
    if let Ok(SealedBox {
        kdf: ecabinet_crypto::seal_kdf::KdfParams::OsKeyring { account },
        ..
    }) = serde_json::from_slice::<SealedBox>(&bytes)
    {
        if let Err(why) = os_keyring::delete(&account) {
            tracing::warn!(%why, "could not remove the device key from the OS keyring");
        }
    }
}

/// Opens the sealed device keys of an enrolled profile.
pub(crate) fn load_keys(dir: &Path) -> ClientResult<DeviceKeys> {
    let corrupt = |detail: String| ClientError::CorruptProfile {
        path: dir.display().to_string(),
        detail,
    };
    let keys_path = dir.join(KEYS_FILE);
    let bytes = fs::read(&keys_path).map_err(|e| corrupt(format!("{KEYS_FILE}: {e}")))?;
    let sealed: SealedBox =
        serde_json::from_slice(&bytes).map_err(|e| corrupt(format!("{KEYS_FILE}: {e}")))?;
    let protection = match &sealed.kdf {
        ecabinet_crypto::seal_kdf::KdfParams::KeyFile => {
            let key_path = dir.join(KEY_FILE);
            let key = Zeroizing::new(
                fs::read(&key_path).map_err(|e| corrupt(format!("{KEY_FILE}: {e}")))?,
            );
            let key: [u8; 32] = key
                .as_slice()
                .try_into()
                .map_err(|_| corrupt(format!("{KEY_FILE} is not 32 bytes")))?;
            KeyProtection::Key(Zeroizing::new(key))
        }
        ecabinet_crypto::seal_kdf::KdfParams::OsKeyring { account } => {
            let key = os_keyring::load(account).map_err(|why| {
                ClientError::Locked(format!(
                    "this device's key is in the OS keyring, which did not give it ({why}); \
                     unlock the keyring (sign in to the desktop session) and try again"
                ))
            })?;
            KeyProtection::KeyringKey {
                key,
                account: account.clone(),
            }
        }
        ecabinet_crypto::seal_kdf::KdfParams::Pbkdf2Sha256 { iterations, .. } => {
            let passphrase = passphrase_from_env().ok_or_else(|| {
                ClientError::Locked(format!(
                    "this profile's keys are protected by a passphrase: set {PASSPHRASE_ENV}"
                ))
            })?;
            KeyProtection::Passphrase {
                passphrase,
                iterations: *iterations,
            }
        }
    };
    let secret = unseal(&sealed, &protection, KEYS_CONTEXT).map_err(|e| match protection {
        KeyProtection::Passphrase { .. } => {
            ClientError::Locked(format!("wrong passphrase in {PASSPHRASE_ENV} ({e})"))
        }
        KeyProtection::Key(_) => corrupt(format!("{KEYS_FILE} does not open with {KEY_FILE}: {e}")),
        KeyProtection::KeyringKey { .. } => corrupt(format!(
            "{KEYS_FILE} does not open with the key in the OS keyring: {e}"
        )),
    })?;
    DeviceKeys::from_secret_bytes(&secret).map_err(|e| corrupt(format!("{KEYS_FILE}: {e}")))
}
