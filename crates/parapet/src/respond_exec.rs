//! The edge of response: enrichment from the store, the lake and allow
//! lists; notifications by webhook and SMTP; AWS actions through
//! `parapet-cloud` (built with the `aws` feature).

use std::net::IpAddr;
use std::path::PathBuf;

use parapet_respond::{ActionResult, ActionSpec, Change, Executor, Rollback};
use parapet_store::Store;
use sonic_rs::{json, Value};

use crate::cli_respond::AwsTargetArgs;

pub struct LocalExecutor {
    pub store_path: PathBuf,
    pub lake: Option<PathBuf>,
    #[cfg_attr(not(feature = "aws"), allow(dead_code))]
    pub aws_args: AwsTargetArgs,
    #[cfg(feature = "aws")]
    aws: Option<parapet_cloud::AwsResponder>,
}

pub(crate) use parapet_respond::{param, Params};

impl LocalExecutor {
    pub fn new(
        store_path: PathBuf,
        lake: Option<PathBuf>,
        aws_args: AwsTargetArgs,
    ) -> LocalExecutor {
        LocalExecutor {
            store_path,
            lake,
            aws_args,
            #[cfg(feature = "aws")]
            aws: None,
        }
    }

    #[cfg(feature = "aws")]
    fn aws(&mut self) -> Result<&mut parapet_cloud::AwsResponder, String> {
        if self.aws.is_none() {
            let options = parapet_cloud::AwsOptions {
                home_region: self.aws_args.region.clone(),
                endpoint_url: self.aws_args.endpoint_url.clone(),
                profile: self.aws_args.profile.clone(),
                ..parapet_cloud::AwsOptions::default()
            };
            self.aws = Some(parapet_cloud::AwsResponder::new(&options)?);
        }
        self.aws.as_mut().ok_or_else(|| "no AWS client".to_string())
    }

    fn inventory(&self, params: &Params) -> Result<ActionResult, String> {
        let wanted = param(params, "resource")?;
        let store = Store::open(&self.store_path).map_err(|e| e.to_string())?;
        let Some(latest) = store
            .snapshots()
            .map_err(|e| e.to_string())?
            .last()
            .map(|s| s.id)
        else {
            return Ok(ActionResult {
                output: json!({"found": false, "reason": "no inventory snapshot"}),
                ..ActionResult::default()
            });
        };
        let resources = store.resources(latest).map_err(|e| e.to_string())?;
        let found = resources
            .iter()
            .find(|r| r.uid == wanted || r.name == wanted);
        let output = match found {
            Some(r) => {
                json!({"found": true, "uid": r.uid, "kind": r.kind, "name": r.name, "account": r.account, "region": r.region, "snapshot": latest})
            }
            None => json!({"found": false, "snapshot": latest}),
        };
        Ok(ActionResult {
            output,
            ..ActionResult::default()
        })
    }

    fn activity(&self, params: &Params) -> Result<ActionResult, String> {
        use parapet_lake::Subject;
        let subject = match (
            params.get("identity"),
            params.get("ip"),
            params.get("access_key"),
        ) {
            (Some(i), _, _) if !i.is_empty() => Subject::Identity(i.clone()),
            (_, Some(ip), _) if !ip.is_empty() => Subject::Ip(ip.clone()),
            (_, _, Some(k)) if !k.is_empty() => Subject::AccessKey(k.clone()),
            _ => return Err("give `identity`, `ip` or `access_key`".into()),
        };
        let limit = params
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(50);
        let lake = match &self.lake {
            Some(lake) => lake.clone(),
            None => crate::inventory::parapet_home()
                .map_err(|e| e.to_string())?
                .join("lake"),
        };
        if !lake.is_dir() {
            return Err(format!(
                "{}: no lake (parapet ingest first)",
                lake.display()
            ));
        }
        let sql = parapet_lake::timeline_sql(&subject, None, None, limit);
        let batches = parapet_lake::hunt(&lake, &sql).map_err(|e| e.to_string())?;
        let mut rendered = Vec::new();
        parapet_lake::render(&batches, parapet_lake::HuntFormat::Json, &mut rendered)
            .map_err(|e| e.to_string())?;
        let events: Value = sonic_rs::from_slice(&rendered).unwrap_or_default();
        let count = batches.iter().map(|b| b.num_rows()).sum::<usize>();
        Ok(ActionResult {
            output: json!({"events": count, "timeline": events}),
            ..ActionResult::default()
        })
    }

    fn allowlist(&self, params: &Params) -> Result<ActionResult, String> {
        let ip: IpAddr = param(params, "ip")?
            .parse()
            .map_err(|_| format!("`{}` is not an IP address", params["ip"]))?;
        let list = param(params, "list")?;
        let text = std::fs::read_to_string(list).map_err(|e| format!("{list}: {e}"))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let (net, bits) = line
                .split_once('/')
                .unwrap_or((line, if line.contains(':') { "128" } else { "32" }));
            let net: IpAddr = net
                .parse()
                .map_err(|_| format!("{list}:{}: `{line}` is not a CIDR", n + 1))?;
            let bits: u32 = bits
                .parse()
                .map_err(|_| format!("{list}:{}: `{line}` is not a CIDR", n + 1))?;
            if in_cidr(ip, net, bits) {
                return Ok(ActionResult {
                    output: json!({"allowed": true, "matched": line}),
                    ..ActionResult::default()
                });
            }
        }
        Ok(ActionResult {
            output: json!({"allowed": false}),
            ..ActionResult::default()
        })
    }
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u32) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

impl Executor for LocalExecutor {
    fn run(
        &mut self,
        action: &ActionSpec,
        params: &Params,
        execute: bool,
    ) -> Result<ActionResult, String> {
        match action.name {
            "enrich.inventory" => self.inventory(params),
            "enrich.activity" => self.activity(params),
            "enrich.ip_allowlist" => self.allowlist(params),
            "notify.webhook" => crate::notify::post_webhook(params),
            "notify.email" => crate::notify::send_email(params),
            #[cfg(feature = "aws")]
            name if name.starts_with("aws.") => self.aws()?.run(action, params, execute),
            name => {
                let _ = execute;
                Err(format!(
                    "`{name}` needs AWS support: build parapet with the `aws` feature"
                ))
            }
        }
    }

    fn rollback(&mut self, rollback: &Rollback, execute: bool) -> Result<Vec<Change>, String> {
        #[cfg(feature = "aws")]
        if rollback.action.starts_with("aws.") {
            return self.aws()?.rollback(rollback, execute);
        }
        let _ = execute;
        Err(format!(
            "no rollback for `{}` in this build",
            rollback.action
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_membership() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(in_cidr(ip("203.0.113.7"), ip("203.0.113.0"), 24));
        assert!(!in_cidr(ip("203.0.114.7"), ip("203.0.113.0"), 24));
        assert!(in_cidr(ip("2001:db8::1"), ip("2001:db8::"), 32));
        assert!(!in_cidr(ip("2001:db8::1"), ip("203.0.113.0"), 0));
        assert!(in_cidr(ip("8.8.8.8"), ip("0.0.0.0"), 0));
    }
}
