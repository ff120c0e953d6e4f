//! One Python module per function: the result class, its awaitable subclass, `get_x` (plain,
//! synchronous invoke) and `get_x_output` (an Output).

use crate::code::{ln, Code};
use crate::model::Function;
use crate::naming::{py_name, token_name};

use super::classes::{docstring, getter, param_doc};
use super::ty::{runtime_type, Kind, Opts, Types};
use super::{PyCtx, PyImports};

pub fn function_name(f: &Function) -> String {
    py_name(&token_name(&f.token))
}

pub fn generate(ctx: &PyCtx, f: &Function) -> String {
    let types = Types {
        pkg: ctx.pkg,
        module: &ctx.module,
    };
    let name = function_name(f);
    let result_name = format!("{}Result", token_name(&f.token));
    let awaitable = format!("Awaitable{result_name}");
    let inputs = f.inputs.as_deref().unwrap_or_default();

    let mut imports = PyImports::default();
    imports.scan(ctx, inputs, true, None);
    if let Some(result) = &f.result {
        imports.scan(ctx, &result.properties, false, None);
    }
    let mut c = Code::new();
    let extra: &[&str] = if f.result.is_none() {
        &["Awaitable"]
    } else {
        &[]
    };
    ctx.header_with_imports(&mut c, &imports, extra);

    ln!(c, "__all__ = [");
    if f.result.is_some() {
        ln!(c, "    '{result_name}',");
        ln!(c, "    '{awaitable}',");
    }
    if f.plain {
        ln!(c, "    '{name}',");
    }
    if f.result.is_some() {
        ln!(c, "    '{name}_output',");
    }
    ln!(c, "]");
    ln!(c);
    if let Some(msg) = &f.deprecation {
        ln!(
            c,
            "warnings.warn(\"\"\"{}\"\"\", DeprecationWarning)",
            msg.replace('"', "\\\"")
        );
        ln!(c);
    }

    if let Some(result) = &f.result {
        ln!(c, "@pulumi.output_type");
        ln!(c, "class {result_name}:");
        docstring(&mut c, "    ", &result.description);
        let params: String = result
            .properties
            .iter()
            .map(|p| format!(", {}=None", py_name(&p.name)))
            .collect();
        ln!(c, "    def __init__(__self__{params}):");
        if result.properties.is_empty() {
            ln!(c, "        pass");
        }
        for p in &result.properties {
            let field = py_name(&p.name);
            let expected = runtime_type(ctx.pkg, &p.ty);
            // A field named like a builtin type would shadow it inside __init__.
            let check = if ["bool", "int", "float", "str"].contains(&expected.as_str())
                && field == expected
            {
                format!("_builtins.{expected}")
            } else {
                expected.clone()
            };
            ln!(
                c,
                "        if {field} and not isinstance({field}, {check}):"
            );
            ln!(
                c,
                "            raise TypeError(\"Expected argument '{field}' to be a {expected}\")"
            );
            ln!(c, "        pulumi.set(__self__, \"{field}\", {field})");
        }
        ln!(c);
        for p in &result.properties {
            let t = types.property(p, Kind::Output, Opts::default(), false);
            getter(&mut c, p, &t, false);
        }
        ln!(c);
        ln!(c, "class {awaitable}({result_name}):");
        ln!(c, "    # pylint: disable=using-constant-test");
        ln!(c, "    def __await__(self):");
        ln!(c, "        if False:");
        ln!(c, "            yield self");
        let fields: Vec<String> = result
            .properties
            .iter()
            .map(|p| format!("\n            {0}=self.{0}", py_name(&p.name)))
            .collect();
        ln!(c, "        return {result_name}({})", fields.join(","));
        ln!(c);
        ln!(c);
    }

    if f.plain {
        let ret = if f.result.is_some() {
            awaitable.clone()
        } else {
            "Awaitable[None]".to_string()
        };
        definition(&mut c, &types, f, &name, &ret, true);
    }
    if f.result.is_some() {
        definition(
            &mut c,
            &types,
            f,
            &format!("{name}_output"),
            &format!("pulumi.Output[{result_name}]"),
            false,
        );
    }
    c.finish()
}

