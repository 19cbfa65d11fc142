//! Rendered pages reach the webview as images through a custom URI scheme,
//! `ecabpage://localhost/<document>/<page>?dpi=<dpi>` (on Windows
//! `http://ecabpage.localhost/…`), never as base64 over IPC: the webview
//! fetches, caches and decodes them like any image, off the IPC channel.
//!
//! Each URL may carry `ticket=N` (the reader numbers its requests); the
//! `cancel_renders` command raises a threshold, and a queued render whose
//! ticket is below it is dropped when its turn comes (409), so jumping
//! through a long document does not make the reader wait for pages it left.
//! The page the reader shows carries `ahead=1`: once it is served, the page
//! after it is rendered in the background and kept in the engine's recent
//! pages, so the next page turn (a presenter moving on, followed) costs no
//! rendering.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ecabinet_client::Engine;
use ecabinet_domain::DocumentId;
use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, UriSchemeContext, UriSchemeResponder};

pub const SCHEME: &str = "ecabpage";
const DEFAULT_DPI: f32 = 110.0;

/// What a page URL asks for.
#[derive(Debug, PartialEq)]
pub struct PageRequest {
    pub document: DocumentId,
    pub page: u32,
    pub dpi: f32,
    /// The reader's number for this request (0: never cancelled).
    pub ticket: u64,
    /// The page the reader shows (`ahead=1`, not a thumbnail): the page
    /// after it is rendered ahead.
    pub ahead: bool,
}

/// Renders with a ticket below this are no longer wanted.
#[derive(Debug, Default)]
pub struct CancelBelow(pub AtomicU64);

/// Parses `/<document>/<page>` and an optional `dpi=` query.
pub fn parse(path: &str, query: Option<&str>) -> Result<PageRequest, String> {
    let mut parts = path.trim_matches('/').split('/');
    let (Some(document), Some(page), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("expected /DOCUMENT/PAGE, got {path:?}"));
    };
    let document = document
        .parse()
        .map_err(|_| format!("{document:?} is not a document id"))?;
    let page = page
        .parse()
        .map_err(|_| format!("{page:?} is not a page number"))?;
    let mut dpi = DEFAULT_DPI;
    let mut ticket = 0;
    let mut ahead = false;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        if let Some(value) = pair.strip_prefix("dpi=") {
            dpi = value
                .parse()
                .map_err(|_| format!("{value:?} is not a resolution"))?;
        } else if let Some(value) = pair.strip_prefix("ticket=") {
            ticket = value
                .parse()
                .map_err(|_| format!("{value:?} is not a ticket"))?;
        } else if pair == "ahead=1" {
            ahead = true;
        }
    }
    Ok(PageRequest {
        document,
        page,
        dpi,
        ticket,
        ahead,
    })
}

fn reply(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        // Pages carry the time in their watermark: do not let the webview keep them forever.
        .header(header::CACHE_CONTROL, "private, max-age=300")
        .body(body)
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

async fn render(
    engine: &Engine,
    cancel_below: &CancelBelow,
    request: &Request<Vec<u8>>,
) -> Response<Vec<u8>> {
    let wanted = match parse(request.uri().path(), request.uri().query()) {
        Ok(wanted) => wanted,
        Err(message) => {
            return reply(
                StatusCode::BAD_REQUEST,
                "text/plain; charset=utf-8",
                message.into_bytes(),
            )
        }
    };
    let outcome = async {
        let client = engine.client().await?;
        let cancelled =
            || wanted.ticket != 0 && wanted.ticket < cancel_below.0.load(Ordering::Relaxed);
        if wanted.ahead {
            client
                .read_page(wanted.document, wanted.page, wanted.dpi, cancelled)
                .await
        } else {
            client
                .render_page_unless(wanted.document, wanted.page, wanted.dpi, cancelled)
                .await
        }
    }
    .await;
    match outcome {
        Ok(page) => reply(StatusCode::OK, "image/png", page.png),
        Err(error) => {
            let status = match error.code() {
                "invalid_argument" | "not_found" => StatusCode::NOT_FOUND,
                "cancelled" => StatusCode::CONFLICT,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let body = serde_json::json!({ "code": error.code(), "message": error.to_string() });
            reply(status, "application/json", body.to_string().into_bytes())
        }
    }
}

/// The protocol handler: renders on the async runtime and answers when done.
pub fn handle(
    context: UriSchemeContext<'_, tauri::Wry>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let engine = context.app_handle().state::<Arc<Engine>>().inner().clone();
    let cancel_below = context
        .app_handle()
        .state::<Arc<CancelBelow>>()
        .inner()
        .clone();
    tauri::async_runtime::spawn(async move {
        responder.respond(render(&engine, &cancel_below, &request).await);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_parse() {
        let id = DocumentId::new();
        assert_eq!(
            parse(&format!("/{id}/3"), Some("dpi=150")),
            Ok(PageRequest {
                document: id,
                page: 3,
                dpi: 150.0,
                ticket: 0,
                ahead: false,
            })
        );
        assert_eq!(
            parse(&format!("/{id}/3"), Some("dpi=150&ahead=1&ticket=42"))
                .map(|r| (r.ticket, r.ahead)),
            Ok((42, true))
        );
        assert!(parse(&format!("/{id}/1"), Some("ticket=-1")).is_err());
        assert_eq!(
            parse(&format!("/{id}/1"), None).map(|r| r.dpi),
            Ok(DEFAULT_DPI)
        );
        assert!(parse("/not-an-id/1", None).is_err());
        assert!(parse(&format!("/{id}/three"), None).is_err());
        assert!(parse(&format!("/{id}/1/extra"), None).is_err());
        assert!(parse(&format!("/{id}/1"), Some("dpi=lots")).is_err());
    }
}
