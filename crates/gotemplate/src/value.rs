//! The value model: the Go `interface{}` data that Helm hands to templates.
//!
//! YAML and JSON decode into `map[string]interface{}`, `[]interface{}`,
//! `string`, `float64` (every number), `bool` and nil; template literals and
//! functions add Go `int`, `int64` and typed slices and maps (`[]string`,
//! `map[string]string`). Each [`Value`] variant carries enough of its Go type
//! for the engine to reproduce Go's behaviour: printing, `%T`, comparisons,
//! the zero value of a missing map key, and argument type checks.
//!
//! Maps are shared mutable references like Go maps (Sprig's `set` and
//! `merge` mutate a dict that every holder sees); lists are Go slices with
//! value semantics (copy on write). Go structs such as `.Capabilities` are
//! [`Object`]s. Every walk over nested values is bounded by
//! [`MAX_VALUE_DEPTH`], so a dict set into itself yields an error, never a
//! hang or a stack overflow.

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::funcs::Function;

/// How deep nested lists and maps may go before printing, copying or
/// comparing them fails (this also catches maps that contain themselves).
pub const MAX_VALUE_DEPTH: usize = 10_000;

/// How many values walking a value may visit, a shared list or map counted each time it
/// appears. A template can build a value of 2^40 such visits in a few bytes
/// (`$d = dict "a" $d "b" $d` forty times); copying, comparing or printing it would never end.
pub const MAX_EXPANDED_VALUES: usize = 1 << 22;

/// An error from walking a value: too deep or cyclic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError(pub String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueError {}

pub(crate) fn depth_error() -> ValueError {
    ValueError(format!(
        "value nesting exceeds {MAX_VALUE_DEPTH} levels (is a map or list contained in itself?)"
    ))
}

/// The Go type of a list's elements or a map's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElemType {
    /// `interface{}`: elements are any value, nil included.
    Interface,
    /// `string`
    String,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `float64`
    Float64,
    /// `bool`
    Bool,
}

impl ElemType {
    /// The Go spelling, as `reflect.Type.String()` gives it.
    pub fn go_name(self) -> &'static str {
        match self {
            ElemType::Interface => "interface {}",
            ElemType::String => "string",
            ElemType::Int => "int",
            ElemType::Int64 => "int64",
            ElemType::Float64 => "float64",
            ElemType::Bool => "bool",
        }
    }

    /// Go's zero value of the type (nil for `interface{}`).
    pub fn zero(self) -> Value {
        match self {
            ElemType::Interface => Value::Nil,
            ElemType::String => Value::String(Rc::from("")),
            ElemType::Int => Value::Int(0),
            ElemType::Int64 => Value::Int64(0),
            ElemType::Float64 => Value::Float(0.0),
            ElemType::Bool => Value::Bool(false),
        }
    }
}

/// A Go value as templates see it.
#[derive(Clone)]
pub enum Value {
    /// A nil interface: YAML `null`, a missing map key, Go's `nil`.
    Nil,
    /// `bool`
    Bool(bool),
    /// Go `int` (template literals, `len`, range indexes).
    Int(i64),
    /// Go `int64` (Sprig arithmetic).
    Int64(i64),
    /// Go `uint8` / `byte` (indexing a string).
    Uint8(u8),
    /// `float64` (every number decoded from YAML or JSON).
    Float(f64),
    /// `string`
    String(Rc<str>),
    /// A slice (`[]interface{}`, `[]string`, ...).
    List(List),
    /// A map with string keys (`map[string]interface{}`, ...), shared by reference.
    Map(Map),
    /// A Go struct or named type with fields and methods.
    Object(Rc<dyn Object>),
    /// A function value (for the `call` builtin).
    Func(Function),
}

/// A Go slice: a list of values with an element type. Cloning is cheap;
/// mutation copies the elements if they are shared (value semantics).
#[derive(Clone)]
pub struct List {
    items: Rc<Vec<Value>>,
    elem: ElemType,
}

