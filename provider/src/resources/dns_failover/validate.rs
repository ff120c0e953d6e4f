//! Check: fills the defaults so that state and diffs are explicit, normalizes spellings that mean the
//! same thing (so they never cause a diff), and refuses what Route 53 would refuse, naming the
//! property. Works on [`Value`]s rather than typed inputs because during preview any input may be
//! unknown: a rule whose operands are not known yet is skipped, and no default replaces an unknown.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::check::Failures;
use crate::config::{is_known_region, ProviderConfig};
use crate::regions::Role;
use crate::resources::{CheckRequest, CheckResult};
use crate::tags::{check_tags, Tags};
use crate::value::{Object, Value};

use super::spec::{
    default_port, fqdn, normalize_name, normalize_zone_id, role_key, CHECKER_REGIONS, CHECK_TYPES,
    DEFAULT_CHECK_TYPE, DEFAULT_FAILURE_THRESHOLD, DEFAULT_RECORD_TYPE, DEFAULT_REQUEST_INTERVAL,
    DEFAULT_RESOURCE_PATH, DEFAULT_TTL, RECORD_TYPES,
};

/// An input as Check sees it.
enum Got<T> {
    Absent,
    Unknown,
    Known(T),
    Wrong,
}

impl<T> Got<T> {
    fn known(self) -> Option<T> {
        match self {
            Got::Known(t) => Some(t),
            _ => None,
        }
    }
}

fn got<'a, T>(v: Option<&'a Value>, pick: impl Fn(&'a Value) -> Option<T>) -> Got<T> {
    match v {
        None => Got::Absent,
        Some(v) if v.is_unknown() => Got::Unknown,
        Some(v) if v.is_null() => Got::Absent,
        Some(v) => pick(v.unwrap_secret()).map_or(Got::Wrong, Got::Known),
    }
}

/// Reads typed fields of one object, recording a failure for a value of the wrong type.
struct Fields<'a> {
    obj: &'a Object,
    prefix: &'a str,
}

impl<'a> Fields<'a> {
    fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    fn typed<T>(
        &self,
        key: &str,
        f: &mut Failures,
        what: &str,
        pick: impl Fn(&'a Value) -> Option<T>,
    ) -> Got<T> {
        let g = got(self.obj.get(key), pick);
        if let Got::Wrong = g {
            f.push(self.path(key), format!("must be {what}"));
        }
        g
    }

    fn str(&self, key: &str, f: &mut Failures) -> Got<&'a str> {
        self.typed(key, f, "a string", Value::as_str)
    }

    fn int(&self, key: &str, f: &mut Failures) -> Got<i64> {
        self.typed(key, f, "a whole number", |v| match v {
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Some(*n as i64),
            _ => None,
        })
    }

    fn bool(&self, key: &str, f: &mut Failures) {
        self.typed(key, f, "true or false", |v| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        });
    }

    fn obj(&self, key: &str, f: &mut Failures) -> Got<&'a Object> {
        self.typed(key, f, "an object", Value::as_object)
    }
}

/// The object inside any secret or known-output wrappers, mutably.
fn object_mut(v: &mut Value) -> Option<&mut Object> {
    match v {
        Value::Object(o) => Some(o),
        Value::Secret(inner) => object_mut(inner),
        Value::Output(o) => o.value.as_deref_mut().and_then(object_mut),
        _ => None,
    }
}

/// Rewrites a known string in place, keeping it secret if it was.
fn map_string(v: &mut Value, f: &impl Fn(&str) -> String) {
    match v {
        Value::String(s) => *s = f(s),
        Value::Secret(inner) => map_string(inner, f),
        Value::Output(o) => {
            if let Some(inner) = o.value.as_deref_mut() {
                map_string(inner, f);
            }
        }
        _ => {}
    }
}

fn set_default(obj: &mut Object, key: &str, value: impl FnOnce() -> Value) {
    if obj.get(key).is_none_or(|v| !v.is_unknown() && v.is_null()) {
        obj.insert(key.to_string(), value());
    }
}

fn known_str<'a>(obj: &'a Object, key: &str) -> Option<&'a str> {
    obj.get(key)
        .filter(|v| !v.is_unknown())
        .and_then(Value::as_str)
}

