//! Files in S3-compatible object storage, for deployments where several `ungcuu serve`
//! instances share one set of attachments.
//!
//! A small upload (under one part) is sent in one PUT once it is whole; a larger one goes up as
//! a multipart upload, part by part while it arrives, and is aborted (its parts discarded) when
//! it passes the limit or its source fails. Either way the object appears under its key only
//! when complete.

use crate::{Body, ByteStream, FileError, FileResult, Meter};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload, WriteMultipart};
use std::str::FromStr;

/// The size of one part of a multipart upload (S3's minimum is 5 MiB).
const PART: usize = 8 * 1024 * 1024;

#[derive(Debug)]
pub struct S3Store {
    store: AmazonS3,
    bucket: String,
    prefix: Option<String>,
}

impl S3Store {
    /// `s3://bucket[/prefix]?endpoint=…&region=…`; every query parameter is an
    /// [`AmazonS3ConfigKey`] (`endpoint`, `region`, `access_key_id`, `secret_access_key`, …),
    /// and the `AWS_*` environment fills what the URL leaves out.
    pub fn from_url(raw: &str) -> FileResult<S3Store> {
        let url = url::Url::parse(raw).map_err(|e| FileError::Config(e.to_string()))?;
        if url.scheme() != "s3" {
            return Err(FileError::Config(format!(
                "expected s3://bucket, got a {}: URL",
                url.scheme()
            )));
        }
        let bucket = url
            .host_str()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| FileError::Config("the URL names no bucket".into()))?
            .to_string();
        let prefix = Some(url.path().trim_matches('/').to_string()).filter(|p| !p.is_empty());
        // reqwest is built with rustls and no default crypto provider: ring is the one. A
        // second call (another store, a test) finds it installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = AmazonS3Builder::from_env().with_bucket_name(&bucket);
        for (k, v) in url.query_pairs() {
            let key = AmazonS3ConfigKey::from_str(&k)
                .map_err(|_| FileError::Config(format!("unknown setting {k:?}")))?;
            if key == AmazonS3ConfigKey::Endpoint && v.starts_with("http://") {
                // A plain-HTTP endpoint is named on purpose (a server on loopback or the
                // local network); TLS stays required everywhere else.
                b = b.with_allow_http(true);
            }
            b = b.with_config(key, v.into_owned());
        }
        let store = b.build().map_err(|e| FileError::Config(e.to_string()))?;
        Ok(S3Store {
            store,
            bucket,
            prefix,
        })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    fn path(&self, key: &str) -> Path {
        match &self.prefix {
            Some(p) => Path::from(format!("{p}/{key}")),
            None => Path::from(key),
        }
    }

    pub(crate) async fn put(
        &self,
        key: &str,
        mut body: Body<'_>,
        meter: &mut Meter,
    ) -> FileResult<()> {
        let path = self.path(key);
        // Gather the first part; a file that fits goes up in one request.
        let mut first = BytesMut::new();
        let mut rest: Option<Bytes> = None;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(FileError::Source)?;
            meter.take(&chunk)?;
            if first.len() + chunk.len() > PART {
                rest = Some(chunk);
                break;
            }
            first.extend_from_slice(&chunk);
        }
        let Some(rest) = rest else {
            self.store
                .put(&path, PutPayload::from(first.freeze()))
                .await?;
            return Ok(());
        };
        let upload = self.store.put_multipart(&path).await?;
        let mut w = WriteMultipart::new_with_chunk_size(upload, PART);
        let result: FileResult<()> = async {
            w.put(first.freeze());
            w.put(rest);
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(FileError::Source)?;
                meter.take(&chunk)?;
                // At most a few parts in flight: memory stays bounded for a slow store.
                w.wait_for_capacity(4).await?;
                w.put(chunk);
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                w.finish().await?;
                Ok(())
            }
            Err(e) => {
                if let Err(abort) = w.abort().await {
                    tracing::warn!(error = %abort, "multipart upload not aborted");
                }
                Err(e)
            }
        }
    }

    pub async fn get(&self, key: &str) -> FileResult<ByteStream> {
        let got = self.store.get(&self.path(key)).await?;
        Ok(got
            .into_stream()
            .map(|r| r.map_err(std::io::Error::other))
            .boxed())
    }

    pub async fn delete(&self, key: &str) -> FileResult<()> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn exists(&self, key: &str) -> FileResult<bool> {
        match self.store.head(&self.path(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
