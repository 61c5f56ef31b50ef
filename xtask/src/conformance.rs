//! Conformance: every SDK method and event zoomkit binds must exist in the
//! real `@zoom/videosdk`'s machine-readable surface (`dist/types-json`), with
//! a parameter count that fits.
//!
//! The bindings are read from the Rust source of `src/sdk/` with `syn`:
//! in `extern "C"` blocks, a `method` whose `this` is `&ZoomVideo`,
//! `&VideoClient` or `&Stream` binds the SDK namespace of that name, under
//! its `js_name` (or its Rust name). String constants in `src/sdk/events.rs`
//! are event names and must be an overload of `VideoClient.on`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util;

/// One method of one SDK namespace, from types-json (all overloads).
#[derive(Debug, Default, Clone)]
pub struct Surface {
    /// namespace -> method -> (required params, total params) per overload
    pub methods: BTreeMap<String, BTreeMap<String, Vec<(usize, usize)>>>,
    /// event names accepted by `VideoClient.on`
    pub events: Vec<String>,
    /// interface -> property names
    pub interfaces: BTreeMap<String, Vec<String>>,
}

/// A struct that claims (by `#[serde(rename = "Interface")]`) to be the
/// serialized form of an SDK interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub file: String,
    pub interface: String,
    pub fields: Vec<String>,
}

/// A method our externs bind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub file: String,
    pub namespace: String,
    pub method: String,
    pub params: usize,
}

pub fn run() -> Result<(), String> {
    let dir = util::videosdk_dir().join("dist/types-json");
    let surface = load_surface(&dir)?;
    let sdk_dir = util::root().join("src/sdk");
    let mut bindings = Vec::new();
    let mut events = Vec::new();
    for entry in std::fs::read_dir(&sdk_dir).map_err(|e| format!("{}: {e}", sdk_dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|x| x == "rs") {
            let src =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .strip_prefix(util::root())
                .unwrap_or(&path)
                .display()
                .to_string();
            bindings.extend(extract_bindings(&name, &src)?);
            if path.file_name().is_some_and(|n| n == "events.rs") {
                events.extend(extract_event_names(&src)?);
            }
        }
    }
    // The simulator implements the SDK's shape; the core decodes its payloads.
    let mut payloads = Vec::new();
    let mut sim_methods = 0;
    for dir in ["src", "crates/sim/src", "crates/core/src"] {
        for path in util::files_with_extension(&util::root().join(dir), "rs")? {
            let src =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .strip_prefix(util::root())
                .unwrap_or(&path)
                .display()
                .to_string();
            let impls = extract_impl_bindings(&name, &src)?;
            sim_methods += impls.len();
            bindings.extend(impls);
            payloads.extend(extract_payloads(&name, &src)?);
        }
    }
    let mut problems = check(&surface, &bindings, &events);
    problems.extend(check_payloads(&surface, &payloads));
    println!(
        "conformance: {} methods bound in src/sdk, {} implemented by the simulator, {} events, \
         {} payload structs ({} fields), checked against @zoom/videosdk {}",
        bindings.len() - sim_methods,
        sim_methods,
        events.len(),
        payloads.len(),
        payloads.iter().map(|p| p.fields.len()).sum::<usize>(),
        sdk_version()?
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("conformance failed:\n  {}", problems.join("\n  ")))
    }
}

fn sdk_version() -> Result<String, String> {
    let path = util::videosdk_dir().join("package.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok(json["version"].as_str().unwrap_or("?").to_owned())
}

/// Reads every `*.json` declaration file of types-json.
pub fn load_surface(dir: &Path) -> Result<Surface, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "cannot read {}: {e}; run `npm ci --prefix tests/browser` to install @zoom/videosdk",
            dir.display()
        )
    })?;
    let mut surface = Surface::default();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_none_or(|x| x != "json") || path.ends_with("schema.json") {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        add_declarations(&mut surface, &json);
    }
    if surface.methods.is_empty() {
        return Err(format!("{} holds no declarations", dir.display()));
    }
    Ok(surface)
}

