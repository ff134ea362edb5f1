//! The plain configuration the library runs on, converted from the command line at the edge.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::cli::{
    self, Cli, Command, InputArgs, MappingArgs, MirrorFormat, ScanFormat, ScriptTool,
};
use crate::emit::WhyQuery;
use crate::emit::hosts::{self, HostsOptions, Mirror};
use crate::emit::mirror::{Format, Tool, charts};
use crate::emit::overlay;
use crate::extract::ExtractOptions;
use crate::inputs::Input;
use crate::registry::Registry;
use crate::registry::mapping::Mapping;
use crate::registry::readiness::CheckOptions;
use crate::render::helm;
use crate::render::kustomize::LoadRestrictor;
use crate::rules::{self, Rules};

/// Everything a run needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Worker threads; `None` for one per core.
    pub threads: Option<usize>,
    /// What to read, in order.
    pub inputs: Vec<Input>,
    /// How to read it: what extraction keeps (every command scans its inputs the same way).
    pub options: ExtractOptions,
    /// The render flags of a chart named among the inputs (`-f`, `--set`, release name, ...).
    pub helm: Option<helm::Options>,
    /// Where the charts that objects of the inputs install are looked for.
    pub charts: ChartSettings,
    /// The command.
    pub command: CommandConfig,
}

/// `--charts DIR` and `--allow-missing-charts`.
#[derive(Debug, Clone, Default)]
pub struct ChartSettings {
    /// Folders of charts, as `helm pull` leaves them.
    pub dirs: Vec<PathBuf>,
    /// A chart that is not at hand is a warning, not an error.
    pub allow_missing: bool,
}

/// One command's configuration.
#[derive(Debug, Clone)]
pub enum CommandConfig {
    /// `imgsift scan`.
    Scan(ScanConfig),
    /// `imgsift overlay`.
    Overlay(OverlayConfig),
    /// `imgsift mirror`.
    Mirror(MirrorConfig),
    /// `imgsift hosts`.
    Hosts(HostsConfig),
    /// `imgsift check`.
    Check(CheckConfig),
    /// `imgsift render`.
    Render(RenderConfig),
    /// `imgsift charts`.
    Charts(ChartsConfig),
}

/// `imgsift charts`.
#[derive(Debug, Clone)]
pub struct ChartsConfig {
    /// What to print.
    pub format: crate::emit::charts::Format,
}

/// `imgsift render`.
#[derive(Debug, Clone)]
pub struct RenderConfig {
    /// The chart folder or archive.
    pub chart: PathBuf,
    /// Helm's flags.
    pub options: helm::Options,
}

/// What `mirror` renders.
#[derive(Debug, Clone)]
pub enum MirrorOutput {
    /// A built-in format.
    Format(Format),
    /// A user's template: its file name and text.
    Template(String, String),
}

/// `imgsift mirror`.
#[derive(Debug, Clone)]
pub struct MirrorConfig {
    /// The registry mapping.
    pub mapping: Mapping,
    /// What to write.
    pub output: MirrorOutput,
    /// Write files here instead of printing.
    pub out_dir: Option<PathBuf>,
    /// Mirror the charts, not the images.
    pub charts: Option<ChartMirror>,
}

/// `mirror --charts`: where the charts go and what to write.
#[derive(Debug, Clone)]
pub struct ChartMirror {
    /// The OCI registry, without its `oci://`.
    pub registry: Registry,
    /// Script or list.
    pub format: charts::Format,
}

/// `imgsift hosts`.
#[derive(Debug, Clone)]
pub struct HostsConfig {
    /// The mirror and TLS settings.
    pub hosts: HostsOptions,
    /// containerd or K3s.
    pub format: hosts::Format,
    /// Write files here instead of printing.
    pub out_dir: Option<PathBuf>,
}

/// `imgsift check`.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// What is demanded.
    pub check: CheckOptions,
}

/// `imgsift overlay`.
#[derive(Debug, Clone)]
pub struct OverlayConfig {
    /// The registry mapping of the images (`None`: only the charts are pointed at a mirror).
    pub mapping: Option<Mapping>,
    /// The OCI registry the charts were mirrored to (`--charts-registry`).
    pub charts_registry: Option<Registry>,
    /// Values overrides or a kustomize list.
    pub format: overlay::Format,
    /// Write files here instead of printing.
    pub out_dir: Option<PathBuf>,
}

