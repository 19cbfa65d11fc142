//! The minister on a plane: after a sync and a prefetch, the whole pack of the
//! upcoming meeting opens and renders with the server gone.

use anyhow::Result;
use chrono::{Duration, Utc};
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

fn demo_pdf(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo")
        .join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefetched_pack_reads_offline() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;

    // An old meeting (not prefetched) and tomorrow's (prefetched).
    let old = secretary
        .create_meeting("Họp tháng trước", Utc::now() - Duration::days(30))
        .await?;
    let old_item = secretary.add_agenda_item(old.id, "Cũ", None).await?;
    secretary
        .add_document(
            old_item.id,
            &demo_pdf("01-bao-cao-kinh-te-xa-hoi.pdf"),
            None,
        )
        .await?;
    let next = secretary
        .create_meeting("Họp ngày mai", Utc::now() + Duration::days(1))
        .await?;
    let item = secretary.add_agenda_item(next.id, "Đề án", None).await?;
    let big = secretary
        .add_document(item.id, &demo_pdf("03-de-an-chuyen-doi-so.pdf"), None)
        .await?;
    let small = secretary
        .add_document(
            item.id,
            &demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
            None,
        )
        .await?;

    member.sync().await?;
    let mut updates = Vec::new();
    let done = member.prefetch(|p| updates.push(p.clone())).await?;
    assert!(done.finished);
    assert_eq!(
        (
            done.documents_total,
            done.documents_done,
            done.waiting_for_keys
        ),
        (2, 2, 0)
    );
    assert_eq!(done.bytes_done, done.bytes_total);
    assert!(updates.len() >= 3, "progress is reported along the way");
    assert!(
        updates
            .windows(2)
            .all(|w| w[0].bytes_done <= w[1].bytes_done),
        "progress only grows"
    );

    // A second prefetch finds everything cached and downloads nothing.
    let again = member.prefetch(|_| {}).await?;
    assert_eq!(again.bytes_done, again.bytes_total);

    // A member enrolled since has no keys until a secretariat device is next
    // online: prefetch counts those documents as waiting and finishes, with
    // their ciphertext already here, so they open as soon as the keys come.
    let late = server.enrol("Hoàng Văn Em", Role::Member).await?;
    late.sync().await?;
    let waiting = late.prefetch(|_| {}).await?;
    assert!(waiting.finished);
    assert_eq!(
        (
            waiting.documents_done,
            waiting.waiting_for_keys,
            waiting.bytes_done
        ),
        (2, 2, waiting.bytes_total)
    );
    assert!(late.open_document(small.id).await.is_err(), "no key yet");
    secretary.sync().await?;
    late.sync().await?;
    let keyed = late.prefetch(|_| {}).await?;
    assert_eq!((keyed.waiting_for_keys, keyed.documents_done), (0, 2));
    let (fetched, _) = late.open_document(small.id).await?;
    assert_eq!(
        fetched.chunks_downloaded, 0,
        "the ciphertext came before the key"
    );

    // The network goes away: the pack still opens, renders and searches.
    server.server.handle().shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (fetched, _) = member.open_document(big.id).await?;
    assert_eq!(fetched.chunks_downloaded, 0);
    let page = member.render_page(small.id, 1, 72.0).await?;
    assert_eq!(page.page_count, 12);
    assert!(!member.search_document(big.id, "dữ liệu").await?.is_empty());
    // The old meeting's document was not prefetched, so it cannot open offline.
    let old_doc = member.agenda(old.id).await?.documents[0].id;
    assert_eq!(
        member
            .open_document(old_doc)
            .await
            .expect_err("offline")
            .code(),
        "server_unreachable"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_gets_nothing_and_wipes_itself() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    let meeting = secretary
        .create_meeting("Họp ngày mai", Utc::now() + Duration::days(1))
        .await?;
    let item = secretary.add_agenda_item(meeting.id, "Đề án", None).await?;
    let document = secretary
        .add_document(
            item.id,
            &demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
            None,
        )
        .await?;
    member.sync().await?;
    member.prefetch(|_| {}).await?;
    let token = member.session_token().await?;
    let dir = member.profile_dir().to_path_buf();
    assert!(dir.join("cache").exists());
    // The next command (another process, here another engine on the same
    // profile) reuses the sign-in instead of signing in again.
    let kept = std::fs::read(dir.join("sign-in.json"))?;
    let next = ecabinet_client::Client::open(&dir).await?;
    next.sync().await?;
    assert_eq!(next.session_token().await?, token);
    assert_eq!(
        std::fs::read(dir.join("sign-in.json"))?,
        kept,
        "no new sign-in"
    );
    next.close().await;

    // A member may not revoke someone else's device; the secretariat may.
    let other = server.enrol("Lê Văn Cường", Role::Member).await?;
    let refused = other
        .revoke_device(member.summary().device_id)
        .await
        .expect_err("not theirs");
    assert_eq!(refused.code(), "forbidden");
    secretary.revoke_device(member.summary().device_id).await?;

    // The old session gives nothing more: 403 for chunks.
    let url = format!(
        "{}/v1/documents/{}/versions/1/chunks/0",
        server.url(),
        document.id
    );
    let response = reqwest::Client::new()
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(response.status(), 403);

    // At its next contact the device erases its keys, replica and cache,
    // though that contact is made with the sign-in kept from before.
    assert!(dir.join("sign-in.json").exists(), "a sign-in is kept");
    let fresh = ecabinet_client::Client::open(&dir).await?;
    let error = fresh.sync().await.expect_err("revoked");
    assert_eq!(error.code(), "device_revoked");
    assert!(!dir.join("cache").exists(), "cache wiped");
    assert!(!dir.join("device-keys.json").exists(), "keys wiped");
    assert!(!dir.join("replica.sqlite3").exists(), "replica wiped");
    let error = ecabinet_client::Client::open(&dir)
        .await
        .expect_err("revoked profile");
    assert_eq!(error.code(), "device_revoked");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_follows_the_organisations_policy() -> Result<()> {
    let policy = ecabinet_domain::api::DevicePolicy {
        cache_days_after_meeting: 7,
        cache_cap_bytes: 150_000,
        offline_lease_days: 0,
    };
    let server = TestServer::start_full(Backend::Sqlite, false, policy).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    let mut documents = Vec::new();
    for (days, file) in [
        (-10, "01-bao-cao-kinh-te-xa-hoi.pdf"),
        (-2, "02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
        (1, "03-de-an-chuyen-doi-so.pdf"),
    ] {
        let meeting = secretary
            .create_meeting(&format!("Họp {days}"), Utc::now() + Duration::days(days))
            .await?;
        let item = secretary.add_agenda_item(meeting.id, "Mục", None).await?;
        documents.push(
            secretary
                .add_document(item.id, &demo_pdf(file), None)
                .await?,
        );
    }
    member.sync().await?;
    for document in &documents[..2] {
        member.open_document(document.id).await?;
    }
    member.prefetch(|_| {}).await?;
    let cached = |d: &ecabinet_domain::Document| {
        member
            .profile_dir()
            .join("cache")
            .join(d.id.to_string())
            .join("1")
            .exists()
    };

    // After a sync: the meeting of 10 days ago is past the 7-day policy; the
    // one of 2 days ago goes because the cache is over its cap; tomorrow's
    // pack stays even though it alone exceeds the cap.
    member.sync().await?;
    assert!(!cached(&documents[0]), "expired");
    assert!(!cached(&documents[1]), "evicted by the cap");
    assert!(cached(&documents[2]), "upcoming packs are never evicted");
    let report = member.enforce_cache_policy().await?;
    assert_eq!(
        report.removed_versions, 0,
        "a second pass has nothing to do"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_out_of_touch_past_its_lease_locks_its_documents() -> Result<()> {
    let policy = ecabinet_domain::api::DevicePolicy {
        offline_lease_days: 3,
        ..Default::default()
    };
    let server = TestServer::start_full(Backend::Sqlite, false, policy).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let member = server.enrol("Trần Thị Bình", Role::Member).await?;
    let meeting = secretary
        .create_meeting("Họp ngày mai", Utc::now() + Duration::days(1))
        .await?;
    let item = secretary.add_agenda_item(meeting.id, "Mục", None).await?;
    let document = secretary
        .add_document(item.id, &demo_pdf("03-de-an-chuyen-doi-so.pdf"), None)
        .await?;
    member.sync().await?;
    member.open_document(document.id).await?;
    // Rendered once: the PDF thread now holds the document open, and the
    // page is kept among the pages rendered last.
    member.render_page(document.id, 1, 72.0).await?;

    // Four days without reaching the server (the last sync moved back in the replica).
    let replica = member.profile_dir().join("replica.sqlite3");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", replica.display())).await?;
    let long_ago = (Utc::now() - Duration::days(4)).to_rfc3339();
    sqlx::query("UPDATE sync_state SET last_sync = $1")
        .bind(long_ago)
        .execute(&pool)
        .await?;
    pool.close().await;
    let locked = member
        .open_document(document.id)
        .await
        .expect_err("past the lease");
    assert_eq!(locked.code(), "lease_expired", "{locked}");
    assert!(locked.to_string().contains("3 days"), "{locked}");
    // Open on the PDF thread or not, no page is drawn past the lease.
    let locked = member
        .render_page(document.id, 2, 72.0)
        .await
        .expect_err("past the lease, the open document too");
    assert_eq!(locked.code(), "lease_expired", "{locked}");
    // Nor a page rendered a moment ago and kept in memory.
    let locked = member
        .render_page(document.id, 1, 72.0)
        .await
        .expect_err("past the lease, a page kept in memory too");
    assert_eq!(locked.code(), "lease_expired", "{locked}");
    // The cache is kept (ciphertext), and one sync unlocks it.
    assert!(member
        .profile_dir()
        .join("cache")
        .join(document.id.to_string())
        .exists());
    member.sync().await?;
    member.open_document(document.id).await?;
    member.render_page(document.id, 1, 72.0).await?;
    server.stop().await
}
