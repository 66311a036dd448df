//! IAM users: credential-report fields, login profile, MFA devices, access
//! keys (ids and status; last use is an observation), groups and policies.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_iam::types::{ReportStateType, User};
use aws_sdk_iam::Client;
use parapet_core::{AttrValue, Provider, Resource};

use super::{attached_and_inline, time, Principal, NO_SUCH_ENTITY, REGION, SERVICE};
use crate::context::{api, next_page, Ctx, Reply};

pub(super) async fn list_users(client: &Client, ctx: &Ctx) -> Vec<User> {
    let mut users = Vec::new();
    let mut marker = None;
    loop {
        let call = client.list_users().set_marker(marker.take()).send();
        let Some(page) = ctx.call(SERVICE, REGION, "ListUsers", &[], call).await.ok() else {
            break;
        };
        users.extend(page.users().iter().cloned());
        marker = next_page(page.marker().filter(|_| page.is_truncated()));
        if marker.is_none() {
            break;
        }
    }
    users
}

pub(super) type CredentialReport = BTreeMap<String, BTreeMap<String, String>>;

/// The credential report, by user name. It holds dates and flags only.
pub(super) async fn credential_report(client: &Client, ctx: &Ctx) -> Option<CredentialReport> {
    for _ in 0..10 {
        let generated = ctx
            .call(
                SERVICE,
                REGION,
                "GenerateCredentialReport",
                &[],
                client.generate_credential_report().send(),
            )
            .await
            .ok()?;
        if generated.state() == Some(&ReportStateType::Complete) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let report = ctx
        .call(
            SERVICE,
            REGION,
            "GetCredentialReport",
            &[],
            client.get_credential_report().send(),
        )
        .await
        .ok()?;
    let text = String::from_utf8_lossy(report.content()?.as_ref()).into_owned();
    Some(parse_credential_report(&text))
}

/// Report columns as attributes; the "last used" ones are observations
/// (`observed.`), which inventory diffs leave out.
pub(super) fn set_report_row(resource: &mut Resource, row: &BTreeMap<String, String>) {
    let origin = api(SERVICE, "GetCredentialReport");
    for (column, value) in row {
        let prefix = if column.contains("last_used") {
            "observed.credential_report"
        } else {
            "credential_report"
        };
        resource.set(&format!("{prefix}.{column}"), value.as_str(), &origin);
    }
}

pub(crate) fn parse_credential_report(csv: &str) -> CredentialReport {
    let mut lines = csv.lines();
    let Some(header) = lines.next() else {
        return CredentialReport::new();
    };
    let columns: Vec<&str> = header.split(',').map(str::trim).collect();
    lines
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let user = cells.first()?.to_string();
            let row = columns
                .iter()
                .zip(&cells)
                .skip(1)
                .map(|(c, v)| (c.to_string(), v.trim().to_string()))
                .collect();
            Some((user, row))
        })
        .collect()
}

