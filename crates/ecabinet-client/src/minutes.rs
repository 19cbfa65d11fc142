//! The minutes (*biên bản*) on the secretariat's device: drawn from the
//! session log and the replica's facts, written as JSON or as an A4 PDF in
//! Vietnamese or English, signed by this device, published to the
//! participants, and verified by anyone holding the signed file.

use std::path::Path;

use chrono::Utc;
use ecabinet_crypto::{b64_decode, b64_encode, sha256, verify_signature};
use ecabinet_domain::session::minutes::{
    self, ItemFacts, Minutes, MinutesAttendance, MinutesDevice, MinutesDocument, MinutesFacts,
    MotionFacts, NamedPerson, PositionsLine, SignedMinutes, MAX_NARRATIVE_CHARS,
};
use ecabinet_domain::session::rules::{Orderer, SessionState};
use ecabinet_domain::session::{order_message, OrderedLiveEvent, SpeechKind, GENESIS_HASH};
use ecabinet_domain::voting::Presence;
use ecabinet_domain::{AgendaItemId, DeviceId, MeetingId, PersonId, Role};
use serde::{Deserialize, Serialize};

use crate::error::{ClientError, ClientResult};
use crate::Client;

/// The language of a minutes PDF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum MinutesLanguage {
    Vi,
    En,
}

impl std::str::FromStr for MinutesLanguage {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "vi" => Ok(MinutesLanguage::Vi),
            "en" => Ok(MinutesLanguage::En),
            _ => Err(format!("{text:?} is not a language: use vi or en")),
        }
    }
}

/// What `ecab minutes verify` found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MinutesVerification {
    pub events: u32,
    pub event_signatures_valid: bool,
    pub chain_intact: bool,
    pub orderer_signatures_valid: bool,
    /// The orderer's key is the server key this device pinned at enrolment.
    pub orderer_is_our_server: bool,
    pub minutes_match_log: bool,
    pub minutes_signature_valid: bool,
    /// The first problems found, in words.
    pub problems: Vec<String>,
}

impl MinutesVerification {
    pub fn verified(&self) -> bool {
        self.event_signatures_valid
            && self.chain_intact
            && self.orderer_signatures_valid
            && self.orderer_is_our_server
            && self.minutes_match_log
            && self.minutes_signature_valid
    }
}

/// Checks a signed log: every event's device signature, the hash chain
/// from the first event, and the orderer's signature on each link: the
/// server's key, except in a room hub's segments, which the log itself
/// marks (the hub's takeover to its hand-back) and which its device signs.
pub fn verify_log(
    log: &[OrderedLiveEvent],
    devices: &[MinutesDevice],
    orderer_key: &[u8],
    problems: &mut Vec<String>,
) -> (bool, bool, bool) {
    let (mut signatures, mut chain, mut orderer) = (true, true, true);
    let mut previous = GENESIS_HASH.to_vec();
    let mut state = SessionState::default();
    let key_of = |device: DeviceId, person: Option<PersonId>| {
        devices
            .iter()
            .find(|d| d.device == device && person.is_none_or(|p| d.person == p))
            .and_then(|d| b64_decode(&d.signing_key).ok())
    };
    for (index, event) in log.iter().enumerate() {
        let inner = event.event();
        let signed = key_of(inner.device_id, Some(inner.author)).is_some_and(|key| {
            verify_signature(&key, &inner.signing_message(), &event.signed.signature.0).is_ok()
        });
        if !signed {
            signatures = false;
            problems.push(format!(
                "event {} ({}): its device's signature does not match",
                event.seq,
                inner.body.kind()
            ));
        }
        let expected_hash = sha256(&OrderedLiveEvent::link_bytes(
            event.seq,
            &event.prev_hash.0,
            event.at,
            &event.signed,
        ));
        if event.seq as usize != index + 1
            || event.prev_hash.0 != previous
            || event.hash.0 != expected_hash
        {
            chain = false;
            problems.push(format!(
                "event {}: the hash chain is broken here",
                event.seq
            ));
        }
        let key = match state.orderer_of(inner) {
            Orderer::Server => Some(orderer_key.to_vec()),
            Orderer::Hub { device, .. } => key_of(device, None),
        };
        let countersigned = key.is_some_and(|key| {
            verify_signature(
                &key,
                &order_message(&event.hash.0),
                &event.orderer_signature.0,
            )
            .is_ok()
        });
        if !countersigned {
            orderer = false;
            problems.push(format!(
                "event {}: the orderer's signature does not match",
                event.seq
            ));
        }
        state.apply(event);
        previous = event.hash.0.clone();
    }
    (signatures, chain, orderer)
}

