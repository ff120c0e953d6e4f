//! The throttling storm (issue #11): 50 resources of each kind created at once through one provider
//! configuration, with the emulator limiting requests at AWS's published rates (RDS 12/s with a
//! burst of 300 per region, Route 53 5/s per account, DynamoDB's control plane 2,500/s, S3 3,500/s;
//! IAM publishes none). Run twice: without client-side rate limiting, where the SDK's retries meet
//! the Throttling answers, and with the provider's limiter, where every resource must be created and
//! Throttling answers stay rare. The figures of both runs are printed; everything is destroyed after
//! each run and nothing may be left.

mod reliability;

use std::time::{Duration, Instant};

use dr_test_support::{Emulator, RateLimit};
use multiregion_dr::context::Context;
use multiregion_dr::throttle::RateLimits;
use reliability::{objects, say, Driver, Kind};

const PER_KIND: usize = 50;

#[derive(Debug, Default)]
struct Figures {
    resources: usize,
    created: usize,
    failures: Vec<String>,
    calls: usize,
    throttled: usize,
    /// Throttling answers per service.
    by_service: std::collections::BTreeMap<String, usize>,
    wall: Duration,
    client_delayed: u64,
    client_waited: Duration,
}

async fn aws_rates(emu: &Emulator) {
    emu.set_rate_limits(&[
        ("rds", RateLimit::new(12.0, 300.0)),
        ("route53", RateLimit::new(5.0, 5.0)),
        ("dynamodb", RateLimit::new(2500.0, 2500.0)),
        ("s3", RateLimit::new(3500.0, 3500.0)),
    ])
    .await;
}

/// Creates 50 of each kind at once with `limits` on the client side, counts, then destroys all.
async fn storm(emu: &Emulator, limits: RateLimits) -> Figures {
    emu.reset().await;
    reliability::add_zone(emu).await;
    aws_rates(emu).await;
    // One provider configuration for all: one account, one limiter. SDK retries as configured by
    // default (maxRetries 5), a generous attempt timeout.
    let ctx = reliability::context(
        emu,
        5,
        reliability::options(Duration::from_secs(30), limits),
    );
    let started = Instant::now();
    let tasks: Vec<_> = Kind::ALL
        .into_iter()
        .flat_map(|k| (0..PER_KIND).map(move |n| (k, n)))
        .map(|(kind, n)| {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let mut d = Driver::new(kind, n);
                let r = d.up(&ctx, &kind.news(n, false)).await;
                (d, r)
            })
        })
        .collect();
    let mut drivers = Vec::new();
    let mut f = Figures {
        resources: tasks.len(),
        ..Figures::default()
    };
    for t in tasks {
        let (d, r) = t.await.expect("a create task panicked");
        match r {
            Ok(_) => f.created += 1,
            Err(e) => f.failures.push(format!("{} {}: {e}", d.kind.name(), d.n)),
        }
        drivers.push(d);
    }
    f.wall = started.elapsed();
    let calls = emu.calls().await;
    f.calls = calls.len();
    for c in calls
        .iter()
        .filter(|c| c.injected.as_deref() == Some("throttle"))
    {
        f.throttled += 1;
        *f.by_service.entry(c.service.clone()).or_insert(0) += 1;
    }
    let stats = ctx.clients.limiter().stats();
    f.client_delayed = stats.delayed;
    f.client_waited = stats.waited;

    // Clean up without limits on either side: what the run left is destroyed, nothing may remain.
    emu.clear_rate_limits().await;
    let cleaner = reliability::context(
        emu,
        5,
        reliability::options(Duration::from_secs(30), RateLimits::none()),
    );
    destroy_all(&cleaner, drivers).await;
    let left = objects(&emu.inventory().await);
    assert!(
        left.is_empty(),
        "the storm left {} objects: {left:?}",
        left.len()
    );
    f
}

async fn destroy_all(ctx: &Context, drivers: Vec<Driver>) {
    let tasks: Vec<_> = drivers
        .into_iter()
        .map(|mut d| {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let mut last = Ok(reliability::Step::Nothing);
                for _ in 0..3 {
                    last = d.destroy(&ctx).await;
                    if last.is_ok() {
                        break;
                    }
                }
                last.map_err(|e| format!("{} {}: {e}", d.kind.name(), d.n))
            })
        })
        .collect();
    let mut errors = Vec::new();
    for t in tasks {
        if let Err(e) = t.await.expect("a destroy task panicked") {
            errors.push(e);
        }
    }
    assert!(errors.is_empty(), "cleanup failed: {errors:#?}");
}

fn print(title: &str, f: &Figures) {
    say(format!(
        "throttling storm, {title}: {}/{} created in {:.1} s; {} AWS calls, {} answered Throttling ({:.1}%, by service {:?}); client-side waits: {} requests, {:.1} s in total",
        f.created,
        f.resources,
        f.wall.as_secs_f64(),
        f.calls,
        f.throttled,
        100.0 * f.throttled as f64 / f.calls.max(1) as f64,
        f.by_service,
        f.client_delayed,
        f.client_waited.as_secs_f64(),
    ));
    for e in f.failures.iter().take(8) {
        say(format!("  failed: {e}"));
    }
    if f.failures.len() > 8 {
        say(format!("  ... and {} more failures", f.failures.len() - 8));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_of_each_kind_at_aws_rates_all_succeed_with_few_throttles() {
    dr_test_support::static_credentials();
    // One run after the other, each against its own emulator (its own AWS account), the limited run
    // first: the SDK's retry quota is shared per service within a process, and the unlimited run
    // spends it.
    let (a, b) = futures::join!(Emulator::start(), Emulator::start());
    let started = Instant::now();
    let with = storm(&b, RateLimits::aws_published()).await;
    let without = storm(&a, RateLimits::none()).await;
    print("without client-side rate limiting", &without);
    print("with client-side rate limiting", &with);
    say(format!(
        "throttling storm: both runs and their cleanup took {:.0} s",
        started.elapsed().as_secs_f64()
    ));

    assert_eq!(
        with.created, with.resources,
        "with client-side limiting every resource is created: {:#?}",
        with.failures
    );
    assert!(
        with.client_delayed > 0,
        "the limiter held requests back: {with:?}"
    );
    // "Low": at most 2% of the calls, and fewer than without the limiter (where the SDK's retry
    // quota runs out and creates fail, so that count is a floor, not a measure of the storm).
    assert!(
        with.throttled * 50 <= with.calls,
        "{} of {} calls were throttled with client-side limiting",
        with.throttled,
        with.calls
    );
    assert!(
        with.throttled < without.throttled,
        "client-side limiting must cut Throttling answers (with {}, without {})",
        with.throttled,
        without.throttled
    );
}
