//! The authorisation matrix, second and third dimensions: who calls × what
//! they name. One world on one server (a secretary; members A, B and O; S
//! standing in for B; a device with an expired session, a revoked one, one
//! enrolled on another server and a secretary of a second organisation in
//! the same database) and its objects (a published meeting with an open and
//! a restricted item, a meeting of B's that the others are not invited to,
//! a draft meeting, documents, motions, opinion requests, devices, an
//! annotation). Then every route of the router is called by every kind of
//! caller on every kind of object that applies to it, with a valid body,
//! and must answer as its row says, `{code, message}` for a refusal, and
//! store nothing when it refuses. The same for every op kind and every
//! command through `POST /v1/ops`. The routes, op kinds and commands are read
//! from the server's and the domain's source: one added without a row here
//! fails this test. On SQLite and PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, ensure, Context, Result};
use chrono::{Duration, SubsecRound, Utc};
use ecabinet_domain::api::{
    AddAgendaItemRequest, AddPersonKeysRequest, AdoptRequest, AttendanceRequest,
    CreateMeetingRequest, InviteRequest, MoveAgendaItemRequest, OpenMotionRequest,
    PersonKeyEnvelope, PublishDocumentRequest, RequestOpinionsRequest, SetItemAccessRequest,
    UpdateAgendaItemRequest, UpdateMeetingRequest, WithId,
};
use ecabinet_domain::ops::{
    AnnotationOp, Bytes, Command, DocumentRef, OpBody, OpResult, OpinionDraftOp, OpinionOp,
    PersonKeyWrap, PositionOp, PushResponse,
};
use ecabinet_domain::session::room::{RoomSignal, RoomSignalRequest, VoiceJoin};
use ecabinet_domain::session::{
    FloorRequestId, LiveEvent, LiveEventBody, LiveEventId, SignedLiveEvent, SpeechKind,
};
use ecabinet_domain::voting::{MajorityBase, MajorityRule, Presence};
use ecabinet_domain::{
    wire, AgendaItemId, AnnotationId, DeviceId, DocumentId, DocumentManifest, ItemDetails,
    MeetingDetails, MeetingId, MotionId, OpinionRequestId, Organisation, OrganisationId, Person,
    PersonId, PersonKeyId, Role, Substitution,
};
use ecabinet_e2e::{Backend, RawDevice, TestServer};
use serde_json::json;

// ---------------------------------------------------------------------------
// Callers and objects
// ---------------------------------------------------------------------------

/// Who makes the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    NoToken,
    ExpiredSession,
    RevokedDevice,
    /// A device enrolled on another server: its token means nothing here.
    AnotherServer,
    /// A secretary of a second organisation in the same database, with a
    /// valid session: the organisation filters are what refuse them.
    AnotherOrganisation,
    /// Member O: invited to the meeting, not on the restricted item's list.
    NotOnList,
    /// Member A: invited, on the restricted item's list.
    Member,
    /// S, standing in for B in the meeting (and on the item's list).
    Substitute,
    Secretary,
}

/// Refusals first, the secretariat last: what an allowed call changes
/// (a motion closed, a device revoked) never turns a later refusal into
/// another answer.
const CALLERS: [Who; 9] = [
    Who::NoToken,
    Who::ExpiredSession,
    Who::RevokedDevice,
    Who::AnotherServer,
    Who::AnotherOrganisation,
    Who::NotOnList,
    Who::Member,
    Who::Substitute,
    Who::Secretary,
];

/// What the request names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Object {
    /// The route names nothing (a list, a creation).
    Nothing,
    /// The caller's own: their device, person, attendance, annotation, or
    /// the published meeting they are invited to (its open item, document,
    /// motion, opinion request).
    Own,
    /// Another person's: B's device, person, attendance, annotation; an
    /// opinion in B's name.
    Others,
    /// B's meeting, to which A, O and S are not invited (its item, motion).
    Uninvited,
    /// The draft meeting (its item, document).
    Draft,
    /// The restricted item (its document, motion, opinion request).
    Restricted,
}

/// What a cell expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// A success (2xx).
    Ok,
    /// Refused: this status and code, and nothing stored.
    Refused(u16, &'static str),
    /// Authorised, then stopped for a reason that is not who asked (a
    /// session not started, a bogus manifest, a draft's conflict): a success
    /// would need a whole workflow. This status and code, nothing stored.
    Passes(u16, &'static str),
    /// Authorised; the answer depends on the surroundings (a WebSocket
    /// request without the upgrade, a room signal to a device with no
    /// socket): neither 401, 403 nor 404, and nothing stored if refused.
    NotRefused,
}

use Expect::{NotRefused, Ok as Allowed, Passes, Refused};

const FORBIDDEN: Expect = Refused(403, "forbidden");
const NOT_FOUND: Expect = Refused(404, "not_found");

fn member(who: Who) -> bool {
    matches!(who, Who::NotOnList | Who::Member | Who::Substitute)
}

/// The organisation filters: another organisation's caller learns nothing
/// of ours (a route that names nothing answers with their own, empty data).
fn foreign(object: Object) -> Expect {
    if object == Object::Nothing {
        Allowed
    } else {
        NOT_FOUND
    }
}

// ---------------------------------------------------------------------------
// The route table
// ---------------------------------------------------------------------------

/// Who may call a route, before the services decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gate {
    /// No session: answers every caller alike, whatever token it shows.
    Public,
    /// The request's body, not a bearer token, says who it is (enrolment,
    /// the challenge, the token): `tests/tests/enrolment.rs` and
    /// `authorisation.rs` cover them; no caller × object cells here.
    Identified,
    /// A session, then the services decide (the expectation function).
    Session,
}

struct Route {
    method: &'static str,
    path: &'static str,
    gate: Gate,
    /// The kinds of object this route is called on (`Nothing` when it
    /// names none); the other kinds do not apply to it.
    objects: &'static [Object],
    /// The answer to an authenticated caller of this organisation or the
    /// other (the unauthenticated ones are refused alike everywhere).
    expect: fn(Who, Object) -> Expect,
}

const NOTHING: &[Object] = &[Object::Nothing];
const MEETINGS: &[Object] = &[Object::Own, Object::Uninvited, Object::Draft];
const ITEMS: &[Object] = &[
    Object::Own,
    Object::Uninvited,
    Object::Draft,
    Object::Restricted,
];
const DOCUMENTS: &[Object] = &[Object::Own, Object::Draft, Object::Restricted];
const MOTIONS: &[Object] = &[Object::Own, Object::Uninvited, Object::Restricted];
const OPINION_REQUESTS: &[Object] = &[Object::Own, Object::Restricted];
const PERSONAL: &[Object] = &[Object::Own, Object::Others];
const ATTENDANCE: &[Object] = &[
    Object::Own,
    Object::Others,
    Object::Uninvited,
    Object::Draft,
];

fn anyone(_: Who, _: Object) -> Expect {
    Allowed
}

/// `require_secretary` before anything is looked up: members get 403 for
/// any object, so it tells them nothing.
fn secretariat(who: Who, object: Object) -> Expect {
    match who {
        Who::Secretary => Allowed,
        Who::AnotherOrganisation => foreign(object),
        _ => FORBIDDEN,
    }
}

/// The secretariat's, and a draft meeting first needs publishing.
fn secretariat_published(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::Secretary, Object::Draft) => Passes(409, "conflict"),
        _ => secretariat(who, object),
    }
}

/// The secretariat's; the new-version upload of a published one conflicts.
fn secretariat_upload(who: Who, _: Object) -> Expect {
    match who {
        Who::Secretary => Passes(409, "conflict"),
        // Found by this test: `put_chunk` checked no organisation, so
        // another organisation's secretary learned that our document
        // existed (409), and could write chunks of a version not yet
        // published. Now not found.
        Who::AnotherOrganisation => NOT_FOUND,
        _ => FORBIDDEN,
    }
}

/// What only whoever runs the meeting does (secretariat or chair); members
/// get 403 once the meeting is looked up (404 for a draft, which they do
/// not know of).
fn runs_meeting(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::Secretary, _) => Allowed,
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        (_, Object::Draft) => NOT_FOUND,
        _ => FORBIDDEN,
    }
}

/// Opening a vote: the item is looked up, then the caller must run its
/// meeting, then the meeting must be published.
fn open_motion(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::Secretary, Object::Draft) => Passes(409, "conflict"),
        (Who::Secretary, _) => Allowed,
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        // Members are refused as not running the meeting, the draft's item
        // included (a 403, not the 404 of an item that does not exist).
        _ => FORBIDDEN,
    }
}

