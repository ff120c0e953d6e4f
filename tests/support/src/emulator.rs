//! Harness for the test AWS emulator (`tests/emulator/serve`): start one, point SDK clients or the
//! provider's `endpoints` at it, drive its control API, and stop it (with its process group) on drop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The services the provider talks to, all served on the emulator's one endpoint.
pub const SERVICES: [&str; 7] = [
    "rds",
    "route53",
    "dynamodb",
    "s3",
    "iam",
    "sts",
    "cloudwatch",
];

const STDERR_TAIL: usize = 64 * 1024;

/// A running emulator. Dropping it stops the process and its process group.
pub struct Emulator {
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    port: u16,
    child: Mutex<Option<Child>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// One AWS call as the emulator saw it. Times are epoch seconds.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct CallRecord {
    pub id: u64,
    pub service: String,
    pub operation: String,
    pub region: String,
    pub method: String,
    pub path: String,
    /// HTTP status; 0 when the emulator dropped the connection; None while the call is running.
    pub status: Option<u16>,
    pub error_code: Option<String>,
    /// "fault", "timeout" or "throttle" when the emulator, not moto, produced the answer.
    pub injected: Option<String>,
    pub start: f64,
    pub end: Option<f64>,
}

impl CallRecord {
    pub fn is(&self, service: &str, operation: &str) -> bool {
        self.service == service && self.operation == operation
    }
}

/// Fail the next matching AWS calls. Unset service/operation/region match anything.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fault {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// How many matching calls fail; -1 for every one until cleared. Default 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Let this many matching calls through first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// "error" (default) or "timeout".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_seconds: Option<f64>,
    /// After a timeout: "drop" (default), "error" or "pass".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub then: Option<String>,
    /// "before" (default: the call is not executed) or "after" (executed, then the answer is replaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

impl Fault {
    fn on(service: &str, operation: &str) -> Fault {
        Fault {
            service: Some(service.to_string()),
            operation: (!operation.is_empty()).then(|| operation.to_string()),
            ..Fault::default()
        }
    }

    /// An AWS error with the given code (HTTP 400) for `service`/`operation` ("" = any operation).
    pub fn error(service: &str, operation: &str, code: &str) -> Fault {
        Fault {
            error_code: Some(code.to_string()),
            http_status: Some(400),
            ..Fault::on(service, operation)
        }
    }

    /// The service's throttling error (Throttling, ThrottlingException, SlowDown).
    pub fn throttle(service: &str, operation: &str) -> Fault {
        let (code, status) = match service {
            "dynamodb" => ("ThrottlingException", 400),
            "s3" => ("SlowDown", 503),
            _ => ("Throttling", 400),
        };
        Fault {
            error_code: Some(code.into()),
            http_status: Some(status),
            ..Fault::on(service, operation)
        }
    }

    /// An HTTP 500 in the service's format.
    pub fn server_error(service: &str, operation: &str) -> Fault {
        Fault {
            http_status: Some(500),
            ..Fault::on(service, operation)
        }
    }

    /// Hang for `delay`, then drop the connection (see `then_pass`, `then_error`).
    pub fn timeout(service: &str, operation: &str, delay: Duration) -> Fault {
        Fault {
            mode: Some("timeout".into()),
            delay_seconds: Some(delay.as_secs_f64()),
            ..Fault::on(service, operation)
        }
    }

    pub fn region(mut self, region: &str) -> Self {
        self.region = Some(region.to_string());
        self
    }
    pub fn count(mut self, n: i64) -> Self {
        self.count = Some(n);
        self
    }
    pub fn every(self) -> Self {
        self.count(-1)
    }
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = Some(n);
        self
    }
    pub fn http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }
    pub fn message(mut self, message: &str) -> Self {
        self.message = Some(message.to_string());
        self
    }
    /// Execute the call, then answer with the fault: "it happened but the client never heard".
    pub fn after(mut self) -> Self {
        self.when = Some("after".into());
        self
    }
    pub fn then_pass(mut self) -> Self {
        self.then = Some("pass".into());
        self
    }
    pub fn then_error(mut self) -> Self {
        self.then = Some("error".into());
        self
    }
}

/// A per-call delay; the most recently added matching rule wins.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Latency {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub fixed_ms: u64,
    pub jitter_ms: u64,
}

