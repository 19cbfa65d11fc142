//! `ecab`: the headless eCabinet client, for the secretariat's scripts, for
//! tests and for benchmarks. Every command is a thin call into
//! `ecabinet_client`; this file only parses arguments and prints.

mod exchange_cmd;
mod output;
mod report_cmd;
mod room_cmd;
mod session_cmd;
mod token_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use ecabinet_client::{default_profile_dir, AnnotationEdit, Client, ClientError, NewAnnotation};
use ecabinet_domain::annotation::AnnotationKind;
use ecabinet_domain::api::UpdateMeetingRequest;
use ecabinet_domain::{MeetingStatus, PersonId, Role};

use crate::output::Printer;

#[derive(Parser)]
#[command(name = "ecab", version, about = "eCabinet's headless client")]
struct Cli {
    /// Profile folder of this device (keys, local replica).
    #[arg(long, global = true, env = "ECAB_PROFILE", default_value_os_t = default_profile_dir())]
    profile: PathBuf,
    /// Machine-readable JSON output; every object carries its `id`.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Enrol this device with a one-time code from the secretariat.
    Enroll {
        /// The server's address, e.g. https://ecabinet.example.gov.vn
        #[arg(long)]
        server: String,
        /// The one-time enrolment code, e.g. 7QK2-M9XD-4TBN-C8WH
        #[arg(long)]
        code: String,
        /// A name for this device (default: the host name).
        #[arg(long)]
        device_name: Option<String>,
    },
    /// Who this device is, and its sync state.
    Status,
    /// Bring the local replica up to date with the server.
    Sync,
    /// Stay connected and sync whenever the server says something changed
    /// (reconnecting by itself after network loss); Ctrl-C stops.
    Watch {
        /// Stop after the first sync the server triggered.
        #[arg(long)]
        once: bool,
    },
    /// Your devices, as the server knows them.
    Devices,
    /// Manage your own devices.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Revoke a device (a lost laptop): the secretariat any device, a person their own.
    Revoke {
        /// The device's id.
        device: ecabinet_domain::DeviceId,
    },
    /// Devices still waiting for document keys (secretariat); `ecab sync` sends them.
    Keys,
    /// Signing tokens (PKCS#11): list them, and check one end to end.
    Token {
        #[command(subcommand)]
        command: token_cmd::TokenCommand,
    },
    /// The server's audit log: the secretariat reads its organisation's
    /// entries, a member their own.
    Audit {
        /// Only this person's entries (secretariat).
        #[arg(long)]
        person: Option<ecabinet_domain::PersonId>,
        /// Only this device's entries.
        #[arg(long)]
        device: Option<ecabinet_domain::DeviceId>,
        /// Only entries from this time on (RFC 3339, e.g. 2026-12-07T08:00:00Z).
        #[arg(long)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// Write CSV to this file instead of printing.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Download the packs of upcoming meetings for offline reading (nearest first), with progress.
    Prefetch,
    /// Meetings you may see (from the local replica; works offline).
    Meetings,
    /// Manage meetings (secretariat).
    Meeting {
        #[command(subcommand)]
        command: MeetingCommand,
    },
    /// The organisation's people, with their ids and roles (from the local replica).
    People,
    /// Issue a one-time enrolment code (secretariat): for a new person, or another device of a person.
    Invite {
        /// The new person's name.
        #[arg(
            long,
            required_unless_present = "person",
            conflicts_with = "person",
            requires = "role"
        )]
        name: Option<String>,
        /// The new person's role: member or secretary.
        #[arg(long)]
        role: Option<Role>,
        /// An existing person's id, for a new device of theirs.
        #[arg(long)]
        person: Option<PersonId>,
    },
    /// Annotate a document (works offline: saved here, sent at the next sync).
    Annotate {
        /// The document (its id, or the first characters of it).
        document: String,
        /// The page (from 1) of the document's latest version.
        #[arg(long)]
        page: u32,
        /// A note's text.
        #[arg(long, required_unless_present_any = ["highlight", "bookmark"])]
        note: Option<String>,
        /// Highlight this text (as it appears on the page).
        #[arg(long, conflicts_with = "bookmark")]
        highlight: Option<String>,
        /// Bookmark the page.
        #[arg(long)]
        bookmark: bool,
        /// yellow, green, blue, pink or orange.
        #[arg(long)]
        colour: Option<String>,
        /// Share with the secretariat or all participants (default: private to you).
        #[arg(long)]
        share: Option<ecabinet_domain::ops::ShareScope>,
    },
    /// The annotations on a document you may read (from this device; works offline).
    Annotations {
        /// The document (its id, or the first characters of it).
        document: String,
    },
    /// Change, share or delete one of your annotations (works offline).
    Annotation {
        #[command(subcommand)]
        command: AnnotationCommand,
    },
    /// Your position on an agenda item before the meeting (works offline).
    Position {
        /// The agenda item (its id, or the first characters of it).
        item: String,
        /// no-objection, objection or speak.
        stance: String,
        /// Why you object.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Positions on a meeting's items, and the items proposed for adoption without discussion.
    Positions {
        /// The meeting (its id, or the first characters of it).
        meeting: String,
    },
    /// Adopt without discussion the items nobody objected to or asked to speak on (chair/secretariat).
    Adopt {
        meeting: String,
        /// Only these items (ids, comma-separated); default: every item proposed.
        #[arg(long, value_delimiter = ',')]
        items: Option<Vec<String>>,
    },
    /// Written opinions between meetings: ask, answer, follow, report.
    Opinion {
        #[command(subcommand)]
        command: OpinionCommand,
    },
    /// Requests for your written opinion (from this device; works offline).
    Opinions,
    /// Votes (secretariat): open one on an agenda item, or close one.
    Motion {
        #[command(subcommand)]
        command: MotionCommand,
    },
    /// Vote on an open motion (works offline: the ballot waits to be sent).
    Vote {
        /// The motion (its id, or the first characters of it).
        motion: String,
        /// yes, no, abstain (or the motion's own options).
        choice: String,
    },
    /// The meeting in session: `ecab session MEETING` shows the live state;
    /// the subcommands run it (the chair or the secretariat).
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Session {
        /// The meeting (its id, or the first characters of it).
        #[arg(required = true)]
        meeting: Option<String>,
        #[command(subcommand)]
        command: Option<session_cmd::SessionCommand>,
    },
    /// The meeting's room over WebRTC: host it, join it, see how it stands.
    Room {
        #[command(subcommand)]
        command: room_cmd::RoomCommand,
    },
    /// Ask for the floor on the item under discussion (needs the room's connection).
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Speak {
        /// The agenda item (its id, or the first characters of it).
        #[arg(required = true)]
        item: Option<String>,
        /// speech, point-of-order (goes to the top) or reply (right after the current speaker).
        #[arg(long, default_value = "speech")]
        kind: ecabinet_domain::session::SpeechKind,
        #[command(subcommand)]
        command: Option<session_cmd::SpeakCommand>,
    },
    /// The item's list of speakers: speaking (with the timer), waiting, done.
    Speakers { item: String },
    /// Give or end the floor (the chair or the secretariat).
    Floor {
        #[command(subcommand)]
        command: session_cmd::FloorCommand,
    },
    /// Set the speaking time on an item (default 5 minutes).
    SpeakingTime {
        item: String,
        #[arg(long)]
        minutes: u32,
    },
    /// Show a page of a document to everyone following (presenter follow).
    Present {
        /// The document (its id, or the first characters of it).
        document: String,
        #[arg(long)]
        page: u32,
        /// A version other than the latest.
        #[arg(long)]
        version: Option<u32>,
        /// Zoom in percent (25 to 400).
        #[arg(long, default_value_t = 100)]
        zoom: u32,
    },
    /// Follow the presenter: prints each page shown (document id and page).
    Follow {
        meeting: String,
        /// Stop after the first page.
        #[arg(long)]
        once: bool,
    },
    /// Draft the minutes from the session (`--out bien-ban.pdf|.json`); edit, sign, verify them.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Minutes {
        #[arg(required = true)]
        meeting: Option<String>,
        /// Write the draft here (.pdf or .json).
        #[arg(long)]
        out: Option<PathBuf>,
        /// vi (default) or en.
        #[arg(long, default_value = "vi")]
        lang: ecabinet_client::MinutesLanguage,
        #[command(subcommand)]
        command: Option<session_cmd::MinutesCommand>,
    },
    /// A motion's progress or, once closed, its result; `verify` re-checks it.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Tally {
        #[arg(required = true)]
        motion: Option<String>,
        #[command(subcommand)]
        command: Option<TallyCommand>,
    },
    /// Open or close a member's microphone in the room's voice (the chair
    /// or the secretariat): the member with the floor and the chair are
    /// heard unless closed; others only once opened.
    Mic {
        /// The meeting (its id, or the first characters of it).
        meeting: String,
        /// The member's id (see `ecab people`).
        person: PersonId,
        /// open or close.
        state: MicState,
    },
    /// Record a member's attendance (secretariat), or check yourself in.
    Attendance {
        /// The meeting (its id, or the first characters of it).
        meeting: String,
        /// The member's id (see `ecab people`).
        person: PersonId,
        /// present, remote, absent or substituted.
        presence: String,
        /// Why absent.
        #[arg(long)]
        reason: Option<String>,
        /// Who sits in for the member (substituted).
        #[arg(long)]
        by: Option<PersonId>,
    },
    /// Meeting documents.
    Doc {
        #[command(subcommand)]
        command: DocCommand,
    },
    /// Document-exchange packages for the national interconnection axis (secretariat).
    Exchange {
        #[command(subcommand)]
        command: exchange_cmd::ExchangeCommand,
    },
    /// Reports for the national reporting system (secretariat).
    Report {
        #[command(subcommand)]
        command: report_cmd::ReportCommand,
    },
    /// Show a meeting's agenda, or change it.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Agenda {
        /// The meeting (its id, or the first characters of it).
        #[arg(required = true)]
        meeting: Option<String>,
        #[command(subcommand)]
        command: Option<AgendaCommand>,
    },
}

