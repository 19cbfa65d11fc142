//! `ecabinet-server`: run the server, or issue an enrolment code.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use ecabinet_domain::Role;
use ecabinet_server::blobs::BlobsLocation;
use ecabinet_server::serve::open_services;
use ecabinet_server::{start, ServeConfig, TlsFiles, VoiceConfig};

#[derive(Parser)]
#[command(name = "ecabinet-server", version, about = "eCabinet's central server")]
struct Cli {
    /// How the log (stderr) is written: text for people, json for a collector.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "ECABINET_LOG_FORMAT")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
struct StoreArgs {
    /// Data folder (embedded database and document blobs).
    #[arg(long, env = "ECABINET_DATA", default_value_os_t = default_data_dir())]
    data: PathBuf,
    /// Use PostgreSQL instead of the embedded SQLite, e.g. postgres://user@host/ecabinet.
    #[arg(long, env = "ECABINET_DATABASE_URL")]
    database_url: Option<String>,
    #[command(flatten)]
    blobs: BlobsArg,
}

#[derive(clap::Args)]
struct BlobsArg {
    /// Where document chunks are kept: a folder (default: DATA/blobs), or
    /// an S3-compatible bucket shared by several instances,
    /// s3://BUCKET[/PREFIX]?endpoint=https://…[&region=R], with the key in
    /// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
    #[arg(long = "blobs", env = "ECABINET_BLOBS", value_parser = parse_blobs)]
    location: Option<BlobsLocation>,
}

impl BlobsArg {
    fn location(&self) -> BlobsLocation {
        self.location.clone().unwrap_or_default()
    }
}

fn parse_blobs(given: &str) -> Result<BlobsLocation, String> {
    BlobsLocation::parse(given).map_err(|e| e.to_string())
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        /// Address to listen on; port 0 picks a free port (the real one is printed).
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// PEM certificate chain; required (with --tls-key) off loopback.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Seed a demo organisation, people and meeting on first start.
        #[arg(long)]
        demo: bool,
        /// Devices erase a meeting's documents this many days after it.
        #[arg(long, default_value_t = 30)]
        cache_days: u32,
        /// The most each device keeps in its document cache, in MiB.
        #[arg(long, default_value_t = 4096)]
        cache_cap_mb: u64,
        /// A device that has not reached the server for this many days
        /// locks its documents until it does (0: never).
        #[arg(long, default_value_t = 14)]
        offline_lease_days: u32,
        /// Voices each member can hear at once through the server (the
        /// member with the floor, the chair, and those the chair opens).
        #[arg(long, default_value_t = ecabinet_voice::DEFAULT_SLOTS)]
        voice_slots: usize,
        /// The address members send voice to (UDP, a port per member); by
        /// default the address the server listens on.
        #[arg(long)]
        voice_address: Option<std::net::IpAddr>,
        /// Lets a monitoring system on another machine read /metrics with
        /// `Authorization: Bearer TOKEN` (this machine needs none).
        #[arg(long, env = "ECABINET_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
    },
    /// Revoke a device (a lost or stolen laptop): it gets nothing more and wipes itself at next contact.
    Revoke {
        #[command(flatten)]
        store: StoreArgs,
        /// The device's id (the server logs every enrolment with it; `ecab status` shows it on the device).
        #[arg(long)]
        device: ecabinet_domain::DeviceId,
    },
    /// Back up the data folder into one file, while the server runs: a
    /// snapshot of the embedded database and the document blobs.
    Backup {
        #[command(flatten)]
        store: StoreArgs,
        /// The backup file to write (e.g. ecabinet-2026-12-07.tar).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into a new data folder (absent or empty), then
    /// serve it with `serve --data`.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// The new data folder.
        #[arg(long)]
        data: PathBuf,
        /// For a PostgreSQL backup: the empty database to restore it into.
        #[arg(long, env = "ECABINET_DATABASE_URL")]
        database_url: Option<String>,
        #[command(flatten)]
        blobs: BlobsArg,
    },
    /// The hash-chained audit log: verify it, or export its signed checkpoints.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print a one-time enrolment code for a new person, or a new device of an existing person.
    Invite {
        #[command(flatten)]
        store: StoreArgs,
        /// The new person's name.
        #[arg(
            long,
            required_unless_present = "person",
            conflicts_with = "person",
            requires = "role"
        )]
        name: Option<String>,
        /// The new person's role: secretary or member.
        #[arg(long)]
        role: Option<Role>,
        /// An existing person (id or exact name) who is adding a device.
        #[arg(long)]
        person: Option<String>,
        /// Name of the organisation, if this server has none yet.
        #[arg(long, default_value = "eCabinet")]
        organisation: String,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-check every entry's hash and every checkpoint's signature; names
    /// the first broken entry (exit status 1) if a row was edited, deleted
    /// or moved.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        /// Checkpoints exported earlier (`audit checkpoints --out`): the log
        /// must still hold them, or its history was rewritten.
        #[arg(long)]
        against: Option<PathBuf>,
    },
    /// Export the signed checkpoints (JSON), for an outside party to keep.
    Checkpoints {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        out: PathBuf,
    },
}

fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("ecabinet")
        .join("server")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The WebRTC stack of the voice forwarding warns of things that are
    // normal on a LAN (no DTLS server name, checks before the answer).
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        "info,sqlx=warn,tower_http=info,rtc=error,rtc_dtls=error,rtc_ice=error,rtc_srtp=error,webrtc=error"
            .into()
    });
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        // One JSON object per line, the request's span (and its id) included:
        // for a log collector.
        LogFormat::Json => log.json().with_current_span(true).init(),
        LogFormat::Text => log.init(),
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            store,
            listen,
            tls_cert,
            tls_key,
            demo,
            cache_days,
            cache_cap_mb,
            offline_lease_days,
            voice_slots,
            voice_address,
            metrics_token,
        } => {
            let tls = tls_cert
                .zip(tls_key)
                .map(|(cert, key)| TlsFiles { cert, key });
            let server = start(ServeConfig {
                data_dir: store.data.clone(),
                listen,
                database_url: store.database_url,
                tls,
                demo,
                policy: ecabinet_domain::api::DevicePolicy {
                    cache_days_after_meeting: cache_days,
                    cache_cap_bytes: cache_cap_mb * 1024 * 1024,
                    offline_lease_days,
                },
                voice: VoiceConfig {
                    slots: voice_slots,
                    address: voice_address,
                },
                metrics_token,
                blobs: store.blobs.location(),
            })
            .await?;
            println!("eCabinet server listening on {}", server.url());
            println!("data folder: {}", store.data.display());
            if let BlobsLocation::S3(bucket) = store.blobs.location() {
                println!("document chunks: {bucket}");
            }
            let handle = server.handle();
            tokio::spawn(async move {
                shutdown_signal().await;
                tracing::info!("shutting down");
                handle.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
            });
            server.wait().await.context("the server stopped")?;
            Ok(())
        }
        Command::Revoke { store, device } => {
            let services = open_services(
                &store.data,
                store.database_url.as_deref(),
                &store.blobs.location(),
            )
            .await?;
            services.revoke_device(None, device).await?;
            services.audit_action("revoke", device.to_string()).await?;
            println!("Device {device} is revoked. It receives nothing more and wipes its cache at its next contact.");
            Ok(())
        }
        Command::Invite {
            store,
            name,
            role,
            person,
            organisation,
            json,
        } => {
            let services = open_services(
                &store.data,
                store.database_url.as_deref(),
                &store.blobs.location(),
            )
            .await?;
            let person = match (person, name, role) {
                (Some(existing), _, _) => services.find_person(&existing).await?,
                (None, Some(name), Some(role)) => {
                    services.ensure_organisation(&organisation).await?;
                    services.create_person(&name, role).await?
                }
                _ => anyhow::bail!(
                    "give --name and --role for a new person, or --person for an existing one"
                ),
            };
            let invite = services.issue_invite(person).await?;
            if json {
                let value = serde_json::json!({
                    "id": invite.person.id,
                    "person": invite.person,
                    "code": invite.code.to_string(),
                    "expires_at": invite.expires_at,
                });
                println!("{value}");
            } else {
                println!(
                    "Enrolment code for {} ({}): {}",
                    invite.person.name, invite.person.role, invite.code
                );
                println!(
                    "It works once, until {}. On the device: ecab enroll --server URL --code {}",
                    invite.expires_at.format("%Y-%m-%d %H:%M UTC"),
                    invite.code
                );
            }
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { store, against },
        } => {
            let exported: Vec<ecabinet_server::audit::Checkpoint> = match &against {
                Some(path) => serde_json::from_slice(
                    &std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
                )
                .with_context(|| {
                    format!("{} is not an exported list of checkpoints", path.display())
                })?,
                None => Vec::new(),
            };
            let services = open_services(
                &store.data,
                store.database_url.as_deref(),
                &store.blobs.location(),
            )
            .await?;
            match services.verify_audit(&exported).await? {
                Ok(summary) => {
                    println!(
                        "the audit log holds: {} entries, {} signed checkpoints{}",
                        summary.entries,
                        summary.checkpoints,
                        if against.is_some() {
                            format!(", and the {} exported checkpoints", exported.len())
                        } else {
                            String::new()
                        }
                    );
                    Ok(())
                }
                Err(broken) => anyhow::bail!("{broken}"),
            }
        }
        Command::Audit {
            command: AuditCommand::Checkpoints { store, out },
        } => {
            let services = open_services(
                &store.data,
                store.database_url.as_deref(),
                &store.blobs.location(),
            )
            .await?;
            let checkpoints = services.audit_checkpoints().await?;
            std::fs::write(&out, serde_json::to_vec_pretty(&checkpoints)?)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{} signed checkpoints written to {}",
                checkpoints.len(),
                out.display()
            );
            Ok(())
        }
        Command::Backup { store, out } => {
            let manifest = ecabinet_server::backup::backup(
                &store.data,
                store.database_url.as_deref(),
                &store.blobs.location(),
                &out,
            )
            .await?;
            // Recorded in the live log (the backup holds the log as it was).
            open_services(
                &store.data,
                store.database_url.as_deref(),
                &store.blobs.location(),
            )
            .await?
            .audit_action("backup", out.display().to_string())
            .await?;
            println!(
                "backed up {} ({} database, {} bytes; {} document chunks) into {}",
                store.data.display(),
                manifest.backend,
                manifest.database_bytes,
                manifest.chunks,
                out.display()
            );
            Ok(())
        }
        Command::Restore {
            from,
            data,
            database_url,
            blobs,
        } => {
            let manifest = ecabinet_server::backup::restore(
                &from,
                &data,
                database_url.as_deref(),
                &blobs.location(),
            )
            .await?;
            println!(
                "restored the backup of {} ({} document chunks) into {}; serve it with: ecabinet-server serve --data {}",
                manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                manifest.chunks,
                data.display(),
                data.display()
            );
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
