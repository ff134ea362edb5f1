//! Reading a rule file: YAML with positions in, rules and diagnostics out.
//!
//! Every problem is a diagnostic at the line and column of the offending key or value, and
//! only the rule it is in is left out: a typo in one exclusion must not silently switch off
//! the others. Unknown keys are errors, not warnings, because a misspelt key is a rule that
//! does nothing while the user believes it applies.

use std::sync::Arc;

use super::{
    Excluded, Exclusion, ExtraImage, Field, Hits, ImageExtractor, KindPattern, ObjectPattern,
    RefPattern, RuleNote, Rules, ValueShape,
};
use crate::diag::{Code, Diagnostic};
use crate::documents::{Doc, Limits, NodeId, yaml};
use crate::reference::Reference;

/// The name of the rule file looked for upward from the working directory.
pub const FILE_NAME: &str = ".imgsift.yaml";

/// The top-level keys of a rule file.
const TOP_KEYS: [&str; 4] = ["images", "exclude", "imageExtractors", "values"];

/// Reads the rule file `text`, displayed as `file`.
pub fn parse(text: &str, file: &str) -> Rules {
    let mut reader = Reader {
        rules: Rules {
            file: Arc::from(file),
            ..Rules::default()
        },
    };
    // The rule file is small and the user's own; the document bounds still apply, so that a
    // hostile one cannot cost more than any input.
    let docs = match yaml::load(text, 1, &Limits::default()) {
        Ok(docs) => docs,
        Err(err) => {
            reader.error(
                Code::RuleFileUnreadable,
                err.line,
                err.column,
                format!(
                    "the rule file is not valid YAML ({}); no rule of it applies",
                    err.message
                ),
            );
            return reader.rules;
        }
    };
    let mut docs = docs.iter();
    if let Some(doc) = docs.next() {
        reader.document(doc);
    }
    if let Some(extra) = docs.next() {
        let (line, column) = extra.root().map(|r| extra.position(r)).unwrap_or((1, 1));
        reader.error(
            Code::RuleFileUnreadable,
            line,
            column,
            "a rule file holds one document; the others were ignored".to_owned(),
        );
    }
    reader.rules
}

struct Reader {
    rules: Rules,
}

impl Reader {
    fn error(&mut self, code: Code, line: u64, column: u64, message: String) {
        self.rules.diagnostics.push(Diagnostic::error(
            code,
            &self.rules.file,
            line,
            column,
            message,
        ));
    }

    fn at(&mut self, doc: &Doc<'_>, node: NodeId, code: Code, message: String) {
        let (line, column) = doc.position(node);
        self.error(code, line, column, message);
    }

    fn note(
        &self,
        doc: &Doc<'_>,
        node: NodeId,
        rule: String,
        reason: Option<String>,
        name: Option<String>,
    ) -> Arc<RuleNote> {
        let (line, column) = doc.position(node);
        Arc::new(RuleNote {
            file: Arc::clone(&self.rules.file),
            line,
            column,
            rule,
            reason,
            name,
        })
    }

    fn document(&mut self, doc: &Doc<'_>) {
        let Some(root) = doc.root() else { return };
        let root = doc.resolve(root);
        if doc.is_null(root) {
            return;
        }
        if !doc.is_map(root) {
            self.at(
                doc,
                root,
                Code::RuleWrongType,
                "a rule file is a mapping of `images`, `exclude`, `imageExtractors` and `values`"
                    .to_owned(),
            );
            return;
        }
        for (key, key_id, value) in doc.entries(root) {
            let value = doc.resolve(value);
            if doc.is_null(value) {
                continue;
            }
            match key {
                "images" => self.images(doc, value),
                "exclude" => self.exclusions(doc, value),
                "imageExtractors" => self.extractors(doc, value),
                "values" => self.values(doc, value),
                _ => self.unknown(doc, key_id, key, "", &TOP_KEYS),
            }
        }
    }