impl List {
    /// A `[]interface{}`.
    pub fn new(items: Vec<Value>) -> List {
        List {
            items: Rc::new(items),
            elem: ElemType::Interface,
        }
    }

    /// A slice with the given element type, e.g. `[]string`. The caller
    /// keeps the items to that type.
    pub fn typed(elem: ElemType, items: Vec<Value>) -> List {
        List {
            items: Rc::new(items),
            elem,
        }
    }

    /// A `[]string`.
    pub fn strings<I, S>(items: I) -> List
    where
        I: IntoIterator<Item = S>,
        S: Into<Rc<str>>,
    {
        List::typed(
            ElemType::String,
            items.into_iter().map(|s| Value::String(s.into())).collect(),
        )
    }

    /// The element type.
    pub fn elem_type(&self) -> ElemType {
        self.elem
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The element at `i`.
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.items.get(i)
    }

    /// The elements.
    pub fn as_slice(&self) -> &[Value] {
        &self.items
    }

    /// Iterates over the elements.
    pub fn iter(&self) -> std::slice::Iter<'_, Value> {
        self.items.iter()
    }

    /// Mutable access to the elements (copied first if shared).
    pub fn items_mut(&mut self) -> &mut Vec<Value> {
        Rc::make_mut(&mut self.items)
    }

    /// Appends an element.
    pub fn push(&mut self, v: Value) {
        self.items_mut().push(v);
    }

    /// The elements, copied out if shared.
    pub fn into_vec(mut self) -> Vec<Value> {
        let items = std::mem::take(&mut self.items);
        Rc::try_unwrap(items).unwrap_or_else(|rc| (*rc).clone())
    }

    /// The Go type, e.g. `[]interface {}`.
    pub fn go_type_name(&self) -> String {
        format!("[]{}", self.elem.go_name())
    }
}

// Nested values are freed on a growable stack: a deeply nested list or map
// must not overflow the stack when it is dropped.
impl Drop for List {
    fn drop(&mut self) {
        if Rc::strong_count(&self.items) == 1 && !self.items.is_empty() {
            let items = std::mem::take(&mut self.items);
            stacker::maybe_grow(64 * 1024, 1024 * 1024, move || drop(items));
        }
    }
}

impl Drop for MapInner {
    fn drop(&mut self) {
        if Rc::strong_count(&self.entries) != 1 {
            return;
        }
        let entries = std::mem::take(&mut *self.entries.borrow_mut());
        if !entries.is_empty() {
            stacker::maybe_grow(64 * 1024, 1024 * 1024, move || drop(entries));
        }
    }
}

impl FromIterator<Value> for List {
    fn from_iter<T: IntoIterator<Item = Value>>(iter: T) -> Self {
        List::new(iter.into_iter().collect())
    }
}

struct MapInner {
    /// Shared by every view of the map (a named type's view of a plain map, as Go's
    /// conversion `Values(m)` gives, sees the same entries).
    entries: Rc<RefCell<BTreeMap<String, Value>>>,
    elem: ElemType,
    name: Option<Box<str>>,
}

/// A Go map with string keys, iterated in byte order of the keys. Cloning
/// a `Map` clones the reference: all clones see each other's changes, as
/// holders of a Go map do. No borrow of the entries outlives a method call.
#[derive(Clone)]
pub struct Map(Rc<MapInner>);

impl Default for Map {
    fn default() -> Self {
        Map::new()
    }
}

impl Map {
    /// An empty `map[string]interface{}`.
    pub fn new() -> Map {
        Map::with_type(ElemType::Interface, None)
    }

    /// An empty map with the given value type and, for a named Go map type
    /// such as Helm's `common.Values`, its name (used by `%T` and in errors).
    pub fn with_type(elem: ElemType, name: Option<&str>) -> Map {
        Map(Rc::new(MapInner {
            entries: Rc::new(RefCell::new(BTreeMap::new())),
            elem,
            name: name.map(Box::from),
        }))
    }

