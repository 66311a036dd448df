//! A resource as a template declares it: the Resource rules read, and the
//! lines it spans (for findings and inline suppressions).

use parapet_core::{Resource, Span};

use crate::terraform::TfResource;

#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    pub resource: Resource,
    /// Where the declaration starts.
    pub location: Span,
    /// Its last line.
    pub end_line: u32,
}

impl Declared {
    pub(crate) fn from_tf(resource: Resource, tf: &TfResource) -> Declared {
        Declared {
            resource,
            location: Span {
                path: tf.path.clone(),
                line: tf.line,
                column: tf.column,
            },
            end_line: tf.end_line,
        }
    }
}
