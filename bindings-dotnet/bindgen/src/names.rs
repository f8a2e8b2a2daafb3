//! C# names for Rust items: PascalCase types and members, camelCase parameters, keywords
//! escaped with `@`.

/// `snake_case` or `PascalCase` → `PascalCase`.
pub fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for ch in name.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// `snake_case` → `camelCase`, escaped when it is a C# keyword.
pub fn camel(name: &str) -> String {
    let p = pascal(name);
    let mut chars = p.chars();
    let out: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    escape(&out)
}

/// Prefixes `@` to a C# keyword.
pub fn escape(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("@{name}")
    } else {
        name.to_string()
    }
}

/// A string literal for C# source.
pub fn literal(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An XML doc comment (`/// <summary>`) at the given indentation, or nothing.
pub fn doc(docstring: Option<&str>, indent: &str) -> String {
    let Some(text) = docstring.map(str::trim).filter(|t| !t.is_empty()) else {
        return String::new();
    };
    let mut out = format!("{indent}/// <summary>\n");
    for line in text.lines() {
        let line = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        out.push_str(&format!("{indent}/// {}\n", line.trim_end()).replace("/// \n", "///\n"));
    }
    out.push_str(&format!("{indent}/// </summary>\n"));
    out
}

const KEYWORDS: &[&str] = &[
    "abstract",
    "as",
    "base",
    "bool",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "checked",
    "class",
    "const",
    "continue",
    "decimal",
    "default",
    "delegate",
    "do",
    "double",
    "else",
    "enum",
    "event",
    "explicit",
    "extern",
    "false",
    "finally",
    "fixed",
    "float",
    "for",
    "foreach",
    "goto",
    "if",
    "implicit",
    "in",
    "int",
    "interface",
    "internal",
    "is",
    "lock",
    "long",
    "namespace",
    "new",
    "null",
    "object",
    "operator",
    "out",
    "override",
    "params",
    "private",
    "protected",
    "public",
    "readonly",
    "ref",
    "return",
    "sbyte",
    "sealed",
    "short",
    "sizeof",
    "stackalloc",
    "static",
    "string",
    "struct",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "uint",
    "ulong",
    "unchecked",
    "unsafe",
    "ushort",
    "using",
    "virtual",
    "void",
    "volatile",
    "while",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(pascal("next_token_change"), "NextTokenChange");
        assert_eq!(pascal("Contact"), "Contact");
        assert_eq!(camel("request_id"), "requestId");
        assert_eq!(camel("event"), "@event");
        assert_eq!(literal("a\"b\\"), "\"a\\\"b\\\\\"");
    }
}
