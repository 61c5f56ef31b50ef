//! The JSON fixtures the package's TypeScript types are checked against
//! (`tests/fixtures/*.json`, read by `cargo xtask types`): written by the
//! tests that make the samples, and compared with what is on disk.

use serde_json::Value;

/// Checks that `tests/fixtures/<file>` holds `samples` as a JSON array, one
/// sample a line; with `ZOOMKIT_BLESS` set, writes it first. `module` names
/// the test module to run to bless it.
pub(crate) fn check(file: &str, samples: &[Value], module: &str) {
    let mut text = String::from("[\n");
    for (i, json) in samples.iter().enumerate() {
        text.push_str("  ");
        text.push_str(&json.to_string());
        text.push_str(if i + 1 < samples.len() { ",\n" } else { "\n" });
    }
    text.push_str("]\n");
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("ZOOMKIT_BLESS").is_some() {
        std::fs::write(&path, &text).expect("write the fixture");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "{path} is out of date: run ZOOMKIT_BLESS=1 cargo test -p zoomkit-core --lib {module}"
    );
}
