//! Entry timestamps: `SOURCE_DATE_EPOCH` parsing and conversion of Unix seconds to the zip
//! format's local date and time (stored as UTC, clamped to 1980-2107).

use zip::DateTime;

use crate::Error;

/// 1980-01-01T00:00:00Z, the earliest time a zip archive can hold.
pub(crate) const ZIP_EPOCH: u64 = 315_532_800;

/// Parses `SOURCE_DATE_EPOCH` (whole seconds since the Unix epoch).
pub(crate) fn parse_source_date_epoch(value: &str) -> Result<u64, Error> {
    value
        .trim()
        .parse()
        .map_err(|_| Error::InvalidSourceDateEpoch {
            value: value.to_string(),
        })
}

/// The zip timestamp for `seconds` since the Unix epoch (UTC), clamped to what zip can hold
/// (1980-01-01 to 2107-12-31).
pub(crate) fn zip_timestamp(seconds: u64) -> DateTime {
    let seconds = seconds.max(ZIP_EPOCH);
    let days = seconds / 86_400;
    let second_of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let hour = (second_of_day / 3600) as u8;
    let minute = (second_of_day / 60 % 60) as u8;
    let second = (second_of_day % 60) as u8;
    let year = u16::try_from(year).unwrap_or(u16::MAX);
    DateTime::from_date_and_time(year, month, day, hour, minute, second).unwrap_or_else(|_| {
        DateTime::from_date_and_time(2107, 12, 31, 23, 59, 58).unwrap_or_default()
    })
}

/// Converts days since 1970-01-01 to a (year, month, day) date in the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u8, u8) {
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u8;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u8;
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-11-14T22:13:20Z.
    const EPOCH: u64 = 1_700_000_000;

    #[test]
    fn converts_source_date_epoch() {
        let parts = |time: DateTime| {
            (
                time.year(),
                time.month(),
                time.day(),
                time.hour(),
                time.minute(),
                time.second(),
            )
        };
        assert_eq!(parts(zip_timestamp(0)), (1980, 1, 1, 0, 0, 0));
        assert_eq!(parts(zip_timestamp(ZIP_EPOCH)), (1980, 1, 1, 0, 0, 0));
        assert_eq!(parts(zip_timestamp(EPOCH)), (2023, 11, 14, 22, 13, 20));
        // 2000-02-29T23:59:59Z: a leap day; zip keeps even seconds.
        assert_eq!(parts(zip_timestamp(951_868_799)), (2000, 2, 29, 23, 59, 58));
        assert_eq!(
            parts(zip_timestamp(u64::MAX / 4)),
            (2107, 12, 31, 23, 59, 58)
        );
        assert_eq!(parse_source_date_epoch(" 1700000000\n").unwrap(), EPOCH);
        for bad in ["", "-1", "1.5", "yesterday"] {
            let error = parse_source_date_epoch(bad).unwrap_err();
            assert!(
                matches!(error, Error::InvalidSourceDateEpoch { .. }),
                "{bad}"
            );
        }
    }
}
