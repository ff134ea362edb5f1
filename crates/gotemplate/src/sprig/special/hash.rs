//! Sprig's digests (`crypto.go`): `sha1sum`, `sha256sum`, `sha512sum` (lowercase hex) and
//! `adler32sum` (decimal).
//!
//! Dependencies: `sha1` and `sha2` (RustCrypto) are audited, constant-time implementations that
//! the certificate code needs anyway; Adler-32 is a few lines and written here.

use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::funcs::{FuncMap, Signature, Type};
use crate::value::Value;

pub(crate) fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

/// Go's `hash/adler32.Checksum`.
pub(crate) fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes keep the sums below 2^32 before the reduction, as zlib does.
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

pub(crate) fn register(map: &mut FuncMap) {
    let sig = || Signature::new(vec![Type::String], Type::String);
    let arg = |a: &[Value]| {
        a.first()
            .and_then(Value::as_str)
            .unwrap_or("")
            .as_bytes()
            .to_vec()
    };
    map.add("sha1sum", sig(), move |_, a| {
        Ok(Value::from(hex(&Sha1::digest(arg(a)))))
    });
    map.add("sha256sum", sig(), move |_, a| {
        Ok(Value::from(hex(&Sha256::digest(arg(a)))))
    });
    map.add("sha512sum", sig(), move |_, a| {
        Ok(Value::from(hex(&Sha512::digest(arg(a)))))
    });
    map.add("adler32sum", sig(), move |_, a| {
        Ok(Value::from(adler32(&arg(a)).to_string()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        // Sprig's crypto_test.go vectors.
        assert_eq!(
            hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&Sha1::digest(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(adler32(b"abc"), 38_600_999);
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(&vec![0xffu8; 100_000]), {
            // Reference: the unchunked definition with u64 arithmetic.
            let (mut a, mut b) = (1u64, 0u64);
            for _ in 0..100_000 {
                a = (a + 0xff) % 65521;
                b = (b + a) % 65521;
            }
            u32::try_from((b << 16) | a).unwrap_or(0)
        });
    }
}
