//! The Node.js (TypeScript) SDK, laid out as `pulumi package gen-sdk --language nodejs` lays it
//! out: one file per resource and function, an `index.ts` per module that lazy-loads them and
//! registers the resource module and package, `types/` for object types and enums, `config/`
//! for configuration, and the npm/TypeScript project files.

mod config;
mod function;
mod index;
mod package;
mod resource;
mod ty;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use crate::code::{comment_lines, json_str, ln, Code, Files};
use crate::model::{Package, Result, Type};
use crate::naming::{camel, token_name};
use crate::HEADER_LINES;

const UTILITIES: &str = include_str!("../../templates/utilities.ts");

/// A module of the generated package: its directory (lower-cased schema module) and contents.
pub struct ModuleCtx<'a> {
    pub pkg: &'a Package,
    /// Directory relative to the package root, "" for the root module.
    pub dir: String,
}

impl ModuleCtx<'_> {
    /// Relative path from this module's directory to the package root.
    fn root(&self) -> String {
        if self.dir.is_empty() {
            ".".to_string()
        } else {
            vec![".."; self.dir.split('/').count()].join("/")
        }
    }

    fn header(&self, c: &mut Code) {
        for l in HEADER_LINES {
            ln!(c, "// {l}");
        }
        ln!(c);
    }

    /// The standard header, the SDK imports, and imports of resource classes used as types.
    fn header_with_imports(&self, c: &mut Code, imports: &Imports, utilities: bool) {
        self.header(c);
        let root = self.root();
        ln!(c, "import * as pulumi from \"@pulumi/pulumi\";");
        if imports.nested {
            ln!(c, "import * as inputs from \"{root}/types/input\";");
            ln!(c, "import * as outputs from \"{root}/types/output\";");
            if !self.pkg.enums.is_empty() {
                ln!(c, "import * as enums from \"{root}/types/enums\";");
            }
        }
        if utilities {
            ln!(c, "import * as utilities from \"{root}/utilities\";");
        }
        ln!(c);
        if imports.utilities {
            ln!(c, "import * as utilities from \"{root}/utilities\";");
            ln!(c);
        }
        if !imports.resources.is_empty() {
            for (path, names) in &imports.resources {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                ln!(c, "import {{{}}} from \"{path}\";", names.join(", "));
            }
            ln!(c);
        }
    }
}

/// What a file needs to import besides `@pulumi/pulumi`.
#[derive(Default)]
pub struct Imports {
    /// The file names object or enum types, so it needs `inputs`/`outputs`/`enums`.
    nested: bool,
    /// A types file fills defaults, which may read the environment through `utilities`.
    utilities: bool,
    /// Resource classes used as property types, by module path.
    resources: BTreeMap<String, BTreeSet<String>>,
}

impl Imports {
    fn scan(&mut self, ctx: &ModuleCtx, ty: &Type, own_token: Option<&str>) {
        let mut seen = BTreeSet::new();
        self.scan_inner(ctx, ty, own_token, &mut seen);
    }

    fn scan_inner(
        &mut self,
        ctx: &ModuleCtx,
        ty: &Type,
        own_token: Option<&str>,
        seen: &mut BTreeSet<String>,
    ) {
        match ty {
            Type::Array(e) | Type::Map(e) => self.scan_inner(ctx, e, own_token, seen),
            Type::Union(es) => {
                for e in es {
                    self.scan_inner(ctx, e, own_token, seen);
                }
            }
            Type::Enum(_) => self.nested = true,
            Type::Object(tok) => {
                self.nested = true;
                // gen-sdk also imports resources named inside nested object types.
                if seen.insert(tok.clone()) {
                    for p in &ctx.pkg.object(tok).properties {
                        self.scan_inner(ctx, &p.ty, own_token, seen);
                    }
                }
            }
            Type::Resource(tok) if Some(tok.as_str()) != own_token => {
                let module = ctx
                    .pkg
                    .resource(tok)
                    .map(|r| r.module.to_lowercase())
                    .unwrap_or_default();
                let path = relative_module_path(&ctx.dir, &module);
                self.resources
                    .entry(path)
                    .or_default()
                    .insert(token_name(tok));
            }
            _ => {}
        }
    }
}

