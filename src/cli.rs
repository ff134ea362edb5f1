//! Command-line flags, as clap sees them. Converted into a plain [`crate::config::Config`] at
//! once; nothing below `config.rs` knows about clap.

use std::ffi::OsString;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find every container image a Kubernetes deployment will pull, offline.
#[derive(Debug, Parser)]
#[command(name = "imgsift", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// Worker threads (default: one per core). Output is the same whatever the number.
    #[arg(short = 'j', long, global = true, value_name = "N")]
    pub threads: Option<usize>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the images found in manifests (default: one normalized reference per line).
    Scan(ScanArgs),
    /// Write Helm values overrides that point every image of the values files at a registry.
    Overlay(OverlayArgs),
    /// Write what a mirroring tool needs to copy every image into the private registry.
    Mirror(MirrorArgs),
    /// Write registry-mirror configuration for the nodes' container runtime.
    Hosts(HostsArgs),
    /// Fail when any image would be pulled from anywhere but the private registry.
    Check(CheckArgs),
    /// Print what `helm template` prints for a local chart (folder or .tgz), natively.
    Render(RenderArgs),
    /// List every Helm chart the inputs pull: name, version, repository, where, found or not.
    Charts(ChartsArgs),
}

/// Output formats of `charts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartsFormat {
    /// `name<TAB>version<TAB>repository`, one chart per line.
    Text,
    /// Every chart with every reference and where it was found.
    Json,
    /// An aligned table for people.
    Table,
}

/// `imgsift charts`.
#[derive(Debug, Args)]
pub struct ChartsArgs {
    /// Inputs and filters.
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = ChartsFormat::Text)]
    pub output: ChartsFormat,
}

/// The flags of `helm template` that a render takes, spelled as Helm spells them.
#[derive(Debug, Args, Default, Clone)]
pub struct HelmArgs {
    /// The release name (default `release-name`).
    #[arg(long = "name", value_name = "NAME")]
    pub name: Option<String>,

    /// The release namespace (default `default`).
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Set values on the command line (`a.b=c,d=e`; repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Set string values (repeatable).
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,

    /// Set JSON values (repeatable).
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,

    /// Set values from files (repeatable).
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,

    /// Set a literal string value (repeatable).
    #[arg(long = "set-literal", value_name = "KEY=VALUE")]
    pub set_literal: Vec<String>,

    /// The Kubernetes version for `.Capabilities.KubeVersion`.
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<String>,

    /// Kubernetes API versions for `.Capabilities.APIVersions` (repeatable, comma lists).
    #[arg(short = 'a', long = "api-versions", value_name = "VERSION")]
    pub api_versions: Vec<String>,

    /// Render as an upgrade (`.Release.IsUpgrade`).
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
}

/// `imgsift render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// `[NAME] CHART`: the release name (optional) and the chart folder or `.tgz`.
    #[arg(value_name = "ARGS", num_args = 1..=2, required = true)]
    pub args: Vec<OsString>,

    /// Helm values files, merged left to right (repeatable).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<OsString>,

    /// Helm's render flags.
    #[command(flatten)]
    pub helm: HelmArgs,

    /// Include the CRDs of `crds/` folders.
    #[arg(long = "include-crds")]
    pub include_crds: bool,

    /// Leave out test hooks.
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,

    /// Leave out every hook.
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,

    /// Only the manifests of these templates (`templates/x.yaml`; repeatable).
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
}

/// Output formats of `mirror`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MirrorFormat {
    /// regclient's regsync configuration.
    Regsync,
    /// `skopeo sync --src yaml` input, one document per destination, with the commands.
    Skopeo,
    /// A hauler `Images` manifest.
    Hauler,
    /// A Zarf package with one component listing the images.
    Zarf,
    /// A POSIX sh script of copy commands (`--tool`).
    Script,
    /// `source<TAB>target` lines.
    List,
    /// Source references, one per line (images.txt for hauler and RKE2).
    Images,
}

