//! Enums: fieldless ones → C# `enum`s; ones with fields → an abstract class with a sealed
//! nested class per variant; a field every variant has (same name and type, e.g. an
//! event's `seq`) is a property of the abstract class. Both are serialized as a 1-based
//! i32 variant index + fields.

use std::fmt::Write;

use anyhow::Result;
use uniffi_bindgen::interface::{AsType, Enum};

use crate::converters::lift_method;
use crate::names::{doc, pascal};
use crate::records::{members_but, property, read_fields, write_fields};
use crate::types::Ctx;

/// One enum and its converter.
pub fn render(ctx: &Ctx, e: &Enum) -> Result<String> {
    if e.is_flat() {
        flat(ctx, e)
    } else {
        with_fields(ctx, e)
    }
}

fn flat(ctx: &Ctx, e: &Enum) -> Result<String> {
    let name = ctx.type_name(e.name());
    let cs = ctx.qualified(&name);
    let n = e.variants().len();
    let mut out = doc(e.docstring(), "    ");
    writeln!(out, "    public enum {name}\n    {{")?;
    for (i, v) in e.variants().iter().enumerate() {
        out.push_str(&doc(v.docstring(), "        "));
        writeln!(out, "        {} = {i},", pascal(v.name()))?;
    }
    writeln!(out, "    }}\n")?;
    writeln!(
        out,
        "    internal static class {}\n    {{",
        ctx.converter(&e.as_type())
    )?;
    writeln!(
        out,
        "        public static {cs} Read(UniffiReader r)\n        {{\n            int index = r.ReadI32();\n            if (index < 1 || index > {n}) throw new InvalidOperationException(\"uniffi: bad {name} variant \" + index);\n            return ({cs})(index - 1);\n        }}\n"
    )?;
    writeln!(
        out,
        "        public static void Write({cs} v, UniffiWriter w, string name)\n        {{\n            int index = (int)v;\n            if (index < 0 || index >= {n}) throw new ArgumentOutOfRangeException(name, \"not a {name} value\");\n            w.WriteI32(index + 1);\n        }}\n"
    )?;
    out.push_str(&lift_method(&cs));
    writeln!(out, "    }}\n")?;
    Ok(out)
}

/// The fields every variant has, with the same type (none for a single variant).
fn shared_fields(e: &Enum) -> Vec<String> {
    let variants = e.variants();
    if variants.len() < 2 {
        return Vec::new();
    }
    variants[0]
        .fields()
        .iter()
        .filter(|f| {
            variants[1..].iter().all(|v| {
                v.fields()
                    .iter()
                    .any(|g| g.name() == f.name() && g.as_type() == f.as_type())
            })
        })
        .map(|f| f.name().to_string())
        .collect()
}

fn with_fields(ctx: &Ctx, e: &Enum) -> Result<String> {
    let name = ctx.type_name(e.name());
    let cs = ctx.qualified(&name);
    let mut out = doc(e.docstring(), "    ");
    writeln!(out, "    public abstract partial class {name}\n    {{")?;
    writeln!(out, "        private {name}() {{ }}\n")?;
    let shared = shared_fields(e);
    if let Some(first) = e.variants().first() {
        for f in first
            .fields()
            .iter()
            .filter(|f| shared.iter().any(|n| n == f.name()))
        {
            out.push_str(&doc(f.docstring(), "        "));
            writeln!(
                out,
                "        public {} {} {{ get; set; }}\n",
                ctx.cs_type(&f.as_type()),
                property(f.name(), &name)
            )?;
        }
    }
    for v in e.variants() {
        let class = pascal(v.name());
        let (props, params, assigns) =
            members_but(ctx, &class, v.fields(), &shared, "            ");
        out.push_str(&doc(v.docstring(), "        "));
        writeln!(
            out,
            "        public sealed partial class {class} : {cs}\n        {{"
        )?;
        out.push_str(&props);
        writeln!(
            out,
            "            /// <summary>A {name}.{class} from every field.</summary>\n            public {class}({params})\n            {{\n{assigns}            }}"
        )?;
        writeln!(out, "        }}\n")?;
    }
    writeln!(out, "    }}\n")?;

    writeln!(
        out,
        "    internal static class {}\n    {{",
        ctx.converter(&e.as_type())
    )?;
    writeln!(
        out,
        "        public static {cs} Read(UniffiReader r)\n        {{\n            int index = r.ReadI32();\n            switch (index)\n            {{"
    )?;
    for (i, v) in e.variants().iter().enumerate() {
        writeln!(
            out,
            "                case {}: return new {cs}.{}({});",
            i + 1,
            pascal(v.name()),
            read_fields(ctx, v.fields())
        )?;
    }
    writeln!(
        out,
        "                default: throw new InvalidOperationException(\"uniffi: bad {name} variant \" + index);\n            }}\n        }}\n"
    )?;
    writeln!(
        out,
        "        public static void Write({cs} value, UniffiWriter w, string name)\n        {{\n            if (value == null) throw new ArgumentNullException(name);"
    )?;
    for (i, v) in e.variants().iter().enumerate() {
        let class = pascal(v.name());
        writeln!(
            out,
            "            {{\n                var v = value as {cs}.{class};\n                if (v != null)\n                {{\n                    w.WriteI32({});\n{}                    return;\n                }}\n            }}",
            i + 1,
            write_fields(ctx, &class, v.fields(), "                    ")
        )?;
    }
    writeln!(
        out,
        "            throw new ArgumentException(\"unknown {name} variant\", name);\n        }}\n"
    )?;
    out.push_str(&lift_method(&cs));
    writeln!(out, "    }}\n")?;
    Ok(out)
}
