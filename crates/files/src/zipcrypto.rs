//! A malware sample wrapped in a password zip (`infected` by convention), streamed.
//!
//! The encryption is the traditional PKWARE one (ZipCrypto), not AES, on purpose: the
//! password is public, and the wrapping exists only so that antivirus, mail filters and a
//! careless double-click leave the sample alone. What matters is that every tool opens it:
//! Windows Explorer, Info-ZIP `unzip` and 7-Zip read ZipCrypto, while Explorer and `unzip`
//! cannot read AES zips.
//!
//! The entry is stored (not compressed) with a data descriptor, so the archive is produced
//! while the sample is read, whatever its size up to 4 GiB (no ZIP64).

use crate::ByteStream;
use bytes::{BufMut, Bytes, BytesMut};
use chrono::{Datelike, NaiveDateTime, Timelike};
use futures::StreamExt;

/// The password every malware exchange uses.
pub const PASSWORD: &str = "infected";

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

fn crc_byte(crc: u32, b: u8) -> u32 {
    (crc >> 8) ^ CRC_TABLE[((crc ^ b as u32) & 0xff) as usize]
}

/// The cipher's three keys (APPNOTE 6.1).
struct Keys(u32, u32, u32);

impl Keys {
    fn new(password: &[u8]) -> Keys {
        let mut k = Keys(0x1234_5678, 0x2345_6789, 0x3456_7890);
        for &b in password {
            k.update(b);
        }
        k
    }

    fn update(&mut self, plain: u8) {
        self.0 = crc_byte(self.0, plain);
        self.1 = self
            .1
            .wrapping_add(self.0 & 0xff)
            .wrapping_mul(134_775_813)
            .wrapping_add(1);
        self.2 = crc_byte(self.2, (self.1 >> 24) as u8);
    }

    fn stream_byte(&self) -> u8 {
        let t = (self.2 | 2) as u16;
        (t.wrapping_mul(t ^ 1) >> 8) as u8
    }

    fn encrypt(&mut self, plain: u8) -> u8 {
        let c = plain ^ self.stream_byte();
        self.update(plain);
        c
    }
}

/// MS-DOS date and time, as zip headers carry them.
fn dos_time(t: NaiveDateTime) -> (u16, u16) {
    let year = t.year().clamp(1980, 2107) as u16;
    let date = ((year - 1980) << 9) | ((t.month() as u16) << 5) | t.day() as u16;
    let time = ((t.hour() as u16) << 11) | ((t.minute() as u16) << 5) | (t.second() as u16 / 2);
    (date, time)
}

/// General purpose flags: encrypted, sizes and CRC in a data descriptor, UTF-8 name.
const FLAGS: u16 = 1 | (1 << 3) | (1 << 11);
const VERSION: u16 = 20;
/// The encryption header in front of the data.
const HEADER_LEN: u64 = 12;

/// The largest sample that fits a zip without ZIP64.
pub const MAX_SIZE: u64 = u32::MAX as u64 - HEADER_LEN;

enum Stage {
    Header,
    Body,
    Trailer,
    Done,
}

struct State {
    src: ByteStream,
    keys: Keys,
    crc: u32,
    seen: u64,
    size: u64,
    name: Vec<u8>,
    date: u16,
    time: u16,
    stage: Stage,
}

/// `src` (exactly `size` bytes) as a zip holding one file `name`, encrypted with `password`,
/// dated `modified` (local time). Fails with `InvalidInput` past [`MAX_SIZE`], and with
/// `UnexpectedEof`/`InvalidData` if `src` yields other than `size` bytes.
pub fn zip_one(
    src: ByteStream,
    name: &str,
    size: u64,
    modified: NaiveDateTime,
    password: &[u8],
) -> std::io::Result<ByteStream> {
    if size > MAX_SIZE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "too large for a zip without ZIP64",
        ));
    }
    let (date, time) = dos_time(modified);
    let state = State {
        src,
        keys: Keys::new(password),
        crc: 0xFFFF_FFFF,
        seen: 0,
        size,
        name: name.as_bytes().to_vec(),
        date,
        time,
        stage: Stage::Header,
    };
    Ok(futures::stream::unfold(state, step).boxed())
}

