//! Pieces shared by every generated class: docstrings, property getters, input and output
//! classes (`@pulumi.input_type` / `@pulumi.output_type`) and their TypedDicts.

use crate::code::{comment_lines, ln, Code};
use crate::model::Property;
use crate::naming::py_name;

use super::ty::{default_value, Kind, Opts, Types};
use super::PyCtx;

/// A `"""` docstring; backslashes and triple quotes in the text are escaped.
pub fn docstring(c: &mut Code, indent: &str, text: &str) {
    let lines = comment_lines(text);
    if lines.is_empty() {
        return;
    }
    ln!(c, "{indent}\"\"\"");
    for l in lines {
        if l.is_empty() {
            ln!(c);
        } else {
            ln!(
                c,
                "{indent}{}",
                l.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"")
            );
        }
    }
    ln!(c, "{indent}\"\"\"");
}

/// `:param <type> <name>: <description>` with continuation lines aligned for Sphinx.
pub fn param_doc(name: &str, ty: &str, description: &str) -> String {
    let mut out = String::new();
    for (i, l) in comment_lines(description).iter().enumerate() {
        if i == 0 {
            out.push_str(&format!(":param {ty} {name}: {l}\n"));
        } else {
            out.push_str(&format!("       {l}\n"));
        }
    }
    out
}

/// A property getter (and setter for input classes) reading the value stored under its
/// snake_case name; the schema name goes to `@pulumi.getter` when it differs.
pub fn getter(c: &mut Code, p: &Property, annotation: &str, setter: bool) {
    let name = py_name(&p.name);
    ln!(c, "    @_builtins.property");
    if name == p.name {
        ln!(c, "    @pulumi.getter");
    } else {
        ln!(c, "    @pulumi.getter(name=\"{}\")", p.name);
    }
    if let Some(msg) = &p.deprecation {
        ln!(
            c,
            "    @_utilities.deprecated(\"\"\"{}\"\"\")",
            msg.replace('"', "\\\"")
        );
    }
    ln!(c, "    def {name}(self) -> {annotation}:");
    docstring(c, "        ", &p.description);
    ln!(c, "        return pulumi.get(self, \"{name}\")");
    ln!(c);
    if setter {
        ln!(c, "    @{name}.setter");
        ln!(c, "    def {name}(self, value: {annotation}):");
        ln!(c, "        pulumi.set(self, \"{name}\", value)");
        ln!(c);
    }
}

/// Required properties first, then by name: the order of `__init__` parameters.
fn required_first(props: &[Property]) -> Vec<&Property> {
    let mut sorted: Vec<&Property> = props.iter().collect();
    sorted.sort_by(|a, b| {
        b.required
            .cmp(&a.required)
            .then_with(|| a.name.cmp(&b.name))
    });
    sorted
}

/// An input class (`@pulumi.input_type`), used for resource args and input object types.
pub fn input_class(
    c: &mut Code,
    ctx: &PyCtx,
    name: &str,
    comment: &str,
    props: &[Property],
    kind: Kind,
) {
    typed_class(c, ctx, name, comment, props, kind, false);
}

