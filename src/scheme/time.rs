//! Timestamps: how a scheme writes one, strict parsing, and the window check.
//!
//! The signed bytes hold the timestamp *text* as received, so parsing is strict: one text per
//! instant (no sign, no leading zero, no whitespace), and saturating arithmetic everywhere.
#![warn(clippy::arithmetic_side_effects)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::rejection::{Rejection, RejectionKind};

/// How a scheme writes its timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeFormat {
    /// Unix seconds: 1 to 12 ASCII digits without a leading zero.
    Seconds,
    /// Unix milliseconds: 1 to 15 ASCII digits without a leading zero.
    Millis,
    /// RFC 3339 (`2023-11-14T22:13:20.123Z`, or with a `±hh:mm` offset).
    Rfc3339,
    /// ISO 8601 date and time in UTC: RFC 3339, or the same without an offset
    /// (`2023-11-14T22:13:20.123456`), which means UTC.
    IsoUtc,
}

impl TimeFormat {
    /// How the format reads in documentation.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::Seconds => "<unix seconds>",
            Self::Millis => "<unix milliseconds>",
            Self::Rfc3339 => "<RFC 3339 time>",
            Self::IsoUtc => "<ISO 8601 UTC time>",
        }
    }

    /// The instant `text` stands for, in milliseconds since the epoch, or `None` when it is
    /// not a strict timestamp of this format.
    pub(crate) fn parse_millis(self, text: &str) -> Option<u64> {
        match self {
            Self::Seconds => digits(text, 12)?.checked_mul(1000),
            Self::Millis => digits(text, 15),
            Self::Rfc3339 | Self::IsoUtc => {
                if text.len() > MAX_TEXT || !text.is_ascii() {
                    return None;
                }
                let rfc3339 = &time::format_description::well_known::Rfc3339;
                let at = match time::OffsetDateTime::parse(text, rfc3339) {
                    Ok(at) => at,
                    Err(_) if self == Self::IsoUtc => {
                        const NAIVE: &[time::format_description::BorrowedFormatItem<'_>] = time::macros::format_description!(
                            "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
                        );
                        time::PrimitiveDateTime::parse(text, NAIVE)
                            .ok()?
                            .assume_utc()
                    }
                    Err(_) => return None,
                };
                let nanos = at.unix_timestamp_nanos();
                u64::try_from(nanos.checked_div(1_000_000)?).ok()
            }
        }
    }

    /// `at` written in this format, for signers.
    pub(crate) fn write(self, at: SystemTime) -> String {
        let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
        match self {
            Self::Seconds => since.as_secs().to_string(),
            Self::Millis => since.as_millis().to_string(),
            Self::Rfc3339 | Self::IsoUtc => {
                let secs = i64::try_from(since.as_secs()).unwrap_or(0);
                time::OffsetDateTime::from_unix_timestamp(secs)
                    .ok()
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .unwrap_or_default()
            }
        }
    }
}

/// Longest timestamp text accepted, in bytes.
pub(crate) const MAX_TEXT: usize = 40;

/// 1 to `max` ASCII digits without a leading zero.
fn digits(text: &str, max: usize) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > max || bytes.first() == Some(&b'0') {
        return None;
    }
    // At most 15 digits: below 10^15, no overflow.
    bytes.iter().try_fold(0u64, |value, &b| {
        b.is_ascii_digit().then(|| {
            value
                .wrapping_mul(10)
                .wrapping_add(u64::from(b.wrapping_sub(b'0')))
        })
    })
}

/// A timestamp as received: its text (signed as is) and the instant it stands for.
#[derive(Clone, Copy)]
pub(crate) struct Stamp {
    text: [u8; MAX_TEXT],
    len: u8,
    millis: u64,
}

impl Stamp {
    /// Parses `text` in `format`.
    pub(crate) fn parse(text: &str, format: TimeFormat) -> Option<Self> {
        let millis = format.parse_millis(text)?;
        let mut out = Self {
            text: [0; MAX_TEXT],
            len: u8::try_from(text.len()).ok()?,
            millis,
        };
        out.text
            .get_mut(..text.len())?
            .copy_from_slice(text.as_bytes());
        Some(out)
    }

    /// The text as received.
    pub(crate) fn text(&self) -> &[u8] {
        self.text.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Whole seconds since the epoch.
    pub(crate) fn secs(&self) -> u64 {
        self.millis / 1000
    }
}

/// How far a timestamp may be from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Window {
    Enforce { past: Duration, future: Duration },
    Disabled,
}