fn definition(c: &mut Code, types: &Types, f: &Function, fn_name: &str, ret: &str, plain: bool) {
    let inputs = f.inputs.as_deref().unwrap_or_default();
    let result_name = format!("{}Result", token_name(&f.token));
    let mapping = Opts {
        accept_mapping: true,
        ..Opts::default()
    };
    let def = format!("def {fn_name}(");
    let indent = if inputs.is_empty() {
        String::new()
    } else {
        " ".repeat(def.len())
    };
    let mut first = true;
    c.raw(&def);
    for p in inputs {
        let t = if plain {
            format!("Optional[{}]", types.render(&p.ty, Kind::Plain, mapping))
        } else {
            // gen-sdk wraps the (already optional) argument type in Optional once more.
            let mut inner = types.render(&p.ty, Kind::Plain, mapping);
            if !p.required {
                inner = format!("Optional[{inner}]");
            }
            if inner == "Any" {
                "Optional[Any]".to_string()
            } else {
                format!("pulumi.Input[Optional[{inner}]]")
            }
        };
        let pad = if first { "" } else { indent.as_str() };
        first = false;
        ln!(c, "{pad}{}: {t} = None,", py_name(&p.name));
    }
    let options = if plain {
        "Optional[pulumi.InvokeOptions]"
    } else {
        "Optional[Union[pulumi.InvokeOptions, pulumi.InvokeOutputOptions]]"
    };
    ln!(c, "{indent}opts: {options} = None) -> {ret}:");

    let mut doc = if f.description.is_empty() {
        "Use this data source to access information about an existing resource.".to_string()
    } else {
        f.description.clone()
    };
    doc.push('\n');
    if inputs.iter().any(|p| !p.description.is_empty()) {
        doc.push('\n');
        for p in inputs {
            let t = types.render(&p.ty, Kind::Plain, mapping);
            doc.push_str(&param_doc(&py_name(&p.name), &t, &p.description));
        }
    }
    docstring(c, "    ", &doc);
    if let Some(msg) = &f.deprecation {
        ln!(
            c,
            "    pulumi.log.warn(\"\"\"{} is deprecated: {msg}\"\"\")",
            function_name(f)
        );
    }
    ln!(c, "    __args__ = dict()");
    for p in inputs {
        ln!(c, "    __args__['{}'] = {}", p.name, py_name(&p.name));
    }
    let options_class = if plain {
        "InvokeOptions"
    } else {
        "InvokeOutputOptions"
    };
    ln!(
        c,
        "    opts = pulumi.{options_class}.merge(_utilities.get_invoke_opts_defaults(), opts)"
    );
    let typ = if f.result.is_some() {
        format!(", typ={result_name}")
    } else {
        String::new()
    };
    let call = if plain { "invoke" } else { "invoke_output" };
    let value = if plain { ".value" } else { "" };
    ln!(
        c,
        "    __ret__ = pulumi.runtime.{call}('{}', __args__, opts=opts{typ}){value}",
        f.token
    );
    let Some(result) = &f.result else {
        return;
    };
    let source = if plain { "__ret__" } else { "__response__" };
    let fields: Vec<String> = result
        .properties
        .iter()
        .map(|p| {
            format!(
                "\n        {0}=pulumi.get({source}, '{0}')",
                py_name(&p.name)
            )
        })
        .collect();
    if plain {
        ln!(c);
        ln!(c, "    return Awaitable{result_name}({})", fields.join(","));
    } else {
        ln!(
            c,
            "    return __ret__.apply(lambda __response__: {result_name}({}))",
            fields.join(",")
        );
    }
}
