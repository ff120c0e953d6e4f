//! The schema resolved into what both generators need: `$ref`s bound to types, properties sorted
//! by name with their required flags, tokens mapped to modules, default values typed, and the
//! type usage analysis (which object types are used as inputs, plain inputs or outputs).
//!
//! Anything that would change the generated code but is not implemented here is an error, so a
//! schema change can never silently produce an SDK that differs from `pulumi package gen-sdk`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::schema::{
    AliasSpec, ComplexTypeSpec, FunctionSpec, ObjectTypeSpec, PackageSpec, PropertySpec,
    ResourceSpec, TypeSpec,
};

#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error(msg.into()))
}

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Bool,
    Int,
    Number,
    String,
    Any,
    Json,
    Asset,
    Archive,
    Array(Box<Type>),
    Map(Box<Type>),
    Object(String),
    Enum(String),
    Resource(String),
    Union(Vec<Type>),
}

/// A literal as it appears in `default` or as an enum value, already checked against its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Number(f64),
    String(String),
}

#[derive(Debug, Clone)]
pub struct DefaultValue {
    pub value: Option<Literal>,
    pub environment: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub ty: Type,
    pub required: bool,
    /// `plain: true`: the property itself takes a prompt value, not an Output (values nested in
    /// it still may be Outputs).
    pub plain: bool,
    pub description: String,
    pub default: Option<DefaultValue>,
    pub secret: bool,
    pub replace_on_changes: bool,
    pub deprecation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ObjectType {
    pub token: String,
    pub module: String,
    pub description: String,
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone)]
pub struct EnumMember {
    pub name: Option<String>,
    pub value: Literal,
    pub description: String,
    pub deprecation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EnumType {
    pub token: String,
    pub module: String,
    pub description: String,
    pub element: Type,
    pub members: Vec<EnumMember>,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub token: String,
    pub module: String,
    pub description: String,
    pub inputs: Vec<Property>,
    pub outputs: Vec<Property>,
    pub is_component: bool,
    pub is_provider: bool,
    pub deprecation: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FunctionResult {
    pub description: String,
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub token: String,
    pub module: String,
    pub description: String,
    pub deprecation: Option<String>,
    /// `None` when the schema has no `inputs` at all; `Some(vec![])` for an empty object.
    pub inputs: Option<Vec<Property>>,
    pub inputs_description: String,
    pub result: Option<FunctionResult>,
    /// `false` means only the output form is generated.
    pub plain: bool,
}

#[derive(Debug, Clone, Default)]
pub struct NodeInfo {
    pub package_name: Option<String>,
    pub package_description: Option<String>,
    pub readme: Option<String>,
    pub dependencies: BTreeMap<String, String>,
    pub dev_dependencies: BTreeMap<String, String>,
    pub typescript_version: Option<String>,
    pub respect_schema_version: bool,
}

#[derive(Debug, Clone, Default)]
pub struct PythonInfo {
    pub package_name: Option<String>,
    pub readme: Option<String>,
    pub requires: BTreeMap<String, String>,
    pub python_requires: Option<String>,
    pub respect_schema_version: bool,
    pub pyproject: bool,
}

#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    pub version: Option<String>,
    pub description: String,
    pub keywords: Vec<String>,
    pub homepage: Option<String>,
    pub license: Option<String>,
    pub repository: Option<String>,
    pub attribution: Option<String>,
    pub plugin_download_url: Option<String>,
    pub namespace: Option<String>,
    pub support_pack: bool,
    pub config: Vec<Property>,
    pub provider: Resource,
    /// Sorted by token.
    pub resources: Vec<Resource>,
    /// Sorted by token.
    pub functions: Vec<Function>,
    pub objects: BTreeMap<String, ObjectType>,
    pub enums: BTreeMap<String, EnumType>,
    pub nodejs: NodeInfo,
    pub python: PythonInfo,
}

/// How an object type is used, which decides the classes and interfaces generated for it.
#[derive(Debug, Default, Clone)]
pub struct Usage {
    /// Used where Outputs are accepted: `XArgs` (Node `types/input.ts`, Python `_inputs.py`).
    pub input: BTreeSet<String>,
    /// Used where only prompt values are accepted: arguments of plain invokes (`X`).
    pub plain_input: BTreeSet<String>,
    /// Used in resource or function outputs, or config.
    pub output: BTreeSet<String>,
    /// Reachable from resource outputs (Python warns about camelCase dictionary keys there).
    pub resource_output: BTreeSet<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Input,
    PlainInput,
    Output,
}

impl Package {
    pub fn from_json(text: &str) -> Result<Package> {
        let spec: PackageSpec =
            serde_json::from_str(text).map_err(|e| Error(format!("schema.json: {e}")))?;
        bind(spec)
    }

