//! A document that is not valid YAML: its D001 error stays (exit 2), and the image references
//! on its `image:` lines are still reported, as class `text`, with a D010 warning; `--strict`
//! drops them; comments, prose, build references, URLs, placeholders and bare words are not
//! taken.

mod common;

use common::imgsift;

const BROKEN: &str = "testdata/text-fallback/broken.yaml";

#[test]
fn a_document_that_does_not_parse_still_yields_its_qualified_image_lines_as_text() {
    let run = imgsift(&["scan", BROKEN]);
    assert_eq!(run.code, 2, "the document was not parsed: {}", run.stderr);
    assert_eq!(
        run.lines(),
        [
            "docker.io/acme/helper:3",
            "ghcr.io/acme/sidecar@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "quay.io/acme/proxy:2.0",
            "registry.example.com/fine:1",
            "registry.example.com/team/app:1.4.2",
        ],
        "{}",
        run.stderr
    );
    let stderr: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(stderr.len(), 2, "{}", run.stderr);
    assert!(
        stderr[0].starts_with(&format!("{BROKEN}:28:6: error[D001]: invalid YAML: "))
            && stderr[0].ends_with("; document 1 was not scanned"),
        "{}",
        stderr[0]
    );
    assert_eq!(
        stderr[1],
        format!(
            "{BROKEN}:28:6: warning[D010]: document 1 is not valid YAML, so its `image:` lines \
             were read one by one: 4 image references were found there as class `text`; fix \
             the YAML for the rest of it to be read"
        )
    );
}

#[test]
fn text_sources_say_where_the_value_is_and_what_key_held_it() {
    let json = imgsift(&["scan", "-o", "json", BROKEN]).json();
    let mut text_sources = Vec::new();
    for image in json["images"].as_array().into_iter().flatten() {
        for source in image["sources"].as_array().into_iter().flatten() {
            if source["class"] == "text" {
                text_sources.push((
                    source["line"].as_u64().unwrap_or(0),
                    source["column"].as_u64().unwrap_or(0),
                    source["path"].as_str().unwrap_or("").to_owned(),
                    source["raw"].as_str().unwrap_or("").to_owned(),
                    source["document"].as_u64().unwrap_or(0),
                    source["kind"].is_null(),
                ));
            }
        }
    }
    text_sources.sort();
    let expected = [
        (11, 16, "image", "registry.example.com/team/app:1.4.2"),
        (
            14,
            16,
            "image",
            "ghcr.io/acme/sidecar@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ),
        (15, 35, "proxyImage", "quay.io/acme/proxy:2.0"),
        (27, 45, "image", "docker.io/acme/helper:3"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|&(l, c, p, r)| (l, c, p.to_owned(), r.to_owned(), 1, true))
        .collect();
    assert_eq!(text_sources, expected);
    // The valid document after it is read as usual.
    let fine = json["images"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["ref"] == "registry.example.com/fine:1");
    assert_eq!(
        fine.map(|i| i["sources"][0]["class"].clone()),
        Some(serde_json::json!("podspec"))
    );
}

#[test]
fn strict_drops_text_candidates_and_their_warning() {
    let run = imgsift(&["scan", "--strict", BROKEN]);
    assert_eq!(run.code, 2);
    assert_eq!(run.lines(), ["registry.example.com/fine:1"]);
    assert!(!run.stderr.contains("D010"), "{}", run.stderr);
    assert!(run.stderr.contains("error[D001]"), "{}", run.stderr);
}

#[test]
fn a_document_with_no_image_lines_has_only_its_error() {
    let scratch = common::Scratch::new();
    scratch.write("bad.yaml", "a: [\n# image: r.io/x:1\nb: c\n");
    let run = common::imgsift_in(scratch.dir(), &["scan", "bad.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("error[D001]"), "{}", run.stderr);
    assert!(!run.stderr.contains("D010"), "{}", run.stderr);
}
