//! Reading IAM-style policy documents (identity, resource and trust
//! policies) as the Resource model stores them: parsed JSON maps.

use parapet_core::AttrValue;

/// The statements of a document (`Statement` may be one map or a list).
pub fn statements(document: &AttrValue) -> Vec<&AttrValue> {
    match document.get("Statement") {
        Some(AttrValue::List(items)) => items.iter().collect(),
        Some(one @ AttrValue::Map(_)) => vec![one],
        _ => Vec::new(),
    }
}

/// A string-or-list field as strings.
pub fn strings(value: Option<&AttrValue>) -> Vec<&str> {
    match value {
        Some(AttrValue::Str(s)) => vec![s.as_str()],
        Some(AttrValue::List(items)) => items.iter().filter_map(AttrValue::as_str).collect(),
        _ => Vec::new(),
    }
}

pub fn is_allow(statement: &AttrValue) -> bool {
    statement.get("Effect").and_then(AttrValue::as_str) == Some("Allow")
}

pub fn is_deny(statement: &AttrValue) -> bool {
    statement.get("Effect").and_then(AttrValue::as_str) == Some("Deny")
}

/// IAM's wildcard match (`*` any run, `?` one character), case-insensitive
/// as IAM compares actions.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether an Allow statement grants `action` (honouring `NotAction`).
pub fn grants_action(statement: &AttrValue, action: &str) -> bool {
    if !is_allow(statement) {
        return false;
    }
    let listed = strings(statement.get("Action"));
    if !listed.is_empty() {
        return listed.iter().any(|p| wildcard_match(p, action));
    }
    let excluded = strings(statement.get("NotAction"));
    !excluded.is_empty() && !excluded.iter().any(|p| wildcard_match(p, action))
}

/// Whether the statement applies to every resource (`Resource: "*"`).
pub fn on_all_resources(statement: &AttrValue) -> bool {
    strings(statement.get("Resource")).contains(&"*")
}

/// Whether a document grants `action` on every resource.
pub fn allows_everywhere(document: &AttrValue, action: &str) -> bool {
    statements(document)
        .into_iter()
        .any(|s| on_all_resources(s) && grants_action(s, action))
}

/// Whether the statement's principal is anyone (`*`, `{"AWS": "*"}`).
pub fn names_anyone(statement: &AttrValue) -> bool {
    match statement.get("Principal") {
        Some(AttrValue::Str(s)) => s == "*",
        Some(map @ AttrValue::Map(_)) => strings(map.get("AWS")).contains(&"*"),
        _ => false,
    }
}

/// Condition keys that tie a statement to known accounts, organizations,
/// networks or source resources, so a `*` principal is not the world.
const RESTRICTING_KEYS: [&str; 12] = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgpaths",
    "aws:resourceorgid",
    "kms:calleraccount",
];

/// Condition keys of a statement, lowercased.
pub fn condition_keys(statement: &AttrValue) -> Vec<String> {
    let Some(AttrValue::Map(operators)) = statement.get("Condition") else {
        return Vec::new();
    };
    operators
        .values()
        .filter_map(AttrValue::as_map)
        .flat_map(|keys| keys.keys().map(|k| k.to_ascii_lowercase()))
        .collect()
}

/// An Allow statement open to anyone that no condition narrows.
pub fn is_public_allow(statement: &AttrValue) -> bool {
    is_allow(statement)
        && names_anyone(statement)
        && !condition_keys(statement)
            .iter()
            .any(|k| RESTRICTING_KEYS.contains(&k.as_str()))
}

/// The Allow statements of a resource policy open to anyone, described;
/// none when there is no policy (`null`).
pub fn public_statements(policy: &AttrValue) -> Vec<String> {
    statements(policy)
        .into_iter()
        .filter(|s| is_public_allow(s))
        .map(describe)
        .collect()
}

/// A short rendering of a statement for evidence.
pub fn describe(statement: &AttrValue) -> String {
    let sid = statement
        .get("Sid")
        .and_then(AttrValue::as_str)
        .map(|s| format!("statement `{s}`: "))
        .unwrap_or_default();
    let field = |name: &str| strings(statement.get(name)).join(",");
    let action = match field("Action") {
        a if a.is_empty() => format!("NotAction {}", field("NotAction")),
        a => a,
    };
    format!(
        "{sid}{} {} on {}",
        statement
            .get("Effect")
            .and_then(AttrValue::as_str)
            .unwrap_or("?"),
        action,
        field("Resource")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> AttrValue {
        AttrValue::from_json(&sonic_rs::from_str(json).unwrap())
    }

    #[test]
    fn wildcards_follow_iam() {
        assert!(wildcard_match("*", "iam:PassRole"));
        assert!(wildcard_match("iam:*", "IAM:PassRole"));
        assert!(wildcard_match("iam:Pass*", "iam:passrole"));
        assert!(wildcard_match("s3:Get?bject", "s3:GetObject"));
        assert!(!wildcard_match("iam:Get*", "iam:PassRole"));
        assert!(!wildcard_match("s3:*", "s3x:Get"));
    }

    #[test]
    fn actions_not_actions_and_principals() {
        let d = doc(
            r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
                {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
                 "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}"#,
        );
        assert!(allows_everywhere(&d, "ec2:RunInstances"));
        assert!(!allows_everywhere(&d, "iam:PassRole"));
        let s = statements(&d);
        assert!(names_anyone(s[1]) && !is_public_allow(s[1]));
        let open = doc(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*"}}"#);
        assert!(is_public_allow(statements(&open)[0]));
        assert_eq!(describe(statements(&open)[0]), "Allow s3:* on ");
    }
}
