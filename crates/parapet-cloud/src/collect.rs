//! `collect_aws`: one account, its enabled regions, every service collector,
//! bounded concurrency, retries with backoff, per-call timeouts.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::SharedCredentialsProvider;
use parapet_core::{CoverageGap, Resource};
use thiserror::Error;

use crate::context::{next_page, Ctx};
use crate::{
    cloudtrail, ec2, efs, eks, iam, kms, lambda, messaging, monitoring, network, rds, s3, secrets,
    security_services,
};

/// Told what finished (`iam+s3`, a region), as it finishes; for a progress line.
pub type Progress = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
pub struct AwsOptions {
    /// Regions to read; empty: every region enabled for the account.
    pub regions: Vec<String>,
    /// Where the regionless calls go and the SDK's default region.
    pub home_region: String,
    /// An endpoint for every service (an emulator such as moto, a VPC endpoint).
    pub endpoint_url: Option<String>,
    pub profile: Option<String>,
    /// API calls in flight at once.
    pub concurrency: usize,
    /// Per-call timeout (each attempt; throttled calls are retried with backoff).
    pub call_timeout: Duration,
    pub progress: Option<Progress>,
    /// Collectors to run (see `SERVICE_KINDS`); empty: all of them.
    pub services: Vec<String>,
}

impl AwsOptions {
    fn wants(&self, service: &str) -> bool {
        self.services.is_empty() || self.services.iter().any(|s| s == service)
    }
}

/// A collector's future when `on`, nothing otherwise.
async fn gated<F: std::future::Future<Output = Vec<Resource>>>(
    on: bool,
    collector: F,
) -> Vec<Resource> {
    if on {
        collector.await
    } else {
        Vec::new()
    }
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            regions: Vec::new(),
            home_region: "us-east-1".to_string(),
            endpoint_url: None,
            profile: None,
            concurrency: 16,
            call_timeout: Duration::from_secs(30),
            progress: None,
            services: Vec::new(),
        }
    }
}

#[derive(Debug)]
pub struct Collection {
    pub account: String,
    pub regions: Vec<String>,
    pub resources: Vec<Resource>,
    pub gaps: Vec<CoverageGap>,
    pub api_calls: u64,
}

#[derive(Debug, Error)]
pub enum CollectError {
    #[error(
        "cannot tell which AWS account the credentials belong to (sts:GetCallerIdentity): {0}"
    )]
    Identity(String),
    #[error("cannot list the organization's accounts (organizations:ListAccounts): {0}")]
    Organization(String),
}

pub(crate) async fn sdk_config(options: &AwsOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(options.home_region.clone()))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(200)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(options.call_timeout)
                .build(),
        );
    if let Some(endpoint) = &options.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}

fn regional(config: &SdkConfig, region: &str) -> SdkConfig {
    config
        .to_builder()
        .region(Region::new(region.to_string()))
        .build()
}

/// Collects one account. Failing or denied calls become coverage gaps; only
/// not knowing the account at all is an error.
pub async fn collect_aws(options: &AwsOptions) -> Result<Collection, CollectError> {
    collect_with(&sdk_config(options).await, options).await
}

/// Collects another account through `role_name` in it, assumed with the
/// caller's credentials (an organization's member accounts, a list of
/// accounts sharing an audit role).
pub async fn collect_aws_account(
    options: &AwsOptions,
    account: &str,
    role_name: &str,
) -> Result<Collection, CollectError> {
    let base = sdk_config(options).await;
    let role = format!("arn:aws:iam::{account}:role/{role_name}");
    let provider = AssumeRoleProvider::builder(role)
        .session_name("parapet-collect")
        .configure(&base)
        .build()
        .await;
    let config = base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build();
    let collection = collect_with(&config, options).await?;
    if collection.account != account {
        return Err(CollectError::Identity(format!(
            "assumed {role_name} in {account} but the credentials belong to {}",
            collection.account
        )));
    }
    Ok(collection)
}

/// The active accounts of the caller's AWS Organization (the caller must be
/// the management account or a delegated administrator).
pub async fn organization_accounts(options: &AwsOptions) -> Result<Vec<String>, CollectError> {
    let config = sdk_config(options).await;
    let organizations = aws_sdk_organizations::Client::new(&config);
    let mut accounts = Vec::new();
    let mut token = None;
    loop {
        let page = organizations
            .list_accounts()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| {
                CollectError::Organization(
                    aws_sdk_organizations::error::DisplayErrorContext(&e).to_string(),
                )
            })?;
        for account in page.accounts() {
            let active = account.state().is_none_or(|s| s.as_str() == "ACTIVE");
            if let (Some(id), true) = (account.id(), active) {
                accounts.push(id.to_string());
            }
        }
        token = next_page(page.next_token());
        if token.is_none() {
            break;
        }
    }
    accounts.sort();
    Ok(accounts)
}

