//! S3 Block Public Access and CloudTrail logging.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use parapet_respond::{ActionResult, Change};
use sonic_rs::json;

use super::{change, param, rollback, sdk_error, Ctx, Params};

fn s3(ctx: &Ctx<'_>) -> aws_sdk_s3::Client {
    crate::s3::client(ctx.config, ctx.home_region, ctx.path_style)
}

/// The four flags, or None when the bucket has no configuration.
async fn block_flags(
    client: &aws_sdk_s3::Client,
    bucket: &str,
) -> Result<Option<[bool; 4]>, String> {
    match client.get_public_access_block().bucket(bucket).send().await {
        Ok(out) => Ok(out.public_access_block_configuration().map(|c| {
            [
                c.block_public_acls().unwrap_or(false),
                c.ignore_public_acls().unwrap_or(false),
                c.block_public_policy().unwrap_or(false),
                c.restrict_public_buckets().unwrap_or(false),
            ]
        })),
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => Ok(None),
        Err(e) => Err(sdk_error("s3:GetPublicAccessBlock", &e)),
    }
}

async fn put_flags(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    flags: [bool; 4],
) -> Result<(), String> {
    let config = PublicAccessBlockConfiguration::builder()
        .block_public_acls(flags[0])
        .ignore_public_acls(flags[1])
        .block_public_policy(flags[2])
        .restrict_public_buckets(flags[3])
        .build();
    client
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(config)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| sdk_error("s3:PutPublicAccessBlock", &e))
}

fn flags_text(flags: Option<[bool; 4]>) -> String {
    match flags {
        None => "none".into(),
        Some(f) => f.iter().map(|b| if *b { "1" } else { "0" }).collect(),
    }
}

pub(super) async fn block_public_access(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let client = s3(ctx);
    let bucket = param(params, "bucket")?;
    let before = block_flags(&client, bucket).await?;
    let output = json!({"bucket": bucket, "previous": flags_text(before)});
    if before == Some([true; 4]) {
        return Ok(ActionResult {
            output,
            ..ActionResult::default()
        });
    }
    if execute {
        put_flags(&client, bucket, [true; 4]).await?;
    }
    let previous = flags_text(before);
    let changes = vec![change(
        format!("arn:aws:s3:::{bucket}"),
        format!("Block Public Access on (all four; was {previous})"),
    )];
    let undo = rollback(
        "aws.s3.restore_public_access_block",
        &[("bucket", bucket), ("flags", &previous)],
        format!("Block Public Access of {bucket} back to {previous}"),
    );
    Ok(ActionResult {
        output,
        changes,
        rollback: undo,
    })
}

pub(super) async fn restore_public_access_block(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<Vec<Change>, String> {
    let client = s3(ctx);
    let bucket = param(params, "bucket")?;
    let flags = param(params, "flags")?;
    if execute {
        if flags == "none" {
            client
                .delete_public_access_block()
                .bucket(bucket)
                .send()
                .await
                .map_err(|e| sdk_error("s3:DeletePublicAccessBlock", &e))?;
        } else {
            let bits: Vec<bool> = flags.chars().map(|c| c == '1').collect();
            let [a, b, c, d] = bits.as_slice() else {
                return Err(format!("flags `{flags}`: expected four 0/1 or none"));
            };
            put_flags(&client, bucket, [*a, *b, *c, *d]).await?;
        }
    }
    Ok(vec![change(
        format!("arn:aws:s3:::{bucket}"),
        format!("Block Public Access back to {flags}"),
    )])
}

pub(super) async fn start_logging(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let client = aws_sdk_cloudtrail::Client::new(&ctx.regional(ctx.region(params)));
    let trail = param(params, "trail")?;
    let status = client
        .get_trail_status()
        .name(trail)
        .send()
        .await
        .map_err(|e| sdk_error("cloudtrail:GetTrailStatus", &e))?;
    let output = json!({"trail": trail, "logging": true});
    if status.is_logging() == Some(true) {
        return Ok(ActionResult {
            output,
            ..ActionResult::default()
        });
    }
    if execute {
        client
            .start_logging()
            .name(trail)
            .send()
            .await
            .map_err(|e| sdk_error("cloudtrail:StartLogging", &e))?;
    }
    // Stopping a trail again is no remedy: no rollback.
    Ok(ActionResult {
        output,
        changes: vec![change(trail, "start logging")],
        rollback: None,
    })
}
