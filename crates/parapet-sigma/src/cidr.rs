//! CIDR ranges for the `cidr` modifier, IPv4 and IPv6.

use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    network: u128,
    mask: u128,
    v6: bool,
}

impl Cidr {
    pub(crate) fn parse(text: &str) -> Option<Cidr> {
        let (addr, bits) = match text.split_once('/') {
            Some((addr, bits)) => (addr, Some(bits.parse::<u32>().ok()?)),
            None => (text, None),
        };
        let (value, width, v6) = match addr.trim().parse::<IpAddr>().ok()? {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32, false),
            IpAddr::V6(v6) => (u128::from(v6), 128, true),
        };
        let bits = bits.unwrap_or(width);
        if bits > width {
            return None;
        }
        let host_bits = width - bits;
        let full = if width == 128 {
            u128::MAX
        } else {
            (1u128 << width) - 1
        };
        let mask = if host_bits >= 128 {
            0
        } else {
            full & !((1u128 << host_bits) - 1)
        };
        Some(Cidr {
            network: value & mask,
            mask,
            v6,
        })
    }

    pub(crate) fn contains(&self, text: &str) -> bool {
        match text.trim().parse::<IpAddr>() {
            Ok(IpAddr::V4(v4)) if !self.v6 => u128::from(u32::from(v4)) & self.mask == self.network,
            Ok(IpAddr::V6(v6)) if self.v6 => u128::from(v6) & self.mask == self.network,
            Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => u128::from(u32::from(v4)) & self.mask == self.network,
                None => false,
            },
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_v4_and_v6_ranges() {
        let private = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(private.contains("10.1.2.3") && !private.contains("11.0.0.1"));
        assert!(private.contains("::ffff:10.0.0.1"));
        assert!(!private.contains("not an ip") && !private.contains("fd00::1"));
        let ula = Cidr::parse("fd00::/8").unwrap();
        assert!(ula.contains("fd12:3456::1") && !ula.contains("2001:db8::1"));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8"));
        assert!(Cidr::parse("::/0").unwrap().contains("2001:db8::1"));
        assert!(Cidr::parse("1.2.3.4").unwrap().contains("1.2.3.4"));
        assert!(Cidr::parse("10.0.0.0/33").is_none() && Cidr::parse("banana/8").is_none());
    }
}
