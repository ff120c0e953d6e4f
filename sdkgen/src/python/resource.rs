//! One Python module per resource: the `XArgs` input class and the resource class with its two
//! `__init__` overloads, `get` (custom resources) and output property getters.

use crate::code::{ln, Code};
use crate::model::{Property, Resource};
use crate::naming::{py_init_param, py_name, token_name};

use super::classes::{docstring, getter, input_class, param_doc};
use super::ty::{default_value, Kind, Opts, Types};
use super::{is_string_like, PyCtx, PyImports};

pub fn class_name(r: &Resource) -> String {
    if r.is_provider {
        "Provider".to_string()
    } else {
        crate::naming::py_keyword_safe(token_name(&r.token))
    }
}

/// `XArgs`, or `XInitArgs` when an input type of the same module already takes the name `XArgs`
/// (a type named like the resource), as gen-sdk does.
pub fn args_class_name(ctx: &PyCtx, r: &Resource) -> String {
    let name = class_name(r);
    let usage = ctx.pkg.usage();
    let taken = ctx.pkg.objects.values().any(|o| {
        super::py_module(&o.module) == ctx.module
            && usage.input.contains(&o.token)
            && token_name(&o.token) == name
    });
    if taken {
        format!("{name}InitArgs")
    } else {
        format!("{name}Args")
    }
}

pub fn file_stem(r: &Resource) -> String {
    if r.is_provider {
        "provider".to_string()
    } else {
        py_name(&token_name(&r.token))
    }
}

