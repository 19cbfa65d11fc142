//! The meeting-pack scenario as the secretariat lives it, on both databases:
//! a meeting with three documents, one on a restricted item; three members
//! sync; each renders what they may and is refused what they may not; a
//! revision then reaches everyone who may read it.

use anyhow::Result;
use chrono::{Duration, Utc};
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

fn demo_pdf(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo")
        .join(name)
}

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let members = [
        server.enrol("Trần Thị Bình", Role::Member).await?,
        server.enrol("Lê Văn Cường", Role::Member).await?,
        server.enrol("Phạm Thị Dung", Role::Member).await?,
    ];
    secretary.sync().await?;
    let binh = members[0].summary().person.id;

    let meeting = secretary
        .create_meeting("Phiên họp thường kỳ", Utc::now() + Duration::days(2))
        .await?;
    let report = secretary
        .add_agenda_item(meeting.id, "Báo cáo kinh tế - xã hội", None)
        .await?;
    let decree = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let personnel = secretary
        .add_agenda_item(meeting.id, "Công tác cán bộ", Some(vec![binh]))
        .await?;
    let report_doc = secretary
        .add_document(report.id, &demo_pdf("01-bao-cao-kinh-te-xa-hoi.pdf"), None)
        .await?;
    let decree_doc = secretary
        .add_document(
            decree.id,
            &demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
            None,
        )
        .await?;
    let personnel_doc = secretary
        .add_document(
            personnel.id,
            &demo_pdf("03-de-an-chuyen-doi-so.pdf"),
            Some("Hồ sơ nhân sự"),
        )
        .await?;

    for (index, member) in members.iter().enumerate() {
        member.sync().await?;
        member.prefetch(|_| {}).await?;
        let view = member.agenda(meeting.id).await?;
        assert_eq!(view.items.len(), 3, "everyone sees every item's title");
        for document in [&report_doc, &decree_doc] {
            let page = member.render_page(document.id, 1, 72.0).await?;
            assert!(page.watermark.contains(&member.summary().person.name));
        }
        if index == 0 {
            assert_eq!(
                member
                    .render_page(personnel_doc.id, 1, 72.0)
                    .await?
                    .page_count,
                50
            );
        } else {
            assert!(
                view.documents.iter().all(|d| d.id != personnel_doc.id),
                "never even listed"
            );
            let refused = member
                .render_page(personnel_doc.id, 1, 72.0)
                .await
                .expect_err("restricted");
            assert_eq!(refused.code(), "not_found");
        }
    }

    // A revision of the decree reaches all three; the restricted file stays restricted.
    let revised = server.dir.path().join("decree-v2.pdf");
    let mut bytes = std::fs::read(demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"))?;
    bytes.extend_from_slice(b"\n% v2\n");
    std::fs::write(&revised, &bytes)?;
    secretary
        .revise_document(decree_doc.id, &revised, None)
        .await?;
    for member in &members {
        member.sync().await?;
        let view = member.agenda(meeting.id).await?;
        assert_eq!(view.revised, vec![decree_doc.id]);
        let (fetched, _) = member.open_document(decree_doc.id).await?;
        assert_eq!(fetched.version, 2);
        assert_eq!(
            member
                .render_page(decree_doc.id, 12, 72.0)
                .await?
                .page_count,
            12
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meeting_pack_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meeting_pack_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}
