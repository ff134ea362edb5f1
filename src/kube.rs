//! Kubernetes knowledge: what a document is, which kinds are built in, where pod specs live.
//!
//! k8s-openapi is the authority on built-in kinds: the table of (group, kind) pairs below is
//! read from its `Resource` implementations at compile time, for the Kubernetes version chosen
//! by its feature flag, so a kind is "custom" exactly when the Kubernetes API does not define it.
//! Documents are not deserialized through k8s-openapi: that would cost the positions and the
//! speed imgsift needs. Only the places where a built-in kind holds a pod spec are written here,
//! and a test checks them against k8s-openapi's typed view of real manifests.

use k8s_openapi::Resource;

use crate::documents::{Doc, NodeId};

/// Whether a k8s-openapi scope type is cluster-wide.
trait ClusterWide {
    const CLUSTER: bool;
}

impl ClusterWide for k8s_openapi::ClusterResourceScope {
    const CLUSTER: bool = true;
}

impl ClusterWide for k8s_openapi::NamespaceResourceScope {
    const CLUSTER: bool = false;
}

impl ClusterWide for k8s_openapi::SubResourceScope {
    const CLUSTER: bool = false;
}

macro_rules! group_kinds {
    ($($ty:path),* $(,)?) => {
        &[$((
            <$ty as Resource>::GROUP,
            <$ty as Resource>::KIND,
            <<$ty as Resource>::Scope as ClusterWide>::CLUSTER,
        )),*]
    };
}

