//! Runs the program the way the language hosts do. Node.js: `node <@pulumi/pulumi>/cmd/run` with
//! the hyphenated flags; Python: the exec shim (python/exec_shim.py) with underscore flags. Config
//! goes through `PULUMI_CONFIG` (`ns:key` keys, which both SDKs read) and
//! `PULUMI_CONFIG_SECRET_KEYS`. The program's exit code is authoritative.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::deployment::{Deployment, ORGANIZATION};
use crate::project::{Project, Runtime};

const EXEC_SHIM: &str = include_str!("../python/exec_shim.py");

pub struct ProgramOptions {
    /// `--python`: the interpreter for Python programs.
    pub python: Option<PathBuf>,
}

/// `@pulumi/pulumi` for a program: walking up `node_modules` from the program directory, then
/// each `NODE_PATH` entry (the program must resolve the same copy, so that both share one runtime).
pub fn find_node_sdk(program_dir: &Path) -> Option<PathBuf> {
    for dir in program_dir.ancestors() {
        let candidate = dir.join("node_modules").join("@pulumi").join("pulumi");
        if candidate.join("package.json").is_file() {
            return Some(candidate);
        }
    }
    let node_path = std::env::var_os("NODE_PATH")?;
    std::env::split_paths(&node_path)
        .map(|p| p.join("@pulumi").join("pulumi"))
        .find(|c| c.join("package.json").is_file())
}

/// Whether the Node.js entry point is TypeScript: the `typescript` runtime option when given,
/// else a `.ts` `main` in package.json, else an `index.ts` without an `index.js`.
fn is_typescript(project: &Project, program_dir: &Path) -> bool {
    if let Some(v) = project.option_str("typescript") {
        return v == "true";
    }
    let main = std::fs::read_to_string(program_dir.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("main").and_then(|m| m.as_str()).map(str::to_string));
    match main {
        Some(m) => m.ends_with(".ts"),
        None => program_dir.join("index.ts").is_file() && !program_dir.join("index.js").is_file(),
    }
}

fn python_interpreter(project: &Project, options: &ProgramOptions) -> (PathBuf, Option<PathBuf>) {
    if let Some(p) = &options.python {
        return (p.clone(), None);
    }
    if let Some(p) = std::env::var_os("PULUMI_PYTHON").filter(|p| !p.is_empty()) {
        return (PathBuf::from(p), None);
    }
    if let Some(venv) = project.option_str("virtualenv") {
        let venv = project.dir.join(venv);
        let python = venv.join("bin").join("python");
        if python.is_file() {
            return (python, Some(venv));
        }
    }
    (PathBuf::from("python3"), None)
}

fn config_env(d: &Deployment) -> Vec<(String, String)> {
    let config = &d.settings.config;
    let values: serde_json::Map<String, serde_json::Value> = config
        .values
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.value.clone())))
        .collect();
    vec![
        (
            "PULUMI_CONFIG".to_string(),
            serde_json::Value::Object(values).to_string(),
        ),
        (
            "PULUMI_CONFIG_SECRET_KEYS".to_string(),
            serde_json::to_string(&config.secret_keys()).unwrap_or_else(|_| "[]".into()),
        ),
    ]
}