/// Reading a published document version: the organisation's members,
/// except a restricted item's outsiders; a draft's exist for the
/// secretariat only.
fn read_document(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        (Who::Secretary, _) => Allowed,
        (_, Object::Draft) => NOT_FOUND,
        // The item's title is on everyone's agenda: its outsiders are told
        // it is restricted, not that it does not exist.
        (Who::NotOnList, Object::Restricted) => FORBIDDEN,
        _ => Allowed,
    }
}

/// Reading a meeting's session log: the whole organisation (live events are
/// ids and times, sent to every device of it), but not a draft's.
fn session_log(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        (Who::Secretary, _) => Allowed,
        (_, Object::Draft) => NOT_FOUND,
        _ => Allowed,
    }
}

/// A room's facts: its participants only.
fn room_info(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        (Who::Secretary, _) => Allowed,
        (_, Object::Draft) => NOT_FOUND,
        (_, Object::Uninvited) => FORBIDDEN,
        _ => Allowed,
    }
}

/// A live event (a floor request on the meeting's item, before the session
/// started): participants pass to the session's rules.
fn live_event(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        (Who::Secretary, Object::Draft) => Passes(409, "conflict"),
        (Who::Secretary, _) => Passes(409, "session_not_started"),
        (_, Object::Draft) => NOT_FOUND,
        (_, Object::Uninvited) => FORBIDDEN,
        _ => Passes(409, "session_not_started"),
    }
}

/// A room signal to B's device: participants pass; whether it is relayed
/// depends on B's socket (none here) and the database (PostgreSQL relays
/// through a notification).
fn room_signal(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        (Who::Secretary, _) => NotRefused,
        (_, Object::Draft) => NOT_FOUND,
        (_, Object::Uninvited) => FORBIDDEN,
        _ => NotRefused,
    }
}

/// Joining the voice with an offer that is not one: participants pass to
/// the voice forwarding, which cannot answer it.
fn voice_join(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        (Who::Secretary, Object::Draft) => Passes(409, "conflict"),
        (Who::Secretary, _) => Passes(400, "bad_request"),
        (_, Object::Draft) => NOT_FOUND,
        (_, Object::Uninvited) => FORBIDDEN,
        _ => Passes(400, "bad_request"),
    }
}

/// A closed vote's ballots: whoever may read its item.
fn motion_export(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        (Who::NotOnList, Object::Restricted) => FORBIDDEN,
        _ => Allowed,
    }
}

/// Attendance: the secretariat records anyone's (a member's only); a member
/// checks themselves in, in meetings they are invited to.
fn attendance(who: Who, object: Object) -> Expect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        (Who::Secretary, Object::Draft) => Passes(409, "conflict"),
        // The secretary is not a cabinet member: no attendance of theirs.
        (Who::Secretary, Object::Own | Object::Uninvited) => Passes(400, "bad_request"),
        (Who::Secretary, _) => Allowed,
        // Found by this test: a member who named a draft meeting was told it
        // was a draft (409) instead of not found.
        (_, Object::Draft) => NOT_FOUND,
        (_, Object::Others) => FORBIDDEN,
        // Found by this test: a member could check themselves in to a
        // meeting they are not invited to (and their ballots were counted).
        (_, Object::Uninvited) => FORBIDDEN,
        _ => Allowed,
    }
}

/// Linking another device (an invite) or revoking one: a person's own,
/// or the secretariat's for anyone of its organisation.
fn own_or_secretariat(who: Who, object: Object) -> Expect {
    match (who, object) {
        (_, Object::Own) => Allowed,
        (Who::Secretary, _) => Allowed,
        (Who::AnotherOrganisation, _) => NOT_FOUND,
        _ => FORBIDDEN,
    }
}

/// Revoking: as linking, but the device is looked up first and the owner
/// checked after, so another organisation's secretary gets 403.
fn revoke_device(who: Who, object: Object) -> Expect {
    match (who, object) {
        (_, Object::Own) => Allowed,
        (Who::Secretary, _) => Allowed,
        _ => FORBIDDEN,
    }
}

/// Person keys go to the caller's own active devices only.
fn person_keys(_: Who, object: Object) -> Expect {
    match object {
        Object::Own => Allowed,
        _ => FORBIDDEN,
    }
}

/// A manifest that is well formed but not signed: the secretariat (of
/// either organisation) passes to its check.
fn publish_document(who: Who, _: Object) -> Expect {
    match who {
        Who::Secretary | Who::AnotherOrganisation => Passes(400, "bad_request"),
        _ => FORBIDDEN,
    }
}

/// A WebSocket route asked without the upgrade: refused by the HTTP layer
/// after the session is checked.
fn not_upgraded(_: Who, _: Object) -> Expect {
    NotRefused
}

const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/healthz",
        gate: Gate::Public,
        objects: NOTHING,
        expect: anyone,
    },
    Route {
        method: "GET",
        path: "/v1/openapi.json",
        gate: Gate::Public,
        objects: NOTHING,
        expect: anyone,
    },
    // From this machine, whatever token is shown (`http_api.rs` checks
    // another machine's).
    Route {
        method: "GET",
        path: "/metrics",
        gate: Gate::Public,
        objects: NOTHING,
        expect: anyone,
    },
    Route {
        method: "POST",
        path: "/v1/enroll",
        gate: Gate::Identified,
        objects: &[],
        expect: anyone,
    },
    Route {
        method: "POST",
        path: "/v1/auth/challenge",
        gate: Gate::Identified,
        objects: &[],
        expect: anyone,
    },
    Route {
        method: "POST",
        path: "/v1/auth/token",
        gate: Gate::Identified,
        objects: &[],
        expect: anyone,
    },
    Route {
        method: "GET",
        path: "/v1/changes",
        gate: Gate::Session,
        objects: NOTHING,
        expect: anyone,
    },
    Route {
        method: "POST",
        path: "/v1/meetings",
        gate: Gate::Session,
        objects: NOTHING,
        expect: secretariat,
    },
    Route {
        method: "PATCH",
        path: "/v1/meetings/{meeting}",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: secretariat,
    },
    Route {
        method: "POST",
        path: "/v1/meetings/{meeting}/agenda",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: secretariat,
    },
    Route {
        method: "GET",
        path: "/v1/recipients",
        gate: Gate::Session,
        objects: ITEMS,
        expect: secretariat,
    },
    Route {
        method: "POST",
        path: "/v1/invites",
        gate: Gate::Session,
        objects: PERSONAL,
        expect: own_or_secretariat,
    },
    Route {
        method: "GET",
        path: "/v1/policy",
        gate: Gate::Session,
        objects: NOTHING,
        expect: anyone,
    },
    Route {
        method: "GET",
        path: "/v1/devices",
        gate: Gate::Session,
        objects: NOTHING,
        expect: anyone,
    },
    Route {
        method: "GET",
        path: "/v1/audit",
        gate: Gate::Session,
        objects: NOTHING,
        expect: anyone,
    },
    Route {
        method: "GET",
        path: "/v1/documents/{document}/versions/{version}/readers",
        gate: Gate::Session,
        objects: DOCUMENTS,
        expect: secretariat,
    },
    Route {
        method: "POST",
        path: "/v1/devices/{device}/revoke",
        gate: Gate::Session,
        objects: PERSONAL,
        expect: revoke_device,
    },
    Route {
        method: "PUT",
        path: "/v1/agenda/{item}/access",
        gate: Gate::Session,
        objects: ITEMS,
        expect: secretariat,
    },
    Route {
        method: "POST",
        path: "/v1/documents",
        gate: Gate::Session,
        objects: NOTHING,
        expect: publish_document,
    },
    Route {
        method: "GET",
        path: "/v1/documents/{document}/versions/{version}/key",
        gate: Gate::Session,
        objects: DOCUMENTS,
        expect: read_document,
    },
    Route {
        method: "POST",
        path: "/v1/documents/{document}/versions/{version}/keys",
        gate: Gate::Session,
        objects: DOCUMENTS,
        expect: secretariat,
    },
    Route {
        method: "GET",
        path: "/v1/pending-keys",
        gate: Gate::Session,
        objects: NOTHING,
        expect: secretariat,
    },
    // An empty signed push here; every op kind and command has its own
    // rows in `OP_ROWS`.
    Route {
        method: "POST",
        path: "/v1/ops",
        gate: Gate::Session,
        objects: NOTHING,
        expect: anyone,
    },
    Route {
        method: "GET",
        path: "/v1/person-keys",
        gate: Gate::Session,
        objects: NOTHING,
        expect: anyone,
    },
    Route {
        method: "POST",
        path: "/v1/person-keys",
        gate: Gate::Session,
        objects: PERSONAL,
        expect: person_keys,
    },
    Route {
        method: "GET",
        path: "/v1/events",
        gate: Gate::Session,
        objects: NOTHING,
        expect: not_upgraded,
    },
    Route {
        method: "GET",
        path: "/v1/meetings/{meeting}/session",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: session_log,
    },
    Route {
        method: "POST",
        path: "/v1/meetings/{meeting}/session/events",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: live_event,
    },
    Route {
        method: "GET",
        path: "/v1/meetings/{meeting}/room",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: room_info,
    },
    // The secretary's check-in names its device the room's hub: the next
    // row releases it at once, before its lease could run out and stop the
    // server ordering those meetings' logs.
    Route {
        method: "POST",
        path: "/v1/meetings/{meeting}/room/hub",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: runs_meeting,
    },
    Route {
        method: "DELETE",
        path: "/v1/meetings/{meeting}/room/hub",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: runs_meeting,
    },
    Route {
        method: "POST",
        path: "/v1/meetings/{meeting}/room/signal",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: room_signal,
    },
    Route {
        method: "POST",
        path: "/v1/meetings/{meeting}/voice",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: voice_join,
    },
    Route {
        method: "POST",
        path: "/v1/agenda/{item}/motions",
        gate: Gate::Session,
        objects: ITEMS,
        expect: open_motion,
    },
    Route {
        method: "POST",
        path: "/v1/motions/{motion}/close",
        gate: Gate::Session,
        objects: MOTIONS,
        expect: runs_meeting,
    },
    Route {
        method: "POST",
        path: "/v1/meetings/{meeting}/adopt",
        gate: Gate::Session,
        objects: MEETINGS,
        expect: secretariat_published,
    },
    Route {
        method: "POST",
        path: "/v1/agenda/{item}/opinions",
        gate: Gate::Session,
        objects: ITEMS,
        expect: secretariat_published,
    },
    Route {
        method: "POST",
        path: "/v1/agenda/{item}/move",
        gate: Gate::Session,
        objects: ITEMS,
        expect: secretariat,
    },
    Route {
        method: "GET",
        path: "/v1/opinions/{request}/status",
        gate: Gate::Session,
        objects: OPINION_REQUESTS,
        expect: secretariat,
    },
    Route {
        method: "GET",
        path: "/v1/motions/{motion}/export",
        gate: Gate::Session,
        objects: MOTIONS,
        expect: motion_export,
    },
    Route {
        method: "PUT",
        path: "/v1/meetings/{meeting}/attendance/{person}",
        gate: Gate::Session,
        objects: ATTENDANCE,
        expect: attendance,
    },
    Route {
        method: "GET",
        path: "/v1/documents/{document}/versions/{version}/upload",
        gate: Gate::Session,
        objects: DOCUMENTS,
        expect: secretariat,
    },
    Route {
        method: "GET",
        path: "/v1/documents/{document}/versions/{version}/chunks/{index}",
        gate: Gate::Session,
        objects: DOCUMENTS,
        expect: read_document,
    },
    Route {
        method: "PUT",
        path: "/v1/documents/{document}/versions/{version}/chunks/{index}",
        gate: Gate::Session,
        objects: DOCUMENTS,
        expect: secretariat_upload,
    },
    Route {
        method: "GET",
        path: "/v1/documents/{document}/versions/{version}/chunks/{from}/{count}",
        gate: Gate::Session,
        objects: DOCUMENTS,
        expect: read_document,
    },
    Route {
        method: "PUT",
        path: "/v1/documents/{document}/versions/{version}/chunks/{from}/{count}",
        gate: Gate::Session,
        objects: DOCUMENTS,
        expect: secretariat_upload,
    },
];

