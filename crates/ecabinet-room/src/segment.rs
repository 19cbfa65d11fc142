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

use ecabinet_domain::session::room::RoomVoting;
use ecabinet_domain::voting::Ballot;

use crate::ballots::{ballot_hash, ballot_name, check_ballot, BallotRefusal, TakenBallot};
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
    #[error("event {0}: the hub took a ballot it does not hand back")]
    MissingBallot(u32),
    #[error("event {seq}: {refusal}")]
    Ballot { seq: u32, refusal: BallotRefusal },
    #[error("event {0}: the ballot is not the one the event names (voter or vote)")]
    BallotMismatch(u32),
    #[error("a ballot that no event of the segment names was handed back")]
    UnnamedBallot,
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
            SegmentRefusal::Ballot {
                refusal: BallotRefusal::BadSignature,
                ..
            } => "bad_signature",
            SegmentRefusal::Ballot { refusal, .. } => refusal.code(),
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

/// What the room's rules are judged against: the session's facts, the
/// devices and their keys, and the votes.
#[derive(Clone, Copy, Debug)]
pub struct Room<'a> {
    pub facts: &'a SessionFacts,
    pub directory: &'a Directory,
    pub voting: &'a RoomVoting,
}

/// A segment that holds: the state folded through it, and its ballots
/// where their events stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSegment {
    pub state: SessionState,
    pub ballots: Vec<TakenBallot>,
}

/// Checks `segment` against the server's log, and each ballot it names
/// (handed back in `ballots`) at its place in it. `hub` is the device
/// named as the meeting's hub.
pub fn verify_segment(
    head: LogHead<'_>,
    room: Room<'_>,
    hub: DeviceId,
    segment: &[OrderedLiveEvent],
    ballots: &[Ballot],
    now: DateTime<Utc>,
) -> Result<VerifiedSegment, SegmentRefusal> {
    let Room {
        facts,
        directory,
        voting,
    } = room;
    let mut handed: Vec<(Option<&Ballot>, [u8; 32])> =
        ballots.iter().map(|b| (Some(b), ballot_hash(b))).collect();
    let mut taken = Vec::new();
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
        if let LiveEventBody::BallotTaken {
            motion,
            voter,
            ballot: named,
        } = &event.event().body
        {
            let ballot = handed
                .iter_mut()
                .find(|(b, hash)| b.is_some() && ballot_name(hash) == *named)
                .and_then(|(b, _)| b.take())
                .ok_or(SegmentRefusal::MissingBallot(seq))?;
            if ballot.motion_id != *motion || ballot.voter != *voter {
                return Err(SegmentRefusal::BallotMismatch(seq));
            }
            let hash = check_ballot(&state, voting, directory, ballot, event.at)
                .map_err(|refusal| SegmentRefusal::Ballot { seq, refusal })?;
            taken.push(TakenBallot {
                ballot: ballot.clone(),
                hash,
                seq,
                at: event.at,
            });
        }
        state.apply(event);
        hash = event.hash.0.clone();
        at = Some(event.at);
    }
    if state.hub.is_some() {
        return Err(SegmentRefusal::NotHandedBack);
    }
    if handed.iter().any(|(b, _)| b.is_some()) {
        return Err(SegmentRefusal::UnnamedBallot);
    }
    Ok(VerifiedSegment {
        state,
        ballots: taken,
    })
}