pub fn generate(ctx: &PyCtx, r: &Resource) -> String {
    let types = Types {
        pkg: ctx.pkg,
        module: &ctx.module,
    };
    let name = class_name(r);
    let args_name = args_class_name(ctx, r);

    let mut imports = PyImports::default();
    imports.scan(ctx, &r.outputs, false, Some(&r.token));
    imports.scan(ctx, &r.inputs, true, Some(&r.token));
    let mut c = Code::new();
    ctx.header_with_imports(&mut c, &imports, &[]);
    ln!(c, "__all__ = ['{args_name}', '{name}']");
    ln!(c);

    input_class(
        &mut c,
        ctx,
        &args_name,
        &format!("The arguments for constructing a {name} resource."),
        &r.inputs,
        Kind::Input,
    );

    if let Some(msg) = &r.deprecation {
        if !r.is_provider {
            ln!(
                c,
                "warnings.warn(\"\"\"{}\"\"\", DeprecationWarning)",
                msg.replace('"', "\\\"")
            );
            ln!(c);
            ln!(c);
        }
    }
    let base = if r.is_provider {
        "pulumi.ProviderResource"
    } else if r.is_component {
        "pulumi.ComponentResource"
    } else {
        "pulumi.CustomResource"
    };
    ln!(c, "@pulumi.type_token(\"{}\")", r.token);
    ln!(c, "class {name}({base}):");
    if let Some(msg) = &r.deprecation {
        ln!(
            c,
            "    warnings.warn(\"\"\"{}\"\"\", DeprecationWarning)",
            msg.replace('"', "\\\"")
        );
        ln!(c);
    }

    let all_optional = r.inputs.iter().all(|p| !p.required);
    ln!(c, "    @overload");
    init_signature(&mut c, &types, r, "__init__");
    init_docstring(&mut c, &types, r, &args_name, false);
    ln!(c, "        ...");
    ln!(c, "    @overload");
    ln!(c, "    def __init__(__self__,");
    ln!(c, "                 resource_name: str,");
    if all_optional {
        ln!(c, "                 args: Optional[{args_name}] = None,");
    } else {
        ln!(c, "                 args: {args_name},");
    }
    ln!(
        c,
        "                 opts: Optional[pulumi.ResourceOptions] = None):"
    );
    init_docstring(&mut c, &types, r, &args_name, true);
    ln!(c, "        ...");
    ln!(
        c,
        "    def __init__(__self__, resource_name: str, *args, **kwargs):"
    );
    ln!(
        c,
        "        resource_args, opts = _utilities.get_resource_args_opts({args_name}, pulumi.ResourceOptions, *args, **kwargs)"
    );
    ln!(c, "        if resource_args is not None:");
    ln!(
        c,
        "            __self__._internal_init(resource_name, opts, **resource_args.__dict__)"
    );
    ln!(c, "        else:");
    ln!(
        c,
        "            __self__._internal_init(resource_name, *args, **kwargs)"
    );
    ln!(c);

    init_signature(&mut c, &types, r, "_internal_init");
    if let Some(msg) = &r.deprecation {
        ln!(
            c,
            "        pulumi.log.warn(\"\"\"{name} is deprecated: {msg}\"\"\")"
        );
    }
    ln!(c, "        opts = pulumi.ResourceOptions.merge(_utilities.get_resource_opts_defaults(), opts)");
    ln!(
        c,
        "        if not isinstance(opts, pulumi.ResourceOptions):"
    );
    ln!(
        c,
        "            raise TypeError('Expected resource options to be a ResourceOptions instance')"
    );
    if r.is_component {
        // A component is built by its provider's Construct; it cannot be read back by ID.
        ln!(c, "        if opts.id is not None:");
        ln!(
            c,
            "            raise ValueError('ComponentResource classes do not support opts.id')"
        );
        ln!(c, "        else:");
    } else {
        ln!(c, "        if opts.id is None:");
    }
    ln!(c, "            if __props__ is not None:");
    ln!(
        c,
        "                raise TypeError('__props__ is only valid when passed in combination with a valid opts.id to get an existing resource')"
    );
    // An instance of the args class carries the camelCase names of the properties, which the
    // runtime uses to translate the snake_case keys.
    ln!(
        c,
        "            __props__ = {args_name}.__new__({args_name})"
    );
    ln!(c);
    for p in &r.inputs {
        let param = py_init_param(&p.name);
        if let Some(d) = &p.default {
            ln!(c, "            if {param} is None:");
            ln!(c, "                {param} = {}", default_value(d, &p.ty));
        }
        if p.required {
            ln!(c, "            if {param} is None and not opts.urn:");
            ln!(
                c,
                "                raise TypeError(\"Missing required property '{param}'\")"
            );
        }
        ln!(
            c,
            "            __props__.__dict__[\"{}\"] = {}",
            py_name(&p.name),
            input_value(ctx, r, p, &param)
        );
    }
    for p in &r.outputs {
        if !r.inputs.iter().any(|i| i.name == p.name) {
            ln!(
                c,
                "            __props__.__dict__[\"{}\"] = None",
                py_name(&p.name)
            );
        }
    }
    if !r.aliases.is_empty() {
        let aliases: Vec<String> = r
            .aliases
            .iter()
            .map(|a| format!("pulumi.Alias(type_=\"{a}\")"))
            .collect();
        ln!(
            c,
            "        alias_opts = pulumi.ResourceOptions(aliases=[{}])",
            aliases.join(", ")
        );
        ln!(
            c,
            "        opts = pulumi.ResourceOptions.merge(opts, alias_opts)"
        );
    }
    let secrets: Vec<String> = r
        .outputs
        .iter()
        .filter(|p| p.secret)
        .map(|p| format!("\"{}\"", p.name))
        .collect();
    if !secrets.is_empty() {
        ln!(
            c,
            "        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=[{}])",
            secrets.join(", ")
        );
        ln!(
            c,
            "        opts = pulumi.ResourceOptions.merge(opts, secret_opts)"
        );
    }
    let replace: Vec<String> = ctx
        .pkg
        .replace_on_changes(r)
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect();
    if !replace.is_empty() {
        ln!(
            c,
            "        replace_on_changes = pulumi.ResourceOptions(replace_on_changes=[{}])",
            replace.join(", ")
        );
        ln!(
            c,
            "        opts = pulumi.ResourceOptions.merge(opts, replace_on_changes)"
        );
    }
    let pulumi_type = if r.is_provider {
        &ctx.pkg.name
    } else {
        &r.token
    };
    ln!(c, "        super({name}, __self__).__init__(");
    ln!(c, "            '{pulumi_type}',");
    ln!(c, "            resource_name,");
    ln!(c, "            __props__,");
    if r.is_component {
        ln!(c, "            opts,");
        ln!(c, "            remote=True)");
    } else {
        ln!(c, "            opts)");
    }
    ln!(c);

    if !r.is_provider && !r.is_component {
        ln!(c, "    @staticmethod");
        ln!(c, "    def get(resource_name: str,");
        ln!(c, "            id: pulumi.Input[str],");
        ln!(
            c,
            "            opts: Optional[pulumi.ResourceOptions] = None) -> '{name}':"
        );
        docstring(
            &mut c,
            "        ",
            &format!(
                "Looks up an existing {name} by its provider ID and returns it without creating or changing anything.\n\n\
                 :param str resource_name: The unique name of the resulting resource.\n\
                 :param pulumi.Input[str] id: The provider ID of the resource to look up.\n\
                 :param pulumi.ResourceOptions opts: Options for the lookup."
            ),
        );
        ln!(
            c,
            "        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))"
        );
        ln!(c);
        ln!(c, "        __props__ = {args_name}.__new__({args_name})");
        ln!(c);
        for p in &r.outputs {
            ln!(
                c,
                "        __props__.__dict__[\"{}\"] = None",
                py_name(&p.name)
            );
        }
        ln!(
            c,
            "        return {name}(resource_name, opts=opts, __props__=__props__)"
        );
        ln!(c);
    }

    for p in &r.outputs {
        let t = types.property(p, Kind::Output, Opts::default(), false);
        getter(&mut c, p, &format!("pulumi.Output[{t}]"), false);
    }
    c.finish()
}

