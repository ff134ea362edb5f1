//! Masterminds/semver v3 (v3.5.0, the version Helm v4 links): version parsing as `NewVersion`
//! (with `CoerceNewVersion`, the default) and `StrictNewVersion`, precedence, and constraints
//! (`NewConstraint`, `Check`, `Validate`) with their prerelease rules, error texts included.
//!
//! Helm uses this outside templates too: a chart's `dependencies[].version` ranges and its
//! `kubeVersion` are checked with [`is_compatible_range`] (Helm's `chartutil.IsCompatibleRange`).
//!
//! No dependency: the library's own regular expressions are compiled, unchanged, by this crate's
//! port of Go's `regexp` (so `\s` and the alternation order of `=||!=|>|...` behave as in Go),
//! and the rest is a line-by-line port.
//!
//! ```
//! use gotemplate::sprig::semver::{is_compatible_range, Constraints, Version};
//!
//! assert!(is_compatible_range(">= 1.19-0 < 1.30.0", "v1.29.3-eks-1234"));
//! assert!(!is_compatible_range("^1.2", "1.3.0-beta.1"));
//! let v = Version::parse("v1.2").unwrap();
//! assert_eq!(v.to_string(), "1.2.0");
//! assert_eq!(v.original(), "v1.2");
//! let c = Constraints::parse("~1.2.3 || >=2.0.0-0").unwrap();
//! assert!(c.check(&Version::parse("2.0.0-rc.1").unwrap()));
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;
use std::sync::LazyLock;

use super::regex::GoRegex;
use crate::funcs::{Function, Signature, Type};
use crate::strconv::quote;
use crate::value::{Object, Value};
use crate::{FuncError, FuncMap};

#[cfg(test)]
#[path = "semver/tables.rs"]
mod tables;

/// An error from parsing a version or a constraint, with Masterminds/semver's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemverError(String);

impl SemverError {
    fn new(s: impl Into<String>) -> SemverError {
        SemverError(s.into())
    }
}

impl fmt::Display for SemverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SemverError {}

const ERR_INVALID_SEMVER: &str = "invalid semantic version";
const ERR_EMPTY_STRING: &str = "version string empty";
const ERR_INVALID_CHARACTERS: &str = "invalid characters in version";
const ERR_SEGMENT_STARTS_ZERO: &str = "version segment starts with 0";
const ERR_INVALID_METADATA: &str = "invalid metadata string";
const ERR_INVALID_PRERELEASE: &str = "invalid prerelease string";

const CV_REGEX: &str = concat!(
    r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?",
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?",
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
);
const LOOSE_SEMVER_REGEX: &str = concat!(
    r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?",
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?",
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
);
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

struct Regexes {
    loose_version: GoRegex,
    constraint: GoRegex,
    constraint_range: GoRegex,
    find_constraint: GoRegex,
    valid_constraint: GoRegex,
}

static REGEXES: LazyLock<Option<Regexes>> = LazyLock::new(|| {
    Some(Regexes {
        loose_version: GoRegex::compile(&format!("^{LOOSE_SEMVER_REGEX}$")).ok()?,
        constraint: GoRegex::compile(&format!(r"^\s*({OPS})\s*({CV_REGEX})\s*$")).ok()?,
        constraint_range: GoRegex::compile(&format!(r"\s*({CV_REGEX})\s+-\s+({CV_REGEX})\s*"))
            .ok()?,
        find_constraint: GoRegex::compile(&format!(r"({OPS})\s*({CV_REGEX})")).ok()?,
        valid_constraint: GoRegex::compile(&format!(
            r"^(\s*({OPS})\s*({CV_REGEX})\s*)((?:\s+|,\s*)({OPS})\s*({CV_REGEX})\s*)*$"
        ))
        .ok()?,
    })
});

fn regexes() -> Result<&'static Regexes, SemverError> {
    REGEXES
        .as_ref()
        .ok_or_else(|| SemverError::new("semver: internal regular expressions do not compile"))
}

/// A semantic version (Masterminds' `Version`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

/// Go's `strconv.ParseUint(s, 10, 64)` with its error text.
fn parse_uint(s: &str) -> Result<u64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseUint: parsing {}: invalid syntax",
            quote(s, false)
        ));
    }
    s.parse::<u64>().map_err(|_| {
        format!(
            "strconv.ParseUint: parsing {}: value out of range",
            quote(s, false)
        )
    })
}

