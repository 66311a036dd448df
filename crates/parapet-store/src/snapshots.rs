//! Inventory snapshots: one row per collection or import, one row per
//! resource with its JSON body.

use std::path::Path;

use parapet_core::{CoverageGap, Resource};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::StoreError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY,
    taken_at TEXT NOT NULL,
    provider TEXT NOT NULL,
    account TEXT NOT NULL,
    source TEXT NOT NULL,
    resources INTEGER NOT NULL,
    api_calls INTEGER NOT NULL,
    gaps TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS resources (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    uid TEXT NOT NULL,
    kind TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, uid)
);
CREATE INDEX IF NOT EXISTS resources_kind ON resources(snapshot_id, kind);
";

/// What describes a snapshot besides its resources.
#[derive(Debug, Clone, Default)]
pub struct SnapshotMeta {
    pub taken_at: String,
    pub provider: String,
    pub account: String,
    /// How it was made: `collect aws`, `import aws-config FILE`, ...
    pub source: String,
    pub api_calls: u64,
    pub gaps: Vec<CoverageGap>,
}

#[derive(Debug, Clone)]
pub struct SnapshotInfo {
    pub id: i64,
    pub meta: SnapshotMeta,
    pub resources: u64,
}

pub struct Store {
    pub(crate) conn: Connection,
}

/// Opens (creating) a SQLite file in WAL mode with foreign keys on, and
/// creates what `schemas` declare.
pub(crate) fn open_database(path: &Path, schemas: &[&str]) -> Result<Connection, StoreError> {
    let open_error = |source| StoreError::Open {
        path: path.display().to_string(),
        source,
    };
    let conn = Connection::open(path).map_err(open_error)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(open_error)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(open_error)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(open_error)?;
    for schema in schemas {
        conn.execute_batch(schema).map_err(open_error)?;
    }
    Ok(conn)
}

impl Store {
    /// Opens (creating) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let schemas = [SCHEMA, crate::findings::SCHEMA, crate::cases::SCHEMA];
        Ok(Store {
            conn: open_database(path, &schemas)?,
        })
    }

    /// Stores a snapshot and its resources in one transaction; returns its id.
    pub fn save_snapshot(
        &mut self,
        meta: &SnapshotMeta,
        resources: &[Resource],
    ) -> Result<i64, StoreError> {
        let gaps = sonic_rs::to_string(&meta.gaps).unwrap_or_else(|_| "[]".into());
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO snapshots (taken_at, provider, account, source, resources, api_calls, gaps) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![meta.taken_at, meta.provider, meta.account, meta.source, resources.len() as i64, meta.api_calls as i64, gaps],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut insert = tx.prepare(
                "INSERT OR REPLACE INTO resources (snapshot_id, uid, kind, account, region, name, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for resource in resources {
                let body = sonic_rs::to_string(resource).map_err(|e| StoreError::Encode {
                    uid: resource.uid.clone(),
                    reason: e.to_string(),
                })?;
                insert.execute(params![
                    id,
                    resource.uid,
                    resource.kind,
                    resource.account,
                    resource.region,
                    resource.name,
                    body
                ])?;
            }
        }
        tx.commit()?;
        Ok(id)
    }

    /// All snapshots, oldest first.
    pub fn snapshots(&self) -> Result<Vec<SnapshotInfo>, StoreError> {
        let mut query = self.conn.prepare(
            "SELECT id, taken_at, provider, account, source, resources, api_calls, gaps FROM snapshots ORDER BY id",
        )?;
        let rows = query.query_map([], |row| {
            let gaps: String = row.get(7)?;
            Ok(SnapshotInfo {
                id: row.get(0)?,
                resources: row.get::<_, i64>(5)? as u64,
                meta: SnapshotMeta {
                    taken_at: row.get(1)?,
                    provider: row.get(2)?,
                    account: row.get(3)?,
                    source: row.get(4)?,
                    api_calls: row.get::<_, i64>(6)? as u64,
                    gaps: sonic_rs::from_str(&gaps).unwrap_or_default(),
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A snapshot id from `latest`, `previous` (the one before latest) or a number.
    pub fn resolve(&self, spec: &str) -> Result<i64, StoreError> {
        let offset = match spec {
            "latest" => 0,
            "previous" => 1,
            number => {
                let id: i64 = number
                    .parse()
                    .map_err(|_| StoreError::NoSnapshot(spec.to_string()))?;
                let found: Option<i64> = self
                    .conn
                    .query_row("SELECT id FROM snapshots WHERE id = ?1", [id], |r| r.get(0))
                    .optional()?;
                return found.ok_or_else(|| StoreError::NoSnapshot(spec.to_string()));
            }
        };
        self.conn
            .query_row(
                "SELECT id FROM snapshots ORDER BY id DESC LIMIT 1 OFFSET ?1",
                [offset],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NoSnapshot(spec.to_string()))
    }

    /// The resources of a snapshot, sorted by uid.
    pub fn resources(&self, snapshot: i64) -> Result<Vec<Resource>, StoreError> {
        let mut query = self
            .conn
            .prepare("SELECT uid, body FROM resources WHERE snapshot_id = ?1 ORDER BY uid")?;
        let rows = query.query_map([snapshot], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut resources = Vec::new();
        for row in rows {
            let (uid, body) = row?;
            let resource = sonic_rs::from_str(&body).map_err(|e| StoreError::Corrupt {
                snapshot,
                uid: uid.clone(),
                reason: e.to_string(),
            })?;
            resources.push(resource);
        }
        Ok(resources)
    }
}

#[cfg(test)]
mod tests {
    use parapet_core::{AttrOrigin, Provider};

    use super::*;

    #[test]
    fn snapshots_round_trip_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parapet.db");
        let mut store = Store::open(&path).unwrap();
        let mut bucket = Resource::new(Provider::Aws, "aws.s3.bucket", "arn:aws:s3:::b", "b")
            .located("1", "us-east-1");
        bucket.set(
            "versioning.enabled",
            false,
            &AttrOrigin::Api("s3:GetBucketVersioning".into()),
        );
        let meta = SnapshotMeta {
            taken_at: "2026-11-28T00:00:00Z".into(),
            provider: "aws".into(),
            account: "1".into(),
            source: "test".into(),
            api_calls: 3,
            gaps: vec![],
        };
        let first = store
            .save_snapshot(&meta, std::slice::from_ref(&bucket))
            .unwrap();
        let second = store.save_snapshot(&meta, &[]).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.resolve("latest").unwrap(), second);
        assert_eq!(store.resolve("previous").unwrap(), first);
        assert_eq!(store.resources(first).unwrap(), vec![bucket]);
        assert!(matches!(
            store.resolve("99"),
            Err(StoreError::NoSnapshot(_))
        ));
        assert_eq!(store.snapshots().unwrap()[0].meta.api_calls, 3);
    }
}
