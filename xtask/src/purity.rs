//! The core stays pure: `zoomkit-core` must not depend on wasm-bindgen,
//! js-sys or web-sys, and its wasm32 build must import nothing from JS.

use crate::pkg::target_dir;
use crate::util::{self, step};

const FORBIDDEN: &[&str] = &[
    "wasm-bindgen",
    "js-sys",
    "web-sys",
    "wasm-bindgen-futures",
    "gloo",
];

pub fn run() -> Result<(), String> {
    // 1. The dependency graph, for every target including wasm32.
    let tree = util::output(util::cargo().args([
        "tree",
        "-p",
        "zoomkit-core",
        "-e",
        "normal,build",
        "--target",
        "all",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]))?;
    let bad = forbidden_in(&tree);
    if !bad.is_empty() {
        return Err(format!(
            "zoomkit-core must stay free of JS, but depends on: {}",
            bad.join(", ")
        ));
    }
    // 2. The wasm32 build: link the core into a cdylib that keeps every
    //    public item reachable and read its import section.
    step(
        "build zoomkit-core for wasm32 as a cdylib",
        util::cargo().args([
            "rustc",
            "-p",
            "zoomkit-core",
            "--lib",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--crate-type",
            "cdylib",
        ]),
    )?;
    let wasm = target_dir().join("wasm32-unknown-unknown/release/zoomkit_core.wasm");
    let bytes = std::fs::read(&wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let imports = wasm_imports(&bytes)?;
    // The rlib itself must not carry wasm-bindgen's describe/shim symbols either.
    let rlib_dir = target_dir().join("wasm32-unknown-unknown/release/deps");
    let mut marked = Vec::new();
    for entry in std::fs::read_dir(&rlib_dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("libzoomkit_core-") && name.ends_with(".rlib") {
            let data = std::fs::read(&path).map_err(|e| e.to_string())?;
            if contains(&data, b"__wbindgen") || contains(&data, b"__wbg_") {
                marked.push(name.to_owned());
            }
        }
    }
    if !imports.is_empty() || !marked.is_empty() {
        return Err(format!(
            "zoomkit-core's wasm32 build imports from JS: {imports:?}; wasm-bindgen symbols in {marked:?}"
        ));
    }
    println!("purity: zoomkit-core has no JS dependencies and its wasm32 build imports nothing");
    Ok(())
}

/// The lines of `cargo tree --format {p}` output that name a JS crate.
fn forbidden_in(tree: &str) -> Vec<&str> {
    tree.lines()
        .filter(|l| {
            let name = l.split_whitespace().next().unwrap_or("");
            FORBIDDEN.contains(&name)
        })
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn leb(bytes: &[u8], pos: &mut usize) -> Result<u64, String> {
    let mut result = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos).ok_or("truncated LEB128")?;
        *pos += 1;
        result |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(result);
        }
        shift += 7;
        if shift > 63 {
            return Err("LEB128 too long".into());
        }
    }
}

fn name(bytes: &[u8], pos: &mut usize) -> Result<String, String> {
    let len = leb(bytes, pos)? as usize;
    let s = bytes.get(*pos..*pos + len).ok_or("truncated name")?;
    *pos += len;
    Ok(String::from_utf8_lossy(s).into_owned())
}

fn limits(bytes: &[u8], pos: &mut usize) -> Result<(), String> {
    let flags = *bytes.get(*pos).ok_or("truncated limits")?;
    *pos += 1;
    leb(bytes, pos)?;
    if flags & 1 != 0 {
        leb(bytes, pos)?;
    }
    Ok(())
}

/// `module.field` of every import in a wasm binary.
pub fn wasm_imports(bytes: &[u8]) -> Result<Vec<String>, String> {
    if bytes.get(..4) != Some(b"\0asm") {
        return Err("not a wasm binary".into());
    }
    let mut pos = 8;
    let mut out = Vec::new();
    while pos < bytes.len() {
        let id = bytes[pos];
        pos += 1;
        let size = leb(bytes, &mut pos)? as usize;
        let end = pos + size;
        if id == 2 {
            let mut p = pos;
            let count = leb(bytes, &mut p)?;
            for _ in 0..count {
                let module = name(bytes, &mut p)?;
                let field = name(bytes, &mut p)?;
                let kind = *bytes.get(p).ok_or("truncated import")?;
                p += 1;
                match kind {
                    0 => {
                        leb(bytes, &mut p)?;
                    }
                    1 => {
                        p += 1;
                        limits(bytes, &mut p)?;
                    }
                    2 => limits(bytes, &mut p)?,
                    3 => p += 2,
                    4 => {
                        p += 1;
                        leb(bytes, &mut p)?;
                    }
                    k => return Err(format!("unknown import kind {k}")),
                }
                out.push(format!("{module}.{field}"));
            }
        }
        pos = end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{forbidden_in, wasm_imports};

    #[test]
    fn a_js_dependency_in_the_tree_is_caught() {
        let tree = "zoomkit-core v0.1.0 (/w/crates/core)\nserde v1.0.0\njs-sys v0.3.107\n";
        assert_eq!(forbidden_in(tree), vec!["js-sys v0.3.107"]);
        assert!(forbidden_in("zoomkit-core v0.1.0\nserde v1.0.0\n").is_empty());
    }

    #[test]
    fn reads_imports_of_a_handmade_module() {
        // (module (import "wbg" "__wbg_log" (func)))
        let wasm = [
            0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // header
            1, 4, 1, 0x60, 0, 0, // type section: one func type () -> ()
            2, 17, 1, 3, b'w', b'b', b'g', 9, b'_', b'_', b'w', b'b', b'g', b'_', b'l', b'o', b'g',
            0, 0, // import section
        ];
        assert_eq!(
            wasm_imports(&wasm).unwrap(),
            vec!["wbg.__wbg_log".to_owned()]
        );
        assert!(wasm_imports(&wasm[..8]).unwrap().is_empty());
        assert!(wasm_imports(b"nope").is_err());
    }
}
