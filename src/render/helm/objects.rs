//! The objects Helm gives templates: `.Capabilities` and `.Files`, with their fields and
//! methods as Go structs and named types expose them (`.Capabilities.APIVersions.Has`,
//! `.Files.Glob`), and printing as Go prints them.
//!
//! `.Values`, `.Release`, `.Chart`, `.Template` and `.Subcharts` are plain maps in Helm 4, and
//! are built where they are used (`engine.rs`).

use std::any::Any;
use std::rc::Rc;

use gotemplate::{ElemType, FuncError, Function, List, Map, Object, Signature, Type, Value};

use crate::inputs::chart::ChartFile;

/// The Kubernetes versions of the API groups a default `helm template` knows (Helm 4.2 with
/// client-go 0.36), in Helm's order: `.Capabilities.APIVersions` without `--api-versions`.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// The Kubernetes version `helm template` assumes without `--kube-version`.
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

/// `.Capabilities.HelmVersion`: the Helm release whose behaviour imgsift reproduces.
const HELM_VERSION: &str = "v4.2";
const HELM_GO_VERSION: &str = "go1.26.6";
const HELM_KUBE_CLIENT_VERSION: &str = "v1.36";

/// `.Capabilities` (`*common.Capabilities`).
pub struct Capabilities {
    kube: Rc<KubeVersion>,
    apis: Rc<VersionSet>,
}

impl Capabilities {
    /// The capabilities for a Kubernetes version and the API versions added to Helm's
    /// defaults.
    pub fn new(kube: KubeVersion, extra_apis: &[String]) -> Capabilities {
        let mut apis: Vec<String> = DEFAULT_API_VERSIONS
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        apis.extend(extra_apis.iter().cloned());
        Capabilities {
            kube: Rc::new(kube),
            apis: Rc::new(VersionSet(apis)),
        }
    }

