//! Tokens of a `$filter` expression, with their character offsets.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::ODataError;

/// One token of a `$filter` expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A name: property, keyword, function or lambda variable.
    Ident(String),
    /// A single-quoted string, with `''` already unescaped.
    Str(String),
    /// An integer or decimal number.
    Num(f64),
    /// A bare RFC 3339 timestamp.
    DateTime(DateTime<FixedOffset>),
    /// A bare `YYYY-MM-DD` date.
    Date(NaiveDate),
    LParen,
    RParen,
    Comma,
    Slash,
    Colon,
}

/// A token, where it starts, and its source text.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: usize,
    pub text: String,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `chars[i..]` starts with `dddd-dd-dd`.
fn starts_with_date(chars: &[char], i: usize) -> bool {
    let shape = "dddd-dd-dd";
    chars.len() >= i + shape.len()
        && shape.chars().zip(&chars[i..]).all(|(s, c)| match s {
            'd' => c.is_ascii_digit(),
            _ => *c == s,
        })
}

/// Splits a `$filter` expression into tokens.
pub(crate) fn lex(input: &str) -> Result<Vec<Token>, ODataError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let simple = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            ',' => Some(Tok::Comma),
            '/' => Some(Tok::Slash),
            ':' => Some(Tok::Colon),
            _ => None,
        };
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = if let Some(t) = simple {
            i += 1;
            t
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => {
                        return Err(ODataError::filter("unterminated string literal", start));
                    }
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        s.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        s.push(*ch);
                        i += 1;
                    }
                }
            }
            Tok::Str(s)
        } else if is_ident_start(c) {
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            Tok::Ident(chars[start..i].iter().collect())
        } else if starts_with_date(&chars, i) {
            i += 10;
            if matches!(chars.get(i), Some('T' | 't')) {
                while i < chars.len()
                    && (chars[i].is_ascii_digit()
                        || matches!(chars[i], ':' | '.' | '+' | '-' | 'T' | 't' | 'Z' | 'z'))
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let dt = DateTime::parse_from_rfc3339(&text).map_err(|_| {
                    ODataError::filter(format!("invalid datetime literal '{text}'"), start)
                })?;
                Tok::DateTime(dt)
            } else {
                let text: String = chars[start..i].iter().collect();
                let d = NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                    ODataError::filter(format!("invalid date literal '{text}'"), start)
                })?;
                Tok::Date(d)
            }
        } else if c.is_ascii_digit()
            || (matches!(c, '-' | '+') && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if matches!(chars.get(i), Some('e' | 'E')) {
                let mut j = i + 1;
                if matches!(chars.get(j), Some('+' | '-')) {
                    j += 1;
                }
                if chars.get(j).is_some_and(char::is_ascii_digit) {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[start..i].iter().collect();
            match text.parse::<f64>() {
                Ok(n) if n.is_finite() => Tok::Num(n),
                _ => {
                    return Err(ODataError::filter(
                        format!("invalid number '{text}'"),
                        start,
                    ));
                }
            }
        } else {
            return Err(ODataError::filter(
                format!("unexpected character '{c}'"),
                start,
            ));
        };
        out.push(Token {
            tok,
            pos: start,
            text: chars[start..i].iter().collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_literals() {
        assert_eq!(
            toks("a eq 'O''Brien'"),
            vec![
                Tok::Ident("a".into()),
                Tok::Ident("eq".into()),
                Tok::Str("O'Brien".into())
            ]
        );
        assert_eq!(
            toks("-1.5 +2 3e2"),
            vec![Tok::Num(-1.5), Tok::Num(2.0), Tok::Num(300.0)]
        );
        assert!(matches!(toks("2026-01-02T03:04:05Z")[0], Tok::DateTime(_)));
        assert!(matches!(
            toks("2026-01-02T03:04:05.123+02:00")[0],
            Tok::DateTime(_)
        ));
        assert!(matches!(toks("2026-01-02")[0], Tok::Date(_)));
        assert_eq!(toks("''"), vec![Tok::Str(String::new())]);
        assert_eq!(
            toks("e/v:()"),
            vec![
                Tok::Ident("e".into()),
                Tok::Slash,
                Tok::Ident("v".into()),
                Tok::Colon,
                Tok::LParen,
                Tok::RParen
            ]
        );
    }

    #[test]
    fn positions_are_characters() {
        let t = lex("'é' eq x").unwrap();
        assert_eq!(t[1].pos, 4);
        assert_eq!(t[2].pos, 7);
    }

    #[test]
    fn lex_errors() {
        let e = lex("a eq 'abc").unwrap_err();
        assert_eq!(e.position, Some(5));
        assert_eq!(e.message, "unterminated string literal at position 5");
        assert_eq!(lex("a # b").unwrap_err().position, Some(2));
        assert_eq!(lex("x eq 2026-13-02").unwrap_err().position, Some(5));
        assert_eq!(
            lex("x eq 2026-01-02T25:00:00Z").unwrap_err().position,
            Some(5)
        );
    }
}
