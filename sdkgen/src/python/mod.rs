//! The Python SDK, laid out as `pulumi package gen-sdk --language python` lays it out: a package
//! `pulumi_<name>` with one module per resource and function, `_inputs.py` (args classes and
//! TypedDicts), `outputs.py`, `_enums.py`, a `config` sub-package, `_utilities.py`, the plugin
//! marker files, and `pyproject.toml` (or `setup.py`) at the root.

mod classes;
mod config;
mod function;
mod package;
mod resource;
mod ty;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use crate::code::{ln, Code, Files};
use crate::model::{Error, Package, Property, Result, Type};
use crate::naming::py_name;
use crate::HEADER_LINES;

const UTILITIES: &str = include_str!("../../templates/_utilities.py");

/// gen-sdk's floor for the Pulumi SDK when the schema does not name one.
pub(crate) const PULUMI_REQUIREMENT: &str = ">=3.231.0,<4.0.0";
pub(crate) const PYTHON_REQUIRES: &str = ">=3.9";

/// The Python module path of a schema module: lower-cased, each segment snake_cased.
pub fn py_module(schema_module: &str) -> String {
    if schema_module.is_empty() {
        return String::new();
    }
    schema_module
        .to_lowercase()
        .split('/')
        .map(py_name)
        .collect::<Vec<_>>()
        .join("/")
}

pub struct PyCtx<'a> {
    pub pkg: &'a Package,
    /// `pulumi_<name>`.
    pub pkg_name: String,
    /// Python module path ("" for the package root).
    pub module: String,
}

impl PyCtx<'_> {
    fn depth(&self) -> usize {
        if self.module.is_empty() {
            0
        } else {
            self.module.split('/').count()
        }
    }

    /// The relative import of the package root: `.`, `..`, `...`.
    fn root_import(&self) -> String {
        ".".repeat(self.depth() + 1)
    }

    fn header(&self, c: &mut Code) {
        ln!(c, "# coding=utf-8");
        for l in HEADER_LINES {
            ln!(c, "# {l}");
        }
        ln!(c);
        ln!(c, "import builtins as _builtins");
    }

    fn header_with_imports(&self, c: &mut Code, imports: &PyImports, extra_typing: &[&str]) {
        self.header(c);
        ln!(c, "import warnings");
        ln!(c, "import sys");
        ln!(c, "import pulumi");
        ln!(c, "import pulumi.runtime");
        let mut typing = vec![
            "Any", "Mapping", "Optional", "Sequence", "Union", "overload",
        ];
        typing.extend_from_slice(extra_typing);
        ln!(c, "from typing import {}", typing.join(", "));
        ln!(c, "if sys.version_info >= (3, 11):");
        ln!(
            c,
            "    from typing import NotRequired, TypedDict, TypeAlias"
        );
        ln!(c, "else:");
        ln!(
            c,
            "    from typing_extensions import NotRequired, TypedDict, TypeAlias"
        );
        ln!(c, "from {} import _utilities", self.root_import());
        for i in &imports.0 {
            ln!(c, "{i}");
        }
        ln!(c);
    }

    fn object_import(&self, token: &str, input: bool) -> String {
        let target = py_module(&self.pkg.object(token).module);
        if target == self.module {
            return if input {
                "from ._inputs import *"
            } else {
                "from . import outputs"
            }
            .to_string();
        }
        let root = self.root_import();
        if target.is_empty() {
            return if input {
                format!("from {root} import _inputs as _root_inputs")
            } else {
                format!("from {root} import outputs as _root_outputs")
            };
        }
        let first = target.split('/').next().unwrap_or_default();
        format!("from {root} import {first} as _{first}")
    }

    fn enum_import(&self, token: &str) -> String {
        let target = py_module(&self.pkg.enum_type(token).module);
        if target == self.module {
            return "from ._enums import *".to_string();
        }
        let root = self.root_import();
        if target.is_empty() {
            return format!("from {root} import _enums as _root_enums");
        }
        let first = target.split('/').next().unwrap_or_default();
        format!("from {root} import {first}")
    }

    fn resource_import(&self, token: &str) -> String {
        let r = self.pkg.resource(token).expect("bound $ref to a resource");
        let target = py_module(&r.module);
        if target.is_empty() || target == self.module {
            let up = if target.is_empty() { self.depth() } else { 0 };
            let path = format!("{}{}", ".".repeat(up + 1), resource::file_stem(r));
            return format!("from {path} import {}", resource::class_name(r));
        }
        let first = target.split('/').next().unwrap_or_default();
        format!("from {} import {first} as _{first}", self.root_import())
    }
}

