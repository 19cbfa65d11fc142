//! Failed attempts at the doors that take a secret: enrolment codes (per
//! address) and answers to a sign-in challenge (per device and per address).
//! Past a few failures within a window the door stays shut for a while, even
//! to a right answer, so codes and keys cannot be guessed at the network's
//! speed. Counted in this instance's memory: several instances each allow
//! as many (the codes' own length is the real defence; this is the brake).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before old ones are swept (an attacker rotating addresses
/// must not grow the map without bound).
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
struct Entry {
    failures: u32,
    since: Instant,
    locked_until: Option<Instant>,
}

/// Failures per key within `window`; `max` of them lock the key for `lockout`.
#[derive(Debug)]
pub struct Attempts {
    max: u32,
    window: Duration,
    lockout: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl Attempts {
    pub fn new(max: u32, window: Duration, lockout: Duration) -> Self {
        Self {
            max,
            window,
            lockout,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` while `key` is locked out.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let Ok(entries) = self.entries.lock() else {
            return Ok(());
        };
        match entries.get(key).and_then(|e| e.locked_until) {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// Counts a failure; the one that reaches the limit starts the lockout.
    pub fn failed(&self, key: &str) {
        let now = Instant::now();
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            let window = self.window;
            entries.retain(|_, e| {
                now.duration_since(e.since) < window || e.locked_until.is_some_and(|u| u > now)
            });
        }
        let entry = entries.entry(key.to_owned()).or_insert(Entry {
            failures: 0,
            since: now,
            locked_until: None,
        });
        if now.duration_since(entry.since) >= self.window
            || entry.locked_until.is_some_and(|u| u <= now)
        {
            *entry = Entry {
                failures: 0,
                since: now,
                locked_until: None,
            };
        }
        entry.failures += 1;
        if entry.failures >= self.max {
            entry.locked_until = Some(now + self.lockout);
        }
    }

    /// A success clears the key's count.
    pub fn succeeded(&self, key: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }
}

/// The server's brakes.
#[derive(Debug)]
pub struct Limits {
    /// Failed enrolments per client address.
    pub enrolment: Attempts,
    /// Failed challenge answers per device.
    pub sign_in_device: Attempts,
    /// Failed challenge answers per client address.
    pub sign_in_address: Attempts,
}

impl Default for Limits {
    fn default() -> Self {
        let quarter = Duration::from_secs(15 * 60);
        Self {
            enrolment: Attempts::new(10, quarter, quarter),
            sign_in_device: Attempts::new(5, quarter, quarter),
            sign_in_address: Attempts::new(20, quarter, quarter),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_opens_again() {
        let attempts = Attempts::new(3, Duration::from_secs(60), Duration::from_millis(80));
        for _ in 0..2 {
            attempts.failed("10.0.0.7");
            assert!(attempts.check("10.0.0.7").is_ok(), "under the limit");
        }
        attempts.failed("10.0.0.7");
        let wait = attempts.check("10.0.0.7").expect_err("locked");
        assert!(wait <= Duration::from_millis(80));
        assert!(attempts.check("10.0.0.8").is_ok(), "another address is not");
        std::thread::sleep(Duration::from_millis(100));
        assert!(attempts.check("10.0.0.7").is_ok(), "the lockout ends");
        // After it, the count starts again.
        attempts.failed("10.0.0.7");
        assert!(attempts.check("10.0.0.7").is_ok());
    }

    #[test]
    fn a_success_clears_the_count_and_old_failures_expire() {
        let attempts = Attempts::new(2, Duration::from_millis(50), Duration::from_secs(60));
        attempts.failed("device");
        attempts.succeeded("device");
        attempts.failed("device");
        assert!(attempts.check("device").is_ok(), "the success cleared one");
        std::thread::sleep(Duration::from_millis(70));
        attempts.failed("device");
        assert!(
            attempts.check("device").is_ok(),
            "the old one left the window"
        );
        attempts.failed("device");
        assert!(attempts.check("device").is_err());
    }
}
