//! The session description: lines kept as slices of the received buffer.

use bytes::Bytes;

use super::attributes::{Attribute, Direction, SdpAttribute};
use super::error::{FieldError, SdpError};
use super::fields::{Bandwidth, Connection, MediaLine, Origin, Timing};
use super::parse::{self, SdpLimits};
use crate::message::ValueError;

/// One `<type>=<value>` line.
///
/// A parsed line's value is a [`Bytes`] slice of the received buffer (no
/// copy); a built one owns its bytes. The value is kept exactly as
/// received, so lines this crate does not understand are written back
/// unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    kind: u8,
    value: Bytes,
    /// 1-based line number in the parsed input; 0 for a built line.
    number: u32,
}

impl Line {
    /// A new line. The type must be an ASCII letter and the value must not
    /// hold a line break or NUL.
    ///
    /// ```
    /// use sansip::sdp::Line;
    /// let l = Line::new('a', "rtcp-mux")?;
    /// assert_eq!((l.kind(), l.value()), ('a', &b"rtcp-mux"[..]));
    /// assert!(Line::new('a', "x\r\ny=1").is_err());
    /// # Ok::<(), sansip::sdp::SdpError>(())
    /// ```
    pub fn new(kind: char, value: impl Into<Bytes>) -> Result<Line, SdpError> {
        let value = value.into();
        if !kind.is_ascii_alphabetic() {
            return Err(SdpError::InvalidValue {
                kind,
                expected: "an ASCII letter as line type",
            });
        }
        if value.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(SdpError::InvalidValue {
                kind,
                expected: "a value without CR, LF or NUL",
            });
        }
        Ok(Line {
            kind: kind as u8,
            value,
            number: 0,
        })
    }

    pub(crate) fn parsed(kind: u8, value: Bytes, number: usize) -> Line {
        Line {
            kind,
            value,
            number: u32::try_from(number).unwrap_or(u32::MAX),
        }
    }

    /// The line type (`v`, `o`, `a`, ...).
    pub fn kind(&self) -> char {
        char::from(self.kind)
    }

    /// The value as received (or built).
    pub fn value(&self) -> &[u8] {
        &self.value
    }

    /// The value as text, if it is UTF-8.
    pub fn value_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.value).ok()
    }

    /// The value as a shared slice of the buffer.
    pub fn value_bytes(&self) -> &Bytes {
        &self.value
    }

    /// The 1-based line number this line had in the parsed input, or
    /// `None` for a built line.
    pub fn number(&self) -> Option<usize> {
        (self.number > 0).then_some(self.number as usize)
    }

    /// The attribute, for an `a=` line with a UTF-8 value.
    pub fn attribute(&self) -> Option<Attribute<'_>> {
        if self.kind != b'a' {
            return None;
        }
        self.value_str().map(Attribute::parse)
    }

    /// Parses the value with `f`, turning a failure into a [`FieldError`]
    /// that names this line.
    pub(crate) fn typed<'a, T>(
        &'a self,
        field: &'static str,
        f: impl FnOnce(&'a str) -> Result<T, ValueError>,
    ) -> Result<T, FieldError> {
        let text = self
            .value_str()
            .ok_or(ValueError::new(0, "UTF-8 text"))
            .and_then(f);
        text.map_err(|e| FieldError::from_value(e, field, self.number()))
    }

    /// The typed attribute `T`, if this is an `a=<T::NAME>:` line.
    pub(crate) fn typed_attribute<'a, T: SdpAttribute<'a>>(
        &'a self,
    ) -> Option<Result<T, FieldError>> {
        let a = self.attribute()?;
        if a.name != T::NAME {
            return None;
        }
        let name_len = T::NAME.len() + 1;
        let value = a.value.unwrap_or_default();
        Some(T::parse(value).map_err(|e| FieldError {
            line: self.number(),
            field: T::NAME,
            offset: e.offset + name_len,
            expected: e.expected,
        }))
    }
}

/// Where a line type goes in its section: the order RFC 8866 §5 gives.
/// Types it does not list go last, beside the attributes.
pub(crate) fn session_rank(kind: u8) -> u8 {
    b"vosiuepcbtrzka"
        .iter()
        .position(|&k| k == kind)
        .map_or(14, |p| p as u8)
}

