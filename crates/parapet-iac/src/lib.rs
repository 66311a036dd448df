//! Infrastructure as code into the Resource model: Terraform (HCL and plan
//! JSON), CloudFormation (YAML and JSON) and Kubernetes manifests. Pure and
//! synchronous; nothing here touches the network, ever.

mod cloudformation;
mod declared;
mod draft;
mod error;
mod kubernetes;
mod lines;
mod plan;
mod read;
mod scan;
mod suppress;
mod terraform;
mod value;
mod yaml;

pub use declared::Declared;
pub use error::IacError;
pub use kubernetes::WORKLOAD_KIND;
pub use scan::{scan_path, IacOptions, IacScan};
pub use suppress::Suppression;
pub use terraform::{load_terraform, TerraformOptions, TerraformOutput, TfResource};
pub use value::Value;
pub use yaml::{parse_documents, Node, Yaml, YamlError};
