# My work: the engineer's list (field-app/src/screens/my_work.rs).
mywork-heading = My work
mywork-count = { $count ->
    [one] { $count } work order
   *[other] { $count } work orders
}
mywork-new-incident = ＋ New incident
mywork-empty = Nothing assigned to you on this device yet. Sync to fetch your work, or create an incident.
mywork-col-when = When
mywork-col-work-order = Work order
mywork-col-site = Site
mywork-col-status = Status
mywork-col-priority = Priority
mywork-col-sla = SLA
mywork-col-sync = Sync
mywork-conflict = { $status } ⚠ conflict
