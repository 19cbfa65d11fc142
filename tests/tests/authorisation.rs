//! The authorisation matrix, first dimension: who the caller is. The routes
//! are read from the router itself (`crates/ecabinet-server/src/http/mod.rs`),
//! and every one must have a row here: a route added without one fails this
//! test. Each route that needs a session is then called by no token, a
//! malformed token, an expired session and a revoked device, and must answer
//! 401, 401, 401 and 403 `device_revoked` with a `{code, message}` body,
//! storing nothing. On SQLite and PostgreSQL.

use std::collections::BTreeSet;

use anyhow::{ensure, Context, Result};
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

/// Who may call a route at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// No session: health, enrolment, the challenge and the token.
    Public,
    /// Any device of the organisation with a session (the services decide
    /// the rest: role, participation, the item's list).
    Session,
    /// This machine only, no session: the metrics a local agent scrapes
    /// (`tests/tests/http_api.rs` checks them).
    Loopback,
}

/// Every route of the router, with who may call it.
const MATRIX: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Access::Public),
    ("GET", "/v1/openapi.json", Access::Public),
    ("GET", "/metrics", Access::Loopback),
    ("POST", "/v1/enroll", Access::Public),
    ("POST", "/v1/auth/challenge", Access::Public),
    ("POST", "/v1/auth/token", Access::Public),
    ("GET", "/v1/changes", Access::Session),
    ("POST", "/v1/meetings", Access::Session),
    ("PATCH", "/v1/meetings/{meeting}", Access::Session),
    ("POST", "/v1/meetings/{meeting}/agenda", Access::Session),
    ("GET", "/v1/recipients", Access::Session),
    ("POST", "/v1/invites", Access::Session),
    ("GET", "/v1/policy", Access::Session),
    ("GET", "/v1/devices", Access::Session),
    ("GET", "/v1/audit", Access::Session),
    (
        "GET",
        "/v1/documents/{document}/versions/{version}/readers",
        Access::Session,
    ),
    ("POST", "/v1/devices/{device}/revoke", Access::Session),
    ("PUT", "/v1/agenda/{item}/access", Access::Session),
    ("POST", "/v1/documents", Access::Session),
    (
        "GET",
        "/v1/documents/{document}/versions/{version}/key",
        Access::Session,
    ),
    (
        "POST",
        "/v1/documents/{document}/versions/{version}/keys",
        Access::Session,
    ),
    ("GET", "/v1/pending-keys", Access::Session),
    ("POST", "/v1/ops", Access::Session),
    ("GET", "/v1/person-keys", Access::Session),
    ("POST", "/v1/person-keys", Access::Session),
    ("GET", "/v1/events", Access::Session),
    ("GET", "/v1/meetings/{meeting}/session", Access::Session),
    (
        "POST",
        "/v1/meetings/{meeting}/session/events",
        Access::Session,
    ),
    ("GET", "/v1/meetings/{meeting}/room", Access::Session),
    ("POST", "/v1/meetings/{meeting}/room/hub", Access::Session),
    ("DELETE", "/v1/meetings/{meeting}/room/hub", Access::Session),
    (
        "POST",
        "/v1/meetings/{meeting}/room/signal",
        Access::Session,
    ),
    ("POST", "/v1/meetings/{meeting}/voice", Access::Session),
    ("POST", "/v1/agenda/{item}/motions", Access::Session),
    ("POST", "/v1/motions/{motion}/close", Access::Session),
    ("POST", "/v1/meetings/{meeting}/adopt", Access::Session),
    ("POST", "/v1/agenda/{item}/opinions", Access::Session),
    ("POST", "/v1/agenda/{item}/move", Access::Session),
    ("GET", "/v1/opinions/{request}/status", Access::Session),
    ("GET", "/v1/motions/{motion}/export", Access::Session),
    (
        "PUT",
        "/v1/meetings/{meeting}/attendance/{person}",
        Access::Session,
    ),
    (
        "GET",
        "/v1/documents/{document}/versions/{version}/upload",
        Access::Session,
    ),
    (
        "GET",
        "/v1/documents/{document}/versions/{version}/chunks/{index}",
        Access::Session,
    ),
    (
        "PUT",
        "/v1/documents/{document}/versions/{version}/chunks/{index}",
        Access::Session,
    ),
    (
        "GET",
        "/v1/documents/{document}/versions/{version}/chunks/{from}/{count}",
        Access::Session,
    ),
    (
        "PUT",
        "/v1/documents/{document}/versions/{version}/chunks/{from}/{count}",
        Access::Session,
    ),
];

