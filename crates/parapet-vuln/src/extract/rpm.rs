//! RPM package databases in rpm's SQLite format (`rpmdb.sqlite`, the
//! default since rpm 4.16: RHEL/Rocky/Alma 9, Fedora 33+), read from the
//! file's bytes without touching disk.
//!
//! Not handled: the BerkeleyDB `Packages` file (RHEL/CentOS 7 and 8), the
//! `ndb` `Packages.db` (SUSE), and transactions still in a `-wal` file next
//! to the database (only the main file is read; rpm checkpoints on close,
//! so image layers rarely carry any).
//!
//! The database is untrusted input, so SQLite is held to the input's size:
//! values no longer than the file, a VM step budget proportional to it, a
//! read-only database, untrusted schema objects disabled, and `Packages`
//! must be a plain table (a view could compute rows forever).

use std::ptr::NonNull;

use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::serialize::OwnedData;
use rusqlite::types::ValueRef;
use rusqlite::{ffi, Connection, DatabaseName};

use crate::error::VulnError;
use crate::purl::encode;

use super::{Extracted, FileOrigin, OsInfo};

const TAG_NAME: u32 = 1000;
const TAG_VERSION: u32 = 1001;
const TAG_RELEASE: u32 = 1002;
const TAG_EPOCH: u32 = 1003;
const TAG_ARCH: u32 = 1022;
const TAG_SOURCERPM: u32 = 1044;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// Bytes per index entry: tag, type, offset, count (all 32-bit).
const ENTRY_LEN: usize = 16;

/// SQLite VM instructions between progress checks.
const PROGRESS_OPS: i32 = 1000;

/// The packages of an `rpmdb.sqlite`: one error for the whole file when it
/// cannot be read as one, one per `Packages` row whose header is bad.
pub(super) fn rpm_sqlite(
    bytes: &[u8],
    origin: FileOrigin<'_>,
    os: Option<&OsInfo>,
    out: &mut Extracted,
) {
    let conn = match open(bytes) {
        Ok(conn) => conn,
        Err(reason) => {
            out.errors.push(VulnError::parse(origin.path, reason));
            return;
        }
    };
    let ecosystem = os
        .and_then(OsInfo::ecosystem)
        .unwrap_or_else(|| "Red Hat".to_string());
    let result = each_row(&conn, |hnum, blob| {
        let row = || format!("{}: Packages row {hnum}", origin.path);
        let header = match blob.and_then(read_header) {
            Ok(header) => header,
            Err(reason) => {
                out.errors.push(VulnError::parse(&row(), reason));
                return;
            }
        };
        // gpg-pubkey "packages" are imported signing keys, not software.
        if header.name == "gpg-pubkey" {
            return;
        }
        let evr = match header.epoch.filter(|e| *e != 0) {
            Some(epoch) => format!("{epoch}:{}-{}", header.version, header.release),
            None => format!("{}-{}", header.version, header.release),
        };
        let mut package = origin.package(&ecosystem, header.name, &evr);
        package.purl = rpm_purl(os, &header);
        package.source_name = header
            .source_rpm
            .and_then(source_name)
            .filter(|source| *source != header.name)
            .map(str::to_string);
        out.packages.push(package);
    });
    if let Err(reason) = result {
        out.errors.push(VulnError::parse(origin.path, reason));
    }
}

/// Loads `bytes` as a read-only in-memory database, checking first that
/// it is one with a `Packages` table.
fn open(bytes: &[u8]) -> Result<Connection, String> {
    const MAGIC: &[u8] = b"SQLite format 3\0";
    // The database header is 100 bytes; anything shorter is not one.
    if bytes.len() < 100 || !bytes.starts_with(MAGIC) {
        return Err("not an SQLite database (rpmdb.sqlite expected)".to_string());
    }
    let sqlite_err = |e: rusqlite::Error| format!("SQLite: {e}");
    let mut conn = Connection::open_in_memory().map_err(sqlite_err)?;
    guard(&conn, bytes.len()).map_err(sqlite_err)?;
    let data = sqlite_copy(bytes).ok_or("out of memory copying the database")?;
    conn.deserialize(DatabaseName::Main, data, true)
        .map_err(sqlite_err)?;
    let kind: Option<(String, String)> = conn
        .query_row(
            "SELECT type, coalesce(sql, '') FROM sqlite_master \
             WHERE name = 'Packages' COLLATE NOCASE",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(sqlite_err(e)),
        })?;
    match kind {
        None => Err("SQLite database without a `Packages` table (not an rpmdb)".to_string()),
        Some((kind, sql))
            if kind != "table" || !sql.to_ascii_uppercase().starts_with("CREATE TABLE") =>
        {
            Err(format!("`Packages` is a {kind}, not a plain table"))
        }
        Some(_) => Ok(conn),
    }
}

