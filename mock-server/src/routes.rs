//! The route table.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

/// Every route of the server.
pub fn router(app: AppState) -> Router {
    let inner = Router::new()
        .route(
            "/health",
            get(|| async { axum::Json(json!({ "status": "ok" })) }),
        )
        .route("/openapi.json", get(openapi))
        .merge(crate::oauth::routes())
        .merge(crate::resources::me::routes())
        .merge(crate::resources::contacts::routes())
        .merge(crate::resources::poco::routes())
        .merge(crate::resources::permissions::routes())
        .merge(crate::control::routes())
        .merge(crate::resources::friends::routes())
        .merge(crate::resources::invitations::routes())
        .merge(crate::resources::activities::routes())
        .merge(crate::resources::chat::routes())
        .merge(crate::resources::events_ws::routes())
        .merge(crate::resources::batch::routes())
        .merge(crate::control::events::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app.clone());
    crate::control::act_as::wrap(inner, app)
}

async fn openapi(axum::extract::State(app): axum::extract::State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        app.spec.json.clone(),
    )
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "notFound", "no such resource")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "methodNotAllowed",
        "this method is not allowed here",
    )
}
