//! What every collector shares: the API call counter, the concurrency bound,
//! and the coverage gaps. A call that fails is recorded and the collection
//! goes on; a call whose "not found" means "not configured" is absence.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata};
use parapet_core::{AttrOrigin, CoverageGap};
use tokio::sync::Semaphore;

pub(crate) struct Ctx {
    pub(crate) account: String,
    permits: Semaphore,
    calls: AtomicU64,
    gaps: Mutex<Vec<CoverageGap>>,
}

/// The result of one API call.
pub(crate) enum Reply<T> {
    Ok(T),
    /// The service said the thing is not configured (no policy, no encryption).
    Absent,
    /// The call failed; a coverage gap was recorded.
    Failed,
}

impl<T> Reply<T> {
    pub(crate) fn ok(self) -> Option<T> {
        match self {
            Reply::Ok(value) => Some(value),
            _ => None,
        }
    }
}

impl Ctx {
    pub(crate) fn new(account: String, concurrency: usize) -> Ctx {
        Ctx {
            account,
            permits: Semaphore::new(concurrency.max(1)),
            calls: AtomicU64::new(0),
            gaps: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn api_calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub(crate) fn into_gaps(self) -> Vec<CoverageGap> {
        let mut gaps = self
            .gaps
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        gaps.sort();
        gaps.dedup();
        gaps
    }

    pub(crate) fn gap(&self, service: &str, region: &str, operation: &str, reason: String) {
        let gap = CoverageGap {
            service: service.into(),
            region: region.into(),
            operation: operation.into(),
            reason,
        };
        self.gaps
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(gap);
    }

    /// Runs one API call under the concurrency bound. Error codes in `absent`
    /// mean "not configured"; any other error becomes a coverage gap.
    pub(crate) async fn call<T, E, F>(
        &self,
        service: &str,
        region: &str,
        operation: &str,
        absent: &[&str],
        call: F,
    ) -> Reply<T>
    where
        F: Future<Output = Result<T, E>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let _permit = self.permits.acquire().await;
        self.calls.fetch_add(1, Ordering::Relaxed);
        match call.await {
            Ok(value) => Reply::Ok(value),
            Err(error) if error.code().is_some_and(|code| absent.contains(&code)) => Reply::Absent,
            Err(error) => {
                let reason = match (error.code(), error.message()) {
                    (Some(code), Some(message)) => format!("{code}: {message}"),
                    (Some(code), None) => code.to_string(),
                    _ => concise(&DisplayErrorContext(&error).to_string()),
                };
                self.gap(service, region, operation, reason);
                Reply::Failed
            }
        }
    }
}

/// The token of the next page of a listing; None when the listing is done
/// (AWS ends some listings with an empty token instead of none).
pub(crate) fn next_page(token: Option<&str>) -> Option<String> {
    token.filter(|t| !t.is_empty()).map(str::to_string)
}

/// SDK errors without a service code (transport, unparsable responses)
/// render whole responses; a coverage gap keeps the first line's gist.
fn concise(text: &str) -> String {
    const MAX: usize = 240;
    let first = text.lines().next().unwrap_or_default();
    match first.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &first[..cut]),
        None => first.to_string(),
    }
}

/// The origin of attributes learned from `service:operation`.
pub(crate) fn api(service: &str, operation: &str) -> AttrOrigin {
    AttrOrigin::Api(format!("{service}:{operation}"))
}
