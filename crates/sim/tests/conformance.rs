//! Conformance of the simulator with the real `@zoom/videosdk` surface, read
//! from the SDK's own `dist/types-json`:
//!
//! - every struct in `src/payload.rs` names (container `serde(rename)`) an
//!   interface of the SDK, or an `event_*` declaration whose payload is
//!   declared inline; every field it serializes is a property there, and
//!   every required property is present; a field's enum matches the
//!   property's type;
//! - every SDK enum in `src/payload.rs` names an SDK enum or type alias and
//!   serializes only to its members;
//! - every event name in `src/events.rs` is an overload of `VideoClient.on`;
//! - every method of the `#[wasm_bindgen(js_class = ZoomVideo | VideoClient |
//!   Stream)]` impls in `src/js.rs` has an explicit `js_name` that is a
//!   method of that SDK namespace, with a parameter count the SDK accepts.
//!
//! The SDK is found at `$ZOOMKIT_VIDEOSDK_DIR` or
//! `<workspace>/tests/browser/node_modules/@zoom/videosdk`. This test fails,
//! never skips, when it is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use syn::{Fields, Item, Type};

fn sdk_dir() -> PathBuf {
    match std::env::var_os("ZOOMKIT_VIDEOSDK_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/browser/node_modules/@zoom/videosdk"),
    }
}

// ---------------------------------------------------------------------------
// The SDK's declarations
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Prop {
    name: String,
    ty: String,
    optional: bool,
}

#[derive(Debug, Default)]
struct Sdk {
    /// interface name -> properties
    interfaces: BTreeMap<String, Vec<Prop>>,
    /// `event_*` declaration -> properties of its inline payload
    event_payloads: BTreeMap<String, Vec<Prop>>,
    /// enum or type alias -> member values (as JSON)
    enums: BTreeMap<String, Vec<Value>>,
    /// namespace -> method -> overloads (required, total)
    methods: BTreeMap<String, BTreeMap<String, Vec<(usize, usize)>>>,
    /// event names `VideoClient.on` takes
    events: BTreeSet<String>,
}

fn literals(ty: &str) -> Vec<Value> {
    ty.split('\'')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| Value::String(s.to_owned()))
        .collect()
}

/// The properties of an inline object type `{ a: T; b?: U; }`.
fn object_literal(ty: &str) -> Option<Vec<Prop>> {
    let inner = ty.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut parts = Vec::new();
    let (mut depth, mut cur) = (0i32, String::new());
    for c in inner.chars() {
        match c {
            '{' | '(' | '<' | '[' => depth += 1,
            '}' | ')' | '>' | ']' => depth -= 1,
            _ => {}
        }
        if c == ';' && depth == 0 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    Some(
        parts
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .filter_map(|p| {
                let (name, ty) = p.split_once(':')?;
                let name = name.trim();
                let (name, optional) = match name.strip_suffix('?') {
                    Some(n) => (n, true),
                    None => (name, false),
                };
                Some(Prop {
                    name: name.to_owned(),
                    ty: ty.trim().to_owned(),
                    optional,
                })
            })
            .collect(),
    )
}

fn load_sdk() -> Sdk {
    let dir = sdk_dir().join("dist/types-json");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "@zoom/videosdk's types-json is not at {} ({e}): run `npm ci --prefix tests/browser` \
             (or set ZOOMKIT_VIDEOSDK_DIR)",
            dir.display()
        )
    });
    let mut sdk = Sdk::default();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") || path.ends_with("schema.json") {
            continue;
        }
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for d in json["declarations"].as_array().into_iter().flatten() {
            let name = d["type"].as_str().unwrap_or_default().to_owned();
            match d["kind"].as_str().unwrap_or_default() {
                "interface" => {
                    let props = d["properties"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|p| Prop {
                            name: p["name"].as_str().unwrap_or_default().to_owned(),
                            ty: p["type"].as_str().unwrap_or_default().to_owned(),
                            optional: p["optional"].as_bool().unwrap_or(false),
                        })
                        .collect();
                    sdk.interfaces.insert(name.clone(), props);
                }
                "enum" => {
                    let members = d["members"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|m| m["value"].clone())
                        .collect();
                    sdk.enums.insert(name.clone(), members);
                }
                "type_alias" => {
                    let def = d["definition"].as_str().unwrap_or_default();
                    let lits = literals(def);
                    if !lits.is_empty() {
                        sdk.enums.insert(name.clone(), lits);
                    }
                }
                "event" => {
                    if let Some(props) = d["payloadType"].as_str().and_then(object_literal) {
                        sdk.event_payloads.insert(name.clone(), props);
                    }
                }
                _ => {}
            }
            if let Some(methods) = d["methods"].as_array() {
                let ns = sdk.methods.entry(name.clone()).or_default();
                for m in methods {
                    let mname = m["name"].as_str().unwrap_or_default().to_owned();
                    let params = m["parameters"].as_array().cloned().unwrap_or_default();
                    let required = params
                        .iter()
                        .filter(|p| !p["optional"].as_bool().unwrap_or(false))
                        .count();
                    ns.entry(mname.clone())
                        .or_default()
                        .push((required, params.len()));
                    if name == "VideoClient" && mname == "on" {
                        if let Some(ev) = m["signature"]
                            .as_str()
                            .and_then(|s| s.strip_prefix("on(event: '"))
                            .and_then(|s| s.split('\'').next())
                        {
                            sdk.events.insert(ev.to_owned());
                        }
                    }
                }
            }
        }
    }
    assert!(
        !sdk.interfaces.is_empty() && !sdk.events.is_empty(),
        "{} holds no declarations: run `npm ci --prefix tests/browser`",
        dir.display()
    );
    sdk
}

