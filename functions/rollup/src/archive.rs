//! The raw archive: every decoded event, as newline-delimited JSON, gzip,
//! one object per UTC hour under `events/dt=…/hour=…/` (Athena partitions).
//! The object's name is the SHA-256 of its events' ids, so archiving the
//! same events again (a redelivered batch) replaces the object instead of
//! adding a copy.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

use flate2::Compression;
use flate2::write::GzEncoder;
use scanly_analytics::rollup::Hour;
use scanly_api::objects::{ObjectError, ObjectKey, ObjectStore};
use scanly_shared::event::ScanEvent;
use sha2::{Digest, Sha256};

pub const CONTENT_TYPE: &str = "application/gzip";

/// One archive object: its key and gzipped body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveObject {
    pub key: ObjectKey,
    pub body: Vec<u8>,
    pub events: usize,
}

/// The objects for `events`: one per UTC hour, events ordered by id, so the
/// same events always give the same bytes under the same key.
pub fn objects(events: &[&ScanEvent]) -> Result<Vec<ArchiveObject>, std::io::Error> {
    let mut by_hour: BTreeMap<i64, Vec<&ScanEvent>> = BTreeMap::new();
    for event in events {
        by_hour
            .entry(Hour::of_ms(event.timestamp_ms).0)
            .or_default()
            .push(event);
    }
    by_hour
        .into_iter()
        .map(|(hour, mut events)| {
            events.sort_by_key(|event| event.id);
            events.dedup_by_key(|event| event.id);
            let mut ids = Sha256::new();
            // serde_json writes token by token: buffered, the gzip encoder
            // sees large writes (7× faster than writing into it directly).
            let mut ndjson = BufWriter::with_capacity(
                64 * 1024,
                GzEncoder::new(Vec::new(), Compression::default()),
            );
            for event in &events {
                ids.update(event.id.as_uuid().as_bytes());
                serde_json::to_writer(&mut ndjson, event)?;
                ndjson.write_all(b"\n")?;
            }
            let gzip = ndjson.into_inner().map_err(|error| error.into_error())?;
            Ok(ArchiveObject {
                key: ObjectKey::event_archive(hour, &ids.finalize().into()),
                body: gzip.finish()?,
                events: events.len(),
            })
        })
        .collect()
}

/// Writes the archive objects for `events`; how many objects.
pub async fn write(store: &dyn ObjectStore, events: &[&ScanEvent]) -> Result<usize, ObjectError> {
    let objects = objects(events).map_err(|error| ObjectError::Unavailable(error.to_string()))?;
    let count = objects.len();
    for object in objects {
        store.put(&object.key, object.body, CONTENT_TYPE).await?;
    }
    Ok(count)
}