    /// The version written into package metadata, when the schema asks for it to be respected.
    pub fn node_version(&self) -> Option<&str> {
        if self.nodejs.respect_schema_version || self.support_pack {
            self.version.as_deref()
        } else {
            None
        }
    }

    pub fn python_version(&self) -> Option<&str> {
        if self.python.respect_schema_version || self.support_pack {
            self.version.as_deref()
        } else {
            None
        }
    }

    pub fn object(&self, token: &str) -> &ObjectType {
        &self.objects[token]
    }

    pub fn enum_type(&self, token: &str) -> &EnumType {
        &self.enums[token]
    }

    pub fn resource(&self, token: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.token == token)
    }

    pub fn has_types(&self) -> bool {
        !self.objects.is_empty()
    }

    /// Every resource the SDKs get a class for, the provider first (as gen-sdk orders them).
    pub fn all_resources(&self) -> impl Iterator<Item = &Resource> {
        std::iter::once(&self.provider).chain(self.resources.iter())
    }

    pub fn usage(&self) -> Usage {
        let mut usage = Usage::default();
        // `plain: true` only drops the outermost Input; nested values keep the input shape, so
        // plain properties count as input-shape uses (as in gen-sdk).
        let visit = |props: &[Property], shape: Shape, usage: &mut Usage, from_resource: bool| {
            for p in props {
                self.visit_type(&p.ty, shape, usage, from_resource);
            }
        };
        visit(&self.config, Shape::Output, &mut usage, false);
        for r in self.all_resources() {
            visit(&r.outputs, Shape::Output, &mut usage, true);
            visit(&r.inputs, Shape::Input, &mut usage, false);
        }
        for f in &self.functions {
            if let Some(inputs) = &f.inputs {
                if f.plain {
                    visit(inputs, Shape::PlainInput, &mut usage, false);
                }
                if f.result.is_some() {
                    visit(inputs, Shape::Input, &mut usage, false);
                }
            }
            if let Some(result) = &f.result {
                visit(&result.properties, Shape::Output, &mut usage, false);
            }
        }
        usage
    }

