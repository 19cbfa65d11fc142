//! Documents on the client: the secretariat seals and uploads a PDF and wraps
//! its key for every device; a member downloads the sealed chunks into the
//! profile's cache (ciphertext only on disk), checks each against the signed
//! manifest, unwraps its own key and opens the document in memory.

use std::path::{Path, PathBuf};

use chrono::Utc;
use ecabinet_crypto::{
    b64_decode, b64_encode, open_chunk, seal_chunk_in_place, sha256, verify_signature, wrap_key,
    ChunkContext, ContentKey, WrappedKey, CHUNK_OVERHEAD, CHUNK_SIZE,
};
use ecabinet_domain::api::{DeviceKeyEnvelope, PublishDocumentRequest};
use ecabinet_domain::document::{MAX_DOCUMENT_BYTES, PDF_MEDIA_TYPE};
use ecabinet_domain::{
    validate, AgendaItemId, ChangeBody, ChunkInfo, Document, DocumentId, DocumentManifest, Handling,
};
use futures::StreamExt;
use zeroize::Zeroizing;

use crate::error::{ClientError, ClientResult};
use crate::profile::{write_atomic, write_cache_file, write_private};
use crate::replica::IdTable;
use crate::Client;

/// What a fetched document turned out to be.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FetchedDocument {
    pub id: DocumentId,
    pub version: u32,
    pub title: String,
    pub size: u64,
    /// SHA-256 of the decrypted bytes, base64url (to compare with the original).
    pub sha256: String,
    /// Chunks that had to be downloaded (the rest came from the cache).
    pub chunks_downloaded: u32,
}

/// How a document version may be handled, from its signed manifest.
pub fn handling_of(document: &Document) -> ClientResult<Handling> {
    let manifest: DocumentManifest = serde_json::from_str(&document.manifest)
        .map_err(|e| ClientError::Protocol(format!("the manifest of {}: {e}", document.id)))?;
    Ok(manifest.handling)
}

fn chunk_context(document: &Document) -> ChunkContext {
    ChunkContext {
        document_id: *document.id.as_uuid().as_bytes(),
        version: document.version,
    }
}

impl Client {
    pub(crate) fn cache_dir(&self, document: &Document) -> PathBuf {
        self.dir
            .join("cache")
            .join(document.id.to_string())
            .join(document.version.to_string())
    }

    /// Attaches a PDF to an agenda item (secretariat), offline too: seals it
    /// here, and the next sync uploads it, publishes it, and wraps its key
    /// for every device allowed to read the item.
    pub async fn add_document(
        &self,
        item: AgendaItemId,
        file: &Path,
        title: Option<&str>,
    ) -> ClientResult<Document> {
        self.add_document_with(item, file, title, Default::default())
            .await
    }

    /// [`Client::add_document`] with restrictions on printing and export.
    pub async fn add_document_with(
        &self,
        item: AgendaItemId,
        file: &Path,
        title: Option<&str>,
        handling: Handling,
    ) -> ClientResult<Document> {
        Ok(self
            .publish_version(DocumentId::new(), 1, item, file, title, handling)
            .await?
            .document)
    }

    /// Replaces a document with a new revision (secretariat). Earlier versions
    /// stay readable as history; members' agendas show the new one as revised.
    pub async fn revise_document(
        &self,
        document: DocumentId,
        file: &Path,
        title: Option<&str>,
    ) -> ClientResult<Document> {
        self.revise_document_with(document, file, title, None).await
    }

    /// [`Client::revise_document`], changing the restrictions (`None` keeps them).
    pub async fn revise_document_with(
        &self,
        document: DocumentId,
        file: &Path,
        title: Option<&str>,
        handling: Option<Handling>,
    ) -> ClientResult<Document> {
        Ok(self
            .revise_version(document, file, title, handling)
            .await?
            .document)
    }

    /// [`Client::revise_document_with`], saying whether the file may be signed.
    pub(crate) async fn revise_version(
        &self,
        document: DocumentId,
        file: &Path,
        title: Option<&str>,
        handling: Option<Handling>,
    ) -> ClientResult<Published> {
        let latest = self.document(document).await?;
        let handling = match handling {
            Some(handling) => handling,
            None => handling_of(&latest)?,
        };
        let title = title
            .map(str::to_owned)
            .unwrap_or_else(|| latest.title.clone());
        self.publish_version(
            document,
            latest.version + 1,
            latest.agenda_item_id,
            file,
            Some(&title),
            handling,
        )
        .await
    }

    /// Every known version of a document, oldest first.
    pub async fn document_history(&self, document: DocumentId) -> ClientResult<Vec<Document>> {
        let versions = self.replica.document_versions(document).await?;
        if versions.is_empty() {
            return Err(ClientError::NotFound {
                kind: "document",
                reference: document.to_string(),
            });
        }
        Ok(versions)
    }

    /// Who has opened a document version (secretariat; the latest version
    /// unless one is named), as devices reported it.
    pub async fn document_readers(
        &self,
        document: DocumentId,
        version: Option<u32>,
    ) -> ClientResult<Vec<ecabinet_domain::api::DocumentReader>> {
        let versions = self.document_history(document).await?;
        let version = match version {
            Some(v) if versions.iter().any(|d| d.version == v) => v,
            Some(v) => {
                return Err(ClientError::NotFound {
                    kind: "document version",
                    reference: format!("{document} v{v}"),
                })
            }
            None => versions.iter().map(|d| d.version).max().unwrap_or(1),
        };
        let token = self.token().await?;
        self.api
            .get_json(
                &format!("v1/documents/{document}/versions/{version}/readers"),
                &token,
            )
            .await
    }

    /// The first opening of a version on this device: the "revised" marker
    /// goes, and a read receipt is queued for the next sync (offline too).
    async fn note_opened(&self, document: &Document) -> ClientResult<()> {
        if self
            .replica
            .mark_seen(document.id, document.version)
            .await?
        {
            self.queue_command(ecabinet_domain::ops::Command::DocumentOpened {
                document_id: document.id,
                version: document.version,
                opened_at: chrono::Utc::now(),
            })
            .await?;
        }
        Ok(())
    }

