//! The harness for tests (and the webhook bench) that run the real
//! `zoomkit-server` binary: spawn it with a clean environment, capture its
//! logs, find its port, post signed deliveries over keep-alive HTTP/1.1.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{KeyInit as _, Mac as _};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;

pub const CALCOM_SECRET: &str = "calcom-secret-never-logged-7f3a";
pub const ZOOM_SECRET: &str = "zoom-secret-never-logged-91bd";
pub const CALENDLY_SECRET: &str = "calendly-key-never-logged-c40e";

/// Hex HMAC-SHA256.
pub fn hmac_hex(secret: &str, parts: &[&[u8]]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    for p in parts {
        mac.update(p);
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A Cal.com `BOOKING_CREATED` delivery for booking `uid`; `marker` lands in
/// the body (the attendee's e-mail and the title), so log tests can look for it.
pub fn calcom_body(uid: &str, marker: &str) -> Vec<u8> {
    serde_json::json!({
        "triggerEvent": "BOOKING_CREATED",
        "createdAt": "2026-12-01T10:00:00.000Z",
        "payload": {
            "bookingId": 1,
            "uid": uid,
            "title": format!("Coaching {marker}"),
            "type": "coaching",
            "startTime": "2026-12-02T10:00:00.000Z",
            "endTime": "2026-12-02T10:30:00.000Z",
            "status": "ACCEPTED",
            "organizer": {"email": "coach@example.com", "name": "Coach", "timeZone": "UTC"},
            "attendees": [{"email": format!("{marker}@example.com"), "name": "Client", "timeZone": "UTC"}]
        }
    })
    .to_string()
    .into_bytes()
}

/// The headers Cal.com signs a body with.
pub fn calcom_headers(secret: &str, body: &[u8]) -> Vec<(String, String)> {
    vec![("x-cal-signature-256".into(), hmac_hex(secret, &[body]))]
}

/// Zoom's headers for `body`, signed now.
pub fn zoom_headers(secret: &str, body: &[u8]) -> Vec<(String, String)> {
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig = hmac_hex(secret, &[b"v0:", ts.as_bytes(), b":", body]);
    vec![
        ("x-zm-request-timestamp".into(), ts),
        ("x-zm-signature".into(), format!("v0={sig}")),
    ]
}

/// Everything the process wrote to stdout and stderr.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<String>>);

impl Logs {
    pub fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }
}

/// A running `zoomkit-server`.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub logs: Logs,
}

/// `zoomkit-server` with only `vars` in its environment (plus PATH).
pub fn command(bin: &Path, args: &[&str], vars: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd
}

fn pump(stream: impl std::io::Read + Send + 'static, logs: Logs, tx: Option<mpsc::Sender<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(tx) = &tx {
                if let Some(rest) = line.strip_prefix("zoomkit-server: listening on http://") {
                    let _ = tx.send(rest.to_owned());
                }
            }
            let mut l = logs.0.lock().unwrap();
            l.push_str(&line);
            l.push('\n');
        }
    });
}

impl Server {
    /// Starts `serve --listen 127.0.0.1:0` and waits for its address.
    pub fn start(bin: &Path, vars: &[(&str, String)]) -> Server {
        let mut child = command(bin, &["serve", "--listen", "127.0.0.1:0"], vars)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn zoomkit-server");
        let logs = Logs::default();
        let (tx, rx) = mpsc::channel();
        pump(child.stdout.take().unwrap(), logs.clone(), None);
        pump(child.stderr.take().unwrap(), logs.clone(), Some(tx));
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("zoomkit-server did not start:\n{}", logs.text());
            }
        };
        Server { child, addr, logs }
    }

    /// SIGKILL, no chance to clean up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits (at most `within`) for the exit.
    pub fn terminate(&mut self, within: Duration) -> Option<ExitStatus> {
        signal(self.child.id(), "TERM");
        wait_for_exit(&mut self.child, within)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {pid}");
}

