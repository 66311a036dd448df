//! S3: buckets with their ACL grants, policy (and the principals it grants
//! to), public access block, default encryption, versioning and MFA delete,
//! access logging and object lock. Each bucket is read in its own region.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_sdk_s3::config::{Builder, Region};
use aws_sdk_s3::Client;
use parapet_core::{AttrValue, Provider, Resource};

use crate::context::{api, Ctx, Reply};
use crate::iam::time;
use crate::policy::record_policy;

const SERVICE: &str = "s3";
/// ACL grantee groups that make a bucket public.
const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

pub(crate) fn client(config: &SdkConfig, region: &str, path_style: bool) -> Client {
    Client::from_conf(
        Builder::from(config)
            .region(Region::new(region.to_string()))
            .force_path_style(path_style)
            .build(),
    )
}

pub(crate) async fn collect(
    config: &SdkConfig,
    home_region: &str,
    path_style: bool,
    ctx: &Ctx,
) -> Vec<Resource> {
    let home = client(config, home_region, path_style);
    let Some(listing) = ctx
        .call(
            SERVICE,
            "global",
            "ListBuckets",
            &[],
            home.list_buckets().send(),
        )
        .await
        .ok()
    else {
        return Vec::new();
    };
    let mut clients: BTreeMap<String, Client> = BTreeMap::new();
    let mut resources = Vec::new();
    for bucket in listing.buckets() {
        let Some(name) = bucket.name() else { continue };
        let call = home.get_bucket_location().bucket(name).send();
        let region = match ctx
            .call(SERVICE, home_region, "GetBucketLocation", &[], call)
            .await
            .ok()
        {
            Some(out) => match out.location_constraint().map(|c| c.as_str()) {
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(other) => other.to_string(),
            },
            None => home_region.to_string(),
        };
        let regional = clients
            .entry(region.clone())
            .or_insert_with(|| client(config, &region, path_style))
            .clone();
        let mut r = bucket_resource(&regional, ctx, name, &region).await;
        r.set(
            "creation_date",
            bucket.creation_date().map_or(AttrValue::Null, time),
            &api(SERVICE, "ListBuckets"),
        );
        resources.push(r);
    }
    resources
}