    /// Seals, uploads and publishes one version of a document.
    pub(crate) async fn publish_version(
        &self,
        id: DocumentId,
        version: u32,
        item: AgendaItemId,
        file: &Path,
        title: Option<&str>,
        handling: Handling,
    ) -> ClientResult<Published> {
        let plaintext = Plaintext::open(file)?;
        let file_name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "document.pdf".into());
        let source = file.display().to_string();
        self.publish_bytes(
            id, version, item, plaintext, &source, file_name, title, handling, None,
        )
        .await
    }

    /// Publishes a version from a file or from bytes held in memory (a
    /// version just signed, a package's file); `source` names them in errors.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn publish_bytes(
        &self,
        id: DocumentId,
        version: u32,
        item: AgendaItemId,
        plaintext: Plaintext,
        source: &str,
        file_name: String,
        title: Option<&str>,
        handling: Handling,
        exchange: Option<ecabinet_domain::ExchangeRecord>,
    ) -> ClientResult<Published> {
        let found = self.agenda_item(item).await?;
        if !plaintext.starts_with(b"%PDF-")? {
            return Err(ClientError::InvalidArgument(format!(
                "{source} is not a PDF file (it does not start with %PDF-)"
            )));
        }
        if plaintext.len() > MAX_DOCUMENT_BYTES {
            return Err(ClientError::InvalidArgument(format!(
                "{source} is larger than the {} MiB limit",
                MAX_DOCUMENT_BYTES >> 20
            )));
        }
        let title = match title {
            Some(title) => validate::title(title)?,
            None => validate::title(file_name.trim_end_matches(".pdf"))?,
        };

        // Pages, for the signed manifest (the orderer checks presenter pages
        // against it). A PDF PDFium cannot open is still published, without.
        // Counted in the PDF process: the file comes from outside.
        let plaintext = std::sync::Arc::new(plaintext);
        let key = ContentKey::generate()?;
        let context = ChunkContext {
            document_id: *id.as_uuid().as_bytes(),
            version,
        };
        // The sealed chunks wait in the cache (ciphertext only): readable
        // here at once, uploaded just before the command goes. Sealing,
        // hashing and writing them is spread over every core.
        let cache = self
            .dir
            .join("cache")
            .join(id.to_string())
            .join(version.to_string());
        std::fs::create_dir_all(&cache).map_err(|e| ClientError::io(&cache, e))?;
        let opening = plaintext.opening()?;
        let counting = async move {
            match ecabinet_pdf::PdfWorker::get() {
                Ok(worker) => worker.once(opening, ecabinet_pdf::PdfJob::PageCount).await,
                Err(error) => Err(error),
            }
        };
        // Bounded: the sealing waits for a slow upload instead of holding
        // the whole document in memory (and goes on alone once it gave up).
        let (announce, announced) = tokio::sync::mpsc::channel(CHUNKS_PER_UPLOAD);
        let buffers = BufferPool::keeping(CHUNK_BUFFERS_KEPT);
        let uploading = self.upload_while_sealing(
            id,
            version,
            plaintext.chunk_count(),
            announced,
            buffers.clone(),
        );
        let sealing = {
            let plaintext = plaintext.clone();
            tokio::task::spawn_blocking(move || {
                let chunks = seal_into_cache(
                    &key,
                    &context,
                    &plaintext,
                    &cache,
                    &buffers,
                    &|index, chunk| {
                        // The uploader may have given up (offline): nothing to tell.
                        let _ = announce.blocking_send((index, chunk));
                    },
                );
                (key, chunks)
            })
        };
        // Counting the pages (in the PDF process), sealing (on every core)
        // and uploading what is sealed go side by side.
        let (pages, sealed, uploaded) = tokio::join!(counting, sealing, uploading);
        if uploaded {
            if let Ok(mut versions) = self.uploaded_while_sealing.lock() {
                versions.insert((id, version));
            }
        }
        let (key, chunks) = sealed
            .map_err(|e| ClientError::Protocol(format!("the sealing threads stopped: {e}")))?;
        if !plaintext.unchanged() {
            return Err(ClientError::InvalidArgument(format!(
                "{source} changed while it was being attached; attach it again once it is saved"
            )));
        }
        let page_count = match pages {
            Ok(ecabinet_pdf::PdfAnswer::PageCount(count)) => Some(count),
            Ok(other) => return Err(crate::reading::unexpected(other)),
            Err(error) => {
                tracing::warn!(%error, "could not count the document's pages");
                None
            }
        };
        let SealedFile {
            chunks,
            may_hold_signatures,
        } = chunks?;
        let chunk_count = chunks.len() as u32;
        let key_context = DocumentManifest::key_context(id, version);
        // Only this device's key goes with the publication: every other
        // device allowed to read the item gets its own from this device's
        // key distribution in the same sync (or any secretariat device's).
        let wrapped = wrap_key(&key, &self.keys.agreement_public_key(), &key_context)?;
        let own = DeviceKeyEnvelope {
            device_id: self.profile.device_id,
            ephemeral_public: wrapped.ephemeral_public,
            ciphertext: wrapped.ciphertext,
        };
        let manifest = DocumentManifest {
            document_id: id,
            version,
            agenda_item_id: item,
            title: title.clone(),
            file_name,
            media_type: PDF_MEDIA_TYPE.into(),
            size: plaintext.len(),
            chunk_size: CHUNK_SIZE as u32,
            chunks,
            uploaded_by: self.profile.device_id,
            uploaded_at: Utc::now(),
            handling,
            page_count,
            exchange,
        };
        let manifest =
            serde_json::to_string(&manifest).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let signature = b64_encode(
            &self
                .keys
                .signing
                .sign(&DocumentManifest::signing_message(&manifest)),
        );
        let shown = Document {
            id,
            version,
            agenda_item_id: item,
            meeting_id: found.meeting_id,
            title,
            size: plaintext.len(),
            chunk_count,
            manifest: manifest.clone(),
            manifest_signature: signature.clone(),
            uploader_signing_key: b64_encode(&self.keys.signing.public_key()),
            published_at: Utc::now(),
        };
        // This device's key waits beside the chunks.
        let cache = self.cache_dir(&shown);
        let own_json =
            serde_json::to_vec(&own).map_err(|e| ClientError::Protocol(e.to_string()))?;
        write_atomic(&cache, "key.json", &own_json)?;
        let command = ecabinet_domain::ops::Command::PublishDocument {
            document_id: id,
            version,
            request: PublishDocumentRequest {
                manifest,
                signature,
                keys: vec![own],
            },
        };
        self.run_command(command, &[ChangeBody::Document(shown.clone())])
            .await?;
        let document = self
            .replica
            .document_versions(id)
            .await?
            .into_iter()
            .find(|d| d.version == version)
            .unwrap_or(shown);
        Ok(Published {
            document,
            may_hold_signatures,
        })
    }

    /// Uploads the sealed chunks of the documents that commands about to be
    /// pushed publish (from this device's cache), so the server can check
    /// them against the signed manifest when it carries the command out.
    pub(crate) async fn upload_for(
        &self,
        token: &str,
        ops: &[ecabinet_domain::ops::Op],
    ) -> ClientResult<()> {
        for op in ops {
            let ecabinet_domain::ops::OpBody::Command(command) = &op.body else {
                continue;
            };
            let Ok(ecabinet_domain::ops::Command::PublishDocument {
                document_id,
                version,
                request,
            }) = command.command()
            else {
                continue;
            };
            // Every chunk went up, acknowledged, as it was sealed (just now,
            // by this process): asking the server what it holds would have it
            // read and hash them all again.
            if self
                .uploaded_while_sealing
                .lock()
                .is_ok_and(|versions| versions.contains(&(document_id, version)))
            {
                continue;
            }
            let manifest: DocumentManifest = serde_json::from_str(&request.manifest)
                .map_err(|e| ClientError::Protocol(format!("a waiting manifest: {e}")))?;
            // Resume: only what the server lacks (nothing once it is published,
            // e.g. when the answer to an earlier push was lost).
            let state: ecabinet_domain::api::UploadState = match self
                .api
                .get_json(
                    &format!("v1/documents/{document_id}/versions/{version}/upload"),
                    token,
                )
                .await
            {
                Ok(state) => state,
                // Refused (no longer of the secretariat, say): send the command
                // anyway and let the server answer it, so the outbox moves on.
                Err(ClientError::Server {
                    status, message, ..
                }) if status < 500 => {
                    tracing::warn!(%document_id, %message, "the upload of a waiting document was refused");
                    continue;
                }
                Err(error) => return Err(error),
            };
            if state.published {
                continue;
            }
            let cache = self
                .dir
                .join("cache")
                .join(document_id.to_string())
                .join(version.to_string());
            // Runs of consecutive chunks (one request, one audit entry on the
            // server per run), two in flight: the server's fsyncs of one run
            // overlap with the next one's transfer. A chunk gone from the
            // cache (wiped) is not sent: the server refuses the publication
            // with the missing chunk named, and says so.
            let missing = manifest
                .chunks
                .iter()
                .enumerate()
                .filter(|(index, info)| {
                    !state
                        .chunks
                        .iter()
                        .any(|(at, sha)| *at as usize == *index && *sha == info.sha256)
                        && chunk_is_cached(&cache, *index, info)
                })
                .map(|(index, _)| index);
            let missing: Vec<_> = runs_of(missing, CHUNKS_PER_UPLOAD)
                .into_iter()
                .map(|(from, count)| {
                    let cache = &cache;
                    async move {
                        self.put_cached_run(token, document_id, version, cache, from, count)
                            .await
                            .map_err(|error| (from, error))
                    }
                })
                .collect();
            let mut uploads = futures::stream::iter(missing).buffer_unordered(UPLOADS_IN_FLIGHT);
            while let Some(result) = uploads.next().await {
                match result {
                    Ok(()) => {}
                    Err((
                        from,
                        ClientError::Server {
                            status, message, ..
                        },
                    )) if status < 500 => {
                        tracing::warn!(%document_id, from, %message, "chunks of a waiting document were refused");
                        break;
                    }
                    Err((_, error)) => return Err(error),
                }
            }
        }
        Ok(())
    }

    /// Sends chunks `from..from + count` of a version from the cache, in one
    /// request (one audit entry on the server).
    async fn put_cached_run(
        &self,
        token: &str,
        document: DocumentId,
        version: u32,
        cache: &Path,
        from: usize,
        count: usize,
    ) -> ClientResult<()> {
        let mut run = Vec::with_capacity(count);
        for index in from..from + count {
            let path = cache.join(format!("{index}.sealed"));
            let chunk = tokio::fs::read(&path)
                .await
                .map_err(|e| ClientError::io(&path, e))?;
            run.push(bytes::Bytes::from(chunk));
        }
        self.api
            .put_chunk_run(token, document, version, from as u32, count as u32, run)
            .await
    }

    /// Uploads the chunks of a version being sealed as they reach the cache
    /// (`sealed` hands over each one), runs of consecutive chunks two at a
    /// time, so the upload ends soon after the sealing does instead of
    /// starting then (and the chunks are not read back from the cache).
    /// True if the server acknowledged every chunk. Offline, refused or cut
    /// off, it stops quietly: the sync that sends the publication uploads
    /// whatever the server still lacks.
    async fn upload_while_sealing(
        &self,
        document: DocumentId,
        version: u32,
        count: usize,
        mut sealed: tokio::sync::mpsc::Receiver<(usize, Vec<u8>)>,
        chunks: BufferPool,
    ) -> bool {
        let token = match self.token().await {
            Ok(token) => token,
            Err(error) => {
                tracing::debug!(%error, "no upload while sealing");
                return false;
            }
        };
        let mut ready: std::collections::BTreeMap<usize, Vec<u8>> = Default::default();
        let mut in_flight = futures::stream::FuturesUnordered::new();
        let (mut next, mut announcing, mut failed) = (0, true, false);
        loop {
            while !failed && in_flight.len() < UPLOADS_IN_FLIGHT && next < count {
                let length = CHUNKS_PER_UPLOAD.min(count - next);
                if !(next..next + length).all(|index| ready.contains_key(&index)) {
                    break;
                }
                // Each chunk's buffer comes back for sealing once sent.
                let run: Vec<bytes::Bytes> = (next..next + length)
                    .filter_map(|index| ready.remove(&index))
                    .map(|chunk| chunks.body(chunk))
                    .collect();
                let (token, from) = (&token, next as u32);
                in_flight.push(async move {
                    self.api
                        .put_chunk_run(token, document, version, from, length as u32, run)
                        .await
                });
                next += length;
            }
            // Chunks are taken in only while a request could go with them.
            let waiting_for_chunks =
                !failed && next < count && announcing && in_flight.len() < UPLOADS_IN_FLIGHT;
            if in_flight.is_empty() && !waiting_for_chunks {
                return !failed && next >= count;
            }
            tokio::select! {
                chunk = sealed.recv(), if waiting_for_chunks => match chunk {
                    Some((index, chunk)) => {
                        ready.insert(index, chunk);
                    }
                    // The sealing stopped (an error it reports itself).
                    None => announcing = false,
                },
                Some(result) = in_flight.next(), if !in_flight.is_empty() => {
                    if let Err(error) = result {
                        tracing::warn!(%document, %error, "an upload while sealing failed; the sync retries it");
                        failed = true;
                    }
                }
            }
        }
    }

    /// This device's own key for a document version (cached, else fetched).
    pub(crate) async fn own_envelope(
        &self,
        document: &Document,
    ) -> ClientResult<DeviceKeyEnvelope> {
        let cache = self.cache_dir(document);
        std::fs::create_dir_all(&cache).map_err(|e| ClientError::io(&cache, e))?;
        if let Ok(bytes) = std::fs::read(cache.join("key.json")) {
            if let Ok(envelope) = serde_json::from_slice(&bytes) {
                return Ok(envelope);
            }
        }
        let token = self.token().await?;
        let envelope = self
            .api
            .document_key(&token, document.id, document.version)
            .await?;
        let json =
            serde_json::to_vec(&envelope).map_err(|e| ClientError::Protocol(e.to_string()))?;
        // The server holds it: a copy lost in a power cut (or torn, which
        // does not parse) is fetched again, so no waiting for the disk,
        // which stalled a prefetch's downloads 1.5 ms per document.
        write_private(&cache, "key.json", &json)?;
        Ok(envelope)
    }

    /// Devices still waiting for document keys (secretariat): they receive them
    /// at this device's next sync.
    pub async fn pending_keys(&self) -> ClientResult<Vec<ecabinet_domain::api::PendingKey>> {
        let token = self.token().await?;
        self.api.pending_keys(&token).await
    }

    /// For a secretariat device: wraps document keys for every device that
    /// joined after publication. Runs on each sync, so a new member's device
    /// receives its keys the next time any secretariat device is online.
    /// Returns how many keys were sent.
    pub async fn distribute_keys(&self) -> ClientResult<u32> {
        if self.profile.person.role != ecabinet_domain::Role::Secretary {
            return Ok(0);
        }
        let token = self.token().await?;
        let pending = self.api.pending_keys(&token).await?;
        let mut by_document: std::collections::BTreeMap<(DocumentId, u32), Vec<_>> =
            Default::default();
        for key in pending {
            by_document
                .entry((key.document_id, key.version))
                .or_default()
                .push(key);
        }
        let mut sent = 0;
        for ((id, version), waiting) in by_document {
            let Some(document) = self
                .replica
                .latest_document(id)
                .await?
                .filter(|d| d.version == version)
            else {
                continue;
            };
            let envelope = match self.own_envelope(&document).await {
                Ok(envelope) => envelope,
                // This device never had the key (enrolled later itself): another
                // secretariat device will serve these.
                Err(ClientError::Server { code, .. }) if code == "no_key" => continue,
                Err(error) => return Err(error),
            };
            let context = DocumentManifest::key_context(id, version);
            let key = self.keys.unwrap_key(
                &WrappedKey {
                    ephemeral_public: envelope.ephemeral_public,
                    ciphertext: envelope.ciphertext,
                },
                &context,
            )?;
            let mut envelopes = Vec::with_capacity(waiting.len());
            for target in &waiting {
                let public: [u8; 32] = b64_decode(&target.agreement_public_key)?
                    .as_slice()
                    .try_into()
                    .map_err(|_| ClientError::Protocol("a device key is not 32 bytes".into()))?;
                let wrapped = wrap_key(&key, &public, &context)?;
                envelopes.push(DeviceKeyEnvelope {
                    device_id: target.device_id,
                    ephemeral_public: wrapped.ephemeral_public,
                    ciphertext: wrapped.ciphertext,
                });
            }
            self.api
                .add_document_keys(&token, id, version, &envelopes)
                .await?;
            sent += envelopes.len() as u32;
        }
        Ok(sent)
    }

    /// Accepts a full agenda item id or an unambiguous prefix.
    pub async fn resolve_agenda_item(&self, reference: &str) -> ClientResult<AgendaItemId> {
        self.resolve(IdTable::AgendaItems, "agenda item", reference)
            .await
    }

    /// Accepts a full document id or an unambiguous prefix.
    pub async fn resolve_document(&self, reference: &str) -> ClientResult<DocumentId> {
        self.resolve(IdTable::Documents, "document", reference)
            .await
    }

    async fn resolve<T: std::str::FromStr>(
        &self,
        table: IdTable,
        kind: &'static str,
        reference: &str,
    ) -> ClientResult<T> {
        let reference = reference.trim();
        if let Ok(id) = reference.parse::<T>() {
            return Ok(id);
        }
        let not_found = || ClientError::NotFound {
            kind,
            reference: reference.to_owned(),
        };
        if reference.len() < 4 || !reference.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(not_found());
        }
        let matches = self.replica.ids_with_prefix(table, reference).await?;
        match matches.as_slice() {
            [] => Err(not_found()),
            [one] => one.parse::<T>().map_err(|_| not_found()),
            _ => Err(ClientError::InvalidArgument(format!(
                "{reference:?} matches {} {kind}s; give more of the id",
                matches.len()
            ))),
        }
    }

    /// Refuses to take a document's content out of the app (a rendered
    /// file, its text) when the secretariat marked it "no export"; the
    /// secretariat itself may.
    pub async fn check_export(&self, id: DocumentId) -> ClientResult<()> {
        let document = self.document(id).await?;
        if handling_of(&document)?.no_export
            && self.profile.person.role != ecabinet_domain::Role::Secretary
        {
            return Err(ClientError::Server {
                status: 403,
                code: "no_export".into(),
                message: format!(
                    "\"{}\" is marked no print / no export: read it in the app, where every page carries your name",
                    document.title
                ),
            });
        }
        Ok(())
    }

    /// The latest version of a document, from the replica.
    pub async fn document(&self, id: DocumentId) -> ClientResult<Document> {
        self.replica
            .latest_document(id)
            .await?
            .ok_or_else(|| ClientError::NotFound {
                kind: "document",
                reference: id.to_string(),
            })
    }

    /// Downloads what is missing from the cache, verifies every chunk against
    /// the signed manifest, and decrypts in memory. Nothing partial is ever
    /// returned: any bad chunk is an error (and is dropped from the cache).
    pub async fn open_document(
        &self,
        id: DocumentId,
    ) -> ClientResult<(FetchedDocument, Zeroizing<Vec<u8>>)> {
        let document = self.document(id).await?;
        self.open_version(document).await
    }

    /// Opens one particular version (history).
    pub async fn open_document_version(
        &self,
        id: DocumentId,
        version: u32,
    ) -> ClientResult<(FetchedDocument, Zeroizing<Vec<u8>>)> {
        let document = self
            .replica
            .document_versions(id)
            .await?
            .into_iter()
            .find(|d| d.version == version)
            .ok_or_else(|| ClientError::NotFound {
                kind: "document version",
                reference: format!("{id} v{version}"),
            })?;
        self.open_version(document).await
    }

    /// The offline lease: a device out of touch with the server for longer
    /// than the organisation allows keeps its cache but will not open it.
    pub(crate) async fn check_lease(&self) -> ClientResult<()> {
        let days = self.replica.policy().await?.offline_lease_days;
        if days == 0 {
            return Ok(());
        }
        if let Some(last) = self.replica.last_sync().await? {
            if Utc::now() - last > chrono::Duration::days(i64::from(days)) {
                return Err(ClientError::LeaseExpired { days });
            }
        }
        Ok(())
    }

    /// What opening a version takes: the lease, the verified manifest, the
    /// cache folder, and this device's content key.
    async fn opening(
        &self,
        document: &Document,
    ) -> ClientResult<(DocumentManifest, PathBuf, ContentKey)> {
        self.check_lease().await?;
        let manifest = verified_manifest(document)?;
        let cache = self.cache_dir(document);
        std::fs::create_dir_all(&cache).map_err(|e| ClientError::io(&cache, e))?;
        let key = self.own_key(document).await?;
        Ok((manifest, cache, key))
    }

    /// This device's content key for a document version.
    pub(crate) async fn own_key(&self, document: &Document) -> ClientResult<ContentKey> {
        let envelope = self.own_envelope(document).await?;
        self.key_in(document, envelope)
    }

    /// The content key in this device's envelope for a document version.
    pub(crate) fn key_in(
        &self,
        document: &Document,
        envelope: DeviceKeyEnvelope,
    ) -> ClientResult<ContentKey> {
        Ok(self.keys.unwrap_key(
            &WrappedKey {
                ephemeral_public: envelope.ephemeral_public,
                ciphertext: envelope.ciphertext,
            },
            &DocumentManifest::key_context(document.id, document.version),
        )?)
    }

    pub(crate) async fn open_version(
        &self,
        document: Document,
    ) -> ClientResult<(FetchedDocument, Zeroizing<Vec<u8>>)> {
        let (manifest, cache, key) = self.opening(&document).await?;

        let context = chunk_context(&document);
        let last = manifest.chunks.len() - 1;
        let mut plaintext = Zeroizing::new(Vec::with_capacity(manifest.size as usize));
        let mut downloaded = 0;
        for (index, info) in manifest.chunks.iter().enumerate() {
            let (sealed, fetched) = self.cached_chunk(&document, &cache, index, info).await?;
            downloaded += u32::from(fetched);
            let piece = open_chunk(&key, &context, index as u32, index == last, &sealed)?;
            plaintext.extend_from_slice(&piece);
        }
        if plaintext.len() as u64 != manifest.size {
            return Err(ClientError::ServerIdentity(
                "the document's size differs from its manifest".into(),
            ));
        }
        self.note_opened(&document).await?;
        let fetched = FetchedDocument {
            id: document.id,
            version: document.version,
            title: document.title.clone(),
            size: manifest.size,
            sha256: b64_encode(&sha256(&plaintext)),
            chunks_downloaded: downloaded,
        };
        Ok((fetched, plaintext))
    }
}

