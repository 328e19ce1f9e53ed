//! `/quan-tri/nhat-ky`: the audit log of the admin's subtree. The filter is a plain GET form
//! (works without JavaScript); "older" and the download are links carrying the same query.

use super::*;
use crate::domain::audit::{query_string, AuditAction};
use crate::i18n::*;
use crate::label;
use crate::platform::messages::{error_text, field_message};
use crate::ui::forms::Field;
use crate::ui::{Page, RequireUser};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The label of an action; a code this build does not know (written by a newer or older one)
/// shows as it is.
pub fn action_label(l: Locale, code: &str) -> String {
    match AuditAction::from_code(code) {
        Some(a) => label_of(l, a).to_string(),
        None => code.to_string(),
    }
}

fn label_of(l: Locale, a: AuditAction) -> &'static str {
    use AuditAction::*;
    match a {
        SignIn => td_string!(l, audit_action_sign_in),
        SignInFailed => td_string!(l, audit_action_sign_in_failed),
        SignOut => td_string!(l, audit_action_sign_out),
        SignOutEverywhere => td_string!(l, audit_action_sign_out_everywhere),
        PasskeyAdded => td_string!(l, audit_action_passkey_added),
        PasskeysRemoved => td_string!(l, audit_action_passkeys_removed),
        AccountActivated => td_string!(l, audit_action_account_activated),
        PasswordReset => td_string!(l, audit_action_password_reset),
        PasswordConfirmed => td_string!(l, audit_action_password_confirmed),
        AccountDisabled => td_string!(l, audit_action_account_disabled),
        AccountEnabled => td_string!(l, audit_action_account_enabled),
        JoinRequestedForActiveAccount => {
            td_string!(l, audit_action_join_requested_for_active_account)
        }
        JoinRequested => td_string!(l, audit_action_join_requested),
        JoinApproved => td_string!(l, audit_action_join_approved),
        JoinRejected => td_string!(l, audit_action_join_rejected),
        ActivationCodeIssued => td_string!(l, audit_action_activation_code_issued),
        ResetCodeIssued => td_string!(l, audit_action_reset_code_issued),
        ContactChangeRequested => td_string!(l, audit_action_contact_change_requested),
        ContactChangeApproved => td_string!(l, audit_action_contact_change_approved),
        ContactChangeRejected => td_string!(l, audit_action_contact_change_rejected),
        RoleGranted => td_string!(l, audit_action_role_granted),
        RoleRevoked => td_string!(l, audit_action_role_revoked),
        DocumentPublished => td_string!(l, audit_action_document_published),
        DocumentEdited => td_string!(l, audit_action_document_edited),
        DocumentWithdrawn => td_string!(l, audit_action_document_withdrawn),
        AttachmentUploaded => td_string!(l, audit_action_attachment_uploaded),
        QuestionAdded => td_string!(l, audit_action_document_question_added),
        ReadingReminder => td_string!(l, audit_action_reading_reminder),
        Initialized => td_string!(l, audit_action_system_init),
        NoSmartphoneSet => td_string!(l, audit_action_member_no_smartphone),
        OrgCreate => td_string!(l, audit_action_org_create),
        OrgRename => td_string!(l, audit_action_org_rename),
        OrgMove => td_string!(l, audit_action_org_move),
        OrgMerge => td_string!(l, audit_action_org_merge),
        OrgDissolve => td_string!(l, audit_action_org_dissolve),
        ImportUploaded => td_string!(l, audit_action_register_import_upload),
        ImportChecked => td_string!(l, audit_action_register_import_check),
        ImportApplied => td_string!(l, audit_action_register_import),
        ImportDiscarded => td_string!(l, audit_action_register_import_discard),
        OrgImportApplied => td_string!(l, audit_action_org_import),
        MeetingCreate => td_string!(l, audit_action_meeting_create),
        MeetingUpdate => td_string!(l, audit_action_meeting_update),
        MeetingPublish => td_string!(l, audit_action_meeting_publish),
        MeetingCancel => td_string!(l, audit_action_meeting_cancel),
        MeetingStart => td_string!(l, audit_action_meeting_start),
        MeetingFinish => td_string!(l, audit_action_meeting_finish),
        AgendaAdd => td_string!(l, audit_action_meeting_agenda_add),
        AgendaRemove => td_string!(l, audit_action_meeting_agenda_remove),
        MaterialAttach => td_string!(l, audit_action_meeting_attach_document),
        MaterialDetach => td_string!(l, audit_action_meeting_detach_document),
        Attendance => td_string!(l, audit_action_meeting_attendance),
        AllPresent => td_string!(l, audit_action_meeting_all_present),
        MotionOpen => td_string!(l, audit_action_meeting_open_motion),
        MotionClose => td_string!(l, audit_action_meeting_close_motion),
        Rsvp => td_string!(l, audit_action_meeting_rsvp),
        Comment => td_string!(l, audit_action_meeting_comment),
        Vote => td_string!(l, audit_action_meeting_vote),
        Minutes => td_string!(l, audit_action_meeting_minutes),
        ScheduleSet => td_string!(l, audit_action_meeting_schedule),
        TaskAssign => td_string!(l, audit_action_task_assign),
        TaskReport => td_string!(l, audit_action_task_report),
    }
}

