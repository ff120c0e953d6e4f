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
/// Longer timeouts are taken as this: a deadline must stay representable.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(30 * 24 * 60 * 60);

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
    /// 38 polls over a 10-minute wait, and never more than 20 s (plus one poll) late: see
    /// `tests::a_ten_minute_wait_is_noticed_promptly_with_few_polls`.
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

/// The engine operation a context serves: it decides which customTimeouts key bounds it and what a
/// timeout tells the user to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Operation {
    Create,
    #[default]
    Update,
    Delete,
    Read,
}

impl Operation {
    /// The advice a timeout ends with.
    pub fn after_timeout(self) -> &'static str {
        match self {
            Operation::Create => "the next `pulumi up` resumes from what exists (raise customTimeouts.create if AWS needs longer)",
            Operation::Update => "the next `pulumi up` resumes from what exists (raise customTimeouts.update if AWS needs longer)",
            Operation::Delete => "run `pulumi destroy` again to delete what remains (raise customTimeouts.delete if AWS needs longer)",
            Operation::Read => "run `pulumi refresh` again",
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
    pub operation: Operation,
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
            operation: Operation::default(),
        }
    }

    pub fn with_operation(mut self, operation: Operation) -> Self {
        self.operation = operation;
        self
    }

    /// The engine's timeout in seconds; 0 means none was given. Whatever arrives (NaN, infinity, a
    /// negative or absurdly large number) gives a usable deadline rather than a panic.
    pub fn with_timeout(mut self, seconds: f64) -> Self {
        let timeout = if seconds.is_finite() && seconds > 0.0 {
            Duration::try_from_secs_f64(seconds)
                .unwrap_or(MAX_TIMEOUT)
                .min(MAX_TIMEOUT)
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
        // Whole seconds as the user wrote them; sub-second timeouts (tests) to the millisecond.
        let seconds = (self.timeout.as_secs_f64() * 1000.0).round() / 1000.0;
        ProviderError::Timeout {
            what: what.to_string(),
            seconds,
            next: self.operation.after_timeout().to_string(),
        }
    }

    /// Polls `probe` until it returns `Some`, backing off between polls. `phase` and `region` name the
    /// wait in status messages ("waiting for cluster x to be available in us-east-2 (35s so far)").
    pub async fn wait_for<T, F, Fut>(
        &self,
        phase: &str,
        region: &str,
        probe: F,
    ) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>, ProviderError>>,
    {
        self.wait_with(&Timer, phase, region, probe).await
    }

    /// [`Context::wait_for`] on a given clock.
    async fn wait_with<T, F, Fut>(
        &self,
        clock: &impl Clock,
        phase: &str,
        region: &str,
        mut probe: F,
    ) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>, ProviderError>>,
    {
        let started = clock.now();
        // Status lines follow the clock, not the polls: backoff may leave 20 s between polls.
        let mut next_report = started + self.backoff.status_after;
        let mut delay = self.backoff.first;
        loop {
            if let Some(done) = self.call(phase, Box::pin(probe())).await? {
                return Ok(done);
            }
            let now = clock.now();
            if now >= self.deadline {
                return Err(self.timeout_error(&format!("{phase} in {region}")));
            }
            // The last sleep ends at the deadline: a wait gives up when its time is up, not a whole
            // backoff step (up to `cap`) early.
            let wake = (now + delay).min(self.deadline);
            while clock.now() < wake {
                tokio::select! {
                    biased;
                    _ = self.cancel.cancelled() => return Err(ProviderError::Cancelled(format!("{phase} in {region}"))),
                    _ = clock.sleep_until(wake.min(next_report)) => {}
                }
                if clock.now() >= next_report {
                    self.reporter.status(phase, region, clock.now() - started);
                    next_report += self.backoff.status_every;
                }
            }
            if Instant::now() >= self.deadline {
                return Err(self.timeout_error(&format!("{phase} in {region}")));
            }
            delay = self.backoff.cap.min(delay.mul_f64(self.backoff.factor));
        }
    }
}

/// Where a wait reads the time and sleeps. Production waits on tokio's timer; a test substitutes a
/// clock that jumps, to run a ten-minute wait in milliseconds (tokio's own paused clock needs its
/// `test-util` feature, which would rebuild every AWS SDK crate for the tests).
trait Clock {
    fn now(&self) -> Instant;
    fn sleep_until(&self, when: Instant) -> impl Future<Output = ()> + Send;
}

struct Timer;

impl Clock for Timer {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep_until(&self, when: Instant) -> impl Future<Output = ()> + Send {
        tokio::time::sleep_until(when.into())
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

