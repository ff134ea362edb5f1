//! Replays the cases recorded from real Helm (tests/sprig-special-cases.json, made by
//! tests/sprig-oracle-special/oracle.py) through this crate's Sprig functions and compares.
//!
//! Deterministic output and every error must equal Helm's. Random and clock-dependent output is
//! compared by form (the case's `check`): a pattern both outputs match; PEM certificates and
//! keys parsed on both sides (with `x509-parser`, independent of the generating code) and
//! compared by structure (subject and issuer DER, extension values, SANs, key types, validity
//! length), with signature chains verified; bcrypt hashes verified against the password (Helm's
//! too); AES ciphertexts decrypted (Helm's too).
//!
//! Helm renders with TZ=UTC; the local-time cases are skipped when this machine's zone is not
//! UTC.

use std::collections::HashMap;

use gotemplate::{ElemType, Error, ErrorKind, ExecOptions, List, Map, Namespace, Value};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use x509_parser::prelude::*;

const TEMPLATE: &str = "c/templates/t.yaml";

/// Cases where this crate knowingly differs from Helm, with the reason. They must still differ.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    (
        "genPrivateKey/dsa",
        "DSA keys are not generated (an error instead)",
    ),
    (
        "derivePassword/float",
        "the counter is declared `int` (the value model has no uint32): the message says int",
    ),
    (
        "genCAWithKey/pkcs8-ed25519",
        "certificates are not signed with Ed25519 keys (an error instead)",
    ),
    (
        "regex/find/41",
        "the engine's printf %q prints unassigned U+0378 raw (its IsPrint), Go escapes it",
    ),
    (
        "regex/findAll/41",
        "the engine's printf %q prints unassigned U+0378 raw (its IsPrint), Go escapes it",
    ),
    (
        "regex/nil-findall",
        "the value model has no nil slices: %#v prints []string{} for Go's []string(nil)",
    ),
];

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::List(List::new(a.iter().map(from_json).collect())),
        serde_json::Value::Object(o) => {
            let m = Map::new();
            for (k, x) in o {
                m.insert(k.clone(), from_json(x));
            }
            Value::Map(m)
        }
    }
}

fn helm_data(values: &serde_json::Value) -> Value {
    let vals = Map::with_type(ElemType::Interface, Some("common.Values"));
    if let Value::Map(m) = from_json(values) {
        for (k, v) in m.entries() {
            vals.insert(k, v);
        }
    }
    let top = Map::with_type(ElemType::Interface, Some("common.Values"));
    top.insert("Values", Value::Map(vals));
    Value::Map(top)
}

fn run(template: &str, values: &serde_json::Value) -> Result<String, Error> {
    let mut ns = Namespace::with_name("gotpl", gotemplate::sprig::funcs());
    ns.add(TEMPLATE, template)?;
    ns.execute(TEMPLATE, helm_data(values), &ExecOptions::helm())
        .map(|s| s.replace("<no value>", ""))
}

#[derive(Debug, PartialEq)]
enum Parts {
    Parse {
        location: String,
        message: String,
    },
    Exec {
        location: String,
        template: String,
        context: String,
        message: String,
    },
    Other(String),
}

fn split_helm_error(e: &str) -> Parts {
    if let Some(rest) = e.strip_prefix("parse error at (") {
        if let Some((loc, msg)) = rest.split_once("): ") {
            return Parts::Parse {
                location: loc.to_string(),
                message: msg.to_string(),
            };
        }
    }
    if let Some(rest) = e.strip_prefix("template: ") {
        let p = (|| {
            let (loc, rest) = rest.split_once(": executing \"")?;
            let (name, rest) = rest.split_once("\" at <")?;
            let (ctx, msg) = rest.split_once(">: ")?;
            Some(Parts::Exec {
                location: loc.to_string(),
                template: name.to_string(),
                context: ctx.to_string(),
                message: msg.to_string(),
            })
        })();
        if let Some(p) = p {
            return p;
        }
    }
    if let Some((loc, rest)) = e.split_once("\n  executing \"") {
        if let Some((name, rest)) = rest.split_once("\" at <") {
            if let Some((ctx, msg)) = rest.split_once(">:\n    ") {
                return Parts::Exec {
                    location: loc.to_string(),
                    template: name.to_string(),
                    context: ctx.to_string(),
                    message: msg.to_string(),
                };
            }
        }
    }
    Parts::Other(e.to_string())
}

