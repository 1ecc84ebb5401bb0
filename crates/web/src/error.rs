//! Errors as people and programs see them: an HTML page in their language, or JSON in the
//! shape of API.md. Internal details are logged, never shown.

use crate::render::{Chrome, page};
use askama::Template;
use axum::Json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use ungcuu_app::AppError;
use ungcuu_domain::i18n::{Lang, t};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    title: &'static str,
    message: String,
}

#[derive(Debug)]
pub enum PageError {
    App(AppError, Lang),
    Csrf(Lang),
    TooLarge(Lang),
    NotFound(Lang),
    RateLimited(Lang, u64),
}

impl PageError {
    pub fn from_app(e: AppError, lang: Lang) -> PageError {
        PageError::App(e, lang)
    }
}

fn status_and_key(e: &PageError) -> (StatusCode, &'static str, Lang) {
    match e {
        PageError::App(AppError::Forbidden, l) => (StatusCode::FORBIDDEN, "err.forbidden", *l),
        PageError::App(AppError::NotFound, l) | PageError::NotFound(l) => {
            (StatusCode::NOT_FOUND, "err.not_found", *l)
        }
        PageError::App(AppError::Unauthenticated, l) => {
            (StatusCode::UNAUTHORIZED, "err.unauthorized", *l)
        }
        PageError::App(AppError::Invalid(_), l) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "common.errors_title", *l)
        }
        PageError::App(AppError::Internal(_), l) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "err.internal", *l)
        }
        PageError::Csrf(l) => (StatusCode::FORBIDDEN, "login.csrf", *l),
        PageError::TooLarge(l) => (StatusCode::PAYLOAD_TOO_LARGE, "err.too_large", *l),
        PageError::RateLimited(l, _) => (StatusCode::TOO_MANY_REQUESTS, "err.rate_limited", *l),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::App(AppError::Internal(e), _) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let (status, key, lang) = status_and_key(&self);
        let mut message = t(lang, key).to_string();
        if let PageError::App(AppError::Invalid(i), _) = &self {
            message =
                i.0.iter()
                    .map(|e| e.message(lang))
                    .collect::<Vec<_>>()
                    .join(" ");
        }
        let c = Chrome {
            lang,
            csrf: String::new(),
            user_name: None,
            user_role: None,
            active: "",
            path: "/".into(),
            notice: None,
        };
        let mut res = page(
            &ErrorPage {
                c,
                title: t(lang, "err.title"),
                message,
            },
            status,
        );
        if let PageError::RateLimited(_, secs) = self {
            res.headers_mut()
                .insert("retry-after", HeaderValue::from(secs));
        }
        res
    }
}

/// An error answered as JSON: `{"errors": [{"field", "message"}]}` for bad input,
/// `{"error": "..."}` otherwise.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: serde_json::Value,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, lang: Lang, key: &str) -> ApiError {
        ApiError {
            status,
            body: json!({"error": t(lang, key)}),
            retry_after: None,
        }
    }

    pub fn from_app(e: AppError, lang: Lang) -> ApiError {
        match e {
            AppError::Invalid(i) => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                body: json!({"errors": i.0.iter().map(|f| json!({"field": f.field, "message": f.message(lang)})).collect::<Vec<_>>()}),
                retry_after: None,
            },
            AppError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, lang, "err.forbidden"),
            AppError::NotFound => ApiError::new(StatusCode::NOT_FOUND, lang, "err.not_found"),
            AppError::Unauthenticated => {
                ApiError::new(StatusCode::UNAUTHORIZED, lang, "err.unauthorized")
            }
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, lang, "err.internal")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body)).into_response();
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
