//! Validation of the page JSON: one test per rule, good and bad, plus the
//! JSON round trip.
// Helpers of integration tests may unwrap and index too (clippy.toml only
// covers `#[test]` functions): a panic here is a failing test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use scanly_shared::page::{
    Block, ButtonStyle, Font, LinkUrl, Page, PageError, SocialNetwork, Theme, Weekday,
};
use scanly_shared::{DomainError, HexColor};
use serde_json::{Value, json};

mod page_fixtures;

fn page_with(blocks: Value) -> Value {
    json!({ "title": "Test", "blocks": blocks })
}

fn parse(value: &Value) -> Result<Page, PageError> {
    Page::from_json(&value.to_string())
}

fn block(b: Value) -> Result<Block, PageError> {
    parse(&page_with(json!([b]))).map(|mut p| p.blocks.remove(0))
}

#[track_caller]
fn rejects(value: Value, field: &str, message: &str) {
    let err = parse(&value).unwrap_err();
    assert_eq!(err.field, field, "{err}");
    assert!(err.message.contains(message), "{err}");
}

#[track_caller]
fn rejects_block(b: Value, field: &str, message: &str) {
    rejects(page_with(json!([b])), &format!("blocks[0]{field}"), message);
}

#[test]
fn title_is_trimmed_single_line_and_bounded() {
    let p = parse(&json!({"title": "  Café\tLuna\n "})).unwrap();
    assert_eq!(p.title, "Café Luna");
    assert_eq!(p.lang.as_str(), "en");
    assert_eq!(p.theme, Theme::default());
    assert!(p.blocks.is_empty());
    assert!(parse(&json!({"title": "x".repeat(120)})).is_ok());
    rejects(json!({"title": "   "}), "title", "is required");
    rejects(
        json!({"title": "é".repeat(121)}),
        "title",
        "may be at most 120 characters (got 121)",
    );
    rejects(json!({"title": "a\u{7}b"}), "title", "control characters");
    let err = Page::from_json(r#"{"blocks":[]}"#).unwrap_err();
    assert_eq!(err.field, "");
    assert!(err.message.contains("missing field `title`"), "{err}");
}

#[test]
fn description_is_optional_and_bounded() {
    let p = parse(&json!({"title": "t", "description": "  "})).unwrap();
    assert_eq!(p.description, None);
    let p = parse(&json!({"title": "t", "description": "x".repeat(300)})).unwrap();
    assert_eq!(p.description.unwrap().len(), 300);
    rejects(
        json!({"title": "t", "description": "x".repeat(301)}),
        "description",
        "at most 300",
    );
}

#[test]
fn lang_defaults_to_en_and_is_validated() {
    let p = parse(&json!({"title": "t", "lang": "pt_br"})).unwrap();
    assert_eq!(p.lang.as_str(), "pt-BR");
    rejects(
        json!({"title": "t", "lang": "english"}),
        "lang",
        "not a language tag",
    );
}

#[test]
fn at_most_50_blocks() {
    let blocks = |n: usize| Value::Array(vec![json!({"type": "divider"}); n]);
    assert_eq!(parse(&page_with(blocks(50))).unwrap().blocks.len(), 50);
    rejects(
        page_with(blocks(51)),
        "blocks",
        "at most 50 blocks (got 51)",
    );
}

#[test]
fn headings_and_text_are_bounded() {
    assert!(block(json!({"type": "heading", "text": "x".repeat(120)})).is_ok());
    rejects_block(
        json!({"type": "heading", "text": "x".repeat(121)}),
        ".text",
        "at most 120",
    );
    rejects_block(
        json!({"type": "heading", "text": ""}),
        ".text",
        "is required",
    );
    let text = block(json!({"type": "text", "text": "a\r\nb\rc\n\nd"})).unwrap();
    assert_eq!(
        text,
        Block::Text {
            text: "a\nb\nc\n\nd".into()
        }
    );
    assert!(block(json!({"type": "text", "text": "x".repeat(5000)})).is_ok());
    rejects_block(
        json!({"type": "text", "text": "x".repeat(5001)}),
        ".text",
        "at most 5000",
    );
    rejects_block(
        json!({"type": "text", "text": "nul\u{0}"}),
        ".text",
        "control characters",
    );
}

#[test]
fn link_labels_and_urls() {
    let b =
        block(json!({"type": "link", "label": " Shop ", "url": "https://Shop.example"})).unwrap();
    let Block::Link { label, url } = b else {
        panic!()
    };
    assert_eq!(label, "Shop");
    assert_eq!(url.href(), "https://shop.example/");
    assert!(block(json!({"type": "link", "label": "Mail", "url": "mailto:a@b.example"})).is_ok());
    assert!(block(json!({"type": "link", "label": "Call", "url": "tel:+1 555 0100"})).is_ok());
    rejects_block(
        json!({"type": "link", "label": "x".repeat(81), "url": "https://a.example"}),
        ".label",
        "at most 80",
    );
    rejects_block(
        json!({"type": "link", "label": "", "url": "https://a.example"}),
        ".label",
        "is required",
    );
    rejects_block(
        json!({"type": "link", "label": "x", "url": "javascript:alert(1)"}),
        ".url",
        "only http and https destinations are allowed",
    );
    rejects_block(
        json!({"type": "link", "label": "x", "url": "example.com"}),
        ".url",
        "no scheme",
    );
}

#[test]
fn images_need_https_and_alt_text() {
    assert!(
        block(json!({"type": "image", "url": "https://a.example/x.png", "alt": "A cat"})).is_ok()
    );
    let err = parse(&page_with(json!([
        {"type": "divider"}, {"type": "divider"}, {"type": "divider"},
        {"type": "image", "url": "http://a.example/x.png", "alt": "A cat"}
    ])))
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "blocks[3].url: only https images are allowed"
    );
    rejects_block(
        json!({"type": "image", "url": "https://a.example/x.png"}),
        ".alt",
        "describe the image",
    );
    rejects_block(
        json!({"type": "image", "url": "https://a.example/x.png", "alt": " "}),
        ".alt",
        "describe the image",
    );
    rejects_block(
        json!({"type": "image", "url": "https://a.example/x.png", "alt": "x".repeat(251)}),
        ".alt",
        "at most 250",
    );
    rejects_block(
        json!({"type": "image", "url": "data:image/png;base64,AAAA", "alt": "x"}),
        ".url",
        "only http and https",
    );
}

