//! The audit log's rows: appended in batches under the head row's lock
//! (one order for the chain across every instance), read in order.

use chrono::{DateTime, Utc};
use ecabinet_domain::{DeviceId, OrganisationId, PersonId};
use uuid::Uuid;

use super::sql::{PostgresStore, SqliteStore};
use super::StoreResult;
use crate::audit::{
    checkpoint_message, entry_hash, hex, AuditRecord, Checkpoint, StoredEntry, CHECKPOINT_AGE,
    CHECKPOINT_ENTRIES,
};

/// Rows of `audit_log` as read.
type EntryRow = (
    i64,
    DateTime<Utc>,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    String,
    String,
    String,
    Option<String>,
    Vec<u8>,
    Vec<u8>,
);

fn entry_from(row: EntryRow) -> StoredEntry {
    let (
        seq,
        at,
        organisation,
        person,
        device,
        action,
        object,
        outcome,
        request_id,
        prev_hash,
        hash,
    ) = row;
    StoredEntry {
        seq,
        record: AuditRecord {
            at,
            organisation: organisation.map(OrganisationId),
            person: person.map(PersonId),
            device: device.map(DeviceId),
            action,
            object,
            outcome,
            request_id,
        },
        prev_hash,
        hash,
    }
}

const ENTRY_COLUMNS: &str =
    "seq, at, organisation_id, person_id, device_id, action, object, outcome, request_id, prev_hash, hash";

/// What a listing asks for.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub organisation: Option<OrganisationId>,
    pub person: Option<PersonId>,
    pub device: Option<DeviceId>,
    pub since: Option<DateTime<Utc>>,
    pub after: i64,
    pub limit: i64,
}

