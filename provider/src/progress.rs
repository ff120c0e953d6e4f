//! How resources talk to the user while they work: warnings, and ephemeral status lines for long waits
//! (what, which region, how long so far). The sink is the engine's Log service in production.

use std::sync::Arc;
use std::time::Duration;

use crate::redact::Secrets;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Debug,
    Info,
    Warning,
    Error,
}

pub trait LogSink: Send + Sync {
    fn log(&self, severity: Severity, urn: &str, message: &str, ephemeral: bool);
}

/// A sink that drops everything: used where no engine is attached (unit tests, direct calls).
pub struct NoSink;

impl LogSink for NoSink {
    fn log(&self, _: Severity, _: &str, _: &str, _: bool) {}
}

/// Reports against one resource's URN. Secret values of the resource's inputs never reach the
/// engine or the traces: they are masked in every message.
#[derive(Clone)]
pub struct Reporter {
    sink: Arc<dyn LogSink>,
    urn: String,
    secrets: Secrets,
}

impl Reporter {
    pub fn new(sink: Arc<dyn LogSink>, urn: impl Into<String>) -> Self {
        Reporter {
            sink,
            urn: urn.into(),
            secrets: Secrets::default(),
        }
    }

    pub fn with_secrets(mut self, secrets: Secrets) -> Self {
        self.secrets = secrets;
        self
    }

    pub fn silent() -> Self {
        Reporter::new(Arc::new(NoSink), "")
    }

    pub fn info(&self, message: &str) {
        let message = self.secrets.redact(message);
        tracing::info!(urn = %self.urn, "{message}");
        self.sink.log(Severity::Info, &self.urn, &message, false);
    }

    pub fn warn(&self, message: &str) {
        let message = self.secrets.redact(message);
        tracing::warn!(urn = %self.urn, "{message}");
        self.sink.log(Severity::Warning, &self.urn, &message, false);
    }

    /// An ephemeral status line: the engine shows it while the step runs and then drops it.
    pub fn status(&self, phase: &str, region: &str, elapsed: Duration) {
        let message = self.secrets.redact(&format!(
            "{phase} in {region} ({}s so far)",
            elapsed.as_secs()
        ));
        tracing::debug!(urn = %self.urn, "{message}");
        self.sink.log(Severity::Info, &self.urn, &message, true);
    }
}
