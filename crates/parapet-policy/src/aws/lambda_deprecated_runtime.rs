//! ## What it does
//! Finds Lambda functions on a runtime AWS has deprecated (no more security
//! patches): Python up to 3.9, Node.js up to 18, .NET Core and .NET up to 7,
//! Java 8 on Amazon Linux 1, Ruby up to 2.7, Go 1.x and `provided`.
//!
//! ## Why is this bad?
//! A deprecated runtime's language and OS libraries no longer get fixes;
//! AWS then blocks updates to the function, so it cannot even be patched in
//! a hurry.
//!
//! ## Example
//! ```hcl
//! resource "aws_lambda_function" "job" {
//!   function_name = "job"
//!   runtime       = "python3.8"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_lambda_function" "job" {
//!   function_name = "job"
//!   runtime       = "python3.13"
//! }
//! ```
//!
//! ## Remediation
//! Test the code on a supported runtime, then:
//! ```sh
//! aws lambda update-function-configuration --function-name FUNCTION --runtime python3.13
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{pass, verdict, Need, Rule, RuleInfo, Verdict};

pub struct LambdaDeprecatedRuntime;

const DEPRECATED: [&str; 26] = [
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "python3.9",
    "nodejs",
    "nodejs4.3",
    "nodejs4.3-edge",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet5.0",
    "dotnet6",
    "dotnet7",
    "java8",
    "ruby2.5",
    "ruby2.7",
    "go1.x",
];

static INFO: RuleInfo = RuleInfo::native(
    "AWS-LAMBDA-003",
    "LambdaDeprecatedRuntime",
    "Lambda function runs on a deprecated runtime",
    Level::Medium,
    "aws.lambda.function",
);

impl Rule for LambdaDeprecatedRuntime {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, function: &Resource, _: &Inventory) -> Verdict {
        let Some(runtime) = function.need_opt_str("runtime")? else {
            return pass("container image (no managed runtime)");
        };
        verdict(
            DEPRECATED.contains(&runtime) || runtime == "provided",
            format!("runtime {runtime} is deprecated"),
            "supported runtime",
        )
    }
}
