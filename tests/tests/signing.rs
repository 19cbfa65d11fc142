//! A legal signature end to end: the secretariat signs a draft decree on a
//! PKCS#11 token (SoftHSM2 here, as a USB token would be used); the signed
//! PDF is published as the document's next version, sealed like any other;
//! a member's device receives it, still reads it, and both poppler's
//! `pdfsig` (an independent verifier) and eCabinet's own check find the
//! signature valid and name the signer.

#[path = "../../crates/ecabinet-sign/tests/support/mod.rs"]
mod support;

use anyhow::{ensure, Context, Result};
use chrono::Utc;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};
use ecabinet_sign::{Integrity, SignatureDetails, TokenSigner};
use support::{load_token, make_pki, softhsm_config, softhsm_module, PIN, SIGNER};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decree_signed_on_a_token_reaches_members_as_a_valid_signed_pdf() -> Result<()> {
    let module = softhsm_module()?;
    let pki = tempfile::tempdir()?;
    let config = softhsm_config(pki.path())?;
    std::env::set_var("SOFTHSM2_CONF", &config);
    let (certificate, key) = make_pki(&pki.path().join("ca"), "rsa:2048", "Ban Cơ yếu")?;
    load_token(&module, "van-phong", &key, &certificate)?;

    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf");
    let decree = secretary
        .add_document(item.id, &demo, Some("Nghị định"))
        .await?;

    let signer = TokenSigner::open(&module, None, PIN, Some("signer"), vec![])?;
    let details = SignatureDetails {
        reason: Some("Ban hành".into()),
        location: Some("Hà Nội".into()),
        at: chrono::Local::now().fixed_offset(),
    };
    let signed = secretary
        .sign_document(decree.id, Box::new(signer), &details)
        .await?;
    ensure!(
        signed.version == 2 && signed.title == "Nghị định",
        "{signed:?}"
    );

    binh.sync().await?;
    let (fetched, bytes) = binh.open_document(decree.id).await?;
    ensure!(fetched.version == 2, "{fetched:?}");
    ensure!(
        bytes.starts_with(&std::fs::read(&demo)?),
        "the signature is an incremental update of the published version"
    );
    let page = binh.render_page(decree.id, 1, 72.0).await?;
    ensure!(page.page_count == 12);

    let path = pki.path().join("received.pdf");
    std::fs::write(&path, bytes.as_slice())?;
    let output = std::process::Command::new("pdfsig")
        .arg(&path)
        .output()
        .context("running pdfsig (Debian: poppler-utils)")?;
    let report = String::from_utf8_lossy(&output.stdout);
    ensure!(report.contains("Signature is Valid"), "{report}");
    ensure!(report.contains(SIGNER), "{report}");

    // eCabinet's own check on the member's device agrees, and trusts the
    // signer through the CA the IT office configured.
    let anchors = ecabinet_sign::load_anchors(&pki.path().join("ca/anchors"))?;
    let found = binh.document_signatures(decree.id, &anchors).await?;
    ensure!(found.len() == 1, "{found:?}");
    ensure!(
        found[0].integrity == ecabinet_sign::Integrity::Valid,
        "{found:?}"
    );
    ensure!(
        matches!(
            found[0].chain,
            Some(ecabinet_sign::ChainStatus::Trusted { .. })
        ),
        "{found:?}"
    );
    ensure!(found[0].signer.as_ref().is_some_and(|s| s.name == SIGNER));

    // The reader's panel: without trust anchors on the device the signer is
    // "not checked"; with the IT office's folder configured, trusted.
    let views = binh.signature_views(decree.id).await?;
    ensure!(
        views.len() == 1
            && views[0].integrity == ecabinet_client::SignatureIntegrity::Valid
            && views[0].trust == ecabinet_client::SignatureTrust::NotChecked,
        "{views:?}"
    );
    std::env::set_var(
        ecabinet_client::TRUST_ANCHORS_ENV,
        pki.path().join("ca/anchors"),
    );
    let views = binh.signature_views(decree.id).await?;
    ensure!(
        views[0].trust == ecabinet_client::SignatureTrust::Trusted
            && views[0].signer.as_deref() == Some(SIGNER)
            && views[0].signed_at.is_some()
            && !views[0].changed_after_signing,
        "{views:?}"
    );

    // The desktop's "Ký số": the PIN typed in the app, used once; the
    // device's anchors (now configured) vouch for the token's certificate.
    let plan = secretary
        .add_document(
            item.id,
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../assets/demo/03-de-an-chuyen-doi-so.pdf"),
            Some("Đề án"),
        )
        .await?;
    let request = |pin: &str| ecabinet_client::TokenSignRequest {
        module: module.display().to_string(),
        slot: None,
        key_label: Some("signer".into()),
        pin: pin.into(),
        reason: Some("Trình Chính phủ".into()),
        location: None,
    };
    let wrong = secretary
        .sign_document_with_token(plan.id, request("000000"))
        .await
        .expect_err("a wrong PIN");
    ensure!(
        wrong.code() == "signing" && wrong.to_string().contains("PIN"),
        "{wrong}"
    );
    let signed_plan = secretary
        .sign_document_with_token(plan.id, request(PIN))
        .await?;
    ensure!(signed_plan.version == 2, "{signed_plan:?}");
    // A second signature on the signed decree (a countersignature): the
    // next version carries both, the first covering the revision it signed.
    let again = secretary
        .sign_document_with_token(decree.id, request(PIN))
        .await?;
    let both = secretary.document_signatures(decree.id, &[]).await?;
    ensure!(both.len() == 2, "{again:?}: {both:?}");
    ensure!(
        both.iter().all(|s| s.integrity == Integrity::Valid)
            && both[0].changed_after_signing
            && !both[1].changed_after_signing,
        "{both:?}"
    );
    server.stop().await
}
