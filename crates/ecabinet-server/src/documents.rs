//! Document services: the secretariat uploads sealed chunks, then publishes
//! the version with its signed manifest and the wrapped keys; members fetch
//! their own wrapped key and the chunks. The server checks everything it can
//! without ever seeing a plaintext byte.

use chrono::Utc;
use ecabinet_crypto::{
    b64_decode, b64_encode, sha256, verify_signature, CHUNK_OVERHEAD, CHUNK_SIZE,
};
use ecabinet_domain::api::{DeviceKeyEnvelope, PendingKey, PublishDocumentRequest, Recipient};
use ecabinet_domain::document::{MAX_DOCUMENT_BYTES, PDF_MEDIA_TYPE};
use ecabinet_domain::{
    validate, AgendaItemId, DeviceId, Document, DocumentId, DocumentManifest, Role,
};
use futures::StreamExt;

use crate::services::{Caller, ServiceError, ServiceResult, Services};

/// The largest chunk body the server accepts.
pub const MAX_CHUNK_BYTES: usize = CHUNK_SIZE + CHUNK_OVERHEAD;

/// Stored chunks read and hashed at once when a version is published.
const CHUNK_CHECKS_AT_ONCE: usize = 4;

impl Services {
    /// The devices a new document's key must be wrapped for (secretariat only):
    /// everyone's for an open item; the listed persons' and the secretariat's
    /// for a restricted one.
    pub async fn recipients(
        &self,
        caller: &Caller,
        item: AgendaItemId,
    ) -> ServiceResult<Vec<Recipient>> {
        caller.require_secretary()?;
        self.store()
            .agenda_item(item)
            .await?
            .filter(|(_, meeting)| meeting.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("agenda item"))?;
        let devices = self.store().allowed_devices(item).await?;
        Ok(devices
            .into_iter()
            .map(|device| Recipient {
                device_id: device.id,
                person_id: device.person_id,
                agreement_public_key: b64_encode(&device.agreement_public_key),
            })
            .collect())
    }

    /// Another organisation's document is not found: its first version
    /// says whose it is (all versions of a document share its item).
    async fn require_not_foreign(
        &self,
        caller: &Caller,
        document: DocumentId,
    ) -> ServiceResult<()> {
        match self.store().document(document, 1).await? {
            Some((_, organisation)) if organisation != caller.person.organisation_id => {
                Err(ServiceError::NotFound("document"))
            }
            _ => Ok(()),
        }
    }

    /// Stores one sealed chunk of a version not yet published. Re-sending a
    /// chunk replaces it, so an interrupted upload resumes where it stopped.
    pub async fn put_chunk(
        &self,
        caller: &Caller,
        document: DocumentId,
        version: u32,
        index: u32,
        bytes: bytes::Bytes,
    ) -> ServiceResult<()> {
        caller.require_secretary()?;
        if bytes.len() > MAX_CHUNK_BYTES || bytes.len() < CHUNK_OVERHEAD {
            return Err(ServiceError::BadRequest(format!(
                "a sealed chunk has between {CHUNK_OVERHEAD} and {MAX_CHUNK_BYTES} bytes; this one has {}",
                bytes.len()
            )));
        }
        self.require_open_for_upload(caller, document, version)
            .await?;
        self.store_received(document, version, index, bytes).await
    }

    /// Chunks may arrive for a version of this organisation's document that
    /// is not published yet: a published version never changes.
    async fn require_open_for_upload(
        &self,
        caller: &Caller,
        document: DocumentId,
        version: u32,
    ) -> ServiceResult<()> {
        self.require_not_foreign(caller, document).await?;
        if self.store().document(document, version).await?.is_some() {
            return Err(ServiceError::Conflict(
                "this document version is already published and cannot change; upload a new version".into(),
            ));
        }
        Ok(())
    }

