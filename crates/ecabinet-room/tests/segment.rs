//! A room with a server, a chair whose device becomes the hub, a secretary
//! and a member: the hub's segment is accepted when it is what the server
//! would have ordered, and refused whole, with the reason, when it is not.

use chrono::{DateTime, Duration, Utc};
use ecabinet_crypto::{b64_encode, SigningKey};
use ecabinet_domain::ops::Bytes;
use ecabinet_domain::session::room::{hub_receipt_message, RoomDevice, RoomVoting};
use ecabinet_domain::session::rules::{ItemFacts, SessionFacts, SessionState};
use ecabinet_domain::session::{
    FloorRequestId, LiveEvent, LiveEventBody, LiveEventId, OrderedLiveEvent, SignedLiveEvent,
    SpeechKind, GENESIS_HASH,
};
use ecabinet_domain::voting::{
    ballot_message, Ballot, MajorityBase, MajorityRule, Motion, MotionStatus,
};
use ecabinet_domain::{AgendaItemId, DeviceId, MeetingId, MotionId, PersonId};
use ecabinet_room::chain::order;
use ecabinet_room::hub::{Admission, HubCore, HubError};
use ecabinet_room::segment::{
    verify_segment, LogHead, Room as RoomRules, SegmentRefusal, VerifiedSegment,
};
use ecabinet_room::Directory;
use uuid::Uuid;

struct Member {
    device: DeviceId,
    person: PersonId,
    key: SigningKey,
    secretary: bool,
}

impl Member {
    fn new(n: u128, secretary: bool) -> Self {
        Self {
            device: DeviceId(Uuid::from_u128(100 + n)),
            person: PersonId(Uuid::from_u128(n)),
            key: SigningKey::generate().expect("a key"),
            secretary,
        }
    }

    fn sign(&self, meeting: MeetingId, body: LiveEventBody, at: DateTime<Utc>) -> SignedLiveEvent {
        let event = LiveEvent {
            id: LiveEventId::new(),
            meeting_id: meeting,
            device_id: self.device,
            author: self.person,
            made_at: at,
            body,
        };
        SignedLiveEvent {
            signature: Bytes(self.key.sign(&event.signing_message()).to_vec()),
            event,
        }
    }
}

struct Room {
    facts: SessionFacts,
    directory: Directory,
    server: SigningKey,
    chair: Member,
    secretary: Member,
    member: Member,
    voting: RoomVoting,
    /// The server's log.
    log: Vec<OrderedLiveEvent>,
    clock: DateTime<Utc>,
}

fn item() -> AgendaItemId {
    AgendaItemId(Uuid::from_u128(7))
}

impl Room {
    fn new() -> Self {
        let chair = Member::new(1, false);
        let secretary = Member::new(2, true);
        let member = Member::new(3, false);
        let devices: Vec<RoomDevice> = [&chair, &secretary, &member]
            .iter()
            .map(|m| RoomDevice {
                device: m.device,
                person: m.person,
                secretary: m.secretary,
                signing_key: b64_encode(&m.key.public_key()),
            })
            .collect();
        let facts = SessionFacts {
            meeting: MeetingId(Uuid::from_u128(9)),
            chair: Some(chair.person),
            items: vec![ItemFacts {
                id: item(),
                presenter: None,
                documents: vec![],
            }],
        };
        Self {
            facts,
            directory: Directory::new(&devices),
            server: SigningKey::generate().expect("a key"),
            voting: RoomVoting {
                motions: vec![],
                members: vec![chair.person, member.person],
                attendance: vec![],
            },
            chair,
            secretary,
            member,
            log: Vec::new(),
            clock: DateTime::from_timestamp_millis(1_765_000_000_000).expect("a time"),
        }
    }

    fn tick(&mut self) -> DateTime<Utc> {
        self.clock += Duration::seconds(1);
        self.clock
    }

    fn server_orders(&mut self, who: fn(&Room) -> &Member, body: LiveEventBody) {
        let at = self.tick();
        let signed = who(self).sign(self.facts.meeting, body, at);
        let (seq, prev) = match self.log.last() {
            Some(last) => (last.seq + 1, last.hash.0.clone()),
            None => (1, GENESIS_HASH.to_vec()),
        };
        let ordered = order(seq, &prev, at, signed, &self.server);
        self.log.push(ordered);
    }

