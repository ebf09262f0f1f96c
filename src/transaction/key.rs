//! Transaction matching keys (RFC 3261 §17.1.3, §17.2.3, §8.2.2.2).

use super::TxId;
use crate::message::headers::{CSeq, FromHeader, ToHeader, Via, BRANCH_MAGIC_COOKIE};
use crate::message::{Message, Method};
use crate::rng::{Rng, TOKEN_ALPHABET};
use crate::transport::{TopVia, BRANCH_RANDOM_CHARS};

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
///
/// The branches we write are `z9hG4bK`, [`BRANCH_RANDOM_CHARS`] random
/// characters, then [`OWNER_CHARS`] base-62 characters naming the
/// [`TxId`] of the transaction the branch was made for (the INVITE's, for
/// its CANCEL). So a response leads straight to its transaction's slot,
/// with no index keyed by branch: with many live transactions, probing and
/// updating such an index cost two cache misses per response and per end,
/// and its entries about 100 bytes per transaction. The random part and
/// the method are kept and compared, so a response must still carry the
/// whole branch we sent (the random part is what keeps it unguessable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientKey {
    pub(crate) nonce: [u8; BRANCH_RANDOM_CHARS],
    /// The transaction the branch names.
    pub(crate) owner: TxId,
    pub(crate) method: Method,
}

/// Base-62 characters that end our branches: 62^11 > 2^64.
pub(crate) const OWNER_CHARS: usize = 11;

impl ClientKey {
    /// A key with a new random part, for a transaction `owner` sending
    /// `method`.
    pub(crate) fn new(rng: &mut Rng, owner: TxId, method: Method) -> ClientKey {
        let mut nonce = [0u8; BRANCH_RANDOM_CHARS];
        rng.fill_token(&mut nonce);
        ClientKey {
            nonce,
            owner,
            method,
        }
    }

    /// The branch parameter this key stands for.
    pub(crate) fn branch(&self) -> String {
        let mut b =
            String::with_capacity(BRANCH_MAGIC_COOKIE.len() + BRANCH_RANDOM_CHARS + OWNER_CHARS);
        b.push_str(BRANCH_MAGIC_COOKIE);
        b.extend(self.nonce.iter().map(|&c| char::from(c)));
        let mut owner = [0u8; OWNER_CHARS];
        let mut v = self.owner.0;
        for c in owner.iter_mut().rev() {
            *c = TOKEN_ALPHABET[(v % 62) as usize];
            v /= 62;
        }
        b.extend(owner.iter().map(|&c| char::from(c)));
        b
    }

    /// The key of a response; `None` when it has no usable top Via or CSeq,
    /// or a branch we cannot have written (such a response matches nothing
    /// and is dropped).
    pub(crate) fn of_response(resp: &Message) -> Option<ClientKey> {
        let via = resp.header::<Via>().ok()?;
        let cseq = resp.header::<CSeq>().ok()?;
        let (nonce, owner) = parse_branch(via.branch()?.as_bytes())?;
        Some(ClientKey {
            nonce,
            owner,
            method: cseq.method,
        })
    }
}

/// The random part and the owner of a branch in our format.
fn parse_branch(branch: &[u8]) -> Option<([u8; BRANCH_RANDOM_CHARS], TxId)> {
    let rest = branch.strip_prefix(BRANCH_MAGIC_COOKIE.as_bytes())?;
    if rest.len() != BRANCH_RANDOM_CHARS + OWNER_CHARS {
        return None;
    }
    let (random, owner) = rest.split_at(BRANCH_RANDOM_CHARS);
    let mut nonce = [0u8; BRANCH_RANDOM_CHARS];
    nonce.copy_from_slice(random);
    let mut v: u64 = 0;
    for &c in owner {
        // The digits of `TOKEN_ALPHABET`, in its order.
        let digit = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A' + 10,
            b'a'..=b'z' => c - b'a' + 36,
            _ => return None,
        };
        let digit = u64::from(digit);
        v = v.checked_mul(62)?.checked_add(digit)?;
    }
    Some((nonce, TxId(v)))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn response_with_branch(branch: &str, method: &str) -> Message {
        let text = format!(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch={branch}\r\n\
             From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\nCall-ID: c\r\n\
             CSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n"
        );
        Message::parse(bytes::Bytes::from(text)).expect("parses")
    }

    #[test]
    fn a_branch_names_its_transaction_and_reads_back_as_the_same_key() {
        let mut rng = Rng::new(7);
        for owner in [0, 1, 61, 62, u64::from(u32::MAX), u64::MAX] {
            let key = ClientKey::new(&mut rng, TxId(owner), Method::Options);
            let branch = key.branch();
            assert!(branch.starts_with("z9hG4bK"), "{branch}");
            assert_eq!(branch.len(), 7 + BRANCH_RANDOM_CHARS + OWNER_CHARS);
            assert!(branch[7..].bytes().all(|b| b.is_ascii_alphanumeric()));
            let read = ClientKey::of_response(&response_with_branch(&branch, "OPTIONS"));
            assert_eq!(read, Some(key));
        }
    }

    #[test]
    fn branches_we_cannot_have_written_name_no_transaction() {
        let key = ClientKey::new(&mut Rng::new(1), TxId(5), Method::Invite);
        let ours = key.branch();
        let too_big = format!("z9hG4bK{}zzzzzzzzzzz", "a".repeat(BRANCH_RANDOM_CHARS));
        let bad_char = format!("{}-", &ours[..ours.len() - 1]);
        let no_cookie = ours.replacen("z9hG4bK", "z9hG4bk", 1);
        let short = ours[..ours.len() - 1].to_owned();
        for branch in [too_big, bad_char, no_cookie, short, "z9hG4bK".to_owned()] {
            assert_eq!(
                ClientKey::of_response(&response_with_branch(&branch, "INVITE")),
                None,
                "{branch}"
            );
        }
        // The method comes from the CSeq, not the branch.
        let cancel = ClientKey::of_response(&response_with_branch(&ours, "CANCEL")).unwrap();
        assert_eq!((cancel.owner, &cancel.method), (TxId(5), &Method::Cancel));
        assert_ne!(cancel, key);
    }
}
