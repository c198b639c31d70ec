//! Links: create, read, list, edit, delete — published to the edge, and
//! invisible across workspaces.

use axum::http::StatusCode;
use scanly_api::model::PublishOp;
use serde_json::json;

use crate::helpers::{EDGE_BASE, spawn_app};

#[tokio::test]
async fn a_new_link_is_published_before_its_short_url_is_returned() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let response = app
        .create_link(
            &rosa,
            json!({
                "code": "menu",
                "destination": "https://cafe.example/menu",
                "title": "Lunch menu",
                "tags": ["Print", "lunch"],
                "utm": {"source": "flyer"},
            }),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let link = &response.body;
    assert_eq!(link["short_url"], format!("{EDGE_BASE}/menu"));
    assert_eq!(link["tags"], json!(["print", "lunch"]));
    assert_eq!(link["version"], 1);
    assert_eq!(link["published_version"], 1);
    let record = app
        .edge
        .record("scn.test", "menu")
        .expect("the edge has the record");
    assert_eq!(
        record.destination.unwrap().as_str(),
        "https://cafe.example/menu"
    );
    assert_eq!(record.utm.source.as_deref(), Some("flyer"));
    assert_eq!(record.workspace_id.as_str(), rosa.workspace_id);
}

#[tokio::test]
async fn codes_are_generated_when_absent_and_unique_per_host() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let generated = app
        .create_link(&rosa, json!({"destination": "https://cafe.example/"}))
        .await;
    assert_eq!(generated.status, StatusCode::CREATED);
    assert_eq!(generated.body["code"].as_str().unwrap().len(), 7);

    app.create_link(
        &rosa,
        json!({"code": "taken", "destination": "https://a.example/"}),
    )
    .await;
    let ben = app.sign_up("ben@shop.example").await;
    let clash = app
        .create_link(
            &ben,
            json!({"code": "taken", "destination": "https://b.example/"}),
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert_eq!(clash.error_code(), "code_taken");
}

#[tokio::test]
async fn invalid_links_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let cases = [
        (json!({"destination": "javascript:alert(1)"}), "destination"),
        (
            json!({"destination": "https://a.example/", "code": "a/b"}),
            "code",
        ),
        (
            json!({"destination": "https://a.example/", "rules": [{"when": {"country": ["ZZZ"]}, "destination": "https://b.example/"}]}),
            "rules[0].when.country[0]",
        ),
        (
            json!({"destination": "https://a.example/", "password": "abc"}),
            "password",
        ),
        (
            json!({"destination": "https://a.example/", "expires_at": "next tuesday"}),
            "expires_at",
        ),
        (json!({"kind": "redirect"}), "destination"),
        (
            json!({"kind": "page", "page": {"title": "Hi", "blocks": [{"type": "marquee"}]}}),
            "page",
        ),
    ];
    for (body, field) in cases {
        let response = app.create_link(&rosa, body).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            response.body
        );
        assert!(
            response.error_message().contains(field),
            "{field}: {}",
            response.error_message()
        );
    }
}

#[tokio::test]
async fn the_password_is_never_returned_and_reaches_the_edge_as_a_verifier() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let response = app
        .create_link(&rosa, json!({"code": "vip", "destination": "https://cafe.example/vip", "password": "open sesame"}))
        .await;
    assert_eq!(response.body["has_password"], true);
    assert!(!response.body.to_string().contains("open sesame"));
    let record = app.edge.record("scn.test", "vip").unwrap();
    assert!(record.password.unwrap().verify("open sesame"));
}

