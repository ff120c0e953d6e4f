//! What a resource operation runs with: the configuration, lazily built AWS clients, a progress
//! reporter, the engine's Cancel and the operation's timeout. Every wait on AWS goes through
//! [`Context::wait_for`], so all of them back off, respect the deadline, stop on Cancel and report
//! progress the same way.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::aws::{AwsClients, LazyClients};
use crate::config::ProviderConfig;
use crate::error::ProviderError;
use crate::progress::Reporter;

/// Used when the engine sends no timeout (no customTimeouts): long enough for Aurora, short enough
/// that a stuck operation ends.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2 * 60 * 60);
/// Waits shorter than this are not worth a status line.
const REPORT_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub first: Duration,
    pub factor: f64,
    pub cap: Duration,
}

impl Default for Backoff {
    /// About 35 polls over a 10-minute wait, and never more than 20 s late.
    fn default() -> Self {
        Backoff {
            first: Duration::from_millis(500),
            factor: 1.6,
            cap: Duration::from_secs(20),
        }
    }
}

#[derive(Clone)]
pub struct Context {
    pub config: Arc<ProviderConfig>,
    pub clients: Arc<LazyClients>,
    pub reporter: Reporter,
    pub cancel: CancellationToken,
    pub deadline: Instant,
    /// The operation's whole timeout, for messages; `deadline` is what bounds the work.
    pub timeout: Duration,
    pub preview: bool,
    pub backoff: Backoff,
}

impl Context {
    pub fn new(config: Arc<ProviderConfig>, clients: Arc<LazyClients>, reporter: Reporter) -> Self {
        Context {
            config,
            clients,
            reporter,
            cancel: CancellationToken::new(),
            deadline: Instant::now() + DEFAULT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            preview: false,
            backoff: Backoff::default(),
        }
    }

    /// The engine's timeout in seconds; 0 means none was given.
    pub fn with_timeout(mut self, seconds: f64) -> Self {
        let timeout = if seconds > 0.0 {
            Duration::from_secs_f64(seconds)
        } else {
            DEFAULT_TIMEOUT
        };
        self.deadline = Instant::now() + timeout;
        self.timeout = timeout;
        self
    }

    pub fn with_preview(mut self, preview: bool) -> Self {
        self.preview = preview;
        self
    }

    pub async fn aws(&self) -> &AwsClients {
        self.clients.get(&self.config).await
    }

    /// Runs one AWS call, bounded by the deadline and by Cancel.
    pub async fn call<T>(
        &self,
        what: &str,
        fut: impl Future<Output = Result<T, ProviderError>>,
    ) -> Result<T, ProviderError> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        // SDK futures are large; boxing each call keeps the futures that await many of them small
        // enough for a worker thread's stack.
        let fut = Box::pin(fut);
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(ProviderError::Cancelled(what.to_string())),
            res = tokio::time::timeout(remaining, fut) => res.unwrap_or_else(|_| Err(self.timeout_error(what))),
        }
    }

    fn timeout_error(&self, what: &str) -> ProviderError {
        ProviderError::Timeout {
            what: what.to_string(),
            seconds: self.timeout.as_secs(),
        }
    }

    /// Polls `probe` until it returns `Some`, backing off between polls. `phase` and `region` name the
    /// wait in status messages ("waiting for cluster x to be available in us-east-2 (35s so far)").
    pub async fn wait_for<T, F, Fut>(
        &self,
        phase: &str,
        region: &str,
        mut probe: F,
    ) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>, ProviderError>>,
    {
        let started = Instant::now();
        let mut delay = self.backoff.first;
        loop {
            if let Some(done) = self.call(phase, Box::pin(probe())).await? {
                return Ok(done);
            }
            let elapsed = started.elapsed();
            if elapsed >= REPORT_AFTER {
                self.reporter.status(phase, region, elapsed);
            }
            let now = Instant::now();
            if now + delay > self.deadline {
                return Err(self.timeout_error(&format!("{phase} in {region}")));
            }
            tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Err(ProviderError::Cancelled(format!("{phase} in {region}"))),
                _ = tokio::time::sleep(delay) => {}
            }
            delay = self.backoff.cap.min(delay.mul_f64(self.backoff.factor));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn ctx() -> Context {
        let mut c = Context::new(
            Arc::new(ProviderConfig::default()),
            Arc::new(LazyClients::default()),
            Reporter::silent(),
        );
        c.backoff = Backoff {
            first: Duration::from_millis(10),
            factor: 2.0,
            cap: Duration::from_millis(40),
        };
        c
    }

    #[tokio::test]
    async fn wait_for_polls_until_done() {
        let polls = AtomicU32::new(0);
        let got = ctx()
            .wait_for("waiting", "us-east-1", || async {
                let n = polls.fetch_add(1, Ordering::SeqCst);
                Ok((n == 3).then_some(n))
            })
            .await
            .unwrap();
        assert_eq!(got, 3);
    }

    #[tokio::test]
    async fn cancel_ends_a_wait_promptly() {
        let mut c = ctx();
        c.backoff.first = Duration::from_secs(30);
        let cancel = c.cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            cancel.cancel();
        });
        let start = Instant::now();
        let err = c
            .wait_for("waiting for x", "us-east-2", || async {
                Ok::<Option<()>, _>(None)
            })
            .await
            .unwrap_err();
        assert!(matches!(err, ProviderError::Cancelled(_)), "{err}");
        assert!(start.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn the_deadline_bounds_a_wait() {
        let c = ctx().with_timeout(0.1);
        let err = c
            .wait_for("waiting for y", "us-east-1", || async {
                Ok::<Option<()>, _>(None)
            })
            .await
            .unwrap_err();
        assert!(matches!(err, ProviderError::Timeout { .. }), "{err}");
        assert!(err.to_string().contains("us-east-1"));
    }
}
