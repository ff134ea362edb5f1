//! Names that come from inputs (file and archive entry names, keys, object names, kustomize
//! steps) are printed where a terminal or a parser reads them. A control character in one
//! would move the cursor or recolour the screen (`\u{1b}[2J`), start a new line of YAML in an
//! overlay's header comment, or forge a diagnostic line; bidirectional overrides reorder what
//! is shown. [`Printable`] writes such characters as escapes (`\n`, `\u{1b}`, `\u{202e}`), as
//! JSON output does; every other character is written as is.

use std::fmt;

/// A string displayed with its control and bidirectional-override characters escaped.
#[derive(Debug, Clone, Copy)]
pub struct Printable<'a>(pub &'a str);

/// Whether `c` must not reach a terminal or a line-based format as is.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(unsafe_char) {
            f.write_str(&rest[..i])?;
            let c = rest[i..].chars().next().unwrap_or('\0');
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                _ => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
            rest = &rest[i + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// `text` with its unsafe characters escaped, as an owned string.
pub fn printable(text: &str) -> String {
    Printable(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            printable("charts/redis/values.yaml"),
            "charts/redis/values.yaml"
        );
        assert_eq!(
            printable("a\nb: {privileged: true}"),
            "a\\nb: {privileged: true}"
        );
        assert_eq!(printable("\u{1b}[2Jx\r\t"), "\\u{1b}[2Jx\\r\\t");
        assert_eq!(
            printable("\u{7f}\u{85}\u{202e}txt.yaml"),
            "\\u{7f}\\u{85}\\u{202e}txt.yaml"
        );
        assert_eq!(printable("café/ü 値.yaml"), "café/ü 値.yaml");
        assert_eq!(printable(""), "");
    }
}
