//! Arbitrary-length decimal comparison shared by the schemes.
//!
//! Version strings are untrusted: a component like `99999999999999999999999`
//! must neither overflow nor panic, so numbers stay digit strings.

use std::cmp::Ordering;

/// Strips leading ASCII zeros (an all-zero string becomes empty).
pub(crate) fn strip_zeros(digits: &str) -> &str {
    digits.trim_start_matches('0')
}

/// Compares two ASCII digit strings by numeric value.
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let (a, b) = (strip_zeros(a), strip_zeros(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// True for a non-empty all-ASCII-digit string.
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Length of the leading run of ASCII digits in `s`.
pub(crate) fn digit_run(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_compare_without_overflow() {
        assert_eq!(cmp_digits("007", "7"), Ordering::Equal);
        assert_eq!(cmp_digits("", "0"), Ordering::Equal);
        assert_eq!(cmp_digits("10", "9"), Ordering::Greater);
        let huge = "184467440737095516160000000000";
        assert_eq!(cmp_digits(huge, "18446744073709551615"), Ordering::Greater);
        assert_eq!(cmp_digits("12", "13"), Ordering::Less);
    }
}
