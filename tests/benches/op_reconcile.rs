//! Benchmark: the server reconciling 10,000 offline annotation ops from 50
//! devices (signature check per batch, authorisation, one durable group
//! commit on SQLite, an answer per op), against automerge-rs merging the
//! same logical edits as map changes, in the same run; bytes on the wire per
//! op against automerge's sync messages; and a cold client pulling 50,000
//! ops (round trips per 10,000 and time to be current).
//!
//! The workload: each of the 50 devices makes 20 notes shared with the
//! participants; each note is created, re-worded four times, recoloured
//! twice, moved twice and deleted (10 ops), with short Vietnamese texts.
//!
//! Run: ./scripts/bench (or cargo bench -p ecabinet-e2e --bench op_reconcile)

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use automerge::sync::{self, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ReadDoc, Value, ROOT};
use chrono::Utc;
use ecabinet_crypto::{b64_encode, seal_with_nonce, sha256, ContentKey, DeviceKeys};
use ecabinet_domain::annotation::{Anchor, AnnotationFields, AnnotationKind, PageRect};
use ecabinet_domain::api::EnrollRequest;
use ecabinet_domain::ops::{
    push_signing_message, AnnotationOp, Bytes, DocumentRef, Hlc, Op, OpBody, OpResult,
    PersonKeyWrap, PushBatch, ShareScope,
};
use ecabinet_domain::{wire, AnnotationId, OpId, PersonKeyId, Role};
use ecabinet_e2e::{Backend, TestServer};
use ecabinet_server::services::{Caller, Services};

const DEVICES: usize = 50;
const OPS_PER_DEVICE: usize = 200;
const EDITS_PER_NOTE: usize = 10;
const ROUNDS: usize = 12;

struct BenchDevice {
    keys: DeviceKeys,
    caller: Caller,
    seq: u64,
}

