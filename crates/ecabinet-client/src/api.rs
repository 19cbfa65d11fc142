//! The HTTP calls to the server: each takes and returns the shared wire types
//! of `ecabinet_domain::api`, and turns transport failures and `{code,
//! message}` error bodies into [`ClientError`]s.

use std::time::Duration;

use ecabinet_domain::api::{
    ChallengeRequest, ChallengeResponse, EnrollRequest, EnrollResponse, ErrorBody, PullResponse,
    TokenRequest, TokenResponse,
};
use ecabinet_domain::api::{DeviceKeyEnvelope, PendingKey, PublishDocumentRequest, Recipient};
use ecabinet_domain::{DeviceId, Document, DocumentId};
use reqwest::{Method, RequestBuilder, Response, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ClientError, ClientResult};

#[derive(Clone, Debug)]
pub struct ServerApi {
    base: Url,
    http: reqwest::Client,
    /// Where this device keeps its sign-in for the next command (see
    /// `stored_sign_in`), and whether the server refused a session since.
    sign_in: Option<std::sync::Arc<SignInWatch>>,
}

/// What the API layer does when the server refuses a session: forgets the
/// kept sign-in, and tells the engine to sign in afresh (which, for a
/// revoked device, wipes it).
#[derive(Debug)]
pub(crate) struct SignInWatch {
    pub(crate) kept_at: std::path::PathBuf,
    pub(crate) refused: std::sync::atomic::AtomicBool,
}