fn split_engine_error(e: &Error) -> Parts {
    match e.kind() {
        ErrorKind::Parse => {
            let text = e.to_string();
            let tokens: Vec<&str> = text.split(": ").collect();
            Parts::Parse {
                location: tokens.get(1).copied().unwrap_or("").to_string(),
                message: tokens.last().copied().unwrap_or("").to_string(),
            }
        }
        _ => match (e.location(), e.context()) {
            (Some(loc), Some(ctx)) => Parts::Exec {
                location: format!("{}:{}:{}", loc.name, loc.line, loc.col.unwrap_or(0)),
                template: e.template().to_string(),
                context: ctx.to_string(),
                message: e.message().to_string(),
            },
            _ => Parts::Other(e.to_string()),
        },
    }
}

/// PEM blocks of a text: (type, DER).
fn pem_blocks(s: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("-----BEGIN ") {
        let after = &rest[i + 11..];
        let t_end = after.find("-----").ok_or("unterminated BEGIN line")?;
        let kind = after[..t_end].to_string();
        let end_marker = format!("-----END {kind}-----");
        let body_end = after.find(&end_marker).ok_or("no END line")?;
        let body: String = after[t_end + 5..body_end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let der = b64(&body)?;
        out.push((kind, der));
        rest = &after[body_end + end_marker.len()..];
    }
    Ok(out)
}

fn b64(s: &str) -> Result<Vec<u8>, String> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        if c == b'=' {
            break;
        }
        let v = A.iter().position(|&x| x == c).ok_or("bad base64")? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The structure of a PEM text: everything Go's generator fixes, nothing random. With
/// `now_check`, certificates must be issued now, except those also in `given` (inputs the
/// case took from values, which appear verbatim in both outputs).
fn describe(s: &str, now_check: bool, given: &[Vec<u8>]) -> Result<Vec<String>, String> {
    let blocks = pem_blocks(s)?;
    if blocks.is_empty() {
        return Err(format!("no PEM blocks in {s:?}"));
    }
    let mut out = Vec::new();
    let mut certs = Vec::new();
    for (kind, der) in &blocks {
        match kind.as_str() {
            "CERTIFICATE" => {
                let (rest, cert) =
                    parse_x509_certificate(der).map_err(|e| format!("certificate: {e}"))?;
                if !rest.is_empty() {
                    return Err("trailing bytes after certificate".to_string());
                }
                let tbs = &cert.tbs_certificate;
                let nb = tbs.validity.not_before.timestamp();
                let na = tbs.validity.not_after.timestamp();
                if now_check && !given.contains(der) {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs() as i64)
                        .unwrap_or(0);
                    if (now - nb).abs() > 600 {
                        return Err(format!("notBefore {nb} is not now ({now})"));
                    }
                }
                if tbs.serial.bits() > 128 {
                    return Err("serial longer than 128 bits".to_string());
                }
                let mut d = format!(
                    "CERTIFICATE v{} sig={} issuer={} subject={} valid={}s spki={} keybits={}",
                    tbs.version.0,
                    cert.signature_algorithm.algorithm,
                    hex(tbs.issuer.as_raw()),
                    hex(tbs.subject.as_raw()),
                    na - nb,
                    tbs.subject_pki.algorithm.algorithm,
                    tbs.subject_pki.subject_public_key.data.len(),
                );
                for e in tbs.extensions() {
                    let oid = e.oid.to_id_string();
                    let value = match oid.as_str() {
                        // Key identifiers are hashes of random keys: their length only.
                        "2.5.29.14" | "2.5.29.35" => format!("len {}", e.value.len()),
                        _ => hex(e.value),
                    };
                    d.push_str(&format!(" ext[{oid} critical={} {value}]", e.critical));
                }
                out.push(d);
                certs.push(cert);
            }
            "RSA PRIVATE KEY" => {
                use rsa::pkcs1::DecodeRsaPrivateKey;
                use rsa::traits::PublicKeyParts;
                let k = rsa::RsaPrivateKey::from_pkcs1_der(der).map_err(|e| format!("rsa: {e}"))?;
                out.push(format!("RSA PRIVATE KEY bits={} e={}", k.n().bits(), k.e()));
            }
            "EC PRIVATE KEY" => {
                p256::SecretKey::from_sec1_der(der).map_err(|e| format!("ec: {e}"))?;
                out.push(format!("EC PRIVATE KEY P-256 len={}", der.len()));
            }
            "PRIVATE KEY" => {
                out.push(format!(
                    "PRIVATE KEY pkcs8 len={} prefix={}",
                    der.len(),
                    hex(&der[..16.min(der.len())])
                ));
            }
            other => out.push(other.to_string()),
        }
    }
    // Signature chain: each certificate verifies with the key of a certificate whose subject
    // is its issuer.
    for cert in &certs {
        let mut errs = Vec::new();
        let ok = certs
            .iter()
            .filter(|c| c.tbs_certificate.subject.as_raw() == cert.tbs_certificate.issuer.as_raw())
            .any(|issuer| match verify(cert, issuer) {
                Ok(()) => true,
                Err(e) => {
                    errs.push(e);
                    false
                }
            });
        if !ok {
            return Err(format!(
                "no issuer in the output verifies the signature: {errs:?}"
            ));
        }
    }
    Ok(out)
}

