"""The fewest AWS calls each resource operation needs, and the order AWS forces on them.

Each operation is a list of calls `(name, service, operation, region, after, reason)`: `region` is
P (primary, us-east-1), S (secondary, us-east-2) or G (a global service, signed in us-east-1);
`after` names the calls whose answer or effect this one needs. A wait counts as one poll: the
emulator's lifecycles are instant, so the first poll finds the state reached, and fewer than one poll
cannot tell. The inputs are those of bench/run.py's ops bench (provider/examples/ops_bench.rs): the
blocks of examples/python, one instance per region, point-in-time recovery and a TTL on the table,
a lifecycle rule on the buckets, forceDestroy off.

bench/run.py compares the calls each operation makes (from the emulator's call log) with these, and
its wall time with the critical path: the longest chain through `after`, each call weighted by how
long the emulator took to answer it.
"""

P, S, G = "us-east-1", "us-east-2", "us-east-1"

MINIMUM = {
    ("DnsFailover", "create"): [
        ("zone", "route53", "ListHostedZonesByName", G, [],
         "zoneName to zone ID; first, because the checks' CallerReference names the zone (two zones can share a name) and a missing zone must fail before anything exists"),
        ("check-p", "route53", "CreateHealthCheck", G, ["zone"], "the primary endpoint's health check"),
        ("check-s", "route53", "CreateHealthCheck", G, ["zone"], "the secondary endpoint's health check"),
        ("tags-p", "route53", "ChangeTagsForResource", G, ["check-p"], "CreateHealthCheck takes no tags; one call per check"),
        ("tags-s", "route53", "ChangeTagsForResource", G, ["check-s"], "the same, for the other check"),
        ("records", "route53", "ChangeResourceRecordSets", G, ["check-p", "check-s"],
         "both failover records in one atomic batch; each names its check"),
        ("insync", "route53", "GetChange", G, ["records"], "wait until the change is INSYNC on every name server"),
    ],
    ("DnsFailover", "delete"): [
        ("records", "route53", "ChangeResourceRecordSets", G, [],
         "DELETE both records in one batch, with the values the state records (Route 53 needs them)"),
        ("insync", "route53", "GetChange", G, ["records"], "no name server still answers with the records"),
        ("check-p", "route53", "DeleteHealthCheck", G, ["insync"], "the checks go once no record uses them"),
        ("check-s", "route53", "DeleteHealthCheck", G, ["insync"], "the same, for the other check"),
    ],
    ("GlobalTable", "create"): [
        ("table", "dynamodb", "CreateTable", P, [],
         "keys, billing, the stream replication needs, encryption, deletion protection and tags in one call"),
        ("active", "dynamodb", "DescribeTable", P, ["table"], "a replica is added only to an ACTIVE table"),
        ("pitr-p", "dynamodb", "UpdateContinuousBackups", P, ["active"], "point-in-time recovery is each replica's own"),
        ("replica", "dynamodb", "UpdateTable", P, ["active"], "ReplicaUpdates Create, asked of the primary"),
        ("replica-active", "dynamodb", "DescribeTable", P, ["replica"], "wait until the replica is ACTIVE"),
        ("ttl", "dynamodb", "UpdateTimeToLive", P, ["replica-active"],
         "synchronized to replicas, but not while the table is UPDATING"),
        ("pitr-s", "dynamodb", "UpdateContinuousBackups", S, ["replica-active"], "the replica's own point-in-time recovery"),
        ("tags-s", "dynamodb", "TagResource", S, ["replica-active"], "tags are not replicated"),
        ("read-s", "dynamodb", "DescribeTable", S, ["replica-active"], "the replica's ARN and stream ARN for the outputs"),
    ],
    ("GlobalTable", "delete"): [
        ("replica", "dynamodb", "UpdateTable", P, [], "ReplicaUpdates Delete: the replica leaves first"),
        ("left", "dynamodb", "DescribeTable", P, ["replica"],
         "DeleteTable is refused while the table is UPDATING (the replica leaving)"),
        ("table", "dynamodb", "DeleteTable", P, ["left"], "then the last table"),
        ("gone-p", "dynamodb", "DescribeTable", P, ["table"], "deleted only once DescribeTable says so: the name can be reused"),
        ("gone-s", "dynamodb", "DescribeTable", S, ["left"], "the same for the replica's table"),
    ],
    ("ReplicatedBucket", "create"): [
        ("bucket-p", "s3", "CreateBucket", P, [], "the primary bucket"),
        ("bucket-s", "s3", "CreateBucket", S, [], "the secondary bucket"),
        ("role", "iam", "CreateRole", G, [], "the replication role, with its tags"),
        ("policy", "iam", "PutRolePolicy", G, ["role"], "what replication between these two buckets needs"),
        ("tags-p", "s3", "PutBucketTagging", P, ["bucket-p"],
         "the owner tag before any other setting: a create that stops half way leaves a bucket the next attempt knows as its own"),
        ("tags-s", "s3", "PutBucketTagging", S, ["bucket-s"], "the same"),
        ("versioning-p", "s3", "PutBucketVersioning", P, ["tags-p"], "replication needs versioning on both buckets"),
        ("versioning-s", "s3", "PutBucketVersioning", S, ["tags-s"], "the same"),
        ("encryption-p", "s3", "PutBucketEncryption", P, ["tags-p"], "declared SSE (see docs/performance.md)"),
        ("encryption-s", "s3", "PutBucketEncryption", S, ["tags-s"], "the same"),
        ("public-p", "s3", "PutPublicAccessBlock", P, ["tags-p"], "declared: private buckets (see docs/performance.md)"),
        ("public-s", "s3", "PutPublicAccessBlock", S, ["tags-s"], "the same"),
        ("lifecycle-p", "s3", "PutBucketLifecycleConfiguration", P, ["tags-p"], "noncurrent versions expire"),
        ("lifecycle-s", "s3", "PutBucketLifecycleConfiguration", S, ["tags-s"], "the same"),
        ("replication", "s3", "PutBucketReplication", P, ["versioning-p", "versioning-s", "role"],
         "S3 refuses a rule unless both buckets are versioned; the rule names the role"),
    ],
    ("ReplicatedBucket", "delete"): [
        ("count-p", "s3", "ListObjectVersions", P, [],
         "forceDestroy is off: a pair that holds objects is refused before anything is deleted"),
        ("count-s", "s3", "ListObjectVersions", S, [], "the same"),
        ("bucket-p", "s3", "DeleteBucket", P, ["count-p", "count-s"], "the bucket, its configuration with it"),
        ("bucket-s", "s3", "DeleteBucket", S, ["count-p", "count-s"], "the same"),
        ("policy", "iam", "DeleteRolePolicy", G, ["count-p", "count-s"], "IAM deletes a role only without inline policies"),
        ("role", "iam", "DeleteRole", G, ["policy"], "the role"),
    ],
    ("GlobalDatabase", "create"): [
        ("global", "rds", "CreateGlobalCluster", P, [], "the empty global cluster (engine, version)"),
        ("cluster-p", "rds", "CreateDBCluster", P, ["global"], "the primary cluster, in the global cluster, with the master credentials"),
        ("writer", "rds", "DescribeGlobalClusters", P, ["cluster-p"],
         "a secondary is refused until the primary is the global writer (aws-dr.md 1.2)"),
        ("instance-p", "rds", "CreateDBInstance", P, ["cluster-p"], "asked for while the cluster is creating (refused: wait for the cluster, ask again)"),
        ("cluster-s", "rds", "CreateDBCluster", S, ["writer"], "the secondary cluster, without credentials or database name (refused while the primary is creating: wait for it, ask again)"),
        ("instance-s", "rds", "CreateDBInstance", S, ["cluster-s"], "the secondary's reader"),
        ("available-p", "rds", "DescribeDBInstances", P, ["instance-p"], "wait until the writer instance is available"),
        ("available-s", "rds", "DescribeDBInstances", S, ["instance-s"], "wait until the reader instance is available"),
    ],
    ("GlobalDatabase", "delete"): [
        ("detach-s", "rds", "RemoveFromGlobalCluster", S, [], "secondaries leave first (aws-dr.md 1.9)"),
        ("instance-s", "rds", "DeleteDBInstance", S, [], "a secondary's instance may go while it is attached"),
        ("detached-s", "rds", "DescribeDBClusters", S, ["detach-s"],
         "promotion over: until then the primary cannot leave and the cluster cannot be deleted"),
        ("cluster-s", "rds", "DeleteDBCluster", S, ["detached-s", "instance-s"],
         "AWS refuses only while an instance is not yet deleting (then: delete and wait for them, ask again)"),
        ("detach-p", "rds", "RemoveFromGlobalCluster", P, ["detached-s"], "then the primary leaves"),
        ("instance-p", "rds", "DeleteDBInstance", P, ["detached-s"], "the last primary instance goes once no replica cluster is left"),
        ("detached-p", "rds", "DescribeDBClusters", P, ["detach-p"], "the primary's promotion over"),
        ("cluster-p", "rds", "DeleteDBCluster", P, ["detached-p", "instance-p"], "then its cluster"),
        ("global", "rds", "DeleteGlobalCluster", P, ["detached-p"], "the global cluster once it has no member"),
        ("gone-s", "rds", "DescribeDBClusters", S, ["cluster-s"], "wait until the secondary cluster is gone"),
        ("gone-p", "rds", "DescribeDBClusters", P, ["cluster-p"], "wait until the primary cluster is gone"),
    ],
}


def chain_length(calls) -> int:
    """The number of calls on the longest chain of `after`."""
    depth = {}
    for name, _, _, _, after, _ in calls:
        depth[name] = 1 + max((depth[a] for a in after), default=0)
    return max(depth.values())


def critical_path(calls, seconds) -> float:
    """The longest chain of `after`, each call taking `seconds[name]`."""
    finish = {}
    for name, _, _, _, after, _ in calls:
        finish[name] = seconds[name] + max((finish[a] for a in after), default=0.0)
    return max(finish.values())
