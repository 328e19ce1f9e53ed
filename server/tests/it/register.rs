//! The register against real databases: tree queries, moving subtrees, normalised phones,
//! constraint violations as field errors, and the demo seed.
use crate::common;
use app::domain::org::{OrgKind, OrgPath};
use app::domain::phone::Phone;
use app::domain::register::{Date, Gender, PartyDates, Position};
use app::platform::error::AppError;
use app::register::{seed, service as register, NewMember, NewOrg, Source};
use common::TestApp;
use sqlx::Row;

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

on_both_databases!(seed_builds_a_living_province, |app: TestApp| async move {
    let report = seed::seed(&app.db, 1_500).await.unwrap();
    assert_eq!(report.members, 1_500);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM members").await, 1_500);
    assert_eq!(report.demo_people.len(), 7);

    // Cells have 3–40 members.
    let sizes = sqlx::query(
        "SELECT o.kind, COUNT(m.id) AS n FROM organizations o LEFT JOIN members m ON m.org_id = o.id
         WHERE o.kind IN ('chi_bo', 'chi_bo_co_so') GROUP BY o.id, o.kind",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(sizes.len(), report.cells);
    for row in &sizes {
        let n: i64 = row.try_get("n").unwrap();
        assert!((3..=43).contains(&n), "cell of {n}");
    }
    // About 4% exempt, some probationary, every cell has exactly one secretary.
    let exempt = count(
        &app,
        "SELECT COUNT(*) FROM members WHERE exempt_since IS NOT NULL",
    )
    .await;
    assert!((15..=110).contains(&exempt), "{exempt} exempt");
    assert!(count(&app, "SELECT COUNT(*) FROM members WHERE status = 'du_bi'").await > 5);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM (SELECT org_id FROM members WHERE position = 'bi_thu' GROUP BY org_id HAVING COUNT(*) = 1) t").await,
        report.cells as i64
    );
    // Names keep their diacritics, and the search form drops them.
    let row = sqlx::query("SELECT full_name, name_folded FROM members WHERE phone = $1")
        .bind("0900000002")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        row.try_get::<String, _>("full_name").unwrap(),
        "Trần Thị Bình"
    );
    assert_eq!(
        row.try_get::<String, _>("name_folded").unwrap(),
        "tran thi binh"
    );

    // The demo people sit where README says, found by any written form of their phone.
    let member1 = register::member_by_phone(&app.db, &Phone::parse("+84 900 000 001").unwrap())
        .await
        .unwrap()
        .unwrap();
    let secretary = register::member_by_phone(&app.db, &Phone::parse("0900000002").unwrap())
        .await
        .unwrap()
        .unwrap();
    let elder = register::member_by_phone(&app.db, &Phone::parse("84900000006").unwrap())
        .await
        .unwrap()
        .unwrap();
    let other = register::member_by_phone(&app.db, &Phone::parse("0900 000 005").unwrap())
        .await
        .unwrap()
        .unwrap();
    let admin = register::member_by_phone(&app.db, &Phone::parse("0900000003").unwrap())
        .await
        .unwrap()
        .unwrap();
    let editor = register::member_by_phone(&app.db, &Phone::parse("0900000004").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member1.org_id, secretary.org_id);
    assert_eq!(member1.org_id, elder.org_id);
    assert_eq!(secretary.position, Some(Position::Secretary));
    assert_eq!(elder.birth_date.year, 1946);
    let cell = register::org_by_id(&app.db, member1.org_id).await.unwrap();
    assert_eq!(cell.name, "Chi bộ Khu phố 1");
    let ward = register::org_by_id(&app.db, cell.parent_id.unwrap())
        .await
        .unwrap();
    assert_eq!(ward.name, "Đảng ủy phường Xuân Hương");
    let other_cell = register::org_by_id(&app.db, other.org_id).await.unwrap();
    assert_eq!(other_cell.name, "Chi bộ Khu phố 1");
    assert_ne!(other_cell.id, cell.id);
    assert!(!register::is_within(&app.db, other.org_id, ward.id)
        .await
        .unwrap());
    assert!(register::is_within(&app.db, admin.org_id, ward.id)
        .await
        .unwrap());
    let province = register::org_by_id(&app.db, ward.parent_id.unwrap())
        .await
        .unwrap();
    assert_eq!(province.kind, OrgKind::Province);
    assert!(register::is_within(&app.db, editor.org_id, province.id)
        .await
        .unwrap());
    assert!(!register::is_within(&app.db, editor.org_id, ward.id)
        .await
        .unwrap());
});

