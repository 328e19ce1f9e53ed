//! The shared pieces of every page: the visitor's [`Session`], the visible frame ([`Page`]:
//! header, bottom navigation, footer), icons, the "call the secretary" card used on home, help
//! and every error screen, and the display-preference switches. Depends on `platform` and
//! `domain` only (scripts/check-layers.sh).

use crate::domain::account::{Preferences, TextSize};
use crate::i18n::*;
use crate::platform::visitor::{Contact, SessionView, UserView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

/// The visitor, as loaded for this page, and their live display preferences.
#[derive(Clone, Copy)]
pub struct Session {
    pub view: StoredValue<SessionView>,
    pub prefs: RwSignal<Preferences>,
    /// Stores preferences (the account and the cookie), supplied by the session frame
    /// (`crate::shell`), which knows the accounts feature's server function.
    pub save: Callback<Preferences>,
}

impl Session {
    pub fn user(&self) -> Option<UserView> {
        self.view.get_value().user
    }

    /// Changes preferences at once on screen and stores them (account and cookie).
    pub fn set_prefs(&self, prefs: Preferences) {
        self.prefs.set(prefs);
        self.save.run(prefs);
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Switches between Vietnamese and English (remembered in a cookie). In the header only for
/// visitors who are not signed in; members find it in "Cá nhân", so the header's first control
/// is help and nobody switches the app to English by accident.
#[component]
pub fn LanguageSwitch(#[prop(optional)] class: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = match i18n.get_locale() {
            Locale::vi => Locale::en,
            Locale::en => Locale::vi,
        };
        i18n.set_locale(next);
        crate::platform::layout::remember_locale(next);
    };
    view! {
        <button
            type="button"
            class=format!("btn lang-switch {class}")
            data-testid="lang-switch"
            // The button names the other language in that language.
            lang=move || match i18n.get_locale() {
                Locale::vi => "en",
                Locale::en => "vi",
            }
            on:click=switch
        >
            {t!(i18n, lang_switch)}
        </button>
    }
}

#[component]
pub fn Page(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = session.user();
    let signed_in = user.is_some();
    let unread = user.as_ref().map(|u| u.unread_notifications).unwrap_or(0);
    let secretary = user.as_ref().and_then(|u| u.secretary.clone());
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="app-header">
            <a class="brand" href="/">{t!(i18n, app_name)}</a>
            <div class="header-actions">
                <a class="btn btn-quiet header-btn" href="/tro-giup" data-testid="header-help"><Icon name="help" /><span>{t!(i18n, nav_help)}</span></a>
                // The member's way to their secretary, from the top of every page.
                {secretary.map(|s| view! {
                    <a class="btn btn-quiet header-btn" href=s.tel.clone() data-testid="header-call">
                        <Icon name="phone" /><span>{t!(i18n, nav_call_secretary)}</span>
                    </a>
                })}
                <Show when=move || !signed_in>
                    <LanguageSwitch class="btn-quiet header-btn" />
                    <a class="btn btn-quiet header-btn" href="/dang-nhap"><Icon name="person" /><span>{t!(i18n, sign_in_button)}</span></a>
                </Show>
            </div>
        </header>
        <main id="main" tabindex="-1" class:with-bottom-nav=signed_in>
            {children()}
        </main>
        <footer class="app-footer" class:with-bottom-nav=signed_in>
            <p>{t!(i18n, footer_text)}</p>
        </footer>
        <Show when=move || signed_in>
            <BottomNav unread />
        </Show>
    }
}

