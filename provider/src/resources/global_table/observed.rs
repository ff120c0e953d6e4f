//! What DynamoDB has in both regions, read concurrently, and what follows from it: the outputs, and
//! the inputs as AWS has them (for refresh, import and partial failures).
//!
//! Settings fall in two kinds, as DynamoDB synchronizes them: key schema, indexes, billing, TTL and
//! the encryption type are the table's and are read from the region that holds it (the primary
//! unless only the secondary is left); point-in-time recovery, deletion protection, tags and the KMS
//! key are each replica's own and are read in both regions.

use aws_sdk_dynamodb::types::{KeyType, ProvisionedThroughputDescription, TableDescription};
use serde::{Deserialize, Serialize};

use super::dynamo::{self, Side};
use super::inputs::{Attribute, Encryption, Index, Inputs, PROVISIONED};
use crate::config::ProviderConfig;
use crate::context::Context;
use crate::error::Result;
use crate::regions::{Regions, Role};
use crate::tags::Tags;
use crate::value::Value;

/// The outputs AWS decides, beside the inputs the state echoes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Outputs {
    pub table_name: Option<String>,
    pub primary_table_arn: Option<String>,
    pub secondary_table_arn: Option<String>,
    pub primary_stream_arn: Option<String>,
    pub secondary_stream_arn: Option<String>,
    pub primary_replica: Option<ReplicaState>,
    pub secondary_replica: Option<ReplicaState>,
    pub global_table_version: Option<String>,
}

/// One region's part of the outputs.
pub struct RegionOutputs<'a> {
    pub table_arn: &'a mut Option<String>,
    pub stream_arn: &'a mut Option<String>,
    pub replica: &'a mut Option<ReplicaState>,
}

impl Outputs {
    pub fn region(&mut self, role: Role) -> RegionOutputs<'_> {
        match role {
            Role::Primary => RegionOutputs {
                table_arn: &mut self.primary_table_arn,
                stream_arn: &mut self.primary_stream_arn,
                replica: &mut self.primary_replica,
            },
            Role::Secondary => RegionOutputs {
                table_arn: &mut self.secondary_table_arn,
                stream_arn: &mut self.secondary_stream_arn,
                replica: &mut self.secondary_replica,
            },
        }
    }

    pub fn table_arn(&self, role: Role) -> Option<&str> {
        match role {
            Role::Primary => self.primary_table_arn.as_deref(),
            Role::Secondary => self.secondary_table_arn.as_deref(),
        }
    }
}

/// What one region's replica reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaState {
    pub region: String,
    pub table_status: Option<String>,
    pub replica_status: Option<String>,
    pub point_in_time_recovery: bool,
    pub deletion_protection: bool,
    pub kms_key_arn: Option<String>,
}

/// One region's table and its per-replica settings.
#[derive(Debug, Clone)]
pub struct RegionView {
    pub table: TableDescription,
    pub point_in_time_recovery: bool,
    pub tags: Tags,
}

#[derive(Debug, Clone)]
pub struct Observed {
    pub regions: Regions<String>,
    pub views: Regions<Option<RegionView>>,
    /// The TTL attribute of the table in the source region (a synchronized setting).
    pub ttl: Option<String>,
}

async fn view(ctx: &Context, side: &Side, name: &str) -> Result<Option<RegionView>> {
    let Some(table) = dynamo::describe(ctx, side, name).await? else {
        return Ok(None);
    };
    let arn = table.table_arn().unwrap_or_default().to_string();
    let (pitr, tags) = futures::join!(
        dynamo::point_in_time_recovery(ctx, side, name),
        dynamo::list_tags(ctx, side, &arn)
    );
    Ok(Some(RegionView {
        table,
        point_in_time_recovery: pitr?.unwrap_or(false),
        tags: tags?,
    }))
}

impl Observed {
    pub async fn read(ctx: &Context, sides: &Regions<Side>, name: &str) -> Result<Observed> {
        let views = sides
            .as_ref()
            .try_join(|_, side| view(ctx, side, name))
            .await?;
        let mut observed = Observed {
            regions: sides.as_ref().map(|_, s| s.region.clone()),
            views,
            ttl: None,
        };
        if let Some(source) = observed.source() {
            observed.ttl = dynamo::time_to_live(ctx, sides.get(source), name).await?;
        }
        Ok(observed)
    }

