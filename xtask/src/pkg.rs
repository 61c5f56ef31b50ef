//! `cargo xtask pkg`: the npm package `zoomkit` in `pkg/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{self, step};

/// Makes sure the wasm32 target is installed (rustup can add it offline from
/// its mirror) and says what it did.
pub fn ensure_wasm32_target() -> Result<(), String> {
    let installed = util::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .map_err(|e| {
            format!("{e}\nzoomkit needs rustup to add the wasm32-unknown-unknown target")
        })?;
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step(
        "install the wasm32-unknown-unknown target",
        Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
    )
}

/// `wasm-bindgen` at exactly the version in Cargo.lock, installed with cargo
/// when missing or different.
pub fn ensure_wasm_bindgen() -> Result<PathBuf, String> {
    let want = util::locked_version("wasm-bindgen")?;
    let have = util::which("wasm-bindgen").and_then(|p| {
        util::output(Command::new(&p).arg("--version"))
            .ok()
            .map(|v| (p, v))
    });
    if let Some((path, version)) = &have {
        if version.split_whitespace().nth(1) == Some(want.as_str()) {
            return Ok(path.clone());
        }
        eprintln!(
            "xtask: {} is {}, Cargo.lock has {want}; reinstalling",
            path.display(),
            version.trim()
        );
    }
    let pin = format!("={want}");
    // `--locked` first for reproducibility; the crate's own lockfile can name a
    // yanked dependency, and then a fresh resolve is the only way.
    let locked = step(
        &format!("install wasm-bindgen-cli {pin} (--locked)"),
        util::cargo().args(["install", "wasm-bindgen-cli", "--version", &pin, "--locked"]),
    );
    if locked.is_err() {
        step(
            &format!("install wasm-bindgen-cli {pin}"),
            util::cargo().args(["install", "wasm-bindgen-cli", "--version", &pin]),
        )?;
    }
    util::which("wasm-bindgen")
        .ok_or_else(|| "wasm-bindgen installed but not on PATH (add ~/.cargo/bin)".to_owned())
}

/// The tests' npm dev dependencies (`tests/browser/package.json`): the real
/// SDK, playwright-core, binaryen's wasm-opt, jsrsasign.
pub fn ensure_npm_deps() -> Result<(), String> {
    let dir = util::root().join("tests/browser");
    let stamp = dir.join("node_modules/.package-lock.json");
    let lock = dir.join("package-lock.json");
    let fresh = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => s.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh && util::videosdk_dir().join("dist/types-json").is_dir() {
        return Ok(());
    }
    if util::which("npm").is_none() {
        return Err(
            "npm is missing: install Node.js 20+ (`apt-get install -y nodejs npm`)".to_owned(),
        );
    }
    step(
        "install the tests' npm dev dependencies",
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )
}

/// Minifies one release JS file in place with terser (a tests' npm dev
/// dependency), keeping the `@ts-self-types` comment that points TypeScript
/// at the `.d.ts`. Bundlers minify anyway; this makes the package's own
/// download (and `bench size`) what an app actually ships. Without terser,
/// only the JSDoc is stripped: it is already in the `.d.ts` that editors read.
fn minify_js(js: &Path) -> Result<(), String> {
    let terser = util::node_modules().join(".bin/terser");
    if !terser.exists() {
        eprintln!(
            "xtask: terser not found, {} is not minified \
             (`npm ci --prefix tests/browser` installs it)",
            js.display()
        );
        let text = std::fs::read_to_string(js).map_err(|e| format!("{}: {e}", js.display()))?;
        return write(js, &strip_jsdoc(&text));
    }
    step(
        &format!("terser {}", js.display()),
        Command::new(terser)
            .arg(js)
            .args([
                "--module",
                "--compress",
                "--mangle",
                "--comments",
                "/@ts-self-types/",
                "-o",
            ])
            .arg(js),
    )
}

fn wasm_opt() -> Option<PathBuf> {
    let local = util::node_modules().join(".bin/wasm-opt");
    if local.exists() {
        return Some(local);
    }
    util::which("wasm-opt")
}

