//! Sprig's crypto functions (`crypto.go`): `bcrypt`, `htpasswd`, `derivePassword`,
//! `genPrivateKey`, `buildCustomCert`, `genCA[WithKey]`, `genSelfSignedCert[WithKey]`,
//! `genSignedCert[WithKey]`, `encryptAES`, `decryptAES`.
//!
//! Certificates have the shape Go's `x509.CreateCertificate` gives Sprig's templates: v3, a
//! random 128-bit serial, `sha256WithRSAEncryption` (or `ecdsa-with-SHA256` for P-256 keys),
//! subject `CN=<cn>`, validity now .. now + days, then the extensions in Go's order: key usage
//! (critical; `keyCertSign` for CAs), extended key usage serverAuth+clientAuth, basic
//! constraints (critical), a subject key id for CAs (truncated SHA-256 of the key, Go 1.25+),
//! the authority key id of the signing CA, and the IP and DNS SANs. Keys are PEM
//! `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC 1) or `PRIVATE KEY` (PKCS#8, Ed25519).
//!
//! Dependencies, all pure-Rust RustCrypto crates (no OpenSSL), because key generation, padding
//! and signatures must not be hand-rolled:
//! - `rsa`: RSA key generation, PKCS#1 v1.5 signatures, PKCS#1/PKCS#8 key encodings;
//! - `p256`: P-256 keys (`genPrivateKey "ecdsa"`) and ECDSA signatures;
//! - `x509-cert` (with its `der`/`spki`): the certificate structures and their DER encoding and
//!   parsing (`genSignedCert` reads the CA certificate, `buildCustomCert` validates one);
//! - `bcrypt`: the bcrypt hash (`$2a$10$`, Go's default cost);
//! - `scrypt`: `derivePassword`'s key derivation (N=32768, r=8, p=2);
//! - `aes`: the block cipher of `encryptAES`/`decryptAES` (CBC chaining, PKCS#7 padding,
//!   base64, PEM and HMAC-SHA256 are a few lines each and written here).
//!
//! Not supported (an error instead): DSA keys (`genPrivateKey "dsa"` and DSA PEM input), and
//! certificates signed with Ed25519 or non-P-256 EC keys; Sprig's charts use RSA.

use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::random::Source;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use sha2::{Digest, Sha256};
use x509_cert::der::asn1::{BitString, Ia5String, OctetString};
use x509_cert::der::{Any, Decode, Encode, Tag};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, SubjectAltName,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time as CertTime, Validity};
use x509_cert::{Certificate, TbsCertificate};

use super::random::fill;
use crate::FuncError;
use crate::funcs::{FuncMap, Signature, Type};
use crate::value::{Object, Value};

// ----- base64 and PEM -----

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `base64.StdEncoding.EncodeToString`.
pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let idx = |s: u32| char::from(B64[((n >> s) & 63) as usize]);
        out.push(idx(18));
        out.push(idx(12));
        out.push(if chunk.len() > 1 { idx(6) } else { '=' });
        out.push(if chunk.len() > 2 { idx(0) } else { '=' });
    }
    out
}

/// `base64.StdEncoding.DecodeString`: strict padding, `\r` and `\n` ignored; the error names
/// the offending input byte as Go does. Also returns Go's buffer capacity
/// (`DecodedLen(len(s))`), which Go's panic messages mention.
pub(crate) fn base64_decode(s: &str) -> Result<(Vec<u8>, usize), String> {
    let cap = s.len() / 4 * 3;
    let bad = |i: usize| format!("illegal base64 data at input byte {i}");
    let val = |c: u8| B64.iter().position(|&x| x == c);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(cap);
    let mut quantum: Vec<(usize, u8)> = Vec::with_capacity(4);
    let mut i = 0;
    let mut done = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\r' || c == b'\n' {
            i += 1;
            continue;
        }
        if done {
            return Err(bad(i));
        }
        if c == b'=' {
            // Padding: only in the third or fourth place of a quantum.
            let have = quantum.len();
            if have < 2 {
                return Err(bad(i));
            }
            let mut j = i + 1;
            if have == 2 {
                while j < bytes.len() && (bytes[j] == b'\r' || bytes[j] == b'\n') {
                    j += 1;
                }
                if j >= bytes.len() || bytes[j] != b'=' {
                    return Err(bad(if j >= bytes.len() { bytes.len() } else { i }));
                }
                j += 1;
            }
            let vals: Vec<u32> = quantum.iter().map(|(_, v)| u32::from(*v)).collect();
            let n = (vals[0] << 18) | (vals[1] << 12) | (vals.get(2).copied().unwrap_or(0) << 6);
            out.push((n >> 16) as u8);
            if have == 3 {
                out.push((n >> 8) as u8);
            }
            quantum.clear();
            done = true;
            i = j;
            continue;
        }
        let Some(v) = val(c) else {
            return Err(bad(i));
        };
        quantum.push((i, v as u8));
        if quantum.len() == 4 {
            let n = quantum
                .iter()
                .fold(0u32, |acc, (_, v)| (acc << 6) | u32::from(*v));
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
            quantum.clear();
        }
        i += 1;
    }
    if !quantum.is_empty() {
        return Err(bad(bytes.len()));
    }
    Ok((out, cap))
}

