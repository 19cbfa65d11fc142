//! eCabinet's client engine, shared by the `ecab` CLI and the desktop app:
//! the device's profile and keys, the local replica, and sync with the
//! server. Both shells are thin: every rule and every byte moved lives here.

mod anchoring;
mod annotations;
mod api;
mod cache;
mod changes;
mod commands;
mod documents;
mod engine;
mod error;
mod exchange;
mod idle_lock;
mod minutes;
mod opinions;
mod oplog;
mod os_keyring;
mod output_file;
mod positions;
mod prefetch;
mod profile;
mod reading;
mod recent_pages;
mod references;
mod replica;
pub mod room;
mod sealed_reader;
mod session;
mod signing;
mod stats;
mod stored_sign_in;
mod views;
mod voting;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use ecabinet_crypto::{b64_decode, b64_encode, verify_signature, DeviceKeys};
use ecabinet_domain::api::{
    auth_challenge_message, enrolment_receipt_message, CreateMeetingRequest, EnrollRequest,
    TokenRequest,
};
use ecabinet_domain::enrolment::EnrolmentCode;
use ecabinet_domain::ops::Command;
use ecabinet_domain::{validate, AgendaItem, ChangeBody, DocumentId, Meeting, MeetingId};

pub use annotations::{AnnotationEdit, AnnotationList, AnnotationView, NewAnnotation, Placement};
pub use api::{
    event_socket_config, parse_server_url, RoomSignalEnvelope, ServerApi, SocketMessage,
    SocketMessages,
};
pub use cache::CacheReport;
pub use changes::{ChangeHunk, DocumentChanges};
pub use documents::{handling_of, FetchedDocument};
pub use ecabinet_pdf::SearchHit;
pub use engine::Engine;
pub use error::{ClientError, ClientResult, UiError};
pub use exchange::{ExportDetails, ExportedPackage, ImportedPackage};
pub use idle_lock::{
    IdleLock, LockStatus, DEFAULT_IDLE_MINUTES, MAX_IDLE_MINUTES, MIN_IDLE_MINUTES,
};
pub use minutes::{
    minutes_pdf, read_minutes, verify_log, write_minutes, MinutesLanguage, MinutesVerification,
};
pub use opinions::{OpinionDraft, OpinionRequestView};
pub use oplog::RejectedChange;
pub use os_keyring::KEYRING_ENV;
pub use output_file::write_output_file;
pub use positions::ItemPositionsView;
pub use prefetch::PrefetchProgress;
pub use profile::{default_profile_dir, ProfileFile, PASSPHRASE_ENV};
pub use reading::RenderedPage;
pub use replica::Replica;
pub use session::{
    AttendanceBoard, AttendanceLineView, ItemProgress, NamedRef, PresentedPage, PresenterView,
    SessionView, SpeakerListView, SpeakerNow, SpokenView, WaitingView,
};
pub use signing::{
    SignatureIntegrity, SignatureTrust, SignatureView, TokenSignRequest, TRUST_ANCHORS_DIR,
    TRUST_ANCHORS_ENV,
};
pub use views::{
    AgendaView, AppStatus, DocumentView, PageHit, ProfileSummary, SyncReport, SyncState, SyncStatus,
};
pub use voting::{verify_export, TallyVerification, VoteOutcome};

/// The outcome of the latest sync attempt in this process.
#[derive(Clone, Debug)]
enum Attempt {
    Succeeded,
    Failed(UiError, bool),
}

/// An enrolled device: open it with [`Client::open`], or create it with [`Client::enroll`].
pub struct Client {
    dir: PathBuf,
    profile: ProfileFile,
    keys: DeviceKeys,
    api: ServerApi,
    replica: Replica,
    session: tokio::sync::Mutex<Option<(String, DateTime<Utc>)>>,
    /// Set when the server refuses the session (see `stored_sign_in`).
    sign_in: std::sync::Arc<api::SignInWatch>,
    last_attempt: Mutex<Option<Attempt>>,
    /// Page renders take turns here (PDFium serialises them anyway), so a
    /// render the reader no longer wants can be dropped before it starts.
    render_turns: tokio::sync::Mutex<()>,
    /// The pages rendered last (see `recent_pages`).
    recent_pages: Mutex<recent_pages::RecentPages>,
    /// Moves each time the documents are closed (the app locked, a wipe):
    /// a render begun before keeps nothing, a page ahead is not drawn.
    documents_epoch: std::sync::atomic::AtomicU64,
    /// Presented document versions this replica lacked, each pulled for
    /// once (see `Client::session_view_of`).
    presented_pulls: Mutex<std::collections::HashSet<(DocumentId, u32)>>,
    /// Versions whose every chunk this process uploaded as it sealed them,
    /// acknowledged by the server: the push that publishes them sends none.
    uploaded_while_sealing: Mutex<std::collections::HashSet<(DocumentId, u32)>>,
    /// One sync at a time per client: the background loop and a command's
    /// own sync would otherwise push the same ops twice and race on the cursor.
    sync_turn: tokio::sync::Mutex<()>,
    /// The server's clock minus this device's, in milliseconds, as last heard.
    server_offset_ms: std::sync::atomic::AtomicI64,
    /// Each meeting's session log as last folded (see `folded_session`).
    folded:
        Mutex<std::collections::HashMap<MeetingId, ecabinet_domain::session::rules::SessionState>>,
    /// Events from the room are checked against the head and kept one at a time.
    room_turn: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("dir", &self.dir)
            .field("device", &self.profile.device_id)
            .finish()
    }
}