/// Five labelled places, the same for everyone; leaders reach management from the home page.
#[component]
fn BottomNav(unread: i64) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let current = move |path: &'static str| {
        let here = location.pathname.get();
        let active = if path == "/" {
            here == "/"
        } else {
            here.starts_with(path)
        };
        active.then_some("page")
    };
    view! {
        <nav class="bottom-nav" aria-label=move || td_string!(i18n.get_locale(), nav_bottom_label).to_string()>
            <a href="/" aria-current=move || current("/")>
                <Icon name="home" />
                <span>{t!(i18n, nav_home)}</span>
            </a>
            <a href="/van-ban" aria-current=move || current("/van-ban")>
                <Icon name="document" />
                <span>{t!(i18n, nav_documents)}</span>
            </a>
            <a href="/sinh-hoat" aria-current=move || current("/sinh-hoat")>
                <Icon name="meeting" />
                <span>{t!(i18n, nav_meetings)}</span>
            </a>
            <a href="/thong-bao" aria-current=move || current("/thong-bao") data-testid="nav-notifications">
                <span class="icon-wrap">
                    <Icon name="bell" />
                    {(unread > 0).then(|| view! { <span class="count-badge" data-testid="unread-badge">{if unread > 99 { "99+".to_string() } else { unread.to_string() }}</span> })}
                </span>
                <span>{t!(i18n, nav_notifications)}</span>
                {(unread > 0).then(|| view! { <span class="visually-hidden">", "{unread}" "{t!(i18n, nt_unread_short)}</span> })}
            </a>
            <a href="/ca-nhan" aria-current=move || current("/ca-nhan")>
                <Icon name="person" />
                <span>{t!(i18n, nav_profile)}</span>
            </a>
        </nav>
    }
}

/// Simple line icons, decorative (the word beside them carries the meaning).
#[component]
pub fn Icon(name: &'static str) -> impl IntoView {
    let d = icon_path(name);
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=d />
        </svg>
    }
}

/// The outline of an icon, on a 24×24 grid.
pub fn icon_path(name: &'static str) -> &'static str {
    match name {
        "home" => "M3 11l9-8 9 8v10a1 1 0 0 1-1 1h-5v-7H9v7H4a1 1 0 0 1-1-1z",
        "person" => "M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zm-9 10a9 9 0 0 1 18 0",
        "help" => "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.7v1M12 18h.01",
        "phone" => "M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z",
        "manage" => "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M17 11l2 2 4-4",
        "text" => "M4 7V5h16v2M9 19h6M12 5v14",
        "document" => "M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8zM14 3v5h5M9 13h6M9 17h6",
        "bell" => "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0",
        "meeting" => "M4 5h16a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zM3 10h18M8 3v4M16 3v4",
        "check" => "M5 12l5 5 9-10",
        "away" => "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM8.5 8.5l7 7M15.5 8.5l-7 7",
        "speak" => "M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9l-5 4v-4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1zM8 9h8M8 12h5",
        "listen" => "M4 9h4l5-4v14l-5-4H4zM16.5 9a4 4 0 0 1 0 6M19.5 6a8 8 0 0 1 0 12",
        "task" => "M9 5H5v16h14V5h-4M9 3h6v4H9zM8 13l3 3 5-6",
        _ => "M4 12h16",
    }
}

/// "Gọi bí thư": the secretary's name with a tap-to-call link, or a plain instruction when
/// nobody is signed in (we do not know whose secretary to show).
#[component]
pub fn CallSecretary(#[prop(optional)] big: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let contact: Option<Option<Contact>> = session.user().map(|u| u.secretary);
    match contact {
        Some(Some(c)) => {
            let label = if c.deputy { td_string!(i18n.get_locale_untracked(), call_deputy) } else { td_string!(i18n.get_locale_untracked(), call_secretary) };
            view! {
                <a class="btn btn-call" class:btn-huge=big href=c.tel.clone() data-testid="call-secretary">
                    <Icon name="phone" />
                    <span>{label}": "{c.name.clone()}" · "{c.phone.clone()}</span>
                </a>
            }
            .into_any()
        }
        Some(None) => view! { <p class="call-note">{t!(i18n, no_secretary_phone)}</p> }.into_any(),
        None => view! { <p class="call-note" data-testid="call-secretary-generic">{t!(i18n, call_secretary_generic)}</p> }.into_any(),
    }
}

/// Renders `children` for a signed-in visitor; sends anyone else to the sign-in page and back.
/// This is navigation only: every server function checks the session and permission itself.
#[component]
pub fn RequireUser(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    if session.user().is_some() {
        children().into_any()
    } else {
        let path = location.pathname.get_untracked();
        view! { <Redirect path=format!("/dang-nhap?next={path}") /> }.into_any()
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), not_found_title) />
        <Page>
            <h1>{t!(i18n, not_found_title)}</h1>
            <p>{t!(i18n, not_found_body)}</p>
            <p><a class="btn btn-primary" href="/">{t!(i18n, not_found_home)}</a></p>
            <CallSecretary />
        </Page>
    }
}

