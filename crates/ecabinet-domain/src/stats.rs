//! Figures for the national reporting system and the secretariat's
//! dashboard: meetings held, items by outcome, written-opinion rounds and
//! votes over a period. Computed from what a secretariat device already
//! holds (its replica), so the report works offline and both the CLI and
//! the desktop show the same numbers from the same function.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::MeetingId;
use crate::model::{AgendaItem, ItemStatus, Meeting, MeetingStatus};
use crate::opinions::{self, OpinionRequest, ReceivedResponse};
use crate::session::rules::SessionState;
use crate::session::{ItemOutcome, OrderedLiveEvent};
use crate::voting::{Motion, MotionStatus};

/// Everything known about one meeting that the figures are made of.
#[derive(Clone, Debug)]
pub struct MeetingFacts {
    pub meeting: Meeting,
    pub items: Vec<AgendaItem>,
    /// The meeting's session log (empty when no session was run here).
    pub log: Vec<OrderedLiveEvent>,
    pub motions: Vec<Motion>,
    /// Written-opinion rounds on the meeting's items, with the responses
    /// the server accepted.
    pub opinion_rounds: Vec<(OpinionRequest, Vec<ReceivedResponse>)>,
}

/// Items by how they ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutcomeCounts {
    pub adopted: u32,
    pub deferred: u32,
    pub withdrawn: u32,
    pub noted: u32,
    /// Not decided (yet): on the agenda, or taken up without an outcome.
    pub undecided: u32,
}

impl OutcomeCounts {
    fn add(&mut self, outcome: Option<ItemOutcome>) {
        match outcome {
            Some(ItemOutcome::Adopted) => self.adopted += 1,
            Some(ItemOutcome::Deferred) => self.deferred += 1,
            Some(ItemOutcome::Withdrawn) => self.withdrawn += 1,
            Some(ItemOutcome::Noted) => self.noted += 1,
            None => self.undecided += 1,
        }
    }

    fn merge(&mut self, other: &OutcomeCounts) {
        self.adopted += other.adopted;
        self.deferred += other.deferred;
        self.withdrawn += other.withdrawn;
        self.noted += other.noted;
        self.undecided += other.undecided;
    }

    pub fn total(&self) -> u32 {
        self.adopted + self.deferred + self.withdrawn + self.noted + self.undecided
    }
}

/// The figures of one meeting, or of the whole period (`meeting` absent).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MeetingFigures {
    pub meeting: Option<MeetingId>,
    pub title: String,
    pub starts_at: Option<DateTime<Utc>>,
    /// Meetings counted (1 for one meeting; published or cancelled ones in the period).
    pub meetings: u32,
    /// Meetings whose session was started.
    pub held: u32,
    pub cancelled: u32,
    pub items: u32,
    pub outcomes: OutcomeCounts,
    /// Adopted with nobody given the floor on it.
    pub adopted_without_discussion: u32,
    pub opinion_rounds: u32,
    /// Members asked, over all rounds.
    pub opinions_requested: u32,
    /// Members who answered before the deadline (their latest answer counts).
    pub opinions_answered: u32,
    /// Answers received after the deadline (kept, never counted).
    pub late_answers: u32,
    /// Median hours from a round's request to each in-time answer.
    pub median_hours_to_answer: Option<f64>,
    /// Closed votes.
    pub votes: u32,
    /// Ballots counted in the closed votes.
    pub ballots: u32,
    /// Members entitled to vote in them (each vote's membership, summed).
    pub voters_entitled: u32,
    /// Answered in time over asked, from 0 to 1 (none asked: none).
    pub response_rate: Option<f64>,
    /// Ballots over members entitled, from 0 to 1 (no vote: none).
    pub turnout: Option<f64>,
}

impl MeetingFigures {
    /// Fills the rates from the counts (done once the counts are final).
    fn with_rates(mut self) -> Self {
        self.response_rate = (self.opinions_requested > 0)
            .then(|| f64::from(self.opinions_answered) / f64::from(self.opinions_requested));
        self.turnout = (self.voters_entitled > 0)
            .then(|| f64::from(self.ballots) / f64::from(self.voters_entitled));
        self
    }
}