    /// Stores a chunk received for a version not yet published. On the
    /// embedded database (one serving process, which every upload goes
    /// through) its hash is taken meanwhile and kept, so publishing need
    /// not read the whole version back from the store to check it.
    async fn store_received(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
        chunk: bytes::Bytes,
    ) -> ServiceResult<()> {
        if self.store().backend() != "sqlite" {
            self.blobs
                .put_chunk(document, version, index, chunk)
                .await?;
            return Ok(());
        }
        let hashing = {
            let chunk = chunk.clone();
            tokio::task::spawn_blocking(move || b64_encode(&sha256(&chunk)))
        };
        self.received_chunks.forget(document, version, index);
        self.blobs
            .put_chunk(document, version, index, chunk.clone())
            .await?;
        if let Ok(hashed) = hashing.await {
            self.received_chunks
                .note(document, version, index, hashed, chunk);
        }
        Ok(())
    }

    /// A run of `count` consecutive sealed chunks from `from`, back to back
    /// in one body (secretariat): the session, the checks and the audit
    /// entry are paid once per run, and the chunks are written (each made
    /// durable before the answer) side by side. Every chunk but the last of
    /// a version is full, so the body's length says where each one ends.
    pub async fn put_chunk_run(
        &self,
        caller: &Caller,
        document: DocumentId,
        version: u32,
        from: u32,
        count: u32,
        body: bytes::Bytes,
    ) -> ServiceResult<()> {
        caller.require_secretary()?;
        let chunks = split_chunk_run(&body, count)?;
        let indices = from
            .checked_add(count)
            .map(|end| from..end)
            .ok_or_else(|| ServiceError::BadRequest("the run's indices overflow".into()))?;
        self.require_open_for_upload(caller, document, version)
            .await?;
        futures::future::try_join_all(
            indices
                .zip(chunks)
                .map(|(index, chunk)| self.store_received(document, version, index, chunk)),
        )
        .await?;
        Ok(())
    }

    /// What the server holds of a version being uploaded (secretariat).
    pub async fn upload_state(
        &self,
        caller: &Caller,
        document: DocumentId,
        version: u32,
    ) -> ServiceResult<ecabinet_domain::api::UploadState> {
        caller.require_secretary()?;
        self.require_not_foreign(caller, document).await?;
        if let Some((_, organisation)) = self.store().document(document, version).await? {
            if organisation != caller.person.organisation_id {
                return Err(ServiceError::NotFound("document"));
            }
            return Ok(ecabinet_domain::api::UploadState {
                published: true,
                chunks: Vec::new(),
            });
        }
        let chunks = self
            .blobs
            .stored_chunks(document, version)
            .await?
            .into_iter()
            .map(|(index, bytes)| (index, b64_encode(&sha256(&bytes))))
            .collect();
        Ok(ecabinet_domain::api::UploadState {
            published: false,
            chunks,
        })
    }