    fn hub(&self) -> HubCore {
        let mut hub = HubCore::new(
            self.facts.clone(),
            self.directory.clone(),
            self.chair.device,
        );
        for event in &self.log {
            hub.follow(event).expect("the server's log chains");
        }
        hub.set_voting(self.voting.clone());
        hub
    }

    fn rules(&self) -> RoomRules<'_> {
        RoomRules {
            facts: &self.facts,
            directory: &self.directory,
            voting: &self.voting,
        }
    }

    fn head(&self) -> (SessionState, Vec<u8>, Option<DateTime<Utc>>) {
        (
            SessionState::from_log(&self.log),
            self.log
                .last()
                .map_or(GENESIS_HASH.to_vec(), |e| e.hash.0.clone()),
            self.log.last().map(|e| e.at),
        )
    }

    fn verify(&self, segment: &[OrderedLiveEvent]) -> Result<SessionState, SegmentRefusal> {
        self.verify_with(segment, &[]).map(|v| v.state)
    }

    fn verify_with(
        &self,
        segment: &[OrderedLiveEvent],
        ballots: &[Ballot],
    ) -> Result<VerifiedSegment, SegmentRefusal> {
        let (state, hash, at) = self.head();
        verify_segment(
            LogHead {
                state: &state,
                hash: &hash,
                at,
            },
            self.rules(),
            self.chair.device,
            segment,
            ballots,
            self.clock + Duration::seconds(60),
        )
    }
}

/// The server starts the session and takes up the item; then the hub holds
/// the log: a member asks for the floor, the chair gives it and ends it.
fn room_with_segment() -> (Room, HubCore) {
    let mut room = Room::new();
    room.server_orders(|r| &r.chair, LiveEventBody::SessionStarted);
    room.server_orders(|r| &r.chair, LiveEventBody::ItemTakenUp { item: item() });
    let mut hub = room.hub();
    let now = room.tick();
    let took = hub
        .take_over(now, &room.chair.key)
        .expect("the hub takes over");
    assert_eq!(took.seq, 3);
    assert_eq!(hub.ordering(), Some(1));
    let request = FloorRequestId(Uuid::from_u128(55));
    let now = room.tick();
    let asked = room.member.sign(
        room.facts.meeting,
        LiveEventBody::FloorRequested {
            request,
            item: item(),
            kind: SpeechKind::Speech,
        },
        now,
    );
    hub.submit(asked, now, &room.chair.key)
        .expect("the member's request is ordered by the hub");
    let now = room.tick();
    let given = room.chair.sign(
        room.facts.meeting,
        LiveEventBody::FloorGiven { request },
        now,
    );
    hub.submit(given, now, &room.chair.key)
        .expect("the chair gives the floor");
    let now = room.tick();
    hub.hand_back(now, &room.chair.key)
        .expect("the hub hands back");
    (room, hub)
}

#[test]
fn a_segment_the_server_would_have_ordered_is_accepted() {
    let (room, hub) = room_with_segment();
    assert_eq!(hub.segment().len(), 4);
    let state = room.verify(hub.segment()).expect("accepted");
    assert_eq!(state.seq, 6);
    assert_eq!(state.hub, None);
    assert_eq!(state.hub_epochs, 1);
    let speaking = state.current().and_then(|i| i.speakers.speaking.as_ref());
    assert_eq!(speaking.map(|s| s.person), Some(room.member.person));
    assert_eq!(&state, hub.state(), "the server folds what the room saw");
}

#[test]
fn the_hub_refuses_what_the_server_would_refuse() {
    let mut room = Room::new();
    room.server_orders(|r| &r.chair, LiveEventBody::SessionStarted);
    let mut hub = room.hub();
    let now = room.tick();
    let early = room
        .member
        .sign(room.facts.meeting, LiveEventBody::SessionSuspended, now);
    assert_eq!(
        hub.submit(early.clone(), now, &room.chair.key),
        Err(HubError::ServerOrders),
        "the hub does not order while the server does"
    );
    hub.take_over(now, &room.chair.key).expect("takes over");
    assert!(matches!(
        hub.submit(early, now, &room.chair.key),
        Err(HubError::Refused(Admission::Rules(_)))
    ));
    let mut forged = room
        .member
        .sign(room.facts.meeting, LiveEventBody::SessionSuspended, now);
    forged.event.author = room.chair.person;
    assert_eq!(
        hub.submit(forged, now, &room.chair.key),
        Err(HubError::Refused(Admission::NotTheAuthor))
    );
    let stranger = Member::new(40, true);
    let unknown = stranger.sign(room.facts.meeting, LiveEventBody::SessionSuspended, now);
    assert_eq!(
        hub.submit(unknown, now, &room.chair.key),
        Err(HubError::Refused(Admission::UnknownDevice))
    );
    let skewed = room.chair.sign(
        room.facts.meeting,
        LiveEventBody::SessionSuspended,
        now - Duration::hours(1),
    );
    assert_eq!(
        hub.submit(skewed, now, &room.chair.key),
        Err(HubError::Refused(Admission::ClockSkew))
    );
}

