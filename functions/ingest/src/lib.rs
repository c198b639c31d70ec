//! Scanly's ingest function (see docs/analytics.md).
