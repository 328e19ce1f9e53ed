//! Who carries the messages: a brand-name SMS provider's HTTP API, or (for development) the
//! log. Chosen by configuration (`SOTAY_SMS_*`, docs/OPERATIONS.md).

/// The provider of outgoing messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provider {
    /// Nothing is sent; queued messages wait (and expire).
    Off,
    /// Written to the server's log instead of sent: development and trials.
    Log,
    /// `POST url` with JSON `{"account", "to", "text"}` and `Authorization: Bearer key`, the shape
    /// Vietnamese brand-name providers' REST APIs take (a small gateway adapts any other).
    Http {
        url: String,
        account: String,
        key: String,
    },
}

/// Everything about SMS the server is configured with.
#[derive(Clone, Debug)]
pub struct SmsConfig {
    pub provider: Provider,
    /// Texts without diacritics (most brand-name routes count Vietnamese marks as Unicode and
    /// cut a message to 70 characters).
    pub ascii: bool,
    /// Messages per organisation (cell) and month.
    pub monthly_cap: i64,
    /// The shared secret of the inbound webhook; no secret, no inbound.
    pub inbound_secret: Option<String>,
}

pub const DEFAULT_MONTHLY_CAP: i64 = 300;

impl SmsConfig {
    /// From `SOTAY_SMS_PROVIDER` (`off`, `log`, `http`), `SOTAY_SMS_URL`, `SOTAY_SMS_ACCOUNT`,
    /// `SOTAY_SMS_KEY`, `SOTAY_SMS_UNICODE` (`true` keeps the marks), `SOTAY_SMS_MONTHLY_CAP`
    /// and `SOTAY_SMS_INBOUND_SECRET`. A wrong setting is an error naming it.
    pub fn from_env() -> Result<SmsConfig, String> {
        let var = |k: &str| {
            std::env::var(k)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let provider = match var("SOTAY_SMS_PROVIDER").as_deref() {
            None | Some("off") => Provider::Off,
            Some("log") => Provider::Log,
            Some("http") => {
                let url = var("SOTAY_SMS_URL").ok_or("SOTAY_SMS_URL")?;
                if !(url.starts_with("https://")
                    || url.starts_with("http://127.0.0.1")
                    || url.starts_with("http://localhost"))
                {
                    return Err("SOTAY_SMS_URL (https)".into());
                }
                Provider::Http {
                    url,
                    account: var("SOTAY_SMS_ACCOUNT").unwrap_or_default(),
                    key: var("SOTAY_SMS_KEY").ok_or("SOTAY_SMS_KEY")?,
                }
            }
            Some(_) => return Err("SOTAY_SMS_PROVIDER (off, log, http)".into()),
        };
        let monthly_cap = match var("SOTAY_SMS_MONTHLY_CAP") {
            None => DEFAULT_MONTHLY_CAP,
            Some(v) => v
                .parse()
                .ok()
                .filter(|n: &i64| *n >= 0)
                .ok_or("SOTAY_SMS_MONTHLY_CAP")?,
        };
        Ok(SmsConfig {
            provider,
            ascii: var("SOTAY_SMS_UNICODE").as_deref() != Some("true"),
            monthly_cap,
            inbound_secret: var("SOTAY_SMS_INBOUND_SECRET"),
        })
    }
}

/// Sends one message; the error says why (kept on the message, never shown to members).
pub async fn send(
    provider: &Provider,
    client: &reqwest::Client,
    phone: &str,
    text: &str,
) -> Result<(), String> {
    match provider {
        Provider::Off => Err("sms off".into()),
        Provider::Log => {
            tracing::info!(to = %phone, %text, "sms (log only)");
            Ok(())
        }
        Provider::Http { url, account, key } => {
            let body = serde_json::json!({ "account": account, "to": phone, "text": text });
            let res = client
                .post(url)
                .bearer_auth(key)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string())
                .send()
                .await
                .map_err(|e| format!("provider: {e}"))?;
            if res.status().is_success() {
                Ok(())
            } else {
                Err(format!("provider answered {}", res.status()))
            }
        }
    }
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("sotay-sms")
        .build()
        .unwrap_or_default()
}
