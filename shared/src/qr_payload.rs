//! What a static QR code says: a URL, text, Wi-Fi credentials, a contact
//! card, an email, a call, a text message or a place. Each kind is encoded
//! in the form phone cameras act on (ZXing's conventions, which iOS and
//! Android follow), with every field validated and escaped here, once.

use serde::Deserialize;

use crate::page::Phone;
use crate::page::vcard::{escape as vcard_escape, line as vcard_line};
use crate::{Destination, DomainError, Email};

/// QR version 40 at EC L holds 2,953 bytes; anything longer cannot render.
pub const MAX_PAYLOAD_BYTES: usize = 2_953;
const MAX_TEXT_FIELD_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum WifiSecurity {
    #[serde(rename = "WPA")]
    Wpa,
    #[serde(rename = "WEP")]
    Wep,
    #[serde(rename = "nopass")]
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum VcardVersion {
    #[serde(rename = "3.0")]
    V3,
    #[serde(rename = "4.0")]
    V4,
}

/// The JSON body of `POST /v1/qr`: `{"type": "wifi", "ssid": …}` and so on.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum QrPayload {
    Url {
        url: Destination,
    },
    Text {
        text: String,
    },
    Wifi {
        ssid: String,
        #[serde(default)]
        password: Option<String>,
        security: WifiSecurity,
        #[serde(default)]
        hidden: bool,
    },
    Vcard {
        version: VcardVersion,
        name: String,
        #[serde(default)]
        organization: Option<String>,
        #[serde(default)]
        phone: Option<Phone>,
        #[serde(default)]
        email: Option<Email>,
        #[serde(default)]
        url: Option<Destination>,
    },
    Email {
        to: Email,
        #[serde(default)]
        subject: Option<String>,
        #[serde(default)]
        body: Option<String>,
    },
    Phone {
        number: Phone,
    },
    Sms {
        number: Phone,
        #[serde(default)]
        message: Option<String>,
    },
    Geo {
        latitude: f64,
        longitude: f64,
    },
}