/// Checks a server address typed by a person. Plain HTTP is only allowed to
/// this machine (as the server only allows it on loopback).
pub fn parse_server_url(text: &str) -> ClientResult<Url> {
    let invalid = |reason: &str| ClientError::InvalidServerUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(text.trim()).map_err(|e| invalid(&e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Domain(name)) => name == "localhost",
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if !loopback {
                return Err(invalid(
                    "plain http:// is only allowed to this machine; use https://",
                ));
            }
        }
        _ => {
            return Err(invalid(
                "use an https:// address (or http:// to this machine)",
            ))
        }
    }
    if url.host().is_none() {
        return Err(invalid("the address has no host name"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The header that carries a request's id to the server's log.
pub const REQUEST_ID: &str = "x-request-id";

impl SignInWatch {
    pub(crate) fn for_profile(dir: &std::path::Path) -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self {
            kept_at: dir.join(crate::stored_sign_in::STORED_SIGN_IN_FILE),
            refused: std::sync::atomic::AtomicBool::new(false),
        })
    }
}

impl ServerApi {
    pub fn new(base: Url) -> ClientResult<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("ecabinet-client/", env!("CARGO_PKG_VERSION")))
            // Plain HTTP is only ever loopback (see `parse_server_url`): no
            // need to load and parse the system's trust store, which was a
            // good part of every `ecab` command's start.
            .tls_built_in_root_certs(base.scheme() == "https")
            .build()
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok(Self {
            base,
            http,
            sign_in: None,
        })
    }

    /// Watches for refused sessions (see [`SignInWatch`]).
    pub(crate) fn watching_sign_in(mut self, watch: std::sync::Arc<SignInWatch>) -> Self {
        self.sign_in = Some(watch);
        self
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> ClientResult<RequestBuilder> {
        let url = self
            .base
            .join(path)
            .map_err(|e| ClientError::InvalidServerUrl {
                url: self.base.to_string(),
                reason: e.to_string(),
            })?;
        // Each request carries its own id, which the server's log shows
        // beside its handling: a refusal logged here can be found there.
        Ok(self
            .http
            .request(method, url)
            .header(REQUEST_ID, uuid::Uuid::now_v7().to_string()))
    }

    /// Sends a request; a refusal is logged with the request's id.
    async fn execute(&self, request: RequestBuilder) -> ClientResult<Response> {
        let request = request
            .build()
            .map_err(|e| ClientError::Protocol(format!("the request could not be formed: {e}")))?;
        let id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let (method, path) = (request.method().clone(), request.url().path().to_owned());
        let signed_in = request
            .headers()
            .contains_key(reqwest::header::AUTHORIZATION);
        let response = match self.http.execute(request).await {
            Ok(response) => response,
            Err(error) => {
                tracing::debug!(request_id = %id, %method, %path, %error, "the server could not be reached");
                return Err(self.unreachable(error));
            }
        };
        let status = response.status();
        if signed_in
            && matches!(
                status,
                reqwest::StatusCode::UNAUTHORIZED | reqwest::StatusCode::FORBIDDEN
            )
        {
            // Expired, unknown, or a revoked device's: the next command, and
            // this one's next request, sign in afresh. (A plain `forbidden`
            // costs one needless sign-in; telling it apart means reading the
            // answer here.)
            if let Some(watch) = &self.sign_in {
                crate::stored_sign_in::forget_at(&watch.kept_at);
                watch
                    .refused
                    .store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        if status.is_server_error() {
            tracing::warn!(request_id = %id, %method, %path, status = status.as_u16(), "the server failed a request");
        } else if !status.is_success() {
            tracing::info!(request_id = %id, %method, %path, status = status.as_u16(), "the server refused a request");
        } else {
            tracing::trace!(request_id = %id, %method, %path, status = status.as_u16(), "answered");
        }
        Ok(response)
    }

    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> ClientResult<T> {
        let response = self.execute(request).await?;
        read_json(response).await
    }

    fn unreachable(&self, error: reqwest::Error) -> ClientError {
        // The innermost cause ("Connection refused", "timed out") is the
        // part a person can act on; the outer layers repeat the URL.
        let mut detail = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(inner) = source {
            detail = inner.to_string();
            source = inner.source();
        }
        ClientError::ServerUnreachable {
            url: self.base.to_string(),
            detail,
        }
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> ClientResult<T> {
        let mut request = self.request(Method::POST, path)?.json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
    ) -> ClientResult<T> {
        let request = self.request(Method::GET, path)?.bearer_auth(token);
        self.send(request).await
    }

    pub async fn health(&self) -> ClientResult<ecabinet_domain::api::Health> {
        self.send(self.request(Method::GET, "healthz")?).await
    }

    pub async fn enroll(&self, request: &EnrollRequest) -> ClientResult<EnrollResponse> {
        self.post("v1/enroll", None, request).await
    }

    pub async fn challenge(&self, device_id: DeviceId) -> ClientResult<ChallengeResponse> {
        self.post("v1/auth/challenge", None, &ChallengeRequest { device_id })
            .await
    }

    pub async fn token(&self, request: &TokenRequest) -> ClientResult<TokenResponse> {
        self.post("v1/auth/token", None, request).await
    }

    pub async fn pull(&self, token: &str, since: i64, limit: u32) -> ClientResult<PullResponse> {
        let request = self
            .request(Method::GET, "v1/changes")?
            .query(&[("since", since.to_string()), ("limit", limit.to_string())])
            .bearer_auth(token);
        self.send(request).await
    }

    /// Sends a packed, signed batch of ops; returns the server's answer per op
    /// and the bytes sent (for the benchmarks).
    pub async fn push_ops(
        &self,
        token: &str,
        batch: &ecabinet_domain::ops::PushBatch,
    ) -> ClientResult<(ecabinet_domain::ops::PushResponse, usize)> {
        use ecabinet_domain::wire;
        let body = wire::pack(batch).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let sent = body.len();
        let request = self
            .request(Method::POST, "v1/ops")?
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, wire::PACKED_CONTENT_TYPE)
            .body(body);
        let response = self.execute(request).await?;
        if !response.status().is_success() {
            return read_json(response).await;
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ClientError::Protocol(format!("reading the answer failed: {e}")))?;
        let answer = wire::unpack(&bytes).map_err(|e| ClientError::Protocol(e.to_string()))?;
        Ok((answer, sent))
    }

    /// A meeting's session log after `since`, with the server's clock.
    pub async fn session_log(
        &self,
        token: &str,
        meeting: ecabinet_domain::MeetingId,
        since: u32,
        also_device: Option<DeviceId>,
    ) -> ClientResult<ecabinet_domain::session::SessionLogPage> {
        let mut query = vec![("since", since.to_string())];
        if let Some(device) = also_device {
            query.push(("device", device.to_string()));
        }
        let request = self
            .request(Method::GET, &format!("v1/meetings/{meeting}/session"))?
            .query(&query)
            .bearer_auth(token);
        self.send(request).await
    }

    /// Sends one signed live event; the answer is the event as ordered.
    pub async fn post_live_event(
        &self,
        token: &str,
        event: &ecabinet_domain::session::SignedLiveEvent,
    ) -> ClientResult<ecabinet_domain::session::OrderedLiveEvent> {
        self.post(
            &format!("v1/meetings/{}/session/events", event.event.meeting_id),
            Some(token),
            event,
        )
        .await
    }

    /// `GET /v1/meetings/{meeting}/room`: the facts and keys of the room.
    pub async fn room_info(
        &self,
        token: &str,
        meeting: ecabinet_domain::MeetingId,
    ) -> ClientResult<ecabinet_domain::session::room::RoomInfo> {
        self.get_json(&format!("v1/meetings/{meeting}/room"), token)
            .await
    }

    /// A hub's check-in, with the segment it ordered while the server was away.
    pub async fn hub_check_in(
        &self,
        token: &str,
        meeting: ecabinet_domain::MeetingId,
        check_in: &ecabinet_domain::session::room::HubCheckIn,
    ) -> ClientResult<ecabinet_domain::session::room::HubCheckInAnswer> {
        self.post(
            &format!("v1/meetings/{meeting}/room/hub"),
            Some(token),
            check_in,
        )
        .await
    }

    /// Joins the meeting's voice: this device's offer, the server's answer.
    pub async fn voice_join(
        &self,
        token: &str,
        meeting: ecabinet_domain::MeetingId,
        join: &ecabinet_domain::session::room::VoiceJoin,
    ) -> ClientResult<ecabinet_domain::session::room::VoiceJoined> {
        self.post(&format!("v1/meetings/{meeting}/voice"), Some(token), join)
            .await
    }

    /// The room has no hub any more.
    pub async fn release_hub(
        &self,
        token: &str,
        meeting: ecabinet_domain::MeetingId,
    ) -> ClientResult<()> {
        let request = self
            .request(Method::DELETE, &format!("v1/meetings/{meeting}/room/hub"))?
            .bearer_auth(token);
        self.send_expecting_no_body(request).await
    }

    /// Passes an offer or answer to another device of the room.
    pub async fn room_signal(
        &self,
        token: &str,
        meeting: ecabinet_domain::MeetingId,
        request: &ecabinet_domain::session::room::RoomSignalRequest,
    ) -> ClientResult<()> {
        let request = self
            .request(Method::POST, &format!("v1/meetings/{meeting}/room/signal"))?
            .bearer_auth(token)
            .json(request);
        self.send_expecting_no_body(request).await
    }

    /// Opens the server's event socket and calls `on_message` for each poke
    /// and each live event, until the socket closes (Ok) or fails (Err).
    async fn follow_socket(
        &self,
        token: &str,
        mut on_message: impl FnMut(SocketMessage),
    ) -> ClientResult<()> {
        use futures::StreamExt;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        use tokio_tungstenite::tungstenite::Message;

        let mut url = self
            .base
            .join("v1/events")
            .map_err(|e| ClientError::InvalidServerUrl {
                url: self.base.to_string(),
                reason: e.to_string(),
            })?;
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme)
            .map_err(|()| ClientError::Protocol("cannot form the event socket's address".into()))?;
        let mut request = url
            .as_str()
            .into_client_request()
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let bearer = format!("Bearer {token}")
            .parse()
            .map_err(|_| ClientError::Protocol("the session token is not a valid header".into()))?;
        request.headers_mut().insert("authorization", bearer);
        let (mut socket, _) = tokio_tungstenite::connect_async_with_config(
            request,
            Some(event_socket_config()),
            false,
        )
        .await
        .map_err(|e| ClientError::ServerUnreachable {
            url: self.base.to_string(),
            detail: e.to_string(),
        })?;
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Text(text)) => {
                    let message = serde_json::from_str(text.as_str())
                        .map_err(|e| ClientError::Protocol(format!("an event: {e}")))?;
                    on_message(message);
                }
                Ok(Message::Close(_)) => return Ok(()),
                Ok(_) => {}
                Err(error) => {
                    return Err(ClientError::ServerUnreachable {
                        url: self.base.to_string(),
                        detail: error.to_string(),
                    })
                }
            }
        }
        Ok(())
    }

    pub async fn person_keys(&self, token: &str) -> ClientResult<ecabinet_domain::api::PersonKeys> {
        let request = self
            .request(Method::GET, "v1/person-keys")?
            .bearer_auth(token);
        self.send(request).await
    }

    pub async fn add_person_keys(
        &self,
        token: &str,
        envelopes: &[ecabinet_domain::api::PersonKeyEnvelope],
    ) -> ClientResult<u32> {
        self.post(
            "v1/person-keys",
            Some(token),
            &ecabinet_domain::api::AddPersonKeysRequest {
                envelopes: envelopes.to_vec(),
            },
        )
        .await
    }
}