    /// Publishes a version: checks the manifest's signature and every chunk
    /// against it, then records the document and the wrapped keys at once.
    pub async fn publish_document(
        &self,
        caller: &Caller,
        request: PublishDocumentRequest,
    ) -> ServiceResult<Document> {
        caller.require_secretary()?;
        let manifest: DocumentManifest = serde_json::from_str(&request.manifest)
            .map_err(|e| ServiceError::BadRequest(format!("the manifest is not valid: {e}")))?;
        if manifest.uploaded_by != caller.device {
            return Err(ServiceError::BadRequest(
                "the manifest names another device as its uploader".into(),
            ));
        }
        let device = self
            .store()
            .device(caller.device)
            .await?
            .ok_or(ServiceError::Unauthenticated("unknown device"))?;
        let signature = b64_decode(&request.signature)
            .map_err(|_| ServiceError::BadRequest("the signature is not base64url".into()))?;
        verify_signature(
            &device.signing_public_key,
            &DocumentManifest::signing_message(&request.manifest),
            &signature,
        )
        .map_err(|_| ServiceError::BadRequest("the manifest's signature does not verify".into()))?;

        let title = validate::title(&manifest.title)?;
        if manifest.media_type != PDF_MEDIA_TYPE {
            return Err(ServiceError::BadRequest(
                "only PDF documents are accepted".into(),
            ));
        }
        if manifest.version == 0
            || manifest.chunk_size as usize != CHUNK_SIZE
            || manifest.chunks.is_empty()
        {
            return Err(ServiceError::BadRequest(
                "the manifest's version or chunking is not valid".into(),
            ));
        }
        if manifest.size > MAX_DOCUMENT_BYTES {
            return Err(ServiceError::BadRequest(format!(
                "documents are limited to {} MiB",
                MAX_DOCUMENT_BYTES >> 20
            )));
        }
        let sealed_total: u64 = manifest.chunks.iter().map(|c| u64::from(c.size)).sum();
        if sealed_total != manifest.size + (manifest.chunks.len() * CHUNK_OVERHEAD) as u64 {
            return Err(ServiceError::BadRequest(
                "the manifest's sizes do not add up".into(),
            ));
        }
        let (item, meeting) = self
            .store()
            .agenda_item(manifest.agenda_item_id)
            .await?
            .filter(|(_, meeting)| meeting.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("agenda item"))?;
        if let Some((published, _)) = self
            .store()
            .document(manifest.document_id, manifest.version)
            .await?
        {
            // The same manifest again is a replayed command: done already.
            if published.manifest == request.manifest {
                return Ok(published);
            }
            return Err(ServiceError::Conflict(
                "this document version is already published".into(),
            ));
        }
        if manifest.version > 1 {
            // A revision follows the previous version of the same document, on the same item.
            match self.store().document(manifest.document_id, manifest.version - 1).await? {
                Some((previous, organisation))
                    if organisation == caller.person.organisation_id && previous.agenda_item_id == item.id => {}
                _ => {
                    return Err(ServiceError::BadRequest(format!(
                        "version {} follows version {} of the same document on the same item, which does not exist",
                        manifest.version,
                        manifest.version - 1
                    )))
                }
            }
        }
        // Every stored chunk against the manifest, a few at a time and hashed
        // off the runtime's threads (100 MB is a noticeable part of a publish).
        let checks: Vec<_> = manifest
            .chunks
            .iter()
            .enumerate()
            .map(|(index, chunk)| {
                let index = index as u32;
                let blobs = self.blobs.clone();
                let (document, version) = (manifest.document_id, manifest.version);
                let (size, expected) = (chunk.size as usize, chunk.sha256.clone());
                let received = self.received_chunks.get(document, version, index);
                async move {
                    if let Some(received) = received {
                        return if received.length == size && received.sha256 == expected {
                            Ok(received.bytes.map(|bytes| (index, bytes)))
                        } else {
                            Err(ServiceError::BadRequest(format!(
                                "chunk {index} on the server does not match the manifest; upload it again"
                            )))
                        };
                    }
                    let stored = blobs
                        .get_chunk(document, version, index)
                        .await?
                        .ok_or_else(|| {
                            ServiceError::BadRequest(format!("chunk {index} has not been uploaded"))
                        })?;
                    let matches = tokio::task::spawn_blocking(move || {
                        stored.len() == size && b64_encode(&sha256(&stored)) == expected
                    })
                    .await
                    .map_err(|e| ServiceError::Unavailable(e.to_string()))?;
                    if matches {
                        Ok(None)
                    } else {
                        Err(ServiceError::BadRequest(format!(
                            "chunk {index} on the server does not match the manifest; upload it again"
                        )))
                    }
                }
            })
            .collect();
        let mut checks = futures::stream::iter(checks).buffer_unordered(CHUNK_CHECKS_AT_ONCE);
        // Chunks still in memory since their upload, now checked against
        // the signed manifest: the server's memory once published.
        let mut checked_in_memory = Vec::new();
        while let Some(checked) = checks.next().await {
            checked_in_memory.extend(checked?);
        }
        self.received_chunks
            .forget_version(manifest.document_id, manifest.version);

        let allowed: std::collections::HashSet<DeviceId> = self
            .store()
            .allowed_devices(item.id)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect();
        let mut keys = Vec::with_capacity(request.keys.len());
        for envelope in &request.keys {
            if !allowed.contains(&envelope.device_id) {
                return Err(ServiceError::BadRequest(format!(
                    "a key is addressed to device {}, which may not read this agenda item",
                    envelope.device_id
                )));
            }
            let json = serde_json::to_string(envelope)
                .map_err(|e| ServiceError::BadRequest(e.to_string()))?;
            keys.push((envelope.device_id, json));
        }

        let document = Document {
            id: manifest.document_id,
            version: manifest.version,
            agenda_item_id: item.id,
            meeting_id: meeting.id,
            title,
            size: manifest.size,
            chunk_count: manifest.chunks.len() as u32,
            manifest: request.manifest,
            manifest_signature: request.signature,
            uploader_signing_key: b64_encode(&device.signing_public_key),
            published_at: Utc::now(),
        };
        self.store()
            .publish_document(
                caller.person.organisation_id,
                &document,
                caller.device,
                &keys,
            )
            .await?;
        // Only now: a version is immutable once published, so what the
        // cache holds for it cannot go stale. The members asking for the
        // pack as soon as they hear of it are served from memory.
        for (index, bytes) in checked_in_memory {
            self.chunk_cache
                .put(document.id, document.version, index, bytes);
        }
        tracing::info!(document = %document.id, version = document.version, keys = keys.len(), "document published");
        Ok(document)
    }

