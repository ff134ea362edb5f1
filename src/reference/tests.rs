//! Upstream's own tests for the image-reference grammar, transcribed as tables.
//!
//! Sources, all read from the upstream repositories (each table names the Go test it comes from):
//!
//! - `github.com/distribution/reference` v0.6.0: `reference_test.go` (the version that carries
//!   PR #9, "Exclude domain from name length check", released in v0.6.0), `normalize_test.go`
//!   and `regexp_test.go`.
//! - `github.com/opencontainers/go-digest`: `digest_test.go` (`TestParseDigest`), because upstream
//!   `Parse` hands every digest to `digest.Parse`.
//! - `github.com/distribution/distribution`: `reference/sort_test.go`, for the one parse
//!   expectation it contains.
//!
//! Upstream tests of functions imgsift does not have (`Familiar*`, `WithTag`, `WithDigest`,
//! `ParseAnyReference` on bare digests, `Sort`, JSON `Field`) are not transcribed, but the
//! parse and normalize expectations they contain are. Regexp tests are expressed through
//! `Reference::parse`, which is how imgsift exposes the grammar. A last table holds behaviour
//! that upstream implements but does not test; each of its cases names the upstream code it
//! follows.

use super::*;

/// Gathers the failing cases of one table so that a run reports all of them, not only the first.
struct Failures {
    table: &'static str,
    cases: usize,
    failed: Vec<String>,
}

impl Failures {
    fn new(table: &'static str) -> Failures {
        Failures {
            table,
            cases: 0,
            failed: Vec::new(),
        }
    }

    /// Counts one case; returns `self` for reporting its failures.
    fn case(&mut self) -> &mut Failures {
        self.cases += 1;
        self
    }

    fn fail(&mut self, input: &str, message: impl fmt::Display) {
        self.failed.push(format!("  {input:?}: {message}"));
    }

