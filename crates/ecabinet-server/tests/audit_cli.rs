//! `ecabinet-server audit verify` and `audit checkpoints` as the IT office
//! runs them, beside a running server on the embedded database: the chain
//! holds; a row edited by hand makes verify fail (exit status 1) naming it;
//! checkpoints exported before a rewrite catch it too.

use std::process::Command;

use ecabinet_server::{start, ServeConfig};

fn server_binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ecabinet-server"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_names_the_first_edited_entry() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("server");
    let server = start(ServeConfig {
        ..ServeConfig::loopback(data.clone())
    })
    .await?;
    let http = reqwest::Client::new();
    // Three refused enrolments (recorded with their code) and a health check (not recorded).
    for _ in 0..3 {
        let refused = http
            .post(format!("{}/v1/enroll", server.url()))
            .json(&serde_json::json!({
                "code": "7QK2-M9XD-4TBN-C8WH",
                "device_name": "laptop",
                "signing_public_key": "AAAA",
                "agreement_public_key": "AAAA",
            }))
            .send()
            .await?;
        assert!(refused.status().is_client_error(), "{}", refused.status());
    }
    assert!(http
        .get(format!("{}/healthz", server.url()))
        .send()
        .await?
        .status()
        .is_success());

    let verify = |extra: &[&std::ffi::OsStr]| {
        server_binary()
            .args(["audit", "verify", "--data"])
            .arg(&data)
            .args(extra)
            .output()
    };
    let held = verify(&[])?;
    let said = String::from_utf8_lossy(&held.stdout);
    assert!(
        held.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&held.stderr)
    );
    assert!(
        said.contains("the audit log holds: 3 entries, 1 signed checkpoints"),
        "{said}"
    );

    let exported = dir.path().join("checkpoints.json");
    let written = server_binary()
        .args(["audit", "checkpoints", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&exported)
        .output()?;
    assert!(written.status.success());
    let against = verify(&["--against".as_ref(), exported.as_os_str()])?;
    assert!(
        against.status.success(),
        "{}",
        String::from_utf8_lossy(&against.stderr)
    );

    // A hand edit of entry 2.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        data.join("ecabinet.sqlite3").display()
    ))
    .await?;
    sqlx::query("UPDATE audit_log SET outcome = '200' WHERE seq = 2")
        .execute(&pool)
        .await?;
    pool.close().await;
    let broken = verify(&[])?;
    let error = String::from_utf8_lossy(&broken.stderr);
    assert_eq!(broken.status.code(), Some(1), "{error}");
    assert!(
        error.contains("the audit log is broken at entry 2"),
        "{error}"
    );
    server.shutdown().await?;
    Ok(())
}
