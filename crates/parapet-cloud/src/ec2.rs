//! EC2 in one region: instances (IMDS options, public IPs, role), security
//! groups with their rules, VPCs with flow logs, EBS volumes, snapshots and
//! who they are shared with, and EBS default encryption.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, IpPermission, SnapshotAttributeName, Tag};
use aws_sdk_ec2::Client;
use parapet_core::{AttrValue, Provider, Resource};

use crate::context::{api, next_page, Ctx};
use crate::iam::time;

const SERVICE: &str = "ec2";

pub(crate) fn arn(region: &str, account: &str, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{account}:{kind}/{id}")
}

fn tags(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

pub(crate) async fn collect(ec2: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    resources.extend(instances(ec2, region, ctx).await);
    resources.extend(security_groups(ec2, region, ctx).await);
    resources.extend(vpcs(ec2, region, ctx).await);
    resources.extend(volumes(ec2, region, ctx).await);
    resources.extend(snapshots(ec2, region, ctx).await);
    resources.push(account_settings(ec2, region, ctx).await);
    resources
}

async fn instances(ec2: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = ec2.describe_instances().set_next_token(token.take()).send();
        let Some(page) = ctx
            .call(SERVICE, region, "DescribeInstances", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api(SERVICE, "DescribeInstances");
        for instance in page.reservations().iter().flat_map(|r| r.instances()) {
            let Some(id) = instance.instance_id() else {
                continue;
            };
            let mut r = Resource::new(
                Provider::Aws,
                "aws.ec2.instance",
                arn(region, &ctx.account, "instance", id),
                id,
            )
            .located(&ctx.account, region);
            r.tags = tags(instance.tags());
            r.set(
                "instance_type",
                instance.instance_type().map(|t| t.as_str()),
                &origin,
            );
            r.set(
                "state",
                instance.state().and_then(|s| s.name()).map(|n| n.as_str()),
                &origin,
            );
            r.set("image_id", instance.image_id(), &origin);
            r.set(
                "launch_time",
                instance.launch_time().map_or(AttrValue::Null, time),
                &origin,
            );
            r.set("public_ip", instance.public_ip_address(), &origin);
            r.set("private_ip", instance.private_ip_address(), &origin);
            let metadata = instance.metadata_options();
            r.set(
                "metadata.http_tokens",
                metadata.and_then(|m| m.http_tokens()).map(|t| t.as_str()),
                &origin,
            );
            r.set(
                "metadata.http_endpoint",
                metadata.and_then(|m| m.http_endpoint()).map(|t| t.as_str()),
                &origin,
            );
            r.set(
                "metadata.hop_limit",
                metadata.and_then(|m| m.http_put_response_hop_limit()),
                &origin,
            );
            let groups: Vec<String> = instance
                .security_groups()
                .iter()
                .filter_map(|g| g.group_id())
                .map(str::to_string)
                .collect();
            for group in &groups {
                r.relate(
                    "uses-security-group",
                    arn(region, &ctx.account, "security-group", group),
                );
            }
            r.set("security_groups", groups, &origin);
            if let Some(vpc) = instance.vpc_id() {
                r.relate("in-vpc", arn(region, &ctx.account, "vpc", vpc));
            }
            r.set("vpc_id", instance.vpc_id(), &origin);
            r.set("subnet_id", instance.subnet_id(), &origin);
            let profile = instance.iam_instance_profile().and_then(|p| p.arn());
            if let Some(profile) = profile {
                r.relate("has-instance-profile", profile);
            }
            r.set("iam_instance_profile", profile, &origin);
            resources.push(r);
        }
        token = next_page(page.next_token());
        if token.is_none() {
            break;
        }
    }
    resources
}

fn rules(permissions: &[IpPermission]) -> AttrValue {
    AttrValue::List(
        permissions
            .iter()
            .map(|p| {
                let mut rule = BTreeMap::new();
                rule.insert("protocol".to_string(), AttrValue::from(p.ip_protocol()));
                rule.insert("from_port".to_string(), AttrValue::from(p.from_port()));
                rule.insert("to_port".to_string(), AttrValue::from(p.to_port()));
                let v4: Vec<&str> = p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect();
                let v6: Vec<&str> = p
                    .ipv6_ranges()
                    .iter()
                    .filter_map(|r| r.cidr_ipv6())
                    .collect();
                let groups: Vec<&str> = p
                    .user_id_group_pairs()
                    .iter()
                    .filter_map(|g| g.group_id())
                    .collect();
                rule.insert("cidr_ipv4".to_string(), v4.into());
                rule.insert("cidr_ipv6".to_string(), v6.into());
                rule.insert("source_groups".to_string(), groups.into());
                AttrValue::Map(rule)
            })
            .collect(),
    )
}

async fn security_groups(ec2: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = ec2
            .describe_security_groups()
            .set_next_token(token.take())
            .send();
        let Some(page) = ctx
            .call(SERVICE, region, "DescribeSecurityGroups", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api(SERVICE, "DescribeSecurityGroups");
        for group in page.security_groups() {
            let Some(id) = group.group_id() else { continue };
            let name = group.group_name().unwrap_or(id);
            let mut r = Resource::new(
                Provider::Aws,
                "aws.ec2.security-group",
                arn(region, &ctx.account, "security-group", id),
                name,
            )
            .located(&ctx.account, region);
            r.tags = tags(group.tags());
            r.set("group_id", id, &origin);
            r.set("description", group.description(), &origin);
            r.set("vpc_id", group.vpc_id(), &origin);
            r.set("ingress", rules(group.ip_permissions()), &origin);
            r.set("egress", rules(group.ip_permissions_egress()), &origin);
            if let Some(vpc) = group.vpc_id() {
                r.relate("in-vpc", arn(region, &ctx.account, "vpc", vpc));
            }
            for source in group
                .ip_permissions()
                .iter()
                .flat_map(|p| p.user_id_group_pairs())
                .filter_map(|g| g.group_id())
            {
                r.relate(
                    "allows-from-security-group",
                    arn(region, &ctx.account, "security-group", source),
                );
            }
            resources.push(r);
        }
        token = next_page(page.next_token());
        if token.is_none() {
            break;
        }
    }
    resources
}

async fn vpcs(ec2: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let Some(out) = ctx
        .call(
            SERVICE,
            region,
            "DescribeVpcs",
            &[],
            ec2.describe_vpcs().send(),
        )
        .await
        .ok()
    else {
        return Vec::new();
    };
    let flow_logs = ctx
        .call(
            SERVICE,
            region,
            "DescribeFlowLogs",
            &[],
            ec2.describe_flow_logs().send(),
        )
        .await
        .ok();
    let origin = api(SERVICE, "DescribeVpcs");
    let flow_origin = api(SERVICE, "DescribeFlowLogs");
    let mut resources = Vec::new();
    for vpc in out.vpcs() {
        let Some(id) = vpc.vpc_id() else { continue };
        let mut r = Resource::new(
            Provider::Aws,
            "aws.ec2.vpc",
            arn(region, &ctx.account, "vpc", id),
            id,
        )
        .located(&ctx.account, region);
        r.tags = tags(vpc.tags());
        r.set("cidr_block", vpc.cidr_block(), &origin);
        r.set("is_default", vpc.is_default(), &origin);
        match &flow_logs {
            Some(logs) => {
                let ids: Vec<&str> = logs
                    .flow_logs()
                    .iter()
                    .filter(|f| f.resource_id() == Some(id))
                    .filter_map(|f| f.flow_log_id())
                    .collect();
                r.set("flow_logs.enabled", !ids.is_empty(), &flow_origin);
                r.set("flow_logs.ids", ids, &flow_origin);
            }
            None => r.unknown("flow_logs.enabled", &flow_origin),
        }
        resources.push(r);
    }
    resources
}

async fn volumes(ec2: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = ec2.describe_volumes().set_next_token(token.take()).send();
        let Some(page) = ctx
            .call(SERVICE, region, "DescribeVolumes", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api(SERVICE, "DescribeVolumes");
        for volume in page.volumes() {
            let Some(id) = volume.volume_id() else {
                continue;
            };
            let mut r = Resource::new(
                Provider::Aws,
                "aws.ec2.volume",
                arn(region, &ctx.account, "volume", id),
                id,
            )
            .located(&ctx.account, region);
            r.tags = tags(volume.tags());
            r.set("encrypted", volume.encrypted(), &origin);
            r.set("kms_key_id", volume.kms_key_id(), &origin);
            r.set("size_gib", volume.size(), &origin);
            r.set("state", volume.state().map(|s| s.as_str()), &origin);
            for instance in volume.attachments().iter().filter_map(|a| a.instance_id()) {
                r.relate(
                    "attached-to",
                    arn(region, &ctx.account, "instance", instance),
                );
            }
            resources.push(r);
        }
        token = next_page(page.next_token());
        if token.is_none() {
            break;
        }
    }
    resources
}

async fn snapshots(ec2: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let owned = ec2.describe_snapshots().owner_ids("self").send();
    let Some(out) = ctx
        .call(SERVICE, region, "DescribeSnapshots", &[], owned)
        .await
        .ok()
    else {
        return Vec::new();
    };
    let origin = api(SERVICE, "DescribeSnapshots");
    let sharing = api(SERVICE, "DescribeSnapshotAttribute");
    let mut resources = Vec::new();
    for snapshot in out.snapshots() {
        let Some(id) = snapshot.snapshot_id() else {
            continue;
        };
        let mut r = Resource::new(
            Provider::Aws,
            "aws.ec2.snapshot",
            arn(region, "", "snapshot", id),
            id,
        )
        .located(&ctx.account, region);
        r.tags = tags(snapshot.tags());
        r.set("encrypted", snapshot.encrypted(), &origin);
        r.set("volume_id", snapshot.volume_id(), &origin);
        if let Some(volume) = snapshot.volume_id() {
            r.relate("snapshot-of", arn(region, &ctx.account, "volume", volume));
        }
        let call = ec2
            .describe_snapshot_attribute()
            .snapshot_id(id)
            .attribute(SnapshotAttributeName::CreateVolumePermission)
            .send();
        match ctx
            .call(SERVICE, region, "DescribeSnapshotAttribute", &[], call)
            .await
            .ok()
        {
            Some(attr) => {
                let permissions = attr.create_volume_permissions();
                let accounts: Vec<&str> = permissions.iter().filter_map(|p| p.user_id()).collect();
                let public = permissions
                    .iter()
                    .any(|p| p.group().is_some_and(|g| g.as_str() == "all"));
                r.set("shared_with_accounts", accounts, &sharing);
                r.set("public", public, &sharing);
            }
            None => r.unknown("public", &sharing),
        }
        resources.push(r);
    }
    resources
}

async fn account_settings(ec2: &Client, region: &str, ctx: &Ctx) -> Resource {
    let uid = format!("arn:aws:ec2:{region}:{}:account-settings", ctx.account);
    let mut r = Resource::new(Provider::Aws, "aws.ec2.region-settings", uid, region)
        .located(&ctx.account, region);
    let origin = api(SERVICE, "GetEbsEncryptionByDefault");
    let call = ec2.get_ebs_encryption_by_default().send();
    match ctx
        .call(SERVICE, region, "GetEbsEncryptionByDefault", &[], call)
        .await
        .ok()
    {
        Some(out) => r.set(
            "ebs_encryption_by_default",
            out.ebs_encryption_by_default().unwrap_or(false),
            &origin,
        ),
        None => r.unknown("ebs_encryption_by_default", &origin),
    }
    r
}

/// Regions this account can use, from the home region.
pub(crate) async fn enabled_regions(ec2: &Client, home: &str, ctx: &Ctx) -> Option<Vec<String>> {
    let filter = Filter::builder()
        .name("opt-in-status")
        .values("opt-in-not-required")
        .values("opted-in")
        .build();
    let out = ctx
        .call(
            SERVICE,
            home,
            "DescribeRegions",
            &[],
            ec2.describe_regions().filters(filter).send(),
        )
        .await
        .ok()?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter_map(|r| r.region_name())
        .map(str::to_string)
        .collect();
    regions.sort();
    Some(regions)
}