fn segment(s: &str) -> Result<u64, SemverError> {
    parse_uint(s).map_err(|e| SemverError::new(format!("error parsing version segment: {e}")))
}

fn contains_only(s: &str, allowed: impl Fn(char) -> bool) -> bool {
    s.chars().all(allowed)
}

fn is_num(c: char) -> bool {
    c.is_ascii_digit()
}

fn is_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn validate_prerelease(p: &str) -> Result<(), SemverError> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(SemverError::new(ERR_INVALID_PRERELEASE));
        } else if contains_only(part, is_num) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(SemverError::new(ERR_SEGMENT_STARTS_ZERO));
            }
        } else if !contains_only(part, is_allowed) {
            return Err(SemverError::new(ERR_INVALID_PRERELEASE));
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), SemverError> {
    for part in m.split('.') {
        if part.is_empty() || !contains_only(part, is_allowed) {
            return Err(SemverError::new(ERR_INVALID_METADATA));
        }
    }
    Ok(())
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (parse_uint(s), parse_uint(o)) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(a), Ok(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

fn compare_prerelease(v: &str, o: &str) -> Ordering {
    let sp: Vec<&str> = v.split('.').collect();
    let op: Vec<&str> = o.split('.').collect();
    for i in 0..sp.len().max(op.len()) {
        let a = sp.get(i).copied().unwrap_or("");
        let b = op.get(i).copied().unwrap_or("");
        let d = compare_pre_part(a, b);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

impl Version {
    /// `NewVersion` (coercing: `v1.2`, `1`, `01.2.3` are accepted; `v` is optional).
    pub fn parse(v: &str) -> Result<Version, SemverError> {
        let re = regexes()?;
        let Some(m) = re.loose_version.submatch(v) else {
            return Err(SemverError::new(ERR_INVALID_SEMVER));
        };
        let g = |i: usize| m.get(i).copied().unwrap_or("");
        let mut sv = Version {
            major: segment(g(1))?,
            minor: 0,
            patch: 0,
            pre: g(5).to_string(),
            metadata: g(8).to_string(),
            original: v.to_string(),
        };
        if !g(2).is_empty() {
            sv.minor = segment(g(2).trim_start_matches('.'))?;
        }
        if !g(3).is_empty() {
            sv.patch = segment(g(3).trim_start_matches('.'))?;
        }
        if !sv.pre.is_empty() {
            validate_prerelease(&sv.pre)?;
        }
        if !sv.metadata.is_empty() {
            validate_metadata(&sv.metadata)?;
        }
        Ok(sv)
    }

    /// `StrictNewVersion`: exactly `MAJOR.MINOR.PATCH[-PRE][+META]`, no `v`, no leading zeros.
    pub fn parse_strict(v: &str) -> Result<Version, SemverError> {
        if v.is_empty() {
            return Err(SemverError::new(ERR_EMPTY_STRING));
        }
        let mut parts: Vec<String> = v.splitn(3, '.').map(str::to_string).collect();
        if parts.len() != 3 {
            return Err(SemverError::new(ERR_INVALID_SEMVER));
        }
        let mut sv = Version {
            major: 0,
            minor: 0,
            patch: 0,
            pre: String::new(),
            metadata: String::new(),
            original: v.to_string(),
        };
        if let Some((rest, meta)) = parts[2].clone().split_once('+') {
            sv.metadata = meta.to_string();
            parts[2] = rest.to_string();
            validate_metadata(&sv.metadata)?;
        }
        if let Some((rest, pre)) = parts[2].clone().split_once('-') {
            sv.pre = pre.to_string();
            parts[2] = rest.to_string();
            validate_prerelease(&sv.pre)?;
        }
        for p in &parts {
            if !contains_only(p, is_num) {
                return Err(SemverError::new(ERR_INVALID_CHARACTERS));
            }
            if p.len() > 1 && p.starts_with('0') {
                return Err(SemverError::new(ERR_SEGMENT_STARTS_ZERO));
            }
        }
        sv.major = parse_uint(&parts[0]).map_err(SemverError::new)?;
        sv.minor = parse_uint(&parts[1]).map_err(SemverError::new)?;
        sv.patch = parse_uint(&parts[2]).map_err(SemverError::new)?;
        Ok(sv)
    }

    /// `New(major, minor, patch, pre, metadata)` (not validated, as in Go).
    pub fn new(major: u64, minor: u64, patch: u64, pre: &str, metadata: &str) -> Version {
        let mut v = Version {
            major,
            minor,
            patch,
            pre: pre.to_string(),
            metadata: metadata.to_string(),
            original: String::new(),
        };
        v.original = v.to_string();
        v
    }

    /// The major number.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor number.
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch number.
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The prerelease, without its `-`.
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata, without its `+`.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text that was parsed.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// `Compare`: precedence, metadata ignored, a prerelease below its release.
    pub fn compare(&self, o: &Version) -> Ordering {
        let d = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if d != Ordering::Equal {
            return d;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }

    fn v_prefix(&self) -> &str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    fn with_original(mut self, prefix: &str) -> Version {
        self.original = format!("{prefix}{self}");
        self
    }

    /// `IncPatch` (`None` where Go panics on overflow).
    pub fn inc_patch(&self) -> Option<Version> {
        let mut n = self.clone();
        n.metadata.clear();
        if self.pre.is_empty() {
            n.patch = self.patch.checked_add(1)?;
        }
        n.pre.clear();
        Some(n.with_original(self.v_prefix()))
    }

    /// `IncMinor` (`None` where Go panics on overflow).
    pub fn inc_minor(&self) -> Option<Version> {
        let mut n = self.clone();
        n.metadata.clear();
        n.pre.clear();
        n.patch = 0;
        n.minor = self.minor.checked_add(1)?;
        Some(n.with_original(self.v_prefix()))
    }

    /// `IncMajor` (`None` where Go panics on overflow).
    pub fn inc_major(&self) -> Option<Version> {
        let mut n = self.clone();
        n.metadata.clear();
        n.pre.clear();
        n.patch = 0;
        n.minor = 0;
        n.major = self.major.checked_add(1)?;
        Some(n.with_original(self.v_prefix()))
    }

    /// `SetPrerelease`.
    pub fn set_prerelease(&self, pre: &str) -> Result<Version, SemverError> {
        if !pre.is_empty() {
            validate_prerelease(pre)?;
        }
        let mut n = self.clone();
        n.pre = pre.to_string();
        Ok(n.with_original(self.v_prefix()))
    }

    /// `SetMetadata`.
    pub fn set_metadata(&self, meta: &str) -> Result<Version, SemverError> {
        if !meta.is_empty() {
            validate_metadata(meta)?;
        }
        let mut n = self.clone();
        n.metadata = meta.to_string();
        Ok(n.with_original(self.v_prefix()))
    }
}

impl fmt::Display for Version {
    /// `String()`: `MAJOR.MINOR.PATCH[-PRE][+META]`, no `v`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

fn op_of(s: &str) -> Option<Op> {
    Some(match s {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        "^" => Op::Caret,
        _ => return None,
    })
}

#[derive(Clone, Debug)]
struct Constraint {
    con: Version,
    orig: String,
    origfunc: String,
    op: Op,
    minor_dirty: bool,
    dirty: bool,
    patch_dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "*" | "X")
}

fn q(s: &str) -> String {
    quote(s, false)
}

fn parse_constraint(c: &str) -> Result<Constraint, SemverError> {
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::parse_strict("0.0.0")?,
            orig: String::new(),
            origfunc: String::new(),
            op: Op::TildeOrEqual,
            minor_dirty: false,
            dirty: true,
            patch_dirty: false,
        });
    }
    let re = regexes()?;
    let Some(m) = re.constraint.submatch(c) else {
        return Err(SemverError::new(format!("improper constraint: {}", q(c))));
    };
    let g = |i: usize| m.get(i).copied().unwrap_or("");
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_string()
    };
    let con = Version::parse(&ver).map_err(|_| SemverError::new("constraint parser error"))?;
    let op = op_of(g(1)).ok_or_else(|| SemverError::new("constraint parser error"))?;
    Ok(Constraint {
        con,
        orig: g(2).to_string(),
        origfunc: g(1).to_string(),
        op,
        minor_dirty,
        dirty,
        patch_dirty,
    })
}

fn prerelease_error(v: &Version) -> String {
    format!(
        "{} is a prerelease version and the constraint is only looking for release versions",
        q(&v.to_string())
    )
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> Result<(), String> {
        if !v.pre.is_empty() && !include_pre {
            return Err(prerelease_error(v));
        }
        let vs = q(&v.to_string());
        let orig = q(&self.orig);
        let c = &self.con;
        match self.op {
            Op::NotEqual => {
                if self.dirty {
                    if c.major != v.major {
                        return Ok(());
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return Ok(());
                    } else if self.minor_dirty {
                        return Err(format!("{vs} is equal to {orig}"));
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return Ok(());
                    } else if self.patch_dirty {
                        if (!v.pre.is_empty() || !c.pre.is_empty())
                            && compare_prerelease(&v.pre, &c.pre) != Ordering::Equal
                        {
                            return Ok(());
                        }
                        return Err(format!("{vs} is equal to {orig}"));
                    }
                }
                if v.compare(c) == Ordering::Equal {
                    return Err(format!("{vs} is equal to {orig}"));
                }
                Ok(())
            }
            Op::Greater => {
                let fail = || Err(format!("{vs} is less than or equal to {orig}"));
                if !self.dirty {
                    return if v.compare(c) == Ordering::Greater {
                        Ok(())
                    } else {
                        fail()
                    };
                }
                if v.major > c.major {
                    Ok(())
                } else if v.major < c.major || self.minor_dirty {
                    fail()
                } else if self.patch_dirty {
                    if v.minor > c.minor { Ok(()) } else { fail() }
                } else if v.compare(c) == Ordering::Greater {
                    Ok(())
                } else {
                    fail()
                }
            }
            Op::Less => {
                if v.compare(c) == Ordering::Less {
                    Ok(())
                } else {
                    Err(format!("{vs} is greater than or equal to {orig}"))
                }
            }
            Op::GreaterEqual => {
                if v.compare(c) != Ordering::Less {
                    Ok(())
                } else {
                    Err(format!("{vs} is less than {orig}"))
                }
            }
            Op::LessEqual => {
                let fail = || Err(format!("{vs} is greater than {orig}"));
                if !self.dirty {
                    return if v.compare(c) != Ordering::Greater {
                        Ok(())
                    } else {
                        fail()
                    };
                }
                if v.major > c.major
                    || (v.major == c.major && v.minor > c.minor && !self.minor_dirty)
                {
                    return fail();
                }
                Ok(())
            }
            Op::Tilde => self.tilde(v, &vs, &orig),
            Op::TildeOrEqual => {
                if self.dirty {
                    return self.tilde(v, &vs, &orig);
                }
                if v.compare(c) == Ordering::Equal {
                    Ok(())
                } else {
                    Err(format!("{vs} is not equal to {orig}"))
                }
            }
            Op::Caret => {
                if v.compare(c) == Ordering::Less {
                    return Err(format!("{vs} is less than {orig}"));
                }
                if c.major > 0 || self.minor_dirty {
                    return if v.major == c.major {
                        Ok(())
                    } else {
                        Err(format!("{vs} does not have same major version as {orig}"))
                    };
                }
                if c.major == 0 && v.major > 0 {
                    return Err(format!("{vs} does not have same major version as {orig}"));
                }
                if c.minor > 0 || self.patch_dirty {
                    return if v.minor == c.minor {
                        Ok(())
                    } else {
                        Err(format!(
                            "{vs} does not have same minor version as {orig}. Expected minor \
                             versions to match when constraint major version is 0"
                        ))
                    };
                }
                if c.minor == 0 && v.minor > 0 {
                    return Err(format!("{vs} does not have same minor version as {orig}"));
                }
                if c.patch == v.patch {
                    Ok(())
                } else {
                    Err(format!(
                        "{vs} does not equal {orig}. Expect version and constraint to equal when \
                         major and minor versions are 0"
                    ))
                }
            }
        }
    }

    fn tilde(&self, v: &Version, vs: &str, orig: &str) -> Result<(), String> {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return Err(format!("{vs} is less than {orig}"));
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return Ok(());
        }
        if v.major != c.major {
            return Err(format!("{vs} does not have same major version as {orig}"));
        }
        if v.minor != c.minor && !self.minor_dirty {
            return Err(format!(
                "{vs} does not have same major and minor version as {orig}"
            ));
        }
        Ok(())
    }
}