/// The tool a mirror script drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScriptTool {
    /// docker pull, tag, push (one platform per image).
    Docker,
    /// crane copy.
    Crane,
    /// skopeo copy --all --preserve-digests.
    Skopeo,
    /// regctl image copy.
    Regctl,
    /// helm pull and helm push (charts only, with `--charts`).
    Helm,
}

/// `imgsift mirror`.
#[derive(Debug, Args)]
// Here `--charts` asks for the charts to be mirrored, so the folder of charts is spelled
// `--charts-dir`.
#[command(mut_arg("charts", |a| a.long("charts-dir")))]
pub struct MirrorArgs {
    /// Inputs and filters.
    #[command(flatten)]
    pub input: InputArgs,

    /// Mirror the Helm charts the inputs pull (not their images) into the OCI registry
    /// `--registry oci://HOST[:PORT][/PREFIX]` (`-o script` or `-o list`).
    #[arg(long = "charts", id = "mirror_charts")]
    pub charts: bool,

    /// The registry mapping.
    #[command(flatten)]
    pub mapping: MappingArgs,

    /// Output format (or --template).
    #[arg(short = 'o', long, value_enum, required_unless_present = "template")]
    pub output: Option<MirrorFormat>,

    /// The tool of `-o script`.
    #[arg(long, value_enum, default_value_t = ScriptTool::Docker)]
    pub tool: ScriptTool,

    /// A minijinja template rendered over the images (source, target, registry, repository,
    /// tag, digest, pull, push) and `registry`, instead of a built-in format.
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    pub template: Option<std::path::PathBuf>,

    /// Write the output files under DIR (atomically) instead of printing.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<std::path::PathBuf>,
}

/// Output formats of `hosts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HostsFormat {
    /// containerd `hosts.d/<registry>/hosts.toml`.
    Containerd,
    /// K3s / RKE2 `registries.yaml`.
    K3s,
}

/// `imgsift hosts`.
#[derive(Debug, Args)]
pub struct HostsArgs {
    /// Inputs and filters.
    #[command(flatten)]
    pub input: InputArgs,

    /// The mirror: https://HOST[:PORT][/PREFIX] (or http://; no scheme means https).
    #[arg(long, value_name = "URL")]
    pub mirror: String,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = HostsFormat::Containerd)]
    pub output: HostsFormat,

    /// The mirror nests each upstream under its registry's name (`/PREFIX/docker.io/...`).
    #[arg(long)]
    pub keep_registry_path: bool,

    /// CA certificate file on the nodes for the mirror's TLS.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<String>,

    /// Do not verify the mirror's TLS certificate.
    #[arg(long)]
    pub skip_verify: bool,

    /// Write the files under DIR (atomically) instead of printing: DIR/hosts.d/<registry>/hosts.toml, or DIR/registries.yaml.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<std::path::PathBuf>,
}

/// `imgsift check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Inputs and filters.
    #[command(flatten)]
    pub input: InputArgs,

    /// The private registry every image must come from: HOST[:PORT][/PREFIX].
    #[arg(long, value_name = "HOST[:PORT][/PREFIX]")]
    pub registry: String,

    /// Accept `latest` and missing tags.
    #[arg(long)]
    pub allow_floating: bool,

    /// Demand a digest on every image.
    #[arg(long)]
    pub require_digest: bool,
}

/// Where and how images are mapped into the private registry.
#[derive(Debug, Args)]
pub struct MappingArgs {
    /// The private registry: HOST[:PORT][/PREFIX].
    #[arg(long, value_name = "HOST[:PORT][/PREFIX]", required = true)]
    pub registry: Option<String>,

    /// Keep the source registry as a path under the private one
    /// (`HOST/PREFIX/docker.io/library/nginx`), as a mirror that nests upstreams does.
    #[arg(long)]
    pub keep_registry_path: bool,
}

/// Output formats of `overlay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OverlayFormat {
    /// Helm values overrides, one document per values file.
    Values,
    /// A kustomization `images:` list (name, newName, newTag, digest).
    Kustomize,
}

