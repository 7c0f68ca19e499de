//! The other ways the same JSON is commonly written, for `explain`: compact, Python-spaced or
//! pretty-printed, keys sorted, `/` escaped as `\/`, non-ASCII escaped as `\uXXXX`, and the
//! reverse of each escape.
//!
//! The parser keeps every string and number exactly as written (and object members in their
//! order), so a re-rendering changes only what its [`Style`] says. It is deliberately small: it
//! accepts what a JSON body looks like and gives up (returns `None`) on anything else.

use std::collections::HashSet;

/// How a body is re-written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    pub(crate) layout: Layout,
    pub(crate) sort_keys: bool,
    pub(crate) slashes: Escapes,
    pub(crate) unicode: Escapes,
    pub(crate) trailing_newline: bool,
}

/// Whitespace between tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// The whitespace of the body as given.
    Original,
    /// No whitespace (`JSON.stringify`, `serde_json::to_vec`, PHP `json_encode`).
    Compact,
    /// `, ` and `: ` (Python's `json.dumps` default).
    Spaced,
    /// One member per line with this many spaces of indentation and `": "`.
    Pretty(usize),
}

/// What happens to one kind of escape inside strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escapes {
    Keep,
    Escape,
    Unescape,
}

impl Style {
    /// How many things this style changes (fewest first is the likeliest explanation).
    fn changes(&self) -> usize {
        usize::from(self.layout != Layout::Original)
            + usize::from(self.sort_keys)
            + usize::from(self.slashes != Escapes::Keep)
            + usize::from(self.unicode != Escapes::Keep)
            + usize::from(self.trailing_newline)
    }

    /// A human description of what differs from the body as given.
    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        match self.layout {
            Layout::Original => {}
            Layout::Compact => parts.push("compact, without whitespace".to_owned()),
            Layout::Spaced => parts.push(
                "with a space after every `,` and `:` (Python's json.dumps default)".to_owned(),
            ),
            Layout::Pretty(n) => parts.push(format!("pretty-printed with {n}-space indentation")),
        }
        if self.sort_keys {
            parts.push("with its keys in sorted order".to_owned());
        }
        match self.slashes {
            Escapes::Keep => {}
            Escapes::Escape => parts.push("with `/` escaped as `\\/` (PHP's json_encode)".into()),
            Escapes::Unescape => parts.push("with `\\/` written as a plain `/`".into()),
        }
        match self.unicode {
            Escapes::Keep => {}
            Escapes::Escape => parts.push(
                "with non-ASCII characters escaped as `\\uXXXX` (PHP's and Python's default)"
                    .into(),
            ),
            Escapes::Unescape => {
                parts.push("with `\\uXXXX` escapes written as the characters themselves".into());
            }
        }
        if self.trailing_newline {
            parts.push("followed by a newline".into());
        }
        parts.join(", ")
    }
}

/// Every other common rendering of `body`, if it is JSON: the likeliest (fewest changes) first,
/// without duplicates and without `body` itself.
pub(crate) fn variants(body: &[u8]) -> Vec<(Style, Vec<u8>)> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Vec::new();
    };
    let Some(node) = parse(text) else {
        return Vec::new();
    };
    let escapes = [Escapes::Keep, Escapes::Escape, Escapes::Unescape];
    let mut styles = Vec::new();
    for layout in [
        Layout::Original,
        Layout::Compact,
        Layout::Spaced,
        Layout::Pretty(2),
        Layout::Pretty(4),
    ] {
        for sort_keys in [false, true] {
            for trailing_newline in [false, true] {
                if layout == Layout::Original && (sort_keys || trailing_newline) {
                    // Sorting needs a re-rendering; a newline alone is the newline check's.
                    continue;
                }
                for slashes in escapes {
                    for unicode in escapes {
                        styles.push(Style {
                            layout,
                            sort_keys,
                            slashes,
                            unicode,
                            trailing_newline,
                        });
                    }
                }
            }
        }
    }
    styles.sort_by_key(Style::changes);
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    seen.insert(body.to_vec());
    let mut out = Vec::new();
    for style in styles {
        let mut rendered = match style.layout {
            Layout::Original => restyle_strings(text, style),
            _ => {
                let mut s = String::with_capacity(text.len());
                render(&node, &style, 0, &mut s);
                s
            }
        };
        if style.trailing_newline {
            rendered.push('\n');
        }
        let bytes = rendered.into_bytes();
        if seen.insert(bytes.clone()) {
            out.push((style, bytes));
        }
    }
    out
}

