//! GlobalTable inputs: the typed shape decoded from checked [`Value`]s, the defaults Check fills in,
//! and what the rest of the module derives from them (regions, tags, per-region KMS keys).

use serde::{Deserialize, Serialize};

use crate::config::ProviderConfig;
use crate::naming;
use crate::regions::{Regions, Role};
use crate::tags::{self, Tags};
use crate::value::{Object, Value};

pub const TOKEN: &str = "multiregion-dr:index:GlobalTable";

pub const PAY_PER_REQUEST: &str = "PAY_PER_REQUEST";
pub const PROVISIONED: &str = "PROVISIONED";
pub const BILLING_MODES: [&str; 2] = [PAY_PER_REQUEST, PROVISIONED];
pub const ATTRIBUTE_TYPES: [&str; 3] = ["S", "N", "B"];
pub const PROJECTION_ALL: &str = "ALL";
pub const PROJECTION_INCLUDE: &str = "INCLUDE";
pub const PROJECTION_TYPES: [&str; 3] = [PROJECTION_ALL, "KEYS_ONLY", PROJECTION_INCLUDE];
/// DynamoDB's default quota of global secondary indexes per table.
pub const MAX_INDEXES: usize = 20;
/// Summed over every index; the same attribute projected into two indexes counts twice.
pub const MAX_PROJECTED_ATTRIBUTES: usize = 100;
/// Table and index names: 3-255 of `[a-zA-Z0-9_.-]`.
pub const MAX_NAME: usize = 255;
pub const MIN_NAME: usize = 3;
/// Replication of version 2019.11.21 reads the table's stream, which must carry both images.
pub const STREAM_VIEW_TYPE: &str = "NEW_AND_OLD_IMAGES";
pub const GLOBAL_TABLE_VERSION: &str = "2019.11.21";

pub const DEFAULT_POINT_IN_TIME_RECOVERY: bool = true;
pub const DEFAULT_DELETION_PROTECTION: bool = false;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Index {
    pub name: String,
    pub hash_key: String,
    pub range_key: Option<String>,
    pub projection_type: Option<String>,
    pub non_key_attributes: Option<Vec<String>>,
    pub read_capacity: Option<i64>,
    pub write_capacity: Option<i64>,
}

impl Index {
    pub fn projection(&self) -> &str {
        self.projection_type.as_deref().unwrap_or(PROJECTION_ALL)
    }

    pub fn non_key(&self) -> &[String] {
        self.non_key_attributes.as_deref().unwrap_or_default()
    }

