//! Attachments: a PDF for a document, an image for news. Stored on disk under UPLOAD_DIR with a
//! key shaped like an object-store key; served only to members inside the document's audience.

use crate::domain::audit::AuditAction;
use crate::domain::permission::{may, may_read_document, Action};
use crate::domain::upload::{clean_file_name, FileKind};
use crate::platform::audit::{self, AuditEntry};
use crate::platform::clock::now_unix;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use crate::platform::session::{new_token, CurrentUser};
use std::path::PathBuf;

pub fn upload_dir() -> PathBuf {
    PathBuf::from(std::env::var("UPLOAD_DIR").unwrap_or_else(|_| "data/uploads".into()))
}

pub struct Stored {
    pub path: PathBuf,
    pub content_type: String,
    pub name: String,
    pub size: i64,
}

/// Checks the caller may publish to the document's audience (before any bytes are read).
pub async fn may_attach(db: &Db, user: &CurrentUser, document_id: i64) -> Result<(), AppError> {
    audience_to_attach(db, user, document_id).await.map(|_| ())
}

/// The document's audience, if the caller may publish to it.
async fn audience_to_attach(
    db: &Db,
    user: &CurrentUser,
    document_id: i64,
) -> Result<crate::domain::org::OrgPath, AppError> {
    let row = super::repo::document(db, document_id).await?;
    if may(&user.actor, Action::Publish, &row.audience_path) {
        Ok(row.audience_path)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Stores an uploaded file after checking what it is by content and its size. `ip` is the
/// uploader's address (this runs in a plain HTTP handler, outside any server function).
pub async fn store(
    db: &Db,
    user: &CurrentUser,
    document_id: i64,
    original_name: &str,
    bytes: &[u8],
    ip: Option<String>,
) -> Result<(), AppError> {
    let audience = audience_to_attach(db, user, document_id).await?;
    let kind = FileKind::sniff(&bytes[..bytes.len().min(16)])
        .ok_or_else(|| AppError::field("file", "err_upload_type"))?;
    if bytes.len() > kind.max_bytes() {
        return Err(AppError::field(
            "file",
            if kind == FileKind::Pdf {
                "err_upload_pdf_too_large"
            } else {
                "err_upload_image_too_large"
            },
        ));
    }
    let key = format!(
        "documents/{document_id}/{}.{}",
        new_token(),
        kind.extension()
    );
    let path = upload_dir().join(&key);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| AppError::internal(&e))?;
    }
    tokio::fs::write(&path, bytes)
        .await
        .map_err(|e| AppError::internal(&e))?;
    let name = clean_file_name(original_name, kind);
    // Read before the transaction: extraction may take seconds on a large PDF.
    let text = if kind == FileKind::Pdf {
        pdf_text(bytes.to_vec()).await
    } else {
        None
    };
    let saved = async {
        let mut tx = db.pool().begin().await?;
        sqlx::query(
            "INSERT INTO attachments (document_id, storage_key, content_type, size, original_name, uploaded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(document_id)
        .bind(&key)
        .bind(kind.content_type())
        .bind(bytes.len() as i64)
        .bind(&name)
        .bind(user.actor.account_id)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
        if let Some(text) = &text {
            super::repo::add_extracted_text(&mut tx, document_id, text, now_unix()).await?;
        }
        audit::record(&mut tx, AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            target_type: Some(crate::domain::audit::AuditTarget::Document),
            target_id: Some(document_id),
            org_id: Some(audience.id()),
            detail: Some(format!("{} {} bytes", kind.content_type(), bytes.len())),
            ip,
            ..AuditEntry::new(AuditAction::AttachmentUploaded)
        })
        .await?;
        tx.commit().await?;
        Ok::<(), AppError>(())
    }
    .await;
    if saved.is_err() {
        // Nothing half-stored: the file goes if its row, text and audit entry were not written.
        let _ = tokio::fs::remove_file(&path).await;
    }
    saved
}

/// The text of a PDF, for search and as the reading text when the publisher gave none. PDF
/// parsers can fail (or panic) on odd files: that only means no text, never a failed upload.
async fn pdf_text(bytes: Vec<u8>) -> Option<String> {
    let text = tokio::task::spawn_blocking(move || pdf_extract::extract_text_from_mem(&bytes).ok())
        .await
        .ok()
        .flatten()?;
    let text: String = text.chars().take(200_000).collect();
    let text = crate::domain::text::nfc(&text);
    (!text.trim().is_empty()).then_some(text)
}

/// The newest attachment of a document: (name, size, content type).
pub async fn latest(
    db: &Db,
    document_id: i64,
) -> Result<Option<(String, i64, String, String)>, AppError> {
    Ok(sqlx::query_as::<sqlx::Any, (String, i64, String, String)>("SELECT original_name, size, content_type, storage_key FROM attachments WHERE document_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
        .bind(document_id)
        .fetch_optional(db.pool())
        .await?)
}

/// The file of a document for a reader inside its audience; anyone else gets "not found".
pub async fn for_reader(db: &Db, user: &CurrentUser, document_id: i64) -> Result<Stored, AppError> {
    let row = super::repo::document(db, document_id).await?;
    if row.status != crate::domain::document::DocumentStatus::Published
        || !may_read_document(&user.actor, &row.audience_path)
    {
        return Err(AppError::NotFound);
    }
    let (name, size, content_type, key) =
        latest(db, document_id).await?.ok_or(AppError::NotFound)?;
    Ok(Stored {
        path: upload_dir().join(key),
        content_type,
        name,
        size,
    })
}
