//! The server over TLS (rustls) with a certificate from the organisation's
//! own CA, and the client trusting that CA through the system's trust
//! store (here: SSL_CERT_FILE, as an IT office would install its CA).
//! Its own test binary, because it sets a process-wide environment variable.

use std::process::Command;

use anyhow::{ensure, Result};
use ecabinet_client::Client;
use ecabinet_domain::Role;
use ecabinet_server::{start, ServeConfig, TlsFiles};

/// A CA and a server certificate for 127.0.0.1, made with the openssl CLI.
fn make_certificates(dir: &std::path::Path) -> Result<()> {
    let run = |args: &[&str]| -> Result<()> {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()?;
        ensure!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(())
    };
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )?;
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=eCabinet test CA",
    ])?;
    run(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ])?;
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ])?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrol_and_sync_over_tls_with_an_internal_ca() -> Result<()> {
    let dir = tempfile::tempdir()?;
    make_certificates(dir.path())?;

    let server = start(ServeConfig {
        data_dir: dir.path().join("server"),
        listen: "127.0.0.1:0".parse()?,
        database_url: None,
        tls: Some(TlsFiles {
            cert: dir.path().join("server.pem"),
            key: dir.path().join("server.key"),
        }),
        demo: true,
        policy: Default::default(),
        voice: Default::default(),
        metrics_token: None,
        blobs: Default::default(),
    })
    .await?;
    assert!(server.url().starts_with("https://"), "{}", server.url());

    let services = &server.services;
    let member = services.find_person("Trần Thị Bình").await?;
    assert_eq!(member.role, Role::Member);
    let code = services.issue_invite(member).await?.code.to_string();

    // A device that does not trust the server's CA refuses to talk to it.
    std::env::set_var("SSL_CERT_FILE", dir.path().join("other.pem"));
    let error = Client::enroll(&dir.path().join("untrusting"), &server.url(), &code, None)
        .await
        .expect_err("an unknown CA must be refused");
    assert_eq!(error.code(), "server_unreachable", "{error}");
    assert!(
        error.to_string().to_lowercase().contains("certificate"),
        "{error}"
    );

    // Once the organisation's CA is trusted, enrolment and sync work.
    std::env::set_var("SSL_CERT_FILE", dir.path().join("ca.pem"));
    let client = Client::enroll(
        &dir.path().join("profile"),
        &server.url(),
        &code,
        Some("TLS laptop"),
    )
    .await?;
    client.sync().await?;
    assert_eq!(client.meetings().await?.len(), 1);

    // Plain HTTP to a TLS port is not silently accepted.
    let plain = server.url().replace("https://", "http://");
    let error = Client::enroll(&dir.path().join("plain"), &plain, &code, None)
        .await
        .expect_err("http to https");
    assert_ne!(error.code(), "ok");
    assert!(!Client::is_enrolled(&dir.path().join("plain"))?);
    Ok(())
}
