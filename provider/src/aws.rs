//! AWS clients: a pair per regional service (one per region, from one shared configuration) with the
//! endpoint overrides and retry settings of the provider configuration applied, and every HTTP
//! attempt passing the client-side rate limiter of that configuration ([`crate::throttle`]).
//!
//! Nothing here runs until a resource needs AWS: `pulumi preview` of a new stack works with no
//! credentials at all.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use tokio::sync::OnceCell;

use crate::config::ProviderConfig;
use crate::regions::{Regions, Role};
use crate::throttle::{RateLimitedClient, RateLimiter, RateLimits};

/// How the clients of one provider configuration talk HTTP. The defaults are for AWS; tests shorten
/// the attempt timeout and choose the rate limits.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// How long one HTTP attempt may wait for AWS's answer before it counts as timed out (and is
    /// retried while `maxRetries` allows). The wait for a rate-limit token is not part of it.
    pub attempt_timeout: Duration,
    pub connect_timeout: Duration,
    /// Client-side rate limits per (service, region); [`RateLimits::none`] sends at once.
    pub rate_limits: RateLimits,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            attempt_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            rate_limits: RateLimits::aws_published(),
        }
    }
}

/// The SDK's default HTTPS client (hyper 1, rustls with aws-lc, proxy settings from the
/// environment), which the rate limiter wraps.
fn https_client() -> SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    use aws_smithy_http_client::{proxy::ProxyConfig, Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn =
            ConnectorBuilder::default().tls_provider(Provider::Rustls(CryptoMode::AwsLc));
        conn.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            conn.set_sleep_impl(components.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
}

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

async fn shared_config(
    cfg: &ProviderConfig,
    options: &ClientOptions,
    limiter: &Arc<RateLimiter>,
    region: &str,
) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .http_client(RateLimitedClient::new(https_client(), limiter.clone()))
        // Upload stall protection would count the wait for a rate-limit token as a stalled request
        // body (0 B/s) and fail the call after its grace period; the bodies sent here are small.
        // Downloads stay protected.
        .stalled_stream_protection(
            StalledStreamProtectionConfig::enabled()
                .upload_enabled(false)
                .build(),
        )
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(cfg.max_retries + 1)
                .with_initial_backoff(Duration::from_millis(200))
                .with_max_backoff(Duration::from_secs(20)),
        )
        // The read timeout bounds one exchange from the moment it is sent; an attempt timeout would
        // also count the wait for a rate-limit token, and turn a long queue into timeouts.
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(options.connect_timeout)
                .read_timeout(options.attempt_timeout)
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
    pub async fn build(
        cfg: &ProviderConfig,
        options: &ClientOptions,
        limiter: &Arc<RateLimiter>,
    ) -> AwsClients {
        let base = Base {
            shared: shared_config(cfg, options, limiter, ROUTE53_REGION).await,
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

/// The clients of one configured provider, made on first use, and its rate limiter (one per
/// configuration: one set of credentials, one account).
pub struct LazyClients {
    cell: OnceCell<AwsClients>,
    options: ClientOptions,
    limiter: Arc<RateLimiter>,
}

impl Default for LazyClients {
    fn default() -> Self {
        LazyClients::with_options(ClientOptions::default())
    }
}

impl LazyClients {
    pub fn with_options(options: ClientOptions) -> LazyClients {
        LazyClients {
            cell: OnceCell::new(),
            limiter: Arc::new(RateLimiter::new(options.rate_limits.clone())),
            options,
        }
    }

    pub async fn get(&self, cfg: &ProviderConfig) -> &AwsClients {
        self.cell
            .get_or_init(|| AwsClients::build(cfg, &self.options, &self.limiter))
            .await
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }
}