    /// Devices still waiting for a document's key (secretariat only): any
    /// secretariat device that holds the key wraps it for them.
    pub async fn pending_keys(&self, caller: &Caller) -> ServiceResult<Vec<PendingKey>> {
        caller.require_secretary()?;
        Ok(self
            .store()
            .missing_keys(caller.person.organisation_id)
            .await?
            .into_iter()
            .map(|(document_id, version, device)| PendingKey {
                document_id,
                version,
                device_id: device.id,
                person_id: device.person_id,
                agreement_public_key: b64_encode(&device.agreement_public_key),
            })
            .collect())
    }

    /// Stores keys wrapped for devices that joined after publication.
    pub async fn add_document_keys(
        &self,
        caller: &Caller,
        id: DocumentId,
        version: u32,
        envelopes: Vec<DeviceKeyEnvelope>,
    ) -> ServiceResult<u32> {
        caller.require_secretary()?;
        let document = self.visible_document(caller, id, version).await?;
        let allowed: std::collections::HashSet<DeviceId> = self
            .store()
            .allowed_devices(document.agenda_item_id)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect();
        let mut keys = Vec::with_capacity(envelopes.len());
        for envelope in &envelopes {
            if !allowed.contains(&envelope.device_id) {
                return Err(ServiceError::BadRequest(format!(
                    "device {} is not an active device of this organisation",
                    envelope.device_id
                )));
            }
            let json = serde_json::to_string(envelope)
                .map_err(|e| ServiceError::BadRequest(e.to_string()))?;
            keys.push((envelope.device_id, json));
        }
        let added = self.store().add_document_keys(id, version, &keys).await?;
        tracing::info!(document = %id, version, added, "keys distributed");
        Ok(added)
    }

