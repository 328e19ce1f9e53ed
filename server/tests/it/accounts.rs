//! Accounts over HTTP on both databases: sign-in, throttling, sessions, joining, activation
//! codes, contact changes, roles — and for every server function, the refusal of a member of
//! another chi bộ (demo 0900000005).
use crate::common;
use common::{call, client, error_key, signed_in, TestApp};
use serde_json::Value;
use sqlx::Row;

const PASSWORD: &str = "sotay2026";

async fn session(app: &TestApp, c: &reqwest::Client) -> Value {
    let (status, body) = call(app, c, "session", &[]).await;
    assert_eq!(status, 200);
    body
}

async fn seeded(app: &TestApp) {
    app_seed(app, 300).await;
}

async fn app_seed(app: &TestApp, n: usize) {
    app::register::seed::seed(&app.db, n).await.unwrap();
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

/// A generated member of the demo secretary's cell who has no account yet.
async fn member_without_account(app: &TestApp, cell_of_phone: &str) -> (i64, String) {
    let r = sqlx::query(
        "SELECT m.id, m.member_code FROM members m LEFT JOIN accounts a ON a.member_id = m.id
         WHERE a.id IS NULL AND m.org_id = (SELECT org_id FROM members WHERE phone = $1) ORDER BY m.id LIMIT 1",
    )
    .bind(cell_of_phone)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    (r.try_get("id").unwrap(), r.try_get("member_code").unwrap())
}

on_both_databases!(
    every_demo_account_signs_in_and_sees_its_role,
    |app: TestApp| async move {
        seeded(&app).await;
        let cases = [
            ("0900000001", "Nguyễn Văn An", None),
            ("0900000002", "Trần Thị Bình", Some("bi_thu")),
            ("0900000003", "Lê Văn Cường", Some("admin")),
            ("0900000004", "Phạm Thị Dung", Some("editor")),
            ("0900000005", "Hoàng Minh Đức", None),
            ("0900000006", "Võ Văn Sáu", None),
        ];
        for (phone, name, role) in cases {
            let c = client();
            let res = c
                .post(app.url("/api/sign_in"))
                .header("accept", "application/json")
                .form(&[
                    ("identifier", phone),
                    ("password", PASSWORD),
                    ("next", "/ca-nhan"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{phone}");
            let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
            assert!(
                cookie.starts_with("sotay_session=")
                    && cookie.contains("HttpOnly")
                    && cookie.contains("SameSite=Lax"),
                "{cookie}"
            );
            assert_eq!(res.json::<Value>().await.unwrap(), "/ca-nhan");
            let s = session(&app, &c).await;
            assert_eq!(s["user"]["full_name"], name);
            let roles: Vec<String> = s["user"]["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["role"].as_str().unwrap().to_string())
                .collect();
            match role {
                Some(r) => assert!(roles.contains(&r.to_string()), "{phone}: {roles:?}"),
                None => assert!(roles.is_empty(), "{phone}: {roles:?}"),
            }
            let home = c
                .get(app.url("/"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(home.contains(name), "{phone} home");
        }
        // The secretary of the member's cell is offered to call; the 1946 member is offered simplified mode.
        let elder = signed_in(&app, "0900000006").await;
        let s = session(&app, &elder).await;
        assert_eq!(s["user"]["secretary"]["name"], "Trần Thị Bình");
        assert_eq!(s["user"]["secretary"]["tel"], "tel:+84900000002");
        assert_eq!(s["user"]["offer_simple_mode"], true);
        // The secretary themself is offered the cell's deputy (or no one), never themself; the
        // grants of the session (several rows) do not repeat or hide the contact.
        let own = session(&app, &signed_in(&app, "0900000002").await).await;
        let deputy: Option<String> = sqlx::query_scalar(
        "SELECT x.full_name FROM members x JOIN members b ON b.org_id = x.org_id AND b.phone = '0900000002'
         WHERE x.position = 'pho_bi_thu' AND x.id <> b.id ORDER BY x.id LIMIT 1",
    )
    .fetch_optional(app.db.pool())
    .await
    .unwrap();
        match deputy {
            Some(name) => assert_eq!(
                (
                    own["user"]["secretary"]["name"].as_str(),
                    own["user"]["secretary"]["deputy"].as_bool()
                ),
                (Some(name.as_str()), Some(true))
            ),
            None => assert!(own["user"]["secretary"].is_null(), "{own}"),
        }
        let admin = session(&app, &signed_in(&app, "0900000003").await).await;
        assert!(!admin["user"]["roles"].as_array().unwrap().is_empty());
        assert_ne!(admin["user"]["secretary"]["name"], "Lê Văn Cường");
        assert_eq!(
            session(&app, &signed_in(&app, "0900000001").await).await["user"]["offer_simple_mode"],
            false
        );
        // Any written form of the phone, or the member code, signs in.
        signed_in(&app, "+84 900 000 001").await;
        let code: String =
            sqlx::query("SELECT member_code FROM members WHERE phone = '0900000001'")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        signed_in(&app, &code).await;
        assert!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in'"
            )
            .await
                >= 9
        );
    }
);

on_both_databases!(
    wrong_passwords_are_generic_then_slowed_then_locked,
    |app: TestApp| async move {
        seeded(&app).await;
        let c = client();
        let (s1, b1) = call(
            &app,
            &c,
            "sign_in",
            &[
                ("identifier", "0900000001"),
                ("password", "wrong-one"),
                ("next", "/"),
            ],
        )
        .await;
        let (s2, b2) = call(
            &app,
            &c,
            "sign_in",
            &[
                ("identifier", "0911111111"),
                ("password", "wrong-one"),
                ("next", "/"),
            ],
        )
        .await;
        // A wrong password and an unknown number look exactly alike.
        assert_eq!(
            (s1, error_key(&b1)),
            (422, "err_sign_in_failed".to_string())
        );
        assert_eq!(
            (s2, error_key(&b2)),
            (422, "err_sign_in_failed".to_string())
        );
        for _ in 0..4 {
            call(
                &app,
                &c,
                "sign_in",
                &[
                    ("identifier", "0900000001"),
                    ("password", "wrong-one"),
                    ("next", "/"),
                ],
            )
            .await;
        }
        // Five failures: even the right password waits now, with a message saying whom to call.
        let (_, b) = call(
            &app,
            &c,
            "sign_in",
            &[
                ("identifier", "0900000001"),
                ("password", PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
        assert_eq!(error_key(&b), "err_sign_in_locked");
        // Other accounts are not affected.
        signed_in(&app, "0900000002").await;
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in_failed'"
            )
            .await,
            6
        );
        // Empty input is a field error, not a failure.
        let (_, b) = call(
            &app,
            &c,
            "sign_in",
            &[("identifier", ""), ("password", "x"), ("next", "/")],
        )
        .await;
        assert_eq!(error_key(&b), "err_identifier_empty");
    }
);

on_both_databases!(
    without_javascript_sign_in_redirects,
    |app: TestApp| async move {
        seeded(&app).await;
        let c = client();
        let ok = c
            .post(app.url("/api/sign_in"))
            .header("accept", "text/html")
            .header("referer", app.url("/dang-nhap"))
            .form(&[
                ("identifier", "0900000001"),
                ("password", PASSWORD),
                ("next", "/ca-nhan"),
            ])
            .send()
            .await
            .unwrap();
        assert!(ok.status().is_redirection());
        assert_eq!(ok.headers()["location"], "/ca-nhan");
        let tab = client();
        let bad = tab
            .post(app.url("/api/sign_in"))
            .header("accept", "text/html")
            .header("referer", app.url("/dang-nhap"))
            .form(&[
                ("identifier", "0900000001"),
                ("password", "nope-nope"),
                ("next", "//evil.example"),
            ])
            .send()
            .await
            .unwrap();
        assert!(bad.status().is_redirection());
        let location = bad.headers()["location"].to_str().unwrap().to_string();
        // No phone number in the URL: what was typed comes back in a short-lived cookie.
        assert_eq!(location, "/dang-nhap?loi=err_sign_in_failed&next=/");
        let typed = bad
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("sotay_typed_id="))
            .expect("typed identifier cookie");
        assert!(
            typed.contains("Path=/dang-nhap")
                && typed.contains("HttpOnly")
                && typed.contains("Max-Age=300"),
            "{typed}"
        );
        let page = tab
            .get(app.url(&location))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("mật khẩu chưa đúng"));
        assert!(page.contains("value=\"0900000001\""));
        // Signing in correctly forgets it, so the next person on this phone does not see it.
        let good = tab
            .post(app.url("/api/sign_in"))
            .header("accept", "text/html")
            .form(&[
                ("identifier", "0900000001"),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert!(good.headers().get_all("set-cookie").iter().any(|v| v
            .to_str()
            .unwrap()
            .starts_with("sotay_typed_id=; Path=/dang-nhap")
            && v.to_str().unwrap().contains("Max-Age=0")));
        // Signed-in pages render for the cookie alone (no JavaScript needed).
        let home = c
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(home.contains("Nguyễn Văn An"));
    }
);

on_both_databases!(
    sign_out_and_sign_out_everywhere,
    |app: TestApp| async move {
        seeded(&app).await;
        let phone_a = signed_in(&app, "0900000001").await;
        let phone_b = signed_in(&app, "0900000001").await;
        let laptop = signed_in(&app, "0900000001").await;
        let (s, _) = call(&app, &phone_a, "sign_out", &[("everywhere", "false")]).await;
        assert_eq!(s, 200);
        assert!(session(&app, &phone_a).await["user"].is_null());
        assert!(!session(&app, &phone_b).await["user"].is_null());
        let (s, _) = call(&app, &laptop, "sign_out", &[("everywhere", "true")]).await;
        assert_eq!(s, 200);
        assert!(session(&app, &phone_b).await["user"].is_null());
        let (s, b) = call(&app, &phone_b, "profile", &[]).await;
        assert_eq!((s, error_key(&b)), (401, "Unauthorized".to_string()));
    }
);

on_both_databases!(
    join_request_is_approved_by_the_cell_secretary_only,
    |app: TestApp| async move {
        seeded(&app).await;
        let (member_id, code) = member_without_account(&app, "0900000001").await;
        let visitor = client();
        // Bad input names each field and keeps nothing half-done.
        let (s, b) = call(
            &app,
            &visitor,
            "join",
            &[
                ("phone", "123"),
                ("member_code", ""),
                ("cccd", "12"),
                ("birth_date", "31/02/1970"),
                ("password", "short"),
                ("password2", "other"),
            ],
        )
        .await;
        assert_eq!(s, 422);
        let fields: Vec<String> = b["Invalid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, ["phone", "cccd", "birth_date", "password"]);
        // Details that match no one get the same answer as a match (the form is no oracle), and
        // nothing is created.
        let (s, b) = call(
            &app,
            &visitor,
            "join",
            &[
                ("phone", "0987 654 321"),
                ("member_code", "NOPE1234"),
                ("cccd", ""),
                ("birth_date", ""),
                ("password", "matkhau123"),
                ("password2", "matkhau123"),
            ],
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM join_requests").await, 0);
        let (s, b) = call(
            &app,
            &visitor,
            "join",
            &[
                ("phone", "0987 654 321"),
                ("member_code", &code),
                ("cccd", ""),
                ("birth_date", ""),
                ("password", "matkhau123"),
                ("password2", "matkhau123"),
            ],
        )
        .await;
        assert_eq!(s, 200, "{b}");
        // Pending: signing in answers as for anyone (telling "waiting" would reveal that the details
        // belong to a member); the new phone is not yet the register's.
        let (_, b) = call(
            &app,
            &visitor,
            "sign_in",
            &[
                ("identifier", &code),
                ("password", "matkhau123"),
                ("next", "/"),
            ],
        )
        .await;
        assert_eq!(error_key(&b), "err_sign_in_failed");

        let other = signed_in(&app, "0900000005").await;
        let (s, list) = call(&app, &other, "join_requests", &[]).await;
        assert_eq!((s, list.as_array().unwrap().len()), (200, 0));
        let secretary = signed_in(&app, "0900000002").await;
        let (_, list) = call(&app, &secretary, "join_requests", &[]).await;
        let list = list.as_array().unwrap().clone();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["phone"], "0987654321");
        let id = list[0]["id"].as_i64().unwrap().to_string();
        // The cell's leadership was told at once; other members were not.
        let (_, n) = call(&app, &secretary, "notifications", &[]).await;
        assert_eq!(
            (
                n["items"][0]["kind"].as_str(),
                n["items"][0]["href"].as_str()
            ),
            (Some("yeu_cau_gia_nhap"), Some("/quan-tri/tai-khoan"))
        );
        let (_, n) = call(&app, &other, "notifications", &[]).await;
        assert!(n["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] != "yeu_cau_gia_nhap"));
        let (s, b) = call(
            &app,
            &other,
            "decide_join",
            &[("id", &id), ("approve", "true"), ("reason", "")],
        )
        .await;
        assert_eq!((s, error_key(&b)), (403, "Forbidden".to_string()));
        let (s, b) = call(
            &app,
            &secretary,
            "decide_join",
            &[("id", &id), ("approve", "false"), ("reason", " ")],
        )
        .await;
        assert_eq!((s, error_key(&b)), (422, "err_reason_required".to_string()));
        let (s, _) = call(
            &app,
            &secretary,
            "decide_join",
            &[("id", &id), ("approve", "true"), ("reason", "")],
        )
        .await;
        assert_eq!(s, 200);
        // The ward's admin sees nothing left; the member signs in with the phone they gave.
        let admin = signed_in(&app, "0900000003").await;
        assert_eq!(
            call(&app, &admin, "join_requests", &[])
                .await
                .1
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let (s, _) = call(
            &app,
            &visitor,
            "sign_in",
            &[
                ("identifier", "+84987654321"),
                ("password", "matkhau123"),
                ("next", "/"),
            ],
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(
            scalar(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM members WHERE id = {member_id} AND phone = '0987654321'"
                )
            )
            .await,
            1
        );
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE action IN ('join_requested', 'join_approved')").await, 2);
    }
);

on_both_databases!(activation_and_reset_codes, |app: TestApp| async move {
    seeded(&app).await;
    let (member_id, code) = member_without_account(&app, "0900000001").await;
    let mid = member_id.to_string();
    let other = signed_in(&app, "0900000005").await;
    let (s, b) = call(&app, &other, "activation_code", &[("member_id", &mid)]).await;
    assert_eq!((s, error_key(&b)), (403, "Forbidden".to_string()));
    let (_, list) = call(&app, &other, "member_accounts", &[("query", "")]).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        0,
        "a plain member sees no one's accounts"
    );

    let secretary = signed_in(&app, "0900000002").await;
    let (_, list) = call(&app, &secretary, "member_accounts", &[("query", "")]).await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["member_id"].as_i64() == Some(member_id)));
    let (s, issued) = call(&app, &secretary, "activation_code", &[("member_id", &mid)]).await;
    assert_eq!(s, 200, "{issued}");
    let shown = issued["code"].as_str().unwrap().to_string();
    assert_eq!(shown.len(), 9, "printed as 1234 5678");

    let member = client();
    let (_, b) = call(
        &app,
        &member,
        "activate",
        &[
            ("identifier", &code),
            ("code", "0000 0000"),
            ("password", "moi-mat-khau"),
            ("password2", "moi-mat-khau"),
        ],
    )
    .await;
    assert_eq!(error_key(&b), "err_code_invalid");
    let (s, b) = call(
        &app,
        &member,
        "activate",
        &[
            ("identifier", &code),
            ("code", &shown),
            ("password", "moi-mat-khau"),
            ("password2", "moi-mat-khau"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert!(!session(&app, &member).await["user"].is_null());
    // One use only.
    let (_, b) = call(
        &app,
        &client(),
        "activate",
        &[
            ("identifier", &code),
            ("code", &shown),
            ("password", "x-x-x-x-x"),
            ("password2", "x-x-x-x-x"),
        ],
    )
    .await;
    assert_eq!(error_key(&b), "err_code_invalid");

    // A forgotten password: the secretary issues a reset code; the old sessions end.
    let old_phone = signed_in(&app, "0900000001").await;
    let demo1: i64 = scalar(&app, "SELECT id FROM members WHERE phone = '0900000001'").await;
    let (_, reset) = call(
        &app,
        &secretary,
        "activation_code",
        &[("member_id", &demo1.to_string())],
    )
    .await;
    let (s, _) = call(
        &app,
        &client(),
        "activate",
        &[
            ("identifier", "0900000001"),
            ("code", reset["code"].as_str().unwrap()),
            ("password", "mat-khau-moi"),
            ("password2", "mat-khau-moi"),
        ],
    )
    .await;
    assert_eq!(s, 200);
    assert!(session(&app, &old_phone).await["user"].is_null());
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE action IN ('activation_code_issued', 'reset_code_issued', 'account_activated', 'password_reset')").await, 4);
});

on_both_databases!(
    contact_changes_are_confirmed_by_the_secretary,
    |app: TestApp| async move {
        seeded(&app).await;
        let member = signed_in(&app, "0900000001").await;
        let (s, b) = call(
            &app,
            &member,
            "contact_change",
            &[("phone", "abc"), ("address", "")],
        )
        .await;
        assert_eq!((s, error_key(&b)), (422, "err_phone_chars".to_string()));
        let (s, _) = call(
            &app,
            &member,
            "contact_change",
            &[("phone", "0912 000 111"), ("address", "Số 5 đường Yersin")],
        )
        .await;
        assert_eq!(s, 200);
        let (_, profile) = call(&app, &member, "profile", &[]).await;
        assert_eq!(profile["pending_phone"], "0912000111");
        assert_eq!(profile["phone"], "0900000001");

        let other = signed_in(&app, "0900000005").await;
        assert_eq!(
            call(&app, &other, "contact_changes", &[])
                .await
                .1
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let secretary = signed_in(&app, "0900000002").await;
        let (_, list) = call(&app, &secretary, "contact_changes", &[]).await;
        let id = list[0]["id"].as_i64().unwrap().to_string();
        let (s, b) = call(
            &app,
            &other,
            "decide_contact_change",
            &[("id", &id), ("approve", "true")],
        )
        .await;
        assert_eq!((s, error_key(&b)), (403, "Forbidden".to_string()));
        let (s, _) = call(
            &app,
            &secretary,
            "decide_contact_change",
            &[("id", &id), ("approve", "true")],
        )
        .await;
        assert_eq!(s, 200);
        let (_, profile) = call(&app, &member, "profile", &[]).await;
        assert_eq!(profile["phone"], "0912000111");
        assert_eq!(profile["address"], "Số 5 đường Yersin");
        assert_eq!(profile["has_pending_change"], false);
    }
);

on_both_databases!(
    roles_are_granted_within_the_admins_subtree_only,
    |app: TestApp| async move {
        seeded(&app).await;
        let ward1: i64 = scalar(&app, "SELECT parent_id FROM organizations WHERE id = (SELECT org_id FROM members WHERE phone = '0900000001')").await;
        let ward2: i64 = scalar(&app, "SELECT parent_id FROM organizations WHERE id = (SELECT org_id FROM members WHERE phone = '0900000005')").await;
        let demo1: i64 = scalar(&app, "SELECT id FROM members WHERE phone = '0900000001'").await;
        let form =
            |org: i64, role: &'static str, grant: &'static str| (org.to_string(), role, grant);
        let admin = signed_in(&app, "0900000003").await;
        let secretary = signed_in(&app, "0900000002").await;
        let other = signed_in(&app, "0900000005").await;
        let m = demo1.to_string();
        for (who, org, role, expected) in [
            (&other, ward1, "assistant", 403u16),
            (&secretary, ward1, "assistant", 403),
            (&admin, ward2, "assistant", 403),
            (&admin, ward1, "bi_thu", 422),
            (&admin, ward1, "assistant", 200),
        ] {
            let (o, r, g) = form(org, role, "true");
            let (s, b) = call(
                &app,
                who,
                "role",
                &[("member_id", &m), ("org_id", &o), ("role", r), ("grant", g)],
            )
            .await;
            assert_eq!(s, expected, "{role} on {org}: {b}");
        }
        let s = session(&app, &signed_in(&app, "0900000001").await).await;
        assert_eq!(s["user"]["roles"][0]["role"], "assistant");
        assert_eq!(s["user"]["is_leader"], true);
        let (s, _) = call(
            &app,
            &admin,
            "role",
            &[
                ("member_id", &m),
                ("org_id", &ward1.to_string()),
                ("role", "assistant"),
                ("grant", "false"),
            ],
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action IN ('role_granted', 'role_revoked')"
            )
            .await,
            2
        );
    }
);

on_both_databases!(
    preferences_follow_the_member_and_the_cookie,
    |app: TestApp| async move {
        seeded(&app).await;
        let member = signed_in(&app, "0900000006").await;
        let (s, b) = call(
            &app,
            &member,
            "preferences",
            &[("text_size", "huge"), ("simple_mode", "true")],
        )
        .await;
        assert_eq!((s, error_key(&b)), (422, "err_invalid_value".to_string()));
        let (s, _) = call(
            &app,
            &member,
            "preferences",
            &[("text_size", "xlarge"), ("simple_mode", "true")],
        )
        .await;
        assert_eq!(s, 200);
        let home = member
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            home.contains("data-text-size=\"xlarge\"") && home.contains("data-simple=\"1\""),
            "{}",
            &home[..300]
        );
        let s = session(&app, &member).await;
        assert_eq!(s["user"]["offer_simple_mode"], false, "offered once");
        // On another device the account's preferences apply at sign-in.
        let tablet = signed_in(&app, "0900000006").await;
        assert_eq!(
            session(&app, &tablet).await["prefs"]["text_size"],
            "ExtraLarge"
        );
        // A visitor's cookie alone sets the size before sign-in.
        let visitor = client();
        let page = visitor
            .get(app.url("/dang-nhap"))
            .header("cookie", "sotay_prefs=large.0")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("data-text-size=\"large\""));
    }
);

on_both_databases!(
    signed_out_visitors_are_refused_and_sent_to_sign_in,
    |app: TestApp| async move {
        seeded(&app).await;
        let visitor = client();
        for endpoint in [
            "profile",
            "join_requests",
            "member_accounts",
            "contact_changes",
        ] {
            let (s, b) = call(&app, &visitor, endpoint, &[("query", "")]).await;
            assert_eq!(
                (s, error_key(&b)),
                (401, "Unauthorized".to_string()),
                "{endpoint}"
            );
        }
        let (s, _) = call(&app, &visitor, "activation_code", &[("member_id", "1")]).await;
        assert_eq!(s, 401);
        let (s, _) = call(
            &app,
            &visitor,
            "decide_join",
            &[("id", "1"), ("approve", "true"), ("reason", "")],
        )
        .await;
        assert_eq!(s, 401);
        let (s, _) = call(
            &app,
            &visitor,
            "decide_contact_change",
            &[("id", "1"), ("approve", "true")],
        )
        .await;
        assert_eq!(s, 401);
        let (s, _) = call(
            &app,
            &visitor,
            "role",
            &[
                ("member_id", "1"),
                ("org_id", "1"),
                ("role", "admin"),
                ("grant", "true"),
            ],
        )
        .await;
        assert_eq!(s, 401);
        let (s, _) = call(
            &app,
            &visitor,
            "contact_change",
            &[("phone", "0912000111"), ("address", "")],
        )
        .await;
        assert_eq!(s, 401);
        let (s, _) = call(&app, &visitor, "sign_out", &[("everywhere", "true")]).await;
        assert_eq!(s, 401);
        // Pages that need sign-in send the visitor there and back.
        // (A browser navigation accepts text/html.)
        let res = visitor
            .get(app.url("/ca-nhan"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        assert_eq!(res.headers()["location"], "/dang-nhap?next=/ca-nhan");
    }
);

on_both_databases!(
    passkeys_refuse_what_they_cannot_verify,
    |app: TestApp| async move {
        seeded(&app).await;
        let visitor = client();
        for endpoint in ["passkey_register_start", "passkeys", "passkeys_remove"] {
            let (s, _) = call(&app, &visitor, endpoint, &[]).await;
            assert_eq!(s, 401, "{endpoint}");
        }
        let (s, _) = call(
            &app,
            &visitor,
            "passkey_register_finish",
            &[("challenge", "x"), ("credential", "{}")],
        )
        .await;
        assert_eq!(s, 401);
        // An unknown number and a known one without passkeys get the same answer.
        let (s1, b1) = call(
            &app,
            &visitor,
            "passkey_sign_in_start",
            &[("identifier", "0911111111")],
        )
        .await;
        let (s2, b2) = call(
            &app,
            &visitor,
            "passkey_sign_in_start",
            &[("identifier", "0900000001")],
        )
        .await;
        assert_eq!((s1, error_key(&b1)), (422, "err_passkey_none".to_string()));
        assert_eq!((s2, error_key(&b2)), (422, "err_passkey_none".to_string()));
        // A made-up challenge or credential opens no session.
        let (s, b) = call(
            &app,
            &visitor,
            "passkey_sign_in_finish",
            &[("challenge", "made-up"), ("credential", "{}")],
        )
        .await;
        assert_eq!((s, error_key(&b)), (422, "err_passkey_expired".to_string()));
        let member = signed_in(&app, "0900000001").await;
        let (s, challenge) = call(&app, &member, "passkey_register_start", &[]).await;
        assert_eq!(s, 200);
        let options: Value = serde_json::from_str(challenge["options"].as_str().unwrap()).unwrap();
        assert_eq!(options["publicKey"]["rp"]["id"], "localhost");
        assert_eq!(options["publicKey"]["user"]["name"], "Nguyễn Văn An");
        let id = challenge["challenge"].as_str().unwrap().to_string();
        // Another member cannot finish this member's registration.
        let other = signed_in(&app, "0900000005").await;
        let (s, _) = call(
            &app,
            &other,
            "passkey_register_finish",
            &[("challenge", &id), ("credential", "{}")],
        )
        .await;
        assert_eq!(s, 403);
        // And the challenge is used up by that attempt.
        let (s, b) = call(
            &app,
            &member,
            "passkey_register_finish",
            &[("challenge", &id), ("credential", "{}")],
        )
        .await;
        assert_eq!((s, error_key(&b)), (422, "err_passkey_expired".to_string()));
        let (s, n) = call(&app, &member, "passkeys", &[]).await;
        assert_eq!((s, n), (200, Value::from(0)));
    }
);

on_both_databases!(
    the_first_use_guide_is_offered_until_finished_and_replays_from_help,
    |app: TestApp| async move {
        seeded(&app).await;
        let member = signed_in(&app, "0900000001").await;
        assert_eq!(session(&app, &member).await["user"]["offer_guide"], true);
        let page = |c: &reqwest::Client, path: &str| {
            let request = c.get(app.url(path));
            async move { request.send().await.unwrap().text().await.unwrap() }
        };
        assert!(
            page(&member, "/")
                .await
                .contains("data-testid=\"guide-offer\""),
            "the home page offers the guide"
        );
        // The three screens are plain pages; a step out of range shows the nearest. (The text is read
        // without the hydration markers between its interpolated parts.)
        let text_of = |html: String| {
            let mut out = String::new();
            let mut rest = html.as_str();
            while let Some(i) = rest.find("<!") {
                out.push_str(&rest[..i]);
                rest = rest[i..].split_once('>').map(|(_, r)| r).unwrap_or("");
            }
            out + rest
        };
        for (step, text) in [
            ("1", "Bước 1/3"),
            ("2", "Bước 2/3"),
            ("3", "Bước 3/3"),
            ("9", "Bước 3/3"),
            ("x", "Bước 1/3"),
        ] {
            assert!(
                text_of(page(&member, &format!("/huong-dan?buoc={step}")).await).contains(text),
                "step {step}"
            );
        }
        // Without JavaScript, finishing is a form post answered with the home page.
        let res = member
            .post(app.url("/api/guide_seen"))
            .header("accept", "text/html")
            .form(&[("", "")][..0])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{}", res.status());
        assert_eq!(res.headers()["location"], "/");
        assert_eq!(session(&app, &member).await["user"]["offer_guide"], false);
        assert!(
            !page(&member, "/")
                .await
                .contains("data-testid=\"guide-offer\""),
            "shown once"
        );
        assert!(
            page(&member, "/tro-giup")
                .await
                .contains("href=\"/huong-dan\""),
            "help replays it"
        );
        // Per account: another member is still offered it; a visitor may read it and changes nothing.
        assert_eq!(
            session(&app, &signed_in(&app, "0900000002").await).await["user"]["offer_guide"],
            true
        );
        let (s, _) = call(&app, &client(), "guide_seen", &[]).await;
        assert!(s < 400, "{s}");
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM accounts WHERE guide_seen = 1").await,
            1
        );
    }
);
