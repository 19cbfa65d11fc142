//! Finding an annotation again on a revised document: by its quoted text
//! and the words around it, not by page number alone. Pure: it takes page
//! texts, so it is tested without a PDF.

use ecabinet_domain::annotation::Anchor;

/// How much text either side of a quote is kept to tell repeated phrases apart.
pub const CONTEXT_CHARS: usize = 40;

/// Lower-cased, with runs of white space collapsed: how texts are compared.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The words before and after the first occurrence of `quote` on a page, or
/// None if the page does not contain it.
pub fn context_of(page_text: &str, quote: &str) -> Option<(String, String)> {
    let page: Vec<char> = normalise(page_text).chars().collect();
    let wanted: Vec<char> = normalise(quote).chars().collect();
    if wanted.is_empty() || wanted.len() > page.len() {
        return None;
    }
    let start =
        (0..=page.len() - wanted.len()).find(|&i| page[i..i + wanted.len()] == wanted[..])?;
    let end = start + wanted.len();
    let before: String = page[start.saturating_sub(CONTEXT_CHARS)..start]
        .iter()
        .collect();
    let after: String = page[end..(end + CONTEXT_CHARS).min(page.len())]
        .iter()
        .collect();
    Some((before, after))
}

/// Where an annotation lands on a new version: its page (from 1), or None
/// when it cannot be placed (it is then listed apart, never dropped).
pub fn reanchor(anchor: &Anchor, pages: &[String]) -> Option<u32> {
    let quote = normalise(&anchor.quote);
    if quote.is_empty() {
        // A note, ink or bookmark without text: same page, if it still exists.
        return (anchor.page as usize <= pages.len()).then_some(anchor.page);
    }
    let before = normalise(&anchor.before);
    let after = normalise(&anchor.after);
    let mut best: Option<(u8, u32, u32)> = None; // (score, -distance, page)
    for (index, text) in pages.iter().enumerate() {
        let page = index as u32 + 1;
        let text = normalise(text);
        if !text.contains(&quote) {
            continue;
        }
        // Normalising trims the context, so the space at the seam may or may not be there.
        let joined = |a: &str, b: &str| {
            text.contains(&format!("{a} {b}")) || text.contains(&format!("{a}{b}"))
        };
        let with_before = !before.is_empty() && joined(&before, &quote);
        let with_after = !after.is_empty() && joined(&quote, &after);
        let score = 1 + u8::from(with_before) + u8::from(with_after);
        let distance = page.abs_diff(anchor.page);
        let candidate = (score, u32::MAX - distance, page);
        if best.is_none_or(|b| (candidate.0, candidate.1) > (b.0, b.1)) {
            best = Some(candidate);
        }
    }
    best.map(|(_, _, page)| page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(page: u32, quote: &str, before: &str, after: &str) -> Anchor {
        Anchor {
            version: 1,
            page,
            rects: Vec::new(),
            quote: quote.into(),
            before: before.into(),
            after: after.into(),
        }
    }

    #[test]
    fn context_is_taken_around_the_quote() {
        let (before, after) = context_of(
            "Điều 3.  Hiệu lực thi hành\nNghị định này có hiệu lực",
            "hiệu lực thi hành",
        )
        .expect("found");
        assert_eq!(before, "điều 3. ");
        assert_eq!(after, " nghị định này có hiệu lực");
        assert!(context_of("nothing here", "Điều 9").is_none());
    }

    #[test]
    fn a_quote_follows_its_text_to_another_page() {
        let old = anchor(2, "mức phạt tiền", "điều 5 quy định ", " đối với cá nhân");
        let pages = vec![
            "Chương I".to_owned(),
            "Lời nói đầu mới".to_owned(),
            "Điều 5 quy định mức phạt tiền đối với cá nhân".to_owned(),
        ];
        assert_eq!(reanchor(&old, &pages), Some(3));
    }

    #[test]
    fn context_picks_the_right_one_of_repeated_phrases() {
        let old = anchor(1, "hiệu lực", "điều 9. ", " thi hành");
        let pages = vec![
            "văn bản có hiệu lực pháp luật".to_owned(),
            "Điều 9. Hiệu lực thi hành".to_owned(),
        ];
        assert_eq!(reanchor(&old, &pages), Some(2));
    }

    #[test]
    fn vanished_text_or_pages_cannot_be_placed() {
        assert_eq!(
            reanchor(&anchor(1, "đã bị xoá", "", ""), &["khác".to_owned()]),
            None
        );
        assert_eq!(reanchor(&anchor(5, "", "", ""), &["một".to_owned()]), None);
        assert_eq!(
            reanchor(&anchor(1, "", "", ""), &["một".to_owned()]),
            Some(1)
        );
    }
}