    pub fn table(&self, role: Role) -> Option<&TableDescription> {
        self.views.get(role).as_ref().map(|v| &v.table)
    }

    /// The region whose table the others replicate: the primary, unless only the secondary is left.
    pub fn source(&self) -> Option<Role> {
        Role::BOTH.into_iter().find(|r| self.table(*r).is_some())
    }

    pub fn nothing_exists(&self) -> bool {
        self.source().is_none()
    }

    /// The status `role`'s replica has in the other region's replica list.
    pub fn replica_status(&self, role: Role) -> Option<String> {
        let region = self.regions.get(role);
        self.table(role.other())?
            .replicas()
            .iter()
            .find(|r| r.region_name() == Some(region.as_str()))
            .and_then(|r| r.replica_status())
            .map(|s| s.as_str().to_string())
    }

    /// Whether `role`'s region is part of the global table: it holds the source table, or the
    /// source lists it as a replica.
    pub fn is_member(&self, role: Role) -> bool {
        match self.source() {
            Some(source) if source == role => true,
            Some(_) => self.replica_status(role).is_some(),
            None => false,
        }
    }

    /// Whether the region's table is encrypted with a KMS key (AWS-managed or the customer's) rather
    /// than one DynamoDB owns.
    pub fn encrypted(&self, role: Role) -> bool {
        self.table(role)
            .and_then(|t| t.sse_description())
            .is_some_and(|d| d.status().is_some_and(|s| s.as_str() == "ENABLED"))
    }

    pub fn kms_key_arn(&self, role: Role) -> Option<String> {
        self.table(role)?
            .sse_description()
            .filter(|d| d.status().is_some_and(|s| s.as_str() == "ENABLED"))?
            .kms_master_key_arn()
            .map(str::to_string)
    }

    fn replica_state(&self, role: Role) -> Option<ReplicaState> {
        let view = self.views.get(role).as_ref()?;
        Some(ReplicaState {
            region: self.regions.get(role).clone(),
            table_status: view.table.table_status().map(|s| s.as_str().to_string()),
            replica_status: self.replica_status(role),
            point_in_time_recovery: view.point_in_time_recovery,
            deletion_protection: view.table.deletion_protection_enabled().unwrap_or(false),
            kms_key_arn: self.kms_key_arn(role),
        })
    }

    /// What AWS reports for each region, and the table's name (the inputs' or, on import, AWS's).
    pub fn outputs(&self, inputs: &Inputs) -> Outputs {
        let source_table = self.source().and_then(|r| self.table(r));
        let mut out = Outputs {
            table_name: inputs
                .name
                .clone()
                .or_else(|| source_table?.table_name().map(str::to_string)),
            global_table_version: source_table
                .and_then(|t| t.global_table_version())
                .map(str::to_string),
            ..Outputs::default()
        };
        for role in Role::BOTH {
            let table = self.table(role);
            let region = out.region(role);
            *region.table_arn = table.and_then(|t| t.table_arn()).map(str::to_string);
            *region.stream_arn = table
                .and_then(|t| t.latest_stream_arn())
                .map(str::to_string);
            *region.replica = self.replica_state(role);
        }
        out
    }

