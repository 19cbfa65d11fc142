//! Links of a session's log: how an event is chained and countersigned by
//! its orderer, and the check of one link against the one before it.

use chrono::{DateTime, Utc};
use ecabinet_crypto::{sha256, verify_signature, SigningKey};
use ecabinet_domain::ops::Bytes;
use ecabinet_domain::session::{order_message, OrderedLiveEvent, SignedLiveEvent};
use thiserror::Error;

/// Why an event does not continue the log held.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum LinkError {
    #[error("event {got} does not follow event {head}, the last one held")]
    OutOfPlace { head: u32, got: u32 },
    #[error(
        "event {0} does not chain to the event before it (its hash or previous hash is wrong)"
    )]
    BrokenChain(u32),
    #[error("event {0} is not countersigned by the orderer it must have")]
    BadOrdererSignature(u32),
    #[error("event {0} has a different content from the one already held at that place: the log has forked")]
    Forked(u32),
}

/// Chains `signed` after `prev_hash` at `seq`, and countersigns the link.
pub fn order(
    seq: u32,
    prev_hash: &[u8],
    at: DateTime<Utc>,
    signed: SignedLiveEvent,
    orderer: &SigningKey,
) -> OrderedLiveEvent {
    let hash = sha256(&OrderedLiveEvent::link_bytes(seq, prev_hash, at, &signed));
    OrderedLiveEvent {
        seq,
        prev_hash: Bytes(prev_hash.to_vec()),
        at,
        signed,
        hash: Bytes(hash.to_vec()),
        orderer_signature: Bytes(orderer.sign(&order_message(&hash)).to_vec()),
    }
}

/// Checks that `event` is the link after (`head`, `head_hash`): its place,
/// its hashes, and, when `orderer_key` is given, the orderer's signature.
pub fn check_link(
    event: &OrderedLiveEvent,
    head: u32,
    head_hash: &[u8],
    orderer_key: Option<&[u8]>,
) -> Result<(), LinkError> {
    if event.seq != head + 1 {
        return Err(LinkError::OutOfPlace {
            head,
            got: event.seq,
        });
    }
    let hash = sha256(&OrderedLiveEvent::link_bytes(
        event.seq,
        &event.prev_hash.0,
        event.at,
        &event.signed,
    ));
    if event.prev_hash.0 != head_hash || event.hash.0 != hash {
        return Err(LinkError::BrokenChain(event.seq));
    }
    if let Some(key) = orderer_key {
        verify_signature(key, &order_message(&hash), &event.orderer_signature.0)
            .map_err(|_| LinkError::BadOrdererSignature(event.seq))?;
    }
    Ok(())
}
