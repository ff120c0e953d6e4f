//! `types/input.ts`, `types/output.ts` (interfaces for object types, nested in namespaces per
//! module) and `types/enums/**/index.ts`.

use std::collections::{BTreeMap, BTreeSet};

use crate::code::{json_str, ln, Code, Files};
use crate::model::{EnumType, Literal, ObjectType, Package, Result};
use crate::naming::{token_name, ts_enum_member};

use super::index::{submodule_exports, submodule_identifier};
use super::ty::{default_value, literal, Kind, Types};
use super::{doc_comment, Imports, ModuleCtx};

/// One interface to emit: the object type and the shape it is emitted in.
struct Entry<'a> {
    obj: &'a ObjectType,
    kind: Kind,
}

/// A namespace of the types files: the types of one module plus nested module namespaces.
#[derive(Default)]
struct Namespace<'a> {
    entries: Vec<Entry<'a>>,
    children: BTreeMap<String, Namespace<'a>>,
}

impl<'a> Namespace<'a> {
    fn get(&mut self, path: &[String]) -> &mut Namespace<'a> {
        match path.split_first() {
            None => self,
            Some((first, rest)) => self.children.entry(first.clone()).or_default().get(rest),
        }
    }

    fn insert(&mut self, path: &[String], entry: Entry<'a>) {
        self.get(path).entries.push(entry);
    }
}

pub fn input_output(ctx: &ModuleCtx) -> (String, String) {
    let pkg = ctx.pkg;
    let usage = pkg.usage();
    let mut inputs = Namespace::default();
    let mut outputs = Namespace::default();
    let mut imports = Imports {
        nested: true,
        ..Imports::default()
    };
    for obj in pkg.objects.values() {
        let path: Vec<String> = if obj.module.is_empty() {
            Vec::new()
        } else {
            obj.module.split('/').map(str::to_string).collect()
        };
        // gen-sdk declares a module's namespace in both files even when it stays empty.
        inputs.get(&path);
        outputs.get(&path);
        // Plain shapes sort before input shapes of the same type, as in gen-sdk.
        if usage.plain_input.contains(&obj.token) {
            inputs.insert(
                &path,
                Entry {
                    obj,
                    kind: Kind::Plain,
                },
            );
        }
        if usage.input.contains(&obj.token) {
            inputs.insert(
                &path,
                Entry {
                    obj,
                    kind: Kind::Input,
                },
            );
        }
        if usage.output.contains(&obj.token) {
            outputs.insert(
                &path,
                Entry {
                    obj,
                    kind: Kind::Output,
                },
            );
        }
        for p in &obj.properties {
            imports.scan(ctx, &p.ty, None);
        }
        if pkg.needs_defaults_helper(&crate::model::Type::Object(obj.token.clone())) {
            imports.utilities = true;
        }
    }
    let render = |ns: &Namespace| {
        let mut c = Code::new();
        ctx.header_with_imports(&mut c, &imports, false);
        namespace(&mut c, pkg, ns, 0);
        c.finish()
    };
    (render(&inputs), render(&outputs))
}

fn namespace(c: &mut Code, pkg: &Package, ns: &Namespace, level: usize) {
    let indent = "    ".repeat(level);
    let mut first = true;
    for e in &ns.entries {
        if !first {
            ln!(c);
        }
        first = false;
        interface(c, pkg, e, &indent);
    }
    for (name, child) in &ns.children {
        if !first {
            ln!(c);
        }
        first = false;
        ln!(
            c,
            "{indent}export namespace {} {{",
            crate::naming::ts_identifier(name)
        );
        namespace(c, pkg, child, level + 1);
        ln!(c, "{indent}}}");
    }
}

fn interface(c: &mut Code, pkg: &Package, e: &Entry, indent: &str) {
    let types = Types { pkg };
    let qualified = types.object_name(&e.obj.token, e.kind);
    let name = qualified
        .rsplit('.')
        .next()
        .unwrap_or(&qualified)
        .to_string();
    doc_comment(c, indent, &e.obj.description, None);
    ln!(c, "{indent}export interface {name} {{");
    for p in &e.obj.properties {
        doc_comment(
            c,
            &format!("{indent}    "),
            &p.description,
            p.deprecation.as_deref(),
        );
        ln!(c, "{indent}    {};", types.interface_member(p, e.kind));
    }
    ln!(c, "{indent}}}");

    // A helper that fills schema defaults into a value of this type; resources apply it to
    // their arguments so that defaults reach the provider even when the user omits them.
    let mut fields = Vec::new();
    for p in &e.obj.properties {
        if let Some(d) = &p.default {
            fields.push(format!(
                "{}: (val.{}) ?? {}",
                p.name,
                p.name,
                default_value(d, &p.ty)
            ));
        } else {
            let reference = format!("val.{}", p.name);
            let filled = types.apply_nested_defaults(p, e.kind, &reference);
            if filled != reference {
                fields.push(format!("{}: {filled}", p.name));
            }
        }
    }
    if fields.is_empty() {
        return;
    }
    let function = super::ty::defaults_function_name(&name);
    doc_comment(
        c,
        indent,
        &format!("{function} sets the appropriate defaults for {name}"),
        None,
    );
    ln!(
        c,
        "{indent}export function {function}(val: {name}): {name} {{"
    );
    ln!(c, "{indent}    return {{");
    ln!(c, "{indent}        ...val,");
    for f in fields {
        ln!(c, "{indent}        {f},");
    }
    ln!(c, "{indent}    }};");
    ln!(c, "{indent}}}");
}

/// `types/enums/index.ts` and one `types/enums/<module>/index.ts` per module with enums.
pub fn enum_files(
    pkg: &Package,
    modules: &BTreeMap<String, (Vec<&EnumType>, BTreeSet<String>)>,
    files: &mut Files,
) -> Result<()> {
    for (dir, (enums, children)) in modules {
        let ctx = ModuleCtx {
            pkg,
            dir: dir.clone(),
        };
        let mut c = Code::new();
        ctx.header(&mut c);
        if !children.is_empty() {
            ln!(c, "// Export sub-modules:");
            for child in children {
                ln!(
                    c,
                    "import * as {} from \"./{child}\";",
                    submodule_identifier(child)
                );
            }
            submodule_exports(&mut c, children);
        }
        if !enums.is_empty() {
            ln!(c);
            for (i, e) in enums.iter().enumerate() {
                if i > 0 {
                    ln!(c);
                }
                enum_definition(&mut c, e)?;
            }
        }
        let path = if dir.is_empty() {
            "types/enums/index.ts".to_string()
        } else {
            format!("types/enums/{dir}/index.ts")
        };
        files.insert(path, c.finish());
    }
    Ok(())
}

fn enum_definition(c: &mut Code, e: &EnumType) -> Result<()> {
    let name = token_name(&e.token);
    ln!(c, "export const {name} = {{");
    for m in &e.members {
        let raw = m.name.clone().unwrap_or_else(|| match &m.value {
            Literal::String(s) => s.clone(),
            other => literal(other),
        });
        let member = ts_enum_member(&raw, &name)
            .map_err(|msg| crate::model::Error(format!("enum {}: {msg}", e.token)))?;
        doc_comment(c, "    ", &m.description, m.deprecation.as_deref());
        let value = match &m.value {
            Literal::String(s) => json_str(s),
            other => literal(other),
        };
        ln!(c, "    {member}: {value},");
    }
    ln!(c, "}} as const;");
    ln!(c);
    doc_comment(c, "", &e.description, None);
    ln!(
        c,
        "export type {name} = (typeof {name})[keyof typeof {name}];"
    );
    Ok(())
}