impl ServerApi {
    pub async fn recipients(
        &self,
        token: &str,
        item: ecabinet_domain::AgendaItemId,
    ) -> ClientResult<Vec<Recipient>> {
        let request = self
            .request(Method::GET, "v1/recipients")?
            .query(&[("item", item.to_string())])
            .bearer_auth(token);
        self.send(request).await
    }

    /// Uploads `count` consecutive sealed chunks from `from`, back to back.
    pub async fn put_chunk_run(
        &self,
        token: &str,
        document: DocumentId,
        version: u32,
        from: u32,
        count: u32,
        sealed: Vec<bytes::Bytes>,
    ) -> ClientResult<()> {
        let path = format!("v1/documents/{document}/versions/{version}/chunks/{from}/{count}");
        // The chunks go one after another as they are, not copied into one
        // buffer first; the length is known, so the body is not chunked.
        let length: usize = sealed.iter().map(bytes::Bytes::len).sum();
        let body = reqwest::Body::wrap_stream(futures::stream::iter(
            sealed.into_iter().map(Ok::<_, std::io::Error>),
        ));
        let response = self
            .request(Method::PUT, &path)?
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .header(reqwest::header::CONTENT_LENGTH, length)
            .body(body);
        self.send_expecting_no_body(response).await
    }

