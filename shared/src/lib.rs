//! Scanly's domain core.

pub mod tz;
