//! Password-protected links. The Worker checks the password on the edge, so
//! the verifier must fit the edge's CPU budget: PBKDF2-HMAC-SHA256 with a
//! per-record iteration count (so it can be raised later without breaking
//! old links). Account passwords are a different thing: argon2id, in the API.

use hmac::Hmac;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The edge derives with Web Crypto (native code): 20,000 iterations cost
/// about 3 ms there, well inside the free plan's 10 ms of CPU, where the
/// same in WASM costs 22 ms (`BENCHMARKS.md`).
pub const DEFAULT_ITERATIONS: u32 = 20_000;
/// Web Crypto in Workers refuses PBKDF2 above this.
pub const MAX_ITERATIONS: u32 = 100_000;
pub const MIN_PASSWORD_CHARS: usize = 4;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A link password as the owner typed it; never stored, only turned into a
/// [`PasswordVerifier`].
#[derive(Clone, PartialEq, Eq)]
pub struct LinkPassword(String);

impl core::fmt::Debug for LinkPassword {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("LinkPassword(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a link password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")]
pub struct LinkPasswordError;

impl LinkPassword {
    pub fn parse(input: &str) -> Result<Self, LinkPasswordError> {
        let chars = input.chars().count();
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars)
            || input.chars().any(char::is_control)
        {
            return Err(LinkPasswordError);
        }
        Ok(Self(input.to_owned()))
    }
}

/// What a record keeps: salt, work factor and derived key — never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordVerifier {
    pub iterations: u32,
    pub salt: [u8; 16],
    pub hash: [u8; 32],
}

impl PasswordVerifier {
    /// `salt` must come from a CSPRNG (the caller's; this crate does no I/O).
    pub fn new(password: &LinkPassword, salt: [u8; 16], iterations: u32) -> Self {
        Self {
            iterations,
            salt,
            hash: derive(password.0.as_bytes(), &salt, iterations),
        }
    }

    /// Derives `attempt` and compares in constant time.
    pub fn verify(&self, attempt: &str) -> bool {
        is_plausible_attempt(attempt)
            && self.iterations > 0
            && self.matches_key(&derive_key(attempt, &self.salt, self.iterations))
    }

    /// Compares a key derived elsewhere (the edge uses Web Crypto, which is
    /// native code) with this verifier's, in constant time.
    pub fn matches_key(&self, derived: &[u8; 32]) -> bool {
        constant_time_eq(derived, &self.hash)
    }
}

/// Equal length and bytes, in time that depends only on the length (for
/// secrets and MACs: no early exit an attacker could time).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether an attempt is worth deriving at all: absurd lengths are refused
/// before spending CPU on them.
pub fn is_plausible_attempt(attempt: &str) -> bool {
    !attempt.is_empty() && attempt.len() <= MAX_PASSWORD_CHARS * 4
}

/// PBKDF2-HMAC-SHA256 of an attempt with a verifier's salt and work factor.
pub fn derive_key(attempt: &str, salt: &[u8; 16], iterations: u32) -> [u8; 32] {
    derive(attempt.as_bytes(), salt, iterations)
}

fn derive(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    // HMAC accepts keys of any length, so this cannot fail; a zeroed key on
    // an impossible error still never matches a real hash.
    let _ = pbkdf2::pbkdf2::<Hmac<Sha256>>(password, salt, iterations.max(1), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_password_verifies_and_wrong_ones_do_not() {
        let password = LinkPassword::parse("open sesame").unwrap();
        let verifier = PasswordVerifier::new(&password, [7; 16], 1_000);
        assert!(verifier.verify("open sesame"));
        assert!(!verifier.verify("open sesame "));
        assert!(!verifier.verify("Open sesame"));
        assert!(!verifier.verify(""));
        assert!(!verifier.verify(&"x".repeat(10_000)));
    }

    #[test]
    fn matches_the_rfc_7914_pbkdf2_sha256_vector() {
        // RFC 7914 §11: P="passwd", S="salt", c=1, dkLen=64 (first 32 bytes).
        let out = derive(b"passwd", b"salt", 1);
        assert_eq!(
            hex::encode(out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }

    #[test]
    fn the_salt_changes_the_hash() {
        let password = LinkPassword::parse("1234").unwrap();
        assert_ne!(
            PasswordVerifier::new(&password, [1; 16], 10).hash,
            PasswordVerifier::new(&password, [2; 16], 10).hash
        );
    }

    #[test]
    fn password_rules() {
        assert!(LinkPassword::parse("abc").is_err());
        assert!(LinkPassword::parse("abcd").is_ok());
        assert!(LinkPassword::parse(&"a".repeat(129)).is_err());
        assert!(LinkPassword::parse("ab\ncd").is_err());
        assert_eq!(
            format!("{:?}", LinkPassword::parse("secret1").unwrap()),
            "LinkPassword(***)"
        );
    }
}
