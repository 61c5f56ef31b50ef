//! The `token_server` example: its configuration, and the built binary run
//! as a user would (without its variables it explains and exits non-zero;
//! with them it serves the endpoint on 127.0.0.1).
#![cfg(feature = "axum")]

#[path = "../examples/token_server/config.rs"]
#[allow(dead_code)]
mod config;

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

#[test]
fn config_requires_key_and_secret() {
    for vars in [
        &[][..],
        &[("ZOOM_VIDEO_SDK_KEY", "k")][..],
        &[("ZOOM_VIDEO_SDK_SECRET", "s")][..],
    ] {
        let err = config::from_env(env(vars)).unwrap_err();
        assert_eq!(err, config::USAGE);
        assert!(err.contains("ZOOM_VIDEO_SDK_KEY") && err.contains("ZOOM_VIDEO_SDK_SECRET"));
    }
}

#[test]
fn config_defaults_and_options() {
    let c = config::from_env(env(&[
        ("ZOOM_VIDEO_SDK_KEY", "k"),
        ("ZOOM_VIDEO_SDK_SECRET", "s"),
    ]))
    .unwrap();
    let t = &c.tokens;
    assert_eq!(
        (
            t.video.as_ref().map(|v| v.0.as_str()),
            c.port,
            t.bearer.is_none(),
            t.cors_origins.len()
        ),
        (Some("k"), 4000, true, 0)
    );
    assert!(t.meeting.is_none());
    assert_eq!(format!("{:?}", t.video.as_ref().unwrap().1), "***");
    let c = config::from_env(env(&[
        ("ZOOM_VIDEO_SDK_KEY", "k"),
        ("ZOOM_VIDEO_SDK_SECRET", "s"),
        ("PORT", "8080"),
        ("ZOOMKIT_DEMO_BEARER", "b"),
        (
            "ZOOMKIT_CORS_ORIGINS",
            "https://a.example, http://localhost:3000",
        ),
        ("ZOOM_MEETING_SDK_KEY", "mk"),
        ("ZOOM_MEETING_SDK_SECRET", "ms"),
    ]))
    .unwrap();
    let t = &c.tokens;
    assert_eq!(
        (c.port, t.bearer.as_ref().map(|b| b.expose())),
        (8080, Some("b"))
    );
    assert_eq!(format!("{:?}", t.bearer), "Some(***)");
    assert_eq!(t.cors_origins[1].as_str(), "http://localhost:3000");
    assert_eq!(t.meeting.as_ref().unwrap().0, "mk");
}

#[test]
fn config_refuses_bad_values_by_name() {
    let base = [("ZOOM_VIDEO_SDK_KEY", "k"), ("ZOOM_VIDEO_SDK_SECRET", "s")];
    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[("ZOOM_VIDEO_SDK_KEY", "k"), ("ZOOM_VIDEO_SDK_SECRET", "")],
            "ZOOM_VIDEO_SDK_SECRET",
        ),
        (
            &[
                ("ZOOM_VIDEO_SDK_KEY", "k"),
                ("ZOOM_VIDEO_SDK_SECRET", "s\n"),
            ],
            "ZOOM_VIDEO_SDK_SECRET",
        ),
        (&[("PORT", "http")], "PORT"),
        (&[("PORT", "70000")], "PORT"),
        (&[("ZOOMKIT_CORS_ORIGINS", "*")], "wildcards"),
        (&[("ZOOM_MEETING_SDK_KEY", "mk")], "ZOOM_MEETING_SDK_SECRET"),
    ];
    for (extra, needle) in cases {
        let mut vars = base.to_vec();
        vars.extend_from_slice(extra);
        // Later entries win in the map, so `extra` can override `base`.
        let err = config::from_env(env(&vars)).unwrap_err();
        assert!(err.contains(needle), "{extra:?}: {err}");
    }
}

/// `target/<profile>/examples/token_server`, next to this test's own
/// `target/<profile>/deps/` directory. `cargo test` builds examples.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let bin = profile_dir
        .join("examples")
        .join(format!("token_server{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo test -p zoomkit-server --all-features` (which builds examples)",
        bin.display()
    );
    bin
}

#[test]
fn without_its_variables_the_example_explains_and_exits_non_zero() {
    let out = Command::new(example_binary()).env_clear().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("token_server: set ZOOM_VIDEO_SDK_KEY and ZOOM_VIDEO_SDK_SECRET"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn http_post(port: u16, path: &str, body: &str, auth: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let auth = auth
        .map(|a| format!("Authorization: Bearer {a}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

#[test]
fn with_its_variables_the_example_serves_on_localhost() {
    let mut child = Command::new(example_binary())
        .env_clear()
        .env("ZOOM_VIDEO_SDK_KEY", "KEY")
        .env("ZOOM_VIDEO_SDK_SECRET", "example-secret")
        .env("PORT", "0")
        .env("ZOOMKIT_DEMO_BEARER", "demo")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("token_server: listening on http://127.0.0.1:") {
                let port: u16 = rest.split('/').next().unwrap().parse().unwrap();
                let _ = tx.send(port);
            }
        }
    });
    let port = rx.recv_timeout(Duration::from_secs(30));
    let result = std::panic::catch_unwind(|| {
        let port = port.expect("the example announced its port");
        let path = "/api/zoom/video-token";
        let (status, _) = http_post(port, path, r#"{"sessionName":"Cool Cars","role":1}"#, None);
        assert_eq!(status, 401);
        let (status, body) = http_post(
            port,
            path,
            r#"{"sessionName":"Cool Cars","role":1}"#,
            Some("demo"),
        );
        assert_eq!(status, 200, "{body}");
        let jwt = serde_json::from_str::<serde_json::Value>(&body).unwrap()["signature"]
            .as_str()
            .unwrap()
            .to_owned();
        let secret = zoomkit_server::token::Secret::new("example-secret").unwrap();
        let claims = zoomkit_server::token::Verifier::new()
            .video_sdk(&jwt, &secret, std::time::SystemTime::now())
            .unwrap();
        assert_eq!(claims.tpc, "Cool Cars");
    });
    child.kill().unwrap();
    child.wait().unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
