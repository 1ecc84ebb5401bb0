//! Errors as people and programs see them: an HTML page in their language, or JSON in the
//! shape of API.md. Internal details are logged, never shown.
//!
//! Errors are raised without a language: `?` turns an `AppError` into a [`PageError`] or an
//! [`ApiError`], whose response carries its message untranslated (an extension, no body yet).
//! [`speak`], the one layer that knows the request's language, writes the body. So the
//! language is decided once per request and no handler passes it by hand.

use crate::render::{Chrome, page};
use askama::Template;
use axum::Json;
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;
use ungcuu_app::AppError;
use ungcuu_domain::Invalid;
use ungcuu_domain::i18n::{Lang, t};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    title: &'static str,
    message: String,
}

/// A message not yet in any language: a catalogue key, or text composed from one (a date, a
/// size) once the language is known.
#[derive(Clone)]
pub struct Text(Arc<dyn Fn(Lang) -> String + Send + Sync>);

impl Text {
    pub fn key(key: &'static str) -> Text {
        Text(Arc::new(move |lang| t(lang, key).to_string()))
    }

    pub fn composed(f: impl Fn(Lang) -> String + Send + Sync + 'static) -> Text {
        Text(Arc::new(f))
    }

    fn say(&self, lang: Lang) -> String {
        (self.0)(lang)
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Lang::En))
    }
}

#[derive(Clone, Debug)]
enum Message {
    One(Text),
    /// Every bad field, named.
    Fields(Vec<(String, Text)>),
}

impl Message {
    fn fields(i: Invalid) -> Message {
        Message::Fields(
            i.0.into_iter()
                .map(|e| {
                    let field = e.field.clone();
                    (field, Text::composed(move |lang| e.message(lang)))
                })
                .collect(),
        )
    }
}

#[derive(Clone, Copy, Debug)]
enum Shape {
    Page,
    Json,
}

/// An error response still waiting for its body: put there by [`PageError`] and [`ApiError`],
/// taken off by [`speak`].
#[derive(Clone, Debug)]
struct Untranslated {
    message: Message,
    shape: Shape,
}

fn untranslated(status: StatusCode, message: Message, shape: Shape) -> Response {
    let mut res = status.into_response();
    res.extensions_mut().insert(Untranslated { message, shape });
    res
}

/// The request's language, resolved once by the rules of [`crate::context::lang_of`], turns
/// every error response raised inside into its final body.
pub async fn speak(req: Request, next: Next) -> Response {
    let lang = crate::context::lang_of(req.headers());
    translate(next.run(req).await, lang)
}

fn translate(mut res: Response, lang: Lang) -> Response {
    let Some(u) = res.extensions_mut().remove::<Untranslated>() else {
        return res;
    };
    let (mut parts, _) = res.into_parts();
    let rendered = match u.shape {
        Shape::Json => {
            let body = match &u.message {
                Message::One(m) => json!({"error": m.say(lang)}),
                Message::Fields(f) => json!({"errors": f
                    .iter()
                    .map(|(field, m)| json!({"field": field, "message": m.say(lang)}))
                    .collect::<Vec<_>>()}),
            };
            (parts.status, Json(body)).into_response()
        }
        Shape::Page => {
            let message = match &u.message {
                Message::One(m) => m.say(lang),
                Message::Fields(f) => f
                    .iter()
                    .map(|(_, m)| m.say(lang))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            let c = Chrome {
                lang,
                csrf: String::new(),
                user_name: None,
                user_role: None,
                active: "",
                path: "/".into(),
                notice: None,
            };
            page(
                &ErrorPage {
                    c,
                    title: t(lang, "err.title"),
                    message,
                },
                parts.status,
            )
        }
    };
    let (body_parts, body) = rendered.into_parts();
    // A template that fails to render turns the answer into a 500.
    parts.status = body_parts.status;
    if let Some(ct) = body_parts.headers.get(CONTENT_TYPE) {
        parts.headers.insert(CONTENT_TYPE, ct.clone());
    }
    Response::from_parts(parts, body)
}

/// Logs what must not be shown; what is shown of an `AppError` is its status and message.
fn status_and_message(e: AppError) -> (StatusCode, Message) {
    match e {
        AppError::Invalid(i) => (StatusCode::UNPROCESSABLE_ENTITY, Message::fields(i)),
        AppError::Forbidden => (
            StatusCode::FORBIDDEN,
            Message::One(Text::key("err.forbidden")),
        ),
        AppError::NotFound => (
            StatusCode::NOT_FOUND,
            Message::One(Text::key("err.not_found")),
        ),
        AppError::Unauthenticated => (
            StatusCode::UNAUTHORIZED,
            Message::One(Text::key("err.unauthorized")),
        ),
        AppError::Internal(e) => {
            tracing::error!(error = ?e, "internal error");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Message::One(Text::key("err.internal")),
            )
        }
    }
}

