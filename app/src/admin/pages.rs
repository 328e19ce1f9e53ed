//! `/quan-tri`: the organisation tree of the admin's subtree, one level at a time, with the
//! forms to create, rename, move, merge and dissolve.

use super::*;
use crate::domain::permission::Role;
use crate::i18n::*;
use crate::label;
use crate::platform::messages::error_text;
use crate::ui::forms::{action_error, Field, FormError};
use crate::ui::{Page, RequireUser};
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

pub fn kind_name(l: Locale, kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Central => td_string!(l, adm_kind_trung_uong),
        OrgKind::Province => td_string!(l, adm_kind_tinh),
        OrgKind::Committee => td_string!(l, adm_kind_dang_uy),
        OrgKind::GrassrootsCommittee => td_string!(l, adm_kind_dang_bo_co_so),
        OrgKind::GrassrootsCell => td_string!(l, adm_kind_chi_bo_co_so),
        OrgKind::Cell => td_string!(l, adm_kind_chi_bo),
    }
}

#[component]
pub fn TreePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let org = move || {
        query.with(|q| {
            q.get("don_vi")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        })
    };
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || (org(), version.get()), |(o, _)| org_tree(o));
    // Forms carry prefilled text: drawn after hydration.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), adm_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, adm_title)}</h1>
                <p class="actions">
                    <a class="btn btn-secondary" href="/quan-tri/tai-khoan">{t!(i18n, manage_title)}</a>
                    <a class="btn btn-secondary" href="/thong-ke">{t!(i18n, st_title)}</a>
                    <a class="btn btn-secondary" href="/quan-tri/nhap-du-lieu">{t!(i18n, adm_import_link)}</a>
                    <a class="btn btn-secondary" href=move || format!("/quan-tri/doi-soat?don_vi={}", org())>{t!(i18n, adm_reconcile_link)}</a>
                </p>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p></div> }.into_any(),
                            // Only admins get the tree, and only admins read the audit log.
                            Ok(v) => view! {
                                <p class="actions"><a class="btn btn-secondary" href="/quan-tri/nhat-ky" data-testid="audit-link">{t!(i18n, adm_audit_link)}</a></p>
                                <TreeBody v version hydrated />
                            }.into_any(),
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}