    /// What DynamoDB cannot change on an existing index: a change means delete and create again.
    pub fn same_shape(&self, other: &Index) -> bool {
        let sorted = |i: &Index| {
            let mut v = i.non_key().to_vec();
            v.sort();
            v
        };
        self.name == other.name
            && self.hash_key == other.hash_key
            && self.range_key == other.range_key
            && self.projection() == other.projection()
            && sorted(self) == sorted(other)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Encryption {
    pub enabled: bool,
    pub primary_kms_key_arn: Option<String>,
    pub secondary_kms_key_arn: Option<String>,
}

impl Encryption {
    pub fn key(&self, role: Role) -> Option<&str> {
        match role {
            Role::Primary => self.primary_kms_key_arn.as_deref(),
            Role::Secondary => self.secondary_kms_key_arn.as_deref(),
        }
    }

    pub fn key_property(role: Role) -> String {
        format!("serverSideEncryption.{}KmsKeyArn", role.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Inputs {
    pub name: Option<String>,
    pub hash_key: String,
    pub range_key: Option<String>,
    pub attributes: Vec<Attribute>,
    pub global_secondary_indexes: Option<Vec<Index>>,
    pub billing_mode: Option<String>,
    pub read_capacity: Option<i64>,
    pub write_capacity: Option<i64>,
    pub point_in_time_recovery: Option<bool>,
    pub ttl_attribute: Option<String>,
    pub server_side_encryption: Option<Encryption>,
    pub deletion_protection: Option<bool>,
    pub tags: Option<Tags>,
    pub primary_region: Option<String>,
    pub secondary_region: Option<String>,
}

impl Inputs {
    /// Decodes checked inputs: secrets unwrapped, unknowns (preview) left out.
    pub fn decode(v: &Value) -> Result<Inputs, String> {
        v.decode_known()
            .map_err(|e| format!("invalid GlobalTable inputs: {e}"))
    }

    pub fn to_value(&self) -> Value {
        Value::from_json(&serde_json::to_value(self).expect("plain struct")).without_nulls()
    }

    pub fn table_name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// The region the inputs name for a role (Check fills it from the provider's configuration).
    pub fn region_input(&self, role: Role) -> Option<&str> {
        match role {
            Role::Primary => self.primary_region.as_deref(),
            Role::Secondary => self.secondary_region.as_deref(),
        }
    }

    pub fn regions(&self, config: &ProviderConfig) -> Regions<String> {
        Regions::from_fn(|role| {
            self.region_input(role)
                .map_or_else(|| config.regions.get(role).clone(), str::to_string)
        })
    }

    pub fn indexes(&self) -> &[Index] {
        self.global_secondary_indexes.as_deref().unwrap_or_default()
    }

    pub fn billing(&self) -> &str {
        self.billing_mode.as_deref().unwrap_or(PAY_PER_REQUEST)
    }

    pub fn is_provisioned(&self) -> bool {
        self.billing() == PROVISIONED
    }

    pub fn point_in_time_recovery(&self) -> bool {
        self.point_in_time_recovery
            .unwrap_or(DEFAULT_POINT_IN_TIME_RECOVERY)
    }

    pub fn deletion_protection(&self) -> bool {
        self.deletion_protection
            .unwrap_or(DEFAULT_DELETION_PROTECTION)
    }

    pub fn encryption(&self) -> Encryption {
        self.server_side_encryption.clone().unwrap_or_default()
    }

    /// The customer managed key of one region's replica (`None`: AWS's own or AWS-managed key).
    pub fn kms_key(&self, role: Role) -> Option<String> {
        let sse = self.encryption();
        sse.enabled
            .then(|| sse.key(role).map(str::to_string))
            .flatten()
    }

    pub fn tags(&self, config: &ProviderConfig) -> Tags {
        tags::merge(&config.default_tags, &self.tags.clone().unwrap_or_default())
    }

    pub fn attribute_type(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.kind.as_str())
    }

    /// The table's key attributes with their types: what cannot change without a new table.
    pub fn key_types(&self) -> Vec<(String, Option<String>)> {
        std::iter::once(&self.hash_key)
            .chain(self.range_key.as_ref())
            .map(|k| (k.clone(), self.attribute_type(k).map(str::to_string)))
            .collect()
    }
}

fn sort_by_name(list: &mut Value) {
    let Value::Array(items) = list else {
        return;
    };
    let name = |v: &Value| v.get("name").and_then(Value::as_str).map(str::to_string);
    // Only a fully known list is reordered; during preview an unknown item keeps its place.
    if items.iter().all(|v| name(v).is_some()) {
        items.sort_by_key(|v| name(v).unwrap_or_default());
    }
}

fn set_default(obj: &mut Object, key: &str, value: impl FnOnce() -> Value) {
    if obj.get(key).is_none_or(|v| !v.is_unknown() && v.is_null()) {
        obj.insert(key.to_string(), value());
    }
}

/// Fills the defaults that make state and diffs explicit and puts attributes and indexes in name
/// order (DynamoDB keeps no order, so a reordering in the program is no change). Every given value
/// is kept as it came, unknowns included.
pub fn with_defaults(
    news: &Value,
    olds: &Value,
    name: &str,
    seed: &[u8],
    config: &ProviderConfig,
) -> Value {
    in_name_order(with_defaults_in_given_order(news, olds, name, seed, config))
}

/// Attributes and indexes in name order.
pub fn in_name_order(mut inputs: Value) -> Value {
    if let Value::Object(obj) = &mut inputs {
        for key in ["attributes", "globalSecondaryIndexes"] {
            if let Some(list) = obj.get_mut(key) {
                sort_by_name(list);
            }
        }
    }
    inputs
}

/// The defaults of [`with_defaults`] with the lists in the program's order: what Check judges, so that
/// a failure's `attributes[i]` is the program's i-th attribute.
pub fn with_defaults_in_given_order(
    news: &Value,
    olds: &Value,
    name: &str,
    seed: &[u8],
    config: &ProviderConfig,
) -> Value {
    let mut obj = news.as_object().cloned().unwrap_or_default();
    set_default(&mut obj, "name", || {
        olds.get("name")
            .filter(|v| v.as_str().is_some())
            .cloned()
            .unwrap_or_else(|| Value::from(naming::derived_identifier(name, seed, MAX_NAME)))
    });
    crate::schema::fill_defaults(TOKEN, &mut obj);
    for role in Role::BOTH {
        set_default(&mut obj, &format!("{role}Region"), || {
            Value::from(config.regions.get(role).clone())
        });
    }
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use std::collections::BTreeSet;

    fn keys_of(v: serde_json::Value) -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }

    fn type_keys(name: &str) -> BTreeSet<String> {
        keys_of(
            schema::parsed()["types"][format!("multiregion-dr:index:{name}")]["properties"].clone(),
        )
    }

    /// schema.json is the contract: the typed inputs and their object types are exactly its properties.
    #[test]
    fn typed_inputs_match_the_schema() {
        let typed = keys_of(serde_json::to_value(Inputs::default()).unwrap());
        assert_eq!(typed, schema::input_properties(TOKEN));
        assert_eq!(
            keys_of(serde_json::to_value(Attribute::default()).unwrap()),
            type_keys("GlobalTableAttribute")
        );
        assert_eq!(
            keys_of(serde_json::to_value(Index::default()).unwrap()),
            type_keys("GlobalTableIndex")
        );
        assert_eq!(
            keys_of(serde_json::to_value(Encryption::default()).unwrap()),
            type_keys("GlobalTableEncryption")
        );
    }

    #[test]
    fn the_defaults_check_fills_are_the_schemas() {
        let props = &schema::parsed()["resources"][TOKEN]["inputProperties"];
        assert_eq!(props["billingMode"]["default"], PAY_PER_REQUEST);
        assert_eq!(
            props["pointInTimeRecovery"]["default"],
            DEFAULT_POINT_IN_TIME_RECOVERY
        );
        assert_eq!(
            props["deletionProtection"]["default"],
            DEFAULT_DELETION_PROTECTION
        );
        assert_eq!(
            schema::parsed()["types"]["multiregion-dr:index:GlobalTableIndex"]["properties"]
                ["projectionType"]["default"],
            PROJECTION_ALL
        );
    }

    #[test]
    fn defaults_keep_the_old_name_and_sort_lists() {
        let cfg = ProviderConfig::default();
        let news = Value::from_json(&serde_json::json!({
            "hashKey": "pk",
            "attributes": [{"name": "sk", "type": "N"}, {"name": "pk", "type": "S"}],
            "globalSecondaryIndexes": [{"name": "b", "hashKey": "sk"}, {"name": "a", "hashKey": "sk"}],
        }));
        let v = with_defaults(&news, &Value::Null, "Orders", b"seed", &cfg);
        let t = Inputs::decode(&v).unwrap();
        assert!(t.table_name().starts_with("orders-"), "{}", t.table_name());
        assert_eq!(t.attributes[0].name, "pk");
        assert_eq!(t.indexes()[0].name, "a");
        assert_eq!(t.indexes()[1].projection(), PROJECTION_ALL);
        assert_eq!(t.regions(&cfg), cfg.regions);
        let olds = Value::object([("name", Value::from("kept"))]);
        let again = with_defaults(&news, &olds, "Orders", b"other", &cfg);
        assert_eq!(again.get("name").and_then(Value::as_str), Some("kept"));
    }

    #[test]
    fn kms_keys_count_only_when_encryption_is_enabled() {
        let mut t = Inputs {
            server_side_encryption: Some(Encryption {
                enabled: false,
                primary_kms_key_arn: Some("k1".into()),
                secondary_kms_key_arn: None,
            }),
            ..Inputs::default()
        };
        assert_eq!(t.kms_key(Role::Primary), None);
        t.server_side_encryption.as_mut().unwrap().enabled = true;
        assert_eq!(t.kms_key(Role::Primary).as_deref(), Some("k1"));
        assert_eq!(t.kms_key(Role::Secondary), None);
    }
}
