//! Opaque bearer secrets: refresh tokens (`srt_…`) and API keys
//! (`sk_<id>_<secret>`). The plaintext is shown to the user once; the store
//! keeps only its SHA-256. A plain hash is enough (no salt, no HMAC, no
//! argon2) because each secret carries 256 random bits: nothing can be
//! guessed from the hash, and hashing stays cheap on every request.
//!
//! The prefixes make leaked secrets recognisable (to people and to secret
//! scanners) and let the auth middleware tell an API key from a JWT.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::{AuthError, random};

pub use super::scope::{Scope, ScopeError, Scopes};

pub const REFRESH_TOKEN_PREFIX: &str = "srt_";
pub const API_KEY_PREFIX: &str = "sk_";
/// Random bytes in every secret: 256 bits.
const SECRET_BYTES: usize = 32;
/// Their base64url (no padding) length.
const SECRET_CHARS: usize = 43;
/// The public id of an API key: 8 characters of lowercase base32, 40 random
/// bits. Enough that collisions are rare; the store still inserts ids with a
/// conditional write and retries on the rare clash.
pub const API_KEY_ID_CHARS: usize = 8;
const API_KEY_ID_BYTES: usize = 5;
/// RFC 4648 base32, lowercase: no `_` (the separator) and no look-alike
/// punctuation, so an id is easy to read out of a key list.
const BASE32_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Compares two byte strings in time that depends only on their lengths,
/// not on where they first differ. Lengths are public here (hashes are all
/// 32 bytes), so an early length check leaks nothing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Keeps the optimiser from turning the fold into an early exit.
    core::hint::black_box(diff) == 0
}

/// A freshly generated secret, to be returned to the user exactly once.
/// Debug hides it, and there is no Display and no Serialize: the only ways
/// out are [`PlaintextSecret::expose`] and [`PlaintextSecret::into_string`],
/// where the response body is built, so a stray `{:?}` in a log line cannot
/// leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct PlaintextSecret(String);

impl core::fmt::Debug for PlaintextSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PlaintextSecret(***)")
    }
}

impl PlaintextSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// SHA-256 of a whole secret (prefix included), the only form the store
/// keeps. Serialized and displayed as 64 lowercase hex characters; equality
/// is constant-time.
#[derive(Clone, Copy, Eq)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    pub fn of(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    pub fn from_hex(hex: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex, &mut out).ok()?;
        Some(Self(out))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl PartialEq for TokenHash {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(&self.0, &other.0)
    }
}

/// Written by hand to stay consistent with the hand-written `PartialEq`:
/// equal hashes have equal bytes, so hashing the bytes is sound.
impl core::hash::Hash for TokenHash {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl core::fmt::Debug for TokenHash {
    /// A prefix is enough to tell hashes apart in logs.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let hex = self.to_hex();
        write!(f, "TokenHash({}…)", hex.get(..12).unwrap_or(&hex))
    }
}

impl core::fmt::Display for TokenHash {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for TokenHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for TokenHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let hex = String::deserialize(deserializer)?;
        Self::from_hex(&hex)
            .ok_or_else(|| serde::de::Error::custom("a token hash is 64 hex characters"))
    }
}

fn random_secret() -> Result<String, AuthError> {
    Ok(URL_SAFE_NO_PAD.encode(random::bytes::<SECRET_BYTES>()?))
}

/// Whether `s` is exactly what [`random_secret`] produces: 43 base64url
/// characters that decode canonically to 32 bytes.
fn is_secret_part(s: &str) -> bool {
    s.len() == SECRET_CHARS
        && URL_SAFE_NO_PAD
            .decode(s)
            .is_ok_and(|bytes| bytes.len() == SECRET_BYTES)
}

/// Refresh tokens: `srt_` + 43 base64url characters. Rotation and reuse
/// detection (a family revoked when an old token comes back) are the
/// store's job; this only makes and recognises them.
#[derive(Debug, Clone, Copy)]
pub struct RefreshToken;

impl RefreshToken {
    /// A new token, to return to the client once, and the hash to store.
    pub fn generate() -> Result<(PlaintextSecret, TokenHash), AuthError> {
        let token = format!("{REFRESH_TOKEN_PREFIX}{}", random_secret()?);
        let hash = TokenHash::of(&token);
        Ok((PlaintextSecret(token), hash))
    }

