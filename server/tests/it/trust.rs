//! Trust (issue #17) on both databases: authority runs up the tree only, proxies never replace a
//! member's own answer, throttling that a shared address cannot turn into an outage, a join form
//! that is no oracle, cross-site writes refused, safe redirects, uploads refused before their
//! body, hostile input answered with 4xx, sessions that leaders confirm and admins can end.
use crate::common;
use common::{call, client, error_key, signed_in, TestApp, DEMO_PASSWORD};
use serde_json::Value;
use sqlx::Row;

async fn seeded(app: &TestApp) {
    app::register::seed::seed(&app.db, 300).await.unwrap();
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

async fn member_id(app: &TestApp, phone: &str) -> i64 {
    scalar(
        app,
        &format!("SELECT id FROM members WHERE phone = '{phone}'"),
    )
    .await
}

/// Gives a generated member an active account with the demo password and a phone to sign in
/// with; returns that phone.
async fn give_account(app: &TestApp, member: i64, phone: &str) -> String {
    let hash: String = sqlx::query("SELECT a.password_hash FROM accounts a JOIN members m ON m.id = a.member_id WHERE m.phone = '0900000001'")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    sqlx::query("UPDATE members SET phone = $1 WHERE id = $2")
        .bind(phone)
        .bind(member)
        .execute(app.db.pool())
        .await
        .unwrap();
    let now = app::platform::clock::now_unix();
    sqlx::query("INSERT INTO accounts (member_id, password_hash, status, created_at, updated_at) VALUES ($1, $2, 'active', $3, $3)")
        .bind(member)
        .bind(hash)
        .bind(now)
        .execute(app.db.pool())
        .await
        .unwrap();
    phone.to_string()
}

async fn grant(app: &TestApp, phone: &str, role: &str, org_id: i64) {
    let account = scalar(app, &format!("SELECT a.id FROM accounts a JOIN members m ON m.id = a.member_id WHERE m.phone = '{phone}'")).await;
    sqlx::query(
        "INSERT INTO role_grants (account_id, org_id, role, created_at) VALUES ($1, $2, $3, 0)",
    )
    .bind(account)
    .bind(org_id)
    .bind(role)
    .execute(app.db.pool())
    .await
    .unwrap();
}

/// The ward the demo admin (0900000003) administers.
async fn ward1(app: &TestApp) -> i64 {
    scalar(app, "SELECT g.org_id FROM role_grants g JOIN accounts a ON a.id = g.account_id JOIN members m ON m.id = a.member_id WHERE m.phone = '0900000003'").await
}

on_both_databases!(
    a_lower_officer_cannot_take_over_a_higher_account,
    |app: TestApp| async move {
        seeded(&app).await;
        let admin_member = member_id(&app, "0900000003").await;
        // The secretary of the cell where the ward's admin has their member record.
        let office_secretary = scalar(&app, &format!("SELECT s.id FROM members s JOIN members a ON a.org_id = s.org_id WHERE a.id = {admin_member} AND s.position = 'bi_thu'")).await;
        let phone = give_account(&app, office_secretary, "0911000001").await;
        let secretary = signed_in(&app, &phone).await;
        let (s, b) = call(
            &app,
            &secretary,
            "activation_code",
            &[("member_id", &admin_member.to_string())],
        )
        .await;
        assert_eq!(
            (s, error_key(&b)),
            (403, "Forbidden".to_string()),
            "a cell secretary cannot reset the ward admin in their cell"
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM activation_codes").await,
            0
        );

        // An assistant of the ward: not the ward's admin (same scope), but a cell secretary below.
        let ward = ward1(&app).await;
        grant(&app, "0900000001", "assistant", ward).await;
        let assistant = signed_in(&app, "0900000001").await;
        let (s, b) = call(
            &app,
            &assistant,
            "activation_code",
            &[("member_id", &admin_member.to_string())],
        )
        .await;
        assert_eq!(
            (s, error_key(&b)),
            (403, "Forbidden".to_string()),
            "an assistant cannot reset the admin of their own scope"
        );
        let demo_secretary = member_id(&app, "0900000002").await;
        let (s, b) = call(
            &app,
            &assistant,
            "activation_code",
            &[("member_id", &demo_secretary.to_string())],
        )
        .await;
        assert_eq!(s, 200, "{b}");
        // Nor anyone themself, nor a peer through a contact change.
        let (s, _) = call(
            &app,
            &assistant,
            "activation_code",
            &[(
                "member_id",
                &member_id(&app, "0900000001").await.to_string(),
            )],
        )
        .await;
        assert_eq!(s, 403);

        // The owner of an active account is told who issued a reset code; the audit names the issuer.
        let owner = signed_in(&app, "0900000002").await;
        let (_, n) = call(&app, &owner, "notifications", &[]).await;
        let notice = n["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["kind"] == "bao_mat")
            .expect("security notice")
            .clone();
        assert!(
            notice["subject"]
                .as_str()
                .unwrap()
                .contains("Nguyễn Văn An"),
            "{notice}"
        );
        assert_eq!(notice["href"], "/ca-nhan");
        let issuer = scalar(&app, "SELECT a.id FROM accounts a JOIN members m ON m.id = a.member_id WHERE m.phone = '0900000001'").await;
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'reset_code_issued' AND actor_account_id = {issuer} AND on_behalf_of = {demo_secretary} AND ip IS NOT NULL")).await, 1);
        // A push is queued for the owner's devices like any notification (the worker sends it).
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM notifications WHERE kind = 'bao_mat' AND pushed_at IS NULL"
            )
            .await,
            1
        );

        // Roles: an admin cannot revoke a peer admin, nor grant outside their tree.
        grant(&app, "0900000006", "admin", ward).await;
        let admin = signed_in(&app, "0900000003").await;
        let peer = member_id(&app, "0900000006").await;
        let (s, _) = call(
            &app,
            &admin,
            "role",
            &[
                ("member_id", &peer.to_string()),
                ("org_id", &ward.to_string()),
                ("role", "admin"),
                ("grant", "false"),
            ],
        )
        .await;
        assert_eq!(s, 403, "a peer admin stays");
        let outsider = member_id(&app, "0900000005").await;
        let (s, _) = call(
            &app,
            &admin,
            "role",
            &[
                ("member_id", &outsider.to_string()),
                ("org_id", &ward.to_string()),
                ("role", "editor"),
                ("grant", "true"),
            ],
        )
        .await;
        assert_eq!(s, 403, "the member must be inside the granter's tree");
        assert_eq!(
            scalar(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM role_grants WHERE org_id = {ward} AND role = 'admin'"
                )
            )
            .await,
            2
        );
    }
);

