//! Templates in, Resources out: what a rule will read for each construct.

mod cloudformation;
mod terraform;

use parapet_core::{AttrValue, Resource};
use parapet_iac::{scan_path, IacOptions, IacScan};

/// Scans files written into a fresh folder.
pub fn scan(files: &[(&str, &str)], options: &IacOptions) -> IacScan {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    scan_path(dir.path(), options)
}

pub fn resource<'a>(scan: &'a IacScan, uid: &str) -> &'a Resource {
    let found = scan.resources.iter().find(|d| d.resource.uid == uid);
    &found
        .unwrap_or_else(|| {
            let uids: Vec<&str> = scan
                .resources
                .iter()
                .map(|d| d.resource.uid.as_str())
                .collect();
            panic!("no {uid} among {uids:?}; errors {:?}", scan.errors)
        })
        .resource
}

pub fn value(resource: &Resource, name: &str) -> AttrValue {
    resource
        .value(name)
        .cloned()
        .unwrap_or_else(|| panic!("{name} unknown or absent on {}", resource.uid))
}

pub fn s(text: &str) -> AttrValue {
    AttrValue::Str(text.to_string())
}