impl Client {
    /// A reader of the document version's plaintext that decrypts cached
    /// chunks as they are read. Chunks missing from the cache are downloaded
    /// (and verified) first; those present are checked when read, so
    /// opening costs what the pages read need, not the whole file.
    pub(crate) async fn sealed_reader(
        &self,
        document: Document,
    ) -> ClientResult<(
        crate::sealed_reader::SealedReader,
        ecabinet_pdf::SourceFailure,
    )> {
        let (manifest, cache, key) = self.opening(&document).await?;
        let missing = manifest
            .chunks
            .iter()
            .enumerate()
            .any(|(index, info)| !chunk_is_cached(&cache, index, info));
        // Chunks not here yet are fetched as the pages read need them: a
        // session is needed for that now (offline, this says so at once).
        let fetch = if missing {
            Some(self.chunk_fetcher(&document, &manifest, &cache).await?)
        } else {
            None
        };
        self.note_opened(&document).await?;
        let (reader, failure) = crate::sealed_reader::SealedReader::new(
            key,
            chunk_context(&document),
            cache,
            &manifest,
            document.title.clone(),
        );
        Ok(match fetch {
            Some(fetch) => (reader.fetching(fetch), failure),
            None => (reader, failure),
        })
    }

    /// Fetches one chunk for the PDF thread (which may wait; it is not one
    /// of the runtime's): downloaded, checked against the manifest, kept.
    async fn chunk_fetcher(
        &self,
        document: &Document,
        manifest: &DocumentManifest,
        cache: &Path,
    ) -> ClientResult<crate::sealed_reader::FetchChunk> {
        use ecabinet_pdf::SourceProblem;
        let token = self.token().await?;
        let handle = tokio::runtime::Handle::current();
        let api = self.api.clone();
        let infos = manifest.chunks.clone();
        let (id, version, title) = (document.id, document.version, document.title.clone());
        let cache = cache.to_path_buf();
        Ok(Box::new(move |index| {
            let info = infos.get(index).ok_or_else(|| {
                SourceProblem::Damaged(format!("\"{title}\" has no chunk {index}"))
            })?;
            let bytes = handle
                .block_on(api.get_chunk(&token, id, version, index as u32))
                .map_err(|error| {
                    SourceProblem::Unavailable(format!(
                        "chunk {index} of \"{title}\" could not be downloaded: {error}"
                    ))
                })?;
            if !matches_manifest(&bytes, info) {
                return Err(SourceProblem::Damaged(format!(
                    "chunk {index} of \"{title}\" does not match its signed manifest; it was refused"
                )));
            }
            write_cache_file(&cache, &format!("{index}.sealed"), &bytes).map_err(|error| {
                SourceProblem::Unavailable(format!(
                    "chunk {index} of \"{title}\" could not be kept: {error}"
                ))
            })?;
            Ok(bytes)
        }))
    }

