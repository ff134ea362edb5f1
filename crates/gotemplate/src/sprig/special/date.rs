//! Go's `time.Time` as templates see it (`now`, `toDate`, `dateModify` return one; it prints as
//! `Time.String()` and has Go's methods), Go's layout-based `Format` and `ParseInLocation`,
//! `time.ParseDuration` and `Duration.String`, all ported from Go 1.26's `time` package with
//! their error texts, and Sprig's date functions (`date.go`).
//!
//! Dependency: `jiff` supplies the time zone database (the system's zoneinfo, as Go's
//! `LoadLocation` reads it, and the local zone from `TZ` or `/etc/localtime`); reading TZif files
//! and POSIX TZ rules by hand would duplicate it. Calendar arithmetic and all formatting and
//! parsing are ported here, since no crate formats with Go's reference-time layouts.
//!
//! `date`, `now`, `dateInZone "..." x "Local"` use the local zone, as Go does; `now` (and only
//! it) carries a monotonic clock reading, printed `m=+0.001234567` by `String()`.

use std::rc::Rc;
use std::sync::LazyLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::funcs::{Function, Signature, Type};
use crate::value::{Object, Value};
use crate::{FuncError, FuncMap};

/// A Go time zone (`*time.Location`).
#[derive(Clone, Debug)]
pub(crate) enum Loc {
    Utc,
    Local,
    Zone(jiff::tz::TimeZone),
    Fixed(Rc<str>, i64),
}

/// Go's `time.Time`: an instant, a location and an optional monotonic reading (ns).
#[derive(Clone, Debug)]
pub(crate) struct Time {
    sec: i64,
    nsec: u32,
    loc: Loc,
    mono: Option<i64>,
}

const SECONDS_PER_DAY: i64 = 86_400;
/// Unix seconds of Go's zero time, January 1, year 1, 00:00:00 UTC.
const ZERO_TIME_UNIX: i64 = -62_135_596_800;

static PROCESS_START: LazyLock<Instant> = LazyLock::new(Instant::now);

fn local_zone() -> Option<jiff::tz::TimeZone> {
    jiff::tz::TimeZone::try_system().ok()
}

/// Name and offset of the zone in effect at `sec` in `tz`.
fn tz_lookup(tz: &jiff::tz::TimeZone, sec: i64) -> (String, i64) {
    let clamped = sec.clamp(
        jiff::Timestamp::MIN.as_second(),
        jiff::Timestamp::MAX.as_second(),
    );
    match jiff::Timestamp::from_second(clamped) {
        Ok(ts) => {
            let info = tz.to_offset_info(ts);
            (
                info.abbreviation().to_string(),
                i64::from(info.offset().seconds()),
            )
        }
        Err(_) => ("UTC".to_string(), 0),
    }
}

impl Loc {
    /// Go's `Location.lookup`: zone abbreviation and offset at `sec`.
    fn lookup(&self, sec: i64) -> (String, i64) {
        match self {
            Loc::Utc => ("UTC".to_string(), 0),
            Loc::Local => match local_zone() {
                Some(tz) => tz_lookup(&tz, sec),
                None => ("UTC".to_string(), 0),
            },
            Loc::Zone(tz) => tz_lookup(tz, sec),
            Loc::Fixed(name, off) => (name.to_string(), *off),
        }
    }

    /// Go's `LoadLocation`.
    fn load(name: &str) -> Result<Loc, String> {
        match name {
            "" | "UTC" => return Ok(Loc::Utc),
            "Local" => return Ok(Loc::Local),
            _ => {}
        }
        let bad = name.contains("..") || name.starts_with('/') || name.starts_with('\\');
        if !bad {
            if let Ok(tz) = jiff::tz::db().get(name) {
                // The database matches names without regard to case; zoneinfo files do not.
                if tz.iana_name().is_none_or(|n| n == name) {
                    return Ok(Loc::Zone(tz));
                }
            }
        }
        Err(format!("unknown time zone {name}"))
    }
}

