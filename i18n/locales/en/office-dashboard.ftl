# Supervisor dashboard (field-app/src/screens/supervisor.rs, supervisor_devices.rs).
dash-complaint-recorded = Complaint recorded; resolution due { $due }
dash-score-recorded = Satisfaction score recorded
dash-title = Supervisor dashboard
dash-customer = Customer
dash-period = Month or quarter
dash-period-months = Months
dash-period-quarters = Quarters
dash-load = Load
dash-loading = loading…
dash-offline-loaded = Needs a connection — last loaded at { $when }
dash-offline = Needs a connection to load the summary
dash-empty = Choose a customer and load the service summary.
dash-save-pdf = Save summary PDF…
dash-save-csv = Save CSV…
dash-fetching = Fetching the summary for { $path }…
dash-saved = Saved: { $path }
dash-not-saved = Not saved: { $error }
dash-choose-customer = choose a customer
dash-customer-id = customer id
dash-value-min = { $value } min
dash-value-pct = { $value } %
dash-value-hours = { $value } h
dash-quarter = Q{ $quarter } { $year }
dash-category-network = network
dash-category-security = security
dash-category-software = software
dash-category-hardware = hardware
dash-category-other = other
dash-summary-heading = { $customer } · { $period } (loaded { $when })
dash-col-figure = Figure
dash-faults = Faults
dash-work-orders = Work orders
dash-mean-time-to-arrive = Mean time to arrive
dash-sla-resolution-met = SLA resolution met
dash-first-time-fix = First-time fix
dash-resolved-by-phone = Resolved by phone
dash-complaints = Complaints
dash-satisfaction = Customer satisfaction
dash-inspections-on-time = Inspections on time
dash-inspections-missed = Inspections missed
dash-downtime-recorded = Device downtime (recorded)
dash-still-down-so-far = Devices still down (so far)
dash-fault-time = Device fault time (not downtime)
dash-chart-faults = Faults per period, by category
dash-chart-levels = Service levels per period (%)
dash-by-category = By category, { $period }
dash-by-engineer = By engineer, { $period }
dash-engineer-line = { $name }: { $work_orders ->
    [one] { $work_orders } work order
   *[other] { $work_orders } work orders
}, { $completed } completed, { $complaints ->
    [one] { $complaints } complaint
   *[other] { $complaints } complaints
}
dash-inspections = Inspections, { $period }
dash-no-plans = The server keeps no inspection plans.
dash-inspections-line = { $planned } planned: { $on_time } on time, { $late } late, { $missed } missed
dash-line-sla-resolution = SLA resolution
dash-line-first-time-fix = First-time fix
dash-line-satisfied = Satisfied
dash-line-by-phone = By phone
dash-line-inspections-on-time = Inspections on time
dash-feedback = Customer feedback
dash-work-order = Work order
dash-choose-work-order = choose a work order
dash-work-order-id = work order document id (load a customer to choose)
dash-complaint-hint = what the customer complained about
dash-record-complaint = Record complaint
dash-score = Return-visit score
dash-score-hint = 1 very unhappy … 5 very happy
dash-record-score = Record score
dash-downtime-title = Device downtime, { $period }
dash-downtime-none = No outage was recorded on this period's work orders.
dash-downtime-note = Recorded on the work orders: down from → restored.
dash-downtime-still-down = { $count } still down, { $hours } h so far (not in the total until restored)
dash-downtime-device = { $name }: { $hours } h, { $count ->
    [one] { $count } outage
   *[other] { $count } outages
}
dash-downtime-device-down = { $name }: { $hours } h, { $count ->
    [one] { $count } outage
   *[other] { $count } outages
}, still down ({ $so_far } h so far)
dash-fault-time-title = Device fault time, { $period }
dash-fault-time-none = No fault was linked to a device.
dash-fault-time-note = Fault reported → completed: an upper bound of downtime.
dash-fault-time-device = { $name }: { $hours } h, { $count ->
    [one] { $count } fault
   *[other] { $count } faults
}
dash-fault-time-device-open = { $name }: { $hours } h, { $count ->
    [one] { $count } fault
   *[other] { $count } faults
}, { $open } still open
dash-more-devices = … and { $count ->
    [one] { $count } more device
   *[other] { $count } more devices
}
dash-notes = Notes for the customer's summary
dash-notes-hint = Printed in the summary PDF after the figures, as written here.
dash-notes-loading = Loading the notes…
dash-notes-not-loaded = The notes could not be loaded: { $error }
dash-notes-technical = Technical summary
dash-notes-suggestions = Suggestions
dash-notes-plan = Evaluation of the inspection plan
dash-notes-save = Save notes
dash-notes-saving = Saving the notes…
dash-notes-saved = Notes saved.
dash-notes-not-saved = Notes not saved: { $error }
dash-notes-written = Last written by { $name } at { $when }
