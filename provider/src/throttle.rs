//! Client-side rate limiting: every HTTP attempt to AWS, SDK retries included, first takes a token
//! from a bucket keyed by (service, region), or by service alone for the global services (Route 53,
//! IAM). One [`RateLimiter`] serves one provider configuration, i.e. one set of credentials: one
//! account. The buckets run a little under AWS's published rates, so that a `pulumi up` of many
//! resources queues on its own side instead of spending its retries on `Throttling` answers.
//!
//! The limiter wraps the SDK's HTTP client ([`RateLimitedClient`]): the wait happens before the
//! request is sent, outside the HTTP read timeout, so a long queue never turns into timeouts.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;

/// Services whose API is global: one bucket per account, whichever region signs the request.
pub const GLOBAL_SERVICES: [&str; 2] = ["route53", "iam"];

/// A token bucket's settings: `per_second` tokens added each second, at most `burst` held.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

impl Rate {
    pub const fn new(per_second: f64, burst: f64) -> Rate {
        Rate { per_second, burst }
    }
}

/// The rate of each limited service; a service not listed is not limited.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RateLimits {
    services: BTreeMap<String, Rate>,
}

impl RateLimits {
    /// Nothing limited.
    pub fn none() -> RateLimits {
        RateLimits::default()
    }

    /// A little under AWS's published API rates (aws-dr.md 1.12 and 2.3; DynamoDB's control-plane
    /// best practices page; S3's request-rate guidance), so the account keeps some room for the
    /// console and other tools that share the same buckets:
    /// - RDS: 12 requests/s sustained, 300 burst, per account per region; here 10/s, 250.
    /// - Route 53: 5 requests/s per account across all its APIs; here 4/s, burst 3 (AWS's own
    ///   bucket keeps the slack that absorbs requests bunched up on their way).
    /// - DynamoDB control plane: 2,500 requests/s per account per region; here 2,000/s.
    /// - S3: 3,500 writes/s per prefix; here 3,000/s per region.
    /// - IAM publishes no rate; here 10/s, burst 20 per account.
    pub fn aws_published() -> RateLimits {
        RateLimits::none()
            .with("rds", Rate::new(10.0, 250.0))
            .with("route53", Rate::new(4.0, 3.0))
            .with("dynamodb", Rate::new(2000.0, 2000.0))
            .with("s3", Rate::new(3000.0, 3000.0))
            .with("iam", Rate::new(10.0, 20.0))
    }

    pub fn with(mut self, service: &str, rate: Rate) -> RateLimits {
        self.services.insert(service.to_string(), rate);
        self
    }

    pub fn rate(&self, service: &str) -> Option<Rate> {
        self.services.get(service).copied()
    }
}

/// One bucket. Callers take tokens one at a time, in turn (see [`RateLimiter::acquire`]), each at
/// the moment it really sends: a caller that wakes late does not let the next ones catch up, so
/// the requests never bunch up beyond the burst, even on a busy machine.
#[derive(Debug)]
struct Bucket {
    rate: Rate,
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    fn new(rate: Rate, now: Instant) -> Bucket {
        Bucket {
            rate,
            tokens: rate.burst,
            updated: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate.per_second).min(self.rate.burst);
        self.updated = self.updated.max(now);
    }

    /// Takes a token at `now`, or says how long until one is there.
    fn take(&mut self, now: Instant) -> Result<(), Duration> {
        self.refill(now);
        if self.tokens >= 1.0 || self.rate.per_second <= 0.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        Err(Duration::from_secs_f64(
            (1.0 - self.tokens) / self.rate.per_second,
        ))
    }
}

/// What the limiter did, for tests and logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LimiterStats {
    /// Attempts that went through the limiter (limited services only).
    pub requests: u64,
    /// Of those, the ones that had to wait.
    pub delayed: u64,
    /// The sum of all waits.
    pub waited: Duration,
}

type SharedBucket = Arc<tokio::sync::Mutex<Bucket>>;

/// The buckets of one provider configuration (one account).
#[derive(Debug)]
pub struct RateLimiter {
    limits: RateLimits,
    buckets: Mutex<HashMap<(String, String), SharedBucket>>,
    requests: AtomicU64,
    delayed: AtomicU64,
    waited_micros: AtomicU64,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> RateLimiter {
        RateLimiter {
            limits,
            buckets: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
            delayed: AtomicU64::new(0),
            waited_micros: AtomicU64::new(0),
        }
    }

