//! Several server instances on one PostgreSQL: a change made through one
//! reaches the event sockets of the others at once, through PostgreSQL's
//! LISTEN/NOTIFY (the second instance must have heard a notification; its
//! polling safety net runs only every 30 s), and a room's signalling sent
//! through one reaches a device's socket on another.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use chrono::Utc;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};
use futures::StreamExt;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// The cursor of a `{"cursor": N}` message, live events' included.
fn cursor_of(text: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()?
        .get("cursor")?
        .as_i64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_pokes_the_sockets_of_another() -> Result<()> {
    let first = TestServer::start(Backend::Postgres).await?;
    let url = first
        .database_url
        .clone()
        .context("a PostgreSQL test server")?;
    let other_data = tempfile::tempdir()?;
    let second = ecabinet_server::start(ecabinet_server::ServeConfig {
        database_url: Some(url),
        ..ecabinet_server::ServeConfig::loopback(other_data.path().join("server"))
    })
    .await?;

    let secretary = first.enrol("Thư ký", Role::Secretary).await?;
    let member = first.enrol("Thành viên", Role::Member).await?;
    // The member's session (issued by the first instance) is good on the
    // second: sessions live in the shared database.
    let token = member.session_token().await?;
    let events = format!("ws://{}/v1/events", second.local_addr);
    let mut request = events.into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let first_cursor = match socket.next().await {
        Some(Ok(Message::Text(text))) => cursor_of(text.as_str()).context("a first poke")?,
        other => bail!("the socket said {other:?}"),
    };

    // A change through the first instance.
    let meeting = secretary
        .create_meeting("Phiên họp trên hai máy chủ", Utc::now())
        .await?;
    let poked = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(message) = socket.next().await {
            if let Ok(Message::Text(text)) = message {
                if cursor_of(text.as_str()).is_some_and(|c| c > first_cursor) {
                    return true;
                }
            }
        }
        false
    })
    .await;
    anyhow::ensure!(
        poked == Ok(true),
        "the second instance's socket was not poked within 10 s of a change through the first"
    );
    anyhow::ensure!(
        second.services.change_notifications_heard() > 0,
        "the second instance heard no notification from PostgreSQL (a poll found the change)"
    );

    // A room's offer sent through the first instance reaches the member's
    // event socket on the second (PostgreSQL's NOTIFY carries it).
    let offer = ecabinet_domain::session::room::RoomSignal::Offer {
        connection: 7,
        description: "{\"type\":\"offer\",\"sdp\":\"v=0\"}".into(),
    };
    secretary
        .send_room_signal(meeting.id, member.profile().device_id, offer.clone())
        .await?;
    let signalled = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(message) = socket.next().await {
            if let Ok(Message::Text(text)) = message {
                let value: serde_json::Value = serde_json::from_str(text.as_str())?;
                if let Some(signal) = value.get("signal") {
                    return Ok::<_, anyhow::Error>(Some(signal.clone()));
                }
            }
        }
        Ok(None)
    })
    .await
    .context("no signal on the second instance within 10 s")??
    .context("the socket closed")?;
    anyhow::ensure!(
        signalled["from"] == serde_json::json!(secretary.profile().device_id)
            && serde_json::from_value::<ecabinet_domain::session::room::RoomSignal>(
                signalled["signal"].clone()
            )? == offer,
        "the offer as sent: {signalled}"
    );
    second.shutdown().await?;
    first.stop().await
}

/// The server talks to PostgreSQL over TLS, verifying the database's
/// certificate (`sslmode=verify-full`): with the right authority it serves
/// (and the connection is encrypted); with another authority it refuses to
/// start, saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_over_verified_tls() -> Result<()> {
    let cluster = ecabinet_e2e::PgCluster::start_tls()?;
    let authority = cluster.path().join("ca.crt");
    let url = cluster.tls_url("ecabinet", &authority);
    let data = tempfile::tempdir()?;
    let config = |database_url: String, folder: &str| ecabinet_server::ServeConfig {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url: Some(database_url),
        ..ecabinet_server::ServeConfig::loopback(data.path().join(folder))
    };
    let server = ecabinet_server::start(config(url.clone(), "a")).await?;
    server.services.ensure_organisation("Chính phủ").await?;
    server
        .services
        .create_person("Nguyễn Văn An", Role::Secretary)
        .await?;
    let pool = sqlx::PgPool::connect(&url).await?;
    let (encrypted,): (bool,) =
        sqlx::query_as("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(&pool)
            .await?;
    pool.close().await;
    anyhow::ensure!(encrypted, "the connection is not encrypted");
    server.shutdown().await?;

    // Another authority: the certificate does not verify, nothing starts.
    let stranger = data.path().join("stranger");
    std::fs::create_dir_all(&stranger)?;
    ecabinet_e2e::postgres::make_authority(&stranger, "Someone else")?;
    let refused = ecabinet_server::start(config(
        cluster.tls_url("ecabinet", &stranger.join("ca.crt")),
        "b",
    ))
    .await
    .expect_err("a certificate from another authority");
    let said = refused.to_string();
    anyhow::ensure!(said.contains("database"), "{said}");
    Ok(())
}

/// Scheduled work on several instances happens once: a vote with a closing
/// time, both instances' closers running every second, is closed (and
/// announced) once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_closing_at_its_time_is_closed_once_by_two_instances() -> Result<()> {
    let first = TestServer::start(Backend::Postgres).await?;
    let url = first
        .database_url
        .clone()
        .context("a PostgreSQL test server")?;
    let other_data = tempfile::tempdir()?;
    let second = ecabinet_server::start(ecabinet_server::ServeConfig {
        database_url: Some(url.clone()),
        ..ecabinet_server::ServeConfig::loopback(other_data.path().join("server"))
    })
    .await?;
    let secretary = first.enrol("Thư ký", Role::Secretary).await?;
    secretary.sync().await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo", None)
        .await?;
    let motion = secretary
        .open_motion(
            item.id,
            &ecabinet_domain::api::OpenMotionRequest {
                question: "Thông qua?".into(),
                options: None,
                rule: ecabinet_domain::voting::MajorityRule::Simple,
                base: ecabinet_domain::voting::MajorityBase::AllMembers,
                quorum: None,
                closes_at: Some(Utc::now() + chrono::Duration::seconds(2)),
            },
        )
        .await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (found, _) = second
            .services
            .store()
            .motion(motion.id)
            .await?
            .context("the vote")?;
        if found.status == ecabinet_domain::voting::MotionStatus::Closed {
            break;
        }
        if std::time::Instant::now() > deadline {
            bail!("the vote was not closed at its time");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Both closers have had two more turns each.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pool = sqlx::PgPool::connect(&url).await?;
    let (announced,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM changes WHERE kind = 'motion' AND entity_id = $1 AND body LIKE '%\"status\":\"closed\"%'",
    )
    .bind(motion.id.0)
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    if announced != 1 {
        bail!("the close was announced {announced} times, not once");
    }
    second.shutdown().await?;
    first.stop().await?;
    Ok(())
}