/// The import path of module `to`'s index as seen from directory `from`.
fn relative_module_path(from: &str, to: &str) -> String {
    if from == to {
        return "./index".to_string();
    }
    let from_parts: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from_parts
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); from_parts.len() - common];
    parts.extend(to_parts[common..].iter().map(|s| s.to_string()));
    if parts.first().is_none_or(|p| p != "..") {
        parts.insert(0, ".".to_string());
    }
    parts.join("/")
}

/// A JSDoc comment, with `*/` defused and an optional `@deprecated` tag.
fn doc_comment(c: &mut Code, indent: &str, text: &str, deprecation: Option<&str>) {
    let deprecation = deprecation.filter(|d| !d.is_empty());
    if text.is_empty() && deprecation.is_none() {
        return;
    }
    let text = text.replace("*/", "*&#47;");
    let lines = comment_lines(&text);
    ln!(c, "{indent}/**");
    for l in &lines {
        if l.is_empty() {
            ln!(c, "{indent} *");
        } else {
            ln!(c, "{indent} * {l}");
        }
    }
    if let Some(d) = deprecation {
        if !lines.is_empty() {
            ln!(c, "{indent} *");
        }
        ln!(c, "{indent} * @deprecated {d}");
    }
    ln!(c, "{indent} */");
}

/// The inside of a JavaScript string literal.
fn escape(s: &str) -> String {
    let quoted = json_str(s);
    quoted[1..quoted.len() - 1].to_string()
}

/// Everything a module directory holds.
#[derive(Default)]
pub(crate) struct Module<'a> {
    resources: Vec<&'a crate::model::Resource>,
    functions: Vec<&'a crate::model::Function>,
    enums: Vec<&'a crate::model::EnumType>,
    children: BTreeSet<String>,
}

pub(crate) enum Export {
    Resource {
        path: String,
        class: String,
    },
    Function {
        path: String,
        interfaces: Vec<String>,
        functions: Vec<String>,
    },
    Eager {
        path: String,
    },
}

impl Export {
    fn path(&self) -> &str {
        match self {
            Export::Resource { path, .. }
            | Export::Function { path, .. }
            | Export::Eager { path } => path,
        }
    }
}

