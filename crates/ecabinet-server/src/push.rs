//! Receiving devices' ops. Each push's signature is checked where it arrives
//! (in parallel); then one writer task stores whatever batches have queued
//! up in a single transaction — group commit — so a burst of pushes costs
//! one fsync, not one each.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::Utc;
use ecabinet_domain::ops::OpResult;
use tokio::sync::{mpsc, oneshot, watch};

use ecabinet_crypto::{b64_encode, sha256, verify_signature};
use ecabinet_domain::api::{
    AddPersonKeysRequest, DeviceKeyEnvelope, PersonKeyEnvelope, PersonKeys, SiblingDevice,
};
use ecabinet_domain::ops::{push_signing_message, OpBody, PushBatch, PushResponse};
use ecabinet_domain::{wire, DeviceId, Role};

use crate::services::{Caller, ServiceError, ServiceResult, Services};
use crate::store::{BatchSource, Store, StoreError, VerifiedBatch};

/// Most ops stored in one transaction; more wait for the next.
const MAX_GROUP_OPS: usize = 20_000;
/// When a push arrives alone, the writer waits this long for others before
/// committing: a burst (everyone reconnecting, a vote closing) then shares
/// one fsync instead of paying two, at the price of a millisecond for a
/// lone push.
const LINGER: std::time::Duration = std::time::Duration::from_millis(1);
/// Batches waiting for the writer before pushers are slowed down.
const QUEUE_DEPTH: usize = 1_024;

type Reply = oneshot::Sender<Result<Vec<OpResult>, String>>;

struct Job {
    batch: VerifiedBatch,
    reply: Reply,
}

/// The single writer of ops.
#[derive(Clone)]
pub struct OpWriter {
    queue: mpsc::Sender<Job>,
    commits: Arc<AtomicU64>,
}

impl std::fmt::Debug for OpWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpWriter")
            .field("commits", &self.commits())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the server could not store the changes: {0}")]
pub struct WriteFailed(pub String);

impl OpWriter {
    /// Starts the writer; `cursor` learns the newest sequence number after each commit.
    pub fn start(
        store: Arc<dyn Store>,
        cursor: Arc<watch::Sender<i64>>,
        server_key: Arc<ecabinet_crypto::SigningKey>,
    ) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE_DEPTH);
        let commits = Arc::new(AtomicU64::new(0));
        tokio::spawn(run(store, jobs, cursor, commits.clone(), server_key));
        Self { queue, commits }
    }

    /// Queues a verified batch and waits for its answers, which come only
    /// after the transaction holding it has committed.
    pub async fn submit(&self, batch: VerifiedBatch) -> Result<Vec<OpResult>, WriteFailed> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job { batch, reply })
            .await
            .map_err(|_| WriteFailed("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| WriteFailed("the writer stopped before answering".into()))?
            .map_err(WriteFailed)
    }

    /// Transactions committed so far: with group commit, far fewer than pushes.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }
}

/// The pushes of one group commit: the first, then whatever is queued each
/// time the store asks, in the order they arrived. Pushes of another
/// organisation wait for the next group.
struct Group<'a> {
    organisation: ecabinet_domain::OrganisationId,
    first: Option<Job>,
    jobs: &'a mut mpsc::Receiver<Job>,
    held: &'a mut std::collections::VecDeque<Job>,
    replies: Vec<Reply>,
    ops: usize,
    lingered: bool,
}

impl Group<'_> {
    fn take(&mut self, job: Job, wave: &mut Vec<VerifiedBatch>) {
        self.ops += job.batch.ops.len();
        self.replies.push(job.reply);
        wave.push(job.batch);
    }

    fn take_queued(&mut self, wave: &mut Vec<VerifiedBatch>) {
        // Pushes held back earlier come before newer ones of the same organisation.
        while self.ops < MAX_GROUP_OPS {
            let Some(at) = self
                .held
                .iter()
                .position(|job| job.batch.organisation == self.organisation)
            else {
                break;
            };
            if let Some(job) = self.held.remove(at) {
                self.take(job, wave);
            }
        }
        while self.ops < MAX_GROUP_OPS {
            match self.jobs.try_recv() {
                Ok(job) if job.batch.organisation == self.organisation => self.take(job, wave),
                Ok(job) => self.held.push_back(job),
                Err(_) => break,
            }
        }
    }
}