fn floor_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1..=12).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = floor_div(y, 400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 1..=12, day) of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = floor_div(z, 146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days before the first of `month` in a non-leap year (Go's `daysBefore`).
fn days_before(month: i64) -> i64 {
    const T: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
    T[usize::try_from(month.clamp(1, 13) - 1).unwrap_or(0)]
}

const LONG_DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const SHORT_DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const SHORT_MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const LONG_MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Calendar fields of a time in its zone.
struct Fields {
    year: i64,
    month: i64,
    day: i64,
    yday: i64,
    weekday: usize,
    hour: i64,
    min: i64,
    sec: i64,
}

impl Time {
    pub(crate) fn now() -> Time {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let mono = i64::try_from(PROCESS_START.elapsed().as_nanos()).unwrap_or(i64::MAX);
        Time {
            sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            nsec: d.subsec_nanos(),
            loc: Loc::Local,
            mono: Some(mono.max(1)),
        }
    }

    /// `time.Unix(sec, 0)` (in Local).
    pub(crate) fn unix(sec: i64) -> Time {
        Time {
            sec,
            nsec: 0,
            loc: Loc::Local,
            mono: None,
        }
    }

    /// Go's zero `Time{}`.
    pub(crate) fn zero() -> Time {
        Time {
            sec: ZERO_TIME_UNIX,
            nsec: 0,
            loc: Loc::Utc,
            mono: None,
        }
    }

    fn in_loc(&self, loc: Loc) -> Time {
        Time {
            loc,
            ..self.clone()
        }
    }

    fn zone(&self) -> (String, i64) {
        self.loc.lookup(self.sec)
    }

    fn fields(&self) -> Fields {
        let (_, off) = self.zone();
        let local = i128::from(self.sec) + i128::from(off);
        let days = i64::try_from(local.div_euclid(i128::from(SECONDS_PER_DAY))).unwrap_or(0);
        let secs = i64::try_from(local.rem_euclid(i128::from(SECONDS_PER_DAY))).unwrap_or(0);
        let (year, month, day) = civil_from_days(days);
        Fields {
            year,
            month,
            day,
            yday: days - days_from_civil(year, 1, 1) + 1,
            weekday: usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0),
            hour: secs / 3600,
            min: secs / 60 % 60,
            sec: secs % 60,
        }
    }

    fn add(&self, d: i64) -> Time {
        let total = i128::from(self.nsec) + i128::from(d);
        let dsec = total.div_euclid(1_000_000_000);
        let nsec = total.rem_euclid(1_000_000_000);
        let sec = i128::from(self.sec) + dsec;
        Time {
            sec: i64::try_from(sec).unwrap_or(if sec < 0 { i64::MIN } else { i64::MAX }),
            nsec: u32::try_from(nsec).unwrap_or(0),
            loc: self.loc.clone(),
            mono: self.mono.map(|m| m.saturating_add(d)),
        }
    }

    /// `t.Sub(u)` in nanoseconds, saturating.
    fn sub(&self, u: &Time) -> i64 {
        if let (Some(a), Some(b)) = (self.mono, u.mono) {
            return a.saturating_sub(b);
        }
        let d = (i128::from(self.sec) - i128::from(u.sec)) * 1_000_000_000
            + (i128::from(self.nsec) - i128::from(u.nsec));
        i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
    }

    fn unix_nano(&self) -> i64 {
        let n = i128::from(self.sec) * 1_000_000_000 + i128::from(self.nsec);
        i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
    }

    /// Go's `Time.Format`.
    pub(crate) fn format(&self, layout: &str) -> String {
        let (name, offset) = self.zone();
        let f = self.fields();
        let mut b: Vec<u8> = Vec::with_capacity(layout.len() + 10);
        let mut layout = layout.as_bytes();
        loop {
            let (prefix, std, suffix) = next_std_chunk(layout);
            b.extend_from_slice(prefix);
            if std == 0 {
                break;
            }
            layout = suffix;
            match std & STD_MASK {
                STD_YEAR => append_int(&mut b, f.year.abs() % 100, 2),
                STD_LONG_YEAR => append_int(&mut b, f.year, 4),
                STD_MONTH => {
                    b.extend_from_slice(&LONG_MONTH_NAMES[month_index(f.month)].as_bytes()[..3])
                }
                STD_LONG_MONTH => {
                    b.extend_from_slice(LONG_MONTH_NAMES[month_index(f.month)].as_bytes())
                }
                STD_NUM_MONTH => append_int(&mut b, f.month, 0),
                STD_ZERO_MONTH => append_int(&mut b, f.month, 2),
                STD_WEEK_DAY => b.extend_from_slice(SHORT_DAY_NAMES[f.weekday].as_bytes()),
                STD_LONG_WEEK_DAY => b.extend_from_slice(LONG_DAY_NAMES[f.weekday].as_bytes()),
                STD_DAY => append_int(&mut b, f.day, 0),
                STD_UNDER_DAY => {
                    if f.day < 10 {
                        b.push(b' ');
                    }
                    append_int(&mut b, f.day, 0);
                }
                STD_ZERO_DAY => append_int(&mut b, f.day, 2),
                STD_UNDER_YEAR_DAY => {
                    if f.yday < 100 {
                        b.push(b' ');
                        if f.yday < 10 {
                            b.push(b' ');
                        }
                    }
                    append_int(&mut b, f.yday, 0);
                }
                STD_ZERO_YEAR_DAY => append_int(&mut b, f.yday, 3),
                STD_HOUR => append_int(&mut b, f.hour, 2),
                STD_HOUR12 | STD_ZERO_HOUR12 => {
                    let hr = match f.hour % 12 {
                        0 => 12,
                        h => h,
                    };
                    append_int(&mut b, hr, if std == STD_HOUR12 { 0 } else { 2 });
                }
                STD_MINUTE => append_int(&mut b, f.min, 0),
                STD_ZERO_MINUTE => append_int(&mut b, f.min, 2),
                STD_SECOND => append_int(&mut b, f.sec, 0),
                STD_ZERO_SECOND => append_int(&mut b, f.sec, 2),
                STD_PM => b.extend_from_slice(if f.hour >= 12 { b"PM" } else { b"AM" }),
                STD_PM_LOWER => b.extend_from_slice(if f.hour >= 12 { b"pm" } else { b"am" }),
                STD_ISO8601_TZ
                | STD_ISO8601_COLON_TZ
                | STD_ISO8601_SECONDS_TZ
                | STD_ISO8601_SHORT_TZ
                | STD_ISO8601_COLON_SECONDS_TZ
                | STD_NUM_TZ
                | STD_NUM_COLON_TZ
                | STD_NUM_SECONDS_TZ
                | STD_NUM_SHORT_TZ
                | STD_NUM_COLON_SECONDS_TZ => {
                    let iso = matches!(
                        std,
                        STD_ISO8601_TZ
                            | STD_ISO8601_COLON_TZ
                            | STD_ISO8601_SECONDS_TZ
                            | STD_ISO8601_SHORT_TZ
                            | STD_ISO8601_COLON_SECONDS_TZ
                    );
                    if offset == 0 && iso {
                        b.push(b'Z');
                        continue;
                    }
                    let mut zone = offset / 60;
                    let mut absoffset = offset;
                    if zone < 0 {
                        b.push(b'-');
                        zone = -zone;
                        absoffset = -absoffset;
                    } else {
                        b.push(b'+');
                    }
                    append_int(&mut b, zone / 60, 2);
                    if matches!(
                        std,
                        STD_ISO8601_COLON_TZ
                            | STD_NUM_COLON_TZ
                            | STD_ISO8601_COLON_SECONDS_TZ
                            | STD_NUM_COLON_SECONDS_TZ
                    ) {
                        b.push(b':');
                    }
                    if std != STD_NUM_SHORT_TZ && std != STD_ISO8601_SHORT_TZ {
                        append_int(&mut b, zone % 60, 2);
                    }
                    if matches!(
                        std,
                        STD_ISO8601_SECONDS_TZ
                            | STD_NUM_SECONDS_TZ
                            | STD_NUM_COLON_SECONDS_TZ
                            | STD_ISO8601_COLON_SECONDS_TZ
                    ) {
                        if std == STD_NUM_COLON_SECONDS_TZ || std == STD_ISO8601_COLON_SECONDS_TZ {
                            b.push(b':');
                        }
                        append_int(&mut b, absoffset % 60, 2);
                    }
                }
                STD_TZ => {
                    if !name.is_empty() {
                        b.extend_from_slice(name.as_bytes());
                    } else {
                        let mut zone = offset / 60;
                        if zone < 0 {
                            b.push(b'-');
                            zone = -zone;
                        } else {
                            b.push(b'+');
                        }
                        append_int(&mut b, zone / 60, 2);
                        append_int(&mut b, zone % 60, 2);
                    }
                }
                STD_FRAC_SECOND0 | STD_FRAC_SECOND9 => append_nano(&mut b, self.nsec, std),
                _ => {}
            }
        }
        String::from_utf8_lossy(&b).into_owned()
    }

    /// Go's `Time.String`.
    pub(crate) fn go_string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            let (sign, m2) = if m < 0 {
                ('-', m.unsigned_abs())
            } else {
                ('+', m.unsigned_abs())
            };
            let (m1, m2) = (m2 / 1_000_000_000, m2 % 1_000_000_000);
            let (m0, m1) = (m1 / 1_000_000_000, m1 % 1_000_000_000);
            let mut buf = Vec::new();
            buf.extend_from_slice(b" m=");
            buf.push(sign as u8);
            let mut wid = 0;
            if m0 != 0 {
                append_int(&mut buf, i64::try_from(m0).unwrap_or(0), 0);
                wid = 9;
            }
            append_int(&mut buf, i64::try_from(m1).unwrap_or(0), wid);
            buf.push(b'.');
            append_int(&mut buf, i64::try_from(m2).unwrap_or(0), 9);
            s.push_str(&String::from_utf8_lossy(&buf));
        }
        s
    }
}

fn month_index(m: i64) -> usize {
    usize::try_from((m - 1).clamp(0, 11)).unwrap_or(0)
}

// Layout elements (Go's std* constants; the flag bits are not needed here).
const STD_LONG_MONTH: i64 = 1;
const STD_MONTH: i64 = 2;
const STD_NUM_MONTH: i64 = 3;
const STD_ZERO_MONTH: i64 = 4;
const STD_LONG_WEEK_DAY: i64 = 5;
const STD_WEEK_DAY: i64 = 6;
const STD_DAY: i64 = 7;
const STD_UNDER_DAY: i64 = 8;
const STD_ZERO_DAY: i64 = 9;
const STD_UNDER_YEAR_DAY: i64 = 10;
const STD_ZERO_YEAR_DAY: i64 = 11;
const STD_HOUR: i64 = 12;
const STD_HOUR12: i64 = 13;
const STD_ZERO_HOUR12: i64 = 14;
const STD_MINUTE: i64 = 15;
const STD_ZERO_MINUTE: i64 = 16;
const STD_SECOND: i64 = 17;
const STD_ZERO_SECOND: i64 = 18;
const STD_LONG_YEAR: i64 = 19;
const STD_YEAR: i64 = 20;
const STD_PM: i64 = 21;
const STD_PM_LOWER: i64 = 22;
const STD_TZ: i64 = 23;
const STD_ISO8601_TZ: i64 = 24;
const STD_ISO8601_SECONDS_TZ: i64 = 25;
const STD_ISO8601_SHORT_TZ: i64 = 26;
const STD_ISO8601_COLON_TZ: i64 = 27;
const STD_ISO8601_COLON_SECONDS_TZ: i64 = 28;
const STD_NUM_TZ: i64 = 29;
const STD_NUM_SECONDS_TZ: i64 = 30;
const STD_NUM_SHORT_TZ: i64 = 31;
const STD_NUM_COLON_TZ: i64 = 32;
const STD_NUM_COLON_SECONDS_TZ: i64 = 33;
const STD_FRAC_SECOND0: i64 = 34;
const STD_FRAC_SECOND9: i64 = 35;
const STD_ARG_SHIFT: i64 = 16;
const STD_SEPARATOR_SHIFT: i64 = 28;
const STD_MASK: i64 = (1 << STD_ARG_SHIFT) - 1;

