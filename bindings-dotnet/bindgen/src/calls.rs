//! The body of every generated call: argument checks and serialization (before anything
//! reaches Rust), handle clones, the FFI call, status check and lifting; for async callables
//! the future is handed to `UniffiAsync.Call` with the token wired to `rust_future_cancel`.

use anyhow::Result;
use uniffi_bindgen::interface::{AsType, Callable, FfiType, Type};

use crate::names::{camel, literal};
use crate::native::{flavour, flavour_field};
use crate::types::Ctx;

/// How the result of the call is used.
pub enum Ret {
    /// Return the lifted value (or nothing).
    Return,
    /// A primary constructor: store the handle in `_uniffiHandle`.
    AssignHandle(String),
}

/// One C# member's parameter list and body.
pub struct Rendered {
    /// `Type a, Type b[, CancellationToken cancellationToken = ...]`.
    pub params: String,
    /// The C# return type (`void`, `T`, `Task`, `Task<T>`).
    pub ret_type: String,
    /// The statements of the body, indented for a member of a top-level class.
    pub body: String,
}

/// The C# return type of a callable.
pub fn return_type(ctx: &Ctx, c: &dyn Callable) -> String {
    let plain = c.return_type().map(|t| ctx.cs_type(t));
    match (c.is_async(), plain) {
        (false, None) => "void".into(),
        (false, Some(t)) => t,
        (true, None) => "Task".into(),
        (true, Some(t)) => format!("Task<{t}>"),
    }
}

/// Renders a callable. `receiver`: the qualified class when the call goes through
/// `_uniffiHandle` (methods);
/// `entry`: the call can be the first into the library (constructors, functions), so the
/// load-time check runs first.
pub fn render(
    ctx: &Ctx,
    c: &dyn Callable,
    receiver: Option<&str>,
    entry: bool,
    ret: Ret,
) -> Result<Rendered> {
    let ind = "            ";
    let mut body = String::new();
    let mut params = Vec::new();
    let mut lowered = Vec::new();
    // (variable, clone expression, class whose UniffiFreeHandle releases it)
    let mut handles: Vec<(String, String, String)> = Vec::new();
    if entry {
        body.push_str(&format!("{ind}UniffiLib.EnsureReady();\n"));
    }
    if let Some(class) = receiver {
        handles.push((
            "uniffiSelf".into(),
            "_uniffiHandle.Clone()".into(),
            class.to_string(),
        ));
        lowered.push("uniffiSelf".to_string());
    }
    let args = c.arguments();
    let token = if args.iter().any(|a| camel(a.name()) == "cancellationToken") {
        "uniffiCancellationToken"
    } else {
        "cancellationToken"
    };
    for (i, a) in args.iter().enumerate() {
        let t = a.as_type();
        let name = camel(a.name());
        let label = literal(name.trim_start_matches('@'));
        params.push(format!("{} {name}", ctx.cs_type(&t)));
        match &t {
            Type::Object { name: obj, .. } => {
                body.push_str(&format!(
                    "{ind}if ({name} == null) throw new ArgumentNullException({label});\n"
                ));
                let var = format!("uniffiH{i}");
                handles.push((
                    var.clone(),
                    format!("{name}.UniffiClone()"),
                    ctx.qualified(&ctx.type_name(obj)),
                ));
                lowered.push(var);
            }
            Type::String => {
                body.push_str(&format!(
                    "{ind}UniffiWriter uniffiA{i} = UniffiWriter.ForString({name}, {label});\n"
                ));
                lowered.push(format!("uniffiA{i}.ToRustBuffer()"));
            }
            Type::Boolean => lowered.push(format!("(sbyte)({name} ? 1 : 0)")),
            t if ctx.is_buffer(t) => {
                body.push_str(&format!(
                    "{ind}var uniffiA{i} = new UniffiWriter();\n{ind}{}\n",
                    ctx.write(t, &name, &format!("uniffiA{i}"), &label)
                ));
                lowered.push(format!("uniffiA{i}.ToRustBuffer()"));
            }
            _ => lowered.push(name.clone()),
        }
    }
    let ret_cs = c.return_type().map(|t| ctx.cs_type(t));
    if c.is_async() {
        params.push(format!(
            "CancellationToken {token} = default(CancellationToken)"
        ));
        let t = ret_cs.clone().unwrap_or_else(|| "bool".into());
        body.push_str(&format!(
            "{ind}if ({token}.IsCancellationRequested) return UniffiAsync.Canceled<{t}>({token});\n"
        ));
    }
    // Clone handles last: if one clone fails, free the ones already made.
    for (k, (var, clone, _)) in handles.iter().enumerate() {
        if k == 0 {
            body.push_str(&format!("{ind}ulong {var} = {clone};\n"));
        } else {
            let frees: String = handles[..k]
                .iter()
                .map(|(v, _, class)| format!(" {class}.UniffiFreeHandle({v});"))
                .collect();
            body.push_str(&format!(
                "{ind}ulong {var};\n{ind}try {{ {var} = {clone}; }} catch {{{frees} throw; }}\n"
            ));
        }
    }
    let lifter = match c.throws_type() {
        Some(t @ Type::Enum { .. }) => format!("{}.Lifter", ctx.converter(t)),
        _ => "null".into(),
    };
    let ffi = c.ffi_func().name().to_string();
    let call_args = lowered.join(", ");
    if c.is_async() {
        let fl = flavour(c.return_type().map(FfiType::from).as_ref());
        let lift = match c.return_type() {
            Some(t) => ctx.lift(t, "uniffiRet"),
            None => "true".into(),
        };
        let future_ty = match c.return_type() {
            Some(t) => ctx.ffi_cs_type(t),
            None => "byte",
        };
        body.push_str(&format!(
            "{ind}ulong uniffiFuture = UniffiNative.{ffi}({call_args});\n{ind}return UniffiAsync.Call<{future_ty}, {}>(uniffiFuture, UniffiFutures.{}, uniffiRet => {lift}, {lifter}, {token});\n",
            ret_cs.clone().unwrap_or_else(|| "bool".into()),
            flavour_field(&fl)
        ));
    } else {
        let sep = if call_args.is_empty() { "" } else { ", " };
        let assign = if c.return_type().is_some() {
            "var uniffiRet = "
        } else {
            ""
        };
        body.push_str(&format!(
            "{ind}var uniffiStatus = new RustCallStatus();\n{ind}{assign}UniffiNative.{ffi}({call_args}{sep}ref uniffiStatus);\n{ind}UniffiCall.Check(ref uniffiStatus, {lifter});\n"
        ));
        match (&ret, c.return_type()) {
            (Ret::AssignHandle(class), _) => body.push_str(&format!(
                "{ind}_uniffiHandle = {class}.UniffiNewHandle(uniffiRet);\n"
            )),
            (Ret::Return, Some(t)) => {
                body.push_str(&format!("{ind}return {};\n", ctx.lift(t, "uniffiRet")))
            }
            (Ret::Return, None) => {}
        }
    }
    Ok(Rendered {
        params: params.join(", "),
        ret_type: return_type(ctx, c),
        body,
    })
}
