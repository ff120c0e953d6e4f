//! The replication role the provider manages when no `replicationRoleArn` is given: trusted by S3
//! alone, allowed exactly what replication between these two buckets needs (AWS's policy for live
//! replication, narrowed to the directions that replicate and to the pair's KMS keys), named
//! deterministically and tagged so that a retry adopts it and nothing else is ever taken over.

use aws_sdk_iam::types::Tag;
use aws_sdk_iam::Client;
use serde_json::{json, Value as Json};

use super::inputs::{Spec, OWNER_TAG, ROLE_PATH};
use crate::context::Context;
use crate::error::{aws, ProviderError, Result};
use crate::regions::Role;
use crate::tags::Tags;

/// IAM is a global service; its API is signed in us-east-1.
pub const IAM_REGION: &str = "us-east-1";
pub const POLICY_NAME: &str = "s3-replication";

/// A role as IAM has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub arn: String,
    pub path: String,
    pub tags: Tags,
}

impl Found {
    /// Made by this provider for this very pair.
    pub fn is_ours(&self, spec: &Spec) -> bool {
        self.path == ROLE_PATH && self.tags.get(OWNER_TAG) == Some(&spec.owner())
    }
}

pub fn trust_policy() -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "sts:AssumeRole"
        }]
    })
    .to_string()
}

