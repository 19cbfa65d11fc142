//! Typed identifiers. Every entity id is a UUIDv7, so ids sort by creation
//! time and the type system keeps a meeting id from being passed as a person id.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! entity_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }
    };
}

entity_id!(
    /// An organisation (a government, a board): the unit of membership.
    OrganisationId
);
entity_id!(
    /// A person: a cabinet member, a secretary.
    PersonId
);
entity_id!(
    /// One enrolled device (laptop, CLI profile) of a person.
    DeviceId
);
entity_id!(
    /// A meeting.
    MeetingId
);
entity_id!(
    /// One item on a meeting's agenda.
    AgendaItemId
);
entity_id!(
    /// A document attached to an agenda item (all its versions share the id).
    DocumentId
);
entity_id!(
    /// One operation made on a device: the unit of sync, idempotent by this id.
    OpId
);
entity_id!(
    /// An annotation (note, highlight, ink, bookmark) on a document.
    AnnotationId
);
entity_id!(
    /// One of a person's private keys, shared only among that person's devices.
    PersonKeyId
);
entity_id!(
    /// A question put to the vote.
    MotionId
);
entity_id!(
    /// A request for the members' written opinions.
    OpinionRequestId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_json() {
        let id = MeetingId::new();
        let parsed: MeetingId = id.to_string().parse().expect("parse");
        assert_eq!(parsed, id);
        let json = serde_json::to_string(&id).expect("json");
        assert_eq!(json, format!("\"{id}\""));
    }

    #[test]
    fn ids_are_time_ordered() {
        let a = PersonId::new();
        let b = PersonId::new();
        assert!(a < b, "UUIDv7 ids must sort by creation");
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!("not-a-uuid".parse::<DeviceId>().is_err());
    }
}
