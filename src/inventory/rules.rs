//! The rule file applied to a finished inventory: exclusions by reference, the extra images,
//! and a warning for every rule that matched nothing in the run.
//!
//! Exclusions by reference apply here, once every image is known (values entries take their
//! tags only when the run is finished), to unresolved values entries too; exclusions by object applied while documents were
//! read (`extract/custom.rs`), since a plain list keeps no sources to tell objects apart.
//! Extra images come last, so an image the user names is listed even when an exclusion's glob
//! also covers it: the explicit name is the more specific rule.

use crate::diag::{Code, Diagnostic};
use crate::extract::{Class, KeyPathBuf, Seg, Source};
use crate::rules::{Excluded, Rules};

use super::{Finished, Image};

/// Applies `rules` to `finished`; `keep_sources` says whether images carry their sources.
pub fn apply(finished: &mut Finished, rules: &Rules, keep_sources: bool) {
    finished
        .images
        .retain(|image| !rules.excludes_reference(&image.reference));
    finished
        .unrendered
        .retain(|u| !rules.excludes_reference(&u.reference));
    // A values entry without a tag is a repository: a pattern for the whole repository (no
    // tag, or a glob such as `ghcr.io/acme/*`) leaves it out, with its `V001` warning, so that
    // no note or warning is left about an image the user does not want.
    let mut dropped = Vec::new();
    finished.unresolved.retain(|u| {
        let excluded = crate::reference::Reference::parse_normalized_named(&u.repository)
            .is_ok_and(|reference| rules.excludes_reference(&reference));
        if excluded {
            dropped.push((u.file.clone(), u.line, u.column));
        }
        !excluded
    });
    finished.diagnostics.retain(|d| {
        d.code != Code::Unresolved || !dropped.contains(&(d.file.clone(), d.line, d.column))
    });
    for (i, extra) in rules.images.iter().enumerate() {
        let note = &extra.note;
        let source = Source {
            file: note.file.clone(),
            line: note.line,
            column: note.column,
            document: 1,
            object: None,
            path: KeyPathBuf(vec![Seg::key("images"), Seg::Index(i)]),
            class: Class::Config,
            raw: extra.raw.clone(),
            tag_from: None,
            steps: Default::default(),
            values: Default::default(),
            rule: Some(note.clone()),
        };
        let key = extra.reference.to_string();
        let at = finished
            .images
            .binary_search_by(|image| image.reference.to_string().cmp(&key));
        let image = match at {
            Ok(found) => finished.images.get_mut(found),
            Err(place) => {
                finished.images.insert(
                    place,
                    Image {
                        reference: extra.reference.clone(),
                        sources: Vec::new(),
                        in_manifests: false,
                    },
                );
                finished.images.get_mut(place)
            }
        };
        if let (Some(image), true) = (image, keep_sources) {
            image.sources.push(source);
            image.sources.sort_by_cached_key(super::source_key);
        }
    }
    finished
        .diagnostics
        .extend(rules.diagnostics.iter().cloned());
    finished.diagnostics.extend(unmatched(rules));
    finished.diagnostics.sort();
    finished.diagnostics.dedup();
}

/// A warning for each rule that matched nothing: a rule that does nothing is most often a
/// typo, or a rule the inputs have outgrown.
fn unmatched(rules: &Rules) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut warn = |note: &crate::rules::RuleNote, message: String| {
        out.push(Diagnostic::warning(
            Code::RuleUnmatched,
            &note.file,
            note.line,
            note.column,
            format!("{}: {message}", note.rule),
        ));
    };
    for rule in rules.exclude.iter().filter(|r| !r.hits.any()) {
        match &rule.pattern {
            Excluded::Ref(pattern) => warn(
                &rule.note,
                format!(
                    "{} matched no image of the run (patterns match the normalized reference, such as docker.io/library/nginx:1.25); it excludes nothing",
                    describe_ref(pattern)
                ),
            ),
            Excluded::Object(pattern) => warn(
                &rule.note,
                format!(
                    "{}/{}{} matched no object of the run; it excludes nothing",
                    pattern.kind,
                    pattern
                        .namespace
                        .as_deref()
                        .map(|ns| format!("{ns}/"))
                        .unwrap_or_default(),
                    pattern.name
                ),
            ),
        }
    }
    for extractor in rules.extractors.iter().filter(|e| !e.hits.any()) {
        let kind = match &extractor.kind.api_version {
            Some(version) => format!("{version}/{}", extractor.kind.kind),
            None => extractor.kind.kind.clone(),
        };
        let why = if extractor.objects.any() {
            format!(
                "no {kind} of the run has a `{}` at its path",
                extractor.value
            )
        } else {
            format!("the run has no object of kind {kind}")
        };
        warn(&extractor.note, format!("{why}; it found no image"));
    }
    for shape in rules.shapes.iter().filter(|s| !s.hits.any()) {
        warn(
            &shape.note,
            format!(
                "no mapping of the run's values has this shape's key `{}` (beside another of its keys); it found no image",
                shape.repository
            ),
        );
    }
    out
}

fn describe_ref(pattern: &crate::rules::RefPattern) -> String {
    match pattern {
        crate::rules::RefPattern::Glob(glob) => format!("the glob {glob:?}"),
        crate::rules::RefPattern::Exact(reference) => format!("{reference}"),
    }
}