pub fn check(req: &CheckRequest<'_>) -> CheckResult {
    let mut f = Failures::default();
    let Some(news) = req.news.as_object() else {
        f.push("", "the inputs must be an object");
        return CheckResult {
            inputs: req.news.clone(),
            failures: f.into_vec(),
        };
    };
    let mut obj = news.clone();
    fill_defaults(&mut obj, req.config);
    normalize(&mut obj);
    validate(&obj, req.config, &mut f);
    // After validation, so that failures name the user's own list positions.
    sort_checker_regions(&mut obj);
    CheckResult {
        inputs: Value::Object(obj),
        failures: f.into_vec(),
    }
}

fn fill_defaults(obj: &mut Object, config: &ProviderConfig) {
    set_default(obj, "recordType", || DEFAULT_RECORD_TYPE.into());
    set_default(obj, "ttl", || Value::from(DEFAULT_TTL));
    set_default(obj, "activeRegion", || Role::Primary.as_str().into());
    for role in Role::BOTH {
        set_default(obj, &role_key(role, "Region"), || {
            config.regions.get(role).as_str().into()
        });
        if let Some(alias) = obj.get_mut(&role_key(role, "Alias")).and_then(object_mut) {
            set_default(alias, "evaluateTargetHealth", || true.into());
        }
    }
    set_default(obj, "healthCheck", || Value::Object(Object::new()));
    if let Some(hc) = obj.get_mut("healthCheck").and_then(object_mut) {
        set_default(hc, "type", || DEFAULT_CHECK_TYPE.into());
        let kind = known_str(hc, "type").map(str::to_ascii_uppercase);
        if let Some(kind) = kind.as_deref() {
            if let Some(port) = default_port(kind) {
                set_default(hc, "port", || Value::from(port));
            }
            if kind != "TCP" {
                set_default(hc, "resourcePath", || DEFAULT_RESOURCE_PATH.into());
            }
        }
        set_default(hc, "requestInterval", || {
            Value::from(DEFAULT_REQUEST_INTERVAL)
        });
        set_default(hc, "failureThreshold", || {
            Value::from(DEFAULT_FAILURE_THRESHOLD)
        });
        set_default(hc, "regions", || {
            Value::Array(CHECKER_REGIONS.iter().map(|r| Value::from(*r)).collect())
        });
        for flag in ["measureLatency", "inverted", "disabled"] {
            set_default(hc, flag, || false.into());
        }
    }
}

/// Spellings Route 53 treats as equal become one, so they never show as a change.
fn normalize(obj: &mut Object) {
    let upper = |s: &str| s.trim().to_ascii_uppercase();
    if let Some(v) = obj.get_mut("recordType") {
        map_string(v, &upper);
    }
    if let Some(v) = obj.get_mut("hostedZoneId") {
        map_string(v, &normalize_zone_id);
    }
    if let Some(v) = obj.get_mut("zoneName") {
        map_string(v, &normalize_name);
    }
    if let Some(hc) = obj.get_mut("healthCheck").and_then(object_mut) {
        if let Some(v) = hc.get_mut("type") {
            map_string(v, &upper);
        }
    }
}