/// The imports a generated module needs for the types it names, sorted as gen-sdk sorts them.
#[derive(Default)]
pub struct PyImports(BTreeSet<String>);

impl PyImports {
    /// Everything reachable from `props`, including through nested object types.
    fn scan(&mut self, ctx: &PyCtx, props: &[Property], input: bool, own_token: Option<&str>) {
        let mut seen = BTreeSet::new();
        for p in props {
            self.scan_type(ctx, &p.ty, input, own_token, &mut seen);
        }
    }

    fn scan_type(
        &mut self,
        ctx: &PyCtx,
        ty: &Type,
        input: bool,
        own_token: Option<&str>,
        seen: &mut BTreeSet<String>,
    ) {
        match ty {
            Type::Array(e) | Type::Map(e) => self.scan_type(ctx, e, input, own_token, seen),
            Type::Union(es) => {
                for e in es {
                    self.scan_type(ctx, e, input, own_token, seen);
                }
            }
            Type::Object(tok) => {
                self.0.insert(ctx.object_import(tok, input));
                if seen.insert(tok.clone()) {
                    for p in &ctx.pkg.object(tok).properties {
                        self.scan_type(ctx, &p.ty, input, own_token, seen);
                    }
                }
            }
            Type::Enum(tok) => {
                self.0.insert(ctx.enum_import(tok));
            }
            Type::Resource(tok) if Some(tok.as_str()) != own_token => {
                self.0.insert(ctx.resource_import(tok));
            }
            _ => {}
        }
    }
}

pub fn is_string_like(pkg: &Package, ty: &Type) -> bool {
    match ty {
        Type::String => true,
        Type::Enum(tok) => pkg.enum_type(tok).element == Type::String,
        _ => false,
    }
}

#[derive(Default)]
struct Module<'a> {
    resources: Vec<&'a crate::model::Resource>,
    functions: Vec<&'a crate::model::Function>,
    objects: Vec<&'a crate::model::ObjectType>,
    enums: Vec<&'a crate::model::EnumType>,
    children: BTreeSet<String>,
}

