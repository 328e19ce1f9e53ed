//! The library on both databases: audience, search without diacritics, filters, reading,
//! bookmarks, study — and refusals for members outside a document's audience.
use crate::common;
use common::{call, client, signed_in, TestApp};
use serde_json::Value;
use sqlx::Row;

async fn seeded(app: &TestApp) {
    app::register::seed::seed(&app.db, 300).await.unwrap();
    let n = app::documents::seed::seed(&app.db, 20).await.unwrap();
    assert_eq!(n, 37);
}

async fn search(
    app: &TestApp,
    c: &reqwest::Client,
    q: &str,
    doc_type: &str,
    year: &str,
) -> Vec<Value> {
    let (s, b) = call(
        app,
        c,
        "library",
        &[
            ("kind", "van_ban"),
            ("query", q),
            ("doc_type", doc_type),
            ("year", year),
            ("level", ""),
            ("saved", "false"),
            ("offset", "0"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{b}");
    b["items"].as_array().unwrap().clone()
}

fn numbers(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter_map(|d| d["number"].as_str().map(str::to_string))
        .collect()
}

async fn doc_id(app: &TestApp, number: &str) -> i64 {
    sqlx::query("SELECT id FROM documents WHERE number = $1")
        .bind(number)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

on_both_databases!(
    the_library_shows_what_is_addressed_to_the_member,
    |app: TestApp| async move {
        seeded(&app).await;
        let member = signed_in(&app, "0900000001").await;
        let first = search(&app, &member, "", "", "").await;
        assert_eq!(first.len(), 20, "a full first page");
        let (_, page) = call(
            &app,
            &member,
            "library",
            &[
                ("kind", "van_ban"),
                ("query", ""),
                ("doc_type", ""),
                ("year", ""),
                ("saved", "false"),
                ("offset", "0"),
            ],
        )
        .await;
        assert_eq!(page["has_more"], true);
        // Newest first: the named documents were published last, the ward's own the most recently.
        assert_eq!(numbers(&first[..2]), vec!["273-CV/ĐU", "873-CV/BTCTW"]);
        let all: Vec<String> = {
            let mut v = Vec::new();
            for offset in [0, 20, 40] {
                let (_, p) = call(
                    &app,
                    &member,
                    "library",
                    &[
                        ("kind", "van_ban"),
                        ("query", ""),
                        ("doc_type", ""),
                        ("year", ""),
                        ("saved", "false"),
                        ("offset", &offset.to_string()),
                    ],
                )
                .await;
                v.extend(numbers(p["items"].as_array().unwrap()));
            }
            v
        };
        assert!(
            all.contains(&"273-CV/ĐU".to_string()),
            "own ward's document"
        );
        assert!(
            !all.contains(&"45-TB/ĐU".to_string()),
            "another ward's document"
        );
        let other = signed_in(&app, "0900000005").await;
        let theirs = numbers(&search(&app, &other, "tiep cong dan", "", "").await);
        assert_eq!(theirs, vec!["45-TB/ĐU"]);
        assert!(
            search(&app, &other, "chuan bi sinh hoat chi bo thang 11", "", "")
                .await
                .is_empty()
        );
        // News is its own list.
        let (_, news) = call(
            &app,
            &member,
            "library",
            &[
                ("kind", "tin_tuc"),
                ("query", ""),
                ("doc_type", ""),
                ("year", ""),
                ("saved", "false"),
                ("offset", "0"),
            ],
        )
        .await;
        assert_eq!(news["items"].as_array().unwrap().len(), 3);
    }
);

on_both_databases!(
    search_ignores_diacritics_and_case,
    |app: TestApp| async move {
        seeded(&app).await;
        let member = signed_in(&app, "0900000001").await;
        // The ward's letter mentions "Nghị quyết 57-NQ/TW" in its body, so it matches too.
        assert_eq!(
            numbers(&search(&app, &member, "nghi quyet 57", "", "").await),
            vec!["273-CV/ĐU", "57-NQ/TW"]
        );
        assert_eq!(
            numbers(&search(&app, &member, "Nghị quyết 57", "", "").await),
            vec!["273-CV/ĐU", "57-NQ/TW"]
        );
        assert_eq!(
            numbers(&search(&app, &member, "NGHỊ QUYẾT 57 đột phá", "", "").await),
            vec!["57-NQ/TW"]
        );
        assert!(numbers(&search(&app, &member, "339-QD/TW", "", "").await)
            .contains(&"339-QĐ/TW".to_string()));
        assert_eq!(
            numbers(&search(&app, &member, "quy dinh su dung so tay", "quy_dinh", "").await),
            vec!["339-QĐ/TW"]
        );
        assert_eq!(
            numbers(&search(&app, &member, "chuyen doi so", "nghi_quyet", "2024").await),
            vec!["57-NQ/TW"]
        );
        assert!(search(&app, &member, "chuyen doi so", "nghi_quyet", "2025")
            .await
            .is_empty());
        // By level: the ward's own letter is a committee-level document, not a province one.
        let by_level = |level: &'static str| {
            let member = member.clone();
            let app = &app;
            async move {
                let (_, b) = call(
                    app,
                    &member,
                    "library",
                    &[
                        ("kind", "van_ban"),
                        ("query", "sinh hoat chi bo thang 11"),
                        ("doc_type", ""),
                        ("year", ""),
                        ("level", level),
                        ("saved", "false"),
                        ("offset", "0"),
                    ],
                )
                .await;
                numbers(b["items"].as_array().unwrap())
            }
        };
        assert_eq!(by_level("co_so").await, vec!["273-CV/ĐU"]);
        assert!(by_level("tinh").await.is_empty());
        let (s, _) = call(
            &app,
            &member,
            "library",
            &[
                ("kind", "van_ban"),
                ("query", ""),
                ("doc_type", ""),
                ("year", ""),
                ("level", "vu_tru"),
                ("saved", "false"),
                ("offset", "0"),
            ],
        )
        .await;
        assert_eq!(s, 422);
        // Typed punctuation is not query syntax.
        assert!(
            search(&app, &member, "\"; DROP TABLE documents; --", "", "")
                .await
                .is_empty()
        );
        let (s, b) = call(
            &app,
            &member,
            "library",
            &[
                ("kind", "van_ban"),
                ("query", ""),
                ("doc_type", "bogus"),
                ("year", ""),
                ("saved", "false"),
                ("offset", "0"),
            ],
        )
        .await;
        assert_eq!(
            (s, b["Invalid"][0]["field"].as_str()),
            (422, Some("doc_type"))
        );
    }
);

on_both_databases!(
    reading_bookmarking_and_studying,
    |app: TestApp| async move {
        seeded(&app).await;
        let member = signed_in(&app, "0900000001").await;
        let id = doc_id(&app, "57-NQ/TW").await.to_string();
        let (s, doc) = call(&app, &member, "document", &[("id", &id)]).await;
        assert_eq!(s, 200);
        assert!(doc["doc"]["title"]
            .as_str()
            .unwrap()
            .starts_with("Nghị quyết về đột phá"));
        assert!(doc["paragraphs"].as_array().unwrap().len() >= 4);
        let (s, _) = call(&app, &member, "bookmark", &[("id", &id), ("on", "true")]).await;
        assert_eq!(s, 200);
        let (s, _) = call(
            &app,
            &member,
            "studied",
            &[
                ("id", &id),
                (
                    "reflection",
                    "Chi bộ cần hướng dẫn đảng viên cao tuổi dùng ứng dụng.",
                ),
            ],
        )
        .await;
        assert_eq!(s, 200);
        let (_, again) = call(&app, &member, "document", &[("id", &id)]).await;
        assert_eq!(again["doc"]["bookmarked"], true);
        assert_eq!(again["doc"]["studied"], true);
        assert_eq!(
            again["reflection"],
            "Chi bộ cần hướng dẫn đảng viên cao tuổi dùng ứng dụng."
        );
        let (_, saved) = call(
            &app,
            &member,
            "library",
            &[
                ("kind", "van_ban"),
                ("query", ""),
                ("doc_type", ""),
                ("year", ""),
                ("saved", "true"),
                ("offset", "0"),
            ],
        )
        .await;
        assert_eq!(
            numbers(saved["items"].as_array().unwrap()),
            vec!["57-NQ/TW"]
        );
        assert_eq!(saved["items"][0]["studied"], true);
        let reads: i64 =
            sqlx::query("SELECT COUNT(*) FROM document_reads WHERE studied_at IS NOT NULL")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert_eq!(reads, 1);
        let (s, _) = call(&app, &member, "bookmark", &[("id", &id), ("on", "false")]).await;
        assert_eq!(s, 200);
        let (_, after) = call(&app, &member, "document", &[("id", &id)]).await;
        assert_eq!(after["doc"]["bookmarked"], false);
    }
);

on_both_databases!(
    documents_outside_the_audience_are_refused,
    |app: TestApp| async move {
        seeded(&app).await;
        let ward1_doc = doc_id(&app, "273-CV/ĐU").await.to_string();
        let other = signed_in(&app, "0900000005").await;
        for (endpoint, form) in [
            ("document", vec![("id", ward1_doc.as_str())]),
            ("bookmark", vec![("id", ward1_doc.as_str()), ("on", "true")]),
            (
                "studied",
                vec![("id", ward1_doc.as_str()), ("reflection", "")],
            ),
        ] {
            let (s, b) = call(&app, &other, endpoint, &form).await;
            assert_eq!((s, b.as_str()), (404, Some("NotFound")), "{endpoint}");
        }
        let nothing: i64 = sqlx::query("SELECT COUNT(*) FROM document_reads")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(nothing, 0, "a refused opening records nothing");
        // The reading page says "not found" too, and signed-out visitors are sent to sign in.
        let page = other
            .get(app.url(&format!("/van-ban/{ward1_doc}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Không tìm thấy nội dung này."));
        let visitor = client();
        let (s, _) = call(&app, &visitor, "document", &[("id", &ward1_doc)]).await;
        assert_eq!(s, 401);
        let (s, _) = call(
            &app,
            &visitor,
            "library",
            &[
                ("kind", "van_ban"),
                ("query", ""),
                ("doc_type", ""),
                ("year", ""),
                ("saved", "false"),
                ("offset", "0"),
            ],
        )
        .await;
        assert_eq!(s, 401);
        // The ward's own member reads it; an editor at the province may too.
        let (s, _) = call(
            &app,
            &signed_in(&app, "0900000001").await,
            "document",
            &[("id", &ward1_doc)],
        )
        .await;
        assert_eq!(s, 200);
        let (s, _) = call(
            &app,
            &signed_in(&app, "0900000004").await,
            "document",
            &[("id", &ward1_doc)],
        )
        .await;
        assert_eq!(s, 200);
    }
);

on_both_databases!(
    leaders_follow_reading_in_their_scope_and_remind_once,
    |app: TestApp| async move {
        seeded(&app).await;
        let id = doc_id(&app, "57-NQ/TW").await.to_string();
        let member = signed_in(&app, "0900000001").await;
        call(&app, &member, "studied", &[("id", &id), ("reflection", "")]).await;
        let elder = signed_in(&app, "0900000006").await;
        call(&app, &elder, "document", &[("id", &id)]).await;

        let secretary = signed_in(&app, "0900000002").await;
        let (s, p) = call(&app, &secretary, "document_progress", &[("id", &id)]).await;
        assert_eq!(s, 200, "{p}");
        let cells = p["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 1, "a secretary sees their own cell only");
        assert_eq!(cells[0]["org_name"], "Chi bộ Khu phố 1");
        assert_eq!(cells[0]["studied"], 1);
        assert_eq!(cells[0]["opened"], 2);
        let cell_size: i64 = sqlx::query("SELECT COUNT(*) FROM members WHERE exempt_since IS NULL AND org_id = (SELECT org_id FROM members WHERE phone = '0900000001')")
        .fetch_one(app.db.pool()).await.unwrap().try_get(0).unwrap();
        assert_eq!(cells[0]["total"], cell_size);

        // The ward admin sees every cell of the ward; a plain member of another ward nothing.
        let admin = signed_in(&app, "0900000003").await;
        let (_, ward) = call(&app, &admin, "document_progress", &[("id", &id)]).await;
        let ward_cells: i64 = sqlx::query("SELECT COUNT(DISTINCT m.org_id) FROM members m JOIN organizations o ON o.id = m.org_id WHERE o.parent_id = (SELECT parent_id FROM organizations WHERE id = (SELECT org_id FROM members WHERE phone = '0900000001'))")
        .fetch_one(app.db.pool()).await.unwrap().try_get(0).unwrap();
        assert_eq!(ward["cells"].as_array().unwrap().len() as i64, ward_cells);
        let other = signed_in(&app, "0900000005").await;
        for endpoint in ["document_progress", "remind_readers"] {
            let (s, _) = call(&app, &other, endpoint, &[("id", &id)]).await;
            assert_eq!(s, 403, "{endpoint}");
        }
        let ward1_doc = doc_id(&app, "273-CV/ĐU").await.to_string();
        let (s, _) = call(
            &app,
            &signed_in(&app, "0900000004").await,
            "document_progress",
            &[("id", &ward1_doc)],
        )
        .await;
        assert_eq!(s, 403, "an editor publishes, leaders follow reading");

        // One reminder to everyone in the cell who has not studied it; a second press sends none.
        let (s, sent) = call(&app, &secretary, "remind_readers", &[("id", &id)]).await;
        assert_eq!((s, sent.as_i64()), (200, Some(cell_size - 1)));
        let (_, again) = call(&app, &secretary, "remind_readers", &[("id", &id)]).await;
        assert_eq!(again.as_i64(), Some(0));
        let (_, elder_reminders) = call(&app, &elder, "my_reminders", &[]).await;
        assert_eq!(elder_reminders[0]["number"], "57-NQ/TW");
        let (_, member_reminders) = call(&app, &member, "my_reminders", &[]).await;
        assert_eq!(
            member_reminders.as_array().unwrap().len(),
            0,
            "who has studied is not reminded"
        );
        // Studying clears the reminder from the member's list.
        call(&app, &elder, "studied", &[("id", &id), ("reflection", "")]).await;
        let (_, cleared) = call(&app, &elder, "my_reminders", &[]).await;
        assert_eq!(cleared.as_array().unwrap().len(), 0);
    }
);

fn publish_form<'a>(
    audience: &'a str,
    title: &'a str,
    number: &'a str,
    confirm: bool,
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("kind", "van_ban"),
        ("doc_type", "nghi_quyet"),
        ("number", number),
        ("issuing_body", "Ban Chấp hành Đảng bộ tỉnh"),
        ("issued_on", "15/11/2026"),
        ("title", title),
        (
            "summary",
            "Nghị quyết về nâng cao chất lượng sinh hoạt chi bộ.",
        ),
        (
            "body",
            "Điều 1. Nâng cao chất lượng sinh hoạt chi bộ thường kỳ.\nĐiều 2. Tổ chức thực hiện.",
        ),
        ("tags", "sinh hoạt chi bộ"),
        ("audience", audience),
    ];
    if confirm {
        f.push(("not_classified", "on"));
    }
    f
}

on_both_databases!(
    editors_and_admins_publish_inside_their_subtree_and_withdraw,
    |app: TestApp| async move {
        seeded(&app).await;
        let province: i64 = sqlx::query("SELECT id FROM organizations WHERE kind = 'tinh'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        let ward1: i64 = sqlx::query("SELECT parent_id FROM organizations WHERE id = (SELECT org_id FROM members WHERE phone = '0900000001')").fetch_one(app.db.pool()).await.unwrap().try_get(0).unwrap();
        let (p, w) = (province.to_string(), ward1.to_string());
        let editor = signed_in(&app, "0900000004").await;
        let (s, targets) = call(&app, &editor, "publish_targets", &[]).await;
        assert_eq!(s, 200);
        assert_eq!(targets[0]["id"].as_i64(), Some(province));
        assert!(targets
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"].as_i64() == Some(ward1)));

        // Every problem at once, and nothing is stored.
        let (s, b) = call(
            &app,
            &editor,
            "publish",
            &publish_form(&p, "", "12-XX", false),
        )
        .await;
        assert_eq!(s, 422);
        let fields: Vec<&str> = b["Invalid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["title", "number", "not_classified"]);
        let (s, id) = call(
            &app,
            &editor,
            "publish",
            &publish_form(
                &p,
                "Nghị quyết về nâng cao chất lượng sinh hoạt chi bộ",
                "05-NQ/TU",
                true,
            ),
        )
        .await;
        assert_eq!(s, 200, "{id}");
        let id = id.as_i64().unwrap().to_string();
        let member = signed_in(&app, "0900000001").await;
        assert_eq!(
            numbers(&search(&app, &member, "nang cao chat luong sinh hoat", "", "").await),
            vec!["05-NQ/TU"]
        );

        // Who may not: a plain member, a secretary; an admin only inside the ward.
        for (phone, audience) in [
            ("0900000001", &w),
            ("0900000002", &w),
            ("0900000005", &p),
            ("0900000003", &p),
        ] {
            let (s, _) = call(
                &app,
                &signed_in(&app, phone).await,
                "publish",
                &publish_form(audience, "Thử", "06-NQ/TU", true),
            )
            .await;
            assert_eq!(s, 403, "{phone} → {audience}");
        }
        let admin = signed_in(&app, "0900000003").await;
        let (s, _) = call(
            &app,
            &admin,
            "publish",
            &publish_form(&w, "Thông báo của phường", "07-NQ/ĐU", true),
        )
        .await;
        assert_eq!(s, 200);

        // Withdrawing hides it and keeps what members did with it.
        call(&app, &member, "studied", &[("id", &id), ("reflection", "")]).await;
        let (s, _) = call(
            &app,
            &signed_in(&app, "0900000005").await,
            "withdraw",
            &[("id", &id)],
        )
        .await;
        assert_eq!(s, 403);
        let (s, _) = call(&app, &admin, "withdraw", &[("id", &id)]).await;
        assert_eq!(s, 403, "a ward admin cannot withdraw a province document");
        let (s, _) = call(&app, &editor, "withdraw", &[("id", &id)]).await;
        assert_eq!(s, 200);
        let (s, _) = call(&app, &member, "document", &[("id", &id)]).await;
        assert_eq!(s, 404);
        // (The ward's own notice, published above with the same summary, still shows.)
        assert_eq!(
            numbers(&search(&app, &member, "nang cao chat luong sinh hoat", "", "").await),
            vec!["07-NQ/ĐU"]
        );
        let kept: i64 =
            sqlx::query("SELECT COUNT(*) FROM document_reads WHERE studied_at IS NOT NULL")
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert_eq!(kept, 1);
        let audit: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE action IN ('document_published', 'document_withdrawn')").fetch_one(app.db.pool()).await.unwrap().try_get(0).unwrap();
        assert_eq!(audit, 3);
    }
);

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    id: &str,
    name: &str,
    bytes: Vec<u8>,
) -> String {
    let form = reqwest::multipart::Form::new().part(
        "tep",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let res = c
        .post(app.url(&format!("/van-ban/{id}/tep")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    if res.status() != 303 {
        return res.status().as_u16().to_string();
    }
    res.headers()["location"].to_str().unwrap().to_string()
}

fn pdf(size: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n% sotay\n".to_vec();
    b.resize(size.max(b.len()), b' ');
    b
}

on_both_databases!(
    attachments_are_checked_by_content_and_served_to_the_audience_only,
    |app: TestApp| async move {
        seeded(&app).await;
        common::shared_upload_dir();
        let ward1_doc = doc_id(&app, "273-CV/ĐU").await.to_string();
        let admin = signed_in(&app, "0900000003").await;
        // A Windows program renamed to .pdf, an oversized PDF, nothing at all: each refused, nothing stored.
        assert_eq!(
            upload(
                &app,
                &admin,
                &ward1_doc,
                "nghi-quyet.pdf",
                b"MZ\x90\x00\x03\x00\x00\x00".to_vec()
            )
            .await,
            format!("/van-ban/{ward1_doc}?loi=err_upload_type")
        );
        assert_eq!(
            upload(
                &app,
                &admin,
                &ward1_doc,
                "lon.pdf",
                pdf(20 * 1024 * 1024 + 1)
            )
            .await,
            format!("/van-ban/{ward1_doc}?loi=err_upload_pdf_too_large")
        );
        let mut big_png = b"\x89PNG\r\n\x1a\n".to_vec();
        big_png.resize(5 * 1024 * 1024 + 1, 0);
        assert_eq!(
            upload(&app, &admin, &ward1_doc, "anh.png", big_png).await,
            format!("/van-ban/{ward1_doc}?loi=err_upload_image_too_large")
        );
        let stored: i64 = sqlx::query("SELECT COUNT(*) FROM attachments")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(stored, 0);
        // Not the publisher's subtree: refused before reading the file.
        let secretary = signed_in(&app, "0900000002").await;
        assert_eq!(
            upload(&app, &secretary, &ward1_doc, "x.pdf", pdf(100)).await,
            "403"
        );

        assert_eq!(
            upload(&app, &admin, &ward1_doc, "Công văn 273.pdf", pdf(2048)).await,
            format!("/van-ban/{ward1_doc}?tep=ok")
        );
        let audited: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'attachment_uploaded' AND target_id = {ward1_doc} AND ip IS NOT NULL AND org_id IS NOT NULL"))
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(
            audited, 1,
            "the upload is audited with the address and the audience"
        );
        let member = signed_in(&app, "0900000001").await;
        let (_, doc) = call(&app, &member, "document", &[("id", &ward1_doc)]).await;
        assert_eq!(doc["attachment"]["name"], "Công văn 273.pdf");
        assert_eq!(doc["attachment"]["is_pdf"], true);
        let res = member
            .get(app.url(&format!("/van-ban/{ward1_doc}/tep")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;"));
        // Whatever the file holds runs nothing on this site (issue #17).
        assert_eq!(
            res.headers()["content-security-policy"],
            server::PDF_ATTACHMENT_CSP
        );
        assert_eq!(server::attachment_csp("image/png"), server::ATTACHMENT_CSP);
        assert!(
            server::ATTACHMENT_CSP.ends_with("sandbox")
                && server::PDF_ATTACHMENT_CSP.starts_with("default-src 'none'")
        );
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert_eq!(res.bytes().await.unwrap().len(), 2048);
        let dl = member
            .get(app.url(&format!("/van-ban/{ward1_doc}/tep?tai=1")))
            .send()
            .await
            .unwrap();
        assert!(dl.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;"));
        // Another ward's member gets nothing, not even a hint; a visitor is sent to sign in.
        let other = signed_in(&app, "0900000005").await;
        assert_eq!(
            other
                .get(app.url(&format!("/van-ban/{ward1_doc}/tep")))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let visitor = client()
            .get(app.url(&format!("/van-ban/{ward1_doc}/tep")))
            .send()
            .await
            .unwrap();
        assert_eq!(visitor.status(), 303);
        assert_eq!(
            visitor.headers()["location"].to_str().unwrap(),
            format!("/dang-nhap?next=/van-ban/{ward1_doc}")
        );
    }
);

/// A small valid PDF with one line of text (offsets computed, so any parser reads it).
fn pdf_with_text(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

on_both_databases!(
    a_pdfs_text_is_searchable_and_read_when_the_document_has_none,
    |app: TestApp| async move {
        seeded(&app).await;
        common::shared_upload_dir();
        let province: i64 = sqlx::query("SELECT id FROM organizations WHERE kind = 'tinh'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        let p = province.to_string();
        let editor = signed_in(&app, "0900000004").await;
        let mut form = publish_form(&p, "Kết luận hội nghị về rừng", "11-KL/TU", true);
        form.retain(|(k, _)| *k != "body");
        form.push(("body", ""));
        form.iter_mut().for_each(|f| {
            if f.0 == "doc_type" {
                f.1 = "ket_luan"
            }
        });
        let (s, id) = call(&app, &editor, "publish", &form).await;
        assert_eq!(s, 200, "{id}");
        let id = id.as_i64().unwrap().to_string();
        assert_eq!(
            upload(
                &app,
                &editor,
                &id,
                "ket-luan.pdf",
                pdf_with_text("Trong rung thong ba la kim")
            )
            .await,
            format!("/van-ban/{id}?tep=ok")
        );
        let member = signed_in(&app, "0900000001").await;
        assert_eq!(
            numbers(&search(&app, &member, "thong ba la kim", "", "").await),
            vec!["11-KL/TU"]
        );
        let (_, doc) = call(&app, &member, "document", &[("id", &id)]).await;
        assert!(
            doc["paragraphs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p.as_str().unwrap().contains("Trong rung thong ba la kim")),
            "{doc}"
        );
    }
);

on_both_databases!(edits_keep_every_version, |app: TestApp| async move {
    seeded(&app).await;
    let id = doc_id(&app, "273-CV/ĐU").await.to_string();
    let admin = signed_in(&app, "0900000003").await;
    let (s, v) = call(
        &app,
        &admin,
        "edit_document",
        &[
            ("id", &id),
            (
                "title",
                "Về việc chuẩn bị sinh hoạt chi bộ tháng 11/2026 (sửa lần 1)",
            ),
            ("summary", "Bổ sung nội dung."),
            ("body", "Các chi bộ sinh hoạt trước ngày 10/11/2026."),
        ],
    )
    .await;
    assert_eq!((s, v.as_i64()), (200, Some(2)));
    let (s, b) = call(
        &app,
        &admin,
        "edit_document",
        &[("id", &id), ("title", " "), ("summary", ""), ("body", "")],
    )
    .await;
    assert_eq!((s, b["Invalid"][0]["field"].as_str()), (422, Some("title")));
    let (_, versions) = call(&app, &admin, "document_versions", &[("id", &id)]).await;
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[1]["title"],
        "Về việc chuẩn bị sinh hoạt chi bộ thường kỳ tháng 11 năm 2026"
    );
    let member = signed_in(&app, "0900000001").await;
    assert_eq!(
        numbers(&search(&app, &member, "truoc ngay 10 11 2026", "", "").await),
        vec!["273-CV/ĐU"]
    );
    for phone in ["0900000001", "0900000005", "0900000002"] {
        let c = signed_in(&app, phone).await;
        let (s, _) = call(
            &app,
            &c,
            "edit_document",
            &[("id", &id), ("title", "x"), ("summary", "y"), ("body", "")],
        )
        .await;
        assert_eq!(s, 403, "{phone}");
        let (s, _) = call(&app, &c, "document_versions", &[("id", &id)]).await;
        assert_eq!(s, 403, "{phone}");
    }
});

on_both_databases!(questions_check_a_members_study, |app: TestApp| async move {
    seeded(&app).await;
    let id = doc_id(&app, "57-NQ/TW").await.to_string();
    let editor = signed_in(&app, "0900000004").await;
    let q = |question: &'static str, correct: &'static str| {
        vec![
            ("id", id.clone()),
            ("question", question.to_string()),
            ("option_a", "Năm 2025".to_string()),
            ("option_b", "Năm 2030".to_string()),
            ("option_c", "Năm 2045".to_string()),
            ("correct", correct.to_string()),
        ]
    };
    let as_refs = |v: &Vec<(&'static str, String)>| {
        v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    for (i, correct) in ["b", "c", "a"].iter().enumerate() {
        let form = as_refs(&q("Mốc mục tiêu?", correct));
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, b) = call(&app, &editor, "add_question", &form).await;
        assert_eq!(s, 200, "question {i}: {b}");
    }
    let form = as_refs(&q("Câu thứ tư?", "a"));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (s, b) = call(&app, &editor, "add_question", &form).await;
    assert_eq!(
        (s, b["Invalid"][0]["key"].as_str()),
        (422, Some("err_questions_full"))
    );
    let (s, _) = call(
        &app,
        &signed_in(&app, "0900000001").await,
        "add_question",
        &form,
    )
    .await;
    assert_eq!(s, 403);

    let member = signed_in(&app, "0900000001").await;
    let (_, doc) = call(&app, &member, "document", &[("id", &id)]).await;
    let qs = doc["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 3);
    assert!(
        qs[0].get("correct").is_none(),
        "answers are not sent to the reader"
    );
    let ids: Vec<i64> = qs.iter().map(|q| q["id"].as_i64().unwrap()).collect();
    let answers = format!("{}:b,{}:a", ids[0], ids[1]);
    let (s, checked) = call(
        &app,
        &member,
        "check_answers",
        &[("id", &id), ("answers", &answers)],
    )
    .await;
    assert_eq!(s, 200);
    let rights: Vec<bool> = checked
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["right"].as_bool().unwrap())
        .collect();
    assert_eq!(rights, vec![true, false, false]);
    assert_eq!(checked[1]["correct"], "c");
    let other = signed_in(&app, "0900000005").await;
    let ward1_doc = doc_id(&app, "273-CV/ĐU").await.to_string();
    let (s, _) = call(
        &app,
        &other,
        "check_answers",
        &[("id", &ward1_doc), ("answers", "")],
    )
    .await;
    assert_eq!(s, 404);
});

on_both_databases!(
    data_saver_holds_pictures_until_asked,
    |app: TestApp| async move {
        seeded(&app).await;
        common::shared_upload_dir();
        let ward1_doc = doc_id(&app, "273-CV/ĐU").await.to_string();
        let admin = signed_in(&app, "0900000003").await;
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.resize(4096, 0);
        assert_eq!(
            upload(&app, &admin, &ward1_doc, "anh-hoi-nghi.png", png).await,
            format!("/van-ban/{ward1_doc}?tep=ok")
        );
        let member = signed_in(&app, "0900000001").await;
        let page = member
            .get(app.url(&format!("/van-ban/{ward1_doc}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("data-testid=\"news-image\"")
                && !page.contains("data-testid=\"show-image\"")
        );
        let (s, _) = call(
            &app,
            &member,
            "preferences",
            &[
                ("text_size", "normal"),
                ("simple_mode", "false"),
                ("data_saver", "true"),
            ],
        )
        .await;
        assert_eq!(s, 200);
        let page = member
            .get(app.url(&format!("/van-ban/{ward1_doc}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("data-testid=\"show-image\"")
                && !page.contains("data-testid=\"news-image\""),
            "no picture until tapped"
        );
        assert!(
            page.contains("Xem hình ảnh ("),
            "the button says what it will load"
        );
        assert!(page.contains("data-saver=\"1\""));
    }
);