/// The variants of `pub enum {name} {` in the domain's `ops.rs`, in
/// snake_case as they travel.
fn variants_of(name: &str) -> Result<Vec<String>> {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/ecabinet-domain/src/ops.rs"),
    )?;
    let start = source
        .find(&format!("pub enum {name} {{"))
        .with_context(|| format!("the enum {name}"))?;
    let body = &source[start..];
    let body = &body[body.find('{').context("its brace")? + 1..];
    let mut variants = Vec::new();
    let mut depth = 0;
    let mut in_comment = false;
    let mut word = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'/') => in_comment = true,
            // An attribute (`#[serde(…)]`) names no variant.
            '[' => depth += 1,
            ']' => depth -= 1,
            '{' | '(' => {
                if depth == 0 && !word.is_empty() {
                    variants.push(std::mem::take(&mut word));
                }
                depth += 1;
            }
            '}' | ')' if depth == 0 => break,
            '}' | ')' => depth -= 1,
            ',' if depth == 0 && !word.is_empty() => {
                variants.push(std::mem::take(&mut word));
            }
            c if depth == 0 && (c.is_alphanumeric() || c == '_') => word.push(c),
            // An attribute's `#`, a doc comment's text: not a variant's name.
            c if depth == 0 && !c.is_whitespace() => word.clear(),
            _ => {}
        }
    }
    ensure!(!variants.is_empty(), "no variants found in {name}");
    Ok(variants.iter().map(|v| snake_case(v)).collect())
}

fn snake_case(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn every_route_of_the_router_has_a_row() -> Result<()> {
    let routed = ecabinet_e2e::routes_of_the_router()?;
    let rows: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    ensure!(rows.len() == ROUTES.len(), "a route has two rows");
    let missing: Vec<_> = routed.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&routed).collect();
    ensure!(
        missing.is_empty(),
        "routes without a row in the object matrix: {missing:?}"
    );
    ensure!(
        stale.is_empty(),
        "rows for routes that no longer exist: {stale:?}"
    );
    Ok(())
}

#[test]
fn every_op_kind_and_command_has_a_row() -> Result<()> {
    let mut kinds: BTreeSet<String> = variants_of("OpBody")?
        .into_iter()
        .filter(|kind| kind != "command")
        .collect();
    ensure!(
        kinds.contains("ballot") && kinds.contains("annotation"),
        "the op kinds were not read: {kinds:?}"
    );
    let commands = variants_of("Command")?;
    ensure!(
        commands.contains(&"create_meeting".to_owned()) && commands.len() > 10,
        "the commands were not read: {commands:?}"
    );
    kinds.extend(commands.into_iter().map(|c| format!("command {c}")));
    let rows: BTreeSet<String> = OP_ROWS.iter().map(|r| r.kind.to_owned()).collect();
    ensure!(rows.len() == OP_ROWS.len(), "an op kind has two rows");
    let missing: Vec<_> = kinds.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&kinds).collect();
    ensure!(
        missing.is_empty(),
        "op kinds or commands without a row: {missing:?}"
    );
    ensure!(
        stale.is_empty(),
        "rows for ops that no longer exist: {stale:?}"
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// The op table
// ---------------------------------------------------------------------------

/// What the server answers one op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OpExpect {
    Accepted,
    /// Rejected with this code; nothing stored but the answer itself.
    Rejected(&'static str),
}

use OpExpect::{Accepted, Rejected};

struct OpRow {
    /// The op's kind, or `command <name>`.
    kind: &'static str,
    objects: &'static [Object],
    /// For a caller with a valid session, of either organisation.
    expect: fn(Who, Object) -> OpExpect,
}

/// The command's service refuses members before it looks anything up.
fn command_of_the_secretariat(who: Who, object: Object) -> OpExpect {
    match who {
        Who::Secretary => Accepted,
        Who::AnotherOrganisation if object == Object::Nothing => Accepted,
        Who::AnotherOrganisation => Rejected("not_found"),
        _ => Rejected("forbidden"),
    }
}

fn command_of_the_secretariat_published(who: Who, object: Object) -> OpExpect {
    match (who, object) {
        (Who::Secretary, Object::Draft) => Rejected("conflict"),
        _ => command_of_the_secretariat(who, object),
    }
}

fn command_open_motion(who: Who, object: Object) -> OpExpect {
    match (who, object) {
        (Who::Secretary, Object::Draft) => Rejected("conflict"),
        (Who::Secretary, _) => Accepted,
        (Who::AnotherOrganisation, _) => Rejected("not_found"),
        _ => Rejected("forbidden"),
    }
}

fn command_close_motion(who: Who, _: Object) -> OpExpect {
    match who {
        Who::Secretary => Accepted,
        Who::AnotherOrganisation => Rejected("not_found"),
        _ => Rejected("forbidden"),
    }
}

fn as_op(expect: Expect) -> OpExpect {
    match expect {
        Allowed => Accepted,
        Refused(_, code) | Passes(_, code) => Rejected(code),
        NotRefused => Accepted,
    }
}

fn command_attendance(who: Who, object: Object) -> OpExpect {
    as_op(attendance(who, object))
}

fn command_invite(who: Who, object: Object) -> OpExpect {
    as_op(own_or_secretariat(who, object))
}

fn command_revoke(who: Who, object: Object) -> OpExpect {
    as_op(revoke_device(who, object))
}

fn command_publish(who: Who, object: Object) -> OpExpect {
    as_op(publish_document(who, object))
}

fn command_document_opened(who: Who, object: Object) -> OpExpect {
    as_op(read_document(who, object))
}

/// An annotation: made on a document its author may read; edited by its
/// author only.
fn annotation(who: Who, object: Object) -> OpExpect {
    match (who, object) {
        (_, Object::Others) => Rejected("not_yours"),
        (Who::AnotherOrganisation, _) => Rejected("unknown_document"),
        (Who::Secretary, _) => Accepted,
        // Found by this test: a member could annotate a draft meeting's
        // document, which does not exist for them anywhere else.
        (_, Object::Draft) => Rejected("unknown_document"),
        (Who::NotOnList, Object::Restricted) => Rejected("forbidden"),
        _ => Accepted,
    }
}

/// A ballot in the caller's own name: members who may read the item.
fn ballot(who: Who, object: Object) -> OpExpect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => Rejected("unknown_motion"),
        (_, Object::Others) => Rejected("not_your_ballot"),
        // The item's list is checked before the voter's role.
        (Who::Secretary, Object::Restricted) => Rejected("forbidden"),
        (Who::Secretary, _) => Rejected("not_a_member"),
        (Who::NotOnList, Object::Restricted) => Rejected("forbidden"),
        // Found by this test: a member could vote in a meeting they are
        // not invited to (accepted and counted).
        (_, Object::Uninvited) => Rejected("forbidden"),
        _ => Accepted,
    }
}

