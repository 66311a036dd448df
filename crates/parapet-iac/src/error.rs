//! What went wrong in one file, and where; the rest of the tree is still
//! scanned.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IacError {
    /// Relative to the scanned root.
    pub path: String,
    /// 1-based; 0 when the whole file is at fault (unreadable, too large).
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl IacError {
    pub fn new(path: &str, line: u32, column: u32, message: impl Into<String>) -> IacError {
        IacError {
            path: path.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for IacError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path, self.line, self.column, self.message
            )
        }
    }
}