    /// A `map[string]interface{}` holding the given entries.
    pub fn from_entries<I, K>(entries: I) -> Map
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        let m = Map::new();
        for (k, v) in entries {
            m.insert(k, v);
        }
        m
    }

    /// The value type.
    pub fn elem_type(&self) -> ElemType {
        self.0.elem
    }

    /// The Go type, e.g. `map[string]interface {}` or a type name.
    pub fn go_type_name(&self) -> String {
        match &self.0.name {
            Some(n) => n.to_string(),
            None => format!("map[string]{}", self.0.elem.go_name()),
        }
    }

    /// Whether the map has a named type (Go's named map types carry methods).
    pub fn type_name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.0.entries.borrow().get(key).cloned()
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.entries.borrow().contains_key(key)
    }

    /// Sets `key`, returning the previous value; every holder of the map sees it.
    pub fn insert(&self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.0.entries.borrow_mut().insert(key.into(), value)
    }

    /// Deletes `key`, returning its value.
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.0.entries.borrow_mut().remove(key)
    }

    /// Deletes every entry.
    pub fn clear(&self) {
        self.0.entries.borrow_mut().clear();
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.entries.borrow().len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.entries.borrow().is_empty()
    }

    /// The keys in byte order.
    pub fn keys(&self) -> Vec<String> {
        self.0.entries.borrow().keys().cloned().collect()
    }

    /// A snapshot of the entries in key order; later changes don't affect it.
    pub fn entries(&self) -> Vec<(String, Value)> {
        self.0
            .entries
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Whether both handles refer to the same map (views of one map included).
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Rc::ptr_eq(&self.0.entries, &other.0.entries)
    }

    /// The same map seen as the named map type `name` (Go's conversion `Name(m)`): the
    /// entries are shared, so changes through either are seen by both.
    pub fn named_view(&self, name: &str) -> Map {
        self.view(Some(name))
    }

    /// The same map seen as the named type `name`, or as its plain type for `None`.
    pub fn view(&self, name: Option<&str>) -> Map {
        Map(Rc::new(MapInner {
            entries: Rc::clone(&self.0.entries),
            elem: self.0.elem,
            name: name.map(Box::from),
        }))
    }

    /// A new map of the same type with the same entries (not deep).
    pub fn shallow_copy(&self) -> Map {
        Map(Rc::new(MapInner {
            entries: Rc::new(RefCell::new(self.0.entries.borrow().clone())),
            elem: self.0.elem,
            name: self.0.name.clone(),
        }))
    }
}

/// A Go struct (or named type with methods) exposed to templates, like
/// Helm's `.Capabilities` or `.Files`.
///
/// Field access `.X` first looks for a method `X` (as Go does), then a
/// field, then, if the object has an [`underlying`](Object::underlying) map,
/// a key of that map. Range, `len`, `index` and printing use the underlying
/// value when there is one (Go named types like `type VersionSet []string`).
pub trait Object: Any {
    /// The Go type name for `%T` and error messages, e.g. `*common.Capabilities`.
    fn type_name(&self) -> String;

    /// The field `name`, if the struct has it.
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    /// The method `name` bound to this object, with its signature.
    fn method(&self, _name: &str) -> Option<Function> {
        None
    }

    /// Go's `String()` method (`fmt.Stringer`), used when printing with
    /// `%v %s %q %x %X` and by `print`.
    fn string(&self) -> Option<String> {
        None
    }

    /// The fields in declaration order, for printing as `{a b c}` (or
    /// `{A:a B:b}` with `%+v`) when there is no [`string`](Object::string).
    fn fields(&self) -> Vec<(String, Value)> {
        Vec::new()
    }

    /// For a named slice or map type: the value it wraps.
    fn underlying(&self) -> Option<Value> {
        None
    }

    /// Whether the Go value is a pointer (printed `&{...}` by `printf "%v"`).
    fn is_pointer(&self) -> bool {
        false
    }