/// Bounds what a hostile database can make SQLite do: no value longer than
/// the file (a corrupt cell can claim a 4 GB payload), a VM step budget
/// that grows with the file, no schema-defined functions with side effects.
fn guard(conn: &Connection, len: usize) -> rusqlite::Result<()> {
    let max_value = i32::try_from(len).unwrap_or(i32::MAX);
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, max_value);
    conn.set_limit(Limit::SQLITE_LIMIT_SQL_LENGTH, 1 << 20);
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    // A full scan costs a few dozen VM steps per row and a row takes at
    // least a few bytes, so 64 steps a byte is ample for any real file.
    let mut checks_left =
        (len as u64).saturating_mul(64).saturating_add(10_000_000) / PROGRESS_OPS as u64;
    conn.progress_handler(
        PROGRESS_OPS,
        Some(move || {
            checks_left = checks_left.saturating_sub(1);
            checks_left == 0
        }),
    );
    Ok(())
}

/// `bytes` in a buffer from `sqlite3_malloc`, which is what
/// `sqlite3_deserialize` takes ownership of (rusqlite 0.32 has no safe
/// constructor for one). The header's file-format bytes are set to the
/// rollback journal: rpm keeps its database in WAL mode, which the
/// in-memory VFS cannot open.
fn sqlite_copy(bytes: &[u8]) -> Option<OwnedData> {
    let len = u64::try_from(bytes.len()).ok()?;
    // SAFETY: sqlite3_malloc64 returns null or a buffer of at least `len`
    // bytes, which `slice` then covers exactly; it stays alive until
    // OwnedData (which frees it with sqlite3_free) takes it.
    unsafe {
        let ptr = NonNull::new(ffi::sqlite3_malloc64(len).cast::<u8>())?;
        let slice = std::slice::from_raw_parts_mut(ptr.as_ptr(), bytes.len());
        slice.copy_from_slice(bytes);
        if let Some(versions @ [2, 2]) = slice.get_mut(18..20) {
            versions.copy_from_slice(&[1, 1]);
        }
        Some(OwnedData::from_raw_nonnull(ptr, bytes.len()))
    }
}

/// Calls `f` with each row's `hnum` and header blob (or why the row has
/// none); Err when the table cannot be scanned to the end.
fn each_row(
    conn: &Connection,
    mut f: impl FnMut(&str, Result<&[u8], String>),
) -> Result<(), String> {
    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM Packages")
        .map_err(scan_error)?;
    let mut rows = stmt.query([]).map_err(scan_error)?;
    let mut position = 0u64;
    while let Some(row) = rows.next().map_err(scan_error)? {
        position += 1;
        let hnum = match row.get_ref(0).map_err(scan_error)? {
            ValueRef::Integer(n) => n.to_string(),
            _ => format!("#{position} (hnum not an integer)"),
        };
        let blob = match row.get_ref(1).map_err(scan_error)? {
            ValueRef::Blob(blob) => Ok(blob),
            other => Err(format!("blob is {:?}, not a BLOB", other.data_type())),
        };
        f(&hnum, blob);
    }
    Ok(())
}

fn scan_error(e: rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(err, _)
            if err.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            "SQLite gave up reading the `Packages` table: \
             too many steps for the file's size (corrupt?)"
                .to_string()
        }
        e => format!("SQLite reading the `Packages` table: {e}"),
    }
}

/// The fields of one installed package's header.
#[derive(Debug, PartialEq, Eq)]
struct RpmHeader<'a> {
    name: &'a str,
    version: &'a str,
    release: &'a str,
    epoch: Option<u32>,
    arch: Option<&'a str>,
    source_rpm: Option<&'a str>,
}

fn read_header(blob: &[u8]) -> Result<RpmHeader<'_>, String> {
    let header = HeaderBlob::parse(blob)?;
    let required = |tag| {
        header
            .string(tag)?
            .ok_or(format!("no {} tag", tag_name(tag)))
    };
    Ok(RpmHeader {
        name: required(TAG_NAME)?,
        version: required(TAG_VERSION)?,
        release: required(TAG_RELEASE)?,
        epoch: header.int32(TAG_EPOCH)?,
        arch: header.string(TAG_ARCH)?,
        source_rpm: header.string(TAG_SOURCERPM)?,
    })
}

/// An rpm header as `headerExport` writes it (no 8-byte magic lead):
/// big-endian entry count and data length, the 16-byte index entries,
/// then the data store they point into.
struct HeaderBlob<'a> {
    index: &'a [u8],
    data: &'a [u8],
}

/// One index entry: where a tag's value sits in the data store.
#[derive(Clone, Copy)]
struct Entry {
    kind: u32,
    offset: i32,
    count: u32,
}

impl<'a> HeaderBlob<'a> {
    fn parse(blob: &'a [u8]) -> Result<Self, String> {
        let (Some(count), Some(data_len)) = (be_u32(blob, 0), be_u32(blob, 4)) else {
            return Err(format!("{}-byte blob, shorter than a header", blob.len()));
        };
        // Sizes come from the blob, so they are checked against its length
        // before anything is sliced (checked arithmetic: no overflow).
        let index_end = (count as usize)
            .checked_mul(ENTRY_LEN)
            .and_then(|n| n.checked_add(8));
        let data_end = index_end.and_then(|n| n.checked_add(data_len as usize));
        let (Some(index_end), Some(data_end)) = (index_end, data_end) else {
            return Err(format!(
                "{count} entries and {data_len} data bytes overflow"
            ));
        };
        match (blob.get(8..index_end), blob.get(index_end..data_end)) {
            (Some(index), Some(data)) => Ok(HeaderBlob { index, data }),
            _ => Err(format!(
                "{count} entries and {data_len} data bytes do not fit in a {}-byte blob",
                blob.len()
            )),
        }
    }

