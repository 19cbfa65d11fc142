//! Votes end to end, on both databases: three members in the room, one
//! remote, one offline who reconnects before the close and one after; the
//! tally, supersession, receipts, the verification, a ballot edited in the
//! database by hand, and bad ballots refused with nothing stored.

use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use chrono::Utc;
use ecabinet_client::{Client, VoteOutcome};
use ecabinet_domain::api::OpenMotionRequest;
use ecabinet_domain::voting::{MajorityBase, MajorityRule, MotionStatus, Presence};
use ecabinet_domain::Role;
use ecabinet_e2e::relay::{relay, Link};
use ecabinet_e2e::{Backend, TestServer};

/// A member whose connection the test can cut.
async fn member_behind_relay(server: &TestServer, name: &str) -> Result<(Client, Link)> {
    let upstream = Arc::new(Mutex::new(server.server.local_addr));
    let link = relay(upstream).await?;
    let code = server.invite(name, Role::Member).await?;
    let client = Client::enroll(&server.profile(name), &link.url(), &code, None).await?;
    Ok((client, link))
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

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let mut room = Vec::new();
    for name in ["Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"] {
        room.push(server.enrol(name, Role::Member).await?);
    }
    let remote = server.enrol("Hoàng Văn Em", Role::Member).await?;
    let (late, late_link) = member_behind_relay(&server, "Vũ Thị Giang").await?;
    let (too_late, too_late_link) = member_behind_relay(&server, "Đỗ Văn Hùng").await?;
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp thường kỳ", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    for member in &room {
        secretary
            .record_attendance(meeting.id, member.summary().person.id, Presence::Present)
            .await?;
    }
    // The remote member checks in by themselves.
    remote
        .record_attendance(meeting.id, remote.summary().person.id, Presence::Remote)
        .await?;
    let refused = remote
        .record_attendance(
            meeting.id,
            room[0].summary().person.id,
            Presence::Absent { reason: None },
        )
        .await
        .expect_err("a member records only their own check-in");
    assert_eq!(refused.code(), "forbidden");

    let motion = secretary
        .open_motion(item.id, &open_request("Thông qua dự thảo Nghị định?"))
        .await?;
    for member in room.iter().chain([&remote, &late, &too_late]) {
        member.sync().await?;
    }

    // In the room: Cường first says yes, then changes to no (one counted ballot).
    assert!(matches!(
        room[0].vote(motion.id, "yes").await?,
        VoteOutcome::Counted { .. }
    ));
    room[1].vote(motion.id, "yes").await?;
    room[1].vote(motion.id, "no").await?;
    room[2].vote(motion.id, "abstain").await?;
    remote.vote(motion.id, "yes").await?;
    // Two members lose the network and vote anyway: their ballots wait.
    late_link.set_online(false);
    too_late_link.set_online(false);
    assert_eq!(late.vote(motion.id, "yes").await?, VoteOutcome::Waiting);
    assert_eq!(too_late.vote(motion.id, "no").await?, VoteOutcome::Waiting);
    assert_eq!(late.sync_status().await?.waiting_to_send, 1);
    // Progress shows how many voted, never how.
    secretary.sync().await?;
    assert_eq!(secretary.motion(motion.id).await?.votes_cast, 4);

    // One reconnects before the close: counted.
    late_link.set_online(true);
    let report = late.sync().await?;
    assert_eq!(report.changes_sent, 1);

    let closed = secretary.close_motion(motion.id).await?;
    let tally = closed
        .tally
        .clone()
        .context("a closed motion has its tally")?;
    assert_eq!(
        tally.counts,
        vec![
            ("yes".to_owned(), 3),
            ("no".to_owned(), 1),
            ("abstain".to_owned(), 1)
        ]
    );
    // Present: three in the room, the remote one, and the late voter (recorded by their vote).
    assert_eq!((tally.present, tally.base, tally.required), (5, 5, 3));
    assert!(tally.quorum_met && tally.adopted);
    assert_eq!(tally.named.len(), 5);

    // The other reconnects after the close: refused, with the reason shown.
    too_late_link.set_online(true);
    let report = too_late.sync().await?;
    assert_eq!(report.changes_rejected, 1);
    let status = too_late.sync_status().await?;
    assert_eq!(status.rejected.len(), 1);
    assert_eq!(status.rejected[0].code, "motion_closed");
    assert!(status.rejected[0].reason.contains("not counted"));

    // Everyone sees the result; a voter and the secretariat verify it.
    room[0].sync().await?;
    let seen = room[0].motion(motion.id).await?;
    assert_eq!(seen.status, MotionStatus::Closed);
    assert_eq!(seen.tally, closed.tally);
    let verified = room[0].verify_tally(motion.id).await?;
    assert!(verified.verified(), "{:?}", verified.problems);
    assert_eq!(verified.own_ballot_included, Some(true));
    assert_eq!(
        verified.ballots_checked, 6,
        "superseded ballots are exported too"
    );
    let verified = secretary.verify_tally(motion.id).await?;
    assert!(verified.verified(), "{:?}", verified.problems);

    // A member who has not heard of the close yet: the server refuses, and says why.
    match room[2].vote(motion.id, "yes").await? {
        VoteOutcome::Refused { code, reason } => {
            assert_eq!(code, "motion_closed");
            assert!(reason.contains("not counted"), "{reason}");
        }
        other => panic!("a ballot after the close must be refused, got {other:?}"),
    }
    // Once it knows, the device refuses before signing anything.
    assert_eq!(
        room[2]
            .vote(motion.id, "yes")
            .await
            .expect_err("closed")
            .code(),
        "invalid_argument"
    );
    let after = secretary.verify_tally(motion.id).await?;
    assert_eq!(
        after.ballots_checked, 6,
        "nothing was stored for the refused ballots"
    );
    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_in_the_room_remotely_and_offline_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_in_the_room_remotely_and_offline_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}

