//! One scan, start to finish, without the runtime: the record's bytes and
//! the request's facts in; the response and (maybe) a scan event out.

use scanly_shared::context::RequestFacts as ScanFacts;
use scanly_shared::event::{EdgeFacts, EventId, ScanEvent, ScanSource, VisitorHash};
use scanly_shared::http_cache::if_none_match;
use scanly_shared::page::{self, StatusPage, Theme};
use scanly_shared::resolve::Route;
use scanly_shared::rules::fnv1a64;
use scanly_shared::{
    Decision, Hostname, LinkRecord, ScanContext, ShortCode, password, resolve, unlock,
};

use crate::config::EdgeConfig;
use crate::http::{EdgeResponse, Method, RequestFacts};

/// The largest password form the edge reads.
pub const MAX_FORM_BYTES: usize = 4096;

/// A scan's answer, and the event to queue after answering (if it counts).
#[derive(Debug)]
pub struct ScanAnswer {
    pub response: EdgeResponse,
    pub event: Option<ScanEvent>,
}

impl From<EdgeResponse> for ScanAnswer {
    fn from(response: EdgeResponse) -> Self {
        Self {
            response,
            event: None,
        }
    }
}

/// Everything one scan needs, gathered by the shell.
#[derive(Debug)]
pub struct Scan<'a> {
    pub config: &'a EdgeConfig,
    pub facts: &'a RequestFacts<'a>,
    pub method: Method,
    pub namespace: &'a Hostname,
    pub code: &'a ShortCode,
    pub query: &'a str,
    pub now_ms: i64,
    /// From a CSPRNG: the event id's random part.
    pub entropy: [u8; 10],
    /// The POSTed password, derived with the record's salt and work factor
    /// (see [`password_parameters`]); the shell uses Web Crypto, which is
    /// native code and ~8× faster than PBKDF2 compiled to WASM.
    pub password_key: Option<[u8; 32]>,
}

impl Scan<'_> {
    /// `record` is what KV holds for the code, if anything. HEAD gets GET's
    /// answer without its body, whichever branch produced it.
    pub fn answer(&self, record: Option<&[u8]>) -> ScanAnswer {
        let answer = self.answer_with_body(record);
        if self.method == Method::Head {
            ScanAnswer {
                response: answer.response.without_body(),
                ..answer
            }
        } else {
            answer
        }
    }

    fn answer_with_body(&self, record: Option<&[u8]>) -> ScanAnswer {
        let Some(bytes) = record else {
            return status_page(StatusPage::NotFound, None).into();
        };
        let record = match LinkRecord::decode(bytes) {
            Ok(record) if &record.code == self.code => record,
            Ok(record) => {
                tracing::error!(code = %self.code, stored = %record.code, "record stored under another code");
                return status_page(StatusPage::NotFound, None).into();
            }
            Err(error) => {
                tracing::error!(code = %self.code, %error, "undecodable record");
                return status_page(StatusPage::NotFound, None).into();
            }
        };
        let theme = record.page.as_ref().map(|page| &page.theme);
        let scope = format!("{}/{}", self.namespace, self.code);
        if self.method == Method::Post {
            return self.submit_password(&record, &scope, theme).into();
        }
        let visitor = VisitorHash::compute(
            self.config.signing_secret(),
            self.now_ms,
            self.facts.connecting_ip,
            self.facts.user_agent,
        );
        let scan = ScanContext::from_request(&ScanFacts {
            now_ms: self.now_ms,
            user_agent: self.facts.user_agent,
            accept_language: self.facts.accept_language,
            query: self.query,
            country: Some(self.country()),
            region: Some(self.facts.cf_region),
            city: Some(self.facts.cf_city),
            timezone: Some(self.facts.cf_timezone),
            visitor,
            unlocked: self.is_unlocked(&record, &scope),
        });
        let (response, route) = match resolve(&record, &scan) {
            Decision::Redirect {
                location,
                status,
                route,
            } => (redirect(location, status), Some(route)),
            Decision::RenderPage { page, route } => match vcard_index(&scan) {
                Some(index) => return contact_card(page, index).into(),
                None => (self.page(&record, page, bytes), Some(route)),
            },
            Decision::Expired => (status_page(StatusPage::Expired, theme), None),
            Decision::PasswordRequired => (
                status_page(
                    StatusPage::PasswordRequired {
                        wrong_password: false,
                    },
                    theme,
                ),
                None,
            ),
            Decision::NotFound => (status_page(StatusPage::NotFound, theme), None),
        };
        let counted = self.method == Method::Get && !scan.is_bot;
        let event = route
            .filter(|_| counted)
            .map(|route| self.event(&record, &scan, route, visitor));
        ScanAnswer { response, event }
    }

    /// `request.cf.country`, or in dev mode the header that stands in for it.
    fn country(&self) -> &str {
        if self.config.dev_mode && !self.facts.dev_country.is_empty() {
            self.facts.dev_country
        } else {
            self.facts.cf_country
        }
    }

    fn is_unlocked(&self, record: &LinkRecord, scope: &str) -> bool {
        let (Some(verifier), Some(token)) = (
            &record.password,
            unlock::from_cookie_header(self.facts.cookie),
        ) else {
            return false;
        };
        unlock::is_valid(
            self.config.signing_secret(),
            scope,
            verifier,
            token,
            self.now_ms / 1000,
        )
    }

    /// The password form: right → back to the link with an unlock cookie;
    /// wrong → the form again, saying so.
    fn submit_password(
        &self,
        record: &LinkRecord,
        scope: &str,
        theme: Option<&Theme>,
    ) -> EdgeResponse {
        let expired =
            record.scan_limit_reached || record.expires_at.is_some_and(|at| self.now_ms >= at);
        if expired {
            return status_page(StatusPage::Expired, theme);
        }
        let Some(verifier) = &record.password else {
            // Nothing to unlock: send the browser back to a plain GET.
            return EdgeResponse::new(303)
                .header("location", self.back_to_link())
                .header("cache-control", "no-store");
        };
        if !self
            .password_key
            .is_some_and(|key| verifier.matches_key(&key))
        {
            let wrong = StatusPage::PasswordRequired {
                wrong_password: true,
            };
            return status_page(wrong, theme);
        }
        let secret = self.config.signing_secret();
        let Some(token) = unlock::issue(secret, scope, verifier, self.now_ms / 1000) else {
            // The password was right but no cookie can be signed: a
            // configuration fault, not the visitor's mistake.
            tracing::error!("no signing secret: cannot issue unlock cookies");
            return crate::site::unavailable();
        };
        let secure = if self.config.dev_mode { "" } else { "; Secure" };
        EdgeResponse::new(302)
            .header("location", self.back_to_link())
            .header("cache-control", "no-store")
            .header(
                "set-cookie",
                format!(
                    "{}={token}; Path=/{}; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
                    unlock::UNLOCK_COOKIE,
                    self.code,
                    unlock::UNLOCK_TTL_SECONDS
                ),
            )
    }

    fn back_to_link(&self) -> String {
        if self.query.is_empty() {
            format!("/{}", self.code)
        } else {
            format!("/{}?{}", self.code, self.query)
        }
    }

    /// A rendered page, or `304` when the visitor already has this version.
    fn page(&self, record: &LinkRecord, page: &page::Page, bytes: &[u8]) -> EdgeResponse {
        let etag = etag(bytes);
        let not_modified = if_none_match(self.facts.if_none_match, &etag);
        let robots = if record.indexable {
            None
        } else {
            Some("noindex")
        };
        let mut response = if not_modified {
            EdgeResponse::new(304)
        } else {
            let rendered = page::render(page);
            EdgeResponse::html(200, rendered.html, rendered.content_security_policy)
        };
        response = response
            .header("etag", etag)
            .header("cache-control", "private, no-cache");
        if let Some(robots) = robots {
            response = response.header("x-robots-tag", robots);
        }
        response
    }

    fn event(
        &self,
        record: &LinkRecord,
        scan: &ScanContext,
        route: Route,
        visitor: VisitorHash,
    ) -> ScanEvent {
        ScanEvent::for_scan(
            record,
            scan,
            route,
            EdgeFacts {
                id: EventId::new(self.now_ms, self.entropy),
                colo: non_empty(self.facts.cf_colo),
                referer: non_empty(self.facts.referer),
                source: ScanSource::from_query(&scan.query),
                visitor,
            },
        )
    }
}

