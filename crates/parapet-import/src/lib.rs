//! Inventory exports into the provider-neutral Resource model, so posture
//! rules read an imported account like a collected one. Pure: callers bring
//! the bytes.

mod aws_config;
mod azure_resource_graph;
mod gcp_asset_inventory;
mod json;

pub use aws_config::{import_aws_config, ImportError, Imported};
pub use azure_resource_graph::import_azure_resource_graph;
pub use gcp_asset_inventory::import_gcp_asset_inventory;
