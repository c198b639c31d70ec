//! The OpenAPI document as a contract: every request the tests send and every
//! answer they get is checked against it with a JSON Schema (2020-12)
//! validator, the dialect of OpenAPI 3.1.
//!
//! Rules, applied by `TestApp` to each exchange:
//! - the operation is found by method and path template (query string
//!   stripped; the most literal template wins: `/v1/links/bulk` before
//!   `/v1/links/{id}`);
//! - the response status must be documented (exactly, as `4XX`, or
//!   `default`); a JSON answer must match that response's
//!   `application/json` schema, an empty answer must be documented without
//!   content, and any other answer must be documented with its content type;
//! - a JSON request body is checked only when the API accepted it (2xx):
//!   tests send invalid bodies on purpose to check 400/422 answers, but an
//!   invalid body the API accepted means the document or the API is wrong.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use jsonschema::Validator;
use serde_json::{Value, json};

/// Exchanges the document does not describe, and why. Kept narrow: each
/// entry names one method and one exact path.
pub const UNDOCUMENTED: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/v1/openapi.json",
        "the document itself; it is not one of its own operations",
    ),
    // CORS preflights (`OPTIONS`) are matched by method below: the CORS
    // layer answers them before routing, for any path.
];

/// Path templates whose last parameter takes the rest of the path, like the
/// router's `{*key}` (OpenAPI has no catch-all syntax): the upload receiver's
/// object keys contain slashes.
const CATCH_ALL: &[&str] = &["/v1/uploads/{key}"];

