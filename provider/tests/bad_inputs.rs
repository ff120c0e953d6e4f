//! The bad-input catalogue: invalid inputs for every resource, the MultiRegionDR component and the
//! provider configuration, each sent through the provider's gRPC surface (Check, Construct,
//! CheckConfig and Configure) as the engine sends it, each expected to be refused with a failure that
//! names the property and says the rule.
//!
//! A row is (target, inputs, property, fragment of the reason). Resource rows are a valid base with a
//! patch: top-level keys replaced, `"<absent>"` removing one. Every base is checked valid first, so a
//! row fails only by its own fault.

mod rpc_support;

use multiregion_dr::rpc::service::ProviderService;
use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use rpc::resource_provider_server::ResourceProvider;
use rpc_support::{figure, json, status_failures, strukt, urn};
use serde_json::json as j;
use tonic::Request;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Database,
    Dns,
    Table,
    Bucket,
    Component,
    Config,
}

use Target::*;

impl Target {
    fn token(self) -> &'static str {
        match self {
            Database => "multiregion-dr:index:GlobalDatabase",
            Dns => "multiregion-dr:index:DnsFailover",
            Table => "multiregion-dr:index:GlobalTable",
            Bucket => "multiregion-dr:index:ReplicatedBucket",
            Component => "multiregion-dr:index:MultiRegionDR",
            Config => "pulumi:providers:multiregion-dr",
        }
    }

    fn base(self) -> serde_json::Value {
        match self {
            Database => j!({"engine": "aurora-postgresql", "masterUsername": "app",
                            "masterPassword": "correct-horse-9", "instanceClass": "db.r6g.large"}),
            Dns => j!({"zoneName": "example.com", "recordName": "api",
                       "primaryEndpoint": "a.example.net", "secondaryEndpoint": "b.example.net"}),
            Table => j!({"hashKey": "pk", "attributes": [{"name": "pk", "type": "S"}]}),
            Bucket => j!({"namePrefix": "orders"}),
            Component => j!({"dns": Dns.base()}),
            Config => j!({"primaryRegion": "us-east-1", "secondaryRegion": "us-east-2"}),
        }
    }
}

struct Row {
    target: Target,
    patch: serde_json::Value,
    property: &'static str,
    fragment: &'static str,
}

fn row(
    target: Target,
    patch: serde_json::Value,
    property: &'static str,
    fragment: &'static str,
) -> Row {
    Row {
        target,
        patch,
        property,
        fragment,
    }
}

fn inputs_of(target: Target, patch: &serde_json::Value) -> serde_json::Value {
    let mut inputs = target.base();
    for (k, v) in patch.as_object().expect("patches are objects") {
        if v == "<absent>" {
            inputs.as_object_mut().unwrap().remove(k);
        } else {
            inputs[k] = v.clone();
        }
    }
    inputs
}