pub fn typed_class(
    c: &mut Code,
    ctx: &PyCtx,
    name: &str,
    comment: &str,
    props: &[Property],
    kind: Kind,
    resource_output: bool,
) {
    let types = Types {
        pkg: ctx.pkg,
        module: &ctx.module,
    };
    let input = kind != Kind::Output;
    let props = required_first(props);
    if input {
        ln!(c, "@pulumi.input_type");
        ln!(c, "class {name}:");
    } else {
        ln!(c, "@pulumi.output_type");
        ln!(c, "class {name}(dict):");
        docstring(c, "    ", comment);
    }

    // Output types are dicts; reading a camelCase key instead of the snake_case getter gets a
    // hint rather than a silent KeyError.
    let renamed: Vec<&&Property> = props
        .iter()
        .filter(|p| py_name(&p.name) != p.name)
        .collect();
    if resource_output && !renamed.is_empty() {
        ln!(c, "    @staticmethod");
        ln!(c, "    def __key_warning(key: str):");
        ln!(c, "        suggest = None");
        for (i, p) in renamed.iter().enumerate() {
            let keyword = if i == 0 { "if" } else { "elif" };
            ln!(c, "        {keyword} key == \"{}\":", p.name);
            ln!(c, "            suggest = \"{}\"", py_name(&p.name));
        }
        ln!(c);
        ln!(c, "        if suggest:");
        ln!(
            c,
            "            pulumi.log.warn(f\"Key '{{key}}' not found in {name}. Access the value via the '{{suggest}}' property getter instead.\")"
        );
        ln!(c);
        ln!(c, "    def __getitem__(self, key: str) -> Any:");
        ln!(c, "        {name}.__key_warning(key)");
        ln!(c, "        return super().__getitem__(key)");
        ln!(c);
        ln!(c, "    def get(self, key: str, default = None) -> Any:");
        ln!(c, "        {name}.__key_warning(key)");
        ln!(c, "        return super().get(key, default)");
        ln!(c);
    }

    let mut sig = String::from("    def __init__(__self__");
    if !props.is_empty() {
        sig.push_str(", *");
    }
    for p in &props {
        let t = types.property(p, kind, Opts::default(), p.default.is_some());
        let default = if !p.required || p.default.is_some() {
            " = None"
        } else {
            ""
        };
        sig.push_str(&format!(
            ",\n                 {}: {t}{default}",
            py_name(&p.name)
        ));
    }
    sig.push_str("):");
    ln!(c, "{sig}");
    let mut doc = String::new();
    if !comment.is_empty() {
        doc.push_str(comment);
        doc.push_str("\n\n");
    }
    for p in &props {
        doc.push_str(&param_doc(
            &py_name(&p.name),
            &types.doc_param(p, kind, false),
            &p.description,
        ));
    }
    docstring(c, "        ", &doc);
    if props.is_empty() {
        ln!(c, "        pass");
    }
    for p in &props {
        let name = py_name(&p.name);
        if input {
            if let Some(msg) = &p.deprecation {
                let msg = msg.replace('"', "\\\"");
                ln!(c, "        if {name} is not None:");
                ln!(
                    c,
                    "            warnings.warn(\"\"\"{msg}\"\"\", DeprecationWarning)"
                );
                ln!(
                    c,
                    "            pulumi.log.warn(\"\"\"{name} is deprecated: {msg}\"\"\")"
                );
            }
        }
        if let Some(d) = &p.default {
            ln!(c, "        if {name} is None:");
            ln!(c, "            {name} = {}", default_value(d, &p.ty));
        }
        if p.required {
            ln!(c, "        pulumi.set(__self__, \"{name}\", {name})");
        } else {
            ln!(c, "        if {name} is not None:");
            ln!(c, "            pulumi.set(__self__, \"{name}\", {name})");
        }
    }
    ln!(c);
    for p in &props {
        let t = types.property(p, kind, Opts::default(), false);
        getter(c, p, &t, input);
    }
    ln!(c);
}

/// The TypedDict twin of an input class, so that plain dicts type-check where args are accepted.
pub fn typed_dict(
    c: &mut Code,
    ctx: &PyCtx,
    name: &str,
    comment: &str,
    props: &[Property],
    kind: Kind,
) {
    let types = Types {
        pkg: ctx.pkg,
        module: &ctx.module,
    };
    ln!(c, "class {name}Dict(TypedDict):");
    docstring(c, "    ", comment);
    let props = required_first(props);
    for p in &props {
        ln!(
            c,
            "    {}: {}",
            py_name(&p.name),
            types.dict_property(p, kind)
        );
        docstring(c, "    ", &p.description);
    }
    if props.is_empty() {
        ln!(c, "    pass");
    }
    ln!(c);
}