/// `imgsift scan`.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// What to print.
    pub output: ScanOutput,
}

/// What `scan` prints.
#[derive(Debug, Clone)]
pub enum ScanOutput {
    /// One reference per line.
    Text,
    /// The JSON document.
    Json,
    /// A table for people.
    Table,
    /// Every source of the images matching a reference.
    Why(WhyQuery),
}

impl ScanOutput {
    fn needs_sources(&self) -> bool {
        !matches!(self, ScanOutput::Text)
    }
}

impl Config {
    /// Converts parsed flags. `stdin_is_terminal` decides whether no INPUT means standard
    /// input (piped) or a usage error (nothing to read).
    pub fn from_cli(cli: Cli, stdin_is_terminal: bool) -> anyhow::Result<Config> {
        let helm_args = match &cli.command {
            Command::Scan(a) => Some((a.input.helm.clone(), a.input.values.clone())),
            Command::Overlay(a) => Some((a.input.helm.clone(), a.input.values.clone())),
            Command::Mirror(a) => Some((a.input.helm.clone(), a.input.values.clone())),
            Command::Hosts(a) => Some((a.input.helm.clone(), a.input.values.clone())),
            Command::Check(a) => Some((a.input.helm.clone(), a.input.values.clone())),
            Command::Charts(a) => Some((a.input.helm.clone(), a.input.values.clone())),
            Command::Render(_) => None,
        };
        let charts = match &cli.command {
            Command::Scan(a) => chart_settings(&a.input),
            Command::Overlay(a) => chart_settings(&a.input),
            Command::Mirror(a) => chart_settings(&a.input),
            Command::Hosts(a) => chart_settings(&a.input),
            Command::Check(a) => chart_settings(&a.input),
            Command::Charts(a) => chart_settings(&a.input),
            Command::Render(_) => ChartSettings::default(),
        };
        let (inputs, options, command) = match cli.command {
            Command::Scan(args) => {
                let output = match (&args.why, args.output) {
                    (Some(reference), _) => {
                        ScanOutput::Why(WhyQuery::parse(reference).with_context(|| {
                            format!("--why {reference:?} is not an image reference")
                        })?)
                    }
                    (None, ScanFormat::Text) => ScanOutput::Text,
                    (None, ScanFormat::Json) => ScanOutput::Json,
                    (None, ScanFormat::Table) => ScanOutput::Table,
                };
                let keep_sources = output.needs_sources();
                (
                    inputs(&args.input, stdin_is_terminal)?,
                    scan_options(&args.input, keep_sources, false),
                    CommandConfig::Scan(ScanConfig { output }),
                )
            }
            Command::Overlay(args) => {
                let format = match args.output {
                    cli::OverlayFormat::Values => overlay::Format::Values,
                    cli::OverlayFormat::Kustomize => overlay::Format::Kustomize,
                };
                let inputs = inputs(&args.input, stdin_is_terminal)?;
                // The kustomize list needs each manifest image as written.
                let options = scan_options(&args.input, format == overlay::Format::Kustomize, true);
                let charts_registry = match &args.charts_registry {
                    Some(text) => Some(
                        Registry::parse(text.trim().trim_start_matches("oci://")).map_err(|e| {
                            anyhow::anyhow!("{e} (--charts-registry is oci://HOST[:PORT][/PREFIX])")
                        })?,
                    ),
                    None => None,
                };
                let mapping = match (&args.mapping.registry, &charts_registry) {
                    (None, Some(_)) => None,
                    _ => Some(mapping(&args.mapping)?),
                };
                let command = CommandConfig::Overlay(OverlayConfig {
                    mapping,
                    format,
                    out_dir: args.out_dir,
                    charts_registry,
                });
                (inputs, options, command)
            }
            Command::Mirror(args) => {
                let output = match (&args.template, args.output) {
                    (Some(path), _) => {
                        let text = std::fs::read_to_string(path).with_context(|| {
                            format!("cannot read the template {}", path.display())
                        })?;
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_else(|| "template".to_owned());
                        MirrorOutput::Template(name, text)
                    }
                    (None, Some(_)) | (None, None) if args.charts => {
                        MirrorOutput::Format(Format::List)
                    }
                    (None, Some(format)) => MirrorOutput::Format(mirror_format(format, args.tool)?),
                    (None, None) => bail!("give -o FORMAT or --template FILE"),
                };
                let inputs = inputs(&args.input, stdin_is_terminal)?;
                let charts = if args.charts {
                    if args.template.is_some() {
                        bail!("--template lists images; with --charts, give -o script or -o list");
                    }
                    Some(chart_mirror(
                        args.mapping.registry.as_deref().unwrap_or(""),
                        args.output,
                        args.tool,
                    )?)
                } else {
                    None
                };
                let mapping = match &charts {
                    Some(charts) => Mapping {
                        registry: charts.registry.clone(),
                        keep_registry_path: false,
                    },
                    None => mapping(&args.mapping)?,
                };
                let command = CommandConfig::Mirror(MirrorConfig {
                    mapping,
                    output,
                    out_dir: args.out_dir,
                    charts,
                });
                (inputs, scan_options(&args.input, false, false), command)
            }
            Command::Hosts(args) => (
                inputs(&args.input, stdin_is_terminal)?,
                scan_options(&args.input, false, false),
                CommandConfig::Hosts(HostsConfig {
                    hosts: HostsOptions {
                        mirror: Mirror::parse(&args.mirror).map_err(anyhow::Error::msg)?,
                        keep_registry_path: args.keep_registry_path,
                        ca: args.ca,
                        skip_verify: args.skip_verify,
                    },
                    format: match args.output {
                        cli::HostsFormat::Containerd => hosts::Format::Containerd,
                        cli::HostsFormat::K3s => hosts::Format::K3s,
                    },
                    out_dir: args.out_dir,
                }),
            ),
            Command::Check(args) => (
                inputs(&args.input, stdin_is_terminal)?,
                // Sources are kept: violations name them.
                scan_options(&args.input, true, false),
                CommandConfig::Check(CheckConfig {
                    check: CheckOptions {
                        registry: Registry::parse(&args.registry)?,
                        allow_floating: args.allow_floating,
                        require_digest: args.require_digest,
                    },
                }),
            ),
            Command::Charts(args) => (
                inputs(&args.input, stdin_is_terminal)?,
                scan_options(&args.input, false, false),
                CommandConfig::Charts(ChartsConfig {
                    format: match args.output {
                        cli::ChartsFormat::Text => crate::emit::charts::Format::Text,
                        cli::ChartsFormat::Json => crate::emit::charts::Format::Json,
                        cli::ChartsFormat::Table => crate::emit::charts::Format::Table,
                    },
                }),
            ),
            Command::Render(args) => {
                let (name, chart) = match args.args.as_slice() {
                    [chart] => (args.helm.name.clone(), chart),
                    [name, chart] => (Some(name.to_string_lossy().into_owned()), chart),
                    _ => bail!("give [NAME] CHART"),
                };
                let mut options = helm_options(&args.helm, &args.values);
                options.name = name.or(options.name);
                options.include_crds = args.include_crds;
                options.skip_tests = args.skip_tests;
                options.no_hooks = args.no_hooks;
                options.show_only = args.show_only.clone();
                // What `render` prints may be applied: its random Secrets must be as
                // unpredictable as Helm's.
                options.os_random = true;
                options.untraced = true;
                (
                    Vec::new(),
                    ExtractOptions::default(),
                    CommandConfig::Render(RenderConfig {
                        chart: PathBuf::from(chart),
                        options,
                    }),
                )
            }
        };
        if cli.threads == Some(0) {
            bail!("--threads must be at least 1");
        }
        let (inputs, helm) = render_inputs(inputs, helm_args)?;
        Ok(Config {
            threads: cli.threads,
            inputs,
            options,
            helm,
            charts,
            command,
        })
    }
}

