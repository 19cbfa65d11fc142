//! The HTTP surface: thin handlers that parse, call [`Services`], and answer
//! JSON. Every error leaves through [`ApiError`] as `{code, message}`.

mod error;
pub mod openapi;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRef, FromRequest, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use ecabinet_domain::api::SetItemAccessRequest;
use ecabinet_domain::api::{
    AddAgendaItemRequest, ChallengeRequest, ChallengeResponse, CreateMeetingRequest,
    DeviceKeyEnvelope, EnrollRequest, EnrollResponse, Health, InviteRequest, InviteResponse,
    PendingKey, PublishDocumentRequest, PullResponse, Recipient, TokenRequest, TokenResponse,
};
// Named in the handlers' `#[utoipa::path]` attributes.
use ecabinet_domain::api::{
    AddPersonKeysRequest, AdoptRequest, AttendanceRequest, DevicePolicy, DeviceSummary, ErrorBody,
    MotionExportView, MoveAgendaItemRequest, OpenMotionRequest, OpinionStatusView, PersonKeys,
    RequestOpinionsRequest, UpdateMeetingRequest, UploadState, WithId,
};
use ecabinet_domain::opinions::OpinionRequest;
use ecabinet_domain::positions::ItemDecision;
use ecabinet_domain::session::room::{
    HubCheckIn, HubCheckInAnswer, RoomInfo, RoomSignalRequest, VoiceJoin, VoiceJoined,
};
use ecabinet_domain::session::{OrderedLiveEvent, SessionLogPage, SignedLiveEvent};
use ecabinet_domain::voting::{Attendance, Motion};
use ecabinet_domain::DeviceId;
use ecabinet_domain::{AgendaItem, AgendaItemId, Document, DocumentId, Meeting, MeetingId};
use ecabinet_domain::{MotionId, OpinionRequestId, PersonId};
use serde::Deserialize;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use error::ApiError;

/// `Json`, `Path` and `Query` whose rejections are [`ApiError`]s, so a
/// malformed body gets the same `{code, message}` shape as every other error.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
struct ApiJson<T>(T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
struct ApiPath<T>(T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
struct ApiQuery<T>(T);

use crate::services::{Caller, ServiceError, Services};

/// Request bodies of this slice are small; refuse anything larger early.
const MAX_BODY_BYTES: usize = 256 * 1024;

pub fn router(services: Services) -> Router {
    Router::new()
        .route("/healthz", get(health))
        .route("/v1/enroll", post(enroll))
        .route("/v1/auth/challenge", post(challenge))
        .route("/v1/auth/token", post(token))
        .route("/v1/changes", get(pull))
        .route("/v1/meetings", post(create_meeting))
        .route(
            "/v1/meetings/{meeting}",
            axum::routing::patch(update_meeting),
        )
        .route("/v1/meetings/{meeting}/agenda", post(add_agenda_item))
        .route("/v1/recipients", get(recipients))
        .route("/v1/invites", post(invite))
        .route("/v1/policy", get(policy))
        .route("/v1/devices", get(own_devices))
        .route("/v1/devices/{device}/revoke", post(revoke_device))
        .route(
            "/v1/agenda/{item}/access",
            axum::routing::put(set_item_access),
        )
        .route("/v1/documents", post(publish_document))
        .route(
            "/v1/documents/{document}/versions/{version}/key",
            get(document_key),
        )
        .route(
            "/v1/documents/{document}/versions/{version}/keys",
            post(add_document_keys),
        )
        .route("/v1/pending-keys", get(pending_keys))
        .route(
            "/v1/ops",
            post(push_ops).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route("/v1/person-keys", get(person_keys).post(add_person_keys))
        .route("/v1/events", get(events))
        .route("/v1/meetings/{meeting}/session", get(session_log))
        .route("/v1/meetings/{meeting}/session/events", post(live_event))
        .route("/v1/meetings/{meeting}/room", get(room_info))
        .route(
            "/v1/meetings/{meeting}/room/hub",
            post(hub_check_in).delete(release_hub),
        )
        .route("/v1/meetings/{meeting}/room/signal", post(room_signal))
        .route("/v1/meetings/{meeting}/voice", post(voice_join))
        .route("/v1/agenda/{item}/motions", post(open_motion))
        .route("/v1/motions/{motion}/close", post(close_motion))
        .route("/v1/meetings/{meeting}/adopt", post(adopt))
        .route("/v1/agenda/{item}/opinions", post(request_opinions))
        .route("/v1/agenda/{item}/move", post(move_agenda_item))
        .route("/v1/opinions/{request}/status", get(opinion_status))
        .route("/v1/motions/{motion}/export", get(motion_export))
        .route(
            "/v1/meetings/{meeting}/attendance/{person}",
            axum::routing::put(record_attendance),
        )
        .route(
            "/v1/documents/{document}/versions/{version}/upload",
            get(upload_state),
        )
        .route(
            "/v1/documents/{document}/versions/{version}/chunks/{index}",
            get(get_chunk).put(put_chunk).layer(DefaultBodyLimit::max(
                crate::documents::MAX_CHUNK_BYTES + 1024,
            )),
        )
        .route(
            "/v1/documents/{document}/versions/{version}/chunks/{from}/{count}",
            get(get_chunk_run)
                .put(put_chunk_run)
                .layer(DefaultBodyLimit::max(
                    crate::documents::MAX_CHUNK_RUN as usize * crate::documents::MAX_CHUNK_BYTES
                        + 1024,
                )),
        )
        .route("/metrics", get(metrics))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/audit", get(audit_log))
        .route(
            "/v1/documents/{document}/versions/{version}/readers",
            get(document_readers),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            services.clone(),
            record_request,
        ))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Outermost first: a request gets an id (the client's, or a new
        // one), the id goes back in the answer, and the request's span
        // carries it, so a client's log line finds the server's.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(log_answer),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(services)
}

/// Refusals and failures are logged (with the request's span, so its id);
/// answers that went well only at debug level, to keep the log readable.
fn log_answer<B>(
    response: &axum::http::Response<B>,
    latency: std::time::Duration,
    _span: &tracing::Span,
) {
    let status = response.status().as_u16();
    let millis = latency.as_secs_f64() * 1e3;
    if status >= 400 {
        tracing::info!(status, millis, "refused");
    } else {
        tracing::debug!(status, millis, "answered");
    }
}

/// The span of one request: method, path and the request's id.
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    )
}

/// Counts each routed request by its route's template (never its ids).
async fn record_request(
    State(services): State<Services>,
    matched: Option<axum::extract::MatchedPath>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().as_str().to_owned();
    let route = matched.map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let audited = audited(&method, &route);
    let slot = AuditCaller::default();
    let (object, request_id) = if audited {
        request.extensions_mut().insert(slot.clone());
        let request_id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (request.uri().path().to_owned(), request_id)
    } else {
        (String::new(), None)
    };
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    services.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    if !audited {
        return response;
    }
    let status = response.status().as_u16();
    let outcome = match response.extensions().get::<ErrorCode>() {
        Some(code) => format!("{status} {}", code.0),
        None => status.to_string(),
    };
    let who = slot.0.get().copied();
    let record = crate::audit::AuditRecord {
        at: chrono::Utc::now(),
        organisation: who.map(|w| w.0),
        person: who.map(|w| w.1),
        device: who.map(|w| w.2),
        action: format!("{method} {route}"),
        object,
        outcome,
        request_id,
    };
    // The answer waits for its entry: nobody is answered for an action the
    // log does not hold.
    match services.audit(record).await {
        Ok(()) => response,
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// Requests the audit log records: every one that may change state, and
/// the reads that release protected data (wrapped keys, sealed chunks,
/// exports, the audit log itself). Pulls of the change stream are not
/// recorded: every device pulls at each poke; they return only what the
/// device may see, and its wrapped keys' fetches are recorded. Nor is room
/// signalling (SDP and candidates relayed between devices).
fn audited(method: &str, route: &str) -> bool {
    match method {
        "GET" | "HEAD" | "OPTIONS" => matches!(
            route,
            "/v1/documents/{document}/versions/{version}/key"
                | "/v1/documents/{document}/versions/{version}/chunks/{index}"
                | "/v1/documents/{document}/versions/{version}/chunks/{from}/{count}"
                | "/v1/motions/{motion}/export"
                | "/v1/person-keys"
                | "/v1/pending-keys"
                | "/v1/audit"
                | "/v1/documents/{document}/versions/{version}/readers"
        ),
        // Room signalling is relayed, never stored, and a connecting peer
        // sends a burst of it: its answer must not wait for a commit.
        _ => route != "unmatched" && route != "/v1/meetings/{meeting}/room/signal",
    }
}

/// Where the `Caller` extractor leaves who made an audited request.
#[derive(Clone, Default)]
struct AuditCaller(
    std::sync::Arc<std::sync::OnceLock<(ecabinet_domain::OrganisationId, PersonId, DeviceId)>>,
);

/// The `code` of an error answer, for the audit log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErrorCode(pub &'static str);

/// Who may read `/metrics`: this machine, or another with the admin token
/// as a bearer (compared in constant time).
fn metrics_allowed(
    peer: std::net::IpAddr,
    authorization: Option<&str>,
    token: Option<&str>,
) -> bool {
    if peer.is_loopback() {
        return true;
    }
    match (token, authorization.and_then(|a| a.strip_prefix("Bearer "))) {
        (Some(token), Some(given)) => {
            ecabinet_crypto::constant_time_eq(token.as_bytes(), given.trim().as_bytes())
        }
        _ => false,
    }
}

/// `GET /metrics` (Prometheus text), to this machine, or to a monitoring
/// system holding the admin token (`--metrics-token`).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "server",
    operation_id = "metrics",
    summary = "The server's metrics (Prometheus text).",
    description = "Served to this machine without a token, or to another holding the admin token (`ecabinet-server serve --metrics-token`).",
    responses(
        (status = 200, description = "The Prometheus text exposition.", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 403, description = "`forbidden`: the caller is another machine without the admin token (`--metrics-token`).", body = ErrorBody),
    ),
    security((), ("metrics_token" = [])),
)]
async fn metrics(
    State(services): State<Services>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !metrics_allowed(peer.ip(), authorization, services.metrics_token.as_deref()) {
        return Err(ApiError {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: "the metrics are served to this machine, or with the admin token (ecabinet-server serve --metrics-token)"
                .into(),
        });
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        services.metrics_text(),
    ))
}

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "server",
    operation_id = "health",
    summary = "Whether the server runs, and its version.",
    responses(
        (status = 200, description = "The server runs.", body = Health),
    ),
)]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "server",
    operation_id = "openapi",
    summary = "This description of the API (OpenAPI 3.1).",
    responses(
        (status = 200, description = "The OpenAPI document.", body = Object, content_type = "application/json"),
    ),
)]
async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::OPENAPI_JSON.as_str(),
    )
}

