//! `ecab token list|check`: the IT office's check that a signing token
//! works before anyone signs with it: the module loads, the PIN opens the
//! token, the key signs, the signature verifies against the token's
//! certificate, and the certificate's chain reaches the trust anchors.
//! The PIN comes from `ECAB_TOKEN_PIN`, or is asked on the terminal
//! (without echo), or read as one line from stdin; it is never stored.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use ecabinet_client::ClientError;
use ecabinet_sign::{
    check_chain, load_anchors, verify, CertificateInfo, ChainStatus, Integrity, PdfSignature,
    Signer, TokenSigner,
};
use serde_json::json;
use zeroize::Zeroizing;

use crate::output::Printer;

/// Where the token's PIN may be given for scripts.
pub const PIN_ENV: &str = "ECAB_TOKEN_PIN";

#[derive(Subcommand)]
pub enum TokenCommand {
    /// The tokens present in a PKCS#11 module's slots.
    List {
        /// The token's PKCS#11 module (its vendor's .so / .dll).
        #[arg(long)]
        module: PathBuf,
    },
    /// Opens a token with its PIN, signs a test text on it, verifies the
    /// signature against its certificate and checks the certificate's chain.
    Check {
        #[command(flatten)]
        token: TokenArgs,
    },
}

/// Which token and key sign, and what they are trusted against.
#[derive(Args)]
pub struct TokenArgs {
    /// The token's PKCS#11 module (its vendor's .so / .dll).
    #[arg(long)]
    pub module: PathBuf,
    /// The slot id (`ecab token list`); needed when several tokens are present.
    #[arg(long)]
    pub slot: Option<u64>,
    /// The private key's label; needed when the token holds several.
    #[arg(long)]
    pub key_label: Option<String>,
    /// A folder of the trusted CA certificates (PEM or DER); a certificate
    /// they do not trust is refused.
    #[arg(long)]
    pub trust_anchors: Option<PathBuf>,
}

/// Opens the token (asking the PIN) and, with trust anchors, refuses a
/// certificate they do not trust: what `ecab doc sign` signs with.
pub fn open_signer(args: &TokenArgs) -> Result<TokenSigner, ClientError> {
    let anchors = args
        .trust_anchors
        .as_deref()
        .map(load_anchors)
        .transpose()
        .map_err(signing)?;
    let pin = read_pin()?;
    let signer = TokenSigner::open(
        &args.module,
        args.slot,
        &pin,
        args.key_label.as_deref(),
        Vec::new(),
    )
    .map_err(signing)?;
    if let Some(anchors) = anchors {
        let status = check_chain(signer.certificate_chain(), &anchors, chrono::Utc::now())
            .map_err(signing)?;
        if !matches!(status, ChainStatus::Trusted { .. }) {
            return Err(ClientError::Signing(format!(
                "the token's certificate is not trusted ({})",
                chain_text(&Some(status))
            )));
        }
    }
    Ok(signer)
}

fn chain_text(chain: &Option<ChainStatus>) -> String {
    match chain {
        None => "not checked (give --trust-anchors DIR)".to_owned(),
        Some(ChainStatus::Trusted { anchor }) => format!("trusted, up to {anchor}"),
        Some(ChainStatus::Untrusted { reason }) => format!("NOT trusted: {reason}"),
        Some(ChainStatus::OutsideValidity { subject }) => {
            format!("NOT valid now: {subject} is outside its validity")
        }
        Some(ChainStatus::BadSignature { subject }) => {
            format!("NOT trusted: the signature on {subject} does not verify")
        }
    }
}

fn signing(error: ecabinet_sign::SignError) -> ClientError {
    ClientError::from(error)
}

/// The PIN: from the environment, the terminal, or one line of stdin.
fn read_pin() -> Result<Zeroizing<String>, ClientError> {
    if let Ok(pin) = std::env::var(PIN_ENV) {
        return Ok(Zeroizing::new(pin));
    }
    let pin = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("PIN của thiết bị ký số / token PIN: ")
            .map_err(|e| ClientError::InvalidArgument(format!("could not read the PIN: {e}")))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| ClientError::InvalidArgument(format!("could not read the PIN: {e}")))?;
        line
    };
    let pin = Zeroizing::new(pin.trim_end_matches(['\r', '\n']).to_owned());
    if pin.is_empty() {
        return Err(ClientError::InvalidArgument(format!(
            "no PIN given: type it when asked, pipe it on stdin, or set {PIN_ENV}"
        )));
    }
    Ok(pin)
}

pub fn run(command: TokenCommand, out: &Printer) -> Result<(), ClientError> {
    match command {
        TokenCommand::List { module } => list(&module, out),
        TokenCommand::Check { token } => check(
            &token.module,
            token.slot,
            token.key_label.as_deref(),
            token.trust_anchors.as_deref(),
            out,
        ),
    }
}

fn list(module: &Path, out: &Printer) -> Result<(), ClientError> {
    let tokens = TokenSigner::list(module).map_err(signing)?;
    if out.json_enabled() {
        out.print_json(&json!(tokens
            .iter()
            .map(|t| json!({
                "slot": t.slot, "label": t.label, "manufacturer": t.manufacturer,
                "model": t.model, "serial": t.serial,
            }))
            .collect::<Vec<_>>()));
        return Ok(());
    }
    if tokens.is_empty() {
        println!("No token is plugged in.");
    }
    for t in tokens {
        println!(
            "slot {}  {}  ({} {}, serial {})",
            t.slot, t.label, t.manufacturer, t.model, t.serial
        );
    }
    Ok(())
}