    /// The Kubernetes version.
    pub fn kube_version(&self) -> &KubeVersion {
        &self.kube
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> String {
        "*common.Capabilities".to_owned()
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(self.kube.clone())),
            "APIVersions" => Some(Value::Object(self.apis.clone())),
            "HelmVersion" => Some(Value::Object(Rc::new(HelmVersion))),
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(String, Value)> {
        ["KubeVersion", "APIVersions", "HelmVersion"]
            .iter()
            .filter_map(|n| self.field(n).map(|v| ((*n).to_owned(), v)))
            .collect()
    }

    fn is_pointer(&self) -> bool {
        true
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities.KubeVersion` (`common.KubeVersion`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// `Version`: as given, with a `v` (`v1.33.4-gke.1245000`).
    pub version: String,
    /// The version for constraint checks (`v1.33.4`).
    pub normalized: String,
    /// `Major`
    pub major: String,
    /// `Minor`
    pub minor: String,
}

impl KubeVersion {
    /// Parses a version as Kubernetes' `ParseGeneric` does (`1.30`, `v1.30.2`,
    /// `v1.33.4-gke.1245000`): at least major and minor, numbers only.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let trimmed = text.trim();
        let body = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let core = body.split(['-', '+']).next().unwrap_or(body);
        let parts: Vec<&str> = core.split('.').collect();
        let numeric = |s: &&str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if parts.len() < 2 || parts.len() > 3 || !parts.iter().all(numeric) {
            return Err(format!("could not parse {text:?} as version"));
        }
        let number = |s: &str| s.trim_start_matches('0').parse::<u64>().unwrap_or(0);
        let (major, minor) = (number(parts[0]), number(parts[1]));
        let patch = parts.get(2).map_or(0, |p| number(p));
        let version = if trimmed.starts_with('v') {
            trimmed.to_owned()
        } else {
            format!("v{trimmed}")
        };
        Ok(KubeVersion {
            version,
            normalized: format!("v{major}.{minor}.{patch}"),
            major: major.to_string(),
            minor: minor.to_string(),
        })
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion {
            version: DEFAULT_KUBE_VERSION.to_owned(),
            normalized: DEFAULT_KUBE_VERSION.to_owned(),
            major: "1".to_owned(),
            minor: "36".to_owned(),
        }
    }
}

fn string_method(f: impl Fn() -> String + 'static) -> Function {
    Function::new(Signature::new(vec![], Type::String), move |_, _| {
        Ok(Value::str(&f()))
    })
}

impl Object for KubeVersion {
    fn type_name(&self) -> String {
        "common.KubeVersion".to_owned()
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::str(&self.version)),
            "Major" => Some(Value::str(&self.major)),
            "Minor" => Some(Value::str(&self.minor)),
            _ => None,
        }
    }

    fn method(&self, name: &str) -> Option<Function> {
        let this = self.clone();
        match name {
            "String" => Some(string_method(move || this.normalized.clone())),
            "GitVersion" => Some(string_method(move || this.version.clone())),
            _ => None,
        }
    }

    /// Go prints the struct's fields (its `String` has a pointer receiver that a copy in a
    /// struct field does not reach), the unexported normalized version among them.
    fn fields(&self) -> Vec<(String, Value)> {
        vec![
            ("Version".to_owned(), Value::str(&self.version)),
            ("normalizedVersion".to_owned(), Value::str(&self.normalized)),
            ("Major".to_owned(), Value::str(&self.major)),
            ("Minor".to_owned(), Value::str(&self.minor)),
        ]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities.APIVersions` (`common.VersionSet`, a named `[]string`).
pub struct VersionSet(Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> String {
        "common.VersionSet".to_owned()
    }

    fn method(&self, name: &str) -> Option<Function> {
        let versions = self.0.clone();
        match name {
            "Has" => Some(Function::new(
                Signature::new(vec![Type::String], Type::Bool),
                move |_, args| {
                    let wanted = args.first().and_then(Value::as_str).unwrap_or_default();
                    Ok(Value::Bool(versions.iter().any(|v| v == wanted)))
                },
            )),
            _ => None,
        }
    }

    fn underlying(&self) -> Option<Value> {
        Some(Value::List(List::strings(
            self.0.iter().map(String::as_str),
        )))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities.HelmVersion` (`version.BuildInfo`).
struct HelmVersion;

impl Object for HelmVersion {
    fn type_name(&self) -> String {
        "version.BuildInfo".to_owned()
    }

    fn field(&self, name: &str) -> Option<Value> {
        self.fields()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    fn fields(&self) -> Vec<(String, Value)> {
        vec![
            ("Version".to_owned(), Value::str(HELM_VERSION)),
            ("GitCommit".to_owned(), Value::str("")),
            ("GitTreeState".to_owned(), Value::str("")),
            ("GoVersion".to_owned(), Value::str(HELM_GO_VERSION)),
            (
                "KubeClientVersion".to_owned(),
                Value::str(HELM_KUBE_CLIENT_VERSION),
            ),
        ]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Files` (`engine.files`, a named `map[string][]byte`): a chart's files but its templates,
/// `Chart.yaml` and `values.yaml`. Contents are exposed as strings: templates reach them
/// through `Get`, `Glob`, `Lines`, `AsConfig` and `AsSecrets`, which all work on text.
#[derive(Clone)]
pub struct Files {
    files: Rc<Vec<(String, Rc<str>)>>,
}

impl Files {
    /// The files of a chart.
    pub fn new(files: &[ChartFile]) -> Files {
        let mut list: Vec<(String, Rc<str>)> = files
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    Rc::from(String::from_utf8_lossy(&f.data).as_ref()),
                )
            })
            .collect();
        list.sort_by(|a, b| a.0.cmp(&b.0));
        Files {
            files: Rc::new(list),
        }
    }

    fn get(&self, name: &str) -> Option<&Rc<str>> {
        self.files
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .and_then(|i| self.files.get(i))
            .map(|(_, data)| data)
    }

    fn glob(&self, pattern: &str) -> Files {
        let matcher = super::glob::Glob::new(pattern).unwrap_or_else(super::glob::Glob::everything);
        let list = self
            .files
            .iter()
            .filter(|(name, _)| matcher.matches(name))
            .cloned()
            .collect();
        Files {
            files: Rc::new(list),
        }
    }

    /// Base names and contents, as `AsConfig`/`AsSecrets` key them (a later file of the same
    /// base name wins, as Go's map assignment does in name order here).
    fn by_base_name(&self, encode: impl Fn(&str) -> String) -> Map {
        let map = Map::with_type(ElemType::String, None);
        for (name, data) in self.files.iter() {
            let base = name.rsplit('/').next().unwrap_or(name);
            map.insert(base, Value::str(&encode(data)));
        }
        map
    }
}

impl Object for Files {
    fn type_name(&self) -> String {
        "engine.files".to_owned()
    }

    fn method(&self, name: &str) -> Option<Function> {
        let this = self.clone();
        let one_string = |result: Type| Signature::new(vec![Type::String], result);
        match name {
            "Get" | "GetBytes" => Some(Function::new(one_string(Type::String), move |_, args| {
                let name = args.first().and_then(Value::as_str).unwrap_or_default();
                Ok(Value::String(
                    this.get(name).cloned().unwrap_or_else(|| Rc::from("")),
                ))
            })),
            "Glob" => Some(Function::new(
                one_string(Type::Named(Rc::from("engine.files"))),
                move |_, args| {
                    let pattern = args.first().and_then(Value::as_str).unwrap_or_default();
                    Ok(Value::Object(Rc::new(this.glob(pattern))))
                },
            )),
            "Lines" => Some(Function::new(
                one_string(Type::StringList),
                move |_, args| {
                    let name = args.first().and_then(Value::as_str).unwrap_or_default();
                    let text = this.get(name).map(|s| s.to_string()).unwrap_or_default();
                    if text.is_empty() {
                        return Ok(Value::List(List::strings(Vec::<&str>::new())));
                    }
                    let text = text.strip_suffix('\n').unwrap_or(&text);
                    Ok(Value::List(List::strings(text.split('\n'))))
                },
            )),
            "AsConfig" => Some(Function::new(
                Signature::new(vec![], Type::String),
                move |_, _| {
                    let map = this.by_base_name(str::to_owned);
                    yaml_text(&map)
                },
            )),
            "AsSecrets" => Some(Function::new(
                Signature::new(vec![], Type::String),
                move |_, _| {
                    let map = this.by_base_name(|data| base64(data.as_bytes()));
                    yaml_text(&map)
                },
            )),
            _ => None,
        }
    }

    fn underlying(&self) -> Option<Value> {
        let map = Map::with_type(ElemType::String, Some("engine.files"));
        for (name, data) in self.files.iter() {
            map.insert(name.clone(), Value::String(data.clone()));
        }
        Some(Value::Map(map))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn yaml_text(map: &Map) -> Result<Value, FuncError> {
    Ok(Value::str(&super::yaml::to_yaml(&Value::Map(map.clone()))))
}

/// Standard base64 with padding, as Go's `StdEncoding` writes it.
use gotemplate::sprig::base64_encode as base64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions_parse_as_kubernetes_does() {
        let v = KubeVersion::parse("1.30").unwrap_or_default();
        assert_eq!(
            (v.version.as_str(), v.normalized.as_str()),
            ("v1.30", "v1.30.0")
        );
        let v = KubeVersion::parse("v1.33.4-gke.1245000").unwrap_or_default();
        assert_eq!(v.normalized, "v1.33.4");
        assert_eq!((v.major.as_str(), v.minor.as_str()), ("1", "33"));
        assert!(KubeVersion::parse("one").is_err());
    }

    #[test]
    fn base64_pads_as_go_does() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }
}