#[test]
fn socials_use_known_networks_and_valid_urls() {
    let b = block(json!({"type": "socials", "links": [
        {"network": "instagram", "url": "https://instagram.com/x"},
        {"network": "Email", "url": "mailto:hi@x.example"},
        {"network": "website", "url": "https://x.example"}
    ]}))
    .unwrap();
    let Block::Socials { links } = b else {
        panic!()
    };
    assert_eq!(links[1].network, SocialNetwork::Email);
    assert!(matches!(links[1].url, LinkUrl::Email(_)));
    rejects_block(
        json!({"type": "socials", "links": [{"network": "myspace", "url": "https://myspace.com/x"}]}),
        ".links[0].network",
        "unknown network \"myspace\"; use one of instagram, facebook, tiktok, x,",
    );
    rejects_block(
        json!({"type": "socials", "links": [{"network": "x", "url": "https://x.com/a"}, {"network": "x", "url": "javascript:alert(1)"}]}),
        ".links[1].url",
        "only http and https",
    );
    rejects_block(
        json!({"type": "socials", "links": [{"network": "instagram", "url": "mailto:a@b.example"}]}),
        ".links[0].url",
        "use an https:// link for Instagram",
    );
    rejects_block(
        json!({"type": "socials", "links": []}),
        ".links",
        "add at least one link",
    );
    let many = vec![json!({"network": "x", "url": "https://x.com/a"}); 21];
    rejects_block(
        json!({"type": "socials", "links": many}),
        ".links",
        "at most 20 links",
    );
}

