//! Storing pushed ops: one transaction for a whole group of batches (group
//! commit: one fsync for many devices' pushes), rules from [`crate::op_rules`],
//! answers remembered per op so a re-push gets the same answer.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ecabinet_domain::ops::{DocumentRef, Hlc, OpBody, OpResult, ShareScope};
use ecabinet_domain::{
    wire, AcceptedOp, AgendaItemId, AnnotationHidden, AnnotationId, ChangeBody, DeviceId,
    DocumentId, OpId, PersonId, PersonKeyId,
};
use uuid::Uuid;

use super::sql::{PostgresStore, SqliteStore};
use super::{ReceiptSigner, StoreError, StoreResult, VerifiedBatch};
use ecabinet_domain::voting::{
    receipt_message, Attendance, Ballot, CountedBallot, Motion, Presence,
};
use ecabinet_domain::{MeetingId, MotionId};

use crate::op_rules::{
    decide_annotation, decide_ballot, decide_opinion, decide_position, AnnotationRecord, Author,
    DocumentAccess, Rejection, Routing,
};

type AnnotationRow = (Uuid, Uuid, i64, Uuid, Uuid, String, i64, Uuid, Uuid);

fn record_from(row: AnnotationRow) -> StoreResult<AnnotationRecord> {
    Ok(AnnotationRecord {
        id: AnnotationId(row.0),
        document: DocumentRef {
            id: DocumentId(row.1),
            version: u32::try_from(row.2)
                .map_err(|_| StoreError::Corrupt("annotation document version".into()))?,
        },
        item: AgendaItemId(row.3),
        author: PersonId(row.4),
        share: ShareScope::parse(&row.5)
            .ok_or_else(|| StoreError::Corrupt(format!("annotation share {:?}", row.5)))?,
        share_stamp: (Hlc(row.6 as u64), DeviceId(row.7), OpId(row.8)),
    })
}

