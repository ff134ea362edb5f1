//! The rules that decide, from names and text alone, what could be an image.
//!
//! Every class that guesses (ConfigMap keys, env vars, flags, annotations, values keys) asks
//! the same questions: does this name say "image", or only a part of one (`IMAGE_TAG`,
//! `imagePullPolicy`)? Is this text a template placeholder? Is it qualified enough to be taken
//! for a reference when only a name suggested it? The answers are here, in one place, so that
//! the classes agree.

/// The words of a name, upper-cased: split at anything not alphanumeric and where a lower-case
/// letter or digit meets an upper-case one (`proxyImage` -> PROXY, IMAGE;
/// `TENSORBOARD_IMAGE` -> TENSORBOARD, IMAGE; `queue-sidecar-image` -> QUEUE, SIDECAR, IMAGE).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a key names an image: its last word is IMAGE (`image`, `proxyImage`,
/// `queue-sidecar-image`, `TENSORBOARD_IMAGE`). `images`, `imagePullPolicy`, `imageTag` do not.
pub fn key_names_image(key: &str) -> bool {
    contains_image(key) && words(key).last().is_some_and(|w| w.ends_with("IMAGE"))
}

/// Whether a name contains "image" in any case: the cheap test before splitting it into words.
fn contains_image(name: &str) -> bool {
    name.len() >= 5
        && name
            .as_bytes()
            .windows(5)
            .any(|w| w.eq_ignore_ascii_case(b"image"))
}

/// Words that make a name about a part of an image, or about pulling it, rather than an image:
/// `IMAGE_PULL_POLICY`, `IMAGE_REGISTRY=gcr.io/acme`, `--image-repository`, `IMAGE_TAG`.
const NOT_AN_IMAGE_WORDS: &[&str] = &[
    "PULL",
    "POLICY",
    "SECRET",
    "SECRETS",
    "REGISTRY",
    "REGISTRIES",
    "REPO",
    "REPOS",
    "REPOSITORY",
    "PREFIX",
    "SUFFIX",
    "TAG",
    "TAGS",
    "VERSION",
    "DIGEST",
    "NAMESPACE",
    "ORG",
    "HUB",
    "PATH",
    "DIR",
    "FILE",
    "URL",
    "SIZE",
    "FORMAT",
    "TYPE",
    "ID",
    "HASH",
    "CHECKSUM",
];

/// Whether a name (env var, flag, annotation key) is about an image: one of its words is IMAGE
/// and none says it is only a part of one (see [`NOT_AN_IMAGE_WORDS`]).
pub fn name_mentions_image(name: &str) -> bool {
    contains_image(name) && words(name).iter().any(|w| w.ends_with("IMAGE")) && !names_a_part(name)
}

/// Whether a name is about a part of an image or about pulling it (`tag`, `pullPolicy`,
/// `pullSecrets`, `registry`).
pub fn names_a_part(name: &str) -> bool {
    words(name)
        .iter()
        .any(|w| NOT_AN_IMAGE_WORDS.contains(&w.as_str()))
}

/// Whether a string is a template placeholder rather than a value: Helm/Go templates
/// (`{{ .ProxyImage }}`), shell and Kubernetes variable references (`${IMAGE}`, `$(IMAGE)`,
/// `$IMAGE`).
pub fn is_placeholder(text: &str) -> bool {
    if text.contains("{{") || text.contains("}}") {
        return true;
    }
    let bytes = text.as_bytes();
    bytes.windows(2).any(|pair| {
        pair[0] == b'$'
            && (pair[1] == b'{'
                || pair[1] == b'('
                || pair[1] == b'_'
                || pair[1].is_ascii_alphabetic())
    })
}

/// NVIDIA's join of `repository` + `image` + `version`: `repository/image[:version]`.
pub fn join_repository(repository: &str, name: &str, version: Option<&str>) -> String {
    let mut text = format!("{}/{name}", repository.trim_end_matches('/'));
    if let Some(version) = version {
        text.push(':');
        text.push_str(version);
    }
    text
}

/// Whether a string is a bare image name that a chart or operator joins with a hub or a
/// repository (`proxyv2`, `gpu-operator`): lowercase letters, digits, `-`, `_` and `.` only.
pub fn is_bare_name(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
}

/// Whether a guessed string is qualified enough to be an image: it has a `/`, a tag or a
/// digest. A bare word (`nginx`, `true`, `Always`) is never taken for an image by a guess.
pub fn is_qualified(text: &str) -> bool {
    text.contains(['/', ':', '@'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_split_into_words() {
        assert_eq!(words("proxyImage"), ["PROXY", "IMAGE"]);
        assert_eq!(words("TENSORBOARD_IMAGE"), ["TENSORBOARD", "IMAGE"]);
        assert_eq!(words("queue-sidecar-image"), ["QUEUE", "SIDECAR", "IMAGE"]);
        assert_eq!(
            words("--acme-http01-solver-image"),
            ["ACME", "HTTP01", "SOLVER", "IMAGE"]
        );
        assert_eq!(
            words("sidecar.istio.io/proxyImage"),
            ["SIDECAR", "ISTIO", "IO", "PROXY", "IMAGE"]
        );
    }

    #[test]
    fn keys_naming_an_image_end_with_the_word_image() {
        for key in [
            "image",
            "Image",
            "proxyImage",
            "queue_image",
            "queue-sidecar-image",
            "TENSORBOARD_IMAGE",
            "defaultJobImage",
            "OCIImage",
        ] {
            assert!(key_names_image(key), "{key}");
        }
        for key in [
            "images",
            "imagePullPolicy",
            "imagePullSecrets",
            "Images",
            "imageTag",
            "imageRegistry",
            "damage",
        ] {
            assert!(!key_names_image(key), "{key}");
        }
    }

    #[test]
    fn names_that_mention_an_image_exclude_its_parts() {
        for name in [
            "V2_DRIVER_IMAGE",
            "RELATED_IMAGE_OPERATOR",
            "executor-image",
            "acme-http01-solver-image",
            "sidecar.istio.io/proxyImage",
            "IMAGE",
        ] {
            assert!(name_mentions_image(name), "{name}");
        }
        for name in [
            "IMAGE_PULL_POLICY",
            "IMAGE_REGISTRY",
            "IMAGE_REPO",
            "image-pull-policy",
            "IMAGE_TAG",
            "checksum/image-config",
            "PIPELINE_ROOT",
        ] {
            assert!(!name_mentions_image(name), "{name}");
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        for text in [
            "{{ .ProxyImage }}",
            "$(IMAGE)",
            "${IMAGE}",
            "$VOLUME_VIEWER_IMAGE",
            "repo/x:{{.Tag}}",
            "$(params.builderImage)",
        ] {
            assert!(is_placeholder(text), "{text}");
        }
        assert!(!is_placeholder("nginx:1.25"));
        assert!(!is_placeholder("cost$5"));
    }

    #[test]
    fn qualified_means_a_slash_tag_or_digest() {
        assert!(is_qualified("repo/x"));
        assert!(is_qualified("x:1"));
        assert!(is_qualified("x@sha256:abc"));
        assert!(!is_qualified("nginx"));
    }
}
