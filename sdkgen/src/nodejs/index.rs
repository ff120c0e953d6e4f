//! `index.ts` of each module: lazy re-exports of its resources and functions, its enums and
//! sub-modules, and the registration of its resource module (and, at the root, the package).

use std::collections::BTreeSet;

use crate::code::{json_str, ln, Code};
use crate::naming::token_name;

use super::{Export, Module, ModuleCtx};

pub fn index(
    ctx: &ModuleCtx,
    module: &Module,
    exports: &mut [Export],
    has_types_dir: bool,
) -> String {
    let mut children: BTreeSet<String> = module.children.clone();
    if ctx.dir == "types" {
        children.insert("input".to_string());
        children.insert("output".to_string());
        if !ctx.pkg.enums.is_empty() {
            children.insert("enums".to_string());
        }
    }
    if ctx.dir.is_empty() && has_types_dir {
        children.insert("types".to_string());
    }
    let registers = module.resources.iter().any(|r| !r.is_provider) || ctx.dir.is_empty();
    let root = ctx.root();

    let mut c = Code::new();
    ctx.header(&mut c);
    if registers {
        ln!(c, "import * as pulumi from \"@pulumi/pulumi\";");
    }
    if registers || !children.is_empty() || !module.functions.is_empty() {
        ln!(c, "import * as utilities from \"{root}/utilities\";");
        ln!(c);
    }

    if !exports.is_empty() {
        ln!(c, "// Export members:");
        exports.sort_by(|a, b| a.path().cmp(b.path()));
        for e in exports.iter() {
            match e {
                Export::Resource { path, class } => {
                    ln!(c, "export {{ {class}Args }} from \"{path}\";");
                    ln!(c, "export type {class} = import(\"{path}\").{class};");
                    ln!(
                        c,
                        "export const {class}: typeof import(\"{path}\").{class} = null as any;"
                    );
                    ln!(
                        c,
                        "utilities.lazyLoad(exports, [\"{class}\"], () => require(\"{path}\"));"
                    );
                    ln!(c);
                }
                Export::Function {
                    path,
                    interfaces,
                    functions,
                } => {
                    if !interfaces.is_empty() {
                        ln!(c, "export {{ {} }} from \"{path}\";", interfaces.join(", "));
                    }
                    for f in functions {
                        ln!(
                            c,
                            "export const {f}: typeof import(\"{path}\").{f} = null as any;"
                        );
                    }
                    let quoted: Vec<String> = functions.iter().map(|f| json_str(f)).collect();
                    ln!(
                        c,
                        "utilities.lazyLoad(exports, [{}], () => require(\"{path}\"));",
                        quoted.join(",")
                    );
                    ln!(c);
                }
                Export::Eager { path } => ln!(c, "export * from \"{path}\";"),
            }
        }
    }

    if !module.enums.is_empty() && ctx.dir != "types" {
        ln!(c);
        ln!(c, "// Export enums:");
        let sub = if ctx.dir.is_empty() {
            String::new()
        } else {
            format!("/{}", ctx.dir)
        };
        ln!(c, "export * from \"{root}/types/enums{sub}\";");
    }

    if !children.is_empty() {
        if !exports.is_empty() || !module.enums.is_empty() {
            ln!(c);
        }
        ln!(c, "// Export sub-modules:");
        for child in &children {
            ln!(
                c,
                "import * as {} from \"./{child}\";",
                submodule_identifier(child)
            );
        }
        submodule_exports(&mut c, &children);
    }

    if registers {
        resource_registration(&mut c, ctx, module);
    }
    c.finish()
}

pub fn submodule_identifier(name: &str) -> String {
    let ident = crate::naming::ts_identifier(name);
    match ident.as_str() {
        "module" | "exports" | "require" => ident + "_",
        _ => ident,
    }
}

pub fn submodule_exports(c: &mut Code, children: &BTreeSet<String>) {
    ln!(c);
    ln!(c, "export {{");
    for child in children {
        let ident = submodule_identifier(child);
        if &ident == child {
            ln!(c, "    {ident},");
        } else {
            ln!(c, "    {ident} as {child},");
        }
    }
    ln!(c, "}};");
}

/// Lets the runtime rebuild resource objects from URNs (resource references in outputs) and
/// lets it construct this package's provider.
fn resource_registration(c: &mut Code, ctx: &ModuleCtx, module: &Module) {
    let resources: Vec<_> = module.resources.iter().filter(|r| !r.is_provider).collect();
    if !resources.is_empty() {
        ln!(c);
        ln!(c, "const _module = {{");
        ln!(c, "    version: utilities.getVersion(),");
        ln!(
            c,
            "    construct: (name: string, type: string, urn: string): pulumi.Resource => {{"
        );
        ln!(c, "        switch (type) {{");
        for r in &resources {
            ln!(c, "            case {}:", json_str(&r.token));
            ln!(
                c,
                "                return new {}(name, <any>undefined, {{ urn }})",
                token_name(&r.token)
            );
        }
        ln!(c, "            default:");
        ln!(
            c,
            "                throw new Error(`unknown resource type ${{type}}`);"
        );
        ln!(c, "        }}");
        ln!(c, "    }},");
        ln!(c, "}};");
        let runtime_modules: BTreeSet<&str> = resources
            .iter()
            .map(|r| r.token.split(':').nth(1).unwrap_or_default())
            .collect();
        for m in runtime_modules {
            ln!(
                c,
                "pulumi.runtime.registerResourceModule({}, {}, _module)",
                json_str(&ctx.pkg.name),
                json_str(m)
            );
        }
    }
    if ctx.dir.is_empty() {
        ln!(
            c,
            "pulumi.runtime.registerResourcePackage({}, {{",
            json_str(&ctx.pkg.name)
        );
        ln!(c, "    version: utilities.getVersion(),");
        ln!(
            c,
            "    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {{"
        );
        ln!(
            c,
            "        if (type !== {}) {{",
            json_str(&ctx.pkg.provider.token)
        );
        ln!(
            c,
            "            throw new Error(`unknown provider type ${{type}}`);"
        );
        ln!(c, "        }}");
        ln!(
            c,
            "        return new Provider(name, <any>undefined, {{ urn }});"
        );
        ln!(c, "    }},");
        ln!(c, "}});");
    }
}
