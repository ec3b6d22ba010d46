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
plans-rule-empty = Enter a recurrence rule, e.g. FREQ=WEEKLY;BYDAY=WE.
plans-rule-not-key-value = “{ $part }” is not KEY=VALUE (parts are separated by ;).
plans-rule-dtstart = Leave DTSTART out: the plan's first day is set under “Starts on”.
plans-rule-unknown-part = Unknown RRULE part { $key } (known: { $known }).
plans-rule-no-value = { $key } has no value.
plans-rule-no-freq = The rule needs FREQ (DAILY, WEEKLY, MONTHLY or YEARLY).
plans-rule-bad-freq = FREQ={ $freq }: inspections recur DAILY, WEEKLY, MONTHLY or YEARLY.
plans-need-title = Enter a title, e.g. “Weekly server-room round”.
plans-need-site = Choose the site to inspect.
plans-window-order = The window must end after it starts.
plans-bad-zone = “{ $value }” is not a time zone name (e.g. Asia/Shanghai).
plans-bad-horizon = Create ahead: 1 to 366 days.
plans-need-device-type = Enter the device type to inspect (e.g. ups).
plans-template = Checklist
plans-template-none = (no checklist)
plans-template-elsewhere = a checklist not on this computer
plans-repeat-daily = Daily
plans-repeat-weekly = Weekly
plans-repeat-monthly = Monthly
plans-repeat-working-days = Every working day (site's calendar)
plans-repeat-custom = Custom RRULE
plans-every = Every
plans-unit-days = { $n ->
    [1] day
   *[other] days
}
plans-unit-weeks = { $n ->
    [1] week
   *[other] weeks
}
plans-unit-months = { $n ->
    [1] month
   *[other] months
}
plans-on-weekdays = On
plans-on-month = On
plans-monthly-by-day = day of the month
plans-monthly-by-weekday = weekday of the month
plans-month-day = day { $day }
plans-month-last-day = last day
plans-nth-first = first
plans-nth-second = second
plans-nth-third = third
plans-nth-fourth = fourth
plans-nth-last = last
plans-working-days-only = only on working days (skip statutory holidays)
plans-working-days-note = Working days of the site's calendar: statutory holidays are skipped, 调休 make-up Saturdays and Sundays are included.
plans-rrule-produced = The iCalendar rule this recurrence saves (choose “Custom RRULE” to type one).
plans-need-weekday = Tick at least one weekday.
plans-bad-interval = “Every” is 1 to { $max }.
plans-bad-month-day = Choose a day of the month (1–31, or the last day).
plans-list-sep = ,{" "}
plans-describe-daily = { $n ->
    [1] Daily
   *[other] Every { $n } days
}
plans-describe-weekly = { $n ->
    [1] Weekly on { $days }
   *[other] Every { $n } weeks on { $days }
}
plans-describe-monthly-day = { $n ->
    [1] Monthly on day { $day }
   *[other] Every { $n } months on day { $day }
}
plans-describe-monthly-last-day = { $n ->
    [1] Monthly on the last day
   *[other] Every { $n } months on the last day
}
plans-describe-monthly-nth = { $n ->
    [1] Monthly on the { $nth } { $weekday }
   *[other] Every { $n } months on the { $nth } { $weekday }
}
plans-describe-working-days = Every working day
plans-describe-working-days-only = { $rule }, working days only
plans-month-day-choice = Day of the month
plans-month-week-choice = Which week
plans-month-weekday-choice = Weekday
