//! Class `values`: the images of a Helm values file.
//!
//! The shapes are those of `shapes.rs`. A values entry is not final when it is found: a
//! chart fills a missing tag from its `appVersion`, and the manifests rendered from the values
//! show the tag that was used. So entries are kept as [`ValuesEntry`]s and resolved once the
//! whole run is scanned (`inventory/resolve.rs`). Disabled components are listed like the
//! others: their images are in the values, and an overlay must cover them.
//!
//! When an overlay is asked for, each entry also records how it was composed ([`Shape`]), so
//! that the overlay writes its changes from what the scan found, without reading the values
//! again.

use super::rules::is_placeholder;
use super::shapes::{self, Composed, Sink};
use super::{Class, Extractor, KeyPath, Shape, ValuesEntry};
use crate::documents::NodeId;

/// Walks a values file from its root.
pub fn values_file<'e>(ex: &mut Extractor<'e, '_>, root: NodeId, path: &mut KeyPath<'e>) {
    // `--strict` counts no values entry as an image; the overlay still points them all at
    // the registry.
    if ex.options.strict && !ex.options.keep_shapes {
        return;
    }
    shapes::walk(ex, root, path, &mut ValuesSink);
}

struct ValuesSink;

impl Sink for ValuesSink {
    fn composed(&mut self, ex: &mut Extractor<'_, '_>, found: Composed, path: &KeyPath<'_>) {
        let text = found.text.trim();
        if text.is_empty() || is_placeholder(text) {
            return;
        }
        let at = ex.locate(found.node);
        let source = ex.source(at, path, Class::Values, text);
        let default_tag_suffix = found.default_tag_suffix.clone();
        let untagged = found.untagged;
        let shape = ex.options.keep_shapes.then(|| {
            Box::new(Shape {
                seq: ex.next_seq(),
                written: shapes::written_repository(ex, &found),
                parts: found.parts,
            })
        });
        ex.out.values.push(ValuesEntry {
            source,
            untagged,
            default_tag_suffix,
            counted: !ex.options.strict,
            shape,
            unrendered: false,
            stands_in: false,
        });
    }

    /// A document held in a values string (pod specs a runner hands its jobs, a config the
    /// chart writes into a ConfigMap): its images are pulled as written, so they are read as a
    /// ConfigMap's embedded documents are, qualified references only.
    fn text(&mut self, ex: &mut Extractor<'_, '_>, node: NodeId, path: &KeyPath<'_>) {
        if !ex
            .doc()
            .text(node)
            .is_some_and(super::configmap::mentions_image)
        {
            return;
        }
        ex.nested(node, path, |inner, root, inner_path| {
            shapes::walk(inner, root, inner_path, &mut EmbeddedSink);
        });
    }
}

/// The images of a document held in a values string.
struct EmbeddedSink;

impl Sink for EmbeddedSink {
    fn composed(&mut self, ex: &mut Extractor<'_, '_>, found: Composed, path: &KeyPath<'_>) {
        let text = found.text.trim();
        // Nothing resolves a tag here (no appVersion applies to a string): a guess must be a
        // whole reference.
        if !super::rules::is_qualified(text) {
            return;
        }
        let at = ex.locate(found.node);
        ex.candidate_text(text, at, path, Class::Values);
    }

    fn text(&mut self, ex: &mut Extractor<'_, '_>, node: NodeId, path: &KeyPath<'_>) {
        ValuesSink.text(ex, node, path);
    }
}
