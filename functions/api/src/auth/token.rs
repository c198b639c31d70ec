//! Short-lived JWT access tokens (HS256). The API both issues and checks
//! them, so a shared secret is enough; a key id (`kid`) in every header lets
//! the secret rotate: new tokens are signed with the current key while the
//! previous keys still verify until their tokens have expired.
//!
//! The algorithm is pinned: `none`, HS384/HS512 and every asymmetric
//! algorithm are refused before any signature is computed, which closes the
//! classic "alg: none" and RS256-with-the-HMAC-secret confusions. Time checks
//! use the caller's `now_s`, never the system clock, so they are testable
//! and every handler in a request agrees on "now".

use std::collections::HashSet;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{AuthError, random};

/// The only algorithm issued or accepted.
pub const ALGORITHM: Algorithm = Algorithm::HS256;
/// Clock skew tolerated on `exp`, `nbf` and `iat`: Lambda instances' clocks
/// agree to well under this, and it is small next to the token lifetime.
pub const LEEWAY_SECONDS: i64 = 30;
/// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
pub const MIN_SECRET_BYTES: usize = 32;
/// Access tokens cannot be revoked, so their lifetime is their exposure if
/// one leaks; refresh tokens (revocable, in the store) carry the session.
pub const MAX_ACCESS_TTL_SECONDS: i64 = 60 * 60;
const MAX_KID_CHARS: usize = 64;
/// Longer than any token this module issues by a wide margin; anything
/// bigger is refused before it is base64-decoded and parsed.
const MAX_TOKEN_BYTES: usize = 4096;

/// One HS256 secret and the id that names it in token headers. The secret
/// lives only in `jsonwebtoken`'s key types, which zero it on drop, and
/// never appears in Debug output.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    secret_len: usize,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field(
                "secret",
                &format_args!("<{} bytes redacted>", self.secret_len),
            )
            .finish()
    }
}

impl SigningKey {
    /// `kid`: 1–64 characters of `[A-Za-z0-9._-]` (it is public, in every
    /// token header). `secret`: at least [`MIN_SECRET_BYTES`] bytes from a
    /// CSPRNG, e.g. the decoded bytes of a configured base64 secret.
    pub fn new(kid: impl Into<String>, secret: Vec<u8>) -> Result<Self, AuthError> {
        let kid = kid.into();
        if kid.is_empty()
            || kid.len() > MAX_KID_CHARS
            || !kid
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            return Err(AuthError::Config(
                "a JWT key id must be 1-64 characters of [A-Za-z0-9._-]",
            ));
        }
        if secret.len() < MIN_SECRET_BYTES {
            return Err(AuthError::Config("a JWT secret must be at least 32 bytes"));
        }
        Ok(Self {
            kid,
            secret_len: secret.len(),
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }
}

/// The claims of an access token. `sub` is the user id; authorization
/// (workspace, role) is looked up per request, not baked into the token, so
/// a removed member loses access at once rather than at expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// Random per token, so two tokens issued in the same second differ and
    /// a token can be named in logs without logging the token.
    pub jti: String,
}

/// Everything needed to issue and verify access tokens: who we are
/// (`iss`), who the tokens are for (`aud`), their lifetime, the current
/// signing key and the keys it replaced (still accepted until dropped from
/// the list). Only [`JwtKeys::new`] builds one, so every instance is valid.
#[derive(Debug, Clone)]
pub struct JwtKeys {
    issuer: String,
    audience: String,
    access_ttl_seconds: i64,
    signing: SigningKey,
    previous: Vec<SigningKey>,
    validation: Validation,
}

