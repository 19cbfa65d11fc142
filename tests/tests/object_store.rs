//! Document chunks in S3-compatible object storage: a real Garage started
//! by the test (never a mock). Two server instances on one PostgreSQL share
//! one bucket, so a document uploaded through one is read through the
//! other; the bucket holds ciphertext only; an upload resumes from what the
//! bucket holds; a backup lists the bucket and its restore checks it.

use anyhow::{ensure, Context, Result};
use chrono::Utc;
use ecabinet_client::Client;
use ecabinet_domain::Role;
use ecabinet_e2e::garage::Garage;
use ecabinet_e2e::{Backend, TestServer};
use ecabinet_server::backup::{backup, restore, BackupError};
use ecabinet_server::blobs::{BlobsLocation, S3Location};
use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

fn demo_pdf() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf")
}

fn sha256_b64(bytes: &[u8]) -> String {
    ecabinet_crypto::b64_encode(&ecabinet_crypto::sha256(bytes))
}

/// The test's own view of the bucket, behind the servers' backs.
fn bucket(location: &S3Location) -> Result<impl ObjectStore> {
    Ok(AmazonS3Builder::new()
        .with_bucket_name(&location.bucket)
        .with_region(&location.region)
        .with_endpoint(location.endpoint.clone().context("an endpoint")?)
        .with_access_key_id(&location.access_key_id)
        .with_secret_access_key(&location.secret_access_key)
        .with_allow_http(true)
        .build()?)
}

