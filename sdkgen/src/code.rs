//! A line-oriented text buffer for generated source, and the helpers shared by both languages.

use std::collections::BTreeMap;

/// Generated files keyed by path relative to the output directory, with `/` separators.
pub type Files = BTreeMap<String, String>;

#[derive(Default)]
pub struct Code {
    text: String,
}

impl Code {
    pub fn new() -> Code {
        Code::default()
    }

    pub fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }

    pub fn raw(&mut self, s: &str) {
        self.text.push_str(s);
    }

    pub fn finish(self) -> String {
        self.text
    }
}

/// `ln!(code, "fmt", args)` writes one formatted line; `ln!(code)` writes an empty one.
macro_rules! ln {
    ($code:expr) => {
        $code.line("")
    };
    ($code:expr, $($arg:tt)*) => {
        $code.line(&format!($($arg)*))
    };
}
pub(crate) use ln;

/// Splits a description into lines without the trailing empty ones.
pub fn comment_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// A JSON string literal, which is also a valid TypeScript string literal.
pub fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Shortest decimal form without an exponent, as gen-sdk prints number defaults.
pub fn number_literal(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}
