//! The hub's orderer, without IO. While the server orders the log, the hub
//! follows it like any device. When it has not reached the server for
//! longer than its lease, it takes the log over under the next epoch: it
//! admits signed events exactly as the server would (device, signature,
//! clock, rules), orders them with its own device key, and keeps them as a
//! segment, which it closes with a hand-back when the server answers again.

use chrono::{DateTime, Utc};
use ecabinet_crypto::{verify_signature, SigningKey};
use ecabinet_domain::ops::Bytes;
use ecabinet_domain::session::rules::{Actor, Orderer, Refusal, SessionFacts, SessionState};
use ecabinet_domain::session::{
    to_millis, LiveEvent, LiveEventBody, LiveEventId, OrderedLiveEvent, SignedLiveEvent,
    GENESIS_HASH, MAX_CLOCK_SKEW_SECONDS,
};
use ecabinet_domain::DeviceId;
use thiserror::Error;

use crate::ballots::{
    ballot_hash, ballot_name, check_ballot, count, uncounted, BallotRefusal, TakenBallot,
};
use crate::chain::{check_link, order, LinkError};
use crate::directory::Directory;
use ecabinet_domain::session::room::{hub_receipt_message, HubReceipt, RoomVoting};
use ecabinet_domain::voting::Ballot;

/// Why an event was not admitted to the log.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Admission {
    #[error("the event names another meeting")]
    OtherMeeting,
    #[error("the device that signed it is not one of the room's")]
    UnknownDevice,
    #[error("the event's author is not the person of the device that signed it")]
    NotTheAuthor,
    #[error("the event's signature does not match its device's key")]
    BadSignature,
    #[error("the device's clock is more than {} minutes from the orderer's", MAX_CLOCK_SKEW_SECONDS / 60)]
    ClockSkew,
    #[error("{0}")]
    Rules(Refusal),
    /// Votes are opened through the server, which keeps them: not in a
    /// room without it.
    #[error("a vote cannot be opened while the room runs without the server")]
    NeedsServer,
    /// In the room the chair closes a vote without a tally: the hub, which
    /// holds the room's ballots, counts it.
    #[error("while the room runs without the server, the chair closes a vote without a tally: the hub counts it")]
    HubCounts,
}

impl Admission {
    /// A stable code, as the server would answer it.
    pub fn code(&self) -> &'static str {
        match self {
            Admission::OtherMeeting | Admission::NotTheAuthor => "invalid_input",
            Admission::UnknownDevice => "unknown_device",
            Admission::BadSignature => "bad_signature",
            Admission::ClockSkew => "clock_skew",
            Admission::Rules(refusal) => refusal.code(),
            Admission::NeedsServer => "needs_server",
            Admission::HubCounts => "invalid_input",
        }
    }
}

/// Checks a signed event against the log folded in `state`, as the server
/// does: the device is known, signed it for its own person, its clock is
/// near the orderer's, and the rules allow it now. Returns who sent it.
pub fn admit(
    state: &SessionState,
    facts: &SessionFacts,
    directory: &Directory,
    signed: &SignedLiveEvent,
    now: DateTime<Utc>,
) -> Result<Actor, Admission> {
    let event = &signed.event;
    if event.meeting_id != facts.meeting {
        return Err(Admission::OtherMeeting);
    }
    let device = directory
        .get(event.device_id)
        .ok_or(Admission::UnknownDevice)?;
    if device.person != event.author {
        return Err(Admission::NotTheAuthor);
    }
    verify_signature(
        &device.signing_key,
        &event.signing_message(),
        &signed.signature.0,
    )
    .map_err(|_| Admission::BadSignature)?;
    if (event.made_at - now).num_seconds().abs() > MAX_CLOCK_SKEW_SECONDS {
        return Err(Admission::ClockSkew);
    }
    if state.hub.is_some() {
        match &event.body {
            LiveEventBody::MotionOpened { .. } => return Err(Admission::NeedsServer),
            LiveEventBody::MotionClosed { tally: Some(_), .. } => return Err(Admission::HubCounts),
            _ => {}
        }
    }
    let actor = device.actor();
    state
        .check(facts, actor, event.id, &event.body)
        .map_err(Admission::Rules)?;
    Ok(actor)
}