/// A position before the meeting: members, on items they may read of
/// meetings they know of.
fn position(who: Who, object: Object) -> OpExpect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => Rejected("unknown_item"),
        (_, Object::Draft) => Rejected("unknown_item"),
        (Who::Secretary, _) => Rejected("not_a_member"),
        (Who::NotOnList, Object::Restricted) => Rejected("forbidden"),
        // Items of meetings they are not invited to too: an adoption
        // without discussion weighs every member's position.
        _ => Accepted,
    }
}

/// A written opinion: from those asked, or under the request's mandate
/// (S answers for B).
fn opinion(who: Who, object: Object) -> OpExpect {
    match (who, object) {
        (Who::AnotherOrganisation, _) => Rejected("unknown_request"),
        // The secretariat is not asked; O is not asked on the restricted item.
        (Who::Secretary, Object::Own | Object::Restricted) => Rejected("not_asked"),
        // Asked on the restricted item: A and B only.
        (Who::NotOnList | Who::Substitute, Object::Restricted) => Rejected("not_asked"),
        (Who::Substitute, Object::Others) => Accepted,
        (_, Object::Others) => Rejected("no_mandate"),
        _ => Accepted,
    }
}

/// A draft of an opinion: by whoever may answer the request.
fn opinion_draft(who: Who, object: Object) -> OpExpect {
    match (who, object) {
        (Who::Secretary | Who::AnotherOrganisation, _) => Rejected("not_asked"),
        (Who::NotOnList, Object::Restricted) => Rejected("not_asked"),
        _ => Accepted,
    }
}

const OP_ROWS: &[OpRow] = &[
    OpRow {
        kind: "annotation",
        objects: &[
            Object::Own,
            Object::Others,
            Object::Draft,
            Object::Restricted,
        ],
        expect: annotation,
    },
    OpRow {
        kind: "ballot",
        objects: &[
            Object::Own,
            Object::Others,
            Object::Uninvited,
            Object::Restricted,
        ],
        expect: ballot,
    },
    OpRow {
        kind: "position",
        objects: ITEMS,
        expect: position,
    },
    OpRow {
        kind: "opinion",
        objects: &[Object::Own, Object::Others, Object::Restricted],
        expect: opinion,
    },
    OpRow {
        kind: "opinion_draft",
        objects: OPINION_REQUESTS,
        expect: opinion_draft,
    },
    OpRow {
        kind: "command create_meeting",
        objects: NOTHING,
        expect: command_of_the_secretariat,
    },
    OpRow {
        kind: "command update_meeting",
        objects: MEETINGS,
        expect: command_of_the_secretariat,
    },
    OpRow {
        kind: "command add_agenda_item",
        objects: MEETINGS,
        expect: command_of_the_secretariat,
    },
    OpRow {
        kind: "command set_item_access",
        objects: ITEMS,
        expect: command_of_the_secretariat,
    },
    OpRow {
        kind: "command update_agenda_item",
        objects: ITEMS,
        expect: command_of_the_secretariat,
    },
    OpRow {
        kind: "command move_agenda_item",
        objects: ITEMS,
        expect: command_of_the_secretariat,
    },
    OpRow {
        kind: "command open_motion",
        objects: ITEMS,
        expect: command_open_motion,
    },
    OpRow {
        kind: "command close_motion",
        objects: MOTIONS,
        expect: command_close_motion,
    },
    OpRow {
        kind: "command request_opinions",
        objects: ITEMS,
        expect: command_of_the_secretariat_published,
    },
    OpRow {
        kind: "command record_attendance",
        objects: ATTENDANCE,
        expect: command_attendance,
    },
    OpRow {
        kind: "command adopt",
        objects: MEETINGS,
        expect: command_of_the_secretariat_published,
    },
    OpRow {
        kind: "command publish_document",
        objects: NOTHING,
        expect: command_publish,
    },
    OpRow {
        kind: "command invite",
        objects: PERSONAL,
        expect: command_invite,
    },
    OpRow {
        kind: "command revoke_device",
        objects: PERSONAL,
        expect: command_revoke,
    },
    OpRow {
        kind: "command document_opened",
        objects: DOCUMENTS,
        expect: command_document_opened,
    },
];

// ---------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------

/// Which matrix a spare device is revoked in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Channel {
    Http,
    Op,
}

struct World {
    server: TestServer,
    /// Where `Who::AnotherServer`'s device is enrolled.
    other_server: TestServer,
    devices: BTreeMap<Who, RawDevice>,
    b: RawDevice,
    /// Devices each caller (and B) may revoke: one per matrix.
    spares: BTreeMap<(Option<Who>, Channel), DeviceId>,
    published: MeetingId,
    uninvited_meeting: MeetingId,
    draft: MeetingId,
    open_item: AgendaItemId,
    restricted_item: AgendaItemId,
    uninvited_item: AgendaItemId,
    draft_item: AgendaItemId,
    /// Who is on the restricted item's list.
    restricted_list: Vec<PersonId>,
    open_doc: DocumentId,
    restricted_doc: DocumentId,
    draft_doc: DocumentId,
    /// Closed votes, for their export.
    closed: BTreeMap<Object, MotionId>,
    /// Open votes, closed by the secretary's call in each matrix.
    to_close: BTreeMap<(Object, Channel), MotionId>,
    /// Open votes, for ballots.
    voting: BTreeMap<Object, MotionId>,
    opinion_open: OpinionRequestId,
    opinion_restricted: OpinionRequestId,
    b_annotation: AnnotationId,
}

fn demo_pdf(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/demo")
        .join(name)
}

fn question() -> OpenMotionRequest {
    OpenMotionRequest {
        question: "Thông qua?".into(),
        options: None,
        rule: MajorityRule::Simple,
        base: MajorityBase::Present,
        quorum: None,
        closes_at: None,
    }
}

fn opinions_request(
    recipients: Option<Vec<PersonId>>,
    mandate: Substitution,
) -> RequestOpinionsRequest {
    RequestOpinionsRequest {
        question: "Ý kiến về dự thảo?".into(),
        deadline: Utc::now() + Duration::days(2),
        recipients,
        answers: None,
        documents: None,
        mandates: vec![ecabinet_domain::opinions::Mandate {
            member: mandate.member,
            substitute: mandate.substitute,
        }],
        reminders: Vec::new(),
    }
}

