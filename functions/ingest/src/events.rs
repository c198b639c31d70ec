//! The body of a batch and each event in it: parsed as a `ScanEvent`
//! (unknown fields refused), checked with `ScanEvent::validate`, and
//! re-serialised, so only the schema's own JSON reaches the queue.
//!
//! A rejected event is described by the field at fault and a reason
//! ("timestamp_ms: is in the future", "ip: unknown field"), never by its
//! content.

use scanly_shared::DomainError;
use scanly_shared::event::ScanEvent;
use serde::Deserialize;
use serde_json::Value;

use crate::error::IngestError;

/// Events in one batch, at most (the edge sends ≤ 100).
pub const MAX_EVENTS: usize = 1_000;

/// The body: exactly `{"events":[…]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    events: Vec<Value>,
}

/// The events of a body, each still raw: malformed JSON or another shape
/// is a 400, too many events a 413.
pub fn parse_batch(body: &[u8]) -> Result<Vec<Value>, IngestError> {
    let batch: Batch = serde_json::from_slice(body).map_err(|error| {
        if error.is_syntax() || error.is_eof() {
            IngestError::bad_request("the body is not valid JSON")
        } else {
            IngestError::bad_request("the body must be {\"events\":[…]}")
        }
    })?;
    if batch.events.len() > MAX_EVENTS {
        return Err(IngestError::payload_too_large(format!(
            "a batch holds at most {MAX_EVENTS} events, not {}",
            batch.events.len()
        )));
    }
    Ok(batch.events)
}

/// Why one event was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The field at fault, or `event` for the event as a whole.
    pub field: String,
    pub reason: String,
}

impl Rejection {
    fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// `<field>: <reason>`, the message of the answer's per-event error.
    pub fn message(&self) -> String {
        format!("{}: {}", self.field, self.reason)
    }
}

/// The event's canonical JSON if it is a valid `ScanEvent` at `now_ms`.
pub fn check_event(raw: Value, now_ms: i64) -> Result<String, Rejection> {
    let event: ScanEvent = serde_path_to_error::deserialize(raw).map_err(|error| {
        let path = error.path().to_string();
        parse_rejection(&path, &error.into_inner().to_string())
    })?;
    event.validate(now_ms).map_err(|error| match error {
        DomainError::Invalid { field, message } => Rejection::new(field, message),
        other => Rejection::new("event", other.to_string()),
    })?;
    serde_json::to_string(&event).map_err(|error| {
        tracing::error!(%error, "a valid scan event could not be serialised");
        Rejection::new("event", "could not be re-serialised")
    })
}

