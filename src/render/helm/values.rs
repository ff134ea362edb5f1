//! Values as Helm computes them: user values coalesced onto the chart's defaults and its
//! subcharts', `global` passed down, dependencies switched on and off by conditions and
//! tags, aliases, and `import-values`.
//!
//! The rules are Helm's `CoalesceValues` / `MergeValues` and `ProcessDependencies`: maps merge
//! key by key, anything else is replaced; a user `null` deletes a key (also in a subchart's
//! defaults), `null` keys of a chart's own defaults are dropped; the parent's `global` wins
//! over a subchart's; a condition is the first path of a comma list that exists and holds a
//! boolean; tags enable when any is true and disable when all present are false; conditions
//! win over tags; import-values are computed from chart defaults only. Maps are shared
//! references, as Go maps are: where Helm hands a sub-table on, so does this module.

use gotemplate::{Map, Value};

use super::chart::Chart;
use super::semver;

/// Deep copy of a map (Go's `copystructure.Copy`).
fn deep_copy(map: &Map) -> Map {
    match Value::Map(map.clone()).deep_copy() {
        Ok(Value::Map(copy)) => copy,
        _ => map.shallow_copy(),
    }
}

fn as_table(value: &Value) -> Option<Map> {
    match value {
        Value::Map(map) => Some(map.clone()),
        _ => None,
    }
}

/// `CoalesceValues`: the user values `vals` (copied) coalesced with the chart's defaults and
/// its dependencies', `null` deleting keys.
pub fn coalesce_values(chart: &Chart, vals: &Map) -> Map {
    let dest = deep_copy(vals);
    coalesce(chart, &dest, "", false);
    dest
}

/// `MergeValues`: as [`coalesce_values`], but `null` values are kept.
pub fn merge_values(chart: &Chart, vals: &Map) -> Map {
    let dest = deep_copy(vals);
    coalesce(chart, &dest, "", true);
    dest
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a}.{b}")
    }
}

fn coalesce(chart: &Chart, dest: &Map, prefix: &str, merge: bool) {
    coalesce_chart_values(chart, dest, prefix, merge);
    coalesce_deps(chart, dest, prefix, merge);
}

fn coalesce_deps(chart: &Chart, dest: &Map, prefix: &str, merge: bool) {
    for sub in &chart.dependencies {
        let name = sub.name();
        let table = match dest.get(name) {
            None => {
                let table = Map::new();
                dest.insert(name, Value::Map(table.clone()));
                table
            }
            Some(Value::Map(table)) => table,
            // Helm stops with "type mismatch"; the rest of the values are still usable.
            Some(_) => continue,
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(&table, dest);
        coalesce(sub, &table, &sub_prefix, merge);
    }
}

/// The parent's `global` copied into a subchart's values, the parent winning.
fn coalesce_globals(dest: &Map, src: &Map) {
    let dest_globals = match dest.get("global") {
        None => Map::new(),
        Some(Value::Map(map)) => map,
        Some(_) => return,
    };
    let src_globals = match src.get("global") {
        None => Map::new(),
        Some(Value::Map(map)) => map,
        Some(_) => return,
    };
    for (key, value) in src_globals.entries() {
        if let Value::Map(table) = &value {
            let copy = table.shallow_copy();
            match dest_globals.get(&key) {
                None => {
                    dest_globals.insert(key, Value::Map(copy));
                }
                Some(Value::Map(existing)) => {
                    coalesce_tables_full_key(&copy, &existing, true);
                    dest_globals.insert(key, Value::Map(copy));
                }
                Some(_) => {}
            }
        } else if dest_globals
            .get(&key)
            .is_some_and(|v| matches!(v, Value::Map(_)))
        {
            // A table in the subchart is not replaced by a scalar.
        } else {
            dest_globals.insert(key, value);
        }
    }
    dest.insert("global", Value::Map(dest_globals));
}

fn coalesce_chart_values(chart: &Chart, v: &Map, _prefix: &str, merge: bool) {
    let defaults = deep_copy(&chart.values);
    for (key, value) in defaults.entries() {
        match v.get(&key) {
            Some(existing) => {
                if existing.is_nil() && !merge {
                    v.remove(&key);
                } else if let Value::Map(dest) = existing {
                    match as_table(&value) {
                        Some(src) => {
                            let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                            if !merge {
                                clean_nil_values(&src);
                            }
                            coalesce_tables_full_key(&dest, &src, merge);
                        }
                        None => {
                            // Helm warns: "skipped value ... Not a table".
                        }
                    }
                }
            }
            None => {
                if !merge {
                    if value.is_nil() {
                        continue;
                    }
                    if let Value::Map(sub) = &value {
                        clean_nil_values(sub);
                    }
                }
                v.insert(key, value);
            }
        }
    }
}

/// `CoalesceTables`: `src` coalesced into `dst` (`dst` wins), `null` in `dst` deleting.
pub fn coalesce_tables(dst: &Map, src: &Map) {
    coalesce_tables_full_key(dst, src, false);
}

/// `MergeTables`: as [`coalesce_tables`], keeping `null` values.
pub fn merge_tables(dst: &Map, src: &Map) {
    coalesce_tables_full_key(dst, src, true);
}

fn coalesce_tables_full_key(dst: &Map, src: &Map, merge: bool) {
    let src_non_nil: Vec<String> = src
        .entries()
        .into_iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, _)| k)
        .collect();
    for (key, value) in dst.entries() {
        if value.is_nil() {
            src.insert(key, Value::Nil);
        }
    }
    for (key, value) in src.entries() {
        match dst.get(&key) {
            Some(existing) if !merge && existing.is_nil() && src_non_nil.contains(&key) => {
                dst.remove(&key);
            }
            None => {
                dst.insert(key, value);
            }
            // A table over a scalar, or a scalar over a table: Helm warns and keeps dst.
            Some(existing) => {
                if let (Value::Map(src_table), Value::Map(dst_table)) = (&value, &existing) {
                    coalesce_tables_full_key(dst_table, src_table, merge);
                }
            }
        }
    }
}