/// Every (group, kind) the Kubernetes API defines, per k8s-openapi, and whether it is
/// cluster-scoped.
static BUILTIN: &[(&str, &str, bool)] = group_kinds![
    k8s_openapi::api::admissionregistration::v1::MutatingWebhookConfiguration,
    k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicy,
    k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicyBinding,
    k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration,
    k8s_openapi::api::admissionregistration::v1alpha1::MutatingAdmissionPolicy,
    k8s_openapi::api::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding,
    k8s_openapi::api::admissionregistration::v1beta1::MutatingAdmissionPolicy,
    k8s_openapi::api::admissionregistration::v1beta1::MutatingAdmissionPolicyBinding,
    k8s_openapi::api::apiserverinternal::v1alpha1::StorageVersion,
    k8s_openapi::api::apps::v1::ControllerRevision,
    k8s_openapi::api::apps::v1::DaemonSet,
    k8s_openapi::api::apps::v1::Deployment,
    k8s_openapi::api::apps::v1::ReplicaSet,
    k8s_openapi::api::apps::v1::StatefulSet,
    k8s_openapi::api::authentication::v1::SelfSubjectReview,
    k8s_openapi::api::authentication::v1::TokenRequest,
    k8s_openapi::api::authentication::v1::TokenReview,
    k8s_openapi::api::authorization::v1::LocalSubjectAccessReview,
    k8s_openapi::api::authorization::v1::SelfSubjectAccessReview,
    k8s_openapi::api::authorization::v1::SelfSubjectRulesReview,
    k8s_openapi::api::authorization::v1::SubjectAccessReview,
    k8s_openapi::api::autoscaling::v1::HorizontalPodAutoscaler,
    k8s_openapi::api::autoscaling::v1::Scale,
    k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler,
    k8s_openapi::api::batch::v1::CronJob,
    k8s_openapi::api::batch::v1::Job,
    k8s_openapi::api::certificates::v1::CertificateSigningRequest,
    k8s_openapi::api::certificates::v1alpha1::ClusterTrustBundle,
    k8s_openapi::api::certificates::v1beta1::ClusterTrustBundle,
    k8s_openapi::api::certificates::v1beta1::PodCertificateRequest,
    k8s_openapi::api::coordination::v1::Lease,
    k8s_openapi::api::coordination::v1alpha2::LeaseCandidate,
    k8s_openapi::api::coordination::v1beta1::LeaseCandidate,
    k8s_openapi::api::core::v1::Binding,
    k8s_openapi::api::core::v1::ComponentStatus,
    k8s_openapi::api::core::v1::ConfigMap,
    k8s_openapi::api::core::v1::Endpoints,
    k8s_openapi::api::core::v1::Event,
    k8s_openapi::api::core::v1::LimitRange,
    k8s_openapi::api::core::v1::Namespace,
    k8s_openapi::api::core::v1::Node,
    k8s_openapi::api::core::v1::PersistentVolume,
    k8s_openapi::api::core::v1::PersistentVolumeClaim,
    k8s_openapi::api::core::v1::Pod,
    k8s_openapi::api::core::v1::PodTemplate,
    k8s_openapi::api::core::v1::ReplicationController,
    k8s_openapi::api::core::v1::ResourceQuota,
    k8s_openapi::api::core::v1::Secret,
    k8s_openapi::api::core::v1::Service,
    k8s_openapi::api::core::v1::ServiceAccount,
    k8s_openapi::api::discovery::v1::EndpointSlice,
    k8s_openapi::api::events::v1::Event,
    k8s_openapi::api::flowcontrol::v1::FlowSchema,
    k8s_openapi::api::flowcontrol::v1::PriorityLevelConfiguration,
    k8s_openapi::api::networking::v1::IPAddress,
    k8s_openapi::api::networking::v1::Ingress,
    k8s_openapi::api::networking::v1::IngressClass,
    k8s_openapi::api::networking::v1::NetworkPolicy,
    k8s_openapi::api::networking::v1::ServiceCIDR,
    k8s_openapi::api::networking::v1beta1::IPAddress,
    k8s_openapi::api::networking::v1beta1::ServiceCIDR,
    k8s_openapi::api::node::v1::RuntimeClass,
    k8s_openapi::api::policy::v1::Eviction,
    k8s_openapi::api::policy::v1::PodDisruptionBudget,
    k8s_openapi::api::rbac::v1::ClusterRole,
    k8s_openapi::api::rbac::v1::ClusterRoleBinding,
    k8s_openapi::api::rbac::v1::Role,
    k8s_openapi::api::rbac::v1::RoleBinding,
    k8s_openapi::api::resource::v1::DeviceClass,
    k8s_openapi::api::resource::v1::ResourceClaim,
    k8s_openapi::api::resource::v1::ResourceClaimTemplate,
    k8s_openapi::api::resource::v1::ResourceSlice,
    k8s_openapi::api::resource::v1alpha3::DeviceTaintRule,
    k8s_openapi::api::resource::v1beta1::DeviceClass,
    k8s_openapi::api::resource::v1beta1::ResourceClaim,
    k8s_openapi::api::resource::v1beta1::ResourceClaimTemplate,
    k8s_openapi::api::resource::v1beta1::ResourceSlice,
    k8s_openapi::api::resource::v1beta2::DeviceClass,
    k8s_openapi::api::resource::v1beta2::ResourceClaim,
    k8s_openapi::api::resource::v1beta2::ResourceClaimTemplate,
    k8s_openapi::api::resource::v1beta2::ResourceSlice,
    k8s_openapi::api::scheduling::v1::PriorityClass,
    k8s_openapi::api::scheduling::v1alpha1::Workload,
    k8s_openapi::api::storage::v1::CSIDriver,
    k8s_openapi::api::storage::v1::CSINode,
    k8s_openapi::api::storage::v1::CSIStorageCapacity,
    k8s_openapi::api::storage::v1::StorageClass,
    k8s_openapi::api::storage::v1::VolumeAttachment,
    k8s_openapi::api::storage::v1::VolumeAttributesClass,
    k8s_openapi::api::storage::v1beta1::VolumeAttributesClass,
    k8s_openapi::api::storagemigration::v1beta1::StorageVersionMigration,
    k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
    k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService,
];

/// Groups that older Kubernetes releases served and current ones dropped. Manifests written for
/// them still circulate (old charts render `extensions/v1beta1` Deployments), and their kinds
/// are the same objects, so they are treated as built in.
const LEGACY_GROUPS: &[(&str, &str)] = &[
    ("extensions", "Deployment"),
    ("extensions", "DaemonSet"),
    ("extensions", "ReplicaSet"),
    ("extensions", "Ingress"),
    ("extensions", "NetworkPolicy"),
    ("extensions", "PodSecurityPolicy"),
    ("policy", "PodSecurityPolicy"),
];

/// Where the pod spec sits in each built-in kind that has one.
const POD_SPEC_PATHS: &[(&str, &str, &[&str])] = &[
    ("", "Pod", &["spec"]),
    ("", "PodTemplate", &["template", "spec"]),
    ("", "ReplicationController", &["spec", "template", "spec"]),
    ("apps", "Deployment", &["spec", "template", "spec"]),
    ("apps", "StatefulSet", &["spec", "template", "spec"]),
    ("apps", "DaemonSet", &["spec", "template", "spec"]),
    ("apps", "ReplicaSet", &["spec", "template", "spec"]),
    ("extensions", "Deployment", &["spec", "template", "spec"]),
    ("extensions", "DaemonSet", &["spec", "template", "spec"]),
    ("extensions", "ReplicaSet", &["spec", "template", "spec"]),
    ("batch", "Job", &["spec", "template", "spec"]),
    (
        "batch",
        "CronJob",
        &["spec", "jobTemplate", "spec", "template", "spec"],
    ),
];

