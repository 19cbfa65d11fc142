//! A throw-away PKI and SoftHSM2 tokens for the signing tests (this
//! crate's, and `ecab token`'s in `crates/ecabinet-cli/tests/token.rs`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{ensure, Context, Result};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, CertificateType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;

pub const PIN: &str = "246810";
pub const SIGNER: &str = "Nguyễn Văn An";

/// A SoftHSM configuration whose tokens live in `dir/tokens`; SoftHSM finds
/// it through `SOFTHSM2_CONF` (set it for `softhsm2-util`, this process
/// and any child that loads the module).
pub fn softhsm_config(dir: &Path) -> Result<PathBuf> {
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens)?;
    let config = dir.join("softhsm2.conf");
    std::fs::write(
        &config,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )?;
    Ok(config)
}

pub fn softhsm_module() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("SOFTHSM2_MODULE") {
        return Ok(path.into());
    }
    [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .context("SoftHSM2 is not installed (Debian: softhsm2; ./scripts/test installs it)")
}

pub fn run(command: &mut Command) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("running {command:?}"))?;
    ensure!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}

/// A CA and a signer certificate with `key` ("rsa:2048" or "ec"), in `dir`.
/// Returns the signer's certificate (DER) and key (PKCS#8 PEM file).
pub fn make_pki(dir: &Path, key: &str, organisation: &str) -> Result<(Vec<u8>, PathBuf)> {
    std::fs::create_dir_all(dir.join("anchors"))?;
    let newkey = |c: &mut Command| {
        c.args(["-newkey", key]);
        if key == "ec" {
            c.args(["-pkeyopt", "ec_paramgen_curve:P-256"]);
        }
    };
    let mut ca = Command::new("openssl");
    ca.current_dir(dir)
        .args(["req", "-x509", "-utf8", "-nodes", "-days", "30"]);
    newkey(&mut ca);
    ca.args([
        "-keyout",
        "ca.key",
        "-out",
        "anchors/ca.pem",
        "-subj",
        &format!("/CN={organisation} Test CA/O={organisation}"),
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run(&mut ca)?;
    let mut request = Command::new("openssl");
    request
        .current_dir(dir)
        .args(["req", "-new", "-utf8", "-nodes"]);
    newkey(&mut request);
    request.args([
        "-keyout",
        "signer.key",
        "-out",
        "signer.csr",
        "-subj",
        &format!("/CN={SIGNER}/O=Văn phòng Chính phủ"),
    ]);
    run(&mut request)?;
    run(Command::new("openssl").current_dir(dir).args([
        "x509",
        "-req",
        "-in",
        "signer.csr",
        "-CA",
        "anchors/ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "30",
        "-sha256",
        "-outform",
        "DER",
        "-out",
        "signer.der",
    ]))?;
    run(Command::new("openssl").current_dir(dir).args([
        "pkcs8",
        "-topk8",
        "-nocrypt",
        "-in",
        "signer.key",
        "-out",
        "signer.p8",
    ]))?;
    Ok((
        std::fs::read(dir.join("signer.der"))?,
        dir.join("signer.p8"),
    ))
}

/// A SoftHSM token labelled `label` holding `key` and, beside it under the
/// same CKA_ID, the certificate (what a CA's USB token carries).
pub fn load_token(module: &Path, label: &str, key: &Path, certificate: &[u8]) -> Result<()> {
    run(Command::new("softhsm2-util").args([
        "--init-token",
        "--free",
        "--label",
        label,
        "--pin",
        PIN,
        "--so-pin",
        "13572468",
    ]))?;
    run(Command::new("softhsm2-util")
        .args(["--import"])
        .arg(key)
        .args([
            "--token", label, "--label", "signer", "--id", "01", "--pin", PIN,
        ]))?;
    let context = Pkcs11::new(module)?;
    context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))?;
    let slot = context
        .get_slots_with_token()?
        .into_iter()
        .find(|s| {
            context
                .get_token_info(*s)
                .is_ok_and(|i| i.label().trim() == label)
        })
        .context("the new token")?;
    let session = context.open_rw_session(slot)?;
    session.login(UserType::User, Some(&AuthPin::from(PIN.to_owned())))?;
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate)?;
    session.create_object(&[
        Attribute::Class(ObjectClass::CERTIFICATE),
        Attribute::CertificateType(CertificateType::X_509),
        Attribute::Token(true),
        Attribute::Id(vec![1]),
        Attribute::Label(b"signer".to_vec()),
        Attribute::Subject(parsed.subject().as_raw().to_vec()),
        Attribute::Value(certificate.to_vec()),
    ])?;
    Ok(())
}

/// What the CLI's signing tests start from: a SoftHSM token "van-phong"
/// holding an ECDSA signer under a CA in `dir/ca` (trusted), and another
/// CA in `dir/other` (not); SoftHSM's configuration and the PIN are put in
/// this process's environment, so every `ecab` it starts inherits them.
/// Returns the token's module.
#[allow(dead_code)]
pub fn token_for_ecab(dir: &Path) -> Result<PathBuf> {
    let module = softhsm_module()?;
    let config = softhsm_config(dir)?;
    std::env::set_var("SOFTHSM2_CONF", &config);
    std::env::set_var("ECAB_TOKEN_PIN", PIN);
    let (certificate, key) = make_pki(&dir.join("ca"), "ec", "Ban Cơ yếu")?;
    load_token(&module, "van-phong", &key, &certificate)?;
    make_pki(&dir.join("other"), "ec", "CA khác")?;
    Ok(module)
}
