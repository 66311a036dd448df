use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("snapshot `{0}` not found; see `parapet inventory snapshots`")]
    NoSnapshot(String),
    #[error("stored resource {uid} in snapshot {snapshot} is unreadable: {reason}")]
    Corrupt {
        snapshot: i64,
        uid: String,
        reason: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("cannot encode resource {uid}: {reason}")]
    Encode { uid: String, reason: String },
}
