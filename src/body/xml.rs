//! A small, strict, bounded XML 1.0 reader with namespaces (XML Names
//! 1.0), for the bodies of SIP event packages.
//!
//! It reads the whole body into a flat list of elements in document
//! order (each knows its parent and where its subtree ends), with names
//! resolved to namespace URIs, attribute values and character data
//! decoded, and every piece of text a [`Text`] slice of the input where no
//! decoding was needed.
//!
//! What it accepts: an optional UTF-8 BOM and XML declaration (encoding
//! UTF-8, US-ASCII or ISO-8859-1, the last converted to UTF-8), comments,
//! processing instructions, CDATA sections, the five predefined entities
//! and character references. What it refuses: a DOCTYPE (so no entity
//! can expand), characters XML does not allow, undeclared prefixes,
//! duplicate attributes, mismatched or unclosed tags, anything but
//! comments and processing instructions after the root. Every loop is
//! bounded by [`Limits`]; nothing recurses.

use bytes::Bytes;
use memchr::{memchr, memchr2, memmem};

use super::chars::{check_chars, decode, prolog_encoding, Mode};
use super::error::{quote_bytes, BodyError};
use super::text::{is_space, Text};
use super::Limits;

/// The namespace the `xml` prefix is bound to.
pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// One attribute (namespace declarations are kept apart, in
/// [`Element::decls`]).
#[derive(Debug)]
pub(crate) struct Attr {
    pub(crate) prefix: Option<Text>,
    pub(crate) local: Text,
    pub(crate) ns: Option<Text>,
    pub(crate) value: Text,
    /// Where the attribute's name starts.
    pub(crate) offset: usize,
}

/// One element of the document.
#[derive(Debug)]
pub(crate) struct Element {
    pub(crate) parent: Option<usize>,
    /// Index one past the last element of this element's subtree.
    pub(crate) end_index: usize,
    pub(crate) prefix: Option<Text>,
    pub(crate) local: Text,
    pub(crate) ns: Option<Text>,
    pub(crate) attrs: Vec<Attr>,
    /// The namespace declarations on this start tag: `(None, uri)` for
    /// `xmlns="uri"` (an empty URI undeclares the default).
    pub(crate) decls: Vec<(Option<Text>, Text)>,
    /// The character data directly inside this element (not inside its
    /// children), decoded.
    pub(crate) text: Text,
    /// Where the first character data that is not white space is.
    pub(crate) text_offset: Option<usize>,
    /// Where `<` of the start tag is.
    pub(crate) start: usize,
    /// Where the qualified name in the start tag ends.
    pub(crate) name_end: usize,
    /// One past the `>` that ends the element.
    pub(crate) end: usize,
}

impl Element {
    /// Whether this is `{ns}local`.
    pub(crate) fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && self.ns.as_deref() == Some(ns)
    }

    /// The attribute `local` in no namespace.
    pub(crate) fn attr(&self, local: &str) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_none() && a.local == local)
    }

    /// The attribute `{ns}local`.
    pub(crate) fn attr_ns(&self, ns: &str, local: &str) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.local == local && a.ns.as_deref() == Some(ns))
    }
}

/// A parsed document: the (possibly converted) body and its elements;
/// element 0 is the root.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) src: Bytes,
    pub(crate) elements: Vec<Element>,
}

impl Document {
    /// Parses `src` within `limits`.
    pub(crate) fn parse(src: Bytes, limits: &Limits) -> Result<Document, BodyError> {
        if src.len() > limits.max_size {
            return Err(BodyError::Limit {
                what: "bytes",
                limit: limits.max_size,
                offset: limits.max_size,
            });
        }
        let (src, pos) = prolog_encoding(src)?;
        check_chars(&src)?;
        let mut p = Parser {
            src,
            pos,
            limits,
            elements: Vec::new(),
            stack: Vec::new(),
            bindings: Vec::new(),
        };
        p.document()?;
        Ok(Document {
            src: p.src,
            elements: p.elements,
        })
    }

    /// The element at `i`.
    pub(crate) fn el(&self, i: usize) -> &Element {
        &self.elements[i]
    }

