//! Which trails record S3 object-level (data) events for a bucket, from
//! basic event selectors (`data_resources`) or advanced ones
//! (`advanced_selectors` with field selectors).

use parapet_core::{AttrValue, Resource};

use crate::document::strings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

fn basic_covers(selector: &AttrValue, bucket: &str, access: Access) -> bool {
    let kind = selector
        .get("read_write_type")
        .and_then(AttrValue::as_str)
        .unwrap_or("All");
    let wanted = match access {
        Access::Read => kind == "All" || kind == "ReadOnly",
        Access::Write => kind == "All" || kind == "WriteOnly",
    };
    wanted
        && selector
            .get("data_resources")
            .and_then(AttrValue::as_list)
            .unwrap_or_default()
            .iter()
            .filter(|d| d.get("type").and_then(AttrValue::as_str) == Some("AWS::S3::Object"))
            .flat_map(|d| strings(d.get("values")))
            .any(|v| {
                let v = v.trim_end_matches('/');
                v == "arn:aws:s3" || v == "arn:aws:s3:::" || v == format!("arn:aws:s3:::{bucket}")
            })
}

/// Values of one operator of one field in an advanced selector.
fn field<'a>(selector: &'a AttrValue, name: &str, operator: &str) -> Option<Vec<&'a str>> {
    selector
        .get("field_selectors")
        .and_then(AttrValue::as_list)?
        .iter()
        .find(|f| f.get("field").and_then(AttrValue::as_str) == Some(name))
        .and_then(|f| f.get(operator))
        .map(|v| strings(Some(v)))
        .filter(|v| !v.is_empty())
}

fn advanced_covers(selector: &AttrValue, bucket: &str, access: Access) -> bool {
    let data = field(selector, "eventCategory", "equals").is_some_and(|v| v.contains(&"Data"));
    let objects =
        field(selector, "resources.type", "equals").is_some_and(|v| v.contains(&"AWS::S3::Object"));
    if !(data && objects) {
        return false;
    }
    let read_only = field(selector, "readOnly", "equals");
    let access_ok = match read_only.as_deref() {
        None => true,
        Some(values) => values.contains(&match access {
            Access::Read => "true",
            Access::Write => "false",
        }),
    };
    let arn = format!("arn:aws:s3:::{bucket}/");
    let excluded = field(selector, "resources.ARN", "not_starts_with")
        .is_some_and(|v| v.iter().any(|p| arn.starts_with(p)));
    let scoped = match field(selector, "resources.ARN", "starts_with") {
        None => true,
        Some(prefixes) => prefixes.iter().any(|p| arn.starts_with(p)),
    };
    access_ok && !excluded && scoped && field(selector, "resources.ARN", "equals").is_none()
}

/// Whether `trail` records `access` data events on every object of `bucket`
/// (in `bucket_region`). None when its selectors are unknown.
pub fn trail_covers(
    trail: &Resource,
    bucket: &str,
    bucket_region: &str,
    access: Access,
) -> Option<bool> {
    if trail.bool("logging") != Some(true) {
        return Some(false);
    }
    if trail.region != bucket_region && trail.bool("multi_region") != Some(true) {
        return Some(false);
    }
    let basic = trail.list("event_selectors")?;
    let advanced = match trail.list("advanced_selectors") {
        Some(list) => list,
        None if trail.bool("advanced_event_selectors") != Some(false) => return None,
        None => &[],
    };
    Some(
        basic.iter().any(|s| basic_covers(s, bucket, access))
            || advanced.iter().any(|s| advanced_covers(s, bucket, access)),
    )
}

/// The verdict of the object-level logging rules for one bucket.
pub fn check_bucket(
    bucket: &Resource,
    inventory: &crate::inventory::Inventory,
    access: Access,
) -> crate::rule::Verdict {
    use crate::rule::{fail, pass, Unknown};
    let mut undecided = None;
    for trail in inventory.in_account(&bucket.account, "aws.cloudtrail.trail") {
        match trail_covers(trail, &bucket.name, &bucket.region, access) {
            Some(true) => return pass(format!("trail `{}` records them", trail.name)),
            Some(false) => {}
            None => undecided = Some(trail.name.clone()),
        }
    }
    if let Some(trail) = undecided {
        return Err(Unknown(format!(
            "event selectors of trail `{trail}` unknown"
        )));
    }
    if let Some(gap) = inventory.gap("cloudtrail", "DescribeTrails", "*") {
        return Err(Unknown(format!(
            "trails in {} could not be listed: {}",
            gap.region, gap.reason
        )));
    }
    let what = match access {
        Access::Read => "read",
        Access::Write => "write",
    };
    fail(format!(
        "no logging trail records object-level {what} events for this bucket"
    ))
}