/// The group of an `apiVersion` (`apps/v1` -> `apps`, `v1` -> ``).
pub fn group_of(api_version: &str) -> &str {
    match api_version.rsplit_once('/') {
        Some((group, _)) => group,
        None => "",
    }
}

/// Whether the Kubernetes API itself defines this kind.
pub fn is_builtin(group: &str, kind: &str) -> bool {
    BUILTIN.iter().any(|&(g, k, _)| g == group && k == kind)
        || LEGACY_GROUPS.iter().any(|&(g, k)| g == group && k == kind)
        // Every built-in kind has a `<Kind>List`; none is a custom resource.
        || kind
            .strip_suffix("List")
            .is_some_and(|item| BUILTIN.iter().any(|&(g, k, _)| g == group && k == item))
}

/// Whether a built-in kind is cluster-scoped (a namespace does not apply to it). Custom kinds
/// are taken as namespaced, as kustomize does without their CRD.
pub fn is_cluster_scoped(group: &str, kind: &str) -> bool {
    BUILTIN
        .iter()
        .any(|&(g, k, cluster)| cluster && g == group && k == kind)
}

/// The path from the object's root to its pod spec, for built-in kinds that have one.
pub fn pod_spec_path(group: &str, kind: &str) -> Option<&'static [&'static str]> {
    POD_SPEC_PATHS
        .iter()
        .find(|&&(g, k, _)| g == group && k == kind)
        .map(|&(_, _, path)| path)
}

/// Whether a kind can never be a source: a Secret's data is not configuration a controller
/// pulls images from, and a CRD's schema only describes fields (with example images in prose).
pub fn never_holds_images(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        ("", "Secret") | ("apiextensions.k8s.io", "CustomResourceDefinition")
    )
}

/// The value of the first column-0 line `key: value` of a document's text: a top-level key
/// of a block mapping. Kubernetes' decoders refuse a key given twice, so the first is the one.
fn top_level_scalar<'t>(text: &'t [u8], key: &str) -> Option<&'t [u8]> {
    let needle = format!("\n{key}:");
    let at = if text.starts_with(&needle.as_bytes()[1..]) {
        0
    } else {
        // Searching with the newline skips the many indented `kind:` lines of a CRD schema.
        memchr::memmem::find(text, needle.as_bytes())? + 1
    };
    let rest = text.get(at + needle.len() - 1..)?;
    let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    let value = match memchr::memmem::find(line, b" #") {
        Some(comment) => &line[..comment],
        None => line,
    };
    let value = value.trim_ascii();
    Some(
        value
            .strip_prefix(b"\"")
            .and_then(|v| v.strip_suffix(b"\""))
            .or_else(|| value.strip_prefix(b"'").and_then(|v| v.strip_suffix(b"'")))
            .unwrap_or(value),
    )
}

/// Whether a document's text shows, without parsing it, a kind that can never hold an image:
/// a CustomResourceDefinition or a Secret. Parsing is most of imgsift's work and CRDs are most
/// of the bytes of a platform render (94% of a Kubeflow install), so they are recognised from
/// their top-level `kind:` and `apiVersion:` lines and passed over. Anything less certain
/// (flow style, JSON, a `List`) is parsed as usual.
pub fn sniff_never_holds_images(text: &[u8]) -> bool {
    let Some(kind) = top_level_scalar(text, "kind") else {
        return false;
    };
    let kind = match kind {
        b"CustomResourceDefinition" => "CustomResourceDefinition",
        b"Secret" => "Secret",
        _ => return false,
    };
    let Some(api_version) =
        top_level_scalar(text, "apiVersion").and_then(|v| std::str::from_utf8(v).ok())
    else {
        return false;
    };
    never_holds_images(group_of(api_version), kind)
}

/// The three container lists of a pod spec, in the order the kubelet starts them.
pub const CONTAINER_LISTS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// Identity of a Kubernetes object, carried into every source found in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Object {
    /// `apiVersion` as written.
    pub api_version: String,
    /// `kind` as written.
    pub kind: String,
    /// `metadata.name`.
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// The `helm.sh/hook` annotation, if any (`test`, `pre-install,post-upgrade`, ...).
    pub hook: Option<String>,
}

impl Object {
    /// The API group.
    pub fn group(&self) -> &str {
        group_of(&self.api_version)
    }

