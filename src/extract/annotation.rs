//! Class `annotation`: images named in annotations.
//!
//! Istio reads `sidecar.istio.io/proxyImage` from a pod template to pick the sidecar image;
//! other controllers do the same. An annotation counts when its key mentions an image
//! ([`name_mentions_image`]) and its value is a qualified reference. The object's own
//! annotations and, for workloads, the pod template's are read.

use super::rules::name_mentions_image;
use super::{Class, Extractor, KeyPath};
use crate::documents::NodeId;

/// Reads `metadata.annotations` of the object (or pod template) at `id`.
pub fn object_annotations<'e>(ex: &mut Extractor<'e, '_>, id: NodeId, path: &mut KeyPath<'e>) {
    let doc = ex.doc();
    if let Some(annotations) = doc.get_path(id, &["metadata", "annotations"]) {
        path.key("metadata").key("annotations");
        annotations_map(ex, annotations, path);
        path.pop(2);
    }
}

/// Reads an `annotations` mapping; `path` ends with `annotations`.
pub fn annotations_map<'e>(
    ex: &mut Extractor<'e, '_>,
    annotations: NodeId,
    path: &mut KeyPath<'e>,
) {
    let doc = ex.doc();
    for (key, _, value) in doc.entries(annotations) {
        if name_mentions_image(key) {
            path.key(key);
            ex.candidate(value, path, Class::Annotation);
            path.pop(1);
        }
    }
}
