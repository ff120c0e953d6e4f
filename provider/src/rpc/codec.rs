//! Encoding of [`Value`] inside `google.protobuf.Struct`, as the Pulumi engine and SDKs do it:
//! special objects are marked with the signature key and unknowns are sentinel strings.

use std::collections::BTreeMap;

use prost_types::value::Kind;
use prost_types::{ListValue, Struct};

use crate::value::{OpaqueKind, OutputValue, ResourceRef, UnknownKind, Value};

pub const SIG_KEY: &str = "4dabf18193072939515e22adb298388d";
pub const SIG_SECRET: &str = "1b47061264138c4ac30d75fd1eb44270";
pub const SIG_RESOURCE_REF: &str = "5cf8f73096256a8f31e491e813e4eb8e";
pub const SIG_OUTPUT: &str = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
pub const SIG_ASSET: &str = "c44067f5952c0a294b673a41bacd8c17";
pub const SIG_ARCHIVE: &str = "0def7320c3a5731c473e5ecbe6d01bc7";

pub fn decode_struct(s: &Struct) -> Value {
    Value::Object(decode_fields(&s.fields))
}

/// Decodes an optional Struct; an absent one is an empty object (the engine sends nil and empty alike).
pub fn decode_opt(s: Option<&Struct>) -> Value {
    s.map_or_else(|| Value::Object(BTreeMap::new()), decode_struct)
}

fn decode_fields(fields: &BTreeMap<String, prost_types::Value>) -> BTreeMap<String, Value> {
    fields.iter().map(|(k, v)| (k.clone(), decode(v))).collect()
}

pub fn decode(v: &prost_types::Value) -> Value {
    match &v.kind {
        None | Some(Kind::NullValue(_)) => Value::Null,
        Some(Kind::BoolValue(b)) => Value::Bool(*b),
        Some(Kind::NumberValue(n)) => Value::Number(*n),
        Some(Kind::StringValue(s)) => match UnknownKind::from_sentinel(s) {
            Some(kind) => Value::Unknown(kind),
            None => Value::String(s.clone()),
        },
        Some(Kind::ListValue(list)) => Value::Array(list.values.iter().map(decode).collect()),
        Some(Kind::StructValue(s)) => {
            decode_special(&s.fields).unwrap_or_else(|| Value::Object(decode_fields(&s.fields)))
        }
    }
}

