//! Go's `path.Match`: shell patterns over `/`-separated names.
//!
//! Helm matches `.helmignore` rules and `helm template --show-only` with Go's
//! `filepath.Match`, so a chart's files are chosen by exactly that grammar: `*` is any run of
//! characters but `/`, `?` one character but `/`, `[...]` a class (ranges, `^` to negate,
//! `\` to escape), `\x` the character `x`. A malformed pattern is an error, as in Go.

/// Why a pattern is malformed (Go's `path.ErrBadPattern`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPattern;

impl std::fmt::Display for BadPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("syntax error in pattern")
    }
}

/// Whether `name` matches `pattern` as a whole.
pub fn matches(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    let result = match_from(&pattern, &name)?;
    // Go checks the rest of the pattern for syntax errors even after a failed match.
    if !result {
        validate(&pattern)?;
    }
    Ok(result)
}

/// Checks the whole pattern for syntax errors.
fn validate(pattern: &[char]) -> Result<(), BadPattern> {
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            '\\' => {
                if i + 1 >= pattern.len() {
                    return Err(BadPattern);
                }
                i += 2;
            }
            '[' => {
                let (_, used) = class(&pattern[i + 1..], None)?;
                i += 1 + used;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

fn match_from(pattern: &[char], name: &[char]) -> Result<bool, BadPattern> {
    let (mut p, mut n) = (0, 0);
    // The position to retry from after the last `*`: (pattern index after the star, name
    // index the star has absorbed up to).
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            match pattern[p] {
                '*' => {
                    while p < pattern.len() && pattern[p] == '*' {
                        p += 1;
                    }
                    star = Some((p, n));
                    continue;
                }
                c => {
                    if n < name.len() {
                        let (matched, used) = single(&pattern[p..], name[n])?;
                        if matched {
                            p += used;
                            n += 1;
                            continue;
                        }
                    } else if c != '*' {
                        // The name is used up; only trailing stars could still match.
                    }
                }
            }
        } else if n == name.len() {
            return Ok(true);
        }
        // Backtrack: let the last star absorb one more character, never a `/`.
        match star {
            Some((after, absorbed)) if absorbed < name.len() && name[absorbed] != '/' => {
                star = Some((after, absorbed + 1));
                p = after;
                n = absorbed + 1;
            }
            _ => return Ok(false),
        }
    }
}

/// Matches one pattern element against `c`; returns whether it matched and how many pattern
/// characters it used.
fn single(pattern: &[char], c: char) -> Result<(bool, usize), BadPattern> {
    match pattern.first() {
        Some('?') => Ok((c != '/', 1)),
        Some('[') => {
            let (matched, used) = class(&pattern[1..], Some(c))?;
            Ok((matched, used + 1))
        }
        Some('\\') => match pattern.get(1) {
            Some(&escaped) => Ok((escaped == c, 2)),
            None => Err(BadPattern),
        },
        Some(&literal) => Ok((literal == c, 1)),
        None => Ok((false, 0)),
    }
}

/// A character class after its `[`: whether `c` is in it (when given) and how many pattern
/// characters it used, the closing `]` included.
fn class(pattern: &[char], c: Option<char>) -> Result<(bool, usize), BadPattern> {
    let mut i = 0;
    let negated = pattern.first() == Some(&'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let Some(&here) = pattern.get(i) else {
            return Err(BadPattern);
        };
        if here == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (low, used) = class_char(&pattern[i..])?;
        i += used;
        let mut high = low;
        if pattern.get(i) == Some(&'-') {
            let (end, used) = class_char(&pattern[i + 1..])?;
            high = end;
            i += 1 + used;
        }
        if let Some(c) = c {
            if low <= c && c <= high {
                matched = true;
            }
        }
    }
    let result = match c {
        Some(c) => c != '/' && (matched != negated),
        None => false,
    };
    Ok((result, i))
}

fn class_char(pattern: &[char]) -> Result<(char, usize), BadPattern> {
    match pattern.first() {
        None | Some('-') | Some(']') => Err(BadPattern),
        Some('\\') => match pattern.get(1) {
            Some(&c) => Ok((c, 2)),
            None => Err(BadPattern),
        },
        Some(&c) => Ok((c, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `path.Match` tests (`src/path/match_test.go`).
    #[test]
    fn go_match_cases() {
        let cases: &[(&str, &str, Result<bool, BadPattern>)] = &[
            ("abc", "abc", Ok(true)),
            ("*", "abc", Ok(true)),
            ("*c", "abc", Ok(true)),
            ("a*", "a", Ok(true)),
            ("a*", "abc", Ok(true)),
            ("a*", "ab/c", Ok(false)),
            ("a*/b", "abc/b", Ok(true)),
            ("a*/b", "a/c/b", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Ok(false)),
            ("a*b?c*x", "abxbbxdbxebxczzx", Ok(true)),
            ("a*b?c*x", "abxbbxdbxebxczzy", Ok(false)),
            ("ab[c]", "abc", Ok(true)),
            ("ab[b-d]", "abc", Ok(true)),
            ("ab[e-g]", "abc", Ok(false)),
            ("ab[^c]", "abc", Ok(false)),
            ("ab[^b-d]", "abc", Ok(false)),
            ("ab[^e-g]", "abc", Ok(true)),
            ("a\\*b", "a*b", Ok(true)),
            ("a\\*b", "ab", Ok(false)),
            ("a?b", "a☺b", Ok(true)),
            ("a[^a]b", "a☺b", Ok(true)),
            ("a???b", "a☺b", Ok(false)),
            ("a[^a][^a][^a]b", "a☺b", Ok(false)),
            ("[a-ζ]*", "α", Ok(true)),
            ("*[a-ζ]", "A", Ok(false)),
            ("a?b", "a/b", Ok(false)),
            ("a*b", "a/b", Ok(false)),
            ("[\\]a]", "]", Ok(true)),
            ("[\\-]", "-", Ok(true)),
            ("[x\\-]", "x", Ok(true)),
            ("[x\\-]", "-", Ok(true)),
            ("[x\\-]", "z", Ok(false)),
            ("[\\-x]", "x", Ok(true)),
            ("[\\-x]", "-", Ok(true)),
            ("[\\-x]", "a", Ok(false)),
            ("[]a]", "]", Err(BadPattern)),
            ("[-]", "-", Err(BadPattern)),
            ("[x-]", "x", Err(BadPattern)),
            ("[x-]", "-", Err(BadPattern)),
            ("[x-]", "z", Err(BadPattern)),
            ("[-x]", "x", Err(BadPattern)),
            ("[-x]", "-", Err(BadPattern)),
            ("[-x]", "a", Err(BadPattern)),
            ("\\", "a", Err(BadPattern)),
            ("[a-b-c]", "a", Err(BadPattern)),
            ("[", "a", Err(BadPattern)),
            ("[^", "a", Err(BadPattern)),
            ("[^bc", "a", Err(BadPattern)),
            ("a[", "a", Err(BadPattern)),
            ("a[", "ab", Err(BadPattern)),
            ("a[", "x", Err(BadPattern)),
            ("a/b[", "x", Err(BadPattern)),
            ("*x", "xxx", Ok(true)),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(&matches(pattern, name), want, "{pattern:?} {name:?}");
        }
    }
}
