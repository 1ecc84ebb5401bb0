use thiserror::Error;
use ungcuu_domain::Invalid;
use ungcuu_store::StoreError;

#[derive(Debug, Error)]
pub enum AppError {
    /// Bad input: every bad field, named.
    #[error("{0}")]
    Invalid(Invalid),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<Invalid> for AppError {
    fn from(i: Invalid) -> Self {
        AppError::Invalid(i)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            e => AppError::Internal(e.into()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
