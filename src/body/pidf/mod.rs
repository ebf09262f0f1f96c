//! PIDF, the Presence Information Data Format (RFC 3863,
//! `application/pidf+xml`), with the parts of the data model (RFC 4479)
//! and RPID (RFC 4480) that phones and servers send.
//!
//! A [`Presence`] document is about one `entity`. It holds
//! [`Tuple`]s (one per way to reach the entity: a basic
//! [`Status`] open or closed, a [`Contact`] URI with a priority, notes, a
//! [`Timestamp`]), presence-level [`Note`]s, and from the data model
//! [`Person`]s (with RPID [`Activities`]: on the phone, away, busy, ...)
//! and [`Device`]s. Every element the model does not know (RPID mood or
//! place, capabilities, a vendor's namespace, the non-standard
//! `pp:person` of older Asterisk) is kept as a [`RawElement`] beside the
//! typed fields of its parent and written back by [`Presence::to_bytes`].
//!
//! Elements are recognized by namespace, whatever prefix a sender
//! chose, and in any order; the writer uses the schema's order, the
//! default namespace for PIDF and the prefixes `dm:` and `rpid:`.
//!
//! ```
//! use sansip::body::pidf::{Activity, Basic, Presence};
//!
//! let body = br#"<?xml version="1.0" encoding="UTF-8"?>
//! <presence xmlns="urn:ietf:params:xml:ns:pidf"
//!     xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
//!     xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"
//!     entity="sip:bob@example.com">
//!   <tuple id="t1">
//!     <status><basic>open</basic></status>
//!     <contact priority="0.8">sip:bob@192.0.2.4</contact>
//!   </tuple>
//!   <dm:person id="p1">
//!     <rpid:activities><rpid:on-the-phone/></rpid:activities>
//!     <dm:note>In a call</dm:note>
//!   </dm:person>
//! </presence>"#;
//! let p = Presence::parse_slice(body)?;
//! assert_eq!(p.entity, "sip:bob@example.com");
//! assert_eq!(p.basic(), Some(Basic::Open));
//! assert!(p.activities().any(|a| *a == Activity::OnThePhone));
//! assert_eq!(p.persons[0].notes[0].text, "In a call");
//!
//! // Written back and read again: the same document.
//! assert_eq!(Presence::parse(p.to_bytes())?, p);
//! # Ok::<(), sansip::body::BodyError>(())
//! ```

use bytes::Bytes;

use super::error::BodyError;
use super::raw::RawElement;
use super::text::Text;
use super::xml::Document;
use super::Limits;
use crate::message::headers::QValue;

mod builder;
mod parse;
mod write;

pub use builder::PresenceBuilder;

/// The content type of a PIDF body.
pub const CONTENT_TYPE: &str = "application/pidf+xml";
/// The PIDF namespace (RFC 3863).
pub const NS: &str = "urn:ietf:params:xml:ns:pidf";
/// The data model namespace (RFC 4479): `person`, `device`, `deviceID`.
pub const NS_DATA_MODEL: &str = "urn:ietf:params:xml:ns:pidf:data-model";
/// The RPID namespace (RFC 4480): `activities` and the rest.
pub const NS_RPID: &str = "urn:ietf:params:xml:ns:pidf:rpid";

/// A PIDF document: the `<presence>` element.
///
/// Build one with [`Presence::builder`] for the usual open/closed status,
/// or fill the fields; read one with [`Presence::parse`]; write it with
/// [`Presence::to_bytes`].
///
/// ```
/// use sansip::body::pidf::{Basic, Note, Presence, Tuple};
/// let mut p = Presence::new("sip:alice@example.com");
/// let mut t = Tuple::new("a1", Basic::Closed);
/// t.notes.push(Note::new("Back at 3 <maybe> & later"));
/// p.tuples.push(t);
/// let again = Presence::parse(p.to_bytes())?;
/// assert_eq!(again.tuples[0].notes[0].text, "Back at 3 <maybe> & later");
/// assert!(!again.is_open());
/// # Ok::<(), sansip::body::BodyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    /// The presentity this document is about (`pres:` or `sip:` URI).
    pub entity: Text,
    /// The `<tuple>`s.
    pub tuples: Vec<Tuple>,
    /// Presence-level `<note>`s.
    pub notes: Vec<Note>,
    /// The data model's `<dm:person>`s.
    pub persons: Vec<Person>,
    /// The data model's `<dm:device>`s.
    pub devices: Vec<Device>,
    /// Other children of `<presence>`, as received.
    pub extensions: Vec<RawElement>,
}

