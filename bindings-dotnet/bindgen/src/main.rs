//! `uniffi-bindgen-dotnet`: writes the C# (netstandard2.0, C# 7.2) of a uniffi cdylib.
//!
//! ```sh
//! uniffi-bindgen-dotnet target/ci/libmessenger_connect_dotnet.so --out MessengerConnect.g.cs \
//!     [--config bindings-dotnet/uniffi.toml]
//! ```
//!
//! `--config`: a uniffi.toml whose `[bindings.dotnet.rename]` table renames items in C#.
//!
//! Reads the library's uniffi metadata, checks that it only uses supported features
//! (`support.rs`), and renders one file. Output is deterministic (no paths, no dates), so a
//! regeneration can be diffed against the committed file.

mod calls;
mod converters;
mod enums;
mod errors;
mod load;
mod names;
mod native;
mod objects;
mod records;
mod render;
mod support;
mod types;

use anyhow::{Context, Result, bail};
use camino::Utf8PathBuf;

fn main() -> Result<()> {
    let mut library: Option<Utf8PathBuf> = None;
    let mut out: Option<Utf8PathBuf> = None;
    let mut config: Option<Utf8PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" | "-o" => out = Some(args.next().context("--out needs a path")?.into()),
            "--config" => config = Some(args.next().context("--config needs a path")?.into()),
            "--help" | "-h" => {
                println!(
                    "usage: uniffi-bindgen-dotnet <lib.so> --out <file.cs> [--config uniffi.toml]"
                );
                return Ok(());
            }
            s if s.starts_with('-') => bail!("unknown option {s}"),
            s => library = Some(s.into()),
        }
    }
    let library = library.context("usage: uniffi-bindgen-dotnet <lib.so> --out <file.cs>")?;
    let out = out.context("--out <file.cs> is required")?;
    let (ci, renames, parents) = load::component(&library, config.as_deref())?;
    support::check(&ci)?;
    let code = render::render(&ci, &renames, &parents, &load::library_name(&library)?)?;
    std::fs::write(&out, code).with_context(|| format!("writing {out}"))?;
    Ok(())
}
