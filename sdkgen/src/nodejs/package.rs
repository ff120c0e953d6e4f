//! npm and TypeScript project files: package.json (with its "pulumi" plugin block), tsconfig.json
//! and README.md.

use std::collections::BTreeMap;

use crate::code::{json_str, ln, Code};
use crate::model::Package;

/// gen-sdk's defaults for what the package depends on when the schema does not say.
const PULUMI_DEPENDENCY: &str = "^3.142.0";
const TYPESCRIPT_VERSION: &str = "^4.7.0";
const NODE_TYPES_VERSION: &str = "^20";

pub fn readme(pkg: &Package) -> String {
    let mut text = pkg.nodejs.readme.clone().unwrap_or_default();
    if text.is_empty() {
        text = pkg.description.clone();
        if let Some(a) = &pkg.attribution {
            if !text.is_empty() {
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push('\n');
            }
            text.push_str(a);
        }
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// A JSON value with object keys kept in the order given (package.json's conventional order).
enum Json {
    Str(String),
    Bool(bool),
    Arr(Vec<String>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn render(&self, indent: usize, out: &mut String) {
        let pad = "    ".repeat(indent + 1);
        let end = "    ".repeat(indent);
        match self {
            Json::Str(s) => out.push_str(&json_str(s)),
            Json::Bool(b) => out.push_str(&b.to_string()),
            Json::Arr(items) => {
                out.push_str("[\n");
                let items: Vec<String> = items
                    .iter()
                    .map(|i| format!("{pad}{}", json_str(i)))
                    .collect();
                out.push_str(&items.join(",\n"));
                out.push_str(&format!("\n{end}]"));
            }
            Json::Obj(fields) => {
                out.push_str("{\n");
                for (i, (k, v)) in fields.iter().enumerate() {
                    out.push_str(&format!("{pad}{}: ", json_str(k)));
                    v.render(indent + 1, out);
                    out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
                }
                out.push_str(&format!("{end}}}"));
            }
        }
    }
}

fn string_map(m: &BTreeMap<String, String>) -> Json {
    Json::Obj(
        m.iter()
            .map(|(k, v)| (k.clone(), Json::Str(v.clone())))
            .collect(),
    )
}

pub fn package_json(pkg: &Package) -> String {
    let info = &pkg.nodejs;
    let name = info
        .package_name
        .clone()
        .unwrap_or_else(|| match &pkg.namespace {
            Some(ns) => format!("@{ns}/{}", pkg.name),
            None => format!("@pulumi/{}", pkg.name),
        });
    let version = pkg.node_version().unwrap_or("${VERSION}");
    let mut fields = vec![
        ("name".to_string(), Json::Str(name)),
        ("version".to_string(), Json::Str(version.to_string())),
    ];
    if let Some(d) = &info.package_description {
        fields.push(("description".to_string(), Json::Str(d.clone())));
    }
    if !pkg.keywords.is_empty() {
        fields.push(("keywords".to_string(), Json::Arr(pkg.keywords.clone())));
    }
    for (key, value) in [
        ("homepage", &pkg.homepage),
        ("repository", &pkg.repository),
        ("license", &pkg.license),
    ] {
        if let Some(v) = value {
            fields.push((key.to_string(), Json::Str(v.clone())));
        }
    }
    fields.push((
        "scripts".to_string(),
        Json::Obj(vec![("build".to_string(), Json::Str("tsc".to_string()))]),
    ));
    let mut deps = info.dependencies.clone();
    deps.entry("@pulumi/pulumi".to_string())
        .or_insert_with(|| PULUMI_DEPENDENCY.to_string());
    let mut dev = info.dev_dependencies.clone();
    dev.insert(
        "typescript".to_string(),
        info.typescript_version
            .clone()
            .unwrap_or_else(|| TYPESCRIPT_VERSION.to_string()),
    );
    dev.insert("@types/node".to_string(), NODE_TYPES_VERSION.to_string());
    fields.push(("dependencies".to_string(), string_map(&deps)));
    fields.push(("devDependencies".to_string(), string_map(&dev)));
    let mut plugin = vec![
        ("resource".to_string(), Json::Bool(true)),
        ("name".to_string(), Json::Str(pkg.name.clone())),
    ];
    if let Some(v) = pkg.node_version() {
        plugin.push(("version".to_string(), Json::Str(v.to_string())));
    }
    if let Some(url) = &pkg.plugin_download_url {
        plugin.push(("server".to_string(), Json::Str(url.clone())));
    }
    fields.push(("pulumi".to_string(), Json::Obj(plugin)));
    let mut out = String::new();
    Json::Obj(fields).render(0, &mut out);
    out.push('\n');
    out
}

pub fn tsconfig(ts_files: &[String]) -> String {
    let mut c = Code::new();
    c.raw(
        r#"{
    "compilerOptions": {
        "outDir": "bin",
        "declaration": true,
        "declarationMap": true,
        "sourceMap": true,
        "stripInternal": true,
        "target": "ES2022",
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "moduleDetection": "force",
        "types": ["node"],
        "strict": true,
        "noFallthroughCasesInSwitch": true,
        "noImplicitReturns": true,
        "skipLibCheck": true
    },
    "files": [
"#,
    );
    let files: Vec<String> = ts_files
        .iter()
        .map(|f| format!("        {}", json_str(f)))
        .collect();
    ln!(c, "{}", files.join(",\n"));
    ln!(c, "    ]");
    ln!(c, "}}");
    c.finish()
}
