//! Form pieces shared by every feature: labelled fields wired to their error messages, the
//! form-level error with the call-the-secretary card, and the error of a server action.

use crate::i18n::*;
use crate::platform::error::AppError;
use crate::platform::messages::{field_message, form_message};
use crate::ui::CallSecretary;
use leptos::prelude::*;

/// The error of an action, if its last result was an error.
pub fn action_error<T, V>(value: V) -> Signal<Option<AppError>>
where
    V: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// A labelled input with its error message wired for screen readers.
#[component]
pub fn Field(
    name: &'static str,
    label: Signal<String>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<Signal<String>>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] required: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("f-{name}");
    let err_id = format!("f-{name}-err");
    let hint_id = format!("f-{name}-hint");
    let message = move || {
        error
            .get()
            .and_then(|e| field_message(i18n.get_locale(), &e, name))
    };
    let described = {
        let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    // Dates and times are text: a phone set to English shows its own pickers month first and
    // with AM/PM. The server reads 10/12/2026, 10.12.2026 and 2026-12-10; 19:30, 19.30, 19h30.
    let l = i18n.get_locale_untracked();
    let (kind, inputmode, placeholder, value) = match kind {
        Some("date") => (
            "text",
            Some("decimal"),
            Some(td_string!(l, date_placeholder)),
            value.map(|v| {
                crate::domain::register::Date::parse(&v)
                    .map(|d| d.to_string())
                    .unwrap_or(v)
            }),
        ),
        Some("time") => (
            "text",
            Some("decimal"),
            Some(td_string!(l, time_placeholder)),
            value,
        ),
        other => (other.unwrap_or("text"), inputmode, None, value),
    };
    view! {
        <div class="field">
            <label for=id.clone()>{move || label.get()}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || h.get()}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                placeholder=placeholder
                value=value
                required=required
                aria-invalid=move || message().map(|_| "true")
                aria-describedby=described
            />
            {move || message().map(|m| view! { <p class="field-error" id=err_id.clone()>{m}</p> })}
        </div>
    }
}

/// A message under a control that is not a `Field` (select, textarea, checkbox, radio group).
#[component]
pub fn ControlError(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || error.get().and_then(|e| field_message(i18n.get_locale(), &e, field)).map(|m| view! {
            <p class="field-error" id=format!("f-{field}-err")>{m}</p>
        })}
    }
}

#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || error.get().and_then(|e| form_message(i18n.get_locale(), &e)).map(|m| view! {
            <div class="alert alert-error" role="alert" data-testid="form-error">
                <p>{m}</p>
                <CallSecretary />
            </div>
        })}
    }
}

#[macro_export]
macro_rules! label {
    ($i18n:ident, $key:ident) => {
        leptos::prelude::Signal::derive(move || {
            $crate::i18n::td_string!($i18n.get_locale(), $key).to_string()
        })
    };
}
