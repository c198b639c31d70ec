//! Scan limits: a link with `max_scans` answers 410 at the edge once its
//! counted scans reach the limit. The edge cannot count (Workers KV has no
//! atomic counter), so the control plane marks the link
//! `scan_limit_reached` and re-publishes its record. The rollup checks
//! after counting scans of a limited link; the API re-checks when an owner
//! changes the limit. The window between the limit being reached and the
//! edge knowing is in docs/analytics.md ("Max scans window").

use std::sync::Arc;

use scanly_analytics::rollup::{Hour, LinkHour};
use scanly_shared::ids::{LinkId, WorkspaceId};

use crate::model::PublishOp;
use crate::publish::{self, Publishing};
use crate::store::{Stats, StatsScope, Store, StoreError};

/// A link edited concurrently is re-read this many times.
const MAX_ATTEMPTS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitCheck {
    /// No limit (or no link any more).
    Unlimited,
    Below {
        counted: u64,
        max: u64,
    },
    /// `newly`: this check marked and re-published the link.
    Reached {
        counted: u64,
        max: u64,
        newly: bool,
    },
}

/// The link's counted scans: the sum of its hourly stats. Events can be up
/// to five minutes ahead of the clock, hence the hour after this one.
pub async fn counted_scans(
    stats: &dyn Stats,
    workspace: &WorkspaceId,
    link: &LinkId,
    now_ms: i64,
) -> Result<u64, StoreError> {
    counted_scans_with(stats, workspace, link, now_ms, &[]).await
}

/// The same, with `fresh` hour totals (hour, scans) the caller has just
/// written: a range read is eventually consistent and may not show them
/// yet. A total only grows, so the larger of the two is the newer.
pub async fn counted_scans_with(
    stats: &dyn Stats,
    workspace: &WorkspaceId,
    link: &LinkId,
    now_ms: i64,
    fresh: &[(i64, u64)],
) -> Result<u64, StoreError> {
    let to_hour = Hour::of_ms(now_ms).0.saturating_add(2);
    let items = stats
        .stats_range(workspace, &StatsScope::Link(link.clone()), 0, to_hour)
        .await?;
    let mut hours = std::collections::BTreeMap::new();
    for (hour, stored) in &items {
        let item = LinkHour::from_bytes(&stored.bytes).map_err(|error| {
            StoreError::Unavailable(format!("stats of {link} at hour {hour}: {error}"))
        })?;
        hours.insert(*hour, item.scans());
    }
    for (hour, scans) in fresh {
        let known = hours.entry(*hour).or_default();
        *known = (*known).max(*scans);
    }
    Ok(hours
        .values()
        .fold(0u64, |sum, scans| sum.saturating_add(*scans)))
}

/// Marks and re-publishes the link if its counted scans reached its
/// current limit (the limit stored now, not the one an event carried);
/// `fresh` as for [`counted_scans_with`].
pub async fn enforce(
    store: &Arc<dyn Store>,
    stats: &dyn Stats,
    publishing: &Publishing,
    link: (&WorkspaceId, &LinkId),
    fresh: &[(i64, u64)],
    now_ms: i64,
) -> Result<LimitCheck, StoreError> {
    let (workspace, link_id) = link;
    for _ in 0..MAX_ATTEMPTS {
        let Some(link) = store.link(workspace, link_id).await? else {
            return Ok(LimitCheck::Unlimited);
        };
        let Some(max) = link.max_scans else {
            return Ok(LimitCheck::Unlimited);
        };
        let counted = counted_scans_with(stats, workspace, link_id, now_ms, fresh).await?;
        if counted < max {
            return Ok(LimitCheck::Below { counted, max });
        }
        if link.scan_limit_reached {
            return Ok(LimitCheck::Reached {
                counted,
                max,
                newly: false,
            });
        }
        let mut marked = link.clone();
        marked.scan_limit_reached = true;
        marked.version = link.version.saturating_add(1);
        marked.updated_at = now_ms;
        let job = publish::job(&marked, PublishOp::Put, now_ms);
        match store
            .update_link(&marked, link.version, std::slice::from_ref(&job))
            .await
        {
            Ok(()) => {
                // Stored with its publish job: if the edge is down now, the
                // outbox delivers it later.
                publishing.attempt(&job, now_ms).await?;
                return Ok(LimitCheck::Reached {
                    counted,
                    max,
                    newly: true,
                });
            }
            Err(StoreError::VersionConflict { .. }) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(StoreError::Unavailable(format!(
        "link {link_id} kept changing while its scan limit was checked"
    )))
}
