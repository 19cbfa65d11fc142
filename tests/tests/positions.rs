//! Positions before the meeting, on both databases: members answer per item
//! (one offline, from two devices), the secretariat sees who said what, the
//! quiet items are adopted in one action, and nothing changes once the
//! meeting has started.

use std::sync::{Arc, Mutex};

use anyhow::Result;
use chrono::{Duration, Utc};
use ecabinet_client::{Client, VoteOutcome};
use ecabinet_domain::positions::Stance;
use ecabinet_domain::Role;
use ecabinet_e2e::relay::relay;
use ecabinet_e2e::{Backend, TestServer};

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    let link = relay(Arc::new(Mutex::new(server.server.local_addr))).await?;
    let code = server.invite("Phạm Thị Dung", Role::Member).await?;
    let dung = Client::enroll(&server.profile("dung"), &link.url(), &code, None).await?;
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp thường kỳ", Utc::now() + Duration::hours(2))
        .await?;
    let quiet = secretary
        .add_agenda_item(meeting.id, "Báo cáo tình hình", None)
        .await?;
    let contested = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let spoken = secretary
        .add_agenda_item(meeting.id, "Đề án chuyển đổi số", None)
        .await?;
    for member in [&binh, &cuong, &dung] {
        member.sync().await?;
    }

    assert!(matches!(
        binh.set_position(quiet.id, Stance::NoObjection).await?,
        VoteOutcome::Counted { .. }
    ));
    binh.set_position(contested.id, Stance::NoObjection).await?;
    cuong.set_position(contested.id, Stance::Speak).await?;
    // Cường changes his mind: an objection, with its reason (the latest counts).
    cuong
        .set_position(
            contested.id,
            Stance::Objection {
                reason: "Chưa đánh giá tác động".into(),
            },
        )
        .await?;
    cuong.set_position(spoken.id, Stance::Speak).await?;
    // Dung answers offline; it reaches the secretariat when she reconnects.
    link.set_online(false);
    assert_eq!(
        dung.set_position(quiet.id, Stance::NoObjection).await?,
        VoteOutcome::Waiting
    );
    let refused = dung
        .set_position(
            contested.id,
            Stance::Objection {
                reason: "  ".into(),
            },
        )
        .await
        .expect_err("an objection needs a reason");
    assert_eq!(refused.code(), "invalid_argument");
    link.set_online(true);
    dung.sync().await?;

    secretary.sync().await?;
    let views = secretary.positions(meeting.id).await?;
    let by_title = |title: &str| views.iter().find(|v| v.item.title == title).expect("item");
    let q = &by_title("Báo cáo tình hình").summary;
    assert_eq!((q.no_objection.len(), q.silent.len()), (2, 1));
    assert!(q.proposed_without_discussion);
    let c = &by_title("Dự thảo Nghị định").summary;
    assert_eq!(c.objections.len(), 1);
    assert_eq!(c.objections[0].1, "Chưa đánh giá tác động");
    assert!(
        c.speakers.is_empty(),
        "the objection replaced the wish to speak"
    );
    assert!(!c.proposed_without_discussion);
    assert!(
        !by_title("Đề án chuyển đổi số")
            .summary
            .proposed_without_discussion
    );

    // A member sees only their own positions.
    binh.sync().await?;
    let mine = binh.positions(meeting.id).await?;
    assert!(
        mine.iter().all(|v| v.summary.objections.is_empty()),
        "others' objections stay with the secretariat"
    );
    assert_eq!(mine[0].mine, Some(Stance::NoObjection));

    // Naming a contested item is refused; adopting all proposed takes the quiet one only.
    let refused = secretary
        .adopt_without_discussion(meeting.id, Some(vec![contested.id]))
        .await
        .expect_err("contested");
    assert_eq!(refused.code(), "conflict");
    let decisions = secretary.adopt_without_discussion(meeting.id, None).await?;
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].agenda_item_id, quiet.id);
    cuong.sync().await?;
    let seen = cuong.positions(meeting.id).await?;
    assert!(
        seen.iter()
            .any(|v| v.item.id == quiet.id && v.decision.is_some()),
        "everyone sees the adoption"
    );

    // Once the meeting has started, positions are refused by the server.
    secretary
        .update_meeting(
            meeting.id,
            ecabinet_domain::api::UpdateMeetingRequest {
                title: None,
                starts_at: Some(Utc::now() - Duration::minutes(1)),
                ..Default::default()
            },
        )
        .await?;
    link.set_online(false);
    assert_eq!(
        dung.set_position(spoken.id, Stance::Speak).await?,
        VoteOutcome::Waiting
    );
    link.set_online(true);
    let report = dung.sync().await?;
    assert_eq!(report.changes_rejected, 1);
    assert_eq!(
        dung.sync_status().await?.rejected[0].code,
        "meeting_started"
    );
    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_before_the_meeting_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_before_the_meeting_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}

/// The secretariat reorders the agenda; every device sees the new order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agenda_can_be_reordered() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let mut ids = Vec::new();
    for title in ["Một", "Hai", "Ba", "Bốn"] {
        ids.push(secretary.add_agenda_item(meeting.id, title, None).await?.id);
    }
    let moved = secretary.move_agenda_item(ids[3], 1).await?;
    assert_eq!(moved.len(), 4, "every item's position changed");
    secretary.move_agenda_item(ids[1], 99).await?; // past the end: last
    member.sync().await?;
    let titles: Vec<String> = member
        .agenda(meeting.id)
        .await?
        .items
        .into_iter()
        .map(|i| format!("{}:{}", i.position, i.title))
        .collect();
    assert_eq!(titles, ["1:Bốn", "2:Một", "3:Ba", "4:Hai"]);
    let refused = member
        .move_agenda_item(ids[0], 2)
        .await
        .expect_err("members do not reorder");
    assert_eq!(refused.code(), "forbidden");
    server.stop().await
}