const STD0X: [i64; 6] = [
    STD_ZERO_MONTH,
    STD_ZERO_DAY,
    STD_ZERO_HOUR12,
    STD_ZERO_MINUTE,
    STD_ZERO_SECOND,
    STD_YEAR,
];

fn std_frac_second(code: i64, n: usize, c: u8) -> i64 {
    let n = i64::try_from(n).unwrap_or(0) & 0xfff;
    let v = code | (n << STD_ARG_SHIFT);
    if c == b'.' {
        v
    } else {
        v | (1 << STD_SEPARATOR_SHIFT)
    }
}

fn digits_len(std: i64) -> usize {
    usize::try_from((std >> STD_ARG_SHIFT) & 0xfff).unwrap_or(0)
}

fn separator(std: i64) -> u8 {
    if (std >> STD_SEPARATOR_SHIFT) == 0 {
        b'.'
    } else {
        b','
    }
}

fn starts_with_lower(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_lowercase)
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `nextStdChunk`: text before the first layout element, the element, the rest.
// The arms keep the shape of Go's switch, for checking against the original.
#[allow(clippy::collapsible_match)]
fn next_std_chunk(layout: &[u8]) -> (&[u8], i64, &[u8]) {
    let l = layout;
    let has = |i: usize, s: &[u8]| l.len() >= i + s.len() && &l[i..i + s.len()] == s;
    for i in 0..l.len() {
        match l[i] {
            b'J' => {
                if has(i, b"Jan") {
                    if has(i, b"January") {
                        return (&l[..i], STD_LONG_MONTH, &l[i + 7..]);
                    }
                    if !starts_with_lower(&l[i + 3..]) {
                        return (&l[..i], STD_MONTH, &l[i + 3..]);
                    }
                }
            }
            b'M' => {
                if l.len() >= i + 3 {
                    if has(i, b"Mon") {
                        if has(i, b"Monday") {
                            return (&l[..i], STD_LONG_WEEK_DAY, &l[i + 6..]);
                        }
                        if !starts_with_lower(&l[i + 3..]) {
                            return (&l[..i], STD_WEEK_DAY, &l[i + 3..]);
                        }
                    }
                    if has(i, b"MST") {
                        return (&l[..i], STD_TZ, &l[i + 3..]);
                    }
                }
            }
            b'0' => {
                if l.len() >= i + 2 && (b'1'..=b'6').contains(&l[i + 1]) {
                    return (&l[..i], STD0X[usize::from(l[i + 1] - b'1')], &l[i + 2..]);
                }
                if has(i, b"002") {
                    return (&l[..i], STD_ZERO_YEAR_DAY, &l[i + 3..]);
                }
            }
            b'1' => {
                if l.len() >= i + 2 && l[i + 1] == b'5' {
                    return (&l[..i], STD_HOUR, &l[i + 2..]);
                }
                return (&l[..i], STD_NUM_MONTH, &l[i + 1..]);
            }
            b'2' => {
                if has(i, b"2006") {
                    return (&l[..i], STD_LONG_YEAR, &l[i + 4..]);
                }
                return (&l[..i], STD_DAY, &l[i + 1..]);
            }
            b'_' => {
                if l.len() >= i + 2 && l[i + 1] == b'2' {
                    if has(i + 1, b"2006") {
                        return (&l[..i + 1], STD_LONG_YEAR, &l[i + 5..]);
                    }
                    return (&l[..i], STD_UNDER_DAY, &l[i + 2..]);
                }
                if has(i, b"__2") {
                    return (&l[..i], STD_UNDER_YEAR_DAY, &l[i + 3..]);
                }
            }
            b'3' => return (&l[..i], STD_HOUR12, &l[i + 1..]),
            b'4' => return (&l[..i], STD_MINUTE, &l[i + 1..]),
            b'5' => return (&l[..i], STD_SECOND, &l[i + 1..]),
            b'P' => {
                if l.len() >= i + 2 && l[i + 1] == b'M' {
                    return (&l[..i], STD_PM, &l[i + 2..]);
                }
            }
            b'p' => {
                if l.len() >= i + 2 && l[i + 1] == b'm' {
                    return (&l[..i], STD_PM_LOWER, &l[i + 2..]);
                }
            }
            b'-' => {
                for (pat, std) in [
                    (&b"-070000"[..], STD_NUM_SECONDS_TZ),
                    (b"-07:00:00", STD_NUM_COLON_SECONDS_TZ),
                    (b"-0700", STD_NUM_TZ),
                    (b"-07:00", STD_NUM_COLON_TZ),
                    (b"-07", STD_NUM_SHORT_TZ),
                ] {
                    if has(i, pat) {
                        return (&l[..i], std, &l[i + pat.len()..]);
                    }
                }
            }
            b'Z' => {
                for (pat, std) in [
                    (&b"Z070000"[..], STD_ISO8601_SECONDS_TZ),
                    (b"Z07:00:00", STD_ISO8601_COLON_SECONDS_TZ),
                    (b"Z0700", STD_ISO8601_TZ),
                    (b"Z07:00", STD_ISO8601_COLON_TZ),
                    (b"Z07", STD_ISO8601_SHORT_TZ),
                ] {
                    if has(i, pat) {
                        return (&l[..i], std, &l[i + pat.len()..]);
                    }
                }
            }
            c @ (b'.' | b',') => {
                if i + 1 < l.len() && (l[i + 1] == b'0' || l[i + 1] == b'9') {
                    let ch = l[i + 1];
                    let mut j = i + 1;
                    while j < l.len() && l[j] == ch {
                        j += 1;
                    }
                    if !is_digit(l, j) {
                        let code = if l[i + 1] == b'9' {
                            STD_FRAC_SECOND9
                        } else {
                            STD_FRAC_SECOND0
                        };
                        return (&l[..i], std_frac_second(code, j - (i + 1), c), &l[j..]);
                    }
                }
            }
            _ => {}
        }
    }
    (l, 0, &[])
}

/// Go's time-package `appendInt`.
fn append_int(b: &mut Vec<u8>, x: i64, width: usize) {
    let mut u = x.unsigned_abs();
    if x < 0 {
        b.push(b'-');
    }
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + u8::try_from(u % 10).unwrap_or(0));
        u /= 10;
        if u == 0 {
            break;
        }
    }
    for _ in digits.len()..width {
        b.push(b'0');
    }
    b.extend(digits.iter().rev());
}

fn append_nano(b: &mut Vec<u8>, nanosec: u32, std: i64) {
    let trim = std & STD_MASK == STD_FRAC_SECOND9;
    let n = digits_len(std);
    if trim && (n == 0 || nanosec == 0) {
        return;
    }
    let dot = separator(std);
    b.push(dot);
    let start = b.len();
    append_int(b, i64::from(nanosec), 9);
    if n < 9 {
        b.truncate(start + n);
    }
    if trim {
        while b.last() == Some(&b'0') {
            b.pop();
        }
        if b.last() == Some(&dot) {
            b.pop();
        }
    }
}

