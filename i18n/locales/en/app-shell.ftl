# The app's frame: navigation, messages, the sync bar and Sync page, sign-in.
screen-sign-in = Sign in
screen-my-work = My work
screen-work-order = Work order
screen-devices = Devices
screen-new-incident = New incident
screen-knowledge = Knowledge
screen-sync = Sync
screen-review = Review
screen-dispatch = Dispatch
screen-dashboard = Dashboard
nav-not-signed-in = not signed in
nav-language = Language
flash-dismiss = Dismiss
language-not-saved = The language is shown but could not be remembered: { $error }
bar-syncing = syncing
bar-no-server = not connected to a server
bar-online = online
bar-offline-since = offline for { $span }
bar-signed-out = signed out
bar-not-synced-yet = not synced yet
bar-last-sync = last sync { $ago }
bar-never-synced = never synced
bar-all-sent = all changes sent
bar-docs-waiting = { $count ->
    [one] { $count } document with changes waiting
   *[other] { $count } documents with changes waiting
}
bar-files-waiting = { $count ->
    [one] · { $count } file waiting
   *[other] · { $count } files waiting
}
bar-rejected = { $count ->
    [one] { $count } rejected change
   *[other] { $count } rejected changes
}
bar-sign-in-again = Sign in again
bar-error-retrying = { $error } — retrying in { $secs } s
bar-work-is-saved = Your work is saved on this device and is sent when the server is reachable.
sync-now = Sync now
sync-server = Server
sync-last-success = Last successful sync
sync-never = never
sync-waiting = Changes waiting
sync-waiting-counts = { $docs ->
    [one] { $docs } document
   *[other] { $docs } documents
}, { $files ->
    [one] { $files } file
   *[other] { $files } files
}
sync-last = Last sync
sync-problem = Problem
sync-explainer = The app syncs by itself every 30 seconds while online, and retries with growing pauses while offline. Everything you enter is saved on this device first.
sync-sign-in-again = Sign in again…
sync-quarantine = Rejected changes (quarantine)
sync-quarantine-empty = None: the server accepted everything you sent.
sync-quarantine-explainer = The server refused these changes. Your edits are kept here (nothing is deleted); the document went back to the server's version with the edits you are allowed to make re-applied.
sign-in-heading = Sign in to fieldsync
sign-in-profile-of = This profile belongs to { $name } ({ $user }). Signing in again refreshes the sync token; everything on this device is kept.
sign-in-once = Sign in once while online; after that the app works without a network.
sign-in-where-from = The server address and your account come from your dispatcher or IT administrator.
sign-in-server = Server
sign-in-user = User name
sign-in-password = Password
sign-in-busy = Signing in…
sign-in-pinned = Server certificate trusted on this device (SHA-256): { $fingerprint }. A different certificate is refused.
sign-in-tofu = A server with a self-signed certificate is shown with its fingerprint on first contact: compare it with the one the server printed before trusting it. An address given as https://…#sha256=<fingerprint> is trusted as given (also after the server’s certificate was replaced).
sync-waiting-list = Waiting to be sent ({ $count })
sync-waiting-because = Not sent yet: { $why }
sync-waiting-offline = Not sent yet: this computer is offline; they go with the next sync once it is back.
sync-waiting-next = Saved here; they go with the next sync.
sync-edited-here = edited here { $when }
sync-sign-out = Sign out
sync-sign-out-hint = forget this computer's sign-in; your work stays here
sync-sign-out-pending = { $count ->
    [one] 1 change is not sent yet: signing out keeps it here, and it goes after the next sign-in.
   *[other] { $count } changes are not sent yet: signing out keeps them here, and they go after the next sign-in.
}
sign-in-confirm-title = First contact with this server
sign-in-confirm-explain = It uses a self-signed certificate. Compare this fingerprint, character by character, with the one the server printed when it made its certificate (ask your administrator). Trust it only if they are the same: anyone on this network could show you another.
sign-in-confirm-trust = Same fingerprint: trust and sign in
sign-in-confirm-cancel = Do not trust
