//! One region's bucket: looked up before it is made, adopted only when it is this pair's, brought to
//! the declared settings (tags, versioning, encryption, public access block, lifecycle) by writing
//! only what differs, and on delete emptied of every object version.
//!
//! Nothing here names a region's role: the same code runs for both buckets.

use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLocationConstraint, BucketVersioningStatus,
    CreateBucketConfiguration, Delete, ExpirationStatus, LifecycleRule, LifecycleRuleFilter,
    NoncurrentVersionExpiration, ObjectIdentifier, PublicAccessBlockConfiguration,
    ReplicationConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging,
    VersioningConfiguration,
};
use aws_sdk_s3::Client;

use super::inputs::{Spec, OWNER_TAG, SSE_KMS, SSE_S3};
use super::replication;
use crate::context::Context;
use crate::error::{aws, ProviderError, Result};
use crate::regions::{Regions, Role};
use crate::tags::Tags;

/// ID of the lifecycle rule this provider writes; other rules are kept as they are.
pub const LIFECYCLE_RULE_ID: &str = "multiregion-dr-noncurrent-versions";
/// DeleteObjects takes at most 1,000 keys.
const DELETE_BATCH: usize = 1000;
/// Counting stops here: the refusal to delete only needs to say "at least".
const COUNT_CAP: usize = 10_000;

/// One region's S3 client and bucket.
pub struct Bucket {
    pub role: Role,
    pub region: String,
    pub name: String,
    pub client: Client,
}

pub async fn buckets(ctx: &Context, spec: &Spec) -> Regions<Bucket> {
    let aws_clients = ctx.aws().await;
    spec.buckets.as_ref().map(|role, b| Bucket {
        role,
        region: b.region.clone(),
        name: b.name.clone(),
        client: aws_clients.s3(&b.region),
    })
}

/// Whether an error is S3 saying that the thing asked for is not there.
pub fn absent(e: &ProviderError, codes: &[&str]) -> bool {
    e.aws_code().is_some_and(|c| codes.contains(&c))
}

/// What S3 has for one bucket that tells whether it exists, is this pair's, and replicates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// `Enabled`, `Suspended`, or None when versioning was never turned on.
    pub versioning: Option<String>,
    pub tags: Tags,
    pub replication: Option<ReplicationConfiguration>,
}

impl Observed {
    /// The versioning status as the outputs show it.
    pub fn versioning_label(&self) -> &str {
        self.versioning.as_deref().unwrap_or("Off")
    }
}

/// The bucket's state, or None when it does not exist.
pub async fn observe(ctx: &Context, b: &Bucket) -> Result<Option<Observed>> {
    let head = ctx
        .call("looking up a bucket", async {
            b.client
                .head_bucket()
                .bucket(&b.name)
                .send()
                .await
                .map_err(|e| aws(&b.region, "HeadBucket", e))
        })
        .await;
    let head = match head {
        Ok(h) => h,
        Err(e) if absent(&e, &["NotFound", "NoSuchBucket"]) => return Ok(None),
        Err(e)
            if e.aws_code()
                .is_some_and(|c| c == "Forbidden" || c == "AccessDenied") =>
        {
            return Err(taken(
                b,
                "another AWS account owns it, or these credentials may not read it",
            ))
        }
        Err(e) => return Err(e),
    };
    if let Some(other) = head.bucket_region().filter(|r| *r != b.region) {
        return Err(taken(b, &format!("it exists in {other}")));
    }
    let (versioning, tags, replication) =
        futures::try_join!(versioning(ctx, b), tags(ctx, b), replication::read(ctx, b))?;
    Ok(Some(Observed {
        versioning,
        tags,
        replication,
    }))
}

fn taken(b: &Bucket, why: &str) -> ProviderError {
    ProviderError::Refused {
        what: format!(
            "the bucket name {} ({} bucket, {}) cannot be used: {why}",
            b.name, b.role, b.region
        ),
        hint: "bucket names are global across AWS accounts: choose another namePrefix".into(),
    }
}