    /// The bucket of `service` in `region` (the region is dropped for global services); None for
    /// a service without a rate.
    fn bucket(&self, service: &str, region: &str) -> Option<SharedBucket> {
        let rate = self.limits.rate(service)?;
        let region = if GLOBAL_SERVICES.contains(&service) {
            ""
        } else {
            region
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        Some(
            buckets
                .entry((service.to_string(), region.to_string()))
                .or_insert_with(|| {
                    Arc::new(tokio::sync::Mutex::new(Bucket::new(rate, Instant::now())))
                })
                .clone(),
        )
    }

    /// Waits for a token of `service` in `region`. Waiters are served in the order they came
    /// (the bucket's lock is fair), each taking its token when it is really there.
    pub async fn acquire(&self, service: &str, region: &str) {
        let Some(bucket) = self.bucket(service, region) else {
            return;
        };
        let asked = Instant::now();
        {
            let mut b = bucket.lock().await;
            while let Err(wait) = b.take(Instant::now()) {
                tokio::time::sleep(wait).await;
            }
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let waited = asked.elapsed();
        // Under a millisecond is the lock, not the rate.
        if waited >= Duration::from_millis(1) {
            self.delayed.fetch_add(1, Ordering::Relaxed);
            self.waited_micros
                .fetch_add(waited.as_micros() as u64, Ordering::Relaxed);
            tracing::debug!(
                service,
                region,
                wait_ms = waited.as_millis() as u64,
                "client-side rate limit: waited before the request"
            );
        }
    }

    pub fn stats(&self) -> LimiterStats {
        LimiterStats {
            requests: self.requests.load(Ordering::Relaxed),
            delayed: self.delayed.load(Ordering::Relaxed),
            waited: Duration::from_micros(self.waited_micros.load(Ordering::Relaxed)),
        }
    }
}

/// (service, region) of a SigV4-signed request, from the credential scope of its Authorization
/// header: `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/rds/aws4_request, ...`.
pub fn credential_scope(authorization: &str) -> Option<(&str, &str)> {
    let scope = authorization.split("Credential=").nth(1)?;
    let scope = scope.split([',', ' ']).next()?;
    let mut parts = scope.split('/').skip(2);
    let region = parts.next()?;
    let service = parts.next()?;
    (parts.next() == Some("aws4_request") && !service.is_empty()).then_some((service, region))
}

/// The SDK's HTTP client with the limiter in front of every attempt.
#[derive(Debug, Clone)]
pub struct RateLimitedClient {
    inner: SharedHttpClient,
    limiter: Arc<RateLimiter>,
}

impl RateLimitedClient {
    pub fn new(inner: SharedHttpClient, limiter: Arc<RateLimiter>) -> RateLimitedClient {
        RateLimitedClient { inner, limiter }
    }
}

#[derive(Debug)]
struct RateLimitedConnector {
    inner: SharedHttpConnector,
    limiter: Arc<RateLimiter>,
}

impl HttpConnector for RateLimitedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let scope = request
            .headers()
            .get("authorization")
            .and_then(credential_scope)
            .map(|(service, region)| (service.to_string(), region.to_string()));
        let (inner, limiter) = (self.inner.clone(), self.limiter.clone());
        HttpConnectorFuture::new(async move {
            if let Some((service, region)) = scope {
                limiter.acquire(&service, &region).await;
            }
            inner.call(request).await
        })
    }
}

