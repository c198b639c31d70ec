//! Links, and the code claims that make `host/code` unique.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scanly_shared::ids::{LinkId, WorkspaceId};

use super::{
    DynamoStore, GSI1, Item, MAX_LIST_PAGES, build_error, condition_failed, conditional, corrupt,
    get_n, get_s, item, keys, n, names, put, s, sdk_error, values,
};
use crate::model::{Link, PublishJob};
use crate::store::{LinkPage, LinkQuery, Links, StoreError, check_jobs};

/// Attempts at deleting a link that keeps changing under us.
const DELETE_ATTEMPTS: u32 = 3;
/// A claim may be released if it is this link's (or already gone).
const CLAIM_IS_OURS: &str = "attribute_not_exists(pk) OR #link_id = :link_id";

fn claim_key(link: &Link) -> keys::Key {
    keys::code(&link.host, &link.code)
}

/// The link's top-level attributes beside its key; `None` = absent (removed
/// on update). `published_version` is not among them: only
/// `mark_published` writes it.
fn link_attributes(link: &Link) -> Result<Vec<(&'static str, Option<AttributeValue>)>, StoreError> {
    let doc = serde_json::to_string(link)
        .map_err(|e| StoreError::Unavailable(format!("could not encode a link: {e}")))?;
    let by_age = keys::link_by_age(&link.workspace_id, link.created_at, &link.id);
    let lower = |text: &str| s(text.to_lowercase());
    Ok(vec![
        ("entity", Some(s("link"))),
        ("doc", Some(s(doc))),
        ("version", Some(n(link.version))),
        ("workspace_id", Some(s(link.workspace_id.as_str()))),
        ("link_id", Some(s(link.id.as_str()))),
        ("host", Some(s(link.host.as_str()))),
        ("code", Some(s(link.code.as_str()))),
        ("created_at", Some(n(link.created_at))),
        ("updated_at", Some(n(link.updated_at))),
        (
            "tags",
            Some(AttributeValue::L(
                link.tags.iter().map(|tag| s(tag.as_str())).collect(),
            )),
        ),
        ("search_code", Some(lower(link.code.as_str()))),
        (
            "search_title",
            link.title.as_ref().map(|title| lower(title.as_str())),
        ),
        (
            "search_destination",
            link.destination.as_ref().map(|d| lower(d.as_str())),
        ),
        ("gsi1pk", Some(s(by_age.pk))),
        ("gsi1sk", Some(s(by_age.sk))),
    ])
}

fn new_link_item(link: &Link) -> Result<Item, StoreError> {
    let mut item = keys::link(&link.workspace_id, &link.id).item();
    for (name, value) in link_attributes(link)? {
        if let Some(value) = value {
            item.insert(name.to_owned(), value);
        }
    }
    if let Some(published) = link.published_version {
        item.insert("published_version".to_owned(), n(published));
    }
    Ok(item)
}

fn read_link(item: &Item) -> Result<Link, StoreError> {
    let doc = get_s(item, "doc").ok_or_else(|| corrupt("link"))?;
    let mut link: Link = serde_json::from_str(doc)
        .map_err(|e| StoreError::Unavailable(format!("a stored link item is malformed: {e}")))?;
    // The top-level numbers are the authority over the copies in `doc`.
    link.version = get_n(item, "version").ok_or_else(|| corrupt("link"))?;
    link.published_version = get_n(item, "published_version");
    Ok(link)
}

fn claim_item(link: &Link) -> Item {
    item(
        [claim_key(link).item()],
        [
            ("entity", s("code")),
            ("workspace_id", s(link.workspace_id.as_str())),
            ("link_id", s(link.id.as_str())),
        ],
    )
}

/// Opaque to clients, and the embedded store's format: the position after
/// the last link of a page, never a key.
fn encode_cursor(created_at: i64, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{created_at}|{id}"))
}

/// The start key for `cursor` in `workspace`'s listing; `None` (from the
/// top, like the embedded store) if it does not decode.
fn decode_cursor(cursor: &str, workspace: &WorkspaceId) -> Option<Item> {
    let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (at, id) = text.split_once('|')?;
    let (at, id): (i64, LinkId) = (at.parse().ok()?, LinkId::parse(id).ok()?);
    let mut key = keys::link(workspace, &id).item();
    key.extend(keys::link_by_age(workspace, at, &id).index("gsi1"));
    Some(key)
}

/// The cursor at an index position (a LastEvaluatedKey of the listing).
fn cursor_at(last: &Item) -> Option<String> {
    let (at, id) = get_s(last, "gsi1sk")?.split_once('#')?;
    Some(encode_cursor(at.parse().ok()?, id))
}

