use std::io::Write;
use std::path::Path;

use super::*;

/// One layer entry: a file, a symlink, or a raw path (for hostile names
/// the tar builder would refuse).
enum Item<'a> {
    File(&'a str, &'a [u8]),
    Exec(&'a str, &'a [u8]),
    Link(&'a str, &'a str),
    RawPath(&'a [u8], &'a [u8]),
}

fn header(size: u64, mode: u32, kind: tar::EntryType) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_size(size);
    h.set_mode(mode);
    h.set_entry_type(kind);
    h
}

fn layer(items: &[Item<'_>], gzip: bool) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for item in items {
        match item {
            Item::File(path, body) | Item::Exec(path, body) => {
                let mode = if matches!(item, Item::Exec(..)) {
                    0o755
                } else {
                    0o644
                };
                let mut h = header(body.len() as u64, mode, tar::EntryType::Regular);
                builder.append_data(&mut h, path, *body).unwrap();
            }
            Item::Link(path, target) => {
                let mut h = header(0, 0o777, tar::EntryType::Symlink);
                builder.append_link(&mut h, path, target).unwrap();
            }
            Item::RawPath(path, body) => {
                // Write the name straight into the header: no checks.
                let mut h = header(body.len() as u64, 0o644, tar::EntryType::Regular);
                h.as_old_mut().name[..path.len()].copy_from_slice(path);
                h.set_cksum();
                builder.append(&h, *body).unwrap();
            }
        }
    }
    let bytes = builder.into_inner().unwrap();
    if !gzip {
        return bytes;
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).unwrap();
    gz.finish().unwrap()
}

fn archive(entries: &[(&str, Vec<u8>)], path: &Path) {
    let mut builder = tar::Builder::new(std::fs::File::create(path).unwrap());
    for (name, body) in entries {
        let mut h = header(body.len() as u64, 0o644, tar::EntryType::Regular);
        builder.append_data(&mut h, name, body.as_slice()).unwrap();
    }
    builder.finish().unwrap();
}

fn status(packages: &[(&str, &str)]) -> Vec<u8> {
    packages
        .iter()
        .map(|(n, v)| format!("Package: {n}\nStatus: install ok installed\nVersion: {v}\n\n"))
        .collect::<String>()
        .into_bytes()
}

fn layers() -> Vec<Vec<u8>> {
    let base_status = status(&[("base-files", "12.4"), ("curl", "7.88.1-10+deb12u5")]);
    let new_status = status(&[
        ("base-files", "12.4"),
        ("curl", "7.88.1-10+deb12u7"),
        ("git", "1:2.39.2-1.1"),
    ]);
    vec![
        layer(&[
            Item::File("usr/lib/os-release", b"ID=debian\nVERSION_ID=\"12\"\n"),
            Item::Link("etc/os-release", "../usr/lib/os-release"),
            Item::File("var/lib/dpkg/status", &base_status),
        ], false),
        layer(&[
            Item::File("app/requirements.txt", b"jinja2==2.10\n"),
            Item::File("app/old/Cargo.lock", b"[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"),
            Item::File("opt/gone/go.mod", b"module x\nrequire github.com/gin-gonic/gin v1.5.0\n"),
        ], true),
        layer(&[
            Item::File("app/old/.wh.Cargo.lock", b""),
            Item::File("opt/.wh..wh..opq", b""),
            Item::File("var/lib/dpkg/status", &new_status),
            Item::RawPath(b"../../escape/requirements.txt", b"evil==1.0\n"),
            Item::RawPath(b"/abs/requirements.txt", b"evil==1.0\n"),
            Item::Link("app/passwd", "/../../../etc/passwd"),
            Item::Exec("usr/bin/tool", &[0x7f, b'E', b'L', b'F', 0, 0, 0, 0].repeat(200)),
        ], true),
    ]
}

fn names(inventory: &Inventory) -> Vec<(String, String, Option<usize>)> {
    inventory
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone(), p.location.layer_index))
        .collect()
}

fn expected() -> Vec<(String, String, Option<usize>)> {
    [
        ("base-files", "12.4", 0),
        ("curl", "7.88.1-10+deb12u7", 2),
        ("git", "1:2.39.2-1.1", 2),
        ("jinja2", "2.10", 1),
    ]
    .iter()
    .map(|(n, v, l)| (n.to_string(), v.to_string(), Some(*l)))
    .collect()
}

