//! Votes in the room without the server: the hub takes a member's signed
//! ballot exactly as the server would (the voter's device and key, an open
//! vote, a valid choice, a sane clock, a member allowed to vote), names it
//! in the log by its hash, and counts the vote when the chair closes it.
//! The server applies the same check to each ballot of a handed-back
//! segment, at the place its event holds in the log.

use chrono::{DateTime, Duration, Utc};
use ecabinet_crypto::{sha256, verify_signature};
use ecabinet_domain::session::room::RoomVoting;
use ecabinet_domain::session::rules::SessionState;
use ecabinet_domain::session::MAX_CLOCK_SKEW_SECONDS;
use ecabinet_domain::voting::{self, Ballot, CountedBallot, Motion, Presence, Tally};
use ecabinet_domain::{MotionId, PersonId};
use thiserror::Error;

use crate::directory::Directory;

/// Why a ballot was not taken.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum BallotRefusal {
    #[error("the ballot's device is not one of the room's")]
    UnknownDevice,
    #[error("a ballot may only be cast in its voter's own name, from their own device")]
    NotYourBallot,
    #[error("only cabinet members vote")]
    NotAMember,
    #[error("the voter's signature does not match the ballot")]
    BadSignature,
    #[error("the room's hub does not know this vote")]
    UnknownMotion,
    #[error("the vote is not open in the session: the chair closed it (or never opened it) before this ballot reached the room's hub; it was not counted")]
    NotOpen,
    #[error("the choices are: {0}")]
    BadChoice(String),
    #[error("the ballot is dated outside the vote; check this device's clock")]
    BadTime,
    #[error("the voter is recorded absent or substituted in this meeting")]
    NotPresent,
}

impl BallotRefusal {
    /// The same codes the server gives a refused ballot.
    pub fn code(&self) -> &'static str {
        match self {
            BallotRefusal::UnknownDevice => "unknown_device",
            BallotRefusal::NotYourBallot => "not_your_ballot",
            BallotRefusal::NotAMember => "not_a_member",
            BallotRefusal::BadSignature => "bad_signature",
            BallotRefusal::UnknownMotion => "unknown_motion",
            BallotRefusal::NotOpen => "motion_closed",
            BallotRefusal::BadChoice(_) => "bad_choice",
            BallotRefusal::BadTime => "bad_time",
            BallotRefusal::NotPresent => "not_present",
        }
    }
}

/// A ballot the hub took, where its `BallotTaken` event stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TakenBallot {
    pub ballot: Ballot,
    pub hash: [u8; 32],
    pub seq: u32,
    pub at: DateTime<Utc>,
}

/// What identifies a ballot in the log: SHA-256 of its signed bytes.
pub fn ballot_hash(ballot: &Ballot) -> [u8; 32] {
    sha256(&ballot.signed_bytes())
}

/// How the log names a ballot: its hash in lowercase hex.
pub fn ballot_name(hash: &[u8]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// A person's presence at the meeting: the session's record first, then
/// the server's (as the hub last read it).
pub fn presence_of<'a>(
    state: &'a SessionState,
    voting: &'a RoomVoting,
    person: PersonId,
) -> Option<&'a Presence> {
    state
        .attendance
        .iter()
        .find(|a| a.person == person)
        .map(|a| &a.presence)
        .or_else(|| {
            voting
                .attendance
                .iter()
                .find(|(p, _)| *p == person)
                .map(|(_, presence)| presence)
        })
}

/// Checks a ballot against the log folded in `state` at `now` (the hub's
/// time); returns its hash.
pub fn check_ballot(
    state: &SessionState,
    voting: &RoomVoting,
    directory: &Directory,
    ballot: &Ballot,
    now: DateTime<Utc>,
) -> Result<[u8; 32], BallotRefusal> {
    let device = directory
        .get(ballot.device_id)
        .ok_or(BallotRefusal::UnknownDevice)?;
    if device.person != ballot.voter {
        return Err(BallotRefusal::NotYourBallot);
    }
    if device.secretary || !voting.members.contains(&ballot.voter) {
        return Err(BallotRefusal::NotAMember);
    }
    verify_signature(&device.signing_key, &ballot.message(), &ballot.signature.0)
        .map_err(|_| BallotRefusal::BadSignature)?;
    let motion = voting
        .motions
        .iter()
        .find(|m| m.id == ballot.motion_id)
        .ok_or(BallotRefusal::UnknownMotion)?;
    let open = state
        .open_motion(ballot.motion_id)
        .ok_or(BallotRefusal::NotOpen)?;
    if !motion.options.contains(&ballot.choice) {
        return Err(BallotRefusal::BadChoice(motion.options.join(", ")));
    }
    let skew = Duration::seconds(MAX_CLOCK_SKEW_SECONDS);
    let opened = open.opened_at.min(motion.opened_at);
    if ballot.cast_at > now + skew || ballot.cast_at < opened - skew {
        return Err(BallotRefusal::BadTime);
    }
    if presence_of(state, voting, ballot.voter).is_some_and(|p| !p.may_vote()) {
        return Err(BallotRefusal::NotPresent);
    }
    Ok(ballot_hash(ballot))
}

/// The count of `motion` closed at `closed_at`, from the ballots the room
/// took, by the server's rule: each voter's latest ballot up to the close,
/// voters recorded absent or substituted left out; present are the members
/// recorded present or remote, and those with no record who voted in the
/// meeting (a first vote records its voter present).
pub fn count(
    motion: &Motion,
    taken: &[TakenBallot],
    state: &SessionState,
    voting: &RoomVoting,
    closed_at: DateTime<Utc>,
) -> Tally {
    let meeting_voters: Vec<PersonId> = taken
        .iter()
        .filter(|t| {
            voting
                .motions
                .iter()
                .any(|m| m.id == t.ballot.motion_id && m.meeting_id == motion.meeting_id)
        })
        .map(|t| t.ballot.voter)
        .collect();
    let may_vote = |person: PersonId| match presence_of(state, voting, person) {
        Some(presence) => presence.may_vote(),
        None => meeting_voters.contains(&person),
    };
    let eligible: Vec<CountedBallot> = taken
        .iter()
        .filter(|t| t.ballot.motion_id == motion.id && may_vote(t.ballot.voter))
        .map(|t| CountedBallot {
            ballot: t.ballot.clone(),
            seq: i64::from(t.seq),
            accepted_at: t.at,
            receipt: ecabinet_domain::ops::Bytes(Vec::new()),
        })
        .collect();
    let counted = voting::counted(&eligible, closed_at);
    let present = voting.members.iter().filter(|p| may_vote(**p)).count() as u32;
    voting::tally(motion, &counted, present, voting.members.len() as u32)
}

/// The votes closed in `state` that no count has followed yet.
pub fn uncounted(state: &SessionState) -> Vec<(MotionId, DateTime<Utc>)> {
    state
        .motions
        .iter()
        .filter_map(|m| match (m.closed_at, &m.tally) {
            (Some(at), None) => Some((m.motion, at)),
            _ => None,
        })
        .collect()
}