/// Route 53 keeps checker regions as a set: ordered, a reordering is not a change.
fn sort_checker_regions(obj: &mut Object) {
    if let Some(Value::Array(items)) = obj
        .get_mut("healthCheck")
        .and_then(object_mut)
        .and_then(|hc| hc.get_mut("regions"))
    {
        if items.iter().all(|i| matches!(i, Value::String(_))) {
            items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
    }
}

fn validate(obj: &Object, config: &ProviderConfig, f: &mut Failures) {
    f.reject_unknown_keys(super::TOKEN, obj);
    let top = Fields { obj, prefix: "" };

    // The zone and the name.
    let zone_id = top.str("hostedZoneId", f);
    let zone_name = top.str("zoneName", f);
    if matches!(zone_id, Got::Absent) && matches!(zone_name, Got::Absent) {
        f.push(
            "hostedZoneId",
            "either hostedZoneId or zoneName is required",
        );
    }
    if let Got::Known(id) = zone_id {
        f.require(
            !id.is_empty() && id.len() <= 32 && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "hostedZoneId",
            || format!("'{id}' is not a hosted zone id (letters and digits, like Z0123456789ABC)"),
        );
    }
    let zone_name = zone_name.known();
    if let Some(z) = zone_name {
        if let Some(problem) = dns_name_problem(z, false) {
            f.push("zoneName", problem);
        }
    }
    let record_type = match top.str("recordType", f) {
        Got::Known(t) if RECORD_TYPES.contains(&t) => Some(t),
        Got::Known(t) => {
            f.push(
                "recordType",
                format!("'{t}' is not one of A, AAAA or CNAME"),
            );
            None
        }
        _ => None,
    };
    match top.str("recordName", f) {
        Got::Absent => f.push("recordName", "required"),
        Got::Known(name) => {
            if let Some(problem) = dns_name_problem(name.trim_end_matches('.'), true) {
                f.push("recordName", problem);
            } else if let Some(z) = zone_name {
                match fqdn(name, z) {
                    Err(problem) => f.push("recordName", problem),
                    Ok(full) if record_type == Some("CNAME") && full == normalize_name(z) => f.push(
                        "recordName",
                        "a CNAME record cannot be at the zone apex; use recordType A or AAAA with alias targets",
                    ),
                    Ok(_) => {}
                }
            }
        }
        _ => {}
    }

    match top.int("ttl", f) {
        Got::Known(ttl) if !(0..=2_147_483_647).contains(&ttl) => f.push(
            "ttl",
            format!("must be between 0 and 2147483647 seconds, got {ttl}"),
        ),
        _ => {}
    }

    // The regions and the two sides.
    let regions: Vec<Option<&str>> = Role::BOTH
        .iter()
        .map(|&role| {
            let key = role_key(role, "Region");
            let region = top.str(&key, f).known();
            if let Some(r) = region {
                f.require(is_known_region(r), &key, || {
                    format!("'{r}' is not an AWS region")
                });
            }
            region
        })
        .collect();
    if let [Some(p), Some(s)] = regions[..] {
        f.require(p != s, "secondaryRegion", || {
            format!("must differ from primaryRegion (both are '{p}')")
        });
    }
    match top.str("activeRegion", f) {
        Got::Known(a) if Role::parse(a).is_none() => {
            f.push("activeRegion", format!("'{a}' is not primary or secondary"))
        }
        _ => {}
    }

    let mut endpoints: Vec<(Role, String)> = Vec::new();
    for role in Role::BOTH {
        let alias = match top.obj(&role_key(role, "Alias"), f) {
            Got::Known(a) => {
                check_alias(role, a, f);
                Got::Known(())
            }
            Got::Unknown => Got::Unknown,
            _ => Got::Absent,
        };
        let key = role_key(role, "Endpoint");
        match top.str(&key, f) {
            Got::Absent => f.push(
                &key,
                "required: the endpoint this region's health check probes",
            ),
            Got::Known(e) => {
                if let Some(problem) = endpoint_problem(e, record_type, &alias) {
                    f.push(&key, problem);
                } else {
                    endpoints.push((role, e.trim_end_matches('.').to_ascii_lowercase()));
                }
            }
            _ => {}
        }
    }
    if let [(_, p), (_, s)] = &endpoints[..] {
        let same = match (p.parse::<IpAddr>(), s.parse::<IpAddr>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => p == s,
        };
        f.require(!same, "secondaryEndpoint", || {
            format!(
                "must differ from primaryEndpoint (both are '{p}'): failover needs two endpoints"
            )
        });
    }

    match top.obj("healthCheck", f) {
        Got::Known(hc) => check_health_check(hc, f),
        Got::Absent => f.push("healthCheck", "required"),
        _ => {}
    }

    if let Got::Known(tags) = top.obj("tags", f) {
        check_tag_map(tags, config, f);
    }
}

fn check_alias(role: Role, alias: &Object, f: &mut Failures) {
    let prefix = role_key(role, "Alias");
    let fields = Fields {
        obj: alias,
        prefix: &prefix,
    };
    match fields.str("dnsName", f) {
        Got::Absent => f.push(fields.path("dnsName"), "required"),
        Got::Known(n) => {
            if let Some(problem) = dns_name_problem(n.trim_end_matches('.'), false) {
                f.push(fields.path("dnsName"), problem);
            }
        }
        _ => {}
    }
    match fields.str("hostedZoneId", f) {
        Got::Absent => f.push(
            fields.path("hostedZoneId"),
            "required: the alias target's own hosted zone id",
        ),
        Got::Known(z) if z.is_empty() || !z.chars().all(|c| c.is_ascii_alphanumeric()) => f.push(
            fields.path("hostedZoneId"),
            format!("'{z}' is not a hosted zone id"),
        ),
        _ => {}
    }
    fields.bool("evaluateTargetHealth", f);
}

fn check_health_check(hc: &Object, f: &mut Failures) {
    let fields = Fields {
        obj: hc,
        prefix: "healthCheck",
    };
    let kind = match fields.str("type", f) {
        Got::Known(t) if CHECK_TYPES.contains(&t) => Some(t),
        Got::Known(t) => {
            f.push(
                "healthCheck.type",
                format!("'{t}' is not one of HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH or TCP"),
            );
            None
        }
        _ => None,
    };
    match fields.int("port", f) {
        Got::Known(p) if !(1..=65535).contains(&p) => f.push(
            "healthCheck.port",
            format!("must be between 1 and 65535, got {p}"),
        ),
        Got::Absent if kind == Some("TCP") => {
            f.push("healthCheck.port", "required for TCP health checks")
        }
        _ => {}
    }
    match fields.str("resourcePath", f) {
        Got::Known(_) if kind == Some("TCP") => f.push(
            "healthCheck.resourcePath",
            "TCP health checks request no path; remove resourcePath or use an HTTP(S) type",
        ),
        Got::Known(p) if !p.starts_with('/') || p.chars().count() > 255 => f.push(
            "healthCheck.resourcePath",
            format!("must start with '/' and be at most 255 characters, got '{p}'"),
        ),
        _ => {}
    }
    let str_match = kind.map(|k| k.ends_with("_STR_MATCH"));
    match (fields.str("searchString", f), str_match) {
        (Got::Absent, Some(true)) => f.push(
            "healthCheck.searchString",
            format!("required for {} health checks", kind.unwrap_or_default()),
        ),
        (Got::Known(_), Some(false)) => f.push(
            "healthCheck.searchString",
            "only HTTP_STR_MATCH and HTTPS_STR_MATCH health checks use a search string",
        ),
        (Got::Known(s), _) if s.is_empty() || s.chars().count() > 255 => f.push(
            "healthCheck.searchString",
            format!("must be 1-255 characters, got {}", s.chars().count()),
        ),
        _ => {}
    }
    if let Got::Known(i) = fields.int("requestInterval", f) {
        f.require(i == 10 || i == 30, "healthCheck.requestInterval", || {
            format!("must be 10 (fast) or 30 seconds, got {i}")
        });
    }
    if let Got::Known(t) = fields.int("failureThreshold", f) {
        f.require(
            (1..=10).contains(&t),
            "healthCheck.failureThreshold",
            || format!("must be between 1 and 10, got {t}"),
        );
    }
    match fields.typed("regions", f, "a list of region names", |v| match v {
        Value::Array(items) => Some(items),
        _ => None,
    }) {
        Got::Known(items) => {
            let mut seen = BTreeSet::new();
            for (i, item) in items.iter().enumerate() {
                if item.is_unknown() {
                    seen.insert(format!("unknown-{i}"));
                    continue;
                }
                let path = format!("healthCheck.regions[{i}]");
                match item.as_str() {
                    Some(r) if !CHECKER_REGIONS.contains(&r) => f.push(
                        path,
                        format!(
                            "'{r}' is not a Route 53 checker region ({})",
                            CHECKER_REGIONS.join(", ")
                        ),
                    ),
                    Some(r) if !seen.insert(r.to_string()) => {
                        f.push(path, format!("'{r}' is listed twice"))
                    }
                    Some(_) => {}
                    None => f.push(path, "must be a string"),
                }
            }
            f.require(items.len() >= 3, "healthCheck.regions", || {
                format!(
                    "at least 3 checker regions are required, got {}",
                    items.len()
                )
            });
        }
        Got::Absent => {}
        _ => {}
    }
    for flag in ["measureLatency", "inverted", "disabled"] {
        fields.bool(flag, f);
    }
}

fn check_tag_map(tags: &Object, config: &ProviderConfig, f: &mut Failures) {
    let mut own = Tags::new();
    for (k, v) in tags {
        match v.unwrap_secret() {
            Value::String(s) => {
                own.insert(k.clone(), s.clone());
            }
            _ if v.is_unknown() => {
                own.insert(k.clone(), String::new());
            }
            _ => f.push(format!("tags.{k}"), "must be a string"),
        }
    }
    check_tags("tags", &own, f);
    let mut merged = crate::tags::merge(&config.default_tags, &own);
    merged.entry("Name".into()).or_default();
    if merged.len() > 50 && own.len() <= 50 {
        f.push(
            "tags",
            format!(
                "with the provider's defaultTags and the Name tag the health checks would carry {} tags; Route 53 allows 50",
                merged.len()
            ),
        );
    }
}

/// Route 53's rules for names: 1-63 character labels of letters, digits, hyphens and underscores,
/// at most 253 characters; `*` only as the whole leftmost label (and only where a record name is
/// meant).
pub fn dns_name_problem(name: &str, wildcard_ok: bool) -> Option<String> {
    if name.is_empty() {
        return Some("must not be empty".into());
    }
    if name.len() > 253 {
        return Some(format!("'{name}' is longer than 253 characters"));
    }
    for (i, label) in name.split('.').enumerate() {
        if label.is_empty() {
            return Some(format!("'{name}' has an empty label"));
        }
        if label.len() > 63 {
            return Some(format!("'{name}' has a label longer than 63 characters"));
        }
        if label == "*" {
            if wildcard_ok && i == 0 {
                continue;
            }
            return Some(format!(
                "'{name}': '*' is allowed only as the leftmost label of a record name"
            ));
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Some(format!(
                "'{name}' contains '{bad}'; use letters, digits, '-' and '_'"
            ));
        }
    }
    None
}

/// An endpoint must fit its record (IPv4 for A, IPv6 for AAAA, a host name for CNAME) unless the
/// region points at an alias target, and Route 53 must be able to probe it.
fn endpoint_problem(endpoint: &str, record_type: Option<&str>, alias: &Got<()>) -> Option<String> {
    let ip = endpoint.parse::<IpAddr>().ok();
    if let Some(ip) = ip {
        if let Some(why) = unreachable_ip(ip) {
            return Some(format!(
                "Route 53 health checkers cannot probe '{endpoint}' ({why}); give a public address or a host name"
            ));
        }
    } else if let Some(problem) = dns_name_problem(endpoint.trim_end_matches('.'), false) {
        return Some(format!("must be an IP address or a host name: {problem}"));
    }
    if !matches!(alias, Got::Absent) {
        // With an alias target the endpoint is only what the health check probes.
        return None;
    }
    match (record_type, ip) {
        (Some("A"), Some(IpAddr::V4(_))) | (Some("AAAA"), Some(IpAddr::V6(_))) | (Some("CNAME"), None) => None,
        (Some("A"), _) => Some(format!("'{endpoint}' is not an IPv4 address, as an A record needs")),
        (Some("AAAA"), _) => Some(format!("'{endpoint}' is not an IPv6 address, as an AAAA record needs")),
        (Some("CNAME"), Some(_)) => Some(format!(
            "'{endpoint}' is an IP address; a CNAME record needs a host name (use recordType A or AAAA for addresses)"
        )),
        _ => None,
    }
}

/// Route 53 refuses health checks of local, private, non-routable and multicast addresses.
fn unreachable_ip(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_problem(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4_problem(v4);
            }
            v6_problem(v6)
        }
    }
}

