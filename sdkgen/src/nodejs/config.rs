//! `config/vars.ts`: typed getters for the provider's configuration variables.

use crate::code::{json_str, ln, Code};
use crate::model::Type;

use super::{doc_comment, ty, Imports, ModuleCtx};

pub fn config_vars(ctx: &ModuleCtx) -> String {
    let t = ty::Types { pkg: ctx.pkg };
    let mut imports = Imports::default();
    for p in &ctx.pkg.config {
        imports.scan(ctx, &p.ty, None);
    }
    let mut c = Code::new();
    ctx.header_with_imports(&mut c, &imports, true);
    ln!(c, "declare var exports: any;");
    ln!(
        c,
        "const __config = new pulumi.Config({});",
        json_str(&ctx.pkg.name)
    );
    ln!(c);
    for p in &ctx.pkg.config {
        let plain = t.plain(&p.ty, ty::Kind::Output);
        let getter = if p.ty == Type::String {
            "get".to_string()
        } else {
            format!("getObject<{plain}>")
        };
        let mut fetch = format!("__config.{getter}({})", json_str(&p.name));
        if let Some(d) = &p.default {
            fetch = format!("{fetch} ?? {}", ty::default_value(d, &p.ty));
        }
        let declared = if p.default.as_ref().is_some_and(|d| d.value.is_some()) {
            plain
        } else {
            format!("{plain} | undefined")
        };
        doc_comment(&mut c, "", &p.description, None);
        ln!(c, "export declare const {}: {declared};", p.name);
        ln!(
            c,
            "Object.defineProperty(exports, {}, {{",
            json_str(&p.name)
        );
        ln!(c, "    get() {{");
        ln!(c, "        return {fetch};");
        ln!(c, "    }},");
        ln!(c, "    enumerable: true,");
        ln!(c, "}});");
        ln!(c);
    }
    c.finish()
}
