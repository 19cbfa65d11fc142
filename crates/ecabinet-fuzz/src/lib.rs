//! Fuzz targets: every decoder that takes bytes from outside the device or
//! the server, each with the properties it must keep. A target returns
//! quietly for input it refuses; it panics only when a property breaks (or
//! the decoder itself panics), which is what the fuzzer looks for.
//!
//! `./scripts/fuzz TARGET MINUTES` runs one under AFL++ (`fuzz/`, outside
//! the workspace: it needs `cargo afl`); `tests/replay.rs` runs every seed
//! and every input checked in under `fuzz/corpus/TARGET` and
//! `fuzz/crashes/TARGET` as an ordinary test, so a crasher found once stays
//! fixed.

mod session;

use std::sync::OnceLock;

use ecabinet_crypto::{b64_decode, b64_encode, DeviceKeys, WrappedKey};
use ecabinet_domain::annotation::AnnotationFields;
use ecabinet_domain::api::{EnrollRequest, Poke, PullResponse};
use ecabinet_domain::ops::PushBatch;
use ecabinet_domain::session::{LiveMessage, OrderedLiveEvent, SignedLiveEvent};
use ecabinet_domain::{wire, DocumentManifest};

/// A decoder under test.
pub struct Target {
    pub name: &'static str,
    /// What arrives there, and from whom.
    pub input: &'static str,
    pub run: fn(&[u8]),
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "push",
        input:
            "POST /v1/ops body from any enrolled device: deflate + postcard PushBatch, then its ops",
        run: push,
    },
    Target {
        name: "change_page",
        input: "GET /v1/changes answer, JSON, as a device reads it from the server",
        run: change_page,
    },
    Target {
        name: "manifest",
        input:
            "a document version's signed manifest JSON, from the uploading device via the server",
        run: manifest,
    },
    Target {
        name: "wrapped_key",
        input: "a content key wrapped for this device (JSON), from another device via the server",
        run: wrapped_key,
    },
    Target {
        name: "enrolment",
        input: "POST /v1/enroll body from anyone holding (or guessing) a code",
        run: enrolment,
    },
    Target {
        name: "socket_message",
        input: "a text message on the event socket: a poke or a live event",
        run: socket_message,
    },
    Target {
        name: "live_event",
        input: "POST /v1/meetings/{m}/session/events body from a participant's device",
        run: live_event,
    },
    Target {
        name: "annotation",
        input: "a note's fields after unsealing, written by another device of the person",
        run: annotation,
    },
    Target {
        name: "session_rules",
        input: "any sequence of live events from any actor, through the orderer's rules",
        run: session::rules,
    },
    Target {
        name: "exchange_package",
        input: "a document-exchange package (zip) from another ministry's records system",
        run: exchange_package,
    },
    Target {
        name: "exchange_envelope",
        input: "the XML envelope (goi-tin.xml) inside such a package",
        run: exchange_envelope,
    },
];

/// Runs the target named `name` on `data`; false if there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match TARGETS.iter().find(|t| t.name == name) {
        Some(target) => {
            (target.run)(data);
            true
        }
        None => false,
    }
}

/// Re-encoding what was decoded must give back the same value.
fn json_round_trip<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).expect("a decoded value encodes");
    let again: T = serde_json::from_str(&text).expect("an encoded value decodes");
    assert_eq!(&again, value, "JSON round trip changed the value");
}

fn push(data: &[u8]) {
    let Ok(batch) = wire::unpack::<PushBatch>(data) else {
        return;
    };
    let Ok(ops) = wire::decode_ops(&batch.ops.0, batch.device_id) else {
        return;
    };
    // What the server stores must be what the device signed.
    let encoded = wire::encode_ops(&ops).expect("decoded ops encode");
    let again = wire::decode_ops(&encoded, batch.device_id).expect("encoded ops decode");
    assert_eq!(again, ops, "ops changed in a round trip");
    let repacked = wire::pack(&batch).expect("a batch packs");
    let unpacked: PushBatch = wire::unpack(&repacked).expect("a packed batch unpacks");
    assert_eq!(unpacked.ops.0, batch.ops.0);
}

fn change_page(data: &[u8]) {
    let Ok(page) = serde_json::from_slice::<PullResponse>(data) else {
        return;
    };
    for change in &page.changes {
        json_round_trip(change);
    }
}

fn manifest(data: &[u8]) {
    let Ok(manifest) = serde_json::from_slice::<DocumentManifest>(data) else {
        return;
    };
    json_round_trip(&manifest);
    let _ = DocumentManifest::signing_message(&String::from_utf8_lossy(data));
    let _ = DocumentManifest::key_context(manifest.document_id, manifest.version);
}