// ---------------------------------------------------------------------------
// Our source, read with syn
// ---------------------------------------------------------------------------

#[derive(Debug, Default)]
struct SerdeAttrs {
    rename: Option<String>,
    rename_all: Option<String>,
    untagged: bool,
    skip: bool,
}

fn serde_attrs(attrs: &[syn::Attribute]) -> SerdeAttrs {
    let mut out = SerdeAttrs::default();
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        a.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let value = if meta.input.peek(syn::Token![=]) {
                match meta.value()?.parse::<syn::Expr>()? {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                }
            } else {
                None
            };
            match key.as_str() {
                "rename" => out.rename = value,
                "rename_all" => out.rename_all = value,
                "untagged" => out.untagged = true,
                "skip" | "skip_serializing" => out.skip = true,
                _ => {}
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("cannot read a serde attribute: {e}"));
    }
    out
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    for (i, part) in snake.split('_').enumerate() {
        if i == 0 {
            out.push_str(part);
        } else {
            let mut c = part.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        }
    }
    out
}

/// The innermost named type: `Option<Vec<T>>` -> `T`.
fn base_type(ty: &Type) -> String {
    match ty {
        Type::Path(p) => {
            let seg = p.path.segments.last().expect("a type path has a segment");
            let name = seg.ident.to_string();
            if matches!(name.as_str(), "Option" | "Vec") {
                if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                    if let Some(syn::GenericArgument::Type(t)) = args.args.first() {
                        return base_type(t);
                    }
                }
            }
            name
        }
        _ => String::new(),
    }
}

#[derive(Debug)]
struct EnumDef {
    container: Option<String>,
    untagged: bool,
    /// Serialized value of each unit variant.
    values: Vec<Value>,
    /// Types wrapped by newtype variants (untagged unions).
    inner: Vec<String>,
}

#[derive(Debug)]
struct FieldDef {
    json: String,
    ty: String,
}

#[derive(Debug)]
struct StructDef {
    name: String,
    container: Option<String>,
    fields: Vec<FieldDef>,
}