    /// One sealed chunk: from the cache if it matches the manifest, else from
    /// the server (verified, then kept). Returns whether it was downloaded.
    pub(crate) async fn cached_chunk(
        &self,
        document: &Document,
        cache: &Path,
        index: usize,
        info: &ChunkInfo,
    ) -> ClientResult<(Vec<u8>, bool)> {
        let name = format!("{index}.sealed");
        if let Some(bytes) = std::fs::read(cache.join(&name))
            .ok()
            .filter(|bytes| matches_manifest(bytes, info))
        {
            return Ok((bytes, false));
        }
        let token = self.token().await?;
        let bytes = self
            .api
            .get_chunk(&token, document.id, document.version, index as u32)
            .await?;
        let (info, cache, title) = (info.clone(), cache.to_path_buf(), document.title.clone());
        tokio::task::spawn_blocking(move || {
            store_fetched_chunk(&cache, index, &info, &title, &bytes)?;
            Ok((bytes, true))
        })
        .await
        .map_err(|e| ClientError::Protocol(format!("the chunk writer stopped: {e}")))?
    }

    /// Downloads `count` consecutive chunks from `from` in one request and
    /// stores each as it arrives, once it passes its check; the next chunk
    /// downloads while one is checked and written. Returns the sealed bytes
    /// stored.
    pub(crate) async fn fetch_chunk_run(
        &self,
        document: &Document,
        cache: &Path,
        chunks: &[ChunkInfo],
        (from, count): (usize, usize),
        check: &ChunkCheck,
    ) -> ClientResult<u64> {
        let token = self.token().await?;
        let mut run = self
            .api
            .get_chunk_run(
                &token,
                document.id,
                document.version,
                from as u32,
                count as u32,
            )
            .await?;
        // The chunk before is checked while this one arrives; no further
        // behind, so a run holds two scratch buffers, not one per chunk.
        let mut checking: Option<tokio::task::JoinHandle<ClientResult<()>>> = None;
        let mut stored = 0;
        for index in from..from + count {
            let info = chunks.get(index).ok_or_else(|| {
                ClientError::Protocol(format!("chunk {index} is not in the manifest"))
            })?;
            // Each piece goes to the storing thread as it comes off the
            // network. Gathering whole chunks on this thread first cost a
            // fresh MiB of memory per chunk: 12,000 to 17,000 page faults
            // per 100 MB, each dear on a virtual machine.
            let mut incoming = IncomingChunk::start(
                cache,
                Expected {
                    index,
                    last: index + 1 == chunks.len(),
                    info: info.clone(),
                    title: document.title.clone(),
                },
                check.clone(),
            );
            let mut left = info.size as usize;
            while left > 0 {
                let piece = run.next_piece(left).await?;
                left -= piece.len();
                incoming.take(piece);
            }
            if let Some(before) = checking.replace(incoming.finish()) {
                stored_chunk(before).await?;
            }
            stored += u64::from(info.size);
        }
        if let Some(last) = checking {
            stored_chunk(last).await?;
        }
        Ok(stored)
    }
}