/// One device's keys for the whole run (generating them per input would
/// only slow the fuzzer down).
fn device_keys() -> &'static DeviceKeys {
    static KEYS: OnceLock<DeviceKeys> = OnceLock::new();
    KEYS.get_or_init(|| DeviceKeys::generate().expect("device keys"))
}

fn wrapped_key(data: &[u8]) {
    let keys = device_keys();
    let context = b"ecabinet/fuzz";
    // As JSON (the form it travels in), and as raw parts.
    let mut candidates = Vec::new();
    if let Ok(wrapped) = serde_json::from_slice::<WrappedKey>(data) {
        candidates.push(wrapped);
    }
    let split = data.len().min(32);
    candidates.push(WrappedKey {
        ephemeral_public: b64_encode(&data[..split]),
        ciphertext: b64_encode(&data[split..]),
    });
    for wrapped in candidates {
        // Nobody without the sender's work can make a key this device
        // accepts: authenticated encryption must refuse every forgery.
        assert!(
            keys.unwrap_key(&wrapped, context).is_err(),
            "a wrapped key made of fuzz was accepted"
        );
    }
}

fn enrolment(data: &[u8]) {
    let Ok(request) = serde_json::from_slice::<EnrollRequest>(data) else {
        return;
    };
    // The server decodes both public keys and checks their length.
    for key in [&request.signing_public_key, &request.agreement_public_key] {
        if let Ok(bytes) = b64_decode(key) {
            let _ = <[u8; 32]>::try_from(bytes.as_slice());
        }
    }
}

fn socket_message(data: &[u8]) {
    // The client tries a live message first, then a poke (an untagged enum).
    if let Ok(live) = serde_json::from_slice::<LiveMessage>(data) {
        json_round_trip(&live.live);
        live_links(&live.live);
    } else if let Ok(poke) = serde_json::from_slice::<Poke>(data) {
        let _ = poke.cursor;
    }
}

fn live_links(ordered: &OrderedLiveEvent) {
    let _ = ordered.signed.event.signing_message();
    let _ = OrderedLiveEvent::link_bytes(
        ordered.seq,
        &ordered.prev_hash.0,
        ordered.at,
        &ordered.signed,
    );
}

fn live_event(data: &[u8]) {
    let Ok(signed) = serde_json::from_slice::<SignedLiveEvent>(data) else {
        return;
    };
    json_round_trip(&signed);
    // The server re-parses what the device signed: the bytes the signature
    // covers must come out the same after that round trip.
    let text = serde_json::to_string(&signed).expect("a decoded event encodes");
    let again: SignedLiveEvent = serde_json::from_str(&text).expect("an encoded event decodes");
    assert_eq!(
        again.event.signing_message(),
        signed.event.signing_message(),
        "the signed bytes changed in a round trip"
    );
}

fn annotation(data: &[u8]) {
    let Ok(fields) = AnnotationFields::decode(data) else {
        return;
    };
    // Compared as bytes: ink may carry NaN, which is never equal to itself.
    let encoded = fields.encode().expect("decoded fields encode");
    let again = AnnotationFields::decode(&encoded).expect("encoded fields decode");
    assert_eq!(
        again.encode().expect("fields encode"),
        encoded,
        "a note changed in a round trip"
    );
}

fn exchange_package(data: &[u8]) {
    let Ok(package) = ecabinet_exchange::read_package(data) else {
        return;
    };
    // Whatever was accepted is written again and reads back the same:
    // nothing the reader let through is something the writer refuses.
    let written =
        ecabinet_exchange::write_package(&package.envelope.record, &package.main, &package.annexes)
            .expect("an accepted package writes again");
    let again = ecabinet_exchange::read_package(&written).expect("a written package reads");
    // The envelope may list the main document anywhere; the writer puts it first.
    assert_eq!(
        (again.envelope.record, again.main, again.annexes),
        (package.envelope.record, package.main, package.annexes),
        "a package changed in a round trip"
    );
}

fn exchange_envelope(data: &[u8]) {
    let Ok(envelope) = ecabinet_exchange::Envelope::from_xml(data) else {
        return;
    };
    let xml = envelope.to_xml();
    let again =
        ecabinet_exchange::Envelope::from_xml(xml.as_bytes()).expect("a written envelope reads");
    assert_eq!(again, envelope, "an envelope changed in a round trip");
}

/// Inputs that reach past each decoder's first check: real encodings of
/// real values, written by `./scripts/fuzz` as the first corpus and run by
/// the replay test.
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    seeds::of(name)
}

mod seeds;
