//! The server's check of a segment a hub hands back: it must start with the
//! named hub's takeover right after the server's last event, chain link by
//! link, be countersigned by that hub, hold only events the server itself
//! would have ordered (device, signature, rules, in order), and end with the
//! hub's hand-back. Anything else is refused whole, with the reason.

use chrono::{DateTime, Utc};
use ecabinet_domain::session::rules::{Orderer, SessionFacts, SessionState};
use ecabinet_domain::session::{LiveEventBody, OrderedLiveEvent, MAX_CLOCK_SKEW_SECONDS};
use ecabinet_domain::DeviceId;
use thiserror::Error;

use crate::chain::{check_link, LinkError};
use crate::directory::Directory;
use crate::hub::{admit, Admission};

/// Why a segment was refused, and at which event.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SegmentRefusal {
    #[error("the segment is empty")]
    Empty,
    #[error("event {0}: a segment must start with the hub taking the log over")]
    NoTakeover(u32),
    #[error("event {0}: the takeover is not by the room's named hub")]
    NotTheNamedHub(u32),
    #[error("event {0}: not ordered by the hub that took over")]
    NotOrderedByTheHub(u32),
    #[error("event {seq}: {link}")]
    Link { seq: u32, link: LinkError },
    #[error("event {seq}: {admission}")]
    Admission { seq: u32, admission: Admission },
    #[error("event {0}: the orderer's time runs backwards or lies in the future")]
    BadTime(u32),
    #[error("the segment does not end with the hub handing the log back")]
    NotHandedBack,
}

impl SegmentRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            SegmentRefusal::Link {
                link: LinkError::OutOfPlace { .. },
                ..
            } => "segment_not_at_head",
            SegmentRefusal::Admission { admission, .. } => match admission {
                Admission::BadSignature => "bad_signature",
                Admission::Rules(refusal) => refusal.code(),
                _ => "segment_refused",
            },
            _ => "segment_refused",
        }
    }
}

/// The log as the server holds it, where a segment must continue it.
#[derive(Clone, Copy, Debug)]
pub struct LogHead<'a> {
    pub state: &'a SessionState,
    pub hash: &'a [u8],
    pub at: Option<DateTime<Utc>>,
}

/// Checks `segment` against the server's log; returns the state folded
/// through it. `hub` is the device named as the meeting's hub.
pub fn verify_segment(
    head: LogHead<'_>,
    facts: &SessionFacts,
    directory: &Directory,
    hub: DeviceId,
    segment: &[OrderedLiveEvent],
    now: DateTime<Utc>,
) -> Result<SessionState, SegmentRefusal> {
    let first = segment.first().ok_or(SegmentRefusal::Empty)?;
    if !matches!(first.event().body, LiveEventBody::HubTookOver { .. }) {
        return Err(SegmentRefusal::NoTakeover(first.seq));
    }
    if first.event().device_id != hub {
        return Err(SegmentRefusal::NotTheNamedHub(first.seq));
    }
    let hub_key = directory
        .get(hub)
        .map(|d| d.signing_key.clone())
        .ok_or(SegmentRefusal::NotTheNamedHub(first.seq))?;
    let mut state = head.state.clone();
    let mut hash = head.hash.to_vec();
    let mut at = head.at;
    let latest = now + chrono::Duration::seconds(MAX_CLOCK_SKEW_SECONDS);
    for event in segment {
        let seq = event.seq;
        match state.orderer_of(event.event()) {
            Orderer::Hub { device, .. } if device == hub => {}
            _ => return Err(SegmentRefusal::NotOrderedByTheHub(seq)),
        }
        check_link(event, state.seq, &hash, Some(&hub_key))
            .map_err(|link| SegmentRefusal::Link { seq, link })?;
        if at.is_some_and(|previous| event.at < previous) || event.at > latest {
            return Err(SegmentRefusal::BadTime(seq));
        }
        // The rules and the device's clock are judged at the hub's time,
        // when the room saw the event.
        admit(&state, facts, directory, &event.signed, event.at)
            .map_err(|admission| SegmentRefusal::Admission { seq, admission })?;
        state.apply(event);
        hash = event.hash.0.clone();
        at = Some(event.at);
    }
    if state.hub.is_some() {
        return Err(SegmentRefusal::NotHandedBack);
    }
    Ok(state)
}