fn json(body: &ChangeBody) -> StoreResult<String> {
    serde_json::to_string(body).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Where a change goes: (item audience, person audience, secretariat sees it).
type Audience = (Option<Uuid>, Option<Uuid>, bool);

use super::MAX_RUN_OPS;

/// A new change row: one change, or a run of ops (`last` set) with one
/// audience whose payload is their encoded list.
struct ChangeRow {
    seq: i64,
    last: Option<i64>,
    kind: &'static str,
    entity: Uuid,
    body: String,
    payload: Option<Vec<u8>>,
    audience: Audience,
}

impl ChangeRow {
    fn change(
        seq: i64,
        kind: &'static str,
        entity: Uuid,
        body: String,
        audience: Audience,
    ) -> Self {
        Self {
            seq,
            last: None,
            kind,
            entity,
            body,
            payload: None,
            audience,
        }
    }

    /// The stored payload: one encoded op, or a run's count then its ops
    /// (postcard's encoding of a list, built without re-encoding each op).
    fn take_payload(&mut self) -> Option<Vec<u8>> {
        let (Some(last), Some(ops)) = (self.last, &self.payload) else {
            return self.payload.take();
        };
        let mut count = (last - self.seq + 1) as u64;
        let mut bytes = Vec::with_capacity(ops.len() + 3);
        while count >= 0x80 {
            bytes.push((count as u8) | 0x80);
            count >>= 7;
        }
        bytes.push(count as u8);
        bytes.extend_from_slice(ops);
        Some(bytes)
    }
}

/// Rows written in bulk: one multi-row INSERT per thousand rows instead of a
/// statement per op, which is most of the cost of a group commit.
#[derive(Default)]
struct Pending {
    changes: Vec<ChangeRow>,
    /// Accepted ballots and first-vote attendance records.
    ballots: Vec<CountedBallot>,
    attendance: Vec<(Attendance, bool)>,
    /// (device, first seq, last seq, encoded answers) of each push.
    batches: Vec<(Uuid, i64, i64, Vec<u8>)>,
    /// Annotations touched, by id (the last state wins), with the seqs of
    /// their ops accepted in this group.
    annotations: HashMap<AnnotationId, (AnnotationRecord, String)>,
}

impl Pending {
    /// Adds an accepted op, extending the previous row into a run when it
    /// is an op (or run) with the same audience that ends just before it.
    fn push_op(&mut self, seq: i64, entity: Uuid, encoded: Vec<u8>, audience: Audience) {
        if let Some(row) = self.changes.last_mut() {
            let end = row.last.unwrap_or(row.seq);
            if row.kind == "op"
                && row.audience == audience
                && end + 1 == seq
                && end - row.seq + 1 < MAX_RUN_OPS
            {
                row.last = Some(seq);
                if let Some(payload) = row.payload.as_mut() {
                    payload.extend_from_slice(&encoded);
                }
                return;
            }
        }
        self.changes.push(ChangeRow {
            seq,
            last: None,
            kind: "op",
            entity,
            body: String::new(),
            payload: Some(encoded),
            audience,
        });
    }
}

/// An accepted op as stored and pulled ([`AcceptedOp`]'s encoding), with
/// the clock reading the server kept; copies the op only when it was clamped.
fn encode_accepted(
    author: PersonId,
    op: &ecabinet_domain::ops::Op,
    hlc: Hlc,
) -> StoreResult<Vec<u8>> {
    #[derive(serde::Serialize)]
    struct Borrowed<'a> {
        author: PersonId,
        op: &'a ecabinet_domain::ops::Op,
    }
    let encoded = if op.hlc == hlc {
        wire::encode(&Borrowed { author, op })
    } else {
        let mut kept = op.clone();
        kept.hlc = hlc;
        wire::encode(&Borrowed { author, op: &kept })
    };
    encoded.map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// One push's answers, by device sequence.
type Answers = Vec<(u64, ecabinet_domain::OpId, OpResult)>;

/// Rows per multi-row INSERT: 8 parameters each stays far below both
/// databases' limits on bound parameters.
const BULK_ROWS: usize = 1_000;

macro_rules! ops_store {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Appends one change with an explicit audience, numbering it from `seq`.
            /// Ops travel as `payload` (binary); other changes as JSON `body`.
            #[allow(clippy::too_many_arguments)]
            async fn append_routed(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                seq: &mut i64,
                entity: Uuid,
                kind: &str,
                body: &str,
                payload: Option<&[u8]>,
                audience: Audience,
            ) -> StoreResult<i64> {
                *seq += 1;
                sqlx::query(
                    "INSERT INTO changes (organisation_id, seq, kind, entity_id, body, payload, audience, audience_person, audience_secretariat) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(organisation)
                .bind(*seq)
                .bind(kind)
                .bind(entity)
                .bind(body)
                .bind(payload)
                .bind(audience.0)
                .bind(audience.1)
                .bind(audience.2)
                .execute(&mut **tx)
                .await?;
                Ok(*seq)
            }

            async fn audience_of(
                tx: &mut sqlx::Transaction<'_, $db>,
                routing: Routing,
            ) -> StoreResult<Audience> {
                Ok(match routing {
                    Routing::Private(author) => (None, Some(author.0), false),
                    Routing::Secretariat(author) => (None, Some(author.0), true),
                    Routing::Participants(item) => {
                        let row: Option<(bool,)> =
                            sqlx::query_as("SELECT restricted FROM agenda_items WHERE id = $1")
                                .bind(item.0)
                                .fetch_optional(&mut **tx)
                                .await?;
                        let restricted = row.is_some_and(|(r,)| r);
                        (restricted.then_some(item.0), None, true)
                    }
                })
            }

            /// What the wave's ballots need from the database, in a few queries
            /// per motion rather than a few per ballot (each a round trip while
            /// the organisation's row is locked): the motion (its row locked),
            /// each voter's presence, whether they may read the item, and any
            /// ballot of theirs the server holds already.
            #[allow(clippy::too_many_arguments)]
            async fn prefetch_ballots(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                wave: &[VerifiedBatch],
                motions: &mut HashMap<MotionId, Option<Motion>>,
                presences: &mut HashMap<(MeetingId, PersonId), Option<Presence>>,
                readers: &mut HashMap<(AgendaItemId, PersonId), bool>,
                held: &mut HashMap<(MotionId, Vec<u8>), Option<i64>>,
            ) -> StoreResult<()> {
                let mut by_motion: HashMap<MotionId, Vec<(PersonId, Vec<u8>)>> = HashMap::new();
                for batch in wave {
                    for op in &batch.ops {
                        if let OpBody::Ballot(body) = &op.body {
                            by_motion.entry(body.motion_id).or_default().push((batch.person, body.signature.0.clone()));
                        }
                    }
                }
                for (motion_id, voters) in by_motion {
                    if !motions.contains_key(&motion_id) {
                        // Updating the row locks it: a ballot and the motion's closing cannot interleave.
                        let row: Option<(String,)> = sqlx::query_as("UPDATE motions SET body = body WHERE id = $1 AND organisation_id = $2 RETURNING body")
                            .bind(motion_id.0)
                            .bind(organisation)
                            .fetch_optional(&mut **tx)
                            .await?;
                        let motion = row
                            .map(|(text,)| serde_json::from_str::<Motion>(&text))
                            .transpose()
                            .map_err(|e| StoreError::Corrupt(format!("motion: {e}")))?;
                        motions.insert(motion_id, motion);
                    }
                    let Some(Some(motion)) = motions.get(&motion_id).cloned() else { continue };
                    let mut persons: Vec<Uuid> = voters.iter().map(|(p, _)| p.0).collect();
                    persons.sort_unstable();
                    persons.dedup();
                    let unknown: Vec<Uuid> = persons.iter().copied().filter(|p| !presences.contains_key(&(motion.meeting_id, PersonId(*p)))).collect();
                    for chunk in unknown.chunks(BULK_ROWS) {
                        for person in chunk {
                            presences.insert((motion.meeting_id, PersonId(*person)), None);
                        }
                        let mut select = sqlx::QueryBuilder::<$db>::new("SELECT person_id, presence FROM attendance WHERE meeting_id = ");
                        select.push_bind(motion.meeting_id.0).push(" AND person_id IN (");
                        let mut list = select.separated(", ");
                        for person in chunk {
                            list.push_bind(*person);
                        }
                        select.push(")");
                        let rows: Vec<(Uuid, String)> = select.build_query_as().fetch_all(&mut **tx).await?;
                        for (person, text) in rows {
                            let presence = serde_json::from_str::<Presence>(&text).map_err(|e| StoreError::Corrupt(format!("attendance: {e}")))?;
                            presences.insert((motion.meeting_id, PersonId(person)), Some(presence));
                        }
                    }
                    let item = motion.agenda_item_id;
                    let unknown: Vec<Uuid> = persons.iter().copied().filter(|p| !readers.contains_key(&(item, PersonId(*p)))).collect();
                    if !unknown.is_empty() {
                        let restricted: Option<(bool,)> = sqlx::query_as("SELECT restricted FROM agenda_items WHERE id = $1")
                            .bind(item.0)
                            .fetch_optional(&mut **tx)
                            .await?;
                        match restricted {
                            // Open: everyone may. Unknown: nobody (as `may_read_item`).
                            Some((false,)) | None => {
                                for person in &unknown {
                                    readers.insert((item, PersonId(*person)), restricted.is_some());
                                }
                            }
                            Some((true,)) => {
                                for chunk in unknown.chunks(BULK_ROWS) {
                                    for person in chunk {
                                        readers.insert((item, PersonId(*person)), false);
                                    }
                                    let mut select = sqlx::QueryBuilder::<$db>::new("SELECT person_id FROM item_access WHERE agenda_item_id = ");
                                    select.push_bind(item.0).push(" AND person_id IN (");
                                    let mut list = select.separated(", ");
                                    for person in chunk {
                                        list.push_bind(*person);
                                    }
                                    select.push(")");
                                    let rows: Vec<(Uuid,)> = select.build_query_as().fetch_all(&mut **tx).await?;
                                    for (person,) in rows {
                                        readers.insert((item, PersonId(person)), true);
                                    }
                                }
                            }
                        }
                    }
                    let signatures: Vec<Vec<u8>> = voters
                        .into_iter()
                        .map(|(_, signature)| signature)
                        .filter(|s| !held.contains_key(&(motion_id, s.clone())))
                        .collect();
                    for chunk in signatures.chunks(BULK_ROWS) {
                        for signature in chunk {
                            held.insert((motion_id, signature.clone()), None);
                        }
                        let mut select = sqlx::QueryBuilder::<$db>::new("SELECT signature, seq FROM ballots WHERE motion_id = ");
                        select.push_bind(motion_id.0).push(" AND signature IN (");
                        let mut list = select.separated(", ");
                        for signature in chunk {
                            list.push_bind(signature.clone());
                        }
                        select.push(")");
                        let rows: Vec<(Vec<u8>, i64)> = select.build_query_as().fetch_all(&mut **tx).await?;
                        for (signature, seq) in rows {
                            held.insert((motion_id, signature), Some(seq));
                        }
                    }
                }
                Ok(())
            }

            /// Whether a person may read an item (open, or listed on it).
            async fn may_read_item(tx: &mut sqlx::Transaction<'_, $db>, item: AgendaItemId, person: PersonId) -> StoreResult<bool> {
                let (restricted, listed): (bool, i64) = sqlx::query_as(
                    "SELECT a.restricted, (SELECT COUNT(*) FROM item_access ia WHERE ia.agenda_item_id = a.id AND ia.person_id = $2) \
                     FROM agenda_items a WHERE a.id = $1",
                )
                .bind(item.0)
                .bind(person.0)
                .fetch_optional(&mut **tx)
                .await?
                .unwrap_or((true, 0));
                Ok(!restricted || listed > 0)
            }

            async fn document_access(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                document: DocumentRef,
                person: PersonId,
                secretary: bool,
            ) -> StoreResult<DocumentAccess> {
                let row: Option<(Uuid, bool, bool)> = sqlx::query_as(
                    "SELECT d.agenda_item_id, a.restricted, m.ever_published FROM documents d \
                     JOIN agenda_items a ON a.id = d.agenda_item_id JOIN meetings m ON m.id = a.meeting_id \
                     WHERE d.id = $1 AND d.version = $2 AND d.organisation_id = $3",
                )
                .bind(document.id.0)
                .bind(i64::from(document.version))
                .bind(organisation)
                .fetch_optional(&mut **tx)
                .await?;
                let Some((item, restricted, published)) = row else {
                    return Ok(DocumentAccess::Missing);
                };
                // Members never learn of a draft meeting's documents.
                if !secretary && !published {
                    return Ok(DocumentAccess::Missing);
                }
                if secretary || !restricted {
                    return Ok(DocumentAccess::Readable(AgendaItemId(item)));
                }
                let (listed,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM item_access WHERE agenda_item_id = $1 AND person_id = $2",
                )
                .bind(item)
                .bind(person.0)
                .fetch_one(&mut **tx)
                .await?;
                Ok(if listed > 0 {
                    DocumentAccess::Readable(AgendaItemId(item))
                } else {
                    DocumentAccess::Forbidden
                })
            }

            /// The answer already given to a re-pushed op: from this group's own
            /// pushes, else from the stored answers of the push that carried it.
            async fn replay_answer(
                tx: &mut sqlx::Transaction<'_, $db>,
                group: &HashMap<DeviceId, Vec<Answers>>,
                op: &ecabinet_domain::ops::Op,
            ) -> StoreResult<OpResult> {
                let find = |answers: &Answers| {
                    answers
                        .iter()
                        .find(|(seq, _, _)| *seq == op.device_seq)
                        .map(|(_, id, result)| (*id, result.clone()))
                };
                let mut found = group.get(&op.device_id).and_then(|pushes| pushes.iter().find_map(find));
                if found.is_none() {
                    let row: Option<(Vec<u8>,)> = sqlx::query_as(
                        "SELECT answers FROM push_batches WHERE device_id = $1 AND first_seq <= $2 AND last_seq >= $2",
                    )
                    .bind(op.device_id.0)
                    .bind(op.device_seq as i64)
                    .fetch_optional(&mut **tx)
                    .await?;
                    if let Some((bytes,)) = row {
                        let answers: Answers = wire::decode(&bytes)
                            .map_err(|e| StoreError::Corrupt(format!("stored push answers: {e}")))?;
                        found = find(&answers);
                    }
                }
                Ok(match found {
                    Some((id, result)) if id == op.id => result,
                    _ => OpResult::Rejected {
                        code: "stale_sequence".into(),
                        reason: "this device already sent a later change under this number; this one was never received".into(),
                    },
                })
            }

            /// An annotation's ops so far, each once, oldest first, encoded:
            /// found through the seqs its row lists (single rows or inside runs).
            async fn annotation_ops(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                id: AnnotationId,
            ) -> StoreResult<Vec<Vec<u8>>> {
                let (listed,): (String,) = sqlx::query_as("SELECT op_seqs FROM annotations WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut **tx)
                    .await?
                    .unwrap_or_default();
                let mut wanted: Vec<i64> = listed.split(',').filter_map(|n| n.parse().ok()).collect();
                wanted.sort_unstable();
                wanted.dedup();
                let mut rows_read: HashMap<i64, (i64, Vec<AcceptedOp>)> = HashMap::new();
                let mut seen = std::collections::HashSet::new();
                let mut out = Vec::new();
                for at in wanted {
                    if !rows_read.values().any(|(first, ops)| *first <= at && at < *first + ops.len() as i64) {
                        let row: Option<(i64, Option<i64>, Option<Vec<u8>>)> = sqlx::query_as(
                            "SELECT seq, seq_last, payload FROM changes WHERE organisation_id = $1 AND seq <= $2 AND seq > $3 ORDER BY seq DESC LIMIT 1",
                        )
                        .bind(organisation)
                        .bind(at)
                        .bind(at - MAX_RUN_OPS)
                        .fetch_optional(&mut **tx)
                        .await?;
                        let Some((first, last, Some(payload))) = row else { continue };
                        let ops: Vec<AcceptedOp> = match last {
                            Some(_) => wire::decode(&payload),
                            None => wire::decode(&payload).map(|op| vec![op]),
                        }
                        .map_err(|e| StoreError::Corrupt(format!("stored op {first}: {e}")))?;
                        rows_read.insert(first, (first, ops));
                    }
                    let found = rows_read
                        .values()
                        .find(|(first, ops)| *first <= at && at < *first + ops.len() as i64)
                        .map(|(first, ops)| &ops[(at - first) as usize]);
                    if let Some(accepted) = found {
                        if accepted.op.body.entity_id() == id.0 && seen.insert(accepted.op.id) {
                            out.push(wire::encode(accepted).map_err(|e| StoreError::Corrupt(e.to_string()))?);
                        }
                    }
                }
                Ok(out)
            }

            async fn load_annotation(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: AnnotationId,
            ) -> StoreResult<Option<AnnotationRecord>> {
                let row: Option<AnnotationRow> = sqlx::query_as(
                    "SELECT a.id, a.document_id, a.document_version, d.agenda_item_id, a.author, a.share, a.share_hlc, a.share_device, a.share_op \
                     FROM annotations a JOIN documents d ON d.id = a.document_id AND d.version = a.document_version WHERE a.id = $1",
                )
                .bind(id.0)
                .fetch_optional(&mut **tx)
                .await?;
                row.map(record_from).transpose()
            }

            /// An annotation's audience changed: the old audience forgets it,
            /// the new one receives every op it has had so far.
            async fn reroute(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                seq: &mut i64,
                before: &AnnotationRecord,
                after: &AnnotationRecord,
            ) -> StoreResult<()> {
                if before.share != ShareScope::Private {
                    let hidden = json(&ChangeBody::AnnotationHidden(AnnotationHidden {
                        annotation_id: after.id,
                        author: after.author,
                    }))?;
                    let audience = Self::audience_of(tx, before.routing()).await?;
                    Self::append_routed(tx, organisation, seq, after.id.0, "annotation_hidden", &hidden, None, audience).await?;
                }
                if after.share != ShareScope::Private {
                    let audience = Self::audience_of(tx, after.routing()).await?;
                    for payload in Self::annotation_ops(tx, organisation, after.id).await? {
                        Self::append_routed(tx, organisation, seq, after.id.0, "op", "", Some(&payload), audience).await?;
                    }
                }
                Ok(())
            }

            /// A member's position: checked, then kept if it is the newest
            /// write for (item, member), and sent to the member and the secretariat.
            #[allow(clippy::too_many_arguments)]
            async fn apply_position(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                seq: &mut i64,
                batch: &VerifiedBatch,
                op_id: ecabinet_domain::OpId,
                device: DeviceId,
                hlc: Hlc,
                body: &ecabinet_domain::ops::PositionOp,
                now: DateTime<Utc>,
            ) -> StoreResult<OpResult> {
                // Items of a meeting members have not been told of do not exist for them.
                let item: Option<(Uuid, DateTime<Utc>, bool)> = sqlx::query_as(
                    "SELECT a.meeting_id, m.starts_at, a.restricted FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id \
                     WHERE a.id = $1 AND m.organisation_id = $2 AND m.ever_published",
                )
                .bind(body.agenda_item_id.0)
                .bind(organisation)
                .fetch_optional(&mut **tx)
                .await?;
                let Some((meeting, starts_at, restricted)) = item else {
                    return Ok(OpResult::Rejected { code: "unknown_item".into(), reason: "this agenda item does not exist".into() });
                };
                let may_read = if restricted {
                    let (listed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM item_access WHERE agenda_item_id = $1 AND person_id = $2")
                        .bind(body.agenda_item_id.0)
                        .bind(batch.person.0)
                        .fetch_one(&mut **tx)
                        .await?;
                    listed > 0
                } else {
                    true
                };
                if let Err(Rejection { code, reason }) = decide_position(!batch.secretary, may_read, starts_at, &body.stance, now) {
                    return Ok(OpResult::Rejected { code: code.into(), reason });
                }
                let current: Option<(i64, Uuid, Uuid)> = sqlx::query_as(
                    "SELECT hlc, device_id, op_id FROM positions WHERE agenda_item_id = $1 AND person_id = $2",
                )
                .bind(body.agenda_item_id.0)
                .bind(batch.person.0)
                .fetch_optional(&mut **tx)
                .await?;
                let newer = current.is_none_or(|(h, d, o)| (hlc.0, device.0, op_id.0) > (h as u64, d, o));
                if !newer {
                    // An older write from another of the member's devices:
                    // accepted, already superseded; it changes nothing.
                    return Ok(OpResult::Accepted { seq: *seq, hlc });
                }
                let position = ecabinet_domain::positions::Position {
                    agenda_item_id: body.agenda_item_id,
                    meeting_id: MeetingId(meeting),
                    person_id: batch.person,
                    stance: body.stance.clone(),
                    recorded_at: now,
                };
                sqlx::query(
                    "INSERT INTO positions (agenda_item_id, person_id, stance, hlc, device_id, op_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (agenda_item_id, person_id) DO UPDATE SET stance = excluded.stance, hlc = excluded.hlc, \
                     device_id = excluded.device_id, op_id = excluded.op_id, recorded_at = excluded.recorded_at",
                )
                .bind(body.agenda_item_id.0)
                .bind(batch.person.0)
                .bind(serde_json::to_string(&body.stance).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                .bind(hlc.0 as i64)
                .bind(device.0)
                .bind(op_id.0)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                let announced = json(&ChangeBody::Position(position))?;
                let at = Self::append_routed(tx, organisation, seq, body.agenda_item_id.0, "position", &announced, None, (None, Some(batch.person.0), true)).await?;
                Ok(OpResult::Accepted { seq: at, hlc })
            }

            /// A written opinion: checked, stored with its late flag, sent to
            /// the member and the secretariat.
            #[allow(clippy::too_many_arguments)]
            async fn apply_opinion(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                seq: &mut i64,
                batch: &VerifiedBatch,
                device: DeviceId,
                hlc: Hlc,
                body: &ecabinet_domain::ops::OpinionOp,
                now: DateTime<Utc>,
            ) -> StoreResult<OpResult> {
                let row: Option<(String,)> = sqlx::query_as("SELECT body FROM opinion_requests WHERE id = $1 AND organisation_id = $2")
                    .bind(body.request_id.0)
                    .bind(organisation)
                    .fetch_optional(&mut **tx)
                    .await?;
                let request: Option<ecabinet_domain::opinions::OpinionRequest> = row
                    .map(|(text,)| serde_json::from_str(&text))
                    .transpose()
                    .map_err(|e| StoreError::Corrupt(format!("opinion request: {e}")))?;
                if let Err(Rejection { code, reason }) = decide_opinion(request.as_ref(), batch.person, body, now) {
                    return Ok(OpResult::Rejected { code: code.into(), reason });
                }
                let Some(request) = request else {
                    return Ok(OpResult::Rejected { code: "unknown_request".into(), reason: "this request for opinions does not exist".into() });
                };
                *seq += 1;
                let at = *seq;
                let received = ecabinet_domain::opinions::ReceivedResponse {
                    response: body.response(batch.person, device),
                    seq: at,
                    received_at: now,
                    late: now > request.deadline,
                };
                let text = serde_json::to_string(&received).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query("INSERT INTO opinion_responses (seq, request_id, respondent, body) VALUES ($1, $2, $3, $4)")
                    .bind(at)
                    .bind(body.request_id.0)
                    .bind(body.respondent.0)
                    .bind(&text)
                    .execute(&mut **tx)
                    .await?;
                // append_routed numbers the change: give it the number the response carries.
                *seq -= 1;
                let signer = received.response.signer;
                let announced = json(&ChangeBody::OpinionResponse(received))?;
                Self::append_routed(tx, organisation, seq, body.request_id.0, "opinion_response", &announced, None, (None, Some(body.respondent.0), true)).await?;
                if signer != body.respondent {
                    // The substitute's devices keep what they signed, too.
                    Self::append_routed(tx, organisation, seq, body.request_id.0, "opinion_response", &announced, None, (None, Some(signer.0), false)).await?;
                }
                Ok(OpResult::Accepted { seq: at, hlc })
            }

            async fn flush(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                pending: &mut Pending,
            ) -> StoreResult<()> {
                let mut changes = std::mem::take(&mut pending.changes).into_iter().peekable();
                while changes.peek().is_some() {
                    let chunk = changes.by_ref().take(BULK_ROWS);
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO changes (organisation_id, seq, seq_last, kind, entity_id, body, payload, audience, audience_person, audience_secretariat) ",
                    );
                    insert.push_values(chunk, |mut row, mut change| {
                        let payload = change.take_payload();
                        row.push_bind(organisation)
                            .push_bind(change.seq)
                            .push_bind(change.last)
                            .push_bind(change.kind)
                            .push_bind(change.entity)
                            .push_bind(change.body)
                            .push_bind(payload)
                            .push_bind(change.audience.0)
                            .push_bind(change.audience.1)
                            .push_bind(change.audience.2);
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                for chunk in pending.batches.chunks(BULK_ROWS) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO push_batches (device_id, first_seq, last_seq, answers) ",
                    );
                    insert.push_values(chunk, |mut row, (device, first, last, answers)| {
                        row.push_bind(*device)
                            .push_bind(*first)
                            .push_bind(*last)
                            .push_bind(answers.clone());
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                let records: Vec<(AnnotationRecord, String)> = pending.annotations.drain().map(|(_, r)| r).collect();
                for chunk in records.chunks(BULK_ROWS) {
                    let mut upsert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO annotations (id, organisation_id, document_id, document_version, author, share, share_hlc, share_device, share_op, op_seqs) ",
                    );
                    upsert.push_values(chunk, |mut row, (record, seqs)| {
                        row.push_bind(record.id.0)
                            .push_bind(organisation)
                            .push_bind(record.document.id.0)
                            .push_bind(i64::from(record.document.version))
                            .push_bind(record.author.0)
                            .push_bind(record.share.as_str())
                            .push_bind(record.share_stamp.0 .0 as i64)
                            .push_bind(record.share_stamp.1 .0)
                            .push_bind(record.share_stamp.2 .0)
                            .push_bind(seqs.clone());
                    });
                    upsert.push(
                        " ON CONFLICT (id) DO UPDATE SET share = excluded.share, share_hlc = excluded.share_hlc, \
                         share_device = excluded.share_device, share_op = excluded.share_op, op_seqs = annotations.op_seqs || excluded.op_seqs",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                for chunk in pending.ballots.chunks(BULK_ROWS) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO ballots (seq, motion_id, voter, device_id, choice, cast_at, nonce, signature, accepted_at, receipt) ",
                    );
                    insert.push_values(chunk, |mut row, counted| {
                        row.push_bind(counted.seq)
                            .push_bind(counted.ballot.motion_id.0)
                            .push_bind(counted.ballot.voter.0)
                            .push_bind(counted.ballot.device_id.0)
                            .push_bind(counted.ballot.choice.clone())
                            .push_bind(counted.ballot.cast_at)
                            .push_bind(counted.ballot.nonce.0.clone())
                            .push_bind(counted.ballot.signature.0.clone())
                            .push_bind(counted.accepted_at)
                            .push_bind(counted.receipt.0.clone());
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                for (attendance, may_vote) in &pending.attendance {
                    sqlx::query(
                        "INSERT INTO attendance (meeting_id, person_id, presence, may_vote) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (meeting_id, person_id) DO UPDATE SET presence = excluded.presence, may_vote = excluded.may_vote",
                    )
                    .bind(attendance.meeting_id.0)
                    .bind(attendance.person_id.0)
                    .bind(serde_json::to_string(&attendance.presence).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                    .bind(*may_vote)
                    .execute(&mut **tx)
                    .await?;
                }
                pending.batches.clear();
                pending.ballots.clear();
                pending.attendance.clear();
                Ok(())
            }

            pub(super) async fn push_ops_impl(
                &self,
                source: &mut dyn crate::store::BatchSource,
                now: DateTime<Utc>,
                receipts: &ReceiptSigner,
            ) -> StoreResult<Vec<Vec<OpResult>>> {
                let mut wave = source.next_wave().await;
                let Some(first) = wave.first() else {
                    return Ok(Vec::new());
                };
                let organisation = first.organisation.0;
                let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
                let t0 = std::time::Instant::now();
                let mut tx = self.pool.begin().await?;
                // A write first: it takes SQLite's write lock (and PostgreSQL's
                // row lock) before anything is read, and tells us where to number from.
                let (mut seq,): (i64,) =
                    sqlx::query_as("UPDATE organisations SET last_seq = last_seq WHERE id = $1 RETURNING last_seq")
                        .bind(organisation)
                        .fetch_one(&mut *tx)
                        .await?;
                let mut annotations: HashMap<AnnotationId, Option<AnnotationRecord>> = HashMap::new();
                let mut pushed: HashMap<DeviceId, i64> = HashMap::new();
                // Facts read once per group: who may read which document, where an item's changes go.
                let mut access_seen: HashMap<(DocumentRef, PersonId), DocumentAccess> = HashMap::new();
                let mut audiences: HashMap<Routing, Audience> = HashMap::new();
                let mut pending = Pending::default();
                let mut group: HashMap<DeviceId, Vec<Answers>> = HashMap::new();
                let mut motions: HashMap<MotionId, Option<Motion>> = HashMap::new();
                let mut presences: HashMap<(MeetingId, PersonId), Option<Presence>> = HashMap::new();
                let mut voted: std::collections::BTreeSet<MotionId> = Default::default();
                let mut readers: HashMap<(AgendaItemId, PersonId), bool> = HashMap::new();
                let mut invited: HashMap<(MeetingId, PersonId), bool> = HashMap::new();
                let mut held: HashMap<(MotionId, Vec<u8>), Option<i64>> = HashMap::new();
                let mut answers = Vec::new();
                let mut devices: HashMap<DeviceId, (i64, bool)> = HashMap::new();
                let mut total_ops = 0;
                let mut waves = 0;
                while !wave.is_empty() {
                if wave.iter().any(|b| b.organisation.0 != organisation) {
                    return Err(StoreError::Config("one group commit serves one organisation".into()));
                }
                waves += 1;
                total_ops += wave.iter().map(|b| b.ops.len()).sum::<usize>();
                // Every annotation the wave touches that is not known yet, read in a few queries.
                let mut wanted: Vec<Uuid> = wave
                    .iter()
                    .flat_map(|b| b.ops.iter().map(|op| op.body.entity_id()))
                    .filter(|id| !annotations.contains_key(&AnnotationId(*id)))
                    .collect();
                wanted.sort_unstable();
                wanted.dedup();
                for chunk in wanted.chunks(BULK_ROWS) {
                    let mut select = sqlx::QueryBuilder::<$db>::new(
                        "SELECT a.id, a.document_id, a.document_version, d.agenda_item_id, a.author, a.share, a.share_hlc, a.share_device, a.share_op \
                         FROM annotations a JOIN documents d ON d.id = a.document_id AND d.version = a.document_version WHERE a.id IN (",
                    );
                    let mut list = select.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    select.push(")");
                    let rows: Vec<AnnotationRow> = select.build_query_as().fetch_all(&mut *tx).await?;
                    for id in chunk {
                        annotations.insert(AnnotationId(*id), None);
                    }
                    for row in rows {
                        let record = record_from(row)?;
                        annotations.insert(record.id, Some(record));
                    }
                }
                // Where each new device's pushes stand, in one query.
                let mut unseen: Vec<Uuid> = wave.iter().map(|b| b.device.0).filter(|d| !devices.contains_key(&DeviceId(*d))).collect();
                unseen.sort_unstable();
                unseen.dedup();
                for chunk in unseen.chunks(BULK_ROWS) {
                    let mut select = sqlx::QueryBuilder::<$db>::new("SELECT id, pushed_through, revoked_at IS NOT NULL FROM devices WHERE id IN (");
                    let mut list = select.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    select.push(")");
                    let rows: Vec<(Uuid, i64, bool)> = select.build_query_as().fetch_all(&mut *tx).await?;
                    for (id, through, revoked) in rows {
                        devices.insert(DeviceId(id), (through, revoked));
                    }
                }
                Self::prefetch_ballots(&mut tx, organisation, &wave, &mut motions, &mut presences, &mut readers, &mut held).await?;
                for batch in &wave {
                    let mut through = match (pushed.get(&batch.device), devices.get(&batch.device)) {
                        (Some(through), _) => *through,
                        (None, Some((_, true))) => {
                            // Revoked while its push waited: nothing of it is kept.
                            let refused = OpResult::Rejected { code: "revoked".into(), reason: "this device has been revoked".into() };
                            answers.push(vec![refused; batch.ops.len()]);
                            continue;
                        }
                        (None, Some((through, false))) => *through,
                        (None, None) => return Err(StoreError::Corrupt(format!("device {} pushed but is not enrolled", batch.device))),
                    };
                    let author = Author { person: batch.person, device: batch.device };
                    let mut results = Vec::with_capacity(batch.ops.len());
                    let mut new_answers: Answers = Vec::new();
                    for op in &batch.ops {
                        let device_seq = i64::try_from(op.device_seq).unwrap_or(i64::MAX);
                        if device_seq <= through {
                            results.push(Self::replay_answer(&mut tx, &group, op).await?);
                            continue;
                        }
                        through = device_seq;
                        let (hlc, clamped) = op.hlc.clamped(now_ms);
                        if clamped {
                            tracing::warn!(device = %op.device_id, op = %op.id, claimed = op.hlc.millis(), "a device's clock is far ahead; its reading was clamped");
                        }
                        let outcome = match &op.body {
                            OpBody::Annotation(body) => {
                            if !annotations.contains_key(&body.annotation_id) {
                                let loaded = Self::load_annotation(&mut tx, body.annotation_id).await?;
                                annotations.insert(body.annotation_id, loaded);
                            }
                            let existing = annotations.get(&body.annotation_id).cloned().flatten();
                            let access = match (&existing, body.document) {
                                (None, Some(document)) => Some(match access_seen.get(&(document, batch.person)) {
                                    Some(known) => *known,
                                    None => {
                                        let found = Self::document_access(&mut tx, organisation, document, batch.person, batch.secretary).await?;
                                        access_seen.insert((document, batch.person), found);
                                        found
                                    }
                                }),
                                _ => None,
                            };
                            let decided = decide_annotation(existing.as_ref(), op.id, hlc, author, body, access);
                            match decided {
                                Err(Rejection { code, reason }) => OpResult::Rejected { code: code.into(), reason },
                                Ok(decision) => {
                                    if let (Some(before), Some(_)) = (&existing, decision.audience_changed_from) {
                                        Self::flush(&mut tx, organisation, &mut pending).await?;
                                        Self::reroute(&mut tx, organisation, &mut seq, before, &decision.record).await?;
                                    }

                                    let routing = decision.record.routing();
                                    let audience = match audiences.get(&routing) {
                                        Some(known) => *known,
                                        None => {
                                            let found = Self::audience_of(&mut tx, routing).await?;
                                            audiences.insert(routing, found);
                                            found
                                        }
                                    };
                                    seq += 1;
                                    let at = seq;
                                    let payload = encode_accepted(batch.person, op, hlc)?;
                                    pending.push_op(at, body.annotation_id.0, payload, audience);
                                    // Every touched annotation's row learns where its new op is.
                                    let touched = pending.annotations.entry(body.annotation_id).or_insert_with(|| (decision.record.clone(), String::new()));
                                    touched.0 = decision.record.clone();
                                    touched.1.push_str(&format!("{at},"));
                                    annotations.insert(body.annotation_id, Some(decision.record));
                                    OpResult::Accepted { seq: at, hlc }
                                }
                            }
                            }
                            OpBody::OpinionDraft(body) => {
                                // Only its author's devices receive a draft; the server checks
                                // that the request exists and the author may answer it.
                                let row: Option<(String,)> = sqlx::query_as("SELECT body FROM opinion_requests WHERE id = $1 AND organisation_id = $2")
                                    .bind(body.request_id.0)
                                    .bind(organisation)
                                    .fetch_optional(&mut *tx)
                                    .await?;
                                let request: Option<ecabinet_domain::opinions::OpinionRequest> = row
                                    .map(|(text,)| serde_json::from_str(&text))
                                    .transpose()
                                    .map_err(|e| StoreError::Corrupt(format!("opinion request: {e}")))?;
                                let may_answer = request.is_some_and(|r| r.recipients.iter().any(|m| r.answers_for(batch.person, *m)));
                                if may_answer {
                                    let mut kept = op.clone();
                                    kept.hlc = hlc;
                                    let payload = wire::encode(&AcceptedOp { author: batch.person, op: kept })
                                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                                    let at = Self::append_routed(&mut tx, organisation, &mut seq, body.request_id.0, "op", "", Some(&payload), (None, Some(batch.person.0), false)).await?;
                                    OpResult::Accepted { seq: at, hlc }
                                } else {
                                    OpResult::Rejected { code: "not_asked".into(), reason: "you were not asked for an opinion on this request".into() }
                                }
                            }
                            OpBody::Command(_) => OpResult::Rejected {
                                // Services::push carries commands out itself; never stored here.
                                code: "not_stored_here".into(),
                                reason: "the server could not carry out this command; send it again".into(),
                            },
                            OpBody::Opinion(body) => {
                                Self::apply_opinion(&mut tx, organisation, &mut seq, batch, op.device_id, hlc, body, now).await?
                            }
                            OpBody::Position(body) => {
                                Self::apply_position(&mut tx, organisation, &mut seq, batch, op.id, op.device_id, hlc, body, now).await?
                            }
                            OpBody::Ballot(body) => {
                                if !motions.contains_key(&body.motion_id) {
                                    // Updating the row locks it: a ballot and the motion's closing cannot interleave.
                                    let row: Option<(String,)> = sqlx::query_as("UPDATE motions SET body = body WHERE id = $1 AND organisation_id = $2 RETURNING body")
                                        .bind(body.motion_id.0)
                                        .bind(organisation)
                                        .fetch_optional(&mut *tx)
                                        .await?;
                                    let motion = row
                                        .map(|(text,)| serde_json::from_str::<Motion>(&text))
                                        .transpose()
                                        .map_err(|e| StoreError::Corrupt(format!("motion: {e}")))?;
                                    motions.insert(body.motion_id, motion);
                                }
                                let motion = motions.get(&body.motion_id).cloned().flatten();
                                let presence = match &motion {
                                    Some(m) => match presences.get(&(m.meeting_id, batch.person)) {
                                        Some(known) => known.clone(),
                                        None => {
                                            let row: Option<(String,)> = sqlx::query_as("SELECT presence FROM attendance WHERE meeting_id = $1 AND person_id = $2")
                                                .bind(m.meeting_id.0)
                                                .bind(batch.person.0)
                                                .fetch_optional(&mut *tx)
                                                .await?;
                                            let found = row
                                                .map(|(text,)| serde_json::from_str::<Presence>(&text))
                                                .transpose()
                                                .map_err(|e| StoreError::Corrupt(format!("attendance: {e}")))?;
                                            presences.insert((m.meeting_id, batch.person), found.clone());
                                            found
                                        }
                                    },
                                    None => None,
                                };
                                let may_read = match &motion {
                                    Some(m) => match readers.get(&(m.agenda_item_id, batch.person)) {
                                        Some(known) => *known,
                                        None => Self::may_read_item(&mut tx, m.agenda_item_id, batch.person).await?,
                                    },
                                    None => true,
                                };
                                // A ballot the room's hub took and handed back is held
                                // already: its voter's device sending it now is a replay.
                                let held: Option<(i64,)> = match held.get(&(body.motion_id, body.signature.0.clone())) {
                                    Some(known) => known.map(|seq| (seq,)),
                                    None => sqlx::query_as("SELECT seq FROM ballots WHERE motion_id = $1 AND signature = $2")
                                        .bind(body.motion_id.0)
                                        .bind(body.signature.0.clone())
                                        .fetch_optional(&mut *tx)
                                        .await?,
                                };
                                let takes_part = match &motion {
                                    Some(m) => match invited.get(&(m.meeting_id, batch.person)) {
                                        Some(known) => *known,
                                        None => {
                                            let row: Option<(String,)> = sqlx::query_as("SELECT details FROM meetings WHERE id = $1")
                                                .bind(m.meeting_id.0)
                                                .fetch_optional(&mut *tx)
                                                .await?;
                                            let details = row
                                                .map(|(text,)| serde_json::from_str::<ecabinet_domain::MeetingDetails>(&text))
                                                .transpose()
                                                .map_err(|e| StoreError::Corrupt(format!("meeting details: {e}")))?;
                                            let answer = details.is_some_and(|d| d.invites(batch.person));
                                            invited.insert((m.meeting_id, batch.person), answer);
                                            answer
                                        }
                                    },
                                    None => true,
                                };
                                let decided = if held.is_some() {
                                    Ok(())
                                } else if !takes_part && !batch.secretary {
                                    Err(Rejection { code: "forbidden", reason: "you are not invited to this meeting".into() })
                                } else if may_read {
                                    decide_ballot(motion.as_ref(), batch.person, !batch.secretary, body, presence.as_ref(), now)
                                } else {
                                    Err(Rejection { code: "forbidden", reason: "this item is restricted to named members".into() })
                                };
                                match (decided, motion) {
                                    (Err(Rejection { code, reason }), _) => OpResult::Rejected { code: code.into(), reason },
                                    (Ok(()), None) => OpResult::Rejected {
                                        code: "unknown_motion".into(),
                                        reason: "this vote does not exist".into(),
                                    },
                                    (Ok(()), Some(_)) if held.is_some() => OpResult::Accepted {
                                        seq: held.map_or(0, |(seq,)| seq),
                                        hlc,
                                    },
                                    (Ok(()), Some(motion)) => {
                                        seq += 1;
                                        let at = seq;
                                        let ballot = Ballot {
                                            motion_id: body.motion_id,
                                            voter: batch.person,
                                            choice: body.choice.clone(),
                                            device_id: op.device_id,
                                            cast_at: body.cast_at,
                                            nonce: body.nonce.clone(),
                                            signature: body.signature.clone(),
                                        };
                                        let receipt = receipts(&receipt_message(&ecabinet_crypto::sha256(&ballot.signed_bytes()), at, now));
                                        let counted = CountedBallot { ballot, seq: at, accepted_at: now, receipt: ecabinet_domain::ops::Bytes(receipt.to_vec()) };
                                        let own = json(&ChangeBody::Ballot(counted.clone()))?;
                                        pending.changes.push(ChangeRow::change(at, "ballot", body.motion_id.0, own, (None, Some(batch.person.0), false)));
                                        pending.ballots.push(counted);
                                        if presence.is_none() {
                                            // A member's first vote in a meeting records them present.
                                            let attendance = Attendance {
                                                meeting_id: motion.meeting_id,
                                                person_id: batch.person,
                                                presence: Presence::Present,
                                                recorded_at: now,
                                            };
                                            seq += 1;
                                            let announced = json(&ChangeBody::Attendance(attendance.clone()))?;
                                            pending.changes.push(ChangeRow::change(seq, "attendance", batch.person.0, announced, (None, None, true)));
                                            pending.attendance.push((attendance, true));
                                            presences.insert((motion.meeting_id, batch.person), Some(Presence::Present));
                                        }
                                        voted.insert(body.motion_id);
                                        OpResult::Accepted { seq: at, hlc }
                                    }
                                }
                            }
                        };
                        new_answers.push((op.device_seq, op.id, outcome.clone()));
                        results.push(outcome);
                    }
                    if let (Some(first), Some(last)) = (new_answers.first(), new_answers.last()) {
                        let encoded = wire::encode(&new_answers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        pending.batches.push((batch.device.0, first.0 as i64, last.0 as i64, encoded));
                        group.entry(batch.device).or_default().push(new_answers);
                    }
                    pushed.insert(batch.device, through);
                    answers.push(results);
                }
                // Whatever arrived meanwhile joins this transaction.
                wave = source.next_wave().await;
                }
                let t2 = t0.elapsed();
                Self::flush(&mut tx, organisation, &mut pending).await?;
                // Progress of each motion voted on: how many have voted, never how.
                for motion_id in &voted {
                    let Some(Some(mut motion)) = motions.remove(motion_id) else { continue };
                    let (voters,): (i64,) = sqlx::query_as("SELECT COUNT(DISTINCT voter) FROM ballots WHERE motion_id = $1")
                        .bind(motion_id.0)
                        .fetch_one(&mut *tx)
                        .await?;
                    motion.votes_cast = u32::try_from(voters).unwrap_or(u32::MAX);
                    let body = json(&ChangeBody::Motion(motion.clone()))?;
                    sqlx::query("UPDATE motions SET body = $1 WHERE id = $2")
                        .bind(serde_json::to_string(&motion).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                        .bind(motion_id.0)
                        .execute(&mut *tx)
                        .await?;
                    let audience = Self::audience_of(&mut tx, Routing::Participants(motion.agenda_item_id)).await?;
                    Self::append_routed(&mut tx, organisation, &mut seq, motion_id.0, "motion", &body, None, audience).await?;
                }
                let t3 = t0.elapsed();
                let moved: Vec<(&DeviceId, &i64)> = pushed.iter().collect();
                for chunk in moved.chunks(BULK_ROWS) {
                    // VALUES columns are column1, column2 in both databases.
                    let mut update = sqlx::QueryBuilder::<$db>::new("UPDATE devices SET pushed_through = v.column2 FROM (");
                    update.push_values(chunk, |mut row, (device, through)| {
                        row.push_bind(device.0).push_bind(**through);
                    });
                    update.push(") AS v WHERE devices.id = v.column1 AND devices.pushed_through < v.column2");
                    update.build().execute(&mut *tx).await?;
                }
                sqlx::query("UPDATE organisations SET last_seq = $1 WHERE id = $2")
                    .bind(seq)
                    .bind(organisation)
                    .execute(&mut *tx)
                    .await?;
                let t4 = t0.elapsed();
                tx.commit().await?;
                tracing::debug!(
                    ops = total_ops, waves,
                    decide = ?t2, flush = ?t3, updates = ?t4, commit = ?t0.elapsed(),
                    "group commit of pushed ops"
                );
                Ok(answers)
            }

            pub(super) async fn person_keys_impl(
                &self,
                person: PersonId,
            ) -> StoreResult<Vec<(PersonKeyId, DeviceId, String)>> {
                let rows: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
                    "SELECT key_id, device_id, envelope FROM person_keys WHERE person_id = $1 ORDER BY key_id, device_id",
                )
                .bind(person.0)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(key, device, envelope)| (PersonKeyId(key), DeviceId(device), envelope))
                    .collect())
            }

            pub(super) async fn add_person_keys_impl(
                &self,
                person: PersonId,
                entries: &[(PersonKeyId, DeviceId, String)],
            ) -> StoreResult<u32> {
                let mut tx = self.pool.begin().await?;
                let mut added = 0;
                for (key, device, envelope) in entries {
                    let done = sqlx::query(
                        "INSERT INTO person_keys (key_id, person_id, device_id, envelope) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    )
                    .bind(key.0)
                    .bind(person.0)
                    .bind(device.0)
                    .bind(envelope)
                    .execute(&mut *tx)
                    .await?;
                    added += done.rows_affected() as u32;
                }
                tx.commit().await?;
                Ok(added)
            }
        }
    };
}

ops_store!(SqliteStore, sqlx::Sqlite);
ops_store!(PostgresStore, sqlx::Postgres);

#[cfg(test)]
mod tests {
    use super::*;
    use ecabinet_domain::ops::{Op, OpBody, PositionOp};
    use ecabinet_domain::positions::Stance;

    fn op(hlc: Hlc) -> Op {
        Op {
            id: OpId::new(),
            device_id: DeviceId(Uuid::now_v7()),
            device_seq: 7,
            hlc,
            body: OpBody::Position(PositionOp {
                agenda_item_id: AgendaItemId(Uuid::now_v7()),
                stance: Stance::NoObjection,
            }),
        }
    }

    #[test]
    fn accepted_ops_are_stored_as_accepted_op_encodes_them(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let author = PersonId(Uuid::now_v7());
        let made = op(Hlc::new(1_000, 3));
        let stored = encode_accepted(author, &made, made.hlc)?;
        let decoded: AcceptedOp = wire::decode(&stored)?;
        assert_eq!(
            decoded,
            AcceptedOp {
                author,
                op: made.clone()
            }
        );
        // A clamped clock is what the server keeps.
        let clamped = Hlc::new(900, 0);
        let decoded: AcceptedOp = wire::decode(&encode_accepted(author, &made, clamped)?)?;
        assert_eq!(decoded.op.hlc, clamped);
        assert_eq!(decoded.op.id, made.id);
        Ok(())
    }

    #[test]
    fn a_run_of_ops_decodes_as_their_list() -> Result<(), Box<dyn std::error::Error>> {
        let author = PersonId(Uuid::now_v7());
        let audience: Audience = (None, Some(author.0), false);
        let ops: Vec<Op> = (0..300).map(|n| op(Hlc::new(1_000 + n, 0))).collect();
        let mut pending = Pending::default();
        for (at, made) in (41..).zip(&ops) {
            pending.push_op(
                at,
                made.body.entity_id(),
                encode_accepted(author, made, made.hlc)?,
                audience,
            );
        }
        // Another audience, or a gap in numbering, starts a new row.
        let other = op(Hlc::new(5_000, 0));
        pending.push_op(
            341,
            other.body.entity_id(),
            encode_accepted(author, &other, other.hlc)?,
            (None, None, true),
        );
        pending.push_op(
            343,
            other.body.entity_id(),
            encode_accepted(author, &other, other.hlc)?,
            (None, None, true),
        );
        assert_eq!(pending.changes.len(), 3);
        let mut run = pending.changes.remove(0);
        assert_eq!((run.seq, run.last), (41, Some(340)));
        let decoded: Vec<AcceptedOp> = wire::decode(&run.take_payload().ok_or("no payload")?)?;
        assert_eq!(decoded.len(), 300);
        assert!(decoded
            .iter()
            .zip(&ops)
            .all(|(d, o)| d.op == *o && d.author == author));
        let mut single = pending.changes.remove(0);
        assert_eq!(single.last, None);
        let decoded: AcceptedOp = wire::decode(&single.take_payload().ok_or("no payload")?)?;
        assert_eq!(decoded.op, other);
        Ok(())
    }

    #[test]
    fn runs_stop_at_their_size_limit() -> Result<(), Box<dyn std::error::Error>> {
        let author = PersonId(Uuid::now_v7());
        let made = op(Hlc::new(1, 0));
        let mut pending = Pending::default();
        for at in 1..=(MAX_RUN_OPS + 5) {
            pending.push_op(
                at,
                made.body.entity_id(),
                encode_accepted(author, &made, made.hlc)?,
                (None, None, true),
            );
        }
        assert_eq!(pending.changes.len(), 2);
        assert_eq!(pending.changes[0].last, Some(MAX_RUN_OPS));
        assert_eq!(
            (pending.changes[1].seq, pending.changes[1].last),
            (MAX_RUN_OPS + 1, Some(MAX_RUN_OPS + 5))
        );
        Ok(())
    }
}
