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
}

/// Where and how images are mapped into the private registry.
#[derive(Debug, Args)]
pub struct MappingArgs {
    /// The private registry: HOST[:PORT][/PREFIX].
    #[arg(long, value_name = "HOST[:PORT][/PREFIX]")]
    pub registry: String,

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
pub struct OverlayArgs {
    /// Inputs and filters: values files (and manifests rendered from them, to resolve tags).
    #[command(flatten)]
    pub input: InputArgs,

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

    /// A Helm values file, read as one whatever it holds (repeatable).
    #[arg(long = "values", short = 'f', value_name = "FILE")]
    pub values: Vec<OsString>,
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
