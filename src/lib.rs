//! imgsift: find every container image a Kubernetes deployment will pull, offline.
//!
//! The flow goes one way, one folder a stage (docs/architecture.md):
//! `inputs/` -> `documents/` -> `render/` -> `extract/` -> `inventory/` -> `emit/`, driven by
//! `pipeline.rs`. `commands/` runs each subcommand over that flow; `cli.rs` and `config.rs` are
//! the edge where flags become a plain [`config::Config`]. `reference.rs` (the image reference
//! grammar), `registry/` (the private-registry mapping rule), `kube.rs` (built-in kinds) and
//! `diag.rs` (diagnostics) are the vocabulary every stage shares; `rules/` is the user's rule
//! file (`.imgsift.yaml`) as data, which `extract/` and `inventory/` apply.

pub mod cli;
pub mod commands;
pub mod config;
pub mod diag;
pub mod documents;
pub mod emit;
pub mod escape;
pub mod extract;
pub mod inputs;
pub mod inventory;
pub mod kube;
pub mod pipeline;
pub mod reference;
pub mod registry;
pub mod render;
pub mod rules;

pub use commands::{Outcome, run};
