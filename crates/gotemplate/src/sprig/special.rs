//! Sprig's regular expressions, semantic versions, dates, hashes, crypto and random generators
//! (`regex.go`, `semver.go`, `date.go`, `crypto.go`, the random parts of `strings.go`), with
//! Sprig v3.3.0's Go signatures and results. Where Sprig panics, the function returns the error
//! text Go's `text/template` reports for the recovered panic. Each submodule's header says why
//! its dependencies beat hand-written code.

use crate::FuncMap;

mod crypto;
mod date;
mod hash;
mod random;
mod regex;
pub mod semver;

/// Adds this family's functions.
pub(super) fn register(map: &mut FuncMap) {
    crypto::register(map);
    date::register(map);
    hash::register(map);
    random::register(map);
    regex::register(map);
    semver::register(map);
}
