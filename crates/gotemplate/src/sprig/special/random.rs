//! Sprig's random generators: `randAlphaNum`, `randAlpha`, `randAscii`, `randNumeric`
//! (goutils' `CryptoRandom*`), `randInt`, `shuffle` (xstrings), `randBytes` and `uuidv4`
//! (google/uuid's version 4 form).
//!
//! Every draw comes from the operating system's CSPRNG (`rand_core::OsRng`, the `getrandom`
//! crate underneath), as Go's `crypto/rand` does, unless the execution is seeded (see
//! `crate::random`); `rand_core` is also what the RSA and ECDSA key generators take. Uniform choices use rejection sampling (no modulo bias), like Go's
//! `rand.Int`. Lengths are bounded by the execution's output limit: `randAlphaNum 1e12` is an
//! error, not an allocation.

use rand_core::RngCore;

use crate::random::Source;

use crate::funcs::{FuncMap, Signature, Type};
use crate::value::Value;
use crate::{Context, FuncError};

/// Fills `buf` from the current generator.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), FuncError> {
    Source
        .try_fill_bytes(buf)
        .map_err(|e| FuncError::new(format!("crypto/rand: {e}")))
}

/// A uniform integer in `0..n` (`n > 0`).
pub(crate) fn below(n: u64) -> Result<u64, FuncError> {
    if n <= 1 {
        return Ok(0);
    }
    // Reject the top partial range so that every residue is equally likely.
    let zone = u64::MAX - (u64::MAX % n) - 1;
    loop {
        let mut b = [0u8; 8];
        fill(&mut b)?;
        let v = u64::from_le_bytes(b);
        if v <= zone {
            return Ok(v % n);
        }
    }
}

/// `count` characters drawn uniformly from `alphabet` (goutils draws from `' '..='z'` and
/// rejects what its class does not allow, which is the same distribution).
fn random_string(ctx: &Context<'_>, count: i64, alphabet: &[u8]) -> Result<String, FuncError> {
    if count <= 0 {
        // goutils returns an error for a negative count; Sprig drops it and returns "".
        return Ok(String::new());
    }
    let n = usize::try_from(count).unwrap_or(usize::MAX);
    ctx.check_size(n)?;
    let mut out = String::with_capacity(n);
    for _ in 0..n {
        let i = usize::try_from(below(alphabet.len() as u64)?).unwrap_or(0);
        out.push(char::from(alphabet[i]));
    }
    Ok(out)
}

const DIGITS: &[u8] = b"0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn ascii() -> Vec<u8> {
    (32u8..=126).collect()
}

/// google/uuid's `New().String()`: 16 random bytes, version 4, RFC 4122 variant.
pub(crate) fn uuid_v4() -> Result<String, FuncError> {
    let mut b = [0u8; 16];
    fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = super::hash::hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

fn int_arg(a: &[Value], i: usize) -> i64 {
    match a.get(i) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    }
}

pub(crate) fn register(map: &mut FuncMap) {
    for (name, alphabet) in [
        ("randAlphaNum", ALNUM.to_vec()),
        ("randAlpha", LETTERS.to_vec()),
        ("randAscii", ascii()),
        ("randNumeric", DIGITS.to_vec()),
    ] {
        map.add(
            name,
            Signature::new(vec![Type::Int], Type::String),
            move |ctx, a| Ok(Value::from(random_string(ctx, int_arg(a, 0), &alphabet)?)),
        );
    }
    map.add(
        "randInt",
        Signature::new(vec![Type::Int, Type::Int], Type::Int),
        |_, a| {
            let (min, max) = (int_arg(a, 0), int_arg(a, 1));
            let n = max.wrapping_sub(min);
            if n <= 0 {
                // math/rand's Intn panics; text/template reports the panic.
                return Err(FuncError::new("invalid argument to Intn"));
            }
            let r = i64::try_from(below(n as u64)?).unwrap_or(0);
            Ok(Value::Int(r.wrapping_add(min)))
        },
    );
    map.add(
        "shuffle",
        Signature::new(vec![Type::String], Type::String),
        |_, a| {
            let s = a.first().and_then(Value::as_str).unwrap_or("");
            let mut runes: Vec<char> = s.chars().collect();
            // xstrings.Shuffle: Fisher-Yates from the end.
            for i in (1..runes.len()).rev() {
                let j = usize::try_from(below(i as u64 + 1)?).unwrap_or(0);
                runes.swap(i, j);
            }
            Ok(Value::from(runes.into_iter().collect::<String>()))
        },
    );
    map.add(
        "randBytes",
        Signature::new(vec![Type::Int], Type::String),
        |ctx, a| {
            let count = int_arg(a, 0);
            let Ok(n) = usize::try_from(count) else {
                return Err(FuncError::new("runtime error: makeslice: len out of range"));
            };
            ctx.check_size(n.saturating_mul(4) / 3)?;
            let mut buf = vec![0u8; n];
            fill(&mut buf)?;
            Ok(Value::from(super::crypto::base64_encode(&buf)))
        },
    );
    map.add("uuidv4", Signature::new(vec![], Type::String), |_, _| {
        Ok(Value::from(uuid_v4()?))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() -> Result<(), FuncError> {
        let u = uuid_v4()?;
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]));
        let mut seen = [false; 10];
        for _ in 0..1000 {
            let d = below(10)?;
            seen[usize::try_from(d).unwrap_or(0)] = true;
        }
        assert!(seen.iter().all(|s| *s));
        Ok(())
    }
}
