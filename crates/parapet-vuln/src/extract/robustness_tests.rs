//! Every extractor on hostile bytes: empty, random, every truncation of a
//! valid file, deep nesting. Nothing may panic; bad input is an error
//! naming the file. (The same inputs seed the cargo-fuzz target
//! `fuzz/fuzz_targets/extract_packages.rs`.)

use super::*;

fn sample(kind: FileKind) -> &'static [u8] {
    match kind {
        FileKind::OsRelease => b"ID=debian\nVERSION_ID=\"12\"\n",
        FileKind::DpkgStatus => b"Package: a\nStatus: install ok installed\nSource: b (1.0-1)\nVersion: 1.0-1+b1\n\n",
        FileKind::ApkInstalled => b"P:busybox\nV:1.36.1-r15\no:busybox\n\n",
        FileKind::CargoLock | FileKind::PoetryLock | FileKind::UvLock => b"[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://x\"\n",
        FileKind::GoMod => b"module x\nrequire (\n\tgithub.com/a/b v1.0.0\n)\nreplace github.com/a/b => github.com/c/d v1.1.0\n",
        FileKind::Requirements => b"django==3.2.1\nrequests[socks]==2.25.0 ; python_version > '3'\n",
        FileKind::PipfileLock => br#"{"default":{"pyyaml":{"version":"==5.3"}}}"#,
        FileKind::PythonMetadata => b"Name: urllib3\nVersion: 1.26.4\n",
        FileKind::PackageLock => br#"{"packages":{"node_modules/a":{"version":"1.0.0"}},"dependencies":{"b":{"version":"2.0.0"}}}"#,
        FileKind::YarnLock => b"\"@a/b@^1.0.0\":\n  version \"1.2.3\"\n",
        FileKind::PnpmLock => b"packages:\n  /lodash@4.17.20:\n    resolution: {}\n",
        FileKind::NodeModulePackage => br#"{"name":"lodash","version":"4.17.20"}"#,
        FileKind::GemfileLock => b"GEM\n  specs:\n    rack (2.0.8)\n",
        FileKind::ComposerLock => br#"{"packages":[{"name":"a/b","version":"v1.0.0"}]}"#,
        FileKind::PomXml => b"<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>1.0</version></dependency></dependencies></project>",
        FileKind::CycloneDxJson => br#"{"bomFormat":"CycloneDX","components":[{"purl":"pkg:npm/a@1.0.0","components":[{"purl":"pkg:cargo/b@2.0.0"}]}]}"#,
        FileKind::CycloneDxXml => b"<bom><components><component><purl>pkg:npm/a@1.0.0</purl></component></components></bom>",
        FileKind::SpdxJson => br#"{"spdxVersion":"SPDX-2.3","packages":[{"versionInfo":"1","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:npm/a@1.0.0"}]}]}"#,
        FileKind::SpdxTagValue => b"PackageName: a\nPackageVersion: 1\nExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1.0.0\n",
        FileKind::GoBinary => b"\xff Go buildinf:\x08\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x08go1.21.5\x00",
        FileKind::Jar | FileKind::RpmSqlite => b"PK\x03\x04 not really",
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn run(kind: FileKind, bytes: &[u8]) -> Extracted {
    let origin = FileOrigin {
        path: "fuzz/input",
        layer: Some((0, "sha256:00")),
    };
    let os = os_info("ID=debian\nVERSION_ID=12\n");
    extract(kind, bytes, origin, os.as_ref())
}

#[test]
fn no_extractor_panics_on_hostile_bytes() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for kind in FileKind::ALL {
        let valid = sample(kind);
        run(kind, b"");
        for cut in 0..valid.len() {
            run(kind, &valid[..cut]);
        }
        for _ in 0..200 {
            let len = (rng.next() % 512) as usize;
            run(kind, &rng.bytes(len));
            let mut mutated = valid.to_vec();
            if !mutated.is_empty() {
                let at = (rng.next() as usize) % mutated.len();
                mutated[at] = rng.next() as u8;
            }
            run(kind, &mutated);
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_followed_into_a_stack_overflow() {
    let depth = 100_000;
    let mut deep = String::from(r#"{"bomFormat":"CycloneDX","components":"#);
    deep.push_str(&r#"[{"purl":"pkg:npm/a@1","components":"#.repeat(depth));
    deep.push_str("[]");
    deep.push_str(&"}]".repeat(depth));
    deep.push('}');
    let out = run(FileKind::CycloneDxJson, deep.as_bytes());
    assert!(
        !out.errors.is_empty(),
        "too deep for the JSON parser or our walk"
    );
    let lock = format!(
        r#"{{"dependencies":{}}}"#,
        r#"{"a":{"version":"1","dependencies":"#.repeat(20_000) + "{}" + &"}}".repeat(20_000)
    );
    let out = run(FileKind::PackageLock, lock.as_bytes());
    assert!(!out.errors.is_empty());
}

#[test]
fn valid_samples_give_packages() {
    for kind in FileKind::ALL {
        if matches!(
            kind,
            FileKind::OsRelease | FileKind::Jar | FileKind::RpmSqlite
        ) {
            continue;
        }
        let out = run(kind, sample(kind));
        assert!(!out.packages.is_empty(), "{kind:?}: {:?}", out.errors);
    }
}