async fn collect_with(
    config: &SdkConfig,
    options: &AwsOptions,
) -> Result<Collection, CollectError> {
    let config = config.clone();
    let sts = aws_sdk_sts::Client::new(&config);
    let identity = sts.get_caller_identity().send().await.map_err(|e| {
        CollectError::Identity(aws_sdk_sts::error::DisplayErrorContext(&e).to_string())
    })?;
    let account = identity.account().unwrap_or_default().to_string();
    let ctx = Ctx::new(account.clone(), options.concurrency);
    let regions = if options.regions.is_empty() {
        let ec2 = aws_sdk_ec2::Client::new(&config);
        ec2::enabled_regions(&ec2, &options.home_region, &ctx)
            .await
            .unwrap_or_else(|| vec![options.home_region.clone()])
    } else {
        options.regions.clone()
    };
    let path_style = options.endpoint_url.is_some();
    let iam_client = aws_sdk_iam::Client::new(&config);
    let global = async {
        let control = crate::s3_account::client(&config, options.endpoint_url.as_deref());
        let account_settings = async {
            match options.wants("s3") {
                true => {
                    vec![crate::s3_account::collect(&control, &options.home_region, &ctx).await]
                }
                false => Vec::new(),
            }
        };
        let (mut identities, buckets, settings) = tokio::join!(
            gated(options.wants("iam"), iam::collect(&iam_client, &ctx)),
            gated(
                options.wants("s3"),
                s3::collect(&config, &options.home_region, path_style, &ctx)
            ),
            account_settings
        );
        identities.extend(buckets);
        identities.extend(settings);
        if let Some(progress) = &options.progress {
            progress("iam+s3");
        }
        identities
    };
    let per_region = regions.iter().map(|region| {
        let config = regional(&config, region);
        let ctx = &ctx;
        async move {
            let ec2 = aws_sdk_ec2::Client::new(&config);
            let trails = aws_sdk_cloudtrail::Client::new(&config);
            let keys = aws_sdk_kms::Client::new(&config);
            let databases = aws_sdk_rds::Client::new(&config);
            let functions = aws_sdk_lambda::Client::new(&config);
            let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
            let alarms = aws_sdk_cloudwatch::Client::new(&config);
            let recorders = aws_sdk_config::Client::new(&config);
            let detectors = aws_sdk_guardduty::Client::new(&config);
            let hub = aws_sdk_securityhub::Client::new(&config);
            let analyzer = aws_sdk_accessanalyzer::Client::new(&config);
            let topics = aws_sdk_sns::Client::new(&config);
            let queues = aws_sdk_sqs::Client::new(&config);
            let vault = aws_sdk_secretsmanager::Client::new(&config);
            let clusters = aws_sdk_eks::Client::new(&config);
            let file_systems = aws_sdk_efs::Client::new(&config);
            let (a, b, c, d, e, f, g, h, i, j, k, l) = tokio::join!(
                gated(options.wants("ec2"), ec2::collect(&ec2, region, ctx)),
                gated(
                    options.wants("cloudtrail"),
                    cloudtrail::collect(&trails, region, ctx)
                ),
                gated(options.wants("kms"), kms::collect(&keys, region, ctx)),
                gated(options.wants("rds"), rds::collect(&databases, region, ctx)),
                gated(
                    options.wants("lambda"),
                    lambda::collect(&functions, region, ctx)
                ),
                gated(
                    options.wants("monitoring"),
                    monitoring::collect(&logs, &alarms, region, ctx)
                ),
                gated(
                    options.wants("security"),
                    security_services::collect(
                        &recorders, &detectors, &hub, &analyzer, region, ctx
                    )
                ),
                gated(options.wants("ec2"), network::collect(&ec2, region, ctx)),
                gated(
                    options.wants("efs"),
                    efs::collect(&file_systems, region, ctx)
                ),
                gated(
                    options.wants("messaging"),
                    messaging::collect(&topics, &queues, region, ctx)
                ),
                gated(
                    options.wants("secretsmanager"),
                    secrets::collect(&vault, region, ctx)
                ),
                gated(options.wants("eks"), eks::collect(&clusters, region, ctx)),
            );
            if let Some(progress) = &options.progress {
                progress(region);
            }
            [a, b, c, d, e, f, g, h, i, j, k, l]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
        }
    });
    let (mut resources, regional) = tokio::join!(global, futures_join_all(per_region));
    resources.extend(regional.into_iter().flatten());
    // A multi-region trail is listed by every region: keep one.
    resources.sort_by(|a, b| a.uid.cmp(&b.uid));
    resources.dedup_by(|a, b| a.uid == b.uid);
    resources.iter_mut().for_each(Resource::normalize);
    let api_calls = ctx.api_calls() + 1;
    Ok(Collection {
        account,
        regions,
        resources,
        gaps: ctx.into_gaps(),
        api_calls,
    })
}

/// Runs futures concurrently on the current task (the semaphore in Ctx
/// bounds the calls in flight).
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    let mut pending: Vec<(usize, std::pin::Pin<Box<F>>)> =
        handles.into_iter().enumerate().collect();
    let mut done: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        pending.retain_mut(|(index, future)| match future.as_mut().poll(cx) {
            std::task::Poll::Ready(output) => {
                done[*index] = Some(output);
                false
            }
            std::task::Poll::Pending => true,
        });
        if pending.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.extend(done.into_iter().flatten());
    outputs
}
