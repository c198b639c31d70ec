//! Scanly's domain core.
