//! The two macros every string enum of the crate is made with, so each has the same
//! vocabulary for bindings: the wire text (`as_str`, `Display`, `FromStr`, serde) and the
//! list of values (`ALL`).

/// A string enum of the API that keeps values it does not know (`Unknown`): `Display`,
/// `FromStr` (never fails), `From<&str>`, serde as its wire value, `ALL` (the known
/// values, in the spec's order), `is_known`, and `check` (refuses an unknown value
/// sent as an argument, before any request).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the client does not know.
            Unknown(String),
        }

        impl $name {
            /// The known values, in the spec's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(s) => s,
                }
            }

            /// Whether this is one of [`Self::ALL`].
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }

            /// Refuses an unknown value given as the argument `name` (before any request).
            pub fn check(&self, name: &str) -> $crate::Result<()> {
                match self {
                    $name::Unknown(s) => Err($crate::Error::InvalidArgument {
                        name: name.to_string(),
                        message: format!(
                            "`{s}` is not one of {}",
                            [$($wire),+].join(", ")
                        ),
                    }),
                    _ => Ok(()),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> $name {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> $name {
                match s.as_str() {
                    $($wire => $name::$variant,)+
                    _ => $name::Unknown(s),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<$name, Self::Err> {
                Ok($name::from(s))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from(s))
            }
        }
    };
}

/// A closed string enum of the client (query operators, sort order...): `as_str`,
/// `Display`, `FromStr` (an unknown text is [`crate::Error::InvalidArgument`] naming
/// `$arg`), serde as its wire value, and `ALL`.
macro_rules! closed_enum {
    ($(#[$meta:meta])* $name:ident as $arg:literal { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(s: &str) -> $crate::Result<$name> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    other => Err($crate::Error::InvalidArgument {
                        name: $arg.to_string(),
                        message: format!(
                            "`{other}` is not one of {}",
                            [$($wire),+].join(", ")
                        ),
                    }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
