//! The `text` class: image references read line by line from a document that is not valid
//! YAML, so that a syntax error does not lose its images in silence.
//!
//! Only `KEY: VALUE` entries whose key names an image ([`key_names_image`]: `image`,
//! `proxyImage`, `SIDECAR_IMAGE`) are read, in block style (`image: r`, `- image: "r"`) or
//! inside a flow collection or JSON on one line (`{name: c, image: r}`, `"image": "r",`);
//! comment lines and comments after values are skipped. Each value is offered through the one
//! rule every guessing class shares ([`Extractor::candidate_text`]): only qualified
//! references, never placeholders, and what the reference grammar accepts (so URLs and
//! `ko://` build references are not taken). The D001 error still says the document was not
//! parsed; the caller adds the warning that these were read line by line.

use std::sync::Arc;

use super::extractor::Extractor;
use super::model::{Class, ExtractOptions, Output};
use super::rules::key_names_image;
use crate::documents::path::KeyPath;
use crate::documents::{At, Doc};

/// Offers every `image:` value of `text` (whose first line is line `first_line` of `file`) as
/// an image of class `text`; returns how many were taken.
pub fn read_lines(
    text: &str,
    first_line: u64,
    file: &Arc<str>,
    document: u32,
    options: ExtractOptions,
    out: &mut Output,
) -> usize {
    let before = out.findings.len();
    // The rule for offering needs an extractor; nothing of this document was parsed.
    let empty = Doc::built(Vec::new(), None, Vec::new());
    let mut ex = Extractor::new(&empty, file, document, options, out);
    for (n, line) in text.lines().enumerate() {
        for (key, value, offset) in entries(line) {
            let column = line.get(..offset).map_or(0, |s| s.chars().count()) as u64 + 1;
            let at = At::new(file, first_line + n as u64, column);
            let mut path = KeyPath::default();
            path.key(key);
            ex.candidate_text(value, at, &path, Class::Text);
        }
    }
    out.findings.len() - before
}

/// The `(key, value, byte offset of the value)` entries of one line whose key names an image.
fn entries(line: &str) -> Vec<(&str, &str, usize)> {
    let mut found = Vec::new();
    let mut rest = line;
    let mut offset = 0;
    loop {
        // An entry starts the line (after indentation and `- ` markers) or follows `{`, `[`
        // or `,` outside quotes.
        let trimmed = rest.trim_start_matches([' ', '\t', '-', '{', '[', ',']);
        offset += rest.len() - trimmed.len();
        rest = trimmed;
        if rest.is_empty() || rest.starts_with('#') {
            break;
        }
        let Some((key, after_key)) = key(rest) else {
            // Not `KEY:` here: go on after the next separator, if the line has one.
            match next_separator(rest) {
                Some(i) => {
                    offset += i;
                    rest = &rest[i..];
                    continue;
                }
                None => break,
            }
        };
        let value_start = after_key.len() - after_key.trim_start_matches([' ', '\t']).len();
        let value_text = &after_key[value_start..];
        let value_offset = offset + (rest.len() - after_key.len()) + value_start;
        let (value, consumed) = value(value_text);
        if key_names_image(key) && !value.is_empty() {
            found.push((key, value, value_offset));
        }
        let used = (rest.len() - after_key.len()) + value_start + consumed;
        offset += used;
        rest = &rest[used..];
    }
    found
}

/// A key (`image`, `"image"`, `'image'`) followed by `:` and white space or the line's end:
/// the key and what follows the `:`.
fn key(text: &str) -> Option<(&str, &str)> {
    let (key, after) = match text.chars().next()? {
        quote @ ('"' | '\'') => {
            let end = text[1..].find(quote)? + 1;
            (&text[1..end], &text[end + 1..])
        }
        _ => {
            // The key ends at the first `:`; a character no image key holds ends the search
            // first, so a long line costs time in proportion to its length, not its square.
            let end = text.find(|c: char| {
                matches!(
                    c,
                    ':' | ' ' | '\t' | ',' | '{' | '}' | '[' | ']' | '"' | '\''
                )
            })?;
            if end == 0 || !text[end..].starts_with(':') {
                return None;
            }
            (&text[..end], &text[end..])
        }
    };
    let after = after.strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        // `image:tag` is one plain scalar, not a key; JSON's `"image":"r"` is a key.
        if !text.starts_with(['"', '\'']) {
            return None;
        }
    }
    Some((key, after))
}

/// A value at the start of `text`: the text inside quotes, or a plain value up to a comment
/// or a flow separator (a reference holds neither). Returns it and how many bytes it used.
fn value(text: &str) -> (&str, usize) {
    if let Some(quote @ ('"' | '\'')) = text.chars().next() {
        // An escape or a quote doubled inside an image reference is not worth reading: such
        // a value is no reference.
        return match text[1..].find(quote) {
            Some(end) => (&text[1..end + 1], end + 2),
            None => ("", text.len()),
        };
    }
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        if matches!(c, ',' | '}' | ']') {
            end = i;
            break;
        }
        if c == '#' && text[..i].ends_with([' ', '\t']) {
            end = i;
            break;
        }
    }
    (text[..end].trim_end(), end)
}

/// Where the next entry of a flow collection may start: after the next `,`, `{` or `[`
/// outside quotes.
fn next_separator(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, ',' | '{' | '[') => return Some(i + 1),
            (None, '#') if text[..i].ends_with([' ', '\t']) => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(line: &str) -> Vec<(&str, &str, usize)> {
        entries(line)
    }

    #[test]
    fn block_flow_and_json_entries_are_read_with_their_offsets() {
        assert_eq!(found("  image: r.io/a:1"), [("image", "r.io/a:1", 9)]);
        assert_eq!(
            found("  - image: \"r.io/a:1\" # c"),
            [("image", "r.io/a:1", 11)]
        );
        assert_eq!(
            found("\"image\": \"r.io/a:1\","),
            [("image", "r.io/a:1", 9)]
        );
        assert_eq!(
            found("{\"image\":\"r.io/a:1\"}"),
            [("image", "r.io/a:1", 9)]
        );
        assert_eq!(
            found("- {name: c, image: r.io/a:1, sidecarImage: 'r.io/s:2'}"),
            [("image", "r.io/a:1", 19), ("sidecarImage", "r.io/s:2", 43)]
        );
        assert_eq!(
            found("    proxyImage: r.io/p:1 # pinned"),
            [("proxyImage", "r.io/p:1", 16)]
        );
    }

    #[test]
    fn comments_other_keys_and_plain_colons_are_not_entries() {
        assert!(found("# image: r.io/a:1").is_empty());
        assert!(found("   #image: r.io/a:1").is_empty());
        assert!(found("name: r.io/a:1").is_empty());
        assert!(found("imagePullPolicy: Always").is_empty());
        assert!(found("- image:r.io/a:1").is_empty());
        assert!(found("image:").is_empty());
        assert!(found("args: [\"--x\", \"# image: r.io/a:1\"]").is_empty());
    }

    #[test]
    fn long_and_odd_lines_end_without_panics() {
        let long = "a,".repeat(100_000);
        assert!(found(&long).is_empty());
        for line in [
            "\"",
            "'",
            "\"image",
            "image: \"",
            "{image: 'x",
            "é: é",
            ":",
            "- : x",
            "\"é\": \"r.io/é:1\"",
        ] {
            let _ = found(line);
        }
        assert_eq!(found("{image: r.io/a:1}]"), [("image", "r.io/a:1", 8)]);
    }
}
