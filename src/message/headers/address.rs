//! Headers whose value is an address and parameters: From, To (RFC 3261
//! §20.20, §20.39), Route, Record-Route (§20.34, §20.30), Path (RFC 3327),
//! Service-Route (RFC 3608), P-Asserted-Identity and P-Preferred-Identity
//! (RFC 3325).

use nom::Parser;

use crate::message::grammar::{params, write_params, PResult};
use crate::message::name_addr::{name_addr, name_addr_or_addr_spec};
use crate::message::{NameAddr, Params};

/// Which address forms a header accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// `name-addr / addr-spec`.
    Any,
    /// `name-addr` only.
    NameAddrOnly,
}

/// `( name-addr / addr-spec ) *( SEMI generic-param )`.
pub(crate) fn addr_params(
    form: Form,
) -> impl FnMut(&str) -> PResult<'_, (NameAddr<'_>, Params<'_>)> {
    move |i: &str| {
        let (i, addr) = match form {
            Form::Any => name_addr_or_addr_spec(i)?,
            Form::NameAddrOnly => name_addr(i)?,
        };
        let (i, params) = params.parse(i)?;
        Ok((i, (addr, params)))
    }
}

/// Writes an address and its header parameters; a header that takes only
/// a name-addr gets its URI in `<...>` even when the address does not ask
/// for brackets (as one built with [`NameAddr::new`] does not).
pub(crate) fn write_addr_params(
    out: &mut Vec<u8>,
    addr: &NameAddr<'_>,
    params: &Params<'_>,
    form: Form,
) {
    if form == Form::NameAddrOnly && !addr.angle {
        NameAddr {
            angle: true,
            ..*addr
        }
        .write(out);
    } else {
        addr.write(out);
    }
    write_params(out, params);
}

/// Declares a header type made of a [`NameAddr`] and header parameters,
/// with its [`TypedHeader`](crate::message::TypedHeader) implementation.
macro_rules! addr_header {
    ($(#[$doc:meta])* $ty:ident, $name:ident, $form:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $ty<'a> {
            /// The address.
            pub addr: $crate::message::NameAddr<'a>,
            /// The header parameters after the address, raw.
            pub params: $crate::message::Params<'a>,
        }

        impl<'a> $ty<'a> {
            /// A value with this address and no parameters.
            pub const fn new(addr: $crate::message::NameAddr<'a>) -> Self {
                $ty {
                    addr,
                    params: $crate::message::Params::new(""),
                }
            }

            /// The URI of the address.
            pub const fn uri(&self) -> &$crate::message::Uri<'a> {
                &self.addr.uri
            }
        }

        impl<'a> $crate::message::TypedHeader<'a> for $ty<'a> {
            const NAME: $crate::message::HeaderName = $crate::message::HeaderName::$name;

            fn parse(value: &'a str) -> Result<Self, $crate::message::ValueError> {
                let form = $crate::message::headers::address::Form::$form;
                $crate::message::grammar::parse_all(
                    value,
                    $crate::message::headers::address::addr_params(form),
                )
                .map(|(addr, params)| $ty { addr, params })
            }

            fn write_value(&self, out: &mut Vec<u8>) {
                $crate::message::headers::address::write_addr_params(
                    out,
                    &self.addr,
                    &self.params,
                    $crate::message::headers::address::Form::$form,
                );
            }
        }
    };
}
pub(crate) use addr_header;

addr_header!(
    /// `From` (RFC 3261 §20.20), compact form `f`: the request's initiator
    /// and its `tag`.
    ///
    /// ```
    /// use sansip::message::{headers::FromHeader, TypedHeader};
    /// let f = FromHeader::parse(r#""Alice" <sip:alice@atlanta.example.com>;tag=1928301774"#).unwrap();
    /// assert_eq!(f.tag(), Some("1928301774"));
    /// assert_eq!(f.addr.display_name_unquoted().as_deref(), Some("Alice"));
    /// // Without brackets, `;tag` belongs to the header, not the URI.
    /// let f = FromHeader::parse("sip:alice@atlanta.example.com;tag=88").unwrap();
    /// assert_eq!(f.tag(), Some("88"));
    /// assert!(f.uri().as_sip().is_some_and(|s| s.params.is_empty()));
    /// ```
    FromHeader,
    From,
    Any
);

addr_header!(
    /// `To` (RFC 3261 §20.39), compact form `t`: the request's target and,
    /// once in a dialog, its `tag`.
    ToHeader,
    To,
    Any
);

impl<'a> FromHeader<'a> {
    /// The `tag` parameter.
    pub fn tag(&self) -> Option<&'a str> {
        self.params.get("tag").flatten()
    }
}

impl<'a> ToHeader<'a> {
    /// The `tag` parameter.
    pub fn tag(&self) -> Option<&'a str> {
        self.params.get("tag").flatten()
    }
}

addr_header!(
    /// One `Route` value (RFC 3261 §20.34): a name-addr (brackets
    /// required) and rr-params.
    ///
    /// ```
    /// use sansip::message::{headers::Route, TypedHeader};
    /// let r = Route::parse("<sip:p1.example.com;lr>").unwrap();
    /// assert!(r.is_loose_route());
    /// assert!(Route::parse("sip:p1.example.com;lr").is_err());
    /// ```
    Route,
    Route,
    NameAddrOnly
);

addr_header!(
    /// One `Record-Route` value (RFC 3261 §20.30).
    RecordRoute,
    RecordRoute,
    NameAddrOnly
);