impl World {
    async fn build(backend: Backend) -> Result<Self> {
        let server = TestServer::start(backend).await?;
        // Only whether this server knows the token matters, not its database.
        let other_server = TestServer::start(Backend::Sqlite).await?;
        let services = server.server.services.clone();
        let secretary = server.raw_device("Thư ký", Role::Secretary).await?;
        let a = server.raw_device("Thành viên A", Role::Member).await?;
        let b = server.raw_device("Thành viên B", Role::Member).await?;
        let o = server.raw_device("Thành viên O", Role::Member).await?;
        let s = server.raw_device("Người thay S", Role::Member).await?;
        let expiring = server.raw_device("Phiên hết hạn", Role::Member).await?;
        let revoked = server.raw_device("Máy bị thu hồi", Role::Member).await?;
        let stranger = other_server
            .raw_device("Thư ký nơi khác", Role::Secretary)
            .await?;
        // The client engine uploads the documents (sealed, with their keys
        // wrapped for every device enrolled so far).
        let uploader = server.enrol("Thư ký (máy khách)", Role::Secretary).await?;
        let (a_id, b_id, o_id, s_id) = (
            a.caller.person.id,
            b.caller.person.id,
            o.caller.person.id,
            s.caller.person.id,
        );

        let sec = &secretary.caller;
        let starts = Utc::now() + Duration::days(3);
        let substitution = Substitution {
            member: b_id,
            substitute: s_id,
        };
        let published = services
            .create_meeting(
                sec,
                MeetingId::new(),
                CreateMeetingRequest {
                    title: "Phiên họp thường kỳ".into(),
                    starts_at: starts,
                    details: MeetingDetails {
                        participants: vec![a_id, b_id, o_id],
                        substitutes: vec![substitution.clone()],
                        ..Default::default()
                    },
                    draft: false,
                },
            )
            .await?
            .id;
        let uninvited_meeting = services
            .create_meeting(
                sec,
                MeetingId::new(),
                CreateMeetingRequest {
                    title: "Phiên họp của B".into(),
                    starts_at: starts,
                    details: MeetingDetails {
                        participants: vec![b_id],
                        ..Default::default()
                    },
                    draft: false,
                },
            )
            .await?
            .id;
        let draft = services
            .create_meeting(
                sec,
                MeetingId::new(),
                CreateMeetingRequest {
                    title: "Phiên họp dự thảo".into(),
                    starts_at: starts,
                    details: MeetingDetails::default(),
                    draft: true,
                },
            )
            .await?
            .id;
        let item = |meeting, title: &'static str, only: Option<Vec<PersonId>>| {
            let services = services.clone();
            let sec = sec.clone();
            async move {
                anyhow::Ok(
                    services
                        .add_agenda_item(
                            &sec,
                            AgendaItemId::new(),
                            meeting,
                            title,
                            only,
                            &ItemDetails::default(),
                        )
                        .await?
                        .id,
                )
            }
        };
        let restricted_list = vec![a_id, b_id, s_id];
        let open_item = item(published, "Báo cáo chung", None).await?;
        let restricted_item =
            item(published, "Nhân sự cấp cao", Some(restricted_list.clone())).await?;
        let uninvited_item = item(uninvited_meeting, "Việc của B", None).await?;
        let draft_item = item(draft, "Mục dự thảo", None).await?;
        let mut restricted_list = restricted_list;
        restricted_list.sort();

        uploader.sync().await?;
        let open_doc = uploader
            .add_document(open_item, &demo_pdf("01-bao-cao-kinh-te-xa-hoi.pdf"), None)
            .await?
            .id;
        let restricted_doc = uploader
            .add_document(
                restricted_item,
                &demo_pdf("02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf"),
                None,
            )
            .await?
            .id;
        let draft_doc = uploader
            .add_document(draft_item, &demo_pdf("03-de-an-chuyen-doi-so.pdf"), None)
            .await?
            .id;

        let mut closed = BTreeMap::new();
        let mut to_close = BTreeMap::new();
        let mut voting = BTreeMap::new();
        for (object, item) in [
            (Object::Own, open_item),
            (Object::Uninvited, uninvited_item),
            (Object::Restricted, restricted_item),
        ] {
            let motion = services
                .open_motion(sec, MotionId::new(), item, question())
                .await?;
            services.close_motion(sec, motion.id).await?;
            closed.insert(object, motion.id);
            for channel in [Channel::Http, Channel::Op] {
                let motion = services
                    .open_motion(sec, MotionId::new(), item, question())
                    .await?;
                to_close.insert((object, channel), motion.id);
            }
            let motion = services
                .open_motion(sec, MotionId::new(), item, question())
                .await?;
            voting.insert(object, motion.id);
        }
        let opinion_open = services
            .request_opinions(
                sec,
                OpinionRequestId::new(),
                open_item,
                opinions_request(None, substitution.clone()),
            )
            .await?
            .id;
        let opinion_restricted = services
            .request_opinions(
                sec,
                OpinionRequestId::new(),
                restricted_item,
                opinions_request(Some(vec![a_id, b_id]), substitution.clone()),
            )
            .await?
            .id;

        // B's annotation on the open document.
        let mut b = b;
        let b_annotation = AnnotationId::new();
        let made = push(
            &server,
            &mut b,
            annotation_op(
                b_annotation,
                Some(DocumentRef {
                    id: open_doc,
                    version: 1,
                }),
            ),
        )
        .await?;
        ensure!(
            matches!(made, Answer::Op(OpResult::Accepted { .. })),
            "B's annotation: {made:?}"
        );

        // A second organisation in the same database (the server makes
        // one; its store and services hold many), with its secretary.
        let organisation = Organisation {
            id: OrganisationId::new(),
            name: "Tổ chức khác".into(),
        };
        services.store().create_organisation(&organisation).await?;
        let foreigner = Person {
            id: PersonId::new(),
            organisation_id: organisation.id,
            name: "Thư ký tổ chức khác".into(),
            role: Role::Secretary,
        };
        services.store().create_person(&foreigner).await?;
        let foreign = RawDevice::enrol_person(&services, foreigner).await?;

        // Devices to revoke, one per caller and matrix, and B's.
        let mut spares = BTreeMap::new();
        for channel in [Channel::Http, Channel::Op] {
            for (who, person) in [
                (Some(Who::NotOnList), &o.caller.person),
                (Some(Who::Member), &a.caller.person),
                (Some(Who::Substitute), &s.caller.person),
                (Some(Who::Secretary), &secretary.caller.person),
                (Some(Who::AnotherOrganisation), &foreign.caller.person),
                (None, &b.caller.person),
            ] {
                let spare = RawDevice::enrol_person(&services, person.clone()).await?;
                spares.insert((who, channel), spare.caller.device);
            }
        }

        // One session runs out, one device is revoked.
        server.expire_session(&expiring.token).await?;
        services
            .revoke_device(Some(sec), revoked.caller.device)
            .await?;

        let devices = BTreeMap::from([
            (Who::ExpiredSession, expiring),
            (Who::RevokedDevice, revoked),
            (Who::AnotherServer, stranger),
            (Who::AnotherOrganisation, foreign),
            (Who::NotOnList, o),
            (Who::Member, a),
            (Who::Substitute, s),
            (Who::Secretary, secretary),
        ]);
        Ok(Self {
            server,
            other_server,
            devices,
            b,
            spares,
            published,
            uninvited_meeting,
            draft,
            open_item,
            restricted_item,
            uninvited_item,
            draft_item,
            restricted_list,
            open_doc,
            restricted_doc,
            draft_doc,
            closed,
            to_close,
            voting,
            opinion_open,
            opinion_restricted,
            b_annotation,
        })
    }

    /// The device a caller uses (member A's for the caller without a token,
    /// who shows none of it).
    fn device(&self, who: Who) -> Result<&RawDevice> {
        let who = if who == Who::NoToken {
            Who::Member
        } else {
            who
        };
        self.devices.get(&who).context("a caller's device")
    }

    fn person(&self, who: Who) -> Result<PersonId> {
        Ok(self.device(who)?.caller.person.id)
    }

    fn spare(&self, who: Option<Who>, channel: Channel) -> Result<DeviceId> {
        match who {
            // The unauthenticated never reach the lookup: any id will do.
            Some(Who::NoToken | Who::ExpiredSession | Who::RevokedDevice | Who::AnotherServer) => {
                Ok(DeviceId::new())
            }
            _ => self
                .spares
                .get(&(who, channel))
                .copied()
                .context("a spare device"),
        }
    }

    fn meeting(&self, object: Object) -> Result<MeetingId> {
        Ok(match object {
            Object::Own | Object::Others => self.published,
            Object::Uninvited => self.uninvited_meeting,
            Object::Draft => self.draft,
            other => bail!("no meeting for {other:?}"),
        })
    }

    fn item(&self, object: Object) -> Result<AgendaItemId> {
        Ok(match object {
            Object::Own => self.open_item,
            Object::Uninvited => self.uninvited_item,
            Object::Draft => self.draft_item,
            Object::Restricted => self.restricted_item,
            other => bail!("no item for {other:?}"),
        })
    }

    /// The item's position on its agenda (moving it there changes nothing).
    fn item_position(&self, object: Object) -> i32 {
        if object == Object::Restricted {
            2
        } else {
            1
        }
    }

    /// Its list as it stands (setting it again changes nothing).
    fn item_access(&self, object: Object) -> Option<Vec<PersonId>> {
        (object == Object::Restricted).then(|| self.restricted_list.clone())
    }

    fn document(&self, object: Object) -> Result<DocumentId> {
        Ok(match object {
            Object::Own => self.open_doc,
            Object::Draft => self.draft_doc,
            Object::Restricted => self.restricted_doc,
            other => bail!("no document for {other:?}"),
        })
    }

    fn opinion_request(&self, object: Object) -> Result<OpinionRequestId> {
        Ok(match object {
            Object::Own | Object::Others => self.opinion_open,
            Object::Restricted => self.opinion_restricted,
            other => bail!("no opinion request for {other:?}"),
        })
    }

    /// A well-formed manifest for a new version on the open item, signed by
    /// nobody: the secretariat passes to its check, where it is refused.
    fn unsigned_manifest(&self, who: Who) -> Result<(DocumentId, PublishDocumentRequest)> {
        let document = DocumentId::new();
        let manifest = DocumentManifest {
            document_id: document,
            version: 1,
            agenda_item_id: self.open_item,
            title: "Tài liệu chưa ký".into(),
            file_name: "chua-ky.pdf".into(),
            media_type: "application/pdf".into(),
            size: 1,
            chunk_size: 1 << 20,
            chunks: Vec::new(),
            uploaded_by: self.device(who)?.caller.device,
            uploaded_at: Utc::now(),
            handling: Default::default(),
            page_count: None,
            exchange: None,
        };
        Ok((
            document,
            PublishDocumentRequest {
                manifest: serde_json::to_string(&manifest)?,
                signature: ecabinet_crypto::b64_encode(&[0; 64]),
                keys: Vec::new(),
            },
        ))
    }
}