/// serde's messages, turned into a field and a reason: `unknown field
/// `ip`, expected one of …` → (`ip`, `unknown field`); `missing field
/// `id`` → (`id`, `is required`); a newtype's own `field: reason` keeps
/// its field; anything else names the path it happened at, without the
/// value it quotes (see [`without_value`]).
fn parse_rejection(path: &str, message: &str) -> Rejection {
    let in_ticks = |rest: &str| rest.split('`').next().unwrap_or_default().to_owned();
    let at = |name: String| {
        if path == "." || path == name || path.ends_with(&format!(".{name}")) {
            name
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        return Rejection::new(at(in_ticks(rest)), "unknown field");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return Rejection::new(at(in_ticks(rest)), "is required");
    }
    let field = if path == "." { "event" } else { path };
    let reason = message
        .strip_prefix(&format!("{field}: "))
        .unwrap_or(message);
    Rejection::new(field, without_value(reason))
}

/// The reason without the offending value, which serde and the domain
/// types quote first (`invalid type: string "…", expected a boolean`,
/// `"XX" is not an ISO 3166-1 alpha-2 country code`, `unknown variant
/// `…`, expected one of …`): reasons are logged, and logs never carry an
/// event's content.
fn without_value(reason: &str) -> String {
    let Some(start) = reason.find(['"', '`']) else {
        return reason.to_owned();
    };
    let (before, quoted) = reason.split_at(start);
    let mut chars = quoted.char_indices().skip(1);
    let end = if quoted.starts_with('`') {
        chars.find(|&(_, c)| c == '`').map(|(i, _)| i + 1)
    } else {
        // A Debug-quoted string: skip escaped characters.
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    end = Some(i + 1);
                    break;
                }
                _ => {}
            }
        }
        end
    };
    let after = end.and_then(|end| quoted.get(end..)).unwrap_or_default();
    if before.is_empty() {
        format!("the value{after}")
    } else {
        format!("{}{after}", before.trim_end())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_body_must_be_an_object_of_events() {
        assert_eq!(
            parse_batch(br#"{"events":[]}"#).unwrap(),
            Vec::<Value>::new()
        );
        assert_eq!(parse_batch(br#"{"events":[1,{}]}"#).unwrap().len(), 2);
        for body in [&b"{"[..], b"", b"not json", b"{\"events\":[]} x"] {
            let error = parse_batch(body).unwrap_err();
            assert_eq!((error.status.as_u16(), error.code), (400, "bad_request"));
            assert_eq!(error.message, "the body is not valid JSON");
        }
        for body in [
            &b"[]"[..],
            b"{}",
            b"{\"events\":{}}",
            b"{\"events\":[],\"more\":1}",
            b"null",
        ] {
            let error = parse_batch(body).unwrap_err();
            assert_eq!(error.status.as_u16(), 400);
            assert!(error.message.contains("{\"events\""), "{}", error.message);
        }
        let many = format!("{{\"events\":[{}0]}}", "0,".repeat(MAX_EVENTS));
        let error = parse_batch(many.as_bytes()).unwrap_err();
        assert_eq!(
            (error.status.as_u16(), error.code),
            (413, "payload_too_large")
        );
    }

    #[test]
    fn rejections_name_the_field_and_the_reason() {
        let unknown = "unknown field `ip`, expected one of `schema`, `id`";
        assert_eq!(parse_rejection(".", unknown).message(), "ip: unknown field");
        assert_eq!(
            parse_rejection("ip", unknown).message(),
            "ip: unknown field"
        );
        assert_eq!(
            parse_rejection(".", "missing field `id`").message(),
            "id: is required"
        );
        assert_eq!(
            parse_rejection("visitor_hash", "visitor_hash: must be 32 hex digits").message(),
            "visitor_hash: must be 32 hex digits"
        );
        assert_eq!(
            parse_rejection("timestamp_ms", "invalid type: string \"x\", expected i64").message(),
            "timestamp_ms: invalid type: string, expected i64"
        );
        assert_eq!(
            parse_rejection(".", "invalid type: integer `5`, expected struct ScanEvent").message(),
            "event: invalid type: integer, expected struct ScanEvent"
        );
    }

    #[test]
    fn reasons_never_quote_the_value() {
        let cases = [
            (
                r#"invalid type: string "203.0.113.7", expected a boolean"#,
                "invalid type: string, expected a boolean",
            ),
            (
                r#""X\"Y" is not an ISO 3166-1 alpha-2 country code (e.g. US, DE, JP)"#,
                "the value is not an ISO 3166-1 alpha-2 country code (e.g. US, DE, JP)",
            ),
            (
                "unknown variant `fridge`, expected one of `mobile`, `tablet`",
                "unknown variant, expected one of `mobile`, `tablet`",
            ),
            (r#"the code "admin" is reserved"#, "the code is reserved"),
            ("is in the future", "is in the future"),
            (r#"unterminated "quote"#, "unterminated"),
            ("", ""),
        ];
        for (reason, expected) in cases {
            assert_eq!(without_value(reason), expected, "{reason}");
        }
    }

    #[test]
    fn anything_that_is_not_an_event_is_rejected_without_panicking() {
        for raw in [
            json!(null),
            json!(5),
            json!("x"),
            json!([]),
            json!({}),
            json!({"schema": 1}),
        ] {
            let rejection = check_event(raw, 0).unwrap_err();
            assert!(!rejection.field.is_empty() && !rejection.reason.is_empty());
        }
    }
}