fn chart_settings(args: &InputArgs) -> ChartSettings {
    ChartSettings {
        dirs: args.charts.iter().map(PathBuf::from).collect(),
        allow_missing: args.allow_missing_charts,
    }
}

/// With a chart among the inputs, `-f` files and `--set` flags are its render's inputs (as
/// for `helm template`), not values files of their own; without one, `-f` files are values
/// files, and `--set` has nothing to apply to.
fn render_inputs(
    inputs: Vec<Input>,
    args: Option<(cli::HelmArgs, Vec<std::ffi::OsString>)>,
) -> anyhow::Result<(Vec<Input>, Option<helm::Options>)> {
    let Some((args, values)) = args else {
        return Ok((inputs, None));
    };
    let has_chart = inputs.iter().any(|input| match input {
        Input::Path(path) => {
            path.join("Chart.yaml").is_file()
                || path.file_name().is_some_and(|n| n == "Chart.yaml")
                || (path.is_file() && crate::inputs::chart::is_archive_name(path))
        }
        _ => false,
    });
    let options = helm_options(&args, &values);
    let flags_given = !options.sets.is_empty()
        || options.name.is_some()
        || options.namespace.is_some()
        || options.kube_version.is_some()
        || !options.api_versions.is_empty()
        || options.is_upgrade;
    if !has_chart {
        if flags_given {
            bail!(
                "--set, --name, --namespace and the other render flags need a Helm chart among the inputs"
            );
        }
        return Ok((inputs, None));
    }
    let inputs = inputs
        .into_iter()
        .filter(|input| !matches!(input, Input::Values(_)))
        .collect();
    Ok((inputs, Some(options)))
}

