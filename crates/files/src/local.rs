//! Files in a local directory: `objects/ab/<key>` for a stored file, `tmp/<key>.part` while it
//! is written. A file reaches its real name only by a rename after its bytes are on disk
//! (fsync), and the directory is synced after the rename, so a crash leaves either the whole
//! file or none under its key; a stray `.part` is garbage, never a half attachment.

use crate::{Body, ByteStream, FileError, FileResult, Meter};
use futures::StreamExt;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    pub fn new(root: PathBuf) -> LocalStore {
        LocalStore { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join("objects").join(&key[..2]).join(key)
    }

    pub(crate) async fn put(
        &self,
        key: &str,
        mut body: Body<'_>,
        meter: &mut Meter,
    ) -> FileResult<()> {
        let tmp_dir = self.root.join("tmp");
        tokio::fs::create_dir_all(&tmp_dir).await?;
        let tmp = tmp_dir.join(format!("{key}.part"));
        let result = async {
            let mut f = tokio::fs::File::create(&tmp).await?;
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(FileError::Source)?;
                meter.take(&chunk)?;
                f.write_all(&chunk).await?;
            }
            f.flush().await?;
            f.sync_all().await?;
            drop(f);
            let dest = self.path(key);
            let dir = dest.parent().expect("an object path has a directory");
            tokio::fs::create_dir_all(dir).await?;
            tokio::fs::rename(&tmp, &dest).await?;
            sync_dir(dir).await?;
            Ok(())
        }
        .await;
        if result.is_err() {
            tokio::fs::remove_file(&tmp).await.ok();
        }
        result
    }

    pub async fn get(&self, key: &str) -> FileResult<ByteStream> {
        match tokio::fs::File::open(self.path(key)).await {
            Ok(f) => Ok(tokio_util::io::ReaderStream::with_capacity(f, 64 * 1024).boxed()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FileError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn delete(&self, key: &str) -> FileResult<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn exists(&self, key: &str) -> FileResult<bool> {
        Ok(tokio::fs::try_exists(self.path(key)).await?)
    }
}

/// Makes a rename in `dir` durable.
async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(&dir)?.sync_all())
        .await
        .map_err(std::io::Error::other)?
}
