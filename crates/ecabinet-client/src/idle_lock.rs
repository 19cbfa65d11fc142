//! The desktop app's idle lock: with a PIN set, the app starts locked and
//! locks itself after a chosen idle time; while locked, every command that
//! could show a document (or anything else the person sees) is refused with
//! `pin_required` until the PIN is given. Sync, prefetch and the event
//! socket go on behind the lock, so the packs are fresh when it opens.
//!
//! The PIN guards an unattended, unlocked laptop. It is not what protects
//! the profile at rest (that is the passphrase or the OS keyring): it is
//! stored only as a PBKDF2 hash in `pin.json`, and wrong tries make the
//! next try wait, longer each time, counted in the file so a restart does
//! not reset them.
//!
//! Idle time is the time since the app last reported the person's activity
//! ([`IdleLock::touch`], from key presses, clicks and scrolling): polling
//! commands the app runs on its own do not count.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ClientError, ClientResult};
use crate::profile::write_atomic;

pub(crate) const PIN_FILE: &str = "pin.json";
/// The idle time a new PIN gets, and the range a person may choose.
pub const DEFAULT_IDLE_MINUTES: u32 = 5;
pub const MIN_IDLE_MINUTES: u32 = 1;
pub const MAX_IDLE_MINUTES: u32 = 120;
/// The wrong try that makes the next one wait (30 s, doubling after).
const FREE_TRIES: u32 = 3;
/// The first wait, doubled with each further wrong try, up to an hour.
const FIRST_WAIT: Duration = Duration::from_secs(30);
const LONGEST_WAIT: Duration = Duration::from_secs(3600);
/// PBKDF2 rounds: a fraction of a second on a laptop, so that guessing
/// 10⁴–10⁶ PINs from a stolen `pin.json` is slow (the waits cover the app).
const ITERATIONS: u32 = 210_000;

/// What the app shows about the lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LockStatus {
    pub pin_set: bool,
    pub locked: bool,
    pub idle_minutes: u32,
    /// After too many wrong tries: seconds until the next try is taken.
    pub retry_in_seconds: Option<u32>,
}

/// `pin.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct PinFile {
    format: u32,
    /// base64url of 16 random bytes.
    salt: String,
    iterations: u32,
    /// base64url of PBKDF2-HMAC-SHA256(PIN, salt).
    hash: String,
    idle_minutes: u32,
    #[serde(default)]
    wrong_tries: u32,
    #[serde(default)]
    retry_after: Option<DateTime<Utc>>,
}

#[derive(Debug)]
struct State {
    pin: Option<PinFile>,
    /// `pin.json` exists but cannot be read: locked, and says why.
    broken: Option<String>,
    locked: bool,
    last_activity: Instant,
}

/// The lock of one profile folder.
#[derive(Debug)]
pub struct IdleLock {
    dir: PathBuf,
    state: Mutex<State>,
}

/// A PIN is 4 to 12 digits: typed quickly, and the waits make guessing slow.
fn check_pin_shape(pin: &str) -> ClientResult<()> {
    if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ClientError::InvalidArgument(
            "a PIN is 4 to 12 digits".into(),
        ))
    }
}

fn check_idle_minutes(minutes: u32) -> ClientResult<()> {
    if (MIN_IDLE_MINUTES..=MAX_IDLE_MINUTES).contains(&minutes) {
        Ok(())
    } else {
        Err(ClientError::InvalidArgument(format!(
            "the idle time is {MIN_IDLE_MINUTES} to {MAX_IDLE_MINUTES} minutes"
        )))
    }
}

fn hash_pin(pin: &str, salt: &[u8], iterations: u32) -> ClientResult<Vec<u8>> {
    Ok(ecabinet_crypto::pbkdf2_sha256(pin.as_bytes(), salt, iterations)?.to_vec())
}

impl PinFile {
    fn new(pin: &str, idle_minutes: u32) -> ClientResult<Self> {
        let salt = ecabinet_crypto::random_bytes::<16>()?;
        Ok(Self {
            format: 1,
            salt: ecabinet_crypto::b64_encode(&salt),
            iterations: ITERATIONS,
            hash: ecabinet_crypto::b64_encode(&hash_pin(pin, &salt, ITERATIONS)?),
            idle_minutes,
            wrong_tries: 0,
            retry_after: None,
        })
    }

