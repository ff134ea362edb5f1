//! Emitters: one file per output format of `scan`, each writing to a `Write` it is handed.
//!
//! Emitters only format a finished inventory; they decide nothing about what is an image.

mod json;
mod table;
mod text;
mod why;

pub use json::write_json;
pub use table::write_table;
pub use text::write_text;
pub use why::{WhyQuery, write_why};
