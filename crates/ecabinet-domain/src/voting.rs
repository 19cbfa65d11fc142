//! Motions, attendance, ballots and tallies: the rules, without IO. The
//! server applies them when ballots arrive and when a motion closes; any
//! device re-applies them to exported ballots to verify a tally.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AgendaItemId, DeviceId, MeetingId, MotionId, PersonId};
use crate::ops::Bytes;

/// How many votes carry a motion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MajorityRule {
    /// More than half of the base vote for the first option.
    Simple,
    /// At least two thirds of the base vote for the first option.
    TwoThirds,
}

impl std::str::FromStr for MajorityRule {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "simple" => Ok(MajorityRule::Simple),
            "two-thirds" | "two_thirds" | "2/3" => Ok(MajorityRule::TwoThirds),
            _ => Err(format!(
                "{text:?} is not a majority rule: use simple or two-thirds"
            )),
        }
    }
}

/// Of whom the majority is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MajorityBase {
    /// Members present in the room or remotely (abstentions count in the base).
    Present,
    /// All members of the organisation.
    AllMembers,
}

impl std::str::FromStr for MajorityBase {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "present" => Ok(MajorityBase::Present),
            "all" | "all-members" | "all_members" => Ok(MajorityBase::AllMembers),
            _ => Err(format!("{text:?} is not a base: use present or all")),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MotionStatus {
    Open,
    Closed,
}

/// A question put to the vote on an agenda item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Motion {
    pub id: MotionId,
    pub meeting_id: MeetingId,
    pub agenda_item_id: AgendaItemId,
    pub question: String,
    /// The first option is the one that carries the motion ("yes").
    pub options: Vec<String>,
    pub rule: MajorityRule,
    pub base: MajorityBase,
    /// Fewest members present for the vote to count.
    pub quorum: Option<u32>,
    pub status: MotionStatus,
    pub opened_at: DateTime<Utc>,
    /// Closes by itself at this time, if set.
    pub closes_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// How many members have voted so far (never how).
    pub votes_cast: u32,
    /// Set when closed.
    pub tally: Option<Tally>,
}

pub const DEFAULT_OPTIONS: [&str; 3] = ["yes", "no", "abstain"];

/// Where a member was for a meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Presence {
    Present,
    Remote,
    Absent { reason: Option<String> },
    Substituted { by: Option<PersonId> },
}

impl Presence {
    /// Whether this member may vote.
    pub fn may_vote(&self) -> bool {
        matches!(self, Presence::Present | Presence::Remote)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendance {
    pub meeting_id: MeetingId,
    pub person_id: PersonId,
    pub presence: Presence,
    pub recorded_at: DateTime<Utc>,
}

/// A ballot as the voter's device signs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ballot {
    pub motion_id: MotionId,
    pub voter: PersonId,
    pub choice: String,
    pub device_id: DeviceId,
    pub cast_at: DateTime<Utc>,
    pub nonce: Bytes,
    pub signature: Bytes,
}

/// The canonical bytes a ballot's signature covers: domain-separated,
/// fixed-order, length-prefixed; stable across versions (tested).
pub fn ballot_message(
    motion: MotionId,
    voter: PersonId,
    choice: &str,
    device: DeviceId,
    cast_at: DateTime<Utc>,
    nonce: &[u8],
) -> Vec<u8> {
    let mut message = b"ecabinet/ballot/v1\0".to_vec();
    message.extend_from_slice(motion.0.as_bytes());
    message.extend_from_slice(voter.0.as_bytes());
    message.extend_from_slice(&(choice.len() as u32).to_be_bytes());
    message.extend_from_slice(choice.as_bytes());
    message.extend_from_slice(device.0.as_bytes());
    message.extend_from_slice(&cast_at.timestamp_millis().to_be_bytes());
    message.extend_from_slice(&(nonce.len() as u32).to_be_bytes());
    message.extend_from_slice(nonce);
    message
}

impl Ballot {
    /// What a receipt's hash covers: the signed message and its signature.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut bytes = self.message();
        bytes.extend_from_slice(&self.signature.0);
        bytes
    }

    pub fn message(&self) -> Vec<u8> {
        ballot_message(
            self.motion_id,
            self.voter,
            &self.choice,
            self.device_id,
            self.cast_at,
            &self.nonce.0,
        )
    }
}

