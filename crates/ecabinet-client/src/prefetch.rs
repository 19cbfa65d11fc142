//! Prefetch: after a sync, the packs of upcoming meetings download in the
//! background, nearest meeting first, so a minister boarding a plane has them.
//! Only ciphertext reaches the disk; a chunk already cached and matching its
//! signed manifest is never fetched again, so an interrupted prefetch (a lost
//! network, a closed laptop, a killed process) resumes where it stopped.

use chrono::{Duration, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::documents::{check_buffers, chunk_is_cached, manifest_of, runs_of, ChunkCheck};
use crate::error::{ClientError, ClientResult};
use crate::Client;

/// Consecutive chunks asked for in one request: the server checks the
/// session and the caller's access, and writes its audit entry, once per
/// run instead of once per MiB.
const CHUNKS_PER_RUN: usize = 8;
/// Runs downloading at once.
const RUNS_IN_FLIGHT: usize = 3;
/// Documents' keys asked for at once.
const KEYS_IN_FLIGHT: usize = 4;

/// Meetings that started less than this long ago still count as upcoming.
const STILL_RELEVANT: Duration = Duration::hours(12);

/// Where a prefetch stands; sent after every run of chunks (8 MiB at most).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrefetchProgress {
    pub documents_done: u32,
    pub documents_total: u32,
    /// Sealed bytes already on this device.
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// The document being fetched now.
    pub current: Option<String>,
    /// Documents this device cannot open yet: no key until the secretariat is online.
    pub waiting_for_keys: u32,
    pub finished: bool,
}

impl Client {
    /// Downloads every missing chunk of upcoming meetings' documents, nearest
    /// meeting first, calling `on_progress` as it goes.
    pub async fn prefetch(
        &self,
        on_progress: impl FnMut(&PrefetchProgress),
    ) -> ClientResult<PrefetchProgress> {
        match self.prefetch_upcoming(on_progress).await {
            Err(error) => Err(self.confirm_revocation(error).await),
            done => done,
        }
    }