/// `pem.EncodeToMemory` of a block without headers.
pub(crate) fn pem_encode(kind: &str, der: &[u8]) -> String {
    let b64 = base64_encode(der);
    let mut s = format!("-----BEGIN {kind}-----\n");
    for line in b64.as_bytes().chunks(64) {
        s.push_str(&String::from_utf8_lossy(line));
        s.push('\n');
    }
    s.push_str(&format!("-----END {kind}-----\n"));
    s
}

/// The first PEM block of `data` (type and DER), as `pem.Decode` finds it: text before
/// `-----BEGIN` is skipped, RFC 1421 headers are skipped, the body is base64.
pub(crate) fn pem_decode(data: &str) -> Option<(String, Vec<u8>)> {
    let mut rest = data;
    loop {
        let start = rest.find("-----BEGIN ")?;
        let after = &rest[start + 11..];
        let end_type = after.find("-----")?;
        let kind = &after[..end_type];
        let body_start = &after[end_type + 5..];
        let valid_type = !kind.contains('\n') && !kind.contains('\r');
        let body_start = body_start
            .strip_prefix("\r\n")
            .or_else(|| body_start.strip_prefix('\n'));
        let (Some(body), true) = (body_start, valid_type) else {
            rest = after;
            continue;
        };
        let end_marker = format!("-----END {kind}-----");
        let Some(end) = body.find(&end_marker) else {
            rest = after;
            continue;
        };
        let mut b64 = String::new();
        let mut in_headers = body[..end].lines().next().is_some_and(|l| l.contains(':'));
        for line in body[..end].lines() {
            if in_headers {
                if line.trim().is_empty() {
                    in_headers = false;
                }
                continue;
            }
            b64.extend(line.chars().filter(|c| !c.is_whitespace()));
        }
        match base64_decode(&b64) {
            Ok((der, _)) => return Some((kind.to_string(), der)),
            Err(_) => {
                rest = after;
                continue;
            }
        }
    }
}

// ----- bcrypt, htpasswd, derivePassword -----

/// Sprig's `bcrypt` (errors are returned as the text).
fn bcrypt_hash(input: &str) -> String {
    if input.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .to_string();
    }
    let mut salt = [0u8; 16];
    if let Err(e) = fill(&mut salt) {
        return format!("failed to encrypt string with bcrypt: {e}");
    }
    match bcrypt::hash_with_salt(input, 10, salt) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

const MASTER_PASSWORD_SEED: &str = "com.lyndir.masterpassword";

fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_characters(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        b'x' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
        _ => b"",
    }
}

/// Sprig's `derivePassword` (Master Password algorithm); errors are returned as the text.
pub(crate) fn derive_password(
    counter: u32,
    kind: &str,
    password: &str,
    user: &str,
    site: &str,
) -> String {
    let Some(templates) = password_templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let len32 = |s: &str| u32::try_from(s.len()).unwrap_or(u32::MAX).to_be_bytes();
    let mut salt = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    salt.extend_from_slice(&len32(user));
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = match scrypt::Params::new(15, 8, 2, 64) {
        Ok(p) => p,
        Err(e) => return format!("failed to derive password: {e}"),
    };
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut msg = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    msg.extend_from_slice(&len32(site));
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let seed = hmac_sha256(&key, &msg);
    let temp = templates[usize::from(seed[0]) % templates.len()].as_bytes();
    let mut out = String::new();
    for (i, &element) in temp.iter().enumerate() {
        let chars = template_characters(element);
        if chars.is_empty() {
            continue;
        }
        let c = chars[usize::from(seed[i + 1]) % chars.len()];
        out.push(char::from(c));
    }
    out
}

// ----- keys -----

/// A private key Sprig can sign certificates with.
#[derive(Clone)]
enum PrivKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::SecretKey),
}

const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
const OID_CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");

fn gen_rsa(bits: usize) -> Result<PrivKey, String> {
    let key = match bits {
        2048 => rsa_key::<16>(bits),
        4096 => rsa_key::<32>(bits),
        _ => rsa::RsaPrivateKey::new(&mut Source, bits),
    };
    key.map(|k| PrivKey::Rsa(Box::new(k)))
        .map_err(|e| format!("error generating rsa key: {e}"))
}

