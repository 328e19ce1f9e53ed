//! SQL of documents. The library query is one statement: published documents addressed to
//! one of the member's organisations (their cell and its ancestors, by id), optionally matching
//! the full-text index (FTS5 on SQLite, a GIN index on PostgreSQL), newest first.

use super::{DocFilter, DocSummary, NewDocument};
use crate::domain::document::DocumentStatus;
use crate::domain::org::OrgPath;
use crate::platform::db::{Db, Dialect};
use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection, FromRow};

pub async fn insert_document(
    conn: &mut AnyConnection,
    d: &NewDocument,
    now: i64,
) -> Result<i64, AppError> {
    let search = crate::domain::text::search_words(&format!(
        "{} {} {} {} {} {}",
        d.number.as_deref().unwrap_or(""),
        d.title,
        d.summary.as_deref().unwrap_or(""),
        d.body.as_deref().unwrap_or(""),
        d.tags.as_deref().unwrap_or(""),
        d.issuing_body.as_deref().unwrap_or("")
    ));
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO documents (org_id, kind, doc_type, number, issuing_body, issued_on, title, summary, body, tags, search_text,
                                status, version, published_by, published_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'published', 1, $12, $13, $13) RETURNING id",
    )
    .bind(d.org_id)
    .bind(d.kind)
    .bind(d.doc_type.clone())
    .bind(d.number.clone())
    .bind(d.issuing_body.clone())
    .bind(d.issued_on.clone())
    .bind(crate::domain::text::nfc(&d.title))
    .bind(d.summary.as_deref().map(crate::domain::text::nfc))
    .bind(d.body.as_deref().map(crate::domain::text::nfc))
    .bind(d.tags.clone())
    .bind(search)
    .bind(d.published_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO document_versions (document_id, version, title, summary, body, edited_by, edited_at) VALUES ($1, 1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(&d.title)
        .bind(d.summary.clone())
        .bind(d.body.clone())
        .bind(d.published_by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// One page of the library for a member whose organisation path is `member_org`.
pub async fn library(
    db: &Db,
    member_org: &OrgPath,
    member_id: i64,
    f: &DocFilter,
    limit: i64,
) -> Result<Vec<DocSummary>, AppError> {
    enum Bind {
        Int(i64),
        Text(String),
    }
    let ids = member_org.ids();
    let mut binds: Vec<Bind> = Vec::new();
    let mut sql: String = String::from(
        "SELECT d.id, d.kind, d.doc_type, d.number, d.issuing_body, d.issued_on, d.title, d.summary, o.name AS audience,
                (SELECT COUNT(*) FROM bookmarks b WHERE b.document_id = d.id AND b.member_id = $1) AS bookmarked,
                (SELECT COUNT(*) FROM document_reads r WHERE r.document_id = d.id AND r.member_id = $1 AND r.studied_at IS NOT NULL) AS studied,
                (SELECT COUNT(*) FROM document_reads r WHERE r.document_id = d.id AND r.member_id = $1) AS opened
         FROM documents d JOIN organizations o ON o.id = d.org_id
         WHERE d.status = 'published' AND d.kind = $2",
    );
    binds.push(Bind::Int(member_id));
    binds.push(Bind::Text(f.kind.clone()));
    // Audience: the member's own organisation or any above it (ids are from the path).
    let placeholders: Vec<String> = ids
        .iter()
        .map(|id| {
            binds.push(Bind::Int(*id));
            format!("${}", binds.len())
        })
        .collect();
    sql.push_str(&format!(" AND d.org_id IN ({})", placeholders.join(", ")));
    if let Some(t) = &f.doc_type {
        binds.push(Bind::Text(t.clone()));
        sql.push_str(&format!(" AND d.doc_type = ${}", binds.len()));
    }
    if let Some(year) = f.year {
        binds.push(Bind::Text(format!("{year:04}-01-01")));
        binds.push(Bind::Text(format!("{:04}-01-01", year + 1)));
        sql.push_str(&format!(
            " AND d.issued_on >= ${} AND d.issued_on < ${}",
            binds.len() - 1,
            binds.len()
        ));
    }
    if let Some(level) = &f.level {
        sql.push_str(match level.as_str() {
            "tinh" => " AND o.kind IN ('trung_uong', 'tinh')",
            "co_so" => " AND o.kind IN ('dang_uy', 'dang_bo_co_so')",
            _ => " AND o.kind IN ('chi_bo', 'chi_bo_co_so')",
        });
    }
    if f.saved_only {
        sql.push_str(" AND EXISTS (SELECT 1 FROM bookmarks b2 WHERE b2.document_id = d.id AND b2.member_id = $1)");
    }
    let terms = crate::domain::text::search_terms(&f.query);
    if !terms.is_empty() {
        match db.dialect() {
            Dialect::Sqlite => {
                // Each term quoted, so nothing the member types is FTS syntax.
                binds.push(Bind::Text(
                    terms
                        .iter()
                        .map(|t| format!("\"{t}\""))
                        .collect::<Vec<_>>()
                        .join(" "),
                ));
                sql.push_str(&format!(
                    " AND d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ${})",
                    binds.len()
                ));
            }
            Dialect::Postgres => {
                // The matches come from the GIN index first (a materialized CTE): left to
                // itself the planner walks the newest documents and computes to_tsvector for
                // each until it has a page, which for a rare word means all of them.
                binds.push(Bind::Text(terms.join(" ")));
                sql = format!(
                    "WITH hits AS MATERIALIZED (SELECT id FROM documents WHERE to_tsvector('simple', search_text) @@ plainto_tsquery('simple', ${})) {sql}",
                    binds.len()
                );
                sql.push_str(" AND d.id IN (SELECT id FROM hits)");
            }
        }
    }
    sql.push_str(&format!(
        " ORDER BY d.published_at DESC, d.id DESC LIMIT {} OFFSET {}",
        limit,
        f.offset.max(0)
    ));
    let mut q = sqlx::query_as::<Any, LibraryRow>(&sql);
    for b in binds {
        q = match b {
            Bind::Int(v) => q.bind(v),
            Bind::Text(v) => q.bind(v),
        };
    }
    Ok(q.fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| DocSummary {
            opened: r.opened > 0,
            ..r.cols.summary(r.bookmarked > 0, r.studied > 0)
        })
        .collect())
}

/// The columns both the list and the single-document query select.
#[derive(FromRow)]
struct SummaryCols {
    id: i64,
    kind: String,
    doc_type: Option<String>,
    number: Option<String>,
    issuing_body: Option<String>,
    issued_on: Option<String>,
    title: String,
    summary: Option<String>,
    audience: String,
}

impl SummaryCols {
    fn summary(self, bookmarked: bool, studied: bool) -> DocSummary {
        DocSummary {
            id: self.id,
            kind: self.kind,
            doc_type: self.doc_type,
            number: self.number,
            issuing_body: self.issuing_body,
            issued_on: self.issued_on,
            title: self.title,
            summary: self.summary,
            audience: self.audience,
            bookmarked,
            studied,
            opened: false,
        }
    }
}

/// A library row: the summary and the member's counts (COUNT is BIGINT on PostgreSQL).
#[derive(FromRow)]
struct LibraryRow {
    #[sqlx(flatten)]
    cols: SummaryCols,
    bookmarked: i64,
    studied: i64,
    opened: i64,
}

pub struct DocumentRow {
    pub summary: DocSummary,
    pub body: Option<String>,
    pub tags: Option<String>,
    pub audience_path: OrgPath,
    pub status: DocumentStatus,
}

#[derive(FromRow)]
struct DocumentCols {
    #[sqlx(flatten)]
    cols: SummaryCols,
    body: Option<String>,
    tags: Option<String>,
    status: DocumentStatus,
    path: OrgPath,
}

pub async fn document(db: &Db, id: i64) -> Result<DocumentRow, AppError> {
    let r = sqlx::query_as::<Any, DocumentCols>(
        "SELECT d.id, d.kind, d.doc_type, d.number, d.issuing_body, d.issued_on, d.title, d.summary, d.body, d.tags, d.status,
                o.name AS audience, o.path
         FROM documents d JOIN organizations o ON o.id = d.org_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    Ok(DocumentRow {
        summary: r.cols.summary(false, false),
        body: r.body,
        tags: r.tags,
        status: r.status,
        audience_path: r.path,
    })
}

/// Records that the member opened the document (the first time only) and returns what they
/// did with it before: (bookmarked, studied, reflection).
pub async fn open(
    db: &Db,
    document_id: i64,
    member_id: i64,
    now: i64,
) -> Result<(bool, bool, Option<String>), AppError> {
    sqlx::query("INSERT INTO document_reads (document_id, member_id, opened_at) VALUES ($1, $2, $3) ON CONFLICT (document_id, member_id) DO NOTHING")
        .bind(document_id)
        .bind(member_id)
        .bind(now)
        .execute(db.pool())
        .await?;
    let (studied_at, reflection, bookmarked) = sqlx::query_as::<
        Any,
        (Option<i64>, Option<String>, i64),
    >(
        "SELECT r.studied_at, r.reflection,
                (SELECT COUNT(*) FROM bookmarks b WHERE b.document_id = $1 AND b.member_id = $2) AS bookmarked
         FROM document_reads r WHERE r.document_id = $1 AND r.member_id = $2",
    )
    .bind(document_id)
    .bind(member_id)
    .fetch_one(db.pool())
    .await?;
    Ok((bookmarked > 0, studied_at.is_some(), reflection))
}

pub async fn set_bookmark(
    db: &Db,
    document_id: i64,
    member_id: i64,
    on: bool,
    now: i64,
) -> Result<(), AppError> {
    if on {
        sqlx::query("INSERT INTO bookmarks (document_id, member_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (document_id, member_id) DO NOTHING")
            .bind(document_id)
            .bind(member_id)
            .bind(now)
            .execute(db.pool())
            .await?;
    } else {
        sqlx::query("DELETE FROM bookmarks WHERE document_id = $1 AND member_id = $2")
            .bind(document_id)
            .bind(member_id)
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

pub async fn mark_studied(
    db: &Db,
    document_id: i64,
    member_id: i64,
    reflection: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO document_reads (document_id, member_id, opened_at, studied_at, reflection) VALUES ($1, $2, $3, $3, $4)
         ON CONFLICT (document_id, member_id) DO UPDATE SET studied_at = excluded.studied_at, reflection = excluded.reflection",
    )
    .bind(document_id)
    .bind(member_id)
    .bind(now)
    .bind(reflection)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub struct ProgressRow {
    pub member_id: i64,
    pub full_name: String,
    pub exempt: bool,
    pub org_id: i64,
    pub org_name: String,
    pub opened: bool,
    pub studied: bool,
    pub reminded: bool,
}

/// Members inside both the caller's scopes and the document's audience, with what they have
/// done with the document, in tree order (so cells come out grouped).
pub async fn progress(
    db: &Db,
    document_id: i64,
    audience: &OrgPath,
    scopes: &[OrgPath],
) -> Result<Vec<ProgressRow>, AppError> {
    let (clause, binds) = crate::platform::db::scope_clause("o.path", scopes, 4);
    let sql = format!(
        "SELECT m.id, m.full_name, m.exempt_since, o.id AS org_id, o.name AS org_name, r.opened_at, r.studied_at, rm.sent_at
         FROM members m
         JOIN organizations o ON o.id = m.org_id
         LEFT JOIN document_reads r ON r.member_id = m.id AND r.document_id = $1
         LEFT JOIN document_reminders rm ON rm.member_id = m.id AND rm.document_id = $1
         WHERE o.path >= $2 AND o.path < $3 AND {clause}
         ORDER BY o.path, m.full_name
         LIMIT 5000"
    );
    let mut q = sqlx::query_as::<Any, ProgressCols>(&sql)
        .bind(document_id)
        .bind(audience.as_str().to_string())
        .bind(audience.subtree_upper());
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| ProgressRow {
            member_id: r.id,
            full_name: r.full_name,
            exempt: r.exempt_since.is_some(),
            org_id: r.org_id,
            org_name: r.org_name,
            opened: r.opened_at.is_some(),
            studied: r.studied_at.is_some(),
            reminded: r.sent_at.is_some(),
        })
        .collect())
}

#[derive(FromRow)]
struct ProgressCols {
    id: i64,
    full_name: String,
    exempt_since: Option<String>,
    org_id: i64,
    org_name: String,
    opened_at: Option<i64>,
    studied_at: Option<i64>,
    sent_at: Option<i64>,
}

pub async fn remind(
    conn: &mut AnyConnection,
    document_id: i64,
    member_ids: &[i64],
    by: i64,
    now: i64,
) -> Result<u64, AppError> {
    let mut sent = 0;
    for id in member_ids {
        sent += sqlx::query(
            "INSERT INTO document_reminders (document_id, member_id, sent_by, sent_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (document_id, member_id) DO NOTHING",
        )
        .bind(document_id)
        .bind(*id)
        .bind(by)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(sent)
}

/// Documents a leader asked this member to read and that they have not studied yet.
pub async fn my_reminders(
    db: &Db,
    member_id: i64,
) -> Result<Vec<(i64, String, Option<String>)>, AppError> {
    Ok(sqlx::query_as::<Any, (i64, String, Option<String>)>(
        "SELECT d.id, d.title, d.number FROM document_reminders rm JOIN documents d ON d.id = rm.document_id
         LEFT JOIN document_reads r ON r.document_id = d.id AND r.member_id = rm.member_id
         WHERE rm.member_id = $1 AND d.status = 'published' AND r.studied_at IS NULL
         ORDER BY rm.sent_at DESC LIMIT 20",
    )
    .bind(member_id)
    .fetch_all(db.pool())
    .await?)
}

/// The organisation at `scope` and those directly below it, for the audience choice.
pub async fn publish_targets(
    db: &Db,
    scope: &OrgPath,
) -> Result<Vec<super::PublishTarget>, AppError> {
    Ok(sqlx::query_as::<Any, super::PublishTarget>("SELECT id, name, depth FROM organizations WHERE (id = $1 OR parent_id = $1) AND dissolved_at IS NULL ORDER BY depth, name")
        .bind(scope.id())
        .fetch_all(db.pool())
        .await?)
}

pub async fn withdraw(conn: &mut AnyConnection, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE documents SET status = 'withdrawn', updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds a PDF's text to what search matches, and makes it the reading text if the document had
/// none of its own.
pub async fn add_extracted_text(
    conn: &mut AnyConnection,
    id: i64,
    text: &str,
    now: i64,
) -> Result<(), AppError> {
    let words = crate::domain::text::search_words(text);
    sqlx::query(
        "UPDATE documents SET search_text = search_text || ' ' || $1,
                body = COALESCE(NULLIF(body, ''), $2), updated_at = $3
         WHERE id = $4",
    )
    .bind(words)
    .bind(text)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Edits title, summary and body; the previous text stays in `document_versions`.
pub async fn edit(
    conn: &mut AnyConnection,
    id: i64,
    title: &str,
    summary: Option<&str>,
    body: Option<&str>,
    by: i64,
    now: i64,
) -> Result<i64, AppError> {
    let (version, number, tags, issuing_body) =
        sqlx::query_as::<Any, (i64, Option<String>, Option<String>, Option<String>)>(
            "SELECT version, number, tags, issuing_body FROM documents WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let version = version + 1;
    let search = crate::domain::text::search_words(&format!(
        "{} {} {} {} {} {}",
        number.unwrap_or_default(),
        title,
        summary.unwrap_or(""),
        body.unwrap_or(""),
        tags.unwrap_or_default(),
        issuing_body.unwrap_or_default()
    ));
    sqlx::query("UPDATE documents SET title = $1, summary = $2, body = $3, search_text = $4, version = $5, updated_at = $6 WHERE id = $7")
        .bind(crate::domain::text::nfc(title))
        .bind(summary.map(crate::domain::text::nfc))
        .bind(body.map(crate::domain::text::nfc))
        .bind(search)
        .bind(version)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO document_versions (document_id, version, title, summary, body, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id)
        .bind(version)
        .bind(title)
        .bind(summary)
        .bind(body)
        .bind(by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(version)
}

pub async fn versions(db: &Db, id: i64) -> Result<Vec<(i64, String, i64)>, AppError> {
    Ok(sqlx::query_as::<Any, (i64, String, i64)>("SELECT version, title, edited_at FROM document_versions WHERE document_id = $1 ORDER BY version DESC")
        .bind(id)
        .fetch_all(db.pool())
        .await?)
}

pub const MAX_QUESTIONS: i64 = 3;

pub async fn questions(
    db: &Db,
    document_id: i64,
) -> Result<Vec<(i64, String, [String; 3], String)>, AppError> {
    Ok(sqlx::query_as::<Any, (i64, String, String, String, String, String)>("SELECT id, question, option_a, option_b, option_c, correct FROM document_questions WHERE document_id = $1 ORDER BY id")
        .bind(document_id)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|(id, question, a, b, c, correct)| (id, question, [a, b, c], correct))
        .collect())
}

pub async fn add_question(
    conn: &mut AnyConnection,
    document_id: i64,
    question: &str,
    options: [&str; 3],
    correct: &str,
    now: i64,
) -> Result<(), AppError> {
    let n: i64 = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) AS n FROM document_questions WHERE document_id = $1",
    )
    .bind(document_id)
    .fetch_one(&mut *conn)
    .await?;
    if n >= MAX_QUESTIONS {
        return Err(AppError::field("question", "err_questions_full"));
    }
    sqlx::query("INSERT INTO document_questions (document_id, question, option_a, option_b, option_c, correct, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(document_id)
        .bind(crate::domain::text::nfc(question))
        .bind(crate::domain::text::nfc(options[0]))
        .bind(crate::domain::text::nfc(options[1]))
        .bind(crate::domain::text::nfc(options[2]))
        .bind(correct)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The member's bookmarked documents, the newest bookmark first.
pub async fn bookmarked_ids(db: &Db, member_id: i64, limit: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT document_id FROM bookmarks WHERE member_id = $1 ORDER BY created_at DESC LIMIT $2",
    )
    .bind(member_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}