// ---------------------------------------------------------------------------
// What a refusal must leave alone
// ---------------------------------------------------------------------------

/// The state tables. Not the audit log (refusals are recorded on purpose),
/// sessions and challenges, nor the answers kept for re-pushed ops
/// (`push_batches`, `command_ops`: a refused op's answer is kept so that a
/// re-push gets the same one).
const STATE_TABLES: &[&str] = &[
    "organisations",
    "persons",
    "devices",
    "invites",
    "meetings",
    "agenda_items",
    "item_access",
    "documents",
    "document_keys",
    "document_opens",
    "person_keys",
    "annotations",
    "changes",
    "motions",
    "ballots",
    "attendance",
    "positions",
    "item_decisions",
    "opinion_requests",
    "opinion_responses",
    "reminders_sent",
    "session_events",
    "room_hubs",
];

/// A connection to the server's database kept for the whole matrix.
enum Probe {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Probe {
    async fn open(server: &TestServer) -> Result<Self> {
        Ok(match &server.database_url {
            Some(url) => Probe::Postgres(sqlx::PgPool::connect(url).await?),
            None => {
                let file = server.dir.path().join("server").join("ecabinet.sqlite3");
                Probe::Sqlite(
                    sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display())).await?,
                )
            }
        })
    }

    /// Rows per state table, revoked devices, and sealed chunks stored.
    async fn state(&self, server: &TestServer) -> Result<BTreeMap<String, i64>> {
        let mut sql: Vec<String> = STATE_TABLES
            .iter()
            .map(|t| format!("SELECT '{t}', COUNT(*) FROM {t}"))
            .collect();
        sql.push(
            "SELECT 'revoked devices', COUNT(*) FROM devices WHERE revoked_at IS NOT NULL".into(),
        );
        let sql = sql.join(" UNION ALL ");
        let rows: Vec<(String, i64)> = match self {
            Probe::Sqlite(pool) => sqlx::query_as(&sql).fetch_all(pool).await?,
            Probe::Postgres(pool) => sqlx::query_as(&sql).fetch_all(pool).await?,
        };
        let mut state: BTreeMap<String, i64> = rows.into_iter().collect();
        state.insert(
            "sealed chunks".into(),
            files_under(&server.dir.path().join("server").join("blobs"))?,
        );
        Ok(state)
    }

    async fn close(self) {
        match self {
            Probe::Sqlite(pool) => pool.close().await,
            Probe::Postgres(pool) => pool.close().await,
        }
    }
}

fn files_under(folder: &std::path::Path) -> Result<i64> {
    if !folder.exists() {
        return Ok(0);
    }
    let mut count = 0;
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            count += files_under(&entry.path())?;
        } else {
            count += 1;
        }
    }
    Ok(count)
}

