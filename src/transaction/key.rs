//! Transaction matching keys (RFC 3261 §17.1.3, §17.2.3, §8.2.2.2).

use std::hash::{Hash, Hasher};

use smallvec::SmallVec;

use crate::message::headers::{CSeq, FromHeader, ToHeader, Via};
use crate::message::{Message, Method};
use crate::transport::TopVia;

/// The method a transaction is keyed under: an ACK belongs to the INVITE
/// transaction it acknowledges.
fn tx_method(method: &Method) -> Method {
    match method {
        Method::Ack => Method::Invite,
        m => m.clone(),
    }
}

/// What matches a response to a client transaction (§17.1.3): the branch
/// of the top Via and the CSeq method.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ClientKey {
    pub(crate) branch: Branch,
    pub(crate) method: Method,
}

/// A Via branch, inline up to 32 bytes (ours are 24). Ending a client
/// transaction hashes its key and compares it with the index's copy; with
/// a heap string each of those reads a block of its own, a cache miss
/// apiece when many transactions are live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Branch(SmallVec<[u8; 32]>);

impl Branch {
    pub(crate) fn new(branch: &str) -> Branch {
        Branch(SmallVec::from_slice(branch.as_bytes()))
    }

    pub(crate) fn as_str(&self) -> &str {
        // Made from a `str`, so always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Hash for Branch {
    // As a `str`, the way the `String` it replaces hashed.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl ClientKey {
    /// The key of a response; `None` when it has no usable top Via or CSeq
    /// (such a response matches nothing and is dropped).
    pub(crate) fn of_response(resp: &Message) -> Option<ClientKey> {
        let via = resp.header::<Via>().ok()?;
        let cseq = resp.header::<CSeq>().ok()?;
        Some(ClientKey {
            branch: Branch::new(via.branch()?),
            method: cseq.method,
        })
    }
}

/// What matches a request to a server transaction (§17.2.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ServerKey {
    /// RFC 3261 branch (magic cookie): branch, sent-by, method.
    Branch {
        branch: String,
        sent_by: String,
        method: Method,
    },
    /// RFC 2543 peers (no magic cookie): Request-URI, From tag, Call-ID,
    /// CSeq number and top Via as a whole, plus the method. The To tag is
    /// left out here: for an ACK it is checked against the tag of the
    /// response the transaction sent (§17.2.3).
    Rfc2543 {
        request_uri: String,
        from_tag: String,
        call_id: String,
        cseq: u32,
        top_via: String,
        method: Method,
    },
}

impl ServerKey {
    /// The key of a request, with an ACK keyed as its INVITE. `None` if
    /// the request lacks what matching needs (the layer answers 400).
    pub(crate) fn of_request(req: &Message) -> Option<ServerKey> {
        let via = req.header::<Via>().ok()?;
        let method = tx_method(req.method()?);
        if via.has_magic_cookie() {
            let sent_by = match via.port {
                Some(p) => format!("{}:{p}", via.host),
                None => via.host.to_string(),
            };
            return Some(ServerKey::Branch {
                branch: via.branch()?.to_owned(),
                sent_by: sent_by.to_ascii_lowercase(),
                method,
            });
        }
        let cseq = req.header::<CSeq>().ok()?;
        let first_via = TopVia::locate(req).ok()?.value;
        Some(ServerKey::Rfc2543 {
            request_uri: req.request_uri_str()?.to_owned(),
            from_tag: req
                .header::<FromHeader>()
                .ok()
                .and_then(|f| f.tag().map(str::to_owned))
                .unwrap_or_default(),
            call_id: req.call_id()?.to_owned(),
            cseq: cseq.seq,
            top_via: first_via.to_owned(),
            method,
        })
    }

    /// The key of the INVITE transaction a CANCEL targets (§9.2): the
    /// CANCEL's own key with the method INVITE.
    pub(crate) fn invite_for_cancel(cancel_key: &ServerKey) -> ServerKey {
        let mut k = cancel_key.clone();
        match &mut k {
            ServerKey::Branch { method, .. } | ServerKey::Rfc2543 { method, .. } => {
                *method = Method::Invite
            }
        }
        k
    }
}

/// From tag, Call-ID and CSeq of a request without a To tag: a second
/// request with the same values but another transaction key is a merged
/// request (§8.2.2.2), answered 482.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct MergeKey {
    from_tag: String,
    call_id: String,
    cseq: u32,
    method: Method,
}

impl MergeKey {
    /// `None` when the request has a To tag (it is in a dialog) or lacks a
    /// field the check needs.
    pub(crate) fn of_request(req: &Message) -> Option<MergeKey> {
        let to = req.header::<ToHeader>().ok()?;
        if to.tag().is_some() {
            return None;
        }
        let method = req.method()?;
        if *method == Method::Ack || *method == Method::Cancel {
            return None;
        }
        let cseq = req.header::<CSeq>().ok()?;
        Some(MergeKey {
            from_tag: req.header::<FromHeader>().ok()?.tag()?.to_owned(),
            call_id: req.call_id()?.to_owned(),
            cseq: cseq.seq,
            method: cseq.method,
        })
    }
}