pub fn generate(pkg: &Package) -> Result<Files> {
    let pkg_name = pkg.python.package_name.clone().unwrap_or_else(|| {
        let ns = pkg
            .namespace
            .as_deref()
            .unwrap_or("pulumi")
            .replace('-', "_");
        format!("{ns}_{}", pkg.name.replace('-', "_"))
    });
    let usage = pkg.usage();

    let mut modules: BTreeMap<String, Module> = BTreeMap::new();
    fn ensure<'m, 'a>(
        modules: &'m mut BTreeMap<String, Module<'a>>,
        m: &str,
    ) -> &'m mut Module<'a> {
        if !m.is_empty() {
            let (parent, child) = match m.rfind('/') {
                Some(i) => (&m[..i], &m[i + 1..]),
                None => ("", m),
            };
            ensure(modules, parent).children.insert(child.to_string());
        }
        modules.entry(m.to_string()).or_default()
    }
    ensure(&mut modules, "");
    for r in pkg.all_resources() {
        let m = py_module(&r.module);
        if m == "config" {
            return Err(Error(format!(
                "{}: module \"config\" is reserved for configuration",
                r.token
            )));
        }
        ensure(&mut modules, &m).resources.push(r);
    }
    for f in &pkg.functions {
        ensure(&mut modules, &py_module(&f.module))
            .functions
            .push(f);
    }
    for o in pkg.objects.values() {
        if usage.input.contains(&o.token)
            || usage.plain_input.contains(&o.token)
            || usage.output.contains(&o.token)
        {
            ensure(&mut modules, &py_module(&o.module)).objects.push(o);
        }
    }
    for e in pkg.enums.values() {
        ensure(&mut modules, &py_module(&e.module)).enums.push(e);
    }
    if !pkg.config.is_empty() {
        ensure(&mut modules, "config");
    }

    let mut files = Files::new();
    let mut registrations = Vec::new();
    for (module, contents) in &modules {
        let ctx = PyCtx {
            pkg,
            pkg_name: pkg_name.clone(),
            module: module.clone(),
        };
        let dir = if module.is_empty() {
            pkg_name.clone()
        } else {
            format!("{pkg_name}/{module}")
        };
        let mut exports: Vec<String> = Vec::new();
        let unique = |stem: String| {
            if contents.children.contains(&stem) {
                format!("{stem}_")
            } else {
                stem
            }
        };
        for r in &contents.resources {
            let stem = unique(resource::file_stem(r));
            files.insert(format!("{dir}/{stem}.py"), resource::generate(&ctx, r));
            exports.push(stem);
        }
        for f in &contents.functions {
            let stem = unique(function::function_name(f));
            files.insert(format!("{dir}/{stem}.py"), function::generate(&ctx, f));
            exports.push(stem);
        }
        let (has_inputs, has_outputs) =
            types::type_files(&ctx, &contents.objects, &usage, &dir, &mut files);
        if !contents.enums.is_empty() {
            files.insert(
                format!("{dir}/_enums.py"),
                types::enums_file(&ctx, &contents.enums)?,
            );
            exports.push("_enums".to_string());
        }
        if module == "config" {
            files.insert(format!("{dir}/vars.py"), config::config_vars(&ctx));
            files.insert(format!("{dir}/__init__.pyi"), config::config_stubs(&ctx));
            files.insert(format!("{dir}/__init__.py"), config::config_init(&ctx));
            continue;
        }
        let classes: BTreeMap<String, String> = contents
            .resources
            .iter()
            .filter(|r| !r.is_provider)
            .map(|r| (r.token.clone(), resource::class_name(r)))
            .collect();
        let fqn = if module.is_empty() {
            pkg_name.clone()
        } else {
            format!("{pkg_name}.{}", module.replace('/', "."))
        };
        let mut by_runtime_module: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (tok, class) in classes {
            let runtime_module = tok.split(':').nth(1).unwrap_or_default().to_string();
            by_runtime_module
                .entry(runtime_module)
                .or_default()
                .insert(tok, class);
        }
        for (runtime_module, classes) in by_runtime_module {
            registrations.push((runtime_module, fqn.clone(), classes));
        }
        let children: Vec<String> = contents.children.iter().cloned().collect();
        files.insert(
            format!("{dir}/__init__.py"),
            init(&ctx, &mut exports, has_inputs, has_outputs, &children),
        );
    }

    // Only the root registers, for every module, so that importing the package is enough for
    // the runtime to rebuild resources from references.
    registrations.sort();
    let root_init = format!("{pkg_name}/__init__.py");
    let mut text = files.remove(&root_init).unwrap_or_default();
    text.push_str(&register_call(pkg, &pkg_name, &registrations));
    files.insert(root_init, text);

    let mut utilities = Code::new();
    PyCtx {
        pkg,
        pkg_name: pkg_name.clone(),
        module: String::new(),
    }
    .header(&mut utilities);
    utilities.raw(UTILITIES);
    let url = pkg
        .plugin_download_url
        .as_ref()
        .map(|u| format!("{u:?}"))
        .unwrap_or_else(|| "None".into());
    ln!(utilities);
    ln!(
        utilities,
        "def get_plugin_download_url() -> typing.Optional[str]:"
    );
    ln!(utilities, "    return {url}");
    ln!(utilities);
    ln!(utilities);
    ln!(utilities, "def get_version() -> str:");
    if pkg.support_pack {
        ln!(
            utilities,
            "    return {:?}",
            pkg.version.clone().unwrap_or_default()
        );
    } else {
        ln!(utilities, "    return _version_str");
    }
    files.insert(format!("{pkg_name}/_utilities.py"), utilities.finish());
    files.insert(format!("{pkg_name}/py.typed"), String::new());
    files.insert(format!("{pkg_name}/README.md"), package::readme(pkg));
    files.insert(
        format!("{pkg_name}/pulumi-plugin.json"),
        package::plugin_json(pkg),
    );
    files.insert(
        ".gitignore".to_string(),
        "*.pyc\n__pycache__\n.mypy_cache\ndist\nbuild\n*.egg-info\n".to_string(),
    );
    files.insert(
        ".gitattributes".to_string(),
        "* linguist-generated\n".to_string(),
    );
    if pkg.python.pyproject {
        files.insert(
            "pyproject.toml".to_string(),
            package::pyproject(pkg, &pkg_name),
        );
    } else {
        files.insert("setup.py".to_string(), package::setup_py(pkg, &pkg_name));
    }
    Ok(files)
}

