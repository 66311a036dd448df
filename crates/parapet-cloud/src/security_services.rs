//! Whether the account's own security services run in a region: AWS Config
//! recorders, GuardDuty detectors, Security Hub and IAM Access Analyzer. One resource per region and service,
//! so "not enabled" is an attribute a rule can read, not a missing row.

use aws_sdk_accessanalyzer::Client as AccessAnalyzer;
use aws_sdk_config::Client as Config;
use aws_sdk_guardduty::Client as GuardDuty;
use aws_sdk_securityhub::Client as SecurityHub;
use parapet_core::{Provider, Resource};

use crate::context::{api, Ctx, Reply};

pub(crate) async fn collect(
    config: &Config,
    guardduty: &GuardDuty,
    hub: &SecurityHub,
    analyzer: &AccessAnalyzer,
    region: &str,
    ctx: &Ctx,
) -> Vec<Resource> {
    vec![
        config_recorders(config, region, ctx).await,
        guardduty_detectors(guardduty, region, ctx).await,
        security_hub(hub, region, ctx).await,
        access_analyzers(analyzer, region, ctx).await,
    ]
}

/// Whether an external-access analyzer (account or organization) is active.
pub(crate) async fn access_analyzers(
    analyzer: &AccessAnalyzer,
    region: &str,
    ctx: &Ctx,
) -> Resource {
    let uid = format!("arn:aws:access-analyzer:{region}:{}:analyzers", ctx.account);
    let mut r = Resource::new(Provider::Aws, "aws.accessanalyzer.analyzers", uid, region)
        .located(&ctx.account, region);
    let origin = api("access-analyzer", "ListAnalyzers");
    let mut names = Vec::new();
    let mut active = false;
    let mut token = None;
    loop {
        let call = analyzer
            .list_analyzers()
            .set_next_token(token.take())
            .send();
        let Some(page) = ctx
            .call("access-analyzer", region, "ListAnalyzers", &[], call)
            .await
            .ok()
        else {
            r.unknown("enabled", &origin);
            return r;
        };
        for found in page.analyzers() {
            let external = matches!(found.r#type().as_str(), "ACCOUNT" | "ORGANIZATION");
            if external && found.status().as_str() == "ACTIVE" {
                active = true;
            }
            names.push(found.name().to_string());
        }
        token = crate::context::next_page(page.next_token());
        if token.is_none() {
            break;
        }
    }
    r.set("analyzers", names, &origin);
    r.set("enabled", active, &origin);
    r
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

#[cfg(test)]
mod tests {
    use aws_sdk_accessanalyzer::config::{BehaviorVersion, Credentials, Region};
    use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
    use aws_smithy_types::body::SdkBody;

    use super::*;

    /// A client answering from a recorded response (see recorded/README.md).
    fn replaying(recorded: &str) -> AccessAnalyzer {
        let path = format!("{}/recorded/{recorded}", env!("CARGO_MANIFEST_DIR"));
        let body = std::fs::read_to_string(path).unwrap();
        let http = StaticReplayClient::new(vec![ReplayEvent::new(
            http::Request::builder()
                .uri("https://access-analyzer.us-east-1.amazonaws.com/analyzer")
                .body(SdkBody::empty())
                .unwrap(),
            http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(SdkBody::from(body))
                .unwrap(),
        )]);
        let config = aws_sdk_accessanalyzer::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .http_client(http)
            .build();
        AccessAnalyzer::from_conf(config)
    }

    fn collect(recorded: &str) -> Resource {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let ctx = Ctx::new("111122223333".into(), 2);
        runtime.block_on(access_analyzers(&replaying(recorded), "us-east-1", &ctx))
    }

    #[test]
    fn an_active_account_analyzer_enables_the_region() {
        let r = collect("accessanalyzer-list-analyzers.json");
        assert_eq!(r.bool("enabled"), Some(true));
        assert_eq!(
            r.value("analyzers"),
            Some(&parapet_core::AttrValue::from(vec![
                "unused-access",
                "account"
            ]))
        );
    }

    #[test]
    fn no_analyzer_or_only_an_unused_access_one_means_disabled() {
        let r = collect("accessanalyzer-list-analyzers-empty.json");
        assert_eq!(r.bool("enabled"), Some(false));
        let r = collect("accessanalyzer-list-analyzers-unused-only.json");
        assert_eq!(r.bool("enabled"), Some(false));
    }
}