#[test]
fn a_forged_signature_anywhere_refuses_the_whole_segment() {
    let (room, hub) = room_with_segment();
    let mut segment = hub.segment().to_vec();
    // The chair's "floor given" with another signature: the link is then
    // broken too, so re-chain it as a forger holding the hub's key would.
    segment[2].signed.signature = Bytes(vec![1; 64]);
    let mut prev = segment[1].hash.0.clone();
    for event in segment.iter_mut().skip(2) {
        let rechained = order(
            event.seq,
            &prev,
            event.at,
            event.signed.clone(),
            &room.chair.key,
        );
        prev = rechained.hash.0.clone();
        *event = rechained;
    }
    assert_eq!(
        room.verify(&segment),
        Err(SegmentRefusal::Admission {
            seq: 5,
            admission: Admission::BadSignature
        })
    );
}

#[test]
fn a_segment_countersigned_by_another_key_is_refused() {
    let (room, hub) = room_with_segment();
    let mut segment = hub.segment().to_vec();
    let stranger = SigningKey::generate().expect("a key");
    segment[1] = order(
        segment[1].seq,
        &segment[0].hash.0,
        segment[1].at,
        segment[1].signed.clone(),
        &stranger,
    );
    assert!(matches!(
        room.verify(&segment),
        Err(SegmentRefusal::Link { seq: 4, .. })
    ));
}

#[test]
fn a_segment_without_its_hand_back_is_refused() {
    let (room, hub) = room_with_segment();
    let segment = &hub.segment()[..3];
    assert_eq!(room.verify(segment), Err(SegmentRefusal::NotHandedBack));
}

#[test]
fn a_replayed_segment_is_refused_once_the_log_moved_on() {
    let (mut room, hub) = room_with_segment();
    room.log.extend(hub.segment().iter().cloned());
    let refusal = room.verify(hub.segment()).expect_err("a replay");
    assert_eq!(refusal.code(), "segment_not_at_head");
}

#[test]
fn a_second_hub_claiming_the_same_epoch_is_refused() {
    let (mut room, hub) = room_with_segment();
    room.log.extend(hub.segment().iter().cloned());
    // The secretary's device builds a segment claiming epoch 1 again.
    let mut second = HubCore::new(
        room.facts.clone(),
        room.directory.clone(),
        room.secretary.device,
    );
    for event in &room.log {
        second.follow(event).expect("chains");
    }
    let now = room.tick();
    let stale = room.secretary.sign(
        room.facts.meeting,
        LiveEventBody::HubTookOver {
            epoch: 1,
            after_seq: 6,
        },
        now,
    );
    let head = room.log.last().expect("a log");
    let ordered = order(7, &head.hash.0, now, stale, &room.secretary.key);
    let (state, hash, at) = room.head();
    let refusal = verify_segment(
        LogHead {
            state: &state,
            hash: &hash,
            at,
        },
        room.rules(),
        room.secretary.device,
        &[ordered],
        &[],
        now,
    )
    .expect_err("epoch 1 is used");
    assert_eq!(refusal.code(), "stale_epoch");
    // And a segment by a device that is not the named hub.
    let (room, hub) = room_with_segment();
    let (state, hash, at) = room.head();
    assert_eq!(
        verify_segment(
            LogHead {
                state: &state,
                hash: &hash,
                at
            },
            room.rules(),
            room.secretary.device,
            hub.segment(),
            &[],
            now,
        ),
        Err(SegmentRefusal::NotTheNamedHub(3))
    );
}

