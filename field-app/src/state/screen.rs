//! Which screen is shown: the app's pages and their titles.

/// The screens of the engineer's app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Screen {
    SignIn,
    #[default]
    MyWork,
    WorkOrder,
    Devices,
    NewIncident,
    Knowledge,
    SyncDetails,
    /// Supervisor: completed work orders awaiting a decision.
    Review,
    /// Dispatcher: the dispatch board, incidents from calls, inspection plans.
    Dispatch,
    /// Supervisor: KPI dashboard and customer feedback.
    Supervisor,
    /// Supervisor: changes awaiting approval.
    Changes,
    /// Dispatcher and supervisor: problem records (root causes, known errors).
    Problems,
}

impl Screen {
    pub fn title(self) -> String {
        use fieldsync_i18n::t;
        match self {
            Screen::SignIn => t!("screen-sign-in"),
            Screen::MyWork => t!("screen-my-work"),
            Screen::WorkOrder => t!("screen-work-order"),
            Screen::Devices => t!("screen-devices"),
            Screen::NewIncident => t!("screen-new-incident"),
            Screen::Knowledge => t!("screen-knowledge"),
            Screen::SyncDetails => t!("screen-sync"),
            Screen::Review => t!("screen-review"),
            Screen::Dispatch => t!("screen-dispatch"),
            Screen::Supervisor => t!("screen-dashboard"),
            Screen::Changes => t!("screen-changes"),
            Screen::Problems => t!("screen-problems"),
        }
    }
}
