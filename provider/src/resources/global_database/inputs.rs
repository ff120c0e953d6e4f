//! GlobalDatabase inputs: the typed shape, the defaults Check fills in, and the rules Check enforces.

use std::collections::BTreeMap;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::check::Failures;
use crate::config::{is_known_region, ProviderConfig};
use crate::naming;
use crate::regions::{Regions, Role};
use crate::tags::{self, Tags};
use crate::value::Value;

pub const TOKEN: &str = "multiregion-dr:index:GlobalDatabase";
pub const ENGINES: [&str; 2] = ["aurora-postgresql", "aurora-mysql"];
/// Leaves room for `-<region>-<n>` on cluster and instance identifiers (63 characters at most).
pub const MAX_GLOBAL_ID: usize = 45;
pub const MAX_INSTANCES: i64 = 15;
pub const SERVERLESS_CLASS: &str = "db.serverless";
/// The replication lag a switchover accepts unless told otherwise: writes pause about this long.
pub const DEFAULT_MAX_LAG_SECONDS: f64 = 30.0;
pub const MAX_LAG_LIMIT_SECONDS: f64 = 3600.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionSettings {
    pub instance_count: Option<i64>,
    pub db_subnet_group_name: Option<String>,
    pub vpc_security_group_ids: Option<Vec<String>>,
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerlessV2 {
    pub min_capacity: f64,
    pub max_capacity: f64,
}

impl ServerlessV2 {
    pub fn to_rds(self) -> aws_sdk_rds::types::ServerlessV2ScalingConfiguration {
        aws_sdk_rds::types::ServerlessV2ScalingConfiguration::builder()
            .min_capacity(self.min_capacity)
            .max_capacity(self.max_capacity)
            .build()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Inputs {
    pub global_cluster_identifier: Option<String>,
    pub engine: String,
    pub engine_version: Option<String>,
    pub database_name: Option<String>,
    pub master_username: String,
    pub master_password: String,
    pub instance_class: Option<String>,
    pub serverless_v2: Option<ServerlessV2>,
    pub primary: Option<RegionSettings>,
    pub secondary: Option<RegionSettings>,
    pub backup_retention_period: Option<i64>,
    pub preferred_backup_window: Option<String>,
    pub deletion_protection: Option<bool>,
    pub skip_final_snapshot: Option<bool>,
    pub final_snapshot_identifier: Option<String>,
    pub storage_encrypted: Option<bool>,
    pub tags: Option<Tags>,
    pub primary_region: Option<String>,
    pub secondary_region: Option<String>,
    /// Which side writes: `primary` or `secondary`. Changing it moves the writer.
    pub active_region: Option<String>,
    /// Moving the writer is an unplanned failover (FailoverGlobalCluster with AllowDataLoss) instead
    /// of a switchover.
    pub allow_data_loss: Option<bool>,
    pub max_replication_lag_seconds: Option<f64>,
}

impl Inputs {
    /// Decodes checked inputs: secrets unwrapped, unknowns (preview) left out.
    pub fn decode(v: &Value) -> Result<Inputs, String> {
        v.decode_known()
            .map_err(|e| format!("invalid GlobalDatabase inputs: {e}"))
    }

    pub fn global_id(&self) -> &str {
        self.global_cluster_identifier
            .as_deref()
            .unwrap_or_default()
    }

    pub fn regions(&self, config: &ProviderConfig) -> Regions<String> {
        Regions::new(
            self.primary_region
                .clone()
                .unwrap_or_else(|| config.regions.primary.clone()),
            self.secondary_region
                .clone()
                .unwrap_or_else(|| config.regions.secondary.clone()),
        )
    }

    pub fn settings(&self, role: Role) -> RegionSettings {
        match role {
            Role::Primary => self.primary.clone(),
            Role::Secondary => self.secondary.clone(),
        }
        .unwrap_or_default()
    }

    /// The side that should write; `Check` has made it `primary` or `secondary`.
    pub fn active_role(&self) -> Role {
        self.active_region
            .as_deref()
            .and_then(Role::parse)
            .unwrap_or(Role::Primary)
    }

    pub fn max_lag(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(
            self.max_replication_lag_seconds
                .unwrap_or(DEFAULT_MAX_LAG_SECONDS)
                .clamp(0.0, MAX_LAG_LIMIT_SECONDS),
        )
    }

    pub fn instance_count(&self, role: Role) -> i64 {
        self.settings(role).instance_count.unwrap_or(1)
    }

    pub fn instance_class(&self) -> &str {
        match (&self.instance_class, &self.serverless_v2) {
            (Some(class), _) => class,
            (None, _) => SERVERLESS_CLASS,
        }
    }

    pub fn tags(&self, config: &ProviderConfig) -> Tags {
        tags::merge(&config.default_tags, &self.tags.clone().unwrap_or_default())
    }
}

/// Identifier of the regional cluster: unique across regions, as AWS requires.
pub fn cluster_id(global_id: &str, region: &str) -> String {
    format!("{global_id}-{region}")
}

pub fn instance_id(cluster_id: &str, n: i64) -> String {
    format!("{cluster_id}-{n}")
}

/// Fills the defaults that make state and diffs explicit, keeping every given value (and its
/// secret marking) as it came.
pub fn with_defaults(
    news: &Value,
    olds: &Value,
    name: &str,
    seed: &[u8],
    config: &ProviderConfig,
) -> Value {
    let mut obj = news.as_object().cloned().unwrap_or_default();
    let mut default = |key: &str, v: Value| {
        obj.entry(key.to_string()).or_insert(v);
    };
    let id = olds
        .get("globalClusterIdentifier")
        .filter(|v| v.as_str().is_some())
        .cloned()
        .unwrap_or_else(|| Value::from(naming::derived_identifier(name, seed, MAX_GLOBAL_ID)));
    default("globalClusterIdentifier", id);
    default("primaryRegion", Value::from(config.regions.primary.clone()));
    default(
        "secondaryRegion",
        Value::from(config.regions.secondary.clone()),
    );
    default("activeRegion", Value::from(Role::Primary.as_str()));
    default("allowDataLoss", Value::from(false));
    default(
        "maxReplicationLagSeconds",
        Value::from(DEFAULT_MAX_LAG_SECONDS),
    );
    default("backupRetentionPeriod", Value::from(7i64));
    default("deletionProtection", Value::from(false));
    default("skipFinalSnapshot", Value::from(false));
    default("storageEncrypted", Value::from(true));
    for role in Role::BOTH {
        let key = role.as_str();
        match obj.get_mut(key) {
            Some(Value::Object(settings)) => {
                settings
                    .entry("instanceCount".into())
                    .or_insert(Value::from(1i64));
            }
            Some(_) => {}
            None => {
                obj.insert(
                    key.into(),
                    Value::object([("instanceCount", Value::from(1i64))]),
                );
            }
        }
    }
    Value::Object(obj)
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static pattern")
}

/// Checks the inputs. `known(key)` tells whether a top-level input is known: rules on unknown values
/// (preview) wait until they are known.
pub fn check(inputs: &Value, failures: &mut Failures) {
    let obj = inputs.as_object().cloned().unwrap_or_default();
    let allowed = crate::schema::input_properties(TOKEN);
    failures.reject_unknown_keys(TOKEN, &obj);
    let known = |key: &str| obj.get(key).is_some_and(|v| !v.contains_unknowns());
    failures.require_present(&obj, &["engine", "masterUsername", "masterPassword"]);
    let typed = match Inputs::decode(inputs) {
        Ok(t) => t,
        Err(e) => {
            // A wrong type somewhere: serde does not say where, so each known key is decoded alone.
            let known_keys = obj
                .iter()
                .filter(|(k, _)| allowed.contains(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let named = failures.name_wrong_types(&known_keys, |alone| {
                Inputs::decode(alone).map(|_| ()).map_err(|e| {
                    e.trim_start_matches("invalid GlobalDatabase inputs: ")
                        .to_string()
                })
            });
            if !named {
                failures.push("inputs", e);
            }
            return;
        }
    };
    // Present but empty: AWS refuses these, and the rules below only judge non-empty values.
    for key in ["engine", "masterUsername", "masterPassword"] {
        if known(key) && obj.get(key).and_then(Value::as_str) == Some("") {
            failures.push(key, "must not be empty");
        }
    }

    if known("engine") && !typed.engine.is_empty() && !ENGINES.contains(&typed.engine.as_str()) {
        failures.push(
            "engine",
            format!(
                "must be one of {}, got '{}'",
                ENGINES.join(", "),
                typed.engine
            ),
        );
    }
    if let (true, Some(v)) = (
        known("engineVersion") && known("engine"),
        &typed.engine_version,
    ) {
        let (ok, example) = match typed.engine.as_str() {
            "aurora-mysql" => (
                re(r"^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$").is_match(v),
                "8.0.mysql_aurora.3.08.0",
            ),
            _ => (re(r"^\d+(\.\d+){0,2}$").is_match(v), "16.4"),
        };
        failures.require(ok, "engineVersion", || {
            format!(
                "'{v}' is not a {} version (for example {example})",
                typed.engine
            )
        });
    }
    if let (true, Some(id)) = (
        known("globalClusterIdentifier"),
        &typed.global_cluster_identifier,
    ) {
        if let Some(problem) = naming::rds_identifier_problem(id, MAX_GLOBAL_ID) {
            failures.push(
                "globalClusterIdentifier",
                format!("{problem} (at most {MAX_GLOBAL_ID} characters leave room for '-<region>-<n>' on cluster and instance identifiers)"),
            );
        }
    }
    if known("masterUsername") && !typed.master_username.is_empty() {
        let max = if typed.engine == "aurora-mysql" {
            16
        } else {
            63
        };
        failures.require(
            re(r"^[A-Za-z][A-Za-z0-9_]*$").is_match(&typed.master_username)
                && typed.master_username.len() <= max,
            "masterUsername",
            || format!("must be 1-{max} letters, digits or underscores, starting with a letter"),
        );
    }
    if known("masterPassword") && !typed.master_password.is_empty() {
        // The reason never quotes the password: it is a secret.
        let pw = &typed.master_password;
        let len = pw.chars().count();
        if !(8..=128).contains(&len) {
            failures.push(
                "masterPassword",
                format!("must be 8-128 characters, got {len}"),
            );
        }
        if let Some(bad) = pw.chars().find(|c| !c.is_ascii() || c.is_ascii_control()) {
            let what = if bad.is_ascii() {
                "a control character".to_string()
            } else {
                "a non-ASCII character".to_string()
            };
            failures.push(
                "masterPassword",
                format!("must be printable ASCII; it contains {what}"),
            );
        }
        for (c, name) in [('/', "/"), ('"', "\""), ('@', "@"), (' ', "a space")] {
            if pw.contains(c) {
                failures.push(
                    "masterPassword",
                    format!("must not contain {name} (AWS forbids / \" @ and spaces)"),
                );
            }
        }
    }
    if let (true, Some(name)) = (known("databaseName"), &typed.database_name) {
        let max = if typed.engine == "aurora-mysql" {
            64
        } else {
            63
        };
        failures.require(
            re(r"^[A-Za-z][A-Za-z0-9_]*$").is_match(name) && name.len() <= max,
            "databaseName",
            || format!("must be 1-{max} letters, digits or underscores, starting with a letter"),
        );
    }
    match (&typed.instance_class, &typed.serverless_v2) {
        (Some(_), Some(_)) if known("instanceClass") => failures.push(
            "serverlessV2",
            "cannot be combined with instanceClass: Serverless v2 instances use the db.serverless class",
        ),
        (None, None) if !obj.contains_key("instanceClass") && !obj.contains_key("serverlessV2") => failures.push(
            "instanceClass",
            "set instanceClass (for example db.r6g.large) or serverlessV2 capacity",
        ),
        (Some(class), None) if known("instanceClass") => {
            if class == SERVERLESS_CLASS {
                failures.push("instanceClass", "db.serverless needs serverlessV2 capacity: set serverlessV2 instead");
            } else {
                failures.require(re(r"^db\.[a-z0-9-]+\.[a-z0-9]+$").is_match(class), "instanceClass", || {
                    format!("'{class}' is not a DB instance class (for example db.r6g.large)")
                });
            }
        }
        _ => {}
    }
    if let (true, Some(sv2)) = (known("serverlessV2"), typed.serverless_v2) {
        let half_step = |x: f64| (x * 2.0).fract() == 0.0;
        failures.require(
            (0.0..=256.0).contains(&sv2.min_capacity) && half_step(sv2.min_capacity),
            "serverlessV2.minCapacity",
            || {
                format!(
                    "must be 0 to 256 ACU in steps of 0.5, got {}",
                    sv2.min_capacity
                )
            },
        );
        failures.require(
            (1.0..=256.0).contains(&sv2.max_capacity) && half_step(sv2.max_capacity),
            "serverlessV2.maxCapacity",
            || {
                format!(
                    "must be 1 to 256 ACU in steps of 0.5, got {}",
                    sv2.max_capacity
                )
            },
        );
        failures.require(
            sv2.max_capacity >= sv2.min_capacity,
            "serverlessV2.maxCapacity",
            || format!("must not be less than minCapacity ({})", sv2.min_capacity),
        );
    }
    for role in Role::BOTH {
        if !known(role.as_str()) {
            continue;
        }
        let settings = typed.settings(role);
        let min = if role == Role::Primary { 1 } else { 0 };
        if let Some(n) = settings.instance_count {
            failures.require(
                (min..=MAX_INSTANCES).contains(&n),
                &format!("{role}.instanceCount"),
                || format!("must be {min} to {MAX_INSTANCES}, got {n}"),
            );
        }
        for (i, sg) in settings.vpc_security_group_ids.iter().flatten().enumerate() {
            failures.require(
                re(r"^sg-[0-9a-f]{8,17}$").is_match(sg),
                &format!("{role}.vpcSecurityGroupIds[{i}]"),
                || {
                    format!(
                        "'{sg}' is not a security group ID (sg- followed by 8 or 17 hex digits)"
                    )
                },
            );
        }
        if let Some(key) = &settings.kms_key_id {
            failures.require(!key.trim().is_empty(), &format!("{role}.kmsKeyId"), || {
                "must not be empty".into()
            });
        }
    }
    if let Some(days) = typed
        .backup_retention_period
        .filter(|_| known("backupRetentionPeriod"))
    {
        failures.require((1..=35).contains(&days), "backupRetentionPeriod", || {
            format!("must be 1 to 35 days, got {days}")
        });
    }
    if let (true, Some(window)) = (
        known("preferredBackupWindow"),
        &typed.preferred_backup_window,
    ) {
        if let Some(problem) = backup_window_rule(window) {
            failures.push("preferredBackupWindow", problem);
        }
    }
    if let (true, Some(id)) = (
        known("finalSnapshotIdentifier"),
        &typed.final_snapshot_identifier,
    ) {
        if let Some(problem) = naming::rds_identifier_problem(id, 255) {
            failures.push("finalSnapshotIdentifier", problem);
        }
    }
    let region_keys = [
        ("primaryRegion", &typed.primary_region),
        ("secondaryRegion", &typed.secondary_region),
    ];
    for (key, region) in region_keys {
        if let (true, Some(r)) = (known(key), region) {
            failures.require(is_known_region(r), key, || {
                format!("'{r}' is not an AWS region name")
            });
        }
    }
    if known("primaryRegion")
        && known("secondaryRegion")
        && typed.primary_region.is_some()
        && typed.primary_region == typed.secondary_region
    {
        failures.push(
            "secondaryRegion",
            "must differ from primaryRegion: a global database spans two regions",
        );
    }
    if let (true, Some(t)) = (known("tags"), &typed.tags) {
        tags::check_tags("tags", t, failures);
    }
    if let (true, Some(active)) = (known("activeRegion"), &typed.active_region) {
        failures.require(Role::parse(active).is_some(), "activeRegion", || {
            format!(
                "'{active}' is not primary or secondary (the side that writes, not a region name)"
            )
        });
    }
    if let (true, Some(lag)) = (
        known("maxReplicationLagSeconds"),
        typed.max_replication_lag_seconds,
    ) {
        failures.require(
            lag > 0.0 && lag <= MAX_LAG_LIMIT_SECONDS,
            "maxReplicationLagSeconds",
            || {
                format!(
                    "must be more than 0 and at most {MAX_LAG_LIMIT_SECONDS} seconds, got {lag}"
                )
            },
        );
    }
}

/// `hh24:mi-hh24:mi` in UTC, lasting at least 30 minutes (it may wrap past midnight).
pub fn backup_window_rule(window: &str) -> Option<String> {
    let Some(caps) = re(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$").captures(window)
    else {
        return Some(format!(
            "'{window}' is not hh24:mi-hh24:mi in UTC (for example 03:00-04:00)"
        ));
    };
    let minutes = |h: usize, m: usize| -> i64 {
        caps[h].parse::<i64>().unwrap_or(0) * 60 + caps[m].parse::<i64>().unwrap_or(0)
    };
    let length = (minutes(3, 4) - minutes(1, 2)).rem_euclid(24 * 60);
    (length < 30).then(|| format!("'{window}' must last at least 30 minutes"))
}

/// Tags as the RDS API wants them.
pub fn rds_tags(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_rds::types::Tag> {
    tags.iter()
        .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of(v: serde_json::Value) -> std::collections::BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn typed_inputs_match_the_schema() {
        let typed = keys_of(serde_json::to_value(Inputs::default()).unwrap());
        assert_eq!(typed, crate::schema::input_properties(TOKEN));
        let settings = keys_of(serde_json::to_value(RegionSettings::default()).unwrap());
        let schema_settings = keys_of(
            crate::schema::parsed()["types"]["multiregion-dr:index:RegionSettings"]["properties"]
                .clone(),
        );
        assert_eq!(settings, schema_settings);
    }

    #[test]
    fn backup_windows() {
        assert_eq!(backup_window_rule("03:00-04:00"), None);
        assert_eq!(backup_window_rule("23:45-00:15"), None);
        assert!(backup_window_rule("03:00-03:29")
            .unwrap()
            .contains("30 minutes"));
        assert!(backup_window_rule("3:00-4:00").unwrap().contains("hh24:mi"));
    }
}
