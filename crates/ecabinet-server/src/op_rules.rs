//! What the server accepts from a device's ops, decided without IO: the
//! storage layer loads the facts (the annotation as stored, whether its
//! document exists and may be read by the author) and applies the decision.

use chrono::{DateTime, Utc};
use ecabinet_domain::ops::{
    AnnotationOp, BallotOp, DocumentRef, Hlc, ShareScope, MAX_CLOCK_SKEW_MS,
};
use ecabinet_domain::voting::{Motion, MotionStatus, Presence};
use ecabinet_domain::{AgendaItemId, AnnotationId, DeviceId, OpId, PersonId};

/// A refused op: a stable code for programs, a reason for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub code: &'static str,
    pub reason: String,
}

impl Rejection {
    fn new(code: &'static str, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}

/// What the server keeps of an annotation to route its ops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnotationRecord {
    pub id: AnnotationId,
    pub document: DocumentRef,
    pub item: AgendaItemId,
    pub author: PersonId,
    pub share: ShareScope,
    /// The write that set `share`: (clock, device, op), compared like the devices do.
    pub share_stamp: (Hlc, DeviceId, OpId),
}

/// Whether the document an annotation is made on exists and its author may read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentAccess {
    Missing,
    Forbidden,
    Readable(AgendaItemId),
}

/// Who receives an op.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Routing {
    /// The author's devices only.
    Private(PersonId),
    /// The author's devices and the secretariat's.
    Secretariat(PersonId),
    /// Everyone who may read the item's documents.
    Participants(AgendaItemId),
}

impl AnnotationRecord {
    pub fn routing(&self) -> Routing {
        match self.share {
            ShareScope::Private => Routing::Private(self.author),
            ShareScope::Secretariat => Routing::Secretariat(self.author),
            ShareScope::Participants => Routing::Participants(self.item),
        }
    }
}

/// An accepted annotation op: the record as it now stands, and whether its
/// audience changed (then the server hides it from the old audience and
/// replays its earlier ops to the new one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnotationDecision {
    pub record: AnnotationRecord,
    pub created: bool,
    pub audience_changed_from: Option<ShareScope>,
}

/// The op's author, as the server authenticated them.
#[derive(Clone, Copy, Debug)]
pub struct Author {
    pub person: PersonId,
    pub device: DeviceId,
}

/// Decides one annotation op. `access` is needed only when the op creates
/// the annotation (the storage layer loads it then).
pub fn decide_annotation(
    existing: Option<&AnnotationRecord>,
    op_id: OpId,
    hlc: Hlc,
    author: Author,
    op: &AnnotationOp,
    access: Option<DocumentAccess>,
) -> Result<AnnotationDecision, Rejection> {
    let stamp = (hlc, author.device, op_id);
    if op.share.is_some_and(|s| s != ShareScope::Private) && op.share_wrap.is_none() {
        return Err(Rejection::new(
            "missing_share_key",
            "a shared annotation must carry its key for the document's readers",
        ));
    }
    let Some(existing) = existing else {
        let Some(document) = op.document else {
            return Err(Rejection::new(
                "unknown_annotation",
                "this annotation is not known to the server and the change does not create it",
            ));
        };
        if op.person_wrap.is_none() {
            return Err(Rejection::new(
                "missing_key",
                "a new annotation must carry its key for its author's devices",
            ));
        }
        let item = match access {
            Some(DocumentAccess::Readable(item)) => item,
            Some(DocumentAccess::Forbidden) => {
                return Err(Rejection::new(
                    "forbidden",
                    "you may not read this document, so you cannot annotate it",
                ))
            }
            Some(DocumentAccess::Missing) | None => {
                return Err(Rejection::new(
                    "unknown_document",
                    format!(
                        "document {} version {} does not exist",
                        document.id, document.version
                    ),
                ))
            }
        };
        return Ok(AnnotationDecision {
            record: AnnotationRecord {
                id: op.annotation_id,
                document,
                item,
                author: author.person,
                share: op.share.unwrap_or(ShareScope::Private),
                share_stamp: stamp,
            },
            created: true,
            audience_changed_from: None,
        });
    };
    if existing.author != author.person {
        return Err(Rejection::new(
            "not_yours",
            "only the author's devices may change an annotation",
        ));
    }
    if op.document.is_some_and(|d| d != existing.document) {
        return Err(Rejection::new(
            "document_mismatch",
            "an annotation cannot move to another document",
        ));
    }
    let mut record = existing.clone();
    let mut audience_changed_from = None;
    if let Some(share) = op.share {
        if stamp > existing.share_stamp {
            record.share = share;
            record.share_stamp = stamp;
            if share != existing.share {
                audience_changed_from = Some(existing.share);
            }
        }
    }
    Ok(AnnotationDecision {
        record,
        created: false,
        audience_changed_from,
    })
}

