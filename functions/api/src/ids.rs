//! New identifiers: a readable prefix and a UUIDv7 (time-ordered, so keys
//! sort by creation), e.g. `lnk_0193c1c2a4b07f6e8d2a9b3c4d5e6f70`.

pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_unique_and_ordered() {
        let (a, b) = (new_id("lnk"), new_id("lnk"));
        assert!(a.starts_with("lnk_") && a.len() == 36);
        assert_ne!(a, b);
        assert!(scanly_shared::ids::LinkId::parse(&a).is_ok());
    }
}
