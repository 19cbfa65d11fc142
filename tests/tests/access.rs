//! Per-item access, on both databases: a restricted item's documents reach
//! only the listed persons and the secretariat. Outsiders see the title, get
//! 403 for its keys and chunks (checked at the HTTP level), and never receive
//! its documents in the change stream; a person added later receives them.

use anyhow::Result;
use chrono::Utc;
use ecabinet_domain::api::ErrorBody;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

fn demo_pdf(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo")
        .join(name)
}

async fn access(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    let dung = server.enrol("Phạm Thị Dung", Role::Member).await?;
    secretary.sync().await?;
    let binh_id = binh.summary().person.id;

    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let open = secretary
        .add_agenda_item(meeting.id, "Báo cáo chung", None)
        .await?;
    let secret = secretary
        .add_agenda_item(meeting.id, "Nhân sự cấp cao", Some(vec![binh_id]))
        .await?;
    assert!(secret.restricted && !open.restricted);
    let public_doc = secretary
        .add_document(open.id, &demo_pdf("01-bao-cao-kinh-te-xa-hoi.pdf"), None)
        .await?;
    let secret_doc = secretary
        .add_document(
            secret.id,
            &demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
            Some("Hồ sơ nhân sự"),
        )
        .await?;

    for member in [&binh, &cuong, &dung] {
        member.sync().await?;
    }
    // Everyone sees both items' titles.
    for member in [&binh, &cuong] {
        let view = member.agenda(meeting.id).await?;
        assert_eq!(view.items.len(), 2);
        assert!(view
            .items
            .iter()
            .any(|i| i.title == "Nhân sự cấp cao" && i.restricted));
    }
    // Bình (listed) reads the restricted document; Cường never even receives it.
    let binh_view = binh.agenda(meeting.id).await?;
    assert_eq!(binh_view.documents.len(), 2);
    assert_eq!(binh_view.access.len(), 1, "listed persons see the list");
    binh.open_document(secret_doc.id).await?;
    let cuong_view = cuong.agenda(meeting.id).await?;
    assert_eq!(
        cuong_view
            .documents
            .iter()
            .map(|d| d.id)
            .collect::<Vec<_>>(),
        vec![public_doc.id]
    );
    assert!(
        cuong_view.access.is_empty(),
        "outsiders do not see who is on the list"
    );
    cuong.open_document(public_doc.id).await?;
    assert_eq!(
        cuong
            .open_document(secret_doc.id)
            .await
            .expect_err("not in the replica")
            .code(),
        "not_found"
    );
    // The secretariat sees everything, list included.
    let secretariat_view = secretary.agenda(meeting.id).await?;
    assert_eq!(
        (
            secretariat_view.documents.len(),
            secretariat_view.access.len()
        ),
        (2, 1)
    );

    // At the HTTP level, an outsider asking directly gets 403 for keys and chunks.
    let token = cuong.session_token().await?;
    let http = reqwest::Client::new();
    for path in ["key", "chunks/0"] {
        let url = format!(
            "{}/v1/documents/{}/versions/1/{path}",
            server.url(),
            secret_doc.id
        );
        let response = http.get(&url).bearer_auth(&token).send().await?;
        assert_eq!(response.status(), 403, "{path}");
        let body: ErrorBody = response.json().await?;
        assert_eq!(body.code, "forbidden");
    }
    // Nor may an outsider vote on it: the ballot is refused, a listed member's counted
    // (the group commit reads who may read the item once per wave).
    let motion = secretary
        .open_motion(
            secret.id,
            &ecabinet_domain::api::OpenMotionRequest {
                question: "Thông qua?".into(),
                options: None,
                rule: ecabinet_domain::voting::MajorityRule::Simple,
                base: ecabinet_domain::voting::MajorityBase::Present,
                quorum: None,
                closes_at: None,
            },
        )
        .await?;
    // (His app does not even show the vote; a push made by hand is refused.)
    let mut outsider = server.raw_device("Hoàng Văn Em", Role::Member).await?;
    let ops = outsider.ops(vec![outsider.ballot(
        motion.id,
        outsider.caller.person.id,
        "yes",
    )?]);
    let packed = ecabinet_domain::wire::pack(&outsider.batch(&ops)?)?;
    let answer = ecabinet_e2e::ballots::post_packed(
        &reqwest::Client::new(),
        &server.url(),
        &outsider.token,
        packed,
    )
    .await?;
    assert!(
        matches!(&answer, ecabinet_domain::ops::OpResult::Rejected { code, .. } if code == "forbidden"),
        "{answer:?}"
    );
    binh.sync().await?;
    assert!(matches!(
        binh.vote(motion.id, "yes").await?,
        ecabinet_client::VoteOutcome::Counted { .. }
    ));
    secretary.close_motion(motion.id).await?;

    // And members may not change access.
    let refused = cuong
        .set_item_access(secret.id, None)
        .await
        .expect_err("members may not");
    assert_eq!(refused.code(), "forbidden");

    // Cường is added: the item's documents are re-announced to him, and the
    // secretariat's next sync wraps the key for his device.
    let cuong_id = cuong.summary().person.id;
    secretary
        .set_item_access(secret.id, Some(vec![binh_id, cuong_id]))
        .await?;
    cuong.sync().await?;
    assert_eq!(cuong.agenda(meeting.id).await?.documents.len(), 2);
    let (fetched, _) = cuong.open_document(secret_doc.id).await?;
    assert_eq!(fetched.title, "Hồ sơ nhân sự");
    // Dũng is still outside.
    dung.sync().await?;
    assert_eq!(dung.agenda(meeting.id).await?.documents.len(), 1);

    // A list naming a stranger is refused.
    let stranger = ecabinet_domain::PersonId::new();
    let refused = secretary
        .set_item_access(secret.id, Some(vec![stranger]))
        .await
        .expect_err("unknown person");
    assert_eq!(refused.code(), "bad_request");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item_access_on_sqlite() -> Result<()> {
    access(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn item_access_on_postgres() -> Result<()> {
    access(Backend::Postgres).await
}
