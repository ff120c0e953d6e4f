//! The Route 53 rules of readiness: would DNS follow the writer? Each region's health check must be
//! healthy as its checkers see it, and both failover records that `DnsFailover` makes must be in the
//! hosted zone.
//!
//! A Route 53 call that fails makes its rule fail with the error as the reason: readiness that
//! cannot be established is not readiness, and the other rules' answers are still worth having.
//! Only Cancel ends the evaluation with an error.

use aws_sdk_route53::types::{HealthCheck, ResourceRecordSet};
use aws_sdk_route53::Client;

use super::Check;
use crate::aws::ROUTE53_REGION;
use crate::context::Context;
use crate::error::{self, ProviderError};
use crate::regions::{Regions, Role};
use crate::resources::dns_failover::{api, spec};

pub const HEALTH_CHECK: &str = "healthCheck";
pub const RECORDS_PRESENT: &str = "recordsPresent";

/// Route 53 counts an endpoint healthy when more than this share of its checkers report it healthy.
const HEALTHY_SHARE: f64 = 0.18;

/// What to judge. A region without a health check id has no `healthCheck` rule; without `records`
/// there is no `recordsPresent` rule.
pub struct DnsTarget<'a> {
    pub regions: &'a Regions<String>,
    pub health_check_ids: Regions<Option<&'a str>>,
    pub records: Option<RecordsTarget<'a>>,
}

/// The failover records of one name, as `DnsFailover` names them.
pub struct RecordsTarget<'a> {
    pub hosted_zone_id: &'a str,
    pub fqdn: &'a str,
    pub record_type: &'a str,
}

/// Rules: `healthCheck` (per region), `recordsPresent`. Errors only when cancelled.
pub async fn checks(ctx: &Context, t: &DnsTarget<'_>) -> Result<Vec<Check>, ProviderError> {
    let r53 = &ctx.aws().await.route53;
    let per_region =
        Regions::from_fn(|role| (t.regions.get(role).as_str(), *t.health_check_ids.get(role)));
    let health = per_region.join(|_, (region, id)| async move {
        match id {
            Some(id) => Some(health_check(ctx, r53, region, id).await),
            None => None,
        }
    });
    let records = async {
        match &t.records {
            Some(target) => Some(records_present(ctx, r53, t, target).await),
            None => None,
        }
    };
    let (health, records) = futures::join!(health, records);
    [health.primary, health.secondary, records]
        .into_iter()
        .flatten()
        .collect()
}

/// The rule's failure when AWS could not answer; `Err` only for Cancel.
fn unjudged(
    name: &str,
    region: Option<&str>,
    what: &str,
    e: ProviderError,
) -> Result<Check, ProviderError> {
    match e {
        ProviderError::Cancelled(_) => Err(e),
        ProviderError::Timeout { seconds, .. } => Ok(Check::fail(
            name,
            region,
            format!("could not {what}: no answer from Route 53 within {seconds}s"),
        )),
        other => Ok(Check::fail(
            name,
            region,
            format!("could not {what}: {other}"),
        )),
    }
}

/// One region's health check: its configuration (inverted, disabled) and what its checkers report.
async fn health_check(
    ctx: &Context,
    r53: &Client,
    region: &str,
    id: &str,
) -> Result<Check, ProviderError> {
    let status = ctx.call("reading a health check's status", async {
        r53.get_health_check_status()
            .health_check_id(id)
            .send()
            .await
            .map_err(|e| error::aws(ROUTE53_REGION, "GetHealthCheckStatus", e))
    });
    let (config, status) = futures::join!(api::get_check(ctx, r53, id), status);
    let missing = || {
        Ok(Check::fail(
            HEALTH_CHECK,
            Some(region),
            format!("health check {id} does not exist (NoSuchHealthCheck)"),
        ))
    };
    let config = match config {
        Ok(Some(hc)) => hc,
        Ok(None) => return missing(),
        Err(e) => {
            return unjudged(
                HEALTH_CHECK,
                Some(region),
                &format!("read health check {id}"),
                e,
            )
        }
    };
    let observations = match status {
        Ok(out) => out
            .health_check_observations()
            .iter()
            .map(|o| Observation {
                checker: o
                    .region()
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_default(),
                status: o
                    .status_report()
                    .and_then(|s| s.status())
                    .unwrap_or_default()
                    .to_string(),
            })
            .collect::<Vec<_>>(),
        Err(e) if e.is_code("NoSuchHealthCheck") => return missing(),
        Err(e) => {
            return unjudged(
                HEALTH_CHECK,
                Some(region),
                &format!("read the status of health check {id}"),
                e,
            )
        }
    };
    let (passed, reason) = judge_health(id, &Settings::of(&config), &observations);
    Ok(Check::new(HEALTH_CHECK, Some(region), passed, reason))
}