/// A random prime of `bits` bits (`bits` = the width of `Uint<L>`) whose two top bits are set,
/// so that the product of two has exactly `2 * bits` bits, as Go's `rsa.GenerateKey` makes
/// them. Candidates come from crypto-primes' sieve over a random odd start; each is tested with
/// Baillie-PSW (Miller-Rabin base 2, then a strong Lucas test), at least as strong as Go's test.
fn rsa_prime<const L: usize>(bits: usize) -> num_bigint_dig::BigUint {
    use crypto_bigint::Uint;
    use crypto_primes::hazmat::{Sieve, random_odd_uint};
    loop {
        let mut start: Uint<L> = random_odd_uint(&mut Source, bits);
        start |= Uint::<L>::ONE << (bits - 2);
        for candidate in Sieve::new(&start, bits, false) {
            if crypto_primes::is_prime_with_rng(&mut Source, &candidate) {
                let bytes: Vec<u8> = candidate
                    .as_words()
                    .iter()
                    .flat_map(|w| w.to_le_bytes())
                    .collect();
                return num_bigint_dig::BigUint::from_bytes_le(&bytes);
            }
        }
    }
}

/// A two-prime RSA key of `bits` bits (`bits / 2` = the width of `Uint<L>`) with Go's public
/// exponent 65537.
fn rsa_key<const L: usize>(bits: usize) -> rsa::Result<rsa::RsaPrivateKey> {
    use num_bigint_dig::{BigUint, ModInverse};
    let e = BigUint::from(65_537u32);
    loop {
        let p = rsa_prime::<L>(bits / 2);
        let q = rsa_prime::<L>(bits / 2);
        if p == q {
            continue;
        }
        let one = BigUint::from(1u32);
        let phi = (&p - &one) * (&q - &one);
        // No inverse when 65537 divides p-1 or q-1: draw again, as Go does.
        let Some(d) = (&e).mod_inverse(&phi).and_then(|d| d.to_biguint()) else {
            continue;
        };
        let key = rsa::RsaPrivateKey::from_components(&p * &q, e.clone(), d, vec![p, q])?;
        key.validate()?;
        return Ok(key);
    }
}

/// Go's `pemBlockForKey` + `pem.EncodeToMemory`.
fn key_pem(k: &PrivKey) -> Result<String, String> {
    match k {
        PrivKey::Rsa(k) => k
            .to_pkcs1_der()
            .map(|d| pem_encode("RSA PRIVATE KEY", d.as_bytes()))
            .map_err(|e| format!("error pem-encoding key: {e}")),
        PrivKey::P256(k) => Ok(pem_encode("EC PRIVATE KEY", &sec1_der(k))),
    }
}

