//! ## What it does
//! Finds Lambda functions whose resource policy lets anyone (`"*"`) invoke
//! or manage them, without a condition naming a source account, ARN or
//! organization.
//!
//! ## Why is this bad?
//! Any AWS account can then call the function. A permission granted to a
//! service principal without `SourceArn`/`SourceAccount` has the same
//! confused-deputy problem.
//!
//! ## Example
//! ```hcl
//! resource "aws_lambda_permission" "any" {
//!   function_name = aws_lambda_function.api.function_name
//!   action        = "lambda:InvokeFunction"
//!   principal     = "*"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_lambda_permission" "s3" {
//!   function_name  = aws_lambda_function.api.function_name
//!   action         = "lambda:InvokeFunction"
//!   principal      = "s3.amazonaws.com"
//!   source_arn     = aws_s3_bucket.uploads.arn
//!   source_account = "111122223333"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws lambda remove-permission --function-name FUNCTION --statement-id STATEMENT_ID
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>

use parapet_core::{AttrValue, Level, Resource};

use crate::document::public_statements;
use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct LambdaPolicyPublic;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-LAMBDA-002",
    "LambdaPolicyPublic",
    "Lambda function policy allows anyone",
    Level::High,
    "aws.lambda.function",
);

impl Rule for LambdaPolicyPublic {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, function: &Resource, _: &Inventory) -> Verdict {
        let principals = function.need_list("policy.principals")?;
        if principals.is_empty() {
            return pass("no resource policy");
        }
        let policy = function.need("policy")?;
        if *policy == AttrValue::Null {
            return pass("no resource policy");
        }
        let public = public_statements(policy);
        verdict(
            !public.is_empty(),
            public.join("; "),
            "no statement open to anyone",
        )
    }
}
