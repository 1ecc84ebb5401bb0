//! The file store: attachments (logs, malware samples, documents) kept outside the database.
//!
//! One [`FileStore`], chosen once at start-up: a local directory by default, or S3-compatible
//! object storage when several instances share the files (`UNGCUU_OBJECT_STORE_URL`). Uploads
//! are streamed: the SHA-256 and the size are computed while the bytes go to the store, and an
//! upload past the limit is refused and its partial object removed, so a too-large or broken
//! upload never leaves anything under a real key.

mod local;
mod s3;
pub mod zipcrypto;

pub use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;

/// The bytes of a stored file, read as they come.
pub type ByteStream = BoxStream<'static, std::io::Result<Bytes>>;

/// The error of whatever feeds an upload (a multipart field, a file, a mail part).
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

/// What was stored: where, how big, and its SHA-256 (lowercase hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The upload went past the limit; nothing was kept.
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    /// The source of the upload failed (a client that went away, a broken multipart body);
    /// nothing was kept.
    #[error("reading the upload failed: {0}")]
    Source(SourceError),
    #[error("no such file")]
    NotFound,
    #[error("invalid object store URL: {0}")]
    Config(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(object_store::Error),
}

impl From<object_store::Error> for FileError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => FileError::NotFound,
            e => FileError::Store(e),
        }
    }
}

pub type FileResult<T> = Result<T, FileError>;

/// Where attachments live. Cheap to clone.
#[derive(Clone)]
pub enum FileStore {
    Local(local::LocalStore),
    S3(Arc<s3::S3Store>),
}

impl std::fmt::Debug for FileStore {
    // Never print credentials or the endpoint's query.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileStore::Local(l) => write!(f, "FileStore::Local({})", l.root().display()),
            FileStore::S3(s) => write!(f, "FileStore::S3({})", s.bucket()),
        }
    }
}

impl FileStore {
    /// Files under `dir` (created on first use).
    pub fn local(dir: impl Into<PathBuf>) -> FileStore {
        FileStore::Local(local::LocalStore::new(dir.into()))
    }

    /// S3-compatible storage named by a URL:
    /// `s3://bucket[/prefix]?endpoint=http://127.0.0.1:9000&region=us-east-1`. Credentials come
    /// from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and the other `AWS_*` variables),
    /// or from `access_key_id=` / `secret_access_key=` in the URL for tests.
    pub fn from_url(url: &str) -> FileResult<FileStore> {
        Ok(FileStore::S3(Arc::new(s3::S3Store::from_url(url)?)))
    }

    /// The store the server runs with: the object store named by `object_store_url`, else the
    /// directory `files_dir`.
    pub fn configured(object_store_url: Option<&str>, files_dir: PathBuf) -> FileResult<FileStore> {
        match object_store_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Self::from_url(url),
            None => Ok(Self::local(files_dir)),
        }
    }

    /// Streams `body` into the store under a new key, computing its size and SHA-256 on the
    /// way. Past `max` bytes, or when `body` fails, the partial object is removed and an error
    /// returned: a half file is never left under a real key.
    pub async fn put<S, E>(&self, body: S, max: u64) -> FileResult<Stored>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: Into<SourceError>,
    {
        let key = new_key();
        let body = body.map(|r| r.map_err(Into::into));
        let mut body = std::pin::pin!(body);
        let mut meter = Meter::new(max);
        let written = match self {
            FileStore::Local(l) => l.put(&key, body.as_mut(), &mut meter).await,
            FileStore::S3(s) => s.put(&key, body.as_mut(), &mut meter).await,
        };
        match written {
            Ok(()) => Ok(Stored {
                key,
                size: meter.size,
                sha256: meter.finish(),
            }),
            Err(e) => Err(e),
        }
    }

    /// The bytes stored under `key`.
    pub async fn get(&self, key: &str) -> FileResult<ByteStream> {
        check_key(key)?;
        match self {
            FileStore::Local(l) => l.get(key).await,
            FileStore::S3(s) => s.get(key).await,
        }
    }

    /// Removes the object under `key`; a missing one is not an error (removal is used to undo
    /// a store whose database row was never written).
    pub async fn delete(&self, key: &str) -> FileResult<()> {
        check_key(key)?;
        match self {
            FileStore::Local(l) => l.delete(key).await,
            FileStore::S3(s) => s.delete(key).await,
        }
    }

    /// Whether an object is stored under `key`.
    pub async fn exists(&self, key: &str) -> FileResult<bool> {
        check_key(key)?;
        match self {
            FileStore::Local(l) => l.exists(key).await,
            FileStore::S3(s) => s.exists(key).await,
        }
    }
}

/// A fresh key: 128 random bits in hex. Keys are not content hashes, so two uploads of the
/// same sample stay two objects and removing one (after a failed insert) never touches the
/// other.
fn new_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Keys are only ever the ones [`new_key`] makes: anything else (a path, `..`) is refused
/// before it reaches a file system or a bucket.
fn check_key(key: &str) -> FileResult<()> {
    if key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(FileError::NotFound)
    }
}

/// Counts and hashes an upload as it passes, and stops it at the limit.
pub(crate) struct Meter {
    max: u64,
    size: u64,
    hash: Sha256,
}

impl Meter {
    fn new(max: u64) -> Meter {
        Meter {
            max,
            size: 0,
            hash: Sha256::new(),
        }
    }

    /// Takes in the next chunk, refusing it when it would pass the limit.
    pub(crate) fn take(&mut self, chunk: &[u8]) -> FileResult<()> {
        let size = self.size + chunk.len() as u64;
        if size > self.max {
            return Err(FileError::TooLarge { max: self.max });
        }
        self.size = size;
        self.hash.update(chunk);
        Ok(())
    }

    fn finish(self) -> String {
        hex::encode(self.hash.finalize())
    }
}

/// The upload's stream as the backends read it.
pub(crate) type Body<'a> =
    std::pin::Pin<&'a mut (dyn Stream<Item = Result<Bytes, SourceError>> + Send + 'a)>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_generated_keys_are_accepted() {
        assert!(check_key(&new_key()).is_ok());
        assert!(check_key("../../etc/passwd").is_err());
        assert!(check_key("0123456789ABCDEF0123456789abcdef").is_err());
        assert!(check_key("").is_err());
    }

    #[test]
    fn the_meter_stops_at_the_limit_and_hashes_what_passed() {
        let mut m = Meter::new(5);
        m.take(b"abc").unwrap();
        m.take(b"de").unwrap();
        assert!(matches!(m.take(b"f"), Err(FileError::TooLarge { max: 5 })));
        assert_eq!(m.size, 5);
        assert_eq!(
            m.finish(),
            "36bbe50ed96841d10443bcb670d6554f0a34b761be67ec9c4a8ad2c0c44ca42c"
        );
    }
}
