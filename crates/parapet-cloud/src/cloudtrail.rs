//! CloudTrail in one region: trails whose home is this region, with logging
//! status, event selectors, log file validation, KMS, delivery targets.

use std::collections::BTreeMap;

use aws_sdk_cloudtrail::Client;
use parapet_core::{AttrValue, Provider, Resource};

use crate::context::{api, Ctx};
use crate::iam::time;

const SERVICE: &str = "cloudtrail";

pub(crate) async fn collect(trails: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let call = trails.describe_trails().include_shadow_trails(false).send();
    let Some(out) = ctx
        .call(SERVICE, region, "DescribeTrails", &[], call)
        .await
        .ok()
    else {
        return Vec::new();
    };
    let origin = api(SERVICE, "DescribeTrails");
    let mut resources = Vec::new();
    for trail in out.trail_list() {
        let (Some(arn), Some(name)) = (trail.trail_arn(), trail.name()) else {
            continue;
        };
        let home = trail.home_region().unwrap_or(region);
        let mut r = Resource::new(Provider::Aws, "aws.cloudtrail.trail", arn, name)
            .located(&ctx.account, home);
        r.set(
            "multi_region",
            trail.is_multi_region_trail().unwrap_or(false),
            &origin,
        );
        r.set(
            "organization_trail",
            trail.is_organization_trail().unwrap_or(false),
            &origin,
        );
        r.set(
            "include_global_service_events",
            trail.include_global_service_events().unwrap_or(false),
            &origin,
        );
        r.set(
            "log_file_validation",
            trail.log_file_validation_enabled().unwrap_or(false),
            &origin,
        );
        r.set("kms_key_id", trail.kms_key_id(), &origin);
        r.set("s3_bucket", trail.s3_bucket_name(), &origin);
        r.set(
            "cloudwatch_log_group",
            trail.cloud_watch_logs_log_group_arn(),
            &origin,
        );
        if let Some(bucket) = trail.s3_bucket_name() {
            r.relate("delivers-to", format!("arn:aws:s3:::{bucket}"));
        }
        if let Some(key) = trail.kms_key_id() {
            r.relate("encrypted-with", key);
        }

        let status_origin = api(SERVICE, "GetTrailStatus");
        match ctx
            .call(
                SERVICE,
                region,
                "GetTrailStatus",
                &[],
                trails.get_trail_status().name(arn).send(),
            )
            .await
            .ok()
        {
            Some(status) => {
                r.set(
                    "logging",
                    status.is_logging().unwrap_or(false),
                    &status_origin,
                );
                r.set(
                    "observed.latest_delivery_time",
                    status.latest_delivery_time().map_or(AttrValue::Null, time),
                    &status_origin,
                );
            }
            None => r.unknown("logging", &status_origin),
        }

        let selector_origin = api(SERVICE, "GetEventSelectors");
        match ctx
            .call(
                SERVICE,
                region,
                "GetEventSelectors",
                &[],
                trails.get_event_selectors().trail_name(arn).send(),
            )
            .await
            .ok()
        {
            Some(selectors) => {
                let list: Vec<AttrValue> = selectors
                    .event_selectors()
                    .iter()
                    .map(|s| {
                        let mut m = BTreeMap::new();
                        m.insert(
                            "read_write_type".to_string(),
                            s.read_write_type().map(|t| t.as_str()).into(),
                        );
                        m.insert(
                            "include_management_events".to_string(),
                            s.include_management_events().into(),
                        );
                        let data: Vec<AttrValue> = s
                            .data_resources()
                            .iter()
                            .map(|d| {
                                let mut r = BTreeMap::new();
                                r.insert("type".to_string(), d.r#type().into());
                                r.insert("values".to_string(), d.values().to_vec().into());
                                AttrValue::Map(r)
                            })
                            .collect();
                        m.insert("data_resources".to_string(), AttrValue::List(data));
                        AttrValue::Map(m)
                    })
                    .collect();
                let advanced = !selectors.advanced_event_selectors().is_empty();
                let management_all = selectors.event_selectors().iter().any(|s| {
                    s.include_management_events() != Some(false)
                        && s.read_write_type().is_none_or(|t| t.as_str() == "All")
                });
                r.set("event_selectors", AttrValue::List(list), &selector_origin);
                r.set("advanced_event_selectors", advanced, &selector_origin);
                r.set(
                    "advanced_selectors",
                    advanced_selectors(selectors.advanced_event_selectors()),
                    &selector_origin,
                );
                // With advanced selectors the basic ones are empty; Parapet cannot judge them yet.
                if advanced {
                    r.unknown("logs_all_management_events", &selector_origin);
                } else {
                    r.set(
                        "logs_all_management_events",
                        management_all,
                        &selector_origin,
                    );
                }
            }
            None => r.unknown("logs_all_management_events", &selector_origin),
        }
        resources.push(r);
    }
    resources
}

/// Advanced event selectors as `{name, field_selectors: [{field, equals,
/// starts_with, ends_with, not_equals, not_starts_with, not_ends_with}]}`.
fn advanced_selectors(selectors: &[aws_sdk_cloudtrail::types::AdvancedEventSelector]) -> AttrValue {
    AttrValue::List(
        selectors
            .iter()
            .map(|s| {
                let fields: Vec<AttrValue> = s
                    .field_selectors()
                    .iter()
                    .map(|f| {
                        let mut m = BTreeMap::new();
                        m.insert("field".to_string(), AttrValue::from(f.field()));
                        for (name, values) in [
                            ("equals", f.equals()),
                            ("starts_with", f.starts_with()),
                            ("ends_with", f.ends_with()),
                            ("not_equals", f.not_equals()),
                            ("not_starts_with", f.not_starts_with()),
                            ("not_ends_with", f.not_ends_with()),
                        ] {
                            if !values.is_empty() {
                                m.insert(name.to_string(), values.to_vec().into());
                            }
                        }
                        AttrValue::Map(m)
                    })
                    .collect();
                let mut m = BTreeMap::new();
                m.insert("name".to_string(), AttrValue::from(s.name()));
                m.insert("field_selectors".to_string(), AttrValue::List(fields));
                AttrValue::Map(m)
            })
            .collect(),
    )
}