/// A token bucket: `rate` requests per second, `burst` at once.
#[derive(Debug, Clone, Serialize)]
pub struct RateLimit {
    pub rate: f64,
    pub burst: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_region: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

impl RateLimit {
    pub fn new(rate: f64, burst: f64) -> RateLimit {
        RateLimit {
            rate,
            burst,
            per_region: None,
            error_code: None,
        }
    }
}

fn serve_path() -> PathBuf {
    if let Ok(path) = std::env::var("DR_EMULATOR_SERVE") {
        return PathBuf::from(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("emulator")
        .join("serve")
}

fn keep_tail(buf: &mut Vec<u8>, more: &[u8]) {
    buf.extend_from_slice(more);
    if buf.len() > STDERR_TAIL {
        let cut = buf.len() - STDERR_TAIL;
        buf.drain(..cut);
    }
}

/// One control-API request over loopback (HTTP/1.1, `Connection: close`).
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(120))).ok();
    let payload = body
        .map(|b| serde_json::to_vec(b).expect("json"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    );
    stream
        .write_all(head.as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    stream
        .write_all(&payload)
        .map_err(|e| format!("write: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("read: {e}"))?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no HTTP header end")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line: {head}"))?;
    let body = &raw[split + 4..];
    let value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body)
            .map_err(|e| format!("bad JSON ({e}): {}", String::from_utf8_lossy(body)))?
    };
    Ok((status, value))
}

impl Emulator {
    /// Start an emulator (about 1-2 s), wait until it serves AWS calls.
    pub async fn start() -> Emulator {
        tokio::task::spawn_blocking(Emulator::start_blocking)
            .await
            .expect("emulator start task")
    }