#[async_trait::async_trait]
impl BatchSource for Group<'_> {
    async fn next_wave(&mut self) -> Vec<VerifiedBatch> {
        let mut wave = Vec::new();
        if let Some(job) = self.first.take() {
            self.take(job, &mut wave);
        }
        self.take_queued(&mut wave);
        if wave.is_empty() && self.replies.len() == 1 && !self.lingered {
            // A push alone: wait a moment for others (a vote closing, everyone
            // reconnecting) so they share this fsync.
            self.lingered = true;
            tokio::time::sleep(LINGER).await;
            self.take_queued(&mut wave);
        }
        wave
    }
}

async fn run(
    store: Arc<dyn Store>,
    mut jobs: mpsc::Receiver<Job>,
    cursor: Arc<watch::Sender<i64>>,
    commits: Arc<AtomicU64>,
    server_key: Arc<ecabinet_crypto::SigningKey>,
) {
    let receipts = move |message: &[u8]| server_key.sign(message);
    let mut held = std::collections::VecDeque::new();
    loop {
        let first = match held.pop_front() {
            Some(job) => job,
            None => match jobs.recv().await {
                Some(job) => job,
                None => return,
            },
        };
        let mut group = Group {
            organisation: first.batch.organisation,
            first: Some(first),
            jobs: &mut jobs,
            held: &mut held,
            replies: Vec::new(),
            ops: 0,
            lingered: false,
        };
        let outcome = store.push_ops(&mut group, Utc::now(), &receipts).await;
        let replies = std::mem::take(&mut group.replies);
        match outcome {
            Ok(answers) => {
                commits.fetch_add(1, Ordering::Relaxed);
                let newest = answers
                    .iter()
                    .flatten()
                    .filter_map(|result| match result {
                        OpResult::Accepted { seq, .. } => Some(*seq),
                        OpResult::Rejected { .. } => None,
                    })
                    .max();
                if let Some(newest) = newest {
                    cursor.send_if_modified(|current| {
                        let newer = newest > *current;
                        if newer {
                            *current = newest;
                        }
                        newer
                    });
                }
                for (reply, answer) in replies.into_iter().zip(answers) {
                    let _ = reply.send(Ok(answer));
                }
            }
            Err(error) => {
                tracing::error!(%error, "storing pushed ops failed");
                for reply in replies {
                    let _ = reply.send(Err(error.to_string()));
                }
            }
        }
    }
}

/// Most ops one push may carry.
pub const MAX_PUSH_OPS: usize = 5_000;
/// Most sealed bytes one op may carry (a long note with ink fits easily).
pub const MAX_OP_BYTES: usize = 256 * 1024;

