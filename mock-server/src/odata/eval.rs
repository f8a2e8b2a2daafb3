//! Evaluates a parsed `$filter` against an item ([`Node`]: a parsed value or stored text).

use std::borrow::Cow;
use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::filter::{CmpOp, Expr, Filter, Kind, Lit, Operand, PathRef, StrFn};
use super::node::Node;

/// A runtime value; `Other` is present but of no comparable type (an object, a bad string).
#[derive(Debug, Clone)]
enum Val<'a> {
    Null,
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
    Time(DateTime<FixedOffset>),
    Date(NaiveDate),
    Other,
}

impl Filter {
    /// Whether `item` (a `&serde_json::Value`, or a stored item's [`Node`]) satisfies the
    /// filter.
    pub fn matches<'a>(&self, item: impl Into<Node<'a>>) -> bool {
        let mut vars = Vec::new();
        eval(&self.expr, item.into(), &mut vars)
    }
}

fn eval<'a>(e: &'a Expr, item: Node<'a>, vars: &mut Vec<Node<'a>>) -> bool {
    match e {
        Expr::Or(parts) => parts.iter().any(|p| eval(p, item, vars)),
        Expr::And(parts) => parts.iter().all(|p| eval(p, item, vars)),
        Expr::Not(inner) => !eval(inner, item, vars),
        Expr::Cmp(op, l, r) => {
            let a = value(l, item, vars);
            let b = value(r, item, vars);
            match op {
                CmpOp::Eq => equal(&a, &b),
                CmpOp::Ne => !equal(&a, &b),
                CmpOp::Gt => order(&a, &b) == Some(Ordering::Greater),
                CmpOp::Ge => matches!(order(&a, &b), Some(Ordering::Greater | Ordering::Equal)),
                CmpOp::Lt => order(&a, &b) == Some(Ordering::Less),
                CmpOp::Le => matches!(order(&a, &b), Some(Ordering::Less | Ordering::Equal)),
            }
        }
        Expr::Func(f, a, b) => match (value(a, item, vars), value(b, item, vars)) {
            (Val::Str(x), Val::Str(y)) => match f {
                StrFn::StartsWith => starts_with_ci(&x, &y),
                StrFn::EndsWith => ends_with_ci(&x, &y),
                StrFn::Contains => contains_ci(&x, &y),
            },
            _ => false,
        },
        Expr::In(o, list) => {
            let a = value(o, item, vars);
            list.iter().any(|l| equal(&a, &lit_val(l)))
        }
        Expr::Lambda { all, coll, body } => {
            let Some(elems) = lookup(coll, item, vars).filter(|n| n.is_array()) else {
                return *all;
            };
            let Some(body) = body else {
                return elems.elements().next().is_some();
            };
            let mut test = |el: Node<'a>| {
                vars.push(el);
                let r = eval(body, item, vars);
                vars.pop();
                r
            };
            if *all {
                elems.elements().all(&mut test)
            } else {
                elems.elements().any(&mut test)
            }
        }
        Expr::Truth(o) => matches!(value(o, item, vars), Val::Bool(true)),
    }
}

/// Case-insensitive `starts_with`, without allocating.
fn starts_with_ci(x: &str, prefix: &str) -> bool {
    if x.is_ascii() && prefix.is_ascii() {
        return x
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()));
    }
    let mut xs = x.chars().flat_map(char::to_lowercase);
    prefix
        .chars()
        .flat_map(char::to_lowercase)
        .all(|c| xs.next() == Some(c))
}

/// Case-insensitive `ends_with`, without allocating.
fn ends_with_ci(x: &str, suffix: &str) -> bool {
    if x.is_ascii() && suffix.is_ascii() {
        return x
            .len()
            .checked_sub(suffix.len())
            .and_then(|start| x.as_bytes().get(start..))
            .is_some_and(|t| t.eq_ignore_ascii_case(suffix.as_bytes()));
    }
    let mut xs = x.chars().rev().flat_map(|c| c.to_lowercase().rev());
    suffix
        .chars()
        .rev()
        .flat_map(|c| c.to_lowercase().rev())
        .all(|c| xs.next() == Some(c))
}

/// Case-insensitive `contains`; allocation-free for ASCII.
fn contains_ci(x: &str, needle: &str) -> bool {
    if x.is_ascii() && needle.is_ascii() {
        let (h, n) = (x.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        x.to_lowercase().contains(&needle.to_lowercase())
    }
}

fn lookup<'a>(path: &PathRef, item: Node<'a>, vars: &[Node<'a>]) -> Option<Node<'a>> {
    let root = match path.var {
        Some(i) => *vars.get(i)?,
        None => item,
    };
    path.segs.iter().try_fold(root, |v, seg| v.get(seg))
}

fn lit_val(l: &Lit) -> Val<'_> {
    match l {
        Lit::Null => Val::Null,
        Lit::Bool(b) => Val::Bool(*b),
        Lit::Num(n) => Val::Num(*n),
        Lit::Str(s) => Val::Str(Cow::Borrowed(s)),
        Lit::DateTime(d) => Val::Time(*d),
        Lit::Date(d) => Val::Date(*d),
    }
}

fn value<'a>(o: &'a Operand, item: Node<'a>, vars: &mut Vec<Node<'a>>) -> Val<'a> {
    match o {
        Operand::Lit(l) => lit_val(l),
        Operand::Bool(e) => Val::Bool(eval(e, item, vars)),
        Operand::Path { path, kind } => {
            let v = match lookup(path, item, vars) {
                Some(v) if !v.is_null() => v,
                _ => return Val::Null,
            };
            let converted = match kind {
                Kind::Str => v.as_str().map(Val::Str),
                Kind::Num => v.as_f64().map(Val::Num),
                Kind::Bool => v.as_bool().map(Val::Bool),
                Kind::DateTime => v
                    .as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                    .map(Val::Time),
                Kind::Date => v
                    .as_str()
                    .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
                    .map(Val::Date),
                Kind::Null | Kind::Complex => None,
            };
            converted.unwrap_or(Val::Other)
        }
    }
}

fn equal(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Time(x), Val::Time(y)) => x == y,
        (Val::Date(x), Val::Date(y)) => x == y,
        _ => false,
    }
}

fn order(a: &Val<'_>, b: &Val<'_>) -> Option<Ordering> {
    match (a, b) {
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        (Val::Time(x), Val::Time(y)) => Some(x.cmp(y)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_string_functions() {
        assert!(starts_with_ci("Émile Zola", "éMI"));
        assert!(starts_with_ci("abc", ""));
        assert!(!starts_with_ci("ab", "abc"));
        assert!(starts_with_ci("ABC", "ab"));
        assert!(ends_with_ci("ABC", "bc"));
        assert!(!ends_with_ci("ABC", "xabc"));
        assert!(ends_with_ci("Émile ZOLA", "zola"));
        assert!(ends_with_ci("ÉMILE", "émile"));
        assert!(!ends_with_ci("la", "zola"));
        assert!(ends_with_ci("x", ""));
        assert!(contains_ci("Hello World", "O W"));
        assert!(contains_ci("Straße", "SSE") || contains_ci("Straße", "ße"));
        assert!(contains_ci("ÉMILE", "mil"));
        assert!(contains_ci("abc", ""));
        assert!(!contains_ci("ab", "abc"));
    }
}
