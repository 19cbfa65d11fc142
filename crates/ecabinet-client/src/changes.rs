//! "What changed" between two versions of a document: the pages' text,
//! line by line, compared on this device (the plaintext never leaves it).
//! Each change says which pages it touches in both versions, so the reader
//! can jump to it.

use ecabinet_domain::DocumentId;
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

use crate::error::{ClientError, ClientResult};
use crate::Client;

/// One run of changed lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChangeHunk {
    /// Pages (from 1) of the earlier version the removed lines were on.
    pub old_pages: Vec<u32>,
    /// Pages of the later version the added lines are on (or, for a pure
    /// removal, the page where the text used to continue).
    pub new_pages: Vec<u32>,
    pub removed: Vec<String>,
    pub added: Vec<String>,
}

/// The changes from one version of a document to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentChanges {
    pub document_id: DocumentId,
    pub from_version: u32,
    pub to_version: u32,
    pub old_page_count: u32,
    pub new_page_count: u32,
    pub hunks: Vec<ChangeHunk>,
}

/// A page's text as comparable lines: whitespace collapsed, empty lines gone
/// (PDF text extraction breaks and spaces lines unreliably).
fn lines_of(pages: &[String]) -> (Vec<String>, Vec<u32>) {
    let mut lines = Vec::new();
    let mut page_of = Vec::new();
    for (index, text) in pages.iter().enumerate() {
        for line in text.lines() {
            let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
            if !line.is_empty() {
                lines.push(line);
                page_of.push(index as u32 + 1);
            }
        }
    }
    (lines, page_of)
}

fn push_page(pages: &mut Vec<u32>, page: u32) {
    if pages.last() != Some(&page) {
        pages.push(page);
    }
}

/// Compares two versions' page texts. Pure, so it is tested without PDFs.
pub fn compare(old: &[String], new: &[String]) -> Vec<ChangeHunk> {
    let (old_lines, old_page) = lines_of(old);
    let (new_lines, new_page) = lines_of(new);
    let old_refs: Vec<&str> = old_lines.iter().map(String::as_str).collect();
    let new_refs: Vec<&str> = new_lines.iter().map(String::as_str).collect();
    let diff = TextDiff::from_slices(&old_refs, &new_refs);
    let mut hunks = Vec::new();
    for group in diff.grouped_ops(0) {
        let mut hunk = ChangeHunk {
            old_pages: Vec::new(),
            new_pages: Vec::new(),
            removed: Vec::new(),
            added: Vec::new(),
        };
        for op in &group {
            for change in diff.iter_changes(op) {
                match change.tag() {
                    ChangeTag::Delete => {
                        if let Some(index) = change.old_index() {
                            push_page(&mut hunk.old_pages, old_page[index]);
                        }
                        hunk.removed.push(change.value().to_owned());
                    }
                    ChangeTag::Insert => {
                        if let Some(index) = change.new_index() {
                            push_page(&mut hunk.new_pages, new_page[index]);
                        }
                        hunk.added.push(change.value().to_owned());
                    }
                    ChangeTag::Equal => {}
                }
            }
        }
        if hunk.new_pages.is_empty() {
            // Removed only: point at where the text would have been.
            let at = group
                .first()
                .map(|op| op.new_range().start)
                .unwrap_or_default();
            let page = new_page.get(at).or(new_page.last()).copied().unwrap_or(1);
            hunk.new_pages.push(page);
        }
        if !hunk.removed.is_empty() || !hunk.added.is_empty() {
            hunks.push(hunk);
        }
    }
    hunks
}

impl Client {
    /// What changed in a document from version `from` (default: the one
    /// before the latest) to the latest version.
    pub async fn document_changes(
        &self,
        document: DocumentId,
        from: Option<u32>,
    ) -> ClientResult<DocumentChanges> {
        let latest = self.document(document).await?;
        let from = from.unwrap_or(latest.version.saturating_sub(1));
        if from == 0 || from >= latest.version {
            return Err(ClientError::InvalidArgument(format!(
                "compare with an earlier version: this document has versions 1 to {}",
                latest.version
            )));
        }
        let (_, old) = self.open_document_version(document, from).await?;
        let (_, new) = self.open_document_version(document, latest.version).await?;
        let old_pages = all_text(old).await?;
        let new_pages = all_text(new).await?;
        Ok(DocumentChanges {
            document_id: document,
            from_version: from,
            to_version: latest.version,
            old_page_count: old_pages.len() as u32,
            new_page_count: new_pages.len() as u32,
            hunks: compare(&old_pages, &new_pages),
        })
    }
}

/// Every page's text, read in the PDF process.
async fn all_text(bytes: zeroize::Zeroizing<Vec<u8>>) -> ClientResult<Vec<String>> {
    let worker = ecabinet_pdf::PdfWorker::get()?;
    match worker
        .once(
            ecabinet_pdf::Opening::bytes(bytes),
            ecabinet_pdf::PdfJob::AllText,
        )
        .await?
    {
        ecabinet_pdf::PdfAnswer::Texts(pages) => Ok(pages),
        other => Err(crate::reading::unexpected(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn identical_versions_have_no_changes() {
        let text = pages(&["Điều 1. Phạm vi\nĐiều 2. Đối tượng", "Điều 3. Hiệu lực"]);
        assert!(compare(&text, &text).is_empty());
    }

    #[test]
    fn a_reworded_clause_is_found_on_its_pages() {
        let old = pages(&[
            "Điều 1. Phạm vi\nMức phạt từ 1 triệu đồng",
            "Điều 2. Hiệu lực\nTừ ngày 1/1/2027",
        ]);
        let new = pages(&[
            "Điều 1. Phạm vi",
            "Mức phạt từ 2 triệu đồng\nĐiều 2. Hiệu lực\nTừ ngày 1/1/2027",
        ]);
        let hunks = compare(&old, &new);
        assert_eq!(hunks.len(), 1, "{hunks:?}");
        assert_eq!(hunks[0].removed, vec!["Mức phạt từ 1 triệu đồng"]);
        assert_eq!(hunks[0].added, vec!["Mức phạt từ 2 triệu đồng"]);
        assert_eq!(hunks[0].old_pages, vec![1]);
        assert_eq!(hunks[0].new_pages, vec![2]);
    }

    #[test]
    fn spacing_and_line_breaks_from_extraction_do_not_count() {
        let old = pages(&["Điều 1.   Phạm vi\n\n  điều chỉnh"]);
        let new = pages(&["Điều 1. Phạm vi\nđiều chỉnh  "]);
        assert!(compare(&old, &new).is_empty());
    }

    #[test]
    fn a_removed_clause_points_at_where_it_was() {
        let old = pages(&["A\nB", "C\nD"]);
        let new = pages(&["A\nB", "D"]);
        let hunks = compare(&old, &new);
        assert_eq!(hunks.len(), 1);
        assert_eq!(hunks[0].removed, vec!["C"]);
        assert!(hunks[0].added.is_empty());
        assert_eq!(
            (hunks[0].old_pages.clone(), hunks[0].new_pages.clone()),
            (vec![2], vec![2])
        );
    }

    #[test]
    fn an_added_page_is_reported_with_its_number() {
        let old = pages(&["A"]);
        let new = pages(&["A", "Phụ lục mới"]);
        let hunks = compare(&old, &new);
        assert_eq!(hunks.len(), 1);
        assert_eq!(hunks[0].added, vec!["Phụ lục mới"]);
        assert_eq!(hunks[0].new_pages, vec![2]);
    }
}
