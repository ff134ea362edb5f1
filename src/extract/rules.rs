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

/// Whether a name is about images, one or several: [`name_mentions_image`], or a word IMAGES
/// (`STRIMZI_KAFKA_IMAGES`, a table of versions to images).
pub fn name_mentions_images(name: &str) -> bool {
    contains_image(name)
        && words(name)
            .iter()
            .any(|w| w.ends_with("IMAGE") || w.ends_with("IMAGES"))
        && !names_a_part(name)
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

/// NVIDIA's join of `repository` + `image` + `version`: `repository/image[:version]`, or
/// `repository/image@version` when the version is a digest (`sha256:…`), as the operator
/// joins them.
pub fn join_repository(repository: &str, name: &str, version: Option<&str>) -> String {
    let mut text = format!("{}/{name}", repository.trim_end_matches('/'));
    if let Some(version) = version {
        text.push(if is_digest(version) { '@' } else { ':' });
        text.push_str(version);
    }
    text
}

/// Whether a version is a digest: `sha256:` and 64 hex digits (or `sha512:` and 128).
pub fn is_digest(version: &str) -> bool {
    let hex = |digits: &str, len: usize| {
        digits.len() == len && digits.bytes().all(|b| b.is_ascii_hexdigit())
    };
    match version.split_once(':') {
        Some(("sha256", digits)) => hex(digits, 64),
        Some(("sha512", digits)) => hex(digits, 128),
        _ => false,
    }
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

/// Whether a string is a whole reference that no name vouches for: a registry host (a domain
/// with a dot and an alphabetic top level, `localhost`, or an IPv4 address, with an optional
/// port), a path, and a digest or a tag holding a digit (`quay.io/strimzi/maven-builder:1.2.0`).
/// Strict, because the text is taken for an image on its shape alone: URLs, file paths,
/// `key=value` pairs, lists and floating tags (`:latest`, `:main`) do not count, and neither do
/// Kubernetes label keys with a value (`node-role.kubernetes.io/control-plane:NoSchedule`,
/// `kubernetes.io/os:linux`), whose domains are no registry.
pub fn is_fully_qualified(text: &str) -> bool {
    if text.is_empty()
        || text.contains("://")
        || text
            .bytes()
            .any(|b| b.is_ascii_whitespace() || matches!(b, b'=' | b',' | b';' | b'"' | b'\''))
        || is_placeholder(text)
    {
        return false;
    }
    let Some((host, rest)) = text.split_once('/') else {
        return false;
    };
    if rest.is_empty() || !is_registry_host(host) {
        return false;
    }
    let (name, digest) = match rest.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (rest, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map(|(_, tag)| tag);
    match (tag, digest) {
        (_, Some(digest)) => digest.starts_with("sha256:") || digest.starts_with("sha512:"),
        (Some(tag), None) => tag.bytes().any(|b| b.is_ascii_digit()),
        (None, None) => false,
    }
}

/// Whether the first component of a reference names a registry host (see
/// [`is_fully_qualified`]).
fn is_registry_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        Some(_) => return false,
        None => host,
    };
    if name == "localhost" {
        return true;
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|label| {
            label.is_empty()
                || !label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
    {
        return false;
    }
    // `0.0.0.0` is an address to listen on, never a registry to pull from.
    let ipv4 =
        labels.len() == 4 && labels.iter().all(|l| l.parse::<u8>().is_ok()) && name != "0.0.0.0";
    let top = labels.last().copied().unwrap_or_default();
    let alphabetic = top.len() >= 2 && top.bytes().all(|b| b.is_ascii_lowercase());
    // Kubernetes' own label and taint keys (`kubernetes.io/os`, `node.k8s.io/...`) share the
    // domain of registry.k8s.io; only the registry is one.
    let label_domain =
        (name.ends_with("kubernetes.io") || name.ends_with("k8s.io")) && name != "registry.k8s.io";
    (ipv4 || alphabetic) && !label_domain
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
    fn fully_qualified_needs_a_registry_a_path_and_a_version() {
        for text in [
            "quay.io/strimzi/maven-builder:1.2.0",
            "quay.io/prometheus-operator/prometheus-config-reloader:v0.81.0",
            "registry.k8s.io/sig-storage/csi-provisioner:v6.2.0",
            "cgr.dev/chainguard/busybox@sha256:19f02276bf8dbdd62f069b922f10c65262cc34b710eea26ff928129a736be791",
            "localhost:5000/acme/app:1",
            "10.0.0.7:5000/acme/app:2.1",
            "registry.k8s.io/pause:3.10",
        ] {
            assert!(is_fully_qualified(text), "{text}");
        }
        for text in [
            "nginx:1.25",
            "acme/app:1.0",
            "quay.io/strimzi/operator",
            "quay.io/strimzi/operator:latest",
            "ghcr.io/acme/app:main",
            "tekton.dev/pipeline",
            "https://quay.io/strimzi/operator:1.2.0",
            "ko://github.com/tektoncd/pipeline/cmd/nop",
            "/etc/config-registry-cert/cert",
            "kubernetes.io/os:linux",
            "node-role.kubernetes.io/control-plane:NoSchedule",
            "topology.k8s.io/zone:1a",
            "otel-collector.monitoring:4317",
            "4.2.0=quay.io/strimzi/kafka:1.2.0-kafka-4.2.0",
            "quay.io/a:1,quay.io/b:2",
            "config.d/app:v1",
            "0.0.0.0:8080/metrics:1",
            "{{ .Image }}/x:1",
        ] {
            assert!(!is_fully_qualified(text), "{text}");
        }
    }

    #[test]
    fn names_about_several_images_count_the_plural() {
        assert!(name_mentions_images("STRIMZI_KAFKA_IMAGES"));
        assert!(name_mentions_images("RELATED_IMAGE_X"));
        assert!(!name_mentions_images("IMAGES_TAG"));
        assert!(!name_mentions_image("STRIMZI_KAFKA_IMAGES"));
    }

    #[test]
    fn qualified_means_a_slash_tag_or_digest() {
        assert!(is_qualified("repo/x"));
        assert!(is_qualified("x:1"));
        assert!(is_qualified("x@sha256:abc"));
        assert!(!is_qualified("nginx"));
    }
}