#[utoipa::path(
    get,
    path = "/v1/audit",
    tag = "server",
    operation_id = "audit_log",
    summary = "Entries of the hash-chained audit log.",
    description = "The secretariat reads its organisation's entries (filtered by person, device and time); a member reads the entries about themselves only, whatever they ask for. At most 5,000 entries per answer: page with `after` (the last `seq` read). Reading the log is itself recorded.",
    params(ecabinet_domain::api::AuditQuery),
    responses(
        (status = 200, description = "The entries, in the chain's order.", body = Vec<ecabinet_domain::api::AuditEntry>),
        (status = 400, description = "`bad_request`: a malformed query.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no valid session token.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn audit_log(
    State(services): State<Services>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ecabinet_domain::api::AuditQuery>,
) -> Result<Json<Vec<ecabinet_domain::api::AuditEntry>>, ApiError> {
    Ok(Json(services.audit_entries(&caller, query).await?))
}

#[utoipa::path(
    get,
    path = "/v1/documents/{document}/versions/{version}/readers",
    tag = "documents",
    operation_id = "document_readers",
    summary = "Who has opened a document version (read receipts, secretariat).",
    description = "One row per device, the first time it opened the version. Devices report openings with their next sync, so a reading offline appears when the device comes back (`reported_at`).",
    params(
        ("document" = DocumentId, Path, description = "The document's id (shared by all its versions)."),
        ("version" = u32, Path, description = "The document's version, from 1."),
    ),
    responses(
        (status = 200, description = "The readers, earliest first.", body = Vec<ecabinet_domain::api::DocumentReader>),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may see who read a document.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such document version.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn document_readers(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version)): ApiPath<(DocumentId, u32)>,
) -> Result<Json<Vec<ecabinet_domain::api::DocumentReader>>, ApiError> {
    Ok(Json(
        services
            .document_readers(&caller, document, version)
            .await?,
    ))
}

async fn not_found() -> ApiError {
    ApiError::from(ServiceError::NotFound("route"))
}

