//! Who we are on the wire: the AOR, the Contact per transport, the Via
//! sent-by, the preloaded route set. Checked once, in `Endpoint::new`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::config::{Config, ConfigError, LocalAddr};
use crate::message::{Host, Uri};
use crate::transport::{SentBy, Transport};

#[derive(Debug, Clone)]
pub(crate) struct Identity {
    /// The AOR as configured.
    pub(crate) aor: String,
    pub(crate) aor_user: String,
    /// `sip:` or `sips:` plus the AOR's host part (and port): the
    /// registrar's URI by default (RFC 3261 §10.2).
    pub(crate) domain_uri: String,
    pub(crate) display_name: Option<String>,
    pub(crate) contact_user: String,
    /// The `.invalid` host of a WebSocket client (RFC 7118 §5).
    pub(crate) ws_host: String,
    /// Route values, outbound proxy first, each `<uri>` with `lr`.
    pub(crate) routes: Vec<String>,
    pub(crate) local: Vec<LocalAddr>,
}

fn no_line_break(setting: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.bytes().any(|b| b.is_ascii_control()) {
        return Err(ConfigError::BadText {
            setting,
            value: value.to_owned(),
        });
    }
    Ok(())
}

/// `<uri>` with `;lr` added when missing: a preloaded route must be a
/// loose router for the Request-URI to stay the target (RFC 3261 §8.1.2).
pub(crate) fn route_value(uri: &str) -> Result<String, ConfigError> {
    let bad = || ConfigError::BadRoute {
        uri: uri.to_owned(),
    };
    let trimmed = uri.trim().trim_start_matches('<').trim_end_matches('>');
    no_line_break("route", trimmed).map_err(|_| bad())?;
    let parsed = Uri::parse(trimmed).map_err(|_| bad())?;
    let sip = parsed.as_sip().ok_or_else(bad)?;
    if sip.lr() {
        Ok(format!("<{trimmed}>"))
    } else if !sip.headers.is_empty() {
        Err(bad())
    } else {
        Ok(format!("<{trimmed};lr>"))
    }
}

impl Identity {
    pub(crate) fn new(config: &Config, ws_host: String) -> Result<Identity, ConfigError> {
        let bad_aor = || ConfigError::BadAor {
            aor: config.aor.clone(),
        };
        no_line_break("aor", &config.aor).map_err(|_| bad_aor())?;
        let uri = Uri::parse(&config.aor).map_err(|_| bad_aor())?;
        let sip = uri.as_sip().ok_or_else(bad_aor)?;
        let aor_user = sip.user.ok_or_else(bad_aor)?.to_owned();
        let mut domain_uri = format!("{}:{}", uri.scheme(), sip.host);
        if let Some(port) = sip.port {
            domain_uri.push_str(&format!(":{port}"));
        }
        if config.local.is_empty() {
            return Err(ConfigError::NoLocalAddress);
        }
        if let Some(name) = &config.display_name {
            no_line_break("display_name", name)?;
        }
        no_line_break("user_agent", &config.user_agent)?;
        let contact_user = config.contact_user.clone().unwrap_or(aor_user.clone());
        if contact_user.is_empty()
            || !contact_user
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()&=+$,;?/%".contains(&b))
        {
            return Err(ConfigError::BadText {
                setting: "contact_user",
                value: contact_user,
            });
        }
        if let Some(id) = &config.instance_id {
            if id
                .bytes()
                .any(|b| b == b'"' || b == b'>' || b.is_ascii_control())
            {
                return Err(ConfigError::BadText {
                    setting: "instance_id",
                    value: id.clone(),
                });
            }
        }
        use crate::message::grammar::is_token;
        let lists: [(&'static str, &Vec<String>); 2] =
            [("supported", &config.supported), ("events", &config.events)];
        for (setting, list) in lists {
            if let Some(bad) = list.iter().find(|t| !is_token(t.as_str())) {
                return Err(ConfigError::BadText {
                    setting,
                    value: bad.clone(),
                });
            }
        }
        let media_type = |t: &String| {
            t.split_once('/')
                .is_some_and(|(a, b)| is_token(a) && is_token(b))
        };
        if let Some(bad) = config.messages.accept.iter().find(|t| !media_type(t)) {
            return Err(ConfigError::BadText {
                setting: "messages.accept",
                value: bad.clone(),
            });
        }
        let t = config.timers;
        if t.t1.is_zero() || t.t2 < t.t1 || t.t4.is_zero() {
            return Err(ConfigError::BadTimers {
                t1: t.t1,
                t2: t.t2,
                t4: t.t4,
            });
        }
        let f = config.refresh_fraction;
        if !(f > 0.0 && f <= 1.0) {
            return Err(ConfigError::BadRefreshFraction(f));
        }
        let mut routes = Vec::new();
        if let Some(proxy) = &config.outbound_proxy {
            routes.push(route_value(proxy)?);
        }
        for r in &config.route_set {
            routes.push(route_value(r)?);
        }
        Ok(Identity {
            aor: config.aor.clone(),
            aor_user,
            domain_uri,
            display_name: config.display_name.clone(),
            contact_user,
            ws_host,
            routes,
            local: config.local.clone(),
        })
    }

    /// Our address for `transport` towards `remote`: same address family
    /// first.
    pub(crate) fn local_for(&self, transport: Transport, remote: SocketAddr) -> Option<SocketAddr> {
        let of = |t: Transport| self.local.iter().filter(move |l| l.transport == t);
        of(transport)
            .find(|l| l.addr.is_ipv4() == remote.is_ipv4())
            .or_else(|| of(transport).next())
            .map(|l| l.addr)
    }

    /// The source address of a flow whose local address the host did not
    /// say: any of ours, else the unspecified address.
    pub(crate) fn ws_sent_by_addr(&self) -> SocketAddr {
        self.local
            .first()
            .map_or(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0), |l| {
                l.addr
            })
    }

    /// Where we say we are, in Via and Contact, for `transport`: our
    /// listening address for it, else (a client-only WebSocket or TCP
    /// transport) the `.invalid` name: responses come back on the flow.
    pub(crate) fn sent_by(&self, transport: Transport, remote: SocketAddr) -> SentBy<'_> {
        match self.local_for(transport, remote) {
            Some(a) => SentBy::from(a),
            None => SentBy::new(Host::Domain(&self.ws_host), None),
        }
    }

    /// Our Contact URI for requests over `transport` to `remote`.
    pub(crate) fn contact_uri(&self, transport: Transport, remote: SocketAddr, ob: bool) -> String {
        let sent_by = self.sent_by(transport, remote);
        let scheme = if transport == Transport::Tls || transport == Transport::Wss {
            "sips"
        } else {
            "sip"
        };
        let mut uri = format!("{scheme}:{}@{}", self.contact_user, sent_by.host);
        if let Some(port) = sent_by.port {
            uri.push_str(&format!(":{port}"));
        }
        match transport {
            Transport::Udp => {}
            Transport::Tcp | Transport::Tls => uri.push_str(";transport=tcp"),
            Transport::Ws | Transport::Wss => uri.push_str(";transport=ws"),
        }
        if ob {
            uri.push_str(";ob");
        }
        uri
    }

    /// The From value with `tag`.
    pub(crate) fn our_from(&self, tag: &str) -> String {
        match &self.display_name {
            Some(name) => format!(
                "\"{}\" <{}>;tag={tag}",
                name.replace('\\', "\\\\").replace('"', "\\\""),
                self.aor
            ),
            None => format!("<{}>;tag={tag}", self.aor),
        }
    }
}
