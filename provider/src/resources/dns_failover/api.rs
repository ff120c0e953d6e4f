//! The Route 53 calls this resource makes, each bounded by the operation's deadline and Cancel
//! through [`Context::call`]. Throttling (5 requests per second per account) and
//! PriorRequestNotComplete are retried by the SDK's standard retry strategy (exponential backoff with
//! full jitter, `maxRetries` attempts); what is left after that is an error the next `pulumi up`
//! resumes from, because every step below is idempotent.

use std::collections::HashMap;

use aws_sdk_route53::types::{
    Change, ChangeBatch, ChangeStatus, HealthCheck, HealthCheckConfig, ResourceRecordSet, RrType,
    Tag, TagResourceType,
};
use aws_sdk_route53::Client;

use crate::aws::ROUTE53_REGION;
use crate::context::Context;
use crate::error::{self, ProviderError};
use crate::tags::Tags;

use super::spec::{normalize_name, normalize_zone_id, Zone};

/// Route 53 is global; its control plane, and so every call here, is in us-east-1.
const R53: &str = ROUTE53_REGION;

/// Route 53 takes at most 10 tags to add and 10 keys to remove per ChangeTagsForResource.
const TAGS_PER_CALL: usize = 10;

pub async fn resolve_zone(
    ctx: &Context,
    r53: &Client,
    id: Option<&str>,
    name: Option<&str>,
) -> Result<Zone, ProviderError> {
    if let Some(id) = id {
        let out = ctx
            .call("reading the hosted zone", async {
                r53.get_hosted_zone()
                    .id(id)
                    .send()
                    .await
                    .map_err(|e| error::aws(R53, "GetHostedZone", e))
            })
            .await
            .map_err(|e| match e.is_code("NoSuchHostedZone") {
                true => ProviderError::Refused {
                    what: format!("hostedZoneId: no hosted zone '{id}' exists in this account (NoSuchHostedZone)"),
                    hint: "check the id, or give zoneName to look the zone up".into(),
                },
                false => e,
            })?;
        let zone = out.hosted_zone().ok_or_else(|| {
            ProviderError::Internal(format!("GetHostedZone({id}) returned no zone"))
        })?;
        let found = normalize_name(zone.name());
        if let Some(want) = name {
            if normalize_name(want) != found {
                return Err(ProviderError::Refused {
                    what: format!("zoneName: hosted zone '{id}' is named '{found}', not '{want}'"),
                    hint: "give only one of hostedZoneId and zoneName, or make them agree".into(),
                });
            }
        }
        return Ok(Zone {
            id: normalize_zone_id(zone.id()),
            name: found,
        });
    }
    let Some(name) = name else {
        return Err(ProviderError::Invalid(
            "either hostedZoneId or zoneName is required".into(),
        ));
    };
    let want = normalize_name(name);
    let out = ctx
        .call("looking up the hosted zone", async {
            r53.list_hosted_zones_by_name()
                .dns_name(&want)
                .max_items(100)
                .send()
                .await
                .map_err(|e| error::aws(R53, "ListHostedZonesByName", e))
        })
        .await?;
    let matches: Vec<_> = out
        .hosted_zones()
        .iter()
        .filter(|z| normalize_name(z.name()) == want)
        .collect();
    match matches[..] {
        [zone] => Ok(Zone {
            id: normalize_zone_id(zone.id()),
            name: want,
        }),
        [] => Err(ProviderError::Refused {
            what: format!("zoneName: no hosted zone named '{want}' exists in this account"),
            hint: "create the zone first, or give its hostedZoneId".into(),
        }),
        _ => Err(ProviderError::Refused {
            what: format!(
                "zoneName: {} hosted zones are named '{want}' ({})",
                matches.len(),
                matches
                    .iter()
                    .map(|z| normalize_zone_id(z.id()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            hint:
                "a public and a private zone may share a name: set hostedZoneId to the one to use"
                    .into(),
        }),
    }
}

pub async fn create_check(
    ctx: &Context,
    r53: &Client,
    reference: &str,
    cfg: &HealthCheckConfig,
) -> Result<HealthCheck, ProviderError> {
    let out = ctx
        .call("creating a health check", async {
            r53.create_health_check()
                .caller_reference(reference)
                .health_check_config(cfg.clone())
                .send()
                .await
                .map_err(|e| error::aws(R53, "CreateHealthCheck", e))
        })
        .await?;
    out.health_check()
        .cloned()
        .ok_or_else(|| ProviderError::Internal("CreateHealthCheck returned no health check".into()))
}

/// Every health check of the account, by CallerReference: the one way to find a check whose
/// reference Route 53 reports as taken.
pub async fn checks_by_reference(
    ctx: &Context,
    r53: &Client,
) -> Result<HashMap<String, HealthCheck>, ProviderError> {
    let mut found = HashMap::new();
    let mut marker: Option<String> = None;
    loop {
        let out = ctx
            .call("listing health checks", async {
                r53.list_health_checks()
                    .set_marker(marker.clone())
                    .max_items(1000)
                    .send()
                    .await
                    .map_err(|e| error::aws(R53, "ListHealthChecks", e))
            })
            .await?;
        for hc in out.health_checks() {
            found.insert(hc.caller_reference().to_string(), hc.clone());
        }
        match out.next_marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(found),
        }
    }
}

/// `None` when the check does not exist (any more).
pub async fn get_check(
    ctx: &Context,
    r53: &Client,
    id: &str,
) -> Result<Option<HealthCheck>, ProviderError> {
    let res = ctx
        .call("reading a health check", async {
            r53.get_health_check()
                .health_check_id(id)
                .send()
                .await
                .map_err(|e| error::aws(R53, "GetHealthCheck", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out.health_check().cloned()),
        Err(e) if e.is_code("NoSuchHealthCheck") => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sets what UpdateHealthCheck can change. `version` guards against a concurrent change made since the
/// check was read (HealthCheckVersionMismatch).
pub async fn update_check(
    ctx: &Context,
    r53: &Client,
    id: &str,
    version: i64,
    cfg: &HealthCheckConfig,
) -> Result<(), ProviderError> {
    let mut req = r53
        .update_health_check()
        .health_check_id(id)
        .health_check_version(version)
        .set_port(cfg.port())
        .set_failure_threshold(cfg.failure_threshold())
        .set_inverted(cfg.inverted())
        .set_disabled(cfg.disabled())
        .set_enable_sni(cfg.enable_sni())
        .set_regions(Some(cfg.regions().to_vec()))
        .set_resource_path(cfg.resource_path().map(str::to_string))
        .set_search_string(cfg.search_string().map(str::to_string));
    req = match (cfg.ip_address(), cfg.fully_qualified_domain_name()) {
        (Some(ip), _) => req.ip_address(ip),
        (None, Some(name)) => req.fully_qualified_domain_name(name),
        (None, None) => req,
    };
    ctx.call("updating a health check", async {
        req.send()
            .await
            .map(|_| ())
            .map_err(|e| error::aws(R53, "UpdateHealthCheck", e))
    })
    .await
}

/// `Ok(false)` when the check was already gone.
pub async fn delete_check(ctx: &Context, r53: &Client, id: &str) -> Result<bool, ProviderError> {
    let res = ctx
        .call("deleting a health check", async {
            r53.delete_health_check()
                .health_check_id(id)
                .send()
                .await
                .map_err(|e| error::aws(R53, "DeleteHealthCheck", e))
        })
        .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if e.is_code("NoSuchHealthCheck") => Ok(false),
        Err(e) => Err(e),
    }
}

/// The tags of up to 10 health checks in one call.
pub async fn list_tags(
    ctx: &Context,
    r53: &Client,
    ids: &[String],
) -> Result<HashMap<String, Tags>, ProviderError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let out = ctx
        .call("reading health check tags", async {
            r53.list_tags_for_resources()
                .resource_type(TagResourceType::Healthcheck)
                .set_resource_ids(Some(ids.to_vec()))
                .send()
                .await
                .map_err(|e| error::aws(R53, "ListTagsForResources", e))
        })
        .await?;
    Ok(out
        .resource_tag_sets()
        .iter()
        .filter_map(|set| {
            let id = set.resource_id()?.to_string();
            let tags = set
                .tags()
                .iter()
                .filter_map(|t| {
                    Some((
                        t.key()?.to_string(),
                        t.value().unwrap_or_default().to_string(),
                    ))
                })
                .collect();
            Some((id, tags))
        })
        .collect())
}

/// Makes the check's tags exactly `want`, in as few calls as Route 53's limits allow.
pub async fn sync_tags(
    ctx: &Context,
    r53: &Client,
    id: &str,
    have: &Tags,
    want: &Tags,
) -> Result<(), ProviderError> {
    let add: Vec<Tag> = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(v))
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let remove: Vec<String> = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    let rounds = add
        .len()
        .div_ceil(TAGS_PER_CALL)
        .max(remove.len().div_ceil(TAGS_PER_CALL));
    for i in 0..rounds {
        let chunk = |n: usize| i * TAGS_PER_CALL..((i + 1) * TAGS_PER_CALL).min(n);
        let adds = add
            .get(chunk(add.len()))
            .map(<[Tag]>::to_vec)
            .filter(|v| !v.is_empty());
        let removes = remove
            .get(chunk(remove.len()))
            .map(<[String]>::to_vec)
            .filter(|v| !v.is_empty());
        ctx.call("tagging a health check", async {
            r53.change_tags_for_resource()
                .resource_type(TagResourceType::Healthcheck)
                .resource_id(id)
                .set_add_tags(adds)
                .set_remove_tag_keys(removes)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| error::aws(R53, "ChangeTagsForResource", e))
        })
        .await?;
    }
    Ok(())
}

/// The records of one name and type, as Route 53 lists them; `None` when the zone itself is gone.
pub async fn list_records(
    ctx: &Context,
    r53: &Client,
    zone_id: &str,
    fqdn: &str,
    record_type: &str,
) -> Result<Option<Vec<ResourceRecordSet>>, ProviderError> {
    let mut records = Vec::new();
    let mut identifier: Option<String> = None;
    loop {
        let res = ctx
            .call("listing the failover records", async {
                r53.list_resource_record_sets()
                    .hosted_zone_id(zone_id)
                    .start_record_name(fqdn)
                    .start_record_type(RrType::from(record_type))
                    .set_start_record_identifier(identifier.clone())
                    .max_items(100)
                    .send()
                    .await
                    .map_err(|e| error::aws(R53, "ListResourceRecordSets", e))
            })
            .await;
        let out = match res {
            Ok(out) => out,
            Err(e) if e.is_code("NoSuchHostedZone") => return Ok(None),
            Err(e) => return Err(e),
        };
        let before = records.len();
        records.extend(super::records::filter_name_and_type(
            out.resource_record_sets().to_vec(),
            fqdn,
            record_type,
        ));
        // The listing starts at the name and runs on: more of ours can follow only when this page
        // ended inside them.
        let more_of_ours = out.is_truncated()
            && out
                .next_record_name()
                .is_some_and(|n| normalize_name(n) == fqdn)
            && out
                .next_record_type()
                .is_some_and(|t| t.as_str() == record_type)
            && out.next_record_identifier().is_some()
            && records.len() > before;
        if !more_of_ours {
            return Ok(Some(records));
        }
        identifier = out.next_record_identifier().map(str::to_string);
    }
}

/// Submits one atomic batch and returns its change id.
pub async fn submit(
    ctx: &Context,
    r53: &Client,
    zone_id: &str,
    changes: Vec<Change>,
    comment: &str,
) -> Result<String, ProviderError> {
    let batch = ChangeBatch::builder()
        .set_changes(Some(changes))
        .comment(comment)
        .build()
        .map_err(|e| ProviderError::Internal(format!("building a change batch: {e}")))?;
    let out = ctx
        .call("changing the failover records", async {
            r53.change_resource_record_sets()
                .hosted_zone_id(zone_id)
                .change_batch(batch)
                .send()
                .await
                .map_err(|e| error::aws(R53, "ChangeResourceRecordSets", e))
        })
        .await?;
    out.change_info()
        .map(|c| c.id().to_string())
        .ok_or_else(|| {
            ProviderError::Internal("ChangeResourceRecordSets returned no change id".into())
        })
}

/// Waits until Route 53 has applied a change on all its name servers (PENDING to INSYNC, "generally
/// within 60 seconds").
pub async fn wait_insync(
    ctx: &Context,
    r53: &Client,
    change_id: &str,
    what: &str,
) -> Result<(), ProviderError> {
    let phase = format!("waiting for Route 53 to apply {what} (change {change_id})");
    ctx.wait_for(&phase, R53, || async {
        let out = r53
            .get_change()
            .id(change_id)
            .send()
            .await
            .map_err(|e| error::aws(R53, "GetChange", e))?;
        Ok(out
            .change_info()
            .is_some_and(|c| *c.status() == ChangeStatus::Insync)
            .then_some(()))
    })
    .await
}
