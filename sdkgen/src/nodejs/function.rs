//! One TypeScript file per function: `getX` (a Promise) and `getXOutput` (an Output).

use crate::code::{json_str, ln, Code};
use crate::model::Function;
use crate::naming::{camel, token_name, upper_first};

use super::ty::{Kind, Types};
use super::{doc_comment, escape, Imports, ModuleCtx};

pub fn function_name(f: &Function) -> String {
    camel(&token_name(&f.token))
}

/// The names a function file exports: (interfaces, functions).
pub fn exports(f: &Function) -> (Vec<String>, Vec<String>) {
    let name = function_name(f);
    let base = upper_first(&name);
    let mut interfaces = Vec::new();
    let mut functions = Vec::new();
    if f.inputs.is_some() {
        interfaces.push(format!("{base}Args"));
    }
    if f.result.is_some() {
        interfaces.push(format!("{base}Result"));
    }
    if f.inputs.as_ref().is_some_and(|i| !i.is_empty()) && f.result.is_some() {
        interfaces.push(format!("{base}OutputArgs"));
    }
    if f.plain {
        functions.push(name.clone());
    }
    if f.result.is_some() {
        functions.push(format!("{name}Output"));
    }
    (interfaces, functions)
}

pub fn generate(ctx: &ModuleCtx, f: &Function) -> String {
    let mut imports = Imports::default();
    for p in f.inputs.iter().flatten() {
        imports.scan(ctx, &p.ty, None);
    }
    for p in f.result.iter().flat_map(|r| r.properties.iter()) {
        imports.scan(ctx, &p.ty, None);
    }
    let mut c = Code::new();
    ctx.header_with_imports(&mut c, &imports, true);
    definition(&mut c, ctx, f, true);
    if f.result.is_some() {
        ln!(c);
        definition(&mut c, ctx, f, false);
    }
    c.finish()
}

fn definition(c: &mut Code, ctx: &ModuleCtx, f: &Function, plain: bool) {
    let types = Types { pkg: ctx.pkg };
    let name = function_name(f);
    let base = upper_first(&name);
    let inputs = f.inputs.as_deref();
    let args_optional = inputs.is_none_or(|ps| ps.iter().all(|p| !p.required));
    let args_type = if plain {
        format!("{base}Args")
    } else {
        format!("{base}OutputArgs")
    };
    let mut args_sig = match inputs {
        Some(_) => format!(
            "args{}: {args_type}, ",
            if args_optional { "?" } else { "" }
        ),
        None => String::new(),
    };
    if !plain && inputs.is_some_and(|ps| ps.is_empty()) {
        args_sig.clear();
    }
    let result_type = if f.result.is_some() {
        format!("{base}Result")
    } else {
        "void".to_string()
    };

    let written = !plain || f.plain;
    if written {
        doc_comment(c, "", &f.description, None);
        if let Some(msg) = &f.deprecation {
            ln!(c, "/** @deprecated {msg} */");
        }
        let (full_name, options, ret, call) = if plain {
            (
                name.clone(),
                "pulumi.InvokeOptions",
                format!("Promise<{result_type}>"),
                "invoke",
            )
        } else {
            (
                format!("{name}Output"),
                "pulumi.InvokeOutputOptions",
                format!("pulumi.Output<{result_type}>"),
                "invokeOutput",
            )
        };
        ln!(
            c,
            "export function {full_name}({args_sig}opts?: {options}): {ret} {{"
        );
        if let Some(msg) = &f.deprecation {
            ln!(
                c,
                "    pulumi.log.warn(\"{name} is deprecated: {}\")",
                escape(msg)
            );
        }
        if inputs.is_some() && args_optional && !args_sig.is_empty() {
            ln!(c, "    args = args || {{}};");
        }
        ln!(
            c,
            "    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {{}});"
        );
        ln!(
            c,
            "    return pulumi.runtime.{call}({}, {{",
            json_str(&f.token)
        );
        for p in inputs.unwrap_or_default() {
            let reference = format!("args.{}", p.name);
            let value = match types.defaults_function(&p.ty, Kind::Plain) {
                None => reference,
                Some(func) if !plain => {
                    if p.required {
                        format!("pulumi.output({reference}).apply({func})")
                    } else {
                        format!("pulumi.output({reference}).apply(v => v === undefined ? undefined : {func}(v))")
                    }
                }
                Some(func) => format!("{reference} ? {func}({reference}) : undefined"),
            };
            ln!(c, "        {}: {value},", json_str(&p.name));
        }
        ln!(c, "    }}, opts);");
        ln!(c, "}}");
    }

    if let Some(ps) = inputs {
        if plain || !ps.is_empty() {
            if written {
                ln!(c);
            }
            doc_comment(c, "", &f.inputs_description, None);
            ln!(c, "export interface {args_type} {{");
            let kind = if plain { Kind::Plain } else { Kind::Input };
            for p in ps {
                doc_comment(c, "    ", &p.description, p.deprecation.as_deref());
                ln!(c, "    {};", types.interface_member(p, kind));
            }
            ln!(c, "}}");
        }
    }

    // The result interface is shared by both forms, so it is written once, after the plain one.
    if let (true, Some(result)) = (plain, &f.result) {
        ln!(c);
        doc_comment(c, "", &result.description, None);
        ln!(c, "export interface {result_type} {{");
        for p in &result.properties {
            doc_comment(c, "    ", &p.description, p.deprecation.as_deref());
            ln!(
                c,
                "    readonly {};",
                types.interface_member(p, Kind::Output)
            );
        }
        ln!(c, "}}");
    }
}
