//! The edge record: everything the Worker needs to answer a scan from one
//! KV read. Written by the control plane, read on every scan.
//!
//! Wire format: one version byte, then `postcard` (compact, varint-encoded,
//! non-self-describing). Field order is the schema, so any change to
//! [`LinkRecord`] bumps [`RECORD_FORMAT_VERSION`] and keeps a decoder for
//! the previous one until every record has been republished.

use serde::{Deserialize, Serialize};

use crate::ids::{LinkId, WorkspaceId};
use crate::page::Page;
use crate::password::{self, PasswordVerifier};
use crate::rules::{self, Rule, Variant};
use crate::utm::Utm;
use crate::{Destination, DomainError, ShortCode};

pub const RECORD_FORMAT_VERSION: u8 = 1;
/// Workers KV values may be up to 25 MiB, but a scan must stay cheap: a
/// record above this is refused when it is built, not discovered at the edge.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    Redirect,
    Page,
}

/// 302 is the default: a dynamic code must follow edits, and browsers cache
/// 301/308 for good.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub enum RedirectStatus {
    MovedPermanently,
    #[default]
    Found,
    TemporaryRedirect,
    PermanentRedirect,
}

impl RedirectStatus {
    pub fn code(self) -> u16 {
        match self {
            Self::MovedPermanently => 301,
            Self::Found => 302,
            Self::TemporaryRedirect => 307,
            Self::PermanentRedirect => 308,
        }
    }
}

impl TryFrom<u16> for RedirectStatus {
    type Error = DomainError;
    fn try_from(code: u16) -> Result<Self, Self::Error> {
        match code {
            301 => Ok(Self::MovedPermanently),
            302 => Ok(Self::Found),
            307 => Ok(Self::TemporaryRedirect),
            308 => Ok(Self::PermanentRedirect),
            _ => Err(DomainError::invalid(
                "redirect_status",
                "must be 301, 302, 307 or 308",
            )),
        }
    }
}

impl From<RedirectStatus> for u16 {
    fn from(status: RedirectStatus) -> Self {
        status.code()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkRecord {
    pub link_id: LinkId,
    pub workspace_id: WorkspaceId,
    pub code: ShortCode,
    /// Bumped on every edit; the edge's ETag and the publish channel's
    /// last-writer-wins check use it.
    pub version: u64,
    pub kind: LinkKind,
    /// Required for redirects; for pages, where rules may still send some
    /// visitors elsewhere, it is unused.
    pub destination: Option<Destination>,
    pub redirect_status: RedirectStatus,
    pub utm: Utm,
    pub rules: Vec<Rule>,
    pub variants: Vec<Variant>,
    /// Unix milliseconds; from then on the link answers 410.
    pub expires_at: Option<i64>,
    pub max_scans: Option<u64>,
    /// Set by the control plane once the counted scans reach `max_scans`.
    pub scan_limit_reached: bool,
    pub password: Option<PasswordVerifier>,
    /// Embedded as JSON text: the page model is internally tagged, which a
    /// non-self-describing format cannot decode. Unlike the URLs above, the
    /// page is re-validated on decode (validation is part of its parsing):
    /// a stricter page rule therefore needs a format version bump.
    #[serde(with = "page_as_json")]
    pub page: Option<Page>,
    /// May search engines index the page? (Redirects are never indexable.)
    pub indexable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("the record is empty")]
    Empty,
    #[error("record format version {0} is not supported by this build")]
    UnsupportedVersion(u8),
    #[error("the record is corrupt: {0}")]
    Corrupt(String),
}

impl LinkRecord {
    /// A plain redirect with every optional feature off.
    pub fn redirect(
        link_id: LinkId,
        workspace_id: WorkspaceId,
        code: ShortCode,
        destination: Destination,
    ) -> Self {
        Self {
            destination: Some(destination),
            ..Self::bare(link_id, workspace_id, code, LinkKind::Redirect)
        }
    }

    /// A microsite page, indexable by default (owners publish pages to be found).
    pub fn page(link_id: LinkId, workspace_id: WorkspaceId, code: ShortCode, page: Page) -> Self {
        Self {
            page: Some(page),
            indexable: true,
            ..Self::bare(link_id, workspace_id, code, LinkKind::Page)
        }
    }

    fn bare(link_id: LinkId, workspace_id: WorkspaceId, code: ShortCode, kind: LinkKind) -> Self {
        Self {
            link_id,
            workspace_id,
            code,
            version: 1,
            kind,
            destination: None,
            redirect_status: RedirectStatus::Found,
            utm: Utm::default(),
            rules: Vec::new(),
            variants: Vec::new(),
            expires_at: None,
            max_scans: None,
            scan_limit_reached: false,
            password: None,
            page: None,
            indexable: false,
        }
    }

    /// Consistency of the whole record, beyond what each field's type checks.
    pub fn validate(&self) -> Result<(), DomainError> {
        match self.kind {
            LinkKind::Redirect if self.destination.is_none() => {
                return Err(DomainError::invalid(
                    "destination",
                    "a redirect link needs a destination",
                ));
            }
            LinkKind::Page if self.page.is_none() => {
                return Err(DomainError::invalid("page", "a page link needs a page"));
            }
            LinkKind::Page if !self.variants.is_empty() => {
                return Err(DomainError::invalid(
                    "variants",
                    "A/B variants apply to redirect links only",
                ));
            }
            _ => {}
        }
        if self.max_scans == Some(0) {
            return Err(DomainError::invalid("max_scans", "must be at least 1"));
        }
        let work = self.password.as_ref().map(|p| p.iterations);
        if work.is_some_and(|n| !(1..=password::MAX_ITERATIONS).contains(&n)) {
            return Err(DomainError::invalid(
                "password",
                format!("iterations must be 1 to {}", password::MAX_ITERATIONS),
            ));
        }
        rules::validate(&self.rules, &self.variants)?;
        let size = self.encode().len();
        if size > MAX_RECORD_BYTES {
            return Err(DomainError::invalid(
                "link",
                format!(
                    "the link is too large to publish ({size} bytes, at most {MAX_RECORD_BYTES})"
                ),
            ));
        }
        Ok(())
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![RECORD_FORMAT_VERSION];
        // Serialising our own plain structs into a Vec cannot fail; an empty
        // body would be caught by `decode` as corrupt rather than served.
        if let Ok(body) = postcard::to_allocvec(self) {
            out.extend_from_slice(&body);
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, RecordError> {
        let (version, body) = bytes.split_first().ok_or(RecordError::Empty)?;
        match *version {
            RECORD_FORMAT_VERSION => {
                postcard::from_bytes(body).map_err(|e| RecordError::Corrupt(e.to_string()))
            }
            other => Err(RecordError::UnsupportedVersion(other)),
        }
    }

    /// A salt that makes each link's A/B split independent of the others.
    pub fn split_salt(&self) -> u64 {
        rules::fnv1a64(self.link_id.as_str().as_bytes())
    }
}

mod page_as_json {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::page::Page;

    pub fn serialize<S: Serializer>(page: &Option<Page>, serializer: S) -> Result<S::Ok, S::Error> {
        match page {
            Some(page) => serializer.serialize_some(&page.to_json()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Page>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|json| Page::from_json(&json).map_err(serde::de::Error::custom))
            .transpose()
    }
}
