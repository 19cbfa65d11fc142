//! Reading documents: the decrypted bytes go from memory (never a disk)
//! into PDFium, which runs in a PDF process of its own behind the app's PDF
//! thread ([`PdfWorker`]) and keeps the document open for the next page. A
//! PDF that crashes or hangs PDFium stops that process only: the reader
//! says the document could not be displayed and the app goes on. Pages come
//! out as pixels, and the viewer's watermark and the PNG are drawn on a
//! blocking thread, so a shell's UI thread never waits on either.

use ecabinet_domain::DocumentId;
use ecabinet_pdf::{
    DocumentKey, Opening, PdfAnswer, PdfError, PdfJob, PdfWorker, SearchHit, Watermark,
};

use crate::error::{ClientError, ClientResult};
use crate::recent_pages::PageKey;
use crate::views::{DocumentView, PageHit};
use crate::Client;

/// A rendered page, ready to show or save.
#[derive(Clone, Debug)]
pub struct RenderedPage {
    pub page: u32,
    pub page_count: u32,
    pub width: u32,
    pub height: u32,
    pub png: Vec<u8>,
    /// What the watermark says.
    pub watermark: String,
}

/// A page this device may read, as the replica says now.
struct PageWanted {
    key: PageKey,
    worker: &'static PdfWorker,
    facts: ecabinet_domain::Document,
}

impl From<PdfError> for ClientError {
    fn from(error: PdfError) -> Self {
        match error {
            PdfError::PageOutOfRange { .. } | PdfError::BadResolution => {
                ClientError::InvalidArgument(error.to_string())
            }
            PdfError::Source(why) => ClientError::ServerIdentity(why),
            PdfError::SourceUnavailable(detail) => ClientError::Protocol(detail),
            PdfError::Undisplayable(_) => ClientError::Undisplayable(error.to_string()),
            other => ClientError::Pdf(other.to_string()),
        }
    }
}

impl Client {
    /// The watermark for this viewer, now: name, device, the time in Hà Nội.
    pub fn watermark(&self) -> Watermark {
        Watermark::new([
            self.profile.person.name.clone(),
            self.profile.device_name.clone(),
            ecabinet_domain::clock::cabinet_now()
                .format("%d/%m/%Y %H:%M")
                .to_string(),
        ])
    }

    /// Runs `job` on the document, open on the PDF thread: opened only if
    /// the thread does not hold this version for this device already, and
    /// then read a chunk at a time from the cache ([`SealedReader`]). The
    /// replica and the offline lease are consulted every time, so a document
    /// withdrawn or a lease run out stops reading at once, open or not.
    ///
    /// [`SealedReader`]: crate::sealed_reader::SealedReader
    async fn with_pdf(&self, document: DocumentId, job: PdfJob) -> ClientResult<PdfAnswer> {
        // First: a new worker starts its PDF process while the replica is read.
        let worker = PdfWorker::get()?;
        let facts = self.document(document).await?;
        self.check_lease().await?;
        self.with_pdf_of(worker, facts, job).await
    }

    /// [`Client::with_pdf`] once the replica and the lease have said yes.
    async fn with_pdf_of(
        &self,
        worker: &'static PdfWorker,
        facts: ecabinet_domain::Document,
        job: PdfJob,
    ) -> ClientResult<PdfAnswer> {
        let key = DocumentKey {
            owner: *self.profile.device_id.0.as_bytes(),
            document: *facts.id.0.as_bytes(),
            version: facts.version,
        };
        match worker.with_document(key.clone(), None, job.clone()).await {
            Err(PdfError::NotOpen) => {}
            other => return other.map_err(|e| self.pdf_error(e)),
        }
        let (reader, failure) = self.sealed_reader(facts).await?;
        let opening = Opening {
            source: Box::new(reader),
            failure,
        };
        worker
            .with_document(key, Some(opening), job)
            .await
            .map_err(|e| self.pdf_error(e))
    }

    /// A chunk that could not be fetched while a page waited is the
    /// network's fault, said as such.
    fn pdf_error(&self, error: PdfError) -> ClientError {
        match error {
            PdfError::SourceUnavailable(detail) => ClientError::ServerUnreachable {
                url: self.api.base().to_string(),
                detail,
            },
            other => other.into(),
        }
    }