    /// The child elements of `i`, in order.
    pub(crate) fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.elements[i].end_index;
        std::iter::successors(Some(i + 1), move |&c| {
            self.elements.get(c).map(|e| e.end_index)
        })
        .take_while(move |&c| c < end)
    }

    /// The namespace URI `prefix` is bound to where element `i` starts
    /// (`None` prefix: the default namespace; `Some("")` result: the
    /// default was undeclared). `None` if nothing binds it.
    pub(crate) fn binding_at(&self, i: usize, prefix: Option<&str>) -> Option<&Text> {
        let mut at = Some(i);
        while let Some(e) = at {
            let el = &self.elements[e];
            if let Some((_, uri)) = el.decls.iter().find(|(p, _)| p.as_deref() == prefix) {
                return Some(uri);
            }
            at = el.parent;
        }
        None
    }
}

/// An open element: its index, the bindings in scope before it, and its
/// character data so far.
struct Open {
    index: usize,
    mark: usize,
    text: Acc,
}

/// Character data being gathered: most elements have one piece, kept as a
/// slice of the input.
enum Acc {
    Empty,
    One(Text),
    Many(String),
}

impl Acc {
    fn push(&mut self, t: Text) {
        *self = match std::mem::replace(self, Acc::Empty) {
            Acc::Empty => Acc::One(t),
            Acc::One(a) => Acc::Many(format!("{a}{t}")),
            Acc::Many(mut s) => {
                s.push_str(&t);
                Acc::Many(s)
            }
        };
    }

    fn finish(self) -> Text {
        match self {
            Acc::Empty => Text::default(),
            Acc::One(t) => t,
            Acc::Many(s) => Text::from(s),
        }
    }
}

struct Parser<'l> {
    src: Bytes,
    pos: usize,
    limits: &'l Limits,
    elements: Vec<Element>,
    stack: Vec<Open>,
    /// Namespace declarations in scope, innermost last.
    bindings: Vec<(Option<Text>, Text)>,
}

