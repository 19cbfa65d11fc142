//! eCabinet's shared vocabulary: identifiers, entities, validation rules and
//! the JSON shapes that cross the wire between the client engine and the
//! server. Nothing here performs IO, so every rule is unit-testable.

pub mod annotation;
pub mod api;
pub mod change;
pub mod clock;
pub mod document;
pub mod enrolment;
pub mod ids;
pub mod model;
pub mod opinions;
pub mod ops;
pub mod positions;
pub mod session;
pub mod stats;
pub mod validate;
pub mod voting;
pub mod wire;

pub use change::{AcceptedOp, AnnotationHidden, Change, ChangeBody};
pub use document::{ChunkInfo, Document, DocumentManifest, ExchangeRecord, Handling};
pub use ids::{
    AgendaItemId, AnnotationId, DeviceId, DocumentId, MeetingId, MotionId, OpId, OpinionRequestId,
    OrganisationId, PersonId, PersonKeyId,
};
pub use model::{
    AgendaItem, ItemAccess, ItemDetails, ItemStatus, Meeting, MeetingDetails, MeetingKind,
    MeetingStatus, Organisation, Person, Role, Substitution,
};
pub use validate::ValidationError;
