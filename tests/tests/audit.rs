//! The audit log end to end, on both databases: requests that change state
//! or release protected data are recorded with who made them and how they
//! ended (a refusal with its code); the secretariat reads its
//! organisation's entries, a member only their own; the chain verifies,
//! and a row edited, deleted or moved by hand is named as the first broken
//! entry.

use anyhow::{ensure, Context, Result};
use chrono::Utc;
use ecabinet_domain::api::{AuditEntry, AuditQuery};
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

fn demo_pdf() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf")
}

fn find<'a>(entries: &'a [AuditEntry], action: &str, outcome: &str) -> Option<&'a AuditEntry> {
    entries
        .iter()
        .find(|e| e.action == action && e.outcome == outcome)
}

/// Where verification says the chain breaks (None: it holds).
async fn broken_at(server: &TestServer) -> Result<Option<i64>> {
    Ok(server
        .server
        .services
        .verify_audit(&[])
        .await?
        .err()
        .map(|b| b.seq))
}

async fn scenario(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let document = secretary.add_document(item.id, &demo_pdf(), None).await?;
    binh.sync().await?;
    binh.open_document(document.id).await?;
    // A member may not create a meeting: refused, and recorded as refused.
    let refused = cuong
        .create_meeting("Không được phép", Utc::now())
        .await
        .expect_err("members may not create meetings");
    ensure!(refused.code() == "forbidden", "{refused}");

    let binh_id = binh.summary().person.id;
    let cuong_id = cuong.summary().person.id;

    // Read receipts: Bình's first opening reaches the secretariat with his
    // next sync, once however often he opens it; members may not ask.
    binh.open_document(document.id).await?;
    binh.sync().await?;
    let readers = secretary.document_readers(document.id, None).await?;
    ensure!(
        readers.len() == 1
            && readers[0].person_id == binh_id
            && readers[0].person_name == "Trần Thị Bình",
        "{readers:?}"
    );
    ensure!(readers[0].opened_at <= readers[0].reported_at);
    let refused = cuong
        .document_readers(document.id, None)
        .await
        .expect_err("members may not see who read");
    ensure!(refused.code() == "forbidden", "{refused}");
    let entries = secretary.audit(AuditQuery::default()).await?;
    let key = find(
        &entries,
        "GET /v1/documents/{document}/versions/{version}/key",
        "200",
    )
    .context("Bình's key fetch is recorded")?;
    ensure!(key.person_id == Some(binh_id));
    ensure!(key.object == format!("/v1/documents/{}/versions/1/key", document.id));
    let chunk = find(
        &entries,
        "GET /v1/documents/{document}/versions/{version}/chunks/{index}",
        "200",
    )
    .context("Bình's chunk download is recorded")?;
    ensure!(chunk.person_id == Some(binh_id) && chunk.request_id.is_some());
    let forbidden = entries
        .iter()
        .find(|e| e.action == "op command create_meeting" && e.outcome.starts_with("rejected "))
        .context("Cường's refused command is recorded with its code")?;
    ensure!(forbidden.person_id == Some(cuong_id));
    ensure!(
        find(
            &entries,
            "PUT /v1/documents/{document}/versions/{version}/chunks/{from}/{count}",
            "204"
        )
        .is_some(),
        "the secretary's upload is recorded"
    );
    // Enrolments and sign-ins are in the organisation's log, under their device's owner.
    ensure!(
        entries.iter().any(|e| e.action == "POST /v1/enroll"
            && e.person_id == Some(binh_id)
            && e.outcome == "200"),
        "Bình's enrolment is listed"
    );
    ensure!(
        entries
            .iter()
            .any(|e| e.action == "POST /v1/auth/token" && e.person_id == Some(binh_id)),
        "Bình's sign-in is listed"
    );
    // No entry holds a document's title or text.
    ensure!(!entries
        .iter()
        .any(|e| e.object.contains("Phiên họp") || e.object.contains("Nghị định")));
    let filtered = secretary
        .audit(AuditQuery {
            person: Some(cuong_id),
            ..Default::default()
        })
        .await?;
    ensure!(!filtered.is_empty() && filtered.iter().all(|e| e.person_id == Some(cuong_id)));

    // A member reads the entries about themselves only, whatever they ask.
    let own = binh
        .audit(AuditQuery {
            person: Some(cuong_id),
            ..Default::default()
        })
        .await?;
    ensure!(!own.is_empty() && own.iter().all(|e| e.person_id == Some(binh_id)));

    // The chain holds, with a signed checkpoint.
    let summary = server
        .server
        .services
        .verify_audit(&[])
        .await?
        .map_err(|b| anyhow::anyhow!("{b}"))?;
    ensure!(summary.entries >= entries.len() as i64 && summary.checkpoints >= 1);
    let exported = server.server.services.audit_checkpoints().await?;
    ensure!(server
        .server
        .services
        .verify_audit(&exported)
        .await?
        .is_ok());

    // Edited by hand: the refusal turned into an acceptance.
    let seq = forbidden.seq;
    ensure!(
        server
            .tamper(&format!(
                "UPDATE audit_log SET outcome = 'accepted' WHERE seq = {seq}"
            ))
            .await?
            == 1
    );
    ensure!(
        broken_at(&server).await? == Some(seq),
        "an edited row is named"
    );
    server
        .tamper(&format!(
            "UPDATE audit_log SET outcome = '{}' WHERE seq = {seq}",
            forbidden.outcome
        ))
        .await?;
    ensure!(
        broken_at(&server).await?.is_none(),
        "put back, it holds again"
    );

    // Moved: two rows swap places.
    for statement in [
        "UPDATE audit_log SET seq = -2 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = -2",
    ] {
        server.tamper(statement).await?;
    }
    ensure!(broken_at(&server).await? == Some(2), "a moved row is named");
    for statement in [
        "UPDATE audit_log SET seq = -2 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = -2",
    ] {
        server.tamper(statement).await?;
    }
    ensure!(broken_at(&server).await?.is_none());

    // Deleted.
    server.tamper("DELETE FROM audit_log WHERE seq = 4").await?;
    ensure!(
        broken_at(&server).await? == Some(4),
        "a deleted row is named"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_records_and_catches_hand_edits_on_sqlite() -> Result<()> {
    scenario(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_records_and_catches_hand_edits_on_postgres() -> Result<()> {
    scenario(Backend::Postgres).await
}