/// Decides one ballot. `presence` is the voter's attendance for the
/// motion's meeting, if recorded (a first vote records them present).
pub fn decide_ballot(
    motion: Option<&Motion>,
    voter: PersonId,
    voter_is_member: bool,
    ballot: &BallotOp,
    presence: Option<&Presence>,
    now: DateTime<Utc>,
) -> Result<(), Rejection> {
    let Some(motion) = motion else {
        return Err(Rejection::new("unknown_motion", "this vote does not exist"));
    };
    if ballot.voter != voter {
        return Err(Rejection::new(
            "not_your_ballot",
            "a ballot may only be cast in its voter's own name",
        ));
    }
    if !voter_is_member {
        return Err(Rejection::new("not_a_member", "only cabinet members vote"));
    }
    let closed_at = match (motion.status, motion.closes_at) {
        (MotionStatus::Closed, _) => motion.closed_at,
        (MotionStatus::Open, Some(closes)) if now > closes => Some(closes),
        _ => None,
    };
    if motion.status == MotionStatus::Closed || closed_at.is_some() {
        let when = closed_at.map_or_else(String::new, |t| {
            format!(
                " at {}",
                ecabinet_domain::clock::cabinet_time(t).format("%H:%M:%S %d/%m/%Y")
            )
        });
        return Err(Rejection::new(
            "motion_closed",
            format!(
                "the vote closed{when}, before this ballot reached the server; it was not counted"
            ),
        ));
    }
    match presence {
        Some(Presence::Absent { .. }) => {
            return Err(Rejection::new(
                "not_present",
                "you are recorded as absent from this meeting; ask the secretariat to record you present",
            ))
        }
        Some(Presence::Substituted { .. }) => {
            return Err(Rejection::new(
                "substituted",
                "a substitute sits for you in this meeting, so you cannot vote",
            ))
        }
        _ => {}
    }
    if !motion.options.contains(&ballot.choice) {
        return Err(Rejection::new(
            "bad_choice",
            format!("the choices are: {}", motion.options.join(", ")),
        ));
    }
    let skew = chrono::Duration::milliseconds(MAX_CLOCK_SKEW_MS as i64);
    if ballot.cast_at > now + skew || ballot.cast_at < motion.opened_at - skew {
        return Err(Rejection::new(
            "bad_time",
            "the ballot is dated outside the vote; check this device's clock",
        ));
    }
    Ok(())
}

