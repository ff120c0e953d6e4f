//! The `config` sub-package: typed getters for the provider's configuration variables.

use crate::code::{ln, Code};
use crate::model::{Property, Type};
use crate::naming::py_name;

use super::classes::docstring;
use super::ty::default_value;
use super::{PyCtx, PyImports};

fn config_type(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "bool",
        Type::Int => "int",
        Type::Number => "float",
        // Everything else is read as the raw config string, as gen-sdk does.
        _ => "str",
    }
}

fn config_annotation(p: &Property) -> String {
    let t = config_type(&p.ty);
    if p.default.as_ref().is_some_and(|d| d.value.is_some()) {
        t.to_string()
    } else {
        format!("Optional[{t}]")
    }
}

pub fn config_vars(ctx: &PyCtx) -> String {
    let mut imports = PyImports::default();
    imports.scan(ctx, &ctx.pkg.config, false, None);
    let mut c = Code::new();
    ctx.header_with_imports(&mut c, &imports, &[]);
    ln!(c, "import types");
    ln!(c);
    ln!(c, "__config__ = pulumi.Config('{}')", ctx.pkg.name);
    ln!(c);
    ln!(c);
    // Module properties need a module class of their own (PEP 549 style), so that values are
    // read when accessed rather than when the module is imported.
    ln!(c, "class _ExportableConfig(types.ModuleType):");
    for p in &ctx.pkg.config {
        let getter = match p.ty {
            Type::Bool => "get_bool",
            Type::Int => "get_int",
            Type::Number => "get_float",
            _ => "get",
        };
        let mut fetch = format!("__config__.{getter}('{}')", p.name);
        if let Some(d) = &p.default {
            fetch = format!("{fetch} or {}", default_value(d, &p.ty));
        }
        ln!(c, "    @_builtins.property");
        ln!(
            c,
            "    def {}(self) -> {}:",
            py_name(&p.name),
            config_annotation(p)
        );
        docstring(&mut c, "        ", &p.description);
        ln!(c, "        return {fetch}");
        ln!(c);
    }
    c.finish()
}

pub fn config_stubs(ctx: &PyCtx) -> String {
    let mut imports = PyImports::default();
    imports.scan(ctx, &ctx.pkg.config, false, None);
    let mut c = Code::new();
    ctx.header_with_imports(&mut c, &imports, &[]);
    for p in &ctx.pkg.config {
        // gen-sdk declares these under the schema's camelCase names, which do not exist at run
        // time; the stubs here name the snake_case properties that `vars.py` defines.
        ln!(c, "{}: {}", py_name(&p.name), config_annotation(p));
        docstring(&mut c, "", &p.description);
        ln!(c);
    }
    c.finish()
}

pub fn config_init(ctx: &PyCtx) -> String {
    let mut c = Code::new();
    ctx.header(&mut c);
    ln!(c, "import sys");
    ln!(c, "from .vars import _ExportableConfig");
    ln!(c);
    ln!(c, "sys.modules[__name__].__class__ = _ExportableConfig");
    c.finish()
}
