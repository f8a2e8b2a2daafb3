//! `$filter`: a recursive-descent parser producing a typed AST, checked against a [`Schema`].
//!
//! Precedence, loosest first: `or`, `and`, `not`, comparison / `in`. Evaluation is in
//! `eval.rs`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

use super::ODataError;
use super::lexer::{Tok, Token, lex};
use super::schema::{PropType, Schema};

/// Longest accepted `$filter`, in characters.
pub const MAX_FILTER_LEN: usize = 2000;
/// Deepest accepted nesting of parentheses, `not`, function calls and lambdas.
pub const MAX_DEPTH: usize = 50;

/// A parsed, validated `$filter` expression.
#[derive(Debug, Clone)]
pub struct Filter {
    pub(crate) expr: Expr,
    text: String,
}

impl Filter {
    /// The original expression text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A literal the string property at `path` must start with (case-insensitively) for
    /// an item to match: from `startswith(path, 'lit')` or `path eq 'lit'`, alone or as
    /// one part of a top-level `and`. Lets an ordered scan skip the rest.
    pub(crate) fn required_prefix(&self, path: &[String]) -> Option<&str> {
        let parts = match &self.expr {
            Expr::And(parts) => parts.as_slice(),
            one => std::slice::from_ref(one),
        };
        parts.iter().find_map(|e| {
            let (prop, lit) = match e {
                Expr::Func(StrFn::StartsWith, a, b) => (a, b),
                Expr::Cmp(CmpOp::Eq, a, b) => match (a, b) {
                    (Operand::Lit(_), _) => (b, a),
                    _ => (a, b),
                },
                _ => return None,
            };
            match (prop, lit) {
                (
                    Operand::Path {
                        path: PathRef { var: None, segs },
                        kind: Kind::Str,
                    },
                    Operand::Lit(Lit::Str(s)),
                ) if segs.as_slice() == path => Some(s.as_str()),
                _ => None,
            }
        })
    }
}

/// Quotes a value as an OData string literal: `O'Brien` → `'O''Brien'`.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The value type of an operand, known at parse time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Num,
    Bool,
    DateTime,
    Date,
    Null,
    Complex,
}

impl Kind {
    fn of(ty: &PropType) -> Kind {
        match ty {
            PropType::String => Kind::Str,
            PropType::Number => Kind::Num,
            PropType::Bool => Kind::Bool,
            PropType::DateTime => Kind::DateTime,
            PropType::Date => Kind::Date,
            PropType::Object(_) | PropType::Collection(_) => Kind::Complex,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Str => "string",
            Kind::Num => "number",
            Kind::Bool => "boolean",
            Kind::DateTime => "datetime",
            Kind::Date => "date",
            Kind::Null => "null",
            Kind::Complex => "object or collection",
        }
    }
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    DateTime(DateTime<FixedOffset>),
    Date(NaiveDate),
}

/// A property path, from the item (`var: None`) or from a lambda variable (its scope index).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PathRef {
    pub var: Option<usize>,
    pub segs: Vec<String>,
}

/// One side of a comparison or a function argument.
#[derive(Debug, Clone)]
pub(crate) enum Operand {
    Path { path: PathRef, kind: Kind },
    Lit(Lit),
    Bool(Box<Expr>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A case-insensitive string predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StrFn {
    StartsWith,
    EndsWith,
    Contains,
}

/// A boolean expression.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Cmp(CmpOp, Operand, Operand),
    Func(StrFn, Operand, Operand),
    In(Operand, Vec<Lit>),
    Lambda {
        all: bool,
        coll: PathRef,
        body: Option<Box<Expr>>,
    },
    Truth(Operand),
}

/// An operand while parsing: its type, where it starts and how to name it in errors.
struct Opnd {
    op: Operand,
    kind: Kind,
    pos: usize,
    desc: String,
}

/// Parses and validates a `$filter` expression.
pub fn parse(input: &str, schema: &Schema) -> Result<Filter, ODataError> {
    if input.chars().count() > MAX_FILTER_LEN {
        return Err(ODataError::filter(
            format!("filter is longer than {MAX_FILTER_LEN} characters"),
            MAX_FILTER_LEN,
        ));
    }
    let toks = lex(input)?;
    if toks.is_empty() {
        return Err(ODataError::filter("empty filter expression", 0));
    }
    let mut p = Parser {
        toks,
        i: 0,
        end: input.chars().count(),
        schema,
        scopes: Vec::new(),
        depth: 0,
    };
    let expr = p.parse_or()?;
    if let Some(t) = p.peek() {
        return Err(ODataError::filter(
            format!("unexpected '{}'", t.text),
            t.pos,
        ));
    }
    Ok(Filter {
        expr,
        text: input.to_string(),
    })
}

struct Parser<'s> {
    toks: Vec<Token>,
    i: usize,
    end: usize,
    schema: &'s Schema,
    scopes: Vec<(String, &'s PropType)>,
    depth: usize,
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "and" | "or" | "not" | "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "in"
    )
}

