//! Themed pages the edge shows instead of a destination: unknown code (404),
//! expired link (410) and the password prompt. English copy for now (i18n is
//! future work), `lang="en"` to match.

use super::render::{Head, RenderedPage, document};
use super::style::Features;
use super::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusPage {
    /// No such code (404).
    NotFound,
    /// The link's expiry date or scan limit has passed (410).
    Expired,
    /// The link is protected; `wrong_password` after a failed attempt.
    PasswordRequired { wrong_password: bool },
    /// Too many password attempts from this visitor: wait, then try again (429).
    TooManyAttempts,
}

impl StatusPage {
    fn copy(self) -> (&'static str, &'static str) {
        match self {
            StatusPage::NotFound => (
                "This link doesn't exist",
                "Check that the address is complete, or ask whoever shared it for a new link.",
            ),
            StatusPage::Expired => (
                "This link has expired",
                "It is no longer active. If you still need it, ask whoever shared it for an updated link.",
            ),
            StatusPage::PasswordRequired { .. } => (
                "This page is password protected",
                "Enter the password you were given to continue.",
            ),
            StatusPage::TooManyAttempts => (
                "Too many attempts",
                "Please wait a minute before trying the password again.",
            ),
        }
    }
}

/// Renders a status page in the owner's theme (or the default one). The
/// password form posts to the same URL (no `action` attribute: an empty
/// `action=""` is non-conforming HTML and means the same to browsers), which
/// the CSP's `form-action 'self'` allows.
pub fn render_status_page(status: &StatusPage, theme: Option<&Theme>) -> RenderedPage {
    let theme = theme.copied().unwrap_or_default();
    let (title, message) = status.copy();
    let mut body = String::with_capacity(1024);
    body.push_str("<header><h1>");
    body.push_str(title);
    body.push_str("</h1><p class=\"lead\">");
    body.push_str(message);
    body.push_str("</p></header>\n");
    let mut features = Features {
        status: true,
        header: true,
        lead: true,
        ..Features::default()
    };
    if let StatusPage::PasswordRequired { wrong_password } = *status {
        features.form = true;
        features.buttons = true;
        body.push_str("<form method=\"post\"><label for=\"password\">Password</label><input id=\"password\" type=\"password\" name=\"password\" autocomplete=\"current-password\" required");
        if wrong_password {
            body.push_str(" aria-invalid=\"true\" aria-describedby=\"password-error\"");
        }
        body.push('>');
        if wrong_password {
            body.push_str("<p class=\"err\" id=\"password-error\" role=\"alert\">");
            body.push_str("That password isn't right. Please try again.</p>");
        }
        body.push_str("<button class=\"btn\" type=\"submit\">Continue</button></form>\n");
    }
    document(
        &Head {
            title,
            description: None,
            lang: "en",
            open_graph: false,
            image: None,
        },
        &theme,
        features,
        Some("st"),
        &body,
    )
}
