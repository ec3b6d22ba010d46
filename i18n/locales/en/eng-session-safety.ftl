# A retired refresh token of this computer's sign-in was used again after it had been replaced
# (a copy is in someone else's hands): the server ended the sign-in.
eng-net-signed-out-for-safety = signed out on this laptop for safety: its sign-in was used somewhere else. Sign in again — your unsent edits are kept on this computer