    /// A clock that jumps to the end of every sleep; each poll moves it by the time a call takes.
    struct Jumps(std::sync::Mutex<Instant>);

    impl Jumps {
        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
    }

    impl Clock for Jumps {
        fn now(&self) -> Instant {
            *self.0.lock().unwrap()
        }

        fn sleep_until(&self, when: Instant) -> impl Future<Output = ()> + Send {
            {
                let mut now = self.0.lock().unwrap();
                *now = (*now).max(when);
            }
            tokio::task::yield_now()
        }
    }

    /// Issue #12 (waiting): with the production backoff, a cluster that becomes available 10
    /// minutes after the wait starts is noticed within 30 s, with no more than 40 describe calls
    /// (each taking 100 ms); and the wait is reported every 10 s from the fifth second on.
    #[tokio::test]
    async fn a_ten_minute_wait_is_noticed_promptly_with_few_polls() {
        const CALL: Duration = Duration::from_millis(100);
        const AVAILABLE_AT: Duration = Duration::from_secs(600);
        let sink = Arc::new(Recorded::default());
        let c = Context::new(
            Arc::new(ProviderConfig::default()),
            Arc::new(LazyClients::default()),
            Reporter::new(sink.clone(), "urn:x"),
        );
        let clock = Jumps(std::sync::Mutex::new(Instant::now()));
        let start = clock.now();
        let polls = AtomicU32::new(0);
        let noticed = c
            .wait_with(
                &clock,
                "waiting for cluster c1 to be available",
                "us-east-2",
                || async {
                    polls.fetch_add(1, Ordering::SeqCst);
                    clock.advance(CALL);
                    let now = clock.now() - start;
                    Ok((now >= AVAILABLE_AT).then_some(now))
                },
            )
            .await
            .unwrap();
        let (polls, late) = (polls.load(Ordering::SeqCst), noticed - AVAILABLE_AT);
        let status = sink.0.lock().unwrap().clone();
        // Read by bench/run.py.
        println!(
            "wait-figures: polls={polls} late_s={:.1} status_lines={}",
            late.as_secs_f64(),
            status.len()
        );
        assert!(polls <= 40, "{polls} describe calls for a 10-minute wait");
        assert!(late <= Duration::from_secs(30), "noticed {late:?} late");
        let expected = (noticed.as_secs() - 5) / 10 + 1;
        assert!(
            (expected - 1..=expected).contains(&(status.len() as u64)),
            "{} status lines over {noticed:?}, expected about {expected}",
            status.len()
        );
        assert!(
            status.iter().all(|(m, eph)| *eph
                && m.starts_with("waiting for cluster c1 to be available in us-east-2 (")),
            "{status:?}"
        );
        assert_eq!(
            status[0].0,
            "waiting for cluster c1 to be available in us-east-2 (5s so far)"
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
        assert!(err.to_string().contains("after 0.1s"), "{err}");
    }

    /// A wait whose next poll would come after the deadline still waits until the deadline.
    #[tokio::test]
    async fn a_wait_gives_up_at_its_deadline_not_a_backoff_step_early() {
        let mut c = ctx().with_timeout(0.6);
        c.backoff.first = Duration::from_millis(400);
        c.backoff.cap = Duration::from_secs(20);
        let start = Instant::now();
        let err = c
            .wait_for("waiting for w", "us-east-1", || async {
                Ok::<Option<()>, _>(None)
            })
            .await
            .unwrap_err();
        let took = start.elapsed();
        assert!(matches!(err, ProviderError::Timeout { .. }), "{err}");
        assert!(
            took >= Duration::from_millis(580) && took < Duration::from_millis(900),
            "gave up after {took:?} with a 600 ms timeout"
        );
    }

    #[test]
    fn any_timeout_the_engine_sends_gives_a_deadline() {
        for (seconds, expected) in [
            (f64::NAN, DEFAULT_TIMEOUT),
            (f64::INFINITY, DEFAULT_TIMEOUT),
            (-3.0, DEFAULT_TIMEOUT),
            (0.0, DEFAULT_TIMEOUT),
            (1e300, MAX_TIMEOUT),
            (90.0, Duration::from_secs(90)),
        ] {
            assert_eq!(ctx().with_timeout(seconds).timeout, expected, "{seconds}");
        }
    }

    #[tokio::test]
    async fn a_timeout_names_the_next_step_of_its_operation() {
        let c = ctx().with_timeout(0.05).with_operation(Operation::Delete);
        let err = c
            .wait_for(
                "waiting for cluster z to be deleted",
                "us-east-2",
                || async { Ok::<Option<()>, _>(None) },
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("pulumi destroy"), "{err}");
        assert!(err.contains("customTimeouts.delete"), "{err}");
    }
}
