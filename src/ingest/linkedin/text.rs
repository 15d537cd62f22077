//! Text as exports hold it: UTF-8 or Windows-1252 from an Excel re-save,
//! percent-encoded profile URLs, and names compared without case, accents or
//! repeated spaces: the keys people are matched by.

use unicode_normalization::UnicodeNormalization;

/// UTF-8 (BOM dropped), else Windows-1252; returns the text and whether the
/// fallback was used.
pub fn decode(bytes: &[u8]) -> (String, bool) {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (bytes.iter().map(|&b| cp1252(b)).collect(), true),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH[usize::from(b - 0x80)]
    } else {
        char::from(b)
    }
}

/// Decodes `%XX` escapes as UTF-8 (invalid sequences kept as written).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let hex = |c: u8| (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok());
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// The identity key of a profile URL: trimmed, percent-decoded, NFC, without
/// scheme, host, `/in/`, trailing slash, query and fragment, case-folded.
/// `https://www.linkedin.com/in/Luisa-Mej%C3%ADa/` → `luisa-mejía`.
pub fn slug_key(url: &str) -> Option<String> {
    let u = percent_decode(url.trim());
    let u = u.split(['?', '#']).next().unwrap_or_default();
    let path = u.split_once("://").map_or(u, |x| x.1);
    let path = path.split_once('/').map_or("", |x| x.1);
    let slug = path.strip_prefix("in/").unwrap_or(path).trim_matches('/');
    let slug: String = slug.nfc().collect::<String>().to_lowercase();
    (!slug.is_empty()).then_some(slug)
}

/// A name for matching: NFC, whitespace collapsed, case-folded.
pub fn name_key(name: &str) -> String {
    let n: String = name.nfc().collect();
    n.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
