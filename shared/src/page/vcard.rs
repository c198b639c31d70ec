//! vCard 3.0 (RFC 2426) for a contact block's "Save contact" link. The
//! Worker serves it as `text/vcard; charset=utf-8` at `?vcard=<index>`.

use super::model::{Block, Page};

/// Octets per physical line, excluding the CRLF (RFC 2425 §5.8.1).
const LINE_OCTETS: usize = 75;

/// The vCard of block `block_index` if it is a contact block, else `None`.
///
/// The name goes into `FN` and, whole, into the family-name slot of `N`
/// (a business name cannot be split into given and family names reliably;
/// contact apps then show it as typed). The address goes into the street
/// slot of a work `ADR`, line breaks kept. Lines end with CRLF and are folded
/// at 75 octets without splitting a UTF-8 character or an escape.
pub fn vcard(page: &Page, block_index: usize) -> Option<String> {
    let Some(Block::Contact {
        name,
        phone,
        email,
        address,
    }) = page.blocks.get(block_index)
    else {
        return None;
    };
    let mut out = String::with_capacity(256);
    line(&mut out, "BEGIN:VCARD");
    line(&mut out, "VERSION:3.0");
    line(&mut out, &format!("N:{};;;;", escape(name)));
    line(&mut out, &format!("FN:{}", escape(name)));
    if let Some(phone) = phone {
        line(
            &mut out,
            &format!("TEL;TYPE=VOICE:{}", escape(phone.as_str())),
        );
    }
    if let Some(email) = email {
        line(
            &mut out,
            &format!("EMAIL;TYPE=INTERNET:{}", escape(email.as_str())),
        );
    }
    if let Some(address) = address {
        line(
            &mut out,
            &format!("ADR;TYPE=WORK:;;{};;;;", escape(address)),
        );
    }
    line(&mut out, "END:VCARD");
    Some(out)
}

/// RFC 2426 §4 text escaping: `\` `,` `;` and newlines.
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded: a continuation starts with a space and
/// every physical line stays within 75 octets.
pub(crate) fn line(out: &mut String, content: &str) {
    let mut width = 0;
    let mut chars = content.chars();
    while let Some(c) = chars.next() {
        let mut unit = String::from(c);
        if c == '\\' {
            unit.extend(chars.next());
        }
        if width + unit.len() > LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push_str(&unit);
        width += unit.len();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_rfc_2426_specials() {
        assert_eq!(escape("a\\b,c;d\r\ne"), "a\\\\b\\,c\\;d\\ne");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters_or_escapes() {
        let mut out = String::new();
        let content = format!("NOTE:{}", "é\\,".repeat(40));
        line(&mut out, &content);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= LINE_OCTETS, "{physical:?}");
            assert!(!physical.ends_with('\\'), "{physical:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{content}\r\n"));
    }

    #[test]
    fn short_lines_are_untouched() {
        let mut out = String::new();
        line(&mut out, &"x".repeat(75));
        assert_eq!(out, format!("{}\r\n", "x".repeat(75)));
        let mut out = String::new();
        line(&mut out, &"x".repeat(76));
        assert_eq!(out, format!("{}\r\n x\r\n", "x".repeat(75)));
    }
}