    /// For downcasting in functions that know the concrete type.
    fn as_any(&self) -> &dyn Any;
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::String(Rc::from(s))
    }

    /// Whether this is nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The Go type name, as `%T` prints it (`<nil>` for nil).
    pub fn go_type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".to_string(),
            Value::Bool(_) => "bool".to_string(),
            Value::Int(_) => "int".to_string(),
            Value::Int64(_) => "int64".to_string(),
            Value::Uint8(_) => "uint8".to_string(),
            Value::Float(_) => "float64".to_string(),
            Value::String(_) => "string".to_string(),
            Value::List(l) => l.go_type_name(),
            Value::Map(m) => m.go_type_name(),
            Value::Object(o) => o.type_name(),
            Value::Func(f) => f.go_type_name(),
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The map, if this is a map or an object whose underlying value is one.
    pub fn as_map(&self) -> Option<Map> {
        match self {
            Value::Map(m) => Some(m.clone()),
            Value::Object(o) => match o.underlying() {
                Some(Value::Map(m)) => Some(m),
                _ => None,
            },
            _ => None,
        }
    }

    /// The list, if this is a list or an object whose underlying value is one.
    pub fn as_list(&self) -> Option<List> {
        match self {
            Value::List(l) => Some(l.clone()),
            Value::Object(o) => match o.underlying() {
                Some(Value::List(l)) => Some(l),
                _ => None,
            },
            _ => None,
        }
    }

    /// The value an object stands for in range/len/index/printing: its
    /// underlying value, or itself.
    pub(crate) fn resolved(&self) -> Value {
        if let Value::Object(o) = self {
            if let Some(u) = o.underlying() {
                return u;
            }
        }
        self.clone()
    }

    /// Go's truth for `if`, `with`, `and`, `or`, `not`: false, 0, nil, the
    /// empty string and empty lists and maps are false; structs are true.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint8(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => match o.underlying() {
                Some(Value::Object(_)) | None => true,
                Some(u) => u.truthy(),
            },
            Value::Func(_) => true,
        }
    }

    /// `fmt.Sprint(v)`: the `%v` text, as `{{ print . }}` and Sprig's
    /// `toString` give it.
    pub fn to_go_string(&self) -> Result<String, ValueError> {
        match self {
            Value::String(s) => Ok(s.to_string()),
            _ => crate::fmt::sprint(std::slice::from_ref(self)),
        }
    }

    /// The template builtin `eq` applied to two values: `Ok(false)` for nil
    /// against non-nil, an error for `int` against `float64` or for lists
    /// and maps, as in Go.
    pub fn go_eq(&self, other: &Value) -> Result<bool, String> {
        crate::exec::eq_values(self, other)
    }

    /// A copy with fresh maps and lists all the way down (Sprig's `deepCopy`).
    pub fn deep_copy(&self) -> Result<Value, ValueError> {
        self.check_expanded()?;
        deep_copy_at(self, 0)
    }

    /// How many values walking this one visits (itself included), a shared list or map
    /// counted each time it appears; `None` past `cap`. Costs at most `cap` steps.
    pub fn expanded_size(&self, cap: usize) -> Option<usize> {
        let mut count = 0usize;
        let mut stack: Vec<Value> = vec![self.clone()];
        while let Some(v) = stack.pop() {
            count += 1;
            if count > cap {
                return None;
            }
            match &v {
                Value::List(l) => stack.extend(l.iter().cloned()),
                Value::Map(m) => stack.extend(m.0.entries.borrow().values().cloned()),
                _ => {}
            }
        }
        Some(count)
    }

    /// Fails when walking this value would visit more than [`MAX_EXPANDED_VALUES`] values.
    pub fn check_expanded(&self) -> Result<(), ValueError> {
        match self {
            Value::List(_) | Value::Map(_) => match self.expanded_size(MAX_EXPANDED_VALUES) {
                Some(_) => Ok(()),
                None => Err(ValueError(format!(
                    "value too large: its lists and maps hold more than {MAX_EXPANDED_VALUES} values once shared parts are counted each time"
                ))),
            },
            _ => Ok(()),
        }
    }

    /// Go's `reflect.DeepEqual`: same types, equal contents. Fails on values
    /// nested deeper than [`MAX_VALUE_DEPTH`].
    pub fn deep_equal(&self, other: &Value) -> Result<bool, ValueError> {
        // Counted as it goes rather than checked first: a map compared with itself
        // short-circuits, as in Go, however large it is.
        let mut left = MAX_EXPANDED_VALUES;
        deep_equal_at(self, other, 0, &mut left)
    }

    /// `cast.ToInt64E` as Sprig uses it: numbers truncate, strings parse
    /// (base prefixes allowed, a trailing `.0` ignored), bools are 0/1, nil is 0.
    pub fn cast_i64(&self) -> Result<i64, String> {
        match self {
            Value::Nil => Ok(0),
            Value::Bool(b) => Ok(i64::from(*b)),
            Value::Int(i) | Value::Int64(i) => Ok(*i),
            Value::Uint8(u) => Ok(i64::from(*u)),
            Value::Float(f) => Ok(float_to_i64(*f)),
            Value::String(s) => crate::strconv::parse_int_base0(trim_zero_decimal(s))
                .ok_or_else(|| self.cast_error("int64")),
            _ => Err(self.cast_error("int64")),
        }
    }

    /// `cast.ToFloat64E` as Sprig uses it.
    pub fn cast_f64(&self) -> Result<f64, String> {
        match self {
            Value::Nil => Ok(0.0),
            Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
            Value::Int(i) | Value::Int64(i) => Ok(*i as f64),
            Value::Uint8(u) => Ok(f64::from(*u)),
            Value::Float(f) => Ok(*f),
            Value::String(s) => {
                crate::strconv::parse_float(s).ok_or_else(|| self.cast_error("float64"))
            }
            _ => Err(self.cast_error("float64")),
        }
    }

    fn cast_error(&self, to: &str) -> String {
        let shown = crate::fmt::sprintf("%#v", std::slice::from_ref(self))
            .unwrap_or_else(|_| "?".to_string());
        format!(
            "unable to cast {shown} of type {} to {to}",
            self.go_type_name()
        )
    }
}