    /// The inputs as AWS has them: `given` with every property AWS can tell replaced by what it
    /// tells. Where the two regions disagree on a per-replica setting, the one that differs from
    /// `given` is the drift to show. What AWS cannot tell (the spelling of the inputs, which
    /// customer key was meant by an AWS-managed one) is kept.
    pub fn inputs(&self, given: &Value, config: &ProviderConfig) -> Value {
        let mut t = Inputs::decode(given).unwrap_or_default();
        let Some(source) = self.source() else {
            return given.clone();
        };
        let table = self.table(source).expect("the source has a table");
        self.table_settings(&mut t, table);
        t.ttl_attribute = self.ttl.clone();
        let views: Vec<&RegionView> = self.views.iter().filter_map(|(_, v)| v.as_ref()).collect();
        t.point_in_time_recovery = Some(drifted(
            t.point_in_time_recovery(),
            views.iter().map(|v| v.point_in_time_recovery),
        ));
        t.deletion_protection = Some(drifted(
            t.deletion_protection(),
            views
                .iter()
                .map(|v| v.table.deletion_protection_enabled().unwrap_or(false)),
        ));
        let own = t.tags.clone().unwrap_or_default();
        let observed_tags = views.iter().map(|v| {
            let mut tags = v.tags.clone();
            // Provider-wide tags are not the resource's own unless it sets them itself.
            tags.retain(|k, val| own.contains_key(k) || config.default_tags.get(k) != Some(val));
            tags
        });
        let tags = drifted(own.clone(), observed_tags);
        t.tags = (t.tags.is_some() || !tags.is_empty()).then_some(tags);
        t.server_side_encryption = self.encryption(&t, source);
        // Keys the user never wrote stay unwritten: only what AWS can tell is set.
        let mut out = t.to_value().as_object().cloned().unwrap_or_default();
        if let Some(given) = given.as_object() {
            for key in ["primaryRegion", "secondaryRegion", "name"] {
                if let Some(v) = given.get(key) {
                    out.insert(key.to_string(), v.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// Keys, attributes, indexes and billing, as the source table has them.
    fn table_settings(&self, t: &mut Inputs, table: &TableDescription) {
        let key = |kind: KeyType| {
            table
                .key_schema()
                .iter()
                .find(|k| *k.key_type() == kind)
                .map(|k| k.attribute_name().to_string())
        };
        if t.hash_key.is_empty() {
            t.hash_key = key(KeyType::Hash).unwrap_or_default();
            t.range_key = key(KeyType::Range);
        }
        let indexes = indexes_of(table);
        // Definitions no key uses any more (an index deleted) are not declarations to keep.
        let used: Vec<&str> =
            table
                .key_schema()
                .iter()
                .map(|k| k.attribute_name())
                .chain(indexes.iter().flat_map(|i| {
                    std::iter::once(i.hash_key.as_str()).chain(i.range_key.as_deref())
                }))
                .collect();
        let mut attributes: Vec<Attribute> = table
            .attribute_definitions()
            .iter()
            .filter(|a| used.contains(&a.attribute_name()))
            .map(|a| Attribute {
                name: a.attribute_name().to_string(),
                kind: a.attribute_type().as_str().to_string(),
            })
            .collect();
        attributes.sort_by(|a, b| a.name.cmp(&b.name));
        let mut given_attributes = t.attributes.clone();
        given_attributes.sort_by(|a, b| a.name.cmp(&b.name));
        if attributes != given_attributes {
            t.attributes = attributes;
        }
        let billing = billing_of(table);
        let provisioned = billing == PROVISIONED;
        (t.read_capacity, t.write_capacity) = if provisioned {
            capacity_of(table.provisioned_throughput())
        } else {
            (None, None)
        };
        t.billing_mode = Some(billing);
        let same = indexes.len() == t.indexes().len()
            && indexes.iter().zip(t.indexes()).all(|(o, g)| {
                o.same_shape(g)
                    && (!provisioned
                        || (o.read_capacity, o.write_capacity)
                            == (g.read_capacity, g.write_capacity))
            });
        if !same {
            t.global_secondary_indexes = Some(indexes);
        }
    }

    /// Encryption as AWS has it. The type is the table's; a customer key is each replica's own and
    /// is compared only where the inputs name one (an AWS-managed key has an ARN nobody wrote).
    fn encryption(&self, t: &Inputs, source: Role) -> Option<Encryption> {
        let enabled = self.encrypted(source);
        let given = t.server_side_encryption.clone();
        if !enabled {
            return given.map(|_| Encryption::default());
        }
        let mut sse = given.unwrap_or_default();
        sse.enabled = true;
        for role in Role::BOTH {
            let observed = self.kms_key_arn(role);
            let key = match role {
                Role::Primary => &mut sse.primary_kms_key_arn,
                Role::Secondary => &mut sse.secondary_kms_key_arn,
            };
            if key.is_some() && self.table(role).is_some() && observed != *key {
                *key = observed;
            }
        }
        Some(sse)
    }
}

pub fn billing_of(table: &TableDescription) -> String {
    table
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .map(|m| m.as_str().to_string())
        // Tables created PROVISIONED before billing modes existed report no summary.
        .unwrap_or_else(|| PROVISIONED.to_string())
}

pub fn capacity_of(p: Option<&ProvisionedThroughputDescription>) -> (Option<i64>, Option<i64>) {
    (
        p.and_then(|p| p.read_capacity_units()),
        p.and_then(|p| p.write_capacity_units()),
    )
}

/// The table's indexes in the inputs' terms, by name; indexes being deleted are gone already.
pub fn indexes_of(table: &TableDescription) -> Vec<Index> {
    let provisioned = billing_of(table) == PROVISIONED;
    let mut indexes: Vec<Index> = table
        .global_secondary_indexes()
        .iter()
        .filter(|i| i.index_status().is_none_or(|s| s.as_str() != "DELETING"))
        .map(|i| {
            let key = |kind: KeyType| {
                i.key_schema()
                    .iter()
                    .find(|k| *k.key_type() == kind)
                    .map(|k| k.attribute_name().to_string())
            };
            let projection = i.projection();
            let (read, write) = if provisioned {
                capacity_of(i.provisioned_throughput())
            } else {
                (None, None)
            };
            Index {
                name: i.index_name().unwrap_or_default().to_string(),
                hash_key: key(KeyType::Hash).unwrap_or_default(),
                range_key: key(KeyType::Range),
                projection_type: projection
                    .and_then(|p| p.projection_type())
                    .map(|p| p.as_str().to_string()),
                non_key_attributes: projection
                    .map(|p| p.non_key_attributes().to_vec())
                    .filter(|v| !v.is_empty()),
                read_capacity: read,
                write_capacity: write,
            }
        })
        .collect();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    indexes
}

/// The first candidate that differs from `current`, else `current`.
fn drifted<T: PartialEq>(current: T, candidates: impl IntoIterator<Item = T>) -> T {
    candidates
        .into_iter()
        .find(|c| *c != current)
        .unwrap_or(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, BillingModeSummary, KeySchemaElement, ReplicaDescription,
        ReplicaStatus, ScalarAttributeType, TableStatus,
    };

    fn table(
        region: &str,
        replica_of: Option<&str>,
        deletion_protection: bool,
    ) -> TableDescription {
        let mut t = TableDescription::builder()
            .table_name("orders")
            .table_arn(format!(
                "arn:aws:dynamodb:{region}:123456789012:table/orders"
            ))
            .table_status(TableStatus::Active)
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("pk")
                    .key_type(KeyType::Hash)
                    .build()
                    .unwrap(),
            )
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .billing_mode_summary(
                BillingModeSummary::builder()
                    .billing_mode(BillingMode::PayPerRequest)
                    .build(),
            )
            .deletion_protection_enabled(deletion_protection);
        if let Some(other) = replica_of {
            t = t.replicas(
                ReplicaDescription::builder()
                    .region_name(other)
                    .replica_status(ReplicaStatus::Active)
                    .build(),
            );
        }
        t.build()
    }

    fn observed(secondary: Option<(bool, bool)>) -> Observed {
        let regions = Regions::new("us-east-1".to_string(), "us-east-2".to_string());
        let primary = RegionView {
            table: table("us-east-1", secondary.map(|_| "us-east-2"), false),
            point_in_time_recovery: true,
            tags: Tags::from([("team".into(), "payments".into())]),
        };
        let secondary = secondary.map(|(pitr, dp)| RegionView {
            table: table("us-east-2", Some("us-east-1"), dp),
            point_in_time_recovery: pitr,
            tags: Tags::new(),
        });
        Observed {
            regions,
            views: Regions::new(Some(primary), secondary),
            ttl: None,
        }
    }

    /// The outputs as the engine records them.
    fn outputs_of(o: &Observed, given: &Value) -> Value {
        crate::resources::lifecycle::encode(given, &o.outputs(&Inputs::decode(given).unwrap()))
    }

    fn given() -> Value {
        Value::from_json(&serde_json::json!({
            "name": "orders", "hashKey": "pk", "attributes": [{"name": "pk", "type": "S"}],
            "billingMode": "PAY_PER_REQUEST", "pointInTimeRecovery": true,
            "deletionProtection": false, "tags": {"team": "payments"},
            "primaryRegion": "us-east-1", "secondaryRegion": "us-east-2",
        }))
    }

    #[test]
    fn a_missing_replica_leaves_its_outputs_out() {
        let o = observed(None);
        let out = outputs_of(&o, &given());
        assert!(out.get("primaryTableArn").is_some());
        assert!(out.get("secondaryTableArn").is_none());
        assert!(out.get("secondaryReplica").is_none());
        assert!(!o.is_member(Role::Secondary));
        let full = observed(Some((true, false)));
        assert!(full.is_member(Role::Secondary));
        assert_eq!(
            full.replica_status(Role::Secondary).as_deref(),
            Some("ACTIVE")
        );
    }

    #[test]
    fn per_replica_drift_in_either_region_shows_in_the_inputs() {
        let cfg = ProviderConfig::default();
        // The secondary lost its tags out of band: that is the drift shown.
        let untagged = observed(Some((true, false))).inputs(&given(), &cfg);
        assert_eq!(
            untagged.get("tags"),
            Some(&Value::object::<[(&str, Value); 0], &str>([]))
        );
        assert_eq!(
            untagged.get("pointInTimeRecovery"),
            Some(&Value::from(true))
        );
        let drift = observed(Some((false, true))).inputs(&given(), &cfg);
        assert_eq!(drift.get("pointInTimeRecovery"), Some(&Value::from(false)));
        assert_eq!(drift.get("deletionProtection"), Some(&Value::from(true)));
    }

    /// schema.json is the contract: the outputs and the replica state are exactly its properties.
    #[test]
    fn outputs_match_the_schema() {
        use crate::schema;
        use std::collections::BTreeSet;
        let keys =
            |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
        let mut o = observed(Some((true, false)));
        for role in Role::BOTH {
            let view = o.views.get_mut(role).as_mut().unwrap();
            view.table = TableDescription::builder()
                .latest_stream_arn(format!("{}/stream/1", view.table.table_arn().unwrap()))
                .global_table_version("2019.11.21")
                .sse_description(
                    aws_sdk_dynamodb::types::SseDescription::builder()
                        .status(aws_sdk_dynamodb::types::SseStatus::Enabled)
                        .kms_master_key_arn("arn:aws:kms:us-east-1:123456789012:key/k")
                        .build(),
                )
                .set_table_name(view.table.table_name().map(str::to_string))
                .set_table_arn(view.table.table_arn().map(str::to_string))
                .set_table_status(view.table.table_status().cloned())
                .set_replicas(Some(view.table.replicas().to_vec()))
                .build();
        }
        let every_input = Inputs::decode(&given()).unwrap();
        let full = Inputs {
            range_key: Some("sk".into()),
            global_secondary_indexes: Some(vec![]),
            read_capacity: Some(1),
            write_capacity: Some(1),
            ttl_attribute: Some("expiresAt".into()),
            server_side_encryption: Some(Encryption::default()),
            ..every_input
        };
        let out = outputs_of(&o, &full.to_value());
        assert_eq!(
            keys(&out),
            schema::output_properties(super::super::inputs::TOKEN)
        );
        let state_type = &schema::parsed()["types"]["multiregion-dr:index:GlobalTableReplicaState"];
        let want: BTreeSet<String> = state_type["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys(out.get("secondaryReplica").unwrap()), want);
        for required in state_type["required"].as_array().unwrap() {
            assert!(out
                .get("primaryReplica")
                .unwrap()
                .get(required.as_str().unwrap())
                .is_some());
        }
    }

    #[test]
    fn the_table_name_is_known_in_preview() {
        let out = crate::resources::lifecycle::preview(&super::super::GlobalTable, &given(), None);
        assert_eq!(out.get("tableName").and_then(Value::as_str), Some("orders"));
        assert!(out.get("primaryTableArn").unwrap().is_unknown());
        assert!(out.get("secondaryReplica").unwrap().is_unknown());
    }
}