on_both_databases!(
    subtrees_are_range_queries_and_move_in_one_statement,
    |app: TestApp| async move {
        seed::seed(&app.db, 600).await.unwrap();
        let member = register::member_by_phone(&app.db, &Phone::parse("0900000001").unwrap())
            .await
            .unwrap()
            .unwrap();
        let cell = register::org_by_id(&app.db, member.org_id).await.unwrap();
        let ward = register::org_by_id(&app.db, cell.parent_id.unwrap())
            .await
            .unwrap();
        assert_eq!(
            register::org_by_code(&app.db, &ward.code).await.unwrap(),
            ward
        );

        let tree = register::subtree(&app.db, &ward.path).await.unwrap();
        assert_eq!(tree[0], ward);
        assert!(tree.iter().all(|o| ward.path.contains(&o.path)));
        let children = count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM organizations WHERE parent_id = {}",
                ward.id
            ),
        )
        .await;
        assert_eq!(tree.len() as i64, children + 1);
        let (members_in_ward, _) = register::count_members_in_subtree(&app.db, &ward.path)
            .await
            .unwrap();
        let direct = count(&app, &format!(
        "SELECT COUNT(*) FROM members m JOIN organizations o ON o.id = m.org_id WHERE o.parent_id = {}", ward.id)).await;
        assert_eq!(members_in_ward, direct);

        // Move the second ward (with all its cells) under the first: one UPDATE, paths follow.
        let other = register::member_by_phone(&app.db, &Phone::parse("0900000005").unwrap())
            .await
            .unwrap()
            .unwrap();
        let other_cell = register::org_by_id(&app.db, other.org_id).await.unwrap();
        let other_ward = register::org_by_id(&app.db, other_cell.parent_id.unwrap())
            .await
            .unwrap();
        let before = register::subtree(&app.db, &other_ward.path)
            .await
            .unwrap()
            .len() as u64;
        // A ward committee may not sit under another ward committee…
        let refused = register::move_subtree(&app.db, &other_ward, &ward)
            .await
            .unwrap_err();
        assert_eq!(refused, AppError::field("parent_id", "err_org_kind"));
        // …but a cell may move to another ward, and a subtree may not move into itself.
        let moved = register::move_subtree(&app.db, &other_cell, &ward)
            .await
            .unwrap();
        assert_eq!(moved, 1);
        let other_cell_now = register::org_by_id(&app.db, other_cell.id).await.unwrap();
        assert_eq!(other_cell_now.parent_id, Some(ward.id));
        assert_eq!(other_cell_now.path, ward.path.child(other_cell.id));
        assert!(register::is_within(&app.db, other.org_id, ward.id)
            .await
            .unwrap());
        assert_eq!(
            register::subtree(&app.db, &other_ward.path)
                .await
                .unwrap()
                .len() as u64,
            before - 1
        );
        let province = register::org_by_id(&app.db, ward.parent_id.unwrap())
            .await
            .unwrap();
        let into_self = register::move_subtree(&app.db, &province, &ward).await;
        assert!(into_self.is_err());

        // A whole ward moves under a new province in one statement, however many cells it has.
        let mut conn = app.db.pool().acquire().await.unwrap();
        let new_province = register::insert_org(
            &mut conn,
            None,
            &NewOrg {
                kind: OrgKind::Province,
                name: "Đảng bộ tỉnh Mới".into(),
                code: "99".into(),
                source: Source::Manual,
            },
        )
        .await
        .unwrap();
        drop(conn);
        let ward_size = register::subtree(&app.db, &ward.path).await.unwrap().len() as u64;
        assert_eq!(
            register::move_subtree(&app.db, &ward, &new_province)
                .await
                .unwrap(),
            ward_size
        );
        let moved_ward = register::org_by_id(&app.db, ward.id).await.unwrap();
        assert_eq!(
            moved_ward.path,
            OrgPath::parse(&format!("/{}/{}/", new_province.id, ward.id)).unwrap()
        );
        let moved_tree = register::subtree(&app.db, &moved_ward.path).await.unwrap();
        assert_eq!(moved_tree.len() as u64, ward_size);
        assert!(moved_tree
            .iter()
            .all(|o| o.depth as usize == o.path.depth()));
        assert!(register::is_within(&app.db, member.org_id, new_province.id)
            .await
            .unwrap());
        assert!(!register::is_within(&app.db, member.org_id, province.id)
            .await
            .unwrap());
    }
);