/// Text-size choice: three large buttons, the current one pressed.
#[component]
pub fn TextSizeChoice() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let option = move |size: TextSize| {
        let label = move || match size {
            TextSize::Normal => td_string!(i18n.get_locale(), text_size_normal),
            TextSize::Large => td_string!(i18n.get_locale(), text_size_large),
            TextSize::ExtraLarge => td_string!(i18n.get_locale(), text_size_xlarge),
        };
        view! {
            <button
                type="button"
                class="btn btn-choice"
                data-testid=format!("text-size-{}", size.code())
                aria-pressed=move || if session.prefs.get().text_size == size { "true" } else { "false" }
                on:click=move |_| session.set_prefs(Preferences { text_size: size, ..session.prefs.get_untracked() })
            >
                {label}
            </button>
        }
    };
    view! {
        <fieldset class="choice-group">
            <legend>{t!(i18n, text_size_label)}</legend>
            {option(TextSize::Normal)}
            {option(TextSize::Large)}
            {option(TextSize::ExtraLarge)}
        </fieldset>
    }
}

/// One on/off display preference as a large switch button, with an optional note below.
#[component]
fn PreferenceSwitch(
    testid: &'static str,
    label: Signal<String>,
    #[prop(optional)] note: Option<Signal<String>>,
    get: fn(&Preferences) -> bool,
    set: fn(Preferences, bool) -> Preferences,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <div class="setting">
            <button
                type="button"
                class="btn btn-choice btn-wide"
                role="switch"
                data-testid=testid
                aria-checked=move || if get(&session.prefs.get()) { "true" } else { "false" }
                on:click=move |_| {
                    let p = session.prefs.get_untracked();
                    session.set_prefs(set(p, !get(&p)))
                }
            >
                {move || label.get()}": "
                {move || if get(&session.prefs.get()) { td_string!(i18n.get_locale(), simple_mode_on) } else { td_string!(i18n.get_locale(), simple_mode_off) }}
            </button>
            {note.map(|n| view! { <p class="note">{move || n.get()}</p> })}
        </div>
    }
}

/// The simplified-mode switch.
#[component]
pub fn SimpleModeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PreferenceSwitch
            testid="simple-mode"
            label=crate::label!(i18n, simple_mode_label)
            get=|p| p.simple_mode
            set=|p, on| Preferences { simple_mode: on, ..p }
        />
    }
}

/// The data-saver switch: no images until tapped, nothing fetched ahead for offline reading.
#[component]
pub fn DataSaverSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PreferenceSwitch
            testid="data-saver"
            label=crate::label!(i18n, data_saver_label)
            note=crate::label!(i18n, data_saver_note)
            get=|p| p.data_saver
            set=|p, on| Preferences { data_saver: on, ..p }
        />
    }
}

/// An error in place of what could not be loaded, in words (`platform::messages`).
#[component]
pub fn ErrorCard(e: crate::platform::error::AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! { <div class="alert alert-error" role="alert"><p>{crate::platform::messages::error_text(i18n.get_locale_untracked(), e.key())}</p></div> }
}
