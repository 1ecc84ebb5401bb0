//! The file store on both backends: a local directory, and S3 as served by `s3s-fs` in this
//! process on loopback (path-style requests, signed with a test key pair).

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use ungcuu_files::{FileError, FileStore};

const ACCESS: &str = "ungcuu-test-access";
const SECRET: &str = "ungcuu-test-secret-key";

/// An S3 server on 127.0.0.1 whose bucket `ungcuu` lives in `root`; the returned URL names it.
async fn s3_server(root: &Path) -> String {
    std::fs::create_dir_all(root.join("ungcuu")).unwrap();
    let fs = s3s_fs::FileSystem::new(root).unwrap();
    let mut b = s3s::service::S3ServiceBuilder::new(fs);
    b.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS, SECRET));
    let service = b.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let http =
            hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let conn = http
                .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone())
                .into_owned();
            tokio::spawn(conn);
        }
    });
    format!(
        "s3://ungcuu/attachments?endpoint=http://{addr}&region=us-east-1&access_key_id={ACCESS}&secret_access_key={SECRET}"
    )
}

struct Backend {
    name: &'static str,
    store: FileStore,
    /// Where the bytes end up on disk, to look for leftovers.
    root: PathBuf,
    _dir: tempfile::TempDir,
}

async fn backends() -> Vec<Backend> {
    let local = tempfile::tempdir().unwrap();
    let s3 = tempfile::tempdir().unwrap();
    let url = s3_server(s3.path()).await;
    vec![
        Backend {
            name: "local",
            store: FileStore::local(local.path().join("files")),
            root: local.path().to_path_buf(),
            _dir: local,
        },
        Backend {
            name: "s3",
            store: FileStore::from_url(&url).unwrap(),
            root: s3.path().to_path_buf(),
            _dir: s3,
        },
    ]
}

fn chunks(
    data: &[u8],
    size: usize,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + use<> {
    let parts: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(size)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures::stream::iter(parts)
}

async fn read_all(store: &FileStore, key: &str) -> Vec<u8> {
    let parts: Vec<Bytes> = store.get(key).await.unwrap().try_collect().await.unwrap();
    parts.concat()
}

fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Files under `dir` whose name is a store key (32 hex digits), wherever they sit.
fn objects(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.len() >= 32 && n[..32].bytes().all(|b| b.is_ascii_hexdigit()))
            {
                found.push(p);
            }
        }
    }
    found
}

fn pseudo_random(n: usize) -> Vec<u8> {
    let mut x: u32 = 2463534242;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

#[tokio::test]
async fn a_file_put_in_chunks_reads_back_whole_with_its_size_and_sha256() {
    for b in backends().await {
        let data = "Nhật ký truy cập: 10.0.0.5 - - [04/May/2026] \"GET /wp-login.php\"\n"
            .repeat(2000)
            .into_bytes();
        let stored = b.store.put(chunks(&data, 4096), 1 << 20).await.unwrap();
        assert_eq!(stored.size, data.len() as u64, "{}", b.name);
        assert_eq!(stored.sha256, sha(&data), "{}", b.name);
        assert_eq!(read_all(&b.store, &stored.key).await, data, "{}", b.name);
        assert!(b.store.exists(&stored.key).await.unwrap(), "{}", b.name);

        // The same bytes again are a second object: removing one leaves the other.
        let again = b.store.put(chunks(&data, 999), 1 << 20).await.unwrap();
        assert_ne!(again.key, stored.key);
        assert_eq!(again.sha256, stored.sha256);
        b.store.delete(&again.key).await.unwrap();
        assert!(!b.store.exists(&again.key).await.unwrap(), "{}", b.name);
        assert_eq!(read_all(&b.store, &stored.key).await, data, "{}", b.name);
        // Removing what is not there is not an error (undoing a failed insert twice).
        b.store.delete(&again.key).await.unwrap();
        assert!(matches!(
            b.store.get(&again.key).await,
            Err(FileError::NotFound)
        ));
    }
}

#[tokio::test]
async fn an_empty_file_is_stored_with_the_hash_of_nothing() {
    for b in backends().await {
        let stored = b.store.put(chunks(b"", 1), 10).await.unwrap();
        assert_eq!(stored.size, 0);
        assert_eq!(
            stored.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(
            read_all(&b.store, &stored.key).await.is_empty(),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn an_upload_past_the_limit_is_refused_and_leaves_nothing() {
    for b in backends().await {
        let data = pseudo_random(100_000);
        let err = b.store.put(chunks(&data, 8192), 99_999).await.unwrap_err();
        assert!(
            matches!(err, FileError::TooLarge { max: 99_999 }),
            "{}: {err:?}",
            b.name
        );
        assert!(
            objects(&b.root).is_empty(),
            "{}: {:?}",
            b.name,
            objects(&b.root)
        );
        // Exactly at the limit is fine.
        let ok = b.store.put(chunks(&data, 8192), 100_000).await.unwrap();
        assert_eq!(ok.size, 100_000);
    }
}

#[tokio::test]
async fn a_large_file_goes_up_in_parts_and_one_past_the_limit_is_aborted() {
    for b in backends().await {
        // Over one part (8 MiB): a multipart upload on S3.
        let data = pseudo_random(19 * 1024 * 1024 + 7);
        let stored = b
            .store
            .put(chunks(&data, 256 * 1024), 64 << 20)
            .await
            .unwrap();
        assert_eq!(stored.sha256, sha(&data), "{}", b.name);
        assert_eq!(read_all(&b.store, &stored.key).await, data, "{}", b.name);
        b.store.delete(&stored.key).await.unwrap();

        let err = b
            .store
            .put(chunks(&data, 256 * 1024), 12 << 20)
            .await
            .unwrap_err();
        assert!(
            matches!(err, FileError::TooLarge { .. }),
            "{}: {err:?}",
            b.name
        );
        assert!(
            objects(&b.root).is_empty(),
            "{}: {:?}",
            b.name,
            objects(&b.root)
        );
    }
}

#[tokio::test]
async fn a_source_that_fails_half_way_leaves_nothing() {
    for b in backends().await {
        let good = pseudo_random(50_000);
        let body = chunks(&good, 10_000)
            .take(3)
            .chain(futures::stream::once(async {
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "client went away",
                ))
            }));
        let err = b.store.put(body, 1 << 20).await.unwrap_err();
        assert!(matches!(err, FileError::Source(_)), "{}: {err:?}", b.name);
        assert!(objects(&b.root).is_empty(), "{}", b.name);
    }
}

#[tokio::test]
async fn keys_that_are_not_the_stores_own_are_refused() {
    for b in backends().await {
        assert!(matches!(
            b.store.get("../../../etc/passwd").await,
            Err(FileError::NotFound)
        ));
        assert!(b.store.delete("a/b").await.is_err());
    }
}

#[test]
fn a_url_that_is_not_s3_is_refused() {
    assert!(FileStore::from_url("http://example.invalid/bucket").is_err());
    assert!(FileStore::from_url("s3://bucket?no_such_setting=1").is_err());
    let local = FileStore::configured(None, PathBuf::from("/tmp/x")).unwrap();
    assert!(matches!(local, FileStore::Local(_)));
}
