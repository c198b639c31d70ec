//! A minimal streaming ZIP writer for batch downloads: each entry is
//! rendered whole before it is written, so its CRC and sizes are known up
//! front and the archive can be sent chunk by chunk with no seeking and no
//! data descriptors. Entries are stored, not deflated: PNG and PDF content
//! is already compressed, and the batch is CPU-bound on rendering.
//!
//! Deterministic: every entry carries the same fixed timestamp (the DOS
//! epoch, 1980-01-01), so the same batch gives the same bytes.

/// Archives over 4 GiB or with 65,535+ entries need ZIP64; batches are far
/// below both (500 images), and `add` refuses rather than corrupt.
const MAX_OFFSET: u64 = u32::MAX as u64;
const MAX_ENTRIES: usize = u16::MAX as usize - 1;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("the archive would exceed the 4 GiB / 65,535-entry limits of plain ZIP")]
    TooLarge,
    #[error("entry name is longer than 65,535 bytes")]
    NameTooLong,
}

#[derive(Debug)]
struct CentralRecord {
    name: String,
    crc: u32,
    size: u32,
    offset: u32,
}

/// Writes entries as byte chunks; `finish` returns the central directory.
#[derive(Debug, Default)]
pub struct ZipStream {
    offset: u64,
    entries: Vec<CentralRecord>,
}

// DOS time 00:00:00, date 1980-01-01.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
/// Bit 11: names are UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
const VERSION: u16 = 20;

impl ZipStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// The bytes of one stored entry (local header + data).
    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<Vec<u8>, ZipError> {
        let name_len = u16::try_from(name.len()).map_err(|_| ZipError::NameTooLong)?;
        let size = u32::try_from(data.len()).map_err(|_| ZipError::TooLarge)?;
        let offset = u32::try_from(self.offset).map_err(|_| ZipError::TooLarge)?;
        let total = 30 + name.len() as u64 + data.len() as u64;
        if self.offset + total > MAX_OFFSET || self.entries.len() >= MAX_ENTRIES {
            return Err(ZipError::TooLarge);
        }
        let crc = crc32fast::hash(data);
        let mut out = Vec::with_capacity(total as usize);
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [VERSION, FLAG_UTF8, 0, DOS_TIME, DOS_DATE] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        self.offset += total;
        self.entries.push(CentralRecord {
            name: name.to_owned(),
            crc,
            size,
            offset,
        });
        Ok(out)
    }

    /// The central directory and end record that close the archive.
    pub fn finish(self) -> Result<Vec<u8>, ZipError> {
        let mut out = Vec::new();
        for e in &self.entries {
            out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            for v in [VERSION, VERSION, FLAG_UTF8, 0, DOS_TIME, DOS_DATE] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            for v in [e.crc, e.size, e.size] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            // Name length (checked in `add`), extra, comment, disk, attributes.
            out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            for v in [0u16, 0, 0, 0] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&e.offset.to_le_bytes());
            out.extend_from_slice(e.name.as_bytes());
        }
        let directory_size = u32::try_from(out.len()).map_err(|_| ZipError::TooLarge)?;
        let directory_offset = u32::try_from(self.offset).map_err(|_| ZipError::TooLarge)?;
        let count = self.entries.len() as u16;
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        for v in [0u16, 0, count, count] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&directory_size.to_le_bytes());
        out.extend_from_slice(&directory_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_reads_back_with_a_standard_reader() {
        let mut zip = ZipStream::new();
        let mut bytes = zip.add("a.png", b"\x89PNG fake").unwrap();
        bytes.extend(zip.add("dossier/é.svg", b"<svg/>").unwrap());
        bytes.extend(zip.add("empty.txt", b"").unwrap());
        bytes.extend(zip.finish().unwrap());
        let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 3);
        let mut read = |name: &str| {
            let mut file = archive.by_name(name).unwrap();
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut out).unwrap();
            out
        };
        assert_eq!(read("a.png"), b"\x89PNG fake");
        assert_eq!(read("dossier/é.svg"), b"<svg/>");
        assert_eq!(read("empty.txt"), b"");
    }

    #[test]
    fn the_same_entries_give_the_same_bytes() {
        let build = || {
            let mut zip = ZipStream::new();
            let mut out = zip.add("x", b"1").unwrap();
            out.extend(zip.finish().unwrap());
            out
        };
        assert_eq!(build(), build());
    }
}