fn decode_special(fields: &BTreeMap<String, prost_types::Value>) -> Option<Value> {
    let sig = match fields.get(SIG_KEY)?.kind.as_ref()? {
        Kind::StringValue(s) => s.as_str(),
        _ => return None,
    };
    let string_field = |name: &str| match fields.get(name).and_then(|v| v.kind.as_ref()) {
        Some(Kind::StringValue(s)) => Some(s.clone()),
        _ => None,
    };
    Some(match sig {
        SIG_SECRET => Value::Secret(Box::new(fields.get("value").map_or(Value::Null, decode))),
        SIG_OUTPUT => {
            let dependencies = match fields.get("dependencies").and_then(|v| v.kind.as_ref()) {
                Some(Kind::ListValue(list)) => list
                    .values
                    .iter()
                    .filter_map(|v| match &v.kind {
                        Some(Kind::StringValue(s)) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let secret = matches!(
                fields.get("secret").and_then(|v| v.kind.as_ref()),
                Some(Kind::BoolValue(true))
            );
            Value::Output(OutputValue {
                value: fields.get("value").map(|v| Box::new(decode(v))),
                secret,
                dependencies,
            })
        }
        SIG_RESOURCE_REF => Value::ResourceRef(ResourceRef {
            urn: string_field("urn").unwrap_or_default(),
            id: fields.get("id").map(|v| match decode(v) {
                Value::String(s) => s,
                // An unknown ID is sent as the unknown sentinel or as "".
                _ => String::new(),
            }),
            package_version: string_field("packageVersion").unwrap_or_default(),
        }),
        SIG_ASSET | SIG_ARCHIVE => {
            let kind = if sig == SIG_ASSET {
                OpaqueKind::Asset
            } else {
                OpaqueKind::Archive
            };
            Value::Opaque(decode_fields(fields), kind)
        }
        _ => return None,
    })
}

pub fn encode_struct(v: &Value) -> Struct {
    match v {
        Value::Object(map) => Struct {
            fields: encode_fields(map),
        },
        // Top-level property maps are always objects; anything else becomes an empty map rather than
        // a malformed message.
        _ => Struct::default(),
    }
}

fn encode_fields(map: &BTreeMap<String, Value>) -> BTreeMap<String, prost_types::Value> {
    map.iter().map(|(k, v)| (k.clone(), encode(v))).collect()
}

fn kind(k: Kind) -> prost_types::Value {
    prost_types::Value { kind: Some(k) }
}

fn string(s: &str) -> prost_types::Value {
    kind(Kind::StringValue(s.to_string()))
}

fn signed(sig: &str, mut fields: BTreeMap<String, prost_types::Value>) -> prost_types::Value {
    fields.insert(SIG_KEY.to_string(), string(sig));
    kind(Kind::StructValue(Struct { fields }))
}

pub fn encode(v: &Value) -> prost_types::Value {
    match v {
        Value::Null => kind(Kind::NullValue(0)),
        Value::Bool(b) => kind(Kind::BoolValue(*b)),
        Value::Number(n) => kind(Kind::NumberValue(*n)),
        Value::String(s) => string(s),
        Value::Array(items) => kind(Kind::ListValue(ListValue {
            values: items.iter().map(encode).collect(),
        })),
        Value::Object(map) => kind(Kind::StructValue(Struct {
            fields: encode_fields(map),
        })),
        // Every unknown goes out as the string sentinel, whatever its kind: the Node.js and Python
        // SDKs recognise no other, and the engine passes the kind on to them, so an object-kind
        // sentinel reached programs as a plain string during previews.
        Value::Unknown(_) => string(UnknownKind::String.sentinel()),
        Value::Secret(inner) => signed(
            SIG_SECRET,
            BTreeMap::from([("value".to_string(), encode(inner))]),
        ),
        Value::Output(o) => {
            let mut fields = BTreeMap::new();
            if let Some(inner) = &o.value {
                fields.insert("value".to_string(), encode(inner));
            }
            if o.secret {
                fields.insert("secret".to_string(), kind(Kind::BoolValue(true)));
            }
            if !o.dependencies.is_empty() {
                fields.insert(
                    "dependencies".to_string(),
                    kind(Kind::ListValue(ListValue {
                        values: o.dependencies.iter().map(|d| string(d)).collect(),
                    })),
                );
            }
            signed(SIG_OUTPUT, fields)
        }
        Value::ResourceRef(r) => {
            let mut fields = BTreeMap::from([("urn".to_string(), string(&r.urn))]);
            if let Some(id) = &r.id {
                fields.insert("id".to_string(), string(id));
            }
            if !r.package_version.is_empty() {
                fields.insert("packageVersion".to_string(), string(&r.package_version));
            }
            signed(SIG_RESOURCE_REF, fields)
        }
        // The signature is already among the fields we kept.
        Value::Opaque(fields, _) => kind(Kind::StructValue(Struct {
            fields: encode_fields(fields),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(v: &Value) -> Value {
        decode(&encode(v))
    }

    #[test]
    fn secrets_survive_nested_in_arrays_and_objects() {
        let v = Value::object([
            ("password", Value::secret("hunter22".into())),
            (
                "list",
                Value::Array(vec![
                    Value::from("plain"),
                    Value::secret(Value::object([("k", Value::from("v"))])),
                ]),
            ),
            (
                "nested",
                Value::object([("deep", Value::secret(Value::from(3i64)))]),
            ),
        ]);
        assert_eq!(round_trip(&v), v);
        let wire = encode(&v);
        let Some(Kind::StructValue(s)) = wire.kind else {
            panic!("object must encode as a struct")
        };
        let Some(Kind::StructValue(pw)) = &s.fields["password"].kind else {
            panic!("secret must encode as a struct")
        };
        assert_eq!(pw.fields[SIG_KEY], string(SIG_SECRET));
        assert_eq!(pw.fields["value"], string("hunter22"));
    }

    #[test]
    fn all_seven_unknown_sentinels_decode_and_every_unknown_encodes_as_the_string_one() {
        let sdk_unknown = string("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
        for k in UnknownKind::ALL {
            let wire = string(k.sentinel());
            assert_eq!(decode(&wire), Value::Unknown(k));
            assert_eq!(encode(&Value::Unknown(k)), sdk_unknown, "{k:?}");
        }
    }

    #[test]
    fn unknowns_inside_lists_are_kept() {
        let v = Value::Array(vec![
            Value::from("a"),
            Value::Unknown(UnknownKind::String),
            Value::Unknown(UnknownKind::Number),
        ]);
        let sent = Value::Array(vec![
            Value::from("a"),
            Value::Unknown(UnknownKind::String),
            Value::Unknown(UnknownKind::String),
        ]);
        assert_eq!(round_trip(&v), sent);
        assert!(v.contains_unknowns());
    }

    #[test]
    fn output_values_with_and_without_value_and_dependencies() {
        let known = Value::Output(OutputValue {
            value: Some(Box::new(Value::from("t1-id"))),
            secret: true,
            dependencies: vec!["urn:pulumi:dev::p::t:index:T::t1".into()],
        });
        let unknown = Value::Output(OutputValue {
            value: None,
            secret: false,
            dependencies: vec!["urn:pulumi:dev::p::t:index:T::t2".into()],
        });
        assert_eq!(round_trip(&known), known);
        assert_eq!(round_trip(&unknown), unknown);
        assert!(unknown.is_unknown());
        assert!(known.is_secret());
        assert_eq!(known.as_str(), Some("t1-id"));
    }

    #[test]
    fn resource_references_keep_urn_id_and_version() {
        let custom = Value::ResourceRef(ResourceRef {
            urn: "urn:pulumi:dev::p::t:index:T::a".into(),
            id: Some("id-1".into()),
            package_version: "1.2.3".into(),
        });
        let component = Value::ResourceRef(ResourceRef {
            urn: "urn:pulumi:dev::p::t:index:C::c".into(),
            id: None,
            package_version: String::new(),
        });
        assert_eq!(round_trip(&custom), custom);
        assert_eq!(round_trip(&component), component);
    }

    #[test]
    fn a_resource_reference_with_an_unknown_id_decodes_to_an_empty_id() {
        let wire = signed(
            SIG_RESOURCE_REF,
            BTreeMap::from([
                ("urn".to_string(), string("urn:x")),
                ("id".to_string(), string(UnknownKind::String.sentinel())),
            ]),
        );
        assert_eq!(
            decode(&wire),
            Value::ResourceRef(ResourceRef {
                urn: "urn:x".into(),
                id: Some(String::new()),
                package_version: String::new()
            })
        );
    }

    #[test]
    fn assets_pass_through_unchanged() {
        let wire = signed(
            SIG_ASSET,
            BTreeMap::from([
                ("hash".to_string(), string("abc")),
                ("text".to_string(), string("hello")),
            ]),
        );
        assert_eq!(encode(&decode(&wire)), wire);
    }

    #[test]
    fn an_unrecognised_signature_is_an_ordinary_object() {
        let wire = signed("ffff", BTreeMap::new());
        assert!(matches!(decode(&wire), Value::Object(_)));
    }
}
