//! Positions before the meeting, from this device: saved offline like every
//! op, summarised per item for the secretariat, and the chair's adoption of
//! the items nobody objected to.

use ecabinet_domain::ops::{Command, OpBody, PositionOp};
use ecabinet_domain::positions::{summarise, ItemDecision, ItemPositions, Stance};
use ecabinet_domain::{AgendaItem, AgendaItemId, ChangeBody, MeetingId, Role};
use serde::{Deserialize, Serialize};

use crate::error::{ClientError, ClientResult};
use crate::voting::VoteOutcome;
use crate::Client;

/// One agenda item with the positions this device knows of.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemPositionsView {
    pub item: AgendaItem,
    /// Everyone's positions (complete for the secretariat; a member sees their own).
    pub summary: ItemPositions,
    pub mine: Option<Stance>,
    pub decision: Option<ItemDecision>,
}

impl Client {
    /// Records this member's position on an item; saved at once (offline
    /// too), sent now if the server is reachable. Changeable until the
    /// meeting starts; the latest counts.
    pub async fn set_position(
        &self,
        item: AgendaItemId,
        stance: Stance,
    ) -> ClientResult<VoteOutcome> {
        if self.profile.person.role != Role::Member {
            return Err(ClientError::InvalidArgument(
                "positions are given by cabinet members".into(),
            ));
        }
        let found = self.agenda_item(item).await?;
        if let Stance::Objection { reason } = &stance {
            if reason.trim().is_empty() {
                return Err(ClientError::InvalidArgument(
                    "say why you object: --reason".into(),
                ));
            }
        }
        let meeting = self.replica.meeting(found.meeting_id).await?;
        if meeting.is_some_and(|m| m.starts_at <= chrono::Utc::now()) {
            return Err(ClientError::InvalidArgument(
                "the meeting has started: positions can no longer be changed".into(),
            ));
        }
        self.save_and_send(OpBody::Position(PositionOp {
            agenda_item_id: item,
            stance,
        }))
        .await
    }

    /// Each item of a meeting with the positions known here and any decision.
    pub async fn positions(&self, meeting: MeetingId) -> ClientResult<Vec<ItemPositionsView>> {
        let agenda = self.replica.agenda(meeting).await?;
        let positions = self.replica.positions(meeting).await?;
        let decisions = self.replica.item_decisions(meeting).await?;
        let members: Vec<_> = self
            .replica
            .persons()
            .await?
            .into_iter()
            .filter(|p| p.role == Role::Member)
            .map(|p| p.id)
            .collect();
        let me = self.profile.person.id;
        Ok(agenda
            .into_iter()
            .map(|item| {
                let on_item: Vec<_> = positions
                    .iter()
                    .filter(|p| p.agenda_item_id == item.id)
                    .collect();
                ItemPositionsView {
                    summary: summarise(&on_item, &members),
                    mine: on_item
                        .iter()
                        .find(|p| p.person_id == me)
                        .map(|p| p.stance.clone()),
                    decision: decisions
                        .iter()
                        .find(|d| d.agenda_item_id == item.id)
                        .cloned(),
                    item,
                }
            })
            .collect())
    }

    /// Moves an agenda item to `position` (1-based; secretariat); the others
    /// are renumbered. Offline too.
    pub async fn move_agenda_item(
        &self,
        item: AgendaItemId,
        position: i32,
    ) -> ClientResult<Vec<AgendaItem>> {
        if position < 1 {
            return Err(ClientError::InvalidArgument(
                "positions are numbered from 1".into(),
            ));
        }
        let moved = self.agenda_item(item).await?;
        let mut agenda = self.replica.agenda(moved.meeting_id).await?;
        agenda.sort_by_key(|i| i.position);
        agenda.retain(|i| i.id != item);
        let at = usize::try_from(position - 1).unwrap_or(0).min(agenda.len());
        agenda.insert(at, moved.clone());
        for (n, shown) in agenda.iter_mut().enumerate() {
            shown.position = i32::try_from(n + 1).unwrap_or(i32::MAX);
        }
        let shown: Vec<ChangeBody> = agenda.iter().cloned().map(ChangeBody::AgendaItem).collect();
        let command = Command::MoveAgendaItem {
            item_id: item,
            position,
        };
        self.run_command(command, &shown).await?;
        let mut now = self.replica.agenda(moved.meeting_id).await?;
        now.sort_by_key(|i| i.position);
        Ok(now)
    }

    /// Adopts without discussion the items nobody objected to or asked to
    /// speak on (all of them, or the ones named); the decisions are recorded
    /// by the server, which holds every member's position, when it gets this.
    pub async fn adopt_without_discussion(
        &self,
        meeting: MeetingId,
        items: Option<Vec<AgendaItemId>>,
    ) -> ClientResult<Vec<ItemDecision>> {
        let command = Command::Adopt {
            meeting_id: meeting,
            items: items.clone(),
        };
        self.run_command(command, &[]).await?;
        let decided = self.replica.item_decisions(meeting).await?;
        Ok(decided
            .into_iter()
            .filter(|d| d.adopted_without_discussion)
            .filter(|d| {
                items
                    .as_ref()
                    .is_none_or(|named| named.contains(&d.agenda_item_id))
            })
            .collect())
    }
}
