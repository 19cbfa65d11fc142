//! `ecab session`, `speak`, `speakers`, `floor`, `speaking-time`, `present`,
//! `follow` and `minutes`: the meeting in session, as thin calls into the
//! client engine, printed for people or as JSON.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use ecabinet_client::{Client, ClientError, MinutesLanguage, SessionView};
use ecabinet_domain::session::minutes::SignedMinutes;
use ecabinet_domain::session::{ItemOutcome, OrderedLiveEvent, SpeechKind};
use serde_json::json;

use crate::output::Printer;

#[derive(Subcommand)]
pub enum SessionCommand {
    /// Open the session (the chair or the secretariat).
    Start { meeting: String },
    /// Suspend it (a break); speeches in progress end.
    Suspend { meeting: String },
    /// Resume a suspended session.
    Resume { meeting: String },
    /// End it: nothing more can happen in it; the minutes can be signed.
    End { meeting: String },
    /// Take up an agenda item: it becomes the item under discussion.
    Item { item: String },
    /// Record how an item ended.
    Outcome {
        item: String,
        /// adopted, deferred, withdrawn or noted.
        outcome: ItemOutcome,
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum SpeakCommand {
    /// Withdraw your waiting request on the item.
    Withdraw { item: String },
}

#[derive(Subcommand)]
pub enum FloorCommand {
    /// Give the floor to the next waiting request.
    Next { item: String },
    /// Give the floor to any waiting request (its id, or the first characters).
    Give { request: String },
    /// End the current speech.
    End { item: String },
}

#[derive(Subcommand)]
pub enum MinutesCommand {
    /// Add narrative text to an item of the minutes (before signing); empty text clears it.
    Edit {
        item: String,
        #[arg(long, required_unless_present = "file", conflicts_with = "file")]
        text: Option<String>,
        /// Read the narrative from a text file.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Sign the minutes with this (secretariat) device and publish them to the participants.
    Sign {
        meeting: String,
        /// Also write the signed minutes here (.json or .pdf).
        #[arg(long)]
        out: Option<PathBuf>,
        /// vi (default) or en.
        #[arg(long, default_value = "vi")]
        lang: MinutesLanguage,
    },
    /// Re-check signed minutes: every event signature, the chain, the match with the log.
    Verify { file: PathBuf },
}

fn print_event(out: &Printer, event: &OrderedLiveEvent, said: &str) {
    if out.json_enabled() {
        out.print_json(&json!({
            "id": event.event().id,
            "seq": event.seq,
            "kind": event.event().body.kind(),
            "at": event.at,
            "hash": event.hash,
            "event": event.event(),
        }));
    } else {
        println!("{said} (event {} of the session's log)", event.seq);
    }
}

pub async fn session(
    client: &Client,
    out: &Printer,
    command: SessionCommand,
) -> Result<(), ClientError> {
    match command {
        SessionCommand::Start { meeting } => {
            let meeting = client.resolve_meeting(&meeting).await?;
            let event = client.start_session(meeting).await?;
            print_event(out, &event, "The session has started.");
        }
        SessionCommand::Suspend { meeting } => {
            let meeting = client.resolve_meeting(&meeting).await?;
            let event = client.suspend_session(meeting).await?;
            print_event(out, &event, "The session is suspended.");
        }
        SessionCommand::Resume { meeting } => {
            let meeting = client.resolve_meeting(&meeting).await?;
            let event = client.resume_session(meeting).await?;
            print_event(out, &event, "The session has resumed.");
        }
        SessionCommand::End { meeting } => {
            let meeting = client.resolve_meeting(&meeting).await?;
            let event = client.end_session(meeting).await?;
            print_event(out, &event, "The session has ended.");
        }
        SessionCommand::Item { item } => {
            let item = client.resolve_agenda_item(&item).await?;
            let event = client.take_up_item(item).await?;
            let title = client.agenda_item(item).await?.title;
            print_event(out, &event, &format!("Now under discussion: {title}"));
        }
        SessionCommand::Outcome {
            item,
            outcome,
            note,
        } => {
            let item = client.resolve_agenda_item(&item).await?;
            let event = client.record_outcome(item, outcome, note).await?;
            print_event(
                out,
                &event,
                &format!("Outcome recorded: {}", outcome.as_str()),
            );
        }
    }
    Ok(())
}

/// `ecab session MEETING`: the live state.
pub async fn show_session(
    client: &Client,
    out: &Printer,
    meeting: &str,
) -> Result<(), ClientError> {
    let meeting = client.resolve_meeting(meeting).await?;
    if let Err(error) = client.catch_up_session(meeting).await {
        out.note(&format!(
            "offline, showing what this device last heard: {error}"
        ));
    }
    print_view(out, &client.session_view(meeting).await?);
    Ok(())
}

fn print_view(out: &Printer, view: &SessionView) {
    if out.json_enabled() {
        let mut value = serde_json::to_value(view).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("id".into(), json!(view.meeting_id));
        }
        out.print_json(&value);
        return;
    }
    println!("{} — {}", view.meeting_title, view.status.as_str());
    if let Some(chair) = &view.chair {
        println!("Chair: {}", chair.name);
    }
    match &view.current_item {
        Some(item) => println!("Current item: {}. {}", item.position, item.title),
        None => println!("No item under discussion."),
    }
    if let Some(list) = &view.speakers {
        match &list.speaking {
            Some(speaker) => println!(
                "Speaking: {} ({}) {}:{:02} of {}:{:02}",
                speaker.person.name,
                speaker.kind.as_str(),
                speaker.elapsed_seconds / 60,
                speaker.elapsed_seconds % 60,
                speaker.limit_seconds / 60,
                speaker.limit_seconds % 60
            ),
            None => println!("Nobody has the floor."),
        }
        for waiting in &list.waiting {
            println!(
                "  {}. {} ({}) [{}]",
                waiting.place,
                waiting.person.name,
                waiting.kind.as_str(),
                &waiting.request.0.to_string()[..13]
            );
        }
        if let Some(place) = list.my_place {
            println!("Your place in the list: {place}");
        }
    }
    if let Some(presenter) = &view.presenter {
        match &presenter.shown {
            Some(shown) => println!(
                "Presenting: {}, page {} ({}%) — {}",
                shown.title, shown.page, shown.zoom_percent, presenter.by.name
            ),
            None => println!("Presenting a document not shared with you."),
        }
    }
    let a = &view.attendance;
    println!(
        "Attendance: {} present of {} (remote {}, absent {}, substituted {}); quorum {} — {}",
        a.present,
        a.participants,
        a.remote,
        a.absent,
        a.substituted,
        a.quorum_needed,
        if a.quorum_met { "met" } else { "not met" }
    );
    for motion in &view.open_motions {
        println!(
            "Open vote: {} ({} voted) [{}]",
            motion.question,
            motion.votes_cast,
            &motion.id.0.to_string()[..13]
        );
    }
}

/// `ecab speakers ITEM`.
pub async fn speakers(client: &Client, out: &Printer, item: &str) -> Result<(), ClientError> {
    let item = client.resolve_agenda_item(item).await?;
    let meeting = client.agenda_item(item).await?.meeting_id;
    if let Err(error) = client.catch_up_session(meeting).await {
        out.note(&format!(
            "offline, showing what this device last heard: {error}"
        ));
    }
    let view = client.session_view(meeting).await?;
    let list = view.speakers.filter(|s| s.item == item);
    if out.json_enabled() {
        out.print_json(&json!({ "id": item, "speakers": list }));
        return Ok(());
    }
    let Some(list) = list else {
        println!("This item is not under discussion.");
        return Ok(());
    };
    if let Some(speaker) = &list.speaking {
        println!(
            "Speaking: {} ({}), {} s of {} s",
            speaker.person.name,
            speaker.kind.as_str(),
            speaker.elapsed_seconds,
            speaker.limit_seconds
        );
    }
    for waiting in &list.waiting {
        println!(
            "Waiting {}: {} ({}) [{}]",
            waiting.place,
            waiting.person.name,
            waiting.kind.as_str(),
            waiting.request
        );
    }
    for done in &list.done {
        println!(
            "Spoke: {} ({}) {}:{:02}",
            done.person.name,
            done.kind.as_str(),
            done.duration_seconds / 60,
            done.duration_seconds % 60
        );
    }
    Ok(())
}

pub async fn speak(
    client: &Client,
    out: &Printer,
    item: Option<String>,
    kind: SpeechKind,
    command: Option<SpeakCommand>,
) -> Result<(), ClientError> {
    match (command, item) {
        (Some(SpeakCommand::Withdraw { item }), _) => {
            let item = client.resolve_agenda_item(&item).await?;
            let request = client.withdraw_floor(item).await?;
            if out.json_enabled() {
                out.print_json(&json!({ "id": request, "withdrawn": true }));
            } else {
                println!("Your request for the floor is withdrawn.");
            }
        }
        (None, Some(item)) => {
            let item = client.resolve_agenda_item(&item).await?;
            let request = client.request_floor(item, kind).await?;
            let meeting = client.agenda_item(item).await?.meeting_id;
            let place = client
                .session_view(meeting)
                .await?
                .speakers
                .and_then(|s| s.my_place);
            if out.json_enabled() {
                out.print_json(
                    &json!({ "id": request, "item": item, "kind": kind, "place": place }),
                );
            } else {
                println!(
                    "You asked for the floor ({}); your place in the list: {}.",
                    kind.as_str(),
                    place.map(|p| p.to_string()).unwrap_or_else(|| "—".into())
                );
            }
        }
        (None, None) => {
            return Err(ClientError::InvalidArgument(
                "say on which item: ecab speak ITEM [--kind speech|point-of-order|reply]".into(),
            ))
        }
    }
    Ok(())
}

pub async fn floor(
    client: &Client,
    out: &Printer,
    command: FloorCommand,
) -> Result<(), ClientError> {
    match command {
        FloorCommand::Next { item } => {
            let item = client.resolve_agenda_item(&item).await?;
            let request = client.floor_next(item).await?;
            let meeting = client.agenda_item(item).await?.meeting_id;
            let speaker = client
                .session_view(meeting)
                .await?
                .speakers
                .and_then(|s| s.speaking);
            if out.json_enabled() {
                out.print_json(&json!({ "id": request, "speaking": speaker }));
            } else if let Some(speaker) = speaker {
                println!("The floor is {}'s.", speaker.person.name);
            }
        }
        FloorCommand::Give { request } => {
            let request = client.resolve_floor_request(&request).await?;
            let event = client.floor_give(request).await?;
            print_event(out, &event, "The floor is given.");
        }
        FloorCommand::End { item } => {
            let item = client.resolve_agenda_item(&item).await?;
            let event = client.floor_end(item).await?;
            print_event(out, &event, "The speech has ended.");
        }
    }
    Ok(())
}

pub async fn speaking_time(
    client: &Client,
    out: &Printer,
    item: &str,
    minutes: u32,
) -> Result<(), ClientError> {
    let item = client.resolve_agenda_item(item).await?;
    let event = client.set_speaking_time(item, minutes).await?;
    print_event(
        out,
        &event,
        &format!("Speaking time on this item: {minutes} min."),
    );
    Ok(())
}

pub async fn present(
    client: &Client,
    out: &Printer,
    document: &str,
    version: Option<u32>,
    page: u32,
    zoom: u32,
) -> Result<(), ClientError> {
    let document = client.resolve_document(document).await?;
    let event = client.present(document, version, page, zoom).await?;
    print_event(
        out,
        &event,
        &format!("Everyone following now sees page {page}."),
    );
    Ok(())
}

/// `ecab mic MEETING PERSON open|close`.
pub async fn microphone(
    client: &Client,
    out: &Printer,
    meeting: &str,
    person: ecabinet_domain::PersonId,
    open: bool,
) -> Result<(), ClientError> {
    let meeting = client.resolve_meeting(meeting).await?;
    let event = client.set_microphone(meeting, person, open).await?;
    print_event(
        out,
        &event,
        if open {
            "The member's microphone is open: the room hears them."
        } else {
            "The member's microphone is closed."
        },
    );
    Ok(())
}

/// `ecab follow MEETING [--once]`: prints each presenter page as it arrives.
pub async fn follow(
    client: &Client,
    out: &Printer,
    meeting: &str,
    once: bool,
) -> Result<(), ClientError> {
    let meeting = client.resolve_meeting(meeting).await?;
    // What was last printed: the page shown, or (not shared) the item only.
    type Shown = (
        ecabinet_domain::AgendaItemId,
        Option<(ecabinet_domain::DocumentId, u32, u32)>,
    );
    let mut last: Option<Shown> = None;
    let mut backoff = std::time::Duration::from_secs(1);
    loop {
        let mut done = false;
        let followed = client
            .follow_session(meeting, |view| {
                let Some(presenter) = view.presenter else {
                    return true;
                };
                let now = (
                    presenter.item,
                    presenter
                        .shown
                        .as_ref()
                        .map(|s| (s.document, s.version, s.page)),
                );
                if last.as_ref() == Some(&now) {
                    return true;
                }
                last = Some(now);
                match (&presenter.shown, out.json_enabled()) {
                    (Some(shown), true) => println!(
                        "{}",
                        json!({ "id": shown.document, "version": shown.version, "page": shown.page,
                                "zoom_percent": shown.zoom_percent, "item": presenter.item,
                                "shared_with_me": true })
                    ),
                    (Some(shown), false) => println!("{} page {}", shown.document, shown.page),
                    // Never which document or page: only that one is shown.
                    (None, true) => println!(
                        "{}",
                        json!({ "item": presenter.item, "shared_with_me": false })
                    ),
                    (None, false) => println!(
                        "a document of item {} (not shared with you)",
                        presenter.item
                    ),
                }
                done = once;
                !once
            })
            .await;
        if done {
            return Ok(());
        }
        match followed {
            Ok(()) => backoff = std::time::Duration::from_secs(1),
            Err(error @ ClientError::Revoked) => return Err(error),
            Err(error) => out.note(&format!(
                "lost the room ({error}); retrying in {} s",
                backoff.as_secs()
            )),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(std::time::Duration::from_secs(30));
    }
}

/// `ecab minutes MEETING --out F` and its subcommands.
pub async fn minutes(
    client: &Client,
    out: &Printer,
    meeting: Option<String>,
    file: Option<PathBuf>,
    lang: MinutesLanguage,
    command: Option<MinutesCommand>,
) -> Result<(), ClientError> {
    match (command, meeting) {
        (Some(MinutesCommand::Edit { item, text, file }), _) => {
            let text = match (text, file) {
                (Some(text), _) => text,
                (None, Some(file)) => std::fs::read_to_string(&file).map_err(|e| {
                    ClientError::InvalidArgument(format!("cannot read {}: {e}", file.display()))
                })?,
                (None, None) => String::new(),
            };
            let item = client.resolve_agenda_item(&item).await?;
            client.edit_minutes(item, &text).await?;
            if out.json_enabled() {
                out.print_json(&json!({ "id": item, "narrative": text.trim() }));
            } else {
                println!("The item's narrative is saved for the minutes.");
            }
        }
        (
            Some(MinutesCommand::Sign {
                meeting,
                out: path,
                lang,
            }),
            _,
        ) => {
            let meeting = client.resolve_meeting(&meeting).await?;
            let (signed, document) = client.sign_minutes(meeting, lang).await?;
            if let Some(path) = &path {
                ecabinet_client::write_minutes(&signed, path, lang).await?;
            }
            if out.json_enabled() {
                out.print_json(&json!({
                    "id": document.id, "meeting": meeting, "version": document.version,
                    "log_head": signed.minutes.log_head, "events": signed.minutes.log_length,
                    "out": path,
                }));
            } else {
                println!(
                    "The minutes are signed ({} events, head {}) and published to the participants as document {}.",
                    signed.minutes.log_length, signed.minutes.log_head, document.id
                );
            }
        }
        (Some(MinutesCommand::Verify { file }), _) => verify(client, out, &file).await?,
        (None, Some(meeting)) => {
            let meeting = client.resolve_meeting(&meeting).await?;
            let draft = client.draft_minutes(meeting).await?;
            match &file {
                Some(path) => {
                    ecabinet_client::write_minutes(&draft, path, lang).await?;
                    if out.json_enabled() {
                        out.print_json(&json!({ "id": meeting, "out": path, "events": draft.minutes.log_length }));
                    } else {
                        println!("Draft minutes written to {}.", path.display());
                    }
                }
                None => print_minutes(out, &draft),
            }
        }
        (None, None) => {
            return Err(ClientError::InvalidArgument(
                "say which meeting: ecab minutes MEETING --out bien-ban.pdf".into(),
            ))
        }
    }
    Ok(())
}

fn print_minutes(out: &Printer, draft: &SignedMinutes) {
    if out.json_enabled() {
        out.print_json(&draft.minutes);
        return;
    }
    let m = &draft.minutes;
    println!("{} — {} events", m.title, m.log_length);
    for item in &m.items {
        println!(
            "{}. {}: {} speaker(s), {} vote(s), outcome {}",
            item.position,
            item.title,
            item.speakers.len(),
            item.votes.len(),
            item.outcome.map(|o| o.as_str()).unwrap_or("—")
        );
    }
}

async fn verify(client: &Client, out: &Printer, file: &Path) -> Result<(), ClientError> {
    let signed = ecabinet_client::read_minutes(file)?;
    let verification = client.verify_minutes(&signed).await?;
    if out.json_enabled() {
        out.print_json(&json!({
            "id": signed.minutes.meeting_id,
            "verified": verification.verified(),
            "verification": verification,
        }));
    } else {
        println!(
            "{} events; event signatures {}; chain {}; orderer {}; minutes match the log: {}; signed: {}",
            verification.events,
            ok(verification.event_signatures_valid),
            ok(verification.chain_intact),
            ok(verification.orderer_signatures_valid && verification.orderer_is_our_server),
            ok(verification.minutes_match_log),
            ok(verification.minutes_signature_valid)
        );
        for problem in &verification.problems {
            println!("  problem: {problem}");
        }
    }
    if verification.verified() {
        Ok(())
    } else {
        Err(ClientError::InvalidArgument(
            "the minutes did not verify (see above)".into(),
        ))
    }
}

fn ok(value: bool) -> &'static str {
    if value {
        "valid"
    } else {
        "INVALID"
    }
}