fn read_payload(src: &str) -> (Vec<StructDef>, BTreeMap<String, EnumDef>) {
    let file = syn::parse_file(src).expect("payload source parses");
    let mut structs = Vec::new();
    let mut enums = BTreeMap::new();
    for item in file.items {
        match item {
            Item::Struct(s) => {
                let attrs = serde_attrs(&s.attrs);
                let Fields::Named(named) = &s.fields else {
                    continue;
                };
                let fields = named
                    .named
                    .iter()
                    .filter_map(|f| {
                        let fa = serde_attrs(&f.attrs);
                        if fa.skip {
                            return None;
                        }
                        let ident = f.ident.as_ref()?.to_string();
                        let ident = ident.trim_start_matches("r#").to_owned();
                        let json = fa
                            .rename
                            .unwrap_or_else(|| match attrs.rename_all.as_deref() {
                                Some("camelCase") => camel(&ident),
                                _ => ident.clone(),
                            });
                        Some(FieldDef {
                            json,
                            ty: base_type(&f.ty),
                        })
                    })
                    .collect();
                structs.push(StructDef {
                    name: s.ident.to_string(),
                    container: attrs.rename,
                    fields,
                });
            }
            Item::Enum(e) => {
                let attrs = serde_attrs(&e.attrs);
                let mut values = Vec::new();
                let mut inner = Vec::new();
                for v in &e.variants {
                    match &v.fields {
                        Fields::Unit => {
                            let value = if let Some((_, syn::Expr::Lit(l))) = &v.discriminant {
                                match &l.lit {
                                    syn::Lit::Int(i) => {
                                        Value::from(i.base10_parse::<u64>().expect("an integer"))
                                    }
                                    _ => Value::Null,
                                }
                            } else {
                                Value::String(
                                    serde_attrs(&v.attrs)
                                        .rename
                                        .unwrap_or_else(|| v.ident.to_string()),
                                )
                            };
                            values.push(value);
                        }
                        Fields::Unnamed(u) => {
                            inner.extend(u.unnamed.first().map(|f| base_type(&f.ty)));
                        }
                        Fields::Named(_) => {}
                    }
                }
                enums.insert(
                    e.ident.to_string(),
                    EnumDef {
                        container: attrs.rename,
                        untagged: attrs.untagged,
                        values,
                        inner,
                    },
                );
            }
            _ => {}
        }
    }
    (structs, enums)
}

fn check_payload(sdk: &Sdk, src: &str) -> Vec<String> {
    let (structs, enums) = read_payload(src);
    let mut problems = Vec::new();
    for e in enums.values() {
        let Some(name) = &e.container else { continue };
        match sdk.enums.get(name) {
            None => problems.push(format!(
                "enum `{name}` is not an enum or type alias of @zoom/videosdk"
            )),
            Some(members) => {
                // types-json writes numeric members as strings ("101").
                let text = |v: &Value| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                for v in &e.values {
                    if !members.iter().any(|m| text(m) == text(v)) {
                        problems.push(format!("`{v}` is not a member of `{name}` ({members:?})"));
                    }
                }
            }
        }
    }
    for s in &structs {
        let Some(decl) = &s.container else {
            continue;
        };
        let props = sdk
            .interfaces
            .get(decl)
            .or_else(|| sdk.event_payloads.get(decl));
        let Some(props) = props else {
            problems.push(format!(
                "struct `{}` names `{decl}`, which is neither an interface nor an event with an \
                 inline payload in @zoom/videosdk",
                s.name
            ));
            continue;
        };
        for f in &s.fields {
            let Some(prop) = props.iter().find(|p| p.name == f.json) else {
                problems.push(format!(
                    "`{}.{}` (struct `{}`) is not a property of `{decl}`",
                    decl, f.json, s.name
                ));
                continue;
            };
            if let Some(e) = enums.get(&f.ty) {
                check_enum_use(&mut problems, &enums, e, &f.ty, decl, prop);
            }
        }
        for p in props.iter().filter(|p| !p.optional) {
            if !s.fields.iter().any(|f| f.json == p.name) {
                problems.push(format!(
                    "struct `{}` lacks `{}`, which `{decl}` requires",
                    s.name, p.name
                ));
            }
        }
    }
    problems
}

