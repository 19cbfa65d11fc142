//! The document cache's limits, set by the organisation: a meeting's
//! documents are erased some days after it, and the cache never grows past a
//! cap (superseded versions and the oldest past meetings go first; upcoming
//! meetings' packs are never evicted, since they are what the device is for).

use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use ecabinet_domain::DocumentId;
use serde::Serialize;

use crate::error::{ClientError, ClientResult};
use crate::Client;

/// What one enforcement pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CacheReport {
    pub removed_versions: u32,
    pub removed_bytes: u64,
    pub kept_bytes: u64,
}

struct Entry {
    path: PathBuf,
    bytes: u64,
    /// Eviction order: lower goes first.
    rank: (u8, i64),
    upcoming: bool,
    expired: bool,
}

fn folder_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// How long a cache folder unknown to the replica is left alone.
const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Whether a folder was written within [`FRESH_FOR`].
fn just_written(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|age| age < FRESH_FOR)
}

impl Client {
    /// Applies the organisation's cache policy; run after every sync and prefetch.
    pub async fn enforce_cache_policy(&self) -> ClientResult<CacheReport> {
        let policy = self.replica.policy().await?;
        let root = self.dir.join("cache");
        let Ok(documents) = std::fs::read_dir(&root) else {
            return Ok(CacheReport::default());
        };
        let now = Utc::now();
        let keep_for = Duration::days(i64::from(policy.cache_days_after_meeting));
        let mut entries = Vec::new();
        for document_dir in documents.filter_map(Result::ok) {
            let Some(id) = document_dir
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<DocumentId>().ok())
            else {
                continue;
            };
            let versions = self.replica.document_versions(id).await?;
            let latest = versions.iter().map(|d| d.version).max();
            let starts = match versions.first() {
                Some(document) => self
                    .replica
                    .meeting(document.meeting_id)
                    .await?
                    .map(|m| m.starts_at),
                None => None,
            };
            for version_dir in std::fs::read_dir(document_dir.path())
                .map_err(|e| ClientError::io(&document_dir.path(), e))?
                .filter_map(Result::ok)
            {
                let version: Option<u32> = version_dir
                    .file_name()
                    .to_str()
                    .and_then(|v| v.parse().ok());
                let superseded = version.is_some() && version != latest;
                // A document no longer in the replica (e.g. access withdrawn)
                // cannot be shown: drop it — unless it was just written: a
                // secretary's new document is sealed into the cache a moment
                // before it enters the replica, and a sync running meanwhile
                // (the app's background loop) must not take its chunks away
                // before they are uploaded.
                let (upcoming, expired, when) = match starts {
                    Some(starts) => (
                        starts + Duration::hours(12) >= now,
                        starts + keep_for < now,
                        starts.timestamp(),
                    ),
                    None => (false, !just_written(&version_dir.path()), i64::MIN),
                };
                entries.push(Entry {
                    path: version_dir.path(),
                    bytes: folder_size(&version_dir.path()),
                    rank: (u8::from(!superseded), when),
                    upcoming: upcoming && !superseded,
                    expired,
                });
            }
        }

        let mut report = CacheReport::default();
        let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
        entries.sort_by_key(|e| e.rank);
        for entry in &entries {
            let over_cap = total > policy.cache_cap_bytes && !entry.upcoming;
            if entry.expired || over_cap {
                std::fs::remove_dir_all(&entry.path)
                    .map_err(|e| ClientError::io(&entry.path, e))?;
                total -= entry.bytes;
                report.removed_versions += 1;
                report.removed_bytes += entry.bytes;
            }
        }
        report.kept_bytes = total;
        if total > policy.cache_cap_bytes {
            tracing::warn!(
                total,
                cap = policy.cache_cap_bytes,
                "upcoming meetings alone exceed the cache cap; keeping them"
            );
        }
        Ok(report)
    }
}
