//! Any bytes as a Terraform, CloudFormation/Kubernetes YAML or plan JSON
//! file (the first byte picks which): `scan_path` must not panic, hang or
//! blow up memory, whatever the template says.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, text)) = data.split_first() else {
        return;
    };
    let name = match kind % 3 {
        0 => "main.tf",
        1 => "template.yaml",
        _ => "plan.json",
    };
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    if std::fs::write(dir.path().join(name), text).is_ok() {
        let _ = parapet_iac::scan_path(dir.path(), &parapet_iac::IacOptions::default());
    }
});
