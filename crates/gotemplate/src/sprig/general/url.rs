//! `urlParse` and `urlJoin` (Sprig's `url.go`) over a port of the parts of Go's `net/url`
//! they use: `Parse` with its errors (as of Go 1.26: IP literals must be IPv6, and an http or
//! https host may hold only one colon), `URL.String`, `Hostname` and `Userinfo.String`.

use crate::{FuncError, FuncMap, Map, Type as T, Value};

use super::util::{NIL_DEREF, kind, sig, str_arg};

pub(super) fn register(m: &mut FuncMap) {
    m.add("urlParse", sig(vec![T::String], T::Map), |_, a| {
        url_parse(str_arg(a, 0))
    });
    m.add("urlJoin", sig(vec![T::Map], T::String), |_, a| {
        url_join(&a.first().and_then(Value::as_map).unwrap_or_default()).map(Value::from)
    });
}

fn url_parse(s: &str) -> Result<Value, FuncError> {
    let u = parse(s).map_err(|e| FuncError::new(format!("unable to parse url: {e}")))?;
    let d = Map::new();
    d.insert("scheme", Value::from(u.scheme.as_str()));
    d.insert("host", Value::from(u.host.as_str()));
    d.insert("hostname", Value::from(hostname(&u.host)));
    d.insert("path", Value::from(u.path.as_str()));
    d.insert("query", Value::from(u.raw_query.as_str()));
    d.insert("opaque", Value::from(u.opaque.as_str()));
    d.insert("fragment", Value::from(u.fragment.as_str()));
    d.insert(
        "userinfo",
        Value::from(
            u.user
                .as_ref()
                .map(Userinfo::to_go_string)
                .unwrap_or_default(),
        ),
    );
    Ok(Value::Map(d))
}

/// Sprig's `dictGetOrEmpty`: a missing key is "", anything but a string panics.
fn get_string(d: &Map, key: &str) -> Result<String, FuncError> {
    match d.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(Value::Nil) => Err(FuncError::new(NIL_DEREF)),
        Some(v) => Err(FuncError::new(format!(
            "unable to parse {key} key, must be of type string, but {} found",
            kind(&v)
        ))),
    }
}

fn url_join(d: &Map) -> Result<String, FuncError> {
    let mut u = Url {
        scheme: get_string(d, "scheme")?,
        host: get_string(d, "host")?,
        path: get_string(d, "path")?,
        raw_query: get_string(d, "query")?,
        opaque: get_string(d, "opaque")?,
        fragment: get_string(d, "fragment")?,
        ..Url::default()
    };
    let userinfo = get_string(d, "userinfo")?;
    if !userinfo.is_empty() {
        let t = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| FuncError::new(format!("unable to parse userinfo in dict: {e}")))?;
        u.user = t.user;
    }
    Ok(u.to_go_string())
}

#[derive(Clone, Debug, Default)]
struct Userinfo {
    username: String,
    password: Option<String>,
}

impl Userinfo {
    fn to_go_string(&self) -> String {
        let mut s = escape(&self.username, Mode::UserPassword);
        if let Some(p) = &self.password {
            s.push(':');
            s.push_str(&escape(p, Mode::UserPassword));
        }
        s
    }
}

#[derive(Clone, Debug, Default)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<Userinfo>,
    host: String,
    path: String,
    raw_path: String,
    force_query: bool,
    raw_query: String,
    fragment: String,
    raw_fragment: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    QueryComponent,
    Fragment,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if (mode == Mode::Host || mode == Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::QueryComponent => true,
                Mode::Fragment => false,
                Mode::Host | Mode::Zone => true,
            };
        }
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

fn escape(s: &str, mode: Mode) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c == b' ' && mode == Mode::QueryComponent {
            out.push('+');
        } else if should_escape(c, mode) {
            out.push('%');
            out.push(char::from(HEX[usize::from(c >> 4)]));
            out.push(char::from(HEX[usize::from(c & 15)]));
        } else {
            out.push(char::from(c));
        }
    }
    out
}