fn clean_nil_values(map: &Map) {
    for (key, value) in map.entries() {
        match value {
            Value::Nil => {
                map.remove(&key);
            }
            Value::Map(sub) => clean_nil_values(&sub),
            _ => {}
        }
    }
}

/// `Table`: the map at a dotted path, if every step is a map.
pub fn table(values: &Map, path: &str) -> Option<Map> {
    let mut table = values.clone();
    for step in path.split('.') {
        table = as_table(&table.get(step)?)?;
    }
    Some(table)
}

/// `PathValue`: the value at a dotted path, when it is not a table.
pub fn path_value(values: &Map, path: &str) -> Option<Value> {
    let (parents, key) = match path.rsplit_once('.') {
        Some((parents, key)) => (Some(parents), key),
        None => (None, path),
    };
    let holder = match parents {
        Some(parents) => table(values, parents)?,
        None => values.clone(),
    };
    let value = holder.get(key)?;
    (!matches!(value, Value::Map(_))).then_some(value)
}

/// `ProcessDependencies`: removes the subcharts that conditions and tags disable (aliases
/// applied), then computes `import-values` into each chart's values.
pub fn process_dependencies(chart: &mut Chart, vals: &Map) {
    process_enabled(chart, vals, "");
    process_import_values(chart);
}

fn process_enabled(chart: &mut Chart, vals: &Map, path: &str) {
    if chart.metadata.dependencies.is_empty() {
        return;
    }
    // Subcharts that no declared dependency claims are kept as they are; each declared
    // dependency takes (a copy of) the first vendored chart of its name and version, renamed
    // to its alias.
    let mut kept: Vec<Chart> = Vec::new();
    for existing in &chart.dependencies {
        let claimed = chart.metadata.dependencies.iter().any(|d| {
            existing.name() == d.name && semver::compatible(&d.version, &existing.metadata.version)
        });
        if !claimed {
            kept.push(existing.clone());
        }
    }
    for dependency in &mut chart.metadata.dependencies {
        if let Some(found) = chart.dependencies.iter().find(|c| {
            c.name() == dependency.name
                && semver::compatible(&dependency.version, &c.metadata.version)
        }) {
            let mut copy = found.clone();
            if !dependency.alias.is_empty() {
                copy.metadata.name = dependency.alias.clone();
            }
            kept.push(copy);
        }
        if !dependency.alias.is_empty() {
            dependency.name = dependency.alias.clone();
        }
    }
    chart.dependencies = kept;
    for dependency in &mut chart.metadata.dependencies {
        dependency.enabled = true;
    }
    let cvals = coalesce_values(chart, vals);
    // Tags, then conditions, which win.
    if let Some(tags) = table(&cvals, "tags") {
        for dependency in &mut chart.metadata.dependencies {
            let (mut any_true, mut any_false) = (false, false);
            for tag in &dependency.tags {
                match tags.get(tag) {
                    Some(Value::Bool(true)) => any_true = true,
                    Some(Value::Bool(false)) => any_false = true,
                    _ => {}
                }
            }
            dependency.enabled = any_true || !any_false;
        }
    }
    for dependency in &mut chart.metadata.dependencies {
        for condition in dependency.condition.trim().split(',') {
            if condition.is_empty() {
                continue;
            }
            if let Some(Value::Bool(enabled)) = path_value(&cvals, &format!("{path}{condition}")) {
                dependency.enabled = enabled;
                break;
            }
        }
    }
    let disabled: Vec<String> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|d| !d.enabled)
        .map(|d| d.name.clone())
        .collect();
    chart
        .dependencies
        .retain(|c| !disabled.iter().any(|name| name == c.name()));
    chart
        .metadata
        .dependencies
        .retain(|d| !disabled.contains(&d.name));
    for sub in &mut chart.dependencies {
        let sub_path = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &sub_path);
    }
}

