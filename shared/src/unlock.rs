//! The cookie that remembers a visitor typed a link's password, so a reload
//! or a second scan is not asked again. It is an HMAC over the link's scope
//! and its password salt: changing the password (a new salt) or the edge's
//! secret invalidates every cookie at once, and a cookie for one link opens
//! no other.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::password::PasswordVerifier;

pub const UNLOCK_COOKIE: &str = "scanly_unlock";
/// Long enough for a visit, short enough that a shared phone forgets.
pub const UNLOCK_TTL_SECONDS: i64 = 60 * 60;
const MAC_BYTES: usize = 16;

fn mac(
    secret: &[u8],
    scope: &str,
    verifier: &PasswordVerifier,
    expires: i64,
) -> Option<[u8; MAC_BYTES]> {
    if secret.is_empty() {
        return None;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(b"scanly-unlock-v1\n");
    mac.update(scope.as_bytes());
    mac.update(b"\n");
    mac.update(&verifier.salt);
    mac.update(&expires.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = [0u8; MAC_BYTES];
    for (o, d) in out.iter_mut().zip(digest.iter()) {
        *o = *d;
    }
    Some(out)
}

/// The cookie value for `scope` (the link's `host/code`), valid until
/// `now + UNLOCK_TTL_SECONDS`: `<expiry>.<hex mac>`. `None` without a secret.
pub fn issue(
    secret: &[u8],
    scope: &str,
    verifier: &PasswordVerifier,
    now_s: i64,
) -> Option<String> {
    let expires = now_s.saturating_add(UNLOCK_TTL_SECONDS);
    let mac = mac(secret, scope, verifier, expires)?;
    Some(format!("{expires}.{}", hex::encode(mac)))
}

/// Whether a cookie value opens `scope` now. Garbage is simply "no".
pub fn is_valid(
    secret: &[u8],
    scope: &str,
    verifier: &PasswordVerifier,
    token: &str,
    now_s: i64,
) -> bool {
    let Some((expires, tag)) = token.split_once('.') else {
        return false;
    };
    let Ok(expires) = expires.parse::<i64>() else {
        return false;
    };
    if expires <= now_s || expires > now_s.saturating_add(UNLOCK_TTL_SECONDS) {
        return false;
    }
    let (Ok(given), Some(expected)) = (hex::decode(tag), mac(secret, scope, verifier, expires))
    else {
        return false;
    };
    crate::password::constant_time_eq(&given, &expected)
}

/// The value of the cookie named [`UNLOCK_COOKIE`] in a `Cookie` header, if any.
pub fn from_cookie_header(header: &str) -> Option<&str> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name.trim() == UNLOCK_COOKIE).then(|| value.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::password::LinkPassword;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"edge-secret-for-tests-0123456789";
    const NOW: i64 = 1_795_176_000;

    fn verifier(salt: u8) -> PasswordVerifier {
        let password = LinkPassword::parse("opensesame").unwrap();
        PasswordVerifier::new(&password, [salt; 16], 10)
    }

    #[test]
    fn an_issued_cookie_opens_its_link_until_it_expires() {
        let token = issue(SECRET, "scan.ly/menu", &verifier(1), NOW).unwrap();
        assert!(is_valid(SECRET, "scan.ly/menu", &verifier(1), &token, NOW));
        assert!(is_valid(
            SECRET,
            "scan.ly/menu",
            &verifier(1),
            &token,
            NOW + UNLOCK_TTL_SECONDS - 1
        ));
        assert!(!is_valid(
            SECRET,
            "scan.ly/menu",
            &verifier(1),
            &token,
            NOW + UNLOCK_TTL_SECONDS
        ));
    }

    #[test]
    fn a_cookie_opens_no_other_link_password_or_secret() {
        let token = issue(SECRET, "scan.ly/menu", &verifier(1), NOW).unwrap();
        assert!(!is_valid(
            SECRET,
            "scan.ly/menu2",
            &verifier(1),
            &token,
            NOW
        ));
        assert!(!is_valid(
            SECRET,
            "go.shop.example/menu",
            &verifier(1),
            &token,
            NOW
        ));
        assert!(
            !is_valid(SECRET, "scan.ly/menu", &verifier(2), &token, NOW),
            "password changed"
        );
        assert!(!is_valid(
            b"another-secret",
            "scan.ly/menu",
            &verifier(1),
            &token,
            NOW
        ));
        assert_eq!(issue(b"", "scan.ly/menu", &verifier(1), NOW), None);
    }

    #[test]
    fn a_forged_expiry_is_refused() {
        let token = issue(SECRET, "scan.ly/menu", &verifier(1), NOW).unwrap();
        let (_, tag) = token.split_once('.').unwrap();
        let later = format!("{}.{tag}", NOW + UNLOCK_TTL_SECONDS + 5);
        assert!(!is_valid(
            SECRET,
            "scan.ly/menu",
            &verifier(1),
            &later,
            NOW + 10
        ));
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        assert_eq!(
            from_cookie_header("a=1; scanly_unlock=123.abc ; b=2"),
            Some("123.abc")
        );
        assert_eq!(from_cookie_header("scanly_unlockx=1"), None);
        assert_eq!(from_cookie_header(""), None);
    }

    proptest! {
        #[test]
        fn garbage_cookies_never_open(token in "\\PC{0,80}") {
            prop_assert!(!is_valid(SECRET, "scan.ly/menu", &verifier(1), &token, NOW));
        }
    }
}
