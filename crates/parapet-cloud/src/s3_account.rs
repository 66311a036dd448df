//! The account-level S3 Block Public Access settings (s3control), which
//! apply to every bucket of the account on top of each bucket's own.

use aws_config::SdkConfig;
use aws_sdk_s3control::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};
use aws_sdk_s3control::config::Builder;
use aws_sdk_s3control::Client;
use parapet_core::{Provider, Resource};

use crate::context::{api, Ctx, Reply};

const FLAGS: [&str; 4] = [
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
];

/// With an endpoint override (an emulator, a proxy), requests go to that
/// URL as given: the `{AccountId}.` host prefix S3 Control's endpoint rules
/// add names no host there.
#[derive(Debug)]
struct AsGiven(String);

impl ResolveEndpoint for AsGiven {
    fn resolve_endpoint<'a>(&'a self, _: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
    }
}

pub(crate) fn client(config: &SdkConfig, endpoint_url: Option<&str>) -> Client {
    let mut builder = Builder::from(config);
    if let Some(url) = endpoint_url {
        builder = builder.endpoint_resolver(AsGiven(url.to_string()));
    }
    Client::from_conf(builder.build())
}

pub(crate) async fn collect(control: &Client, home_region: &str, ctx: &Ctx) -> Resource {
    let uid = format!("arn:aws:s3control::{}:public-access-block", ctx.account);
    let mut r = Resource::new(
        Provider::Aws,
        "aws.s3.account-settings",
        uid,
        "public-access-block",
    )
    .located(&ctx.account, "global");
    let origin = api("s3control", "GetPublicAccessBlock");
    let call = control
        .get_public_access_block()
        .account_id(&ctx.account)
        .send();
    let absent = ["NoSuchPublicAccessBlockConfiguration"];
    match ctx
        .call(
            "s3control",
            home_region,
            "GetPublicAccessBlock",
            &absent,
            call,
        )
        .await
    {
        Reply::Ok(out) => {
            let config = out.public_access_block_configuration();
            let values = [
                config.and_then(|c| c.block_public_acls()),
                config.and_then(|c| c.ignore_public_acls()),
                config.and_then(|c| c.block_public_policy()),
                config.and_then(|c| c.restrict_public_buckets()),
            ];
            for (flag, value) in FLAGS.iter().zip(values) {
                r.set(
                    &format!("public_access_block.{flag}"),
                    value.unwrap_or(false),
                    &origin,
                );
            }
        }
        Reply::Absent => {
            for flag in FLAGS {
                r.set(&format!("public_access_block.{flag}"), false, &origin);
            }
        }
        Reply::Failed => {
            for flag in FLAGS {
                r.unknown(&format!("public_access_block.{flag}"), &origin);
            }
        }
    }
    r
}