async fn bucket_resource(s3: &Client, ctx: &Ctx, name: &str, region: &str) -> Resource {
    let mut r = Resource::new(
        Provider::Aws,
        "aws.s3.bucket",
        format!("arn:aws:s3:::{name}"),
        name,
    )
    .located(&ctx.account, region);

    let origin = api(SERVICE, "GetPublicAccessBlock");
    let absent = ["NoSuchPublicAccessBlockConfiguration"];
    match ctx
        .call(
            SERVICE,
            region,
            "GetPublicAccessBlock",
            &absent,
            s3.get_public_access_block().bucket(name).send(),
        )
        .await
    {
        Reply::Ok(out) => {
            let config = out.public_access_block_configuration();
            let flag =
                |f: fn(&aws_sdk_s3::types::PublicAccessBlockConfiguration) -> Option<bool>| {
                    config.and_then(f).unwrap_or(false)
                };
            r.set(
                "public_access_block.block_public_acls",
                flag(|c| c.block_public_acls()),
                &origin,
            );
            r.set(
                "public_access_block.ignore_public_acls",
                flag(|c| c.ignore_public_acls()),
                &origin,
            );
            r.set(
                "public_access_block.block_public_policy",
                flag(|c| c.block_public_policy()),
                &origin,
            );
            r.set(
                "public_access_block.restrict_public_buckets",
                flag(|c| c.restrict_public_buckets()),
                &origin,
            );
        }
        Reply::Absent => {
            for flag in [
                "block_public_acls",
                "ignore_public_acls",
                "block_public_policy",
                "restrict_public_buckets",
            ] {
                r.set(&format!("public_access_block.{flag}"), false, &origin);
            }
        }
        Reply::Failed => r.unknown("public_access_block.block_public_acls", &origin),
    }

    let origin = api(SERVICE, "GetBucketEncryption");
    let absent = ["ServerSideEncryptionConfigurationNotFoundError"];
    match ctx
        .call(
            SERVICE,
            region,
            "GetBucketEncryption",
            &absent,
            s3.get_bucket_encryption().bucket(name).send(),
        )
        .await
    {
        Reply::Ok(out) => {
            let default = out
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|rule| rule.apply_server_side_encryption_by_default());
            r.set(
                "encryption.algorithm",
                default.map(|d| d.sse_algorithm().as_str()),
                &origin,
            );
            let key = default.and_then(|d| d.kms_master_key_id());
            if let Some(key) = key {
                r.relate("encrypted-with", key);
            }
            r.set("encryption.kms_key", key, &origin);
        }
        Reply::Absent => r.set("encryption.algorithm", AttrValue::Null, &origin),
        Reply::Failed => r.unknown("encryption.algorithm", &origin),
    }

    let origin = api(SERVICE, "GetBucketVersioning");
    match ctx
        .call(
            SERVICE,
            region,
            "GetBucketVersioning",
            &[],
            s3.get_bucket_versioning().bucket(name).send(),
        )
        .await
        .ok()
    {
        Some(out) => {
            r.set(
                "versioning.enabled",
                out.status().is_some_and(|s| s.as_str() == "Enabled"),
                &origin,
            );
            r.set(
                "versioning.mfa_delete",
                out.mfa_delete().is_some_and(|s| s.as_str() == "Enabled"),
                &origin,
            );
        }
        None => r.unknown("versioning.enabled", &origin),
    }

    let origin = api(SERVICE, "GetBucketPolicy");
    match ctx
        .call(
            SERVICE,
            region,
            "GetBucketPolicy",
            &["NoSuchBucketPolicy"],
            s3.get_bucket_policy().bucket(name).send(),
        )
        .await
    {
        Reply::Ok(out) => {
            record_policy(&mut r, out.policy().unwrap_or_default(), &origin);
        }
        Reply::Absent => {
            r.set("policy", AttrValue::Null, &origin);
            r.set("policy.principals", Vec::<String>::new(), &origin);
        }
        Reply::Failed => r.unknown("policy", &origin),
    }

    let origin = api(SERVICE, "GetBucketAcl");
    match ctx
        .call(
            SERVICE,
            region,
            "GetBucketAcl",
            &[],
            s3.get_bucket_acl().bucket(name).send(),
        )
        .await
        .ok()
    {
        Some(out) => {
            let mut grants = Vec::new();
            let mut public = false;
            for grant in out.grants() {
                let grantee = grant.grantee();
                let who = grantee
                    .and_then(|g| g.uri().or(g.id()).or(g.email_address()))
                    .unwrap_or_default();
                public |= who == ALL_USERS || who == AUTHENTICATED_USERS;
                let mut entry = BTreeMap::new();
                entry.insert("grantee".to_string(), AttrValue::from(who));
                entry.insert(
                    "permission".to_string(),
                    grant.permission().map(|p| p.as_str()).into(),
                );
                grants.push(AttrValue::Map(entry));
            }
            r.set("acl.grants", AttrValue::List(grants), &origin);
            r.set("acl.public", public, &origin);
        }
        None => r.unknown("acl.public", &origin),
    }

    let origin = api(SERVICE, "GetBucketLogging");
    match ctx
        .call(
            SERVICE,
            region,
            "GetBucketLogging",
            &[],
            s3.get_bucket_logging().bucket(name).send(),
        )
        .await
        .ok()
    {
        Some(out) => {
            let target = out.logging_enabled().map(|l| l.target_bucket().to_string());
            if let Some(target) = &target {
                r.relate("logs-to", format!("arn:aws:s3:::{target}"));
            }
            r.set("logging.enabled", target.is_some(), &origin);
            r.set("logging.target_bucket", target, &origin);
        }
        None => r.unknown("logging.enabled", &origin),
    }

    let origin = api(SERVICE, "GetObjectLockConfiguration");
    let absent = ["ObjectLockConfigurationNotFoundError"];
    match ctx
        .call(
            SERVICE,
            region,
            "GetObjectLockConfiguration",
            &absent,
            s3.get_object_lock_configuration().bucket(name).send(),
        )
        .await
    {
        Reply::Ok(out) => {
            let enabled = out
                .object_lock_configuration()
                .and_then(|c| c.object_lock_enabled())
                .is_some_and(|e| e.as_str() == "Enabled");
            r.set("object_lock.enabled", enabled, &origin);
        }
        Reply::Absent => r.set("object_lock.enabled", false, &origin),
        Reply::Failed => r.unknown("object_lock.enabled", &origin),
    }
    r
}

#[cfg(test)]
mod tests {
    use aws_sdk_s3::config::{BehaviorVersion, Credentials};
    use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
    use aws_smithy_types::body::SdkBody;

    use super::*;

    /// The collector's seven per-bucket calls answered, in order, from
    /// recorded responses (recorded/README.md).
    fn replaying() -> Client {
        let dir = format!("{}/recorded/s3-bucket", env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let events = files
            .iter()
            .map(|file| {
                let body = std::fs::read(file).unwrap();
                let kind = if file.extension().is_some_and(|e| e == "json") {
                    "application/json"
                } else {
                    "application/xml"
                };
                ReplayEvent::new(
                    http::Request::builder()
                        .uri("https://audit-archive.s3.us-east-1.amazonaws.com/")
                        .body(SdkBody::empty())
                        .unwrap(),
                    http::Response::builder()
                        .status(200)
                        .header("content-type", kind)
                        .body(SdkBody::from(body))
                        .unwrap(),
                )
            })
            .collect();
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .http_client(StaticReplayClient::new(events))
            .build();
        Client::from_conf(config)
    }

    #[test]
    fn a_recorded_bucket_reads_like_a_live_one() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let ctx = Ctx::new("111122223333".into(), 2);
        let r = runtime.block_on(bucket_resource(
            &replaying(),
            &ctx,
            "audit-archive",
            "us-east-1",
        ));
        assert!(ctx.api_calls() >= 7);
        assert_eq!(r.bool("versioning.enabled"), Some(true));
        assert_eq!(r.bool("versioning.mfa_delete"), Some(true));
        assert_eq!(
            r.bool("public_access_block.restrict_public_buckets"),
            Some(true)
        );
        assert_eq!(r.str("encryption.algorithm"), Some("aws:kms"));
        assert_eq!(r.bool("acl.public"), Some(false));
        assert_eq!(r.bool("logging.enabled"), Some(true));
        assert_eq!(r.bool("object_lock.enabled"), Some(true));
        assert!(matches!(r.value("policy"), Some(AttrValue::Map(_))));
        assert!(r
            .related("logs-to")
            .any(|t| t == "arn:aws:s3:::access-logs"));
    }
}
