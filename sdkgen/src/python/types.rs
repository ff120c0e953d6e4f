//! `_inputs.py` (args classes with their TypedDicts), `outputs.py` (output classes) and
//! `_enums.py` of one module.

use crate::code::{json_str, ln, Code, Files};
use crate::model::{EnumType, Literal, ObjectType, Result, Usage};
use crate::naming::{py_enum_member, token_name};

use super::classes::{docstring, typed_class, typed_dict};
use super::ty::{literal, Kind};
use super::{PyCtx, PyImports};

/// Writes the module's type files; returns whether `_inputs.py` and `outputs.py` exist.
pub fn type_files(
    ctx: &PyCtx,
    objects: &[&ObjectType],
    usage: &Usage,
    dir: &str,
    files: &mut Files,
) -> (bool, bool) {
    let mut inputs: Vec<(&ObjectType, Kind)> = Vec::new();
    let mut outputs: Vec<&ObjectType> = Vec::new();
    for o in objects {
        // The plain shape sorts before the input shape of the same type, as in gen-sdk.
        if usage.plain_input.contains(&o.token) {
            inputs.push((o, Kind::Plain));
        }
        if usage.input.contains(&o.token) {
            inputs.push((o, Kind::Input));
        }
        if usage.output.contains(&o.token) {
            outputs.push(o);
        }
    }

    if !inputs.is_empty() {
        let mut imports = PyImports::default();
        for (o, _) in &inputs {
            imports.scan(ctx, &o.properties, true, None);
        }
        imports.0.remove("from ._inputs import *");
        enum_imports(ctx, &mut imports);
        let mut c = Code::new();
        ctx.header_with_imports(&mut c, &imports, &[]);
        ln!(c, "__all__ = [");
        for (o, kind) in &inputs {
            let name = class_name(o, *kind);
            ln!(c, "    '{name}',");
            ln!(c, "    '{name}Dict',");
        }
        ln!(c, "]");
        ln!(c);
        for (o, kind) in &inputs {
            let name = class_name(o, *kind);
            typed_dict(&mut c, ctx, &name, &o.description, &o.properties, *kind);
            typed_class(
                &mut c,
                ctx,
                &name,
                &o.description,
                &o.properties,
                *kind,
                false,
            );
        }
        files.insert(format!("{dir}/_inputs.py"), c.finish());
    }

    if !outputs.is_empty() {
        let mut imports = PyImports::default();
        for o in &outputs {
            imports.scan(ctx, &o.properties, false, None);
        }
        enum_imports(ctx, &mut imports);
        let mut c = Code::new();
        ctx.header_with_imports(&mut c, &imports, &[]);
        ln!(c, "__all__ = [");
        for o in &outputs {
            ln!(c, "    '{}',", token_name(&o.token));
        }
        ln!(c, "]");
        ln!(c);
        for o in &outputs {
            let resource_output = usage.resource_output.contains(&o.token);
            let name = token_name(&o.token);
            typed_class(
                &mut c,
                ctx,
                &name,
                &o.description,
                &o.properties,
                Kind::Output,
                resource_output,
            );
        }
        files.insert(format!("{dir}/outputs.py"), c.finish());
    }
    (!inputs.is_empty(), !outputs.is_empty())
}

fn class_name(o: &ObjectType, kind: Kind) -> String {
    let name = token_name(&o.token);
    if kind == Kind::Input {
        format!("{name}Args")
    } else {
        name
    }
}

/// Type files import the module's enums whether or not they use them, as gen-sdk does.
fn enum_imports(ctx: &PyCtx, imports: &mut PyImports) {
    let module = &ctx.module;
    if ctx
        .pkg
        .enums
        .values()
        .any(|e| &super::py_module(&e.module) == module)
    {
        imports.0.insert("from ._enums import *".to_string());
    }
}

pub fn enums_file(ctx: &PyCtx, enums: &[&EnumType]) -> Result<String> {
    let mut c = Code::new();
    ctx.header(&mut c);
    ln!(c, "import pulumi");
    ln!(c, "from enum import Enum");
    ln!(c);
    ln!(c, "__all__ = [");
    for e in enums {
        ln!(c, "    '{}',", token_name(&e.token));
    }
    ln!(c, "]");
    for e in enums {
        let name = token_name(&e.token);
        let base = match e.element {
            crate::model::Type::Int => "_builtins.int",
            crate::model::Type::Number => "_builtins.float",
            _ => "_builtins.str",
        };
        ln!(c);
        ln!(c);
        ln!(c, "@pulumi.type_token(\"{}\")", e.token);
        ln!(c, "class {name}({base}, Enum):");
        docstring(&mut c, "    ", &e.description);
        for m in &e.members {
            let raw = m.name.clone().unwrap_or_else(|| match &m.value {
                Literal::String(s) => s.clone(),
                other => literal(other),
            });
            let member = py_enum_member(&raw, &name)
                .map_err(|msg| crate::model::Error(format!("enum {}: {msg}", e.token)))?;
            let value = match &m.value {
                Literal::String(s) => json_str(s),
                other => literal(other),
            };
            ln!(c, "    {member} = {value}");
            let mut doc = m.description.clone();
            if let Some(d) = &m.deprecation {
                if !doc.is_empty() {
                    doc.push_str("\n\n");
                }
                doc.push_str(&format!("Deprecated: {d}"));
            }
            docstring(&mut c, "    ", &doc);
        }
    }
    Ok(c.finish())
}