async fn versioning(ctx: &Context, b: &Bucket) -> Result<Option<String>> {
    let out = ctx
        .call("reading bucket versioning", async {
            b.client
                .get_bucket_versioning()
                .bucket(&b.name)
                .send()
                .await
                .map_err(|e| aws(&b.region, "GetBucketVersioning", e))
        })
        .await?;
    Ok(out.status().map(|s| s.as_str().to_string()))
}

async fn tags(ctx: &Context, b: &Bucket) -> Result<Tags> {
    let res = ctx
        .call("reading bucket tags", async {
            b.client
                .get_bucket_tagging()
                .bucket(&b.name)
                .send()
                .await
                .map_err(|e| aws(&b.region, "GetBucketTagging", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()),
        Err(e) if absent(&e, &["NoSuchTagSet"]) => Ok(Tags::new()),
        Err(e) => Err(e),
    }
}

/// Makes sure the bucket exists and is this pair's; returns what S3 has for it.
/// `known` says the state already records the bucket as this resource's.
pub async fn ensure(ctx: &Context, b: &Bucket, spec: &Spec, known: bool) -> Result<Observed> {
    let observed = match observe(ctx, b).await? {
        Some(o) => {
            adopt(ctx, b, spec, &o, known).await?;
            o
        }
        None => create(ctx, b, spec, known).await?,
    };
    apply_settings(ctx, b, spec, &observed).await?;
    Ok(observed)
}

async fn create_bucket(ctx: &Context, b: &Bucket) -> Result<()> {
    // us-east-1 is the default location: S3 refuses it as an explicit LocationConstraint.
    let location = (b.region != "us-east-1").then(|| {
        CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(b.region.as_str()))
            .build()
    });
    ctx.call("creating a bucket", async {
        b.client
            .create_bucket()
            .bucket(&b.name)
            .set_create_bucket_configuration(location)
            .send()
            .await
            .map_err(|e| aws(&b.region, "CreateBucket", e))
    })
    .await
    .map(|_| ())
}

async fn create(ctx: &Context, b: &Bucket, spec: &Spec, known: bool) -> Result<Observed> {
    match create_bucket(ctx, b).await {
        Ok(()) => Ok(Observed::default()),
        // An earlier attempt whose answer was lost, or a concurrent one: ours if it looks it.
        Err(e) if e.is_code("BucketAlreadyOwnedByYou") => {
            let o = observe(ctx, b).await?.ok_or(e)?;
            adopt(ctx, b, spec, &o, known).await?;
            Ok(o)
        }
        Err(e) if e.is_code("BucketAlreadyExists") => Err(taken(b, "another AWS account owns it")),
        Err(e) => Err(e),
    }
}

/// Whose an existing bucket in this account is.
enum Owner {
    ThisPair,
    /// Another ReplicatedBucket's, by its owner tag.
    OtherPair(String),
    Unknown,
}

/// An existing bucket is this pair's when the state knows it, when it carries the pair's owner tag,
/// or when it is bare (no tags, versioning never turned on, no objects): what a CreateBucket whose
/// answer was lost leaves. Anything else is someone else's.
async fn owner(ctx: &Context, b: &Bucket, spec: &Spec, o: &Observed, known: bool) -> Result<Owner> {
    if known {
        return Ok(Owner::ThisPair);
    }
    match o.tags.get(OWNER_TAG) {
        Some(owner) if *owner == spec.owner() => Ok(Owner::ThisPair),
        Some(owner) => Ok(Owner::OtherPair(owner.clone())),
        None if o.tags.is_empty()
            && o.versioning.is_none()
            && count_versions(ctx, b, 1).await? == 0 =>
        {
            Ok(Owner::ThisPair)
        }
        None => Ok(Owner::Unknown),
    }
}

async fn adopt(ctx: &Context, b: &Bucket, spec: &Spec, o: &Observed, known: bool) -> Result<()> {
    match owner(ctx, b, spec, o, known).await? {
        Owner::ThisPair => Ok(()),
        Owner::OtherPair(other) => Err(ProviderError::Refused {
            what: format!(
                "bucket {} in {} belongs to another ReplicatedBucket ({OWNER_TAG}={other})",
                b.name, b.region
            ),
            hint: "choose another namePrefix, or delete the other pair first".into(),
        }),
        Owner::Unknown => Err(ProviderError::Refused {
            what: format!(
                "bucket {} already exists in {} and is not managed by this resource (it has no {OWNER_TAG} tag)",
                b.name, b.region
            ),
            hint: format!(
                "choose another namePrefix; to take the bucket over, tag it {OWNER_TAG}={} first",
                spec.owner()
            ),
        }),
    }
}

/// The bucket's state when it exists and is this pair's; None when it is missing or someone else's
/// (warned about: it is left alone, and never shown as this pair's).
pub async fn observe_owned(
    ctx: &Context,
    b: &Bucket,
    spec: &Spec,
    known: bool,
) -> Result<Option<Observed>> {
    let o = match observe(ctx, b).await {
        Ok(Some(o)) => o,
        Ok(None) | Err(ProviderError::Refused { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    if matches!(owner(ctx, b, spec, &o, known).await?, Owner::ThisPair) {
        return Ok(Some(o));
    }
    ctx.reporter.warn(&format!(
        "bucket {} in {} is not this pair's (no {OWNER_TAG}={} tag): it is left alone",
        b.name,
        b.region,
        spec.owner()
    ));
    Ok(None)
}

/// Writes every setting that differs from the declaration. Tags first: they mark the bucket as
/// this pair's, so a failure later leaves a bucket the next attempt recognizes.
async fn apply_settings(ctx: &Context, b: &Bucket, spec: &Spec, o: &Observed) -> Result<()> {
    let want_tags = spec.resource_tags();
    if o.tags != want_tags {
        put_tags(ctx, b, &want_tags).await?;
    }
    if o.versioning.as_deref() != Some("Enabled") {
        enable_versioning(ctx, b).await?;
    }
    let kms_key = spec.buckets.get(b.role).kms_key_arn.as_deref();
    futures::try_join!(
        ensure_encryption(ctx, b, kms_key),
        ensure_public_access_block(ctx, b),
        ensure_lifecycle(ctx, b, spec.noncurrent_days),
    )?;
    Ok(())
}

/// Creates the bucket and writes every setting without reading any first: a bucket S3 has just
/// created has none of them. Tags go first, as in [`ensure`]. `Ok(None)`: the bucket exists already
/// (an earlier attempt, or someone else's), and the caller looks at it before touching it.
pub async fn create_new(ctx: &Context, b: &Bucket, spec: &Spec) -> Result<Option<Observed>> {
    match create_bucket(ctx, b).await {
        Ok(()) => {}
        Err(e) if e.is_code("BucketAlreadyOwnedByYou") => return Ok(None),
        Err(e) if e.is_code("BucketAlreadyExists") => {
            return Err(taken(b, "another AWS account owns it"))
        }
        Err(e) => return Err(e),
    }
    let tags = spec.resource_tags();
    put_tags(ctx, b, &tags).await?;
    let kms_key = spec.buckets.get(b.role).kms_key_arn.as_deref();
    let lifecycle = async {
        match spec.noncurrent_days {
            Some(days) => write_lifecycle(ctx, b, vec![lifecycle_rule(days)?]).await,
            None => Ok(()),
        }
    };
    // Each call runs to its end (no sibling is cut off half way); the first error is the answer.
    let (versioning, encryption, public_access, lifecycle) = futures::join!(
        enable_versioning(ctx, b),
        put_encryption(ctx, b, kms_key),
        put_public_access_block(ctx, b),
        lifecycle,
    );
    versioning
        .and(encryption)
        .and(public_access)
        .and(lifecycle)?;
    Ok(Some(Observed {
        versioning: Some("Enabled".into()),
        tags,
        replication: None,
    }))
}

async fn enable_versioning(ctx: &Context, b: &Bucket) -> Result<()> {
    ctx.call("enabling bucket versioning", async {
        b.client
            .put_bucket_versioning()
            .bucket(&b.name)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| aws(&b.region, "PutBucketVersioning", e))
    })
    .await?;
    Ok(())
}

async fn put_tags(ctx: &Context, b: &Bucket, tags: &Tags) -> Result<()> {
    let tag_set = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ProviderError::Internal(format!("building bucket tags: {e}")))?;
    let tagging = Tagging::builder()
        .set_tag_set(Some(tag_set))
        .build()
        .map_err(|e| ProviderError::Internal(format!("building bucket tags: {e}")))?;
    ctx.call("tagging a bucket", async {
        b.client
            .put_bucket_tagging()
            .bucket(&b.name)
            .tagging(tagging)
            .send()
            .await
            .map_err(|e| aws(&b.region, "PutBucketTagging", e))
    })
    .await?;
    Ok(())
}

/// SSE-S3, or SSE-KMS with this region's key and an S3 Bucket Key (far fewer KMS requests).
async fn ensure_encryption(ctx: &Context, b: &Bucket, kms_key: Option<&str>) -> Result<()> {
    let res = ctx
        .call("reading bucket encryption", async {
            b.client
                .get_bucket_encryption()
                .bucket(&b.name)
                .send()
                .await
                .map_err(|e| aws(&b.region, "GetBucketEncryption", e))
        })
        .await;
    let current = match res {
        Ok(out) => out.server_side_encryption_configuration,
        Err(e) if absent(&e, &["ServerSideEncryptionConfigurationNotFoundError"]) => None,
        Err(e) => return Err(e),
    };
    let rule = current.as_ref().and_then(|c| c.rules().first());
    let default = rule.and_then(|r| r.apply_server_side_encryption_by_default());
    let algorithm = default.map(|d| d.sse_algorithm().as_str());
    let in_place = match kms_key {
        None => algorithm == Some(SSE_S3),
        Some(key) => {
            algorithm == Some(SSE_KMS)
                && default.and_then(|d| d.kms_master_key_id()) == Some(key)
                && rule.and_then(|r| r.bucket_key_enabled()) == Some(true)
        }
    };
    if in_place {
        return Ok(());
    }
    put_encryption(ctx, b, kms_key).await
}

async fn put_encryption(ctx: &Context, b: &Bucket, kms_key: Option<&str>) -> Result<()> {
    let by_default = match kms_key {
        None => {
            ServerSideEncryptionByDefault::builder().sse_algorithm(ServerSideEncryption::Aes256)
        }
        Some(key) => ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::AwsKms)
            .kms_master_key_id(key),
    }
    .build()
    .map_err(|e| ProviderError::Internal(format!("building bucket encryption: {e}")))?;
    let config = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(by_default)
                .bucket_key_enabled(kms_key.is_some())
                .build(),
        )
        .build()
        .map_err(|e| ProviderError::Internal(format!("building bucket encryption: {e}")))?;
    ctx.call("setting bucket encryption", async {
        b.client
            .put_bucket_encryption()
            .bucket(&b.name)
            .server_side_encryption_configuration(config)
            .send()
            .await
            .map_err(|e| aws(&b.region, "PutBucketEncryption", e))
    })
    .await?;
    Ok(())
}