/// One or more constraints (`||` of space- or comma-separated ANDs), Masterminds' `Constraints`.
#[derive(Clone, Debug)]
pub struct Constraints {
    ors: Vec<Vec<Constraint>>,
    contains_pre: Vec<bool>,
    /// Match prereleases even where no constraint of a group names one (`IncludePrerelease`).
    pub include_prerelease: bool,
}

/// `rewriteRange`: `A - B` becomes `>= A, <= B `.
fn rewrite_range(i: &str) -> Result<String, SemverError> {
    let re = regexes()?;
    let ms = re.constraint_range.all_submatches(i);
    let mut o = i.to_string();
    for m in ms {
        let g = |k: usize| m.get(k).copied().unwrap_or("");
        let t = format!(">= {}, <= {} ", g(1), g(11));
        o = o.replacen(g(0), &t, 1);
    }
    Ok(o)
}

impl Constraints {
    /// `NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, SemverError> {
        let re = regexes()?;
        let c = rewrite_range(c)?;
        let mut ors = Vec::new();
        let mut contains_pre = Vec::new();
        for v in c.split("||") {
            if !re.valid_constraint.is_match(v) {
                return Err(SemverError::new(format!("improper constraint: {}", q(v))));
            }
            let mut cs = re.find_constraint.find_all(v, -1);
            if cs.is_empty() {
                cs.push(v);
            }
            let mut group = Vec::new();
            let mut has_pre = false;
            for s in cs {
                let pc = parse_constraint(s)?;
                if !pc.con.pre.is_empty() {
                    has_pre = true;
                }
                group.push(pc);
            }
            ors.push(group);
            contains_pre.push(has_pre);
        }
        Ok(Constraints {
            ors,
            contains_pre,
            include_prerelease: false,
        })
    }

    fn include_pre(&self, i: usize) -> bool {
        self.include_prerelease || self.contains_pre.get(i).copied().unwrap_or(false)
    }

    /// `Check`: whether the version satisfies one of the `||` groups.
    pub fn check(&self, v: &Version) -> bool {
        self.ors
            .iter()
            .enumerate()
            .any(|(i, g)| g.iter().all(|c| c.check(v, self.include_pre(i)).is_ok()))
    }

    /// `Validate`: like [`check`](Constraints::check), with the reasons for a failure.
    pub fn validate(&self, v: &Version) -> (bool, Vec<String>) {
        let mut errs = Vec::new();
        let mut pre_reported = false;
        for (i, g) in self.ors.iter().enumerate() {
            let mut joy = true;
            for c in g {
                if !self.include_pre(i) && !v.pre.is_empty() {
                    if !pre_reported {
                        errs.push(prerelease_error(v));
                        pre_reported = true;
                    }
                    joy = false;
                } else if let Err(e) = c.check(v, self.include_pre(i)) {
                    errs.push(e);
                    joy = false;
                }
            }
            if joy {
                return (true, Vec::new());
            }
        }
        (false, errs)
    }

    /// The number of `||` groups and the size of each (for tests and diagnostics).
    pub fn shape(&self) -> Vec<usize> {
        self.ors.iter().map(Vec::len).collect()
    }
}