async fn step(mut s: State) -> Option<(std::io::Result<Bytes>, State)> {
    match s.stage {
        Stage::Header => {
            let mut b = BytesMut::with_capacity(30 + s.name.len() + 12);
            b.put_u32_le(0x0403_4b50);
            b.put_u16_le(VERSION);
            b.put_u16_le(FLAGS);
            b.put_u16_le(0); // stored
            b.put_u16_le(s.time);
            b.put_u16_le(s.date);
            // CRC and sizes follow the data, in the descriptor.
            b.put_u32_le(0);
            b.put_u32_le(0);
            b.put_u32_le(0);
            b.put_u16_le(s.name.len() as u16);
            b.put_u16_le(0);
            b.put_slice(&s.name);
            // Eleven random bytes, then the check byte: with a data descriptor it is the high
            // byte of the modification time (Info-ZIP), since the CRC is not known yet.
            let mut head: [u8; 12] = rand::random();
            head[11] = (s.time >> 8) as u8;
            for x in head.iter_mut() {
                *x = s.keys.encrypt(*x);
            }
            b.put_slice(&head);
            s.stage = Stage::Body;
            Some((Ok(b.freeze()), s))
        }
        Stage::Body => match s.src.next().await {
            Some(Ok(chunk)) => {
                s.seen += chunk.len() as u64;
                if s.seen > s.size {
                    s.stage = Stage::Done;
                    return Some((Err(std::io::ErrorKind::InvalidData.into()), s));
                }
                let mut out = BytesMut::with_capacity(chunk.len());
                for &p in chunk.iter() {
                    s.crc = crc_byte(s.crc, p);
                    out.put_u8(s.keys.encrypt(p));
                }
                Some((Ok(out.freeze()), s))
            }
            Some(Err(e)) => {
                s.stage = Stage::Done;
                Some((Err(e), s))
            }
            None => {
                if s.seen != s.size {
                    s.stage = Stage::Done;
                    return Some((Err(std::io::ErrorKind::UnexpectedEof.into()), s));
                }
                s.stage = Stage::Trailer;
                Some((Ok(Bytes::new()), s))
            }
        },
        Stage::Trailer => {
            let crc = !s.crc;
            let packed = (s.size + HEADER_LEN) as u32;
            let local_len = 30 + s.name.len() as u32 + packed;
            let mut b = BytesMut::new();
            b.put_u32_le(0x0807_4b50);
            b.put_u32_le(crc);
            b.put_u32_le(packed);
            b.put_u32_le(s.size as u32);
            let cd_offset = local_len + 16;
            let cd_start = b.len();
            b.put_u32_le(0x0201_4b50);
            b.put_u16_le(VERSION);
            b.put_u16_le(VERSION);
            b.put_u16_le(FLAGS);
            b.put_u16_le(0);
            b.put_u16_le(s.time);
            b.put_u16_le(s.date);
            b.put_u32_le(crc);
            b.put_u32_le(packed);
            b.put_u32_le(s.size as u32);
            b.put_u16_le(s.name.len() as u16);
            b.put_u16_le(0); // extra
            b.put_u16_le(0); // comment
            b.put_u16_le(0); // disk
            b.put_u16_le(0); // internal attributes
            b.put_u32_le(0); // external attributes
            b.put_u32_le(0); // offset of the local header
            b.put_slice(&s.name);
            let cd_len = (b.len() - cd_start) as u32;
            b.put_u32_le(0x0605_4b50);
            b.put_u16_le(0);
            b.put_u16_le(0);
            b.put_u16_le(1);
            b.put_u16_le(1);
            b.put_u32_le(cd_len);
            b.put_u32_le(cd_offset);
            b.put_u16_le(0);
            s.stage = Stage::Done;
            Some((Ok(b.freeze()), s))
        }
        Stage::Done => None,
    }
}

/// The archive's length for a sample of `size` bytes named `name`: known before the first
/// byte, so a download can announce it.
pub fn zipped_len(name: &str, size: u64) -> u64 {
    let n = name.len() as u64;
    (30 + n + HEADER_LEN + size) + 16 + (46 + n) + 22
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn zipped(data: &'static [u8], name: &str) -> Vec<u8> {
        let src = futures::stream::iter(
            data.chunks(7)
                .map(|c| Ok(Bytes::from_static(c)))
                .collect::<Vec<_>>(),
        )
        .boxed();
        let when =
            NaiveDateTime::parse_from_str("2026-05-04 08:30:10", "%Y-%m-%d %H:%M:%S").unwrap();
        let s = zip_one(src, name, data.len() as u64, when, PASSWORD.as_bytes()).unwrap();
        let parts: Vec<Bytes> =
            futures::executor::block_on(s.map(|r| r.unwrap()).collect::<Vec<_>>());
        parts.concat()
    }

    #[test]
    fn a_sample_reads_back_with_the_password_and_not_without() {
        let data: &[u8] = b"MZ\x90\x00 this would be a PE file; EICAR-like test bytes \x00\xff";
        let bytes = zipped(data, "mẫu độc.exe");
        assert_eq!(
            bytes.len() as u64,
            zipped_len("mẫu độc.exe", data.len() as u64)
        );
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
        assert_eq!(z.len(), 1);
        {
            let mut f = z.by_index_decrypt(0, b"infected").unwrap();
            assert_eq!(f.name().unwrap(), "mẫu độc.exe");
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            assert_eq!(out, data);
        }
        assert!(
            z.by_index_decrypt(0, b"wrong password").is_err() || {
                // ZipCrypto's check byte lets one wrong password in 256 through; reading then
                // fails on the CRC.
                let mut out = Vec::new();
                z.by_index_decrypt(0, b"wrong password")
                    .unwrap()
                    .read_to_end(&mut out)
                    .is_err()
            }
        );
        // The sample's bytes never appear in the clear inside the archive.
        assert!(!bytes.windows(8).any(|w| w == b"this wou"));
    }

    #[test]
    fn unzip_opens_it_with_the_password() {
        if std::process::Command::new("unzip")
            .arg("-v")
            .output()
            .is_err()
        {
            eprintln!("unzip not installed: skipped");
            return;
        }
        let data: &[u8] = b"log line 1\nlog line 2\n";
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("sample.zip");
        std::fs::write(&zip_path, zipped(data, "sample.bin")).unwrap();
        let out = std::process::Command::new("unzip")
            .args(["-P", "infected", "-p"])
            .arg(&zip_path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, data);
        let tested = std::process::Command::new("unzip")
            .args(["-P", "infected", "-t"])
            .arg(&zip_path)
            .output()
            .unwrap();
        assert!(tested.status.success());
    }

    #[test]
    fn a_source_shorter_than_announced_is_an_error_not_a_short_zip() {
        let src = futures::stream::iter(vec![Ok(Bytes::from_static(b"abc"))]).boxed();
        let when =
            NaiveDateTime::parse_from_str("2026-05-04 08:30:10", "%Y-%m-%d %H:%M:%S").unwrap();
        let s = zip_one(src, "x", 10, when, b"infected").unwrap();
        let items: Vec<_> = futures::executor::block_on(s.collect::<Vec<_>>());
        assert!(items.iter().any(|r| r.is_err()));
    }
}
