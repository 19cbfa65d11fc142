//! The sync engine, without IO: the client crate asks it what to request and
//! hands it what the server answered; it decides what to write to the local
//! replica and where the cursor moves. Tests drive it with plain values.

pub mod merge;
pub mod push;

use std::collections::HashMap;

use ecabinet_domain::api::PullResponse;
use ecabinet_domain::ChangeBody;
use thiserror::Error;

/// How many changes one pull asks for: large pages, few round trips.
pub const PULL_PAGE_SIZE: u32 = 10_000;

/// What the client should request next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PullRequest {
    pub since: i64,
    pub limit: u32,
}

/// The replica's position in the organisation's change stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PullState {
    pub cursor: i64,
}

impl PullState {
    pub fn request(&self) -> PullRequest {
        PullRequest {
            since: self.cursor,
            limit: PULL_PAGE_SIZE,
        }
    }
}

/// What to do with one page: write these entities, then store the cursor,
/// in one local transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedPage {
    /// The newest snapshot of each entity in the page, in stream order.
    pub writes: Vec<ChangeBody>,
    pub state: PullState,
    /// Ask again at once: the server has more.
    pub more: bool,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SyncError {
    #[error("the server sent change {seq} after {previous}: its change stream is out of order")]
    OutOfOrder { previous: i64, seq: i64 },
    #[error("the server moved the cursor backwards (from {from} to {to})")]
    CursorBackwards { from: i64, to: i64 },
    #[error("the server said more changes wait but sent none; refusing to loop")]
    EmptyPageWithMore,
    #[error("the server answered {answered} of the {sent} changes sent")]
    PushAnswerMismatch { sent: usize, answered: usize },
}

