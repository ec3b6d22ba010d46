# The service report of a visit (report/src/lib.rs): the customer's language.
report-doc-title = Service report { $number }: { $title }
report-heading = Service report
report-number = No. { $number }
report-unknown-user = user { $id }
report-unknown-device = device { $id }
report-approved-by = Approved by { $who } on { $at }
report-awaiting-review = Awaiting supervisor review
report-sent-back-by = Sent back by { $who } on { $at }: { $comment }
report-not-approved = Not approved ({ $status })
report-kind-incident = Incident
report-kind-patrol = Patrol inspection
report-customer = Customer
report-site = Site
report-type = Type
report-priority = Priority
report-engineer = Engineer
report-status = Status
report-visit = Visit
report-arrived = Arrived on site
report-left = Left site
report-time-on-site = Time on site
report-time-zone = Time zone
report-devices = Devices
report-asset-tag = Asset tag
report-vendor-model = Vendor / model
report-serial = Serial
report-location = Location
report-problem = Reported problem
report-scope = Scope of work
report-findings = Findings and work done
report-outcome = Outcome: { $outcome }
report-downtime = Device downtime
report-not-restored = not restored
report-device = Device
report-down-from = Down from
report-restored = Restored
report-downtime-col = Downtime
report-check-pass = Pass
report-check-fail = FAIL
report-check-na = n/a
report-check-out-of-range = { $value } (out of range)
report-check-photo = photo attached
report-checks = Checks
report-check = Check
report-result = Result
report-limits = Limits
report-note = Note
report-failed-checks = { $count ->
    [one] { $count } check failed or out of range (highlighted).
   *[other] { $count } checks failed or out of range (highlighted).
}
report-parts = Parts used
report-consent-yes = Yes
report-consent-missing = NO CONSENT RECORDED
report-part = Part
report-part-no = Part no.
report-qty = Qty
report-consent = Customer consent
report-photos = Photos
report-photo-unsupported = (photo in an unsupported format)
report-photos-not-printed = { $count ->
    [one] { $count } further photo not printed (file not here yet, or over the limit of { $limit }).
   *[other] { $count } further photos not printed (files not here yet, or over the limit of { $limit }).
}
report-signoff = Customer sign-off
report-signed-by = Signed by
report-signed-at = Signed at
report-signature-missing = (signature image not available)
report-not-signed = Not signed by the customer.
report-review = Review
report-footer = fieldsync service report · generated { $at }
layout-page = Page { $page } of { $pages }
