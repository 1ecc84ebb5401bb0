use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the text names the constraint or column.
    #[error("already exists: {0}")]
    Unique(String),
    #[error("a change was about to be committed without an audit row")]
    Unaudited,
    #[error("the database is not empty; restore needs an empty database")]
    NotEmpty,
    #[error("bad backup file: {0}")]
    BadBackup(String),
    #[error(transparent)]
    Db(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Unique(
                d.constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| d.message().to_string()),
            ),
            e => StoreError::Db(e),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