#[test]
fn contact_fields() {
    let b = block(json!({"type": "contact", "name": "Ann", "phone": " +44 (20) 7946-0000 ", "email": "Ann@Example.COM", "address": "1 High St\r\nLondon"})).unwrap();
    let Block::Contact {
        name,
        phone,
        email,
        address,
    } = b
    else {
        panic!()
    };
    assert_eq!(name, "Ann");
    assert_eq!(phone.unwrap().dial(), "+442079460000");
    assert_eq!(email.unwrap().as_str(), "Ann@example.com");
    assert_eq!(address.as_deref(), Some("1 High St\nLondon"));
    assert!(block(json!({"type": "contact", "name": "Ann", "phone": "", "email": null})).is_ok());
    rejects_block(
        json!({"type": "contact", "name": ""}),
        ".name",
        "is required",
    );
    rejects_block(
        json!({"type": "contact", "name": "x".repeat(121)}),
        ".name",
        "at most 120",
    );
    rejects_block(
        json!({"type": "contact", "name": "Ann", "phone": "12"}),
        ".phone",
        "3 to 32 characters",
    );
    rejects_block(
        json!({"type": "contact", "name": "Ann", "phone": "555-CALL-NOW"}),
        ".phone",
        "only digits",
    );
    rejects_block(
        json!({"type": "contact", "name": "Ann", "phone": "1".repeat(33)}),
        ".phone",
        "3 to 32",
    );
    rejects_block(
        json!({"type": "contact", "name": "Ann", "email": "not-an-email"}),
        ".email",
        "not a valid email",
    );
    rejects_block(
        json!({"type": "contact", "name": "Ann", "address": "x".repeat(301)}),
        ".address",
        "at most 300",
    );
}

#[test]
fn hours_rules() {
    let ok = |days: Value| block(json!({"type": "hours", "days": days}));
    let b = ok(json!([
        {"day": "mon", "open": "09:00", "close": "12:00"},
        {"day": "mon", "open": "13:00", "close": "17:30"},
        {"day": "FRI", "open": "20:00", "close": "02:00"},
        {"day": "sat", "open": "18:00", "close": "00:00"},
        {"day": "sun", "open": "00:00", "close": "24:00"}
    ]))
    .unwrap();
    let Block::Hours { days } = b else { panic!() };
    assert_eq!(days[2].day, Weekday::Fri);
    assert!(ok(json!([{"day": "tue", "open": "00:00", "close": "00:00"}])).is_ok());
    let bad = |days: Value, field: &str, message: &str| {
        rejects_block(json!({"type": "hours", "days": days}), field, message)
    };
    assert!(ok(json!([{"day": "Monday", "open": "09:00", "close": "17:00"}])).is_ok());
    bad(
        json!([{"day": "someday", "open": "09:00", "close": "17:00"}]),
        ".days[0].day",
        "unknown day \"someday\"",
    );
    bad(
        json!([{"day": "mon", "open": "9", "close": "17:00"}]),
        ".days[0].open",
        "not a time of day",
    );
    bad(
        json!([{"day": "mon", "open": "09:00", "close": "25:00"}]),
        ".days[0].close",
        "not a time of day",
    );
    bad(
        json!([{"day": "mon", "open": "09:00", "close": "09:00"}]),
        ".days[0].close",
        "must be after the opening time",
    );
    bad(
        json!([{"day": "mon", "open": "24:00", "close": "02:00"}]),
        ".days[0].open",
        "24:00 can only be a closing time",
    );
    bad(
        json!([{"day": "mon", "open": "09:00", "close": "17:00"}, {"day": "mon", "open": "16:00", "close": "20:00"}]),
        ".days[1].open",
        "overlaps blocks[0].days[0]",
    );
    bad(json!([]), ".days", "at least one opening time");
    let too_many = vec![json!({"day": "mon", "open": "09:00", "close": "10:00"}); 29];
    bad(Value::Array(too_many), ".days", "at most 28");
}

