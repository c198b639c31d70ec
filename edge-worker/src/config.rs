//! The Worker's settings, read once per isolate from its vars and secrets.

use scanly_shared::Hostname;

/// KV's `cacheTtl` for record reads: how long an edge location may serve a
/// record from its cache. A publish reaches every location within this
/// (plus KV's own propagation), which is the price of a hot-path read that
/// never leaves the data centre.
pub const RECORD_CACHE_TTL_SECONDS: u32 = 60;

#[derive(Clone, PartialEq, Eq)]
pub struct EdgeConfig {
    /// `SCANLY_ENV=dev`: trust `X-Scanly-Dev-Country`, drop `Secure` cookies.
    pub dev_mode: bool,
    /// `SCANLY_DEFAULT_HOSTS`, comma-separated: hosts that serve the shared
    /// namespace of generated codes. The first is canonical; the others
    /// (e.g. `workers.dev`, `localhost`) are aliases of it.
    pub default_hosts: Vec<Hostname>,
    /// `INGEST_URL`: where the queue consumer ships scan batches.
    pub ingest_url: Option<String>,
    /// `SCANLY_SIGNING_SECRET` then, during a rotation,
    /// `SCANLY_SIGNING_SECRET_PREVIOUS`. The first signs; all verify.
    pub secrets: Vec<Vec<u8>>,
}

/// Secrets never reach a log line.
impl std::fmt::Debug for EdgeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EdgeConfig")
            .field("dev_mode", &self.dev_mode)
            .field("default_hosts", &self.default_hosts)
            .field("ingest_url", &self.ingest_url)
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .finish()
    }
}

impl EdgeConfig {
    /// `var` looks a name up among the Worker's vars and secrets.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let default_hosts = var("SCANLY_DEFAULT_HOSTS")
            .unwrap_or_default()
            .split(',')
            .filter_map(|host| Hostname::parse(host).ok())
            .collect();
        let secrets = ["SCANLY_SIGNING_SECRET", "SCANLY_SIGNING_SECRET_PREVIOUS"]
            .into_iter()
            .filter_map(&var)
            .map(|secret| secret.trim().as_bytes().to_vec())
            .filter(|secret| !secret.is_empty())
            .collect();
        Self {
            dev_mode: var("SCANLY_ENV").is_some_and(|env| env.trim() == "dev"),
            default_hosts,
            ingest_url: var("INGEST_URL")
                .map(|url| url.trim().to_owned())
                .filter(|url| !url.is_empty()),
            secrets,
        }
    }

    /// The key that signs (unlock cookies, ingest batches, visitor hashes).
    pub fn signing_secret(&self) -> &[u8] {
        self.secrets.first().map_or(&[], Vec::as_slice)
    }

    pub fn verifying_secrets(&self) -> Vec<&[u8]> {
        self.secrets.iter().map(Vec::as_slice).collect()
    }

    /// The namespace a request's host reads codes from: an alias of the
    /// default host reads the default namespace; any other host is a custom
    /// domain with its own.
    pub fn namespace<'h>(&'h self, host: &'h Hostname) -> &'h Hostname {
        match self.default_hosts.first() {
            Some(canonical) if self.default_hosts.contains(host) => canonical,
            _ => host,
        }
    }
}

/// The KV key of a record: namespace host, then code (codes are
/// case-sensitive, hosts already lower-case).
pub fn record_key(namespace: &Hostname, code: &str) -> String {
    format!("link:{namespace}/{code}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> EdgeConfig {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        EdgeConfig::from_vars(|name| vars.get(name).cloned())
    }

    #[test]
    fn aliases_of_the_default_host_share_its_namespace() {
        let config = config(&[(
            "SCANLY_DEFAULT_HOSTS",
            "scn.ly, Scanly-Edge.workers.dev ,localhost",
        )]);
        let host = |h| Hostname::parse(h).unwrap();
        assert_eq!(config.namespace(&host("localhost")).as_str(), "scn.ly");
        assert_eq!(
            config.namespace(&host("scanly-edge.workers.dev")).as_str(),
            "scn.ly"
        );
        assert_eq!(
            config.namespace(&host("go.shop.example")).as_str(),
            "go.shop.example"
        );
        assert_eq!(
            record_key(config.namespace(&host("scn.ly")), "Menu"),
            "link:scn.ly/Menu"
        );
    }

    #[test]
    fn dev_mode_and_secrets_come_from_vars() {
        let dev = config(&[
            ("SCANLY_ENV", "dev"),
            ("SCANLY_SIGNING_SECRET", " s1 "),
            ("SCANLY_SIGNING_SECRET_PREVIOUS", "s0"),
        ]);
        assert!(dev.dev_mode);
        assert_eq!(dev.signing_secret(), b"s1");
        assert_eq!(dev.verifying_secrets(), vec![&b"s1"[..], &b"s0"[..]]);
        let production = config(&[("SCANLY_ENV", "production"), ("INGEST_URL", " ")]);
        assert!(!production.dev_mode);
        assert_eq!(production.signing_secret(), b"");
        assert_eq!(production.ingest_url, None);
    }
}