#[utoipa::path(
    post,
    path = "/v1/enroll",
    tag = "enrolment",
    operation_id = "enroll",
    summary = "Enrols a new device with a one-time code and its public keys.",
    request_body = EnrollRequest,
    responses(
        (status = 200, description = "The device is enrolled; the server's key and its signed receipt come back.", body = EnrollResponse),
        (status = 400, description = "`malformed_code`: the code is not a well-formed enrolment code; `bad_request`: a malformed body, or a key that is not 32 bytes of base64url.", body = ErrorBody),
        (status = 404, description = "`unknown_code`: the server knows no such code.", body = ErrorBody),
        (status = 410, description = "`code_used` or `code_expired`: the code has been used or has expired.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`: a field breaks a validation rule (an empty or overlong title, name or text).", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`: too many failed enrolments from this address; wait and try again.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
        (status = 503, description = "`no_organisation`: the server has no organisation yet.", body = ErrorBody),
    ),
)]
async fn enroll(
    State(services): State<Services>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    audit: Option<axum::Extension<AuditCaller>>,
    ApiJson(body): ApiJson<EnrollRequest>,
) -> Result<Json<EnrollResponse>, ApiError> {
    let enrolled = services.enroll_from(peer.ip(), body).await?;
    // The new device's entry belongs to its organisation's log.
    if let Some(axum::Extension(slot)) = audit {
        let _ = slot.0.set((
            enrolled.organisation.id,
            enrolled.person.id,
            enrolled.device_id,
        ));
    }
    Ok(Json(enrolled))
}

#[utoipa::path(
    post,
    path = "/v1/auth/challenge",
    tag = "enrolment",
    operation_id = "challenge",
    summary = "Asks for a challenge to sign, to obtain a session token.",
    request_body = ChallengeRequest,
    responses(
        (status = 200, description = "A one-time challenge, valid for two minutes.", body = ChallengeResponse),
        (status = 400, description = "`bad_request`: a malformed JSON body.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: the device is unknown; enrol it again.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
)]
async fn challenge(
    State(services): State<Services>,
    ApiJson(body): ApiJson<ChallengeRequest>,
) -> Result<Json<ChallengeResponse>, ApiError> {
    Ok(Json(services.challenge(body.device_id).await?))
}

#[utoipa::path(
    post,
    path = "/v1/auth/token",
    tag = "enrolment",
    operation_id = "token",
    summary = "Exchanges a signed challenge for a session token (the bearer token of every other call).",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "A session token, valid for an hour.", body = TokenResponse),
        (status = 400, description = "`bad_request`: a malformed body, or a challenge or signature that is not base64url.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: an unknown device, an unknown, used or expired challenge, or a signature that does not verify.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 429, description = "`too_many_attempts`: too many failed sign-ins for this device or from this address; wait and try again.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
)]
async fn token(
    State(services): State<Services>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    audit: Option<axum::Extension<AuditCaller>>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    // A sign-in, refused or not, is entered under the device's owner when
    // the device is known: the secretariat sees failed sign-ins too.
    if let Some(axum::Extension(slot)) = audit {
        if let Ok(Some((organisation, person))) = services.device_owner(request.device_id).await {
            let _ = slot.0.set((organisation, person, request.device_id));
        }
    }
    Ok(Json(
        services
            .token_from(
                peer.ip(),
                request.device_id,
                &request.challenge,
                &request.signature,
            )
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PullQuery {
    /// The cursor: changes numbered after it (0, the default: from the start).
    #[serde(default)]
    since: i64,
    /// The most changes in one page (5,000 by default, at most 10,000).
    #[serde(default = "default_limit")]
    #[param(default = 5000, minimum = 1)]
    limit: u32,
}

fn default_limit() -> u32 {
    5_000
}

#[utoipa::path(
    get,
    path = "/v1/changes",
    tag = "sync",
    operation_id = "pull",
    summary = "Pulls the organisation's changes the caller may see, after a cursor.",
    params(
        PullQuery,
    ),
    responses(
        (status = 200, description = "A page of changes and the cursor to ask from next.", body = PullResponse),
        (status = 400, description = "`bad_request`: a malformed query, or a negative `since`.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn pull(
    State(services): State<Services>,
    caller: Caller,
    ApiQuery(query): ApiQuery<PullQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    Ok(Json(
        services.pull(&caller, query.since, query.limit).await?,
    ))
}

/// A packed push of a few thousand ops is far below this.
const MAX_PUSH_BYTES: usize = 8 << 20;

/// `POST /v1/ops`: a packed, signed batch in; a packed answer per op out.
#[utoipa::path(
    post,
    path = "/v1/ops",
    tag = "sync",
    operation_id = "push_ops",
    summary = "Pushes a device's signed batch of ops; the server answers per op.",
    description = "Annotations, ballots, positions, opinions, drafts and commands made on the device, in the order it made them. Packed both ways (`application/x-ecabinet-packed`: postcard inside deflate), at most 8 MiB in and 64 MiB unpacked.",
    request_body(
        description = "A `PushBatch` (the device, its ops in their binary encoding, one signature over them), packed: postcard inside deflate.",
        content(("application/x-ecabinet-packed")),
    ),
    responses(
        (status = 200, description = "One result per op, in the order sent: a packed `PushResponse`.", content(("application/x-ecabinet-packed"))),
        (status = 400, description = "`bad_request`: not sent as `application/x-ecabinet-packed`, malformed, more than 5,000 ops, ops out of the device's order, or an op over 256 KiB.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: the batch names another device; `bad_signature`: the batch's or a ballot's or an opinion's signature does not verify.", body = ErrorBody),
        (status = 413, description = "The body is over 8 MiB (a plain-text answer from the HTTP layer, not the `{code, message}` body).", body = String, content_type = "text/plain"),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
        (status = 503, description = "`unavailable`: the server is stopping; `room_hub_orders`: a ballot's meeting is run by the room's hub now.", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn push_ops(
    State(services): State<Services>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let packed_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == ecabinet_domain::wire::PACKED_CONTENT_TYPE);
    if !packed_type {
        return Err(ServiceError::BadRequest(format!(
            "send changes as {}",
            ecabinet_domain::wire::PACKED_CONTENT_TYPE
        ))
        .into());
    }
    let response = services.push(&caller, &body).await?;
    let packed = ecabinet_domain::wire::pack(&response)
        .map_err(|e| ServiceError::BadRequest(e.to_string()))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            ecabinet_domain::wire::PACKED_CONTENT_TYPE,
        )],
        packed,
    ))
}

/// `GET /v1/events`: a WebSocket that says "the cursor is now N" whenever
/// the organisation's change stream moves (clients then pull), and carries
/// each live event of a session as it is ordered (`{"live": …}`), so the
/// room sees it without a round trip. Live events are ids, times and
/// positions in a meeting's log, which every participant may see; devices
/// deduplicate them by seq and fill any gap from the log.
#[utoipa::path(
    get,
    path = "/v1/events",
    tag = "sync",
    operation_id = "events",
    summary = "The event socket (WebSocket): cursor pokes, live events and room signals.",
    description = "Says \"the cursor is now N\" whenever the organisation's change stream moves (clients then pull), carries each live event of a session as it is ordered, so the room sees it without a round trip, and relays room signals addressed to this device. The socket lasts as long as the session, and no longer than the device.",
    responses(
        (status = 101, description = "Switching to the WebSocket protocol. The server then sends text messages: `{\"cursor\": N}` (a `Poke`: pull if behind), `{\"live\": …, \"cursor\": N}` (a `LiveMessage`: a live event as ordered) and `{\"signal\": …}` (a `RoomSignalMessage` for this device). It closes with code 4001 when the session ends or the device is revoked."),
        (status = 400, description = "Not a WebSocket upgrade request (a plain-text answer from the HTTP layer).", body = String, content_type = "text/plain"),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn events(
    State(services): State<Services>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Result<axum::response::Response, ApiError> {
    // The socket lasts as long as the session, and no longer than the device.
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    let expires_at = services.session_expiry(token).await?;
    let ends = Ends {
        device: caller.device,
        revocations: services.revocations.subscribe(),
        at: tokio::time::Instant::now()
            + (expires_at - chrono::Utc::now())
                .to_std()
                .unwrap_or_default(),
    };
    let cursor = services.cursor_updates();
    let live = services.live_events();
    let organisation = caller.person.organisation_id;
    let metrics = services.metrics.clone();
    let signals = services.signals.subscribe();
    Ok(upgrade
        // Devices send nothing on this socket but pings and its close.
        // tungstenite zero-fills its whole read buffer before every read,
        // even one that finds nothing, and each socket tries a read after
        // every message it sends: with the default 128 KiB that was 128 MB
        // written per live event to 1,000 sockets.
        .read_buffer_size(EVENT_SOCKET_READ_BUFFER)
        .max_message_size(EVENT_SOCKET_READ_BUFFER * 16)
        .on_upgrade(move |socket| poke(socket, organisation, cursor, live, metrics, ends, signals)))
}

/// The read buffer of one event socket (see [`events`]).
const EVENT_SOCKET_READ_BUFFER: usize = 4 * 1024;

/// When an event socket must close: its session ends, or its device is
/// revoked (through this instance; another instance's revocation closes it
/// at the session's end at the latest).
struct Ends {
    device: ecabinet_domain::DeviceId,
    revocations: tokio::sync::broadcast::Receiver<ecabinet_domain::DeviceId>,
    at: tokio::time::Instant,
}

async fn poke(
    mut socket: axum::extract::ws::WebSocket,
    organisation: ecabinet_domain::OrganisationId,
    mut cursor: tokio::sync::watch::Receiver<i64>,
    mut live: tokio::sync::broadcast::Receiver<crate::services::LiveBroadcast>,
    metrics: std::sync::Arc<crate::metrics::Metrics>,
    mut ends: Ends,
    mut signals: tokio::sync::broadcast::Receiver<crate::room::SignalBroadcast>,
) {
    use axum::extract::ws::Message;
    use tokio::sync::broadcast::error::RecvError;
    let text = |value: i64| {
        serde_json::to_string(&ecabinet_domain::api::Poke { cursor: value }).unwrap_or_default()
    };
    // Counted open while this function runs, whichever way it ends.
    struct Open(std::sync::Arc<crate::metrics::Metrics>);
    impl Drop for Open {
        fn drop(&mut self) {
            self.0
                .sockets_open
                .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    metrics
        .sockets_open
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let _open = Open(metrics.clone());
    let first = *cursor.borrow_and_update();
    if socket
        .send(Message::Text(text(first).into()))
        .await
        .is_err()
    {
        return;
    }
    // The newest change number this socket has told of: a live event
    // carries its own, so the poke for it is not sent again.
    let mut told = first;
    // One timer for the socket's life, not a new one per message.
    let session_ends = tokio::time::sleep_until(ends.at);
    tokio::pin!(session_ends);
    loop {
        // Biased, live events first: the orderer sends an event before it
        // moves the cursor, so a socket woken by both tells the event (and
        // its cursor) and then has nothing to poke. Unbiased, half the
        // sockets would send a poke first, delaying the event and making
        // their devices pull what the event already carries.
        tokio::select! {
            biased;
            event = live.recv() => match event {
                Ok(event) if event.organisation == organisation => {
                    if socket.send(Message::Text(event.message)).await.is_err() {
                        break;
                    }
                    metrics.live_events_sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    // Only when nothing lies between: another instance's
                    // changes below it must still be poked.
                    if event.change == told + 1 {
                        told = event.change;
                    }
                }
                // Another organisation's meeting: not for this device.
                Ok(_) => {}
                // Fell behind the broadcast: the events it missed moved the
                // cursor without waking anyone, so it pokes now.
                Err(RecvError::Lagged(_)) => {
                    let value = *cursor.borrow_and_update();
                    if value > told {
                        told = value;
                        if socket.send(Message::Text(text(value).into())).await.is_err() {
                            break;
                        }
                        metrics.pokes_sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                Err(RecvError::Closed) => break,
            },
            changed = cursor.changed() => {
                if changed.is_err() {
                    break; // the server is stopping
                }
                let value = *cursor.borrow_and_update();
                if value <= told {
                    continue;
                }
                told = value;
                if socket.send(Message::Text(text(value).into())).await.is_err() {
                    break;
                }
                metrics.pokes_sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
                Some(Ok(_)) => {}
            },
            () = &mut session_ends => {
                close(&mut socket, "the session ended; sign in again").await;
                break;
            }
            signal = signals.recv() => match signal {
                Ok(signal) if signal.to == ends.device => {
                    if socket.send(Message::Text((*signal.message).into())).await.is_err() {
                        break;
                    }
                }
                Err(RecvError::Closed) => break, // the server is stopping
                // Another device's, or lost in a burst: the sender retries.
                Ok(_) | Err(RecvError::Lagged(_)) => {}
            },
            revoked = ends.revocations.recv() => match revoked {
                Ok(device) if device == ends.device => {
                    close(&mut socket, "this device has been revoked").await;
                    break;
                }
                Err(RecvError::Closed) => break, // the server is stopping
                Ok(_) | Err(RecvError::Lagged(_)) => {}
            },
        }
    }
}

/// Says why, then closes (4001: the device must sign in again, and will be
/// told why when it tries).
async fn close(socket: &mut axum::extract::ws::WebSocket, why: &'static str) {
    use axum::extract::ws::{CloseFrame, Message};
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code: 4001,
            reason: why.into(),
        })))
        .await;
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SessionQuery {
    /// The events after this position in the log (0, the default: all).
    #[serde(default)]
    since: u32,
    /// Also the registered key of this device (a minutes signer's).
    device: Option<ecabinet_domain::DeviceId>,
}

#[utoipa::path(
    get,
    path = "/v1/meetings/{meeting}/session",
    tag = "session",
    operation_id = "session_log",
    summary = "A meeting's session log after a position, with the signing keys of its devices.",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
        SessionQuery,
    ),
    responses(
        (status = 200, description = "The events after `since`, the server's clock and the devices' keys.", body = SessionLogPage),
        (status = 400, description = "`bad_request`: a malformed path parameter or query.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting (a member does not see drafts).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn session_log(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> Result<Json<ecabinet_domain::session::SessionLogPage>, ApiError> {
    Ok(Json(
        services
            .session_log(&caller, meeting, query.since, query.device)
            .await?,
    ))
}

#[utoipa::path(
    post,
    path = "/v1/meetings/{meeting}/session/events",
    tag = "session",
    operation_id = "live_event",
    summary = "Sends a signed live event of the session; the server orders it into the meeting's log.",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
    ),
    request_body = SignedLiveEvent,
    responses(
        (status = 201, description = "The event in its place in the log.", body = OrderedLiveEvent),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, an event of another meeting, a device clock more than a few minutes off, a note on a restricted item's outcome, or attendance of someone who is not a member.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `bad_signature`: the event's signature does not verify; `forbidden`: not a participant, an event relayed by a device that is not the room's hub, or attendance the caller may not record; `not_chair`, `not_yours`, `not_presenter`: the session's rules refuse it to the caller.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting, motion or person; `unknown_item`, `document_not_on_item`: the event names what is not on the agenda.", body = ErrorBody),
        (status = 409, description = "`conflict`: the meeting is a draft or cancelled, or a vote event that does not match the vote; the session's rules refuse it now (`session_not_started`, `session_ended`, `not_current_item`, `already_requested`, `replayed_event`, `motion_already_open` and the like).", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`, `page_out_of_range`: a value out of range (page, zoom, speaking time, a note too long).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
        (status = 503, description = "`room_hub_orders`: the room's hub may be ordering the log now; `unavailable`: the log is busy, try again.", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn live_event(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::session::SignedLiveEvent>,
) -> Result<(StatusCode, Json<ecabinet_domain::session::OrderedLiveEvent>), ApiError> {
    let ordered = services.append_live_event(&caller, meeting, body).await?;
    Ok((StatusCode::CREATED, Json(ordered)))
}

#[utoipa::path(
    get,
    path = "/v1/meetings/{meeting}/room",
    tag = "room",
    operation_id = "room_info",
    summary = "What a room's hub needs to order the log without the server: facts, devices, keys, votes.",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
    ),
    responses(
        (status = 200, description = "The room.", body = RoomInfo),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: the caller is not a participant of this meeting.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn room_info(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
) -> Result<Json<ecabinet_domain::session::room::RoomInfo>, ApiError> {
    Ok(Json(services.room_info(&caller, meeting).await?))
}

#[utoipa::path(
    post,
    path = "/v1/meetings/{meeting}/room/hub",
    tag = "room",
    operation_id = "hub_check_in",
    summary = "The room's hub checks in (every second), with the segment of the log it ordered while the server was away.",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
    ),
    request_body = HubCheckIn,
    responses(
        (status = 200, description = "The hub's lease, the log's head and what was appended.", body = HubCheckInAnswer),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, or attendance in the segment of someone who is not a member.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat or the meeting's chair may do this. Also: a segment not ordered by this hub, or an event in it by someone outside the organisation.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting or person.", body = ErrorBody),
        (status = 409, description = "`room_hub_taken`: another device is this room's hub and its lease holds.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "The segment is refused (its code says why: `invalid_input`, `bad_signature`, `stale_epoch`, `not_at_head` and the like).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
        (status = 503, description = "`unavailable`: the log moved while the segment was checked; check in again.", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn hub_check_in(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::session::room::HubCheckIn>,
) -> Result<Json<ecabinet_domain::session::room::HubCheckInAnswer>, ApiError> {
    Ok(Json(services.hub_check_in(&caller, meeting, body).await?))
}

#[utoipa::path(
    delete,
    path = "/v1/meetings/{meeting}/room/hub",
    tag = "room",
    operation_id = "release_hub",
    summary = "The room has no hub any more: the server orders the log alone again.",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
    ),
    responses(
        (status = 204, description = "Released."),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat or the meeting's chair may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn release_hub(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
) -> Result<StatusCode, ApiError> {
    services.release_hub(&caller, meeting).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/v1/meetings/{meeting}/room/signal",
    tag = "room",
    operation_id = "room_signal",
    summary = "Relays a WebRTC offer or answer to another device of the room, on its event socket.",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
    ),
    request_body = RoomSignalRequest,
    responses(
        (status = 202, description = "Passed on to the addressee's event socket."),
        (status = 400, description = "`bad_request`: a malformed path parameter or JSON body.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: the caller is not a participant of this meeting.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting, or the addressee is not an active device of this room.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
        (status = 503, description = "`unavailable`: the addressee is not connected to this server.", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn room_signal(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::session::room::RoomSignalRequest>,
) -> Result<StatusCode, ApiError> {
    services.room_signal(&caller, meeting, body).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(
    post,
    path = "/v1/meetings/{meeting}/voice",
    tag = "room",
    operation_id = "voice_join",
    summary = "Joins the meeting's voice forwarding on this server (a WebRTC offer in, the answer out).",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
    ),
    request_body = VoiceJoin,
    responses(
        (status = 200, description = "The server's session description and its voice slots.", body = VoiceJoined),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, or an offer the voice forwarding cannot answer.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: the caller is not a participant of this meeting.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting.", body = ErrorBody),
        (status = 409, description = "`conflict`: the meeting is still a draft, or cancelled.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn voice_join(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::session::room::VoiceJoin>,
) -> Result<Json<ecabinet_domain::session::room::VoiceJoined>, ApiError> {
    Ok(Json(services.voice_join(&caller, meeting, body).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agenda/{item}/motions",
    tag = "voting",
    operation_id = "open_motion",
    summary = "Puts a question on an agenda item to the vote.",
    params(
        ("item" = AgendaItemId, Path, description = "The agenda item's id."),
    ),
    request_body = WithId<MotionId, OpenMotionRequest>,
    responses(
        (status = 201, description = "The open motion (or the one already opened under this id).", body = Motion),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, fewer than 2 or more than 10 options, or a closing time in the past.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat or the meeting's chair may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such agenda item.", body = ErrorBody),
        (status = 409, description = "`conflict`: the id is taken by another organisation's motion, or the meeting is a draft or cancelled.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`: a field breaks a validation rule (an empty or overlong title, name or text).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn open_motion(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(item): ApiPath<AgendaItemId>,
    ApiJson(body): ApiJson<
        ecabinet_domain::api::WithId<
            ecabinet_domain::MotionId,
            ecabinet_domain::api::OpenMotionRequest,
        >,
    >,
) -> Result<(StatusCode, Json<ecabinet_domain::voting::Motion>), ApiError> {
    let motion = services
        .open_motion(
            &caller,
            body.id.unwrap_or_else(ecabinet_domain::MotionId::new),
            item,
            body.request,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(motion)))
}

#[utoipa::path(
    post,
    path = "/v1/motions/{motion}/close",
    tag = "voting",
    operation_id = "close_motion",
    summary = "Closes a vote and counts it.",
    params(
        ("motion" = MotionId, Path, description = "The motion's id."),
    ),
    responses(
        (status = 200, description = "The closed motion with its tally.", body = Motion),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat or the meeting's chair may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such motion.", body = ErrorBody),
        (status = 409, description = "`conflict`: the vote is already closed.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
        (status = 503, description = "`room_hub_orders`: the room's hub may be running the session now; close the vote through the room.", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn close_motion(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(motion): ApiPath<ecabinet_domain::MotionId>,
) -> Result<Json<ecabinet_domain::voting::Motion>, ApiError> {
    Ok(Json(services.close_motion(&caller, motion).await?))
}

#[utoipa::path(
    post,
    path = "/v1/agenda/{item}/move",
    tag = "agenda",
    operation_id = "move_agenda_item",
    summary = "Moves an agenda item to a position (from 1).",
    params(
        ("item" = AgendaItemId, Path, description = "The agenda item's id."),
    ),
    request_body = MoveAgendaItemRequest,
    responses(
        (status = 200, description = "The meeting's agenda in its new order.", body = Vec<AgendaItem>),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, or a position below 1.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such agenda item.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn move_agenda_item(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(item): ApiPath<AgendaItemId>,
    ApiJson(body): ApiJson<ecabinet_domain::api::MoveAgendaItemRequest>,
) -> Result<Json<Vec<AgendaItem>>, ApiError> {
    Ok(Json(
        services
            .move_agenda_item(&caller, item, body.position)
            .await?,
    ))
}

#[utoipa::path(
    post,
    path = "/v1/agenda/{item}/opinions",
    tag = "opinions",
    operation_id = "request_opinions",
    summary = "Asks the members for written opinions on an agenda item.",
    params(
        ("item" = AgendaItemId, Path, description = "The agenda item's id."),
    ),
    request_body = WithId<OpinionRequestId, RequestOpinionsRequest>,
    responses(
        (status = 201, description = "The request (or the one already made under this id).", body = OpinionRequest),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, a deadline in the past, recipients who are not members, a mandate that does not fit, or fewer than two answers.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such agenda item.", body = ErrorBody),
        (status = 409, description = "`conflict`: the id is taken by another organisation's request, or the meeting is a draft or cancelled.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`: a field breaks a validation rule (an empty or overlong title, name or text).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn request_opinions(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(item): ApiPath<AgendaItemId>,
    ApiJson(body): ApiJson<
        ecabinet_domain::api::WithId<
            ecabinet_domain::OpinionRequestId,
            ecabinet_domain::api::RequestOpinionsRequest,
        >,
    >,
) -> Result<(StatusCode, Json<ecabinet_domain::opinions::OpinionRequest>), ApiError> {
    let request = services
        .request_opinions(
            &caller,
            body.id
                .unwrap_or_else(ecabinet_domain::OpinionRequestId::new),
            item,
            body.request,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(request)))
}

#[utoipa::path(
    get,
    path = "/v1/opinions/{request}/status",
    tag = "opinions",
    operation_id = "opinion_status",
    summary = "Where a request for opinions stands, with the keys to check every signed response.",
    params(
        ("request" = OpinionRequestId, Path, description = "The opinion request's id."),
    ),
    responses(
        (status = 200, description = "The status and the answering devices' keys.", body = OpinionStatusView),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such opinion request.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn opinion_status(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(request): ApiPath<ecabinet_domain::OpinionRequestId>,
) -> Result<Json<ecabinet_domain::api::OpinionStatusView>, ApiError> {
    Ok(Json(services.opinion_status(&caller, request).await?))
}

#[utoipa::path(
    post,
    path = "/v1/meetings/{meeting}/adopt",
    tag = "agenda",
    operation_id = "adopt",
    summary = "Adopts agenda items without discussion (all those proposed for it, or the ones named).",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
    ),
    request_body = AdoptRequest,
    responses(
        (status = 200, description = "The decisions recorded.", body = Vec<ItemDecision>),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, or an item that is not on this meeting's agenda.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting.", body = ErrorBody),
        (status = 409, description = "`conflict`: the meeting is a draft or cancelled, or a named item has objections or members who wish to speak.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn adopt(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::api::AdoptRequest>,
) -> Result<Json<Vec<ecabinet_domain::positions::ItemDecision>>, ApiError> {
    Ok(Json(
        services
            .adopt_without_discussion(&caller, meeting, body.items)
            .await?,
    ))
}

#[utoipa::path(
    get,
    path = "/v1/motions/{motion}/export",
    tag = "voting",
    operation_id = "motion_export",
    summary = "Everything needed to recount a closed vote without trusting the server.",
    params(
        ("motion" = MotionId, Path, description = "The motion's id."),
    ),
    responses(
        (status = 200, description = "The motion, every accepted ballot with its receipt, and the voters' keys.", body = MotionExportView),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: the item is restricted and the caller is not on its list.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such motion.", body = ErrorBody),
        (status = 409, description = "`conflict`: the vote is still open.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn motion_export(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(motion): ApiPath<ecabinet_domain::MotionId>,
) -> Result<Json<ecabinet_domain::api::MotionExportView>, ApiError> {
    Ok(Json(services.motion_export(&caller, motion).await?))
}

#[utoipa::path(
    put,
    path = "/v1/meetings/{meeting}/attendance/{person}",
    tag = "voting",
    operation_id = "record_attendance",
    summary = "Records a member's attendance (the secretariat or the chair), or a member checks in.",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
        ("person" = PersonId, Path, description = "The person's id."),
    ),
    request_body = AttendanceRequest,
    responses(
        (status = 200, description = "The attendance recorded.", body = Attendance),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, a person who is not a member, or a substitute who is not another person of the organisation.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: a member may only check themselves in (present or remote), and not over the secretariat's record of them.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting or person.", body = ErrorBody),
        (status = 409, description = "`conflict`: the meeting is still a draft, or cancelled.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`: a field breaks a validation rule (an empty or overlong title, name or text).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn record_attendance(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((meeting, person)): ApiPath<(MeetingId, ecabinet_domain::PersonId)>,
    ApiJson(body): ApiJson<ecabinet_domain::api::AttendanceRequest>,
) -> Result<Json<ecabinet_domain::voting::Attendance>, ApiError> {
    Ok(Json(
        services
            .record_attendance(&caller, meeting, person, body.presence)
            .await?,
    ))
}

#[utoipa::path(
    get,
    path = "/v1/person-keys",
    tag = "keys",
    operation_id = "person_keys",
    summary = "The caller's person keys wrapped for its devices, and its active devices.",
    responses(
        (status = 200, description = "The envelopes and the devices.", body = PersonKeys),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn person_keys(
    State(services): State<Services>,
    caller: Caller,
) -> Result<Json<ecabinet_domain::api::PersonKeys>, ApiError> {
    Ok(Json(services.person_keys(&caller).await?))
}

#[utoipa::path(
    post,
    path = "/v1/person-keys",
    tag = "keys",
    operation_id = "add_person_keys",
    summary = "Wraps the caller's person keys for its other devices.",
    request_body = AddPersonKeysRequest,
    responses(
        (status = 200, description = "How many envelopes were added (those already held are skipped).", body = u32, content_type = "application/json"),
        (status = 400, description = "`bad_request`: a malformed JSON body.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: an envelope for a device that is not one of the caller's own active devices.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn add_person_keys(
    State(services): State<Services>,
    caller: Caller,
    ApiJson(body): ApiJson<ecabinet_domain::api::AddPersonKeysRequest>,
) -> Result<Json<u32>, ApiError> {
    Ok(Json(services.add_person_keys(&caller, body).await?))
}

#[utoipa::path(
    post,
    path = "/v1/meetings",
    tag = "meetings",
    operation_id = "create_meeting",
    summary = "Creates a meeting (under the id the client chose, if any).",
    request_body = WithId<MeetingId, CreateMeetingRequest>,
    responses(
        (status = 201, description = "The meeting (or the one already made under this id).", body = Meeting),
        (status = 400, description = "`bad_request`: a malformed body, or a named person who is not of the organisation.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 409, description = "`conflict`: the id is taken by another organisation's meeting.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`: a field breaks a validation rule (an empty or overlong title, name or text).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn create_meeting(
    State(services): State<Services>,
    caller: Caller,
    ApiJson(body): ApiJson<ecabinet_domain::api::WithId<MeetingId, CreateMeetingRequest>>,
) -> Result<(StatusCode, Json<Meeting>), ApiError> {
    let meeting = services
        .create_meeting(
            &caller,
            body.id.unwrap_or_else(ecabinet_domain::MeetingId::new),
            body.request,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(meeting)))
}

#[utoipa::path(
    patch,
    path = "/v1/meetings/{meeting}",
    tag = "meetings",
    operation_id = "update_meeting",
    summary = "Changes a meeting's title, start, status or details; only the fields given change.",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
    ),
    request_body = UpdateMeetingRequest,
    responses(
        (status = 200, description = "The meeting as changed.", body = Meeting),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, or a named person who is not of the organisation.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`: a field breaks a validation rule (an empty or overlong title, name or text).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn update_meeting(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::api::UpdateMeetingRequest>,
) -> Result<Json<Meeting>, ApiError> {
    Ok(Json(services.update_meeting(&caller, meeting, body).await?))
}

#[utoipa::path(
    post,
    path = "/v1/meetings/{meeting}/agenda",
    tag = "agenda",
    operation_id = "add_agenda_item",
    summary = "Appends an item to a meeting's agenda (under the id the client chose, if any).",
    params(
        ("meeting" = MeetingId, Path, description = "The meeting's id."),
    ),
    request_body = WithId<AgendaItemId, AddAgendaItemRequest>,
    responses(
        (status = 201, description = "The item (or the one already added under this id).", body = AgendaItem),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, or a named person who is not of the organisation.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such meeting.", body = ErrorBody),
        (status = 409, description = "`conflict`: the id is taken by another organisation's item.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`: a field breaks a validation rule (an empty or overlong title, name or text).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn add_agenda_item(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::api::WithId<AgendaItemId, AddAgendaItemRequest>>,
) -> Result<(StatusCode, Json<AgendaItem>), ApiError> {
    let item = services
        .add_agenda_item(
            &caller,
            body.id.unwrap_or_else(ecabinet_domain::AgendaItemId::new),
            meeting,
            &body.request.title,
            body.request.only,
            &body.request.details,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(item)))
}

#[utoipa::path(
    put,
    path = "/v1/agenda/{item}/access",
    tag = "agenda",
    operation_id = "set_item_access",
    summary = "Restricts an agenda item to named persons, or opens it to all participants.",
    params(
        ("item" = AgendaItemId, Path, description = "The agenda item's id."),
    ),
    request_body = SetItemAccessRequest,
    responses(
        (status = 200, description = "The item as changed.", body = AgendaItem),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, or a named person who is not of the organisation.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such agenda item.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn set_item_access(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(item): ApiPath<AgendaItemId>,
    ApiJson(body): ApiJson<SetItemAccessRequest>,
) -> Result<Json<AgendaItem>, ApiError> {
    Ok(Json(
        services.set_item_access(&caller, item, body.only).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/v1/devices",
    tag = "devices",
    operation_id = "own_devices",
    summary = "The caller's own devices, active and revoked, oldest first.",
    responses(
        (status = 200, description = "The devices.", body = Vec<DeviceSummary>),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn own_devices(
    State(services): State<Services>,
    caller: Caller,
) -> Result<Json<Vec<ecabinet_domain::api::DeviceSummary>>, ApiError> {
    Ok(Json(services.own_devices(&caller).await?))
}

#[utoipa::path(
    post,
    path = "/v1/devices/{device}/revoke",
    tag = "devices",
    operation_id = "revoke_device",
    summary = "Revokes a device (the secretariat any, a person their own): it gets nothing more and wipes itself.",
    params(
        ("device" = DeviceId, Path, description = "The device's id."),
    ),
    responses(
        (status = 204, description = "Revoked; its event sockets close."),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat or the device's owner may revoke it.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such device.", body = ErrorBody),
        (status = 409, description = "`conflict`: the device is already revoked.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn revoke_device(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(device): ApiPath<ecabinet_domain::DeviceId>,
) -> Result<StatusCode, ApiError> {
    services.revoke_device(Some(&caller), device).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/v1/policy",
    tag = "devices",
    operation_id = "policy",
    summary = "The rules the organisation sets for its devices' caches.",
    responses(
        (status = 200, description = "The policy.", body = DevicePolicy),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn policy(
    State(services): State<Services>,
    _caller: Caller,
) -> Json<ecabinet_domain::api::DevicePolicy> {
    Json(services.policy())
}

#[utoipa::path(
    post,
    path = "/v1/invites",
    tag = "enrolment",
    operation_id = "invite",
    summary = "Issues a one-time enrolment code: for a new person, or another device of an existing one.",
    request_body = InviteRequest,
    responses(
        (status = 201, description = "The person and the code (shown once).", body = InviteResponse),
        (status = 400, description = "`bad_request`: a malformed body, or neither a name and a role nor a person id.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this (anyone may link another device of their own).", body = ErrorBody),
        (status = 404, description = "`not_found`: no such person.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`: a field breaks a validation rule (an empty or overlong title, name or text).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn invite(
    State(services): State<Services>,
    caller: Caller,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<InviteResponse>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(services.invite(&caller, body).await?),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RecipientsQuery {
    /// The agenda item whose documents are to be read.
    item: AgendaItemId,
}

#[utoipa::path(
    get,
    path = "/v1/recipients",
    tag = "documents",
    operation_id = "recipients",
    summary = "The devices that may receive the keys of an agenda item's documents.",
    params(
        RecipientsQuery,
    ),
    responses(
        (status = 200, description = "The devices with their key-agreement keys.", body = Vec<Recipient>),
        (status = 400, description = "`bad_request`: a malformed or missing `item`.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such agenda item.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn recipients(
    State(services): State<Services>,
    caller: Caller,
    ApiQuery(query): ApiQuery<RecipientsQuery>,
) -> Result<Json<Vec<Recipient>>, ApiError> {
    Ok(Json(services.recipients(&caller, query.item).await?))
}

#[utoipa::path(
    post,
    path = "/v1/documents",
    tag = "documents",
    operation_id = "publish_document",
    summary = "Publishes a document version whose sealed chunks are all uploaded, with its keys for the readers' devices.",
    request_body = PublishDocumentRequest,
    responses(
        (status = 201, description = "The published version (or the one already published with this very manifest).", body = Document),
        (status = 400, description = "`bad_request`: a malformed body or manifest, a signature that does not verify, not a PDF, bad chunking or sizes, a missing or mismatching chunk, a version without its predecessor, or a key for a device that may not read the item.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one; or the device is unknown.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such agenda item.", body = ErrorBody),
        (status = 409, description = "`conflict`: this version is already published with another manifest.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 422, description = "`invalid_input`: a field breaks a validation rule (an empty or overlong title, name or text).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
        (status = 503, description = "`unavailable`: checking the chunks failed; try again.", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn publish_document(
    State(services): State<Services>,
    caller: Caller,
    ApiJson(body): ApiJson<PublishDocumentRequest>,
) -> Result<(StatusCode, Json<Document>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(services.publish_document(&caller, body).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/v1/documents/{document}/versions/{version}/key",
    tag = "documents",
    operation_id = "document_key",
    summary = "The document version's content key, wrapped for the calling device.",
    params(
        ("document" = DocumentId, Path, description = "The document's id (shared by all its versions)."),
        ("version" = u32, Path, description = "The document's version, from 1."),
    ),
    responses(
        (status = 200, description = "The key envelope for this device.", body = DeviceKeyEnvelope),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: the item is restricted and the caller is not on its list.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such document version (or not visible to the caller); `no_key`: this device has no key for it yet.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn document_key(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version)): ApiPath<(DocumentId, u32)>,
) -> Result<impl IntoResponse, ApiError> {
    let envelope = services.document_key(&caller, document, version).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], envelope))
}

#[utoipa::path(
    get,
    path = "/v1/pending-keys",
    tag = "documents",
    operation_id = "pending_keys",
    summary = "The devices still waiting for a document version's key.",
    responses(
        (status = 200, description = "What the secretariat's device should wrap next.", body = Vec<PendingKey>),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn pending_keys(
    State(services): State<Services>,
    caller: Caller,
) -> Result<Json<Vec<PendingKey>>, ApiError> {
    Ok(Json(services.pending_keys(&caller).await?))
}

#[utoipa::path(
    post,
    path = "/v1/documents/{document}/versions/{version}/keys",
    tag = "documents",
    operation_id = "add_document_keys",
    summary = "Adds a document version's key, wrapped for more devices.",
    params(
        ("document" = DocumentId, Path, description = "The document's id (shared by all its versions)."),
        ("version" = u32, Path, description = "The document's version, from 1."),
    ),
    request_body = Vec<DeviceKeyEnvelope>,
    responses(
        (status = 200, description = "How many keys were added.", body = KeysAdded),
        (status = 400, description = "`bad_request`: a malformed path parameter or body, or a key for a device that may not read the item.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such document version.", body = ErrorBody),
        (status = 413, description = "`too_large`: the body is larger than the server accepts (256 KiB).", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn add_document_keys(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version)): ApiPath<(DocumentId, u32)>,
    ApiJson(envelopes): ApiJson<Vec<DeviceKeyEnvelope>>,
) -> Result<Json<KeysAdded>, ApiError> {
    let added = services
        .add_document_keys(&caller, document, version, envelopes)
        .await?;
    Ok(Json(KeysAdded { added }))
}

/// The answer to `POST /v1/documents/{document}/versions/{version}/keys`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct KeysAdded {
    /// Keys added now (a device that already held one is skipped).
    pub added: u32,
}

#[utoipa::path(
    put,
    path = "/v1/documents/{document}/versions/{version}/chunks/{index}",
    tag = "documents",
    operation_id = "put_chunk",
    summary = "Uploads one sealed chunk of a document version before it is published.",
    params(
        ("document" = DocumentId, Path, description = "The document's id (shared by all its versions)."),
        ("version" = u32, Path, description = "The document's version, from 1."),
        ("index" = u32, Path, description = "The chunk's index, from 0."),
    ),
    request_body(
        description = "The sealed chunk: ciphertext and its 16-byte tag, at most 1 MiB and 16 bytes.",
        content(("application/octet-stream")),
    ),
    responses(
        (status = 204, description = "Stored."),
        (status = 400, description = "`bad_request`: a malformed path parameter, or a chunk of the wrong size.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 409, description = "`conflict`: the version is already published and cannot change.", body = ErrorBody),
        (status = 413, description = "The chunk is larger than the server accepts (a plain-text answer from the HTTP layer, not the `{code, message}` body).", body = String, content_type = "text/plain"),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn put_chunk(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version, index)): ApiPath<(DocumentId, u32, u32)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    services
        .put_chunk(&caller, document, version, index, body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/v1/documents/{document}/versions/{version}/upload",
    tag = "documents",
    operation_id = "upload_state",
    summary = "What the server already holds of a version being uploaded, so an interrupted upload resumes.",
    params(
        ("document" = DocumentId, Path, description = "The document's id (shared by all its versions)."),
        ("version" = u32, Path, description = "The document's version, from 1."),
    ),
    responses(
        (status = 200, description = "Published already, or the chunks stored so far.", body = UploadState),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: the version belongs to another organisation.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn upload_state(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version)): ApiPath<(DocumentId, u32)>,
) -> Result<Json<ecabinet_domain::api::UploadState>, ApiError> {
    Ok(Json(
        services.upload_state(&caller, document, version).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/v1/documents/{document}/versions/{version}/chunks/{index}",
    tag = "documents",
    operation_id = "get_chunk",
    summary = "Downloads one sealed chunk of a published document version.",
    params(
        ("document" = DocumentId, Path, description = "The document's id (shared by all its versions)."),
        ("version" = u32, Path, description = "The document's version, from 1."),
        ("index" = u32, Path, description = "The chunk's index, from 0."),
    ),
    responses(
        (status = 200, description = "The sealed chunk.", content(("application/octet-stream"))),
        (status = 400, description = "`bad_request`: a malformed path parameter.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: the item is restricted and the caller is not on its list.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such document version (or not visible to the caller), or no such chunk.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn get_chunk(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version, index)): ApiPath<(DocumentId, u32, u32)>,
) -> Result<impl IntoResponse, ApiError> {
    let bytes = services
        .get_chunk(&caller, document, version, index)
        .await?;
    services
        .metrics
        .chunk_bytes_served
        .fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes))
}

#[utoipa::path(
    get,
    path = "/v1/documents/{document}/versions/{version}/chunks/{from}/{count}",
    tag = "documents",
    operation_id = "get_chunk_run",
    summary = "Downloads a run of consecutive sealed chunks of a published document version, one after another in one answer.",
    description = "The answer is the chunks' bytes back to back; each chunk's size is in the signed manifest. \
        A device downloading a pack asks for runs, so the session, the caller's access and the audit entry are checked once per run. \
        A chunk that cannot be read once the answer has started ends it early: the device sees a short answer and asks again.",
    params(
        ("document" = DocumentId, Path, description = "The document's id (shared by all its versions)."),
        ("version" = u32, Path, description = "The document's version, from 1."),
        ("from" = u32, Path, description = "The first chunk's index, from 0."),
        ("count" = u32, Path, description = "How many chunks, 1 to 16."),
    ),
    responses(
        (status = 200, description = "The sealed chunks, back to back.", content(("application/octet-stream"))),
        (status = 400, description = "`bad_request`: a malformed path parameter, or a count outside 1 to 16.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: the item is restricted and the caller is not on its list.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such document version (or not visible to the caller), or the run goes past its last chunk.", body = ErrorBody),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn get_chunk_run(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version, from, count)): ApiPath<(DocumentId, u32, u32, u32)>,
) -> Result<impl IntoResponse, ApiError> {
    use futures::StreamExt;
    let (length, chunks) = services
        .get_chunk_run(&caller, document, version, from, count)
        .await?;
    let metrics = services.metrics.clone();
    let body = chunks.map(move |chunk| {
        let chunk = chunk.map_err(|error| {
            tracing::warn!(%error, %document, version, "a run of chunks ended early");
            std::io::Error::other(error.to_string())
        })?;
        metrics
            .chunk_bytes_served
            .fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed);
        Ok::<_, std::io::Error>(chunk)
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_LENGTH, length.to_string()),
        ],
        axum::body::Body::from_stream(body),
    ))
}

#[utoipa::path(
    put,
    path = "/v1/documents/{document}/versions/{version}/chunks/{from}/{count}",
    tag = "documents",
    operation_id = "put_chunk_run",
    summary = "Uploads a run of consecutive sealed chunks of a version not yet published, back to back in one body (secretariat).",
    description = "Every chunk but a version's last is full (1 MiB and its 16-byte tag), so the body's length says where each chunk ends: \
        `count - 1` full chunks and a last one of 16 bytes to a full chunk. Each chunk is durable before the answer.",
    params(
        ("document" = DocumentId, Path, description = "The document's id (shared by all its versions)."),
        ("version" = u32, Path, description = "The document's version, from 1."),
        ("from" = u32, Path, description = "The first chunk's index, from 0."),
        ("count" = u32, Path, description = "How many chunks, 1 to 16."),
    ),
    request_body(
        description = "The sealed chunks, back to back.",
        content(("application/octet-stream")),
    ),
    responses(
        (status = 204, description = "Stored."),
        (status = 400, description = "`bad_request`: a malformed path parameter, a count outside 1 to 16, or a body whose length is not that of `count` chunks.", body = ErrorBody),
        (status = 401, description = "`unauthenticated`: no bearer token, or a malformed, unknown or expired one.", body = ErrorBody),
        (status = 403, description = "`device_revoked`: this device has been revoked. `forbidden`: only the secretariat may do this.", body = ErrorBody),
        (status = 404, description = "`not_found`: the document belongs to another organisation.", body = ErrorBody),
        (status = 409, description = "`conflict`: the version is already published and cannot change.", body = ErrorBody),
        (status = 413, description = "The body is larger than 16 chunks (a plain-text answer from the HTTP layer, not the `{code, message}` body).", body = String, content_type = "text/plain"),
        (status = 500, description = "`internal`: the server failed (the details are in its log).", body = ErrorBody),
    ),
    security(("session" = [])),
)]
async fn put_chunk_run(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version, from, count)): ApiPath<(DocumentId, u32, u32, u32)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    services
        .put_chunk_run(&caller, document, version, from, count, body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `Authorization: Bearer TOKEN` → the calling device and person.
impl<S> FromRequestParts<S> for Caller
where
    Services: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let services = Services::from_ref(state);
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or(ServiceError::Unauthenticated("no Authorization header"))?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or(ServiceError::Unauthenticated(
                "Authorization must be a Bearer token",
            ))?;
        let caller = services.authenticate(token).await?;
        // The audit entry of this request names who made it.
        if let Some(slot) = parts.extensions.get::<AuditCaller>() {
            let _ = slot.0.set((
                caller.person.organisation_id,
                caller.person.id,
                caller.device,
            ));
        }
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    use super::metrics_allowed;

    #[test]
    fn the_metrics_are_for_this_machine_or_the_token() {
        let here = "127.0.0.1".parse().expect("an address");
        let there = "10.0.0.7".parse().expect("an address");
        assert!(metrics_allowed(here, None, None));
        assert!(!metrics_allowed(there, None, None), "no token configured");
        assert!(!metrics_allowed(there, Some("Bearer s3cret"), None));
        assert!(!metrics_allowed(there, None, Some("s3cret")));
        assert!(!metrics_allowed(
            there,
            Some("Bearer wrong"),
            Some("s3cret")
        ));
        assert!(
            !metrics_allowed(there, Some("s3cret"), Some("s3cret")),
            "a bearer"
        );
        assert!(metrics_allowed(
            there,
            Some("Bearer s3cret"),
            Some("s3cret")
        ));
    }
}