/// Go's `x509.MarshalECPrivateKey` for P-256: version 1, the 32-byte scalar, the named curve
/// and the uncompressed public point (the `sec1` encoder omits the curve).
fn sec1_der(k: &p256::SecretKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let mut der = vec![0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
    der.extend_from_slice(&k.to_bytes());
    der.extend_from_slice(&[
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0xa1, 0x44, 0x03,
        0x42, 0x00,
    ]);
    der.extend_from_slice(k.public_key().to_encoded_point(false).as_bytes());
    der
}

/// Go's `parsePrivateKeyPEM`.
fn parse_private_key_pem(pem: &str) -> Result<PrivKey, String> {
    let Some((kind, der)) = pem_decode(pem) else {
        return Err("no PEM data in input".to_string());
    };
    if kind == "PRIVATE KEY" {
        if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(&der) {
            return Ok(PrivKey::Rsa(Box::new(k)));
        }
        if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
            return Ok(PrivKey::P256(k));
        }
        let oid = rsa::pkcs8::PrivateKeyInfo::from_der(&der)
            .map(|p| p.algorithm.oid)
            .map_err(|e| format!("decoding PEM as PKCS#8: x509: {e}"))?;
        return Err(if oid == OID_ED25519 {
            "decoding PEM as PKCS#8: ed25519 keys are not supported for signing here".to_string()
        } else if oid == OID_EC_PUBLIC_KEY {
            "decoding PEM as PKCS#8: only P-256 EC keys are supported here".to_string()
        } else {
            format!(
                "decoding PEM as PKCS#8: x509: PKCS#8 wrapping contained private key with unknown algorithm: {oid}"
            )
        });
    }
    let Some(prefix) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match prefix {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&der)
            .map(|k| PrivKey::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: x509: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&der)
            .map(PrivKey::P256)
            .map_err(|e| format!("parsing EC private key from PEM: x509: {e} (only P-256 keys are supported here)")),
        "DSA" => Err("parsing DSA private key from PEM: DSA keys are not supported here".to_string()),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

fn spki_der(k: &PrivKey) -> Result<Vec<u8>, String> {
    let r = match k {
        PrivKey::Rsa(k) => k.to_public_key().to_public_key_der(),
        PrivKey::P256(k) => k.public_key().to_public_key_der(),
    };
    r.map(|d| d.as_bytes().to_vec())
        .map_err(|e| format!("error retrieving public key from signee key: {e}"))
}

/// Sprig's `generatePrivateKey` (errors are returned as the text, as Sprig does).
fn generate_private_key(typ: &str) -> Result<String, FuncError> {
    let r = match typ {
        "" | "rsa" => gen_rsa(4096).map_err(|e| format!("failed to generate private key: {e}")),
        "ecdsa" => Ok(PrivKey::P256(p256::SecretKey::random(&mut Source))),
        "ed25519" => {
            // PKCS#8 of the 32-byte seed, exactly as Go's MarshalPKCS8PrivateKey writes it.
            let mut seed = [0u8; 32];
            fill(&mut seed)?;
            let mut der = vec![
                0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
                0x04, 0x20,
            ];
            der.extend_from_slice(&seed);
            return Ok(pem_encode("PRIVATE KEY", &der));
        }
        "dsa" => {
            return Err(FuncError::new(
                "genPrivateKey: DSA keys are not supported (Go's crypto/dsa is deprecated)",
            ));
        }
        _ => return Ok(format!("Unknown type {typ}")),
    };
    Ok(match r.and_then(|k| key_pem(&k)) {
        Ok(s) => s,
        Err(e) => e,
    })
}

// ----- certificates -----

/// Sprig's `certificate{Cert, Key string}`.
#[derive(Clone, Debug)]
pub(crate) struct CertPair {
    pub(crate) cert: String,
    pub(crate) key: String,
}

impl Object for CertPair {
    fn type_name(&self) -> String {
        "sprig.certificate".to_string()
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::from(self.cert.as_str())),
            "Key" => Some(Value::from(self.key.as_str())),
            _ => None,
        }
    }

    fn fields(&self) -> Vec<(String, Value)> {
        vec![
            ("Cert".to_string(), Value::from(self.cert.as_str())),
            ("Key".to_string(), Value::from(self.key.as_str())),
        ]
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn cert_type() -> Type {
    Type::Named(Rc::from("sprig.certificate"))
}

fn go_fmt_v(v: &Value) -> String {
    crate::fmt::sprint(std::slice::from_ref(v)).unwrap_or_default()
}

/// Go's `getNetIPs`: each element a string that `net.ParseIP` accepts; IPv4 (and IPv4-mapped
/// IPv6) as 4 bytes in the SAN, as Go's `marshalSANs` writes them.
fn net_ips(ips: &Value) -> Result<Vec<Vec<u8>>, String> {
    let Some(list) = ips.as_list() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for ip in list.iter() {
        let Some(s) = ip.as_str() else {
            return Err(format!(
                "error parsing ip: {} is not a string",
                go_fmt_v(ip)
            ));
        };
        let parsed: Option<std::net::IpAddr> = s.parse().ok();
        match parsed {
            Some(std::net::IpAddr::V4(v4)) => out.push(v4.octets().to_vec()),
            Some(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => out.push(v4.octets().to_vec()),
                None => out.push(v6.octets().to_vec()),
            },
            None => return Err(format!("error parsing ip: {s}")),
        }
    }
    Ok(out)
}

fn dns_names(dns: &Value) -> Result<Vec<String>, String> {
    let Some(list) = dns.as_list() else {
        return Ok(Vec::new());
    };
    list.iter()
        .map(|d| {
            d.as_str().map(str::to_string).ok_or_else(|| {
                format!(
                    "error processing alternate dns name: {} is not a string",
                    go_fmt_v(d)
                )
            })
        })
        .collect()
}

/// The certificate fields Sprig's `getBaseCertTemplate` sets.
struct Template {
    cn: String,
    ips: Vec<Vec<u8>>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

fn cn_name(cn: &str) -> Result<Name, String> {
    if cn.is_empty() {
        return Ok(RdnSequence(Vec::new()));
    }
    // encoding/asn1 writes PrintableString when it can, else UTF8String.
    let printable = cn
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    let tag = if printable {
        Tag::PrintableString
    } else {
        Tag::Utf8String
    };
    let value = Any::new(tag, cn.as_bytes()).map_err(|e| format!("x509: {e}"))?;
    let atv = x509_cert::attr::AttributeTypeAndValue { oid: OID_CN, value };
    let set =
        x509_cert::der::asn1::SetOfVec::try_from(vec![atv]).map_err(|e| format!("x509: {e}"))?;
    Ok(RdnSequence(vec![RelativeDistinguishedName(set)]))
}

fn cert_time(unix: i64) -> Result<CertTime, String> {
    let secs = u64::try_from(unix)
        .map_err(|_| "x509: validity before 1970 cannot be encoded here".to_string())?;
    let d = std::time::Duration::from_secs(secs);
    // Go: UTCTime for 1950..2049, GeneralizedTime otherwise.
    let r = if unix < 2_524_608_000 {
        x509_cert::der::asn1::UtcTime::from_unix_duration(d).map(CertTime::UtcTime)
    } else {
        x509_cert::der::asn1::GeneralizedTime::from_unix_duration(d).map(CertTime::GeneralTime)
    };
    r.map_err(|e| format!("x509: {e}"))
}

fn ext(oid: ObjectIdentifier, critical: bool, value: &impl Encode) -> Result<Extension, String> {
    let der = value.to_der().map_err(|e| format!("x509: {e}"))?;
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(der).map_err(|e| format!("x509: {e}"))?,
    })
}

