//! The secretariat works offline, on both databases: a meeting created, an
//! item added (restricted to one member) and moved, a vote opened, opinions
//! requested, attendance recorded, a document attached, a person invited and
//! a device revoked, all while the server cannot be reached.
//! Each succeeds at once, shows on the secretary's device and waits; when
//! the network returns they are carried out in order and the members get
//! them. A command the server refuses (a vote whose closing time passed
//! while it waited) comes back with its reason and leaves no trace; a
//! re-pushed command is answered the same and never carried out twice.

use std::sync::{Arc, Mutex};

use anyhow::{ensure, Result};
use chrono::{Duration, Utc};
use ecabinet_client::Client;
use ecabinet_domain::api::{OpenMotionRequest, RequestOpinionsRequest};
use ecabinet_domain::ops::{OpResult, PushResponse};
use ecabinet_domain::voting::{MajorityBase, MajorityRule, Presence};
use ecabinet_domain::Role;
use ecabinet_e2e::relay::relay;
use ecabinet_e2e::{Backend, TestServer};

fn vote(question: &str, closes_in: Duration) -> OpenMotionRequest {
    OpenMotionRequest {
        question: question.into(),
        options: None,
        rule: MajorityRule::Simple,
        base: MajorityBase::Present,
        quorum: None,
        closes_at: Some(Utc::now() + closes_in),
    }
}

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    let link = relay(Arc::new(Mutex::new(server.server.local_addr))).await?;
    let code = server.invite("Nguyễn Văn An", Role::Secretary).await?;
    let secretary = Client::enroll(&server.profile("an"), &link.url(), &code, None).await?;
    secretary.sync().await?;
    let binh_id = binh.profile().person.id;

    // Offline: every command succeeds at once and shows on this device.
    link.online.send(false)?;
    let starts = Utc::now() + Duration::days(3);
    let meeting = secretary
        .create_meeting("Phiên họp (soạn khi mất mạng)", starts)
        .await?;
    let first = secretary
        .add_agenda_item(meeting.id, "Báo cáo tình hình", None)
        .await?;
    let second = secretary
        .add_agenda_item(meeting.id, "Nhân sự", Some(vec![binh_id]))
        .await?;
    let moved = secretary.move_agenda_item(second.id, 1).await?;
    ensure!(
        moved.iter().map(|i| (i.id, i.position)).collect::<Vec<_>>()
            == vec![(second.id, 1), (first.id, 2)],
        "the move shows at once: {moved:?}"
    );
    let motion = secretary
        .open_motion(first.id, &vote("Thông qua báo cáo?", Duration::hours(1)))
        .await?;
    let doomed = secretary
        .open_motion(
            first.id,
            &vote("Biểu quyết quá hạn?", Duration::milliseconds(300)),
        )
        .await?;
    let request = secretary
        .request_opinions(
            first.id,
            &RequestOpinionsRequest {
                question: "Ý kiến về báo cáo?".into(),
                deadline: Utc::now() + Duration::days(1),
                recipients: None,
                answers: None,
                documents: None,
                mandates: Vec::new(),
                reminders: Vec::new(),
            },
        )
        .await?;
    secretary
        .record_attendance(meeting.id, binh_id, Presence::Remote)
        .await?;
    // A document attached offline is readable here at once (sealed in the cache).
    let pdf = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf");
    let original = std::fs::read(&pdf)?;
    let document = secretary
        .add_document(first.id, &pdf, Some("Báo cáo (bản soạn khi mất mạng)"))
        .await?;
    let (_, opened) = secretary.open_document(document.id).await?;
    ensure!(
        *opened == original,
        "the secretary reads her own offline upload"
    );
    // An enrolment code made offline, and a revocation.
    let invite = secretary
        .invite(Some("Phạm Thị Dung"), Some(Role::Member), None)
        .await?;
    let cuong_device = cuong.profile().device_id;
    secretary.revoke_device(cuong_device).await?;
    let status = secretary.sync_status().await?;
    ensure!(
        // (The read receipt of the document opened above waits too, uncounted.)
        status.waiting_to_send == 11,
        "11 commands wait: {}",
        status.waiting_to_send
    );
    let agenda = secretary.agenda(meeting.id).await?;
    ensure!(agenda.items.len() == 2 && agenda.meeting.title == meeting.title);
    ensure!(secretary.motions(meeting.id).await?.len() == 2);
    ensure!(secretary
        .opinion_requests()
        .await?
        .iter()
        .any(|r| r.request.id == request.id));

    // The doomed vote's closing time passes while it waits.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    // Before it goes, keep the signed push, to send it again afterwards.
    link.online.send(true)?;
    let replay = secretary
        .signed_outbox_batch()
        .await?
        .expect("commands wait in the outbox");
    let report = secretary.sync().await?;
    ensure!(
        report.changes_sent == 10 && report.changes_rejected == 1,
        "ten carried out, one refused: {report:?}"
    );
    let status = secretary.sync_status().await?;
    ensure!(status.waiting_to_send == 0);
    ensure!(
        status.rejected.len() == 1 && status.rejected[0].code == "bad_request",
        "the refusal is shown: {:?}",
        status.rejected
    );
    ensure!(
        status.rejected[0].reason.contains("closing time"),
        "with its reason: {}",
        status.rejected[0].reason
    );
    let motions = secretary.motions(meeting.id).await?;
    ensure!(
        motions.len() == 1 && motions[0].id == motion.id,
        "the refused vote is gone from the secretary's device: {motions:?}"
    );

    // Answers lost (a crash after the server had them): the device sends its
    // commands again; nothing is uploaded again, each gets the same answer.
    let replica = secretary.profile_dir().join("replica.sqlite3");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", replica.display())).await?;
    sqlx::query("UPDATE ops SET state = 'pending', seq = NULL WHERE kind = 'command'")
        .execute(&pool)
        .await?;
    pool.close().await;
    let again = secretary.sync().await?;
    ensure!(
        again.changes_sent == 10 && again.changes_rejected == 1,
        "the same answers again: {again:?}"
    );
    ensure!(secretary.document_history(document.id).await?.len() == 1);

    // Cường's device was revoked by a command made offline.
    let refused = cuong.sync().await.expect_err("revoked");
    ensure!(refused.code() == "device_revoked", "{refused}");
    // The code made offline enrols Dung's device now; she and Bình read the document.
    let dung = Client::enroll(&server.profile("dung"), &server.url(), &invite.code, None).await?;
    ensure!(dung.profile().person.id == invite.person.id);
    // Her device receives the document's key from the secretariat's next sync.
    secretary.sync().await?;
    dung.sync().await?;
    binh.sync().await?;
    for member in [&binh, &dung] {
        let (_, opened) = member.open_document(document.id).await?;
        ensure!(
            *opened == original,
            "a member reads the document attached offline"
        );
    }
    // The members get what was made offline, in its order and with its access.
    // (Dung joined after the request was made: she is not among those asked.)
    for (member, sees_restricted, asked) in [(&binh, true, true), (&dung, false, false)] {
        let agenda = member.agenda(meeting.id).await?;
        ensure!(agenda.meeting.starts_at == starts);
        let order: Vec<_> = agenda.items.iter().map(|i| (i.id, i.position)).collect();
        ensure!(order == vec![(second.id, 1), (first.id, 2)], "{order:?}");
        ensure!(agenda
            .items
            .iter()
            .any(|i| i.id == second.id && i.restricted));
        let listed = agenda
            .access
            .iter()
            .any(|a| a.agenda_item_id == second.id && a.persons.contains(&binh_id));
        ensure!(
            listed == sees_restricted,
            "only Bình is told she is on the list"
        );
        ensure!(member.motions(meeting.id).await?.len() == 1);
        let sees_request = member
            .opinion_requests()
            .await?
            .iter()
            .any(|r| r.request.id == request.id);
        ensure!(sees_request == asked);
    }
    // The same signed push again: the same answers, nothing made twice.
    let token = secretary.session_token().await?;
    let packed = ecabinet_domain::wire::pack(&replay)?;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/ops", server.url()))
        .bearer_auth(token)
        .header("content-type", "application/x-ecabinet-packed")
        .body(packed)
        .send()
        .await?;
    ensure!(response.status().is_success(), "{}", response.status());
    let bytes = response.bytes().await?;
    let answers: PushResponse = ecabinet_domain::wire::unpack(&bytes)?;
    let accepted = answers
        .results
        .iter()
        .filter(|r| matches!(r, OpResult::Accepted { .. }))
        .count();
    ensure!(
        accepted == 11, // ten commands and the read receipt
        "the replay is answered the same: {answers:?}"
    );
    dung.sync().await?;
    ensure!(dung.agenda(meeting.id).await?.items.len() == 2);
    ensure!(
        dung.meetings()
            .await?
            .iter()
            .filter(|m| m.id == meeting.id)
            .count()
            == 1
    );
    ensure!(dung.document_history(document.id).await?.len() == 1);
    let _ = doomed;

    server.stop().await
}

#[tokio::test]
async fn secretariat_commands_made_offline_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test]
async fn secretariat_commands_made_offline_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}