pub struct Contract {
    doc: Value,
    /// The document's components, closed: see `close_components`.
    closed: Value,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl Contract {
    pub fn new(doc: Value) -> Self {
        assert!(
            doc["openapi"]
                .as_str()
                .unwrap_or_default()
                .starts_with("3.1"),
            "not OpenAPI 3.1: {}",
            doc["openapi"]
        );
        let mut closed = doc["components"].clone();
        close_components(&mut closed);
        Self {
            doc,
            closed,
            validators: Mutex::new(HashMap::new()),
        }
    }

    pub fn document(&self) -> &Value {
        &self.doc
    }

    /// A validator for `schema` (inline, or a `$ref` into the document),
    /// compiled once. The wrapper makes the document's components the root
    /// resource, so `#/components/schemas/X` resolves locally; nothing is
    /// ever fetched (the crate is built without its HTTP/file retrievers).
    /// Formats (`date-time`, `email`, `uri`) are asserted, and objects are
    /// closed (see `close_components`).
    pub fn validator(&self, schema: &Value) -> Arc<Validator> {
        let key = schema.to_string();
        let mut validators = self.validators.lock().unwrap();
        if let Some(validator) = validators.get(&key) {
            return Arc::clone(validator);
        }
        let wrapper = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.closed,
            "allOf": [schema],
        });
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&wrapper)
            .unwrap_or_else(|e| panic!("schema does not compile: {e}\n{schema}"));
        let validator = Arc::new(validator);
        validators.insert(key, Arc::clone(&validator));
        validator
    }

    /// Errors of `instance` against `schema`, one per line; empty if valid.
    pub fn errors(&self, schema: &Value, instance: &Value) -> Vec<String> {
        self.validator(schema)
            .iter_errors(instance)
            .map(|e| format!("at `{}`: {e}", e.instance_path()))
            .collect()
    }

    /// Panics unless `instance` is valid against the component `name`.
    pub fn assert_component(&self, name: &str, instance: &Value) {
        assert!(
            self.doc["components"]["schemas"][name].is_object(),
            "no component `{name}`"
        );
        let schema = json!({"$ref": format!("#/components/schemas/{name}")});
        let errors = self.errors(&schema, instance);
        assert!(
            errors.is_empty(),
            "{name} does not match the document:\n{}\n{instance:#}",
            errors.join("\n")
        );
    }

    /// The operation for `method` on a concrete `path`: its template and
    /// its object.
    pub fn operation(&self, method: &Method, path: &str) -> Option<(&str, &Value)> {
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').collect();
        let method = method.as_str().to_ascii_lowercase();
        let mut best: Option<(usize, &str, &Value)> = None;
        for (template, item) in self.doc["paths"].as_object()? {
            let Some(operation) = item.get(&method) else {
                continue;
            };
            let Some(literals) = template_match(template, &segments) else {
                continue;
            };
            if best.is_none_or(|(most, _, _)| literals > most) {
                best = Some((literals, template, operation));
            }
        }
        best.map(|(_, template, operation)| (template, operation))
    }

    /// Checks one exchange; panics with everything needed to see why.
    pub fn check(&self, exchange: &Exchange<'_>) {
        let path = exchange.path.split('?').next().unwrap_or_default();
        let context = || {
            format!(
                "{} {} -> {}",
                exchange.method, exchange.path, exchange.status
            )
        };
        if exchange.method == Method::OPTIONS {
            return; // CORS preflight, see UNDOCUMENTED.
        }
        if UNDOCUMENTED.iter().any(|(method, undocumented, _)| {
            *method == exchange.method.as_str() && *undocumented == path
        }) {
            return;
        }
        let Some((template, operation)) = self.operation(&exchange.method, path) else {
            panic!("{}: no such operation in the document", context());
        };
        let context = || format!("{} (documented as {template})", context());

        // The request, if the API accepted it.
        if exchange.status.is_success() {
            let documented = &operation["requestBody"];
            match &exchange.request {
                Some(Body::Json(body)) => {
                    let schema = &documented["content"]["application/json"]["schema"];
                    assert!(
                        schema.is_object(),
                        "{}: accepted a JSON body the document does not take",
                        context()
                    );
                    let errors = self.errors(schema, body);
                    assert!(
                        errors.is_empty(),
                        "{}: accepted a request body the document rejects:\n{}\n{body:#}",
                        context(),
                        errors.join("\n")
                    );
                }
                Some(Body::Other(content_type)) => {
                    assert!(
                        documented["content"]
                            .as_object()
                            .is_some_and(|c| c.keys().any(|k| media_matches(k, content_type))),
                        "{}: accepted a `{content_type}` body the document does not take",
                        context()
                    );
                }
                Some(Body::BadJson) => {
                    panic!("{}: accepted a body that is not JSON", context())
                }
                None => assert!(
                    documented["required"] != json!(true),
                    "{}: accepted a request without its required body",
                    context()
                ),
            }
        }

        // The response.
        let responses = &operation["responses"];
        let status = exchange.status.as_str();
        let range = format!("{}XX", exchange.status.as_u16() / 100);
        let Some(documented) = [status, range.as_str(), "default"]
            .into_iter()
            .find_map(|key| responses.get(key))
        else {
            panic!(
                "{}: status not documented (documented: {:?})\n{:?}",
                context(),
                responses.as_object().map(|r| r.keys().collect::<Vec<_>>()),
                exchange.response
            );
        };
        let content = documented["content"].as_object();
        match &exchange.response {
            None => assert!(
                content.is_none_or(serde_json::Map::is_empty),
                "{}: empty answer, but the document promises content",
                context()
            ),
            Some(Body::Json(body)) => {
                let schema = &documented["content"]["application/json"]["schema"];
                assert!(
                    schema.is_object(),
                    "{}: JSON answer the document does not describe\n{body:#}",
                    context()
                );
                let errors = self.errors(schema, body);
                assert!(
                    errors.is_empty(),
                    "{}: answer does not match the document:\n{}\n{body:#}",
                    context(),
                    errors.join("\n")
                );
            }
            Some(Body::BadJson) => panic!("{}: answer says JSON but is not", context()),
            Some(Body::Other(content_type)) => assert!(
                content.is_some_and(|c| c.keys().any(|k| media_matches(k, content_type))),
                "{}: `{content_type}` answer the document does not describe",
                context()
            ),
        }
    }
}

/// A body as the contract sees it.
#[derive(Debug)]
pub enum Body {
    Json(Value),
    /// Declared JSON, does not parse.
    BadJson,
    /// Not JSON: its content type (CSV, images, ZIP, uploads).
    Other(String),
}