fn verify(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> Result<(), String> {
    let spki = issuer.tbs_certificate.subject_pki.raw;
    let tbs = cert.tbs_certificate.as_ref();
    let sig = &cert.signature_value.data;
    match cert.signature_algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.11" => {
            let key = rsa::RsaPublicKey::from_public_key_der(spki).map_err(|e| e.to_string())?;
            let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
            let s = rsa::pkcs1v15::Signature::try_from(sig.as_ref()).map_err(|e| e.to_string())?;
            vk.verify(tbs, &s)
                .map_err(|e| format!("RSA signature: {e}"))
        }
        "1.2.840.10045.4.3.2" => {
            let vk =
                p256::ecdsa::VerifyingKey::from_public_key_der(spki).map_err(|e| e.to_string())?;
            let s = p256::ecdsa::Signature::from_der(sig).map_err(|e| e.to_string())?;
            vk.verify(tbs, &s)
                .map_err(|e| format!("ECDSA signature: {e}"))
        }
        other => Err(format!("unexpected signature algorithm {other}")),
    }
}

fn check_form(check: &str, helm: &str, ours: &str) -> Option<String> {
    if let Some(pat) = check.strip_prefix("regex:") {
        let re = match regex::Regex::new(&format!("^(?:{pat})$")) {
            Ok(r) => r,
            Err(e) => return Some(format!("bad pattern: {e}")),
        };
        if !re.is_match(helm) {
            return Some(format!("Helm's {helm:?} does not match {pat}"));
        }
        return (!re.is_match(ours)).then(|| format!("{ours:?} does not match {pat}"));
    }
    if check == "x509" {
        let given: Vec<Vec<u8>> = pem_blocks(helm)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, der)| der)
            .collect();
        let h = match describe(helm, false, &[]) {
            Ok(d) => d,
            Err(e) => return Some(format!("Helm's output: {e}")),
        };
        return match describe(ours, true, &given) {
            Ok(d) if d == h => None,
            Ok(d) => Some(format!("structure\n        {d:?}\n   Helm {h:?}")),
            Err(e) => Some(e),
        };
    }
    if let Some(pass) = check.strip_prefix("bcrypt:") {
        for (who, s) in [("Helm", helm), ("ours", ours)] {
            if s.len() < 60 {
                return Some(format!("{who}: {s:?} is too short for bcrypt"));
            }
            let (prefix, hash) = s.split_at(s.len() - 60);
            if !hash.starts_with("$2a$10$") || bcrypt::verify(pass, hash).ok() != Some(true) {
                return Some(format!("{who}: {hash:?} is not a $2a$10$ hash of {pass:?}"));
            }
            if prefix != &helm[..helm.len() - 60] {
                return Some(format!("prefix {prefix:?} differs from Helm's"));
            }
        }
        return None;
    }
    if let Some(spec) = check.strip_prefix("aes:") {
        let Some((key, text)) = spec.split_once(':') else {
            return Some("bad aes check".to_string());
        };
        for (who, s) in [("Helm", helm), ("ours", ours)] {
            let t = format!("{{{{ decryptAES {key:?} {s:?} }}}}");
            match run(&t, &serde_json::Value::Null) {
                Ok(d) if d == text => {}
                other => return Some(format!("{who}'s ciphertext decrypts to {other:?}")),
            }
        }
        return None;
    }
    Some(format!("unknown check {check}"))
}