impl Parser<'_> {
    fn rest(&self) -> &[u8] {
        &self.src[self.pos..]
    }

    fn starts(&self, s: &[u8]) -> bool {
        self.rest().starts_with(s)
    }

    fn skip_space(&mut self) -> bool {
        let n = self.rest().iter().take_while(|&&b| is_space(b)).count();
        self.pos += n;
        n > 0
    }

    fn find(&self, needle: &[u8], expected: &'static str) -> Result<usize, BodyError> {
        memmem::find(self.rest(), needle)
            .map(|n| self.pos + n)
            .ok_or(BodyError::syntax(self.src.len(), expected))
    }

    fn document(&mut self) -> Result<(), BodyError> {
        self.misc(true)?;
        if self.pos >= self.src.len() {
            return Err(BodyError::syntax(self.pos, "a root element"));
        }
        self.start_tag()?;
        while !self.stack.is_empty() {
            self.content()?;
        }
        self.misc(false)?;
        if self.pos < self.src.len() {
            return Err(BodyError::syntax(
                self.pos,
                "nothing but comments after the root element",
            ));
        }
        Ok(())
    }

    /// Comments, processing instructions and white space before the root
    /// (`before`) or after it; stops at anything else.
    fn misc(&mut self, before: bool) -> Result<(), BodyError> {
        loop {
            self.skip_space();
            if self.starts(b"<!--") {
                self.comment()?;
            } else if self.starts(b"<?") {
                self.pi()?;
            } else if before && self.starts(b"<!DOCTYPE") {
                return Err(BodyError::syntax(self.pos, "no DOCTYPE"));
            } else if before && self.pos < self.src.len() && !self.starts(b"<") {
                return Err(BodyError::syntax(self.pos, "a root element"));
            } else {
                return Ok(());
            }
        }
    }

    fn comment(&mut self) -> Result<(), BodyError> {
        let at = self.pos;
        self.pos += 4;
        let dashes = self.find(b"--", "--> closing the comment")?;
        if self.src.get(dashes + 2) != Some(&b'>') {
            return Err(BodyError::syntax(at, "no -- inside a comment"));
        }
        self.pos = dashes + 3;
        Ok(())
    }

    fn pi(&mut self) -> Result<(), BodyError> {
        let at = self.pos;
        let name_end = name_end(&self.src, at + 2);
        let target = &self.src[at + 2..name_end];
        if target.is_empty() || target.contains(&b':') {
            return Err(BodyError::syntax(at + 2, "a processing instruction target"));
        }
        if target.eq_ignore_ascii_case(b"xml") {
            return Err(BodyError::syntax(
                at,
                "the XML declaration only at the start",
            ));
        }
        self.pos = name_end;
        if !self.skip_space() && !self.starts(b"?>") {
            return Err(BodyError::syntax(self.pos, "white space or ?>"));
        }
        self.pos = self.find(b"?>", "?> closing the processing instruction")? + 2;
        Ok(())
    }

    /// One piece of content of the innermost open element: character
    /// data, a reference-bearing run of text, a child, a comment, ...
    fn content(&mut self) -> Result<(), BodyError> {
        let start = self.pos;
        let Some(n) = memchr(b'<', self.rest()) else {
            let open = self.stack.last().map_or(0, |o| o.index);
            let el = &self.elements[open];
            return Err(BodyError::Unclosed {
                element: String::from_utf8_lossy(&self.src[el.start + 1..el.name_end]).into_owned(),
                offset: el.start,
            });
        };
        if n > 0 {
            let end = start + n;
            if let Some(k) = memmem::find(&self.src[start..end], b"]]>") {
                return Err(BodyError::syntax(start + k, "no ]]> in character data"));
            }
            let t = decode(&self.src, start, end, Mode::Text)?;
            self.push_text(t, start);
            self.pos = end;
            return Ok(());
        }
        if self.starts(b"</") {
            self.end_tag()
        } else if self.starts(b"<!--") {
            self.comment()
        } else if self.starts(b"<![CDATA[") {
            let from = self.pos + 9;
            self.pos = from;
            let end = self.find(b"]]>", "]]> closing the CDATA section")?;
            let t = decode(&self.src, from, end, Mode::CData)?;
            self.push_text(t, from);
            self.pos = end + 3;
            Ok(())
        } else if self.starts(b"<?") {
            self.pi()
        } else if self.starts(b"<!") {
            Err(BodyError::syntax(
                self.pos,
                "an element, a comment or CDATA",
            ))
        } else {
            self.start_tag()
        }
    }

    fn push_text(&mut self, t: Text, offset: usize) {
        let Some(open) = self.stack.last_mut() else {
            return;
        };
        if let Some(k) = t.bytes().position(|b| !is_space(b)) {
            let el = &mut self.elements[open.index];
            // For decoded text `k` is approximate; the element is right.
            el.text_offset.get_or_insert(offset + k);
        }
        open.text.push(t);
    }

    fn end_tag(&mut self) -> Result<(), BodyError> {
        let at = self.pos;
        let name_end = name_end(&self.src, at + 2);
        let Some(open) = self.stack.pop() else {
            return Err(BodyError::syntax(at, "an end tag only for an open element"));
        };
        let el = &self.elements[open.index];
        let open_name = &self.src[el.start + 1..el.name_end];
        let found = &self.src[at + 2..name_end];
        if found != open_name {
            return Err(BodyError::MismatchedTag {
                offset: at,
                open: quote_bytes(open_name),
                found: quote_bytes(found),
            });
        }
        self.pos = name_end;
        self.skip_space();
        if !self.starts(b">") {
            return Err(BodyError::syntax(self.pos, "> closing the end tag"));
        }
        self.pos += 1;
        self.close(open);
        Ok(())
    }

    fn close(&mut self, open: Open) {
        self.bindings.truncate(open.mark);
        let end_index = self.elements.len();
        let el = &mut self.elements[open.index];
        el.end = self.pos;
        el.end_index = end_index;
        el.text = open.text.finish();
    }

    fn start_tag(&mut self) -> Result<(), BodyError> {
        let at = self.pos;
        if self.elements.len() >= self.limits.max_elements {
            return Err(BodyError::Limit {
                what: "elements",
                limit: self.limits.max_elements,
                offset: at,
            });
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(BodyError::Limit {
                what: "levels of nesting",
                limit: self.limits.max_depth,
                offset: at,
            });
        }
        let name_end = name_end(&self.src, at + 1);
        let (prefix, local) = self.qname(at + 1, name_end)?;
        self.pos = name_end;
        // (qualified name range, value, offset) of each attribute.
        let mut raw: Vec<(usize, usize, Text, usize)> = Vec::new();
        let empty = loop {
            let spaced = self.skip_space();
            if self.starts(b"/>") {
                self.pos += 2;
                break true;
            }
            if self.starts(b">") {
                self.pos += 1;
                break false;
            }
            if self.pos >= self.src.len() {
                return Err(BodyError::syntax(self.pos, "> closing the start tag"));
            }
            if !spaced {
                return Err(BodyError::syntax(
                    self.pos,
                    "white space before an attribute",
                ));
            }
            if raw.len() >= self.limits.max_attributes {
                return Err(BodyError::Limit {
                    what: "attributes on one element",
                    limit: self.limits.max_attributes,
                    offset: self.pos,
                });
            }
            raw.push(self.attribute()?);
        };
        let mark = self.bindings.len();
        let mut decls = Vec::new();
        let mut attrs = Vec::new();
        for (i, &(a, b, ref value, offset)) in raw.iter().enumerate() {
            let name = &self.src[a..b];
            if raw[..i].iter().any(|&(x, y, _, _)| self.src[x..y] == *name) {
                return Err(BodyError::syntax(offset, "unique attribute names"));
            }
            if name == b"xmlns" {
                if value == XML_NS || value == XMLNS_NS {
                    return Err(BodyError::syntax(
                        offset,
                        "a default namespace other than xml's",
                    ));
                }
                decls.push((None, value.clone()));
                continue;
            }
            let (p, l) = self.qname(a, b)?;
            match p {
                Some(p) if p == "xmlns" => {
                    let bad = l == "xmlns"
                        || value.is_empty()
                        || (l == "xml") != (value == XML_NS)
                        || value == XMLNS_NS;
                    if bad {
                        return Err(BodyError::syntax(offset, "a valid namespace declaration"));
                    }
                    decls.push((Some(l), value.clone()));
                }
                _ => attrs.push(Attr {
                    prefix: p,
                    local: l,
                    ns: None,
                    value: value.clone(),
                    offset,
                }),
            }
        }
        self.bindings.extend(decls.iter().cloned());
        let ns = self.resolve(prefix.as_ref(), true, at + 1)?;
        for i in 0..attrs.len() {
            let ns = match &attrs[i].prefix {
                None => None,
                p => self.resolve(p.as_ref(), false, attrs[i].offset)?,
            };
            let dup = ns.is_some()
                && attrs[..i]
                    .iter()
                    .any(|o| o.ns == ns && o.local == attrs[i].local);
            if dup {
                return Err(BodyError::syntax(attrs[i].offset, "unique attribute names"));
            }
            attrs[i].ns = ns;
        }
        let index = self.elements.len();
        self.elements.push(Element {
            parent: self.stack.last().map(|o| o.index),
            end_index: index + 1,
            prefix,
            local,
            ns,
            attrs,
            decls,
            text: Text::default(),
            text_offset: None,
            start: at,
            name_end,
            end: self.pos,
        });
        let open = Open {
            index,
            mark,
            text: Acc::Empty,
        };
        if empty {
            self.close(open);
        } else {
            self.stack.push(open);
        }
        Ok(())
    }

    /// `name S? = S? quoted-value`.
    fn attribute(&mut self) -> Result<(usize, usize, Text, usize), BodyError> {
        let at = self.pos;
        let end = name_end(&self.src, at);
        if end == at {
            return Err(BodyError::syntax(at, "an attribute name"));
        }
        self.pos = end;
        self.skip_space();
        if !self.starts(b"=") {
            return Err(BodyError::syntax(self.pos, "= after the attribute name"));
        }
        self.pos += 1;
        self.skip_space();
        let quote = match self.rest().first() {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Err(BodyError::syntax(self.pos, "a quoted attribute value")),
        };
        let from = self.pos + 1;
        let Some(n) = memchr2(quote, b'<', &self.src[from..]) else {
            return Err(BodyError::syntax(self.src.len(), "the closing quote"));
        };
        if self.src[from + n] == b'<' {
            return Err(BodyError::syntax(from + n, "no < in an attribute value"));
        }
        let value = decode(&self.src, from, from + n, Mode::Attr)?;
        self.pos = from + n + 1;
        Ok((at, end, value, at))
    }

    /// Splits the qualified name at `a..b` into prefix and local part.
    fn qname(&self, a: usize, b: usize) -> Result<(Option<Text>, Text), BodyError> {
        let name = &self.src[a..b];
        let bad = BodyError::syntax(a, "a qualified name (prefix:local)");
        let text = |x: usize, y: usize| Text::from_utf8_bytes(self.src.slice(x..y));
        match memchr(b':', name) {
            _ if name.is_empty() || !is_name_start(name[0]) => Err(bad),
            None => Ok((None, text(a, b))),
            Some(c) => {
                let local = &name[c + 1..];
                if c == 0 || local.is_empty() || !is_name_start(local[0]) || local.contains(&b':') {
                    return Err(bad);
                }
                Ok((Some(text(a, a + c)), text(a + c + 1, b)))
            }
        }
    }

    /// The namespace of `prefix` in scope (for an element, `None` is the
    /// default namespace; for an attribute, no namespace).
    fn resolve(
        &self,
        prefix: Option<&Text>,
        element: bool,
        offset: usize,
    ) -> Result<Option<Text>, BodyError> {
        match prefix {
            None if !element => Ok(None),
            Some(p) if p == "xml" => Ok(Some(Text::from_static(XML_NS))),
            Some(p) if p == "xmlns" => Err(BodyError::syntax(offset, "no element named xmlns:")),
            _ => {
                let found = self
                    .bindings
                    .iter()
                    .rev()
                    .find(|(p, _)| p.as_ref() == prefix)
                    .map(|(_, uri)| uri);
                match (found, prefix) {
                    (Some(uri), _) if uri.is_empty() => Ok(None),
                    (Some(uri), _) => Ok(Some(uri.clone())),
                    (None, None) => Ok(None),
                    (None, Some(p)) => Err(BodyError::UnboundPrefix {
                        offset,
                        prefix: p.to_string(),
                    }),
                }
            }
        }
    }
}

