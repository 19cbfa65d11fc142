//! The desktop's idle lock through the engine the app uses: with a PIN set
//! and the app locked, every command that shows something is refused with
//! `pin_required` (documents first of all) and the PDF process holds none
//! of the person's documents, while sync goes on behind the lock; the right
//! PIN opens it, and a new app on the same profile starts locked.

use anyhow::Result;
use chrono::Utc;
use ecabinet_client::Engine;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_app_shows_nothing_until_the_pin_and_keeps_syncing() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf");
    let document = secretary.add_document(item.id, &demo, None).await?;
    drop(binh);

    // Bình's desktop app on the same profile, no PIN yet: it reads freely.
    let engine = Engine::new(server.profile("Trần Thị Bình"));
    assert!(!engine.status().await?.lock.pin_set);
    engine.background_client().await?.sync().await?;
    let client = engine.client().await?;
    assert_eq!(client.render_page(document.id, 1, 72.0).await?.page, 1);

    let status = engine.set_pin(None, "2468", 5)?;
    assert!(status.pin_set && !status.locked);
    assert!(engine.lock_now().await.locked);

    // Locked: what shows something is refused...
    for refused in [
        engine.client().await.map(|_| ()),
        engine.set_idle_minutes("2468", 10).map(|_| ()),
    ] {
        assert_eq!(
            refused.map_err(|e| e.code().to_owned()),
            Err("pin_required".to_owned())
        );
    }
    // ...while sync goes on: the secretary's new item arrives behind the lock.
    secretary
        .add_agenda_item(meeting.id, "Báo cáo tình hình", None)
        .await?;
    engine.background_client().await?.sync().await?;
    assert!(engine.status().await?.lock.locked);

    let wrong = engine.unlock("1111").expect_err("wrong PIN");
    assert_eq!(wrong.code(), "wrong_pin");
    engine.unlock("2468")?;
    let client = engine.client().await?;
    assert_eq!(client.agenda(meeting.id).await?.items.len(), 2);
    assert_eq!(client.render_page(document.id, 2, 72.0).await?.page, 2);

    // A new app on this profile starts locked.
    let restarted = Engine::new(server.profile("Trần Thị Bình"));
    assert!(restarted.status().await?.lock.locked);
    assert_eq!(
        restarted
            .client()
            .await
            .map(|_| ())
            .map_err(|e| e.code().to_owned()),
        Err("pin_required".to_owned())
    );
    server.stop().await
}
