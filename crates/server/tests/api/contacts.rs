use serde_json::{Value, json};

use crate::helpers::{Backend, client, problem, spawn_app};

async fn contacts(app: &crate::helpers::TestApp, client: &reqwest::Client) -> Vec<Value> {
    let body: Value = client
        .get(app.url("/api/contacts"))
        .send()
        .await
        .expect("contacts")
        .json()
        .await
        .expect("json");
    body["contacts"].as_array().expect("a list").clone()
}

async fn a_manager_adds_a_contact_who_cannot_sign_in_until_a_password_is_set(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let response = manager
        .post(app.url("/api/contacts"))
        .json(&json!({"email": "Rui@Contractor.example", "name": "Rui", "can_manage_contacts": false}))
        .send()
        .await
        .expect("add");
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let added: Value = response.json().await.expect("json");
    assert_eq!(location, format!("/api/contacts/{}", added["id"]));
    assert_eq!(added["email"], "Rui@Contractor.example");
    assert_eq!(added["is_contact"], true);
    assert_eq!(added["can_manage_contacts"], false);
    assert_eq!(added["can_sign_in"], false);
    assert_eq!(contacts(&app, &manager).await.len(), 2);

    let rui = client();
    let refused = rui
        .post(app.url("/api/session"))
        .json(&json!({"email": "rui@contractor.example", "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .expect("sign in");
    problem(refused, 401).await;
    app.set_password("rui@contractor.example").await;
    let rui = app.sign_in("rui@contractor.example").await;
    let me: Value = rui
        .get(app.url("/api/me"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["is_contact"], true);
    assert_eq!(me["can_manage_contacts"], false);
    assert_eq!(me["person"]["name"], "Rui");
}

async fn only_managers_change_contacts(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let contact = app.add_person(&manager, "c@example.com", true).await;
    // A contact without the right sees the list but changes nothing.
    assert_eq!(contacts(&app, &contact).await.len(), 2);
    let body = problem(
        contact
            .post(app.url("/api/contacts"))
            .json(&json!({"email": "x@example.com"}))
            .send()
            .await
            .expect("add"),
        403,
    )
    .await;
    assert_eq!(body["type"], "/problems/forbidden");
    let first_id = contacts(&app, &manager).await[0]["id"]
        .as_i64()
        .expect("id");
    problem(
        contact
            .patch(app.url(&format!("/api/contacts/{first_id}")))
            .json(&json!({"can_manage_contacts": false}))
            .send()
            .await
            .expect("patch"),
        403,
    )
    .await;
    problem(
        contact
            .delete(app.url(&format!("/api/contacts/{first_id}")))
            .send()
            .await
            .expect("delete"),
        403,
    )
    .await;
    problem(
        app.client
            .get(app.url("/api/contacts"))
            .send()
            .await
            .expect("list"),
        401,
    )
    .await;
}

async fn the_account_keeps_a_contact_who_can_manage_contacts(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let me: Value = manager
        .get(app.url("/api/me"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    let own_id = me["person"]["id"].as_i64().expect("id");
    for request in [
        manager
            .patch(app.url(&format!("/api/contacts/{own_id}")))
            .json(&json!({"can_manage_contacts": false})),
        manager.delete(app.url(&format!("/api/contacts/{own_id}"))),
        manager
            .post(app.url("/api/contacts"))
            .json(&json!({"email": me["person"]["email"], "is_contact": false})),
    ] {
        let body = problem(request.send().await.expect("change"), 409).await;
        assert_eq!(body["type"], "/problems/last-contact-manager");
    }
    // With a second manager, the first may step down.
    let second = manager
        .post(app.url("/api/contacts"))
        .json(&json!({"email": "second@example.com", "can_manage_contacts": true}))
        .send()
        .await
        .expect("add");
    assert_eq!(second.status(), 201);
    let response = manager
        .patch(app.url(&format!("/api/contacts/{own_id}")))
        .json(&json!({"can_manage_contacts": false}))
        .send()
        .await
        .expect("patch");
    assert_eq!(response.status(), 200);
    let changed: Value = response.json().await.expect("json");
    assert_eq!(changed["can_manage_contacts"], false);
    assert_eq!(changed["is_contact"], true);
}

async fn removing_a_contact_keeps_the_person_but_not_the_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let contact = app.add_person(&manager, "c@example.com", true).await;
    let id = contacts(&app, &manager).await[1]["id"]
        .as_i64()
        .expect("id");
    let response = manager
        .delete(app.url(&format!("/api/contacts/{id}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(response.status(), 204);
    assert_eq!(contacts(&app, &manager).await.len(), 1);
    let me: Value = contact
        .get(app.url("/api/me"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["is_contact"], false);
}

async fn another_accounts_people_are_out_of_reach(backend: Backend) {
    let app = spawn_app(backend).await;
    let ours = app.manager().await;
    let theirs = app.manager().await;
    let their_id = contacts(&app, &theirs).await[0]["id"].as_i64().expect("id");
    let their_email = contacts(&app, &theirs).await[0]["email"].clone();
    let body = problem(
        ours.patch(app.url(&format!("/api/contacts/{their_id}")))
            .json(&json!({"can_manage_contacts": false}))
            .send()
            .await
            .expect("patch"),
        404,
    )
    .await;
    assert_eq!(body["type"], "/problems/not-found");
    problem(
        ours.delete(app.url(&format!("/api/contacts/{their_id}")))
            .send()
            .await
            .expect("delete"),
        404,
    )
    .await;
    let body = problem(
        ours.post(app.url("/api/contacts"))
            .json(&json!({"email": their_email}))
            .send()
            .await
            .expect("add"),
        409,
    )
    .await;
    assert_eq!(body["type"], "/problems/email-taken");
}

async fn a_bad_contact_is_422_with_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let manager = app.manager().await;
    let body = problem(
        manager
            .post(app.url("/api/contacts"))
            .json(&json!({"email": "not an address", "name": ""}))
            .send()
            .await
            .expect("add"),
        422,
    )
    .await;
    let fields: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| Some((e["field"].as_str()?, e["code"].as_str()?)))
        .collect();
    assert_eq!(fields, [("email", "invalid"), ("name", "required")]);
    problem(
        manager
            .patch(app.url("/api/contacts/not-a-number"))
            .json(&json!({}))
            .send()
            .await
            .expect("patch"),
        404,
    )
    .await;
}

async fn two_managers_removing_each_other_at_once_leave_one(backend: Backend) {
    let app = spawn_app(backend).await;
    for round in 0..5 {
        let first = app.manager().await;
        let second_email = format!("second{round}@example.com");
        let response = first
            .post(app.url("/api/contacts"))
            .json(&json!({"email": second_email, "can_manage_contacts": true}))
            .send()
            .await
            .expect("add");
        assert_eq!(response.status(), 201);
        app.set_password(&second_email).await;
        let second = app.sign_in(&second_email).await;
        let listed = contacts(&app, &first).await;
        let (first_id, second_id) = (listed[0]["id"].clone(), listed[1]["id"].clone());
        let (a, b) = tokio::join!(
            first
                .patch(app.url(&format!("/api/contacts/{second_id}")))
                .json(&json!({"can_manage_contacts": false}))
                .send(),
            second
                .patch(app.url(&format!("/api/contacts/{first_id}")))
                .json(&json!({"can_manage_contacts": false}))
                .send(),
        );
        let mut statuses = [
            a.expect("patch").status().as_u16(),
            b.expect("patch").status().as_u16(),
        ];
        statuses.sort_unstable();
        // One wins; the other either finds itself no longer a manager (403) or would leave
        // none (409).
        assert_eq!(statuses[0], 200, "{statuses:?}");
        assert!(matches!(statuses[1], 403 | 409), "{statuses:?}");
        let managers = contacts(&app, &first)
            .await
            .iter()
            .filter(|c| c["can_manage_contacts"] == true)
            .count();
        assert_eq!(managers, 1);
    }
}

async fn the_policys_contact_limit_and_delegation_rule_are_enforced(backend: Backend) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let file = folder.path().join("policy.toml");
    let text = support_rules::DEFAULT_POLICY_TOML
        .replace("delegable = true", "delegable = false\nmax_contacts = 2");
    assert_ne!(text, support_rules::DEFAULT_POLICY_TOML);
    std::fs::write(&file, text).expect("write the policy");
    let app = crate::helpers::spawn_app_with(backend, move |settings| {
        settings.policy_file = Some(file);
    })
    .await;
    let manager = app.manager().await;
    let body = problem(
        manager
            .post(app.url("/api/contacts"))
            .json(&json!({"email": "m@example.com", "can_manage_contacts": true}))
            .send()
            .await
            .expect("add"),
        403,
    )
    .await;
    assert!(body["detail"].as_str().expect("detail").contains("grant"));
    let added = manager
        .post(app.url("/api/contacts"))
        .json(&json!({"email": "c@example.com"}))
        .send()
        .await
        .expect("add");
    assert_eq!(added.status(), 201);
    let id = added.json::<Value>().await.expect("json")["id"].clone();
    problem(
        manager
            .patch(app.url(&format!("/api/contacts/{id}")))
            .json(&json!({"can_manage_contacts": true}))
            .send()
            .await
            .expect("patch"),
        403,
    )
    .await;
    // A third contact is one too many; a person who is not a contact is fine.
    let body = problem(
        manager
            .post(app.url("/api/contacts"))
            .json(&json!({"email": "third@example.com"}))
            .send()
            .await
            .expect("add"),
        409,
    )
    .await;
    assert_eq!(body["type"], "/problems/contact-limit");
    let member = manager
        .post(app.url("/api/contacts"))
        .json(&json!({"email": "third@example.com", "is_contact": false}))
        .send()
        .await
        .expect("add");
    assert_eq!(member.status(), 201);
    let member_id = member.json::<Value>().await.expect("json")["id"].clone();
    problem(
        manager
            .patch(app.url(&format!("/api/contacts/{member_id}")))
            .json(&json!({"is_contact": true}))
            .send()
            .await
            .expect("patch"),
        409,
    )
    .await;
    assert_eq!(contacts(&app, &manager).await.len(), 2);
}

on_both!(
    the_policys_contact_limit_and_delegation_rule_are_enforced,
    two_managers_removing_each_other_at_once_leave_one,
    a_manager_adds_a_contact_who_cannot_sign_in_until_a_password_is_set,
    only_managers_change_contacts,
    the_account_keeps_a_contact_who_can_manage_contacts,
    removing_a_contact_keeps_the_person_but_not_the_role,
    another_accounts_people_are_out_of_reach,
    a_bad_contact_is_422_with_the_field,
);
