//! The server's rules, independent of HTTP: who may enrol, who is who, who
//! may do what. Handlers call these and only translate to and from JSON.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use ecabinet_crypto::{b64_decode, b64_encode, random_bytes, sha256, verify_signature, SigningKey};
use ecabinet_domain::api::{
    auth_challenge_message, enrolment_receipt_message, ChallengeResponse, EnrollRequest,
    EnrollResponse, InviteRequest, InviteResponse, PullResponse, TokenResponse,
};
use ecabinet_domain::enrolment::{CodeError, EnrolmentCode};
use ecabinet_domain::{
    validate, AgendaItem, AgendaItemId, DeviceId, Meeting, MeetingId, MeetingStatus, Organisation,
    OrganisationId, Person, PersonId, Role, ValidationError,
};
use thiserror::Error;

use tokio::sync::watch;

use crate::blobs::BlobStore;

use crate::push::OpWriter;
use crate::store::{DeviceRecord, Redemption, Store, StoreError, Viewer};

/// How long an enrolment code stays valid.
pub const INVITE_LIFETIME: Duration =
    Duration::days(ecabinet_domain::enrolment::INVITE_LIFETIME_DAYS);
const CHALLENGE_LIFETIME: Duration = Duration::minutes(2);
/// Session tokens are short-lived; the client renews them by signing a new challenge.
pub const SESSION_LIFETIME: Duration = Duration::hours(1);
/// The largest pull page a client may ask for.
pub const MAX_PULL_LIMIT: u32 = 10_000;

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error(transparent)]
    MalformedCode(#[from] CodeError),
    #[error("this enrolment code is not known to the server; check it, or ask the secretariat for a new one")]
    UnknownCode,
    #[error("this enrolment code has already been used; ask the secretariat for a new one")]
    CodeUsed,
    #[error("this enrolment code has expired; ask the secretariat for a new one")]
    CodeExpired,
    #[error("{0}")]
    BadRequest(String),
    #[error("not signed in: {0}")]
    Unauthenticated(&'static str),
    #[error("this device has been revoked; contact the IT office")]
    DeviceRevoked,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("the server has no organisation yet: create one with `ecabinet-server invite`")]
    NoOrganisation,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NoKey(&'static str),
    #[error("blob storage error: {0}")]
    Blob(#[from] std::io::Error),
    #[error("server key error: {0}")]
    Crypto(#[from] ecabinet_crypto::CryptoError),
    #[error("the signature does not match this device's key; nothing was stored")]
    BadSignature,
    #[error("{0}; try again shortly")]
    Unavailable(String),
    /// A live event the session's rules refuse.
    #[error("{0}")]
    Session(ecabinet_domain::session::rules::Refusal),
    #[error("too many failed attempts from here; wait {minutes} minute(s) and try again, or ask the IT office")]
    TooManyAttempts { minutes: u64 },
    /// The room's hub may be ordering the log: the server does not.
    #[error("{0}")]
    RoomHubOrders(String),
    /// Another device is the room's hub.
    #[error("{0}")]
    RoomHubTaken(String),
    /// A hub's segment the server does not take.
    #[error("the room hub's segment was refused: {0}")]
    Segment(ecabinet_room::SegmentRefusal),
}

impl ServiceError {
    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Validation(_) => "invalid_input",
            ServiceError::MalformedCode(_) => "malformed_code",
            ServiceError::UnknownCode => "unknown_code",
            ServiceError::CodeUsed => "code_used",
            ServiceError::CodeExpired => "code_expired",
            ServiceError::BadRequest(_) => "bad_request",
            ServiceError::Unauthenticated(_) => "unauthenticated",
            ServiceError::DeviceRevoked => "device_revoked",
            ServiceError::Forbidden(_) => "forbidden",
            ServiceError::NotFound(_) => "not_found",
            ServiceError::NoOrganisation => "no_organisation",
            ServiceError::Conflict(_) => "conflict",
            ServiceError::NoKey(_) => "no_key",
            ServiceError::BadSignature => "bad_signature",
            ServiceError::Unavailable(_) => "unavailable",
            ServiceError::Session(refusal) => refusal.code(),
            ServiceError::TooManyAttempts { .. } => "too_many_attempts",
            ServiceError::RoomHubOrders(_) => "room_hub_orders",
            ServiceError::RoomHubTaken(_) => "room_hub_taken",
            ServiceError::Segment(refusal) => refusal.code(),
            ServiceError::Store(_) | ServiceError::Crypto(_) | ServiceError::Blob(_) => "internal",
        }
    }

    /// Whether the fault is the server's (try again later), not the request's.
    pub fn is_server_fault(&self) -> bool {
        matches!(
            self,
            ServiceError::Store(_)
                | ServiceError::Crypto(_)
                | ServiceError::Blob(_)
                | ServiceError::Unavailable(_)
                | ServiceError::NoOrganisation
        )
    }
}

/// Live events a slow socket may fall behind by before it skips some (it
/// then fills the gap from the log).
const LIVE_BACKLOG: usize = 1_024;

/// How often each server instance looks at the newest change number, so
/// changes written by another process (`ecabinet-server invite` next to the
/// embedded database) still poke this instance's listeners.
const CURSOR_POLL: std::time::Duration = std::time::Duration::from_millis(500);
/// With PostgreSQL's notifications, polling is only the safety net.
const CURSOR_POLL_LISTENING: std::time::Duration = std::time::Duration::from_secs(30);

/// Moves this instance's cursor to the database's newest change number
/// whenever another writer may have added to it: at once when the database
/// notifies (PostgreSQL, several instances), else every `CURSOR_POLL`.
async fn follow_cursor(
    store: Arc<dyn Store>,
    cursor: std::sync::Weak<watch::Sender<i64>>,
    notifications: Arc<std::sync::atomic::AtomicU64>,
) {
    let mut listener = match store.change_listener().await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::warn!(%error, "cannot listen for other instances' changes; polling");
            None
        }
    };
    let period = |listening: bool| {
        if listening {
            CURSOR_POLL_LISTENING
        } else {
            CURSOR_POLL
        }
    };
    let mut tick = tokio::time::interval(period(listener.is_some()));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let heard = match listener.as_mut() {
            Some(listening) => tokio::select! {
                heard = listening.changed() => Some(heard),
                _ = tick.tick() => None,
            },
            None => {
                tick.tick().await;
                None
            }
        };
        match heard {
            Some(Ok(())) => {
                notifications.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Some(Err(error)) => {
                tracing::warn!(%error, "lost the change notifications; polling");
                listener = None;
                tick = tokio::time::interval(period(false));
            }
            None => {}
        }
        let Some(cursor) = cursor.upgrade() else {
            return; // The services were dropped.
        };
        match store.newest_seq().await {
            Ok(newest) => {
                cursor.send_if_modified(|current| {
                    let newer = newest > *current;
                    if newer {
                        *current = newest;
                    }
                    newer
                });
            }
            Err(error) => tracing::warn!(%error, "could not read the newest change number"),
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// A lockout as the error the client sees (whole minutes, rounded up).
fn too_many(check: Result<(), std::time::Duration>) -> ServiceResult<()> {
    check.map_err(|wait| ServiceError::TooManyAttempts {
        minutes: wait.as_secs().div_ceil(60).max(1),
    })
}

/// Who is calling: resolved from a session token on every request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub device: DeviceId,
    pub person: Person,
}

impl Caller {
    /// Server-side actions (the demo seed) made in a person's name, with no device.
    pub(crate) fn acting_as(person: Person) -> Self {
        Self {
            device: DeviceId(uuid::Uuid::nil()),
            person,
        }
    }

    pub(crate) fn require_secretary(&self) -> ServiceResult<()> {
        match self.person.role {
            Role::Secretary => Ok(()),
            Role::Member => Err(ServiceError::Forbidden("only the secretariat may do this")),
        }
    }
}

/// Memory for published chunks: a 100 MB pack served to a room of members
/// costs one read of the store per chunk, not one per member.
pub(crate) const CHUNK_CACHE_BYTES: usize = 128 * 1024 * 1024;

/// An invite just issued: the code is shown once and never stored in clear.
#[derive(Debug)]
pub struct IssuedInvite {
    pub person: Person,
    pub code: EnrolmentCode,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct Services {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) blobs: Arc<dyn BlobStore>,
    /// Appends to the hash-chained audit log.
    pub(crate) audit: crate::audit::AuditWriter,
    /// Published chunks recently served, shared by every request.
    pub(crate) chunk_cache: Arc<crate::blobs::ChunkCache>,
    /// What this process received of versions not yet published.
    pub(crate) received_chunks: Arc<crate::documents::ReceivedChunks>,
    pub(crate) server_key: Arc<SigningKey>,
    policy: ecabinet_domain::api::DevicePolicy,
    pub(crate) writer: OpWriter,
    pub(crate) cursor: Arc<watch::Sender<i64>>,
    pub(crate) notifier: Arc<dyn crate::opinions::Notifier>,
    /// Devices' signing keys, which never change: read once per device, not
    /// once per push. (Revocation is checked per request and again in the
    /// transaction that stores a push.)
    pub(crate) signing_keys: Arc<std::sync::RwLock<std::collections::HashMap<DeviceId, Arc<[u8]>>>>,
    /// Orders each meeting's session log.
    pub(crate) sessions: Arc<crate::session::SessionOrderer>,
    /// Live events as ordered, for the event sockets of this instance.
    pub(crate) live: tokio::sync::broadcast::Sender<LiveBroadcast>,
    /// Brakes on guessing enrolment codes and challenge answers.
    pub(crate) limits: Arc<crate::limits::Limits>,
    /// Change notifications heard from the database (other instances' commits too).
    notifications: Arc<std::sync::atomic::AtomicU64>,
    /// What `GET /metrics` reports.
    pub(crate) metrics: Arc<crate::metrics::Metrics>,
    /// Devices revoked through this instance: their event sockets close.
    pub(crate) revocations: tokio::sync::broadcast::Sender<DeviceId>,
    /// Room signalling for devices connected to this instance.
    pub(crate) signals: Arc<tokio::sync::broadcast::Sender<crate::room::SignalBroadcast>>,
    /// Members' voices, forwarded by this instance.
    pub(crate) voice: Arc<ecabinet_voice::sfu::Sfu>,
    /// Lets a monitoring system on another machine read `/metrics`.
    pub(crate) metrics_token: Option<Arc<str>>,
}

/// One ordered live event on its way to this instance's event sockets:
/// serialised once, shared by every socket of its organisation.
#[derive(Clone, Debug)]
pub struct LiveBroadcast {
    pub organisation: ecabinet_domain::OrganisationId,
    /// The event's change number (its `cursor`).
    pub change: i64,
    /// `{"live": …, "cursor": N}`, made once: every socket sends these
    /// same bytes (a clone is a count, not a copy).
    pub message: axum::extract::ws::Utf8Bytes,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("backend", &self.store.backend())
            .finish()
    }
}

