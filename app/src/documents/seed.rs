//! Demo library: the documents named in the seeds (Quy định 339-QĐ/TW, Kế hoạch 168-KH/VPTW, …)
//! with summaries and bodies written for the demo, news, and as many generated documents as asked
//! (`sotay seed --documents N`, for the search benchmark). Vocabulary: app/seed-data/documents.json.

use super::{repo, NewDocument};
use crate::platform::clock::now_unix;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;
use sqlx::{Any, Connection};

const VOCABULARY: &str = include_str!("../../seed-data/documents.json");

#[derive(Deserialize)]
struct Vocabulary {
    documents: Vec<DocVocab>,
    news: Vec<NewsVocab>,
    generated: Generated,
}

#[derive(Deserialize)]
struct DocVocab {
    level: String,
    doc_type: String,
    number: String,
    issuing_body: String,
    issued_on: String,
    title: String,
    summary: String,
    body: String,
    tags: String,
}

#[derive(Deserialize)]
struct NewsVocab {
    level: String,
    title: String,
    summary: String,
    body: String,
    issued_on: String,
}

#[derive(Deserialize)]
struct Generated {
    titles: Vec<String>,
    types: Vec<String>,
    summary: String,
    topics: Vec<String>,
    body: String,
}

/// Where demo documents are addressed: found from the demo people's organisations.
pub struct Places {
    pub central: i64,
    pub province: i64,
    pub ward1: i64,
    pub ward2: i64,
    pub committees: Vec<(i64, String)>,
}

async fn places(db: &Db) -> Result<Places, AppError> {
    let org_of = |phone: &'static str| async move {
        let parent: i64 = sqlx::query_scalar::<Any, i64>("SELECT o.parent_id FROM members m JOIN organizations o ON o.id = m.org_id WHERE m.phone = $1")
            .bind(phone)
            .fetch_one(db.pool())
            .await?;
        Ok::<i64, AppError>(parent)
    };
    let ward1 = org_of("0900000001").await?;
    let ward2 = org_of("0900000005").await?;
    let province: i64 =
        sqlx::query_scalar::<Any, i64>("SELECT parent_id FROM organizations WHERE id = $1")
            .bind(ward1)
            .fetch_one(db.pool())
            .await?;
    let committees = sqlx::query_as::<Any, (i64, String)>(
        "SELECT id, name FROM organizations WHERE kind = 'dang_uy' ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    // Central documents are addressed to the province here: the demo has no central level.
    Ok(Places {
        central: province,
        province,
        ward1,
        ward2,
        committees,
    })
}

/// Loads the demo library; returns the number of documents and news created.
pub async fn seed(db: &Db, generated: usize) -> Result<usize, AppError> {
    let vocab: Vocabulary = serde_json::from_str(VOCABULARY).map_err(|e| AppError::internal(&e))?;
    let places = places(db).await?;
    let org = |level: &str| match level {
        "central" => places.central,
        "ward1" => places.ward1,
        "ward2" => places.ward2,
        _ => places.province,
    };
    let now = now_unix();
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    let mut count = 0usize;
    let mut rng = StdRng::seed_from_u64(57);
    // Generated ones first, so the named documents are the newest in the library.
    for i in 0..generated {
        let (org_id, body_name) = if rng.random_bool(0.3) || places.committees.is_empty() {
            (places.province, "Ban Thường vụ Tỉnh ủy".to_string())
        } else {
            places.committees[rng.random_range(0..places.committees.len())].clone()
        };
        let year = 2022 + rng.random_range(0..5);
        let month: u32 = rng.random_range(1..=12);
        let k = rng.random_range(0..vocab.generated.titles.len());
        let topic = &vocab.generated.topics[rng.random_range(0..vocab.generated.topics.len())];
        let doc_type = vocab.generated.types[k % vocab.generated.types.len()].clone();
        let abbr = crate::domain::document::DocType::from_code(&doc_type)
            .map(|t| t.abbreviation())
            .unwrap_or("CV");
        let title = vocab.generated.titles[k]
            .replace("{year}", &year.to_string())
            .replace("{month}", &month.to_string())
            .replace("{quarter}", &month.div_ceil(3).to_string());
        let fill = |t: &str| t.replace("{body}", &body_name).replace("{topic}", topic);
        repo::insert_document(
            &mut tx,
            &NewDocument {
                org_id,
                kind: crate::domain::document::DocumentKind::Document,
                doc_type: Some(doc_type),
                number: Some(format!(
                    "{}-{abbr}/{}",
                    100 + i,
                    if org_id == places.province {
                        "TU"
                    } else {
                        "ĐU"
                    }
                )),
                issuing_body: Some(body_name.clone()),
                issued_on: Some(format!(
                    "{year:04}-{month:02}-{:02}",
                    rng.random_range(1..=28)
                )),
                title,
                summary: Some(fill(&vocab.generated.summary)),
                body: Some(fill(&vocab.generated.body)),
                tags: Some(topic.clone()),
                published_by: None,
            },
            now - 86_400 * (generated - i) as i64 - 3_600,
        )
        .await?;
        count += 1;
    }
    let mut named: Vec<&DocVocab> = vocab.documents.iter().collect();
    named.sort_by(|a, b| a.issued_on.cmp(&b.issued_on));
    for (i, d) in named.iter().enumerate() {
        repo::insert_document(
            &mut tx,
            &NewDocument {
                org_id: org(&d.level),
                kind: crate::domain::document::DocumentKind::Document,
                doc_type: Some(d.doc_type.clone()),
                number: Some(d.number.clone()),
                issuing_body: Some(d.issuing_body.clone()),
                issued_on: Some(d.issued_on.clone()),
                title: d.title.clone(),
                summary: Some(d.summary.clone()),
                body: Some(d.body.clone()),
                tags: Some(d.tags.clone()),
                published_by: None,
            },
            now - 3_600 * (named.len() - i) as i64,
        )
        .await?;
        count += 1;
    }
    for (i, n) in vocab.news.iter().enumerate() {
        repo::insert_document(
            &mut tx,
            &NewDocument {
                org_id: org(&n.level),
                kind: crate::domain::document::DocumentKind::News,
                doc_type: None,
                number: None,
                issuing_body: None,
                issued_on: Some(n.issued_on.clone()),
                title: n.title.clone(),
                summary: Some(n.summary.clone()),
                body: Some(n.body.clone()),
                tags: None,
                published_by: None,
            },
            now - 7_200 * (vocab.news.len() - i) as i64,
        )
        .await?;
        count += 1;
    }
    tx.commit().await?;
    Ok(count)
}
