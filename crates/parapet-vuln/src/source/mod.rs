//! Where packages are found: folders, single files, zip packages, images.

mod files;
mod folder;
mod image;

pub use files::{normalize, Inventory, Limits};
pub use folder::scan_path;
pub use image::scan_image;
