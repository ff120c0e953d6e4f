//! Python type annotations for schema types, as seen from one module of the package, and the
//! expressions for default values.

use crate::code::number_literal;
use crate::model::{DefaultValue, Literal, Package, Property, Type};
use crate::naming::token_name;

use super::py_module;

/// The shape a type is used in: as Outputs-accepting input (`XArgs`), as a prompt input (`X`
/// in `_inputs.py`), or as an output (`outputs.X`).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Kind {
    Input,
    Plain,
    Output,
}

#[derive(Clone, Copy, Default)]
pub struct Opts {
    /// Accept a TypedDict wherever an args class is accepted: `Union['XArgs', 'XArgsDict']`.
    pub accept_mapping: bool,
    /// Inside a TypedDict: objects are named by their TypedDict.
    pub for_dict: bool,
}

pub struct Types<'a> {
    pub pkg: &'a Package,
    /// Python module path (`storage/v1`) of the file the annotation is written in.
    pub module: &'a str,
}

impl Types<'_> {
    fn object(&self, token: &str, kind: Kind, dict: bool) -> String {
        let obj = self.pkg.object(token);
        let mut name = token_name(token);
        if kind == Kind::Input {
            name.push_str("Args");
        }
        if dict {
            name.push_str("Dict");
        }
        let target = py_module(&obj.module);
        let input = kind != Kind::Output;
        if target.is_empty() && !self.module.is_empty() {
            let root = if input {
                "_root_inputs"
            } else {
                "_root_outputs"
            };
            return format!("'{root}.{name}'");
        }
        let prefix = if input { "" } else { "outputs." };
        let module = if target == self.module {
            String::new()
        } else {
            format!("_{}.", target.replace('/', "."))
        };
        format!("'{module}{prefix}{name}'")
    }

    pub fn enum_name(&self, token: &str) -> String {
        let e = self.pkg.enum_type(token);
        let target = py_module(&e.module);
        let name = token_name(token);
        if target.is_empty() && !self.module.is_empty() {
            return format!("'_root_enums.{name}'");
        }
        if target.is_empty() || target == self.module {
            format!("'{name}'")
        } else {
            format!("'{}.{name}'", target.replace('/', "."))
        }
    }

    pub fn resource_name(&self, token: &str) -> String {
        let module = self
            .pkg
            .resource(token)
            .map(|r| py_module(&r.module))
            .unwrap_or_default();
        let name = token_name(token);
        if module.is_empty() || module == self.module {
            name
        } else {
            format!("_{}.{name}", module.replace('/', "."))
        }
    }

    /// The annotation of a value of `ty` (without a top-level `pulumi.Input`).
    pub fn render(&self, ty: &Type, kind: Kind, opts: Opts) -> String {
        match ty {
            Type::Bool => "_builtins.bool".to_string(),
            Type::Int => "_builtins.int".to_string(),
            Type::Number => "_builtins.float".to_string(),
            Type::String => "_builtins.str".to_string(),
            Type::Any | Type::Json => "Any".to_string(),
            Type::Asset => "Union[pulumi.Asset, pulumi.Archive]".to_string(),
            Type::Archive => "pulumi.Archive".to_string(),
            Type::Array(e) => format!("Sequence[{}]", self.nested(e, kind, opts)),
            Type::Map(e) => format!("Mapping[str, {}]", self.nested(e, kind, opts)),
            Type::Object(tok) => {
                if opts.for_dict {
                    return self.object(tok, kind, true);
                }
                let class = self.object(tok, kind, false);
                if opts.accept_mapping && kind != Kind::Output {
                    format!("Union[{class}, {}]", self.object(tok, kind, true))
                } else {
                    class
                }
            }
            Type::Enum(tok) => self.enum_name(tok),
            Type::Resource(tok) => format!("'{}'", self.resource_name(tok)),
            Type::Union(es) => {
                if kind == Kind::Output {
                    // Outputs of a union that includes an enum are read as the enum's primitive.
                    for e in es {
                        if let Type::Enum(tok) = e {
                            let element = self.pkg.enum_type(tok).element.clone();
                            return self.render(&element, kind, opts);
                        }
                    }
                    return "Any".to_string();
                }
                let mut items: Vec<String> = Vec::new();
                for e in es {
                    let s = self.render(e, kind, opts);
                    if !items.contains(&s) {
                        items.push(s);
                    }
                }
                if items.len() == 1 {
                    items.pop().expect("one element")
                } else {
                    format!("Union[{}]", items.join(", "))
                }
            }
        }
    }

    fn nested(&self, ty: &Type, kind: Kind, opts: Opts) -> String {
        if kind == Kind::Input {
            self.input(ty, opts)
        } else {
            self.render(ty, kind, opts)
        }
    }

    /// `pulumi.Input[T]`, which collapses to `Any` for `Any`.
    pub fn input(&self, ty: &Type, opts: Opts) -> String {
        let inner = self.render(ty, Kind::Input, opts);
        if inner == "Any" {
            inner
        } else {
            format!("pulumi.Input[{inner}]")
        }
    }

    /// `pulumi.Input[Optional[T]]`, which collapses to `Optional[Any]`.
    pub fn optional_input(&self, ty: &Type, kind: Kind, opts: Opts) -> String {
        let inner = self.render(ty, kind, opts);
        if inner == "Any" {
            "Optional[Any]".to_string()
        } else {
            format!("pulumi.Input[Optional[{inner}]]")
        }
    }

    /// The annotation of a property in a class of the given kind (args classes, output types).
    /// A `plain: true` input loses only its outermost `pulumi.Input`.
    pub fn property(&self, p: &Property, kind: Kind, opts: Opts, force_optional: bool) -> String {
        let optional = !p.required || force_optional;
        if kind == Kind::Input && !p.plain {
            return if optional {
                self.optional_input(&p.ty, kind, opts)
            } else {
                self.input(&p.ty, opts)
            };
        }
        let t = self.render(&p.ty, kind, opts);
        if optional {
            format!("Optional[{t}]")
        } else {
            t
        }
    }

    /// The annotation of a property inside a TypedDict.
    pub fn dict_property(&self, p: &Property, kind: Kind) -> String {
        let opts = Opts {
            for_dict: true,
            ..Opts::default()
        };
        let wrapped = kind == Kind::Input && !p.plain;
        match (wrapped, p.required) {
            (true, true) => self.input(&p.ty, opts),
            (true, false) => {
                let inner = self.render(&p.ty, kind, opts);
                if inner == "Any" {
                    "NotRequired[Any]".to_string()
                } else {
                    format!("NotRequired[pulumi.Input[Optional[{inner}]]]")
                }
            }
            (false, true) => self.render(&p.ty, kind, opts),
            (false, false) => format!("NotRequired[{}]", self.render(&p.ty, kind, opts)),
        }
    }

    /// The annotation of a resource `__init__` parameter: always optional, dicts accepted.
    pub fn init_param(&self, p: &Property) -> String {
        let opts = Opts {
            accept_mapping: true,
            ..Opts::default()
        };
        if p.plain {
            format!("Optional[{}]", self.render(&p.ty, Kind::Input, opts))
        } else {
            self.optional_input(&p.ty, Kind::Input, opts)
        }
    }

    /// The type named in a `:param <type> name:` docstring line of a class of the given kind.
    pub fn doc_param(&self, p: &Property, kind: Kind, accept_mapping: bool) -> String {
        let opts = Opts {
            accept_mapping,
            ..Opts::default()
        };
        match kind {
            Kind::Input if p.plain => self.render(&p.ty, Kind::Input, opts),
            Kind::Input => self.input(&p.ty, opts),
            _ => self.render(&p.ty, Kind::Plain, opts),
        }
    }
}

