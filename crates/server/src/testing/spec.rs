//! Requests and bodies checked against Zoom's own OpenAPI documents
//! (`zoom-meetings-api.json`, `zoom-videosdk-api.json`, stored unchanged in
//! `crates/server/tests/specs/` and embedded here).
//!
//! The fake Zoom checks every request it receives with [`check_request`];
//! `tests/zoom_spec.rs` checks our response types with [`check_value`] and
//! [`example`]. Each problem is a [`Violation`] naming the operation, the
//! place (path, parameter or field) and what is wrong.

use std::fmt;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::http::ZoomApi;

const MEETINGS: &str = include_str!("../../tests/specs/zoom-meetings-api.json");
const VIDEO_SDK: &str = include_str!("../../tests/specs/zoom-videosdk-api.json");

/// Zoom's OpenAPI document for `api`, parsed once.
///
/// # Panics
/// Never for the stored documents (a unit test parses both).
#[must_use]
pub fn document(api: ZoomApi) -> &'static Value {
    static DOCS: OnceLock<(Value, Value)> = OnceLock::new();
    let (m, v) = DOCS.get_or_init(|| {
        (
            serde_json::from_str(MEETINGS).unwrap_or(Value::Null),
            serde_json::from_str(VIDEO_SDK).unwrap_or(Value::Null),
        )
    });
    match api {
        ZoomApi::Meetings => m,
        ZoomApi::VideoSdk => v,
    }
}

/// One problem found in a request or body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The operation (`meetingCreate`), or the method and path when no
    /// operation matched.
    pub operation: String,
    /// Where: `path`, `query parameter \`type\``, `body field \`settings.foo\``.
    pub place: String,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.operation, self.place, self.problem)
    }
}

/// An operation of one of Zoom's documents.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// Which document.
    pub api: ZoomApi,
    /// The path template (`/meetings/{meetingId}`).
    pub template: &'static str,
    /// The method, lower case, as the document keys it.
    pub method: &'static str,
    /// The operation object.
    pub op: &'static Value,
}

impl Operation {
    /// Its `operationId`.
    #[must_use]
    pub fn id(&self) -> &'static str {
        self.op["operationId"].as_str().unwrap_or("?")
    }

    /// The schema of its answer with `status` (`"201"`), JSON only.
    #[must_use]
    pub fn response_schema(&self, status: &str) -> Option<&'static Value> {
        self.op["responses"][status]["content"]["application/json"].get("schema")
    }

    /// The schema of its JSON request body.
    #[must_use]
    pub fn request_schema(&self) -> Option<&'static Value> {
        self.op["requestBody"]["content"]["application/json"].get("schema")
    }

    fn parameters(&self) -> impl Iterator<Item = &'static Value> {
        self.op["parameters"].as_array().into_iter().flatten()
    }
}

/// The operation `method` `path` (decoded segments, without the `/v2`
/// base) is, in either document: the template whose literal segments match
/// most. `path_params` gets each `{name}` and its value.
#[must_use]
pub fn find_operation(
    method: &str,
    segments: &[String],
) -> Option<(Operation, Vec<(&'static str, String)>)> {
    let method = method.to_ascii_lowercase();
    type Match = (usize, Operation, Vec<(&'static str, String)>);
    let mut best: Option<Match> = None;
    for api in [ZoomApi::Meetings, ZoomApi::VideoSdk] {
        let Some(paths) = document(api)["paths"].as_object() else {
            continue;
        };
        for (template, item) in paths {
            let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut literal = 0;
            let mut params = Vec::new();
            let matched = parts.iter().zip(segments).all(|(p, s)| {
                if let Some(name) = p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    params.push((name, s.clone()));
                    !s.is_empty()
                } else {
                    literal += 1;
                    p == s
                }
            });
            let Some((key, op)) = item
                .as_object()
                .and_then(|m| m.get_key_value(method.as_str()))
            else {
                continue;
            };
            if matched && best.as_ref().is_none_or(|(n, ..)| literal > *n) {
                best = Some((
                    literal,
                    Operation {
                        api,
                        template: template.as_str(),
                        method: key.as_str(),
                        op,
                    },
                    params,
                ));
            }
        }
    }
    best.map(|(_, op, params)| (op, params))
}

fn type_of(schema: &Value) -> Option<&str> {
    schema["type"].as_str()
}

/// The properties a schema declares, merged over `allOf`/`anyOf`/`oneOf`.
fn properties(schema: &Value) -> Map<String, Value> {
    let mut out = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for key in ["allOf", "anyOf", "oneOf"] {
        for sub in schema[key].as_array().into_iter().flatten() {
            out.extend(properties(sub));
        }
    }
    out
}

/// The schema of property `name` of `schema`, looked up through
/// `allOf`/`anyOf`/`oneOf`.
#[must_use]
pub fn property<'a>(schema: &'a Value, name: &str) -> Option<&'a Value> {
    schema["properties"].get(name).or_else(|| {
        ["allOf", "anyOf", "oneOf"]
            .iter()
            .flat_map(|k| schema[*k].as_array().into_iter().flatten())
            .find_map(|sub| property(sub, name))
    })
}

