//! IAM-style policy documents: kept as parsed structure, and the principals
//! they grant to, which become relations.

use parapet_core::{AttrOrigin, AttrValue, Resource};
use sonic_rs::Value;

/// A JSON text as an attribute value (a string when it does not parse).
pub(crate) fn json_attr(text: &str) -> AttrValue {
    match sonic_rs::from_str::<Value>(text) {
        Ok(value) => AttrValue::from_json(&value),
        Err(_) => AttrValue::Str(text.to_string()),
    }
}

/// Records a resource policy: the document as `policy`, the principals it
/// allows as `policy.principals` and as `grants-access-to` relations.
pub(crate) fn record_policy(r: &mut Resource, document: &str, origin: &AttrOrigin) {
    let principals = parapet_core::allowed_principals(document);
    for principal in &principals {
        r.relate("grants-access-to", principal.clone());
    }
    r.set("policy", json_attr(document), origin);
    r.set("policy.principals", principals, origin);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_become_attributes_and_relations() {
        let mut r = Resource::new(
            parapet_core::Provider::Aws,
            "aws.s3.bucket",
            "arn:aws:s3:::b",
            "b",
        );
        let origin = AttrOrigin::Api("s3:GetBucketPolicy".into());
        record_policy(
            &mut r,
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::9:root"}}]}"#,
            &origin,
        );
        assert_eq!(
            r.value("policy.principals"),
            Some(&AttrValue::List(vec!["arn:aws:iam::9:root".into()]))
        );
        assert!(matches!(r.value("policy"), Some(AttrValue::Map(_))));
        assert_eq!(r.relations[0].target, "arn:aws:iam::9:root");
        assert_eq!(json_attr("not json"), AttrValue::Str("not json".into()));
    }
}