async fn names_under(store: &impl ObjectStore, prefix: &str) -> Result<Vec<String>> {
    let listed: Vec<_> = store
        .list(Some(&ObjectPath::from(prefix)))
        .try_collect()
        .await?;
    let mut names: Vec<String> = listed
        .into_iter()
        .map(|meta| meta.location.to_string())
        .collect();
    names.sort();
    Ok(names)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_share_one_bucket() -> Result<()> {
    let garage = Garage::start().await?;
    let location = garage.location("bo-noi-vu");
    let first = TestServer::start_blobs(
        Backend::Postgres,
        false,
        Default::default(),
        BlobsLocation::S3(location.clone()),
    )
    .await?;
    let other_data = tempfile::tempdir()?;
    let second = ecabinet_server::start(ecabinet_server::ServeConfig {
        database_url: first.database_url.clone(),
        blobs: BlobsLocation::S3(location.clone()),
        ..ecabinet_server::ServeConfig::loopback(other_data.path().join("server"))
    })
    .await?;

    let secretary = first.enrol("Nguyễn Văn An", Role::Secretary).await?;
    // Binh's laptop talks to the second instance only.
    let code = first.invite("Trần Thị Bình", Role::Member).await?;
    let binh = Client::enroll(
        &first.profile("binh"),
        &second.url(),
        &code,
        Some("Trần Thị Bình's laptop"),
    )
    .await?;
    let cuong = first.enrol("Lê Văn Cường", Role::Member).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let original = std::fs::read(demo_pdf())?;
    let small = secretary.add_document(item.id, &demo_pdf(), None).await?;
    let mut large_bytes = b"%PDF-1.7\n".to_vec();
    large_bytes.extend((0..2_600_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let large_path = first.dir.path().join("annex.pdf");
    std::fs::write(&large_path, &large_bytes)?;
    let large = secretary.add_document(item.id, &large_path, None).await?;
    ensure!(large.chunk_count == 3);

    // The chunks are in the bucket under the prefix, ciphertext only, and
    // in neither instance's data folder.
    let store = bucket(&location)?;
    let names = names_under(&store, "bo-noi-vu").await?;
    let mut expected = vec![format!("bo-noi-vu/{}/1/0", small.id)];
    expected.extend((0..3).map(|i| format!("bo-noi-vu/{}/1/{i}", large.id)));
    expected.sort();
    ensure!(names == expected, "the bucket holds {names:?}");
    for name in &names {
        let bytes = store
            .get(&ObjectPath::from(name.as_str()))
            .await?
            .bytes()
            .await?;
        ensure!(
            !bytes.windows(5).any(|w| w == b"%PDF-"),
            "{name} must be ciphertext"
        );
    }
    ensure!(!first.dir.path().join("server/blobs").exists());
    ensure!(!other_data.path().join("server/blobs").exists());

    // Binh, on the other instance, reads both byte for byte.
    binh.sync().await?;
    let (_, plaintext) = binh.open_document(small.id).await?;
    ensure!(plaintext.as_slice() == original.as_slice());
    let (fetched, plaintext) = binh.open_document(large.id).await?;
    ensure!(fetched.chunks_downloaded == 3 && plaintext.as_slice() == large_bytes.as_slice());

    // A chunk altered in the bucket is refused: reads do come from it.
    let third = ObjectPath::from(format!("bo-noi-vu/{}/1/2", large.id));
    let good = store.get(&third).await?.bytes().await?;
    let mut bad = good.to_vec();
    bad[10] ^= 0x01;
    store.put(&third, PutPayload::from(bad)).await?;
    cuong.sync().await?;
    let error = cuong
        .open_document(large.id)
        .await
        .expect_err("an altered chunk");
    ensure!(error.code() == "server_identity", "{error}");
    store.put(&third, PutPayload::from(good)).await?;
    let (_, plaintext) = cuong.open_document(large.id).await?;
    ensure!(plaintext.as_slice() == large_bytes.as_slice());

    // An upload in progress resumes from what the bucket holds, whichever
    // instance received the chunk.
    let token = secretary.session_token().await?;
    let fresh = ecabinet_domain::DocumentId::new();
    let chunk = vec![7u8; 4096];
    let http = reqwest::Client::new();
    let put = http
        .put(format!(
            "{}/v1/documents/{fresh}/versions/1/chunks/0",
            second.url()
        ))
        .bearer_auth(&token)
        .body(chunk.clone())
        .send()
        .await?;
    ensure!(put.status() == 204, "{}", put.status());
    let state: ecabinet_domain::api::UploadState = http
        .get(format!(
            "{}/v1/documents/{fresh}/versions/1/upload",
            first.url()
        ))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    ensure!(!state.published);
    ensure!(state.chunks == vec![(0, sha256_b64(&chunk))], "{state:?}");
    second.shutdown().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_lists_the_bucket_and_its_restore_checks_it() -> Result<()> {
    let garage = Garage::start().await?;
    let location = garage.location("sao-luu");
    let in_bucket = BlobsLocation::S3(location.clone());
    let server = TestServer::start_blobs(
        Backend::Sqlite,
        false,
        Default::default(),
        in_bucket.clone(),
    )
    .await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let document = secretary.add_document(item.id, &demo_pdf(), None).await?;

    let data = server.dir.path().join("server");
    let work = tempfile::tempdir()?;
    let file = work.path().join("ecabinet.tar");
    let manifest = backup(&data, None, &in_bucket, &file).await?;
    ensure!(manifest.blob_store.as_deref() == Some(location.to_string().as_str()));
    ensure!(manifest.chunks == 1, "{manifest:?}");

    // Restored without the bucket: refused, naming it.
    let refused = restore(
        &file,
        &work.path().join("folder"),
        None,
        &Default::default(),
    )
    .await;
    ensure!(
        matches!(&refused, Err(BackupError::NeedsBucket(named)) if named == &location.to_string()),
        "{refused:?}"
    );

    // Restored with it: the server answers Binh as before, on the same address.
    let restored_data = work.path().join("restored");
    ensure!(restore(&file, &restored_data, None, &in_bucket).await? == manifest);
    let address = server.server.local_addr;
    let profiles = server.dir.path().join("profiles");
    let TestServer {
        server: old, dir, ..
    } = server;
    old.shutdown().await?;
    let restored = ecabinet_server::start(ecabinet_server::ServeConfig {
        listen: address,
        blobs: in_bucket.clone(),
        ..ecabinet_server::ServeConfig::loopback(restored_data)
    })
    .await?;
    binh.sync().await?;
    let (_, plaintext) = binh.open_document(document.id).await?;
    ensure!(plaintext.as_slice() == std::fs::read(demo_pdf())?.as_slice());
    restored.shutdown().await?;
    drop((dir, profiles));

    // A chunk gone from the bucket: the restore names it.
    let store = bucket(&location)?;
    let chunk = ObjectPath::from(format!("sao-luu/{}/1/0", document.id));
    store.delete(&chunk).await?;
    let missing = restore(&file, &work.path().join("again"), None, &in_bucket).await;
    ensure!(
        matches!(&missing, Err(BackupError::ChunksMissing { missing: 1, listed: 1, first, .. })
            if first == &format!("{}/1/0", document.id)),
        "{missing:?}"
    );

    // A backup of a server with a blob folder restores into a bucket: the
    // way from one machine to object storage.
    let folder_server = TestServer::start(Backend::Sqlite).await?;
    let secretary = folder_server
        .enrol("Nguyễn Văn An", Role::Secretary)
        .await?;
    let meeting = secretary.create_meeting("Phiên họp", Utc::now()).await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo Nghị định", None)
        .await?;
    let moved = secretary.add_document(item.id, &demo_pdf(), None).await?;
    let folder_file = work.path().join("folder.tar");
    let folder_manifest = backup(
        &folder_server.dir.path().join("server"),
        None,
        &Default::default(),
        &folder_file,
    )
    .await?;
    ensure!(folder_manifest.blob_store.is_none() && folder_manifest.chunks == 1);
    let migrated = BlobsLocation::S3(garage.location("chuyen-sang"));
    restore(&folder_file, &work.path().join("migrated"), None, &migrated).await?;
    ensure!(
        names_under(&store, "chuyen-sang").await? == vec![format!("chuyen-sang/{}/1/0", moved.id)]
    );
    ensure!(
        !work.path().join("migrated/blobs").exists(),
        "the chunks went to the bucket, not the folder"
    );
    Ok(())
}
