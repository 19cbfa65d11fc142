//! A written-opinion round, on both databases: a member answers and
//! changes their answer, a deputy answers for a member under a mandate, a
//! reminder reaches only those who have not answered, a late answer is kept
//! and marked but not counted, and the report carries every signed comment.

use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use ecabinet_client::VoteOutcome;
use ecabinet_domain::api::RequestOpinionsRequest;
use ecabinet_domain::opinions::Mandate;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let an = server.enrol("Trần Thị Bình", Role::Member).await?;
    let late = server.enrol("Lê Văn Cường", Role::Member).await?;
    let absent = server.enrol("Phạm Thị Dung", Role::Member).await?;
    let deputy = server
        .enrol("Hoàng Văn Em (Thứ trưởng)", Role::Member)
        .await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Lấy ý kiến", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let now = Utc::now();
    let recipients = vec![
        an.summary().person.id,
        late.summary().person.id,
        absent.summary().person.id,
    ];
    let request = secretary
        .request_opinions(
            item.id,
            &RequestOpinionsRequest {
                question: "Ý kiến về dự thảo Nghị định giao dịch điện tử?".into(),
                deadline: now + Duration::seconds(4),
                recipients: Some(recipients),
                answers: None,
                documents: None,
                mandates: vec![Mandate {
                    member: absent.summary().person.id,
                    substitute: deputy.summary().person.id,
                }],
                reminders: vec![now + Duration::milliseconds(1500)],
            },
        )
        .await?;
    for client in [&an, &late, &absent, &deputy] {
        client.sync().await?;
    }
    assert_eq!(an.opinion_requests().await?.len(), 1);
    assert_eq!(
        deputy.opinion_requests().await?[0].answering_for,
        vec![absent.summary().person.id]
    );

    // An answers, then changes her answer before the deadline.
    assert!(matches!(
        an.answer_opinion(request.id, "agree", "Đồng ý", None, vec![])
            .await?,
        VoteOutcome::Counted { .. }
    ));
    an.answer_opinion(
        request.id,
        "disagree",
        "Điều 5 chưa rõ, cần sửa",
        None,
        vec![],
    )
    .await?;
    // The deputy answers for Dung under the mandate; not for anyone else.
    deputy
        .answer_opinion(
            request.id,
            "agree_with_comments",
            "Đề nghị bổ sung lộ trình",
            Some(absent.summary().person.id),
            vec![],
        )
        .await?;
    let refused = deputy
        .answer_opinion(
            request.id,
            "agree",
            "",
            Some(late.summary().person.id),
            vec![],
        )
        .await
        .expect_err("no mandate for this member");
    assert_eq!(refused.code(), "invalid_argument");

    // The reminder reaches Cường (who has not answered) only.
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    late.sync().await?;
    an.sync().await?;
    assert_eq!(late.opinion_requests().await?[0].reminded, 1);
    assert_eq!(an.opinion_requests().await?[0].reminded, 0);

    // After the deadline, Cường's answer is kept, marked late, not counted.
    tokio::time::sleep(std::time::Duration::from_millis(2_000)).await;
    late.answer_opinion(request.id, "agree", "Xin lỗi vì trễ hạn", None, vec![])
        .await?;
    let view = secretary.opinion_status(request.id).await?;
    let status = &view.status;
    assert_eq!(status.counted.len(), 2);
    assert_eq!(status.superseded.len(), 1);
    assert_eq!(status.late.len(), 1);
    assert_eq!(status.not_answered, vec![late.summary().person.id]);
    let counts: Vec<u32> = status.per_answer.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, vec![0, 1, 1]);
    let by_deputy = status
        .counted
        .iter()
        .find(|r| r.response.respondent == absent.summary().person.id)
        .context("the deputy's answer")?;
    assert_eq!(
        by_deputy.response.signer,
        deputy.summary().person.id,
        "the response says who signed for the member"
    );

    // The report: grouped by answer, every comment, signer, signature validity.
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("tong-hop.csv");
    secretary.opinion_report(request.id, &csv).await?;
    let text = std::fs::read_to_string(&csv)?;
    assert!(text.starts_with("answer,member,signed_by,on_behalf,signature_valid"));
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.contains("Điều 5 chưa rõ, cần sửa") && text.contains("Hoàng Văn Em (Thứ trưởng)"));
    assert!(
        text.lines().skip(1).all(|l| l.contains(",true,")),
        "every signature holds: {text}"
    );
    let json = dir.path().join("tong-hop.json");
    secretary.opinion_report(request.id, &json).await?;
    let parsed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
    assert_eq!(parsed["responses"].as_array().map(Vec::len), Some(3));
    let pdf = dir.path().join("tong-hop.pdf");
    secretary.opinion_report(request.id, &pdf).await?;
    let bytes = std::fs::read(&pdf)?;
    let engine = ecabinet_pdf::PdfEngine::load()?;
    let document = engine.open(&bytes)?;
    let text = document.text(1)?;
    assert!(text.contains("TỔNG HỢP Ý KIẾN THÀNH VIÊN"), "{text}");
    assert!(
        text.contains("Điều 5 chưa rõ") && text.contains("ký thay"),
        "{text}"
    );
    let wrong = secretary
        .opinion_report(request.id, &dir.path().join("x.docx"))
        .await
        .expect_err("format");
    assert_eq!(wrong.code(), "invalid_argument");
    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_written_opinion_round_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_written_opinion_round_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}

