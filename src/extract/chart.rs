//! Class `chart`: the images a Helm chart declares in its Chart.yaml annotations.
//!
//! Three annotations list images: Artifact Hub's `artifacthub.io/images`, HIP-0015's
//! `helm.sh/images`, and Bitnami's `images`. Each holds a string that is a YAML list of
//! `{name, image}` entries (a list of reference strings is accepted too). What a Chart.yaml is
//! is decided by the chart loader (`inputs/chart.rs`).

use super::{ChartInfo, Class, Extractor, KeyPath};
use crate::documents::NodeId;
use crate::inputs::chart::ChartMeta;

const IMAGE_ANNOTATIONS: [&str; 3] = ["artifacthub.io/images", "helm.sh/images", "images"];

/// Reads the image annotations of a Chart.yaml, and records the chart's `appVersion`, which
/// Helm uses as the default tag of the chart's images.
pub fn chart_yaml<'e>(
    ex: &mut Extractor<'e, '_>,
    root: NodeId,
    meta: ChartMeta,
    path: &mut KeyPath<'e>,
) {
    let doc = ex.doc();
    let file: &str = ex.file();
    let (dir, name) = match file.rfind('/') {
        Some(i) => (file[..i].to_owned(), file[i + 1..].to_owned()),
        None => (String::new(), file.to_owned()),
    };
    ex.out.charts.push(ChartInfo {
        dir,
        name,
        app_version: meta.app_version,
    });
    let Some(annotations) = doc.get(root, "annotations") else {
        return;
    };
    path.key("annotations");
    for name in IMAGE_ANNOTATIONS {
        let Some(value) = doc.get(annotations, name) else {
            continue;
        };
        path.key(name);
        if doc.is_seq(value) {
            image_list(ex, value, path);
        } else {
            ex.nested(value, path, |inner, list, inner_path| {
                image_list(inner, list, inner_path);
            });
        }
        path.pop(1);
    }
    path.pop(1);
}

fn image_list<'e>(ex: &mut Extractor<'e, '_>, list: NodeId, path: &mut KeyPath<'e>) {
    let doc = ex.doc();
    for (i, &entry) in doc.items(list).iter().enumerate() {
        path.index(i);
        if doc.scalar(entry).is_some() {
            ex.candidate(entry, path, Class::Chart);
        } else if let Some(image) = doc.get(entry, "image") {
            path.key("image");
            ex.candidate(image, path, Class::Chart);
            path.pop(1);
        }
        path.pop(1);
    }
}
