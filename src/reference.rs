//! Container image references: the grammar of distribution/reference and its normalization.
//!
//! This module owns one question: is this string an image reference, and if so, what is its
//! canonical form? It reproduces `reference.Parse`, `ParseNormalizedNamed` and `TagNameOnly`
//! of github.com/distribution/reference (v0.6), including their quirks, because container
//! runtimes resolve images with exactly that code: what they pull is what imgsift must list.
//!
//! The regular expressions are the upstream ones, transcribed. Go's `\w` is ASCII-only, so it is
//! spelled out as `[0-9A-Za-z_]` here (Rust's `\w` would admit Unicode letters). Both engines use
//! leftmost-first semantics, so capture groups split a name into domain and path as upstream does.
//!
//! Where a reference came from, and whether a string is worth trying at all (placeholders,
//! prose), is decided by the extractors, not here.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

pub mod written;

pub use written::{parts_of, strip_tag_and_digest};

/// Domain given to references that name none.
pub const DEFAULT_DOMAIN: &str = "docker.io";
/// Older spelling of [`DEFAULT_DOMAIN`], folded into it.
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
/// Prefix of one-component Docker Hub names (`nginx` is `library/nginx`).
const OFFICIAL_REPO_PREFIX: &str = "library/";
/// Upstream `RepositoryNameTotalLengthMax`: the repository path, domain excluded (v0.6), in bytes.
const NAME_TOTAL_LENGTH_MAX: usize = 255;

const ALPHANUMERIC: &str = "[a-z0-9]+";
const SEPARATOR: &str = "(?:[._]|__|[-]+)";
const DOMAIN_NAME_COMPONENT: &str = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const OPTIONAL_PORT: &str = "(?::[0-9]+)?";
const TAG: &str = "[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
const DIGEST: &str = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}";
const IPV6_ADDRESS: &str = r"\[(?:[a-fA-F0-9:]+)\]";

fn domain_and_port() -> String {
    let domain_name = format!(r"{DOMAIN_NAME_COMPONENT}(?:\.{DOMAIN_NAME_COMPONENT})*");
    format!("(?:{domain_name}|{IPV6_ADDRESS}){OPTIONAL_PORT}")
}

fn remote_name() -> String {
    let path_component = format!("{ALPHANUMERIC}(?:{SEPARATOR}{ALPHANUMERIC})*");
    format!("{path_component}(?:/{path_component})*")
}

fn compile(pattern: &str) -> Regex {
    // The patterns are constants of this module; a failure here is a bug caught by every test.
    match Regex::new(pattern) {
        Ok(re) => re,
        Err(err) => panic!("reference grammar pattern does not compile: {err}"),
    }
}

/// Upstream `ReferenceRegexp`: name, optional tag, optional digest, anchored.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let name = format!("(?:{}/)?{}", domain_and_port(), remote_name());
    compile(&format!("^({name})(?::({TAG}))?(?:@({DIGEST}))?$"))
});

/// Upstream `anchoredNameRegexp`: splits a name into domain and path.
static NAME: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        "^(?:({})/)?({})$",
        domain_and_port(),
        remote_name()
    ))
});

/// go-digest `DigestRegexpAnchored`: the general shape of a digest of any algorithm.
static GO_DIGEST: LazyLock<Regex> =
    LazyLock::new(|| compile("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$"));

/// Upstream `anchoredIdentifierRegexp`: a bare image ID, refused as a name.
static IDENTIFIER: LazyLock<Regex> = LazyLock::new(|| compile("^[a-f0-9]{64}$"));

/// Why a string is not an image reference. The messages follow upstream's wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// The string is empty.
    Empty,
    /// The string does not match the reference grammar.
    InvalidFormat,
    /// It would match if it were lowercase.
    ContainsUppercase,
    /// The repository path (before any tag) has uppercase letters.
    RemoteNotLowercase(String),
    /// The repository path (domain excluded) is longer than 255 bytes.
    NameTooLong,
    /// A 64-hex-digit string is an image ID, not a name.
    HexIdentifier,
    /// The digest is not `algorithm:hex`.
    DigestInvalidFormat,
    /// The digest's hex part has the wrong length for its algorithm.
    DigestInvalidLength,
    /// The digest's algorithm is not sha256, sha384 or sha512.
    DigestUnsupported,
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefError::Empty => f.write_str("the image reference is empty"),
            RefError::InvalidFormat => f.write_str("invalid reference format"),
            RefError::ContainsUppercase => {
                f.write_str("invalid reference format: repository name must be lowercase")
            }
            RefError::RemoteNotLowercase(remote) => write!(
                f,
                "invalid reference format: repository name ({remote}) must be lowercase"
            ),
            RefError::NameTooLong => write!(
                f,
                "repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
            ),
            RefError::HexIdentifier => f.write_str(
                "a 64-character hexadecimal string is an image ID, not a repository name",
            ),
            RefError::DigestInvalidFormat => f.write_str("invalid digest format"),
            RefError::DigestInvalidLength => f.write_str("invalid digest length"),
            RefError::DigestUnsupported => f.write_str("unsupported digest algorithm"),
        }
    }
}

impl std::error::Error for RefError {}

