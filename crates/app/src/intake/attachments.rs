//! Attachments of a report (tệp đính kèm, Phụ lục I: nhật ký hệ thống, mẫu mã độc, tài liệu
//! khác): streamed to the file store with their SHA-256 and size, then recorded with an audit
//! row; listed and downloaded by whoever may read the report, and by no one else.
//!
//! An upload is stored first and recorded second: the bytes are safe before the row that
//! points at them exists, and a row never points at nothing. When recording fails (bad input
//! found late, a database error) the stored object is removed, so nothing half-done remains.

use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};
use chrono::Utc;
use futures::Stream;
use serde::Serialize;
use ungcuu_domain::i18n::{Lang, t};
use ungcuu_domain::validate::Reason;
use ungcuu_domain::{Action, FieldError, Invalid, OrgId};
use ungcuu_files::{ByteStream, Bytes, FileError, FileStore, SourceError, Stored};
use ungcuu_store::audit;
use ungcuu_store::intake::attachments::{self, Attachment, NewAttachment};
use ungcuu_store::intake::reports::Report;

/// The default largest attachment: 50 MiB (`UNGCUU_ATTACHMENT_MAX_BYTES`).
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// The most files one upload may carry.
pub const MAX_FILES_PER_UPLOAD: usize = 20;

const FILE_NAME_MAX: usize = 255;

/// What a file is, as the form asks (Phụ lục I: logs, malware sample, other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Log,
    Malware,
    Document,
    Other,
}

impl AttachmentKind {
    pub const ALL: [AttachmentKind; 4] = [
        AttachmentKind::Log,
        AttachmentKind::Malware,
        AttachmentKind::Document,
        AttachmentKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AttachmentKind::Log => "log",
            AttachmentKind::Malware => "malware",
            AttachmentKind::Document => "document",
            AttachmentKind::Other => "other",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            AttachmentKind::Log => "attachments.kind.log",
            AttachmentKind::Malware => "attachments.kind.malware",
            AttachmentKind::Document => "attachments.kind.document",
            AttachmentKind::Other => "attachments.kind.other",
        }
    }

    /// The kind named by `raw`; an empty value is `other`, as the form's default.
    pub fn parse(field: &str, raw: &str) -> Result<AttachmentKind, FieldError> {
        match raw.trim() {
            "" => Ok(AttachmentKind::Other),
            v => Self::ALL
                .into_iter()
                .find(|k| k.code() == v)
                .ok_or_else(|| FieldError::new(field, Reason::Unknown)),
        }
    }

    pub fn from_code(code: &str) -> AttachmentKind {
        Self::parse("kind", code).unwrap_or(AttachmentKind::Other)
    }
}

/// The name a file is kept and offered under: the last part of what the client sent (old
/// browsers send `C:\fakepath\x.log`), without control characters, at most 255 characters.
pub fn file_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.is_empty() || base == "." || base == ".." {
        return Err(FieldError::new(field, Reason::Required));
    }
    if base.chars().any(|c| c.is_control() || c == '\u{FFFD}') {
        return Err(FieldError::new(field, Reason::InvalidChars));
    }
    if base.chars().count() > FILE_NAME_MAX {
        return Err(FieldError::new(
            field,
            Reason::TooLong { max: FILE_NAME_MAX },
        ));
    }
    Ok(base.to_string())
}

/// The client's content type when it is a plain `type/subtype`; anything else (missing,
/// parameters, odd bytes) is kept as `application/octet-stream`. It is recorded, never trusted:
/// downloads are always served as attachments.
pub fn content_type(raw: Option<&str>) -> String {
    let v = raw.unwrap_or("").trim().to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match v.split_once('/') {
        Some((a, b)) if token(a) && token(b) => v,
        _ => "application/octet-stream".into(),
    }
}

/// An attachment as the API and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub kind: AttachmentKind,
    pub uploaded_by: String,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<&Attachment> for AttachmentView {
    fn from(a: &Attachment) -> Self {
        AttachmentView {
            id: a.id,
            file_name: a.file_name.clone(),
            content_type: a.content_type.clone(),
            size_bytes: a.size_bytes,
            sha256: a.sha256.clone(),
            kind: AttachmentKind::from_code(&a.kind),
            uploaded_by: a.uploaded_by.clone(),
            created_at: a.created_at,
        }
    }
}