/// The filter as typed (the page's query).
#[derive(Clone, Debug, Default, PartialEq)]
struct Query {
    person: String,
    action: String,
    from: String,
    to: String,
    before: String,
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k).unwrap_or_default();
            Query {
                person: get("nguoi"),
                action: get("hanh_dong"),
                from: get("tu_ngay"),
                to: get("den_ngay"),
                before: get("truoc"),
            }
        })
    };
    let data = Resource::new(params, |q| {
        audit_log(q.person, q.action, q.from, q.to, q.before)
    });
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), audit_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, audit_title)}</h1>
                <p class="note">{t!(i18n, audit_intro)}</p>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        let q = params();
                        match data.await {
                            // No right: the message alone, no form.
                            Err(e) if !matches!(e, AppError::Invalid(_)) => {
                                view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p></div> }.into_any()
                            }
                            Err(e) => view! { <FilterForm q error=Some(e) /> }.into_any(),
                            Ok(page) => view! { <FilterForm q=q.clone() error=None /> <Entries page q /> }.into_any(),
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}

#[component]
fn FilterForm(q: Query, error: Option<AppError>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let error = Signal::derive(move || error.clone());
    let selected = q.action.clone();
    let action_error = move || error.get().and_then(|e| field_message(l, &e, "hanh_dong"));
    view! {
        <form method="get" action="/quan-tri/nhat-ky" class="form card" data-testid="audit-filter">
            <Field name="nguoi" label=label!(i18n, audit_person) hint=label!(i18n, audit_person_hint) value=q.person.clone() error />
            <div class="field">
                <label for="f-hanh_dong">{t!(i18n, audit_action)}</label>
                <select id="f-hanh_dong" name="hanh_dong" aria-invalid=move || action_error().map(|_| "true")>
                    <option value="" selected={selected.is_empty()}>{t!(i18n, audit_action_all)}</option>
                    {AuditAction::ALL.iter().map(|a| {
                        let code = a.code();
                        view! { <option value=code selected={selected == code}>{label_of(l, *a)}</option> }
                    }).collect_view()}
                </select>
                {move || action_error().map(|m| view! { <p class="field-error" id="f-hanh_dong-err">{m}</p> })}
            </div>
            <Field name="tu_ngay" label=label!(i18n, audit_from) hint=label!(i18n, audit_date_hint) value=q.from.clone() error />
            <Field name="den_ngay" label=label!(i18n, audit_to) value=q.to.clone() error />
            <button type="submit" class="btn btn-primary btn-wide" data-testid="audit-show">{t!(i18n, audit_show)}</button>
        </form>
    }
}

#[component]
fn Entries(page: AuditList, q: Query) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let filter = query_string(&q.person, &q.action, &q.from, &q.to);
    let with = |extra: &str| match (filter.is_empty(), extra.is_empty()) {
        (true, true) => String::new(),
        (true, false) => format!("?{extra}"),
        (false, true) => format!("?{filter}"),
        (false, false) => format!("?{filter}&{extra}"),
    };
    let csv = format!("/quan-tri/nhat-ky.csv{}", with(""));
    let newest = (!q.before.is_empty()).then(|| format!("/quan-tri/nhat-ky{}", with("")));
    let older = page
        .older
        .clone()
        .map(|c| format!("/quan-tri/nhat-ky{}", with(&format!("truoc={c}"))));
    view! {
        <p class="actions">
            <a class="btn btn-secondary" href=csv rel="external" download data-testid="audit-csv">{t!(i18n, audit_download_csv)}</a>
        </p>
        {if page.entries.is_empty() {
            view! { <p class="note" data-testid="audit-none">{t!(i18n, audit_none)}</p> }.into_any()
        } else {
            view! {
                <ul class="plain-list" data-testid="audit-entries">
                    {page.entries.into_iter().map(|e| view! {
                        <li class="item" data-testid="audit-entry" data-action=e.action.clone()>
                            <p class="item-title">{action_label(l, &e.action)}</p>
                            <p class="note">
                                <time>{e.at.clone()}</time>" · "{t!(i18n, audit_col_actor)}": "
                                {e.actor.clone().unwrap_or_else(|| td_string!(l, audit_unknown_actor).to_string())}
                                {e.on_behalf.clone().map(|m| view! { " · "{t!(i18n, audit_col_on_behalf)}": "{m} })}
                            </p>
                            <p class="note">
                                {t!(i18n, audit_col_org)}": "{e.org.clone()}
                                {e.ip.clone().map(|ip| view! { " · "{t!(i18n, audit_col_ip)}": "{ip} })}
                            </p>
                            {e.detail.clone().map(|d| view! { <p class="note">{t!(i18n, audit_col_detail)}": "{d}</p> })}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <p class="actions">
            {newest.map(|href| view! { <a class="btn btn-secondary" href=href>{t!(i18n, audit_newest)}</a> })}
            {older.map(|href| view! { <a class="btn btn-secondary" href=href data-testid="audit-older">{t!(i18n, audit_older)}</a> })}
        </p>
    }
}
