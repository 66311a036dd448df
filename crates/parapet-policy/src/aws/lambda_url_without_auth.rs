//! ## What it does
//! Finds Lambda functions with a function URL whose auth type is `NONE`.
//!
//! ## Why is this bad?
//! Anyone who finds the URL can invoke the function, run up the bill and
//! reach whatever its role can. Functions meant to be public belong behind
//! API Gateway or CloudFront with throttling and a WAF.
//!
//! ## Example
//! ```hcl
//! resource "aws_lambda_function_url" "api" {
//!   function_name      = aws_lambda_function.api.function_name
//!   authorization_type = "NONE"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_lambda_function_url" "api" {
//!   function_name      = aws_lambda_function.api.function_name
//!   authorization_type = "AWS_IAM"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws lambda update-function-url-config --function-name FUNCTION --auth-type AWS_IAM
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct LambdaUrlWithoutAuth;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-LAMBDA-001",
    "LambdaUrlWithoutAuth",
    "Lambda function URL requires no authentication",
    Level::High,
    "aws.lambda.function",
);

impl Rule for LambdaUrlWithoutAuth {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, function: &Resource, _: &Inventory) -> Verdict {
        let Some(auth) = function.need_opt_str("url.auth_type")? else {
            return pass("no function URL");
        };
        verdict(
            auth == "NONE",
            format!(
                "function URL {} open without authentication",
                function.str("url.address").unwrap_or_default()
            ),
            "function URL requires IAM authentication",
        )
    }
}