/// A default device name: the machine's host name.
fn default_device_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "eCabinet device".to_owned())
}

impl Client {
    /// Opens an enrolled profile. Works offline: nothing here touches the network.
    pub async fn open(dir: &Path) -> ClientResult<Self> {
        let profile = profile::read_profile(dir)?
            .ok_or_else(|| ClientError::NotEnrolled(dir.display().to_string()))?;
        if profile.revoked {
            return Err(ClientError::Revoked);
        }
        let keys = profile::load_keys(dir)?;
        let base =
            parse_server_url(&profile.server_url).map_err(|e| ClientError::CorruptProfile {
                path: dir.display().to_string(),
                detail: e.to_string(),
            })?;
        let replica = Replica::open(&dir.join(profile::REPLICA_FILE)).await?;
        let sign_in = api::SignInWatch::for_profile(dir);
        Ok(Self {
            dir: dir.to_path_buf(),
            profile,
            keys,
            api: ServerApi::new(base)?.watching_sign_in(sign_in.clone()),
            sign_in,
            replica,
            session: tokio::sync::Mutex::new(None),
            last_attempt: Mutex::new(None),
            render_turns: tokio::sync::Mutex::new(()),
            recent_pages: Mutex::new(Default::default()),
            documents_epoch: std::sync::atomic::AtomicU64::new(0),
            presented_pulls: Mutex::new(Default::default()),
            uploaded_while_sealing: Mutex::new(Default::default()),
            sync_turn: tokio::sync::Mutex::new(()),
            server_offset_ms: std::sync::atomic::AtomicI64::new(0),
            folded: Mutex::new(Default::default()),
            room_turn: tokio::sync::Mutex::new(()),
        })
    }

    /// Whether `dir` holds a finished enrolment.
    pub fn is_enrolled(dir: &Path) -> ClientResult<bool> {
        Ok(profile::read_profile(dir)?.is_some())
    }

