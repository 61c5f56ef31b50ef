//! Reading `@zoom/videosdk`'s `dist/types-json` in tests. Missing files fail
//! the test with the install command; they never skip it.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// The installed SDK: `ZOOMKIT_VIDEOSDK_DIR`, else the tests' npm install.
pub fn sdk_dir() -> PathBuf {
    let dir = std::env::var_os("ZOOMKIT_VIDEOSDK_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/browser/node_modules/@zoom/videosdk")
        });
    assert!(
        dir.join("dist/types-json/exception-code.json").is_file()
            && dir.join("dist/types-json/common.json").is_file(),
        "@zoom/videosdk not found at {}: run `npm ci --prefix tests/browser` \
         (or set ZOOMKIT_VIDEOSDK_DIR)",
        dir.display()
    );
    dir
}

/// One module of types-json, e.g. `media`.
pub fn types_json(module: &str) -> Value {
    let path = sdk_dir()
        .join("dist/types-json")
        .join(format!("{module}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The declaration named `name` in `doc`.
pub fn decl<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["type"] == name)
        .unwrap_or_else(|| panic!("{name} not declared in {}", doc["module"]))
}
