//! Reading documents: the decrypted bytes go straight from memory into
//! PDFium, on the process's PDF thread ([`PdfWorker`]), which keeps the
//! document open for the next page; pages come out as pixels, and the
//! viewer's watermark and the PNG are drawn on a blocking thread, so a
//! shell's UI thread never waits on either.

use chrono::Local;
use ecabinet_domain::DocumentId;
use ecabinet_pdf::{
    encode_png, DocumentKey, OpenPdf, Opening, PdfError, PdfWorker, SearchHit, Watermark,
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
    /// The watermark for this viewer, now: name, device, local time.
    pub fn watermark(&self) -> Watermark {
        Watermark::new([
            self.profile.person.name.clone(),
            self.profile.device_name.clone(),
            Local::now().format("%d/%m/%Y %H:%M").to_string(),
        ])
    }

    /// Runs `job` on the document, open on the PDF thread: opened only if
    /// the thread does not hold this version for this device already, and
    /// then read a chunk at a time from the cache ([`SealedReader`]). The
    /// replica and the offline lease are consulted every time, so a document
    /// withdrawn or a lease run out stops reading at once, open or not.
    ///
    /// [`SealedReader`]: crate::sealed_reader::SealedReader
    async fn with_pdf<T, F>(&self, document: DocumentId, job: impl Fn() -> F) -> ClientResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&OpenPdf<'static>) -> Result<T, PdfError> + Send + 'static,
    {
        let facts = self.document(document).await?;
        self.check_lease().await?;
        let key = DocumentKey {
            owner: *self.profile.device_id.0.as_bytes(),
            document: *document.0.as_bytes(),
            version: facts.version,
        };
        let worker = PdfWorker::get()?;
        match worker.with_document(key.clone(), None, job()).await {
            Err(PdfError::NotOpen) => {}
            other => return other.map_err(|e| self.pdf_error(e)),
        }
        let (reader, failure) = self.sealed_reader(facts).await?;
        let opening = Opening {
            source: Box::new(reader),
            failure,
        };
        worker
            .with_document(key, Some(opening), job())
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
        let (mut image, page_count) = self
            .with_pdf(document, || {
                move |pdf: &OpenPdf<'static>| Ok((pdf.render_pixels(page, dpi)?, pdf.page_count()))
            })
            .await?;
        let watermark = self.watermark();
        blocking(move || {
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
        let page_count = self
            .with_pdf(document, || |pdf: &OpenPdf<'static>| Ok(pdf.page_count()))
            .await?;
        Ok(DocumentView {
            handling: crate::documents::handling_of(&facts)?,
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
        self.with_pdf(document, || {
            let rects = rects.clone();
            move |pdf: &OpenPdf<'static>| {
                let mut pieces = Vec::new();
                for r in &rects {
                    let piece = pdf.text_in(page, r.x, r.y, r.width, r.height)?;
                    let piece = piece.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !piece.is_empty() {
                        pieces.push(piece);
                    }
                }
                Ok(pieces.join(" "))
            }
        })
        .await
    }

    pub async fn page_text(&self, document: DocumentId, page: u32) -> ClientResult<String> {
        self.with_pdf(document, || move |pdf: &OpenPdf<'static>| pdf.text(page))
            .await
    }

    /// Every occurrence of a phrase in the document.
    pub async fn search_document(
        &self,
        document: DocumentId,
        phrase: &str,
    ) -> ClientResult<Vec<SearchHit>> {
        self.with_pdf(document, || {
            let phrase = phrase.to_owned();
            move |pdf: &OpenPdf<'static>| pdf.search(&phrase)
        })
        .await
    }
}