fn check_enum_use(
    problems: &mut Vec<String>,
    enums: &BTreeMap<String, EnumDef>,
    e: &EnumDef,
    rust_name: &str,
    decl: &str,
    prop: &Prop,
) {
    let mentions = |name: &str| {
        prop.ty
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == name)
    };
    if e.untagged {
        for inner in &e.inner {
            match enums.get(inner).and_then(|i| i.container.as_deref()) {
                Some(name) if mentions(name) => {}
                _ => problems.push(format!(
                    "`{decl}.{}` is `{}`, but `{rust_name}` wraps `{inner}`",
                    prop.name, prop.ty
                )),
            }
        }
    } else if let Some(name) = &e.container {
        if !mentions(name) {
            problems.push(format!(
                "`{decl}.{}` is `{}`, not `{name}`",
                prop.name, prop.ty
            ));
        }
    } else {
        let lits = literals(&prop.ty);
        for v in &e.values {
            if !lits.contains(v) {
                problems.push(format!(
                    "`{decl}.{}` is `{}`; `{rust_name}` can be `{v}`",
                    prop.name, prop.ty
                ));
            }
        }
    }
}

fn check_events(sdk: &Sdk, src: &str) -> Vec<String> {
    let file = syn::parse_file(src).expect("events source parses");
    let mut problems = Vec::new();
    let mut count = 0;
    for item in file.items {
        if let Item::Const(c) = item {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &*c.expr
            {
                count += 1;
                if !sdk.events.contains(&s.value()) {
                    problems.push(format!(
                        "event `{}` is not an overload of VideoClient.on",
                        s.value()
                    ));
                }
            }
        }
    }
    assert!(count > 0, "no event names found");
    problems
}

