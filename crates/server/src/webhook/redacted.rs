//! A wrapper that keeps personal data and credentials out of `Debug`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that must not be printed: an e-mail address, a name, a phone
/// number, a download token, a passcode.
///
/// `Debug` prints `<redacted>`; there is no `Display`. The value is reached
/// deliberately with [`Redacted::expose`]. Serde sees straight through it,
/// so it (de)serialises as the value itself.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Redacted<T>(T);

impl<T> Redacted<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The value, for code that needs it (e.g. to send the invite).
    #[must_use]
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    #[must_use]
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Redacted<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Serialize> Serialize for Redacted<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Redacted<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::Redacted;

    #[test]
    fn debug_hides_the_value_and_serde_does_not() {
        let email = Redacted::new("alice@example.com".to_owned());
        assert_eq!(format!("{email:?}"), "<redacted>");
        assert_eq!(
            serde_json::to_string(&email).unwrap(),
            "\"alice@example.com\""
        );
        let back: Redacted<String> = serde_json::from_str("\"bob@example.com\"").unwrap();
        assert_eq!(back.expose(), "bob@example.com");
    }
}