/// Why the hub could not do what it was asked.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum HubError {
    #[error("the server orders the session's log now: send the event to the server")]
    ServerOrders,
    #[error("{0}")]
    Refused(Admission),
    #[error("this device is not one of the room's, so it cannot be its hub")]
    NotInRoom,
    #[error("{0}")]
    Ballot(BallotRefusal),
    #[error(transparent)]
    Link(#[from] LinkError),
}

impl HubError {
    pub fn code(&self) -> &'static str {
        match self {
            HubError::ServerOrders => "server_orders",
            HubError::Refused(admission) => admission.code(),
            HubError::NotInRoom => "not_in_room",
            HubError::Ballot(refusal) => refusal.code(),
            HubError::Link(_) => "log_diverged",
        }
    }
}

/// The hub's copy of the log and, while it orders, its segment.
#[derive(Clone, Debug)]
pub struct HubCore {
    facts: SessionFacts,
    directory: Directory,
    me: DeviceId,
    state: SessionState,
    head_hash: Vec<u8>,
    head_at: Option<DateTime<Utc>>,
    /// Events this hub ordered that the server has not taken yet.
    segment: Vec<OrderedLiveEvent>,
    /// The open votes, members and attendance as the server last listed them.
    voting: RoomVoting,
    /// The ballots the segment's `BallotTaken` events name.
    ballots: Vec<TakenBallot>,
}

impl HubCore {
    pub fn new(facts: SessionFacts, directory: Directory, me: DeviceId) -> Self {
        Self {
            facts,
            directory,
            me,
            state: SessionState::default(),
            head_hash: GENESIS_HASH.to_vec(),
            head_at: None,
            segment: Vec::new(),
            voting: RoomVoting::default(),
            ballots: Vec::new(),
        }
    }

    /// The votes as the server lists them now (open motions, members,
    /// attendance): what ballots are checked and counted against.
    pub fn set_voting(&mut self, mut voting: RoomVoting) {
        // A vote the hub knew stays known: the server lists open ones only.
        for known in self.voting.motions.drain(..) {
            if !voting.motions.iter().any(|m| m.id == known.id) {
                voting.motions.push(known);
            }
        }
        self.voting = voting;
    }

    /// Whether the hub knows the vote (its options and rule).
    pub fn knows_motion(&self, motion: ecabinet_domain::MotionId) -> bool {
        self.voting.motions.iter().any(|m| m.id == motion)
    }

    /// The ballots of the segment, to go to the server with it.
    pub fn segment_ballots(&self) -> Vec<Ballot> {
        self.ballots.iter().map(|t| t.ballot.clone()).collect()
    }

    /// Ballots kept on this device across a crash of the hub's process:
    /// those its segment names are its ballots again.
    pub fn restore_ballots(&mut self, ballots: Vec<Ballot>) {
        for ballot in ballots {
            let hash = ballot_hash(&ballot);
            if self.ballots.iter().any(|t| t.hash == hash) {
                continue;
            }
            let named = self.segment.iter().find(|e| {
                matches!(&e.event().body, LiveEventBody::BallotTaken { ballot: named, .. } if *named == ballot_name(&hash))
            });
            if let Some(event) = named {
                self.ballots.push(TakenBallot {
                    ballot,
                    hash,
                    seq: event.seq,
                    at: event.at,
                });
            }
        }
    }