/// What one edit changes. The workload mixes them as a member's marking-up
/// does: a note is made, its text revised, recoloured, moved, finally deleted.
#[derive(Clone)]
enum Change {
    Create(String),
    Text(String),
    Colour(&'static str),
    Move(u32),
    Delete,
}

/// One logical edit, as both systems receive it.
#[derive(Clone)]
struct Edit {
    annotation: AnnotationId,
    change: Change,
}

/// Notes as ministers write them: short, in Vietnamese.
const PHRASES: [&str; 8] = [
    "Đồng ý",
    "Xem lại khoản 2",
    "Hỏi Bộ Tư pháp về điều 5",
    "Số liệu chưa khớp với báo cáo quý III",
    "Cần thêm ý kiến Bộ Tài chính",
    "Không đồng ý mức phạt",
    "Đề nghị bỏ điểm c",
    "Bổ sung lộ trình thực hiện",
];

fn edits(device: usize, round: usize) -> Vec<Edit> {
    let notes = OPS_PER_DEVICE / EDITS_PER_NOTE;
    let mut out = Vec::with_capacity(OPS_PER_DEVICE);
    for note in 0..notes {
        let annotation = AnnotationId::new();
        let phrase = |k: usize| PHRASES[(device + note + k + round) % PHRASES.len()].to_owned();
        let script = [
            Change::Create(phrase(0)),
            Change::Text(phrase(1)),
            Change::Colour("green"),
            Change::Move(2),
            Change::Text(phrase(2)),
            Change::Colour("pink"),
            Change::Text(phrase(3)),
            Change::Move(3),
            Change::Text(phrase(4)),
            Change::Delete,
        ];
        out.extend(
            script
                .into_iter()
                .take(EDITS_PER_NOTE)
                .map(|change| Edit { annotation, change }),
        );
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Builds a device's sealed ops and its signed, packed push, as its client would.
fn build_push(device: &mut BenchDevice, document: DocumentRef, edits: &[Edit]) -> Result<Vec<u8>> {
    let key = ContentKey::generate()?;
    let mut ops = Vec::with_capacity(edits.len());
    let now = u64::try_from(Utc::now().timestamp_millis())?;
    for (index, edit) in edits.iter().enumerate() {
        device.seq += 1;
        let id = OpId::new();
        let create = matches!(edit.change, Change::Create(_));
        let anchor = |page| Anchor {
            version: document.version,
            page,
            rects: vec![PageRect {
                x: 0.12,
                y: 0.3,
                width: 0.5,
                height: 0.03,
            }],
            quote: String::new(),
            before: String::new(),
            after: String::new(),
        };
        let fields = match &edit.change {
            Change::Create(text) => AnnotationFields {
                kind: Some(AnnotationKind::Note),
                anchor: Some(anchor(1)),
                colour: Some("yellow".to_owned()),
                text: Some(text.clone()),
                ..Default::default()
            },
            Change::Text(text) => AnnotationFields {
                text: Some(text.clone()),
                ..Default::default()
            },
            Change::Colour(colour) => AnnotationFields {
                colour: Some((*colour).to_owned()),
                ..Default::default()
            },
            Change::Move(page) => AnnotationFields {
                anchor: Some(anchor(*page)),
                ..Default::default()
            },
            Change::Delete => AnnotationFields {
                deleted: Some(true),
                ..Default::default()
            },
        };
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(&id.0.as_bytes()[4..]);
        let sealed = seal_with_nonce(&key, nonce, id.0.as_bytes(), &fields.encode()?)?;
        ops.push(Op {
            id,
            device_id: device.caller.device,
            device_seq: device.seq,
            hlc: Hlc::new(now, index as u16),
            body: OpBody::Annotation(AnnotationOp {
                annotation_id: edit.annotation,
                document: create.then_some(document),
                share: create.then_some(ShareScope::Participants),
                person_wrap: create.then(|| PersonKeyWrap {
                    person_key_id: PersonKeyId::new(),
                    sealed: Bytes(vec![7; 60]),
                }),
                share_wrap: create.then(|| Bytes(vec![9; 60])),
                sealed: Bytes(sealed),
            }),
        });
    }
    let encoded = wire::encode_ops(&ops)?;
    let signature = device.keys.signing.sign(&push_signing_message(
        device.caller.device,
        &sha256(&encoded),
    ));
    Ok(wire::pack(&PushBatch {
        device_id: device.caller.device,
        ops: Bytes(encoded),
        signature: Bytes(signature.to_vec()),
    })?)
}

/// The same edits as automerge map changes: one doc per device, one change
/// per edit; returns the devices' docs and the bytes of their first sync
/// message to a server that has only the shared base.
fn automerge_devices(all: &[Vec<Edit>], base: &[u8]) -> Result<(Vec<AutoCommit>, usize)> {
    let mut docs = Vec::with_capacity(all.len());
    let mut sync_bytes = 0;
    for edits in all {
        let actor = ActorId::from(uuid::Uuid::now_v7().as_bytes().as_slice());
        let mut doc = AutoCommit::load(base)?.with_actor(actor);
        let annotations = match doc.get(ROOT, "annotations")? {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => anyhow::bail!("the base has no annotations map"),
        };
        for edit in edits {
            let key = edit.annotation.to_string();
            let note = if let Change::Create(_) = edit.change {
                let note = doc.put_object(&annotations, &key, ObjType::Map)?;
                doc.put(&note, "kind", "note")?;
                doc.put(&note, "share", "participants")?;
                note
            } else {
                match doc.get(&annotations, &key)? {
                    Some((Value::Object(ObjType::Map), id)) => id,
                    _ => anyhow::bail!("edit before create"),
                }
            };
            match &edit.change {
                Change::Create(text) => {
                    doc.put(&note, "page", 1_i64)?;
                    doc.put(&note, "rect", "0.12,0.3,0.5,0.03")?;
                    doc.put(&note, "colour", "yellow")?;
                    doc.put(&note, "text", text.as_str())?;
                }
                Change::Text(text) => doc.put(&note, "text", text.as_str())?,
                Change::Colour(colour) => doc.put(&note, "colour", *colour)?,
                Change::Move(page) => {
                    doc.put(&note, "page", i64::from(*page))?;
                    doc.put(&note, "rect", "0.12,0.3,0.5,0.03")?;
                }
                Change::Delete => doc.put(&note, "deleted", true)?,
            }
            doc.commit();
        }
        // Bytes this device sends a server holding only the base.
        let mut server = AutoCommit::load(base)?;
        let (mut device_state, mut server_state) = (sync::State::new(), sync::State::new());
        loop {
            let mut progressed = false;
            if let Some(message) = doc.sync().generate_sync_message(&mut device_state) {
                let bytes = message.encode();
                sync_bytes += bytes.len();
                server
                    .sync()
                    .receive_sync_message(&mut server_state, sync::Message::decode(&bytes)?)?;
                progressed = true;
            }
            if let Some(message) = server.sync().generate_sync_message(&mut server_state) {
                doc.sync()
                    .receive_sync_message(&mut device_state, message)?;
                progressed = true;
            }
            if !progressed {
                break;
            }
        }
        ensure!(
            server.get_heads() == doc.get_heads(),
            "automerge's sync did not bring the server up to date"
        );
        docs.push(doc);
    }
    Ok((docs, sync_bytes))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.enrol("Nguyễn Văn An", Role::Secretary).await?;
    secretary.sync().await?;
    let meeting = secretary
        .create_meeting("Phiên họp (đo)", Utc::now())
        .await?;
    let item = secretary
        .add_agenda_item(meeting.id, "Dự thảo", None)
        .await?;
    let pdf = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo/03-de-an-chuyen-doi-so.pdf");
    let published = secretary.add_document(item.id, &pdf, None).await?;
    let document = DocumentRef {
        id: published.id,
        version: published.version,
    };
    let services: Services = server.server.services.clone();

    let mut devices = Vec::with_capacity(DEVICES);
    for n in 0..DEVICES {
        let person = services
            .create_person(&format!("Thành viên {n}"), Role::Member)
            .await?;
        let code = services.issue_invite(person.clone()).await?.code;
        let keys = DeviceKeys::generate()?;
        let enrolled = services
            .enroll(EnrollRequest {
                code: code.to_string(),
                device_name: format!("máy {n}"),
                signing_public_key: b64_encode(&keys.signing.public_key()),
                agreement_public_key: b64_encode(&keys.agreement_public_key()),
            })
            .await?;
        devices.push(BenchDevice {
            keys,
            caller: Caller {
                device: enrolled.device_id,
                person,
            },
            seq: 0,
        });
    }

    let mut text_bytes = 0usize;
    let mut ours = Vec::with_capacity(ROUNDS);
    let mut theirs = Vec::with_capacity(ROUNDS);
    let (mut our_bytes, mut their_bytes, mut total_ops) = (0usize, 0usize, 0usize);
    let commits_before = services.op_commits();
    let mut base = AutoCommit::new().with_actor(ActorId::from(&[0u8; 16][..]));
    base.put_object(ROOT, "annotations", ObjType::Map)?;
    base.commit();
    let base = base.save();
    for round in 0..ROUNDS {
        let all: Vec<Vec<Edit>> = (0..DEVICES).map(|d| edits(d, round)).collect();
        let pushes: Vec<(Caller, Vec<u8>)> = devices
            .iter_mut()
            .zip(&all)
            .map(|(device, edits)| {
                Ok((device.caller.clone(), build_push(device, document, edits)?))
            })
            .collect::<Result<_>>()?;
        our_bytes += pushes.iter().map(|(_, p)| p.len()).sum::<usize>();
        text_bytes += all
            .iter()
            .flatten()
            .map(|e| match &e.change {
                Change::Create(text) | Change::Text(text) => text.len(),
                _ => 0,
            })
            .sum::<usize>();
        total_ops += DEVICES * OPS_PER_DEVICE;

        // Ours: 50 devices push at once; done when every op has its answer.
        let shared = Arc::new(services.clone());
        let started = Instant::now();
        let tasks: Vec<_> = pushes
            .into_iter()
            .map(|(caller, packed)| {
                let services = shared.clone();
                tokio::spawn(async move { services.push(&caller, &packed).await })
            })
            .collect();
        let mut accepted = 0;
        for task in tasks {
            let response = task.await?.map_err(|e| anyhow::anyhow!("{e}"))?;
            accepted += response
                .results
                .iter()
                .filter(|r| matches!(r, OpResult::Accepted { .. }))
                .count();
        }
        ours.push(started.elapsed());
        ensure!(
            accepted == DEVICES * OPS_PER_DEVICE,
            "only {accepted} ops accepted"
        );

        // automerge: the server merges the same edits from 50 device docs.
        let (mut docs, sync_bytes) = automerge_devices(&all, &base)?;
        their_bytes += sync_bytes;
        let changes: Vec<Vec<u8>> = docs
            .iter_mut()
            .flat_map(|doc| {
                doc.get_changes(&[])
                    .into_iter()
                    .skip(1) // the shared base
                    .map(|c| c.raw_bytes().to_vec())
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut server_doc = AutoCommit::load(&base)?;
        let started = Instant::now();
        let decoded = changes
            .iter()
            .map(|bytes| automerge::Change::from_bytes(bytes.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        server_doc.apply_changes(decoded)?;
        theirs.push(started.elapsed());
        let annotations = match server_doc.get(ROOT, "annotations")? {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => anyhow::bail!("merged doc lost its map"),
        };
        ensure!(
            server_doc.length(&annotations) == DEVICES * OPS_PER_DEVICE / EDITS_PER_NOTE,
            "automerge merged {} annotations",
            server_doc.length(&annotations)
        );
    }
    let commits = services.op_commits() - commits_before;
    ours.sort();
    theirs.sort();
    let (our_p50, our_p95) = (percentile(&ours, 0.5), percentile(&ours, 0.95));
    let (their_p50, their_p95) = (percentile(&theirs, 0.5), percentile(&theirs, 0.95));
    println!(
        "reconcile {} ops from {DEVICES} devices, {ROUNDS} rounds:",
        DEVICES * OPS_PER_DEVICE
    );
    println!(
        "  eCabinet server (verify 50 batch signatures, authorise, durable SQLite commit, answer): p50 {:.1} ms, p95 {:.1} ms; {commits} group commits for {} pushes",
        ms(our_p50),
        ms(our_p95),
        ROUNDS * DEVICES
    );
    println!(
        "  automerge 0.12 apply_changes of the same edits (in memory, nothing persisted): p50 {:.1} ms, p95 {:.1} ms",
        ms(their_p50),
        ms(their_p95)
    );
    println!(
        "  ratio at p95: eCabinet is {:.2}x faster (target >= 2.5x)",
        their_p95.as_secs_f64() / our_p95.as_secs_f64()
    );
    println!(
        "bytes on the wire per op (packed push, batch signature included): {:.1} B, of which {:.1} B is the note's own text (sealed, so incompressible) and {:.1} B overhead; automerge sync messages for the same edits (plaintext, compressed columns): {:.1} B (target <= 60 B)",
        our_bytes as f64 / total_ops as f64,
        text_bytes as f64 / total_ops as f64,
        (our_bytes as f64 - text_bytes as f64) / total_ops as f64,
        their_bytes as f64 / total_ops as f64,
    );

    // A cold client: one more member's new device pulls everything shared.
    let newcomer = server.enrol("Người mới", Role::Member).await?;
    let started = Instant::now();
    let report = newcomer.sync().await?;
    let elapsed = started.elapsed();
    let received = report.changes_received as f64;
    println!(
        "cold client: {} changes in {} round trips ({:.2} per 10,000; target <= 2) in {:.2} s",
        report.changes_received,
        report.round_trips,
        report.round_trips as f64 / (received / 10_000.0),
        elapsed.as_secs_f64()
    );
    let visible = newcomer.annotations(published.id).await?;
    ensure!(
        visible.locked as usize == DEVICES * OPS_PER_DEVICE / EDITS_PER_NOTE * ROUNDS,
        "the newcomer holds every shared note (sealed with keys only real devices hold): {}",
        visible.locked
    );
    server.stop().await?;
    Ok(())
}