fn declares_properties(schema: &Value) -> bool {
    schema.get("properties").is_some()
        || ["allOf", "anyOf", "oneOf"].iter().any(|k| {
            schema[*k]
                .as_array()
                .is_some_and(|a| a.iter().any(declares_properties))
        })
}

/// Checks `value` against `schema`: every object key is declared (when
/// the schema declares properties), types match, enums hold, required
/// keys are present. `null` is accepted anywhere (an absent optional).
pub fn check_value(
    value: &Value,
    schema: &Value,
    at: &str,
    operation: &str,
    out: &mut Vec<Violation>,
) {
    check_value_in("body", value, schema, at, operation, out);
}

/// [`check_value`], naming places `{what}` and `{what} field \`x\``.
fn check_value_in(
    what: &str,
    value: &Value,
    schema: &Value,
    at: &str,
    operation: &str,
    out: &mut Vec<Violation>,
) {
    let place = |p: &str| {
        if p.is_empty() {
            what.to_owned()
        } else {
            format!("{what} field `{p}`")
        }
    };
    let mut push = |problem: String| {
        out.push(Violation {
            operation: operation.to_owned(),
            place: place(at),
            problem,
        })
    };
    if value.is_null() {
        return;
    }
    if let Some(t) = type_of(schema) {
        let ok = match t {
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !ok {
            push(format!("is not of type {t}"));
            return;
        }
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            push(format!(
                "{value} is not one of {}",
                Value::Array(allowed.clone())
            ));
        }
    }
    if let (Some(max), Some(s)) = (schema["maxLength"].as_u64(), value.as_str()) {
        if s.chars().count() as u64 > max {
            push(format!("longer than {max} characters"));
        }
    }
    match value {
        Value::Object(map) => {
            let props = properties(schema);
            let strict = declares_properties(schema);
            for (k, v) in map {
                let sub = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                match props.get(k) {
                    Some(s) => check_value_in(what, v, s, &sub, operation, out),
                    None if strict => out.push(Violation {
                        operation: operation.to_owned(),
                        place: place(&sub),
                        problem: "is not in Zoom's document".to_owned(),
                    }),
                    None => {}
                }
            }
            for r in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !map.contains_key(r) {
                    let sub = if at.is_empty() {
                        r.to_owned()
                    } else {
                        format!("{at}.{r}")
                    };
                    out.push(Violation {
                        operation: operation.to_owned(),
                        place: place(&sub),
                        problem: "is required".to_owned(),
                    });
                }
            }
        }
        Value::Array(items) => {
            let item_schema = &schema["items"];
            for v in items {
                check_value_in(what, v, item_schema, &format!("{at}[]"), operation, out);
            }
        }
        _ => {}
    }
}

