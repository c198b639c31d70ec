//! Typed configuration, read once from the environment at start-up.
//!
//! - `SCANLY_SIGNING_SECRET` (required, ≥ 32 bytes): the HMAC secret the
//!   edge signs its batches with; `SCANLY_SIGNING_SECRET_PREVIOUS`
//!   (optional, ≥ 32 bytes) is accepted too during a rotation.
//! - `SCANLY_QUEUE`: `memory` or `sqs`; unset, `sqs` when
//!   `SCANLY_SCAN_QUEUE_URL` is set, else `memory`.
//! - `SCANLY_SCAN_QUEUE_URL` (for `sqs`) and `SCANLY_SCAN_DLQ_URL`
//!   (optional: the dead-letter queue, for redrives).

use std::fmt;

/// Secrets shorter than this are refused: HMAC-SHA256 keys should carry
/// at least the hash's 256 bits.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

#[derive(Clone, PartialEq, Eq)]
pub struct IngestConfig {
    /// The current signing secret first, then the previous one if any.
    pub secrets: Vec<Vec<u8>>,
    pub queue: QueueConfig,
}

/// Never prints the secrets.
impl fmt::Debug for IngestConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IngestConfig")
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("queue", &self.queue)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueConfig {
    Memory,
    Sqs {
        queue_url: String,
        dlq_url: Option<String>,
    },
}

impl IngestConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let set = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let secret = |name: &str| -> Result<Option<Vec<u8>>, ConfigError> {
            match set(name) {
                Some(secret) if secret.len() < MIN_SECRET_BYTES => Err(ConfigError(format!(
                    "{name} needs at least {MIN_SECRET_BYTES} bytes"
                ))),
                other => Ok(other.map(String::into_bytes)),
            }
        };
        let current = secret("SCANLY_SIGNING_SECRET")?
            .ok_or_else(|| ConfigError("SCANLY_SIGNING_SECRET is not set".into()))?;
        let secrets = std::iter::once(current)
            .chain(secret("SCANLY_SIGNING_SECRET_PREVIOUS")?)
            .collect();

        let queue_url = set("SCANLY_SCAN_QUEUE_URL");
        let kind = set("SCANLY_QUEUE")
            .unwrap_or_else(|| if queue_url.is_some() { "sqs" } else { "memory" }.to_owned());
        let queue = match kind.as_str() {
            "memory" => QueueConfig::Memory,
            "sqs" => QueueConfig::Sqs {
                queue_url: queue_url.ok_or_else(|| {
                    ConfigError("SCANLY_QUEUE=sqs needs SCANLY_SCAN_QUEUE_URL".into())
                })?,
                dlq_url: set("SCANLY_SCAN_DLQ_URL"),
            },
            other => {
                return Err(ConfigError(format!(
                    "SCANLY_QUEUE={other} is not available (use memory or sqs)"
                )));
            }
        };
        Ok(Self { secrets, queue })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const SECRET: &str = "ingest-config-signing-secret-0123456789";
    const PREVIOUS: &str = "ingest-config-previous-secret-012345678";

    fn config(vars: &[(&str, &str)]) -> Result<IngestConfig, ConfigError> {
        let vars: HashMap<&str, &str> = vars.iter().copied().collect();
        IngestConfig::from_vars(|name| vars.get(name).map(|v| (*v).to_owned()))
    }

    #[test]
    fn the_secret_is_required_and_long_enough() {
        let missing = config(&[]).unwrap_err();
        assert!(
            missing.0.contains("SCANLY_SIGNING_SECRET is not set"),
            "{missing}"
        );
        let short = config(&[("SCANLY_SIGNING_SECRET", "short")]).unwrap_err();
        assert!(short.0.contains("at least 32 bytes"), "{short}");
        let short_previous = config(&[
            ("SCANLY_SIGNING_SECRET", SECRET),
            ("SCANLY_SIGNING_SECRET_PREVIOUS", "short"),
        ])
        .unwrap_err();
        assert!(short_previous.0.contains("PREVIOUS"), "{short_previous}");
    }

    #[test]
    fn the_current_secret_comes_first_then_the_previous() {
        let one = config(&[("SCANLY_SIGNING_SECRET", SECRET)]).unwrap();
        assert_eq!(one.secrets, vec![SECRET.as_bytes().to_vec()]);
        let both = config(&[
            ("SCANLY_SIGNING_SECRET", SECRET),
            ("SCANLY_SIGNING_SECRET_PREVIOUS", PREVIOUS),
        ])
        .unwrap();
        assert_eq!(
            both.secrets,
            vec![SECRET.as_bytes().to_vec(), PREVIOUS.as_bytes().to_vec()]
        );
        let debug = format!("{both:?}");
        assert!(
            !debug.contains(SECRET) && !debug.contains(PREVIOUS),
            "{debug}"
        );
    }

    #[test]
    fn the_queue_follows_the_url_unless_named() {
        let url = "https://sqs.eu-west-1.amazonaws.com/123456789012/scan-events";
        let dlq = "https://sqs.eu-west-1.amazonaws.com/123456789012/scan-events-dlq";
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut vars = vec![("SCANLY_SIGNING_SECRET", SECRET)];
            vars.extend_from_slice(extra);
            config(&vars)
        };
        assert_eq!(with(&[]).unwrap().queue, QueueConfig::Memory);
        assert_eq!(
            with(&[("SCANLY_SCAN_QUEUE_URL", url), ("SCANLY_SCAN_DLQ_URL", dlq)])
                .unwrap()
                .queue,
            QueueConfig::Sqs {
                queue_url: url.into(),
                dlq_url: Some(dlq.into())
            }
        );
        assert_eq!(
            with(&[("SCANLY_SCAN_QUEUE_URL", url), ("SCANLY_QUEUE", "memory")])
                .unwrap()
                .queue,
            QueueConfig::Memory
        );
        let no_url = with(&[("SCANLY_QUEUE", "sqs")]).unwrap_err();
        assert!(no_url.0.contains("SCANLY_SCAN_QUEUE_URL"), "{no_url}");
        let unknown = with(&[("SCANLY_QUEUE", "kafka")]).unwrap_err();
        assert!(unknown.0.contains("memory or sqs"), "{unknown}");
    }
}
