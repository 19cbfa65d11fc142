//! The HTTP surface itself: health, authentication, error shapes, and a
//! change stream that stays gapless under concurrent writers, on both databases.

use anyhow::Result;
use chrono::Utc;
use ecabinet_domain::api::ErrorBody;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

#[tokio::test]
async fn health_answers() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let body: serde_json::Value = reqwest::get(format!("{}/healthz", server.url()))
        .await?
        .json()
        .await?;
    assert_eq!(body["status"], "ok");
    Ok(())
}

/// Every answer carries its request's id: the client's own (which it logs
/// with a refusal) or one the server made; the server's log shows it too.
#[tokio::test]
async fn answers_carry_the_request_id() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/events", server.url());
    let given = http
        .get(&url)
        .header("x-request-id", "0190-abc-test")
        .send()
        .await?;
    anyhow::ensure!(given.status() == 401, "no token: {}", given.status());
    anyhow::ensure!(
        given
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            == Some("0190-abc-test"),
        "the client's id comes back"
    );
    let made = http.get(&url).send().await?;
    let id = made
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    anyhow::ensure!(
        uuid::Uuid::parse_str(id).is_ok(),
        "the server makes one: {id:?}"
    );
    server.stop().await
}

#[tokio::test]
async fn bad_requests_get_a_code_and_a_message() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let http = reqwest::Client::new();

    let response = http
        .get(format!("{}/v1/changes", server.url()))
        .send()
        .await?;
    assert_eq!(response.status(), 401);
    let body: ErrorBody = response.json().await?;
    assert_eq!(body.code, "unauthenticated");

    let response = http
        .get(format!("{}/v1/changes", server.url()))
        .bearer_auth("bm90LWEtdG9rZW4")
        .send()
        .await?;
    assert_eq!(response.status(), 401);

    let response = http
        .post(format!("{}/v1/enroll", server.url()))
        .header("content-type", "application/json")
        .body("{\"code\": 5}")
        .send()
        .await?;
    assert_eq!(response.status(), 400);
    let body: ErrorBody = response.json().await?;
    assert_eq!(body.code, "bad_request");
    assert!(!body.message.is_empty());

    let response = http
        .post(format!("{}/v1/enroll", server.url()))
        .header("content-type", "application/json")
        .body(vec![b' '; 400 * 1024])
        .send()
        .await?;
    assert_eq!(response.status(), 413);

    let response = http
        .get(format!("{}/no/such/route", server.url()))
        .send()
        .await?;
    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().await?;
    assert_eq!(body.code, "not_found");
    Ok(())
}

