//! Key paths: where in a document a value sits (`spec.template.spec.containers[0].image`).
//!
//! Two forms, as `Path` and `PathBuf`: [`KeyPath`] is the path being walked, borrowing its
//! keys from the document so that a walk allocates nothing per step; [`KeyPathBuf`] is an owned
//! path, kept in every source and values entry, structured (never a string to parse back) and
//! printed in one way everywhere. A path inside a document held in a string (a ConfigMap value)
//! continues the path of that string.

use std::fmt::{self, Write as _};

/// One step of a key path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(Box<str>),
    /// A sequence index.
    Index(usize),
}

impl Seg {
    /// A key step.
    pub fn key(key: &str) -> Seg {
        Seg::Key(key.into())
    }

    /// The key, when the step is one.
    pub fn as_key(&self) -> Option<&str> {
        match self {
            Seg::Key(key) => Some(key),
            Seg::Index(_) => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Step<'s> {
    Key(&'s str),
    Index(usize),
}

impl From<Step<'_>> for Seg {
    fn from(step: Step<'_>) -> Seg {
        match step {
            Step::Key(key) => Seg::key(key),
            Step::Index(index) => Seg::Index(index),
        }
    }
}

/// A key path being walked. A path inside a nested document starts with the outer path.
#[derive(Debug, Clone, Default)]
pub struct KeyPath<'s> {
    prefix: Vec<Seg>,
    steps: Vec<Step<'s>>,
}

impl<'s> KeyPath<'s> {
    /// A path that continues `prefix` (the path of the string holding a document).
    pub fn under(prefix: KeyPathBuf) -> Self {
        KeyPath {
            prefix: prefix.0,
            steps: Vec::new(),
        }
    }

    /// Appends a mapping key.
    pub fn key(&mut self, key: &'s str) -> &mut Self {
        self.steps.push(Step::Key(key));
        self
    }

    /// Appends a sequence index.
    pub fn index(&mut self, index: usize) -> &mut Self {
        self.steps.push(Step::Index(index));
        self
    }

    /// Removes the last `n` steps.
    pub fn pop(&mut self, n: usize) {
        let keep = self.steps.len().saturating_sub(n);
        self.steps.truncate(keep);
    }

    /// Number of steps (the prefix not counted).
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the path has no steps and no prefix.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.prefix.is_empty()
    }

    /// The first `depth` steps, owned (the prefix of a nested document is not included).
    pub fn owned(&self, depth: usize) -> KeyPathBuf {
        KeyPathBuf(
            self.steps
                .iter()
                .take(depth)
                .map(|&s| Seg::from(s))
                .collect(),
        )
    }

    /// The whole path, prefix included, owned.
    pub fn to_buf(&self) -> KeyPathBuf {
        let mut segs = self.prefix.clone();
        segs.extend(self.steps.iter().map(|&s| Seg::from(s)));
        KeyPathBuf(segs)
    }

    /// The last key, if the path ends with one.
    pub fn last_key(&self) -> Option<&'s str> {
        match self.steps.last() {
            Some(Step::Key(key)) => Some(key),
            _ => None,
        }
    }
}

impl fmt::Display for KeyPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut writer = Writer { f, first: true };
        for seg in &self.prefix {
            writer.seg(seg.as_key().map_or(Step::Index(index_of(seg)), Step::Key))?;
        }
        for &step in &self.steps {
            writer.seg(step)?;
        }
        Ok(())
    }
}

fn index_of(seg: &Seg) -> usize {
    match seg {
        Seg::Index(index) => *index,
        Seg::Key(_) => 0,
    }
}

/// An owned key path.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPathBuf(pub Vec<Seg>);

impl KeyPathBuf {
    /// The steps.
    pub fn segs(&self) -> &[Seg] {
        &self.0
    }

    /// This path with a key appended.
    pub fn child(&self, key: &str) -> KeyPathBuf {
        let mut segs = self.0.clone();
        segs.push(Seg::key(key));
        KeyPathBuf(segs)
    }

    /// This path with its last step replaced by a key (a sibling of the last key).
    pub fn sibling(&self, key: &str) -> KeyPathBuf {
        let mut segs = self.0.clone();
        segs.pop();
        segs.push(Seg::key(key));
        KeyPathBuf(segs)
    }

    /// This path with keys appended.
    pub fn join(&self, keys: &[&str]) -> KeyPathBuf {
        let mut segs = self.0.clone();
        segs.extend(keys.iter().map(|k| Seg::key(k)));
        KeyPathBuf(segs)
    }
}

impl fmt::Display for KeyPathBuf {
    /// Keys joined with `.`, indices as `[i]`; a key that is not a plain identifier (an
    /// annotation such as `sidecar.istio.io/proxyImage`) is written `["..."]` so the path
    /// stays unambiguous.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut writer = Writer { f, first: true };
        for seg in &self.0 {
            writer.seg(seg.as_key().map_or(Step::Index(index_of(seg)), Step::Key))?;
        }
        Ok(())
    }
}

struct Writer<'f, 'g> {
    f: &'f mut fmt::Formatter<'g>,
    first: bool,
}

impl Writer<'_, '_> {
    fn seg(&mut self, step: Step<'_>) -> fmt::Result {
        match step {
            Step::Index(index) => write!(self.f, "[{index}]")?,
            Step::Key(key) if is_plain_key(key) => {
                if !self.first {
                    self.f.write_char('.')?;
                }
                self.f.write_str(key)?;
            }
            Step::Key(key) => {
                self.f.write_char('[')?;
                // JSON string syntax: quotes and control characters escaped.
                self.f
                    .write_str(&serde_json::to_string(key).map_err(|_| fmt::Error)?)?;
                self.f.write_char(']')?;
            }
        }
        self.first = false;
        Ok(())
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_quote_keys_that_are_not_identifiers() {
        let mut path = KeyPath::default();
        path.key("metadata")
            .key("annotations")
            .key("sidecar.istio.io/proxyImage");
        assert_eq!(
            path.to_string(),
            r#"metadata.annotations["sidecar.istio.io/proxyImage"]"#
        );
        let mut path = KeyPath::default();
        path.key("spec").key("containers").index(0).key("image");
        assert_eq!(path.to_string(), "spec.containers[0].image");
        assert_eq!(path.to_buf().to_string(), "spec.containers[0].image");
    }

    #[test]
    fn nested_key_paths_continue_their_prefix() {
        let mut outer = KeyPath::default();
        outer.key("data").key("katib-config.yaml");
        let mut path = KeyPath::under(outer.to_buf());
        path.key("runtime").index(0).key("image");
        assert_eq!(
            path.to_string(),
            r#"data["katib-config.yaml"].runtime[0].image"#
        );
        assert_eq!(path.to_buf().to_string(), path.to_string());
        assert_eq!(path.owned(1).to_string(), "runtime");
        let mut outer = KeyPath::default();
        outer.key("data").key("values");
        let mut path = KeyPath::under(outer.to_buf());
        path.key("global");
        assert_eq!(path.to_string(), "data.values.global");
    }

    #[test]
    fn owned_paths_grow_by_children_and_siblings() {
        let path = KeyPathBuf(vec![Seg::key("image"), Seg::key("repository")]);
        assert_eq!(path.sibling("tag").to_string(), "image.tag");
        assert_eq!(path.child("x").to_string(), "image.repository.x");
        assert_eq!(
            KeyPathBuf::default().join(&["global", "hub"]).to_string(),
            "global.hub"
        );
    }
}
