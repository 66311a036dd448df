use std::io::Write;

use super::*;

fn zip_with(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut cursor);
    for (name, body, mode) in entries {
        let options = zip::write::SimpleFileOptions::default().unix_permissions(*mode);
        writer.start_file(*name, options).unwrap();
        writer.write_all(body).unwrap();
    }
    writer.finish().unwrap();
    cursor.into_inner()
}

#[test]
fn lambda_zip_packages_and_zip_slip_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("function.zip");
    let bytes = zip_with(&[
        (
            "python/lib/python3.12/site-packages/Jinja2-2.10.dist-info/METADATA",
            b"Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n",
            0o644,
        ),
        (
            "nodejs/node_modules/lodash/package.json",
            br#"{"name":"lodash","version":"4.17.15"}"#,
            0o644,
        ),
        ("../../etc/cron.d/requirements.txt", b"evil==1.0\n", 0o644),
        ("/abs/requirements.txt", b"evil==1.0\n", 0o644),
        ("handler.py", b"def handler(e, c): pass\n", 0o644),
    ]);
    std::fs::write(&path, bytes).unwrap();
    let inventory = scan_path(&path, &Limits::default()).unwrap();
    let names: Vec<_> = inventory
        .packages
        .iter()
        .map(|p| (p.ecosystem.as_str(), p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        names,
        [("PyPI", "Jinja2", "2.10"), ("npm", "lodash", "4.17.15")]
    );
    assert_eq!(inventory.errors.len(), 2, "{:?}", inventory.errors);
    assert!(inventory
        .errors
        .iter()
        .all(|e| e.to_string().contains("leaves the archive root")));

    let limits = Limits {
        max_file_bytes: 16,
        ..Limits::default()
    };
    let inventory = scan_path(&path, &limits).unwrap_err();
    assert!(
        inventory.to_string().contains("larger than 16 bytes"),
        "{inventory}"
    );
}

#[cfg(unix)]
#[test]
fn folders_do_not_follow_symlinks_out_and_read_status_d() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("requirements.txt"), "evil==1.0\n").unwrap();
    let root = tempfile::tempdir().unwrap();
    let status_d = root.path().join("var/lib/dpkg/status.d");
    std::fs::create_dir_all(&status_d).unwrap();
    std::fs::write(
        status_d.join("base"),
        "Package: base-files\nVersion: 12.4\n",
    )
    .unwrap();
    std::fs::write(status_d.join("base.md5sums"), "not a package").unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::write(
        root.path().join("etc/os-release"),
        "ID=debian\nVERSION_ID=12\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("escape")).unwrap();
    let inventory = scan_path(root.path(), &Limits::default()).unwrap();
    let names: Vec<_> = inventory
        .packages
        .iter()
        .map(|p| (p.ecosystem.as_str(), p.name.as_str()))
        .collect();
    assert_eq!(names, [("Debian:12", "base-files")]);
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
    let err = scan_path(&root.path().join("etc/os-release"), &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("not a lockfile"), "{err}");
}