fn add_declarations(surface: &mut Surface, json: &serde_json::Value) {
    let Some(decls) = json["declarations"].as_array() else {
        return;
    };
    for decl in decls {
        let Some(ty) = decl["type"].as_str() else {
            continue;
        };
        // An event whose payload is an object literal, e.g.
        // `{ action: AudioChangeAction; type?: 'phone' | 'computer'; }`:
        // its fields are the interface named by the event declaration.
        if let Some(fields) = decl["payloadType"].as_str().and_then(object_literal_fields) {
            surface
                .interfaces
                .entry(ty.to_owned())
                .or_default()
                .extend(fields);
        }
        if let Some(props) = decl["properties"].as_array() {
            let names = props
                .iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned));
            surface
                .interfaces
                .entry(ty.to_owned())
                .or_default()
                .extend(names);
        }
        let Some(methods) = decl["methods"].as_array() else {
            continue;
        };
        let ns = surface.methods.entry(ty.to_owned()).or_default();
        for m in methods {
            let Some(name) = m["name"].as_str() else {
                continue;
            };
            let params = m["parameters"].as_array().cloned().unwrap_or_default();
            let total = params.len();
            let required = params
                .iter()
                .filter(|p| !p["optional"].as_bool().unwrap_or(false))
                .count();
            ns.entry(name.to_owned())
                .or_default()
                .push((required, total));
            if ty == "VideoClient" && name == "on" {
                if let Some(ev) = m["signature"]
                    .as_str()
                    .and_then(|s| s.strip_prefix("on(event: '"))
                    .and_then(|s| s.split('\'').next())
                {
                    surface.events.push(ev.to_owned());
                }
            }
        }
    }
}

