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

/// The parts of the image `raw` (as written) that its substring `piece` spans, in order:
/// `registry`, `repository`, `tag`, `digest`. A registry is the first component when it looks
/// like a host (a `.` or `:`, or `localhost`) and more follow, as distribution reads names.
/// Nothing when `piece` is not in `raw`.
pub fn parts_of(raw: &str, piece: &str) -> Vec<&'static str> {
    let Some(start) = (!piece.is_empty()).then(|| raw.find(piece)).flatten() else {
        return Vec::new();
    };
    let end = start + piece.len();
    let (name, tag, digest) = split_as_written(raw);
    let domain = match name.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first.len(),
        _ => 0,
    };
    // Byte ranges of each part in `raw`; separators belong to no part.
    let repository_start = if domain > 0 { domain + 1 } else { 0 };
    let tag_start = name.len() + 1;
    let digest_start = if tag.is_empty() {
        name.len() + 1
    } else {
        tag_start + tag.len() + 1
    };
    let ranges = [
        ("registry", 0, domain),
        ("repository", repository_start, name.len()),
        ("tag", tag_start, tag_start + tag.len()),
        ("digest", digest_start, digest_start + digest.len()),
    ];
    ranges
        .iter()
        .filter(|(_, from, to)| from < to && start < *to && *from < end)
        .map(|(part, _, _)| *part)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_a_piece_follow_the_written_name() {
        let raw = "reg.local:5000/team/app:v1@sha256:abc";
        assert_eq!(parts_of(raw, "reg.local:5000"), ["registry"]);
        assert_eq!(parts_of(raw, "team/app"), ["repository"]);
        assert_eq!(parts_of(raw, "v1"), ["tag"]);
        assert_eq!(parts_of(raw, "sha256:abc"), ["digest"]);
        assert_eq!(
            parts_of(raw, "reg.local:5000/team/app"),
            ["registry", "repository"]
        );
        assert_eq!(
            parts_of("bitnami/redis:7.2", "bitnami/redis"),
            ["repository"]
        );
        assert_eq!(parts_of("nginx", "nginx"), ["repository"]);
        assert!(parts_of("nginx", "redis").is_empty());
    }

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
