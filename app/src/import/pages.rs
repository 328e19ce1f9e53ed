//! `/quan-tri/nhap-du-lieu`: upload (a plain multipart form, works without JavaScript), then
//! one page per job that follows it through reading, column mapping, the dry run and applying,
//! polling while a step runs. `/quan-tri/doi-soat`: who cannot sign in and why, and exemption
//! counts of the imported register against the app.

use super::*;
use crate::i18n::*;
use crate::platform::messages::error_text;
use crate::ui::forms::{action_error, FormError};
use crate::ui::{Page, RequireUser};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

pub fn field_name(l: Locale, code: &str) -> &'static str {
    match code {
        "org_code" => td_string!(l, imp_field_org_code),
        "member_code" => td_string!(l, imp_field_member_code),
        "full_name" => td_string!(l, imp_field_full_name),
        "birth_date" => td_string!(l, imp_field_birth_date),
        "gender" => td_string!(l, imp_field_gender),
        "ethnicity" => td_string!(l, imp_field_ethnicity),
        "hometown" => td_string!(l, imp_field_hometown),
        "cccd" => td_string!(l, imp_field_cccd),
        "phone" => td_string!(l, imp_field_phone),
        "card_number" => td_string!(l, imp_field_card_number),
        "joined_date" => td_string!(l, imp_field_joined_date),
        "official_date" => td_string!(l, imp_field_official_date),
        "status" => td_string!(l, imp_field_status),
        "exempt_since" => td_string!(l, imp_field_exempt_since),
        "exempt_reason" => td_string!(l, imp_field_exempt_reason),
        "position" => td_string!(l, imp_field_position),
        "address" => td_string!(l, imp_field_address),
        "no_smartphone" => td_string!(l, imp_field_no_smartphone),
        "org_name" => td_string!(l, imp_field_org_name),
        "org_kind" => td_string!(l, imp_field_org_kind),
        "parent_code" => td_string!(l, imp_field_parent_code),
        _ => td_string!(l, imp_field_row),
    }
}

/// The columns of a tree file, in the order the mapping step offers them.
const ORG_FIELD_CODES: [&str; 4] = ["org_code", "org_name", "org_kind", "parent_code"];

fn kind_label(l: Locale, kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Members => td_string!(l, imp_kind_members),
        ImportKind::Orgs => td_string!(l, imp_kind_orgs),
    }
}

/// The fields in the order the mapping step offers them.
const FIELD_CODES: [&str; 18] = [
    "org_code",
    "member_code",
    "full_name",
    "birth_date",
    "gender",
    "ethnicity",
    "hometown",
    "cccd",
    "phone",
    "card_number",
    "joined_date",
    "official_date",
    "status",
    "exempt_since",
    "exempt_reason",
    "position",
    "address",
    "no_smartphone",
];

fn stage_name(l: Locale, stage: ImportStage) -> &'static str {
    match stage {
        ImportStage::Reading => td_string!(l, imp_stage_reading),
        ImportStage::Mapping => td_string!(l, imp_stage_mapping),
        ImportStage::Checking => td_string!(l, imp_stage_checking),
        ImportStage::Checked => td_string!(l, imp_stage_checked),
        ImportStage::Applying => td_string!(l, imp_stage_applying),
        ImportStage::Applied => td_string!(l, imp_stage_applied),
        ImportStage::Discarded => td_string!(l, imp_stage_discarded),
        ImportStage::Failed => td_string!(l, imp_stage_failed),
    }
}

fn encoding_name(l: Locale, code: &str) -> &'static str {
    match code {
        "utf8" => td_string!(l, imp_enc_utf8),
        "utf8_bom" => td_string!(l, imp_enc_utf8_bom),
        "utf16" => td_string!(l, imp_enc_utf16),
        "windows_1258" => td_string!(l, imp_enc_windows_1258),
        _ => td_string!(l, imp_enc_xlsx),
    }
}

fn reason_short(l: Locale, reason: BlockedReason) -> &'static str {
    match reason {
        BlockedReason::NoPhone => td_string!(l, rec_short_no_phone),
        BlockedReason::NoAccount => td_string!(l, rec_short_no_account),
        BlockedReason::Pending => td_string!(l, rec_short_pending),
        BlockedReason::NoPassword => td_string!(l, rec_short_no_password),
        BlockedReason::Locked => td_string!(l, rec_short_locked),
        BlockedReason::Rejected => td_string!(l, rec_short_rejected),
    }
}