async fn ensure_public_access_block(ctx: &Context, b: &Bucket) -> Result<()> {
    let res = ctx
        .call("reading the public access block", async {
            b.client
                .get_public_access_block()
                .bucket(&b.name)
                .send()
                .await
                .map_err(|e| aws(&b.region, "GetPublicAccessBlock", e))
        })
        .await;
    let blocked = match res {
        Ok(out) => out.public_access_block_configuration.is_some_and(|c| {
            [
                c.block_public_acls(),
                c.ignore_public_acls(),
                c.block_public_policy(),
                c.restrict_public_buckets(),
            ]
            .iter()
            .all(|v| *v == Some(true))
        }),
        Err(e) if absent(&e, &["NoSuchPublicAccessBlockConfiguration"]) => false,
        Err(e) => return Err(e),
    };
    if blocked {
        return Ok(());
    }
    put_public_access_block(ctx, b).await
}

async fn put_public_access_block(ctx: &Context, b: &Bucket) -> Result<()> {
    ctx.call("blocking public access", async {
        b.client
            .put_public_access_block()
            .bucket(&b.name)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| aws(&b.region, "PutPublicAccessBlock", e))
    })
    .await?;
    Ok(())
}

/// This provider's lifecycle rule expires noncurrent versions after `days`; rules others added
/// stay as they are (S3 replaces the whole configuration on every write, so they are written back).
async fn ensure_lifecycle(ctx: &Context, b: &Bucket, days: Option<i64>) -> Result<()> {
    let res = ctx
        .call("reading the lifecycle configuration", async {
            b.client
                .get_bucket_lifecycle_configuration()
                .bucket(&b.name)
                .send()
                .await
                .map_err(|e| aws(&b.region, "GetBucketLifecycleConfiguration", e))
        })
        .await;
    let rules = match res {
        Ok(out) => out.rules.unwrap_or_default(),
        Err(e) if absent(&e, &["NoSuchLifecycleConfiguration"]) => Vec::new(),
        Err(e) => return Err(e),
    };
    let ours = rules.iter().find(|r| r.id() == Some(LIFECYCLE_RULE_ID));
    let have = ours.and_then(|r| {
        (r.status() == &ExpirationStatus::Enabled)
            .then(|| r.noncurrent_version_expiration())
            .flatten()
            .and_then(|n| n.noncurrent_days())
            .map(i64::from)
    });
    if have == days && (days.is_some() || ours.is_none()) {
        return Ok(());
    }
    let mut keep: Vec<LifecycleRule> = rules
        .into_iter()
        .filter(|r| r.id() != Some(LIFECYCLE_RULE_ID))
        .collect();
    if let Some(days) = days {
        keep.push(lifecycle_rule(days)?);
    }
    write_lifecycle(ctx, b, keep).await
}