impl Client {
    /// The meeting's log: fetched whole from the server when it can be
    /// reached (so the minutes see exactly what the server holds), else the
    /// copy held here. Returns the log and the signing keys of its devices.
    async fn minutes_log(
        &self,
        meeting: MeetingId,
    ) -> ClientResult<(Vec<OrderedLiveEvent>, Vec<MinutesDevice>)> {
        let fetched = match self.token().await {
            Ok(token) => self.api.session_log(&token, meeting, 0, None).await,
            Err(error) => Err(error),
        };
        let page = match fetched {
            Ok(page) => page,
            // Offline: a draft from the copy held here (its devices' keys
            // come with the server's copy, so it cannot be signed).
            Err(ClientError::ServerUnreachable { .. }) => {
                return Ok((self.replica.session_events(meeting).await?, Vec::new()))
            }
            Err(error) => return Err(error),
        };
        let devices = page
            .devices
            .iter()
            .map(|d| MinutesDevice {
                device: d.device_id,
                person: d.person_id,
                signing_key: d.signing_public_key.clone(),
            })
            .collect();
        Ok((page.events, devices))
    }

    /// What the minutes say beyond the log, from the replica.
    async fn minutes_facts(
        &self,
        meeting: MeetingId,
        log: &[OrderedLiveEvent],
    ) -> ClientResult<MinutesFacts> {
        // Everything the secretariat sees, as of now.
        if let Err(error) = self.sync().await {
            tracing::warn!(%error, "drafting the minutes from what this device holds");
        }
        let found = self.meeting_here(meeting).await?;
        let people = self.replica.persons().await?;
        let members: Vec<PersonId> = people
            .iter()
            .filter(|p| p.role == Role::Member)
            .map(|p| p.id)
            .collect();
        let participants = if found.details.participants.is_empty() {
            members.clone()
        } else {
            found.details.participants.clone()
        };
        let positions = self.replica.positions(meeting).await?;
        let narratives = self.replica.minutes_narratives(meeting).await?;
        let documents = self.replica.meeting_documents(meeting).await?;
        let mut items = Vec::new();
        for item in self.replica.agenda(meeting).await? {
            let on_item: Vec<&ecabinet_domain::positions::Position> = positions
                .iter()
                .filter(|p| p.agenda_item_id == item.id)
                .collect();
            let summary = ecabinet_domain::positions::summarise(&on_item, &participants);
            let mut item_documents: Vec<MinutesDocument> = documents
                .iter()
                .filter(|d| d.agenda_item_id == item.id)
                .map(|d| MinutesDocument {
                    id: d.id,
                    version: d.version,
                    title: d.title.clone(),
                })
                .collect();
            // The latest version of each document.
            item_documents.sort_by_key(|d| (d.id, std::cmp::Reverse(d.version)));
            item_documents.dedup_by_key(|d| d.id);
            items.push(ItemFacts {
                id: item.id,
                position: item.position,
                title: item.title.clone(),
                presenting_ministry: item.details.presenting_ministry.clone(),
                documents: item_documents,
                positions: (!on_item.is_empty()).then(|| PositionsLine {
                    no_objection: summary.no_objection.len() as u32,
                    speak: summary.speakers.len() as u32,
                    objections: summary.objections.clone(),
                }),
                narrative: narratives
                    .iter()
                    .find(|(id, _)| *id == item.id)
                    .map(|(_, text)| text.clone()),
            });
        }
        let mut motions = Vec::new();
        for event in log {
            if let ecabinet_domain::session::LiveEventBody::MotionOpened { motion, .. } =
                &event.event().body
            {
                if let Some(found) = self.replica.motion(*motion).await? {
                    motions.push(MotionFacts {
                        id: found.id,
                        rule: found.rule,
                        base: found.base,
                        quorum: found.quorum,
                        options: found.options.clone(),
                        tally: found.tally.clone(),
                    });
                }
            }
        }
        let mut attendance: Vec<MinutesAttendance> = self
            .replica
            .attendance(meeting)
            .await?
            .into_iter()
            .map(|a| MinutesAttendance {
                person: a.person_id,
                presence: a.presence,
            })
            .collect();
        attendance.sort_by_key(|a| a.person);
        Ok(MinutesFacts {
            meeting_id: meeting,
            title: found.title.clone(),
            starts_at: found.starts_at,
            kind: found.details.kind.as_str().to_owned(),
            place: found.details.place.clone(),
            chair: found.details.chair,
            people: people
                .iter()
                .map(|p| NamedPerson {
                    id: p.id,
                    name: p.name.clone(),
                })
                .collect(),
            participants,
            attendance,
            items,
            motions,
        })
    }