impl DynamoStore {
    /// The stored version after a failed version condition: from the old
    /// item the failure returned, else read again; 0 when the link is gone.
    async fn current_version(&self, old: Option<&Item>, link: &Link) -> Result<u64, StoreError> {
        if let Some(version) = old.and_then(|item| get_n(item, "version")) {
            return Ok(version);
        }
        Ok(self
            .get(&keys::link(&link.workspace_id, &link.id))
            .await?
            .and_then(|item| get_n(&item, "version"))
            .unwrap_or(0))
    }

    /// The write of an edited link over `expected_version`.
    fn versioned_update(&self, link: &Link, expected_version: u64) -> Result<Update, StoreError> {
        let mut set = Vec::new();
        let mut remove = Vec::new();
        let mut names = HashMap::from([("#version".to_owned(), "version".to_owned())]);
        let mut values = HashMap::from([(":expected".to_owned(), n(expected_version))]);
        for (name, value) in link_attributes(link)? {
            names.insert(format!("#{name}"), name.to_owned());
            match value {
                Some(value) => {
                    set.push(format!("#{name} = :{name}"));
                    values.insert(format!(":{name}"), value);
                }
                None => remove.push(format!("#{name}")),
            }
        }
        let mut expression = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        Update::builder()
            .table_name(&self.table)
            .set_key(Some(keys::link(&link.workspace_id, &link.id).item()))
            .update_expression(expression)
            .condition_expression("attribute_exists(pk) AND #version = :expected")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(build_error)
    }

    /// Releases `link`'s claim on its code, if it is still the link's.
    fn release_claim(&self, link: &Link) -> Result<TransactWriteItem, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(claim_key(link).item()))
            .condition_expression(CLAIM_IS_OURS)
            .set_expression_attribute_names(Some(names(["link_id"])))
            .set_expression_attribute_values(Some(values([(":link_id", s(link.id.as_str()))])))
            .build()
            .map_err(build_error)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}

#[async_trait]
impl Links for DynamoStore {
    async fn create_link(&self, link: &Link, job: &PublishJob) -> Result<(), StoreError> {
        let jobs = std::slice::from_ref(job);
        check_jobs(link, jobs)?;
        let mut items = vec![
            // 0: the claim decides CodeTaken.
            put(&self.table, claim_item(link), true)?,
            put(&self.table, new_link_item(link)?, true)?,
        ];
        // Then the publish job, in the same transaction.
        items.extend(self.job_puts(jobs)?);
        match self.transact(items).await? {
            None => Ok(()),
            Some(reasons) if condition_failed(&reasons, 0) => Err(StoreError::CodeTaken),
            Some(_) => Err(StoreError::Unavailable(format!(
                "a link with id {} already exists",
                link.id
            ))),
        }
    }

    async fn link(&self, workspace: &WorkspaceId, id: &LinkId) -> Result<Option<Link>, StoreError> {
        self.get(&keys::link(workspace, id))
            .await?
            .map(|item| read_link(&item))
            .transpose()
    }

