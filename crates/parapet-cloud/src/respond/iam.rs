//! IAM containment: access keys, inline deny policies, role sessions,
//! console passwords.

use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::types::StatusType;
use aws_sdk_iam::Client;
use parapet_respond::{ActionResult, Change};
use sonic_rs::json;

use super::{change, param, rollback, sdk_error, Ctx, Params};

const DENY_ALL_POLICY: &str = "parapet-deny-all";
const DENY_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ParapetDenyAll","Effect":"Deny","Action":"*","Resource":"*"}]}"#;
/// The name the IAM console gives its "revoke active sessions" policy.
const REVOKE_POLICY: &str = "AWSRevokeOlderSessions";

fn client(ctx: &Ctx<'_>) -> Client {
    Client::new(ctx.config)
}

fn no_such_entity<E: ProvideErrorMetadata>(error: &E) -> bool {
    error.code() == Some("NoSuchEntity")
}

pub(super) async fn deactivate_access_key(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let iam = client(ctx);
    let key = param(params, "access_key_id")?;
    let user = match params.get("user").filter(|u| !u.is_empty()) {
        Some(user) => user.clone(),
        None => iam
            .get_access_key_last_used()
            .access_key_id(key)
            .send()
            .await
            .map_err(|e| sdk_error("iam:GetAccessKeyLastUsed", &e))?
            .user_name()
            .ok_or_else(|| format!("access key {key}: no user owns it"))?
            .to_string(),
    };
    let keys = iam
        .list_access_keys()
        .user_name(&user)
        .send()
        .await
        .map_err(|e| sdk_error("iam:ListAccessKeys", &e))?;
    let current = keys
        .access_key_metadata()
        .iter()
        .find(|k| k.access_key_id() == Some(key))
        .ok_or_else(|| format!("access key {key} is not one of user {user}'s keys"))?;
    let output = json!({"access_key_id": key, "user": user, "status": "Inactive"});
    if current.status() == Some(&StatusType::Inactive) {
        return Ok(ActionResult {
            output,
            ..ActionResult::default()
        });
    }
    let changes = vec![change(
        format!("arn:aws:iam:::user/{user}#{key}"),
        format!("set access key {key} of {user} Inactive"),
    )];
    if execute {
        iam.update_access_key()
            .user_name(&user)
            .access_key_id(key)
            .status(StatusType::Inactive)
            .send()
            .await
            .map_err(|e| sdk_error("iam:UpdateAccessKey", &e))?;
    }
    let undo = rollback(
        "aws.iam.activate_access_key",
        &[("user", &user), ("access_key_id", key)],
        format!("set access key {key} of {user} Active again"),
    );
    Ok(ActionResult {
        output,
        changes,
        rollback: undo,
    })
}

pub(super) async fn activate_access_key(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<Vec<Change>, String> {
    let (user, key) = (param(params, "user")?, param(params, "access_key_id")?);
    if execute {
        client(ctx)
            .update_access_key()
            .user_name(user)
            .access_key_id(key)
            .status(StatusType::Active)
            .send()
            .await
            .map_err(|e| sdk_error("iam:UpdateAccessKey", &e))?;
    }
    Ok(vec![change(
        format!("arn:aws:iam:::user/{user}#{key}"),
        format!("set access key {key} of {user} Active"),
    )])
}

/// The inline policy's current document, if any.
async fn inline_policy(
    iam: &Client,
    user: Option<&str>,
    role: Option<&str>,
    name: &str,
) -> Result<Option<String>, String> {
    let document = match (user, role) {
        (Some(user), _) => match iam
            .get_user_policy()
            .user_name(user)
            .policy_name(name)
            .send()
            .await
        {
            Ok(out) => Some(out.policy_document().to_string()),
            Err(e) if no_such_entity(&e) => None,
            Err(e) => return Err(sdk_error("iam:GetUserPolicy", &e)),
        },
        (None, Some(role)) => match iam
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
        {
            Ok(out) => Some(out.policy_document().to_string()),
            Err(e) if no_such_entity(&e) => None,
            Err(e) => return Err(sdk_error("iam:GetRolePolicy", &e)),
        },
        (None, None) => return Err("give `user` or `role`".into()),
    };
    Ok(document.map(|d| parapet_core::percent_decode(&d)))
}

async fn put_inline_policy(
    iam: &Client,
    user: Option<&str>,
    role: Option<&str>,
    name: &str,
    document: &str,
) -> Result<(), String> {
    match (user, role) {
        (Some(user), _) => iam
            .put_user_policy()
            .user_name(user)
            .policy_name(name)
            .policy_document(document)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| sdk_error("iam:PutUserPolicy", &e)),
        (None, Some(role)) => iam
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(document)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| sdk_error("iam:PutRolePolicy", &e)),
        (None, None) => Err("give `user` or `role`".into()),
    }
}

