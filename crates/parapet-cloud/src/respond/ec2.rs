//! EC2 containment: quarantine an instance, snapshot its volumes, revoke
//! ingress open to the world, stop sharing a snapshot.

use aws_sdk_ec2::types::{
    Filter, Instance, IpPermission, IpRange, Ipv6Range, OperationType, PermissionGroup,
    ResourceType, SnapshotAttributeName, Tag, TagSpecification,
};
use aws_sdk_ec2::Client;
use parapet_respond::{ActionResult, Change};
use sonic_rs::json;

use super::{change, param, rollback, sdk_error, Ctx, Params};

const QUARANTINE_GROUP: &str = "parapet-quarantine";
const EVIDENCE_TAG: &str = "parapet:evidence-for";

fn client(ctx: &Ctx<'_>, params: &Params) -> Client {
    Client::new(&ctx.regional(ctx.region(params)))
}

async fn instance(ec2: &Client, id: &str) -> Result<Instance, String> {
    let out = ec2
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .map_err(|e| sdk_error("ec2:DescribeInstances", &e))?;
    out.reservations()
        .iter()
        .flat_map(|r| r.instances())
        .next()
        .cloned()
        .ok_or_else(|| format!("instance {id} not found"))
}

fn group_ids(instance: &Instance) -> Vec<String> {
    instance
        .security_groups()
        .iter()
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect()
}

async fn quarantine_group(ec2: &Client, vpc: &str) -> Result<Option<String>, String> {
    let filter = |name: &str, value: &str| Filter::builder().name(name).values(value).build();
    let out = ec2
        .describe_security_groups()
        .filters(filter("group-name", QUARANTINE_GROUP))
        .filters(filter("vpc-id", vpc))
        .send()
        .await
        .map_err(|e| sdk_error("ec2:DescribeSecurityGroups", &e))?;
    Ok(out
        .security_groups()
        .first()
        .and_then(|g| g.group_id().map(str::to_string)))
}

/// An empty group: no ingress, and the default allow-all egress revoked.
async fn create_quarantine_group(ec2: &Client, vpc: &str) -> Result<String, String> {
    let created = ec2
        .create_security_group()
        .group_name(QUARANTINE_GROUP)
        .description("Parapet quarantine: no ingress, no egress")
        .vpc_id(vpc)
        .send()
        .await
        .map_err(|e| sdk_error("ec2:CreateSecurityGroup", &e))?;
    let id = created
        .group_id()
        .ok_or("ec2:CreateSecurityGroup returned no id")?
        .to_string();
    let all = IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build();
    ec2.revoke_security_group_egress()
        .group_id(&id)
        .ip_permissions(all)
        .send()
        .await
        .map_err(|e| sdk_error("ec2:RevokeSecurityGroupEgress", &e))?;
    Ok(id)
}

pub(super) async fn quarantine_instance(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let ec2 = client(ctx, params);
    let id = param(params, "instance_id")?;
    let found = instance(&ec2, id).await?;
    let vpc = found
        .vpc_id()
        .ok_or_else(|| format!("instance {id} is not in a VPC"))?
        .to_string();
    let before = group_ids(&found);
    let existing = quarantine_group(&ec2, &vpc).await?;
    if let Some(group) = &existing {
        if before == [group.clone()] {
            return Ok(ActionResult {
                output: json!({"instance_id": id, "quarantine_group": group}),
                ..ActionResult::default()
            });
        }
    }
    let group = match (existing, execute) {
        (Some(group), _) => group,
        (None, true) => create_quarantine_group(&ec2, &vpc).await?,
        (None, false) => format!("(new {QUARANTINE_GROUP} in {vpc})"),
    };
    if execute {
        ec2.modify_instance_attribute()
            .instance_id(id)
            .groups(&group)
            .send()
            .await
            .map_err(|e| sdk_error("ec2:ModifyInstanceAttribute", &e))?;
    }
    let region = ctx.region(params).to_string();
    let previous = before.join(",");
    let changes = vec![change(
        id,
        format!("replace security groups {previous} with {group}"),
    )];
    let undo = rollback(
        "aws.ec2.restore_security_groups",
        &[
            ("instance_id", id),
            ("groups", &previous),
            ("region", &region),
        ],
        format!("put {id} back in {previous}"),
    );
    Ok(ActionResult {
        output: json!({"instance_id": id, "quarantine_group": group, "previous_groups": before}),
        changes,
        rollback: undo,
    })
}