impl Presence {
    /// An empty document about `entity`.
    pub fn new(entity: impl Into<Text>) -> Presence {
        Presence {
            entity: entity.into(),
            tuples: Vec::new(),
            notes: Vec::new(),
            persons: Vec::new(),
            devices: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// A builder for the common document: one tuple with a basic status,
    /// maybe a contact, notes and RPID activities.
    pub fn builder(entity: impl Into<Text>, basic: Basic) -> PresenceBuilder {
        PresenceBuilder::new(entity, basic)
    }

    /// Parses a PIDF body within the default [`Limits`].
    pub fn parse(body: Bytes) -> Result<Presence, BodyError> {
        Presence::parse_with_limits(body, &Limits::default())
    }

    /// [`Presence::parse`] of a copy of `body`.
    pub fn parse_slice(body: &[u8]) -> Result<Presence, BodyError> {
        Presence::parse(Bytes::copy_from_slice(body))
    }

    /// Parses a PIDF body within `limits`.
    pub fn parse_with_limits(body: Bytes, limits: &Limits) -> Result<Presence, BodyError> {
        let doc = Document::parse(body, limits)?;
        parse::presence(&doc, limits)
    }

    /// The document as XML (UTF-8, with an XML declaration).
    pub fn to_bytes(&self) -> Bytes {
        write::presence(self)
    }

    /// The presentity's basic status over all tuples: open if any tuple is
    /// open, closed if any is closed and none open, `None` without any
    /// basic status.
    pub fn basic(&self) -> Option<Basic> {
        let mut basics = self.tuples.iter().filter_map(|t| t.status.basic);
        let first = basics.next()?;
        Some(
            if first == Basic::Open || basics.any(|b| b == Basic::Open) {
                Basic::Open
            } else {
                Basic::Closed
            },
        )
    }

    /// Whether any tuple is open.
    pub fn is_open(&self) -> bool {
        self.basic() == Some(Basic::Open)
    }

    /// Every RPID activity of every person.
    pub fn activities(&self) -> impl Iterator<Item = &Activity> {
        self.persons
            .iter()
            .filter_map(|p| p.activities.as_ref())
            .flat_map(|a| a.list.iter())
    }
}

/// A `<tuple>`: one way to reach the presentity, with its status.
///
/// ```
/// use sansip::body::pidf::{Basic, Contact, Tuple};
/// use sansip::message::headers::QValue;
/// let mut t = Tuple::new("t7", Basic::Open);
/// t.contact = Some(Contact {
///     uri: "sip:bob@192.0.2.4".into(),
///     priority: QValue::from_thousandths(800),
/// });
/// assert_eq!(t.status.basic, Some(Basic::Open));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tuple {
    /// The `id` attribute (unique in the document).
    pub id: Text,
    /// The `<status>`.
    pub status: Status,
    /// The data model's `<dm:deviceID>`: the device this service runs on.
    pub device_id: Option<Text>,
    /// The `<contact>`.
    pub contact: Option<Contact>,
    /// The tuple's `<note>`s.
    pub notes: Vec<Note>,
    /// The `<timestamp>`.
    pub timestamp: Option<Timestamp>,
    /// Other children of `<tuple>` (RPID `class`, `relationship`,
    /// capabilities, ...), as received. Those from other namespaces are
    /// written between `<status>` and `<contact>` (the schema's place);
    /// those in PIDF's own (a second `<contact>`) after the typed children.
    pub extensions: Vec<RawElement>,
}

impl Tuple {
    /// A tuple with a basic status and nothing else.
    pub fn new(id: impl Into<Text>, basic: Basic) -> Tuple {
        Tuple {
            id: id.into(),
            status: Status {
                basic: Some(basic),
                extensions: Vec::new(),
            },
            device_id: None,
            contact: None,
            notes: Vec::new(),
            timestamp: None,
            extensions: Vec::new(),
        }
    }
}

/// A tuple's `<status>`.
///
/// ```
/// use sansip::body::pidf::{Basic, Status};
/// let s = Status { basic: Some(Basic::Closed), extensions: Vec::new() };
/// assert_eq!(s.basic.map(Basic::as_str), Some("closed"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// The `<basic>` status, if given.
    pub basic: Option<Basic>,
    /// Other status elements (`<im:im>`, RFC 3863's extension examples),
    /// as received.
    pub extensions: Vec<RawElement>,
}

/// The `<basic>` status: whether the contact can take communication.
///
/// ```
/// use sansip::body::pidf::Basic;
/// assert_eq!(Basic::parse("open"), Some(Basic::Open));
/// assert_eq!(Basic::parse("busy"), None);
/// assert_eq!(Basic::Closed.as_str(), "closed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basic {
    /// `open`: ready to accept communication.
    Open,
    /// `closed`: not.
    Closed,
}

impl Basic {
    /// Reads `open` or `closed`.
    pub fn parse(s: &str) -> Option<Basic> {
        match s {
            "open" => Some(Basic::Open),
            "closed" => Some(Basic::Closed),
            _ => None,
        }
    }

