//! Merge rules: every field of an annotation is a last-writer-wins register
//! ordered by (hybrid clock, device, op id). The largest stamp wins whatever
//! order the ops arrive in, and an op applied twice changes nothing, so every
//! device that holds the same set of ops shows the same annotation.

use ecabinet_domain::annotation::{Anchor, AnnotationFields, AnnotationKind, Stroke};
use ecabinet_domain::ops::{DocumentRef, Hlc, ShareScope};
use ecabinet_domain::{AnnotationId, DeviceId, OpId};

/// Who wrote a field, and when: the total order the registers use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    pub hlc: Hlc,
    pub device: DeviceId,
    /// Only breaks a tie a correct device never makes (two ops at one reading).
    pub op: OpId,
}

/// A value and the write that set it.
#[derive(Clone, Debug, PartialEq)]
pub struct Register<T> {
    pub stamp: Stamp,
    pub value: T,
}

fn assign<T: Clone>(register: &mut Option<Register<T>>, stamp: Stamp, value: Option<&T>) {
    let Some(value) = value else { return };
    if register
        .as_ref()
        .is_none_or(|current| stamp > current.stamp)
    {
        *register = Some(Register {
            stamp,
            value: value.clone(),
        });
    }
}

/// One annotation as the ops seen so far make it.
#[derive(Clone, Debug, PartialEq)]
pub struct AnnotationState {
    pub id: AnnotationId,
    pub document: Option<Register<DocumentRef>>,
    pub share: Option<Register<ShareScope>>,
    pub kind: Option<Register<AnnotationKind>>,
    pub anchor: Option<Register<Anchor>>,
    pub colour: Option<Register<String>>,
    pub text: Option<Register<String>>,
    pub ink: Option<Register<Vec<Stroke>>>,
    pub deleted: Option<Register<bool>>,
}

impl AnnotationState {
    pub fn new(id: AnnotationId) -> Self {
        Self {
            id,
            document: None,
            share: None,
            kind: None,
            anchor: None,
            colour: None,
            text: None,
            ink: None,
            deleted: None,
        }
    }

    /// Applies one op's writes.
    pub fn apply(
        &mut self,
        stamp: Stamp,
        document: Option<DocumentRef>,
        share: Option<ShareScope>,
        fields: &AnnotationFields,
    ) {
        assign(&mut self.document, stamp, document.as_ref());
        assign(&mut self.share, stamp, share.as_ref());
        assign(&mut self.kind, stamp, fields.kind.as_ref());
        assign(&mut self.anchor, stamp, fields.anchor.as_ref());
        assign(&mut self.colour, stamp, fields.colour.as_ref());
        assign(&mut self.text, stamp, fields.text.as_ref());
        assign(&mut self.ink, stamp, fields.ink.as_ref());
        assign(&mut self.deleted, stamp, fields.deleted.as_ref());
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted.as_ref().is_some_and(|r| r.value)
    }

    pub fn share_scope(&self) -> ShareScope {
        self.share.as_ref().map_or(ShareScope::Private, |r| r.value)
    }

