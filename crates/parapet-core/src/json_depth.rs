//! A guard against deeply nested JSON. sonic-rs builds its DOM recursively
//! and has no depth limit: `[[[[…` a few hundred thousand levels deep (one
//! line of a hostile log or export) overflows the stack. Real CloudTrail nests about a
//! dozen levels; anything past [`MAX_JSON_DEPTH`] is refused before parsing, by
//! every reader of untrusted JSON (logs, inventory exports).

pub const MAX_JSON_DEPTH: usize = 256;

/// True when `json` opens more than `MAX_JSON_DEPTH` arrays/objects at once.
/// Fast path: fewer brackets in total than the limit cannot nest deeper.
pub fn too_deep(json: &[u8]) -> bool {
    if memchr::memchr2_iter(b'[', b'{', json)
        .take(MAX_JSON_DEPTH + 1)
        .count()
        <= MAX_JSON_DEPTH
    {
        return false;
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in json {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nesting_outside_strings_only() {
        assert!(!too_deep(br#"{"a":[1,{"b":[]}]}"#));
        let deep = "[".repeat(MAX_JSON_DEPTH + 1);
        assert!(too_deep(deep.as_bytes()));
        let wide = "[],".repeat(MAX_JSON_DEPTH * 4);
        assert!(!too_deep(format!("[{wide}1]").as_bytes()));
        let quoted = format!("{{\"a\":\"{}\"}}", "[".repeat(MAX_JSON_DEPTH * 2));
        assert!(!too_deep(quoted.as_bytes()));
    }
}