/// Helm's render flags as the renderer's options.
fn helm_options(args: &cli::HelmArgs, values: &[std::ffi::OsString]) -> helm::Options {
    // Helm applies the kinds in this order, whatever order the flags were given in.
    let mut sets = Vec::new();
    let kinds = [
        (helm::SetKind::Json, &args.set_json),
        (helm::SetKind::Set, &args.set),
        (helm::SetKind::String, &args.set_string),
        (helm::SetKind::File, &args.set_file),
        (helm::SetKind::Literal, &args.set_literal),
    ];
    for (kind, list) in kinds {
        sets.extend(list.iter().map(|text| (kind, text.clone())));
    }
    helm::Options {
        name: args.name.clone(),
        namespace: args.namespace.clone(),
        values_files: values.iter().map(PathBuf::from).collect(),
        sets,
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        is_upgrade: args.is_upgrade,
        ..helm::Options::default()
    }
}

fn mirror_format(format: MirrorFormat, tool: ScriptTool) -> anyhow::Result<Format> {
    Ok(match format {
        MirrorFormat::Regsync => Format::Regsync,
        MirrorFormat::Skopeo => Format::Skopeo,
        MirrorFormat::Hauler => Format::Hauler,
        MirrorFormat::Zarf => Format::Zarf,
        MirrorFormat::List => Format::List,
        MirrorFormat::Images => Format::Images,
        MirrorFormat::Script => Format::Script(match tool {
            ScriptTool::Docker => Tool::Docker,
            ScriptTool::Crane => Tool::Crane,
            ScriptTool::Skopeo => Tool::Skopeo,
            ScriptTool::Regctl => Tool::Regctl,
            ScriptTool::Helm => bail!("--tool helm copies charts: give --charts to mirror them"),
        }),
    })
}

/// `mirror --charts`: the OCI registry (`oci://` optional) and what to write.
fn chart_mirror(
    registry: &str,
    format: Option<MirrorFormat>,
    tool: ScriptTool,
) -> anyhow::Result<ChartMirror> {
    let registry = Registry::parse(registry.trim().trim_start_matches("oci://"))
        .map_err(|e| anyhow::anyhow!("{e} (with --charts, give oci://HOST[:PORT][/PREFIX])"))?;
    let format = match format {
        Some(MirrorFormat::List) => charts::Format::List,
        Some(MirrorFormat::Script) | None => charts::Format::Script(match tool {
            ScriptTool::Docker | ScriptTool::Helm => charts::ChartTool::Helm,
            ScriptTool::Crane => charts::ChartTool::Oci(Tool::Crane),
            ScriptTool::Skopeo => charts::ChartTool::Oci(Tool::Skopeo),
            ScriptTool::Regctl => charts::ChartTool::Oci(Tool::Regctl),
        }),
        Some(other) => bail!("with --charts, -o is script or list ({other:?} lists images)"),
    };
    Ok(ChartMirror { registry, format })
}

