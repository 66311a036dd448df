//! Lambda in one region: functions (runtime, role), their resource policies
//! and function URLs. Environment variables are never read: they hold secrets.

use aws_sdk_lambda::Client;
use parapet_core::{AttrValue, Provider, Resource};

use crate::context::{api, next_page, Ctx, Reply};
use crate::policy::record_policy;

const SERVICE: &str = "lambda";

pub(crate) async fn collect(lambda: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut marker = None;
    loop {
        let call = lambda.list_functions().set_marker(marker.take()).send();
        let Some(page) = ctx
            .call(SERVICE, region, "ListFunctions", &[], call)
            .await
            .ok()
        else {
            break;
        };
        let origin = api(SERVICE, "ListFunctions");
        for function in page.functions() {
            let (Some(arn), Some(name)) = (function.function_arn(), function.function_name())
            else {
                continue;
            };
            let mut r = Resource::new(Provider::Aws, "aws.lambda.function", arn, name)
                .located(&ctx.account, region);
            r.set("runtime", function.runtime().map(|rt| rt.as_str()), &origin);
            r.set("role", function.role(), &origin);
            if let Some(role) = function.role() {
                r.relate("has-role", role);
            }
            policy(lambda, region, ctx, name, &mut r).await;
            url(lambda, region, ctx, name, &mut r).await;
            resources.push(r);
        }
        marker = next_page(page.next_marker());
        if marker.is_none() {
            break;
        }
    }
    resources
}

async fn policy(lambda: &Client, region: &str, ctx: &Ctx, name: &str, r: &mut Resource) {
    let origin = api(SERVICE, "GetPolicy");
    let call = lambda.get_policy().function_name(name).send();
    match ctx
        .call(
            SERVICE,
            region,
            "GetPolicy",
            &["ResourceNotFoundException"],
            call,
        )
        .await
    {
        Reply::Ok(out) => {
            record_policy(r, out.policy().unwrap_or_default(), &origin);
        }
        Reply::Absent => r.set("policy.principals", Vec::<String>::new(), &origin),
        Reply::Failed => r.unknown("policy.principals", &origin),
    }
}

async fn url(lambda: &Client, region: &str, ctx: &Ctx, name: &str, r: &mut Resource) {
    let origin = api(SERVICE, "GetFunctionUrlConfig");
    let call = lambda.get_function_url_config().function_name(name).send();
    match ctx
        .call(
            SERVICE,
            region,
            "GetFunctionUrlConfig",
            &["ResourceNotFoundException"],
            call,
        )
        .await
    {
        Reply::Ok(out) => {
            r.set("url.auth_type", out.auth_type().as_str(), &origin);
            r.set("url.address", out.function_url(), &origin);
        }
        Reply::Absent => r.set("url.auth_type", AttrValue::Null, &origin),
        Reply::Failed => r.unknown("url.auth_type", &origin),
    }
}
