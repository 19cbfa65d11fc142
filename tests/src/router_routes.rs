//! (method, path) of every `.route(…)` in the server's router, read from
//! its source: a route added without a row in an authorisation table, or
//! without an operation in the API's description, fails that test. Shared
//! by the end-to-end tests and the server's own OpenAPI test (which
//! includes this file by path: the server cannot depend on this crate).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{ensure, Context, Result};

/// The HTTP methods a route may be registered with.
pub const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The routes registered in `router` (the path of the server's `src/http/mod.rs`).
pub fn routes_in(router: &Path) -> Result<BTreeSet<(String, String)>> {
    let source = std::fs::read_to_string(router)
        .with_context(|| format!("reading the router's source {}", router.display()))?;
    let start = source
        .find("pub fn router(")
        .context("the router function")?;
    let end = start
        + source[start..]
            .find(".fallback(")
            .context("the router's fallback")?;
    let mut routes = BTreeSet::new();
    for piece in source[start..end].split(".route(").skip(1) {
        let path = piece
            .split('"')
            .nth(1)
            .context("a route without a path literal")?;
        let mut methods = 0;
        for method in METHODS {
            let bare = format!("{method}(");
            let found = piece.match_indices(&bare).any(|(at, _)| {
                // `get(` itself, or `axum::routing::get(` / `.get(`; not `target(`.
                at == 0
                    || !piece[..at]
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            if found {
                routes.insert((method.to_uppercase(), path.to_owned()));
                methods += 1;
            }
        }
        ensure!(methods > 0, "no method found for the route {path}");
    }
    Ok(routes)
}
