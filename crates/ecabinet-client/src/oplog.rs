//! The replica's op log: the outbox of this device's own ops (written in the
//! same transaction that ticks the clock, so "saved" means on disk) and the
//! ops received from other devices.

use chrono::Utc;
use ecabinet_domain::ops::{Hlc, HlcClock, Op, OpBody, OpResult};
use ecabinet_domain::{wire, AnnotationId, DocumentId, PersonId, PersonKeyId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ClientError, ClientResult};
use crate::replica::Replica;

/// Where one of this device's ops stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpState {
    Pending,
    Accepted,
    Rejected,
    Received,
}

impl OpState {
    fn parse(text: &str) -> Self {
        match text {
            "pending" => OpState::Pending,
            "accepted" => OpState::Accepted,
            "rejected" => OpState::Rejected,
            _ => OpState::Received,
        }
    }
}

#[derive(Clone, Debug)]
pub struct StoredOp {
    pub op: Op,
    pub state: OpState,
    pub author: PersonId,
}

/// A change the server refused, kept so the person sees why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RejectedChange {
    pub op_id: String,
    pub kind: String,
    pub entity_id: String,
    pub code: String,
    pub reason: String,
}

fn decode_op(bytes: &[u8]) -> ClientResult<Op> {
    wire::decode(bytes).map_err(|e| ClientError::CorruptProfile {
        path: "replica".into(),
        detail: format!("a stored change is unreadable: {e}"),
    })
}

fn encode_op(op: &Op) -> ClientResult<Vec<u8>> {
    wire::encode(op).map_err(|e| ClientError::Protocol(e.to_string()))
}

fn now_ms() -> u64 {
    u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0)
}

/// The annotation an op creates and its document, for the annotation index.
fn created_annotation(op: &Op) -> Option<(AnnotationId, DocumentId)> {
    match &op.body {
        ecabinet_domain::ops::OpBody::Annotation(body) => {
            body.document.map(|d| (body.annotation_id, d.id))
        }
        ecabinet_domain::ops::OpBody::Ballot(_)
        | ecabinet_domain::ops::OpBody::Position(_)
        | ecabinet_domain::ops::OpBody::Opinion(_)
        | ecabinet_domain::ops::OpBody::OpinionDraft(_)
        | ecabinet_domain::ops::OpBody::Command(_) => None,
    }
}