    /// Drafts the minutes from the session log (needs the server, which
    /// holds the log whole).
    pub async fn draft_minutes(&self, meeting: MeetingId) -> ClientResult<SignedMinutes> {
        let (log, devices) = self.minutes_log(meeting).await?;
        if log.is_empty() {
            return Err(ClientError::InvalidArgument(
                "this meeting has no session yet: the minutes are drawn from it (ecab session start)"
                    .into(),
            ));
        }
        let facts = self.minutes_facts(meeting, &log).await?;
        let minutes = minutes::draft(&facts, &log);
        Ok(SignedMinutes {
            minutes,
            facts,
            log,
            devices,
            orderer_key: b64_encode(&self.pinned_server_key()?),
            signed_by_device: self.profile.device_id,
            signed_by: self.profile.person.id,
            signed_at: Utc::now(),
            signature: String::new(),
        })
    }

    fn pinned_server_key(&self) -> ClientResult<Vec<u8>> {
        b64_decode(&self.profile.server_signing_key).map_err(|e| ClientError::CorruptProfile {
            path: self.dir.display().to_string(),
            detail: format!("server key: {e}"),
        })
    }

    /// The secretariat's narrative for an item (empty text clears it).
    pub async fn edit_minutes(&self, item: AgendaItemId, text: &str) -> ClientResult<()> {
        if self.profile.person.role != Role::Secretary {
            return Err(ClientError::InvalidArgument(
                "only the secretariat writes the minutes".into(),
            ));
        }
        if text.chars().count() > MAX_NARRATIVE_CHARS {
            return Err(ClientError::InvalidArgument(format!(
                "the narrative is longer than {MAX_NARRATIVE_CHARS} characters"
            )));
        }
        let found = self.agenda_item(item).await?;
        self.replica
            .set_minutes_narrative(found.meeting_id, item, text.trim())
            .await
    }