fn unhex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// Go's `unescape`; its errors are `EscapeError` and `InvalidHostError`.
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut n = 0;
    let mut has_plus = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                n += 1;
                if i + 2 >= b.len()
                    || !b[i + 1].is_ascii_hexdigit()
                    || !b[i + 2].is_ascii_hexdigit()
                {
                    let end = (i + 3).min(b.len());
                    return Err(format!(
                        "invalid URL escape {}",
                        crate::strconv::quote(&String::from_utf8_lossy(&b[i..end]), false)
                    ));
                }
                let esc = &s[i..i + 3];
                if mode == Mode::Host && unhex(b[i + 1]) < 8 && esc != "%25" {
                    return Err(format!(
                        "invalid URL escape {}",
                        crate::strconv::quote(esc, false)
                    ));
                }
                if mode == Mode::Zone {
                    let v = (unhex(b[i + 1]) << 4) | unhex(b[i + 2]);
                    if esc != "%25" && v != b' ' && should_escape(v, Mode::Host) {
                        return Err(format!(
                            "invalid URL escape {}",
                            crate::strconv::quote(esc, false)
                        ));
                    }
                }
                i += 3;
            }
            b'+' => {
                has_plus = mode == Mode::QueryComponent;
                i += 1;
            }
            c => {
                if (mode == Mode::Host || mode == Mode::Zone) && c < 0x80 && should_escape(c, mode)
                {
                    return Err(format!(
                        "invalid character {} in host name",
                        crate::strconv::quote(&char::from(c).to_string(), false)
                    ));
                }
                i += 1;
            }
        }
    }
    if n == 0 && !has_plus {
        return Ok(s.to_string());
    }
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                out.push((unhex(b[i + 1]) << 4) | unhex(b[i + 2]));
                i += 3;
            }
            b'+' if mode == Mode::QueryComponent => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn get_scheme(raw: &str) -> Result<(String, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok((String::new(), raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".to_string());
                }
                return Ok((raw[..i].to_string(), &raw[i + 1..]));
            }
            _ => return Ok((String::new(), raw)),
        }
    }
    Ok((String::new(), raw))
}

/// `url.Parse`, errors as `url.Error` prints them: `parse "RAW": MESSAGE`.
fn parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    let mut url =
        parse_inner(u).map_err(|e| format!("parse {}: {e}", crate::strconv::quote(u, false)))?;
    if let Some(f) = frag.filter(|f| !f.is_empty()) {
        let frag = unescape(f, Mode::Fragment)
            .map_err(|e| format!("parse {}: {e}", crate::strconv::quote(raw, false)))?;
        url.raw_fragment = if escape(&frag, Mode::Fragment) == f {
            String::new()
        } else {
            f.to_string()
        };
        url.fragment = frag;
    }
    Ok(url)
}

fn parse_inner(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_string());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".to_string();
        return Ok(url);
    }
    let (scheme, rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest.to_string();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest.pop();
    } else if let Some((r, q)) = rest.clone().split_once('?') {
        rest = r.to_string();
        url.raw_query = q.to_string();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest;
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_string());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let mut authority = rest[2..].to_string();
        let mut path = String::new();
        if let Some(i) = authority.find('/') {
            path = authority[i..].to_string();
            authority.truncate(i);
        }
        let (user, host) = parse_authority(&url.scheme, &authority)?;
        url.user = user;
        url.host = host;
        rest = path;
    }
    let path = unescape(&rest, Mode::Path)?;
    url.raw_path = if escape(&path, Mode::Path) == rest {
        String::new()
    } else {
        rest
    };
    url.path = path;
    Ok(url)
}

fn parse_authority(scheme: &str, authority: &str) -> Result<(Option<Userinfo>, String), String> {
    let at = authority.rfind('@');
    let host = parse_host(scheme, at.map_or(authority, |i| &authority[i + 1..]))?;
    let Some(i) = at else {
        return Ok((None, host));
    };
    let userinfo = &authority[..i];
    let valid = userinfo.chars().all(|r| {
        r.is_ascii_alphanumeric()
            || matches!(
                r,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    });
    if !valid {
        return Err("net/url: invalid userinfo".to_string());
    }
    let user = match userinfo.split_once(':') {
        None => Userinfo {
            username: unescape(userinfo, Mode::UserPassword)?,
            password: None,
        },
        Some((u, p)) => Userinfo {
            username: unescape(u, Mode::UserPassword)?,
            password: Some(unescape(p, Mode::UserPassword)?),
        },
    };
    Ok((Some(user), host))
}

fn valid_optional_port(port: &str) -> bool {
    port.is_empty() || port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit())
}

fn parse_host(scheme: &str, host: &str) -> Result<String, String> {
    let open = host.rfind('[');
    if let Some(o) = open {
        if o > 0 {
            return Err("invalid IP-literal".to_string());
        }
        let Some(close) = host.rfind(']') else {
            return Err("missing ']' in host".to_string());
        };
        let colon_port = &host[close + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!(
                "invalid port {} after host",
                crate::strconv::quote(colon_port, false)
            ));
        }
        let colon_port = unescape(colon_port, Mode::Host)?;
        let hostname = &host[1..close.max(1)];
        let unescaped = match hostname.find("%25") {
            Some(z) => {
                unescape(&hostname[..z], Mode::Host)? + &unescape(&hostname[z..], Mode::Zone)?
            }
            None => unescape(hostname, Mode::Host)?,
        };
        if unescaped.parse::<std::net::Ipv4Addr>().is_ok() {
            return Err("invalid IP-literal".to_string());
        }
        check_ipv6(&unescaped).map_err(|e| format!("invalid host: {e}"))?;
        return Ok(format!("[{unescaped}]{colon_port}"));
    }
    if let Some(first) = host.find(':') {
        let last = host.rfind(':').unwrap_or(first);
        let mut i = first;
        if last != first && !(scheme == "http" || scheme == "https") {
            i = last;
        }
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!(
                "invalid port {} after host",
                crate::strconv::quote(colon_port, false)
            ));
        }
    }
    unescape(host, Mode::Host)
}

