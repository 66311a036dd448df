//! IAM: users (with credential-report fields, access keys and their last use,
//! MFA devices, login profiles), groups, roles with trust policies, customer
//! managed policies with documents, the password policy, the account summary
//! and the root user. Secrets are never requested: access key ids are
//! identifiers, secret keys never appear in these APIs.

use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};
use aws_sdk_iam::types::{PolicyScopeType, Role};
use aws_sdk_iam::Client;
use parapet_core::{AttrValue, Provider, Resource};

use crate::context::{api, next_page, Ctx, Reply};
use crate::policy::json_attr;
use parapet_core::allowed_principals;
use parapet_core::percent_decode;

mod users;
use users::{credential_report, list_users, set_report_row, user_resource};

pub(crate) const SERVICE: &str = "iam";
pub(crate) const REGION: &str = "global";
pub(crate) const NO_SUCH_ENTITY: &[&str] = &["NoSuchEntity"];

pub(crate) fn time(value: &DateTime) -> AttrValue {
    value
        .fmt(DateTimeFormat::DateTime)
        .map_or(AttrValue::Null, AttrValue::Str)
}

pub(crate) async fn collect(client: &Client, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let report = credential_report(client, ctx).await;
    for user in list_users(client, ctx).await {
        resources.push(user_resource(client, ctx, &user, report.as_ref()).await);
    }
    if let Some(root) = report.as_ref().and_then(|r| r.get("<root_account>")) {
        let mut resource = Resource::new(
            Provider::Aws,
            "aws.iam.root",
            format!("arn:aws:iam::{}:root", ctx.account),
            "root",
        )
        .located(&ctx.account, REGION);
        set_report_row(&mut resource, root);
        let origin = api(SERVICE, "ListVirtualMFADevices");
        match root_virtual_mfa(client, ctx).await {
            Some(virtual_device) => resource.set("mfa.virtual", virtual_device, &origin),
            None => resource.unknown("mfa.virtual", &origin),
        }
        resources.push(resource);
    }
    resources.extend(groups(client, ctx).await);
    for role in list_roles(client, ctx).await {
        resources.push(role_resource(client, ctx, &role).await);
    }
    resources.extend(customer_policies(client, ctx).await);
    resources.extend(server_certificates(client, ctx).await);
    resources.push(password_policy(client, ctx).await);
    if let Some(summary) = account_summary(client, ctx).await {
        resources.push(summary);
    }
    resources
}

async fn list_roles(client: &Client, ctx: &Ctx) -> Vec<Role> {
    let mut roles = Vec::new();
    let mut marker = None;
    loop {
        let call = client.list_roles().set_marker(marker.take()).send();
        let Some(page) = ctx.call(SERVICE, REGION, "ListRoles", &[], call).await.ok() else {
            break;
        };
        roles.extend(page.roles().iter().cloned());
        marker = next_page(page.marker().filter(|_| page.is_truncated()));
        if marker.is_none() {
            break;
        }
    }
    roles
}