#[test]
fn the_hub_refuses_a_server_event_that_forks_its_segment() {
    let (mut room, mut hub) = room_with_segment();
    // The server ordered event 3 itself (a device it still reached).
    room.server_orders(|r| &r.secretary, LiveEventBody::SessionSuspended);
    let forked = room.log.last().expect("an event").clone();
    assert!(matches!(
        hub.follow(&forked),
        Err(ecabinet_room::LinkError::Forked(3))
    ));
}

#[test]
fn a_hub_restarted_after_a_crash_finds_its_segment_again() {
    let (room, hub) = room_with_segment();
    let mut held = room.log.clone();
    held.extend(hub.segment().iter().cloned());
    // Restarted after handing back locally, before the server took it.
    let mut again = HubCore::new(
        room.facts.clone(),
        room.directory.clone(),
        room.chair.device,
    );
    again.resume(&held, 2).expect("the log held here chains");
    assert_eq!(again.segment(), hub.segment());
    assert_eq!(again.ordering(), None);
    assert!(room.verify(again.segment()).is_ok());
    // Restarted in the middle of its epoch: it still orders, and its
    // segment so far is kept to be handed back.
    let mut midway = HubCore::new(
        room.facts.clone(),
        room.directory.clone(),
        room.chair.device,
    );
    midway.resume(&held[..4], 2).expect("chains");
    assert_eq!(midway.ordering(), Some(1));
    assert_eq!(midway.segment(), &hub.segment()[..2]);
    // Another device's restart (or a log the server already holds) keeps no segment.
    let mut member = HubCore::new(
        room.facts.clone(),
        room.directory.clone(),
        room.member.device,
    );
    member.resume(&held, 2).expect("chains");
    assert!(member.segment().is_empty());
    let mut delivered = HubCore::new(
        room.facts.clone(),
        room.directory.clone(),
        room.chair.device,
    );
    delivered.resume(&held, 6).expect("chains");
    assert!(delivered.segment().is_empty());
}

fn motion(room: &Room, opened_at: DateTime<Utc>) -> Motion {
    Motion {
        id: MotionId(Uuid::from_u128(77)),
        meeting_id: room.facts.meeting,
        agenda_item_id: item(),
        question: "Thông qua dự thảo?".into(),
        options: vec!["yes".into(), "no".into(), "abstain".into()],
        rule: MajorityRule::Simple,
        base: MajorityBase::AllMembers,
        quorum: None,
        status: MotionStatus::Open,
        opened_at,
        closes_at: None,
        closed_at: None,
        votes_cast: 0,
        tally: None,
    }
}

fn ballot(who: &Member, motion: MotionId, choice: &str, at: DateTime<Utc>) -> Ballot {
    let nonce = vec![who.person.0.as_bytes()[15]; 16];
    let signature = who.key.sign(&ballot_message(
        motion, who.person, choice, who.device, at, &nonce,
    ));
    Ballot {
        motion_id: motion,
        voter: who.person,
        choice: choice.into(),
        device_id: who.device,
        cast_at: at,
        nonce: Bytes(nonce),
        signature: Bytes(signature.to_vec()),
    }
}