/// The time package's `quote` (non-ASCII and control bytes as `\x..`).
fn time_quote(s: &[u8]) -> String {
    let mut out = String::from("\"");
    let text = String::from_utf8_lossy(s);
    let mut bytes_i = 0usize;
    for c in text.chars() {
        let width = if c == '\u{FFFD}' && !s[bytes_i..].starts_with("\u{FFFD}".as_bytes()) {
            1
        } else {
            c.len_utf8()
        };
        if c as u32 >= 0x80 || c < ' ' {
            for &byte in &s[bytes_i..(bytes_i + width).min(s.len())] {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        bytes_i += width;
    }
    out.push('"');
    out
}

/// Go's `time.ParseError`.
fn parse_error(
    layout: &[u8],
    value: &[u8],
    layout_elem: &[u8],
    value_elem: &[u8],
    msg: &str,
) -> String {
    if msg.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            time_quote(value),
            time_quote(layout),
            time_quote(value_elem),
            time_quote(layout_elem)
        )
    } else {
        format!("parsing time {}{msg}", time_quote(value))
    }
}

fn getnum(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    if !is_digit(s, 0) {
        return None;
    }
    if !is_digit(s, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(s[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'),
        &s[2..],
    ))
}

fn getnum3(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    let mut n = 0;
    let mut i = 0;
    while i < 3 && is_digit(s, i) {
        n = n * 10 + i64::from(s[i] - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, &s[i..]))
}

fn cutspace(mut s: &[u8]) -> &[u8] {
    while s.first() == Some(&b' ') {
        s = &s[1..];
    }
    s
}

/// Go's `skip`: removes `prefix`, runs of spaces matching runs of spaces.
fn skip<'v>(mut value: &'v [u8], mut prefix: &[u8]) -> Result<&'v [u8], &'v [u8]> {
    while let Some(&p) = prefix.first() {
        if p == b' ' {
            if value.first().is_some_and(|&c| c != b' ') {
                return Err(value);
            }
            prefix = cutspace(prefix);
            value = cutspace(value);
            continue;
        }
        if value.first() != Some(&p) {
            return Err(value);
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

/// Go's `atoi` (optional sign, digits, nothing else).
fn atoi(s: &[u8]) -> Option<i64> {
    let (neg, s) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (q, rem) = leading_int(s)?;
    if !rem.is_empty() {
        return None;
    }
    let x = i64::try_from(q).ok()?;
    Some(if neg { -x } else { x })
}

fn leading_int(s: &[u8]) -> Option<(u64, &[u8])> {
    let mut x: u64 = 0;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        if x > (1 << 63) / 10 {
            return None;
        }
        x = x * 10 + u64::from(s[i] - b'0');
        if x > 1 << 63 {
            return None;
        }
        i += 1;
    }
    Some((x, &s[i..]))
}

fn lookup_name<'v>(tab: &[&str], val: &'v [u8]) -> Option<(usize, &'v [u8])> {
    for (i, v) in tab.iter().enumerate() {
        let v = v.as_bytes();
        if val.len() >= v.len() && val[..v.len()].eq_ignore_ascii_case(v) {
            return Some((i, &val[v.len()..]));
        }
    }
    None
}

fn parse_nanoseconds(value: &[u8], nbytes: usize) -> Result<(i64, &'static str), ()> {
    if !matches!(value.first(), Some(b'.' | b',')) {
        return Err(());
    }
    let nbytes = nbytes.min(10).min(value.len());
    let ns = atoi(&value[1..nbytes]).ok_or(())?;
    if ns < 0 {
        return Ok((0, "fractional second"));
    }
    let mut ns = ns;
    for _ in 0..10 - nbytes {
        ns *= 10;
    }
    Ok((ns, ""))
}

fn parse_signed_offset(value: &[u8]) -> usize {
    if !matches!(value.first(), Some(b'-' | b'+')) {
        return 0;
    }
    let Some((x, rem)) = leading_int(&value[1..]) else {
        return 0;
    };
    if rem.len() == value.len() - 1 || x > 23 {
        return 0;
    }
    value.len() - rem.len()
}

fn parse_time_zone(value: &[u8]) -> Option<usize> {
    if value.len() < 3 {
        return None;
    }
    if value.len() >= 4 && (&value[..4] == b"ChST" || &value[..4] == b"MeST") {
        return Some(4);
    }
    if &value[..3] == b"GMT" {
        if value.len() == 3 {
            return Some(3);
        }
        return Some(3 + parse_signed_offset(&value[3..]));
    }
    if value[0] == b'+' || value[0] == b'-' {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let n_upper = value
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match n_upper {
        5 if value[4] == b'T' => Some(5),
        4 if value[3] == b'T' || &value[..4] == b"WITA" => Some(4),
        3 => Some(3),
        _ => None,
    }
}

/// Unix seconds of a civil date-time interpreted in `loc` (Go's `Date`, which normalizes
/// out-of-range fields).
fn date(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64, loc: &Loc) -> i64 {
    let m0 = month - 1;
    let year = year + floor_div(m0, 12);
    let month = m0.rem_euclid(12) + 1;
    let days = days_from_civil(year, month, 1) + day - 1;
    let local = days
        .saturating_mul(SECONDS_PER_DAY)
        .saturating_add(hour * 3600 + min * 60 + sec);
    let (_, off) = loc.lookup(local);
    if off == 0 {
        return local;
    }
    let utc = local - off;
    let (_, off2) = loc.lookup(utc);
    local - off2
}

/// Sign, hours, minutes, seconds and the rest of a numeric zone offset.
type OffsetParts<'a> = (u8, &'a [u8], &'a [u8], &'a [u8], &'a [u8]);

/// Go's `time.ParseInLocation(layout, value, loc)` (loc is also the "local" zone).
// The arms keep the shape of Go's switch, for checking against the original.
#[allow(clippy::collapsible_match)]
pub(crate) fn parse_in_location(layout_s: &str, value_s: &str, loc: &Loc) -> Result<Time, String> {
    let alayout = layout_s.as_bytes();
    let avalue = value_s.as_bytes();
    let mut layout = alayout;
    let mut value = avalue;
    let mut range_err: &str = "";
    let (mut am_set, mut pm_set) = (false, false);
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut z: Option<Loc> = None;
    let mut zone_offset: i64 = -1;
    let mut zone_name: Vec<u8> = Vec::new();
    loop {
        let (prefix, std, suffix) = next_std_chunk(layout);
        let stdstr = &layout[prefix.len()..layout.len() - suffix.len()];
        value = match skip(value, prefix) {
            Ok(v) => v,
            Err(v) => return Err(parse_error(alayout, avalue, prefix, v, "")),
        };
        if std == 0 {
            if !value.is_empty() {
                let msg = format!(": extra text: {}", time_quote(value));
                return Err(parse_error(alayout, avalue, b"", value, &msg));
            }
            break;
        }
        layout = suffix;
        let hold = value;
        let mut ok = true;
        match std & STD_MASK {
            STD_YEAR => {
                if value.len() < 2 {
                    ok = false;
                } else {
                    let p = &value[..2];
                    value = &value[2..];
                    match atoi(p) {
                        Some(y) => year = if y >= 69 { y + 1900 } else { y + 2000 },
                        None => ok = false,
                    }
                }
            }
            STD_LONG_YEAR => {
                if value.len() < 4 || !is_digit(value, 0) {
                    ok = false;
                } else {
                    let p = &value[..4];
                    value = &value[4..];
                    match atoi(p) {
                        Some(y) => year = y,
                        None => ok = false,
                    }
                }
            }
            STD_MONTH | STD_LONG_MONTH => {
                let tab: &[&str] = if std & STD_MASK == STD_MONTH {
                    &SHORT_MONTH_NAMES
                } else {
                    &LONG_MONTH_NAMES
                };
                match lookup_name(tab, value) {
                    Some((i, rest)) => {
                        month = i64::try_from(i).unwrap_or(0) + 1;
                        value = rest;
                    }
                    None => ok = false,
                }
            }
            STD_NUM_MONTH | STD_ZERO_MONTH => match getnum(value, std == STD_ZERO_MONTH) {
                Some((m, rest)) => {
                    month = m;
                    value = rest;
                    if m <= 0 || 12 < m {
                        range_err = "month";
                    }
                }
                None => ok = false,
            },
            STD_WEEK_DAY | STD_LONG_WEEK_DAY => {
                let tab: &[&str] = if std & STD_MASK == STD_WEEK_DAY {
                    &SHORT_DAY_NAMES
                } else {
                    &LONG_DAY_NAMES
                };
                match lookup_name(tab, value) {
                    Some((_, rest)) => value = rest,
                    None => ok = false,
                }
            }
            STD_DAY | STD_UNDER_DAY | STD_ZERO_DAY => {
                if std == STD_UNDER_DAY && value.first() == Some(&b' ') {
                    value = &value[1..];
                }
                match getnum(value, std == STD_ZERO_DAY) {
                    Some((d, rest)) => {
                        day = d;
                        value = rest;
                    }
                    None => ok = false,
                }
            }
            STD_UNDER_YEAR_DAY | STD_ZERO_YEAR_DAY => {
                for _ in 0..2 {
                    if std == STD_UNDER_YEAR_DAY && value.first() == Some(&b' ') {
                        value = &value[1..];
                    }
                }
                match getnum3(value, std == STD_ZERO_YEAR_DAY) {
                    Some((d, rest)) => {
                        yday = d;
                        value = rest;
                    }
                    None => ok = false,
                }
            }
            STD_HOUR => match getnum(value, false) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..24).contains(&h) {
                        range_err = "hour";
                    }
                }
                None => ok = false,
            },
            STD_HOUR12 | STD_ZERO_HOUR12 => match getnum(value, std == STD_ZERO_HOUR12) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..=12).contains(&h) {
                        range_err = "hour";
                    }
                }
                None => ok = false,
            },
            STD_MINUTE | STD_ZERO_MINUTE => match getnum(value, std == STD_ZERO_MINUTE) {
                Some((m, rest)) => {
                    min = m;
                    value = rest;
                    if !(0..60).contains(&m) {
                        range_err = "minute";
                    }
                }
                None => ok = false,
            },
            STD_SECOND | STD_ZERO_SECOND => match getnum(value, std == STD_ZERO_SECOND) {
                Some((s, rest)) => {
                    sec = s;
                    value = rest;
                    if !(0..60).contains(&s) {
                        range_err = "second";
                    } else if value.len() >= 2
                        && matches!(value[0], b'.' | b',')
                        && is_digit(value, 1)
                    {
                        let (_, next, _) = next_std_chunk(layout);
                        let next = next & STD_MASK;
                        if next != STD_FRAC_SECOND0 && next != STD_FRAC_SECOND9 {
                            let mut n = 2;
                            while n < value.len() && is_digit(value, n) {
                                n += 1;
                            }
                            match parse_nanoseconds(value, n) {
                                Ok((ns, r)) => {
                                    nsec = ns;
                                    if !r.is_empty() {
                                        range_err = r;
                                    }
                                }
                                Err(()) => ok = false,
                            }
                            value = &value[n..];
                        }
                    }
                }
                None => ok = false,
            },
            STD_PM | STD_PM_LOWER => {
                if value.len() < 2 {
                    ok = false;
                } else {
                    let p = &value[..2];
                    value = &value[2..];
                    let (pm, am): (&[u8], &[u8]) = if std == STD_PM {
                        (b"PM", b"AM")
                    } else {
                        (b"pm", b"am")
                    };
                    if p == pm {
                        pm_set = true;
                    } else if p == am {
                        am_set = true;
                    } else {
                        ok = false;
                    }
                }
            }
            s @ (STD_ISO8601_TZ
            | STD_ISO8601_SHORT_TZ
            | STD_ISO8601_COLON_TZ
            | STD_ISO8601_SECONDS_TZ
            | STD_ISO8601_COLON_SECONDS_TZ
            | STD_NUM_TZ
            | STD_NUM_SHORT_TZ
            | STD_NUM_COLON_TZ
            | STD_NUM_SECONDS_TZ
            | STD_NUM_COLON_SECONDS_TZ) => {
                let iso = matches!(
                    s,
                    STD_ISO8601_TZ
                        | STD_ISO8601_SHORT_TZ
                        | STD_ISO8601_COLON_TZ
                        | STD_ISO8601_SECONDS_TZ
                        | STD_ISO8601_COLON_SECONDS_TZ
                );
                if iso && value.first() == Some(&b'Z') {
                    value = &value[1..];
                    z = Some(Loc::Utc);
                } else {
                    let parts: Option<OffsetParts<'_>> = if s == STD_ISO8601_COLON_TZ
                        || s == STD_NUM_COLON_TZ
                    {
                        (value.len() >= 6 && value[3] == b':').then(|| {
                            (
                                value[0],
                                &value[1..3],
                                &value[4..6],
                                &b"00"[..],
                                &value[6..],
                            )
                        })
                    } else if s == STD_NUM_SHORT_TZ || s == STD_ISO8601_SHORT_TZ {
                        (value.len() >= 3)
                            .then(|| (value[0], &value[1..3], &b"00"[..], &b"00"[..], &value[3..]))
                    } else if s == STD_ISO8601_COLON_SECONDS_TZ || s == STD_NUM_COLON_SECONDS_TZ {
                        (value.len() >= 9 && value[3] == b':' && value[6] == b':').then(|| {
                            (
                                value[0],
                                &value[1..3],
                                &value[4..6],
                                &value[7..9],
                                &value[9..],
                            )
                        })
                    } else if s == STD_ISO8601_SECONDS_TZ || s == STD_NUM_SECONDS_TZ {
                        (value.len() >= 7).then(|| {
                            (
                                value[0],
                                &value[1..3],
                                &value[3..5],
                                &value[5..7],
                                &value[7..],
                            )
                        })
                    } else {
                        (value.len() >= 5).then(|| {
                            (
                                value[0],
                                &value[1..3],
                                &value[3..5],
                                &b"00"[..],
                                &value[5..],
                            )
                        })
                    };
                    match parts {
                        None => ok = false,
                        Some((sign, h, m, ss, rest)) => {
                            value = rest;
                            let hr = getnum(h, true);
                            let mm = getnum(m, true);
                            let sc = getnum(ss, true);
                            match (hr, mm, sc) {
                                (Some((hr, _)), Some((mm, _)), Some((sc, _))) => {
                                    if hr > 24 {
                                        range_err = "time zone offset hour";
                                    }
                                    if mm > 60 {
                                        range_err = "time zone offset minute";
                                    }
                                    if sc > 60 {
                                        range_err = "time zone offset second";
                                    }
                                    zone_offset = (hr * 60 + mm) * 60 + sc;
                                    match sign {
                                        b'+' => {}
                                        b'-' => zone_offset = -zone_offset,
                                        _ => ok = false,
                                    }
                                }
                                _ => ok = false,
                            }
                        }
                    }
                }
            }
            STD_TZ => {
                if value.len() >= 3 && &value[..3] == b"UTC" {
                    z = Some(Loc::Utc);
                    value = &value[3..];
                } else {
                    match parse_time_zone(value) {
                        Some(n) => {
                            zone_name = value[..n].to_vec();
                            value = &value[n..];
                        }
                        None => ok = false,
                    }
                }
            }
            STD_FRAC_SECOND0 => {
                let ndigit = 1 + digits_len(std);
                if value.len() < ndigit {
                    ok = false;
                } else {
                    match parse_nanoseconds(value, ndigit) {
                        Ok((ns, r)) => {
                            nsec = ns;
                            if !r.is_empty() {
                                range_err = r;
                            }
                        }
                        Err(()) => ok = false,
                    }
                    value = &value[ndigit..];
                }
            }
            STD_FRAC_SECOND9 => {
                if value.len() >= 2 && matches!(value[0], b'.' | b',') && value[1].is_ascii_digit()
                {
                    let mut i = 0;
                    while i + 1 < value.len() && value[i + 1].is_ascii_digit() {
                        i += 1;
                    }
                    match parse_nanoseconds(value, 1 + i) {
                        Ok((ns, r)) => {
                            nsec = ns;
                            if !r.is_empty() {
                                range_err = r;
                            }
                        }
                        Err(()) => ok = false,
                    }
                    value = &value[1 + i..];
                }
            }
            _ => {}
        }
        if !range_err.is_empty() {
            let msg = format!(": {range_err} out of range");
            return Err(parse_error(alayout, avalue, stdstr, value, &msg));
        }
        if !ok {
            return Err(parse_error(alayout, avalue, stdstr, hold, ""));
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let mut d = 0;
        let mut m = 0;
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(parse_error(
                alayout,
                avalue,
                b"",
                value,
                ": day-of-year out of range",
            ));
        }
        if m == 0 {
            m = (yday - 1) / 31 + 1;
            if days_before(m + 1) < yday {
                m += 1;
            }
            d = yday - days_before(m);
        }
        if month >= 0 && month != m {
            return Err(parse_error(
                alayout,
                avalue,
                b"",
                value,
                ": day-of-year does not match month",
            ));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(parse_error(
                alayout,
                avalue,
                b"",
                value,
                ": day-of-year does not match day",
            ));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_error(
            alayout,
            avalue,
            b"",
            value,
            ": day out of range",
        ));
    }
    let nsec = u32::try_from(nsec).unwrap_or(0);
    let mk = |sec: i64, loc: Loc| Time {
        sec,
        nsec,
        loc,
        mono: None,
    };
    if let Some(z) = z {
        let s = date(year, month, day, hour, min, sec, &z);
        return Ok(mk(s, z));
    }
    let zone_name = String::from_utf8_lossy(&zone_name).into_owned();
    if zone_offset != -1 {
        let utc = date(year, month, day, hour, min, sec, &Loc::Utc) - zone_offset;
        let (name, offset) = loc.lookup(utc);
        if offset == zone_offset && (zone_name.is_empty() || name == zone_name) {
            return Ok(mk(utc, loc.clone()));
        }
        return Ok(mk(
            utc,
            Loc::Fixed(Rc::from(zone_name.as_str()), zone_offset),
        ));
    }
    if !zone_name.is_empty() {
        let t = date(year, month, day, hour, min, sec, &Loc::Utc);
        // Go's lookupName: a zone of that name in effect around that time.
        let (n1, o1) = loc.lookup(t);
        let (n2, o2) = loc.lookup(t - o1);
        if n2 == zone_name {
            return Ok(mk(t - o2, loc.clone()));
        }
        if n1 == zone_name {
            return Ok(mk(t - o1, loc.clone()));
        }
        let mut offset = 0;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            offset = atoi(&zone_name.as_bytes()[3..]).unwrap_or(0) * 3600;
        }
        return Ok(mk(t, Loc::Fixed(Rc::from(zone_name.as_str()), offset)));
    }
    Ok(mk(date(year, month, day, hour, min, sec, loc), loc.clone()))
}