/// Why an upload was not kept. Nothing of it remains in either case.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    App(#[from] AppError),
    /// Past the configured limit.
    #[error("larger than {max} bytes")]
    TooLarge { max: u64 },
    /// The upload itself broke off (the client went away, a malformed body).
    #[error("the upload broke off: {0}")]
    Broken(SourceError),
}

impl From<Invalid> for UploadError {
    fn from(i: Invalid) -> Self {
        UploadError::App(AppError::Invalid(i))
    }
}

impl UploadError {
    /// The limit in words: "50 MB".
    pub fn limit_text(max: u64) -> String {
        human_size(max)
    }

    /// What to tell the person about a file past the limit, naming the field.
    pub fn too_large_message(lang: Lang, max: u64) -> String {
        format!(
            "{}: {}",
            t(lang, "field.file"),
            t(lang, "attachments.too_large").replace("{max}", &human_size(max))
        )
    }
}

/// A size as people read it: bytes, KB, MB (powers of 1024, one decimal).
pub fn human_size(n: u64) -> String {
    const K: f64 = 1024.0;
    let f = n as f64;
    if f < K {
        format!("{n} B")
    } else if f < K * K {
        format!("{:.1} KB", f / K)
    } else if f < K * K * K {
        format!("{:.1} MB", f / (K * K))
    } else {
        format!("{:.1} GB", f / (K * K * K))
    }
}

/// A file in the store that no row points at yet. Recorded by
/// [`App::commit_attachments`]; dropped without being recorded, its object is removed.
pub struct Staged {
    report_id: i64,
    file_name: String,
    content_type: String,
    stored: Stored,
    files: FileStore,
    recorded: bool,
}

impl Staged {
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    pub fn size(&self) -> u64 {
        self.stored.size
    }

    pub fn sha256(&self) -> &str {
        &self.stored.sha256
    }
}

impl std::fmt::Debug for Staged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staged")
            .field("report_id", &self.report_id)
            .field("file_name", &self.file_name)
            .field("size", &self.stored.size)
            .finish()
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.recorded {
            return;
        }
        let files = self.files.clone();
        let key = self.stored.key.clone();
        // Removal is async; without a runtime (never the case in the server) the object stays
        // as an orphan no row points at, which loses nothing.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(e) = files.delete(&key).await {
                    tracing::warn!(error = %e, key, "unrecorded upload not removed");
                }
            });
        }
    }
}

/// A download: what it is, and its bytes.
pub struct Download {
    pub attachment: AttachmentView,
    /// The name to save it under.
    pub file_name: String,
    /// The exact length of `bytes`.
    pub length: u64,
    pub bytes: ByteStream,
}

impl App {
    /// The report, if the actor may add files to it: the filing organisation (as for filing)
    /// and the standing desk.
    async fn attachable_report(&self, actor: &Actor, code: &str) -> AppResult<Report> {
        let report = self.visible_report(actor, code).await?;
        let path = match report.org_id {
            Some(o) => Some(
                ungcuu_store::registry::orgs::get(&self.db, OrgId(o))
                    .await?
                    .path,
            ),
            None => None,
        };
        actor.authorize(Action::FileReport, path.as_ref())?;
        Ok(report)
    }