fn person(org_id: i64, code: &str, phone: &str, cccd: &str) -> NewMember {
    let today = Date::new(2026, 11, 22).unwrap();
    NewMember {
        org_id,
        member_code: code.into(),
        // Decomposed (NFD) input is stored composed.
        full_name: "Nguye\u{302}\u{303}n Thi\u{323} Lan".into(),
        gender: Gender::Female,
        ethnicity: "Kinh".into(),
        hometown: None,
        cccd: Some(app::domain::cccd::Cccd::parse(cccd).unwrap()),
        phone: Some(Phone::parse(phone).unwrap()),
        card_number: None,
        dates: PartyDates::parse(
            Date::new(1990, 1, 2).unwrap(),
            Date::new(2020, 5, 19).unwrap(),
            None,
            None,
            today,
        )
        .unwrap(),
        exempt_reason: None,
        position: None,
        address: None,
        source: Source::Manual,
    }
}

on_both_databases!(
    constraint_violations_become_field_errors,
    |app: TestApp| async move {
        let mut conn = app.db.pool().acquire().await.unwrap();
        let province = register::insert_org(
            &mut conn,
            None,
            &NewOrg {
                kind: OrgKind::Province,
                name: "Tỉnh".into(),
                code: "T".into(),
                source: Source::Manual,
            },
        )
        .await
        .unwrap();
        let committee = register::insert_org(
            &mut conn,
            Some(&province),
            &NewOrg {
                kind: OrgKind::Committee,
                name: "Đảng ủy".into(),
                code: "T.1".into(),
                source: Source::Manual,
            },
        )
        .await
        .unwrap();
        let cell = register::insert_org(
            &mut conn,
            Some(&committee),
            &NewOrg {
                kind: OrgKind::Cell,
                name: "Chi bộ".into(),
                code: "T.1.1".into(),
                source: Source::Manual,
            },
        )
        .await
        .unwrap();
        assert_eq!(
            cell.path.as_str(),
            format!("/{}/{}/{}/", province.id, committee.id, cell.id)
        );
        assert_eq!(cell.depth, 2);

        // A cell cannot hold a committee.
        let wrong = register::insert_org(
            &mut conn,
            Some(&cell),
            &NewOrg {
                kind: OrgKind::Committee,
                name: "x".into(),
                code: "T.9".into(),
                source: Source::Manual,
            },
        )
        .await
        .unwrap_err();
        assert_eq!(wrong, AppError::field("kind", "err_org_kind"));
        // Duplicate organisation code.
        let dup_code = register::insert_org(
            &mut conn,
            Some(&committee),
            &NewOrg {
                kind: OrgKind::Cell,
                name: "y".into(),
                code: "T.1.1".into(),
                source: Source::Manual,
            },
        )
        .await
        .unwrap_err();
        assert_eq!(dup_code, AppError::field("code", "err_duplicate"));

        register::insert_members(
            &mut conn,
            &[person(cell.id, "M1", "0912 345 678", "068190000001")],
        )
        .await
        .unwrap();
        let stored = register::member_by_phone(&app.db, &Phone::parse("+84912345678").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.full_name, "Nguyễn Thị Lan");
        assert_eq!(stored.phone.as_deref(), Some("0912345678"));

        let same_phone = register::insert_members(
            &mut conn,
            &[person(cell.id, "M2", "+84 912 345 678", "068190000002")],
        )
        .await
        .unwrap_err();
        assert_eq!(same_phone, AppError::field("phone", "err_duplicate"));
        let same_cccd = register::insert_members(
            &mut conn,
            &[person(cell.id, "M3", "0912345679", "068190000001")],
        )
        .await
        .unwrap_err();
        assert_eq!(same_cccd, AppError::field("cccd", "err_duplicate"));
        let same_code = register::insert_members(
            &mut conn,
            &[person(cell.id, "M1", "0912345670", "068190000003")],
        )
        .await
        .unwrap_err();
        assert_eq!(same_code, AppError::field("member_code", "err_duplicate"));
        // Nothing already stored was lost by the refused inserts.
        assert_eq!(count(&app, "SELECT COUNT(*) FROM members").await, 1);
    }
);