/// What the server signs when it accepts a ballot: the ballot's hash, where
/// it stands in the change stream, and when.
pub fn receipt_message(ballot_hash: &[u8; 32], seq: i64, accepted_at: DateTime<Utc>) -> Vec<u8> {
    let mut message = b"ecabinet/ballot-receipt/v1\0".to_vec();
    message.extend_from_slice(ballot_hash);
    message.extend_from_slice(&seq.to_be_bytes());
    message.extend_from_slice(&accepted_at.timestamp_millis().to_be_bytes());
    message
}

/// A ballot the server accepted, with its receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountedBallot {
    pub ballot: Ballot,
    pub seq: i64,
    pub accepted_at: DateTime<Utc>,
    pub receipt: Bytes,
}

/// The result of a closed motion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    /// Votes per option, in the motion's order.
    pub counts: Vec<(String, u32)>,
    /// Members present (in the room or remotely) when it closed.
    pub present: u32,
    /// Members of the organisation.
    pub members: u32,
    /// The number the majority is counted of.
    pub base: u32,
    /// Votes for the first option needed to carry it.
    pub required: u32,
    pub quorum_met: bool,
    pub adopted: bool,
    /// Who voted what (named votes).
    pub named: Vec<(PersonId, String)>,
}

/// The latest ballot of each voter, cast no later than `close`: a later
/// ballot supersedes an earlier one; a ballot after the close never counts.
/// Ties on time go to the later stream position.
pub fn counted<'a>(
    ballots: impl IntoIterator<Item = &'a CountedBallot>,
    close: DateTime<Utc>,
) -> BTreeMap<PersonId, &'a CountedBallot> {
    let mut latest: BTreeMap<PersonId, &CountedBallot> = BTreeMap::new();
    for ballot in ballots {
        if ballot.accepted_at > close {
            continue;
        }
        let newer = latest.get(&ballot.ballot.voter).is_none_or(|current| {
            (ballot.ballot.cast_at, ballot.seq) > (current.ballot.cast_at, current.seq)
        });
        if newer {
            latest.insert(ballot.ballot.voter, ballot);
        }
    }
    latest
}

