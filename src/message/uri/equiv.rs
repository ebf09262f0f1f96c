//! URI equivalence: RFC 3261 §19.1.4 for SIP and SIPS URIs, RFC 3966 §4
//! for tel URIs.

use super::escape::{component_eq, unescape};
use super::tel::is_visual_separator;
use super::{SipUri, TelUri, Uri};
use crate::message::Params;

/// uri-parameters that must match when either URI has them (RFC 3261
/// §19.1.4: user, ttl, method and maddr; transport because a URI without it
/// can resolve to another transport).
const MUST_MATCH: [&str; 5] = ["user", "ttl", "method", "maddr", "transport"];

impl Uri<'_> {
    /// Whether two URIs are equivalent by the comparison rules of RFC 3261
    /// §19.1.4 (SIP, SIPS) or RFC 3966 §4 (tel):
    ///
    /// - `sip` never matches `sips`, nor a tel URI;
    /// - the user and password are compared with case, everything else
    ///   without; a `%HH` escape equals the character it stands for unless
    ///   that character is reserved (`;/?:@&=+$,`);
    /// - user, password, host and port must all match (an absent port does
    ///   not match 5060);
    /// - a `user`, `ttl`, `method`, `maddr` or `transport` parameter in only
    ///   one URI makes them differ; other parameters in only one are
    ///   ignored; parameters in both must have equal values; order does not
    ///   matter;
    /// - URI headers must be the same set (names without case, values with
    ///   case: the per-header rules of §20 are not applied).
    ///
    /// Other schemes are compared by scheme (without case) and the rest
    /// (unescaped where unreserved, with case).
    ///
    /// ```
    /// use sansip::message::Uri;
    /// let eq = |a, b| Uri::parse(a).unwrap().equivalent(&Uri::parse(b).unwrap());
    /// assert!(eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
    /// assert!(!eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
    /// ```
    pub fn equivalent(&self, other: &Uri<'_>) -> bool {
        match (self, other) {
            (Uri::Sip(a), Uri::Sip(b)) => sip_equivalent(a, b),
            (Uri::Tel(a), Uri::Tel(b)) => tel_equivalent(a, b),
            (
                Uri::Other {
                    scheme: sa,
                    rest: ra,
                },
                Uri::Other {
                    scheme: sb,
                    rest: rb,
                },
            ) => sa.eq_ignore_ascii_case(sb) && component_eq(ra, rb, false),
            _ => false,
        }
    }
}

fn opt_eq(a: Option<&str>, b: Option<&str>, ignore_case: bool) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => component_eq(x, y, ignore_case),
        _ => false,
    }
}

/// The first parameter whose name matches `name` (without case, escapes of
/// unreserved characters decoded).
fn find<'p>(params: &Params<'p>, name: &str) -> Option<Option<&'p str>> {
    params
        .iter()
        .find(|(n, _)| component_eq(n, name, true))
        .map(|(_, v)| v)
}

fn sip_equivalent(a: &SipUri<'_>, b: &SipUri<'_>) -> bool {
    a.secure == b.secure
        && opt_eq(a.user, b.user, false)
        && opt_eq(a.password, b.password, false)
        && a.host == b.host
        && a.port == b.port
        && sip_params_match(&a.params, &b.params)
        && sip_params_match(&b.params, &a.params)
        && headers_within(&a.headers, &b.headers)
        && headers_within(&b.headers, &a.headers)
}

/// Every parameter of `a` matches its namesake in `b`, or may be missing
/// from `b`. When a name is repeated, the first occurrence counts.
fn sip_params_match(a: &Params<'_>, b: &Params<'_>) -> bool {
    a.iter().all(|(name, value)| {
        let value = find(a, name).unwrap_or(value);
        match find(b, name) {
            Some(v) => opt_eq(value, v, true),
            None => !MUST_MATCH.iter().any(|m| component_eq(name, m, true)),
        }
    })
}

/// Every URI header of `a` is also in `b` with an equal value.
fn headers_within(a: &Params<'_>, b: &Params<'_>) -> bool {
    a.iter().all(|(name, value)| {
        b.iter().any(|(n, v)| {
            component_eq(name, n, true)
                && component_eq(value.unwrap_or_default(), v.unwrap_or_default(), false)
        })
    })
}

/// Numbers compared without visual separators and without case.
fn number_eq(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> Vec<u8> {
        unescape(s)
            .iter()
            .filter(|&&c| !is_visual_separator(c))
            .map(u8::to_ascii_lowercase)
            .collect()
    };
    norm(a) == norm(b)
}

fn tel_equivalent(a: &TelUri<'_>, b: &TelUri<'_>) -> bool {
    number_eq(a.number, b.number) && tel_params_within(a, b) && tel_params_within(b, a)
}

