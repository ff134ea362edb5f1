//! Class `podspec`: the images the kubelet pulls for a pod.
//!
//! Every container of the three container lists, and every image volume
//! (`volumes[].image.reference`, Kubernetes' `ImageVolumeSource`), which the kubelet pulls
//! like a container image. Each container's env and arguments are handed to `container.rs`. Where the pod spec is (which kinds, which path) is decided by the
//! caller: `kube.rs` for built-in kinds, `crd.rs` for pod specs nested in custom resources.

use super::container::container;
use super::{Class, Extractor, KeyPath};
use crate::documents::NodeId;
use crate::kube::CONTAINER_LISTS;

/// Reads the images of the pod spec at `spec`; `path` is the spec's own key path.
pub fn pod_spec<'e>(ex: &mut Extractor<'e, '_>, spec: NodeId, path: &mut KeyPath<'e>) {
    let doc = ex.doc();
    for list in CONTAINER_LISTS {
        let Some(containers) = doc.get(spec, list) else {
            continue;
        };
        path.key(list);
        for (i, &item) in doc.items(containers).iter().enumerate() {
            path.index(i);
            if let Some(image) = doc.get(item, "image") {
                path.key("image");
                ex.candidate(image, path, Class::Podspec);
                path.pop(1);
            }
            container(ex, item, path);
            path.pop(1);
        }
        path.pop(1);
    }
    if let Some(volumes) = doc.get(spec, "volumes") {
        path.key("volumes");
        for (i, &volume) in doc.items(volumes).iter().enumerate() {
            if let Some(reference) = doc.get_path(volume, &["image", "reference"]) {
                path.index(i).key("image").key("reference");
                ex.candidate(reference, path, Class::Podspec);
                path.pop(3);
            }
        }
        path.pop(1);
    }
}

/// Whether a mapping looks like a pod spec: it has a container list holding at least one
/// mapping with an `image`. This is how pod templates inside custom resources are found
/// without knowing their schema.
pub fn is_pod_spec_shaped(ex: &Extractor<'_, '_>, id: NodeId) -> bool {
    let doc = ex.doc();
    CONTAINER_LISTS.iter().any(|list| {
        doc.get(id, list).is_some_and(|containers| {
            doc.items(containers)
                .iter()
                .any(|&c| doc.is_map(c) && doc.get(c, "image").is_some())
        })
    })
}