fn non_empty(value: &str) -> Option<&str> {
    Some(value).filter(|v| !v.is_empty())
}

fn redirect(location: String, status: u16) -> EdgeResponse {
    EdgeResponse::new(status)
        .header("location", location)
        .header("cache-control", "private, max-age=0")
        .header("referrer-policy", "strict-origin-when-cross-origin")
        .header("x-robots-tag", "noindex")
}

/// 404, 410 and 401 pages, in the link's theme when it has one.
pub fn status_page(status: StatusPage, theme: Option<&Theme>) -> EdgeResponse {
    let code = match status {
        StatusPage::NotFound => 404,
        StatusPage::Expired => 410,
        StatusPage::PasswordRequired { .. } => 401,
        StatusPage::TooManyAttempts => 429,
    };
    let rendered = page::render_status_page(&status, theme);
    EdgeResponse::html(code, rendered.html, rendered.content_security_policy)
        .header("cache-control", "no-store")
        .header("x-robots-tag", "noindex")
}

/// `?vcard=<block index>`: the page's "Save contact" button.
fn vcard_index(scan: &ScanContext) -> Option<Option<usize>> {
    let (_, value) = scan.query.iter().find(|(key, _)| key == "vcard")?;
    Some(value.parse().ok())
}

fn contact_card(page: &page::Page, index: Option<usize>) -> EdgeResponse {
    match index.and_then(|index| page::vcard(page, index)) {
        Some(card) => EdgeResponse::text(200, "text/vcard; charset=utf-8", card)
            .header(
                "content-disposition",
                "attachment; filename=\"contact.vcf\"",
            )
            .header("cache-control", "private, no-cache")
            .header("x-robots-tag", "noindex"),
        None => status_page(StatusPage::NotFound, Some(&page.theme)),
    }
}

/// A strong validator: the record's bytes and the renderer's version decide
/// the HTML, so equal hashes mean equal pages.
fn etag(record: &[u8]) -> String {
    let renderer = fnv1a64(env!("CARGO_PKG_VERSION").as_bytes());
    format!("\"{:016x}{:08x}\"", fnv1a64(record), renderer as u32)
}

/// The `password` field of an `application/x-www-form-urlencoded` body,
/// if it is worth deriving at all.
pub fn form_password(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(name, _)| name == "password")
        .map(|(_, value)| value.into_owned())
        .filter(|attempt| password::is_plausible_attempt(attempt))
}

/// The salt and work factor a POSTed password must be derived with: the
/// record's, if it has a password.
pub fn password_parameters(record: &[u8]) -> Option<([u8; 16], u32)> {
    let record = LinkRecord::decode(record).ok()?;
    record.password.map(|p| (p.salt, p.iterations))
}
