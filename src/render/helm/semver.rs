//! Semantic-version ranges for a chart's dependencies and `kubeVersion`, by Masterminds/semver's
//! rules (the crate's port of them, as Helm links them).

/// Helm's `IsCompatibleRange`: whether `version` satisfies the range `constraint` (an empty
/// or malformed range, or a malformed version, is not satisfied).
pub fn compatible(constraint: &str, version: &str) -> bool {
    gotemplate::sprig::semver::is_compatible_range(constraint, version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_as_helm_checks_them() {
        assert!(compatible(">=1.25.0-0", "v1.36.0"));
        assert!(!compatible(">=1.25.0-0", "v1.20.0"));
        assert!(compatible("1.x.x", "1.4.0"));
        assert!(!compatible("1.x.x", "2.0.0"));
        assert!(!compatible("1.0.0", "not a version"));
    }
}
