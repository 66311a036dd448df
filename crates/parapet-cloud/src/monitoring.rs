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
