//! [`RawElement`]: an element this crate does not model, kept as XML.

use bytes::Bytes;

use super::error::BodyError;
use super::text::Text;
use super::write::escape_into;
use super::xml::Document;
use super::Limits;

/// An element kept as its XML text: an extension the typed model does not
/// know (RPID `<rpid:mood>`, a vendor's `<caps:servcaps>`, ...), so that a
/// parsed body is written back without losing it.
///
/// A raw element is self-contained: it declares every namespace prefix it
/// uses. When the element came from a body that declared them on an
/// ancestor, the parser adds those declarations to its start tag (and
/// `xmlns=""` where it relied on having no default namespace), so it
/// means the same wherever it is written.
///
/// ```
/// use sansip::body::RawElement;
/// let mood = RawElement::parse_slice(
///     b"<rpid:mood xmlns:rpid='urn:ietf:params:xml:ns:pidf:rpid'><rpid:happy/></rpid:mood>",
/// )?;
/// assert_eq!(mood.namespace(), Some("urn:ietf:params:xml:ns:pidf:rpid"));
/// assert_eq!(mood.name(), "mood");
///
/// // An element in no namespace says so, to stay in none.
/// let x = RawElement::parse_slice(b"<x>1</x>")?;
/// assert_eq!(x.as_bytes(), b"<x xmlns=\"\">1</x>");
/// # Ok::<(), sansip::body::BodyError>(())
/// ```
///
/// Two raw elements are equal when their names and XML text are.
#[derive(Debug, Clone)]
pub struct RawElement {
    namespace: Option<Text>,
    name: Text,
    xml: Bytes,
    /// The declarations the parser added, and where their text is in
    /// `xml` (right after the qualified name of the start tag).
    injected: Vec<(Option<Text>, Text)>,
    injected_at: usize,
    injected_len: usize,
}

impl PartialEq for RawElement {
    fn eq(&self, other: &Self) -> bool {
        self.xml == other.xml && self.name == other.name && self.namespace == other.namespace
    }
}

impl Eq for RawElement {}

impl std::hash::Hash for RawElement {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.xml.hash(state);
    }
}

impl RawElement {
    /// Reads one element (nothing before or after it) within the default
    /// [`Limits`].
    pub fn parse(xml: Bytes) -> Result<RawElement, BodyError> {
        let first = xml.first().copied();
        let doc = Document::parse(xml, &Limits::default())?;
        let root = doc.el(0);
        if first != Some(b'<') || root.start != 0 || root.end != doc.src.len() {
            return Err(BodyError::syntax(0, "one element, nothing around it"));
        }
        Ok(RawElement::capture(&doc, 0))
    }

    /// [`RawElement::parse`] of a copy of `xml`.
    pub fn parse_slice(xml: &[u8]) -> Result<RawElement, BodyError> {
        RawElement::parse(Bytes::copy_from_slice(xml))
    }

    /// Element `i` of `doc`, made self-contained.
    pub(crate) fn capture(doc: &Document, i: usize) -> RawElement {
        let el = doc.el(i);
        // The prefixes the subtree takes from outside it (`None`: the
        // default namespace): used, and not declared on the way up.
        let mut used: Vec<Option<&str>> = Vec::new();
        for (k, e) in doc.elements[i..el.end_index].iter().enumerate() {
            let names = std::iter::once(Some(e.prefix.as_deref()))
                .chain(e.attrs.iter().map(|a| a.prefix.as_deref().map(Some)));
            for p in names.flatten() {
                if p != Some("xml") && !used.contains(&p) && !declared_below(doc, i, i + k, p) {
                    used.push(p);
                }
            }
        }
        let mut decls = Vec::new();
        let mut injected = Vec::new();
        for p in used {
            if el.decls.iter().any(|(d, _)| d.as_deref() == p) {
                continue;
            }
            let uri = el.parent.and_then(|parent| doc.binding_at(parent, p));
            match (p, uri) {
                (Some(p), Some(uri)) => {
                    injected.push((Some(Text::from(p)), uri.clone()));
                    decls.extend_from_slice(b" xmlns:");
                    decls.extend_from_slice(p.as_bytes());
                    decls.extend_from_slice(b"=\"");
                    escape_into(&mut decls, uri, true);
                    decls.push(b'"');
                }
                // Not bound: cannot happen for a parsed element.
                (Some(_), None) => {}
                (None, uri) => {
                    injected.push((None, uri.cloned().unwrap_or_default()));
                    decls.extend_from_slice(b" xmlns=\"");
                    escape_into(&mut decls, uri.map_or("", |u| u.as_str()), true);
                    decls.push(b'"');
                }
            }
        }
        let xml = if decls.is_empty() {
            doc.src.slice(el.start..el.end)
        } else {
            let mut x = Vec::with_capacity(el.end - el.start + decls.len());
            x.extend_from_slice(&doc.src[el.start..el.name_end]);
            x.extend_from_slice(&decls);
            x.extend_from_slice(&doc.src[el.name_end..el.end]);
            Bytes::from(x)
        };
        RawElement {
            namespace: el.ns.clone(),
            name: el.local.clone(),
            xml,
            injected,
            injected_at: el.name_end - el.start,
            injected_len: decls.len(),
        }
    }

    /// The element's XML for a place where `scope` is in force (`(None,
    /// uri)`: the default namespace): without the declarations the parser
    /// added when `scope` binds every one of them the same way. Parsing it
    /// there adds them back, so the element reads back equal.
    pub(crate) fn xml_in_scope(&self, scope: &[(Option<&str>, &str)]) -> Vec<u8> {
        let redundant = !self.injected.is_empty()
            && self.injected.iter().all(|(p, uri)| {
                scope
                    .iter()
                    .any(|(sp, su)| *sp == p.as_deref() && *su == uri.as_str())
            });
        if !redundant {
            return self.xml.to_vec();
        }
        let (at, len) = (self.injected_at, self.injected_len);
        [&self.xml[..at], &self.xml[at + len..]].concat()
    }

    /// The element's namespace URI, if it is in one.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The element's local name (without prefix).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is the element `local` in namespace `ns`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.name == local && self.namespace() == Some(ns)
    }

    /// The element's XML.
    pub fn as_bytes(&self) -> &[u8] {
        &self.xml
    }

    /// The element's XML as a shared buffer.
    pub fn to_bytes(&self) -> Bytes {
        self.xml.clone()
    }
}

/// Whether an element from `e` up to (not including) `root` declares
/// `prefix`.
fn declared_below(doc: &Document, root: usize, e: usize, prefix: Option<&str>) -> bool {
    let mut at = e;
    while at != root {
        let el = doc.el(at);
        if el.decls.iter().any(|(p, _)| p.as_deref() == prefix) {
            return true;
        }
        match el.parent {
            Some(parent) => at = parent,
            None => return false,
        }
    }
    false
}
