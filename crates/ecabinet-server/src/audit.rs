//! The audit log: every request that changes state or releases protected
//! data (keys, chunks, exports, the audit itself), and the server's own
//! actions (revocations, backups), appended to a hash chain. Each entry's
//! hash covers the previous entry's hash and its own fields, so a row
//! edited, deleted or moved by hand breaks the chain at that row; every
//! 1,000 entries or 10 minutes the server signs a checkpoint of the chain
//! with its key, and an outside party holding an exported checkpoint
//! detects a rewritten history even if the rewriter re-hashed every row.
//!
//! Entries hold ids, routes and outcomes: never document text, note text or
//! a ballot's choice. Appends are batched (one transaction and one sync for
//! the requests of a few milliseconds) and the answer to a request waits
//! for its entry's commit, so no one is answered for an unrecorded action.

use std::time::Duration;

use chrono::{DateTime, Utc};
use ecabinet_domain::api::AuditEntry;
use ecabinet_domain::{DeviceId, OrganisationId, PersonId};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};

/// A checkpoint is signed after this many entries…
pub const CHECKPOINT_ENTRIES: i64 = 1_000;
/// …or when the last one is older than this and entries came since.
pub const CHECKPOINT_AGE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

const HASH_DOMAIN: &[u8] = b"ecabinet-audit-entry-v1\0";
const CHECKPOINT_DOMAIN: &[u8] = b"ecabinet-audit-checkpoint-v1\0";

/// What happened, before the chain places it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub organisation: Option<OrganisationId>,
    pub person: Option<PersonId>,
    pub device: Option<DeviceId>,
    /// `POST /v1/ops` (the method and the route's template), or a server
    /// action such as `revoke` or `backup`.
    pub action: String,
    /// The request's path (ids only), or what the action was about.
    pub object: String,
    /// `200`, or `403 forbidden` (the status and the error's code).
    pub outcome: String,
    /// The request's `x-request-id`.
    pub request_id: Option<String>,
}

/// An entry as stored: its place in the chain and the hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    pub seq: i64,
    pub record: AuditRecord,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

impl StoredEntry {
    pub fn view(&self) -> AuditEntry {
        AuditEntry {
            seq: self.seq,
            at: self.record.at,
            organisation_id: self.record.organisation,
            person_id: self.record.person,
            device_id: self.record.device,
            action: self.record.action.clone(),
            object: self.record.object.clone(),
            outcome: self.record.outcome.clone(),
            request_id: self.record.request_id.clone(),
            hash: hex(&self.hash),
        }
    }
}