    /// An unknown key; `within` is the rule holding it (left out), or empty or `values` for
    /// the sections (where only the key is ignored).
    fn unknown(&mut self, doc: &Doc<'_>, key_id: NodeId, key: &str, within: &str, known: &[&str]) {
        let known = known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let place = if within.is_empty() {
            "the rule file".to_owned()
        } else {
            within.to_owned()
        };
        self.at(
            doc,
            key_id,
            Code::RuleUnknownKey,
            format!(
                "{key:?} is not a key of {place} (it knows {known}); {}",
                if within.is_empty() || within == "values" {
                    "it was ignored"
                } else {
                    "this rule was left out"
                }
            ),
        );
    }

    /// The items of a list, or a diagnostic.
    fn list(&mut self, doc: &Doc<'_>, id: NodeId, what: &str) -> Vec<NodeId> {
        if doc.is_seq(id) {
            return doc.items(id).iter().map(|&i| doc.resolve(i)).collect();
        }
        self.at(doc, id, Code::RuleWrongType, format!("`{what}` is a list"));
        Vec::new()
    }

    /// A string field of mapping `map`: `Ok(None)` when absent, `Err` (with a diagnostic) when
    /// not a string. Numbers and booleans are read as written, since a tag can look like one.
    fn field(
        &mut self,
        doc: &Doc<'_>,
        map: NodeId,
        key: &str,
        rule: &str,
    ) -> Result<Option<(String, NodeId)>, ()> {
        let Some(node) = doc.get(map, key).map(|n| doc.resolve(n)) else {
            return Ok(None);
        };
        if doc.is_null(node) {
            return Ok(None);
        }
        match doc.text(node) {
            Some(text) => Ok(Some((text.to_owned(), node))),
            None => {
                self.at(
                    doc,
                    node,
                    Code::RuleWrongType,
                    format!("{rule}: `{key}` is a string; this rule was left out"),
                );
                Err(())
            }
        }
    }

    /// Like [`Reader::field`], for a field the rule needs: absent is a diagnostic too.
    fn required(
        &mut self,
        doc: &Doc<'_>,
        map: NodeId,
        key: &str,
        rule: &str,
    ) -> Option<(String, NodeId)> {
        match self.field(doc, map, key, rule) {
            Ok(Some(found)) => Some(found),
            Ok(None) => {
                self.at(
                    doc,
                    map,
                    Code::RuleWrongType,
                    format!("{rule} needs a `{key}`; it was left out"),
                );
                None
            }
            Err(()) => None,
        }
    }

    /// Checks that mapping `map` has only `known` keys; returns false (with diagnostics) when
    /// it has others.
    fn only(&mut self, doc: &Doc<'_>, map: NodeId, rule: &str, known: &[&str]) -> bool {
        let mut ok = true;
        for (key, key_id, _) in doc.entries(map) {
            if !known.contains(&key) {
                self.unknown(doc, key_id, key, rule, known);
                ok = false;
            }
        }
        ok
    }

    fn images(&mut self, doc: &Doc<'_>, id: NodeId) {
        for (i, item) in self.list(doc, id, "images").into_iter().enumerate() {
            let rule = format!("images[{i}]");
            let (raw, node, reason) = if doc.scalar(item).is_some() {
                match doc.text(item) {
                    Some(text) => (text.to_owned(), item, None),
                    None => continue,
                }
            } else if doc.is_map(item) {
                if !self.only(doc, item, &rule, &["ref", "reason"]) {
                    continue;
                }
                let Ok(reason) = self.field(doc, item, "reason", &rule) else {
                    continue;
                };
                match self.required(doc, item, "ref", &rule) {
                    Some((raw, node)) => (raw, node, reason.map(|r| r.0)),
                    None => continue,
                }
            } else {
                self.at(
                    doc,
                    item,
                    Code::RuleWrongType,
                    format!("{rule} is a reference or a mapping with `ref` and `reason`"),
                );
                continue;
            };
            match Reference::parse_normalized(raw.trim()) {
                Ok(reference) if raw.trim() == raw => {
                    let note = self.note(doc, node, rule, reason, None);
                    self.rules.images.push(ExtraImage {
                        reference,
                        raw,
                        note,
                    });
                }
                Ok(_) => self.at(
                    doc,
                    node,
                    Code::RuleBadReference,
                    format!("{rule}: {raw:?} has leading or trailing white space; it was left out"),
                ),
                Err(err) => self.at(
                    doc,
                    node,
                    Code::RuleBadReference,
                    format!("{rule}: {raw:?} is not an image reference ({err}); it was left out"),
                ),
            }
        }
    }

