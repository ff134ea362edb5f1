//! Helm's template language on arbitrary input: the input's first part (up to a NUL byte) is a
//! template, the rest the chart's values. Parsing, execution with every Sprig and Helm
//! function, values coalescing and the manifest sort never panic or hang; problems are
//! diagnostics.
#![no_main]

use imgsift::inputs::chart::ChartFile;
use imgsift::render::helm::{Options, chart::Chart, render_chart};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (template, values) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let file = |name: &str, data: &[u8]| ChartFile {
        name: name.to_owned(),
        data: data.to_vec(),
    };
    let files = vec![
        file("Chart.yaml", b"apiVersion: v2\nname: fuzz\nversion: 0.1.0\n"),
        file("values.yaml", values),
        file("templates/t.yaml", template),
        file("templates/_helpers.tpl", b"{{ define \"h\" }}{{ . | toYaml }}{{ end }}"),
    ];
    let Ok(chart) = Chart::from_files(files) else {
        return;
    };
    let _ = render_chart(chart, &gotemplate::Map::new(), &Options::default());
});
