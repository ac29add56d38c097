//! The JSON examples of the documentation run: every ```json block under "## Examples" in
//! `docs/spec.md` is a spec that `cpindex index` accepts on the shipped sample data (with
//! the example county framework when the block names it) and that gives a finite index
//! score to every unit of the report year (to at least one under a coverage rule).

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The bodies of the ```json blocks of `text`.
fn json_blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```json\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("unterminated code block");
        out.push(&body[..end]);
        rest = &body[end + 3..];
    }
    out
}

#[test]
fn every_spec_example_runs_on_the_sample_data() {
    let doc = read("docs/spec.md");
    let examples = &doc[doc.find("## Examples").expect("an Examples section")..];
    let examples = &examples[..examples.find("\n## ").unwrap_or(examples.len())];
    let blocks = json_blocks(examples);
    assert!(blocks.len() >= 5, "{} examples found", blocks.len());
    let dir = std::env::temp_dir().join(format!("cpindex-docs-examples-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    for (k, block) in blocks.iter().enumerate() {
        let spec = dir.join(format!("spec-{k}.json"));
        std::fs::write(&spec, block).unwrap();
        let spec = spec.to_str().unwrap();
        let county = block.contains("example-county-2021-2025");
        let mut args = vec!["index"];
        if county {
            args.extend([
                "examples/county/panel.csv",
                "--framework",
                "examples/frameworks/example-county-2021-2025.json",
            ]);
        } else {
            args.push("examples/data/quzhou.csv");
        }
        args.extend(["--spec", spec, "--format", "json"]);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_cpindex"))
            .current_dir(root)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "docs/spec.md example {k} failed:\n{block}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        // the index node (first) scores every unit of the report year
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let index = &j["nodes"][0];
        assert_eq!(
            index["id"], j["framework"],
            "example {k}: the index node first"
        );
        let scores = index["scores"].as_array().expect("index scores");
        // (an example with a coverage rule withholds the score of units short of data:
        // the sample has few county values; at least the city is scored)
        let finite = scores
            .iter()
            .filter(|v| v.as_f64().is_some_and(f64::is_finite))
            .count();
        let needed = if block.contains("min_share") {
            1
        } else {
            scores.len()
        };
        assert!(
            !scores.is_empty() && finite >= needed,
            "example {k}: index scores {scores:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `describe` response shown in `docs/json-api.md` gives `gdp` the effective weight the
/// built-in framework has (1/8 × 1/15: one of eight top-level dimensions, one of fifteen
/// indicators of `economy`, all weights 1).
#[test]
fn the_describe_example_shows_the_effective_weight_of_gdp() {
    let doc = read("docs/json-api.md");
    let at = doc
        .find("\"effective_weights\": { \"gdp\": ")
        .expect("the describe example");
    let rest = &doc[at + "\"effective_weights\": { \"gdp\": ".len()..];
    let shown: f64 = rest[..rest.find(',').unwrap()].trim().parse().unwrap();
    let fw = cpindex::model::builtin::quzhou();
    let j = fw.indicators.iter().position(|i| i.id == "gdp").unwrap();
    let actual = fw.effective_weights()[j];
    assert_eq!(shown, actual);
    assert!((actual - 1.0 / 120.0).abs() < 1e-15, "{actual}");
}