fn leading_fraction(s: &[u8]) -> (u64, f64, &[u8]) {
    let mut i = 0;
    let mut x: u64 = 0;
    let mut scale = 1f64;
    let mut overflow = false;
    while i < s.len() && s[i].is_ascii_digit() {
        if !overflow {
            if x > ((1u64 << 63) - 1) / 10 {
                overflow = true;
            } else {
                let y = x * 10 + u64::from(s[i] - b'0');
                if y > 1 << 63 {
                    overflow = true;
                } else {
                    x = y;
                    scale *= 10.0;
                }
            }
        }
        i += 1;
    }
    (x, scale, &s[i..])
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub(crate) fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(orig.as_bytes()));
    let mut s = orig.as_bytes();
    let mut d: u64 = 0;
    let mut neg = false;
    if let Some(&c) = s.first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            s = &s[1..];
        }
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let pl = s.len();
        let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = pl != s.len();
        let mut post = false;
        let (mut f, mut scale) = (0u64, 1f64);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let pl = s.len();
            let (ff, sc, rest) = leading_fraction(s);
            f = ff;
            scale = sc;
            s = rest;
            post = pl != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        let i = s
            .iter()
            .position(|c| *c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if i == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                time_quote(orig.as_bytes())
            ));
        }
        let u = &s[..i];
        s = &s[i..];
        let unit: u64 = match u {
            b"ns" => 1,
            b"us" => 1_000,
            b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
            b"ms" => 1_000_000,
            b"s" => 1_000_000_000,
            b"m" => 60_000_000_000,
            b"h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    time_quote(u),
                    time_quote(orig.as_bytes())
                ));
            }
        };
        if v > (1 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let add = (f as f64 * (unit as f64 / scale)) as u64;
            v = v.saturating_add(add);
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        d = d.saturating_add(v);
        if d > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > (1 << 63) - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

/// Go's `fmtFrac`: the fraction of `v / 10^prec`, trailing zeros (and the dot) omitted.
fn fmt_frac(buf: &mut Vec<u8>, mut v: u64, prec: usize) -> u64 {
    let mut print = false;
    let mut digits = Vec::new();
    for _ in 0..prec {
        let digit = v % 10;
        print = print || digit != 0;
        if print {
            digits.push(b'0' + u8::try_from(digit).unwrap_or(0));
        }
        v /= 10;
    }
    if print {
        digits.push(b'.');
    }
    buf.extend(digits);
    v
}

fn fmt_int(buf: &mut Vec<u8>, mut v: u64) {
    if v == 0 {
        buf.push(b'0');
        return;
    }
    while v > 0 {
        buf.push(b'0' + u8::try_from(v % 10).unwrap_or(0));
        v /= 10;
    }
}

/// Go's `Duration.String` (built back to front, as Go does).
pub(crate) fn duration_string(d: i64) -> String {
    let mut buf: Vec<u8> = Vec::new();
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    if u < 1_000_000_000 {
        buf.push(b's');
        let prec;
        if u == 0 {
            return "0s".to_string();
        } else if u < 1_000 {
            prec = 0;
            buf.push(b'n');
        } else if u < 1_000_000 {
            prec = 3;
            buf.extend_from_slice(&[0xb5, 0xc2]);
        } else {
            prec = 6;
            buf.push(b'm');
        }
        u = fmt_frac(&mut buf, u, prec);
        fmt_int(&mut buf, u);
    } else {
        buf.push(b's');
        u = fmt_frac(&mut buf, u, 9);
        fmt_int(&mut buf, u % 60);
        u /= 60;
        if u > 0 {
            buf.push(b'm');
            fmt_int(&mut buf, u % 60);
            u /= 60;
            if u > 0 {
                buf.push(b'h');
                fmt_int(&mut buf, u);
            }
        }
    }
    if neg {
        buf.push(b'-');
    }
    buf.reverse();
    String::from_utf8_lossy(&buf).into_owned()
}

/// Go's `Duration.Round(m)`.
fn duration_round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let mut r = d % m;
    let less_than_half = |x: i64, y: i64| (x as u64).wrapping_add(x as u64) < y as u64;
    if d < 0 {
        r = -r;
        if less_than_half(r, m) {
            return d + r;
        }
        let d1 = d.wrapping_sub(m).wrapping_add(r);
        if d1 < d {
            return d1;
        }
        return i64::MIN;
    }
    if less_than_half(r, m) {
        return d - r;
    }
    let d1 = d.wrapping_add(m).wrapping_sub(r);
    if d1 > d {
        return d1;
    }
    i64::MAX
}