    /// Signs the minutes with this (secretariat) device, writes them to
    /// `out` (.json or .pdf) and publishes the PDF to the participants as a
    /// document of the meeting ("Biên bản" item at the end of the agenda).
    pub async fn sign_minutes(
        &self,
        meeting: MeetingId,
        language: MinutesLanguage,
    ) -> ClientResult<(SignedMinutes, ecabinet_domain::Document)> {
        if self.profile.person.role != Role::Secretary {
            return Err(ClientError::InvalidArgument(
                "only the secretariat signs the minutes".into(),
            ));
        }
        let mut signed = self.draft_minutes(meeting).await?;
        if signed.devices.is_empty() {
            return Err(ClientError::InvalidArgument(
                "signing the minutes needs the server (it holds the session's log and its devices' keys); reconnect and try again".into(),
            ));
        }
        if signed.minutes.session_ended_at.is_none() {
            return Err(ClientError::InvalidArgument(
                "the session has not ended: end it first (ecab session end), then sign the minutes"
                    .into(),
            ));
        }
        signed.signed_at = ecabinet_domain::session::to_millis(Utc::now());
        let message = SignedMinutes::signing_message(
            &signed.minutes,
            &signed.facts,
            signed.signed_by_device,
            signed.signed_at,
        );
        signed.signature = b64_encode(&self.keys.signing.sign(&message));
        // This device's own key travels with the minutes so anyone can check.
        if !signed
            .devices
            .iter()
            .any(|d| d.device == self.profile.device_id)
        {
            signed.devices.push(MinutesDevice {
                device: self.profile.device_id,
                person: self.profile.person.id,
                signing_key: b64_encode(&self.keys.signing.public_key()),
            });
        }
        let pdf = minutes_pdf(&signed, language).await?;
        let folder = tempfile_dir(&self.dir)?;
        let file = folder.join("bien-ban.pdf");
        std::fs::write(&file, &pdf).map_err(|e| ClientError::io(&file, e))?;
        let title = match language {
            MinutesLanguage::Vi => "Biên bản phiên họp",
            MinutesLanguage::En => "Minutes of the meeting",
        };
        // Signed again (a correction): a new version of the same document.
        let published = match self.minutes_document(meeting).await? {
            Some(document) => self.revise_document(document, &file, Some(title)).await,
            None => {
                let item = self.add_agenda_item(meeting, title, None).await?;
                self.add_document(item.id, &file, Some(title)).await
            }
        };
        let _ = std::fs::remove_dir_all(&folder);
        Ok((signed, published?))
    }

    /// The minutes already published for a meeting (a document titled as minutes).
    async fn minutes_document(
        &self,
        meeting: MeetingId,
    ) -> ClientResult<Option<ecabinet_domain::DocumentId>> {
        const TITLES: [&str; 2] = ["Biên bản phiên họp", "Minutes of the meeting"];
        let documents = self.replica.meeting_documents(meeting).await?;
        Ok(documents
            .iter()
            .find(|d| TITLES.contains(&d.title.as_str()))
            .map(|d| d.id))
    }