on_both_databases!(
    a_password_reset_ends_sessions_and_passkeys_and_codes_are_guarded,
    |app: TestApp| async move {
        seeded(&app).await;
        let member = member_id(&app, "0900000001").await;
        let account = scalar(
            &app,
            &format!("SELECT id FROM accounts WHERE member_id = {member}"),
        )
        .await;
        sqlx::query("INSERT INTO passkeys (account_id, credential_id, passkey, created_at) VALUES ($1, 'cred-1', '{}', 0)").bind(account).execute(app.db.pool()).await.unwrap();
        let old = signed_in(&app, "0900000001").await;
        let secretary = signed_in(&app, "0900000002").await;

        // Leaders confirm their password again before issuing codes, after half an hour.
        sqlx::query("UPDATE sessions SET verified_at = 0")
            .execute(app.db.pool())
            .await
            .unwrap();
        let (s, b) = call(
            &app,
            &secretary,
            "activation_code",
            &[("member_id", &member.to_string())],
        )
        .await;
        assert_eq!((s, error_key(&b)), (422, "err_reauth_required".to_string()));
        let (s, b) = call(
            &app,
            &secretary,
            "confirm_password",
            &[("password", "wrong-password")],
        )
        .await;
        assert_eq!((s, error_key(&b)), (422, "err_password_wrong".to_string()));
        let (s, _) = call(
            &app,
            &secretary,
            "confirm_password",
            &[("password", DEMO_PASSWORD)],
        )
        .await;
        assert_eq!(s, 200);
        let (s, issued) = call(
            &app,
            &secretary,
            "activation_code",
            &[("member_id", &member.to_string())],
        )
        .await;
        assert_eq!(s, 200, "{issued}");
        let code = issued["code"].as_str().unwrap().to_string();
        let stored: String =
            sqlx::query("SELECT code_hash FROM activation_codes WHERE used_at IS NULL")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert!(
            stored.starts_with("$argon2id$"),
            "codes are stored as argon2id, not a bare digest"
        );

        // Five wrong tries void the code, whatever the throttle says.
        for _ in 0..5 {
            sqlx::query("DELETE FROM sign_in_throttle")
                .execute(app.db.pool())
                .await
                .unwrap();
            let (_, b) = call(
                &app,
                &client(),
                "activate",
                &[
                    ("identifier", "0900000001"),
                    ("code", "9999 9999"),
                    ("password", "mat-khau-moi"),
                    ("password2", "mat-khau-moi"),
                ],
            )
            .await;
            assert_eq!(error_key(&b), "err_code_invalid");
        }
        sqlx::query("DELETE FROM sign_in_throttle")
            .execute(app.db.pool())
            .await
            .unwrap();
        let (_, b) = call(
            &app,
            &client(),
            "activate",
            &[
                ("identifier", "0900000001"),
                ("code", &code),
                ("password", "mat-khau-moi"),
                ("password2", "mat-khau-moi"),
            ],
        )
        .await;
        assert_eq!(
            error_key(&b),
            "err_code_invalid",
            "the code is void after five wrong tries"
        );

        // A fresh code works once: every session and passkey of the account ends with it.
        let (_, issued) = call(
            &app,
            &secretary,
            "activation_code",
            &[("member_id", &member.to_string())],
        )
        .await;
        let code = issued["code"].as_str().unwrap().to_string();
        let (s, b) = call(
            &app,
            &client(),
            "activate",
            &[
                ("identifier", "0900000001"),
                ("code", &code),
                ("password", "mat-khau-moi"),
                ("password2", "mat-khau-moi"),
            ],
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert!(call(&app, &old, "session", &[]).await.1["user"].is_null());
        assert_eq!(
            scalar(
                &app,
                &format!("SELECT COUNT(*) FROM passkeys WHERE account_id = {account}")
            )
            .await,
            0
        );
        let (_, b) = call(
            &app,
            &client(),
            "activate",
            &[
                ("identifier", "0900000001"),
                ("code", &code),
                ("password", "x-x-x-x-x"),
                ("password2", "x-x-x-x-x"),
            ],
        )
        .await;
        assert_eq!(error_key(&b), "err_code_invalid", "single use");
    }
);

on_both_databases!(
    proxy_capture_never_replaces_a_members_own_answer,
    |app: TestApp| async move {
        seeded(&app).await;
        let secretary = signed_in(&app, "0900000002").await;
        let member = signed_in(&app, "0900000001").await;
        let cell = scalar(
            &app,
            "SELECT org_id FROM members WHERE phone = '0900000002'",
        )
        .await
        .to_string();
        let m = app::domain::meeting::Month::of(app::platform::clock::today_vn()).next();
        let date = format!("{:04}-{:02}-12", m.year, m.month);
        let create = |kind: &'static str| {
            let (app, secretary, cell, date) = (&app, &secretary, cell.clone(), date.clone());
            async move {
                let (s, id) = call(
                    app,
                    secretary,
                    "create_meeting",
                    &[
                        ("org_id", &cell),
                        ("kind", kind),
                        ("title", "Họp kiểm tra"),
                        ("date", &date),
                        ("start_time", "19:30"),
                        ("format", "tai_cho"),
                        ("place", "Nhà văn hóa"),
                        ("link", ""),
                    ],
                )
                .await;
                assert_eq!(s, 200, "{id}");
                let id = id.as_i64().unwrap().to_string();
                assert_eq!(
                    call(app, secretary, "publish_meeting", &[("id", &id)])
                        .await
                        .0,
                    200
                );
                id
            }
        };
        let id = create("chuyen_de").await;
        let me = member_id(&app, "0900000001").await.to_string();
        // The member answers; a proxy answer for them is refused and theirs stands.
        assert_eq!(
            call(
                &app,
                &member,
                "rsvp",
                &[("id", &id), ("answer", "se_den"), ("reason", "")]
            )
            .await
            .0,
            200
        );
        let (s, b) = call(
            &app,
            &secretary,
            "rsvp",
            &[
                ("id", &id),
                ("answer", "xin_vang"),
                ("reason", "Ốm"),
                ("on_behalf", &me),
            ],
        )
        .await;
        assert_eq!(
            (s, error_key(&b)),
            (422, "err_proxy_own_answer".to_string())
        );
        assert_eq!(
            call(&app, &member, "meeting", &[("id", &id)]).await.1["me"]["rsvp"],
            "se_den"
        );
        // An opinion of their own: a proxy opinion is refused too.
        assert_eq!(
            call(
                &app,
                &member,
                "comment",
                &[("id", &id), ("body", "Ý kiến của tôi")]
            )
            .await
            .0,
            200
        );
        let (s, _) = call(
            &app,
            &secretary,
            "comment",
            &[("id", &id), ("body", "Ghi thay"), ("on_behalf", &me)],
        )
        .await;
        assert_eq!(s, 422);

        assert_eq!(
            call(&app, &secretary, "start_meeting", &[("id", &id)])
                .await
                .0,
            200
        );
        // Marking attendance does not make the member's own answer look like a proxy's.
        assert_eq!(
            call(
                &app,
                &secretary,
                "set_attendance",
                &[("id", &id), ("member_id", &me), ("state", "co_mat")]
            )
            .await
            .0,
            200
        );
        let (s, b) = call(
            &app,
            &secretary,
            "rsvp",
            &[
                ("id", &id),
                ("answer", "xin_vang"),
                ("reason", "Ốm"),
                ("on_behalf", &me),
            ],
        )
        .await;
        assert_eq!(
            (s, error_key(&b)),
            (422, "err_proxy_own_answer".to_string())
        );
        let (_, motion) = call(
            &app,
            &secretary,
            "open_motion",
            &[("id", &id), ("question", "Thông qua nghị quyết")],
        )
        .await;
        let motion = motion.as_i64().unwrap().to_string();
        assert_eq!(
            call(
                &app,
                &member,
                "vote",
                &[
                    ("id", &id),
                    ("motion_id", &motion),
                    ("choice", "khong_dong_y"),
                    ("other", "")
                ]
            )
            .await
            .0,
            200
        );
        let (s, b) = call(
            &app,
            &secretary,
            "vote",
            &[
                ("id", &id),
                ("motion_id", &motion),
                ("choice", "dong_y"),
                ("other", ""),
                ("on_behalf", &me),
            ],
        )
        .await;
        assert_eq!(
            (s, error_key(&b)),
            (422, "err_proxy_own_answer".to_string()),
            "a proxy never overwrites a ballot"
        );
        let choice: String = sqlx::query(
            "SELECT choice FROM meeting_ballots WHERE motion_id = $1 AND member_id = $2",
        )
        .bind(motion.parse::<i64>().unwrap())
        .bind(me.parse::<i64>().unwrap())
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(choice, "khong_dong_y");
        // A member without a phone is recorded for, and the record is audited with its address.
        let phoneless = scalar(&app, &format!("SELECT m.id FROM members m LEFT JOIN accounts a ON a.member_id = m.id WHERE m.org_id = {cell} AND a.id IS NULL AND m.position IS NULL ORDER BY m.id LIMIT 1")).await.to_string();
        let (s, b) = call(
            &app,
            &secretary,
            "vote",
            &[
                ("id", &id),
                ("motion_id", &motion),
                ("choice", "dong_y"),
                ("other", ""),
                ("on_behalf", &phoneless),
            ],
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.vote' AND on_behalf_of = {phoneless}")).await, 1);
        // The member, voting later themself, replaces the proxy's record.
        let (s, _) = call(
            &app,
            &member,
            "vote",
            &[
                ("id", &id),
                ("motion_id", &motion),
                ("choice", "dong_y"),
                ("other", ""),
            ],
        )
        .await;
        assert_eq!(s, 200);

        // A committee meeting records only committee members.
        let committee = create("cap_uy").await;
        let (s, b) = call(
            &app,
            &secretary,
            "rsvp",
            &[
                ("id", &committee),
                ("answer", "se_den"),
                ("reason", ""),
                ("on_behalf", &phoneless),
            ],
        )
        .await;
        assert_eq!(
            (s, error_key(&b)),
            (422, "err_not_in_committee".to_string())
        );
    }
);

on_both_databases!(
    failures_from_one_address_never_lock_out_a_correct_sign_in,
    |app: TestApp| async move {
        seeded(&app).await;
        // 36 failed sign-ins for other numbers from this address, all at once.
        let attempts = (0..36).map(|i| {
            let app = &app;
            async move {
                let phone = format!("09000010{i:02}");
                let (s, b) = call(
                    app,
                    &client(),
                    "sign_in",
                    &[
                        ("identifier", &phone),
                        ("password", "wrong-password"),
                        ("next", "/"),
                    ],
                )
                .await;
                if s == 500 {
                    eprintln!("500: {b}");
                }
                s
            }
        });
        let statuses = futures::future::join_all(attempts).await;
        assert!(statuses.iter().all(|s| *s == 422), "{statuses:?}");
        assert!(
            scalar(
                &app,
                "SELECT failures FROM sign_in_throttle WHERE key = 'ip:127.0.0.1'"
            )
            .await
                >= 36
        );
        // A member signing in correctly from the same address gets in (slowed, not refused).
        let (s, b) = call(
            &app,
            &client(),
            "sign_in",
            &[
                ("identifier", "0900000001"),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
        assert_eq!(s, 200, "{b}");

        // Concurrent failures against one identifier all count.
        let burst = (0..40).map(|_| {
            let app = &app;
            async move {
                call(
                    app,
                    &client(),
                    "sign_in",
                    &[
                        ("identifier", "0900000005"),
                        ("password", "wrong-password"),
                        ("next", "/"),
                    ],
                )
                .await
                .0
            }
        });
        futures::future::join_all(burst).await;
        assert_eq!(
            scalar(
                &app,
                "SELECT failures FROM sign_in_throttle WHERE key = 'id:0900000005'"
            )
            .await,
            40
        );
        let (s, b) = call(
            &app,
            &client(),
            "sign_in",
            &[
                ("identifier", "0900000005"),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
        assert_eq!(
            (s, error_key(&b)),
            (422, "err_sign_in_locked".to_string()),
            "the identifier itself stays locked"
        );
    }
);

on_both_databases!(
    asking_to_join_reveals_nothing_and_changes_no_account,
    |app: TestApp| async move {
        seeded(&app).await;
        let demo = member_id(&app, "0900000001").await;
        let code: String = sqlx::query("SELECT member_code FROM members WHERE id = $1")
            .bind(demo)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        // A member of the demo secretary's cell who has no account.
        let no_account: String = sqlx::query(
        "SELECT m.member_code FROM members m LEFT JOIN accounts a ON a.member_id = m.id
         WHERE a.id IS NULL AND m.org_id = (SELECT org_id FROM members WHERE phone = '0900000002') ORDER BY m.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
        let nobody = "NOBODY123".to_string();
        let join = |code: String, phone: &'static str| {
            let app = &app;
            async move {
                call(
                    app,
                    &client(),
                    "join",
                    &[
                        ("phone", phone),
                        ("member_code", &code),
                        ("cccd", ""),
                        ("birth_date", ""),
                        ("password", "ke-gian-2026"),
                        ("password2", "ke-gian-2026"),
                    ],
                )
                .await
            }
        };
        // Same answer for an active account, a member without one, and no member at all.
        let answers = [
            join(code.clone(), "0988000001").await,
            join(no_account.clone(), "0988000002").await,
            join(nobody, "0988000003").await,
        ];
        for (s, b) in &answers {
            assert_eq!(*s, 200, "{b}");
        }
        assert_eq!(answers[0].1, answers[1].1);
        assert_eq!(answers[1].1, answers[2].1);
        // The active account is untouched: its password still works; its owner is told.
        let owner = signed_in(&app, "0900000001").await;
        let (_, n) = call(&app, &owner, "notifications", &[]).await;
        assert!(n["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "bao_mat"));
        assert_eq!(
            scalar(
                &app,
                &format!("SELECT COUNT(*) FROM join_requests WHERE member_id = {demo}")
            )
            .await,
            0
        );
        // Two requests for one member (two phones) both wait; the secretary is warned.
        let (s, _) = join(no_account.clone(), "0988000004").await;
        assert_eq!(s, 200);
        let pending = scalar(&app, &format!("SELECT COUNT(*) FROM join_requests j JOIN members m ON m.id = j.member_id WHERE m.member_code = '{no_account}' AND j.status = 'pending'")).await;
        assert_eq!(pending, 2, "a second request does not delete the first");
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM accounts WHERE status = 'pending'"
            )
            .await,
            0,
            "no account is made before approval"
        );
        let secretary = signed_in(&app, "0900000002").await;
        let (_, list) = call(&app, &secretary, "join_requests", &[]).await;
        let both: Vec<&Value> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["others_pending"] == 1)
            .collect();
        assert_eq!(both.len(), 2, "{list}");
        assert_ne!(both[0]["phone"], both[1]["phone"]);
        // Approving one refuses the other; the account gets the password of the approved request.
        let id = both[1]["id"].as_i64().unwrap().to_string();
        assert_eq!(
            call(
                &app,
                &secretary,
                "decide_join",
                &[("id", &id), ("approve", "true"), ("reason", "")]
            )
            .await
            .0,
            200
        );
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM join_requests j JOIN members m ON m.id = j.member_id WHERE m.member_code = '{no_account}' AND j.status = 'pending'")).await, 0);
        let (s, _) = call(
            &app,
            &client(),
            "sign_in",
            &[
                ("identifier", &no_account),
                ("password", "ke-gian-2026"),
                ("next", "/"),
            ],
        )
        .await;
        assert_eq!(s, 200);
        // A request is never approved over an account in use: that would replace its password.
        let member_of_code = scalar(
            &app,
            &format!("SELECT id FROM members WHERE member_code = '{no_account}'"),
        )
        .await;
        let now = app::platform::clock::now_unix();
        sqlx::query("INSERT INTO join_requests (member_id, phone, status, created_at, password_hash) VALUES ($1, '0988000099', 'pending', $2, 'x')")
        .bind(member_of_code)
        .bind(now)
        .execute(app.db.pool())
        .await
        .unwrap();
        let (_, list) = call(&app, &secretary, "join_requests", &[]).await;
        let late = list
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["phone"] == "0988000099")
            .expect("the late request")
            .clone();
        assert_eq!(late["has_active_account"], true);
        let (s, b) = call(
            &app,
            &secretary,
            "decide_join",
            &[
                ("id", &late["id"].as_i64().unwrap().to_string()),
                ("approve", "true"),
                ("reason", ""),
            ],
        )
        .await;
        assert_eq!(
            (s, error_key(&b)),
            (422, "err_join_account_active".to_string())
        );
        // Throttled per address: past ten requests in the window the sender is told to wait.
        let mut last = (200, Value::Null);
        for _ in 0..8 {
            last = join("NOBODY999".into(), "0988000009").await;
        }
        assert_eq!(
            (last.0, error_key(&last.1)),
            (422, "err_join_too_many".to_string())
        );
    }
);

on_both_databases!(
    cross_site_writes_and_unsafe_redirects_are_refused,
    |app: TestApp| async move {
        seeded(&app).await;
        let post = |headers: Vec<(&'static str, String)>, next: &'static str| {
            let app = &app;
            async move {
                let mut req = client()
                    .post(app.url("/api/sign_in"))
                    .header("accept", "application/json");
                for (k, v) in headers {
                    req = req.header(k, v);
                }
                let res = req
                    .form(&[
                        ("identifier", "0900000001"),
                        ("password", DEMO_PASSWORD),
                        ("next", next),
                    ])
                    .send()
                    .await
                    .unwrap();
                (res.status().as_u16(), res.text().await.unwrap())
            }
        };
        let own = app.base.clone();
        assert_eq!(
            post(vec![("origin", "http://evil.example".into())], "/")
                .await
                .0,
            403
        );
        assert_eq!(post(vec![("origin", "null".into())], "/").await.0, 403);
        assert_eq!(
            post(
                vec![
                    ("sec-fetch-site", "cross-site".into()),
                    ("origin", own.clone())
                ],
                "/"
            )
            .await
            .0,
            403
        );
        assert_eq!(
            post(vec![("sec-fetch-site", "same-site".into())], "/")
                .await
                .0,
            403
        );
        let (s, body) = post(vec![("sec-fetch-site", "cross-site".into())], "/").await;
        assert!(s == 403 && body.contains("trang khác"), "{body}");
        // Same-origin requests, with or without the headers, pass.
        assert_eq!(post(vec![("origin", own.clone())], "/").await.0, 200);
        assert_eq!(
            post(
                vec![
                    ("sec-fetch-site", "same-origin".into()),
                    ("origin", own.clone())
                ],
                "/"
            )
            .await
            .0,
            200
        );
        assert_eq!(post(vec![], "/").await.0, 200);
        // A same-origin form without JavaScript still works.
        let res = client()
            .post(app.url("/api/sign_in"))
            .header("accept", "text/html")
            .header("origin", own.clone())
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("identifier", "0900000001"),
                ("password", DEMO_PASSWORD),
                ("next", "/ca-nhan"),
            ])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection());
        assert_eq!(res.headers()["location"].to_str().unwrap(), "/ca-nhan");
        // Unsafe `next`: anything a browser could read as another host goes to `/`.
        for next in [
            "//evil.example",
            "/\\evil.example",
            "/\tevil",
            "/%2F%2Fevil.example",
            "/%5cevil",
            "https://evil.example",
            "/\n/evil",
        ] {
            let (s, body) = post(vec![], next).await;
            assert_eq!((s, body.as_str()), (200, "\"/\""), "{next:?}");
        }
        assert_eq!(post(vec![], "/van-ban?q=1").await.1, "\"/van-ban?q=1\"");
    }
);

on_both_databases!(
    uploads_are_refused_before_their_body_and_hostile_input_gets_4xx,
    |app: TestApp| async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        seeded(&app).await;
        let member = signed_in(&app, "0900000001").await;
        let (_, session) = call(&app, &member, "session", &[]).await;
        assert!(!session["user"].is_null());
        // The cookie of that session, to speak raw HTTP with it.
        let token = app::platform::session::new_token();
        let account = scalar(&app, "SELECT a.id FROM accounts a JOIN members m ON m.id = a.member_id WHERE m.phone = '0900000001'").await;
        let now = app::platform::clock::now_unix();
        sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at, verified_at) VALUES ($1, $2, $3, $3, $4, $3)")
        .bind(app::platform::session::hash_token(&token))
        .bind(account)
        .bind(now)
        .bind(now + 86_400)
        .execute(app.db.pool())
        .await
        .unwrap();
        // A plain member announces 100 MB and sends a few bytes: the answer comes at once, unread.
        for path in ["/quan-tri/nhap-du-lieu/tep", "/van-ban/1/tep"] {
            let addr = app.base.trim_start_matches("http://").to_string();
            let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: sotay_session={token}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000000\r\n\r\n--x\r\n"
        );
            stream.write_all(head.as_bytes()).await.unwrap();
            let mut buf = vec![0u8; 512];
            let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf))
                .await
                .expect("answered before the body")
                .unwrap();
            let answer = String::from_utf8_lossy(&buf[..n]).to_string();
            assert!(
                answer.starts_with("HTTP/1.1 403") || answer.starts_with("HTTP/1.1 404"),
                "{path}: {answer}"
            );
        }
        // Hostile identifiers and parameters: a 4xx with a field error, never a 5xx or a dropped connection.
        let long = "9".repeat(100_000);
        for identifier in [
            long.as_str(),
            "\u{0}",
            "'; DROP TABLE accounts; --",
            "%00",
            "😀😀😀😀",
            "+84 ٩٠٠ ٠٠٠ ٠٠١",
        ] {
            let (s, _) = call(
                &app,
                &client(),
                "sign_in",
                &[("identifier", identifier), ("password", "x"), ("next", "/")],
            )
            .await;
            assert!((400..500).contains(&s), "{identifier:?}: {s}");
        }
        for (endpoint, form) in [
            ("activation_code", vec![("member_id", "abc")]),
            (
                "activation_code",
                vec![("member_id", "99999999999999999999")],
            ),
            ("meeting", vec![("id", "-1")]),
            (
                "join",
                vec![
                    ("phone", "\u{202e}0900"),
                    ("member_code", ""),
                    ("cccd", "x"),
                    ("birth_date", "99/99/99999"),
                    ("password", ""),
                    ("password2", ""),
                ],
            ),
        ] {
            let (s, b) = call(&app, &member, endpoint, &form).await;
            assert!((400..500).contains(&s), "{endpoint} {form:?}: {s} {b}");
        }
        // Signed-in pages are never stored by HTTP caches; the failed sign-in URL carries no phone.
        let page = member.get(app.url("/")).send().await.unwrap();
        assert_eq!(page.headers()["cache-control"], "no-store");
    }
);