#[component]
fn TreeBody(v: TreeView, version: RwSignal<u32>, hydrated: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let o = v.org.clone();
    let id = o.id;
    let v2 = v.clone();
    view! {
        {(!v.breadcrumb.is_empty()).then(|| view! {
            <nav aria-label=td_string!(l, adm_breadcrumb) class="breadcrumb">
                <ol>
                    {v.breadcrumb.iter().cloned().map(|(bid, name)| view! { <li><a href=format!("/quan-tri?don_vi={bid}")>{name}</a></li> }).collect_view()}
                </ol>
            </nav>
        })}
        <section class="card" aria-labelledby="adm-org">
            <h2 id="adm-org" data-testid="org-name">{o.name.clone()}</h2>
            <p class="meta">{kind_name(l, o.kind)}" · "{t!(i18n, adm_code)}" "{o.code.clone()}" · "{o.members}" "{t!(i18n, adm_members_short)}</p>
            {if v.children.is_empty() {
                view! { <p class="note">{t!(i18n, adm_no_children)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {v.children.iter().map(|c| view! {
                            <li class="item" data-testid="org-child">
                                <a class="item-title" href=format!("/quan-tri?don_vi={}", c.id)>{c.name.clone()}</a>
                                <p class="note">{kind_name(l, c.kind)}" · "{c.code.clone()}" · "{c.members}" "{t!(i18n, adm_members_short)}
                                    {(c.children > 0).then(|| view! { " · "{c.children}" "{t!(i18n, adm_children_short)} })}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <Show when=move || hydrated.get()>
            {let v = v2.clone(); view! {
                {(!v.child_kinds.is_empty()).then(|| view! { <CreateForm parent_id=id kinds=v.child_kinds.clone() version /> })}
                {v.may_change.then(|| view! { <ChangeForms v=v.clone() version /> })}
                <Roles org_id=id />
            }}
        </Show>
    }
}

#[component]
fn CreateForm(parent_id: i64, kinds: Vec<OrgKind>, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let action = ServerAction::<CreateOrg>::new();
    let error = action_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            version.update(|n| *n += 1);
        }
    });
    view! {
        <details class="card admin-form">
            <summary>{t!(i18n, adm_create)}</summary>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="parent_id" value=parent_id.to_string() />
                <div class="field">
                    <label for="f-kind">{t!(i18n, adm_kind)}</label>
                    <select id="f-kind" name="kind">
                        {kinds.iter().map(|k| view! { <option value=k.code()>{kind_name(l, *k)}</option> }).collect_view()}
                    </select>
                </div>
                <Field name="name" label=label!(i18n, adm_name) error />
                <Field name="code" label=label!(i18n, adm_code) hint=label!(i18n, adm_code_hint) error />
                <button type="submit" class="btn btn-primary btn-wide" data-testid="org-create">{t!(i18n, adm_create_submit)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn ChangeForms(v: TreeView, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let id = v.org.id;
    let parent = v.breadcrumb.last().map(|(p, _)| *p).unwrap_or(0);
    let rename = ServerAction::<RenameOrg>::new();
    let mv = ServerAction::<MoveOrg>::new();
    let merge = ServerAction::<MergeOrg>::new();
    let dissolve = ServerAction::<DissolveOrg>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = rename.value().get() {
            version.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = mv.value().get() {
            version.update(|n| *n += 1);
        }
    });
    // After a merge or dissolution the organisation is gone from the tree: back to its parent.
    Effect::new(move |_| {
        if matches!(merge.value().get(), Some(Ok(_)))
            || matches!(dissolve.value().get(), Some(Ok(_)))
        {
            navigate(&format!("/quan-tri?don_vi={parent}"), Default::default());
        }
    });
    let (re, me, mge, de) = (
        action_error(rename.value()),
        action_error(mv.value()),
        action_error(merge.value()),
        action_error(dissolve.value()),
    );
    view! {
        <details class="card admin-form">
            <summary>{t!(i18n, adm_rename)}</summary>
            <FormError error=re />
            <ActionForm action=rename attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <Field name="name" label=label!(i18n, adm_new_name) value=v.org.name.clone() error=re />
                <button type="submit" class="btn btn-primary btn-wide" data-testid="org-rename">{t!(i18n, adm_rename_submit)}</button>
            </ActionForm>
        </details>
        <details class="card admin-form">
            <summary>{t!(i18n, adm_move)}</summary>
            <p class="note">{t!(i18n, adm_move_note)}</p>
            <FormError error=me />
            <ActionForm action=mv attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <Field name="new_parent_code" label=label!(i18n, adm_new_parent_code) error=me />
                <button type="submit" class="btn btn-primary btn-wide" data-testid="org-move">{t!(i18n, adm_move_submit)}</button>
            </ActionForm>
        </details>
        <details class="card admin-form">
            <summary>{t!(i18n, adm_merge)}</summary>
            <p class="note">{t!(i18n, adm_merge_note)}</p>
            <FormError error=mge />
            <ActionForm action=merge attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <Field name="into_code" label=label!(i18n, adm_into_code) error=mge />
                <button type="submit" class="btn btn-primary btn-wide" data-testid="org-merge">{t!(i18n, adm_merge_submit)}</button>
            </ActionForm>
        </details>
        {(v.org.members == 0 && v.children.is_empty()).then(|| view! {
            <details class="card admin-form">
                <summary>{t!(i18n, adm_dissolve)}</summary>
                <FormError error=de />
                <ActionForm action=dissolve attr:class="form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="btn btn-secondary btn-wide" data-testid="org-dissolve">{t!(i18n, adm_dissolve_submit)}</button>
                </ActionForm>
            </details>
        })}
    }
}

pub fn role_name(l: Locale, role: Role) -> &'static str {
    match role {
        Role::Admin => td_string!(l, adm_role_admin),
        Role::Assistant => td_string!(l, adm_role_assistant),
        Role::Editor => td_string!(l, adm_role_editor),
        // Cell positions are not granted here.
        other => crate::home::pages::role_name(l, other),
    }
}

/// Who holds quản trị, trợ lý or ban biên tập over this organisation; grant and revoke.
#[component]
fn Roles(org_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let grant = ServerAction::<GrantRole>::new();
    let revoke = ServerAction::<crate::accounts::SetRole>::new();
    let holders = Resource::new(
        move || (grant.version().get(), revoke.version().get()),
        move |_| org_roles(org_id),
    );
    let error = action_error(grant.value());
    let revoke_error = action_error(revoke.value());
    view! {
        <section class="card" aria-labelledby="adm-roles">
            <h2 id="adm-roles">{t!(i18n, adm_roles)}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match holders.await {
                        Err(e) => view! { <p class="alert alert-error" role="alert">{error_text(l, e.key())}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="note">{t!(i18n, adm_roles_none)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain-list">
                                {list.into_iter().map(|h| view! {
                                    <li class="item item-row" data-testid="role-holder">
                                        <p><strong>{h.full_name.clone()}</strong>" — "{role_name(l, h.role)}<br /><span class="note">{h.org_name.clone()}</span></p>
                                        <button type="button" class="btn btn-secondary" data-testid="role-revoke"
                                            on:click=move |_| { revoke.dispatch(crate::accounts::SetRole { member_id: h.member_id, org_id, role: h.role.code().to_string(), grant: false }); }>
                                            {t!(i18n, adm_role_revoke)}
                                        </button>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            <FormError error=revoke_error />
            <crate::accounts::pages::ReauthPrompt error=revoke_error />
            <details class="admin-form">
                <summary>{t!(i18n, adm_role_grant)}</summary>
                <FormError error />
                <crate::accounts::pages::ReauthPrompt error />
                <ActionForm action=grant attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="org_id" value=org_id.to_string() />
                    <Field name="identifier" label=label!(i18n, adm_role_who) hint=label!(i18n, adm_role_who_hint) error />
                    <div class="field">
                        <label for="f-role">{t!(i18n, adm_role)}</label>
                        <select id="f-role" name="role">
                            {[Role::Admin, Role::Assistant, Role::Editor].into_iter().map(|r| view! {
                                <option value=r.code()>{role_name(l, r)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="btn btn-primary btn-wide" data-testid="role-grant">{t!(i18n, adm_role_grant_submit)}</button>
                </ActionForm>
            </details>
        </section>
    }
}