/// A ballot edited in the database by hand is caught by the verification.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_catches_a_ballot_edited_in_the_database() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary.add_agenda_item(meeting.id, "Mục 1", None).await?;
    let mut request = open_request("Thông qua?");
    request.quorum = None;
    let motion = secretary.open_motion(item.id, &request).await?;
    binh.sync().await?;
    cuong.sync().await?;
    binh.vote(motion.id, "no").await?;
    cuong.vote(motion.id, "yes").await?;
    secretary.close_motion(motion.id).await?;
    assert!(binh.verify_tally(motion.id).await?.verified());

    // Someone with access to the database turns Bình's "no" into a "yes".
    let changed = server
        .tamper(&format!(
            "UPDATE ballots SET choice = 'yes' WHERE voter = X'{}'",
            binh.summary().person.id.0.simple()
        ))
        .await?;
    assert_eq!(changed, 1);

    let verification = binh.verify_tally(motion.id).await?;
    assert!(!verification.verified());
    assert_eq!(verification.own_ballot_included, Some(false));
    assert!(
        verification
            .problems
            .iter()
            .any(|p| p.contains("signature does not match")),
        "{:?}",
        verification.problems
    );
    let by_secretary = secretary.verify_tally(motion.id).await?;
    assert!(!by_secretary.verified(), "anyone's verification catches it");
    server.stop().await
}

