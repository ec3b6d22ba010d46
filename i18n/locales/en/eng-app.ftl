# Messages of the app's frame to the engineer (field-app/src/app.rs, command.rs).
eng-app-demo-starting = Starting the demo server and signing in as { $user }…
eng-app-local-db = Local database: { $error }. Restart the app; if it happens again, tell your administrator.
eng-app-report-saved = Service report saved: { $path }
eng-app-report-not-saved = The service report was not saved: { $error }
eng-app-signed-in = Signed in as { $name }.
eng-app-pinned = This device now trusts the server's certificate, SHA-256 { $fingerprint }. It should match the fingerprint the server printed at start; a different certificate will be refused.
eng-app-sign-in-failed = Sign-in failed: { $error }
eng-app-syncing = Syncing…
eng-app-sync-progress = Syncing… { $count ->
    [one] { $count } document
   *[other] { $count } documents
} received in { $pages ->
    [one] { $pages } page
   *[other] { $pages } pages
}
eng-app-sync-summary = sent { $sent } · received { $received } · { $files ->
    [one] { $files } file
   *[other] { $files } files
} uploaded · { $trips ->
    [one] { $trips } round trip
   *[other] { $trips } round trips
} · { $up } KB up, { $down } KB down · { $ms } ms
eng-app-rejected = The server refused changes to { $count ->
    [one] { $count } document
   *[other] { $count } documents
}; they are kept in quarantine (see Sync).
eng-cmd-no-such = No such { $what }: { $id }
eng-cmd-not-saved = Could not save: { $error }
eng-cmd-gone = This document is no longer on this device.
eng-cmd-status-saved = { $event } — saved on this device.
eng-cmd-own-review = nobody reviews their own work
eng-cmd-approved = Approved — saved on this device.
eng-cmd-sent-back = Sent back to the engineer — saved on this device.
eng-cmd-photo-kind = Choose a photo file (.jpg, .jpeg, .png, .webp, .heic).
eng-cmd-photo-too-large = { $path } is larger than 50 MB.
eng-cmd-cannot-read = Cannot read { $path }: { $error }
eng-cmd-signer-missing = Enter the name of the person signing.
eng-cmd-pad-empty = The signature pad is empty: ask the customer to sign.
eng-cmd-field-saved = { $field } saved on this device.
eng-cmd-incident-sign-in = Sign in first: the incident is created in your name.
eng-cmd-incident-title = Give the incident a short title.
eng-cmd-incident-created = Incident “{ $title }” created on this device; it syncs when online.
eng-cmd-incident-created-numbered = Incident { $number } “{ $title }” created on this device; quote this number to the customer. It syncs when online.
eng-cmd-credentials-missing = Enter your user name and password.
eng-cmd-required-empty = Required checklist items are empty: { $items }
eng-cmd-hold-needs-reason = A hold needs a reason: write why the work is on hold.
eng-cmd-findings-need-reasons = give a reason for each failed check before completing: { $items }
eng-notice-sep = {", "}
eng-notice-sent-back = Sent back to redo: { $list }
eng-notice-assigned = New work for you: { $list }
eng-notice-approved = Approved: { $list }
eng-app-signed-out = Signed out: the server has revoked this computer's sign-in.
eng-app-signed-out-offline = Signed out on this computer. The server could not be told: its sign-in lapses at its expiry, or ask an administrator to revoke this device.
eng-app-signed-out-pending = { $count ->
    [one] 1 change not sent yet stays on this computer and goes with the next sign-in.
   *[other] { $count } changes not sent yet stay on this computer and go with the next sign-in.
}