    async fn visible_document(
        &self,
        caller: &Caller,
        id: DocumentId,
        version: u32,
    ) -> ServiceResult<Document> {
        let (document, organisation) = self
            .store()
            .document(id, version)
            .await?
            .ok_or(ServiceError::NotFound("document"))?;
        if organisation != caller.person.organisation_id {
            return Err(ServiceError::NotFound("document"));
        }
        if caller.person.role != Role::Secretary {
            // A draft meeting's documents do not exist for members yet.
            if !self.store().meeting_published(document.meeting_id).await? {
                return Err(ServiceError::NotFound("document"));
            }
            let (item, _) = self
                .store()
                .agenda_item(document.agenda_item_id)
                .await?
                .ok_or(ServiceError::NotFound("agenda item"))?;
            if item.restricted
                && !self
                    .store()
                    .item_access(item.id)
                    .await?
                    .contains(&caller.person.id)
            {
                return Err(ServiceError::Forbidden(
                    "this agenda item is restricted to named members; ask the secretariat for access",
                ));
            }
        }
        Ok(document)
    }

    /// The calling device's wrapped key for this version, as envelope JSON.
    pub async fn document_key(
        &self,
        caller: &Caller,
        id: DocumentId,
        version: u32,
    ) -> ServiceResult<String> {
        self.visible_document(caller, id, version).await?;
        self.store()
            .document_key(id, version, caller.device)
            .await?
            .ok_or(ServiceError::NoKey(
                "this device has no key for this document yet; it will receive one when the secretariat is next online",
            ))
    }

    /// A device says it opened a version it may read (a read receipt).
    pub async fn document_opened(
        &self,
        caller: &Caller,
        id: DocumentId,
        version: u32,
        opened_at: chrono::DateTime<chrono::Utc>,
    ) -> ServiceResult<()> {
        self.visible_document(caller, id, version).await?;
        let now = chrono::Utc::now();
        // A device's clock far ahead cannot date a reading in the future.
        let opened_at = opened_at.min(now);
        self.store()
            .record_document_open(id, version, caller.device, caller.person.id, opened_at, now)
            .await?;
        Ok(())
    }

    /// Who has opened a version, first time per device (secretariat).
    pub async fn document_readers(
        &self,
        caller: &Caller,
        id: DocumentId,
        version: u32,
    ) -> ServiceResult<Vec<ecabinet_domain::api::DocumentReader>> {
        caller.require_secretary()?;
        self.visible_document(caller, id, version).await?;
        Ok(self.store().document_readers(id, version).await?)
    }

    /// One sealed chunk of a published version (from memory when another
    /// member asked for it recently).
    pub async fn get_chunk(
        &self,
        caller: &Caller,
        id: DocumentId,
        version: u32,
        index: u32,
    ) -> ServiceResult<bytes::Bytes> {
        let document = self.visible_document(caller, id, version).await?;
        if index >= document.chunk_count {
            return Err(ServiceError::NotFound("chunk"));
        }
        let manifest: Option<DocumentManifest> = serde_json::from_str(&document.manifest).ok();
        let expected =
            manifest.and_then(|m| m.chunks.get(index as usize).map(|c| c.sha256.clone()));
        self.load_chunk(&document, index, expected).await
    }

    /// Forgets the published chunks held in memory, as a restart does: the
    /// next reads come from the blob store and are checked again. For the
    /// tests that alter the store behind the server's back.
    pub fn forget_chunks_in_memory(&self) {
        self.chunk_cache.clear();
    }

