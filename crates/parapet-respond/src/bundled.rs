//! The playbooks shipped in the binary, for the bundled detections.

use crate::playbook::{Playbook, PlaybookError};

const BUNDLED: &[(&str, &str)] = &[
    (
        "compromised-access-key.yml",
        include_str!("../playbooks/compromised-access-key.yml"),
    ),
    (
        "backdoor-iam-principal.yml",
        include_str!("../playbooks/backdoor-iam-principal.yml"),
    ),
    (
        "cloudtrail-tampering.yml",
        include_str!("../playbooks/cloudtrail-tampering.yml"),
    ),
    (
        "public-data-exposure.yml",
        include_str!("../playbooks/public-data-exposure.yml"),
    ),
    (
        "public-bucket-finding.yml",
        include_str!("../playbooks/public-bucket-finding.yml"),
    ),
    (
        "security-group-open-to-world.yml",
        include_str!("../playbooks/security-group-open-to-world.yml"),
    ),
];

/// Every bundled playbook, parsed and validated.
pub fn bundled_playbooks() -> Result<Vec<Playbook>, Vec<PlaybookError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in BUNDLED {
        match Playbook::parse(text, &format!("bundled:{name}")) {
            Ok(p) => out.push(p),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_playbooks_are_valid_with_unique_ids() {
        let playbooks = bundled_playbooks().unwrap_or_else(|e| panic!("{e:#?}"));
        let mut ids: Vec<&str> = playbooks.iter().map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), BUNDLED.len());
    }
}
