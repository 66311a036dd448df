//! Secrets Manager in one region: which secrets exist, their rotation and
//! KMS key. Secret values are never requested (no GetSecretValue).

use aws_sdk_secretsmanager::Client;
use parapet_core::{AttrValue, Provider, Resource};

use crate::context::{api, next_page, Ctx};

pub(crate) async fn collect(secrets: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = secrets.list_secrets().set_next_token(token.take()).send();
        let Some(page) = ctx
            .call("secretsmanager", region, "ListSecrets", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api("secretsmanager", "ListSecrets");
        for secret in page.secret_list() {
            let (Some(arn), Some(name)) = (secret.arn(), secret.name()) else {
                continue;
            };
            let mut r = Resource::new(Provider::Aws, "aws.secretsmanager.secret", arn, name)
                .located(&ctx.account, region);
            r.tags = secret
                .tags()
                .iter()
                .filter_map(|t| {
                    Some((
                        t.key()?.to_string(),
                        t.value().unwrap_or_default().to_string(),
                    ))
                })
                .collect();
            r.set(
                "rotation_enabled",
                secret.rotation_enabled().unwrap_or(false),
                &origin,
            );
            r.set(
                "rotation_days",
                secret
                    .rotation_rules()
                    .and_then(|rules| rules.automatically_after_days())
                    .map_or(AttrValue::Null, AttrValue::Int),
                &origin,
            );
            r.set("kms_key_id", secret.kms_key_id(), &origin);
            r.set(
                "observed.last_rotated_date",
                secret
                    .last_rotated_date()
                    .map_or(AttrValue::Null, crate::iam::time),
                &origin,
            );
            r.set(
                "observed.last_accessed_date",
                secret
                    .last_accessed_date()
                    .map_or(AttrValue::Null, crate::iam::time),
                &origin,
            );
            resources.push(r);
        }
        token = next_page(page.next_token());
        if token.is_none() {
            break;
        }
    }
    resources
}
