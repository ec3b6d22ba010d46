# Review queue, report history (field-app/src/screens/review.rs, review_history.rs).
review-title = Review
review-awaiting = { $count } awaiting review
review-empty = No completed work orders are waiting for review on this device. Sync to fetch new ones.
review-col-completed = Completed
review-col-work-order = Work order
review-col-site = Site
review-col-priority = Priority
review-col-comment = Comment
review-comment-hint = comment for the engineer
review-approve = Approve
review-send-back = Send back
review-send-back-needs-comment = Write what the engineer should fix
review-open-history = Report & history
review-open-history-hint = Every change to this report, and the report as it was at any point
review-history-offline = The history needs a connection to the server, and this computer is offline. The report shown is the current state on this device.
review-history-sign-in = Sign in again to see the history.
review-history-load-failed = The history could not be loaded: { $error }
review-history-past-unreadable = this past version could not be read ({ $error })
review-history-back-to-queue = ← Review queue
review-history-title = Report & history: { $title }
review-history-loading = Loading the history from the server…
review-history-try-again = Try again
review-history-as-of-change = Show the report as of change
review-history-of-n = { " " }of { $n }
review-history-current-state = Current state
review-history-past-state = Past state: as of { $when }, change { $k } of { $n }. Read only.
review-history-past-state-by = Past state: as of { $when }, change { $k } of { $n } — by { $who }: { $what }. Read only.
review-history-current-banner-pick = Current state, as on this device. Pick a change (slider or table) to see the report as it was then.
review-history-current-banner = Current state, as on this device.
review-history-back-to-current = Back to the current state
review-history-loading-past = Loading the report as of change { $k }…
review-history-past-not-loaded = This past state is not loaded.
review-history-gone = This work order is no longer on this device.
review-history-user-id = user { $id }
review-history-none-offline = No history without a connection.
review-history-changes = History: { $count ->
    [one] { $count } change
   *[other] { $count } changes
}
review-history-col-who = Who
review-history-col-device-time = Device time
review-history-col-received = Received
review-history-col-changed = Changed
review-history-show-after-change = Show the report as it was after this change
review-report-status = Status
review-report-engineer = Engineer
review-report-arrived = Arrived on site
review-report-completed = Completed
review-report-time-on-site = Time on site
review-report-outcome = Outcome
review-report-sent-back = Sent back
review-report-findings = Findings and work done
review-report-checks = Checks
review-report-outages = Device outages
review-report-device-id = device { $id }
review-report-outage-open = { $device }: down since { $from }, not restored
review-report-outage = { $device }: down { $from } – { $to } ({ $span })
review-report-outage-inverted = { $device }: down { $from } – { $to } ({ $span }) — restored before it went down: check
review-report-parts = Parts used
review-report-part-consented = { $quantity } × { $name } — customer consented
review-report-part-no-consent = { $quantity } × { $name } — NO CONSENT RECORDED
review-report-photos-signature = Photos and signature
review-report-photos = { $count ->
    [one] { $count } photo
   *[other] { $count } photos
}
review-report-signed = Signed by { $name } at { $when }
review-report-not-signed = Not signed by the customer.
review-col-findings = Findings
review-col-signed = Signature
review-col-on-site = On site
review-findings = { $count ->
    [one] ⚠ 1 failed check
   *[other] ⚠ { $count } failed checks
}
review-no-findings = none
review-signed = ✓ signed
review-not-signed = not signed
review-page-comment = Comment for the engineer
review-col-engineer = Engineer
review-photo-alt = Photo { $n } of { $count }
review-photo-full-size = Photo { $n } of { $count } at full size
review-photo-open-hint = Click to see it at full size
review-photo-loading = Loading the photo…
review-photo-not-uploaded = Not uploaded yet by the engineer: it shows once their device has synced.
review-photo-offline = Offline: the photo loads when the server can be reached.
review-photo-failed = The photo could not be loaded: { $error }
review-photo-try-again = Try again
review-photo-sign-in = sign in again to load photos
review-photo-damaged = the file the server sent is not the photo the report names (damaged on the way); try again
review-photo-for-check = For the check: { $item }
review-photo-taken-by-at = Taken by { $who } at { $when }
review-photo-taken-by = Taken by { $who }
review-photo-taken-at = Taken at { $when }
review-photo-previous = ← Previous
review-photo-next = Next →
review-photo-close = Close
review-signature = Customer's signature
