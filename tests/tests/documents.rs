//! Documents end to end, on both databases: the secretary seals and publishes
//! PDFs; members fetch, verify and decrypt them; the server holds ciphertext
//! only; tampered chunks, missing keys and members' uploads are refused.

use anyhow::Result;
use chrono::Utc;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

fn sha256_b64(bytes: &[u8]) -> String {
    use base64::Engine;
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

fn demo_pdf() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf")
}

async fn documents(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;

    // A real demo PDF, and a larger one that spans several chunks.
    let original = std::fs::read(demo_pdf())?;
    let small = secretary
        .add_document(item.id, &demo_pdf(), Some("Dự thảo Nghị định"))
        .await?;
    assert_eq!((small.size, small.chunk_count), (original.len() as u64, 1));
    let mut large_bytes = b"%PDF-1.7\n".to_vec();
    large_bytes.extend((0..2_600_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let large_path = server.dir.path().join("annex.pdf");
    std::fs::write(&large_path, &large_bytes)?;
    let large = secretary.add_document(item.id, &large_path, None).await?;
    assert_eq!(large.chunk_count, 3);
    assert_eq!(large.title, "annex");

    // The server's blob folder holds no plaintext.
    let blobs = server.dir.path().join("server/blobs");
    let stored = std::fs::read(blobs.join(small.id.to_string()).join("1").join("0"))?;
    assert!(
        !stored.windows(5).any(|w| w == b"%PDF-"),
        "the server must only hold ciphertext"
    );

    // Both members sync, see both documents under the item, and open them.
    for member in [&binh, &cuong] {
        member.sync().await?;
        let view = member.agenda(meeting.id).await?;
        assert_eq!(view.documents.len(), 2);
        assert!(view.documents.iter().all(|d| d.agenda_item_id == item.id));
    }
    let (fetched, plaintext) = binh.open_document(small.id).await?;
    assert_eq!(plaintext.as_slice(), original.as_slice());
    assert_eq!(fetched.sha256, sha256_b64(&original));
    assert_eq!(fetched.chunks_downloaded, 1);
    let (again, _) = binh.open_document(small.id).await?;
    assert_eq!(
        again.chunks_downloaded, 0,
        "the second opening comes from the encrypted cache"
    );

    // Reading: PDFium renders from the decrypted bytes in memory, watermarked for the viewer.
    let page = binh.render_page(small.id, 1, 100.0).await?;
    assert_eq!(page.page_count, 12);
    assert!(page.png.starts_with(b"\x89PNG"));
    assert!(
        page.watermark.contains("Trần Thị Bình"),
        "{}",
        page.watermark
    );
    assert!(
        page.watermark.contains("Trần Thị Bình's laptop"),
        "{}",
        page.watermark
    );
    assert!(binh
        .page_text(small.id, 1)
        .await?
        .contains("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    let hits = binh.search_document(small.id, "Chữ ký số").await?;
    assert!(!hits.is_empty() && hits.iter().all(|h| (1..=12).contains(&h.page)));
    let error = binh
        .render_page(small.id, 13, 100.0)
        .await
        .expect_err("no page 13");
    assert_eq!(error.code(), "invalid_argument");

    // A chunk altered on the server is refused, and nothing is returned (the
    // server keeps in memory only chunks that match their manifest, so the
    // repaired chunk is served next).
    let chunk_path = blobs.join(large.id.to_string()).join("1").join("2");
    let good = std::fs::read(&chunk_path)?;
    let mut bad = good.clone();
    bad[10] ^= 0x01;
    std::fs::write(&chunk_path, &bad)?;
    // Publishing left the chunks it checked in the server's memory (on the
    // embedded database; several instances on PostgreSQL read them back):
    // the altered file is what a restarted server would read.
    if backend == Backend::Sqlite {
        let served = cuong.open_document(large.id).await?;
        assert_eq!(served.0.sha256, sha256_b64(&large_bytes), "from memory");
        std::fs::remove_dir_all(cuong.profile_dir().join("cache").join(large.id.to_string()))?;
    }
    server.server.services.forget_chunks_in_memory();
    // Prefetch asks for the three chunks as one run; the bad one, met
    // after two good ones, is refused (the good ones are kept).
    let error = cuong
        .prefetch(|_| {})
        .await
        .expect_err("tampered chunk in a run");
    assert_eq!(error.code(), "server_identity", "{error}");
    // Chunks are written as they arrive, into temporary files: the refused
    // one leaves nothing in the cache, the two before it are kept (beside
    // this device's wrapped key).
    let cuong_cache = cuong
        .profile_dir()
        .join("cache")
        .join(large.id.to_string())
        .join("1");
    let mut names: Vec<String> = std::fs::read_dir(&cuong_cache)?
        .map(|entry| Ok(entry?.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()?;
    names.sort();
    assert_eq!(names, ["0.sealed", "1.sealed", "key.json"], "{names:?}");
    let error = cuong
        .open_document(large.id)
        .await
        .expect_err("tampered chunk");
    assert_eq!(error.code(), "server_identity", "{error}");
    std::fs::write(&chunk_path, &good)?;
    let (fetched, _) = cuong.open_document(large.id).await?;
    assert_eq!(fetched.sha256, sha256_b64(&large_bytes));

    let (fetched, plaintext) = binh.open_document(large.id).await?;
    assert_eq!(plaintext.as_slice(), large_bytes.as_slice());
    assert_eq!(fetched.chunks_downloaded, 3);
    // The cache holds only ciphertext; losing one chunk (a killed download) costs one chunk.
    let cache = binh
        .profile_dir()
        .join("cache")
        .join(large.id.to_string())
        .join("1");
    for entry in std::fs::read_dir(&cache)? {
        let bytes = std::fs::read(entry?.path())?;
        assert!(
            !bytes.windows(9).any(|w| w == b"%PDF-1.7\n"),
            "cache must hold ciphertext only"
        );
    }
    std::fs::remove_file(cache.join("1.sealed"))?;
    let (resumed, plaintext) = binh.open_document(large.id).await?;
    assert_eq!(resumed.chunks_downloaded, 1);
    assert_eq!(
        plaintext.as_slice(),
        large_bytes.as_slice(),
        "byte-identical after resuming"
    );

    // Prefetch asks for runs of consecutive chunks, only the missing ones:
    // with chunk 1 cached, chunks 0 and 2 come as two runs of one.
    std::fs::remove_file(cache.join("0.sealed"))?;
    std::fs::remove_file(cache.join("2.sealed"))?;
    let progress = binh.prefetch(|_| {}).await?;
    assert!(progress.finished && progress.bytes_done == progress.bytes_total);
    let (reopened, plaintext) = binh.open_document(large.id).await?;
    assert_eq!(reopened.chunks_downloaded, 0, "all three came by prefetch");
    assert_eq!(plaintext.as_slice(), large_bytes.as_slice());

    // A run over HTTP: the sealed chunks back to back, as cached.
    let sealed: Vec<Vec<u8>> = (0..3)
        .map(|i| std::fs::read(cache.join(format!("{i}.sealed"))))
        .collect::<Result<_, _>>()?;
    let token = binh.session_token().await?;
    let http = reqwest::Client::new();
    let run = |from: u32, count: u32| {
        http.get(format!(
            "{}/v1/documents/{}/versions/1/chunks/{from}/{count}",
            server.url().trim_end_matches('/'),
            large.id
        ))
        .bearer_auth(&token)
        .send()
    };
    assert_eq!(run(0, 3).await?.bytes().await?.as_ref(), sealed.concat());
    assert_eq!(
        run(1, 2).await?.bytes().await?.as_ref(),
        sealed[1..].concat()
    );
    for (from, count, status) in [(1, 3, 404), (3, 1, 404), (0, 0, 400), (0, 17, 400)] {
        let answer = run(from, count).await?;
        assert_eq!(answer.status().as_u16(), status, "chunks {from}+{count}");
    }
    // The secretary's uploads come in runs too (add_document above): a
    // body that is not `count` chunks long is refused, a published
    // version cannot change.
    let token = secretary.session_token().await?;
    let upload = |count: u32, body: Vec<u8>| {
        http.put(format!(
            "{}/v1/documents/{}/versions/1/chunks/0/{count}",
            server.url().trim_end_matches('/'),
            large.id
        ))
        .bearer_auth(&token)
        .body(body)
        .send()
    };
    for (count, body, status) in [
        (2, sealed[2].clone(), 400),
        (3, [sealed[0].clone(), sealed[2].clone()].concat(), 400),
        (3, sealed.concat(), 409),
    ] {
        let answer = upload(count, body).await?;
        assert_eq!(answer.status().as_u16(), status, "a run of {count}");
    }

    // A member enrolled after publication has no key yet, and is told so.
    let dung = server.enrol("Phạm Thị Dung", Role::Member).await?;
    dung.sync().await?;
    let error = dung.open_document(small.id).await.expect_err("no key yet");
    assert_eq!(error.code(), "no_key");
    // The next time a secretariat device syncs, it wraps the keys for Dung's device.
    let report = secretary.sync().await?;
    assert_eq!(report.keys_distributed, 2, "one key per published document");
    let (fetched, plaintext) = dung.open_document(small.id).await?;
    assert_eq!(plaintext.as_slice(), original.as_slice());
    assert_eq!(fetched.sha256, sha256_b64(&original));
    assert_eq!(
        secretary.sync().await?.keys_distributed,
        0,
        "nothing left to send"
    );
    // Members have no say in key distribution.
    assert_eq!(binh.distribute_keys().await?, 0);

    // A revision reaches every member, is marked until opened, and keeps history.
    let revised_path = server.dir.path().join("revised.pdf");
    let mut revised_bytes = original.clone();
    revised_bytes.extend_from_slice(b"\n% revision 2\n");
    std::fs::write(&revised_path, &revised_bytes)?;
    let v2 = secretary
        .revise_document(small.id, &revised_path, None)
        .await?;
    assert_eq!(
        (v2.id, v2.version, v2.title.as_str()),
        (small.id, 2, "Dự thảo Nghị định")
    );
    for member in [&binh, &cuong, &dung] {
        member.sync().await?;
        let view = member.agenda(meeting.id).await?;
        let shown = view
            .documents
            .iter()
            .find(|d| d.id == small.id)
            .expect("still listed");
        assert_eq!(shown.version, 2);
        assert_eq!(
            view.revised,
            vec![small.id],
            "marked as revised until opened"
        );
        let (fetched, plaintext) = member.open_document(small.id).await?;
        assert_eq!(
            (fetched.version, plaintext.as_slice()),
            (2, revised_bytes.as_slice())
        );
        assert!(
            member.agenda(meeting.id).await?.revised.is_empty(),
            "opened: no longer marked"
        );
        let history = member.document_history(small.id).await?;
        assert_eq!(
            history.iter().map(|d| d.version).collect::<Vec<_>>(),
            vec![1, 2]
        );
        let (old, _) = member.open_document_version(small.id, 1).await?;
        assert_eq!(old.sha256, sha256_b64(&original));
    }

    // Members cannot publish; non-PDFs are refused before any upload.
    let error = binh
        .add_document(item.id, &demo_pdf(), None)
        .await
        .expect_err("members may not publish");
    assert_eq!(error.code(), "forbidden");
    let text = server.dir.path().join("notes.txt");
    std::fs::write(&text, "not a pdf")?;
    let error = secretary
        .add_document(item.id, &text, None)
        .await
        .expect_err("not a PDF");
    assert_eq!(error.code(), "invalid_argument");
    // A "PDF" that PDFium cannot read is an error, not a crash.
    let error = binh
        .render_page(large.id, 1, 100.0)
        .await
        .expect_err("garbage after the header");
    assert_eq!(error.code(), "pdf", "{error}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_on_sqlite() -> Result<()> {
    documents(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_on_postgres() -> Result<()> {
    documents(Backend::Postgres).await
}

/// A scan of several megabytes is read a chunk at a time: a page draws from
/// the chunks it needs; a chunk tampered with in the cache after the
/// document was opened is caught when a page reaches it (and dropped, and
/// fetched again on the next try).
async fn big_scans(backend: Backend) -> Result<()> {
    let server = TestServer::start(backend).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Tờ trình (bản ký)", None)
        .await?;
    // Four pages of about 1.2 MB each: five chunks of 1 MiB.
    let scan = ecabinet_e2e::scans::scanned_pdf(4, 640, 640, 7);
    let path = server.dir.path().join("to-trinh-ban-ky.pdf");
    std::fs::write(&path, &scan)?;
    let document = secretary.add_document(item.id, &path, None).await?;
    assert_eq!(document.chunk_count, 5);
    // Online, the chunks went up as they were sealed, in one run; the push
    // that published them did not ask the server what it held.
    let entries = secretary
        .audit(ecabinet_domain::api::AuditQuery::default())
        .await?;
    let about = |action: &str| {
        entries
            .iter()
            .filter(|e| e.action == action && e.object.contains(&document.id.to_string()))
            .map(|e| {
                (
                    e.object
                        .rsplit("versions/1/")
                        .next()
                        .unwrap_or("")
                        .to_owned(),
                    e.outcome.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        about("PUT /v1/documents/{document}/versions/{version}/chunks/{from}/{count}"),
        [("chunks/0/5".to_owned(), "204".to_owned())]
    );
    assert_eq!(
        about("GET /v1/documents/{document}/versions/{version}/upload"),
        []
    );

    // A member who has not downloaded it: page 1 fetches the chunks page 1
    // needs (and the cross-reference at the end), not the third page's scan.
    let cuong = server.enrol("Lê Văn Cường", Role::Member).await?;
    secretary.sync().await?;
    cuong.sync().await?;
    let first = cuong.render_page(document.id, 1, 72.0).await?;
    assert_eq!((first.page_count, first.width, first.height), (4, 595, 842));
    let cuong_cache = cuong
        .profile_dir()
        .join("cache")
        .join(document.id.to_string())
        .join("1");
    let held = |dir: &std::path::Path| {
        (0..5)
            .filter(|i| dir.join(format!("{i}.sealed")).exists())
            .collect::<Vec<_>>()
    };
    let after_first = held(&cuong_cache);
    assert!(
        after_first.contains(&0) && after_first.contains(&4) && !after_first.contains(&3),
        "page 1 fetched chunks {after_first:?}"
    );
    let fourth = cuong.render_page(document.id, 4, 72.0).await?;
    assert_eq!(fourth.page, 4);
    assert!(held(&cuong_cache).contains(&3), "page 4's scan was fetched");

    binh.sync().await?;
    binh.prefetch(|_| {}).await?;
    let first = binh.render_page(document.id, 1, 72.0).await?;
    assert_eq!(first.page_count, 4);

    // Chunks 2 and 3 (the third page's scan) are altered in the cache.
    let cache = binh
        .profile_dir()
        .join("cache")
        .join(document.id.to_string())
        .join("1");
    for index in [2, 3] {
        let file = cache.join(format!("{index}.sealed"));
        let mut sealed = std::fs::read(&file)?;
        sealed[1000] ^= 0x40;
        std::fs::write(&file, sealed)?;
    }
    let refused = binh
        .render_page(document.id, 3, 72.0)
        .await
        .expect_err("a tampered chunk");
    assert_eq!(refused.code(), "server_identity", "{refused}");
    assert!(
        refused
            .to_string()
            .contains("does not match its signed manifest"),
        "{refused}"
    );
    assert!(
        !cache.join("2.sealed").exists() || !cache.join("3.sealed").exists(),
        "the bad chunk is dropped from the cache"
    );
    // The next try fetches what was dropped and draws the page.
    let third = binh.render_page(document.id, 3, 72.0).await?;
    assert_eq!(third.page, 3);
    let (_, plaintext) = binh.open_document(document.id).await?;
    assert_eq!(plaintext.as_slice(), scan.as_slice());
    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_scans_on_sqlite() -> Result<()> {
    big_scans(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_scans_on_postgres() -> Result<()> {
    big_scans(Backend::Postgres).await
}
