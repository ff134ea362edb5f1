//! The user's rule file (`.imgsift.yaml`): extra images, exclusions, image paths of custom
//! resources (Kyverno's `imageExtractors` form) and values shapes.
//!
//! This module owns the rules as data and the matching of one rule against one thing (a
//! reference, an object, a kind); `read.rs` turns the file into rules and diagnostics. It knows
//! nothing of the stages that apply the rules: `extract/custom.rs` runs the extractors, the
//! object exclusions and the shapes while a document is read, and `inventory/rules.rs` applies
//! the reference exclusions and the extra images to the finished inventory and says which
//! rules matched nothing. The grammar is docs/config.md.
//!
//! Rules are counted as they match, from many threads at once (atomics), so that a rule that
//! matched nothing in the whole run can be told apart from one that did.

mod read;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::diag::Diagnostic;
use crate::kube::Object;
use crate::reference::Reference;

pub use read::{FILE_NAME, parse};

/// Every rule of one rule file, and the problems met reading it.
#[derive(Debug, Default)]
pub struct Rules {
    /// The rule file, as displayed (`.imgsift.yaml`, `../.imgsift.yaml`, or as given).
    pub file: Arc<str>,
    /// Images added to the inventory whatever the inputs hold.
    pub images: Vec<ExtraImage>,
    /// Images and objects left out.
    pub exclude: Vec<Exclusion>,
    /// Image paths of custom resources.
    pub extractors: Vec<ImageExtractor>,
    /// Key names that form an image in values-like trees.
    pub shapes: Vec<ValueShape>,
    /// Problems of the rule file itself (bad rules are left out, the others apply).
    pub diagnostics: Vec<Diagnostic>,
}

// `ExtractOptions` compares its fields; a run has one rule file, so two rule sets are the
// same exactly when they are the same value in memory.
impl PartialEq for Rules {
    fn eq(&self, other: &Rules) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Rules {}

/// Which rule of the rule file an image or a source comes from, for the output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleNote {
    /// The rule file, as displayed.
    pub file: Arc<str>,
    /// 1-based line and column of the rule.
    pub line: u64,
    /// See `line`.
    pub column: u64,
    /// The rule's place in the file (`images[0]`, `imageExtractors.Task[1]`).
    pub rule: String,
    /// The reason the rule gives (`reason:`).
    pub reason: Option<String>,
    /// An extractor's `name`.
    pub name: Option<String>,
}

/// A match counter shared by the threads of a run.
#[derive(Debug, Default)]
pub struct Hits(AtomicU64);

impl Hits {
    /// Counts one match.
    pub fn hit(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether anything matched.
    pub fn any(&self) -> bool {
        self.0.load(Ordering::Relaxed) > 0
    }
}

/// `images:` entry: an image the user says is pulled, named in no manifest.
#[derive(Debug)]
pub struct ExtraImage {
    /// The normalized reference.
    pub reference: Reference,
    /// As written.
    pub raw: String,
    /// Where and why.
    pub note: Arc<RuleNote>,
}

/// `exclude:` entry.
#[derive(Debug)]
pub struct Exclusion {
    /// What it leaves out.
    pub pattern: Excluded,
    /// Where and why.
    pub note: Arc<RuleNote>,
    /// How often it matched.
    pub hits: Hits,
}

/// What an exclusion leaves out.
#[derive(Debug)]
pub enum Excluded {
    /// Images whose normalized reference matches.
    Ref(RefPattern),
    /// Every image of the objects that match (`Kind/name`, `Kind/namespace/name`).
    Object(ObjectPattern),
}

/// A pattern over normalized references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefPattern {
    /// `*` and `?` over the whole normalized reference (`docker.io/library/busybox:*`).
    Glob(String),
    /// A reference without wildcards, normalized: with a tag or digest it selects exactly
    /// that image, without either every tag and digest of the repository.
    Exact(Reference),
}

impl RefPattern {
    /// Whether the pattern selects `reference`.
    pub fn matches(&self, reference: &Reference) -> bool {
        match self {
            RefPattern::Glob(pattern) => glob(pattern, &reference.to_string()),
            RefPattern::Exact(want) => {
                want.domain() == reference.domain()
                    && want.path() == reference.path()
                    && (want.tag().is_none() && want.digest().is_none()
                        || (want.tag() == reference.tag() && want.digest() == reference.digest()))
            }
        }
    }
}

/// `Kind/name` (any namespace) or `Kind/namespace/name`, each part a glob; a namespace of `-`
/// is an object that writes none (cluster-scoped, or namespaced at apply time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPattern {
    /// Glob over `kind`.
    pub kind: String,
    /// `None`: any namespace; `Some("-")`: none written; else a glob.
    pub namespace: Option<String>,
    /// Glob over `metadata.name`.
    pub name: String,
}

impl ObjectPattern {
    /// Whether the pattern selects `object`.
    pub fn matches(&self, object: &Object) -> bool {
        let namespace = object.namespace.as_deref().unwrap_or("");
        let namespace_ok = match self.namespace.as_deref() {
            None => true,
            Some("-") => namespace.is_empty(),
            // A namespace pattern needs a namespace: `*` is "any namespace written".
            Some(pattern) => !namespace.is_empty() && glob(pattern, namespace),
        };
        namespace_ok
            && glob(&self.kind, &object.kind)
            && glob(&self.name, object.name.as_deref().unwrap_or(""))
    }
}

/// One segment of an extractor's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A mapping key.
    Key(String),
    /// `*`: every item of a list, every value of a mapping.
    Any,
}

/// Which objects an extractor reads: `Kind`, or `apiVersion/Kind` with a glob apiVersion
/// (`tekton.dev/v1/Task`, `tekton.dev/*/Task`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindPattern {
    /// Glob over `apiVersion`, when given.
    pub api_version: Option<String>,
    /// Glob over `kind`.
    pub kind: String,
}

