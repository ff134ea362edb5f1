//! Sprig's numbers (`numeric.go` and the arithmetic of `functions.go`): conversions through
//! spf13/cast, int64 arithmetic that wraps as Go's does, Go's `math` functions, and the `*f`
//! functions, which go through shopspring/decimal (exact decimal sums and products of the
//! floats' shortest representations, quotients rounded to 16 places), so that `addf 0.1 0.2`
//! is `0.3` as in Helm.

use crate::{FuncError, FuncMap, List, Type as T, Value};

use super::util::{
    DIV_ZERO, MAX_GENERATED, arg, int_arg, named, sig, sigv, str_arg, to_f64, to_i64,
};

pub(super) fn register(m: &mut FuncMap) {
    m.add("atoi", sig(vec![T::String], T::Int), |_, a| {
        Ok(Value::Int(atoi(str_arg(a, 0))))
    });
    m.add("int64", sig(vec![T::Any], T::Int64), |_, a| {
        Ok(Value::Int64(to_i64(arg(a, 0))))
    });
    m.add("int", sig(vec![T::Any], T::Int), |_, a| {
        Ok(Value::Int(to_i64(arg(a, 0))))
    });
    m.add("float64", sig(vec![T::Any], T::Float64), |_, a| {
        Ok(Value::Float(to_f64(arg(a, 0))))
    });
    m.add("toDecimal", sig(vec![T::Any], T::Int64), |_, a| {
        let s = arg(a, 0).to_go_string()?;
        Ok(Value::Int64(parse_octal(&s).unwrap_or(0)))
    });
    m.add("seq", sigv(vec![], T::Int, T::String), |_, a| {
        let p: Vec<i64> = (0..a.len()).map(|i| int_arg(a, i)).collect();
        seq(&p).map(Value::from)
    });
    m.add("until", sig(vec![T::Int], named("[]int")), |_, a| {
        let n = int_arg(a, 0);
        until_step(0, n, if n < 0 { -1 } else { 1 }).map(int_list)
    });
    m.add(
        "untilStep",
        sig(vec![T::Int, T::Int, T::Int], named("[]int")),
        |_, a| until_step(int_arg(a, 0), int_arg(a, 1), int_arg(a, 2)).map(int_list),
    );
    m.add("add1", sig(vec![T::Any], T::Int64), |_, a| {
        Ok(Value::Int64(to_i64(arg(a, 0)).wrapping_add(1)))
    });
    m.add("add", sigv(vec![], T::Any, T::Int64), |_, a| {
        Ok(Value::Int64(
            a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_i64(v))),
        ))
    });
    m.add("sub", sig(vec![T::Any, T::Any], T::Int64), |_, a| {
        Ok(Value::Int64(
            to_i64(arg(a, 0)).wrapping_sub(to_i64(arg(a, 1))),
        ))
    });
    m.add("div", sig(vec![T::Any, T::Any], T::Int64), |_, a| {
        let d = to_i64(arg(a, 1));
        if d == 0 {
            return Err(FuncError::new(DIV_ZERO));
        }
        Ok(Value::Int64(to_i64(arg(a, 0)).wrapping_div(d)))
    });
    m.add("mod", sig(vec![T::Any, T::Any], T::Int64), |_, a| {
        let d = to_i64(arg(a, 1));
        if d == 0 {
            return Err(FuncError::new(DIV_ZERO));
        }
        Ok(Value::Int64(to_i64(arg(a, 0)).wrapping_rem(d)))
    });
    m.add("mul", sigv(vec![T::Any], T::Any, T::Int64), |_, a| {
        Ok(Value::Int64(
            a.iter()
                .skip(1)
                .fold(to_i64(arg(a, 0)), |acc, v| acc.wrapping_mul(to_i64(v))),
        ))
    });
    m.add("add1f", sig(vec![T::Any], T::Float64), |_, a| {
        decimal_op(arg(a, 0), &[Value::Int(1)], Dec::add)
    });
    m.add("addf", sigv(vec![], T::Any, T::Float64), |_, a| {
        decimal_op(&Value::Float(0.0), a, Dec::add)
    });
    m.add("subf", sigv(vec![T::Any], T::Any, T::Float64), |_, a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Dec::sub)
    });
    m.add("divf", sigv(vec![T::Any], T::Any, T::Float64), |_, a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Dec::div)
    });
    m.add("mulf", sigv(vec![T::Any], T::Any, T::Float64), |_, a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), Dec::mul)
    });
    for name in ["biggest", "max"] {
        m.add(name, sigv(vec![T::Any], T::Any, T::Int64), |_, a| {
            Ok(Value::Int64(a.iter().map(to_i64).max().unwrap_or(0)))
        });
    }
    m.add("min", sigv(vec![T::Any], T::Any, T::Int64), |_, a| {
        Ok(Value::Int64(a.iter().map(to_i64).min().unwrap_or(0)))
    });
    m.add("maxf", sigv(vec![T::Any], T::Any, T::Float64), |_, a| {
        Ok(Value::Float(
            a.iter()
                .skip(1)
                .fold(to_f64(arg(a, 0)), |x, v| go_max(x, to_f64(v))),
        ))
    });
    m.add("minf", sigv(vec![T::Any], T::Any, T::Float64), |_, a| {
        Ok(Value::Float(
            a.iter()
                .skip(1)
                .fold(to_f64(arg(a, 0)), |x, v| go_min(x, to_f64(v))),
        ))
    });
    m.add("ceil", sig(vec![T::Any], T::Float64), |_, a| {
        Ok(Value::Float(to_f64(arg(a, 0)).ceil()))
    });
    m.add("floor", sig(vec![T::Any], T::Float64), |_, a| {
        Ok(Value::Float(to_f64(arg(a, 0)).floor()))
    });
    m.add(
        "round",
        sigv(vec![T::Any, T::Int], T::Float64, T::Float64),
        |_, a| {
            let round_on = match a.get(2) {
                Some(Value::Float(f)) => *f,
                _ => 0.5,
            };
            Ok(Value::Float(round(
                to_f64(arg(a, 0)),
                int_arg(a, 1),
                round_on,
            )))
        },
    );
}

