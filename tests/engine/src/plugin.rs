//! Resource provider plugins as processes, launched the way the Pulumi engine launches them: the
//! binary `pulumi-resource-<pkg>` with `--logtostderr` and the engine address as the last argument,
//! the port read from the first line of its stdout, `127.0.0.1:<port>` dialled; later output is
//! forwarded to the events log; shutdown is SIGINT, then a kill after 5 seconds.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pulumi_gestalt_proto::pulumi::pulumirpc::resource_provider_client::ResourceProviderClient;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tonic::transport::{Channel, Endpoint};

use crate::events::Events;

/// Pulumi raises gRPC message limits to 400 MiB on every side.
pub const MAX_MESSAGE_SIZE: usize = 400 * 1024 * 1024;

const PORT_TIMEOUT: Duration = Duration::from_secs(60);
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

pub struct PluginProcess {
    pub package: String,
    pub path: PathBuf,
    pub port: u16,
    pid: u32,
    child: tokio::sync::Mutex<Option<Child>>,
    stderr_tail: Arc<Mutex<Vec<String>>>,
}

pub type ProviderClient = ResourceProviderClient<Channel>;

/// Finds the plugin binary for a package: the `--plugin` path for multiregion-dr, a Pulumi.yaml
/// `plugins.providers` folder, then `pulumi-resource-<pkg>` on PATH.
pub fn find(
    package: &str,
    explicit: Option<&Path>,
    explicit_package: &str,
    project_dirs: &std::collections::BTreeMap<String, PathBuf>,
) -> Result<PathBuf, String> {
    let file = format!("pulumi-resource-{package}");
    if package == explicit_package {
        if let Some(path) = explicit {
            return Ok(path.to_path_buf());
        }
    }
    if let Some(dir) = project_dirs.get(package) {
        let candidate = dir.join(&file);
        if candidate.is_file() {
            return Ok(candidate);
        }
        return Err(format!(
            "Pulumi.yaml names {} as the folder of plugin '{package}', but it has no {file}",
            dir.display()
        ));
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(&file);
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
    }
    Err(format!(
        "no resource plugin for package '{package}': {file} is not on PATH{}",
        if package == explicit_package {
            " (pass --plugin PATH)"
        } else {
            ""
        }
    ))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// The engine's port parser: strips the terminal progress sequences some tools print, trims, and
/// accepts 1..=65535 only.
pub fn parse_port(line: &str) -> Option<u16> {
    let cleaned = line
        .replace("\x1b]9;4;3;\x1b\\", "")
        .replace("\x1b]9;4;0;\x1b\\", "");
    cleaned.trim().parse::<u16>().ok().filter(|p| *p > 0)
}

impl PluginProcess {
    pub async fn launch(
        package: &str,
        path: &Path,
        engine_address: &str,
        cwd: &Path,
        extra_env: &[(String, String)],
        events: Arc<Events>,
    ) -> Result<Arc<PluginProcess>, String> {
        let mut command = Command::new(path);
        command.arg("--logtostderr");
        // `-v=N` as the engine adds it for a verbose run (DR_ENGINE_PLUGIN_VERBOSITY=N).
        if let Some(v) = std::env::var("DR_ENGINE_PLUGIN_VERBOSITY")
            .ok()
            .filter(|v| v.parse::<u32>().is_ok_and(|n| n > 0))
        {
            command.arg(format!("-v={v}"));
        }
        command
            .arg(engine_address)
            .current_dir(cwd)
            .envs(extra_env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start plugin {}: {e}", path.display()))?;
        let pid = child.id().unwrap_or_default();
        let stdout = child.stdout.take().ok_or("plugin stdout is not piped")?;
        let stderr = child.stderr.take().ok_or("plugin stderr is not piped")?;

        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        {
            let events = events.clone();
            let tail = stderr_tail.clone();
            let pkg = package.to_string();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    events.plugin_stderr(&pkg, &line);
                    let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
                    t.push(line);
                    if t.len() > 40 {
                        t.remove(0);
                    }
                }
            });
        }

        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let read = tokio::time::timeout(PORT_TIMEOUT, reader.read_line(&mut first)).await;
        let tail = |t: &Arc<Mutex<Vec<String>>>| t.lock().map(|t| t.join("\n")).unwrap_or_default();
        let port = match read {
            Ok(Ok(n)) if n > 0 => parse_port(&first).ok_or_else(|| {
                format!(
                    "plugin {} wrote an invalid port to stdout: {first:?}",
                    path.display()
                )
            })?,
            Ok(_) => {
                // Give the stderr reader a moment to collect why it stopped.
                tokio::time::sleep(Duration::from_millis(200)).await;
                return Err(format!(
                    "plugin {} exited before writing its port:\n{}",
                    path.display(),
                    tail(&stderr_tail)
                ));
            }
            Err(_) => {
                return Err(format!(
                    "plugin {} wrote no port within {}s",
                    path.display(),
                    PORT_TIMEOUT.as_secs()
                ))
            }
        };
        {
            // Anything the plugin writes to stdout afterwards is a diagnostic, as in the engine.
            let events = events.clone();
            let pkg = package.to_string();
            tokio::spawn(async move {
                let mut lines = reader.lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    events.plugin_stderr(&pkg, &line);
                }
            });
        }
        tracing::debug!(package, port, pid, "plugin started");
        Ok(Arc::new(PluginProcess {
            package: package.to_string(),
            path: path.to_path_buf(),
            port,
            pid,
            child: tokio::sync::Mutex::new(Some(child)),
            stderr_tail,
        }))
    }

    pub async fn connect(&self) -> Result<ProviderClient, String> {
        let endpoint = Endpoint::from_shared(format!("http://127.0.0.1:{}", self.port))
            .map_err(|e| e.to_string())?
            .connect_timeout(Duration::from_secs(10));
        let mut last = String::new();
        for _ in 0..50 {
            match endpoint.connect().await {
                Ok(channel) => {
                    return Ok(ResourceProviderClient::new(channel)
                        .max_decoding_message_size(MAX_MESSAGE_SIZE)
                        .max_encoding_message_size(MAX_MESSAGE_SIZE))
                }
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!(
            "cannot connect to plugin {} on 127.0.0.1:{}: {last}",
            self.package, self.port
        ))
    }

    pub fn stderr_tail(&self) -> String {
        self.stderr_tail
            .lock()
            .map(|t| t.join("\n"))
            .unwrap_or_default()
    }

    /// SIGINT, as the engine sends it, then a kill if the plugin has not exited after 5 seconds.
    pub async fn shutdown(&self) {
        let Some(mut child) = self.child.lock().await.take() else {
            return;
        };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        if self.pid != 0 {
            // SAFETY: kill(2) with a pid this process spawned and still owns (not yet reaped).
            unsafe {
                libc::kill(self.pid as libc::pid_t, libc::SIGINT);
            }
        }
        match tokio::time::timeout(SHUTDOWN_GRACE, child.wait()).await {
            Ok(_) => {}
            Err(_) => {
                tracing::warn!(package = %self.package, "plugin ignored SIGINT; killing it");
                let _ = child.kill().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_like_the_engine() {
        assert_eq!(parse_port("43210\n"), Some(43210));
        assert_eq!(parse_port("\x1b]9;4;3;\x1b\\ 5000 \n"), Some(5000));
        assert_eq!(parse_port("0\n"), None);
        assert_eq!(parse_port("port 5000\n"), None);
        assert_eq!(parse_port("70000\n"), None);
    }

    #[test]
    fn the_explicit_plugin_wins_for_its_package_only() {
        let dirs = Default::default();
        let p = find(
            "multiregion-dr",
            Some(Path::new("/x/pulumi-resource-multiregion-dr")),
            "multiregion-dr",
            &dirs,
        )
        .unwrap();
        assert_eq!(p, PathBuf::from("/x/pulumi-resource-multiregion-dr"));
        let err = find(
            "no-such-package-xyz",
            Some(Path::new("/x/y")),
            "multiregion-dr",
            &dirs,
        )
        .unwrap_err();
        assert!(err.contains("pulumi-resource-no-such-package-xyz"), "{err}");
    }
}