    /// Streams one file into the store for the report `code`, checking the name and the
    /// actor's right first (so a refused upload stores no byte) and the size on the way.
    pub async fn stage_attachment<S, E>(
        &self,
        actor: &Actor,
        code: &str,
        raw_name: &str,
        raw_content_type: Option<&str>,
        body: S,
    ) -> Result<Staged, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: Into<SourceError>,
    {
        let name = file_name("file", raw_name).map_err(|e| Invalid(vec![e]))?;
        let report = self.attachable_report(actor, code).await?;
        let max = self.cfg.attachment_max_bytes;
        let stored = match self.cfg.files.put(body, max).await {
            Ok(s) => s,
            Err(FileError::TooLarge { max }) => return Err(UploadError::TooLarge { max }),
            Err(FileError::Source(e)) => return Err(UploadError::Broken(e)),
            Err(e) => return Err(AppError::Internal(e.into()).into()),
        };
        let staged = Staged {
            report_id: report.id,
            file_name: name,
            content_type: content_type(raw_content_type),
            stored,
            files: self.cfg.files.clone(),
            recorded: false,
        };
        if staged.stored.size == 0 {
            // Dropping `staged` removes the empty object.
            return Err(Invalid::one("file", Reason::Required).into());
        }
        Ok(staged)
    }

    /// Records staged files as attachments of the report `code`, all or none, one audit row
    /// each. On any refusal or failure every staged object is removed.
    pub async fn commit_attachments(
        &self,
        actor: &Actor,
        code: &str,
        raw_kind: &str,
        mut staged: Vec<Staged>,
    ) -> AppResult<Vec<AttachmentView>> {
        let kind = AttachmentKind::parse("kind", raw_kind).map_err(|e| Invalid(vec![e]))?;
        if staged.is_empty() {
            return Err(Invalid::one("file", Reason::Required).into());
        }
        let report = self.attachable_report(actor, code).await?;
        if staged.iter().any(|s| s.report_id != report.id) {
            return Err(AppError::Internal(anyhow::anyhow!(
                "a file staged for another report"
            )));
        }
        let now = ungcuu_domain::time::now();
        let mut tx = self.db.begin().await?;
        let mut out = Vec::with_capacity(staged.len());
        for s in &staged {
            let a = attachments::insert(
                &mut tx,
                &NewAttachment {
                    report_id: report.id,
                    file_name: &s.file_name,
                    content_type: &s.content_type,
                    size_bytes: s.stored.size as i64,
                    sha256: &s.stored.sha256,
                    storage_key: &s.stored.key,
                    kind: kind.code(),
                    uploaded_by: &actor.label,
                    created_at: now,
                },
            )
            .await?;
            // The name and hash, not the bytes: the audit trail says what was given, and
            // the hash proves later that the stored file is the one received.
            let after = serde_json::json!({
                "report": report.tracking_code,
                "file_name": a.file_name,
                "size_bytes": a.size_bytes,
                "sha256": a.sha256,
                "kind": a.kind,
            });
            audit::append(
                &mut tx,
                actor.audit("report.attach", "attachment", a.id, None, Some(after)),
            )
            .await?;
            out.push(AttachmentView::from(&a));
        }
        tx.commit().await?;
        for s in &mut staged {
            s.recorded = true;
        }
        Ok(out)
    }

    /// One file from start to end: checked, stored, recorded.
    pub async fn attach<S, E>(
        &self,
        actor: &Actor,
        code: &str,
        raw_kind: &str,
        raw_name: &str,
        raw_content_type: Option<&str>,
        body: S,
    ) -> Result<AttachmentView, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: Into<SourceError>,
    {
        // The kind is checked before any byte is stored.
        AttachmentKind::parse("kind", raw_kind).map_err(|e| Invalid(vec![e]))?;
        let staged = self
            .stage_attachment(actor, code, raw_name, raw_content_type, body)
            .await?;
        let mut v = self
            .commit_attachments(actor, code, raw_kind, vec![staged])
            .await?;
        Ok(v.remove(0))
    }

    /// The report's attachments, for whoever may read the report.
    pub async fn list_attachments(
        &self,
        actor: &Actor,
        code: &str,
    ) -> AppResult<(Report, Vec<AttachmentView>)> {
        let report = self.visible_report(actor, code).await?;
        let list = attachments::list_for_report(&self.db, report.id).await?;
        Ok((report, list.iter().map(AttachmentView::from).collect()))
    }

    /// Whether the actor may add files to the report (for showing the upload form).
    pub async fn may_attach(&self, actor: &Actor, code: &str) -> bool {
        self.attachable_report(actor, code).await.is_ok()
    }

