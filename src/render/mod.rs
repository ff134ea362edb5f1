//! Renderers: tools whose output imgsift computes itself instead of running them. Each one
//! turns a tree of inputs into resources with provenance ([`crate::tree::Tree`]), which the
//! extractors read like documents from a file.

pub mod kustomize;