/// Decides one written opinion: the signer answers for themselves or under a
/// mandate, with one of the request's answers and a comment of bounded size.
/// A response after the deadline is accepted but marked late.
pub fn decide_opinion(
    request: Option<&ecabinet_domain::opinions::OpinionRequest>,
    signer: PersonId,
    op: &ecabinet_domain::ops::OpinionOp,
    now: DateTime<Utc>,
) -> Result<(), Rejection> {
    use ecabinet_domain::opinions::MAX_COMMENT_CHARS;
    let Some(request) = request else {
        return Err(Rejection::new(
            "unknown_request",
            "this request for opinions does not exist",
        ));
    };
    if !request.recipients.contains(&op.respondent) {
        return Err(Rejection::new(
            "not_asked",
            "this member was not asked for an opinion",
        ));
    }
    if !request.answers_for(signer, op.respondent) {
        return Err(Rejection::new(
            "no_mandate",
            "you may answer for this member only under a mandate the secretariat records for this request",
        ));
    }
    if !request.answers.contains(&op.choice) {
        return Err(Rejection::new(
            "bad_choice",
            format!("the answers are: {}", request.answers.join(", ")),
        ));
    }
    let skew = chrono::Duration::milliseconds(MAX_CLOCK_SKEW_MS as i64);
    if op.submitted_at < request.created_at - skew || op.submitted_at > now + skew {
        return Err(Rejection::new(
            "bad_time",
            "the response is dated outside the request; check this device's clock",
        ));
    }
    if op.comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(Rejection::new(
            "comment_too_long",
            format!("a comment may have at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Longest reason for an objection, in characters.
pub const MAX_REASON_CHARS: usize = 2_000;

/// Decides one position: members only, on items they may read, until the
/// meeting starts; an objection says why.
pub fn decide_position(
    member: bool,
    may_read: bool,
    meeting_starts_at: DateTime<Utc>,
    stance: &ecabinet_domain::positions::Stance,
    now: DateTime<Utc>,
) -> Result<(), Rejection> {
    if !member {
        return Err(Rejection::new(
            "not_a_member",
            "positions are given by cabinet members",
        ));
    }
    if !may_read {
        return Err(Rejection::new(
            "forbidden",
            "this item is restricted to named members",
        ));
    }
    if now >= meeting_starts_at {
        return Err(Rejection::new(
            "meeting_started",
            "positions can be changed only until the meeting starts; raise it in the meeting",
        ));
    }
    if let ecabinet_domain::positions::Stance::Objection { reason } = stance {
        let chars = reason.trim().chars().count();
        if chars == 0 || chars > MAX_REASON_CHARS {
            return Err(Rejection::new(
                "bad_reason",
                format!("an objection needs a reason of 1 to {MAX_REASON_CHARS} characters"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecabinet_domain::ops::{Bytes, PersonKeyWrap};
    use ecabinet_domain::{DocumentId, PersonKeyId};

    fn author() -> Author {
        Author {
            person: PersonId::new(),
            device: DeviceId::new(),
        }
    }

    fn create(share: Option<ShareScope>) -> AnnotationOp {
        AnnotationOp {
            annotation_id: AnnotationId::new(),
            document: Some(DocumentRef {
                id: DocumentId::new(),
                version: 1,
            }),
            share,
            person_wrap: Some(PersonKeyWrap {
                person_key_id: PersonKeyId::new(),
                sealed: Bytes(vec![1; 60]),
            }),
            share_wrap: share
                .filter(|s| *s != ShareScope::Private)
                .map(|_| Bytes(vec![2; 60])),
            sealed: Bytes(vec![3; 30]),
        }
    }

    fn edit(of: &AnnotationOp, share: Option<ShareScope>) -> AnnotationOp {
        AnnotationOp {
            annotation_id: of.annotation_id,
            document: None,
            share,
            person_wrap: None,
            share_wrap: share
                .filter(|s| *s != ShareScope::Private)
                .map(|_| Bytes(vec![2; 60])),
            sealed: Bytes(vec![4; 30]),
        }
    }

    #[test]
    fn a_new_annotation_needs_a_readable_document_and_its_key() {
        let who = author();
        let op = create(None);
        let item = AgendaItemId::new();
        let decided = decide_annotation(
            None,
            OpId::new(),
            Hlc::new(1, 0),
            who,
            &op,
            Some(DocumentAccess::Readable(item)),
        )
        .expect("accepted");
        assert!(decided.created);
        assert_eq!(decided.record.share, ShareScope::Private);
        assert_eq!(decided.record.routing(), Routing::Private(who.person));

        let refused = |access| {
            decide_annotation(None, OpId::new(), Hlc::new(1, 0), who, &op, access)
                .expect_err("refused")
                .code
        };
        assert_eq!(refused(Some(DocumentAccess::Forbidden)), "forbidden");
        assert_eq!(refused(Some(DocumentAccess::Missing)), "unknown_document");
        let mut keyless = create(None);
        keyless.person_wrap = None;
        let error = decide_annotation(
            None,
            OpId::new(),
            Hlc::new(1, 0),
            who,
            &keyless,
            Some(DocumentAccess::Readable(item)),
        )
        .expect_err("refused");
        assert_eq!(error.code, "missing_key");
        let orphan = edit(&op, None);
        let error = decide_annotation(None, OpId::new(), Hlc::new(1, 0), who, &orphan, None)
            .expect_err("refused");
        assert_eq!(error.code, "unknown_annotation");
    }

    #[test]
    fn only_the_author_may_edit_and_sharing_follows_the_latest_clock() {
        let who = author();
        let op = create(None);
        let item = AgendaItemId::new();
        let record = decide_annotation(
            None,
            OpId::new(),
            Hlc::new(10, 0),
            who,
            &op,
            Some(DocumentAccess::Readable(item)),
        )
        .expect("accepted")
        .record;

        let stranger = author();
        let error = decide_annotation(
            Some(&record),
            OpId::new(),
            Hlc::new(11, 0),
            stranger,
            &edit(&op, None),
            None,
        )
        .expect_err("refused");
        assert_eq!(error.code, "not_yours");

        let shared = decide_annotation(
            Some(&record),
            OpId::new(),
            Hlc::new(20, 0),
            who,
            &edit(&op, Some(ShareScope::Participants)),
            None,
        )
        .expect("accepted");
        assert_eq!(shared.audience_changed_from, Some(ShareScope::Private));
        assert_eq!(shared.record.routing(), Routing::Participants(item));

        // An older "make it private" from another device loses to the share.
        let stale = decide_annotation(
            Some(&shared.record),
            OpId::new(),
            Hlc::new(15, 0),
            who,
            &edit(&op, Some(ShareScope::Private)),
            None,
        )
        .expect("accepted: its other fields still count");
        assert_eq!(stale.audience_changed_from, None);
        assert_eq!(stale.record.share, ShareScope::Participants);

        let mut unwrapped = edit(&op, Some(ShareScope::Secretariat));
        unwrapped.share_wrap = None;
        let error = decide_annotation(
            Some(&shared.record),
            OpId::new(),
            Hlc::new(30, 0),
            who,
            &unwrapped,
            None,
        )
        .expect_err("refused");
        assert_eq!(error.code, "missing_share_key");
    }

    mod ballots {
        use super::super::*;
        use ecabinet_domain::ops::Bytes;
        use ecabinet_domain::voting::{MajorityBase, MajorityRule, DEFAULT_OPTIONS};
        use ecabinet_domain::{MeetingId, MotionId};

        fn motion(status: MotionStatus, closes_at: Option<DateTime<Utc>>) -> Motion {
            Motion {
                id: MotionId::new(),
                meeting_id: MeetingId::new(),
                agenda_item_id: AgendaItemId::new(),
                question: "Thông qua dự thảo?".into(),
                options: DEFAULT_OPTIONS.iter().map(|s| (*s).to_owned()).collect(),
                rule: MajorityRule::Simple,
                base: MajorityBase::Present,
                quorum: None,
                status,
                opened_at: Utc::now(),
                closes_at,
                closed_at: None,
                votes_cast: 0,
                tally: None,
            }
        }

        fn ballot(voter: PersonId, choice: &str, cast_at: DateTime<Utc>) -> BallotOp {
            BallotOp {
                motion_id: MotionId::new(),
                voter,
                choice: choice.into(),
                cast_at,
                nonce: Bytes(vec![1; 16]),
                signature: Bytes(vec![2; 64]),
            }
        }

        #[test]
        fn only_members_vote_in_their_own_name_on_open_motions() {
            let now = Utc::now();
            let voter = PersonId::new();
            let open = motion(MotionStatus::Open, None);
            let code = |m: Option<&Motion>,
                        who: PersonId,
                        member: bool,
                        b: &BallotOp,
                        p: Option<&Presence>| {
                decide_ballot(m, who, member, b, p, now)
                    .err()
                    .map(|r| r.code)
            };
            let good = ballot(voter, "yes", now);
            assert_eq!(code(Some(&open), voter, true, &good, None), None);
            assert_eq!(code(None, voter, true, &good, None), Some("unknown_motion"));
            assert_eq!(
                code(Some(&open), PersonId::new(), true, &good, None),
                Some("not_your_ballot")
            );
            assert_eq!(
                code(Some(&open), voter, false, &good, None),
                Some("not_a_member")
            );
            assert_eq!(
                code(Some(&open), voter, true, &ballot(voter, "maybe", now), None),
                Some("bad_choice")
            );
            let absent = Presence::Absent {
                reason: Some("công tác".into()),
            };
            assert_eq!(
                code(Some(&open), voter, true, &good, Some(&absent)),
                Some("not_present")
            );
            let replaced = Presence::Substituted { by: None };
            assert_eq!(
                code(Some(&open), voter, true, &good, Some(&replaced)),
                Some("substituted")
            );
            assert_eq!(
                code(Some(&open), voter, true, &good, Some(&Presence::Remote)),
                None
            );
            let future = ballot(voter, "yes", now + chrono::Duration::minutes(5));
            assert_eq!(
                code(Some(&open), voter, true, &future, None),
                Some("bad_time")
            );
            // Dated long before the vote opened (a far past year would not even store).
            let ancient = ballot(voter, "yes", now - chrono::Duration::days(400 * 365));
            assert_eq!(
                code(Some(&open), voter, true, &ancient, None),
                Some("bad_time")
            );
        }

        #[test]
        fn a_ballot_at_the_closing_instant_counts_and_one_after_does_not() {
            let now = Utc::now();
            let voter = PersonId::new();
            let b = ballot(voter, "no", now);
            let closing_now = motion(MotionStatus::Open, Some(now));
            assert!(decide_ballot(Some(&closing_now), voter, true, &b, None, now).is_ok());
            let closed_before = motion(
                MotionStatus::Open,
                Some(now - chrono::Duration::milliseconds(1)),
            );
            let refused =
                decide_ballot(Some(&closed_before), voter, true, &b, None, now).expect_err("late");
            assert_eq!(refused.code, "motion_closed");
            assert!(refused.reason.contains("not counted"), "{}", refused.reason);
            let closed = motion(MotionStatus::Closed, None);
            assert!(decide_ballot(Some(&closed), voter, true, &b, None, now).is_err());
        }
    }

    #[test]
    fn positions_until_the_meeting_starts_with_a_reason_for_objections() {
        use ecabinet_domain::positions::Stance;
        let now = Utc::now();
        let later = now + chrono::Duration::hours(1);
        let code = |member, may_read, starts, stance: &Stance| {
            decide_position(member, may_read, starts, stance, now)
                .err()
                .map(|r| r.code)
        };
        assert_eq!(code(true, true, later, &Stance::NoObjection), None);
        assert_eq!(
            code(true, true, now, &Stance::Speak),
            Some("meeting_started")
        );
        assert_eq!(
            code(false, true, later, &Stance::Speak),
            Some("not_a_member")
        );
        assert_eq!(code(true, false, later, &Stance::Speak), Some("forbidden"));
        let blank = Stance::Objection {
            reason: "  ".into(),
        };
        assert_eq!(code(true, true, later, &blank), Some("bad_reason"));
        let reasoned = Stance::Objection {
            reason: "Chưa lấy ý kiến địa phương".into(),
        };
        assert_eq!(code(true, true, later, &reasoned), None);
    }
}
