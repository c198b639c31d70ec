//! The publish outbox: one job per (workspace, host, code) in the
//! workspace's partition; due jobs through `gsi2` on the one partition
//! `OUTBOX`, ordered by `next_attempt_at`. Link writes put their jobs in
//! their own transaction (`job_puts`, used by `links.rs`).

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::{Hostname, ShortCode};

use super::{
    DynamoStore, GSI2, Item, conditional, corrupt, get_s, item, keys, n, names, parse_s, put,
    require_n, s, sdk_error, values,
};
use crate::model::{PublishJob, PublishOp};
use crate::store::{Outbox, StoreError};

/// The stored job is the one that was attempted.
const SAME_JOB: &str = "#version = :version AND #op = :op";

fn job_key(job: &PublishJob) -> keys::Key {
    keys::outbox(&job.workspace_id, &job.host, &job.code)
}

fn op_name(op: PublishOp) -> &'static str {
    match op {
        PublishOp::Put => "put",
        PublishOp::Delete => "delete",
    }
}

fn job_item(job: &PublishJob) -> Item {
    item(
        [
            job_key(job).item(),
            keys::outbox_due(job.next_attempt_at, &job.workspace_id, &job.host, &job.code)
                .index("gsi2"),
        ],
        [
            ("entity", s("outbox")),
            ("workspace_id", s(job.workspace_id.as_str())),
            ("link_id", s(job.link_id.as_str())),
            ("host", s(job.host.as_str())),
            ("code", s(job.code.as_str())),
            ("op", s(op_name(job.op))),
            ("version", n(job.version)),
            ("attempts", n(job.attempts)),
            ("next_attempt_at", n(job.next_attempt_at)),
        ],
    )
}

fn read_job(item: &Item) -> Result<PublishJob, StoreError> {
    let what = "outbox job";
    Ok(PublishJob {
        workspace_id: parse_s(item, "workspace_id", what, WorkspaceId::parse)?,
        link_id: parse_s(item, "link_id", what, LinkId::parse)?,
        host: parse_s(item, "host", what, Hostname::parse)?,
        code: parse_s(item, "code", what, ShortCode::parse)?,
        op: match get_s(item, "op") {
            Some("put") => PublishOp::Put,
            Some("delete") => PublishOp::Delete,
            _ => return Err(corrupt(what)),
        },
        version: require_n(item, "version", what)?,
        attempts: require_n(item, "attempts", what)?,
        next_attempt_at: require_n(item, "next_attempt_at", what)?,
    })
}

impl DynamoStore {
    /// Transaction items storing `jobs` beside a link write: unconditional
    /// Puts, so each supersedes a pending job with its key, as `enqueue`
    /// does. A transaction may touch an item once: of jobs with one key the
    /// last is written (as sequential enqueues would leave it).
    pub(super) fn job_puts(
        &self,
        jobs: &[PublishJob],
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let mut latest: Vec<&PublishJob> = Vec::with_capacity(jobs.len());
        for job in jobs {
            match latest.iter_mut().find(|kept| kept.key() == job.key()) {
                Some(kept) => *kept = job,
                None => latest.push(job),
            }
        }
        latest
            .into_iter()
            .map(|job| put(&self.table, job_item(job), false))
            .collect()
    }
}

fn same_job(job: &PublishJob) -> (HashMap<String, String>, HashMap<String, AttributeValue>) {
    (
        names(["version", "op"]),
        values([(":version", n(job.version)), (":op", s(op_name(job.op)))]),
    )
}

#[async_trait]
impl Outbox for DynamoStore {
    async fn enqueue(&self, job: &PublishJob) -> Result<(), StoreError> {
        self.client()
            .await
            .put_item()
            .table_name(&self.table)
            .set_item(Some(job_item(job)))
            .send()
            .await
            .map_err(|e| sdk_error("PutItem", e))?;
        Ok(())
    }

    async fn due_jobs(&self, now_ms: i64, limit: usize) -> Result<Vec<PublishJob>, StoreError> {
        let mut due = Vec::new();
        if limit == 0 {
            return Ok(due);
        }
        // Every job due at or before `now` sorts before this bound.
        let bound = keys::timestamp(now_ms.saturating_add(1));
        let mut start: Option<Item> = None;
        loop {
            let output = self
                .client()
                .await
                .query()
                .table_name(&self.table)
                .index_name(GSI2)
                .key_condition_expression("#gsi2pk = :outbox AND #gsi2sk < :bound")
                .set_expression_attribute_names(Some(names(["gsi2pk", "gsi2sk"])))
                .set_expression_attribute_values(Some(values([
                    (":outbox", s(keys::OUTBOX_DUE)),
                    (":bound", s(bound.as_str())),
                ])))
                .scan_index_forward(true)
                .limit(self.page_limit(limit - due.len()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| sdk_error("Query", e))?;
            for item in output.items() {
                due.push(read_job(item)?);
                if due.len() >= limit {
                    return Ok(due);
                }
            }
            match output.last_evaluated_key() {
                Some(last) => start = Some(last.clone()),
                None => return Ok(due),
            }
        }
    }

    async fn complete(&self, job: &PublishJob) -> Result<(), StoreError> {
        let (names, values) = same_job(job);
        let result = self
            .client()
            .await
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(job_key(job).item()))
            .condition_expression(SAME_JOB)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        // Superseded (or already gone): a newer job stays.
        conditional(
            "DeleteItem",
            result,
            DeleteItemError::is_conditional_check_failed_exception,
        )?;
        Ok(())
    }

    async fn reschedule(&self, job: &PublishJob) -> Result<(), StoreError> {
        let (names, values) = same_job(job);
        let result = self
            .client()
            .await
            .put_item()
            .table_name(&self.table)
            .set_item(Some(job_item(job)))
            .condition_expression(format!("attribute_not_exists(pk) OR ({SAME_JOB})"))
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        // A newer change superseded the attempted job: it stays.
        conditional(
            "PutItem",
            result,
            PutItemError::is_conditional_check_failed_exception,
        )?;
        Ok(())
    }
}
