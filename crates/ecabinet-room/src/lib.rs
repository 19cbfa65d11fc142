//! The room without the server: a session's log keeps growing while the
//! server is unreachable, ordered by the room's hub (the chair's or the
//! secretariat's device), and goes back to the server as one signed segment.
//!
//! Nothing here performs IO: [`hub::HubCore`] takes events and the clock
//! and gives ordered events; [`segment::verify_segment`] is the server's
//! check of a handed-back segment; [`chain`] is the link check both use and
//! that devices apply to events the hub relays. The WebRTC transport that
//! carries all this lives in `ecabinet-rtc`.

pub mod ballots;
pub mod chain;
pub mod directory;
pub mod hub;
pub mod segment;

pub use ballots::{BallotRefusal, TakenBallot};
pub use chain::LinkError;
pub use directory::Directory;
pub use hub::{Admission, HubCore, HubError};
pub use segment::{verify_segment, Room, SegmentRefusal, VerifiedSegment};
