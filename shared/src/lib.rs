//! Scanly's domain core.

pub mod ua;