/// Builds `pkg/`. Returns its path.
pub fn run_pkg(dev: bool) -> Result<PathBuf, String> {
    ensure_wasm32_target()?;
    let bindgen = ensure_wasm_bindgen()?;
    let root = util::root();
    let out = root.join("pkg");
    if out.exists() {
        std::fs::remove_dir_all(&out)
            .map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    // The client (`Session`, `Stage`, `layout`, `QualityController` and
    // the rest) is the package's one client entry. The simulator is a
    // separate wasm module behind `zoomkit/sim`, so production bundles
    // never carry it.
    let entries = [
        Entry {
            krate: "zoomkit",
            artifact: "zoomkit",
            name: "zoomkit",
            dir: "",
        },
        Entry {
            krate: "zoomkit-sim",
            artifact: "zoomkit_sim",
            name: "zoomkit_sim",
            dir: "sim",
        },
    ];
    for entry in &entries {
        build_entry(&bindgen, dev, entry, &out.join(entry.dir))?;
    }
    write_package_files(&out)?;
    eprintln!("xtask: npm package written to {}", out.display());
    Ok(out)
}

/// One entry of the npm package: a wasm crate.
struct Entry {
    krate: &'static str,
    /// The file cargo writes (`<artifact>.wasm`).
    artifact: &'static str,
    /// What wasm-bindgen names the output (`<name>.js`, `<name>_bg.wasm`).
    name: &'static str,
    /// Where in `pkg/` the entry goes (`""` for the main entry).
    dir: &'static str,
}

/// Builds one wasm crate and runs wasm-bindgen (and wasm-opt) into `out`.
fn build_entry(bindgen: &Path, dev: bool, entry: &Entry, out: &Path) -> Result<(), String> {
    let Entry {
        krate,
        artifact,
        name,
        ..
    } = *entry;
    let profile = if dev { "debug" } else { "release" };
    let mut build = util::cargo();
    build.args([
        "build",
        "-p",
        krate,
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
    ]);
    if !dev {
        build.arg("--release");
    }
    step(&format!("build {krate} for wasm32 ({profile})"), &mut build)?;
    let wasm = target_dir().join(format!("wasm32-unknown-unknown/{profile}/{artifact}.wasm"));
    step(
        &format!("wasm-bindgen --target web ({name})"),
        Command::new(bindgen)
            .args(["--target", "web", "--out-name", name, "--out-dir"])
            .arg(out)
            .arg(&wasm),
    )?;
    if !dev {
        minify_js(&out.join(format!("{name}.js")))?;
        for snippet in util::files_with_extension(&out.join("snippets"), "js")? {
            minify_js(&snippet)?;
        }
    }
    let bg = out.join(format!("{name}_bg.wasm"));
    match (dev, wasm_opt()) {
        (true, _) => eprintln!("xtask: dev build, wasm-opt skipped"),
        (false, Some(opt)) => {
            let before = file_len(&bg);
            step(
                &format!("wasm-opt -Oz ({name})"),
                Command::new(opt)
                    // `-Oz`, then flattening and re-looping the control flow
                    // and `-Oz` twice more: ~0.5 KB gzip less than `-Oz`
                    // alone, for a few seconds. The producers and
                    // target-features sections are for tools, not browsers.
                    .args([
                        "-Oz",
                        "--flatten",
                        "--rereloop",
                        "-Oz",
                        "-Oz",
                        "--strip-producers",
                        "--strip-target-features",
                        "--enable-bulk-memory",
                        "--enable-nontrapping-float-to-int",
                        "--enable-sign-ext",
                        "--enable-mutable-globals",
                        "--enable-reference-types",
                        "--enable-multivalue",
                        "-o",
                    ])
                    .arg(&bg)
                    .arg(&bg),
            )?;
            eprintln!("xtask: wasm-opt: {before} -> {} bytes", file_len(&bg));
        }
        (false, None) => eprintln!(
            "xtask: wasm-opt not found, the wasm is not size-optimised \
             (`npm ci --prefix tests/browser` installs binaryen's; or `apt-get install binaryen`)"
        ),
    }
    strip_dispose(&out.join(format!("{name}.d.ts")))?;
    write_entry(out, name)?;
    if !dev {
        minify_js(&out.join("index.js"))?;
    }
    // wasm-bindgen writes a .gitignore of `*` into its output; npm pack would
    // then honour it and ship nothing.
    let _ = std::fs::remove_file(out.join(".gitignore"));
    Ok(())
}

/// The entry point, `index.js` (`xtask/src/entry.js` filled in) and its
/// `index.d.ts`. It imports nothing from the browser: wasm-bindgen's `web`
/// output only fetches the wasm when `init()` is called, so server-side
/// rendering can import zoomkit safely. Every class and function the wasm
/// exports is re-exported through a guard (a call before `init()`, or on a
/// freed object, is a `ZoomkitError` saying what to do); which methods
/// return promises (and so reject rather than throw) is read from the
/// `.d.ts` wasm-bindgen wrote.
fn write_entry(out: &Path, name: &str) -> Result<(), String> {
    let dts_path = out.join(format!("{name}.d.ts"));
    let dts = std::fs::read_to_string(&dts_path)
        .map_err(|e| format!("cannot read {}: {e}", dts_path.display()))?;
    let api = exports_of(&dts);
    // The client's `ZoomkitError` is a class in `src/error.js`, which
    // wasm-bindgen copies into `snippets/<crate>-<hash>/src/error.js`.
    let error_class = util::files_with_extension(&out.join("snippets"), "js")?
        .into_iter()
        .find(|p| p.ends_with("src/error.js"));
    let error_import = match error_class {
        Some(path) => {
            let rel = path
                .strip_prefix(out)
                .map_err(|e| e.to_string())?
                .to_str()
                .ok_or("non-UTF-8 snippet path")?
                .replace('\\', "/");
            format!("import {{ ZoomkitError }} from \"./{rel}\";\nexport {{ ZoomkitError }};")
        }
        None => "class ZoomkitError extends Error {\n  name = \"ZoomkitError\";\n}".to_owned(),
    };
    let mut exports = String::new();
    for (class, async_methods) in &api.classes {
        let list = async_methods
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ");
        exports.push_str(&format!(
            "export const {class} = guardClass(wasm.{class}, \"{class}\", [{list}]);\n"
        ));
    }
    for function in &api.functions {
        exports.push_str(&format!(
            "export const {function} = guardFunction(wasm.{function}, \"{function}\");\n"
        ));
    }
    let js = include_str!("entry.js")
        .replace("__NAME__", name)
        .replace("__ERROR_IMPORT__", &error_import)
        .replace("__EXPORTS__", exports.trim_end());
    write(&out.join("index.js"), &js)?;
    write(
        &out.join("index.d.ts"),
        &format!(
            "export * from \"./{name}.js\";\n\
             export {{ default as init, initSync }} from \"./{name}.js\";\n"
        ),
    )
}

/// What a wasm-bindgen `.d.ts` exports: each class with its methods that
/// return a promise, and the free functions (not `initSync`).
#[derive(Debug, Default, PartialEq)]
struct Api {
    classes: Vec<(String, Vec<String>)>,
    functions: Vec<String>,
}

fn exports_of(dts: &str) -> Api {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
            .collect()
    };
    let mut api = Api::default();
    let mut class: Option<(String, Vec<String>)> = None;
    for line in dts.lines() {
        if let Some((_, methods)) = &mut class {
            if line == "}" {
                api.classes.extend(class.take());
                continue;
            }
            let t = line.trim_start();
            let t = t.strip_prefix("static ").unwrap_or(t);
            let method = ident(t);
            let returns_promise = t
                .rsplit_once("): ")
                .is_some_and(|(_, ret)| ret.starts_with("Promise<"));
            if !method.is_empty() && t[method.len()..].starts_with('(') && returns_promise {
                methods.push(method);
            }
        } else if let Some(rest) = line.strip_prefix("export class ") {
            class = Some((ident(rest), Vec::new()));
        } else if let Some(rest) = line.strip_prefix("export function ") {
            let f = ident(rest);
            if f != "initSync" {
                api.functions.push(f);
            }
        }
    }
    api
}

