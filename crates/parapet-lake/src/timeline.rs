//! `parapet timeline`: everything one identity, IP or access key did, across
//! all sources, in time order, as a query over the lake's OCSF columns.

use crate::saved::quote;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A user, role or session ARN (or a user name): what it did, what its
    /// role's sessions did, and what others did to it.
    Identity(String),
    Ip(String),
    /// What the key did, and the call that issued it (AssumeRole,
    /// GetSessionToken, ...).
    AccessKey(String),
}

/// Calls whose response holds new credentials.
const ISSUING: &str = "('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', \
                       'GetSessionToken', 'GetFederationToken')";

/// The timeline query: `why` says how each row involves the subject.
pub fn timeline_sql(subject: &Subject, from: Option<&str>, to: Option<&str>, limit: u32) -> String {
    let why = match subject {
        Subject::Identity(id) => {
            let v = quote(id);
            format!(
                "CASE WHEN actor_user_uid = {v} OR actor_user_name = {v} THEN 'actor' \
                 WHEN actor_session_issuer = {v} THEN 'session of role' \
                 WHEN array_has(resources, {v}) THEN 'target' END"
            )
        }
        Subject::Ip(ip) => format!("CASE WHEN src_ip = {} THEN 'source ip' END", quote(ip)),
        Subject::AccessKey(key) => {
            let v = quote(key);
            format!(
                "CASE WHEN actor_credential_uid = {v} THEN 'used key' \
                 WHEN api_operation IN {ISSUING} \
                 AND json_get(raw, 'responseElements.credentials.accessKeyId') = {v} \
                 THEN 'issued key' END"
            )
        }
    };
    let mut window = String::new();
    if let Some(from) = from {
        window.push_str(&format!(" AND date >= {}", quote(from)));
    }
    if let Some(to) = to {
        window.push_str(&format!(" AND date <= {}", quote(to)));
    }
    format!(
        "SELECT time, why, source, cloud_account_uid AS account, cloud_region AS region, \
         api_service_name AS service, api_operation AS operation, actor_user_uid AS identity, \
         src_ip, actor_credential_uid AS access_key, user_agent, status, error_code \
         FROM (SELECT *, {why} AS why FROM events WHERE TRUE{window}) \
         WHERE why IS NOT NULL ORDER BY time, operation LIMIT {limit}"
    )
}