impl<'s> Parser<'s> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    fn pos(&self) -> usize {
        self.peek().map_or(self.end, |t| t.pos)
    }

    fn peek_kw(&self, kw: &str) -> bool {
        matches!(self.peek_tok(), Some(Tok::Ident(s)) if s == kw)
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<(), ODataError> {
        if self.peek_tok() == Some(&tok) {
            self.i += 1;
            Ok(())
        } else {
            Err(ODataError::filter(format!("expected {what}"), self.pos()))
        }
    }

    fn expect_ident(&mut self, what: &str) -> Result<(String, usize), ODataError> {
        match self.peek() {
            Some(Token {
                tok: Tok::Ident(s),
                pos,
                ..
            }) => {
                let r = (s.clone(), *pos);
                self.i += 1;
                Ok(r)
            }
            _ => Err(ODataError::filter(format!("expected {what}"), self.pos())),
        }
    }

    fn enter(&mut self, pos: usize) -> Result<(), ODataError> {
        if self.depth >= MAX_DEPTH {
            return Err(ODataError::filter(
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
                pos,
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn parse_or(&mut self) -> Result<Expr, ODataError> {
        let first = self.parse_and()?;
        if !self.peek_kw("or") {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.peek_kw("or") {
            self.i += 1;
            parts.push(self.parse_and()?);
        }
        Ok(Expr::Or(parts))
    }

    fn parse_and(&mut self) -> Result<Expr, ODataError> {
        let first = self.parse_unary()?;
        if !self.peek_kw("and") {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.peek_kw("and") {
            self.i += 1;
            parts.push(self.parse_unary()?);
        }
        Ok(Expr::And(parts))
    }

    fn parse_unary(&mut self) -> Result<Expr, ODataError> {
        self.enter(self.pos())?;
        let r = self.parse_unary_inner();
        self.depth -= 1;
        r
    }

    fn parse_unary_inner(&mut self) -> Result<Expr, ODataError> {
        if self.peek_kw("not") {
            self.i += 1;
            return Ok(Expr::Not(Box::new(self.parse_unary()?)));
        }
        if self.peek_tok() == Some(&Tok::LParen) {
            self.i += 1;
            let e = self.parse_or()?;
            self.expect(Tok::RParen, "')'")?;
            return Ok(e);
        }
        self.parse_comparison()
    }

    fn parse_comparison(&mut self) -> Result<Expr, ODataError> {
        let mut lhs = self.parse_operand()?;
        let op = match self.peek_tok() {
            Some(Tok::Ident(s)) => match s.as_str() {
                "eq" => Some(CmpOp::Eq),
                "ne" => Some(CmpOp::Ne),
                "gt" => Some(CmpOp::Gt),
                "ge" => Some(CmpOp::Ge),
                "lt" => Some(CmpOp::Lt),
                "le" => Some(CmpOp::Le),
                _ => None,
            },
            _ => None,
        };
        if let Some(op) = op {
            self.i += 1;
            let mut rhs = self.parse_operand()?;
            unify(&mut lhs, &mut rhs)?;
            return Ok(Expr::Cmp(op, lhs.op, rhs.op));
        }
        if self.peek_kw("in") {
            self.i += 1;
            return self.parse_in(lhs);
        }
        if lhs.kind == Kind::Bool {
            return Ok(match lhs.op {
                Operand::Bool(e) => *e,
                op => Expr::Truth(op),
            });
        }
        match self.peek() {
            Some(t)
                if t.tok != Tok::RParen
                    && !matches!(&t.tok, Tok::Ident(s) if s == "and" || s == "or") =>
            {
                Err(ODataError::filter(
                    format!("expected a comparison operator, found '{}'", t.text),
                    t.pos,
                ))
            }
            _ => Err(ODataError::filter(
                format!("{} is not a boolean expression", lhs.desc),
                lhs.pos,
            )),
        }
    }

    fn parse_in(&mut self, mut lhs: Opnd) -> Result<Expr, ODataError> {
        self.expect(Tok::LParen, "'(' after 'in'")?;
        let mut list = Vec::new();
        loop {
            let pos = self.pos();
            let mut item = match self.parse_literal() {
                Some(lit) => lit,
                None => return Err(ODataError::filter("expected a literal value", pos)),
            };
            unify(&mut lhs, &mut item)?;
            if let Operand::Lit(l) = item.op {
                list.push(l);
            }
            match self.peek_tok() {
                Some(Tok::Comma) => self.i += 1,
                Some(Tok::RParen) => {
                    self.i += 1;
                    break;
                }
                _ => return Err(ODataError::filter("expected ',' or ')'", self.pos())),
            }
        }
        Ok(Expr::In(lhs.op, list))
    }

    /// Consumes a literal token, if the next token is one.
    fn parse_literal(&mut self) -> Option<Opnd> {
        let t = self.peek()?;
        let (lit, kind) = match &t.tok {
            Tok::Str(s) => (Lit::Str(s.clone()), Kind::Str),
            Tok::Num(n) => (Lit::Num(*n), Kind::Num),
            Tok::DateTime(d) => (Lit::DateTime(*d), Kind::DateTime),
            Tok::Date(d) => (Lit::Date(*d), Kind::Date),
            Tok::Ident(s) if s == "true" => (Lit::Bool(true), Kind::Bool),
            Tok::Ident(s) if s == "false" => (Lit::Bool(false), Kind::Bool),
            Tok::Ident(s) if s == "null" => (Lit::Null, Kind::Null),
            _ => return None,
        };
        let o = Opnd {
            op: Operand::Lit(lit),
            kind,
            pos: t.pos,
            desc: t.text.clone(),
        };
        self.i += 1;
        Some(o)
    }

    fn parse_operand(&mut self) -> Result<Opnd, ODataError> {
        if let Some(lit) = self.parse_literal() {
            return Ok(lit);
        }
        let pos = self.pos();
        match self.peek() {
            Some(Token {
                tok: Tok::Ident(name),
                ..
            }) if !is_keyword(name) => {
                let name = name.clone();
                self.i += 1;
                if self.peek_tok() == Some(&Tok::LParen) {
                    self.parse_func(name, pos)
                } else {
                    self.parse_path(name, pos)
                }
            }
            Some(t) => Err(ODataError::filter(
                format!("expected a property or a value, found '{}'", t.text),
                t.pos,
            )),
            None => Err(ODataError::filter("expected a property or a value", pos)),
        }
    }

    fn parse_func(&mut self, name: String, pos: usize) -> Result<Opnd, ODataError> {
        let f = match name.as_str() {
            "startswith" => StrFn::StartsWith,
            "endswith" => StrFn::EndsWith,
            "contains" => StrFn::Contains,
            _ => {
                return Err(ODataError::filter(
                    format!("unknown function '{name}'"),
                    pos,
                ));
            }
        };
        self.enter(pos)?;
        let r = self.parse_func_args();
        self.depth -= 1;
        let (a, b) = r?;
        for arg in [&a, &b] {
            if arg.kind != Kind::Str {
                return Err(ODataError::filter(
                    format!(
                        "{name}() expects strings but {} is a {}",
                        arg.desc,
                        arg.kind.name()
                    ),
                    arg.pos,
                ));
            }
        }
        Ok(Opnd {
            op: Operand::Bool(Box::new(Expr::Func(f, a.op, b.op))),
            kind: Kind::Bool,
            pos,
            desc: format!("{name}()"),
        })
    }

    fn parse_func_args(&mut self) -> Result<(Opnd, Opnd), ODataError> {
        self.expect(Tok::LParen, "'('")?;
        let a = self.parse_operand()?;
        self.expect(Tok::Comma, "','")?;
        let b = self.parse_operand()?;
        self.expect(Tok::RParen, "')'")?;
        Ok((a, b))
    }

    fn parse_path(&mut self, name: String, pos: usize) -> Result<Opnd, ODataError> {
        let (var, mut ty): (Option<usize>, &'s PropType) =
            match self.scopes.iter().rposition(|(n, _)| *n == name) {
                Some(idx) => (Some(idx), self.scopes[idx].1),
                None => match self.schema.item_prop(&name) {
                    Some(t) => (None, t),
                    None => {
                        return Err(ODataError::filter(
                            format!("unknown property '{name}'"),
                            pos,
                        ));
                    }
                },
            };
        let mut segs = if var.is_some() {
            Vec::new()
        } else {
            vec![name.clone()]
        };
        let mut shown = name;
        let mut last_pos = pos;
        while self.peek_tok() == Some(&Tok::Slash) {
            self.i += 1;
            let (seg, spos) = self.expect_ident("a property name after '/'")?;
            if (seg == "any" || seg == "all") && self.peek_tok() == Some(&Tok::LParen) {
                let PropType::Collection(elem) = ty else {
                    return Err(ODataError::filter(
                        format!("'{shown}' is not a collection, so {seg}() cannot be used on it"),
                        last_pos,
                    ));
                };
                let coll = PathRef { var, segs };
                let expr = self.parse_lambda(seg == "all", coll, elem, spos)?;
                return Ok(Opnd {
                    op: Operand::Bool(Box::new(expr)),
                    kind: Kind::Bool,
                    pos,
                    desc: format!("{seg}()"),
                });
            }
            ty = match ty {
                PropType::Object(s) => match s.get(&seg) {
                    Some(t) => t,
                    None => {
                        return Err(ODataError::filter(
                            format!("unknown property '{seg}'"),
                            spos,
                        ));
                    }
                },
                PropType::Collection(_) => {
                    return Err(ODataError::filter(
                        format!("'{shown}' is a collection; use any() or all()"),
                        spos,
                    ));
                }
                _ => {
                    return Err(ODataError::filter(
                        format!("'{shown}' has no property '{seg}'"),
                        spos,
                    ));
                }
            };
            shown = format!("{shown}/{seg}");
            segs.push(seg);
            last_pos = spos;
        }
        Ok(Opnd {
            op: Operand::Path {
                path: PathRef { var, segs },
                kind: Kind::of(ty),
            },
            kind: Kind::of(ty),
            pos,
            desc: format!("'{shown}'"),
        })
    }

    fn parse_lambda(
        &mut self,
        all: bool,
        coll: PathRef,
        elem: &'s PropType,
        pos: usize,
    ) -> Result<Expr, ODataError> {
        self.expect(Tok::LParen, "'('")?;
        if self.peek_tok() == Some(&Tok::RParen) {
            if all {
                return Err(ODataError::filter(
                    "all() needs a lambda expression",
                    self.pos(),
                ));
            }
            self.i += 1;
            return Ok(Expr::Lambda {
                all,
                coll,
                body: None,
            });
        }
        let (var, vpos) = self.expect_ident("a lambda variable name")?;
        if is_keyword(&var) || matches!(var.as_str(), "true" | "false" | "null") {
            return Err(ODataError::filter(
                format!("'{var}' cannot be a lambda variable name"),
                vpos,
            ));
        }
        self.expect(Tok::Colon, "':' after the lambda variable")?;
        self.enter(pos)?;
        self.scopes.push((var, elem));
        let body = self.parse_or();
        self.scopes.pop();
        self.depth -= 1;
        let body = body?;
        self.expect(Tok::RParen, "')'")?;
        Ok(Expr::Lambda {
            all,
            coll,
            body: Some(Box::new(body)),
        })
    }
}

/// Converts a literal to `to`, when that is meaningful (a string to a datetime, ...).
fn convert(lit: &Lit, to: Kind) -> Option<Lit> {
    match (lit, to) {
        (Lit::Str(s), Kind::DateTime) => DateTime::parse_from_rfc3339(s).ok().map(Lit::DateTime),
        (Lit::Str(s), Kind::Date) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(Lit::Date),
        (Lit::Date(d), Kind::DateTime) => Some(Lit::DateTime(
            d.and_time(NaiveTime::MIN).and_utc().fixed_offset(),
        )),
        _ => None,
    }
}

/// Checks that two operands can be compared, converting a literal side where needed.
fn unify(l: &mut Opnd, r: &mut Opnd) -> Result<(), ODataError> {
    if l.kind == Kind::Null || r.kind == Kind::Null {
        return Ok(());
    }
    for side in [&*l, &*r] {
        if side.kind == Kind::Complex {
            return Err(ODataError::filter(
                format!(
                    "{} is an object or collection and cannot be compared",
                    side.desc
                ),
                side.pos,
            ));
        }
    }
    if l.kind == r.kind {
        return Ok(());
    }
    if let Operand::Lit(lit) = &r.op
        && let Some(c) = convert(lit, l.kind)
    {
        r.op = Operand::Lit(c);
        r.kind = l.kind;
        return Ok(());
    }
    if let Operand::Lit(lit) = &l.op
        && let Some(c) = convert(lit, r.kind)
    {
        l.op = Operand::Lit(c);
        l.kind = r.kind;
        return Ok(());
    }
    let pos = match (&l.op, &r.op) {
        (Operand::Lit(_), Operand::Path { .. }) => l.pos,
        _ => r.pos,
    };
    Err(ODataError::filter(
        format!(
            "cannot compare {} ({}) with {} ({})",
            l.desc,
            l.kind.name(),
            r.desc,
            r.kind.name()
        ),
        pos,
    ))
}
