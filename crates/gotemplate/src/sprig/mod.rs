//! Sprig's function library (Masterminds/sprig v3.3.0, `TxtFuncMap`), as Helm registers it.
//!
//! Each file holds one family of functions and a `register` function that adds them to a
//! [`FuncMap`]; [`funcs`] is the whole library. Functions keep Sprig's Go signatures, so that
//! argument counts and types are checked as Go checks them, and Sprig's results, including its
//! quirks (what `default` calls empty, how `toString` prints a float), because charts depend on
//! them. Helm's own functions (`include`, `tpl`, `toYaml`, `required`, ...) are not here: they
//! belong to the Helm layer that builds on this crate.

use crate::FuncMap;

mod general;
mod special;

pub use special::semver;

/// Go's `encoding/json` for template values (Helm's `toJson`/`fromJson` build on it too).
pub use general::json;
/// Go's `path.Clean`, which Helm's loader also applies to archive entry names.
pub use general::path_clean;
/// Go's standard base64, as `b64enc`/`b64dec` and Helm's `.Files.AsSecrets` use it; decoding
/// skips line breaks and fails at the offset Go's `CorruptInputError` names.
pub use general::{base64_decode, base64_encode};

/// Every Sprig function Helm makes available (Helm removes `env` and `expandenv`).
pub fn funcs() -> FuncMap {
    let mut map = FuncMap::new();
    general::register(&mut map);
    special::register(&mut map);
    map
}
