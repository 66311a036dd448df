//! EFS in one region: file systems and their encryption at rest.

use aws_sdk_efs::Client;
use parapet_core::{Provider, Resource};

use crate::context::{api, next_page, Ctx};

const SERVICE: &str = "elasticfilesystem";

pub(crate) async fn collect(efs: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut marker = None;
    loop {
        let call = efs.describe_file_systems().set_marker(marker.take()).send();
        let Some(page) = ctx
            .call(SERVICE, region, "DescribeFileSystems", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api(SERVICE, "DescribeFileSystems");
        for fs in page.file_systems() {
            let id = fs.file_system_id();
            let uid = fs.file_system_arn().map_or_else(
                || {
                    format!(
                        "arn:aws:elasticfilesystem:{region}:{}:file-system/{id}",
                        ctx.account
                    )
                },
                str::to_string,
            );
            let mut r = Resource::new(
                Provider::Aws,
                "aws.efs.file-system",
                uid,
                fs.name().unwrap_or(id),
            )
            .located(&ctx.account, region);
            r.tags = fs
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect();
            r.set("encrypted", fs.encrypted().unwrap_or(false), &origin);
            r.set("kms_key_id", fs.kms_key_id(), &origin);
            if let Some(key) = fs.kms_key_id() {
                r.relate("encrypted-with", key);
            }
            resources.push(r);
        }
        marker = next_page(page.next_marker());
        if marker.is_none() {
            break;
        }
    }
    resources
}
