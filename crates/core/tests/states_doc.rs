//! `STATES.md` (included in the crate docs) must draw exactly the transition
//! table. `ZOOMKIT_BLESS=1 cargo test -p zoomkit-core --test states_doc` rewrites it.

use zoomkit_core::{transition_table, transition_table_mermaid, StateName};

fn expected() -> String {
    format!(
        "### State diagram\n\n\
         Generated from [`TRANSITIONS`](crate::TRANSITIONS) by \
         [`transition_table_mermaid`](crate::transition_table_mermaid); \
         `tests/states_doc.rs` fails when they differ.\n\n\
         ```mermaid\n{}```\n",
        transition_table_mermaid()
    )
}

#[test]
fn states_md_matches_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/STATES.md");
    if std::env::var_os("ZOOMKIT_BLESS").is_some() {
        std::fs::write(path, expected()).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        on_disk,
        expected(),
        "STATES.md is out of date: run ZOOMKIT_BLESS=1 cargo test -p zoomkit-core --test states_doc"
    );
}

#[test]
fn every_state_is_reachable_and_names_are_stable() {
    let table = transition_table();
    for s in StateName::ALL {
        if s != StateName::Idle {
            assert!(table.iter().any(|t| t.to == s), "{s} has no way in");
        }
        if !s.is_terminal() {
            assert!(table.iter().any(|t| t.from == s), "{s} has no way out");
        }
    }
    assert_eq!(StateName::Connected.as_str(), "connected");
    assert_eq!(StateName::FetchingToken.as_str(), "fetching_token");
    let json = serde_json::to_value(table).unwrap();
    assert_eq!(json[0]["from"], "idle");
    assert_eq!(json[0]["cause"], "join");
}
