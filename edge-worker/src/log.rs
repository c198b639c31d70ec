//! Structured logs: every `tracing` event becomes one JSON line
//! (`{"level","target","message",…fields}`), which Workers Logs indexes by
//! field. A hand-rolled subscriber because the edge only needs events, and
//! `tracing-subscriber` would add its weight to every cold start.

use std::fmt::Debug;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

pub struct JsonLines<W> {
    max_level: Level,
    write: W,
}

impl<W> std::fmt::Debug for JsonLines<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLines")
            .field("max_level", &self.max_level)
            .finish_non_exhaustive()
    }
}

impl<W: Fn(Level, &str)> JsonLines<W> {
    pub fn new(max_level: Level, write: W) -> Self {
        Self { max_level, write }
    }
}

/// `SCANLY_LOG` (`error`, `warn`, `info`, `debug`); `info` by default.
pub fn level_from(value: Option<&str>) -> Level {
    value
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(Level::INFO)
}

/// The JSON line for one event.
pub fn line(event: &Event<'_>) -> String {
    let mut fields = Fields(Map::new());
    let metadata = event.metadata();
    fields.0.insert(
        "level".into(),
        Value::from(metadata.level().as_str().to_ascii_lowercase()),
    );
    fields
        .0
        .insert("target".into(), Value::from(metadata.target()));
    event.record(&mut fields);
    Value::Object(fields.0).to_string()
}

struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0
            .insert(field.name().into(), Value::from(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), Value::from(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.0
            .insert(field.name().into(), Value::from(value.to_string()));
    }
}

impl<W: Fn(Level, &str) + 'static> Subscriber for JsonLines<W> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.max_level
    }
    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::from_level(self.max_level))
    }
    // Spans are not used at the edge; one id serves them all.
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        (self.write)(*event.metadata().level(), &line(event));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn events_become_json_lines_above_the_level() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let subscriber = JsonLines::new(Level::WARN, move |level: Level, line: &str| {
            sink.lock().unwrap().push((level, line.to_owned()));
        });
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("not shown");
            tracing::warn!(code = "menu", attempts = 3u64, "queue \"delivery\" failed");
        });
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 1);
        let (level, line) = &lines[0];
        assert_eq!(*level, Level::WARN);
        let json: Value = serde_json::from_str(line).unwrap();
        assert_eq!(json["level"], "warn");
        assert_eq!(json["message"], "queue \"delivery\" failed");
        assert_eq!(json["code"], "menu");
        assert_eq!(json["attempts"], 3);
    }

    #[test]
    fn the_level_comes_from_a_var() {
        assert_eq!(level_from(Some("debug")), Level::DEBUG);
        assert_eq!(level_from(Some(" error ")), Level::ERROR);
        assert_eq!(level_from(Some("nonsense")), Level::INFO);
        assert_eq!(level_from(None), Level::INFO);
    }
}
