//! `json_get(raw, 'a.b.c')`: one field of the raw record, for hunts that
//! need what no OCSF column holds (`additionalEventData.MFAUsed`,
//! `responseElements.credentials.accessKeyId`). Strings come back as they
//! are, numbers, booleans, objects and arrays as JSON text, and a missing
//! field (or a record that is not JSON) as NULL. DuckDB's equivalent is
//! `json_extract_string(raw, '$.a.b.c')`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, StringArray, StringBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{create_udf, ColumnarValue, ScalarUDF, Volatility};
use datafusion::scalar::ScalarValue;
use sonic_rs::{JsonValueTrait, Value};

pub const NAME: &str = "json_get";

pub fn udf() -> ScalarUDF {
    create_udf(
        NAME,
        vec![DataType::Utf8, DataType::Utf8],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(evaluate),
    )
}

fn evaluate(args: &[ColumnarValue]) -> Result<ColumnarValue> {
    let [records, path] = args else {
        return Err(DataFusionError::Plan(format!(
            "{NAME}(record, 'dotted.path') takes 2 arguments"
        )));
    };
    let path = match path {
        ColumnarValue::Scalar(ScalarValue::Utf8(Some(p))) => p.clone(),
        _ => {
            return Err(DataFusionError::Plan(format!(
                "{NAME}: the path must be a text literal such as 'userIdentity.arn'"
            )))
        }
    };
    let keys: Vec<&str> = path.split('.').collect();
    match records {
        ColumnarValue::Scalar(scalar) => {
            let text = match scalar {
                ScalarValue::Utf8(Some(t)) | ScalarValue::LargeUtf8(Some(t)) => field(t, &keys),
                _ => None,
            };
            Ok(ColumnarValue::Scalar(ScalarValue::Utf8(text)))
        }
        ColumnarValue::Array(array) => {
            let strings = cast(array, &DataType::Utf8)?;
            let strings = strings
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| DataFusionError::Internal(format!("{NAME}: not text")))?;
            let mut out = StringBuilder::with_capacity(strings.len(), strings.len() * 16);
            for i in 0..strings.len() {
                let value = (!strings.is_null(i))
                    .then(|| field(strings.value(i), &keys))
                    .flatten();
                out.append_option(value);
            }
            Ok(ColumnarValue::Array(Arc::new(out.finish()) as ArrayRef))
        }
    }
}

/// The field at `keys` of a JSON record: text as is, anything else as JSON.
fn field(record: &str, keys: &[&str]) -> Option<String> {
    let lazy = sonic_rs::get(record, keys).ok()?;
    let value: Value = sonic_rs::from_str(lazy.as_raw_str()).ok()?;
    match value.as_str() {
        Some(text) => Some(text.to_string()),
        None if value.is_null() => None,
        None => Some(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_by_dotted_path() {
        let record = r#"{"a":{"b":"x","n":3,"o":{"k":true}},"z":null}"#;
        assert_eq!(field(record, &["a", "b"]).as_deref(), Some("x"));
        assert_eq!(field(record, &["a", "n"]).as_deref(), Some("3"));
        assert_eq!(field(record, &["a", "o"]).as_deref(), Some(r#"{"k":true}"#));
        assert_eq!(field(record, &["z"]), None);
        assert_eq!(field(record, &["missing"]), None);
        assert_eq!(field("not json", &["a"]), None);
    }
}