fn lifecycle_rule(days: i64) -> Result<LifecycleRule> {
    LifecycleRule::builder()
        .id(LIFECYCLE_RULE_ID)
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .noncurrent_days(i32::try_from(days).unwrap_or(i32::MAX))
                .build(),
        )
        .build()
        .map_err(|e| ProviderError::Internal(format!("building a lifecycle rule: {e}")))
}

/// Writes the whole lifecycle configuration (S3 replaces it on every write); none when `keep` is
/// empty.
async fn write_lifecycle(ctx: &Context, b: &Bucket, keep: Vec<LifecycleRule>) -> Result<()> {
    if keep.is_empty() {
        ctx.call("removing the lifecycle configuration", async {
            b.client
                .delete_bucket_lifecycle()
                .bucket(&b.name)
                .send()
                .await
                .map_err(|e| aws(&b.region, "DeleteBucketLifecycle", e))
        })
        .await?;
        return Ok(());
    }
    let config = BucketLifecycleConfiguration::builder()
        .set_rules(Some(keep))
        .build()
        .map_err(|e| ProviderError::Internal(format!("building a lifecycle configuration: {e}")))?;
    ctx.call("writing the lifecycle configuration", async {
        b.client
            .put_bucket_lifecycle_configuration()
            .bucket(&b.name)
            .lifecycle_configuration(config)
            .send()
            .await
            .map_err(|e| aws(&b.region, "PutBucketLifecycleConfiguration", e))
    })
    .await?;
    Ok(())
}

