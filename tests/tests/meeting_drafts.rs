//! Building a meeting pack, on both databases: a draft meeting (kind, place,
//! participants, a substitute) with an item and a document marked no print /
//! no export is invisible to members, and its document's key and chunks are
//! refused them, until it is published; then it arrives whole. Item status
//! changes reach members; a revision shows what changed, page by page.

use anyhow::{ensure, Result};
use chrono::{Duration, Utc};
use ecabinet_domain::api::{CreateMeetingRequest, UpdateAgendaItemRequest, UpdateMeetingRequest};
use ecabinet_domain::{
    Handling, ItemStatus, MeetingDetails, MeetingKind, MeetingStatus, Role, Substitution,
};
use ecabinet_e2e::{Backend, TestServer};

fn demo_pdf(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo")
        .join(name)
}

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    secretary.sync().await?;
    let (binh_id, cuong_id) = (binh.profile().person.id, cuong.profile().person.id);

    let starts = Utc::now() + Duration::days(5);
    let meeting = secretary
        .create_meeting_with(CreateMeetingRequest {
            title: "Phiên họp chuyên đề xây dựng pháp luật".into(),
            starts_at: starts,
            details: MeetingDetails {
                kind: MeetingKind::Thematic,
                place: Some("Phòng họp số 1, Văn phòng Chính phủ".into()),
                participants: vec![binh_id, cuong_id],
                substitutes: vec![Substitution {
                    member: cuong_id,
                    substitute: binh_id,
                }],
                chair: None,
            },
            draft: true,
        })
        .await?;
    ensure!(meeting.status == MeetingStatus::Draft);
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Luật Giao dịch điện tử", None)
        .await?;
    let handling = Handling {
        no_print: true,
        no_export: true,
    };
    let document = secretary
        .add_document_with(
            item.id,
            &demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
            Some("Dự thảo (mật)"),
            handling,
        )
        .await?;

    // A draft does not exist for members: not in their replica, and the server
    // refuses its document (by id) as unknown.
    binh.sync().await?;
    ensure!(
        binh.meetings().await?.iter().all(|m| m.id != meeting.id),
        "a draft stays with the secretariat"
    );
    ensure!(binh.document(document.id).await.is_err());
    let token = binh.session_token().await?;
    let refused = reqwest::Client::new()
        .get(format!(
            "{}/v1/documents/{}/versions/1/chunks/0",
            server.url(),
            document.id
        ))
        .bearer_auth(&token)
        .send()
        .await?;
    ensure!(
        refused.status() == 404,
        "chunks of a draft: {}",
        refused.status()
    );
    ensure!(
        secretary.pending_keys().await?.is_empty(),
        "no member's device waits for a draft's keys"
    );

    // No vote, opinion round or adoption on a draft: members do not know of it.
    let vote = secretary
        .open_motion(
            item.id,
            &ecabinet_domain::api::OpenMotionRequest {
                question: "Thông qua?".into(),
                options: None,
                rule: ecabinet_domain::voting::MajorityRule::Simple,
                base: ecabinet_domain::voting::MajorityBase::Present,
                quorum: None,
                closes_at: None,
            },
        )
        .await
        .expect_err("a vote on a draft");
    ensure!(
        vote.code() == "conflict" && vote.to_string().contains("draft"),
        "{vote}"
    );
    ensure!(
        secretary.motions(meeting.id).await?.is_empty(),
        "the refused vote is gone"
    );

    // A draft cancelled before publication stays the secretariat's.
    let abandoned = secretary
        .create_meeting_with(CreateMeetingRequest {
            title: "Phiên họp bỏ dở".into(),
            starts_at: starts,
            details: MeetingDetails::default(),
            draft: true,
        })
        .await?;
    let abandoned_item = secretary
        .add_agenda_item(abandoned.id, "Mục bỏ dở", None)
        .await?;
    secretary
        .add_document(
            abandoned_item.id,
            &demo_pdf("01-bao-cao-kinh-te-xa-hoi.pdf"),
            None,
        )
        .await?;
    secretary
        .update_meeting(
            abandoned.id,
            UpdateMeetingRequest {
                status: Some(MeetingStatus::Cancelled),
                ..Default::default()
            },
        )
        .await?;
    binh.sync().await?;
    ensure!(binh.meetings().await?.iter().all(|m| m.id != abandoned.id));
    ensure!(secretary.pending_keys().await?.is_empty());

    // Published: everything arrives, the details with it.
    secretary
        .update_meeting(
            meeting.id,
            UpdateMeetingRequest {
                status: Some(MeetingStatus::Published),
                ..Default::default()
            },
        )
        .await?;
    binh.sync().await?;
    let agenda = binh.agenda(meeting.id).await?;
    ensure!(agenda.meeting.status == MeetingStatus::Published);
    ensure!(agenda.meeting.details.kind == MeetingKind::Thematic);
    ensure!(agenda.meeting.details.place.as_deref() == Some("Phòng họp số 1, Văn phòng Chính phủ"));
    ensure!(agenda.meeting.details.substitutes.len() == 1);
    ensure!(agenda.items.len() == 1 && agenda.documents.len() == 1);
    let (_, opened) = binh.open_document(document.id).await?;
    ensure!(*opened == std::fs::read(demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"))?);
    // A render the reader no longer wants is dropped when its turn comes.
    let dropped = binh
        .render_page_unless(document.id, 1, 50.0, || true)
        .await
        .expect_err("cancelled");
    ensure!(dropped.code() == "cancelled");
    let page = binh
        .render_page_unless(document.id, 1, 50.0, || false)
        .await?;
    ensure!(page.png.starts_with(b"\x89PNG"));
    let view = binh.document_view(document.id).await?;
    ensure!(view.handling == handling, "the reader learns the marks");
    let no_export = binh
        .check_export(document.id)
        .await
        .expect_err("members may not take it out");
    ensure!(no_export.code() == "no_export", "{no_export}");
    secretary.check_export(document.id).await?;

    // The item's status reaches the members.
    let mut details = item.details.clone();
    details.status = ItemStatus::InDiscussion;
    secretary
        .update_agenda_item(
            item.id,
            UpdateAgendaItemRequest {
                title: None,
                details: Some(details),
            },
        )
        .await?;
    cuong.sync().await?;
    ensure!(cuong.agenda(meeting.id).await?.items[0].details.status == ItemStatus::InDiscussion);

    // A revision: what changed, page by page; the same text again: nothing.
    secretary
        .revise_document(document.id, &demo_pdf("03-de-an-chuyen-doi-so.pdf"), None)
        .await?;
    binh.sync().await?;
    let changes = binh.document_changes(document.id, None).await?;
    ensure!((changes.from_version, changes.to_version) == (1, 2));
    ensure!(!changes.hunks.is_empty());
    ensure!(changes.hunks.iter().all(|h| h
        .new_pages
        .iter()
        .all(|p| *p >= 1 && *p <= changes.new_page_count)));
    ensure!(
        binh.document_view(document.id).await?.handling == handling,
        "a revision keeps the marks unless changed"
    );
    secretary
        .revise_document(document.id, &demo_pdf("03-de-an-chuyen-doi-so.pdf"), None)
        .await?;
    binh.sync().await?;
    ensure!(binh
        .document_changes(document.id, None)
        .await?
        .hunks
        .is_empty());
    let wrong = binh
        .document_changes(document.id, Some(3))
        .await
        .expect_err("compare with an earlier version");
    ensure!(wrong.code() == "invalid_argument");

    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_meetings_and_item_status_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_meetings_and_item_status_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}