/// The top-level field names of a TypeScript object literal type.
fn object_literal_fields(ty: &str) -> Option<Vec<String>> {
    let body = ty.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut fields = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' | b'(' | b'[' | b'<' => depth += 1,
            b'}' | b')' | b']' | b'>' => depth -= 1,
            b';' | b',' if depth == 0 => {
                fields.extend(field_name(&body[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.extend(field_name(&body[start..]));
    Some(fields)
}

fn field_name(member: &str) -> Option<String> {
    let name = member
        .split(':')
        .next()?
        .trim()
        .trim_end_matches('?')
        .trim();
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| name.to_owned())
}

fn wasm_bindgen_args(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.path().is_ident("wasm_bindgen"))
        .map(|a| match &a.meta {
            syn::Meta::List(list) => list.tokens.to_string(),
            _ => String::new(),
        })
}

/// The `js_name = x` (or `js_name = "x"`) of a wasm_bindgen attribute.
fn js_name(args: &str) -> Option<String> {
    let rest = &args[args.find("js_name")? + "js_name".len()..];
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let name: String = rest
        .trim_start_matches('"')
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The methods bound in one source file.
pub fn extract_bindings(file: &str, src: &str) -> Result<Vec<Binding>, String> {
    let ast = syn::parse_file(src).map_err(|e| format!("{file}: {e}"))?;
    let mut out = Vec::new();
    for item in ast.items {
        let syn::Item::ForeignMod(block) = item else {
            continue;
        };
        for fi in block.items {
            let syn::ForeignItem::Fn(f) = fi else {
                continue;
            };
            let Some(args) = wasm_bindgen_args(&f.attrs) else {
                continue;
            };
            let is_method = args.split(',').any(|a| a.trim() == "method");
            if !is_method {
                continue;
            }
            let mut inputs = f.sig.inputs.iter();
            let this = match inputs.next() {
                Some(syn::FnArg::Typed(pt)) => match &*pt.ty {
                    syn::Type::Reference(r) => match &*r.elem {
                        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            let Some(namespace) = this else {
                return Err(format!(
                    "{file}: method `{}` has no `this: &Type` argument",
                    f.sig.ident
                ));
            };
            out.push(Binding {
                file: file.to_owned(),
                namespace,
                method: js_name(&args).unwrap_or_else(|| f.sig.ident.to_string()),
                params: f.sig.inputs.len() - 1,
            });
        }
    }
    Ok(out)
}

/// The value of `key = value` (quoted or not) in attribute tokens.
fn attr_value(args: &str, key: &str) -> Option<String> {
    let mut rest = args;
    while let Some(i) = rest.find(key) {
        let after = &rest[i + key.len()..];
        let before_ok = i == 0
            || !rest.as_bytes()[i - 1].is_ascii_alphanumeric() && rest.as_bytes()[i - 1] != b'_';
        if let Some(v) = after.trim_start().strip_prefix('=') {
            if before_ok {
                let v = v.trim_start();
                let value: String = if let Some(q) = v.strip_prefix('"') {
                    q.chars().take_while(|c| *c != '"').collect()
                } else {
                    v.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                        .collect()
                };
                return (!value.is_empty()).then_some(value);
            }
        }
        rest = after;
    }
    None
}

/// Methods a JS-exported Rust type implements under an SDK namespace's name:
/// `#[wasm_bindgen(js_class = VideoClient)] impl X { #[wasm_bindgen(js_name = join)] fn .. }`.
pub fn extract_impl_bindings(file: &str, src: &str) -> Result<Vec<Binding>, String> {
    let ast = syn::parse_file(src).map_err(|e| format!("{file}: {e}"))?;
    let mut out = Vec::new();
    let mut items: Vec<syn::Item> = ast.items;
    while let Some(item) = items.pop() {
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = m.content {
                    items.extend(inner);
                }
            }
            syn::Item::Impl(imp) => {
                let Some(class) =
                    wasm_bindgen_args(&imp.attrs).and_then(|a| attr_value(&a, "js_class"))
                else {
                    continue;
                };
                for it in imp.items {
                    let syn::ImplItem::Fn(f) = it else { continue };
                    let Some(args) = wasm_bindgen_args(&f.attrs) else {
                        continue;
                    };
                    let Some(method) = attr_value(&args, "js_name") else {
                        continue;
                    };
                    let params = f
                        .sig
                        .inputs
                        .iter()
                        .filter(|a| matches!(a, syn::FnArg::Typed(_)))
                        .count();
                    out.push(Binding {
                        file: file.to_owned(),
                        namespace: class.clone(),
                        method,
                        params,
                    });
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn serde_args(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| match &a.meta {
            syn::Meta::List(list) => Some(list.tokens.to_string()),
            _ => None,
        })
        .collect()
}

fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Structs marked `#[serde(rename = "SdkInterface")]`, with their serialized
/// field names.
pub fn extract_payloads(file: &str, src: &str) -> Result<Vec<Payload>, String> {
    let ast = syn::parse_file(src).map_err(|e| format!("{file}: {e}"))?;
    let mut out = Vec::new();
    let mut items: Vec<syn::Item> = ast.items;
    while let Some(item) = items.pop() {
        let st = match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = m.content {
                    items.extend(inner);
                }
                continue;
            }
            syn::Item::Struct(st) => st,
            _ => continue,
        };
        let container = serde_args(&st.attrs);
        let Some(interface) = container.iter().find_map(|a| attr_value(a, "rename")) else {
            continue;
        };
        let camel = container
            .iter()
            .any(|a| attr_value(a, "rename_all").as_deref() == Some("camelCase"));
        let syn::Fields::Named(named) = &st.fields else {
            continue;
        };
        let mut fields = Vec::new();
        for f in &named.named {
            let args = serde_args(&f.attrs);
            if args.iter().any(|a| {
                a.split(',').any(|t| {
                    matches!(
                        t.trim(),
                        "skip" | "flatten" | "skip_serializing" | "skip_deserializing"
                    )
                })
            }) {
                continue;
            }
            let Some(ident) = &f.ident else { continue };
            let ident = ident.to_string();
            let ident = ident.trim_start_matches("r#");
            let name = args
                .iter()
                .find_map(|a| attr_value(a, "rename"))
                .unwrap_or_else(|| {
                    if camel {
                        camel_case(ident)
                    } else {
                        ident.to_owned()
                    }
                });
            fields.push(name);
        }
        out.push(Payload {
            file: file.to_owned(),
            interface,
            fields,
        });
    }
    Ok(out)
}

/// Problems with payload structs: unknown interfaces and unknown fields.
pub fn check_payloads(surface: &Surface, payloads: &[Payload]) -> Vec<String> {
    let mut problems = Vec::new();
    for p in payloads {
        let Some(props) = surface.interfaces.get(&p.interface) else {
            problems.push(format!(
                "{}: `{}` is not an interface of @zoom/videosdk's types-json",
                p.file, p.interface
            ));
            continue;
        };
        for f in &p.fields {
            if !props.iter().any(|x| x == f) {
                problems.push(format!(
                    "{}: `{}.{}` is not a field of the SDK's `{}`",
                    p.file, p.interface, f, p.interface
                ));
            }
        }
    }
    problems
}

/// String constants in `events.rs`.
pub fn extract_event_names(src: &str) -> Result<Vec<String>, String> {
    let ast = syn::parse_file(src).map_err(|e| format!("events.rs: {e}"))?;
    Ok(ast
        .items
        .into_iter()
        .filter_map(|item| match item {
            syn::Item::Const(c) => match *c.expr {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect())
}

/// Every problem, each naming the symbol.
pub fn check(surface: &Surface, bindings: &[Binding], events: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for b in bindings {
        let Some(ns) = surface.methods.get(&b.namespace) else {
            problems.push(format!(
                "{}: `{}` is not a namespace or interface of @zoom/videosdk",
                b.file, b.namespace
            ));
            continue;
        };
        match ns.get(&b.method) {
            None => problems.push(format!(
                "{}: `{}.{}` does not exist in @zoom/videosdk's types-json",
                b.file, b.namespace, b.method
            )),
            Some(overloads) => {
                if !overloads
                    .iter()
                    .any(|&(req, total)| b.params >= req && b.params <= total)
                {
                    problems.push(format!(
                        "{}: `{}.{}` is bound with {} parameters; the SDK takes {}",
                        b.file,
                        b.namespace,
                        b.method,
                        b.params,
                        overloads
                            .iter()
                            .map(|(r, t)| if r == t {
                                format!("{r}")
                            } else {
                                format!("{r}..={t}")
                            })
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ));
                }
            }
        }
    }
    for e in events {
        if !surface.events.iter().any(|s| s == e) {
            problems.push(format!(
                "src/sdk/events.rs: event `{e}` is not an overload of VideoClient.on in @zoom/videosdk"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface() -> Surface {
        let dir = util::videosdk_dir().join("dist/types-json");
        load_surface(&dir).expect("types-json must be installed: npm ci --prefix tests/browser")
    }

    const FIXTURE: &str = r#"
        #[wasm_bindgen]
        extern "C" {
            pub type VideoClient;
            #[wasm_bindgen(method, structural, catch)]
            pub fn join(this: &VideoClient, topic: &str, token: &str, name: &str) -> Result<JsValue, JsValue>;
            #[wasm_bindgen(method, structural, catch, js_name = flyToTheMoon)]
            pub fn fly(this: &VideoClient) -> Result<JsValue, JsValue>;
            #[wasm_bindgen(method, structural, catch)]
            pub fn leave(this: &VideoClient, a: bool, b: bool) -> Result<JsValue, JsValue>;
        }
    "#;

    #[test]
    fn a_made_up_method_is_named_in_the_failure() {
        let bindings = extract_bindings("fixture.rs", FIXTURE).unwrap();
        let problems = check(&surface(), &bindings, &[]);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`VideoClient.flyToTheMoon` does not exist")),
            "{problems:?}"
        );
        assert!(
            !problems.iter().any(|p| p.contains("VideoClient.join")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_wrong_parameter_count_is_reported() {
        let bindings = extract_bindings("fixture.rs", FIXTURE).unwrap();
        let problems = check(&surface(), &bindings, &[]);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`VideoClient.leave` is bound with 2 parameters")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_made_up_event_is_reported_and_real_ones_pass() {
        let events = vec!["connection-change".to_owned(), "user-teleported".to_owned()];
        let problems = check(&surface(), &[], &events);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("`user-teleported`"));
    }

    const SIM_FIXTURE: &str = r#"
        #[wasm_bindgen(js_class = Stream)]
        impl SimStream {
            #[wasm_bindgen(js_name = startAudio)]
            pub fn start_audio(&self, options: JsValue) -> Promise { todo!() }
            #[wasm_bindgen(js_name = startHologram)]
            pub fn start_hologram(&self) -> Promise { todo!() }
        }
        #[derive(Serialize)]
        #[serde(rename = "ConnectionChangePayload", rename_all = "camelCase")]
        pub struct ConnectionChange { state: String, subsession_name: Option<String>, #[serde(rename = "mood")] reason: u8 }
    "#;

    #[test]
    fn simulator_methods_and_payload_fields_are_checked() {
        let s = surface();
        let bindings = extract_impl_bindings("sim.rs", SIM_FIXTURE).unwrap();
        assert_eq!(bindings.len(), 2);
        let problems = check(&s, &bindings, &[]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("`Stream.startHologram` does not exist"));
        let payloads = extract_payloads("sim.rs", SIM_FIXTURE).unwrap();
        assert_eq!(payloads[0].fields, vec!["state", "subsessionName", "mood"]);
        let problems = check_payloads(&s, &payloads);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("`ConnectionChangePayload.mood`"));
    }

    #[test]
    fn inline_event_payloads_are_read() {
        let fields = object_literal_fields(
            "{ action: AudioChangeAction; type?: 'phone' | 'computer'; source?: { a: 1; b: 2 }; }",
        );
        assert_eq!(fields.unwrap(), vec!["action", "type", "source"]);
        let s = surface();
        assert!(s.interfaces["event_current_audio_change"].contains(&"action".to_owned()));
    }

    #[test]
    fn our_own_bindings_conform() {
        run().unwrap();
    }
}