/// The server opens a vote; the server stops; the hub takes two ballots,
/// the chair closes the vote, the hub counts it and hands the log back.
fn room_with_vote() -> (Room, HubCore, Vec<Ballot>) {
    let mut room = Room::new();
    room.server_orders(|r| &r.chair, LiveEventBody::SessionStarted);
    room.server_orders(|r| &r.chair, LiveEventBody::ItemTakenUp { item: item() });
    let opened_at = room.tick();
    let vote = motion(&room, opened_at);
    room.voting.motions.push(vote.clone());
    room.server_orders(
        |r| &r.chair,
        LiveEventBody::MotionOpened {
            motion: vote.id,
            item: item(),
            question: vote.question.clone(),
        },
    );
    let mut hub = room.hub();
    let now = room.tick();
    hub.take_over(now, &room.chair.key).expect("takes over");
    let now = room.tick();
    let first = ballot(&room.member, vote.id, "no", now);
    let (receipt, event) = hub
        .take_ballot(first.clone(), now, &room.chair.key)
        .expect("the member's ballot is taken");
    let event = event.expect("a new ballot is named in the log");
    assert_eq!(receipt.seq, event.seq);
    ecabinet_crypto::verify_signature(
        &room.chair.key.public_key(),
        &hub_receipt_message(&receipt.ballot.0, receipt.seq, receipt.at),
        &receipt.signature.0,
    )
    .expect("the receipt is signed by the hub's device");
    // The same ballot sent again (a lost receipt) gets the same receipt.
    let (again, none) = hub
        .take_ballot(first.clone(), now, &room.chair.key)
        .expect("taken already");
    assert_eq!((again, none), (receipt, None));
    let now = room.tick();
    let changed = ballot(&room.member, vote.id, "yes", now);
    let chair = ballot(&room.chair, vote.id, "yes", now);
    for ballot in [&changed, &chair] {
        hub.take_ballot(ballot.clone(), now, &room.chair.key)
            .expect("taken");
    }
    let now = room.tick();
    let counted_close = room.chair.sign(
        room.facts.meeting,
        LiveEventBody::MotionClosed {
            motion: vote.id,
            tally: Some(ecabinet_domain::voting::Tally {
                counts: vec![],
                present: 0,
                members: 0,
                base: 0,
                required: 0,
                quorum_met: false,
                adopted: false,
                named: vec![],
            }),
        },
        now,
    );
    assert_eq!(
        hub.submit(counted_close, now, &room.chair.key),
        Err(HubError::Refused(Admission::HubCounts)),
        "in the room the hub counts, not the chair"
    );
    let close = room.chair.sign(
        room.facts.meeting,
        LiveEventBody::MotionClosed {
            motion: vote.id,
            tally: None,
        },
        now,
    );
    hub.submit(close, now, &room.chair.key).expect("closed");
    let counted = hub
        .count_closed_votes(now, &room.chair.key)
        .expect("counted");
    assert_eq!(counted.len(), 1);
    let now = room.tick();
    let late = ballot(&room.member, vote.id, "abstain", now);
    assert_eq!(
        hub.take_ballot(late, now, &room.chair.key)
            .map_err(|e| e.code()),
        Err("motion_closed"),
        "a ballot after the chair's close is refused"
    );
    hub.hand_back(now, &room.chair.key).expect("hands back");
    let ballots = hub.segment_ballots();
    assert_eq!(ballots, vec![first, changed, chair]);
    (room, hub, ballots)
}

#[test]
fn ballots_taken_in_the_room_are_counted_and_accepted_with_the_segment() {
    let (room, hub, ballots) = room_with_vote();
    let tally = hub.state().motions[0].tally.clone().expect("counted");
    // The member changed their vote: their latest counts; 2 of 2 members.
    assert_eq!(
        tally.counts,
        vec![("yes".into(), 2), ("no".into(), 0), ("abstain".into(), 0)]
    );
    assert_eq!((tally.present, tally.members, tally.adopted), (2, 2, true));
    let verified = room.verify_with(hub.segment(), &ballots).expect("accepted");
    assert_eq!(verified.ballots.len(), 3);
    assert_eq!(&verified.state, hub.state());
}

#[test]
fn a_segment_with_a_missing_forged_or_unnamed_ballot_is_refused() {
    let (room, hub, ballots) = room_with_vote();
    let taken_at = |n: usize| {
        hub.segment()
            .iter()
            .filter(|e| matches!(e.event().body, LiveEventBody::BallotTaken { .. }))
            .nth(n)
            .map(|e| e.seq)
            .expect("a ballot event")
    };
    assert_eq!(
        room.verify_with(hub.segment(), &ballots[1..]).map(|_| ()),
        Err(SegmentRefusal::MissingBallot(taken_at(0)))
    );
    let mut extra = ballots.clone();
    extra.push(ballot(
        &room.member,
        MotionId(Uuid::from_u128(77)),
        "no",
        room.clock,
    ));
    assert_eq!(
        room.verify_with(hub.segment(), &extra).map(|_| ()),
        Err(SegmentRefusal::UnnamedBallot)
    );
    // A hub that alters a choice must name the altered ballot's hash in
    // its log; the voter's signature then fails.
    let mut forged = ballots[0].clone();
    forged.choice = "yes".into();
    let mut forged_hub = {
        let mut again = room.hub();
        again
            .take_over(room.clock - Duration::seconds(4), &room.chair.key)
            .expect("takes over");
        again
    };
    let at = room.clock - Duration::seconds(3);
    let named = room.chair.sign(
        room.facts.meeting,
        LiveEventBody::BallotTaken {
            motion: forged.motion_id,
            voter: forged.voter,
            ballot: ecabinet_room::ballots::ballot_name(&ecabinet_room::ballots::ballot_hash(
                &forged,
            )),
        },
        at,
    );
    let ordered = forged_hub
        .submit(named, at, &room.chair.key)
        .expect("the rules alone cannot see a forged ballot");
    forged_hub
        .hand_back(at, &room.chair.key)
        .expect("hands back");
    let refusal = room
        .verify_with(forged_hub.segment(), &[forged])
        .map(|_| ())
        .expect_err("forged");
    assert_eq!(
        refusal,
        SegmentRefusal::Ballot {
            seq: ordered.seq,
            refusal: ecabinet_room::BallotRefusal::BadSignature
        }
    );
    assert_eq!(refusal.code(), "bad_signature");
}

