//! One pass over a tree: every template found, parsed into Resources, with
//! what could not be read reported per file while the rest is scanned.

use std::path::{Path, PathBuf};

use crate::declared::Declared;
use crate::error::IacError;
use crate::read::read_text;
use crate::suppress::{find_suppressions, Suppression};
use crate::terraform::{load_terraform, normalize, to_resources, TerraformOptions};
use crate::{cloudformation, kubernetes, plan};

/// Files a walk visits at most (a guard against scanning `/`).
const MAX_FILES: usize = 200_000;
/// Folders never entered: VCS data, provider caches, dependencies.
const SKIPPED_DIRS: [&str; 4] = [".git", ".terraform", "node_modules", ".venv"];

#[derive(Debug, Clone, Default)]
pub struct IacOptions {
    pub terraform: TerraformOptions,
}

#[derive(Debug, Default)]
pub struct IacScan {
    pub resources: Vec<Declared>,
    pub errors: Vec<IacError>,
    pub notices: Vec<String>,
    pub suppressions: Vec<Suppression>,
    /// Template files read.
    pub files: usize,
}

impl IacScan {
    /// The suppression that covers `rule_id` on this resource, if any.
    pub fn suppression(&self, declared: &Declared, rule_id: &str) -> Option<&Suppression> {
        self.suppressions
            .iter()
            .find(|s| s.covers(declared, rule_id))
    }
}

/// Scans a folder (recursively) or a single file.
pub fn scan_path(path: &Path, options: &IacOptions) -> IacScan {
    let mut scan = IacScan::default();
    // One spelling of every path (no `..`), so module sources resolve to the
    // folders the walk found.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let path = normalize(&absolute);
    let path = path.as_path();
    let (root, files) = if path.is_file() {
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (root, vec![path.to_path_buf()])
    } else {
        let mut files = Vec::new();
        walk(path, &mut files, &mut scan.errors);
        files.sort();
        (path.to_path_buf(), files)
    };
    let relative = |p: &Path| {
        let rel = p.strip_prefix(&root).unwrap_or(p);
        rel.to_string_lossy().replace('\\', "/")
    };
    let mut tf_files = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let rel = relative(file);
        if name.ends_with(".tf") {
            tf_files.push(file.clone());
            if let Some(text) = read_text(file, &rel, &mut scan.errors) {
                scan.suppressions
                    .extend(find_suppressions(&rel, &text, &mut scan.errors));
            }
            continue;
        }
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        let json = name.ends_with(".json") && !name.ends_with(".tfvars.json");
        let template = name.ends_with(".template");
        if !(yaml || json || template) {
            continue;
        }
        let Some(text) = read_text(file, &rel, &mut scan.errors) else {
            continue;
        };
        let before = scan.resources.len();
        if json && plan::is_plan(&text) {
            plan::read_plan(file, &rel, &text, &mut scan);
        } else if cloudformation::is_template(&text) {
            cloudformation::read_template(&rel, &text, &mut scan);
        } else if yaml && kubernetes::is_manifest(&text) {
            kubernetes::read_manifests(&rel, &text, &mut scan);
        } else {
            continue;
        }
        if scan.resources.len() > before || !json {
            scan.suppressions
                .extend(find_suppressions(&rel, &text, &mut scan.errors));
        }
        scan.files += 1;
    }
    scan.files += tf_files.len();
    let terraform = load_terraform(&root, &tf_files, &options.terraform);
    scan.errors.extend(terraform.errors);
    scan.notices.extend(terraform.notices);
    scan.resources.extend(to_resources(&terraform.resources));
    // A plan and the configuration beside it declare the same resources:
    // the plan's (read first, better resolved) are kept.
    scan.resources
        .sort_by(|a, b| a.resource.uid.cmp(&b.resource.uid));
    scan.resources
        .dedup_by(|later, first| later.resource.uid == first.resource.uid);
    scan.errors.sort();
    scan.errors.dedup();
    scan
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<IacError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(IacError::new(
                &dir.to_string_lossy(),
                0,
                0,
                format!("unreadable folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        if out.len() >= MAX_FILES {
            return;
        }
        // Symlinks are not followed: a link may point outside the tree.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            let name = entry.file_name();
            if !SKIPPED_DIRS.iter().any(|s| name == *s) {
                walk(&path, out, errors);
            }
        } else if kind.is_file() {
            out.push(path);
        }
    }
}