fn reason_long(l: Locale, reason: BlockedReason) -> &'static str {
    match reason {
        BlockedReason::NoPhone => td_string!(l, rec_reason_no_phone),
        BlockedReason::NoAccount => td_string!(l, rec_reason_no_account),
        BlockedReason::Pending => td_string!(l, rec_reason_pending),
        BlockedReason::NoPassword => td_string!(l, rec_reason_no_password),
        BlockedReason::Locked => td_string!(l, rec_reason_locked),
        BlockedReason::Rejected => td_string!(l, rec_reason_rejected),
    }
}

fn show_value(l: Locale, field: &str, v: &str) -> String {
    if v.is_empty() {
        return td_string!(l, imp_empty_value).to_string();
    }
    if field == "no_smartphone" {
        return td_string!(l, imp_yes).to_string();
    }
    if field == "org_kind" {
        return crate::domain::org::OrgKind::from_code(v)
            .map(|k| crate::admin::pages::kind_name(l, k))
            .unwrap_or("")
            .to_string();
    }
    // ISO dates read as Vietnamese dates.
    if field.ends_with("_date") || field == "exempt_since" {
        if let Ok(d) = crate::domain::register::Date::parse(v) {
            return d.to_string();
        }
    }
    v.to_string()
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let job = move || query.with(|q| q.get("lan").and_then(|v| v.parse::<i64>().ok()));
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), imp_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, imp_title)}</h1>
                {move || match job() {
                    Some(id) => view! { <JobPanel id /> }.into_any(),
                    None => view! { <UploadPanel /> }.into_any(),
                }}
            </RequireUser>
        </Page>
    }
}

