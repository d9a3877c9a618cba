//! The OpenAPI document as the tests read it: operations, their responses, and a JSON Schema
//! check of an answer against its schema.
//!
//! The check knows only the keywords the document uses and fails on any other, so a schema
//! can never pass here because a keyword was skipped. A dependency (a full JSON Schema
//! validator) would buy keywords the document does not use.

use serde_json::Value;

/// The keywords that describe rather than constrain.
const ANNOTATIONS: [&str; 5] = ["description", "summary", "title", "default", "examples"];

pub struct Document {
    pub root: Value,
}

impl Document {
    pub fn load() -> Document {
        let text = include_str!("../../src/serve/openapi.json");
        Document {
            root: serde_json::from_str(text).expect("src/serve/openapi.json is JSON"),
        }
    }

    /// `(path, method)` of every operation, the method in capitals.
    pub fn operations(&self) -> Vec<(String, String)> {
        let mut ops = Vec::new();
        for (path, item) in self.root["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("a path item").keys() {
                ops.push((path.clone(), method.to_ascii_uppercase()));
            }
        }
        ops.sort();
        ops
    }

    pub fn operation(&self, path: &str, method: &str) -> &Value {
        let op = &self.root["paths"][path][method.to_ascii_lowercase()];
        assert!(op.is_object(), "{method} {path} is not in the document");
        op
    }

    /// The statuses an operation documents.
    pub fn statuses(&self, path: &str, method: &str) -> Vec<u16> {
        self.operation(path, method)["responses"]
            .as_object()
            .expect("responses")
            .keys()
            .map(|s| s.parse().expect("a numeric status"))
            .collect()
    }

    /// The response an operation documents for `status`, `$ref`s followed.
    pub fn response(&self, path: &str, method: &str, status: u16) -> Option<&Value> {
        let response = &self.operation(path, method)["responses"][status.to_string()];
        (!response.is_null()).then(|| self.resolve(response))
    }

    /// Every status any operation documents.
    pub fn all_statuses(&self) -> Vec<u16> {
        let mut all: Vec<u16> = self
            .operations()
            .iter()
            .flat_map(|(path, method)| self.statuses(path, method))
            .collect();
        all.sort();
        all.dedup();
        all
    }

    pub fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference
                    .strip_prefix('#')
                    .unwrap_or_else(|| panic!("only local references: {reference}"));
                let target = self
                    .root
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("{reference} resolves to nothing"));
                self.resolve(target)
            }
            None => value,
        }
    }

    /// The ways `value` breaks `schema`, each as `at: why`; empty when it conforms.
    pub fn check(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check_at(schema, value, "$", &mut errors);
        errors
    }

    fn check_at(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        if schema.get("$ref").is_some() {
            // In 3.1 a `$ref` may have siblings; the document gives it only annotations.
            for keyword in schema.as_object().expect("a schema is an object").keys() {
                assert!(
                    keyword == "$ref" || ANNOTATIONS.contains(&keyword.as_str()),
                    "{at}: {keyword:?} beside a $ref"
                );
            }
            return self.check_at(self.resolve(schema), value, at, errors);
        }
        let schema = schema.as_object().expect("a schema is an object");
        for (keyword, arg) in schema {
            let mut fail = |why: String| errors.push(format!("{at}: {why}"));
            match keyword.as_str() {
                "type" => {
                    let types: Vec<&str> = match arg {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                        _ => panic!("type {arg}"),
                    };
                    if !types.iter().any(|t| is_type(value, t)) {
                        fail(format!("{value} is not {}", types.join(" or ")));
                    }
                }
                "enum" => {
                    if !arg.as_array().expect("enum list").contains(value) {
                        fail(format!("{value} is not one of {arg}"));
                    }
                }
                "const" => {
                    if value != arg {
                        fail(format!("{value} is not {arg}"));
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(v), Some(limit)) = (value.as_f64(), arg.as_f64()) {
                        let out = if keyword == "minimum" {
                            v < limit
                        } else {
                            v > limit
                        };
                        if out {
                            fail(format!("{v} is past its {keyword} {limit}"));
                        }
                    }
                }
                "minLength" | "maxLength" => {
                    if let (Some(s), Some(limit)) = (value.as_str(), arg.as_u64()) {
                        let len = s.chars().count() as u64;
                        if (keyword == "minLength" && len < limit)
                            || (keyword == "maxLength" && len > limit)
                        {
                            fail(format!("{len} characters is past its {keyword} {limit}"));
                        }
                    }
                }
                "minItems" | "maxItems" => {
                    if let (Some(items), Some(limit)) = (value.as_array(), arg.as_u64()) {
                        let len = items.len() as u64;
                        if (keyword == "minItems" && len < limit)
                            || (keyword == "maxItems" && len > limit)
                        {
                            fail(format!("{len} items is past its {keyword} {limit}"));
                        }
                    }
                }
                "required" => {
                    if let Some(object) = value.as_object() {
                        for name in arg.as_array().expect("required list") {
                            let name = name.as_str().expect("a property name");
                            if !object.contains_key(name) {
                                fail(format!("no {name:?}"));
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    assert_eq!(arg, &Value::Bool(false), "only additionalProperties: false");
                    let declared = schema.get("properties").and_then(Value::as_object);
                    if let Some(object) = value.as_object() {
                        for name in object.keys() {
                            if !declared.is_some_and(|d| d.contains_key(name)) {
                                fail(format!("{name:?} is not in the schema"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Some(object) = value.as_object() {
                        for (name, property) in arg.as_object().expect("properties") {
                            if let Some(v) = object.get(name) {
                                self.check_at(property, v, &format!("{at}.{name}"), errors);
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = value.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            self.check_at(arg, item, &format!("{at}[{i}]"), errors);
                        }
                    }
                }
                "allOf" => {
                    for part in arg.as_array().expect("allOf list") {
                        self.check_at(part, value, at, errors);
                    }
                }
                "anyOf" => {
                    let parts = arg.as_array().expect("anyOf list");
                    if !parts.iter().any(|part| self.check(part, value).is_empty()) {
                        fail(format!("{value} matches none of {arg}"));
                    }
                }
                k if ANNOTATIONS.contains(&k) => {}
                other => panic!("{at}: the schema uses {other:?}, which this check does not know"),
            }
        }
    }
}

fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        // JSON Schema counts 2.0 as an integer; so does this check.
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        other => panic!("unknown type {other:?}"),
    }
}
