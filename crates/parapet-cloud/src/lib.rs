//! The only crate that links cloud SDKs. Today: AWS inventory collection
//! through the official AWS SDK for Rust, into the provider-neutral
//! [`parapet_core::Resource`] model.

mod cloudtrail;
mod collect;
mod context;
mod ec2;
mod efs;
mod eks;
mod iam;
mod kms;
mod lambda;
mod messaging;
mod monitoring;
mod network;
mod policy;
mod rds;
mod respond;
mod s3;
mod s3_account;
mod secrets;
mod security_services;
mod services;
pub mod tls;

pub use collect::{
    collect_aws, collect_aws_account, organization_accounts, AwsOptions, CollectError, Collection,
    Progress,
};
pub use respond::AwsResponder;
pub use services::{collector_name, service_of, GLOBAL_SERVICES, SERVICE_KINDS};
