//! One TypeScript file per resource: the class (custom, component or provider) and its Args.

use crate::code::{json_str, ln, Code};
use crate::model::{Property, Resource};
use crate::naming::token_name;

use super::ty::{default_value, is_string_like, Kind, Types};
use super::{doc_comment, escape, Imports, ModuleCtx};

pub fn class_name(r: &Resource) -> String {
    if r.is_provider {
        "Provider".to_string()
    } else {
        token_name(&r.token)
    }
}

pub fn generate(ctx: &ModuleCtx, r: &Resource) -> String {
    let types = Types { pkg: ctx.pkg };
    let name = class_name(r);

    let mut imports = Imports::default();
    for p in r.outputs.iter().chain(r.inputs.iter()) {
        imports.scan(ctx, &p.ty, Some(&r.token));
    }

    let mut c = Code::new();
    ctx.header_with_imports(&mut c, &imports, true);

    doc_comment(&mut c, "", &r.description, r.deprecation.as_deref());
    let (base, options) = if r.is_component {
        ("ComponentResource", "ComponentResourceOptions")
    } else if r.is_provider {
        ("ProviderResource", "ResourceOptions")
    } else {
        ("CustomResource", "CustomResourceOptions")
    };
    ln!(c, "export class {name} extends pulumi.{base} {{");

    if !r.is_provider && !r.is_component {
        doc_comment(
            &mut c,
            "    ",
            &format!(
                "Looks up an existing {name} by its provider ID and returns it without creating or changing anything.\n\n\
                 @param name The unique name of the resulting resource.\n\
                 @param id The provider ID of the resource to look up.\n\
                 @param opts Options for the lookup."
            ),
            None,
        );
        ln!(
            c,
            "    public static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.{options}): {name} {{"
        );
        if let Some(msg) = &r.deprecation {
            ln!(
                c,
                "        pulumi.log.warn(\"{name} is deprecated: {}\")",
                escape(msg)
            );
        }
        ln!(
            c,
            "        return new {name}(name, undefined as any, {{ ...opts, id: id }});"
        );
        ln!(c, "    }}");
        ln!(c);
    }

    let pulumi_type = if r.is_provider {
        ctx.pkg.name.as_str()
    } else {
        r.token.as_str()
    };
    ln!(c, "    /** @internal */");
    ln!(
        c,
        "    public static readonly __pulumiType = '{pulumi_type}';"
    );
    ln!(c);
    doc_comment(
        &mut c,
        "    ",
        &format!(
            "Whether the given object is a {name}. This works even when several copies of the Pulumi SDK\n\
             are loaded into the same process."
        ),
        None,
    );
    ln!(
        c,
        "    public static isInstance(obj: any): obj is {name} {{"
    );
    ln!(c, "        if (obj === undefined || obj === null) {{");
    ln!(c, "            return false;");
    ln!(c, "        }}");
    if r.is_provider {
        // ProviderResource prefixes the token with "pulumi:providers:" before storing it.
        ln!(
            c,
            "        return obj['__pulumiType'] === \"pulumi:providers:\" + {name}.__pulumiType;"
        );
    } else {
        ln!(
            c,
            "        return obj['__pulumiType'] === {name}.__pulumiType;"
        );
    }
    ln!(c, "    }}");
    ln!(c);

    let is_input = |n: &str| r.inputs.iter().any(|p| p.name == n);
    for p in &r.outputs {
        doc_comment(&mut c, "    ", &p.description, p.deprecation.as_deref());
        let out = if is_input(&p.name) { "" } else { "/*out*/ " };
        ln!(
            c,
            "    declare public {out}readonly {}: {};",
            p.name,
            types.output_property(p)
        );
    }
    ln!(c);

    doc_comment(
        &mut c,
        "    ",
        &format!(
            "Creates a {name} resource.\n\n\
             @param name The unique name of the resource.\n\
             @param args The arguments that set this resource's inputs.\n\
             @param opts Options that control this resource's behavior."
        ),
        None,
    );
    if let Some(msg) = &r.deprecation {
        ln!(c, "    /** @deprecated {msg} */");
    }
    let args_optional = if r.inputs.iter().all(|p| !p.required) {
        "?"
    } else {
        ""
    };
    ln!(
        c,
        "    constructor(name: string, args{args_optional}: {name}Args, opts?: pulumi.{options}) {{"
    );
    if let Some(msg) = &r.deprecation {
        ln!(
            c,
            "        pulumi.log.warn(\"{name} is deprecated: {}\")",
            escape(msg)
        );
    }
    ln!(c, "        let resourceInputs: pulumi.Inputs = {{}};");
    ln!(c, "        opts = opts || {{}};");
    if r.is_provider {
        // A provider is never read back by ID, so there is no lookup branch.
        ln!(c, "        {{");
        input_assignments(&mut c, ctx, r);
    } else {
        ln!(c, "        if (!opts.id) {{");
        input_assignments(&mut c, ctx, r);
        ln!(c, "        }} else {{");
        for p in &r.outputs {
            ln!(
                c,
                "            resourceInputs[\"{}\"] = undefined /*out*/;",
                p.name
            );
        }
    }
    ln!(c, "        }}");
    ln!(
        c,
        "        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);"
    );
    if !r.aliases.is_empty() {
        let aliases = r
            .aliases
            .iter()
            .map(|a| format!("{{ type: {} }}", json_str(a)))
            .collect::<Vec<_>>()
            .join(", ");
        ln!(c, "        const aliasOpts = {{ aliases: [{aliases}] }};");
        ln!(c, "        opts = pulumi.mergeOptions(opts, aliasOpts);");
    }
    let secrets: Vec<String> = r
        .outputs
        .iter()
        .filter(|p| p.secret)
        .map(|p| json_str(&p.name))
        .collect();
    if !secrets.is_empty() {
        ln!(
            c,
            "        const secretOpts = {{ additionalSecretOutputs: [{}] }};",
            secrets.join(", ")
        );
        ln!(c, "        opts = pulumi.mergeOptions(opts, secretOpts);");
    }
    let replace: Vec<String> = ctx
        .pkg
        .replace_on_changes(r)
        .iter()
        .map(|s| json_str(s))
        .collect();
    if !replace.is_empty() {
        ln!(
            c,
            "        const replaceOnChanges = {{ replaceOnChanges: [{}] }};",
            replace.join(", ")
        );
        ln!(
            c,
            "        opts = pulumi.mergeOptions(opts, replaceOnChanges);"
        );
    }
    if r.is_component {
        ln!(
            c,
            "        super({name}.__pulumiType, name, resourceInputs, opts, true /*remote*/);"
        );
    } else {
        ln!(
            c,
            "        super({name}.__pulumiType, name, resourceInputs, opts);"
        );
    }
    ln!(c, "    }}");
    ln!(c, "}}");
    ln!(c);

    doc_comment(
        &mut c,
        "",
        &format!("The arguments for constructing a {name} resource."),
        None,
    );
    ln!(c, "export interface {name}Args {{");
    for p in &r.inputs {
        doc_comment(&mut c, "    ", &p.description, p.deprecation.as_deref());
        ln!(c, "    {};", types.interface_member(p, Kind::Input));
    }
    ln!(c, "}}");
    c.finish()
}

