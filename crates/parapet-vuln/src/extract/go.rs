//! Go: go.mod requirements and the build information the Go linker puts
//! into binaries (Go 1.18 and later).

use crate::error::VulnError;

use super::{Extracted, FileOrigin};

const BUILDINFO_MAGIC: &[u8] = b"\xff Go buildinf:";

pub(super) fn go_mod(text: &str, origin: FileOrigin<'_>, out: &mut Extracted) {
    let mut in_block = false;
    let mut replaced: Vec<(String, String, String)> = Vec::new();
    let mut required: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let (directive, rest) = if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            ("require-or-replace", line)
        } else {
            match line.split_once(char::is_whitespace) {
                Some((d, rest)) => (d, rest.trim()),
                None => continue,
            }
        };
        let rest = if rest == "(" {
            in_block = matches!(directive, "require" | "replace");
            continue;
        } else {
            rest
        };
        if let Some((from, to)) = rest.split_once("=>") {
            let from = from
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let mut to = to.split_whitespace();
            if let (Some(path), Some(version)) = (to.next(), to.next()) {
                replaced.push((from, path.to_string(), version.to_string()));
            }
            continue;
        }
        let mut words = rest.split_whitespace();
        if let (Some(path), Some(version)) = (words.next(), words.next()) {
            if matches!(directive, "require" | "require-or-replace") {
                required.push((path.to_string(), version.to_string()));
            }
        }
    }
    for (path, version) in required {
        // A `replace` with a version swaps in another module; one to a local path has none.
        let (path, version) = match replaced.iter().find(|(from, _, _)| *from == path) {
            Some((_, to, v)) => (to.clone(), v.clone()),
            None => (path, version),
        };
        out.packages.push(origin.package("Go", &path, &version));
    }
}

/// Whether `bytes` holds Go build information (a Go binary).
pub fn go_build_info(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, BUILDINFO_MAGIC).is_some()
}

pub(super) fn go_binary(bytes: &[u8], origin: FileOrigin<'_>, out: &mut Extracted) {
    match read_build_info(bytes) {
        Ok((go_version, modinfo)) => {
            if let Some(version) = go_version.strip_prefix("go") {
                let version = version.split([' ', '-']).next().unwrap_or(version);
                out.packages.push(origin.package("Go", "stdlib", version));
            }
            modules(&modinfo, origin, out);
        }
        Err(reason) => out.errors.push(VulnError::parse(origin.path, reason)),
    }
}

fn read_build_info(bytes: &[u8]) -> Result<(String, String), String> {
    let start = memchr::memmem::find(bytes, BUILDINFO_MAGIC).ok_or("no Go build information")?;
    let header = bytes
        .get(start..start + 32)
        .ok_or("Go build information is truncated")?;
    let flags = header[15];
    if flags & 2 == 0 {
        return Err("Go build information from before Go 1.18 (pointer format) is not read".into());
    }
    let mut at = start + 32;
    let version = read_varint_string(bytes, &mut at)?;
    let modinfo = read_varint_string(bytes, &mut at)?;
    // The module text sits between two 16-byte sentinels.
    let modinfo = if modinfo.len() >= 33 {
        modinfo[16..modinfo.len() - 16].to_string()
    } else {
        String::new()
    };
    Ok((version, modinfo))
}

fn read_varint_string(bytes: &[u8], at: &mut usize) -> Result<String, String> {
    let mut length: u64 = 0;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at).ok_or("Go build information is truncated")?;
        *at += 1;
        length |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 35 {
            return Err("Go build information has a bad length".into());
        }
    }
    let end = at
        .checked_add(length as usize)
        .filter(|&e| e <= bytes.len())
        .ok_or("Go build information is truncated")?;
    let text = String::from_utf8_lossy(&bytes[*at..end]).into_owned();
    *at = end;
    Ok(text)
}

fn modules(modinfo: &str, origin: FileOrigin<'_>, out: &mut Extracted) {
    for line in modinfo.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["mod", path, version, ..] if *version != "(devel)" => {
                out.packages.push(origin.package("Go", path, version));
            }
            ["dep", path, version, ..] => out.packages.push(origin.package("Go", path, version)),
            // `=>` replaces the dependency just listed.
            ["=>", path, version, ..] => {
                if let Some(last) = out.packages.last_mut() {
                    *last = origin.package("Go", path, version);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: FileOrigin<'static> = FileOrigin {
        path: "go.mod",
        layer: None,
    };

    #[test]
    fn go_mod_requires_with_replacements() {
        let text = "module example.com/app\n\ngo 1.21\n\nrequire github.com/gin-gonic/gin v1.5.0\n\nrequire (\n\tgolang.org/x/net v0.0.0-20191109021931-daa7c04131f5 // indirect\n\tgithub.com/old/mod v1.0.0\n)\n\nreplace github.com/old/mod => github.com/new/mod v1.2.0\n";
        let mut out = Extracted::default();
        go_mod(text, ORIGIN, &mut out);
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("github.com/gin-gonic/gin", "v1.5.0"),
                ("golang.org/x/net", "v0.0.0-20191109021931-daa7c04131f5"),
                ("github.com/new/mod", "v1.2.0")
            ]
        );
    }

    fn varint_string(text: &str) -> Vec<u8> {
        let (mut out, mut n) = (Vec::new(), text.len());
        while n >= 0x80 {
            out.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
        out.extend_from_slice(text.as_bytes());
        out
    }

    #[test]
    fn reads_inline_build_info() {
        let mut binary = b"\x7fELF padding".to_vec();
        binary.extend_from_slice(BUILDINFO_MAGIC);
        binary.extend_from_slice(&[8, 2]);
        binary.resize(binary.len() + 16, 0);
        binary.extend(varint_string("go1.21.5"));
        let modinfo = format!("{}path\tex.com/app\nmod\tex.com/app\t(devel)\t\ndep\tgolang.org/x/text\tv0.3.7\th1:x\ndep\tgithub.com/a/b\tv1.0.0\th1:y\n=>\tgithub.com/c/d\tv1.1.0\th1:z\n{}", "0".repeat(16), "1".repeat(16));
        binary.extend(varint_string(&modinfo));
        let mut out = Extracted::default();
        go_binary(
            &binary,
            FileOrigin {
                path: "usr/bin/app",
                layer: None,
            },
            &mut out,
        );
        let got: Vec<_> = out
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("stdlib", "1.21.5"),
                ("golang.org/x/text", "v0.3.7"),
                ("github.com/c/d", "v1.1.0")
            ]
        );
        let mut out = Extracted::default();
        go_binary(
            &binary[..binary.len() - 40],
            FileOrigin {
                path: "usr/bin/app",
                layer: None,
            },
            &mut out,
        );
        assert!(out.errors[0].to_string().contains("truncated"));
    }
}