    /// The newest write to any field.
    pub fn last_stamp(&self) -> Option<Stamp> {
        [
            self.document.as_ref().map(|r| r.stamp),
            self.share.as_ref().map(|r| r.stamp),
            self.kind.as_ref().map(|r| r.stamp),
            self.anchor.as_ref().map(|r| r.stamp),
            self.colour.as_ref().map(|r| r.stamp),
            self.text.as_ref().map(|r| r.stamp),
            self.ink.as_ref().map(|r| r.stamp),
            self.deleted.as_ref().map(|r| r.stamp),
        ]
        .into_iter()
        .flatten()
        .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecabinet_domain::DocumentId;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn device(n: u8) -> DeviceId {
        DeviceId(Uuid::from_bytes([n; 16]))
    }

    /// An op as the property tests generate it: small clocks and few
    /// devices, so ties on the clock are common.
    #[derive(Clone, Debug)]
    struct TestOp {
        stamp: Stamp,
        share: Option<ShareScope>,
        fields: AnnotationFields,
    }

    fn test_op() -> impl Strategy<Value = TestOp> {
        (
            0u64..6,
            0u8..3,
            any::<u128>(),
            proptest::option::of(prop_oneof![
                Just(ShareScope::Private),
                Just(ShareScope::Secretariat),
                Just(ShareScope::Participants)
            ]),
            proptest::option::of("[a-z]{0,3}"),
            proptest::option::of(prop_oneof![Just("yellow"), Just("blue")]),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(|(hlc, dev, op, share, text, colour, deleted)| TestOp {
                stamp: Stamp {
                    hlc: Hlc::new(hlc, 0),
                    device: device(dev),
                    op: OpId(Uuid::from_u128(op)),
                },
                share,
                fields: AnnotationFields {
                    text,
                    colour: colour.map(str::to_owned),
                    deleted,
                    ..Default::default()
                },
            })
    }

    fn fold<'a>(id: AnnotationId, ops: impl IntoIterator<Item = &'a TestOp>) -> AnnotationState {
        let mut state = AnnotationState::new(id);
        for op in ops {
            state.apply(op.stamp, None, op.share, &op.fields);
        }
        state
    }

    proptest! {
        #[test]
        fn any_order_with_duplicates_gives_the_same_state(
            ops in proptest::collection::vec(test_op(), 0..24),
            shuffle_seed in any::<u64>(),
            duplicates in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
        ) {
            let id = AnnotationId(Uuid::nil());
            let reference = fold(id, &ops);
            let mut delivered: Vec<&TestOp> = ops.iter().collect();
            if !ops.is_empty() {
                for index in &duplicates {
                    delivered.push(&ops[index.index(ops.len())]);
                }
            }
            // A deterministic shuffle from the seed (Fisher–Yates with an LCG).
            let mut state = shuffle_seed | 1;
            for i in (1..delivered.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let j = (state >> 33) as usize % (i + 1);
                delivered.swap(i, j);
            }
            prop_assert_eq!(fold(id, delivered), reference);
        }

        #[test]
        fn applying_twice_equals_applying_once(ops in proptest::collection::vec(test_op(), 0..16)) {
            let id = AnnotationId(Uuid::nil());
            let once = fold(id, &ops);
            let twice = fold(id, ops.iter().chain(ops.iter()));
            prop_assert_eq!(twice, once);
        }
    }

    #[test]
    fn the_later_clock_wins_and_ties_go_to_the_larger_device() {
        let id = AnnotationId::new();
        let stamp = |hlc, dev| Stamp {
            hlc: Hlc::new(hlc, 0),
            device: device(dev),
            op: OpId::new(),
        };
        let text = |t: &str| AnnotationFields {
            text: Some(t.into()),
            ..Default::default()
        };
        let mut state = AnnotationState::new(id);
        state.apply(stamp(20, 1), None, None, &text("later"));
        state.apply(stamp(10, 9), None, None, &text("earlier"));
        assert_eq!(state.text.as_ref().map(|r| r.value.as_str()), Some("later"));
        state.apply(stamp(20, 2), None, None, &text("tie, larger device"));
        assert_eq!(
            state.text.as_ref().map(|r| r.value.as_str()),
            Some("tie, larger device")
        );
    }

    #[test]
    fn a_delete_is_a_tombstone_that_an_older_edit_cannot_undo() {
        let id = AnnotationId::new();
        let mut state = AnnotationState::new(id);
        let at = |hlc| Stamp {
            hlc: Hlc::new(hlc, 0),
            device: device(1),
            op: OpId::new(),
        };
        let document = DocumentRef {
            id: DocumentId::new(),
            version: 1,
        };
        state.apply(
            at(1),
            Some(document),
            Some(ShareScope::Private),
            &AnnotationFields {
                text: Some("note".into()),
                ..Default::default()
            },
        );
        state.apply(
            at(3),
            None,
            None,
            &AnnotationFields {
                deleted: Some(true),
                ..Default::default()
            },
        );
        state.apply(
            at(2),
            None,
            None,
            &AnnotationFields {
                deleted: Some(false),
                text: Some("edited offline".into()),
                ..Default::default()
            },
        );
        assert!(state.is_deleted());
        assert_eq!(state.document.as_ref().map(|r| r.value), Some(document));
        assert_eq!(state.last_stamp().map(|s| s.hlc), Some(Hlc::new(3, 0)));
    }
}