/// Checks a page against the state it was requested from and reduces it to
/// the writes the replica needs. Several versions of one entity in a page
/// collapse to the newest, so the replica writes each row once.
pub fn apply_page(state: PullState, page: &PullResponse) -> Result<AppliedPage, SyncError> {
    let mut previous = state.cursor;
    for change in &page.changes {
        if change.seq <= previous {
            return Err(SyncError::OutOfOrder {
                previous,
                seq: change.seq,
            });
        }
        previous = change.seq;
    }
    if page.next_cursor < previous {
        return Err(SyncError::CursorBackwards {
            from: previous,
            to: page.next_cursor,
        });
    }
    if page.has_more && page.changes.is_empty() {
        return Err(SyncError::EmptyPageWithMore);
    }

    let mut newest: HashMap<(&'static str, String), usize> = HashMap::new();
    for (index, change) in page.changes.iter().enumerate() {
        newest.insert(entity_key(&change.body), index);
    }
    let writes = page
        .changes
        .iter()
        .enumerate()
        .filter(|(index, change)| newest.get(&entity_key(&change.body)) == Some(index))
        .map(|(_, change)| change.body.clone())
        .collect();

    Ok(AppliedPage {
        writes,
        state: PullState {
            cursor: page.next_cursor,
        },
        more: page.has_more,
    })
}

fn entity_key(body: &ChangeBody) -> (&'static str, String) {
    let id = match body {
        ChangeBody::Organisation(o) => o.id.to_string(),
        ChangeBody::Person(p) => p.id.to_string(),
        ChangeBody::Meeting(m) => m.id.to_string(),
        ChangeBody::AgendaItem(a) => a.id.to_string(),
        // Each version is its own row: a new version never hides an older one.
        ChangeBody::Document(d) => format!("{}/{}", d.id, d.version),
        ChangeBody::ItemAccess(a) => a.agenda_item_id.to_string(),
        // Ops are facts, not snapshots: every one is kept.
        ChangeBody::Op(accepted) => accepted.op.id.to_string(),
        ChangeBody::AnnotationHidden(h) => h.annotation_id.to_string(),
        ChangeBody::Motion(m) => m.id.to_string(),
        ChangeBody::Attendance(a) => format!("{}/{}", a.meeting_id, a.person_id),
        ChangeBody::Ballot(b) => format!("{}/{}", b.ballot.motion_id, b.seq),
        ChangeBody::Position(p) => format!("{}/{}", p.agenda_item_id, p.person_id),
        ChangeBody::ItemDecision(d) => d.agenda_item_id.to_string(),
        ChangeBody::OpinionRequest(r) => r.id.to_string(),
        ChangeBody::OpinionResponse(r) => format!("{}/{}", r.response.request_id, r.seq),
        ChangeBody::Reminder(r) => format!(
            "{}/{}/{}",
            r.request_id,
            r.person_id,
            r.sent_at.timestamp_millis()
        ),
        ChangeBody::SessionEvent(e) => format!("{}/{}", e.event().meeting_id, e.seq),
    };
    (body.kind(), id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use ecabinet_domain::{Change, Meeting, MeetingId, MeetingStatus, OrganisationId, PersonId};

    fn meeting(id: MeetingId, title: &str) -> ChangeBody {
        ChangeBody::Meeting(Meeting {
            id,
            organisation_id: OrganisationId(uuid::Uuid::nil()),
            title: title.to_owned(),
            starts_at: Utc
                .with_ymd_and_hms(2026, 12, 1, 8, 0, 0)
                .single()
                .expect("date"),
            status: MeetingStatus::Published,
            created_by: PersonId(uuid::Uuid::nil()),
            details: Default::default(),
        })
    }

    fn page(changes: Vec<(i64, ChangeBody)>, next_cursor: i64, has_more: bool) -> PullResponse {
        PullResponse {
            changes: changes
                .into_iter()
                .map(|(seq, body)| Change { seq, body })
                .collect(),
            next_cursor,
            has_more,
        }
    }

    #[test]
    fn a_fresh_replica_asks_from_zero_in_large_pages() {
        assert_eq!(
            PullState::default().request(),
            PullRequest {
                since: 0,
                limit: PULL_PAGE_SIZE
            }
        );
    }

    #[test]
    fn a_page_moves_the_cursor_and_keeps_the_newest_version() {
        let id = MeetingId::new();
        let other = MeetingId::new();
        let applied = apply_page(
            PullState { cursor: 3 },
            &page(
                vec![
                    (4, meeting(id, "old")),
                    (5, meeting(other, "b")),
                    (7, meeting(id, "new")),
                ],
                7,
                true,
            ),
        )
        .expect("valid page");
        assert_eq!(applied.state.cursor, 7);
        assert!(applied.more);
        assert_eq!(
            applied.writes,
            vec![meeting(other, "b"), meeting(id, "new")]
        );
    }

    #[test]
    fn an_empty_page_keeps_the_cursor() {
        let applied = apply_page(PullState { cursor: 9 }, &page(vec![], 9, false)).expect("valid");
        assert_eq!(applied.state.cursor, 9);
        assert!(applied.writes.is_empty());
        assert!(!applied.more);
    }

    #[test]
    fn out_of_order_or_stale_changes_are_refused() {
        let id = MeetingId::new();
        assert_eq!(
            apply_page(
                PullState { cursor: 5 },
                &page(vec![(5, meeting(id, "x"))], 5, false)
            ),
            Err(SyncError::OutOfOrder {
                previous: 5,
                seq: 5
            })
        );
        assert_eq!(
            apply_page(
                PullState { cursor: 0 },
                &page(vec![(2, meeting(id, "x")), (1, meeting(id, "y"))], 2, false)
            ),
            Err(SyncError::OutOfOrder {
                previous: 2,
                seq: 1
            })
        );
    }

    #[test]
    fn a_cursor_moving_backwards_or_an_endless_empty_page_is_refused() {
        let id = MeetingId::new();
        assert_eq!(
            apply_page(
                PullState { cursor: 0 },
                &page(vec![(4, meeting(id, "x"))], 3, false)
            ),
            Err(SyncError::CursorBackwards { from: 4, to: 3 })
        );
        assert_eq!(
            apply_page(PullState { cursor: 0 }, &page(vec![], 0, true)),
            Err(SyncError::EmptyPageWithMore)
        );
    }
}