/// Chunk buffers (1 MiB), reused: fresh memory for every chunk and every
/// run cost 17,000 to 22,000 page faults in a 100 MB `doc add`, 25 to 57 ms
/// of it here. While a version is sealed and uploaded, each sealed chunk's
/// buffer comes back for the next once its request has sent it (runs go
/// out as their chunks, not copied into one buffer); a download checks its
/// chunks in [`CheckBuffers`].
pub(crate) struct BufferPool<B: PooledBuffer = Vec<u8>> {
    kept: std::sync::Arc<std::sync::Mutex<Vec<B>>>,
    keep: usize,
}

impl<B: PooledBuffer> Clone for BufferPool<B> {
    fn clone(&self) -> Self {
        Self {
            kept: self.kept.clone(),
            keep: self.keep,
        }
    }
}

/// What a [`BufferPool`] holds: plain buffers, or buffers wiped when
/// dropped (those that held plaintext).
pub(crate) trait PooledBuffer: Default {
    fn bytes(&mut self) -> &mut Vec<u8>;
}

impl PooledBuffer for Vec<u8> {
    fn bytes(&mut self) -> &mut Vec<u8> {
        self
    }
}

impl PooledBuffer for Zeroizing<Vec<u8>> {
    fn bytes(&mut self) -> &mut Vec<u8> {
        self
    }
}

impl<B: PooledBuffer> BufferPool<B> {
    fn keeping(keep: usize) -> Self {
        Self {
            kept: Default::default(),
            keep,
        }
    }

    /// An empty buffer of at least `capacity` bytes, used before if any.
    /// One too small is replaced, not grown: growing in place would free
    /// its old bytes unwiped.
    fn take(&self, capacity: usize) -> B {
        let mut buffer = self
            .kept
            .lock()
            .ok()
            .and_then(|mut kept| kept.pop())
            .unwrap_or_default();
        if buffer.bytes().capacity() < capacity {
            buffer = B::default();
        }
        buffer.bytes().clear();
        buffer.bytes().reserve(capacity);
        buffer
    }

    fn give_back(&self, buffer: B) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() < self.keep {
                kept.push(buffer);
            }
        }
    }
}

impl BufferPool {
    /// A request body over `buffer` (no copy), which comes back here once
    /// the request has sent it.
    fn body(&self, buffer: Vec<u8>) -> bytes::Bytes {
        bytes::Bytes::from_owner(ReturnedBuffer {
            buffer,
            home: self.clone(),
        })
    }
}

/// Sealed chunks alive at once while uploading: the channel to the uploader,
/// the runs in flight and the one being gathered, one per sealing thread.
const CHUNK_BUFFERS_KEPT: usize = CHUNKS_PER_UPLOAD * (UPLOADS_IN_FLIGHT + 2) + 4;

struct ReturnedBuffer {
    buffer: Vec<u8>,
    home: BufferPool,
}

impl AsRef<[u8]> for ReturnedBuffer {
    fn as_ref(&self) -> &[u8] {
        &self.buffer
    }
}

impl Drop for ReturnedBuffer {
    fn drop(&mut self) {
        self.home.give_back(std::mem::take(&mut self.buffer));
    }
}

