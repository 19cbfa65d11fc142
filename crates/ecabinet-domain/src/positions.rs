//! Positions before the meeting (Estonia's practice): per agenda item, each
//! member says "no objection", "objection" (with a reason) or "I wish to
//! speak". Items with neither an objection nor a wish to speak are proposed
//! for adoption without discussion; the chair adopts them in one action.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AgendaItemId, MeetingId, PersonId};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    NoObjection,
    Objection { reason: String },
    Speak,
}

/// A member's position on an item, as last recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    pub agenda_item_id: AgendaItemId,
    pub meeting_id: MeetingId,
    pub person_id: PersonId,
    pub stance: Stance,
    pub recorded_at: DateTime<Utc>,
}

/// What the chair decided about an item without discussion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemDecision {
    pub agenda_item_id: AgendaItemId,
    pub meeting_id: MeetingId,
    pub adopted_without_discussion: bool,
    pub decided_at: DateTime<Utc>,
    pub decided_by: PersonId,
}

/// Who said what on one item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemPositions {
    pub no_objection: Vec<PersonId>,
    pub objections: Vec<(PersonId, String)>,
    pub speakers: Vec<PersonId>,
    /// Members who have not answered.
    pub silent: Vec<PersonId>,
    /// Neither an objection nor a wish to speak: adopt without discussion.
    pub proposed_without_discussion: bool,
}

/// Summarises the positions on one item against the organisation's members.
pub fn summarise(positions: &[&Position], members: &[PersonId]) -> ItemPositions {
    let mut summary = ItemPositions::default();
    for member in members {
        match positions
            .iter()
            .find(|p| p.person_id == *member)
            .map(|p| &p.stance)
        {
            Some(Stance::NoObjection) => summary.no_objection.push(*member),
            Some(Stance::Objection { reason }) => {
                summary.objections.push((*member, reason.clone()))
            }
            Some(Stance::Speak) => summary.speakers.push(*member),
            None => summary.silent.push(*member),
        }
    }
    summary.proposed_without_discussion =
        summary.objections.is_empty() && summary.speakers.is_empty();
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(person: PersonId, stance: Stance) -> Position {
        Position {
            agenda_item_id: AgendaItemId(uuid::Uuid::nil()),
            meeting_id: MeetingId(uuid::Uuid::nil()),
            person_id: person,
            stance,
            recorded_at: Utc::now(),
        }
    }

    #[test]
    fn an_item_without_objection_or_speaker_is_proposed_for_adoption() {
        let members: Vec<PersonId> = (0..3).map(|_| PersonId::new()).collect();
        let quiet = [position(members[0], Stance::NoObjection)];
        let summary = summarise(&quiet.iter().collect::<Vec<_>>(), &members);
        assert!(summary.proposed_without_discussion);
        assert_eq!(summary.silent.len(), 2);

        let contested = [
            position(members[0], Stance::NoObjection),
            position(
                members[1],
                Stance::Objection {
                    reason: "Thiếu đánh giá tác động".into(),
                },
            ),
        ];
        let summary = summarise(&contested.iter().collect::<Vec<_>>(), &members);
        assert!(!summary.proposed_without_discussion);
        assert_eq!(summary.objections[0].1, "Thiếu đánh giá tác động");

        let speaker = [position(members[2], Stance::Speak)];
        assert!(
            !summarise(&speaker.iter().collect::<Vec<_>>(), &members).proposed_without_discussion
        );
    }
}