/// `imgsift overlay`.
#[derive(Debug, Args)]
// The images' registry is not needed when only the charts are pointed at a mirror.
#[command(mut_arg("registry", |a| a.required(false).required_unless_present("charts_registry")))]
pub struct OverlayArgs {
    /// Inputs and filters: values files (and manifests rendered from them, to resolve tags).
    #[command(flatten)]
    pub input: InputArgs,

    /// Point every chart source at this OCI registry (what `mirror --charts` filled):
    /// values overrides for `charts:` values, kustomize patches for HelmRepositories,
    /// OCIRepositories, Applications and HelmCharts.
    #[arg(long, value_name = "oci://HOST[:PORT][/PREFIX]")]
    pub charts_registry: Option<String>,

    /// The registry mapping.
    #[command(flatten)]
    pub mapping: MappingArgs,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = OverlayFormat::Values)]
    pub output: OverlayFormat,

    /// Write one file per values file under DIR (atomically; inputs are never overwritten)
    /// instead of printing.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<std::path::PathBuf>,
}

/// Inputs and filters shared by every command that reads manifests.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files, directories, or `-` for standard input. With none, a piped standard input is read.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<OsString>,

    /// Keep only images from pod specs and custom-resource image fields (classes podspec, crd).
    #[arg(long)]
    pub strict: bool,

    /// Leave out objects that are Helm test hooks (`helm.sh/hook: test`).
    #[arg(long)]
    pub skip_test_hooks: bool,

    /// A Helm values file, read as one whatever it holds (repeatable); with a chart among
    /// the inputs, a values file of its render, as `helm template -f`.
    #[arg(long = "values", short = 'f', value_name = "FILE")]
    pub values: Vec<OsString>,

    /// Helm's render flags, for a chart among the inputs.
    #[command(flatten)]
    pub helm: HelmArgs,

    /// A folder of charts, as `helm pull` leaves them (chart folders and `.tgz` files), where
    /// the charts that HelmReleases, Applications and HelmCharts install are looked up by name
    /// and version (repeatable).
    #[arg(long = "charts", value_name = "DIR")]
    pub charts: Vec<OsString>,

    /// A chart that is not at hand is a warning (its values are still read), and the run can
    /// exit 0; by default it is an error, because the list is known to be incomplete.
    #[arg(long)]
    pub allow_missing_charts: bool,

    /// Which files a kustomization may read, as kustomize's flag says: with the default, a
    /// file must be in or below the folder of the kustomization naming it (symbolic links
    /// resolved); with LoadRestrictionsNone, anywhere.
    #[arg(long, value_enum, value_name = "RESTRICTOR", default_value_t = LoadRestrictor::RootOnly)]
    pub load_restrictor: LoadRestrictor,

    /// The rule file: extra images, exclusions, image paths of custom resources, values
    /// shapes (docs/config.md). Without it, `.imgsift.yaml` is looked for in the working
    /// directory and its parents, up to the root of its Git repository.
    #[arg(long = "config", value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<OsString>,

    /// Read no rule file, not even a `.imgsift.yaml` found upward.
    #[arg(long)]
    pub no_config: bool,
}

/// kustomize's load restrictors, spelled as kustomize spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LoadRestrictor {
    /// Files in or below the kustomization's folder only (kustomize's default).
    #[value(
        name = "LoadRestrictionsRootOnly",
        alias = "rootOnly",
        alias = "rootonly"
    )]
    RootOnly,
    /// Files anywhere (still regular files only, within the byte budget).
    #[value(name = "LoadRestrictionsNone", alias = "none")]
    None,
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// One reference per line, sorted, unique.
    Text,
    /// Every image with every source (schema in docs/json-schema.md).
    Json,
    /// An aligned table for people.
    Table,
}

/// `imgsift scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Inputs and filters.
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = ScanFormat::Text)]
    pub output: ScanFormat,

    /// Print every source of one image (a bare name matches all its tags and digests).
    #[arg(long, value_name = "REF", conflicts_with = "output")]
    pub why: Option<String>,
}
