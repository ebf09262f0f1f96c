//! Date (RFC 3261 §20.17): an RFC 1123 date in GMT, e.g.
//! `Sat, 13 Nov 2010 23:29:00 GMT`. No clock is read: converting to and
//! from Unix time is arithmetic only.

use std::fmt;

use super::lex::{leading_digits, require_lws};
use crate::message::grammar::{fail, parse_all, PResult};
use crate::message::{HeaderName, TypedHeader, ValueError};

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// The three-letter name, `Mon` to `Sun`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "Mon",
            Weekday::Tue => "Tue",
            Weekday::Wed => "Wed",
            Weekday::Thu => "Thu",
            Weekday::Fri => "Fri",
            Weekday::Sat => "Sat",
            Weekday::Sun => "Sun",
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The fields of a SIP date (`rfc1123-date`, always GMT).
///
/// ```
/// use sansip::message::headers::{SipDate, Weekday};
/// let d = SipDate::parse("Sat, 13 Nov 2010 23:29:00 GMT").unwrap();
/// assert_eq!((d.weekday, d.day, d.month, d.year), (Weekday::Sat, 13, 11, 2010));
/// assert_eq!((d.hour, d.minute, d.second), (23, 29, 0));
/// assert_eq!(d.unix_time(), 1_289_690_940);
/// assert_eq!(SipDate::from_unix_time(1_289_690_940), Some(d));
/// assert_eq!(d.to_string(), "Sat, 13 Nov 2010 23:29:00 GMT");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SipDate {
    /// Day of the week as written (not checked against the date).
    pub weekday: Weekday,
    /// Day of the month, 1 to 31 (checked against the month).
    pub day: u8,
    /// Month, 1 (January) to 12.
    pub month: u8,
    /// Year, four digits.
    pub year: u16,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 60 (60 for a leap second).
    pub second: u8,
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(month: u8, year: u16) -> u8 {
    match month {
        2 if is_leap(i64::from(year)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl SipDate {
    /// Parses a whole SIP date.
    pub fn parse(s: &str) -> Result<SipDate, ValueError> {
        parse_all(s, sip_date)
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before; a leap second
    /// counts as the first second of the next minute).
    pub fn unix_time(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// The date at `secs` seconds after 1970-01-01T00:00:00Z, with its
    /// weekday; `None` after year 9999.
    pub fn from_unix_time(secs: u64) -> Option<SipDate> {
        let secs = i64::try_from(secs).ok()?;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        if year > 9999 {
            return None;
        }
        // 1970-01-01 was a Thursday.
        let weekday = Weekday::ALL[usize::try_from((days + 3).rem_euclid(7)).ok()?];
        Some(SipDate {
            weekday,
            day: u8::try_from(day).ok()?,
            month: u8::try_from(month).ok()?,
            year: u16::try_from(year).ok()?,
            hour: u8::try_from(rem / 3600).ok()?,
            minute: u8::try_from(rem / 60 % 60).ok()?,
            second: u8::try_from(rem % 60).ok()?,
        })
    }
}

impl fmt::Display for SipDate {
    /// `Sat, 13 Nov 2010 23:29:00 GMT`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = MONTHS
            .get(usize::from(self.month).wrapping_sub(1))
            .copied()
            .unwrap_or("???");
        write!(
            f,
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            self.weekday.as_str(),
            self.day,
            month,
            self.year,
            self.hour,
            self.minute,
            self.second
        )
    }
}

/// A three-letter name from `names` (any case): its index.
fn name3<'a>(i: &'a str, names: &[&str], expected: &'static str) -> PResult<'a, usize> {
    let Some(word) = i.get(..3) else {
        return fail(i, expected);
    };
    match names.iter().position(|n| n.eq_ignore_ascii_case(word)) {
        Some(k) => Ok((&i[3..], k)),
        None => fail(i, expected),
    }
}

/// `min..=max` ASCII digits read as a number no larger than `limit`.
fn digits<'a>(
    i: &'a str,
    min: usize,
    max: usize,
    limit: u16,
    expected: &'static str,
) -> PResult<'a, u16> {
    let d = leading_digits(i);
    match d.parse::<u16>() {
        Ok(n) if (min..=max).contains(&d.len()) && n <= limit => Ok((&i[d.len()..], n)),
        _ => fail(i, expected),
    }
}

fn colon<'a>(i: &'a str) -> PResult<'a, ()> {
    match i.strip_prefix(':') {
        Some(r) => Ok((r, ())),
        None => fail(i, "':' in the time"),
    }
}