    pub async fn own_devices(
        &self,
        token: &str,
    ) -> ClientResult<Vec<ecabinet_domain::api::DeviceSummary>> {
        self.send(self.request(Method::GET, "v1/devices")?.bearer_auth(token))
            .await
    }

    /// One page of the audit log, as the server lets this person read it.
    pub async fn audit(
        &self,
        token: &str,
        query: &ecabinet_domain::api::AuditQuery,
    ) -> ClientResult<Vec<ecabinet_domain::api::AuditEntry>> {
        let request = self
            .request(Method::GET, "v1/audit")?
            .query(query)
            .bearer_auth(token);
        self.send(request).await
    }

    /// Sends a request whose success answer has no body (204); errors are read as usual.
    async fn send_expecting_no_body(&self, request: RequestBuilder) -> ClientResult<()> {
        let response = self.execute(request).await?;
        if response.status().is_success() {
            return Ok(());
        }
        read_json::<serde_json::Value>(response).await.map(|_| ())
    }

    pub async fn policy(&self, token: &str) -> ClientResult<ecabinet_domain::api::DevicePolicy> {
        self.send(self.request(Method::GET, "v1/policy")?.bearer_auth(token))
            .await
    }

    pub async fn pending_keys(&self, token: &str) -> ClientResult<Vec<PendingKey>> {
        self.send(
            self.request(Method::GET, "v1/pending-keys")?
                .bearer_auth(token),
        )
        .await
    }