    /// Closes every document this device holds open on the PDF thread (the
    /// app locked, or a benchmark's cold open), and forgets the pages it
    /// rendered: the next page opens and renders afresh.
    pub fn close_documents(&self) {
        self.documents_epoch
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        PdfWorker::forget_if_running(*self.profile.device_id.0.as_bytes());
        if let Ok(mut recent) = self.recent_pages.lock() {
            recent.clear();
        }
    }

    fn documents_epoch(&self) -> u64 {
        self.documents_epoch
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Renders page `page` (from 1) at `dpi`, watermarked for this viewer,
    /// or takes it from the pages rendered in the last minute.
    pub async fn render_page(
        &self,
        document: DocumentId,
        page: u32,
        dpi: f32,
    ) -> ClientResult<RenderedPage> {
        let wanted = self.page_wanted(document, page, dpi).await?;
        if let Some(found) = self.recent_page(&wanted) {
            return Ok(found);
        }
        self.draw_page(wanted).await
    }

    /// Whether this device may read the document now (asked of the replica
    /// and the lease every time, a page kept in memory or not), and which
    /// version's page that is.
    async fn page_wanted(
        &self,
        document: DocumentId,
        page: u32,
        dpi: f32,
    ) -> ClientResult<PageWanted> {
        let worker = PdfWorker::get()?;
        let facts = self.document(document).await?;
        self.check_lease().await?;
        Ok(PageWanted {
            key: PageKey {
                document,
                version: facts.version,
                page,
                dpi,
            },
            worker,
            facts,
        })
    }

    fn recent_page(&self, wanted: &PageWanted) -> Option<RenderedPage> {
        self.recent_pages
            .lock()
            .ok()?
            .get(&wanted.key, std::time::Instant::now())
    }

    /// Renders the page, watermarks it, keeps it among the recent pages.
    async fn draw_page(&self, wanted: PageWanted) -> ClientResult<RenderedPage> {
        let PageWanted { key, worker, facts } = wanted;
        let drawn = std::time::Instant::now();
        let epoch = self.documents_epoch();
        let watermark = self.watermark();
        let text = watermark.text();
        let answer = self
            .with_pdf_of(
                worker,
                facts,
                PdfJob::Render {
                    page: key.page,
                    dpi: key.dpi,
                    watermark,
                },
            )
            .await?;
        let PdfAnswer::Page {
            width,
            height,
            png,
            page_count,
        } = answer
        else {
            return Err(unexpected(answer));
        };
        let rendered = RenderedPage {
            page: key.page,
            page_count,
            width,
            height,
            png,
            watermark: text,
        };
        // Closed meanwhile (the app locked): shown to the one who asked, if
        // still there, but not kept.
        if self.documents_epoch() == epoch {
            if let Ok(mut recent) = self.recent_pages.lock() {
                recent.put(key, drawn, rendered.clone());
            }
        }
        Ok(rendered)
    }

    /// [`Client::render_page`] when its turn comes, unless `cancelled` says by
    /// then that the reader has moved on (a page scrolled past, a jump away):
    /// queued renders of pages nobody will see are dropped, not drawn. The
    /// document is fetched and decrypted before taking a turn, so a slow
    /// first open does not hold up other renders; a page rendered lately
    /// takes no turn at all.
    pub async fn render_page_unless(
        &self,
        document: DocumentId,
        page: u32,
        dpi: f32,
        cancelled: impl Fn() -> bool,
    ) -> ClientResult<RenderedPage> {
        if cancelled() {
            return Err(ClientError::Cancelled);
        }
        let wanted = self.page_wanted(document, page, dpi).await?;
        if let Some(found) = self.recent_page(&wanted) {
            return Ok(found);
        }
        let _turn = self.render_turns.lock().await;
        if cancelled() {
            return Err(ClientError::Cancelled);
        }
        // Rendered ahead while this one waited its turn?
        if let Some(found) = self.recent_page(&wanted) {
            return Ok(found);
        }
        self.draw_page(wanted).await
    }

    /// What the reader shows: the page ([`Client::render_page_unless`]),
    /// and then, in the background, the page after it, taking its turn like
    /// any page, so that turning to it (or a presenter moving on, followed)
    /// shows it at once. Not if the documents are closed meanwhile (the app
    /// locked).
    pub async fn read_page(
        self: &std::sync::Arc<Self>,
        document: DocumentId,
        page: u32,
        dpi: f32,
        cancelled: impl Fn() -> bool,
    ) -> ClientResult<RenderedPage> {
        let shown = self
            .render_page_unless(document, page, dpi, cancelled)
            .await?;
        if shown.page < shown.page_count {
            let client = self.clone();
            let epoch = self.documents_epoch();
            tokio::spawn(async move {
                if let Err(error) = client.render_ahead(document, page + 1, dpi, epoch).await {
                    tracing::debug!(%error, page = page + 1, "the page ahead was not rendered");
                }
            });
        }
        Ok(shown)
    }

    /// Renders a page nobody waits for yet into the recent pages, in its
    /// turn, unless the documents were closed since `epoch`.
    async fn render_ahead(
        &self,
        document: DocumentId,
        page: u32,
        dpi: f32,
        epoch: u64,
    ) -> ClientResult<()> {
        let wanted = self.page_wanted(document, page, dpi).await?;
        if self.recent_page(&wanted).is_some() {
            return Ok(());
        }
        let _turn = self.render_turns.lock().await;
        if self.documents_epoch() == epoch && self.recent_page(&wanted).is_none() {
            self.draw_page(wanted).await?;
        }
        Ok(())
    }

    /// Opens a document for reading: fetches and verifies it if needed, counts its pages.
    pub async fn document_view(&self, document: DocumentId) -> ClientResult<DocumentView> {
        let facts = self.document(document).await?;
        let page_count = match self.with_pdf(document, PdfJob::PageCount).await? {
            PdfAnswer::PageCount(count) => count,
            other => return Err(unexpected(other)),
        };
        let manifest: ecabinet_domain::DocumentManifest = serde_json::from_str(&facts.manifest)
            .map_err(|e| ClientError::Protocol(format!("the manifest of {document}: {e}")))?;
        Ok(DocumentView {
            handling: manifest.handling,
            exchange: manifest.exchange,
            document: facts,
            page_count,
        })
    }

    /// Search results as the UI shows them.
    pub async fn find_in_document(
        &self,
        document: DocumentId,
        phrase: &str,
    ) -> ClientResult<Vec<PageHit>> {
        Ok(self
            .search_document(document, phrase)
            .await?
            .into_iter()
            .map(|hit| PageHit {
                page: hit.page,
                snippet: hit.snippet,
            })
            .collect())
    }

    /// The text of one page.
    /// The words under rectangles of a page (fractions of the page), joined:
    /// what a reader's highlight covers.
    pub async fn text_under(
        &self,
        document: DocumentId,
        page: u32,
        rects: Vec<ecabinet_domain::annotation::PageRect>,
    ) -> ClientResult<String> {
        let rects = rects
            .iter()
            .map(|r| [r.x, r.y, r.width, r.height])
            .collect();
        match self
            .with_pdf(document, PdfJob::TextIn { page, rects })
            .await?
        {
            PdfAnswer::Texts(pieces) => Ok(pieces
                .iter()
                .map(|piece| piece.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|piece| !piece.is_empty())
                .collect::<Vec<_>>()
                .join(" ")),
            other => Err(unexpected(other)),
        }
    }

    pub async fn page_text(&self, document: DocumentId, page: u32) -> ClientResult<String> {
        match self.with_pdf(document, PdfJob::Text { page }).await? {
            PdfAnswer::Text(text) => Ok(text),
            other => Err(unexpected(other)),
        }
    }

    /// Every occurrence of a phrase in the document.
    pub async fn search_document(
        &self,
        document: DocumentId,
        phrase: &str,
    ) -> ClientResult<Vec<SearchHit>> {
        let phrase = phrase.to_owned();
        match self.with_pdf(document, PdfJob::Search { phrase }).await? {
            PdfAnswer::Hits(hits) => Ok(hits),
            other => Err(unexpected(other)),
        }
    }
}

/// The PDF process answered a question with the answer to another: a
/// defect, said as one.
pub(crate) fn unexpected(answer: PdfAnswer) -> ClientError {
    let kind = match answer {
        PdfAnswer::PageCount(_) => "a page count",
        PdfAnswer::Page { .. } => "a page",
        PdfAnswer::Text(_) => "a text",
        PdfAnswer::Texts(_) => "texts",
        PdfAnswer::Hits(_) => "search hits",
    };
    ClientError::Pdf(format!("the PDF process answered with {kind} out of turn"))
}