    async fn links(
        &self,
        workspace: &WorkspaceId,
        query: &LinkQuery,
    ) -> Result<LinkPage, StoreError> {
        if query.limit == 0 {
            return Ok(LinkPage {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        let mut filters = Vec::new();
        let mut names = names(["gsi1pk"]);
        let mut values = values([(":pk", s(keys::workspace_links(workspace)))]);
        if let Some(tag) = &query.tag {
            filters.push("contains(#tags, :tag)");
            names.insert("#tags".into(), "tags".into());
            values.insert(":tag".into(), s(tag.as_str()));
        }
        // Empty text matches everything (as in the embedded store).
        if let Some(text) = query.text.as_deref().filter(|t| !t.is_empty()) {
            filters.push(
                "(contains(#search_code, :q) OR contains(#search_title, :q) \
                 OR contains(#search_destination, :q))",
            );
            for name in ["search_code", "search_title", "search_destination"] {
                names.insert(format!("#{name}"), name.into());
            }
            values.insert(":q".into(), s(text.to_lowercase()));
        }
        // One more than asked tells whether there is a next page.
        let wanted = query.limit.saturating_add(1);
        // A filtered page may match little of what it reads: read full pages.
        let page = self.page_limit(if filters.is_empty() {
            wanted
        } else {
            usize::MAX
        });
        let filter = (!filters.is_empty()).then(|| filters.join(" AND "));

        let mut start = query
            .cursor
            .as_deref()
            .and_then(|cursor| decode_cursor(cursor, workspace));
        let mut found: Vec<Link> = Vec::new();
        let mut stopped_at: Option<Item> = None;
        'pages: for pages_read in 1..=MAX_LIST_PAGES {
            let output = self
                .client()
                .await
                .query()
                .table_name(&self.table)
                .index_name(GSI1)
                .key_condition_expression("#gsi1pk = :pk")
                .set_filter_expression(filter.clone())
                .set_expression_attribute_names(Some(names.clone()))
                .set_expression_attribute_values(Some(values.clone()))
                .scan_index_forward(false)
                .limit(page)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| sdk_error("Query", e))?;
            for item in output.items() {
                found.push(read_link(item)?);
                if found.len() >= wanted {
                    break 'pages;
                }
            }
            match output.last_evaluated_key() {
                None => break,
                // Enough reading for one call: resume from here next time.
                Some(last) if pages_read == MAX_LIST_PAGES => stopped_at = Some(last.clone()),
                Some(last) => start = Some(last.clone()),
            }
        }
        let more = found.len() > query.limit;
        found.truncate(query.limit);
        let next_cursor = if more {
            found
                .last()
                .map(|link| encode_cursor(link.created_at, link.id.as_str()))
        } else {
            stopped_at.as_ref().and_then(cursor_at)
        };
        Ok(LinkPage {
            items: found,
            next_cursor,
        })
    }

    async fn update_link(
        &self,
        link: &Link,
        expected_version: u64,
        jobs: &[PublishJob],
    ) -> Result<(), StoreError> {
        check_jobs(link, jobs)?;
        let Some(stored) = self.link(&link.workspace_id, &link.id).await? else {
            return Err(StoreError::VersionConflict { current: 0 });
        };
        if stored.version != expected_version {
            return Err(StoreError::VersionConflict {
                current: stored.version,
            });
        }
        let moved = claim_key(&stored) != claim_key(link);
        // 0: the version; when the code moved, 1: release the old code and
        // 2: claim the new one; then the publish jobs.
        let mut items = vec![
            TransactWriteItem::builder()
                .update(self.versioned_update(link, expected_version)?)
                .build(),
        ];
        if moved {
            items.push(self.release_claim(&stored)?);
            items.push(put(&self.table, claim_item(link), true)?);
        }
        items.extend(self.job_puts(jobs)?);
        match self.transact(items).await? {
            None => Ok(()),
            Some(reasons) if condition_failed(&reasons, 0) => {
                let old = reasons.first().and_then(|r| r.item());
                let current = self.current_version(old, link).await?;
                Err(StoreError::VersionConflict { current })
            }
            Some(reasons) if moved && condition_failed(&reasons, 2) => Err(StoreError::CodeTaken),
            Some(_) => Err(StoreError::Unavailable(format!(
                "the claim on {}/{} belongs to another link",
                stored.host, stored.code
            ))),
        }
    }

    async fn delete_link(
        &self,
        workspace: &WorkspaceId,
        id: &LinkId,
        job: &PublishJob,
    ) -> Result<Option<Link>, StoreError> {
        for _ in 0..DELETE_ATTEMPTS {
            let Some(stored) = self.link(workspace, id).await? else {
                return Ok(None);
            };
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(keys::link(workspace, id).item()))
                .condition_expression("#version = :version")
                .set_expression_attribute_names(Some(names(["version"])))
                .set_expression_attribute_values(Some(values([(":version", n(stored.version))])))
                .build()
                .map_err(build_error)?;
            let mut items = vec![
                // 0: unchanged since read; 1: release the code.
                TransactWriteItem::builder().delete(delete).build(),
                self.release_claim(&stored)?,
            ];
            // 2: the job, for the code the link holds as deleted.
            items.extend(self.job_puts(std::slice::from_ref(&job.aimed_at(&stored)))?);
            match self.transact(items).await? {
                None => return Ok(Some(stored)),
                // Changed (or deleted) meanwhile: read again.
                Some(reasons) if condition_failed(&reasons, 0) => {}
                Some(_) => {
                    return Err(StoreError::Unavailable(format!(
                        "the claim on {}/{} belongs to another link",
                        stored.host, stored.code
                    )));
                }
            }
        }
        Err(StoreError::Unavailable(format!(
            "link {id} kept changing while it was being deleted"
        )))
    }

    async fn mark_published(
        &self,
        workspace: &WorkspaceId,
        id: &LinkId,
        version: u64,
    ) -> Result<(), StoreError> {
        let result = self
            .client()
            .await
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::link(workspace, id).item()))
            .update_expression("SET #published_version = :version")
            .condition_expression(
                "attribute_exists(pk) AND (attribute_not_exists(#published_version) \
                 OR #published_version < :version)",
            )
            .set_expression_attribute_names(Some(names(["published_version"])))
            .expression_attribute_values(":version", n(version))
            .send()
            .await;
        // Gone, or already at this version or a later one.
        conditional(
            "UpdateItem",
            result,
            UpdateItemError::is_conditional_check_failed_exception,
        )?;
        Ok(())
    }
}
