//! Builders shared by the integration tests: intent-revealing names for the
//! records and scans the tests talk about.
#![allow(dead_code, clippy::unwrap_used)]

use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::page::Page;
use scanly_shared::rules::{Conditions, Rule, Variant};
use scanly_shared::{Destination, LinkRecord, ScanContext, ShortCode};

/// 2026-11-20T12:00:00Z, a Friday.
pub const FRIDAY_NOON_UTC_MS: i64 = 1_795_176_000_000;

pub fn url(s: &str) -> Destination {
    Destination::parse(s).unwrap()
}

pub fn redirect_to(destination: &str) -> LinkRecord {
    LinkRecord::redirect(
        LinkId::parse("lnk_test").unwrap(),
        WorkspaceId::parse("ws_test").unwrap(),
        ShortCode::parse("menu").unwrap(),
        url(destination),
    )
}

pub fn page_titled(title: &str) -> LinkRecord {
    let page = Page::from_json(&format!(
        r#"{{"title":"{title}","blocks":[{{"type":"heading","text":"Hello"}}]}}"#
    ))
    .unwrap();
    LinkRecord::page(
        LinkId::parse("lnk_page").unwrap(),
        WorkspaceId::parse("ws_test").unwrap(),
        ShortCode::parse("hello").unwrap(),
        page,
    )
}

pub fn rule(when: Conditions, destination: &str) -> Rule {
    Rule {
        when,
        destination: url(destination),
    }
}

pub fn when_json(json: &str) -> Conditions {
    serde_json::from_str(json).unwrap()
}

pub fn variant(destination: &str, weight: u32) -> Variant {
    Variant {
        destination: url(destination),
        weight,
    }
}

pub fn scan() -> ScanContext {
    ScanContext::at(FRIDAY_NOON_UTC_MS)
}
