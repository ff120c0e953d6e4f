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

#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub first: Duration,
    pub factor: f64,
    pub cap: Duration,
    /// Waits shorter than this are not worth a status line.
    pub status_after: Duration,
    /// How often a long wait then says it is still waiting.
    pub status_every: Duration,
}

impl Default for Backoff {
    /// About 35 polls over a 10-minute wait, and never more than 20 s late.
    fn default() -> Self {
        Backoff {
            first: Duration::from_millis(500),
            factor: 1.6,
            cap: Duration::from_secs(20),
            status_after: Duration::from_secs(5),
            status_every: Duration::from_secs(10),
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
        // Status lines follow the clock, not the polls: backoff may leave 20 s between polls.
        let mut next_report = started + self.backoff.status_after;
        let mut delay = self.backoff.first;
        loop {
            if let Some(done) = self.call(phase, Box::pin(probe())).await? {
                return Ok(done);
            }
            let wake = Instant::now() + delay;
            if wake > self.deadline {
                return Err(self.timeout_error(&format!("{phase} in {region}")));
            }
            while Instant::now() < wake {
                tokio::select! {
                    biased;
                    _ = self.cancel.cancelled() => return Err(ProviderError::Cancelled(format!("{phase} in {region}"))),
                    _ = tokio::time::sleep_until(wake.min(next_report).into()) => {}
                }
                if Instant::now() >= next_report {
                    self.reporter.status(phase, region, started.elapsed());
                    next_report += self.backoff.status_every;
                }
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
            status_after: Duration::from_secs(60),
            status_every: Duration::from_secs(60),
        };
        c
    }

    #[derive(Default)]
    struct Recorded(std::sync::Mutex<Vec<(String, bool)>>);

    impl crate::progress::LogSink for Recorded {
        fn log(&self, _: crate::progress::Severity, _: &str, message: &str, ephemeral: bool) {
            self.0
                .lock()
                .unwrap()
                .push((message.to_string(), ephemeral));
        }
    }

    /// Status lines follow the clock: a wait whose polls are far apart still reports on time.
    #[tokio::test]
    async fn long_waits_report_status_between_polls() {
        let sink = Arc::new(Recorded::default());
        let mut c = ctx();
        c.reporter = Reporter::new(sink.clone(), "urn:x");
        c.backoff = Backoff {
            first: Duration::from_millis(400),
            factor: 1.0,
            cap: Duration::from_millis(400),
            status_after: Duration::from_millis(100),
            status_every: Duration::from_millis(100),
        };
        let polls = AtomicU32::new(0);
        c.wait_for("waiting for cluster c1", "us-east-2", || async {
            Ok((polls.fetch_add(1, Ordering::SeqCst) == 1).then_some(()))
        })
        .await
        .unwrap();
        let lines = sink.0.lock().unwrap().clone();
        assert_eq!(
            polls.load(Ordering::SeqCst),
            2,
            "one wait of 400 ms between two polls"
        );
        assert!((3..=4).contains(&lines.len()), "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|(m, eph)| *eph && m.starts_with("waiting for cluster c1 in us-east-2")),
            "{lines:?}"
        );
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