/// Go's float-to-int conversion truncates; out-of-range results are
/// platform-defined in Go, here they saturate.
fn float_to_i64(f: f64) -> i64 {
    if f.is_nan() { 0 } else { f as i64 }
}

fn trim_zero_decimal(s: &str) -> &str {
    if let Some(dot) = s.rfind('.') {
        let frac = &s[dot + 1..];
        if !frac.is_empty() && frac.bytes().all(|b| b == b'0') && dot > 0 {
            return &s[..dot];
        }
    }
    s
}

fn deep_copy_at(v: &Value, depth: usize) -> Result<Value, ValueError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(depth_error());
    }
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match v {
        Value::List(l) => {
            let items = l
                .iter()
                .map(|x| deep_copy_at(x, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::List(List::typed(l.elem_type(), items)))
        }
        Value::Map(m) => {
            let out = Map::with_type(m.elem_type(), m.type_name());
            for (k, x) in m.entries() {
                out.insert(k, deep_copy_at(&x, depth + 1)?);
            }
            Ok(Value::Map(out))
        }
        _ => Ok(v.clone()),
    })
}

fn deep_equal_at(a: &Value, b: &Value, depth: usize, left: &mut usize) -> Result<bool, ValueError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(depth_error());
    }
    *left = left.checked_sub(1).ok_or_else(|| {
        ValueError(format!(
            "value too large: comparing visits more than {MAX_EXPANDED_VALUES} values"
        ))
    })?;
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
        Ok(match (a, b) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
            (Value::Uint8(x), Value::Uint8(y)) => x == y,
            (Value::Float(x), Value::Float(y)) => x == y,
            (Value::String(x), Value::String(y)) => x == y,
            (Value::List(x), Value::List(y)) => {
                if x.elem_type() != y.elem_type() || x.len() != y.len() {
                    return Ok(false);
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    if !deep_equal_at(p, q, depth + 1, left)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Value::Map(x), Value::Map(y)) => {
                if x.go_type_name() != y.go_type_name() || x.len() != y.len() {
                    return Ok(false);
                }
                if x.ptr_eq(y) {
                    return Ok(true);
                }
                for (k, p) in x.entries() {
                    match y.get(&k) {
                        Some(q) => {
                            if !deep_equal_at(&p, &q, depth + 1, left)? {
                                return Ok(false);
                            }
                        }
                        None => return Ok(false),
                    }
                }
                true
            }
            (Value::Object(x), Value::Object(y)) => Rc::ptr_eq(x, y),
            _ => false,
        })
    })
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match crate::fmt::sprintf("%#v", std::slice::from_ref(self)) {
            Ok(s) => f.write_str(&s),
            Err(e) => write!(f, "<{e}>"),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    /// A Go `int`.
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    /// A Go `int`.
    fn from(i: i32) -> Self {
        Value::Int(i64::from(i))
    }
}