    /// Re-checks signed minutes: every event signature, the chain, the
    /// orderer's signatures (against the server this device enrolled with),
    /// the minutes against the log, and the secretariat's signature. The
    /// devices' keys are the ones the server registered (asked for here),
    /// never the ones the file names, and the signer must be of the
    /// secretariat; so verifying needs the server.
    pub async fn verify_minutes(
        &self,
        signed: &SignedMinutes,
    ) -> ClientResult<MinutesVerification> {
        let mut problems = Vec::new();
        let token = self.token().await?;
        let registered: Vec<MinutesDevice> = self
            .api
            .session_log(
                &token,
                signed.minutes.meeting_id,
                0,
                Some(signed.signed_by_device),
            )
            .await?
            .devices
            .into_iter()
            .map(|d| MinutesDevice {
                device: d.device_id,
                person: d.person_id,
                signing_key: d.signing_public_key,
            })
            .collect();
        for named in &signed.devices {
            let matches = registered.iter().any(|r| {
                r.device == named.device
                    && r.person == named.person
                    && r.signing_key == named.signing_key
            });
            if !matches {
                problems.push(format!(
                    "device {} is not registered with the key the file gives it",
                    named.device
                ));
            }
        }
        let orderer_key = b64_decode(&signed.orderer_key).unwrap_or_default();
        let (event_signatures_valid, mut chain_intact, orderer_signatures_valid) =
            verify_log(&signed.log, &registered, &orderer_key, &mut problems);
        // The whole session of this meeting: every event of it, to the end.
        let meeting = signed.minutes.meeting_id;
        if signed.facts.meeting_id != meeting
            || signed.log.iter().any(|e| e.event().meeting_id != meeting)
        {
            chain_intact = false;
            problems.push("the log or the facts are of another meeting".into());
        }
        let ended = signed.log.last().is_some_and(|e| {
            e.event().body == ecabinet_domain::session::LiveEventBody::SessionEnded
        });
        if !ended {
            chain_intact = false;
            problems.push("the log does not run to the end of the session".into());
        }
        let orderer_is_our_server = orderer_key == self.pinned_server_key()?;
        if !orderer_is_our_server {
            problems.push("the log was not ordered by the server this device trusts".into());
        }
        let redrawn = minutes::draft(&signed.facts, &signed.log);
        let minutes_match_log = redrawn == signed.minutes;
        if !minutes_match_log {
            problems.push("the minutes do not match what the log says".into());
        }
        let message = SignedMinutes::signing_message(
            &signed.minutes,
            &signed.facts,
            signed.signed_by_device,
            signed.signed_at,
        );
        let of_secretariat = self
            .replica
            .persons()
            .await?
            .iter()
            .any(|p| p.id == signed.signed_by && p.role == Role::Secretary);
        if !of_secretariat {
            problems.push("the minutes were not signed by the secretariat".into());
        }
        let minutes_signature_valid = of_secretariat
            && registered
                .iter()
                .find(|d| d.device == signed.signed_by_device && d.person == signed.signed_by)
                .and_then(|d| b64_decode(&d.signing_key).ok())
                .zip(b64_decode(&signed.signature).ok())
                .is_some_and(|(key, signature)| {
                    verify_signature(&key, &message, &signature).is_ok()
                });
        if !minutes_signature_valid {
            problems.push(if signed.signature.is_empty() {
                "the minutes are a draft: they are not signed".into()
            } else {
                "the secretariat's signature on the minutes does not match".into()
            });
        }
        Ok(MinutesVerification {
            events: signed.log.len() as u32,
            event_signatures_valid,
            chain_intact,
            orderer_signatures_valid,
            orderer_is_our_server,
            minutes_match_log,
            minutes_signature_valid,
            problems,
        })
    }
}

fn tempfile_dir(profile: &Path) -> ClientResult<std::path::PathBuf> {
    let folder = profile.join("tmp").join(uuid::Uuid::now_v7().to_string());
    std::fs::create_dir_all(&folder).map_err(|e| ClientError::io(&folder, e))?;
    Ok(folder)
}

/// Writes signed (or draft) minutes to `out`: `.json` or `.pdf`.
pub async fn write_minutes(
    signed: &SignedMinutes,
    out: &Path,
    language: MinutesLanguage,
) -> ClientResult<()> {
    let extension = out
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    let body = match extension.as_deref() {
        Some("json") => {
            serde_json::to_vec_pretty(signed).map_err(|e| ClientError::Protocol(e.to_string()))?
        }
        Some("pdf") => minutes_pdf(signed, language).await?,
        _ => {
            return Err(ClientError::InvalidArgument(
                "write the minutes to a .pdf or .json file".into(),
            ))
        }
    };
    crate::write_output_file(out, &body)
}

/// Reads a signed minutes file (JSON).
pub fn read_minutes(file: &Path) -> ClientResult<SignedMinutes> {
    let bytes = std::fs::read(file).map_err(|e| ClientError::io(file, e))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ClientError::InvalidArgument(format!(
            "{} is not an eCabinet minutes file (JSON): {e}",
            file.display()
        ))
    })
}

/// The minutes as an A4 PDF with page numbers.
pub async fn minutes_pdf(
    signed: &SignedMinutes,
    language: MinutesLanguage,
) -> ClientResult<Vec<u8>> {
    let paragraphs = minutes_paragraphs(signed, language);
    tokio::task::spawn_blocking(move || {
        let label = move |page: u32, total: u32| match language {
            MinutesLanguage::Vi => format!("Trang {page}/{total}"),
            MinutesLanguage::En => format!("Page {page} of {total}"),
        };
        ecabinet_pdf::PdfEngine::load()
            .and_then(|engine| engine.write_numbered_report(&paragraphs, Some(&label)))
    })
    .await
    .map_err(|e| ClientError::Pdf(e.to_string()))?
    .map_err(|e| ClientError::Pdf(e.to_string()))
}