    /// A run of `count` consecutive sealed chunks from `from`, checked once
    /// for the caller: a device downloading a pack asks for a run instead of
    /// each chunk, so the session, the visibility and the audit entry are
    /// paid per run, not per MiB. Returns the run's length in bytes (from the
    /// signed manifest) and the chunks, loaded one after another as the
    /// answer is sent.
    pub async fn get_chunk_run(
        &self,
        caller: &Caller,
        id: DocumentId,
        version: u32,
        from: u32,
        count: u32,
    ) -> ServiceResult<(
        u64,
        impl futures::Stream<Item = ServiceResult<bytes::Bytes>>,
    )> {
        let document = self.visible_document(caller, id, version).await?;
        if !(1..=MAX_CHUNK_RUN).contains(&count) {
            return Err(ServiceError::BadRequest(format!(
                "a run is 1 to {MAX_CHUNK_RUN} chunks"
            )));
        }
        let end = from
            .checked_add(count)
            .filter(|end| *end <= document.chunk_count)
            .ok_or(ServiceError::NotFound("chunk"))?;
        let manifest: DocumentManifest = serde_json::from_str(&document.manifest).map_err(|e| {
            ServiceError::Blob(std::io::Error::other(format!(
                "the stored manifest of {id} v{version} is unreadable: {e}"
            )))
        })?;
        let named = manifest
            .chunks
            .get(from as usize..end as usize)
            .ok_or(ServiceError::NotFound("chunk"))?;
        let length = named.iter().map(|c| u64::from(c.size)).sum();
        let expected: Vec<String> = named.iter().map(|c| c.sha256.clone()).collect();
        let services = self.clone();
        let chunks = futures::stream::iter((from..end).zip(expected)).then(move |(index, sha)| {
            let (services, document) = (services.clone(), document.clone());
            async move { services.load_chunk(&document, index, Some(sha)).await }
        });
        Ok((length, chunks))
    }

    /// A chunk of a visible version, from memory or the blob store;
    /// `expected` is its hash in the signed manifest.
    async fn load_chunk(
        &self,
        document: &Document,
        index: u32,
        expected: Option<String>,
    ) -> ServiceResult<bytes::Bytes> {
        let (id, version) = (document.id, document.version);
        if let Some(chunk) = self.chunk_cache.get(id, version, index) {
            return Ok(chunk);
        }
        let chunk =
            bytes::Bytes::from(self.blobs.get_chunk(id, version, index).await?.ok_or_else(
                || {
                    ServiceError::Blob(std::io::Error::other(format!(
                        "chunk {index} of {id} v{version} is missing"
                    )))
                },
            )?);
        // Kept only if it is what the signed manifest names: bytes damaged
        // in the store go to the device (which refuses them) but are not
        // served again from memory once the store is repaired.
        let verified = {
            let chunk = chunk.clone();
            tokio::task::spawn_blocking(move || {
                expected.is_some_and(|sha| b64_encode(&sha256(&chunk)) == sha)
            })
            .await
            .unwrap_or(false)
        };
        if verified {
            self.chunk_cache.put(id, version, index, chunk.clone());
        }
        Ok(chunk)
    }
}

/// The size and hash of each chunk this process received and stored for a
/// version not yet published (see `Services::store_received`), and while
/// they fit in [`RECEIVED_BYTES_KEPT`], its bytes: publishing then puts the
/// chunks it checked straight into the server's memory, so the members who
/// download a pack as soon as it is published are not the ones who read it
/// back from the disk (the blob folder writes past the page cache).
#[derive(Default)]
pub(crate) struct ReceivedChunks {
    state: std::sync::Mutex<Received>,
}

#[derive(Default)]
struct Received {
    chunks: std::collections::HashMap<ChunkAt, ReceivedChunk>,
    /// The bytes held in `chunks`.
    bytes: usize,
}

#[derive(Clone)]
pub(crate) struct ReceivedChunk {
    pub(crate) length: usize,
    pub(crate) sha256: String,
    pub(crate) bytes: Option<bytes::Bytes>,
}

/// A chunk's place: document, version, index.
type ChunkAt = (DocumentId, u32, u32);

/// Uploads abandoned before publication leave their hashes; past this many
/// the map starts again (publishing then reads the chunks back).
const RECEIVED_CHUNKS_KEPT: usize = 100_000;

/// Received bytes held until publication, at most (as much as the chunk
/// cache they go to).
const RECEIVED_BYTES_KEPT: usize = crate::services::CHUNK_CACHE_BYTES;

impl Received {
    fn remove(&mut self, at: &ChunkAt) {
        if let Some(gone) = self.chunks.remove(at) {
            self.bytes -= gone.bytes.map_or(0, |b| b.len());
        }
    }
}