impl Services {
    /// Loads (or on first start creates) the server's signing key.
    pub async fn new(store: Arc<dyn Store>, blobs: Arc<dyn BlobStore>) -> ServiceResult<Self> {
        let candidate = SigningKey::generate()?;
        let pkcs8 = store.server_signing_key(candidate.pkcs8()).await?;
        let server_key = Arc::new(SigningKey::from_pkcs8(&pkcs8)?);
        let cursor = Arc::new(watch::channel(0).0);
        let writer = OpWriter::start(store.clone(), cursor.clone(), server_key.clone());
        let notifications = Arc::new(std::sync::atomic::AtomicU64::new(0));
        tokio::spawn(follow_cursor(
            store.clone(),
            Arc::downgrade(&cursor),
            notifications.clone(),
        ));
        let signals = Arc::new(tokio::sync::broadcast::channel(256).0);
        tokio::spawn(crate::room::follow_signals(
            store.clone(),
            Arc::downgrade(&signals),
        ));
        let audit = crate::audit::AuditWriter::start(store.clone(), server_key.clone());
        Ok(Self {
            store,
            blobs,
            chunk_cache: Arc::new(crate::blobs::ChunkCache::new(CHUNK_CACHE_BYTES)),
            received_chunks: Default::default(),
            audit,
            server_key,
            policy: ecabinet_domain::api::DevicePolicy::default(),
            writer,
            cursor,
            notifier: Arc::new(crate::opinions::LogNotifier),
            signing_keys: Default::default(),
            sessions: Default::default(),
            live: tokio::sync::broadcast::channel(LIVE_BACKLOG).0,
            limits: Default::default(),
            notifications,
            metrics: Default::default(),
            revocations: tokio::sync::broadcast::channel(64).0,
            signals,
            voice: Arc::new(ecabinet_voice::sfu::Sfu::new(
                std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
                ecabinet_voice::DEFAULT_SLOTS,
            )),
            metrics_token: None,
        })
    }