    async fn prefetch_upcoming(
        &self,
        mut on_progress: impl FnMut(&PrefetchProgress),
    ) -> ClientResult<PrefetchProgress> {
        let since = Utc::now() - STILL_RELEVANT;
        let mut queue = Vec::new();
        // Meetings come soonest first from the replica.
        for meeting in self
            .meetings()
            .await?
            .into_iter()
            .filter(|m| m.starts_at >= since)
        {
            for document in self.replica.meeting_documents(meeting.id).await? {
                let manifest = manifest_of(&document)?;
                queue.push((document, manifest));
            }
        }
        let mut progress = PrefetchProgress {
            documents_total: queue.len() as u32,
            ..PrefetchProgress::default()
        };
        for (document, manifest) in &queue {
            let cache = self.cache_dir(document);
            for (index, info) in manifest.chunks.iter().enumerate() {
                progress.bytes_total += u64::from(info.size);
                if chunk_is_cached(&cache, index, info) {
                    progress.bytes_done += u64::from(info.size);
                }
            }
        }
        on_progress(&progress);

        // This device's key for each document, a few at a time (each is a
        // request the server records), alongside every missing chunk of
        // every document, in runs, nearest meeting first, in one pipeline.
        // The chunks do not wait for the keys: a document whose key is not
        // wrapped for this device yet still downloads, so it opens as soon
        // as its key (a hundred bytes) comes with a later sync. A document
        // this device may no longer see is refused and skipped.
        // Chunks that arrive once a document's key is here are checked by
        // opening them under it, the rest against the manifest's hashes.
        let buffers = check_buffers(RUNS_IN_FLIGHT);
        let checks: Vec<ChunkCheck> = queue
            .iter()
            .map(|(document, _)| ChunkCheck::new(document, buffers.clone()))
            .collect();
        let envelopes: Vec<_> = queue
            .iter()
            .zip(&checks)
            .map(|((document, _), check)| async move {
                let envelope = self.own_envelope(document).await?;
                // A key that does not unwrap is for opening to report.
                if let Ok(key) = self.key_in(document, envelope) {
                    check.know_key(key);
                }
                Ok::<(), ClientError>(())
            })
            .collect();
        let envelopes = futures::stream::iter(envelopes)
            .buffered(KEYS_IN_FLIGHT)
            .collect::<Vec<_>>();
        // The futures are built up front (not in a closure inside the
        // stream) so the whole task stays `Send` for the desktop's runtime.
        let mut runs_left = vec![0usize; queue.len()];
        let mut pending = Vec::new();
        for (at, (document, manifest)) in queue.iter().enumerate() {
            let cache = self.cache_dir(document);
            let missing: Vec<usize> = manifest
                .chunks
                .iter()
                .enumerate()
                .filter(|(index, info)| !chunk_is_cached(&cache, *index, info))
                .map(|(index, _)| index)
                .collect();
            if missing.is_empty() {
                progress.documents_done += 1;
                continue;
            }
            std::fs::create_dir_all(&cache).map_err(|e| ClientError::io(&cache, e))?;
            if progress.current.is_none() {
                progress.current = Some(document.title.clone());
            }
            let runs = runs_of(missing, CHUNKS_PER_RUN);
            runs_left[at] = runs.len();
            let check = &checks[at];
            for run in runs {
                let cache = cache.clone();
                pending.push(async move {
                    let fetched = self
                        .fetch_chunk_run(document, &cache, &manifest.chunks, run, check)
                        .await;
                    (at, fetched)
                });
            }
        }
        on_progress(&progress);
        let downloads = async {
            let mut fetches = futures::stream::iter(pending).buffer_unordered(RUNS_IN_FLIGHT);
            while let Some((at, fetched)) = fetches.next().await {
                match fetched {
                    Ok(bytes) => {
                        progress.bytes_done += bytes;
                        runs_left[at] -= 1;
                        if runs_left[at] == 0 {
                            progress.documents_done += 1;
                        }
                    }
                    // Not for this device any more (an item restricted or a
                    // document withdrawn since the last sync): its other
                    // runs are refused the same way and change nothing.
                    Err(ClientError::Server { code, .. })
                        if code == "forbidden" || code == "not_found" =>
                    {
                        if runs_left[at] > 0 {
                            runs_left[at] = 0;
                            progress.documents_done += 1;
                            if let Some((document, _)) = queue.get(at) {
                                // Only if empty: nothing of it was kept.
                                let _ = std::fs::remove_dir(self.cache_dir(document));
                            }
                        }
                    }
                    Err(error) => return Err(error),
                }
                // The nearest document still downloading.
                progress.current = runs_left
                    .iter()
                    .position(|left| *left > 0)
                    .and_then(|next| queue.get(next))
                    .map(|(document, _)| document.title.clone());
                on_progress(&progress);
            }
            Ok(())
        };
        let (envelopes, downloaded) = futures::join!(envelopes, downloads);
        downloaded?;
        for envelope in envelopes {
            match envelope {
                Ok(_) => {}
                Err(ClientError::Server { code, .. })
                    if code == "no_key" || code == "forbidden" =>
                {
                    progress.waiting_for_keys += 1;
                }
                Err(ClientError::Server { code, .. }) if code == "not_found" => {}
                Err(error) => return Err(error),
            }
        }
        if let Err(error) = self.enforce_cache_policy().await {
            tracing::warn!(%error, "could not apply the cache policy");
        }
        progress.current = None;
        progress.finished = true;
        on_progress(&progress);
        Ok(progress)
    }
}

#[cfg(test)]
mod tests {
    use super::runs_of;

    #[test]
    fn missing_chunks_go_in_runs_that_stop_at_gaps_and_at_the_longest() {
        assert_eq!(runs_of([], 8), vec![]);
        assert_eq!(runs_of([0, 1, 2, 4, 5, 9], 8), vec![(0, 3), (4, 2), (9, 1)]);
        assert_eq!(runs_of(0..20, 8), vec![(0, 8), (8, 8), (16, 4)]);
        assert_eq!(runs_of([3, 4, 5], 2), vec![(3, 2), (5, 1)]);
    }
}