/// Whether `netip.ParseAddr` accepts an IPv6 address (its detailed messages are approximated).
fn check_ipv6(s: &str) -> Result<(), String> {
    let q = crate::strconv::quote(s, false);
    if s.is_empty() {
        return Err(format!("ParseAddr({q}): unable to parse IP"));
    }
    let (addr, zone) = match s.split_once('%') {
        Some((a, z)) => (a, Some(z)),
        None => (s, None),
    };
    if !addr.contains(':') {
        return Err(format!("ParseAddr({q}): unable to parse IP"));
    }
    if zone == Some("") {
        return Err(format!("ParseAddr({q}): zone must be a non-empty string"));
    }
    if addr.parse::<std::net::Ipv6Addr>().is_err() {
        return Err(format!("ParseAddr({q}): unable to parse IP"));
    }
    Ok(())
}

fn hostname(host: &str) -> String {
    let mut h = host;
    if let Some(c) = h.rfind(':') {
        if valid_optional_port(&h[c..]) {
            h = &h[..c];
        }
    }
    if h.starts_with('[') && h.ends_with(']') && h.len() >= 2 {
        h = &h[1..h.len() - 1];
    }
    h.to_string()
}

impl Url {
    fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty() && valid_encoded(&self.raw_path, Mode::Path) {
            if let Ok(p) = unescape(&self.raw_path, Mode::Path) {
                if p == self.path {
                    return self.raw_path.clone();
                }
            }
        }
        if self.path == "*" {
            return "*".to_string();
        }
        escape(&self.path, Mode::Path)
    }

    fn escaped_fragment(&self) -> String {
        if !self.raw_fragment.is_empty() && valid_encoded(&self.raw_fragment, Mode::Fragment) {
            if let Ok(f) = unescape(&self.raw_fragment, Mode::Fragment) {
                if f == self.fragment {
                    return self.raw_fragment.clone();
                }
            }
        }
        escape(&self.fragment, Mode::Fragment)
    }

    /// `URL.String` (for a URL built field by field, so `OmitHost` is false).
    fn to_go_string(&self) -> String {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if !self.opaque.is_empty() {
            buf.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    buf.push_str("//");
                }
                if let Some(u) = &self.user {
                    buf.push_str(&u.to_go_string());
                    buf.push('@');
                }
                if !self.host.is_empty() {
                    buf.push_str(&escape(&self.host, Mode::Host));
                }
            }
            let path = self.escaped_path();
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() && path.split('/').next().unwrap_or("").contains(':') {
                buf.push_str("./");
            }
            buf.push_str(&path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push('#');
            buf.push_str(&self.escaped_fragment());
        }
        buf
    }
}

fn valid_encoded(s: &str, mode: Mode) -> bool {
    s.bytes().all(|c| {
        matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'['
                | b']'
                | b'%'
        ) || !should_escape(c, mode)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &str) -> String {
        match url_parse(s) {
            Ok(v) => format!("{v:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parses() {
        assert_eq!(
            fields("https://user:pa%20ss@example.com:8080/a%2Fb/c?x=1&y=2#frag"),
            r#"map[string]interface {}{"fragment":"frag", "host":"example.com:8080", "hostname":"example.com", "opaque":"", "path":"/a/b/c", "query":"x=1&y=2", "scheme":"https", "userinfo":"user:pa%20ss"}"#
        );
        assert_eq!(
            fields("::"),
            "unable to parse url: parse \"::\": missing protocol scheme"
        );
        assert_eq!(
            fields("http://a b"),
            "unable to parse url: parse \"http://a b\": invalid character \" \" in host name"
        );
        assert_eq!(
            fields("http://x:y"),
            "unable to parse url: parse \"http://x:y\": invalid port \":y\" after host"
        );
    }

    #[test]
    fn joins() {
        let d = Map::from_entries([
            ("scheme", Value::from("http")),
            ("host", Value::from("h:80")),
            ("path", Value::from("/a b")),
            ("query", Value::from("q=1")),
            ("userinfo", Value::from("u:p")),
        ]);
        assert_eq!(
            url_join(&d).ok().as_deref(),
            Some("http://u:p@h:80/a%20b?q=1")
        );
        let d = Map::from_entries([("host", Value::from(1.0))]);
        assert_eq!(
            url_join(&d).err().map(|e| e.to_string()).as_deref(),
            Some("unable to parse host key, must be of type string, but float64 found")
        );
    }
}
