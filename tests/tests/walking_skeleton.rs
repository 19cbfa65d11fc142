//! The walking skeleton, end to end, on both databases: a secretary and two
//! members enrol with the real client engine, the secretary builds a meeting,
//! both members sync and see exactly it, and everything works offline after.

use anyhow::Result;
use chrono::{TimeZone, Utc};
use ecabinet_client::{Client, SyncState};
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

async fn story(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;

    let starts = Utc
        .with_ymd_and_hms(2026, 12, 3, 1, 0, 0)
        .single()
        .expect("valid date");
    let meeting = secretary
        .create_meeting("Phiên họp Chính phủ thường kỳ tháng 12", starts)
        .await?;
    let first = secretary
        .add_agenda_item(meeting.id, "Báo cáo kinh tế - xã hội", None)
        .await?;
    let second = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định về giao dịch điện tử", None)
        .await?;
    assert_eq!((first.position, second.position), (1, 2));

    for member in [&binh, &cuong] {
        // Before syncing, the replica knows nothing of the meeting.
        assert!(member.meetings().await?.is_empty());
        let report = member.sync().await?;
        assert!(
            report.changes_received >= 3,
            "meeting and two items arrive: {report:?}"
        );
        let meetings = member.meetings().await?;
        assert_eq!(meetings, vec![meeting.clone()]);
        let agenda = member.agenda(meeting.id).await?;
        let titles: Vec<&str> = agenda.items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Báo cáo kinh tế - xã hội",
                "Dự thảo Nghị định về giao dịch điện tử"
            ]
        );
        assert_eq!(member.sync_status().await?.state, SyncState::Online);
        // A second sync brings nothing new and costs one round trip.
        let again = member.sync().await?;
        assert_eq!((again.changes_received, again.round_trips), (0, 1));
    }

    // Members cannot change the agenda; the server says why.
    let refused = binh
        .create_meeting("Họp riêng", starts)
        .await
        .expect_err("members may not create meetings");
    assert_eq!(refused.code(), "forbidden");
    let refused = binh
        .add_agenda_item(meeting.id, "Mục thêm", None)
        .await
        .expect_err("nor add items");
    assert_eq!(refused.code(), "forbidden");

    // The secretariat invites from its own device: a new person, and a second device of a member.
    let invite = secretary
        .invite(Some("Hoàng Văn Em"), Some(Role::Member), None)
        .await?;
    let em = Client::enroll(&server.profile("em"), &server.url(), &invite.code, None).await?;
    assert_eq!(em.summary().person.name, "Hoàng Văn Em");
    let people = secretary.people().await?;
    assert!(people
        .iter()
        .any(|p| p.name == "Hoàng Văn Em" && p.role == Role::Member));
    let second = secretary
        .invite(None, None, Some(binh.summary().person.id))
        .await?;
    let binh_tablet = Client::enroll(
        &server.profile("binh-tablet"),
        &server.url(),
        &second.code,
        Some("Máy tính bảng"),
    )
    .await?;
    assert_eq!(binh_tablet.summary().person.id, binh.summary().person.id);
    assert_ne!(binh_tablet.summary().device_id, binh.summary().device_id);
    let refused = binh
        .invite(Some("Người lạ"), Some(Role::Secretary), None)
        .await
        .expect_err("members may not invite");
    assert_eq!(refused.code(), "forbidden");
    let refused = secretary
        .invite(None, Some(Role::Member), None)
        .await
        .expect_err("half an invite");
    // Caught on the device, before anything is saved.
    assert_eq!(refused.code(), "invalid_argument");
    assert_eq!(secretary.sync_status().await?.waiting_to_send, 0);

    // A member links another device of their own, but not of someone else.
    let link = cuong.link_device().await?;
    let cuong_phone = Client::enroll(
        &server.profile("cuong-phone"),
        &server.url(),
        &link.code,
        Some("Điện thoại"),
    )
    .await?;
    assert_eq!(cuong_phone.summary().person.id, cuong.summary().person.id);
    let devices = cuong.devices().await?;
    assert_eq!(devices.len(), 2);
    assert_eq!(devices.iter().filter(|d| d.this_device).count(), 1);
    let refused = cuong
        .invite(None, None, Some(binh.summary().person.id))
        .await
        .expect_err("not someone else's device");
    assert_eq!(refused.code(), "forbidden");

    // An item with its presenting ministry and recommended action reaches members.
    let detailed = secretary
        .add_agenda_item_with(
            meeting.id,
            "Đề án chuyển đổi số",
            None,
            ecabinet_domain::ItemDetails {
                presenting_ministry: Some("Bộ Khoa học và Công nghệ".into()),
                summary: Some("Kết quả năm nay.\nKế hoạch năm tới.".into()),
                recommended_action: Some("Thông qua".into()),
                ..Default::default()
            },
        )
        .await?;
    cuong.sync().await?;
    let seen = cuong.agenda(meeting.id).await?;
    let item = seen
        .items
        .iter()
        .find(|i| i.id == detailed.id)
        .expect("synced");
    assert_eq!(
        item.details.presenting_ministry.as_deref(),
        Some("Bộ Khoa học và Công nghệ")
    );
    assert_eq!(
        item.details.recommended_action.as_deref(),
        Some("Thông qua")
    );
    let too_long = ecabinet_domain::ItemDetails {
        summary: Some("x".repeat(5_000)),
        ..Default::default()
    };
    let refused = secretary
        .add_agenda_item_with(meeting.id, "Quá dài", None, too_long)
        .await
        .expect_err("summary too long");
    assert_eq!(refused.code(), "invalid_input");

    // The secretariat moves and then cancels the meeting; members see both after a sync.
    use ecabinet_domain::api::UpdateMeetingRequest;
    let moved = starts + chrono::Duration::hours(2);
    let request = UpdateMeetingRequest {
        starts_at: Some(moved),
        ..Default::default()
    };
    secretary.update_meeting(meeting.id, request).await?;
    let request = UpdateMeetingRequest {
        status: Some(ecabinet_domain::MeetingStatus::Cancelled),
        ..Default::default()
    };
    secretary.update_meeting(meeting.id, request).await?;
    cuong.sync().await?;
    let seen = cuong.agenda(meeting.id).await?.meeting;
    assert_eq!(
        (seen.starts_at, seen.status),
        (moved, ecabinet_domain::MeetingStatus::Cancelled)
    );
    let refused = cuong
        .update_meeting(
            meeting.id,
            UpdateMeetingRequest {
                title: Some("x".into()),
                ..Default::default()
            },
        )
        .await
        .expect_err("members may not edit meetings");
    assert_eq!(refused.code(), "forbidden");

    // A short id prefix resolves to the meeting.
    let prefix: String = meeting.id.to_string().chars().take(13).collect();
    assert_eq!(binh.resolve_meeting(&prefix).await?, meeting.id);

    // Offline: the server goes away; the replica still answers, sync says why it failed.
    let profile = binh.profile_dir().to_path_buf();
    binh.close().await;
    server.server.handle().shutdown();
    let reopened = Client::open(&profile).await?;
    assert_eq!(reopened.meetings().await?.len(), 1);
    let error = reopened.sync().await.expect_err("the server is down");
    assert_eq!(error.code(), "server_unreachable");
    let status = reopened.sync_status().await?;
    assert_eq!(status.state, SyncState::Offline);
    assert!(status.last_sync.is_some());
    assert_eq!(reopened.agenda(meeting.id).await?.items.len(), 2);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walking_skeleton_on_sqlite() -> Result<()> {
    story(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walking_skeleton_on_postgres() -> Result<()> {
    story(Backend::Postgres).await
}
