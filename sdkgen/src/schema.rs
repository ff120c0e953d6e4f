//! The package schema as written in schema.json, before any resolution.
//!
//! Only the parts of the metaschema that the Node.js and Python generators act on are typed;
//! everything else is accepted and ignored, the same way `pulumi package gen-sdk` ignores keys
//! that are meant for other languages. Keys that change the generated code but that this
//! generator does not implement are kept so that `model` can refuse them loudly.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageSpec {
    pub name: String,
    pub version: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub homepage: Option<String>,
    pub license: Option<String>,
    pub attribution: Option<String>,
    pub repository: Option<String>,
    #[serde(rename = "pluginDownloadURL")]
    pub plugin_download_url: Option<String>,
    pub namespace: Option<String>,
    pub meta: Option<MetaSpec>,
    #[serde(default)]
    pub config: ConfigSpec,
    #[serde(default)]
    pub types: BTreeMap<String, ComplexTypeSpec>,
    pub provider: Option<ResourceSpec>,
    #[serde(default)]
    pub resources: BTreeMap<String, ResourceSpec>,
    #[serde(default)]
    pub functions: BTreeMap<String, FunctionSpec>,
    #[serde(default)]
    pub language: BTreeMap<String, Value>,
    pub parameterization: Option<Value>,
    #[serde(default)]
    pub dependencies: Vec<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaSpec {
    pub module_format: Option<String>,
    #[serde(default)]
    pub support_pack: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigSpec {
    #[serde(default)]
    pub variables: BTreeMap<String, PropertySpec>,
    #[serde(default)]
    pub defaults: Vec<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeSpec {
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub items: Option<Box<TypeSpec>>,
    pub additional_properties: Option<Box<TypeSpec>>,
    pub one_of: Option<Vec<TypeSpec>>,
    #[serde(default)]
    pub plain: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertySpec {
    #[serde(flatten)]
    pub ty: TypeSpec,
    pub description: Option<String>,
    #[serde(rename = "const")]
    pub const_value: Option<Value>,
    pub default: Option<Value>,
    pub default_info: Option<DefaultInfoSpec>,
    pub deprecation_message: Option<String>,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub will_replace_on_changes: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefaultInfoSpec {
    #[serde(default)]
    pub environment: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectTypeSpec {
    pub description: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, PropertySpec>,
    #[serde(default)]
    pub required: Vec<String>,
}

/// An entry of `types`: an object type or, when `enum` is present, an enum.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComplexTypeSpec {
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, PropertySpec>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<EnumValueSpec>>,
    #[serde(default)]
    pub is_overlay: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnumValueSpec {
    pub name: Option<String>,
    pub value: Value,
    pub description: Option<String>,
    pub deprecation_message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSpec {
    pub description: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, PropertySpec>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub input_properties: BTreeMap<String, PropertySpec>,
    #[serde(default)]
    pub required_inputs: Vec<String>,
    pub state_inputs: Option<Value>,
    #[serde(default)]
    pub aliases: Vec<AliasSpec>,
    pub deprecation_message: Option<String>,
    #[serde(default)]
    pub is_component: bool,
    #[serde(default)]
    pub methods: BTreeMap<String, String>,
    #[serde(default)]
    pub is_overlay: bool,
}

/// The metaschema allows an alias as a bare type string or as `{"type": ...}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AliasSpec {
    Type(String),
    Object {
        #[serde(rename = "type")]
        type_name: Option<String>,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionSpec {
    pub description: Option<String>,
    pub inputs: Option<ObjectTypeSpec>,
    #[serde(default)]
    pub multi_argument_inputs: Vec<String>,
    pub outputs: Option<ObjectTypeSpec>,
    pub return_type: Option<Value>,
    pub deprecation_message: Option<String>,
    #[serde(default)]
    pub is_overlay: bool,
    pub plain: Option<bool>,
}
