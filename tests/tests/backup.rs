//! A backup taken while the server runs, in the middle of a vote burst,
//! restores into a new data folder where every ballot receipted before
//! the backup is counted exactly once, ballots cast during it appear at
//! most once, the recount verifies against the server's (restored) key,
//! and the document chunks are there. A damaged file is refused.

use anyhow::{ensure, Context, Result};
use chrono::Utc;
use ecabinet_client::{verify_export, VoteOutcome};
use ecabinet_crypto::b64_encode;
use ecabinet_domain::api::{MotionExportView, OpenMotionRequest, VoterDevice};
use ecabinet_domain::voting::{MajorityBase, MajorityRule};
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};
use ecabinet_server::backup::{backup, restore, BackupError};

const MEMBERS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_in_the_middle_of_a_vote_burst_restores_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_in_the_middle_of_a_vote_burst_restores_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}

/// Every ballot receipted before the backup is counted once after a restore.
async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let database_url = server.database_url.clone();
    let data = server.dir.path().join("server");
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let mut members = Vec::new();
    for n in 0..MEMBERS {
        members.push(
            server
                .enrol(&format!("Thành viên {n}"), Role::Member)
                .await?,
        );
    }
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp (sao lưu)", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let pdf = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/01-bao-cao-kinh-te-xa-hoi.pdf");
    let document = secretary.add_document(item.id, &pdf, None).await?;
    secretary.sync().await?;
    let motion = secretary
        .open_motion(
            item.id,
            &OpenMotionRequest {
                question: "Thông qua dự thảo?".into(),
                options: None,
                rule: MajorityRule::Simple,
                base: MajorityBase::AllMembers,
                quorum: None,
                closes_at: None,
            },
        )
        .await?;
    for member in &members {
        member.sync().await?;
    }
    // Receipted before the backup.
    let first_choice = |n: usize| if n.is_multiple_of(3) { "no" } else { "yes" };
    for (n, member) in members.iter().enumerate() {
        let outcome = member.vote(motion.id, first_choice(n)).await?;
        ensure!(
            matches!(outcome, VoteOutcome::Counted { .. }),
            "{outcome:?}"
        );
    }
    // The burst goes on while the backup is taken: every member changes
    // their vote at the same time.
    let file = server.dir.path().join("ecabinet-backup.tar");
    let burst = futures::future::join_all(members.iter().map(|m| m.vote(motion.id, "abstain")));
    let in_folder = ecabinet_server::blobs::BlobsLocation::DataFolder;
    let (outcomes, manifest) = tokio::join!(
        burst,
        backup(&data, database_url.as_deref(), &in_folder, &file)
    );
    let manifest = manifest.context("the backup while the server runs")?;
    for outcome in outcomes {
        ensure!(matches!(outcome?, VoteOutcome::Counted { .. }));
    }
    ensure!(
        manifest.chunks >= 1,
        "the document's chunks are in it: {manifest:?}"
    );
    server.server.shutdown().await?;

    // Restored into a new folder, and served.
    let restored_dir = tempfile::tempdir()?;
    let restored_data = restored_dir.path().join("restored");
    // A PostgreSQL backup goes into a new, empty database of the cluster.
    let restored_url = match &database_url {
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await?;
            sqlx::query("CREATE DATABASE restored")
                .execute(&pool)
                .await?;
            pool.close().await;
            let (base, _) = url.rsplit_once('/').context("a database URL")?;
            Some(format!("{base}/restored"))
        }
        None => None,
    };
    if restored_url.is_some() {
        ensure!(
            matches!(
                restore(
                    &file,
                    &restored_dir.path().join("no-db"),
                    None,
                    &Default::default()
                )
                .await,
                Err(BackupError::NeedsDatabase)
            ),
            "a PostgreSQL backup needs a database to go into"
        );
    }
    let read = restore(
        &file,
        &restored_data,
        restored_url.as_deref(),
        &Default::default(),
    )
    .await?;
    ensure!(read == manifest);
    ensure!(
        restored_data
            .join("blobs")
            .join(document.id.to_string())
            .join("1")
            .join("0")
            .exists(),
        "the document's first chunk is back"
    );
    let restored = ecabinet_server::start(ecabinet_server::ServeConfig {
        database_url: restored_url.clone(),
        ..ecabinet_server::ServeConfig::loopback(restored_data.clone())
    })
    .await?;
    let store = restored.services.store();
    let closed = store
        .close_motion(motion.id, Utc::now())
        .await?
        .context("the vote is still open in the backup")?;
    let export = store
        .motion_export(motion.id)
        .await?
        .context("the vote's ballots")?;
    // Each member's receipted ballot, exactly once; the burst's, at most once.
    for (n, member) in members.iter().enumerate() {
        let person = member.profile().person.id;
        let of = |choice: &str| {
            export
                .ballots
                .iter()
                .filter(|b| b.ballot.voter == person && b.ballot.choice == choice)
                .count()
        };
        ensure!(
            of(first_choice(n)) == 1,
            "member {n}'s receipted ballot is counted once"
        );
        ensure!(
            of("abstain") <= 1,
            "a ballot of the burst appears at most once"
        );
    }
    let view = MotionExportView {
        motion: closed.clone(),
        ballots: export.ballots.clone(),
        devices: export
            .devices
            .iter()
            .map(|(device_id, person_id, key)| VoterDevice {
                device_id: *device_id,
                person_id: *person_id,
                signing_public_key: b64_encode(key),
            })
            .collect(),
        server_signing_key: b64_encode(&restored.services.server_public_key()),
    };
    let original_key = ecabinet_crypto::b64_decode(&members[0].profile().server_signing_key)?;
    let verification = verify_export(&view, &original_key, None);
    ensure!(
        verification.verified(),
        "the restored server's receipts and tally verify with the key the devices pinned: {verification:?}"
    );
    println!(
        "backup ({}): {} bytes of database, {} chunks; restored tally {:?}",
        manifest.backend,
        manifest.database_bytes,
        manifest.chunks,
        closed.tally.as_ref().map(|t| &t.counts)
    );

    // Not into a folder that holds data; not a file that is not a backup.
    ensure!(matches!(
        restore(
            &file,
            &restored_data,
            restored_url.as_deref(),
            &Default::default(),
        )
        .await,
        Err(BackupError::NotEmpty(_))
    ));
    let junk = restored_dir.path().join("junk.tar");
    std::fs::write(&junk, b"not a backup at all")?;
    ensure!(restore(
        &junk,
        &restored_dir.path().join("other"),
        None,
        &Default::default()
    )
    .await
    .is_err());
    restored.shutdown().await?;
    Ok(())
}
