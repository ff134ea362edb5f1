//! The rule file's part in reading a document: objects excluded by name, the image paths the
//! user gives for custom resources (Kyverno's `imageExtractors`), and the user's values
//! shapes. The rules themselves are `crate::rules`; this file only walks documents with them.
//!
//! A custom path adds to what the built-in classes find, it does not replace them (Kyverno's
//! extractors replace its own for the kind): the `crd` walk already reads every `image` key,
//! and a path the user names must never cost an image imgsift found before. The same field
//! found both ways is one source (the inventory keeps the one that names the rule).

use std::sync::Arc;

use super::model::{PartAt, Parts};
use super::{Class, Extractor, KeyPath};
use crate::documents::{NodeId, Value};
use crate::kube::Object;
use crate::rules::{Field, ImageExtractor};

/// Whether an exclusion by object leaves `object` out (counted as a match when it does).
pub fn excluded(ex: &Extractor<'_, '_>, object: &Object) -> bool {
    ex.options
        .rules
        .is_some_and(|rules| rules.excludes_object(object))
}

/// Offers the images at the paths of every extractor for the kind of the current object.
pub fn image_paths<'e>(ex: &mut Extractor<'e, '_>, id: NodeId, path: &mut KeyPath<'e>) {
    let (Some(rules), Some(object)) = (ex.options.rules, ex.object.clone()) else {
        return;
    };
    for extractor in rules.extractors.iter().filter(|e| e.kind.matches(&object)) {
        extractor.objects.hit();
        // The recursion is as deep as the path is long, which the reader bounds.
        follow(ex, id, &extractor.fields, extractor, path);
    }
}

fn follow<'e>(
    ex: &mut Extractor<'e, '_>,
    id: NodeId,
    fields: &'static [Field],
    extractor: &'static ImageExtractor,
    path: &mut KeyPath<'e>,
) {
    let doc = ex.doc();
    let id = doc.resolve(id);
    let Some((first, rest)) = fields.split_first() else {
        offer(ex, id, extractor, path);
        return;
    };
    match first {
        Field::Key(key) => {
            if let Some(next) = doc.get(id, key) {
                path.key(key);
                follow(ex, next, rest, extractor, path);
                path.pop(1);
            }
        }
        Field::Any => match doc.node(id).map(|n| &n.value) {
            Some(Value::Map(_)) => {
                for (key, _, next) in doc.entries(id) {
                    path.key(key);
                    follow(ex, next, rest, extractor, path);
                    path.pop(1);
                }
            }
            Some(Value::Seq(items)) => {
                for (i, &next) in items.iter().enumerate() {
                    path.index(i);
                    follow(ex, next, rest, extractor, path);
                    path.pop(1);
                }
            }
            _ => {}
        },
    }
}

/// The image at `value` of the mapping at the end of the path.
fn offer<'e>(
    ex: &mut Extractor<'e, '_>,
    map: NodeId,
    extractor: &'static ImageExtractor,
    path: &mut KeyPath<'e>,
) {
    let doc = ex.doc();
    let Some(value) = doc.get(map, &extractor.value) else {
        return;
    };
    extractor.hits.hit();
    path.key(&extractor.value);
    let before = ex.out.findings.len();
    // Structural, as the `crd` class: the user says this field holds an image, so a value
    // the grammar rejects is worth a warning.
    ex.candidate(value, path, Class::Crd);
    for finding in ex.out.findings.iter_mut().skip(before) {
        if let Some(source) = finding.source.as_mut() {
            source.rule = Some(Arc::clone(&extractor.note));
        }
    }
    path.pop(1);
}

/// An image composed by a user shape.
pub struct Shaped {
    /// The reference as composed.
    pub text: String,
    /// The repository value, where the image is reported.
    pub node: NodeId,
    /// Whether neither tag nor digest was found.
    pub untagged: bool,
    /// Which keys gave which part.
    pub parts: Parts,
    /// The keys it used, which the built-in shapes must not read again.
    pub used: Vec<&'static str>,
}

/// The image of mapping `map` when a user shape fits it: its repository key holds a string
/// and, unless the shape names only a repository, another of its keys is there too (so that
/// a shape `{repository: name, tag: version}` does not take every `name`).
pub fn user_shape(ex: &Extractor<'_, '_>, map: NodeId) -> Option<Shaped> {
    let rules = ex.options.rules?;
    let doc = ex.doc();
    let text = |key: &str| {
        doc.get(map, key)
            .and_then(|n| doc.text(n))
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    for shape in &rules.shapes {
        let Some(repository_node) = doc.get(map, &shape.repository) else {
            continue;
        };
        let Some(repository) = doc.str(repository_node).map(str::trim) else {
            continue;
        };
        let alone = shape.other_keys().next().is_none();
        if repository.is_empty()
            || !(alone || shape.other_keys().any(|k| doc.get(map, k).is_some()))
        {
            continue;
        }
        let registry = shape.registry.as_deref().and_then(text);
        let mut reference = match registry {
            Some(registry) => format!(
                "{}/{}",
                registry.trim_end_matches('/'),
                repository.trim_start_matches('/')
            ),
            None => repository.to_owned(),
        };
        let last = reference.rsplit('/').next().unwrap_or_default();
        let has_own = last.contains(':') || last.contains('@');
        let tag = shape.tag.as_deref().and_then(text).filter(|_| !has_own);
        if let Some(tag) = tag {
            reference.push(':');
            reference.push_str(tag);
        }
        let digest = shape.digest.as_deref().and_then(text).filter(|_| !has_own);
        if let Some(digest) = digest {
            reference.push('@');
            if !digest.contains(':') {
                reference.push_str("sha256:");
            }
            reference.push_str(digest);
        }
        shape.hits.hit();
        return Some(Shaped {
            untagged: !has_own && tag.is_none() && digest.is_none(),
            text: reference,
            node: repository_node,
            parts: Parts::Map {
                registry: shape
                    .registry
                    .as_deref()
                    .filter(|k| doc.get(map, k).is_some())
                    .map(PartAt::Own),
                repository: PartAt::Own(&shape.repository),
                namespace: None,
            },
            used: std::iter::once(shape.repository.as_str())
                .chain(shape.other_keys())
                .collect(),
        });
    }
    None
}