/// An error answered with the error page.
#[derive(Debug)]
pub enum PageError {
    App(AppError),
    Csrf,
    TooLarge,
    NotFound,
    RateLimited(u64),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> PageError {
        PageError::App(e)
    }
}

impl From<Invalid> for PageError {
    fn from(i: Invalid) -> PageError {
        PageError::App(AppError::Invalid(i))
    }
}

/// What a page handler returns: `?` on an `AppResult` answers with the error page.
pub type PageResult<T = Response> = Result<T, PageError>;

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let key = |status, key| (status, Message::One(Text::key(key)));
        let (status, message) = match self {
            PageError::App(e) => status_and_message(e),
            PageError::Csrf => key(StatusCode::FORBIDDEN, "login.csrf"),
            PageError::TooLarge => key(StatusCode::PAYLOAD_TOO_LARGE, "err.too_large"),
            PageError::NotFound => key(StatusCode::NOT_FOUND, "err.not_found"),
            PageError::RateLimited(secs) => {
                let mut res = untranslated(
                    StatusCode::TOO_MANY_REQUESTS,
                    Message::One(Text::key("err.rate_limited")),
                    Shape::Page,
                );
                res.headers_mut()
                    .insert("retry-after", HeaderValue::from(secs));
                return res;
            }
        };
        untranslated(status, message, Shape::Page)
    }
}

/// An error answered as JSON: `{"errors": [{"field", "message"}]}` for bad input,
/// `{"error": "..."}` otherwise.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: Message,
    retry_after: Option<u64>,
}

/// What an API handler returns: `?` on an `AppResult` answers with the JSON error.
pub type ApiResult<T = Response> = Result<T, ApiError>;

impl ApiError {
    /// `{"error": <the catalogue's text for key>}`
    pub fn new(status: StatusCode, key: &'static str) -> ApiError {
        ApiError::text(status, Text::key(key))
    }

    /// `{"error": <text>}`
    pub fn text(status: StatusCode, text: Text) -> ApiError {
        ApiError {
            status,
            message: Message::One(text),
            retry_after: None,
        }
    }

    /// `{"errors": [{"field", "message"}]}`
    pub fn fields(status: StatusCode, fields: Vec<(String, Text)>) -> ApiError {
        ApiError {
            status,
            message: Message::Fields(fields),
            retry_after: None,
        }
    }

    pub fn retry_after(mut self, secs: u64) -> ApiError {
        self.retry_after = Some(secs);
        self
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        let (status, message) = status_and_message(e);
        ApiError {
            status,
            message,
            retry_after: None,
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(i: Invalid) -> ApiError {
        AppError::Invalid(i).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = untranslated(self.status, self.message, Shape::Json);
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert("retry-after", HeaderValue::from(s));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert("www-authenticate", HeaderValue::from_static("Bearer"));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ungcuu_domain::validate::Reason;

    async fn body(res: Response) -> (StatusCode, String, String) {
        let status = res.status();
        let ct = res
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, ct, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn an_api_error_is_written_in_the_language_of_the_request() {
        let e = ApiError::from(AppError::NotFound);
        let (status, ct, b) = body(translate(e.into_response(), Lang::En)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(ct, "application/json");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&b).unwrap(),
            json!({"error": t(Lang::En, "err.not_found")})
        );
        let e = ApiError::from(Invalid::one("contact.phone", Reason::Required));
        let (status, _, b) = body(translate(e.into_response(), Lang::Vi)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let msg =
            ungcuu_domain::FieldError::new("contact.phone", Reason::Required).message(Lang::Vi);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&b).unwrap(),
            json!({"errors": [{"field": "contact.phone", "message": msg}]})
        );
    }

    #[tokio::test]
    async fn a_page_error_keeps_its_headers_and_gets_the_error_page() {
        let res = translate(PageError::RateLimited(7).into_response(), Lang::En);
        assert_eq!(res.headers()["retry-after"], "7");
        let (status, ct, b) = body(res).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(ct.starts_with("text/html"), "{ct}");
        assert!(b.contains(t(Lang::En, "err.rate_limited")), "{b}");
    }

    #[tokio::test]
    async fn other_responses_pass_untouched() {
        let res = translate((StatusCode::CREATED, "made").into_response(), Lang::En);
        let (status, _, b) = body(res).await;
        assert_eq!((status, b.as_str()), (StatusCode::CREATED, "made"));
    }
}
