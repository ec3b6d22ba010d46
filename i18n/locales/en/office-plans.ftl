# Inspection plans (field-app/src/screens/plans.rs, plans_model.rs).
plans-count = { $count ->
    [one] { $count } plan
   *[other] { $count } plans
}
plans-new-button = ＋ New plan
plans-load-failed = Plans could not be loaded: { $error }
plans-loading = Loading the plans…
plans-empty-dispatcher = No inspection plans yet. “＋ New plan” sets up recurring visits (a weekly on-site round, a monthly UPS test); the server then creates their work orders ahead.
plans-empty = No inspection plans yet.
plans-col-plan = Plan
plans-col-site = Site
plans-col-recurrence = Recurrence
plans-col-window = Window
plans-col-engineer = Engineer
plans-col-priority = Priority
plans-col-state = State
plans-paused = paused
plans-active = active
plans-edit = Edit
plans-resume = Resume
plans-pause = Pause
plans-edit-heading = Edit plan
plans-new-heading = New plan
plans-edit-note = Changes apply from the moment you save: past visits stay as they were.
plans-save = Save plan
plans-cancel = Cancel
plans-saving = Saving…
plans-title = Title
plans-site = Site
plans-choose = (choose)
plans-devices = Devices
plans-devices-all = all at the site
plans-devices-of-type = of type
plans-device-type = Device type
plans-devices-listed = { $count } listed
plans-recurrence = Recurrence
plans-rrule-hint = iCalendar RRULE, e.g. FREQ=WEEKLY;BYDAY=WE or FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO (choose “Custom RRULE” to type)
plans-starts-on = Starts on
plans-window-start = Window start
plans-window-end = Window end
plans-time-zone = Time zone
plans-horizon = Create ahead (days)
plans-default-engineer = Default engineer
plans-no-engineer = (none: dispatcher assigns)
plans-priority = Priority
plans-paused-label = Paused
plans-paused-hint = no new visits while paused
plans-next-visits = Next visits
plans-preview-waiting = The preview appears when the plan is complete.
plans-no-visits = The rule produces no future visits.
plans-times-in = times in { $zone }
plans-saved = Plan saved — its visits are generated on the server.
plans-not-saved = Not saved: { $error }
plans-pause-failed = Could not pause or resume the plan
plans-preset-weekly-wednesday = Weekly on Wednesday
plans-preset-monthly-first-monday = Monthly, first Monday
plans-preset-quarterly = Quarterly, first Monday
plans-preset-working-days = Every working day
plans-preset-custom = Custom RRULE
plans-rule-empty = Enter a recurrence rule, e.g. FREQ=WEEKLY;BYDAY=WE.
plans-rule-not-key-value = “{ $part }” is not KEY=VALUE (parts are separated by ;).
plans-rule-dtstart = Leave DTSTART out: the plan's first day is set under “Starts on”.
plans-rule-unknown-part = Unknown RRULE part { $key } (known: { $known }).
plans-rule-no-value = { $key } has no value.
plans-rule-no-freq = The rule needs FREQ (DAILY, WEEKLY, MONTHLY or YEARLY).
plans-rule-bad-freq = FREQ={ $freq }: inspections recur DAILY, WEEKLY, MONTHLY or YEARLY.
plans-need-title = Enter a title, e.g. “Weekly server-room round”.
plans-need-site = Choose the site to inspect.
plans-bad-date = “{ $value }” is not a date: write it as 2026-11-18.
plans-bad-window-start = The window start “{ $value }” is not a time: write it as 09:00.
plans-bad-window-end = The window end “{ $value }” is not a time: write it as 09:00.
plans-window-order = The window must end after it starts.
plans-bad-zone = “{ $value }” is not a time zone name (e.g. Asia/Shanghai).
plans-bad-horizon = Create ahead: 1 to 366 days.
plans-need-device-type = Enter the device type to inspect (e.g. ups).
plans-template = Checklist
plans-template-none = (no checklist)
plans-template-elsewhere = a checklist not on this computer