impl fmt::Display for Constraints {
    /// `String()`: groups joined by ` || `, constraints by spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups: Vec<String> = self
            .ors
            .iter()
            .map(|g| {
                g.iter()
                    .map(|c| format!("{}{}", c.origfunc, c.orig))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        f.write_str(&groups.join(" || "))
    }
}

/// Helm's `chartutil.IsCompatibleRange(constraint, version)`: false if either does not parse.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Ok(v) = Version::parse(version) else {
        return false;
    };
    let Ok(c) = Constraints::parse(constraint) else {
        return false;
    };
    c.check(&v)
}

/// Sprig's `semverCompare`: the constraint's error, then the version's.
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, SemverError> {
    let c = Constraints::parse(constraint)?;
    let v = Version::parse(version)?;
    Ok(c.check(&v))
}

/// A `*semver.Version` (or a `semver.Version` value) in templates.
struct VersionObject {
    v: Version,
    pointer: bool,
}

fn version_value(v: Version, pointer: bool) -> Value {
    Value::Object(Rc::new(VersionObject { v, pointer }))
}

fn uint_value(n: u64) -> Value {
    // Go's uint64; the value model has no unsigned 64-bit integer.
    Value::Int64(i64::try_from(n).unwrap_or(i64::MAX))
}

