//! Parses a SIP message from a file and prints what sansip sees in it.
//!
//! ```text
//! cargo run --example parse -- benches/corpus/01-invite-audio.sip
//! ```
//!
//! The file holds one message as it appeared on the wire (CRLF line ends).
//! Exit status 1 and the error (with its byte offset) if it does not parse.

use bytes::Bytes;
use sansip::message::{
    headers::{CSeq, Contact, ContentType, FromHeader, ToHeader, Via},
    Message, NameAddr,
};

/// `"Display Name" <uri>;tag=...` as one readable line.
fn party(addr: &NameAddr<'_>, tag: Option<&str>) -> String {
    let name = addr
        .display_name_unquoted()
        .map(|n| format!("\"{n}\" "))
        .unwrap_or_default();
    format!("{name}<{}> tag={}", addr.uri, tag.unwrap_or("-"))
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse FILE");
        std::process::exit(2);
    };
    let raw = match std::fs::read(&path) {
        Ok(r) => Bytes::from(r),
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let msg = match Message::parse(raw) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{path}: not a valid SIP message: {e}");
            std::process::exit(1);
        }
    };
    match (msg.method(), msg.status()) {
        (Some(m), _) => println!(
            "request  {} {}",
            m,
            msg.request_uri_str().unwrap_or("<non-UTF-8 URI>")
        ),
        (None, Some(code)) => println!(
            "response {} {}",
            code,
            String::from_utf8_lossy(msg.reason().unwrap_or_default())
        ),
        (None, None) => unreachable!("a message is a request or a response"),
    }
    println!("version  {}", String::from_utf8_lossy(msg.version()));
    for (k, via) in msg.headers::<Via>().enumerate() {
        match via {
            Ok(v) => println!(
                "via[{k}]   {} {}{} branch={}",
                v.transport,
                v.host,
                v.port.map(|p| format!(":{p}")).unwrap_or_default(),
                v.branch().unwrap_or("-")
            ),
            Err(e) => println!("via[{k}]   invalid: {e}"),
        }
    }
    match msg.header::<FromHeader>() {
        Ok(f) => println!("from     {}", party(&f.addr, f.tag())),
        Err(e) => println!("from     {e}"),
    }
    match msg.header::<ToHeader>() {
        Ok(t) => println!("to       {}", party(&t.addr, t.tag())),
        Err(e) => println!("to       {e}"),
    }
    for contact in msg.headers::<Contact>() {
        match contact {
            Ok(c) if c.is_star() => println!("contact  *"),
            Ok(c) => println!(
                "contact  {} expires={}",
                c.uri().map(ToString::to_string).unwrap_or_default(),
                c.expires().map_or("-".to_string(), |e| e.to_string())
            ),
            Err(e) => println!("contact  {e}"),
        }
    }
    println!("call-id  {}", msg.call_id().unwrap_or("-"));
    match msg.header::<CSeq>() {
        Ok(c) => println!("cseq     {} {}", c.seq, c.method),
        Err(e) => println!("cseq     {e}"),
    }
    println!("fields   {}", msg.field_count());
    for f in msg.fields() {
        println!(
            "  {:<22} {}",
            format!("{}:", String::from_utf8_lossy(f.name_bytes)),
            String::from_utf8_lossy(f.value).replace("\r\n", "\\r\\n")
        );
    }
    let ctype = msg
        .header_opt::<ContentType>()
        .ok()
        .flatten()
        .map(|c| format!(" ({}/{})", c.media_type, c.subtype))
        .unwrap_or_default();
    println!("body     {} bytes{ctype}", msg.body().len());
}
