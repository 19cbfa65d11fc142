//! The push side: which outbox ops go in which batch, and what the server's
//! answer means for each of them.

use ecabinet_domain::ops::{Op, OpResult, PushResponse};

use crate::SyncError;

/// Ops per push: large enough that one signature and one round trip cover
/// many edits, small enough that a batch commits in a few milliseconds.
pub const PUSH_BATCH_OPS: usize = 1_000;

/// The outbox (oldest first) cut into batches, in order: a device's ops
/// reach the server in the order the device made them.
pub fn push_batches(outbox: &[Op]) -> impl Iterator<Item = &[Op]> {
    outbox.chunks(PUSH_BATCH_OPS)
}

/// Pairs each op sent with its answer; a response that does not answer every
/// op, one for one, is refused rather than guessed at.
pub fn match_results(
    sent: &[Op],
    response: PushResponse,
) -> Result<Vec<(&Op, OpResult)>, SyncError> {
    if response.results.len() != sent.len() {
        return Err(SyncError::PushAnswerMismatch {
            sent: sent.len(),
            answered: response.results.len(),
        });
    }
    Ok(sent.iter().zip(response.results).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecabinet_domain::ops::{AnnotationOp, Bytes, Hlc, OpBody};
    use ecabinet_domain::{AnnotationId, DeviceId, OpId};

    fn op(seq: u64) -> Op {
        Op {
            id: OpId::new(),
            device_id: DeviceId::new(),
            device_seq: seq,
            hlc: Hlc::new(seq, 0),
            body: OpBody::Annotation(AnnotationOp {
                annotation_id: AnnotationId::new(),
                document: None,
                share: None,
                person_wrap: None,
                share_wrap: None,
                sealed: Bytes::default(),
            }),
        }
    }

    #[test]
    fn batches_keep_the_device_order() {
        let outbox: Vec<Op> = (1..=2_500).map(op).collect();
        let batches: Vec<&[Op]> = push_batches(&outbox).collect();
        assert_eq!(
            batches.iter().map(|b| b.len()).collect::<Vec<_>>(),
            vec![1_000, 1_000, 500]
        );
        assert_eq!(batches[1][0].device_seq, 1_001);
    }

    #[test]
    fn an_answer_for_each_op_or_none_at_all() {
        let sent = vec![op(1), op(2)];
        let accepted = OpResult::Accepted {
            seq: 9,
            hlc: Hlc::new(1, 0),
        };
        let short = PushResponse {
            results: vec![accepted.clone()],
        };
        assert!(matches!(
            match_results(&sent, short),
            Err(SyncError::PushAnswerMismatch {
                sent: 2,
                answered: 1
            })
        ));
        let rejected = OpResult::Rejected {
            code: "forbidden".into(),
            reason: "no".into(),
        };
        let full = PushResponse {
            results: vec![accepted.clone(), rejected.clone()],
        };
        let matched = match_results(&sent, full).expect("matched");
        assert_eq!(matched[0].0.device_seq, 1);
        assert_eq!(matched[1].1, rejected);
    }
}
