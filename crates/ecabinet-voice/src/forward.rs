//! The SFU's forwarding rule, without IO. Each listener receives a fixed
//! number of audio slots (tracks negotiated once, when it joins), so
//! nobody renegotiates when someone starts or stops talking: the talkers
//! the session allows (the member with the floor, the chair, anyone the
//! chair opened a microphone for), in that order, fill a listener's slots,
//! never with the listener's own voice. A slot that passes to another
//! talker keeps its RTP stream continuous (its own SSRC, sequence numbers
//! and timestamps run on), so the receiving decoder sees one stream.

use std::collections::HashMap;

/// Who publishes a stream (a device in the room).
pub type Talker = uuid::Uuid;

/// The RTP header fields the forwarder rewrites.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RtpHead {
    pub sequence: u16,
    pub timestamp: u32,
}

/// Samples per 20 ms Opus frame at 48 kHz: the step a slot's timestamp
/// takes when it passes to another talker.
pub const FRAME_TICKS: u32 = 960;

#[derive(Clone, Debug, Default)]
struct Slot {
    talker: Option<Talker>,
    /// The talker's first header since it took the slot, and what it became.
    base_in: Option<RtpHead>,
    base_out: RtpHead,
    /// The last header sent on the slot.
    last_out: Option<RtpHead>,
}

impl Slot {
    fn rewrite(&mut self, head: RtpHead) -> RtpHead {
        let base_in = *self.base_in.get_or_insert(head);
        let out = RtpHead {
            sequence: self
                .base_out
                .sequence
                .wrapping_add(head.sequence.wrapping_sub(base_in.sequence)),
            timestamp: self
                .base_out
                .timestamp
                .wrapping_add(head.timestamp.wrapping_sub(base_in.timestamp)),
        };
        self.last_out = Some(out);
        out
    }

    fn assign(&mut self, talker: Option<Talker>) {
        if self.talker == talker {
            return;
        }
        self.talker = talker;
        self.base_in = None;
        // The next talker's first packet follows the last one sent.
        if let Some(last) = self.last_out {
            self.base_out = RtpHead {
                sequence: last.sequence.wrapping_add(1),
                timestamp: last.timestamp.wrapping_add(FRAME_TICKS),
            };
        }
    }
}

/// Where a packet goes: the listener, its slot, and the rewritten header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    pub listener: Talker,
    pub slot: usize,
    pub head: RtpHead,
}

/// Every listener's slots.
#[derive(Debug)]
pub struct Forwarder {
    slots_per_listener: usize,
    listeners: HashMap<Talker, Vec<Slot>>,
    /// Who may be heard now, most important first.
    talkers: Vec<Talker>,
    /// Who may listen now (None: every listener): a restricted item's audience.
    audience: Option<Vec<Talker>>,
}

impl Forwarder {
    pub fn new(slots_per_listener: usize) -> Self {
        Self {
            slots_per_listener,
            listeners: HashMap::new(),
            talkers: Vec::new(),
            audience: None,
        }
    }

    /// Only these listeners receive anything (None: all of them): while a
    /// restricted item is discussed, its audience.
    pub fn set_audience(&mut self, audience: Option<Vec<Talker>>) {
        self.audience = audience;
    }

    pub fn slots_per_listener(&self) -> usize {
        self.slots_per_listener
    }

    pub fn add_listener(&mut self, listener: Talker) {
        let slots = vec![Slot::default(); self.slots_per_listener];
        self.listeners.insert(listener, slots);
        self.assign(listener);
    }

    pub fn remove_listener(&mut self, listener: Talker) {
        self.listeners.remove(&listener);
    }

    /// The talkers the session allows now, in order of importance.
    pub fn set_talkers(&mut self, talkers: Vec<Talker>) {
        if talkers == self.talkers {
            return;
        }
        self.talkers = talkers;
        let listeners: Vec<Talker> = self.listeners.keys().copied().collect();
        for listener in listeners {
            self.assign(listener);
        }
    }

    pub fn talkers(&self) -> &[Talker] {
        &self.talkers
    }

    fn assign(&mut self, listener: Talker) {
        let heard: Vec<Talker> = self
            .talkers
            .iter()
            .copied()
            .filter(|t| *t != listener)
            .take(self.slots_per_listener)
            .collect();
        let Some(slots) = self.listeners.get_mut(&listener) else {
            return;
        };
        // A talker keeps the slot it has; the others fill the free ones.
        let mut placed = vec![None; slots.len()];
        for (n, slot) in slots.iter().enumerate() {
            if let Some(talker) = slot.talker.filter(|t| heard.contains(t)) {
                placed[n] = Some(talker);
            }
        }
        for talker in &heard {
            if placed.contains(&Some(*talker)) {
                continue;
            }
            if let Some(free) = placed.iter().position(Option::is_none) {
                placed[free] = Some(*talker);
            }
        }
        for (slot, talker) in slots.iter_mut().zip(placed) {
            slot.assign(talker);
        }
    }