impl From<usize> for Value {
    /// A Go `int`.
    fn from(i: usize) -> Self {
        Value::Int(i64::try_from(i).unwrap_or(i64::MAX))
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(Rc::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(Rc::from(s))
    }
}

impl From<Rc<str>> for Value {
    fn from(s: Rc<str>) -> Self {
        Value::String(s)
    }
}

impl From<Vec<Value>> for Value {
    /// A `[]interface{}`.
    fn from(v: Vec<Value>) -> Self {
        Value::List(List::new(v))
    }
}

impl From<List> for Value {
    fn from(l: List) -> Self {
        Value::List(l)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}

impl<T: Object> From<Rc<T>> for Value {
    fn from(o: Rc<T>) -> Self {
        Value::Object(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_parts_count_each_time_they_appear_and_the_count_stops_at_its_cap() {
        let leaf = Value::Map(Map::new());
        let mut d = leaf;
        for _ in 0..40 {
            let m = Map::new();
            m.insert("a".to_owned(), d.clone());
            m.insert("b".to_owned(), d.clone());
            d = Value::Map(m);
        }
        assert_eq!(d.expanded_size(1 << 20), None);
        assert!(d.check_expanded().is_err());
        assert!(d.deep_copy().is_err());
        let small = Value::List(List::new(vec![Value::Int(1), Value::Int(2)]));
        assert_eq!(small.expanded_size(10), Some(3));
        assert!(small.check_expanded().is_ok());
        assert!(Value::Int(1).check_expanded().is_ok());
    }

    #[test]
    fn maps_are_shared() {
        let m = Map::new();
        let v = Value::Map(m.clone());
        m.insert("a", Value::from(1));
        assert_eq!(v.as_map().map(|m| m.len()), Some(1));
    }

    #[test]
    fn lists_copy_on_write() {
        let mut a = List::new(vec![Value::from(1)]);
        let b = a.clone();
        a.push(Value::from(2));
        assert_eq!((a.len(), b.len()), (2, 1));
    }

    #[test]
    fn cycles_are_errors() {
        let m = Map::new();
        m.insert("self", Value::Map(m.clone()));
        let v = Value::Map(m.clone());
        assert!(v.deep_copy().is_err());
        assert!(v.to_go_string().is_err());
        // Equality of a map with itself short-circuits; a copy does not exist.
        assert_eq!(v.deep_equal(&v), Ok(true));
        m.clear();
    }

    #[test]
    fn truth() {
        assert!(!Value::Nil.truthy());
        assert!(!Value::from("").truthy());
        assert!(Value::from("x").truthy());
        assert!(!Value::from(0.0).truthy());
        assert!(!Value::List(List::new(vec![])).truthy());
        assert!(!Value::Map(Map::new()).truthy());
    }

    #[test]
    fn casts() {
        assert_eq!(Value::from("0x10").cast_i64(), Ok(16));
        assert_eq!(Value::from("3.0").cast_i64(), Ok(3));
        assert_eq!(Value::from(3.9).cast_i64(), Ok(3));
        assert!(Value::from("x").cast_i64().is_err());
        assert_eq!(Value::from("1.5").cast_f64(), Ok(1.5));
        assert_eq!(Value::Nil.cast_f64(), Ok(0.0));
    }
}