pub(super) fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80
}

fn is_name_char(b: u8) -> bool {
    is_name_start(b) || b.is_ascii_digit() || b == b'-' || b == b'.'
}

/// Where the name starting at `pos` ends (`pos` if there is none).
pub(super) fn name_end(src: &[u8], pos: usize) -> usize {
    match src.get(pos) {
        Some(&b) if is_name_start(b) => {
            pos + src[pos..].iter().take_while(|&&b| is_name_char(b)).count()
        }
        _ => pos,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &'static str) -> Document {
        Document::parse(Bytes::from_static(text.as_bytes()), &Limits::default())
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn namespaces_are_scoped_rebound_and_undeclared() {
        let d = doc(
            r#"<a xmlns="u1" xmlns:p="u2"><p:b xmlns:p="u3"><c/></p:b><p:d/><e xmlns=""/></a>"#,
        );
        let ns: Vec<_> = d
            .elements
            .iter()
            .map(|e| (e.local.as_str(), e.ns.as_deref()))
            .collect();
        assert_eq!(
            ns,
            [
                ("a", Some("u1")),
                ("b", Some("u3")),
                ("c", Some("u1")),
                ("d", Some("u2")),
                ("e", None)
            ]
        );
        assert_eq!(d.binding_at(1, Some("p")).map(|t| t.as_str()), Some("u3"));
        assert_eq!(d.binding_at(3, Some("p")).map(|t| t.as_str()), Some("u2"));
        assert_eq!(d.binding_at(4, None).map(|t| t.as_str()), Some(""));
    }

    #[test]
    fn attributes_without_prefix_are_in_no_namespace() {
        let d = doc(r#"<a xmlns="u" xmlns:p="v" x="1" p:x="2" xml:lang="en"/>"#);
        let a = d.el(0);
        assert_eq!(a.attr("x").map(|a| a.value.as_str()), Some("1"));
        assert_eq!(a.attr_ns("v", "x").map(|a| a.value.as_str()), Some("2"));
        assert_eq!(
            a.attr_ns(XML_NS, "lang").map(|a| a.value.as_str()),
            Some("en")
        );
        assert_eq!(a.decls.len(), 2);
    }

    #[test]
    fn children_are_the_direct_ones_in_order() {
        let d = doc("<r><a><x/><y><z/></y></a><b/>t<c></c></r>");
        let names = |i| {
            d.children(i)
                .map(|c| d.el(c).local.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(0), ["a", "b", "c"]);
        assert_eq!(names(1), ["x", "y"]);
        assert!(names(2).is_empty());
        assert_eq!(d.el(0).end_index, d.elements.len());
    }

    #[test]
    fn character_data_is_gathered_and_decoded() {
        let d = doc("<r>a&amp;b<![CDATA[<&>]]>c<!-- x -->d&#x1F600;\r\ne<i/>f</r>");
        assert_eq!(d.el(0).text, "a&b<&>cd\u{1F600}\nef");
        let d = doc("<r>plain</r>");
        assert_eq!(d.el(0).text, "plain");
        assert_eq!(d.el(0).text_offset, Some(3));
        assert_eq!(doc("<r> \n </r>").el(0).text_offset, None);
    }

    #[test]
    fn spans_cover_each_element() {
        let src = "<?xml version='1.0'?>\n<r a='1'><p:c xmlns:p='u'>x</p:c></r>";
        let d = doc(src);
        let c = d.el(1);
        assert_eq!(&src[c.start..c.end], "<p:c xmlns:p='u'>x</p:c>");
        assert_eq!(&src[c.start..c.name_end], "<p:c");
    }
}
