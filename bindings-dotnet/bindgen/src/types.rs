//! How each uniffi type looks in C#: the C# type, its converter class, and the expressions
//! that read, write, lower (to the FFI value) and lift (from the FFI value) it.

use std::collections::BTreeMap;

use uniffi_bindgen::ComponentInterface;
use uniffi_bindgen::interface::Type;

use crate::names::pascal;

/// What every renderer needs: the interface and the C# namespace.
pub struct Ctx<'a> {
    /// The component interface read from the library.
    pub ci: &'a ComponentInterface,
    /// The C# namespace (the uniffi namespace in PascalCase).
    pub ns: String,
    /// Renamed items (Rust name → C# name) from the config.
    pub renames: BTreeMap<String, String>,
    /// Error variant → the variant whose exception class its class derives from (the
    /// child declares only the fields its parent lacks).
    pub error_parents: BTreeMap<String, String>,
}

impl Ctx<'_> {
    /// The fully qualified C# name of a type defined in the interface.
    pub fn qualified(&self, name: &str) -> String {
        format!("global::{}.{}", self.ns, name)
    }

    /// The C# name of a record, enum or object named `name` (renamed or PascalCase).
    pub fn type_name(&self, name: &str) -> String {
        pascal(self.renames.get(name).map(String::as_str).unwrap_or(name))
    }

    /// Is this enum the error type of some callable (rendered as an exception hierarchy)?
    pub fn is_error(&self, name: &str) -> bool {
        self.ci.is_name_used_as_error(name)
    }

    /// Is this a fieldless, non-error enum (rendered as a C# enum, a value type)?
    pub fn is_flat_enum(&self, name: &str) -> bool {
        !self.is_error(name)
            && self
                .ci
                .get_enum_definition(name)
                .is_some_and(|e| e.is_flat())
    }

    /// The C# type of a uniffi type.
    pub fn cs_type(&self, t: &Type) -> String {
        match t {
            Type::UInt8 => "byte".into(),
            Type::Int8 => "sbyte".into(),
            Type::UInt16 => "ushort".into(),
            Type::Int16 => "short".into(),
            Type::UInt32 => "uint".into(),
            Type::Int32 => "int".into(),
            Type::UInt64 => "ulong".into(),
            Type::Int64 => "long".into(),
            Type::Float32 => "float".into(),
            Type::Float64 => "double".into(),
            Type::Boolean => "bool".into(),
            Type::String => "string".into(),
            Type::Timestamp => "DateTimeOffset".into(),
            Type::Record { name, .. } | Type::Object { name, .. } => {
                self.qualified(&self.type_name(name))
            }
            Type::Enum { name, .. } if self.is_error(name) => self.qualified(&exception_name(name)),
            Type::Enum { name, .. } => self.qualified(&self.type_name(name)),
            Type::Optional { inner_type } if self.is_value(inner_type) => {
                format!("{}?", self.cs_type(inner_type))
            }
            Type::Optional { inner_type } | Type::Box { inner_type } => self.cs_type(inner_type),
            Type::Sequence { inner_type } => format!("List<{}>", self.cs_type(inner_type)),
            Type::Map {
                key_type,
                value_type,
            } => format!(
                "Dictionary<{}, {}>",
                self.cs_type(key_type),
                self.cs_type(value_type)
            ),
            other => unreachable!("unsupported type {other:?} (support.rs lets none through)"),
        }
    }

    /// Is the C# type a value type (so `Option<T>` becomes `T?`)?
    pub fn is_value(&self, t: &Type) -> bool {
        match t {
            Type::String
            | Type::Record { .. }
            | Type::Object { .. }
            | Type::Optional { .. }
            | Type::Sequence { .. }
            | Type::Map { .. } => false,
            Type::Enum { name, .. } => self.is_flat_enum(name),
            Type::Box { inner_type } => self.is_value(inner_type),
            _ => true,
        }
    }

    /// A unique name for the type, used in converter class names.
    pub fn canonical(&self, t: &Type) -> String {
        match t {
            Type::Optional { inner_type } => format!("Optional{}", self.canonical(inner_type)),
            Type::Sequence { inner_type } => format!("Sequence{}", self.canonical(inner_type)),
            Type::Map {
                key_type,
                value_type,
            } => format!(
                "Map{}{}",
                self.canonical(key_type),
                self.canonical(value_type)
            ),
            Type::Box { inner_type } => self.canonical(inner_type),
            Type::Record { name, .. } | Type::Enum { name, .. } | Type::Object { name, .. } => {
                format!("Type{}", self.type_name(name))
            }
            Type::Timestamp => "Timestamp".into(),
            other => primitive_suffix(other).unwrap_or("Unknown").into(),
        }
    }

    /// The converter class of a record, enum, error or compound type.
    pub fn converter(&self, t: &Type) -> String {
        format!("UniffiConverter{}", self.canonical(t))
    }

    /// An expression reading the type from the `UniffiReader` named `r`.
    pub fn read(&self, t: &Type, r: &str) -> String {
        if let Some(suffix) = primitive_suffix(t) {
            return format!("{r}.Read{suffix}()");
        }
        match t {
            Type::Timestamp => format!("{r}.ReadTimestamp()"),
            Type::Object { name, .. } => {
                format!(
                    "{}.UniffiLift({r}.ReadU64())",
                    self.qualified(&self.type_name(name))
                )
            }
            Type::Box { inner_type } => self.read(inner_type, r),
            _ => format!("{}.Read({r})", self.converter(t)),
        }
    }

    /// A statement writing `v` to the `UniffiWriter` named `w`; `name` is the C# string
    /// expression naming the value in ArgumentNullException/ArgumentException.
    pub fn write(&self, t: &Type, v: &str, w: &str, name: &str) -> String {
        if let Some(suffix) = primitive_suffix(t) {
            if matches!(t, Type::String) {
                return format!("{w}.WriteString({v}, {name});");
            }
            return format!("{w}.Write{suffix}({v});");
        }
        match t {
            Type::Timestamp => format!("{w}.WriteTimestamp({v});"),
            Type::Object { .. } => format!(
                "if ({v} == null) throw new ArgumentNullException({name}); {w}.WriteU64({v}.UniffiClone());"
            ),
            Type::Box { inner_type } => self.write(inner_type, v, w, name),
            _ => format!("{}.Write({v}, {w}, {name});", self.converter(t)),
        }
    }

    /// The C# type of the lowered (FFI) value.
    pub fn ffi_cs_type(&self, t: &Type) -> &'static str {
        match t {
            Type::Boolean => "sbyte",
            Type::Object { .. } => "ulong",
            Type::Box { inner_type } => self.ffi_cs_type(inner_type),
            t if primitive_suffix(t).is_some() && !matches!(t, Type::String) => {
                prim_cs(t).unwrap_or("RustBuffer")
            }
            _ => "RustBuffer",
        }
    }

    /// Is the type passed as a RustBuffer?
    pub fn is_buffer(&self, t: &Type) -> bool {
        self.ffi_cs_type(t) == "RustBuffer"
    }

    /// An expression lifting the FFI value `v` into the C# value (takes ownership).
    pub fn lift(&self, t: &Type, v: &str) -> String {
        match t {
            Type::Boolean => format!("({v} != 0)"),
            Type::String => format!("UniffiCall.LiftString({v})"),
            Type::Object { name, .. } => {
                format!("{}.UniffiLift({v})", self.qualified(&self.type_name(name)))
            }
            Type::Box { inner_type } => self.lift(inner_type, v),
            t if !self.is_buffer(t) => v.to_string(),
            _ => format!("{}.Lift({v})", self.converter(t)),
        }
    }
}