macro_rules! audit_store {
    ($store:ident, $db:ty) => {
        impl $store {
            pub(super) async fn append_audit_impl(
                &self,
                records: &[AuditRecord],
                server_key: &ecabinet_crypto::SigningKey,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                if records.is_empty() {
                    return Ok(());
                }
                let mut tx = self.pool.begin().await?;
                // The head's row is the lock: one chain, one order.
                let (mut seq, mut prev, checkpoint_seq, checkpoint_at): (i64, Vec<u8>, i64, Option<DateTime<Utc>>) =
                    sqlx::query_as("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash, checkpoint_seq, checkpoint_at")
                        .fetch_one(&mut *tx)
                        .await?;
                for record in records {
                    seq += 1;
                    let hash = entry_hash(&prev, seq, record).to_vec();
                    sqlx::query(
                        "INSERT INTO audit_log (seq, at, organisation_id, person_id, device_id, action, object, outcome, request_id, prev_hash, hash) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    )
                    .bind(seq)
                    .bind(record.at)
                    .bind(record.organisation.map(|o| o.0))
                    .bind(record.person.map(|p| p.0))
                    .bind(record.device.map(|d| d.0))
                    .bind(&record.action)
                    .bind(&record.object)
                    .bind(&record.outcome)
                    .bind(&record.request_id)
                    .bind(&prev)
                    .bind(&hash)
                    .execute(&mut *tx)
                    .await?;
                    prev = hash;
                }
                let due = seq - checkpoint_seq >= CHECKPOINT_ENTRIES
                    || checkpoint_at.is_none_or(|at| now - at >= CHECKPOINT_AGE);
                let (checkpoint_seq, checkpoint_at) = if due {
                    let signature = server_key.sign(&checkpoint_message(seq, &prev, now)).to_vec();
                    sqlx::query("INSERT INTO audit_checkpoints (seq, hash, at, signature) VALUES ($1, $2, $3, $4)")
                        .bind(seq)
                        .bind(&prev)
                        .bind(now)
                        .bind(signature)
                        .execute(&mut *tx)
                        .await?;
                    (seq, Some(now))
                } else {
                    (checkpoint_seq, checkpoint_at)
                };
                sqlx::query("UPDATE audit_head SET seq = $1, hash = $2, checkpoint_seq = $3, checkpoint_at = $4 WHERE id = 1")
                    .bind(seq)
                    .bind(&prev)
                    .bind(checkpoint_seq)
                    .bind(checkpoint_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(super) async fn audit_entries_impl(&self, filter: &AuditFilter) -> StoreResult<Vec<StoredEntry>> {
                // Times are compared in Rust (SQLite keeps them as text), so
                // rows before `since` are dropped after reading: read on until
                // the page is full or the log ends, or a short page would
                // look like the last one to a reader paging by `seq`.
                let mut found = Vec::new();
                let mut after = filter.after;
                loop {
                    let mut select = sqlx::QueryBuilder::<$db>::new(format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > "));
                    select.push_bind(after);
                    if let Some(organisation) = filter.organisation {
                        select.push(" AND organisation_id = ").push_bind(organisation.0);
                    }
                    if let Some(person) = filter.person {
                        select.push(" AND person_id = ").push_bind(person.0);
                    }
                    if let Some(device) = filter.device {
                        select.push(" AND device_id = ").push_bind(device.0);
                    }
                    let wanted = filter.limit - found.len() as i64;
                    select.push(" ORDER BY seq LIMIT ").push_bind(wanted);
                    let rows: Vec<EntryRow> = select.build_query_as().fetch_all(&self.pool).await?;
                    let exhausted = (rows.len() as i64) < wanted;
                    if let Some(last) = rows.last() {
                        after = last.0;
                    }
                    found.extend(
                        rows.into_iter()
                            .map(entry_from)
                            .filter(|e| filter.since.is_none_or(|since| e.record.at >= since)),
                    );
                    if exhausted || found.len() as i64 >= filter.limit {
                        return Ok(found);
                    }
                }
            }

            pub(super) async fn record_document_open_impl(
                &self,
                document: ecabinet_domain::DocumentId,
                version: u32,
                device: DeviceId,
                person: PersonId,
                opened_at: DateTime<Utc>,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                // The first report counts; a replay or a second device's copy changes nothing.
                sqlx::query(
                    "INSERT INTO document_opens (document_id, version, device_id, person_id, opened_at, reported_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(document.0)
                .bind(i64::from(version))
                .bind(device.0)
                .bind(person.0)
                .bind(opened_at)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            pub(super) async fn document_readers_impl(
                &self,
                document: ecabinet_domain::DocumentId,
                version: u32,
            ) -> StoreResult<Vec<ecabinet_domain::api::DocumentReader>> {
                let rows: Vec<(Uuid, String, Uuid, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT o.person_id, p.name, o.device_id, o.opened_at, o.reported_at FROM document_opens o \
                     JOIN persons p ON p.id = o.person_id WHERE o.document_id = $1 AND o.version = $2",
                )
                .bind(document.0)
                .bind(i64::from(version))
                .fetch_all(&self.pool)
                .await?;
                let mut readers: Vec<_> = rows
                    .into_iter()
                    .map(|(person, name, device, opened_at, reported_at)| ecabinet_domain::api::DocumentReader {
                        person_id: PersonId(person),
                        person_name: name,
                        device_id: DeviceId(device),
                        opened_at,
                        reported_at,
                    })
                    .collect();
                readers.sort_by_key(|r| r.opened_at);
                Ok(readers)
            }

            pub(super) async fn audit_checkpoints_impl(&self) -> StoreResult<Vec<Checkpoint>> {
                let rows: Vec<(i64, Vec<u8>, DateTime<Utc>, Vec<u8>)> =
                    sqlx::query_as("SELECT seq, hash, at, signature FROM audit_checkpoints ORDER BY seq")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(seq, hash, at, signature)| Checkpoint {
                        seq,
                        hash: hex(&hash),
                        at,
                        signature: hex(&signature),
                    })
                    .collect())
            }
        }
    };
}

audit_store!(SqliteStore, sqlx::Sqlite);
audit_store!(PostgresStore, sqlx::Postgres);