pub(crate) fn media_rank(kind: u8) -> u8 {
    b"micbka"
        .iter()
        .position(|&k| k == kind)
        .map_or(6, |p| p as u8)
}

/// Inserts `line` after every line of the same or an earlier rank, so that
/// built descriptions keep the order the grammar requires.
fn insert_ranked(lines: &mut Vec<Line>, line: Line, rank: fn(u8) -> u8) {
    let r = rank(line.kind);
    let at = lines
        .iter()
        .rposition(|l| rank(l.kind) <= r)
        .map_or(0, |p| p + 1);
    lines.insert(at, line);
}

/// The typed attribute accessors shared by the session and media sections.
macro_rules! attribute_accessors {
    () => {
        /// Adds `a=<name>[:<value>]` to this section.
        pub fn push_attribute(&mut self, name: &str, value: Option<&str>) -> Result<(), SdpError> {
            self.push_line('a', attribute_text(name, value))
        }

        /// Adds a typed attribute to this section.
        pub fn push_attr<'a, T: SdpAttribute<'a>>(&mut self, attr: &T) -> Result<(), SdpError> {
            self.push_attribute(T::NAME, Some(&attr.to_string()))
        }

        /// The attributes of this section, in order (lines whose value is
        /// not UTF-8 are skipped).
        pub fn attributes(&self) -> impl Iterator<Item = Attribute<'_>> {
            self.lines().iter().filter_map(Line::attribute)
        }

        /// The first attribute named `name`.
        pub fn attribute(&self, name: &str) -> Option<Attribute<'_>> {
            self.attributes().find(|a| a.name == name)
        }

        /// Whether a flag (or any) attribute named `name` is present.
        pub fn has_attribute(&self, name: &str) -> bool {
            self.attribute(name).is_some()
        }

        /// The first attribute of type `T`, parsed.
        pub fn attr<'a, T: SdpAttribute<'a>>(&'a self) -> Option<Result<T, FieldError>> {
            self.lines().iter().find_map(Line::typed_attribute::<T>)
        }

        /// Every attribute of type `T`, parsed.
        pub fn attrs<'a, T: SdpAttribute<'a> + 'a>(
            &'a self,
        ) -> impl Iterator<Item = Result<T, FieldError>> + 'a {
            self.lines().iter().filter_map(Line::typed_attribute::<T>)
        }

        /// The direction attribute written in this section, if any.
        pub fn direction(&self) -> Option<Direction> {
            self.attributes().find_map(|a| {
                a.value
                    .is_none()
                    .then(|| Direction::from_name(a.name))
                    .flatten()
            })
        }

        /// The `b=` lines, parsed.
        pub fn bandwidths(&self) -> impl Iterator<Item = Result<Bandwidth<'_>, FieldError>> {
            self.lines()
                .iter()
                .filter(|l| l.kind == b'b')
                .map(|l| l.typed("b=", Bandwidth::parse))
        }

        /// The `c=` line, parsed, if there is one.
        pub fn connection(&self) -> Option<Result<Connection<'_>, FieldError>> {
            self.line('c').map(|l| l.typed("c=", Connection::parse))
        }

        /// The first line of type `kind`.
        pub fn line(&self, kind: char) -> Option<&Line> {
            self.lines().iter().find(|l| l.kind() == kind)
        }
    };
}

/// A session description (RFC 8866): the session-level lines and the media
/// sections, each line kept as received.
///
/// [`Sdp::parse`] copies nothing: every line is a slice of the buffer and
/// typed views ([`Sdp::origin`], [`Media::attr`], ...) are parsed when
/// asked for. An unmodified description serializes to exactly the bytes it
/// was parsed from; once changed, every line is written with a CRLF end,
/// unknown lines and attributes byte for byte as received.
///
/// ```
/// use bytes::Bytes;
/// use sansip::sdp::{Direction, Rtpmap, Sdp};
///
/// let raw = Bytes::from_static(b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n\
///     t=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendonly\r\n");
/// let mut sdp = Sdp::parse(raw.clone())?;
/// assert_eq!(sdp.origin()?.session_version, 1);
/// let audio = &sdp.media()[0];
/// assert_eq!((audio.kind(), audio.port()), ("audio", 4000));
/// assert_eq!(audio.direction(), Some(Direction::SendOnly));
/// assert_eq!(audio.attr::<Rtpmap>().unwrap()?.encoding, "telephone-event");
/// assert_eq!(sdp.to_bytes(), raw);
///
/// sdp.media_mut(0).unwrap().set_direction(Direction::SendRecv);
/// assert!(sdp.to_bytes().ends_with(b"a=sendrecv\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp {
    /// The buffer as parsed, while nothing changed.
    pub(crate) raw: Option<Bytes>,
    pub(crate) session: Vec<Line>,
    pub(crate) media: Vec<Media>,
}