    /// The first entry for `tag`.
    fn entry(&self, tag: u32) -> Option<Entry> {
        self.index
            .chunks_exact(ENTRY_LEN)
            .find(|e| be_u32(e, 0) == Some(tag))
            .and_then(|e| {
                Some(Entry {
                    kind: be_u32(e, 4)?,
                    offset: be_u32(e, 8)? as i32,
                    count: be_u32(e, 12)?,
                })
            })
    }

    /// Where `tag`'s value starts in the data store, checked to be inside it.
    fn value(&self, tag: u32, entry: Entry) -> Result<&'a [u8], String> {
        usize::try_from(entry.offset)
            .ok()
            .and_then(|offset| self.data.get(offset..))
            .filter(|value| !value.is_empty() && entry.count > 0)
            .ok_or_else(|| {
                format!(
                    "{} at offset {} (count {}) is outside the {}-byte data store",
                    tag_name(tag),
                    entry.offset,
                    entry.count,
                    self.data.len()
                )
            })
    }

    /// A string tag's value (the first string of an array).
    fn string(&self, tag: u32) -> Result<Option<&'a str>, String> {
        let Some(entry) = self.entry(tag) else {
            return Ok(None);
        };
        if !matches!(
            entry.kind,
            TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING
        ) {
            return Err(format!(
                "{} has type {}, not a string",
                tag_name(tag),
                entry.kind
            ));
        }
        let value = self.value(tag, entry)?;
        let Some(end) = memchr::memchr(0, value) else {
            return Err(format!(
                "{} at offset {} has no terminating NUL",
                tag_name(tag),
                entry.offset
            ));
        };
        std::str::from_utf8(&value[..end])
            .map(Some)
            .map_err(|_| format!("{} is not UTF-8", tag_name(tag)))
    }

    fn int32(&self, tag: u32) -> Result<Option<u32>, String> {
        let Some(entry) = self.entry(tag) else {
            return Ok(None);
        };
        if entry.kind != TYPE_INT32 {
            return Err(format!(
                "{} has type {}, not INT32",
                tag_name(tag),
                entry.kind
            ));
        }
        let value = self.value(tag, entry)?;
        be_u32(value, 0).map(Some).ok_or_else(|| {
            format!(
                "{} at offset {} runs past the data store",
                tag_name(tag),
                entry.offset
            )
        })
    }
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let word = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(word.try_into().ok()?))
}

fn tag_name(tag: u32) -> &'static str {
    match tag {
        TAG_NAME => "NAME",
        TAG_VERSION => "VERSION",
        TAG_RELEASE => "RELEASE",
        TAG_EPOCH => "EPOCH",
        TAG_ARCH => "ARCH",
        TAG_SOURCERPM => "SOURCERPM",
        _ => "tag",
    }
}

/// `openssl-3.0.7-24.el9.src.rpm` to `openssl`: the name is what is left
/// after the last two `-` fields (version and release, which have none).
fn source_name(source_rpm: &str) -> Option<&str> {
    let base = source_rpm
        .strip_suffix(".src.rpm")
        .or_else(|| source_rpm.strip_suffix(".nosrc.rpm"))?;
    let (rest, _release) = base.rsplit_once('-')?;
    let (name, _version) = rest.rsplit_once('-')?;
    (!name.is_empty()).then_some(name)
}

/// `pkg:rpm/rocky/openssl@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1`:
/// the purl spec puts the epoch in a qualifier and wants qualifiers
/// sorted by key.
fn rpm_purl(os: Option<&OsInfo>, header: &RpmHeader<'_>) -> String {
    let namespace = os
        .map(|os| os.id.as_str())
        .filter(|id| !id.is_empty())
        .unwrap_or("redhat");
    let mut purl = format!(
        "pkg:rpm/{}/{}@{}",
        encode(&namespace.to_ascii_lowercase()),
        encode(header.name),
        encode(&format!("{}-{}", header.version, header.release))
    );
    let mut qualifiers = Vec::new();
    if let Some(arch) = header.arch.filter(|a| !a.is_empty()) {
        qualifiers.push(format!("arch={}", encode(arch)));
    }
    if let Some(os) = os.filter(|os| !os.id.is_empty() && !os.version_id.is_empty()) {
        let distro = format!("{}-{}", os.id.to_ascii_lowercase(), os.version_id);
        qualifiers.push(format!("distro={}", encode(&distro)));
    }
    if let Some(epoch) = header.epoch.filter(|e| *e != 0) {
        qualifiers.push(format!("epoch={epoch}"));
    }
    if !qualifiers.is_empty() {
        purl.push('?');
        purl.push_str(&qualifiers.join("&"));
    }
    purl
}

#[cfg(test)]
mod tests;
