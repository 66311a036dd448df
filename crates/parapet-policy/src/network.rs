//! Security group and network ACL rules as the Resource model stores them:
//! which ports they open, to which addresses.

use parapet_core::AttrValue;

pub const WORLD_V4: &str = "0.0.0.0/0";
pub const WORLD_V6: &str = "::/0";

/// Remote administration ports CIS names: SSH and RDP.
pub const ADMIN_PORTS: [u16; 2] = [22, 3389];

/// Whether a rule with this protocol and port range carries TCP `port`.
/// Protocol `-1` (or `all`) is every protocol and port.
pub fn covers_tcp_port(
    protocol: Option<&str>,
    from: Option<i64>,
    to: Option<i64>,
    port: u16,
) -> bool {
    match protocol.map(str::to_ascii_lowercase).as_deref() {
        Some("-1") | Some("all") => true,
        Some("tcp") | Some("6") => {
            let port = i64::from(port);
            match (from, to) {
                (Some(from), Some(to)) => from <= port && port <= to,
                // No range on TCP means all ports (AWS reports none for -1 only,
                // IaC may leave them out).
                _ => true,
            }
        }
        _ => false,
    }
}

/// A security group rule as a map: protocol, from_port, to_port, cidr_ipv4,
/// cidr_ipv6.
pub struct SgRule<'a>(pub &'a AttrValue);

impl SgRule<'_> {
    fn str(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(AttrValue::as_str)
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.0.get(key).and_then(AttrValue::as_int)
    }

    pub fn opens(&self, port: u16) -> bool {
        covers_tcp_port(
            self.str("protocol"),
            self.int("from_port"),
            self.int("to_port"),
            port,
        )
    }

    pub fn has_cidr(&self, family: &str, cidr: &str) -> bool {
        self.0
            .get(family)
            .and_then(AttrValue::as_list)
            .is_some_and(|l| l.iter().any(|c| c.as_str() == Some(cidr)))
    }

    /// `tcp 20-25` style text for evidence.
    pub fn ports(&self) -> String {
        let protocol = self.str("protocol").unwrap_or("?");
        if matches!(protocol, "-1" | "all") {
            return "all traffic".to_string();
        }
        match (self.int("from_port"), self.int("to_port")) {
            (Some(from), Some(to)) if from == to => format!("{protocol} {from}"),
            (Some(from), Some(to)) => format!("{protocol} {from}-{to}"),
            _ => format!("{protocol} all ports"),
        }
    }
}

/// Ingress rules of a group that open one of `ports` to `cidr` (in `family`:
/// `cidr_ipv4` or `cidr_ipv6`), as evidence lines.
pub fn open_ingress(ingress: &[AttrValue], ports: &[u16], family: &str, cidr: &str) -> Vec<String> {
    ingress
        .iter()
        .map(SgRule)
        .filter(|rule| rule.has_cidr(family, cidr))
        .filter_map(|rule| {
            let hit: Vec<String> = ports
                .iter()
                .filter(|&&p| rule.opens(p))
                .map(u16::to_string)
                .collect();
            (!hit.is_empty()).then(|| {
                format!(
                    "ingress {} from {cidr} opens port {}",
                    rule.ports(),
                    hit.join(", ")
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_coverage() {
        assert!(covers_tcp_port(Some("-1"), None, None, 22));
        assert!(covers_tcp_port(Some("tcp"), Some(0), Some(65535), 3389));
        assert!(covers_tcp_port(Some("6"), Some(22), Some(22), 22));
        assert!(!covers_tcp_port(Some("tcp"), Some(80), Some(443), 22));
        assert!(!covers_tcp_port(Some("udp"), Some(0), Some(65535), 22));
        assert!(!covers_tcp_port(Some("17"), None, None, 22));
    }
}
