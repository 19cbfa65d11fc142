//! The minutes (*biên bản*), drawn from the session log and the meeting's
//! facts. [`draft`] is a pure function of the two, so anyone holding the
//! signed log and the facts can draw the minutes again and compare
//! (`ecab minutes verify`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rules::{present_count, quorum_needed, SessionState};
use super::{ItemOutcome, LiveEventBody, OrderedLiveEvent, SpeechKind};
use crate::ids::{AgendaItemId, DocumentId, MeetingId, MotionId, PersonId};
use crate::voting::{MajorityBase, MajorityRule, Presence, Tally};

/// Longest narrative the secretariat may add to one item.
pub const MAX_NARRATIVE_CHARS: usize = 20_000;

/// What the minutes say about the meeting beyond the log: read from the
/// secretariat's replica when drafting, carried inside the signed minutes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MinutesFacts {
    pub meeting_id: MeetingId,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub kind: String,
    pub place: Option<String>,
    pub chair: Option<PersonId>,
    /// Everyone named anywhere in the minutes.
    pub people: Vec<NamedPerson>,
    /// Who was expected (members of the meeting).
    pub participants: Vec<PersonId>,
    /// Attendance recorded for the meeting (the log's records win).
    pub attendance: Vec<MinutesAttendance>,
    /// The agenda in its order.
    pub items: Vec<ItemFacts>,
    /// The rules of each vote named in the log.
    pub motions: Vec<MotionFacts>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NamedPerson {
    pub id: PersonId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemFacts {
    pub id: AgendaItemId,
    pub position: i32,
    pub title: String,
    pub presenting_ministry: Option<String>,
    pub documents: Vec<MinutesDocument>,
    /// The members' positions before the meeting.
    pub positions: Option<PositionsLine>,
    /// The secretariat's narrative for this item (`ecab minutes edit`).
    pub narrative: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MinutesDocument {
    pub id: DocumentId,
    pub version: u32,
    pub title: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PositionsLine {
    pub no_objection: u32,
    pub speak: u32,
    /// (who, reason)
    pub objections: Vec<(PersonId, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MotionFacts {
    pub id: MotionId,
    pub rule: MajorityRule,
    pub base: MajorityBase,
    pub quorum: Option<u32>,
    pub options: Vec<String>,
    /// The tally as the vote recorded it: the minutes use it when the vote
    /// closed by itself (at its time) rather than by the chair in the session.
    #[serde(default)]
    pub tally: Option<Tally>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MinutesAttendance {
    pub person: PersonId,
    pub presence: Presence,
}

/// The minutes, as drafted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Minutes {
    pub meeting_id: MeetingId,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub kind: String,
    pub place: Option<String>,
    pub chair: Option<String>,
    pub session_started_at: Option<DateTime<Utc>>,
    pub session_ended_at: Option<DateTime<Utc>>,
    /// How many events the log held, and the hash of the last one (base64url).
    pub log_length: u32,
    pub log_head: String,
    pub attendance: Vec<AttendanceLine>,
    pub participants: u32,
    pub present: u32,
    pub quorum_needed: u32,
    pub items: Vec<MinutesItem>,
    /// Where the room's hub ran the session without the server.
    #[serde(default)]
    pub room_segments: Vec<RoomSegmentLine>,
}

/// A stretch of the session the room's hub ordered while the server was away.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoomSegmentLine {
    pub epoch: u32,
    /// Whose device was the hub.
    pub hub: String,
    pub from: DateTime<Utc>,
    /// None: not handed back within this log.
    pub to: Option<DateTime<Utc>>,
    /// Events of the log the hub ordered, its takeover and hand-back included.
    pub events: u32,
}

/// The hub segments of a log, in order.
fn room_segments(facts: &MinutesFacts, log: &[OrderedLiveEvent]) -> Vec<RoomSegmentLine> {
    let mut segments: Vec<RoomSegmentLine> = Vec::new();
    let mut open: Option<(RoomSegmentLine, u32)> = None;
    for event in log {
        match event.event().body {
            LiveEventBody::HubTookOver { epoch, .. } => {
                let line = RoomSegmentLine {
                    epoch,
                    hub: name_of(facts, event.event().author),
                    from: event.at,
                    to: None,
                    events: 1,
                };
                if let Some((unfinished, _)) = open.replace((line, event.seq)) {
                    segments.push(unfinished);
                }
            }
            LiveEventBody::HubHandedBack { .. } => {
                if let Some((mut line, since)) = open.take() {
                    line.to = Some(event.at);
                    line.events = event.seq - since + 1;
                    segments.push(line);
                }
            }
            _ => {}
        }
    }
    if let Some((mut line, since)) = open {
        line.events = log.last().map_or(1, |e| e.seq - since + 1);
        segments.push(line);
    }
    segments
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttendanceLine {
    pub person: PersonId,
    pub name: String,
    pub presence: Presence,
    /// The substitute's name, when substituted.
    pub substitute: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MinutesItem {
    pub item: AgendaItemId,
    pub position: i32,
    pub title: String,
    pub presenting_ministry: Option<String>,
    pub documents: Vec<MinutesDocument>,
    pub positions: Option<PositionsLine>,
    pub taken_up: bool,
    pub speakers: Vec<SpeechLine>,
    pub votes: Vec<VoteLine>,
    pub outcome: Option<ItemOutcome>,
    pub outcome_note: Option<String>,
    pub narrative: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpeechLine {
    pub person: PersonId,
    pub name: String,
    pub kind: SpeechKind,
    pub started_at: DateTime<Utc>,
    pub duration_seconds: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VoteLine {
    pub motion: MotionId,
    pub question: String,
    pub rule: Option<MajorityRule>,
    pub base: Option<MajorityBase>,
    pub quorum: Option<u32>,
    pub tally: Option<Tally>,
}

fn name_of(facts: &MinutesFacts, person: PersonId) -> String {
    facts
        .people
        .iter()
        .find(|p| p.id == person)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| person.to_string())
}

/// Draws the minutes from the log and the facts. Pure: the same inputs
/// always give the same minutes.
pub fn draft(facts: &MinutesFacts, log: &[OrderedLiveEvent]) -> Minutes {
    let state = SessionState::from_log(log);
    // Attendance: what the facts record, overridden by the session's own records.
    let mut attendance: Vec<(PersonId, Presence)> = facts
        .attendance
        .iter()
        .map(|a| (a.person, a.presence.clone()))
        .collect();
    for record in &state.attendance {
        match attendance.iter_mut().find(|(p, _)| *p == record.person) {
            Some(entry) => entry.1 = record.presence.clone(),
            None => attendance.push((record.person, record.presence.clone())),
        }
    }
    for participant in &facts.participants {
        if !attendance.iter().any(|(p, _)| p == participant) {
            attendance.push((*participant, Presence::Absent { reason: None }));
        }
    }
    let merged: Vec<super::rules::SessionAttendance> = attendance
        .iter()
        .filter(|(p, _)| facts.participants.is_empty() || facts.participants.contains(p))
        .map(|(person, presence)| super::rules::SessionAttendance {
            person: *person,
            presence: presence.clone(),
        })
        .collect();
    let participants = if facts.participants.is_empty() {
        merged.len()
    } else {
        facts.participants.len()
    };
    let attendance = attendance
        .into_iter()
        .map(|(person, presence)| AttendanceLine {
            person,
            name: name_of(facts, person),
            substitute: match &presence {
                Presence::Substituted { by: Some(by) } => Some(name_of(facts, *by)),
                _ => None,
            },
            presence,
        })
        .collect();

    let items = facts
        .items
        .iter()
        .map(|item| {
            let session = state.item(item.id);
            let speakers = session
                .map(|s| {
                    s.speakers
                        .done
                        .iter()
                        .map(|speech| SpeechLine {
                            person: speech.person,
                            name: name_of(facts, speech.person),
                            kind: speech.kind,
                            started_at: speech.started_at,
                            duration_seconds: ((speech.duration_ms() + 500) / 1000) as u32,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let votes = state
                .motions
                .iter()
                .filter(|m| m.item == item.id)
                .map(|m| {
                    let rules = facts.motions.iter().find(|f| f.id == m.motion);
                    VoteLine {
                        motion: m.motion,
                        question: m.question.clone(),
                        rule: rules.map(|r| r.rule),
                        base: rules.map(|r| r.base),
                        quorum: rules.and_then(|r| r.quorum),
                        tally: m
                            .tally
                            .clone()
                            .or_else(|| rules.and_then(|r| r.tally.clone())),
                    }
                })
                .collect();
            MinutesItem {
                item: item.id,
                position: item.position,
                title: item.title.clone(),
                presenting_ministry: item.presenting_ministry.clone(),
                documents: item.documents.clone(),
                positions: item.positions.clone(),
                taken_up: session.is_some(),
                speakers,
                votes,
                outcome: session.and_then(|s| s.outcome),
                outcome_note: session.and_then(|s| s.outcome_note.clone()),
                narrative: item.narrative.clone(),
            }
        })
        .collect();

    let head = log
        .last()
        .map(|e| {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&e.hash.0)
        })
        .unwrap_or_default();
    Minutes {
        meeting_id: facts.meeting_id,
        title: facts.title.clone(),
        starts_at: facts.starts_at,
        kind: facts.kind.clone(),
        place: facts.place.clone(),
        chair: facts.chair.map(|c| name_of(facts, c)),
        session_started_at: state.started_at,
        session_ended_at: state.ended_at,
        log_length: log.len() as u32,
        log_head: head,
        room_segments: room_segments(facts, log),
        attendance,
        participants: participants as u32,
        present: present_count(&merged) as u32,
        quorum_needed: quorum_needed(participants) as u32,
        items,
    }
}

/// The signed minutes: what `ecab minutes sign` writes and publishes and
/// `ecab minutes verify` re-checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedMinutes {
    pub minutes: Minutes,
    pub facts: MinutesFacts,
    /// The whole session log, as ordered.
    pub log: Vec<OrderedLiveEvent>,
    /// The signing key of every device that made an event: (device, person, key, base64url).
    pub devices: Vec<MinutesDevice>,
    /// The orderer's (server's) public key, base64url.
    pub orderer_key: String,
    pub signed_by_device: crate::ids::DeviceId,
    pub signed_by: PersonId,
    pub signed_at: DateTime<Utc>,
    /// The secretary device's Ed25519 signature over [`SignedMinutes::signing_message`], base64url.
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesDevice {
    pub device: crate::ids::DeviceId,
    pub person: PersonId,
    pub signing_key: String,
}

impl SignedMinutes {
    /// Domain-separated: the minutes, the facts, the log's head and length,
    /// the signer and the time.
    pub fn signing_message(
        minutes: &Minutes,
        facts: &MinutesFacts,
        signed_by_device: crate::ids::DeviceId,
        signed_at: DateTime<Utc>,
    ) -> Vec<u8> {
        let mut message = b"ecabinet/minutes/v1\0".to_vec();
        let minutes = serde_json::to_vec(minutes).unwrap_or_default();
        let facts = serde_json::to_vec(facts).unwrap_or_default();
        message.extend_from_slice(&(minutes.len() as u32).to_be_bytes());
        message.extend_from_slice(&minutes);
        message.extend_from_slice(&(facts.len() as u32).to_be_bytes());
        message.extend_from_slice(&facts);
        message.extend_from_slice(signed_by_device.0.as_bytes());
        message.extend_from_slice(&signed_at.timestamp_millis().to_be_bytes());
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DeviceId;
    use crate::ops::Bytes;
    use crate::session::{LiveEvent, LiveEventBody, LiveEventId, SignedLiveEvent};
    use uuid::Uuid;

    fn person(n: u128) -> PersonId {
        PersonId(Uuid::from_u128(n))
    }

    fn event(seq: u32, second: i64, author: u128, body: LiveEventBody) -> OrderedLiveEvent {
        let at = DateTime::from_timestamp(1_765_000_000 + second, 0).expect("a time");
        OrderedLiveEvent {
            seq,
            prev_hash: Bytes(vec![0; 32]),
            at,
            signed: SignedLiveEvent {
                event: LiveEvent {
                    id: LiveEventId(Uuid::from_u128(u128::from(seq))),
                    meeting_id: MeetingId(Uuid::from_u128(9)),
                    device_id: DeviceId(Uuid::from_u128(author)),
                    author: person(author),
                    made_at: at,
                    body,
                },
                signature: Bytes(vec![]),
            },
            hash: Bytes(vec![seq as u8; 32]),
            orderer_signature: Bytes(vec![]),
        }
    }

    #[test]
    fn the_minutes_say_when_the_room_ran_without_the_server() {
        let facts = MinutesFacts {
            meeting_id: MeetingId(Uuid::from_u128(9)),
            people: vec![NamedPerson {
                id: person(1),
                name: "Chủ tọa".into(),
            }],
            ..MinutesFacts::default()
        };
        let took = |seq, second, epoch| {
            event(
                seq,
                second,
                1,
                LiveEventBody::HubTookOver {
                    epoch,
                    after_seq: seq - 1,
                },
            )
        };
        let back =
            |seq, second, epoch| event(seq, second, 1, LiveEventBody::HubHandedBack { epoch });
        let log = vec![
            event(1, 0, 1, LiveEventBody::SessionStarted),
            took(2, 10, 1),
            event(3, 20, 1, LiveEventBody::SessionSuspended),
            back(4, 30, 1),
            took(5, 40, 2),
            event(6, 50, 1, LiveEventBody::SessionResumed),
        ];
        let minutes = draft(&facts, &log);
        assert_eq!(minutes.room_segments.len(), 2);
        let first = &minutes.room_segments[0];
        assert_eq!(
            (first.epoch, first.events, first.hub.as_str()),
            (1, 3, "Chủ tọa")
        );
        assert_eq!(first.to.map(|t| (t - first.from).num_seconds()), Some(20));
        let second = &minutes.room_segments[1];
        assert_eq!((second.epoch, second.events, second.to), (2, 2, None));
        // Minutes signed before this field existed read back the same.
        let mut old = serde_json::to_value(draft(&facts, &log[..1])).expect("json");
        old.as_object_mut()
            .expect("an object")
            .remove("room_segments");
        let read: Minutes = serde_json::from_value(old).expect("old minutes");
        assert_eq!(read, draft(&facts, &log[..1]));
    }

    #[test]
    fn the_minutes_list_speakers_durations_attendance_and_outcomes() {
        let item = AgendaItemId(Uuid::from_u128(100));
        let other = AgendaItemId(Uuid::from_u128(101));
        let request = crate::session::FloorRequestId(Uuid::from_u128(200));
        let facts = MinutesFacts {
            meeting_id: MeetingId(Uuid::from_u128(9)),
            title: "Phiên họp thường kỳ".into(),
            chair: Some(person(1)),
            people: vec![
                NamedPerson {
                    id: person(1),
                    name: "Chủ tọa".into(),
                },
                NamedPerson {
                    id: person(3),
                    name: "Bộ trưởng A".into(),
                },
            ],
            participants: vec![person(3), person(4)],
            attendance: vec![MinutesAttendance {
                person: person(4),
                presence: Presence::Absent {
                    reason: Some("công tác".into()),
                },
            }],
            items: vec![
                ItemFacts {
                    id: item,
                    position: 1,
                    title: "Dự thảo Nghị định".into(),
                    presenting_ministry: None,
                    documents: vec![],
                    positions: None,
                    narrative: Some("Thảo luận sôi nổi.".into()),
                },
                ItemFacts {
                    id: other,
                    position: 2,
                    title: "Báo cáo".into(),
                    presenting_ministry: None,
                    documents: vec![],
                    positions: None,
                    narrative: None,
                },
            ],
            ..MinutesFacts::default()
        };
        let log = vec![
            event(1, 0, 1, LiveEventBody::SessionStarted),
            event(
                2,
                5,
                3,
                LiveEventBody::Attendance {
                    person: person(3),
                    presence: Presence::Remote,
                },
            ),
            event(3, 10, 1, LiveEventBody::ItemTakenUp { item }),
            event(
                4,
                20,
                3,
                LiveEventBody::FloorRequested {
                    request,
                    item,
                    kind: SpeechKind::Speech,
                },
            ),
            event(5, 30, 1, LiveEventBody::FloorGiven { request }),
            event(6, 121, 1, LiveEventBody::FloorEnded { item }),
            event(
                7,
                130,
                1,
                LiveEventBody::ItemOutcome {
                    item,
                    outcome: ItemOutcome::Adopted,
                    note: None,
                },
            ),
            event(8, 140, 1, LiveEventBody::SessionEnded),
        ];
        let minutes = draft(&facts, &log);
        assert_eq!(minutes.chair.as_deref(), Some("Chủ tọa"));
        assert_eq!(minutes.log_length, 8);
        assert_eq!(
            (minutes.participants, minutes.present, minutes.quorum_needed),
            (2, 1, 2)
        );
        assert_eq!(minutes.attendance.len(), 2);
        let first = &minutes.items[0];
        assert!(first.taken_up);
        assert_eq!(first.speakers.len(), 1);
        assert_eq!(first.speakers[0].name, "Bộ trưởng A");
        assert_eq!(first.speakers[0].duration_seconds, 91);
        assert_eq!(first.outcome, Some(ItemOutcome::Adopted));
        assert_eq!(first.narrative.as_deref(), Some("Thảo luận sôi nổi."));
        assert!(!minutes.items[1].taken_up);
        assert_eq!(draft(&facts, &log), minutes, "drafting is repeatable");
    }
}
