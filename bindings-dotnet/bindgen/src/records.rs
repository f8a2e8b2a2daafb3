//! Records → `sealed partial` C# classes with a property per field, a parameterless
//! constructor (for object initializers) and a constructor taking every field.

use std::fmt::Write;

use anyhow::Result;
use uniffi_bindgen::interface::{AsType, Field, Record, Type};

use crate::converters::lift_method;
use crate::names::{camel, doc, literal, pascal};
use crate::types::Ctx;

/// The C# property name of a field of the class `class` (never the class's own name).
pub fn property(field: &str, class: &str) -> String {
    let p = pascal(field);
    if p == class { format!("{p}Value") } else { p }
}

/// Properties, the all-fields constructor's parameter list and its assignments.
pub fn members(ctx: &Ctx, class: &str, fields: &[Field], indent: &str) -> (String, String, String) {
    members_but(ctx, class, fields, &[], indent)
}

/// Like [`members`], without declaring the properties named in `inherited` (declared by
/// the base class; the constructor still sets them).
pub fn members_but(
    ctx: &Ctx,
    class: &str,
    fields: &[Field],
    inherited: &[String],
    indent: &str,
) -> (String, String, String) {
    let mut props = String::new();
    let mut params = Vec::new();
    let mut assigns = String::new();
    for f in fields {
        let t = f.as_type();
        let p = property(f.name(), class);
        if !inherited.iter().any(|n| n == f.name()) {
            props.push_str(&doc(f.docstring(), indent));
            props.push_str(&format!(
                "{indent}public {} {p} {{ get; set; }}\n",
                ctx.cs_type(&t)
            ));
        }
        params.push(format!("{} {}", ctx.cs_type(&t), camel(f.name())));
        assigns.push_str(&format!("{indent}    {p} = {};\n", camel(f.name())));
    }
    (props, params.join(", "), assigns)
}

/// Statements writing each field of the value `v` (with null checks naming the field).
pub fn write_fields(ctx: &Ctx, class: &str, fields: &[Field], indent: &str) -> String {
    let mut out = String::new();
    for f in fields {
        let p = property(f.name(), class);
        let name = literal(&format!("{class}.{p}"));
        out.push_str(&format!(
            "{indent}{}\n",
            ctx.write(&f.as_type(), &format!("v.{p}"), "w", &name)
        ));
    }
    out
}

/// The reads of each field, as constructor arguments.
pub fn read_fields(ctx: &Ctx, fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| ctx.read(&f.as_type(), "r"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn empty_init(ctx: &Ctx, class: &str, fields: &[Field]) -> String {
    let mut out = String::new();
    for f in fields {
        let t = f.as_type();
        if matches!(t, Type::Sequence { .. } | Type::Map { .. }) {
            out.push_str(&format!(
                "            {} = new {}();\n",
                property(f.name(), class),
                ctx.cs_type(&t)
            ));
        }
    }
    out
}

/// One record class and its converter.
pub fn render(ctx: &Ctx, r: &Record) -> Result<String> {
    let class = ctx.type_name(r.name());
    let fields = r.fields();
    let (props, params, assigns) = members(ctx, &class, fields, "        ");
    let mut out = String::new();
    out.push_str(&doc(r.docstring(), "    "));
    writeln!(out, "    public sealed partial class {class}\n    {{")?;
    out.push_str(&props);
    writeln!(
        out,
        "\n        /// <summary>An empty {class}: set its properties before use.</summary>\n        public {class}()\n        {{\n{}        }}",
        empty_init(ctx, &class, fields)
    )?;
    if !fields.is_empty() {
        writeln!(
            out,
            "\n        /// <summary>A {class} from every field.</summary>\n        public {class}({params})\n        {{\n{assigns}        }}"
        )?;
    }
    writeln!(out, "    }}\n")?;

    let cs = ctx.qualified(&class);
    let conv = ctx.converter(&r.as_type());
    writeln!(out, "    internal static class {conv}\n    {{")?;
    writeln!(
        out,
        "        public static {cs} Read(UniffiReader r)\n        {{\n            return new {cs}({});\n        }}\n",
        read_fields(ctx, fields)
    )?;
    writeln!(
        out,
        "        public static void Write({cs} v, UniffiWriter w, string name)\n        {{\n            if (v == null) throw new ArgumentNullException(name);\n{}        }}\n",
        write_fields(ctx, &class, fields, "            ")
    )?;
    out.push_str(&lift_method(&cs));
    writeln!(out, "    }}\n")?;
    Ok(out)
}