const KMS_EAST_1: &str =
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KMS_EAST_2: &str =
    "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KMS_WEST_2: &str =
    "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn catalogue() -> Vec<Row> {
    let dns = Dns.base();
    let with = |base: &serde_json::Value, k: &str, v: serde_json::Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let hc = |v: serde_json::Value| j!({ "healthCheck": v });
    vec![
        // GlobalDatabase
        row(
            Database,
            j!({"engine": "oracle"}),
            "engine",
            "must be one of aurora-postgresql, aurora-mysql",
        ),
        row(
            Database,
            j!({"engine": "<absent>"}),
            "engine",
            "is required",
        ),
        row(Database, j!({"engine": ""}), "engine", "must not be empty"),
        row(
            Database,
            j!({"masterPassword": "<absent>"}),
            "masterPassword",
            "is required",
        ),
        row(
            Database,
            j!({"masterPassword": ""}),
            "masterPassword",
            "must not be empty",
        ),
        row(
            Database,
            j!({"masterPassword": "short"}),
            "masterPassword",
            "must be 8-128 characters",
        ),
        row(
            Database,
            j!({"masterPassword": "has@sign-long"}),
            "masterPassword",
            "must not contain @",
        ),
        row(
            Database,
            j!({"masterPassword": "with a space"}),
            "masterPassword",
            "must not contain a space",
        ),
        row(
            Database,
            j!({"masterPassword": "pässwörd-long"}),
            "masterPassword",
            "printable ASCII",
        ),
        row(
            Database,
            j!({"masterUsername": "1admin"}),
            "masterUsername",
            "starting with a letter",
        ),
        row(
            Database,
            j!({"masterUsername": ""}),
            "masterUsername",
            "must not be empty",
        ),
        row(
            Database,
            j!({"engine": "aurora-mysql", "masterUsername": "a_very_long_username"}),
            "masterUsername",
            "1-16 letters",
        ),
        row(
            Database,
            j!({"engineVersion": "banana"}),
            "engineVersion",
            "is not a aurora-postgresql version",
        ),
        row(
            Database,
            j!({"globalClusterIdentifier": "9lives"}),
            "globalClusterIdentifier",
            "must start with a letter",
        ),
        row(
            Database,
            j!({"globalClusterIdentifier": "a".repeat(46)}),
            "globalClusterIdentifier",
            "must be 1-45 characters",
        ),
        row(
            Database,
            j!({"instanceClass": "large"}),
            "instanceClass",
            "is not a DB instance class",
        ),
        row(
            Database,
            j!({"instanceClass": "db.serverless"}),
            "instanceClass",
            "needs serverlessV2 capacity",
        ),
        row(
            Database,
            j!({"serverlessV2": {"minCapacity": 0.5, "maxCapacity": 4}}),
            "serverlessV2",
            "cannot be combined with instanceClass",
        ),
        row(
            Database,
            j!({"instanceClass": "<absent>"}),
            "instanceClass",
            "set instanceClass",
        ),
        row(
            Database,
            j!({"instanceClass": "<absent>", "serverlessV2": {"minCapacity": 0.3, "maxCapacity": 4}}),
            "serverlessV2.minCapacity",
            "steps of 0.5",
        ),
        row(
            Database,
            j!({"instanceClass": "<absent>", "serverlessV2": {"minCapacity": 8, "maxCapacity": 4}}),
            "serverlessV2.maxCapacity",
            "must not be less than minCapacity",
        ),
        row(
            Database,
            j!({"primary": {"instanceCount": 0}}),
            "primary.instanceCount",
            "must be 1 to 15",
        ),
        row(
            Database,
            j!({"secondary": {"instanceCount": 16}}),
            "secondary.instanceCount",
            "must be 0 to 15",
        ),
        row(
            Database,
            j!({"primary": {"vpcSecurityGroupIds": ["sg-xyz"]}}),
            "primary.vpcSecurityGroupIds[0]",
            "is not a security group ID",
        ),
        row(
            Database,
            j!({"secondary": {"kmsKeyId": " "}}),
            "secondary.kmsKeyId",
            "must not be empty",
        ),
        row(
            Database,
            j!({"backupRetentionPeriod": 0}),
            "backupRetentionPeriod",
            "must be 1 to 35 days",
        ),
        row(
            Database,
            j!({"backupRetentionPeriod": "seven"}),
            "backupRetentionPeriod",
            "has the wrong type",
        ),
        row(
            Database,
            j!({"deletionProtection": "yes"}),
            "deletionProtection",
            "has the wrong type",
        ),
        row(
            Database,
            j!({"primary": "big"}),
            "primary",
            "has the wrong type",
        ),
        row(
            Database,
            j!({"preferredBackupWindow": "3:00-4:00"}),
            "preferredBackupWindow",
            "is not hh24:mi-hh24:mi",
        ),
        row(
            Database,
            j!({"preferredBackupWindow": "03:00-03:10"}),
            "preferredBackupWindow",
            "at least 30 minutes",
        ),
        row(
            Database,
            j!({"databaseName": "1db"}),
            "databaseName",
            "starting with a letter",
        ),
        row(
            Database,
            j!({"finalSnapshotIdentifier": "final--snap"}),
            "finalSnapshotIdentifier",
            "two consecutive hyphens",
        ),
        row(
            Database,
            j!({"primaryRegion": "mars-north-1"}),
            "primaryRegion",
            "is not an AWS region name",
        ),
        row(
            Database,
            j!({"primaryRegion": "us-west-2", "secondaryRegion": "us-west-2"}),
            "secondaryRegion",
            "must differ from primaryRegion",
        ),
        row(
            Database,
            j!({"tags": {"aws:owner": "me"}}),
            "tags.aws:owner",
            "reserved by AWS",
        ),
        row(
            Database,
            j!({"tags": {"k": "v".repeat(257)}}),
            "tags.k",
            "at most 256 characters",
        ),
        row(
            Database,
            j!({"masterPasswrd": "correct-horse-9"}),
            "masterPasswrd",
            "is not a GlobalDatabase input",
        ),
        // DnsFailover
        row(
            Dns,
            j!({"recordName": "<absent>"}),
            "recordName",
            "required",
        ),
        row(
            Dns,
            j!({"zoneName": "<absent>"}),
            "hostedZoneId",
            "either hostedZoneId or zoneName is required",
        ),
        row(
            Dns,
            j!({"zoneName": "<absent>", "hostedZoneId": "Z-12!"}),
            "hostedZoneId",
            "is not a hosted zone id",
        ),
        row(
            Dns,
            j!({"zoneName": "exa mple.com"}),
            "zoneName",
            "contains ' '",
        ),
        row(Dns, j!({"zoneName": 42}), "zoneName", "must be a string"),
        row(
            Dns,
            j!({"recordType": "MX"}),
            "recordType",
            "is not one of A, AAAA or CNAME",
        ),
        row(
            Dns,
            j!({"recordType": "A"}),
            "primaryEndpoint",
            "is not an IPv4 address",
        ),
        row(
            Dns,
            j!({"recordType": "AAAA", "primaryEndpoint": "192.0.2.1"}),
            "primaryEndpoint",
            "is not an IPv6 address",
        ),
        row(
            Dns,
            j!({"primaryEndpoint": "198.51.100.7"}),
            "primaryEndpoint",
            "a CNAME record needs a host name",
        ),
        row(
            Dns,
            j!({"recordType": "A", "primaryEndpoint": "10.0.0.1", "secondaryEndpoint": "192.0.2.1"}),
            "primaryEndpoint",
            "a private address",
        ),
        row(
            Dns,
            j!({"recordType": "A", "primaryEndpoint": "127.0.0.1", "secondaryEndpoint": "192.0.2.1"}),
            "primaryEndpoint",
            "loopback",
        ),
        row(
            Dns,
            j!({"secondaryEndpoint": "A.example.net."}),
            "secondaryEndpoint",
            "must differ from primaryEndpoint",
        ),
        row(
            Dns,
            j!({"secondaryEndpoint": "<absent>"}),
            "secondaryEndpoint",
            "required",
        ),
        row(Dns, j!({"recordName": "a*b"}), "recordName", "contains '*'"),
        row(
            Dns,
            j!({"recordName": "api.other.org."}),
            "recordName",
            "is not inside the hosted zone",
        ),
        row(
            Dns,
            j!({"recordName": "example.com."}),
            "recordName",
            "cannot be at the zone apex",
        ),
        row(
            Dns,
            j!({"ttl": -5}),
            "ttl",
            "must be between 0 and 2147483647",
        ),
        row(Dns, j!({"ttl": "sixty"}), "ttl", "must be a whole number"),
        row(Dns, j!({"ttl": 1.5}), "ttl", "must be a whole number"),
        row(
            Dns,
            j!({"activeRegion": "west"}),
            "activeRegion",
            "is not primary or secondary",
        ),
        row(
            Dns,
            j!({"primaryRegion": "us-moon-1"}),
            "primaryRegion",
            "is not an AWS region",
        ),
        row(
            Dns,
            j!({"secondaryRegion": "us-east-1"}),
            "secondaryRegion",
            "must differ from primaryRegion",
        ),
        row(
            Dns,
            hc(j!({"type": "PING"})),
            "healthCheck.type",
            "is not one of HTTP, HTTPS",
        ),
        row(
            Dns,
            hc(j!({"port": 70000})),
            "healthCheck.port",
            "between 1 and 65535",
        ),
        row(
            Dns,
            hc(j!({"type": "TCP", "resourcePath": "/health"})),
            "healthCheck.resourcePath",
            "TCP health checks request no path",
        ),
        row(
            Dns,
            hc(j!({"resourcePath": "health"})),
            "healthCheck.resourcePath",
            "must start with '/'",
        ),
        row(
            Dns,
            hc(j!({"type": "HTTP_STR_MATCH"})),
            "healthCheck.searchString",
            "required for HTTP_STR_MATCH",
        ),
        row(
            Dns,
            hc(j!({"searchString": "ok"})),
            "healthCheck.searchString",
            "only HTTP_STR_MATCH and HTTPS_STR_MATCH",
        ),
        row(
            Dns,
            hc(j!({"requestInterval": 15})),
            "healthCheck.requestInterval",
            "must be 10 (fast) or 30",
        ),
        row(
            Dns,
            hc(j!({"failureThreshold": 11})),
            "healthCheck.failureThreshold",
            "between 1 and 10",
        ),
        row(
            Dns,
            hc(j!({"regions": ["us-east-1", "us-west-1", "mars"]})),
            "healthCheck.regions[2]",
            "is not a Route 53 checker region",
        ),
        row(
            Dns,
            hc(j!({"regions": ["us-east-1", "us-west-1"]})),
            "healthCheck.regions",
            "at least 3 checker regions",
        ),
        row(
            Dns,
            hc(j!({"regions": ["us-east-1", "us-west-1", "us-east-1"]})),
            "healthCheck.regions[2]",
            "is listed twice",
        ),
        row(
            Dns,
            hc(j!({"inverted": "no"})),
            "healthCheck.inverted",
            "must be true or false",
        ),
        row(
            Dns,
            j!({"healthCheck": "yes"}),
            "healthCheck",
            "must be an object",
        ),
        row(
            Dns,
            j!({"primaryAlias": {"dnsName": "lb.elb.amazonaws.com"}}),
            "primaryAlias.hostedZoneId",
            "required",
        ),
        row(
            Dns,
            j!({"secondaryAlias": {"hostedZoneId": "Z35SXDOTRQ7X7K"}}),
            "secondaryAlias.dnsName",
            "required",
        ),
        row(Dns, j!({"tags": {"k": 5}}), "tags.k", "must be a string"),
        row(
            Dns,
            j!({"recordNmae": "api"}),
            "recordNmae",
            "is not a DnsFailover input",
        ),
        // GlobalTable
        row(Table, j!({"hashKey": "<absent>"}), "hashKey", "is required"),
        row(
            Table,
            j!({"attributes": "<absent>", "hashKey": "<absent>"}),
            "attributes",
            "is required",
        ),
        row(
            Table,
            j!({"hashKey": "id"}),
            "hashKey",
            "is not declared in attributes",
        ),
        row(
            Table,
            j!({"attributes": [{"name": "pk", "type": "X"}]}),
            "attributes[0].type",
            "must be S (string), N (number) or B (binary)",
        ),
        row(
            Table,
            j!({"attributes": [{"name": "pk", "type": "S"}, {"name": "pk", "type": "N"}]}),
            "attributes[1].name",
            "is declared twice",
        ),
        row(
            Table,
            j!({"attributes": [{"name": "pk", "type": "S"}, {"name": "extra", "type": "N"}]}),
            "attributes[1].name",
            "no key of the table or of an index uses it",
        ),
        row(
            Table,
            j!({"attributes": "pk"}),
            "attributes",
            "has the wrong type",
        ),
        row(
            Table,
            j!({"rangeKey": "pk"}),
            "rangeKey",
            "must differ from hashKey",
        ),
        row(
            Table,
            j!({"name": "ab"}),
            "name",
            "must be 3-255 characters",
        ),
        row(
            Table,
            j!({"name": "bad name"}),
            "name",
            "may contain only letters, digits",
        ),
        row(
            Table,
            j!({"billingMode": "FREE"}),
            "billingMode",
            "must be PAY_PER_REQUEST or PROVISIONED",
        ),
        row(
            Table,
            j!({"billingMode": "PROVISIONED"}),
            "readCapacity",
            "is required with billingMode PROVISIONED",
        ),
        row(
            Table,
            j!({"billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 0}),
            "writeCapacity",
            "must be at least 1",
        ),
        row(
            Table,
            j!({"readCapacity": 5}),
            "readCapacity",
            "applies only with billingMode PROVISIONED",
        ),
        row(
            Table,
            j!({"pointInTimeRecovery": "yes"}),
            "pointInTimeRecovery",
            "has the wrong type",
        ),
        row(
            Table,
            j!({"attributes": [{"name": "pk", "type": "S"}], "ttlAttribute": "pk"}),
            "ttlAttribute",
            "expires items only by a Number attribute",
        ),
        row(
            Table,
            j!({"ttlAttribute": ""}),
            "ttlAttribute",
            "1-255 bytes",
        ),
        row(
            Table,
            j!({"serverSideEncryption": {}}),
            "serverSideEncryption.enabled",
            "is required",
        ),
        row(
            Table,
            j!({"serverSideEncryption": {"enabled": true, "primaryKmsKeyArn": "abcd"}}),
            "serverSideEncryption.primaryKmsKeyArn",
            "is not a KMS key ARN",
        ),
        row(
            Table,
            j!({"serverSideEncryption": {"enabled": true, "secondaryKmsKeyArn": KMS_WEST_2}}),
            "serverSideEncryption.secondaryKmsKeyArn",
            "the key is in us-west-2",
        ),
        row(
            Table,
            j!({"serverSideEncryption": {"enabled": false, "primaryKmsKeyArn": KMS_EAST_1}}),
            "serverSideEncryption.primaryKmsKeyArn",
            "a KMS key needs enabled: true",
        ),
        row(
            Table,
            j!({"attributes": [{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
                       "globalSecondaryIndexes": [{"name": "byG", "hashKey": "g", "projectionType": "INCLUDE"}]}),
            "globalSecondaryIndexes[0].nonKeyAttributes",
            "INCLUDE projects the attributes listed here",
        ),
        row(
            Table,
            j!({"attributes": [{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
                       "globalSecondaryIndexes": [{"name": "byG", "hashKey": "g", "projectionType": "SOME"}]}),
            "globalSecondaryIndexes[0].projectionType",
            "must be ALL, KEYS_ONLY or INCLUDE",
        ),
        row(
            Table,
            j!({"globalSecondaryIndexes": [{"name": "byG", "hashKey": "g"}]}),
            "globalSecondaryIndexes[0].hashKey",
            "is not declared in attributes",
        ),
        row(
            Table,
            j!({"globalSecondaryIndexes": [{"name": "byG"}]}),
            "globalSecondaryIndexes[0].hashKey",
            "is required",
        ),
        row(
            Table,
            j!({"attributes": [{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
                       "globalSecondaryIndexes": [{"name": "byG", "hashKey": "g"}, {"name": "byG", "hashKey": "g"}]}),
            "globalSecondaryIndexes[1].name",
            "names two indexes",
        ),
        row(
            Table,
            j!({"attributes": [{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
                       "globalSecondaryIndexes": [{"name": "byG", "hashKey": "g", "nonKeyAttributes": ["x"]}]}),
            "globalSecondaryIndexes[0].nonKeyAttributes",
            "only an INCLUDE projection takes nonKeyAttributes",
        ),
        row(
            Table,
            j!({"primaryRegion": "eu-nowhere-1"}),
            "primaryRegion",
            "is not an AWS region name",
        ),
        row(
            Table,
            j!({"primaryRegion": "eu-west-1", "secondaryRegion": "eu-west-1"}),
            "secondaryRegion",
            "must differ from primaryRegion",
        ),
        row(
            Table,
            j!({"tags": (0..51).map(|i| (format!("k{i}"), j!("v"))).collect::<serde_json::Map<_, _>>()}),
            "tags",
            "at most 50 tags",
        ),
        row(
            Table,
            j!({"hashkey": "pk"}),
            "hashkey",
            "is not a GlobalTable input",
        ),
        // ReplicatedBucket
        row(
            Bucket,
            j!({"namePrefix": "Orders"}),
            "namePrefix",
            "contains 'O'",
        ),
        row(
            Bucket,
            j!({"namePrefix": "my.orders"}),
            "namePrefix",
            "contains a dot",
        ),
        row(
            Bucket,
            j!({"namePrefix": "xn--orders"}),
            "namePrefix",
            "must not start with 'xn--'",
        ),
        row(
            Bucket,
            j!({"namePrefix": "o".repeat(60)}),
            "namePrefix",
            "must be 3-63 characters long",
        ),
        row(
            Bucket,
            j!({"namePrefix": "orders_x"}),
            "namePrefix",
            "contains '_'",
        ),
        row(Bucket, j!({"namePrefix": 7}), "namePrefix", "invalid type"),
        row(
            Bucket,
            j!({"encryption": {"sseAlgorithm": "DES"}}),
            "encryption.sseAlgorithm",
            "is not AES256 (SSE-S3) or aws:kms",
        ),
        row(
            Bucket,
            j!({"encryption": {"sseAlgorithm": "aws:kms"}}),
            "encryption.primaryKmsKeyArn",
            "required with sseAlgorithm aws:kms",
        ),
        row(
            Bucket,
            j!({"encryption": {"sseAlgorithm": "AES256", "secondaryKmsKeyArn": KMS_EAST_2}}),
            "encryption.secondaryKmsKeyArn",
            "only used with sseAlgorithm aws:kms",
        ),
        row(
            Bucket,
            j!({"encryption": {"sseAlgorithm": "aws:kms", "primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:alias/app", "secondaryKmsKeyArn": KMS_EAST_2}}),
            "encryption.primaryKmsKeyArn",
            "is an alias ARN",
        ),
        row(
            Bucket,
            j!({"encryption": {"sseAlgorithm": "aws:kms", "primaryKmsKeyArn": KMS_EAST_1, "secondaryKmsKeyArn": KMS_WEST_2}}),
            "encryption.secondaryKmsKeyArn",
            "the key is in us-west-2",
        ),
        row(
            Bucket,
            j!({"replicationRoleArn": "role/crr"}),
            "replicationRoleArn",
            "is not an IAM role ARN",
        ),
        row(
            Bucket,
            j!({"noncurrentVersionExpirationDays": 0}),
            "noncurrentVersionExpirationDays",
            "must be a positive number of days",
        ),
        row(Bucket, j!({"twoWay": "yes"}), "twoWay", "invalid type"),
        row(
            Bucket,
            j!({"tags": {"multiregion-dr:replicated-bucket": "x"}}),
            "tags.multiregion-dr:replicated-bucket",
            "is reserved",
        ),
        row(
            Bucket,
            j!({"tags": {"AWS:x": "v"}}),
            "tags.AWS:x",
            "reserved by AWS",
        ),
        row(
            Bucket,
            j!({"primaryRegion": "us-east-7"}),
            "primaryRegion",
            "is not an AWS region name",
        ),
        row(
            Bucket,
            j!({"secondaryRegion": "us-east-1"}),
            "secondaryRegion",
            "must differ from primaryRegion",
        ),
        row(
            Bucket,
            j!({"namePrefx": "orders"}),
            "namePrefx",
            "is not a ReplicatedBucket input",
        ),
        // MultiRegionDR (Construct): failures carry the block's path
        row(
            Component,
            j!({"activeRegion": "west"}),
            "activeRegion",
            "must be \"primary\" or \"secondary\"",
        ),
        row(
            Component,
            j!({"databse": {}}),
            "databse",
            "unknown property; MultiRegionDR takes",
        ),
        row(
            Component,
            j!({"database": {"engine": "aurora-postgresql", "masterUsername": "app", "instanceClass": "db.r6g.large"}}),
            "database.masterPassword",
            "is required",
        ),
        row(
            Component,
            j!({"database": {"engine": "aurora-postgresql", "masterUsername": "app", "instanceClass": "db.r6g.large", "masterPassword": "short"}}),
            "database.masterPassword",
            "must be 8-128 characters",
        ),
        row(
            Component,
            j!({"database": {"engine": "db2", "masterUsername": "app", "instanceClass": "db.r6g.large", "masterPassword": "long-enough-1"}}),
            "database.engine",
            "must be one of",
        ),
        row(
            Component,
            j!({"dns": with(&dns, "ttl", j!(-5))}),
            "dns.ttl",
            "must be between 0 and 2147483647",
        ),
        row(
            Component,
            j!({"dns": with(&dns, "primaryRegion", j!("mars-1"))}),
            "dns.primaryRegion",
            "is not an AWS region",
        ),
        row(
            Component,
            j!({"dns": "api.example.com"}),
            "dns",
            "must be an object",
        ),
        row(
            Component,
            j!({"sessionTable": {"attributes": [{"name": "pk", "type": "S"}]}}),
            "sessionTable.hashKey",
            "is required",
        ),
        row(
            Component,
            j!({"sessionTable": {"hashKey": "pk", "attributes": [{"name": "pk", "type": "S"}], "billingMode": "FREE"}}),
            "sessionTable.billingMode",
            "must be PAY_PER_REQUEST or PROVISIONED",
        ),
        row(
            Component,
            j!({"bucket": {"namePrefix": "Bad"}}),
            "bucket.namePrefix",
            "contains 'B'",
        ),
        row(
            Component,
            j!({"bucket": {"encryption": {"sseAlgorithm": "DES"}}}),
            "bucket.encryption.sseAlgorithm",
            "is not AES256",
        ),
        row(
            Component,
            j!({"bucket": {"versioning": true}}),
            "bucket.versioning",
            "is not a ReplicatedBucket input",
        ),
        // Provider configuration (CheckConfig, and Configure refuses the same)
        row(
            Config,
            j!({"primaryRegion": "us-east-9"}),
            "primaryRegion",
            "is not an AWS region name",
        ),
        row(
            Config,
            j!({"primaryRegion": 5}),
            "primaryRegion",
            "must be a string naming an AWS region",
        ),
        row(
            Config,
            j!({"primaryRegion": "us-east-2"}),
            "secondaryRegion",
            "must differ from primaryRegion",
        ),
        row(
            Config,
            j!({"profile": " "}),
            "profile",
            "must be a non-empty profile name",
        ),
        row(
            Config,
            j!({"endpoints": {"rds": "not a url"}}),
            "endpoints.rds",
            "is not an http(s) URL with a host",
        ),
        row(
            Config,
            j!({"endpoints": "{\"s3\": \"ftp://files\"}"}),
            "endpoints.s3",
            "is not an http(s) URL with a host",
        ),
        row(
            Config,
            j!({"endpoints": {"ec2": "http://127.0.0.1:5000"}}),
            "endpoints.ec2",
            "unknown service",
        ),
        row(
            Config,
            j!({"endpoints": {"rds": 5}}),
            "endpoints.rds",
            "must be a string",
        ),
        row(
            Config,
            j!({"endpoints": 5}),
            "endpoints",
            "must be a map of strings",
        ),
        row(
            Config,
            j!({"maxRetries": -1}),
            "maxRetries",
            "must not be negative",
        ),
        row(
            Config,
            j!({"maxRetries": "101"}),
            "maxRetries",
            "must be at most 100",
        ),
        row(
            Config,
            j!({"maxRetries": "many"}),
            "maxRetries",
            "must be a whole number",
        ),
        row(
            Config,
            j!({"maxRetries": 1.5}),
            "maxRetries",
            "must be a whole number",
        ),
        row(
            Config,
            j!({"defaultTags": {"aws:team": "x"}}),
            "defaultTags.aws:team",
            "reserved by AWS",
        ),
        row(
            Config,
            j!({"defaultTags": {"team": 5}}),
            "defaultTags.team",
            "must be a string",
        ),
        row(
            Config,
            j!({"defaultTags": "[1, 2]"}),
            "defaultTags",
            "must be a map of strings",
        ),
        row(
            Config,
            j!({"primaryRegin": "us-west-2"}),
            "primaryRegin",
            "is not a multiregion-dr provider setting",
        ),
    ]
}

/// What the provider answers for `inputs` of `target`: (property, reason) pairs.
async fn failures(
    service: &ProviderService,
    target: Target,
    inputs: serde_json::Value,
) -> Result<Vec<(String, String)>, String> {
    let news = Some(strukt(&json(inputs)));
    match target {
        Config => {
            let checked = service
                .check_config(Request::new(rpc::CheckRequest {
                    urn: urn(target.token(), "default"),
                    news: news.clone(),
                    ..Default::default()
                }))
                .await
                .map_err(|s| format!("CheckConfig answered {s:?}"))?
                .into_inner();
            let found: Vec<(String, String)> = checked
                .failures
                .into_iter()
                .map(|f| (f.property, f.reason))
                .collect();
            // Configure must refuse the same settings, naming the same properties.
            let configured = service
                .configure(Request::new(rpc::ConfigureRequest {
                    args: news,
                    ..Default::default()
                }))
                .await;
            match (&configured, found.is_empty()) {
                (Ok(_), false) => {
                    return Err(format!(
                        "Configure accepted what CheckConfig refused: {found:?}"
                    ))
                }
                (Err(s), false) => {
                    let props: Vec<String> =
                        status_failures(s).into_iter().map(|(p, _)| p).collect();
                    if !found.iter().all(|(p, _)| props.contains(p)) {
                        return Err(format!("Configure named {props:?}, CheckConfig {found:?}"));
                    }
                }
                _ => {}
            }
            Ok(found)
        }
        Component => {
            let reply = service
                .construct(Request::new(rpc::ConstructRequest {
                    project: "proj".into(),
                    stack: "dev".into(),
                    r#type: target.token().into(),
                    name: "payments".into(),
                    inputs: news,
                    // Nothing listens here: a valid input would fail to connect, not pass.
                    monitor_endpoint: "127.0.0.1:9".into(),
                    ..Default::default()
                }))
                .await;
            match reply {
                Ok(_) => Ok(Vec::new()),
                Err(s) if s.code() == tonic::Code::InvalidArgument => Ok(status_failures(&s)),
                Err(s) if s.code() == tonic::Code::Unavailable => Ok(Vec::new()),
                Err(s) => Err(format!("Construct answered {s:?}")),
            }
        }
        _ => {
            let checked = service
                .check(Request::new(rpc::CheckRequest {
                    urn: urn(target.token(), "r1"),
                    name: "r1".into(),
                    r#type: target.token().into(),
                    news,
                    random_seed: b"catalogue".to_vec(),
                    ..Default::default()
                }))
                .await
                .map_err(|s| format!("Check answered {s:?}"))?
                .into_inner();
            Ok(checked
                .failures
                .into_iter()
                .map(|f| (f.property, f.reason))
                .collect())
        }
    }
}

#[tokio::test]
async fn every_bad_input_is_refused_naming_its_property() {
    let service = ProviderService::new(None);
    let targets = [Database, Dns, Table, Bucket, Component, Config];
    for target in targets {
        let got = failures(&service, target, target.base()).await.unwrap();
        assert!(
            got.is_empty(),
            "the base inputs of {target:?} must be valid: {got:?}"
        );
    }

    let rows = catalogue();
    let mut wrong = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let inputs = inputs_of(r.target, &r.patch);
        match failures(&service, r.target, inputs.clone()).await {
            Err(e) => wrong.push(format!("row {i} {:?} {}: {e}", r.target, r.patch)),
            Ok(got) => {
                let hit = got
                    .iter()
                    .any(|(p, reason)| p == r.property && reason.contains(r.fragment));
                if !hit {
                    wrong.push(format!(
                        "row {i} {:?} {}: expected `{}` ~ '{}', got {got:?}",
                        r.target, r.patch, r.property, r.fragment
                    ));
                }
            }
        }
    }
    let per_target: Vec<String> = targets
        .iter()
        .map(|t| format!("{t:?} {}", rows.iter().filter(|r| r.target == *t).count()))
        .collect();
    figure(
        "bad_inputs",
        &format!(
            "catalogue of {} invalid inputs ({}), {} refused as expected",
            rows.len(),
            per_target.join(", "),
            rows.len() - wrong.len()
        ),
    );
    assert!(
        wrong.is_empty(),
        "{} of {} rows were not refused as expected:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
    assert!(rows.len() >= 60);
    for t in targets {
        assert!(
            rows.iter().filter(|r| r.target == t).count() >= 8,
            "{t:?} needs more rows"
        );
    }
}