    fn finish(self) {
        assert!(self.cases > 0, "{}: the table is empty", self.table);
        if !self.failed.is_empty() {
            panic!(
                "{}: {} of {} cases failed:\n{}",
                self.table,
                self.failed.len(),
                self.cases,
                self.failed.join("\n")
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reference::parse = upstream Parse
// ---------------------------------------------------------------------------------------------

/// What upstream `Parse` returns for a reference it accepts.
#[derive(Debug)]
struct Parsed {
    /// `Named.Name()`: the domain and the path.
    name: &'static str,
    /// `Domain(named)`; empty when the name has no domain.
    domain: &'static str,
    tag: Option<&'static str>,
    digest: Option<&'static str>,
}

struct ParseCase {
    input: &'static str,
    want: Result<Parsed, RefError>,
}

const fn parsed(
    name: &'static str,
    domain: &'static str,
    tag: Option<&'static str>,
    digest: Option<&'static str>,
) -> Result<Parsed, RefError> {
    Ok(Parsed {
        name,
        domain,
        tag,
        digest,
    })
}

static PARSE_CASES: &[ParseCase] = &[
    // reference_test.go, TestReferenceParse. The three inputs built with strings.Repeat are in
    // LENGTH_CASES below.
    ParseCase {
        input: "test_com",
        want: parsed("test_com", "", None, None),
    },
    ParseCase {
        input: "test.com:tag",
        want: parsed("test.com", "", Some("tag"), None),
    },
    ParseCase {
        input: "test.com:5000",
        want: parsed("test.com", "", Some("5000"), None),
    },
    ParseCase {
        input: "test.com/repo:tag",
        want: parsed("test.com/repo", "test.com", Some("tag"), None),
    },
    ParseCase {
        input: "test:5000/repo",
        want: parsed("test:5000/repo", "test:5000", None, None),
    },
    ParseCase {
        input: "test:5000/repo:tag",
        want: parsed("test:5000/repo", "test:5000", Some("tag"), None),
    },
    ParseCase {
        input: "test:5000/repo@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        want: parsed(
            "test:5000/repo",
            "test:5000",
            None,
            Some("sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
        ),
    },
    ParseCase {
        input: "test:5000/repo:tag@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        want: parsed(
            "test:5000/repo",
            "test:5000",
            Some("tag"),
            Some("sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
        ),
    },
    // Upstream lists this input twice.
    ParseCase {
        input: "test:5000/repo",
        want: parsed("test:5000/repo", "test:5000", None, None),
    },
    ParseCase {
        input: "",
        want: Err(RefError::Empty),
    },
    ParseCase {
        input: ":justtag",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        input: "@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        input: "repo@sha256:ffffffffffffffffffffffffffffffffff",
        want: Err(RefError::DigestInvalidLength),
    },
    ParseCase {
        input: "validname@invaliddigest:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        want: Err(RefError::DigestUnsupported),
    },
    ParseCase {
        input: "Uppercase:tag",
        want: Err(RefError::ContainsUppercase),
    },
    // Upstream comments out "Uppercase/lowercase:tag" (FIXME: "Uppercase" is taken as a domain).
    ParseCase {
        input: "test:5000/Uppercase/lowercase:tag",
        want: Err(RefError::ContainsUppercase),
    },
    ParseCase {
        input: "lowercase:Uppercase",
        want: parsed("lowercase", "", Some("Uppercase"), None),
    },
    ParseCase {
        input: "aa/asdf$$^/aa",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        input: "sub-dom1.foo.com/bar/baz/quux",
        want: parsed(
            "sub-dom1.foo.com/bar/baz/quux",
            "sub-dom1.foo.com",
            None,
            None,
        ),
    },
    ParseCase {
        input: "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
        want: parsed(
            "sub-dom1.foo.com/bar/baz/quux",
            "sub-dom1.foo.com",
            Some("some-long-tag"),
            None,
        ),
    },
    ParseCase {
        input: "b.gcr.io/test.example.com/my-app:test.example.com",
        want: parsed(
            "b.gcr.io/test.example.com/my-app",
            "b.gcr.io",
            Some("test.example.com"),
            None,
        ),
    },
    ParseCase {
        // ☃.com in punycode
        input: "xn--n3h.com/myimage:xn--n3h.com",
        want: parsed(
            "xn--n3h.com/myimage",
            "xn--n3h.com",
            Some("xn--n3h.com"),
            None,
        ),
    },
    ParseCase {
        // 🐳.com in punycode; a sha512 digest.
        input: "xn--7o8h.com/myimage:xn--7o8h.com@sha512:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        want: parsed(
            "xn--7o8h.com/myimage",
            "xn--7o8h.com",
            Some("xn--7o8h.com"),
            Some(
                "sha512:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            ),
        ),
    },
    ParseCase {
        input: "foo_bar.com:8080",
        want: parsed("foo_bar.com", "", Some("8080"), None),
    },
    ParseCase {
        input: "foo/foo_bar.com:8080",
        want: parsed("foo/foo_bar.com", "foo", Some("8080"), None),
    },
    ParseCase {
        input: "192.168.1.1",
        want: parsed("192.168.1.1", "", None, None),
    },
    ParseCase {
        input: "192.168.1.1:tag",
        want: parsed("192.168.1.1", "", Some("tag"), None),
    },
    ParseCase {
        input: "192.168.1.1:5000",
        want: parsed("192.168.1.1", "", Some("5000"), None),
    },
    ParseCase {
        input: "192.168.1.1/repo",
        want: parsed("192.168.1.1/repo", "192.168.1.1", None, None),
    },
    ParseCase {
        input: "192.168.1.1:5000/repo",
        want: parsed("192.168.1.1:5000/repo", "192.168.1.1:5000", None, None),
    },
    ParseCase {
        input: "192.168.1.1:5000/repo:5050",
        want: parsed(
            "192.168.1.1:5000/repo",
            "192.168.1.1:5000",
            Some("5050"),
            None,
        ),
    },
    ParseCase {
        input: "[2001:db8::1]",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        input: "[2001:db8::1]:5000",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        input: "[2001:db8::1]:tag",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        input: "[2001:db8::1]/repo",
        want: parsed("[2001:db8::1]/repo", "[2001:db8::1]", None, None),
    },
    ParseCase {
        input: "[2001:db8:1:2:3:4:5:6]/repo:tag",
        want: parsed(
            "[2001:db8:1:2:3:4:5:6]/repo",
            "[2001:db8:1:2:3:4:5:6]",
            Some("tag"),
            None,
        ),
    },
    ParseCase {
        input: "[2001:db8::1]:5000/repo",
        want: parsed("[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", None, None),
    },
    ParseCase {
        input: "[2001:db8::1]:5000/repo:tag",
        want: parsed(
            "[2001:db8::1]:5000/repo",
            "[2001:db8::1]:5000",
            Some("tag"),
            None,
        ),
    },
    ParseCase {
        input: "[2001:db8::1]:5000/repo@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        want: parsed(
            "[2001:db8::1]:5000/repo",
            "[2001:db8::1]:5000",
            None,
            Some("sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
        ),
    },
    ParseCase {
        input: "[2001:db8::1]:5000/repo:tag@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        want: parsed(
            "[2001:db8::1]:5000/repo",
            "[2001:db8::1]:5000",
            Some("tag"),
            Some("sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
        ),
    },
    ParseCase {
        input: "[2001:db8::]:5000/repo",
        want: parsed("[2001:db8::]:5000/repo", "[2001:db8::]:5000", None, None),
    },
    ParseCase {
        input: "[::1]:5000/repo",
        want: parsed("[::1]:5000/repo", "[::1]:5000", None, None),
    },
    ParseCase {
        input: "[fe80::1%eth0]:5000/repo",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        input: "[fe80::1%@invalidzone]:5000/repo",
        want: Err(RefError::InvalidFormat),
    },
    // reference_test.go, TestSerialization: unmarshalling a Field is Parse.
    ParseCase {
        input: "",
        want: Err(RefError::Empty),
    },
    ParseCase {
        input: "example.com:8000/named",
        want: parsed("example.com:8000/named", "example.com:8000", None, None),
    },
    ParseCase {
        input: "example.com:8000/named:tagged",
        want: parsed(
            "example.com:8000/named",
            "example.com:8000",
            Some("tagged"),
            None,
        ),
    },
    ParseCase {
        input: "other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112",
        want: parsed(
            "other.com/named",
            "other.com",
            None,
            Some("sha256:1234567890098765432112345667890098765432112345667890098765432112"),
        ),
    },
    // regexp_test.go, TestReferenceRegexp: the submatches are name, tag and digest; a
    // non-matching input is ErrReferenceInvalidFormat from Parse (none of them has uppercase).
    ParseCase {
        input: "registry.com:8080/myapp:tag",
        want: parsed(
            "registry.com:8080/myapp",
            "registry.com:8080",
            Some("tag"),
            None,
        ),
    },
    ParseCase {
        input: "registry.com:8080/myapp@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912",
        want: parsed(
            "registry.com:8080/myapp",
            "registry.com:8080",
            None,
            Some("sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912"),
        ),
    },
    ParseCase {
        input: "registry.com:8080/myapp:tag2@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912",
        want: parsed(
            "registry.com:8080/myapp",
            "registry.com:8080",
            Some("tag2"),
            Some("sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912"),
        ),
    },
    ParseCase {
        input: "registry.com:8080/myapp@sha256:badbadbadbad",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        input: "registry.com:8080/myapp:invalid~tag",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        input: "bad_hostname.com:8080/myapp:tag",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        // localhost treated as name, missing tag with 8080 as tag
        input: "localhost:8080@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912",
        want: parsed(
            "localhost",
            "",
            Some("8080"),
            Some("sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912"),
        ),
    },
    ParseCase {
        input: "localhost:8080/name@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912",
        want: parsed(
            "localhost:8080/name",
            "localhost:8080",
            None,
            Some("sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912"),
        ),
    },
    ParseCase {
        input: "localhost:http/name@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        // localhost will be treated as an image name without a host
        input: "localhost@sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912",
        want: parsed(
            "localhost",
            "",
            None,
            Some("sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912"),
        ),
    },
    ParseCase {
        input: "registry.com:8080/myapp@bad",
        want: Err(RefError::InvalidFormat),
    },
    ParseCase {
        // Upstream: "TODO(dmcgowan): Support this as valid".
        input: "registry.com:8080/myapp@2bad",
        want: Err(RefError::InvalidFormat),
    },
];

fn check_parse(failures: &mut Failures, input: &str, want: &Result<Parsed, RefError>) {
    let failures = failures.case();
    match (Reference::parse(input), want) {
        (Ok(got), Ok(want)) => {
            if got.to_string() != input {
                failures.fail(input, format!("does not round-trip: got {got}"));
            }
            if got.name() != want.name {
                failures.fail(
                    input,
                    format!("name {:?}, want {:?}", got.name(), want.name),
                );
            }
            if got.domain() != want.domain {
                let domain = got.domain();
                failures.fail(input, format!("domain {domain:?}, want {:?}", want.domain));
            }
            if got.tag() != want.tag {
                failures.fail(input, format!("tag {:?}, want {:?}", got.tag(), want.tag));
            }
            if got.digest() != want.digest {
                let digest = got.digest();
                failures.fail(input, format!("digest {digest:?}, want {:?}", want.digest));
            }
        }
        (Err(got), Err(want)) if got == *want => {}
        (got, want) => failures.fail(input, format!("got {got:?}, want {want:?}")),
    }
}

#[test]
fn parse_splits_and_rejects_references_like_upstream() {
    let mut failures = Failures::new("PARSE_CASES");
    for case in PARSE_CASES {
        check_parse(&mut failures, case.input, &case.want);
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// Length limits (inputs that upstream builds with strings.Repeat)
// ---------------------------------------------------------------------------------------------

struct LengthCase {
    /// Where the case comes from.
    source: &'static str,
    /// The input is the concatenation of each string repeated the given number of times.
    parts: &'static [(&'static str, usize)],
    want: Result<Lengths, RefError>,
}

#[derive(Debug)]
struct Lengths {
    domain: &'static str,
    path_len: usize,
    tag_len: Option<usize>,
}

static LENGTH_CASES: &[LengthCase] = &[
    LengthCase {
        source: "reference_test.go TestReferenceParse (v0.6: the limit applies to the path)",
        parts: &[("domain/", 1), ("a", 256), (":tag", 1)],
        want: Err(RefError::NameTooLong),
    },
    LengthCase {
        source: "reference_test.go TestReferenceParse",
        parts: &[("a/", 127), ("a:tag-puts-this-over-max", 1)],
        want: Ok(Lengths {
            domain: "a",
            path_len: 253,
            tag_len: Some(22),
        }),
    },
    LengthCase {
        source: "reference_test.go TestReferenceParse (v0.6: a 267-byte name, 255-byte path)",
        parts: &[("example.com/", 1), ("a", 255), (":tag", 1)],
        want: Ok(Lengths {
            domain: "example.com",
            path_len: 255,
            tag_len: Some(3),
        }),
    },
    LengthCase {
        source: "reference_test.go TestWithNameFailure (WithName applies Parse's path limit)",
        parts: &[("example.com/", 1), ("a", 256)],
        want: Err(RefError::NameTooLong),
    },
    LengthCase {
        source: "regexp_test.go TestFullNameRegexp (subs \"a\" and 127*\"a/\"+\"a\")",
        parts: &[("a/", 128), ("a", 1)],
        want: Ok(Lengths {
            domain: "a",
            path_len: 255,
            tag_len: None,
        }),
    },
    LengthCase {
        source: "v0.5 TestReferenceParse expected ErrNameTooLong; v0.6 replaced it (PR #9)",
        parts: &[("a/", 128), ("a:tag", 1)],
        want: Ok(Lengths {
            domain: "a",
            path_len: 255,
            tag_len: Some(3),
        }),
    },
    LengthCase {
        source: "regexp.go tag pattern [\\w][\\w.-]{0,127}: 128 characters",
        parts: &[("foo:", 1), ("a", 128)],
        want: Ok(Lengths {
            domain: "",
            path_len: 3,
            tag_len: Some(128),
        }),
    },
    LengthCase {
        source: "regexp.go tag pattern [\\w][\\w.-]{0,127}: 129 characters",
        parts: &[("foo:", 1), ("a", 129)],
        want: Err(RefError::InvalidFormat),
    },
];

#[test]
fn parse_enforces_upstream_length_limits() {
    let mut failures = Failures::new("LENGTH_CASES");
    for case in LENGTH_CASES {
        let input: String = case.parts.iter().map(|(s, n)| s.repeat(*n)).collect();
        let failures = failures.case();
        let label = format!("{} ({})", input, case.source);
        match (Reference::parse(&input), &case.want) {
            (Ok(got), Ok(want)) => {
                if got.to_string() != input {
                    failures.fail(&label, format!("does not round-trip: got {got}"));
                }
                if got.domain() != want.domain {
                    let domain = got.domain();
                    failures.fail(&label, format!("domain {domain:?}, want {:?}", want.domain));
                }
                if got.path().len() != want.path_len {
                    let len = got.path().len();
                    failures.fail(&label, format!("path length {len}, want {}", want.path_len));
                }
                let tag_len = got.tag().map(str::len);
                if tag_len != want.tag_len {
                    failures.fail(
                        &label,
                        format!("tag length {tag_len:?}, want {:?}", want.tag_len),
                    );
                }
            }
            (Err(got), Err(want)) if got == *want => {}
            (got, want) => failures.fail(&label, format!("got {got:?}, want {want:?}")),
        }
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// Name grammar (anchoredNameRegexp), through Reference::parse
// ---------------------------------------------------------------------------------------------

struct NameCase {
    input: &'static str,
    /// `Some((domain, path))` if the input is a name; `None` if it is not a bare name (upstream
    /// `WithName` fails). Such an input is then either rejected by `parse` or parsed with a tag
    /// or digest, as `foo_bar.com:8080` is.
    split: Option<(&'static str, &'static str)>,
}

static NAME_CASES: &[NameCase] = &[
    // regexp_test.go, TestFullNameRegexp
    NameCase {
        input: "",
        split: None,
    },
    NameCase {
        input: "short",
        split: Some(("", "short")),
    },
    NameCase {
        input: "simple/name",
        split: Some(("simple", "name")),
    },
    NameCase {
        input: "library/ubuntu",
        split: Some(("library", "ubuntu")),
    },
    NameCase {
        input: "docker/stevvooe/app",
        split: Some(("docker", "stevvooe/app")),
    },
    NameCase {
        input: "aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb",
        split: Some(("aa", "aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb")),
    },
    NameCase {
        input: "aa/aa/bb/bb/bb",
        split: Some(("aa", "aa/bb/bb/bb")),
    },
    NameCase {
        input: "a/a/a/a",
        split: Some(("a", "a/a/a")),
    },
    NameCase {
        input: "a/a/a/a/",
        split: None,
    },
    NameCase {
        input: "a//a/a",
        split: None,
    },
    NameCase {
        input: "a",
        split: Some(("", "a")),
    },
    NameCase {
        input: "a/aa",
        split: Some(("a", "aa")),
    },
    NameCase {
        input: "a/aa/a",
        split: Some(("a", "aa/a")),
    },
    NameCase {
        input: "foo.com",
        split: Some(("", "foo.com")),
    },
    NameCase {
        input: "foo.com/",
        split: None,
    },
    NameCase {
        input: "foo.com:8080/bar",
        split: Some(("foo.com:8080", "bar")),
    },
    NameCase {
        input: "foo.com:http/bar",
        split: None,
    },
    NameCase {
        input: "foo.com/bar",
        split: Some(("foo.com", "bar")),
    },
    NameCase {
        input: "foo.com/bar/baz",
        split: Some(("foo.com", "bar/baz")),
    },
    NameCase {
        input: "localhost:8080/bar",
        split: Some(("localhost:8080", "bar")),
    },
    NameCase {
        input: "sub-dom1.foo.com/bar/baz/quux",
        split: Some(("sub-dom1.foo.com", "bar/baz/quux")),
    },
    NameCase {
        input: "blog.foo.com/bar/baz",
        split: Some(("blog.foo.com", "bar/baz")),
    },
    NameCase {
        input: "a^a",
        split: None,
    },
    NameCase {
        input: "aa/asdf$$^/aa",
        split: None,
    },
    NameCase {
        input: "asdf$$^/aa",
        split: None,
    },
    NameCase {
        input: "aa-a/a",
        split: Some(("aa-a", "a")),
    },
    NameCase {
        input: "a-/a/a/a",
        split: None,
    },
    NameCase {
        input: "foo.com/a-/a/a",
        split: None,
    },
    NameCase {
        input: "-foo/bar",
        split: None,
    },
    NameCase {
        input: "foo/bar-",
        split: None,
    },
    NameCase {
        input: "foo-/bar",
        split: None,
    },
    NameCase {
        input: "foo/-bar",
        split: None,
    },
    NameCase {
        input: "_foo/bar",
        split: None,
    },
    NameCase {
        input: "foo_bar",
        split: Some(("", "foo_bar")),
    },
    NameCase {
        input: "foo_bar.com",
        split: Some(("", "foo_bar.com")),
    },
    NameCase {
        // Not a name; Parse reads it as name "foo_bar.com" with tag "8080".
        input: "foo_bar.com:8080",
        split: None,
    },
    NameCase {
        input: "foo_bar.com:8080/app",
        split: None,
    },
    NameCase {
        input: "foo.com/foo_bar",
        split: Some(("foo.com", "foo_bar")),
    },
    NameCase {
        input: "____/____",
        split: None,
    },
    NameCase {
        input: "_docker/_docker",
        split: None,
    },
    NameCase {
        input: "docker_/docker_",
        split: None,
    },
    NameCase {
        input: "b.gcr.io/test.example.com/my-app",
        split: Some(("b.gcr.io", "test.example.com/my-app")),
    },
    NameCase {
        // ☃.com in punycode
        input: "xn--n3h.com/myimage",
        split: Some(("xn--n3h.com", "myimage")),
    },
    NameCase {
        // 🐳.com in punycode
        input: "xn--7o8h.com/myimage",
        split: Some(("xn--7o8h.com", "myimage")),
    },
    NameCase {
        input: "example.com/xn--7o8h.com/myimage",
        split: Some(("example.com", "xn--7o8h.com/myimage")),
    },
    NameCase {
        input: "example.com/some_separator__underscore/myimage",
        split: Some(("example.com", "some_separator__underscore/myimage")),
    },
    NameCase {
        input: "example.com/__underscore/myimage",
        split: None,
    },
    NameCase {
        input: "example.com/..dots/myimage",
        split: None,
    },
    NameCase {
        input: "example.com/.dots/myimage",
        split: None,
    },
    // Upstream lists this input twice.
    NameCase {
        input: "example.com/nodouble..dots/myimage",
        split: None,
    },
    NameCase {
        input: "example.com/nodouble..dots/myimage",
        split: None,
    },
    NameCase {
        input: "docker./docker",
        split: None,
    },
    NameCase {
        input: ".docker/docker",
        split: None,
    },
    NameCase {
        input: "docker-/docker",
        split: None,
    },
    NameCase {
        input: "-docker/docker",
        split: None,
    },
    NameCase {
        input: "do..cker/docker",
        split: None,
    },
    NameCase {
        input: "do__cker:8080/docker",
        split: None,
    },
    NameCase {
        input: "do__cker/docker",
        split: Some(("", "do__cker/docker")),
    },
    // Upstream lists this input twice.
    NameCase {
        input: "b.gcr.io/test.example.com/my-app",
        split: Some(("b.gcr.io", "test.example.com/my-app")),
    },
    NameCase {
        input: "registry.io/foo/project--id.module--name.ver---sion--name",
        split: Some((
            "registry.io",
            "foo/project--id.module--name.ver---sion--name",
        )),
    },
    NameCase {
        // uppercase character in hostname (upstream gives no submatches; these follow)
        input: "Asdf.com/foo/bar",
        split: Some(("Asdf.com", "foo/bar")),
    },
    NameCase {
        // uppercase characters in remote name
        input: "Foo/FarB",
        split: None,
    },
    // reference_test.go, TestDomainAndPath (WithName, then Domain and Path)
    NameCase {
        input: "test.com/foo",
        split: Some(("test.com", "foo")),
    },
    NameCase {
        input: "test_com/foo",
        split: Some(("", "test_com/foo")),
    },
    NameCase {
        input: "test:8080/foo",
        split: Some(("test:8080", "foo")),
    },
    NameCase {
        input: "test.com:8080/foo",
        split: Some(("test.com:8080", "foo")),
    },
    NameCase {
        input: "test-com:8080/foo",
        split: Some(("test-com:8080", "foo")),
    },
    NameCase {
        input: "xn--n3h.com:18080/foo",
        split: Some(("xn--n3h.com:18080", "foo")),
    },
    // reference_test.go, TestWithNameFailure; the over-long name is in LENGTH_CASES.
    NameCase {
        input: "",
        split: None,
    },
    NameCase {
        input: ":justtag",
        split: None,
    },
    NameCase {
        input: "@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        split: None,
    },
    NameCase {
        input: "validname@invaliddigest:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        split: None,
    },
    NameCase {
        input: "example.com/repo:tag",
        split: None,
    },
    NameCase {
        input: "aa/asdf$$^/aa",
        split: None,
    },
];

#[test]
fn parse_splits_names_into_domain_and_path_like_upstream() {
    let mut failures = Failures::new("NAME_CASES");
    for case in NAME_CASES {
        let failures = failures.case();
        let parsed = Reference::parse(case.input);
        match (&parsed, case.split) {
            (Ok(got), Some((domain, path))) => {
                let got_split = (got.domain(), got.path(), got.tag(), got.digest());
                if got_split != (domain, path, None, None) {
                    failures.fail(
                        case.input,
                        format!("got {got_split:?}, want ({domain:?}, {path:?}, None, None)"),
                    );
                }
            }
            (Err(err), Some(want)) => {
                failures.fail(
                    case.input,
                    format!("rejected ({err:?}), want name {want:?}"),
                );
            }
            (Ok(got), None) if got.tag().is_none() && got.digest().is_none() => {
                failures.fail(case.input, format!("accepted as a bare name: {got:?}"));
            }
            (Ok(_) | Err(_), None) => {}
        }
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// Domain grammar (domainAndPort), through Reference::parse of "<domain>/foo"
// ---------------------------------------------------------------------------------------------

struct DomainCase {
    domain: &'static str,
    valid: bool,
}

/// regexp_test.go, TestDomainRegexp. None of the invalid domains is a valid path component
/// either, so "<domain>/foo" must be rejected outright.
static DOMAIN_CASES: &[DomainCase] = &[
    DomainCase {
        domain: "test.com",
        valid: true,
    },
    DomainCase {
        domain: "test.com:10304",
        valid: true,
    },
    DomainCase {
        domain: "test.com:http",
        valid: false,
    },
    DomainCase {
        domain: "localhost",
        valid: true,
    },
    DomainCase {
        domain: "localhost:8080",
        valid: true,
    },
    DomainCase {
        domain: "a",
        valid: true,
    },
    DomainCase {
        domain: "a.b",
        valid: true,
    },
    DomainCase {
        domain: "ab.cd.com",
        valid: true,
    },
    DomainCase {
        domain: "a-b.com",
        valid: true,
    },
    DomainCase {
        domain: "-ab.com",
        valid: false,
    },
    DomainCase {
        domain: "ab-.com",
        valid: false,
    },
    DomainCase {
        domain: "ab.c-om",
        valid: true,
    },
    DomainCase {
        domain: "ab.-com",
        valid: false,
    },
    DomainCase {
        domain: "ab.com-",
        valid: false,
    },
    DomainCase {
        // TODO(dmcgowan): valid if this should be allowed
        domain: "0101.com",
        valid: true,
    },
    DomainCase {
        domain: "001a.com",
        valid: true,
    },
    DomainCase {
        domain: "b.gbc.io:443",
        valid: true,
    },
    DomainCase {
        domain: "b.gbc.io",
        valid: true,
    },
    DomainCase {
        // ☃.com in punycode
        domain: "xn--n3h.com",
        valid: true,
    },
    DomainCase {
        // uppercase character
        domain: "Asdf.com",
        valid: true,
    },
    DomainCase {
        // ipv4
        domain: "192.168.1.1:75050",
        valid: true,
    },
    DomainCase {
        // port with more than 5 digits, it will fail on validation
        domain: "192.168.1.1:750050",
        valid: true,
    },
    DomainCase {
        // ipv6 compressed
        domain: "[fd00:1:2::3]:75050",
        valid: true,
    },
    DomainCase {
        // ipv6 wrong port separator
        domain: "[fd00:1:2::3]75050",
        valid: false,
    },
    DomainCase {
        // ipv6 wrong port separator
        domain: "[fd00:1:2::3]::75050",
        valid: false,
    },
    DomainCase {
        // ipv6 with zone
        domain: "[fd00:1:2::3%eth0]:75050",
        valid: false,
    },
    DomainCase {
        // ipv6 wrong format, will fail in validation
        domain: "[fd00123123123]:75050",
        valid: true,
    },
    DomainCase {
        // ipv6 long format
        domain: "[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050",
        valid: true,
    },
    DomainCase {
        // ipv6 long format and invalid port, it will fail in validation
        domain: "[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505",
        valid: true,
    },
    DomainCase {
        // bad ipv6 without square brackets
        domain: "fd00:1:2::3:75050",
        valid: false,
    },
];

#[test]
fn parse_accepts_exactly_the_upstream_domains() {
    let mut failures = Failures::new("DOMAIN_CASES");
    for case in DOMAIN_CASES {
        let failures = failures.case();
        let input = format!("{}/foo", case.domain);
        match (Reference::parse(&input), case.valid) {
            (Ok(got), true) => {
                if (got.domain(), got.path()) != (case.domain, "foo") {
                    let split = (got.domain(), got.path());
                    failures.fail(
                        &input,
                        format!("split {split:?}, want domain {:?}", case.domain),
                    );
                }
            }
            (Err(_), false) => {}
            (got, valid) => failures.fail(&input, format!("got {got:?}, want valid={valid}")),
        }
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// Digests: go-digest validation behind Parse
// ---------------------------------------------------------------------------------------------

struct DigestCase {
    digest: &'static str,
    /// What upstream `Parse("repo@" + digest)` returns: the reference grammar rejects some
    /// digests (ErrReferenceInvalidFormat) before go-digest sees them.
    want: Result<(), RefError>,
}

/// go-digest digest_test.go, TestParseDigest, as `repo@<digest>`. The two blake3 cases are left
/// out: they pass only when a blake3 implementation is registered, which no runtime does.
static DIGEST_CASES: &[DigestCase] = &[
    DigestCase {
        digest: "sha256:e58fcf7418d4390dec8e8fb69d88c06ec07039d651fedd3aa72af9972e7d046b",
        want: Ok(()),
    },
    DigestCase {
        digest: "sha384:d3fc7881460b7e22e3d172954463dddd7866d17597e7248453c48b3e9d26d9596bf9c4a9cf8072c9d5bad76e19af801d",
        want: Ok(()),
    },
    DigestCase {
        // empty
        digest: "",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // whitespace only
        digest: "     ",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // empty hex
        digest: "sha256:",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // hex with correct length, but whitespace only
        digest: "sha256:                                                                ",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // empty hex
        digest: ":",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // just hex
        digest: "d41d8cd98f00b204e9800998ecf8427e",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // not hex (go-digest: ErrDigestInvalidLength; the reference grammar wants hex first)
        digest: "sha256:d41d8cd98f00b204e9800m98ecf8427e",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // too short (go-digest: ErrDigestInvalidLength; the reference grammar wants 32 hex)
        digest: "sha256:abcdef0123456789",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // too short (from different Algorithm)
        digest: "sha512:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
        want: Err(RefError::DigestInvalidLength),
    },
    DigestCase {
        digest: "foo:d41d8cd98f00b204e9800998ecf8427e",
        want: Err(RefError::DigestUnsupported),
    },
    DigestCase {
        // repeated separators
        digest: "sha384__foo+bar:d3fc7881460b7e22e3d172954463dddd7866d17597e7248453c48b3e9d26d9596bf9c4a9cf8072c9d5bad76e19af801d",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // parses, but the algorithm is not supported
        digest: "sha384.foo+bar:d3fc7881460b7e22e3d172954463dddd7866d17597e7248453c48b3e9d26d9596bf9c4a9cf8072c9d5bad76e19af801d",
        want: Err(RefError::DigestUnsupported),
    },
    DigestCase {
        digest: "sha384_foo+bar:d3fc7881460b7e22e3d172954463dddd7866d17597e7248453c48b3e9d26d9596bf9c4a9cf8072c9d5bad76e19af801d",
        want: Err(RefError::DigestUnsupported),
    },
    DigestCase {
        // go-digest: ErrDigestUnsupported; base64 is not hex, so the reference grammar refuses it
        digest: "sha256+b64:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
        want: Err(RefError::InvalidFormat),
    },
    DigestCase {
        // upper-case hex
        digest: "sha256:E58FCF7418D4390DEC8E8FB69D88C06EC07039D651FEDD3AA72AF9972E7D046B",
        want: Err(RefError::DigestInvalidFormat),
    },
];

#[test]
fn parse_validates_digests_like_go_digest() {
    let mut failures = Failures::new("DIGEST_CASES");
    for case in DIGEST_CASES {
        let failures = failures.case();
        let input = format!("repo@{}", case.digest);
        match (Reference::parse(&input), &case.want) {
            (Ok(got), Ok(())) => {
                if got.digest() != Some(case.digest) {
                    failures.fail(&input, format!("digest {:?}", got.digest()));
                }
            }
            (Err(got), Err(want)) if got == *want => {}
            (got, want) => failures.fail(&input, format!("got {got:?}, want {want:?}")),
        }
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// Reference::parse_normalized_named = upstream ParseNormalizedNamed
// ---------------------------------------------------------------------------------------------

struct ValidityCase {
    input: &'static str,
    valid: bool,
}

const fn valid(input: &'static str) -> ValidityCase {
    ValidityCase { input, valid: true }
}

const fn invalid(input: &'static str) -> ValidityCase {
    ValidityCase {
        input,
        valid: false,
    }
}

static VALIDITY_CASES: &[ValidityCase] = &[
    // normalize_test.go, TestValidateReferenceName: validRepoNames
    valid("docker/docker"),
    valid("library/debian"),
    valid("debian"),
    valid("docker.io/docker/docker"),
    valid("docker.io/library/debian"),
    valid("docker.io/debian"),
    valid("index.docker.io/docker/docker"),
    valid("index.docker.io/library/debian"),
    valid("index.docker.io/debian"),
    valid("127.0.0.1:5000/docker/docker"),
    valid("127.0.0.1:5000/library/debian"),
    valid("127.0.0.1:5000/debian"),
    valid("192.168.0.1"),
    valid("192.168.0.1:80"),
    valid("192.168.0.1:8/debian"),
    valid("192.168.0.2:25000/debian"),
    valid("thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev"),
    valid("[fc00::1]:5000/docker"),
    valid("[fc00::1]:5000/docker/docker"),
    valid("[fc00:1:2:3:4:5:6:7]:5000/library/debian"),
    // Valid with a hostname: no ambiguity with an identifier.
    valid("docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"),
    valid("Docker/docker"),
    valid("DOCKER/docker"),
    // normalize_test.go, TestValidateReferenceName: invalidRepoNames
    invalid("https://github.com/docker/docker"),
    invalid("docker/Docker"),
    invalid("-docker"),
    invalid("-docker/docker"),
    invalid("-docker.io/docker/docker"),
    invalid("docker///docker"),
    invalid("docker.io/docker/Docker"),
    invalid("docker.io/docker///docker"),
    invalid("[fc00::1]"),
    invalid("[fc00::1]:5000"),
    invalid("fc00::1:5000/debian"),
    invalid("[fe80::1%eth0]:5000/debian"),
    invalid("[2001:db8:3:4::192.0.2.33]:5000/debian"),
    invalid("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"),
    // normalize_test.go, TestValidateRemoteName: validRepositoryNames
    valid("docker/docker"),
    // Allow 64-character non-hexadecimal names (hexadecimal names are forbidden).
    valid("thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev"),
    // Allow embedded hyphens.
    valid("docker-rules/docker"),
    // Allow multiple hyphens as well.
    valid("docker---rules/docker"),
    // Username doc and image name docker being tested.
    valid("doc/docker"),
    // single character names are now allowed.
    valid("d/docker"),
    valid("jess/t"),
    // Consecutive underscores.
    valid("dock__er/docker"),
    // normalize_test.go, TestValidateRemoteName: invalidRepositoryNames
    // Disallow capital letters.
    invalid("docker/Docker"),
    // Only allow one slash.
    invalid("docker///docker"),
    // Disallow 64-character hexadecimal.
    invalid("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"),
    // Disallow leading and trailing hyphens in namespace.
    invalid("-docker/docker"),
    invalid("docker-/docker"),
    invalid("-docker-/docker"),
    // Don't allow underscores everywhere (as opposed to hyphens).
    invalid("____/____"),
    invalid("_docker/_docker"),
    // Disallow consecutive periods.
    invalid("dock..er/docker"),
    invalid("dock_.er/docker"),
    invalid("dock-.er/docker"),
    // No repository.
    invalid("docker/"),
    // namespace too long
    invalid(
        "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker",
    ),
    // normalize_test.go, TestInvalidReferenceComponents (the name parts)
    invalid("-foo"),
    valid("busybox"),
    // distribution/distribution reference/sort_test.go: an unparseable input sorts last.
    invalid("can't parse this:latest"),
];

#[test]
fn parse_normalized_named_accepts_and_rejects_like_upstream() {
    let mut failures = Failures::new("VALIDITY_CASES");
    for case in VALIDITY_CASES {
        let failures = failures.case();
        match (Reference::parse_normalized_named(case.input), case.valid) {
            (Ok(_), true) | (Err(_), false) => {}
            (got, valid) => failures.fail(case.input, format!("got {got:?}, want valid={valid}")),
        }
    }
    failures.finish();
}

struct NormalizedCase {
    input: &'static str,
    /// `String()` of the normalized reference.
    string: &'static str,
    domain: &'static str,
    path: &'static str,
}

const fn normalized(
    input: &'static str,
    string: &'static str,
    domain: &'static str,
    path: &'static str,
) -> NormalizedCase {
    NormalizedCase {
        input,
        string,
        domain,
        path,
    }
}

static NORMALIZED_CASES: &[NormalizedCase] = &[
    // normalize_test.go, TestNormalizedSplitHostname (Domain and Path of the result)
    normalized("test.com/foo", "test.com/foo", "test.com", "foo"),
    normalized(
        "test_com/foo",
        "docker.io/test_com/foo",
        "docker.io",
        "test_com/foo",
    ),
    normalized(
        "docker/migrator",
        "docker.io/docker/migrator",
        "docker.io",
        "docker/migrator",
    ),
    normalized(
        "test.com:8080/foo",
        "test.com:8080/foo",
        "test.com:8080",
        "foo",
    ),
    normalized(
        "test-com:8080/foo",
        "test-com:8080/foo",
        "test-com:8080",
        "foo",
    ),
    normalized("foo", "docker.io/library/foo", "docker.io", "library/foo"),
    normalized("xn--n3h.com/foo", "xn--n3h.com/foo", "xn--n3h.com", "foo"),
    normalized(
        "xn--n3h.com:18080/foo",
        "xn--n3h.com:18080/foo",
        "xn--n3h.com:18080",
        "foo",
    ),
    normalized(
        "docker.io/foo",
        "docker.io/library/foo",
        "docker.io",
        "library/foo",
    ),
    normalized(
        "docker.io/library/foo",
        "docker.io/library/foo",
        "docker.io",
        "library/foo",
    ),
    normalized(
        "docker.io/library/foo/bar",
        "docker.io/library/foo/bar",
        "docker.io",
        "library/foo/bar",
    ),
    // normalize_test.go, TestParseAnyReference: inputs that go to ParseNormalizedNamed. The
    // 64-hex identifier and the bare "sha256:..." digest become digest references there, which
    // imgsift does not have.
    normalized(
        "redis",
        "docker.io/library/redis",
        "docker.io",
        "library/redis",
    ),
    normalized(
        "redis:latest",
        "docker.io/library/redis:latest",
        "docker.io",
        "library/redis",
    ),
    normalized(
        "docker.io/library/redis:latest",
        "docker.io/library/redis:latest",
        "docker.io",
        "library/redis",
    ),
    normalized(
        "redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
        "docker.io/library/redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
        "docker.io",
        "library/redis",
    ),
    normalized(
        "docker.io/library/redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
        "docker.io/library/redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
        "docker.io",
        "library/redis",
    ),
    normalized(
        "dmcgowan/myapp",
        "docker.io/dmcgowan/myapp",
        "docker.io",
        "dmcgowan/myapp",
    ),
    normalized(
        "dmcgowan/myapp:latest",
        "docker.io/dmcgowan/myapp:latest",
        "docker.io",
        "dmcgowan/myapp",
    ),
    normalized(
        "docker.io/mcgowan/myapp:latest",
        "docker.io/mcgowan/myapp:latest",
        "docker.io",
        "mcgowan/myapp",
    ),
    normalized(
        "dmcgowan/myapp@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
        "docker.io/dmcgowan/myapp@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
        "docker.io",
        "dmcgowan/myapp",
    ),
    normalized(
        "docker.io/dmcgowan/myapp@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
        "docker.io/dmcgowan/myapp@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
        "docker.io",
        "dmcgowan/myapp",
    ),
    normalized(
        "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
        "docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
        "docker.io",
        "library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
    ),
    normalized(
        "dbcc1",
        "docker.io/library/dbcc1",
        "docker.io",
        "library/dbcc1",
    ),
    // normalize_test.go, TestParseReferenceWithTagAndDigest: both are kept.
    normalized(
        "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
        "docker.io/library/busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
        "docker.io",
        "library/busybox",
    ),
];

/// normalize_test.go, TestParseRepositoryInfo. Each of the familiar, full and ambiguous names
/// normalizes to the full name. (Its FamiliarName check is not transcribed.)
struct RepositoryInfoCase {
    remote_name: &'static str,
    familiar_name: &'static str,
    full_name: &'static str,
    ambiguous_name: Option<&'static str>,
    domain: &'static str,
}

static REPOSITORY_INFO_CASES: &[RepositoryInfoCase] = &[
    RepositoryInfoCase {
        remote_name: "fooo/bar",
        familiar_name: "fooo/bar",
        full_name: "docker.io/fooo/bar",
        ambiguous_name: Some("index.docker.io/fooo/bar"),
        domain: "docker.io",
    },
    RepositoryInfoCase {
        remote_name: "library/ubuntu",
        familiar_name: "ubuntu",
        full_name: "docker.io/library/ubuntu",
        ambiguous_name: Some("library/ubuntu"),
        domain: "docker.io",
    },
    RepositoryInfoCase {
        remote_name: "nonlibrary/ubuntu",
        familiar_name: "nonlibrary/ubuntu",
        full_name: "docker.io/nonlibrary/ubuntu",
        ambiguous_name: None,
        domain: "docker.io",
    },
    RepositoryInfoCase {
        remote_name: "other/library",
        familiar_name: "other/library",
        full_name: "docker.io/other/library",
        ambiguous_name: None,
        domain: "docker.io",
    },
    RepositoryInfoCase {
        remote_name: "private/moonbase",
        familiar_name: "127.0.0.1:8000/private/moonbase",
        full_name: "127.0.0.1:8000/private/moonbase",
        ambiguous_name: None,
        domain: "127.0.0.1:8000",
    },
    RepositoryInfoCase {
        remote_name: "privatebase",
        familiar_name: "127.0.0.1:8000/privatebase",
        full_name: "127.0.0.1:8000/privatebase",
        ambiguous_name: None,
        domain: "127.0.0.1:8000",
    },
    RepositoryInfoCase {
        remote_name: "private/moonbase",
        familiar_name: "example.com/private/moonbase",
        full_name: "example.com/private/moonbase",
        ambiguous_name: None,
        domain: "example.com",
    },
    RepositoryInfoCase {
        remote_name: "privatebase",
        familiar_name: "example.com/privatebase",
        full_name: "example.com/privatebase",
        ambiguous_name: None,
        domain: "example.com",
    },
    RepositoryInfoCase {
        remote_name: "private/moonbase",
        familiar_name: "example.com:8000/private/moonbase",
        full_name: "example.com:8000/private/moonbase",
        ambiguous_name: None,
        domain: "example.com:8000",
    },
    RepositoryInfoCase {
        remote_name: "privatebasee",
        familiar_name: "example.com:8000/privatebasee",
        full_name: "example.com:8000/privatebasee",
        ambiguous_name: None,
        domain: "example.com:8000",
    },
    RepositoryInfoCase {
        remote_name: "library/ubuntu-12.04-base",
        familiar_name: "ubuntu-12.04-base",
        full_name: "docker.io/library/ubuntu-12.04-base",
        ambiguous_name: Some("index.docker.io/library/ubuntu-12.04-base"),
        domain: "docker.io",
    },
    RepositoryInfoCase {
        remote_name: "library/foo",
        familiar_name: "foo",
        full_name: "docker.io/library/foo",
        ambiguous_name: Some("docker.io/foo"),
        domain: "docker.io",
    },
    RepositoryInfoCase {
        remote_name: "library/foo/bar",
        familiar_name: "library/foo/bar",
        full_name: "docker.io/library/foo/bar",
        ambiguous_name: None,
        domain: "docker.io",
    },
    RepositoryInfoCase {
        remote_name: "store/foo/bar",
        familiar_name: "store/foo/bar",
        full_name: "docker.io/store/foo/bar",
        ambiguous_name: None,
        domain: "docker.io",
    },
    RepositoryInfoCase {
        remote_name: "bar",
        familiar_name: "Foo/bar",
        full_name: "Foo/bar",
        ambiguous_name: None,
        domain: "Foo",
    },
    RepositoryInfoCase {
        remote_name: "bar",
        familiar_name: "FOO/bar",
        full_name: "FOO/bar",
        ambiguous_name: None,
        domain: "FOO",
    },
];

fn check_normalized(failures: &mut Failures, case: &NormalizedCase) {
    let failures = failures.case();
    let got = match Reference::parse_normalized_named(case.input) {
        Ok(got) => got,
        Err(err) => return failures.fail(case.input, format!("rejected: {err:?}")),
    };
    if got.to_string() != case.string {
        failures.fail(
            case.input,
            format!("normalized to {got}, want {}", case.string),
        );
    }
    if got.domain() != case.domain {
        let domain = got.domain();
        failures.fail(
            case.input,
            format!("domain {domain:?}, want {:?}", case.domain),
        );
    }
    if got.path() != case.path {
        failures.fail(
            case.input,
            format!("path {:?}, want {:?}", got.path(), case.path),
        );
    }
    // TestParseAnyReference: the result equals Parse of the normalized string.
    match Reference::parse(case.string) {
        Ok(reparsed) if reparsed == got => {}
        other => failures.fail(
            case.input,
            format!("Parse({:?}) gave {other:?}", case.string),
        ),
    }
}

#[test]
fn parse_normalized_named_canonicalizes_like_upstream() {
    let mut failures = Failures::new("NORMALIZED_CASES");
    for case in NORMALIZED_CASES {
        check_normalized(&mut failures, case);
    }
    failures.finish();

    let mut failures = Failures::new("REPOSITORY_INFO_CASES");
    for case in REPOSITORY_INFO_CASES {
        let names = [
            Some(case.familiar_name),
            Some(case.full_name),
            case.ambiguous_name,
        ];
        for input in names.into_iter().flatten() {
            let case = normalized(input, case.full_name, case.domain, case.remote_name);
            check_normalized(&mut failures, &case);
        }
    }
    failures.finish();
}

/// reference_test.go, TestParseNamed: ParseNamed is ParseNormalizedNamed that fails with
/// ErrNameNotCanonical unless the input is already the normalized string.
struct ParseNamedCase {
    input: &'static str,
    /// `Some((domain, path))` if the input is canonical, `None` for ErrNameNotCanonical.
    canonical: Option<(&'static str, &'static str)>,
}

static PARSE_NAMED_CASES: &[ParseNamedCase] = &[
    ParseNamedCase {
        input: "test.com/foo",
        canonical: Some(("test.com", "foo")),
    },
    ParseNamedCase {
        input: "test:8080/foo",
        canonical: Some(("test:8080", "foo")),
    },
    ParseNamedCase {
        input: "test_com/foo",
        canonical: None,
    },
    ParseNamedCase {
        input: "test.com",
        canonical: None,
    },
    ParseNamedCase {
        input: "foo",
        canonical: None,
    },
    ParseNamedCase {
        input: "library/foo",
        canonical: None,
    },
    ParseNamedCase {
        input: "docker.io/library/foo",
        canonical: Some(("docker.io", "library/foo")),
    },
    ParseNamedCase {
        // Ambiguous case, parser will add "library/" to foo
        input: "docker.io/foo",
        canonical: None,
    },
];

#[test]
fn parse_normalized_named_is_a_fixpoint_only_on_canonical_names() {
    let mut failures = Failures::new("PARSE_NAMED_CASES");
    for case in PARSE_NAMED_CASES {
        let failures = failures.case();
        let got = match Reference::parse_normalized_named(case.input) {
            Ok(got) => got,
            Err(err) => {
                failures.fail(case.input, format!("rejected: {err:?}"));
                continue;
            }
        };
        let is_canonical = got.to_string() == case.input;
        match case.canonical {
            Some((domain, path)) if is_canonical => {
                if (got.domain(), got.path()) != (domain, path) {
                    let split = (got.domain(), got.path());
                    failures.fail(
                        case.input,
                        format!("split {split:?}, want {:?}", (domain, path)),
                    );
                }
            }
            None if !is_canonical => {}
            want => failures.fail(case.input, format!("normalized to {got}, want {want:?}")),
        }
    }
    failures.finish();
}

struct IdentifierCase {
    input: &'static str,
    identifier: bool,
}

/// regexp_test.go, TestIdentifierRegexp: ParseNormalizedNamed refuses exactly the inputs that
/// anchoredIdentifierRegexp matches, as image IDs.
static IDENTIFIER_CASES: &[IdentifierCase] = &[
    IdentifierCase {
        input: "da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821",
        identifier: true,
    },
    IdentifierCase {
        input: "7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C",
        identifier: false,
    },
    IdentifierCase {
        input: "da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf",
        identifier: false,
    },
    IdentifierCase {
        input: "sha256:da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821",
        identifier: false,
    },
    IdentifierCase {
        input: "da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf98218482",
        identifier: false,
    },
];

#[test]
fn parse_normalized_named_refuses_exactly_64_hex_identifiers() {
    let mut failures = Failures::new("IDENTIFIER_CASES");
    for case in IDENTIFIER_CASES {
        let failures = failures.case();
        let got = Reference::parse_normalized_named(case.input);
        if matches!(got, Err(RefError::HexIdentifier)) != case.identifier {
            let want = case.identifier;
            failures.fail(case.input, format!("got {got:?}, want identifier={want}"));
        }
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// Reference::parse_normalized = ParseNormalizedNamed + TagNameOnly
// ---------------------------------------------------------------------------------------------

struct TagNameOnlyCase {
    /// Upstream's subtest name.
    name: &'static str,
    input: &'static str,
    want: &'static str,
}

/// normalize_test.go, TestParseDockerRef. ParseDockerRef is ParseNormalizedNamed + TagNameOnly,
/// except that it drops the tag of a reference that has both; imgsift keeps both, as
/// ParseNormalizedNamed does (TestParseReferenceWithTagAndDigest), so the last case expects
/// the tag where upstream's ParseDockerRef does not.
static TAG_NAME_ONLY_CASES: &[TagNameOnlyCase] = &[
    TagNameOnlyCase {
        name: "nothing",
        input: "busybox",
        want: "docker.io/library/busybox:latest",
    },
    TagNameOnlyCase {
        name: "tag only",
        input: "busybox:latest",
        want: "docker.io/library/busybox:latest",
    },
    TagNameOnlyCase {
        name: "digest only",
        input: "busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
        want: "docker.io/library/busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
    },
    TagNameOnlyCase {
        name: "path only",
        input: "library/busybox",
        want: "docker.io/library/busybox:latest",
    },
    TagNameOnlyCase {
        name: "hostname only",
        input: "docker.io/busybox",
        want: "docker.io/library/busybox:latest",
    },
    TagNameOnlyCase {
        name: "no tag",
        input: "docker.io/library/busybox",
        want: "docker.io/library/busybox:latest",
    },
    TagNameOnlyCase {
        name: "no path",
        input: "docker.io/busybox:latest",
        want: "docker.io/library/busybox:latest",
    },
    TagNameOnlyCase {
        name: "no hostname",
        input: "library/busybox:latest",
        want: "docker.io/library/busybox:latest",
    },
    TagNameOnlyCase {
        name: "full reference with tag",
        input: "docker.io/library/busybox:latest",
        want: "docker.io/library/busybox:latest",
    },
    TagNameOnlyCase {
        name: "gcr reference without tag",
        input: "gcr.io/library/busybox",
        want: "gcr.io/library/busybox:latest",
    },
    TagNameOnlyCase {
        // Upstream ParseDockerRef: "gcr.io/library/busybox@sha256:e669..." (tag dropped).
        name: "both tag and digest",
        input: "gcr.io/library/busybox:latest@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
        want: "gcr.io/library/busybox:latest@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
    },
];

#[test]
fn parse_normalized_adds_latest_only_without_tag_or_digest() {
    let mut failures = Failures::new("TAG_NAME_ONLY_CASES");
    for case in TAG_NAME_ONLY_CASES {
        let failures = failures.case();
        let label = format!("{} ({})", case.input, case.name);
        match Reference::parse_normalized(case.input) {
            Ok(got) if got.to_string() == case.want => {
                // Upstream: the output "should be a valid reference".
                if let Err(err) = Reference::parse(case.want) {
                    failures.fail(&label, format!("output does not parse: {err:?}"));
                }
            }
            got => failures.fail(&label, format!("got {got:?}, want {}", case.want)),
        }
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// Behaviour upstream implements but does not test
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
enum Listed {
    /// `parse_normalized` succeeds with this string, domain and path.
    As(&'static str, &'static str, &'static str),
    /// `parse_normalized` fails with this error.
    Rejected(RefError),
    /// `parse_normalized` fails because this repository path has uppercase letters.
    RemoteNotLowercase(&'static str),
}

struct QuirkCase {
    input: &'static str,
    /// The upstream code the expectation follows.
    why: &'static str,
    want: Listed,
}

static QUIRK_CASES: &[QuirkCase] = &[
    QuirkCase {
        input: "localhost:5000",
        why: "normalize.go splitDockerDomain: no '/' means a Hub name (FIXME about bare localhost)",
        want: Listed::As(
            "docker.io/library/localhost:5000",
            "docker.io",
            "library/localhost",
        ),
    },
    QuirkCase {
        input: "localhost",
        why: "normalize.go splitDockerDomain: no '/' means a Hub name",
        want: Listed::As(
            "docker.io/library/localhost:latest",
            "docker.io",
            "library/localhost",
        ),
    },
    QuirkCase {
        input: "localhost/foo",
        why: "normalize.go splitDockerDomain: localhost is always a domain",
        want: Listed::As("localhost/foo:latest", "localhost", "foo"),
    },
    QuirkCase {
        input: "localhost:5000/foo",
        why: "normalize.go splitDockerDomain: a ':' marks a domain",
        want: Listed::As("localhost:5000/foo:latest", "localhost:5000", "foo"),
    },
    QuirkCase {
        input: "index.docker.io/nginx",
        why: "normalize.go splitDockerDomain: legacyDefaultDomain becomes docker.io, then library/",
        want: Listed::As(
            "docker.io/library/nginx:latest",
            "docker.io",
            "library/nginx",
        ),
    },
    QuirkCase {
        input: "index.docker.io/bitnami/nginx:1.25",
        why: "normalize.go splitDockerDomain: legacyDefaultDomain becomes docker.io",
        want: Listed::As("docker.io/bitnami/nginx:1.25", "docker.io", "bitnami/nginx"),
    },
    QuirkCase {
        input: "example.com/nginx",
        why: "normalize.go splitDockerDomain: library/ is added on Docker Hub only",
        want: Listed::As("example.com/nginx:latest", "example.com", "nginx"),
    },
    QuirkCase {
        input: "nginx:1.25",
        why: "normalize.go TagNameOnly: a tagged name keeps its tag",
        want: Listed::As("docker.io/library/nginx:1.25", "docker.io", "library/nginx"),
    },
    QuirkCase {
        input: "nginx@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        why: "normalize.go TagNameOnly: IsNameOnly is false with a digest, no :latest",
        want: Listed::As(
            "docker.io/library/nginx@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "docker.io",
            "library/nginx",
        ),
    },
    QuirkCase {
        input: "nginx:1.25@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        why: "reference.go Parse keeps tag and digest; TagNameOnly leaves them",
        want: Listed::As(
            "docker.io/library/nginx:1.25@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "docker.io",
            "library/nginx",
        ),
    },
    QuirkCase {
        input: "a_b.c/d",
        why: "splitDockerDomain takes a_b.c as domain ('.'), but Parse finds no valid domain in it",
        want: Listed::As("a_b.c/d:latest", "", "a_b.c/d"),
    },
    QuirkCase {
        input: "Example.com/foo",
        why: "regexp.go domainNameComponent allows uppercase; only the path must be lowercase",
        want: Listed::As("Example.com/foo:latest", "Example.com", "foo"),
    },
    QuirkCase {
        input: "foo:Tag",
        why: "normalize.go ParseNormalizedNamed checks case only before the first ':'",
        want: Listed::As("docker.io/library/foo:Tag", "docker.io", "library/foo"),
    },
    QuirkCase {
        input: "example.com/Foo",
        why: "normalize.go ParseNormalizedNamed: repository name (%s) must be lowercase",
        want: Listed::RemoteNotLowercase("Foo"),
    },
    QuirkCase {
        input: "Foo",
        why: "normalize.go: the lowercase check sees the remote after library/ is added",
        want: Listed::RemoteNotLowercase("library/Foo"),
    },
    QuirkCase {
        input: "nginx@SHA256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        why: "normalize.go: the remote runs to the first ':', which here is inside the digest",
        want: Listed::RemoteNotLowercase("library/nginx@SHA256"),
    },
    QuirkCase {
        input: "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        why: "normalize.go ParseNormalizedNamed: cannot specify 64-byte hexadecimal strings",
        want: Listed::Rejected(RefError::HexIdentifier),
    },
];

#[test]
fn parse_normalized_follows_upstream_code_where_upstream_has_no_test() {
    let mut failures = Failures::new("QUIRK_CASES");
    for case in QUIRK_CASES {
        let failures = failures.case();
        let label = format!("{} ({})", case.input, case.why);
        let got = Reference::parse_normalized(case.input);
        let ok = match (&got, &case.want) {
            (Ok(got), Listed::As(string, domain, path)) => {
                (got.to_string().as_str(), got.domain(), got.path()) == (*string, *domain, *path)
            }
            (Err(got), Listed::Rejected(want)) => got == want,
            (Err(RefError::RemoteNotLowercase(got)), Listed::RemoteNotLowercase(want)) => {
                got == want
            }
            _ => false,
        };
        if !ok {
            failures.fail(&label, format!("got {got:?}, want {:?}", case.want));
        }
    }
    failures.finish();
}
