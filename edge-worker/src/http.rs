//! Plain request and response values: what the shell copies out of the
//! runtime and back in. Everything between is ordinary Rust, tested natively.

/// The request methods the edge distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Other,
}

impl Method {
    pub fn parse(method: &str) -> Self {
        match method {
            "GET" => Self::Get,
            "HEAD" => Self::Head,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "DELETE" => Self::Delete,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
            Self::Other => "OTHER",
        }
    }
}

/// What the edge reads off a request, copied out of the runtime in one go
/// (see `shell/edge.js`). Absent headers and `cf` fields are empty strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestFacts<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub user_agent: &'a str,
    pub accept_language: &'a str,
    pub referer: &'a str,
    pub cookie: &'a str,
    pub if_none_match: &'a str,
    pub connecting_ip: &'a str,
    pub dev_country: &'a str,
    pub timestamp: &'a str,
    pub signature: &'a str,
    pub content_length: &'a str,
    pub cf_country: &'a str,
    pub cf_region: &'a str,
    pub cf_city: &'a str,
    pub cf_timezone: &'a str,
    pub cf_colo: &'a str,
}

/// The order `shell/edge.js` writes the fields in; keep the two in step.
pub const FACT_COUNT: usize = 17;

impl<'a> RequestFacts<'a> {
    /// Splits the NUL-separated blob the shell produces. Header values and
    /// URLs cannot contain NUL (the fetch spec forbids it), so a wrong field
    /// count means a bug, answered with `None` rather than a misread.
    pub fn from_blob(blob: &'a str) -> Option<Self> {
        let mut parts = blob.split('\0');
        let mut next = || parts.next();
        let facts = Self {
            method: next()?,
            url: next()?,
            user_agent: next()?,
            accept_language: next()?,
            referer: next()?,
            cookie: next()?,
            if_none_match: next()?,
            connecting_ip: next()?,
            dev_country: next()?,
            timestamp: next()?,
            signature: next()?,
            content_length: next()?,
            cf_country: next()?,
            cf_region: next()?,
            cf_city: next()?,
            cf_timezone: next()?,
            cf_colo: next()?,
        };
        next().is_none().then_some(facts)
    }

    /// The URL split into host, path and query (without `?`); the runtime
    /// hands over absolute, already-normalised URLs.
    pub fn url_parts(&self) -> Option<UrlParts<'a>> {
        UrlParts::parse(self.url)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a str,
}

impl<'a> UrlParts<'a> {
    pub fn parse(url: &'a str) -> Option<Self> {
        let (_, rest) = url.split_once("://")?;
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at_checked(authority_end)?;
        let host = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
        Some(Self {
            host,
            path: if path.is_empty() { "/" } else { path },
            query,
        })
    }

    /// What a signature covers: the path, and the query when there is one.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.to_owned()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

/// A response body the shell hands to the runtime as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeResponse {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Headers every HTML answer carries: no sniffing, no framing, no referrer
/// leaks beyond the origin.
const HTML_SECURITY_HEADERS: [(&str, &str); 3] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
];

impl EdgeResponse {
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::with_capacity(8),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// An HTML document with its Content-Security-Policy.
    pub fn html(status: u16, html: String, content_security_policy: String) -> Self {
        let mut response = Self::new(status)
            .header("content-type", "text/html; charset=utf-8")
            .header("content-security-policy", content_security_policy);
        for (name, value) in HTML_SECURITY_HEADERS {
            response = response.header(name, value);
        }
        response.body(html)
    }

    pub fn text(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status)
            .header("content-type", content_type)
            .header("x-content-type-options", "nosniff")
            .body(body)
    }

    /// The error shape every Scanly API shares: `{"error":{"code","message"}}`.
    pub fn json_error(status: u16, code: &str, message: &str) -> Self {
        let body = serde_json::json!({ "error": { "code": code, "message": message } });
        Self::text(status, "application/json", body.to_string()).header("cache-control", "no-store")
    }

    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::text(status, "application/json", body.to_string()).header("cache-control", "no-store")
    }

    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// HEAD answers carry GET's headers without the body.
    pub fn without_body(mut self) -> Self {
        self.body.clear();
        self
    }

    /// `name\0value\0…`: the form `shell/edge.js` turns into `Headers` in
    /// one call instead of one JS↔WASM crossing per header.
    pub fn header_blob(&self) -> String {
        let mut blob = String::with_capacity(
            self.headers
                .iter()
                .map(|(n, v)| n.len() + v.len() + 2)
                .sum(),
        );
        for (name, value) in &self.headers {
            if !blob.is_empty() {
                blob.push('\0');
            }
            blob.push_str(name);
            blob.push('\0');
            // A header value never holds NUL; dropping one keeps pairs aligned.
            blob.extend(value.chars().filter(|&c| c != '\0'));
        }
        blob
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fact_blob_is_read_field_by_field() {
        let fields: Vec<String> = (0..FACT_COUNT).map(|i| format!("f{i}")).collect();
        let blob = fields.join("\0");
        let facts = RequestFacts::from_blob(&blob).unwrap();
        assert_eq!(
            (facts.method, facts.url, facts.cf_colo),
            ("f0", "f1", "f16")
        );
        assert_eq!(RequestFacts::from_blob(&fields[1..].join("\0")), None);
        assert_eq!(RequestFacts::from_blob(&format!("{blob}\0extra")), None);
    }

    #[test]
    fn urls_split_into_host_path_and_query() {
        let parts = UrlParts::parse("https://Scan.Example:8443/menu?qr=1&x=%20#frag").unwrap();
        assert_eq!(
            (parts.host, parts.path, parts.query),
            ("Scan.Example:8443", "/menu", "qr=1&x=%20")
        );
        let bare = UrlParts::parse("http://localhost").unwrap();
        assert_eq!((bare.host, bare.path, bare.query), ("localhost", "/", ""));
        let query_only = UrlParts::parse("http://h?x").unwrap();
        assert_eq!((query_only.path, query_only.query), ("/", "x"));
        assert_eq!(query_only.path_and_query(), "/?x");
        assert_eq!(bare.path_and_query(), "/");
        assert_eq!(UrlParts::parse("no scheme"), None);
    }

    #[test]
    fn header_blobs_alternate_names_and_values() {
        let response = EdgeResponse::new(302)
            .header("location", "https://e.example/")
            .header("x-a", "1\u{0}2");
        assert_eq!(
            response.header_blob(),
            "location\0https://e.example/\0x-a\u{0}12"
        );
        assert_eq!(EdgeResponse::new(204).header_blob(), "");
    }

    #[test]
    fn errors_have_the_shared_json_shape() {
        let response = EdgeResponse::json_error(401, "unauthorized", "bad \"signature\"");
        let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
        assert_eq!(body["error"]["message"], "bad \"signature\"");
        assert_eq!(
            response.header_value("Content-Type"),
            Some("application/json")
        );
    }
}
