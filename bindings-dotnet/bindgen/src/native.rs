//! The P/Invoke declarations of every FFI function used, the future-flavour table and the
//! load-time check of the contract version and of every checksum.

use std::collections::BTreeSet;
use std::fmt::Write;

use anyhow::{Result, bail};
use uniffi_bindgen::interface::{FfiFunction, FfiType};

use crate::names::escape;
use crate::types::Ctx;

/// The C# type of an FFI-level type in a P/Invoke signature.
fn ffi_type(t: &FfiType) -> Result<&'static str> {
    Ok(match t {
        FfiType::UInt8 => "byte",
        FfiType::Int8 => "sbyte",
        FfiType::UInt16 => "ushort",
        FfiType::Int16 => "short",
        FfiType::UInt32 => "uint",
        FfiType::Int32 => "int",
        FfiType::UInt64 | FfiType::Handle => "ulong",
        FfiType::Int64 => "long",
        FfiType::Float32 => "float",
        FfiType::Float64 => "double",
        FfiType::RustBuffer(_) => "RustBuffer",
        FfiType::ForeignBytes => "ForeignBytes",
        // A native function pointer (`UniffiContinuations.Callback`), never a managed delegate.
        FfiType::Callback(name) if name == "RustFutureContinuationCallback" => "IntPtr",
        other => bail!("FFI type {other:?} is not supported (callback interfaces?)"),
    })
}

/// The future flavours (`rust_buffer`, `u64`, `void`, ...) the async callables need.
pub fn used_flavours(ctx: &Ctx) -> BTreeSet<String> {
    crate::support::callables(ctx.ci)
        .filter(|c| c.is_async())
        .map(|c| flavour(c.return_type().map(FfiType::from).as_ref()))
        .collect()
}

/// The flavour name of a lowered return type, as in `ffi_<ns>_rust_future_poll_<flavour>`.
pub fn flavour(ret: Option<&FfiType>) -> String {
    FfiType::return_type_name(ret)
}

/// The C# name of the `UniffiFutures` field of a flavour.
pub fn flavour_field(flavour: &str) -> String {
    crate::names::pascal(flavour)
}

fn declare(out: &mut String, f: &FfiFunction) -> Result<()> {
    let ret = match f.return_type() {
        Some(t) => ffi_type(t)?,
        None => "void",
    };
    let mut args = Vec::new();
    for a in f.arguments() {
        args.push(format!("{} {}", ffi_type(&a.type_())?, escape(a.name())));
    }
    if f.has_rust_call_status_arg() {
        args.push("ref RustCallStatus uniffiStatus".into());
    }
    writeln!(
        out,
        "        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]\n        internal static extern {ret} {}({});",
        f.name(),
        args.join(", ")
    )?;
    Ok(())
}

