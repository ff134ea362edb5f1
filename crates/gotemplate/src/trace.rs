//! Tracing: which marked strings an execution's output was built from.
//!
//! A caller marks strings (a chart's values) before executing. A string the templates pass on
//! unchanged stays the same allocation (`Rc<str>`), so output printed from it is attributed to
//! its mark through variables, `default`, `index`, `get`, and the dicts handed to `include`,
//! with no change to how values are represented or compared. A string a function builds from
//! marked strings (`printf`, `quote`, `trimPrefix`, a `+` of parts) gets the pieces of its
//! arguments that it contains, found by their text; the output of a nested execution
//! (`include`, `tpl`) keeps the pieces its own prints had.
//!
//! Tracing is on only while a [`Session`] is alive on the thread, so executions that do not
//! ask for it pay one thread-local check per print and call. The strings it records are kept
//! alive for the session (an address freed and reused by another string must not inherit a
//! mark), within a byte budget past which derived strings are no longer recorded.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::value::Value;

/// A byte range of a string (or of an output) and the mark it was printed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Start offset, in bytes.
    pub start: usize,
    /// End offset, in bytes (exclusive).
    pub end: usize,
    /// The caller's mark.
    pub mark: u32,
}

/// How many bytes of derived strings a session keeps alive; beyond it, derived strings are
/// not traced (marks and nested outputs already recorded stay).
const DERIVED_BUDGET: usize = 64 << 20;

/// How many argument pieces one call looks for in its result, and how deep it walks maps and
/// lists of its arguments for them (`toYaml .Values.sidecars` prints the strings inside).
const MAX_PIECES_PER_CALL: usize = 20_000;
const MAX_WALK_DEPTH: usize = 24;

/// How many bytes of its result one call may search, as a multiple of the result's length
/// (plus a floor): pieces printed in order (a `toYaml` of a map, keys sorted) are found by one
/// pass; pieces out of order cost a search each, and stop being looked for past the budget.
const SEARCH_BUDGET_FACTOR: usize = 8;
const SEARCH_BUDGET_FLOOR: usize = 1 << 20;

#[derive(Default)]
struct Tracer {
    strings: HashMap<usize, (Rc<str>, Rc<[Piece]>)>,
    derived_bytes: usize,
}

thread_local! {
    static TRACER: RefCell<Option<Tracer>> = const { RefCell::new(None) };
}

fn key(s: &Rc<str>) -> usize {
    Rc::as_ptr(s) as *const u8 as usize
}

/// Tracing on this thread, for as long as it lives.
pub struct Session {
    previous: Option<Tracer>,
}

impl Session {
    /// Starts tracing on this thread (a session already running is set aside until this one
    /// ends).
    pub fn start() -> Session {
        let previous = TRACER.with(|t| t.borrow_mut().replace(Tracer::default()));
        Session { previous }
    }

    /// Marks `s`: output printed from it (or from what is built of it) carries `mark`. A
    /// string already marked keeps its first mark; empty strings are not marked.
    pub fn mark(&self, s: &Rc<str>, mark: u32) {
        if s.is_empty() {
            return;
        }
        TRACER.with(|t| {
            if let Some(tracer) = t.borrow_mut().as_mut() {
                tracer.strings.entry(key(s)).or_insert_with(|| {
                    let whole: Rc<[Piece]> = Rc::from(vec![Piece {
                        start: 0,
                        end: s.len(),
                        mark,
                    }]);
                    (s.clone(), whole)
                });
            }
        });
    }
}

impl Session {
    /// Whether `s` is marked or was recorded as built from marked strings.
    pub fn is_marked(&self, s: &Rc<str>) -> bool {
        pieces(&Value::String(s.clone())).is_some()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let previous = self.previous.take();
        TRACER.with(|t| *t.borrow_mut() = previous);
    }
}

/// Whether a session is running on this thread.
pub(crate) fn active() -> bool {
    TRACER.with(|t| t.borrow().is_some())
}

/// The pieces of `v`, when it is a string that was marked or built from marked strings.
pub(crate) fn pieces(v: &Value) -> Option<Rc<[Piece]>> {
    let Value::String(s) = v else { return None };
    TRACER.with(|t| {
        let t = t.borrow();
        let tracer = t.as_ref()?;
        tracer.strings.get(&key(s)).map(|(_, p)| p.clone())
    })
}

/// Records that `s` holds `pieces` (offsets into `s`), keeping `s` alive for the session.
/// A string already recorded keeps what it had.
pub(crate) fn record(s: &Rc<str>, pieces: Vec<Piece>, derived: bool) {
    if pieces.is_empty() {
        return;
    }
    TRACER.with(|t| {
        let mut t = t.borrow_mut();
        let Some(tracer) = t.as_mut() else { return };
        if derived {
            if tracer.derived_bytes + s.len() > DERIVED_BUDGET {
                return;
            }
            tracer.derived_bytes += s.len();
        }
        tracer
            .strings
            .entry(key(s))
            .or_insert_with(|| (s.clone(), Rc::from(pieces)));
    });
}

