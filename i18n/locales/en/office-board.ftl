# Dispatch board (field-app/src/screens/dispatch_board.rs, dispatch_model.rs).
board-due = due { $when }
board-no-sla = no SLA
board-sla-on-track = on track
board-sla-at-risk = at risk
board-sla-breached = breached
board-sla-met = met
board-legend-no-sla = no SLA (inspections)
board-sla-stopped = SLA { $state }
board-sla-overdue = { $clock ->
    [response] response
   *[resolution] resolution
} overdue since { $when }
board-sla-overdue-paused = { $clock ->
    [response] response
   *[resolution] resolution
} overdue since { $when } · paused (on hold)
board-sla-due-paused = { $clock ->
    [response] response
   *[resolution] resolution
} due { $when } ({ $left } left · paused, on hold)
board-sla-due-in = { $clock ->
    [response] response
   *[resolution] resolution
} due { $when } (in { $span })
board-card-clock = { $clock ->
    [response] Response
   *[resolution] Resolution
}: { $state } · due { $when }
board-engineers-day = Engineers' day
board-previous-day = Previous day
board-today = Today
board-next-day = Next day
board-times-in = times in { $zone }
board-unassigned = Unassigned ({ $n })
board-sort-sla-due = SLA due
board-sort-priority = Priority
board-sort = sort:
board-queue-empty = Nothing waiting: every open work order has an engineer.
board-loading = Loading the board…
board-no-site = no site
board-no-engineers = No engineers on this server.
board-loading-engineers = Loading engineers…
board-engineer-load = { $open } open · level { $level }
board-engineer-skills = skills: { $skills }
board-not-scheduled = not scheduled:
board-close = Close
board-no-priority = no priority
board-site = Site: { $name }
board-customer = Customer: { $name }
board-scheduled = Scheduled { $from }–{ $to }
board-assigned = Assigned
board-nobody = Nobody yet.
board-unassign = Unassign
board-only-dispatchers = Only dispatchers and administrators change assignments.
board-assign-engineer = Assign an engineer
board-slot = Slot
board-choose-engineer = Choose an engineer.
board-reschedule-to = Reschedule { $name } to { $from }–{ $to }
board-is-assigned = { $name } is assigned
board-assign-slot = Assign { $name } · { $from }–{ $to }
board-assign = Assign { $name }
board-sending = Sending to the server…
board-loading-suggestions = Loading suggestions…
board-no-suggestions = No suggestions: { $error }
board-already-assigned = already assigned · { $why }
board-other-engineers = Other engineers
board-duration = Duration
board-slot-on = on
board-no-slot = No slot: as soon as possible
board-no-free-slot = No free slot left that day.
board-done-assigned = Assigned — the engineer's app gets it at its next sync.
board-done-unassigned = Unassigned — the engineer's app gets it at its next sync.
board-done-assigned-scheduled = Assigned and scheduled — the engineer's app gets it at its next sync.
board-done-rescheduled = Rescheduled — the engineer's app gets it at its next sync.
board-fail-assign = Could not assign
board-fail-unassign = Could not unassign
board-fail-slot = Assigned, but the visit time could not be set
board-fail-reschedule = Could not reschedule
board-unexpected-answer = unexpected answer "{ $tag }"
board-dispatch = Dispatch
board-kind-incident = incident
board-kind-inspection = inspection
board-caller = Caller: { $caller }
board-why-skills = skills: { $skills }
board-why-sep = {", "}
board-why-site = knows the site
board-why-customer = serves this customer
board-why-open = { $count ->
    [one] 1 open work order
   *[other] { $count } open work orders
}
board-why-free = free in the scheduled window
board-why-clashes = { $count ->
    [one] 1 clash in the scheduled window
   *[other] { $count } clashes in the scheduled window
}
board-live-on-site = ● on site: { $work }
board-live-en-route = → on the way: { $work }
board-live-on-hold = on hold: { $work }
board-live-idle = nothing in progress