    /// Whether the `helm.sh/hook` annotation names a test hook (`test`, or Helm 2's
    /// `test-success` / `test-failure`).
    pub fn is_test_hook(&self) -> bool {
        self.hook.as_deref().is_some_and(|hook| {
            hook.split(',')
                .map(str::trim)
                .any(|h| matches!(h, "test" | "test-success" | "test-failure"))
        })
    }
}

/// The object at `id`, when it is a manifest: a mapping with string `apiVersion` and `kind`.
pub fn object(doc: &Doc<'_>, id: NodeId) -> Option<Object> {
    if !doc.is_map(id) {
        return None;
    }
    let api_version = doc.str(doc.get(id, "apiVersion")?)?;
    let kind = doc.str(doc.get(id, "kind")?)?;
    let metadata = doc.get(id, "metadata");
    let meta = |key: &str| {
        metadata
            .and_then(|m| doc.get(m, key))
            .and_then(|v| doc.text(v))
            .map(str::to_owned)
    };
    let hook = metadata
        .and_then(|m| doc.get_path(m, &["annotations", "helm.sh/hook"]))
        .and_then(|v| doc.text(v))
        .map(|h| h.trim().to_owned());
    Some(Object {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        name: meta("name"),
        namespace: meta("namespace"),
        hook,
    })
}

/// Whether a kind is a list whose `items` are objects (`List`, `ConfigMapList`, ...).
pub fn is_list_kind(kind: &str) -> bool {
    kind.ends_with("List")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_kinds_come_from_k8s_openapi() {
        assert!(is_builtin("apps", "Deployment"));
        assert!(is_builtin("", "Pod"));
        assert!(is_builtin("", "ConfigMap"));
        assert!(is_builtin(
            "apiextensions.k8s.io",
            "CustomResourceDefinition"
        ));
        assert!(is_builtin("batch", "CronJob"));
        assert!(is_builtin("", "PodList"));
        assert!(is_builtin("extensions", "Deployment"));
        assert!(!is_builtin("argoproj.io", "Workflow"));
        assert!(!is_builtin("monitoring.coreos.com", "Prometheus"));
        assert!(!is_builtin("apps", "Workflow"));
    }

    #[test]
    fn scopes_come_from_k8s_openapi() {
        assert!(is_cluster_scoped("", "Namespace"));
        assert!(is_cluster_scoped(
            "rbac.authorization.k8s.io",
            "ClusterRole"
        ));
        assert!(is_cluster_scoped(
            "apiextensions.k8s.io",
            "CustomResourceDefinition"
        ));
        assert!(!is_cluster_scoped("apps", "Deployment"));
        assert!(!is_cluster_scoped("", "ConfigMap"));
        assert!(!is_cluster_scoped("example.com", "Widget"));
    }

    #[test]
    fn every_workload_with_a_pod_spec_path_is_builtin() {
        for &(group, kind, _) in POD_SPEC_PATHS {
            assert!(is_builtin(group, kind), "{group}/{kind}");
        }
    }

    #[test]
    fn crds_and_secrets_are_recognised_before_parsing() {
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x\nspec:\n  names: {kind: X}\n";
        assert!(sniff_never_holds_images(crd.as_bytes()));
        assert!(sniff_never_holds_images(
            b"---\n# c\napiVersion: v1\nkind: \"Secret\" # s\ndata: {}\n"
        ));
        // Not certain enough, or not those kinds: parsed as usual.
        assert!(!sniff_never_holds_images(
            b"apiVersion: v1\nkind: ConfigMap\n"
        ));
        assert!(!sniff_never_holds_images(
            b"apiVersion: example.com/v1\nkind: Secret\n"
        ));
        assert!(!sniff_never_holds_images(
            b"{\"apiVersion\": \"v1\", \"kind\": \"Secret\"}"
        ));
        assert!(!sniff_never_holds_images(
            b"apiVersion: v1\nkind: List\nitems:\n- kind: Secret\n"
        ));
        assert!(!sniff_never_holds_images(b"kind: Secret\n"));
    }

    #[test]
    fn group_is_taken_from_api_version() {
        assert_eq!(group_of("apps/v1"), "apps");
        assert_eq!(group_of("v1"), "");
        assert_eq!(group_of("argoproj.io/v1alpha1"), "argoproj.io");
    }

    #[test]
    fn test_hooks_are_recognised_in_lists_of_hooks() {
        let with = |hook: &str| Object {
            hook: Some(hook.to_owned()),
            ..Object::default()
        };
        assert!(with("test").is_test_hook());
        assert!(with("pre-install, test-success").is_test_hook());
        assert!(!with("pre-install").is_test_hook());
        assert!(!with("testing").is_test_hook());
        assert!(!Object::default().is_test_hook());
    }
}
