//! One item's list of speakers: who waits (in the order they will speak),
//! who speaks, who has spoken and for how long.
//!
//! The order is a stable priority queue: points of order first, then replies
//! to the current speaker, then speeches; within a kind, first come first
//! served. So a point of order "goes to the top" (behind earlier points of
//! order) and a reply comes "right after the current speaker".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{FloorRequestId, SpeechKind};
use crate::ids::PersonId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WaitingSpeaker {
    pub request: FloorRequestId,
    pub person: PersonId,
    pub kind: SpeechKind,
    pub requested_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CurrentSpeaker {
    pub request: FloorRequestId,
    pub person: PersonId,
    pub kind: SpeechKind,
    /// The orderer's time the floor was given: timers count from here.
    pub since: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FinishedSpeech {
    pub request: FloorRequestId,
    pub person: PersonId,
    pub kind: SpeechKind,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
}

impl FinishedSpeech {
    pub fn duration_ms(&self) -> i64 {
        (self.ended_at - self.started_at).num_milliseconds().max(0)
    }
}

/// Why the list cannot take a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListError {
    AlreadyListed,
    NotWaiting,
    NobodySpeaking,
    NoSpeakerToReplyTo,
    ReplyToSelf,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpeakerList {
    pub waiting: Vec<WaitingSpeaker>,
    pub speaking: Option<CurrentSpeaker>,
    pub done: Vec<FinishedSpeech>,
}

impl SpeakerList {
    /// Whether `person` is waiting or speaking now.
    pub fn is_listed(&self, person: PersonId) -> bool {
        self.waiting.iter().any(|w| w.person == person)
            || self.speaking.as_ref().is_some_and(|s| s.person == person)
    }

    /// Where `person` is in the queue (1 = next), if waiting.
    pub fn place_of(&self, person: PersonId) -> Option<usize> {
        self.waiting
            .iter()
            .position(|w| w.person == person)
            .map(|i| i + 1)
    }

    pub fn waiting_request(&self, request: FloorRequestId) -> Option<&WaitingSpeaker> {
        self.waiting.iter().find(|w| w.request == request)
    }

    /// Whether a request with this id was ever made on this list.
    pub fn knows(&self, request: FloorRequestId) -> bool {
        self.waiting.iter().any(|w| w.request == request)
            || self.speaking.as_ref().is_some_and(|s| s.request == request)
            || self.done.iter().any(|d| d.request == request)
    }

    pub fn check_request(&self, person: PersonId, kind: SpeechKind) -> Result<(), ListError> {
        if self.is_listed(person) {
            return Err(ListError::AlreadyListed);
        }
        if kind == SpeechKind::Reply {
            match &self.speaking {
                None => return Err(ListError::NoSpeakerToReplyTo),
                Some(current) if current.person == person => return Err(ListError::ReplyToSelf),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Adds a request in its place (see the module's note).
    pub fn request(&mut self, waiting: WaitingSpeaker) -> Result<(), ListError> {
        self.check_request(waiting.person, waiting.kind)?;
        let rank = waiting.kind.rank();
        let place = self
            .waiting
            .iter()
            .position(|w| w.kind.rank() > rank)
            .unwrap_or(self.waiting.len());
        self.waiting.insert(place, waiting);
        Ok(())
    }

    pub fn withdraw(&mut self, request: FloorRequestId) -> Result<WaitingSpeaker, ListError> {
        let place = self
            .waiting
            .iter()
            .position(|w| w.request == request)
            .ok_or(ListError::NotWaiting)?;
        Ok(self.waiting.remove(place))
    }

    /// Gives the floor to a waiting request; whoever was speaking stops at `at`.
    pub fn give(&mut self, request: FloorRequestId, at: DateTime<Utc>) -> Result<(), ListError> {
        let chosen = self.withdraw(request)?;
        self.end(at);
        self.speaking = Some(CurrentSpeaker {
            request: chosen.request,
            person: chosen.person,
            kind: chosen.kind,
            since: at,
        });
        Ok(())
    }

    /// Ends the current speech (if any) at `at`; true if one ended.
    pub fn end(&mut self, at: DateTime<Utc>) -> bool {
        match self.speaking.take() {
            Some(current) => {
                self.done.push(FinishedSpeech {
                    request: current.request,
                    person: current.person,
                    kind: current.kind,
                    started_at: current.since,
                    ended_at: at.max(current.since),
                });
                true
            }
            None => false,
        }
    }

    /// The request that "next" would give the floor to.
    pub fn next(&self) -> Option<&WaitingSpeaker> {
        self.waiting.first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn person(n: u128) -> PersonId {
        PersonId(Uuid::from_u128(n))
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_765_000_000 + seconds, 0).expect("a time")
    }

    fn waiting(n: u128, kind: SpeechKind) -> WaitingSpeaker {
        WaitingSpeaker {
            request: FloorRequestId(Uuid::from_u128(100 + n)),
            person: person(n),
            kind,
            requested_at: at(n as i64),
        }
    }

    fn order(list: &SpeakerList) -> Vec<PersonId> {
        list.waiting.iter().map(|w| w.person).collect()
    }

    #[test]
    fn a_point_of_order_goes_to_the_top_and_a_reply_right_after_the_speaker() {
        let mut list = SpeakerList::default();
        list.request(waiting(1, SpeechKind::Speech)).expect("ok");
        list.request(waiting(2, SpeechKind::Speech)).expect("ok");
        list.give(waiting(1, SpeechKind::Speech).request, at(10))
            .expect("given");
        list.request(waiting(3, SpeechKind::Speech)).expect("ok");
        list.request(waiting(4, SpeechKind::Reply)).expect("ok");
        list.request(waiting(5, SpeechKind::PointOfOrder))
            .expect("ok");
        list.request(waiting(6, SpeechKind::Reply)).expect("ok");
        list.request(waiting(7, SpeechKind::PointOfOrder))
            .expect("ok");
        assert_eq!(
            order(&list),
            vec![
                person(5),
                person(7),
                person(4),
                person(6),
                person(2),
                person(3)
            ]
        );
        assert_eq!(list.place_of(person(4)), Some(3));
        assert_eq!(list.place_of(person(1)), None, "speaking, not waiting");
    }

    #[test]
    fn a_reply_needs_someone_else_speaking() {
        let mut list = SpeakerList::default();
        assert_eq!(
            list.request(waiting(1, SpeechKind::Reply)),
            Err(ListError::NoSpeakerToReplyTo)
        );
        list.request(waiting(1, SpeechKind::Speech)).expect("ok");
        list.give(waiting(1, SpeechKind::Speech).request, at(0))
            .expect("given");
        let mut own = waiting(1, SpeechKind::Reply);
        own.request = FloorRequestId(Uuid::from_u128(999));
        assert_eq!(list.request(own), Err(ListError::AlreadyListed));
    }

    #[test]
    fn giving_the_floor_ends_the_current_speech_with_its_duration() {
        let mut list = SpeakerList::default();
        list.request(waiting(1, SpeechKind::Speech)).expect("ok");
        list.request(waiting(2, SpeechKind::Speech)).expect("ok");
        list.give(waiting(1, SpeechKind::Speech).request, at(0))
            .expect("given");
        list.give(waiting(2, SpeechKind::Speech).request, at(95))
            .expect("given");
        assert_eq!(list.done.len(), 1);
        assert_eq!(list.done[0].person, person(1));
        assert_eq!(list.done[0].duration_ms(), 95_000);
        assert!(list.end(at(125)));
        assert_eq!(list.done[1].duration_ms(), 30_000);
        assert!(!list.end(at(130)), "nobody left speaking");
    }

    #[test]
    fn withdrawing_twice_or_someone_not_waiting_is_refused() {
        let mut list = SpeakerList::default();
        let mine = waiting(1, SpeechKind::Speech);
        list.request(mine.clone()).expect("ok");
        assert_eq!(list.request(mine.clone()), Err(ListError::AlreadyListed));
        list.withdraw(mine.request).expect("withdrawn");
        assert_eq!(list.withdraw(mine.request), Err(ListError::NotWaiting));
    }

    #[derive(Clone, Debug)]
    enum Step {
        Request(u8, u8),
        Withdraw(u8),
        GiveNext,
        GiveAny(u8),
        End,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (0u8..12, 0u8..3).prop_map(|(p, k)| Step::Request(p, k)),
            1 => (0u8..12).prop_map(Step::Withdraw),
            2 => Just(Step::GiveNext),
            1 => (0u8..12).prop_map(Step::GiveAny),
            1 => Just(Step::End),
        ]
    }

    proptest! {
        /// Any interleaving of requests, withdrawals, floors given and ended
        /// keeps the list sorted by kind (first come first served within a
        /// kind) and lists every request at most once, in exactly one place.
        #[test]
        fn any_interleaving_keeps_each_request_once_and_in_order(steps in prop::collection::vec(step(), 0..120)) {
            let mut list = SpeakerList::default();
            let mut made = 0u128;
            let mut clock = 0i64;
            for step in steps {
                clock += 1;
                match step {
                    Step::Request(p, k) => {
                        made += 1;
                        let kind = [SpeechKind::Speech, SpeechKind::PointOfOrder, SpeechKind::Reply][k as usize];
                        let request = WaitingSpeaker {
                            request: FloorRequestId(Uuid::from_u128(made)),
                            person: person(p as u128),
                            kind,
                            requested_at: at(clock),
                        };
                        let allowed = list.check_request(request.person, kind).is_ok();
                        prop_assert_eq!(list.request(request).is_ok(), allowed);
                    }
                    Step::Withdraw(p) => {
                        if let Some(w) = list.waiting.iter().find(|w| w.person == person(p as u128)).cloned() {
                            list.withdraw(w.request).expect("waiting");
                        }
                    }
                    Step::GiveNext => {
                        if let Some(next) = list.next().cloned() {
                            list.give(next.request, at(clock)).expect("waiting");
                        }
                    }
                    Step::GiveAny(i) => {
                        if !list.waiting.is_empty() {
                            let chosen = list.waiting[i as usize % list.waiting.len()].request;
                            list.give(chosen, at(clock)).expect("waiting");
                        }
                    }
                    Step::End => { list.end(at(clock)); }
                }
                // Sorted by kind, first come first served within a kind.
                for pair in list.waiting.windows(2) {
                    let (a, b) = (&pair[0], &pair[1]);
                    prop_assert!(a.kind.rank() < b.kind.rank()
                        || (a.kind.rank() == b.kind.rank() && a.requested_at <= b.requested_at));
                }
                // Each request in one place only; a person waits or speaks once.
                let mut seen = std::collections::HashSet::new();
                for id in list.waiting.iter().map(|w| w.request)
                    .chain(list.speaking.iter().map(|s| s.request))
                    .chain(list.done.iter().map(|d| d.request)) {
                    prop_assert!(seen.insert(id), "request {} listed twice", id);
                }
                let mut people = std::collections::HashSet::new();
                for p in list.waiting.iter().map(|w| w.person).chain(list.speaking.iter().map(|s| s.person)) {
                    prop_assert!(people.insert(p), "a person listed twice");
                }
                for done in &list.done {
                    prop_assert!(done.duration_ms() >= 0);
                }
            }
        }
    }
}
