//! Small input widgets the forms share: a calendar date picker with translated weekday and
//! month names (Monday first, as Chinese calendars are printed) and a time-of-day input.
//! Leaf helpers: they draw and edit a value and know nothing of the app's state.

pub mod clock_input;
pub mod date_picker;

pub use clock_input::ClockInput;
pub use date_picker::DatePicker;