/// The result of a function: when it is a new string and its arguments held marked text (as
/// strings, or inside maps and lists), the pieces of that text found in it. An argument piece
/// is found by its text, left to right (so `printf "%s:%s" repo tag` gets both, and `toYaml` of
/// a map gets its strings in key order); a result that is part of one piece (`trimPrefix "v"`,
/// `trunc`) is that piece's.
pub(crate) fn derive(result: &Value, args: &[Value]) {
    let Value::String(out) = result else { return };
    if out.is_empty() || pieces(result).is_some() {
        return;
    }
    let mut search = Search {
        out,
        found: Vec::new(),
        looked: 0,
        from: 0,
        budget: out.len().saturating_mul(SEARCH_BUDGET_FACTOR) + SEARCH_BUDGET_FLOOR,
    };
    for arg in args {
        search.visit(arg, 0);
    }
    let mut found = search.found;
    found.sort_by_key(|p| (p.start, p.end));
    found.dedup();
    record(out, found, true);
}

/// The search of one call's result for its arguments' pieces.
struct Search<'o> {
    out: &'o str,
    found: Vec<Piece>,
    looked: usize,
    /// Where the previous piece ended: the next is looked for from here first.
    from: usize,
    /// Bytes of `out` that may still be searched.
    budget: usize,
}

impl Search<'_> {
    fn visit(&mut self, arg: &Value, depth: usize) {
        if depth > MAX_WALK_DEPTH || self.looked >= MAX_PIECES_PER_CALL || self.budget == 0 {
            return;
        }
        match arg {
            Value::String(text) => {
                if let Some(arg_pieces) = pieces(arg) {
                    for piece in arg_pieces.iter() {
                        if let Some(part) = text.get(piece.start..piece.end) {
                            self.place(part, piece.mark);
                        }
                    }
                }
            }
            Value::List(items) => {
                for item in items.iter() {
                    self.visit(item, depth + 1);
                }
            }
            Value::Map(map) => {
                for (_, value) in map.entries() {
                    self.visit(&value, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn place(&mut self, part: &str, mark: u32) {
        if self.looked >= MAX_PIECES_PER_CALL || self.budget == 0 {
            return;
        }
        self.looked += 1;
        let out = self.out;
        let mut find = |from: usize| -> Option<usize> {
            let rest = out.get(from..)?;
            let at = rest.find(part);
            let scanned = at.map_or(rest.len(), |i| i + part.len());
            self.budget = self.budget.saturating_sub(scanned);
            at.map(|i| i + from)
        };
        let at = find(self.from).or_else(|| if self.from > 0 { find(0) } else { None });
        match at {
            Some(at) => {
                self.from = at + part.len();
                self.found.push(Piece {
                    start: at,
                    end: at + part.len(),
                    mark,
                });
            }
            None if part.contains(out) => self.found.push(Piece {
                start: 0,
                end: out.len(),
                mark,
            }),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_last_only_as_long_as_the_session() {
        let s: Rc<str> = Rc::from("docker.io");
        {
            let session = Session::start();
            session.mark(&s, 7);
            let got = pieces(&Value::String(s.clone())).unwrap_or_else(|| panic!("not marked"));
            assert_eq!(
                &*got,
                &[Piece {
                    start: 0,
                    end: 9,
                    mark: 7
                }]
            );
        }
        assert!(pieces(&Value::String(s)).is_none());
        assert!(!active());
    }

    #[test]
    fn a_built_string_gets_the_pieces_it_contains_and_a_cut_one_the_whole() {
        let session = Session::start();
        let repo: Rc<str> = Rc::from("acme/web");
        let tag: Rc<str> = Rc::from("v1.2");
        session.mark(&repo, 1);
        session.mark(&tag, 2);
        let joined = Value::from("\"acme/web:v1.2\"");
        derive(
            &joined,
            &[Value::String(repo.clone()), Value::String(tag.clone())],
        );
        let got = pieces(&joined).unwrap_or_else(|| panic!("not derived"));
        assert_eq!(
            &*got,
            &[
                Piece {
                    start: 1,
                    end: 9,
                    mark: 1
                },
                Piece {
                    start: 10,
                    end: 14,
                    mark: 2
                }
            ]
        );
        let cut = Value::from("1.2");
        derive(&cut, &[Value::from("v"), Value::String(tag)]);
        assert_eq!(
            &*pieces(&cut).unwrap_or_else(|| panic!("not cut")),
            &[Piece {
                start: 0,
                end: 3,
                mark: 2
            }]
        );
        // Unmarked arguments give nothing.
        let plain = Value::from("x:y");
        derive(&plain, &[Value::from("x"), Value::from("y")]);
        assert!(pieces(&plain).is_none());
    }
}