    /// Enrols this device with a one-time code: creates its keys, registers
    /// the public halves, pins the server's key, and writes the profile.
    /// On any failure the profile folder is left as it was (or empty).
    pub async fn enroll(
        dir: &Path,
        server_url: &str,
        code: &str,
        device_name: Option<&str>,
    ) -> ClientResult<Self> {
        if let Some(existing) = profile::read_profile(dir)?.filter(|p| !p.revoked) {
            return Err(ClientError::AlreadyEnrolled {
                device_name: existing.device_name,
                person: existing.person.name,
                server: existing.server_url,
            });
        }
        // Checked before any network call: a typo is caught offline.
        let code = EnrolmentCode::parse(code)?;
        let device_name = match device_name {
            Some(name) => validate::device_name(name)?,
            None => default_device_name(),
        };
        let base = parse_server_url(server_url)?;
        let api = ServerApi::new(base.clone())?;

        let keys = DeviceKeys::generate()?;
        let signing_public = keys.signing.public_key();
        let agreement_public = keys.agreement_public_key();
        let response = api
            .enroll(&EnrollRequest {
                code: code.canonical().to_owned(),
                device_name: device_name.clone(),
                signing_public_key: b64_encode(&signing_public),
                agreement_public_key: b64_encode(&agreement_public),
            })
            .await?;

        let server_key = b64_decode(&response.server_signing_key)
            .map_err(|e| ClientError::ServerIdentity(format!("server key: {e}")))?;
        let receipt = b64_decode(&response.receipt_signature)
            .map_err(|e| ClientError::ServerIdentity(format!("receipt: {e}")))?;
        verify_signature(
            &server_key,
            &enrolment_receipt_message(
                response.device_id,
                response.person.id,
                &signing_public,
                &agreement_public,
            ),
            &receipt,
        )
        .map_err(|_| {
            ClientError::ServerIdentity(
                "the enrolment receipt is not signed by the server's key".into(),
            )
        })?;
        if response.person.organisation_id != response.organisation.id {
            return Err(ClientError::ServerIdentity(
                "the person and organisation do not match".into(),
            ));
        }

        profile::create_private_dir(dir)?;
        profile::clear_unfinished(dir)?;
        profile::store_keys(dir, &keys)?;
        let replica = Replica::open(&dir.join(profile::REPLICA_FILE)).await?;
        replica
            .put(&ChangeBody::Organisation(response.organisation.clone()))
            .await?;
        replica
            .put(&ChangeBody::Person(response.person.clone()))
            .await?;
        let profile = ProfileFile {
            format: 1,
            server_url: base.to_string(),
            server_signing_key: response.server_signing_key,
            device_id: response.device_id,
            device_name,
            person: response.person,
            organisation: response.organisation,
            revoked: false,
        };
        // The commit point: from here on the profile counts as enrolled.
        profile::write_profile(dir, &profile)?;
        tracing::info!(device = %profile.device_id, "enrolled");
        let sign_in = api::SignInWatch::for_profile(dir);
        Ok(Self {
            dir: dir.to_path_buf(),
            profile,
            keys,
            api: api.watching_sign_in(sign_in.clone()),
            sign_in,
            replica,
            session: tokio::sync::Mutex::new(None),
            last_attempt: Mutex::new(None),
            render_turns: tokio::sync::Mutex::new(()),
            recent_pages: Mutex::new(Default::default()),
            documents_epoch: std::sync::atomic::AtomicU64::new(0),
            presented_pulls: Mutex::new(Default::default()),
            uploaded_while_sealing: Mutex::new(Default::default()),
            sync_turn: tokio::sync::Mutex::new(()),
            server_offset_ms: std::sync::atomic::AtomicI64::new(0),
            folded: Mutex::new(Default::default()),
            room_turn: tokio::sync::Mutex::new(()),
        })
    }

    pub fn profile_dir(&self) -> &Path {
        &self.dir
    }

    pub fn profile(&self) -> &ProfileFile {
        &self.profile
    }

    pub fn summary(&self) -> ProfileSummary {
        ProfileSummary {
            device_id: self.profile.device_id,
            device_name: self.profile.device_name.clone(),
            server_url: self.profile.server_url.clone(),
            person: self.profile.person.clone(),
            organisation: self.profile.organisation.clone(),
        }
    }

    /// Releases the replica's database handles.
    pub async fn close(&self) {
        self.replica.close().await;
    }

    /// A valid session token, renewed by signing a fresh challenge when needed.
    async fn token(&self) -> ClientResult<String> {
        let mut session = self.session.lock().await;
        if self
            .sign_in
            .refused
            .swap(false, std::sync::atomic::Ordering::Relaxed)
        {
            // Refused since it was issued: sign in afresh (a revoked device
            // learns it there, and is wiped).
            *session = None;
        } else if session.is_none() {
            *session = stored_sign_in::reuse(&self.dir, self.profile.device_id, &self.keys);
        }
        if let Some((token, expires_at)) = session.as_ref() {
            if *expires_at - Utc::now() > stored_sign_in::MARGIN {
                return Ok(token.clone());
            }
        }
        let challenge = match self.api.challenge(self.profile.device_id).await {
            Err(ClientError::Server { code, .. }) if code == "device_revoked" => {
                // Remote wipe at first contact after revocation.
                self.replica.close().await;
                // Nothing stays open in the PDF process, nor drawn in memory.
                self.close_documents();
                profile::wipe_revoked(&self.dir, &self.profile)?;
                tracing::warn!("this device was revoked: keys, replica and cache erased");
                return Err(ClientError::Revoked);
            }
            other => other?,
        };
        let challenge_bytes =
            b64_decode(&challenge.challenge).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let signature = self.keys.signing.sign(&auth_challenge_message(
            self.profile.device_id,
            &challenge_bytes,
        ));
        let issued = self
            .api
            .token(&TokenRequest {
                device_id: self.profile.device_id,
                challenge: challenge.challenge,
                signature: b64_encode(&signature),
            })
            .await?;
        stored_sign_in::keep(
            &self.dir,
            self.profile.device_id,
            &self.keys,
            &issued.token,
            issued.expires_at,
        );
        *session = Some((issued.token.clone(), issued.expires_at));
        Ok(issued.token)
    }

