//! eCabinet's check of a PDF's signatures and poppler's `pdfsig` (an
//! independent verifier) give the same verdict on the same files: an
//! unsigned PDF, one signed by a trusted signer, the same signed then
//! modified, and one signed by a signer whose CA is not trusted. `pdfsig`
//! trusts through an NSS database holding the trusted CA (made here with
//! `certutil`); eCabinet through the same CA as its trust anchor.

mod support;

use std::path::Path;
use std::process::Command;

use anyhow::{ensure, Context, Result};
use ecabinet_sign::{
    load_anchors, sign_pdf, verify_pdf, ChainStatus, Integrity, SignatureDetails, TokenSigner,
};
use support::{load_token, make_pki, run, softhsm_config, softhsm_module, PIN};

/// A verdict both verifiers can state.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    NoSignature,
    ValidTrusted,
    ValidUntrusted,
    Invalid,
}

fn pdfsig_verdict(path: &Path, nss: &Path) -> Result<Verdict> {
    let output = Command::new("pdfsig")
        .arg("-nssdir")
        .arg(format!("sql:{}", nss.display()))
        .arg(path)
        .output()
        .context("running pdfsig (Debian: poppler-utils)")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(if text.contains("does not contain any signatures") {
        Verdict::NoSignature
    } else if !text.contains("Signature is Valid") {
        Verdict::Invalid
    } else if text.contains("Certificate is Trusted") {
        Verdict::ValidTrusted
    } else {
        Verdict::ValidUntrusted
    })
}

fn ecabinet_verdict(pdf: &[u8], anchors: &[Vec<u8>]) -> Result<Verdict> {
    let signatures = verify_pdf(pdf, anchors)?;
    let Some(first) = signatures.first() else {
        return Ok(Verdict::NoSignature);
    };
    Ok(match (&first.integrity, &first.chain) {
        (Integrity::Valid, Some(ChainStatus::Trusted { .. })) => Verdict::ValidTrusted,
        (Integrity::Valid, _) => Verdict::ValidUntrusted,
        _ => Verdict::Invalid,
    })
}

#[test]
fn ecabinet_and_pdfsig_agree_on_unsigned_valid_modified_and_untrusted_pdfs() -> Result<()> {
    let module = softhsm_module()?;
    let dir = tempfile::tempdir()?;
    let config = softhsm_config(dir.path())?;
    std::env::set_var("SOFTHSM2_CONF", &config);
    let (trusted_cert, trusted_key) =
        make_pki(&dir.path().join("trusted"), "rsa:2048", "Ban Cơ yếu")?;
    load_token(&module, "trusted", &trusted_key, &trusted_cert)?;
    let (other_cert, other_key) = make_pki(&dir.path().join("other"), "ec", "CA lạ")?;
    load_token(&module, "other", &other_key, &other_cert)?;

    // pdfsig's trust: an NSS database with the trusted CA only.
    let nss = dir.path().join("nss");
    std::fs::create_dir_all(&nss)?;
    let db = format!("sql:{}", nss.display());
    run(Command::new("certutil").args(["-N", "-d", &db, "--empty-password"]))
        .context("certutil (Debian: libnss3-tools; ./scripts/test installs it)")?;
    run(Command::new("certutil")
        .args(["-A", "-d", &db, "-n", "trusted-ca", "-t", "CT,C,C", "-i"])
        .arg(dir.path().join("trusted/anchors/ca.pem")))?;
    let anchors = load_anchors(&dir.path().join("trusted/anchors"))?;

    let demo = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/demo/01-bao-cao-kinh-te-xa-hoi.pdf"),
    )?;
    let details = SignatureDetails {
        reason: Some("Ban hành".into()),
        location: Some("Hà Nội".into()),
        at: chrono::Local::now().fixed_offset(),
    };
    let tokens = TokenSigner::list(&module)?;
    let slot = |label: &str| tokens.iter().find(|t| t.label == label).map(|t| t.slot);
    let by_trusted = sign_pdf(
        &demo,
        &TokenSigner::open(&module, slot("trusted"), PIN, Some("signer"), vec![])?,
        &details,
    )?;
    let by_other = sign_pdf(
        &demo,
        &TokenSigner::open(&module, slot("other"), PIN, Some("signer"), vec![])?,
        &details,
    )?;
    let mut modified = by_trusted.clone();
    let middle = demo.len() / 2;
    modified[middle] ^= 0x20;

    let cases = [
        ("unsigned", demo.clone(), Verdict::NoSignature),
        (
            "signed by a trusted signer",
            by_trusted,
            Verdict::ValidTrusted,
        ),
        ("signed, then one byte changed", modified, Verdict::Invalid),
        (
            "signed under an untrusted CA",
            by_other,
            Verdict::ValidUntrusted,
        ),
    ];
    for (name, pdf, expected) in cases {
        let path = dir
            .path()
            .join(format!("{}.pdf", name.replace([' ', ','], "-")));
        std::fs::write(&path, &pdf)?;
        let theirs = pdfsig_verdict(&path, &nss)?;
        let ours = ecabinet_verdict(&pdf, &anchors)?;
        eprintln!("{name}: pdfsig {theirs:?}, eCabinet {ours:?}");
        ensure!(theirs == expected, "{name}: pdfsig says {theirs:?}");
        ensure!(ours == expected, "{name}: eCabinet says {ours:?}");
    }
    Ok(())
}
