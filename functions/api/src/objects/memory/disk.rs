//! The embedded object store's files: each object under the data directory
//! at the path its key names (`workspaces/ws_a/logos/logo_…`, the same
//! layout as the bucket), its content type beside it in
//! `<file>.content-type`.
//!
//! Keys are validated where they are made (`ObjectKey`'s constructors);
//! here they are checked again before they touch the file system: segments
//! of `[A-Za-z0-9._=-]`, none empty, `.` or `..`, none starting with `.`
//! (those names are this module's temporary files), no absolute path, and
//! no name ending in `.content-type` (a sidecar's). Capital letters are
//! written as `^` and the small letter, so two keys that differ only in
//! case never share a file on a case-insensitive file system (macOS,
//! Windows), where they would otherwise read each other's objects.
//!
//! A put writes the content type first, then the bytes, each atomically
//! (`write_atomically`); a delete removes the bytes first, then the type.
//! So an object exists exactly when its bytes file does, and its type is
//! always there with it. The one window: a crash between the two renames
//! of a put that *replaces* an object with one of another type leaves the
//! new type with the old bytes. (Keys here are fresh ids or content
//! digests, so replacing with another type does not happen in practice.)

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::objects::{ObjectError, ObjectKey, StoredObject, check_content_type};
use crate::store::memory::{is_temp_name, write_atomically};

const SIDECAR: &str = ".content-type";

fn unavailable(path: &Path, what: impl std::fmt::Display) -> ObjectError {
    ObjectError::Unavailable(format!("{}: {what}", path.display()))
}

fn segment_ok(segment: &str) -> bool {
    !segment.is_empty()
        && !segment.starts_with('.')
        && !segment.ends_with(SIDECAR)
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// The key's file, relative to the data directory; `None` for a key that
/// must not become a path.
pub(super) fn relative_path(key: &str) -> Option<PathBuf> {
    if key.len() > 1024 || !key.split('/').all(segment_ok) {
        return None;
    }
    let mut path = PathBuf::new();
    for segment in key.split('/') {
        let mut name = String::with_capacity(segment.len());
        for c in segment.chars() {
            if c.is_ascii_uppercase() {
                name.push('^');
                name.push(c.to_ascii_lowercase());
            } else {
                name.push(c);
            }
        }
        path.push(name);
    }
    Some(path)
}

/// The key whose file is `names` (the path's components), if it is one.
fn key_of(names: &[String]) -> Option<String> {
    let mut segments = Vec::with_capacity(names.len());
    for name in names {
        let mut segment = String::with_capacity(name.len());
        let mut chars = name.chars();
        while let Some(c) = chars.next() {
            match c {
                '^' => match chars.next() {
                    Some(small) if small.is_ascii_lowercase() => {
                        segment.push(small.to_ascii_uppercase());
                    }
                    _ => return None,
                },
                // Only ever written escaped.
                c if c.is_ascii_uppercase() => return None,
                c => segment.push(c),
            }
        }
        segments.push(segment);
    }
    let key = segments.join("/");
    // Exactly the names `relative_path` writes.
    (relative_path(&key)?
        .iter()
        .map(|n| n.to_string_lossy())
        .collect::<Vec<_>>()
        == names)
        .then_some(key)
}

fn sidecar(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(SIDECAR);
    PathBuf::from(name)
}

fn file_of(dir: &Path, key: &ObjectKey) -> Result<PathBuf, ObjectError> {
    relative_path(key.as_str())
        .map(|relative| dir.join(relative))
        .ok_or_else(|| ObjectError::Unavailable(format!("the key {key} cannot be stored on disk")))
}

/// Every object under `dir` (created if missing). Files that are not an
/// object's (another program's, say) are skipped with a warning;
/// temporary files a crash left are removed; an object whose file or type
/// cannot be read is an error naming it.
pub(super) fn load(dir: &Path) -> Result<BTreeMap<ObjectKey, StoredObject>, ObjectError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| unavailable(dir, format!("cannot be created: {e}")))?;
    let mut objects = BTreeMap::new();
    let mut pending = vec![(dir.to_owned(), Vec::<String>::new())];
    while let Some((at, names)) = pending.pop() {
        let entries = std::fs::read_dir(&at)
            .map_err(|e| unavailable(&at, format!("cannot be listed: {e}")))?;
        for entry in entries {
            let entry = entry.map_err(|e| unavailable(&at, format!("cannot be listed: {e}")))?;
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                tracing::warn!(path = %path.display(), "not an object's file; skipped");
                continue;
            };
            let kind = entry
                .file_type()
                .map_err(|e| unavailable(&path, format!("cannot be read: {e}")))?;
            if is_temp_name(&name) && kind.is_file() {
                // A write a crash interrupted: never renamed, so never seen.
                let _ = std::fs::remove_file(&path);
                continue;
            }
            if name.starts_with('.') || name.ends_with(SIDECAR) {
                continue;
            }
            let mut here = names.clone();
            here.push(name);
            if kind.is_dir() {
                pending.push((path, here));
                continue;
            }
            let Some(key) = key_of(&here).filter(|_| kind.is_file()) else {
                tracing::warn!(path = %path.display(), "not an object's file; skipped");
                continue;
            };
            let content_type = match std::fs::read_to_string(sidecar(&path)) {
                Ok(content_type) => content_type,
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    tracing::warn!(
                        path = %path.display(),
                        "an object file without its .content-type; skipped"
                    );
                    continue;
                }
                Err(e) => return Err(unavailable(&sidecar(&path), format!("cannot be read: {e}"))),
            };
            check_content_type(&content_type)
                .map_err(|_| unavailable(&sidecar(&path), "does not hold a content type"))?;
            let bytes = std::fs::read(&path)
                .map_err(|e| unavailable(&path, format!("cannot be read: {e}")))?;
            objects.insert(
                ObjectKey(key),
                StoredObject {
                    bytes,
                    content_type,
                },
            );
        }
    }
    Ok(objects)
}

