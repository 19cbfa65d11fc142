//! The session's rules driven by fuzz: each three bytes are one event (what,
//! by whom, a parameter). The orderer's check decides; what it accepts is
//! applied, and the folded state must keep its invariants whatever came
//! before.

use chrono::{DateTime, Duration, Utc};
use ecabinet_domain::ops::Bytes;
use ecabinet_domain::session::rules::{
    Actor, DocumentFacts, ItemFacts, SessionFacts, SessionState, SessionStatus,
};
use ecabinet_domain::session::{
    FloorRequestId, ItemOutcome, LiveEvent, LiveEventBody, LiveEventId, OrderedLiveEvent,
    SignedLiveEvent, SpeechKind, GENESIS_HASH,
};
use ecabinet_domain::voting::Presence;
use ecabinet_domain::{AgendaItemId, DeviceId, DocumentId, MeetingId, MotionId, PersonId};
use uuid::Uuid;

const PEOPLE: u128 = 5;
const ITEMS: u128 = 3;

fn person(n: u8) -> PersonId {
    PersonId(Uuid::from_u128(0x100 + u128::from(n) % PEOPLE))
}

fn item(n: u8) -> AgendaItemId {
    AgendaItemId(Uuid::from_u128(0x200 + u128::from(n) % ITEMS))
}

fn document() -> DocumentId {
    DocumentId(Uuid::from_u128(0x300))
}

fn facts() -> SessionFacts {
    SessionFacts {
        meeting: MeetingId(Uuid::from_u128(0x400)),
        // Person 1 chairs; person 0 is of the secretariat (see `actor`).
        chair: Some(person(1)),
        items: (0..ITEMS as u8)
            .map(|n| ItemFacts {
                id: item(n),
                presenter: Some(person(2 + n)),
                documents: if n == 0 {
                    vec![DocumentFacts {
                        id: document(),
                        version: 1,
                        pages: Some(5),
                    }]
                } else {
                    Vec::new()
                },
            })
            .collect(),
    }
}

fn body(what: u8, parameter: u8, requests: &[FloorRequestId], fresh: u128) -> LiveEventBody {
    let request = |p: u8| {
        requests
            .get(usize::from(p) % requests.len().max(1))
            .copied()
            .unwrap_or(FloorRequestId(Uuid::from_u128(fresh)))
    };
    let motion = MotionId(Uuid::from_u128(0x500 + u128::from(parameter % 2)));
    match what % 16 {
        0 => LiveEventBody::SessionStarted,
        1 => LiveEventBody::ItemTakenUp {
            item: item(parameter),
        },
        2 => LiveEventBody::FloorRequested {
            request: FloorRequestId(Uuid::from_u128(fresh)),
            item: item(parameter >> 4),
            kind: match parameter % 3 {
                0 => SpeechKind::Speech,
                1 => SpeechKind::PointOfOrder,
                _ => SpeechKind::Reply,
            },
        },
        3 => LiveEventBody::FloorWithdrawn {
            request: request(parameter),
        },
        4 => LiveEventBody::FloorGiven {
            request: request(parameter),
        },
        5 => LiveEventBody::FloorEnded {
            item: item(parameter),
        },
        6 => LiveEventBody::SpeakingTimeSet {
            item: item(parameter),
            seconds: u32::from(parameter) * 30,
        },
        7 => LiveEventBody::PresenterPage {
            item: item(parameter >> 6),
            document: document(),
            version: 1 + u32::from(parameter >> 5 & 1),
            page: u32::from(parameter % 8),
            zoom_percent: 100,
        },
        8 => LiveEventBody::Attendance {
            person: person(parameter),
            presence: match parameter >> 4 & 3 {
                0 => Presence::Present,
                1 => Presence::Remote,
                2 => Presence::Absent { reason: None },
                _ => Presence::Substituted {
                    by: Some(person(parameter >> 6)),
                },
            },
        },
        9 => LiveEventBody::MotionOpened {
            motion,
            item: item(parameter >> 4),
            question: "Thông qua?".into(),
        },
        10 => LiveEventBody::MotionClosed {
            motion,
            tally: None,
        },
        11 => LiveEventBody::ItemOutcome {
            item: item(parameter),
            outcome: match parameter >> 4 & 3 {
                0 => ItemOutcome::Adopted,
                1 => ItemOutcome::Deferred,
                2 => ItemOutcome::Withdrawn,
                _ => ItemOutcome::Noted,
            },
            note: None,
        },
        12 => LiveEventBody::SessionSuspended,
        13 => LiveEventBody::SessionResumed,
        14 => LiveEventBody::SessionEnded,
        _ => LiveEventBody::FloorGiven {
            request: request(parameter.wrapping_add(1)),
        },
    }
}

