//! KMS in one region: customer and AWS managed keys, state, rotation, policy.

use aws_sdk_kms::Client;
use parapet_core::{Provider, Resource};

use crate::context::{api, next_page, Ctx, Reply};
use crate::policy::record_policy;

const SERVICE: &str = "kms";

pub(crate) async fn collect(kms: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut marker = None;
    loop {
        let call = kms.list_keys().set_marker(marker.take()).send();
        let Some(page) = ctx.call(SERVICE, region, "ListKeys", &[], call).await.ok() else {
            break;
        };
        for entry in page.keys() {
            let (Some(id), Some(arn)) = (entry.key_id(), entry.key_arn()) else {
                continue;
            };
            resources.push(key(kms, region, ctx, id, arn).await);
        }
        marker = next_page(page.next_marker().filter(|_| page.truncated()));
        if marker.is_none() {
            break;
        }
    }
    resources
}

async fn key(kms: &Client, region: &str, ctx: &Ctx, id: &str, arn: &str) -> Resource {
    let mut r = Resource::new(Provider::Aws, "aws.kms.key", arn, id).located(&ctx.account, region);
    let origin = api(SERVICE, "DescribeKey");
    let mut customer_managed = None;
    match ctx
        .call(
            SERVICE,
            region,
            "DescribeKey",
            &[],
            kms.describe_key().key_id(id).send(),
        )
        .await
        .ok()
    {
        Some(out) => {
            let meta = out.key_metadata();
            let manager = meta
                .and_then(|m| m.key_manager())
                .map(|m| m.as_str().to_string());
            customer_managed = manager.as_deref().map(|m| m == "CUSTOMER");
            r.set("key_manager", manager, &origin);
            r.set(
                "key_state",
                meta.and_then(|m| m.key_state()).map(|s| s.as_str()),
                &origin,
            );
            r.set(
                "key_spec",
                meta.and_then(|m| m.key_spec()).map(|s| s.as_str()),
                &origin,
            );
            r.set(
                "key_usage",
                meta.and_then(|m| m.key_usage()).map(|s| s.as_str()),
                &origin,
            );
        }
        None => r.unknown("key_manager", &origin),
    }
    let origin = api(SERVICE, "GetKeyRotationStatus");
    // Rotation applies to symmetric customer managed keys; others answer an error.
    if customer_managed != Some(false) {
        let call = kms.get_key_rotation_status().key_id(id).send();
        match ctx
            .call(
                SERVICE,
                region,
                "GetKeyRotationStatus",
                &["UnsupportedOperationException"],
                call,
            )
            .await
        {
            Reply::Ok(out) => r.set("rotation_enabled", out.key_rotation_enabled(), &origin),
            Reply::Absent => r.set("rotation_enabled", false, &origin),
            Reply::Failed => r.unknown("rotation_enabled", &origin),
        }
    }
    let origin = api(SERVICE, "GetKeyPolicy");
    match ctx
        .call(
            SERVICE,
            region,
            "GetKeyPolicy",
            &[],
            kms.get_key_policy()
                .key_id(id)
                .policy_name("default")
                .send(),
        )
        .await
        .ok()
    {
        Some(out) => {
            record_policy(&mut r, out.policy().unwrap_or_default(), &origin);
        }
        None => r.unknown("policy", &origin),
    }
    r
}
