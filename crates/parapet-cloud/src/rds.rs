//! RDS in one region: DB instances (encryption, public access, backups,
//! security groups) and manual snapshots with whom they are shared.

use aws_sdk_rds::Client;
use parapet_core::{Provider, Resource};

use crate::context::{api, next_page, Ctx};
use crate::ec2;

const SERVICE: &str = "rds";

pub(crate) async fn collect(rds: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = instances(rds, region, ctx).await;
    resources.extend(snapshots(rds, region, ctx).await);
    resources
}

async fn instances(rds: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut marker = None;
    loop {
        let call = rds.describe_db_instances().set_marker(marker.take()).send();
        let Some(page) = ctx
            .call(SERVICE, region, "DescribeDBInstances", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api(SERVICE, "DescribeDBInstances");
        for db in page.db_instances() {
            let (Some(arn), Some(name)) = (db.db_instance_arn(), db.db_instance_identifier())
            else {
                continue;
            };
            let mut r = Resource::new(Provider::Aws, "aws.rds.instance", arn, name)
                .located(&ctx.account, region);
            r.set("engine", db.engine(), &origin);
            r.set(
                "storage_encrypted",
                db.storage_encrypted().unwrap_or(false),
                &origin,
            );
            r.set(
                "publicly_accessible",
                db.publicly_accessible().unwrap_or(false),
                &origin,
            );
            r.set(
                "backup_retention_period",
                db.backup_retention_period(),
                &origin,
            );
            r.set("multi_az", db.multi_az().unwrap_or(false), &origin);
            r.set(
                "auto_minor_version_upgrade",
                db.auto_minor_version_upgrade().unwrap_or(false),
                &origin,
            );
            r.set(
                "deletion_protection",
                db.deletion_protection().unwrap_or(false),
                &origin,
            );
            r.set("kms_key_id", db.kms_key_id(), &origin);
            if let Some(key) = db.kms_key_id() {
                r.relate("encrypted-with", key);
            }
            for group in db
                .vpc_security_groups()
                .iter()
                .filter_map(|g| g.vpc_security_group_id())
            {
                r.relate(
                    "uses-security-group",
                    ec2::arn(region, &ctx.account, "security-group", group),
                );
            }
            resources.push(r);
        }
        marker = next_page(page.marker());
        if marker.is_none() {
            break;
        }
    }
    resources
}

async fn snapshots(rds: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let call = rds.describe_db_snapshots().snapshot_type("manual").send();
    let Some(out) = ctx
        .call(SERVICE, region, "DescribeDBSnapshots", &[], call)
        .await
        .ok()
    else {
        return Vec::new();
    };
    let origin = api(SERVICE, "DescribeDBSnapshots");
    let sharing = api(SERVICE, "DescribeDBSnapshotAttributes");
    let mut resources = Vec::new();
    for snapshot in out.db_snapshots() {
        let (Some(arn), Some(name)) = (
            snapshot.db_snapshot_arn(),
            snapshot.db_snapshot_identifier(),
        ) else {
            continue;
        };
        let mut r = Resource::new(Provider::Aws, "aws.rds.snapshot", arn, name)
            .located(&ctx.account, region);
        r.set("encrypted", snapshot.encrypted().unwrap_or(false), &origin);
        let call = rds
            .describe_db_snapshot_attributes()
            .db_snapshot_identifier(name)
            .send();
        match ctx
            .call(SERVICE, region, "DescribeDBSnapshotAttributes", &[], call)
            .await
            .ok()
        {
            Some(attrs) => {
                let restore: Vec<String> = attrs
                    .db_snapshot_attributes_result()
                    .map(|res| res.db_snapshot_attributes())
                    .unwrap_or_default()
                    .iter()
                    .filter(|a| a.attribute_name() == Some("restore"))
                    .flat_map(|a| a.attribute_values().iter().cloned())
                    .collect();
                r.set("public", restore.iter().any(|v| v == "all"), &sharing);
                r.set(
                    "shared_with_accounts",
                    restore
                        .into_iter()
                        .filter(|v| v != "all")
                        .collect::<Vec<_>>(),
                    &sharing,
                );
            }
            None => r.unknown("public", &sharing),
        }
        resources.push(r);
    }
    resources
}