    /// Where a packet of `talker` goes (nowhere if it may not be heard).
    pub fn route(&mut self, talker: Talker, head: RtpHead) -> Vec<Route> {
        let mut routes = Vec::new();
        let audience = self.audience.as_ref();
        for (listener, slots) in &mut self.listeners {
            if audience.is_some_and(|a| !a.contains(listener)) {
                continue;
            }
            for (n, slot) in slots.iter_mut().enumerate() {
                if slot.talker == Some(talker) {
                    routes.push(Route {
                        listener: *listener,
                        slot: n,
                        head: slot.rewrite(head),
                    });
                }
            }
        }
        routes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Talker {
        uuid::Uuid::from_u128(n)
    }

    fn head(sequence: u16, timestamp: u32) -> RtpHead {
        RtpHead {
            sequence,
            timestamp,
        }
    }

    #[test]
    fn only_allowed_talkers_are_forwarded_and_never_to_themselves() {
        let mut forward = Forwarder::new(2);
        for n in 1..=3 {
            forward.add_listener(id(n));
        }
        assert!(forward.route(id(1), head(10, 100)).is_empty(), "muted");
        forward.set_talkers(vec![id(1)]);
        let mut routes = forward.route(id(1), head(11, 1060));
        routes.sort_by_key(|r| r.listener);
        assert_eq!(
            routes
                .iter()
                .map(|r| (r.listener, r.slot))
                .collect::<Vec<_>>(),
            vec![(id(2), 0), (id(3), 0)]
        );
    }

    #[test]
    fn a_slot_passed_to_another_talker_stays_one_continuous_stream() {
        let mut forward = Forwarder::new(1);
        forward.add_listener(id(9));
        forward.set_talkers(vec![id(1)]);
        let first = forward.route(id(1), head(500, 48_000))[0].head;
        let second = forward.route(id(1), head(501, 48_960))[0].head;
        assert_eq!(second.sequence, first.sequence.wrapping_add(1));
        assert_eq!(second.timestamp, first.timestamp + FRAME_TICKS);
        // The floor passes: the next talker's stream numbers follow on.
        forward.set_talkers(vec![id(2)]);
        assert!(forward.route(id(1), head(502, 49_920)).is_empty());
        let third = forward.route(id(2), head(65_535, 7))[0].head;
        assert_eq!(third.sequence, second.sequence.wrapping_add(1));
        assert_eq!(third.timestamp, second.timestamp + FRAME_TICKS);
        let fourth = forward.route(id(2), head(0, 967))[0].head;
        assert_eq!(fourth.sequence, third.sequence.wrapping_add(1), "wraps");
        assert_eq!(fourth.timestamp, third.timestamp + FRAME_TICKS);
    }

    #[test]
    fn a_restricted_audience_hears_and_nobody_else() {
        let mut forward = Forwarder::new(2);
        for n in 1..=3 {
            forward.add_listener(id(n));
        }
        forward.set_talkers(vec![id(1)]);
        forward.set_audience(Some(vec![id(1), id(2)]));
        let routes = forward.route(id(1), head(1, 1));
        assert_eq!(
            routes.iter().map(|r| r.listener).collect::<Vec<_>>(),
            vec![id(2)]
        );
        forward.set_audience(None);
        assert_eq!(forward.route(id(1), head(2, 961)).len(), 2);
    }

    #[test]
    fn talkers_keep_their_slots_and_the_most_important_fill_them() {
        let mut forward = Forwarder::new(2);
        forward.add_listener(id(9));
        forward.set_talkers(vec![id(1), id(2)]);
        let slot_of = |forward: &mut Forwarder, t| {
            forward.route(t, head(1, 1)).first().map(|r: &Route| r.slot)
        };
        assert_eq!(slot_of(&mut forward, id(1)), Some(0));
        assert_eq!(slot_of(&mut forward, id(2)), Some(1));
        // The chair (2) stays where it is when a new speaker (3) comes first.
        forward.set_talkers(vec![id(3), id(2), id(1)]);
        assert_eq!(slot_of(&mut forward, id(2)), Some(1));
        assert_eq!(slot_of(&mut forward, id(3)), Some(0));
        assert_eq!(slot_of(&mut forward, id(1)), None, "two slots only");
    }
}