/// The signing CA: its subject, subject key id, public key and private key.
struct Signer {
    subject: Name,
    ski: Option<Vec<u8>>,
    spki: Vec<u8>,
    key: PrivKey,
}

/// Go's `x509.CreateCertificate` for Sprig's templates; returns the PEM certificate.
fn create_certificate(
    t: &Template,
    signee: &PrivKey,
    signer: Option<&Signer>,
) -> Result<String, String> {
    let spki_bytes = spki_der(signee)?;
    let spki =
        SubjectPublicKeyInfoOwned::from_der(&spki_bytes).map_err(|e| format!("x509: {e}"))?;
    let signing_key = signer.map_or(signee, |s| &s.key);
    if let Some(s) = signer {
        if spki_der(&s.key)? != s.spki {
            return Err("error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey".to_string());
        }
    }
    let subject = cn_name(&t.cn)?;
    let issuer = signer.map_or_else(|| subject.clone(), |s| s.subject.clone());

    let mut serial = [0u8; 16];
    fill(&mut serial).map_err(|e| e.message().to_string())?;
    let serial = SerialNumber::new(&serial).map_err(|e| format!("x509: {e}"))?;

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let not_before = i64::try_from(now.as_secs()).unwrap_or(0);
    let not_after = not_before.saturating_add(t.days.saturating_mul(86_400));
    let validity = Validity {
        not_before: cert_time(not_before)?,
        not_after: cert_time(not_after)?,
    };

    let mut exts = Vec::new();
    // Key usage: digitalSignature | keyEncipherment (| keyCertSign for a CA), minimal bits.
    let (byte, unused) = if t.is_ca {
        (0xA4u8, 2u8)
    } else {
        (0xA0u8, 5u8)
    };
    let ku = BitString::new(unused, vec![byte]).map_err(|e| format!("x509: {e}"))?;
    exts.push(ext(OID_KEY_USAGE, true, &ku)?);
    exts.push(ext(
        OID_EXT_KEY_USAGE,
        false,
        &ExtendedKeyUsage(vec![OID_SERVER_AUTH, OID_CLIENT_AUTH]),
    )?);
    exts.push(ext(
        OID_BASIC_CONSTRAINTS,
        true,
        &BasicConstraints {
            ca: t.is_ca,
            path_len_constraint: None,
        },
    )?);
    let pub_bits = spki.subject_public_key.raw_bytes().to_vec();
    let ski = t.is_ca.then(|| Sha256::digest(&pub_bits)[..20].to_vec());
    if let Some(ski) = &ski {
        let os = OctetString::new(ski.clone()).map_err(|e| format!("x509: {e}"))?;
        exts.push(ext(OID_SUBJECT_KEY_ID, false, &os)?);
    }
    if let Some(s) = signer {
        let issuer_der = issuer.to_der().map_err(|e| format!("x509: {e}"))?;
        let subject_der = subject.to_der().map_err(|e| format!("x509: {e}"))?;
        if let (Some(aki), true) = (&s.ski, issuer_der != subject_der) {
            let aki = AuthorityKeyIdentifier {
                key_identifier: Some(
                    OctetString::new(aki.clone()).map_err(|e| format!("x509: {e}"))?,
                ),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            };
            exts.push(ext(OID_AUTHORITY_KEY_ID, false, &aki)?);
        }
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names = Vec::new();
        for d in &t.dns {
            let ia5 = Ia5String::new(d).map_err(|_| {
                format!(
                    "error creating certificate: x509: \"{d}\" cannot be encoded as an IA5String"
                )
            })?;
            names.push(GeneralName::DnsName(ia5));
        }
        for ip in &t.ips {
            names.push(GeneralName::IpAddress(
                OctetString::new(ip.clone()).map_err(|e| format!("x509: {e}"))?,
            ));
        }
        let critical = subject.0.is_empty();
        exts.push(ext(OID_SAN, critical, &SubjectAltName(names))?);
    }

    let sig_alg = match signing_key {
        PrivKey::Rsa(_) => AlgorithmIdentifierOwned {
            oid: OID_SHA256_WITH_RSA,
            parameters: Some(Any::null()),
        },
        PrivKey::P256(_) => AlgorithmIdentifierOwned {
            oid: OID_ECDSA_WITH_SHA256,
            parameters: None,
        },
    };
    let tbs = TbsCertificate {
        version: x509_cert::Version::V3,
        serial_number: serial,
        signature: sig_alg.clone(),
        issuer,
        validity,
        subject,
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(exts),
    };
    let tbs_der = tbs
        .to_der()
        .map_err(|e| format!("error creating certificate: x509: {e}"))?;
    let signature = match signing_key {
        PrivKey::Rsa(k) => {
            let sk = rsa::pkcs1v15::SigningKey::<Sha256>::new((**k).clone());
            sk.try_sign_with_rng(&mut Source, &tbs_der)
                .map(|s| s.to_vec())
                .map_err(|e| format!("error creating certificate: {e}"))?
        }
        PrivKey::P256(k) => {
            let sk = p256::ecdsa::SigningKey::from(k.clone());
            let sig: p256::ecdsa::Signature = sk
                .try_sign_with_rng(&mut Source, &tbs_der)
                .map_err(|e| format!("error creating certificate: {e}"))?;
            sig.to_der().as_bytes().to_vec()
        }
    };
    let cert = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: sig_alg,
        signature: BitString::from_bytes(&signature).map_err(|e| format!("x509: {e}"))?,
    };
    let der = cert
        .to_der()
        .map_err(|e| format!("error creating certificate: x509: {e}"))?;
    Ok(pem_encode("CERTIFICATE", &der))
}