    /// A current session token (signed in through the device's key), for
    /// tools that call the HTTP API directly.
    pub async fn session_token(&self) -> ClientResult<String> {
        self.token().await
    }

    fn record(&self, outcome: &ClientResult<SyncReport>) {
        let attempt = match outcome {
            Ok(_) => Attempt::Succeeded,
            Err(error) => Attempt::Failed(
                error.to_ui(),
                matches!(error, ClientError::ServerUnreachable { .. }),
            ),
        };
        if let Ok(mut last) = self.last_attempt.lock() {
            *last = Some(attempt);
        }
    }

    /// Sends this device's waiting changes, then brings the replica up to
    /// date: pulls pages until the server has no more.
    pub async fn sync(&self) -> ClientResult<SyncReport> {
        let _turn = self.sync_turn.lock().await;
        let outcome = match self.push_and_pull().await {
            Err(error) => Err(self.confirm_revocation(error).await),
            done => done,
        };
        self.record(&outcome);
        outcome
    }

    /// Passes `error` on; if it is the server refusing this device as
    /// revoked (a session signed in before the revocation, kept for this
    /// command), signs in afresh first, which wipes the device, so the wipe
    /// happens at the first contact after a revocation whichever session
    /// made it. Commands call this on their way out (`sync` and `prefetch`
    /// do it themselves).
    pub async fn confirm_revocation(&self, error: ClientError) -> ClientError {
        if error.code() != "device_revoked" || matches!(error, ClientError::Revoked) {
            return error;
        }
        // `token` then drops the session it holds and signs in afresh.
        self.sign_in
            .refused
            .store(true, std::sync::atomic::Ordering::Relaxed);
        match self.token().await {
            Err(wiped @ ClientError::Revoked) => wiped,
            _ => error,
        }
    }

    async fn push_and_pull(&self) -> ClientResult<SyncReport> {
        let token = self.token().await?;
        let mut report = SyncReport {
            changes_received: 0,
            round_trips: 0,
            cursor: 0,
            keys_distributed: 0,
            changes_sent: 0,
            changes_rejected: 0,
            bytes_sent: 0,
        };
        // Person keys first: a sibling device can read our notes only once
        // it has the key they are sealed for.
        let mut keys_exchanged = true;
        if let Err(error) = self.sync_person_keys(&token).await {
            tracing::warn!(%error, "could not exchange person keys");
            keys_exchanged = false;
        }
        // A push the server refuses as a whole must not keep this device
        // from receiving: pull anyway, then report the push's error.
        let pushed = self.push_outbox(&token, &mut report).await;
        if let Err(ClientError::ServerUnreachable { .. } | ClientError::Revoked) = &pushed {
            return pushed.map(|()| report);
        }
        self.pull_all(&token, &mut report).await?;
        pushed?;
        // Again if the first exchange failed, or if a key was made meanwhile
        // (a note written during the sync): otherwise nothing has changed
        // on this side, and a request is saved.
        let made_meanwhile = self
            .replica
            .person_keys()
            .await?
            .iter()
            .any(|(_, _, uploaded)| !uploaded);
        if !keys_exchanged || made_meanwhile {
            if let Err(error) = self.sync_person_keys(&token).await {
                tracing::warn!(%error, "could not exchange person keys");
            }
        }
        Ok(report)
    }

    /// The ops at the head of the outbox, encoded once and signed once.
    async fn next_batch(
        &self,
    ) -> ClientResult<
        Option<(
            Vec<ecabinet_domain::ops::Op>,
            ecabinet_domain::ops::PushBatch,
        )>,
    > {
        let outbox = self
            .replica
            .outbox(ecabinet_sync::push::PUSH_BATCH_OPS)
            .await?;
        if outbox.is_empty() {
            return Ok(None);
        }
        let encoded = ecabinet_domain::wire::encode_ops(&outbox)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let signature = self
            .keys
            .signing
            .sign(&ecabinet_domain::ops::push_signing_message(
                self.profile.device_id,
                &ecabinet_crypto::sha256(&encoded),
            ));
        let batch = ecabinet_domain::ops::PushBatch {
            device_id: self.profile.device_id,
            ops: encoded.into(),
            signature: signature.to_vec().into(),
        };
        Ok(Some((outbox, batch)))
    }

