"""Cases for Sprig's special functions (regex, semver, dates, hashes, crypto, random).

Each case is a dict: name, template, optional values (YAML text) and optional check:
  "exact"          (default) output or error text must equal Helm's
  "regex:PATTERN"  both outputs must match PATTERN entirely (random or clock-dependent output)
  "x509"           PEM output: same block types; certificates with the same structure
                   (subject, issuer, extensions, SANs, key usage, validity length, key type),
                   parseable, and signature chains that verify
  "bcrypt:PASS"    output is PREFIX + a $2a$10$ hash of PASS (Helm's hash is verified too)
  "aes:KEY:TEXT"   output decrypts with KEY to TEXT (Helm's ciphertext is decrypted here too)

Only Sprig functions of this family and Go's builtins are used (the other Sprig functions live
in another module); lists and dicts come from values.
"""

import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = os.path.join(HERE, "..", "..", "src", "sprig", "special", "semver", "tables.rs")

CASES = []


def case(name, template, values="", check="exact", slow=False):
    """slow: generates RSA keys or runs scrypt (seconds each in unoptimized builds)."""
    CASES.append({"name": name, "template": template, "values": values, "check": check, "slow": slow})


def q(s):
    """A Go template string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def rust_table(name):
    text = open(TABLES).read()
    m = re.search(r"const " + name + r": &\[[^\]]*\] = &\[\n(.*?)\n\];", text, re.S)
    rows = []
    for line in m.group(1).splitlines():
        line = line.strip().rstrip(",")
        if not line.startswith("("):
            continue
        # Rust tuples of string literals, numbers and booleans: parse as Python.
        py = line.replace("true", "True").replace("false", "False")
        rows.append(eval(py))  # noqa: S307 (our own generated table)
    return rows


# ---------------------------------------------------------------- semver
seen = set()
for table in ["CONSTRAINTS_CHECK", "CONSTRAINT_CHECK", "CONSTRAINTS_VALIDATE", "CONSTRAINTS_CHECK_INCLUDE_PRERELEASE"]:
    for c, v, _ in rust_table(table):
        if (c, v) in seen:
            continue
        seen.add((c, v))
        case(f"semverCompare/{len(seen)}", "{{ semverCompare %s %s }}" % (q(c), q(v)))
for c, v, _ in rust_table("CONSTRAINTS_VALIDATE_MESSAGES"):
    if (c, v) not in seen:
        seen.add((c, v))
        case(f"semverCompare/{len(seen)}", "{{ semverCompare %s %s }}" % (q(c), q(v)))
helm_like = [
    (">=1.21.0-0", "v1.30.0"), (">=1.21.0-0", "1.30.0-gke.100"), (">=1.21.0", "1.30.0-gke.100"),
    (">= 1.19-0 < 1.30.0", "1.29.9"), (">= 1.19-0 < 1.30.0", "1.30.0"), ("1.x", "1.99.0"),
    ("^1.2", "1.9.0"), ("~1.2.3", "1.3.0"), (">=1.16.0-0", "v1.36.0"), ("<1.25.0-0", "v1.24.17-eks-5e0fdde"),
    ("foo", "1.0.0"), ("", "1.0.0"), (">=1.0", "not-a-version"), (">=1.0", ""), ("1.2.3 || ", "1.2.3"),
    (">=1.0 <2.0 || >=3.0", "3.1.0"), ("~> 1.2", "1.2.9"), ("=> 1.2", "1.2.0"), ("=< 1.2", "1.2.0"),
    (">1.2.3-alpha", "1.2.3-beta"), ("1.2.3-alpha", "1.2.3-alpha"), ("*", "1.0.0-rc1"), ("x", "2.0.0"),
    ("1.2 - 1.4", "1.3.9"), ("1.2 - 1.4", "1.5.0"), (">= 1.2, < 1.4", "1.3.0"), (">1.2,<1.4", "1.3.0"),
    ("!=1.2.x", "1.2.5"), ("^0.0.3", "0.0.3"), ("^0.2.3", "0.2.9"), ("v1.2.3", "1.2.3"),
    (">=1.99999999999999999999", "1.0.0"), (">= 12.3.4.1234", "1.0.0"), ("1.2.3 ~1.2.3", "1.2.3"),
]
for i, (c, v) in enumerate(helm_like):
    case(f"semverCompare/helm/{i}", "{{ semverCompare %s %s }}" % (q(c), q(v)))
versions = set()
for table in ["NEW_VERSION", "STRICT_NEW_VERSION"]:
    for v, _ in rust_table(table):
        versions.add(v)
for v, _ in rust_table("COERCE_STRING"):
    versions.add(v)
versions |= {"1.99999999999999999999", "99999999999999999999.0.0", "v1.2.3-beta.1+build.5", "", "v", "1.2.3-", "1.2.3+"}
for i, v in enumerate(sorted(versions)):
    case(f"semver/{i}", "{{ $v := semver %s }}{{ $v }}|{{ $v.Original }}|{{ $v.Major }}.{{ $v.Minor }}.{{ $v.Patch }}|{{ $v.Prerelease }}|{{ $v.Metadata }}" % q(v))
case("semver/type", '{{ printf "%T" (semver "1.2.3") }}')
case("semver/methods", '{{ $v := semver "v1.2.3-rc.1+b" }}{{ $v.IncPatch }} {{ $v.IncMinor }} {{ $v.IncMajor }} {{ $v.LessThan (semver "1.2.3") }} {{ $v.GreaterThan (semver "1.2.2") }} {{ $v.Equal (semver "1.2.3-rc.1") }} {{ $v.Compare (semver "2.0.0") }}')
case("semver/value-method", '{{ (semver "v1.2.3").IncPatch.Original }}')
case("semver/set", '{{ $v := semver "v1.2.3" }}{{ ($v.SetPrerelease "beta").Original }} {{ $v.SetMetadata "m.1" }}')
case("semver/set-error", '{{ $v := semver "1.2.3" }}{{ $v.SetPrerelease "bad..x" }}')
case("semver/printf", '{{ printf "%v %s" (semver "1.2") (semver "v3") }}')
case("semver/eq", '{{ eq (semver "1.2.3").Major 1 }}', check="exact")
case("semverCompare/args", '{{ semverCompare "1" }}')
case("semverCompare/type", '{{ semverCompare 1 "1.0.0" }}')

# ---------------------------------------------------------------- regex
REGEX = [
    # pattern, input
    ("[a-z]+", "abc123def"), ("^\\d+$", "12345"), ("^\\d+$", "١٢٣"), ("\\w+", "héllo wörld"),
    ("\\s", "a\u00a0b"), ("\\s", "a\u000bb"), ("[[:space:]]", "a\u000bb"), ("\\bfoo\\b", "a foo b"),
    ("\\bé", "aé"), ("(?i)straße", "STRASSE"), ("(?i)k", "\u212a"), ("(?i)[k]", "\u212a"),
    ("(?i)\\w", "\u017f"), ("[^a]", "\n"), ("(?s).", "\n"), (".", "\n"), ("a$", "a\n"), ("(?m)a$", "a\nb"),
    ("^b", "a\nb"), ("(?m)^b", "a\nb"), ("\\Aa", "ba"), ("a\\z", "ba"), ("(?U)a+", "aaa"), ("(?U)a+?", "aaa"),
    ("a{2,3}", "aaaa"), ("a{,3}", "a{,3}"), ("x{", "x{"), ("a{2}{3}", "aaaaaa"), ("a**", "a"),
    ("(?P<year>\\d{4})-(?P<month>\\d{2})", "2024-05"), ("(?<y>\\d)", "7"), ("(?P<a>x)(?P<a>y)", "xy"),
    ("\\pL+", "héllo1"), ("\\p{Greek}+", "abc αβγ"), ("\\PL", "abc1"), ("\\p{^L}", "ab1"), ("\\pN", "x٣"),
    ("\\p{Lu}", "aB"), ("(?i)\\p{Lu}", "ab"), ("\\p{Letter}", "1a"), ("\\p{Foo}", "a"), ("\\pC", "a\u0378"),
    ("\\p{Han}", "漢"), ("\\p{Latin}", "é"), ("[\\p{Lu}\\d]+", "AB12cd"), ("\\p{Any}", "x"), ("\\p{ASCII}+", "abé"),
    ("\\Qa.b\\E+", "a.bb"), ("\\x41\\x{42}\\103", "ABC"), ("[\\x{100}-\\x{200}]", "Āb"), ("\\<a\\>", "<a>"),
    ("\\_", "_"), ("\\Z", "a"), ("\\q", "a"), ("\\8", "8"), ("\\1", "1"), ("\\C", "a"), ("\\", "a"),
    ("(?x) a", "a"), ("(?i", "a"), ("(?=a)", "a"), ("(?<=a)b", "ab"), ("(?P=a)", "a"), ("(?P<a-b>x)", "x"),
    ("[", "a"), ("[a", "a"), ("[]a]", "]"), ("[^]a]", "b"), ("[a-]", "-"), ("[b-a]", "a"), ("[[:alpha:]]+", "ab1"),
    ("[[:^alpha:]]+", "ab12"), ("[[:foo:]]", "a"), ("[[:word:]]+", "a_1-"), ("[\\d-z]+", "1-z"), ("[a-\\d]", "a"),
    ("(", "a"), (")", "a"), ("a)", "a"), ("*", "a"), ("+a", "a"), ("a|*", "a"), ("(|a)", "a"), ("()", ""),
    ("a{1001}", "a"), ("a{1000}", "a"), ("(a{100}){100}", "a"), ("(a{10}){100}", "a"), ("a{2,1}", "a"),
    ("a{0}{5}", "a"), ("(?i)(?-i:a)A", "aA"), ("(a(?i)b)c", "aBc"), ("(?i:a)b", "Ab"), ("(?s-m:.)", "\n"),
    ("(?-)a", "a"), ("(?i-)a", "A"), ("(?:a|b)+", "abab"), ("a|b|", "c"), ("^*", "a"), ("\\b*", "a"),
    ("a*(?i)*", "aa"), ("x*", "xxaxx"), ("", "abc"), ("é+", "ééé"), ("[é-ë]", "ê"), ("(?i)É", "é"),
    ("\\d+\\.\\d+", "v1.22.3"), ("^v?(\\d+)\\.(\\d+)", "v1.22.3"), ("[.]", "a.b"), ("\\.", "a.b"),
    ("[\\\\]", "a\\b"), ("\\t\\n\\f\\r\\v\\a", "\t\n\f\r\v\a"), ("\\x{110000}", "a"), ("\\x{zz}", "a"),
    ("\\x4", "a"), ("\\p", "a"), ("\\p{", "a"), ("\\pX", "a"), ("\\p{}", "a"), ("((((a))))", "a"),
]
for i, (p, s) in enumerate(REGEX):
    case(f"regex/match/{i}", "{{ regexMatch %s %s }}" % (q(p), q(s)))
    case(f"regex/mustMatch/{i}", "{{ mustRegexMatch %s %s }}" % (q(p), q(s)))
    case(f"regex/find/{i}", "{{ regexFind %s %s | printf \"%%q\" }}" % (q(p), q(s)))
    case(f"regex/findAll/{i}", "{{ regexFindAll %s %s -1 | printf \"%%q\" }}" % (q(p), q(s)))
REPLACE = [
    ("a(x*)b", "-ab-axxb-", "${1}W"), ("a(x*)b", "-ab-axxb-", "$1W"), ("a(x*)b", "-ab-axxb-", "$$1"),
    ("a(x*)b", "-ab-axxb-", "$"), ("a(x*)b", "-ab-axxb-", "${1"), ("a(x*)b", "-ab-axxb-", "$2$1$0"),
    ("(?P<n>x+)", "axxb", "<$n>"), ("(?P<n>x+)", "axxb", "<${n}>"), ("(?P<n>x+)", "axxb", "<$nope>"),
    ("(x)", "x", "$01"), ("(x)", "x", "$1$1"), ("a*", "baaab", "-"), ("", "abc", "-"), ("x*", "abc", "-"),
    ("\\b", "ab cd", "|"), ("(?P<a>x)(?P<a>y)", "xy", "$a"), ("é", "éaé", "$0$0"), ("(a)|b", "ab", "[$1]"),
    ("[", "x", "y"), ("(é)", "é", "${1}x"), ("(\\w+)@(\\w+)", "me@host you@there", "$2 at $1"),
]
for i, (p, s, r) in enumerate(REPLACE):
    case(f"regex/replace/{i}", "{{ regexReplaceAll %s %s %s }}" % (q(p), q(s), q(r)))
    case(f"regex/replaceLiteral/{i}", "{{ regexReplaceAllLiteral %s %s %s }}" % (q(p), q(s), q(r)))
    case(f"regex/mustReplace/{i}", "{{ mustRegexReplaceAll %s %s %s }}" % (q(p), q(s), q(r)))
    case(f"regex/mustReplaceLiteral/{i}", "{{ mustRegexReplaceAllLiteral %s %s %s }}" % (q(p), q(s), q(r)))
SPLIT = [
    ("a", "banana", -1), ("a", "banana", 2), ("a", "banana", 0), ("a", "banana", 1), ("", "abc", -1),
    ("x*", "axbxc", -1), ("z", "", -1), ("", "", -1), ("a*", "baaac", -1), (",\\s*", "a, b,c ,  d", -1),
    ("[", "x", -1), ("b", "abba", -1), ("$", "ab", -1), ("^", "ab", -1),
]
for i, (p, s, n) in enumerate(SPLIT):
    case(f"regex/split/{i}", "{{ regexSplit %s %s %d | printf \"%%q\" }}" % (q(p), q(s), n))
    case(f"regex/mustSplit/{i}", "{{ mustRegexSplit %s %s %d | printf \"%%q\" }}" % (q(p), q(s), n))
for i, (p, s, n) in enumerate([("a", "banana", 2), ("a*", "baaab", -1), ("a", "banana", 0), ("\\d", "a1b22", 1), ("[", "x", 1)]):
    case(f"regex/findAllN/{i}", "{{ regexFindAll %s %s %d | printf \"%%q\" }}" % (q(p), q(s), n))
    case(f"regex/mustFindAllN/{i}", "{{ mustRegexFindAll %s %s %d | printf \"%%q\" }}" % (q(p), q(s), n))
for i, s in enumerate(["1.5-2.0?[x]", "a\\b$c^d{e}|f(g)*+.", "plain", "", "é.é"]):
    case(f"regex/quoteMeta/{i}", "{{ regexQuoteMeta %s }}" % q(s))
case("regex/type", '{{ printf "%T %T" (regexFindAll "a" "aa" -1) (regexSplit "a" "bab" -1) }}')
case("regex/nil-findall", '{{ regexFindAll "z" "aa" -1 | len }}{{ printf "%#v" (regexFindAll "z" "aa" -1) }}')
case("regex/badarg", '{{ regexFindAll "a" "b" "c" }}')
case("regex/values", '{{ regexReplaceAll .Values.re .Values.s .Values.r }}', 're: "(\\\\d+)"\ns: "a1b22"\nr: "<$1>"\n')
case("regex/values-n", '{{ regexFindAll "a" "aaa" .Values.n }}', "n: 2\n")

# ---------------------------------------------------------------- dates
LAYOUTS = [
    "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999Z07:00", "Mon Jan _2 15:04:05 MST 2006",
    "Monday, 02-Jan-06 15:04:05 MST", "02 Jan 06 15:04 -0700", "3:04PM", "03:04:05pm", "Jan _2 15:04:05.000000",
    "2006-01-02", "20060102150405", "January 2, 2006", "__2 002", "-07:00:00 -070000 Z07:00:00 Z070000 Z07 -07",
    ".000 ,999 .9", "15:04:05.00", "Month Monday", "_2006", "2006-1-2 3:4:5", "PM pm", "MST",
    "literal text", "",
]
TIMES = [0, 1136239445, 1700000000, 951782400, -86400, 4102444800, 253402300799]
ZONES = ["UTC", "Local", "", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/London",
         "Bad/Zone", "utc", "../etc", "EST", "Etc/GMT+5", "America/St_Johns"]
for i, layout in enumerate(LAYOUTS):
    for j, t in enumerate(TIMES[:4]):
        case(f"date/format/{i}/{j}", "{{ date %s %d }}" % (q(layout), t))
for i, z in enumerate(ZONES):
    for j, t in enumerate(TIMES):
        case(f"date/zone/{i}/{j}", "{{ dateInZone \"2006-01-02 15:04:05.000 MST -07:00\" %d %s }}" % (t, q(z)))
    case(f"date/date_in_zone/{i}", "{{ date_in_zone \"Jan 2 15:04 MST\" 1700000000 %s }}" % q(z))
    case(f"date/htmlDateInZone/{i}", "{{ htmlDateInZone 1700000000 %s }}" % q(z))
case("date/htmlDate", "{{ htmlDate 1700000000 }}")
case("date/float-is-now", "{{ date \"2006\" .Values.t }}", "t: 1700000000\n", check=r"regex:20\d\d")
case("date/string-is-now", '{{ date "2006" "1700000000" }}', check=r"regex:20\d\d")
case("date/now-shape", "{{ now }}", check=r"regex:20\d\d-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}")
case("date/now-type", '{{ printf "%T" now }}')
case("date/now-date", '{{ now | date "2006" }}', check=r"regex:20\d\d")
case("date/now-unix", "{{ now | unixEpoch }}", check=r"regex:1[7-9]\d{8}")
case("date/now-modify", '{{ now | dateModify "-24h" | date "2006" }}', check=r"regex:20\d\d")
case("date/now-methods", "{{ now.Year }} {{ now.UTC.Year }}", check=r"regex:20\d\d 20\d\d")
case("date/ago-now", "{{ ago now }}")
case("date/ago-epoch", "{{ ago 0 }}", check=r"regex:\d+h\d+m\d+s")
case("date/ago-future", "{{ ago 99999999999 }}", check=r"regex:-\d+h\d+m\d+(\.\d+)?s")
TO_DATE = [
    ("2006-01-02", "2024-02-29"), ("2006-01-02", "2023-02-29"), ("2006-01-02", "x"), ("2006-01-02", "2024-13-01"),
    ("2006-01-02", "2024-01-01 extra"), ("2006-01-02 15:04:05", "2024-03-01 10:20:30.25"),
    ("2006-01-02T15:04:05Z07:00", "2024-03-01T10:20:30+02:00"), ("2006-01-02T15:04:05Z07:00", "2024-03-01T10:20:30Z"),
    ("2006-01-02T15:04:05Z07:00", "2024-03-01T10:20:30+00:00"), ("Jan 2 06 3:04PM MST", "feb 3 99 4:05AM GMT+3"),
    ("Jan 2 06 3:04PM MST", "feb 3 99 4:05AM PST"), ("Jan 2 06 3:04PM MST", "feb 3 99 4:05AM UTC"),
    ("2006 002", "2024 060"), ("2006 002", "2023 366"), ("2006-01-02 002", "2024-03-01 061"), ("2006-01-02 002", "2024-03-01 062"),
    ("15:04", "25:00"), ("15:04:05", "10:61:00"), ("3:04PM", "12:30AM"), ("3:04pm", "12:30PM"), ("Monday 2006", "Fri 2024"),
    ("Mon 2006", "Fri 2024"), ("2006-01-02 -0700", "2024-01-01 +2500"), ("2006-01-02 MST", "2024-01-01 ABCDEF"),
    ("2006-01-02 .000", "2024-01-01 .12"), ("2006-01-02 .999", "2024-01-01 .12345"), ("2006-01-02", "2024-1-2"),
    ("2006-1-2", "2024-1-2"), ("01/02/2006", "12/31/1999"), ("06", "68"), ("06", "69"), ("2006-01-02", "0000-01-01"),
    ("2006-01-02", "２０２４-01-01"), ("January", "MARCH"), ("2006-01-02 MST", "2024-07-01 CEST"), ("", ""), ("", "x"),
    ("2006-01-02T15:04:05", "2024-01-01T00:00:00.123456789123"), ("2006-01-02 -07", "2024-01-01 +05"),
    ("2006-01-02 -07:00:00", "2024-01-01 +05:30:15"), ("2006-01-02 Z07:00", "2024-01-01 Z"),
]
for i, (layout, value) in enumerate(TO_DATE):
    case(f"toDate/{i}", "{{ toDate %s %s }}" % (q(layout), q(value)))
    case(f"mustToDate/{i}", "{{ mustToDate %s %s }}" % (q(layout), q(value)))
    case(f"toDate/unix/{i}", "{{ toDate %s %s | unixEpoch }}" % (q(layout), q(value)))
MODIFY = ["1h", "-1.5h", "90m", "1h2m3.5s", "300ms", "1µs", "1us", "1ns", "0", "", "x", "1", "1d", "-", ".", "1.h", ".5m",
          "9999999999h", "2562047h47m16.854775807s", "2562047h47m16.854775808s", "+5m", "1h-5m", "1e3s", "1m1m"]
for i, m in enumerate(MODIFY):
    case(f"dateModify/{i}", "{{ toDate \"2006-01-02\" \"2024-01-01\" | dateModify %s }}" % q(m))
    case(f"date_modify/{i}", "{{ toDate \"2006-01-02\" \"2024-01-01\" | date_modify %s | date \"2006-01-02 15:04:05.000000000\" }}" % q(m))
    case(f"mustDateModify/{i}", "{{ toDate \"2006-01-02\" \"2024-01-01\" | mustDateModify %s }}" % q(m))
    case(f"durationRound/{i}", "{{ durationRound %s }}" % q(m))
case("must_date_modify", '{{ toDate "2006-01-02" "2024-01-01" | must_date_modify "1h" }}')
case("dateModify/type", '{{ dateModify "1h" "2024" }}')
case("unixEpoch/type", '{{ unixEpoch 5 }}')
for i, d in enumerate(["95", "0", "-3600", "86400", "x", "1e3", "9223372036854775807", "31536000", " 5"]):
    case(f"duration/{i}", "{{ duration %s }}" % q(d))
case("duration/int", "{{ duration 95 }}")
case("duration/float", "{{ duration .Values.d }}", "d: 95\n")
for i, d in enumerate(["1h", "25h", "750h", "9000h", "61s", "60s", "59m59s", "-3h", "1.5s", "1s"]):
    case(f"durationRound/s/{i}", "{{ durationRound %s }}" % q(d))
case("durationRound/int", "{{ durationRound 5 }}")
case("durationRound/time", "{{ durationRound (toDate \"2006\" \"2000\") }}", check=r"regex:2\dy")
case("toDate/methods", '{{ $t := toDate "2006-01-02 15:04:05" "2024-02-29 13:14:15" }}{{ $t.Year }} {{ $t.Month }} {{ $t.Day }} {{ $t.Hour }} {{ $t.Minute }} {{ $t.Second }} {{ $t.YearDay }} {{ $t.Weekday }} {{ $t.Unix }} {{ $t.Format "Jan 2" }} {{ $t.UTC }} {{ $t.IsZero }} {{ $t.AddDate 0 1 1 }} {{ $t.UnixMilli }}')
case("toDate/zero", '{{ $t := toDate "2006" "x" }}{{ $t }} {{ $t.IsZero }} {{ $t.Unix }}')
case("toDate/compare", '{{ $a := toDate "2006" "2000" }}{{ $b := toDate "2006" "2001" }}{{ $a.Before $b }} {{ $a.After $b }} {{ $a.Equal $a }}')

# ---------------------------------------------------------------- hashes
for i, s in enumerate(["", "abc", "héllo wörld ☺", "a" * 1000, "line\nbreak", "\x00"]):
    for f in ["sha1sum", "sha256sum", "sha512sum", "adler32sum"]:
        case(f"hash/{f}/{i}", "{{ %s %s }}" % (f, q(s)))
case("hash/values", "{{ sha256sum .Values.s }} {{ adler32sum .Values.s }}", "s: hello\n")
case("hash/badtype", "{{ sha256sum 5 }}")

# ---------------------------------------------------------------- random
for f, cls in [("randAlphaNum", "A-Za-z0-9"), ("randAlpha", "A-Za-z"), ("randNumeric", "0-9"), ("randAscii", " -~")]:
    for n in [0, 1, 16, 100]:
        pat = "" if n == 0 else "[%s]{%d}" % (cls, n)
        case(f"random/{f}/{n}", "{{ %s %d }}" % (f, n), check="regex:" + pat)
    case(f"random/{f}/neg", "{{ %s -5 }}" % f)
    case(f"random/{f}/float", "{{ %s .Values.n }}" % f, "n: 5\n")
case("random/uuidv4", "{{ uuidv4 }}", check="regex:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
case("random/randInt/1", "{{ randInt 1 2 }}")
case("random/randInt/range", "{{ randInt 10 20 }}", check="regex:1[0-9]")
case("random/randInt/neg", "{{ randInt -5 -4 }}")
case("random/randInt/empty", "{{ randInt 5 5 }}")
case("random/randInt/reverse", "{{ randInt 5 1 }}")
case("random/shuffle", '{{ shuffle "aaaa" }}')
case("random/shuffle/empty", '{{ shuffle "" }}')
case("random/shuffle/shape", '{{ shuffle "abcdefgh" }}', check="regex:[a-h]{8}")
case("random/shuffle/unicode", '{{ shuffle "ééé" }}')
for n in [0, 1, 16, 100]:
    pat = "" if n == 0 else "[A-Za-z0-9+/]{%d}={0,2}" % (n * 4 // 3)
    case(f"random/randBytes/{n}", "{{ randBytes %d | len }}" % n)
case("random/randBytes/shape", "{{ randBytes 16 }}", check="regex:[A-Za-z0-9+/]{22}==")
case("random/randBytes/neg", "{{ randBytes -1 }}")

# ---------------------------------------------------------------- crypto
for n, kind in [(1, "long"), (2, "long"), (1, "maximum"), (1, "medium"), (1, "basic"), (1, "short"), (1, "pin"), (1, "nope"), (7, "long")]:
    case(f"derivePassword/{kind}/{n}", "{{ derivePassword %d %s \"password\" \"user\" \"example.com\" }}" % (n, q(kind)), slow=kind != "nope")
case("derivePassword/unicode", '{{ derivePassword 3 "maximum" "pässword" "üser" "exämple.com" }}', slow=True)
case("derivePassword/float", '{{ derivePassword .Values.n "long" "p" "u" "s" }}', "n: 1\n")
case("bcrypt", '{{ bcrypt "secret" }}', check="bcrypt:secret")
case("bcrypt/empty", '{{ bcrypt "" }}', check="bcrypt:")
case("bcrypt/long", '{{ bcrypt "%s" }}' % ("x" * 73))
case("bcrypt/72", '{{ bcrypt "%s" }}' % ("y" * 72), check="bcrypt:" + "y" * 72)
case("htpasswd", '{{ htpasswd "admin" "pa$$word" }}', check="bcrypt:pa$$word")
case("htpasswd/colon", '{{ htpasswd "ad:min" "x" }}')
case("encryptAES", '{{ encryptAES "secretkey" "plaintext" }}', check="aes:secretkey:plaintext")
case("encryptAES/long-key", '{{ encryptAES "%s" "exactly16bytes!!" }}' % ("k" * 40), check="aes:%s:exactly16bytes!!" % ("k" * 40))
case("encryptAES/empty", '{{ encryptAES "k" "" }}')
case("encryptAES/roundtrip", '{{ encryptAES "k" "hello world" | decryptAES "k" }}')
case("decryptAES/empty", '{{ decryptAES "k" "" }}')
case("decryptAES/short", '{{ decryptAES "k" "YWJj" }}')
case("decryptAES/badb64", '{{ decryptAES "k" "not base64!" }}')
case("decryptAES/notblocks", '{{ decryptAES "k" "MDEyMzQ1Njc4OWFiY2RlZjAx" }}')
case("decryptAES/ivonly", '{{ decryptAES "k" "MDEyMzQ1Njc4OWFiY2RlZg==" }}')
case("decryptAES/known", '{{ decryptAES "secretkey" .Values.c }}', "c: %s\n" % "PLACEHOLDER")
for kind in ["ecdsa", "ed25519"]:
    case(f"genPrivateKey/{kind}", "{{ genPrivateKey %s }}" % q(kind), check="x509")
case("genPrivateKey/dsa", "{{ genPrivateKey \"dsa\" }}", check="x509")
case("genPrivateKey/unknown", '{{ genPrivateKey "foo" }}')
CERT = "PLACEHOLDER-CERT"
# genCA runs first among the slow cases: the Rust test times it to decide whether the other
# slow cases are affordable (unoptimized dependencies take seconds per RSA key).
case("genCA", '{{ $ca := genCA "my-ca" 365 }}{{ $ca.Cert }}{{ $ca.Key }}', check="x509", slow=True)
case("genCA/type", '{{ printf "%T" (genCAWithKey "x" 1 .Values.keyPem) }}', CERT)
case("genCAWithKey", '{{ $ca := genCAWithKey "with-key" 10 .Values.keyPem }}{{ $ca.Cert }}{{ $ca.Key }}', CERT, check="x509")
case("genCA/empty-cn", '{{ (genCAWithKey "" 30 .Values.keyPem).Cert }}', CERT, check="x509")
case("genCA/unicode-cn", '{{ (genCAWithKey "Zürich CA, Inc." 30 .Values.keyPem).Cert }}', CERT, check="x509")
for i, cn in enumerate(["a_b@c", "*.example.com", "a&b", "x\ty", "plain-Name.1 (x)"]):
    case(f"genCA/cn/{i}", '{{ (genCAWithKey %s 30 .Values.keyPem).Cert }}' % q(cn), CERT, check="x509")
case("genSelfSignedCert", '{{ $c := genSelfSignedCert "foo.com" .Values.ips .Values.dns 365 }}{{ $c.Cert }}{{ $c.Key }}',
     "ips: [10.0.0.1, '::1', '::ffff:1.2.3.4']\ndns: [foo.com, bar.foo.com]\n", check="x509", slow=True)
case("genSelfSignedCertWithKey", '{{ $c := genSelfSignedCertWithKey "foo.com" .Values.ips .Values.dns 365 .Values.keyPem }}{{ $c.Cert }}',
     CERT + "ips: [10.0.0.1, '::1', '::ffff:1.2.3.4', '2001:db8::1']\ndns: [foo.com, bar.foo.com]\n", check="x509")
case("genSelfSignedCert/nil", '{{ (genSelfSignedCertWithKey "" nil nil 10 .Values.keyPem).Cert }}', CERT, check="x509")
case("genSelfSignedCert/badip", '{{ genSelfSignedCert "foo" .Values.ips nil 10 }}', "ips: [300.1.1.1]\n")
case("genSelfSignedCert/badip6", '{{ genSelfSignedCert "foo" .Values.ips nil 10 }}', "ips: ['fe80::1%eth0']\n")
case("genSelfSignedCert/ipnotstring", '{{ genSelfSignedCert "foo" .Values.ips nil 10 }}', "ips: [5]\n")
case("genSelfSignedCert/dnsnotstring", '{{ genSelfSignedCert "foo" nil .Values.dns 10 }}', "dns: [true]\n")
case("genSelfSignedCert/stringlist", '{{ genSelfSignedCert "foo" .Values.s nil 10 }}', "s: x\n")
case("genSignedCert", '{{ $ca := buildCustomCert .Values.cert .Values.key }}{{ $c := genSignedCert "leaf.example" .Values.ips .Values.dns 30 $ca }}{{ $ca.Cert }}{{ $c.Cert }}{{ $c.Key }}',
     CERT + "ips: [192.168.0.1]\ndns: [leaf.example, '*.leaf.example']\n", check="x509", slow=True)
case("genSignedCertWithKey", '{{ $ca := buildCustomCert .Values.cert .Values.key }}{{ $c := genSignedCertWithKey "leaf.example" .Values.ips .Values.dns 30 $ca .Values.keyPem }}{{ $ca.Cert }}{{ $c.Cert }}{{ $c.Key }}',
     CERT + "ips: [192.168.0.1]\ndns: [leaf.example, '*.leaf.example']\n", check="x509")
case("genSignedCert/same-cn", '{{ $ca := genCAWithKey "same" 365 .Values.keyPem }}{{ $c := genSignedCertWithKey "same" nil nil 30 $ca .Values.keyPem }}{{ $ca.Cert }}{{ $c.Cert }}', CERT, check="x509")
case("genSignedCert/ecdsa", '{{ $k := genPrivateKey "ecdsa" }}{{ $ca := genCAWithKey "ec-ca" 10 $k }}{{ $c := genSignedCertWithKey "leaf" nil .Values.dns 5 $ca $k }}{{ $ca.Cert }}{{ $c.Cert }}{{ $c.Key }}',
     "dns: [a.b]\n", check="x509")
case("genSignedCert/ecdsa-ca-rsa-leaf", '{{ $k := genPrivateKey "ecdsa" }}{{ $ca := genCAWithKey "ec-ca" 10 $k }}{{ $c := genSignedCertWithKey "leaf" nil nil 5 $ca .Values.keyPem }}{{ $ca.Cert }}{{ $c.Cert }}', CERT, check="x509")
case("genSignedCert/key-mismatch", '{{ $ca := buildCustomCert .Values.cert .Values.key }}{{ $k := genPrivateKey "ecdsa" }}{{ $bad := genCAWithKey "other" 1 $k }}{{ $mixed := buildCustomCert .Values.cert (.Values.keyEcB64) }}{{ genSignedCertWithKey "x" nil nil 1 $mixed $k }}', CERT + "keyEcB64: PLACEHOLDER-ECKEY\n")
case("genSignedCert/badca-pem", '{{ $ca := buildCustomCert .Values.cert .Values.key }}{{ genSignedCertWithKey "x" nil nil 1 (buildCustomCert .Values.bad .Values.key) .Values.keyPem }}', CERT + "bad: YWJj\n")
case("genSignedCert/badca", '{{ $ca := buildCustomCert .Values.cert .Values.key }}{{ genSignedCertWithKey "x" nil .Values.dns 1 $ca .Values.keyPem }}', CERT + "dns: ['é.example']\n")
case("genCAWithKey/bad", '{{ genCAWithKey "x" 10 "nonsense" }}')
case("genCAWithKey/cert-as-key", '{{ genCAWithKey "y" 10 .Values.certPem }}', CERT)
case("genCAWithKey/pkcs8-ed25519", '{{ genCAWithKey "y" 10 (genPrivateKey "ed25519") | printf "%T" }}')
case("genSignedCert/wrong-type", '{{ genSignedCert "x" nil nil 1 "ca" }}')
case("genSelfSignedCertWithKey/ecdsa", '{{ $k := genPrivateKey "ecdsa" }}{{ $c := genSelfSignedCertWithKey "s" nil nil 3 $k }}{{ $c.Cert }}{{ $c.Key }}', check="x509")
case("buildCustomCert/bad64", '{{ buildCustomCert "!!" "!!" }}')
case("buildCustomCert/badkey64", '{{ buildCustomCert "YWJj" "!!" }}')
case("buildCustomCert/notpem", '{{ buildCustomCert "YWJj" "YWJj" }}')
case("buildCustomCert/roundtrip", '{{ $c := buildCustomCert .Values.cert .Values.key }}{{ $c.Cert }}{{ $c.Key }}', CERT, check="x509")
case("buildCustomCert/same", '{{ $c := buildCustomCert .Values.cert .Values.key }}{{ eq $c.Cert .Values.certPem }} {{ eq $c.Key .Values.keyPem }}', CERT)
case("buildCustomCert/badcert", '{{ buildCustomCert .Values.bad .Values.key }}', CERT + "bad: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCllXSmoKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\n")
case("cert/print", '{{ $c := buildCustomCert .Values.cert .Values.key }}{{ printf "%v" $c | len | lt 100 }} {{ printf "%+v" $c | len | lt 100 }}', CERT)