    pub async fn add_document_keys(
        &self,
        token: &str,
        document: DocumentId,
        version: u32,
        envelopes: &[DeviceKeyEnvelope],
    ) -> ClientResult<()> {
        let path = format!("v1/documents/{document}/versions/{version}/keys");
        self.post::<_, serde_json::Value>(&path, Some(token), &envelopes)
            .await
            .map(|_| ())
    }

    pub async fn publish_document(
        &self,
        token: &str,
        request: &PublishDocumentRequest,
    ) -> ClientResult<Document> {
        self.post("v1/documents", Some(token), request).await
    }

    pub async fn document_key(
        &self,
        token: &str,
        document: DocumentId,
        version: u32,
    ) -> ClientResult<DeviceKeyEnvelope> {
        let path = format!("v1/documents/{document}/versions/{version}/key");
        self.send(self.request(Method::GET, &path)?.bearer_auth(token))
            .await
    }

    pub async fn get_chunk(
        &self,
        token: &str,
        document: DocumentId,
        version: u32,
        index: u32,
    ) -> ClientResult<Vec<u8>> {
        let path = format!("v1/documents/{document}/versions/{version}/chunks/{index}");
        let response = self.get_octets(&path, token).await?;
        let bytes = response.bytes().await.map_err(|e| self.unreachable(e))?;
        Ok(bytes.to_vec())
    }

    /// A GET whose answer is bytes (sealed chunks); a refusal comes back
    /// as the server's `{code, message}` error.
    async fn get_octets(&self, path: &str, token: &str) -> ClientResult<Response> {
        let response = self
            .execute(self.request(Method::GET, path)?.bearer_auth(token))
            .await?;
        if !response.status().is_success() {
            read_json::<serde_json::Value>(response).await?;
            return Err(ClientError::Protocol(format!(
                "the server refused {path} without saying why"
            )));
        }
        Ok(response)
    }
}

impl ServerApi {
    /// Starts downloading a run of `count` consecutive chunks from `from`
    /// (one request, one check of the session and access on the server);
    /// the chunks are then read piece by piece with [`ChunkRun::next_piece`].
    pub async fn get_chunk_run(
        &self,
        token: &str,
        document: DocumentId,
        version: u32,
        from: u32,
        count: u32,
    ) -> ClientResult<ChunkRun> {
        let path = format!("v1/documents/{document}/versions/{version}/chunks/{from}/{count}");
        let response = self.get_octets(&path, token).await?;
        Ok(ChunkRun {
            response,
            carried: bytes::Bytes::new(),
            server: self.base.to_string(),
        })
    }
}

/// A run of chunks arriving back to back (see [`ServerApi::get_chunk_run`]).
pub struct ChunkRun {
    response: Response,
    /// Bytes received and not yet handed out (the start of the next chunk).
    carried: bytes::Bytes,
    server: String,
}

impl ChunkRun {
    /// The next piece of the run as it came off the network, at most
    /// `at_most` bytes (what is left of the current chunk): no copy, so a
    /// caller hashing and storing pieces as they come holds no more than one
    /// in memory.
    pub async fn next_piece(&mut self, at_most: usize) -> ClientResult<bytes::Bytes> {
        if self.carried.is_empty() {
            self.carried = loop {
                match self.response.chunk().await {
                    Ok(Some(bytes)) if bytes.is_empty() => continue,
                    Ok(Some(bytes)) => break bytes,
                    Ok(None) => {
                        return Err(ClientError::Protocol(
                            "the server ended a run of chunks early".into(),
                        ))
                    }
                    Err(e) => {
                        return Err(ClientError::ServerUnreachable {
                            url: self.server.clone(),
                            detail: format!("a run of chunks broke off: {e}"),
                        })
                    }
                }
            };
        }
        let take = at_most.min(self.carried.len());
        Ok(self.carried.split_to(take))
    }
}