/// The server's signature over the chain as it stood at `seq`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    /// The hash of entry `seq`, hex.
    pub hash: String,
    pub at: DateTime<Utc>,
    /// Ed25519 by the server's key over [`checkpoint_message`], hex.
    pub signature: String,
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn field(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn id_field(out: &mut Vec<u8>, id: Option<uuid::Uuid>) {
    match id {
        Some(id) => {
            out.push(1);
            out.extend_from_slice(id.as_bytes());
        }
        None => out.push(0),
    }
}

/// The entry's hash: SHA-256 over the previous hash, its place and every
/// field, each length-prefixed (no two entries encode alike).
pub fn entry_hash(prev_hash: &[u8], seq: i64, record: &AuditRecord) -> [u8; 32] {
    let mut bytes = Vec::with_capacity(256);
    bytes.extend_from_slice(HASH_DOMAIN);
    field(&mut bytes, prev_hash);
    bytes.extend_from_slice(&seq.to_be_bytes());
    bytes.extend_from_slice(&record.at.timestamp_micros().to_be_bytes());
    id_field(&mut bytes, record.organisation.map(|o| o.0));
    id_field(&mut bytes, record.person.map(|p| p.0));
    id_field(&mut bytes, record.device.map(|d| d.0));
    field(&mut bytes, record.action.as_bytes());
    field(&mut bytes, record.object.as_bytes());
    field(&mut bytes, record.outcome.as_bytes());
    match &record.request_id {
        Some(id) => {
            bytes.push(1);
            field(&mut bytes, id.as_bytes());
        }
        None => bytes.push(0),
    }
    ecabinet_crypto::sha256(&bytes)
}

/// What the server signs for a checkpoint.
pub fn checkpoint_message(seq: i64, hash: &[u8], at: DateTime<Utc>) -> Vec<u8> {
    let mut bytes = CHECKPOINT_DOMAIN.to_vec();
    bytes.extend_from_slice(&seq.to_be_bytes());
    field(&mut bytes, hash);
    bytes.extend_from_slice(&at.timestamp_micros().to_be_bytes());
    bytes
}

/// The first place the chain does not hold, and why.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("the audit log is broken at entry {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// What a verification found when the chain holds.
#[derive(Debug, PartialEq, Eq)]
pub struct ChainSummary {
    pub entries: i64,
    pub checkpoints: usize,
}

/// Re-checks the whole chain (entries in `seq` order from 1) and every
/// checkpoint's place and signature (`server_key`: Ed25519 public key).
pub fn verify_chain(
    entries: &[StoredEntry],
    checkpoints: &[Checkpoint],
    server_key: &[u8],
) -> Result<ChainSummary, ChainBreak> {
    let mut prev = vec![0u8; 32];
    for (index, entry) in entries.iter().enumerate() {
        let expected_seq = index as i64 + 1;
        let broken = |reason: String| ChainBreak {
            seq: expected_seq,
            reason,
        };
        if entry.seq != expected_seq {
            return Err(broken(format!(
                "entry {expected_seq} is missing (the next stored is {})",
                entry.seq
            )));
        }
        if entry.prev_hash != prev {
            return Err(broken(
                "it does not follow the entry before it (removed, moved or rewritten)".into(),
            ));
        }
        if entry_hash(&prev, entry.seq, &entry.record).as_slice() != entry.hash.as_slice() {
            return Err(broken(
                "its fields do not match its hash (edited after it was written)".into(),
            ));
        }
        prev = entry.hash.clone();
    }
    for checkpoint in checkpoints {
        let broken = |reason: &str| ChainBreak {
            seq: checkpoint.seq,
            reason: reason.into(),
        };
        let Some(entry) = usize::try_from(checkpoint.seq - 1)
            .ok()
            .and_then(|i| entries.get(i))
        else {
            return Err(broken("a checkpoint names an entry the log does not have"));
        };
        if hex(&entry.hash) != checkpoint.hash {
            return Err(broken("the signed checkpoint names another hash for it"));
        }
        let signature = unhex(&checkpoint.signature)
            .ok_or_else(|| broken("a checkpoint's signature is not hex"))?;
        let message = checkpoint_message(checkpoint.seq, &entry.hash, checkpoint.at);
        if ecabinet_crypto::verify_signature(server_key, &message, &signature).is_err() {
            return Err(broken("a checkpoint's signature is not the server's"));
        }
    }
    Ok(ChainSummary {
        entries: entries.len() as i64,
        checkpoints: checkpoints.len(),
    })
}

/// Checks the log against checkpoints exported earlier (kept by an outside
/// party): each must name the same hash for its entry as the log does now.
pub fn check_against(
    entries: &[StoredEntry],
    exported: &[Checkpoint],
) -> Result<usize, ChainBreak> {
    for checkpoint in exported {
        let now = usize::try_from(checkpoint.seq - 1)
            .ok()
            .and_then(|i| entries.get(i))
            .map(|e| hex(&e.hash));
        if now.as_deref() != Some(checkpoint.hash.as_str()) {
            return Err(ChainBreak {
                seq: checkpoint.seq,
                reason:
                    "the history up to this entry was rewritten since the checkpoint was exported"
                        .into(),
            });
        }
    }
    Ok(exported.len())
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

type Pending = (AuditRecord, oneshot::Sender<Result<(), String>>);

/// Appends records in batches from a task of its own; [`AuditWriter::record`]
/// returns once the record's batch has committed.
#[derive(Clone, Debug)]
pub struct AuditWriter {
    queue: mpsc::Sender<Pending>,
}

impl AuditWriter {
    pub fn start(
        store: std::sync::Arc<dyn crate::store::Store>,
        server_key: std::sync::Arc<ecabinet_crypto::SigningKey>,
    ) -> Self {
        let (queue, receiver) = mpsc::channel(4_096);
        tokio::spawn(run(store, server_key, receiver));
        Self { queue }
    }

    /// Appends one record; an error means it is not in the log.
    pub async fn record(&self, record: AuditRecord) -> Result<(), String> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((record, reply))
            .await
            .map_err(|_| "the audit writer has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the audit writer has stopped".to_owned())?
    }
}

async fn run(
    store: std::sync::Arc<dyn crate::store::Store>,
    server_key: std::sync::Arc<ecabinet_crypto::SigningKey>,
    mut receiver: mpsc::Receiver<Pending>,
) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        // Whatever else arrived joins this commit.
        while batch.len() < 1_000 {
            match receiver.try_recv() {
                Ok(more) => batch.push(more),
                Err(_) => break,
            }
        }
        let records: Vec<AuditRecord> = batch.iter().map(|(r, _)| r.clone()).collect();
        let mut outcome = store.append_audit(&records, &server_key, Utc::now()).await;
        if outcome.is_err() {
            // One retry after a moment (a busy database), then give up loudly.
            tokio::time::sleep(Duration::from_millis(50)).await;
            outcome = store.append_audit(&records, &server_key, Utc::now()).await;
        }
        let answer = outcome.map_err(|e| {
            tracing::error!(error = %e, entries = records.len(), "the audit log could not be appended to");
            e.to_string()
        });
        for (_, reply) in batch {
            let _ = reply.send(answer.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(action: &str) -> AuditRecord {
        AuditRecord {
            at: DateTime::from_timestamp(1_765_000_000, 0).unwrap_or_default(),
            organisation: None,
            person: Some(PersonId::new()),
            device: None,
            action: action.into(),
            object: "/v1/ops".into(),
            outcome: "200".into(),
            request_id: Some("r".into()),
        }
    }

    fn chain(records: Vec<AuditRecord>) -> Vec<StoredEntry> {
        let mut prev = vec![0u8; 32];
        records
            .into_iter()
            .enumerate()
            .map(|(i, record)| {
                let seq = i as i64 + 1;
                let hash = entry_hash(&prev, seq, &record).to_vec();
                let entry = StoredEntry {
                    seq,
                    record,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                entry
            })
            .collect()
    }

    fn signed(entries: &[StoredEntry], seq: i64, key: &ecabinet_crypto::SigningKey) -> Checkpoint {
        let entry = &entries[(seq - 1) as usize];
        let at = entry.record.at;
        Checkpoint {
            seq,
            hash: hex(&entry.hash),
            at,
            signature: hex(&key.sign(&checkpoint_message(seq, &entry.hash, at))),
        }
    }

    #[test]
    fn an_edited_deleted_or_moved_entry_breaks_the_chain_where_it_is(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let key = ecabinet_crypto::SigningKey::generate()?;
        let public = key.public_key();
        let entries = chain((0..6).map(|i| record(&format!("POST /v1/x{i}"))).collect());
        let checkpoints = vec![signed(&entries, 3, &key)];
        assert_eq!(
            verify_chain(&entries, &checkpoints, &public),
            Ok(ChainSummary {
                entries: 6,
                checkpoints: 1
            })
        );

        let mut edited = entries.clone();
        edited[3].record.outcome = "403 forbidden".into();
        assert_eq!(
            verify_chain(&edited, &[], &public).map_err(|b| b.seq),
            Err(4)
        );

        let mut deleted = entries.clone();
        deleted.remove(2);
        assert_eq!(
            verify_chain(&deleted, &[], &public).map_err(|b| b.seq),
            Err(3)
        );

        // Moved: two entries swap places and numbers.
        let mut moved = entries.clone();
        moved.swap(1, 2);
        moved[1].seq = 2;
        moved[2].seq = 3;
        assert_eq!(
            verify_chain(&moved, &[], &public).map_err(|b| b.seq),
            Err(2)
        );

        // Rewritten from entry 2 on with every hash recomputed: the chain
        // holds on its own, but the signed checkpoint and an exported one
        // catch it.
        let mut records: Vec<AuditRecord> = entries.iter().map(|e| e.record.clone()).collect();
        records[1].action = "GET /v1/nothing".into();
        let rewritten = chain(records);
        assert!(verify_chain(&rewritten, &[], &public).is_ok());
        assert_eq!(
            verify_chain(&rewritten, &checkpoints, &public).map_err(|b| b.seq),
            Err(3)
        );
        assert_eq!(
            check_against(&rewritten, &checkpoints).map_err(|b| b.seq),
            Err(3)
        );
        assert_eq!(check_against(&entries, &checkpoints), Ok(1));

        // A checkpoint signed by another key is not the server's.
        let other = ecabinet_crypto::SigningKey::generate()?;
        assert!(verify_chain(&entries, &[signed(&entries, 3, &other)], &public).is_err());
        Ok(())
    }

    #[test]
    fn every_field_is_in_the_hash() {
        let base = record("POST /v1/ops");
        let prev = [7u8; 32];
        let hash = entry_hash(&prev, 1, &base);
        type Change = Box<dyn Fn(&mut AuditRecord)>;
        let changes: Vec<Change> = vec![
            Box::new(|r| r.at += chrono::TimeDelta::microseconds(1)),
            Box::new(|r| r.organisation = Some(OrganisationId::new())),
            Box::new(|r| r.person = None),
            Box::new(|r| r.device = Some(DeviceId::new())),
            Box::new(|r| r.action.push('x')),
            Box::new(|r| r.object.push('x')),
            Box::new(|r| r.outcome.push('x')),
            Box::new(|r| r.request_id = None),
        ];
        for change in changes {
            let mut changed = base.clone();
            change(&mut changed);
            assert_ne!(entry_hash(&prev, 1, &changed), hash);
        }
        assert_ne!(entry_hash(&prev, 2, &base), hash);
        assert_ne!(entry_hash(&[8u8; 32], 1, &base), hash);
    }
}
