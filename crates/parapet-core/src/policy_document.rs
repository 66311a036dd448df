//! IAM-style policy documents (identity, resource and trust policies).

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

/// Principals (`AWS`, `Service`, `Federated`, or `*`) that Allow statements
/// of a policy or trust document name, sorted and unique.
pub fn allowed_principals(document: &str) -> Vec<String> {
    let Ok(policy) = sonic_rs::from_str::<Value>(document) else {
        return Vec::new();
    };
    let statements: Vec<&Value> = match policy.get("Statement") {
        Some(s) if s.is_array() => s.as_array().map(|a| a.iter().collect()).unwrap_or_default(),
        Some(s) => vec![s],
        None => Vec::new(),
    };
    let mut principals = Vec::new();
    for statement in statements {
        if statement.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
            continue;
        }
        match statement.get("Principal") {
            Some(p) if p.as_str() == Some("*") => principals.push("*".to_string()),
            Some(p) => {
                for kind in ["AWS", "Service", "Federated", "CanonicalUser"] {
                    match p.get(kind) {
                        Some(v) if v.is_array() => principals.extend(
                            v.as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|x| x.as_str())
                                .map(str::to_string),
                        ),
                        Some(v) => principals.extend(v.as_str().map(str::to_string)),
                        None => {}
                    }
                }
            }
            None => {}
        }
    }
    principals.sort();
    principals.dedup();
    principals
}

/// IAM returns policy documents URL-encoded (RFC 3986: `+` stays `+`).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| {
                std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .flatten();
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_iam_documents_and_finds_principals() {
        assert_eq!(
            percent_decode("%7B%22Version%22%3A%222012-10-17%22%7D"),
            r#"{"Version":"2012-10-17"}"#
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a+b%2Bc%zz"), "a+b+c%zz");
        let trust = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::9:root"],"Service":"ec2.amazonaws.com"}},{"Effect":"Deny","Principal":"*"}]}"#;
        assert_eq!(
            allowed_principals(trust),
            ["arn:aws:iam::9:root", "ec2.amazonaws.com"]
        );
        assert_eq!(
            allowed_principals(r#"{"Statement":{"Effect":"Allow","Principal":"*"}}"#),
            ["*"]
        );
        assert!(allowed_principals("not json").is_empty());
    }
}
