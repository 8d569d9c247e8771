//! The structure the code must keep (docs/CONVENTIONS.md, "Layers"): four
//! layers, each module in exactly one, and no module referring to a layer
//! above its own. Checked over the `crate::` paths of every source file
//! (comments left out), so `cargo test` fails on the first upward import.
//!
//! Run alone: `cargo nextest run -E 'test(layers)'`.

use std::collections::BTreeMap;
use std::path::Path;

/// Top-level modules of `src/` by layer, bottom first.
const LAYERS: &[(&str, &[&str])] = &[
    // helpers that import nothing of the app
    (
        "base",
        &["base", "domain", "funding", "settings", "storage"],
    ),
    // the store: connections, migrations, schema, rows and queries
    ("store", &["db"]),
    // rules and commands: visibility, audited writes, search index and
    // queries, background work, importer, demo data
    (
        "commands",
        &["access", "edit", "search", "pdf_text", "import", "demo"],
    ),
    // the web and the other surfaces: pages, forms, feeds, OParl, mail
    (
        "web",
        &[
            "auth",
            "error",
            "feeds",
            "mail",
            "main",
            "lib",
            "oparl",
            "page_cache",
            "routes",
            "startup",
            "state",
            "templating",
            "views",
        ],
    ),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src readable").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module names after each `crate::` in code (not comments).
fn crate_refs(text: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let before = rest[..i].chars().last();
            rest = &rest[i + "crate::".len()..];
            // `gremium::crate` does not occur; `$crate::` in macros is not ours
            if before.is_some_and(|c| c == '$' || c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            refs.push(name);
        }
    }
    refs
}

#[test]
fn no_module_refers_to_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "found the sources");
    let mut upward: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|s| s.trim_end_matches(".rs").to_string())
            .expect("a name");
        let Some(own) = layer_of(&top) else {
            unplaced.push(top);
            continue;
        };
        let text = std::fs::read_to_string(f).expect("read");
        for r in crate_refs(&text) {
            match layer_of(&r) {
                Some(l) if l > own => upward
                    .entry(format!(
                        "{} ({}) -> {} ({})",
                        rel.display(),
                        LAYERS[own].0,
                        r,
                        LAYERS[l].0
                    ))
                    .or_default()
                    .push(r.clone()),
                Some(_) => {}
                None => unplaced.push(r),
            }
        }
    }
    unplaced.sort();
    unplaced.dedup();
    assert!(
        unplaced.is_empty(),
        "modules without a layer (add them to LAYERS and docs/CONVENTIONS.md): {unplaced:?}"
    );
    assert!(
        upward.is_empty(),
        "imports that point up a layer:\n{}",
        upward.keys().cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_layer_check_sees_an_upward_import() {
    // the check itself: a store file naming the web would be caught
    let refs = crate_refs(
        "use crate::views::x; // crate::routes in a comment\nlet a = $crate::db::y; crate::db::z();",
    );
    assert_eq!(refs, vec!["views".to_string(), "db".to_string()]);
    assert!(layer_of("views") > layer_of("db"));
}

/// No source file grows past ~600 lines. The files listed are the
/// generated schema, the seed stories' data and one page a few lines over;
/// they may shrink, never grow.
#[test]
fn source_files_stay_readable_in_size() {
    const LIMIT: usize = 600;
    const KNOWN: &[(&str, usize)] = &[
        ("db/schema.rs", 800),  // generated
        ("demo/seeds.rs", 990), // data of the seed stories
        ("routes/admin/concepts.rs", 610),
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut over = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let lines = std::fs::read_to_string(&f).expect("read").lines().count();
        let cap = KNOWN
            .iter()
            .find(|(k, _)| *k == rel)
            .map_or(LIMIT, |(_, c)| *c);
        if lines > cap {
            over.push(format!("{rel}: {lines} lines (at most {cap})"));
        }
    }
    assert!(over.is_empty(), "{}", over.join("\n"));
}