/// What of a health check's configuration changes what Route 53 makes of its checkers' reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Settings {
    inverted: bool,
    disabled: bool,
}

impl Settings {
    fn of(hc: &HealthCheck) -> Settings {
        let cfg = hc.health_check_config();
        Settings {
            inverted: cfg.and_then(|c| c.inverted()).unwrap_or(false),
            disabled: cfg.and_then(|c| c.disabled()).unwrap_or(false),
        }
    }
}

/// One checker's latest report.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Observation {
    /// The checker's region, e.g. `eu-west-1`.
    checker: String,
    /// Route 53's status text, `Success: ...` or `Failure: ...`.
    status: String,
}

impl Observation {
    fn healthy(&self) -> bool {
        self.status.starts_with("Success")
    }
}

/// Pass when the checkers report the endpoint healthy as Route 53 counts it (more than 18% of them)
/// and the check is not inverted. A disabled check is judged by its checkers too: Route 53 counts it
/// healthy whatever they report, which sends traffic to an endpoint that may be down.
fn judge_health(id: &str, settings: &Settings, observations: &[Observation]) -> (bool, String) {
    let total = observations.len();
    if total == 0 {
        return (
            false,
            format!("health check {id}: no checker has reported yet (Route 53 counts a new check healthy until they do)"),
        );
    }
    let healthy = observations.iter().filter(|o| o.healthy()).count();
    let checkers_healthy = healthy as f64 > HEALTHY_SHARE * total as f64;
    let tally = format!("{healthy} of {total} checkers report healthy");
    let sample = match observations
        .iter()
        .find(|o| o.healthy() == checkers_healthy)
    {
        Some(o) if checkers_healthy => o.status.clone(),
        Some(o) => format!("{}: {}", o.checker, o.status),
        None => String::new(),
    };
    match (checkers_healthy, settings.inverted, settings.disabled) {
        (false, _, true) => (
            false,
            format!("health check {id}: {tally} ({sample}); it is disabled, so Route 53 still counts it healthy and answers with this region"),
        ),
        (false, _, false) => (
            false,
            format!("health check {id}: {tally}, Route 53 needs more than 18% ({sample})"),
        ),
        (true, true, _) => (
            false,
            format!("health check {id} is inverted: Route 53 counts it unhealthy while {tally} ({sample})"),
        ),
        (true, false, true) => (
            true,
            format!("health check {id}: {tally} ({sample}); it is disabled, so Route 53 would count it healthy even if they did not"),
        ),
        (true, false, false) => (true, format!("health check {id}: {tally} ({sample})")),
    }
}

