//! Helpers shared by the screen tests.

use egui_kittest::Harness;
use fieldsync_app::FieldApp;
use fieldsync_app::runtime::ApiCall;
use fieldsync_app::runtime::ToWorker;

/// The API calls the screen sent since the last look.
pub fn calls(h: &mut Harness<'static, FieldApp>) -> Vec<ApiCall> {
    std::mem::take(&mut h.state_mut().unsent)
        .into_iter()
        .filter_map(|m| match m {
            ToWorker::Api(c) => Some(c),
            _ => None,
        })
        .collect()
}
