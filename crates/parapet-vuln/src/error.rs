use thiserror::Error;

/// What went wrong, with where: the file (and the entry inside an archive
/// or image), the line or field when known.
#[derive(Debug, Error)]
pub enum VulnError {
    #[error("{file}: {reason}")]
    Advisory { file: String, reason: String },
    #[error("{file}: {reason}")]
    Parse { file: String, reason: String },
    #[error("{file}: {reason}")]
    Refused { file: String, reason: String },
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

impl VulnError {
    pub fn advisory(file: &str, reason: String) -> VulnError {
        VulnError::Advisory {
            file: file.to_string(),
            reason,
        }
    }

    pub fn parse(file: &str, reason: impl Into<String>) -> VulnError {
        VulnError::Parse {
            file: file.to_string(),
            reason: reason.into(),
        }
    }

    /// Hostile or oversized input that was not read: a path escaping the
    /// root, a decompression bomb, a file over its limit.
    pub fn refused(file: &str, reason: impl Into<String>) -> VulnError {
        VulnError::Refused {
            file: file.to_string(),
            reason: reason.into(),
        }
    }

    pub fn io(file: &str, source: std::io::Error) -> VulnError {
        VulnError::Io {
            file: file.to_string(),
            source,
        }
    }
}
