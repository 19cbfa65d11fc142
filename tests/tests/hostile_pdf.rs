//! A hostile PDF attached to an agenda item, as the reader meets it: the
//! PDF process stops on it, the member is told "this document could not be
//! displayed", and every other document reads on. The secretary's attach
//! goes through too (the page count, read in the same process, is simply
//! left out of the manifest).

#[path = "../../crates/ecabinet-pdf/tests/hostile/mod.rs"]
mod hostile;

use anyhow::Result;
use chrono::Utc;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

fn demo_pdf() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_pdf_stops_its_pdf_process_and_nothing_else() -> Result<()> {
    // The only test in this binary: the cap is set before the app's PDF
    // process first starts. 512 MiB is plenty for the demo documents and
    // far below the bomb's 1.5 GB.
    std::env::set_var(ecabinet_pdf::MEMORY_ENV, "512");
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;

    let bomb_path = server.dir.path().join("phu-luc.pdf");
    std::fs::write(&bomb_path, hostile::inflation_bomb())?;
    let bomb = secretary
        .add_document(item.id, &bomb_path, Some("Phụ lục (tệp hỏng)"))
        .await?;
    let good = secretary
        .add_document(item.id, &demo_pdf(), Some("Dự thảo Nghị định"))
        .await?;

    binh.sync().await?;
    // Its one page is counted (PDFium reads the page tree, not the page);
    // drawing the page is what inflates the stream.
    assert_eq!(binh.document_view(bomb.id).await?.page_count, 1);
    let error = binh
        .render_page(bomb.id, 1, 72.0)
        .await
        .expect_err("the bomb cannot be displayed");
    assert_eq!(error.code(), "undisplayable", "{error}");
    assert!(
        error.to_ui().message.contains("could not be displayed"),
        "{error}"
    );
    // Asked again (reopened, another page, a search), the same answer at
    // once: the file is not tried again.
    for again in [
        binh.document_view(bomb.id).await.map(|_| ()),
        binh.search_document(bomb.id, "x").await.map(|_| ()),
    ] {
        assert_eq!(
            again.map_err(|e| e.code().to_owned()),
            Err("undisplayable".into())
        );
    }

    // The rest of the app goes on: the other document reads, in a new
    // PDF process, and the replica and the server are untouched.
    let page = binh.render_page(good.id, 1, 72.0).await?;
    assert_eq!(page.page_count, 12);
    assert!(binh
        .page_text(good.id, 1)
        .await?
        .contains("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert_eq!(binh.agenda(meeting.id).await?.documents.len(), 2);
    Ok(())
}