/// `strconv.Atoi` with the error dropped: syntax errors give 0, out-of-range values the
/// nearest int64 (what `ParseInt` returns alongside its range error).
fn atoi(s: &str) -> i64 {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let mut n: u128 = 0;
    for b in digits.bytes() {
        n = (n * 10 + u128::from(b - b'0')).min(1 << 64);
    }
    if neg {
        if n > 1 << 63 {
            i64::MIN
        } else {
            (n as i64).wrapping_neg()
        }
    } else if n > i64::MAX as u128 {
        i64::MAX
    } else {
        n as i64
    }
}

/// `strconv.ParseInt(s, 8, 64)`, `None` on any error.
fn parse_octal(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        n = n.checked_mul(8)?.checked_add(u64::from(b - b'0'))?;
    }
    if neg {
        (n <= 1 << 63).then(|| (n as i64).wrapping_neg())
    } else {
        i64::try_from(n).ok()
    }
}

fn int_list(v: Vec<i64>) -> Value {
    Value::List(List::typed(
        crate::ElemType::Int,
        v.into_iter().map(Value::Int).collect(),
    ))
}

/// Sprig's `untilStep`. The length is computed first and refused past [`MAX_GENERATED`]
/// (Go would loop until memory runs out, or forever once `i += step` wraps).
pub(super) fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let (s, e, st) = (i128::from(start), i128::from(stop), i128::from(step));
    let count = if stop < start {
        if step >= 0 {
            0
        } else {
            (s - e + (-st) - 1) / (-st)
        }
    } else if step <= 0 {
        0
    } else {
        (e - s + st - 1) / st
    };
    if count > MAX_GENERATED {
        return Err(FuncError::new(format!(
            "a list of {count} elements exceeds the limit of {MAX_GENERATED}"
        )));
    }
    Ok((0..count).map(|i| (s + i * st) as i64).collect())
}

/// Sprig's `seq`: like the Unix command, 1 to 3 bounds, the list space-separated.
fn seq(p: &[i64]) -> Result<String, FuncError> {
    let list = match *p {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            until_step(1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(String::new());
                }
            }
            until_step(start, end.wrapping_add(inc), step)?
        }
        _ => return Ok(String::new()),
    };
    Ok(list
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" "))
}

/// Go's `math.Max`: NaN wins, and +0 beats -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y { x } else { y }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y { x } else { y }
}