#[test]
fn a_ballot_outside_the_chair_signed_window_is_refused() {
    let (room, hub, ballots) = room_with_vote();
    // A forger holding the hub's key moves a ballot after the close.
    let mut segment = hub.segment().to_vec();
    let from = segment
        .iter()
        .position(|e| matches!(e.event().body, LiveEventBody::BallotTaken { .. }))
        .expect("a ballot event");
    let moved = segment.remove(from);
    let close = segment
        .iter()
        .position(|e| matches!(e.event().body, LiveEventBody::MotionClosed { .. }))
        .expect("the close");
    segment.insert(close + 1, moved);
    let mut prev = room.log.last().expect("a log").hash.0.clone();
    let mut at = segment[0].at;
    for (n, event) in segment.iter_mut().enumerate() {
        at = at.max(event.at);
        let rechained = order(
            room.log.len() as u32 + 1 + n as u32,
            &prev,
            at,
            event.signed.clone(),
            &room.chair.key,
        );
        prev = rechained.hash.0.clone();
        *event = rechained;
    }
    let refusal = room
        .verify_with(&segment, &ballots)
        .map(|_| ())
        .expect_err("after the close");
    assert!(
        matches!(
            refusal,
            SegmentRefusal::Admission {
                admission: Admission::Rules(
                    ecabinet_domain::session::rules::Refusal::MotionNotOpen
                ),
                ..
            }
        ),
        "{refusal:?}"
    );
}

#[test]
fn the_hub_takes_no_ballot_from_a_secretary_a_stranger_or_a_forger() {
    let (mut room, _, _) = room_with_vote();
    room.log.truncate(3);
    let vote = room.voting.motions[0].id;
    let mut hub = room.hub();
    let now = room.tick();
    assert_eq!(
        hub.take_ballot(ballot(&room.member, vote, "yes", now), now, &room.chair.key)
            .map(|_| ()),
        Err(HubError::ServerOrders),
        "the server takes ballots while it orders"
    );
    hub.take_over(now, &room.chair.key).expect("takes over");
    let code = |hub: &mut HubCore, ballot: Ballot| {
        hub.take_ballot(ballot, now, &room.chair.key)
            .map(|_| ())
            .map_err(|e| e.code())
    };
    assert_eq!(
        code(&mut hub, ballot(&room.secretary, vote, "yes", now)),
        Err("not_a_member")
    );
    let stranger = Member::new(41, false);
    assert_eq!(
        code(&mut hub, ballot(&stranger, vote, "yes", now)),
        Err("unknown_device")
    );
    let mut forged = ballot(&room.member, vote, "no", now);
    forged.choice = "yes".into();
    assert_eq!(code(&mut hub, forged), Err("bad_signature"));
    assert_eq!(
        code(&mut hub, ballot(&room.member, vote, "maybe", now)),
        Err("bad_choice")
    );
    assert_eq!(
        code(
            &mut hub,
            ballot(&room.member, vote, "yes", now - Duration::hours(2))
        ),
        Err("bad_time")
    );
    assert_eq!(
        code(
            &mut hub,
            ballot(&room.member, MotionId(Uuid::from_u128(78)), "yes", now)
        ),
        Err("unknown_motion")
    );
    assert_eq!(
        code(&mut hub, ballot(&room.member, vote, "yes", now)),
        Ok(())
    );
}