fn check_scalar(text: &str, schema: &Value) -> Option<String> {
    match type_of(schema) {
        Some("integer") => {
            let Ok(n) = text.parse::<i128>() else {
                return Some("is not an integer".into());
            };
            if schema["maximum"]
                .as_i64()
                .is_some_and(|m| n > i128::from(m))
            {
                return Some(format!("is over the maximum {}", schema["maximum"]));
            }
        }
        Some("boolean") if text != "true" && text != "false" => {
            return Some("is not true or false".into());
        }
        Some("string")
            if schema["format"] == "date" && crate::zoom::Date::parse(text).is_none() =>
        {
            return Some("is not a yyyy-mm-dd date".into());
        }
        _ => {}
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.iter().any(|a| {
            a.as_str() == Some(text) || (a.is_i64() && text.parse::<i64>().ok() == a.as_i64())
        }) {
            return Some(format!(
                "`{text}` is not one of {}",
                Value::Array(allowed.clone())
            ));
        }
    }
    None
}

/// Checks one request: its path exists for its method, every path and
/// query parameter is declared with a value of its type, required ones are
/// there, and the JSON body fits the request schema.
///
/// `segments` are the path's segments after the `/v2` base, decoded.
/// Returns the operation (when the path matched) and the violations.
pub fn check_request(
    method: &str,
    segments: &[String],
    query: &[(String, String)],
    body: &[u8],
) -> (Option<Operation>, Vec<Violation>) {
    let mut out = Vec::new();
    let Some((op, path_params)) = find_operation(method, segments) else {
        out.push(Violation {
            operation: format!("{} /{}", method.to_ascii_uppercase(), segments.join("/")),
            place: "path".into(),
            problem: "no such operation in Zoom's documents".into(),
        });
        return (None, out);
    };
    let id = op.id();
    let mut push = |place: String, problem: String| {
        out.push(Violation {
            operation: id.to_owned(),
            place,
            problem,
        })
    };
    for (name, value) in &path_params {
        let declared = op
            .parameters()
            .find(|p| p["in"] == "path" && p["name"] == *name);
        match declared {
            None => push(format!("path parameter `{name}`"), "is not declared".into()),
            Some(p) => {
                if let Some(problem) = check_scalar(value, &p["schema"]) {
                    push(format!("path parameter `{name}`"), problem);
                }
            }
        }
    }
    for (name, value) in query {
        let declared = op
            .parameters()
            .find(|p| p["in"] == "query" && p["name"] == name.as_str());
        match declared {
            None => push(
                format!("query parameter `{name}`"),
                "is not in Zoom's document".into(),
            ),
            Some(p) => {
                if let Some(problem) = check_scalar(value, &p["schema"]) {
                    push(format!("query parameter `{name}`"), problem);
                }
            }
        }
    }
    for p in op
        .parameters()
        .filter(|p| p["in"] == "query" && p["required"] == true)
    {
        let name = p["name"].as_str().unwrap_or("?");
        if !query.iter().any(|(n, _)| n == name) {
            push(format!("query parameter `{name}`"), "is required".into());
        }
    }
    let empty = body.iter().all(u8::is_ascii_whitespace);
    match (op.request_schema(), empty) {
        (None, true) => {}
        (None, false) => push("body".into(), "this operation takes no JSON body".into()),
        (Some(_), true) => {
            if op.op["requestBody"]["required"] == true {
                push("body".into(), "is required".into());
            }
        }
        (Some(schema), false) => match serde_json::from_slice::<Value>(body) {
            Ok(v) => check_value(&v, schema, "", id, &mut out),
            Err(_) => push("body".into(), "is not JSON".into()),
        },
    }
    (Some(op), out)
}