    /// The value as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Basic::Open => "open",
            Basic::Closed => "closed",
        }
    }
}

/// A tuple's `<contact>`: the URI to reach it, and its priority among the
/// tuples.
///
/// ```
/// use sansip::body::pidf::Contact;
/// let c = Contact::new("sip:alice@pc33.example.com");
/// assert_eq!((c.uri.as_str(), c.priority), ("sip:alice@pc33.example.com", None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The URI.
    pub uri: Text,
    /// The `priority` attribute, from 0 to 1.
    pub priority: Option<QValue>,
}

impl Contact {
    /// A contact without a priority.
    pub fn new(uri: impl Into<Text>) -> Contact {
        Contact {
            uri: uri.into(),
            priority: None,
        }
    }
}

/// A `<note>` (or `<dm:note>`, `<rpid:note>`): free text for people, with
/// its language.
///
/// ```
/// use sansip::body::pidf::Note;
/// let n = Note::with_lang("Ne dérangez pas", "fr");
/// assert_eq!(n.lang.as_deref(), Some("fr"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The text, exactly as given (white space included).
    pub text: Text,
    /// The `xml:lang` attribute.
    pub lang: Option<Text>,
}

impl Note {
    /// A note without a language.
    pub fn new(text: impl Into<Text>) -> Note {
        Note {
            text: text.into(),
            lang: None,
        }
    }

    /// A note in language `lang` (`en`, `fr`, ...).
    pub fn with_lang(text: impl Into<Text>, lang: impl Into<Text>) -> Note {
        Note {
            text: text.into(),
            lang: Some(lang.into()),
        }
    }
}

/// An XML Schema `dateTime` (`2005-10-27T16:49:29Z`,
/// `2004-10-21T13:20:00.000-05:00`), checked and kept as written.
///
/// sansip takes no wall clock: a host that wants to stamp a document
/// formats its own time.
///
/// ```
/// use sansip::body::pidf::Timestamp;
/// let t = Timestamp::parse("2001-10-27T16:49:29Z")?;
/// assert_eq!(t.as_str(), "2001-10-27T16:49:29Z");
/// assert!(Timestamp::parse("27/10/2001").is_err());
/// assert!(Timestamp::parse("2001-13-27T16:49:29Z").is_err());
/// # Ok::<(), sansip::body::BodyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp(Text);

impl Timestamp {
    /// Checks `s` (surrounding white space is dropped).
    pub fn parse(s: &str) -> Result<Timestamp, BodyError> {
        Timestamp::read(Text::from(s).trim_xml(), None)
    }

    pub(crate) fn read(t: Text, offset: Option<usize>) -> Result<Timestamp, BodyError> {
        if is_date_time(t.as_bytes()) {
            Ok(Timestamp(t))
        } else {
            Err(BodyError::bad_value("timestamp", &t, offset))
        }
    }

    /// The timestamp as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `-?yyyy-mm-ddThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?`, with the fields in range.
fn is_date_time(b: &[u8]) -> bool {
    let mut i = usize::from(b.first() == Some(&b'-'));
    let year = b
        .get(i..)
        .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
    // `n` digits from `i`, between `min` and `max`, then `sep` if given.
    let mut field = |n: usize, min: u32, max: u32, sep: Option<u8>| -> bool {
        let Some(d) = b.get(i..i + n) else {
            return false;
        };
        if !d.iter().all(u8::is_ascii_digit) {
            return false;
        }
        let v = d.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0'));
        i += n;
        if let Some(s) = sep {
            if b.get(i) != Some(&s) {
                return false;
            }
            i += 1;
        }
        (min..=max).contains(&v)
    };
    let ok = (4..=9).contains(&year)
        && field(year, 0, u32::MAX, Some(b'-'))
        && field(2, 1, 12, Some(b'-'))
        && field(2, 1, 31, Some(b'T'))
        && field(2, 0, 24, Some(b':'))
        && field(2, 0, 59, Some(b':'))
        && field(2, 0, 60, None);
    if !ok {
        return false;
    }
    let mut rest = &b[i..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let d = [h1, h2, m1, m2];
            d.iter().all(|c| c.is_ascii_digit())
                && (*h1 - b'0') * 10 + (*h2 - b'0') <= 14
                && *m1 <= b'5'
        }
        _ => false,
    }
}

