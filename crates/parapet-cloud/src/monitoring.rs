//! CloudWatch in one region: log metric filters (pattern, log group, the
//! metric they feed) and metric alarms (metric, actions): what CIS's
//! "monitoring" controls look for.

use aws_sdk_cloudwatch::Client as Alarms;
use aws_sdk_cloudwatchlogs::Client as Logs;
use parapet_core::{Provider, Resource};

use crate::context::{api, next_page, Ctx};

pub(crate) async fn collect(
    logs: &Logs,
    alarms: &Alarms,
    region: &str,
    ctx: &Ctx,
) -> Vec<Resource> {
    let mut resources = metric_filters(logs, region, ctx).await;
    resources.extend(metric_alarms(alarms, region, ctx).await);
    resources
}

async fn metric_filters(logs: &Logs, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = logs
            .describe_metric_filters()
            .set_next_token(token.take())
            .send();
        let Some(page) = ctx
            .call("logs", region, "DescribeMetricFilters", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api("logs", "DescribeMetricFilters");
        for filter in page.metric_filters() {
            let (Some(name), Some(group)) = (filter.filter_name(), filter.log_group_name()) else {
                continue;
            };
            let uid = format!(
                "arn:aws:logs:{region}:{}:log-group:{group}:metric-filter/{name}",
                ctx.account
            );
            let mut r = Resource::new(Provider::Aws, "aws.logs.metric-filter", uid, name)
                .located(&ctx.account, region);
            r.set("pattern", filter.filter_pattern(), &origin);
            r.set("log_group", group, &origin);
            let metrics: Vec<String> = filter
                .metric_transformations()
                .iter()
                .map(|m| format!("{}/{}", m.metric_namespace(), m.metric_name()))
                .collect();
            r.set("metrics", metrics, &origin);
            r.relate(
                "reads-log-group",
                format!("arn:aws:logs:{region}:{}:log-group:{group}", ctx.account),
            );
            resources.push(r);
        }
        token = next_page(page.next_token());
        if token.is_none() {
            break;
        }
    }
    resources
}

async fn metric_alarms(alarms: &Alarms, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = alarms.describe_alarms().set_next_token(token.take()).send();
        let Some(page) = ctx
            .call("cloudwatch", region, "DescribeAlarms", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api("cloudwatch", "DescribeAlarms");
        for alarm in page.metric_alarms() {
            let (Some(arn), Some(name)) = (alarm.alarm_arn(), alarm.alarm_name()) else {
                continue;
            };
            let mut r = Resource::new(Provider::Aws, "aws.cloudwatch.alarm", arn, name)
                .located(&ctx.account, region);
            let metric = match (alarm.namespace(), alarm.metric_name()) {
                (Some(namespace), Some(metric)) => Some(format!("{namespace}/{metric}")),
                _ => None,
            };
            r.set("metric", metric, &origin);
            r.set("actions", alarm.alarm_actions().to_vec(), &origin);
            for action in alarm.alarm_actions() {
                r.relate("notifies", action.clone());
            }
            resources.push(r);
        }
        token = next_page(page.next_token());
        if token.is_none() {
            break;
        }
    }
    resources
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudwatch::config::{BehaviorVersion, Credentials, Region};
    use aws_smithy_cbor::Encoder;
    use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
    use aws_smithy_types::body::SdkBody;

    use super::*;

    /// DescribeAlarms as CloudWatch answers it over RPC v2 CBOR: one alarm
    /// on the CIS root-usage metric, notifying an SNS topic.
    fn recorded_describe_alarms() -> Vec<u8> {
        let mut cbor = Encoder::new(Vec::new());
        cbor.map(1).str("MetricAlarms").array(1).map(5);
        cbor.str("AlarmName").str("root-usage");
        cbor.str("AlarmArn")
            .str("arn:aws:cloudwatch:us-east-1:111122223333:alarm:root-usage");
        cbor.str("Namespace").str("CISBenchmark");
        cbor.str("MetricName").str("RootUsage");
        cbor.str("AlarmActions")
            .array(1)
            .str("arn:aws:sns:us-east-1:111122223333:security");
        cbor.into_writer()
    }

    #[test]
    fn alarms_read_from_a_recorded_cbor_reply() {
        let http = StaticReplayClient::new(vec![ReplayEvent::new(
            http::Request::builder()
                .uri("https://monitoring.us-east-1.amazonaws.com/service/GraniteServiceVersion20100801/operation/DescribeAlarms")
                .body(SdkBody::empty())
                .unwrap(),
            http::Response::builder()
                .status(200)
                .header("content-type", "application/cbor")
                .header("smithy-protocol", "rpc-v2-cbor")
                .body(SdkBody::from(recorded_describe_alarms()))
                .unwrap(),
        )]);
        let config = aws_sdk_cloudwatch::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .http_client(http)
            .build();
        let alarms = Alarms::from_conf(config);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let ctx = Ctx::new("111122223333".into(), 2);
        let found = runtime.block_on(metric_alarms(&alarms, "us-east-1", &ctx));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].str("metric"), Some("CISBenchmark/RootUsage"));
        assert!(found[0]
            .related("notifies")
            .any(|t| t == "arn:aws:sns:us-east-1:111122223333:security"));
    }
}