    fn matches(&self, pin: &str) -> ClientResult<bool> {
        let salt = ecabinet_crypto::b64_decode(&self.salt)?;
        let stored = ecabinet_crypto::b64_decode(&self.hash)?;
        Ok(ecabinet_crypto::constant_time_eq(
            &hash_pin(pin, &salt, self.iterations)?,
            &stored,
        ))
    }

    fn retry_in(&self, now: DateTime<Utc>) -> Option<u32> {
        self.retry_after
            .filter(|at| *at > now)
            .map(|at| u32::try_from((at - now).num_seconds().max(1)).unwrap_or(u32::MAX))
    }
}

fn read_pin_file(path: &Path) -> Result<Option<PinFile>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

impl IdleLock {
    /// The lock of the profile in `dir`: locked at once if a PIN is set (the
    /// app asks for it before showing anything).
    pub fn open(dir: &Path) -> Self {
        let (pin, broken) = match read_pin_file(&dir.join(PIN_FILE)) {
            Ok(pin) => (pin, None),
            Err(why) => (None, Some(why)),
        };
        let locked = pin.is_some() || broken.is_some();
        Self {
            dir: dir.to_path_buf(),
            state: Mutex::new(State {
                pin,
                broken,
                locked,
                last_activity: Instant::now(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves plain data behind.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Locks if the idle time has run out.
    fn expire(state: &mut State, now: Instant) {
        if let Some(pin) = &state.pin {
            let idle = Duration::from_secs(u64::from(pin.idle_minutes) * 60);
            if now.saturating_duration_since(state.last_activity) >= idle {
                state.locked = true;
            }
        }
    }

    fn status_of(state: &State, wall: DateTime<Utc>) -> LockStatus {
        LockStatus {
            pin_set: state.pin.is_some() || state.broken.is_some(),
            locked: state.locked,
            idle_minutes: state
                .pin
                .as_ref()
                .map_or(DEFAULT_IDLE_MINUTES, |p| p.idle_minutes),
            retry_in_seconds: state.pin.as_ref().and_then(|p| p.retry_in(wall)),
        }
    }

    pub fn status(&self) -> LockStatus {
        self.status_at(Instant::now(), Utc::now())
    }

    pub(crate) fn status_at(&self, now: Instant, wall: DateTime<Utc>) -> LockStatus {
        let mut state = self.state();
        Self::expire(&mut state, now);
        Self::status_of(&state, wall)
    }

    /// `Err(PinRequired)` while locked, or once the idle time has run out.
    pub fn check(&self) -> ClientResult<()> {
        self.check_at(Instant::now())
    }

    pub(crate) fn check_at(&self, now: Instant) -> ClientResult<()> {
        let mut state = self.state();
        Self::expire(&mut state, now);
        if state.locked {
            Err(ClientError::PinRequired)
        } else {
            Ok(())
        }
    }

    /// The person did something: the idle time starts again (not while locked).
    pub fn touch(&self) -> LockStatus {
        self.touch_at(Instant::now(), Utc::now())
    }

    pub(crate) fn touch_at(&self, now: Instant, wall: DateTime<Utc>) -> LockStatus {
        let mut state = self.state();
        Self::expire(&mut state, now);
        if !state.locked {
            state.last_activity = now;
        }
        Self::status_of(&state, wall)
    }

    /// Locks now (the person steps away), if a PIN is set.
    pub fn lock(&self) -> LockStatus {
        let mut state = self.state();
        if state.pin.is_some() {
            state.locked = true;
        }
        Self::status_of(&state, Utc::now())
    }

    /// Opens the lock with the PIN. A wrong PIN counts; past the free tries
    /// each further try waits (30 s, doubling, at most an hour).
    pub fn unlock(&self, pin: &str) -> ClientResult<LockStatus> {
        self.unlock_at(pin, Instant::now(), Utc::now())
    }

    pub(crate) fn unlock_at(
        &self,
        pin: &str,
        now: Instant,
        wall: DateTime<Utc>,
    ) -> ClientResult<LockStatus> {
        let mut state = self.state();
        if let Some(why) = &state.broken {
            return Err(ClientError::CorruptProfile {
                path: self.dir.display().to_string(),
                detail: format!("the PIN file cannot be read ({why})"),
            });
        }
        let Some(mut file) = state.pin.clone() else {
            state.locked = false;
            return Ok(Self::status_of(&state, wall));
        };
        if let Some(seconds) = file.retry_in(wall) {
            return Err(ClientError::PinRetryLater { seconds });
        }
        if file.matches(pin)? {
            if file.wrong_tries > 0 || file.retry_after.is_some() {
                file.wrong_tries = 0;
                file.retry_after = None;
                self.save(&file)?;
            }
            state.pin = Some(file);
            state.locked = false;
            state.last_activity = now;
            return Ok(Self::status_of(&state, wall));
        }
        file.wrong_tries = file.wrong_tries.saturating_add(1);
        if file.wrong_tries >= FREE_TRIES {
            let doublings = (file.wrong_tries - FREE_TRIES).min(10);
            let wait = FIRST_WAIT
                .saturating_mul(1u32 << doublings)
                .min(LONGEST_WAIT);
            file.retry_after = chrono::Duration::from_std(wait).ok().map(|w| wall + w);
        }
        self.save(&file)?;
        let retry = file.retry_in(wall);
        let tries_left = FREE_TRIES.saturating_sub(file.wrong_tries);
        state.pin = Some(file);
        Err(match retry {
            Some(seconds) => ClientError::PinRetryLater { seconds },
            None => ClientError::WrongPin { tries_left },
        })
    }

    /// Sets or changes the PIN and the idle time. Changing needs the current
    /// PIN (and the lock open).
    pub fn set_pin(
        &self,
        current: Option<&str>,
        new_pin: &str,
        idle_minutes: u32,
    ) -> ClientResult<LockStatus> {
        check_pin_shape(new_pin)?;
        check_idle_minutes(idle_minutes)?;
        self.verify_current(current)?;
        let file = PinFile::new(new_pin, idle_minutes)?;
        self.save(&file)?;
        let mut state = self.state();
        state.pin = Some(file);
        state.broken = None;
        state.locked = false;
        state.last_activity = Instant::now();
        Ok(Self::status_of(&state, Utc::now()))
    }

    /// Changes the idle time only (the current PIN is asked again).
    pub fn set_idle_minutes(&self, current: &str, idle_minutes: u32) -> ClientResult<LockStatus> {
        check_idle_minutes(idle_minutes)?;
        self.verify_current(Some(current))?;
        let mut state = self.state();
        let Some(mut file) = state.pin.clone() else {
            return Err(ClientError::InvalidArgument("no PIN is set".into()));
        };
        file.idle_minutes = idle_minutes;
        self.save(&file)?;
        state.pin = Some(file);
        Ok(Self::status_of(&state, Utc::now()))
    }

    /// Removes the PIN: the app no longer locks.
    pub fn remove_pin(&self, current: &str) -> ClientResult<LockStatus> {
        self.verify_current(Some(current))?;
        let path = self.dir.join(PIN_FILE);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ClientError::io(&path, e)),
        }
        let mut state = self.state();
        state.pin = None;
        state.locked = false;
        Ok(Self::status_of(&state, Utc::now()))
    }

    /// With a PIN set, the lock must be open and `current` must be the PIN
    /// (a wrong one counts as a wrong try).
    fn verify_current(&self, current: Option<&str>) -> ClientResult<()> {
        let (pin_set, locked) = {
            let state = self.state();
            (state.pin.is_some(), state.locked)
        };
        if !pin_set {
            return Ok(());
        }
        if locked {
            return Err(ClientError::PinRequired);
        }
        let current =
            current.ok_or_else(|| ClientError::InvalidArgument("give the current PIN".into()))?;
        self.unlock(current).map(|_| ())
    }

    fn save(&self, file: &PinFile) -> ClientResult<()> {
        let bytes =
            serde_json::to_vec_pretty(file).map_err(|e| ClientError::Protocol(e.to_string()))?;
        write_atomic(&self.dir, PIN_FILE, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(n: u64) -> Duration {
        Duration::from_secs(n * 60)
    }

    #[test]
    fn without_a_pin_nothing_locks() {
        let dir = tempfile::tempdir().expect("dir");
        let lock = IdleLock::open(dir.path());
        let later = Instant::now() + minutes(600);
        assert!(lock.check_at(later).is_ok());
        assert!(!lock.lock().locked);
        assert!(!lock.status().pin_set);
    }

    #[test]
    fn a_pin_locks_after_the_idle_time_and_at_start() {
        let dir = tempfile::tempdir().expect("dir");
        let lock = IdleLock::open(dir.path());
        assert!(matches!(
            lock.set_pin(None, "12a4", 5),
            Err(ClientError::InvalidArgument(_))
        ));
        assert!(matches!(
            lock.set_pin(None, "1234", 0),
            Err(ClientError::InvalidArgument(_))
        ));
        let status = lock.set_pin(None, "2468", 5).expect("set");
        assert!(status.pin_set && !status.locked);
        let start = Instant::now();
        assert!(lock.check_at(start + minutes(4)).is_ok());
        // Activity at minute 4 moves the deadline to minute 9.
        lock.touch_at(start + minutes(4), Utc::now());
        assert!(lock.check_at(start + minutes(8)).is_ok());
        assert!(matches!(
            lock.check_at(start + minutes(9)),
            Err(ClientError::PinRequired)
        ));
        // Once locked, activity does not unlock it.
        assert!(lock.touch_at(start + minutes(9), Utc::now()).locked);
        assert!(lock.check_at(start + minutes(9)).is_err());
        lock.unlock_at("2468", start + minutes(10), Utc::now())
            .expect("unlock");
        assert!(lock.check_at(start + minutes(11)).is_ok());

        // A new app on the same profile starts locked.
        let reopened = IdleLock::open(dir.path());
        assert!(matches!(reopened.check(), Err(ClientError::PinRequired)));
        assert_eq!(reopened.status().idle_minutes, 5);
        // The file holds a hash, not the PIN.
        let text = std::fs::read_to_string(dir.path().join(PIN_FILE)).expect("file");
        assert!(!text.contains("2468"), "{text}");
    }

    #[test]
    fn wrong_pins_wait_longer_each_time_across_restarts() {
        let dir = tempfile::tempdir().expect("dir");
        IdleLock::open(dir.path())
            .set_pin(None, "1357", 10)
            .expect("set");
        let lock = IdleLock::open(dir.path());
        let now = Instant::now();
        let wall = Utc::now();
        for left in [2, 1, 0] {
            match lock.unlock_at("0000", now, wall) {
                Err(ClientError::WrongPin { tries_left }) if tries_left == left => {}
                Err(ClientError::PinRetryLater { seconds: 30 }) if left == 0 => {}
                other => panic!("try with {left} left: {other:?}"),
            }
        }
        // Past the free tries, even the right PIN waits.
        let waiting = lock.unlock_at("1357", now, wall);
        assert!(
            matches!(waiting, Err(ClientError::PinRetryLater { seconds }) if seconds <= 30),
            "{waiting:?}"
        );
        // A restart does not reset the count.
        let restarted = IdleLock::open(dir.path());
        assert!(restarted.status_at(now, wall).retry_in_seconds.is_some());
        // After the wait, a wrong PIN waits twice as long.
        let later = wall + chrono::Duration::seconds(31);
        assert!(matches!(
            restarted.unlock_at("9999", now, later),
            Err(ClientError::PinRetryLater { seconds: 60 })
        ));
        let after = later + chrono::Duration::seconds(61);
        restarted
            .unlock_at("1357", now, after)
            .expect("the right PIN after the wait");
        assert_eq!(restarted.status_at(now, after).retry_in_seconds, None);
    }

    #[test]
    fn changing_or_removing_the_pin_needs_the_current_one() {
        let dir = tempfile::tempdir().expect("dir");
        let lock = IdleLock::open(dir.path());
        lock.set_pin(None, "1111", 5).expect("set");
        assert!(matches!(
            lock.set_pin(None, "2222", 5),
            Err(ClientError::InvalidArgument(_))
        ));
        assert!(matches!(
            lock.set_pin(Some("9999"), "2222", 5),
            Err(ClientError::WrongPin { .. })
        ));
        lock.set_pin(Some("1111"), "2222", 15).expect("change");
        assert_eq!(lock.status().idle_minutes, 15);
        lock.set_idle_minutes("2222", 2).expect("idle time");
        assert_eq!(lock.status().idle_minutes, 2);
        // While locked, nothing changes without unlocking first.
        lock.lock();
        assert!(matches!(
            lock.remove_pin("2222"),
            Err(ClientError::PinRequired)
        ));
        lock.unlock("2222").expect("unlock");
        let status = lock.remove_pin("2222").expect("remove");
        assert!(!status.pin_set && !status.locked);
        assert!(!dir.path().join(PIN_FILE).exists());
    }

    #[test]
    fn an_unreadable_pin_file_keeps_the_app_locked() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join(PIN_FILE), b"{not json").expect("write");
        let lock = IdleLock::open(dir.path());
        assert!(matches!(lock.check(), Err(ClientError::PinRequired)));
        assert!(matches!(
            lock.unlock("1234"),
            Err(ClientError::CorruptProfile { .. })
        ));
    }
}