pub fn wait_for_exit(child: &mut Child, within: Duration) -> Option<ExitStatus> {
    let until = Instant::now() + within;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() > until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One keep-alive HTTP/1.1 connection.
pub struct Conn {
    send: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    addr: SocketAddr,
}

/// An answer: status and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let tcp = tokio::net::TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        let io = hyper_util::rt::TokioIo::new(tcp);
        let (send, conn) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Conn { send, addr })
    }

    /// Sends one request; an error means no answer was received.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<Answer, String> {
        self.send.ready().await.map_err(|e| e.to_string())?;
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.addr.to_string())
            .header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let res = self
            .send
            .send_request(req)
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let body = res
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok(Answer {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    pub async fn post(
        &mut self,
        path: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<Answer, String> {
        self.request("POST", path, headers, body).await
    }

    pub async fn get(&mut self, path: &str) -> Result<Answer, String> {
        self.request("GET", path, &[], Vec::new()).await
    }
}

/// One request on a fresh connection.
pub async fn once(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> Result<Answer, String> {
    let mut c = Conn::open(addr).await.map_err(|e| e.to_string())?;
    c.request(method, path, headers, body).await
}

/// Polls `GET /readyz` until it answers 200.
pub async fn wait_ready(addr: SocketAddr) {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(a) = once(addr, "GET", "/readyz", &[], Vec::new()).await {
            if a.status == 200 {
                return;
            }
        }
        assert!(Instant::now() < until, "zoomkit-server never became ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "zoomkit-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn sqlite_url(&self) -> String {
        format!("sqlite://{}", self.0.join("zoomkit.db").display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every inbox row, all statuses, as `(uid from the body, delivery, status)`.
pub async fn inbox_rows(
    store: &zoomkit_server::store::Store,
) -> Vec<(String, zoomkit_server::store::Delivery)> {
    use zoomkit_server::store::DeliveryStatus;
    let mut out = Vec::new();
    for status in [
        DeliveryStatus::Pending,
        DeliveryStatus::Processing,
        DeliveryStatus::Done,
        DeliveryStatus::Dead,
    ] {
        let mut after = None;
        loop {
            let page = store.deliveries(status, after, 500).await.unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for d in page {
                let v: serde_json::Value = serde_json::from_slice(&d.body).unwrap();
                let uid = v["payload"]["uid"].as_str().unwrap_or_default().to_owned();
                out.push((uid, d));
            }
        }
    }
    out
}

/// A database of its own on the PostgreSQL server at `base` (created here,
/// so tests sharing one server never see each other's rows).
#[cfg(feature = "postgres")]
pub async fn fresh_postgres_database(base: &str, name: &str) -> String {
    use sqlx::Executor as _;
    sqlx::any::install_default_drivers();
    let db = format!(
        "zoomkit_{name}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let pool = sqlx::AnyPool::connect(base)
        .await
        .expect("connect to ZOOMKIT_TEST_POSTGRES_URL");
    pool.execute(format!("CREATE DATABASE {db}").as_str())
        .await
        .expect("create a test database");
    pool.close().await;
    let mut url = url::Url::parse(base).expect("ZOOMKIT_TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{db}"));
    url.to_string()
}

/// The PostgreSQL server for tests, from `ZOOMKIT_TEST_POSTGRES_URL` (which
/// `cargo xtask test` sets after starting a throwaway cluster). Unset: the
/// test says it is skipped, unless `ZOOMKIT_REQUIRE_POSTGRES=1`, which
/// makes it fail instead.
pub fn postgres_url() -> Option<String> {
    match std::env::var("ZOOMKIT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("ZOOMKIT_REQUIRE_POSTGRES").is_none(),
                "ZOOMKIT_REQUIRE_POSTGRES is set but ZOOMKIT_TEST_POSTGRES_URL is not"
            );
            eprintln!("skipped: ZOOMKIT_TEST_POSTGRES_URL is not set (cargo xtask test sets it)");
            None
        }
    }
}