fn input_assignments(c: &mut Code, ctx: &ModuleCtx, r: &Resource) {
    let types = Types { pkg: ctx.pkg };
    for p in r.inputs.iter().filter(|p| p.required) {
        ln!(
            c,
            "            if (args?.{} === undefined && !opts.urn) {{",
            p.name
        );
        ln!(
            c,
            "                throw new Error(\"Missing required property '{}'\");",
            p.name
        );
        ln!(c, "            }}");
    }
    for p in &r.inputs {
        ln!(
            c,
            "            resourceInputs[\"{}\"] = {};",
            p.name,
            input_value(ctx, &types, r, p)
        );
    }
    for p in &r.outputs {
        if !r.inputs.iter().any(|i| i.name == p.name) {
            ln!(
                c,
                "            resourceInputs[\"{}\"] = undefined /*out*/;",
                p.name
            );
        }
    }
}

fn input_value(ctx: &ModuleCtx, types: &Types, r: &Resource, p: &Property) -> String {
    let reference = format!("args.{}", p.name);
    let with_defaults = types.apply_nested_defaults(p, Kind::Input, &reference);
    let mut value = if p.secret {
        format!(
            "args?.{} ? pulumi.secret({with_defaults}) : undefined",
            p.name
        )
    } else if with_defaults == reference {
        format!("args?.{}", p.name)
    } else {
        format!("args ? {with_defaults} : undefined")
    };
    if let Some(d) = &p.default {
        value = format!("({value}) ?? {}", default_value(d, &p.ty));
    }
    // The engine hands provider inputs to the plugin as strings; non-strings travel as JSON.
    if r.is_provider && !is_string_like(ctx.pkg, &p.ty) {
        value = format!("pulumi.output({value}).apply(JSON.stringify)");
    }
    value
}