pub(crate) fn rules(data: &[u8]) {
    let facts = facts();
    let start = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    let mut state = SessionState::default();
    let mut log: Vec<OrderedLiveEvent> = Vec::new();
    let mut requests: Vec<FloorRequestId> = Vec::new();
    let mut previous_id: Option<LiveEventId> = None;
    let mut at = start;
    for (n, step) in data.chunks_exact(3).enumerate() {
        let (what, who, parameter) = (step[0], step[1], step[2]);
        let fresh = 0x1000 + n as u128;
        let body = body(what, parameter, &requests, fresh);
        let actor = Actor {
            person: person(who),
            secretary: u128::from(who) % PEOPLE == 0,
        };
        // The top bit of `who` replays the previous event's id.
        let id = match previous_id {
            Some(id) if who & 0x80 != 0 => id,
            _ => LiveEventId(Uuid::from_u128(0x10_0000 + n as u128)),
        };
        let ended = state.status == SessionStatus::Ended;
        let replayed = Some(id) == previous_id && who & 0x80 != 0;
        let checked = state.check(&facts, actor, id, &body);
        if ended || replayed {
            assert!(
                checked.is_err(),
                "accepted after the end or replayed: {body:?}"
            );
        }
        if checked.is_err() {
            continue;
        }
        if let LiveEventBody::FloorRequested { request, .. } = &body {
            requests.push(*request);
        }
        at += Duration::seconds(i64::from(parameter % 64));
        let prev_hash = log
            .last()
            .map(|e| e.hash.0.clone())
            .unwrap_or_else(|| GENESIS_HASH.to_vec());
        let ordered = OrderedLiveEvent {
            seq: state.seq + 1,
            prev_hash: Bytes(prev_hash),
            at,
            signed: SignedLiveEvent {
                event: LiveEvent {
                    id,
                    meeting_id: facts.meeting,
                    device_id: DeviceId(Uuid::from_u128(0x600 + u128::from(who % 5))),
                    author: actor.person,
                    made_at: at,
                    body,
                },
                signature: Bytes(vec![0; 64]),
            },
            hash: Bytes(vec![n as u8; 32]),
            orderer_signature: Bytes(vec![0; 64]),
        };
        state.apply(&ordered);
        previous_id = Some(id);
        log.push(ordered);
        invariants(&state);
    }
    // A replica folding the whole log at once gets the same state.
    assert_eq!(
        SessionState::from_log(&log),
        state,
        "folding the log differs"
    );
}

fn invariants(state: &SessionState) {
    for session in &state.items {
        let list = &session.speakers;
        let mut listed: Vec<_> = list.waiting.iter().map(|w| w.request).collect();
        listed.extend(list.speaking.as_ref().map(|s| s.request));
        listed.extend(list.done.iter().map(|d| d.request));
        let count = listed.len();
        listed.sort();
        listed.dedup();
        assert_eq!(listed.len(), count, "a request is in the list twice");
        let mut people: Vec<_> = list.waiting.iter().map(|w| w.person).collect();
        people.extend(list.speaking.as_ref().map(|s| s.person));
        let count = people.len();
        people.sort();
        people.dedup();
        assert_eq!(
            people.len(),
            count,
            "someone waits twice, or waits while speaking"
        );
    }
    if let Some(current) = state.current_item {
        assert!(
            state.items.iter().any(|i| i.item == current),
            "the current item was never taken up"
        );
    }
}
