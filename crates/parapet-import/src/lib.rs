//! Inventory exports into the provider-neutral Resource model, so posture
//! rules read an imported account like a collected one. Pure: callers bring
//! the bytes.

mod aws_config;
mod json;

pub use aws_config::{import_aws_config, ImportError, Imported};