/// Writes `object` under `key`; `previous` is what the key held, restored
/// if the bytes cannot be written after the type was.
pub(super) fn put(
    dir: &Path,
    key: &ObjectKey,
    object: &StoredObject,
    previous: Option<&StoredObject>,
) -> Result<(), ObjectError> {
    let file = file_of(dir, key)?;
    let type_file = sidecar(&file);
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| unavailable(parent, format!("cannot be created: {e}")))?;
    }
    write_atomically(&type_file, object.content_type.as_bytes())
        .map_err(|e| unavailable(&type_file, format!("cannot be written: {e}")))?;
    if let Err(e) = write_atomically(&file, &object.bytes) {
        // Leave the type as it was, best effort.
        let _ = match previous {
            Some(previous) => write_atomically(&type_file, previous.content_type.as_bytes()),
            None => std::fs::remove_file(&type_file),
        };
        return Err(unavailable(&file, format!("cannot be written: {e}")));
    }
    Ok(())
}

/// Removes `key`'s files (missing ones are no error).
pub(super) fn delete(dir: &Path, key: &ObjectKey) -> Result<(), ObjectError> {
    let file = file_of(dir, key)?;
    // The bytes first: the object is gone once they are.
    for path in [file.clone(), sidecar(&file)] {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(unavailable(&path, format!("cannot be removed: {e}"))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_paths_and_back() {
        for key in [
            "workspaces/ws_a/logos/logo_0193c1c2a4b07f6e8d2a9b3c4d5e6f70",
            "workspaces/Ws-B_9/logo-records/logo_1.json",
            "events/dt=2026-11-21/hour=07/0f0f.ndjson.gz",
            "qr-cache/workspaces/WS/abc.svg",
        ] {
            let path = relative_path(key).unwrap();
            let names: Vec<String> = path.iter().map(|n| n.to_string_lossy().into()).collect();
            assert!(
                names
                    .iter()
                    .all(|n| !n.chars().any(|c| c.is_ascii_uppercase()))
            );
            assert_eq!(key_of(&names).as_deref(), Some(key));
        }
        assert_eq!(
            relative_path("workspaces/Ws/x").unwrap(),
            PathBuf::from("workspaces/^ws/x")
        );
        assert_ne!(
            relative_path("workspaces/ws_A/x"),
            relative_path("workspaces/ws_a/x")
        );
    }

    #[test]
    fn keys_that_must_not_become_paths_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "workspaces/../../etc/passwd",
            "workspaces/./x",
            "workspaces//x",
            "workspaces/ws_a/.hidden",
            "workspaces/ws_a/x.content-type",
            "workspaces/ws_a/x~1.tmp",
            "workspaces/ws_a/x\\y",
            "workspaces/ws_a/x/",
            "C:/x",
        ] {
            assert_eq!(relative_path(bad), None, "{bad:?}");
        }
        let names = |path: &str| -> Vec<String> { path.split('/').map(str::to_owned).collect() };
        for stray in [
            "workspaces/Ws/x",
            "workspaces/^/x",
            "workspaces/^1/x",
            "a/.b",
        ] {
            assert_eq!(key_of(&names(stray)), None, "{stray:?}");
        }
    }
}