fn principal(user: Option<&str>, role: Option<&str>) -> (String, [(&'static str, String); 1]) {
    match (user, role) {
        (Some(user), _) => (
            format!("arn:aws:iam:::user/{user}"),
            [("user", user.to_string())],
        ),
        (_, role) => {
            let role = role.unwrap_or_default();
            (
                format!("arn:aws:iam:::role/{role}"),
                [("role", role.to_string())],
            )
        }
    }
}

pub(super) async fn attach_deny_all(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let iam = client(ctx);
    let (user, role) = (
        params.get("user").map(String::as_str),
        params.get("role").map(String::as_str),
    );
    let (target, who) = principal(user, role);
    let output = json!({"principal": target, "policy": DENY_ALL_POLICY});
    if inline_policy(&iam, user, role, DENY_ALL_POLICY)
        .await?
        .is_some()
    {
        return Ok(ActionResult {
            output,
            ..ActionResult::default()
        });
    }
    if execute {
        put_inline_policy(&iam, user, role, DENY_ALL_POLICY, DENY_ALL).await?;
    }
    let changes = vec![change(
        &target,
        format!("attach inline policy {DENY_ALL_POLICY} (deny everything)"),
    )];
    let undo = rollback(
        "aws.iam.delete_inline_policy",
        &[(who[0].0, &who[0].1), ("policy", DENY_ALL_POLICY)],
        format!("delete inline policy {DENY_ALL_POLICY} of {target}"),
    );
    Ok(ActionResult {
        output,
        changes,
        rollback: undo,
    })
}

pub(super) async fn revoke_role_sessions(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let iam = client(ctx);
    let role = param(params, "role")?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let cutoff = parapet_core::Timestamp(now - now % 1000).to_string();
    let document = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"*","Resource":"*","Condition":{{"DateLessThan":{{"aws:TokenIssueTime":"{cutoff}"}}}}}}]}}"#
    );
    let previous = inline_policy(&iam, None, Some(role), REVOKE_POLICY).await?;
    if execute {
        put_inline_policy(&iam, None, Some(role), REVOKE_POLICY, &document).await?;
    }
    let target = format!("arn:aws:iam:::role/{role}");
    let changes = vec![change(
        &target,
        format!("deny every session issued before {cutoff} ({REVOKE_POLICY})"),
    )];
    // Restoring an older cutoff would re-admit sessions: undoing only removes
    // a policy this run created.
    let undo = match previous {
        None => rollback(
            "aws.iam.delete_inline_policy",
            &[("role", role), ("policy", REVOKE_POLICY)],
            format!("delete inline policy {REVOKE_POLICY} of {target}"),
        ),
        Some(_) => None,
    };
    Ok(ActionResult {
        output: json!({"role": role, "cutoff": cutoff}),
        changes,
        rollback: undo,
    })
}

pub(super) async fn delete_inline_policy(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<Vec<Change>, String> {
    let iam = client(ctx);
    let policy = param(params, "policy")?;
    let (user, role) = (
        params.get("user").map(String::as_str),
        params.get("role").map(String::as_str),
    );
    let (target, _) = principal(user, role);
    if inline_policy(&iam, user, role, policy).await?.is_none() {
        return Ok(Vec::new());
    }
    if execute {
        match (user, role) {
            (Some(user), _) => iam
                .delete_user_policy()
                .user_name(user)
                .policy_name(policy)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk_error("iam:DeleteUserPolicy", &e))?,
            (None, Some(role)) => iam
                .delete_role_policy()
                .role_name(role)
                .policy_name(policy)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk_error("iam:DeleteRolePolicy", &e))?,
            (None, None) => return Err("give `user` or `role`".into()),
        }
    }
    Ok(vec![change(
        target,
        format!("delete inline policy {policy}"),
    )])
}

pub(super) async fn delete_login_profile(
    ctx: &Ctx<'_>,
    params: &Params,
    execute: bool,
) -> Result<ActionResult, String> {
    let iam = client(ctx);
    let user = param(params, "user")?;
    let output = json!({"user": user, "console_access": false});
    match iam.get_login_profile().user_name(user).send().await {
        Ok(_) => {}
        Err(e) if no_such_entity(&e) => {
            return Ok(ActionResult {
                output,
                ..ActionResult::default()
            })
        }
        Err(e) => return Err(sdk_error("iam:GetLoginProfile", &e)),
    }
    if execute {
        iam.delete_login_profile()
            .user_name(user)
            .send()
            .await
            .map_err(|e| sdk_error("iam:DeleteLoginProfile", &e))?;
    }
    // A password cannot be restored: no rollback, a new one must be set.
    Ok(ActionResult {
        output,
        changes: vec![change(
            format!("arn:aws:iam:::user/{user}"),
            "delete the console password (login profile)",
        )],
        rollback: None,
    })
}