fn v4_problem(ip: Ipv4Addr) -> Option<&'static str> {
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() || ip.octets()[0] == 100 && (ip.octets()[1] & 0xc0) == 64 {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_multicast() || ip.is_broadcast() {
        Some("multicast or broadcast")
    } else if ip.is_unspecified() || ip.octets()[0] == 0 {
        Some("unspecified")
    } else {
        None
    }
}

fn v6_problem(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a unique local (private) address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::UnknownKind;

    fn run(news: serde_json::Value) -> CheckResult {
        run_value(Value::from_json(&news))
    }

    fn run_value(news: Value) -> CheckResult {
        let config = ProviderConfig::default();
        check(&CheckRequest {
            urn: "urn:pulumi:dev::p::multiregion-dr:index:DnsFailover::api",
            name: "api",
            olds: &Value::Object(Object::new()),
            news: &news,
            random_seed: b"seed",
            config: &config,
        })
    }

    fn base() -> serde_json::Value {
        serde_json::json!({
            "zoneName": "example.com",
            "recordName": "api",
            "primaryEndpoint": "a.example.net",
            "secondaryEndpoint": "b.example.net",
        })
    }

    fn with(patch: serde_json::Value) -> serde_json::Value {
        let mut b = base();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    }

    /// The failures as `property: reason` lines, for readable assertion messages.
    fn failures(r: &CheckResult) -> Vec<String> {
        r.failures.iter().map(|f| f.to_string()).collect()
    }

    fn assert_refused(news: serde_json::Value, property: &str, reason_part: &str) {
        let r = run(news);
        assert!(
            r.failures
                .iter()
                .any(|f| f.property == property && f.reason.contains(reason_part)),
            "expected {property} ~ '{reason_part}', got {:?}",
            failures(&r)
        );
    }

    #[test]
    fn valid_inputs_get_explicit_defaults() {
        let r = run(base());
        assert!(r.failures.is_empty(), "{:?}", failures(&r));
        let out = r.inputs.to_plain_json();
        assert_eq!(out["recordType"], "CNAME");
        assert_eq!(out["ttl"], 60);
        assert_eq!(out["activeRegion"], "primary");
        assert_eq!(out["primaryRegion"], "us-east-1");
        assert_eq!(out["secondaryRegion"], "us-east-2");
        let hc = &out["healthCheck"];
        assert_eq!(hc["type"], "HTTPS");
        assert_eq!(hc["port"], 443);
        assert_eq!(hc["resourcePath"], "/");
        assert_eq!(hc["requestInterval"], 30);
        assert_eq!(hc["failureThreshold"], 3);
        assert_eq!(hc["regions"].as_array().unwrap().len(), 8);
        assert_eq!(hc["inverted"], false);
    }

    #[test]
    fn port_and_path_defaults_follow_the_type() {
        let r = run(with(serde_json::json!({"healthCheck": {"type": "http"}})));
        let hc = &r.inputs.to_plain_json()["healthCheck"];
        assert_eq!(hc["type"], "HTTP");
        assert_eq!(hc["port"], 80);
        let r = run(with(
            serde_json::json!({"healthCheck": {"type": "TCP", "port": 5432}}),
        ));
        assert!(r.failures.is_empty(), "{:?}", failures(&r));
        assert!(r.inputs.to_plain_json()["healthCheck"]
            .get("resourcePath")
            .is_none());
    }

    #[test]
    fn spellings_are_normalized() {
        let r = run(with(serde_json::json!({
            "hostedZoneId": "/hostedzone/Z0ABC",
            "zoneName": "Example.COM.",
            "recordType": "cname",
            "healthCheck": {"regions": ["us-west-2", "eu-west-1", "us-east-1"]},
        })));
        assert!(r.failures.is_empty(), "{:?}", failures(&r));
        let out = r.inputs.to_plain_json();
        assert_eq!(out["hostedZoneId"], "Z0ABC");
        assert_eq!(out["zoneName"], "example.com");
        assert_eq!(out["recordType"], "CNAME");
        assert_eq!(
            out["healthCheck"]["regions"],
            serde_json::json!(["eu-west-1", "us-east-1", "us-west-2"])
        );
    }

    #[test]
    fn the_zone_is_required_one_way_or_the_other() {
        let mut b = base();
        b.as_object_mut().unwrap().remove("zoneName");
        let r = run(b);
        assert!(
            failures(&r)
                .iter()
                .any(|f| f.starts_with("hostedZoneId: either")),
            "{:?}",
            failures(&r)
        );
        assert_refused(
            with(serde_json::json!({"hostedZoneId": "Z-1"})),
            "hostedZoneId",
            "not a hosted zone id",
        );
        assert_refused(
            with(serde_json::json!({"zoneName": "exa mple.com"})),
            "zoneName",
            "contains ' '",
        );
    }

    #[test]
    fn record_names_and_types() {
        assert_refused(
            with(serde_json::json!({"recordType": "MX"})),
            "recordType",
            "not one of A, AAAA or CNAME",
        );
        assert_refused(
            with(serde_json::json!({"recordName": "api..x"})),
            "recordName",
            "empty label",
        );
        assert_refused(
            with(serde_json::json!({"recordName": "a.*.x"})),
            "recordName",
            "leftmost",
        );
        assert_refused(
            with(serde_json::json!({"recordName": "api.other.org."})),
            "recordName",
            "not inside the hosted zone",
        );
        assert_refused(
            with(serde_json::json!({"recordName": "example.com"})),
            "recordName",
            "zone apex",
        );
        assert_refused(
            with(serde_json::json!({"recordName": format!("{}.api", "a".repeat(64))})),
            "recordName",
            "longer than 63",
        );
        let mut b = base();
        b.as_object_mut().unwrap().remove("recordName");
        assert_refused(b, "recordName", "required");
        assert!(run(with(serde_json::json!({"recordName": "*.api"})))
            .failures
            .is_empty());
    }

    #[test]
    fn endpoints_must_fit_the_record_type() {
        let a = |p: &str, s: &str| {
            with(
                serde_json::json!({"recordType": "A", "primaryEndpoint": p, "secondaryEndpoint": s}),
            )
        };
        assert!(run(a("198.51.100.1", "203.0.113.7")).failures.is_empty());
        assert_refused(
            a("a.example.net", "203.0.113.7"),
            "primaryEndpoint",
            "not an IPv4 address",
        );
        assert_refused(
            a("198.51.100.1", "2001:db8::1"),
            "secondaryEndpoint",
            "not an IPv4 address",
        );
        let aaaa = with(
            serde_json::json!({"recordType": "AAAA", "primaryEndpoint": "2001:db8::1", "secondaryEndpoint": "198.51.100.1"}),
        );
        assert_refused(aaaa, "secondaryEndpoint", "not an IPv6 address");
        assert_refused(
            with(serde_json::json!({"primaryEndpoint": "198.51.100.1"})),
            "primaryEndpoint",
            "a CNAME record needs a host name",
        );
        assert_refused(
            with(serde_json::json!({"primaryEndpoint": "bad_host!.example"})),
            "primaryEndpoint",
            "must be an IP address or a host name",
        );
        assert_refused(a("10.1.2.3", "203.0.113.7"), "primaryEndpoint", "private");
        assert_refused(
            a("198.51.100.1", "127.0.0.1"),
            "secondaryEndpoint",
            "loopback",
        );
        let mut b = base();
        b.as_object_mut().unwrap().remove("secondaryEndpoint");
        assert_refused(b, "secondaryEndpoint", "required");
    }

    #[test]
    fn endpoints_must_differ() {
        assert_refused(
            with(serde_json::json!({"secondaryEndpoint": "A.example.net."})),
            "secondaryEndpoint",
            "must differ from primaryEndpoint",
        );
        let v6 = with(
            serde_json::json!({"recordType": "AAAA", "primaryEndpoint": "2001:db8::1", "secondaryEndpoint": "2001:db8:0::1"}),
        );
        assert_refused(v6, "secondaryEndpoint", "must differ");
    }

    #[test]
    fn alias_targets_relax_the_address_rule_but_need_their_fields() {
        let alias = with(serde_json::json!({
            "recordType": "A",
            "primaryAlias": {"dnsName": "lb-1.us-east-1.elb.amazonaws.com", "hostedZoneId": "Z35SXDOTRQ7X7K"},
            "secondaryAlias": {"dnsName": "lb-2.us-east-2.elb.amazonaws.com", "hostedZoneId": "Z3AADJGX6KTTL2"},
        }));
        let r = run(alias);
        assert!(r.failures.is_empty(), "{:?}", failures(&r));
        assert_eq!(
            r.inputs.to_plain_json()["primaryAlias"]["evaluateTargetHealth"],
            true
        );
        assert_refused(
            with(serde_json::json!({"primaryAlias": {"dnsName": "lb.example.net"}})),
            "primaryAlias.hostedZoneId",
            "required",
        );
        assert_refused(
            with(serde_json::json!({"secondaryAlias": {"dnsName": "lb..x", "hostedZoneId": "Z1"}})),
            "secondaryAlias.dnsName",
            "empty label",
        );
    }

    #[test]
    fn ttl_range() {
        assert_refused(
            with(serde_json::json!({"ttl": -1})),
            "ttl",
            "between 0 and 2147483647",
        );
        assert_refused(
            with(serde_json::json!({"ttl": 2147483648i64})),
            "ttl",
            "between 0 and 2147483647",
        );
        assert_refused(with(serde_json::json!({"ttl": 1.5})), "ttl", "whole number");
        assert!(run(with(serde_json::json!({"ttl": 0}))).failures.is_empty());
    }

    #[test]
    fn health_check_rules_name_their_property() {
        let hc = |h: serde_json::Value| with(serde_json::json!({ "healthCheck": h }));
        assert_refused(
            hc(serde_json::json!({"type": "CALCULATED"})),
            "healthCheck.type",
            "not one of",
        );
        assert_refused(
            hc(serde_json::json!({"type": "TCP"})),
            "healthCheck.port",
            "required for TCP",
        );
        assert_refused(
            hc(serde_json::json!({"port": 0})),
            "healthCheck.port",
            "between 1 and 65535",
        );
        assert_refused(
            hc(serde_json::json!({"resourcePath": "health"})),
            "healthCheck.resourcePath",
            "start with '/'",
        );
        assert_refused(
            hc(serde_json::json!({"type": "TCP", "port": 22, "resourcePath": "/"})),
            "healthCheck.resourcePath",
            "TCP",
        );
        assert_refused(
            hc(serde_json::json!({"type": "HTTPS_STR_MATCH"})),
            "healthCheck.searchString",
            "required",
        );
        assert_refused(
            hc(serde_json::json!({"searchString": "ok"})),
            "healthCheck.searchString",
            "only",
        );
        assert_refused(
            hc(serde_json::json!({"type": "HTTP_STR_MATCH", "searchString": "x".repeat(256)})),
            "healthCheck.searchString",
            "1-255",
        );
        assert_refused(
            hc(serde_json::json!({"requestInterval": 20})),
            "healthCheck.requestInterval",
            "10 (fast) or 30",
        );
        assert_refused(
            hc(serde_json::json!({"failureThreshold": 11})),
            "healthCheck.failureThreshold",
            "between 1 and 10",
        );
        assert_refused(
            hc(serde_json::json!({"failureThreshold": 0})),
            "healthCheck.failureThreshold",
            "between 1 and 10",
        );
        assert_refused(
            hc(serde_json::json!({"regions": ["us-east-1", "us-west-1"]})),
            "healthCheck.regions",
            "at least 3",
        );
        assert_refused(
            hc(serde_json::json!({"regions": ["us-east-1", "us-west-1", "eu-central-1"]})),
            "healthCheck.regions[2]",
            "not a Route 53 checker region",
        );
        assert_refused(
            hc(serde_json::json!({"regions": ["us-east-1", "us-west-1", "us-east-1"]})),
            "healthCheck.regions[2]",
            "twice",
        );
        assert_refused(
            hc(serde_json::json!({"inverted": "yes"})),
            "healthCheck.inverted",
            "true or false",
        );
    }

    #[test]
    fn regions_and_active_region() {
        assert_refused(
            with(serde_json::json!({"activeRegion": "east"})),
            "activeRegion",
            "primary or secondary",
        );
        assert_refused(
            with(serde_json::json!({"primaryRegion": "us-middle-1"})),
            "primaryRegion",
            "not an AWS region",
        );
        assert_refused(
            with(serde_json::json!({"secondaryRegion": "us-east-1"})),
            "secondaryRegion",
            "must differ from primaryRegion",
        );
    }

    #[test]
    fn tags_follow_aws_rules() {
        assert_refused(
            with(serde_json::json!({"tags": {"aws:x": "1"}})),
            "tags.aws:x",
            "reserved",
        );
        let many: serde_json::Map<String, serde_json::Value> = (0..50)
            .map(|i| (format!("k{i}"), serde_json::json!("v")))
            .collect();
        assert_refused(
            with(serde_json::json!({ "tags": many })),
            "tags",
            "Route 53 allows 50",
        );
    }

    #[test]
    fn unknowns_skip_their_rules_and_keep_their_place() {
        let mut news = Value::from_json(&base());
        let obj = object_mut(&mut news).unwrap();
        obj.insert(
            "primaryEndpoint".into(),
            Value::Unknown(UnknownKind::String),
        );
        obj.insert("recordType".into(), Value::Unknown(UnknownKind::String));
        obj.insert(
            "healthCheck".into(),
            Value::object([("type", Value::Unknown(UnknownKind::String))]),
        );
        let r = run_value(news);
        assert!(r.failures.is_empty(), "{:?}", failures(&r));
        assert!(r.inputs.get("primaryEndpoint").unwrap().is_unknown());
        assert!(r.inputs.get("recordType").unwrap().is_unknown());
        let hc = r.inputs.get("healthCheck").unwrap();
        assert!(hc.get("type").unwrap().is_unknown());
        // The port's default depends on the type, which is not known yet.
        assert!(hc.get("port").is_none());
        assert_eq!(hc.get("failureThreshold"), Some(&Value::from(3i64)));
    }

    #[test]
    fn secrets_stay_secret_through_normalization() {
        let mut news = Value::from_json(&base());
        object_mut(&mut news)
            .unwrap()
            .insert("recordType".into(), Value::secret("a".into()));
        object_mut(&mut news)
            .unwrap()
            .insert("primaryEndpoint".into(), Value::from("198.51.100.1"));
        object_mut(&mut news)
            .unwrap()
            .insert("secondaryEndpoint".into(), Value::from("198.51.100.2"));
        let r = run_value(news);
        assert!(r.failures.is_empty(), "{:?}", failures(&r));
        let t = r.inputs.get("recordType").unwrap();
        assert!(t.is_secret());
        assert_eq!(t.as_str(), Some("A"));
    }
}