/// A draft answer follows its author to their other device and nowhere else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_stay_with_their_author() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let laptop = server.enrol("Trần Thị Bình", Role::Member).await?;
    let other = server.enrol("Lê Văn Cường", Role::Member).await?;
    let code = server
        .server
        .services
        .issue_invite(laptop.summary().person)
        .await?
        .code;
    let tablet = ecabinet_client::Client::enroll(
        &server.profile("tablet"),
        &server.url(),
        &code.to_string(),
        None,
    )
    .await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Lấy ý kiến", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo", None)
        .await?;
    let request = secretary
        .request_opinions(
            item.id,
            &RequestOpinionsRequest {
                // No question: the item's draft is what is asked about.
                question: String::new(),
                deadline: Utc::now() + Duration::hours(1),
                recipients: None,
                answers: None,
                documents: None,
                mandates: vec![],
                reminders: vec![],
            },
        )
        .await?;
    assert_eq!(request.question, "Đề nghị cho ý kiến về: Dự thảo");
    for client in [&laptop, &tablet, &other] {
        client.sync().await?;
    }
    laptop
        .save_opinion_draft(
            request.id,
            "agree_with_comments",
            "Bản nháp: cần xem lại khoản 3",
        )
        .await?;
    tablet.sync().await?;
    laptop.sync().await?;
    tablet.sync().await?;
    let draft = tablet
        .opinion_draft(request.id)
        .await?
        .context("the draft reached the tablet")?;
    assert_eq!(draft.comment, "Bản nháp: cần xem lại khoản 3");
    tablet
        .save_opinion_draft(request.id, "agree", "Bản nháp 2")
        .await?;
    laptop.sync().await?;
    assert_eq!(
        laptop
            .opinion_draft(request.id)
            .await?
            .context("draft")?
            .comment,
        "Bản nháp 2"
    );
    for outsider in [&secretary, &other] {
        outsider.sync().await?;
        assert!(
            outsider.opinion_draft(request.id).await?.is_none(),
            "a draft is private"
        );
    }
    let status = secretary.opinion_status(request.id).await?;
    assert!(status.status.counted.is_empty(), "a draft is not an answer");
    server.stop().await
}

/// An oversized comment, a forged response and an answer from someone not
/// asked are refused; nothing of them is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_responses_are_refused_and_nothing_is_stored() -> Result<()> {
    use ecabinet_domain::opinions::{response_message, MAX_COMMENT_CHARS};
    use ecabinet_domain::ops::{Bytes, OpBody, OpResult, OpinionOp, PushResponse};
    use ecabinet_domain::wire;

    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let mut member = server.raw_device("Trần Thị Bình", Role::Member).await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Lấy ý kiến", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo", None)
        .await?;
    let request = secretary
        .request_opinions(
            item.id,
            &RequestOpinionsRequest {
                question: "Ý kiến?".into(),
                deadline: Utc::now() + Duration::hours(1),
                recipients: None,
                answers: None,
                documents: None,
                mandates: vec![],
                reminders: vec![],
            },
        )
        .await?;
    let outsider = server.raw_device("Người ngoài", Role::Member).await?;
    let sign = |device: &ecabinet_e2e::RawDevice, comment: String, respondent| {
        let mut op = OpinionOp {
            request_id: request.id,
            respondent,
            choice: "agree".into(),
            comment,
            annotations: vec![],
            submitted_at: Utc::now(),
            nonce: Bytes(vec![7; 16]),
            signature: Bytes::default(),
        };
        let message = response_message(&op.response(device.caller.person.id, device.caller.device));
        op.signature = Bytes(device.keys.signing.sign(&message).to_vec());
        op
    };
    let me = member.caller.person.id;
    let oversized = sign(&member, "x".repeat(MAX_COMMENT_CHARS + 1), me);
    let mut forged = sign(&member, "Đồng ý".into(), me);
    forged.choice = "disagree".into();
    let ops = member.ops(vec![OpBody::Opinion(oversized)]);
    let response = member
        .post(&server.url(), wire::pack(&member.batch(&ops)?)?)
        .await?;
    assert_eq!(response.status(), 200);
    let answer: PushResponse = wire::unpack(&response.bytes().await?)?;
    assert!(
        matches!(&answer.results[0], OpResult::Rejected { code, .. } if code == "comment_too_long")
    );
    let ops = member.ops(vec![OpBody::Opinion(forged)]);
    let response = member
        .post(&server.url(), wire::pack(&member.batch(&ops)?)?)
        .await?;
    assert_eq!(response.status(), 403, "a forged response refuses the push");
    // Someone who was not asked (enrolled after the request was made).
    let mut late_comer = outsider;
    let theirs = sign(
        &late_comer,
        "Tôi cũng muốn góp ý".into(),
        late_comer.caller.person.id,
    );
    let ops = late_comer.ops(vec![OpBody::Opinion(theirs)]);
    let response = late_comer
        .post(&server.url(), wire::pack(&late_comer.batch(&ops)?)?)
        .await?;
    let answer: PushResponse = wire::unpack(&response.bytes().await?)?;
    assert!(matches!(&answer.results[0], OpResult::Rejected { code, .. } if code == "not_asked"));
    let status = secretary.opinion_status(request.id).await?.status;
    assert!(
        status.counted.is_empty() && status.late.is_empty(),
        "nothing stored"
    );
    server.stop().await
}
