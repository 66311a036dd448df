use std::fmt;
use std::sync::Arc;

/// Where in a source a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    Whole,
    Line(u64),
    /// A line and column, as the JSON parser reports inside a document.
    LineColumn(u64, u64),
    /// A byte offset into the (decompressed) stream.
    Byte(u64),
    /// The n-th record (0-based) of the value on a line.
    Record {
        line: u64,
        index: u64,
    },
}

/// A problem with the input: a file that cannot be read, a line that is not
/// JSON, a record that is not CloudTrail. Never fatal to the rest of the read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub source: Arc<str>,
    pub location: Location,
    pub reason: String,
}

impl ReadError {
    pub fn new(source: &Arc<str>, location: Location, reason: impl Into<String>) -> Self {
        ReadError {
            source: source.clone(),
            location,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Location::Whole => write!(f, "{}: {}", self.source, self.reason),
            Location::Line(line) => write!(f, "{}:{}: {}", self.source, line, self.reason),
            Location::LineColumn(line, col) => {
                write!(f, "{}:{}:{}: {}", self.source, line, col, self.reason)
            }
            Location::Byte(offset) => {
                write!(f, "{}: at byte {}: {}", self.source, offset, self.reason)
            }
            Location::Record { line: 0, index } => {
                write!(f, "{}: record {}: {}", self.source, index, self.reason)
            }
            Location::Record { line, index } => write!(
                f,
                "{}:{}: record {}: {}",
                self.source, line, index, self.reason
            ),
        }
    }
}

impl std::error::Error for ReadError {}
