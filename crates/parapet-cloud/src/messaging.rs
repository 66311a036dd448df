//! SNS topics and SQS queues in one region: their resource policies (and the
//! principals they grant to) and encryption at rest.

use aws_sdk_sns::Client as Sns;
use aws_sdk_sqs::types::QueueAttributeName;
use aws_sdk_sqs::Client as Sqs;
use parapet_core::{AttrValue, Provider, Resource};

use crate::context::{api, next_page, Ctx};
use crate::policy::record_policy;

pub(crate) async fn collect(sns: &Sns, sqs: &Sqs, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = topics(sns, region, ctx).await;
    resources.extend(queues(sqs, region, ctx).await);
    resources
}

async fn topics(sns: &Sns, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = sns.list_topics().set_next_token(token.take()).send();
        let Some(page) = ctx.call("sns", region, "ListTopics", &[], call).await.ok() else {
            break;
        };
        for arn in page.topics().iter().filter_map(|t| t.topic_arn()) {
            let name = arn.rsplit(':').next().unwrap_or(arn);
            let mut r = Resource::new(Provider::Aws, "aws.sns.topic", arn, name)
                .located(&ctx.account, region);
            let origin = api("sns", "GetTopicAttributes");
            let call = sns.get_topic_attributes().topic_arn(arn).send();
            match ctx
                .call("sns", region, "GetTopicAttributes", &[], call)
                .await
                .ok()
            {
                Some(out) => {
                    let attributes = out.attributes();
                    let get = |k: &str| attributes.and_then(|a| a.get(k)).map(String::as_str);
                    match get("Policy") {
                        Some(policy) => record_policy(&mut r, policy, &origin),
                        None => {
                            r.set("policy", AttrValue::Null, &origin);
                            r.set("policy.principals", Vec::<String>::new(), &origin);
                        }
                    }
                    r.set("kms_key_id", get("KmsMasterKeyId"), &origin);
                }
                None => r.unknown("policy", &origin),
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

async fn queues(sqs: &Sqs, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = sqs.list_queues().set_next_token(token.take()).send();
        let Some(page) = ctx.call("sqs", region, "ListQueues", &[], call).await.ok() else {
            break;
        };
        for url in page.queue_urls() {
            let name = url.rsplit('/').next().unwrap_or(url);
            let origin = api("sqs", "GetQueueAttributes");
            let call = sqs
                .get_queue_attributes()
                .queue_url(url)
                .attribute_names(QueueAttributeName::All)
                .send();
            let attributes = ctx
                .call("sqs", region, "GetQueueAttributes", &[], call)
                .await
                .ok()
                .and_then(|out| out.attributes().cloned());
            let get = |k: QueueAttributeName| {
                attributes
                    .as_ref()
                    .and_then(|a| a.get(&k))
                    .map(String::as_str)
            };
            let uid = get(QueueAttributeName::QueueArn)
                .map(str::to_string)
                .unwrap_or_else(|| format!("arn:aws:sqs:{region}:{}:{name}", ctx.account));
            let mut r = Resource::new(Provider::Aws, "aws.sqs.queue", uid, name)
                .located(&ctx.account, region);
            r.set("url", url.as_str(), &api("sqs", "ListQueues"));
            if attributes.is_none() {
                r.unknown("policy", &origin);
                resources.push(r);
                continue;
            }
            match get(QueueAttributeName::Policy) {
                Some(policy) => record_policy(&mut r, policy, &origin),
                None => {
                    r.set("policy", AttrValue::Null, &origin);
                    r.set("policy.principals", Vec::<String>::new(), &origin);
                }
            }
            r.set(
                "kms_key_id",
                get(QueueAttributeName::KmsMasterKeyId),
                &origin,
            );
            r.set(
                "sqs_managed_sse",
                get(QueueAttributeName::SqsManagedSseEnabled) == Some("true"),
                &origin,
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
