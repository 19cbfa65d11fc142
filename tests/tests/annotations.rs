//! Annotations end to end, on both databases: made offline on two devices of
//! one member, merged on both; private ones never reach anyone else; sharing
//! with the participants or the secretariat, and withdrawing it, reach the
//! right people; a revision never drops a note; forged pushes store nothing.

use anyhow::{Context, Result};
use chrono::Utc;
use ecabinet_client::{AnnotationEdit, Client, NewAnnotation, Placement};
use ecabinet_domain::annotation::AnnotationKind;
use ecabinet_domain::ops::ShareScope;
use ecabinet_domain::{DocumentId, Role};
use ecabinet_e2e::{Backend, TestServer};

fn demo_pdf(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo")
        .join(name)
}

/// Texts of the annotations a device shows on a document, sorted.
async fn texts(client: &Client, document: DocumentId) -> Result<Vec<String>> {
    let mut texts: Vec<String> = client
        .annotations(document)
        .await?
        .annotations
        .into_iter()
        .map(|a| format!("{}:{}", a.kind.as_str(), a.text))
        .collect();
    texts.sort();
    Ok(texts)
}

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let laptop = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    // Bình's second device, enrolled with a code for the same person.
    let binh = laptop.summary().person;
    let code = server
        .server
        .services
        .issue_invite(binh.clone())
        .await?
        .code;
    let tablet = Client::enroll(
        &server.profile("binh-tablet"),
        &server.url(),
        &code.to_string(),
        Some("Bình's tablet"),
    )
    .await?;

    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp thường kỳ", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let document = secretary
        .add_document(
            item.id,
            &demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
            None,
        )
        .await?;
    for client in [&laptop, &tablet, &cuong] {
        client.sync().await?;
        client.open_document(document.id).await?; // cached for offline reading
    }

    // Offline on both devices (no sync between the edits and here).
    let note = laptop
        .annotate(NewAnnotation {
            document_id: document.id,
            page: 1,
            text: Some("Hỏi lại Bộ Tư pháp".into()),
            ..Default::default()
        })
        .await?;
    assert!(note.waiting_to_send && note.mine);
    assert_eq!(note.share, ShareScope::Private);
    assert_eq!(laptop.sync_status().await?.waiting_to_send, 1);
    // A phrase of the draft decree's title, absent from the report it is later replaced with.
    let quote = "Quy định về giao dịch điện tử".to_owned();
    let highlight = tablet
        .annotate(NewAnnotation {
            document_id: document.id,
            page: 1,
            quote: Some(quote.clone()),
            colour: Some("green".into()),
            ..Default::default()
        })
        .await?;
    assert_eq!(highlight.kind, AnnotationKind::Highlight);
    assert!(
        !highlight.anchor.after.is_empty(),
        "context kept for re-anchoring"
    );
    let wrong = tablet
        .annotate(NewAnnotation {
            document_id: document.id,
            page: 1,
            quote: Some("không hề có trong văn bản".into()),
            ..Default::default()
        })
        .await
        .expect_err("a quote that is not on the page");
    assert_eq!(wrong.code(), "invalid_argument");

    // Three syncs exchange the person keys both ways and every op.
    let report = laptop.sync().await?;
    assert_eq!((report.changes_sent, report.changes_rejected), (1, 0));
    tablet.sync().await?;
    laptop.sync().await?;
    let expected = vec![
        "highlight:".to_owned(),
        "note:Hỏi lại Bộ Tư pháp".to_owned(),
    ];
    assert_eq!(texts(&laptop, document.id).await?, expected);
    assert_eq!(texts(&tablet, document.id).await?, expected);
    assert_eq!(laptop.sync_status().await?.waiting_to_send, 0);

    // Private: nobody else receives them, not even the secretariat.
    for other in [&cuong, &secretary] {
        other.sync().await?;
        assert!(texts(other, document.id).await?.is_empty());
    }

    // Shared with the participants: Cường and the secretariat read it.
    laptop
        .edit_annotation(
            note.id,
            AnnotationEdit {
                share: Some(ShareScope::Participants),
                ..Default::default()
            },
        )
        .await?;
    laptop.sync().await?;
    for other in [&cuong, &secretary] {
        other.sync().await?;
        assert_eq!(
            texts(other, document.id).await?,
            vec!["note:Hỏi lại Bộ Tư pháp".to_owned()]
        );
        let seen = &other.annotations(document.id).await?.annotations[0];
        assert_eq!(seen.author_name, "Trần Thị Bình");
        assert!(!seen.mine);
    }
    // Others may not change it.
    let refused = cuong
        .edit_annotation(
            note.id,
            AnnotationEdit {
                text: Some("sửa trộm".into()),
                ..Default::default()
            },
        )
        .await
        .expect_err("not the author");
    assert_eq!(refused.code(), "invalid_argument");

    // Withdrawn: gone from Cường's and the secretary's devices, kept on Bình's.
    laptop
        .edit_annotation(
            note.id,
            AnnotationEdit {
                share: Some(ShareScope::Private),
                ..Default::default()
            },
        )
        .await?;
    laptop.sync().await?;
    for other in [&cuong, &secretary] {
        other.sync().await?;
        assert!(texts(other, document.id).await?.is_empty());
    }
    tablet.sync().await?;
    assert_eq!(texts(&tablet, document.id).await?, expected);

    // Shared with the secretariat only.
    tablet
        .edit_annotation(
            highlight.id,
            AnnotationEdit {
                share: Some(ShareScope::Secretariat),
                text: Some("Cần ý kiến Văn phòng".into()),
                ..Default::default()
            },
        )
        .await?;
    tablet.sync().await?;
    secretary.sync().await?;
    cuong.sync().await?;
    assert_eq!(
        texts(&secretary, document.id).await?,
        vec!["highlight:Cần ý kiến Văn phòng".to_owned()]
    );
    assert!(texts(&cuong, document.id).await?.is_empty());

    // Concurrent offline edits of one note: both devices settle on the same text.
    laptop
        .edit_annotation(
            note.id,
            AnnotationEdit {
                text: Some("bản trên máy tính".into()),
                ..Default::default()
            },
        )
        .await?;
    tablet
        .edit_annotation(
            note.id,
            AnnotationEdit {
                text: Some("bản trên máy tính bảng".into()),
                ..Default::default()
            },
        )
        .await?;
    laptop.sync().await?;
    tablet.sync().await?;
    laptop.sync().await?;
    let on_laptop = texts(&laptop, document.id).await?;
    assert_eq!(on_laptop, texts(&tablet, document.id).await?);
    assert!(
        on_laptop.contains(&"note:bản trên máy tính bảng".to_owned()),
        "the later edit wins: {on_laptop:?}"
    );

    // A deletion on one device reaches the other.
    tablet
        .edit_annotation(
            note.id,
            AnnotationEdit {
                deleted: Some(true),
                ..Default::default()
            },
        )
        .await?;
    tablet.sync().await?;
    laptop.sync().await?;
    assert_eq!(texts(&laptop, document.id).await?.len(), 1);

    // A revision with other text: the highlight is listed as unplaced, not lost.
    secretary
        .revise_document(
            document.id,
            &demo_pdf("01-bao-cao-kinh-te-xa-hoi.pdf"),
            None,
        )
        .await?;
    laptop.sync().await?;
    let list = laptop.annotations(document.id).await?;
    assert_eq!(list.version, 2);
    let kept = list
        .annotations
        .iter()
        .find(|a| a.id == highlight.id)
        .context("the highlight survives the revision")?;
    assert_eq!(kept.placement, Placement::Unplaced);
    assert_eq!(kept.anchor.quote, quote);

    server.stop().await
}

