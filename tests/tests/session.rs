//! The meeting in session, end to end on both databases: a chair, five
//! members (one remote, one absent with a reason, one substituted), three
//! items taken up in turn, six requests for the floor of all three kinds, a
//! presenter walking through four pages followed by three members (one of
//! whom may not see the document), a vote with a quorum, outcomes, the end;
//! minutes drawn from the log, signed, published and verified, and caught
//! after one event row is edited in the database by hand. Then bad input
//! over HTTP, refused with its code and nothing stored.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use ecabinet_client::{Client, ClientError, MinutesLanguage};
use ecabinet_domain::api::{CreateMeetingRequest, OpenMotionRequest};
use ecabinet_domain::session::{ItemOutcome, LiveEventBody, SpeechKind};
use ecabinet_domain::voting::{MajorityBase, MajorityRule, Presence};
use ecabinet_domain::{MeetingDetails, PersonId, Role, Substitution};
use ecabinet_e2e::relay::relay;
use ecabinet_e2e::{Backend, TestServer};

fn pdf() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf")
}

fn open_request(question: &str) -> OpenMotionRequest {
    OpenMotionRequest {
        question: question.into(),
        options: None,
        rule: MajorityRule::Simple,
        base: MajorityBase::Present,
        quorum: Some(3),
        closes_at: None,
    }
}

fn id(client: &Client) -> PersonId {
    client.summary().person.id
}