/// Many concurrent writers: positions stay unique and dense, and the change
/// stream has no gaps, so a client pulling "since N" never misses a change.
async fn concurrent_writers(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = std::sync::Arc::new(server.enrol("Nguyễn Văn An", Role::Secretary).await?);
    let meeting = secretary.create_meeting("Họp", Utc::now()).await?;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let secretary = secretary.clone();
        tasks.push(tokio::spawn(async move {
            secretary
                .add_agenda_item(meeting.id, &format!("Mục {i}"), None)
                .await
        }));
    }
    for task in tasks {
        task.await??;
    }
    // Each add was saved, shown, then pushed by whichever sync got to it
    // first; the server numbered them, and the replica now holds its numbers.
    secretary.sync().await?;
    let mut positions: Vec<i32> = secretary
        .agenda(meeting.id)
        .await?
        .items
        .iter()
        .map(|i| i.position)
        .collect();
    positions.sort();
    assert_eq!(positions, (1..=24).collect::<Vec<i32>>());

    let organisation = secretary.summary().organisation.id;
    let changes = server
        .server
        .services
        .store()
        .changes_since(
            organisation,
            0,
            10_000,
            ecabinet_server::store::Viewer {
                person: secretary.summary().person.id,
                secretariat: true,
            },
        )
        .await?;
    let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<i64>>(),
        "gapless, in order"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_sqlite() -> Result<()> {
    concurrent_writers(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_postgres() -> Result<()> {
    concurrent_writers(Backend::Postgres).await
}

#[tokio::test]
async fn plain_http_off_loopback_is_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let error = ecabinet_server::start(ecabinet_server::ServeConfig {
        listen: "0.0.0.0:0".parse()?,
        ..ecabinet_server::ServeConfig::loopback(dir.path().to_path_buf())
    })
    .await
    .expect_err("must refuse");
    assert!(error.to_string().contains("--tls-cert"), "{error}");
    Ok(())
}

#[tokio::test]
async fn the_demo_is_seeded_once() -> Result<()> {
    let server = TestServer::start_with(Backend::Sqlite, true).await?;
    let services = &server.server.services;
    let organisation = services
        .store()
        .organisation()
        .await?
        .expect("demo organisation");
    let persons = services.store().persons(organisation.id).await?;
    assert_eq!(persons.iter().filter(|p| p.role == Role::Member).count(), 3);
    assert_eq!(
        persons.iter().filter(|p| p.role == Role::Secretary).count(),
        1
    );
    assert!(
        ecabinet_server::demo::seed(services).await?.is_none(),
        "second seed is a no-op"
    );
    Ok(())
}

/// Guessing is braked: ten wrong enrolment codes from one address shut the
/// door for a while, even to a right code (which stays unused); five wrong
/// answers to a device's sign-in challenge do the same for that device.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_codes_and_answers_is_braked() -> Result<()> {
    use ecabinet_crypto::b64_encode;
    let server = TestServer::start(Backend::Sqlite).await?;
    let http = reqwest::Client::new();
    let base = server.url();
    let keys = ecabinet_crypto::DeviceKeys::generate()?;
    let enrol = |code: String| {
        http.post(format!("{base}/v1/enroll"))
            .json(&serde_json::json!({
                "code": code,
                "device_name": "Máy đoán mã",
                "signing_public_key": b64_encode(&keys.signing.public_key()),
                "agreement_public_key": b64_encode(&keys.agreement_public_key()),
            }))
            .send()
    };
    let right = server.invite("Phạm Thị Dung", Role::Member).await?;
    let devices_before = server.scalar("SELECT COUNT(*) FROM devices").await?;
    for n in 0..10u8 {
        let guess =
            ecabinet_domain::enrolment::EnrolmentCode::from_entropy(&[n + 1; 10]).to_string();
        let response = enrol(guess).await?;
        assert_eq!(response.status().as_u16(), 404, "a wrong code is unknown");
    }
    let response = enrol(right.clone()).await?;
    assert_eq!(response.status().as_u16(), 429);
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["code"], "too_many_attempts", "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("minute")),
        "{body}"
    );
    assert_eq!(
        server.scalar("SELECT COUNT(*) FROM devices").await?,
        devices_before,
        "the right code was not used while the door was shut"
    );

    // Sign-in: wrong answers to the challenge, per device.
    let device = server.raw_device("Trần Văn Em", Role::Member).await?;
    let services = &server.server.services;
    let answer = |signature: Vec<u8>, challenge: String| {
        http.post(format!("{base}/v1/auth/token"))
            .json(&serde_json::json!({
                "device_id": device.caller.device,
                "challenge": challenge,
                "signature": b64_encode(&signature),
            }))
            .send()
    };
    for _ in 0..5 {
        let challenge = services.challenge(device.caller.device).await?.challenge;
        let response = answer(vec![0; 64], challenge).await?;
        assert_eq!(response.status().as_u16(), 401, "a wrong answer");
    }
    let challenge = services.challenge(device.caller.device).await?.challenge;
    let right_answer = device
        .keys
        .signing
        .sign(&ecabinet_domain::api::auth_challenge_message(
            device.caller.device,
            &ecabinet_crypto::b64_decode(&challenge)?,
        ));
    let response = answer(right_answer.to_vec(), challenge).await?;
    assert_eq!(
        response.status().as_u16(),
        429,
        "locked, even for the right answer"
    );
    server.stop().await
}

/// The embedded SQLite database is one serving process's: a second server
/// on the same data folder refuses to start, and says what to do; once the
/// first stops, the folder serves again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_sqlite_folder_refuses() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let config = |dir: std::path::PathBuf| ecabinet_server::ServeConfig {
        listen: "127.0.0.1:0".parse().expect("address"),
        ..ecabinet_server::ServeConfig::loopback(dir)
    };
    let data = server.dir.path().join("server");
    let error = ecabinet_server::start(config(data.clone()))
        .await
        .expect_err("the folder is in use");
    let said = error.to_string();
    assert!(
        said.contains("already serving") && said.contains("--database-url"),
        "{said}"
    );
    let TestServer {
        server: running,
        dir: kept,
        ..
    } = server;
    running.shutdown().await?;
    let again = ecabinet_server::start(config(data)).await?;
    again.shutdown().await?;
    drop(kept);
    Ok(())
}

/// `GET /metrics`: Prometheus text with the requests by route template (no
/// ids in it), the ops accepted, the event sockets open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Thư ký", Role::Secretary).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let http = reqwest::Client::new();
    let base = server.url();
    for _ in 0..3 {
        http.get(format!("{base}/healthz")).send().await?;
    }
    let response = http.get(format!("{base}/metrics")).send().await?;
    assert_eq!(response.status().as_u16(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain")));
    let text = response.text().await?;
    assert!(
        text.contains(
            "ecabinet_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\",status=\"2xx\"} 3"
        ),
        "{text}"
    );
    assert!(
        text.contains("route=\"/v1/ops\""),
        "the push is counted: {text}"
    );
    assert!(
        !text.contains(&meeting.id.to_string()),
        "routes are templates, never ids"
    );
    let accepted = text
        .lines()
        .find_map(|l| l.strip_prefix("ecabinet_ops_accepted_total "))
        .and_then(|n| n.trim().parse::<u64>().ok())
        .unwrap_or(0);
    assert!(accepted >= 1, "the meeting's command was accepted: {text}");
    assert!(text.contains("ecabinet_group_commits_total"), "{text}");
    server.stop().await
}
