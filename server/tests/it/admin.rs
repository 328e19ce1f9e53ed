//! The organisation tree on both databases: an admin creates, renames, moves, merges and
//! dissolves inside their subtree only; every change is audited; a merge moves members and
//! keeps where they were; dissolved organisations leave every live list (no meetings opened).
use crate::common;
use common::{call, signed_in, TestApp};
use serde_json::Value;

async fn ok(app: &TestApp, c: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (s, b) = call(app, c, endpoint, form).await;
    assert_eq!(s, 200, "{endpoint}: {b}");
    b
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

fn field(b: &Value) -> (String, String) {
    (
        b["Invalid"][0]["field"].as_str().unwrap_or("").to_string(),
        b["Invalid"][0]["key"].as_str().unwrap_or("").to_string(),
    )
}

on_both_databases!(
    the_tree_changes_inside_the_admins_subtree,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let admin = signed_in(&app, "0900000003").await;
        let tree = ok(&app, &admin, "org_tree", &[]).await;
        let ward = tree["org"]["id"].as_i64().unwrap();
        let w = ward.to_string();
        assert_eq!(tree["may_change"], false, "not the ward itself");
        let members_before = tree["org"]["members"].as_i64().unwrap();
        assert!(members_before > 0);
        let cell = tree["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["members"].as_i64().unwrap() > 0)
            .unwrap()
            .clone();
        let cell_id = cell["id"].as_i64().unwrap().to_string();
        let cell_members = cell["members"].as_i64().unwrap();

        // Create: bad input names its fields; a duplicate code is a field error too.
        let (s, b) = call(
            &app,
            &admin,
            "create_org",
            &[
                ("parent_id", &w),
                ("kind", "tinh"),
                ("name", " "),
                ("code", "có dấu"),
            ],
        )
        .await;
        assert_eq!(s, 422);
        let fields: Vec<&str> = b["Invalid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["kind", "name", "code"]);
        let new_cell = ok(
            &app,
            &admin,
            "create_org",
            &[
                ("parent_id", &w),
                ("kind", "chi_bo"),
                ("name", "Chi bộ Khu phố mới"),
                ("code", "CB-MOI-01"),
            ],
        )
        .await
        .as_i64()
        .unwrap()
        .to_string();
        let (s, b) = call(
            &app,
            &admin,
            "create_org",
            &[
                ("parent_id", &w),
                ("kind", "chi_bo"),
                ("name", "Trùng mã"),
                ("code", "CB-MOI-01"),
            ],
        )
        .await;
        assert_eq!((s, field(&b).0.as_str()), (422, "code"), "{b}");
        let school = ok(
            &app,
            &admin,
            "create_org",
            &[
                ("parent_id", &w),
                ("kind", "dang_bo_co_so"),
                ("name", "Đảng bộ Trường học"),
                ("code", "DBCS-TH"),
            ],
        )
        .await
        .as_i64()
        .unwrap()
        .to_string();
        ok(
            &app,
            &admin,
            "rename_org",
            &[("id", &new_cell), ("name", "Chi bộ Khu phố 9")],
        )
        .await;
        assert_eq!(
            ok(&app, &admin, "org_tree", &[("org", &new_cell)]).await["org"]["name"],
            "Chi bộ Khu phố 9"
        );

        // Move a cell with its members under the new grassroots organisation.
        let (s, b) = call(
            &app,
            &admin,
            "move_org",
            &[("id", &cell_id), ("new_parent_code", "KHONG-CO")],
        )
        .await;
        assert_eq!((s, field(&b).1.as_str()), (422, "err_org_code_unknown"));
        ok(
            &app,
            &admin,
            "move_org",
            &[("id", &cell_id), ("new_parent_code", "DBCS-TH")],
        )
        .await;
        let t = ok(&app, &admin, "org_tree", &[("org", &school)]).await;
        assert_eq!(t["org"]["members"].as_i64(), Some(cell_members));
        assert_eq!(t["breadcrumb"][0][0].as_i64(), Some(ward));
        let path: String = sqlx::query_scalar("SELECT path FROM organizations WHERE id = $1")
            .bind(cell_id.parse::<i64>().unwrap())
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert!(path.ends_with(&format!("/{school}/{cell_id}/")), "{path}");
        assert_eq!(
            ok(&app, &admin, "org_tree", &[]).await["org"]["members"].as_i64(),
            Some(members_before),
            "nobody lost"
        );

        // Merge the cell into the new one: members move and remember where they were.
        let (s, b) = call(
            &app,
            &admin,
            "merge_org",
            &[("id", &cell_id), ("into_code", "DBCS-TH")],
        )
        .await;
        assert_eq!((s, field(&b).1.as_str()), (422, "err_org_merge_kind"));
        ok(
            &app,
            &admin,
            "merge_org",
            &[("id", &cell_id), ("into_code", "CB-MOI-01")],
        )
        .await;
        assert_eq!(
            ok(&app, &admin, "org_tree", &[("org", &new_cell)]).await["org"]["members"].as_i64(),
            Some(cell_members)
        );
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM member_org_history WHERE org_id = {cell_id} AND reason = 'merge'")).await, cell_members);
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM organizations WHERE id = {cell_id} AND dissolved_at IS NOT NULL AND merged_into = {new_cell}")).await, 1);
        assert_eq!(
            call(&app, &admin, "org_tree", &[("org", &cell_id)]).await.0,
            404,
            "gone from the live tree"
        );
        assert_eq!(
            ok(&app, &admin, "org_tree", &[("org", &school)]).await["children"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            ok(&app, &admin, "org_tree", &[]).await["org"]["members"].as_i64(),
            Some(members_before)
        );

        // Dissolve: only when empty.
        let (s, b) = call(&app, &admin, "dissolve_org", &[("id", &new_cell)]).await;
        assert_eq!((s, field(&b).1.as_str()), (422, "err_org_not_empty"));
        ok(&app, &admin, "dissolve_org", &[("id", &school)]).await;
        // No periodic meeting is opened for a dissolved or merged-away cell.
        let next = app::domain::meeting::Month::of(app::platform::clock::today_vn())
            .next()
            .next();
        app::meetings::service::open_month(&app.db, next, app::platform::clock::now_unix())
            .await
            .unwrap();
        assert_eq!(
            scalar(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM meetings WHERE org_id = {cell_id} AND period = '{}'",
                    next.code()
                )
            )
            .await,
            0
        );
        assert_eq!(
            scalar(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM meetings WHERE org_id = {new_cell} AND period = '{}'",
                    next.code()
                )
            )
            .await,
            1
        );
        // Audited, one entry per change.
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE action IN ('org.create', 'org.rename', 'org.move', 'org.merge', 'org.dissolve')").await, 6);

        // Scope: not the ward itself, not another ward, not outside by code; not for others at all.
        assert_eq!(
            call(
                &app,
                &admin,
                "rename_org",
                &[("id", &w), ("name", "Phường khác")]
            )
            .await
            .0,
            403
        );
        let other_ward: i64 = scalar(&app, "SELECT o.parent_id FROM organizations o JOIN members m ON m.org_id = o.id WHERE m.phone = '0900000005'").await;
        assert_eq!(
            call(
                &app,
                &admin,
                "org_tree",
                &[("org", &other_ward.to_string())]
            )
            .await
            .0,
            403
        );
        let other_code: String = sqlx::query_scalar("SELECT code FROM organizations WHERE id = $1")
            .bind(other_ward)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        let (s, b) = call(
            &app,
            &admin,
            "move_org",
            &[("id", &new_cell), ("new_parent_code", &other_code)],
        )
        .await;
        assert_eq!((s, field(&b).1.as_str()), (422, "err_org_outside_scope"));
        for phone in ["0900000001", "0900000002"] {
            let c = signed_in(&app, phone).await;
            assert_eq!(call(&app, &c, "org_tree", &[]).await.0, 403, "{phone}");
            assert_eq!(
                call(
                    &app,
                    &c,
                    "create_org",
                    &[
                        ("parent_id", &w),
                        ("kind", "chi_bo"),
                        ("name", "X"),
                        ("code", "X-1")
                    ]
                )
                .await
                .0,
                403
            );
        }
        // The page renders for the admin.
        let page = admin
            .get(app.url("/quan-tri"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Cây tổ chức") && page.contains("Chi bộ Khu phố 9"));
    }
);

on_both_databases!(
    a_merged_member_sees_where_they_were,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let admin = signed_in(&app, "0900000003").await;
        let ward = ok(&app, &admin, "org_tree", &[]).await["org"]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let (cell, cell_name): (i64, String) = {
            use sqlx::Row;
            let r = sqlx::query("SELECT o.id, o.name FROM organizations o JOIN members m ON m.org_id = o.id WHERE m.phone = '0900000001'").fetch_one(app.db.pool()).await.unwrap();
            (r.get(0), r.get(1))
        };
        ok(
            &app,
            &admin,
            "create_org",
            &[
                ("parent_id", &ward),
                ("kind", "chi_bo"),
                ("name", "Chi bộ sau hợp nhất"),
                ("code", "CB-HN-01"),
            ],
        )
        .await;
        ok(
            &app,
            &admin,
            "merge_org",
            &[("id", &cell.to_string()), ("into_code", "CB-HN-01")],
        )
        .await;
        let member = signed_in(&app, "0900000001").await;
        let p = ok(&app, &member, "profile", &[]).await;
        assert_eq!(p["org_name"], "Chi bộ sau hợp nhất");
        assert!(
            p["past_orgs"][0]
                .as_str()
                .unwrap()
                .starts_with(&format!("{cell_name} (")),
            "{p}"
        );
    }
);

on_both_databases!(
    roles_are_granted_by_phone_inside_the_tree,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let admin = signed_in(&app, "0900000003").await;
        let tree = ok(&app, &admin, "org_tree", &[]).await;
        let ward = tree["org"]["id"].as_i64().unwrap().to_string();
        let before = ok(&app, &admin, "org_roles", &[("org", &ward)])
            .await
            .as_array()
            .unwrap()
            .len();
        let (s, b) = call(
            &app,
            &admin,
            "grant_role",
            &[
                ("org_id", &ward),
                ("identifier", "0999999999"),
                ("role", "editor"),
            ],
        )
        .await;
        assert_eq!((s, field(&b).1.as_str()), (422, "err_member_unknown"));
        let (s, b) = call(
            &app,
            &admin,
            "grant_role",
            &[
                ("org_id", &ward),
                ("identifier", "0900000005"),
                ("role", "editor"),
            ],
        )
        .await;
        assert_eq!(
            (s, field(&b).1.as_str()),
            (422, "err_org_outside_scope"),
            "a member of another ward"
        );
        ok(
            &app,
            &admin,
            "grant_role",
            &[
                ("org_id", &ward),
                ("identifier", "0900000001"),
                ("role", "editor"),
            ],
        )
        .await;
        let holders = ok(&app, &admin, "org_roles", &[("org", &ward)]).await;
        assert_eq!(holders.as_array().unwrap().len(), before + 1);
        let h = holders
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["role"] == "editor" && h["full_name"] == "Nguyễn Văn An")
            .unwrap()
            .clone();
        // The member now publishes for the ward; revoking takes it away again.
        let member = signed_in(&app, "0900000001").await;
        assert_eq!(
            ok(&app, &member, "session", &[]).await["user"]["can_publish"],
            true
        );
        let mid = h["member_id"].as_i64().unwrap().to_string();
        ok(
            &app,
            &admin,
            "role",
            &[
                ("member_id", &mid),
                ("org_id", &ward),
                ("role", "editor"),
                ("grant", "false"),
            ],
        )
        .await;
        assert_eq!(
            ok(&app, &admin, "org_roles", &[("org", &ward)])
                .await
                .as_array()
                .unwrap()
                .len(),
            before
        );
        assert_eq!(
            ok(&app, &member, "session", &[]).await["user"]["can_publish"],
            false
        );
        assert_eq!(
            call(&app, &member, "org_roles", &[("org", &ward)]).await.0,
            403
        );
    }
);