/// How a download checks its chunks. Every read of a cached chunk checks
/// it against the signed manifest's hash (and opens it), whatever was
/// checked here; this check keeps what the server could forge out of the
/// cache while a new attempt is still possible, so "ready offline" is true.
#[derive(Clone)]
pub(crate) struct ChunkCheck {
    /// This device's key for the version, once known. A chunk that opens
    /// under it at its place is one the server could not have made: AES-GCM
    /// checks a MiB in a fifth of the time SHA-256 takes here (the hash was
    /// most of a prefetch's CPU). Until the key is known, and for a chunk
    /// that does not open, the manifest's hash decides.
    key: std::sync::Arc<std::sync::OnceLock<ContentKey>>,
    context: ChunkContext,
    buffers: CheckBuffers,
}

impl ChunkCheck {
    pub(crate) fn new(document: &Document, buffers: CheckBuffers) -> Self {
        Self {
            key: Default::default(),
            context: chunk_context(document),
            buffers,
        }
    }

    /// From now on, chunks are checked by opening them under `key`.
    pub(crate) fn know_key(&self, key: ContentKey) {
        let _ = self.key.set(key);
    }
}

/// Scratch buffers in which downloaded chunks are checked: reused, since
/// fresh memory costs page faults, and wiped when dropped, since opening a
/// chunk leaves its plaintext behind.
pub(crate) type CheckBuffers = BufferPool<Zeroizing<Vec<u8>>>;

/// Scratch buffers a download keeps: two per run in flight at most.
pub(crate) fn check_buffers(runs_in_flight: usize) -> CheckBuffers {
    BufferPool::keeping(2 * runs_in_flight)
}

/// The chunk a download expects next.
struct Expected {
    index: usize,
    last: bool,
    info: ChunkInfo,
    title: String,
}

/// A chunk being downloaded into the cache. Its pieces are written to a
/// temporary file on another thread as they come (the copy into the page
/// cache is most of a download's work; the runtime's thread only
/// receives), then the chunk is kept under its name only if it passes its
/// check. A chunk abandoned halfway leaves nothing behind.
struct IncomingChunk {
    pieces: std::sync::mpsc::Sender<bytes::Bytes>,
    stored: tokio::task::JoinHandle<ClientResult<()>>,
}

impl IncomingChunk {
    fn start(cache: &Path, expected: Expected, check: ChunkCheck) -> Self {
        let path = cache.join(format!("{}.sealed", expected.index));
        let temp = cache.join(format!(".{}.sealed.tmp", expected.index));
        let (pieces, arriving) = std::sync::mpsc::channel::<bytes::Bytes>();
        let stored = tokio::task::spawn_blocking(move || {
            // Created here, not on the runtime's thread, which only receives.
            let file = std::fs::File::create(&temp).map_err(|e| ClientError::io(&temp, e))?;
            // The scratch is taken once the first piece is here: by then the
            // chunk before has been checked and has given its scratch back,
            // so a run keeps one warm buffer instead of touching two.
            let mut arriving = arriving.into_iter().peekable();
            let _ = arriving.peek();
            let mut scratch = check.buffers.take(expected.info.size as usize);
            let stored = store_incoming(arriving, file, &temp, &expected, &check, &mut scratch);
            check.buffers.give_back(scratch);
            match stored {
                Ok(()) => std::fs::rename(&temp, &path).map_err(|e| ClientError::io(&path, e)),
                Err(error) => {
                    let _ = std::fs::remove_file(&temp);
                    Err(error)
                }
            }
        });
        Self { pieces, stored }
    }

    /// Hands the next piece to the storing thread (no copy: the piece is
    /// shared). A failed write ends that thread; `finish` reports it.
    fn take(&mut self, piece: bytes::Bytes) {
        let _ = self.pieces.send(piece);
    }

    /// No more pieces: the storing thread checks the chunk and keeps it.
    fn finish(self) -> tokio::task::JoinHandle<ClientResult<()>> {
        self.stored
    }
}

/// The outcome of a chunk's storing thread.
async fn stored_chunk(storing: tokio::task::JoinHandle<ClientResult<()>>) -> ClientResult<()> {
    storing
        .await
        .map_err(|e| ClientError::Protocol(format!("the chunk writer stopped: {e}")))?
}

/// Writes the arriving pieces to `temp` and gathers them in `scratch`, then
/// checks the whole chunk. (No fsync: a chunk torn by a crash fails its
/// hash on reading and is fetched again.)
fn store_incoming(
    arriving: impl Iterator<Item = bytes::Bytes>,
    mut file: std::fs::File,
    temp: &Path,
    expected: &Expected,
    check: &ChunkCheck,
    scratch: &mut Vec<u8>,
) -> ClientResult<()> {
    use std::io::Write;
    let size = expected.info.size as usize;
    for piece in arriving {
        if scratch.len() + piece.len() > size {
            return Err(refused_chunk(expected.index, &expected.title));
        }
        scratch.extend_from_slice(&piece);
        file.write_all(&piece)
            .map_err(|e| ClientError::io(temp, e))?;
    }
    if scratch.len() != size {
        return Err(refused_chunk(expected.index, &expected.title));
    }
    let passes = match check.key.get() {
        Some(key) => {
            ecabinet_crypto::chunk_opens_in_place(
                key,
                &check.context,
                expected.index as u32,
                expected.last,
                scratch,
            ) || {
                // Not under this key: the signed hash still decides (a key
                // wrapped wrongly is a matter for opening, not for download).
                let written = std::fs::read(temp).map_err(|e| ClientError::io(temp, e))?;
                matches_manifest(&written, &expected.info)
            }
        }
        None => matches_manifest(scratch, &expected.info),
    };
    if passes {
        Ok(())
    } else {
        Err(refused_chunk(expected.index, &expected.title))
    }
}

/// A downloaded chunk that is not the one the signed manifest names.
fn refused_chunk(index: usize, title: &str) -> ClientError {
    ClientError::ServerIdentity(format!(
        "chunk {index} of \"{title}\" does not match its signed manifest; it was refused"
    ))
}

/// Checks a downloaded chunk against the signed manifest and keeps it in the
/// cache. Hashing and writing a MiB are CPU work (the copy into the page
/// cache most of all): callers run this off the runtime's threads.
fn store_fetched_chunk(
    cache: &Path,
    index: usize,
    info: &ChunkInfo,
    title: &str,
    bytes: &[u8],
) -> ClientResult<()> {
    if !matches_manifest(bytes, info) {
        return Err(refused_chunk(index, title));
    }
    // Resumable: each verified chunk is kept, so a new attempt after a
    // crash or a lost network fetches only the rest. (No fsync: a chunk
    // torn by a crash fails its hash and is fetched again.)
    write_cache_file(cache, &format!("{index}.sealed"), bytes)
}

/// The plaintext of a version being published.
pub(crate) enum Plaintext {
    /// Bytes already in memory (a version just signed, a package's file).
    Memory(std::sync::Arc<Zeroizing<Vec<u8>>>),
    /// A file on this device, read a chunk at a time by the sealing threads
    /// as they go: reading a 100 MB scan into memory first cost 40 ms (most
    /// of it faulting in fresh memory) before sealing could begin.
    #[cfg(unix)]
    File {
        path: PathBuf,
        file: std::fs::File,
        length: u64,
        modified: Option<std::time::SystemTime>,
    },
}

impl Plaintext {
    pub(crate) fn memory(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self::Memory(std::sync::Arc::new(bytes))
    }

    /// A file to publish (elsewhere than Unix, read into memory).
    fn open(path: &Path) -> ClientResult<Self> {
        #[cfg(unix)]
        {
            let file = std::fs::File::open(path).map_err(|e| ClientError::io(path, e))?;
            let facts = file.metadata().map_err(|e| ClientError::io(path, e))?;
            Ok(Self::File {
                path: path.to_path_buf(),
                file,
                length: facts.len(),
                modified: facts.modified().ok(),
            })
        }
        #[cfg(not(unix))]
        {
            let bytes = std::fs::read(path).map_err(|e| ClientError::io(path, e))?;
            Ok(Self::memory(Zeroizing::new(bytes)))
        }
    }

