//! How `ecab` prints: short human text by default, one JSON document with
//! `--json` (every object carrying its `id`).

use std::path::Path;

use chrono::{DateTime, Utc};
use ecabinet_client::{
    AgendaView, AnnotationList, AnnotationView, ClientError, FetchedDocument, Placement,
    PrefetchProgress, ProfileSummary, RenderedPage, SearchHit, SyncReport, SyncState, SyncStatus,
};
use ecabinet_domain::api::{DeviceSummary, InviteResponse, PendingKey};
use ecabinet_domain::{AgendaItem, Document, DocumentId, Meeting, Person};
use serde::Serialize;
use serde_json::json;

pub struct Printer {
    json: bool,
}

/// A time as the meeting room reads it (Hà Nội), whatever this machine's zone.
fn on_cabinet_clock(time: DateTime<Utc>) -> String {
    ecabinet_domain::clock::cabinet_time(time)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

impl Printer {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    pub fn json_enabled(&self) -> bool {
        self.json
    }

    pub fn print_json(&self, value: &impl Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => println!("{text}"),
            Err(error) => eprintln!("error: cannot print JSON: {error}"),
        }
    }

    /// A side remark: to stderr, so `--json` output stays one document.
    pub fn note(&self, text: &str) {
        eprintln!("{text}");
    }

    pub fn error(&self, error: &ClientError) {
        if self.json {
            self.print_json(
                &json!({ "error": { "code": error.code(), "message": error.to_string() } }),
            );
        }
        eprintln!("error: {error}");
    }

    pub fn enrolled(&self, summary: &ProfileSummary, profile: &Path) {
        if self.json {
            self.print_json(&json!({
                "id": summary.device_id,
                "device_name": summary.device_name,
                "person": summary.person,
                "organisation": summary.organisation,
                "server_url": summary.server_url,
                "profile": profile,
            }));
        } else {
            println!(
                "Enrolled \"{}\" as a device of {} ({}) in {}.",
                summary.device_name,
                summary.person.name,
                summary.person.role,
                summary.organisation.name
            );
            println!("Profile: {}", profile.display());
        }
    }

    pub fn status(&self, summary: &ProfileSummary, sync: &SyncStatus) {
        if self.json {
            self.print_json(&json!({
                "id": summary.device_id,
                "device_name": summary.device_name,
                "person": summary.person,
                "organisation": summary.organisation,
                "server_url": summary.server_url,
                "sync": sync,
            }));
        } else {
            println!(
                "{} ({}), {}",
                summary.person.name, summary.person.role, summary.organisation.name
            );
            println!("device: {} ({})", summary.device_name, summary.device_id);
            println!("server: {}", summary.server_url);
            let state = match sync.state {
                SyncState::Online => "online",
                SyncState::Offline => "offline",
                SyncState::NeverSynced => "never synced",
            };
            println!("state: {state}");
            match sync.last_sync {
                Some(time) => println!("last sync: {}", on_cabinet_clock(time)),
                None => println!("last sync: never"),
            }
            if sync.waiting_to_send > 0 {
                println!(
                    "waiting to be sent: {} change(s); run `ecab sync` when online",
                    sync.waiting_to_send
                );
            } else {
                println!("waiting to be sent: nothing");
            }
            for rejected in &sync.rejected {
                println!(
                    "refused by the server: {} {} ({}): {}",
                    rejected.kind, rejected.entity_id, rejected.code, rejected.reason
                );
            }
        }
    }

    pub fn annotation_saved(&self, view: &AnnotationView) {
        if self.json {
            self.print_json(view);
            return;
        }
        println!(
            "Saved {} {} on page {} ({}).",
            view.kind.as_str(),
            view.id,
            view.page,
            view.share.as_str()
        );
        if view.waiting_to_send {
            println!("Saved on this device; it waits to be sent: run `ecab sync` when online.");
        }
    }

    pub fn annotations(&self, list: &AnnotationList) {
        if self.json {
            self.print_json(list);
            return;
        }
        if list.annotations.is_empty() {
            println!(
                "No annotations on this document (version {}).",
                list.version
            );
        }
        let mut unplaced_heading = false;
        for view in &list.annotations {
            if view.placement == Placement::Unplaced && !unplaced_heading {
                println!(
                    "Notes that could not be placed on version {}:",
                    list.version
                );
                unplaced_heading = true;
            }
            let who = if view.mine {
                "you".to_owned()
            } else {
                view.author_name.clone()
            };
            let place = match view.placement {
                Placement::Original => format!("p.{}", view.page),
                Placement::Moved => format!(
                    "p.{} (moved from p.{} of v{})",
                    view.page, view.anchor.page, view.anchor.version
                ),
                Placement::Unplaced => {
                    format!("was p.{} of v{}", view.anchor.page, view.anchor.version)
                }
            };
            let mut line = format!(
                "{}  {}  {}  {}  [{}]",
                view.id,
                place,
                view.kind.as_str(),
                who,
                view.share.as_str()
            );
            if !view.anchor.quote.is_empty() {
                line.push_str(&format!("  \"{}\"", view.anchor.quote));
            }
            if !view.text.is_empty() {
                line.push_str(&format!("  {}", view.text));
            }
            if view.waiting_to_send {
                line.push_str("  (waiting to be sent)");
            }
            println!("{line}");
        }
        if list.locked > 0 {
            println!(
                "{} annotation(s) cannot be opened on this device yet: their key comes from another of your devices at its next sync.",
                list.locked
            );
        }
    }

    /// `device` is this device's id: the object the report is about.
    pub fn synced(&self, device: impl Serialize, report: &SyncReport) {
        if self.json {
            self.print_json(&json!({
                "id": device,
                "changes_received": report.changes_received,
                "round_trips": report.round_trips,
                "cursor": report.cursor,
                "keys_distributed": report.keys_distributed,
                "changes_sent": report.changes_sent,
                "changes_rejected": report.changes_rejected,
                "bytes_sent": report.bytes_sent,
            }));
        } else {
            println!(
                "Up to date: {} changes in {} round trips (cursor {}).",
                report.changes_received, report.round_trips, report.cursor
            );
            if report.changes_sent > 0 {
                println!("Sent {} change(s).", report.changes_sent);
            }
            if report.changes_rejected > 0 {
                println!(
                    "The server refused {} change(s): see `ecab status` for why.",
                    report.changes_rejected
                );
            }
            if report.keys_distributed > 0 {
                println!(
                    "Sent {} document keys to devices enrolled since their documents were published.",
                    report.keys_distributed
                );
            }
        }
    }

    pub fn pending_keys(&self, pending: &[PendingKey], people: &[Person]) {
        if self.json {
            let rows: Vec<_> = pending
                .iter()
                .map(|k| json!({ "id": k.device_id, "person_id": k.person_id, "document_id": k.document_id, "version": k.version }))
                .collect();
            self.print_json(&rows);
            return;
        }
        if pending.is_empty() {
            println!("Every device has the keys of every document it may read.");
            return;
        }
        for key in pending {
            let name = people
                .iter()
                .find(|p| p.id == key.person_id)
                .map_or("?", |p| p.name.as_str());
            println!(
                "{name}: device {} waits for document {} v{}",
                key.device_id, key.document_id, key.version
            );
        }
        println!("Run `ecab sync` on this secretariat device to send them.");
    }

    pub fn devices(&self, devices: &[DeviceSummary]) {
        if self.json {
            self.print_json(&devices);
            return;
        }
        for device in devices {
            let state = match device.revoked_at {
                Some(at) => format!("revoked {}", on_cabinet_clock(at)),
                None if device.this_device => "this device".to_owned(),
                None => "active".to_owned(),
            };
            println!(
                "{}  {:<24}  enrolled {}  ({state})",
                device.id,
                device.name,
                on_cabinet_clock(device.enrolled_at)
            );
        }
    }

    pub fn readers(&self, readers: &[ecabinet_domain::api::DocumentReader]) {
        if self.json {
            self.print_json(&readers);
            return;
        }
        if readers.is_empty() {
            println!("Nobody has opened it yet (devices report openings when they sync).");
        }
        for reader in readers {
            println!(
                "{}  {:<28}  device {}  (reported {})",
                on_cabinet_clock(reader.opened_at),
                reader.person_name,
                reader.device_id,
                on_cabinet_clock(reader.reported_at)
            );
        }
    }

    pub fn audit(&self, entries: &[ecabinet_domain::api::AuditEntry]) {
        if self.json {
            self.print_json(&entries);
            return;
        }
        for entry in entries {
            println!(
                "{:>7}  {}  {:<14}  {:<48}  {}",
                entry.seq,
                on_cabinet_clock(entry.at),
                entry.outcome,
                entry.action,
                entry.object
            );
        }
    }

    pub fn people(&self, people: &[Person]) {
        if self.json {
            self.print_json(&people);
            return;
        }
        println!("{:<36}  {:<9}  NAME", "ID", "ROLE");
        for person in people {
            println!("{:<36}  {:<9}  {}", person.id, person.role, person.name);
        }
    }

    pub fn invited(&self, invite: &InviteResponse) {
        if self.json {
            self.print_json(&json!({
                "id": invite.person.id,
                "person": invite.person,
                "code": invite.code,
                "expires_at": invite.expires_at,
            }));
        } else {
            println!(
                "Enrolment code for {} ({}): {}",
                invite.person.name, invite.person.role, invite.code
            );
            println!(
                "It works once, until {}. On the device: ecab enroll --server URL --code {}",
                on_cabinet_clock(invite.expires_at),
                invite.code
            );
        }
    }

    pub fn meetings(&self, meetings: &[Meeting]) {
        if self.json {
            self.print_json(&meetings);
            return;
        }
        if meetings.is_empty() {
            println!("No meetings yet. Run `ecab sync` to fetch them from the server.");
            return;
        }
        println!("{:<36}  {:<16}  {:<9}  TITLE", "ID", "STARTS", "STATUS");
        for meeting in meetings {
            println!(
                "{:<36}  {:<16}  {:<9}  {}",
                meeting.id,
                on_cabinet_clock(meeting.starts_at),
                meeting.status.as_str(),
                meeting.title
            );
        }
    }

    pub fn meeting_created(&self, meeting: &Meeting) {
        if self.json {
            self.print_json(meeting);
        } else {
            println!(
                "Meeting {} \"{}\" at {} ({}).",
                meeting.id,
                meeting.title,
                on_cabinet_clock(meeting.starts_at),
                meeting.status.as_str()
            );
        }
    }

    /// `people` names the persons of restricted items' access lists.
    pub fn agenda(&self, view: &AgendaView, people: &[Person]) {
        if self.json {
            self.print_json(&json!({
                "id": view.meeting.id,
                "meeting": view.meeting,
                "items": view.items,
                "documents": view.documents,
                "access": view.access,
                "revised": view.revised,
            }));
            return;
        }
        let name = |id: &ecabinet_domain::PersonId| {
            people
                .iter()
                .find(|p| p.id == *id)
                .map_or_else(|| id.to_string(), |p| p.name.clone())
        };
        let details = &view.meeting.details;
        println!(
            "{} — {} ({} meeting{})",
            view.meeting.title,
            on_cabinet_clock(view.meeting.starts_at),
            details.kind.as_str(),
            match view.meeting.status {
                ecabinet_domain::MeetingStatus::Published => "",
                ecabinet_domain::MeetingStatus::Draft => ", DRAFT: the secretariat only",
                ecabinet_domain::MeetingStatus::Cancelled => ", CANCELLED",
            }
        );
        if let Some(place) = &details.place {
            println!("  at {place}");
        }
        if !details.participants.is_empty() {
            let names: Vec<String> = details.participants.iter().map(name).collect();
            println!("  participants: {}", names.join(", "));
        }
        for substitution in &details.substitutes {
            println!(
                "  {} stands in for {}",
                name(&substitution.substitute),
                name(&substitution.member)
            );
        }
        if view.items.is_empty() {
            println!("  (no agenda items yet)");
        }
        for item in &view.items {
            let restriction = if item.restricted {
                let names: Vec<&str> = view
                    .access
                    .iter()
                    .filter(|a| a.agenda_item_id == item.id)
                    .flat_map(|a| a.persons.iter())
                    .filter_map(|id| people.iter().find(|p| p.id == *id).map(|p| p.name.as_str()))
                    .collect();
                if names.is_empty() {
                    "  (restricted)".to_owned()
                } else {
                    format!("  (restricted to {})", names.join(", "))
                }
            } else {
                String::new()
            };
            let status = match item.details.status {
                ecabinet_domain::ItemStatus::Scheduled => String::new(),
                other => format!("  <{}>", other.as_str()),
            };
            println!(
                "  {:>2}. {}{restriction}{status}  [{}]",
                item.position, item.title, item.id
            );
            if let Some(ministry) = &item.details.presenting_ministry {
                println!("      presented by {ministry}");
            }
            if let Some(action) = &item.details.recommended_action {
                println!("      recommended: {action}");
            }
            for document in view
                .documents
                .iter()
                .filter(|d| d.agenda_item_id == item.id)
            {
                let revised = if view.revised.contains(&document.id) {
                    "  REVISED: not opened yet"
                } else {
                    ""
                };
                let handling = match ecabinet_client::handling_of(document) {
                    Ok(h) if h.no_print && h.no_export => "  no print, no export",
                    Ok(h) if h.no_print => "  no print",
                    Ok(h) if h.no_export => "  no export",
                    _ => "",
                };
                println!(
                    "        PDF  {} (v{}, {} KiB)  [{}]{handling}{revised}",
                    document.title,
                    document.version,
                    document.size.div_ceil(1024),
                    document.id
                );
            }
        }
    }

    pub fn document_added(&self, document: &Document) {
        if self.json {
            self.print_json(document);
        } else {
            println!(
                "Published document {} \"{}\" ({} KiB, {} sealed chunks).",
                document.id,
                document.title,
                document.size.div_ceil(1024),
                document.chunk_count
            );
        }
    }

    /// Progress on stderr, one line per step, so --json stdout stays one document.
    pub fn prefetch_progress(&self, progress: &PrefetchProgress) {
        if progress.finished {
            return;
        }
        eprintln!(
            "[{}/{} documents] {:.1}/{:.1} MB{}",
            progress.documents_done,
            progress.documents_total,
            progress.bytes_done as f64 / 1e6,
            progress.bytes_total as f64 / 1e6,
            progress
                .current
                .as_deref()
                .map(|t| format!("  {t}"))
                .unwrap_or_default()
        );
    }

    pub fn prefetched(&self, device: impl Serialize, done: &PrefetchProgress) {
        if self.json {
            self.print_json(&json!({
                "id": device,
                "documents": done.documents_total,
                "bytes": done.bytes_total,
                "waiting_for_keys": done.waiting_for_keys,
            }));
            return;
        }
        println!(
            "{} documents ({:.1} MB) are on this device for offline reading.",
            done.documents_total - done.waiting_for_keys,
            done.bytes_done as f64 / 1e6
        );
        if done.waiting_for_keys > 0 {
            println!(
                "{} documents wait for their keys; they arrive when the secretariat is next online.",
                done.waiting_for_keys
            );
        }
    }

    pub fn history(&self, versions: &[Document]) {
        if self.json {
            self.print_json(&versions);
            return;
        }
        for document in versions {
            println!(
                "v{}  {}  {} KiB  {}",
                document.version,
                on_cabinet_clock(document.published_at),
                document.size.div_ceil(1024),
                document.title
            );
        }
    }

    pub fn document_fetched(&self, fetched: &FetchedDocument) {
        if self.json {
            self.print_json(fetched);
        } else {
            println!(
                "\"{}\" v{}: {} bytes, verified and decrypted ({} chunks downloaded). SHA-256 {}",
                fetched.title,
                fetched.version,
                fetched.size,
                fetched.chunks_downloaded,
                fetched.sha256
            );
        }
    }

    pub fn page_rendered(&self, document: DocumentId, page: &RenderedPage, path: &Path) {
        if self.json {
            self.print_json(&json!({
                "id": document,
                "page": page.page,
                "page_count": page.page_count,
                "width": page.width,
                "height": page.height,
                "watermark": page.watermark,
                "out": path,
            }));
        } else {
            println!(
                "Page {} of {} ({}×{} px, watermarked \"{}\") written to {}.",
                page.page,
                page.page_count,
                page.width,
                page.height,
                page.watermark,
                path.display()
            );
        }
    }

    pub fn page_text(&self, document: DocumentId, page: u32, text: &str) {
        if self.json {
            self.print_json(&json!({ "id": document, "page": page, "text": text }));
        } else {
            println!("{text}");
        }
    }

    pub fn search_hits(&self, document: DocumentId, phrase: &str, hits: &[SearchHit]) {
        if self.json {
            let hits: Vec<_> = hits
                .iter()
                .map(|h| json!({ "page": h.page, "snippet": h.snippet }))
                .collect();
            self.print_json(&json!({ "id": document, "phrase": phrase, "hits": hits }));
            return;
        }
        if hits.is_empty() {
            println!("\"{phrase}\" does not occur in this document.");
        }
        for hit in hits {
            println!("page {:>3}: …{}…", hit.page, hit.snippet);
        }
    }

    pub fn document_changes(&self, changes: &ecabinet_client::DocumentChanges) {
        if self.json {
            self.print_json(changes);
            return;
        }
        println!(
            "Changes from version {} ({} pages) to version {} ({} pages): {}",
            changes.from_version,
            changes.old_page_count,
            changes.to_version,
            changes.new_page_count,
            if changes.hunks.is_empty() {
                "the text is the same".to_owned()
            } else {
                format!("{} place(s)", changes.hunks.len())
            }
        );
        let pages = |pages: &[u32]| {
            pages
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        for hunk in &changes.hunks {
            println!(
                "  page {} (was page {}):",
                pages(&hunk.new_pages),
                if hunk.old_pages.is_empty() {
                    "-".to_owned()
                } else {
                    pages(&hunk.old_pages)
                }
            );
            for line in &hunk.removed {
                println!("    - {line}");
            }
            for line in &hunk.added {
                println!("    + {line}");
            }
        }
    }

    pub fn agenda_item_added(&self, item: &AgendaItem) {
        if self.json {
            self.print_json(item);
        } else {
            let access = if item.restricted { " (restricted)" } else { "" };
            println!(
                "Item {} \"{}\" at position {}{access}.",
                item.id, item.title, item.position
            );
        }
    }

    pub fn motion(&self, motion: &ecabinet_domain::voting::Motion) {
        if self.json {
            self.print_json(motion);
            return;
        }
        println!("{}  {}", motion.id, motion.question);
        match &motion.tally {
            None => {
                let closes = motion.closes_at.map_or_else(String::new, |at| {
                    format!(", closes {}", on_cabinet_clock(at))
                });
                println!("open: {} voted so far{closes}", motion.votes_cast);
            }
            Some(tally) => {
                let counts: Vec<String> = tally
                    .counts
                    .iter()
                    .map(|(o, n)| format!("{o} {n}"))
                    .collect();
                println!("closed: {}", counts.join(", "));
                println!(
                    "{} present of {} members; {} needed of {}; quorum {}",
                    tally.present,
                    tally.members,
                    tally.required,
                    tally.base,
                    if tally.quorum_met { "met" } else { "NOT met" }
                );
                println!(
                    "{}",
                    if tally.adopted {
                        "ADOPTED"
                    } else {
                        "NOT ADOPTED"
                    }
                );
            }
        }
    }

    pub fn voted(&self, motion: ecabinet_domain::MotionId, outcome: &ecabinet_client::VoteOutcome) {
        if self.json {
            self.print_json(&json!({ "id": motion, "vote": outcome }));
            return;
        }
        match outcome {
            ecabinet_client::VoteOutcome::Counted { seq } => {
                println!("Your vote was counted (receipt for change {seq}).")
            }
            ecabinet_client::VoteOutcome::TakenByRoom { seq } => println!(
                "The server is unreachable: the room's hub took your vote and signed a receipt (event {seq} of the session). It reaches the server with the room's log."
            ),
            ecabinet_client::VoteOutcome::Waiting => println!(
                "Your vote is saved on this device and waits to be sent: it goes out as soon as the network is back (run `ecab sync`)."
            ),
            ecabinet_client::VoteOutcome::Refused { reason, .. } => {
                println!("Your vote was NOT counted: {reason}")
            }
        }
    }

    pub fn verification(&self, verification: &ecabinet_client::TallyVerification) {
        if self.json {
            self.print_json(&json!({ "id": verification.motion_id, "verified": verification.verified(), "verification": verification }));
            return;
        }
        println!(
            "{} ballots checked; recount {} the published tally.",
            verification.ballots_checked,
            if verification.matches_published {
                "matches"
            } else {
                "DOES NOT match"
            }
        );
        match verification.own_ballot_included {
            Some(true) => println!("Your ballot is included as you cast it."),
            Some(false) => println!("Your ballot is NOT included as you cast it."),
            None => {}
        }
        for problem in &verification.problems {
            println!("problem: {problem}");
        }
        if verification.verified() {
            println!("VERIFIED");
        }
    }

    pub fn attendance(&self, attendance: &ecabinet_domain::voting::Attendance) {
        if self.json {
            self.print_json(&json!({ "id": attendance.person_id, "attendance": attendance }));
            return;
        }
        println!(
            "Recorded {:?} for {}.",
            attendance.presence, attendance.person_id
        );
    }

    pub fn position_saved(
        &self,
        item: ecabinet_domain::AgendaItemId,
        outcome: &ecabinet_client::VoteOutcome,
    ) {
        if self.json {
            self.print_json(&json!({ "id": item, "position": outcome }));
            return;
        }
        match outcome {
            ecabinet_client::VoteOutcome::Counted { .. }
            | ecabinet_client::VoteOutcome::TakenByRoom { .. } => println!("Your position is recorded."),
            ecabinet_client::VoteOutcome::Waiting => println!(
                "Your position is saved on this device and waits to be sent: run `ecab sync` when online."
            ),
            ecabinet_client::VoteOutcome::Refused { reason, .. } => println!("Your position was NOT recorded: {reason}"),
        }
    }

    pub fn positions(&self, items: &[ecabinet_client::ItemPositionsView], people: &[Person]) {
        if self.json {
            let rows: Vec<_> = items
                .iter()
                .map(|v| json!({ "id": v.item.id, "title": v.item.title, "summary": v.summary, "mine": v.mine, "decision": v.decision }))
                .collect();
            self.print_json(&rows);
            return;
        }
        let name = |id: &ecabinet_domain::PersonId| {
            people
                .iter()
                .find(|p| p.id == *id)
                .map_or_else(|| id.to_string(), |p| p.name.clone())
        };
        for view in items {
            println!(
                "{}. {}  ({})",
                view.item.position, view.item.title, view.item.id
            );
            let s = &view.summary;
            println!(
                "   no objection {}, objections {}, wish to speak {}, not answered {}",
                s.no_objection.len(),
                s.objections.len(),
                s.speakers.len(),
                s.silent.len()
            );
            for (person, reason) in &s.objections {
                println!("   objection from {}: {reason}", name(person));
            }
            for person in &s.speakers {
                println!("   wishes to speak: {}", name(person));
            }
            match &view.decision {
                Some(decision) if decision.adopted_without_discussion => {
                    println!("   ADOPTED without discussion")
                }
                _ if s.proposed_without_discussion => {
                    println!("   proposed for adoption without discussion")
                }
                _ => println!("   needs discussion"),
            }
        }
    }

    pub fn adopted(&self, decisions: &[ecabinet_domain::positions::ItemDecision]) {
        if self.json {
            let rows: Vec<_> = decisions
                .iter()
                .map(|d| json!({ "id": d.agenda_item_id, "decision": d }))
                .collect();
            self.print_json(&rows);
            return;
        }
        if decisions.is_empty() {
            println!("No item could be adopted without discussion.");
        }
        for decision in decisions {
            println!("Adopted without discussion: {}", decision.agenda_item_id);
        }
    }

    pub fn opinion_request(&self, request: &ecabinet_domain::opinions::OpinionRequest) {
        if self.json {
            self.print_json(request);
            return;
        }
        println!("{}  {}", request.id, request.question);
        println!(
            "asked of {} member(s); answers: {}; deadline {}",
            request.recipients.len(),
            request.answers.join(", "),
            on_cabinet_clock(request.deadline)
        );
    }

    pub fn opinion_requests(&self, views: &[ecabinet_client::OpinionRequestView]) {
        if self.json {
            let rows: Vec<_> = views
                .iter()
                .map(|v| json!({ "id": v.request.id, "view": v }))
                .collect();
            self.print_json(&rows);
            return;
        }
        if views.is_empty() {
            println!("No request for your opinion.");
        }
        for view in views {
            let answered = view.responses.iter().any(|r| !r.late);
            println!(
                "{}  {}  (deadline {}){}{}",
                view.request.id,
                view.request.question,
                on_cabinet_clock(view.request.deadline),
                if answered {
                    "  answered"
                } else {
                    "  NOT ANSWERED"
                },
                if view.reminded > 0 {
                    "  (reminded)"
                } else {
                    ""
                }
            );
        }
    }

    pub fn answered(
        &self,
        request: ecabinet_domain::OpinionRequestId,
        outcome: &ecabinet_client::VoteOutcome,
    ) {
        if self.json {
            self.print_json(&json!({ "id": request, "answer": outcome }));
            return;
        }
        match outcome {
            ecabinet_client::VoteOutcome::Counted { .. }
            | ecabinet_client::VoteOutcome::TakenByRoom { .. } => println!("Your signed answer was received."),
            ecabinet_client::VoteOutcome::Waiting => println!(
                "Your signed answer is saved on this device and waits to be sent: run `ecab sync` when online."
            ),
            ecabinet_client::VoteOutcome::Refused { reason, .. } => println!("Your answer was NOT accepted: {reason}"),
        }
    }

    pub fn opinion_status(
        &self,
        status: &ecabinet_domain::opinions::OpinionStatus,
        people: &[Person],
    ) {
        if self.json {
            self.print_json(&json!({ "id": status.request.id, "status": status }));
            return;
        }
        let name = |id: &ecabinet_domain::PersonId| {
            people
                .iter()
                .find(|p| p.id == *id)
                .map_or_else(|| id.to_string(), |p| p.name.clone())
        };
        let left = status.request.deadline - Utc::now();
        if left > chrono::Duration::zero() {
            println!(
                "{} — {} h {} min left",
                status.request.question,
                left.num_hours(),
                left.num_minutes() % 60
            );
        } else {
            println!("{} — deadline passed", status.request.question);
        }
        for (answer, n) in &status.per_answer {
            println!("  {answer}: {n}");
        }
        for r in &status.counted {
            let by = if r.response.signer != r.response.respondent {
                format!(" (signed by {} for them)", name(&r.response.signer))
            } else {
                String::new()
            };
            println!(
                "  answered: {} → {}{by}",
                name(&r.response.respondent),
                r.response.choice
            );
        }
        for r in &status.late {
            println!(
                "  LATE (not counted): {} → {}",
                name(&r.response.respondent),
                r.response.choice
            );
        }
        for person in &status.not_answered {
            println!("  not answered: {}", name(person));
        }
    }
}

/// The audit entries as CSV (RFC 4180: every field quoted, quotes doubled).
pub fn audit_csv(entries: &[ecabinet_domain::api::AuditEntry]) -> String {
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let id = |id: Option<String>| id.unwrap_or_default();
    let mut csv =
        String::from("seq,at,organisation,person,device,action,object,outcome,request_id,hash\r\n");
    for e in entries {
        let fields = [
            e.seq.to_string(),
            e.at.to_rfc3339(),
            id(e.organisation_id.map(|i| i.to_string())),
            id(e.person_id.map(|i| i.to_string())),
            id(e.device_id.map(|i| i.to_string())),
            e.action.clone(),
            e.object.clone(),
            e.outcome.clone(),
            e.request_id.clone().unwrap_or_default(),
            e.hash.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    csv
}
