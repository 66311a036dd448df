use super::super::prop_support::{assert_total_order, joined, noisy_string};
use super::*;
use proptest::prelude::*;

/// Lines in the format of apk-tools' own version test list.
const CASES: &str = "
2.34 > 0.1.0_alpha
23_foo > 4_beta
1.0 < 1.0bc
0.1.0_alpha = 0.1.0_alpha
0.1.0_alpha < 0.1.3_alpha
0.1.0_alpha2 > 0.1.0_alpha
0.1.0_alpha < 2.2.39-r1
1.0.4-r3 < 1.0.4-r4
1.1 > 1.1_alpha1
1.2.1 > 1.2
1.2 < 1.3_alpha
1.3_alpha < 1.3_alpha2
0.7.0 < 0.8_beta1
0.8_beta4 < 4.8-r1
3.10.18-r1 > 2.3.0b-r1
2.3.0b-r1 < 2.3.0b-r2
0.12.3 > 0.12
0.12 < 0.13_beta1
1.2.11 < 1.2.12.1
0.2.0-r1 = 0.2.0-r1
0.2.0-r1 < 3.1_p16
3.1_p16 < 3.1_p17
1.06-r6 < 006
006 > 1.0.0
1.2.2-r1 > 1.2.2
9.3.4-r2 > 9.3.4
2.59 < 20050718-r1
3.9.8-r5 > 2.01.01_alpha10
2.01.01_alpha10 > 0.94
1.0 > 0.99.3.20040818
1.39 > 1.00_beta2
1.02 < 1.03-r1
4.2.52_p2-r1 < 4.2.52_p4-r2
1.02.07 < 1.02.10-r1
20060720 > 3.0.20060720
2.5.1-r8 < 2.5.1a-r1
1.3.5-r10 > 1.3.5-r8
20040401 > 2.0.0_rc3-r1
3.0.0-r2 < 021109-r3
3.9_pre20060124 > 0.01
1.1.7 < 6b-r7
0.10.0-r1 > 0.10.0
0.10.0 < 0.10.1_rc1
1.1a < 1.3a
1.0-r1 > 0.15.1b
0.15.1b-r2 > 0.15.1b
22.7-r1 < 22.7.3-r1
2.1_pre20 < 2.1_pre26
2.10.1 > 02.08.01b
3.81 > 1.6d
1.2.07.8 < 1.2.12.04
1.07-r1 < 1.07.5
0.1_pre20060810 < 0.1_pre20060817
0.59s-r11 < 0.65
4.20 > 0.20070118
0.20070118 < 0.20070207_rc1
4.5_p1-r1 > 4.5_p1
0.9.8c-r1 < 0.9.8d
1.7 < 1.7b
1.8.5 < 1.8.5_p2
2.9.11_pre20051101-r3 > 2.9.11_pre20051101
0.9.28-r2 < 0.9.28.1
104-r11 > 104-r9
2.12r-r4 < 2.12r-r5
7.0.17 < 7.0.174
1.3-r0 < 1.3.1-r0
1.3_pre1-r1 < 1.3.2
1.0_p10-r0 > 1.0_p9-r0
0.1.0_alpha_pre2 < 0.1.0_alpha
1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
1.0_git20200101 > 1.0
1.0_rc1 < 1.0_p1
1.0_alpha < 1.0_beta
1.0_beta < 1.0_pre
1.0_pre < 1.0_rc
1.0_cvs < 1.0_svn
1.0_svn < 1.0_git
1.0_git < 1.0_hg
1.0_hg < 1.0_p
1.0 < 1.0-r1
1.01 < 1.1
1.001 < 1.01
1.0 > 1.00
1.0 < 1.01
99999999999999999999999 > 99999999999999999999998
";

#[test]
fn apk_version_list() {
    for line in CASES.lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [a, op, b] = parts[..] else {
            panic!("bad case line {line:?}");
        };
        let want = match op {
            "<" => Ordering::Less,
            ">" => Ordering::Greater,
            _ => Ordering::Equal,
        };
        assert_eq!(compare(a, b), want, "{line}");
        assert_eq!(compare(b, a), want.reverse(), "{line} (swapped)");
    }
}

#[test]
fn validity() {
    for ok in [
        "1.0",
        "1.2.3a_rc1_p2-r10",
        "0.1_pre20060810",
        "2.12r-r4",
        "",
        "1_alpha",
    ] {
        assert!(is_valid(ok), "{ok:?}");
    }
    for bad in ["1.0bc", "23_foo", "1.0-1", "A1", "1_p.1", "1.0-r1.2"] {
        assert!(!is_valid(bad), "{bad:?}");
    }
}

#[test]
fn invalid_ties_break_bytewise() {
    assert_eq!(compare("1.0-foo", "1.0-bar"), Ordering::Greater);
    assert_eq!(compare("1.0-foo", "1.0-foo"), Ordering::Equal);
}

fn apk_like() -> impl Strategy<Value = String> {
    (
        joined("[0-9]{1,3}|0[0-9]", &["."], 4),
        proptest::option::of("[a-z]"),
        proptest::collection::vec(
            (
                "alpha|beta|pre|rc|cvs|svn|git|hg|p|foo",
                proptest::option::of("[0-9]{1,3}"),
            ),
            0..3,
        ),
        proptest::option::of("[0-9]{1,2}"),
    )
        .prop_map(|(nums, letter, sufs, rev)| {
            let mut s = nums;
            s.extend(letter);
            for (name, n) in sufs {
                s.push('_');
                s.push_str(&name);
                s.extend(n);
            }
            if let Some(r) = rev {
                s.push_str("-r");
                s.push_str(&r);
            }
            s
        })
}

proptest! {
    #[test]
    fn total_order_on_versions(a in apk_like(), b in apk_like(), c in apk_like()) {
        assert_total_order(compare, &a, &b, &c);
    }

    #[test]
    fn total_order_on_noise(a in noisy_string(), b in noisy_string(), c in apk_like()) {
        assert_total_order(compare, &a, &b, &c);
        let _ = is_valid(&a);
    }
}