/// `UniffiNative` (the P/Invokes), `UniffiFutures` and `UniffiLib` (the load-time check).
pub fn render(ctx: &Ctx, lib_name: &str) -> Result<String> {
    let ci = ctx.ci;
    let flavours = used_flavours(ctx);
    let mut out = String::new();
    writeln!(
        out,
        "    /// <summary>The native functions of lib{lib_name}.so (uniffi scaffolding).</summary>"
    )?;
    writeln!(out, "    internal static class UniffiNative\n    {{")?;
    writeln!(out, "        internal const string Lib = \"{lib_name}\";\n")?;
    let future_prefix = format!("ffi_{}_rust_future_", ci.crate_name());
    for f in ci.iter_ffi_function_definitions() {
        if let Some(rest) = f.name().strip_prefix(&future_prefix) {
            let fl = rest.split_once('_').map(|(_, fl)| fl).unwrap_or("");
            if !flavours.contains(fl) {
                continue;
            }
        }
        declare(&mut out, &f)?;
    }
    writeln!(out, "    }}\n")?;

    writeln!(
        out,
        "    /// <summary>The poll/complete/free/cancel functions of each future flavour used.</summary>"
    )?;
    writeln!(out, "    internal static class UniffiFutures\n    {{")?;
    for fl in &flavours {
        let prefix = format!("UniffiNative.{future_prefix}");
        let (ty, complete) = if fl == "void" {
            (
                "byte".to_string(),
                format!(
                    "(ulong h, ref RustCallStatus s) => {{ {prefix}complete_void(h, ref s); return 0; }}"
                ),
            )
        } else {
            let ffi = flavour_ffi_type(fl)?;
            (ffi.to_string(), format!("{prefix}complete_{fl}"))
        };
        writeln!(
            out,
            "        internal static readonly UniffiFutureFns<{ty}> {} = new UniffiFutureFns<{ty}>(\n            {prefix}poll_{fl}, {complete}, {prefix}free_{fl}, {prefix}cancel_{fl});",
            flavour_field(fl)
        )?;
    }
    writeln!(out, "    }}\n")?;

    writeln!(
        out,
        "    /// <summary>Checks once, before the first call, that the native library matches this code.</summary>"
    )?;
    writeln!(out, "    internal static class UniffiLib\n    {{")?;
    writeln!(
        out,
        "        private static readonly Exception LoadError = Check();\n"
    )?;
    writeln!(
        out,
        "        /// <summary>Throws UniffiContractException if the library is missing or does not match.</summary>"
    )?;
    writeln!(
        out,
        "        internal static void EnsureReady()\n        {{\n            if (LoadError != null) throw new UniffiContractException(LoadError.Message, LoadError);\n        }}\n"
    )?;
    writeln!(out, "        private static Exception Check()\n        {{")?;
    writeln!(out, "            try\n            {{")?;
    writeln!(
        out,
        "                uint version = UniffiNative.{}();",
        ci.ffi_uniffi_contract_version().name()
    )?;
    writeln!(
        out,
        "                if (version != {v}) return new InvalidOperationException(\"lib{lib_name}: uniffi contract version \" + version + \", this code needs {v}; regenerate the C# for this library\");",
        v = ci.uniffi_contract_version()
    )?;
    let mut checksums: Vec<(String, u16)> = ci.iter_checksums().collect();
    checksums.sort();
    for (name, sum) in checksums {
        writeln!(
            out,
            "                if (UniffiNative.{name}() != {sum}) return Mismatch(\"{name}\");"
        )?;
    }
    writeln!(out, "                return null;\n            }}")?;
    writeln!(
        out,
        "            catch (DllNotFoundException e)\n            {{\n                return new DllNotFoundException(\"cannot load lib{lib_name}.so (put it next to the assembly, in runtimes/linux-x64/native, or on LD_LIBRARY_PATH): \" + e.Message, e);\n            }}"
    )?;
    writeln!(
        out,
        "            catch (EntryPointNotFoundException e)\n            {{\n                return new EntryPointNotFoundException(\"lib{lib_name}.so lacks a function this code calls; regenerate the C# for this library: \" + e.Message, e);\n            }}"
    )?;
    writeln!(out, "        }}\n")?;
    writeln!(
        out,
        "        private static Exception Mismatch(string symbol)\n        {{\n            return new InvalidOperationException(\"lib{lib_name}.so does not match this code (checksum \" + symbol + \" differs); regenerate the C# for this library\");\n        }}"
    )?;
    writeln!(out, "    }}\n")?;
    Ok(out)
}

fn flavour_ffi_type(fl: &str) -> Result<&'static str> {
    Ok(match fl {
        "u8" => "byte",
        "i8" => "sbyte",
        "u16" => "ushort",
        "i16" => "short",
        "u32" => "uint",
        "i32" => "int",
        "u64" => "ulong",
        "i64" => "long",
        "f32" => "float",
        "f64" => "double",
        "rust_buffer" => "RustBuffer",
        other => bail!("unknown future flavour {other}"),
    })
}
