//! Terraform in CI: roles for services, non-admin policies, code
//! deployments, a web security group, small instances.

use super::{Generator, ACCOUNT};

impl Generator {
    /// Terraform in CI: roles for services, non-admin policies, code
    /// deployments, a web security group, small instances.
    pub(super) fn terraform_change(&mut self) -> String {
        let actor = self.deployer();
        let fn_arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:thumbnailer");
        match self.rng.below(8) {
            0 => {
                let doc = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"#;
                let request = format!(
                    r#"{{"roleName":"thumbnailer-lambda-{}","assumeRolePolicyDocument":"{doc}"}}"#,
                    self.rng.hex(4)
                );
                self.record(
                    &actor,
                    ("iam.amazonaws.com", "CreateRole"),
                    false,
                    &request,
                    "null",
                    "",
                )
            }
            1 => {
                let request = r#"{"roleName":"thumbnailer-lambda","policyArn":"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}"#;
                self.record(
                    &actor,
                    ("iam.amazonaws.com", "AttachRolePolicy"),
                    false,
                    request,
                    "null",
                    "",
                )
            }
            2 => {
                let request =
                    format!(r#"{{"functionName":"{fn_arn}","publish":true,"dryRun":false}}"#);
                self.record(
                    &actor,
                    ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"),
                    false,
                    &request,
                    "null",
                    "",
                )
            }
            3 => {
                let request = format!(
                    r#"{{"functionName":"{fn_arn}","layers":["arn:aws:lambda:us-east-1:{ACCOUNT}:layer:image-libs:7"],"timeout":30}}"#
                );
                self.record(
                    &actor,
                    (
                        "lambda.amazonaws.com",
                        "UpdateFunctionConfiguration20150331v2",
                    ),
                    false,
                    &request,
                    "null",
                    "",
                )
            }
            4 => {
                let request = r#"{"groupId":"sg-0a1b2c3d4e5f60718","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"public HTTPS"}]}}]}}"#;
                self.record(
                    &actor,
                    ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"),
                    false,
                    request,
                    r#"{"_return":true}"#,
                    "",
                )
            }
            5 => {
                let request = r#"{"instancesSet":{"items":[{"imageId":"ami-0a1b2c3d4e5f60718","minCount":1,"maxCount":2}]},"instanceType":"t3.medium","subnetId":"subnet-0a1b2c3d"}"#;
                self.record(
                    &actor,
                    ("ec2.amazonaws.com", "RunInstances"),
                    false,
                    request,
                    "null",
                    "",
                )
            }
            6 => {
                let request = format!(
                    r#"{{"functionName":"thumbnailer","statementId":"apigw-{}","action":"lambda:InvokeFunction","principal":"apigateway.amazonaws.com","sourceArn":"arn:aws:execute-api:us-east-1:{ACCOUNT}:a1b2c3/*"}}"#,
                    self.rng.hex(6)
                );
                self.record(
                    &actor,
                    ("lambda.amazonaws.com", "AddPermission20150331v2"),
                    false,
                    &request,
                    "null",
                    "",
                )
            }
            _ => {
                let request = r#"{"roleName":"orders-api-task","policyName":"orders-table","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:GetItem\",\"dynamodb:PutItem\"],\"Resource\":\"*\"}]}"}"#;
                self.record(
                    &actor,
                    ("iam.amazonaws.com", "PutRolePolicy"),
                    false,
                    request,
                    "null",
                    "",
                )
            }
        }
    }
}
