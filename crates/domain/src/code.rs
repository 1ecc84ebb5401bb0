//! Enums stored as short text codes. A row whose code no variant knows is refused when read:
//! guessing a default would hide a bad migration or a hand-edited row.

/// A stored code that names no variant of `what`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} code {code:?}")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// `TryFrom<String>` through the enum's own `parse`, for sqlx's `#[sqlx(try_from = "String")]`.
macro_rules! try_from_code {
    ($ty:ty, $what:literal) => {
        impl TryFrom<String> for $ty {
            type Error = $crate::code::UnknownCode;
            fn try_from(code: String) -> Result<$ty, $crate::code::UnknownCode> {
                <$ty>::parse(&code).ok_or($crate::code::UnknownCode { what: $what, code })
            }
        }
    };
}
pub(crate) use try_from_code;
