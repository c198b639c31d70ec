//! Scanly's rollup function (see docs/analytics.md).