pub(crate) enum Principal<'a> {
    User(&'a str),
    Role(&'a str),
    Group(&'a str),
}

/// Attached managed policies (relations and `attached_policies`) and inline
/// policy names (`inline_policies`).
pub(crate) async fn attached_and_inline(
    client: &Client,
    ctx: &Ctx,
    r: &mut Resource,
    who: Principal<'_>,
) {
    let (attached_op, inline_op) = match who {
        Principal::User(_) => ("ListAttachedUserPolicies", "ListUserPolicies"),
        Principal::Role(_) => ("ListAttachedRolePolicies", "ListRolePolicies"),
        Principal::Group(_) => ("ListAttachedGroupPolicies", "ListGroupPolicies"),
    };
    let attached = match who {
        Principal::User(n) => ctx
            .call(
                SERVICE,
                REGION,
                attached_op,
                &[],
                client.list_attached_user_policies().user_name(n).send(),
            )
            .await
            .ok()
            .map(|o| o.attached_policies().to_vec()),
        Principal::Role(n) => ctx
            .call(
                SERVICE,
                REGION,
                attached_op,
                &[],
                client.list_attached_role_policies().role_name(n).send(),
            )
            .await
            .ok()
            .map(|o| o.attached_policies().to_vec()),
        Principal::Group(n) => ctx
            .call(
                SERVICE,
                REGION,
                attached_op,
                &[],
                client.list_attached_group_policies().group_name(n).send(),
            )
            .await
            .ok()
            .map(|o| o.attached_policies().to_vec()),
    };
    let origin = api(SERVICE, attached_op);
    match attached {
        Some(policies) => {
            let arns: Vec<String> = policies
                .iter()
                .filter_map(|p| p.policy_arn())
                .map(str::to_string)
                .collect();
            for arn in &arns {
                r.relate("has-policy", arn.clone());
            }
            r.set("attached_policies", arns, &origin);
        }
        None => r.unknown("attached_policies", &origin),
    }
    let inline = match who {
        Principal::User(n) => ctx
            .call(
                SERVICE,
                REGION,
                inline_op,
                &[],
                client.list_user_policies().user_name(n).send(),
            )
            .await
            .ok()
            .map(|o| o.policy_names().to_vec()),
        Principal::Role(n) => ctx
            .call(
                SERVICE,
                REGION,
                inline_op,
                &[],
                client.list_role_policies().role_name(n).send(),
            )
            .await
            .ok()
            .map(|o| o.policy_names().to_vec()),
        Principal::Group(n) => ctx
            .call(
                SERVICE,
                REGION,
                inline_op,
                &[],
                client.list_group_policies().group_name(n).send(),
            )
            .await
            .ok()
            .map(|o| o.policy_names().to_vec()),
    };
    let origin = api(SERVICE, inline_op);
    match inline {
        Some(names) => r.set("inline_policies", names, &origin),
        None => r.unknown("inline_policies", &origin),
    }
}

async fn groups(client: &Client, ctx: &Ctx) -> Vec<Resource> {
    let Some(out) = ctx
        .call(
            SERVICE,
            REGION,
            "ListGroups",
            &[],
            client.list_groups().send(),
        )
        .await
        .ok()
    else {
        return Vec::new();
    };
    let mut resources = Vec::new();
    for group in out.groups() {
        let mut r = Resource::new(
            Provider::Aws,
            "aws.iam.group",
            group.arn(),
            group.group_name(),
        )
        .located(&ctx.account, REGION);
        r.set(
            "create_date",
            time(group.create_date()),
            &api(SERVICE, "ListGroups"),
        );
        attached_and_inline(client, ctx, &mut r, Principal::Group(group.group_name())).await;
        resources.push(r);
    }
    resources
}

async fn role_resource(client: &Client, ctx: &Ctx, role: &Role) -> Resource {
    let mut r = Resource::new(Provider::Aws, "aws.iam.role", role.arn(), role.role_name())
        .located(&ctx.account, REGION);
    let list = api(SERVICE, "ListRoles");
    r.set("role_id", role.role_id(), &list);
    r.set("path", role.path(), &list);
    r.set("create_date", time(role.create_date()), &list);
    r.set("max_session_duration", role.max_session_duration(), &list);
    r.tags = role
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    if let Some(document) = role.assume_role_policy_document() {
        let document = percent_decode(document);
        let principals = allowed_principals(&document);
        for principal in &principals {
            r.relate("trusts", principal.clone());
        }
        r.set("trust_policy", json_attr(&document), &list);
        r.set("trust_policy.principals", principals, &list);
    }
    if let Some(used) = role.role_last_used() {
        r.set(
            "observed.last_used_date",
            used.last_used_date().map_or(AttrValue::Null, time),
            &list,
        );
    }
    attached_and_inline(client, ctx, &mut r, Principal::Role(role.role_name())).await;
    r
}

async fn customer_policies(client: &Client, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut marker = None;
    loop {
        let call = client
            .list_policies()
            .scope(PolicyScopeType::Local)
            .set_marker(marker.take())
            .send();
        let Some(page) = ctx
            .call(SERVICE, REGION, "ListPolicies", &[], call)
            .await
            .ok()
        else {
            break;
        };
        for policy in page.policies() {
            let (Some(arn), Some(name)) = (policy.arn(), policy.policy_name()) else {
                continue;
            };
            let mut r = Resource::new(Provider::Aws, "aws.iam.policy", arn, name)
                .located(&ctx.account, REGION);
            let list = api(SERVICE, "ListPolicies");
            r.set("attachment_count", policy.attachment_count(), &list);
            r.set("default_version_id", policy.default_version_id(), &list);
            let origin = api(SERVICE, "GetPolicyVersion");
            if let Some(version) = policy.default_version_id() {
                let call = client
                    .get_policy_version()
                    .policy_arn(arn)
                    .version_id(version)
                    .send();
                match ctx
                    .call(SERVICE, REGION, "GetPolicyVersion", &[], call)
                    .await
                    .ok()
                {
                    Some(out) => {
                        let document = out
                            .policy_version()
                            .and_then(|v| v.document())
                            .map(percent_decode);
                        r.set(
                            "document",
                            document.as_deref().map_or(AttrValue::Null, json_attr),
                            &origin,
                        );
                    }
                    None => r.unknown("document", &origin),
                }
            }
            resources.push(r);
        }
        marker = next_page(page.marker().filter(|_| page.is_truncated()));
        if marker.is_none() {
            break;
        }
    }
    resources
}

async fn password_policy(client: &Client, ctx: &Ctx) -> Resource {
    let uid = format!("arn:aws:iam::{}:account-password-policy", ctx.account);
    let mut r = Resource::new(
        Provider::Aws,
        "aws.iam.password-policy",
        uid,
        "password-policy",
    )
    .located(&ctx.account, REGION);
    let origin = api(SERVICE, "GetAccountPasswordPolicy");
    match ctx
        .call(
            SERVICE,
            REGION,
            "GetAccountPasswordPolicy",
            NO_SUCH_ENTITY,
            client.get_account_password_policy().send(),
        )
        .await
    {
        Reply::Ok(out) => {
            r.set("exists", true, &origin);
            if let Some(p) = out.password_policy() {
                r.set(
                    "minimum_password_length",
                    p.minimum_password_length(),
                    &origin,
                );
                r.set("require_symbols", p.require_symbols(), &origin);
                r.set("require_numbers", p.require_numbers(), &origin);
                r.set(
                    "require_uppercase_characters",
                    p.require_uppercase_characters(),
                    &origin,
                );
                r.set(
                    "require_lowercase_characters",
                    p.require_lowercase_characters(),
                    &origin,
                );
                r.set(
                    "allow_users_to_change_password",
                    p.allow_users_to_change_password(),
                    &origin,
                );
                r.set("expire_passwords", p.expire_passwords(), &origin);
                r.set("max_password_age", p.max_password_age(), &origin);
                r.set(
                    "password_reuse_prevention",
                    p.password_reuse_prevention(),
                    &origin,
                );
                r.set("hard_expiry", p.hard_expiry(), &origin);
            }
        }
        Reply::Absent => r.set("exists", false, &origin),
        Reply::Failed => r.unknown("exists", &origin),
    }
    r
}

async fn account_summary(client: &Client, ctx: &Ctx) -> Option<Resource> {
    let out = ctx
        .call(
            SERVICE,
            REGION,
            "GetAccountSummary",
            &[],
            client.get_account_summary().send(),
        )
        .await
        .ok()?;
    let uid = format!("arn:aws:iam::{}:account-summary", ctx.account);
    let mut r = Resource::new(
        Provider::Aws,
        "aws.iam.account-summary",
        uid,
        "account-summary",
    )
    .located(&ctx.account, REGION);
    let origin = api(SERVICE, "GetAccountSummary");
    // The account-level security flags are state; the counters and quotas
    // move with every other change and are observations.
    const STATE: [&str; 3] = [
        "AccountMFAEnabled",
        "AccountAccessKeysPresent",
        "AccountSigningCertificatesPresent",
    ];
    for (key, value) in out.summary_map().into_iter().flatten() {
        let name = key.as_str();
        let name = if STATE.contains(&name) {
            name.to_string()
        } else {
            format!("observed.{name}")
        };
        r.set(&name, *value, &origin);
    }
    Some(r)
}

/// Whether the root user's MFA device is a virtual one (a hardware device
/// is not listed among virtual devices).
async fn root_virtual_mfa(client: &Client, ctx: &Ctx) -> Option<bool> {
    let call = client
        .list_virtual_mfa_devices()
        .assignment_status(aws_sdk_iam::types::AssignmentStatusType::Assigned)
        .send();
    let out = ctx
        .call(SERVICE, REGION, "ListVirtualMFADevices", &[], call)
        .await
        .ok()?;
    let root = format!("arn:aws:iam::{}:root", ctx.account);
    Some(
        out.virtual_mfa_devices()
            .iter()
            .any(|d| d.user().is_some_and(|u| u.arn() == root)),
    )
}

/// SSL/TLS certificates stored in IAM, with their expiry.
async fn server_certificates(client: &Client, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut marker = None;
    loop {
        let call = client
            .list_server_certificates()
            .set_marker(marker.take())
            .send();
        let Some(page) = ctx
            .call(SERVICE, REGION, "ListServerCertificates", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api(SERVICE, "ListServerCertificates");
        for cert in page.server_certificate_metadata_list() {
            let mut r = Resource::new(
                Provider::Aws,
                "aws.iam.server-certificate",
                cert.arn(),
                cert.server_certificate_name(),
            )
            .located(&ctx.account, REGION);
            r.set(
                "expiration",
                cert.expiration().map_or(AttrValue::Null, time),
                &origin,
            );
            r.set(
                "upload_date",
                cert.upload_date().map_or(AttrValue::Null, time),
                &origin,
            );
            resources.push(r);
        }
        marker = next_page(page.marker().filter(|_| page.is_truncated()));
        if marker.is_none() {
            break;
        }
    }
    resources
}