fn check(
    module: &Path,
    slot: Option<u64>,
    key_label: Option<&str>,
    anchors: Option<&Path>,
    out: &Printer,
) -> Result<(), ClientError> {
    let anchors = anchors.map(load_anchors).transpose().map_err(signing)?;
    let pin = read_pin()?;
    let signer = TokenSigner::open(module, slot, &pin, key_label, Vec::new()).map_err(signing)?;
    drop(pin);
    let certificate = signer
        .certificate_chain()
        .first()
        .cloned()
        .ok_or_else(|| ClientError::InvalidArgument("the token gave no certificate".into()))?;
    let info = CertificateInfo::read(&certificate).map_err(signing)?;
    let test = format!("eCabinet token check {}", chrono::Utc::now().to_rfc3339());
    let signature = signer.sign(test.as_bytes()).map_err(signing)?;
    verify(
        &certificate,
        signer.algorithm(),
        test.as_bytes(),
        &signature,
    )
    .map_err(signing)?;
    let chain = anchors
        .as_ref()
        .map(|a| check_chain(signer.certificate_chain(), a, chrono::Utc::now()))
        .transpose()
        .map_err(signing)?;
    let chain_text = chain_text(&chain);
    let token = signer.token();
    if out.json_enabled() {
        out.print_json(&json!({
            "token": { "slot": token.slot, "label": token.label, "serial": token.serial },
            "algorithm": signer.algorithm().name(),
            "certificate": {
                "name": info.name, "subject": info.subject, "issuer": info.issuer,
                "serial": info.serial, "not_before": info.not_before, "not_after": info.not_after,
            },
            "test_signature": "verified",
            "chain": chain_text,
        }));
    } else {
        println!(
            "Token:        {} (slot {}, {} {}, serial {})",
            token.label, token.slot, token.manufacturer, token.model, token.serial
        );
        println!("Key:          {}", signer.algorithm().name());
        println!("Signer:       {}", info.name);
        println!("  subject:    {}", info.subject);
        println!("  issuer:     {}", info.issuer);
        println!("  serial:     {}", info.serial);
        println!(
            "  valid:      {} to {}",
            info.not_before.format("%d/%m/%Y"),
            info.not_after.format("%d/%m/%Y")
        );
        println!("Test signature: made on the token and verified against the certificate");
        println!("Chain:        {chain_text}");
    }
    match chain {
        Some(ChainStatus::Trusted { .. }) | None => Ok(()),
        Some(_) => Err(ClientError::InvalidArgument(format!(
            "the token's certificate is not trusted: {chain_text}"
        ))),
    }
}

/// `ecab doc signatures`: each signature, what it proves and what it does not.
pub fn print_signatures(signatures: &[PdfSignature], out: &Printer) {
    let integrity = |s: &PdfSignature| match &s.integrity {
        Integrity::Valid => "valid".to_owned(),
        Integrity::Modified => "INVALID: the signed bytes changed".to_owned(),
        Integrity::BadSignature => {
            "INVALID: the signature does not match the certificate".to_owned()
        }
        Integrity::Unchecked(why) => format!("not checked: {why}"),
    };
    if out.json_enabled() {
        out.print_json(&json!(signatures
            .iter()
            .map(|s| json!({
                "signer": s.signer.as_ref().map(|c| json!({
                    "name": c.name, "subject": c.subject, "issuer": c.issuer, "serial": c.serial,
                })),
                "signing_time": s.signing_time,
                "sub_filter": s.sub_filter,
                "integrity": integrity(s),
                "valid": s.integrity == Integrity::Valid,
                "changed_after_signing": s.changed_after_signing,
                "chain": s.chain.as_ref().map(|c| chain_text(&Some(c.clone()))),
                "trusted": matches!(s.chain, Some(ChainStatus::Trusted { .. })),
            }))
            .collect::<Vec<_>>()));
        return;
    }
    if signatures.is_empty() {
        println!("This document carries no signature.");
    }
    for (n, s) in signatures.iter().enumerate() {
        println!(
            "Signature {}: {}",
            n + 1,
            s.signer
                .as_ref()
                .map_or("(no certificate)", |c| c.name.as_str())
        );
        if let Some(time) = &s.signing_time {
            match ecabinet_sign::parse_pdf_date(time) {
                Some(at) => println!(
                    "  signed:     {}",
                    ecabinet_domain::clock::cabinet_time(at).format("%H:%M:%S %d/%m/%Y")
                ),
                None => println!("  signed:     {time}"),
            }
        }
        println!("  integrity:  {}", integrity(s));
        println!(
            "  later changes: {}",
            if s.changed_after_signing {
                "the file was changed after this signature (a later revision)"
            } else {
                "none"
            }
        );
        if let Some(chain) = &s.chain {
            println!("  chain:      {}", chain_text(&Some(chain.clone())));
        }
    }
}