fn cert_and_key(t: &Template, key: &PrivKey, signer: Option<&Signer>) -> Result<Value, FuncError> {
    let cert = create_certificate(t, key, signer).map_err(FuncError::new)?;
    let key = key_pem(key).map_err(FuncError::new)?;
    Ok(Value::Object(Rc::new(CertPair { cert, key })))
}

/// The CA from a `certificate` value, as `generateSignedCertificateWithKeyInternal` reads it.
fn signer_of(ca: &Value) -> Result<Signer, String> {
    let pair = match ca {
        Value::Object(o) => o.as_any().downcast_ref::<CertPair>().cloned(),
        _ => None,
    }
    .ok_or_else(|| "unable to decode certificate".to_string())?;
    let Some((_, der)) = pem_decode(&pair.cert) else {
        return Err("unable to decode certificate".to_string());
    };
    let cert = Certificate::from_der(&der).map_err(|_| {
        "error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate"
            .to_string()
    })?;
    let key =
        parse_private_key_pem(&pair.key).map_err(|e| format!("error parsing private key: {e}"))?;
    let tbs = cert.tbs_certificate;
    let ski = tbs
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == OID_SUBJECT_KEY_ID)
        .and_then(|e| OctetString::from_der(e.extn_value.as_bytes()).ok())
        .map(|o| o.as_bytes().to_vec());
    let spki = tbs
        .subject_public_key_info
        .to_der()
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: x509: {e}"))?;
    Ok(Signer {
        subject: tbs.subject,
        ski,
        spki,
        key,
    })
}

fn str_arg(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

fn int_arg(a: &[Value], i: usize) -> i64 {
    match a.get(i) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    }
}

fn template_of(a: &[Value], with_sans: bool, is_ca: bool) -> Result<Template, FuncError> {
    let (ips, dns, days) = if with_sans {
        let ips = net_ips(a.get(1).unwrap_or(&Value::Nil)).map_err(FuncError::new)?;
        let dns = dns_names(a.get(2).unwrap_or(&Value::Nil)).map_err(FuncError::new)?;
        (ips, dns, int_arg(a, 3))
    } else {
        (Vec::new(), Vec::new(), int_arg(a, 1))
    };
    Ok(Template {
        cn: str_arg(a, 0).to_string(),
        ips,
        dns,
        days,
        is_ca,
    })
}

fn with_key_arg(a: &[Value], i: usize) -> Result<PrivKey, FuncError> {
    parse_private_key_pem(str_arg(a, i))
        .map_err(|e| FuncError::new(format!("parsing private key: {e}")))
}

/// `encryptAES`: AES-256-CBC (key zero-padded or cut to 32 bytes), PKCS#7, random IV first.
pub(crate) fn encrypt_aes(password: &str, plaintext: &str) -> Result<String, FuncError> {
    if plaintext.is_empty() {
        return Ok(String::new());
    }
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    let cipher = aes::Aes256::new(&key.into());
    let mut content = plaintext.as_bytes().to_vec();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(u8::try_from(pad).unwrap_or(16), pad));
    let mut out = vec![0u8; 16];
    fill(&mut out)?;
    let mut prev: [u8; 16] = [0; 16];
    prev.copy_from_slice(&out[..16]);
    for chunk in content.chunks(16) {
        let mut block = [0u8; 16];
        for (i, b) in chunk.iter().enumerate() {
            block[i] = b ^ prev[i];
        }
        let mut ga = block.into();
        cipher.encrypt_block(&mut ga);
        prev.copy_from_slice(&ga);
        out.extend_from_slice(&ga);
    }
    Ok(base64_encode(&out))
}