on_both_databases!(
    admins_disable_accounts_below_them_and_the_sessions_end,
    |app: TestApp| async move {
        seeded(&app).await;
        let member = signed_in(&app, "0900000001").await;
        let target = member_id(&app, "0900000001").await.to_string();
        let secretary = signed_in(&app, "0900000002").await;
        assert_eq!(
            call(
                &app,
                &secretary,
                "account_disabled",
                &[("member_id", &target), ("disabled", "true")]
            )
            .await
            .0,
            403
        );
        let admin = signed_in(&app, "0900000003").await;
        let (s, b) = call(
            &app,
            &admin,
            "account_disabled",
            &[("member_id", &target), ("disabled", "true")],
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert!(
            call(&app, &member, "session", &[]).await.1["user"].is_null(),
            "its sessions ended"
        );
        let (s, b) = call(
            &app,
            &client(),
            "sign_in",
            &[
                ("identifier", "0900000001"),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
        assert_eq!(
            (s, error_key(&b)),
            (422, "err_account_disabled".to_string())
        );
        // Nobody below the admin reopens it: no code for it, no activation with an older one.
        let (s, b) = call(
            &app,
            &secretary,
            "activation_code",
            &[("member_id", &target)],
        )
        .await;
        assert_eq!((s, error_key(&b)), (422, "err_account_blocked".to_string()));
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM activation_codes c JOIN accounts a ON a.id = c.account_id WHERE a.member_id = {target} AND c.used_at IS NULL")).await, 0);
        assert_eq!(
            call(
                &app,
                &admin,
                "account_disabled",
                &[("member_id", &target), ("disabled", "false")]
            )
            .await
            .0,
            200
        );
        signed_in(&app, "0900000001").await;
        // An admin cannot disable their own account or a peer's.
        let me = member_id(&app, "0900000003").await.to_string();
        assert_eq!(
            call(
                &app,
                &admin,
                "account_disabled",
                &[("member_id", &me), ("disabled", "true")]
            )
            .await
            .0,
            403
        );
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE action IN ('account_disabled', 'account_enabled') AND ip IS NOT NULL").await, 2);
    }
);

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    for trusted in [false, true] {
        let app = common::spawn_with_proxies(
            common::Backend::Sqlite,
            if trusted { "127.0.0.1" } else { "" },
        )
        .await
        .unwrap();
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let res = client()
            .post(app.url("/api/sign_in"))
            .header("accept", "application/json")
            .header("x-forwarded-for", "6.6.6.6, 203.0.113.7")
            .form(&[
                ("identifier", "0900000001"),
                ("password", "wrong-password"),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let key = if trusted {
            "ip:203.0.113.7"
        } else {
            "ip:127.0.0.1"
        };
        assert_eq!(
            scalar(
                &app,
                &format!("SELECT COUNT(*) FROM sign_in_throttle WHERE key = '{key}'")
            )
            .await,
            1,
            "trusted={trusted}"
        );
    }
}
