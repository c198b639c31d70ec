//! Workspaces, members and roles; API keys with scopes.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_teammate_added_as_viewer_reads_but_cannot_write() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let ben = app.sign_up("ben@cafe.example").await;
    let members = format!("/v1/workspaces/{}/members", rosa.workspace_id);
    let added = app
        .call(
            "POST",
            &members,
            Some(&rosa.access_token),
            Some(json!({"email": "ben@cafe.example", "role": "viewer"})),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    app.create_link(
        &rosa,
        json!({"code": "shared", "destination": "https://cafe.example/"}),
    )
    .await;

    let in_rosas = [("x-workspace-id", rosa.workspace_id.as_str())];
    let listed = app
        .call_with("GET", "/v1/links", Some(&ben.access_token), None, &in_rosas)
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["items"][0]["code"], "shared");
    let write = app
        .call_with(
            "POST",
            "/v1/links",
            Some(&ben.access_token),
            Some(json!({"destination": "https://x.example/"})),
            &in_rosas,
        )
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    let promote = app
        .call(
            "POST",
            &members,
            Some(&ben.access_token),
            Some(json!({"email": "ben@cafe.example", "role": "admin"})),
        )
        .await;
    assert_eq!(
        promote.status,
        StatusCode::FORBIDDEN,
        "viewers cannot manage members"
    );

    let team = app
        .call("GET", &members, Some(&ben.access_token), None)
        .await;
    let roles: Vec<&str> = team
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["owner", "viewer"]);
    let workspaces = app
        .call("GET", "/v1/workspaces", Some(&ben.access_token), None)
        .await;
    assert_eq!(
        workspaces.body.as_array().unwrap().len(),
        2,
        "his own and Rosa's"
    );
}

#[tokio::test]
async fn outsiders_get_404_and_the_last_owner_stays() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let eve = app.sign_up("eve@elsewhere.example").await;
    let members = format!("/v1/workspaces/{}/members", rosa.workspace_id);
    let peek = app
        .call("GET", &members, Some(&eve.access_token), None)
        .await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);
    let me = app
        .call("GET", "/v1/me", Some(&rosa.access_token), None)
        .await;
    let rosa_id = me.body["user"]["id"].as_str().unwrap();
    let leave = app
        .call(
            "DELETE",
            &format!("{members}/{rosa_id}"),
            Some(&rosa.access_token),
            None,
        )
        .await;
    assert_eq!(leave.status, StatusCode::CONFLICT);
    assert_eq!(leave.error_code(), "last_owner");
}