/// One page of object versions and delete markers, as the keys DeleteObjects takes.
struct Page {
    keys: Vec<ObjectIdentifier>,
    next: Option<(Option<String>, Option<String>)>,
}

async fn list_versions(
    ctx: &Context,
    b: &Bucket,
    marker: &(Option<String>, Option<String>),
    max: usize,
) -> Result<Option<Page>> {
    let res = ctx
        .call("listing object versions", async {
            b.client
                .list_object_versions()
                .bucket(&b.name)
                .set_key_marker(marker.0.clone())
                .set_version_id_marker(marker.1.clone())
                .max_keys(max.min(DELETE_BATCH) as i32)
                .send()
                .await
                .map_err(|e| aws(&b.region, "ListObjectVersions", e))
        })
        .await;
    let out = match res {
        Ok(out) => out,
        Err(e) if absent(&e, &["NoSuchBucket"]) => return Ok(None),
        Err(e) => return Err(e),
    };
    let ident = |key: Option<&str>, version: Option<&str>| {
        ObjectIdentifier::builder()
            .key(key.unwrap_or_default())
            .set_version_id(version.map(str::to_string))
            .build()
            .map_err(|e| ProviderError::Internal(format!("building an object identifier: {e}")))
    };
    let mut keys = Vec::new();
    for v in out.versions() {
        keys.push(ident(v.key(), v.version_id())?);
    }
    for m in out.delete_markers() {
        keys.push(ident(m.key(), m.version_id())?);
    }
    let next = (out.is_truncated() == Some(true)).then(|| {
        (
            out.next_key_marker().map(str::to_string),
            out.next_version_id_marker().map(str::to_string),
        )
    });
    Ok(Some(Page { keys, next }))
}

