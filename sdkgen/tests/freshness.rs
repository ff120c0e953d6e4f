//! The committed SDKs (sdk/nodejs, sdk/python) must be exactly what the generator writes for the
//! committed schema.json, so that a schema change cannot reach users without regeneration and a
//! hand edit of generated code cannot survive.

use std::path::{Path, PathBuf};

use sdkgen::Files;

const REGENERATE: &str = "cargo run -q -p sdkgen";

fn repo_root() -> PathBuf {
    sdkgen::workspace_root(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("workspace root")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdkgen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn tree(dir: &Path) -> Files {
    let mut files = Files::new();
    for lang in ["nodejs", "python"] {
        for (path, text) in sdkgen::read_tree(&dir.join(lang)).expect("read SDK tree") {
            files.insert(format!("{lang}/{path}"), text);
        }
    }
    files
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (la, lb)) in a.lines().zip(b.lines()).enumerate() {
        if la != lb {
            return format!(
                "line {}:\n      committed: {la}\n      generated: {lb}",
                i + 1
            );
        }
    }
    format!(
        "length: committed {} lines, generated {} lines",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn committed_sdks_match_the_generator() {
    let root = repo_root();
    let schema = std::fs::read_to_string(root.join("schema.json")).expect("read schema.json");
    let files = sdkgen::generate(&schema).expect("generate from schema.json");

    let scratch = scratch_dir("fresh");
    sdkgen::write_sdk(&scratch, &files).expect("write generated SDKs");
    let generated = tree(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    assert_eq!(
        generated, files,
        "write_sdk must write exactly the generated files"
    );

    let committed = tree(&root.join("sdk"));
    let mut problems = Vec::new();
    for (path, text) in &generated {
        match committed.get(path) {
            None => problems.push(format!("  missing: sdk/{path}")),
            Some(c) if c != text => problems.push(format!(
                "  differs: sdk/{path} ({})",
                first_difference(c, text)
            )),
            Some(_) => {}
        }
    }
    for path in committed.keys().filter(|p| !generated.contains_key(*p)) {
        problems.push(format!(
            "  not generated (stale or hand-written): sdk/{path}"
        ));
    }
    assert!(
        problems.is_empty(),
        "\nThe committed SDKs are not what sdkgen generates from schema.json:\n{}\n\n\
         Regenerate them with `{REGENERATE}` (from anywhere in the repository) and commit sdk/.\n",
        problems.join("\n")
    );
}
