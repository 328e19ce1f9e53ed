//! The SQLite and PostgreSQL migrations must give the same tables and columns.
use crate::common;
use sqlx::Row;
use std::collections::BTreeSet;

#[tokio::test]
async fn both_dialects_have_the_same_tables_and_columns() {
    let sqlite = common::fresh_db(common::Backend::Sqlite).await.unwrap();
    let Some(pg) = common::fresh_db(common::Backend::Postgres).await else {
        return;
    };

    let mut lite = BTreeSet::new();
    let tables = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' AND name NOT LIKE 'documents_fts%'")
        .fetch_all(sqlite.db.pool())
        .await
        .unwrap();
    for t in tables {
        let table: String = t.try_get("name").unwrap();
        let cols = sqlx::query(&format!(
            "SELECT name, \"notnull\" AS nn, pk FROM pragma_table_info('{table}')"
        ))
        .fetch_all(sqlite.db.pool())
        .await
        .unwrap();
        for c in cols {
            let not_null =
                c.try_get::<i64, _>("nn").unwrap() == 1 || c.try_get::<i64, _>("pk").unwrap() == 1;
            lite.insert((
                table.clone(),
                c.try_get::<String, _>("name").unwrap(),
                not_null,
            ));
        }
    }

    let rows = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, is_nullable::text AS n FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(pg.db.pool())
    .await
    .unwrap();
    let pg_cols: BTreeSet<_> = rows
        .into_iter()
        .map(|r| {
            (
                r.try_get::<String, _>("t").unwrap(),
                r.try_get::<String, _>("c").unwrap(),
                r.try_get::<String, _>("n").unwrap() == "NO",
            )
        })
        .collect();

    assert!(!lite.is_empty());
    assert_eq!(lite, pg_cols);

    // Same migration versions on both sides.
    let versions = |rows: Vec<sqlx::any::AnyRow>| {
        rows.into_iter()
            .map(|r| r.try_get::<i64, _>(0).unwrap())
            .collect::<Vec<_>>()
    };
    let a = versions(
        sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(sqlite.db.pool())
            .await
            .unwrap(),
    );
    let b = versions(
        sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(pg.db.pool())
            .await
            .unwrap(),
    );
    assert_eq!(a, b);
}