/// Object versions plus delete markers in the bucket, counted up to `cap`.
pub async fn count_versions(ctx: &Context, b: &Bucket, cap: usize) -> Result<usize> {
    let mut marker = (None, None);
    let mut count = 0;
    while let Some(page) = list_versions(ctx, b, &marker, cap - count).await? {
        count += page.keys.len();
        match page.next {
            Some(next) if count < cap => marker = next,
            _ => break,
        }
    }
    Ok(count)
}

pub async fn count_for_refusal(ctx: &Context, b: &Bucket) -> Result<usize> {
    count_versions(ctx, b, COUNT_CAP).await
}

/// Deletes every object version and delete marker, a page (at most 1,000 keys) at a time.
/// Listing starts over after each batch: the deleted keys are gone from the listing.
async fn empty(ctx: &Context, b: &Bucket) -> Result<usize> {
    let started = std::time::Instant::now();
    let mut deleted = 0;
    loop {
        let Some(page) = list_versions(ctx, b, &(None, None), DELETE_BATCH).await? else {
            return Ok(deleted);
        };
        if page.keys.is_empty() {
            return Ok(deleted);
        }
        let n = page.keys.len();
        let delete = Delete::builder()
            .set_objects(Some(page.keys))
            .quiet(true)
            .build()
            .map_err(|e| ProviderError::Internal(format!("building a delete batch: {e}")))?;
        let out = ctx
            .call("deleting object versions", async {
                b.client
                    .delete_objects()
                    .bucket(&b.name)
                    .delete(delete)
                    .send()
                    .await
                    .map_err(|e| aws(&b.region, "DeleteObjects", e))
            })
            .await?;
        if let Some(err) = out.errors().first() {
            return Err(ProviderError::Aws(crate::error::AwsFailure {
                region: b.region.clone(),
                operation: "DeleteObjects",
                code: err.code().unwrap_or_default().to_string(),
                message: format!(
                    "{} of {n} object versions in {} could not be deleted, e.g. {}: {}",
                    out.errors().len(),
                    b.name,
                    err.key().unwrap_or_default(),
                    err.message().unwrap_or_default()
                ),
            }));
        }
        deleted += n;
        ctx.reporter.status(
            &format!(
                "emptying bucket {}: {deleted} object versions deleted",
                b.name
            ),
            &b.region,
            started.elapsed(),
        );
    }
}

/// Deletes the bucket; with `force`, its object versions first. A bucket already gone is fine.
/// Objects may still arrive while it is emptied (replication in flight), so a bucket S3 finds not
/// empty is emptied again until the operation's deadline.
pub async fn delete(ctx: &Context, b: &Bucket, force: bool) -> Result<()> {
    ctx.wait_for(
        &format!("deleting bucket {}", b.name),
        &b.region,
        || async {
            if force {
                empty(ctx, b).await?;
            }
            let res = ctx
                .call("deleting a bucket", async {
                    b.client
                        .delete_bucket()
                        .bucket(&b.name)
                        .send()
                        .await
                        .map_err(|e| aws(&b.region, "DeleteBucket", e))
                })
                .await;
            match res {
                Ok(_) => Ok(Some(())),
                Err(e) if absent(&e, &["NoSuchBucket"]) => Ok(Some(())),
                Err(e) if force && e.is_code("BucketNotEmpty") => Ok(None),
                Err(e) => Err(e),
            }
        },
    )
    .await
}
