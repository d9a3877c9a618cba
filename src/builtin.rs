//! Models built into the binary: no file is needed at run time.

use crate::model::Model;

/// The built-in model named `name`: `default` or `articles`; `None` for any other name.
pub fn model(name: &str) -> Option<Model> {
    let _ = name;
    None
}
