//! The error enum → an exception hierarchy: an abstract base class and a sealed subclass per
//! variant carrying the variant's fields as read-only properties. A field named `message`
//! becomes the exception's Message; a field `inner_exception_id: Option<u64>` becomes its
//! InnerException (the C# exception kept under that id by `UniffiForeignExceptions.Keep`
//! before it was reported to Rust). A variant named in `[bindings.dotnet.error_parents]`
//! derives from its parent variant's class instead (sharing the parent's fields). Also
//! `RustPanicException` for panics.

use std::fmt::Write;

use anyhow::{Context, Result, bail};
use uniffi_bindgen::interface::{AsType, Enum};

use crate::converters::lift_method;
use crate::names::{camel, doc, literal, pascal};
use crate::records::read_fields;
use crate::types::{Ctx, exception_name};

/// The error variant whose class `RustPanicException` derives from, when the error enum
/// has one (a panic is a defect of the library: core's `Internal` kind).
const PANIC_PARENT: &str = "Internal";

/// An error field of this name (`Option<u64>`) names the exception's InnerException.
const INNER_EXCEPTION_ID: &str = "inner_exception_id";

/// Members of System.Exception a field must not hide.
const EXCEPTION_MEMBERS: &[&str] = &[
    "Data",
    "HelpLink",
    "HResult",
    "InnerException",
    "Source",
    "StackTrace",
    "TargetSite",
];

fn property(field: &str, class: &str) -> String {
    let p = crate::records::property(field, class);
    if EXCEPTION_MEMBERS.contains(&p.as_str()) {
        format!("{p}Value")
    } else {
        p
    }
}

/// The class of one variant: `NotFound` → `NotFoundException`.
pub fn variant_class(variant: &str) -> String {
    exception_name(variant)
}

/// One error enum as exceptions, and its converter (read and lift only: errors only come
/// from Rust).
pub fn render(ctx: &Ctx, e: &Enum) -> Result<String> {
    let base = exception_name(e.name());
    let mut out = doc(e.docstring(), "    ");
    writeln!(
        out,
        "    public abstract partial class {base} : Exception\n    {{\n        /// <summary>Creates the exception with its message.</summary>\n        protected {base}(string message) : base(message) {{ }}\n\n        /// <summary>Creates the exception with its message and the exception that caused it.</summary>\n        protected {base}(string message, Exception inner) : base(message, inner) {{ }}\n    }}\n"
    )?;
    for v in e.variants() {
        let class = variant_class(v.name());
        // A child of another variant derives from its class and declares only the fields
        // that class lacks; a parent is not sealed.
        let parent = match ctx.error_parents.get(v.name()) {
            Some(p) => Some(
                e.variants()
                    .iter()
                    .find(|x| x.name() == p)
                    .with_context(|| format!("error_parents: {} has no variant {p}", e.name()))?,
            ),
            None => None,
        };
        let inherited: Vec<&str> = parent
            .map(|p| p.fields().iter().map(|f| f.name()).collect())
            .unwrap_or_default();
        for f in &inherited {
            if !v.fields().iter().any(|x| x.name() == *f) {
                bail!("error_parents: {} lacks field {f} of its parent", v.name());
            }
        }
        let is_parent =
            ctx.error_parents.values().any(|p| p == v.name()) || v.name() == PANIC_PARENT;
        let superclass = parent
            .map(|p| variant_class(p.name()))
            .unwrap_or(base.clone());
        let sealed = if is_parent { "" } else { "sealed " };
        out.push_str(&doc(v.docstring(), "    "));
        writeln!(
            out,
            "    public {sealed}partial class {class} : {superclass}\n    {{"
        )?;
        let mut params = Vec::new();
        let mut assigns = String::new();
        let mut message = literal(&pascal(v.name()));
        let mut inner = None;
        for f in v.fields() {
            let t = f.as_type();
            let arg = camel(f.name());
            params.push(format!("{} {arg}", ctx.cs_type(&t)));
            if inherited.contains(&f.name()) {
                continue;
            }
            if f.name() == "message" && matches!(t, uniffi_bindgen::interface::Type::String) {
                message = arg;
                continue;
            }
            if f.name() == INNER_EXCEPTION_ID {
                inner = Some(arg);
                continue;
            }
            let p = property(f.name(), &class);
            out.push_str(&doc(f.docstring(), "        "));
            writeln!(
                out,
                "        public {} {p} {{ get; private set; }}",
                ctx.cs_type(&t)
            )?;
            assigns.push_str(&format!("            {p} = {arg};\n"));
        }
        if !assigns.is_empty() {
            out.push('\n');
        }
        let base_args = match (parent, &inner) {
            (Some(_), _) => inherited
                .iter()
                .map(|f| camel(f))
                .collect::<Vec<_>>()
                .join(", "),
            (None, Some(id)) => format!("{message}, UniffiForeignExceptions.Take({id})"),
            (None, None) => message,
        };
        writeln!(
            out,
            "        /// <summary>Creates the exception from every field.</summary>\n        public {class}({}) : base({base_args})\n        {{\n{assigns}        }}\n    }}\n",
            params.join(", ")
        )?;
    }

    let cs = ctx.qualified(&base);
    writeln!(
        out,
        "    internal static class {}\n    {{",
        ctx.converter(&e.as_type())
    )?;
    writeln!(
        out,
        "        public static readonly UniffiErrorLifter Lifter = buffer => Lift(buffer);\n"
    )?;
    writeln!(
        out,
        "        public static {cs} Read(UniffiReader r)\n        {{\n            int index = r.ReadI32();\n            switch (index)\n            {{"
    )?;
    for (i, v) in e.variants().iter().enumerate() {
        writeln!(
            out,
            "                case {}: return new {}({});",
            i + 1,
            ctx.qualified(&variant_class(v.name())),
            read_fields(ctx, v.fields())
        )?;
    }
    writeln!(
        out,
        "                default: throw new InvalidOperationException(\"uniffi: bad {base} variant \" + index);\n            }}\n        }}\n"
    )?;
    out.push_str(&lift_method(&cs));
    writeln!(out, "    }}\n")?;
    Ok(out)
}

/// `RustPanicException`: derives from the class of the error's `Internal` variant (else the
/// error base class) when the interface has exactly one error type, so one `catch` covers
/// every failure of the library.
pub fn render_panic(ctx: &Ctx) -> String {
    let errors: Vec<&Enum> = ctx
        .ci
        .enum_definitions()
        .iter()
        .filter(|e| ctx.is_error(e.name()))
        .collect();
    let base = match errors.as_slice() {
        [one] if one.variants().iter().any(|v| v.name() == PANIC_PARENT) => {
            variant_class(PANIC_PARENT)
        }
        [one] => exception_name(one.name()),
        _ => "Exception".to_string(),
    };
    format!(
        "    /// <summary>A panic inside the Rust library (a bug there), caught at the FFI boundary; the process keeps running.</summary>\n    public sealed class RustPanicException : {base}\n    {{\n        /// <summary>Creates the exception with the panic's message.</summary>\n        public RustPanicException(string message) : base(message) {{ }}\n    }}\n\n"
    )
}