    fn exclusions(&mut self, doc: &Doc<'_>, id: NodeId) {
        for (i, item) in self.list(doc, id, "exclude").into_iter().enumerate() {
            let rule = format!("exclude[{i}]");
            if !doc.is_map(item) {
                self.at(
                    doc,
                    item,
                    Code::RuleWrongType,
                    format!("{rule} is a mapping with `ref` or `object`, and a `reason`"),
                );
                continue;
            }
            if !self.only(doc, item, &rule, &["ref", "object", "reason"]) {
                continue;
            }
            let (Ok(reason), Ok(by_ref), Ok(by_object)) = (
                self.field(doc, item, "reason", &rule),
                self.field(doc, item, "ref", &rule),
                self.field(doc, item, "object", &rule),
            ) else {
                continue;
            };
            let reason = reason.map(|r| r.0);
            let (pattern, node) = match (by_ref, by_object) {
                (Some((text, node)), None) => match ref_pattern(&text) {
                    Ok(pattern) => (Excluded::Ref(pattern), node),
                    Err((code, why)) => {
                        self.at(
                            doc,
                            node,
                            code,
                            format!("{rule}: {text:?} {why}; it was left out"),
                        );
                        continue;
                    }
                },
                (None, Some((text, node))) => match object_pattern(&text) {
                    Ok(pattern) => (Excluded::Object(pattern), node),
                    Err(why) => {
                        self.at(
                            doc,
                            node,
                            Code::RuleBadPattern,
                            format!("{rule}: {text:?} {why}; it was left out"),
                        );
                        continue;
                    }
                },
                (Some(_), Some(_)) | (None, None) => {
                    self.at(
                        doc,
                        item,
                        Code::RuleWrongType,
                        format!("{rule} needs one of `ref` and `object`; it was left out"),
                    );
                    continue;
                }
            };
            let note = self.note(doc, node, rule, reason, None);
            self.rules.exclude.push(Exclusion {
                pattern,
                note,
                hits: Hits::default(),
            });
        }
    }

    fn extractors(&mut self, doc: &Doc<'_>, id: NodeId) {
        if !doc.is_map(id) {
            self.at(
                doc,
                id,
                Code::RuleWrongType,
                "`imageExtractors` is a mapping of kinds to lists of extractors".to_owned(),
            );
            return;
        }
        for (kind_text, kind_id, list) in doc.entries(id) {
            let kind = match kind_pattern(kind_text) {
                Ok(kind) => kind,
                Err(why) => {
                    self.at(
                        doc,
                        kind_id,
                        Code::RuleBadExtractor,
                        format!(
                            "imageExtractors: {kind_text:?} {why}; its extractors were left out"
                        ),
                    );
                    continue;
                }
            };
            let what = format!("imageExtractors.{kind_text}");
            let list = doc.resolve(list);
            for (i, item) in self.list(doc, list, &what).into_iter().enumerate() {
                let rule = format!("{what}[{i}]");
                if !doc.is_map(item) {
                    self.at(
                        doc,
                        item,
                        Code::RuleWrongType,
                        format!("{rule} is a mapping with `path` (and `value`, `key`, `name`)"),
                    );
                    continue;
                }
                if !self.only(
                    doc,
                    item,
                    &rule,
                    &["path", "value", "key", "name", "jmesPath"],
                ) {
                    continue;
                }
                if let Some(jmes) = doc.get(item, "jmesPath") {
                    self.at(
                        doc,
                        jmes,
                        Code::RuleBadExtractor,
                        format!("{rule}: `jmesPath` is not applied by imgsift, so the image this extractor reads would be listed untransformed; it was left out"),
                    );
                    continue;
                }
                let (Ok(name), Ok(value), Ok(key)) = (
                    self.field(doc, item, "name", &rule),
                    self.field(doc, item, "value", &rule),
                    self.field(doc, item, "key", &rule),
                ) else {
                    continue;
                };
                let name = name.map(|n| n.0);
                let Some((path, path_node)) = self.required(doc, item, "path", &rule) else {
                    continue;
                };
                let extractor = extractor_path(&path, value.as_ref().map(|v| v.0.as_str()));
                let (fields, value) = match extractor {
                    Ok(found) => found,
                    Err(why) => {
                        let node = match (&why, &value) {
                            (PathError::Value(_), Some((_, node))) => *node,
                            _ => path_node,
                        };
                        self.at(
                            doc,
                            node,
                            Code::RuleBadExtractor,
                            format!("{rule}: {why}; it was left out"),
                        );
                        continue;
                    }
                };
                let key = match key {
                    Some((text, node)) => {
                        match field_name(&text) {
                            Some(key) => Some(key),
                            None => {
                                self.at(
                                doc,
                                node,
                                Code::RuleBadExtractor,
                                format!("{rule}: `key` {text:?} is not one field name; it was left out"),
                            );
                                continue;
                            }
                        }
                    }
                    None => None,
                };
                let note = self.note(doc, path_node, rule, None, name);
                self.rules.extractors.push(ImageExtractor {
                    kind: kind.clone(),
                    fields,
                    value,
                    key,
                    note,
                    objects: Hits::default(),
                    hits: Hits::default(),
                });
            }
        }
    }

