//! Dates in every format LinkedIn has written (`12 Mar 2024`, `3/12/24`,
//! `2024-03-12`, with or without a time), as ISO 8601.

fn month(s: &str) -> Option<u32> {
    let m = s.get(..3)?.to_lowercase();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|x| *x == m)
    .and_then(|i| u32::try_from(i + 1).ok())
}

fn year(s: &str) -> Option<u32> {
    let y: u32 = s.parse().ok()?;
    match s.len() {
        2 => Some(2000 + y), // LinkedIn launched in 2003
        4 => Some(y),
        _ => None,
    }
}

fn iso(y: u32, m: u32, d: u32) -> Option<String> {
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// `18 Nov 2026`, `1/8/18, 6:14 PM`, `23-Nov-21`, `2026-11-18` → `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(dt) = parse_datetime(s) {
        return Some(dt[..10].to_string());
    }
    let parts: Vec<&str> = s.split([' ', '-']).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => iso(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [d, mon, y] => iso(year(y)?, month(mon)?, d.parse().ok()?),
        _ => None,
    }
}

/// `3/19/26, 7:48 AM` → `2026-03-19T07:48` (12:xx AM is 00:xx); date-only forms give
/// None.
#[allow(clippy::many_single_char_names)] // y, m, d, h as in dates
pub fn parse_datetime(s: &str) -> Option<String> {
    let (date, time) = s.trim().split_once(',')?;
    let mut dp = date.trim().split('/');
    let (m, d, y) = (
        dp.next()?.parse().ok()?,
        dp.next()?.parse().ok()?,
        year(dp.next()?.trim())?,
    );
    let time = time.trim();
    let (hm, ampm) = time
        .split_once(' ')
        .map_or((time, ""), |(a, b)| (a, b.trim()));
    let (h, min) = hm.split_once(':')?;
    let (mut h, min): (u32, u32) = (h.parse().ok()?, min.parse().ok()?);
    match ampm.to_uppercase().as_str() {
        "AM" if h == 12 => h = 0,
        "PM" if h < 12 => h += 12,
        "AM" | "PM" | "" => {}
        _ => return None,
    }
    (h < 24 && min < 60).then_some(())?;
    Some(format!("{}T{h:02}:{min:02}", iso(y, m, d)?))
}