impl Body {
    /// `None` for an empty body.
    pub fn classify(content_type: Option<&str>, bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() {
            return None;
        }
        let content_type = content_type.unwrap_or_default();
        if is_json(content_type) {
            Some(
                serde_json::from_slice(bytes)
                    .map(Body::Json)
                    .unwrap_or(Body::BadJson),
            )
        } else {
            Some(Body::Other(content_type.to_owned()))
        }
    }
}

pub struct Exchange<'a> {
    pub method: Method,
    pub path: &'a str,
    pub request: Option<Body>,
    pub status: StatusCode,
    pub response: Option<Body>,
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Whether a documented media type covers an actual `Content-Type`.
fn media_matches(documented: &str, actual: &str) -> bool {
    let actual = actual.split(';').next().unwrap_or_default().trim();
    documented == "*/*"
        || documented.eq_ignore_ascii_case(actual)
        || documented
            .strip_suffix("/*")
            .is_some_and(|kind| actual.split('/').next() == Some(kind))
}

/// How many literal segments `template` matches `segments` with, or `None`.
fn template_match(template: &str, segments: &[&str]) -> Option<usize> {
    let parts: Vec<&str> = template.split('/').collect();
    let catch_all = CATCH_ALL.contains(&template);
    if catch_all {
        if segments.len() < parts.len() {
            return None;
        }
    } else if segments.len() != parts.len() {
        return None;
    }
    let mut literals = 0;
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') && part.ends_with('}') {
            if segment.is_empty() {
                return None;
            }
        } else if part == segment {
            literals += 1;
        } else {
            return None;
        }
    }
    if catch_all && segments[parts.len()..].iter().any(|s| s.is_empty()) {
        return None;
    }
    Some(literals)
}

/// Closes the document's object schemas: a property the document does not
/// name is an error (`unevaluatedProperties: false`), as the request types
/// already say with `additionalProperties: false`. Left open: schemas that
/// say what extra properties may be (maps), the members of an `allOf` (the
/// container is closed instead, and sees its members' properties), and an
/// `allOf` with a free-form object member (a flattened `Object`).
fn close_components(components: &mut Value) {
    let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) else {
        return;
    };
    // Components used as `allOf` members stay open at their top level.
    let members: Vec<Value> = schemas.values().flat_map(all_of_members).collect();
    let in_all_of: Vec<String> = schemas
        .keys()
        .filter(|name| members.contains(&json!({"$ref": format!("#/components/schemas/{name}")})))
        .cloned()
        .collect();
    for (name, schema) in schemas.iter_mut() {
        close(schema, !in_all_of.contains(name));
    }
}

/// Every `allOf` member anywhere in `schema`.
fn all_of_members(schema: &Value) -> Vec<Value> {
    let mut found = Vec::new();
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(members)) = map.get("allOf") {
                found.extend(members.iter().cloned());
            }
            for value in map.values() {
                found.extend(all_of_members(value));
            }
        }
        Value::Array(items) => {
            for item in items {
                found.extend(all_of_members(item));
            }
        }
        _ => {}
    }
    found
}

fn is_free_form(schema: &Value) -> bool {
    schema.get("type") == Some(&json!("object"))
        && ["properties", "allOf", "oneOf", "anyOf", "$ref"]
            .iter()
            .all(|k| schema.get(k).is_none())
}

fn close(schema: &mut Value, this_level: bool) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    let open_by_design = [
        "additionalProperties",
        "unevaluatedProperties",
        "patternProperties",
    ]
    .iter()
    .any(|k| map.contains_key(*k));
    let all_of_free_form = map
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|members| members.iter().any(is_free_form));
    if this_level
        && !open_by_design
        && !all_of_free_form
        && (map.contains_key("properties") || map.contains_key("allOf"))
    {
        map.insert("unevaluatedProperties".into(), json!(false));
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for property in properties.values_mut() {
            close(property, true);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(sub) = map.get_mut(key) {
            close(sub, true);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            for member in members {
                close(member, true);
            }
        }
    }
    if let Some(Value::Array(members)) = map.get_mut("allOf") {
        for member in members {
            close(member, false);
        }
    }
}
