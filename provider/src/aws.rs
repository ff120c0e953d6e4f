//! AWS clients: a pair per regional service (one per region, from one shared configuration) with the
//! endpoint overrides and retry settings of the provider configuration applied.
//!
//! Nothing here runs until a resource needs AWS: `pulumi preview` of a new stack works with no
//! credentials at all.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use tokio::sync::OnceCell;

use crate::config::ProviderConfig;
use crate::regions::{Regions, Role};

/// Route 53's control plane lives in us-east-1 whatever the pair's regions are.
pub const ROUTE53_REGION: &str = "us-east-1";

pub struct AwsClients {
    pub regions: Regions<String>,
    base: Base,
    pub route53: aws_sdk_route53::Client,
    pub iam: aws_sdk_iam::Client,
}

/// Loaded once; regional clients are cheap views of it and share its HTTP connection pool.
struct Base {
    shared: SdkConfig,
    endpoints: std::collections::BTreeMap<String, String>,
}

async fn shared_config(cfg: &ProviderConfig, region: &str) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(cfg.max_retries + 1)
                .with_initial_backoff(Duration::from_millis(200))
                .with_max_backoff(Duration::from_secs(20)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(60))
                .build(),
        );
    if let Some(profile) = &cfg.profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}

/// Builds a service client for one region from the shared config, pointing it at the endpoint
/// override when there is one.
macro_rules! service_client {
    ($krate:ident, $base:expr, $service:literal, $region:expr) => {{
        let mut builder =
            $krate::config::Builder::from(&$base.shared).region(Region::new($region.to_string()));
        if let Some(url) = $base.endpoints.get($service) {
            builder = builder.endpoint_url(url.clone());
        }
        builder
    }};
}

impl AwsClients {
    pub async fn build(cfg: &ProviderConfig) -> AwsClients {
        let base = Base {
            shared: shared_config(cfg, ROUTE53_REGION).await,
            endpoints: cfg.endpoints.clone(),
        };
        AwsClients {
            regions: cfg.regions.clone(),
            route53: aws_sdk_route53::Client::from_conf(
                service_client!(aws_sdk_route53, base, "route53", ROUTE53_REGION).build(),
            ),
            iam: aws_sdk_iam::Client::from_conf(
                service_client!(aws_sdk_iam, base, "iam", ROUTE53_REGION).build(),
            ),
            base,
        }
    }

    pub fn region(&self, role: Role) -> &str {
        self.regions.get(role)
    }

    pub fn rds(&self, region: &str) -> aws_sdk_rds::Client {
        aws_sdk_rds::Client::from_conf(
            service_client!(aws_sdk_rds, self.base, "rds", region).build(),
        )
    }

    pub fn dynamodb(&self, region: &str) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::from_conf(
            service_client!(aws_sdk_dynamodb, self.base, "dynamodb", region).build(),
        )
    }

    pub fn cloudwatch(&self, region: &str) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::from_conf(
            service_client!(aws_sdk_cloudwatch, self.base, "cloudwatch", region).build(),
        )
    }

    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let mut builder = service_client!(aws_sdk_s3, self.base, "s3", region);
        if self.base.endpoints.contains_key("s3") {
            // Emulators and LocalStack serve buckets by path, not by virtual host.
            builder = builder.force_path_style(true);
        }
        aws_sdk_s3::Client::from_conf(builder.build())
    }
}

/// The clients of one configured provider, made on first use.
#[derive(Default)]
pub struct LazyClients {
    cell: OnceCell<AwsClients>,
}

impl LazyClients {
    pub async fn get(&self, cfg: &ProviderConfig) -> &AwsClients {
        self.cell.get_or_init(|| AwsClients::build(cfg)).await
    }
}