struct Words {
    heading: &'static str,
    time: &'static str,
    place: &'static str,
    chair: &'static str,
    chair_secretariat: &'static str,
    session: &'static str,
    /// "The room ran the session without the server".
    room_segment: &'static str,
    room_not_handed_back: &'static str,
    events: &'static str,
    attendance: &'static str,
    quorum: &'static str,
    present: &'static str,
    remote: &'static str,
    absent: &'static str,
    substituted_by: &'static str,
    item: &'static str,
    ministry: &'static str,
    documents: &'static str,
    version: &'static str,
    positions: &'static str,
    no_objection: &'static str,
    wish_to_speak: &'static str,
    objections: &'static str,
    not_taken_up: &'static str,
    speakers: &'static str,
    nobody_spoke: &'static str,
    vote: &'static str,
    rule: &'static str,
    quorum_of: &'static str,
    carried: &'static str,
    not_carried: &'static str,
    no_quorum: &'static str,
    outcome: &'static str,
    narrative: &'static str,
    log: &'static str,
    signed: &'static str,
    draft: &'static str,
}

const VI: Words = Words {
    heading: "BIÊN BẢN PHIÊN HỌP",
    time: "Thời gian",
    place: "Địa điểm",
    chair: "Chủ trì",
    chair_secretariat: "Văn phòng (thư ký) điều hành",
    session: "Phiên họp",
    room_segment: "Phòng họp điều phối khi không tới được máy chủ",
    room_not_handed_back: "chưa trả lại máy chủ",
    events: "sự kiện",
    attendance: "THÀNH PHẦN THAM DỰ",
    quorum: "Số thành viên có mặt",
    present: "có mặt",
    remote: "dự trực tuyến",
    absent: "vắng mặt",
    substituted_by: "ủy quyền cho",
    item: "Vấn đề",
    ministry: "Cơ quan trình",
    documents: "Tài liệu",
    version: "phiên bản",
    positions: "Ý kiến trước phiên họp",
    no_objection: "không phản đối",
    wish_to_speak: "đăng ký phát biểu",
    objections: "Phản đối",
    not_taken_up: "Chưa được đưa ra thảo luận.",
    speakers: "Các ý kiến phát biểu (theo thứ tự)",
    nobody_spoke: "Không có ý kiến phát biểu.",
    vote: "Biểu quyết",
    rule: "Quy tắc",
    quorum_of: "Số thành viên tối thiểu",
    carried: "THÔNG QUA",
    not_carried: "KHÔNG THÔNG QUA",
    no_quorum: "không đủ số thành viên tối thiểu",
    outcome: "Kết luận",
    narrative: "Diễn biến",
    log: "Nhật ký phiên họp",
    signed: "Ký số bởi thiết bị của Văn phòng",
    draft: "BẢN DỰ THẢO — chưa ký",
};

const EN: Words = Words {
    heading: "MINUTES OF THE MEETING",
    time: "Time",
    place: "Place",
    chair: "Chair",
    chair_secretariat: "Run by the secretariat",
    session: "Session",
    room_segment: "Run by the room's hub while the server was unreachable",
    room_not_handed_back: "not handed back to the server",
    events: "events",
    attendance: "ATTENDANCE",
    quorum: "Members present",
    present: "present",
    remote: "remote",
    absent: "absent",
    substituted_by: "substituted by",
    item: "Item",
    ministry: "Presented by",
    documents: "Documents",
    version: "version",
    positions: "Positions before the meeting",
    no_objection: "no objection",
    wish_to_speak: "wish to speak",
    objections: "Objections",
    not_taken_up: "Not taken up.",
    speakers: "Speakers (in order)",
    nobody_spoke: "Nobody spoke.",
    vote: "Vote",
    rule: "Rule",
    quorum_of: "Quorum",
    carried: "CARRIED",
    not_carried: "NOT CARRIED",
    no_quorum: "no quorum",
    outcome: "Outcome",
    narrative: "Proceedings",
    log: "Session log",
    signed: "Signed by the secretariat's device",
    draft: "DRAFT — not signed",
};