pub(super) async fn restore_security_groups(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<Vec<Change>, String> {
    let ec2 = client(ctx, params);
    let id = param(params, "instance_id")?;
    let groups: Vec<String> = param(params, "groups")?
        .split(',')
        .map(str::to_string)
        .collect();
    if group_ids(&instance(&ec2, id).await?) == groups {
        return Ok(Vec::new());
    }
    if execute {
        ec2.modify_instance_attribute()
            .instance_id(id)
            .set_groups(Some(groups.clone()))
            .send()
            .await
            .map_err(|e| sdk_error("ec2:ModifyInstanceAttribute", &e))?;
    }
    Ok(vec![change(
        id,
        format!("security groups back to {}", groups.join(",")),
    )])
}

pub(super) async fn snapshot_volumes(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let ec2 = client(ctx, params);
    let id = param(params, "instance_id")?;
    let volumes: Vec<String> = instance(&ec2, id)
        .await?
        .block_device_mappings()
        .iter()
        .filter_map(|m| m.ebs().and_then(|e| e.volume_id()).map(str::to_string))
        .collect();
    let existing = ec2
        .describe_snapshots()
        .owner_ids("self")
        .filters(
            Filter::builder()
                .name(format!("tag:{EVIDENCE_TAG}"))
                .values(id)
                .build(),
        )
        .send()
        .await
        .map_err(|e| sdk_error("ec2:DescribeSnapshots", &e))?;
    let taken: Vec<&str> = existing
        .snapshots()
        .iter()
        .filter_map(|s| s.volume_id())
        .collect();
    let mut changes = Vec::new();
    let mut snapshots = Vec::new();
    for volume in volumes.iter().filter(|v| !taken.contains(&v.as_str())) {
        if execute {
            let tags = TagSpecification::builder()
                .resource_type(ResourceType::Snapshot)
                .tags(Tag::builder().key(EVIDENCE_TAG).value(id).build())
                .build();
            let out = ec2
                .create_snapshot()
                .volume_id(volume)
                .description(format!("Parapet evidence of {id}"))
                .tag_specifications(tags)
                .send()
                .await
                .map_err(|e| sdk_error("ec2:CreateSnapshot", &e))?;
            snapshots.push(out.snapshot_id().unwrap_or_default().to_string());
        }
        changes.push(change(
            volume.as_str(),
            format!("snapshot {volume} of {id} (tagged {EVIDENCE_TAG}={id})"),
        ));
    }
    Ok(ActionResult {
        output: json!({"instance_id": id, "volumes": volumes, "snapshots": snapshots}),
        changes,
        rollback: None,
    })
}

fn is_world(permission: &IpPermission) -> bool {
    permission
        .ip_ranges()
        .iter()
        .any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
        || permission
            .ipv6_ranges()
            .iter()
            .any(|r| r.cidr_ipv6() == Some("::/0"))
}

/// Only the world-open part of a permission (other CIDRs stay).
fn world_part(permission: &IpPermission) -> IpPermission {
    IpPermission::builder()
        .set_ip_protocol(permission.ip_protocol().map(str::to_string))
        .set_from_port(permission.from_port())
        .set_to_port(permission.to_port())
        .set_ip_ranges(Some(
            permission
                .ip_ranges()
                .iter()
                .filter(|r| r.cidr_ip() == Some("0.0.0.0/0"))
                .cloned()
                .collect(),
        ))
        .set_ipv6_ranges(Some(
            permission
                .ipv6_ranges()
                .iter()
                .filter(|r| r.cidr_ipv6() == Some("::/0"))
                .cloned()
                .collect(),
        ))
        .build()
}

fn covers(permission: &IpPermission, port: Option<i32>) -> bool {
    match (port, permission.ip_protocol()) {
        (None, _) | (_, Some("-1")) => true,
        (Some(port), _) => {
            permission.from_port().unwrap_or(0) <= port
                && port <= permission.to_port().unwrap_or(65535)
        }
    }
}

/// `proto:from:to:v4|v6` per line, enough to authorize the rule again.
fn encode(permission: &IpPermission) -> Vec<String> {
    let head = format!(
        "{}:{}:{}",
        permission.ip_protocol().unwrap_or("-1"),
        permission.from_port().unwrap_or(-1),
        permission.to_port().unwrap_or(-1)
    );
    let mut out: Vec<String> = permission
        .ip_ranges()
        .iter()
        .map(|_| format!("{head}:v4"))
        .collect();
    out.extend(
        permission
            .ipv6_ranges()
            .iter()
            .map(|_| format!("{head}:v6")),
    );
    out
}

pub(super) async fn revoke_open_ingress(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let ec2 = client(ctx, params);
    let group = param(params, "group_id")?;
    let port = match params.get("port").filter(|p| !p.is_empty()) {
        Some(p) => Some(
            p.parse::<i32>()
                .map_err(|_| format!("port `{p}` is not a number"))?,
        ),
        None => None,
    };
    let out = ec2
        .describe_security_groups()
        .group_ids(group)
        .send()
        .await
        .map_err(|e| sdk_error("ec2:DescribeSecurityGroups", &e))?;
    let found = out
        .security_groups()
        .first()
        .ok_or_else(|| format!("security group {group} not found"))?;
    let open: Vec<IpPermission> = found
        .ip_permissions()
        .iter()
        .filter(|p| is_world(p) && covers(p, port))
        .map(world_part)
        .collect();
    let encoded: Vec<String> = open.iter().flat_map(encode).collect();
    if open.is_empty() {
        return Ok(ActionResult {
            output: json!({"group_id": group, "revoked": encoded}),
            ..ActionResult::default()
        });
    }
    if execute {
        ec2.revoke_security_group_ingress()
            .group_id(group)
            .set_ip_permissions(Some(open.clone()))
            .send()
            .await
            .map_err(|e| sdk_error("ec2:RevokeSecurityGroupIngress", &e))?;
    }
    let changes = vec![change(
        group,
        format!("revoke ingress open to the world: {}", encoded.join(", ")),
    )];
    let region = ctx.region(params).to_string();
    let rules = encoded.join(";");
    let undo = rollback(
        "aws.ec2.authorize_ingress",
        &[("group_id", group), ("rules", &rules), ("region", &region)],
        format!("authorize {rules} on {group} again"),
    );
    Ok(ActionResult {
        output: json!({"group_id": group, "revoked": encoded}),
        changes,
        rollback: undo,
    })
}

pub(super) async fn authorize_ingress(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<Vec<Change>, String> {
    let ec2 = client(ctx, params);
    let group = param(params, "group_id")?;
    let rules = param(params, "rules")?;
    let mut permissions = Vec::new();
    for rule in rules.split(';') {
        let parts: Vec<&str> = rule.split(':').collect();
        let [protocol, from, to, family] = parts.as_slice() else {
            return Err(format!("rule `{rule}`: expected protocol:from:to:v4|v6"));
        };
        let number = |s: &str| {
            s.parse::<i32>()
                .map_err(|_| format!("rule `{rule}`: `{s}` is not a port"))
        };
        let mut builder = IpPermission::builder().ip_protocol(*protocol);
        if *protocol != "-1" {
            builder = builder.from_port(number(from)?).to_port(number(to)?);
        }
        builder = if *family == "v6" {
            builder.ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
        } else {
            builder.ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        };
        permissions.push(builder.build());
    }
    if execute {
        ec2.authorize_security_group_ingress()
            .group_id(group)
            .set_ip_permissions(Some(permissions))
            .send()
            .await
            .map_err(|e| sdk_error("ec2:AuthorizeSecurityGroupIngress", &e))?;
    }
    Ok(vec![change(group, format!("authorize {rules} again"))])
}

async fn shares(ec2: &Client, snapshot: &str) -> Result<(Vec<String>, bool), String> {
    let out = ec2
        .describe_snapshot_attribute()
        .snapshot_id(snapshot)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .send()
        .await
        .map_err(|e| sdk_error("ec2:DescribeSnapshotAttribute", &e))?;
    let permissions = out.create_volume_permissions();
    let accounts = permissions
        .iter()
        .filter_map(|p| p.user_id().map(str::to_string))
        .collect();
    let public = permissions
        .iter()
        .any(|p| p.group() == Some(&PermissionGroup::All));
    Ok((accounts, public))
}

/// The `OperationType` + `UserIds` + `GroupNames` form of the call: AWS
/// takes it as it takes the `CreateVolumePermission` structure, and
/// emulators (moto) only the former.
async fn modify_shares(
    ec2: &Client,
    snapshot: &str,
    operation: OperationType,
    accounts: &[String],
    public: bool,
) -> Result<(), String> {
    let mut call = ec2
        .modify_snapshot_attribute()
        .snapshot_id(snapshot)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .operation_type(operation)
        .set_user_ids(Some(accounts.to_vec()));
    if public {
        call = call.group_names("all");
    }
    call.send()
        .await
        .map(|_| ())
        .map_err(|e| sdk_error("ec2:ModifySnapshotAttribute", &e))
}

pub(super) async fn unshare_snapshot(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let ec2 = client(ctx, params);
    let snapshot = param(params, "snapshot_id")?;
    let (accounts, public) = shares(&ec2, snapshot).await?;
    let output = json!({"snapshot_id": snapshot, "accounts": accounts, "public": public});
    if accounts.is_empty() && !public {
        return Ok(ActionResult {
            output,
            ..ActionResult::default()
        });
    }
    if execute {
        modify_shares(&ec2, snapshot, OperationType::Remove, &accounts, public).await?;
    }
    let shared = format!(
        "{}{}",
        accounts.join(","),
        if public { " and public" } else { "" }
    );
    let region = ctx.region(params).to_string();
    let changes = vec![change(snapshot, format!("stop sharing with {shared}"))];
    let undo = rollback(
        "aws.ec2.reshare_snapshot",
        &[
            ("snapshot_id", snapshot),
            ("accounts", &accounts.join(",")),
            ("public", if public { "true" } else { "false" }),
            ("region", &region),
        ],
        format!("share {snapshot} with {shared} again"),
    );
    Ok(ActionResult {
        output,
        changes,
        rollback: undo,
    })
}

pub(super) async fn reshare_snapshot(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<Vec<Change>, String> {
    let ec2 = client(ctx, params);
    let snapshot = param(params, "snapshot_id")?;
    let accounts: Vec<String> = params
        .get("accounts")
        .map(|a| {
            a.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let public = params.get("public").is_some_and(|p| p == "true");
    if execute {
        modify_shares(&ec2, snapshot, OperationType::Add, &accounts, public).await?;
    }
    Ok(vec![change(snapshot, "share again as before")])
}