/// The permissions of one replicating direction: read the source's configuration and object
/// versions, write replicas into the destination, and with SSE-KMS decrypt with the source's key
/// and encrypt with the destination's, each only through S3 in that key's region.
fn direction_statements(spec: &Spec, source: Role) -> Vec<Json> {
    let (from, to) = (spec.buckets.get(source), spec.buckets.get(source.other()));
    let mut statements = vec![
        json!({
            "Effect": "Allow",
            "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            "Resource": [from.arn()]
        }),
        json!({
            "Effect": "Allow",
            "Action": [
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging"
            ],
            "Resource": [format!("{}/*", from.arn())]
        }),
        json!({
            "Effect": "Allow",
            "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            "Resource": [format!("{}/*", to.arn())]
        }),
    ];
    for (action, bucket) in [("kms:Decrypt", from), ("kms:Encrypt", to)] {
        let Some(key) = &bucket.kms_key_arn else {
            continue;
        };
        statements.push(json!({
            "Effect": "Allow",
            "Action": [action],
            "Resource": [key],
            "Condition": {
                "StringLike": {
                    "kms:ViaService": format!("s3.{}.amazonaws.com", bucket.region),
                    // With an S3 Bucket Key the context is the bucket's ARN, else the object's.
                    "kms:EncryptionContext:aws:s3:arn": [bucket.arn(), format!("{}/*", bucket.arn())]
                }
            }
        }));
    }
    statements
}

pub fn permissions_policy(spec: &Spec) -> String {
    let statements: Vec<Json> = Role::BOTH
        .into_iter()
        .filter(|r| spec.replicates(*r))
        .flat_map(|r| direction_statements(spec, r))
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn iam_tags(tags: &Tags) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ProviderError::Internal(format!("building role tags: {e}")))
}

pub async fn find(ctx: &Context, iam: &Client, name: &str) -> Result<Option<Found>> {
    let res = ctx
        .call("looking up the replication role", async {
            iam.get_role()
                .role_name(name)
                .send()
                .await
                .map_err(|e| aws(IAM_REGION, "GetRole", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out.role.map(|r| Found {
            arn: r.arn().to_string(),
            path: r.path().to_string(),
            tags: r
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
        })),
        Err(e) if e.is_code("NoSuchEntity") => Ok(None),
        Err(e) => Err(e),
    }
}

/// The managed role of `spec`, if it exists and is ours.
pub async fn find_ours(ctx: &Context, spec: &Spec) -> Result<Option<Found>> {
    let iam = &ctx.aws().await.iam;
    Ok(find(ctx, iam, &spec.role_name())
        .await?
        .filter(|r| r.is_ours(spec)))
}

/// Looks the role up by its deterministic name and creates it only when it is missing; adopts one an
/// earlier attempt made (or a concurrent one, met as EntityAlreadyExists), then brings its tags
/// and policy to the declaration. `known_arn` is the role the state records, adopted whatever its
/// tags say.
pub async fn ensure(ctx: &Context, spec: &Spec, known_arn: Option<&str>) -> Result<String> {
    let iam = &ctx.aws().await.iam;
    let name = spec.role_name();
    let want_tags = spec.resource_tags();
    let found = match find(ctx, iam, &name).await? {
        Some(found) => found,
        None => match create(ctx, iam, spec, &name, &want_tags).await {
            Ok(found) => found,
            Err(e) if e.is_code("EntityAlreadyExists") => find(ctx, iam, &name).await?.ok_or(e)?,
            Err(e) => return Err(e),
        },
    };
    if !found.is_ours(spec) && known_arn != Some(found.arn.as_str()) {
        return Err(ProviderError::Refused {
            what: format!(
                "IAM role {name} already exists and was not made for this pair (path {}, no {OWNER_TAG}={} tag)",
                found.path,
                spec.owner()
            ),
            hint: "delete or rename that role, or give replicationRoleArn to use a role of your own"
                .into(),
        });
    }
    sync_tags(ctx, iam, &name, &found.tags, &want_tags).await?;
    ensure_policy(ctx, iam, &name, spec).await?;
    Ok(found.arn)
}

/// Creates the managed role and writes its policy without looking first. `Ok(None)`: a role of that
/// name exists (an earlier attempt, or someone else's), and [`ensure`] looks at it.
pub async fn create_new(ctx: &Context, spec: &Spec) -> Result<Option<String>> {
    let iam = &ctx.aws().await.iam;
    let name = spec.role_name();
    match create(ctx, iam, spec, &name, &spec.resource_tags()).await {
        Ok(found) => {
            put_policy(ctx, iam, &name, permissions_policy(spec)).await?;
            Ok(Some(found.arn))
        }
        Err(e) if e.is_code("EntityAlreadyExists") => Ok(None),
        Err(e) => Err(e),
    }
}

async fn create(
    ctx: &Context,
    iam: &Client,
    spec: &Spec,
    name: &str,
    tags: &Tags,
) -> Result<Found> {
    let out = ctx
        .call("creating the replication role", async {
            iam.create_role()
                .role_name(name)
                .path(ROLE_PATH)
                .assume_role_policy_document(trust_policy())
                .description(format!(
                    "S3 replication between {} and {} (multiregion-dr ReplicatedBucket)",
                    spec.buckets.primary.name, spec.buckets.secondary.name
                ))
                .set_tags(Some(iam_tags(tags)?))
                .send()
                .await
                .map_err(|e| aws(IAM_REGION, "CreateRole", e))
        })
        .await?;
    let arn = out.role.map(|r| r.arn().to_string()).unwrap_or_default();
    Ok(Found {
        arn,
        path: ROLE_PATH.to_string(),
        tags: tags.clone(),
    })
}

/// IAM returns policy documents URL-encoded (RFC 3986).
fn decode_policy(doc: &str) -> Option<Json> {
    serde_json::from_str(doc).ok().or_else(|| {
        let decoded: String = url::form_urlencoded::parse(format!("d={doc}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())?;
        serde_json::from_str(&decoded).ok()
    })
}

/// Writes the inline policy when IAM's differs from the declaration.
async fn ensure_policy(ctx: &Context, iam: &Client, name: &str, spec: &Spec) -> Result<()> {
    let want = permissions_policy(spec);
    let have = ctx
        .call("reading the replication role's policy", async {
            iam.get_role_policy()
                .role_name(name)
                .policy_name(POLICY_NAME)
                .send()
                .await
                .map_err(|e| aws(IAM_REGION, "GetRolePolicy", e))
        })
        .await;
    let have = match have {
        Ok(out) => decode_policy(out.policy_document()),
        Err(e) if e.is_code("NoSuchEntity") => None,
        Err(e) => return Err(e),
    };
    if have.as_ref() == serde_json::from_str::<Json>(&want).ok().as_ref() {
        return Ok(());
    }
    put_policy(ctx, iam, name, want).await
}

async fn put_policy(ctx: &Context, iam: &Client, name: &str, want: String) -> Result<()> {
    ctx.call("writing the replication role's policy", async {
        iam.put_role_policy()
            .role_name(name)
            .policy_name(POLICY_NAME)
            .policy_document(want)
            .send()
            .await
            .map_err(|e| aws(IAM_REGION, "PutRolePolicy", e))
    })
    .await?;
    Ok(())
}

async fn sync_tags(
    ctx: &Context,
    iam: &Client,
    name: &str,
    have: &Tags,
    want: &Tags,
) -> Result<()> {
    let stale: Vec<String> = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    if !stale.is_empty() {
        ctx.call("untagging the replication role", async {
            iam.untag_role()
                .role_name(name)
                .set_tag_keys(Some(stale))
                .send()
                .await
                .map_err(|e| aws(IAM_REGION, "UntagRole", e))
        })
        .await?;
    }
    if have != want {
        ctx.call("tagging the replication role", async {
            iam.tag_role()
                .role_name(name)
                .set_tags(Some(iam_tags(want)?))
                .send()
                .await
                .map_err(|e| aws(IAM_REGION, "TagRole", e))
        })
        .await?;
    }
    Ok(())
}

/// Deletes the managed role the state records as this pair's, by what this provider put in it (one
/// inline policy); IAM refusing because it has more (DeleteConflict) is left to [`delete`], which
/// lists them. A role or policy already gone is fine.
pub async fn delete_known(ctx: &Context, spec: &Spec) -> Result<()> {
    let iam = &ctx.aws().await.iam;
    let name = spec.role_name();
    delete_inline_policy(ctx, iam, &name, POLICY_NAME).await?;
    match delete_role(ctx, iam, &name).await {
        Err(e) if e.is_code("DeleteConflict") => {
            delete(ctx, spec, spec.given_role_arn.as_deref()).await
        }
        other => other,
    }
}

/// Deletes the managed role of `spec` if it exists and is ours: its inline and attached policies
/// first, as IAM requires. A role that is gone is fine; a role by that name that is not ours, or
/// that is `in_use` (given as replicationRoleArn), is left alone.
pub async fn delete(ctx: &Context, spec: &Spec, in_use: Option<&str>) -> Result<()> {
    let iam = &ctx.aws().await.iam;
    let name = spec.role_name();
    let Some(found) = find(ctx, iam, &name).await? else {
        return Ok(());
    };
    if in_use == Some(found.arn.as_str()) {
        return Ok(());
    }
    if !found.is_ours(spec) {
        ctx.reporter.warn(&format!(
            "IAM role {name} was not made for this pair (no {OWNER_TAG}={} tag): it is left in place",
            spec.owner()
        ));
        return Ok(());
    }
    let inline = ctx
        .call("listing the role's policies", async {
            iam.list_role_policies()
                .role_name(&name)
                .send()
                .await
                .map_err(|e| aws(IAM_REGION, "ListRolePolicies", e))
        })
        .await?;
    for policy in inline.policy_names() {
        delete_inline_policy(ctx, iam, &name, policy).await?;
    }
    let attached = ctx
        .call("listing the role's attached policies", async {
            iam.list_attached_role_policies()
                .role_name(&name)
                .send()
                .await
                .map_err(|e| aws(IAM_REGION, "ListAttachedRolePolicies", e))
        })
        .await?;
    for policy in attached.attached_policies() {
        let arn = policy.policy_arn().unwrap_or_default();
        ctx.call("detaching a role policy", async {
            iam.detach_role_policy()
                .role_name(&name)
                .policy_arn(arn)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws(IAM_REGION, "DetachRolePolicy", e))
        })
        .await
        .or_else(already_gone)?;
    }
    delete_role(ctx, iam, &name).await
}

/// IAM's answer for what a delete finds already gone.
fn already_gone(e: ProviderError) -> Result<()> {
    match e.is_code("NoSuchEntity") {
        true => Ok(()),
        false => Err(e),
    }
}

async fn delete_inline_policy(
    ctx: &Context,
    iam: &aws_sdk_iam::Client,
    role: &str,
    policy: &str,
) -> Result<()> {
    ctx.call("deleting a role policy", async {
        iam.delete_role_policy()
            .role_name(role)
            .policy_name(policy)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws(IAM_REGION, "DeleteRolePolicy", e))
    })
    .await
    .or_else(already_gone)
}

async fn delete_role(ctx: &Context, iam: &aws_sdk_iam::Client, role: &str) -> Result<()> {
    ctx.call("deleting the replication role", async {
        iam.delete_role()
            .role_name(role)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws(IAM_REGION, "DeleteRole", e))
    })
    .await
    .or_else(already_gone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProviderConfig;
    use crate::value::Value;

    fn spec(json: serde_json::Value) -> Spec {
        Spec::from_value(&Value::from_json(&json), &ProviderConfig::default()).unwrap()
    }

    fn resources(policy: &str) -> Vec<String> {
        let doc: Json = serde_json::from_str(policy).unwrap();
        doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["Resource"].as_array().unwrap().clone())
            .map(|r| r.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn one_way_policy_reads_the_primary_and_writes_the_secondary_only() {
        let s = spec(serde_json::json!({"namePrefix": "o"}));
        let doc: Json = serde_json::from_str(&permissions_policy(&s)).unwrap();
        let statements = doc["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 3);
        assert_eq!(
            statements[0]["Resource"],
            json!(["arn:aws:s3:::o-us-east-1"])
        );
        assert_eq!(
            statements[1]["Resource"],
            json!(["arn:aws:s3:::o-us-east-1/*"])
        );
        assert_eq!(
            statements[2]["Resource"],
            json!(["arn:aws:s3:::o-us-east-2/*"])
        );
        assert!(resources(&permissions_policy(&s)).iter().all(|r| r != "*"));
    }

    #[test]
    fn two_way_and_kms_policies_name_exactly_the_pair_and_its_keys() {
        let key = |r: &str| {
            format!("arn:aws:kms:{r}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        };
        let s = spec(
            serde_json::json!({"namePrefix": "o", "twoWay": true, "encryption": {
            "sseAlgorithm": "aws:kms", "primaryKmsKeyArn": key("us-east-1"), "secondaryKmsKeyArn": key("us-east-2")}}),
        );
        let policy = permissions_policy(&s);
        let mut got = resources(&policy);
        got.sort();
        got.dedup();
        assert_eq!(
            got,
            [
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:s3:::o-us-east-1",
                "arn:aws:s3:::o-us-east-1/*",
                "arn:aws:s3:::o-us-east-2",
                "arn:aws:s3:::o-us-east-2/*",
            ]
        );
        assert!(policy.contains("s3.us-east-2.amazonaws.com"));
        let trust: Json = serde_json::from_str(&trust_policy()).unwrap();
        assert_eq!(
            trust["Statement"][0]["Principal"]["Service"],
            "s3.amazonaws.com"
        );
    }
}
