//! `cargo run -q -p sdkgen -- [--schema schema.json] [--out sdk]` regenerates sdk/nodejs and
//! sdk/python from the package schema. Relative paths are taken from the repository root, so
//! the command works from any directory of the checkout.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: sdkgen [--schema <schema.json>] [--out <dir>]\n\
    Regenerates <dir>/nodejs and <dir>/python (default: schema.json and sdk at the repository root).";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("sdkgen: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut schema = PathBuf::from("schema.json");
    let mut out = PathBuf::from("sdk");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--schema" => schema = PathBuf::from(value("--schema")?),
            "--out" => out = PathBuf::from(value("--out")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let root = sdkgen::workspace_root(&cwd)
        .or_else(|| sdkgen::workspace_root(Path::new(env!("CARGO_MANIFEST_DIR"))))
        .ok_or("cannot find the repository root (a Cargo.toml with [workspace])")?;
    let schema = root.join(schema);
    let out = root.join(out);
    let text = std::fs::read_to_string(&schema)
        .map_err(|e| format!("reading {}: {e}", schema.display()))?;
    let files = sdkgen::generate(&text).map_err(|e| format!("{}: {e}", schema.display()))?;
    sdkgen::write_sdk(&out, &files).map_err(|e| format!("writing {}: {e}", out.display()))?;
    let count = |lang: &str| files.keys().filter(|k| k.starts_with(lang)).count();
    println!(
        "sdkgen: wrote {} Node.js and {} Python files to {}",
        count("nodejs/"),
        count("python/"),
        out.display()
    );
    Ok(())
}