impl Sdp {
    /// Parses a description with the default [`SdpLimits`].
    pub fn parse(buf: Bytes) -> Result<Sdp, SdpError> {
        parse::parse(buf, &SdpLimits::default())
    }

    /// Parses a description within `limits`.
    pub fn parse_with_limits(buf: Bytes, limits: &SdpLimits) -> Result<Sdp, SdpError> {
        parse::parse(buf, limits)
    }

    /// A new description with `v=0`, the `o=` line, `s=` and `t=0 0`.
    ///
    /// ```
    /// use sansip::sdp::{Media, Origin, Sdp};
    /// let o = Origin { username: "-", session_id: "42", session_version: 1,
    ///     net_type: "IN", addr_type: "IP4", address: "192.0.2.1" };
    /// let mut sdp = Sdp::new(&o, "-")?;
    /// sdp.push_line('c', "IN IP4 192.0.2.1")?;
    /// sdp.push_media(Media::new("audio", 4000, "RTP/AVP", &["0"])?);
    /// assert_eq!(sdp.to_bytes(), &b"v=0\r\no=- 42 1 IN IP4 192.0.2.1\r\ns=-\r\n\
    ///     c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"[..]);
    /// # Ok::<(), sansip::sdp::SdpError>(())
    /// ```
    pub fn new(origin: &Origin<'_>, session_name: &str) -> Result<Sdp, SdpError> {
        // An empty s= is not allowed; "-" is the usual placeholder.
        let name = if session_name.is_empty() {
            "-"
        } else {
            session_name
        };
        let o = origin.to_string();
        Origin::parse(&o)
            .map(|_| ())
            .map_err(|e| SdpError::InvalidValue {
                kind: 'o',
                expected: e.expected,
            })?;
        Ok(Sdp {
            raw: None,
            session: vec![
                Line::new('v', "0")?,
                Line::new('o', o)?,
                Line::new('s', name.to_owned())?,
                Line::new('t', "0 0")?,
            ],
            media: Vec::new(),
        })
    }

    /// The session-level lines, `v=` first.
    pub fn lines(&self) -> &[Line] {
        &self.session
    }

    /// The media sections.
    pub fn media(&self) -> &[Media] {
        &self.media
    }

    /// One media section, to change it. Taking it counts as a change: the
    /// description is then written line by line.
    pub fn media_mut(&mut self, index: usize) -> Option<&mut Media> {
        self.raw = None;
        self.media.get_mut(index)
    }

    /// Every media section, to change them (counts as a change).
    pub fn media_iter_mut(&mut self) -> impl Iterator<Item = &mut Media> {
        self.raw = None;
        self.media.iter_mut()
    }

    /// Appends a media section.
    pub fn push_media(&mut self, media: Media) {
        self.raw = None;
        self.media.push(media);
    }

    /// Removes and returns a media section.
    pub fn remove_media(&mut self, index: usize) -> Option<Media> {
        self.raw = None;
        (index < self.media.len()).then(|| self.media.remove(index))
    }

    /// Adds a session-level line where RFC 8866 orders its type (an `a=`
    /// after the other attributes). `v=`, `o=` and `m=` are refused: use
    /// [`Sdp::set_origin`] and [`Sdp::push_media`].
    pub fn push_line(&mut self, kind: char, value: impl Into<Bytes>) -> Result<(), SdpError> {
        if matches!(kind, 'v' | 'o' | 'm') {
            return Err(SdpError::InvalidValue {
                kind,
                expected: "a line type other than v, o, m",
            });
        }
        let line = Line::new(kind, value)?;
        if kind == 'c' {
            check(&line, |v| Connection::parse(v).map(|_| ()))?;
        }
        self.raw = None;
        insert_ranked(&mut self.session, line, session_rank);
        Ok(())
    }