/// Applies the motion's rule to the counted ballots.
pub fn tally(
    motion: &Motion,
    counted: &BTreeMap<PersonId, &CountedBallot>,
    present: u32,
    members: u32,
) -> Tally {
    let mut counts: Vec<(String, u32)> = motion.options.iter().map(|o| (o.clone(), 0)).collect();
    for ballot in counted.values() {
        if let Some(entry) = counts.iter_mut().find(|(o, _)| *o == ballot.ballot.choice) {
            entry.1 += 1;
        }
    }
    let base = match motion.base {
        MajorityBase::Present => present,
        MajorityBase::AllMembers => members,
    };
    let required = match motion.rule {
        MajorityRule::Simple => base / 2 + 1,
        MajorityRule::TwoThirds => (2 * base).div_ceil(3),
    }
    .max(1);
    let quorum_met = motion.quorum.is_none_or(|q| present >= q);
    let yes = counts.first().map_or(0, |(_, n)| *n);
    Tally {
        counts,
        present,
        members,
        base,
        required,
        quorum_met,
        adopted: quorum_met && yes >= required,
        named: counted
            .iter()
            .map(|(voter, ballot)| (*voter, ballot.ballot.choice.clone()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + seconds, 0)
            .single()
            .expect("time")
    }

    fn motion(rule: MajorityRule, base: MajorityBase, quorum: Option<u32>) -> Motion {
        Motion {
            id: MotionId(Uuid::nil()),
            meeting_id: MeetingId(Uuid::nil()),
            agenda_item_id: AgendaItemId(Uuid::nil()),
            question: "Thông qua?".into(),
            options: DEFAULT_OPTIONS.iter().map(|s| (*s).to_owned()).collect(),
            rule,
            base,
            quorum,
            status: MotionStatus::Open,
            opened_at: at(0),
            closes_at: None,
            closed_at: None,
            votes_cast: 0,
            tally: None,
        }
    }

    fn ballot(voter: u8, choice: &str, cast: i64, seq: i64) -> CountedBallot {
        CountedBallot {
            ballot: Ballot {
                motion_id: MotionId(Uuid::nil()),
                voter: PersonId(Uuid::from_bytes([voter; 16])),
                choice: choice.into(),
                device_id: DeviceId(Uuid::nil()),
                cast_at: at(cast),
                nonce: Bytes(vec![voter]),
                signature: Bytes(vec![]),
            },
            seq,
            accepted_at: at(cast),
            receipt: Bytes(vec![]),
        }
    }

    #[test]
    fn a_later_ballot_supersedes_and_one_after_the_close_never_counts() {
        let ballots = [
            ballot(1, "no", 10, 1),
            ballot(1, "yes", 20, 2),
            ballot(2, "yes", 30, 3),
            ballot(2, "no", 31, 4), // after the close at 30
        ];
        let counted = counted(&ballots, at(30));
        assert_eq!(counted.len(), 2);
        assert_eq!(
            counted[&PersonId(Uuid::from_bytes([1; 16]))].ballot.choice,
            "yes"
        );
        // A ballot at the closing instant counts.
        assert_eq!(
            counted[&PersonId(Uuid::from_bytes([2; 16]))].ballot.choice,
            "yes"
        );
    }

    #[test]
    fn simple_and_two_thirds_majorities_of_present_or_all() {
        let ballots: Vec<CountedBallot> = (1..=6)
            .map(|v| ballot(v, if v <= 4 { "yes" } else { "no" }, 1, i64::from(v)))
            .collect();
        let c = counted(&ballots, at(100));
        // 4 yes of 6 present: simple needs 4, two thirds needs 4.
        let t = tally(
            &motion(MajorityRule::Simple, MajorityBase::Present, None),
            &c,
            6,
            9,
        );
        assert_eq!((t.base, t.required, t.adopted), (6, 4, true));
        let t = tally(
            &motion(MajorityRule::TwoThirds, MajorityBase::Present, None),
            &c,
            6,
            9,
        );
        assert_eq!((t.required, t.adopted), (4, true));
        // Of all 9 members: simple needs 5, two thirds needs 6.
        let t = tally(
            &motion(MajorityRule::Simple, MajorityBase::AllMembers, None),
            &c,
            6,
            9,
        );
        assert_eq!((t.base, t.required, t.adopted), (9, 5, false));
        let t = tally(
            &motion(MajorityRule::TwoThirds, MajorityBase::AllMembers, None),
            &c,
            6,
            9,
        );
        assert_eq!((t.required, t.adopted), (6, false));
        // An even split is not a simple majority.
        let split: Vec<CountedBallot> = (1..=4)
            .map(|v| ballot(v, if v <= 2 { "yes" } else { "no" }, 1, i64::from(v)))
            .collect();
        let t = tally(
            &motion(MajorityRule::Simple, MajorityBase::Present, None),
            &counted(&split, at(9)),
            4,
            4,
        );
        assert!(!t.adopted);
        assert_eq!(
            t.counts,
            vec![("yes".into(), 2), ("no".into(), 2), ("abstain".into(), 0)]
        );
    }

    #[test]
    fn without_quorum_nothing_is_adopted() {
        let ballots = [ballot(1, "yes", 1, 1), ballot(2, "yes", 1, 2)];
        let c = counted(&ballots, at(5));
        let t = tally(
            &motion(MajorityRule::Simple, MajorityBase::Present, Some(3)),
            &c,
            2,
            9,
        );
        assert!(!t.quorum_met && !t.adopted);
        let t = tally(
            &motion(MajorityRule::Simple, MajorityBase::Present, Some(2)),
            &c,
            2,
            9,
        );
        assert!(t.quorum_met && t.adopted);
    }

    #[test]
    fn the_ballot_encoding_is_stable() {
        let message = ballot_message(
            MotionId(Uuid::from_bytes([1; 16])),
            PersonId(Uuid::from_bytes([2; 16])),
            "yes",
            DeviceId(Uuid::from_bytes([3; 16])),
            at(0),
            &[9, 9],
        );
        // Pinned: changing the encoding would invalidate every ballot ever signed.
        let hex: String = message.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "65636162696e65742f62616c6c6f742f763100\
             01010101010101010101010101010101\
             02020202020202020202020202020202\
             00000003796573\
             03030303030303030303030303030303\
             000001a3185c5000\
             000000020909"
        );
    }
}
