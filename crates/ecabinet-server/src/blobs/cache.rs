//! Published chunks kept in memory: when a meeting's pack goes out, thirty
//! members ask for the same chunks within seconds, and with the chunks in
//! a bucket each miss is a request to the object store. A published
//! version never changes, so a cached chunk is never stale; chunks of a
//! version still being uploaded are never cached (a publication puts the
//! chunks it has just checked and still holds from their upload here). Bounded in bytes; the
//! oldest entries go first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use bytes::Bytes;
use ecabinet_domain::DocumentId;

type Key = (DocumentId, u32, u32);

#[derive(Debug)]
pub struct ChunkCache {
    limit: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    chunks: HashMap<Key, Bytes>,
    order: VecDeque<Key>,
    bytes: usize,
}

impl ChunkCache {
    /// A cache of at most `limit` bytes (0: none).
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            state: Mutex::default(),
        }
    }

    pub fn get(&self, document: DocumentId, version: u32, index: u32) -> Option<Bytes> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.chunks.get(&(document, version, index)).cloned()
    }

    /// Forgets every chunk held.
    pub fn clear(&self) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = State::default();
    }

    /// Keeps a published chunk, dropping the oldest to stay in bounds.
    pub fn put(&self, document: DocumentId, version: u32, index: u32, chunk: Bytes) {
        if chunk.len() > self.limit {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let key = (document, version, index);
        if state.chunks.contains_key(&key) {
            return;
        }
        while state.bytes + chunk.len() > self.limit {
            let Some(oldest) = state.order.pop_front() else {
                break;
            };
            if let Some(gone) = state.chunks.remove(&oldest) {
                state.bytes -= gone.len();
            }
        }
        state.bytes += chunk.len();
        state.order.push_back(key);
        state.chunks.insert(key, chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_fits_and_drops_the_oldest_first() {
        let cache = ChunkCache::new(10);
        let document = DocumentId::new();
        cache.put(document, 1, 0, Bytes::from_static(b"aaaa"));
        cache.put(document, 1, 1, Bytes::from_static(b"bbbb"));
        assert_eq!(cache.get(document, 1, 0).as_deref(), Some(&b"aaaa"[..]));
        // 4 + 4 + 4 > 10: the oldest goes.
        cache.put(document, 1, 2, Bytes::from_static(b"cccc"));
        assert_eq!(cache.get(document, 1, 0), None);
        assert_eq!(cache.get(document, 1, 1).as_deref(), Some(&b"bbbb"[..]));
        assert_eq!(cache.get(document, 1, 2).as_deref(), Some(&b"cccc"[..]));
        // Larger than the whole cache: not kept, nothing dropped for it.
        cache.put(document, 2, 0, Bytes::from(vec![0u8; 11]));
        assert_eq!(cache.get(document, 2, 0), None);
        assert!(cache.get(document, 1, 2).is_some());
        // A cache of nothing keeps nothing.
        let none = ChunkCache::new(0);
        none.put(document, 1, 0, Bytes::from_static(b"a"));
        assert_eq!(none.get(document, 1, 0), None);
    }
}