/// Sprig's `round`, with Go's `math.Pow(10, places)`.
fn round(val: f64, places: i64, round_on: f64) -> f64 {
    let pow = go_pow10(places);
    let digit = pow * val;
    let frac = digit - digit.trunc();
    let frac = if digit.is_infinite() { f64::NAN } else { frac };
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

/// Go's `math.Pow(10, y)` for integer `y`: repeated squaring of the mantissa, so results
/// match Go's bit for bit where libm's `pow` might differ in the last place.
fn go_pow10(y: i64) -> f64 {
    if y == 0 {
        return 1.0;
    }
    let (mut x1, mut xe) = frexp(10.0);
    let mut a1 = 1.0f64;
    let mut ae: i64 = 0;
    let mut i = y.unsigned_abs();
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            // Past any float64 exponent: overflow or underflow, as Go's loop concludes.
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

fn frexp(f: f64) -> (f64, i64) {
    if f == 0.0 || !f.is_finite() {
        return (f, 0);
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7FF) as i64;
    if exp == 0 {
        let (m, e) = frexp(f * (1u64 << 54) as f64);
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7FF << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// Go's `math.Ldexp`, subnormal results included.
fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || !frac.is_finite() {
        return frac;
    }
    let (frac, e) = if frac.abs() < f64::MIN_POSITIVE {
        (frac * (1u64 << 52) as f64, -52)
    } else {
        (frac, 0)
    };
    let x = frac.to_bits();
    let exp = exp
        .saturating_add(e)
        .saturating_add(((x >> 52) & 0x7FF) as i64 - 1023);
    if exp < -1075 {
        return 0.0f64.copysign(frac);
    }
    if exp > 1023 {
        return f64::INFINITY.copysign(frac);
    }
    let (exp, m) = if exp < -1022 {
        (exp + 53, 1.0 / (1u64 << 53) as f64)
    } else {
        (exp, 1.0)
    };
    m * f64::from_bits((x & !(0x7FF << 52)) | (((exp + 1023) as u64) << 52))
}

// --- shopspring/decimal, as far as Sprig uses it ---

/// A decimal `digits × 10^exp` with its sign; `digits` are base-10, most significant first,
/// without leading zeros (empty for zero).
#[derive(Clone, Debug)]
struct Dec {
    neg: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Dec {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`; panics (an
    /// error here) on NaN and infinities.
    fn from_f64(f: f64) -> Result<Dec, FuncError> {
        if !f.is_finite() {
            return Err(FuncError::new(format!(
                "Cannot create a Decimal from {}",
                crate::strconv::format_float(f, b'g', -1)
            )));
        }
        if f == 0.0 {
            return Ok(Dec {
                neg: false,
                digits: Vec::new(),
                exp: 0,
            });
        }
        let e = crate::strconv::format_float(f.abs(), b'e', -1);
        let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let digits: Vec<u8> = mant
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let exp: i64 = exp.parse().unwrap_or(0);
        let frac_len = digits.len() as i64 - 1;
        Ok(Dec {
            neg: f < 0.0,
            digits,
            exp: exp - frac_len,
        }
        .normalized())
    }

    fn normalized(mut self) -> Dec {
        let lead = self.digits.iter().take_while(|d| **d == 0).count();
        self.digits.drain(..lead);
        if self.digits.is_empty() {
            self.neg = false;
            self.exp = 0;
        }
        self
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// The digits scaled to exponent `exp` (which must not exceed `self.exp`).
    fn scaled(&self, exp: i64) -> Vec<u8> {
        let mut d = self.digits.clone();
        d.extend(std::iter::repeat_n(0, (self.exp - exp) as usize));
        d
    }

    fn add(a: Dec, b: Dec) -> Result<Dec, FuncError> {
        let exp = a.exp.min(b.exp);
        let (x, y) = (a.scaled(exp), b.scaled(exp));
        if a.neg == b.neg {
            return Ok(Dec {
                neg: a.neg,
                digits: add_digits(&x, &y),
                exp,
            }
            .normalized());
        }
        match cmp_digits(&x, &y) {
            std::cmp::Ordering::Less => Ok(Dec {
                neg: b.neg,
                digits: sub_digits(&y, &x),
                exp,
            }
            .normalized()),
            _ => Ok(Dec {
                neg: a.neg,
                digits: sub_digits(&x, &y),
                exp,
            }
            .normalized()),
        }
    }

    fn sub(a: Dec, mut b: Dec) -> Result<Dec, FuncError> {
        b.neg = !b.neg && !b.is_zero();
        Dec::add(a, b)
    }

    fn mul(a: Dec, b: Dec) -> Result<Dec, FuncError> {
        let mut out = vec![0u32; a.digits.len() + b.digits.len()];
        for (i, &x) in a.digits.iter().enumerate().rev() {
            for (j, &y) in b.digits.iter().enumerate().rev() {
                out[i + j + 1] += u32::from(x) * u32::from(y);
            }
        }
        for k in (1..out.len()).rev() {
            let carry = out[k] / 10;
            out[k] %= 10;
            out[k - 1] += carry;
        }
        let digits = out.into_iter().map(|d| d as u8).collect();
        Ok(Dec {
            neg: a.neg != b.neg,
            digits,
            exp: a.exp + b.exp,
        }
        .normalized())
    }

    /// `Div`: `DivRound(d2, 16)`, the quotient truncated to 16 places, then rounded half
    /// away from zero by comparing twice the remainder with the divisor.
    fn div(a: Dec, b: Dec) -> Result<Dec, FuncError> {
        if b.is_zero() {
            return Err(FuncError::new("decimal division by 0"));
        }
        const PREC: i64 = 16;
        // |a / b| × 10^PREC = ad × 10^shift / bd.
        let shift = a.exp - b.exp + PREC;
        let mut num = a.digits.clone();
        // For a negative shift the dividend's last -shift digits fall below the quotient's
        // last place: floor(floor(x / 10^k) / bd) = floor(x / (bd × 10^k)), and of the
        // dropped digits only whether they reach one half matters, i.e. the first of them.
        let mut first_dropped = 0u8;
        if shift >= 0 {
            num.extend(std::iter::repeat_n(0, shift as usize));
        } else {
            let cut = (-shift) as usize;
            if cut >= num.len() {
                first_dropped = if cut == num.len() {
                    num.first().copied().unwrap_or(0)
                } else {
                    0
                };
                num.clear();
            } else {
                first_dropped = num[num.len() - cut];
                num.truncate(num.len() - cut);
            }
        }
        // NewFromFloat gives at most 17 significant digits, so the divisor fits a u128.
        let divisor: u128 = b
            .digits
            .iter()
            .fold(0u128, |acc, d| acc * 10 + u128::from(*d));
        let mut q = Vec::with_capacity(num.len());
        let mut rem: u128 = 0;
        for d in num {
            rem = rem * 10 + u128::from(d);
            q.push((rem / divisor) as u8);
            rem %= divisor;
        }
        let twice_minus = (rem as i128) * 2 - divisor as i128;
        let up = twice_minus >= 0 || (twice_minus == -1 && first_dropped >= 5);
        let mut digits = if q.is_empty() { vec![0] } else { q };
        if up {
            let mut k = digits.len();
            loop {
                if k == 0 {
                    digits.insert(0, 1);
                    break;
                }
                k -= 1;
                if digits[k] == 9 {
                    digits[k] = 0;
                } else {
                    digits[k] += 1;
                    break;
                }
            }
        }
        Ok(Dec {
            neg: a.neg != b.neg,
            digits,
            exp: -PREC,
        }
        .normalized())
    }

    /// `Float64()`: the nearest float64 (correctly rounded, infinities past the range).
    fn to_f64(&self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        let s: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        let text = format!("{}{s}e{}", if self.neg { "-" } else { "" }, self.exp);
        match crate::strconv::parse_float(&text) {
            Some(f) => f,
            None => {
                // Out of range: Go's big.Rat conversion gives ±Inf or ±0.
                let mag = self.digits.len() as i64 + self.exp;
                let f = if mag > 0 { f64::INFINITY } else { 0.0 };
                if self.neg { -f } else { f }
            }
        }
    }
}

fn cmp_digits(x: &[u8], y: &[u8]) -> std::cmp::Ordering {
    let strip = |d: &[u8]| {
        d.iter()
            .position(|v| *v != 0)
            .map(|p| d.len() - p)
            .unwrap_or(0)
    };
    let (lx, ly) = (strip(x), strip(y));
    lx.cmp(&ly)
        .then_with(|| x[x.len() - lx..].cmp(&y[y.len() - ly..]))
}

fn add_digits(x: &[u8], y: &[u8]) -> Vec<u8> {
    let n = x.len().max(y.len());
    let mut out = vec![0u8; n + 1];
    let mut carry = 0u8;
    for k in 0..n {
        let a = if k < x.len() { x[x.len() - 1 - k] } else { 0 };
        let b = if k < y.len() { y[y.len() - 1 - k] } else { 0 };
        let s = a + b + carry;
        out[n - k] = s % 10;
        carry = s / 10;
    }
    out[0] = carry;
    out
}

/// `x - y` for `x >= y`.
fn sub_digits(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; x.len()];
    let mut borrow = 0i8;
    for k in 0..x.len() {
        let a = x[x.len() - 1 - k] as i8;
        let b = if k < y.len() {
            y[y.len() - 1 - k] as i8
        } else {
            0
        };
        let mut d = a - b - borrow;
        borrow = 0;
        if d < 0 {
            d += 10;
            borrow = 1;
        }
        out[x.len() - 1 - k] = d as u8;
    }
    out
}

/// Sprig's `execDecimalOp`.
fn decimal_op(
    first: &Value,
    rest: &[Value],
    f: fn(Dec, Dec) -> Result<Dec, FuncError>,
) -> Result<Value, FuncError> {
    let mut acc = Dec::from_f64(to_f64(first))?;
    for v in rest {
        acc = f(acc, Dec::from_f64(to_f64(v))?)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(f: fn(Dec, Dec) -> Result<Dec, FuncError>, a: f64, b: f64) -> f64 {
        decimal_op(&Value::Float(a), &[Value::Float(b)], f)
            .ok()
            .and_then(|v| {
                if let Value::Float(x) = v {
                    Some(x)
                } else {
                    None
                }
            })
            .unwrap_or(f64::NAN)
    }

    #[test]
    fn decimals() {
        assert_eq!(op(Dec::add, 0.1, 0.2), 0.3);
        assert_eq!(op(Dec::sub, 0.3, 0.1), 0.2);
        assert_eq!(op(Dec::mul, 1.1, 3.0), 3.3);
        assert_eq!(op(Dec::div, 1.0, 3.0), 0.3333333333333333);
        assert_eq!(op(Dec::div, 2.0, 3.0), 0.6666666666666667);
        assert_eq!(op(Dec::div, 10.0, 4.0), 2.5);
        assert_eq!(op(Dec::div, -2.0, 3.0), -0.6666666666666667);
        assert_eq!(op(Dec::add, 1e300, 1e-300), 1e300);
        assert_eq!(op(Dec::div, 1.0, 1e-300), 1e300);
        assert_eq!(op(Dec::div, 1e-300, 7.0), 0.0);
        assert!(decimal_op(&Value::Float(1.0), &[Value::Float(0.0)], Dec::div).is_err());
    }

    #[test]
    fn ints() {
        assert_eq!(atoi("42"), 42);
        assert_eq!(atoi("+7"), 7);
        assert_eq!(atoi("4.2"), 0);
        assert_eq!(atoi("99999999999999999999"), i64::MAX);
        assert_eq!(parse_octal("755"), Some(493));
        assert_eq!(parse_octal("8"), None);
        assert_eq!(seq(&[3]).ok().as_deref(), Some("1 2 3"));
        assert_eq!(seq(&[0]).ok().as_deref(), Some("1 0"));
        assert_eq!(seq(&[5, -2, 1]).ok().as_deref(), Some("5 3 1"));
        assert_eq!(seq(&[2, 2, 8]).ok().as_deref(), Some("2 4 6 8"));
        assert_eq!(until_step(0, 10, 3).ok(), Some(vec![0, 3, 6, 9]));
        assert_eq!(until_step(10, 0, -4).ok(), Some(vec![10, 6, 2]));
        assert!(until_step(0, i64::MAX, 1).is_err());
    }

    #[test]
    fn rounding() {
        assert_eq!(round(123.555555, 3, 0.5), 123.556);
        assert_eq!(round(123.55555, 3, 0.6), 123.555);
        assert_eq!(round(-1.5, 0, 0.5), -2.0);
        assert_eq!(go_pow10(-2), 0.01);
        assert_eq!(go_pow10(22), 1e22);
        assert_eq!(go_pow10(400), f64::INFINITY);
        assert_eq!(go_pow10(-400), 0.0);
    }
}
