//! `ecab exchange export|import`: document-exchange packages (gói tin) for
//! the national document interconnection axis. Export needs a document
//! with a legal signature (`ecab doc sign`); import checks the package,
//! the signature and the signer before anything is stored.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use ecabinet_client::{Client, ClientError, ExportDetails};
use serde_json::json;

use crate::output::Printer;

#[derive(Subcommand)]
pub enum ExchangeCommand {
    /// Write a signed document (and annexes) as an exchange package.
    Export(Box<ExportArgs>),
    /// Attach a received package to an agenda item, checking it first.
    Import {
        /// The package (goi-tin.zip).
        package: PathBuf,
        /// The agenda item (its id, or the first characters of it).
        #[arg(long)]
        item: String,
        /// Attach it even if this device's trust anchors do not vouch for the signer.
        #[arg(long)]
        accept_untrusted: bool,
    },
}

/// What `ecab exchange export` takes: the document, the file, and what the
/// envelope says that the document does not already carry.
#[derive(Args)]
pub struct ExportArgs {
    /// The document (its id, or the first characters of it).
    document: String,
    /// The package to write (goi-tin.zip).
    #[arg(long)]
    out: PathBuf,
    /// The issuing organisation's code in the national directory (000.00.00.G01).
    #[arg(long)]
    org_code: Option<String>,
    /// The issuing organisation's name.
    #[arg(long)]
    org_name: Option<String>,
    /// The document's number (số).
    #[arg(long)]
    number: Option<String>,
    /// Its symbol (ký hiệu), e.g. NQ-CP.
    #[arg(long)]
    symbol: Option<String>,
    /// Its type (loại văn bản), e.g. "Nghị quyết".
    #[arg(long = "type")]
    document_type: Option<String>,
    /// The issue date (YYYY-MM-DD); default today.
    #[arg(long)]
    issued: Option<NaiveDate>,
    /// Where it was issued, e.g. "Hà Nội".
    #[arg(long)]
    place: Option<String>,
    /// Its subject (trích yếu); default the document's title.
    #[arg(long)]
    subject: Option<String>,
    /// The signer's position (the name comes from the signature).
    #[arg(long)]
    signer_position: Option<String>,
    /// Another document sent with it as an annex (repeatable).
    #[arg(long = "annex")]
    annexes: Vec<String>,
}

pub async fn run(
    profile: &Path,
    command: ExchangeCommand,
    out: &Printer,
) -> Result<(), ClientError> {
    let client = Client::open(profile).await?;
    match command {
        ExchangeCommand::Export(args) => {
            let ExportArgs {
                document,
                out: file,
                org_code,
                org_name,
                number,
                symbol,
                document_type,
                issued,
                place,
                subject,
                signer_position,
                annexes,
            } = *args;
            let id = client.resolve_document(&document).await?;
            let mut annex_ids = Vec::new();
            for annex in &annexes {
                annex_ids.push(client.resolve_document(annex).await?);
            }
            let details = ExportDetails {
                organisation_code: org_code,
                organisation_name: org_name,
                number,
                symbol,
                issued_on: issued,
                place,
                document_type,
                subject,
                signer_position,
                annexes: annex_ids,
            };
            let package = client.export_exchange(id, details).await?;
            ecabinet_client::write_output_file(&file, &package.bytes)?;
            let record = &package.record;
            if out.json_enabled() {
                out.print_json(&json!({
                    "id": id,
                    "file": file,
                    "files": package.files,
                    "bytes": package.bytes.len(),
                    "record": record,
                }));
            } else {
                println!(
                    "Wrote {} ({} file(s), {} KiB): {} {}/{} of {}, signed by {} ({}).",
                    file.display(),
                    package.files,
                    package.bytes.len().div_ceil(1024),
                    record.document_type,
                    record.number,
                    record.symbol,
                    record.issued_on,
                    record.signer_name,
                    record.signer_position
                );
            }
        }
        ExchangeCommand::Import {
            package,
            item,
            accept_untrusted,
        } => {
            let item = client.resolve_agenda_item(&item).await?;
            let bytes = std::fs::read(&package).map_err(|e| ClientError::Io {
                path: package.display().to_string(),
                source: e,
            })?;
            let imported = client
                .import_exchange(item, &bytes, accept_untrusted)
                .await?;
            if out.json_enabled() {
                out.print_json(&json!({
                    "id": imported.main.id,
                    "annexes": imported.annexes.iter().map(|d| d.id).collect::<Vec<_>>(),
                    "record": imported.record,
                    "signatures": imported.signatures,
                }));
            } else {
                let record = &imported.record;
                println!(
                    "Attached {} \"{}\" from {} ({}), with {} annex(es).",
                    imported.main.id,
                    imported.main.title,
                    record.organisation_name,
                    record.organisation_code,
                    imported.annexes.len()
                );
                for annex in &imported.annexes {
                    println!("  annex {} \"{}\"", annex.id, annex.title);
                }
                for signature in &imported.signatures {
                    println!(
                        "  signed by {} — {:?}, {:?}",
                        signature.signer.as_deref().unwrap_or("?"),
                        signature.integrity,
                        signature.trust
                    );
                }
            }
            let waiting = client.sync_status().await?.waiting_to_send;
            if waiting > 0 {
                out.note(&format!(
                    "Saved on this device; {waiting} change(s) wait to be sent: run `ecab sync` when online."
                ));
            }
        }
    }
    client.close().await;
    Ok(())
}
