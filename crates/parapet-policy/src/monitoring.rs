//! CIS's monitoring controls: a CloudWatch Logs metric filter on the log group
//! of a multi-region trail, whose pattern catches given events, feeding a
//! metric that an alarm with an action watches.

use parapet_core::{AttrValue, Resource};

use crate::inventory::Inventory;
use crate::rule::{fail, pass, Unknown, Verdict};

/// The log group name of a trail's `cloudwatch_log_group` ARN
/// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`) and its region.
fn log_group(arn: &str) -> Option<(&str, &str)> {
    let region = arn.split(':').nth(3)?;
    let name = arn.split_once(":log-group:")?.1;
    Some((region, name.strip_suffix(":*").unwrap_or(name)))
}

/// A pattern with whitespace and quotes removed, so `$.eventName = "X"` and
/// `$.eventName="X"` read the same.
fn normalized(pattern: &str) -> String {
    pattern
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .collect()
}

/// Whether every required term is in the pattern (terms are normalized too).
pub fn pattern_catches(pattern: &str, terms: &[&str]) -> bool {
    let pattern = normalized(pattern);
    terms.iter().all(|t| pattern.contains(&normalized(t)))
}

/// The check every monitoring rule runs on an `aws.account`.
pub fn check_account(account: &Resource, inventory: &Inventory, terms: &[&str]) -> Verdict {
    let trails: Vec<&Resource> = inventory
        .in_account(&account.account, "aws.cloudtrail.trail")
        .collect();
    let mut undecided = None;
    let mut groups = Vec::new();
    for trail in &trails {
        let multi = trail.bool("multi_region");
        let logging = trail.bool("logging");
        let management = trail.bool("logs_all_management_events");
        match (multi, logging, management) {
            (Some(true), Some(true), Some(true)) => {}
            (Some(false), _, _) | (_, Some(false), _) | (_, _, Some(false)) => continue,
            _ => {
                undecided = Some(trail.name.clone());
                continue;
            }
        }
        if let Some((region, group)) = trail.str("cloudwatch_log_group").and_then(log_group) {
            groups.push((region.to_string(), group.to_string()));
        }
    }
    let mut unwatched = None;
    for (region, group) in &groups {
        for filter in inventory.in_account(&account.account, "aws.logs.metric-filter") {
            if filter.region != *region || filter.str("log_group") != Some(group) {
                continue;
            }
            if !filter
                .str("pattern")
                .is_some_and(|p| pattern_catches(p, terms))
            {
                continue;
            }
            let metrics: Vec<&str> = filter
                .list("metrics")
                .unwrap_or_default()
                .iter()
                .filter_map(AttrValue::as_str)
                .collect();
            let alarm = inventory
                .in_account(&account.account, "aws.cloudwatch.alarm")
                .filter(|a| a.region == *region)
                .find(|a| {
                    a.str("metric").is_some_and(|m| metrics.contains(&m))
                        && a.list("actions").is_some_and(|l| !l.is_empty())
                });
            if alarm.is_none() {
                if let Some(gap) = inventory.gap("cloudwatch", "DescribeAlarms", region) {
                    return Err(Unknown(format!(
                        "alarms in {region} could not be listed: {}",
                        gap.reason
                    )));
                }
            }
            match alarm {
                Some(alarm) => {
                    return pass(format!(
                        "metric filter `{}` on log group `{group}` feeds alarm `{}`",
                        filter.name, alarm.name
                    ))
                }
                None => unwatched = Some(filter.name.clone()),
            }
        }
    }
    for (region, _) in &groups {
        if let Some(gap) = inventory.gap("logs", "DescribeMetricFilters", region) {
            return Err(Unknown(format!(
                "metric filters in {region} could not be listed: {}",
                gap.reason
            )));
        }
    }
    if let Some(trail) = undecided {
        return Err(Unknown(format!(
            "whether trail `{trail}` logs every region's management events is unknown"
        )));
    }
    match unwatched {
        _ if groups.is_empty() => fail(
            "no multi-region trail that logs all management events sends them to CloudWatch Logs",
        ),
        Some(filter) => fail(format!(
            "metric filter `{filter}` matches but no alarm with an action watches its metric"
        )),
        None => fail(format!(
            "no metric filter on log group(s) {} matches the pattern",
            groups
                .iter()
                .map(|(_, g)| format!("`{g}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compare_without_spacing_or_quotes() {
        let cis = r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") }"#;
        assert!(pattern_catches(
            cis,
            &[
                "$.errorCode=*UnauthorizedOperation",
                "$.errorCode = \"AccessDenied*\""
            ]
        ));
        assert!(!pattern_catches(cis, &["$.eventName=ConsoleLogin"]));
        assert_eq!(
            log_group("arn:aws:logs:us-east-1:1:log-group:trail/logs:*"),
            Some(("us-east-1", "trail/logs"))
        );
    }
}