    /// Takes a member's ballot while this hub orders the log: checked as
    /// the server checks one, named in the log, receipted with this
    /// device's key. A ballot taken already gets its receipt again.
    pub fn take_ballot(
        &mut self,
        ballot: Ballot,
        now: DateTime<Utc>,
        key: &SigningKey,
    ) -> Result<(HubReceipt, Option<OrderedLiveEvent>), HubError> {
        if self.ordering().is_none() {
            return Err(HubError::ServerOrders);
        }
        let hash = ballot_hash(&ballot);
        if let Some(taken) = self.ballots.iter().find(|t| t.hash == hash) {
            return Ok((self.receipt(taken, key), None));
        }
        check_ballot(&self.state, &self.voting, &self.directory, &ballot, now)
            .map_err(HubError::Ballot)?;
        let event = self.own_event(
            LiveEventBody::BallotTaken {
                motion: ballot.motion_id,
                voter: ballot.voter,
                ballot: ballot_name(&hash),
            },
            now,
            key,
        )?;
        let taken = TakenBallot {
            ballot,
            hash,
            seq: event.seq,
            at: event.at,
        };
        let receipt = self.receipt(&taken, key);
        self.ballots.push(taken);
        Ok((receipt, Some(event)))
    }

    fn receipt(&self, taken: &TakenBallot, key: &SigningKey) -> HubReceipt {
        HubReceipt {
            ballot: Bytes(taken.hash.to_vec()),
            seq: taken.seq,
            at: taken.at,
            hub: self.me,
            signature: Bytes(
                key.sign(&hub_receipt_message(&taken.hash, taken.seq, taken.at))
                    .to_vec(),
            ),
        }
    }

    /// Counts each vote the chair closed in the room (the hub holds its
    /// ballots): one `MotionCounted` event each.
    pub fn count_closed_votes(
        &mut self,
        now: DateTime<Utc>,
        key: &SigningKey,
    ) -> Result<Vec<OrderedLiveEvent>, HubError> {
        if self.ordering().is_none() {
            return Ok(Vec::new());
        }
        let mut counted = Vec::new();
        for (motion, closed_at) in uncounted(&self.state) {
            let Some(found) = self.voting.motions.iter().find(|m| m.id == motion) else {
                continue; // counted by the server, which knows it
            };
            let tally = count(found, &self.ballots, &self.state, &self.voting, closed_at);
            counted.push(self.own_event(
                LiveEventBody::MotionCounted { motion, tally },
                now,
                key,
            )?);
        }
        Ok(counted)
    }

    pub fn state(&self) -> &SessionState {
        &self.state
    }

    pub fn head(&self) -> u32 {
        self.state.seq
    }

    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// The room's facts and devices changed (an agenda edit, a new device).
    pub fn refresh(&mut self, facts: SessionFacts, directory: Directory) {
        self.facts = facts;
        self.directory = directory;
    }

    /// The epoch this hub orders under, while it does.
    pub fn ordering(&self) -> Option<u32> {
        self.state
            .hub
            .as_ref()
            .filter(|hub| hub.device == self.me)
            .map(|hub| hub.epoch)
    }

    /// The events ordered here that the server has not taken yet: from the
    /// takeover to the hand-back once it is made.
    pub fn segment(&self) -> &[OrderedLiveEvent] {
        &self.segment
    }

    /// The server took the segment: it is part of its log now.
    pub fn segment_delivered(&mut self) {
        self.segment.clear();
        self.ballots.clear();
    }

    /// Starts again from the log held on this device after the hub's own
    /// process stopped (a crash while the server was away): the events this
    /// device ordered that the server's log (`server_head` long) does not
    /// hold yet are its segment again, to be handed back.
    pub fn resume(&mut self, log: &[OrderedLiveEvent], server_head: u32) -> Result<(), LinkError> {
        for event in log {
            if event.seq <= self.state.seq {
                continue;
            }
            check_link(event, self.state.seq, &self.head_hash, None)?;
            let mine = matches!(
                self.state.orderer_of(event.event()),
                Orderer::Hub { device, .. } if device == self.me
            );
            self.push(event.clone());
            if mine && event.seq > server_head {
                self.segment.push(event.clone());
            }
        }
        Ok(())
    }