    /// Removes every session-level line of type `kind` for which `f` says
    /// so; returns how many went.
    pub fn remove_lines(&mut self, kind: char, mut f: impl FnMut(&Line) -> bool) -> usize {
        let before = self.session.len();
        self.session
            .retain(|l| l.kind() != kind || matches!(l.kind, b'v' | b'o') || !f(l));
        let removed = before - self.session.len();
        if removed > 0 {
            self.raw = None;
        }
        removed
    }

    /// The `o=` line, parsed.
    pub fn origin(&self) -> Result<Origin<'_>, FieldError> {
        match self.line('o') {
            Some(l) => l.typed("o=", Origin::parse),
            None => Err(FieldError {
                line: None,
                field: "o=",
                offset: 0,
                expected: "an o= line",
            }),
        }
    }

    /// Replaces the `o=` line.
    pub fn set_origin(&mut self, origin: &Origin<'_>) -> Result<(), SdpError> {
        let text = origin.to_string();
        let line = Line::new('o', text)?;
        check(&line, |v| Origin::parse(v).map(|_| ()))?;
        self.raw = None;
        match self.session.iter_mut().find(|l| l.kind == b'o') {
            Some(l) => *l = line,
            None => insert_ranked(&mut self.session, line, session_rank),
        }
        Ok(())
    }

    /// The session name (`s=`), as received.
    pub fn session_name(&self) -> &[u8] {
        self.line('s').map_or(&[], Line::value)
    }

    /// The `t=` lines, parsed.
    pub fn timings(&self) -> impl Iterator<Item = Result<Timing, FieldError>> + '_ {
        self.session
            .iter()
            .filter(|l| l.kind == b't')
            .map(|l| l.typed("t=", Timing::parse))
    }

    /// The direction of media section `index`: its own attribute, else the
    /// session-level one, else sendrecv (RFC 8866 §6.7).
    pub fn media_direction(&self, index: usize) -> Option<Direction> {
        let m = self.media.get(index)?;
        Some(
            m.direction()
                .or_else(|| self.direction())
                .unwrap_or(Direction::SendRecv),
        )
    }

    /// Whether the description is unchanged since it was parsed (and so
    /// serializes to the very bytes received).
    pub fn is_unmodified(&self) -> bool {
        self.raw.is_some()
    }

    attribute_accessors!();
}

/// Checks a built line's value against its grammar.
fn check(line: &Line, f: impl Fn(&str) -> Result<(), ValueError>) -> Result<(), SdpError> {
    let r = line
        .value_str()
        .ok_or(ValueError::new(0, "UTF-8 text"))
        .and_then(f);
    r.map_err(|e| SdpError::InvalidValue {
        kind: line.kind(),
        expected: e.expected,
    })
}

fn attribute_text(name: &str, value: Option<&str>) -> String {
    match value {
        Some(v) => format!("{name}:{v}"),
        None => name.to_owned(),
    }
}

/// One media section: its `m=` line and the lines after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `lines[0]` is the `m=` line.
    pub(crate) lines: Vec<Line>,
}

impl Media {
    /// A new media section.
    ///
    /// ```
    /// use sansip::sdp::Media;
    /// let m = Media::new("audio", 4000, "RTP/AVP", &["0", "8"])?;
    /// assert_eq!(m.formats().collect::<Vec<_>>(), ["0", "8"]);
    /// assert!(Media::new("audio", 4000, "RTP/AVP", &[]).is_err());
    /// # Ok::<(), sansip::sdp::SdpError>(())
    /// ```
    pub fn new(media: &str, port: u16, proto: &str, formats: &[&str]) -> Result<Media, SdpError> {
        let text = format!("{media} {port} {proto} {}", formats.join(" "));
        let line = Line::new('m', text)?;
        check(&line, |v| MediaLine::parse(v).map(|_| ()))?;
        Ok(Media { lines: vec![line] })
    }

    pub(crate) fn from_lines(lines: Vec<Line>) -> Media {
        Media { lines }
    }