/// Follows the presenter, collecting the pages shown (`None`: presented,
/// but not shared with this person), until page `last`, or with no `last`
/// until the first presenter's page of any kind.
fn follow_until(
    client: Arc<Client>,
    meeting: ecabinet_domain::MeetingId,
    last: Option<u32>,
) -> tokio::task::JoinHandle<Result<Vec<Option<u32>>>> {
    tokio::spawn(async move {
        let mut seen: Vec<Option<u32>> = Vec::new();
        client
            .follow_session(meeting, |view| {
                let Some(presenter) = view.presenter else {
                    return true;
                };
                let page = presenter.shown.map(|shown| shown.page);
                if seen.last() != Some(&page) {
                    seen.push(page);
                }
                last.is_some() && page != last
            })
            .await?;
        Ok(seen)
    })
}

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Thư ký Văn phòng", Role::Secretary).await?;
    let chair = server.enrol("Thủ tướng", Role::Member).await?;
    let binh = Arc::new(server.enrol("Trần Thị Bình", Role::Member).await?);
    let cuong = Arc::new(server.enrol("Lê Văn Cường", Role::Member).await?);
    let dung = Arc::new(server.enrol("Phạm Thị Dung", Role::Member).await?);
    let em = server.enrol("Hoàng Văn Em", Role::Member).await?;
    let giang = server.enrol("Vũ Thị Giang", Role::Member).await?;
    let hung = server.enrol("Đỗ Văn Hùng", Role::Member).await?;
    secretary.sync().await?;

    let meeting = secretary
        .create_meeting_with(CreateMeetingRequest {
            title: "Phiên họp Chính phủ thường kỳ".into(),
            starts_at: Utc::now(),
            details: MeetingDetails {
                participants: vec![id(&binh), id(&cuong), id(&dung), id(&em), id(&giang)],
                substitutes: vec![Substitution {
                    member: id(&giang),
                    substitute: id(&hung),
                }],
                chair: Some(id(&chair)),
                ..Default::default()
            },
            draft: false,
        })
        .await?;
    // Item 1 is restricted: Dung follows it but may not see its draft.
    let decree = secretary
        .add_agenda_item(
            meeting.id,
            "Dự thảo Nghị định về giao dịch điện tử",
            Some(vec![id(&binh), id(&cuong), id(&hung), id(&chair)]),
        )
        .await?;
    let report = secretary
        .add_agenda_item(meeting.id, "Báo cáo kinh tế - xã hội", None)
        .await?;
    let plan = secretary
        .add_agenda_item(meeting.id, "Đề án chuyển đổi số", None)
        .await?;
    let draft = secretary
        .add_document(decree.id, &pdf(), Some("Dự thảo Nghị định"))
        .await?;
    for member in [&chair, &*binh, &*cuong, &*dung, &em, &giang, &hung] {
        member.sync().await?;
    }

    // A member cannot start the session; the chair can, once.
    let refused = binh
        .start_session(meeting.id)
        .await
        .expect_err("members do not run the session");
    assert_eq!((refused.code(), status(&refused)), ("not_chair", 403));
    chair.start_session(meeting.id).await?;
    let again = secretary
        .start_session(meeting.id)
        .await
        .expect_err("one start");
    assert_eq!(again.code(), "session_already_started");

    // Attendance in the session: two check in, the secretariat records the rest.
    binh.record_attendance(meeting.id, id(&binh), Presence::Present)
        .await?;
    dung.record_attendance(meeting.id, id(&dung), Presence::Remote)
        .await?;
    secretary
        .record_attendance(meeting.id, id(&cuong), Presence::Present)
        .await?;
    secretary
        .record_attendance(
            meeting.id,
            id(&em),
            Presence::Absent {
                reason: Some("công tác nước ngoài".into()),
            },
        )
        .await?;
    secretary
        .record_attendance(
            meeting.id,
            id(&giang),
            Presence::Substituted {
                by: Some(id(&hung)),
            },
        )
        .await?;
    let refused = dung
        .record_attendance(meeting.id, id(&cuong), Presence::Remote)
        .await
        .expect_err("only for oneself");
    assert_eq!(refused.code(), "forbidden");
    let view = secretary.session_view(meeting.id).await?;
    let board = &view.attendance;
    assert_eq!(
        (
            board.participants,
            board.present,
            board.remote,
            board.absent,
            board.substituted
        ),
        (5, 4, 1, 1, 1)
    );
    assert_eq!(board.quorum_needed, 3);
    assert!(board.quorum_met);

    // Item 1: the chair takes it up and sets three minutes per speaker.
    chair.take_up_item(decree.id).await?;
    chair.set_speaking_time(decree.id, 3).await?;
    let not_current = binh
        .request_floor(report.id, SpeechKind::Speech)
        .await
        .expect_err("only on the current item");
    assert_eq!(not_current.code(), "not_current_item");
    binh.request_floor(decree.id, SpeechKind::Speech).await?;
    let twice = binh
        .request_floor(decree.id, SpeechKind::Speech)
        .await
        .expect_err("once in the list");
    assert_eq!(twice.code(), "already_requested");
    cuong.request_floor(decree.id, SpeechKind::Speech).await?;
    let given = chair.floor_next(decree.id).await?;
    binh.catch_up_session(meeting.id).await?;
    let speaking = binh
        .session_view(meeting.id)
        .await?
        .speakers
        .context("a list")?;
    assert_eq!(speaking.speaking.as_ref().map(|s| s.request), Some(given));
    assert_eq!(
        speaking.speaking.as_ref().map(|s| s.limit_seconds),
        Some(180)
    );
    dung.request_floor(decree.id, SpeechKind::Reply).await?;
    hung.request_floor(decree.id, SpeechKind::PointOfOrder)
        .await?;
    cuong.catch_up_session(meeting.id).await?;
    let list = cuong
        .session_view(meeting.id)
        .await?
        .speakers
        .context("a list")?;
    let order: Vec<&str> = list
        .waiting
        .iter()
        .map(|w| w.person.name.as_str())
        .collect();
    assert_eq!(order, ["Đỗ Văn Hùng", "Phạm Thị Dung", "Lê Văn Cường"]);
    assert_eq!(list.my_place, Some(3), "Cường sees his own place");
    let members_may_not = cuong
        .floor_next(decree.id)
        .await
        .expect_err("giving the floor is the chair's");
    assert_eq!(members_may_not.code(), "not_chair");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    chair.floor_next(decree.id).await?; // Hùng's point of order
    chair.floor_next(decree.id).await?; // Dung's reply
    chair.floor_next(decree.id).await?; // Cường
    chair.floor_end(decree.id).await?;

    // The secretariat presents four pages; three members follow.
    let followers = [
        follow_until(binh.clone(), meeting.id, Some(4)),
        follow_until(cuong.clone(), meeting.id, Some(4)),
        follow_until(dung.clone(), meeting.id, None),
    ];
    tokio::time::sleep(Duration::from_millis(300)).await;
    for page in 1..=4 {
        secretary.present(draft.id, None, page, 100).await?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (n, follower) in followers.into_iter().enumerate() {
        let seen = tokio::time::timeout(Duration::from_secs(20), follower)
            .await
            .context("followers see the fourth page")???;
        if n == 2 {
            // Dung may not see the restricted draft: the presenter is there,
            // the document and the page are not.
            assert_eq!(seen, vec![None], "Dung follows the item only: {seen:?}");
        } else {
            assert_eq!(seen.last(), Some(&Some(4)), "follower {n}: {seen:?}");
            assert!(seen.iter().all(Option::is_some), "follower {n}: {seen:?}");
        }
    }
    // And on the last page too, as Dung's device builds the view.
    let dung_sees = dung.session_view(meeting.id).await?;
    let presenter = dung_sees
        .presenter
        .context("Dung sees that a page is shown")?;
    assert!(
        presenter.shown.is_none(),
        "never which document or page: {presenter:?}"
    );
    let past_the_end = secretary
        .present(draft.id, None, 13, 100)
        .await
        .expect_err("12 pages");
    assert_eq!(
        (past_the_end.code(), status(&past_the_end)),
        ("page_out_of_range", 422)
    );

    // A vote on the restricted item stays with its audience: it is held,
    // but not written into the log every participant reads.
    let restricted_vote = secretary
        .open_motion(decree.id, &open_request("Thông qua dự thảo Nghị định?"))
        .await?;
    secretary.close_motion(restricted_vote.id).await?;
    chair
        .record_outcome(decree.id, ItemOutcome::Adopted, None)
        .await?;

    // Item 2: two requests, one withdrawn; deferred with a note.
    chair.take_up_item(report.id).await?;
    // A vote with a quorum, in the session.
    let motion = secretary
        .open_motion(report.id, &open_request("Thông qua báo cáo?"))
        .await?;
    for (voter, choice) in [(&*binh, "yes"), (&*cuong, "yes"), (&*dung, "yes")] {
        voter.sync().await?;
        voter.vote(motion.id, choice).await?;
    }
    let closed = secretary.close_motion(motion.id).await?;
    let tally = closed.tally.clone().context("closed with a tally")?;
    assert!(tally.quorum_met && tally.adopted);
    cuong.request_floor(report.id, SpeechKind::Speech).await?;
    binh.request_floor(report.id, SpeechKind::Speech).await?;
    binh.withdraw_floor(report.id).await?;
    chair.floor_next(report.id).await?;
    chair.floor_end(report.id).await?;
    chair
        .record_outcome(
            report.id,
            ItemOutcome::Deferred,
            Some("Bổ sung số liệu quý IV".into()),
        )
        .await?;
    // Item 3: noted without discussion.
    chair.take_up_item(plan.id).await?;
    chair
        .record_outcome(plan.id, ItemOutcome::Noted, None)
        .await?;
    chair.end_session(meeting.id).await?;
    let after = binh
        .request_floor(plan.id, SpeechKind::Speech)
        .await
        .expect_err("nothing after the end");
    assert_eq!(after.code(), "session_ended");

    // Late joiners get the whole state at once.
    giang.sync().await?;
    giang.catch_up_session(meeting.id).await?;
    let late = giang.session_view(meeting.id).await?;
    secretary.catch_up_session(meeting.id).await?;
    let full = secretary.session_view(meeting.id).await?;
    assert_eq!(late.seq, full.seq);
    assert_eq!(
        late.status,
        ecabinet_domain::session::rules::SessionStatus::Ended
    );

    // The minutes: exactly those speakers, durations, attendance and tally.
    secretary
        .edit_minutes(decree.id, "Các thành viên thống nhất cao với dự thảo.")
        .await?;
    let minutes_draft = secretary.draft_minutes(meeting.id).await?;
    let m = &minutes_draft.minutes;
    let first = &m.items[0];
    let speakers: Vec<(&str, SpeechKind)> = first
        .speakers
        .iter()
        .map(|s| (s.name.as_str(), s.kind))
        .collect();
    assert_eq!(
        speakers,
        [
            ("Trần Thị Bình", SpeechKind::Speech),
            ("Đỗ Văn Hùng", SpeechKind::PointOfOrder),
            ("Phạm Thị Dung", SpeechKind::Reply),
            ("Lê Văn Cường", SpeechKind::Speech),
        ]
    );
    // Durations come from the orderer's times in the log.
    let log = secretary.session_log(meeting.id).await?;
    let state = ecabinet_domain::session::rules::SessionState::from_log(&log);
    let done = &state.item(decree.id).context("taken up")?.speakers.done;
    for (line, speech) in first.speakers.iter().zip(done) {
        assert_eq!(
            line.duration_seconds,
            ((speech.duration_ms() + 500) / 1000) as u32
        );
    }
    assert!(
        first.speakers[0].duration_seconds >= 1,
        "Bình spoke over a second"
    );
    assert!(
        first.votes.is_empty(),
        "the restricted item's vote is not in the log"
    );
    assert_eq!(first.outcome, Some(ItemOutcome::Adopted));
    assert_eq!(
        first.narrative.as_deref(),
        Some("Các thành viên thống nhất cao với dự thảo.")
    );
    assert_eq!(first.documents.len(), 1);
    let second = &m.items[1];
    assert_eq!(second.speakers.len(), 1);
    assert_eq!(second.speakers[0].name, "Lê Văn Cường");
    assert_eq!(second.outcome, Some(ItemOutcome::Deferred));
    assert_eq!(second.votes.len(), 1);
    assert_eq!(second.votes[0].tally.as_ref(), Some(&tally));
    assert_eq!(second.votes[0].quorum, Some(3));
    assert_eq!(
        second.outcome_note.as_deref(),
        Some("Bổ sung số liệu quý IV")
    );
    assert_eq!(m.items[2].outcome, Some(ItemOutcome::Noted));
    assert_eq!((m.participants, m.present, m.quorum_needed), (5, 4, 3));
    let absent = m
        .attendance
        .iter()
        .find(|a| a.person == id(&em))
        .context("Em listed")?;
    assert_eq!(
        absent.presence,
        Presence::Absent {
            reason: Some("công tác nước ngoài".into())
        }
    );
    let substituted = m
        .attendance
        .iter()
        .find(|a| a.person == id(&giang))
        .context("Giang listed")?;
    assert_eq!(substituted.substitute.as_deref(), Some("Đỗ Văn Hùng"));
    assert_eq!(m.chair.as_deref(), Some("Thủ tướng"));

    // Signed, published to the participants, verified by a member.
    let (signed, published) = secretary
        .sign_minutes(meeting.id, MinutesLanguage::Vi)
        .await?;
    let file = server.dir.path().join("bien-ban.json");
    ecabinet_client::write_minutes(&signed, &file, MinutesLanguage::Vi).await?;
    let pdf_file = server.dir.path().join("bien-ban.pdf");
    ecabinet_client::write_minutes(&signed, &pdf_file, MinutesLanguage::En).await?;
    assert!(std::fs::read(&pdf_file)?.starts_with(b"%PDF-"));
    let read_back = ecabinet_client::read_minutes(&file)?;
    let verification = binh.verify_minutes(&read_back).await?;
    assert!(verification.verified(), "{:?}", verification.problems);
    binh.sync().await?;
    let agenda = binh.agenda(meeting.id).await?;
    assert!(
        agenda.documents.iter().any(|d| d.id == published.id),
        "the minutes reach the participants"
    );
    let text = binh.page_text(published.id, 1).await?;
    assert!(text.contains("BIÊN BẢN PHIÊN HỌP"), "{text}");

    // A forger's minutes: other facts, and the secretary's device given the
    // forger's key in the file (so a signature by that key would look
    // right). The keys the server registered say otherwise.
    let mut forged = read_back.clone();
    forged.facts.items[0].narrative = Some("Không ai phản đối.".into());
    forged.minutes = ecabinet_domain::session::minutes::draft(&forged.facts, &forged.log);
    for device in forged.devices.iter_mut() {
        if device.device == forged.signed_by_device {
            device.signing_key = read_back
                .devices
                .iter()
                .find(|d| d.person == id(&binh))
                .map(|d| d.signing_key.clone())
                .context("Bình's key is in the file")?;
        }
    }
    let verification = binh.verify_minutes(&forged).await?;
    assert!(!verification.verified(), "{:?}", verification.problems);
    assert!(
        verification
            .problems
            .iter()
            .any(|p| p.contains("not registered with the key")),
        "{:?}",
        verification.problems
    );

    // Signed again (a correction): a new version of the same document.
    let (_, again) = secretary
        .sign_minutes(meeting.id, MinutesLanguage::Vi)
        .await?;
    assert_eq!((again.id, again.version), (published.id, 2));

    // Someone edits one event row in the database: the minutes drawn again fail.
    let edited = server
        .tamper(
            "UPDATE session_events SET body = REPLACE(body, 'point_of_order', 'speech') \
             WHERE kind = 'floor_requested' AND body LIKE '%point_of_order%'",
        )
        .await?;
    assert_eq!(edited, 1);
    let redrawn = secretary.draft_minutes(meeting.id).await?;
    let mut tampered = redrawn.clone();
    tampered.signature = signed.signature.clone();
    let verification = secretary.verify_minutes(&tampered).await?;
    assert!(!verification.event_signatures_valid);
    assert!(!verification.verified());
    assert!(
        verification
            .problems
            .iter()
            .any(|p| p.contains("signature does not match")),
        "{:?}",
        verification.problems
    );
    server.stop().await
}