async fn records_present(
    ctx: &Context,
    r53: &Client,
    t: &DnsTarget<'_>,
    target: &RecordsTarget<'_>,
) -> Result<Check, ProviderError> {
    let zone = spec::normalize_zone_id(target.hosted_zone_id);
    let fqdn = spec::normalize_name(target.fqdn);
    let record_type = target.record_type.to_ascii_uppercase();
    let what = format!("{fqdn} {record_type} in hosted zone {zone}");
    let listed = match api::list_records(ctx, r53, &zone, &fqdn, &record_type).await {
        Ok(Some(records)) => records,
        Ok(None) => {
            return Ok(Check::fail(
                RECORDS_PRESENT,
                None,
                format!("hosted zone {zone} does not exist (NoSuchHostedZone)"),
            ))
        }
        Err(e) => {
            return unjudged(
                RECORDS_PRESENT,
                None,
                &format!("list the records of {what}"),
                e,
            )
        }
    };
    let listed: Vec<Listed> = listed.iter().map(Listed::of).collect();
    let problems = judge_records(&fqdn, &record_type, t.regions, &t.health_check_ids, &listed);
    Ok(if problems.is_empty() {
        let roles = Role::BOTH
            .iter()
            .map(|&role| {
                let region = t.regions.get(role);
                let set_id = spec::set_identifier(&fqdn, &record_type, region);
                let failover = listed
                    .iter()
                    .find(|r| r.set_identifier.as_deref() == Some(set_id.as_str()))
                    .and_then(|r| r.failover.clone())
                    .unwrap_or_default();
                format!("{failover} in {region}")
            })
            .collect::<Vec<_>>()
            .join(" and ");
        Check::pass(
            RECORDS_PRESENT,
            None,
            format!("{what}: {roles}, each with its health check"),
        )
    } else {
        Check::fail(
            RECORDS_PRESENT,
            None,
            format!("{what}: {}", problems.join("; ")),
        )
    })
}

/// A listed record, as far as this rule looks at it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listed {
    set_identifier: Option<String>,
    failover: Option<String>,
    health_check_id: Option<String>,
}

impl Listed {
    fn of(r: &ResourceRecordSet) -> Listed {
        Listed {
            set_identifier: r.set_identifier().map(str::to_string),
            failover: r.failover().map(|f| f.as_str().to_string()),
            health_check_id: r.health_check_id().map(str::to_string),
        }
    }
}