impl JwtKeys {
    /// Checks the configuration once, at start-up: non-empty issuer and
    /// audience, a lifetime of 1 s to [`MAX_ACCESS_TTL_SECONDS`], and key
    /// ids that are unique (a duplicate would make verification ambiguous).
    pub fn new(
        issuer: impl Into<String>,
        audience: impl Into<String>,
        access_ttl_seconds: i64,
        signing: SigningKey,
        previous: Vec<SigningKey>,
    ) -> Result<Self, AuthError> {
        let issuer = issuer.into();
        let audience = audience.into();
        if issuer.is_empty() || audience.is_empty() {
            return Err(AuthError::Config("the JWT issuer and audience must be set"));
        }
        if !(1..=MAX_ACCESS_TTL_SECONDS).contains(&access_ttl_seconds) {
            return Err(AuthError::Config(
                "the access token lifetime must be 1 to 3600 seconds",
            ));
        }
        let mut kids = HashSet::new();
        if !core::iter::once(&signing)
            .chain(&previous)
            .all(|key| kids.insert(key.kid.as_str()))
        {
            return Err(AuthError::Config("JWT key ids must be unique"));
        }

        // The library re-checks algorithm, issuer, audience and the presence
        // of the registered claims; its clock checks are switched off (they
        // would read the system clock) and done in `verify` against `now_s`.
        let mut validation = Validation::new(ALGORITHM);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.set_issuer(&[&issuer]);
        validation.set_audience(&[&audience]);

        Ok(Self {
            issuer,
            audience,
            access_ttl_seconds,
            signing,
            previous,
            validation,
        })
    }