fn init(
    ctx: &PyCtx,
    exports: &mut [String],
    has_inputs: bool,
    has_outputs: bool,
    children: &[String],
) -> String {
    let mut c = Code::new();
    ctx.header(&mut c);
    ln!(c, "from {} import _utilities", ctx.root_import());
    ln!(c, "import typing");
    if !exports.is_empty() {
        exports.sort();
        ln!(c, "# Export this package's modules as members:");
        for e in exports.iter() {
            ln!(c, "from .{e} import *");
        }
    }
    if has_inputs {
        ln!(c, "from ._inputs import *");
    }
    if has_outputs {
        ln!(c, "from . import outputs");
    }
    if !children.is_empty() {
        let fqn = |child: &str| {
            let mut parts = vec![ctx.pkg_name.clone()];
            if !ctx.module.is_empty() {
                parts.push(ctx.module.replace('/', "."));
            }
            parts.push(child.to_string());
            parts.join(".")
        };
        ln!(c);
        ln!(c, "# Make subpackages available:");
        ln!(c, "if typing.TYPE_CHECKING:");
        for child in children {
            ln!(c, "    import {} as __{child}", fqn(child));
            ln!(c, "    {child} = __{child}");
        }
        ln!(c, "else:");
        for child in children {
            ln!(c, "    {child} = _utilities.lazy_import('{}')", fqn(child));
        }
        ln!(c);
    }
    c.finish()
}

/// `_utilities.register(...)` with the module and package tables as JSON text.
fn register_call(
    pkg: &Package,
    pkg_name: &str,
    modules: &[(String, String, BTreeMap<String, String>)],
) -> String {
    let mut m = String::from("[");
    for (i, (runtime_module, fqn, classes)) in modules.iter().enumerate() {
        m.push_str(if i == 0 { "\n" } else { ",\n" });
        m.push_str(" {\n");
        m.push_str(&format!(
            "  \"pkg\": {},\n",
            crate::code::json_str(&pkg.name)
        ));
        m.push_str(&format!(
            "  \"mod\": {},\n",
            crate::code::json_str(runtime_module)
        ));
        m.push_str(&format!("  \"fqn\": {},\n", crate::code::json_str(fqn)));
        m.push_str("  \"classes\": {\n");
        let entries: Vec<String> = classes
            .iter()
            .map(|(tok, class)| {
                format!(
                    "   {}: {}",
                    crate::code::json_str(tok),
                    crate::code::json_str(class)
                )
            })
            .collect();
        m.push_str(&entries.join(",\n"));
        m.push_str("\n  }\n }");
    }
    m.push_str(if modules.is_empty() { "]" } else { "\n]" });
    let p = format!(
        "[\n {{\n  \"pkg\": {},\n  \"token\": {},\n  \"fqn\": {},\n  \"class\": \"Provider\"\n }}\n]",
        crate::code::json_str(&pkg.name),
        crate::code::json_str(&pkg.provider.token),
        crate::code::json_str(pkg_name)
    );
    format!(
        "_utilities.register(\n    resource_modules=\"\"\"\n{m}\n\"\"\",\n    resource_packages=\"\"\"\n{p}\n\"\"\"\n)\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules() {
        assert_eq!(py_module(""), "");
        assert_eq!(py_module("coolModule"), "coolmodule");
        assert_eq!(py_module("a/b-c"), "a/b_c");
    }
}
