//! PDFium runs in its own process: hostile and broken PDFs stop that
//! process only, the app is told "this document could not be displayed",
//! and the next document is read by a new process.
//!
//! The hostile files are built by [`hostile`]: a content stream that
//! inflates to 1.5 GB, and a page whose dashed lines take PDFium half a
//! minute to draw.

mod hostile;

use std::path::Path;
use std::time::{Duration, Instant};

use ecabinet_pdf::{
    DocumentKey, Opening, PdfAnswer, PdfError, PdfJob, PdfWorker, SandboxLimits, Watermark,
};
use zeroize::Zeroizing;

fn program() -> Result<std::path::PathBuf, PdfError> {
    Ok(env!("CARGO_BIN_EXE_ecabinet-pdfium").into())
}

fn worker(memory_mb: u64, time_limit: Duration) -> PdfWorker {
    PdfWorker::start(
        program(),
        SandboxLimits {
            memory_mb,
            time_per_request: time_limit,
        },
    )
    .expect("the PDF thread starts")
}

fn demo(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/demo")
        .join(name);
    std::fs::read(path).expect("demo PDF")
}

fn key(document: u8) -> DocumentKey {
    DocumentKey {
        owner: [1; 16],
        document: [document; 16],
        version: 1,
    }
}

async fn page_count(worker: &PdfWorker, document: u8, bytes: Vec<u8>) -> Result<u32, PdfError> {
    match worker
        .with_document(
            key(document),
            Some(Opening::bytes(Zeroizing::new(bytes))),
            PdfJob::PageCount,
        )
        .await?
    {
        PdfAnswer::PageCount(n) => Ok(n),
        other => panic!("unexpected {other:?}"),
    }
}