#[test]
fn menu_rules() {
    let item = |name: &str, price: &str| json!({"name": name, "price": price});
    let b =
        block(json!({"type": "menu", "items": [item("Tea", "€2"), item("Soup of the day", "")]}))
            .unwrap();
    let Block::Menu { items } = b else { panic!() };
    assert_eq!(items[1].price, "");
    let bad = |items: Value, field: &str, message: &str| {
        rejects_block(json!({"type": "menu", "items": items}), field, message)
    };
    bad(
        json!([item(&"x".repeat(81), "1")]),
        ".items[0].name",
        "at most 80",
    );
    bad(
        json!([item("Tea", "€2"), item("Cake", &"9".repeat(21))]),
        ".items[1].price",
        "at most 20",
    );
    bad(
        json!([{"name": "Tea", "price": "1", "description": "x".repeat(301)}]),
        ".items[0].description",
        "at most 300",
    );
    bad(json!([]), ".items", "at least one item");
    bad(
        Value::Array(vec![item("Tea", "1"); 101]),
        ".items",
        "at most 100 items",
    );
    bad(json!([{"name": "Tea"}]), "", "missing field `price`");
}

#[test]
fn video_and_map_blocks() {
    let b = block(json!({"type": "video", "url": "https://youtu.be/dQw4w9WgXcQ"})).unwrap();
    let Block::Video { url } = b else { panic!() };
    assert_eq!(
        url.embed_url(),
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    );
    rejects_block(
        json!({"type": "video", "url": "https://evil.com/watch?v=x"}),
        ".url",
        "only YouTube and Vimeo",
    );
    rejects_block(
        json!({"type": "video", "url": "https://youtube.com.evil.com/watch?v=dQw4w9WgXcQ"}),
        ".url",
        "only YouTube and Vimeo",
    );
    assert!(block(json!({"type": "map", "address": "1 Main St"})).is_ok());
    rejects_block(
        json!({"type": "map", "address": " "}),
        ".address",
        "is required",
    );
    rejects_block(
        json!({"type": "map", "address": "x".repeat(301)}),
        ".address",
        "at most 300",
    );
}

#[test]
fn unknown_types_and_fields_are_named() {
    let err = parse(&page_with(
        json!([{"type": "divider"}, {"type": "carousel"}]),
    ))
    .unwrap_err();
    assert_eq!(err.field, "blocks[1]");
    assert!(
        err.message
            .starts_with("unknown variant `carousel`, expected one of `heading`"),
        "{err}"
    );
    let err = block(json!({"type": "heading", "text": "x", "colour": "red"})).unwrap_err();
    assert_eq!(err.field, "blocks[0]");
    assert!(
        err.message
            .contains("unknown field `colour`, expected `text`"),
        "{err}"
    );
    let err = block(json!({"type": "divider", "style": "dashed"})).unwrap_err();
    assert!(err.message.contains("unknown field `style`"), "{err}");
    let err = block(json!({"text": "no type"})).unwrap_err();
    assert!(err.message.contains("missing field `type`"), "{err}");
    let err = block(json!({"type": "menu", "items": [{"name": "a", "price": "1", "vegan": true}]}))
        .unwrap_err();
    assert!(err.message.contains("unknown field `vegan`"), "{err}");
    let err = parse(&json!({"title": "t", "footer": "x"})).unwrap_err();
    assert_eq!(err.field, "");
    assert!(err.message.contains("unknown field `footer`"), "{err}");
    let err = parse(&json!({"title": "t", "theme": {"background": "#fff", "text": "#000", "accent": "#00f", "radius": 3}})).unwrap_err();
    assert_eq!(err.field, "theme");
    assert!(err.message.contains("unknown field `radius`"), "{err}");
}