    /// Lets `/metrics` be read from another machine with this bearer token.
    pub fn with_metrics_token(mut self, token: Option<String>) -> Self {
        self.metrics_token = token.filter(|t| !t.is_empty()).map(Arc::from);
        self
    }

    /// Forwards voices on `voice` (its address and slots).
    pub fn with_voice(mut self, voice: ecabinet_voice::sfu::Sfu) -> Self {
        self.voice = Arc::new(voice);
        self
    }

    pub fn voice(&self) -> &Arc<ecabinet_voice::sfu::Sfu> {
        &self.voice
    }

    /// Sets what devices are told about their cache.
    pub fn with_policy(mut self, policy: ecabinet_domain::api::DevicePolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn policy(&self) -> ecabinet_domain::api::DevicePolicy {
        self.policy
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn server_public_key(&self) -> [u8; 32] {
        self.server_key.public_key()
    }

    /// The Prometheus text of `GET /metrics`.
    pub fn metrics_text(&self) -> String {
        let mut text = self
            .metrics
            .render(self.writer.commits(), self.change_notifications_heard());
        text.push_str(&format!(
            "# HELP ecabinet_voice_packets_forwarded_total Voice packets the SFU forwarded to listeners.\n\
             # TYPE ecabinet_voice_packets_forwarded_total counter\n\
             ecabinet_voice_packets_forwarded_total {}\n",
            self.voice.packets_forwarded()
        ));
        text
    }

    /// How many change notifications this instance has heard from the
    /// database (PostgreSQL's LISTEN; always 0 on SQLite).
    pub fn change_notifications_heard(&self) -> u64 {
        self.notifications
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Live events as they are ordered, for an event socket.
    pub fn live_events(&self) -> tokio::sync::broadcast::Receiver<LiveBroadcast> {
        self.live.subscribe()
    }

    /// The organisation, created with `name` if the server has none yet.
    pub async fn ensure_organisation(&self, name: &str) -> ServiceResult<Organisation> {
        if let Some(existing) = self.store.organisation().await? {
            return Ok(existing);
        }
        let organisation = Organisation {
            id: OrganisationId::new(),
            name: validate::single_line("organisation name", name, validate::MAX_NAME_CHARS)?,
        };
        self.store.create_organisation(&organisation).await?;
        Ok(organisation)
    }

    async fn organisation(&self) -> ServiceResult<Organisation> {
        self.store
            .organisation()
            .await?
            .ok_or(ServiceError::NoOrganisation)
    }

    pub async fn create_person(&self, name: &str, role: Role) -> ServiceResult<Person> {
        self.create_person_with_id(PersonId::new(), name, role)
            .await
    }

    async fn create_person_with_id(
        &self,
        id: PersonId,
        name: &str,
        role: Role,
    ) -> ServiceResult<Person> {
        let organisation = self.organisation().await?;
        let person = Person {
            id,
            organisation_id: organisation.id,
            name: validate::person_name(name)?,
            role,
        };
        self.store.create_person(&person).await?;
        Ok(person)
    }

    /// Finds a person by id, or by exact name when the name is unique.
    pub async fn find_person(&self, id_or_name: &str) -> ServiceResult<Person> {
        if let Ok(id) = id_or_name.parse::<PersonId>() {
            return self
                .store
                .person(id)
                .await?
                .ok_or(ServiceError::NotFound("person"));
        }
        let organisation = self.organisation().await?;
        let wanted = id_or_name.trim();
        let mut matches: Vec<Person> = self
            .store
            .persons(organisation.id)
            .await?
            .into_iter()
            .filter(|p| p.name == wanted)
            .collect();
        match matches.len() {
            0 => Err(ServiceError::NotFound("person")),
            1 => Ok(matches.remove(0)),
            _ => Err(ServiceError::BadRequest(format!(
                "{} people are named {wanted:?}; give the person's id instead",
                matches.len()
            ))),
        }
    }

    /// Issues a one-time enrolment code for a new device of `person`.
    pub async fn issue_invite(&self, person: Person) -> ServiceResult<IssuedInvite> {
        let code = EnrolmentCode::from_entropy(&random_bytes::<10>()?);
        let expires_at = Utc::now() + INVITE_LIFETIME;
        self.store
            .create_invite(&sha256(code.canonical().as_bytes()), person.id, expires_at)
            .await?;
        Ok(IssuedInvite {
            person,
            code,
            expires_at,
        })
    }

    /// The secretariat invites a new person, or a new device of an existing person.
    pub async fn invite(
        &self,
        caller: &Caller,
        request: InviteRequest,
    ) -> ServiceResult<InviteResponse> {
        let code = EnrolmentCode::from_entropy(&random_bytes::<10>()?);
        let (person, expires_at) = self
            .register_invite(
                caller,
                PersonId::new(),
                request,
                &sha256(code.canonical().as_bytes()),
            )
            .await?;
        Ok(InviteResponse {
            person,
            code: code.to_string(),
            expires_at,
        })
    }

    /// Records an enrolment code (by its hash) for a new person, who gets
    /// `new_person` as id (a replay finds them made), or for another device
    /// of an existing one. The code may have been made on the caller's device.
    pub(crate) async fn register_invite(
        &self,
        caller: &Caller,
        new_person: PersonId,
        request: InviteRequest,
        code_hash: &[u8],
    ) -> ServiceResult<(Person, DateTime<Utc>)> {
        // Anyone may link another device of their own; everything else is the secretariat's.
        let linking_own_device = request.person_id == Some(caller.person.id)
            && request.name.is_none()
            && request.role.is_none();
        if !linking_own_device {
            caller.require_secretary()?;
        }
        let person = match (request.person_id, request.name, request.role) {
            (Some(id), None, None) => self
                .store
                .person(id)
                .await?
                .filter(|p| p.organisation_id == caller.person.organisation_id)
                .ok_or(ServiceError::NotFound("person"))?,
            (None, Some(name), Some(role)) => match self.store.person(new_person).await? {
                Some(made) if made.organisation_id == caller.person.organisation_id => made,
                Some(_) => {
                    return Err(ServiceError::Conflict(
                        "this person id is already taken".into(),
                    ))
                }
                None => self.create_person_with_id(new_person, &name, role).await?,
            },
            _ => {
                return Err(ServiceError::BadRequest(
                    "give a name and a role for a new person, or a person id for a new device"
                        .into(),
                ))
            }
        };
        let expires_at = Utc::now() + INVITE_LIFETIME;
        self.store
            .create_invite(code_hash, person.id, expires_at)
            .await?;
        Ok((person, expires_at))
    }

    pub async fn enroll(&self, request: EnrollRequest) -> ServiceResult<EnrollResponse> {
        let code = EnrolmentCode::parse(&request.code)?;
        let device_name = validate::device_name(&request.device_name)?;
        let signing_public_key = decode_key(&request.signing_public_key, "signing_public_key")?;
        let agreement_public_key =
            decode_key(&request.agreement_public_key, "agreement_public_key")?;
        let now = Utc::now();
        let device = DeviceRecord {
            id: DeviceId::new(),
            person_id: PersonId(uuid::Uuid::nil()),
            name: device_name,
            signing_public_key: signing_public_key.clone(),
            agreement_public_key: agreement_public_key.clone(),
            enrolled_at: now,
            revoked_at: None,
        };
        let person = match self
            .store
            .redeem_invite(&sha256(code.canonical().as_bytes()), &device, now)
            .await?
        {
            Redemption::Enrolled(person) => person,
            Redemption::UnknownCode => return Err(ServiceError::UnknownCode),
            Redemption::AlreadyUsed => return Err(ServiceError::CodeUsed),
            Redemption::Expired => return Err(ServiceError::CodeExpired),
        };
        let organisation = self.organisation().await?;
        let receipt = self.server_key.sign(&enrolment_receipt_message(
            device.id,
            person.id,
            &signing_public_key,
            &agreement_public_key,
        ));
        tracing::info!(device = %device.id, person = %person.id, "device enrolled");
        Ok(EnrollResponse {
            device_id: device.id,
            person,
            organisation,
            server_signing_key: b64_encode(&self.server_key.public_key()),
            receipt_signature: b64_encode(&receipt),
        })
    }

    pub async fn challenge(&self, device_id: DeviceId) -> ServiceResult<ChallengeResponse> {
        let device = self.active_device(device_id).await?;
        let challenge = random_bytes::<32>()?;
        let expires_at = Utc::now() + CHALLENGE_LIFETIME;
        self.store
            .put_challenge(&challenge, device.id, expires_at)
            .await?;
        Ok(ChallengeResponse {
            challenge: b64_encode(&challenge),
            expires_at,
        })
    }

    /// [`Services::enroll`] from a client at `address`: failures counted,
    /// and refused for a while once there were too many.
    pub async fn enroll_from(
        &self,
        address: std::net::IpAddr,
        request: EnrollRequest,
    ) -> ServiceResult<EnrollResponse> {
        let key = address.to_string();
        too_many(self.limits.enrolment.check(&key))?;
        let result = self.enroll(request).await;
        match &result {
            Ok(_) => self.limits.enrolment.succeeded(&key),
            Err(error) if !error.is_server_fault() => {
                self.limits.enrolment.failed(&key);
                tracing::warn!(%address, code = error.code(), "a failed enrolment");
            }
            Err(_) => {}
        }
        result
    }

    /// [`Services::token`] from a client at `address`: failed answers counted
    /// per device and per address.
    pub async fn token_from(
        &self,
        address: std::net::IpAddr,
        device_id: DeviceId,
        challenge: &str,
        signature: &str,
    ) -> ServiceResult<TokenResponse> {
        let (device_key, address_key) = (device_id.to_string(), address.to_string());
        too_many(self.limits.sign_in_device.check(&device_key))?;
        too_many(self.limits.sign_in_address.check(&address_key))?;
        let result = self.token(device_id, challenge, signature).await;
        match &result {
            Ok(_) => {
                self.limits.sign_in_device.succeeded(&device_key);
                self.limits.sign_in_address.succeeded(&address_key);
            }
            Err(error) if !error.is_server_fault() => {
                self.limits.sign_in_device.failed(&device_key);
                self.limits.sign_in_address.failed(&address_key);
                tracing::warn!(%address, device = %device_id, code = error.code(), "a failed sign-in");
            }
            Err(_) => {}
        }
        result
    }

    pub async fn token(
        &self,
        device_id: DeviceId,
        challenge: &str,
        signature: &str,
    ) -> ServiceResult<TokenResponse> {
        let device = self.active_device(device_id).await?;
        let challenge = b64_decode(challenge)
            .map_err(|_| ServiceError::BadRequest("challenge is not base64url".into()))?;
        let signature = b64_decode(signature)
            .map_err(|_| ServiceError::BadRequest("signature is not base64url".into()))?;
        // Taken (deleted) before checking, so a challenge is good for one try only.
        let expires_at = self
            .store
            .take_challenge(&challenge, device.id)
            .await?
            .ok_or(ServiceError::Unauthenticated(
                "unknown or already used challenge",
            ))?;
        if expires_at <= Utc::now() {
            return Err(ServiceError::Unauthenticated(
                "the challenge expired; ask for a new one",
            ));
        }
        verify_signature(
            &device.signing_public_key,
            &auth_challenge_message(device.id, &challenge),
            &signature,
        )
        .map_err(|_| ServiceError::Unauthenticated("the challenge signature does not verify"))?;
        let token = random_bytes::<32>()?;
        let expires_at = Utc::now() + SESSION_LIFETIME;
        self.store
            .put_session(&sha256(&token), device.id, expires_at)
            .await?;
        Ok(TokenResponse {
            token: b64_encode(&token),
            expires_at,
        })
    }

    /// Resolves a bearer token to the device and person behind it.
    /// When the session behind `token` ends (an event socket closes then).
    pub async fn session_expiry(&self, token: &str) -> ServiceResult<DateTime<Utc>> {
        let token =
            b64_decode(token).map_err(|_| ServiceError::Unauthenticated("malformed token"))?;
        Ok(self
            .store
            .session(&sha256(&token))
            .await?
            .ok_or(ServiceError::Unauthenticated("unknown token"))?
            .1)
    }

    pub async fn authenticate(&self, token: &str) -> ServiceResult<Caller> {
        let token =
            b64_decode(token).map_err(|_| ServiceError::Unauthenticated("malformed token"))?;
        let (device_id, expires_at) = self
            .store
            .session(&sha256(&token))
            .await?
            .ok_or(ServiceError::Unauthenticated("unknown token"))?;
        if expires_at <= Utc::now() {
            return Err(ServiceError::Unauthenticated("the session expired"));
        }
        let device = self.active_device(device_id).await?;
        let person = self
            .store
            .person(device.person_id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        Ok(Caller {
            device: device.id,
            person,
        })
    }

    /// Revokes a device: from then on it gets nothing, and at its next contact
    /// it wipes its cache and keys. The secretariat may revoke any device of
    /// the organisation; a person may revoke their own devices.
    pub async fn revoke_device(
        &self,
        caller: Option<&Caller>,
        device: DeviceId,
    ) -> ServiceResult<()> {
        let record = self
            .store
            .device(device)
            .await?
            .ok_or(ServiceError::NotFound("device"))?;
        if let Some(caller) = caller {
            let owner = self
                .store
                .person(record.person_id)
                .await?
                .ok_or(ServiceError::NotFound("person"))?;
            let allowed = owner.organisation_id == caller.person.organisation_id
                && (caller.person.role == Role::Secretary || owner.id == caller.person.id);
            if !allowed {
                return Err(ServiceError::Forbidden(
                    "only the secretariat or the device's owner may revoke it",
                ));
            }
        }
        if !self.store.revoke_device(device, Utc::now()).await? {
            return Err(ServiceError::Conflict(
                "this device is already revoked".into(),
            ));
        }
        tracing::warn!(%device, "device revoked");
        // Its open event sockets close now (none listening is fine).
        let _ = self.revocations.send(device);
        Ok(())
    }

    /// The caller's own devices (active and revoked), oldest first.
    pub async fn own_devices(
        &self,
        caller: &Caller,
    ) -> ServiceResult<Vec<ecabinet_domain::api::DeviceSummary>> {
        Ok(self
            .store
            .devices_of(caller.person.id)
            .await?
            .into_iter()
            .map(|d| ecabinet_domain::api::DeviceSummary {
                id: d.id,
                name: d.name,
                enrolled_at: d.enrolled_at,
                revoked_at: d.revoked_at,
                this_device: d.id == caller.device,
            })
            .collect())
    }

    async fn active_device(&self, id: DeviceId) -> ServiceResult<DeviceRecord> {
        let device = self
            .store
            .device(id)
            .await?
            .ok_or(ServiceError::Unauthenticated(
                "unknown device; enrol it again",
            ))?;
        if device.revoked_at.is_some() {
            return Err(ServiceError::DeviceRevoked);
        }
        Ok(device)
    }

    /// Creates a meeting under the id the caller chose; creating it again
    /// (a replayed command) returns the meeting already made.
    pub async fn create_meeting(
        &self,
        caller: &Caller,
        id: MeetingId,
        request: ecabinet_domain::api::CreateMeetingRequest,
    ) -> ServiceResult<Meeting> {
        caller.require_secretary()?;
        if let Some(existing) = self.store.meeting(id).await? {
            return if existing.organisation_id == caller.person.organisation_id {
                Ok(existing)
            } else {
                Err(ServiceError::Conflict(
                    "this meeting id is already taken".into(),
                ))
            };
        }
        let meeting = Meeting {
            id,
            organisation_id: caller.person.organisation_id,
            title: validate::title(&request.title)?,
            starts_at: request.starts_at,
            status: if request.draft {
                MeetingStatus::Draft
            } else {
                MeetingStatus::Published
            },
            created_by: caller.person.id,
            details: self
                .checked_meeting_details(caller, &request.details)
                .await?,
        };
        self.store.create_meeting(&meeting).await?;
        Ok(meeting)
    }

    /// Appends an item under the id the caller chose; adding it again (a
    /// replayed command) returns the item already there.
    pub async fn add_agenda_item(
        &self,
        caller: &Caller,
        id: AgendaItemId,
        meeting_id: MeetingId,
        title: &str,
        only: Option<Vec<PersonId>>,
        details: &ecabinet_domain::ItemDetails,
    ) -> ServiceResult<AgendaItem> {
        caller.require_secretary()?;
        if let Some((existing, meeting)) = self.store.agenda_item(id).await? {
            return if meeting.organisation_id == caller.person.organisation_id {
                Ok(existing)
            } else {
                Err(ServiceError::Conflict(
                    "this item id is already taken".into(),
                ))
            };
        }
        let title = validate::title(title)?;
        let details = validate::item_details(details)?;
        if let Some(presenter) = details.presenter {
            self.checked_access_list(caller, Some(vec![presenter]))
                .await?;
        }
        let meeting = self
            .store
            .meeting(meeting_id)
            .await?
            .filter(|m| m.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("meeting"))?;
        let only = self.checked_access_list(caller, only).await?;
        Ok(self
            .store
            .append_agenda_item(&meeting, id, &title, only.as_deref(), &details)
            .await?)
    }

    /// Changes a meeting's title, start or status (secretariat only).
    pub async fn update_meeting(
        &self,
        caller: &Caller,
        id: MeetingId,
        request: ecabinet_domain::api::UpdateMeetingRequest,
    ) -> ServiceResult<Meeting> {
        caller.require_secretary()?;
        let mut meeting = self
            .store
            .meeting(id)
            .await?
            .filter(|m| m.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("meeting"))?;
        if let Some(title) = request.title {
            meeting.title = validate::title(&title)?;
        }
        if let Some(starts_at) = request.starts_at {
            meeting.starts_at = starts_at;
        }
        if let Some(status) = request.status {
            meeting.status = status;
        }
        if let Some(details) = &request.details {
            meeting.details = self.checked_meeting_details(caller, details).await?;
        }
        self.store.update_meeting(&meeting).await?;
        Ok(meeting)
    }

    /// Restricts an item to named persons, or opens it to all (`None`).
    pub async fn set_item_access(
        &self,
        caller: &Caller,
        item: AgendaItemId,
        only: Option<Vec<PersonId>>,
    ) -> ServiceResult<AgendaItem> {
        caller.require_secretary()?;
        let (item, meeting) = self
            .store
            .agenda_item(item)
            .await?
            .filter(|(_, m)| m.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("agenda item"))?;
        let only = self.checked_access_list(caller, only).await?;
        Ok(self
            .store
            .set_item_access(&item, meeting.organisation_id, only.as_deref())
            .await?)
    }

    /// Members never learn of a draft meeting: to them it is not found
    /// (the secretariat sees drafts; a chair is a member until publication).
    pub(crate) fn require_known(caller: &Caller, meeting: &Meeting) -> ServiceResult<()> {
        if meeting.status == MeetingStatus::Draft && caller.person.role != Role::Secretary {
            Err(ServiceError::NotFound("meeting"))
        } else {
            Ok(())
        }
    }

    /// Votes, opinion rounds, adoptions and attendance belong to meetings the
    /// members know of and that will take place: a draft is published first.
    pub(crate) fn require_published(meeting: &Meeting) -> ServiceResult<()> {
        match meeting.status {
            MeetingStatus::Published => Ok(()),
            MeetingStatus::Draft => Err(ServiceError::Conflict(
                "this meeting is still a draft: publish it first (ecab meeting publish)".into(),
            )),
            MeetingStatus::Cancelled => {
                Err(ServiceError::Conflict("this meeting is cancelled".into()))
            }
        }
    }

    /// A meeting's details, with every person named belonging to the caller's organisation.
    async fn checked_meeting_details(
        &self,
        caller: &Caller,
        details: &ecabinet_domain::MeetingDetails,
    ) -> ServiceResult<ecabinet_domain::MeetingDetails> {
        let details = validate::meeting_details(details)?;
        let named: Vec<PersonId> = details
            .participants
            .iter()
            .copied()
            .chain(
                details
                    .substitutes
                    .iter()
                    .flat_map(|s| [s.member, s.substitute]),
            )
            .chain(details.chair)
            .collect();
        self.checked_access_list(caller, Some(named)).await?;
        Ok(details)
    }

    /// Changes an item's title or details (its status among them).
    pub async fn update_agenda_item(
        &self,
        caller: &Caller,
        item: AgendaItemId,
        request: ecabinet_domain::api::UpdateAgendaItemRequest,
    ) -> ServiceResult<AgendaItem> {
        caller.require_secretary()?;
        let (mut updated, meeting) = self
            .store
            .agenda_item(item)
            .await?
            .filter(|(_, m)| m.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("agenda item"))?;
        if let Some(title) = &request.title {
            updated.title = validate::title(title)?;
        }
        if let Some(details) = &request.details {
            updated.details = validate::item_details(details)?;
            if let Some(presenter) = updated.details.presenter {
                self.checked_access_list(caller, Some(vec![presenter]))
                    .await?;
            }
        }
        self.store
            .update_agenda_item(meeting.organisation_id, &updated)
            .await?;
        Ok(updated)
    }

    /// Every listed person must belong to the caller's organisation.
    async fn checked_access_list(
        &self,
        caller: &Caller,
        only: Option<Vec<PersonId>>,
    ) -> ServiceResult<Option<Vec<PersonId>>> {
        let Some(mut persons) = only else {
            return Ok(None);
        };
        persons.sort();
        persons.dedup();
        let known: std::collections::HashSet<PersonId> = self
            .store
            .persons(caller.person.organisation_id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        if let Some(stranger) = persons.iter().find(|p| !known.contains(p)) {
            return Err(ServiceError::BadRequest(format!(
                "{stranger} is not a person of this organisation (see ecab people)"
            )));
        }
        Ok(Some(persons))
    }

    /// Everything in the caller's scope after `since`: the organisation's
    /// meetings and agendas, and the documents of items open to the caller.
    pub async fn pull(
        &self,
        caller: &Caller,
        since: i64,
        limit: u32,
    ) -> ServiceResult<PullResponse> {
        if since < 0 {
            return Err(ServiceError::BadRequest(
                "since must not be negative".into(),
            ));
        }
        let limit = limit.clamp(1, MAX_PULL_LIMIT);
        let viewer = Viewer {
            person: caller.person.id,
            secretariat: caller.person.role == Role::Secretary,
        };
        // Read first: every change numbered up to here is committed, so a
        // page that ends before the limit has seen all of them, visible or
        // not, and the cursor may move to it.
        let newest = self.store.last_seq(caller.person.organisation_id).await?;
        let changes = self
            .store
            .changes_since(caller.person.organisation_id, since, limit, viewer)
            .await?;
        let has_more = changes.len() == limit as usize;
        let last = changes.last().map_or(since, |c| c.seq);
        let next_cursor = if has_more { last } else { last.max(newest) };
        Ok(PullResponse {
            changes,
            next_cursor,
            has_more,
        })
    }
}

fn decode_key(text: &str, field: &str) -> ServiceResult<Vec<u8>> {
    let bytes = b64_decode(text)
        .map_err(|_| ServiceError::BadRequest(format!("{field} is not base64url")))?;
    if bytes.len() != 32 {
        return Err(ServiceError::BadRequest(format!(
            "{field} must be 32 bytes"
        )));
    }
    Ok(bytes)
}

impl Services {
    /// Appends one record to the audit log and waits for its commit.
    pub async fn audit(&self, record: crate::audit::AuditRecord) -> ServiceResult<()> {
        self.audit
            .record(record)
            .await
            .map_err(|e| ServiceError::Unavailable(format!("the audit log: {e}")))
    }

    /// The server's own action (a revocation, a backup) in the audit log.
    pub async fn audit_action(&self, action: &str, object: String) -> ServiceResult<()> {
        self.audit(crate::audit::AuditRecord {
            at: Utc::now(),
            organisation: None,
            person: None,
            device: None,
            action: action.into(),
            object,
            outcome: "done".into(),
            request_id: None,
        })
        .await
    }

    /// Entries of the audit log: the secretariat's organisation's, or a
    /// member's own only (whatever they ask for).
    pub async fn audit_entries(
        &self,
        caller: &Caller,
        query: ecabinet_domain::api::AuditQuery,
    ) -> ServiceResult<Vec<ecabinet_domain::api::AuditEntry>> {
        let person = match caller.person.role {
            Role::Secretary => query.person,
            Role::Member => Some(caller.person.id),
        };
        let filter = crate::store::AuditFilter {
            organisation: Some(caller.person.organisation_id),
            person,
            device: query.device,
            since: query.since,
            after: query.after.unwrap_or(0),
            limit: ecabinet_domain::api::AUDIT_PAGE as i64,
        };
        Ok(self
            .store
            .audit_entries(&filter)
            .await?
            .iter()
            .map(crate::audit::StoredEntry::view)
            .collect())
    }

    /// Re-checks the whole audit chain and its checkpoints, and (if given)
    /// checkpoints exported earlier.
    pub async fn verify_audit(
        &self,
        exported: &[crate::audit::Checkpoint],
    ) -> ServiceResult<Result<crate::audit::ChainSummary, crate::audit::ChainBreak>> {
        let mut entries = Vec::new();
        loop {
            let page = self
                .store
                .audit_entries(&crate::store::AuditFilter {
                    after: entries
                        .last()
                        .map_or(0, |e: &crate::audit::StoredEntry| e.seq),
                    limit: 50_000,
                    ..Default::default()
                })
                .await?;
            if page.is_empty() {
                break;
            }
            entries.extend(page);
        }
        let checkpoints = self.store.audit_checkpoints().await?;
        Ok(
            crate::audit::verify_chain(&entries, &checkpoints, &self.server_public_key()).and_then(
                |summary| crate::audit::check_against(&entries, exported).map(|_| summary),
            ),
        )
    }

    /// Whose device this is: (organisation, person), if it is enrolled.
    pub async fn device_owner(
        &self,
        device: DeviceId,
    ) -> ServiceResult<Option<(ecabinet_domain::OrganisationId, PersonId)>> {
        let Some(record) = self.store.device(device).await? else {
            return Ok(None);
        };
        Ok(self
            .store
            .person(record.person_id)
            .await?
            .map(|person| (person.organisation_id, person.id)))
    }

    pub async fn audit_checkpoints(&self) -> ServiceResult<Vec<crate::audit::Checkpoint>> {
        Ok(self.store.audit_checkpoints().await?)
    }
}