#[tokio::test]
async fn annotations_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test]
async fn annotations_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}

/// Pushes that are forged, replayed or malformed, at the HTTP level.
#[tokio::test]
async fn bad_pushes_are_refused_and_replays_get_the_same_answer() -> Result<()> {
    use ecabinet_domain::ops::{PushBatch, PushResponse};
    use ecabinet_domain::wire;

    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary.add_agenda_item(meeting.id, "Mục 1", None).await?;
    let document = secretary
        .add_document(item.id, &demo_pdf("03-de-an-chuyen-doi-so.pdf"), None)
        .await?;
    member.sync().await?;
    member
        .annotate(NewAnnotation {
            document_id: document.id,
            page: 1,
            text: Some("ghi chú".into()),
            ..Default::default()
        })
        .await?;
    let batch = member
        .signed_outbox_batch()
        .await?
        .context("one op waits")?;
    let token = member.session_token().await?;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/ops", server.url());
    let post = |body: Vec<u8>, token: String| {
        http.post(&url)
            .bearer_auth(token)
            .header("content-type", wire::PACKED_CONTENT_TYPE)
            .body(body)
            .send()
    };

    // A forged signature: 403, nothing stored.
    let mut forged = batch.clone();
    forged.signature.0[0] ^= 1;
    let response = post(wire::pack(&forged)?, token.clone()).await?;
    assert_eq!(response.status(), 403);
    let body: ecabinet_domain::api::ErrorBody = response.json().await?;
    assert_eq!(body.code, "bad_signature");
    // Garbage: 400.
    let response = post(b"not a push".to_vec(), token.clone()).await?;
    assert_eq!(response.status(), 400);
    // Another device's batch sent with this device's session: 403.
    let other = PushBatch {
        device_id: secretary.profile().device_id,
        ..batch.clone()
    };
    assert_eq!(
        post(wire::pack(&other)?, token.clone()).await?.status(),
        403
    );
    assert_eq!(
        member.sync_status().await?.waiting_to_send,
        1,
        "nothing stored"
    );

    // The genuine batch, twice: the same answer both times.
    let first: PushResponse = wire::unpack(
        &post(wire::pack(&batch)?, token.clone())
            .await?
            .bytes()
            .await?,
    )?;
    let again: PushResponse = wire::unpack(
        &post(wire::pack(&batch)?, token.clone())
            .await?
            .bytes()
            .await?,
    )?;
    assert_eq!(first, again);
    assert!(matches!(
        first.results[0],
        ecabinet_domain::ops::OpResult::Accepted { .. }
    ));
    // The member's own sync then learns it was accepted (via the pull) and sends nothing new.
    let report = member.sync().await?;
    assert_eq!(member.sync_status().await?.waiting_to_send, 0);
    assert_eq!(report.changes_rejected, 0);
    server.stop().await
}

