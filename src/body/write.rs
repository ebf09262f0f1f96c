//! The XML writer the serializers share: indented elements, escaped text
//! and attribute values, verbatim raw elements.

use bytes::Bytes;

use super::chars::is_xml_char;
use super::raw::RawElement;

/// Writes one document, two spaces per level.
pub(crate) struct XmlWriter {
    out: Vec<u8>,
    depth: usize,
    /// The namespace declarations on the root, in force everywhere (the
    /// writers declare nothing below the root).
    scope: &'static [(Option<&'static str>, &'static str)],
}

impl XmlWriter {
    /// A writer that has written the XML declaration, for a document
    /// whose root declares `scope`.
    pub(crate) fn new(scope: &'static [(Option<&'static str>, &'static str)]) -> XmlWriter {
        let mut out = Vec::with_capacity(512);
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        XmlWriter {
            out,
            depth: 0,
            scope,
        }
    }

    /// The root element's start tag: the namespace declarations of the
    /// scope, then `attrs`; `empty` for a root with no content.
    pub(crate) fn root(&mut self, name: &str, attrs: &[(&str, Option<&str>)], empty: bool) {
        let mut all: Vec<(String, Option<&str>)> = self
            .scope
            .iter()
            .map(|(p, uri)| {
                (
                    p.map_or_else(|| "xmlns".to_owned(), |p| format!("xmlns:{p}")),
                    Some(*uri),
                )
            })
            .collect();
        all.extend(attrs.iter().map(|(n, v)| ((*n).to_owned(), *v)));
        let all: Vec<(&str, Option<&str>)> = all.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        if empty {
            self.empty(name, &all);
        } else {
            self.open(name, &all);
        }
    }

    fn indent(&mut self) {
        self.out.resize(self.out.len() + 2 * self.depth, b' ');
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.indent();
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        for (n, v) in attrs {
            if let Some(v) = v {
                self.out.push(b' ');
                self.out.extend_from_slice(n.as_bytes());
                self.out.extend_from_slice(b"=\"");
                escape_into(&mut self.out, v, true);
                self.out.push(b'"');
            }
        }
    }

    /// `<name attrs>` and one level deeper. Attributes with a `None` value
    /// are left out.
    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.tag(name, attrs);
        self.out.extend_from_slice(b">\n");
        self.depth += 1;
    }

    /// `</name>`, one level up.
    pub(crate) fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b">\n");
    }

    /// `<name attrs/>`.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.tag(name, attrs);
        self.out.extend_from_slice(b"/>\n");
    }

    /// `<name attrs>text</name>`, or `<name attrs/>` for no text.
    pub(crate) fn leaf(&mut self, name: &str, attrs: &[(&str, Option<&str>)], text: &str) {
        if text.is_empty() {
            return self.empty(name, attrs);
        }
        self.tag(name, attrs);
        self.out.push(b'>');
        escape_into(&mut self.out, text, false);
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b">\n");
    }

    /// A raw element, as it is (less the declarations the root makes).
    pub(crate) fn raw(&mut self, raw: &RawElement) {
        self.indent();
        let xml = raw.xml_in_scope(self.scope);
        self.out.extend_from_slice(&xml);
        self.out.push(b'\n');
    }

    /// The document.
    pub(crate) fn finish(self) -> Bytes {
        Bytes::from(self.out)
    }
}

/// Appends `s` escaped for character data (`attr`: for a `"`-quoted
/// attribute value). CR (and in attributes tab and LF) are written as
/// character references so that they read back as they were; a character
/// XML does not allow is written as U+FFFD.
pub(crate) fn escape_into(out: &mut Vec<u8>, s: &str, attr: bool) {
    for c in s.chars() {
        let e: &[u8] = match c {
            '&' => b"&amp;",
            '<' => b"&lt;",
            '>' => b"&gt;",
            '"' if attr => b"&quot;",
            '\r' => b"&#13;",
            '\n' if attr => b"&#10;",
            '\t' if attr => b"&#9;",
            c if !is_xml_char(c) => "\u{FFFD}".as_bytes(),
            c => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                continue;
            }
        };
        out.extend_from_slice(e);
    }
}
