//! Names as written: an image string cut into name, tag and digest without normalizing it.
//!
//! kustomize's `images:` transformer matches images by the name as written in the manifest
//! (`nginx`, not `docker.io/library/nginx`), and a values overlay writes the repository part
//! back in the shape the chart wrote it. Both need the written name, which the grammar of
//! `reference.rs` would normalize away.

/// kustomize's `image.Split`: name, tag and digest of an image as written. The search for `:`
/// and `@` starts at the first `/`, so a registry port is not taken for a tag.
pub fn split_as_written(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|&i| i > 0).unwrap_or(0);
    let search = &image[slash..];
    let at = search.find('@').map(|i| i + slash);
    let colon = search.find(':').map(|i| i + slash);
    match (colon, at) {
        (None, None) => (image.to_owned(), String::new(), String::new()),
        (colon, Some(at)) if colon.is_none_or(|c| at < c) => (
            image[..at].to_owned(),
            String::new(),
            image[at + 1..].to_owned(),
        ),
        (Some(colon), Some(at)) => (
            image[..colon].to_owned(),
            image[colon + 1..at].to_owned(),
            image[at + 1..].to_owned(),
        ),
        (Some(colon), None) => (
            image[..colon].to_owned(),
            image[colon + 1..].to_owned(),
            String::new(),
        ),
        (None, Some(_)) => (image.to_owned(), String::new(), String::new()),
    }
}

/// `repo:tag@digest` -> `repo`, the name as written.
pub fn strip_tag_and_digest(text: &str) -> &str {
    let without_digest = text.split('@').next().unwrap_or(text);
    match without_digest.rfind(':') {
        Some(colon) if !without_digest[colon..].contains('/') => &without_digest[..colon],
        _ => without_digest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_follows_kustomize() {
        let s = |i: &str| {
            let (n, t, d) = split_as_written(i);
            (n, t, d)
        };
        assert_eq!(s("nginx"), ("nginx".into(), "".into(), "".into()));
        assert_eq!(s("nginx:1.25"), ("nginx".into(), "1.25".into(), "".into()));
        assert_eq!(
            s("r.io:5000/a/b"),
            ("r.io:5000/a/b".into(), "".into(), "".into())
        );
        assert_eq!(
            s("r.io:5000/a/b:1"),
            ("r.io:5000/a/b".into(), "1".into(), "".into())
        );
        assert_eq!(
            s("a/b@sha256:ab"),
            ("a/b".into(), "".into(), "sha256:ab".into())
        );
        assert_eq!(
            s("a/b:1@sha256:ab"),
            ("a/b".into(), "1".into(), "sha256:ab".into())
        );
    }

    #[test]
    fn tags_and_digests_are_stripped_from_names() {
        assert_eq!(strip_tag_and_digest("nginx:1.25"), "nginx");
        assert_eq!(strip_tag_and_digest("r.local:5000/x"), "r.local:5000/x");
        assert_eq!(
            strip_tag_and_digest("r.local:5000/x:1@sha256:ab"),
            "r.local:5000/x"
        );
        assert_eq!(strip_tag_and_digest("quay.io/a/b@sha256:ab"), "quay.io/a/b");
    }
}
