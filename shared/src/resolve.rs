//! The decision engine: one record plus one scan in, one answer out. Pure,
//! so every branch is tested here rather than through a Worker.

use crate::context::ScanContext;
use crate::page::Page;
use crate::record::{LinkKind, LinkRecord};
use crate::rules::{self, Variant};
use crate::utm::apply_utm;

/// Which part of the link produced the answer (reported in scan events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Default,
    /// The index of the first rule that matched.
    Rule(usize),
    /// The index of the A/B variant the visitor was assigned.
    Variant(usize),
}

impl Route {
    /// The analytics key of an A/B variant ("a", "b", …), if one was used.
    pub fn variant_key(self) -> Option<String> {
        match self {
            Self::Variant(index) => Some(Variant::key(index)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision<'r> {
    /// Send the visitor to `location` (UTM already merged).
    Redirect {
        location: String,
        status: u16,
        route: Route,
    },
    /// Render the link's page.
    RenderPage { page: &'r Page, route: Route },
    /// Past `expires_at`, or the scan limit was reached: 410.
    Expired,
    /// Ask for the link's password: 401 with a form.
    PasswordRequired,
    /// Nothing to serve (a record without the part its kind needs): 404.
    NotFound,
}

/// Order matters: an expired link says so even to someone who knows the
/// password; the password guards rules and variants too, so their
/// destinations never leak; then the first matching rule wins; then the
/// A/B split (redirect links); then the default.
pub fn resolve<'r>(record: &'r LinkRecord, scan: &ScanContext) -> Decision<'r> {
    if record.scan_limit_reached || record.expires_at.is_some_and(|at| scan.now_ms >= at) {
        return Decision::Expired;
    }
    if record.password.is_some() && !scan.unlocked {
        return Decision::PasswordRequired;
    }
    let redirect = |destination: &str, route| Decision::Redirect {
        location: apply_utm(destination, &record.utm),
        status: record.redirect_status.code(),
        route,
    };
    if let Some((index, rule)) = record
        .rules
        .iter()
        .enumerate()
        .find(|(_, rule)| rule.when.matches(scan))
    {
        return redirect(rule.destination.as_str(), Route::Rule(index));
    }
    match record.kind {
        LinkKind::Page => match &record.page {
            Some(page) => Decision::RenderPage {
                page,
                route: Route::Default,
            },
            None => Decision::NotFound,
        },
        LinkKind::Redirect => {
            // The salt hashes the link id: only worth it when there is a split.
            if !record.variants.is_empty()
                && let Some(index) =
                    rules::pick_variant(&record.variants, record.split_salt(), scan.seed)
                && let Some(variant) = record.variants.get(index)
            {
                return redirect(variant.destination.as_str(), Route::Variant(index));
            }
            match &record.destination {
                Some(destination) => redirect(destination.as_str(), Route::Default),
                None => Decision::NotFound,
            }
        }
    }
}
