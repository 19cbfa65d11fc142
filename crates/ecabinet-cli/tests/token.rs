//! `ecab token list|check` as the IT office runs it, whole processes, on a
//! SoftHSM2 token holding a throw-away signer's key and certificate: the
//! token is listed; `check` signs on it and reports the signer and a chain
//! trusted by the right CA; against another CA it says not trusted and
//! fails; a wrong PIN (piped on stdin) is refused with a clear message.

#[path = "../../ecabinet-sign/tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use anyhow::{ensure, Context, Result};
use support::{load_token, make_pki, softhsm_config, softhsm_module, PIN, SIGNER};

fn ecab(args: &[&str], config: &std::path::Path, pin_on_stdin: Option<&str>) -> Result<Output> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecab"));
    command
        .args(args)
        .env("SOFTHSM2_CONF", config)
        .env_remove(ecab_pin_env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if pin_on_stdin.is_none() {
        command.env(ecab_pin_env(), PIN);
    }
    let mut child = command.spawn().context("running ecab")?;
    if let (Some(pin), Some(mut stdin)) = (pin_on_stdin, child.stdin.take()) {
        writeln!(stdin, "{pin}")?;
    }
    Ok(child.wait_with_output()?)
}

fn ecab_pin_env() -> &'static str {
    "ECAB_TOKEN_PIN"
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_it_office_checks_a_signing_token() -> Result<()> {
    let module = softhsm_module()?;
    let module_arg = module.display().to_string();
    let dir = tempfile::tempdir()?;
    let config = softhsm_config(dir.path())?;
    std::env::set_var("SOFTHSM2_CONF", &config);
    let (certificate, key) = make_pki(&dir.path().join("ca"), "ec", "Ban Cơ yếu")?;
    load_token(&module, "bo-truong", &key, &certificate)?;
    let (_, other_key) = make_pki(&dir.path().join("other"), "rsa:2048", "CA khác")?;
    drop(other_key);

    let listed = ecab(&["token", "list", "--module", &module_arg], &config, None)?;
    ensure!(listed.status.success(), "{}", text(&listed));
    let slot = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .find(|l| l.contains("bo-truong"))
        .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        .with_context(|| format!("the token in: {}", text(&listed)))?;

    let anchors = dir.path().join("ca/anchors").display().to_string();
    let check = [
        "token",
        "check",
        "--module",
        &module_arg,
        "--slot",
        &slot,
        "--key-label",
        "signer",
        "--trust-anchors",
        &anchors,
    ];
    let trusted = ecab(&check, &config, None)?;
    let said = text(&trusted);
    eprintln!("ecab token check:\n{said}");
    ensure!(trusted.status.success(), "{said}");
    ensure!(said.contains(&format!("Signer:       {SIGNER}")), "{said}");
    ensure!(said.contains("ECDSA P-256"), "{said}");
    ensure!(said.contains("verified against the certificate"), "{said}");
    ensure!(said.contains("Chain:        trusted, up to"), "{said}");

    // Another authority's anchors: reported and refused.
    let other = dir.path().join("other/anchors").display().to_string();
    let mut untrusted_args = check.to_vec();
    let last = untrusted_args.len() - 1;
    untrusted_args[last] = &other;
    let untrusted = ecab(&untrusted_args, &config, None)?;
    ensure!(!untrusted.status.success(), "{}", text(&untrusted));
    ensure!(
        text(&untrusted).contains("NOT trusted"),
        "{}",
        text(&untrusted)
    );

    // A wrong PIN piped on stdin: refused, with the code for scripts.
    let mut json = vec!["--json"];
    json.extend_from_slice(&check);
    let wrong = ecab(&json, &config, Some("000000"))?;
    ensure!(!wrong.status.success());
    let said = text(&wrong);
    ensure!(
        said.contains("\"signing\"") && said.contains("refused the PIN"),
        "{said}"
    );
    Ok(())
}
