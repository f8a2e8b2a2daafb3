//! TEMPORARY STUB (replaced by the real engine).
#![allow(dead_code, unused_variables)]
use std::collections::BTreeMap;
use serde_json::Value;
#[derive(Debug, Clone)]
pub enum PropType { String, Number, Bool, DateTime, Date, Object(Schema), Collection(Box<PropType>) }
#[derive(Debug, Clone, Default)]
pub struct Schema;
impl Schema {
    pub fn from_openapi(spec: &Value, name: &str) -> Result<Schema, String> { Ok(Schema) }
    pub fn resolve(&self, p: &[&str]) -> Option<&PropType> { None }
}
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ODataError { pub code: &'static str, pub target: &'static str, pub message: String, pub position: Option<usize> }
pub struct TokenSigner;
impl TokenSigner {
    pub fn new(k: &[u8]) -> Self { TokenSigner }
    pub fn sign<T: serde::Serialize>(&self, p: &T) -> String { serde_json::to_string(p).unwrap_or_default() }
    pub fn verify<T: serde::de::DeserializeOwned>(&self, t: &str) -> Result<T, ODataError> { serde_json::from_str(t).map_err(|e| ODataError{code:"x",target:"x",message:e.to_string(),position:None}) }
}
#[derive(Default, Clone, Copy)]
pub struct Limits;
pub struct QueryOptions { pub skiptoken: Option<String> }
impl QueryOptions { pub fn parse(p: &[(String, String)], s: &Schema, l: Limits) -> Result<Self, ODataError> { Ok(QueryOptions{skiptoken:None}) } }
pub struct Position { pub keys: Vec<Value>, pub id: String }
pub struct PageResult { pub items: Vec<Value>, pub next: Option<Position>, pub count: Option<usize> }
pub fn page<V: AsRef<Value>>(items: &BTreeMap<String, V>, o: &QueryOptions, a: Option<&Position>) -> PageResult { PageResult{items: vec![], next: None, count: None} }
pub fn query_fingerprint(o: &QueryOptions) -> u64 { 0 }
pub fn next_link(b: &str, p: &[(String, String)], t: &str) -> String { String::new() }
pub fn quote(s: &str) -> String { format!("'{}'", s.replace('\'', "''")) }