/// A JSON value with its strings and numbers as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    /// A string literal, quotes and escapes included.
    Str(String),
    /// A number, `true`, `false` or `null`.
    Atom(String),
}

const MAX_DEPTH: usize = 128;

/// Parses a whole JSON text (surrounding whitespace allowed).
pub(crate) fn parse(text: &str) -> Option<Node> {
    let mut p = Parser { text, pos: 0 };
    let node = p.value(0)?;
    p.skip_ws();
    (p.pos == text.len()).then_some(node)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.peek() == Some(byte)).then(|| self.pos += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                if self.eat(b'}').is_some() {
                    return Some(Node::Object(members));
                }
                loop {
                    self.skip_ws();
                    let key = self.string()?;
                    self.eat(b':')?;
                    members.push((key, self.value(depth + 1)?));
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => {
                            self.pos += 1;
                            return Some(Node::Object(members));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                if self.eat(b']').is_some() {
                    return Some(Node::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => {
                            self.pos += 1;
                            return Some(Node::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(Node::Str),
            _ => {
                let start = self.pos;
                while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b"+-.".contains(&b))
                {
                    self.pos += 1;
                }
                let atom = self.text.get(start..self.pos)?;
                (!atom.is_empty()).then(|| Node::Atom(atom.to_owned()))
            }
        }
    }

    /// A string literal, returned as written (quotes included).
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return self.text.get(start..self.pos).map(str::to_owned);
                }
                _ => self.pos += 1,
            }
        }
    }
}

/// `node` without whitespace, strings as written.
pub(crate) fn compact(node: &Node) -> String {
    let mut out = String::new();
    let style = Style {
        layout: Layout::Compact,
        sort_keys: false,
        slashes: Escapes::Keep,
        unicode: Escapes::Keep,
        trailing_newline: false,
    };
    render(node, &style, 0, &mut out);
    out
}

/// Renders `node` in `style` (not [`Layout::Original`], which has no tree form).
pub(crate) fn render(node: &Node, style: &Style, level: usize, out: &mut String) {
    let newline = |out: &mut String, level: usize| {
        if let Layout::Pretty(n) = style.layout {
            out.push('\n');
            out.push_str(&" ".repeat(n * level));
        }
    };
    let comma = |out: &mut String| {
        out.push(',');
        if style.layout == Layout::Spaced {
            out.push(' ');
        }
    };
    match node {
        Node::Object(members) if members.is_empty() => out.push_str("{}"),
        Node::Array(items) if items.is_empty() => out.push_str("[]"),
        Node::Object(members) => {
            let mut order: Vec<&(String, Node)> = members.iter().collect();
            if style.sort_keys {
                order.sort_by_cached_key(|(key, _)| {
                    serde_json::from_str::<String>(key).unwrap_or_else(|_| key.clone())
                });
            }
            out.push('{');
            for (i, (key, value)) in order.into_iter().enumerate() {
                if i > 0 {
                    comma(out);
                }
                newline(out, level + 1);
                out.push_str(&transform_string(key, style));
                out.push(':');
                if style.layout != Layout::Compact {
                    out.push(' ');
                }
                render(value, style, level + 1, out);
            }
            newline(out, level);
            out.push('}');
        }
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    comma(out);
                }
                newline(out, level + 1);
                render(item, style, level + 1, out);
            }
            newline(out, level);
            out.push(']');
        }
        Node::Str(raw) => out.push_str(&transform_string(raw, style)),
        Node::Atom(raw) => out.push_str(raw),
    }
}

