//! HTML escaping: the one function every user string goes through.

/// Appends `s` with `&`, `<`, `>`, `"` and `'` replaced by character
/// references. Safe in text and in double- or single-quoted attribute values
/// (the renderer always double-quotes).
pub(crate) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Appends escaped `s`, turning each newline into `<br>`.
pub(crate) fn escape_lines_into(out: &mut String, s: &str) {
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        escape_into(out, line);
    }
}

/// Appends `name="value"` (with a leading space), the value escaped.
pub(crate) fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape_into(out, value);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_html_specials() {
        let mut out = String::new();
        escape_into(&mut out, r#"<a href="x" onclick='y'>&amp;</a>"#);
        assert_eq!(
            out,
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn newlines_become_breaks_after_escaping() {
        let mut out = String::new();
        escape_lines_into(&mut out, "a<b\nc");
        assert_eq!(out, "a&lt;b<br>c");
    }

    #[test]
    fn attributes_are_quoted_and_escaped() {
        let mut out = String::new();
        attr(&mut out, "alt", "\" onerror=\"x");
        assert_eq!(out, " alt=\"&quot; onerror=&quot;x\"");
    }
}
