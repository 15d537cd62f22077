//! Unit tests of the LinkedIn export reader.

use super::*;

#[test]
fn titles_follow_the_keyword_rules() {
    let r = TitleRules::default();
    for t in [
        "Talent Acquisition Specialist",
        "Technical Recruiter",
        "Chasseur de talents",
        "Tech Recruiter",
        "Senior Talent Partner",
        "Analista de recrutamento e seleção",
        "Recruiterin",
        "Recruitment Marketing",
        "Headhunter",
        "Selección de Personal",
    ] {
        assert_eq!(r.classify(t), Some(Role::Recruiter), "{t}");
    }
    for t in [
        "Director of Engineering",
        "Co-Founder",
        "VP Sales",
        "Head of Data",
        "Geschäftsführer",
        "Responsable marketing",
        "Engineering Manager",
    ] {
        assert_eq!(r.classify(t), Some(Role::HiringManager), "{t}");
    }
    for t in [
        "Doctoral researcher",
        "Directorate analyst",
        "Manager",
        "Team Leader?",
        "HR Partner",
        "Talent",
        "採用担当",
    ] {
        assert_eq!(r.classify(t), None, "{t}");
    }
}

#[test]
fn slugs_match_across_encodings() {
    let a = slug_key("https://www.linkedin.com/in/luisa-fernanda-bula-mej%C3%ADa-1234").unwrap();
    let b = slug_key("https://www.linkedin.com/in/Luisa-Fernanda-Bula-Mejía-1234/").unwrap();
    assert_eq!(a, b);
    assert_eq!(
        slug_key("http://fr.linkedin.com/in/abc?trk=x#y").unwrap(),
        "abc"
    );
    assert_eq!(slug_key(""), None);
}

#[test]
fn dates_in_every_format() {
    assert_eq!(parse_date("18 Nov 2026").as_deref(), Some("2026-11-18"));
    assert_eq!(parse_date("02 May 2022").as_deref(), Some("2022-05-02"));
    assert_eq!(parse_date("1/8/18, 6:14 PM").as_deref(), Some("2018-01-08"));
    assert_eq!(parse_date("23-Nov-21").as_deref(), Some("2021-11-23"));
    assert_eq!(parse_date("2026-11-18").as_deref(), Some("2026-11-18"));
    assert_eq!(parse_date("soon"), None);
    assert_eq!(
        parse_datetime("3/19/26, 7:48 AM").as_deref(),
        Some("2026-03-19T07:48")
    );
    assert_eq!(
        parse_datetime("3/19/26, 12:05 AM").as_deref(),
        Some("2026-03-19T00:05")
    );
    assert_eq!(
        parse_datetime("3/19/26, 12:05 PM").as_deref(),
        Some("2026-03-19T12:05")
    );
}

#[test]
fn windows_1252_is_decoded() {
    let (s, fallback) = decode(b"Caf\xe9 \x93quoted\x94");
    assert!(fallback);
    assert_eq!(s, "Café “quoted”");
    let (s, fallback) = decode("\u{feff}Notes:".as_bytes());
    assert!(!fallback);
    assert_eq!(s, "Notes:");
}
