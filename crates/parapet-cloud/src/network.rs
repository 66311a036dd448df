//! EC2 network ACLs (entries in rule order, subnets) and the account's own
//! AMIs with who may launch them: what CIS's NACL control and the public
//! image check read.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::ImageAttributeName;
use aws_sdk_ec2::Client;
use parapet_core::{AttrValue, Provider, Resource};

use crate::context::{api, next_page, Ctx};
use crate::ec2::arn;

const SERVICE: &str = "ec2";

pub(crate) async fn collect(ec2: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = network_acls(ec2, region, ctx).await;
    resources.extend(images(ec2, region, ctx).await);
    resources
}

async fn network_acls(ec2: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = ec2
            .describe_network_acls()
            .set_next_token(token.take())
            .send();
        let Some(page) = ctx
            .call(SERVICE, region, "DescribeNetworkAcls", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api(SERVICE, "DescribeNetworkAcls");
        for acl in page.network_acls() {
            let Some(id) = acl.network_acl_id() else {
                continue;
            };
            let mut r = Resource::new(
                Provider::Aws,
                "aws.ec2.network-acl",
                arn(region, &ctx.account, "network-acl", id),
                id,
            )
            .located(&ctx.account, region);
            let entries: Vec<AttrValue> = acl
                .entries()
                .iter()
                .map(|e| {
                    let mut m = BTreeMap::new();
                    m.insert("rule_number".into(), e.rule_number().into());
                    m.insert(
                        "rule_action".into(),
                        e.rule_action().map(|a| a.as_str()).into(),
                    );
                    m.insert("protocol".into(), e.protocol().into());
                    m.insert("egress".into(), e.egress().into());
                    m.insert("cidr_ipv4".into(), e.cidr_block().into());
                    m.insert("cidr_ipv6".into(), e.ipv6_cidr_block().into());
                    let range = e.port_range();
                    m.insert("from_port".into(), range.and_then(|p| p.from()).into());
                    m.insert("to_port".into(), range.and_then(|p| p.to()).into());
                    AttrValue::Map(m)
                })
                .collect();
            r.set("entries", AttrValue::List(entries), &origin);
            r.set("is_default", acl.is_default(), &origin);
            r.set("vpc_id", acl.vpc_id(), &origin);
            let subnets: Vec<&str> = acl
                .associations()
                .iter()
                .filter_map(|a| a.subnet_id())
                .collect();
            r.set("subnets", subnets, &origin);
            if let Some(vpc) = acl.vpc_id() {
                r.relate("in-vpc", arn(region, &ctx.account, "vpc", vpc));
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

async fn images(ec2: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let owned = ec2.describe_images().owners("self").send();
    let Some(out) = ctx
        .call(SERVICE, region, "DescribeImages", &[], owned)
        .await
        .ok()
    else {
        return Vec::new();
    };
    let origin = api(SERVICE, "DescribeImages");
    let sharing = api(SERVICE, "DescribeImageAttribute");
    let mut resources = Vec::new();
    for image in out.images() {
        let Some(id) = image.image_id() else { continue };
        let mut r = Resource::new(
            Provider::Aws,
            "aws.ec2.image",
            arn(region, "", "image", id),
            image.name().unwrap_or(id),
        )
        .located(&ctx.account, region);
        r.set("image_id", id, &origin);
        let call = ec2
            .describe_image_attribute()
            .image_id(id)
            .attribute(ImageAttributeName::LaunchPermission)
            .send();
        match ctx
            .call(SERVICE, region, "DescribeImageAttribute", &[], call)
            .await
            .ok()
        {
            Some(attr) => {
                let permissions = attr.launch_permissions();
                let accounts: Vec<&str> = permissions.iter().filter_map(|p| p.user_id()).collect();
                let public = permissions
                    .iter()
                    .any(|p| p.group().is_some_and(|g| g.as_str() == "all"));
                r.set("shared_with_accounts", accounts, &sharing);
                r.set("public", public, &sharing);
            }
            // DescribeImages says whether an image is public even when the
            // attribute call is denied.
            None => match image.public() {
                Some(public) => r.set("public", public, &origin),
                None => r.unknown("public", &sharing),
            },
        }
        resources.push(r);
    }
    resources
}