/// The event socket's messages, one at a time (see [`ServerApi::socket_messages`]).
pub struct SocketMessages<'a> {
    socket: std::pin::Pin<Box<dyn std::future::Future<Output = ClientResult<()>> + Send + 'a>>,
    receiver: tokio::sync::mpsc::UnboundedReceiver<SocketMessage>,
}

impl SocketMessages<'_> {
    /// The next message; `None` once the socket has closed (Err: it failed,
    /// e.g. the network dropped). Do not call again after either.
    pub async fn next(&mut self) -> ClientResult<Option<SocketMessage>> {
        tokio::select! {
            closed = &mut self.socket => closed.map(|()| None),
            message = self.receiver.recv() => Ok(message),
        }
    }
}

impl ServerApi {
    /// Opens the event socket for reading message by message.
    pub fn socket_messages<'a>(&'a self, token: &'a str) -> SocketMessages<'a> {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let socket = Box::pin(self.follow_socket(token, move |message| {
            let _ = sender.send(message);
        }));
        SocketMessages { socket, receiver }
    }
}

/// What the event socket says: the change stream moved, or a live event
/// of a session was ordered.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(untagged)]
pub enum SocketMessage {
    // First: a live message also has a cursor, so it would read as a poke.
    Live(Box<ecabinet_domain::session::LiveMessage>),
    /// Room signalling from another device (an offer or an answer).
    Signal(RoomSignalEnvelope),
    Poke(ecabinet_domain::api::Poke),
}

/// `{"signal": …}` on the event socket.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct RoomSignalEnvelope {
    pub signal: ecabinet_domain::session::room::RoomSignalMessage,
}

async fn read_json<T: DeserializeOwned>(response: Response) -> ClientResult<T> {
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| ClientError::Protocol(format!("reading the answer failed: {e}")))?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol(e.to_string()));
    }
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) => Err(ClientError::Server {
            status: status.as_u16(),
            code: body.code,
            message: body.message,
        }),
        Err(_) => Err(ClientError::Protocol(format!(
            "the server answered {status} without an eCabinet error body; is this an eCabinet server?"
        ))),
    }
}

/// How a device reads the server's event socket. Its messages are pokes and
/// live events of about a kilobyte; tungstenite zero-fills its whole read
/// buffer before every read (even one that finds nothing), so the default
/// 128 KiB cost a device a quarter of a megabyte of writing per message.
/// A bigger message is simply read in more than one go.
pub fn event_socket_config() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(16 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_http_and_any_https_are_accepted() {
        assert_eq!(
            parse_server_url("http://127.0.0.1:8443")
                .expect("ok")
                .as_str(),
            "http://127.0.0.1:8443/"
        );
        assert!(parse_server_url("http://localhost:1").is_ok());
        assert!(parse_server_url("http://[::1]:8443").is_ok());
        assert_eq!(
            parse_server_url("https://ecabinet.gov.vn/api")
                .expect("ok")
                .as_str(),
            "https://ecabinet.gov.vn/api/"
        );
    }

    #[test]
    fn plain_http_to_another_host_and_nonsense_are_refused() {
        for bad in [
            "http://10.0.0.5:8443",
            "ftp://x",
            "not a url",
            "",
            "http://example.org",
        ] {
            let error = parse_server_url(bad).expect_err(bad);
            assert_eq!(error.code(), "invalid_server_url", "{bad}");
        }
    }
}
