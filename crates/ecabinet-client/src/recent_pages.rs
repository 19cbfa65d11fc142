//! The pages this device rendered last, kept in memory for a short while:
//! turning back to one, or turning to the page rendered ahead while the
//! reader looked at the one before (a presenter walking through a draft),
//! then costs no rendering. Access is checked on every page all the same
//! (see `Client::render_page`); only the pixels are reused.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use ecabinet_domain::DocumentId;

use crate::reading::RenderedPage;

/// How many pages are kept: the one shown, the one ahead, a few behind.
const CAPACITY: usize = 8;

/// How long a rendered page may be shown again. The watermark carries the
/// time it was drawn, to the minute; the webview itself keeps a page's image
/// for five minutes.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(60);

/// One page as rendered: the version, the page, the resolution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PageKey {
    pub document: DocumentId,
    pub version: u32,
    pub page: u32,
    pub dpi: f32,
}

#[derive(Default)]
pub(crate) struct RecentPages {
    /// Oldest first.
    entries: VecDeque<(PageKey, Instant, RenderedPage)>,
}

impl RecentPages {
    /// The page if it was rendered less than [`FRESH_FOR`] before `now`.
    pub fn get(&mut self, key: &PageKey, now: Instant) -> Option<RenderedPage> {
        self.forget_stale(now);
        let index = self.entries.iter().position(|(k, _, _)| k == key)?;
        let (key, drawn, page) = self.entries.remove(index)?;
        if now.saturating_duration_since(drawn) >= FRESH_FOR {
            return None;
        }
        let found = page.clone();
        self.entries.push_back((key, drawn, page));
        Some(found)
    }

    pub fn put(&mut self, key: PageKey, drawn: Instant, page: RenderedPage) {
        self.forget_stale(drawn);
        self.entries.retain(|(k, _, _)| *k != key);
        while self.entries.len() >= CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back((key, drawn, page));
    }

    /// Drawn pages are not kept in memory past their use.
    fn forget_stale(&mut self, now: Instant) {
        self.entries
            .retain(|(_, drawn, _)| now.saturating_duration_since(*drawn) < FRESH_FOR);
    }

    /// Forgets every page (the app locked, or its documents closed).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: u32) -> RenderedPage {
        RenderedPage {
            page: n,
            page_count: 50,
            width: 10,
            height: 10,
            png: vec![n as u8],
            watermark: "Nguyễn Văn An".into(),
        }
    }

    fn key(document: DocumentId, page: u32) -> PageKey {
        PageKey {
            document,
            version: 1,
            page,
            dpi: 96.0,
        }
    }

    #[test]
    fn a_page_is_found_again_at_the_same_version_and_resolution_only() {
        let document = DocumentId::new();
        let now = Instant::now();
        let mut recent = RecentPages::default();
        recent.put(key(document, 3), now, page(3));
        assert_eq!(
            recent.get(&key(document, 3), now).map(|p| p.png),
            Some(vec![3])
        );
        assert!(recent.get(&key(document, 4), now).is_none());
        assert!(recent
            .get(
                &PageKey {
                    version: 2,
                    ..key(document, 3)
                },
                now
            )
            .is_none());
        assert!(recent
            .get(
                &PageKey {
                    dpi: 150.0,
                    ..key(document, 3)
                },
                now
            )
            .is_none());
        assert!(recent.get(&key(DocumentId::new(), 3), now).is_none());
    }

    #[test]
    fn a_page_drawn_a_minute_ago_is_drawn_again() {
        let document = DocumentId::new();
        let drawn = Instant::now();
        let mut recent = RecentPages::default();
        recent.put(key(document, 1), drawn, page(1));
        let later = drawn + FRESH_FOR - Duration::from_millis(1);
        assert!(recent.get(&key(document, 1), later).is_some());
        assert!(recent.get(&key(document, 1), drawn + FRESH_FOR).is_none());
        // Gone for good: not found even at the time it was drawn.
        assert!(recent.get(&key(document, 1), drawn).is_none());
        // A stale page leaves memory when any other page is asked for.
        recent.put(key(document, 2), drawn, page(2));
        assert!(recent.get(&key(document, 3), drawn + FRESH_FOR).is_none());
        assert!(recent.entries.is_empty());
    }

    #[test]
    fn the_page_used_least_lately_goes_first() {
        let document = DocumentId::new();
        let now = Instant::now();
        let mut recent = RecentPages::default();
        for n in 1..=CAPACITY as u32 {
            recent.put(key(document, n), now, page(n));
        }
        // Page 1 used again: page 2 is now the oldest.
        assert!(recent.get(&key(document, 1), now).is_some());
        recent.put(key(document, 99), now, page(99));
        assert!(recent.get(&key(document, 2), now).is_none());
        assert!(recent.get(&key(document, 1), now).is_some());
        assert!(recent.get(&key(document, 99), now).is_some());
        recent.clear();
        assert!(recent.get(&key(document, 1), now).is_none());
    }
}