/// What is wrong with the records of the name and type: each region needs the record `DnsFailover`
/// makes for it (set identifier naming the region), one PRIMARY and one SECONDARY, each with a health
/// check, and the given health check where one was given. Empty when all is well.
fn judge_records(
    fqdn: &str,
    record_type: &str,
    regions: &Regions<String>,
    check_ids: &Regions<Option<&str>>,
    listed: &[Listed],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut roles = Vec::new();
    for (role, region) in regions.iter() {
        let set_id = spec::set_identifier(fqdn, record_type, region);
        let Some(record) = listed
            .iter()
            .find(|r| r.set_identifier.as_deref() == Some(set_id.as_str()))
        else {
            problems.push(format!(
                "no failover record for {region} (set identifier {set_id})"
            ));
            continue;
        };
        match &record.failover {
            Some(f) => roles.push(f.clone()),
            None => problems.push(format!(
                "the record of {region} ({set_id}) has no failover role"
            )),
        }
        match (&record.health_check_id, check_ids.get(role)) {
            (None, _) => problems.push(format!(
                "the record of {region} ({set_id}) has no health check: Route 53 would answer with it even when its endpoint is down"
            )),
            (Some(have), Some(want)) if have != want => problems.push(format!(
                "the record of {region} ({set_id}) uses health check {have}, not {want}"
            )),
            _ => {}
        }
    }
    if let [a, b] = &roles[..] {
        if a == b {
            problems.push(format!(
                "both records are {a}: one must be PRIMARY and the other SECONDARY"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(statuses: &[&str]) -> Vec<Observation> {
        statuses
            .iter()
            .enumerate()
            .map(|(i, s)| Observation {
                checker: format!("checker-{i}"),
                status: s.to_string(),
            })
            .collect()
    }

    const OK: &str = "Success: HTTP Status Code 200, OK";
    const DOWN: &str = "Failure: Connection timed out.";

    #[test]
    fn healthy_checkers_pass_and_say_so() {
        let (passed, reason) = judge_health("hc-1", &Settings::default(), &obs(&[OK, OK, OK]));
        assert!(passed, "{reason}");
        assert_eq!(
            reason,
            format!("health check hc-1: 3 of 3 checkers report healthy ({OK})")
        );
    }

    #[test]
    fn route53s_threshold_is_more_than_18_percent() {
        // 1 of 6 is 16.7%: unhealthy; 2 of 8 is 25%: healthy.
        let (passed, reason) = judge_health(
            "hc-1",
            &Settings::default(),
            &obs(&[DOWN, DOWN, OK, DOWN, DOWN, DOWN]),
        );
        assert!(!passed);
        assert!(
            reason.contains("1 of 6 checkers report healthy"),
            "{reason}"
        );
        assert!(
            reason.contains("checker-0: Failure: Connection timed out."),
            "{reason}"
        );
        let mut eight = vec![DOWN; 6];
        eight.extend([OK, OK]);
        assert!(judge_health("hc-1", &Settings::default(), &obs(&eight)).0);
    }

    #[test]
    fn inverted_and_disabled_checks_are_judged_as_route53_counts_them() {
        let inverted = Settings {
            inverted: true,
            disabled: false,
        };
        let (passed, reason) = judge_health("hc-1", &inverted, &obs(&[OK, OK, OK]));
        assert!(!passed);
        assert!(reason.contains("is inverted"), "{reason}");
        let disabled = Settings {
            inverted: false,
            disabled: true,
        };
        let (passed, reason) = judge_health("hc-1", &disabled, &obs(&[DOWN, DOWN, DOWN]));
        assert!(!passed);
        assert!(
            reason.contains("disabled, so Route 53 still counts it healthy"),
            "{reason}"
        );
        assert!(judge_health("hc-1", &disabled, &obs(&[OK, OK, OK])).0);
    }

    #[test]
    fn no_reports_yet_is_not_ready() {
        let (passed, reason) = judge_health("hc-1", &Settings::default(), &[]);
        assert!(!passed);
        assert!(reason.contains("no checker has reported yet"), "{reason}");
    }

    fn regions() -> Regions<String> {
        Regions::new("us-east-1".to_string(), "us-east-2".to_string())
    }

    fn record(region: &str, failover: &str, check: &str) -> Listed {
        Listed {
            set_identifier: Some(spec::set_identifier("api.example.com", "CNAME", region)),
            failover: Some(failover.to_string()),
            health_check_id: Some(check.to_string()),
        }
    }

    #[test]
    fn both_records_as_dns_failover_makes_them_pass() {
        let listed = [
            record("us-east-1", "PRIMARY", "hc-p"),
            record("us-east-2", "SECONDARY", "hc-s"),
        ];
        let ids = Regions::new(Some("hc-p"), Some("hc-s"));
        assert!(judge_records("api.example.com", "CNAME", &regions(), &ids, &listed).is_empty());
        // After activeRegion moved, the roles are swapped: still both present.
        let swapped = [
            record("us-east-1", "SECONDARY", "hc-p"),
            record("us-east-2", "PRIMARY", "hc-s"),
        ];
        let none = Regions::new(None, None);
        assert!(judge_records("api.example.com", "CNAME", &regions(), &none, &swapped).is_empty());
    }

    #[test]
    fn a_missing_record_a_doubled_role_and_a_foreign_check_fail() {
        let ids = Regions::new(Some("hc-p"), Some("hc-s"));
        let only_primary = [record("us-east-1", "PRIMARY", "hc-p")];
        let problems = judge_records("api.example.com", "CNAME", &regions(), &ids, &only_primary);
        assert_eq!(
            problems,
            ["no failover record for us-east-2 (set identifier api.example.com-cname-us-east-2)"]
        );
        let doubled = [
            record("us-east-1", "PRIMARY", "hc-p"),
            record("us-east-2", "PRIMARY", "hc-x"),
        ];
        let problems = judge_records("api.example.com", "CNAME", &regions(), &ids, &doubled);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("uses health check hc-x, not hc-s"),
            "{problems:?}"
        );
        assert!(
            problems[1].contains("both records are PRIMARY"),
            "{problems:?}"
        );
        // A record of another type or region pair is not ours.
        let other_type = [Listed {
            set_identifier: Some(spec::set_identifier("api.example.com", "A", "us-east-1")),
            ..record("us-east-1", "PRIMARY", "hc-p")
        }];
        assert_eq!(
            judge_records("api.example.com", "CNAME", &regions(), &ids, &other_type).len(),
            2
        );
    }
}