    /// One attachment's details, for whoever may read the report.
    pub async fn attachment(
        &self,
        actor: &Actor,
        code: &str,
        id: i64,
    ) -> AppResult<(Report, AttachmentView)> {
        let report = self.visible_report(actor, code).await?;
        let a = attachments::get(&self.db, report.id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((report, AttachmentView::from(&a)))
    }

    async fn open(
        &self,
        actor: &Actor,
        code: &str,
        id: i64,
    ) -> AppResult<(Attachment, ByteStream)> {
        let report = self.visible_report(actor, code).await?;
        let a = attachments::get(&self.db, report.id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let bytes = self.cfg.files.get(&a.storage_key).await.map_err(|e| {
            // A row whose object is gone is a fault of the store, not a missing page.
            AppError::Internal(anyhow::anyhow!("attachment {} ({}): {e}", a.id, a.sha256))
        })?;
        tracing::info!(actor = %actor.label, attachment = a.id, kind = %a.kind, "attachment downloaded");
        Ok((a, bytes))
    }

    /// The file as it was received.
    pub async fn open_attachment(&self, actor: &Actor, code: &str, id: i64) -> AppResult<Download> {
        let (a, bytes) = self.open(actor, code, id).await?;
        Ok(Download {
            file_name: a.file_name.clone(),
            length: a.size_bytes as u64,
            attachment: AttachmentView::from(&a),
            bytes,
        })
    }

    /// The file inside a zip with the password `infected`, the usual way to hand over a
    /// malware sample (any attachment may be wrapped this way).
    pub async fn open_attachment_zipped(
        &self,
        actor: &Actor,
        code: &str,
        id: i64,
    ) -> AppResult<Download> {
        let (a, bytes) = self.open(actor, code, id).await?;
        let size = a.size_bytes as u64;
        let modified = a
            .created_at
            .with_timezone(&ungcuu_domain::time::vietnam())
            .naive_local();
        let zipped = ungcuu_files::zipcrypto::zip_one(
            bytes,
            &a.file_name,
            size,
            modified,
            ungcuu_files::zipcrypto::PASSWORD.as_bytes(),
        )
        .map_err(|e| AppError::Internal(e.into()))?;
        Ok(Download {
            file_name: format!("{}.zip", a.file_name),
            length: ungcuu_files::zipcrypto::zipped_len(&a.file_name, size),
            attachment: AttachmentView::from(&a),
            bytes: zipped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_keeps_its_last_part_and_refuses_nothing_or_control_characters() {
        assert_eq!(
            file_name("file", "C:\\fakepath\\nhật ký.log").unwrap(),
            "nhật ký.log"
        );
        assert_eq!(file_name("file", "../../etc/passwd").unwrap(), "passwd");
        assert_eq!(
            file_name("file", "  ").unwrap_err().reason,
            Reason::Required
        );
        assert_eq!(
            file_name("file", "a/..").unwrap_err().reason,
            Reason::Required
        );
        assert_eq!(
            file_name("file", "a\u{0}b").unwrap_err().reason,
            Reason::InvalidChars
        );
        assert!(matches!(
            file_name("file", &"x".repeat(256)).unwrap_err().reason,
            Reason::TooLong { max: 255 }
        ));
    }

    #[test]
    fn kinds_are_the_four_of_the_form_and_nothing_else() {
        for k in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::parse("kind", k.code()).unwrap(), k);
        }
        assert_eq!(
            AttachmentKind::parse("kind", "").unwrap(),
            AttachmentKind::Other
        );
        assert_eq!(
            AttachmentKind::parse("kind", "video").unwrap_err().field,
            "kind"
        );
    }

    #[test]
    fn a_content_type_is_kept_only_when_plain() {
        assert_eq!(content_type(Some("text/plain")), "text/plain");
        assert_eq!(
            content_type(Some("text/html; charset=utf-8")),
            "application/octet-stream"
        );
        assert_eq!(content_type(None), "application/octet-stream");
        assert_eq!(content_type(Some("nonsense")), "application/octet-stream");
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(50 * 1024 * 1024), "50.0 MB");
        assert_eq!(human_size(1536), "1.5 KB");
    }
}