    fn values(&mut self, doc: &Doc<'_>, id: NodeId) {
        if !doc.is_map(id) {
            self.at(
                doc,
                id,
                Code::RuleWrongType,
                "`values` is a mapping with `shapes`".to_owned(),
            );
            return;
        }
        for (key, key_id, value) in doc.entries(id) {
            if key != "shapes" {
                self.unknown(doc, key_id, key, "values", &["shapes"]);
                continue;
            }
            let value = doc.resolve(value);
            for (i, item) in self
                .list(doc, value, "values.shapes")
                .into_iter()
                .enumerate()
            {
                let rule = format!("values.shapes[{i}]");
                if !doc.is_map(item) {
                    self.at(
                        doc,
                        item,
                        Code::RuleWrongType,
                        format!("{rule} is a mapping of parts to key names (`repository`, and `registry`, `tag`, `digest`)"),
                    );
                    continue;
                }
                if !self.only(
                    doc,
                    item,
                    &rule,
                    &["registry", "repository", "tag", "digest"],
                ) {
                    continue;
                }
                let part = |reader: &mut Reader, part: &str| -> Result<Option<String>, ()> {
                    match reader.field(doc, item, part, &rule)? {
                        Some((text, node)) if text.trim().is_empty() || text.contains('.') => {
                            reader.at(
                                doc,
                                node,
                                Code::RuleBadExtractor,
                                format!("{rule}: `{part}` {text:?} is not one key name (a shape's keys sit in one mapping); it was left out"),
                            );
                            Err(())
                        }
                        Some((text, _)) => Ok(Some(text)),
                        None => Ok(None),
                    }
                };
                let (Ok(registry), Ok(repository), Ok(tag), Ok(digest)) = (
                    part(self, "registry"),
                    part(self, "repository"),
                    part(self, "tag"),
                    part(self, "digest"),
                ) else {
                    continue;
                };
                let Some(repository) = repository else {
                    self.at(
                        doc,
                        item,
                        Code::RuleWrongType,
                        format!("{rule} needs a `repository` key name; it was left out"),
                    );
                    continue;
                };
                let note = self.note(doc, item, rule, None, None);
                self.rules.shapes.push(ValueShape {
                    registry,
                    repository,
                    tag,
                    digest,
                    note,
                    hits: Hits::default(),
                });
            }
        }
    }
}

/// Characters a normalized reference can hold, and the two wildcards.
fn reference_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@' | '*' | '?')
}

/// The longest pattern read: far longer than any reference (255 characters of name, a tag, a
/// digest), short enough that matching one against every image of a run stays cheap.
const MAX_PATTERN: usize = 1024;

/// The most segments an extractor's path may have (real ones have a handful).
const MAX_FIELDS: usize = 64;

