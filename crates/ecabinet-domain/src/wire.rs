//! The binary encoding of ops and pushes: postcard (compact, deterministic)
//! inside deflate. JSON stays the language of every other endpoint; ops are
//! the one thing a device sends by the thousand, so they get the compact form.

use std::io::{Read, Write};

use serde::de::DeserializeOwned;
use serde::Serialize;
use thiserror::Error;

use crate::ops::Op;

/// The media type of a packed body.
pub const PACKED_CONTENT_TYPE: &str = "application/x-ecabinet-packed";

/// The most a packed body may inflate to: a push of thousands of ops fits
/// with room to spare; a deflate bomb does not.
pub const MAX_UNPACKED_BYTES: u64 = 64 << 20;

#[derive(Debug, Error)]
pub enum WireError {
    #[error("the data could not be encoded: {0}")]
    Encode(String),
    #[error("the data is malformed: {0}")]
    Malformed(String),
    #[error("the data inflates to more than {MAX_UNPACKED_BYTES} bytes")]
    TooLarge,
}

pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, WireError> {
    postcard::to_stdvec(value).map_err(|e| WireError::Encode(e.to_string()))
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WireError> {
    postcard::from_bytes(bytes).map_err(|e| WireError::Malformed(e.to_string()))
}

/// An op as it travels in a push: the device is said once, by the batch.
#[derive(serde::Serialize, serde::Deserialize)]
struct PushedOp<B> {
    id: crate::OpId,
    device_seq: u64,
    hlc: crate::ops::Hlc,
    body: B,
}

/// The bytes a device signs for a batch of ops (all its own).
pub fn encode_ops(ops: &[Op]) -> Result<Vec<u8>, WireError> {
    let pushed: Vec<PushedOp<&crate::ops::OpBody>> = ops
        .iter()
        .map(|op| PushedOp {
            id: op.id,
            device_seq: op.device_seq,
            hlc: op.hlc,
            body: &op.body,
        })
        .collect();
    encode(&pushed)
}

/// The ops of a push made by `device`.
pub fn decode_ops(bytes: &[u8], device: crate::DeviceId) -> Result<Vec<Op>, WireError> {
    let pushed: Vec<PushedOp<crate::ops::OpBody>> = decode(bytes)?;
    Ok(pushed
        .into_iter()
        .map(|op| Op {
            id: op.id,
            device_id: device,
            device_seq: op.device_seq,
            hlc: op.hlc,
            body: op.body,
        })
        .collect())
}

/// Encodes and deflates a value for the wire.
pub fn pack<T: Serialize>(value: &T) -> Result<Vec<u8>, WireError> {
    let plain = encode(value)?;
    let mut encoder = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(plain.len() / 2),
        flate2::Compression::default(),
    );
    encoder
        .write_all(&plain)
        .and_then(|()| encoder.finish())
        .map_err(|e| WireError::Encode(e.to_string()))
}

/// Inflates (at most [`MAX_UNPACKED_BYTES`]) and decodes a packed value.
pub fn unpack<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WireError> {
    let mut plain = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .take(MAX_UNPACKED_BYTES + 1)
        .read_to_end(&mut plain)
        .map_err(|e| WireError::Malformed(e.to_string()))?;
    if plain.len() as u64 > MAX_UNPACKED_BYTES {
        return Err(WireError::TooLarge);
    }
    decode(&plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{AnnotationOp, Bytes, Hlc, OpBody, PushBatch};
    use crate::{AnnotationId, DeviceId, OpId};

    fn op(seq: u64) -> Op {
        Op {
            id: OpId::new(),
            device_id: DeviceId::new(),
            device_seq: seq,
            hlc: Hlc::new(1_700_000_000_000, 1),
            body: OpBody::Annotation(AnnotationOp {
                annotation_id: AnnotationId::new(),
                document: None,
                share: None,
                person_wrap: None,
                share_wrap: None,
                sealed: Bytes(vec![7; 40]),
            }),
        }
    }

    #[test]
    fn ops_round_trip_and_encode_deterministically() {
        let device = DeviceId::new();
        let ops: Vec<Op> = [op(1), op(2)]
            .into_iter()
            .map(|op| Op {
                device_id: device,
                ..op
            })
            .collect();
        let bytes = encode_ops(&ops).expect("encode");
        assert_eq!(decode_ops(&bytes, device).expect("decode"), ops);
        assert_eq!(encode_ops(&ops).expect("encode"), bytes);
    }

    #[test]
    fn every_kind_of_op_survives_the_binary_encoding() {
        // postcard cannot decode internally tagged enums: this catches one
        // slipping into an op body.
        use crate::ops::{BallotOp, PositionOp};
        use crate::positions::Stance;
        let device = DeviceId::new();
        let bodies = vec![
            OpBody::Ballot(BallotOp {
                motion_id: crate::MotionId::new(),
                voter: crate::PersonId::new(),
                choice: "yes".into(),
                cast_at: chrono::Utc::now(),
                nonce: Bytes(vec![1; 16]),
                signature: Bytes(vec![2; 64]),
            }),
            OpBody::Position(PositionOp {
                agenda_item_id: crate::AgendaItemId::new(),
                stance: Stance::Objection {
                    reason: "Chưa rõ nguồn kinh phí".into(),
                },
            }),
            OpBody::Position(PositionOp {
                agenda_item_id: crate::AgendaItemId::new(),
                stance: Stance::Speak,
            }),
        ];
        let ops: Vec<Op> = bodies
            .into_iter()
            .enumerate()
            .map(|(n, body)| Op {
                device_id: device,
                device_seq: n as u64 + 1,
                body,
                ..op(1)
            })
            .collect();
        let bytes = encode_ops(&ops).expect("encode");
        assert_eq!(decode_ops(&bytes, device).expect("decode"), ops);
    }

    #[test]
    fn a_packed_batch_round_trips() {
        let batch = PushBatch {
            device_id: DeviceId::new(),
            ops: Bytes(encode_ops(&[op(1)]).expect("encode")),
            signature: Bytes(vec![1; 64]),
        };
        let packed = pack(&batch).expect("pack");
        assert_eq!(unpack::<PushBatch>(&packed).expect("unpack"), batch);
    }

    #[test]
    fn garbage_and_bombs_are_refused() {
        assert!(unpack::<PushBatch>(b"not deflate at all").is_err());
        let bomb = {
            let mut encoder =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..65 {
                encoder.write_all(&zeros).expect("write");
            }
            encoder.finish().expect("finish")
        };
        assert!(matches!(
            unpack::<PushBatch>(&bomb),
            Err(WireError::TooLarge)
        ));
    }
}