/// The Python type a function result's field is checked against with `isinstance`.
pub fn runtime_type(pkg: &Package, ty: &Type) -> String {
    match ty {
        Type::Enum(tok) => runtime_type(pkg, &pkg.enum_type(tok).element),
        Type::Array(_) => "list".to_string(),
        Type::Bool => "bool".to_string(),
        Type::Int => "int".to_string(),
        Type::Number => "float".to_string(),
        Type::String => "str".to_string(),
        Type::Archive => "pulumi.Archive".to_string(),
        Type::Asset => "Union[pulumi.Asset, pulumi.Archive]".to_string(),
        Type::Resource(tok) => token_name(tok),
        _ => "dict".to_string(),
    }
}

pub fn literal(l: &Literal) -> String {
    match l {
        Literal::Bool(true) => "True".to_string(),
        Literal::Bool(false) => "False".to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::Number(f) => number_literal(*f),
        Literal::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
    }
}

pub fn default_value(d: &DefaultValue, ty: &Type) -> String {
    let value = d.value.as_ref().map(literal);
    if d.environment.is_empty() {
        return value.unwrap_or_default();
    }
    let getter = match ty {
        Type::Bool => "get_env_bool",
        Type::Int => "get_env_int",
        Type::Number => "get_env_float",
        _ => "get_env",
    };
    let vars: Vec<String> = d.environment.iter().map(|e| format!("'{e}'")).collect();
    let env = format!("_utilities.{getter}({})", vars.join(", "));
    match value {
        Some(v) => format!("({env} or {v})"),
        None => env,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg() -> Package {
        Package::from_json(
            r#"{"name": "p", "types": {
                "p:index:O": {"type": "object", "properties": {"a": {"type": "string"}}},
                "p:st:S": {"type": "object", "properties": {"a": {"type": "string"}}},
                "p:index:E": {"type": "integer", "enum": [{"value": 1}]}
            }}"#,
        )
        .unwrap()
    }

    #[test]
    fn annotations() {
        let p = pkg();
        let root = Types {
            pkg: &p,
            module: "",
        };
        let st = Types {
            pkg: &p,
            module: "st",
        };
        let obj = Type::Object("p:index:O".into());
        let arr = Type::Array(Box::new(obj.clone()));
        let mapping = Opts {
            accept_mapping: true,
            ..Opts::default()
        };
        assert_eq!(
            root.optional_input(&arr, Kind::Input, mapping),
            "pulumi.Input[Optional[Sequence[pulumi.Input[Union['OArgs', 'OArgsDict']]]]]"
        );
        assert_eq!(
            root.render(&arr, Kind::Output, Opts::default()),
            "Sequence['outputs.O']"
        );
        assert_eq!(
            st.render(&obj, Kind::Output, Opts::default()),
            "'_root_outputs.O'"
        );
        assert_eq!(
            root.render(&Type::Object("p:st:S".into()), Kind::Input, Opts::default()),
            "'_st.SArgs'"
        );
        assert_eq!(
            st.render(
                &Type::Enum("p:index:E".into()),
                Kind::Input,
                Opts::default()
            ),
            "'_root_enums.E'"
        );
        assert_eq!(
            root.optional_input(&Type::Any, Kind::Input, mapping),
            "Optional[Any]"
        );
        let d = DefaultValue {
            value: Some(Literal::Bool(true)),
            environment: vec!["X".into()],
        };
        assert_eq!(
            default_value(&d, &Type::Bool),
            "(_utilities.get_env_bool('X') or True)"
        );
    }
}
