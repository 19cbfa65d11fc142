//! The first corpus: real encodings of real values, so the fuzzer starts
//! past each decoder's first check.

use chrono::{DateTime, Utc};
use ecabinet_crypto::{b64_encode, wrap_key, ContentKey, DeviceKeys};
use ecabinet_domain::annotation::{AnnotationFields, AnnotationKind};
use ecabinet_domain::api::{EnrollRequest, Poke, PullResponse};
use ecabinet_domain::change::{Change, ChangeBody};
use ecabinet_domain::ops::{AnnotationOp, Bytes, Hlc, Op, OpBody, PushBatch};
use ecabinet_domain::session::{
    LiveEvent, LiveEventBody, LiveEventId, LiveMessage, OrderedLiveEvent, SignedLiveEvent,
    GENESIS_HASH,
};
use ecabinet_domain::{
    wire, AgendaItemId, AnnotationId, ChunkInfo, DeviceId, DocumentId, DocumentManifest, MeetingId,
    OpId, PersonId,
};
use uuid::Uuid;

fn at() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default()
}

fn ordered(body: LiveEventBody) -> OrderedLiveEvent {
    OrderedLiveEvent {
        seq: 1,
        prev_hash: Bytes(GENESIS_HASH.to_vec()),
        at: at(),
        signed: SignedLiveEvent {
            event: LiveEvent {
                id: LiveEventId(Uuid::from_u128(1)),
                meeting_id: MeetingId(Uuid::from_u128(2)),
                device_id: DeviceId(Uuid::from_u128(3)),
                author: PersonId(Uuid::from_u128(4)),
                made_at: at(),
                body,
            },
            signature: Bytes(vec![9; 64]),
        },
        hash: Bytes(vec![1; 32]),
        orderer_signature: Bytes(vec![2; 64]),
    }
}

fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

pub(crate) fn of(name: &str) -> Vec<Vec<u8>> {
    let item = AgendaItemId(Uuid::from_u128(5));
    match name {
        "push" => {
            let device = DeviceId(Uuid::from_u128(3));
            let ops = [1, 2].map(|seq| Op {
                id: OpId(Uuid::from_u128(10 + u128::from(seq))),
                device_id: device,
                device_seq: seq,
                hlc: Hlc::new(1_800_000_000_000, 1),
                body: OpBody::Annotation(AnnotationOp {
                    annotation_id: AnnotationId(Uuid::from_u128(20)),
                    document: None,
                    share: None,
                    person_wrap: None,
                    share_wrap: None,
                    sealed: Bytes(vec![7; 40]),
                }),
            });
            let batch = PushBatch {
                device_id: device,
                ops: Bytes(wire::encode_ops(&ops).unwrap_or_default()),
                signature: Bytes(vec![0; 64]),
            };
            vec![wire::pack(&batch).unwrap_or_default()]
        }
        "change_page" => vec![json(&PullResponse {
            changes: vec![Change {
                seq: 7,
                body: ChangeBody::SessionEvent(ordered(LiveEventBody::SessionStarted)),
            }],
            next_cursor: 7,
            has_more: false,
        })],
        "manifest" => vec![json(&DocumentManifest {
            document_id: DocumentId(Uuid::from_u128(6)),
            version: 1,
            agenda_item_id: item,
            title: "Dự thảo Nghị định".into(),
            file_name: "du-thao.pdf".into(),
            media_type: "application/pdf".into(),
            size: 70_000,
            chunk_size: 65_536,
            chunks: vec![
                ChunkInfo {
                    size: 65_552,
                    sha256: b64_encode(&[1; 32]),
                },
                ChunkInfo {
                    size: 4_480,
                    sha256: b64_encode(&[2; 32]),
                },
            ],
            uploaded_by: DeviceId(Uuid::from_u128(3)),
            uploaded_at: at(),
            handling: Default::default(),
            page_count: Some(12),
            exchange: None,
        })],
        "wrapped_key" => {
            // Wrapped for some other device: never openable by the target's keys.
            let other = DeviceKeys::generate().ok();
            let key = ContentKey::generate().ok();
            match (other, key) {
                (Some(other), Some(key)) => {
                    wrap_key(&key, &other.agreement_public_key(), b"ecabinet/fuzz")
                        .map(|wrapped| vec![json(&wrapped)])
                        .unwrap_or_default()
                }
                _ => Vec::new(),
            }
        }
        "enrolment" => vec![json(&EnrollRequest {
            code: "ABCD-EFGH-JKLM".into(),
            device_name: "Máy tính xách tay".into(),
            signing_public_key: b64_encode(&[3; 32]),
            agreement_public_key: b64_encode(&[4; 32]),
        })],
        "socket_message" => vec![
            json(&Poke { cursor: 42 }),
            json(&LiveMessage {
                live: ordered(LiveEventBody::ItemTakenUp { item }),
                cursor: Some(43),
            }),
        ],
        "live_event" => vec![json(
            &ordered(LiveEventBody::PresenterPage {
                item,
                document: DocumentId(Uuid::from_u128(6)),
                version: 1,
                page: 3,
                zoom_percent: 125,
            })
            .signed,
        )],
        "annotation" => vec![AnnotationFields {
            kind: Some(AnnotationKind::Note),
            text: Some("Đề nghị làm rõ điều 5".into()),
            colour: Some("#ffd54f".into()),
            ..Default::default()
        }
        .encode()
        .unwrap_or_default()],
        // Start, take up item 0, three requests, give the floor, end it,
        // a presenter page, an outcome, the end.
        "session_rules" => vec![vec![
            0, 0, 0, 1, 1, 0, 2, 2, 0, 2, 3, 1, 2, 4, 2, 4, 1, 0, 5, 1, 0, 7, 2, 3, 11, 1, 0, 14,
            0, 0,
        ]],
        "exchange_package" => vec![exchange_package()],
        "exchange_envelope" => ecabinet_exchange::read_package(&exchange_package())
            .map(|p| vec![p.envelope.to_xml().into_bytes()])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A package with a main document and an annex (tiny PDFs).
fn exchange_package() -> Vec<u8> {
    let record = ecabinet_domain::ExchangeRecord {
        organisation_code: "000.00.00.G01".into(),
        organisation_name: "Văn phòng Chính phủ".into(),
        number: "12".into(),
        symbol: "NQ-CP".into(),
        issued_on: at().date_naive(),
        place: Some("Hà Nội".into()),
        document_type: "Nghị quyết".into(),
        subject: "Phiên họp Chính phủ thường kỳ".into(),
        signer_name: "Nguyễn Văn An".into(),
        signer_position: "Thủ tướng".into(),
        annex: false,
    };
    let pdf = |name: &str| ecabinet_exchange::NamedFile {
        name: name.into(),
        content_type: "application/pdf".into(),
        bytes: format!("%PDF-1.7\n% {name}\n%%EOF\n").into_bytes(),
    };
    ecabinet_exchange::write_package(&record, &pdf("nghi-quyet.pdf"), &[pdf("phu-luc.pdf")])
        .unwrap_or_default()
}