fn status(error: &ClientError) -> u16 {
    match error {
        ClientError::Server { status, .. } => *status,
        _ => 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_and_its_minutes_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_and_its_minutes_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}

/// Bad events over HTTP: forged, replayed, in another's name, for an
/// unknown meeting, out of state, for a document the item does not carry.
/// Each is refused with its status and code, and the log does not grow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_live_events_are_refused_and_nothing_is_stored() -> Result<()> {
    use ecabinet_client::ServerApi;
    use ecabinet_domain::ops::Bytes;
    use ecabinet_domain::session::{LiveEvent, LiveEventId, SignedLiveEvent};

    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Thư ký", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let first = secretary.add_agenda_item(meeting.id, "Mục 1", None).await?;
    let second = secretary.add_agenda_item(meeting.id, "Mục 2", None).await?;
    let elsewhere = secretary
        .add_document(second.id, &pdf(), Some("Tài liệu mục 2"))
        .await?;
    binh.sync().await?;
    cuong.sync().await?;

    let outcome = secretary
        .record_outcome(first.id, ItemOutcome::Adopted, None)
        .await
        .expect_err("nothing before the start");
    assert_eq!(outcome.code(), "session_not_started");
    secretary.start_session(meeting.id).await?;
    let outcome = secretary
        .record_outcome(first.id, ItemOutcome::Adopted, None)
        .await
        .expect_err("not taken up");
    assert_eq!(outcome.code(), "item_not_taken_up");
    secretary.take_up_item(first.id).await?;
    let wrong_document = secretary
        .present(elsewhere.id, None, 1, 100)
        .await
        .expect_err("another item's document");
    assert_eq!(
        (wrong_document.code(), status(&wrong_document)),
        ("not_current_item", 409)
    );
    let not_on_item = secretary
        .send_live_event(
            meeting.id,
            LiveEventBody::PresenterPage {
                item: first.id,
                document: elsewhere.id,
                version: 1,
                page: 1,
                zoom_percent: 100,
            },
        )
        .await
        .expect_err("a document the item does not carry");
    assert_eq!(
        (not_on_item.code(), status(&not_on_item)),
        ("document_not_on_item", 404)
    );
    let held = secretary.session_log(meeting.id).await?.len();

    // Raw events, signed (or not) by Bình's device keys through his client.
    let api = ServerApi::new(server.url().parse()?)?;
    let token = binh.session_token().await?;
    let event = |author: PersonId, body: LiveEventBody| LiveEvent {
        id: LiveEventId::new(),
        meeting_id: meeting.id,
        device_id: binh.summary().device_id,
        author,
        made_at: ecabinet_domain::session::to_millis(Utc::now()),
        body,
    };
    let request = LiveEventBody::FloorRequested {
        request: ecabinet_domain::session::FloorRequestId::new(),
        item: first.id,
        kind: SpeechKind::Speech,
    };
    // Forged: a signature that is not the device's.
    let forged = SignedLiveEvent {
        event: event(id(&binh), request.clone()),
        signature: Bytes(vec![7; 64]),
    };
    let refused = api
        .post_live_event(&token, &forged)
        .await
        .expect_err("forged");
    assert_eq!((refused.code(), status(&refused)), ("bad_signature", 403));
    // In someone else's name.
    let theirs = binh.sign_live_event(event(id(&cuong), request.clone()));
    let refused = api
        .post_live_event(&token, &theirs)
        .await
        .expect_err("someone else's");
    assert_eq!((refused.code(), status(&refused)), ("forbidden", 403));
    // For an unknown meeting (or one of another organisation).
    let mut lost = event(id(&binh), request.clone());
    lost.meeting_id = ecabinet_domain::MeetingId::new();
    let lost = binh.sign_live_event(lost);
    let refused = api
        .post_live_event(&token, &lost)
        .await
        .expect_err("unknown meeting");
    assert_eq!((refused.code(), status(&refused)), ("not_found", 404));
    // A good one, then the same one replayed.
    let good = binh.sign_live_event(event(id(&binh), request));
    api.post_live_event(&token, &good).await?;
    let replayed = api
        .post_live_event(&token, &good)
        .await
        .expect_err("a replay");
    assert_eq!(
        (replayed.code(), status(&replayed)),
        ("replayed_event", 409)
    );
    // Giving the floor from a member's device.
    let refused = binh
        .send_live_event(meeting.id, LiveEventBody::FloorEnded { item: first.id })
        .await
        .expect_err("nobody speaking");
    assert_eq!(refused.code(), "nobody_speaking");
    let log = secretary.session_log(meeting.id).await?;
    secretary.catch_up_session(meeting.id).await?;
    let log_after = secretary.session_log(meeting.id).await?;
    assert_eq!(log.len(), held);
    assert_eq!(
        log_after.len(),
        held + 1,
        "only the good request was stored"
    );

    // Offline, asking for the floor says it needs the room.
    let upstream = Arc::new(std::sync::Mutex::new(server.server.local_addr));
    let link = relay(upstream).await?;
    let code = server.invite("Phạm Thị Dung", Role::Member).await?;
    let dung = Client::enroll(&server.profile("Dung"), &link.url(), &code, None).await?;
    dung.sync().await?;
    link.set_online(false);
    let offline = dung
        .request_floor(first.id, SpeechKind::Speech)
        .await
        .expect_err("offline");
    assert_eq!(offline.code(), "needs_room");
    assert!(offline.to_string().contains("needs the room's connection"));
    server.stop().await
}
