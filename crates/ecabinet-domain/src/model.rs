//! The entities of the first slice: organisation, person, meeting, agenda item.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AgendaItemId, MeetingId, OrganisationId, PersonId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Builds agendas, distributes documents, runs votes.
    Secretary,
    /// A cabinet member: reads, annotates, gives opinions and votes.
    Member,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Secretary => "secretary",
            Role::Member => "member",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "secretary" => Some(Role::Secretary),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    /// For command lines: `secretary` or `member`, with a message saying so otherwise.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::parse(text).ok_or_else(|| format!("{text:?} is not a role: use secretary or member"))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: PersonId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Draft,
    Published,
    Cancelled,
}

impl MeetingStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            MeetingStatus::Draft => "draft",
            MeetingStatus::Published => "published",
            MeetingStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<MeetingStatus> {
        match text {
            "draft" => Some(MeetingStatus::Draft),
            "published" => Some(MeetingStatus::Published),
            "cancelled" => Some(MeetingStatus::Cancelled),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Meeting {
    pub id: MeetingId,
    pub organisation_id: OrganisationId,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    /// A draft is seen by the secretariat only, with its agenda and documents,
    /// until it is published.
    pub status: MeetingStatus,
    pub created_by: PersonId,
    #[serde(default)]
    pub details: MeetingDetails,
}

/// What kind of sitting a meeting is (Vietnam's cabinet holds regular
/// monthly sittings, thematic ones on law-making, and extraordinary ones).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    #[default]
    Regular,
    Thematic,
    Extraordinary,
}

impl MeetingKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            MeetingKind::Regular => "regular",
            MeetingKind::Thematic => "thematic",
            MeetingKind::Extraordinary => "extraordinary",
        }
    }

    pub fn parse(text: &str) -> Option<MeetingKind> {
        match text {
            "regular" => Some(MeetingKind::Regular),
            "thematic" => Some(MeetingKind::Thematic),
            "extraordinary" => Some(MeetingKind::Extraordinary),
            _ => None,
        }
    }
}

/// A member who sends someone in their place for one meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Substitution {
    pub member: PersonId,
    pub substitute: PersonId,
}

/// A meeting's kind, place, who takes part, and who stands in for whom.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingDetails {
    #[serde(default)]
    pub kind: MeetingKind,
    #[serde(default)]
    pub place: Option<String>,
    /// Who is invited; empty means every member of the organisation.
    #[serde(default)]
    pub participants: Vec<PersonId>,
    #[serde(default)]
    pub substitutes: Vec<Substitution>,
    /// Runs the session with the secretariat; none: the secretariat alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chair: Option<PersonId>,
}

impl MeetingDetails {
    /// Whether a member takes part: invited (everyone when nobody is
    /// named), the chair, or standing in for someone. The secretariat takes
    /// part in every meeting; callers check the role themselves.
    pub fn invites(&self, person: PersonId) -> bool {
        self.participants.is_empty()
            || self.participants.contains(&person)
            || self.chair == Some(person)
            || self.substitutes.iter().any(|s| s.substitute == person)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaItem {
    pub id: AgendaItemId,
    pub meeting_id: MeetingId,
    /// 1-based position on the agenda.
    pub position: i32,
    pub title: String,
    /// True when only a named list of persons (and the secretariat) may read
    /// the item's documents; everyone else sees its title only.
    #[serde(default)]
    pub restricted: bool,
    #[serde(default)]
    pub details: ItemDetails,
}

/// What the secretariat writes about an item besides its title.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemDetails {
    /// The ministry or agency presenting the item.
    pub presenting_ministry: Option<String>,
    pub summary: Option<String>,
    /// What the secretariat proposes the cabinet decide.
    pub recommended_action: Option<String>,
    /// Where the item stands; set by the secretariat.
    #[serde(default)]
    pub status: ItemStatus,
    /// The member presenting the item: may drive presenter follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presenter: Option<PersonId>,
}

/// Where an agenda item stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// On the agenda, not yet taken.
    #[default]
    Scheduled,
    /// Being discussed now.
    InDiscussion,
    Adopted,
    /// Sent back for more work (to a later meeting).
    Deferred,
    Withdrawn,
}

impl ItemStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ItemStatus::Scheduled => "scheduled",
            ItemStatus::InDiscussion => "in_discussion",
            ItemStatus::Adopted => "adopted",
            ItemStatus::Deferred => "deferred",
            ItemStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<ItemStatus> {
        [
            ItemStatus::Scheduled,
            ItemStatus::InDiscussion,
            ItemStatus::Adopted,
            ItemStatus::Deferred,
            ItemStatus::Withdrawn,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// Who may read a restricted item's documents. Streamed only to the
/// secretariat and to the persons on the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemAccess {
    pub agenda_item_id: AgendaItemId,
    /// Empty when the item is open to all participants.
    pub persons: Vec<PersonId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_command_lines() {
        assert_eq!("Secretary".parse::<Role>(), Ok(Role::Secretary));
        assert_eq!(" member ".parse::<Role>(), Ok(Role::Member));
        let error = "chair".parse::<Role>().expect_err("not a role");
        assert!(error.contains("secretary or member"), "{error}");
        assert_eq!(Role::parse(Role::Member.as_str()), Some(Role::Member));
    }

    #[test]
    fn meeting_statuses_round_trip() {
        for status in [
            MeetingStatus::Draft,
            MeetingStatus::Published,
            MeetingStatus::Cancelled,
        ] {
            assert_eq!(MeetingStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(MeetingStatus::parse("archived"), None);
    }
}
