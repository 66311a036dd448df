use rusqlite::{params, Connection, DatabaseName};

use super::*;
use crate::extract::os_info;

const ORIGIN: FileOrigin<'static> = FileOrigin {
    path: "var/lib/rpm/rpmdb.sqlite",
    layer: None,
};

/// Test-only writer of header blobs in `headerExport`'s layout.
#[derive(Default, Clone)]
struct Builder {
    entries: Vec<(u32, u32, i32, u32)>,
    data: Vec<u8>,
}

impl Builder {
    fn package(name: &str, version: &str, release: &str) -> Builder {
        // Real headers start with a region tag (HEADERIMMUTABLE, BIN):
        // present so the reader is shown to skip tags it does not want.
        let mut b = Builder::default();
        b.data.extend_from_slice(&[0xAB; 16]);
        b.entries.push((63, 7, 0, 16));
        b.string(TAG_NAME, name)
            .string(TAG_VERSION, version)
            .string(TAG_RELEASE, release)
            .string(TAG_ARCH, "x86_64")
    }

    fn string(mut self, tag: u32, value: &str) -> Builder {
        let offset = self.data.len() as i32;
        self.data.extend_from_slice(value.as_bytes());
        self.data.push(0);
        self.raw(tag, TYPE_STRING, offset, 1)
    }

    fn int32(mut self, tag: u32, value: u32) -> Builder {
        while !self.data.len().is_multiple_of(4) {
            self.data.push(0);
        }
        let offset = self.data.len() as i32;
        self.data.extend_from_slice(&value.to_be_bytes());
        self.raw(tag, TYPE_INT32, offset, 1)
    }

    fn raw(mut self, tag: u32, kind: u32, offset: i32, count: u32) -> Builder {
        self.entries.push((tag, kind, offset, count));
        self
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(self.entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(self.data.len() as u32).to_be_bytes());
        for (tag, kind, offset, count) in &self.entries {
            out.extend_from_slice(&tag.to_be_bytes());
            out.extend_from_slice(&kind.to_be_bytes());
            out.extend_from_slice(&offset.to_be_bytes());
            out.extend_from_slice(&count.to_be_bytes());
        }
        out.extend_from_slice(&self.data);
        out
    }
}

/// An rpmdb.sqlite with rpm's own schema holding `blobs`, as file bytes.
/// Small pages so that big headers spill into overflow pages, as real ones do.
fn database(blobs: &[(i64, Vec<u8>)]) -> Vec<u8> {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "PRAGMA page_size = 512;
         CREATE TABLE IF NOT EXISTS 'Packages' (
             hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);
         CREATE TABLE 'Name' (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL);",
    )
    .unwrap();
    for (hnum, blob) in blobs {
        conn.execute(
            "INSERT INTO Packages (hnum, blob) VALUES (?1, ?2)",
            params![hnum, blob],
        )
        .unwrap();
    }
    conn.serialize(DatabaseName::Main).unwrap().to_vec()
}

fn sample_blobs() -> Vec<(i64, Vec<u8>)> {
    let openssl = Builder::package("openssl-libs", "3.0.7", "24.el9")
        .int32(TAG_EPOCH, 1)
        .string(TAG_SOURCERPM, "openssl-3.0.7-24.el9.src.rpm");
    let bash = Builder::package("bash", "5.1.8", "6.el9_1")
        .int32(TAG_EPOCH, 0)
        .string(TAG_SOURCERPM, "bash-5.1.8-6.el9_1.src.rpm");
    let key = Builder::package("gpg-pubkey", "350d275d", "6279464b");
    // Offset past the data store.
    let mut past = Builder::package("broken", "1", "1");
    past.entries[1].2 = 10_000;
    // VERSION's bytes run to the end of the data store with no NUL.
    let mut unterminated = Builder::package("nonul", "1", "1");
    let version_at = unterminated.data.len() as i32;
    unterminated.data.extend_from_slice(b"9.9");
    unterminated.entries[2].2 = version_at;
    let tzdata = Builder::package("tzdata", "2024a", "1.el9")
        .string(TAG_SOURCERPM, "tzdata-2024a-1.el9.src.rpm");
    vec![
        (1, openssl.bytes()),
        (2, bash.bytes()),
        (3, key.bytes()),
        (4, past.bytes()),
        (5, unterminated.bytes()),
        (7, tzdata.bytes()),
    ]
}