#[tokio::test]
async fn a_new_workspace_belongs_to_its_creator() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = app
        .call(
            "POST",
            "/v1/workspaces",
            Some(&rosa.access_token),
            Some(json!({"name": "Agency clients"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.body["role"], "owner");
    let ws = created.body["id"].as_str().unwrap();
    let link = app
        .call_with(
            "POST",
            "/v1/links",
            Some(&rosa.access_token),
            Some(json!({"destination": "https://client.example/"})),
            &[("x-workspace-id", ws)],
        )
        .await;
    assert_eq!(link.status, StatusCode::CREATED);
    let personal = app
        .call("GET", "/v1/links", Some(&rosa.access_token), None)
        .await;
    assert_eq!(
        personal.body["items"],
        json!([]),
        "the link lives in the new workspace"
    );
}

#[tokio::test]
async fn an_api_key_is_shown_once_and_limited_to_its_scopes_and_workspace() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = app
        .call(
            "POST",
            "/v1/api-keys",
            Some(&rosa.access_token),
            Some(json!({"name": "zapier", "scopes": ["links:read"]})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let key = created.body["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("sk_"));
    let listed = app
        .call("GET", "/v1/api-keys", Some(&rosa.access_token), None)
        .await;
    assert!(
        listed.body[0].get("key").is_none(),
        "the key is never shown again"
    );
    assert!(!listed.body.to_string().contains(&key));

    app.create_link(
        &rosa,
        json!({"code": "via-key", "destination": "https://cafe.example/"}),
    )
    .await;
    let read = app.call("GET", "/v1/links", Some(&key), None).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["items"][0]["code"], "via-key");
    let write = app
        .call(
            "POST",
            "/v1/links",
            Some(&key),
            Some(json!({"destination": "https://x.example/"})),
        )
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    assert!(write.error_message().contains("links:write"));
    let keys = app.call("GET", "/v1/api-keys", Some(&key), None).await;
    assert_eq!(
        keys.status,
        StatusCode::FORBIDDEN,
        "keys do not manage keys"
    );
    let me = app.call("GET", "/v1/me", Some(&key), None).await;
    assert_eq!(me.status, StatusCode::FORBIDDEN);
    let other = app
        .call_with(
            "GET",
            "/v1/links",
            Some(&key),
            None,
            &[("x-workspace-id", "ws_someone_else")],
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    let mut forged = key.clone();
    forged.pop();
    forged.push(if key.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(
        app.call("GET", "/v1/links", Some(&forged), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let id = created.body["id"].as_str().unwrap();
    let revoked = app
        .call(
            "DELETE",
            &format!("/v1/api-keys/{id}"),
            Some(&rosa.access_token),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.call("GET", "/v1/links", Some(&key), None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_expired_api_key_stops_working() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = app
        .call("POST", "/v1/api-keys", Some(&rosa.access_token), Some(json!({"name": "temp", "scopes": ["links:read", "links:write"], "expires_at": "2026-11-21T12:00:00Z"})))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let key = created.body["key"].as_str().unwrap().to_owned();
    assert_eq!(
        app.call("GET", "/v1/links", Some(&key), None).await.status,
        StatusCode::OK
    );
    let bad_scope = app
        .call(
            "POST",
            "/v1/api-keys",
            Some(&rosa.access_token),
            Some(json!({"name": "x", "scopes": ["links:delete-everything"]})),
        )
        .await;
    assert_eq!(bad_scope.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_scope.error_message().contains("scopes"));
    app.advance_ms(2 * 24 * 60 * 60 * 1000);
    assert_eq!(
        app.call("GET", "/v1/links", Some(&key), None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn nothing_of_another_workspace_is_reachable_by_id() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let eve = app.sign_up("eve@elsewhere.example").await;
    let page = app
        .create_link(
            &rosa,
            json!({"kind": "page", "page": {"title": "Menu", "blocks": []}}),
        )
        .await;
    let link_id = page.body["id"].as_str().unwrap().to_owned();
    let key = app
        .call(
            "POST",
            "/v1/api-keys",
            Some(&rosa.access_token),
            Some(json!({"name": "ci", "scopes": ["links:read"]})),
        )
        .await;
    let key_id = key.body["id"].as_str().unwrap().to_owned();
    let eve_token = Some(eve.access_token.as_str());
    let attempts = [
        ("GET", format!("/v1/links/{link_id}"), None),
        (
            "PATCH",
            format!("/v1/links/{link_id}"),
            Some(json!({"title": "mine now"})),
        ),
        (
            "PUT",
            format!("/v1/links/{link_id}/page"),
            Some(json!({"title": "Defaced", "blocks": []})),
        ),
        ("DELETE", format!("/v1/links/{link_id}"), None),
        ("DELETE", format!("/v1/api-keys/{key_id}"), None),
        (
            "GET",
            format!("/v1/workspaces/{}/members", rosa.workspace_id),
            None,
        ),
        (
            "POST",
            format!("/v1/workspaces/{}/members", rosa.workspace_id),
            Some(json!({"email": "eve@elsewhere.example", "role": "owner"})),
        ),
    ];
    for (method, path, body) in attempts {
        let response = app.call(method, &path, eve_token, body).await;
        assert_eq!(
            response.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            response.body
        );
    }
    let still = app
        .call(
            "GET",
            &format!("/v1/links/{link_id}"),
            Some(&rosa.access_token),
            None,
        )
        .await;
    assert_eq!(still.body["page"]["title"], "Menu");
    let keys = app
        .call("GET", "/v1/api-keys", Some(&rosa.access_token), None)
        .await;
    assert_eq!(keys.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn admins_manage_members_but_only_owners_make_owners() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let ada = app.sign_up("ada@cafe.example").await;
    app.sign_up("max@cafe.example").await;
    let members = format!("/v1/workspaces/{}/members", rosa.workspace_id);
    assert_eq!(
        add(
            &app,
            &members,
            &rosa.access_token,
            "ada@cafe.example",
            "admin"
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        add(
            &app,
            &members,
            &ada.access_token,
            "max@cafe.example",
            "member"
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let owner = add(
        &app,
        &members,
        &ada.access_token,
        "max@cafe.example",
        "owner",
    )
    .await;
    assert_eq!(
        owner.status,
        StatusCode::FORBIDDEN,
        "an admin cannot make owners"
    );
    let team = app
        .call("GET", &members, Some(&rosa.access_token), None)
        .await;
    let roles: Vec<&str> = team
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["owner", "admin", "member"]);
    let max_id = team.body[2]["user_id"].as_str().unwrap().to_owned();
    let rosa_id = team.body[0]["user_id"].as_str().unwrap().to_owned();
    let removed = app
        .call(
            "DELETE",
            &format!("{members}/{max_id}"),
            Some(&ada.access_token),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let coup = app
        .call(
            "DELETE",
            &format!("{members}/{rosa_id}"),
            Some(&ada.access_token),
            None,
        )
        .await;
    assert_eq!(
        coup.status,
        StatusCode::FORBIDDEN,
        "an admin cannot remove an owner"
    );
}

async fn add(
    app: &crate::helpers::TestApp,
    members: &str,
    token: &str,
    email: &str,
    role: &str,
) -> crate::helpers::TestResponse {
    app.call(
        "POST",
        members,
        Some(token),
        Some(json!({"email": email, "role": role})),
    )
    .await
}
