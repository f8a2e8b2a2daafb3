//! Building `@odata.nextLink` URLs.

/// Percent-encodes a query component, keeping unreserved characters and the harmless
/// sub-delimiters; `&`, `=`, `+`, `#`, `%` and spaces are always encoded.
fn encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'$'
                    | b'!'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b','
                    | b';'
                    | b':'
                    | b'@'
                    | b'/'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The next-page link: `base` (an absolute URL without query) with the original query
/// parameters, minus `$skip` and any old `$skiptoken`, plus `$skiptoken=<skiptoken>`.
pub fn next_link(base: &str, pairs: &[(String, String)], skiptoken: &str) -> String {
    let mut out = String::with_capacity(base.len() + skiptoken.len() + 64);
    out.push_str(base);
    let mut sep = '?';
    let kept = pairs
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("$skip") && !k.eq_ignore_ascii_case("$skiptoken"));
    for (k, v) in kept
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain([("$skiptoken", skiptoken)])
    {
        out.push(sep);
        sep = '&';
        encode(k, &mut out);
        out.push('=');
        encode(v, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn rebuilds_query() {
        let p = pairs(&[
            (
                "$filter",
                "displayName eq 'A&B=C' and x/y ge 2026-01-02T03:04:05+01:00",
            ),
            ("$skip", "10"),
            ("$top", "5"),
            ("$skiptoken", "old"),
            ("q", "a b%c#ü"),
        ]);
        assert_eq!(
            next_link("https://h/v1/me/contacts", &p, "abc.DEF-_"),
            "https://h/v1/me/contacts?$filter=displayName%20eq%20'A%26B%3DC'%20and%20x/y%20ge%202026-01-02T03:04:05%2B01:00\
             &$top=5&q=a%20b%25c%23%C3%BC&$skiptoken=abc.DEF-_"
        );
        assert_eq!(next_link("http://h/x", &[], "t"), "http://h/x?$skiptoken=t");
    }
}