fn outcome_word(
    outcome: ecabinet_domain::session::ItemOutcome,
    language: MinutesLanguage,
) -> &'static str {
    use ecabinet_domain::session::ItemOutcome::*;
    match (language, outcome) {
        (MinutesLanguage::Vi, Adopted) => "Thông qua",
        (MinutesLanguage::Vi, Deferred) => "Hoãn",
        (MinutesLanguage::Vi, Withdrawn) => "Rút khỏi chương trình",
        (MinutesLanguage::Vi, Noted) => "Ghi nhận",
        (MinutesLanguage::En, Adopted) => "Adopted",
        (MinutesLanguage::En, Deferred) => "Deferred",
        (MinutesLanguage::En, Withdrawn) => "Withdrawn",
        (MinutesLanguage::En, Noted) => "Noted",
    }
}

fn kind_word(kind: SpeechKind, language: MinutesLanguage) -> &'static str {
    match (language, kind) {
        (MinutesLanguage::Vi, SpeechKind::Speech) => "phát biểu",
        (MinutesLanguage::Vi, SpeechKind::PointOfOrder) => "kiến nghị về thủ tục",
        (MinutesLanguage::Vi, SpeechKind::Reply) => "phát biểu đáp lại",
        (MinutesLanguage::En, SpeechKind::Speech) => "speech",
        (MinutesLanguage::En, SpeechKind::PointOfOrder) => "point of order",
        (MinutesLanguage::En, SpeechKind::Reply) => "reply",
    }
}

