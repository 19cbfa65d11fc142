//! Storing pushed ops: one transaction for a whole group of batches (group
//! commit: one fsync for many devices' pushes), rules from [`crate::op_rules`],
//! answers remembered per op so a re-push gets the same answer.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ecabinet_domain::ops::{DocumentRef, Hlc, OpBody, OpResult, ShareScope};
use ecabinet_domain::{
    AcceptedOp, AgendaItemId, AnnotationHidden, AnnotationId, ChangeBody, DeviceId, DocumentId,
    OpId, PersonId, PersonKeyId,
};
use uuid::Uuid;

use super::sql::{PostgresStore, SqliteStore};
use super::{StoreError, StoreResult, VerifiedBatch};
use crate::op_rules::{
    decide_annotation, AnnotationRecord, Author, DocumentAccess, Rejection, Routing,
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

/// An `ops` row: op, device, entity, and seq + hlc or refusal code + reason.
type OpRow = (
    Uuid,
    Uuid,
    Uuid,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// Rows written in bulk: one multi-row INSERT per thousand rows instead of a
/// statement per op, which is most of the cost of a group commit.
#[derive(Default)]
struct Pending {
    changes: Vec<(i64, Uuid, String, Audience)>,
    ops: Vec<OpRow>,
}

/// Rows per multi-row INSERT: 8 parameters each stays far below both
/// databases' limits on bound parameters.
const BULK_ROWS: usize = 1_000;

macro_rules! ops_store {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Appends one change with an explicit audience, numbering it from `seq`.
            async fn append_routed(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                seq: &mut i64,
                entity: Uuid,
                kind: &str,
                body: &str,
                audience: Audience,
            ) -> StoreResult<i64> {
                *seq += 1;
                sqlx::query(
                    "INSERT INTO changes (organisation_id, seq, kind, entity_id, body, audience, audience_person, audience_secretariat) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(organisation)
                .bind(*seq)
                .bind(kind)
                .bind(entity)
                .bind(body)
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

            async fn document_access(
                tx: &mut sqlx::Transaction<'_, $db>,
                document: DocumentRef,
                person: PersonId,
                secretary: bool,
            ) -> StoreResult<DocumentAccess> {
                let row: Option<(Uuid, bool)> = sqlx::query_as(
                    "SELECT d.agenda_item_id, a.restricted FROM documents d JOIN agenda_items a ON a.id = d.agenda_item_id \
                     WHERE d.id = $1 AND d.version = $2",
                )
                .bind(document.id.0)
                .bind(i64::from(document.version))
                .fetch_optional(&mut **tx)
                .await?;
                let Some((item, restricted)) = row else {
                    return Ok(DocumentAccess::Missing);
                };
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

            async fn replay_answer(
                tx: &mut sqlx::Transaction<'_, $db>,
                op: OpId,
            ) -> StoreResult<OpResult> {
                let row: Option<(Option<i64>, Option<i64>, Option<String>, Option<String>)> =
                    sqlx::query_as("SELECT seq, hlc, reject_code, reject_reason FROM ops WHERE op_id = $1")
                        .bind(op.0)
                        .fetch_optional(&mut **tx)
                        .await?;
                Ok(match row {
                    Some((Some(seq), Some(hlc), _, _)) => OpResult::Accepted {
                        seq,
                        hlc: Hlc(hlc as u64),
                    },
                    Some((_, _, code, reason)) => OpResult::Rejected {
                        code: code.unwrap_or_else(|| "rejected".into()),
                        reason: reason.unwrap_or_default(),
                    },
                    None => OpResult::Rejected {
                        code: "stale_sequence".into(),
                        reason: "this device already sent a later change; this one was never received".into(),
                    },
                })
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

            async fn save_annotation(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                record: &AnnotationRecord,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO annotations (id, organisation_id, document_id, document_version, author, share, share_hlc, share_device, share_op) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (id) DO UPDATE SET share = excluded.share, share_hlc = excluded.share_hlc, \
                     share_device = excluded.share_device, share_op = excluded.share_op",
                )
                .bind(record.id.0)
                .bind(organisation)
                .bind(record.document.id.0)
                .bind(i64::from(record.document.version))
                .bind(record.author.0)
                .bind(record.share.as_str())
                .bind(record.share_stamp.0 .0 as i64)
                .bind(record.share_stamp.1 .0)
                .bind(record.share_stamp.2 .0)
                .execute(&mut **tx)
                .await?;
                Ok(())
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
                    Self::append_routed(tx, organisation, seq, after.id.0, "annotation_hidden", &hidden, audience).await?;
                }
                if after.share != ShareScope::Private {
                    let earlier: Vec<(String,)> = sqlx::query_as(
                        "SELECT c.body FROM ops o JOIN changes c ON c.organisation_id = o.organisation_id AND c.seq = o.seq \
                         WHERE o.entity_id = $1 AND o.seq IS NOT NULL ORDER BY o.seq",
                    )
                    .bind(after.id.0)
                    .fetch_all(&mut **tx)
                    .await?;
                    let audience = Self::audience_of(tx, after.routing()).await?;
                    for (body,) in earlier {
                        Self::append_routed(tx, organisation, seq, after.id.0, "op", &body, audience).await?;
                    }
                }
                Ok(())
            }

            async fn flush(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: Uuid,
                pending: &mut Pending,
            ) -> StoreResult<()> {
                for chunk in pending.changes.chunks(BULK_ROWS) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO changes (organisation_id, seq, kind, entity_id, body, audience, audience_person, audience_secretariat) ",
                    );
                    insert.push_values(chunk, |mut row, (seq, entity, body, audience)| {
                        row.push_bind(organisation)
                            .push_bind(*seq)
                            .push_bind("op")
                            .push_bind(*entity)
                            .push_bind(body.clone())
                            .push_bind(audience.0)
                            .push_bind(audience.1)
                            .push_bind(audience.2);
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                for chunk in pending.ops.chunks(BULK_ROWS) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO ops (op_id, organisation_id, device_id, entity_id, seq, hlc, reject_code, reject_reason) ",
                    );
                    insert.push_values(chunk, |mut row, (op, device, entity, seq, hlc, code, reason)| {
                        row.push_bind(*op)
                            .push_bind(organisation)
                            .push_bind(*device)
                            .push_bind(*entity)
                            .push_bind(*seq)
                            .push_bind(*hlc)
                            .push_bind(code.clone())
                            .push_bind(reason.clone());
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                pending.changes.clear();
                pending.ops.clear();
                Ok(())
            }

            pub(super) async fn push_ops_impl(
                &self,
                batches: &[VerifiedBatch],
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<Vec<OpResult>>> {
                let Some(first) = batches.first() else {
                    return Ok(Vec::new());
                };
                let organisation = first.organisation.0;
                if batches.iter().any(|b| b.organisation.0 != organisation) {
                    return Err(StoreError::Config("one group commit serves one organisation".into()));
                }
                let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
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
                // Every annotation the group touches, read in a few queries.
                let mut wanted: Vec<Uuid> = batches
                    .iter()
                    .flat_map(|b| b.ops.iter().map(|op| op.body.entity_id()))
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
                let mut answers = Vec::with_capacity(batches.len());
                for batch in batches {
                    let mut through = match pushed.get(&batch.device) {
                        Some(through) => *through,
                        None => {
                            let (through,): (i64,) = sqlx::query_as("SELECT pushed_through FROM devices WHERE id = $1")
                                .bind(batch.device.0)
                                .fetch_one(&mut *tx)
                                .await?;
                            through
                        }
                    };
                    let author = Author { person: batch.person, device: batch.device };
                    let mut results = Vec::with_capacity(batch.ops.len());
                    for op in &batch.ops {
                        let device_seq = i64::try_from(op.device_seq).unwrap_or(i64::MAX);
                        if device_seq <= through {
                            Self::flush(&mut tx, organisation, &mut pending).await?;
                            results.push(Self::replay_answer(&mut tx, op.id).await?);
                            continue;
                        }
                        through = device_seq;
                        let (hlc, clamped) = op.hlc.clamped(now_ms);
                        if clamped {
                            tracing::warn!(device = %op.device_id, op = %op.id, claimed = op.hlc.millis(), "a device's clock is far ahead; its reading was clamped");
                        }
                        let OpBody::Annotation(body) = &op.body;
                        if !annotations.contains_key(&body.annotation_id) {
                            let loaded = Self::load_annotation(&mut tx, body.annotation_id).await?;
                            annotations.insert(body.annotation_id, loaded);
                        }
                        let existing = annotations.get(&body.annotation_id).cloned().flatten();
                        let access = match (&existing, body.document) {
                            (None, Some(document)) => Some(match access_seen.get(&(document, batch.person)) {
                                Some(known) => *known,
                                None => {
                                    let found = Self::document_access(&mut tx, document, batch.person, batch.secretary).await?;
                                    access_seen.insert((document, batch.person), found);
                                    found
                                }
                            }),
                            _ => None,
                        };
                        let decided = decide_annotation(existing.as_ref(), op.id, hlc, author, body, access);
                        let outcome = match decided {
                            Err(Rejection { code, reason }) => OpResult::Rejected { code: code.into(), reason },
                            Ok(decision) => {
                                if let (Some(before), Some(_)) = (&existing, decision.audience_changed_from) {
                                    Self::flush(&mut tx, organisation, &mut pending).await?;
                                    Self::reroute(&mut tx, organisation, &mut seq, before, &decision.record).await?;
                                }
                                if decision.created || decision.record != *existing.as_ref().unwrap_or(&decision.record) {
                                    Self::save_annotation(&mut tx, organisation, &decision.record).await?;
                                }
                                let mut kept = op.clone();
                                kept.hlc = hlc;
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
                                pending.changes.push((at, body.annotation_id.0, json(&ChangeBody::Op(AcceptedOp { author: batch.person, op: kept }))?, audience));
                                annotations.insert(body.annotation_id, Some(decision.record));
                                OpResult::Accepted { seq: at, hlc }
                            }
                        };
                        let row = match &outcome {
                            OpResult::Accepted { seq, hlc } => (Some(*seq), Some(hlc.0 as i64), None, None),
                            OpResult::Rejected { code, reason } => (None, None, Some(code.clone()), Some(reason.clone())),
                        };
                        pending.ops.push((op.id.0, op.device_id.0, op.body.entity_id(), row.0, row.1, row.2, row.3));
                        results.push(outcome);
                    }
                    pushed.insert(batch.device, through);
                    answers.push(results);
                }
                Self::flush(&mut tx, organisation, &mut pending).await?;
                for (device, through) in &pushed {
                    sqlx::query("UPDATE devices SET pushed_through = $1 WHERE id = $2 AND pushed_through < $1")
                        .bind(*through)
                        .bind(device.0)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE organisations SET last_seq = $1 WHERE id = $2")
                    .bind(seq)
                    .bind(organisation)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
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
