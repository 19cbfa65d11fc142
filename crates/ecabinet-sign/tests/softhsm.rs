//! Signing through PKCS#11 exactly as a USB token is used, with SoftHSM2
//! (Debian's `softhsm2`) standing in for the token. The test makes a
//! throw-away CA and a signer certificate for RSA-2048 and for ECDSA P-256
//! with `openssl`, loads each signer key into a SoftHSM token of its own
//! (`softhsm2-util --import`) with its certificate beside it, then signs on
//! the token, checks the signature against the certificate, and checks the
//! chain against trust anchors: trusted by its own CA, not by the other's,
//! and not outside the certificate's validity.

mod support;

use std::path::Path;

use anyhow::{ensure, Context, Result};
use chrono::{Duration, Utc};
use ecabinet_sign::{
    check_chain, load_anchors, sign_pdf, verify, verify_pdf, CertificateInfo, ChainStatus,
    Integrity, SignError, SignatureAlgorithm, SignatureDetails, Signer, TokenSigner,
};

use support::{load_token, make_pki, softhsm_config, softhsm_module, PIN, SIGNER};

/// What poppler's `pdfsig` says of a PDF's signatures.
fn pdfsig(path: &Path) -> Result<String> {
    let output = std::process::Command::new("pdfsig")
        .arg(path)
        .output()
        .context("running pdfsig (Debian: poppler-utils; ./scripts/test installs it)")?;
    Ok(format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

#[test]
fn a_token_signs_and_its_chain_is_checked_against_the_anchors() -> Result<()> {
    let module = softhsm_module()?;
    let dir = tempfile::tempdir()?;
    // SoftHSM reads its configuration at initialisation, in this process too.
    let config = softhsm_config(dir.path())?;
    std::env::set_var("SOFTHSM2_CONF", &config);

    let kinds = [
        (
            "rsa",
            "rsa:2048",
            SignatureAlgorithm::RsaPkcs1Sha256,
            "Ban Cơ yếu",
        ),
        ("ec", "ec", SignatureAlgorithm::EcdsaP256Sha256, "CA khác"),
    ];
    let mut made = Vec::new();
    for (label, key, _, organisation) in kinds {
        let pki = dir.path().join(label);
        let (certificate, key_file) = make_pki(&pki, key, organisation)?;
        load_token(&module, label, &key_file, &certificate)?;
        made.push((pki, certificate));
    }

    let tokens = TokenSigner::list(&module)?;
    let slot_of = |label: &str| tokens.iter().find(|t| t.label == label).map(|t| t.slot);
    ensure!(
        slot_of("rsa").is_some() && slot_of("ec").is_some(),
        "{tokens:?}"
    );

    let message = "Nghị quyết phiên họp Chính phủ thường kỳ tháng 12/2026".as_bytes();
    for ((label, _, algorithm, _), (pki, certificate)) in kinds.iter().zip(&made) {
        let signer = TokenSigner::open(&module, slot_of(label), PIN, Some("signer"), vec![])?;
        ensure!(signer.algorithm() == *algorithm, "{label}: {signer:?}");
        ensure!(signer.certificate_chain() == std::slice::from_ref(certificate));
        let signature = signer.sign(message)?;
        verify(certificate, *algorithm, message, &signature)
            .with_context(|| format!("{label}: the token's signature"))?;
        ensure!(
            verify(certificate, *algorithm, b"another text", &signature)
                == Err(SignError::BadSignature),
            "{label}: a signature over other bytes must not verify"
        );

        let info = CertificateInfo::read(certificate)?;
        ensure!(info.name == SIGNER, "{info:?}");
        let own = load_anchors(&pki.join("anchors"))?;
        let now = Utc::now();
        ensure!(
            matches!(
                check_chain(signer.certificate_chain(), &own, now)?,
                ChainStatus::Trusted { .. }
            ),
            "{label}: trusted by its own CA"
        );
        let other_dir = &made[usize::from(*label == "rsa")].0;
        let other = load_anchors(&other_dir.join("anchors"))?;
        ensure!(
            matches!(
                check_chain(signer.certificate_chain(), &other, now)?,
                ChainStatus::Untrusted { .. }
            ),
            "{label}: not trusted by another CA"
        );
        ensure!(
            matches!(
                check_chain(signer.certificate_chain(), &own, now + Duration::days(60))?,
                ChainStatus::OutsideValidity { .. }
            ),
            "{label}: not valid after its 30 days"
        );
    }

    // PAdES: each token signs the demo decree; poppler's pdfsig, an
    // independent verifier, finds the signature valid and names the signer;
    // one byte changed in the signed range and it is not.
    let demo = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
    )?;
    for (label, _, _, _) in kinds {
        let signer = TokenSigner::open(&module, slot_of(label), PIN, Some("signer"), vec![])?;
        let details = SignatureDetails {
            reason: Some("Ban hành nghị định".into()),
            location: Some("Hà Nội".into()),
            // Now: the certificate was made a moment ago, and is checked at the signing time.
            at: chrono::Local::now().fixed_offset(),
        };
        let signed = sign_pdf(&demo, &signer, &details)?;
        ensure!(
            signed.starts_with(&demo),
            "an incremental update keeps the original bytes"
        );
        let path = dir.path().join(format!("signed-{label}.pdf"));
        std::fs::write(&path, &signed)?;
        let report = pdfsig(&path)?;
        eprintln!("pdfsig {label}:\n{report}");
        ensure!(report.contains("Signature is Valid"), "{label}: {report}");
        ensure!(report.contains(SIGNER), "{label}: {report}");
        ensure!(report.contains("ETSI.CAdES.detached"), "{label}: {report}");

        // eCabinet's own check agrees.
        let pki = &made[usize::from(label == "ec")].0;
        let own = load_anchors(&pki.join("anchors"))?;
        let ours = verify_pdf(&signed, &own)?;
        ensure!(ours.len() == 1, "{label}: {ours:?}");
        ensure!(ours[0].integrity == Integrity::Valid, "{label}: {ours:?}");
        ensure!(!ours[0].changed_after_signing, "{label}: {ours:?}");
        ensure!(
            matches!(ours[0].chain, Some(ChainStatus::Trusted { .. })),
            "{label}: {ours:?}"
        );
        ensure!(
            ours[0].signer.as_ref().is_some_and(|s| s.name == SIGNER),
            "{label}: {ours:?}"
        );
        let other = load_anchors(&made[usize::from(label == "rsa")].0.join("anchors"))?;
        ensure!(
            matches!(
                verify_pdf(&signed, &other)?[0].chain,
                Some(ChainStatus::Untrusted { .. })
            ),
            "{label}: another CA does not vouch for it"
        );

        let mut changed = signed.clone();
        changed[1000] ^= 0x01;
        let path = dir.path().join(format!("changed-{label}.pdf"));
        std::fs::write(&path, &changed)?;
        let report = pdfsig(&path)?;
        ensure!(
            !report.contains("Signature is Valid"),
            "{label} changed: {report}"
        );
        ensure!(
            verify_pdf(&changed, &own)?[0].integrity == Integrity::Modified,
            "{label}: eCabinet sees the change too"
        );

        // Bytes added after signing: still valid for what was signed, and said.
        let mut appended = signed.clone();
        appended.extend_from_slice(b"% a later revision\n");
        let later = verify_pdf(&appended, &own)?;
        ensure!(
            later[0].integrity == Integrity::Valid && later[0].changed_after_signing,
            "{later:?}"
        );
        let path = dir.path().join(format!("appended-{label}.pdf"));
        std::fs::write(&path, &appended)?;
        let report = pdfsig(&path)?;
        ensure!(
            report.contains("Not total document signed"),
            "{label} appended: {report}"
        );
    }
    ensure!(
        verify_pdf(&demo, &[])?.is_empty(),
        "the unsigned demo has no signature"
    );

    // A countersignature: the RSA signer signs, then the ECDSA signer signs
    // that. Both hold for pdfsig and for eCabinet; the first covers the
    // first revision only ("changed after", never "modified").
    let details = SignatureDetails {
        reason: Some("Ký xác nhận".into()),
        location: Some("Hà Nội".into()),
        at: chrono::Local::now().fixed_offset(),
    };
    let first = sign_pdf(
        &demo,
        &TokenSigner::open(&module, slot_of("rsa"), PIN, Some("signer"), vec![])?,
        &details,
    )?;
    let both = sign_pdf(
        &first,
        &TokenSigner::open(&module, slot_of("ec"), PIN, Some("signer"), vec![])?,
        &details,
    )?;
    ensure!(both.starts_with(&first), "the first signature's bytes stay");
    let path = dir.path().join("countersigned.pdf");
    std::fs::write(&path, &both)?;
    let report = pdfsig(&path)?;
    eprintln!("pdfsig countersigned:\n{report}");
    ensure!(report.contains("Signature #2"), "{report}");
    ensure!(
        report.matches("Signature is Valid").count() == 2,
        "both signatures hold: {report}"
    );
    ensure!(report.contains("Not total document signed"), "{report}");
    let ours = verify_pdf(&both, &[])?;
    ensure!(ours.len() == 2, "{ours:?}");
    ensure!(
        ours.iter().all(|s| s.integrity == Integrity::Valid),
        "{ours:?}"
    );
    ensure!(
        ours[0].changed_after_signing && !ours[1].changed_after_signing,
        "{ours:?}"
    );
    let mut broken = both.clone();
    broken[1000] ^= 0x01;
    ensure!(
        verify_pdf(&broken, &[])?
            .iter()
            .all(|s| s.integrity == Integrity::Modified),
        "one byte of the first revision breaks both"
    );

    // Clear refusals: a wrong PIN, a slot with no token, a key not there.
    let wrong =
        TokenSigner::open(&module, slot_of("rsa"), "000000", None, vec![]).expect_err("wrong PIN");
    ensure!(matches!(wrong, SignError::Pin(_)), "{wrong:?}");
    let nowhere =
        TokenSigner::open(&module, Some(987_654), PIN, None, vec![]).expect_err("no such slot");
    ensure!(
        nowhere.to_string().contains("no token in slot 987654"),
        "{nowhere}"
    );
    let unlabelled = TokenSigner::open(&module, slot_of("ec"), PIN, Some("absent"), vec![])
        .expect_err("no such key");
    ensure!(
        unlabelled.to_string().contains("\"absent\""),
        "{unlabelled}"
    );
    let missing = TokenSigner::open(
        Path::new("/nonexistent/libpkcs11.so"),
        None,
        PIN,
        None,
        vec![],
    )
    .expect_err("no module");
    ensure!(matches!(missing, SignError::Module(_)), "{missing:?}");
    Ok(())
}