/// Cases whose output depends on the local zone (Helm ran with TZ=UTC).
fn uses_local_time(template: &str) -> bool {
    [
        "date ",
        "date_in_zone",
        "dateInZone",
        "htmlDate",
        "toDate",
        "mustToDate",
        "now",
        "\"Local\"",
    ]
    .iter()
    .any(|k| template.contains(k))
}

#[test]
fn sprig_special_parity() {
    let text = match std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/sprig-special-cases.json"
    )) {
        Ok(t) => t,
        Err(e) => panic!("reading sprig-special-cases.json: {e}"),
    };
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => panic!("parsing sprig-special-cases.json: {e}"),
    };
    let cases = doc["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() > 1000, "too few cases");
    let local_is_utc = jiff::tz::TimeZone::try_system()
        .map(|tz| {
            let ts =
                jiff::Timestamp::from_second(1_750_000_000).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            tz.to_offset(ts).seconds() == 0
                && tz.to_offset(jiff::Timestamp::UNIX_EPOCH).seconds() == 0
        })
        .unwrap_or(true);
    let mut failures = Vec::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut skipped = 0;
    let mut run_slow: Option<bool> = None;
    for c in &cases {
        let name = c["name"].as_str().unwrap_or("?");
        let template = c["template"].as_str().unwrap_or("");
        let check = c["check"].as_str().unwrap_or("exact");
        if !local_is_utc && uses_local_time(template) {
            skipped += 1;
            continue;
        }
        let slow = c["slow"].as_bool().unwrap_or(false);
        if slow && !run_slow.unwrap_or(true) {
            skipped += 1;
            continue;
        }
        let t0 = std::time::Instant::now();
        let got = run(template, &c["values_json"]);
        if slow && run_slow.is_none() {
            // The first slow case decides: with unoptimized RSA/scrypt dependencies each takes
            // seconds, and the rest are skipped (the root profile's opt-levels lift this).
            run_slow = Some(t0.elapsed().as_secs_f64() < 2.0);
        }
        let verdict = match (got, c.get("output"), c.get("error")) {
            (Ok(out), Some(want), _) => {
                let want = want.as_str().unwrap_or("");
                if check == "exact" {
                    (out != want).then(|| format!("output {out:?}\n      Helm {want:?}"))
                } else {
                    check_form(check, want, &out)
                }
            }
            (Err(e), _, Some(want)) => {
                let want = split_helm_error(want.as_str().unwrap_or(""));
                let got = split_engine_error(&e);
                (got != want).then(|| format!("error {got:?}\n      Helm {want:?}"))
            }
            (Ok(out), None, Some(want)) => Some(format!("output {out:?}\n      Helm error {want}")),
            (Err(e), Some(want), _) => Some(format!("error {e}\n      Helm output {want:?}")),
            (_, None, None) => Some("case has neither output nor error".to_string()),
        };
        let kind = check.split(':').next().unwrap_or("exact");
        *counts
            .entry(if kind == "exact" { "exact" } else { "form" })
            .or_default() += 1;
        let known = KNOWN_DIFFERENCES.iter().any(|(n, _)| *n == name);
        match (verdict, known) {
            (Some(v), false) => failures.push(format!("{name} ({template:?}):\n      {v}")),
            (None, true) => failures.push(format!(
                "{name}: listed as a known difference but matches Helm"
            )),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} Helm cases differ ({skipped} skipped, slow: {run_slow:?}):\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
    assert!(counts.get("exact").copied().unwrap_or(0) > 1000);
    // SPRIG_SPECIAL_SLOW=1 insists that the slow cases ran (an optimized build of the crypto
    // dependencies, as the workspace profile should give).
    if std::env::var_os("SPRIG_SPECIAL_SLOW").is_some() {
        assert_eq!(
            skipped, 0,
            "slow cases were skipped: the crypto dependencies are unoptimized"
        );
    }
}