pub fn generate(pkg: &Package) -> Result<Files> {
    let mut modules: BTreeMap<String, Module> = BTreeMap::new();
    fn ensure<'m, 'a>(
        modules: &'m mut BTreeMap<String, Module<'a>>,
        dir: &str,
    ) -> &'m mut Module<'a> {
        if !dir.is_empty() {
            let (parent, child) = match dir.rfind('/') {
                Some(i) => (&dir[..i], &dir[i + 1..]),
                None => ("", dir),
            };
            ensure(modules, parent).children.insert(child.to_string());
        }
        modules.entry(dir.to_string()).or_default()
    }
    ensure(&mut modules, "");
    for r in pkg.all_resources() {
        let dir = r.module.to_lowercase();
        if dir == "types" || dir == "config" {
            return Err(crate::model::Error(format!(
                "{}: module {dir:?} is reserved for generated types and config",
                r.token
            )));
        }
        ensure(&mut modules, &dir).resources.push(r);
    }
    for f in &pkg.functions {
        ensure(&mut modules, &f.module.to_lowercase())
            .functions
            .push(f);
    }
    for e in pkg.enums.values() {
        ensure(&mut modules, &e.module.to_lowercase()).enums.push(e);
    }
    if !pkg.config.is_empty() {
        ensure(&mut modules, "config");
    }
    let has_types_dir = pkg.has_types() || !pkg.enums.is_empty();
    if has_types_dir {
        ensure(&mut modules, "types");
    }

    let mut files = Files::new();
    for (dir, module) in &modules {
        let ctx = ModuleCtx {
            pkg,
            dir: dir.clone(),
        };
        let mut exports = Vec::new();
        let join = |name: &str| {
            if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            }
        };
        let reserved = |name: &str| {
            name == "index"
                || (dir.is_empty() && name == "utilities")
                || module.children.contains(name)
        };
        for r in &module.resources {
            let mut stem = camel(&resource::class_name(r));
            if reserved(&stem) {
                stem.push('_');
            }
            files.insert(join(&format!("{stem}.ts")), resource::generate(&ctx, r));
            exports.push(Export::Resource {
                path: format!("./{stem}"),
                class: resource::class_name(r),
            });
        }
        for f in &module.functions {
            let mut stem = function::function_name(f);
            if reserved(&stem) {
                stem.push('_');
            }
            files.insert(join(&format!("{stem}.ts")), function::generate(&ctx, f));
            let (interfaces, functions) = function::exports(f);
            exports.push(Export::Function {
                path: format!("./{stem}"),
                interfaces,
                functions,
            });
        }
        match dir.as_str() {
            "" => {
                let mut c = Code::new();
                ctx.header(&mut c);
                let url = pkg
                    .plugin_download_url
                    .as_ref()
                    .map(|u| format!(", pluginDownloadURL: {}", json_str(u)))
                    .unwrap_or_default();
                c.raw(&UTILITIES.replace("/*pluginDownloadURL*/", &url));
                files.insert("utilities.ts".to_string(), c.finish());
            }
            "config" => {
                files.insert("config/vars.ts".to_string(), config::config_vars(&ctx));
                exports.push(Export::Eager {
                    path: "./vars".to_string(),
                });
            }
            "types" => {
                let (input, output) = types::input_output(&ctx);
                files.insert("types/input.ts".to_string(), input);
                files.insert("types/output.ts".to_string(), output);
            }
            _ => {}
        }
        files.insert(
            join("index.ts"),
            index::index(&ctx, module, &mut exports, has_types_dir),
        );
    }
    if !pkg.enums.is_empty() {
        types::enum_files(pkg, &modules_with_enums(&modules), &mut files)?;
    }

    files.insert("README.md".to_string(), package::readme(pkg));
    files.insert("package.json".to_string(), package::package_json(pkg));
    files.insert(
        ".gitignore".to_string(),
        "node_modules/\nbin/\n".to_string(),
    );
    files.insert(
        ".gitattributes".to_string(),
        "* linguist-generated\n".to_string(),
    );
    let ts_files: Vec<String> = files
        .keys()
        .filter(|k| k.ends_with(".ts"))
        .cloned()
        .collect();
    files.insert("tsconfig.json".to_string(), package::tsconfig(&ts_files));
    Ok(files)
}

/// For each module directory: its enums and the child directories that hold enums somewhere
/// below, which is what `types/enums/` mirrors.
fn modules_with_enums<'a>(
    modules: &BTreeMap<String, Module<'a>>,
) -> BTreeMap<String, (Vec<&'a crate::model::EnumType>, BTreeSet<String>)> {
    fn has_enums(modules: &BTreeMap<String, Module>, dir: &str) -> bool {
        let m = &modules[dir];
        !m.enums.is_empty()
            || m.children.iter().any(|c| {
                let child = if dir.is_empty() {
                    c.clone()
                } else {
                    format!("{dir}/{c}")
                };
                has_enums(modules, &child)
            })
    }
    let mut out = BTreeMap::new();
    for (dir, m) in modules {
        if dir == "types" || dir == "config" || !has_enums(modules, dir) {
            continue;
        }
        let children = m
            .children
            .iter()
            .filter(|c| {
                let child = if dir.is_empty() {
                    (*c).clone()
                } else {
                    format!("{dir}/{c}")
                };
                has_enums(modules, &child)
            })
            .cloned()
            .collect();
        out.insert(dir.clone(), (m.enums.clone(), children));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::relative_module_path;

    #[test]
    fn module_paths() {
        assert_eq!(relative_module_path("", ""), "./index");
        assert_eq!(relative_module_path("types", ""), "..");
        assert_eq!(relative_module_path("", "storage"), "./storage");
        assert_eq!(relative_module_path("a/b", "a/c"), "../c");
    }
}
