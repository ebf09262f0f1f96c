//! The phone's sockets. Every socket or connection has one thread that
//! reads it (blocking) and sends what it read to one channel; the main loop
//! drains that channel, owns the Endpoint and does every write.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use bytes::Bytes;
use sansip::endpoint::{Connect, Input, Transmit};
use sansip::resolve::{Query, QueryFailure, Record, RecordKind};
use sansip::transport::{FlowId, Transport};
use tungstenite::client::IntoClientRequest;
use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::http::HeaderValue;
use tungstenite::{Message, WebSocket};

const PROTOCOL: &str = "Sec-WebSocket-Protocol";

/// How long a WebSocket thread waits for bytes before it looks for
/// something to write.
const WS_POLL: Duration = Duration::from_millis(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// What the socket threads report.
pub(crate) enum NetEvent {
    /// Something for the Endpoint as it is: bytes received (a UDP datagram,
    /// a WebSocket message, a TCP chunk) or a DNS answer.
    Input(Input),
    /// A connection is open: one the Endpoint asked for (`ours`), or one
    /// someone opened to us (sansip learns it from its first bytes).
    Opened {
        flow: FlowId,
        writer: Writer,
        ours: bool,
    },
    /// A connection closed, or could not be opened.
    Closed { flow: FlowId, error: Option<String> },
    /// SIGINT or SIGTERM.
    Signal(i32),
}

/// The write half of a connection.
pub(crate) enum Writer {
    Tcp(TcpStream),
    Ws(Sender<WsCmd>),
}

/// What the main loop asks a WebSocket thread to do.
pub(crate) enum WsCmd {
    Send(Bytes),
    Close,
}

/// Sockets, listeners and the write halves of connections.
pub(crate) struct Net {
    pub(crate) events: Sender<NetEvent>,
    udp: Vec<(FlowId, UdpSocket)>,
    writers: BTreeMap<FlowId, Writer>,
    closed_by_us: BTreeSet<FlowId>,
    ids: Arc<AtomicU64>,
}

impl Net {
    pub(crate) fn new() -> (Net, Receiver<NetEvent>) {
        let (tx, rx) = mpsc::channel();
        let net = Net {
            events: tx,
            udp: Vec::new(),
            writers: BTreeMap::new(),
            closed_by_us: BTreeSet::new(),
            // The host's own flow ids: small numbers (sansip's have the top bit).
            ids: Arc::new(AtomicU64::new(1)),
        };
        (net, rx)
    }

    /// Binds `addr` for `transport` and starts its reader or acceptor;
    /// returns the address bound (port 0 picks one).
    pub(crate) fn listen(
        &mut self,
        transport: Transport,
        addr: SocketAddr,
    ) -> io::Result<SocketAddr> {
        let events = self.events.clone();
        let ids = self.ids.clone();
        match transport {
            Transport::Udp => {
                let socket = UdpSocket::bind(addr)?;
                let local = socket.local_addr()?;
                let flow = FlowId(ids.fetch_add(1, Ordering::Relaxed));
                let reader = socket.try_clone()?;
                self.udp.push((flow, socket));
                thread::spawn(move || udp_reader(reader, flow, local, events));
                Ok(local)
            }
            Transport::Tcp | Transport::Ws => {
                let listener = TcpListener::bind(addr)?;
                let local = listener.local_addr()?;
                thread::spawn(move || {
                    for stream in listener.incoming().flatten() {
                        let (events, flow) =
                            (events.clone(), FlowId(ids.fetch_add(1, Ordering::Relaxed)));
                        thread::spawn(move || accepted(transport, stream, flow, events));
                    }
                });
                Ok(local)
            }
            other => Err(io::Error::other(format!(
                "{other:?} is not supported by this host"
            ))),
        }
    }

    /// Opens the connection sansip asked for, in a thread of its own.
    pub(crate) fn connect(&self, c: Connect) {
        let events = self.events.clone();
        thread::spawn(move || {
            if let Err(e) = connect(&c, &events) {
                let _ = events.send(closed(c.flow, Some(e.to_string())));
            }
        });
    }

    /// A connection is open (ours or accepted): its write half.
    pub(crate) fn add_writer(&mut self, flow: FlowId, writer: Writer) {
        self.writers.insert(flow, writer);
    }

    /// A reader reported the flow closed. `false` when we closed it
    /// ourselves (sansip needs no `FlowClosed` then).
    pub(crate) fn reader_closed(&mut self, flow: FlowId) -> bool {
        self.writers.remove(&flow);
        !self.closed_by_us.remove(&flow)
    }

    /// Sends bytes where sansip says.
    pub(crate) fn transmit(&mut self, t: &Transmit) -> io::Result<()> {
        match t.flow {
            None => {
                let socket = self
                    .udp
                    .iter()
                    .find(|(_, s)| s.local_addr().is_ok_and(|a| a == t.source))
                    .or(self.udp.first())
                    .ok_or_else(|| io::Error::other("no UDP socket"))?;
                socket.1.send_to(&t.data, t.destination).map(drop)
            }
            Some(flow) => match self.writers.get_mut(&flow) {
                Some(Writer::Tcp(stream)) => stream.write_all(&t.data),
                Some(Writer::Ws(tx)) => tx
                    .send(WsCmd::Send(t.data.clone()))
                    .map_err(|_| io::Error::other("WebSocket thread gone")),
                None => Err(io::Error::other(format!(
                    "no connection for flow {}",
                    flow.0
                ))),
            },
        }
    }

    /// Closes a connection sansip gave up on.
    pub(crate) fn close(&mut self, flow: FlowId) {
        if let Some(w) = self.writers.remove(&flow) {
            self.closed_by_us.insert(flow);
            match w {
                Writer::Tcp(s) => drop(s.shutdown(std::net::Shutdown::Both)),
                Writer::Ws(tx) => drop(tx.send(WsCmd::Close)),
            }
        }
    }

    /// Answers an address query with the system resolver, in a thread.
    pub(crate) fn resolve(&self, q: Query) {
        let events = self.events.clone();
        thread::spawn(move || {
            let v4 = q.kind == RecordKind::A;
            // std has no SRV or NAPTR lookups: RFC 3263 falls back to A/AAAA.
            let records = match (q.name.as_str(), 0).to_socket_addrs() {
                _ if !matches!(q.kind, RecordKind::A | RecordKind::Aaaa) => {
                    Err(QueryFailure::NotFound)
                }
                Err(_) => Err(QueryFailure::Failed),
                Ok(addrs) => Ok(addrs
                    .filter(|a| a.is_ipv4() == v4)
                    .map(|addr| Record::Address {
                        addr,
                        transport: None,
                        ttl: 60,
                    })
                    .collect::<Vec<_>>())
                .and_then(|r| {
                    if r.is_empty() {
                        Err(QueryFailure::NotFound)
                    } else {
                        Ok(r)
                    }
                }),
            };
            let _ = events.send(NetEvent::Input(Input::Resolved {
                query: q.id,
                records,
            }));
        });
    }
}

/// Bytes received, as the Endpoint's input.
fn data(
    transport: Transport,
    flow: FlowId,
    source: SocketAddr,
    local: SocketAddr,
    data: &[u8],
) -> NetEvent {
    let data = Bytes::copy_from_slice(data);
    NetEvent::Input(Input::Receive {
        transport,
        flow,
        source,
        destination: local,
        data,
    })
}

fn closed(flow: FlowId, error: Option<String>) -> NetEvent {
    NetEvent::Closed { flow, error }
}

fn udp_reader(socket: UdpSocket, flow: FlowId, local: SocketAddr, events: Sender<NetEvent>) {
    let mut buf = vec![0u8; 65_535];
    loop {
        match socket.recv_from(&mut buf) {
            Ok((n, source)) => {
                if events
                    .send(data(Transport::Udp, flow, source, local, &buf[..n]))
                    .is_err()
                {
                    return;
                }
            }
            // ICMP port unreachable surfaces here on Linux: not fatal.
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {}
            Err(_) => return,
        }
    }
}

fn connect(c: &Connect, events: &Sender<NetEvent>) -> io::Result<()> {
    let stream = TcpStream::connect_timeout(&c.remote, CONNECT_TIMEOUT)?;
    stream.set_nodelay(true)?;
    let opened = |writer| NetEvent::Opened {
        flow: c.flow,
        writer,
        ours: true,
    };
    match c.transport {
        Transport::Tcp => {
            let _ = events.send(opened(Writer::Tcp(stream.try_clone()?)));
            tcp_reader(stream, c.flow, events);
        }
        Transport::Ws => {
            let host = c
                .server_name
                .clone()
                .unwrap_or_else(|| c.remote.to_string());
            let mut request = format!("ws://{host}/")
                .into_client_request()
                .map_err(io::Error::other)?;
            // RFC 7118 §4.1: the client asks for the "sip" subprotocol.
            request
                .headers_mut()
                .insert(PROTOCOL, HeaderValue::from_static("sip"));
            let (ws, _) = tungstenite::client(request, stream)
                .map_err(|e| io::Error::other(e.to_string()))?;
            let (tx, rx) = mpsc::channel();
            let _ = events.send(opened(Writer::Ws(tx)));
            ws_loop(ws, c.flow, rx, events);
        }
        other => {
            return Err(io::Error::other(format!(
                "{other:?} is not supported by this host"
            )))
        }
    }
    Ok(())
}

#[allow(clippy::result_large_err)] // the shape tungstenite's Callback wants
fn accepted(transport: Transport, stream: TcpStream, flow: FlowId, events: Sender<NetEvent>) {
    let _ = stream.set_nodelay(true);
    if transport == Transport::Tcp {
        let Ok(clone) = stream.try_clone() else {
            return;
        };
        let _ = events.send(NetEvent::Opened {
            flow,
            writer: Writer::Tcp(clone),
            ours: false,
        });
        return tcp_reader(stream, flow, &events);
    }
    let answer_sip =
        |request: &Request, mut response: Response| -> Result<Response, ErrorResponse> {
            let asked = request
                .headers()
                .get_all(PROTOCOL)
                .iter()
                .filter_map(|v| v.to_str().ok());
            if asked
                .flat_map(|v| v.split(','))
                .any(|p| p.trim().eq_ignore_ascii_case("sip"))
            {
                response
                    .headers_mut()
                    .insert(PROTOCOL, HeaderValue::from_static("sip"));
            }
            Ok(response)
        };
    let Ok(ws) = tungstenite::accept_hdr(stream, answer_sip) else {
        return;
    };
    let (tx, rx) = mpsc::channel();
    let _ = events.send(NetEvent::Opened {
        flow,
        writer: Writer::Ws(tx),
        ours: false,
    });
    ws_loop(ws, flow, rx, &events);
}

fn tcp_reader(mut stream: TcpStream, flow: FlowId, events: &Sender<NetEvent>) {
    let (Ok(source), Ok(local)) = (stream.peer_addr(), stream.local_addr()) else {
        let _ = events.send(closed(flow, Some("no address".into())));
        return;
    };
    let mut buf = vec![0u8; 16_384];
    let error = loop {
        match stream.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => drop(events.send(data(Transport::Tcp, flow, source, local, &buf[..n]))),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Some(e.to_string()),
        }
    };
    let _ = events.send(closed(flow, error));
}

