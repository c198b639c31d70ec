//! The publish channel: how the control plane writes link records to the
//! edge. One path per record (`PUT|DELETE /_scanly/records/{host}/{code}`,
//! body = [`crate::LinkRecord::encode`]) and a batch form (`POST
//! /_scanly/records`, body = [`PublishBatch::encode`]). Every request is
//! signed with [`crate::signing`]; both sides compile this file, so paths and
//! formats cannot drift.

use serde::{Deserialize, Serialize};

use crate::host::Hostname;
use crate::record::MAX_RECORD_BYTES;
use crate::{DomainError, ShortCode};

pub const RECORDS_PATH: &str = "/_scanly/records";
/// Bounded by what one Worker invocation may do against KV.
pub const MAX_BATCH_OPS: usize = 100;
pub const MAX_BATCH_BYTES: usize = MAX_BATCH_OPS * (MAX_RECORD_BYTES + 512);
const BATCH_FORMAT_VERSION: u8 = 1;

/// The path that publishes one record.
pub fn record_path(host: &Hostname, code: &ShortCode) -> String {
    format!("{RECORDS_PATH}/{host}/{code}")
}

/// Reads `{host}/{code}` back from the tail of a record path.
pub fn parse_record_path(tail: &str) -> Result<(Hostname, ShortCode), DomainError> {
    let (host, code) = tail
        .split_once('/')
        .ok_or_else(|| DomainError::invalid("path", "expected /_scanly/records/{host}/{code}"))?;
    let host = Hostname::parse(host).map_err(|e| DomainError::invalid("host", e.to_string()))?;
    Ok((host, ShortCode::parse(code)?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublishOp {
    /// `record` is an encoded [`crate::LinkRecord`] for `code`.
    Put {
        host: Hostname,
        code: ShortCode,
        record: Vec<u8>,
    },
    Delete {
        host: Hostname,
        code: ShortCode,
    },
}

impl PublishOp {
    pub fn target(&self) -> (&Hostname, &ShortCode) {
        match self {
            PublishOp::Put { host, code, .. } | PublishOp::Delete { host, code } => (host, code),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PublishBatch {
    pub ops: Vec<PublishOp>,
}

impl PublishBatch {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![BATCH_FORMAT_VERSION];
        if let Ok(body) = postcard::to_allocvec(self) {
            out.extend_from_slice(&body);
        }
        out
    }

    /// Decodes and bounds a batch; the records inside are checked one by one
    /// by the receiver, so one bad record is reported by its index.
    pub fn decode(bytes: &[u8]) -> Result<Self, DomainError> {
        let invalid = |message: &str| DomainError::invalid("batch", message);
        let (version, body) = bytes.split_first().ok_or_else(|| invalid("is empty"))?;
        if *version != BATCH_FORMAT_VERSION {
            return Err(invalid("has an unsupported format version"));
        }
        let batch: Self = postcard::from_bytes(body).map_err(|_| invalid("is corrupt"))?;
        if batch.ops.is_empty() || batch.ops.len() > MAX_BATCH_OPS {
            return Err(DomainError::invalid(
                "batch",
                format!("must hold 1 to {MAX_BATCH_OPS} operations"),
            ));
        }
        Ok(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn host() -> Hostname {
        Hostname::parse("go.shop.example").unwrap()
    }

    #[test]
    fn record_paths_round_trip() {
        let code = ShortCode::parse("Menu_1").unwrap();
        let path = record_path(&host(), &code);
        assert_eq!(path, "/_scanly/records/go.shop.example/Menu_1");
        let tail = path.strip_prefix("/_scanly/records/").unwrap();
        assert_eq!(parse_record_path(tail).unwrap(), (host(), code));
    }

    #[test]
    fn bad_record_paths_are_refused() {
        for tail in [
            "",
            "go.shop.example",
            "go.shop.example/",
            "bad host/abc",
            "h.example/a/b",
            "h.example/..",
        ] {
            assert!(parse_record_path(tail).is_err(), "{tail:?}");
        }
    }

    #[test]
    fn batches_round_trip_and_are_bounded() {
        let op = PublishOp::Delete {
            host: host(),
            code: ShortCode::parse("abc").unwrap(),
        };
        let batch = PublishBatch {
            ops: vec![op.clone(); 3],
        };
        assert_eq!(PublishBatch::decode(&batch.encode()).unwrap(), batch);
        let empty = PublishBatch::default();
        assert!(PublishBatch::decode(&empty.encode()).is_err());
        let too_big = PublishBatch {
            ops: vec![op; MAX_BATCH_OPS + 1],
        };
        assert!(PublishBatch::decode(&too_big.encode()).is_err());
        assert!(PublishBatch::decode(&[]).is_err());
        assert!(PublishBatch::decode(&[2, 0]).is_err());
    }

    proptest! {
        #[test]
        fn any_bytes_decode_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = PublishBatch::decode(&bytes);
        }
    }
}
