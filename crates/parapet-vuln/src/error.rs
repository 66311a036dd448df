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

    /// The same error with its file named from `root` (a folder scan
    /// reads files by their path inside the folder).
    pub fn under(self, root: &str) -> VulnError {
        let join = |file: String| {
            if file.starts_with('/') || root.is_empty() || file.starts_with(root) {
                file
            } else {
                format!("{}/{file}", root.trim_end_matches('/'))
            }
        };
        match self {
            VulnError::Advisory { file, reason } => VulnError::Advisory {
                file: join(file),
                reason,
            },
            VulnError::Parse { file, reason } => VulnError::Parse {
                file: join(file),
                reason,
            },
            VulnError::Refused { file, reason } => VulnError::Refused {
                file: join(file),
                reason,
            },
            VulnError::Io { file, source } => VulnError::Io {
                file: join(file),
                source,
            },
        }
    }

    pub fn io(file: &str, source: std::io::Error) -> VulnError {
        VulnError::Io {
            file: file.to_string(),
            source,
        }
    }
}
