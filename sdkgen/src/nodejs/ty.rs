//! TypeScript type expressions for schema types, and the expressions that fill default values.

use crate::code::{json_str, number_literal};
use crate::model::{DefaultValue, Literal, Package, Property, Type};
use crate::naming::{camel, token_name, ts_identifier};

/// Where a type is used, which decides `pulumi.Input` wrapping and the interface it names.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Kind {
    /// Accepts Outputs at every level: `pulumi.Input<...>`, objects as `inputs.XArgs`.
    Input,
    /// Accepts prompt values only: objects as `inputs.X`.
    Plain,
    /// Values read back: objects as `outputs.X`.
    Output,
}

/// A small type AST, so that unions nested in arrays get parentheses and nested unions flatten.
#[derive(Clone, PartialEq)]
enum Ts {
    Id(String),
    Array(Box<Ts>),
    Map(Box<Ts>),
    Union(Vec<Ts>),
}

impl Ts {
    fn id(s: impl Into<String>) -> Ts {
        Ts::Id(s.into())
    }

    fn union(items: Vec<Ts>) -> Ts {
        let mut flat = Vec::new();
        for t in items {
            match t {
                Ts::Union(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() == 1 {
            flat.pop().expect("one element")
        } else {
            Ts::Union(flat)
        }
    }

    fn render(&self) -> String {
        match self {
            Ts::Id(s) => s.clone(),
            Ts::Array(e) => format!("{}[]", e.render_parenthesized()),
            Ts::Map(e) => format!("{{[key: string]: {}}}", e.render()),
            Ts::Union(items) => items
                .iter()
                .map(Ts::render_parenthesized)
                .collect::<Vec<_>>()
                .join(" | "),
        }
    }

    fn render_parenthesized(&self) -> String {
        match self {
            Ts::Union(_) => format!("({})", self.render()),
            _ => self.render(),
        }
    }
}

/// `storage/v1` → `storage.v1.`, the namespace path of a module inside `inputs`/`outputs`.
/// Object namespaces keep the module's case, as gen-sdk declares them.
pub fn namespace_prefix(module: &str) -> String {
    if module.is_empty() {
        return String::new();
    }
    let mut s = module
        .split('/')
        .map(ts_identifier)
        .collect::<Vec<_>>()
        .join(".");
    s.push('.');
    s
}

pub struct Types<'a> {
    pub pkg: &'a Package,
}

impl Types<'_> {
    /// The interface name of an object type in the given kind, qualified from the root of the
    /// `inputs`/`outputs` namespaces.
    pub fn object_name(&self, token: &str, kind: Kind) -> String {
        let obj = self.pkg.object(token);
        let ns = namespace_prefix(&obj.module);
        let name = token_name(token);
        match kind {
            Kind::Input => format!("inputs.{ns}{name}Args"),
            Kind::Plain => format!("inputs.{ns}{name}"),
            Kind::Output => format!("outputs.{ns}{name}"),
        }
    }

    fn element(&self, ty: &Type, kind: Kind) -> Ts {
        match ty {
            Type::Bool => Ts::id("boolean"),
            Type::Int | Type::Number => Ts::id("number"),
            Type::String => Ts::id("string"),
            Type::Any | Type::Json => Ts::id("any"),
            Type::Asset => Ts::union(vec![
                Ts::id("pulumi.asset.Asset"),
                Ts::id("pulumi.asset.Archive"),
            ]),
            Type::Archive => Ts::id("pulumi.asset.Archive"),
            Type::Array(e) => Ts::Array(Box::new(self.nested(e, kind))),
            Type::Map(e) => Ts::Map(Box::new(self.nested(e, kind))),
            Type::Object(tok) => Ts::id(self.object_name(tok, kind)),
            Type::Enum(tok) => {
                let e = self.pkg.enum_type(tok);
                Ts::id(format!(
                    "enums.{}{}",
                    namespace_prefix(&e.module),
                    token_name(tok)
                ))
            }
            Type::Resource(tok) => Ts::id(token_name(tok)),
            Type::Union(es) => Ts::union(es.iter().map(|e| self.element(e, kind)).collect()),
        }
    }

    /// Elements of arrays and maps: wrapped in `pulumi.Input` when Outputs are accepted.
    fn nested(&self, ty: &Type, kind: Kind) -> Ts {
        if kind == Kind::Input {
            self.wrap_input(ty, false)
        } else {
            self.element(ty, kind)
        }
    }

    fn wrap_input(&self, ty: &Type, optional: bool) -> Ts {
        let inner = self.element(ty, Kind::Input);
        if inner.render() == "any" {
            return if optional {
                Ts::union(vec![inner, Ts::id("undefined")])
            } else {
                inner
            };
        }
        let inner = if optional {
            Ts::union(vec![inner, Ts::id("undefined")])
        } else {
            inner
        };
        Ts::id(format!("pulumi.Input<{}>", inner.render()))
    }

    /// The plain type of a value of this kind, without `pulumi.Input` at the top level.
    pub fn plain(&self, ty: &Type, kind: Kind) -> String {
        self.element(ty, kind).render()
    }

    /// The type of a resource output property: `pulumi.Output<T>` or `pulumi.Output<T | undefined>`.
    pub fn output_property(&self, p: &Property) -> String {
        let t = self.element(&p.ty, Kind::Output);
        let t = if p.required {
            t
        } else {
            Ts::union(vec![t, Ts::id("undefined")])
        };
        format!("pulumi.Output<{}>", t.render())
    }

    /// `name: type` or `name?: type` for a property of an interface of the given kind.
    pub fn interface_member(&self, p: &Property, kind: Kind) -> String {
        if kind == Kind::Input && p.plain {
            // Only the outermost Input goes; nested values keep their input shape.
            let sigil = if p.required { "" } else { "?" };
            return format!("{}{}: {}", p.name, sigil, self.plain(&p.ty, Kind::Input));
        }
        if kind == Kind::Input {
            let t = self.wrap_input(&p.ty, !p.required).render();
            let sigil = if p.required { "" } else { "?" };
            format!("{}{}: {}", p.name, sigil, t)
        } else {
            let sigil = if p.required { "" } else { "?" };
            format!("{}{}: {}", p.name, sigil, self.plain(&p.ty, kind))
        }
    }

    /// The name of the function that fills the defaults of an object type, qualified as seen
    /// from generated code, or `None` when the type needs none.
    pub fn defaults_function(&self, ty: &Type, kind: Kind) -> Option<String> {
        if !self.pkg.needs_defaults_helper(ty) {
            return None;
        }
        let Type::Object(tok) = ty else {
            return None;
        };
        Some(defaults_function_name(&self.object_name(tok, kind)))
    }

    /// Wraps `value` (an expression of the property's type) so that nested object defaults are
    /// filled; returns it unchanged when nothing needs filling.
    pub fn apply_nested_defaults(&self, p: &Property, kind: Kind, value: &str) -> String {
        let Some(f) = self.defaults_function(&p.ty, kind) else {
            return value.to_string();
        };
        if kind == Kind::Input && !p.plain {
            if p.required {
                format!("pulumi.output({value}).apply({f})")
            } else {
                format!("pulumi.output({value}).apply(v => v === undefined ? undefined : {f}(v))")
            }
        } else if p.required {
            format!("{f}({value})")
        } else {
            format!("({value} ? {f}({value}) : undefined)")
        }
    }
}

/// `inputs.storage.FooArgs` → `inputs.storage.fooArgsProvideDefaults`.
pub fn defaults_function_name(qualified: &str) -> String {
    match qualified.rfind('.') {
        Some(i) => format!(
            "{}.{}ProvideDefaults",
            &qualified[..i],
            camel(&qualified[i + 1..])
        ),
        None => format!("{}ProvideDefaults", camel(qualified)),
    }
}

pub fn literal(l: &Literal) -> String {
    match l {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::Number(f) => number_literal(*f),
        Literal::String(s) => json_str(s),
    }
}

/// The expression for a default: the literal, an environment lookup, or `(env || literal)`.
pub fn default_value(d: &DefaultValue, ty: &Type) -> String {
    let value = d.value.as_ref().map(literal);
    if d.environment.is_empty() {
        return value.unwrap_or_default();
    }
    let (getter, cast) = match ty {
        Type::Bool => ("getEnvBoolean", ""),
        Type::Int | Type::Number => ("getEnvNumber", ""),
        Type::String => ("getEnv", ""),
        _ => ("getEnv", "<any>"),
    };
    let vars = d
        .environment
        .iter()
        .map(|e| json_str(e))
        .collect::<Vec<_>>()
        .join(", ");
    let env = format!("{cast}utilities.{getter}({vars})");
    match value {
        Some(v) => format!("({env} || {v})"),
        None => env,
    }
}

/// Whether a provider input travels as a plain string (everything else is JSON-encoded). Like
/// gen-sdk's Node generator, a union counts by its last element (a "relaxed" string enum).
pub fn is_string_like(pkg: &Package, ty: &Type) -> bool {
    match ty {
        Type::String => true,
        Type::Enum(tok) => pkg.enum_type(tok).element == Type::String,
        Type::Union(es) => es.last().is_some_and(|e| is_string_like(pkg, e)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg() -> Package {
        Package::from_json(
            r#"{"name": "p", "types": {
                "p:index:O": {"type": "object", "properties": {"a": {"type": "string", "default": "x"}}},
                "p:st:E": {"type": "string", "enum": [{"value": "a"}]}
            }}"#,
        )
        .unwrap()
    }

    #[test]
    fn renders_input_and_output_shapes() {
        let p = pkg();
        let t = Types { pkg: &p };
        let arr = Type::Array(Box::new(Type::Object("p:index:O".into())));
        let prop = |ty: Type, required: bool| Property {
            name: "x".into(),
            ty,
            required,
            plain: false,
            description: String::new(),
            default: None,
            secret: false,
            replace_on_changes: false,
            deprecation: None,
        };
        assert_eq!(
            t.interface_member(&prop(arr.clone(), true), Kind::Input),
            "x: pulumi.Input<pulumi.Input<inputs.OArgs>[]>"
        );
        assert_eq!(
            t.interface_member(&prop(arr.clone(), false), Kind::Output),
            "x?: outputs.O[]"
        );
        assert_eq!(
            t.output_property(&prop(arr, false)),
            "pulumi.Output<outputs.O[] | undefined>"
        );
        let union = Type::Array(Box::new(Type::Union(vec![
            Type::String,
            Type::Enum("p:st:E".into()),
        ])));
        assert_eq!(t.plain(&union, Kind::Output), "(string | enums.st.E)[]");
        assert_eq!(
            t.interface_member(&prop(Type::Any, false), Kind::Input),
            "x?: any | undefined"
        );
        let map = Type::Map(Box::new(Type::Int));
        assert_eq!(
            t.interface_member(&prop(map, false), Kind::Input),
            "x?: pulumi.Input<{[key: string]: pulumi.Input<number>} | undefined>"
        );
        assert_eq!(
            t.apply_nested_defaults(&prop(Type::Object("p:index:O".into()), false), Kind::Input, "args.x"),
            "pulumi.output(args.x).apply(v => v === undefined ? undefined : inputs.oargsProvideDefaults(v))"
        );
    }

    #[test]
    fn default_expressions() {
        let d = DefaultValue {
            value: Some(Literal::String("s".into())),
            environment: vec!["A".into(), "B".into()],
        };
        assert_eq!(
            default_value(&d, &Type::String),
            r#"(utilities.getEnv("A", "B") || "s")"#
        );
        let n = DefaultValue {
            value: Some(Literal::Number(0.5)),
            environment: vec![],
        };
        assert_eq!(default_value(&n, &Type::Number), "0.5");
        assert_eq!(
            defaults_function_name("inputs.st.FooArgs"),
            "inputs.st.fooArgsProvideDefaults"
        );
        assert_eq!(defaults_function_name("FooArgs"), "fooArgsProvideDefaults");
    }
}
