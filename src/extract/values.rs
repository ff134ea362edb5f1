//! Class `values`: the images of a Helm values file.
//!
//! The shapes are those of `shapes.rs`. A values entry is not final when it is found: a
//! chart fills a missing tag from its `appVersion`, and the manifests rendered from the values
//! show the tag that was used. So entries are kept as [`ValuesEntry`]s and resolved once the
//! whole run is scanned (`resolve.rs`). Disabled components are listed like the others: their
//! images are in the values, and an overlay must cover them.

use super::shapes::{self, Composed, Sink};
use super::{Class, Extractor, KeyPath, ValuesEntry, is_placeholder};
use crate::document::NodeId;

/// Walks a values file from its root.
pub fn values_file<'e>(ex: &mut Extractor<'e, '_>, root: NodeId, path: &mut KeyPath<'e>) {
    if ex.options.strict {
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
        ex.out.values.push(ValuesEntry {
            source,
            untagged: found.untagged,
            default_tag_suffix: found.default_tag_suffix,
        });
    }
}