fn read(bytes: &[u8], os: Option<&OsInfo>) -> Extracted {
    let mut out = Extracted::default();
    rpm_sqlite(bytes, ORIGIN, os, &mut out);
    out
}

#[test]
fn reads_packages_with_epoch_source_and_purl() {
    let os = os_info("ID=\"rocky\"\nVERSION_ID=\"9.3\"\n");
    let out = read(&database(&sample_blobs()), os.as_ref());
    let got: Vec<_> = out
        .packages
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.source_name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("openssl-libs", "1:3.0.7-24.el9", Some("openssl")),
            ("bash", "5.1.8-6.el9_1", None),
            ("tzdata", "2024a-1.el9", None),
        ]
    );
    let ssl = &out.packages[0];
    assert_eq!(ssl.ecosystem, "Rocky Linux:9");
    assert_eq!(ssl.location.path, ORIGIN.path);
    assert_eq!(
        ssl.purl,
        "pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1"
    );
    assert_eq!(
        out.packages[1].purl,
        "pkg:rpm/rocky/bash@5.1.8-6.el9_1?arch=x86_64&distro=rocky-9.3"
    );
    let errors: Vec<String> = out.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].starts_with("var/lib/rpm/rpmdb.sqlite: Packages row 4: NAME at offset 10000"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("var/lib/rpm/rpmdb.sqlite: Packages row 5: VERSION")
            && errors[1].contains("no terminating NUL"),
        "{}",
        errors[1]
    );
}

#[test]
fn without_os_release_defaults_to_red_hat() {
    let out = read(&database(&sample_blobs()[..1]), None);
    assert_eq!(out.packages[0].ecosystem, "Red Hat");
    assert_eq!(
        out.packages[0].purl,
        "pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1"
    );
}

#[test]
fn wal_mode_database_reads() {
    // rpm keeps rpmdb.sqlite in WAL mode; build one on disk the same way.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rpmdb.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
        conn.execute_batch("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)")
            .unwrap();
        let blob = Builder::package("curl", "7.76.1", "26.el9").bytes();
        conn.execute("INSERT INTO Packages (blob) VALUES (?1)", [blob])
            .unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[18..20], &[2, 2], "not a WAL-mode header");
    let out = read(&bytes, None);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.packages[0].version, "7.76.1-26.el9");
}

#[test]
fn whole_file_errors() {
    let not_sqlite = read(b"\0\0\0\0 not a database at all", None);
    assert!(not_sqlite.errors[0]
        .to_string()
        .contains("not an SQLite database"));

    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE Other (x)").unwrap();
    let no_table = read(&conn.serialize(DatabaseName::Main).unwrap(), None);
    assert!(
        no_table.errors[0]
            .to_string()
            .contains("without a `Packages` table"),
        "{:?}",
        no_table.errors
    );

    // A view could generate rows forever; it is refused, not run.
    conn.execute_batch(
        "CREATE VIEW Packages AS WITH RECURSIVE n(hnum) AS \
         (SELECT 1 UNION ALL SELECT hnum + 1 FROM n) SELECT hnum, x'00' AS blob FROM n",
    )
    .unwrap();
    let view = read(&conn.serialize(DatabaseName::Main).unwrap(), None);
    assert!(
        view.errors[0].to_string().contains("is a view"),
        "{:?}",
        view.errors
    );
    assert!(view.packages.is_empty());
}

#[test]
fn non_blob_values_are_row_errors() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob);
         INSERT INTO Packages VALUES (1, 'text'), (2, NULL);",
    )
    .unwrap();
    let out = read(&conn.serialize(DatabaseName::Main).unwrap(), None);
    assert_eq!(out.errors.len(), 2);
    assert!(out.errors[1]
        .to_string()
        .contains("Packages row 2: blob is Null"));
}