    /// The lines, `m=` first.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The `m=` line, parsed.
    pub fn media_line(&self) -> Result<MediaLine<'_>, FieldError> {
        match self.lines.first() {
            Some(l) => l.typed("m=", MediaLine::parse),
            None => Err(FieldError {
                line: None,
                field: "m=",
                offset: 0,
                expected: "an m= line",
            }),
        }
    }

    /// The media type (`audio`, ...); empty if the `m=` line does not
    /// parse (never for a parsed or built section).
    pub fn kind(&self) -> &str {
        self.media_line().map_or("", |m| m.media)
    }

    /// The port (0: rejected or disabled).
    pub fn port(&self) -> u16 {
        self.media_line().map_or(0, |m| m.port)
    }

    /// The transport protocol.
    pub fn proto(&self) -> &str {
        self.media_line().map_or("", |m| m.proto)
    }

    /// The formats.
    pub fn formats(&self) -> impl Iterator<Item = &str> {
        self.media_line().into_iter().flat_map(|m| m.formats())
    }

    /// Whether the stream is rejected or disabled (port 0).
    pub fn is_rejected(&self) -> bool {
        self.port() == 0
    }

    /// The `mid`, if any.
    pub fn mid(&self) -> Option<&str> {
        self.attribute("mid").and_then(|a| a.value)
    }

    /// Replaces the `m=` line.
    pub fn set_media_line(&mut self, m: &MediaLine<'_>) -> Result<(), SdpError> {
        let line = Line::new('m', m.to_string())?;
        check(&line, |v| MediaLine::parse(v).map(|_| ()))?;
        match self.lines.first_mut() {
            Some(l) => *l = line,
            None => self.lines.push(line),
        }
        Ok(())
    }

    /// Sets the port, keeping the rest of the `m=` line.
    pub fn set_port(&mut self, port: u16) -> Result<(), SdpError> {
        let text = {
            let mut m = self.media_line().map_err(|e| SdpError::InvalidValue {
                kind: 'm',
                expected: e.expected,
            })?;
            m.port = port;
            m.to_string()
        };
        let line = Line::new('m', text)?;
        if let Some(l) = self.lines.first_mut() {
            *l = line;
        }
        Ok(())
    }

    /// Writes `direction` as this section's only direction attribute, where
    /// the first one was (or last).
    pub fn set_direction(&mut self, direction: Direction) {
        let is_dir = |l: &Line| {
            l.attribute()
                .is_some_and(|a| a.value.is_none() && Direction::from_name(a.name).is_some())
        };
        let first = self.lines.iter().position(is_dir);
        self.lines.retain(|l| !is_dir(l));
        let line = Line {
            kind: b'a',
            value: Bytes::from_static(direction.as_str().as_bytes()),
            number: 0,
        };
        match first {
            Some(at) => self.lines.insert(at.min(self.lines.len()), line),
            None => self.lines.push(line),
        }
    }

    /// Adds a line where RFC 8866 orders its type within a media section.
    pub fn push_line(&mut self, kind: char, value: impl Into<Bytes>) -> Result<(), SdpError> {
        if matches!(kind, 'm' | 'v' | 'o') {
            return Err(SdpError::InvalidValue {
                kind,
                expected: "a media-level line type",
            });
        }
        let line = Line::new(kind, value)?;
        if kind == 'c' {
            check(&line, |v| Connection::parse(v).map(|_| ()))?;
        }
        // The m= line stays first whatever the rank of the new line.
        let rest = self.lines.split_off(1.min(self.lines.len()));
        let mut rest = rest;
        insert_ranked(&mut rest, line, media_rank);
        self.lines.extend(rest);
        Ok(())
    }

    /// Removes every line (other than `m=`) of type `kind` for which `f`
    /// says so; returns how many went.
    pub fn remove_lines(&mut self, kind: char, mut f: impl FnMut(&Line) -> bool) -> usize {
        let before = self.lines.len();
        let mut first = true;
        self.lines
            .retain(|l| std::mem::take(&mut first) || l.kind() != kind || !f(l));
        before - self.lines.len()
    }

    /// Removes every attribute named `name`; returns how many went.
    pub fn remove_attributes(&mut self, name: &str) -> usize {
        self.remove_lines('a', |l| l.attribute().is_some_and(|a| a.name == name))
    }

    attribute_accessors!();
}