#[tokio::test]
async fn links_list_newest_first_with_cursor_text_and_tag_filters() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    for i in 0..5 {
        app.advance_ms(1_000);
        let tags = if i % 2 == 0 {
            json!(["even"])
        } else {
            json!([])
        };
        app.create_link(&rosa, json!({"code": format!("code-{i}"), "destination": "https://cafe.example/", "tags": tags}))
            .await;
    }
    let token = Some(rosa.access_token.as_str());
    let first = app.call("GET", "/v1/links?limit=2", token, None).await;
    let codes = |body: &serde_json::Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&first.body), ["code-4", "code-3"]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .call(
            "GET",
            &format!("/v1/links?limit=2&cursor={cursor}"),
            token,
            None,
        )
        .await;
    assert_eq!(codes(&second.body), ["code-2", "code-1"]);
    let tagged = app.call("GET", "/v1/links?tag=even", token, None).await;
    assert_eq!(codes(&tagged.body), ["code-4", "code-2", "code-0"]);
    let searched = app.call("GET", "/v1/links?q=CODE-3", token, None).await;
    assert_eq!(codes(&searched.body), ["code-3"]);
    let too_many = app.call("GET", "/v1/links?limit=1000", token, None).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn edits_are_versioned_and_republished() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = app
        .create_link(
            &rosa,
            json!({"code": "menu", "destination": "https://cafe.example/v1"}),
        )
        .await;
    let path = format!("/v1/links/{}", created.body["id"].as_str().unwrap());
    let token = Some(rosa.access_token.as_str());

    let edited = app
        .call_with(
            "PATCH",
            &path,
            token,
            Some(json!({"destination": "https://cafe.example/v2", "title": "Menu"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(
        (
            edited.body["version"].as_u64(),
            edited.body["published_version"].as_u64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(
        app.edge
            .record("scn.test", "menu")
            .unwrap()
            .destination
            .unwrap()
            .as_str(),
        "https://cafe.example/v2"
    );

    let stale = app
        .call_with(
            "PATCH",
            &path,
            token,
            Some(json!({"title": "Old"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.error_code(), "version_conflict");

    let cleared = app
        .call(
            "PATCH",
            &path,
            token,
            Some(json!({"title": null, "code": "carte"})),
        )
        .await;
    assert_eq!(cleared.body["title"], serde_json::Value::Null);
    assert!(
        app.edge.record("scn.test", "menu").is_none(),
        "the old code is unpublished"
    );
    assert!(app.edge.record("scn.test", "carte").is_some());
}

#[tokio::test]
async fn deleting_a_link_removes_it_from_the_edge() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = app
        .create_link(
            &rosa,
            json!({"code": "gone", "destination": "https://cafe.example/"}),
        )
        .await;
    let path = format!("/v1/links/{}", created.body["id"].as_str().unwrap());
    let token = Some(rosa.access_token.as_str());
    assert_eq!(
        app.call("DELETE", &path, token, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(app.edge.record("scn.test", "gone").is_none());
    assert_eq!(
        app.call("GET", &path, token, None).await.status,
        StatusCode::NOT_FOUND
    );
    let reuse = app
        .create_link(
            &rosa,
            json!({"code": "gone", "destination": "https://cafe.example/new"}),
        )
        .await;
    assert_eq!(
        reuse.status,
        StatusCode::CREATED,
        "a deleted code is free again"
    );
}

#[tokio::test]
async fn another_workspace_cannot_see_or_touch_a_link() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let ben = app.sign_up("ben@shop.example").await;
    let created = app
        .create_link(
            &rosa,
            json!({"code": "mine", "destination": "https://cafe.example/"}),
        )
        .await;
    let path = format!("/v1/links/{}", created.body["id"].as_str().unwrap());
    let as_ben = Some(ben.access_token.as_str());
    for (method, body) in [
        ("GET", None),
        ("PATCH", Some(json!({"title": "hijack"}))),
        ("DELETE", None),
    ] {
        let response = app.call(method, &path, as_ben, body).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(response.error_code(), "not_found");
    }
    let listed = app.call("GET", "/v1/links", as_ben, None).await;
    assert_eq!(listed.body["items"], json!([]));
    let foreign_workspace = app
        .call_with(
            "GET",
            "/v1/links",
            as_ben,
            None,
            &[("x-workspace-id", rosa.workspace_id.as_str())],
        )
        .await;
    assert_eq!(foreign_workspace.status, StatusCode::NOT_FOUND);
    assert!(app.edge.record("scn.test", "mine").is_some(), "untouched");
}

#[tokio::test]
async fn a_publish_that_fails_stays_in_the_outbox_until_the_edge_has_it() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    app.edge.set_down(true);
    let created = app
        .create_link(
            &rosa,
            json!({"code": "later", "destination": "https://cafe.example/"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.body["published_version"], serde_json::Value::Null);
    assert!(app.edge.record("scn.test", "later").is_none());

    app.edge.set_down(false);
    app.state.publishing.drain(app.now_ms()).await.unwrap();
    assert!(
        app.edge.record("scn.test", "later").is_none(),
        "not due yet: backoff"
    );
    app.advance_ms(2_000);
    assert_eq!(app.state.publishing.drain(app.now_ms()).await.unwrap(), 1);
    assert!(app.edge.record("scn.test", "later").is_some());
    let path = format!("/v1/links/{}", created.body["id"].as_str().unwrap());
    let link = app.call("GET", &path, Some(&rosa.access_token), None).await;
    assert_eq!(link.body["published_version"], 1);
    assert_eq!(
        app.state.publishing.drain(app.now_ms()).await.unwrap(),
        0,
        "nothing left"
    );
}

#[tokio::test]
async fn every_change_is_stored_with_its_publish_jobs_and_a_refused_one_with_none() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let token = Some(rosa.access_token.as_str());
    // What the outbox holds: (op, code, version), by code.
    let outbox = || async {
        let mut jobs: Vec<(PublishOp, String, u64)> = app
            .state
            .store
            .due_jobs(i64::MAX, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|job| (job.op, job.code.to_string(), job.version))
            .collect();
        jobs.sort_by(|a, b| a.1.cmp(&b.1));
        jobs
    };
    let put = |code: &str, version| (PublishOp::Put, code.to_owned(), version);
    let delete = |code: &str, version| (PublishOp::Delete, code.to_owned(), version);

    app.edge.set_down(true);
    let created = app
        .create_link(
            &rosa,
            json!({"code": "menu", "destination": "https://cafe.example/"}),
        )
        .await;
    app.create_link(
        &rosa,
        json!({"code": "taken", "destination": "https://cafe.example/t"}),
    )
    .await;
    assert_eq!(outbox().await, [put("menu", 1), put("taken", 1)]);
    let path = format!("/v1/links/{}", created.body["id"].as_str().unwrap());

    // Refused by the store: no job.
    let clash = app
        .call("PATCH", &path, token, Some(json!({"code": "taken"})))
        .await;
    assert_eq!(clash.error_code(), "code_taken");
    assert_eq!(outbox().await, [put("menu", 1), put("taken", 1)]);

    // A new code: the old one's Delete and the new one's Put.
    let moved = app
        .call("PATCH", &path, token, Some(json!({"code": "carte"})))
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["published_version"], serde_json::Value::Null);
    assert_eq!(
        outbox().await,
        [put("carte", 2), delete("menu", 1), put("taken", 1)]
    );

    // Deleted: its code's Delete supersedes the pending Put.
    let deleted = app.call("DELETE", &path, token, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        outbox().await,
        [delete("carte", 2), delete("menu", 1), put("taken", 1)]
    );

    // The edge back: the drain delivers all of it.
    app.edge.set_down(false);
    app.advance_ms(2_000);
    assert_eq!(app.state.publishing.drain(app.now_ms()).await.unwrap(), 3);
    assert!(outbox().await.is_empty());
    assert!(app.edge.record("scn.test", "menu").is_none());
    assert!(app.edge.record("scn.test", "carte").is_none());
    assert!(app.edge.record("scn.test", "taken").is_some());
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_refused() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let huge = json!({"destination": "https://cafe.example/", "title": "x".repeat(1_100_000)});
    let response = app.create_link(&rosa, huge).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.error_code(), "payload_too_large");
}

#[tokio::test]
async fn a_page_link_gets_its_page_replaced_and_republished() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = app
        .create_link(
            &rosa,
            json!({"code": "hello", "kind": "page", "page": {"title": "Hello", "blocks": []}}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(
        created.body["indexable"], true,
        "pages are indexable by default"
    );
    let path = format!("/v1/links/{}/page", created.body["id"].as_str().unwrap());
    let token = Some(rosa.access_token.as_str());
    let replaced = app
        .call(
            "PUT",
            &path,
            token,
            Some(json!({"title": "Bonjour", "blocks": [{"type": "heading", "text": "Menu"}]})),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_eq!(replaced.body["page"]["title"], "Bonjour");
    let record = app.edge.record("scn.test", "hello").unwrap();
    assert_eq!(record.page.unwrap().title, "Bonjour");
    assert_eq!(record.version, 2);

    let invalid = app
        .call(
            "PUT",
            &path,
            token,
            Some(json!({"title": "", "blocks": []})),
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid.error_message().starts_with("page"),
        "{}",
        invalid.error_message()
    );

    let redirect = app
        .create_link(&rosa, json!({"destination": "https://cafe.example/"}))
        .await;
    let not_a_page = app
        .call(
            "PUT",
            &format!("/v1/links/{}/page", redirect.body["id"].as_str().unwrap()),
            token,
            Some(json!({"title": "x", "blocks": []})),
        )
        .await;
    assert_eq!(not_a_page.status, StatusCode::UNPROCESSABLE_ENTITY);
}
