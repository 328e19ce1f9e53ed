use super::*;
use crate::domain::document::{DocType, DocumentKind};
use crate::i18n::*;
use crate::label;
use crate::platform::messages::error_text;
use crate::platform::messages::field_message;
use crate::platform::words::DateWords;
use crate::ui::forms::{action_error, ControlError, Field, FormError};
use crate::ui::{use_session, CallSecretary, Icon, Page, RequireUser};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn doc_type_name(locale: Locale, code: &str) -> &'static str {
    match DocType::from_code(code) {
        Some(DocType::Resolution) => td_string!(locale, doc_type_nghi_quyet),
        Some(DocType::Directive) => td_string!(locale, doc_type_chi_thi),
        Some(DocType::Regulation) => td_string!(locale, doc_type_quy_dinh),
        Some(DocType::Conclusion) => td_string!(locale, doc_type_ket_luan),
        Some(DocType::Plan) => td_string!(locale, doc_type_ke_hoach),
        Some(DocType::Guidance) => td_string!(locale, doc_type_huong_dan),
        Some(DocType::OfficialLetter) => td_string!(locale, doc_type_cong_van),
        Some(DocType::Announcement) => td_string!(locale, doc_type_thong_bao),
        Some(DocType::Report) => td_string!(locale, doc_type_bao_cao),
        None => "",
    }
}

/// The page listing documents, or news.
fn library_href(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Document => "/van-ban",
        DocumentKind::News => "/tin-tuc",
    }
}

#[component]
pub fn LibraryPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), library_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, library_title)}</h1>
                <Show when=move || use_session().user().map(|u| u.can_publish).unwrap_or(false)>
                    <p><a class="btn btn-primary btn-wide" href="/dang-van-ban" data-testid="publish-link">{t!(i18n, publish_link)}</a></p>
                </Show>
                <Library kind=DocumentKind::Document />
            </RequireUser>
        </Page>
    }
}

#[component]
pub fn NewsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), news_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, news_title)}</h1>
                <Library kind=DocumentKind::News />
            </RequireUser>
        </Page>
    }
}

