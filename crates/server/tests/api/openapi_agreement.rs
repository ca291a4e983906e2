//! The OpenAPI document (`api/openapi.json`) and the wire types (`support-api`, whose JSON
//! Schemas schemars derives) agree both ways: for every body, the same properties, the same
//! `required` list, the same JSON types (`null` included) and the same enum values, all the
//! way down through `$ref`s. Descriptions, formats and lengths are the document's own.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;
use support_api::{
    Assignment, Attachment, ContactChange, ContactList, CreatedTicket, Credentials, Engineers,
    EntryEvent, FieldError, Health, Me, NewContact, NewEscalation, NewMessage, NewRating,
    NewTicket, Notifications, Problem, Queue, Quote, Rejection, Reopening, Report, SessionState,
    SeverityChange, Ticket, TicketPage, Timeline, TimelineEntry,
};

const DOCUMENT: &str = include_str!("../../api/openapi.json");

/// What a schema says about a JSON value, stripped of what the comparison leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    /// JSON types, `null` included; empty for "anything".
    types: BTreeSet<String>,
    /// The values an `enum` or `const` allows (JSON text), when it limits them.
    values: Option<BTreeSet<String>>,
    properties: BTreeMap<String, Shape>,
    required: BTreeSet<String>,
    /// The shape of members other than `properties`, when the object takes any.
    additional: Option<Box<Shape>>,
    items: Option<Box<Shape>>,
}

impl Shape {
    fn empty() -> Shape {
        Shape {
            types: BTreeSet::new(),
            values: None,
            properties: BTreeMap::new(),
            required: BTreeSet::new(),
            additional: None,
            items: None,
        }
    }

    /// A value of either shape (`anyOf`, `oneOf`): members of both, required by both.
    fn or(self, other: Shape) -> Shape {
        let mut properties = self.properties;
        for (name, shape) in other.properties {
            let merged = match properties.remove(&name) {
                Some(mine) => mine.or(shape),
                None => shape,
            };
            properties.insert(name, merged);
        }
        let objects = |s: &BTreeSet<String>| s.contains("object");
        let required = match (objects(&self.types), objects(&other.types)) {
            (true, true) => self
                .required
                .intersection(&other.required)
                .cloned()
                .collect(),
            (true, false) => self.required,
            _ => other.required,
        };
        Shape {
            types: self.types.union(&other.types).cloned().collect(),
            values: match (self.values, other.values) {
                (Some(a), Some(b)) => Some(a.union(&b).cloned().collect()),
                (None, None) => None,
                // Only `null` alongside an enum leaves the enum as it is.
                (Some(a), None) | (None, Some(a)) => Some(a),
            },
            properties,
            required,
            additional: self.additional.or(other.additional),
            items: match (self.items, other.items) {
                (Some(a), Some(b)) => Some(Box::new(a.or(*b))),
                (a, b) => a.or(b),
            },
        }
    }

    /// A value of both shapes (`allOf`): the members of each, required by either.
    fn and(self, other: Shape) -> Shape {
        let required: BTreeSet<String> = self.required.union(&other.required).cloned().collect();
        let mut merged = self.or(other);
        merged.required = required;
        merged
    }
}