/// `(js_class or "", js_name or "")` of a `#[wasm_bindgen(...)]` attribute.
fn wasm_bindgen_names(attrs: &[syn::Attribute]) -> Option<(String, String)> {
    let a = attrs.iter().find(|a| a.path().is_ident("wasm_bindgen"))?;
    let (mut class, mut name) = (String::new(), String::new());
    if let syn::Meta::List(_) = &a.meta {
        a.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if meta.input.peek(syn::Token![=]) {
                let v: syn::Expr = meta.value()?.parse()?;
                let text = match &v {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => s.value(),
                    syn::Expr::Path(p) => p
                        .path
                        .get_ident()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                match key.as_str() {
                    "js_class" => class = text,
                    "js_name" => name = text,
                    _ => {}
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("cannot read a wasm_bindgen attribute: {e}"));
    }
    Some((class, name))
}

fn check_exports(sdk: &Sdk, src: &str) -> (Vec<String>, usize) {
    let file = syn::parse_file(src).expect("js source parses");
    let mut problems = Vec::new();
    let mut checked = 0;
    for item in file.items {
        let Item::Impl(imp) = item else { continue };
        let Some((class, _)) = wasm_bindgen_names(&imp.attrs) else {
            continue;
        };
        if class.is_empty() {
            continue;
        }
        let Some(ns) = sdk.methods.get(&class) else {
            problems.push(format!("`js_class = {class}` is not an SDK namespace"));
            continue;
        };
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            let rust = f.sig.ident.to_string();
            let Some((_, js)) = wasm_bindgen_names(&f.attrs).filter(|(_, n)| !n.is_empty()) else {
                problems.push(format!("`{class}::{rust}` has no explicit `js_name`"));
                continue;
            };
            checked += 1;
            let params = f
                .sig
                .inputs
                .iter()
                .filter(|i| matches!(i, syn::FnArg::Typed(_)))
                .count();
            match ns.get(&js) {
                None => problems.push(format!(
                    "`{class}.{js}` does not exist in @zoom/videosdk's types-json"
                )),
                Some(overloads) => {
                    if !overloads.iter().any(|&(r, t)| params >= r && params <= t) {
                        problems.push(format!(
                            "`{class}.{js}` takes {params} parameters; the SDK takes {overloads:?}"
                        ));
                    }
                }
            }
        }
    }
    (problems, checked)
}

fn source(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

#[test]
fn every_payload_struct_and_enum_is_the_sdks() {
    let sdk = load_sdk();
    let src = source("src/payload.rs");
    let (structs, _) = read_payload(&src);
    assert!(
        structs.iter().filter(|s| s.container.is_some()).count() >= 15,
        "payload.rs should name its SDK interfaces"
    );
    let problems = check_payload(&sdk, &src);
    assert!(problems.is_empty(), "\n  {}", problems.join("\n  "));
}

#[test]
fn every_emitted_event_name_is_an_sdk_event() {
    let sdk = load_sdk();
    let problems = check_events(&sdk, &source("src/events.rs"));
    assert!(problems.is_empty(), "\n  {}", problems.join("\n  "));
}

#[test]
fn every_exported_method_is_an_sdk_method_with_a_fitting_arity() {
    let sdk = load_sdk();
    let (problems, checked) = check_exports(&sdk, &source("src/js.rs"));
    assert!(problems.is_empty(), "\n  {}", problems.join("\n  "));
    // ZoomVideo 4 + VideoClient 9 + Stream 24 (attachVideo, detachVideo included),
    // then chat, host controls and recording: VideoClient 6, Stream 2,
    // ChatClient 5, RecordingClient 8; then the share view: Stream 2
    // (startShareView, stopShareView).
    assert_eq!(checked, 37 + 21 + 2, "exported SDK methods counted");
}

// The checks themselves must be able to fail.

#[test]
fn an_invented_field_value_or_interface_is_reported() {
    let sdk = load_sdk();
    let fixture = r#"
        #[serde(rename = "ConnectionState")]
        pub enum ConnectionState { #[serde(rename = "Connected")] Connected, #[serde(rename = "Teleported")] T }
        pub enum Dir { #[serde(rename = "uplink")] Up, #[serde(rename = "sideways")] Side }
        #[serde(rename = "ConnectionChangePayload", rename_all = "camelCase")]
        pub struct A { pub state: ConnectionState, pub error_code: Option<i64> }
        #[serde(rename = "event_network_quality_change", rename_all = "camelCase")]
        pub struct B { pub user_id: u32, #[serde(rename = "type")] pub kind: Dir }
        #[serde(rename = "WarpDrivePayload")]
        pub struct C { pub x: u8 }
    "#;
    let problems = check_payload(&sdk, fixture).join("\n");
    for needle in [
        "`\"Teleported\"` is not a member of `ConnectionState`",
        "`ConnectionChangePayload.errorCode` (struct `A`) is not a property",
        "`Dir` can be `\"sideways\"`",
        "struct `B` lacks `level`",
        "`WarpDrivePayload`, which is neither",
    ] {
        assert!(
            problems.contains(needle),
            "missing {needle:?} in:\n{problems}"
        );
    }
}

#[test]
fn an_invented_event_or_method_or_arity_is_reported() {
    let sdk = load_sdk();
    let problems = check_events(&sdk, r#"pub const X: &str = "user-teleported";"#);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let fixture = r#"
        #[wasm_bindgen(js_class = VideoClient)]
        impl VideoClient {
            #[wasm_bindgen(js_name = join)]
            pub fn join(&self, a: JsValue) -> Promise { todo!() }
            #[wasm_bindgen(js_name = flyToTheMoon)]
            pub fn fly(&self) -> Promise { todo!() }
            pub fn leave(&self) -> Promise { todo!() }
        }
    "#;
    let (problems, _) = check_exports(&sdk, fixture);
    let problems = problems.join("\n");
    for needle in [
        "`VideoClient.join` takes 1 parameters",
        "`VideoClient.flyToTheMoon` does not exist",
        "`VideoClient::leave` has no explicit `js_name`",
    ] {
        assert!(
            problems.contains(needle),
            "missing {needle:?} in:\n{problems}"
        );
    }
}