fn scan_options(args: &InputArgs, keep_sources: bool, keep_shapes: bool) -> ExtractOptions {
    ExtractOptions {
        rules: rule_file(args),
        strict: args.strict,
        skip_test_hooks: args.skip_test_hooks,
        keep_sources,
        keep_shapes,
        limits: Default::default(),
        load_restrictor: match args.load_restrictor {
            cli::LoadRestrictor::RootOnly => LoadRestrictor::RootOnly,
            cli::LoadRestrictor::None => LoadRestrictor::None,
        },
    }
}

fn mapping(args: &MappingArgs) -> anyhow::Result<Mapping> {
    let Some(registry) = &args.registry else {
        bail!("give --registry HOST[:PORT][/PREFIX]");
    };
    Ok(Mapping {
        registry: Registry::parse(registry)?,
        keep_registry_path: args.keep_registry_path,
    })
}

fn inputs(args: &InputArgs, stdin_is_terminal: bool) -> anyhow::Result<Vec<Input>> {
    let values = args.values.iter().map(|v| Input::Values(PathBuf::from(v)));
    if args.inputs.is_empty() && !args.values.is_empty() && stdin_is_terminal {
        return Ok(values.collect());
    }
    if args.inputs.is_empty() {
        if stdin_is_terminal {
            bail!(
                "no input: name files or directories, or pipe manifests in (`helm template . | imgsift scan`)"
            );
        }
        return Ok(std::iter::once(Input::Stdin).chain(values).collect());
    }
    let mut inputs = Vec::with_capacity(args.inputs.len());
    let mut stdin_seen = false;
    for arg in &args.inputs {
        if arg == "-" {
            if stdin_seen {
                bail!("standard input (`-`) can be read only once");
            }
            stdin_seen = true;
            inputs.push(Input::Stdin);
        } else {
            inputs.push(Input::Path(PathBuf::from(arg)));
        }
    }
    inputs.extend(values);
    Ok(inputs)
}

/// The rule file's rules: `--config FILE`, else the `.imgsift.yaml` found upward from the
/// working directory, else none (`--no-config`, or none found). Read once per process and
/// kept for its whole life (see [`ExtractOptions::rules`]). A file that cannot be read is an
/// error diagnostic of the run, not a usage error: the run goes on without its rules and
/// exits 2, as for any input that cannot be read.
fn rule_file(args: &InputArgs) -> Option<&'static Rules> {
    if args.no_config {
        return None;
    }
    let (path, shown) = match &args.config {
        Some(path) => {
            let path = PathBuf::from(path);
            let shown = path.to_string_lossy().into_owned();
            (path, shown)
        }
        None => {
            let cwd = std::env::current_dir().ok()?;
            find_rule_file(&cwd)?
        }
    };
    let rules = match read_bounded(&path) {
        Ok(text) => rules::parse(&text, &shown),
        Err(why) => Rules {
            diagnostics: vec![crate::diag::Diagnostic::error(
                crate::diag::Code::RuleFileUnreadable,
                &shown,
                1,
                1,
                format!("cannot read the rule file: {why}; no rule of it applies"),
            )],
            file: std::sync::Arc::from(shown.as_str()),
            ..Rules::default()
        },
    };
    Some(Box::leak(Box::new(rules)))
}

/// The rule file's text, within the document bound.
fn read_bounded(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let limit = crate::documents::Limits::default().max_document_bytes;
    let file = std::fs::File::open(path).map_err(|e| crate::diag::describe_io_error(&e))?;
    if !file
        .metadata()
        .map_err(|e| crate::diag::describe_io_error(&e))?
        .is_file()
    {
        return Err("not a regular file".to_owned());
    }
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| crate::diag::describe_io_error(&e))?;
    if bytes.len() > limit {
        return Err(format!("larger than {} MiB", limit >> 20));
    }
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())
}

/// Looks for [`rules::FILE_NAME`] in `start` and its parents. The search stops at the first
/// folder holding `.git` (the root of a repository: a rule file above it belongs to another
/// project, or to the home folder) and at the root of the file system. Returns the path and
/// how it is shown: relative to `start` (`.imgsift.yaml`, `../../.imgsift.yaml`), as the
/// user would type it.
pub fn find_rule_file(start: &std::path::Path) -> Option<(PathBuf, String)> {
    for (up, dir) in start.ancestors().enumerate() {
        let candidate = dir.join(rules::FILE_NAME);
        if candidate.is_file() {
            return Some((
                candidate,
                format!("{}{}", "../".repeat(up), rules::FILE_NAME),
            ));
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}