fn init_signature(c: &mut Code, types: &Types, r: &Resource, method: &str) {
    ln!(c, "    def {method}(__self__,");
    ln!(c, "                 resource_name: str,");
    ln!(
        c,
        "                 opts: Optional[pulumi.ResourceOptions] = None,"
    );
    for p in &r.inputs {
        ln!(
            c,
            "                 {}: {} = None,",
            py_init_param(&p.name),
            types.init_param(p)
        );
    }
    ln!(c, "                 __props__=None):");
}

fn init_docstring(c: &mut Code, types: &Types, r: &Resource, args_name: &str, args_overload: bool) {
    let mut text = if r.description.is_empty() {
        format!("Creates a {} resource.", class_name(r))
    } else {
        r.description.clone()
    };
    text.push_str("\n\n:param str resource_name: The name of the resource.\n");
    if args_overload {
        text.push_str(&format!(
            ":param {args_name} args: The arguments that set this resource's inputs.\n"
        ));
    }
    text.push_str(":param pulumi.ResourceOptions opts: Options for the resource.\n");
    if !args_overload {
        for p in &r.inputs {
            text.push_str(&param_doc(
                &py_init_param(&p.name),
                &types.doc_param(p, Kind::Input, true),
                &p.description,
            ));
        }
    }
    docstring(c, "        ", &text);
}

fn input_value(ctx: &PyCtx, r: &Resource, p: &Property, param: &str) -> String {
    if r.is_provider && !is_string_like(ctx.pkg, &p.ty) {
        // The engine hands provider inputs to the plugin as strings; non-strings travel as JSON.
        let source = if p.secret {
            "pulumi.Output.secret"
        } else {
            "pulumi.Output.from_input"
        };
        return format!(
            "{source}({param}).apply(pulumi.runtime.to_json) if {param} is not None else None"
        );
    }
    if p.secret {
        format!("None if {param} is None else pulumi.Output.secret({param})")
    } else {
        param.to_string()
    }
}