/// A data model `<dm:person>`: the human behind the presentity, with
/// RPID activities.
///
/// ```
/// use sansip::body::pidf::{Activities, Activity, Person};
/// let mut p = Person::new("p1");
/// p.activities = Some(Activities::of([Activity::Away]));
/// assert_eq!(p.activities.unwrap().list, vec![Activity::Away]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The `id` attribute.
    pub id: Text,
    /// The RPID `<rpid:activities>`.
    pub activities: Option<Activities>,
    /// The person's `<dm:note>`s.
    pub notes: Vec<Note>,
    /// The `<dm:timestamp>`.
    pub timestamp: Option<Timestamp>,
    /// Other children (RPID `mood`, `place-type`, `sphere`, ...), as
    /// received; those in the data model's namespace (a second
    /// `<dm:timestamp>`) are written after the typed children.
    pub extensions: Vec<RawElement>,
}

impl Person {
    /// A person with no information yet.
    pub fn new(id: impl Into<Text>) -> Person {
        Person {
            id: id.into(),
            activities: None,
            notes: Vec::new(),
            timestamp: None,
            extensions: Vec::new(),
        }
    }
}

/// RPID `<rpid:activities>`: what the person is doing.
///
/// ```
/// use sansip::body::pidf::{Activities, Activity};
/// let a = Activities::of([Activity::Meeting, Activity::Other("lunch".into())]);
/// assert_eq!(a.list[0].name(), Some("meeting"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activities {
    /// The activities, in order (empty for `<rpid:activities/>`, which
    /// baresip and Jitsi send when nothing special is going on).
    pub list: Vec<Activity>,
    /// `<rpid:note>`s about the activities.
    pub notes: Vec<Note>,
    /// The `id` attribute.
    pub id: Option<Text>,
    /// The `from` attribute: since when.
    pub from: Option<Timestamp>,
    /// The `until` attribute: until when.
    pub until: Option<Timestamp>,
}

impl Activities {
    /// Activities with nothing else.
    pub fn of(list: impl IntoIterator<Item = Activity>) -> Activities {
        Activities {
            list: list.into_iter().collect(),
            ..Activities::default()
        }
    }
}

macro_rules! activities {
    ($($variant:ident => $name:literal,)*) => {
        /// One RPID activity (RFC 4480 §3.2).
        ///
        /// ```
        /// use sansip::body::pidf::Activity;
        /// assert_eq!(Activity::from_name("on-the-phone"), Some(Activity::OnThePhone));
        /// assert_eq!(Activity::Busy.name(), Some("busy"));
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Activity {
            $(
                #[doc = concat!("`<rpid:", $name, "/>`")]
                $variant,
            )*
            /// `<rpid:other>text</rpid:other>`: an activity in words.
            Other(Text),
            /// An activity element from another namespace, as received.
            Extension(RawElement),
        }

        impl Activity {
            /// The activity of an empty RPID element named `name`
            /// (`other`, which has text, is not one of them).
            pub fn from_name(name: &str) -> Option<Activity> {
                match name {
                    $($name => Some(Activity::$variant),)*
                    _ => None,
                }
            }

            /// The RPID element name (`None` for an extension).
            pub fn name(&self) -> Option<&'static str> {
                match self {
                    $(Activity::$variant => Some($name),)*
                    Activity::Other(_) => Some("other"),
                    Activity::Extension(_) => None,
                }
            }
        }
    };
}

activities! {
    Appointment => "appointment",
    Away => "away",
    Breakfast => "breakfast",
    Busy => "busy",
    Dinner => "dinner",
    Holiday => "holiday",
    InTransit => "in-transit",
    LookingForWork => "looking-for-work",
    Meal => "meal",
    Meeting => "meeting",
    OnThePhone => "on-the-phone",
    Performance => "performance",
    PermanentAbsence => "permanent-absence",
    Playing => "playing",
    Presentation => "presentation",
    Shopping => "shopping",
    Sleeping => "sleeping",
    Spectator => "spectator",
    Steering => "steering",
    Travel => "travel",
    Tv => "tv",
    Unknown => "unknown",
    Vacation => "vacation",
    Working => "working",
    Worship => "worship",
}

/// A data model `<dm:device>`: a piece of hardware the presentity uses.
///
/// ```
/// use sansip::body::pidf::Device;
/// let mut d = Device::new("pc147");
/// d.device_id = Some("urn:device:0003ba4811e3".into());
/// assert_eq!(d.id, "pc147");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The `id` attribute.
    pub id: Text,
    /// The `<dm:deviceID>` URN.
    pub device_id: Option<Text>,
    /// The device's `<dm:note>`s.
    pub notes: Vec<Note>,
    /// The `<dm:timestamp>`.
    pub timestamp: Option<Timestamp>,
    /// Other children (RPID `user-input`, ...), as received; those in
    /// the data model's namespace are written after the typed children.
    pub extensions: Vec<RawElement>,
}

impl Device {
    /// A device with no information yet.
    pub fn new(id: impl Into<Text>) -> Device {
        Device {
            id: id.into(),
            device_id: None,
            notes: Vec::new(),
            timestamp: None,
            extensions: Vec::new(),
        }
    }
}
