//! `POST /v1/devices/numbers`: lease a block of the year's work-order numbers to the calling
//! device, so its engineer's incidents are numbered the moment they are saved, offline too.
//! A number a device later writes is accepted only if it came from its blocks and is unused
//! (checked on push: "Numbers" in docs/sync-protocol.md).

use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use chrono::Datelike;
use fieldsync::model::{NumberBlock, NumberLeaseRequest};

/// Numbers per lease: more than an engineer opens in a week offline, few enough that the
/// gaps an unused block leaves in the sequence stay small.
pub const NUMBER_BLOCK: i64 = 20;

pub async fn lease(
    State(state): State<AppState>,
    Auth(session): Auth,
    payload: Result<Json<NumberLeaseRequest>, JsonRejection>,
) -> AppResult<Json<NumberBlock>> {
    let Json(req) = payload?;
    let device = session.device.ok_or_else(|| {
        AppError::BadRequest("this token is not bound to a device; log in with a device_id".into())
    })?;
    let now = crate::now_ms();
    check_year(req.year, now)?;
    let block = state
        .db
        .call(move |s| s.lease_numbers(device, req.year, NUMBER_BLOCK, now))
        .await?;
    tracing::info!(%device, year = block.year, first = block.first, last = block.last, "leased work-order numbers");
    Ok(Json(block))
}

/// The year a device may lease for: the server's current one, and in December the next (so
/// a laptop offline over New Year still numbers its work).
fn check_year(year: i32, now: fieldsync::TimestampMs) -> AppResult<()> {
    let today = chrono::DateTime::from_timestamp_millis(now)
        .unwrap_or_default()
        .date_naive();
    let next_too = today.month() == 12;
    if year == today.year() || (next_too && year == today.year() + 1) {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "numbers are leased for {}{}, not {year}",
            today.year(),
            if next_too {
                format!(" or {}", today.year() + 1)
            } else {
                String::new()
            }
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::check_year;

    fn at(date: &str) -> fieldsync::TimestampMs {
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }

    #[test]
    fn the_current_year_and_in_december_the_next() {
        assert!(check_year(2026, at("2026-06-01")).is_ok());
        assert!(check_year(2027, at("2026-06-01")).is_err());
        assert!(check_year(2027, at("2026-12-07")).is_ok());
        assert!(check_year(2025, at("2026-12-07")).is_err());
        assert!(check_year(2028, at("2026-12-07")).is_err());
    }
}
