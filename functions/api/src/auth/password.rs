//! Account passwords: the rules a new password must meet, and argon2id
//! hashing in PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), which
//! carry their own parameters so they can be raised later without
//! invalidating stored hashes ([`needs_rehash`] tells login when to upgrade).
//! Link passwords are a different thing: PBKDF2 in `scanly_shared::password`,
//! sized for the edge.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::{AuthError, random};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The longest attempt worth hashing: [`MAX_PASSWORD_CHARS`] characters of
/// up to 4 UTF-8 bytes. Anything longer cannot match a stored hash, so it is
/// refused before spending CPU (and the dummy path refuses it identically).
const MAX_PASSWORD_BYTES: usize = MAX_PASSWORD_CHARS * 4;

/// argon2id memory cost in KiB (19 MiB), time cost and lanes: OWASP's
/// minimum recommended configuration for argon2id (Password Storage Cheat
/// Sheet: m=19 MiB, t=2, p=1), which is also the `argon2` crate's default.
///
/// Why not more: the API runs on Lambda, where a handler holds one request at
/// a time and CPU is proportional to configured memory (one full vCPU at
/// 1,769 MB). Measured by hand on this machine (AMD EPYC, release build of
/// `argon2` 0.5.3, one hash, machine under other load): about 59 ms with the
/// workspace's `opt-level = "s"` release profile, about 29–38 ms with
/// `opt-level = 3` for `argon2`/`blake2`. A 512 MB function has roughly 0.3
/// vCPU, so expect about 3× that per login or signup: already the dominant
/// cost of those requests, and each concurrent hash needs 19 MiB. One lane,
/// because a Lambda below 1,769 MB has less than one core to run lanes on.
pub const M_COST_KIB: u32 = 19 * 1024;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

/// Ceilings on the parameters a stored PHC string may ask for. Stored hashes
/// are ours, but a corrupted or hostile one must not make a verify allocate
/// gigabytes or spin for minutes: past these it simply does not verify.
const MAX_VERIFY_M_COST_KIB: u32 = 256 * 1024;
const MAX_VERIFY_T_COST: u32 = 16;
const MAX_VERIFY_P_COST: u32 = 8;

/// A password a user chose for their account, checked against the rules.
/// Never stored; only hashed. Debug output hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountPassword(String);

impl core::fmt::Debug for AccountPassword {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AccountPassword(***)")
    }
}

/// Why a new account password was refused; the message is for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountPasswordError {
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must be at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the password must not be only spaces")]
    Blank,
}

impl AccountPassword {
    /// 10 to 256 characters (Unicode scalar values, so a passphrase in any
    /// script counts fairly), not all whitespace. Length is the rule that
    /// matters (NIST SP 800-63B); composition rules are deliberately absent.
    pub fn parse(input: &str) -> Result<Self, AccountPasswordError> {
        let chars = input.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(AccountPasswordError::TooShort);
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(AccountPasswordError::TooLong);
        }
        if input.chars().all(char::is_whitespace) {
            return Err(AccountPasswordError::Blank);
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn production_params() -> Result<Params, AuthError> {
    Params::new(M_COST_KIB, T_COST, P_COST, None)
        .map_err(|_| AuthError::Internal("invalid argon2 parameters"))
}

/// Hashes a new account password with the production parameters and a fresh
/// random salt. The password must pass [`AccountPassword::parse`] (otherwise
/// [`AuthError::WeakPassword`]), so nothing is stored that
/// [`verify_password`] would later refuse to check.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    hash_with_params(password, production_params()?)
}

fn hash_with_params(password: &str, params: Params) -> Result<String, AuthError> {
    let password = AccountPassword::parse(password)?;
    let salt = SaltString::encode_b64(&random::bytes::<16>()?)
        .map_err(|_| AuthError::Internal("could not encode the salt"))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|phc| phc.to_string())
        .map_err(|_| AuthError::Internal("argon2 hashing failed"))
}

/// Whether `password` matches a stored PHC string. The output comparison is
/// argon2's constant-time one; a malformed PHC, another algorithm or absurd
/// parameters give `false`, never a panic.
pub fn verify_password(password: &str, phc: &str) -> bool {
    if password.is_empty() || password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    if hash.algorithm != Algorithm::Argon2id.ident() {
        return false;
    }
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    if params.m_cost() > MAX_VERIFY_M_COST_KIB
        || params.t_cost() > MAX_VERIFY_T_COST
        || params.p_cost() > MAX_VERIFY_P_COST
    {
        return false;
    }
    // The verifier hashes with the PHC's own algorithm, version, parameters
    // and salt; the instance's defaults are not used.
    Argon2::default()
        .verify_password(password.as_bytes(), &hash)
        .is_ok()
}