/// Runs the program to completion; its output goes to the events log. Returns its exit code
/// (128 + signal when killed by one).
pub async fn run(
    project: &Project,
    d: &Deployment,
    options: &ProgramOptions,
) -> Result<i32, String> {
    let address = d.address();
    let settings = &d.settings;
    let cwd = settings.cwd.clone();
    let program = project.main.clone().unwrap_or_else(|| ".".to_string());
    let mut shim_dir: Option<PathBuf> = None;

    let mut command = match project.runtime {
        Runtime::NodeJs => {
            let program_dir = cwd.join(&program);
            let sdk = find_node_sdk(&program_dir).ok_or_else(|| {
                format!(
                    "cannot find @pulumi/pulumi for {}: no node_modules/@pulumi/pulumi above it and none on NODE_PATH (run npm install)",
                    program_dir.display()
                )
            })?;
            let mut c = Command::new("node");
            if let Some(args) = project.option_str("nodeargs") {
                c.args(args.split_whitespace());
            }
            c.arg(sdk.join("cmd").join("run"))
                .args(["--monitor", &address, "--engine", &address])
                .args(["--organization", ORGANIZATION])
                .args(["--project", &settings.project, "--stack", &settings.stack])
                .arg("--root-directory")
                .arg(&cwd)
                .arg("--pwd")
                .arg(&cwd)
                .args(["--parallel", &settings.parallel.to_string()]);
            if d.dry_run() {
                c.arg("--dry-run");
            }
            c.arg(&program);
            if is_typescript(project, &program_dir) {
                c.env("PULUMI_NODEJS_TYPESCRIPT", "true");
            }
            if let Some(tsconfig) = project.option_str("tsconfig") {
                c.env("PULUMI_NODEJS_TSCONFIG_PATH", tsconfig);
            }
            c
        }
        Runtime::Python => {
            let (python, venv) = python_interpreter(project, options);
            let dir = std::env::temp_dir().join(format!(
                "dr-engine-{}-{}",
                std::process::id(),
                uuid::Uuid::new_v4().simple()
            ));
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let shim = dir.join("exec_shim.py");
            std::fs::write(&shim, EXEC_SHIM)
                .map_err(|e| format!("cannot write {}: {e}", shim.display()))?;
            shim_dir = Some(dir);
            let mut c = Command::new(&python);
            c.arg("-u")
                .arg(&shim)
                .args(["--monitor", &address, "--engine", &address])
                .args(["--project", &settings.project, "--stack", &settings.stack])
                .args(["--parallel", &settings.parallel.to_string()])
                .args(["--dry_run", if d.dry_run() { "true" } else { "false" }])
                .arg("--pwd")
                .arg(&cwd)
                .arg("--root_directory")
                .arg(&cwd)
                .args(["--organization", ORGANIZATION])
                .arg(&program)
                .env("PYTHONUNBUFFERED", "1");
            if let Some(venv) = venv {
                c.env("VIRTUAL_ENV", &venv);
            }
            c
        }
    };
    command
        .current_dir(&cwd)
        .envs(config_env(d))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    tracing::debug!(?command, "running the program");
    let mut child = command.spawn().map_err(|e| {
        format!(
            "cannot start the program ({}): {e}",
            command.as_std().get_program().to_string_lossy()
        )
    })?;
    let readers: Vec<_> = [
        child.stdout.take().map(|s| {
            (
                "stdout",
                Box::new(s) as Box<dyn tokio::io::AsyncRead + Send + Unpin>,
            )
        }),
        child.stderr.take().map(|s| {
            (
                "stderr",
                Box::new(s) as Box<dyn tokio::io::AsyncRead + Send + Unpin>,
            )
        }),
    ]
    .into_iter()
    .flatten()
    .map(|(stream, reader)| {
        let events = d.events.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(reader).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                events.program_output(stream, &line);
            }
        })
    })
    .collect();
    let status = child
        .wait()
        .await
        .map_err(|e| format!("waiting for the program failed: {e}"))?;
    for r in readers {
        let _ = r.await;
    }
    if let Some(dir) = shim_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    use std::os::unix::process::ExitStatusExt;
    Ok(status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_sdk_is_found_by_walking_up_node_modules() {
        let root = std::env::temp_dir().join(format!("dr-engine-node-{}", std::process::id()));
        let sdk = root.join("node_modules/@pulumi/pulumi");
        std::fs::create_dir_all(&sdk).unwrap();
        std::fs::write(sdk.join("package.json"), "{}").unwrap();
        let program = root.join("a/b");
        std::fs::create_dir_all(&program).unwrap();
        assert_eq!(find_node_sdk(&program), Some(sdk));
        let _ = std::fs::remove_dir_all(root);
    }
}
