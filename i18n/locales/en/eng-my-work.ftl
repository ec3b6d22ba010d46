# My work: the engineer's list (field-app/src/screens/my_work.rs).
eng-mywork-heading = My work
eng-mywork-count = { $count ->
    [one] { $count } work order
   *[other] { $count } work orders
}
eng-mywork-new-incident = ＋ New incident
eng-mywork-empty = Nothing assigned to you on this device yet. Sync to fetch your work, or create an incident.
eng-mywork-col-when = When
eng-mywork-col-work-order = Work order
eng-mywork-col-site = Site
eng-mywork-col-status = Status
eng-mywork-col-priority = Priority
eng-mywork-col-sla = SLA
eng-mywork-col-sync = Sync
eng-mywork-conflict = { $status } ⚠ conflict
eng-agenda-sent-back = Sent back to redo ({ $count })
eng-agenda-sent-back-badge = {" "}sent back{" "}
eng-agenda-overdue = Overdue ({ $count })
eng-agenda-today = Today ({ $count })
eng-agenda-later = Next days ({ $count })
eng-agenda-done = Done ({ $count })