/// What changed between two states, table by table.
fn difference(before: &BTreeMap<String, i64>, after: &BTreeMap<String, i64>) -> String {
    after
        .iter()
        .filter(|(table, count)| before.get(*table) != Some(count))
        .map(|(table, count)| format!("{table} {} → {count}", before.get(table).unwrap_or(&0)))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

enum Body {
    Empty,
    Json(serde_json::Value),
    Raw(&'static str, Vec<u8>),
}

/// The HTTP request of one cell: its concrete path and a valid body.
fn request(world: &World, who: Who, route: &Route, object: Object) -> Result<(String, Body)> {
    let device = world.device(who)?;
    let me = device.caller.person.id;
    let caller_kind = (who != Who::NoToken).then_some(who);
    let mut path = String::new();
    for part in route.path.split('/').skip(1) {
        path.push('/');
        let id = match part {
            "{meeting}" => world.meeting(object)?.to_string(),
            "{item}" => world.item(object)?.to_string(),
            "{document}" => world.document(object)?.to_string(),
            "{version}" => "1".into(),
            "{index}" | "{from}" => "0".into(),
            "{count}" => "1".into(),
            "{request}" => world.opinion_request(object)?.to_string(),
            "{motion}" if route.path.ends_with("/close") => world
                .to_close
                .get(&(object, Channel::Http))
                .context("a vote to close")?
                .to_string(),
            "{motion}" => world
                .closed
                .get(&object)
                .context("a closed vote")?
                .to_string(),
            "{device}" => match object {
                Object::Own => world.spare(caller_kind, Channel::Http)?,
                _ => world.spare(None, Channel::Http)?,
            }
            .to_string(),
            "{person}" => match object {
                Object::Others => world.b.caller.person.id,
                _ => me,
            }
            .to_string(),
            literal => literal.to_owned(),
        };
        path.push_str(&id);
    }
    let body = match (route.method, route.path) {
        ("GET", "/v1/recipients") => {
            path.push_str(&format!("?item={}", world.item(object)?));
            Body::Empty
        }
        ("GET" | "DELETE", _) => Body::Empty,
        ("POST", "/v1/meetings") => Body::Json(serde_json::to_value(WithId {
            id: Some(MeetingId::new()),
            request: CreateMeetingRequest {
                title: "Phiên họp mới".into(),
                starts_at: Utc::now() + Duration::days(7),
                details: MeetingDetails::default(),
                draft: true,
            },
        })?),
        ("PATCH", _) => Body::Json(serde_json::to_value(UpdateMeetingRequest::default())?),
        ("POST", "/v1/meetings/{meeting}/agenda") => Body::Json(serde_json::to_value(WithId {
            id: Some(AgendaItemId::new()),
            request: AddAgendaItemRequest {
                title: "Mục mới".into(),
                only: None,
                details: ItemDetails::default(),
            },
        })?),
        ("POST", "/v1/invites") => Body::Json(serde_json::to_value(InviteRequest {
            name: None,
            role: None,
            person_id: Some(match object {
                Object::Own => me,
                _ => world.b.caller.person.id,
            }),
        })?),
        ("POST", "/v1/devices/{device}/revoke") => Body::Empty,
        ("PUT", "/v1/agenda/{item}/access") => {
            Body::Json(serde_json::to_value(SetItemAccessRequest {
                only: world.item_access(object),
            })?)
        }
        ("POST", "/v1/documents") => {
            Body::Json(serde_json::to_value(world.unsigned_manifest(who)?.1)?)
        }
        ("POST", "/v1/documents/{document}/versions/{version}/keys") => Body::Json(json!([])),
        ("POST", "/v1/ops") => {
            let batch = device.batch(&[])?;
            Body::Raw(wire::PACKED_CONTENT_TYPE, wire::pack(&batch)?)
        }
        ("POST", "/v1/person-keys") => Body::Json(serde_json::to_value(AddPersonKeysRequest {
            envelopes: vec![PersonKeyEnvelope {
                key_id: PersonKeyId::new(),
                device_id: match object {
                    Object::Own => device.caller.device,
                    _ => world.b.caller.device,
                },
                ephemeral_public: ecabinet_crypto::b64_encode(&[7; 32]),
                ciphertext: ecabinet_crypto::b64_encode(&[9; 48]),
            }],
        })?),
        ("POST", "/v1/meetings/{meeting}/session/events") => {
            let event = LiveEvent {
                id: LiveEventId(uuid::Uuid::now_v7()),
                meeting_id: world.meeting(object)?,
                device_id: device.caller.device,
                author: me,
                made_at: Utc::now().trunc_subsecs(3),
                body: LiveEventBody::FloorRequested {
                    request: FloorRequestId(uuid::Uuid::now_v7()),
                    item: world.item(object)?,
                    kind: SpeechKind::Speech,
                },
            };
            let signature = device.keys.signing.sign(&event.signing_message());
            Body::Json(serde_json::to_value(SignedLiveEvent {
                event,
                signature: Bytes(signature.to_vec()),
            })?)
        }
        ("POST", "/v1/meetings/{meeting}/room/hub") => Body::Json(json!({})),
        ("POST", "/v1/meetings/{meeting}/room/signal") => {
            Body::Json(serde_json::to_value(RoomSignalRequest {
                to: world.b.caller.device,
                signal: RoomSignal::Offer {
                    connection: 1,
                    description: "{}".into(),
                },
            })?)
        }
        ("POST", "/v1/meetings/{meeting}/voice") => Body::Json(serde_json::to_value(VoiceJoin {
            description: "not a session description".into(),
        })?),
        ("POST", "/v1/agenda/{item}/motions") => Body::Json(serde_json::to_value(WithId {
            id: Some(MotionId::new()),
            request: question(),
        })?),
        ("POST", "/v1/motions/{motion}/close") => Body::Empty,
        ("POST", "/v1/meetings/{meeting}/adopt") => {
            // None named: nothing is adopted, whatever the positions.
            Body::Json(serde_json::to_value(AdoptRequest {
                items: Some(Vec::new()),
            })?)
        }
        ("POST", "/v1/agenda/{item}/opinions") => Body::Json(serde_json::to_value(WithId {
            id: Some(OpinionRequestId::new()),
            request: opinions_request(
                None,
                Substitution {
                    member: world.b.caller.person.id,
                    substitute: world.person(Who::Substitute)?,
                },
            ),
        })?),
        ("POST", "/v1/agenda/{item}/move") => {
            Body::Json(serde_json::to_value(MoveAgendaItemRequest {
                position: world.item_position(object),
            })?)
        }
        ("PUT", "/v1/meetings/{meeting}/attendance/{person}") => {
            Body::Json(serde_json::to_value(AttendanceRequest {
                presence: Presence::Present,
            })?)
        }
        ("PUT", "/v1/documents/{document}/versions/{version}/chunks/{index}")
        | ("PUT", "/v1/documents/{document}/versions/{version}/chunks/{from}/{count}") => {
            Body::Raw("application/octet-stream", vec![0x5a; 64])
        }
        (method, path) => bail!("no request for {method} {path}"),
    };
    Ok((path, body))
}

/// The answer the unauthenticated get on every session route.
fn unauthenticated(who: Who) -> Option<Expect> {
    match who {
        Who::NoToken | Who::ExpiredSession | Who::AnotherServer => {
            Some(Refused(401, "unauthenticated"))
        }
        Who::RevokedDevice => Some(Refused(403, "device_revoked")),
        _ => None,
    }
}

/// Ids a caller must not find in what a listing route answers them.
fn hidden_from(world: &World, who: Who, route: &Route) -> Vec<(String, &'static str)> {
    let mut hidden = Vec::new();
    match (route.path, who) {
        ("/v1/changes", Who::AnotherOrganisation) => {
            hidden.push((world.published.to_string(), "our meeting"));
            hidden.push((world.open_doc.to_string(), "our document"));
        }
        ("/v1/changes", Who::NotOnList) => {
            hidden.push((world.draft.to_string(), "the draft meeting"));
            hidden.push((world.restricted_doc.to_string(), "the restricted document"));
        }
        ("/v1/changes", Who::Member | Who::Substitute) => {
            hidden.push((world.draft.to_string(), "the draft meeting"));
            hidden.push((world.draft_doc.to_string(), "the draft's document"));
        }
        ("/v1/devices" | "/v1/person-keys", w)
            if w != Who::NoToken && unauthenticated(w).is_none() =>
        {
            hidden.push((world.b.caller.device.to_string(), "B's device"));
        }
        ("/v1/audit", w) if member(w) => {
            hidden.push((world.b.caller.person.id.to_string(), "B's entries"));
        }
        ("/v1/audit", Who::AnotherOrganisation) => {
            hidden.push((world.b.caller.person.id.to_string(), "our entries"));
        }
        _ => {}
    }
    hidden
}

/// Calls every route as every caller on every object that applies.
async fn routes_matrix(world: &World, probe: &Probe) -> Result<(usize, usize, Vec<String>)> {
    let http = reqwest::Client::new();
    let base = world.server.url();
    let mut cells = 0;
    let mut stored_when_allowed = 0;
    let mut wrong = Vec::new();
    for route in ROUTES {
        if route.gate == Gate::Identified {
            continue;
        }
        for &object in route.objects {
            for who in CALLERS {
                let expected = match (route.gate, unauthenticated(who)) {
                    (Gate::Public, _) => (route.expect)(who, object),
                    (_, Some(refusal)) => refusal,
                    (_, None) => (route.expect)(who, object),
                };
                let (path, body) = request(world, who, route, object)?;
                let cell = format!("{} {} as {who:?} on {object:?}", route.method, path);
                let method = reqwest::Method::from_bytes(route.method.as_bytes())?;
                let mut call = http.request(method, format!("{base}{path}"));
                if who != Who::NoToken {
                    call = call.bearer_auth(&world.device(who)?.token);
                }
                call = match body {
                    Body::Empty => call,
                    Body::Json(value) => call.json(&value),
                    Body::Raw(content_type, bytes) => {
                        call.header("content-type", content_type).body(bytes)
                    }
                };
                let before = probe.state(&world.server).await?;
                let response = call.send().await?;
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                let after = probe.state(&world.server).await?;
                cells += 1;
                let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                let code = answer["code"].as_str().unwrap_or("");
                let has_message = answer["message"].as_str().is_some_and(|m| !m.is_empty());
                let fine = match expected {
                    Allowed => (200..300).contains(&status),
                    Refused(want, want_code) | Passes(want, want_code) => {
                        status == want && code == want_code && has_message
                    }
                    NotRefused => ![401, 403, 404].contains(&status),
                };
                if !fine {
                    let shown: String = text.chars().take(200).collect();
                    wrong.push(format!("{cell}: {status} {shown} (expected {expected:?})"));
                    continue;
                }
                if status >= 400 && before != after {
                    wrong.push(format!(
                        "{cell}: refused with {status} but stored: {}",
                        difference(&before, &after)
                    ));
                }
                if (200..300).contains(&status) {
                    if before != after {
                        stored_when_allowed += 1;
                    }
                    // A listing that shows what the caller may see: its
                    // absences below mean something.
                    if route.path == "/v1/changes"
                        && who == Who::Member
                        && !text.contains(&world.restricted_doc.to_string())
                    {
                        wrong.push(format!("{cell}: A's changes lack the restricted document"));
                    }
                    for (id, what) in hidden_from(world, who, route) {
                        if text.contains(&id) {
                            wrong.push(format!("{cell}: the answer shows {what}"));
                        }
                    }
                }
            }
        }
    }
    Ok((cells, stored_when_allowed, wrong))
}

// ---------------------------------------------------------------------------
// Ops
// ---------------------------------------------------------------------------

/// A new annotation (or an edit of one, without `document`), sealed with
/// bytes the server never opens.
fn annotation_op(id: AnnotationId, document: Option<DocumentRef>) -> OpBody {
    OpBody::Annotation(AnnotationOp {
        annotation_id: id,
        document,
        share: None,
        person_wrap: document.map(|_| PersonKeyWrap {
            person_key_id: PersonKeyId::new(),
            sealed: Bytes(vec![1; 60]),
        }),
        share_wrap: None,
        sealed: Bytes(vec![3; 40]),
    })
}

/// A written opinion signed by `device`, in `respondent`'s name.
fn opinion_op(
    device: &RawDevice,
    request: OpinionRequestId,
    respondent: PersonId,
) -> Result<OpBody> {
    let mut opinion = OpinionOp {
        request_id: request,
        respondent,
        choice: ecabinet_domain::opinions::DEFAULT_ANSWERS[0].into(),
        comment: String::new(),
        annotations: Vec::new(),
        submitted_at: Utc::now(),
        nonce: Bytes(ecabinet_crypto::random_bytes::<16>()?.to_vec()),
        signature: Bytes::default(),
    };
    let message = ecabinet_domain::opinions::response_message(
        &opinion.response(device.caller.person.id, device.caller.device),
    );
    opinion.signature = Bytes(device.keys.signing.sign(&message).to_vec());
    Ok(OpBody::Opinion(opinion))
}

fn command(command: Command) -> Result<OpBody> {
    Ok(OpBody::Command(command.to_op()?))
}

/// The op of one cell.
fn op_body(world: &World, who: Who, kind: &str, object: Object) -> Result<OpBody> {
    let device = world.device(who)?;
    let me = device.caller.person.id;
    let caller_kind = (who != Who::NoToken).then_some(who);
    let b = world.b.caller.person.id;
    Ok(match kind {
        "annotation" => match object {
            Object::Others => annotation_op(world.b_annotation, None),
            _ => annotation_op(
                AnnotationId::new(),
                Some(DocumentRef {
                    id: world.document(object)?,
                    version: 1,
                }),
            ),
        },
        "ballot" => {
            let (motion, voter) = match object {
                Object::Others => (world.voting.get(&Object::Own), b),
                _ => (world.voting.get(&object), me),
            };
            device.ballot(*motion.context("a vote")?, voter, "yes")?
        }
        "position" => OpBody::Position(PositionOp {
            agenda_item_id: world.item(object)?,
            stance: ecabinet_domain::positions::Stance::NoObjection,
        }),
        "opinion" => {
            let respondent = if object == Object::Others { b } else { me };
            opinion_op(device, world.opinion_request(object)?, respondent)?
        }
        "opinion_draft" => OpBody::OpinionDraft(OpinionDraftOp {
            request_id: world.opinion_request(object)?,
            key: PersonKeyWrap {
                person_key_id: PersonKeyId::new(),
                sealed: Bytes(vec![5; 60]),
            },
            sealed: Bytes(vec![6; 40]),
        }),
        "command create_meeting" => command(Command::CreateMeeting {
            meeting_id: MeetingId::new(),
            request: CreateMeetingRequest {
                title: "Phiên họp ngoại tuyến".into(),
                starts_at: Utc::now() + Duration::days(7),
                details: MeetingDetails::default(),
                draft: true,
            },
        })?,
        "command update_meeting" => command(Command::UpdateMeeting {
            meeting_id: world.meeting(object)?,
            request: UpdateMeetingRequest::default(),
        })?,
        "command add_agenda_item" => command(Command::AddAgendaItem {
            item_id: AgendaItemId::new(),
            meeting_id: world.meeting(object)?,
            request: AddAgendaItemRequest {
                title: "Mục ngoại tuyến".into(),
                only: None,
                details: ItemDetails::default(),
            },
        })?,
        "command set_item_access" => command(Command::SetItemAccess {
            item_id: world.item(object)?,
            only: world.item_access(object),
        })?,
        "command update_agenda_item" => command(Command::UpdateAgendaItem {
            item_id: world.item(object)?,
            request: UpdateAgendaItemRequest {
                title: None,
                details: None,
            },
        })?,
        "command move_agenda_item" => command(Command::MoveAgendaItem {
            item_id: world.item(object)?,
            position: world.item_position(object),
        })?,
        "command open_motion" => command(Command::OpenMotion {
            motion_id: MotionId::new(),
            item_id: world.item(object)?,
            request: question(),
        })?,
        "command close_motion" => command(Command::CloseMotion {
            motion_id: *world
                .to_close
                .get(&(object, Channel::Op))
                .context("a vote to close")?,
        })?,
        "command request_opinions" => command(Command::RequestOpinions {
            request_id: OpinionRequestId::new(),
            item_id: world.item(object)?,
            request: opinions_request(
                None,
                Substitution {
                    member: b,
                    substitute: world.person(Who::Substitute)?,
                },
            ),
        })?,
        "command record_attendance" => command(Command::RecordAttendance {
            meeting_id: world.meeting(object)?,
            person_id: if object == Object::Others { b } else { me },
            presence: Presence::Present,
        })?,
        "command adopt" => command(Command::Adopt {
            meeting_id: world.meeting(object)?,
            items: Some(Vec::new()),
        })?,
        "command publish_document" => {
            let (document_id, request) = world.unsigned_manifest(who)?;
            command(Command::PublishDocument {
                document_id,
                version: 1,
                request,
            })?
        }
        "command invite" => command(Command::Invite {
            person_id: if object == Object::Own { me } else { b },
            name: None,
            role: None,
            code_sha256: ecabinet_crypto::b64_encode(&ecabinet_crypto::random_bytes::<32>()?),
        })?,
        "command revoke_device" => command(Command::RevokeDevice {
            device_id: match object {
                Object::Own => world.spare(caller_kind, Channel::Op)?,
                _ => world.spare(None, Channel::Op)?,
            },
        })?,
        "command document_opened" => command(Command::DocumentOpened {
            document_id: world.document(object)?,
            version: 1,
            opened_at: Utc::now(),
        })?,
        other => bail!("no op for {other}"),
    })
}

/// What came back for a one-op push.
#[derive(Debug)]
enum Answer {
    Op(OpResult),
    Refused(u16, String),
}

async fn push(server: &TestServer, device: &mut RawDevice, body: OpBody) -> Result<Answer> {
    let ops = device.ops(vec![body]);
    let packed = wire::pack(&device.batch(&ops)?)?;
    answer(device.post(&server.url(), packed).await?).await
}

async fn answer(response: reqwest::Response) -> Result<Answer> {
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    if status != 200 {
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        return Ok(Answer::Refused(
            status,
            body["code"].as_str().unwrap_or("").to_owned(),
        ));
    }
    let answer: PushResponse = wire::unpack(&bytes)?;
    ensure!(answer.results.len() == 1, "one answer per op: {answer:?}");
    Ok(Answer::Op(
        answer.results.into_iter().next().context("an answer")?,
    ))
}

/// Pushes every op kind and command as every caller on every object.
async fn ops_matrix(world: &mut World, probe: &Probe) -> Result<(usize, usize, Vec<String>)> {
    let mut cells = 0;
    let mut stored_when_accepted = 0;
    let mut wrong = Vec::new();
    for row in OP_ROWS {
        for &object in row.objects {
            for who in CALLERS {
                let body = op_body(world, who, row.kind, object)?;
                let cell = format!("op {} as {who:?} on {object:?}", row.kind);
                let before = probe.state(&world.server).await?;
                let got = if who == Who::NoToken {
                    let device = world.devices.get_mut(&Who::Member).context("A")?;
                    let ops = device.ops(vec![body]);
                    let packed = wire::pack(&device.batch(&ops)?)?;
                    answer(
                        reqwest::Client::new()
                            .post(format!("{}/v1/ops", world.server.url()))
                            .header("content-type", wire::PACKED_CONTENT_TYPE)
                            .body(packed)
                            .send()
                            .await?,
                    )
                    .await?
                } else {
                    let server = &world.server;
                    let device = world.devices.get_mut(&who).context("a device")?;
                    push(server, device, body).await?
                };
                let after = probe.state(&world.server).await?;
                cells += 1;
                let fine = match (unauthenticated(who), &got) {
                    (Some(Refused(status, code)), Answer::Refused(got_status, got_code)) => {
                        status == *got_status && code == got_code.as_str()
                    }
                    (Some(_), _) => false,
                    (None, Answer::Op(result)) => match ((row.expect)(who, object), result) {
                        (Accepted, OpResult::Accepted { .. }) => true,
                        (Rejected(code), OpResult::Rejected { code: got, .. }) => {
                            got.as_str() == code
                        }
                        _ => false,
                    },
                    (None, Answer::Refused(..)) => false,
                };
                if !fine {
                    let expected = match unauthenticated(who) {
                        Some(refusal) => format!("{refusal:?}"),
                        None => format!("{:?}", (row.expect)(who, object)),
                    };
                    wrong.push(format!("{cell}: {got:?} (expected {expected})"));
                    continue;
                }
                let refused = !matches!(got, Answer::Op(OpResult::Accepted { .. }));
                if !refused && before != after {
                    stored_when_accepted += 1;
                }
                if refused && before != after {
                    wrong.push(format!(
                        "{cell}: refused but stored: {}",
                        difference(&before, &after)
                    ));
                }
            }
        }
    }
    Ok((cells, stored_when_accepted, wrong))
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

async fn objects_are_checked_on_every_route_and_op(backend: Backend) -> Result<()> {
    let started = std::time::Instant::now();
    let mut world = World::build(backend).await?;
    let built = started.elapsed();
    let probe = Probe::open(&world.server).await?;
    let (route_cells, route_stores, mut wrong) = routes_matrix(&world, &probe).await?;
    let (op_cells, op_stores, op_wrong) = ops_matrix(&mut world, &probe).await?;
    wrong.extend(op_wrong);
    probe.close().await;
    // The probe sees what is stored: allowed calls did store, so an
    // unchanged state after a refusal means something.
    ensure!(
        route_stores > 20 && op_stores > 20,
        "the probe saw too few allowed calls store anything ({route_stores} routes, {op_stores} ops)"
    );
    println!(
        "{backend:?}: {route_cells} route cells, {op_cells} op cells; world built in {built:?}, all in {:?}",
        started.elapsed()
    );
    ensure!(
        wrong.is_empty(),
        "{} of {} cells not as the matrix says:\n{}",
        wrong.len(),
        route_cells + op_cells,
        wrong.join("\n")
    );
    world.other_server.stop().await?;
    world.server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_are_checked_on_every_route_and_op_on_sqlite() -> Result<()> {
    objects_are_checked_on_every_route_and_op(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_are_checked_on_every_route_and_op_on_postgres() -> Result<()> {
    objects_are_checked_on_every_route_and_op(Backend::Postgres).await
}
