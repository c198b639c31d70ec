//! The one place auth reads the OS random source. Every salt, token secret,
//! key id and `jti` comes from here, so a failure surfaces as a typed error
//! instead of a panic or, worse, a predictable value.

use super::AuthError;

/// `N` bytes from the operating system's CSPRNG.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| AuthError::Internal("the OS random source failed"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_differ() {
        let a = bytes::<32>().unwrap();
        let b = bytes::<32>().unwrap();
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
    }
}