/// The PHC string [`dummy_verify`] checks against: production parameters, a
/// fixed salt and an all-zero output that no password produces. Built from
/// the constants, so it cannot drift from what [`hash_password`] costs.
fn dummy_phc() -> String {
    format!(
        "$argon2id$v=19$m={M_COST_KIB},t={T_COST},p={P_COST}\
         $c2Nhbmx5LWR1bW15LXNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )
}

/// Does the work of a real [`verify_password`] and always fails. Login calls
/// it when the email is unknown, so the response takes as long as for a
/// known email with a wrong password and timing does not reveal which
/// emails have accounts.
pub fn dummy_verify(password: &str) {
    let matched = verify_password(password, &dummy_phc());
    core::hint::black_box(matched);
}

/// Whether a stored hash should be replaced after a successful login: it is
/// not argon2id v19 with today's parameters (they were raised, or it is
/// unreadable).
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(params) = Params::try_from(&hash) else {
        return true;
    };
    hash.algorithm != Algorithm::Argon2id.ident()
        || hash.version != Some(Version::V0x13.into())
        || params.m_cost() != M_COST_KIB
        || params.t_cost() != T_COST
        || params.p_cost() != P_COST
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Minimum-cost parameters so tests stay fast in debug builds; the PHC
    /// records them, so verify pays the same small cost.
    fn cheap() -> Params {
        Params::new(Params::MIN_M_COST, 1, 1, None).unwrap()
    }

    fn cheap_hash(password: &str) -> String {
        hash_with_params(password, cheap()).unwrap()
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let phc = cheap_hash("correct horse battery");
        assert!(phc.starts_with("$argon2id$v=19$m=8,t=1,p=1$"));
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse battery ", &phc));
        assert!(!verify_password("Correct horse battery", &phc));
        assert!(!verify_password("", &phc));
        assert!(!verify_password(&"x".repeat(2_000), &phc));
    }

    #[test]
    fn salts_are_random() {
        assert_ne!(cheap_hash("same password!"), cheap_hash("same password!"));
    }

    #[test]
    fn production_parameters_round_trip_and_are_current() {
        let phc = hash_password("a long enough passphrase").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("a long enough passphrase", &phc));
        assert!(!needs_rehash(&phc));
    }

    #[test]
    fn the_dummy_costs_a_production_verify() {
        let dummy = dummy_phc();
        let hash = PasswordHash::new(&dummy).unwrap();
        let params = Params::try_from(&hash).unwrap();
        assert_eq!(hash.algorithm, Algorithm::Argon2id.ident());
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (M_COST_KIB, T_COST, P_COST)
        );
        assert!(!needs_rehash(&dummy));
        assert!(!verify_password("a long enough passphrase", &dummy));
        dummy_verify("a long enough passphrase");
    }

    #[test]
    fn garbage_and_foreign_hashes_do_not_verify() {
        for phc in [
            "",
            "not a hash",
            "$argon2id$",
            "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$",
            "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            // Hostile parameters must be refused, not attempted.
            "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$argon2id$v=19$m=8,t=4294967295,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(!verify_password("correct horse battery", phc), "{phc}");
            assert!(needs_rehash(phc), "{phc}");
        }
    }

    #[test]
    fn old_parameters_need_a_rehash() {
        assert!(needs_rehash(&cheap_hash("correct horse battery")));
    }

    #[test]
    fn password_rules() {
        assert_eq!(
            AccountPassword::parse("123456789"),
            Err(AccountPasswordError::TooShort)
        );
        assert!(AccountPassword::parse("1234567890").is_ok());
        // Characters, not bytes: ten accented letters are ten characters.
        assert!(AccountPassword::parse("éééééééééé").is_ok());
        assert!(AccountPassword::parse(&"a".repeat(256)).is_ok());
        assert_eq!(
            AccountPassword::parse(&"a".repeat(257)),
            Err(AccountPasswordError::TooLong)
        );
        assert_eq!(
            AccountPassword::parse(" \t\n          "),
            Err(AccountPasswordError::Blank)
        );
        assert!(AccountPassword::parse("  spaced out  ").is_ok());
        assert_eq!(
            format!("{:?}", AccountPassword::parse("hunter2hunter2").unwrap()),
            "AccountPassword(***)"
        );
    }

    #[test]
    fn weak_passwords_are_not_hashed() {
        assert_eq!(
            hash_with_params("short", cheap()),
            Err(AuthError::WeakPassword(
                "the password must be at least 10 characters".into()
            ))
        );
        // The longest accepted password (4-byte characters) still verifies.
        let longest = "😀".repeat(MAX_PASSWORD_CHARS);
        assert!(verify_password(&longest, &cheap_hash(&longest)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn random_passwords_never_verify(attempt in "\\PC{0,40}") {
            // One shared hash keeps the property cheap.
            static PHC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let phc = PHC.get_or_init(|| cheap_hash("the one true password"));
            prop_assume!(attempt != "the one true password");
            prop_assert!(!verify_password(&attempt, phc));
        }

        #[test]
        fn random_hashes_never_verify_or_panic(attempt in "\\PC{0,20}", phc in "\\PC{0,120}") {
            prop_assert!(!verify_password(&attempt, &phc));
            let _ = needs_rehash(&phc);
        }

        #[test]
        fn hash_then_verify_round_trips(password in "[ -~]{10,40}") {
            prop_assume!(!password.trim().is_empty());
            let phc = cheap_hash(&password);
            prop_assert!(verify_password(&password, &phc));
        }
    }
}