fn other_version(arg: Option<&Value>) -> Option<Version> {
    match arg {
        Some(Value::Object(o)) => o
            .as_any()
            .downcast_ref::<VersionObject>()
            .map(|x| x.v.clone()),
        _ => None,
    }
}

impl Object for VersionObject {
    fn type_name(&self) -> String {
        if self.pointer {
            "*semver.Version".to_string()
        } else {
            "semver.Version".to_string()
        }
    }

    fn method(&self, name: &str) -> Option<Function> {
        // Methods with pointer receivers are not callable on a `semver.Version` value (as
        // `IncPatch` returns): Go reports "can't evaluate field".
        let pointer_receiver = matches!(
            name,
            "Original"
                | "Compare"
                | "LessThan"
                | "LessThanEqual"
                | "GreaterThan"
                | "GreaterThanEqual"
                | "Equal"
        );
        if pointer_receiver && !self.pointer {
            return None;
        }
        let v = self.v.clone();
        let ptr = Type::Named(Rc::from("*semver.Version"));
        let sig0 = |t: Type| Signature::new(vec![], t);
        let f = match name {
            "String" => Function::new(sig0(Type::String), move |_, _| {
                Ok(Value::from(v.to_string()))
            }),
            "Original" => Function::new(sig0(Type::String), move |_, _| {
                Ok(Value::from(v.original()))
            }),
            "Prerelease" => Function::new(sig0(Type::String), move |_, _| {
                Ok(Value::from(v.prerelease()))
            }),
            "Metadata" => Function::new(sig0(Type::String), move |_, _| {
                Ok(Value::from(v.metadata()))
            }),
            "Major" | "Minor" | "Patch" => {
                let n = match name {
                    "Major" => v.major,
                    "Minor" => v.minor,
                    _ => v.patch,
                };
                Function::new(sig0(Type::Named(Rc::from("uint64"))), move |_, _| {
                    Ok(uint_value(n))
                })
            }
            "IncPatch" | "IncMinor" | "IncMajor" => {
                let which = name.to_string();
                Function::new(
                    sig0(Type::Named(Rc::from("semver.Version"))),
                    move |_, _| {
                        let (r, part) = match which.as_str() {
                            "IncPatch" => (v.inc_patch(), "patch"),
                            "IncMinor" => (v.inc_minor(), "minor"),
                            _ => (v.inc_major(), "major"),
                        };
                        r.map(|n| version_value(n, false)).ok_or_else(|| {
                            FuncError::new(format!(
                                "{part} version increment would overflow uint64"
                            ))
                        })
                    },
                )
            }
            "SetPrerelease" | "SetMetadata" => {
                let which = name.to_string();
                Function::new(
                    Signature::new(vec![Type::String], Type::Named(Rc::from("semver.Version"))),
                    move |_, args| {
                        let s = args.first().and_then(Value::as_str).unwrap_or("");
                        let r = if which == "SetPrerelease" {
                            v.set_prerelease(s)
                        } else {
                            v.set_metadata(s)
                        };
                        r.map(|n| version_value(n, false))
                            .map_err(|e| FuncError::new(e.to_string()))
                    },
                )
            }
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal" => {
                let which = name.to_string();
                let result = if which == "Compare" {
                    Type::Int
                } else {
                    Type::Bool
                };
                Function::new(Signature::new(vec![ptr], result), move |_, args| {
                    let Some(o) = other_version(args.first()) else {
                        return Err(FuncError::new(
                            "runtime error: invalid memory address or nil pointer dereference",
                        ));
                    };
                    let d = v.compare(&o);
                    Ok(match which.as_str() {
                        "Compare" => Value::Int(match d {
                            Ordering::Less => -1,
                            Ordering::Equal => 0,
                            Ordering::Greater => 1,
                        }),
                        "LessThan" => Value::Bool(d == Ordering::Less),
                        "LessThanEqual" => Value::Bool(d != Ordering::Greater),
                        "GreaterThan" => Value::Bool(d == Ordering::Greater),
                        "GreaterThanEqual" => Value::Bool(d != Ordering::Less),
                        _ => Value::Bool(d == Ordering::Equal),
                    })
                })
            }
            _ => return None,
        };
        Some(f)
    }

    fn string(&self) -> Option<String> {
        Some(self.v.to_string())
    }

    fn is_pointer(&self) -> bool {
        self.pointer
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub(crate) fn register(map: &mut FuncMap) {
    map.add(
        "semverCompare",
        Signature::new(vec![Type::String, Type::String], Type::Bool),
        |_, a| {
            let c = a.first().and_then(Value::as_str).unwrap_or("");
            let v = a.get(1).and_then(Value::as_str).unwrap_or("");
            semver_compare(c, v)
                .map(Value::Bool)
                .map_err(|e| FuncError::new(e.to_string()))
        },
    );
    map.add(
        "semver",
        Signature::new(vec![Type::String], Type::Named(Rc::from("*semver.Version"))),
        |_, a| {
            let v = a.first().and_then(Value::as_str).unwrap_or("");
            Version::parse(v)
                .map(|v| version_value(v, true))
                .map_err(|e| FuncError::new(e.to_string()))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::tables::*;
    use super::*;

    fn ver(s: &str) -> Version {
        match Version::parse(s) {
            Ok(v) => v,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn cons(s: &str) -> Constraints {
        match Constraints::parse(s) {
            Ok(c) => c,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn versions() {
        for (v, want_err) in STRICT_NEW_VERSION {
            assert_eq!(Version::parse_strict(v).is_err(), *want_err, "strict {v:?}");
        }
        for (v, want_err) in NEW_VERSION {
            assert_eq!(Version::parse(v).is_err(), *want_err, "loose {v:?}");
        }
        for (v, want) in COERCE_STRING {
            assert_eq!(ver(v).to_string(), *want, "{v}");
            assert_eq!(ver(v).original(), *v);
        }
        for (a, b, want) in COMPARE {
            let d = match ver(a).compare(&ver(b)) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            };
            assert_eq!(d, *want, "{a} vs {b}");
        }
        type Table = &'static [(&'static str, &'static str, bool)];
        type Row = (Table, fn(Ordering) -> bool);
        let tables: [Row; 5] = [
            (LESS_THAN, |d| d == Ordering::Less),
            (LESS_THAN_EQUAL, |d| d != Ordering::Greater),
            (GREATER_THAN, |d| d == Ordering::Greater),
            (GREATER_THAN_EQUAL, |d| d != Ordering::Less),
            (EQUAL, |d| d == Ordering::Equal),
        ];
        for (table, f) in tables {
            for (a, b, want) in table {
                assert_eq!(f(ver(a).compare(&ver(b))), *want, "{a} vs {b}");
            }
        }
        for (v, want, how, want_orig) in INC {
            let v = ver(v);
            let n = match *how {
                "patch" => v.inc_patch(),
                "minor" => v.inc_minor(),
                "major" => v.inc_major(),
                _ => panic!("{how}"),
            };
            let Some(n) = n else { panic!("overflow") };
            assert_eq!(n.to_string(), *want);
            assert_eq!(n.original(), *want_orig);
        }
        for (p, want) in VALIDATE_PRERELEASE {
            let got = validate_prerelease(p)
                .err()
                .map(|e| e.0)
                .unwrap_or_default();
            assert_eq!(got, *want, "{p}");
        }
        for (p, want) in VALIDATE_METADATA {
            let got = validate_metadata(p).err().map(|e| e.0).unwrap_or_default();
            assert_eq!(got, *want, "{p}");
        }
        let v = ver("1.2.3-beta.1+build.123");
        assert_eq!(
            (
                v.major(),
                v.minor(),
                v.patch(),
                v.prerelease(),
                v.metadata()
            ),
            (1, 2, 3, "beta.1", "build.123")
        );
        assert_eq!(
            Version::new(1, 2, 3, "alpha.1", "foo.bar").to_string(),
            "1.2.3-alpha.1+foo.bar"
        );
        assert_eq!(
            Version::parse("1.99999999999999999999").err().map(|e| e.0),
            Some(
                "error parsing version segment: strconv.ParseUint: parsing \
                 \"99999999999999999999\": value out of range"
                    .to_string()
            )
        );
    }

    #[test]
    fn constraints() {
        for (input, op, v, want_err) in PARSE_CONSTRAINT {
            match parse_constraint(input) {
                Err(_) => assert!(*want_err, "{input}"),
                Ok(c) => {
                    assert!(!*want_err, "{input}");
                    assert_eq!(c.con.to_string(), *v, "{input}");
                    assert_eq!(Some(c.op), op_of(op), "{input}");
                }
            }
        }
        for (c, v, want) in CONSTRAINT_CHECK {
            let c = match parse_constraint(c) {
                Ok(c) => c,
                Err(e) => panic!("{c}: {e}"),
            };
            let has_pre = !c.con.pre.is_empty();
            assert_eq!(c.check(&ver(v), has_pre).is_ok(), *want, "{} {v}", c.orig);
        }
        for (input, ors, count, want_err) in NEW_CONSTRAINT {
            match Constraints::parse(input) {
                Err(_) => assert!(*want_err, "{input}"),
                Ok(c) => {
                    assert!(!*want_err, "{input}");
                    let shape = c.shape();
                    assert_eq!(shape.len(), *ors, "{input}");
                    assert_eq!(shape[0], *count, "{input}");
                }
            }
        }
        for (c, v, want) in CONSTRAINTS_CHECK {
            assert_eq!(cons(c).check(&ver(v)), *want, "{c} {v}");
        }
        for (c, v, want) in CONSTRAINTS_CHECK_INCLUDE_PRERELEASE {
            let mut c2 = cons(c);
            c2.include_prerelease = true;
            assert_eq!(c2.check(&ver(v)), *want, "{c} {v}");
        }
        for (c, want) in REWRITE_RANGE {
            assert_eq!(rewrite_range(c).ok().as_deref(), Some(*want), "{c}");
        }
        for (c, v, want) in CONSTRAINTS_VALIDATE {
            let (ok, msgs) = cons(c).validate(&ver(v));
            assert_eq!(ok, *want, "{c} {v}");
            assert_eq!(ok, msgs.is_empty(), "{c} {v}");
        }
        for (c, v, want) in CONSTRAINTS_VALIDATE_INCLUDE_PRERELEASE {
            let mut c2 = cons(c);
            c2.include_prerelease = true;
            let (ok, msgs) = c2.validate(&ver(v));
            assert_eq!(ok, *want, "{c} {v}");
            assert_eq!(ok, msgs.is_empty(), "{c} {v}");
        }
        for (c, v, msg) in CONSTRAINTS_VALIDATE_MESSAGES {
            let v = match Version::parse_strict(v) {
                Ok(v) => v,
                Err(e) => panic!("{v}: {e}"),
            };
            let (_, msgs) = cons(c).validate(&v);
            assert_eq!(msgs.first().map(String::as_str), Some(*msg), "{c}");
        }
        for (c, v, msg) in CONSTRAINTS_VALIDATE_INCLUDE_PRERELEASE_MESSAGES {
            let v = match Version::parse_strict(v) {
                Ok(v) => v,
                Err(e) => panic!("{v}: {e}"),
            };
            let mut c2 = cons(c);
            c2.include_prerelease = true;
            let (_, msgs) = c2.validate(&v);
            assert_eq!(msgs.first().map(String::as_str), Some(*msg), "{c}");
        }
        for (c, want) in CONSTRAINT_STRING {
            let s = cons(c).to_string();
            assert_eq!(s, *want, "{c}");
            assert!(Constraints::parse(&s).is_ok());
        }
        // Two messages from one Validate (constraints_test.go).
        let (_, msgs) = cons("= 2.0 || >= 3.0").validate(&ver("1.2.3"));
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            Constraints::parse("foo").err().map(|e| e.0),
            Some("improper constraint: \"foo\"".to_string())
        );
    }

    #[test]
    fn helm_ranges() {
        assert!(is_compatible_range(">=1.21.0-0", "v1.30.0"));
        assert!(is_compatible_range(">=1.21.0-0", "1.30.0-gke.100"));
        assert!(!is_compatible_range(">=1.21.0", "1.30.0-gke.100"));
        assert!(is_compatible_range(">= 1.19-0 < 1.30.0", "1.29.9"));
        assert!(!is_compatible_range(">= 1.19-0 < 1.30.0", "1.30.0"));
        assert!(is_compatible_range("1.x", "1.99.0"));
        assert!(is_compatible_range("^1.2", "1.9.0"));
        assert!(!is_compatible_range("^1.2", "2.0.0"));
        assert!(is_compatible_range("~1.2.3", "1.2.9"));
        assert!(!is_compatible_range("~1.2.3", "1.3.0"));
        assert!(!is_compatible_range("nonsense", "1.0.0"));
        assert!(!is_compatible_range("*", "not-a-version"));
    }
}
