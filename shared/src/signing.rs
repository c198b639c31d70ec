//! HMAC-SHA256 signatures on every edge ⇄ control-plane call (publishing
//! records, shipping scan batches). Both sides compile this one file, so
//! they cannot disagree on the canonical form.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub const TIMESTAMP_HEADER: &str = "x-scanly-timestamp";
pub const SIGNATURE_HEADER: &str = "x-scanly-signature";
/// A request older or newer than this is refused, which bounds how long a
/// captured request could be replayed (the receiver also remembers the
/// signatures it saw inside the window).
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 300;
const VERSION_PREFIX: &str = "v1=";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is missing or malformed")]
    Malformed,
    #[error("the request timestamp is outside the allowed window")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
    #[error("no signing secret is configured")]
    NoSecret,
}

/// The exact bytes that are signed: method, path (with query), timestamp and
/// the body's SHA-256, one per line. Hashing the body first keeps the MAC
/// input small and fixed-shape whatever the payload.
fn canonical(method: &str, path: &str, timestamp: i64, body: &[u8]) -> String {
    let body_hash = hex::encode(Sha256::digest(body));
    format!(
        "scanly-v1\n{}\n{path}\n{timestamp}\n{body_hash}",
        method.to_ascii_uppercase()
    )
}

fn mac(secret: &[u8], message: &str) -> Result<Hmac<Sha256>, SignatureError> {
    if secret.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| SignatureError::NoSecret)?;
    mac.update(message.as_bytes());
    Ok(mac)
}

/// The value of the signature header: `v1=<hex>`.
pub fn sign(
    secret: &[u8],
    method: &str,
    path: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, SignatureError> {
    let mac = mac(secret, &canonical(method, path, timestamp, body))?;
    Ok(format!(
        "{VERSION_PREFIX}{}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

/// Checks a signed request against any of the current secrets (several
/// during a rotation). The comparison is constant-time.
pub fn verify(
    secrets: &[&[u8]],
    method: &str,
    path: &str,
    timestamp: i64,
    body: &[u8],
    signature: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let expected = signature
        .trim()
        .strip_prefix(VERSION_PREFIX)
        .and_then(|h| hex::decode(h).ok())
        .filter(|bytes| bytes.len() == 32)
        .ok_or(SignatureError::Malformed)?;
    if now.abs_diff(timestamp) > MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let message = canonical(method, path, timestamp, body);
    let mut any_secret = false;
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        any_secret = true;
        if mac(secret, &message)?.verify_slice(&expected).is_ok() {
            return Ok(());
        }
    }
    if any_secret {
        Err(SignatureError::Mismatch)
    } else {
        Err(SignatureError::NoSecret)
    }
}

/// Parses the timestamp header (Unix seconds).
pub fn parse_timestamp(value: &str) -> Result<i64, SignatureError> {
    value.trim().parse().map_err(|_| SignatureError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"local-dev-secret-0123456789abcdef";
    const NOW: i64 = 1_790_000_000;

    fn signed(body: &[u8]) -> String {
        sign(SECRET, "put", "/_scanly/records/go.test/menu", NOW, body).unwrap()
    }

    #[test]
    fn a_signed_request_verifies() {
        let sig = signed(b"{}");
        assert!(sig.starts_with("v1="));
        assert_eq!(
            verify(
                &[SECRET],
                "PUT",
                "/_scanly/records/go.test/menu",
                NOW,
                b"{}",
                &sig,
                NOW + 10
            ),
            Ok(())
        );
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let sig = signed(b"{}");
        let check =
            |method, path, ts, body: &[u8]| verify(&[SECRET], method, path, ts, body, &sig, NOW);
        assert_eq!(
            check("DELETE", "/_scanly/records/go.test/menu", NOW, b"{}"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check("PUT", "/_scanly/records/go.test/menu2", NOW, b"{}"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check("PUT", "/_scanly/records/go.test/menu", NOW + 1, b"{}"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check("PUT", "/_scanly/records/go.test/menu", NOW, b"{ }"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                &[b"other-secret"],
                "PUT",
                "/_scanly/records/go.test/menu",
                NOW,
                b"{}",
                &sig,
                NOW
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn stale_and_future_requests_are_refused() {
        let sig = signed(b"");
        let at = |now| {
            verify(
                &[SECRET],
                "PUT",
                "/_scanly/records/go.test/menu",
                NOW,
                b"",
                &sig,
                now,
            )
        };
        assert_eq!(at(NOW + 300), Ok(()));
        assert_eq!(at(NOW - 300), Ok(()));
        assert_eq!(at(NOW + 301), Err(SignatureError::Stale));
        assert_eq!(at(NOW - 301), Err(SignatureError::Stale));
    }

    #[test]
    fn rotation_accepts_the_old_and_the_new_secret() {
        let sig = signed(b"x");
        let new: &[u8] = b"new-secret";
        assert_eq!(
            verify(
                &[new, SECRET],
                "PUT",
                "/_scanly/records/go.test/menu",
                NOW,
                b"x",
                &sig,
                NOW
            ),
            Ok(())
        );
    }

    #[test]
    fn malformed_headers_and_missing_secrets_are_errors() {
        let verify_sig = |sig: &str| verify(&[SECRET], "GET", "/", NOW, b"", sig, NOW);
        assert_eq!(verify_sig(""), Err(SignatureError::Malformed));
        assert_eq!(verify_sig("v1=zz"), Err(SignatureError::Malformed));
        assert_eq!(verify_sig("v2=00"), Err(SignatureError::Malformed));
        assert_eq!(
            verify_sig(&format!("v1={}", "0".repeat(62))),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            sign(b"", "GET", "/", NOW, b""),
            Err(SignatureError::NoSecret)
        );
        let sig = signed(b"");
        assert_eq!(
            verify(&[], "GET", "/", NOW, b"", &sig, NOW),
            Err(SignatureError::NoSecret)
        );
        assert_eq!(parse_timestamp(" 123 "), Ok(123));
        assert_eq!(parse_timestamp("soon"), Err(SignatureError::Malformed));
    }

    proptest! {
        #[test]
        fn sign_then_verify_round_trips(method in "[A-Z]{3,6}", path in "/[ -~]{0,60}", body: Vec<u8>, skew in -300i64..=300) {
            let sig = sign(SECRET, &method, &path, NOW, &body).unwrap();
            prop_assert_eq!(verify(&[SECRET], &method, &path, NOW, &body, &sig, NOW + skew), Ok(()));
        }

        #[test]
        fn verify_never_panics(sig in "\\PC{0,80}", ts: i64, now: i64) {
            let _ = verify(&[SECRET], "GET", "/", ts, b"", &sig, now);
        }
    }
}