impl Services {
    /// Checks a packed push (signature, sender, order) and stores it through
    /// the group-commit writer. A malformed or forged push is refused whole,
    /// and nothing of it is stored.
    pub async fn push(&self, caller: &Caller, packed: &[u8]) -> ServiceResult<PushResponse> {
        let batch: PushBatch = wire::unpack(packed).map_err(|e| {
            ServiceError::BadRequest(format!("the pushed changes are malformed: {e}"))
        })?;
        if batch.device_id != caller.device {
            return Err(ServiceError::Forbidden(
                "a device may push only its own changes",
            ));
        }
        let signing_key = self.signing_key(caller.device).await?;
        let message = push_signing_message(caller.device, &sha256(&batch.ops.0));
        verify_signature(&signing_key, &message, &batch.signature.0)
            .map_err(|_| ServiceError::BadSignature)?;
        let ops = wire::decode_ops(&batch.ops.0, caller.device).map_err(|e| {
            ServiceError::BadRequest(format!("the pushed changes are malformed: {e}"))
        })?;
        if ops.len() > MAX_PUSH_OPS {
            return Err(ServiceError::BadRequest(format!(
                "at most {MAX_PUSH_OPS} changes per push"
            )));
        }
        let mut previous = 0;
        for op in &ops {
            if op.device_seq <= previous || op.device_seq > i64::MAX as u64 {
                return Err(ServiceError::BadRequest(
                    "changes must be pushed in the order the device made them".into(),
                ));
            }
            previous = op.device_seq;
            let size = match &op.body {
                OpBody::Annotation(body) => {
                    body.sealed.0.len()
                        + body.share_wrap.as_ref().map_or(0, |w| w.0.len())
                        + body.person_wrap.as_ref().map_or(0, |w| w.sealed.0.len())
                }
                OpBody::Ballot(ballot) => {
                    // Each ballot carries its own signature, checked here so a
                    // forged one is refused before anything is stored.
                    let message = ecabinet_domain::voting::ballot_message(
                        ballot.motion_id,
                        ballot.voter,
                        &ballot.choice,
                        caller.device,
                        ballot.cast_at,
                        &ballot.nonce.0,
                    );
                    verify_signature(&signing_key, &message, &ballot.signature.0)
                        .map_err(|_| ServiceError::BadSignature)?;
                    ballot.choice.len() + ballot.nonce.0.len()
                }
                OpBody::Opinion(opinion) => {
                    let response = opinion.response(caller.person.id, caller.device);
                    let message = ecabinet_domain::opinions::response_message(&response);
                    verify_signature(&signing_key, &message, &opinion.signature.0)
                        .map_err(|_| ServiceError::BadSignature)?;
                    opinion.comment.len() + opinion.choice.len()
                }
                OpBody::OpinionDraft(draft) => draft.sealed.0.len() + draft.key.sealed.0.len(),
                OpBody::Command(command) => command.json.len(),
                OpBody::Position(position) => match &position.stance {
                    ecabinet_domain::positions::Stance::Objection { reason } => reason.len(),
                    _ => 0,
                },
            };
            if size > MAX_OP_BYTES {
                return Err(ServiceError::BadRequest(format!(
                    "a change may carry at most {MAX_OP_BYTES} bytes"
                )));
            }
        }
        // While a room's hub may be running a meeting's votes without the
        // server, its ballots wait on the device: the hub hands back the
        // ones it took, and a vote it closed is not the server's to count.
        let mut voted_on: Vec<ecabinet_domain::MotionId> = ops
            .iter()
            .filter_map(|op| match &op.body {
                OpBody::Ballot(ballot) => Some(ballot.motion_id),
                _ => None,
            })
            .collect();
        voted_on.sort_by_key(|m| m.0);
        voted_on.dedup();
        for motion in voted_on {
            if let Some((found, _)) = self.store.motion(motion).await? {
                self.require_server_orders(found.meeting_id).await?;
            }
        }
        // What the audit log will say of each op: its kind (a command's
        // name) and the entity it is about, never its content.
        let described: Vec<(String, String)> =
            ops.iter()
                .map(|op| {
                    let kind = match &op.body {
                        OpBody::Command(command) => {
                            let name = serde_json::from_str::<
                                serde_json::Map<String, serde_json::Value>,
                            >(&command.json)
                            .ok()
                            .and_then(|object| object.keys().next().cloned())
                            .unwrap_or_else(|| "unreadable".into());
                            format!("op command {name}")
                        }
                        body => format!("op {}", body.kind()),
                    };
                    (kind, op.body.entity_id().to_string())
                })
                .collect();
        // Ops go to the group-commit writer; commands, in their place in the
        // device's order, are carried out by the services they name.
        let mut results = Vec::with_capacity(ops.len());
        let mut rest = ops;
        while !rest.is_empty() {
            let stored = rest
                .iter()
                .position(|op| matches!(op.body, OpBody::Command(_)))
                .unwrap_or(rest.len());
            if stored == 0 {
                let command = rest.remove(0);
                results.push(self.carry_out(caller, &command).await?);
                continue;
            }
            let later = rest.split_off(stored);
            let answers = self
                .writer
                .submit(VerifiedBatch {
                    organisation: caller.person.organisation_id,
                    device: caller.device,
                    person: caller.person.id,
                    secretary: caller.person.role == Role::Secretary,
                    ops: rest,
                })
                .await
                .map_err(|e| ServiceError::Unavailable(e.to_string()))?;
            results.extend(answers);
            rest = later;
        }
        for result in &results {
            match result {
                OpResult::Accepted { .. } => {
                    self.metrics.ops_accepted.fetch_add(1, Ordering::Relaxed);
                }
                OpResult::Rejected { code, .. } => self.metrics.op_refused(code),
            }
        }
        // Each op's outcome in the audit log, in one batch with the push's own entry.
        let now = chrono::Utc::now();
        let records = described
            .into_iter()
            .zip(&results)
            .map(|((action, object), result)| {
                self.audit(crate::audit::AuditRecord {
                    at: now,
                    organisation: Some(caller.person.organisation_id),
                    person: Some(caller.person.id),
                    device: Some(caller.device),
                    action,
                    object,
                    outcome: match result {
                        OpResult::Accepted { .. } => "accepted".into(),
                        OpResult::Rejected { code, .. } => format!("rejected {code}"),
                    },
                    request_id: None,
                })
            });
        for recorded in futures::future::join_all(records).await {
            recorded?;
        }
        Ok(PushResponse { results })
    }

