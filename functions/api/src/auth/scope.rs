//! What an API key may do. A closed enum rather than free strings, so a
//! typo in a route's required scope is a compile error and an unknown scope
//! in a request is a 422 naming it, never a key that silently can do less
//! (or more) than its owner thinks.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "links:read")]
    LinksRead,
    #[serde(rename = "links:write")]
    LinksWrite,
    #[serde(rename = "analytics:read")]
    AnalyticsRead,
    #[serde(rename = "workspaces:admin")]
    WorkspacesAdmin,
}

/// Longest part of an unknown scope echoed back in the error message.
const MAX_ECHO_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error(
        "unknown scope {0:?}; expected links:read, links:write, analytics:read or workspaces:admin"
    )]
    Unknown(String),
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::LinksRead,
        Scope::LinksWrite,
        Scope::AnalyticsRead,
        Scope::WorkspacesAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::LinksRead => "links:read",
            Scope::LinksWrite => "links:write",
            Scope::AnalyticsRead => "analytics:read",
            Scope::WorkspacesAdmin => "workspaces:admin",
        }
    }

    /// Exact, case-sensitive: scopes are identifiers, not prose.
    pub fn parse(input: &str) -> Result<Self, ScopeError> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == input)
            .ok_or_else(|| ScopeError::Unknown(input.chars().take(MAX_ECHO_CHARS).collect()))
    }
}

impl core::fmt::Display for Scope {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for Scope {
    type Err = ScopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A set of scopes, serialized as a sorted JSON array of their names
/// (duplicates collapse). Membership is exact: no scope implies another,
/// so what a key can do is exactly what its list says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Scopes(BTreeSet<Scope>);

impl Scopes {
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn all() -> Self {
        Scope::ALL.into_iter().collect()
    }

    /// Parses scope names, failing on the first unknown one.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, ScopeError> {
        names.into_iter().map(Scope::parse).collect()
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    /// Whether every scope here is also in `other`: a key being created may
    /// only carry scopes its creator holds.
    pub fn is_subset(&self, other: &Scopes) -> bool {
        self.0.is_subset(&other.0)
    }

    pub fn insert(&mut self, scope: Scope) -> bool {
        self.0.insert(scope)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn scopes_parse_and_print_as_their_names() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Ok(scope));
            assert_eq!(scope.to_string(), scope.as_str());
            assert_eq!(
                serde_json::to_string(&scope).unwrap(),
                format!("\"{}\"", scope.as_str())
            );
            assert_eq!(
                serde_json::from_str::<Scope>(&format!("\"{scope}\"")).unwrap(),
                scope
            );
        }
        assert_eq!("links:write".parse::<Scope>(), Ok(Scope::LinksWrite));
    }

    #[test]
    fn unknown_scopes_are_errors() {
        for bad in ["", "links", "Links:read", "links:read ", "links:*", "admin"] {
            assert_eq!(Scope::parse(bad), Err(ScopeError::Unknown(bad.into())));
        }
        assert!(serde_json::from_str::<Scope>("\"links:delete\"").is_err());
        let long = "x".repeat(1_000);
        let ScopeError::Unknown(echo) = Scope::parse(&long).unwrap_err();
        assert_eq!(echo.len(), MAX_ECHO_CHARS);
    }

    #[test]
    fn sets_dedupe_sort_and_check_membership() {
        let scopes = Scopes::parse(["links:write", "links:read", "links:write"]).unwrap();
        assert_eq!(scopes.len(), 2);
        assert!(scopes.contains(Scope::LinksRead));
        assert!(!scopes.contains(Scope::AnalyticsRead));
        assert_eq!(
            serde_json::to_string(&scopes).unwrap(),
            r#"["links:read","links:write"]"#
        );
        let back: Scopes =
            serde_json::from_str(r#"["links:write","links:read","links:read"]"#).unwrap();
        assert_eq!(back, scopes);
        assert!(serde_json::from_str::<Scopes>(r#"["links:read","nope"]"#).is_err());
        assert_eq!(
            Scopes::parse(["links:read", "nope"]),
            Err(ScopeError::Unknown("nope".into()))
        );
        assert!(scopes.is_subset(&Scopes::all()));
        assert!(!Scopes::all().is_subset(&scopes));
        assert!(Scopes::empty().is_empty());
        // No implication: write does not grant read.
        assert!(
            !Scopes::parse(["links:write"])
                .unwrap()
                .contains(Scope::LinksRead)
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(s in "\\PC{0,30}") {
            match Scope::parse(&s) {
                Ok(scope) => prop_assert_eq!(scope.as_str(), s.as_str()),
                Err(ScopeError::Unknown(echo)) => prop_assert!(s.starts_with(&echo)),
            }
        }

        #[test]
        fn sets_round_trip_through_json(picks in proptest::collection::vec(0usize..4, 0..8)) {
            let scopes: Scopes = picks.iter().filter_map(|&i| Scope::ALL.get(i).copied()).collect();
            let json = serde_json::to_string(&scopes).unwrap();
            prop_assert_eq!(serde_json::from_str::<Scopes>(&json).unwrap(), scopes);
        }
    }
}
