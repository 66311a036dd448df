use parapet_core::{Level, Package, PackageLocation};

use super::*;

fn advisory(json: &str) -> Advisory {
    Advisory::from_osv(json.as_bytes(), "t.json").unwrap()
}

fn package(ecosystem: &str, name: &str, version: &str) -> Package {
    Package {
        ecosystem: ecosystem.into(),
        name: name.into(),
        version: version.into(),
        purl: String::new(),
        source_name: None,
        source_version: None,
        location: PackageLocation::default(),
    }
}

fn ids(db: &VulnDb, p: &Package) -> Vec<String> {
    db.match_package(p)
        .into_iter()
        .map(|f| f.advisory_id)
        .collect()
}

#[test]
fn two_ranges_with_a_gap_between_them() {
    let db = VulnDb::new([advisory(
        r#"{"id":"A","modified":"m","affected":[{"package":{"ecosystem":"crates.io","name":"x"},
        "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.5.0"},{"introduced":"2.0.0"},{"fixed":"2.3.1"}]}]}]}"#,
    )]);
    for (v, hit) in [
        ("0.1.0", true),
        ("1.4.9", true),
        ("1.5.0", false),
        ("1.9.0", false),
        ("2.0.0", true),
        ("2.3.0", true),
        ("2.3.1", false),
        ("3.0.0", false),
    ] {
        assert_eq!(
            !ids(&db, &package("crates.io", "x", v)).is_empty(),
            hit,
            "{v}"
        );
    }
    // Events given out of order are sorted first.
    let db = VulnDb::new([advisory(
        r#"{"id":"A","modified":"m","affected":[{"package":{"ecosystem":"crates.io","name":"x"},
        "ranges":[{"type":"SEMVER","events":[{"fixed":"2.3.1"},{"introduced":"2.0.0"},{"fixed":"1.5.0"},{"introduced":"0"}]}]}]}"#,
    )]);
    assert!(ids(&db, &package("crates.io", "x", "1.9.0")).is_empty());
    assert_eq!(ids(&db, &package("crates.io", "x", "2.1.0")), ["A"]);
}

#[test]
fn last_affected_is_inclusive_and_versions_list_matches_exactly() {
    let db = VulnDb::new([advisory(
        r#"{"id":"B","modified":"m","affected":[{"package":{"ecosystem":"PyPI","name":"Django_Thing"},
        "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"last_affected":"1.2"}]},
                  {"type":"GIT","repo":"r","events":[{"introduced":"abc"}]}],
        "versions":["3.0.1"]}]}"#,
    )]);
    let hit = |v: &str| !ids(&db, &package("PyPI", "django-thing", v)).is_empty();
    assert!(hit("1.0") && hit("1.2") && hit("1.2.0") && hit("3.0.1"));
    assert!(!hit("0.9") && !hit("1.2.1") && !hit("3.0.2") && !hit("1.3a1"));
}

#[test]
fn os_advisories_match_the_source_package_in_the_same_release() {
    let db = VulnDb::new([advisory(
        r#"{"id":"DSA-1","modified":"m","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
        "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.11-1~deb12u2"}]}]}]}"#,
    )]);
    let mut libssl = package("Debian:12", "libssl3", "3.0.11-1~deb12u1");
    libssl.source_name = Some("openssl".into());
    let found = db.match_package(&libssl);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Level::Critical);
    assert_eq!(found[0].fixed_versions, ["3.0.11-1~deb12u2"]);
    libssl.version = "3.0.11-1~deb12u2".into();
    assert!(db.match_package(&libssl).is_empty());
    libssl.version = "3.0.11-1~deb12u1".into();
    libssl.ecosystem = "Debian:11".into();
    assert!(db.match_package(&libssl).is_empty(), "another release");
}

#[test]
fn withdrawn_advisories_are_left_out() {
    let db = VulnDb::new([advisory(
        r#"{"id":"W","modified":"m","withdrawn":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"x"},"versions":["1.0.0"]}]}"#,
    )]);
    assert_eq!((db.len(), db.withdrawn()), (0, 1));
    assert!(ids(&db, &package("npm", "x", "1.0.0")).is_empty());
}
