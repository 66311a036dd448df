//! Response actions on AWS: each reads the current state first, so a dry
//! run says exactly what would change and a second run changes nothing
//! (idempotent), and each returns how to undo it where that is possible.

mod ec2;
mod iam;
mod storage;

use aws_config::SdkConfig;
use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata};
use parapet_respond::{ActionResult, ActionSpec, Change, Executor, Rollback};

use crate::collect::{sdk_config, AwsOptions};

/// Runs AWS response actions through the SDK.
pub struct AwsResponder {
    runtime: tokio::runtime::Runtime,
    config: SdkConfig,
    home_region: String,
    path_style: bool,
}

pub(crate) use parapet_respond::{param, Params};

pub(crate) struct Ctx<'a> {
    pub(crate) config: &'a SdkConfig,
    pub(crate) home_region: &'a str,
    pub(crate) path_style: bool,
}

impl Ctx<'_> {
    pub(crate) fn region<'p>(&'p self, params: &'p Params) -> &'p str {
        params
            .get("region")
            .map_or(self.home_region, String::as_str)
    }

    pub(crate) fn regional(&self, region: &str) -> SdkConfig {
        self.config
            .to_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build()
    }
}

/// An SDK error as one line: the service's code and message.
pub(crate) fn sdk_error<E>(operation: &str, error: &E) -> String
where
    E: ProvideErrorMetadata + std::error::Error,
{
    match (error.code(), error.message()) {
        (Some(code), Some(message)) => format!("{operation}: {code}: {message}"),
        (Some(code), None) => format!("{operation}: {code}"),
        _ => format!("{operation}: {}", DisplayErrorContext(error)),
    }
}

pub(crate) fn change(target: impl Into<String>, description: impl Into<String>) -> Change {
    Change {
        target: target.into(),
        description: description.into(),
    }
}

pub(crate) fn rollback(
    action: &str,
    params: &[(&str, &str)],
    description: String,
) -> Option<Rollback> {
    Some(Rollback {
        action: action.to_string(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        description,
    })
}

impl AwsResponder {
    pub fn new(options: &AwsOptions) -> Result<AwsResponder, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let config = runtime.block_on(sdk_config(options));
        Ok(AwsResponder {
            runtime,
            config,
            home_region: options.home_region.clone(),
            path_style: options.endpoint_url.is_some(),
        })
    }
}

impl Executor for AwsResponder {
    fn run(
        &mut self,
        action: &ActionSpec,
        params: &Params,
        execute: bool,
    ) -> Result<ActionResult, String> {
        let ctx = Ctx {
            config: &self.config,
            home_region: &self.home_region,
            path_style: self.path_style,
        };
        self.runtime.block_on(async {
            match action.name {
                "aws.iam.deactivate_access_key" => {
                    iam::deactivate_access_key(&ctx, params, execute).await
                }
                "aws.iam.attach_deny_all" => iam::attach_deny_all(&ctx, params, execute).await,
                "aws.iam.revoke_role_sessions" => {
                    iam::revoke_role_sessions(&ctx, params, execute).await
                }
                "aws.iam.delete_login_profile" => {
                    iam::delete_login_profile(&ctx, params, execute).await
                }
                "aws.ec2.quarantine_instance" => {
                    ec2::quarantine_instance(&ctx, params, execute).await
                }
                "aws.ec2.snapshot_volumes" => ec2::snapshot_volumes(&ctx, params, execute).await,
                "aws.ec2.revoke_open_ingress" => {
                    ec2::revoke_open_ingress(&ctx, params, execute).await
                }
                "aws.ec2.unshare_snapshot" => ec2::unshare_snapshot(&ctx, params, execute).await,
                "aws.s3.block_public_access" => {
                    storage::block_public_access(&ctx, params, execute).await
                }
                "aws.cloudtrail.start_logging" => {
                    storage::start_logging(&ctx, params, execute).await
                }
                other => Err(format!("`{other}` is not an AWS action")),
            }
        })
    }

    fn rollback(&mut self, rollback: &Rollback, execute: bool) -> Result<Vec<Change>, String> {
        let ctx = Ctx {
            config: &self.config,
            home_region: &self.home_region,
            path_style: self.path_style,
        };
        let params = &rollback.params;
        self.runtime.block_on(async {
            match rollback.action.as_str() {
                "aws.iam.activate_access_key" => {
                    iam::activate_access_key(&ctx, params, execute).await
                }
                "aws.iam.delete_inline_policy" => {
                    iam::delete_inline_policy(&ctx, params, execute).await
                }
                "aws.ec2.restore_security_groups" => {
                    ec2::restore_security_groups(&ctx, params, execute).await
                }
                "aws.ec2.authorize_ingress" => ec2::authorize_ingress(&ctx, params, execute).await,
                "aws.ec2.reshare_snapshot" => ec2::reshare_snapshot(&ctx, params, execute).await,
                "aws.s3.restore_public_access_block" => {
                    storage::restore_public_access_block(&ctx, params, execute).await
                }
                other => Err(format!("no rollback named `{other}`")),
            }
        })
    }
}