/// `decryptAES`, with the errors Go reports (its panics included).
pub(crate) fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, FuncError> {
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    let (crypt, cap) = base64_decode(crypt64).map_err(FuncError::new)?;
    if crypt.len() < 16 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:16] with capacity {cap}"
        )));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err(FuncError::new("crypto/cipher: input not full blocks"));
    }
    let cipher = aes::Aes256::new(&key.into());
    let mut prev: [u8; 16] = [0; 16];
    prev.copy_from_slice(iv);
    let mut out = Vec::with_capacity(body.len());
    for chunk in body.chunks(16) {
        let mut ga = aes::Block::clone_from_slice(chunk);
        cipher.decrypt_block(&mut ga);
        for i in 0..16 {
            out.push(ga[i] ^ prev[i]);
        }
        prev.copy_from_slice(chunk);
    }
    let Some(&last) = out.last() else {
        return Err(FuncError::new("runtime error: index out of range [-1]"));
    };
    let keep = out.len() as i64 - i64::from(last);
    if keep < 0 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:{keep}]"
        )));
    }
    out.truncate(usize::try_from(keep).unwrap_or(0));
    Ok(String::from_utf8_lossy(&out).into_owned())
}

pub(crate) fn register(map: &mut FuncMap) {
    use Type::{Int, List, String as S};
    map.add("bcrypt", Signature::new(vec![S], S), |_, a| {
        Ok(Value::from(bcrypt_hash(str_arg(a, 0))))
    });
    map.add("htpasswd", Signature::new(vec![S, S], S), |_, a| {
        let user = str_arg(a, 0);
        if user.contains(':') {
            return Ok(Value::from(format!("invalid username: {user}")));
        }
        Ok(Value::from(format!(
            "{user}:{}",
            bcrypt_hash(str_arg(a, 1))
        )))
    });
    // Go's parameter is uint32; the value model's integer literal is `int`.
    map.add(
        "derivePassword",
        Signature::new(vec![Int, S, S, S, S], S),
        |_, a| {
            let counter = u32::try_from(int_arg(a, 0) & 0xffff_ffff).unwrap_or(0);
            Ok(Value::from(derive_password(
                counter,
                str_arg(a, 1),
                str_arg(a, 2),
                str_arg(a, 3),
                str_arg(a, 4),
            )))
        },
    );
    map.add("genPrivateKey", Signature::new(vec![S], S), |_, a| {
        Ok(Value::from(generate_private_key(str_arg(a, 0))?))
    });
    map.add(
        "buildCustomCert",
        Signature::new(vec![S, S], cert_type()),
        |_, a| {
            let cert = base64_decode(str_arg(a, 0))
                .map_err(|_| FuncError::new("unable to decode base64 certificate"))?
                .0;
            let key = base64_decode(str_arg(a, 1))
                .map_err(|_| FuncError::new("unable to decode base64 private key"))?
                .0;
            let cert = String::from_utf8_lossy(&cert).into_owned();
            let key = String::from_utf8_lossy(&key).into_owned();
            let Some((_, der)) = pem_decode(&cert) else {
                return Err(FuncError::new("unable to decode certificate"));
            };
            // Go's parser names the part that failed; the outer structure's message stands for all.
            Certificate::from_der(&der).map_err(|_| {
                FuncError::new(
                    "error parsing certificate: decodedCert.Bytes: x509: malformed certificate",
                )
            })?;
            parse_private_key_pem(&key)
                .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
            Ok(Value::Object(Rc::new(CertPair { cert, key })))
        },
    );
    map.add(
        "genCA",
        Signature::new(vec![S, Int], cert_type()),
        |_, a| {
            let t = template_of(a, false, true)?;
            let key = gen_rsa(2048).map_err(FuncError::new)?;
            cert_and_key(&t, &key, None)
        },
    );
    map.add(
        "genCAWithKey",
        Signature::new(vec![S, Int, S], cert_type()),
        |_, a| {
            let t = template_of(a, false, true)?;
            let key = with_key_arg(a, 2)?;
            cert_and_key(&t, &key, None)
        },
    );
    map.add(
        "genSelfSignedCert",
        Signature::new(vec![S, List, List, Int], cert_type()),
        |_, a| {
            // Go generates the key first; its errors cannot precede the template's, and checking
            // the arguments first spares a key generation.
            let t = template_of(a, true, false)?;
            let key = gen_rsa(2048).map_err(FuncError::new)?;
            cert_and_key(&t, &key, None)
        },
    );
    map.add(
        "genSelfSignedCertWithKey",
        Signature::new(vec![S, List, List, Int, S], cert_type()),
        |_, a| {
            let key = with_key_arg(a, 4)?;
            let t = template_of(a, true, false)?;
            cert_and_key(&t, &key, None)
        },
    );
    map.add(
        "genSignedCert",
        Signature::new(vec![S, List, List, Int, cert_type()], cert_type()),
        |_, a| {
            let signer = signer_of(a.get(4).unwrap_or(&Value::Nil)).map_err(FuncError::new)?;
            let t = template_of(a, true, false)?;
            let key = gen_rsa(2048).map_err(FuncError::new)?;
            cert_and_key(&t, &key, Some(&signer))
        },
    );
    map.add(
        "genSignedCertWithKey",
        Signature::new(vec![S, List, List, Int, cert_type(), S], cert_type()),
        |_, a| {
            let key = with_key_arg(a, 5)?;
            let signer = signer_of(a.get(4).unwrap_or(&Value::Nil)).map_err(FuncError::new)?;
            let t = template_of(a, true, false)?;
            cert_and_key(&t, &key, Some(&signer))
        },
    );
    map.add("encryptAES", Signature::new(vec![S, S], S), |_, a| {
        Ok(Value::from(encrypt_aes(str_arg(a, 0), str_arg(a, 1))?))
    });
    map.add("decryptAES", Signature::new(vec![S, S], S), |_, a| {
        Ok(Value::from(decrypt_aes(str_arg(a, 0), str_arg(a, 1))?))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_keys_have_exactly_the_asked_size_valid_primes_and_go_exponent() {
        use rsa::traits::{PrivateKeyParts, PublicKeyParts};
        for (bits, rounds) in [(2048, 4), (4096, 1)] {
            for _ in 0..rounds {
                let key = match gen_rsa(bits) {
                    Ok(PrivKey::Rsa(key)) => key,
                    Ok(_) => panic!("not an RSA key"),
                    Err(e) => panic!("{e}"),
                };
                assert_eq!(key.n().bits(), bits);
                assert_eq!(key.e(), &rsa::BigUint::from(65_537u32));
                let primes = key.primes();
                assert_eq!(primes.len(), 2);
                assert_eq!(&(&primes[0] * &primes[1]), key.n());
                assert!(primes.iter().all(|p| p.bits() == bits / 2));
                assert!(key.validate().is_ok());
                // The key signs and verifies, as a certificate needs.
                let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new((*key).clone());
                let signature = signer.sign_with_rng(&mut Source, b"imgsift");
                let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.to_public_key());
                use rsa::signature::Verifier;
                assert!(verifier.verify(b"imgsift", &signature).is_ok());
            }
        }
    }

    #[test]
    fn base64_like_go() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let e = base64_encode(s.as_bytes());
            assert_eq!(base64_decode(&e).map(|d| d.0), Ok(s.as_bytes().to_vec()));
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(
            base64_decode("Zm9v\nYmFy").map(|d| d.0),
            Ok(b"foobar".to_vec())
        );
        assert_eq!(
            base64_decode("Zm9"),
            Err("illegal base64 data at input byte 3".to_string())
        );
        assert_eq!(
            base64_decode("Zm=v"),
            Err("illegal base64 data at input byte 2".to_string())
        );
        assert_eq!(
            base64_decode("Zm8=Zm8="),
            Err("illegal base64 data at input byte 4".to_string())
        );
        assert_eq!(
            base64_decode("Z!9v"),
            Err("illegal base64 data at input byte 1".to_string())
        );
    }

    #[test]
    fn aes_round_trip() -> Result<(), FuncError> {
        for text in ["x", "exactly16bytes!!", "a longer secret that spans blocks"] {
            let c = encrypt_aes("secretkey", text)?;
            assert_eq!(decrypt_aes("secretkey", &c)?, text);
        }
        assert_eq!(encrypt_aes("k", "")?, "");
        assert_eq!(
            decrypt_aes("k", "YWJj").err().map(|e| e.to_string()),
            Some("runtime error: slice bounds out of range [:16] with capacity 3".to_string())
        );
        Ok(())
    }

    #[test]
    fn derive_password_vector() {
        // Sprig's crypto_test.go: derivePassword 1 "long" "password" "user" "example.com".
        assert_eq!(
            derive_password(1, "long", "password", "user", "example.com"),
            "ZedaFaxcZaso9*"
        );
        assert_eq!(
            derive_password(1, "nope", "p", "u", "s"),
            "cannot find password template nope"
        );
    }

    #[test]
    fn bcrypt_shape() {
        let h = bcrypt_hash("abc");
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert_eq!(h.len(), 60);
        assert_eq!(bcrypt::verify("abc", &h).ok(), Some(true));
    }
}