async fn render(worker: &PdfWorker, document: u8, page: u32) -> Result<(u32, u32), PdfError> {
    match worker
        .with_document(
            key(document),
            None,
            PdfJob::Render {
                page,
                dpi: 72.0,
                watermark: Watermark::new(["sandbox"]),
            },
        )
        .await?
    {
        PdfAnswer::Page {
            width, height, png, ..
        } => {
            let decoded = image::load_from_memory(&png).expect("a PNG");
            assert_eq!((decoded.width(), decoded.height()), (width, height));
            Ok((width, height))
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_process_reads_pages_text_and_search_from_bytes_it_is_handed() {
    let worker = worker(2048, Duration::from_secs(30));
    assert_eq!(
        page_count(&worker, 1, demo("03-de-an-chuyen-doi-so.pdf")).await,
        Ok(50)
    );
    assert_eq!(render(&worker, 1, 1).await, Ok((595, 842)));
    assert_eq!(
        render(&worker, 1, 51).await,
        Err(PdfError::PageOutOfRange {
            page: 51,
            count: 50
        })
    );
    page_count(
        &worker,
        2,
        demo("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
    )
    .await
    .expect("open");
    let text = worker
        .with_document(key(2), None, PdfJob::Text { page: 1 })
        .await
        .expect("text");
    assert!(
        matches!(&text, PdfAnswer::Text(t) if t.contains("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")),
        "{text:?}"
    );
    match worker
        .with_document(
            key(2),
            None,
            PdfJob::Search {
                phrase: "chữ ký số".into(),
            },
        )
        .await
        .expect("search")
    {
        PdfAnswer::Hits(hits) => {
            assert!(!hits.is_empty());
            assert!(hits.iter().all(|h| h.snippet.contains("chữ ký số")));
        }
        other => panic!("unexpected {other:?}"),
    }
    // A document never opened, asked without bytes, is not open.
    assert_eq!(render(&worker, 9, 1).await, Err(PdfError::NotOpen));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_truncated_files_are_refused_by_a_process_that_goes_on() {
    let worker = worker(2048, Duration::from_secs(30));
    assert!(matches!(
        page_count(&worker, 1, b"%PDF-1.7\nthis is not a pdf".to_vec()).await,
        Err(PdfError::Malformed(_))
    ));
    assert!(matches!(
        page_count(&worker, 2, Vec::new()).await,
        Err(PdfError::Malformed(_))
    ));
    let whole = demo("01-bao-cao-kinh-te-xa-hoi.pdf");
    for (n, cut) in [whole.len() / 2, whole.len() - 100, 1_000]
        .into_iter()
        .enumerate()
    {
        let document = 10 + n as u8;
        if let Ok(pages) = page_count(&worker, document, whole[..cut].to_vec()).await {
            for page in 1..=pages {
                // Drawn or refused; either way an answer, not a crash.
                match render(&worker, document, page).await {
                    Ok(_) | Err(PdfError::Malformed(_)) | Err(PdfError::Render(_)) => {}
                    Err(other) => panic!("page {page} of a truncated file: {other:?}"),
                }
            }
        }
    }
    // The same process still reads a good file.
    assert_eq!(
        page_count(&worker, 3, demo("01-bao-cao-kinh-te-xa-hoi.pdf"))
            .await
            .map(|n| n > 0),
        Ok(true)
    );
    assert_eq!(render(&worker, 3, 1).await.map(|(w, _)| w > 0), Ok(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_that_allocates_without_bound_stops_its_process_only() {
    let worker = worker(512, Duration::from_secs(60));
    page_count(&worker, 1, demo("03-de-an-chuyen-doi-so.pdf"))
        .await
        .expect("a good document first");

    let bomb = hostile::inflation_bomb();
    assert!(bomb.len() < 200_000, "the bomb is {} bytes", bomb.len());
    let started = Instant::now();
    let outcome = match page_count(&worker, 2, bomb).await {
        Ok(_) => render(&worker, 2, 1).await.map(|_| ()),
        Err(e) => Err(e),
    };
    let Err(PdfError::Undisplayable(why)) = outcome else {
        panic!("the bomb must stop the PDF process: {outcome:?}");
    };
    eprintln!("bomb: {why} after {:?}", started.elapsed());
    // Asked again, the answer comes at once: the file is not retried.
    assert!(matches!(
        render(&worker, 2, 1).await,
        Err(PdfError::Undisplayable(_))
    ));
    // The good document, open in the process that died, is opened again
    // in a new one without the caller noticing.
    assert_eq!(render(&worker, 1, 1).await, Ok((595, 842)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_that_keeps_pdfium_busy_is_stopped_at_the_time_limit() {
    let limit = Duration::from_secs(2);
    let worker = worker(2048, limit);
    let storm = hostile::dash_storm();
    let started = Instant::now();
    let outcome = match page_count(&worker, 1, storm).await {
        Ok(_) => render(&worker, 1, 1).await.map(|_| ()),
        Err(e) => Err(e),
    };
    let elapsed = started.elapsed();
    let Err(PdfError::Undisplayable(why)) = outcome else {
        panic!("the storm must be stopped: {outcome:?} after {elapsed:?}");
    };
    assert!(why.contains("more than 2 s"), "{why}");
    // Stopped at the limit, not when PDFium would have finished.
    assert!(elapsed < limit * 5, "stopped after {elapsed:?}");
    page_count(&worker, 2, demo("01-bao-cao-kinh-te-xa-hoi.pdf"))
        .await
        .expect("a new process reads the next document");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_program_is_a_clear_error() {
    let worker = PdfWorker::start(
        Ok("/nonexistent/ecabinet-pdfium".into()),
        SandboxLimits::from_env(),
    )
    .expect("thread");
    let error = page_count(&worker, 1, demo("01-bao-cao-kinh-te-xa-hoi.pdf"))
        .await
        .expect_err("no process");
    assert!(matches!(error, PdfError::ProcessMissing(_)), "{error:?}");
    assert!(error.to_string().contains("cargo build -p ecabinet-pdf"));
}