/// Drops wasm-bindgen's `[Symbol.dispose](): void;` declarations: with a
/// `lib` that lacks `ESNext.Disposable` they fail to compile (TS2550) even
/// under `skipLibCheck: false`'s defaults. The method is still there at
/// runtime (it is `free()`), for `using` in JS.
fn strip_dispose(dts: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(dts).map_err(|e| format!("{}: {e}", dts.display()))?;
    let kept: String = text
        .split_inclusive('\n')
        .filter(|l| l.trim() != "[Symbol.dispose](): void;")
        .collect();
    write(dts, &kept)
}

/// The package as registries and TypeScript see it: `publint` (package.json
/// fields, `exports` condition order, files that exist) and
/// `@arethetypeswrong/cli` (each entry's types resolve under Node 16 ESM and
/// bundlers). Both are pinned dev dependencies of `tests/browser`. The
/// package is ESM only, so attw's `esm-only` profile leaves out the
/// `require` and Node 10 resolutions; the `.wasm` subpaths carry no types.
pub fn lint(out: &Path) -> Result<(), String> {
    let bin = util::node_modules().join(".bin");
    step(
        "publint (the package's package.json and files)",
        Command::new(bin.join("publint")).arg(out).arg("--strict"),
    )?;
    let wasm: Vec<String> = util::files_with_extension(out, "wasm")?
        .iter()
        .filter_map(|p| p.strip_prefix(out).ok()?.to_str().map(|p| format!("./{p}")))
        .collect();
    step(
        "attw (are the types wrong?)",
        Command::new(bin.join("attw"))
            .args([
                "--pack",
                ".",
                "--profile",
                "esm-only",
                "--no-emoji",
                "--no-color",
            ])
            .arg("--exclude-entrypoints")
            .args(&wasm)
            .arg("./package.json")
            .current_dir(out),
    )
}