/// Checks one answer of `op` against its documented responses: a 2xx
/// status must be one the document lists; a body must fit the status's
/// JSON schema (every field declared, of its type, enums held, required
/// ones present), and a status documented without a body must have none.
/// Error statuses the document does not list (Zoom describes most of its
/// errors in prose only) are not checked. Places read `answer`,
/// `answer field \`x\``.
#[must_use]
pub fn check_response(op: &Operation, status: u16, body: &[u8]) -> Vec<Violation> {
    let mut out = Vec::new();
    let id = op.id();
    let code = status.to_string();
    let violation = |place: &str, problem: String| Violation {
        operation: id.to_owned(),
        place: place.to_owned(),
        problem,
    };
    let documented = op.op["responses"].get(code.as_str());
    let Some(documented) = documented else {
        if (200..300).contains(&status) {
            out.push(violation(
                "status",
                format!("{status} is not among the documented answers"),
            ));
        }
        return out;
    };
    let empty = body.iter().all(u8::is_ascii_whitespace);
    match (op.response_schema(&code), empty) {
        (None, true) => {}
        (Some(_), true) => {
            if (200..300).contains(&status) && status != 204 {
                out.push(violation(
                    "answer",
                    "is empty; the document describes a JSON body".into(),
                ));
            }
        }
        (None, false) => {
            if documented.get("content").is_none() && (200..300).contains(&status) {
                out.push(violation(
                    "answer",
                    format!("status {status} is documented without a body"),
                ));
            }
        }
        (Some(schema), false) => match serde_json::from_slice::<Value>(body) {
            Ok(v) => check_value_in("answer", &v, schema, "", id, &mut out),
            Err(_) => out.push(violation("answer", "is not JSON".into())),
        },
    }
    out
}

/// A value with every property `schema` declares, each of its type (the
/// first enum value where there is one): what a complete answer looks
/// like, to parse our types from.
#[must_use]
pub fn example(schema: &Value) -> Value {
    example_at(schema, 0)
}

fn example_at(schema: &Value, depth: usize) -> Value {
    if let Some(first) = schema["enum"].as_array().and_then(|a| a.first()) {
        return first.clone();
    }
    match type_of(schema) {
        // An int64 past f64's precision, to catch a lossy reader.
        Some("integer") if schema["format"] == "int64" => Value::from(9_007_199_254_740_993u64),
        Some("integer") => Value::from(1),
        Some("number") => Value::from(1024.0),
        Some("boolean") => Value::Bool(true),
        Some("string") => Value::from(match schema["format"].as_str() {
            Some("date-time") => "2026-12-02T10:00:00Z",
            Some("date") => "2026-12-02",
            _ => "text",
        }),
        Some("array") if depth < 8 => Value::Array(vec![example_at(&schema["items"], depth + 1)]),
        Some("array") => Value::Array(Vec::new()),
        _ if depth < 8 => Value::Object(
            properties(schema)
                .iter()
                .map(|(k, v)| (k.clone(), example_at(v, depth + 1)))
                .collect(),
        ),
        _ => Value::Object(Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(path: &str) -> Vec<String> {
        path.trim_start_matches('/')
            .split('/')
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn documents_parse() {
        assert!(document(ZoomApi::Meetings)["paths"].is_object());
        assert!(document(ZoomApi::VideoSdk)["paths"].is_object());
    }

    #[test]
    fn finds_and_refuses() {
        let (op, params) = find_operation("PATCH", &segs("/meetings/123")).unwrap();
        assert_eq!(op.id(), "meetingUpdate");
        assert_eq!(params, vec![("meetingId", "123".to_owned())]);
        let (op, _) = find_operation("GET", &segs("/videosdk/sessions/abc/users")).unwrap();
        assert_eq!(op.id(), "sessionUsers");
        assert!(find_operation("GET", &segs("/meetings/1/nonsense")).is_none());

        let (_, v) = check_request(
            "PATCH",
            &segs("/meetings/abc"),
            &[],
            br#"{"topic":"x","settings":{"waiting_roomz":true}}"#,
        );
        let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "meetingUpdate: path parameter `meetingId`: is not an integer",
                "meetingUpdate: body field `settings.waiting_roomz`: is not in Zoom's document",
            ]
        );
        let q = vec![
            ("pagesize".to_owned(), "3".to_owned()),
            ("type".to_owned(), "later".to_owned()),
        ];
        let (_, v) = check_request("GET", &segs("/users/me/meetings"), &q, b"");
        assert_eq!(v.len(), 2, "{v:?}");
        let (_, v) = check_request("GET", &segs("/videosdk/sessions"), &[], b"");
        assert_eq!(v.len(), 2, "from and to are required: {v:?}");
    }
}
