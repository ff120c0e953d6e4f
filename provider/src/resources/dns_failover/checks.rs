//! Health check configurations: built from the settings and one side's endpoint, read back for drift,
//! and compared to decide between nothing, UpdateHealthCheck and a new check.

use std::net::IpAddr;

use aws_sdk_route53::types::{HealthCheckConfig, HealthCheckRegion, HealthCheckType};

use crate::error::ProviderError;

use super::spec::{all_checker_regions, immutable_key, HealthCheckSettings};

/// What the health check of one endpoint should be.
pub fn desired_config(
    settings: &HealthCheckSettings,
    endpoint: &str,
) -> Result<HealthCheckConfig, ProviderError> {
    let endpoint = endpoint.trim_end_matches('.');
    let ip = endpoint.parse::<IpAddr>().is_ok();
    let mut b = HealthCheckConfig::builder()
        .r#type(HealthCheckType::from(settings.kind.as_str()))
        .request_interval(settings.request_interval as i32)
        .failure_threshold(settings.failure_threshold as i32)
        .measure_latency(settings.measure_latency)
        .inverted(settings.inverted)
        .disabled(settings.disabled)
        .set_regions(Some(
            settings
                .regions
                .iter()
                .map(|r| HealthCheckRegion::from(r.as_str()))
                .collect(),
        ))
        .set_port(settings.effective_port().map(|p| p as i32));
    b = if ip {
        b.ip_address(endpoint)
    } else {
        // SNI lets an HTTPS endpoint behind a shared address present the right certificate.
        b.fully_qualified_domain_name(endpoint)
            .enable_sni(settings.is_https())
    };
    if !settings.is_tcp() {
        b = b.set_resource_path(settings.resource_path.clone());
    }
    if settings.is_str_match() {
        b = b.set_search_string(settings.search_string.clone());
    }
    b.build()
        .map_err(|e| ProviderError::Internal(format!("building a health check configuration: {e}")))
}

/// The endpoint a check probes: its address, or its host name when it has none.
pub fn endpoint_of(cfg: &HealthCheckConfig) -> Option<String> {
    cfg.ip_address()
        .or(cfg.fully_qualified_domain_name())
        .map(|e| e.trim_end_matches('.').to_string())
}

/// The settings a check has, in the schema's terms.
pub fn settings_of(cfg: &HealthCheckConfig) -> HealthCheckSettings {
    let mut regions: Vec<String> = cfg
        .regions()
        .iter()
        .map(|r| r.as_str().to_string())
        .collect();
    if regions.is_empty() {
        // Route 53 uses every checker region when none were chosen.
        regions = all_checker_regions();
    }
    regions.sort();
    let kind = cfg.r#type().as_str().to_string();
    let tcp = kind == "TCP";
    let str_match = kind.ends_with("_STR_MATCH");
    HealthCheckSettings {
        port: cfg.port().map(i64::from),
        resource_path: cfg.resource_path().filter(|_| !tcp).map(str::to_string),
        search_string: cfg
            .search_string()
            .filter(|_| str_match)
            .map(str::to_string),
        request_interval: cfg.request_interval().map_or(30, i64::from),
        failure_threshold: cfg.failure_threshold().map_or(3, i64::from),
        regions,
        measure_latency: cfg.measure_latency().unwrap_or(false),
        inverted: cfg.inverted().unwrap_or(false),
        disabled: cfg.disabled().unwrap_or(false),
        kind,
    }
}

/// See [`immutable_key`]: equal keys mean the check can be updated in place.
pub fn immutable_of(cfg: &HealthCheckConfig) -> String {
    immutable_key(&settings_of(cfg), &endpoint_of(cfg).unwrap_or_default())
}

/// Whether UpdateHealthCheck has anything to do.
pub fn needs_update(actual: &HealthCheckConfig, desired: &HealthCheckConfig) -> bool {
    let (a, d) = (settings_of(actual), settings_of(desired));
    a != d
        || endpoint_of(actual) != endpoint_of(desired)
        || actual.enable_sni().unwrap_or(false) != desired.enable_sni().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_round_trip_to_settings() {
        let s = HealthCheckSettings {
            kind: "HTTPS_STR_MATCH".into(),
            port: Some(8443),
            resource_path: Some("/health".into()),
            search_string: Some("ok".into()),
            regions: vec!["eu-west-1".into(), "us-east-1".into(), "us-west-2".into()],
            ..HealthCheckSettings::default()
        };
        let cfg = desired_config(&s, "a.example.net.").unwrap();
        assert_eq!(settings_of(&cfg), s);
        assert_eq!(endpoint_of(&cfg).as_deref(), Some("a.example.net"));
        assert_eq!(cfg.enable_sni(), Some(true));
        assert!(!needs_update(
            &cfg,
            &desired_config(&s, "a.example.net").unwrap()
        ));
    }

    #[test]
    fn tcp_and_address_checks_carry_no_path_or_host_name() {
        let s = HealthCheckSettings {
            kind: "TCP".into(),
            port: Some(5432),
            resource_path: Some("/".into()),
            ..HealthCheckSettings::default()
        };
        let cfg = desired_config(&s, "198.51.100.1").unwrap();
        assert_eq!(cfg.resource_path(), None);
        assert_eq!(cfg.ip_address(), Some("198.51.100.1"));
        assert_eq!(cfg.fully_qualified_domain_name(), None);
    }

    #[test]
    fn mutable_and_immutable_changes_are_told_apart() {
        let s = HealthCheckSettings::default();
        let cfg = desired_config(&s, "a.example.net").unwrap();
        let threshold = desired_config(
            &HealthCheckSettings {
                failure_threshold: 5,
                ..s.clone()
            },
            "a.example.net",
        )
        .unwrap();
        assert!(needs_update(&cfg, &threshold));
        assert_eq!(immutable_of(&cfg), immutable_of(&threshold));
        let moved = desired_config(&s, "c.example.net").unwrap();
        assert!(needs_update(&cfg, &moved));
        assert_eq!(immutable_of(&cfg), immutable_of(&moved));
        let http = desired_config(
            &HealthCheckSettings {
                kind: "HTTP".into(),
                port: None,
                ..s.clone()
            },
            "a.example.net",
        )
        .unwrap();
        assert_ne!(immutable_of(&cfg), immutable_of(&http));
        let fast = desired_config(
            &HealthCheckSettings {
                request_interval: 10,
                ..s.clone()
            },
            "a.example.net",
        )
        .unwrap();
        assert_ne!(immutable_of(&cfg), immutable_of(&fast));
    }
}