pub fn run(args: &[String]) -> Result<PathBuf, String> {
    let dev = args.iter().any(|a| a == "--dev");
    let out = run_pkg(dev)?;
    if util::which("npm").is_some() {
        step(
            "npm pack --dry-run (what a user would get)",
            Command::new("npm")
                .args(["pack", "--dry-run"])
                .current_dir(&out),
        )?;
    }
    Ok(out)
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// The cargo target directory (honours CARGO_TARGET_DIR).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| util::root().join("target"))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_package_files(out: &Path) -> Result<(), String> {
    let manifest =
        std::fs::read_to_string(util::root().join("Cargo.toml")).map_err(|e| e.to_string())?;
    let version = manifest
        .lines()
        .skip_while(|l| l.trim() != "[workspace.package]")
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .ok_or("no version in [workspace.package]")?;
    // Written by hand, not with serde_json (which sorts keys): in `exports`,
    // the order of the conditions is what resolvers go by, and `types` must
    // come first and `default` last (publint checks it in `cargo xtask test`).
    let package = format!(
        r#"{{
  "name": "zoomkit",
  "version": "{version}",
  "description": "Typed, tested state machines around the Zoom Video SDK for the web: session lifecycle, reconnection, devices, media. Rust compiled to WebAssembly.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./index.js",
  "module": "./index.js",
  "types": "./index.d.ts",
  "exports": {{
    ".": {{ "types": "./index.d.ts", "import": "./index.js", "default": "./index.js" }},
    "./sim": {{ "types": "./sim/index.d.ts", "import": "./sim/index.js", "default": "./sim/index.js" }},
    "./zoomkit_bg.wasm": "./zoomkit_bg.wasm",
    "./sim/zoomkit_sim_bg.wasm": "./sim/zoomkit_sim_bg.wasm",
    "./package.json": "./package.json"
  }},
  "files": ["index.js", "index.d.ts", "zoomkit.js", "zoomkit.d.ts", "zoomkit_bg.wasm", "zoomkit_bg.wasm.d.ts", "snippets/", "sim/", "README.md"],
  "sideEffects": false,
  "peerDependencies": {{ "@zoom/videosdk": "^2.5.0" }},
  "keywords": ["zoom", "videosdk", "webrtc", "wasm", "video"]
}}
"#
    );
    // Still valid JSON (a typo in the literal above fails here, not in npm).
    serde_json::from_str::<serde_json::Value>(&package)
        .map_err(|e| format!("pkg/package.json is not valid JSON: {e}"))?;
    write(&out.join("package.json"), &package)?;
    let readme = std::fs::read_to_string(util::root().join("README.md")).unwrap_or_default();
    write(&out.join("README.md"), &readme)?;
    Ok(())
}

/// `js` without its `/** ... */` blocks that start a line (wasm-bindgen's
/// JSDoc); everything else, including other comments, is kept.
fn strip_jsdoc(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_doc = false;
    for line in js.split_inclusive('\n') {
        let t = line.trim();
        if !in_doc && t.starts_with("/**") {
            in_doc = !t.ends_with("*/");
            continue;
        }
        if in_doc {
            in_doc = !t.ends_with("*/");
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn exports_of_finds_classes_promise_methods_and_functions() {
        let dts = "export interface Session {\n  on(name: string): () => void;\n}\nexport class Session {\n  free(): void;\n  join(options: JoinOptions): Promise<\"connected\">;\n  mute(): void;\n  static transitions(): { from: string }[];\n  get state(): SessionState;\n  leave(end?: boolean | null): Promise<SessionState>;\n}\nexport function layout(input: LayoutInput): Layout;\nexport function initSync(module: any): InitOutput;\n";
        assert_eq!(
            super::exports_of(dts),
            super::Api {
                classes: vec![("Session".into(), vec!["join".into(), "leave".into()])],
                functions: vec!["layout".into()],
            }
        );
    }

    #[test]
    fn strip_jsdoc_removes_only_doc_blocks() {
        let js = "/* @ts-self-types=\"./z.d.ts\" */\n/**\n * Doc.\n * @param {number} a\n */\nexport function f(a) {\n    /** one line */\n    return a; // \"/**\" in a comment\n}\nconst s = \"/** not a doc */\";\n";
        assert_eq!(
            super::strip_jsdoc(js),
            "/* @ts-self-types=\"./z.d.ts\" */\nexport function f(a) {\n    return a; // \"/**\" in a comment\n}\nconst s = \"/** not a doc */\";\n"
        );
    }
}