    /// The same configuration with `new_signing` as the current key and the
    /// old current key kept, first, among the previous ones.
    pub fn rotated(self, new_signing: SigningKey) -> Result<Self, AuthError> {
        let mut previous = self.previous;
        previous.insert(0, self.signing);
        Self::new(
            self.issuer,
            self.audience,
            self.access_ttl_seconds,
            new_signing,
            previous,
        )
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    pub fn access_ttl_seconds(&self) -> i64 {
        self.access_ttl_seconds
    }

    pub fn current_kid(&self) -> &str {
        &self.signing.kid
    }

    /// A signed access token for `subject` (the user id) and its lifetime in
    /// seconds, the `expires_in` of the token response.
    pub fn issue(&self, subject: &str, now_s: i64) -> Result<(String, i64), AuthError> {
        if subject.is_empty() {
            return Err(AuthError::Internal("an access token needs a subject"));
        }
        let exp = now_s
            .checked_add(self.access_ttl_seconds)
            .ok_or(AuthError::Internal("the token expiry overflows"))?;
        let claims = AccessClaims {
            sub: subject.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now_s,
            nbf: now_s,
            exp,
            jti: base64_url(&random::bytes::<16>()?),
        };
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(self.signing.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.signing.encoding)
            .map_err(|_| AuthError::Internal("could not sign the access token"))?;
        Ok((token, self.access_ttl_seconds))
    }

    /// The claims of a genuine, current token meant for us. Every failure is
    /// [`AuthError::InvalidToken`] except a correctly signed token past its
    /// `exp` (plus leeway), which is [`AuthError::ExpiredToken`] so the
    /// client knows to refresh.
    pub fn verify(&self, token: &str, now_s: i64) -> Result<AccessClaims, AuthError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::InvalidToken);
        }
        // The header is read before the signature is checked, only to pick
        // the key; `alg` is pinned here and again by the library.
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::InvalidToken)?;
        if header.alg != ALGORITHM {
            return Err(AuthError::InvalidToken);
        }
        let kid = header.kid.as_deref().ok_or(AuthError::InvalidToken)?;
        let key = self.key_for(kid).ok_or(AuthError::InvalidToken)?;
        let claims = jsonwebtoken::decode::<AccessClaims>(token, &key.decoding, &self.validation)
            .map_err(|_| AuthError::InvalidToken)?
            .claims;

        // Checked again by hand: exact matches, whatever the library does
        // with arrays or sets.
        if claims.iss != self.issuer || claims.aud != self.audience || claims.sub.is_empty() {
            return Err(AuthError::InvalidToken);
        }
        let latest_start = now_s.saturating_add(LEEWAY_SECONDS);
        if claims.nbf > latest_start || claims.iat > latest_start {
            return Err(AuthError::InvalidToken);
        }
        if claims.exp.saturating_add(LEEWAY_SECONDS) <= now_s {
            return Err(AuthError::ExpiredToken);
        }
        Ok(claims)
    }

    fn key_for(&self, kid: &str) -> Option<&SigningKey> {
        core::iter::once(&self.signing)
            .chain(&self.previous)
            .find(|key| key.kid == kid)
    }
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;
    use sha2::Sha256;

    const NOW: i64 = 1_790_000_000;
    const SECRET: &[u8] = b"k1-secret-0123456789abcdef-0123456789";
    const ISS: &str = "https://api.scanly.test";
    const AUD: &str = "scanly-api";

    fn key(kid: &str, secret: &[u8]) -> SigningKey {
        SigningKey::new(kid, secret.to_vec()).unwrap()
    }

    fn keys() -> JwtKeys {
        JwtKeys::new(ISS, AUD, 900, key("k1", SECRET), vec![]).unwrap()
    }

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn hs256(secret: &[u8], message: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(message.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    fn payload() -> String {
        format!(
            r#"{{"sub":"user-1","iss":"{ISS}","aud":"{AUD}","iat":{NOW},"nbf":{NOW},"exp":{},"jti":"j"}}"#,
            NOW + 900
        )
    }

    /// A token assembled by hand: any header, any payload, HMAC-SHA256 with
    /// `secret` (or no signature at all).
    fn craft(header: &str, payload: &str, secret: Option<&[u8]>) -> String {
        let message = format!("{}.{}", b64(header), b64(payload));
        let signature = secret.map(|s| hs256(s, &message)).unwrap_or_default();
        format!("{message}.{signature}")
    }

    fn claims_at(now: i64) -> AccessClaims {
        AccessClaims {
            sub: "user-1".into(),
            iss: ISS.into(),
            aud: AUD.into(),
            iat: now,
            nbf: now,
            exp: now + 900,
            jti: "j".into(),
        }
    }

    fn sign_with(
        claims: &AccessClaims,
        kid: Option<&str>,
        alg: Algorithm,
        secret: &[u8],
    ) -> String {
        let mut header = Header::new(alg);
        header.kid = kid.map(str::to_owned);
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).unwrap()
    }

    #[test]
    fn an_issued_token_verifies() {
        let keys = keys();
        let (token, expires_in) = keys.issue("user-1", NOW).unwrap();
        assert_eq!(expires_in, 900);
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::HS256);
        assert_eq!(header.kid.as_deref(), Some("k1"));
        let claims = keys.verify(&token, NOW + 1).unwrap();
        assert_eq!(claims.sub, "user-1");
        assert_eq!(claims.iss, ISS);
        assert_eq!(claims.aud, AUD);
        assert_eq!((claims.iat, claims.nbf, claims.exp), (NOW, NOW, NOW + 900));
        assert_eq!(claims.jti.len(), 22);
    }

    #[test]
    fn the_hand_crafted_reference_token_verifies() {
        // Guards the helpers the negative tests below rely on.
        let token = craft(
            r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
            &payload(),
            Some(SECRET),
        );
        assert_eq!(keys().verify(&token, NOW).unwrap().sub, "user-1");
    }

    #[test]
    fn each_token_has_its_own_jti() {
        let keys = keys();
        let a = keys.verify(&keys.issue("u", NOW).unwrap().0, NOW).unwrap();
        let b = keys.verify(&keys.issue("u", NOW).unwrap().0, NOW).unwrap();
        assert_ne!(a.jti, b.jti);
    }

    #[test]
    fn a_tampered_payload_is_rejected() {
        let (token, _) = keys().issue("user-1", NOW).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let json = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        let forged = b64(&json.replace("user-1", "user-2"));
        let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
        assert_eq!(keys().verify(&tampered, NOW), Err(AuthError::InvalidToken));
    }

    #[test]
    fn a_tampered_signature_is_rejected() {
        let (token, _) = keys().issue("user-1", NOW).unwrap();
        let (message, signature) = token.rsplit_once('.').unwrap();
        let first = if signature.starts_with('A') { 'B' } else { 'A' };
        let tampered = format!("{message}.{first}{}", &signature[1..]);
        assert_eq!(keys().verify(&tampered, NOW), Err(AuthError::InvalidToken));
        let truncated = format!("{message}.{}", &signature[..signature.len() - 2]);
        assert_eq!(keys().verify(&truncated, NOW), Err(AuthError::InvalidToken));
        assert_eq!(
            keys().verify(&format!("{message}."), NOW),
            Err(AuthError::InvalidToken)
        );
        assert_eq!(keys().verify(message, NOW), Err(AuthError::InvalidToken));
    }

    #[test]
    fn alg_none_is_rejected() {
        for header in [
            r#"{"alg":"none","typ":"JWT","kid":"k1"}"#,
            r#"{"alg":"None","typ":"JWT","kid":"k1"}"#,
            r#"{"alg":"","typ":"JWT","kid":"k1"}"#,
        ] {
            let unsigned = craft(header, &payload(), None);
            assert!(unsigned.ends_with('.'));
            assert_eq!(keys().verify(&unsigned, NOW), Err(AuthError::InvalidToken));
            // Even with a valid HS256 MAC over the message.
            let signed = craft(header, &payload(), Some(SECRET));
            assert_eq!(keys().verify(&signed, NOW), Err(AuthError::InvalidToken));
        }
    }

    #[test]
    fn other_algorithms_with_the_right_secret_are_rejected() {
        for alg in [Algorithm::HS384, Algorithm::HS512] {
            let token = sign_with(&claims_at(NOW), Some("k1"), alg, SECRET);
            assert_eq!(
                keys().verify(&token, NOW),
                Err(AuthError::InvalidToken),
                "{alg:?}"
            );
        }
        // Key confusion: an asymmetric alg "signed" with the HMAC secret.
        for alg in ["RS256", "ES256", "PS256", "EdDSA"] {
            let header = format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"k1"}}"#);
            let token = craft(&header, &payload(), Some(SECRET));
            assert_eq!(
                keys().verify(&token, NOW),
                Err(AuthError::InvalidToken),
                "{alg}"
            );
        }
    }

    #[test]
    fn unknown_or_missing_kid_is_rejected() {
        let claims = claims_at(NOW);
        let unknown = sign_with(&claims, Some("k9"), Algorithm::HS256, SECRET);
        assert_eq!(keys().verify(&unknown, NOW), Err(AuthError::InvalidToken));
        let missing = sign_with(&claims, None, Algorithm::HS256, SECRET);
        assert_eq!(keys().verify(&missing, NOW), Err(AuthError::InvalidToken));
        let wrong_secret = sign_with(&claims, Some("k1"), Algorithm::HS256, &[7; 32]);
        assert_eq!(
            keys().verify(&wrong_secret, NOW),
            Err(AuthError::InvalidToken)
        );
    }

    #[test]
    fn wrong_audience_or_issuer_is_rejected() {
        let mut claims = claims_at(NOW);
        claims.aud = "another-api".into();
        let token = sign_with(&claims, Some("k1"), Algorithm::HS256, SECRET);
        assert_eq!(keys().verify(&token, NOW), Err(AuthError::InvalidToken));

        let mut claims = claims_at(NOW);
        claims.iss = "https://evil.test".into();
        let token = sign_with(&claims, Some("k1"), Algorithm::HS256, SECRET);
        assert_eq!(keys().verify(&token, NOW), Err(AuthError::InvalidToken));

        // An audience array containing ours is not an exact match.
        let payload = payload().replace(
            &format!(r#""aud":"{AUD}""#),
            &format!(r#""aud":["{AUD}","x"]"#),
        );
        let token = craft(r#"{"alg":"HS256","kid":"k1"}"#, &payload, Some(SECRET));
        assert_eq!(keys().verify(&token, NOW), Err(AuthError::InvalidToken));
    }

    #[test]
    fn missing_claims_are_rejected() {
        for claim in ["sub", "iss", "aud", "iat", "nbf", "exp", "jti"] {
            let mut json: serde_json::Value = serde_json::from_str(&payload()).unwrap();
            json.as_object_mut().unwrap().remove(claim);
            let token = craft(
                r#"{"alg":"HS256","kid":"k1"}"#,
                &json.to_string(),
                Some(SECRET),
            );
            assert_eq!(
                keys().verify(&token, NOW),
                Err(AuthError::InvalidToken),
                "{claim}"
            );
        }
    }

    #[test]
    fn expiry_is_checked_against_the_given_clock() {
        let keys = keys();
        let (token, _) = keys.issue("user-1", NOW).unwrap();
        let exp = NOW + 900;
        assert!(keys.verify(&token, exp - 1).is_ok());
        assert!(keys.verify(&token, exp + LEEWAY_SECONDS - 1).is_ok());
        assert_eq!(
            keys.verify(&token, exp + LEEWAY_SECONDS),
            Err(AuthError::ExpiredToken)
        );
        assert_eq!(
            keys.verify(&token, NOW + 86_400),
            Err(AuthError::ExpiredToken)
        );
    }

    #[test]
    fn an_expired_forgery_is_invalid_not_expired() {
        let token = sign_with(
            &claims_at(NOW - 10_000),
            Some("k1"),
            Algorithm::HS256,
            &[9; 32],
        );
        assert_eq!(keys().verify(&token, NOW), Err(AuthError::InvalidToken));
    }

    #[test]
    fn not_yet_valid_tokens_are_rejected() {
        let keys = keys();
        let (token, _) = keys.issue("user-1", NOW).unwrap();
        assert!(keys.verify(&token, NOW - LEEWAY_SECONDS).is_ok());
        assert_eq!(
            keys.verify(&token, NOW - LEEWAY_SECONDS - 1),
            Err(AuthError::InvalidToken)
        );

        // nbf in the future while iat is now.
        let mut claims = claims_at(NOW);
        claims.nbf = NOW + 600;
        let token = sign_with(&claims, Some("k1"), Algorithm::HS256, SECRET);
        assert_eq!(keys.verify(&token, NOW), Err(AuthError::InvalidToken));
        assert!(keys.verify(&token, NOW + 600).is_ok());
    }

    #[test]
    fn rotation_keeps_old_tokens_valid_and_signs_with_the_new_key() {
        let k2 = || key("k2", b"k2-secret-abcdefghijklmnopqrstuvwxyz");
        let old = keys();
        let (old_token, _) = old.issue("user-1", NOW).unwrap();
        let rotated = old.rotated(k2()).unwrap();
        assert_eq!(rotated.current_kid(), "k2");
        assert_eq!(rotated.verify(&old_token, NOW).unwrap().sub, "user-1");

        let (new_token, _) = rotated.issue("user-1", NOW).unwrap();
        let header = jsonwebtoken::decode_header(&new_token).unwrap();
        assert_eq!(header.kid.as_deref(), Some("k2"));
        assert!(rotated.verify(&new_token, NOW).is_ok());
        // A server that has not rotated yet does not know k2.
        assert_eq!(keys().verify(&new_token, NOW), Err(AuthError::InvalidToken));

        // Dropping k1 from the previous keys retires its tokens.
        let retired = JwtKeys::new(ISS, AUD, 900, k2(), vec![]).unwrap();
        assert_eq!(
            retired.verify(&old_token, NOW),
            Err(AuthError::InvalidToken)
        );
        // Rotating to a kid already in use is a configuration error.
        assert!(matches!(
            keys().rotated(key("k1", &[3; 32])),
            Err(AuthError::Config(_))
        ));
    }

    #[test]
    fn a_kid_does_not_select_another_keys_secret() {
        // Signed with k1's secret but claiming to be k2: checked with k2's.
        let rotated = keys().rotated(key("k2", &[5; 40])).unwrap();
        let token = sign_with(&claims_at(NOW), Some("k2"), Algorithm::HS256, SECRET);
        assert_eq!(rotated.verify(&token, NOW), Err(AuthError::InvalidToken));
    }

    #[test]
    fn signing_keys_are_validated() {
        for (kid, len) in [("k1", 31), ("", 32), ("k 1", 32), ("k/1", 32)] {
            assert!(
                matches!(
                    SigningKey::new(kid, vec![0; len]),
                    Err(AuthError::Config(_))
                ),
                "{kid} {len}"
            );
        }
        assert!(matches!(
            SigningKey::new("k".repeat(65), vec![0; 32]),
            Err(AuthError::Config(_))
        ));
        assert_eq!(
            SigningKey::new("2025-01.a_b", vec![0; 32]).unwrap().kid(),
            "2025-01.a_b"
        );
    }

    #[test]
    fn the_configuration_is_validated() {
        let k = || key("k1", SECRET);
        for bad in [
            JwtKeys::new("", AUD, 900, k(), vec![]),
            JwtKeys::new(ISS, "", 900, k(), vec![]),
            JwtKeys::new(ISS, AUD, 0, k(), vec![]),
            JwtKeys::new(ISS, AUD, 3601, k(), vec![]),
            JwtKeys::new(ISS, AUD, 900, k(), vec![k()]),
        ] {
            assert!(matches!(bad, Err(AuthError::Config(_))), "{bad:?}");
        }
        let keys = JwtKeys::new(ISS, AUD, 900, k(), vec![]).unwrap();
        assert_eq!(
            (keys.issuer(), keys.audience(), keys.access_ttl_seconds()),
            (ISS, AUD, 900)
        );
        assert!(matches!(keys.issue("", NOW), Err(AuthError::Internal(_))));
        assert!(matches!(
            keys.issue("u", i64::MAX),
            Err(AuthError::Internal(_))
        ));
    }

    #[test]
    fn debug_output_hides_secrets() {
        let debug = format!("{:?}", keys());
        assert!(debug.contains("k1"));
        assert!(debug.contains("<37 bytes redacted>"), "{debug}");
        assert!(!debug.contains("0123456789abcdef"), "{debug}");
        assert!(!debug.contains("107, 49"), "{debug}");
    }

    proptest! {
        #[test]
        fn random_strings_never_verify(token in "\\PC{0,300}", now: i64) {
            prop_assert!(keys().verify(&token, now).is_err());
        }

        #[test]
        fn random_jwt_shaped_strings_never_verify(
            header in "[A-Za-z0-9_-]{0,60}",
            payload in "[A-Za-z0-9_-]{0,120}",
            signature in "[A-Za-z0-9_-]{0,60}",
        ) {
            let token = format!("{header}.{payload}.{signature}");
            prop_assert!(keys().verify(&token, NOW).is_err());
        }

        #[test]
        fn random_claims_with_a_random_signature_never_verify(sub in "[a-z0-9-]{1,20}", sig: [u8; 32]) {
            let mut claims = claims_at(NOW);
            claims.sub = sub;
            let json = serde_json::to_string(&claims).unwrap();
            let token = format!(
                "{}.{}.{}",
                b64(r#"{"alg":"HS256","kid":"k1"}"#),
                b64(&json),
                URL_SAFE_NO_PAD.encode(sig)
            );
            prop_assert_eq!(keys().verify(&token, NOW), Err(AuthError::InvalidToken));
        }

        #[test]
        fn issue_then_verify_round_trips(sub in "[a-z0-9-]{1,40}", now in 0i64..4_000_000_000, age in 0i64..900) {
            let keys = keys();
            let (token, _) = keys.issue(&sub, now).unwrap();
            prop_assert_eq!(keys.verify(&token, now + age).unwrap().sub, sub);
        }
    }
}
