//! The license of rules that do not name one: rule repositories state it once
//! in a LICENSE file (SigmaHQ: the Detection Rule License 1.1), and alerts
//! must carry it for attribution.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

const NAMES: [&str; 4] = ["LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"];
const LEVELS_UP: usize = 6;

#[derive(Default)]
pub struct LicenseFinder {
    by_dir: HashMap<PathBuf, Option<String>>,
}

impl LicenseFinder {
    /// The SPDX id of the nearest LICENSE file above `rule_file`, if it is
    /// one we recognize.
    pub fn license_for(&mut self, rule_file: &Path) -> Option<String> {
        let dir = rule_file.parent()?.to_path_buf();
        if let Some(known) = self.by_dir.get(&dir) {
            return known.clone();
        }
        let found = dir
            .ancestors()
            .take(LEVELS_UP)
            .find_map(|d| NAMES.iter().map(|n| d.join(n)).find(|p| p.is_file()))
            .and_then(|p| identify(&p));
        self.by_dir.insert(dir, found.clone());
        found
    }
}

fn identify(path: &Path) -> Option<String> {
    let mut text = String::new();
    File::open(path)
        .ok()?
        .take(64 << 10)
        .read_to_string(&mut text)
        .ok()?;
    let id = if text.contains("Detection Rule License") {
        if text.contains("1.1") {
            "DRL-1.1"
        } else {
            "DRL-1.0"
        }
    } else if text.contains("Apache License") && text.contains("2.0") {
        "Apache-2.0"
    } else if text.contains("MIT License")
        || text.contains("Permission is hereby granted, free of charge")
    {
        "MIT"
    } else {
        return None;
    };
    Some(id.to_string())
}
