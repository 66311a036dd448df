//! EKS in one region: clusters with their API endpoint exposure, the KMS
//! key for secrets, control plane logging and Kubernetes version.

use aws_sdk_eks::Client;
use parapet_core::{Provider, Resource};

use crate::context::{api, next_page, Ctx};

pub(crate) async fn collect(eks: &Client, region: &str, ctx: &Ctx) -> Vec<Resource> {
    let mut resources = Vec::new();
    let mut token = None;
    loop {
        let call = eks.list_clusters().set_next_token(token.take()).send();
        let Some(page) = ctx
            .call("eks", region, "ListClusters", &[], call)
            .await
            .ok()
        else {
            break;
        };
        for name in page.clusters() {
            let origin = api("eks", "DescribeCluster");
            let call = eks.describe_cluster().name(name).send();
            let Some(cluster) = ctx
                .call("eks", region, "DescribeCluster", &[], call)
                .await
                .ok()
                .and_then(|out| out.cluster().cloned())
            else {
                let uid = format!("arn:aws:eks:{region}:{}:cluster/{name}", ctx.account);
                let mut r = Resource::new(Provider::Aws, "aws.eks.cluster", uid, name.as_str())
                    .located(&ctx.account, region);
                r.unknown("endpoint_public_access", &origin);
                resources.push(r);
                continue;
            };
            let uid = cluster
                .arn()
                .map(str::to_string)
                .unwrap_or_else(|| format!("arn:aws:eks:{region}:{}:cluster/{name}", ctx.account));
            let mut r = Resource::new(Provider::Aws, "aws.eks.cluster", uid, name.as_str())
                .located(&ctx.account, region);
            r.set("version", cluster.version(), &origin);
            let vpc = cluster.resources_vpc_config();
            r.set(
                "endpoint_public_access",
                vpc.is_some_and(|v| v.endpoint_public_access()),
                &origin,
            );
            r.set(
                "endpoint_private_access",
                vpc.is_some_and(|v| v.endpoint_private_access()),
                &origin,
            );
            r.set(
                "public_access_cidrs",
                vpc.map(|v| v.public_access_cidrs().to_vec())
                    .unwrap_or_default(),
                &origin,
            );
            // EKS encrypts Kubernetes API data by default; a customer managed
            // key is what envelope encryption adds.
            let key = cluster
                .encryption_config()
                .iter()
                .find_map(|c| c.provider().and_then(|p| p.key_arn()));
            r.set("secrets_kms_key", key, &origin);
            let logged: Vec<String> = cluster
                .logging()
                .map(|l| l.cluster_logging())
                .unwrap_or_default()
                .iter()
                .filter(|s| s.enabled() == Some(true))
                .flat_map(|s| s.types().iter().map(|t| t.as_str().to_string()))
                .collect();
            r.set("logging_types", logged, &origin);
            if let Some(role) = cluster.role_arn() {
                r.relate("has-role", role);
            }
            resources.push(r);
        }
        token = next_page(page.next_token());
        if token.is_none() {
            break;
        }
    }
    resources
}