/// Owns one WebSocket: reads with a short timeout, writes what the main
/// loop queued in between.
fn ws_loop(
    mut ws: WebSocket<TcpStream>,
    flow: FlowId,
    rx: Receiver<WsCmd>,
    events: &Sender<NetEvent>,
) {
    let (Ok(source), Ok(local)) = (ws.get_ref().peer_addr(), ws.get_ref().local_addr()) else {
        let _ = events.send(closed(flow, Some("no address".into())));
        return;
    };
    let _ = ws.get_ref().set_read_timeout(Some(WS_POLL));
    let would_block = |e: &io::Error| {
        matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        )
    };
    let error = 'run: loop {
        loop {
            match rx.try_recv() {
                // One SIP message per WebSocket message (RFC 7118 §5.2):
                // text when it is UTF-8, as browsers expect.
                Ok(WsCmd::Send(data)) => {
                    let msg = match String::from_utf8(data.to_vec()) {
                        Ok(text) => Message::text(text),
                        Err(_) => Message::binary(data),
                    };
                    if let Err(e) = ws.write(msg) {
                        break 'run Some(e.to_string());
                    }
                }
                Ok(WsCmd::Close) | Err(TryRecvError::Disconnected) => {
                    let _ = ws.close(None);
                    let _ = ws.flush();
                    break 'run Some("closed by us".into());
                }
                Err(TryRecvError::Empty) => break,
            }
        }
        match ws.flush() {
            Err(tungstenite::Error::Io(e)) if !would_block(&e) => break Some(e.to_string()),
            _ => {}
        }
        match ws.read() {
            Ok(m @ (Message::Text(_) | Message::Binary(_))) => {
                let _ = events.send(data(Transport::Ws, flow, source, local, &m.into_data()));
            }
            Ok(Message::Close(_)) => break None,
            Ok(_) => {} // ping/pong: tungstenite answers pings on the next flush
            Err(tungstenite::Error::Io(e)) if would_block(&e) => {}
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                break None
            }
            Err(e) => break Some(e.to_string()),
        }
    };
    let _ = events.send(closed(flow, error));
}
