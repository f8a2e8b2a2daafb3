//! The uniffi features this generator supports, checked before rendering: anything else
//! stops generation with a clear message instead of producing wrong C#.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use uniffi_bindgen::ComponentInterface;
use uniffi_bindgen::interface::{AsType, Callable, ObjectImpl, Type, UniffiTraitMethods};

use crate::names::pascal;

/// Every callable: top-level functions, constructors and methods.
pub fn callables(ci: &ComponentInterface) -> impl Iterator<Item = &dyn Callable> {
    ci.function_definitions()
        .iter()
        .map(|f| f as &dyn Callable)
        .chain(ci.object_definitions().iter().flat_map(|o| {
            o.constructors()
                .into_iter()
                .map(|c| c as &dyn Callable)
                .chain(o.methods().into_iter().map(|m| m as &dyn Callable))
        }))
}

/// Fails on the first unsupported feature.
pub fn check(ci: &ComponentInterface) -> Result<()> {
    if !ci.callback_interface_definitions().is_empty() {
        bail!("callback interfaces are not supported");
    }
    let errors: Vec<&str> = ci
        .enum_definitions()
        .iter()
        .filter(|e| ci.is_name_used_as_error(e.name()))
        .map(|e| e.name())
        .collect();
    for r in ci.record_definitions() {
        if !r.methods().is_empty() || !r.constructors().is_empty() {
            bail!(
                "record {}: methods and constructors on records are not supported",
                r.name()
            );
        }
        if has_traits(&r.uniffi_trait_methods()) {
            bail!("record {}: exported traits are not supported", r.name());
        }
        for f in r.fields() {
            if f.default_value().is_some() {
                bail!("record {}: default values are not supported", r.name());
            }
            check_type(ci, &f.as_type(), &format!("{}.{}", r.name(), f.name()))?;
        }
    }
    for e in ci.enum_definitions() {
        if !e.methods().is_empty() || !e.constructors().is_empty() {
            bail!("enum {}: methods are not supported", e.name());
        }
        let is_error = errors.contains(&e.name());
        if is_error && e.is_flat() {
            bail!(
                "error {}: flat errors are not supported (use named fields)",
                e.name()
            );
        }
        if has_traits(&e.uniffi_trait_methods()) {
            bail!("enum {}: exported traits are not supported", e.name());
        }
        if e.variant_discr_type().is_some() {
            bail!(
                "enum {}: explicit discriminant types are not supported",
                e.name()
            );
        }
        for v in e.variants() {
            if v.has_nameless_fields() {
                bail!(
                    "enum {}::{}: tuple variants are not supported",
                    e.name(),
                    v.name()
                );
            }
            if pascal(v.name()) == pascal(e.name()) && !e.is_flat() {
                bail!("enum {}: a variant has the enum's name", e.name());
            }
            for f in v.fields() {
                if f.default_value().is_some() {
                    bail!(
                        "enum {}::{}: default values are not supported",
                        e.name(),
                        v.name()
                    );
                }
                check_type(ci, &f.as_type(), &format!("{}::{}", e.name(), v.name()))?;
            }
        }
    }
    for o in ci.object_definitions() {
        if !matches!(o.imp(), ObjectImpl::Struct) {
            bail!("object {}: trait interfaces are not supported", o.name());
        }
        if !o.uniffi_traits().is_empty() || !o.trait_impls().is_empty() {
            bail!("object {}: exported traits are not supported", o.name());
        }
        if errors.contains(&o.name()) {
            bail!("object {}: objects as errors are not supported", o.name());
        }
        let mut names = BTreeSet::new();
        for m in o.methods() {
            let cs = pascal(m.name());
            if [
                "Dispose",
                "Equals",
                "GetHashCode",
                "ToString",
                "GetType",
                "UniffiClone",
            ]
            .contains(&cs.as_str())
            {
                bail!(
                    "object {}: method {} clashes with a .NET member",
                    o.name(),
                    m.name()
                );
            }
            if !names.insert(cs) {
                bail!("object {}: two methods map to the same C# name", o.name());
            }
        }
    }
    for c in callables(ci) {
        for a in c.arguments() {
            if a.default_value().is_some() {
                bail!("argument {}: default values are not supported", a.name());
            }
            if a.by_ref() && matches!(a.as_type(), Type::Bytes) {
                bail!("argument {}: borrowed bytes are not supported", a.name());
            }
            check_type(ci, &a.as_type(), a.name())?;
            if contains_nested_object(ci, &a.as_type(), true, &mut BTreeSet::new()) {
                bail!(
                    "argument {}: objects inside records, enums or collections are only supported in return values",
                    a.name()
                );
            }
        }
        if let Some(t) = c.return_type() {
            check_type(ci, t, "a return type")?;
        }
        if let Some(t) = c.throws_type() {
            match t {
                Type::Enum { name, .. } if ci.get_enum_definition(name).is_some() => {}
                other => bail!("error type {other:?} is not supported (use an error enum)"),
            }
        }
    }
    Ok(())
}