/// A parsed image reference: `domain/path[:tag][@digest]`.
///
/// `domain` is empty only for the rare names that upstream `Parse` accepts without one (see
/// [`Reference::parse`]); normalized references always carry a domain, except for the upstream
/// quirk where the would-be domain is not a valid host but is a valid path component
/// (`a_b.c/d`), which upstream keeps domain-less and so does imgsift.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    domain: String,
    path: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl Reference {
    /// Upstream `reference.Parse`: the grammar, without normalization.
    pub fn parse(s: &str) -> Result<Reference, RefError> {
        let Some(caps) = REFERENCE.captures(s) else {
            if s.is_empty() {
                return Err(RefError::Empty);
            }
            if REFERENCE.is_match(&s.to_lowercase()) {
                return Err(RefError::ContainsUppercase);
            }
            return Err(RefError::InvalidFormat);
        };
        let name = caps.get(1).map_or("", |m| m.as_str());
        let (domain, path) = match NAME.captures(name) {
            Some(parts) => (
                parts.get(1).map_or("", |m| m.as_str()),
                parts.get(2).map_or("", |m| m.as_str()),
            ),
            None => return Err(RefError::InvalidFormat),
        };
        if path.len() > NAME_TOTAL_LENGTH_MAX {
            return Err(RefError::NameTooLong);
        }
        let tag = caps.get(2).map(|m| m.as_str().to_owned());
        let digest = match caps.get(3) {
            Some(m) => {
                validate_digest(m.as_str())?;
                Some(m.as_str().to_owned())
            }
            None => None,
        };
        Ok(Reference {
            domain: domain.to_owned(),
            path: path.to_owned(),
            tag,
            digest,
        })
    }

    /// Upstream `ParseNormalizedNamed`: the name a runtime resolves, without a default tag.
    pub fn parse_normalized_named(s: &str) -> Result<Reference, RefError> {
        if IDENTIFIER.is_match(s) {
            return Err(RefError::HexIdentifier);
        }
        let (domain, remainder) = split_docker_domain(s);
        let remote = match remainder.find(':') {
            Some(i) => &remainder[..i],
            None => remainder.as_str(),
        };
        if remote.to_lowercase() != remote {
            return Err(RefError::RemoteNotLowercase(remote.to_owned()));
        }
        Reference::parse(&format!("{domain}/{remainder}"))
    }

    /// `ParseNormalizedNamed` followed by `TagNameOnly`: `:latest` is added only when the
    /// reference has neither tag nor digest. This is the form imgsift lists.
    pub fn parse_normalized(s: &str) -> Result<Reference, RefError> {
        let mut reference = Reference::parse_normalized_named(s)?;
        if reference.tag.is_none() && reference.digest.is_none() {
            reference.tag = Some("latest".to_owned());
        }
        Ok(reference)
    }

    /// The registry host (with port), e.g. `docker.io` or `localhost:5000`.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The repository path inside the registry, e.g. `library/nginx`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The tag, if any.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest (`algorithm:hex`), if any.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// `domain/path`, or `path` when there is no domain.
    pub fn name(&self) -> String {
        if self.domain.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.domain.is_empty() {
            write!(f, "{}/", self.domain)?;
        }
        f.write_str(&self.path)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// Upstream `splitDockerDomain` (v0.6): decides whether the first path element is a registry.
fn split_docker_domain(name: &str) -> (String, String) {
    let Some((maybe_domain, maybe_remote)) = name.split_once('/') else {
        return (
            DEFAULT_DOMAIN.to_owned(),
            format!("{OFFICIAL_REPO_PREFIX}{name}"),
        );
    };
    let (domain, remote) = if maybe_domain == "localhost" {
        (maybe_domain, maybe_remote)
    } else if maybe_domain == LEGACY_DEFAULT_DOMAIN {
        (DEFAULT_DOMAIN, maybe_remote)
    } else if maybe_domain.contains(['.', ':']) {
        (maybe_domain, maybe_remote)
    } else if maybe_domain.to_lowercase() != maybe_domain {
        // Uppercase is not allowed in a path, so an uppercase first element must be a host.
        (maybe_domain, maybe_remote)
    } else {
        (DEFAULT_DOMAIN, name)
    };
    if domain == DEFAULT_DOMAIN && !remote.contains('/') {
        return (domain.to_owned(), format!("{OFFICIAL_REPO_PREFIX}{remote}"));
    }
    (domain.to_owned(), remote.to_owned())
}

/// go-digest `Digest.Validate` with sha256, sha384 and sha512 available, as in every runtime.
fn validate_digest(digest: &str) -> Result<(), RefError> {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return Err(RefError::DigestInvalidFormat);
    };
    if algorithm.is_empty() || encoded.is_empty() {
        return Err(RefError::DigestInvalidFormat);
    }
    let size = match algorithm {
        "sha256" => 32,
        "sha384" => 48,
        "sha512" => 64,
        // go-digest calls an unknown algorithm "unsupported" only when the digest has its
        // general shape (lowercase algorithm); otherwise the format is invalid.
        _ if GO_DIGEST.is_match(digest) => return Err(RefError::DigestUnsupported),
        _ => return Err(RefError::DigestInvalidFormat),
    };
    if encoded.len() != size * 2 {
        return Err(RefError::DigestInvalidLength);
    }
    if encoded
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(RefError::DigestInvalidFormat)
    }
}

#[cfg(test)]
mod tests;
