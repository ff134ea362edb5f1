//! The patterns of `.Files.Glob`: gobwas/glob with `/` as the separator, as Helm compiles
//! them. `*` is any run of characters but `/`, `**` any run at all, `?` one character but
//! `/`, `[abc]` / `[!abc]` / `[a-z]` classes, `{a,b}` alternatives (which may hold patterns),
//! `\x` the character `x`. A pattern that does not compile matches every file, as Helm falls
//! back to `**`.

use regex::Regex;

/// A compiled pattern.
pub enum Glob {
    /// `**`: every name.
    Any,
    /// Anything else.
    Pattern(Regex),
}

impl Glob {
    /// Compiles `pattern`; `None` when it is malformed.
    pub fn new(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut out = String::from("^");
        let used = translate(&chars, 0, &mut out, false)?;
        if used != chars.len() {
            return None;
        }
        out.push('$');
        regex::RegexBuilder::new(&out)
            .size_limit(1 << 20)
            .build()
            .ok()
            .map(Glob::Pattern)
    }

    /// The pattern `**`.
    pub fn everything() -> Glob {
        Glob::Any
    }

    /// Whether `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            Glob::Any => true,
            Glob::Pattern(re) => re.is_match(name),
        }
    }
}

/// Translates from `start` until the end, or (inside `{...}`) until a top-level `,` or `}`;
/// returns where it stopped.
fn translate(chars: &[char], start: usize, out: &mut String, in_braces: bool) -> Option<usize> {
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '*' => {
                if chars.get(i + 1) == Some(&'*') {
                    out.push_str(".*");
                    i += 2;
                } else {
                    out.push_str("[^/]*");
                    i += 1;
                }
            }
            '?' => {
                out.push_str("[^/]");
                i += 1;
            }
            '[' => {
                let mut j = i + 1;
                let negated = matches!(chars.get(j), Some('!'));
                if negated {
                    j += 1;
                }
                let mut class = String::new();
                while j < chars.len() && chars[j] != ']' {
                    let c = chars[j];
                    if c == '\\' || c == '[' || c == '^' || c == '&' || c == '~' || c == '|' {
                        class.push('\\');
                    }
                    class.push(c);
                    j += 1;
                }
                if j >= chars.len() || class.is_empty() {
                    return None;
                }
                out.push('[');
                if negated {
                    out.push('^');
                }
                out.push_str(&class);
                out.push(']');
                i = j + 1;
            }
            '{' => {
                out.push_str("(?:");
                let mut j = i + 1;
                loop {
                    j = translate(chars, j, out, true)?;
                    match chars.get(j) {
                        Some(',') => {
                            out.push('|');
                            j += 1;
                        }
                        Some('}') => {
                            out.push(')');
                            j += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                i = j;
            }
            ',' | '}' if in_braces => return Some(i),
            '\\' => {
                let escaped = *chars.get(i + 1)?;
                out.push_str(&regex::escape(&escaped.to_string()));
                i += 2;
            }
            c => {
                out.push_str(&regex::escape(&c.to_string()));
                i += 1;
            }
        }
    }
    if in_braces {
        // An unclosed `{`.
        return None;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, name: &str) -> bool {
        Glob::new(pattern).is_some_and(|g| g.matches(name))
    }

    #[test]
    fn patterns_follow_gobwas_glob_with_a_slash_separator() {
        assert!(matches("files/*.yaml", "files/a.yaml"));
        assert!(!matches("files/*.yaml", "files/sub/a.yaml"));
        assert!(matches("files/**.yaml", "files/sub/a.yaml"));
        assert!(matches("files/**", "files/a/b/c"));
        assert!(matches("*.{json,yaml}", "a.json"));
        assert!(matches("*.{json,yaml}", "a.yaml"));
        assert!(!matches("*.{json,yaml}", "a.txt"));
        assert!(matches("conf/[ab].txt", "conf/a.txt"));
        assert!(!matches("conf/[!ab].txt", "conf/a.txt"));
        assert!(matches("conf/?.txt", "conf/c.txt"));
        assert!(!matches("conf/?.txt", "conf/cd.txt"));
        assert!(matches("a\\*b", "a*b"));
        assert!(Glob::new("{a,b").is_none());
        assert!(Glob::everything().matches("any/thing"));
    }
}
