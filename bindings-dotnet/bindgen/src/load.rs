//! Reads the component interface from a built uniffi cdylib (library mode).

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result, bail};
use camino::Utf8Path;
use uniffi_bindgen::{BindgenLoader, BindgenPaths, ComponentInterface, GlobalConfig};

/// A component interface, its renames and its error parents (see [`component`]).
pub type Loaded = (
    ComponentInterface,
    BTreeMap<String, String>,
    BTreeMap<String, String>,
);

/// The library's only component interface, with its FFI functions derived and the
/// `[bindings.dotnet.rename]` table of `config` (a uniffi.toml) applied to the C# names.
/// Also returns the renames (old → new), for type references the renamer does not reach,
/// and the `[bindings.dotnet.error_parents]` table (error variant → the variant whose
/// exception class its class derives from).
pub fn component(library: &Utf8Path, config: Option<&Utf8Path>) -> Result<Loaded> {
    let loader = BindgenLoader::new(BindgenPaths::default(), GlobalConfig::default());
    let metadata = loader
        .load_metadata(library)
        .with_context(|| format!("reading uniffi metadata from {library}"))?;
    let mut cis = loader.load_cis(metadata)?;
    if cis.len() != 1 {
        let names: Vec<&str> = cis.iter().map(|c| c.namespace()).collect();
        bail!(
            "{library} has {} uniffi components ({names:?}); exactly one is supported",
            cis.len()
        );
    }
    let mut ci = cis.remove(0);
    ci.derive_ffi_funcs()?;
    let mut names = BTreeMap::new();
    let mut parents = BTreeMap::new();
    if let Some(path) = config {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
        let table: toml::Table =
            toml::from_str(&text).with_context(|| format!("parsing {path}"))?;
        let rename = table
            .get("bindings")
            .and_then(|b| b.get("dotnet"))
            .and_then(|d| d.get("rename"))
            .and_then(|r| r.as_table())
            .cloned()
            .unwrap_or_default();
        for (old, new) in &rename {
            let new = new
                .as_str()
                .with_context(|| format!("{path}: rename {old} is not a string"))?;
            names.insert(old.clone(), new.to_string());
        }
        let dotnet = table.get("bindings").and_then(|b| b.get("dotnet"));
        if let Some(t) = dotnet
            .and_then(|d| d.get("error_parents"))
            .and_then(|t| t.as_table())
        {
            for (child, parent) in t {
                let parent = parent
                    .as_str()
                    .with_context(|| format!("{path}: error_parents.{child} is not a string"))?;
                parents.insert(child.clone(), parent.to_string());
            }
        }
        let renames = HashMap::from([(ci.crate_name().to_string(), rename)]);
        // After derive_ffi_funcs: the FFI symbols keep the Rust names.
        uniffi_bindgen::interface::rename(&mut ci, &renames);
    }
    Ok((ci, names, parents))
}

/// `libfoo_bar.so` → `foo_bar`, the name P/Invoke loads.
pub fn library_name(library: &Utf8Path) -> Result<String> {
    let stem = library
        .file_stem()
        .with_context(|| format!("{library} has no file name"))?;
    Ok(stem.strip_prefix("lib").unwrap_or(stem).to_string())
}