#[test]
fn docker_archive_layers_apply_in_order_with_whiteouts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.tar");
    let layers = layers();
    let config =
        br#"{"rootfs":{"type":"layers","diff_ids":["sha256:aa","sha256:bb","sha256:cc"]}}"#
            .to_vec();
    let manifest = br#"[{"Config":"cfg.json","RepoTags":["demo:1"],"Layers":["l0/layer.tar","l1/layer.tar","l2/layer.tar"]}]"#.to_vec();
    archive(
        &[
            ("manifest.json", manifest),
            ("cfg.json", config),
            ("l0/layer.tar", layers[0].clone()),
            ("l1/layer.tar", layers[1].clone()),
            ("l2/layer.tar", layers[2].clone()),
        ],
        &path,
    );
    let inventory = scan_image(&path, &Limits::default()).unwrap();
    assert_eq!(names(&inventory), expected());
    assert_eq!(inventory.os.as_ref().map(|o| o.id.as_str()), Some("debian"));
    assert_eq!(inventory.packages[0].ecosystem, "Debian:12");
    assert_eq!(inventory.layers, ["sha256:aa", "sha256:bb", "sha256:cc"]);
    assert_eq!(
        inventory.packages[3].location.layer.as_deref(),
        Some("sha256:bb")
    );
    assert_eq!(inventory.tags, ["demo:1"]);
    let refused: Vec<String> = inventory.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused
            .iter()
            .all(|e| e.contains("leaves the image root") || e.contains("absolute")),
        "{refused:?}"
    );
}

#[test]
fn oci_layout_as_tar_and_as_folder() {
    let dir = tempfile::tempdir().unwrap();
    let layers = layers();
    let digests = ["0".repeat(64), "1".repeat(64), "2".repeat(64)];
    let manifest = format!(
        r#"{{"schemaVersion":2,"config":{{"digest":"sha256:{}"}},"layers":[{}]}}"#,
        "9".repeat(64),
        digests.iter().map(|d| format!(r#"{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:{d}"}}"#)).collect::<Vec<_>>().join(",")
    );
    let manifest_digest = "8".repeat(64);
    let index = format!(
        r#"{{"schemaVersion":2,"manifests":[{{"digest":"sha256:{manifest_digest}","annotations":{{"org.opencontainers.image.ref.name":"demo:oci"}}}}]}}"#
    );
    let mut entries = vec![
        (
            "oci-layout".to_string(),
            br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
        ),
        ("index.json".to_string(), index.into_bytes()),
        (
            format!("blobs/sha256/{manifest_digest}"),
            manifest.into_bytes(),
        ),
    ];
    for (d, l) in digests.iter().zip(&layers) {
        entries.push((format!("blobs/sha256/{d}"), l.clone()));
    }
    let tar_path = dir.path().join("oci.tar");
    archive(
        &entries
            .iter()
            .map(|(n, b)| (n.as_str(), b.clone()))
            .collect::<Vec<_>>(),
        &tar_path,
    );
    let from_tar = scan_image(&tar_path, &Limits::default()).unwrap();
    assert_eq!(names(&from_tar), expected());
    assert_eq!(from_tar.tags, ["demo:oci"]);

    let folder = dir.path().join("layout");
    for (name, body) in &entries {
        let path = folder.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    assert_eq!(
        names(&scan_image(&folder, &Limits::default()).unwrap()),
        expected()
    );
}

#[test]
fn bombs_bad_digests_and_other_archives_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.tar");
    let zeros = vec![0u8; 8 << 20];
    let bomb = layer(&[Item::File("big/requirements.txt", &zeros)], true);
    assert!(bomb.len() * 20 < zeros.len(), "compresses well");
    archive(
        &[
            ("manifest.json", br#"[{"Layers":["l.tar"]}]"#.to_vec()),
            ("l.tar", bomb),
        ],
        &path,
    );
    let limits = Limits {
        max_total_bytes: 1 << 20,
        ..Limits::default()
    };
    let inventory = scan_image(&path, &limits).unwrap();
    assert!(inventory.packages.is_empty());
    assert!(
        inventory
            .errors
            .iter()
            .any(|e| e.to_string().contains("decompression bomb")),
        "{:?}",
        inventory.errors
    );

    let limits = Limits {
        max_file_bytes: 1 << 20,
        ..Limits::default()
    };
    let inventory = scan_image(&path, &limits).unwrap();
    assert!(
        inventory
            .errors
            .iter()
            .any(|e| e.to_string().contains("larger than")),
        "{:?}",
        inventory.errors
    );

    let traversal = dir.path().join("traversal.tar");
    archive(
        &[(
            "index.json",
            br#"{"manifests":[{"digest":"sha256:../../etc/passwd"}]}"#.to_vec(),
        )],
        &traversal,
    );
    let err = scan_image(&traversal, &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a digest"), "{err}");

    let plain = dir.path().join("plain.tar");
    archive(&[("hello.txt", b"hi".to_vec())], &plain);
    assert!(scan_image(&plain, &Limits::default())
        .unwrap_err()
        .to_string()
        .contains("not an image"));
    let garbage = dir.path().join("garbage.tar");
    std::fs::write(&garbage, b"\x1f\x8b not really").unwrap();
    assert!(scan_image(&garbage, &Limits::default())
        .unwrap_err()
        .to_string()
        .contains("decompress it first"));
}