/// A `ref:` pattern: a glob when it has `*` or `?`, else a reference.
fn ref_pattern(text: &str) -> Result<RefPattern, (Code, String)> {
    if text.len() > MAX_PATTERN {
        return Err((
            Code::RuleBadPattern,
            format!("is longer than {MAX_PATTERN} bytes, which no reference is"),
        ));
    }
    if text.contains(['*', '?']) {
        if let Some(bad) = text.chars().find(|&c| !reference_char(c)) {
            return Err((
                Code::RuleBadPattern,
                format!(
                    "is not a reference glob: {bad:?} occurs in no normalized reference (globs know `*` and `?` only)"
                ),
            ));
        }
        return Ok(RefPattern::Glob(text.to_owned()));
    }
    Reference::parse_normalized_named(text)
        .map(RefPattern::Exact)
        .map_err(|err| {
            (
                Code::RuleBadReference,
                format!("is not an image reference ({err})"),
            )
        })
}

/// An `object:` pattern: `Kind/name` or `Kind/namespace/name`.
fn object_pattern(text: &str) -> Result<ObjectPattern, String> {
    if text.len() > MAX_PATTERN {
        return Err(format!(
            "is longer than {MAX_PATTERN} bytes, which no object pattern needs"
        ));
    }
    let parts: Vec<&str> = text.split('/').collect();
    let bad_part = |part: &str| part.is_empty() || part.chars().any(char::is_whitespace);
    let shape = "is not an object pattern (`Kind/name` or `Kind/namespace/name`, each part a glob, `-` for no namespace)";
    match parts.as_slice() {
        [kind, name] if !bad_part(kind) && !bad_part(name) => Ok(ObjectPattern {
            kind: (*kind).to_owned(),
            namespace: None,
            name: (*name).to_owned(),
        }),
        [kind, namespace, name] if !bad_part(kind) && !bad_part(namespace) && !bad_part(name) => {
            Ok(ObjectPattern {
                kind: (*kind).to_owned(),
                namespace: Some((*namespace).to_owned()),
                name: (*name).to_owned(),
            })
        }
        _ => Err(shape.to_owned()),
    }
}

/// An extractor's kind key: `Kind`, or `apiVersion/Kind` (`tekton.dev/v1/Task`, `v1/Pod`).
fn kind_pattern(text: &str) -> Result<KindPattern, String> {
    if text.len() > MAX_PATTERN {
        return Err(format!(
            "is longer than {MAX_PATTERN} bytes, which no kind is"
        ));
    }
    let (api_version, kind) = match text.rsplit_once('/') {
        Some((version, kind)) => (Some(version), kind),
        None => (None, text),
    };
    let kind_ok = !kind.is_empty()
        && kind
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?'));
    let version_ok = api_version.is_none_or(|v| {
        !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/' | '*' | '?'))
    });
    if !kind_ok || !version_ok {
        return Err(
            "is not a kind (`Kind`, or `apiVersion/Kind` such as `tekton.dev/v1/Task`)".to_owned(),
        );
    }
    Ok(KindPattern {
        api_version: api_version.map(str::to_owned),
        kind: kind.to_owned(),
    })
}

/// What is wrong with an extractor's `path` or `value`.
#[derive(Debug)]
enum PathError {
    Path(String),
    Value(String),
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathError::Path(why) | PathError::Value(why) => f.write_str(why),
        }
    }
}

/// `value` and `key` name one field of the mapping at the path; `./name` is read as `name`.
fn field_name(text: &str) -> Option<String> {
    let name = text.strip_prefix("./").unwrap_or(text);
    (!name.is_empty() && !name.contains('/') && name != "*").then(|| name.to_owned())
}