impl Window {
    pub(crate) const fn both(secs: u64) -> Self {
        Self::Enforce {
            past: Duration::from_secs(secs),
            future: Duration::from_secs(secs),
        }
    }

    /// Checks an instant (milliseconds since the epoch) against the window around `now`. Both
    /// edges are inclusive.
    pub(crate) fn check(self, millis: u64, now: SystemTime) -> Result<(), Rejection> {
        let Self::Enforce { past, future } = self else {
            return Ok(());
        };
        let now = unix_millis(now);
        let distance = millis.abs_diff(now);
        let limit = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        if millis <= now && distance > limit(past) {
            return Err(Rejection::new(RejectionKind::TimestampTooOld));
        }
        if millis > now && distance > limit(future) {
            return Err(Rejection::new(RejectionKind::TimestampInFuture));
        }
        Ok(())
    }
}

/// Parses `text` strictly in `format` and checks it against `window`.
pub(crate) fn checked(
    text: &str,
    format: TimeFormat,
    window: Window,
    now: SystemTime,
) -> Result<Stamp, Rejection> {
    let stamp =
        Stamp::parse(text, format).ok_or(Rejection::new(RejectionKind::InvalidTimestamp))?;
    window.check(stamp.millis, now)?;
    Ok(stamp)
}

/// Milliseconds since the epoch; times before it count as 0.
pub(crate) fn unix_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_strict() {
        let p = |t| TimeFormat::Seconds.parse_millis(t).map(|m| m / 1000);
        assert_eq!(p("1649367553"), Some(1_649_367_553));
        assert_eq!(p("999999999999"), Some(999_999_999_999));
        for bad in [
            "",
            "0",
            "01649367553",
            "+1649367553",
            "-1",
            "1649367553.0",
            "1e9",
            " 1649367553",
            "1649367553 ",
            "9999999999999",
            "18446744073709551616",
            "-9223372036854775808",
            "9223372036854775807",
            "abc",
            "１２３",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn millis_and_rfc3339() {
        assert_eq!(
            TimeFormat::Millis.parse_millis("1700000000123"),
            Some(1_700_000_000_123)
        );
        assert_eq!(TimeFormat::Millis.parse_millis("1234567890123456"), None);
        let r = |t| TimeFormat::Rfc3339.parse_millis(t);
        assert_eq!(r("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
        assert_eq!(r("2023-11-14T22:13:20.123456789Z"), Some(1_700_000_000_123));
        assert_eq!(r("2023-11-14T23:13:20+01:00"), Some(1_700_000_000_000));
        for bad in ["2023-11-14T22:13:20", "2023-11-14", "1700000000", ""] {
            assert_eq!(r(bad), None, "{bad:?}");
        }
        assert_eq!(r("1969-12-31T23:59:59Z"), None);
        let iso = |t| TimeFormat::IsoUtc.parse_millis(t);
        assert_eq!(iso("2023-11-14T22:13:20.123456"), Some(1_700_000_000_123));
        assert_eq!(iso("2023-11-14T22:13:20"), Some(1_700_000_000_000));
        assert_eq!(iso("2023-11-14T23:13:20+01:00"), Some(1_700_000_000_000));
        assert_eq!(iso("2023-11-14"), None);
        assert_eq!(
            TimeFormat::Rfc3339.parse_millis("2023-11-14T22:13:20.5"),
            None
        );
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(TimeFormat::Rfc3339.write(at), "2023-11-14T22:13:20Z");
        assert_eq!(TimeFormat::Millis.write(at), "1700000000000");
    }

    #[test]
    fn window_edges_are_inclusive() {
        let t = Duration::from_secs(300);
        let w = Window::Enforce { past: t, future: t };
        let now = UNIX_EPOCH + Duration::from_secs(1300);
        assert!(w.check(1_000_000, now).is_ok());
        assert_eq!(
            w.check(999_999, now).unwrap_err().kind(),
            RejectionKind::TimestampTooOld
        );
        assert!(w.check(1_600_000, now).is_ok());
        assert_eq!(
            w.check(1_600_001, now).unwrap_err().kind(),
            RejectionKind::TimestampInFuture
        );
        // Extreme values never overflow.
        assert!(w.check(u64::MAX, UNIX_EPOCH).is_err());
        assert!(
            w.check(1, UNIX_EPOCH + Duration::from_secs(u64::MAX / 2000))
                .is_err()
        );
        assert!(Window::Disabled.check(u64::MAX, now).is_ok());
    }
}
