//! The API's description (OpenAPI 3.1), generated from the handlers'
//! `#[utoipa::path]` attributes and the domain types' schemas, so it cannot
//! drift from the code by hand. Served at `GET /v1/openapi.json`; the test
//! `crates/ecabinet-server/tests/openapi.rs` keeps `docs/openapi.json` equal
//! to it and checks that every route of the router is described.

use std::sync::LazyLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document as the router lists it.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "eCabinet server API",
        description = "The HTTP API of eCabinet's server, used by the desktop app and `ecab`. \
            JSON everywhere except pushes of ops (`application/x-ecabinet-packed`), document chunks \
            (`application/octet-stream`), the event socket (WebSocket) and the metrics (Prometheus \
            text). Every error is a `{code, message}` body (`ErrorBody`): clients branch on `code`, \
            people read `message`. Every answer carries an `x-request-id` header (the client's, or a \
            new one) that finds the request in the server's log. Binary values (keys, signatures, \
            challenges) travel as unpadded base64url text.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        super::health,
        super::openapi,
        super::metrics,
        super::enroll,
        super::challenge,
        super::token,
        super::invite,
        super::pull,
        super::push_ops,
        super::events,
        super::create_meeting,
        super::update_meeting,
        super::add_agenda_item,
        super::set_item_access,
        super::move_agenda_item,
        super::adopt,
        super::own_devices,
        super::revoke_device,
        super::policy,
        super::person_keys,
        super::add_person_keys,
        super::recipients,
        super::publish_document,
        super::upload_state,
        super::put_chunk,
        super::get_chunk,
        super::get_chunk_run,
        super::put_chunk_run,
        super::document_key,
        super::add_document_keys,
        super::pending_keys,
        super::session_log,
        super::live_event,
        super::room_info,
        super::hub_check_in,
        super::release_hub,
        super::room_signal,
        super::voice_join,
        super::open_motion,
        super::close_motion,
        super::record_attendance,
        super::motion_export,
        super::request_opinions,
        super::opinion_status,
        super::audit_log,
        super::document_readers,
    ),
    components(schemas(
        // Not bodies of a route, but what a body carries as text or bytes
        // (the event socket's messages, the signed manifest, the packed
        // push): described so a client can read them.
        ecabinet_domain::api::Poke,
        ecabinet_domain::session::LiveMessage,
        ecabinet_domain::session::room::RoomSignalMessage,
        ecabinet_domain::DocumentManifest,
        ecabinet_domain::ops::PushBatch,
        ecabinet_domain::ops::PushResponse,
    )),
    modifiers(&SecuritySchemes, &BodiesRequired),
    tags(
        (name = "server", description = "Health, metrics and this description."),
        (name = "enrolment", description = "Enrolling devices and signing in: one-time codes, challenges, session tokens."),
        (name = "sync", description = "The change stream: pull, push ops, and the event socket."),
        (name = "meetings", description = "Meetings (the secretariat's)."),
        (name = "agenda", description = "Agenda items: order, access, adoption without discussion."),
        (name = "devices", description = "A person's devices and the organisation's device policy."),
        (name = "keys", description = "A person's keys, wrapped for each of their devices."),
        (name = "documents", description = "Sealed documents: chunks, manifests, wrapped keys."),
        (name = "session", description = "The live session: its log of signed, ordered events."),
        (name = "room", description = "The meeting room: its hub, signalling between devices, the server's voice forwarding."),
        (name = "voting", description = "Motions, attendance and the export of a closed vote."),
        (name = "opinions", description = "Requests for written opinions."),
    )
)]
pub struct ApiDoc;

/// The two bearer tokens: a device's session, and the admin's for metrics.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A session token from `POST /v1/auth/token` (valid for an hour), as \
                         `Authorization: Bearer TOKEN`. A revoked device's token is refused with \
                         403 `device_revoked`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The admin token given to `ecabinet-server serve --metrics-token`; needed \
                         only from another machine (this machine's requests need none).",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every body a route reads is required. The macro says so of typed JSON
/// bodies, and leaves it unsaid of the binary ones (a push, a chunk), which
/// it describes by their media type alone.
struct BodiesRequired;

impl Modify for BodiesRequired {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                if let Some(utoipa::openapi::RefOr::T(body)) = operation.request_body.as_mut() {
                    body.required = Some(utoipa::openapi::Required::True);
                }
            }
        }
    }
}

/// The document as pretty JSON, ending with a newline (as the checked-in
/// `docs/openapi.json` does).
pub fn openapi_json() -> String {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(mut json) => {
            json.push('\n');
            json
        }
        // Serialising plain maps, strings and numbers cannot fail; should it
        // ever, the route still answers JSON, and the freshness test fails.
        Err(error) => {
            tracing::error!(%error, "the OpenAPI document could not be serialised");
            serde_json::json!({ "code": "internal", "message": error.to_string() }).to_string()
        }
    }
}

/// Built once, on the first request for it.
pub(super) static OPENAPI_JSON: LazyLock<String> = LazyLock::new(openapi_json);