/// Search and filters are a plain GET form: the address can be shared, and it works without
/// JavaScript.
#[component]
fn Library(kind: DocumentKind) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();
    let offset = move || get("tu").parse::<i64>().unwrap_or(0).max(0);
    let page = Resource::new(
        move || {
            (
                get("q"),
                get("loai"),
                get("nam"),
                get("cap"),
                get("luu") == "1",
                offset(),
            )
        },
        move |(q, t, y, level, saved, from)| {
            library(kind.code().to_string(), q, t, y, level, saved, from)
        },
    );
    // The next page keeps every filter and moves the offset on.
    let next_href = move || {
        let mut parts: Vec<String> = Vec::new();
        for k in ["q", "loai", "nam", "cap", "luu"] {
            let v = get(k);
            if !v.is_empty() {
                parts.push(format!(
                    "{k}={}",
                    crate::domain::url::encode_query_value(&v)
                ));
            }
        }
        parts.push(format!("tu={}", offset() + PAGE_SIZE));
        format!("{}?{}", library_href(kind), parts.join("&"))
    };
    let action = library_href(kind);
    let years: Vec<i32> = (2020..=2026).rev().collect();
    // Before any search the page shows what it is for — the documents, saved ones first — and the
    // search waits behind one large button; the filters come with a search.
    let searched = move || {
        ["q", "loai", "nam", "cap", "luu", "tu"]
            .iter()
            .any(|k| !get(k).is_empty())
    };
    let saved = Resource::new(searched, move |searched| async move {
        if searched {
            return Ok(LibraryPage {
                items: Vec::new(),
                has_more: false,
            });
        }
        library(
            kind.code().to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            true,
            0,
        )
        .await
    });
    view! {
        <details class="search-toggle" open=searched data-testid="library-search-toggle">
        <summary class="btn btn-huge" data-testid="library-search-open">{t!(i18n, library_find)}</summary>
        <form method="get" action=action class="form search-form" role="search">
            <div class="field">
                <label for="q">{t!(i18n, library_search_label)}</label>
                <input id="q" name="q" type="search" value=get("q") />
            </div>
            <Show when=move || kind == DocumentKind::Document && searched()>
                <div class="field">
                    <label for="loai">{t!(i18n, library_type_label)}</label>
                    <select id="loai" name="loai">
                        <option value="">{t!(i18n, library_all)}</option>
                        {DocType::ALL.into_iter().map(|t| {
                            let selected = get("loai") == t.code();
                            view! { <option value=t.code() selected=selected>{move || doc_type_name(i18n.get_locale(), t.code())}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="nam">{t!(i18n, library_year_label)}</label>
                    <select id="nam" name="nam">
                        <option value="">{t!(i18n, library_all)}</option>
                        {years.iter().map(|y| {
                            let y = *y;
                            view! { <option value=y.to_string() selected=get("nam") == y.to_string()>{y}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="cap">{t!(i18n, library_level_label)}</label>
                    <select id="cap" name="cap">
                        <option value="">{t!(i18n, library_all)}</option>
                        <option value="tinh" selected=get("cap") == "tinh">{t!(i18n, library_level_province)}</option>
                        <option value="co_so" selected=get("cap") == "co_so">{t!(i18n, library_level_committee)}</option>
                        <option value="chi_bo" selected=get("cap") == "chi_bo">{t!(i18n, library_level_cell)}</option>
                    </select>
                </div>
            </Show>
            <label class="check">
                <input type="checkbox" name="luu" value="1" checked=get("luu") == "1" />
                {t!(i18n, library_saved_only)}
            </label>
            <button type="submit" class="btn btn-primary btn-wide" data-testid="library-search">{t!(i18n, library_search_submit)}</button>
        </form>
        </details>
        <Transition fallback=move || ()>
            {move || Suspend::new(async move {
                match saved.await {
                    Ok(p) if !p.items.is_empty() => view! {
                        <section aria-labelledby="lib-saved">
                            <h2 id="lib-saved">{t!(i18n, library_saved_first)}</h2>
                            <ul class="doc-list" data-testid="library-saved">
                                {p.items.into_iter().map(|d| view! { <DocItem d /> }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
        {move || (!searched()).then(|| view! { <h2>{t!(i18n, library_newest)}</h2> })}
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p><CallSecretary /></div> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <p data-testid="library-empty">{t!(i18n, library_empty)}</p> }.into_any(),
                    Ok(p) => view! {
                        <ul class="doc-list" data-testid="library">
                            {p.items.into_iter().map(|d| view! { <DocItem d /> }).collect_view()}
                        </ul>
                        <Show when=move || p.has_more>
                            <p><a class="btn btn-secondary btn-wide" href=next_href>{t!(i18n, library_more)}</a></p>
                        </Show>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DocItem(d: DocSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/van-ban/{}", d.id);
    let audience = d.audience.clone();
    let type_code = d.doc_type.clone().unwrap_or_default();
    view! {
        <li class="doc-item" data-testid="doc-item">
            <a href=href class="doc-link">
                <span class="doc-meta">
                    {move || doc_type_name(i18n.get_locale(), &type_code)}
                    {d.number.clone().map(|n| view! { " " <span class="doc-number">{n}</span> })}
                    {d.issued_on.clone().map(|date| view! { " · " <DateWords date with_year=true /> })}
                </span>
                <span class="doc-title">{d.title.clone()}</span>
            </a>
            <p class="note">{t!(i18n, library_addressed_to, org = move || audience.clone())}</p>
            <p class="badges">
                {if d.studied {
                    view! { <span class="badge badge-ok">{t!(i18n, library_studied)}</span> }.into_any()
                } else if d.opened {
                    view! { <span class="badge">{t!(i18n, library_read)}</span> }.into_any()
                } else {
                    view! { <span class="badge badge-new" data-testid="not-read">{t!(i18n, library_not_read)}</span> }.into_any()
                }}
                {d.bookmarked.then(|| view! { <span class="badge">{t!(i18n, library_saved)}</span> })}
            </p>
        </li>
    }
}

#[component]
pub fn DocumentPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), library_title) />
        <Page>
            <RequireUser>
                <DocumentView />
            </RequireUser>
        </Page>
    }
}

#[component]
fn DocumentView() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()))
            .unwrap_or(0)
    };
    let doc = Resource::new(id, open_document);
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match doc.await {
                    Err(e) => view! {
                        <h1>{error_text(i18n.get_locale_untracked(), e.key())}</h1>
                        <p><a class="btn btn-secondary" href="/van-ban">{t!(i18n, doc_back)}</a></p>
                        <CallSecretary />
                    }.into_any(),
                    Ok(v) => view! { <Reading v /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Reading(v: DocView) -> impl IntoView {
    let i18n = use_i18n();
    let id = v.doc.id;
    let bookmarked = RwSignal::new(v.doc.bookmarked);
    let bookmark = ServerAction::<SetBookmark>::new();
    Effect::new(move |_| {
        if let Some(Ok(on)) = bookmark.value().get() {
            bookmarked.set(on);
        }
    });
    let leader = crate::ui::use_session()
        .user()
        .map(|u| u.is_leader)
        .unwrap_or(false);
    let publisher = crate::ui::use_session()
        .user()
        .map(|u| u.can_publish)
        .unwrap_or(false);
    let type_code = v.doc.doc_type.clone().unwrap_or_default();
    let spoken = format!("{}. {}", v.doc.title, v.paragraphs.join("\n"));
    let edit_text = StoredValue::new((
        v.doc.title.clone(),
        v.doc.summary.clone().unwrap_or_default(),
        v.paragraphs.join("\n"),
    ));
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| super::tts_js::keep_reading_position(&format!("/van-ban/{id}")));
    let study = ServerAction::<MarkStudied>::new();
    let studied = v.doc.studied;
    let done = Signal::derive(move || studied || matches!(study.value().get(), Some(Ok(()))));
    view! {
        <article class="reading" data-testid="reading">
            <header>
                <p class="doc-meta">
                    {move || doc_type_name(i18n.get_locale(), &type_code)}
                    {v.doc.number.clone().map(|n| view! { " " <span class="doc-number">{n}</span> })}
                </p>
                <h1>{v.doc.title.clone()}</h1>
                <p class="note">
                    {v.doc.issuing_body.clone()}
                    {v.doc.issued_on.clone().map(|date| view! { " · " {t!(i18n, doc_issued, date = move || view! { <DateWords date=date.clone() with_year=true /> })} })}
                </p>
            </header>
            // The two things a member does with a document come before its text, large.
            <ReadAloud text=spoken>
                <Show when=move || !done.get() fallback=move || view! {
                    <p class="studied-top" role="status" data-testid="studied-top"><Icon name="check" /><span>{t!(i18n, library_studied)}</span></p>
                }>
                    <button type="button" class="btn btn-huge btn-huge-quiet btn-half" data-testid="done-studying"
                        disabled=move || study.pending().get()
                        on:click=move |_| { study.dispatch(MarkStudied { id, reflection: String::new() }); }>
                        <Icon name="check" /><span>{t!(i18n, doc_done_studying)}</span>
                    </button>
                </Show>
            </ReadAloud>
            <p class="alert" data-testid="recorded-notice">{t!(i18n, doc_recorded_notice)}</p>
            <div class="actions">
                <button type="button" class="btn btn-secondary" data-testid="bookmark"
                    aria-pressed=move || if bookmarked.get() { "true" } else { "false" }
                    on:click=move |_| { bookmark.dispatch(SetBookmark { id, on: !bookmarked.get_untracked() }); }>
                    {move || if bookmarked.get() { td_string!(i18n.get_locale(), doc_saved) } else { td_string!(i18n.get_locale(), doc_save) }}
                </button>
            </div>
            {v.attachment.clone().filter(|a| !a.is_pdf).map(|a| {
                let alt = v.doc.title.clone();
                // Data saver: the picture loads only when the member asks for it.
                let shown = RwSignal::new(!crate::ui::use_session().prefs.get_untracked().data_saver);
                let size = a.size_kb;
                view! {
                    <Show
                        when=move || shown.get()
                        fallback=move || view! {
                            <p class="actions">
                                <button type="button" class="btn btn-secondary" data-testid="show-image" on:click=move |_| shown.set(true)>
                                    {t!(i18n, doc_show_image, size = move || size)}
                                </button>
                            </p>
                        }
                    >
                        <img class="doc-image" src=format!("/van-ban/{id}/tep") alt=alt.clone() data-testid="news-image" />
                    </Show>
                }
            })}
            {v.attachment.clone().filter(|a| a.is_pdf).map(|a| {
                let (name, size) = (a.name.clone(), a.size_kb);
                view! {
                    <p class="actions" data-testid="attachment">
                        <a class="btn btn-primary" href=format!("/van-ban/{id}/tep") target="_blank" rel="noopener">
                            {t!(i18n, attachment_open, name = move || name.clone(), size = move || size)}
                        </a>
                        <a class="btn btn-secondary" href=format!("/van-ban/{id}/tep?tai=1")>{t!(i18n, attachment_download)}</a>
                    </p>
                }
            })}
            {v.doc.summary.clone().map(|s| view! { <p class="lead">{s}</p> })}
            <div class="doc-body">
                {v.paragraphs.iter().map(|p| view! { <p>{p.clone()}</p> }).collect_view()}
            </div>
            <Show when={let has = !v.questions.is_empty(); move || has}>
                <Quiz id questions=v.questions.clone() />
            </Show>
            <Study id action=study done reflection=v.reflection.clone() />
            <Show when=move || leader>
                <p><a class="btn btn-secondary btn-wide" href=format!("/van-ban/{id}/tinh-hinh") data-testid="progress-link">{t!(i18n, progress_link)}</a></p>
            </Show>
            <Show when=move || publisher>
                // Rendered after hydration only: prefilled textareas and the version list are
                // for the publisher's browser, and keeping them out of the server HTML keeps
                // hydration exact.
                <Show when=move || hydrated.get()>
                    <EditForm id title=edit_text.get_value().0 summary=edit_text.get_value().1 body=edit_text.get_value().2 />
                </Show>
                <UploadForm id />
                <AddQuestionForm id />
                <Withdraw id />
            </Show>
            <p><a class="btn btn-secondary btn-wide" href="/van-ban">{t!(i18n, doc_back)}</a></p>
        </article>
    }
}

#[component]
fn Study(
    id: i64,
    action: ServerAction<MarkStudied>,
    done: Signal<bool>,
    reflection: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <section class="card" aria-labelledby="study-heading">
            <h2 id="study-heading">{t!(i18n, doc_study_title)}</h2>
            <Show when=move || done.get() fallback=move || view! {
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{error_text(i18n.get_locale_untracked(), &match &e { AppError::Invalid(f) => f[0].key.clone(), o => o.key().to_string() })}</p> })}
                <leptos::form::ActionForm action attr:class="form">
                    <input type="hidden" name="id" value=id />
                    <div class="field">
                        <label for="reflection">{t!(i18n, doc_reflection_label)}</label>
                        <textarea id="reflection" name="reflection" rows="4"></textarea>
                    </div>
                    <button type="submit" class="btn btn-primary btn-wide" data-testid="mark-studied">{t!(i18n, doc_mark_studied)}</button>
                </leptos::form::ActionForm>
            }>
                <p class="alert alert-ok" data-testid="studied">{t!(i18n, doc_study_done)}</p>
                {reflection.clone().map(|r| view! { <blockquote>{r}</blockquote> })}
            </Show>
        </section>
    }
}

#[component]
/// "Nghe đọc", large, beside `children` (the document's other main action), and the quieter
/// controls below.
fn ReadAloud(text: String, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let no_voice = RwSignal::new(false);
    let speaking = RwSignal::new(false);
    let paused = RwSignal::new(false);
    let text = StoredValue::new(text);
    let speak = move |rate: f64| {
        #[cfg(feature = "hydrate")]
        {
            let ok = super::tts_js::tts_speak(&text.get_value(), rate);
            no_voice.set(!ok);
            speaking.set(ok);
            paused.set(false);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (rate, text);
    };
    let pause_resume = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if paused.get_untracked() {
                super::tts_js::tts_resume();
            } else {
                super::tts_js::tts_pause();
            }
        }
        paused.update(|p| *p = !*p);
    };
    let stop = move |_| {
        #[cfg(feature = "hydrate")]
        super::tts_js::tts_stop();
        speaking.set(false);
        paused.set(false);
    };
    on_cleanup(move || {
        #[cfg(feature = "hydrate")]
        super::tts_js::tts_stop();
    });
    view! {
        <section class="read-aloud" aria-labelledby="tts-heading">
            <h2 id="tts-heading" class="visually-hidden">{t!(i18n, tts_title)}</h2>
            <div class="doc-actions">
                <button type="button" class="btn btn-huge btn-half" data-testid="tts-play" on:click=move |_| speak(1.0)><Icon name="listen" /><span>{t!(i18n, doc_listen)}</span></button>
                {children()}
            </div>
            <div class="actions">
                <button type="button" class="btn btn-secondary" data-testid="tts-slow" on:click=move |_| speak(0.75)>{t!(i18n, tts_slow)}</button>
                <Show when=move || speaking.get()>
                    <button type="button" class="btn btn-secondary" on:click=pause_resume>
                        {move || if paused.get() { td_string!(i18n.get_locale(), tts_resume) } else { td_string!(i18n.get_locale(), tts_pause) }}
                    </button>
                    <button type="button" class="btn btn-secondary" on:click=stop>{t!(i18n, tts_stop)}</button>
                </Show>
            </div>
            <Show when=move || no_voice.get()>
                <p class="alert" role="status" data-testid="tts-no-voice">{t!(i18n, tts_no_voice)}</p>
            </Show>
        </section>
    }
}

#[component]
pub fn ProgressPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()))
            .unwrap_or(0)
    };
    let remind = ServerAction::<RemindReaders>::new();
    let progress = Resource::new(
        move || (id(), remind.version().get()),
        |(id, _)| document_progress(id),
    );
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), progress_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, progress_title)}</h1>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match progress.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p></div> }.into_any(),
                            Ok(p) => {
                                let doc_href = format!("/van-ban/{}", p.id);
                                view! {
                                    <p class="lead"><a href=doc_href>{p.number.clone().map(|n| format!("{n} — ")).unwrap_or_default()}{p.title.clone()}</a></p>
                                    <p class="note">{t!(i18n, progress_note)}</p>
                                    <div class="actions">
                                        <button type="button" class="btn btn-primary btn-wide" data-testid="remind"
                                            on:click=move |_| { remind.dispatch(RemindReaders { id: p.id }); }>
                                            {t!(i18n, progress_remind)}
                                        </button>
                                    </div>
                                    {move || remind.value().get().and_then(|r| r.ok()).map(|n| view! {
                                        <p class="alert alert-ok" role="status" data-testid="reminded">{t!(i18n, progress_reminded_count, count = move || n)}</p>
                                    })}
                                    {p.cells.into_iter().map(|c| view! { <CellProgressCard c /> }).collect_view()}
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}

#[component]
fn CellProgressCard(c: CellProgress) -> impl IntoView {
    let i18n = use_i18n();
    let (studied, total, opened) = (c.studied, c.total, c.opened);
    view! {
        <section class="card" data-testid="cell-progress">
            <h2>{c.org_name.clone()}</h2>
            <p>{t!(i18n, progress_cell_summary, studied = move || studied, total = move || total, opened = move || opened)}</p>
            <ul class="plain-list">
                {c.members.into_iter().map(|m| {
                    let status = move || {
                        let l = i18n.get_locale();
                        if m.exempt { td_string!(l, progress_exempt) }
                        else if m.studied { td_string!(l, progress_studied) }
                        else if m.opened { td_string!(l, progress_opened) }
                        else { td_string!(l, progress_not_opened) }
                    };
                    let class = if m.studied { "badge badge-ok" } else { "badge" };
                    view! {
                        <li class="progress-row" data-testid="member-progress">
                            <span>{m.name.clone()}</span>
                            <span class=class>{status}{m.reminded.then(|| view! { " · " {t!(i18n, progress_reminded)} })}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Withdraw(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<WithdrawDocument>::new();
    let error = action_error(action.value());
    view! {
        <FormError error />
        <Show when=move || matches!(action.value().get(), Some(Ok(())))
            fallback=move || view! {
                <button type="button" class="btn btn-secondary btn-wide" data-testid="withdraw" on:click=move |_| { action.dispatch(WithdrawDocument { id }); }>
                    {t!(i18n, withdraw)}
                </button>
            }>
            <p class="alert alert-ok" role="status" data-testid="withdrawn">{t!(i18n, withdrawn_done)}</p>
        </Show>
    }
}

#[component]
pub fn PublishPage() -> impl IntoView {
    let i18n = use_i18n();
    let can = use_session().user().map(|u| u.can_publish).unwrap_or(false);
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), publish_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, publish_title)}</h1>
                {if can { view! { <PublishForm /> }.into_any() } else { view! { <p class="alert">{t!(i18n, publish_no_rights)}</p> }.into_any() }}
            </RequireUser>
        </Page>
    }
}

#[component]
fn PublishForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<PublishDocument>::new();
    let error = action_error(action.value());
    let targets = Resource::new(|| (), |_| publish_targets());
    let invalid = move |field: &'static str| {
        move || {
            error
                .get()
                .and_then(|e| field_message(i18n.get_locale(), &e, field))
                .map(|_| "true")
        }
    };
    view! {
        {move || action.value().get().and_then(|r| r.ok()).map(|id| view! {
            <p class="alert alert-ok" role="status" data-testid="published">
                <a href=format!("/van-ban/{id}")>{t!(i18n, publish_done)}</a>
            </p>
        })}
        <FormError error />
        <leptos::form::ActionForm action attr:class="form" attr:novalidate=true>
            <fieldset class="choice-group">
                <legend>{t!(i18n, publish_kind_label)}</legend>
                <label class="check"><input type="radio" name="kind" value=DocumentKind::Document.code() checked=true />{t!(i18n, publish_kind_document)}</label>
                <label class="check"><input type="radio" name="kind" value=DocumentKind::News.code() />{t!(i18n, publish_kind_news)}</label>
            </fieldset>
            <div class="field">
                <label for="f-audience">{t!(i18n, field_audience)}</label>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = targets.await.unwrap_or_default();
                        view! {
                            <select id="f-audience" name="audience">
                                {list.into_iter().map(|t| view! { <option value=t.id.to_string()>{t.name}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </Transition>
            </div>
            <div class="field">
                <label for="f-doc_type">{t!(i18n, field_doc_type)}</label>
                <select id="f-doc_type" name="doc_type" aria-invalid=invalid("doc_type")>
                    <option value="">{t!(i18n, library_all)}</option>
                    {DocType::ALL.into_iter().map(|t| view! { <option value=t.code()>{move || doc_type_name(i18n.get_locale(), t.code())}</option> }).collect_view()}
                </select>
                <ControlError error field="doc_type" />
            </div>
            <Field name="number" label=label!(i18n, field_doc_number) error />
            <Field name="issuing_body" label=label!(i18n, field_issuing_body) error />
            <Field name="issued_on" label=label!(i18n, field_issued_on) inputmode="numeric" error />
            <Field name="title" label=label!(i18n, field_title) required=true error />
            <div class="field">
                <label for="f-summary">{t!(i18n, field_summary)}</label>
                <textarea id="f-summary" name="summary" rows="3"></textarea>
            </div>
            <div class="field">
                <label for="f-body">{t!(i18n, field_body)}</label>
                <textarea id="f-body" name="body" rows="10" aria-invalid=invalid("body")></textarea>
                <ControlError error field="body" />
            </div>
            <Field name="tags" label=label!(i18n, field_tags) error />
            <div class="field">
                <label class="check">
                    <input type="checkbox" name="not_classified" value="on" aria-invalid=invalid("not_classified") />
                    {t!(i18n, field_not_classified)}
                </label>
                <ControlError error field="not_classified" />
            </div>
            <button type="submit" class="btn btn-primary btn-wide" data-testid="publish-submit" disabled=move || action.pending().get()>
                {t!(i18n, publish_submit)}
            </button>
        </leptos::form::ActionForm>
    }
}

/// A plain multipart form to the server's upload route: it works without JavaScript, and the
/// answer comes back in the address (`?tep=ok` or `?loi=<key>`).
#[component]
fn UploadForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let uploaded = query.with_untracked(|q| q.get("tep")).as_deref() == Some("ok");
    let error = query.with_untracked(|q| q.get("loi"));
    view! {
        <section class="card" aria-labelledby="upload-heading">
            <h2 id="upload-heading" class="visually-hidden">{t!(i18n, attachment_upload_submit)}</h2>
            {uploaded.then(|| view! { <p class="alert alert-ok" role="status" data-testid="uploaded">{t!(i18n, attachment_uploaded)}</p> })}
            {error.map(|key| view! { <div class="alert alert-error" role="alert" data-testid="upload-error"><p>{move || error_text(i18n.get_locale(), &key)}</p></div> })}
            <form method="post" action=format!("/van-ban/{id}/tep") enctype="multipart/form-data" class="form">
                <div class="field">
                    <label for="f-file">{t!(i18n, attachment_upload_label)}</label>
                    <input id="f-file" type="file" name="tep" accept="application/pdf,image/png,image/jpeg,image/webp" />
                </div>
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="upload-submit">{t!(i18n, attachment_upload_submit)}</button>
            </form>
        </section>
    }
}

#[component]
fn EditForm(id: i64, title: String, summary: String, body: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<EditDocument>::new();
    let error = action_error(action.value());
    let versions = LocalResource::new(move || {
        action.version().get();
        document_versions(id)
    });
    view! {
        <details class="card">
            <summary class="btn btn-secondary btn-wide">{t!(i18n, edit_title)}</summary>
            {move || action.value().get().and_then(|r| r.ok()).map(|v| view! {
                <p class="alert alert-ok" role="status" data-testid="edited">{t!(i18n, edit_done, version = move || v)}</p>
            })}
            <FormError error />
            <leptos::form::ActionForm action attr:class="form">
                <input type="hidden" name="id" value=id />
                <Field name="title" label=label!(i18n, field_title) value=title required=true error />
                <div class="field">
                    <label for="f-edit-summary">{t!(i18n, field_summary)}</label>
                    <textarea id="f-edit-summary" name="summary" rows="3">{summary}</textarea>
                </div>
                <div class="field">
                    <label for="f-edit-body">{t!(i18n, field_body)}</label>
                    <textarea id="f-edit-body" name="body" rows="10">{body}</textarea>
                    <ControlError error field="body" />
                </div>
                <button type="submit" class="btn btn-primary btn-wide" data-testid="edit-submit">{t!(i18n, edit_submit)}</button>
            </leptos::form::ActionForm>
            <h3>{t!(i18n, versions_title)}</h3>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    view! {
                        <ul class="plain-list" data-testid="versions">
                            {versions.await.unwrap_or_default().into_iter().map(|v| {
                                let (n, d, t) = (v.version, v.edited_on.clone(), v.title.clone());
                                view! { <li>{t!(i18n, version_line, version = move || n, date = move || d.clone(), title = move || t.clone())}</li> }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </details>
    }
}

#[component]
fn Quiz(id: i64, questions: Vec<QuestionView>) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(std::collections::HashMap::<i64, String>::new());
    let check = ServerAction::<CheckAnswers>::new();
    let result = move |qid: i64| {
        check
            .value()
            .get()
            .and_then(|r| r.ok())
            .and_then(|list| list.into_iter().find(|c| c.id == qid))
    };
    let letters = ["a", "b", "c"];
    view! {
        <section class="card" aria-labelledby="quiz-heading" data-testid="quiz">
            <h2 id="quiz-heading">{t!(i18n, quiz_title)}</h2>
            {questions.into_iter().map(|q| {
                let qid = q.id;
                let options = q.options.clone();
                view! {
                    <fieldset class="quiz-question">
                        <legend>{q.question.clone()}</legend>
                        {q.options.iter().enumerate().map(|(i, o)| {
                            let letter = letters[i];
                            view! {
                                <label class="check">
                                    <input type="radio" name=format!("q{qid}") value=letter
                                        on:change=move |_| chosen.update(|c| { c.insert(qid, letter.to_string()); }) />
                                    {letter.to_uppercase()}". "{o.clone()}
                                </label>
                            }
                        }).collect_view()}
                        {move || result(qid).map(|r| {
                            let answer = options.get(letters.iter().position(|l| *l == r.correct).unwrap_or(0)).cloned().unwrap_or_default();
                            if r.right {
                                view! { <p class="alert alert-ok" data-testid="quiz-right">{t!(i18n, quiz_right)}</p> }.into_any()
                            } else {
                                view! { <p class="alert alert-error" data-testid="quiz-wrong">{t!(i18n, quiz_wrong, answer = move || answer.clone())}</p> }.into_any()
                            }
                        })}
                    </fieldset>
                }
            }).collect_view()}
            <button type="button" class="btn btn-primary btn-wide" data-testid="quiz-check"
                on:click=move |_| {
                    let answers = chosen.get_untracked().iter().map(|(q, a)| format!("{q}:{a}")).collect::<Vec<_>>().join(",");
                    check.dispatch(CheckAnswers { id, answers });
                }>
                {t!(i18n, quiz_check)}
            </button>
        </section>
    }
}

#[component]
fn AddQuestionForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AddQuestion>::new();
    let error = action_error(action.value());
    view! {
        <details class="card">
            <summary class="btn btn-secondary btn-wide">{t!(i18n, quiz_add_title)}</summary>
            {move || matches!(action.value().get(), Some(Ok(()))).then(|| view! { <p class="alert alert-ok" role="status" data-testid="question-added">{t!(i18n, quiz_added)}</p> })}
            <FormError error />
            <leptos::form::ActionForm action attr:class="form">
                <input type="hidden" name="id" value=id />
                <Field name="question" label=label!(i18n, field_question) error />
                <Field name="option_a" label=label!(i18n, field_option_a) error />
                <Field name="option_b" label=label!(i18n, field_option_b) error />
                <Field name="option_c" label=label!(i18n, field_option_c) error />
                <div class="field">
                    <label for="f-correct">{t!(i18n, field_correct)}</label>
                    <select id="f-correct" name="correct">
                        <option value="a">"A"</option>
                        <option value="b">"B"</option>
                        <option value="c">"C"</option>
                    </select>
                </div>
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="add-question">{t!(i18n, quiz_add_submit)}</button>
            </leptos::form::ActionForm>
        </details>
    }
}
