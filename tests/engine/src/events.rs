//! Everything that happens during a run: the steps, the log messages from programs and plugins, the
//! engine's own diagnostics. Each event is printed CLI-style as it happens, appended to the
//! `--events` JSON-lines file, and kept for the summary.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

use serde_json::{json, Value as Json};

use crate::urn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    Create,
    Update,
    Replace,
    Delete,
    Same,
    Read,
    /// The delete that finishes a create-before-delete replacement: an event, not a summary step
    /// (the replacement is one `replace` step).
    DeleteReplaced,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Replace => "replace",
            Op::Delete => "delete",
            Op::Same => "same",
            Op::Read => "read",
            Op::DeleteReplaced => "delete-replaced",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Create => "+ ",
            Op::Update => "~ ",
            Op::Replace => "+-",
            Op::Delete | Op::DeleteReplaced => "- ",
            Op::Same => "= ",
            Op::Read => "> ",
        }
    }

    pub const SUMMARY: [Op; 6] = [
        Op::Create,
        Op::Update,
        Op::Replace,
        Op::Delete,
        Op::Same,
        Op::Read,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Debug,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn from_rpc(level: i32) -> Severity {
        match level {
            0 => Severity::Debug,
            1 => Severity::Info,
            2 => Severity::Warning,
            _ => Severity::Error,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::Debug => "debug",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub op: Op,
    pub urn: String,
    pub ty: String,
    /// Default providers are real steps, but the CLI does not show or count them.
    pub hidden: bool,
}

impl StepRecord {
    pub fn name(&self) -> &str {
        urn::name_of(&self.urn)
    }
}

#[derive(Default)]
struct Recorded {
    steps: Vec<StepRecord>,
    errors: Vec<String>,
}

pub struct Events {
    file: Mutex<Option<BufWriter<File>>>,
    recorded: Mutex<Recorded>,
    console: Mutex<()>,
    /// Show SDK debug messages and status messages too (DR_ENGINE_VERBOSE=1).
    verbose: bool,
}

impl Events {
    pub fn new(path: Option<&Path>) -> Result<Events, String> {
        let file = match path {
            Some(p) => {
                if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                }
                Some(BufWriter::new(File::create(p).map_err(|e| {
                    format!("cannot create events file {}: {e}", p.display())
                })?))
            }
            None => None,
        };
        Ok(Events {
            file: Mutex::new(file),
            recorded: Mutex::new(Recorded::default()),
            console: Mutex::new(()),
            verbose: std::env::var("DR_ENGINE_VERBOSE").is_ok_and(|v| !v.is_empty() && v != "0"),
        })
    }

    fn write(&self, event: Json) {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = file.as_mut() {
            // Flushed per line so that a crash or a kill still leaves every event before it.
            let _ = writeln!(f, "{event}").and_then(|_| f.flush());
        }
    }

    pub fn print(&self, line: &str) {
        let _guard = self.console.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    pub fn step(&self, op: Op, urn: &str, ty: &str, hidden: bool) {
        self.write(
            json!({"kind": "step", "op": op.name(), "urn": urn, "type": ty, "hidden": hidden}),
        );
        if op != Op::DeleteReplaced {
            self.recorded
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .steps
                .push(StepRecord {
                    op,
                    urn: urn.to_string(),
                    ty: ty.to_string(),
                    hidden,
                });
        }
        if !hidden || self.verbose {
            self.print(&format!(
                "  {}{:<8} {ty} {}  ({urn})",
                op.symbol(),
                op.name(),
                urn::name_of(urn),
            ));
        }
    }

    /// A Log message from a program or a plugin (Engine.Log).
    pub fn log(&self, severity: Severity, message: &str, urn: &str, ephemeral: bool) {
        self.write(json!({
            "kind": "log", "severity": severity.name(), "message": message, "urn": urn, "ephemeral": ephemeral,
        }));
        if severity == Severity::Error && !ephemeral {
            self.push_error(with_urn(urn, message));
        }
        if (severity > Severity::Debug && !ephemeral) || self.verbose {
            let status = if ephemeral { " (status)" } else { "" };
            self.print(&format!(
                "    {}{status}: {}",
                severity.name(),
                indent_continuation(&with_urn(urn, message))
            ));
        }
    }

    /// The engine's own diagnostic (a failed step, a refused operation). Errors go to the summary.
    pub fn diag(&self, severity: Severity, urn: &str, message: &str) {
        self.write(
            json!({"kind": "diag", "severity": severity.name(), "message": message, "urn": urn}),
        );
        if severity == Severity::Error {
            self.push_error(with_urn(urn, message));
        }
        self.print(&format!(
            "    {}: {}",
            severity.name(),
            indent_continuation(&with_urn(urn, message))
        ));
    }

    pub fn error(&self, message: &str) {
        self.diag(Severity::Error, "", message);
    }

    pub fn plugin_stderr(&self, plugin: &str, line: &str) {
        self.write(json!({"kind": "plugin-stderr", "plugin": plugin, "line": line}));
        if self.verbose {
            eprintln!("[{plugin}] {line}");
        }
    }

    pub fn program_output(&self, stream: &str, line: &str) {
        self.write(json!({"kind": "program-output", "stream": stream, "line": line}));
        self.print(&format!("    {line}"));
    }

    fn push_error(&self, message: String) {
        let mut rec = self.recorded.lock().unwrap_or_else(|e| e.into_inner());
        if !rec.errors.contains(&message) {
            rec.errors.push(message);
        }
    }

    pub fn steps(&self) -> Vec<StepRecord> {
        self.recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .steps
            .clone()
    }

    pub fn errors(&self) -> Vec<String> {
        self.recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .errors
            .clone()
    }
}

fn with_urn(urn: &str, message: &str) -> String {
    if urn.is_empty() || message.starts_with(urn) {
        message.to_string()
    } else {
        format!("{urn}: {message}")
    }
}

fn indent_continuation(text: &str) -> String {
    text.trim_end().replace('\n', "\n      ")
}