/// `wkday "," SP date1 SP time SP "GMT"` with `date1 = 2DIGIT SP month SP
/// 4DIGIT` and `time = 2DIGIT ":" 2DIGIT ":" 2DIGIT`. Names are read in
/// any case, runs of white space are accepted where one space is required,
/// and a one-digit day is accepted.
fn sip_date(i: &str) -> PResult<'_, SipDate> {
    let weekdays = Weekday::ALL.map(Weekday::as_str);
    let (i, wk) = name3(i, &weekdays, "a weekday (Mon to Sun)")?;
    let Some(i) = i.strip_prefix(',') else {
        return fail(i, "',' after the weekday");
    };
    let (i, _) = require_lws(i, "a space after the weekday")?;
    let day_at = i;
    let (i, day) = digits(i, 1, 2, 31, "a day of the month")?;
    let (i, _) = require_lws(i, "a space after the day")?;
    let (i, month) = name3(i, &MONTHS, "a month (Jan to Dec)")?;
    let (i, _) = require_lws(i, "a space after the month")?;
    let (i, year) = digits(i, 4, 4, 9999, "a 4-digit year")?;
    let (i, _) = require_lws(i, "a space after the year")?;
    let (i, hour) = digits(i, 2, 2, 23, "hours 00 to 23")?;
    let (i, _) = colon(i)?;
    let (i, minute) = digits(i, 2, 2, 59, "minutes 00 to 59")?;
    let (i, _) = colon(i)?;
    let (i, second) = digits(i, 2, 2, 60, "seconds 00 to 60")?;
    let (i, _) = require_lws(i, "a space before GMT")?;
    let Some(rest) = i
        .get(..3)
        .filter(|z| z.eq_ignore_ascii_case("GMT"))
        .map(|_| &i[3..])
    else {
        return fail(i, "GMT");
    };
    // The numbers were bounded above, so these conversions cannot fail.
    let month = u8::try_from(month + 1).unwrap_or(1);
    let day = u8::try_from(day).unwrap_or(0);
    if day == 0 || day > days_in_month(month, year) {
        return fail(day_at, "a day that exists in that month");
    }
    Ok((
        rest,
        SipDate {
            weekday: Weekday::ALL.get(wk).copied().unwrap_or(Weekday::Mon),
            day,
            month,
            year,
            hour: u8::try_from(hour).unwrap_or(0),
            minute: u8::try_from(minute).unwrap_or(0),
            second: u8::try_from(second).unwrap_or(0),
        },
    ))
}

/// `Date: Sat, 13 Nov 2010 23:29:00 GMT`: the text as received (written
/// back unchanged) and its fields.
///
/// ```
/// use sansip::message::{headers::{Date, SipDate}, TypedHeader};
/// let d = Date::parse("Thu, 21 Feb 2002 13:02:03 GMT").unwrap();
/// assert_eq!(d.date().year, 2002);
/// assert_eq!(d.as_str(), "Thu, 21 Feb 2002 13:02:03 GMT");
/// // Building one: format the fields, then parse the text.
/// let text = SipDate::from_unix_time(0).unwrap().to_string();
/// assert_eq!(Date::parse(&text).unwrap().date().unix_time(), 0);
/// ```
#[derive(Debug, Clone, Copy, Eq)]
pub struct Date<'a> {
    raw: &'a str,
    date: SipDate,
}

impl<'a> Date<'a> {
    /// The date as written.
    pub const fn as_str(&self) -> &'a str {
        self.raw
    }

    /// The parsed fields.
    pub const fn date(&self) -> SipDate {
        self.date
    }
}

impl PartialEq for Date<'_> {
    /// Same instant and weekday, however it was written.
    fn eq(&self, other: &Self) -> bool {
        self.date == other.date
    }
}