    /// Takes an event the server ordered (from its socket or its log).
    /// Returns false if it was already held. The server's key is checked by
    /// the caller's TLS connection to it; the chain is checked here.
    pub fn follow(&mut self, event: &OrderedLiveEvent) -> Result<bool, LinkError> {
        if event.seq <= self.state.seq {
            // Held already, unless the server ordered another event at a
            // place of this hub's segment.
            let held = self.segment.iter().find(|e| e.seq == event.seq);
            if held.is_some_and(|held| held.hash != event.hash) {
                return Err(LinkError::Forked(event.seq));
            }
            return Ok(false);
        }
        if !self.segment.is_empty() {
            // The server ordered past a log this hub is still extending. (A
            // segment of an earlier epoch in the server's log, this hub's
            // own included, is followed like any event.)
            return Err(LinkError::Forked(event.seq));
        }
        check_link(event, self.state.seq, &self.head_hash, None)?;
        self.push(event.clone());
        Ok(true)
    }

    fn push(&mut self, event: OrderedLiveEvent) {
        self.state.apply(&event);
        self.head_hash = event.hash.0.clone();
        self.head_at = Some(event.at);
    }

    /// The orderer's time: never before the event before it.
    fn next_at(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let at = to_millis(now);
        self.head_at.map_or(at, |previous| at.max(previous))
    }

    fn order_here(
        &mut self,
        signed: SignedLiveEvent,
        now: DateTime<Utc>,
        key: &SigningKey,
    ) -> OrderedLiveEvent {
        let ordered = order(
            self.state.seq + 1,
            &self.head_hash,
            self.next_at(now),
            signed,
            key,
        );
        self.push(ordered.clone());
        self.segment.push(ordered.clone());
        ordered
    }

    /// Signs and orders an event of the hub's own device.
    fn own_event(
        &mut self,
        body: LiveEventBody,
        now: DateTime<Utc>,
        key: &SigningKey,
    ) -> Result<OrderedLiveEvent, HubError> {
        let me = self.directory.get(self.me).ok_or(HubError::NotInRoom)?;
        let event = LiveEvent {
            id: LiveEventId::new(),
            meeting_id: self.facts.meeting,
            device_id: self.me,
            author: me.person,
            made_at: to_millis(now),
            body,
        };
        let signed = SignedLiveEvent {
            signature: Bytes(key.sign(&event.signing_message()).to_vec()),
            event,
        };
        admit(&self.state, &self.facts, &self.directory, &signed, now)
            .map_err(HubError::Refused)?;
        Ok(self.order_here(signed, now, key))
    }

    /// Takes the log over under the next epoch (the server is away).
    pub fn take_over(
        &mut self,
        now: DateTime<Utc>,
        key: &SigningKey,
    ) -> Result<OrderedLiveEvent, HubError> {
        let body = LiveEventBody::HubTookOver {
            epoch: self.state.hub_epochs + 1,
            after_seq: self.state.seq,
        };
        self.own_event(body, now, key)
    }

    /// Orders a device's event while this hub holds the log.
    pub fn submit(
        &mut self,
        signed: SignedLiveEvent,
        now: DateTime<Utc>,
        key: &SigningKey,
    ) -> Result<OrderedLiveEvent, HubError> {
        if self.ordering().is_none() {
            return Err(HubError::ServerOrders);
        }
        admit(&self.state, &self.facts, &self.directory, &signed, now)
            .map_err(HubError::Refused)?;
        Ok(self.order_here(signed, now, key))
    }

    /// Closes the segment: the server orders again once it has taken it.
    pub fn hand_back(
        &mut self,
        now: DateTime<Utc>,
        key: &SigningKey,
    ) -> Result<OrderedLiveEvent, HubError> {
        let epoch = self.ordering().ok_or(HubError::ServerOrders)?;
        self.own_event(LiveEventBody::HubHandedBack { epoch }, now, key)
    }
}
