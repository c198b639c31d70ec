//! The conversions every text newtype shares, written once: `FromStr` and
//! `TryFrom<String>` go through the type's `parse`, `From<T> for String`
//! through `Display`, and (optionally) `Display`/`AsRef<str>` through `as_str`.

macro_rules! text_newtype {
    ($ty:ty, $err:ty) => {
        impl TryFrom<String> for $ty {
            type Error = $err;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.to_string()
            }
        }

        impl core::str::FromStr for $ty {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
    ($ty:ty, $err:ty, display = as_str) => {
        $crate::text::text_newtype!($ty, $err);

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

pub(crate) use text_newtype;