/// `time.Time` in templates.
struct TimeObject(Time);

/// `time.Month` and `time.Weekday` (printed by name).
struct NamedInt {
    type_name: &'static str,
    name: &'static str,
}

impl Object for NamedInt {
    fn type_name(&self) -> String {
        self.type_name.to_string()
    }

    fn string(&self) -> Option<String> {
        Some(self.name.to_string())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub(crate) fn time_value(t: Time) -> Value {
    Value::Object(Rc::new(TimeObject(t)))
}

/// The `time.Time` inside a value, if it is one.
pub(crate) fn as_time(v: &Value) -> Option<Time> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<TimeObject>().map(|t| t.0.clone()),
        _ => None,
    }
}

fn time_type() -> Type {
    Type::Named(Rc::from("time.Time"))
}

impl Object for TimeObject {
    fn type_name(&self) -> String {
        "time.Time".to_string()
    }

    fn method(&self, name: &str) -> Option<Function> {
        let t = self.0.clone();
        let sig0 = |r: Type| Signature::new(vec![], r);
        let int = |f: fn(&Time) -> i64| {
            let t = t.clone();
            Function::new(sig0(Type::Int), move |_, _| Ok(Value::Int(f(&t))))
        };
        let int64 = |f: fn(&Time) -> i64| {
            let t = t.clone();
            Function::new(sig0(Type::Int64), move |_, _| Ok(Value::Int64(f(&t))))
        };
        Some(match name {
            "Year" => int(|t| t.fields().year),
            "Day" => int(|t| t.fields().day),
            "Hour" => int(|t| t.fields().hour),
            "Minute" => int(|t| t.fields().min),
            "Second" => int(|t| t.fields().sec),
            "Nanosecond" => int(|t| i64::from(t.nsec)),
            "YearDay" => int(|t| t.fields().yday),
            "Unix" => int64(|t| t.sec),
            "UnixMilli" => int64(|t| t.unix_nano() / 1_000_000),
            "UnixMicro" => int64(|t| t.unix_nano() / 1_000),
            "UnixNano" => int64(Time::unix_nano),
            "Month" => Function::new(sig0(Type::Named(Rc::from("time.Month"))), move |_, _| {
                let name = LONG_MONTH_NAMES[month_index(t.fields().month)];
                Ok(Value::Object(Rc::new(NamedInt {
                    type_name: "time.Month",
                    name,
                })))
            }),
            "Weekday" => Function::new(sig0(Type::Named(Rc::from("time.Weekday"))), move |_, _| {
                Ok(Value::Object(Rc::new(NamedInt {
                    type_name: "time.Weekday",
                    name: LONG_DAY_NAMES[t.fields().weekday],
                })))
            }),
            "String" => Function::new(sig0(Type::String), move |_, _| {
                Ok(Value::from(t.go_string()))
            }),
            "Format" => Function::new(
                Signature::new(vec![Type::String], Type::String),
                move |_, a| {
                    Ok(Value::from(
                        t.format(a.first().and_then(Value::as_str).unwrap_or("")),
                    ))
                },
            ),
            "UTC" => Function::new(sig0(time_type()), move |_, _| {
                Ok(time_value(Time {
                    mono: t.mono,
                    ..t.in_loc(Loc::Utc)
                }))
            }),
            "Local" => Function::new(sig0(time_type()), move |_, _| {
                Ok(time_value(t.in_loc(Loc::Local)))
            }),
            "IsZero" => Function::new(sig0(Type::Bool), move |_, _| {
                Ok(Value::Bool(t.sec == ZERO_TIME_UNIX && t.nsec == 0))
            }),
            "Before" | "After" | "Equal" | "Compare" => {
                let which = name.to_string();
                let result = if which == "Compare" {
                    Type::Int
                } else {
                    Type::Bool
                };
                Function::new(Signature::new(vec![time_type()], result), move |_, a| {
                    let u = a.first().and_then(as_time).unwrap_or_else(Time::zero);
                    let ord = (t.sec, t.nsec).cmp(&(u.sec, u.nsec));
                    Ok(match which.as_str() {
                        "Before" => Value::Bool(ord.is_lt()),
                        "After" => Value::Bool(ord.is_gt()),
                        "Equal" => Value::Bool(ord.is_eq()),
                        _ => Value::Int(match ord {
                            std::cmp::Ordering::Less => -1,
                            std::cmp::Ordering::Equal => 0,
                            std::cmp::Ordering::Greater => 1,
                        }),
                    })
                })
            }
            "AddDate" => Function::new(
                Signature::new(vec![Type::Int, Type::Int, Type::Int], time_type()),
                move |_, a| {
                    let n = |i: usize| match a.get(i) {
                        Some(Value::Int(n)) => *n,
                        _ => 0,
                    };
                    let f = t.fields();
                    let s = date(
                        f.year.saturating_add(n(0)),
                        f.month.saturating_add(n(1)),
                        f.day.saturating_add(n(2)),
                        f.hour,
                        f.min,
                        f.sec,
                        &t.loc,
                    );
                    Ok(time_value(Time {
                        sec: s,
                        nsec: t.nsec,
                        loc: t.loc.clone(),
                        mono: None,
                    }))
                },
            ),
            _ => return None,
        })
    }

