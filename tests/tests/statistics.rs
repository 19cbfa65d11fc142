//! The statistics report from a secretariat device, on both databases,
//! after a real meeting: a session that discussed one item and adopted two
//! (one without anybody given the floor), a written-opinion round with an
//! answer in time and one late, a closed vote; a cancelled meeting beside it.

use anyhow::Result;
use chrono::{Duration, Utc};
use ecabinet_domain::api::{OpenMotionRequest, RequestOpinionsRequest, UpdateMeetingRequest};
use ecabinet_domain::session::{ItemOutcome, SpeechKind};
use ecabinet_domain::voting::{MajorityBase, MajorityRule, Presence};
use ecabinet_domain::{MeetingStatus, Role};
use ecabinet_e2e::{Backend, TestServer};

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp thường kỳ tháng 12", Utc::now())
        .await?;
    let decree = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let report = secretary
        .add_agenda_item(meeting.id, "Báo cáo kinh tế - xã hội", None)
        .await?;
    secretary
        .add_agenda_item(meeting.id, "Đề án chuyển đổi số", None)
        .await?;
    let cancelled = secretary
        .create_meeting("Phiên họp bất thường", Utc::now() + Duration::days(1))
        .await?;
    secretary
        .update_meeting(
            cancelled.id,
            UpdateMeetingRequest {
                status: Some(MeetingStatus::Cancelled),
                ..UpdateMeetingRequest::default()
            },
        )
        .await?;

    // A written-opinion round on the decree: Bình answers in time, Cường late.
    let request = secretary
        .request_opinions(
            decree.id,
            &RequestOpinionsRequest {
                question: "Ý kiến về dự thảo Nghị định?".into(),
                deadline: Utc::now() + Duration::seconds(2),
                recipients: Some(vec![binh.summary().person.id, cuong.summary().person.id]),
                answers: None,
                documents: None,
                mandates: Vec::new(),
                reminders: Vec::new(),
            },
        )
        .await?;
    binh.sync().await?;
    cuong.sync().await?;
    binh.answer_opinion(request.id, "agree", "Đồng ý", None, vec![])
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    cuong
        .answer_opinion(request.id, "agree", "Trễ hạn", None, vec![])
        .await?;

    // The session: the decree is discussed and adopted after a vote; the
    // report is adopted with nobody given the floor; the plan is not reached.
    secretary.start_session(meeting.id).await?;
    for member in [&binh, &cuong] {
        secretary
            .record_attendance(meeting.id, member.summary().person.id, Presence::Present)
            .await?;
    }
    secretary.take_up_item(decree.id).await?;
    binh.request_floor(decree.id, SpeechKind::Speech).await?;
    secretary.floor_next(decree.id).await?;
    secretary.floor_end(decree.id).await?;
    let motion = secretary
        .open_motion(
            decree.id,
            &OpenMotionRequest {
                question: "Thông qua dự thảo Nghị định?".into(),
                options: None,
                rule: MajorityRule::Simple,
                base: MajorityBase::Present,
                quorum: None,
                closes_at: None,
            },
        )
        .await?;
    binh.sync().await?;
    binh.vote(motion.id, "yes").await?;
    secretary.close_motion(motion.id).await?;
    secretary
        .record_outcome(decree.id, ItemOutcome::Adopted, None)
        .await?;
    secretary.take_up_item(report.id).await?;
    secretary
        .record_outcome(report.id, ItemOutcome::Adopted, None)
        .await?;
    secretary.end_session(meeting.id).await?;
    secretary.sync().await?;

    let stats = secretary.statistics(None, None).await?;
    let total = &stats.total;
    assert_eq!(
        (total.meetings, total.held, total.cancelled),
        (2, 1, 1),
        "{total:?}"
    );
    assert_eq!(total.items, 3);
    assert_eq!((total.outcomes.adopted, total.outcomes.undecided), (2, 1));
    assert_eq!(
        total.adopted_without_discussion, 1,
        "the report, not the decree"
    );
    assert_eq!((total.opinion_rounds, total.opinions_requested), (1, 2));
    assert_eq!((total.opinions_answered, total.late_answers), (1, 1));
    assert!(
        total.median_hours_to_answer.is_some_and(|h| h < 0.1),
        "{total:?}"
    );
    assert_eq!(total.votes, 1);
    assert_eq!(total.ballots, 1);
    assert!(
        total.turnout.is_some_and(|t| t > 0.0 && t <= 1.0),
        "{total:?}"
    );
    assert_eq!(stats.meetings[0].meeting, Some(meeting.id));

    // A period before everything: nothing in it. A member may not ask.
    let empty = secretary
        .statistics(None, Some(Utc::now() - Duration::days(1)))
        .await?;
    assert_eq!(empty.total.meetings, 0);
    let refused = binh
        .statistics(None, None)
        .await
        .expect_err("members get no report");
    assert_eq!(refused.code(), "invalid_argument");

    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_after_a_meeting_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_after_a_meeting_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}