    /// The next batch this device would push, for tools and tests that speak
    /// HTTP themselves (nothing is marked sent).
    pub async fn signed_outbox_batch(
        &self,
    ) -> ClientResult<Option<ecabinet_domain::ops::PushBatch>> {
        Ok(self.next_batch().await?.map(|(_, batch)| batch))
    }

    /// Sends the outbox in signed batches, oldest first, and records each answer.
    async fn push_outbox(&self, token: &str, report: &mut SyncReport) -> ClientResult<()> {
        loop {
            let Some((outbox, batch)) = self.next_batch().await? else {
                return Ok(());
            };
            self.upload_for(token, &outbox).await?;
            let (response, sent) = self.api.push_ops(token, &batch).await?;
            report.round_trips += 1;
            report.bytes_sent = report.bytes_sent.saturating_add(sent as u32);
            let matched = ecabinet_sync::push::match_results(&outbox, response)
                .map_err(|e| ClientError::Protocol(e.to_string()))?;
            for (op, result) in &matched {
                // Read receipts are not the person's changes: not counted.
                if crate::oplog::is_receipt(op) {
                    continue;
                }
                match result {
                    ecabinet_domain::ops::OpResult::Accepted { .. } => report.changes_sent += 1,
                    ecabinet_domain::ops::OpResult::Rejected { code, reason } => {
                        report.changes_rejected += 1;
                        tracing::warn!(op = %op.id, %code, %reason, "the server refused a change");
                    }
                }
            }
            self.replica.record_results(&matched).await?;
        }
    }

    async fn pull_all(&self, token: &str, report: &mut SyncReport) -> ClientResult<()> {
        let token = token.to_owned();
        let mut state = self.replica.pull_state().await?;
        report.cursor = state.cursor;
        let pages = async {
            loop {
                let request = state.request();
                let page = self.api.pull(&token, request.since, request.limit).await?;
                report.round_trips += 1;
                report.changes_received += page.changes.len() as u32;
                let applied = ecabinet_sync::apply_page(state, &page)
                    .map_err(|e| ClientError::Protocol(e.to_string()))?;
                self.replica
                    .apply(
                        &applied.writes,
                        applied.state,
                        Utc::now(),
                        self.profile.person.id,
                    )
                    .await?;
                state = applied.state;
                if !applied.more {
                    return Ok::<(), ClientError>(());
                }
            }
        };
        // The organisation's cache rules come beside the changes (a round
        // trip saved), then they are enforced.
        let (pulled, policy) = futures::join!(pages, self.api.policy(&token));
        pulled?;
        report.cursor = state.cursor;
        match policy {
            Ok(policy) => self.replica.set_policy(&policy).await?,
            Err(error) => tracing::warn!(%error, "could not read the device policy"),
        }
        if let Err(error) = self.enforce_cache_policy().await {
            tracing::warn!(%error, "could not apply the cache policy");
        }
        // A secretariat device serves keys to devices enrolled since publication.
        // A failure here is logged, not fatal: the pull itself succeeded.
        match self.distribute_keys().await {
            Ok(sent) => report.keys_distributed = sent,
            Err(error) => tracing::warn!(%error, "could not distribute document keys"),
        }
        Ok(())
    }

