//! The HTTP surface: thin handlers that parse, call [`Services`], and answer
//! JSON. Every error leaves through [`ApiError`] as `{code, message}`.

mod error;

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
use ecabinet_domain::{AgendaItem, AgendaItemId, Document, DocumentId, Meeting, MeetingId};
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
        .route("/metrics", get(metrics))
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
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().as_str().to_owned();
    let route = matched.map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    services.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

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

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

async fn not_found() -> ApiError {
    ApiError::from(ServiceError::NotFound("route"))
}

async fn enroll(
    State(services): State<Services>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    ApiJson(body): ApiJson<EnrollRequest>,
) -> Result<Json<EnrollResponse>, ApiError> {
    Ok(Json(services.enroll_from(peer.ip(), body).await?))
}

async fn challenge(
    State(services): State<Services>,
    ApiJson(body): ApiJson<ChallengeRequest>,
) -> Result<Json<ChallengeResponse>, ApiError> {
    Ok(Json(services.challenge(body.device_id).await?))
}

async fn token(
    State(services): State<Services>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
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

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    since: i64,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    5_000
}

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
        .on_upgrade(move |socket| poke(socket, organisation, cursor, live, metrics, ends, signals)))
}

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
                    if socket.send(Message::Text((*event.message).into())).await.is_err() {
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
                // Fell behind: the cursor poke that follows makes it pull.
                Err(RecvError::Lagged(_)) => {}
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
            () = tokio::time::sleep_until(ends.at) => {
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

#[derive(Deserialize)]
struct SessionQuery {
    #[serde(default)]
    since: u32,
    /// Also the registered key of this device (a minutes signer's).
    device: Option<ecabinet_domain::DeviceId>,
}

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

async fn live_event(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::session::SignedLiveEvent>,
) -> Result<(StatusCode, Json<ecabinet_domain::session::OrderedLiveEvent>), ApiError> {
    let ordered = services.append_live_event(&caller, meeting, body).await?;
    Ok((StatusCode::CREATED, Json(ordered)))
}

async fn room_info(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
) -> Result<Json<ecabinet_domain::session::room::RoomInfo>, ApiError> {
    Ok(Json(services.room_info(&caller, meeting).await?))
}

async fn hub_check_in(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::session::room::HubCheckIn>,
) -> Result<Json<ecabinet_domain::session::room::HubCheckInAnswer>, ApiError> {
    Ok(Json(services.hub_check_in(&caller, meeting, body).await?))
}

async fn release_hub(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
) -> Result<StatusCode, ApiError> {
    services.release_hub(&caller, meeting).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn room_signal(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::session::room::RoomSignalRequest>,
) -> Result<StatusCode, ApiError> {
    services.room_signal(&caller, meeting, body).await?;
    Ok(StatusCode::ACCEPTED)
}

async fn voice_join(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::session::room::VoiceJoin>,
) -> Result<Json<ecabinet_domain::session::room::VoiceJoined>, ApiError> {
    Ok(Json(services.voice_join(&caller, meeting, body).await?))
}

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

async fn close_motion(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(motion): ApiPath<ecabinet_domain::MotionId>,
) -> Result<Json<ecabinet_domain::voting::Motion>, ApiError> {
    Ok(Json(services.close_motion(&caller, motion).await?))
}

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

async fn opinion_status(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(request): ApiPath<ecabinet_domain::OpinionRequestId>,
) -> Result<Json<ecabinet_domain::api::OpinionStatusView>, ApiError> {
    Ok(Json(services.opinion_status(&caller, request).await?))
}

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

async fn motion_export(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(motion): ApiPath<ecabinet_domain::MotionId>,
) -> Result<Json<ecabinet_domain::api::MotionExportView>, ApiError> {
    Ok(Json(services.motion_export(&caller, motion).await?))
}

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

async fn person_keys(
    State(services): State<Services>,
    caller: Caller,
) -> Result<Json<ecabinet_domain::api::PersonKeys>, ApiError> {
    Ok(Json(services.person_keys(&caller).await?))
}

async fn add_person_keys(
    State(services): State<Services>,
    caller: Caller,
    ApiJson(body): ApiJson<ecabinet_domain::api::AddPersonKeysRequest>,
) -> Result<Json<u32>, ApiError> {
    Ok(Json(services.add_person_keys(&caller, body).await?))
}

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

async fn update_meeting(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(meeting): ApiPath<MeetingId>,
    ApiJson(body): ApiJson<ecabinet_domain::api::UpdateMeetingRequest>,
) -> Result<Json<Meeting>, ApiError> {
    Ok(Json(services.update_meeting(&caller, meeting, body).await?))
}

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

async fn own_devices(
    State(services): State<Services>,
    caller: Caller,
) -> Result<Json<Vec<ecabinet_domain::api::DeviceSummary>>, ApiError> {
    Ok(Json(services.own_devices(&caller).await?))
}

async fn revoke_device(
    State(services): State<Services>,
    caller: Caller,
    ApiPath(device): ApiPath<ecabinet_domain::DeviceId>,
) -> Result<StatusCode, ApiError> {
    services.revoke_device(Some(&caller), device).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn policy(
    State(services): State<Services>,
    _caller: Caller,
) -> Json<ecabinet_domain::api::DevicePolicy> {
    Json(services.policy())
}

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

#[derive(Deserialize)]
struct RecipientsQuery {
    item: AgendaItemId,
}

async fn recipients(
    State(services): State<Services>,
    caller: Caller,
    ApiQuery(query): ApiQuery<RecipientsQuery>,
) -> Result<Json<Vec<Recipient>>, ApiError> {
    Ok(Json(services.recipients(&caller, query.item).await?))
}

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

async fn document_key(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version)): ApiPath<(DocumentId, u32)>,
) -> Result<impl IntoResponse, ApiError> {
    let envelope = services.document_key(&caller, document, version).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], envelope))
}

async fn pending_keys(
    State(services): State<Services>,
    caller: Caller,
) -> Result<Json<Vec<PendingKey>>, ApiError> {
    Ok(Json(services.pending_keys(&caller).await?))
}

async fn add_document_keys(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version)): ApiPath<(DocumentId, u32)>,
    ApiJson(envelopes): ApiJson<Vec<DeviceKeyEnvelope>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let added = services
        .add_document_keys(&caller, document, version, envelopes)
        .await?;
    Ok(Json(serde_json::json!({ "added": added })))
}

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

async fn upload_state(
    State(services): State<Services>,
    caller: Caller,
    ApiPath((document, version)): ApiPath<(DocumentId, u32)>,
) -> Result<Json<ecabinet_domain::api::UploadState>, ApiError> {
    Ok(Json(
        services.upload_state(&caller, document, version).await?,
    ))
}

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
        Ok(services.authenticate(token).await?)
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