fn has_traits(t: &UniffiTraitMethods) -> bool {
    t.debug_fmt.is_some()
        || t.display_fmt.is_some()
        || t.eq_eq.is_some()
        || t.hash_hash.is_some()
        || t.ord_cmp.is_some()
}

fn check_type(ci: &ComponentInterface, t: &Type, what: &str) -> Result<()> {
    match t {
        Type::UInt8
        | Type::Int8
        | Type::UInt16
        | Type::Int16
        | Type::UInt32
        | Type::Int32
        | Type::UInt64
        | Type::Int64
        | Type::Float32
        | Type::Float64
        | Type::Boolean
        | Type::String
        | Type::Timestamp
        | Type::Record { .. }
        | Type::Object { .. } => {}
        Type::Enum { name, .. } => {
            if ci.is_name_used_as_error(name) {
                bail!("{what}: an error enum used as a value is not supported");
            }
        }
        Type::Optional { inner_type } => {
            if matches!(**inner_type, Type::Optional { .. }) {
                bail!("{what}: nested Option is not supported");
            }
            check_type(ci, inner_type, what)?;
        }
        Type::Box { inner_type } | Type::Sequence { inner_type } => {
            check_type(ci, inner_type, what)?
        }
        Type::Map {
            key_type,
            value_type,
        } => {
            if !matches!(**key_type, Type::String) {
                bail!("{what}: only maps with String keys are supported");
            }
            check_type(ci, value_type, what)?;
        }
        other => bail!("{what}: type {other:?} is not supported"),
    }
    if ci.is_external(t) {
        bail!("{what}: types from other crates are not supported");
    }
    Ok(())
}

/// Does the argument type carry an object somewhere other than at its top level?
fn contains_nested_object(
    ci: &ComponentInterface,
    t: &Type,
    top: bool,
    seen: &mut BTreeSet<String>,
) -> bool {
    match t {
        Type::Object { .. } => !top,
        Type::Optional { inner_type } | Type::Sequence { inner_type } => {
            contains_nested_object(ci, inner_type, false, seen)
        }
        Type::Box { inner_type } => contains_nested_object(ci, inner_type, top, seen),
        Type::Map { value_type, .. } => contains_nested_object(ci, value_type, false, seen),
        Type::Record { name, .. } => {
            seen.insert(name.clone())
                && ci.get_record_definition(name).is_some_and(|r| {
                    r.fields()
                        .iter()
                        .any(|f| contains_nested_object(ci, &f.as_type(), false, seen))
                })
        }
        Type::Enum { name, .. } => {
            seen.insert(name.clone())
                && ci.get_enum_definition(name).is_some_and(|e| {
                    e.variants().iter().any(|v| {
                        v.fields()
                            .iter()
                            .any(|f| contains_nested_object(ci, &f.as_type(), false, seen))
                    })
                })
        }
        _ => false,
    }
}