impl<'a> TypedHeader<'a> for Date<'a> {
    const NAME: HeaderName = HeaderName::Date;

    fn parse(value: &'a str) -> Result<Self, ValueError> {
        let date = SipDate::parse(value)?;
        Ok(Date {
            raw: crate::message::grammar::trim_lws(value),
            date,
        })
    }

    fn write_value(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.raw.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_spacing_case_and_one_digit_day() {
        let d = SipDate::parse("sat,  3 nov  2010 00:00:60 gmt").unwrap();
        assert_eq!((d.day, d.month, d.year, d.second), (3, 11, 2010, 60));
    }

    #[test]
    fn errors_point_at_each_field() {
        let e = |s| SipDate::parse(s).unwrap_err();
        assert_eq!(
            e("Sa, 13 Nov 2010 23:29:00 GMT"),
            ValueError::new(0, "a weekday (Mon to Sun)")
        );
        assert_eq!(
            e("Sat 13 Nov 2010 23:29:00 GMT"),
            ValueError::new(3, "',' after the weekday")
        );
        assert_eq!(
            e("Sat,13 Nov 2010 23:29:00 GMT"),
            ValueError::new(4, "a space after the weekday")
        );
        assert_eq!(
            e("Sat, 113 Nov 2010 23:29:00 GMT"),
            ValueError::new(5, "a day of the month")
        );
        assert_eq!(
            e("Sat, 13 Nox 2010 23:29:00 GMT"),
            ValueError::new(8, "a month (Jan to Dec)")
        );
        assert_eq!(
            e("Sat, 13 Nov 10 23:29:00 GMT"),
            ValueError::new(12, "a 4-digit year")
        );
        assert_eq!(
            e("Sat, 13 Nov 2010 24:29:00 GMT"),
            ValueError::new(17, "hours 00 to 23")
        );
        assert_eq!(
            e("Sat, 13 Nov 2010 23-29:00 GMT"),
            ValueError::new(19, "':' in the time")
        );
        assert_eq!(
            e("Sat, 13 Nov 2010 23:60:00 GMT"),
            ValueError::new(20, "minutes 00 to 59")
        );
        assert_eq!(
            e("Sat, 13 Nov 2010 23:29:61 GMT"),
            ValueError::new(23, "seconds 00 to 60")
        );
        assert_eq!(
            e("Sat, 13 Nov 2010 23:29:00 UTC"),
            ValueError::new(26, "GMT")
        );
        assert_eq!(
            e("Sat, 13 Nov 2010 23:29:00"),
            ValueError::new(25, "a space before GMT")
        );
        assert_eq!(
            e("Sat, 29 Feb 2010 23:29:00 GMT"),
            ValueError::new(5, "a day that exists in that month")
        );
        assert_eq!(
            e("Sat, 00 Feb 2010 23:29:00 GMT"),
            ValueError::new(5, "a day that exists in that month")
        );
        assert_eq!(
            e("Sat, 13 Nov 2010 23:29:00 GMT+1"),
            ValueError::new(29, "end of value")
        );
        assert_eq!(
            e("Sé, 13 Nov 2010 23:29:00 GMT"),
            ValueError::new(0, "a weekday (Mon to Sun)")
        );
        assert_eq!(e("Sa"), ValueError::new(0, "a weekday (Mon to Sun)"));
    }

    #[test]
    fn leap_years_and_unix_time() {
        assert!(SipDate::parse("Tue, 29 Feb 2000 00:00:00 GMT").is_ok());
        assert!(SipDate::parse("Thu, 29 Feb 1900 00:00:00 GMT").is_err());
        assert_eq!(
            SipDate::parse("Thu, 01 Jan 1970 00:00:00 GMT")
                .unwrap()
                .unix_time(),
            0
        );
        assert_eq!(
            SipDate::parse("Wed, 31 Dec 1969 23:59:59 GMT")
                .unwrap()
                .unix_time(),
            -1
        );
        let d = SipDate::from_unix_time(951_782_400).unwrap();
        assert_eq!(d.to_string(), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(SipDate::from_unix_time(253_402_300_799).unwrap().year, 9999);
        assert_eq!(SipDate::from_unix_time(253_402_300_800), None);
        assert_eq!(SipDate::from_unix_time(u64::MAX), None);
        for secs in [0u64, 86_399, 86_400, 1_000_000_000, 4_102_444_800] {
            let d = SipDate::from_unix_time(secs).unwrap();
            assert_eq!(SipDate::parse(&d.to_string()).unwrap(), d);
            assert_eq!(d.unix_time(), secs as i64);
        }
    }

    #[test]
    fn date_header_keeps_the_text() {
        let d = Date::parse(" Sat, 13 Nov 2010 23:29:00 GMT ").unwrap();
        assert_eq!(d.to_value_bytes(), b"Sat, 13 Nov 2010 23:29:00 GMT");
        assert_eq!(Date::parse("sat, 13 nov 2010 23:29:00 gmt").unwrap(), d);
    }
}