/// The event socket: a device following the server hears that a change
/// happened (even one it may not see), pulls, and its cursor then matches
/// the server's, so it is not poked again for nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_pokes_followers_when_the_stream_moves() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    let other = std::sync::Arc::new(server.enrol("Lê Văn Cường", Role::Member).await?);
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary.add_agenda_item(meeting.id, "Mục 1", None).await?;
    let document = secretary
        .add_document(item.id, &demo_pdf("03-de-an-chuyen-doi-so.pdf"), None)
        .await?;
    member.sync().await?;
    other.sync().await?;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let follower = other.clone();
    let follow = tokio::spawn(async move {
        follower
            .follow_server(move |cursor| {
                let _ = tx.send(cursor);
            })
            .await
    });
    // A private note: Cường may not see it, but the stream moved.
    member
        .annotate(NewAnnotation {
            document_id: document.id,
            page: 1,
            text: Some("riêng".into()),
            ..Default::default()
        })
        .await?;
    member.sync().await?;
    let cursor = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .context("no poke within 10 s")?
        .context("the socket closed")?;
    let report = other.sync().await?;
    assert_eq!(
        report.cursor, cursor,
        "the cursor moves past changes one may not see"
    );
    assert_eq!(report.changes_received, 0);
    assert!(texts(&other, document.id).await?.is_empty());
    follow.abort();
    server.stop().await
}

/// A highlight drawn as a rectangle (as in the desktop reader) takes the
/// words under it as its quote, so it can follow them to a revision.
#[tokio::test]
async fn a_drawn_highlight_takes_the_words_under_it() -> Result<()> {
    use ecabinet_domain::annotation::PageRect;
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary.add_agenda_item(meeting.id, "Mục 1", None).await?;
    let document = secretary
        .add_document(
            item.id,
            &demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
            None,
        )
        .await?;
    member.sync().await?;
    let drawn = member
        .annotate(NewAnnotation {
            document_id: document.id,
            kind: Some(AnnotationKind::Highlight),
            page: 1,
            rects: vec![PageRect {
                x: 0.0,
                y: 0.0,
                width: 1.0,
                height: 0.25,
            }],
            ..Default::default()
        })
        .await?;
    let page = member.page_text(document.id, 1).await?;
    let first_words: String = drawn
        .anchor
        .quote
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        !first_words.is_empty() && page.contains(&first_words),
        "quote {:?} should be words of page 1",
        drawn.anchor.quote
    );
    server.stop().await
}