impl ReceivedChunks {
    fn note(
        &self,
        document: DocumentId,
        version: u32,
        index: u32,
        sha256: String,
        bytes: bytes::Bytes,
    ) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.chunks.len() >= RECEIVED_CHUNKS_KEPT {
            *state = Received::default();
        }
        let at = (document, version, index);
        state.remove(&at);
        let length = bytes.len();
        let bytes = (state.bytes + length <= RECEIVED_BYTES_KEPT).then_some(bytes);
        state.bytes += bytes.as_ref().map_or(0, |b| b.len());
        state.chunks.insert(
            at,
            ReceivedChunk {
                length,
                sha256,
                bytes,
            },
        );
    }

    fn get(&self, document: DocumentId, version: u32, index: u32) -> Option<ReceivedChunk> {
        self.state
            .lock()
            .ok()?
            .chunks
            .get(&(document, version, index))
            .cloned()
    }

    fn forget(&self, document: DocumentId, version: u32, index: u32) {
        if let Ok(mut state) = self.state.lock() {
            state.remove(&(document, version, index));
        }
    }

    fn forget_version(&self, document: DocumentId, version: u32) {
        if let Ok(mut state) = self.state.lock() {
            let gone: Vec<ChunkAt> = state
                .chunks
                .keys()
                .filter(|(d, v, _)| *d == document && *v == version)
                .copied()
                .collect();
            for at in gone {
                state.remove(&at);
            }
        }
    }
}

/// The most chunks one request may carry (16 MiB).
pub const MAX_CHUNK_RUN: u32 = 16;

/// The chunks of a run sent back to back: all full but the last, which has
/// `CHUNK_OVERHEAD` to `MAX_CHUNK_BYTES` bytes (only a version's last chunk
/// is shorter than the rest).
fn split_chunk_run(body: &bytes::Bytes, count: u32) -> ServiceResult<Vec<bytes::Bytes>> {
    if !(1..=MAX_CHUNK_RUN).contains(&count) {
        return Err(ServiceError::BadRequest(format!(
            "a run is 1 to {MAX_CHUNK_RUN} chunks"
        )));
    }
    let full = count as usize - 1;
    let last = body
        .len()
        .checked_sub(full * MAX_CHUNK_BYTES)
        .filter(|last| (CHUNK_OVERHEAD..=MAX_CHUNK_BYTES).contains(last))
        .ok_or_else(|| {
            ServiceError::BadRequest(format!(
                "a run of {count} sealed chunks is {full} of {MAX_CHUNK_BYTES} bytes and a last one \
                 of {CHUNK_OVERHEAD} to {MAX_CHUNK_BYTES}; this one has {} bytes",
                body.len()
            ))
        })?;
    Ok((0..=full)
        .map(|at| {
            let start = at * MAX_CHUNK_BYTES;
            let length = if at == full { last } else { MAX_CHUNK_BYTES };
            body.slice(start..start + length)
        })
        .collect())
}

#[cfg(test)]
mod run_tests {
    use super::*;

    #[test]
    fn a_run_splits_into_full_chunks_and_a_last_one() {
        let body = bytes::Bytes::from(vec![7u8; 2 * MAX_CHUNK_BYTES + 100]);
        let chunks = split_chunk_run(&body, 3).expect("three chunks");
        let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        assert_eq!(sizes, vec![MAX_CHUNK_BYTES, MAX_CHUNK_BYTES, 100]);
        assert_eq!(
            split_chunk_run(&bytes::Bytes::from(vec![1u8; 64]), 1)
                .expect("one")
                .len(),
            1
        );
        for (length, count) in [
            (2 * MAX_CHUNK_BYTES + 100, 2),
            (MAX_CHUNK_BYTES + CHUNK_OVERHEAD - 1, 2),
            (10, 1),
            (64, 0),
            (64, MAX_CHUNK_RUN + 1),
        ] {
            assert!(
                split_chunk_run(&bytes::Bytes::from(vec![0u8; length]), count).is_err(),
                "{length} bytes as {count} chunks"
            );
        }
    }
}