fn process_import_values(chart: &mut Chart) {
    for sub in &mut chart.dependencies {
        process_import_values(sub);
    }
    if chart.metadata.dependencies.is_empty() {
        return;
    }
    let cvals = merge_values(chart, &Map::new());
    let imported = Map::new();
    for dependency in &mut chart.metadata.dependencies {
        let mut rewritten = Vec::new();
        for entry in &dependency.import_values {
            match entry {
                Value::Map(map) => {
                    let text = |key: &str| {
                        map.get(key)
                            .map(|v| gotemplate::fmt::sprint(&[v]).unwrap_or_default())
                            .unwrap_or_else(|| "<nil>".to_owned())
                    };
                    let (child, parent) = (text("child"), text("parent"));
                    rewritten.push(Value::Map(Map::from_entries([
                        ("child", Value::str(&child)),
                        ("parent", Value::str(&parent)),
                    ])));
                    if let Some(found) = table(&cvals, &format!("{}.{child}", dependency.name)) {
                        merge_tables(&imported, &path_to_map(&parent, found));
                    }
                }
                Value::String(name) => {
                    let child = format!("exports.{name}");
                    rewritten.push(Value::Map(Map::from_entries([
                        ("child", Value::str(&child)),
                        ("parent", Value::str(".")),
                    ])));
                    if let Some(found) = table(&cvals, &format!("{}.{child}", dependency.name)) {
                        merge_tables(&imported, &found);
                    }
                }
                _ => {}
            }
        }
        dependency.import_values = rewritten;
    }
    let values = deep_copy(&cvals);
    merge_tables(&values, &imported);
    chart.values = values;
}

/// `{a: {b: data}}` for the path `a.b` (`.` is the data itself).
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut current = data;
    for step in path.split('.').rev() {
        current = Map::from_entries([(step, Value::Map(current))]);
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::chart::ChartFile;

    fn chart(files: &[(&str, &str)]) -> Chart {
        let files = files
            .iter()
            .map(|(name, text)| ChartFile {
                name: (*name).to_owned(),
                data: text.as_bytes().to_vec(),
            })
            .collect();
        match Chart::from_files(files) {
            Ok(chart) => chart,
            Err(e) => panic!("{e}"),
        }
    }

    fn json(map: &Map) -> String {
        gotemplate::fmt::sprint(&[Value::Map(map.clone())]).unwrap_or_default()
    }

    #[test]
    fn user_values_merge_maps_replace_the_rest_and_null_deletes() {
        let c = chart(&[
            ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"),
            (
                "values.yaml",
                "a: {b: 1, c: 2}\nlist: [1, 2]\ngone: x\nkept: null\n",
            ),
        ]);
        let user = Map::from_entries([
            (
                "a",
                Value::Map(Map::from_entries([("c", Value::Float(3.0))])),
            ),
            (
                "list",
                Value::List(gotemplate::List::new(vec![Value::Float(9.0)])),
            ),
            ("gone", Value::Nil),
        ]);
        let merged = coalesce_values(&c, &user);
        assert_eq!(json(&merged), "map[a:map[b:1 c:3] list:[9]]");
    }

    #[test]
    fn conditions_disable_subcharts_and_win_over_tags() {
        let mut c = chart(&[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: a\n  version: 1.0.0\n  condition: a.enabled\n  tags: [front]\n- name: b\n  version: 1.0.0\n  tags: [back]\n",
            ),
            (
                "values.yaml",
                "a: {enabled: false}\ntags: {front: true, back: false}\n",
            ),
            (
                "charts/a/Chart.yaml",
                "apiVersion: v2\nname: a\nversion: 1.0.0\n",
            ),
            (
                "charts/b/Chart.yaml",
                "apiVersion: v2\nname: b\nversion: 1.0.0\n",
            ),
        ]);
        process_dependencies(&mut c, &Map::new());
        assert!(
            c.dependencies.is_empty(),
            "a by its condition, b by its tag"
        );
    }
}
