//! Reading documents: the decrypted bytes go from memory (never a disk)
//! into PDFium, which runs in a PDF process of its own behind the app's PDF
//! thread ([`PdfWorker`]) and keeps the document open for the next page. A
//! PDF that crashes or hangs PDFium stops that process only: the reader
//! says the document could not be displayed and the app goes on. Pages come
//! out as pixels, and the viewer's watermark and the PNG are drawn on a
//! blocking thread, so a shell's UI thread never waits on either.

use ecabinet_domain::DocumentId;
use ecabinet_pdf::{
    encode_png, DocumentKey, Opening, PdfAnswer, PdfError, PdfJob, PdfWorker, SearchHit, Watermark,
};

use crate::error::{ClientError, ClientResult};
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

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, PdfError> + Send + 'static,
) -> ClientResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ClientError::Pdf(format!("the PDF worker stopped: {e}")))?
        .map_err(ClientError::from)
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
        let key = DocumentKey {
            owner: *self.profile.device_id.0.as_bytes(),
            document: *document.0.as_bytes(),
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
    /// app locked, or a benchmark's cold open); the next page opens afresh.
    pub fn close_documents(&self) {
        PdfWorker::forget_if_running(*self.profile.device_id.0.as_bytes());
    }

    /// Renders page `page` (from 1) at `dpi`, watermarked for this viewer.
    pub async fn render_page(
        &self,
        document: DocumentId,
        page: u32,
        dpi: f32,
    ) -> ClientResult<RenderedPage> {
        let answer = self
            .with_pdf(document, PdfJob::Render { page, dpi })
            .await?;
        let PdfAnswer::Pixels {
            width,
            height,
            rgba,
            page_count,
        } = answer
        else {
            return Err(unexpected(answer));
        };
        let watermark = self.watermark();
        blocking(move || {
            let mut image =
                ecabinet_pdf::RgbaImage::from_raw(width, height, rgba).ok_or_else(|| {
                    PdfError::Render(format!("{width}×{height} pixels did not add up"))
                })?;
            watermark.draw(&mut image, dpi);
            Ok(RenderedPage {
                page,
                page_count,
                width: image.width(),
                height: image.height(),
                png: encode_png(&image)?,
                watermark: watermark.text(),
            })
        })
        .await
    }

    /// [`Client::render_page`] when its turn comes, unless `cancelled` says by
    /// then that the reader has moved on (a page scrolled past, a jump away):
    /// queued renders of pages nobody will see are dropped, not drawn. The
    /// document is fetched and decrypted before taking a turn, so a slow
    /// first open does not hold up other renders.
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
        let _turn = self.render_turns.lock().await;
        if cancelled() {
            return Err(ClientError::Cancelled);
        }
        self.render_page(document, page, dpi).await
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
        PdfAnswer::Pixels { .. } => "pixels",
        PdfAnswer::Text(_) => "a text",
        PdfAnswer::Texts(_) => "texts",
        PdfAnswer::Hits(_) => "search hits",
    };
    ClientError::Pdf(format!("the PDF process answered with {kind} out of turn"))
}