    /// A device's signing public key, from memory after the first read.
    pub(crate) async fn signing_key(&self, device: DeviceId) -> ServiceResult<Arc<[u8]>> {
        if let Some(key) = self
            .signing_keys
            .read()
            .ok()
            .and_then(|keys| keys.get(&device).cloned())
        {
            return Ok(key);
        }
        let found = self
            .store
            .device(device)
            .await?
            .ok_or(ServiceError::NotFound("device"))?;
        let key: Arc<[u8]> = found.signing_public_key.into();
        if let Ok(mut keys) = self.signing_keys.write() {
            keys.insert(device, key.clone());
        }
        Ok(key)
    }

    /// The caller's person's wrapped keys and active devices.
    pub async fn person_keys(&self, caller: &Caller) -> ServiceResult<PersonKeys> {
        let envelopes = self
            .store
            .person_keys(caller.person.id)
            .await?
            .into_iter()
            .map(|(key_id, device_id, envelope)| {
                let wrapped: DeviceKeyEnvelope = serde_json::from_str(&envelope)
                    .map_err(|e| StoreError::Corrupt(format!("person key envelope: {e}")))?;
                Ok(PersonKeyEnvelope {
                    key_id,
                    device_id,
                    ephemeral_public: wrapped.ephemeral_public,
                    ciphertext: wrapped.ciphertext,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let devices = self
            .store
            .devices_of(caller.person.id)
            .await?
            .into_iter()
            .filter(|d| d.revoked_at.is_none())
            .map(|d| SiblingDevice {
                device_id: d.id,
                agreement_public_key: b64_encode(&d.agreement_public_key),
            })
            .collect();
        Ok(PersonKeys { envelopes, devices })
    }

    /// Stores person keys wrapped by one of the person's devices for others of
    /// that person's active devices (never for anyone else's).
    pub async fn add_person_keys(
        &self,
        caller: &Caller,
        request: AddPersonKeysRequest,
    ) -> ServiceResult<u32> {
        let own: Vec<DeviceId> = self
            .store
            .devices_of(caller.person.id)
            .await?
            .into_iter()
            .filter(|d| d.revoked_at.is_none())
            .map(|d| d.id)
            .collect();
        let mut entries = Vec::with_capacity(request.envelopes.len());
        for envelope in request.envelopes {
            if !own.contains(&envelope.device_id) {
                return Err(ServiceError::Forbidden(
                    "person keys may be given only to the same person's active devices",
                ));
            }
            let stored = serde_json::to_string(&DeviceKeyEnvelope {
                device_id: envelope.device_id,
                ephemeral_public: envelope.ephemeral_public,
                ciphertext: envelope.ciphertext,
            })
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            entries.push((envelope.key_id, envelope.device_id, stored));
        }
        Ok(self
            .store
            .add_person_keys(caller.person.id, &entries)
            .await?)
    }

    /// Follows the organisation's newest change number: the source of pokes.
    pub fn cursor_updates(&self) -> watch::Receiver<i64> {
        self.cursor.subscribe()
    }

    /// Group commits made so far.
    pub fn op_commits(&self) -> u64 {
        self.writer.commits()
    }
}
