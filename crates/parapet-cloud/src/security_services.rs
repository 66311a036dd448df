//! Whether the account's own security services run in a region: AWS Config
//! recorders, GuardDuty detectors and Security Hub. One resource per region and service,
//! so "not enabled" is an attribute a rule can read, not a missing row.

use aws_sdk_config::Client as Config;
use aws_sdk_guardduty::Client as GuardDuty;
use aws_sdk_securityhub::Client as SecurityHub;
use parapet_core::{Provider, Resource};

use crate::context::{api, Ctx, Reply};

pub(crate) async fn collect(
    config: &Config,
    guardduty: &GuardDuty,
    hub: &SecurityHub,
    region: &str,
    ctx: &Ctx,
) -> Vec<Resource> {
    vec![
        config_recorders(config, region, ctx).await,
        guardduty_detectors(guardduty, region, ctx).await,
        security_hub(hub, region, ctx).await,
    ]
}

async fn security_hub(hub: &SecurityHub, region: &str, ctx: &Ctx) -> Resource {
    let uid = format!("arn:aws:securityhub:{region}:{}:hub/default", ctx.account);
    let mut r = Resource::new(Provider::Aws, "aws.securityhub.hub", uid, region)
        .located(&ctx.account, region);
    let origin = api("securityhub", "DescribeHub");
    // A region where Security Hub is off answers "not subscribed".
    let off = ["InvalidAccessException", "ResourceNotFoundException"];
    match ctx
        .call(
            "securityhub",
            region,
            "DescribeHub",
            &off,
            hub.describe_hub().send(),
        )
        .await
    {
        Reply::Ok(out) => {
            r.set("enabled", true, &origin);
            r.set("subscribed_at", out.subscribed_at(), &origin);
        }
        Reply::Absent => r.set("enabled", false, &origin),
        Reply::Failed => r.unknown("enabled", &origin),
    }
    r
}

async fn config_recorders(config: &Config, region: &str, ctx: &Ctx) -> Resource {
    let uid = format!("arn:aws:config:{region}:{}:recorders", ctx.account);
    let mut r = Resource::new(Provider::Aws, "aws.config.recorders", uid, region)
        .located(&ctx.account, region);
    let origin = api("config", "DescribeConfigurationRecorders");
    let recorders = ctx
        .call(
            "config",
            region,
            "DescribeConfigurationRecorders",
            &[],
            config.describe_configuration_recorders().send(),
        )
        .await
        .ok();
    let Some(recorders) = recorders else {
        r.unknown("recording_all_resources", &origin);
        return r;
    };
    let all = recorders.configuration_recorders().iter().any(|rec| {
        rec.recording_group()
            .is_some_and(|g| g.all_supported() && g.include_global_resource_types())
    });
    let names: Vec<&str> = recorders
        .configuration_recorders()
        .iter()
        .filter_map(|rec| rec.name())
        .collect();
    r.set("recorders", names, &origin);
    r.set("recording_all_resources", all, &origin);
    let origin = api("config", "DescribeConfigurationRecorderStatus");
    let status = config.describe_configuration_recorder_status().send();
    match ctx
        .call(
            "config",
            region,
            "DescribeConfigurationRecorderStatus",
            &[],
            status,
        )
        .await
        .ok()
    {
        Some(out) => r.set(
            "recording",
            out.configuration_recorders_status()
                .iter()
                .any(|s| s.recording()),
            &origin,
        ),
        None => r.unknown("recording", &origin),
    }
    r
}

async fn guardduty_detectors(guardduty: &GuardDuty, region: &str, ctx: &Ctx) -> Resource {
    let uid = format!("arn:aws:guardduty:{region}:{}:detectors", ctx.account);
    let mut r = Resource::new(Provider::Aws, "aws.guardduty.detectors", uid, region)
        .located(&ctx.account, region);
    let origin = api("guardduty", "GetDetector");
    let Some(list) = ctx
        .call(
            "guardduty",
            region,
            "ListDetectors",
            &[],
            guardduty.list_detectors().send(),
        )
        .await
        .ok()
    else {
        r.unknown("enabled", &origin);
        return r;
    };
    let mut enabled = false;
    for id in list.detector_ids() {
        let call = guardduty.get_detector().detector_id(id).send();
        let Some(detector) = ctx
            .call("guardduty", region, "GetDetector", &[], call)
            .await
            .ok()
        else {
            r.unknown("enabled", &origin);
            return r;
        };
        enabled |= detector.status().is_some_and(|s| s.as_str() == "ENABLED");
    }
    r.set("detector_ids", list.detector_ids().to_vec(), &origin);
    r.set("enabled", enabled, &origin);
    r
}