fn field(name: &str, value: &str, allow_empty: bool) -> Result<(), DomainError> {
    let chars = value.chars().count();
    if (!allow_empty && value.trim().is_empty()) || chars > MAX_TEXT_FIELD_CHARS {
        return Err(DomainError::invalid(
            name,
            format!("must be 1 to {MAX_TEXT_FIELD_CHARS} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::invalid(
            name,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// ZXing's Wi-Fi escaping: `\ ; , : "` are backslash-escaped.
fn wifi_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ';' | ',' | ':' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// RFC 3986 percent-encoding of everything but unreserved characters (for
/// `mailto:` headers, where `+` would not mean a space).
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl QrPayload {
    /// Checks the fields and returns the text the QR code encodes.
    pub fn encode(&self) -> Result<String, DomainError> {
        let text = match self {
            QrPayload::Url { url } => url.as_str().to_owned(),
            QrPayload::Text { text } => {
                if text.is_empty() {
                    return Err(DomainError::invalid("text", "must not be empty"));
                }
                text.clone()
            }
            QrPayload::Wifi {
                ssid,
                password,
                security,
                hidden,
            } => {
                field("ssid", ssid, false)?;
                let (kind, password) = match (security, password) {
                    (WifiSecurity::Open, None) => ("nopass", None),
                    (WifiSecurity::Open, Some(_)) => {
                        return Err(DomainError::invalid("password", "an open network has none"));
                    }
                    (_, None) => {
                        return Err(DomainError::invalid("password", "WPA and WEP need one"));
                    }
                    (WifiSecurity::Wpa, Some(p)) => ("WPA", Some(p)),
                    (WifiSecurity::Wep, Some(p)) => ("WEP", Some(p)),
                };
                let mut out = format!("WIFI:T:{kind};S:{};", wifi_escape(ssid));
                if let Some(password) = password {
                    field("password", password, false)?;
                    out.push_str(&format!("P:{};", wifi_escape(password)));
                }
                if *hidden {
                    out.push_str("H:true;");
                }
                out.push(';');
                out
            }
            QrPayload::Vcard {
                version,
                name,
                organization,
                phone,
                email,
                url,
            } => {
                field("name", name, false)?;
                if let Some(org) = organization {
                    field("organization", org, false)?;
                }
                let mut out = String::with_capacity(256);
                vcard_line(&mut out, "BEGIN:VCARD");
                vcard_line(
                    &mut out,
                    match version {
                        VcardVersion::V3 => "VERSION:3.0",
                        VcardVersion::V4 => "VERSION:4.0",
                    },
                );
                vcard_line(&mut out, &format!("N:{};;;;", vcard_escape(name)));
                vcard_line(&mut out, &format!("FN:{}", vcard_escape(name)));
                if let Some(org) = organization {
                    vcard_line(&mut out, &format!("ORG:{}", vcard_escape(org)));
                }
                if let Some(phone) = phone {
                    let tel = match version {
                        VcardVersion::V3 => format!("TEL;TYPE=VOICE:{}", phone.dial()),
                        VcardVersion::V4 => {
                            format!("TEL;VALUE=uri;TYPE=voice:tel:{}", phone.dial())
                        }
                    };
                    vcard_line(&mut out, &tel);
                }
                if let Some(email) = email {
                    vcard_line(&mut out, &format!("EMAIL:{}", vcard_escape(email.as_str())));
                }
                if let Some(url) = url {
                    vcard_line(&mut out, &format!("URL:{}", url.as_str()));
                }
                vcard_line(&mut out, "END:VCARD");
                out
            }
            QrPayload::Email { to, subject, body } => {
                let mut query = Vec::new();
                if let Some(subject) = subject {
                    field("subject", subject, false)?;
                    query.push(format!("subject={}", percent_encode(subject)));
                }
                if let Some(body) = body {
                    field("body", body, false)?;
                    query.push(format!("body={}", percent_encode(body)));
                }
                let mut out = format!("mailto:{}", to.as_str());
                if !query.is_empty() {
                    out.push('?');
                    out.push_str(&query.join("&"));
                }
                out
            }
            QrPayload::Phone { number } => format!("tel:{}", number.dial()),
            QrPayload::Sms { number, message } => match message {
                Some(message) => {
                    field("message", message, false)?;
                    format!("SMSTO:{}:{message}", number.dial())
                }
                None => format!("SMSTO:{}", number.dial()),
            },
            QrPayload::Geo {
                latitude,
                longitude,
            } => {
                if !(-90.0..=90.0).contains(latitude) {
                    return Err(DomainError::invalid("latitude", "must be -90 to 90"));
                }
                if !(-180.0..=180.0).contains(longitude) {
                    return Err(DomainError::invalid("longitude", "must be -180 to 180"));
                }
                format!("geo:{latitude},{longitude}")
            }
        };
        if text.len() > MAX_PAYLOAD_BYTES {
            return Err(DomainError::invalid(
                "type",
                format!(
                    "the content is too long for a QR code (at most {MAX_PAYLOAD_BYTES} bytes)"
                ),
            ));
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn payload(json: serde_json::Value) -> QrPayload {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn wifi_escapes_its_special_characters() {
        let wifi = payload(serde_json::json!({
            "type": "wifi", "ssid": "Café;\"Guest\",1:2\\", "password": "p;a:s,s", "security": "WPA", "hidden": true
        }));
        assert_eq!(
            wifi.encode().unwrap(),
            "WIFI:T:WPA;S:Café\\;\\\"Guest\\\"\\,1\\:2\\\\;P:p\\;a\\:s\\,s;H:true;;"
        );
        let open =
            payload(serde_json::json!({"type": "wifi", "ssid": "Lobby", "security": "nopass"}));
        assert_eq!(open.encode().unwrap(), "WIFI:T:nopass;S:Lobby;;");
        let no_password =
            payload(serde_json::json!({"type": "wifi", "ssid": "Lobby", "security": "WPA"}));
        assert!(no_password.encode().is_err());
    }

    #[test]
    fn contacts_are_vcards_of_either_version() {
        let card = payload(serde_json::json!({
            "type": "vcard", "version": "4.0", "name": "Rosa, Café", "organization": "Café Rosa",
            "phone": "+44 20 7946 0000", "email": "rosa@cafe.example", "url": "https://cafe.example/"
        }));
        let text = card.encode().unwrap();
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"));
        assert!(text.contains("FN:Rosa\\, Café\r\n"));
        assert!(text.contains("TEL;VALUE=uri;TYPE=voice:tel:+442079460000\r\n"));
        assert!(text.ends_with("END:VCARD\r\n"));
        let v3 = payload(
            serde_json::json!({"type": "vcard", "version": "3.0", "name": "Ann", "phone": "020 7946"}),
        );
        assert!(v3.encode().unwrap().contains("TEL;TYPE=VOICE:0207946\r\n"));
    }

    #[test]
    fn email_phone_sms_and_geo_use_the_uris_cameras_open() {
        let email = payload(
            serde_json::json!({"type": "email", "to": "rosa@cafe.example", "subject": "Table for 2", "body": "Hi & thanks"}),
        );
        assert_eq!(
            email.encode().unwrap(),
            "mailto:rosa@cafe.example?subject=Table%20for%202&body=Hi%20%26%20thanks"
        );
        let phone = payload(serde_json::json!({"type": "phone", "number": "+1 (555) 010-0000"}));
        assert_eq!(phone.encode().unwrap(), "tel:+15550100000");
        let sms = payload(
            serde_json::json!({"type": "sms", "number": "+15550100000", "message": "JOIN"}),
        );
        assert_eq!(sms.encode().unwrap(), "SMSTO:+15550100000:JOIN");
        let geo =
            payload(serde_json::json!({"type": "geo", "latitude": 52.52, "longitude": 13.405}));
        assert_eq!(geo.encode().unwrap(), "geo:52.52,13.405");
        let nowhere =
            payload(serde_json::json!({"type": "geo", "latitude": 91.0, "longitude": 0.0}));
        assert!(nowhere.encode().is_err());
    }

    #[test]
    fn bad_input_is_refused_by_name() {
        for json in [
            serde_json::json!({"type": "url", "url": "javascript:alert(1)"}),
            serde_json::json!({"type": "fax", "number": "1"}),
            serde_json::json!({"type": "phone", "number": "call me"}),
            serde_json::json!({"type": "text", "text": "x", "extra": 1}),
        ] {
            assert!(
                serde_json::from_value::<QrPayload>(json.clone()).is_err(),
                "{json}"
            );
        }
        let long =
            payload(serde_json::json!({"type": "text", "text": "x".repeat(MAX_PAYLOAD_BYTES + 1)}));
        assert!(long.encode().is_err());
        let control =
            payload(serde_json::json!({"type": "wifi", "ssid": "a\u{7}b", "security": "nopass"}));
        assert!(control.encode().is_err());
        let blank =
            payload(serde_json::json!({"type": "wifi", "ssid": "\u{a0} ", "security": "nopass"}));
        assert!(blank.encode().is_err());
    }

    proptest! {
        #[test]
        fn wifi_escaping_round_trips(
            // An all-blank SSID is refused (tested above); generate real ones.
            ssid in "[^\\p{Cc}]{1,40}".prop_filter("not blank", |s: &String| !s.trim().is_empty()),
        ) {
            let wifi = QrPayload::Wifi { ssid: ssid.clone(), password: None, security: WifiSecurity::Open, hidden: false };
            let text = wifi.encode().unwrap();
            let escaped = text.strip_prefix("WIFI:T:nopass;S:").unwrap().strip_suffix(";;").unwrap();
            // Undo the escaping: every backslash protects the next character.
            let mut unescaped = String::new();
            let mut chars = escaped.chars();
            while let Some(c) = chars.next() {
                unescaped.push(if c == '\\' { chars.next().unwrap() } else { c });
            }
            prop_assert_eq!(unescaped, ssid);
        }
    }
}