#[test]
fn theme_rules_and_contrast_rejection() {
    let theme = |t: Value| parse(&json!({"title": "t", "theme": t}));
    let p = theme(json!({"background": "#111", "text": "#EEE", "accent": "#f0c", "font": "mono", "button_style": "outline"})).unwrap();
    assert_eq!(p.theme.font, Font::Mono);
    assert_eq!(p.theme.button_style, ButtonStyle::Outline);
    assert_eq!(p.theme.text, HexColor::rgb(0xee, 0xee, 0xee));
    let err =
        theme(json!({"background": "#ffffff", "text": "#aaaaaa", "accent": "#000"})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "theme.text: contrast with background is 2.3:1; WCAG AA needs 4.5:1"
    );
    // #777 on white is 4.48:1: just below, and never printed as 4.5.
    let err = theme(json!({"background": "#fff", "text": "#777", "accent": "#000"})).unwrap_err();
    assert_eq!(
        err.message,
        "contrast with background is 4.4:1; WCAG AA needs 4.5:1"
    );
    assert!(theme(json!({"background": "#fff", "text": "#767676", "accent": "#000"})).is_ok());
    let bad = |t: Value, field: &str, message: &str| {
        rejects(json!({"title": "t", "theme": t}), field, message)
    };
    bad(
        json!({"background": "white", "text": "#000", "accent": "#000"}),
        "theme.background",
        "is not a colour",
    );
    bad(
        json!({"background": "#fff", "text": "#000", "accent": "#00f", "font": "comic"}),
        "theme.font",
        "unknown value \"comic\"; use one of system, serif, rounded, mono",
    );
    bad(
        json!({"background": "#fff", "text": "#000", "accent": "#00f", "button_style": "3d"}),
        "theme.button_style",
        "use one of rounded, pill, square, outline",
    );
    bad(
        json!({"background": "#fff", "text": "#000"}),
        "theme",
        "missing field `accent`",
    );
    // A theme deserialised on its own is validated too.
    assert!(
        serde_json::from_str::<Theme>(r##"{"background":"#fff","text":"#eee","accent":"#000"}"##)
            .is_err()
    );
}

#[test]
fn button_label_is_black_or_white_and_reaches_aa() {
    let palette = |accent: HexColor| {
        Theme {
            accent,
            ..Theme::default()
        }
        .palette()
    };
    let dark = palette(HexColor::rgb(0x1a, 0x23, 0x7e));
    assert_eq!(dark.button_text, HexColor::WHITE);
    assert_eq!(dark.button_background, HexColor::rgb(0x1a, 0x23, 0x7e));
    let light = palette(HexColor::rgb(0xff, 0xd4, 0x00));
    assert_eq!(light.button_text, HexColor::BLACK);
    // Light accents cannot be links on white: the text colour is used.
    assert_eq!(light.link, Theme::default().text);
    for accent in [
        HexColor::rgb(0x77, 0x77, 0x77),
        HexColor::rgb(0x80, 0x80, 0x80),
        HexColor::rgb(0xff, 0, 0),
    ] {
        let p = palette(accent);
        assert!(
            p.button_background.contrast_ratio(p.button_text) >= 4.5,
            "{accent}"
        );
    }
}

#[test]
fn standalone_blocks_validate_with_relative_paths() {
    let err = serde_json::from_str::<Block>(
        r#"{"type":"image","url":"http://a.example/x.png","alt":"x"}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("url: only https images are allowed"),
        "{err}"
    );
    let ok: Block = serde_json::from_str(r#"{"type":"divider"}"#).unwrap();
    assert_eq!(ok, Block::Divider);
    // Deserialising a `Page` inside another structure validates it as well.
    assert!(serde_json::from_str::<Page>(r#"{"title":""}"#).is_err());
}

#[test]
fn page_errors_convert_into_domain_errors() {
    let err = parse(&json!({"title": ""})).unwrap_err();
    let domain: DomainError = err.into();
    assert_eq!(domain, DomainError::invalid("title", "is required"));
    let err = Page::from_json("{").unwrap_err();
    assert!(
        matches!(DomainError::from(err), DomainError::Invalid { field, .. } if field == "page")
    );
}

#[test]
fn pages_built_in_rust_can_be_validated() {
    let mut page = parse(&json!({"title": "ok"})).unwrap();
    assert!(page.validate().is_ok());
    page.blocks.push(Block::Heading {
        text: "x".repeat(500),
    });
    assert_eq!(page.validate().unwrap_err().field, "blocks[0].text");
}

// ---- round trip -------------------------------------------------------------

fn line(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("\\PC{{1,{max}}}")).unwrap()
}

fn multiline() -> impl Strategy<Value = String> {
    proptest::collection::vec(line(30), 1..4).prop_map(|parts| parts.join("\n"))
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        "https://[a-z]{1,10}\\.example/[a-zA-Z0-9/._~%-]{0,20}",
        "http://[A-Z]{1,10}\\.example/\\PC{0,10}",
        Just("mailto:a.b+c@example.com".to_owned()),
        "tel:\\+?[0-9 ]{3,20}",
    ]
}

fn any_block() -> impl Strategy<Value = Value> {
    let time = (0u16..24, 0u16..60).prop_map(|(h, m)| format!("{h:02}:{m:02}"));
    prop_oneof![
        line(120).prop_map(|t| json!({"type": "heading", "text": t})),
        multiline().prop_map(|t| json!({"type": "text", "text": t})),
        (line(80), url()).prop_map(|(l, u)| json!({"type": "link", "label": l, "url": u})),
        ("https://[a-z]{1,8}\\.example/[a-z0-9]{0,8}\\.jpg", line(100))
            .prop_map(|(u, a)| json!({"type": "image", "url": u, "alt": a})),
        proptest::collection::vec(
            (proptest::sample::select(SocialNetwork::ALL.to_vec()), "https://[a-z]{1,8}\\.example/[a-z]{0,8}"),
            1..5
        )
        .prop_map(|links| json!({"type": "socials", "links": links.iter().map(|(n, u)| json!({"network": n.code(), "url": u})).collect::<Vec<_>>()})),
        (line(60), proptest::option::of("\\+?[0-9 ]{3,20}"), proptest::option::of("[a-z]{1,8}@[a-z]{1,8}\\.example"), proptest::option::of(multiline()))
            .prop_map(|(n, p, e, a)| json!({"type": "contact", "name": n, "phone": p, "email": e, "address": a})),
        proptest::collection::vec((proptest::sample::select(Weekday::ALL.to_vec()), time.clone(), time), 1..4)
            .prop_map(|days| json!({"type": "hours", "days": days.iter().map(|(d, o, c)| json!({"day": d, "open": o, "close": c})).collect::<Vec<_>>()})),
        proptest::collection::vec((line(40), "\\PC{0,20}", proptest::option::of(line(100))), 1..5)
            .prop_map(|items| json!({"type": "menu", "items": items.iter().map(|(n, p, d)| json!({"name": n, "price": p, "description": d})).collect::<Vec<_>>()})),
        "[A-Za-z0-9_-]{11}".prop_map(|id| json!({"type": "video", "url": format!("https://youtu.be/{id}")})),
        "[0-9]{1,9}".prop_map(|id| json!({"type": "video", "url": format!("https://vimeo.com/{id}")})),
        Just(json!({"type": "divider"})),
        multiline().prop_map(|a| json!({"type": "map", "address": a})),
    ]
}

proptest! {
    #[test]
    fn serialised_pages_parse_back_equal(
        title in line(120),
        description in proptest::option::of(line(200)),
        blocks in proptest::collection::vec(any_block(), 0..8),
        font in proptest::sample::select(Font::ALL.to_vec()),
        button_style in proptest::sample::select(ButtonStyle::ALL.to_vec()),
    ) {
        let value = json!({
            "title": title,
            "description": description,
            "lang": "fr-CA",
            "theme": {"background": "#fafafa", "text": "#111", "accent": "#0b57d0", "font": font.name(), "button_style": button_style.name()},
            "blocks": blocks,
        });
        // Random strings may break a rule (overlapping hours, an over-long
        // phone); whatever parses must round-trip exactly.
        if let Ok(page) = parse(&value) {
            let json = page.to_json();
            let again = Page::from_json(&json).unwrap();
            prop_assert_eq!(&again, &page);
            prop_assert_eq!(again.to_json(), json);
        }
    }

    #[test]
    fn from_json_never_panics(input in "\\PC{0,200}") {
        let _ = Page::from_json(&input);
    }
}

#[test]
fn the_full_fixture_round_trips() {
    let page = page_fixtures::full_page();
    assert_eq!(Page::from_json(&page.to_json()).unwrap(), page);
}
