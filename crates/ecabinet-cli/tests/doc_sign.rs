//! `ecab doc sign` and `ecab doc signatures` as the secretariat runs them,
//! whole processes against a real server: the demo decree is signed on a
//! SoftHSM2 token (the PIN from `ECAB_TOKEN_PIN`), published as its next
//! version, and reported valid and trusted; a certificate the trust
//! anchors do not vouch for is refused before anything is signed.

mod common;
#[path = "../../ecabinet-sign/tests/support/mod.rs"]
mod support;

use anyhow::{ensure, Context, Result};
use common::ecab;
use serde_json::Value;
use support::{token_for_ecab, SIGNER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_signs_a_document_on_a_token() -> Result<()> {
    let dir = tempfile::tempdir()?;
    // SoftHSM and the PIN, inherited by every ecab below.
    let module = token_for_ecab(dir.path())?;

    let server = common::demo_server(dir.path()).await?;
    let profile = dir.path().join("profile");
    common::enrol_secretary(&server, &profile).await?;

    let out = ecab(&profile, &["--json", "meetings"]).await?;
    let meetings: Value = serde_json::from_str(&out.stdout)?;
    let meeting = meetings[0]["id"]
        .as_str()
        .context("a demo meeting")?
        .to_owned();
    let out = ecab(&profile, &["--json", "agenda", &meeting]).await?;
    let agenda: Value = serde_json::from_str(&out.stdout)?;
    let item = agenda["items"][0]["id"]
        .as_str()
        .context("an item")?
        .to_owned();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf")
        .display()
        .to_string();
    let out = ecab(
        &profile,
        &[
            "--json",
            "doc",
            "add",
            &item,
            "--file",
            &demo,
            "--title",
            "Nghị định",
        ],
    )
    .await?;
    ensure!(out.code == 0, "{}", out.stderr);
    let added: Value = serde_json::from_str(&out.stdout)?;
    let document = added["id"]
        .as_str()
        .context("the document's id")?
        .to_owned();
    let version = added["version"].as_u64().context("its version")?;

    let module = module.display().to_string();
    let other = dir.path().join("other/anchors").display().to_string();
    let refused = ecab(
        &profile,
        &[
            "doc",
            "sign",
            &document,
            "--module",
            &module,
            "--trust-anchors",
            &other,
        ],
    )
    .await?;
    ensure!(refused.code != 0, "{}", refused.stdout);
    ensure!(refused.stderr.contains("not trusted"), "{}", refused.stderr);

    let anchors = dir.path().join("ca/anchors").display().to_string();
    let signed = ecab(
        &profile,
        &[
            "--json",
            "doc",
            "sign",
            &document,
            "--module",
            &module,
            "--trust-anchors",
            &anchors,
            "--reason",
            "Ban hành",
            "--location",
            "Hà Nội",
        ],
    )
    .await?;
    ensure!(signed.code == 0, "{}", signed.stderr);
    let signed: Value = serde_json::from_str(&signed.stdout)?;
    ensure!(signed["version"].as_u64() == Some(version + 1), "{signed}");

    let report = ecab(
        &profile,
        &["doc", "signatures", &document, "--trust-anchors", &anchors],
    )
    .await?;
    eprintln!("ecab doc signatures:\n{}", report.stdout);
    ensure!(report.code == 0, "{}", report.stderr);
    ensure!(
        report.stdout.contains(&format!("Signature 1: {SIGNER}")),
        "{}",
        report.stdout
    );
    ensure!(
        report.stdout.contains("integrity:  valid"),
        "{}",
        report.stdout
    );
    ensure!(
        report.stdout.contains("chain:      trusted"),
        "{}",
        report.stdout
    );
    server.shutdown().await?;
    Ok(())
}
