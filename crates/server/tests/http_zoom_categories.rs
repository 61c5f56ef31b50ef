//! Our operation -> rate-limit category table (`http::ZOOM_ENDPOINTS`)
//! against Zoom's own OpenAPI documents, where each operation's category is
//! only in its description text:
//! `**[Rate Limit Label](https://...#rate-limits):** \`LIGHT\``.

use serde_json::Value;
use zoomkit_server::http::{Category, ZoomApi, ZOOM_ENDPOINTS};

fn spec(api: ZoomApi) -> Value {
    let text = match api {
        ZoomApi::Meetings => include_str!("specs/zoom-meetings-api.json"),
        ZoomApi::VideoSdk => include_str!("specs/zoom-videosdk-api.json"),
    };
    serde_json::from_str(text).expect("the stored Zoom document is JSON")
}

/// Every "Rate Limit Label" in a description, as written.
fn labels(description: &str) -> Vec<&str> {
    let marker = "Rate Limit Label";
    let mut out = Vec::new();
    let mut rest = description;
    while let Some(i) = rest.find(marker) {
        rest = &rest[i + marker.len()..];
        // The value is the next `...` span after the link.
        let Some(open) = rest.find('`') else { break };
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if op.get("operationId").is_some() {
                out.push((method.to_ascii_uppercase(), path.clone(), op));
            }
        }
    }
    out
}

#[test]
fn our_categories_are_zooms() {
    let mut failures = Vec::new();
    for api in [ZoomApi::Meetings, ZoomApi::VideoSdk] {
        let doc = spec(api);
        for ep in ZOOM_ENDPOINTS.iter().filter(|e| e.api == api) {
            let Some(op) = doc["paths"][ep.path].get(ep.method.to_ascii_lowercase()) else {
                failures.push(format!(
                    "{api:?}: no {} {} in Zoom's document",
                    ep.method, ep.path
                ));
                continue;
            };
            if op["operationId"] != ep.operation_id {
                failures.push(format!(
                    "{api:?} {} {}: operationId is {}, we say {}",
                    ep.method, ep.path, op["operationId"], ep.operation_id
                ));
            }
            let found: Vec<Option<Category>> = labels(op["description"].as_str().unwrap_or(""))
                .into_iter()
                .map(Category::from_label)
                .collect();
            if found.is_empty() || found.iter().any(|c| *c != Some(ep.category)) {
                failures.push(format!(
                    "{api:?} {}: Zoom's label(s) {found:?}, we say {:?}",
                    ep.operation_id, ep.category
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The label reader itself: it finds a known category on every operation
/// of both documents but the three Zoom left unlabelled, so a change in
/// how Zoom writes labels fails here instead of passing silently above.
#[test]
fn every_label_in_the_documents_is_a_known_category() {
    let mut unlabelled = Vec::new();
    let mut counted = 0;
    for api in [ZoomApi::Meetings, ZoomApi::VideoSdk] {
        let doc = spec(api);
        for (method, path, op) in operations(&doc) {
            let found = labels(op["description"].as_str().unwrap_or(""));
            if found.is_empty() {
                unlabelled.push(format!("{method} {path}"));
            }
            for label in found {
                assert!(
                    Category::from_label(label).is_some(),
                    "{api:?} {method} {path}: unknown label {label:?}"
                );
                counted += 1;
            }
        }
    }
    unlabelled.sort();
    // Zoom's Meetings document (2026-03) has no label on these three.
    assert_eq!(
        unlabelled,
        [
            "GET /meetings/{meetingId}/recordings/analytics_details",
            "GET /meetings/{meetingId}/recordings/analytics_summary",
            "GET /users/{userId}/webinar_templates",
        ]
    );
    // Meetings: 180 labelled operations, one of them labelled twice
    // ("Medium" and "MEDIUM"); Video SDK: 38.
    assert_eq!(counted, 181 + 38);
}

#[test]
fn the_label_reader() {
    assert_eq!(
        labels("x\n\n**[Rate Limit Label](https://marketplace.zoom.us/docs/api-reference/rate-limits#rate-limits):** `LIGHT`\n\n**Not supported**"),
        ["LIGHT"]
    );
    assert_eq!(labels("no label here `LIGHT`"), Vec::<&str>::new());
    assert_eq!(
        labels("Rate Limit Label: `Medium` and Rate Limit Label `MEDIUM`"),
        ["Medium", "MEDIUM"]
    );
}