    fn visit_type(&self, ty: &Type, shape: Shape, usage: &mut Usage, from_resource: bool) {
        match ty {
            Type::Array(e) | Type::Map(e) => self.visit_type(e, shape, usage, from_resource),
            Type::Union(es) => {
                for e in es {
                    self.visit_type(e, shape, usage, from_resource);
                }
            }
            Type::Object(tok) => {
                let set = match shape {
                    Shape::Input => &mut usage.input,
                    Shape::PlainInput => &mut usage.plain_input,
                    Shape::Output => &mut usage.output,
                };
                let first = set.insert(tok.clone());
                let first_resource_output =
                    from_resource && usage.resource_output.insert(tok.clone());
                if first || first_resource_output {
                    for p in &self.object(tok).properties {
                        self.visit_type(&p.ty, shape, usage, from_resource);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether filling the defaults of this type needs a helper (some property, at any depth of
    /// nested objects, has a default value).
    pub fn needs_defaults_helper(&self, ty: &Type) -> bool {
        let mut seen = BTreeSet::new();
        self.needs_defaults_inner(ty, &mut seen)
    }

    fn needs_defaults_inner(&self, ty: &Type, seen: &mut BTreeSet<String>) -> bool {
        let Type::Object(tok) = ty else {
            return false;
        };
        if !seen.insert(tok.clone()) {
            return false;
        }
        self.object(tok)
            .properties
            .iter()
            .any(|p| p.default.is_some() || self.needs_defaults_inner(&p.ty, seen))
    }

    /// Property paths that force a replacement, the way gen-sdk derives `replaceOnChanges`:
    /// top-level flags plus flags inside nested object types, with `[*]` for arrays and `.*`
    /// for maps.
    pub fn replace_on_changes(&self, r: &Resource) -> Vec<String> {
        let mut out = Vec::new();
        for p in &r.outputs {
            if p.replace_on_changes {
                out.push(path_segment(p));
            } else {
                let mut stack = BTreeSet::from([format!("{:?}", p.ty)]);
                for tail in self.replace_paths_in(&p.ty, &mut stack) {
                    out.push(format!("{}.{}", path_segment(p), tail));
                }
            }
        }
        out
    }

    fn replace_paths_in(&self, ty: &Type, stack: &mut BTreeSet<String>) -> Vec<String> {
        match ty {
            Type::Array(e) | Type::Map(e) => self.replace_paths_in(e, stack),
            Type::Object(tok) => {
                let mut out = Vec::new();
                for p in &self.object(tok).properties {
                    if p.replace_on_changes {
                        out.push(path_segment(p));
                        continue;
                    }
                    // Recursive types stop at the first repetition, as in gen-sdk.
                    let key = format!("{:?}", p.ty);
                    if stack.insert(key.clone()) {
                        for tail in self.replace_paths_in(&p.ty, stack) {
                            out.push(format!("{}.{}", path_segment(p), tail));
                        }
                        stack.remove(&key);
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }
}

fn path_segment(p: &Property) -> String {
    match p.ty {
        Type::Array(_) => format!("{}[*]", p.name),
        Type::Map(_) => format!("{}.*", p.name),
        _ => p.name.clone(),
    }
}

/// Maps a token's module part to a module path, per `meta.moduleFormat`. Only the two formats
/// in use across Pulumi providers are implemented; anything else is refused rather than guessed.
#[derive(Clone, Copy)]
enum ModuleFormat {
    Whole,
    DropLastSegment,
}

impl ModuleFormat {
    fn parse(format: Option<&str>) -> Result<ModuleFormat> {
        match format {
            None | Some("(.*)") | Some("^(.*)$") => Ok(ModuleFormat::Whole),
            Some("(.*)(?:/[^/]*)") => Ok(ModuleFormat::DropLastSegment),
            Some(other) => err(format!(
                "meta.moduleFormat {other:?} is not supported by sdkgen (supported: \"(.*)\", \"(.*)(?:/[^/]*)\")"
            )),
        }
    }

    fn module(self, token: &str) -> Result<String> {
        let parts: Vec<&str> = token.split(':').collect();
        if parts.len() != 3 {
            return err(format!(
                "malformed token {token:?}: expected <package>:<module>:<name>"
            ));
        }
        if parts[0] == "pulumi" && (parts[1] == "providers" || parts[1] == "pulumi") {
            return Ok(String::new());
        }
        let module = match self {
            ModuleFormat::Whole => Some(parts[1]),
            ModuleFormat::DropLastSegment => parts[1].rfind('/').map(|i| &parts[1][..i]),
        };
        Ok(match module {
            Some("index") | None => String::new(),
            Some(m) => m.to_string(),
        })
    }
}

struct Binder<'a> {
    spec: &'a PackageSpec,
    format: ModuleFormat,
}

fn bind(spec: PackageSpec) -> Result<Package> {
    if spec.parameterization.is_some() {
        return err("parameterized packages are not supported by sdkgen");
    }
    if !spec.dependencies.is_empty() {
        return err("package dependencies (cross-package references) are not supported by sdkgen");
    }
    if spec.name.is_empty() {
        return err("schema.json has no name");
    }
    let meta = spec.meta.as_ref();
    let binder = Binder {
        spec: &spec,
        format: ModuleFormat::parse(meta.and_then(|m| m.module_format.as_deref()))?,
    };

    let mut objects = BTreeMap::new();
    let mut enums = BTreeMap::new();
    for (token, t) in &spec.types {
        if t.is_overlay {
            continue;
        }
        if t.enum_values.is_some() {
            enums.insert(token.clone(), binder.bind_enum(token, t)?);
        } else {
            objects.insert(token.clone(), binder.bind_object(token, t)?);
        }
    }

    let mut config = Vec::new();
    for (name, p) in &spec.config.variables {
        let required = spec.config.defaults.contains(name);
        config.push(binder.bind_property(&format!("config.{name}"), name, p, required)?);
    }

    let provider_token = format!("pulumi:providers:{}", spec.name);
    let provider = match &spec.provider {
        Some(p) => binder.bind_resource(&provider_token, p, true)?,
        None => binder.bind_resource(&provider_token, &ResourceSpec::default(), true)?,
    };

    let mut resources = Vec::new();
    for (token, r) in &spec.resources {
        if r.is_overlay {
            continue;
        }
        resources.push(binder.bind_resource(token, r, false)?);
    }

    let mut functions = Vec::new();
    for (token, f) in &spec.functions {
        if f.is_overlay {
            continue;
        }
        functions.push(binder.bind_function(token, f)?);
    }

    let nodejs = node_info(spec.language.get("nodejs"))?;
    let python = python_info(spec.language.get("python"))?;

    Ok(Package {
        name: spec.name.clone(),
        version: spec.version.clone(),
        description: spec.description.clone().unwrap_or_default(),
        keywords: spec.keywords.clone(),
        homepage: spec.homepage.clone(),
        license: spec.license.clone(),
        repository: spec.repository.clone(),
        attribution: spec.attribution.clone(),
        plugin_download_url: spec.plugin_download_url.clone(),
        namespace: spec.namespace.clone(),
        support_pack: meta.map(|m| m.support_pack).unwrap_or(false),
        config,
        provider,
        resources,
        functions,
        objects,
        enums,
        nodejs,
        python,
    })
}

impl Binder<'_> {
    fn bind_object(&self, token: &str, t: &ComplexTypeSpec) -> Result<ObjectType> {
        if let Some(kind) = &t.type_name {
            if kind != "object" {
                return err(format!("type {token}: type {kind:?} without enum values"));
            }
        }
        Ok(ObjectType {
            token: token.to_string(),
            module: self.format.module(token)?,
            description: t.description.clone().unwrap_or_default(),
            properties: self.bind_properties(token, &t.properties, &t.required)?,
        })
    }

    fn bind_enum(&self, token: &str, t: &ComplexTypeSpec) -> Result<EnumType> {
        let element = match t.type_name.as_deref() {
            Some("string") => Type::String,
            Some("integer") => Type::Int,
            Some("number") => Type::Number,
            Some("boolean") => {
                return err(format!(
                    "enum {token}: boolean enums are not supported by gen-sdk's Node.js and Python generators"
                ))
            }
            other => return err(format!("enum {token}: invalid element type {other:?}")),
        };
        let mut members = Vec::new();
        for v in t.enum_values.iter().flatten() {
            members.push(EnumMember {
                name: v.name.clone(),
                value: literal(&format!("enum {token}"), &v.value, &element)?,
                description: v.description.clone().unwrap_or_default(),
                deprecation: v.deprecation_message.clone(),
            });
        }
        Ok(EnumType {
            token: token.to_string(),
            module: self.format.module(token)?,
            description: t.description.clone().unwrap_or_default(),
            element,
            members,
        })
    }

    fn bind_resource(&self, token: &str, r: &ResourceSpec, is_provider: bool) -> Result<Resource> {
        if !r.methods.is_empty() {
            return err(format!(
                "resource {token}: methods are not supported by sdkgen"
            ));
        }
        if r.state_inputs.is_some() {
            return err(format!(
                "resource {token}: stateInputs are not supported by sdkgen"
            ));
        }
        let mut aliases = Vec::new();
        for a in &r.aliases {
            match a {
                AliasSpec::Type(t) => aliases.push(t.clone()),
                AliasSpec::Object { type_name: Some(t) } => aliases.push(t.clone()),
                AliasSpec::Object { type_name: None } => {}
            }
        }
        Ok(Resource {
            token: token.to_string(),
            module: self.format.module(token)?,
            description: r.description.clone().unwrap_or_default(),
            inputs: self.bind_properties(
                &format!("{token} inputs"),
                &r.input_properties,
                &r.required_inputs,
            )?,
            outputs: self.bind_properties(token, &r.properties, &r.required)?,
            is_component: r.is_component,
            is_provider,
            deprecation: r.deprecation_message.clone(),
            aliases,
        })
    }

    fn bind_function(&self, token: &str, f: &FunctionSpec) -> Result<Function> {
        if token.contains('/') {
            return err(format!(
                "function {token}: resource methods are not supported by sdkgen"
            ));
        }
        if !f.multi_argument_inputs.is_empty() {
            return err(format!(
                "function {token}: multiArgumentInputs are not supported by sdkgen"
            ));
        }
        if f.return_type.is_some() {
            return err(format!(
                "function {token}: returnType is not supported by sdkgen; describe the result with `outputs`"
            ));
        }
        let bind_obj = |o: &ObjectTypeSpec, what: &str| {
            self.bind_properties(&format!("{token} {what}"), &o.properties, &o.required)
        };
        let inputs = f
            .inputs
            .as_ref()
            .map(|o| bind_obj(o, "inputs"))
            .transpose()?;
        let result = match &f.outputs {
            Some(o) => Some(FunctionResult {
                description: o.description.clone().unwrap_or_default(),
                properties: bind_obj(o, "outputs")?,
            }),
            None => None,
        };
        let plain = f.plain.unwrap_or(true);
        if !plain && result.is_none() {
            return err(format!(
                "function {token}: plain: false needs outputs (a function without a result has no output form)"
            ));
        }
        Ok(Function {
            token: token.to_string(),
            module: self.format.module(token)?,
            description: f.description.clone().unwrap_or_default(),
            deprecation: f.deprecation_message.clone(),
            inputs_description: f
                .inputs
                .as_ref()
                .and_then(|o| o.description.clone())
                .unwrap_or_default(),
            inputs,
            result,
            plain,
        })
    }

    fn bind_properties(
        &self,
        owner: &str,
        props: &BTreeMap<String, PropertySpec>,
        required: &[String],
    ) -> Result<Vec<Property>> {
        for name in required {
            if !props.contains_key(name) {
                return err(format!("{owner}: unknown required property {name:?}"));
            }
        }
        // BTreeMap iteration is already sorted by name, which is the order gen-sdk uses.
        props
            .iter()
            .map(|(name, p)| {
                self.bind_property(&format!("{owner}.{name}"), name, p, required.contains(name))
            })
            .collect()
    }

    fn bind_property(
        &self,
        path: &str,
        name: &str,
        p: &PropertySpec,
        required: bool,
    ) -> Result<Property> {
        if p.const_value.is_some() {
            return err(format!("{path}: const values are not supported by sdkgen"));
        }
        let ty = self.bind_type(path, &p.ty)?;
        let default = if p.default.is_some() || p.default_info.is_some() {
            let value = match &p.default {
                Some(v) => Some(literal(path, v, self.default_type(&ty))?),
                None => None,
            };
            let environment = p.default_info.clone().unwrap_or_default().environment;
            if p.default_info.is_some() && environment.is_empty() {
                return err(format!("{path}: defaultInfo must list an environment"));
            }
            Some(DefaultValue { value, environment })
        } else {
            None
        };
        Ok(Property {
            name: name.to_string(),
            ty,
            required,
            plain: p.ty.plain,
            description: p.description.clone().unwrap_or_default(),
            default,
            secret: p.secret,
            replace_on_changes: p.will_replace_on_changes,
            deprecation: p.deprecation_message.clone(),
        })
    }

    fn default_type<'t>(&'t self, ty: &'t Type) -> &'t Type {
        match ty {
            Type::Enum(tok) => match self.spec.types[tok].type_name.as_deref() {
                Some("integer") => &Type::Int,
                Some("number") => &Type::Number,
                _ => &Type::String,
            },
            other => other,
        }
    }

    fn bind_type(&self, path: &str, t: &TypeSpec) -> Result<Type> {
        if let Some(r) = &t.reference {
            return self.bind_ref(path, r);
        }
        if let Some(one_of) = &t.one_of {
            let mut elements = Vec::new();
            for e in one_of {
                if e.plain {
                    return err(format!(
                        "{path}: nested plain types are not supported by sdkgen"
                    ));
                }
                elements.push(self.bind_type(path, e)?);
            }
            return Ok(Type::Union(elements));
        }
        let nested_plain = |inner: &TypeSpec| {
            if inner.plain {
                err(format!(
                    "{path}: nested plain types are not supported by sdkgen"
                ))
            } else {
                Ok(())
            }
        };
        match t.type_name.as_deref() {
            Some("boolean") => Ok(Type::Bool),
            Some("integer") => Ok(Type::Int),
            Some("number") => Ok(Type::Number),
            Some("string") => Ok(Type::String),
            Some("array") => {
                let items = t
                    .items
                    .as_ref()
                    .ok_or_else(|| Error(format!("{path}: array without items")))?;
                nested_plain(items)?;
                Ok(Type::Array(Box::new(self.bind_type(path, items)?)))
            }
            Some("object") => match &t.additional_properties {
                Some(inner) => {
                    nested_plain(inner)?;
                    Ok(Type::Map(Box::new(self.bind_type(path, inner)?)))
                }
                None => Ok(Type::Map(Box::new(Type::String))),
            },
            other => err(format!("{path}: unknown type {other:?}")),
        }
    }

    fn bind_ref(&self, path: &str, r: &str) -> Result<Type> {
        match r {
            "pulumi.json#/Any" => return Ok(Type::Any),
            "pulumi.json#/Json" => return Ok(Type::Json),
            "pulumi.json#/Asset" => return Ok(Type::Asset),
            "pulumi.json#/Archive" => return Ok(Type::Archive),
            _ => {}
        }
        if let Some(tok) = r.strip_prefix("#/types/") {
            let tok = tok.replace("%2F", "/");
            return match self.spec.types.get(&tok) {
                Some(t) if t.enum_values.is_some() => Ok(Type::Enum(tok)),
                Some(_) => Ok(Type::Object(tok)),
                None => err(format!("{path}: $ref to unknown type {tok:?}")),
            };
        }
        if let Some(tok) = r.strip_prefix("#/resources/") {
            let tok = tok.replace("%2F", "/");
            if !self.spec.resources.contains_key(&tok) {
                return err(format!("{path}: $ref to unknown resource {tok:?}"));
            }
            return Ok(Type::Resource(tok));
        }
        err(format!(
            "{path}: $ref {r:?} is not supported by sdkgen (only this package's #/types, #/resources and pulumi.json#/...)"
        ))
    }
}

fn literal(path: &str, v: &Value, ty: &Type) -> Result<Literal> {
    let bad = || err(format!("{path}: value {v} does not fit type {ty:?}"));
    match (ty, v) {
        (Type::Bool, Value::Bool(b)) => Ok(Literal::Bool(*b)),
        (Type::Int, Value::Number(n)) => match n.as_i64() {
            Some(i) => Ok(Literal::Int(i)),
            None => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Literal::Int(f as i64)),
                _ => bad(),
            },
        },
        (Type::Number, Value::Number(n)) => Ok(Literal::Number(n.as_f64().unwrap_or_default())),
        (Type::String, Value::String(s)) => Ok(Literal::String(s.clone())),
        _ => bad(),
    }
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn bool_field(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn node_info(v: Option<&Value>) -> Result<NodeInfo> {
    let Some(v) = v else {
        return Ok(NodeInfo::default());
    };
    for key in [
        "moduleToPackage",
        "compatibility",
        "disableUnionOutputTypes",
        "extraTypeScriptFiles",
    ] {
        if v.get(key).is_some() {
            return err(format!("language.nodejs.{key} is not supported by sdkgen"));
        }
    }
    Ok(NodeInfo {
        package_name: str_field(v, "packageName"),
        package_description: str_field(v, "packageDescription"),
        readme: str_field(v, "readme"),
        dependencies: string_map(v.get("dependencies")),
        dev_dependencies: string_map(v.get("devDependencies")),
        typescript_version: str_field(v, "typescriptVersion"),
        respect_schema_version: bool_field(v, "respectSchemaVersion"),
    })
}

fn python_info(v: Option<&Value>) -> Result<PythonInfo> {
    let Some(v) = v else {
        return Ok(PythonInfo::default());
    };
    for key in [
        "moduleNameOverrides",
        "compatibility",
        "liftSingleValueMethodReturns",
    ] {
        if v.get(key).is_some() {
            return err(format!("language.python.{key} is not supported by sdkgen"));
        }
    }
    if let Some(kind) = v.get("inputTypes").and_then(Value::as_str) {
        if kind != "classes-and-dicts" {
            return err(format!(
                "language.python.inputTypes {kind:?} is not supported by sdkgen (only classes-and-dicts)"
            ));
        }
    }
    Ok(PythonInfo {
        package_name: str_field(v, "packageName"),
        readme: str_field(v, "readme"),
        requires: string_map(v.get("requires")),
        python_requires: str_field(v, "pythonRequires"),
        respect_schema_version: bool_field(v, "respectSchemaVersion"),
        pyproject: v
            .get("pyproject")
            .map(|p| bool_field(p, "enabled"))
            .unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(extra: &str) -> Result<Package> {
        Package::from_json(&format!(r##"{{"name": "p", "version": "1.0.0" {extra}}}"##))
    }

    #[test]
    fn module_formats() {
        let whole = ModuleFormat::parse(Some("(.*)")).unwrap();
        assert_eq!(whole.module("p:index:A").unwrap(), "");
        assert_eq!(whole.module("p:storage:A").unwrap(), "storage");
        let default = ModuleFormat::parse(None).unwrap();
        assert_eq!(default.module("p:index:A").unwrap(), "");
        assert_eq!(default.module("p:a/b:A").unwrap(), "a/b");
        let drop = ModuleFormat::parse(Some("(.*)(?:/[^/]*)")).unwrap();
        assert_eq!(drop.module("p:index/a:A").unwrap(), "");
        assert_eq!(drop.module("p:sto/rage:A").unwrap(), "sto");
        assert!(ModuleFormat::parse(Some("foo(.*)")).is_err());
    }

    #[test]
    fn unsupported_features_are_refused() {
        let methods = r##", "resources": {"p:index:C": {"isComponent": true, "methods": {"m": "p:index:C/m"}}}"##;
        assert!(pkg(methods).unwrap_err().0.contains("methods"));
        let ext = r##", "resources": {"p:index:C": {"properties": {"x": {"$ref": "/aws/v6.0.0/schema.json#/types/aws:x:Y"}}}}"##;
        assert!(pkg(ext).unwrap_err().0.contains("not supported"));
        let unknown_required = r##", "resources": {"p:index:C": {"required": ["nope"]}}"##;
        assert!(pkg(unknown_required)
            .unwrap_err()
            .0
            .contains("unknown required"));
        let bad_default = r##", "resources": {"p:index:C": {"inputProperties": {"n": {"type": "integer", "default": "x"}}}}"##;
        assert!(pkg(bad_default).unwrap_err().0.contains("does not fit"));
    }

    #[test]
    fn usage_and_replace_paths() {
        let p = pkg(r##",
            "types": {
                "p:index:Inner": {"type": "object", "properties": {"k": {"type": "string", "willReplaceOnChanges": true, "default": "d"}}},
                "p:index:Outer": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/types/p:index:Inner"}}}}
            },
            "resources": {"p:index:R": {
                "inputProperties": {"o": {"$ref": "#/types/p:index:Outer"}},
                "properties": {"o": {"$ref": "#/types/p:index:Outer"}, "tags": {"type": "object", "willReplaceOnChanges": true}}
            }}"##)
        .unwrap();
        let u = p.usage();
        assert!(u.input.contains("p:index:Inner") && u.output.contains("p:index:Inner"));
        assert!(u.resource_output.contains("p:index:Outer"));
        assert!(u.plain_input.is_empty());
        let r = p.resource("p:index:R").unwrap();
        assert_eq!(p.replace_on_changes(r), vec!["o.items[*].k", "tags.*"]);
        assert!(p.needs_defaults_helper(&Type::Object("p:index:Inner".into())));
        assert!(!p.needs_defaults_helper(&Type::Object("p:index:Outer".into())));
    }
}