    /// As `start`, for code that is not async.
    pub fn start_blocking() -> Emulator {
        let serve = serve_path();
        let mut cmd = Command::new(&serve);
        cmd.arg("--exit-with-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", serve.display()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut err_pipe = child.stderr.take().expect("stderr");
        let tail = stderr.clone();
        let echo = std::env::var_os("DR_EMULATOR_STDERR").is_some();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if echo {
                    let _ = std::io::stderr().write_all(&buf[..n]);
                }
                keep_tail(&mut tail.lock().unwrap(), &buf[..n]);
            }
        });
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let _ = out.read_line(&mut line);
        let line = line.trim().to_string();
        let port = line
            .strip_prefix("http://127.0.0.1:")
            .and_then(|p| p.parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(200));
            let err = String::from_utf8_lossy(&stderr.lock().unwrap()).to_string();
            panic!(
                "emulator {} did not print its URL (got {line:?}); stderr:\n{err}",
                serve.display()
            );
        };
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = out.read_to_end(&mut sink);
        });
        let emu = Emulator {
            endpoint: line,
            port,
            child: Mutex::new(Some(child)),
            stderr,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match http(port, "GET", "/_emulator/ping", None) {
                Ok((200, v)) if v["ready"] == json!(true) => break,
                _ if Instant::now() > deadline => panic!(
                    "emulator not ready after 60 s; stderr:\n{}",
                    emu.stderr_tail()
                ),
                _ => std::thread::sleep(Duration::from_millis(25)),
            }
        }
        emu
    }

    /// The last 64 KiB the emulator wrote to stderr (set DR_EMULATOR_STDERR=1 to see it live).
    pub fn stderr_tail(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).to_string()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The provider's `endpoints` config: every service at this emulator.
    pub fn endpoints_json(&self) -> Value {
        Value::Object(
            SERVICES
                .iter()
                .map(|s| (s.to_string(), Value::String(self.endpoint.clone())))
                .collect(),
        )
    }

    /// The same as a map, the type the provider's configuration holds.
    pub fn endpoints(&self) -> std::collections::BTreeMap<String, String> {
        SERVICES
            .iter()
            .map(|s| (s.to_string(), self.endpoint.clone()))
            .collect()
    }

    /// Static test credentials, this endpoint, SDK retries off (a test sees every error).
    pub async fn sdk_config(&self, region: &str) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new(
                "AKIDEMULATOR",
                "emulator-secret",
                None,
                None,
                "dr-test-support",
            ))
            .retry_config(RetryConfig::disabled())
            .load()
            .await
    }

    pub async fn rds(&self, region: &str) -> aws_sdk_rds::Client {
        aws_sdk_rds::Client::new(&self.sdk_config(region).await)
    }

    pub async fn route53(&self) -> aws_sdk_route53::Client {
        aws_sdk_route53::Client::new(&self.sdk_config("us-east-1").await)
    }

    pub async fn dynamodb(&self, region: &str) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.sdk_config(region).await)
    }

    /// IAM is global: its calls are signed in us-east-1, as AWS's are.
    pub async fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk_config("us-east-1").await)
    }

    /// S3 with path-style addressing (the emulator has one host name).
    pub async fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.sdk_config(region).await)
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    /// A control-API call; panics with the emulator's answer when it is not 200.
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (port, method, path) = (self.port, method.to_string(), format!("/_emulator/{path}"));
        let result = tokio::task::spawn_blocking(move || http(port, &method, &path, body.as_ref()))
            .await
            .expect("control task");
        match result {
            Ok((200, v)) => v,
            Ok((status, v)) => panic!("emulator control API answered {status}: {v}"),
            Err(e) => panic!("emulator control API: {e}; stderr:\n{}", self.stderr_tail()),
        }
    }

    /// Wipe all AWS state and every fault, delay, limit, health override, lifecycle and the call log.
    pub async fn reset(&self) {
        self.control("POST", "reset", None).await;
    }

    pub async fn calls(&self) -> Vec<CallRecord> {
        serde_json::from_value(self.control("GET", "calls", None).await).expect("call records")
    }

    /// Calls of one service and operation, in order.
    pub async fn calls_of(&self, service: &str, operation: &str) -> Vec<CallRecord> {
        self.calls()
            .await
            .into_iter()
            .filter(|c| c.is(service, operation))
            .collect()
    }

    pub async fn clear_calls(&self) {
        self.control("DELETE", "calls", None).await;
    }

    /// Returns the fault's id.
    pub async fn inject_fault(&self, fault: Fault) -> u64 {
        let v = self
            .control(
                "POST",
                "faults",
                Some(serde_json::to_value(fault).expect("fault")),
            )
            .await;
        v["ids"][0].as_u64().expect("fault id")
    }

    pub async fn clear_faults(&self) {
        self.control("DELETE", "faults", None).await;
    }

    pub async fn set_latency(&self, latency: Latency) {
        self.control(
            "POST",
            "latency",
            Some(serde_json::to_value(latency).expect("latency")),
        )
        .await;
    }

    pub async fn clear_latency(&self) {
        self.control("DELETE", "latency", None).await;
    }

    /// e.g. `[("route53", RateLimit::new(5.0, 5.0)), ("rds", RateLimit::new(12.0, 300.0))]`
    pub async fn set_rate_limits(&self, limits: &[(&str, RateLimit)]) {
        let body: serde_json::Map<String, Value> = limits
            .iter()
            .map(|(s, l)| (s.to_string(), serde_json::to_value(l).expect("limit")))
            .collect();
        self.control("POST", "ratelimits", Some(Value::Object(body)))
            .await;
    }

    pub async fn clear_rate_limits(&self) {
        self.control("DELETE", "ratelimits", None).await;
    }

    /// What Route 53's checkers observe for this health check (GetHealthCheckStatus).
    pub async fn set_health(&self, health_check_id: &str, healthy: bool) {
        self.control(
            "POST",
            "health",
            Some(json!({"health_check_id": health_check_id, "healthy": healthy})),
        )
        .await;
    }

    /// Health for every check whose FullyQualifiedDomainName is `fqdn`.
    pub async fn set_health_by_fqdn(&self, fqdn: &str, healthy: bool) {
        self.control(
            "POST",
            "health",
            Some(json!({"fqdn": fqdn, "healthy": healthy})),
        )
        .await;
    }

    /// Seconds a service's objects spend in a transitional state, e.g.
    /// `set_lifecycle("rds", &[("creating", 2.0), ("promoting", 1.0)])`.
    pub async fn set_lifecycle(&self, service: &str, states: &[(&str, f64)]) {
        let states: serde_json::Map<String, Value> = states
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        self.control("POST", "lifecycle", Some(json!({ service: states })))
            .await;
    }

    pub async fn set_options(&self, options: Value) {
        self.control("POST", "options", Some(options)).await;
    }

    /// What exists per service and Region (see tests/emulator/README.md for the shape).
    pub async fn inventory(&self) -> Value {
        self.control("GET", "inventory", None).await
    }
}

/// The largest number of calls in flight at once among `calls` (by their start/end times).
pub fn max_concurrency(calls: &[CallRecord]) -> usize {
    let mut edges: Vec<(f64, i32)> = Vec::new();
    for c in calls {
        edges.push((c.start, 1));
        edges.push((c.end.unwrap_or(f64::MAX), -1));
    }
    edges.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap().then(a.1.cmp(&b.1)));
    let (mut now, mut best) = (0i32, 0i32);
    for (_, d) in edges {
        now += d;
        best = best.max(now);
    }
    best as usize
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let Some(mut child) = self.child.lock().ok().and_then(|mut c| c.take()) else {
            return;
        };
        #[cfg(unix)]
        {
            // The emulator leads its own process group: end the group, so nothing it started outlives the test.
            let group = format!("-{}", child.id());
            let _ = Command::new("kill")
                .args(["-TERM", "--", &group])
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = Command::new("kill")
                .args(["-KILL", "--", &group])
                .stderr(Stdio::null())
                .status();
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}