#[derive(Subcommand)]
enum MotionCommand {
    /// Put a question to the vote on an agenda item.
    Open {
        /// The agenda item (its id, or the first characters of it).
        item: String,
        #[arg(long)]
        question: String,
        /// Closes by itself at this time (RFC 3339).
        #[arg(long, value_parser = parse_time)]
        closes: Option<DateTime<Utc>>,
        /// simple or two-thirds.
        #[arg(long, default_value = "simple")]
        rule: ecabinet_domain::voting::MajorityRule,
        /// Majority of members present, or of all members.
        #[arg(long, default_value = "present")]
        of: ecabinet_domain::voting::MajorityBase,
        /// Fewest members present for the vote to count.
        #[arg(long)]
        quorum: Option<u32>,
        /// The options (default yes,no,abstain); the first carries the motion.
        #[arg(long, value_delimiter = ',')]
        options: Option<Vec<String>>,
    },
    /// Close a vote now and publish its result.
    Close { motion: String },
}

#[derive(Subcommand)]
enum OpinionCommand {
    /// Ask the members for written opinions on an item's draft (secretariat).
    Request {
        /// The agenda item (its id, or the first characters of it).
        item: String,
        /// Default: "Đề nghị cho ý kiến về: <the item's title>".
        #[arg(long)]
        question: Option<String>,
        /// RFC 3339, e.g. 2026-12-03T17:00:00+07:00
        #[arg(long, value_parser = parse_time)]
        deadline: DateTime<Utc>,
        /// Only these members (ids, comma-separated); default: all members.
        #[arg(long, value_delimiter = ',')]
        to: Option<Vec<PersonId>>,
        /// The answers (default agree,disagree,agree_with_comments).
        #[arg(long, value_delimiter = ',')]
        answers: Option<Vec<String>>,
        /// A substitute allowed to answer for a member: MEMBER_ID:SUBSTITUTE_ID (repeatable).
        #[arg(long)]
        mandate: Vec<String>,
        /// When to remind those who have not answered (RFC 3339, comma-separated).
        #[arg(long, value_delimiter = ',', value_parser = parse_time)]
        remind: Vec<DateTime<Utc>>,
    },
    /// Answer a request (signed; works offline, sent when the network is back).
    Answer {
        request: String,
        #[arg(long)]
        choice: String,
        #[arg(long, default_value = "")]
        comment: String,
        /// Answer for this member, under a mandate recorded for this request.
        #[arg(long = "for")]
        on_behalf_of: Option<PersonId>,
        /// Annotations in the draft the answer concerns (ids, comma-separated).
        #[arg(long, value_delimiter = ',')]
        annotations: Vec<ecabinet_domain::AnnotationId>,
    },
    /// Save a draft answer (private to your devices), or show it.
    Draft {
        request: String,
        #[arg(long)]
        choice: Option<String>,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Who has answered, who has not, time left (secretariat).
    Status { request: String },
    /// The summary of opinions: grouped by answer, every comment, signer, signature validity.
    Report {
        request: String,
        /// FILE.pdf, FILE.csv or FILE.json
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum TallyCommand {
    /// Re-check every ballot's signature and receipt, the rule and the count
    /// from the exported ballots, and that your own ballot is in as cast.
    Verify { motion: String },
}

#[derive(Subcommand)]
enum AnnotationCommand {
    /// Change a note's text or colour, or who it is shared with.
    Edit {
        /// The annotation (its id, or the first characters of it).
        annotation: String,
        #[arg(long)]
        text: Option<String>,
        #[arg(long)]
        colour: Option<String>,
        /// private (withdraws sharing), secretariat or participants.
        #[arg(long)]
        share: Option<ecabinet_domain::ops::ShareScope>,
    },
    /// Delete an annotation (on all your devices).
    Delete { annotation: String },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Print a one-time code that enrols another device of yours (`ecab enroll` on it).
    Link,
}

/// Marks on a document version: members read it in the app only.
#[derive(clap::Args, Default)]
struct HandlingArgs {
    /// Members may not print it.
    #[arg(long)]
    no_print: bool,
    /// Members may not take it out of the app (no rendered files, no text).
    #[arg(long)]
    no_export: bool,
}

impl HandlingArgs {
    fn handling(&self) -> ecabinet_domain::Handling {
        ecabinet_domain::Handling {
            no_print: self.no_print,
            no_export: self.no_export,
        }
    }
}

#[derive(Subcommand)]
enum DocCommand {
    /// Attach a PDF to an agenda item (secretariat): sealed on this device, key wrapped per device.
    Add {
        /// The agenda item (its id, or the first characters of it).
        item: String,
        #[arg(long)]
        file: PathBuf,
        /// Title shown to members (default: the file name).
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        handling: HandlingArgs,
    },
    /// What changed between two versions of a document (its pages' text, line by line).
    Changes {
        /// The document (its id, or the first characters of it).
        document: String,
        /// The earlier version (default: the one before the latest).
        #[arg(long)]
        from: Option<u32>,
    },
    /// Download a document into the encrypted cache, verify it against its signed
    /// manifest and decrypt it in memory; prints its size and SHA-256 (never the plaintext).
    Fetch {
        /// The document (its id, or the first characters of it).
        document: String,
    },
    /// Replace a document with a new revision (secretariat); earlier versions stay as history.
    Revise {
        document: String,
        #[arg(long)]
        file: PathBuf,
        /// New title (default: the current one).
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        handling: HandlingArgs,
        /// Lift the no-print / no-export marks the earlier version had.
        #[arg(long, conflicts_with_all = ["no_print", "no_export"])]
        unrestricted: bool,
    },
    /// Sign the latest version with a signing token (PAdES: a signature any
    /// PDF reader checks) and publish the signed PDF as the next version
    /// (secretariat). The PIN is asked, or read from ECAB_TOKEN_PIN.
    Sign {
        document: String,
        #[command(flatten)]
        token: token_cmd::TokenArgs,
        /// Why it is signed (shown by PDF readers).
        #[arg(long)]
        reason: Option<String>,
        /// Where it is signed.
        #[arg(long)]
        location: Option<String>,
    },
    /// The legal signatures in a document's latest version: who signed,
    /// when, whether it changed since, and whether the signer is trusted.
    Signatures {
        document: String,
        /// A folder of the trusted CA certificates (PEM or DER).
        #[arg(long, env = "ECAB_TRUST_ANCHORS")]
        trust_anchors: Option<PathBuf>,
    },
    /// The versions of a document.
    History { document: String },
    /// Who has opened a document (secretariat): each device's first
    /// opening, as it reported it with its next sync.
    Readers {
        document: String,
        /// A version other than the latest.
        #[arg(long)]
        version: Option<u32>,
    },
    /// Render a page to a PNG file, watermarked with your name, device and the time.
    Render {
        document: String,
        /// Page number, from 1.
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// Resolution in dots per inch (36–600).
        #[arg(long, default_value_t = 150.0)]
        dpi: f32,
        /// Where to write the PNG.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the text of a page.
    Text {
        document: String,
        #[arg(long, default_value_t = 1)]
        page: u32,
    },
    /// Find a phrase in a document (case-insensitive); lists pages and context.
    Search { document: String, phrase: String },
}

#[derive(Subcommand)]
enum MeetingCommand {
    /// Create a meeting.
    Create {
        #[arg(long)]
        title: String,
        /// Start time, RFC 3339, e.g. 2026-12-03T08:00:00+07:00
        #[arg(long, value_parser = parse_time)]
        starts: DateTime<Utc>,
        #[command(flatten)]
        details: MeetingDetailsArgs,
        /// Keep it a draft, seen by the secretariat only, until `ecab meeting publish`.
        #[arg(long)]
        draft: bool,
    },
    /// Change a meeting's title, start time, kind, place, participants or substitutes.
    Edit {
        /// The meeting (its id, or the first characters of it).
        meeting: String,
        #[arg(long)]
        title: Option<String>,
        /// New start time, RFC 3339.
        #[arg(long, value_parser = parse_time)]
        starts: Option<DateTime<Utc>>,
        #[command(flatten)]
        details: MeetingDetailsArgs,
    },
    /// Cancel a meeting (members see it as cancelled).
    Cancel { meeting: String },
    /// Publish a draft (members receive it with its agenda and documents), or a
    /// cancelled meeting again.
    Publish { meeting: String },
}

/// A meeting's kind, place, participants and substitutes.
#[derive(clap::Args, Default)]
struct MeetingDetailsArgs {
    /// regular, thematic or extraordinary.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<ecabinet_domain::MeetingKind>,
    #[arg(long)]
    place: Option<String>,
    /// Who is invited (person ids, comma-separated; see `ecab people`); default every member.
    #[arg(long, value_delimiter = ',')]
    participants: Option<Vec<PersonId>>,
    /// MEMBER:SUBSTITUTE (person ids): who stands in for whom; repeat for several.
    #[arg(long = "substitute", value_parser = parse_substitution)]
    substitutes: Vec<ecabinet_domain::Substitution>,
    /// Who chairs the session (a person id); default: the secretariat runs it.
    #[arg(long)]
    chair: Option<PersonId>,
}

impl MeetingDetailsArgs {
    fn given(&self) -> bool {
        self.kind.is_some()
            || self.place.is_some()
            || self.participants.is_some()
            || !self.substitutes.is_empty()
            || self.chair.is_some()
    }

    /// `base` with what was given on the command line.
    fn apply(self, mut base: ecabinet_domain::MeetingDetails) -> ecabinet_domain::MeetingDetails {
        if let Some(kind) = self.kind {
            base.kind = kind;
        }
        if let Some(place) = self.place {
            base.place = Some(place);
        }
        if let Some(participants) = self.participants {
            base.participants = participants;
        }
        if !self.substitutes.is_empty() {
            base.substitutes = self.substitutes;
        }
        if let Some(chair) = self.chair {
            base.chair = Some(chair);
        }
        base
    }
}

fn parse_kind(text: &str) -> Result<ecabinet_domain::MeetingKind, String> {
    ecabinet_domain::MeetingKind::parse(text.trim())
        .ok_or_else(|| "a meeting is regular, thematic or extraordinary".to_owned())
}

fn parse_item_status(text: &str) -> Result<ecabinet_domain::ItemStatus, String> {
    ecabinet_domain::ItemStatus::parse(text.trim()).ok_or_else(|| {
        "an item is scheduled, in_discussion, adopted, deferred or withdrawn".to_owned()
    })
}

fn parse_substitution(text: &str) -> Result<ecabinet_domain::Substitution, String> {
    let (member, substitute) = text
        .split_once(':')
        .ok_or_else(|| "write MEMBER:SUBSTITUTE with two person ids".to_owned())?;
    let id = |t: &str| {
        t.trim()
            .parse::<PersonId>()
            .map_err(|e| format!("{t:?}: {e}"))
    };
    Ok(ecabinet_domain::Substitution {
        member: id(member)?,
        substitute: id(substitute)?,
    })
}

#[derive(Subcommand)]
enum AgendaCommand {
    /// Move an item to another position on its agenda (secretariat).
    Move {
        /// The agenda item (its id, or the first characters of it).
        item: String,
        /// The new position, from 1.
        #[arg(long)]
        to: i32,
    },
    /// Append an item to a meeting's agenda.
    Add {
        /// The meeting (its id, or the first characters of it).
        meeting: String,
        #[arg(long)]
        title: String,
        /// Only these persons (ids, comma-separated; see `ecab people`) and the
        /// secretariat may read the item's documents; others see its title only.
        #[arg(long, value_delimiter = ',')]
        only: Option<Vec<PersonId>>,
        /// The ministry or agency presenting the item.
        #[arg(long)]
        ministry: Option<String>,
        /// A summary for the members.
        #[arg(long)]
        summary: Option<String>,
        /// What the secretariat proposes the cabinet decide.
        #[arg(long)]
        action: Option<String>,
        /// The member presenting the item (a person id): may show pages to everyone.
        #[arg(long)]
        presenter: Option<PersonId>,
    },
    /// Change an item's title, presenting ministry, summary, recommended action or status.
    Edit {
        /// The agenda item (its id, or the first characters of it).
        item: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        ministry: Option<String>,
        #[arg(long)]
        summary: Option<String>,
        #[arg(long)]
        action: Option<String>,
        /// scheduled, in_discussion, adopted, deferred or withdrawn.
        #[arg(long, value_parser = parse_item_status)]
        status: Option<ecabinet_domain::ItemStatus>,
        /// The member presenting the item (a person id).
        #[arg(long)]
        presenter: Option<PersonId>,
    },
    /// Restrict an item to named persons, or open it to all participants again.
    Access {
        /// The agenda item (its id, or the first characters of it).
        item: String,
        /// Ids of the persons who may read it, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        only: Option<Vec<PersonId>>,
        /// Open the item to all participants.
        #[arg(long)]
        all: bool,
    },
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{e}; write the time as RFC 3339, e.g. 2026-12-03T08:00:00+07:00"))
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            // The WebRTC stack warns of things that are normal on a LAN
            // (no server name for DTLS, checks before the answer arrives).
            tracing_subscriber::EnvFilter::try_from_env("ECAB_LOG").unwrap_or_else(|_| {
                "warn,rtc=error,rtc_dtls=error,rtc_ice=error,rtc_sctp=error,webrtc=error".into()
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let printer = Printer::new(cli.json);
    let profile = cli.profile.clone();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match run(cli, &printer).await {
            // Refused as revoked on a kept sign-in: the device is wiped now,
            // at its first contact since, whatever the command.
            Err(error) if error.code() == "device_revoked" => match Client::open(&profile).await {
                Ok(client) => Err(client.confirm_revocation(error).await),
                Err(_) => Err(error),
            },
            outcome => outcome,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            printer.error(&error);
            ExitCode::FAILURE
        }
    }
}

/// `ecab meeting cancel` and `ecab meeting publish`.
async fn set_meeting_status(
    profile: &std::path::Path,
    meeting: &str,
    status: MeetingStatus,
    out: &Printer,
) -> Result<(), ClientError> {
    let client = Client::open(profile).await?;
    let meeting = client.resolve_meeting(meeting).await?;
    let request = UpdateMeetingRequest {
        status: Some(status),
        ..Default::default()
    };
    out.meeting_created(&client.update_meeting(meeting, request).await?);
    waiting(&client, out).await?;
    Ok(())
}

/// What the legal signatures already in a file just attached say (checked
/// against this device's trust anchors), on stderr: a signature that does
/// not hold is said as loudly as one that does. The check runs beside the
/// attaching (sealing and uploading wait on the disk and the network;
/// reading and scanning a 100 MB scan again afterwards added a fifth to
/// `doc add`), and is printed after it.
fn note_signatures(
    checked: ecabinet_client::ClientResult<Vec<ecabinet_client::SignatureView>>,
    out: &Printer,
) {
    use ecabinet_client::{SignatureIntegrity, SignatureTrust};
    match checked {
        Ok(views) => {
            for (n, v) in views.iter().enumerate() {
                let integrity = match v.integrity {
                    SignatureIntegrity::Valid if v.changed_after_signing => {
                        "valid for what it signed; changed after"
                    }
                    SignatureIntegrity::Valid => "valid",
                    SignatureIntegrity::Modified => "INVALID: changed after signing",
                    SignatureIntegrity::BadSignature => "INVALID: does not match its certificate",
                    SignatureIntegrity::Unchecked => "not checked",
                };
                let trust = match v.trust {
                    SignatureTrust::Trusted => "trusted",
                    SignatureTrust::Untrusted => "NOT trusted",
                    SignatureTrust::OutsideValidity => "certificate NOT valid at the signing time",
                    SignatureTrust::NotChecked => "trust not checked (no trust anchors here)",
                };
                out.note(&format!(
                    "Signature {} in it: {} — {integrity}, {trust}",
                    n + 1,
                    v.signer.as_deref().unwrap_or("unknown signer")
                ));
            }
        }
        Err(error) => out.note(&format!("its signatures could not be checked: {error}")),
    }
}

/// After a command that works offline: says so when it has not gone out yet.
async fn waiting(client: &Client, out: &Printer) -> Result<bool, ClientError> {
    let waiting = client.sync_status().await?.waiting_to_send;
    if waiting > 0 {
        out.note(&format!(
            "Saved on this device; {waiting} change(s) wait to be sent: run `ecab sync` when online."
        ));
    }
    Ok(waiting > 0)
}

async fn run(cli: Cli, out: &Printer) -> Result<(), ClientError> {
    let profile = cli.profile;
    match cli.command {
        Command::Enroll {
            server,
            code,
            device_name,
        } => {
            let client = Client::enroll(&profile, &server, &code, device_name.as_deref()).await?;
            out.enrolled(&client.summary(), &profile);
            // A first sync right away, so `ecab meetings` works offline from now on.
            match client.sync().await {
                Ok(report) => out.note(&format!("synced: {} changes", report.changes_received)),
                Err(error) => out.note(&format!("enrolled, but the first sync failed: {error}")),
            }
            client.close().await;
        }
        Command::Status => {
            let client = Client::open(&profile).await?;
            out.status(&client.summary(), &client.sync_status().await?);
        }
        Command::Sync => {
            let client = Client::open(&profile).await?;
            let report = client.sync().await?;
            out.synced(client.profile().device_id, &report);
        }
        Command::Annotate {
            document,
            page,
            note,
            highlight,
            bookmark,
            colour,
            share,
        } => {
            let client = Client::open(&profile).await?;
            let document_id = client.resolve_document(&document).await?;
            let kind = if highlight.is_some() {
                AnnotationKind::Highlight
            } else if bookmark {
                AnnotationKind::Bookmark
            } else {
                AnnotationKind::Note
            };
            let view = client
                .annotate(NewAnnotation {
                    document_id,
                    kind: Some(kind),
                    page,
                    quote: highlight,
                    text: note,
                    colour,
                    share,
                    ..Default::default()
                })
                .await?;
            out.annotation_saved(&view);
        }
        Command::Annotations { document } => {
            let client = Client::open(&profile).await?;
            let document_id = client.resolve_document(&document).await?;
            out.annotations(&client.annotations(document_id).await?);
        }
        Command::Annotation { command } => {
            let client = Client::open(&profile).await?;
            let (reference, edit) = match command {
                AnnotationCommand::Edit {
                    annotation,
                    text,
                    colour,
                    share,
                } => {
                    if text.is_none() && colour.is_none() && share.is_none() {
                        return Err(ClientError::InvalidArgument(
                            "say what to change: --text, --colour or --share".into(),
                        ));
                    }
                    (
                        annotation,
                        AnnotationEdit {
                            text,
                            colour,
                            share,
                            ..Default::default()
                        },
                    )
                }
                AnnotationCommand::Delete { annotation } => (
                    annotation,
                    AnnotationEdit {
                        deleted: Some(true),
                        ..Default::default()
                    },
                ),
            };
            let id = client.resolve_annotation(&reference).await?;
            let view = client.edit_annotation(id, edit).await?;
            out.annotation_saved(&view);
        }
        Command::Watch { once } => {
            let client = Client::open(&profile).await?;
            let mut backoff = std::time::Duration::from_secs(1);
            loop {
                // Catch up first: the socket only says what happens from now on.
                match client.sync().await {
                    Ok(report) => out.synced(client.profile().device_id, &report),
                    Err(error) => out.note(&format!("offline: {error}")),
                }
                let (behind, mut poked) = tokio::sync::mpsc::unbounded_channel();
                let follow = client.follow_server(move |cursor| {
                    let _ = behind.send(cursor);
                });
                tokio::pin!(follow);
                let ended = loop {
                    tokio::select! {
                        ended = &mut follow => break ended,
                        Some(_) = poked.recv() => {
                            backoff = std::time::Duration::from_secs(1);
                            match client.sync().await {
                                Ok(report) => out.synced(client.profile().device_id, &report),
                                Err(error) => out.note(&format!("sync failed: {error}")),
                            }
                            if once {
                                return Ok(());
                            }
                        }
                    }
                };
                if let Err(error) = ended {
                    out.note(&format!(
                        "lost the server ({error}); retrying in {} s",
                        backoff.as_secs()
                    ));
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(std::time::Duration::from_secs(30));
            }
        }
        Command::Motion { command } => {
            let client = Client::open(&profile).await?;
            match command {
                MotionCommand::Open {
                    item,
                    question,
                    closes,
                    rule,
                    of,
                    quorum,
                    options,
                } => {
                    let item = client.resolve_agenda_item(&item).await?;
                    let motion = client
                        .open_motion(
                            item,
                            &ecabinet_domain::api::OpenMotionRequest {
                                question,
                                options,
                                rule,
                                base: of,
                                quorum,
                                closes_at: closes,
                            },
                        )
                        .await?;
                    out.motion(&motion);
                    waiting(&client, out).await?;
                }
                MotionCommand::Close { motion } => {
                    let id = client.resolve_motion(&motion).await?;
                    out.motion(&client.close_motion(id).await?);
                    waiting(&client, out).await?;
                }
            }
        }
        Command::Position {
            item,
            stance,
            reason,
        } => {
            let client = Client::open(&profile).await?;
            let item = client.resolve_agenda_item(&item).await?;
            let stance = match stance.trim().to_ascii_lowercase().as_str() {
                "no-objection" | "no_objection" => ecabinet_domain::positions::Stance::NoObjection,
                "objection" => ecabinet_domain::positions::Stance::Objection {
                    reason: reason.ok_or_else(|| {
                        ClientError::InvalidArgument("say why you object: --reason".into())
                    })?,
                },
                "speak" => ecabinet_domain::positions::Stance::Speak,
                other => {
                    return Err(ClientError::InvalidArgument(format!(
                    "{other:?} is not a position: use no-objection, objection --reason … or speak"
                )))
                }
            };
            let outcome = client.set_position(item, stance).await?;
            out.position_saved(item, &outcome);
            if let ecabinet_client::VoteOutcome::Refused { code, reason } = outcome {
                return Err(ClientError::Server {
                    status: 409,
                    code,
                    message: reason,
                });
            }
        }
        Command::Positions { meeting } => {
            let client = Client::open(&profile).await?;
            let meeting = client.resolve_meeting(&meeting).await?;
            if let Err(error) = client.sync().await {
                out.note(&format!(
                    "offline, showing what this device last heard: {error}"
                ));
            }
            out.positions(&client.positions(meeting).await?, &client.people().await?);
        }
        Command::Adopt { meeting, items } => {
            let client = Client::open(&profile).await?;
            let meeting = client.resolve_meeting(&meeting).await?;
            let items = match items {
                Some(references) => {
                    let mut ids = Vec::new();
                    for reference in references {
                        ids.push(client.resolve_agenda_item(&reference).await?);
                    }
                    Some(ids)
                }
                None => None,
            };
            let decisions = client.adopt_without_discussion(meeting, items).await?;
            out.adopted(&decisions);
            waiting(&client, out).await?;
        }
        Command::Opinions => {
            let client = Client::open(&profile).await?;
            if let Err(error) = client.sync().await {
                out.note(&format!(
                    "offline, showing what this device last heard: {error}"
                ));
            }
            out.opinion_requests(&client.opinion_requests().await?);
        }
        Command::Opinion { command } => {
            let client = Client::open(&profile).await?;
            match command {
                OpinionCommand::Request {
                    item,
                    question,
                    deadline,
                    to,
                    answers,
                    mandate,
                    remind,
                } => {
                    let item = client.resolve_agenda_item(&item).await?;
                    let mut mandates = Vec::new();
                    for text in mandate {
                        let (member, substitute) = text.split_once(':').ok_or_else(|| {
                            ClientError::InvalidArgument(format!(
                                "{text:?}: write a mandate as MEMBER_ID:SUBSTITUTE_ID"
                            ))
                        })?;
                        let parse = |id: &str| {
                            id.parse::<PersonId>().map_err(|_| {
                                ClientError::InvalidArgument(format!(
                                    "{id:?} is not a person id (see ecab people)"
                                ))
                            })
                        };
                        mandates.push(ecabinet_domain::opinions::Mandate {
                            member: parse(member)?,
                            substitute: parse(substitute)?,
                        });
                    }
                    let request = client
                        .request_opinions(
                            item,
                            &ecabinet_domain::api::RequestOpinionsRequest {
                                question: question.unwrap_or_default(),
                                deadline,
                                recipients: to,
                                answers,
                                documents: None,
                                mandates,
                                reminders: remind,
                            },
                        )
                        .await?;
                    out.opinion_request(&request);
                    waiting(&client, out).await?;
                }
                OpinionCommand::Answer {
                    request,
                    choice,
                    comment,
                    on_behalf_of,
                    annotations,
                } => {
                    let id = client.resolve_opinion_request(&request).await?;
                    let outcome = client
                        .answer_opinion(id, &choice, &comment, on_behalf_of, annotations)
                        .await?;
                    out.answered(id, &outcome);
                    if let ecabinet_client::VoteOutcome::Refused { code, reason } = outcome {
                        return Err(ClientError::Server {
                            status: 409,
                            code,
                            message: reason,
                        });
                    }
                }
                OpinionCommand::Draft {
                    request,
                    choice,
                    comment,
                } => {
                    let id = client.resolve_opinion_request(&request).await?;
                    if choice.is_some() || comment.is_some() {
                        let current = client.opinion_draft(id).await?;
                        let choice = choice
                            .or_else(|| current.as_ref().map(|d| d.choice.clone()))
                            .unwrap_or_default();
                        let comment = comment
                            .or_else(|| current.map(|d| d.comment))
                            .unwrap_or_default();
                        client.save_opinion_draft(id, &choice, &comment).await?;
                        out.note("draft saved: only your own devices can read it; it is not an answer until you submit it with `ecab opinion answer`");
                    } else {
                        match client.opinion_draft(id).await? {
                            Some(draft) => {
                                out.note(&format!("draft: {} — {}", draft.choice, draft.comment))
                            }
                            None => out.note("no draft for this request"),
                        }
                    }
                }
                OpinionCommand::Status { request } => {
                    let id = client.resolve_opinion_request(&request).await?;
                    let view = client.opinion_status(id).await?;
                    out.opinion_status(&view.status, &client.people().await?);
                }
                OpinionCommand::Report { request, out: path } => {
                    let id = client.resolve_opinion_request(&request).await?;
                    let status = client.opinion_report(id, &path).await?;
                    out.note(&format!(
                        "wrote {} ({} counted, {} late, {} not answered)",
                        path.display(),
                        status.counted.len(),
                        status.late.len(),
                        status.not_answered.len()
                    ));
                }
            }
        }
        Command::Vote { motion, choice } => {
            let client = Client::open(&profile).await?;
            let id = client.resolve_motion(&motion).await?;
            let outcome = client.vote(id, &choice).await?;
            out.voted(id, &outcome);
            if let ecabinet_client::VoteOutcome::Refused { code, reason } = outcome {
                return Err(ClientError::Server {
                    status: 409,
                    code,
                    message: reason,
                });
            }
        }
        Command::Session { meeting, command } => {
            let client = Client::open(&profile).await?;
            match (command, meeting) {
                (Some(command), _) => session_cmd::session(&client, out, command).await?,
                (None, Some(meeting)) => session_cmd::show_session(&client, out, &meeting).await?,
                (None, None) => {
                    return Err(ClientError::InvalidArgument("say which meeting".into()))
                }
            }
        }
        Command::Room { command } => {
            let client = Client::open(&profile).await?;
            room_cmd::room(client, out, command).await?;
        }
        Command::Speak {
            item,
            kind,
            command,
        } => {
            let client = Client::open(&profile).await?;
            session_cmd::speak(&client, out, item, kind, command).await?;
        }
        Command::Speakers { item } => {
            let client = Client::open(&profile).await?;
            session_cmd::speakers(&client, out, &item).await?;
        }
        Command::Floor { command } => {
            let client = Client::open(&profile).await?;
            session_cmd::floor(&client, out, command).await?;
        }
        Command::SpeakingTime { item, minutes } => {
            let client = Client::open(&profile).await?;
            session_cmd::speaking_time(&client, out, &item, minutes).await?;
        }
        Command::Present {
            document,
            page,
            version,
            zoom,
        } => {
            let client = Client::open(&profile).await?;
            session_cmd::present(&client, out, &document, version, page, zoom).await?;
        }
        Command::Follow { meeting, once } => {
            let client = Client::open(&profile).await?;
            session_cmd::follow(&client, out, &meeting, once).await?;
        }
        Command::Minutes {
            meeting,
            out: file,
            lang,
            command,
        } => {
            let client = Client::open(&profile).await?;
            session_cmd::minutes(&client, out, meeting, file, lang, command).await?;
        }
        Command::Tally { motion, command } => {
            let client = Client::open(&profile).await?;
            match (command, motion) {
                (Some(TallyCommand::Verify { motion }), _) => {
                    let id = client.resolve_motion(&motion).await?;
                    let _ = client.sync().await;
                    let verification = client.verify_tally(id).await?;
                    out.verification(&verification);
                    if !verification.verified() {
                        return Err(ClientError::InvalidArgument(
                            "the tally did not verify (see above)".into(),
                        ));
                    }
                }
                (None, Some(motion)) => {
                    let id = client.resolve_motion(&motion).await?;
                    if let Err(error) = client.sync().await {
                        out.note(&format!(
                            "offline, showing what this device last heard: {error}"
                        ));
                    }
                    out.motion(&client.motion(id).await?);
                }
                (None, None) => {
                    return Err(ClientError::InvalidArgument("say which motion".into()))
                }
            }
        }
        Command::Mic {
            meeting,
            person,
            state,
        } => {
            let client = Client::open(&profile).await?;
            session_cmd::microphone(&client, out, &meeting, person, state == MicState::Open)
                .await?;
        }
        Command::Attendance {
            meeting,
            person,
            presence,
            reason,
            by,
        } => {
            let client = Client::open(&profile).await?;
            let meeting = client.resolve_meeting(&meeting).await?;
            let presence = match presence.trim().to_ascii_lowercase().as_str() {
                "present" => ecabinet_domain::voting::Presence::Present,
                "remote" => ecabinet_domain::voting::Presence::Remote,
                "absent" => ecabinet_domain::voting::Presence::Absent { reason },
                "substituted" => ecabinet_domain::voting::Presence::Substituted { by },
                other => {
                    return Err(ClientError::InvalidArgument(format!(
                        "{other:?} is not an attendance: use present, remote, absent or substituted"
                    )))
                }
            };
            let recorded = client.record_attendance(meeting, person, presence).await?;
            out.attendance(&recorded);
            waiting(&client, out).await?;
        }
        Command::People => {
            let client = Client::open(&profile).await?;
            out.people(&client.people().await?);
        }
        Command::Invite { name, role, person } => {
            let client = Client::open(&profile).await?;
            out.invited(&client.invite(name.as_deref(), role, person).await?);
            if waiting(&client, out).await? {
                out.note("The code works once it has been sent.");
            }
        }
        Command::Devices => {
            let client = Client::open(&profile).await?;
            out.devices(&client.devices().await?);
        }
        Command::Token { command } => token_cmd::run(command, out)?,
        Command::Report { command } => report_cmd::run(&profile, command, out).await?,
        Command::Exchange { command } => exchange_cmd::run(&profile, command, out).await?,
        Command::Audit {
            person,
            device,
            since,
            out: file,
        } => {
            let client = Client::open(&profile).await?;
            let entries = client
                .audit(ecabinet_domain::api::AuditQuery {
                    person,
                    device,
                    since,
                    after: None,
                })
                .await?;
            match file {
                Some(path) => {
                    std::fs::write(&path, output::audit_csv(&entries)).map_err(|source| {
                        ClientError::Io {
                            path: path.display().to_string(),
                            source,
                        }
                    })?;
                    out.note(&format!(
                        "{} entries written to {}",
                        entries.len(),
                        path.display()
                    ));
                }
                None => out.audit(&entries),
            }
        }
        Command::Device {
            command: DeviceCommand::Link,
        } => {
            let client = Client::open(&profile).await?;
            out.invited(&client.link_device().await?);
            if waiting(&client, out).await? {
                out.note("The code works once it has been sent.");
            }
        }
        Command::Revoke { device } => {
            let client = Client::open(&profile).await?;
            client.revoke_device(device).await?;
            if client.sync_status().await?.waiting_to_send == 0 {
                out.note(&format!(
                    "Device {device} is revoked: it receives nothing more and erases its documents and keys at its next contact."
                ));
            } else {
                out.note(&format!(
                    "The revocation of device {device} is saved on this device and takes effect when it is sent: run `ecab sync` when online."
                ));
            }
        }
        Command::Keys => {
            let client = Client::open(&profile).await?;
            let pending = client.pending_keys().await?;
            out.pending_keys(&pending, &client.people().await?);
        }
        Command::Prefetch => {
            let client = Client::open(&profile).await?;
            let done = client
                .prefetch(|progress| out.prefetch_progress(progress))
                .await?;
            out.prefetched(client.profile().device_id, &done);
        }
        Command::Meetings => {
            let client = Client::open(&profile).await?;
            out.meetings(&client.meetings().await?);
        }
        Command::Meeting {
            command:
                MeetingCommand::Create {
                    title,
                    starts,
                    details,
                    draft,
                },
        } => {
            let client = Client::open(&profile).await?;
            let request = ecabinet_domain::api::CreateMeetingRequest {
                title,
                starts_at: starts,
                details: details.apply(Default::default()),
                draft,
            };
            out.meeting_created(&client.create_meeting_with(request).await?);
            waiting(&client, out).await?;
        }
        Command::Meeting {
            command:
                MeetingCommand::Edit {
                    meeting,
                    title,
                    starts,
                    details,
                },
        } => {
            if title.is_none() && starts.is_none() && !details.given() {
                return Err(ClientError::InvalidArgument(
                    "give --title, --starts, --kind, --place, --participants, --substitute or --chair to change"
                        .into(),
                ));
            }
            let client = Client::open(&profile).await?;
            let meeting = client.resolve_meeting(&meeting).await?;
            let details = if details.given() {
                let current = client.agenda(meeting).await?.meeting.details;
                Some(details.apply(current))
            } else {
                None
            };
            let request = UpdateMeetingRequest {
                title,
                starts_at: starts,
                status: None,
                details,
            };
            out.meeting_created(&client.update_meeting(meeting, request).await?);
            waiting(&client, out).await?;
        }
        Command::Meeting {
            command: MeetingCommand::Cancel { meeting },
        } => set_meeting_status(&profile, &meeting, MeetingStatus::Cancelled, out).await?,
        Command::Meeting {
            command: MeetingCommand::Publish { meeting },
        } => set_meeting_status(&profile, &meeting, MeetingStatus::Published, out).await?,
        Command::Doc {
            command:
                DocCommand::Add {
                    item,
                    file,
                    title,
                    handling,
                },
        } => {
            let client = Client::open(&profile).await?;
            let item = client.resolve_agenda_item(&item).await?;
            let (added, signatures) = client
                .add_document_checking_signatures(
                    item,
                    &file,
                    title.as_deref(),
                    handling.handling(),
                )
                .await?;
            out.document_added(&added);
            note_signatures(signatures, out);
            waiting(&client, out).await?;
        }
        Command::Doc {
            command:
                DocCommand::Revise {
                    document,
                    file,
                    title,
                    handling,
                    unrestricted,
                },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            let handling = if unrestricted {
                Some(ecabinet_domain::Handling::default())
            } else if handling.no_print || handling.no_export {
                Some(handling.handling())
            } else {
                None
            };
            let (revised, signatures) = client
                .revise_document_checking_signatures(document, &file, title.as_deref(), handling)
                .await?;
            out.document_added(&revised);
            note_signatures(signatures, out);
            waiting(&client, out).await?;
        }
        Command::Doc {
            command:
                DocCommand::Sign {
                    document,
                    token,
                    reason,
                    location,
                },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            let signer = token_cmd::open_signer(&token)?;
            let details = ecabinet_sign::SignatureDetails {
                reason,
                location,
                at: ecabinet_domain::clock::cabinet_now(),
            };
            out.document_added(
                &client
                    .sign_document(document, Box::new(signer), &details)
                    .await?,
            );
            waiting(&client, out).await?;
        }
        Command::Doc {
            command:
                DocCommand::Signatures {
                    document,
                    trust_anchors,
                },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            let anchors = match trust_anchors {
                Some(dir) => ecabinet_sign::load_anchors(&dir).map_err(ClientError::from)?,
                None => Vec::new(),
            };
            token_cmd::print_signatures(
                &client.document_signatures(document, &anchors).await?,
                out,
            );
        }
        Command::Doc {
            command: DocCommand::History { document },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            out.history(&client.document_history(document).await?);
        }
        Command::Doc {
            command: DocCommand::Readers { document, version },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            out.readers(&client.document_readers(document, version).await?);
        }
        Command::Doc {
            command: DocCommand::Fetch { document },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            let (fetched, _plaintext) = client.open_document(document).await?;
            out.document_fetched(&fetched);
        }
        Command::Doc {
            command:
                DocCommand::Render {
                    document,
                    page,
                    dpi,
                    out: path,
                },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            client.check_export(document).await?;
            let rendered = client.render_page(document, page, dpi).await?;
            std::fs::write(&path, &rendered.png).map_err(|source| ClientError::Io {
                path: path.display().to_string(),
                source,
            })?;
            out.page_rendered(document, &rendered, &path);
        }
        Command::Doc {
            command: DocCommand::Text { document, page },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            client.check_export(document).await?;
            out.page_text(document, page, &client.page_text(document, page).await?);
        }
        Command::Doc {
            command: DocCommand::Changes { document, from },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            client.check_export(document).await?;
            out.document_changes(&client.document_changes(document, from).await?);
        }
        Command::Doc {
            command: DocCommand::Search { document, phrase },
        } => {
            let client = Client::open(&profile).await?;
            let document = client.resolve_document(&document).await?;
            client.check_export(document).await?;
            out.search_hits(
                document,
                &phrase,
                &client.search_document(document, &phrase).await?,
            );
        }
        Command::Agenda {
            command:
                Some(AgendaCommand::Add {
                    meeting,
                    title,
                    only,
                    ministry,
                    summary,
                    action,
                    presenter,
                }),
            ..
        } => {
            let client = Client::open(&profile).await?;
            let meeting = client.resolve_meeting(&meeting).await?;
            let details = ecabinet_domain::ItemDetails {
                presenting_ministry: ministry,
                summary,
                recommended_action: action,
                presenter,
                ..Default::default()
            };
            out.agenda_item_added(
                &client
                    .add_agenda_item_with(meeting, &title, only, details)
                    .await?,
            );
            waiting(&client, out).await?;
        }
        Command::Agenda {
            command: Some(AgendaCommand::Move { item, to }),
            ..
        } => {
            let client = Client::open(&profile).await?;
            let item = client.resolve_agenda_item(&item).await?;
            for moved in client.move_agenda_item(item, to).await? {
                out.agenda_item_added(&moved);
            }
            waiting(&client, out).await?;
        }
        Command::Agenda {
            command:
                Some(AgendaCommand::Edit {
                    item,
                    title,
                    ministry,
                    summary,
                    action,
                    status,
                    presenter,
                }),
            ..
        } => {
            let client = Client::open(&profile).await?;
            let item = client.resolve_agenda_item(&item).await?;
            let current = client.agenda_item(item).await?;
            let mut details = current.details.clone();
            let changed_details = ministry.is_some()
                || summary.is_some()
                || action.is_some()
                || status.is_some()
                || presenter.is_some();
            if let Some(presenter) = presenter {
                details.presenter = Some(presenter);
            }
            if let Some(ministry) = ministry {
                details.presenting_ministry = Some(ministry);
            }
            if let Some(summary) = summary {
                details.summary = Some(summary);
            }
            if let Some(action) = action {
                details.recommended_action = Some(action);
            }
            if let Some(status) = status {
                details.status = status;
            }
            if title.is_none() && !changed_details {
                return Err(ClientError::InvalidArgument(
                    "give --title, --ministry, --summary, --action, --status or --presenter to change".into(),
                ));
            }
            let request = ecabinet_domain::api::UpdateAgendaItemRequest {
                title,
                details: changed_details.then_some(details),
            };
            out.agenda_item_added(&client.update_agenda_item(item, request).await?);
            waiting(&client, out).await?;
        }
        Command::Agenda {
            command: Some(AgendaCommand::Access { item, only, all }),
            ..
        } => {
            let client = Client::open(&profile).await?;
            let item = client.resolve_agenda_item(&item).await?;
            let only = if all { None } else { only };
            out.agenda_item_added(&client.set_item_access(item, only).await?);
            waiting(&client, out).await?;
        }
        Command::Agenda {
            meeting: Some(meeting),
            command: None,
        } => {
            let client = Client::open(&profile).await?;
            let meeting = client.resolve_meeting(&meeting).await?;
            out.agenda(&client.agenda(meeting).await?, &client.people().await?);
        }
        Command::Agenda {
            meeting: None,
            command: None,
        } => {
            return Err(ClientError::InvalidArgument(
                "give a meeting: ecab agenda MEETING (see ecab meetings)".into(),
            ))
        }
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum MicState {
    Open,
    Close,
}