/// Bad ballots at the HTTP level: a forged signature and a malformed payload
/// are refused whole (403, 400); a ballot in another's name, on an unknown
/// or closed motion, from a non-member or with a wrong choice is refused with
/// its code; a replay gets the same answer. Only the one good ballot is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_ballots_are_refused_and_nothing_is_stored() -> Result<()> {
    use ecabinet_domain::ops::{OpBody, OpResult, PushResponse};
    use ecabinet_domain::{wire, MotionId};

    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let mut voter = server.raw_device("Trần Thị Bình", Role::Member).await?;
    let other = server.raw_device("Lê Văn Cường", Role::Member).await?;
    let mut clerk = server.raw_device("Thư ký", Role::Secretary).await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary.add_agenda_item(meeting.id, "Mục 1", None).await?;
    let mut request = open_request("Thông qua?");
    request.quorum = None;
    let motion = secretary.open_motion(item.id, &request).await?;
    let url = server.url();
    let answers = |response: reqwest::Response| async move {
        anyhow::ensure!(response.status() == 200, "status {}", response.status());
        Ok::<PushResponse, anyhow::Error>(wire::unpack(&response.bytes().await?)?)
    };
    let code_of = |result: &OpResult| match result {
        OpResult::Rejected { code, .. } => code.clone(),
        OpResult::Accepted { .. } => "accepted".to_owned(),
    };

    // A ballot whose own signature was tampered with, in a correctly signed batch.
    let me = voter.caller.person.id;
    let mut forged = voter.ballot(motion.id, me, "yes")?;
    if let OpBody::Ballot(ballot) = &mut forged {
        ballot.choice = "no".into();
    }
    let ops = voter.ops(vec![forged]);
    let response = voter.post(&url, wire::pack(&voter.batch(&ops)?)?).await?;
    assert_eq!(response.status(), 403);
    // Garbage.
    assert_eq!(
        voter.post(&url, b"\x00garbage".to_vec()).await?.status(),
        400
    );

    // One push with the good ballot and four bad ones.
    let bodies = vec![
        voter.ballot(motion.id, me, "yes")?,
        voter.ballot(motion.id, other.caller.person.id, "no")?,
        voter.ballot(MotionId::new(), me, "yes")?,
        voter.ballot(motion.id, me, "maybe")?,
    ];
    let ops = voter.ops(bodies);
    let batch = voter.batch(&ops)?;
    let first = answers(voter.post(&url, wire::pack(&batch)?).await?).await?;
    let codes: Vec<String> = first.results.iter().map(code_of).collect();
    assert_eq!(
        codes,
        [
            "accepted",
            "not_your_ballot",
            "unknown_motion",
            "bad_choice"
        ]
    );
    // The same push again: the same answers, nothing stored twice.
    let again = answers(voter.post(&url, wire::pack(&batch)?).await?).await?;
    assert_eq!(again, first);
    // The secretariat does not vote.
    let ops = clerk.ops(vec![clerk.ballot(
        motion.id,
        clerk.caller.person.id,
        "yes",
    )?]);
    let clerk_answer = answers(clerk.post(&url, wire::pack(&clerk.batch(&ops)?)?).await?).await?;
    assert_eq!(code_of(&clerk_answer.results[0]), "not_a_member");

    secretary.close_motion(motion.id).await?;
    let ops = voter.ops(vec![voter.ballot(motion.id, me, "no")?]);
    let late = answers(voter.post(&url, wire::pack(&voter.batch(&ops)?)?).await?).await?;
    assert_eq!(code_of(&late.results[0]), "motion_closed");

    let verified = secretary.verify_tally(motion.id).await?;
    assert!(verified.verified(), "{:?}", verified.problems);
    assert_eq!(
        verified.ballots_checked, 1,
        "only the good ballot was stored"
    );
    let tally = verified.recount.context("recount")?;
    assert_eq!(tally.counts[0], ("yes".to_owned(), 1));
    server.stop().await
}

/// A motion with a closing time closes by itself, at that time; a member
/// replaced by a substitute cannot vote.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_motion_closes_at_its_time_and_substitutes_replace_members() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary.add_agenda_item(meeting.id, "Mục 1", None).await?;
    secretary
        .record_attendance(
            meeting.id,
            cuong.summary().person.id,
            Presence::Substituted { by: None },
        )
        .await?;
    let mut request = open_request("Thông qua?");
    request.quorum = None;
    request.closes_at = Some(Utc::now() + chrono::Duration::milliseconds(1500));
    let motion = secretary.open_motion(item.id, &request).await?;
    binh.sync().await?;
    cuong.sync().await?;
    assert!(matches!(
        binh.vote(motion.id, "yes").await?,
        VoteOutcome::Counted { .. }
    ));
    match cuong.vote(motion.id, "no").await? {
        VoteOutcome::Refused { code, .. } => assert_eq!(code, "substituted"),
        other => panic!("a substituted member must not vote: {other:?}"),
    }
    // Nor check himself back in.
    let refused = cuong
        .record_attendance(meeting.id, cuong.summary().person.id, Presence::Present)
        .await
        .expect_err("cannot undo the secretariat's record");
    assert_eq!(refused.code(), "forbidden");
    tokio::time::sleep(std::time::Duration::from_millis(3_000)).await;
    binh.sync().await?;
    let closed = binh.motion(motion.id).await?;
    assert_eq!(closed.status, MotionStatus::Closed, "closed by itself");
    assert_eq!(closed.closed_at, request.closes_at, "at its set time");
    let tally = closed.tally.context("tally")?;
    assert_eq!(tally.counts[0], ("yes".to_owned(), 1));
    assert!(tally.adopted);
    server.stop().await
}