    /// The hash to look up for a presented token, or `None` when it cannot
    /// be one of ours (so junk never reaches the store).
    pub fn parse(token: &str) -> Option<TokenHash> {
        let secret = token.strip_prefix(REFRESH_TOKEN_PREFIX)?;
        is_secret_part(secret).then(|| TokenHash::of(token))
    }
}

/// The public part of an API key: listed, shown in the dashboard, used as
/// the store key. Not a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApiKeyId(String);

impl ApiKeyId {
    pub fn parse(input: &str) -> Option<Self> {
        (input.len() == API_KEY_ID_CHARS && input.bytes().all(|b| BASE32_ALPHABET.contains(&b)))
            .then(|| Self(input.to_owned()))
    }

    fn generate() -> Result<Self, AuthError> {
        let bytes = random::bytes::<API_KEY_ID_BYTES>()?;
        let bits = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let id = (0..API_KEY_ID_CHARS)
            .rev()
            .map(|i| {
                let index = ((bits >> (i * 5)) & 0x1f) as usize;
                char::from(BASE32_ALPHABET.get(index).copied().unwrap_or(b'a'))
            })
            .collect();
        Ok(Self(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Display for ApiKeyId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ApiKeyId {
    type Error = &'static str;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or("an API key id is 8 characters of [a-z2-7]")
    }
}

impl From<ApiKeyId> for String {
    fn from(id: ApiKeyId) -> Self {
        id.0
    }
}

/// What creating an API key yields: the key to show once, its id to list
/// and look up, and the hash to store.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub key: PlaintextSecret,
    pub id: ApiKeyId,
    pub hash: TokenHash,
}

/// API keys: `sk_<id>_<secret>`, e.g. `sk_k3m9x2ab_<43 base64url chars>`.
/// The id comes first and has a fixed length, so the secret may itself
/// contain `_` without making the key ambiguous.
#[derive(Debug, Clone, Copy)]
pub struct ApiKey;

impl ApiKey {
    pub fn generate() -> Result<NewApiKey, AuthError> {
        let id = ApiKeyId::generate()?;
        let key = format!("{API_KEY_PREFIX}{id}_{}", random_secret()?);
        let hash = TokenHash::of(&key);
        Ok(NewApiKey {
            key: PlaintextSecret(key),
            id,
            hash,
        })
    }

    /// The id to look up and the hash to compare (with `==`, which is
    /// constant-time) for a presented key, or `None` when it is not shaped
    /// like one of ours.
    pub fn parse(key: &str) -> Option<(ApiKeyId, TokenHash)> {
        let rest = key.strip_prefix(API_KEY_PREFIX)?;
        let id = ApiKeyId::parse(rest.get(..API_KEY_ID_CHARS)?)?;
        let secret = rest.get(API_KEY_ID_CHARS..)?.strip_prefix('_')?;
        is_secret_part(secret).then(|| (id, TokenHash::of(key)))
    }

    /// Whether a bearer credential should be treated as an API key rather
    /// than a JWT (which always starts with `eyJ`, base64 of `{"`).
    pub fn looks_like(bearer: &str) -> bool {
        bearer.starts_with(API_KEY_PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn refresh_tokens_round_trip() {
        let (token, hash) = RefreshToken::generate().unwrap();
        let token = token.into_string();
        assert!(token.starts_with("srt_"));
        assert_eq!(token.len(), 4 + 43);
        assert_eq!(RefreshToken::parse(&token), Some(hash));
        assert_eq!(hash, TokenHash::of(&token));
        let (other, other_hash) = RefreshToken::generate().unwrap();
        assert_ne!(other.expose(), token);
        assert_ne!(other_hash, hash);
    }

    #[test]
    fn refresh_token_garbage_parses_to_none() {
        let (token, _) = RefreshToken::generate().unwrap();
        let token = token.into_string();
        let secret = &token[4..];
        for bad in [
            String::new(),
            "srt_".into(),
            secret.to_owned(),
            format!("sk_{secret}"),
            format!("srt_{}", &secret[1..]),
            format!("srt_{secret}A"),
            format!("srt_{}!", &secret[1..]),
            format!("srt_{}", "A".repeat(42) + "B"), // non-canonical trailing bits
            format!(" {token}"),
        ] {
            assert_eq!(RefreshToken::parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn api_keys_parse_back_to_their_id_and_hash() {
        for _ in 0..50 {
            let new = ApiKey::generate().unwrap();
            let key = new.key.expose();
            assert!(key.starts_with("sk_"));
            assert_eq!(key.len(), 3 + 8 + 1 + 43);
            assert_eq!(&key[3..11], new.id.as_str());
            assert!(ApiKey::looks_like(key));
            assert_eq!(ApiKey::parse(key), Some((new.id.clone(), new.hash)));
            assert_eq!(new.hash, TokenHash::of(key));
        }
    }

    #[test]
    fn api_key_garbage_parses_to_none() {
        let new = ApiKey::generate().unwrap();
        let key = new.key.expose();
        let secret = &key[12..];
        for bad in [
            String::new(),
            "sk_".into(),
            "sk_abcdefgh".into(),
            "sk_abcdefgh_".into(),
            format!("sk_abcdefg_{secret}"),
            format!("sk_abcdefghi_{secret}"),
            format!("sk_ABCDEFGH_{secret}"),
            format!("sk_abcdefg1_{secret}"), // 1 is not base32
            format!("sk_abcdefgh-{secret}"),
            format!("sk_abcdefgh_{}", &secret[1..]),
            format!("sk_abcdefgh_{secret}x"),
            format!("srt_{secret}"),
            format!("sk_é{}", &key[5..]),
            "eyJhbGciOiJIUzI1NiJ9.e30.x".into(),
        ] {
            assert_eq!(ApiKey::parse(&bad), None, "{bad}");
        }
        assert!(!ApiKey::looks_like("eyJhbGciOiJIUzI1NiJ9.e30.x"));
    }

    #[test]
    fn a_guessed_secret_for_a_real_id_hashes_differently() {
        let new = ApiKey::generate().unwrap();
        let guess = format!("sk_{}_{}", new.id, "A".repeat(43));
        let (id, hash) = ApiKey::parse(&guess).unwrap();
        assert_eq!(id, new.id);
        assert_ne!(hash, new.hash);
    }

    #[test]
    fn hashes_serialize_as_hex() {
        let hash = TokenHash::of("srt_x");
        let json = serde_json::to_string(&hash).unwrap();
        assert_eq!(json, format!("\"{}\"", hash.to_hex()));
        assert_eq!(hash.to_hex().len(), 64);
        assert_eq!(serde_json::from_str::<TokenHash>(&json).unwrap(), hash);
        assert!(serde_json::from_str::<TokenHash>("\"abc\"").is_err());
        assert_eq!(TokenHash::from_hex(&hash.to_string()), Some(hash));
        // SHA-256("abc"), FIPS 180-2.
        assert_eq!(
            TokenHash::of("abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn ids_serialize_as_strings_and_are_validated() {
        let id = ApiKeyId::parse("abcd2345").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"abcd2345\"");
        assert_eq!(
            serde_json::from_str::<ApiKeyId>("\"abcd2345\"").unwrap(),
            id
        );
        assert!(serde_json::from_str::<ApiKeyId>("\"abcd234\"").is_err());
        assert!(serde_json::from_str::<ApiKeyId>("\"abcd2341\"").is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let new = ApiKey::generate().unwrap();
        let debug = format!("{new:?}");
        assert!(debug.contains("PlaintextSecret(***)"), "{debug}");
        assert!(debug.contains(new.id.as_str()), "{debug}");
        assert!(!debug.contains(&new.key.expose()[12..]), "{debug}");
        assert!(!debug.contains(&new.hash.to_hex()), "{debug}");
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    proptest! {
        #[test]
        fn random_strings_never_parse_or_panic(s in "\\PC{0,80}") {
            // A random string is a valid key only by astronomical chance.
            prop_assert_eq!(ApiKey::parse(&s), None);
            prop_assert_eq!(RefreshToken::parse(&s), None);
        }

        #[test]
        fn key_shaped_strings_never_panic(id in "[a-z0-9_]{0,10}", secret in "[A-Za-z0-9_-]{0,50}") {
            let key = format!("sk_{id}_{secret}");
            if let Some((parsed, hash)) = ApiKey::parse(&key) {
                prop_assert_eq!(parsed.as_str(), &key[3..11]);
                prop_assert_eq!(hash, TokenHash::of(&key));
            }
        }

        #[test]
        fn constant_time_eq_agrees_with_eq(a: Vec<u8>, b: Vec<u8>) {
            prop_assert_eq!(constant_time_eq(&a, &b), a == b);
            prop_assert!(constant_time_eq(&a, &a.clone()));
        }

        #[test]
        fn hex_round_trips(bytes: [u8; 32]) {
            let hash = TokenHash(bytes);
            prop_assert_eq!(TokenHash::from_hex(&hash.to_hex()), Some(hash));
        }
    }
}