/// Kyverno's reading of `path` and `value`: the path is split at `/` (empty segments
/// dropped); without `value`, its last segment is the field holding the image.
fn extractor_path(path: &str, value: Option<&str>) -> Result<(Vec<Field>, String), PathError> {
    let mut segments: Vec<&str> = path
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let value = match value {
        Some(text) => field_name(text).ok_or_else(|| {
            PathError::Value(format!(
                "`value` {text:?} is not one field name of the mapping at the path"
            ))
        })?,
        None => match segments.pop() {
            Some("*") => {
                return Err(PathError::Path(format!(
                    "path {path:?} ends in `*`, so it names no field: give the field holding the image as `value`"
                )));
            }
            Some(last) => last.to_owned(),
            None => return Err(PathError::Path(format!("path {path:?} names no field"))),
        },
    };
    if segments.len() > MAX_FIELDS {
        return Err(PathError::Path(format!(
            "path has more than {MAX_FIELDS} segments"
        )));
    }
    let fields = segments
        .into_iter()
        .map(|s| {
            if s == "*" {
                Field::Any
            } else {
                Field::Key(s.to_owned())
            }
        })
        .collect();
    Ok((fields, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(rules: &Rules) -> Vec<(&'static str, u64, u64)> {
        rules
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.line, d.column))
            .collect()
    }

    #[test]
    fn paths_read_as_kyverno_reads_them() {
        let (fields, value) =
            extractor_path("/spec/steps/*/image", None).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            fields,
            vec![
                Field::Key("spec".into()),
                Field::Key("steps".into()),
                Field::Any
            ]
        );
        assert_eq!(value, "image");
        let (fields, value) =
            extractor_path("spec/images/*", Some("./value")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(fields.len(), 3);
        assert_eq!(value, "value");
        assert!(extractor_path("/spec/*", None).is_err());
        assert!(extractor_path("/", None).is_err());
        assert!(extractor_path("/spec", Some("a/b")).is_err());
        assert!(extractor_path(&"/a".repeat(MAX_FIELDS + 2), None).is_err());
        assert!(extractor_path(&"/a".repeat(MAX_FIELDS + 1), None).is_ok());
        assert!(ref_pattern(&"*".repeat(MAX_PATTERN + 1)).is_err());
    }

    #[test]
    fn every_rule_kind_reads_and_bad_ones_say_where() {
        let text = "\
images:
  - ref: quay.io/acme/agent:1.2.0
    reason: runtime
  - ghcr.io/acme/x:1
  - ref: Not A Ref
exclude:
  - ref: 'docker.io/library/busybox:*'
  - object: Deployment/monitoring/debug-tools
  - ref: 'a b*'
  - object: a/b/c/d
  - ref: x
    object: y
imageExtractors:
  Task:
    - path: /spec/steps/*/image
  tekton.dev/*/Pipeline:
    - path: /spec/tasks/*
      value: image
      pth: typo
  Bad Kind:
    - path: /x
values:
  shapes:
    - {registry: imageRegistry, repository: imageName, tag: imageTag}
    - {tag: onlyTag}
bogus: 1
";
        let rules = parse(text, ".imgsift.yaml");
        assert_eq!(rules.images.len(), 2);
        assert_eq!(rules.exclude.len(), 2);
        assert_eq!(rules.extractors.len(), 1);
        assert_eq!(rules.shapes.len(), 1);
        assert_eq!(
            codes(&rules),
            vec![
                ("C006", 5, 10),
                ("C004", 9, 10),
                ("C004", 10, 13),
                ("C003", 11, 5),
                ("C002", 19, 7),
                ("C005", 20, 3),
                ("C003", 25, 7),
                ("C002", 26, 1),
            ]
        );
    }

    #[test]
    fn what_imgsift_cannot_apply_is_refused_not_ignored() {
        let text = "\
imageExtractors:
  Task:
    - path: /spec/steps/*
      jmesPath: \"split(@, ':')[0]\"
    - path: /spec/steps/*
      value: a/b
    - path: /spec/steps/*
      value: image
      key: ./name
values:
  shapes:
    - {repository: image.name, tag: tag}
  other: 1
";
        let rules = parse(text, "r.yaml");
        assert_eq!(
            codes(&rules),
            vec![
                ("C005", 4, 17),
                ("C005", 6, 14),
                ("C005", 12, 20),
                ("C002", 13, 3)
            ]
        );
        assert_eq!(rules.extractors.len(), 1);
        assert_eq!(rules.extractors[0].key.as_deref(), Some("name"));
        let two = parse("images: [a:1]\n---\nimages: [b:1]\n", "r.yaml");
        assert_eq!(codes(&two), vec![("C001", 3, 1)]);
        assert_eq!(two.images.len(), 1);
    }

    #[test]
    fn a_file_that_is_not_yaml_is_one_error() {
        let rules = parse("images: [\n", "r.yaml");
        assert_eq!(rules.diagnostics.len(), 1);
        assert_eq!(rules.diagnostics[0].code, Code::RuleFileUnreadable);
        assert!(parse("", "r.yaml").diagnostics.is_empty());
        assert_eq!(codes(&parse("- a\n", "r.yaml")), vec![("C003", 1, 1)]);
    }
}