/// The C# exception class of an error enum: `FooError` → `FooException`.
pub fn exception_name(name: &str) -> String {
    let base = pascal(name);
    let stem = base.strip_suffix("Error").unwrap_or(&base);
    format!("{stem}Exception")
}

/// `I32`, `String`, ... for the `UniffiReader.ReadX`/`UniffiWriter.WriteX` methods.
fn primitive_suffix(t: &Type) -> Option<&'static str> {
    Some(match t {
        Type::UInt8 => "U8",
        Type::Int8 => "I8",
        Type::UInt16 => "U16",
        Type::Int16 => "I16",
        Type::UInt32 => "U32",
        Type::Int32 => "I32",
        Type::UInt64 => "U64",
        Type::Int64 => "I64",
        Type::Float32 => "F32",
        Type::Float64 => "F64",
        Type::Boolean => "Bool",
        Type::String => "String",
        _ => return None,
    })
}

fn prim_cs(t: &Type) -> Option<&'static str> {
    Some(match t {
        Type::UInt8 => "byte",
        Type::Int8 => "sbyte",
        Type::UInt16 => "ushort",
        Type::Int16 => "short",
        Type::UInt32 => "uint",
        Type::Int32 => "int",
        Type::UInt64 => "ulong",
        Type::Int64 => "long",
        Type::Float32 => "float",
        Type::Float64 => "double",
        _ => return None,
    })
}