#[test]
fn every_route_of_the_router_has_a_row() -> Result<()> {
    let routed = ecabinet_e2e::routes_of_the_router()?;
    let rows: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    let missing: Vec<_> = routed.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&routed).collect();
    ensure!(
        missing.is_empty(),
        "routes without a row in the authorisation matrix: {missing:?}"
    );
    ensure!(
        stale.is_empty(),
        "rows for routes that no longer exist: {stale:?}"
    );
    Ok(())
}

/// A concrete URL for a route: ids that exist nowhere, version 1, chunk 0.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| match part {
            "{version}" => "1".to_owned(),
            "{index}" => "0".to_owned(),
            p if p.starts_with('{') => uuid::Uuid::now_v7().to_string(),
            p => p.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What a refusal must leave alone.
async fn stored(server: &TestServer) -> Result<i64> {
    let mut total = 0;
    for table in [
        "changes",
        "meetings",
        "agenda_items",
        "documents",
        "devices",
        "invites",
        "motions",
        "session_events",
    ] {
        total += server
            .scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .await
            .with_context(|| format!("counting {table}"))?;
    }
    Ok(total)
}

async fn callers_are_checked_on_every_route(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.raw_device("Thư ký", Role::Secretary).await?;
    let expiring = server.raw_device("Phiên hết hạn", Role::Member).await?;
    let revoked = server.raw_device("Máy bị thu hồi", Role::Member).await?;
    // One session runs out (its row says it expired long ago)...
    server.expire_session(&expiring.token).await?;
    // ...and one device is revoked by the secretariat.
    server
        .server
        .services
        .revoke_device(Some(&secretary.caller), revoked.caller.device)
        .await?;

    let before = stored(&server).await?;
    let http = reqwest::Client::new();
    let base = server.url();
    let callers: [(&str, Option<String>, u16, Option<&str>); 4] = [
        ("no token", None, 401, None),
        (
            "a malformed token",
            Some("Bearer !!not-base64!!".into()),
            401,
            None,
        ),
        (
            "an expired session",
            Some(format!("Bearer {}", expiring.token)),
            401,
            None,
        ),
        (
            "a revoked device",
            Some(format!("Bearer {}", revoked.token)),
            403,
            Some("device_revoked"),
        ),
    ];
    let mut wrong = Vec::new();
    for (method, path, access) in MATRIX {
        if *access != Access::Session {
            continue;
        }
        for (who, header, status, code) in &callers {
            let url = format!("{}{}", base.trim_end_matches('/'), concrete(path));
            let method = reqwest::Method::from_bytes(method.as_bytes())?;
            let mut request = http.request(method.clone(), &url);
            if let Some(header) = header {
                request = request.header("authorization", header);
            }
            if method != reqwest::Method::GET {
                request = request
                    .header("content-type", "application/json")
                    .body("{}");
            }
            let response = request.send().await?;
            let got = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            let has_message = body["message"].as_str().is_some_and(|m| !m.is_empty());
            let code_ok = code.is_none_or(|c| body["code"] == c);
            if got != *status || !has_message || !code_ok {
                wrong.push(format!(
                    "{method} {path} by {who}: {got} {body} (expected {status}{})",
                    code.map(|c| format!(" {c}")).unwrap_or_default()
                ));
            }
        }
    }
    ensure!(
        wrong.is_empty(),
        "refusals not as the matrix says:\n{}",
        wrong.join("\n")
    );
    ensure!(
        stored(&server).await? == before,
        "a refused request stored something"
    );
    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_are_checked_on_every_route_on_sqlite() -> Result<()> {
    callers_are_checked_on_every_route(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_are_checked_on_every_route_on_postgres() -> Result<()> {
    callers_are_checked_on_every_route(Backend::Postgres).await
}

/// An event socket lasts no longer than its device: revoking the device
/// closes it at once (code 4001, with the reason), so a revoked laptop stops
/// hearing the organisation's live events.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_a_device_closes_its_event_socket() -> Result<()> {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.raw_device("Thư ký", Role::Secretary).await?;
    let member = server
        .raw_device("Máy sắp bị thu hồi", Role::Member)
        .await?;
    let url = format!("{}/v1/events", server.url()).replace("http://", "ws://");
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {}", member.token).parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    ensure!(
        matches!(socket.next().await, Some(Ok(Message::Text(_)))),
        "the first poke"
    );
    server
        .server
        .services
        .revoke_device(Some(&secretary.caller), member.caller.device)
        .await?;
    let closed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Close(Some(frame))) => return Some(frame),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .context("the socket stayed open after the device was revoked")?
    .context("the socket ended without saying why")?;
    ensure!(u16::from(closed.code) == 4001, "{closed:?}");
    ensure!(closed.reason.contains("revoked"), "{closed:?}");
    server.stop().await
}
