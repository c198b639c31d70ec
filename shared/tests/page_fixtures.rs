//! Shared fixtures of the page tests (`mod page_fixtures;` in each), and a
//! check that they stay valid.
// Helpers of integration tests may unwrap and index too (clippy.toml only
// covers `#[test]` functions): a panic here is a failing test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(dead_code)]

use scanly_shared::page::Page;

/// A café page using every block type, with a custom theme.
pub const FULL_PAGE: &str = r##"{
  "title": "Café Luna",
  "description": "Coffee, cake & sourdough in the old town. Open every day but Monday.",
  "lang": "de-AT",
  "theme": {"background": "#fdf6ec", "text": "#2b2118", "accent": "#c2410c", "font": "rounded", "button_style": "pill"},
  "blocks": [
    {"type": "image", "url": "https://cdn.example.com/luna/front.jpg", "alt": "The café's green front door with a chalkboard sign"},
    {"type": "text", "text": "Family-run since 1998.\nAll cakes baked in-house every morning.\n\nAllergens: ask us, or see https://example.com/allergens."},
    {"type": "link", "label": "Order for pickup", "url": "https://order.example.com/luna?src=qr"},
    {"type": "link", "label": "Call us", "url": "tel:+43 1 234 56 78"},
    {"type": "socials", "links": [
      {"network": "instagram", "url": "https://instagram.com/cafeluna"},
      {"network": "tiktok", "url": "https://www.tiktok.com/@cafeluna"},
      {"network": "whatsapp", "url": "https://wa.me/4312345678"},
      {"network": "email", "url": "mailto:hello@cafeluna.example"}
    ]},
    {"type": "heading", "text": "Today's menu"},
    {"type": "menu", "items": [
      {"name": "Flat white", "price": "€3.80"},
      {"name": "Sachertorte", "price": "4,50 €", "description": "Apricot jam, dark chocolate, whipped cream on the side"},
      {"name": "Sourdough loaf", "price": "€6"}
    ]},
    {"type": "video", "url": "https://youtu.be/dQw4w9WgXcQ?si=share"},
    {"type": "divider"},
    {"type": "hours", "days": [
      {"day": "tue", "open": "08:00", "close": "18:00"},
      {"day": "wed", "open": "08:00", "close": "18:00"},
      {"day": "thu", "open": "08:00", "close": "18:00"},
      {"day": "fri", "open": "08:00", "close": "14:00"},
      {"day": "fri", "open": "17:00", "close": "01:00"},
      {"day": "sat", "open": "09:00", "close": "24:00"},
      {"day": "sun", "open": "00:00", "close": "24:00"}
    ]},
    {"type": "contact", "name": "Luna Kaffeehaus GmbH", "phone": "+43 1 234 56 78", "email": "hello@cafeluna.example", "address": "Mondgasse 7\n1010 Wien"},
    {"type": "map", "address": "Mondgasse 7, 1010 Wien"}
  ]
}"##;

pub fn full_page() -> Page {
    Page::from_json(FULL_PAGE).unwrap()
}

#[test]
fn the_full_page_uses_every_block_type() {
    let json: serde_json::Value = serde_json::from_str(FULL_PAGE).unwrap();
    let mut kinds: Vec<&str> = json["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), 11, "{kinds:?}");
    assert_eq!(full_page().blocks.len(), 12);
}