addr_header!(
    /// One `Path` value (RFC 3327).
    Path,
    Path,
    NameAddrOnly
);

addr_header!(
    /// One `Service-Route` value (RFC 3608).
    ServiceRoute,
    ServiceRoute,
    NameAddrOnly
);

macro_rules! loose_route {
    ($($ty:ident),*) => {$(
        impl $ty<'_> {
            /// Whether the URI has the `lr` parameter (a loose router).
            pub fn is_loose_route(&self) -> bool {
                self.addr.uri.as_sip().is_some_and(|s| s.lr())
            }
        }
    )*};
}
loose_route!(Route, RecordRoute, Path, ServiceRoute);

addr_header!(
    /// One `P-Asserted-Identity` value (RFC 3325). RFC 3325 defines no
    /// parameters; any that are present are kept in `params`.
    PAssertedIdentity,
    PAssertedIdentity,
    Any
);

addr_header!(
    /// One `P-Preferred-Identity` value (RFC 3325). RFC 3325 defines no
    /// parameters; any that are present are kept in `params`.
    PPreferredIdentity,
    PPreferredIdentity,
    Any
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{TypedHeader, Uri};

    fn err<'a, H: TypedHeader<'a> + std::fmt::Debug>(v: &'a str) -> (usize, &'static str) {
        let e = H::parse(v).unwrap_err();
        (e.offset, e.expected)
    }

    #[test]
    fn from_and_to_in_both_forms() {
        let f =
            FromHeader::parse(" Alice <sip:alice@a.example;transport=tcp> ; tag = 19 ").unwrap();
        assert_eq!(f.tag(), Some("19"));
        assert_eq!(f.uri().as_sip().and_then(|s| s.transport()), Some("tcp"));
        let t = ToHeader::parse("sip:bob@b.example").unwrap();
        assert_eq!(t.tag(), None);
        assert!(!t.addr.angle);
        let t = ToHeader::parse("tel:+1-201-555-0123;tag=x").unwrap();
        assert_eq!(t.tag(), Some("x"));
        assert!(t.uri().as_tel().is_some_and(|t| t.params.is_empty()));
    }

    #[test]
    fn errors_have_offsets_in_the_value() {
        assert_eq!(err::<FromHeader>("<sip:a@h>;"), (10, "a parameter name"));
        assert_eq!(
            err::<FromHeader>("<sip:a@h>;tag="),
            (14, "a parameter value")
        );
        assert_eq!(err::<FromHeader>("sip:a@h?x=y"), (7, "end of value"));
        assert_eq!(err::<ToHeader>("<sip:a@h> x"), (10, "end of value"));
        assert_eq!(
            err::<Route>("sip:p.example;lr"),
            (0, "'<' (this header takes a name-addr)")
        );
        assert_eq!(
            err::<Route>("<sip:p.example;lr"),
            (17, "'>' closing the URI")
        );
    }

    #[test]
    fn routes_and_loose_routing() {
        let r = Route::parse("<sip:p1.example.com;lr>;x=1").unwrap();
        assert!(r.is_loose_route());
        assert_eq!(r.params.get("x"), Some(Some("1")));
        let rr = RecordRoute::parse("<sip:p2.example.com>").unwrap();
        assert!(!rr.is_loose_route());
        assert!(Path::parse("<sip:pcscf.example;lr>")
            .unwrap()
            .is_loose_route());
        assert!(ServiceRoute::parse("<sip:orig@scscf.example;lr>")
            .unwrap()
            .is_loose_route());
        assert!(!Route::parse("<tel:+1>").unwrap().is_loose_route());
    }

    #[test]
    fn name_addr_only_headers_write_brackets_even_when_not_asked() {
        let addr = NameAddr::new(Uri::parse("sip:p1.example.com").unwrap());
        let r = Route::new(addr);
        assert_eq!(r.to_value_bytes(), b"<sip:p1.example.com>");
        let back = Route::parse("<sip:p1.example.com>").unwrap();
        assert_eq!(
            back.addr,
            NameAddr {
                angle: true,
                ..addr
            }
        );
        assert_eq!(Path::new(addr).to_value_bytes(), b"<sip:p1.example.com>");
        // Headers that take an addr-spec write it bare.
        assert_eq!(
            FromHeader::new(addr).to_value_bytes(),
            b"sip:p1.example.com"
        );
    }

    #[test]
    fn identities() {
        let p = PAssertedIdentity::parse(r#""Cullen Jennings" <sip:fluffy@cisco.com>"#).unwrap();
        assert_eq!(
            p.addr.display_name_unquoted().as_deref(),
            Some("Cullen Jennings")
        );
        let p = PPreferredIdentity::parse("tel:+14085264000").unwrap();
        assert!(matches!(p.uri(), Uri::Tel(_)));
    }

    #[test]
    fn write_then_parse_round_trips() {
        let from = FromHeader::parse("\"A\" <sip:a@h>;tag=1").unwrap();
        assert_eq!(from.to_value_bytes(), b"\"A\" <sip:a@h>;tag=1");
        let to = ToHeader::parse("sip:b@h ;tag=2").unwrap();
        assert_eq!(to.to_value_bytes(), b"sip:b@h;tag=2");
        let text = String::from_utf8(to.to_value_bytes()).unwrap();
        assert_eq!(ToHeader::parse(&text).unwrap(), to);
        let built = Route::new(NameAddr::new(Uri::parse("sip:p.example;lr").unwrap()));
        assert_eq!(built.to_value_bytes(), b"<sip:p.example;lr>");
    }
}
