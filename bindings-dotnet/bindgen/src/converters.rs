//! Converter classes of the compound types (`Option`, `Vec`, `HashMap<String, _>`): each
//! has `Read`, `Write` and `Lift`, built on the converters of its parts.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::Result;
use uniffi_bindgen::interface::{AsType, Type};

use crate::support::callables;
use crate::types::Ctx;

/// Every compound type used anywhere, by canonical name.
fn compound_types(ctx: &Ctx) -> BTreeMap<String, Type> {
    let ci = ctx.ci;
    let mut all: Vec<Type> = Vec::new();
    for r in ci.record_definitions() {
        all.extend(r.fields().iter().map(|f| f.as_type()));
    }
    for e in ci.enum_definitions() {
        for v in e.variants() {
            all.extend(v.fields().iter().map(|f| f.as_type()));
        }
    }
    for c in callables(ci) {
        all.extend(c.arguments().iter().map(|a| a.as_type()));
        all.extend(c.return_type().cloned());
    }
    let mut out = BTreeMap::new();
    for t in &all {
        for inner in t.iter_types() {
            if matches!(
                inner,
                Type::Optional { .. } | Type::Sequence { .. } | Type::Map { .. }
            ) {
                out.insert(ctx.canonical(inner), inner.clone());
            }
        }
    }
    out
}

/// The `Lift` method every converter class has.
pub fn lift_method(cs: &str) -> String {
    format!(
        "        public static {cs} Lift(RustBuffer buffer)\n        {{\n            UniffiReader r = UniffiReader.Take(buffer);\n            {cs} value = Read(r);\n            r.CheckEnd();\n            return value;\n        }}\n"
    )
}

/// All compound converter classes.
pub fn render(ctx: &Ctx) -> Result<String> {
    let mut out = String::new();
    for t in compound_types(ctx).values() {
        let cs = ctx.cs_type(t);
        let conv = ctx.converter(t);
        writeln!(out, "    internal static class {conv}\n    {{")?;
        match t {
            Type::Optional { inner_type } => {
                let inner_value = ctx.is_value(inner_type);
                writeln!(
                    out,
                    "        public static {cs} Read(UniffiReader r)\n        {{\n            switch (r.ReadI8())\n            {{\n                case 0: return null;\n                case 1: return {};\n                default: throw new InvalidOperationException(\"uniffi: bad Option tag\");\n            }}\n        }}\n",
                    ctx.read(inner_type, "r")
                )?;
                let value = if inner_value { "v.Value" } else { "v" };
                let missing = if inner_value {
                    "!v.HasValue"
                } else {
                    "v == null"
                };
                writeln!(
                    out,
                    "        public static void Write({cs} v, UniffiWriter w, string name)\n        {{\n            if ({missing}) {{ w.WriteI8(0); return; }}\n            w.WriteI8(1);\n            {}\n        }}\n",
                    ctx.write(inner_type, value, "w", "name")
                )?;
            }
            Type::Sequence { inner_type } => {
                writeln!(
                    out,
                    "        public static {cs} Read(UniffiReader r)\n        {{\n            int n = r.ReadCount();\n            var list = new {cs}(Math.Min(n, 4096));\n            for (int i = 0; i < n; i++) list.Add({});\n            return list;\n        }}\n",
                    ctx.read(inner_type, "r")
                )?;
                writeln!(
                    out,
                    "        public static void Write({cs} v, UniffiWriter w, string name)\n        {{\n            if (v == null) throw new ArgumentNullException(name);\n            w.WriteI32(v.Count);\n            foreach (var item in v) {{ {} }}\n        }}\n",
                    ctx.write(inner_type, "item", "w", "name")
                )?;
            }
            Type::Map {
                key_type,
                value_type,
            } => {
                writeln!(
                    out,
                    "        public static {cs} Read(UniffiReader r)\n        {{\n            int n = r.ReadCount();\n            var map = new {cs}(Math.Min(n, 4096));\n            for (int i = 0; i < n; i++)\n            {{\n                var key = {};\n                map[key] = {};\n            }}\n            return map;\n        }}\n",
                    ctx.read(key_type, "r"),
                    ctx.read(value_type, "r")
                )?;
                writeln!(
                    out,
                    "        public static void Write({cs} v, UniffiWriter w, string name)\n        {{\n            if (v == null) throw new ArgumentNullException(name);\n            w.WriteI32(v.Count);\n            foreach (var pair in v)\n            {{\n                {}\n                {}\n            }}\n        }}\n",
                    ctx.write(key_type, "pair.Key", "w", "name"),
                    ctx.write(value_type, "pair.Value", "w", "name")
                )?;
            }
            _ => unreachable!(),
        }
        out.push_str(&lift_method(&cs));
        writeln!(out, "    }}\n")?;
    }
    Ok(out)
}
