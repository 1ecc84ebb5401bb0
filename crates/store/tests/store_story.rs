//! One story over every backend: the same calls, the same answers, on SQLite and PostgreSQL.

use ungcuu_domain::{OrgKind, Role};
use ungcuu_store::audit::{self, NewAudit};
use ungcuu_store::registry::orgs::{self, OrgFields, OrgFilter};
use ungcuu_store::testing::TestDb;
use ungcuu_store::{StoreError, accounts::users, backup};

fn fields(name: &str, parent: Option<ungcuu_domain::OrgId>) -> OrgFields {
    OrgFields {
        name: name.into(),
        kind: OrgKind::Department,
        parent_id: parent,
        address: Some("Số 10 Phó Đức Chính, Bắc Ninh".into()),
        phone: None,
        email: None,
        website: None,
    }
}

fn note(action: &str, id: impl ToString) -> NewAudit {
    NewAudit {
        actor_user_id: None,
        actor: "test".into(),
        action: action.into(),
        object_type: "org".into(),
        object_id: id.to_string(),
        before: None,
        after: Some(serde_json::json!({"x": "Đồng Nai"})),
    }
}

async fn seed(t: &TestDb) -> (ungcuu_domain::OrgId, ungcuu_domain::OrgId) {
    let mut tx = t.db.begin().await.unwrap();
    let police = orgs::insert(&mut tx, &fields("Công an tỉnh Bắc Ninh", None))
        .await
        .unwrap();
    let unit = orgs::insert(
        &mut tx,
        &fields(
            "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
            Some(police.id),
        ),
    )
    .await
    .unwrap();
    audit::append(&mut tx, note("org.create", police.id))
        .await
        .unwrap();
    audit::append(&mut tx, note("org.create", unit.id))
        .await
        .unwrap();
    users::insert(
        &mut tx,
        &users::NewUser {
            org_id: unit.id,
            email: "tt@bacninh.gov.vn",
            name: "Nguyễn Văn Thường",
            role: Role::ThuongTruc,
            password_hash: "x",
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (police.id, unit.id)
}

#[tokio::test]
async fn organisations_nest_and_are_found_without_diacritics_on_every_backend() {
    for t in TestDb::both().await {
        let (police, unit) = seed(&t).await;
        let o = orgs::get(&t.db, unit).await.unwrap();
        assert_eq!(o.parent_id, Some(police), "{}", t.name);
        assert!(
            o.path
                .is_within(&orgs::get(&t.db, police).await.unwrap().path)
        );

        let found = orgs::list(
            &t.db,
            &OrgFilter {
                query: Some("cong an tinh bac ninh".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 1, "{}", t.name);
        assert_eq!(found[0].name, "Công an tỉnh Bắc Ninh");
        let sub = orgs::list(
            &t.db,
            &OrgFilter {
                within: Some(o.path.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            sub.iter().map(|o| o.id).collect::<Vec<_>>(),
            vec![unit],
            "{}",
            t.name
        );

        // Moving an organisation moves its subtree.
        let mut tx = t.db.begin().await.unwrap();
        let dept = orgs::insert(&mut tx, &fields("Sở Khoa học và Công nghệ", None))
            .await
            .unwrap();
        let child = orgs::insert(&mut tx, &fields("Trung tâm Dữ liệu", Some(dept.id)))
            .await
            .unwrap();
        orgs::update(
            &mut tx,
            dept.id,
            &fields("Sở Khoa học và Công nghệ", Some(police)),
        )
        .await
        .unwrap();
        audit::append(&mut tx, note("org.update", dept.id))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let child = orgs::get(&t.db, child.id).await.unwrap();
        let pp = orgs::get(&t.db, police).await.unwrap().path;
        assert!(child.path.is_within(&pp), "{}: {:?}", t.name, child.path);
        assert_eq!(child.path.depth(), 3, "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_change_without_an_audit_row_is_refused_and_rolled_back() {
    for t in TestDb::both().await {
        let mut tx = t.db.begin().await.unwrap();
        orgs::insert(&mut tx, &fields("Sở Tài chính", None))
            .await
            .unwrap();
        assert!(
            matches!(tx.commit().await, Err(StoreError::Unaudited)),
            "{}",
            t.name
        );
        assert_eq!(orgs::count(&t.db).await.unwrap(), 0, "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn duplicate_email_is_a_unique_violation() {
    for t in TestDb::both().await {
        let (_, unit) = seed(&t).await;
        let mut tx = t.db.begin().await.unwrap();
        let e = users::insert(
            &mut tx,
            &users::NewUser {
                org_id: unit,
                email: "tt@bacninh.gov.vn",
                name: "Khác",
                role: Role::DauMoi,
                password_hash: "x",
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, StoreError::Unique(ref s) if s.contains("email")),
            "{}: {e:?}",
            t.name
        );
        tx.rollback().await.unwrap();
        t.cleanup().await;
    }
}

async fn exec(t: &TestDb, sql: &'static str) {
    match &t.db {
        ungcuu_store::Db::Sqlite { write, .. } => {
            sqlx::query(sql).execute(write).await.unwrap();
        }
        ungcuu_store::Db::Postgres { pool: p, .. } => {
            sqlx::query(sql).execute(p).await.unwrap();
        }
    }
}

#[tokio::test]
async fn audit_verify_names_the_first_altered_or_deleted_row() {
    use ungcuu_domain::audit::ChainBreak;
    for t in TestDb::both().await {
        seed(&t).await;
        for i in 0..3 {
            let mut tx = t.db.begin().await.unwrap();
            audit::append(&mut tx, note("org.update", i)).await.unwrap();
            tx.commit().await.unwrap();
        }
        assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(5), "{}", t.name);

        exec(&t, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").await;
        assert_eq!(
            audit::verify(&t.db).await.unwrap(),
            Err(ChainBreak::Altered { seq: 3 }),
            "{}",
            t.name
        );
        exec(&t, "UPDATE audit_log SET actor = 'test' WHERE seq = 3").await;
        assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(5), "{}", t.name);

        exec(&t, "DELETE FROM audit_log WHERE seq = 2").await;
        assert_eq!(
            audit::verify(&t.db).await.unwrap(),
            Err(ChainBreak::Broken {
                seq: 3,
                expected_seq: 2
            }),
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn audit_rows_cut_off_the_end_are_detected() {
    use ungcuu_domain::audit::ChainBreak;
    for t in TestDb::both().await {
        seed(&t).await;
        exec(&t, "DELETE FROM audit_log WHERE seq = 2").await;
        assert_eq!(
            audit::verify(&t.db).await.unwrap(),
            Err(ChainBreak::Truncated {
                last_seq: 1,
                head_seq: 2
            }),
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_writers_get_gapless_audit_numbers() {
    for t in TestDb::both().await {
        let mut tasks = Vec::new();
        for i in 0..40 {
            let db = t.db.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                let o = orgs::insert(&mut tx, &fields(&format!("Xã số {i}"), None))
                    .await
                    .unwrap();
                audit::append(&mut tx, note("org.create", o.id))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(40), "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_backup_descriptor_covers_every_table_and_column() {
    for t in TestDb::both().await {
        let live = backup::live_schema(&t.db).await.unwrap();
        let mut described: Vec<(String, String)> = backup::TABLES
            .iter()
            .flat_map(|tb| {
                tb.cols
                    .iter()
                    .map(move |(c, _)| (tb.name.to_string(), c.to_string()))
            })
            .collect();
        described.sort();
        assert_eq!(described, live, "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn backup_then_restore_gives_back_every_row_and_a_valid_chain_across_backends() {
    let sources = TestDb::both().await;
    for src in &sources {
        seed(src).await;
        let mut file = Vec::new();
        let n = backup::backup(&src.db, &mut file).await.unwrap();
        assert!(n > 10, "{n}");
        // Restore into an empty database of each backend: SQLite → PostgreSQL works too.
        for target in [TestDb::sqlite().await, TestDb::postgres().await] {
            let (mut tx, restored) = backup::restore(&target.db, &file[..]).await.unwrap();
            assert_eq!(restored, n);
            audit::append(&mut tx, note("system.restore", 0))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(
                audit::verify(&target.db).await.unwrap(),
                Ok(3),
                "{} → {}",
                src.name,
                target.name
            );
            let mut again = Vec::new();
            backup::backup(&target.db, &mut again).await.unwrap();
            let body = |f: &[u8]| {
                String::from_utf8(f.to_vec())
                    .unwrap()
                    .lines()
                    .skip(1)
                    .filter(|l| !l.contains("\"audit_"))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            assert_eq!(body(&file).len(), body(&again).len());
            assert_eq!(
                body(&file)
                    .iter()
                    .filter(|l| !l.contains("\"end\""))
                    .collect::<Vec<_>>(),
                body(&again)
                    .iter()
                    .filter(|l| !l.contains("\"end\""))
                    .collect::<Vec<_>>(),
                "{} → {}",
                src.name,
                target.name
            );
            // New rows after a restore get fresh ids (sequences moved past restored ones).
            let mut tx = target.db.begin().await.unwrap();
            let o = orgs::insert(&mut tx, &fields("Sở Nội vụ", None))
                .await
                .unwrap();
            audit::append(&mut tx, note("org.create", o.id))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert!(o.id.0 > 2);
            // A second restore into a non-empty database is refused.
            assert!(matches!(
                backup::restore(&target.db, &file[..]).await,
                Err(StoreError::NotEmpty)
            ));
            target.cleanup().await;
        }
    }
    for s in sources {
        s.cleanup().await;
    }
}

#[tokio::test]
async fn a_truncated_backup_is_refused_and_restores_nothing() {
    let src = TestDb::sqlite().await;
    seed(&src).await;
    let mut file = Vec::new();
    backup::backup(&src.db, &mut file).await.unwrap();
    let text = String::from_utf8(file).unwrap();
    let cut: String = text.lines().take(5).map(|l| format!("{l}\n")).collect();
    for target in [TestDb::sqlite().await, TestDb::postgres().await] {
        let r = backup::restore(&target.db, cut.as_bytes()).await;
        assert!(
            matches!(r, Err(StoreError::BadBackup(_))),
            "{}",
            target.name
        );
        assert!(backup::is_empty(&target.db).await.unwrap());
        target.cleanup().await;
    }
    src.cleanup().await;
}