/// The report: the period, its totals, and one line per meeting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Statistics {
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub to: Option<DateTime<Utc>>,
    pub generated_at: DateTime<Utc>,
    pub total: MeetingFigures,
    pub meetings: Vec<MeetingFigures>,
}

/// The figures of the meetings that start in `[from, to)`; drafts (never
/// published) are left out. Meetings are listed by start.
pub fn statistics(
    facts: &[MeetingFacts],
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    generated_at: DateTime<Utc>,
) -> Statistics {
    let mut selected: Vec<&MeetingFacts> = facts
        .iter()
        .filter(|f| f.meeting.status != MeetingStatus::Draft)
        .filter(|f| from.is_none_or(|from| f.meeting.starts_at >= from))
        .filter(|f| to.is_none_or(|to| f.meeting.starts_at < to))
        .collect();
    selected.sort_by_key(|f| (f.meeting.starts_at, f.meeting.id));
    let mut total = MeetingFigures {
        title: String::new(),
        ..MeetingFigures::default()
    };
    let mut answer_hours = Vec::new();
    let mut meetings = Vec::new();
    for facts in selected {
        let (figures, hours) = meeting_figures(facts);
        answer_hours.extend_from_slice(&hours);
        total.meetings += figures.meetings;
        total.held += figures.held;
        total.cancelled += figures.cancelled;
        total.items += figures.items;
        total.outcomes.merge(&figures.outcomes);
        total.adopted_without_discussion += figures.adopted_without_discussion;
        total.opinion_rounds += figures.opinion_rounds;
        total.opinions_requested += figures.opinions_requested;
        total.opinions_answered += figures.opinions_answered;
        total.late_answers += figures.late_answers;
        total.votes += figures.votes;
        total.ballots += figures.ballots;
        total.voters_entitled += figures.voters_entitled;
        meetings.push(figures);
    }
    total.median_hours_to_answer = median(&mut answer_hours);
    Statistics {
        from,
        to,
        generated_at,
        total: total.with_rates(),
        meetings,
    }
}

fn meeting_figures(facts: &MeetingFacts) -> (MeetingFigures, Vec<f64>) {
    let session = SessionState::from_log(&facts.log);
    let cancelled = facts.meeting.status == MeetingStatus::Cancelled;
    let mut figures = MeetingFigures {
        meeting: Some(facts.meeting.id),
        title: facts.meeting.title.clone(),
        starts_at: Some(facts.meeting.starts_at),
        meetings: 1,
        held: u32::from(session.started_at.is_some()),
        cancelled: u32::from(cancelled),
        ..MeetingFigures::default()
    };
    for item in &facts.items {
        figures.items += 1;
        let in_session = session.item(item.id);
        // The session's recorded outcome wins; a meeting run without a
        // session has the status the secretariat set.
        let outcome = in_session
            .and_then(|s| s.outcome)
            .or(match item.details.status {
                ItemStatus::Adopted => Some(ItemOutcome::Adopted),
                ItemStatus::Deferred => Some(ItemOutcome::Deferred),
                ItemStatus::Withdrawn => Some(ItemOutcome::Withdrawn),
                ItemStatus::Scheduled | ItemStatus::InDiscussion => None,
            });
        figures.outcomes.add(outcome);
        let discussed = in_session
            .is_some_and(|s| !s.speakers.done.is_empty() || s.speakers.speaking.is_some());
        if outcome == Some(ItemOutcome::Adopted) && !discussed {
            figures.adopted_without_discussion += 1;
        }
    }
    let mut hours = Vec::new();
    for (request, received) in &facts.opinion_rounds {
        let status = opinions::status(request.clone(), received.clone());
        figures.opinion_rounds += 1;
        figures.opinions_requested += request.recipients.len() as u32;
        figures.opinions_answered += status.counted.len() as u32;
        figures.late_answers += status.late.len() as u32;
        hours.extend(status.counted.iter().map(|answer| {
            (answer.received_at - request.created_at)
                .num_seconds()
                .max(0) as f64
                / 3600.0
        }));
    }
    for motion in &facts.motions {
        if let (MotionStatus::Closed, Some(tally)) = (motion.status, &motion.tally) {
            figures.votes += 1;
            figures.ballots += tally.counts.iter().map(|(_, n)| n).sum::<u32>();
            figures.voters_entitled += tally.members;
        }
    }
    figures.median_hours_to_answer = median(&mut hours.clone());
    (figures.with_rates(), hours)
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    })
}