/// RFC 3966 §4: every parameter of `a` must be in `b` with an equal value
/// (without case; a `phone-context` number without visual separators).
fn tel_params_within(a: &TelUri<'_>, b: &TelUri<'_>) -> bool {
    a.params.iter().all(|(name, value)| {
        let value = find(&a.params, name).unwrap_or(value);
        match (value, find(&b.params, name)) {
            (_, None) => false,
            (Some(x), Some(Some(y)))
                if name.eq_ignore_ascii_case("phone-context") && x.starts_with('+') =>
            {
                number_eq(x, y)
            }
            (_, Some(v)) => opt_eq(value, v, true),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq(a: &str, b: &str) -> bool {
        let (ua, ub) = (Uri::parse(a).unwrap(), Uri::parse(b).unwrap());
        let forward = ua.equivalent(&ub);
        assert_eq!(
            forward,
            ub.equivalent(&ua),
            "equivalence must be symmetric: {a} / {b}"
        );
        forward
    }

    #[test]
    fn rfc_3261_section_19_1_4_equivalent_sets() {
        assert!(eq(
            "sip:%61lice@atlanta.com;transport=TCP",
            "sip:alice@AtLanTa.CoM;Transport=tcp"
        ));
        for other in [
            "sip:carol@chicago.com;newparam=5",
            "sip:carol@chicago.com;security=on",
        ] {
            assert!(eq("sip:carol@chicago.com", other));
        }
        assert!(eq(
            "sip:carol@chicago.com;newparam=5",
            "sip:carol@chicago.com;security=on"
        ));
        assert!(eq(
            "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
            "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
        ));
        assert!(eq(
            "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
            "sip:alice@atlanta.com?priority=urgent&subject=project%20x",
        ));
    }

    #[test]
    fn rfc_3261_section_19_1_4_not_equivalent_sets() {
        let pairs = [
            (
                "SIP:ALICE@AtLanTa.CoM;Transport=udp",
                "sip:alice@AtLanTa.CoM;Transport=UDP",
            ),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),
            (
                "sip:bob@biloxi.com",
                "sip:bob@biloxi.com:6000;transport=tcp",
            ),
            (
                "sip:carol@chicago.com",
                "sip:carol@chicago.com?Subject=next%20meeting",
            ),
            ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),
        ];
        for (a, b) in pairs {
            assert!(!eq(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn further_parameter_and_component_rules() {
        assert!(!eq("sip:a@h", "sips:a@h"));
        assert!(!eq("sip:a@h", "sip:h"));
        assert!(!eq("sip:a:pw@h", "sip:a@h"));
        assert!(!eq("sip:a:pw@h", "sip:a:PW@h"));
        for p in ["user=phone", "ttl=1", "method=INVITE", "maddr=192.0.2.1"] {
            assert!(!eq("sip:a@h", &format!("sip:a@h;{p}")), "{p}");
        }
        assert!(eq("sip:a@h;lr", "sip:a@h"));
        assert!(!eq("sip:a@h;x=1", "sip:a@h;x=2"));
        assert!(!eq("sip:a@h;lr", "sip:a@h;lr=on"));
        assert!(eq("sip:a@h;%6Cr=%41", "sip:a@h;lr=a"));
        // An escaped reserved character is not the character itself.
        assert!(!eq("sip:a%3Bb@h", "sip:a;b@h"));
        assert!(eq("sip:a%3bb@h", "sip:a%3Bb@h"));
        assert!(!eq("sip:h?a=b", "sip:h?a=B"));
        assert!(!eq("sip:h?a=b", "sip:h?a=b&c=d"));
        assert!(eq("sip:[2001:db8::1]", "sip:[2001:DB8:0::1]"));
        // A repeated parameter: the first occurrence counts.
        assert!(eq("sip:h;x=1;x=2", "sip:h;x=1"));
        assert!(eq("tel:+1;a=1;a=2", "tel:+1;a=1;a=2"));
    }

    #[test]
    fn tel_and_other_schemes() {
        assert!(eq("tel:+1-201-555-0123", "tel:+1(201)5550123"));
        assert!(eq(
            "tel:7042;phone-context=EXAMPLE.com",
            "tel:7042;Phone-Context=example.com"
        ));
        assert!(eq(
            "tel:7042;phone-context=+1-201",
            "tel:7042;phone-context=+1201"
        ));
        assert!(!eq("tel:+1201", "tel:+1201;ext=1"));
        assert!(!eq("tel:+1201", "tel:+1202"));
        assert!(!eq("tel:+1201", "sip:+1201@h;user=phone"));
        assert!(eq("URN:service:sos", "urn:service:s%6Fs"));
        assert!(!eq("urn:service:sos", "urn:service:SOS"));
        assert!(!eq("urn:a", "mailto:a"));
    }
}
