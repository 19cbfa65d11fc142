//! The API's description (`GET /v1/openapi.json`): the checked-in
//! `docs/openapi.json` is what the code generates today, every route of the
//! router is described (and nothing else), every reference resolves, and the
//! router serves it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{ensure, Context, Result};
use ecabinet_server::http::openapi::openapi_json;
use serde_json::Value;

#[path = "../../../tests/src/router_routes.rs"]
mod router_routes;
use router_routes::METHODS;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (method, path) of every `.route(…)` in the router's source.
fn routes_of_the_router() -> Result<BTreeSet<(String, String)>> {
    router_routes::routes_in(&manifest_dir().join("src/http/mod.rs"))
}

fn document() -> Result<Value> {
    serde_json::from_str(&openapi_json()).context("the generated description is not JSON")
}

/// (METHOD, path, operation) of every operation in the document.
fn operations(document: &Value) -> Result<Vec<(String, String, &Value)>> {
    let paths = document["paths"]
        .as_object()
        .context("the document has no paths")?;
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((method.to_uppercase(), path.clone(), operation));
            }
        }
    }
    Ok(found)
}

fn checked_in_path() -> PathBuf {
    manifest_dir().join("../../docs/openapi.json")
}

/// The checked-in description must be what the code generates today.
#[test]
fn the_checked_in_description_is_fresh() -> Result<()> {
    let generated = openapi_json();
    let path = checked_in_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).context("writing docs/openapi.json")?;
        return Ok(());
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    ensure!(
        checked_in == generated,
        "docs/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p ecabinet-server --test openapi` and commit it"
    );
    Ok(())
}

/// A route added without its `#[utoipa::path]` (or listed in `ApiDoc`
/// without a route) fails here.
#[test]
fn every_route_is_described_and_nothing_else() -> Result<()> {
    let routed = routes_of_the_router()?;
    let document = document()?;
    let described: BTreeSet<(String, String)> = operations(&document)?
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let missing: Vec<_> = routed.difference(&described).collect();
    let stale: Vec<_> = described.difference(&routed).collect();
    ensure!(
        missing.is_empty(),
        "routes without a description (add #[utoipa::path] and list them in ApiDoc): {missing:?}"
    );
    ensure!(
        stale.is_empty(),
        "described operations the router does not have: {stale:?}"
    );
    Ok(())
}

/// Every `$ref` value found anywhere under `value`.
fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => found.push(target),
                    _ => references(inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}

/// Every reference resolves to a schema of the document; each operation has
/// a unique id, declares the parameters of its path, and says which of its
/// answers are errors in the `{code, message}` shape; each security
/// requirement names a declared scheme.
#[test]
fn the_description_is_well_formed() -> Result<()> {
    let document = document()?;
    ensure!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.")),
        "not an OpenAPI 3 document"
    );
    ensure!(document["info"]["title"] == "eCabinet server API");
    ensure!(document["info"]["version"] == env!("CARGO_PKG_VERSION"));
    let schemas = document["components"]["schemas"]
        .as_object()
        .context("no components.schemas")?;
    let mut found = Vec::new();
    references(&document, &mut found);
    ensure!(!found.is_empty(), "no references at all");
    let unresolved: BTreeSet<&str> = found
        .into_iter()
        .filter(|target| {
            target
                .strip_prefix("#/components/schemas/")
                .is_none_or(|name| !schemas.contains_key(name))
        })
        .collect();
    ensure!(
        unresolved.is_empty(),
        "references to no schema: {unresolved:?}"
    );

    let schemes = document["components"]["securitySchemes"]
        .as_object()
        .context("no security schemes")?;
    let mut ids = BTreeSet::new();
    for (method, path, operation) in operations(&document)? {
        let id = operation["operationId"]
            .as_str()
            .with_context(|| format!("{method} {path} has no operationId"))?;
        ensure!(ids.insert(id.to_owned()), "operationId {id} is used twice");
        let declared: BTreeSet<&str> = operation["parameters"]
            .as_array()
            .map(|parameters| {
                parameters
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .filter_map(|p| p["name"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        let templated: BTreeSet<&str> = path
            .split('/')
            .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        ensure!(
            declared == templated,
            "{method} {path}: path parameters {declared:?}, template {templated:?}"
        );
        let responses = operation["responses"]
            .as_object()
            .with_context(|| format!("{method} {path} has no responses"))?;
        ensure!(
            responses
                .keys()
                .any(|status| status.starts_with(['1', '2'])),
            "{method} {path} describes no success"
        );
        let requirements = operation["security"].as_array();
        for requirement in requirements.into_iter().flatten() {
            for scheme in requirement
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                ensure!(
                    schemes.contains_key(scheme),
                    "{method} {path} needs the undeclared scheme {scheme}"
                );
            }
        }
        // A route that needs a session refuses callers without one: say so.
        let needs_session = requirements.is_some_and(|all| {
            !all.is_empty()
                && all
                    .iter()
                    .all(|r| r.as_object().is_some_and(|r| r.contains_key("session")))
        });
        if needs_session {
            for status in ["401", "403", "500"] {
                ensure!(
                    responses[status]["content"]["application/json"]["schema"]["$ref"]
                        == "#/components/schemas/ErrorBody",
                    "{method} {path} needs a session but does not describe its {status} as an ErrorBody"
                );
            }
        }
    }
    Ok(())
}

/// The router itself answers `GET /v1/openapi.json` with the document,
/// without a session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_router_serves_the_description() -> Result<()> {
    use tower::ServiceExt;
    let data = tempfile::tempdir()?;
    let services = ecabinet_server::serve::open_services(
        data.path(),
        None,
        &ecabinet_server::blobs::BlobsLocation::DataFolder,
    )
    .await?;
    let router = ecabinet_server::http::router(services);
    let request = axum::http::Request::get("/v1/openapi.json").body(axum::body::Body::empty())?;
    let response = router.oneshot(request).await?;
    ensure!(
        response.status() == axum::http::StatusCode::OK,
        "{}",
        response.status()
    );
    let content_type = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    ensure!(
        content_type.starts_with("application/json"),
        "served as {content_type}"
    );
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    ensure!(
        body == openapi_json().as_bytes(),
        "the served description differs from openapi_json()"
    );
    Ok(())
}