/// The report as CSV: one row per meeting, then the totals (`meeting_id`
/// "TOTAL"). Rates are fractions with 4 decimals, empty when undefined.
pub fn statistics_csv(stats: &Statistics) -> String {
    let mut out = String::from(
        "meeting_id,meeting,starts_at,held,cancelled,items,adopted,deferred,withdrawn,noted,\
         undecided,adopted_without_discussion,opinion_rounds,opinions_requested,\
         opinions_answered,response_rate,late_answers,median_hours_to_answer,votes,ballots,\
         voters_entitled,turnout\n",
    );
    let rows = stats
        .meetings
        .iter()
        .map(|m| (m.meeting.map_or_else(String::new, |id| id.to_string()), m))
        .chain(std::iter::once(("TOTAL".to_owned(), &stats.total)));
    for (id, m) in rows {
        let fraction = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.4}"));
        let fields = [
            id,
            csv_field(&m.title),
            m.starts_at.map_or_else(String::new, |t| t.to_rfc3339()),
            m.held.to_string(),
            m.cancelled.to_string(),
            m.items.to_string(),
            m.outcomes.adopted.to_string(),
            m.outcomes.deferred.to_string(),
            m.outcomes.withdrawn.to_string(),
            m.outcomes.noted.to_string(),
            m.outcomes.undecided.to_string(),
            m.adopted_without_discussion.to_string(),
            m.opinion_rounds.to_string(),
            m.opinions_requested.to_string(),
            m.opinions_answered.to_string(),
            fraction(m.response_rate),
            m.late_answers.to_string(),
            m.median_hours_to_answer
                .map_or_else(String::new, |h| format!("{h:.2}")),
            m.votes.to_string(),
            m.ballots.to_string(),
            m.voters_entitled.to_string(),
            fraction(m.turnout),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when it must be; a leading `=`, `+`, `-` or `@` is
/// defused so a spreadsheet does not run a meeting title as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AgendaItemId, OpinionRequestId, OrganisationId, PersonId};
    use crate::model::{ItemDetails, MeetingDetails};
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
            .single()
            .expect("a time")
    }

    fn meeting(day: u32, status: MeetingStatus, title: &str) -> Meeting {
        Meeting {
            id: MeetingId::new(),
            organisation_id: OrganisationId::new(),
            title: title.into(),
            starts_at: at(day, 8),
            status,
            created_by: PersonId::new(),
            details: MeetingDetails::default(),
        }
    }

    fn item(meeting: &Meeting, position: i32, status: ItemStatus) -> AgendaItem {
        AgendaItem {
            id: AgendaItemId::new(),
            meeting_id: meeting.id,
            position,
            title: format!("Item {position}"),
            restricted: false,
            details: ItemDetails {
                status,
                ..ItemDetails::default()
            },
        }
    }

    fn facts(meeting: Meeting, items: Vec<AgendaItem>) -> MeetingFacts {
        MeetingFacts {
            meeting,
            items,
            log: Vec::new(),
            motions: Vec::new(),
            opinion_rounds: Vec::new(),
        }
    }

    fn answer(
        request: &OpinionRequest,
        who: PersonId,
        at: DateTime<Utc>,
        late: bool,
        seq: i64,
    ) -> ReceivedResponse {
        ReceivedResponse {
            response: crate::opinions::OpinionResponse {
                request_id: request.id,
                respondent: who,
                signer: who,
                device_id: crate::ids::DeviceId::new(),
                choice: request.answers[0].clone(),
                comment: String::new(),
                annotations: Vec::new(),
                submitted_at: at,
                nonce: crate::ops::Bytes(vec![0; 16]),
                signature: crate::ops::Bytes(vec![0; 64]),
            },
            seq,
            received_at: at,
            late,
        }
    }

    #[test]
    fn the_period_counts_published_meetings_their_outcomes_and_opinion_rounds() {
        let november = meeting(5, MeetingStatus::Published, "Phiên họp thường kỳ tháng 11");
        let items = vec![
            item(&november, 1, ItemStatus::Adopted),
            item(&november, 2, ItemStatus::Adopted),
            item(&november, 3, ItemStatus::Deferred),
            item(&november, 4, ItemStatus::Scheduled),
        ];
        let (a, b, c) = (PersonId::new(), PersonId::new(), PersonId::new());
        let request = OpinionRequest {
            id: OpinionRequestId::new(),
            agenda_item_id: items[0].id,
            question: "Ý kiến?".into(),
            documents: Vec::new(),
            answers: vec!["Đồng ý".into(), "Không đồng ý".into()],
            deadline: at(4, 12),
            recipients: vec![a, b, c],
            mandates: Vec::new(),
            reminders: Vec::new(),
            created_at: at(1, 8),
        };
        // a answers after 2 h and again after 6 h (the later one counts),
        // b after 10 h, c only after the deadline.
        let received = vec![
            answer(&request, a, at(1, 10), false, 1),
            answer(&request, a, at(1, 14), false, 2),
            answer(&request, b, at(1, 18), false, 3),
            answer(&request, c, at(5, 8), true, 4),
        ];
        let mut first = facts(november, items);
        first.opinion_rounds.push((request, received));
        // One closed vote (7 of 9 members voted) and one still open (not counted).
        let motion = |status, tally| Motion {
            id: crate::ids::MotionId::new(),
            meeting_id: first.meeting.id,
            agenda_item_id: first.items[0].id,
            question: "Thông qua?".into(),
            options: vec![
                "Tán thành".into(),
                "Không tán thành".into(),
                "Không biểu quyết".into(),
            ],
            rule: crate::voting::MajorityRule::Simple,
            base: crate::voting::MajorityBase::Present,
            quorum: None,
            status,
            opened_at: at(5, 9),
            closes_at: None,
            closed_at: None,
            votes_cast: 7,
            tally,
        };
        let tally = crate::voting::Tally {
            counts: vec![
                ("Tán thành".into(), 5),
                ("Không tán thành".into(), 1),
                ("Không biểu quyết".into(), 1),
            ],
            present: 8,
            members: 9,
            base: 8,
            required: 5,
            quorum_met: true,
            adopted: true,
            named: Vec::new(),
        };
        first.motions = vec![
            motion(MotionStatus::Closed, Some(tally)),
            motion(MotionStatus::Open, None),
        ];
        let cancelled = facts(
            meeting(20, MeetingStatus::Cancelled, "Phiên bất thường"),
            Vec::new(),
        );
        let draft = facts(meeting(21, MeetingStatus::Draft, "Dự thảo"), Vec::new());
        let december = facts(
            meeting(30, MeetingStatus::Published, "=HYPERLINK(\"x\")"),
            Vec::new(),
        );
        let all = vec![december, draft, cancelled, first];

        let stats = statistics(&all, Some(at(1, 0)), Some(at(30, 0)), at(30, 12));
        assert_eq!(
            stats.meetings.len(),
            2,
            "the draft and the meeting on the 30th are outside"
        );
        assert_eq!(stats.meetings[0].title, "Phiên họp thường kỳ tháng 11");
        let total = &stats.total;
        assert_eq!((total.meetings, total.held, total.cancelled), (2, 0, 1));
        assert_eq!(total.items, 4);
        assert_eq!(
            total.outcomes,
            OutcomeCounts {
                adopted: 2,
                deferred: 1,
                withdrawn: 0,
                noted: 0,
                undecided: 1
            }
        );
        // No session: nobody spoke on the adopted items.
        assert_eq!(total.adopted_without_discussion, 2);
        assert_eq!((total.opinion_rounds, total.opinions_requested), (1, 3));
        assert_eq!((total.opinions_answered, total.late_answers), (2, 1));
        assert_eq!(
            total.median_hours_to_answer,
            Some(8.0),
            "median of 6 h and 10 h"
        );
        assert_eq!(total.response_rate, Some(2.0 / 3.0));
        assert_eq!(
            (total.votes, total.ballots, total.voters_entitled),
            (1, 7, 9)
        );
        assert_eq!(total.turnout, Some(7.0 / 9.0));
        assert_eq!(
            stats.meetings[1].turnout, None,
            "no vote in the cancelled meeting"
        );

        let everything = statistics(&all, None, None, at(30, 12));
        assert_eq!(everything.total.meetings, 3);
        let csv = statistics_csv(&everything);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 5, "header, three meetings, totals: {csv}");
        assert!(
            lines[4].starts_with("TOTAL,,,0,1,4,2,1,0,0,1,2,1,3,2,0.6667,1,8.00,1,7,9,0.7778"),
            "{csv}"
        );
        assert!(
            lines[3].contains(",\"'=HYPERLINK(\"\"x\"\")\","),
            "a formula in a title is defused and quoted: {}",
            lines[3]
        );
    }

    fn event(
        seq: u32,
        second: i64,
        meeting: MeetingId,
        body: crate::session::LiveEventBody,
    ) -> OrderedLiveEvent {
        use crate::session::{LiveEvent, LiveEventId, SignedLiveEvent};
        let at = at(5, 8) + chrono::Duration::seconds(second);
        OrderedLiveEvent {
            seq,
            prev_hash: crate::ops::Bytes(vec![0; 32]),
            at,
            signed: SignedLiveEvent {
                event: LiveEvent {
                    id: LiveEventId(uuid::Uuid::from_u128(u128::from(seq))),
                    meeting_id: meeting,
                    device_id: crate::ids::DeviceId::new(),
                    author: PersonId::new(),
                    made_at: at,
                    body,
                },
                signature: crate::ops::Bytes(vec![]),
            },
            hash: crate::ops::Bytes(vec![seq as u8; 32]),
            orderer_signature: crate::ops::Bytes(vec![]),
        }
    }

    #[test]
    fn a_session_gives_outcomes_and_tells_discussed_items_from_the_others() {
        use crate::session::{FloorRequestId, LiveEventBody, SpeechKind};
        let held = meeting(5, MeetingStatus::Published, "Phiên họp");
        // The secretariat's status says deferred; the session adopted it.
        let discussed = item(&held, 1, ItemStatus::Deferred);
        let quiet = item(&held, 2, ItemStatus::Scheduled);
        let request = FloorRequestId::new();
        let id = held.id;
        let outcome = |item, outcome| LiveEventBody::ItemOutcome {
            item,
            outcome,
            note: None,
        };
        let log = vec![
            event(1, 0, id, LiveEventBody::SessionStarted),
            event(2, 10, id, LiveEventBody::ItemTakenUp { item: discussed.id }),
            event(
                3,
                20,
                id,
                LiveEventBody::FloorRequested {
                    request,
                    item: discussed.id,
                    kind: SpeechKind::Speech,
                },
            ),
            event(4, 30, id, LiveEventBody::FloorGiven { request }),
            event(5, 90, id, LiveEventBody::FloorEnded { item: discussed.id }),
            event(6, 100, id, outcome(discussed.id, ItemOutcome::Adopted)),
            event(7, 110, id, LiveEventBody::ItemTakenUp { item: quiet.id }),
            event(8, 120, id, outcome(quiet.id, ItemOutcome::Adopted)),
        ];
        let mut facts = facts(held, vec![discussed, quiet]);
        facts.log = log;
        let stats = statistics(&[facts], None, None, at(30, 0));
        assert_eq!(stats.total.held, 1);
        assert_eq!(stats.total.outcomes.adopted, 2);
        assert_eq!(
            stats.total.outcomes.deferred, 0,
            "the session's outcome wins"
        );
        assert_eq!(stats.total.adopted_without_discussion, 1);
    }

    #[test]
    fn medians_of_even_and_odd_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
