# The customer's monthly or quarterly service summary (server/src/report/summary).
summary-quarter = Q{ $quarter } { $year } ({ $first }–{ $last })
summary-running-head = Service summary { $customer } — { $period }
summary-heading = Service summary
summary-doc-title = Service summary { $period }
summary-footer = fieldsync · service summary · { $customer } · { $period }
summary-customer = Customer
summary-period = Period
summary-compared-with = Compared with
summary-generated = Generated
summary-truncated = Incomplete: more work orders exist than one summary reads; some are not counted.
summary-key-figures = Key figures
summary-method = Months are calendar months in { $zone }. A fault counts in the month of its call, planned work in the month of its window. Times are the engineers' device times; SLA figures are the dispatch board's clocks (the contract's business hours, holidays and make-up working days, less time on hold).
summary-col-figure = Figure
summary-col-code = Code
summary-fig-faults-of = { $category } faults
summary-fig-fault-rate-of = { $category } fault rate (faults ÷ devices)
summary-fig-fault-share-of = { $category } share of faults
summary-fig-phone_resolutions = Resolved by phone
summary-fig-cancelled = Cancelled
summary-fig-satisfaction_scores = Satisfaction scores given
summary-fig-inspections_on_time = Inspections on time
summary-fig-inspections_late = Inspections late
summary-fig-findings = Findings on checks (failed or out of range)
summary-fig-findings_followed_up = Findings with a follow-up incident
summary-col-change = Change
summary-col-target = Target
summary-fig-work_orders = Work orders
summary-fig-faults = Faults (incidents)
summary-fig-devices_in_service = Devices in service (CMDB)
summary-fig-fault_rate_pct = Fault rate (faults ÷ devices)
summary-fig-completed = Completed
summary-fig-open = Still open
summary-fig-mean_time_to_arrive_min = Mean time to arrive on site (wall clock)
summary-fig-mean_time_to_arrive_business_min = Mean time to arrive on site (business hours)
summary-fig-mean_on_site_resolution_min = Mean on-site resolution (wall clock)
summary-fig-mean_on_site_resolution_business_min = Mean on-site resolution (business hours)
summary-fig-sla_response_pct = SLA response met
summary-fig-sla_resolution_pct = SLA resolution met
summary-fig-first_time_fix_rate_pct = First-time fix rate
summary-fig-phone_resolution_rate_pct = Resolved by phone (no visit)
summary-fig-complaints = Complaints
summary-fig-complaint_rate_pct = Complaint rate (work orders)
summary-fig-complaints_resolved_on_time_pct = Complaints resolved in 3 working days
summary-fig-customer_satisfaction_pct = Customer satisfaction (score 4–5)
summary-fig-mean_satisfaction = Mean satisfaction score (1–5)
summary-fig-inspections_planned = Inspections planned
summary-fig-inspection_adherence_pct = Inspections done on time
summary-fig-inspections_missed = Inspections missed
summary-fig-device_outages = Device outages recorded
summary-fig-device_downtime_hours = Device downtime (recorded)
summary-fig-device_faults = Faults on recorded devices
summary-fig-device_fault_hours = Device fault time (not downtime)
summary-faults-per-month = Faults per month, by category
summary-faults-per-quarter = Faults per quarter, by category
summary-levels-per-month = Service levels per month
summary-levels-per-quarter = Service levels per quarter
summary-line-response = SLA response met
summary-line-resolution = SLA resolution met
summary-line-first-fix = First-time fix
summary-line-satisfied = Satisfied customers
summary-line-phone = Resolved by phone
summary-line-inspections = Inspections on time
summary-by-category = Faults by category, { $period }
summary-no-faults = No faults were reported in this period.
summary-category-bar = { $count } ({ $share } of faults)
summary-by-engineer = By engineer, { $period }
summary-no-work-orders = No work orders were assigned in this period.
summary-work-orders-bar = { $count ->
    [one] { $count } work order
   *[other] { $count } work orders
}
summary-col-engineer = Engineer
summary-col-work-orders = Work orders
summary-col-faults = Faults
summary-col-completed = Completed
summary-col-first-fix = First-time fix
summary-col-mean-on-site = Mean on site
summary-col-complaints = Complaints
summary-inspections = Inspection plan adherence, { $period }
summary-no-plans = This database keeps no inspection plans.
summary-no-inspections = No inspections were planned in this period.
summary-col-planned = Planned
summary-col-done-on-time = Done on time
summary-col-late = Late
summary-col-missed = Missed
summary-col-not-due = Not due yet
summary-col-cancelled = Cancelled
summary-col-on-time = On time
summary-inspections-note = Occurrences of the customer's plans whose window starts in the period. On time = completed by the window's end; missed = window over, not completed. On time % = on time / (on time + late + missed).
summary-downtime = Device downtime, { $period }
summary-no-outages = No outage was recorded on this period's work orders.
summary-downtime-note = From the outages recorded on the work orders (down from → restored), overlapping outages of one device counted once; devices still down are shown with their hours so far, kept out of the total until restored.
summary-outage-bar = { $hours } h, { $count ->
    [one] { $count } outage
   *[other] { $count } outages
}
summary-outage-bar-down = { $hours } h, { $count ->
    [one] { $count } outage
   *[other] { $count } outages
}, still down ({ $so_far } h so far)
summary-outages-total = { $outages ->
    [one] { $outages } outage
   *[other] { $outages } outages
} on { $devices ->
    [one] { $devices } device
   *[other] { $devices } devices
}, { $hours } h in all
summary-still-down = { $count } still down, { $hours } h so far (not in the total)
summary-most-hours-shown = the { $count } devices with the most hours shown
summary-fault-time = Device fault time, { $period }
summary-no-device-faults = No fault of this period was linked to a device.
summary-fault-time-note = Not downtime: hours from the fault being reported to its completion, overlapping faults on one device counted once; faults still open have no time yet. An upper bound of downtime that needs nothing recorded (the recorded downtime is above).
summary-fault-bar = { $hours } h, { $count ->
    [one] { $count } fault
   *[other] { $count } faults
}
summary-faults-total = { $faults ->
    [one] { $faults } fault
   *[other] { $faults } faults
} on { $devices ->
    [one] { $devices } device
   *[other] { $devices } devices
}, { $hours } h in all
summary-still-open = { $count } still open
fault-table-heading = Fault rate assessment, { $period }
fault-table-corner = Item / fault type
fault-table-total = Total
fault-table-virus = Virus / security
fault-table-this-month = Faults this month
fault-table-this-quarter = Faults this quarter
fault-table-rate = Overall fault rate (÷ { $devices } devices)
fault-table-rate-no-cmdb = Overall fault rate (no CMDB count)
fault-table-quarter = This quarter ({ $quarter }, to date)
fault-table-history-months = History (mean of the { $count } months before)
fault-table-history-quarters = History (mean of the { $count } quarters before)
fault-table-class = { $class } { $rate } ({ $faults } of { $devices })
fault-table-note-none = Fault rate = faults ÷ devices in service (CMDB, as recorded now). By device class: no fault was linked to a recorded device.
fault-table-note = Fault rate = faults ÷ devices in service (CMDB, as recorded now). By device class (faults linked to a device of the class ÷ devices of the class): { $classes }.
summary-notes-heading = Service manager's summary, { $period }
summary-notes-by = Written by { $name }, { $when }.
summary-notes-technical = Technical summary
summary-notes-suggestions = Suggestions for improving the maintenance
summary-notes-plan = Evaluation of how the inspection plan was carried out