#[test]
fn header_field_checks() {
    let wrong_type = Builder::package("x", "1", "1")
        .raw(TAG_EPOCH, TYPE_STRING, 0, 1)
        .bytes();
    assert!(read_header(&wrong_type)
        .unwrap_err()
        .contains("EPOCH has type 6"));
    let epoch_past_end = Builder::package("x", "1", "1")
        .raw(TAG_EPOCH, TYPE_INT32, 30, 1)
        .bytes();
    assert!(read_header(&epoch_past_end).is_err());
    let no_name = Builder::default().string(TAG_VERSION, "1").bytes();
    assert_eq!(read_header(&no_name).unwrap_err(), "no NAME tag");
    // An entry count whose size overflows or exceeds the blob.
    let mut huge = Builder::package("x", "1", "1").bytes();
    huge[..4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(read_header(&huge).unwrap_err().contains("do not fit"));
    // The first entry for a tag wins; put a bad ARCH before the good one.
    let mut negative = Builder::package("x", "1", "1").raw(TAG_ARCH, TYPE_STRING, -4, 1);
    let bad = negative.entries.pop().unwrap();
    negative.entries.insert(0, bad);
    assert!(read_header(&negative.bytes())
        .unwrap_err()
        .contains("offset -4"));
}

#[test]
fn source_names() {
    assert_eq!(source_name("openssl-3.0.7-24.el9.src.rpm"), Some("openssl"));
    assert_eq!(
        source_name("python3.11-3.11.5-1.el9_3.src.rpm"),
        Some("python3.11")
    );
    assert_eq!(
        source_name("kernel-5.14.0-362.el9.nosrc.rpm"),
        Some("kernel")
    );
    assert_eq!(source_name("weird.src.rpm"), None);
    assert_eq!(source_name("-1-2.src.rpm"), None);
    assert_eq!(source_name("foo-1-2.rpm"), None);
}

/// xorshift64: deterministic noise without a dev-dependency.
fn noise(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn truncated_and_random_headers_never_panic() {
    let blob = Builder::package("openssl-libs", "3.0.7", "24.el9")
        .int32(TAG_EPOCH, 1)
        .string(TAG_SOURCERPM, "openssl-3.0.7-24.el9.src.rpm")
        .bytes();
    for end in 0..blob.len() {
        let _ = read_header(&blob[..end]);
    }
    let mut state = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        let mut mutated = blob.clone();
        for _ in 0..1 + noise(&mut state) % 4 {
            let at = (noise(&mut state) % mutated.len() as u64) as usize;
            mutated[at] = noise(&mut state) as u8;
        }
        let _ = read_header(&mutated);
        let len = (noise(&mut state) % 96) as usize;
        let random: Vec<u8> = (0..len).map(|_| noise(&mut state) as u8).collect();
        let _ = read_header(&random);
    }
}

#[test]
fn truncated_and_corrupted_databases_never_panic() {
    let bytes = database(&sample_blobs());
    for end in (0..bytes.len()).step_by(7).chain([bytes.len() - 1]) {
        read(&bytes[..end], None);
    }
    let mut state = 0x2545_F491_4F6C_DD1D;
    for _ in 0..1_000 {
        let mut mutated = bytes.clone();
        for _ in 0..1 + noise(&mut state) % 8 {
            let at = (noise(&mut state) % mutated.len() as u64) as usize;
            mutated[at] = noise(&mut state) as u8;
        }
        let out = read(&mutated, None);
        // Whatever survives, nothing read can be bigger than the file.
        assert!(out.packages.len() <= bytes.len());
    }
}

#[test]
fn guard_stops_runaway_queries_and_huge_values() {
    let conn = Connection::open_in_memory().unwrap();
    guard(&conn, 1000).unwrap();
    let endless = conn.query_row(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
         SELECT count(*) FROM n",
        [],
        |row| row.get::<_, i64>(0),
    );
    assert!(
        matches!(&endless, Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::OperationInterrupted),
        "{endless:?}"
    );
    let conn = Connection::open_in_memory().unwrap();
    guard(&conn, 1000).unwrap();
    let huge = conn.query_row("SELECT zeroblob(2000)", [], |row| row.get::<_, Vec<u8>>(0));
    assert!(huge.is_err(), "a value longer than the file was made");
}