pub(super) async fn user_resource(
    client: &Client,
    ctx: &Ctx,
    user: &User,
    report: Option<&CredentialReport>,
) -> Resource {
    let name = user.user_name();
    let mut r = Resource::new(Provider::Aws, "aws.iam.user", user.arn(), name)
        .located(&ctx.account, REGION);
    let list = api(SERVICE, "ListUsers");
    r.set("user_id", user.user_id(), &list);
    r.set("create_date", time(user.create_date()), &list);
    r.set(
        "observed.password_last_used",
        user.password_last_used().map_or(AttrValue::Null, time),
        &list,
    );
    r.tags = user
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();

    let origin = api(SERVICE, "GetLoginProfile");
    match ctx
        .call(
            SERVICE,
            REGION,
            "GetLoginProfile",
            NO_SUCH_ENTITY,
            client.get_login_profile().user_name(name).send(),
        )
        .await
    {
        Reply::Ok(_) => r.set("login_profile.exists", true, &origin),
        Reply::Absent => r.set("login_profile.exists", false, &origin),
        Reply::Failed => r.unknown("login_profile.exists", &origin),
    }

    let origin = api(SERVICE, "ListMFADevices");
    match ctx
        .call(
            SERVICE,
            REGION,
            "ListMFADevices",
            &[],
            client.list_mfa_devices().user_name(name).send(),
        )
        .await
        .ok()
    {
        Some(out) => {
            let serials: Vec<String> = out
                .mfa_devices()
                .iter()
                .map(|d| d.serial_number().to_string())
                .collect();
            r.set("mfa.enabled", !serials.is_empty(), &origin);
            r.set("mfa.devices", serials, &origin);
        }
        None => r.unknown("mfa.enabled", &origin),
    }

    let origin = api(SERVICE, "ListAccessKeys");
    match ctx
        .call(
            SERVICE,
            REGION,
            "ListAccessKeys",
            &[],
            client.list_access_keys().user_name(name).send(),
        )
        .await
        .ok()
    {
        Some(out) => {
            let mut keys = Vec::new();
            let mut last_used = Vec::new();
            for key in out.access_key_metadata() {
                let mut entry = BTreeMap::new();
                let id = key.access_key_id().unwrap_or_default();
                entry.insert("id".to_string(), AttrValue::from(id));
                entry.insert(
                    "status".to_string(),
                    key.status().map(|s| s.as_str()).into(),
                );
                entry.insert(
                    "create_date".to_string(),
                    key.create_date().map_or(AttrValue::Null, time),
                );
                let last = client.get_access_key_last_used().access_key_id(id).send();
                if let Some(used) = ctx
                    .call(SERVICE, REGION, "GetAccessKeyLastUsed", &[], last)
                    .await
                    .ok()
                {
                    let used = used.access_key_last_used();
                    let mut seen = BTreeMap::new();
                    seen.insert("id".to_string(), AttrValue::from(id));
                    seen.insert(
                        "date".to_string(),
                        used.and_then(|u| u.last_used_date())
                            .map_or(AttrValue::Null, time),
                    );
                    seen.insert("service".to_string(), used.map(|u| u.service_name()).into());
                    last_used.push(AttrValue::Map(seen));
                }
                keys.push(AttrValue::Map(entry));
            }
            r.set("access_keys", AttrValue::List(keys), &origin);
            r.set(
                "observed.access_keys_last_used",
                AttrValue::List(last_used),
                &api(SERVICE, "GetAccessKeyLastUsed"),
            );
        }
        None => r.unknown("access_keys", &origin),
    }

    attached_and_inline(client, ctx, &mut r, Principal::User(name)).await;

    let origin = api(SERVICE, "ListGroupsForUser");
    match ctx
        .call(
            SERVICE,
            REGION,
            "ListGroupsForUser",
            &[],
            client.list_groups_for_user().user_name(name).send(),
        )
        .await
        .ok()
    {
        Some(out) => {
            let groups: Vec<String> = out
                .groups()
                .iter()
                .map(|g| g.group_name().to_string())
                .collect();
            for group in out.groups() {
                r.relate("member-of", group.arn());
            }
            r.set("groups", groups, &origin);
        }
        None => r.unknown("groups", &origin),
    }

    if let Some(row) = report.and_then(|rep| rep.get(name)) {
        set_report_row(&mut r, row);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_report_rows_by_user() {
        let csv = "user,arn,mfa_active,access_key_1_active\n<root_account>,arn:aws:iam::1:root,false,true\nalice,arn:aws:iam::1:user/alice,true,false\n";
        let report = parse_credential_report(csv);
        assert_eq!(report["<root_account>"]["mfa_active"], "false");
        assert_eq!(report["alice"]["access_key_1_active"], "false");
        assert_eq!(report["alice"]["arn"], "arn:aws:iam::1:user/alice");
    }
}