    fn len(&self) -> u64 {
        match self {
            Self::Memory(bytes) => bytes.len() as u64,
            #[cfg(unix)]
            Self::File { length, .. } => *length,
        }
    }

    /// How many chunks it is sealed in (one, even when empty).
    fn chunk_count(&self) -> usize {
        self.len().div_ceil(CHUNK_SIZE as u64).max(1) as usize
    }

    fn starts_with(&self, prefix: &[u8]) -> ClientResult<bool> {
        match self {
            Self::Memory(bytes) => Ok(bytes.starts_with(prefix)),
            #[cfg(unix)]
            Self::File { length, .. } if *length < prefix.len() as u64 => Ok(false),
            #[cfg(unix)]
            Self::File { .. } => {
                let mut head = Zeroizing::new(Vec::new());
                Ok(self.piece_at(0, prefix.len(), &mut head)? == prefix)
            }
        }
    }

    /// Where PDFium reads it from (to count its pages).
    fn opening(&self) -> ClientResult<ecabinet_pdf::Opening> {
        Ok(match self {
            Self::Memory(bytes) => ecabinet_pdf::Opening::shared(bytes.clone()),
            #[cfg(unix)]
            Self::File { path, file, .. } => ecabinet_pdf::Opening {
                source: Box::new(file.try_clone().map_err(|e| ClientError::io(path, e))?),
                failure: Default::default(),
            },
        })
    }

    /// The plaintext of chunk `index`, read into `buffer` if from a file.
    fn piece<'a>(&'a self, index: usize, buffer: &'a mut Vec<u8>) -> ClientResult<&'a [u8]> {
        let start = (index * CHUNK_SIZE) as u64;
        let length = self.len().saturating_sub(start).min(CHUNK_SIZE as u64) as usize;
        self.piece_at(start, length, buffer)
    }

    fn piece_at<'a>(
        &'a self,
        start: u64,
        length: usize,
        buffer: &'a mut Vec<u8>,
    ) -> ClientResult<&'a [u8]> {
        match self {
            Self::Memory(bytes) => Ok(bytes
                .get(start as usize..start as usize + length)
                .unwrap_or_default()),
            #[cfg(unix)]
            Self::File { path, file, .. } => {
                use std::os::unix::fs::FileExt;
                buffer.resize(length, 0);
                file.read_exact_at(buffer, start)
                    .map_err(|e| ClientError::io(path, e))?;
                Ok(buffer.as_slice())
            }
        }
    }

    /// Whether a file is as it was when opened (its length and time), so a
    /// file saved over while it was sealed is not published half old.
    fn unchanged(&self) -> bool {
        match self {
            Self::Memory(_) => true,
            #[cfg(unix)]
            Self::File {
                file,
                length,
                modified,
                ..
            } => file
                .metadata()
                .is_ok_and(|now| now.len() == *length && now.modified().ok() == *modified),
        }
    }
}

/// Consecutive chunks the secretariat's device uploads in one request.
const CHUNKS_PER_UPLOAD: usize = 8;
/// Runs of chunks uploaded at once.
const UPLOADS_IN_FLIGHT: usize = 2;

/// Consecutive indices grouped into runs `(first, count)` of at most `longest`.
pub(crate) fn runs_of(
    indices: impl IntoIterator<Item = usize>,
    longest: usize,
) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for index in indices {
        match runs.last_mut() {
            Some((from, count)) if *from + *count == index && *count < longest => *count += 1,
            _ => runs.push((index, 1)),
        }
    }
    runs
}

/// Seals a document's chunks into `cache` (`N.sealed`) on every core and
/// returns what the manifest says of each: the same chunks as
/// `seal_document`, without holding them all in memory at once. The threads
/// take the chunks in order, and `sealed(index, chunk)` is called as each
/// one is in the cache, so an upload can follow close behind.
fn seal_into_cache(
    key: &ContentKey,
    context: &ChunkContext,
    plaintext: &Plaintext,
    cache: &Path,
    buffers: &BufferPool,
    sealed: &(dyn Fn(usize, Vec<u8>) + Sync),
) -> ClientResult<SealedFile> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let count = plaintext.chunk_count();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(count);
    let next = AtomicUsize::new(0);
    // One thread's failure stops the others at their next chunk.
    let failed = AtomicBool::new(false);
    let mut infos: Vec<Option<ChunkInfo>> = vec![None; count];
    let mut scans: Vec<ecabinet_sign::PieceScan> = vec![Default::default(); count];
    type Done = (usize, ChunkInfo, ecabinet_sign::PieceScan);
    let results: Vec<ClientResult<Vec<Done>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    // One buffer per thread for the pieces read from a file.
                    let mut buffer = Zeroizing::new(Vec::new());
                    let mut seal = |index: usize| -> ClientResult<()> {
                        let piece = plaintext.piece(index, &mut buffer)?;
                        // Signed or not, seen while the piece is at hand.
                        let scan = ecabinet_sign::PieceScan::of(piece);
                        let mut chunk = buffers.take(piece.len() + CHUNK_OVERHEAD);
                        chunk.extend_from_slice(piece);
                        seal_chunk_in_place(
                            key,
                            context,
                            index as u32,
                            index + 1 == count,
                            &mut chunk,
                        )?;
                        write_cache_file(cache, &format!("{index}.sealed"), &chunk)?;
                        done.push((
                            index,
                            ChunkInfo {
                                size: chunk.len() as u32,
                                sha256: b64_encode(&sha256(&chunk)),
                            },
                            scan,
                        ));
                        sealed(index, chunk);
                        Ok(())
                    };
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= count || failed.load(Ordering::Relaxed) {
                            break;
                        }
                        if let Err(error) = seal(index) {
                            failed.store(true, Ordering::Relaxed);
                            return Err(error);
                        }
                    }
                    Ok(done)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker.join().unwrap_or_else(|_| {
                    Err(ClientError::Protocol("a sealing thread panicked".into()))
                })
            })
            .collect()
    });
    for result in results {
        for (index, info, scan) in result? {
            infos[index] = Some(info);
            scans[index] = scan;
        }
    }
    Ok(SealedFile {
        chunks: infos
            .into_iter()
            .map(|info| info.ok_or_else(|| ClientError::Protocol("a chunk was not sealed".into())))
            .collect::<ClientResult<_>>()?,
        may_hold_signatures: ecabinet_sign::pieces_may_hold_signatures(&scans),
    })
}

/// What sealing a file found: what the manifest says of each chunk, and
/// whether the file may hold legal signatures.
struct SealedFile {
    chunks: Vec<ChunkInfo>,
    may_hold_signatures: bool,
}

/// A version just published.
pub(crate) struct Published {
    pub(crate) document: Document,
    /// Whether its file may hold legal signatures (a signature
    /// dictionary's marker was seen while sealing it).
    pub(crate) may_hold_signatures: bool,
}

/// Whether the cache holds a chunk of the right size. Not its hash: every
/// read of a cached chunk checks that (and a bad one is fetched again), so
/// asking "what is still to download?" need not read 100 MB.
pub(crate) fn chunk_is_cached(cache: &Path, index: usize, info: &ChunkInfo) -> bool {
    std::fs::metadata(cache.join(format!("{index}.sealed")))
        .is_ok_and(|m| m.len() == u64::from(info.size))
}

pub(crate) fn manifest_of(document: &Document) -> ClientResult<DocumentManifest> {
    verified_manifest(document)
}

pub(crate) fn matches_manifest(bytes: &[u8], info: &ChunkInfo) -> bool {
    bytes.len() == info.size as usize && b64_encode(&sha256(bytes)) == info.sha256
}

