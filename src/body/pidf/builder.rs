//! [`PresenceBuilder`]: the document most user agents publish.

use super::{Activities, Activity, Basic, Contact, Note, Person, Presence, Timestamp, Tuple};
use crate::body::text::Text;
use crate::message::headers::QValue;

/// Builds the common PIDF document: one tuple with a basic status, and
/// optionally a contact, notes, a timestamp, and a person with RPID
/// activities (what Linphone, baresip or a softphone's "status" menu
/// publishes).
///
/// The result declares the namespaces it uses and parses back to itself.
///
/// ```
/// use sansip::body::pidf::{Activity, Basic, Presence};
/// use sansip::message::headers::QValue;
///
/// let p = Presence::builder("sip:alice@example.com", Basic::Open)
///     .contact("sip:alice@192.0.2.10:5060")
///     .priority(QValue::ONE)
///     .note("On a call")
///     .activity(Activity::OnThePhone)
///     .build();
/// let xml = p.to_bytes();
/// let text = std::str::from_utf8(&xml).unwrap();
/// assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
/// assert!(text.contains(r#"xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid""#));
/// assert!(text.contains("<rpid:on-the-phone/>"));
/// assert_eq!(Presence::parse(xml)?, p);
/// # Ok::<(), sansip::body::BodyError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct PresenceBuilder {
    presence: Presence,
    tuple: Tuple,
    person: Option<Person>,
}

impl PresenceBuilder {
    /// A document about `entity` whose one tuple (id `t1`) has status
    /// `basic`.
    pub fn new(entity: impl Into<Text>, basic: Basic) -> PresenceBuilder {
        PresenceBuilder {
            presence: Presence::new(entity),
            tuple: Tuple::new(Text::from_static("t1"), basic),
            person: None,
        }
    }

    /// The tuple's id, instead of `t1`.
    pub fn tuple_id(mut self, id: impl Into<Text>) -> Self {
        self.tuple.id = id.into();
        self
    }

    /// The tuple's contact URI.
    pub fn contact(mut self, uri: impl Into<Text>) -> Self {
        let priority = self.tuple.contact.take().and_then(|c| c.priority);
        self.tuple.contact = Some(Contact {
            uri: uri.into(),
            priority,
        });
        self
    }

    /// The contact's priority (needs a [`contact`](Self::contact)).
    pub fn priority(mut self, priority: QValue) -> Self {
        if let Some(c) = &mut self.tuple.contact {
            c.priority = Some(priority);
        }
        self
    }

    /// A note on the tuple.
    pub fn note(mut self, text: impl Into<Text>) -> Self {
        self.tuple.notes.push(Note::new(text));
        self
    }

    /// A note on the tuple in language `lang`.
    pub fn note_in(mut self, text: impl Into<Text>, lang: impl Into<Text>) -> Self {
        self.tuple.notes.push(Note::with_lang(text, lang));
        self
    }

    /// The tuple's timestamp.
    pub fn timestamp(mut self, at: Timestamp) -> Self {
        self.tuple.timestamp = Some(at);
        self
    }

    /// An RPID activity of the person (id `p1` unless
    /// [`person_id`](Self::person_id) says otherwise).
    pub fn activity(mut self, activity: Activity) -> Self {
        let person = self
            .person
            .get_or_insert_with(|| Person::new(Text::from_static("p1")));
        person
            .activities
            .get_or_insert_with(Activities::default)
            .list
            .push(activity);
        self
    }

    /// A note on the person.
    pub fn person_note(mut self, text: impl Into<Text>) -> Self {
        let person = self
            .person
            .get_or_insert_with(|| Person::new(Text::from_static("p1")));
        person.notes.push(Note::new(text));
        self
    }

    /// The person's id, instead of `p1`.
    pub fn person_id(mut self, id: impl Into<Text>) -> Self {
        let person = self
            .person
            .get_or_insert_with(|| Person::new(Text::from_static("p1")));
        person.id = id.into();
        self
    }

    /// The document.
    pub fn build(self) -> Presence {
        let mut p = self.presence;
        p.tuples.push(self.tuple);
        p.persons.extend(self.person);
        p
    }
}
