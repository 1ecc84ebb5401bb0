//! Every string a page or handler asks for is in the catalogue, in both languages: a missing
//! key fails here rather than showing "??" to someone.

use std::path::Path;
use ungcuu_domain::i18n::{Lang, lookup};

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html" || x == "rs") {
            out.push(p);
        }
    }
}

/// Keys in `t("…")` calls.
fn keys(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices("t(\"") {
        // `t(` itself, not the end of `get(` or `audit(`.
        if text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let rest = &text[i + 3..];
        if let Some(end) = rest.find('"') {
            found.push(rest[..end].to_string());
        }
    }
    found
}

#[test]
fn every_key_used_by_pages_and_handlers_exists_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&root.join("templates"), &mut all);
    files(&root.join("src"), &mut all);
    files(&root.join("../app/src"), &mut all);
    files(&root.join("../domain/src"), &mut all);
    let mut checked = 0;
    let mut missing = Vec::new();
    for f in &all {
        let text = std::fs::read_to_string(f).unwrap();
        for k in keys(&text) {
            // Keys built at run time ("area.{id}") are checked through the navigation below.
            if k.contains('{') || k.is_empty() || !k.contains('.') {
                continue;
            }
            checked += 1;
            for lang in [Lang::Vi, Lang::En] {
                if lookup(lang, &k).is_none() {
                    missing.push(format!("{}: {k} ({lang:?})", f.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing catalogue keys:\n{}",
        missing.join("\n")
    );
    assert!(
        checked > 100,
        "only {checked} keys found: the scan is broken"
    );
    for area in [
        "incidents",
        "intake",
        "coordination",
        "warnings",
        "reports",
        "registry",
    ] {
        assert!(
            lookup(Lang::Vi, &format!("area.{area}")).is_some(),
            "{area}"
        );
    }
}
