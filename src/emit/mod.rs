//! Emitters: every output format imgsift writes, each given what the run found and writing
//! text, never deciding what is an image.
//!
//! - `text.rs`, `json.rs`, `table.rs`, `why.rs`: the outputs of `scan`;
//! - `overlay/`: values overrides and the kustomization `images:` list of `overlay`;
//! - `mirror/`: the mirroring-tool inputs of `mirror` (minijinja templates);
//! - `hosts.rs`: the node mirror configurations of `hosts`;
//! - `check.rs`: the violation lines of `check`;
//! - `charts.rs`: the chart list of `charts`;
//! - `yaml.rs`: the YAML writer the overlays share;
//! - `files.rs`: delivery, printed or written as files (atomically, never over an input).
//!
//! A new output format is a file here and a variant of its command's format in `config.rs`.

pub mod charts;
pub mod check;
pub mod files;
pub mod hosts;
mod json;
pub mod mirror;
pub mod overlay;
mod table;
mod text;
mod why;
pub mod yaml;

pub use json::write_json;
pub use table::write_table;
pub use text::write_text;
pub use why::{WhyQuery, write_why};