/// The manifest, after checking the uploader's signature over its exact text
/// and that it describes this document.
fn verified_manifest(document: &Document) -> ClientResult<DocumentManifest> {
    let untrusted =
        |why: &str| ClientError::ServerIdentity(format!("document \"{}\": {why}", document.title));
    let public =
        b64_decode(&document.uploader_signing_key).map_err(|_| untrusted("bad uploader key"))?;
    let signature = b64_decode(&document.manifest_signature)
        .map_err(|_| untrusted("bad signature encoding"))?;
    verify_signature(
        &public,
        &DocumentManifest::signing_message(&document.manifest),
        &signature,
    )
    .map_err(|_| untrusted("the manifest's signature does not verify"))?;
    let manifest: DocumentManifest = serde_json::from_str(&document.manifest)
        .map_err(|_| untrusted("the manifest is unreadable"))?;
    if manifest.document_id != document.id
        || manifest.version != document.version
        || manifest.chunks.is_empty()
        || manifest.chunks.len() != document.chunk_count as usize
    {
        return Err(untrusted("the manifest describes another document"));
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A downloaded chunk is kept if it opens under the known key, else if
    /// it matches the signed hash (no key yet, or a key wrapped wrongly);
    /// a tampered, short or long chunk leaves nothing behind.
    #[test]
    fn a_downloaded_chunk_is_kept_only_if_it_passes_its_check() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let dir = tempfile::tempdir().expect("a folder");
        let context = ChunkContext {
            document_id: [3; 16],
            version: 1,
        };
        let key = ContentKey::generate().expect("a key");
        let plaintext: Vec<u8> = (0..2 * CHUNK_SIZE).map(|i| (i % 253) as u8).collect();
        let sealed = ecabinet_crypto::seal_document(&key, &context, &plaintext).expect("sealed");
        let info = |bytes: &[u8]| ChunkInfo {
            size: bytes.len() as u32,
            sha256: b64_encode(&sha256(bytes)),
        };
        let buffers = check_buffers(1);
        let check = |key: Option<&ContentKey>| {
            let check = ChunkCheck {
                key: Default::default(),
                context,
                buffers: buffers.clone(),
            };
            if let Some(key) = key {
                let raw = ecabinet_crypto::DeviceKeys::generate().expect("device");
                let wrapped = wrap_key(key, &raw.agreement_public_key(), b"test").expect("wrapped");
                check.know_key(raw.unwrap_key(&wrapped, b"test").expect("unwrapped"));
            }
            check
        };
        // Sends `bytes` in pieces of 64 KiB as expected chunk `index`.
        let store = |index: usize, bytes: &[u8], expected: ChunkInfo, check: ChunkCheck| {
            runtime.block_on(async {
                let mut incoming = IncomingChunk::start(
                    dir.path(),
                    Expected {
                        index,
                        last: index == 1,
                        info: expected,
                        title: "scan".into(),
                    },
                    check,
                );
                for piece in bytes.chunks(64 << 10) {
                    incoming.take(bytes::Bytes::copy_from_slice(piece));
                }
                stored_chunk(incoming.finish()).await
            })
        };
        let names = || {
            let mut names: Vec<String> = std::fs::read_dir(dir.path())
                .expect("listed")
                .map(|entry| {
                    entry
                        .expect("entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            names.sort();
            names
        };

        // Under the key, and by the hash alone.
        store(0, &sealed[0], info(&sealed[0]), check(Some(&key))).expect("opens");
        store(1, &sealed[1], info(&sealed[1]), check(None)).expect("hash matches");
        assert_eq!(names(), ["0.sealed", "1.sealed"]);
        assert_eq!(
            std::fs::read(dir.path().join("0.sealed")).expect("kept"),
            sealed[0]
        );

        // Not under this key (a key wrapped wrongly) but the signed chunk:
        // kept, opening will say what is wrong with the key.
        let other = ContentKey::generate().expect("a key");
        std::fs::remove_file(dir.path().join("1.sealed")).expect("removed");
        store(1, &sealed[1], info(&sealed[1]), check(Some(&other))).expect("hash decides");

        // Tampered halfway: refused with or without the key, nothing left.
        let mut bent = sealed[0].clone();
        bent[CHUNK_SIZE / 2] ^= 1;
        std::fs::remove_file(dir.path().join("0.sealed")).expect("removed");
        for key in [Some(&key), None] {
            let refused = store(0, &bent, info(&sealed[0]), check(key)).expect_err("tampered");
            assert_eq!(refused.code(), "server_identity", "{refused}");
        }
        // A chunk sealed at another place opens under the key nowhere else.
        let moved = store(0, &sealed[1], info(&sealed[0]), check(Some(&key)));
        assert!(moved.is_err(), "chunk 1 served as chunk 0");
        // Short and long.
        let short = &sealed[0][..CHUNK_SIZE];
        assert!(store(0, short, info(&sealed[0]), check(Some(&key))).is_err());
        let mut long = sealed[0].clone();
        long.push(0);
        assert!(store(0, &long, info(&sealed[0]), check(Some(&key))).is_err());
        assert_eq!(names(), ["1.sealed"], "nothing left of the refused ones");
    }

    /// A file is sealed from the pieces read as the sealing threads go, the
    /// same chunks as from memory; a file saved over meanwhile is noticed.
    #[test]
    fn a_file_seals_like_its_bytes_and_a_change_meanwhile_is_noticed() {
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("annex.pdf");
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.extend((0..2 * CHUNK_SIZE as u32 + 77).map(|i| (i.wrapping_mul(31) >> 3) as u8));
        std::fs::write(&path, &bytes).expect("written");

        let from_file = Plaintext::open(&path).expect("opened");
        let in_memory = Plaintext::memory(Zeroizing::new(bytes.clone()));
        assert_eq!(from_file.len(), bytes.len() as u64);
        assert!(from_file.starts_with(b"%PDF-").expect("read"));
        assert!(!from_file.starts_with(b"%PNG").expect("read"));
        let key = ContentKey::generate().expect("a key");
        let context = ChunkContext {
            document_id: [3; 16],
            version: 1,
        };
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).expect("a");
        std::fs::create_dir_all(&b).expect("b");
        // Each chunk is announced once, and only once it is in the cache.
        let announced = std::sync::Mutex::new(Vec::new());
        let pool = BufferPool::keeping(4);
        let sealed = seal_into_cache(&key, &context, &from_file, &a, &pool, &|index, _| {
            assert!(a.join(format!("{index}.sealed")).exists());
            announced.lock().expect("the list").push(index);
        })
        .expect("sealed");
        assert!(!sealed.may_hold_signatures);
        let sealed = sealed.chunks;
        assert_eq!(sealed.len(), 3);
        let mut announced = announced.into_inner().expect("the list");
        announced.sort_unstable();
        assert_eq!(announced, [0, 1, 2]);
        let from_memory = seal_into_cache(&key, &context, &in_memory, &b, &pool, &|_, _| {})
            .expect("sealed")
            .chunks;
        assert_eq!(
            sealed.iter().map(|c| c.size).collect::<Vec<_>>(),
            from_memory.iter().map(|c| c.size).collect::<Vec<_>>()
        );
        let mut buffer = Vec::new();
        let mut read_back = Vec::new();
        for index in 0..3 {
            read_back.extend_from_slice(from_file.piece(index, &mut buffer).expect("a piece"));
        }
        assert_eq!(read_back, bytes);
        assert!(from_file.unchanged());

        std::fs::write(&path, b"%PDF-1.7\nsaved over").expect("rewritten");
        assert!(!from_file.unchanged(), "a new length is noticed");
    }
}