#[component]
fn UploadPanel() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let error = query.with_untracked(|q| q.get("loi"));
    let data = Resource::new(|| (), |_| import_overview());
    view! {
        <p>{t!(i18n, imp_intro)}</p>
        {error.map(|key| view! { <div class="alert alert-error" role="alert" data-testid="import-error"><p>{move || error_text(i18n.get_locale(), &key)}</p></div> })}
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p></div> }.into_any(),
                    Ok(o) => view! {
                        <section class="card" aria-labelledby="imp-upload">
                            <h2 id="imp-upload" class="visually-hidden">{t!(i18n, imp_upload)}</h2>
                            <form method="post" action="/quan-tri/nhap-du-lieu/tep" enctype="multipart/form-data" class="form">
                                <div class="field">
                                    <label for="f-imp-org">{t!(i18n, imp_org)}</label>
                                    <select id="f-imp-org" name="don_vi">
                                        {o.orgs.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                                    </select>
                                </div>
                                <fieldset class="field">
                                    <legend>{t!(i18n, imp_kind)}</legend>
                                    <label class="choice"><input type="radio" name="loai" value="to_chuc" data-testid="import-kind-orgs" />" "{t!(i18n, imp_kind_orgs)}</label>
                                    <label class="choice"><input type="radio" name="loai" value="dang_vien" checked data-testid="import-kind-members" />" "{t!(i18n, imp_kind_members)}</label>
                                    <p class="hint">{t!(i18n, imp_kind_hint)}</p>
                                </fieldset>
                                <div class="field">
                                    <label for="f-imp-file">{t!(i18n, imp_file)}</label>
                                    <p class="hint" id="f-imp-file-hint">{t!(i18n, imp_file_hint)}</p>
                                    <input id="f-imp-file" type="file" name="tep" aria-describedby="f-imp-file-hint"
                                        accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
                                </div>
                                <button type="submit" class="btn btn-primary btn-wide" data-testid="import-upload">{t!(i18n, imp_upload)}</button>
                            </form>
                        </section>
                        <section class="card" aria-labelledby="imp-recent">
                            <h2 id="imp-recent">{t!(i18n, imp_recent)}</h2>
                            {if o.jobs.is_empty() {
                                view! { <p class="note">{t!(i18n, imp_none)}</p> }.into_any()
                            } else {
                                let l = i18n.get_locale_untracked();
                                view! {
                                    <ul class="plain-list">
                                        {o.jobs.iter().map(|j| view! {
                                            <li class="item">
                                                <a class="item-title" href=format!("/quan-tri/nhap-du-lieu?lan={}", j.id)>{j.file_name.clone()}</a>
                                                <p class="note">{kind_label(l, j.kind)}" · "{j.org_name.clone()}" · "{j.created.clone()}" · "{stage_name(l, j.stage)}</p>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn JobPanel(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(0u32);
    let data = Resource::new(move || tick.get(), move |_| import_job(id));
    // While a step runs, ask again every second (the answer carries the progress).
    Effect::new(move |_| {
        if let Some(Ok(j)) = data.get() {
            if j.stage.is_running() {
                set_timeout(
                    move || tick.update(|n| *n += 1),
                    std::time::Duration::from_millis(1000),
                );
            }
        }
    });
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p></div> }.into_any(),
                    Ok(j) => view! { <JobBody j tick /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn JobBody(j: JobView, tick: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let stage = j.stage;
    let header = view! {
        <section class="card" aria-labelledby="imp-job">
            <h2 id="imp-job" data-testid="import-file">{j.file_name.clone()}</h2>
            <p class="meta">
                <span data-testid="import-kind">{kind_label(l, j.kind)}</span>" · "{j.org_name.clone()}" · "{j.created.clone()}
                {j.encoding.clone().map(|e| view! { " · "{t!(i18n, imp_read_as)}" "<span data-testid="import-encoding">{encoding_name(l, &e)}</span> })}
            </p>
            <p data-testid="import-stage" class="status-line">{stage_name(l, stage)}</p>
        </section>
    };
    let body = match stage {
        ImportStage::Reading | ImportStage::Checking | ImportStage::Applying => {
            let (done, total) = j.progress.unwrap_or((0, 0));
            view! {
                <section class="card" aria-live="polite">
                    <label for="imp-progress">{stage_name(l, stage)}</label>
                    {if total > 0 {
                        view! { <progress id="imp-progress" data-testid="import-progress" max=total.to_string() value=done.to_string()></progress> }.into_any()
                    } else {
                        view! { <progress id="imp-progress" data-testid="import-progress"></progress> }.into_any()
                    }}
                    {(total > 0).then(|| view! { <p class="note">{done}" "{t!(i18n, imp_rows_of)}" "{total}</p> })}
                    <p class="note">{t!(i18n, imp_wait)}</p>
                </section>
            }
            .into_any()
        }
        ImportStage::Mapping => view! { <MappingForm j=j.clone() tick /> }.into_any(),
        ImportStage::Checked => view! { <Checked j=j.clone() tick /> }.into_any(),
        ImportStage::Applied => {
            let r = j.result.clone().unwrap_or_default();
            let orgs = j.kind == ImportKind::Orgs;
            view! {
                <section class="card" aria-labelledby="imp-applied">
                    <h2 id="imp-applied">{t!(i18n, imp_applied)}</h2>
                    <dl class="figures" data-testid="import-result">
                        <div><dt>{t!(i18n, imp_inserted)}</dt><dd data-testid="result-inserted">{r.inserted}</dd></div>
                        <div><dt>{t!(i18n, imp_updated)}</dt><dd data-testid="result-updated">{r.updated}</dd></div>
                        <div><dt>{if orgs { td_string!(l, imp_moved_orgs) } else { td_string!(l, imp_moved) }}</dt><dd>{r.moved}</dd></div>
                        <div><dt>{t!(i18n, imp_unchanged)}</dt><dd>{r.unchanged}</dd></div>
                        <div><dt>{t!(i18n, imp_skipped)}</dt><dd>{r.skipped}</dd></div>
                        {orgs.then(|| view! { <div><dt>{t!(i18n, imp_dissolved)}</dt><dd data-testid="result-dissolved">{r.dissolved}</dd></div> })}
                    </dl>
                    <p class="actions">
                        {if orgs {
                            view! {
                                <a class="btn btn-primary" href="/quan-tri/nhap-du-lieu" rel="external" data-testid="import-then-members">{t!(i18n, imp_then_members)}</a>
                                <a class="btn btn-secondary" href="/quan-tri">{t!(i18n, imp_see_tree)}</a>
                            }.into_any()
                        } else {
                            view! {
                                <a class="btn btn-primary" href=format!("/quan-tri/doi-soat?don_vi={}", j.org_id) data-testid="import-reconcile">{t!(i18n, imp_reconcile)}</a>
                                <a class="btn btn-secondary" href="/quan-tri/nhap-du-lieu" rel="external">{t!(i18n, imp_new_file)}</a>
                            }.into_any()
                        }}
                    </p>
                </section>
            }
            .into_any()
        }
        _ => {
            let key = j.error_key.clone();
            let line = j.error_line;
            view! {
                <section class="card">
                    {key.map(|k| view! {
                        <div class="alert alert-error" role="alert" data-testid="import-failed">
                            <p>{error_text(l, &k)}{line.map(|n| view! { " ("{t!(i18n, imp_line)}" "{n}")" })}</p>
                        </div>
                    })}
                    <p><a class="btn btn-primary" href="/quan-tri/nhap-du-lieu" rel="external">{t!(i18n, imp_new_file)}</a></p>
                </section>
            }
            .into_any()
        }
    };
    view! { {header} {body} }
}

#[component]
fn MappingForm(j: JobView, tick: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let id = j.id;
    let choices: Vec<RwSignal<String>> = j
        .columns
        .iter()
        .map(|c| RwSignal::new(c.field.clone().unwrap_or_default()))
        .collect();
    let fields: &'static [&'static str] = if j.kind == ImportKind::Orgs {
        &ORG_FIELD_CODES
    } else {
        &FIELD_CODES
    };
    let action = ServerAction::<CheckImport>::new();
    let error = action_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            tick.update(|n| *n += 1);
        }
    });
    let submit = {
        let choices = choices.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mapping = choices
                .iter()
                .map(|c| c.get_untracked())
                .collect::<Vec<_>>()
                .join(",");
            action.dispatch(CheckImport { id, mapping });
        }
    };
    // Unmapped required fields and fields chosen twice, named under the form.
    let field_errors = move || match error.get() {
        Some(AppError::Invalid(fields)) => fields
            .into_iter()
            .filter(|f| f.field != "mapping" && f.field != "stage")
            .map(|f| {
                format!(
                    "{}: {}",
                    field_name(i18n.get_locale(), &f.field).trim_end_matches(" *"),
                    error_text(i18n.get_locale(), &f.key)
                )
            })
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    view! {
        <section class="card" aria-labelledby="imp-mapping">
            <h2 id="imp-mapping">{t!(i18n, imp_mapping)}</h2>
            <p class="hint">{t!(i18n, imp_mapping_hint)}</p>
            <p class="note">{j.row_count}" "{t!(i18n, imp_rows)}</p>
            {move || {
                let errs = field_errors();
                (!errs.is_empty()).then(|| view! {
                    <div class="alert alert-error" role="alert" data-testid="mapping-errors">
                        <ul>{errs.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            {move || match error.get() {
                Some(AppError::Invalid(f)) if f.iter().any(|f| f.field == "stage") => Some(view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale(), "err_import_stage")}</p></div> }.into_any()),
                Some(AppError::Invalid(_)) | None => None,
                Some(_) => Some(view! { <FormError error /> }.into_any()),
            }}
            <form class="form" on:submit=submit novalidate>
                {j.columns.iter().enumerate().map(|(i, c)| {
                    let choice = choices[i];
                    let select_id = format!("imp-col-{i}");
                    let hint_id = format!("imp-col-{i}-hint");
                    view! {
                        <div class="field mapping-row" data-testid="mapping-row">
                            <label for=select_id.clone()>{t!(i18n, imp_column)}" "{i + 1}": "<strong>{c.header.clone()}</strong></label>
                            <p class="hint" id=hint_id.clone()>{t!(i18n, imp_samples)}": "{c.samples.join(" · ")}</p>
                            <select id=select_id aria-describedby=hint_id
                                prop:value=move || choice.get()
                                on:change=move |ev| choice.set(event_target_value(&ev))>
                                <option value="">{t!(i18n, imp_not_used)}</option>
                                {fields.iter().map(|f| view! { <option value=*f selected=c.field.as_deref() == Some(*f)>{field_name(l, f)}</option> }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
                <button type="submit" class="btn btn-primary btn-wide" data-testid="import-check" disabled=move || action.pending().get()>{t!(i18n, imp_check)}</button>
            </form>
        </section>
    }
}

#[component]
fn Checked(j: JobView, tick: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let id = j.id;
    let s = j.summary.clone().unwrap_or_default();
    let apply = ServerAction::<ApplyImport>::new();
    let discard = ServerAction::<DiscardImport>::new();
    let apply_error = action_error(apply.value());
    let discard_error = action_error(discard.value());
    let remap = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(apply.value().get(), Some(Ok(())))
            || matches!(discard.value().get(), Some(Ok(())))
        {
            tick.update(|n| *n += 1);
        }
    });
    let orgs = j.kind == ImportKind::Orgs;
    let dissolve = RwSignal::new(false);
    let dissolvable = s.dissolvable;
    let writes = s.new + s.changed;
    let more = |n: u32, shown: usize| {
        (n as usize > shown).then(|| view! { <p class="note">{t!(i18n, imp_list_more)}</p> })
    };
    let j2 = j.clone();
    view! {
        {j.error_key.clone().map(|k| view! { <div class="alert alert-warning" role="alert" data-testid="import-notice"><p>{error_text(l, &k)}</p></div> })}
        <section class="card" aria-labelledby="imp-summary">
            <h2 id="imp-summary">{t!(i18n, imp_summary)}</h2>
            <dl class="figures" data-testid="import-summary">
                <div><dt>{t!(i18n, imp_rows)}</dt><dd>{s.rows}</dd></div>
                <div><dt>{t!(i18n, imp_new)}</dt><dd data-testid="sum-new">{s.new}</dd></div>
                <div><dt>{t!(i18n, imp_changed)}</dt><dd data-testid="sum-changed">{s.changed}</dd></div>
                <div><dt>{t!(i18n, imp_unchanged)}</dt><dd data-testid="sum-unchanged">{s.unchanged}</dd></div>
                <div><dt>{t!(i18n, imp_invalid)}</dt><dd data-testid="sum-invalid">{s.invalid}</dd></div>
                <div><dt>{t!(i18n, imp_missing)}</dt><dd data-testid="sum-missing">{s.missing}</dd></div>
                {if orgs {
                    view! { <div><dt>{t!(i18n, imp_moved_orgs)}</dt><dd data-testid="sum-moved">{s.moved}</dd></div> }.into_any()
                } else {
                    view! {
                        <div><dt>{t!(i18n, imp_exempt_starts)}</dt><dd>{s.exempt_starts}</dd></div>
                        <div><dt>{t!(i18n, imp_exempt_ends)}</dt><dd>{s.exempt_ends}</dd></div>
                    }.into_any()
                }}
            </dl>
            {(!orgs).then(|| view! { <p class="note" data-testid="exempt-counts">{t!(i18n, imp_exempt_counts)}" "{s.file_exempt}" · "{t!(i18n, imp_exempt_app)}" "{s.app_exempt}</p> })}
        </section>

        {(!s.invalid_list.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="imp-invalid">
                <h2 id="imp-invalid">{t!(i18n, imp_invalid)}" ("{s.invalid}")"</h2>
                <ul class="plain-list" data-testid="invalid-list">
                    {s.invalid_list.iter().map(|r| view! {
                        <li class="item">
                            <p class="item-title">{t!(i18n, imp_line)}" "{r.line}": "{r.code.clone()}" "{r.name.clone()}</p>
                            <ul>
                                {r.errors.iter().map(|e| view! { <li>{field_name(l, &e.field).trim_end_matches(" *").to_string()}": "{error_text(l, &e.key)}</li> }).collect_view()}
                            </ul>
                            {r.other_line.map(|n| view! { <p class="note">{t!(i18n, imp_other_line)}" "{n}</p> })}
                        </li>
                    }).collect_view()}
                </ul>
                {more(s.invalid, s.invalid_list.len())}
            </section>
        })}

        {(!s.changed_list.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="imp-changed">
                <h2 id="imp-changed">{t!(i18n, imp_changed)}" ("{s.changed}")"</h2>
                <ul class="plain-list" data-testid="changed-list">
                    {s.changed_list.iter().map(|r| view! {
                        <li class="item">
                            <p class="item-title">{r.code.clone()}" "{r.name.clone()}</p>
                            <ul>
                                {r.changes.iter().map(|c| view! {
                                    <li>{field_name(l, &c.field).trim_end_matches(" *").to_string()}": "
                                        <del>{show_value(l, &c.field, &c.old)}</del>" "{t!(i18n, imp_arrow)}" "<ins>{show_value(l, &c.field, &c.new)}</ins></li>
                                }).collect_view()}
                            </ul>
                        </li>
                    }).collect_view()}
                </ul>
                {more(s.changed, s.changed_list.len())}
            </section>
        })}

        {(!s.new_list.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="imp-new">
                <h2 id="imp-new">{t!(i18n, imp_new)}" ("{s.new}")"</h2>
                <ul class="plain-list" data-testid="new-list">
                    {s.new_list.iter().map(|r| {
                        // A new organisation shows the code of the one it goes under.
                        let under = if orgs { format!("{} {}", td_string!(l, imp_under), r.org) } else { r.org.clone() };
                        view! { <li>{r.code.clone()}" "{r.name.clone()}" — "{under}</li> }
                    }).collect_view()}
                </ul>
                {more(s.new, s.new_list.len())}
            </section>
        })}

        {(!s.exemption_list.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="imp-exempt">
                <h2 id="imp-exempt">{t!(i18n, imp_exemptions)}</h2>
                <ul class="plain-list" data-testid="exemption-list">
                    {s.exemption_list.iter().map(|r| {
                        let what = if r.starts { td_string!(l, imp_exempt_starts) } else { td_string!(l, imp_exempt_ends) };
                        view! { <li>{r.code.clone()}" "{r.name.clone()}": "{what}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}

        {(!s.missing_list.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="imp-missing">
                <h2 id="imp-missing">{t!(i18n, imp_missing)}" ("{s.missing}")"</h2>
                <p class="hint">{if orgs { td_string!(l, imp_missing_orgs_hint) } else { td_string!(l, imp_missing_hint) }}</p>
                <ul class="plain-list" data-testid="missing-list">
                    {s.missing_list.iter().map(|r| view! { <li>{r.code.clone()}" "{r.name.clone()}" — "{r.org.clone()}</li> }).collect_view()}
                </ul>
                {more(s.missing, s.missing_list.len())}
            </section>
        })}

        <section class="card">
            <FormError error=apply_error />
            <crate::accounts::pages::ReauthPrompt error=apply_error />
            <FormError error=discard_error />
            {(orgs && dissolvable > 0).then(|| view! {
                <div class="field">
                    <label class="choice">
                        <input type="checkbox" data-testid="import-dissolve" prop:checked=move || dissolve.get() on:change=move |ev| dissolve.set(event_target_checked(&ev)) />
                        " "{t!(i18n, imp_dissolve)}" ("{dissolvable}")"
                    </label>
                    <p class="hint">{t!(i18n, imp_dissolve_hint)}</p>
                </div>
            })}
            {if writes > 0 || (orgs && dissolvable > 0) {
                view! {
                    <p class="hint">{t!(i18n, imp_apply_hint)}</p>
                    <button type="button" class="btn btn-primary btn-wide" data-testid="import-apply"
                        disabled=move || apply.pending().get()
                        on:click=move |_| { apply.dispatch(ApplyImport { id, dissolve_missing: dissolve.get_untracked() }); }>
                        {t!(i18n, imp_apply)}
                    </button>
                }.into_any()
            } else {
                view! { <p class="alert alert-ok" role="status" data-testid="import-nothing">{t!(i18n, imp_nothing)}</p> }.into_any()
            }}
            <p class="actions">
                <button type="button" class="btn btn-secondary" data-testid="import-remap" on:click=move |_| remap.update(|r| *r = !*r)>{t!(i18n, imp_remap)}</button>
                <button type="button" class="btn btn-secondary" data-testid="import-discard" on:click=move |_| { discard.dispatch(DiscardImport { id }); }>{t!(i18n, imp_discard)}</button>
            </p>
        </section>
        <Show when=move || remap.get()>
            <MappingForm j=j2.clone() tick />
        </Show>
    }
}

#[component]
pub fn ReconcilePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let org = move || {
        query.with(|q| {
            q.get("don_vi")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        })
    };
    let data = Resource::new(org, reconciliation);
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), rec_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, rec_title)}</h1>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p></div> }.into_any(),
                            Ok(r) => view! { <ReconcileBody r /> }.into_any(),
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}

#[component]
fn ReconcileBody(r: ReconcileReport) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    view! {
        <section class="card" aria-labelledby="rec-org">
            <h2 id="rec-org" data-testid="rec-org">{r.org_name.clone()}</h2>
            <p class="meta">{r.members}" "{t!(i18n, adm_members_short)}" · "{t!(i18n, rec_blocked)}": "<span data-testid="rec-blocked-total">{r.blocked_total}</span></p>
            {r.parent.map(|p| view! { <p><a href=format!("/quan-tri/doi-soat?don_vi={p}")>{t!(i18n, rec_up)}</a></p> })}
        </section>
        <section class="card" aria-labelledby="rec-blocked">
            <h2 id="rec-blocked">{t!(i18n, rec_blocked)}</h2>
            {if r.counts.is_empty() {
                view! { <p class="alert alert-ok" role="status">{t!(i18n, rec_none)}</p> }.into_any()
            } else {
                view! {
                    <p class="hint">{t!(i18n, rec_blocked_hint)}</p>
                    <ul class="plain-list" data-testid="rec-counts">
                        {r.counts.iter().map(|(reason, n)| view! {
                            <li class="item" data-reason=reason.code()><p class="item-title">{reason_short(l, *reason)}": "{*n}</p><p class="note">{reason_long(l, *reason)}</p></li>
                        }).collect_view()}
                    </ul>
                    <ul class="plain-list" data-testid="rec-blocked-list">
                        {r.blocked.iter().map(|b| view! {
                            <li class="item" data-testid="rec-blocked-member">
                                <p class="item-title">{b.name.clone()}" ("{b.code.clone()}")"</p>
                                <p class="note">{b.org.clone()}" · "{t!(i18n, rec_reason)}": "{reason_short(l, b.reason)}
                                    {b.phone.clone().map(|p| view! { " · "<a href=format!("tel:{p}")>{p.clone()}</a> })}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                    {(r.blocked_total as usize > r.blocked.len()).then(|| view! { <p class="note">{t!(i18n, rec_shown)}" "{r.blocked.len()}" "{t!(i18n, rec_of)}" "{r.blocked_total}</p> })}
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="rec-exempt">
            <h2 id="rec-exempt">{t!(i18n, rec_exemptions)}</h2>
            <p class="hint">{t!(i18n, rec_exemptions_hint)}</p>
            {r.imported_at.clone().map(|at| view! { <p class="note">{t!(i18n, rec_imported_at)}": "{at}</p> })}
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="rec-exempt">
                <table class="data-table" data-testid="rec-exemptions">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, rec_org)}</th>
                            <th scope="col">{t!(i18n, rec_file_members)}</th>
                            <th scope="col">{t!(i18n, rec_app_members)}</th>
                            <th scope="col">{t!(i18n, rec_file_exempt)}</th>
                            <th scope="col">{t!(i18n, rec_app_exempt)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {r.exemptions.iter().map(|e| {
                            let never = td_string!(l, rec_never);
                            let differs = e.file_exempt.is_some_and(|f| f != e.app_exempt) || e.file_members.is_some_and(|f| f != e.app_members);
                            view! {
                                <tr class:row-differs=differs>
                                    <th scope="row"><a href=format!("/quan-tri/doi-soat?don_vi={}", e.org_id)>{e.org_name.clone()}</a></th>
                                    <td>{e.file_members.map(|n| n.to_string()).unwrap_or_else(|| never.to_string())}</td>
                                    <td>{e.app_members}</td>
                                    <td>{e.file_exempt.map(|n| n.to_string()).unwrap_or_else(|| never.to_string())}</td>
                                    <td>{e.app_exempt}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
