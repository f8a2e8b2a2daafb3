//! Objects → `sealed partial` C# classes implementing IDisposable over a `UniffiHandle`
//! (clone per call, free on Dispose or finalization); constructors, sync methods and async
//! methods (`Task`, `...Async`, with a CancellationToken).

use std::fmt::Write;

use anyhow::{Result, bail};
use uniffi_bindgen::interface::Object;

use crate::calls::{self, Ret};
use crate::names::{doc, literal, pascal};
use crate::types::Ctx;

/// The C# member name of a callable: PascalCase, `Async` suffix for async ones.
pub fn member_name(name: &str, is_async: bool) -> String {
    let p = pascal(name);
    if is_async && !p.ends_with("Async") {
        format!("{p}Async")
    } else {
        p
    }
}

/// One object class.
pub fn render(ctx: &Ctx, o: &Object) -> Result<String> {
    let class = ctx.type_name(o.name());
    let cs = ctx.qualified(&class);
    let mut out = doc(o.docstring(), "    ");
    writeln!(
        out,
        "    public sealed partial class {class} : IDisposable\n    {{"
    )?;
    writeln!(
        out,
        "        private static readonly UniffiHandle.CloneFn UniffiCloneFn = UniffiNative.{};",
        o.ffi_object_clone().name()
    )?;
    writeln!(
        out,
        "        private static readonly UniffiHandle.FreeFn UniffiFreeFn = UniffiNative.{};",
        o.ffi_object_free().name()
    )?;
    writeln!(
        out,
        "        private readonly UniffiHandle _uniffiHandle;\n"
    )?;
    writeln!(
        out,
        "        private {class}(UniffiHandle handle) {{ _uniffiHandle = handle; }}\n"
    )?;
    writeln!(
        out,
        "        internal static UniffiHandle UniffiNewHandle(ulong handle) {{ return new UniffiHandle(handle, UniffiCloneFn, UniffiFreeFn, {}); }}",
        literal(&class)
    )?;
    writeln!(
        out,
        "        internal static {cs} UniffiLift(ulong handle) {{ return new {cs}(UniffiNewHandle(handle)); }}"
    )?;
    writeln!(
        out,
        "        internal static void UniffiFreeHandle(ulong handle) {{ var s = new RustCallStatus(); UniffiFreeFn(handle, ref s); }}"
    )?;
    writeln!(
        out,
        "        internal ulong UniffiClone() {{ return _uniffiHandle.Clone(); }}\n"
    )?;
    writeln!(
        out,
        "        /// <summary>Releases the Rust object (calls already started finish); later calls throw ObjectDisposedException.</summary>\n        public void Dispose()\n        {{\n            if (!_uniffiHandle.IsDisposed) OnDisposing();\n            _uniffiHandle.Dispose();\n        }}\n\n        /// <summary>Hook for the hand-written part of the class: runs before the handle is released.</summary>\n        partial void OnDisposing();\n"
    )?;

    for cons in o.constructors() {
        let is_primary = cons.is_primary_constructor();
        out.push_str(&doc(cons.docstring(), "        "));
        if is_primary && !cons.is_async() {
            let r = calls::render(ctx, cons, None, true, Ret::AssignHandle(cs.clone()))?;
            writeln!(
                out,
                "        public {class}({})\n        {{\n{}        }}\n",
                r.params, r.body
            )?;
        } else {
            let name = if is_primary {
                "CreateAsync".to_string()
            } else {
                member_name(cons.name(), cons.is_async())
            };
            let r = calls::render(ctx, cons, None, true, Ret::Return)?;
            writeln!(
                out,
                "        public static {} {name}({})\n        {{\n{}        }}\n",
                r.ret_type, r.params, r.body
            )?;
        }
    }
    for m in o.methods() {
        let name = member_name(m.name(), m.is_async());
        if name == class {
            bail!(
                "object {}: method {} has the class's name",
                o.name(),
                m.name()
            );
        }
        out.push_str(&doc(m.docstring(), "        "));
        let r = calls::render(ctx, m, Some(&cs), false, Ret::Return)?;
        writeln!(
            out,
            "        public {} {name}({})\n        {{\n{}        }}\n",
            r.ret_type, r.params, r.body
        )?;
    }
    writeln!(out, "    }}\n")?;
    Ok(out)
}

/// The top-level functions, as static methods of `<Namespace>Functions`.
pub fn render_functions(ctx: &Ctx) -> Result<String> {
    let funcs = ctx.ci.function_definitions();
    if funcs.is_empty() {
        return Ok(String::new());
    }
    let mut out = String::new();
    writeln!(
        out,
        "    /// <summary>The library's top-level functions.</summary>\n    public static partial class {}Functions\n    {{",
        ctx.ns
    )?;
    for f in funcs {
        out.push_str(&doc(f.docstring(), "        "));
        let r = calls::render(ctx, f, None, true, Ret::Return)?;
        writeln!(
            out,
            "        public static {} {}({})\n        {{\n{}        }}\n",
            r.ret_type,
            member_name(f.name(), f.is_async()),
            r.params,
            r.body
        )?;
    }
    writeln!(out, "    }}\n")?;
    Ok(out)
}
