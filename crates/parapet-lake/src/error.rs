//! What can go wrong in the lake, with the file or the query it concerns.

use std::path::Path;

use datafusion::arrow::error::ArrowError;
use datafusion::error::DataFusionError;
use datafusion::parquet::errors::ParquetError;

#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("Arrow: {0}")]
    Arrow(#[from] ArrowError),
    #[error("Parquet: {0}")]
    Parquet(#[from] ParquetError),
    #[error("{0}")]
    Message(String),
    #[error("query: {0}")]
    Query(#[from] DataFusionError),
}

impl LakeError {
    pub fn io(path: &Path, source: std::io::Error) -> LakeError {
        LakeError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
