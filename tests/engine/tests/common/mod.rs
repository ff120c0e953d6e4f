//! What the end-to-end engine tests share: the dr-engine binary run on a scratch copy of a test
//! program, with the real plugin and the AWS emulator.
//!
//! Needs, built or installed beforehand: `target/debug/pulumi-resource-multiregion-dr`
//! (`cargo build -p pulumi-resource-multiregion-dr`), `tests/sdk/node_modules` and the venv's
//! `pulumi_multiregion_dr` (`bash tests/sdk/run.sh`). A missing one fails the test with the command
//! that provides it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dr_test_support::Emulator;
use serde_json::Value as Json;

pub const SIG: &str = "4dabf18193072939515e22adb298388d";
pub const SECRET: &str = "1b47061264138c4ac30d75fd1eb44270";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

fn require(path: PathBuf, how: &str) -> PathBuf {
    assert!(path.exists(), "{} is missing: {how}", path.display());
    path
}

pub fn plugin() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    require(
        target.join("debug").join("pulumi-resource-multiregion-dr"),
        "run `cargo build -p pulumi-resource-multiregion-dr` first",
    )
}

pub fn node_modules() -> PathBuf {
    require(
        repo().join("tests/sdk/node_modules/pulumi-multiregion-dr/package.json"),
        "run `bash tests/sdk/run.sh` first (it installs @pulumi/pulumi and builds the Node.js SDK)",
    );
    repo().join("tests/sdk/node_modules")
}

pub fn python() -> PathBuf {
    require(
        repo().join(".venv/bin/python"),
        "run `make venv` and `bash tests/sdk/run.sh` first",
    )
}

/// A scratch directory, emptied first; removed when the test passes.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("dr-engine-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// One run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub summary: Json,
    pub events: Vec<Json>,
    pub state: Json,
}

impl Run {
    /// `(op, name)` of every summary step, the stack excluded.
    pub fn steps(&self) -> Vec<(String, String)> {
        self.summary["steps"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|s| s["type"] != "pulumi:pulumi:Stack")
            .map(|s| {
                (
                    s["op"].as_str().unwrap_or_default().to_string(),
                    s["name"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    pub fn op_of(&self, name: &str) -> Option<String> {
        self.steps()
            .into_iter()
            .find(|(_, n)| n == name)
            .map(|(op, _)| op)
    }

    pub fn state_resource(&self, name: &str) -> Option<Json> {
        self.state["resources"]
            .as_array()?
            .iter()
            .find(|r| {
                r["urn"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(&format!("::{name}")))
            })
            .cloned()
    }

    pub fn errors(&self) -> String {
        self.summary["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    .filter_map(Json::as_str)
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }

    pub fn describe(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr (tail)\n{}",
            self.code,
            self.stdout,
            &self.stderr[self.stderr.len().saturating_sub(4000)..]
        )
    }

    pub fn assert_ok(&self) {
        assert_eq!(self.code, 0, "{}", self.describe());
        assert_eq!(self.summary["ok"], true, "{}", self.describe());
    }
}

/// A test program in a scratch copy, with its state file, run by dr-engine.
pub struct Stack {
    pub scratch: Scratch,
    pub dir: PathBuf,
    pub config: Vec<(String, String)>,
    pub secrets: Vec<(String, String)>,
    pub env: Vec<(String, String)>,
    runs: usize,
}

impl Stack {
    pub fn new(program: &str, emu: &Emulator) -> Stack {
        let scratch = Scratch::new(program);
        let dir = scratch.0.join("program");
        copy_dir(&repo().join("tests/engine/testdata").join(program), &dir);
        let endpoints = emu.endpoints_json().to_string();
        Stack {
            scratch,
            dir,
            config: vec![("multiregion-dr:endpoints".into(), endpoints)],
            secrets: Vec::new(),
            env: vec![
                // The emulator checks the shape of SigV4 signatures, not the keys.
                ("AWS_ACCESS_KEY_ID".into(), "AKIDEMULATOR".into()),
                ("AWS_SECRET_ACCESS_KEY".into(), "emulator-secret".into()),
                ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
                ("NODE_PATH".into(), node_modules().display().to_string()),
            ],
            runs: 0,
        }
    }

    pub fn state_path(&self) -> PathBuf {
        self.dir.join(".dr-engine").join("dev.json")
    }

    pub async fn run(&mut self, operation: &str, extra: &[&str]) -> Run {
        let n = self.runs;
        self.runs += 1;
        let summary = self.scratch.0.join(format!("run{n}-summary.json"));
        let events = self.scratch.0.join(format!("run{n}-events.jsonl"));
        let mut args: Vec<String> = vec![
            operation.into(),
            "--cwd".into(),
            self.dir.display().to_string(),
            "--stack".into(),
            "dev".into(),
            "--plugin".into(),
            plugin().display().to_string(),
            "--python".into(),
            python().display().to_string(),
            "--summary".into(),
            summary.display().to_string(),
            "--events".into(),
            events.display().to_string(),
        ];
        for (k, v) in &self.config {
            args.push("--config".into());
            args.push(format!("{k}={v}"));
        }
        for (k, v) in &self.secrets {
            args.push("--secret-config".into());
            args.push(format!("{k}={v}"));
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let output = tokio::time::timeout(
            std::time::Duration::from_secs(300),
            tokio::process::Command::new(env!("CARGO_BIN_EXE_dr-engine"))
                .args(&args)
                .envs(self.env.iter().map(|(k, v)| (k, v)))
                .kill_on_drop(true)
                .output(),
        )
        .await
        .expect("dr-engine finished within 5 minutes")
        .expect("dr-engine ran");
        let read_json = |p: &Path| -> Json {
            std::fs::read_to_string(p)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(Json::Null)
        };
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            summary: read_json(&summary),
            events: std::fs::read_to_string(&events)
                .unwrap_or_default()
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect(),
            state: read_json(&self.state_path()),
        }
    }
}

/// The hosted zone the DnsFailover programs use.
pub async fn hosted_zone(emu: &Emulator, name: &str) -> String {
    let zone = emu
        .route53()
        .await
        .create_hosted_zone()
        .name(name)
        .caller_reference(format!("dr-engine-{name}"))
        .send()
        .await
        .expect("hosted zone created");
    zone.hosted_zone()
        .expect("a hosted zone")
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string()
}

/// AWS calls that change something (a preview must make none).
pub async fn writes(emu: &Emulator) -> Vec<String> {
    emu.calls()
        .await
        .into_iter()
        .filter(|c| {
            !["Describe", "List", "Get", "Head"]
                .iter()
                .any(|p| c.operation.starts_with(p))
        })
        .map(|c| format!("{}:{}", c.service, c.operation))
        .collect()
}

/// Failover records (name, set identifier, ttl) and health check count in the emulator.
pub async fn route53_records(emu: &Emulator) -> (Vec<Json>, usize) {
    let inv = emu.inventory().await;
    let records: Vec<Json> = inv["route53"]["hosted_zones"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .flat_map(|z| z["records"].as_array().cloned().unwrap_or_default())
        .filter(|r| !r["failover"].is_null())
        .collect();
    let checks = inv["route53"]["health_checks"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    (records, checks)
}

pub fn is_secret(v: &Json) -> bool {
    v.get(SIG).and_then(Json::as_str) == Some(SECRET)
}