/// The shape of `schema`, following `$ref`s into `root` (`#/$defs/...` in schemars' output,
/// `#/components/schemas/...` in the document).
fn shape(schema: &Value, root: &Value) -> Shape {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = root
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{reference} leads nowhere"));
        return shape(target, root);
    }
    let mut result = Shape::empty();
    match schema.get("type") {
        Some(Value::String(one)) => {
            result.types.insert(one.clone());
        }
        Some(Value::Array(many)) => {
            result
                .types
                .extend(many.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        _ => {}
    }
    let listed = schema
        .get("enum")
        .and_then(Value::as_array)
        .cloned()
        .or_else(|| schema.get("const").map(|value| vec![value.clone()]));
    if let Some(values) = listed {
        for value in &values {
            result.types.insert(json_type(value).to_owned());
        }
        let values: BTreeSet<String> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(Value::to_string)
            .collect();
        result.values = (!values.is_empty()).then_some(values);
    }
    if result.types.contains("integer") {
        result.types.remove("number");
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        result.types.insert("object".to_owned());
        for (name, property) in properties {
            result
                .properties
                .insert(name.clone(), shape(property, root));
        }
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        result
            .required
            .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        result.additional = Some(Box::new(shape(additional, root)));
    }
    if let Some(items) = schema.get("items") {
        result.items = Some(Box::new(shape(items, root)));
    }
    for (keyword, combine) in [
        ("anyOf", Shape::or as fn(Shape, Shape) -> Shape),
        ("oneOf", Shape::or),
        ("allOf", Shape::and),
    ] {
        if let Some(variants) = schema.get(keyword).and_then(Value::as_array) {
            let combined = variants
                .iter()
                .map(|variant| shape(variant, root))
                .reduce(combine)
                .unwrap_or_else(Shape::empty);
            result = if result == Shape::empty() {
                combined
            } else {
                Shape::and(result, combined)
            };
        }
    }
    result
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every difference between two shapes, each with the path where it is.
fn differences(path: &str, document: &Shape, wire: &Shape, found: &mut Vec<String>) {
    if document.types != wire.types {
        found.push(format!(
            "{path}: types {:?} in the document, {:?} in the wire type",
            document.types, wire.types
        ));
    }
    if document.values != wire.values {
        found.push(format!(
            "{path}: values {:?} in the document, {:?} in the wire type",
            document.values, wire.values
        ));
    }
    if document.required != wire.required {
        found.push(format!(
            "{path}: required {:?} in the document, {:?} in the wire type",
            document.required, wire.required
        ));
    }
    let names: BTreeSet<&String> = document
        .properties
        .keys()
        .chain(wire.properties.keys())
        .collect();
    for name in names {
        let here = format!("{path}.{name}");
        match (document.properties.get(name), wire.properties.get(name)) {
            (Some(d), Some(w)) => differences(&here, d, w, found),
            (Some(_), None) => found.push(format!("{here}: only in the document")),
            (None, Some(_)) => found.push(format!("{here}: only in the wire type")),
            (None, None) => {}
        }
    }
    match (&document.additional, &wire.additional) {
        (Some(d), Some(w)) => differences(&format!("{path}.*"), d, w, found),
        (None, None) => {}
        (d, _) => found.push(format!(
            "{path}: other members are {} in the document only",
            if d.is_some() { "allowed" } else { "refused" }
        )),
    }
    match (&document.items, &wire.items) {
        (Some(d), Some(w)) => differences(&format!("{path}[]"), d, w, found),
        (None, None) => {}
        _ => found.push(format!("{path}: items in one of the two only")),
    }
}

#[derive(Clone, Copy)]
enum Contract {
    /// An answer: what the server writes.
    Answer,
    /// A request body: what the server reads.
    Request,
}

fn wire_shape<T: JsonSchema>(contract: Contract) -> Shape {
    let settings = SchemaSettings::draft2020_12();
    let settings = match contract {
        Contract::Answer => settings.for_serialize(),
        Contract::Request => settings.for_deserialize(),
    };
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let schema = schema.as_value();
    shape(schema, schema)
}

fn document_shape(document: &Value, component: &str) -> Shape {
    let schema = document
        .pointer(&format!("/components/schemas/{component}"))
        .unwrap_or_else(|| panic!("the document has no component {component}"));
    shape(schema, document)
}

/// The members of a new ticket that are not the policy's fields: the policy, not the wire
/// type, says which others a ticket carries.
const NEW_TICKET_MEMBERS: [&str; 4] = ["type", "severity", "service", "language"];

fn fixed_members(mut shape: Shape) -> Shape {
    shape
        .properties
        .retain(|name, _| NEW_TICKET_MEMBERS.contains(&name.as_str()));
    shape
        .required
        .retain(|name| NEW_TICKET_MEMBERS.contains(&name.as_str()));
    shape.additional = None;
    shape
}

fn compared() -> Vec<(&'static str, Shape)> {
    use Contract::{Answer, Request};
    vec![
        ("Ticket", wire_shape::<Ticket>(Answer)),
        ("CreatedTicket", wire_shape::<CreatedTicket>(Answer)),
        ("TicketPage", wire_shape::<TicketPage>(Answer)),
        ("NewTicket", fixed_members(wire_shape::<NewTicket>(Request))),
        ("Me", wire_shape::<Me>(Answer)),
        ("Notifications", wire_shape::<Notifications>(Answer)),
        ("Notifications", wire_shape::<Notifications>(Request)),
        ("SessionState", wire_shape::<SessionState>(Answer)),
        ("Contact", wire_shape::<support_api::Contact>(Answer)),
        ("ContactList", wire_shape::<ContactList>(Answer)),
        ("NewContact", wire_shape::<NewContact>(Request)),
        ("ContactChange", wire_shape::<ContactChange>(Request)),
        ("Credentials", wire_shape::<Credentials>(Request)),
        ("Problem", wire_shape::<Problem>(Answer)),
        ("FieldError", wire_shape::<FieldError>(Answer)),
        ("Rejection", wire_shape::<Rejection>(Request)),
        ("Health", wire_shape::<Health>(Answer)),
        ("Quote", wire_shape::<Quote>(Answer)),
        ("Timeline", wire_shape::<Timeline>(Answer)),
        ("TimelineEntry", wire_shape::<TimelineEntry>(Answer)),
        ("NewMessage", wire_shape::<NewMessage>(Request)),
        ("Reopening", wire_shape::<Reopening>(Request)),
        ("NewRating", wire_shape::<NewRating>(Request)),
        ("SeverityChange", wire_shape::<SeverityChange>(Request)),
        ("NewEscalation", wire_shape::<NewEscalation>(Request)),
        ("Attachment", wire_shape::<Attachment>(Answer)),
        ("EntryEvent", wire_shape::<EntryEvent>(Answer)),
        ("Queue", wire_shape::<Queue>(Answer)),
        ("Engineers", wire_shape::<Engineers>(Answer)),
        ("Assignment", wire_shape::<Assignment>(Request)),
        ("Report", wire_shape::<Report>(Answer)),
    ]
}

#[test]
fn the_openapi_document_and_the_wire_types_agree_on_every_body() {
    let document: Value = serde_json::from_str(DOCUMENT).expect("api/openapi.json parses");
    let mut found = Vec::new();
    for (component, wire) in compared() {
        let mut documented = document_shape(&document, component);
        if component == "NewTicket" {
            documented = fixed_members(documented);
        }
        assert!(
            !documented.properties.is_empty() && !wire.properties.is_empty(),
            "{component} has members"
        );
        differences(component, &documented, &wire, &mut found);
    }
    assert!(
        found.is_empty(),
        "{} differences:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_comparison_sees_a_member_type_enum_value_or_required_change() {
    let document: Value = serde_json::from_str(DOCUMENT).expect("api/openapi.json parses");
    let wire = wire_shape::<Ticket>(Contract::Answer);
    let mut changed = document.clone();
    changed["components"]["schemas"]["Ticket"]["properties"]["colour"] =
        serde_json::json!({"type": "string"});
    changed["components"]["schemas"]["TicketStatus"]["enum"]
        .as_array_mut()
        .expect("an enum")
        .push("archived".into());
    changed["components"]["schemas"]["Ticket"]["properties"]["decided_at"]["type"] =
        "string".into();
    changed["components"]["schemas"]["Ticket"]["required"]
        .as_array_mut()
        .expect("required")
        .retain(|name| name != "subject");
    let mut found = Vec::new();
    differences(
        "Ticket",
        &document_shape(&changed, "Ticket"),
        &wire,
        &mut found,
    );
    for expected in [
        "Ticket.colour: only in the document",
        "Ticket.status: values",
        "Ticket.decided_at: types",
        "Ticket: required",
    ] {
        assert!(
            found.iter().any(|f| f.starts_with(expected)),
            "{expected} not among {found:#?}"
        );
    }
}