/// Inserts a received op (or confirms one of ours), inside a pull's transaction.
pub(crate) async fn store_received(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    op: &Op,
    author: PersonId,
) -> ClientResult<()> {
    let created = created_annotation(op);
    sqlx::query(
        "INSERT INTO ops (op_id, device_id, device_seq, hlc, kind, entity_id, body, state, created_at, author) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'received', $8, $9) \
         ON CONFLICT (op_id) DO UPDATE SET hlc = excluded.hlc, body = excluded.body, \
         state = CASE WHEN ops.state = 'pending' THEN 'accepted' ELSE ops.state END \
         WHERE ops.device_id = excluded.device_id AND ops.author = excluded.author",
    )
    .bind(op.id.0)
    .bind(op.device_id.0)
    .bind(op.device_seq as i64)
    .bind(op.hlc.0 as i64)
    .bind(op.body.kind())
    .bind(op.body.entity_id())
    .bind(encode_op(op)?)
    .bind(Utc::now().to_rfc3339())
    .bind(author.0)
    .execute(&mut **tx)
    .await?;
    if let Some((annotation, document)) = created {
        sqlx::query(
            "INSERT INTO annotation_index (annotation_id, document_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(annotation.0)
        .bind(document.0)
        .execute(&mut **tx)
        .await?;
    }
    // Our clock moves past every reading we see (a reading far ahead is clamped).
    let (last,): (i64,) = sqlx::query_as("SELECT hlc FROM clock WHERE singleton = 1")
        .fetch_one(&mut **tx)
        .await?;
    let mut clock = HlcClock {
        last: Hlc(last as u64),
    };
    if clock.observe(op.hlc, now_ms()) {
        tracing::warn!(op = %op.id, device = %op.device_id, "a change carries a clock reading far in the future; not trusted");
    }
    sqlx::query("UPDATE clock SET hlc = $1 WHERE singleton = 1")
        .bind(clock.last.0 as i64)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Forgets an annotation someone else stopped sharing with us.
pub(crate) async fn forget_annotation(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    annotation: AnnotationId,
    author: PersonId,
    me: PersonId,
) -> ClientResult<()> {
    if author == me {
        return Ok(()); // Our own note: it stays on our devices whoever else loses it.
    }
    sqlx::query("DELETE FROM ops WHERE entity_id = $1")
        .bind(annotation.0)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM annotation_index WHERE annotation_id = $1")
        .bind(annotation.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A refused command was shown in the replica before the server saw it:
/// what it created goes, and the next pull starts over so every row holds
/// the server's state again (rare: the secretariat's own work refused).
async fn undo_shown_command(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    command: &ecabinet_domain::ops::CommandOp,
) -> ClientResult<()> {
    use ecabinet_domain::ops::Command;
    let table = match command.command() {
        Ok(Command::CreateMeeting { .. }) => Some("meetings"),
        Ok(Command::AddAgendaItem { .. }) => Some("agenda_items"),
        Ok(Command::OpenMotion { .. }) => Some("motions"),
        Ok(Command::RequestOpinions { .. }) => Some("opinion_requests"),
        Ok(Command::PublishDocument { .. }) => Some("documents"),
        Ok(Command::Invite { name: Some(_), .. }) => Some("persons"),
        _ => None,
    };
    if let Some(table) = table {
        sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
            .bind(command.entity.to_string())
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("UPDATE sync_state SET cursor = 0 WHERE singleton = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Replica {
    /// Saves a new local op: ticks the clock, numbers the op and writes it to
    /// the outbox in one transaction. When this returns, the change survives
    /// a crash and will be sent.
    pub async fn record_local_op(
        &self,
        author: PersonId,
        make: impl FnOnce(Hlc, u64) -> Op,
    ) -> ClientResult<Op> {
        let mut tx = self.pool.begin().await?;
        // The UPDATE first takes the write lock, so two processes of one
        // profile cannot hand out the same sequence number.
        let (last, seq): (i64, i64) = sqlx::query_as(
            "UPDATE clock SET device_seq = device_seq + 1 WHERE singleton = 1 RETURNING hlc, device_seq",
        )
        .fetch_one(&mut *tx)
        .await?;
        let mut clock = HlcClock {
            last: Hlc(last as u64),
        };
        let hlc = clock.tick(now_ms());
        let op = make(hlc, seq as u64);
        sqlx::query("UPDATE clock SET hlc = $1 WHERE singleton = 1")
            .bind(hlc.0 as i64)
            .execute(&mut *tx)
            .await?;
        let created = created_annotation(&op);
        sqlx::query(
            "INSERT INTO ops (op_id, device_id, device_seq, hlc, kind, entity_id, body, state, created_at, author) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)",
        )
        .bind(op.id.0)
        .bind(op.device_id.0)
        .bind(op.device_seq as i64)
        .bind(op.hlc.0 as i64)
        .bind(local_kind(&op))
        .bind(op.body.entity_id())
        .bind(encode_op(&op)?)
        .bind(Utc::now().to_rfc3339())
        .bind(author.0)
        .execute(&mut *tx)
        .await?;
        if let Some((annotation, document)) = created {
            sqlx::query(
                "INSERT INTO annotation_index (annotation_id, document_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(annotation.0)
            .bind(document.0)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(op)
    }

    /// The oldest ops waiting to be sent, in the order they were made.
    pub async fn outbox(&self, limit: usize) -> ClientResult<Vec<Op>> {
        let rows: Vec<(Vec<u8>,)> = sqlx::query_as(
            "SELECT body FROM ops WHERE state = 'pending' ORDER BY device_seq LIMIT $1",
        )
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|(body,)| decode_op(body)).collect()
    }

    /// This device's ballots on a vote that the server has not refused
    /// (sent or waiting), in the order they were cast.
    pub async fn own_ballot_ops(&self, motion: ecabinet_domain::MotionId) -> ClientResult<Vec<Op>> {
        let rows: Vec<(Vec<u8>,)> = sqlx::query_as(
            "SELECT body FROM ops WHERE kind = 'ballot' AND entity_id = $1 AND state IN ('pending', 'accepted') ORDER BY device_seq",
        )
        .bind(motion.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|(body,)| decode_op(body)).collect()
    }

    pub async fn pending_count(&self) -> ClientResult<u32> {
        // Read receipts travel too, but are nothing the person did: not counted.
        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM ops WHERE state = 'pending' AND kind <> 'receipt'",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(count as u32)
    }

    /// Records the server's answers; an accepted op keeps the clock reading
    /// the server kept, so every device merges with the same stamps.
    pub async fn record_results(&self, results: &[(&Op, OpResult)]) -> ClientResult<()> {
        let mut tx = self.pool.begin().await?;
        for (op, result) in results {
            match result {
                OpResult::Accepted { seq, hlc } => {
                    let mut kept = (*op).clone();
                    kept.hlc = *hlc;
                    sqlx::query(
                        "UPDATE ops SET state = 'accepted', seq = $1, hlc = $2, body = $3 WHERE op_id = $4",
                    )
                    .bind(*seq)
                    .bind(hlc.0 as i64)
                    .bind(encode_op(&kept)?)
                    .bind(op.id.0)
                    .execute(&mut *tx)
                    .await?;
                }
                OpResult::Rejected { code, reason } => {
                    sqlx::query(
                        "UPDATE ops SET state = 'rejected', reject_code = $1, reject_reason = $2 WHERE op_id = $3",
                    )
                    .bind(code)
                    .bind(reason)
                    .bind(op.id.0)
                    .execute(&mut *tx)
                    .await?;
                    if let ecabinet_domain::ops::OpBody::Command(command) = &op.body {
                        undo_shown_command(&mut tx, command).await?;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The server's answer to one of this device's ops, once it has one.
    pub async fn op_outcome(&self, op: ecabinet_domain::OpId) -> ClientResult<Option<OpResult>> {
        type Row = (String, Option<i64>, i64, Option<String>, Option<String>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT state, seq, hlc, reject_code, reject_reason FROM ops WHERE op_id = $1",
        )
        .bind(op.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.and_then(|(state, seq, hlc, code, reason)| match state.as_str() {
                "accepted" => Some(OpResult::Accepted {
                    seq: seq.unwrap_or_default(),
                    hlc: Hlc(hlc as u64),
                }),
                "rejected" => Some(OpResult::Rejected {
                    code: code.unwrap_or_default(),
                    reason: reason.unwrap_or_default(),
                }),
                _ => None,
            }),
        )
    }

    /// Changes the server refused, newest first.
    pub async fn rejected_changes(&self, limit: u32) -> ClientResult<Vec<RejectedChange>> {
        type Row = (Uuid, String, Uuid, Option<String>, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT op_id, kind, entity_id, reject_code, reject_reason FROM ops WHERE state = 'rejected' \
             ORDER BY device_seq DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(op, kind, entity, code, reason)| RejectedChange {
                op_id: op.to_string(),
                kind,
                entity_id: entity.to_string(),
                code: code.unwrap_or_default(),
                reason: reason.unwrap_or_default(),
            })
            .collect())
    }

    /// Every op (not refused) of the annotations on a document, in clock order.
    pub async fn document_ops(&self, document: DocumentId) -> ClientResult<Vec<StoredOp>> {
        let rows: Vec<(Vec<u8>, String, Uuid)> = sqlx::query_as(
            "SELECT o.body, o.state, o.author FROM ops o JOIN annotation_index a ON a.annotation_id = o.entity_id \
             WHERE a.document_id = $1 AND o.state <> 'rejected' ORDER BY o.hlc",
        )
        .bind(document.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(body, state, author)| {
                Ok(StoredOp {
                    op: decode_op(body)?,
                    state: OpState::parse(state),
                    author: PersonId(*author),
                })
            })
            .collect()
    }

    /// This person's drafts of an opinion (any of their devices), oldest first.
    pub async fn opinion_drafts(
        &self,
        request: ecabinet_domain::OpinionRequestId,
    ) -> ClientResult<Vec<Op>> {
        let rows: Vec<(Vec<u8>,)> = sqlx::query_as(
            "SELECT body FROM ops WHERE kind = 'opinion_draft' AND entity_id = $1 AND state <> 'rejected' ORDER BY hlc",
        )
        .bind(request.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|(body,)| decode_op(body)).collect()
    }

    /// The document an annotation is on.
    pub async fn annotation_document(
        &self,
        annotation: AnnotationId,
    ) -> ClientResult<Option<DocumentId>> {
        let row: Option<(Uuid,)> =
            sqlx::query_as("SELECT document_id FROM annotation_index WHERE annotation_id = $1")
                .bind(annotation.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(id,)| DocumentId(id)))
    }

    /// Annotation ids starting with `prefix` (for short ids on the command line).
    pub async fn annotation_ids_with_prefix(
        &self,
        prefix: &str,
    ) -> ClientResult<Vec<AnnotationId>> {
        let rows: Vec<(Uuid,)> = sqlx::query_as("SELECT annotation_id FROM annotation_index")
            .fetch_all(&self.pool)
            .await?;
        let prefix = prefix.trim().to_ascii_lowercase();
        Ok(rows
            .into_iter()
            .map(|(id,)| AnnotationId(id))
            .filter(|id| id.to_string().starts_with(&prefix))
            .collect())
    }

    /// This device's envelopes of its person's keys: (key, envelope JSON, uploaded).
    pub async fn person_keys(&self) -> ClientResult<Vec<(PersonKeyId, String, bool)>> {
        let rows: Vec<(Uuid, String, bool)> =
            sqlx::query_as("SELECT key_id, envelope, uploaded FROM person_keys ORDER BY key_id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(key, envelope, uploaded)| (PersonKeyId(key), envelope, uploaded))
            .collect())
    }

    pub async fn put_person_key(
        &self,
        key: PersonKeyId,
        envelope: &str,
        uploaded: bool,
    ) -> ClientResult<()> {
        sqlx::query(
            "INSERT INTO person_keys (key_id, envelope, uploaded) VALUES ($1, $2, $3) \
             ON CONFLICT (key_id) DO UPDATE SET uploaded = person_keys.uploaded OR excluded.uploaded",
        )
        .bind(key.0)
        .bind(envelope)
        .bind(uploaded)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// The op's kind as the local log files it: a read receipt apart from the
/// person's own commands.
fn local_kind(op: &Op) -> &'static str {
    if is_receipt(op) {
        "receipt"
    } else {
        op.body.kind()
    }
}

/// Whether the op is a read receipt (`DocumentOpened`).
pub(crate) fn is_receipt(op: &Op) -> bool {
    matches!(&op.body, OpBody::Command(command) if matches!(
        command.command(),
        Ok(ecabinet_domain::ops::Command::DocumentOpened { .. })
    ))
}
