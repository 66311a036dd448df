mod aws;
mod eval;
mod functions;
mod links;
mod load;
mod module;
mod policy_document;
mod references;
mod templates;

pub(crate) use aws::{canned_grants, sg_rule, PUBLIC_ACCESS_FLAGS};
pub(crate) use links::to_resources;
pub use load::{load_terraform, TerraformOptions, TerraformOutput};
pub(crate) use module::normalize;
pub use module::TfResource;
