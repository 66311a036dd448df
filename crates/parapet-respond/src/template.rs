//! `{{ alert.raw.userIdentity.accessKeyId }}` in step parameters: dotted
//! paths into the run's context (the alert, the case, earlier steps'
//! outputs). A path that is not set is an error naming it, never an empty
//! string that would widen an action's target.

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

/// The paths a text refers to, in order.
pub fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

/// The value at a dotted path (`a.b.0.c`).
pub fn lookup<'v>(context: &'v Value, path: &str) -> Option<&'v Value> {
    let mut at = context;
    for part in path.split('.') {
        at = match at.get(part) {
            Some(v) => v,
            None => match part.parse::<usize>() {
                Ok(i) => at.as_array()?.get(i)?,
                Err(_) => return None,
            },
        };
    }
    Some(at)
}

fn as_text(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None if value.is_null() => String::new(),
        None => value.to_string(),
    }
}

/// Replaces every `{{ path }}`; an unknown path or an unclosed `{{` is an error.
pub fn render(text: &str, context: &Value) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("`{text}`: `{{{{` is not closed"))?;
        let path = after[..end].trim();
        let value = lookup(context, path)
            .filter(|v| !v.is_null())
            .ok_or_else(|| format!("`{{{{ {path} }}}}` is not set"))?;
        out.push_str(&as_text(value));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A step's `when`: `a == b`, `a != b`, or truthy (not empty, `false`,
/// `0`, `null`, `no`). A path that is not set reads as empty here, so
/// `when: "{{ steps.x.output.found }}"` is false when nothing was found.
pub fn condition(text: &str, context: &Value) -> Result<bool, String> {
    let mut rendered = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        rendered.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("`{text}`: `{{{{` is not closed"))?;
        rendered.push_str(
            &lookup(context, after[..end].trim())
                .map(as_text)
                .unwrap_or_default(),
        );
        rest = &after[end + 2..];
    }
    rendered.push_str(rest);
    if let Some((a, b)) = rendered.split_once("!=") {
        return Ok(a.trim() != b.trim());
    }
    if let Some((a, b)) = rendered.split_once("==") {
        return Ok(a.trim() == b.trim());
    }
    let value = rendered.trim().to_ascii_lowercase();
    Ok(!matches!(
        value.as_str(),
        "" | "false" | "0" | "null" | "no"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Value {
        sonic_rs::from_str(r#"{"alert":{"actor":"arn:aws:iam::1:user/bob","raw":{"userIdentity":{"accessKeyId":"AKIAEXAMPLE"},"list":["a","b"]}},"steps":{"lookup":{"status":"ok","output":{"found":true,"count":0}}}}"#).unwrap()
    }

    #[test]
    fn renders_paths_and_refuses_unknown_ones() {
        let c = context();
        assert_eq!(
            render(
                "key {{ alert.raw.userIdentity.accessKeyId }} of {{alert.actor}}",
                &c
            )
            .unwrap(),
            "key AKIAEXAMPLE of arn:aws:iam::1:user/bob"
        );
        assert_eq!(render("{{ alert.raw.list.1 }}", &c).unwrap(), "b");
        assert!(render("{{ alert.raw.nope }}", &c)
            .unwrap_err()
            .contains("alert.raw.nope"));
        assert!(render("{{ alert.actor", &c).is_err());
        assert_eq!(references("{{ a.b }} and {{c}}"), ["a.b", "c"]);
    }

    #[test]
    fn conditions() {
        let c = context();
        assert!(condition("{{ steps.lookup.output.found }}", &c).unwrap());
        assert!(!condition("{{ steps.lookup.output.count }}", &c).unwrap());
        assert!(!condition("{{ steps.lookup.output.missing }}", &c).unwrap());
        assert!(condition("{{ steps.lookup.status }} == ok", &c).unwrap());
        assert!(!condition("{{ steps.lookup.status }} != ok", &c).unwrap());
    }
}
