//! Reading documents: the decrypted bytes go straight from memory into
//! PDFium; pages come out as pixels with the viewer's watermark. Rendering
//! runs on a blocking thread so a shell's UI thread never waits on it.

use chrono::Local;
use ecabinet_domain::DocumentId;
use ecabinet_pdf::{encode_png, PdfEngine, PdfError, SearchHit, Watermark};
use zeroize::Zeroizing;

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

    async fn plaintext(&self, document: DocumentId) -> ClientResult<Zeroizing<Vec<u8>>> {
        Ok(self.open_document(document).await?.1)
    }

    /// Renders page `page` (from 1) at `dpi`, watermarked for this viewer.
    pub async fn render_page(
        &self,
        document: DocumentId,
        page: u32,
        dpi: f32,
    ) -> ClientResult<RenderedPage> {
        let bytes = self.plaintext(document).await?;
        self.render_bytes(bytes, page, dpi).await
    }

    async fn render_bytes(
        &self,
        bytes: Zeroizing<Vec<u8>>,
        page: u32,
        dpi: f32,
    ) -> ClientResult<RenderedPage> {
        let watermark = self.watermark();
        blocking(move || {
            let engine = PdfEngine::load()?;
            let pdf = engine.open(&bytes)?;
            let image = pdf.render(page, dpi, &watermark)?;
            Ok(RenderedPage {
                page,
                page_count: pdf.page_count(),
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
        let bytes = self.plaintext(document).await?;
        let _turn = self.render_turns.lock().await;
        if cancelled() {
            return Err(ClientError::Cancelled);
        }
        self.render_bytes(bytes, page, dpi).await
    }

    /// Opens a document for reading: fetches and verifies it if needed, counts its pages.
    pub async fn document_view(&self, document: DocumentId) -> ClientResult<DocumentView> {
        let facts = self.document(document).await?;
        let bytes = self.plaintext(document).await?;
        let page_count =
            blocking(move || Ok(PdfEngine::load()?.open(&bytes)?.page_count())).await?;
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
        let bytes = self.plaintext(document).await?;
        blocking(move || {
            let engine = PdfEngine::load()?;
            let pdf = engine.open(&bytes)?;
            let mut pieces = Vec::new();
            for r in &rects {
                let piece = pdf.text_in(page, r.x, r.y, r.width, r.height)?;
                let piece = piece.split_whitespace().collect::<Vec<_>>().join(" ");
                if !piece.is_empty() {
                    pieces.push(piece);
                }
            }
            Ok(pieces.join(" "))
        })
        .await
    }

    pub async fn page_text(&self, document: DocumentId, page: u32) -> ClientResult<String> {
        let bytes = self.plaintext(document).await?;
        blocking(move || PdfEngine::load()?.open(&bytes)?.text(page)).await
    }

    /// Every occurrence of a phrase in the document.
    pub async fn search_document(
        &self,
        document: DocumentId,
        phrase: &str,
    ) -> ClientResult<Vec<SearchHit>> {
        let bytes = self.plaintext(document).await?;
        let phrase = phrase.to_owned();
        blocking(move || PdfEngine::load()?.open(&bytes)?.search(&phrase)).await
    }
}
