//! Which endpoint a request is for. A handful of fixed paths, the publish
//! channel, and everything else is `/{code}`: a match on the path beats a
//! general router on the hot path.

use scanly_shared::ShortCode;
use scanly_shared::publish::RECORDS_PATH;

use crate::http::Method;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint<'a> {
    Health,
    Robots,
    Favicon,
    /// `PUT|DELETE /_scanly/records/{host}/{code}`; `tail` is `{host}/{code}`.
    PublishOne {
        tail: &'a str,
    },
    /// `POST /_scanly/records`.
    PublishBatch,
    Scan {
        code: ShortCode,
    },
    /// An internal path that does not exist: a JSON 404.
    UnknownInternal,
    /// Not a code at all: the 404 page.
    NotACode,
    MethodNotAllowed {
        allow: &'static str,
    },
}

const INTERNAL_PREFIX: &str = "/_scanly/";

pub fn endpoint(method: Method, path: &str) -> Endpoint<'_> {
    let read_only = matches!(method, Method::Get | Method::Head);
    let fixed = match path {
        "/healthz" => Some(Endpoint::Health),
        "/robots.txt" => Some(Endpoint::Robots),
        "/favicon.ico" => Some(Endpoint::Favicon),
        _ => None,
    };
    if let Some(fixed) = fixed {
        return if read_only {
            fixed
        } else {
            Endpoint::MethodNotAllowed { allow: "GET, HEAD" }
        };
    }
    if path == RECORDS_PATH {
        return if method == Method::Post {
            Endpoint::PublishBatch
        } else {
            Endpoint::MethodNotAllowed { allow: "POST" }
        };
    }
    if let Some(tail) = path
        .strip_prefix(RECORDS_PATH)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        return if matches!(method, Method::Put | Method::Delete) {
            Endpoint::PublishOne { tail }
        } else {
            Endpoint::MethodNotAllowed {
                allow: "PUT, DELETE",
            }
        };
    }
    if path.starts_with(INTERNAL_PREFIX) {
        return Endpoint::UnknownInternal;
    }
    // `/{code}`, tolerating the trailing slash some QR apps and chat apps add.
    let candidate = path.strip_prefix('/').unwrap_or(path);
    let candidate = candidate.strip_suffix('/').unwrap_or(candidate);
    match ShortCode::parse(candidate) {
        Ok(code) if read_only || method == Method::Post => Endpoint::Scan { code },
        Ok(_) => Endpoint::MethodNotAllowed {
            allow: "GET, HEAD, POST",
        },
        Err(_) => Endpoint::NotACode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scan(code: &str) -> Endpoint<'static> {
        Endpoint::Scan {
            code: ShortCode::parse(code).unwrap(),
        }
    }

    #[test]
    fn fixed_paths_codes_and_the_publish_channel() {
        assert_eq!(endpoint(Method::Get, "/healthz"), Endpoint::Health);
        assert_eq!(endpoint(Method::Head, "/robots.txt"), Endpoint::Robots);
        assert_eq!(endpoint(Method::Get, "/favicon.ico"), Endpoint::Favicon);
        assert_eq!(endpoint(Method::Get, "/Menu-1"), scan("Menu-1"));
        assert_eq!(endpoint(Method::Get, "/Menu-1/"), scan("Menu-1"));
        assert_eq!(endpoint(Method::Post, "/Menu-1"), scan("Menu-1"));
        assert_eq!(
            endpoint(Method::Put, "/_scanly/records/h.example/abc"),
            Endpoint::PublishOne {
                tail: "h.example/abc"
            }
        );
        assert_eq!(
            endpoint(Method::Delete, "/_scanly/records/h.example/abc"),
            Endpoint::PublishOne {
                tail: "h.example/abc"
            }
        );
        assert_eq!(
            endpoint(Method::Post, "/_scanly/records"),
            Endpoint::PublishBatch
        );
    }

    #[test]
    fn everything_else_is_refused_precisely() {
        assert_eq!(
            endpoint(Method::Get, "/_scanly/records/h/abc"),
            Endpoint::MethodNotAllowed {
                allow: "PUT, DELETE"
            }
        );
        assert_eq!(
            endpoint(Method::Get, "/_scanly/records"),
            Endpoint::MethodNotAllowed { allow: "POST" }
        );
        assert_eq!(
            endpoint(Method::Get, "/_scanly/other"),
            Endpoint::UnknownInternal
        );
        assert_eq!(
            endpoint(Method::Delete, "/Menu-1"),
            Endpoint::MethodNotAllowed {
                allow: "GET, HEAD, POST"
            }
        );
        assert_eq!(
            endpoint(Method::Post, "/healthz"),
            Endpoint::MethodNotAllowed { allow: "GET, HEAD" }
        );
        for path in [
            "/",
            "/a",
            "/%00abc",
            "/..",
            "/a/b",
            "/abc%2Fdef",
            "/api",
            "//",
        ] {
            assert_eq!(endpoint(Method::Get, path), Endpoint::NotACode, "{path}");
        }
        assert_eq!(
            endpoint(Method::Get, &format!("/{}", "a".repeat(10_000))),
            Endpoint::NotACode
        );
    }

    proptest! {
        #[test]
        fn any_path_has_an_endpoint(path in "\\PC{0,200}") {
            let _ = endpoint(Method::Get, &path);
        }
    }
}