impl HttpClient for RateLimitedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(RateLimitedConnector {
            inner: self.inner.http_connector(settings, components),
            limiter: self.limiter.clone(),
        })
    }

    fn validate_base_client_config(
        &self,
        runtime_components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner
            .validate_base_client_config(runtime_components, cfg)
    }

    fn validate_final_config(
        &self,
        runtime_components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_final_config(runtime_components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_full_bucket_serves_its_burst_then_refills_at_the_rate() {
        let mut b = Bucket::new(Rate::new(10.0, 3.0), Instant::now());
        let t0 = b.updated;
        for _ in 0..3 {
            assert_eq!(b.take(t0), Ok(()), "the burst goes at once");
        }
        let wait = b.take(t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-6, "{wait:?}");
        assert_eq!(b.take(t0 + ms(100)), Ok(()));
        let wait = b.take(t0 + ms(150)).unwrap_err();
        assert!((wait.as_secs_f64() - 0.05).abs() < 1e-6, "{wait:?}");
    }

    #[test]
    fn a_late_caller_does_not_let_others_catch_up() {
        let mut b = Bucket::new(Rate::new(10.0, 2.0), Instant::now());
        let t0 = b.updated;
        b.take(t0).unwrap();
        b.take(t0).unwrap();
        // Nothing for a while, then many at once: only the burst goes, the rest wait their turn.
        let later = t0 + Duration::from_secs(60);
        assert_eq!(b.take(later), Ok(()));
        assert_eq!(b.take(later), Ok(()));
        assert!(b.take(later).is_err());
        assert!(b.take(later + ms(99)).is_err());
        assert_eq!(b.take(later + ms(100)), Ok(()));
    }

    #[tokio::test]
    async fn buckets_are_per_region_except_for_global_services() {
        let limits = RateLimits::none()
            .with("rds", Rate::new(20.0, 1.0))
            .with("route53", Rate::new(20.0, 1.0));
        let limiter = RateLimiter::new(limits);
        let timed = |service: &'static str, region: &'static str| {
            let limiter = &limiter;
            async move {
                let t = Instant::now();
                limiter.acquire(service, region).await;
                t.elapsed()
            }
        };
        assert!(timed("rds", "us-east-1").await < ms(20));
        assert!(
            timed("rds", "us-east-2").await < ms(20),
            "another region's bucket"
        );
        assert!(
            timed("rds", "us-east-1").await >= ms(40),
            "the same bucket, empty"
        );
        assert!(timed("route53", "us-east-1").await < ms(20));
        assert!(
            timed("route53", "us-west-2").await >= ms(40),
            "Route 53 has one bucket per account"
        );
        // Unlisted services are not limited.
        for _ in 0..50 {
            assert!(timed("sts", "us-east-1").await < ms(20));
        }
        let stats = limiter.stats();
        assert_eq!((stats.requests, stats.delayed), (5, 2), "{stats:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_are_spaced_at_the_rate() {
        let limiter = Arc::new(RateLimiter::new(
            RateLimits::none().with("route53", Rate::new(20.0, 1.0)),
        ));
        let start = Instant::now();
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    limiter.acquire("route53", "us-east-1").await;
                    start.elapsed()
                })
            })
            .collect();
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap());
        }
        times.sort();
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= ms(45), "{times:?}");
        }
    }

    #[test]
    fn published_rates_stay_under_aws() {
        let limits = RateLimits::aws_published();
        let rds = limits.rate("rds").unwrap();
        assert!(rds.per_second < 12.0 && rds.burst <= 300.0);
        let r53 = limits.rate("route53").unwrap();
        assert!(r53.per_second < 5.0 && r53.burst <= 5.0);
        assert!(limits.rate("dynamodb").unwrap().per_second < 2500.0);
    }

    #[test]
    fn the_scope_comes_from_the_sigv4_credential() {
        let header = "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-2/rds/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(credential_scope(header), Some(("rds", "us-east-2")));
        assert_eq!(
            credential_scope("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/route53/aws4_request,SignedHeaders=host"),
            Some(("route53", "us-east-1"))
        );
        assert_eq!(credential_scope("Bearer token"), None);
        assert_eq!(credential_scope("AWS4-HMAC-SHA256 Credential=AKID/x"), None);
    }

    #[tokio::test]
    async fn the_client_waits_before_sending() {
        use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
        use aws_smithy_runtime_api::client::result::ConnectorError;

        #[derive(Debug)]
        struct Answer;
        impl HttpConnector for Answer {
            fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
                HttpConnectorFuture::ready(Ok::<HttpResponse, ConnectorError>(HttpResponse::new(
                    200u16.try_into().unwrap(),
                    aws_smithy_types::body::SdkBody::empty(),
                )))
            }
        }
        let limiter = Arc::new(RateLimiter::new(
            RateLimits::none().with("rds", Rate::new(20.0, 1.0)),
        ));
        let conn = RateLimitedConnector {
            inner: SharedHttpConnector::new(Answer),
            limiter: limiter.clone(),
        };
        let request = || {
            let mut r = HttpRequest::get("https://rds.us-east-1.amazonaws.com/").unwrap();
            r.headers_mut().insert(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/rds/aws4_request, Signature=x",
            );
            r
        };
        let start = Instant::now();
        for _ in 0..5 {
            conn.call(request()).await.unwrap();
        }
        // One at once, then four 50 ms apart.
        assert!(start.elapsed() >= ms(195), "{:?}", start.elapsed());
        assert_eq!(limiter.stats().requests, 5);
        assert_eq!(limiter.stats().delayed, 4);
        // An unsigned request (no scope) is never held.
        let unsigned = HttpRequest::get("http://169.254.169.254/").unwrap();
        let t = Instant::now();
        conn.call(unsigned).await.unwrap();
        assert!(t.elapsed() < ms(40));
    }
}