impl KindPattern {
    /// Whether `object` is of this kind.
    pub fn matches(&self, object: &Object) -> bool {
        glob(&self.kind, &object.kind)
            && self
                .api_version
                .as_deref()
                .is_none_or(|v| glob(v, &object.api_version))
    }
}

/// `imageExtractors.<kind>[i]`: where an image of a custom resource is.
#[derive(Debug)]
pub struct ImageExtractor {
    /// The objects it reads.
    pub kind: KindPattern,
    /// The path to the mapping (or mappings, through `*`) holding the image.
    pub fields: Vec<Field>,
    /// The key of that mapping holding the image reference.
    pub value: String,
    /// Kyverno's `key`: the field naming each image entry in Kyverno's policy context. It
    /// identifies an entry and locates nothing, so it is checked and kept, not used.
    pub key: Option<String>,
    /// Where, and the extractor's `name`.
    pub note: Arc<RuleNote>,
    /// Objects of the kind seen.
    pub objects: Hits,
    /// Values found at the path.
    pub hits: Hits,
}

/// `values.shapes[i]`: key names that form one image when they sit in one mapping.
#[derive(Debug)]
pub struct ValueShape {
    /// The key of the registry part.
    pub registry: Option<String>,
    /// The key of the repository part (required).
    pub repository: String,
    /// The key of the tag.
    pub tag: Option<String>,
    /// The key of the digest.
    pub digest: Option<String>,
    /// Where.
    pub note: Arc<RuleNote>,
    /// Images composed.
    pub hits: Hits,
}

impl ValueShape {
    /// The keys of the shape other than the repository.
    pub fn other_keys(&self) -> impl Iterator<Item = &str> {
        [&self.registry, &self.tag, &self.digest]
            .into_iter()
            .filter_map(|k| k.as_deref())
    }
}

impl Rules {
    /// The first exclusion by object that selects `object`, counted as a match.
    pub fn excludes_object(&self, object: &Object) -> bool {
        let found = self.exclude.iter().find(|rule| match &rule.pattern {
            Excluded::Object(pattern) => pattern.matches(object),
            Excluded::Ref(_) => false,
        });
        match found {
            Some(rule) => {
                rule.hits.hit();
                true
            }
            None => false,
        }
    }

    /// The first exclusion by reference that selects `reference`, counted as a match.
    pub fn excludes_reference(&self, reference: &Reference) -> bool {
        let found = self.exclude.iter().find(|rule| match &rule.pattern {
            Excluded::Ref(pattern) => pattern.matches(reference),
            Excluded::Object(_) => false,
        });
        match found {
            Some(rule) => {
                rule.hits.hit();
                true
            }
            None => false,
        }
    }
}

/// Whether `text` matches `pattern` as a whole: `*` is any run of characters (`/` included,
/// so that `ghcr.io/acme/*` is every image under `acme`), `?` one character, anything else
/// itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // After a `*`: the pattern index past it and the text index it has absorbed up to.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match (pattern.get(p), text.get(t)) {
            (Some('*'), _) => {
                star = Some((p + 1, t));
                p += 1;
            }
            (Some('?'), _) => {
                p += 1;
                t += 1;
            }
            (Some(a), Some(b)) if a == b => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((after, absorbed)) => {
                    p = after;
                    t = absorbed + 1;
                    star = Some((after, absorbed + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_texts_and_stars_cross_slashes() {
        for (pattern, text, want) in [
            (
                "docker.io/library/busybox:*",
                "docker.io/library/busybox:1.36",
                true,
            ),
            (
                "docker.io/library/busybox:*",
                "docker.io/library/busyboxx:1",
                false,
            ),
            ("ghcr.io/acme/*", "ghcr.io/acme/a/b:1", true),
            ("ghcr.io/acme/*", "ghcr.io/acmex/a:1", false),
            ("*", "", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*b*b", "abab", true),
            ("*b*b", "abba", false),
            ("debug-*", "debug-tools", true),
            ("", "x", false),
        ] {
            assert_eq!(glob(pattern, text), want, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn an_exact_reference_without_tag_selects_every_tag() {
        let any = RefPattern::Exact(
            Reference::parse_normalized_named("busybox").unwrap_or_else(|e| panic!("{e:?}")),
        );
        let one = RefPattern::Exact(
            Reference::parse_normalized_named("busybox:1.36").unwrap_or_else(|e| panic!("{e:?}")),
        );
        let image = Reference::parse_normalized("docker.io/library/busybox:1.36")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let other = Reference::parse_normalized("busybox:1.37").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(any.matches(&image) && any.matches(&other));
        assert!(one.matches(&image) && !one.matches(&other));
    }

    #[test]
    fn object_patterns_tell_namespaces_apart() {
        let object = |ns: Option<&str>| Object {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: Some("debug-tools".into()),
            namespace: ns.map(str::to_owned),
            hook: None,
        };
        let pattern = |ns: Option<&str>| ObjectPattern {
            kind: "Deployment".into(),
            namespace: ns.map(str::to_owned),
            name: "debug-*".into(),
        };
        assert!(pattern(None).matches(&object(None)));
        assert!(pattern(None).matches(&object(Some("monitoring"))));
        assert!(pattern(Some("monitoring")).matches(&object(Some("monitoring"))));
        assert!(!pattern(Some("monitoring")).matches(&object(Some("other"))));
        assert!(!pattern(Some("monitoring")).matches(&object(None)));
        assert!(pattern(Some("-")).matches(&object(None)));
        assert!(!pattern(Some("-")).matches(&object(Some("monitoring"))));
        assert!(!pattern(Some("*")).matches(&object(None)));
    }
}