    /// Follows the server's event socket, calling `on_behind` whenever the
    /// server's change stream is ahead of this replica (the caller then
    /// syncs). Returns when the socket closes or the network drops; callers
    /// reconnect with backoff and fall back to timed syncs meanwhile.
    ///
    /// A live event of a session is taken as it comes (the log and, when the
    /// replica stood just before it, the cursor), so the room's events cost
    /// no pull.
    pub async fn follow_server(&self, mut on_behind: impl FnMut(i64)) -> ClientResult<()> {
        let token = self.token().await?;
        let mut messages = self.api.socket_messages(&token);
        while let Some(message) = messages.next().await? {
            match message {
                api::SocketMessage::Live(live) => {
                    let (_, behind) = self.take_live_message(&live).await?;
                    if behind {
                        on_behind(live.cursor.unwrap_or_default());
                    }
                }
                // For the room process, which reads its own socket.
                api::SocketMessage::Signal(_) => {}
                api::SocketMessage::Poke(poke) => {
                    if poke.cursor > self.replica.pull_state().await?.cursor {
                        on_behind(poke.cursor);
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the last attempt to reach the server found it out of reach.
    pub(crate) fn server_known_unreachable(&self) -> bool {
        self.last_attempt
            .lock()
            .is_ok_and(|last| matches!(*last, Some(Attempt::Failed(_, true))))
    }

    /// Online, offline or never synced, with the last success and the last error.
    pub async fn sync_status(&self) -> ClientResult<SyncStatus> {
        let last_sync = self.replica.last_sync().await?;
        let cursor = self.replica.pull_state().await?.cursor;
        let attempt = self.last_attempt.lock().ok().and_then(|last| last.clone());
        let (state, last_error) = match attempt {
            Some(Attempt::Succeeded) => (SyncState::Online, None),
            Some(Attempt::Failed(error, unreachable)) => (
                if unreachable {
                    SyncState::Offline
                } else {
                    SyncState::Online
                },
                Some(error),
            ),
            // Not checked yet in this process: say offline until a sync proves otherwise.
            None if last_sync.is_none() => (SyncState::NeverSynced, None),
            None => (SyncState::Offline, None),
        };
        Ok(SyncStatus {
            state,
            last_sync,
            cursor: cursor as f64,
            last_error,
            waiting_to_send: self.replica.pending_count().await?,
            rejected: self.replica.rejected_changes(20).await?,
        })
    }

    /// Meetings this person may see, soonest first, from the local replica.
    pub async fn meetings(&self) -> ClientResult<Vec<Meeting>> {
        self.replica.meetings().await
    }

    /// Accepts a full meeting id or an unambiguous prefix of one (at least 4 characters).
    pub async fn resolve_meeting(&self, reference: &str) -> ClientResult<MeetingId> {
        let reference = reference.trim();
        if let Ok(id) = reference.parse::<MeetingId>() {
            return Ok(id);
        }
        let not_found = || ClientError::NotFound {
            kind: "meeting",
            reference: reference.to_owned(),
        };
        if reference.len() < 4 || !reference.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(not_found());
        }
        let matches = self.replica.meeting_ids_with_prefix(reference).await?;
        match matches.as_slice() {
            [] => Err(not_found()),
            [one] => Ok(*one),
            _ => Err(ClientError::InvalidArgument(format!(
                "{reference:?} matches {} meetings; give more of the id",
                matches.len()
            ))),
        }
    }

    /// One meeting, from the local replica.
    pub async fn meeting_here(&self, meeting: MeetingId) -> ClientResult<Meeting> {
        self.replica
            .meeting(meeting)
            .await?
            .ok_or_else(|| ClientError::NotFound {
                kind: "meeting",
                reference: meeting.to_string(),
            })
    }

    /// A meeting and its agenda, from the local replica.
    pub async fn agenda(&self, meeting: MeetingId) -> ClientResult<AgendaView> {
        let found = self.meeting_here(meeting).await?;
        let items = self.replica.agenda(meeting).await?;
        let documents = self.replica.meeting_documents(meeting).await?;
        let access = self.replica.meeting_access(meeting).await?;
        let revised = self.replica.unseen_revisions(meeting).await?;
        Ok(AgendaView {
            meeting: found,
            items,
            documents,
            access,
            revised,
        })
    }

    /// This person's devices, as the server knows them.
    pub async fn devices(&self) -> ClientResult<Vec<ecabinet_domain::api::DeviceSummary>> {
        let token = self.token().await?;
        self.api.own_devices(&token).await
    }

    /// The server's audit log as this person may read it (the secretariat:
    /// its organisation's, filtered; a member: their own), every page.
    pub async fn audit(
        &self,
        mut query: ecabinet_domain::api::AuditQuery,
    ) -> ClientResult<Vec<ecabinet_domain::api::AuditEntry>> {
        let token = self.token().await?;
        let mut entries: Vec<ecabinet_domain::api::AuditEntry> = Vec::new();
        loop {
            let page = self.api.audit(&token, &query).await?;
            // A short page is the last: reading the log adds an entry of its
            // own, so "until an empty page" would never end.
            let last_page = page.len() < ecabinet_domain::api::AUDIT_PAGE;
            query.after = page.last().map(|e| e.seq).or(query.after);
            entries.extend(page);
            if last_page {
                return Ok(entries);
            }
        }
    }

    /// A one-time code to enrol another device of this same person.
    pub async fn link_device(&self) -> ClientResult<ecabinet_domain::api::InviteResponse> {
        self.invite(None, None, Some(self.profile.person.id)).await
    }

    /// Revokes a device (the secretariat any device, a person their own):
    /// it gets nothing more and wipes itself at its next contact. Offline,
    /// the revocation goes out with the next sync.
    pub async fn revoke_device(&self, device: ecabinet_domain::DeviceId) -> ClientResult<()> {
        self.run_command(Command::RevokeDevice { device_id: device }, &[])
            .await?;
        Ok(())
    }

    /// The organisation's people, from the replica.
    pub async fn people(&self) -> ClientResult<Vec<ecabinet_domain::Person>> {
        self.replica.persons().await
    }

    /// Makes a one-time enrolment code (secretariat): for a new person
    /// (`name` and `role`), or for another device of `person`. The code is
    /// made here, shown once, and only its hash is sent; it works once the
    /// server has it (at once when online, else after the next sync).
    pub async fn invite(
        &self,
        name: Option<&str>,
        role: Option<ecabinet_domain::Role>,
        person: Option<ecabinet_domain::PersonId>,
    ) -> ClientResult<ecabinet_domain::api::InviteResponse> {
        let invited = match (person, name, role) {
            (Some(id), None, None) if id == self.profile.person.id => self.profile.person.clone(),
            (Some(id), None, None) => self
                .replica
                .persons()
                .await?
                .into_iter()
                .find(|p| p.id == id)
                .ok_or_else(|| ClientError::NotFound {
                    kind: "person",
                    reference: id.to_string(),
                })?,
            (None, Some(name), Some(role)) => ecabinet_domain::Person {
                id: ecabinet_domain::PersonId::new(),
                organisation_id: self.profile.organisation.id,
                name: validate::person_name(name)?,
                role,
            },
            _ => {
                return Err(ClientError::InvalidArgument(
                    "give a name and a role for a new person, or a person for a new device".into(),
                ))
            }
        };
        let code = EnrolmentCode::from_entropy(&ecabinet_crypto::random_bytes::<10>()?);
        let new_person = person.is_none();
        let command = Command::Invite {
            person_id: invited.id,
            name: new_person.then(|| invited.name.clone()),
            role: new_person.then_some(invited.role),
            code_sha256: b64_encode(&ecabinet_crypto::sha256(code.canonical().as_bytes())),
        };
        let shown = if new_person {
            vec![ChangeBody::Person(invited.clone())]
        } else {
            Vec::new()
        };
        self.run_command(command, &shown).await?;
        Ok(ecabinet_domain::api::InviteResponse {
            person: invited,
            code: code.to_string(),
            expires_at: Utc::now()
                + Duration::days(ecabinet_domain::enrolment::INVITE_LIFETIME_DAYS),
        })
    }

    /// Creates a meeting (secretariat), offline too: it is saved here and
    /// created on the server with the id chosen here when it is sent.
    pub async fn create_meeting(
        &self,
        title: &str,
        starts_at: DateTime<Utc>,
    ) -> ClientResult<Meeting> {
        self.create_meeting_with(CreateMeetingRequest {
            title: title.to_owned(),
            starts_at,
            details: Default::default(),
            draft: false,
        })
        .await
    }

    /// [`Client::create_meeting`] with kind, place, participants and
    /// substitutes, and optionally as a draft only the secretariat sees.
    pub async fn create_meeting_with(
        &self,
        mut request: CreateMeetingRequest,
    ) -> ClientResult<Meeting> {
        request.title = validate::title(&request.title)?;
        request.details = validate::meeting_details(&request.details)?;
        let meeting = Meeting {
            id: MeetingId::new(),
            organisation_id: self.profile.organisation.id,
            title: request.title.clone(),
            starts_at: request.starts_at,
            status: if request.draft {
                ecabinet_domain::MeetingStatus::Draft
            } else {
                ecabinet_domain::MeetingStatus::Published
            },
            created_by: self.profile.person.id,
            details: request.details.clone(),
        };
        let command = Command::CreateMeeting {
            meeting_id: meeting.id,
            request,
        };
        self.run_command(command, &[ChangeBody::Meeting(meeting.clone())])
            .await?;
        Ok(self.replica.meeting(meeting.id).await?.unwrap_or(meeting))
    }

    /// Appends an item to a meeting's agenda (secretariat only); `only`
    /// restricts its documents to the named persons.
    pub async fn add_agenda_item(
        &self,
        meeting: MeetingId,
        title: &str,
        only: Option<Vec<ecabinet_domain::PersonId>>,
    ) -> ClientResult<AgendaItem> {
        self.add_agenda_item_with(meeting, title, only, Default::default())
            .await
    }

    /// [`Client::add_agenda_item`] with the presenting ministry, summary and
    /// recommended action. Works offline, like every secretariat command.
    pub async fn add_agenda_item_with(
        &self,
        meeting: MeetingId,
        title: &str,
        only: Option<Vec<ecabinet_domain::PersonId>>,
        details: ecabinet_domain::ItemDetails,
    ) -> ClientResult<AgendaItem> {
        let title = validate::title(title)?;
        let details = validate::item_details(&details)?;
        if self.replica.meeting(meeting).await?.is_none() {
            return Err(ClientError::NotFound {
                kind: "meeting",
                reference: meeting.to_string(),
            });
        }
        let agenda = self.replica.agenda(meeting).await?;
        let item = AgendaItem {
            id: ecabinet_domain::AgendaItemId::new(),
            meeting_id: meeting,
            position: agenda.iter().map(|i| i.position).max().unwrap_or(0) + 1,
            title: title.clone(),
            restricted: only.is_some(),
            details: details.clone(),
        };
        let mut shown = vec![ChangeBody::AgendaItem(item.clone())];
        if let Some(persons) = &only {
            shown.push(ChangeBody::ItemAccess(ecabinet_domain::ItemAccess {
                agenda_item_id: item.id,
                persons: persons.clone(),
            }));
        }
        let command = Command::AddAgendaItem {
            item_id: item.id,
            meeting_id: meeting,
            request: ecabinet_domain::api::AddAgendaItemRequest {
                title,
                only,
                details,
            },
        };
        self.run_command(command, &shown).await?;
        Ok(self.replica.agenda_item(item.id).await?.unwrap_or(item))
    }

    /// Changes a meeting's title, start or status (secretariat): cancel, publish, move.
    pub async fn update_meeting(
        &self,
        meeting: MeetingId,
        request: ecabinet_domain::api::UpdateMeetingRequest,
    ) -> ClientResult<Meeting> {
        if let Some(title) = &request.title {
            validate::title(title)?;
        }
        let mut shown =
            self.replica
                .meeting(meeting)
                .await?
                .ok_or_else(|| ClientError::NotFound {
                    kind: "meeting",
                    reference: meeting.to_string(),
                })?;
        if let Some(title) = &request.title {
            shown.title = title.trim().to_owned();
        }
        if let Some(starts_at) = request.starts_at {
            shown.starts_at = starts_at;
        }
        if let Some(status) = request.status {
            shown.status = status;
        }
        if let Some(details) = &request.details {
            shown.details = validate::meeting_details(details)?;
        }
        let command = Command::UpdateMeeting {
            meeting_id: meeting,
            request,
        };
        self.run_command(command, &[ChangeBody::Meeting(shown.clone())])
            .await?;
        Ok(self.replica.meeting(meeting).await?.unwrap_or(shown))
    }

    /// One agenda item, as last synced.
    pub async fn agenda_item(
        &self,
        item: ecabinet_domain::AgendaItemId,
    ) -> ClientResult<AgendaItem> {
        self.replica
            .agenda_item(item)
            .await?
            .ok_or_else(|| ClientError::NotFound {
                kind: "agenda item",
                reference: item.to_string(),
            })
    }

    /// Changes an item's title or details (its status among them; secretariat), offline too.
    pub async fn update_agenda_item(
        &self,
        item: ecabinet_domain::AgendaItemId,
        request: ecabinet_domain::api::UpdateAgendaItemRequest,
    ) -> ClientResult<AgendaItem> {
        let mut shown = self.agenda_item(item).await?;
        if let Some(title) = &request.title {
            shown.title = validate::title(title)?;
        }
        if let Some(details) = &request.details {
            shown.details = validate::item_details(details)?;
        }
        let command = Command::UpdateAgendaItem {
            item_id: item,
            request,
        };
        self.run_command(command, &[ChangeBody::AgendaItem(shown.clone())])
            .await?;
        Ok(self.replica.agenda_item(item).await?.unwrap_or(shown))
    }

    /// Restricts an item to named persons (`Some`), or opens it to all participants (`None`).
    pub async fn set_item_access(
        &self,
        item: ecabinet_domain::AgendaItemId,
        only: Option<Vec<ecabinet_domain::PersonId>>,
    ) -> ClientResult<AgendaItem> {
        let mut shown = self.agenda_item(item).await?;
        shown.restricted = only.is_some();
        let access = ecabinet_domain::ItemAccess {
            agenda_item_id: item,
            persons: only.clone().unwrap_or_default(),
        };
        let command = Command::SetItemAccess {
            item_id: item,
            only,
        };
        self.run_command(
            command,
            &[
                ChangeBody::AgendaItem(shown.clone()),
                ChangeBody::ItemAccess(access),
            ],
        )
        .await?;
        Ok(self.replica.agenda_item(item).await?.unwrap_or(shown))
    }
}
