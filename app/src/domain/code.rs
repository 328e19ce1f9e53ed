//! Stored codes as enums. Every status, kind, role and action the database keeps as text is an
//! enum declared with [`coded_enum!`]: the one place its text form is written, so a typo is a
//! compile error, an unknown stored value is `None` (never silently another variant), and
//! pages, SQL binding, notifications and audit entries all use the same names.

/// A stored code's enum: what [`coded_enum!`] implements (the database layer reads and binds
/// any of them through it, `platform::db`).
pub trait Coded: Sized + Copy + 'static {
    /// The enum's name, for error messages.
    const NAME: &'static str;
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self>;
}

/// Declares an enum whose variants each have one stored code:
/// `code()` gives the text, `from_code()` reads it back (`None` for anything else), `ALL` lists
/// the variants in order. Serialized with serde as the code too, so the wire format (JSON of
/// server functions, what phones keep) is the stored one.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:tt),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $code)] $variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
        impl $crate::domain::code::Coded for $name {
            const NAME: &'static str = stringify!($name);
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn from_code(code: &str) -> Option<Self> {
                $name::from_code(code)
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use coded_enum;

/// [`Coded`] for an enum declared before [`coded_enum!`] whose `code`/`from_code` are written
/// out by hand (positions, genders, member statuses, text sizes, document types): their
/// serde form is the variant's name, which phones may have kept, so only the database reads and
/// binds them through their codes.
macro_rules! coded_by_hand {
    ($($name:ident),+ $(,)?) => {$(
        impl $crate::domain::code::Coded for $name {
            const NAME: &'static str = stringify!($name);
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn from_code(code: &str) -> Option<Self> {
                $name::from_code(code)
            }
        }
    )+};
}
pub(crate) use coded_by_hand;

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    coded_enum!(
        /// A test enum.
        Colour {
            Red = "do",
            Green = "xanh",
        }
    );

    #[test]
    fn codes_read_back_and_unknown_codes_are_none() {
        for c in Colour::ALL {
            assert_eq!(Colour::from_code(c.code()), Some(*c));
        }
        assert_eq!(Colour::from_code("tim"), None);
        assert_eq!(Colour::from_code(""), None);
        assert_eq!(Colour::Green.to_string(), "xanh");
        assert_eq!(serde_json::to_string(&Colour::Green).unwrap(), r#""xanh""#);
        assert_eq!(
            serde_json::from_str::<Colour>(r#""do""#).unwrap(),
            Colour::Red
        );
        assert!(serde_json::from_str::<Colour>(r#""Red""#).is_err());
    }
}
