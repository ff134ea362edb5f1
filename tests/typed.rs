//! Cross-check of the `podspec` extractor against k8s-openapi's typed view.
//!
//! imgsift walks untyped, position-carrying trees and knows where each built-in kind keeps its
//! pod spec. Here every built-in workload of the real manifests in ../shared/corpus is also
//! deserialized into k8s-openapi's own structs, and the images read from the typed pod spec
//! must equal the `podspec` images imgsift extracts from the same document.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use imgsift::documents::split::{Piece, Splitter};
use imgsift::documents::yaml::{self as document, Limits};
use imgsift::extract::{self, Class, ExtractOptions};
use imgsift::kube;
use imgsift::reference::Reference;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Pod, PodSpec, PodTemplate, ReplicationController};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn typed<T: DeserializeOwned>(json: Value, what: &str) -> T {
    match serde_json::from_value(json) {
        Ok(value) => value,
        Err(err) => panic!("k8s-openapi refuses {what}: {err}"),
    }
}

/// Images of a typed pod spec, normalized.
fn typed_images(spec: Option<PodSpec>) -> BTreeSet<String> {
    let Some(spec) = spec else {
        return BTreeSet::new();
    };
    let mut raw: Vec<Option<String>> = Vec::new();
    raw.extend(spec.containers.into_iter().map(|c| c.image));
    raw.extend(
        spec.init_containers
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.image),
    );
    raw.extend(
        spec.ephemeral_containers
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.image),
    );
    raw.extend(
        spec.volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.image.and_then(|i| i.reference)),
    );
    raw.into_iter()
        .flatten()
        .filter_map(|r| Reference::parse_normalized(&r).ok())
        .map(|r| r.to_string())
        .collect()
}

/// The pod spec of a built-in workload, read through k8s-openapi.
fn typed_pod_spec(kind: &str, json: Value) -> Option<Option<PodSpec>> {
    let spec = match kind {
        "Pod" => typed::<Pod>(json, kind).spec,
        "PodTemplate" => typed::<PodTemplate>(json, kind)
            .template
            .and_then(|t| t.spec),
        "ReplicationController" => typed::<ReplicationController>(json, kind)
            .spec
            .and_then(|s| s.template)
            .and_then(|t| t.spec),
        "Deployment" => typed::<Deployment>(json, kind)
            .spec
            .and_then(|s| s.template.spec),
        "StatefulSet" => typed::<StatefulSet>(json, kind)
            .spec
            .and_then(|s| s.template.spec),
        "DaemonSet" => typed::<DaemonSet>(json, kind)
            .spec
            .and_then(|s| s.template.spec),
        "ReplicaSet" => typed::<ReplicaSet>(json, kind)
            .spec
            .and_then(|s| s.template)
            .and_then(|t| t.spec),
        "Job" => typed::<Job>(json, kind).spec.and_then(|s| s.template.spec),
        "CronJob" => typed::<CronJob>(json, kind)
            .spec
            .and_then(|s| s.job_template.spec)
            .and_then(|s| s.template.spec),
        _ => return None,
    };
    Some(spec)
}

#[test]
fn podspec_extraction_agrees_with_k8s_openapi_on_every_corpus_workload() {
    let files = [
        "../shared/corpus/kubeflow/rendered.yaml",
        "../shared/corpus/rendered/argo-cd-install.yaml",
        "../shared/corpus/rendered/argo-workflows-quick-start-postgres.yaml",
        "../shared/corpus/rendered/ingress-nginx-cloud-deploy.yaml",
        "../shared/corpus/rendered/istio-pilot-default.golden.yaml",
        "../shared/corpus/rendered/kube-prometheus-manifests.yaml",
        "../shared/corpus/rendered/metallb-native.yaml",
    ];
    let mut workloads = 0;
    for file in files {
        let bytes = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut splitter = Splitter::new(bytes.as_slice(), 64 << 20);
        let name: Arc<str> = Arc::from(file);
        while let Some(batch) = splitter
            .next_batch(1 << 20)
            .unwrap_or_else(|e| panic!("{e}"))
        {
            for piece in &batch.pieces {
                let Piece::Doc(doc_piece) = piece else {
                    panic!("{file}: no corpus document is too large");
                };
                let (first_line, index) = (doc_piece.first_line, doc_piece.index);
                let text = std::str::from_utf8(batch.bytes(doc_piece))
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
                let docs = document::load(text, first_line, &Limits::default())
                    .unwrap_or_else(|e| panic!("{file}:{}: {}", e.line, e.message));
                for doc in &docs {
                    let Some(root) = doc.root() else { continue };
                    let Some(object) = kube::object(doc, root) else {
                        continue;
                    };
                    if !kube::is_builtin(object.group(), &object.kind) {
                        continue;
                    }
                    let Some(spec) = typed_pod_spec(&object.kind, common::to_json(doc, root, 0))
                    else {
                        continue;
                    };
                    workloads += 1;
                    let mut out = extract::Output::default();
                    extract::extract_document(
                        doc,
                        &name,
                        index,
                        ExtractOptions::default(),
                        imgsift::inputs::Role::Auto,
                        &mut out,
                    );
                    let walked: BTreeSet<String> = out
                        .findings
                        .iter()
                        .filter(|f| f.class == Class::Podspec)
                        .map(|f| f.reference.to_string())
                        .collect();
                    assert_eq!(
                        walked,
                        typed_images(spec),
                        "{file}:{first_line}: {} {:?}",
                        object.kind,
                        object.name
                    );
                }
            }
        }
    }
    // These files hold 75 built-in workload documents (`grep -cE '^kind: (Deployment|...)$'`);
    // fewer would mean some were never compared.
    assert_eq!(workloads, 75, "every corpus workload is compared");
}

#[test]
fn an_operator_policy_joining_repository_image_and_version_names_its_images() {
    let policy = r#"apiVersion: nvidia.com/v1
kind: ClusterPolicy
metadata:
  name: cluster-policy
spec:
  driver:
    repository: nvcr.io/nvidia
    image: driver
    version: "595.91.07"
  vgpuManager:
    enabled: false
    repository: ""
    image: vgpu-manager
    version: ""
  validator:
    image: nvcr.io/nvidia/cloud-native/gpu-operator-validator:v26.7.0
    repository: ignored
  sandbox:
    enabled: false
    image: sandbox-device-plugin
  steps:
    - name: build
      image: ubuntu
"#;
    let run = common::imgsift_stdin(&["scan", "-"], policy.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "docker.io/library/ubuntu:latest\nnvcr.io/nvidia/cloud-native/gpu-operator-validator:v26.7.0\nnvcr.io/nvidia/driver:595.91.07\n"
    );
}