    fn string(&self) -> Option<String> {
        Some(self.0.go_string())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The time `date`-like functions take from an `interface{}`: a `time.Time`, or Unix seconds
/// as `int` or `int64`; anything else is now (Sprig's `default` case).
fn time_arg(v: Option<&Value>) -> Time {
    match v {
        Some(Value::Int(n) | Value::Int64(n)) => Time::unix(*n),
        Some(v) => as_time(v).unwrap_or_else(Time::now),
        None => Time::now(),
    }
}

fn date_in_zone(fmt: &str, t: Time, zone: &str) -> String {
    let loc = Loc::load(zone).unwrap_or(Loc::Utc);
    t.in_loc(loc).format(fmt)
}

fn str_arg(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn register(map: &mut FuncMap) {
    use Type::{Any, String as S};
    let tt = time_type;
    map.add("date", Signature::new(vec![S, Any], S), |_, a| {
        Ok(Value::from(date_in_zone(
            str_arg(a, 0),
            time_arg(a.get(1)),
            "Local",
        )))
    });
    for name in ["date_in_zone", "dateInZone"] {
        map.add(name, Signature::new(vec![S, Any, S], S), |_, a| {
            Ok(Value::from(date_in_zone(
                str_arg(a, 0),
                time_arg(a.get(1)),
                str_arg(a, 2),
            )))
        });
    }
    map.add("htmlDate", Signature::new(vec![Any], S), |_, a| {
        Ok(Value::from(date_in_zone(
            "2006-01-02",
            time_arg(a.first()),
            "Local",
        )))
    });
    map.add("htmlDateInZone", Signature::new(vec![Any, S], S), |_, a| {
        Ok(Value::from(date_in_zone(
            "2006-01-02",
            time_arg(a.first()),
            str_arg(a, 1),
        )))
    });
    for name in ["date_modify", "dateModify"] {
        map.add(name, Signature::new(vec![S, tt()], tt()), |_, a| {
            let t = a.get(1).and_then(as_time).unwrap_or_else(Time::zero);
            Ok(time_value(match parse_duration(str_arg(a, 0)) {
                Ok(d) => t.add(d),
                Err(_) => t,
            }))
        });
    }
    for name in ["must_date_modify", "mustDateModify"] {
        map.add(name, Signature::new(vec![S, tt()], tt()), |_, a| {
            let t = a.get(1).and_then(as_time).unwrap_or_else(Time::zero);
            let d = parse_duration(str_arg(a, 0)).map_err(FuncError::new)?;
            Ok(time_value(t.add(d)))
        });
    }
    map.add("ago", Signature::new(vec![Any], S), |_, a| {
        let t = match a.first() {
            Some(Value::Int(n) | Value::Int64(n)) => Time::unix(*n),
            Some(v) => as_time(v).unwrap_or_else(Time::now),
            None => Time::now(),
        };
        let d = duration_round(Time::now().sub(&t), 1_000_000_000);
        Ok(Value::from(duration_string(d)))
    });
    map.add("now", Signature::new(vec![], tt()), |_, _| {
        Ok(time_value(Time::now()))
    });
    map.add("duration", Signature::new(vec![Any], S), |_, a| {
        let n: i64 = match a.first() {
            Some(Value::String(s)) => s.parse::<i64>().unwrap_or(0),
            Some(Value::Int64(n)) => *n,
            _ => 0,
        };
        Ok(Value::from(duration_string(n.wrapping_mul(1_000_000_000))))
    });
    map.add("durationRound", Signature::new(vec![Any], S), |_, a| {
        let d: i64 = match a.first() {
            Some(Value::String(s)) => parse_duration(s).unwrap_or(0),
            Some(Value::Int64(n)) => *n,
            Some(v) => match as_time(v) {
                Some(t) => Time::now().sub(&t),
                None => 0,
            },
            None => 0,
        };
        let u = d.unsigned_abs();
        const SECOND: u64 = 1_000_000_000;
        let (year, month, day, hour, minute) = (
            SECOND * 3600 * 24 * 365,
            SECOND * 3600 * 24 * 30,
            SECOND * 3600 * 24,
            SECOND * 3600,
            SECOND * 60,
        );
        let s = if u > year {
            format!("{}y", u / year)
        } else if u > month {
            format!("{}mo", u / month)
        } else if u > day {
            format!("{}d", u / day)
        } else if u > hour {
            format!("{}h", u / hour)
        } else if u > minute {
            format!("{}m", u / minute)
        } else if u > SECOND {
            format!("{}s", u / SECOND)
        } else {
            "0s".to_string()
        };
        Ok(Value::from(s))
    });
    map.add("toDate", Signature::new(vec![S, S], tt()), |_, a| {
        Ok(time_value(
            parse_in_location(str_arg(a, 0), str_arg(a, 1), &Loc::Local)
                .unwrap_or_else(|_| Time::zero()),
        ))
    });
    map.add("mustToDate", Signature::new(vec![S, S], tt()), |_, a| {
        parse_in_location(str_arg(a, 0), str_arg(a, 1), &Loc::Local)
            .map(time_value)
            .map_err(FuncError::new)
    });
    map.add("unixEpoch", Signature::new(vec![tt()], S), |_, a| {
        let t = a.first().and_then(as_time).unwrap_or_else(Time::zero);
        Ok(Value::from(t.sec.to_string()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(sec: i64, nsec: u32) -> Time {
        Time {
            sec,
            nsec,
            loc: Loc::Utc,
            mono: None,
        }
    }

    #[test]
    fn format_layouts() {
        // Go's reference time, in UTC: 2006-01-02 22:04:05 UTC.
        let t = utc(1_136_239_445, 123_456_789);
        let cases = [
            ("2006-01-02T15:04:05Z07:00", "2006-01-02T22:04:05Z"),
            (
                "2006-01-02T15:04:05.999999999Z07:00",
                "2006-01-02T22:04:05.123456789Z",
            ),
            (
                "Mon Jan _2 15:04:05 MST 2006",
                "Mon Jan  2 22:04:05 UTC 2006",
            ),
            (
                "Monday, 02-Jan-06 15:04:05 MST",
                "Monday, 02-Jan-06 22:04:05 UTC",
            ),
            ("3:04PM", "10:04PM"),
            ("03:04:05pm .000 ,00 .9", "10:04:05pm .123 ,12 .1"),
            ("January 2 2006 __2 002", "January 2 2006   2 002"),
            (
                "-0700 -07:00 -07 -070000 Z0700",
                "+0000 +00:00 +00 +000000 Z",
            ),
            ("20060102150405", "20060102220405"),
            ("Month", "Month"),
            ("_2006", "_2006"),
        ];
        for (layout, want) in cases {
            assert_eq!(t.format(layout), want, "{layout}");
        }
        assert_eq!(Time::zero().go_string(), "0001-01-01 00:00:00 +0000 UTC");
        let fixed = Time {
            loc: Loc::Fixed(Rc::from(""), -(3 * 3600 + 30 * 60)),
            ..utc(0, 0)
        };
        assert_eq!(fixed.go_string(), "1969-12-31 20:30:00 -0330 -0330");
        let m = Time {
            mono: Some(1_500_000_123),
            ..utc(0, 5)
        };
        assert_eq!(
            m.go_string(),
            "1970-01-01 00:00:00.000000005 +0000 UTC m=+1.500000123"
        );
        let ny = Loc::load("America/New_York");
        if let Ok(ny) = ny {
            assert_eq!(
                utc(1_136_239_445, 0).in_loc(ny).format("15:04 MST -0700"),
                "17:04 EST -0500"
            );
        }
        assert!(Loc::load("Nowhere/Place").is_err());
        assert!(Loc::load("america/new_york").is_err());
    }

    #[test]
    fn parse_layouts() {
        let p = |l: &str, v: &str| parse_in_location(l, v, &Loc::Utc).map(|t| t.go_string());
        assert_eq!(
            p("2006-01-02", "2024-02-29").as_deref(),
            Ok("2024-02-29 00:00:00 +0000 UTC")
        );
        assert_eq!(
            p("2006-01-02T15:04:05Z07:00", "2024-03-01T10:20:30+02:00").as_deref(),
            Ok("2024-03-01 10:20:30 +0200 +0200")
        );
        assert_eq!(
            p("2006-01-02 15:04:05", "2024-03-01 10:20:30.25").as_deref(),
            Ok("2024-03-01 10:20:30.25 +0000 UTC")
        );
        assert_eq!(
            p("2006-01-02", "2023-02-29"),
            Err("parsing time \"2023-02-29\": day out of range".to_string())
        );
        assert_eq!(
            p("2006-01-02", "x"),
            Err("parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\"".to_string())
        );
        assert_eq!(
            p("2006-01-02", "2024-13-01"),
            Err("parsing time \"2024-13-01\": month out of range".to_string())
        );
        assert_eq!(
            p("2006-01-02", "2024-01-01 extra"),
            Err("parsing time \"2024-01-01 extra\": extra text: \" extra\"".to_string())
        );
        assert_eq!(
            p("Jan 2 06 3:04PM MST", "feb 3 99 4:05AM GMT+3").as_deref(),
            Ok("1999-02-03 07:05:00 +0300 GMT+3")
        );
        assert_eq!(
            p("2006 002", "2024 060").as_deref(),
            Ok("2024-02-29 00:00:00 +0000 UTC")
        );
    }

    #[test]
    fn durations() {
        let cases = [
            ("0", 0),
            ("5s", 5_000_000_000),
            ("-1.5h", -5_400_000_000_000),
            ("1h2m3.5s", 3_723_500_000_000),
            ("300ms", 300_000_000),
            ("1µs", 1_000),
            ("1.000000001s", 1_000_000_001),
            (".5m", 30_000_000_000),
        ];
        for (s, want) in cases {
            assert_eq!(parse_duration(s), Ok(want), "{s}");
        }
        assert_eq!(
            parse_duration("x"),
            Err("time: invalid duration \"x\"".to_string())
        );
        assert_eq!(
            parse_duration("1"),
            Err("time: missing unit in duration \"1\"".to_string())
        );
        assert_eq!(
            parse_duration("1d"),
            Err("time: unknown unit \"d\" in duration \"1d\"".to_string())
        );
        assert!(parse_duration("9999999999h").is_err());
        let strs = [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (2_000_000, "2ms"),
            (1_000_000_000, "1s"),
            (90_000_000_000, "1m30s"),
            (3_723_500_000_000, "1h2m3.5s"),
            (-5_400_000_000_000, "-1h30m0s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ];
        for (d, want) in strs {
            assert_eq!(duration_string(d), want, "{d}");
        }
        assert_eq!(duration_round(1_499_999_999, 1_000_000_000), 1_000_000_000);
        assert_eq!(duration_round(1_500_000_000, 1_000_000_000), 2_000_000_000);
        assert_eq!(
            duration_round(-1_500_000_000, 1_000_000_000),
            -2_000_000_000
        );
    }

    #[test]
    fn civil() {
        for days in [-800_000, -1, 0, 1, 59, 365, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(
            date(2024, 14, 1, 0, 0, 0, &Loc::Utc),
            date(2025, 2, 1, 0, 0, 0, &Loc::Utc)
        );
    }
}
