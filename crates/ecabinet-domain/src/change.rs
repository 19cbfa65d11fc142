//! The server's change stream: every entity a device may see, numbered per
//! organisation so a client can ask "everything since N".

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::ids::{AnnotationId, PersonId};
use crate::model::{AgendaItem, ItemAccess, Meeting, Organisation, Person};
use crate::ops::Op;

/// One numbered change: the full new state of one entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// Position in the organisation's stream; strictly increasing.
    pub seq: i64,
    pub body: ChangeBody,
}

/// The entity a change carries. Each is a whole snapshot, so applying a change
/// twice, or applying an older one after a newer one is skipped, is harmless.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "entity", rename_all = "snake_case")]
pub enum ChangeBody {
    Organisation(Organisation),
    Person(Person),
    Meeting(Meeting),
    AgendaItem(AgendaItem),
    Document(Document),
    ItemAccess(ItemAccess),
    /// An op a device pushed and the server accepted.
    Op(AcceptedOp),
    /// An annotation this viewer may no longer read (its author stopped
    /// sharing it): forget it.
    AnnotationHidden(AnnotationHidden),
    Motion(crate::voting::Motion),
    Attendance(crate::voting::Attendance),
    /// The voter's own accepted ballot and its receipt (to the voter only).
    Ballot(crate::voting::CountedBallot),
    /// A member's position on an item (to that member and the secretariat).
    Position(crate::positions::Position),
    ItemDecision(crate::positions::ItemDecision),
    OpinionRequest(crate::opinions::OpinionRequest),
    /// A received response (to its member and the secretariat).
    OpinionResponse(crate::opinions::ReceivedResponse),
    /// "Your opinion is awaited" (to one member).
    Reminder(crate::opinions::Reminder),
    /// A live event in its place in its meeting's session log.
    SessionEvent(crate::session::OrderedLiveEvent),
}

/// An accepted op and the person whose device made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptedOp {
    pub author: PersonId,
    pub op: Op,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnotationHidden {
    pub annotation_id: AnnotationId,
    pub author: PersonId,
}

impl ChangeBody {
    pub fn kind(&self) -> &'static str {
        match self {
            ChangeBody::Organisation(_) => "organisation",
            ChangeBody::Person(_) => "person",
            ChangeBody::Meeting(_) => "meeting",
            ChangeBody::AgendaItem(_) => "agenda_item",
            ChangeBody::Document(_) => "document",
            ChangeBody::ItemAccess(_) => "item_access",
            ChangeBody::Op(_) => "op",
            ChangeBody::AnnotationHidden(_) => "annotation_hidden",
            ChangeBody::Motion(_) => "motion",
            ChangeBody::Attendance(_) => "attendance",
            ChangeBody::Ballot(_) => "ballot",
            ChangeBody::Position(_) => "position",
            ChangeBody::ItemDecision(_) => "item_decision",
            ChangeBody::OpinionRequest(_) => "opinion_request",
            ChangeBody::OpinionResponse(_) => "opinion_response",
            ChangeBody::Reminder(_) => "reminder",
            ChangeBody::SessionEvent(_) => "session_event",
        }
    }
}
