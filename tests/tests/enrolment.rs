//! Enrolment on both databases: every way it can go wrong says so clearly,
//! exits with a stable code, and leaves nothing half-written.

use anyhow::Result;
use ecabinet_client::Client;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

async fn enrolment_errors(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let code = server.invite("Phạm Thị Dung", Role::Member).await?;

    // A typo is caught before any network call: even with no server.
    // Change the check symbol to a different one (never to itself).
    let replacement = if code.ends_with('X') { 'Y' } else { 'X' };
    let typo = format!("{}{replacement}", &code[..code.len() - 1]);
    let error = Client::enroll(&server.profile("typo"), "http://127.0.0.1:9", &typo, None)
        .await
        .expect_err("typo");
    assert!(["malformed_code"].contains(&error.code()), "{error}");
    assert!(
        !server.profile("typo").exists(),
        "nothing written for a typo"
    );

    // A well-formed code the server never issued.
    let unknown = ecabinet_domain::enrolment::EnrolmentCode::from_entropy(&[9; 10]).to_string();
    let error = Client::enroll(&server.profile("unknown"), &server.url(), &unknown, None)
        .await
        .expect_err("unknown code");
    assert_eq!(error.code(), "unknown_code");
    assert!(!Client::is_enrolled(&server.profile("unknown"))?);

    // An unreachable server.
    let error = Client::enroll(
        &server.profile("offline"),
        "http://127.0.0.1:9",
        &code,
        None,
    )
    .await
    .expect_err("unreachable");
    assert_eq!(error.code(), "server_unreachable");
    assert!(!Client::is_enrolled(&server.profile("offline"))?);

    // The real enrolment works once...
    let client = Client::enroll(
        &server.profile("dung"),
        &server.url(),
        &code,
        Some("Laptop"),
    )
    .await?;
    assert_eq!(client.summary().person.name, "Phạm Thị Dung");
    // ...the code cannot be used again...
    let error = Client::enroll(&server.profile("again"), &server.url(), &code, None)
        .await
        .expect_err("used code");
    assert_eq!(error.code(), "code_used");
    // ...and an enrolled profile refuses a second enrolment, whatever the code.
    let fresh = server.invite("Người khác", Role::Member).await?;
    let error = Client::enroll(&server.profile("dung"), &server.url(), &fresh, None)
        .await
        .expect_err("already enrolled");
    assert_eq!(error.code(), "already_enrolled");
    // The profile is intact: it still opens and signs in.
    client.close().await;
    let reopened = Client::open(&server.profile("dung")).await?;
    reopened.sync().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_errors_on_sqlite() -> Result<()> {
    enrolment_errors(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_errors_on_postgres() -> Result<()> {
    enrolment_errors(Backend::Postgres).await
}

#[tokio::test]
async fn a_damaged_profile_says_so_and_how_to_recover() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let client = server.enrol("Trần Thị Bình", Role::Member).await?;
    let dir = client.profile_dir().to_path_buf();
    client.close().await;

    std::fs::write(dir.join("profile.json"), b"{ not json")?;
    let error = Client::open(&dir).await.expect_err("corrupt profile");
    assert_eq!(error.code(), "corrupt_profile");
    assert!(
        error.to_string().contains("enrol this device again"),
        "{error}"
    );

    let error = Client::open(&server.profile("nobody"))
        .await
        .expect_err("no profile");
    assert_eq!(error.code(), "not_enrolled");
    Ok(())
}

#[tokio::test]
async fn damaged_keys_are_reported_not_panicked_on() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let client = server.enrol("Lê Văn Cường", Role::Member).await?;
    let dir = client.profile_dir().to_path_buf();
    client.close().await;
    let mut sealed = std::fs::read(dir.join("device-key.bin"))?;
    sealed[0] ^= 0xff;
    std::fs::write(dir.join("device-key.bin"), sealed)?;
    let error = Client::open(&dir).await.expect_err("keys do not open");
    assert_eq!(error.code(), "corrupt_profile");
    Ok(())
}