fn duration(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

fn minutes_paragraphs(
    signed: &SignedMinutes,
    language: MinutesLanguage,
) -> Vec<ecabinet_pdf::ReportLine> {
    use ecabinet_pdf::ReportLine;
    let w = match language {
        MinutesLanguage::Vi => &VI,
        MinutesLanguage::En => &EN,
    };
    let m: &Minutes = &signed.minutes;
    let local = |t: chrono::DateTime<Utc>| {
        ecabinet_domain::clock::cabinet_time(t)
            .format("%H:%M %d/%m/%Y")
            .to_string()
    };
    let mut lines = vec![
        ReportLine::heading(w.heading),
        ReportLine::strong(m.title.clone()),
    ];
    if signed.signature.is_empty() {
        lines.push(ReportLine::strong(w.draft));
    }
    lines.push(ReportLine::body(format!(
        "{}: {}",
        w.time,
        local(m.starts_at)
    )));
    if let Some(place) = &m.place {
        lines.push(ReportLine::body(format!("{}: {place}", w.place)));
    }
    lines.push(ReportLine::body(match &m.chair {
        Some(chair) => format!("{}: {chair}", w.chair),
        None => w.chair_secretariat.to_owned(),
    }));
    if let (Some(start), Some(end)) = (m.session_started_at, m.session_ended_at) {
        lines.push(ReportLine::body(format!(
            "{}: {} – {}",
            w.session,
            local(start),
            local(end)
        )));
    }
    for segment in &m.room_segments {
        let until = segment
            .to
            .map_or_else(|| w.room_not_handed_back.to_owned(), local);
        lines.push(ReportLine::body(format!(
            "{}: {} – {} ({}, {} {}, #{})",
            w.room_segment,
            local(segment.from),
            until,
            segment.hub,
            segment.events,
            w.events,
            segment.epoch
        )));
    }
    lines.push(ReportLine::strong(w.attendance));
    lines.push(ReportLine::body(format!(
        "{}: {}/{} ({} {})",
        w.quorum, m.present, m.participants, w.quorum_of, m.quorum_needed
    )));
    for line in &m.attendance {
        let status = match &line.presence {
            Presence::Present => w.present.to_owned(),
            Presence::Remote => w.remote.to_owned(),
            Presence::Absent {
                reason: Some(reason),
            } => format!("{} ({reason})", w.absent),
            Presence::Absent { reason: None } => w.absent.to_owned(),
            Presence::Substituted { .. } => format!(
                "{} {}",
                w.substituted_by,
                line.substitute.clone().unwrap_or_default()
            ),
        };
        lines.push(ReportLine::body(format!("– {}: {status}", line.name)));
    }
    for item in &m.items {
        lines.push(ReportLine::strong(format!(
            "{} {}. {}",
            w.item, item.position, item.title
        )));
        if let Some(ministry) = &item.presenting_ministry {
            lines.push(ReportLine::body(format!("{}: {ministry}", w.ministry)));
        }
        if !item.documents.is_empty() {
            let list = item
                .documents
                .iter()
                .map(|d| format!("{} ({} {})", d.title, w.version, d.version))
                .collect::<Vec<_>>()
                .join("; ");
            lines.push(ReportLine::body(format!("{}: {list}", w.documents)));
        }
        if let Some(positions) = &item.positions {
            lines.push(ReportLine::body(format!(
                "{}: {} {}, {} {}",
                w.positions,
                positions.no_objection,
                w.no_objection,
                positions.speak,
                w.wish_to_speak
            )));
            for (person, reason) in &positions.objections {
                let name = signed
                    .facts
                    .people
                    .iter()
                    .find(|p| p.id == *person)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| person.to_string());
                lines.push(ReportLine::body(format!(
                    "{}: {name} — {reason}",
                    w.objections
                )));
            }
        }
        if !item.taken_up {
            lines.push(ReportLine::body(w.not_taken_up));
            continue;
        }
        if item.speakers.is_empty() {
            lines.push(ReportLine::body(w.nobody_spoke));
        } else {
            lines.push(ReportLine::body(format!("{}:", w.speakers)));
            for (n, speech) in item.speakers.iter().enumerate() {
                lines.push(ReportLine::body(format!(
                    "{}. {} ({}, {})",
                    n + 1,
                    speech.name,
                    kind_word(speech.kind, language),
                    duration(speech.duration_seconds)
                )));
            }
        }
        for vote in &item.votes {
            lines.push(ReportLine::body(format!("{}: {}", w.vote, vote.question)));
            if let Some(rule) = vote.rule {
                let base = vote.base.map(|b| format!("{b:?}")).unwrap_or_default();
                lines.push(ReportLine::body(format!(
                    "{}: {:?}, {base}{}",
                    w.rule,
                    rule,
                    vote.quorum
                        .map(|q| format!(", {} {q}", w.quorum_of))
                        .unwrap_or_default()
                )));
            }
            if let Some(tally) = &vote.tally {
                let counts = tally
                    .counts
                    .iter()
                    .map(|(option, count)| format!("{option}: {count}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let verdict = if !tally.quorum_met {
                    w.no_quorum
                } else if tally.adopted {
                    w.carried
                } else {
                    w.not_carried
                };
                lines.push(ReportLine::body(format!(
                    "{counts} ({}/{}) — {verdict}",
                    tally.required, tally.base
                )));
            }
        }
        if let Some(outcome) = item.outcome {
            let note = item
                .outcome_note
                .as_ref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default();
            lines.push(ReportLine::strong(format!(
                "{}: {}{note}",
                w.outcome,
                outcome_word(outcome, language)
            )));
        }
        if let Some(narrative) = &item.narrative {
            lines.push(ReportLine::body(format!("{}: {narrative}", w.narrative)));
        }
    }
    lines.push(ReportLine::body(format!(
        "{}: {} events, SHA-256 {}",
        w.log, m.log_length, m.log_head
    )));
    if !signed.signature.is_empty() {
        lines.push(ReportLine::body(format!(
            "{}: {} · {}",
            w.signed,
            signed.signed_by_device,
            local(signed.signed_at)
        )));
    }
    lines
}