/// The text with only its string literals re-escaped (whitespace and order untouched).
fn restyle_strings(text: &str, style: Style) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let literal = rest.get(open..).unwrap_or_default();
        let mut p = Parser {
            text: literal,
            pos: 0,
        };
        let Some(raw) = p.string() else {
            out.push_str(literal);
            return out;
        };
        out.push_str(&transform_string(&raw, &style));
        rest = literal.get(p.pos..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Re-escapes one string literal (quotes included) as `style` says.
fn transform_string(raw: &str, style: &Style) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c == '\\' {
            let Some(&next) = chars.get(i) else {
                out.push(c);
                break;
            };
            i += 1;
            match next {
                '/' if style.slashes == Escapes::Unescape => out.push('/'),
                'u' if style.unicode == Escapes::Unescape => match unescape_unicode(&chars, i) {
                    Some((ch, used)) => {
                        out.push(ch);
                        i += used;
                    }
                    None => out.push_str("\\u"),
                },
                _ => {
                    out.push('\\');
                    out.push(next);
                }
            }
        } else if c == '/' && style.slashes == Escapes::Escape {
            out.push_str("\\/");
        } else if !c.is_ascii() && style.unicode == Escapes::Escape {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The character a `\uXXXX` escape (whose hex digits start at `at`) stands for, with a following
/// low surrogate when it is a high one, and how many chars it used after the `\u` — unless it
/// must stay escaped (control characters, `"`, `\`, lone surrogates).
fn unescape_unicode(chars: &[char], at: usize) -> Option<(char, usize)> {
    let hex4 = |from: usize| -> Option<u32> {
        let digits: String = chars.get(from..from + 4)?.iter().collect();
        u32::from_str_radix(&digits, 16).ok()
    };
    let first = hex4(at)?;
    let (code, used) = if (0xD800..0xDC00).contains(&first) {
        if chars.get(at + 4) != Some(&'\\') || chars.get(at + 5) != Some(&'u') {
            return None;
        }
        let low = hex4(at + 6)?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        (0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00), 10)
    } else {
        (first, 4)
    };
    let ch = char::from_u32(code)?;
    (code >= 0x20 && ch != '"' && ch != '\\').then_some((ch, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(layout: Layout) -> Style {
        Style {
            layout,
            sort_keys: false,
            slashes: Escapes::Keep,
            unicode: Escapes::Keep,
            trailing_newline: false,
        }
    }

    fn render_text(text: &str, style: Style) -> String {
        let mut out = String::new();
        render(&parse(text).unwrap(), &style, 0, &mut out);
        out
    }

    #[test]
    fn layouts_match_the_usual_serializers() {
        let body = r#"{"b":1,"a":[true,null,{"c":"x/y"}],"e":{},"f":[]}"#;
        assert_eq!(render_text(body, style(Layout::Compact)), body);
        assert_eq!(
            render_text(body, style(Layout::Spaced)),
            r#"{"b": 1, "a": [true, null, {"c": "x/y"}], "e": {}, "f": []}"#
        );
        assert_eq!(
            render_text(r#"{"a":[1,2],"b":{}}"#, style(Layout::Pretty(2))),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}"
        );
        let sorted = Style {
            sort_keys: true,
            ..style(Layout::Compact)
        };
        assert_eq!(
            render_text(r#"{"b":1,"a":{"d":1,"c":2}}"#, sorted),
            r#"{"a":{"c":2,"d":1},"b":1}"#
        );
    }

    #[test]
    fn escapes_go_both_ways() {
        let s = |slashes, unicode| Style {
            slashes,
            unicode,
            ..style(Layout::Original)
        };
        let body = "{ \"u\": \"https://x/é😀\" }";
        let escaped = restyle_strings(body, s(Escapes::Escape, Escapes::Escape));
        assert_eq!(
            escaped,
            "{ \"u\": \"https:\\/\\/x\\/\\u00e9\\ud83d\\ude00\" }"
        );
        assert_eq!(
            restyle_strings(&escaped, s(Escapes::Unescape, Escapes::Unescape)),
            body
        );
        // Quotes, backslashes and control characters stay escaped.
        let kept = r#"["\u0022\u005c\u000a\"\\"]"#;
        assert_eq!(
            restyle_strings(kept, s(Escapes::Keep, Escapes::Unescape)),
            kept
        );
    }

    #[test]
    fn variants_exclude_the_body_and_start_with_single_changes() {
        let body = br#"{"a":"b"}"#;
        let v = variants(body);
        assert!(v.iter().all(|(_, b)| b != body));
        assert_eq!(v.first().map(|(s, _)| s.changes()), Some(1));
        assert!(variants(b"not json").is_empty());
        assert!(variants(b"{\"a\":").is_empty());
        assert!(parse(&"[".repeat(10_000)).is_none());
    }
}
