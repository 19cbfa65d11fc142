//! A room with a server, a chair whose device becomes the hub, a secretary
//! and a member: the hub's segment is accepted when it is what the server
//! would have ordered, and refused whole, with the reason, when it is not.

use chrono::{DateTime, Duration, Utc};
use ecabinet_crypto::{b64_encode, SigningKey};
use ecabinet_domain::ops::Bytes;
use ecabinet_domain::session::room::RoomDevice;
use ecabinet_domain::session::rules::{ItemFacts, SessionFacts, SessionState};
use ecabinet_domain::session::{
    FloorRequestId, LiveEvent, LiveEventBody, LiveEventId, OrderedLiveEvent, SignedLiveEvent,
    SpeechKind, GENESIS_HASH,
};
use ecabinet_domain::{AgendaItemId, DeviceId, MeetingId, PersonId};
use ecabinet_room::chain::order;
use ecabinet_room::hub::{Admission, HubCore, HubError};
use ecabinet_room::segment::{verify_segment, LogHead, SegmentRefusal};
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
        hub
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
        let (state, hash, at) = self.head();
        verify_segment(
            LogHead {
                state: &state,
                hash: &hash,
                at,
            },
            &self.facts,
            &self.directory,
            self.chair.device,
            segment,
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
        &room.facts,
        &room.directory,
        room.secretary.device,
        &[ordered],
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
            &room.facts,
            &room.directory,
            room.secretary.device,
            hub.segment(),
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
