# Change management: a change's class (standard, emergency, major) and the supervisor's
# approval (fieldsync::model::change). Refusals first, keyed by their stable code.
refusal-change_not_approved = Work on this change cannot start until a supervisor approves it. You may accept it and travel; wait for the approval before starting.
refusal-change_rejected = A supervisor rejected this change: no work may be done on it. Ask the dispatcher.
refusal-change_rejection_needs_reason = Say why the change is rejected.
refusal-change_reason_too_long = The reason is too long (at most 2000 characters).
refusal-change_pre_approved = A standard change is pre-approved: it needs no decision.
refusal-change_needs_class = Choose the change's class: standard, emergency or major.
refusal-unknown_change_class = “{ $class }” is not a change class this version knows.
refusal-class_only_for_changes = Only a change has a change class.
refusal-not_a_change = This work order is not a change.

# The classes and approval states, wherever they are shown.
change-class-standard = Standard change
change-class-emergency = Emergency change
change-class-major = Major change
change-class-unknown = Change class “{ $class }”
change-class-none = Change (no class: treated as major)
change-state-pre-approved = Pre-approved
change-state-pending = Awaiting approval before work starts
change-state-awaiting-retrospective = Awaiting retrospective approval
change-state-approved = Approved
change-state-rejected = Rejected
change-state-unknown = Decision “{ $decision }” (not known to this version: treated as not approved)
change-decided = { $decision } by { $who }, { $when }
change-decided-reason = Reason: { $reason }

# The call form's choice.
call-kind = Kind
call-kind-incident = Incident (fault reported)
call-kind-change = Change (a planned modification)
call-change-class = Change class
call-change-class-hint-standard = Pre-approved: routine work on an agreed procedure.
call-change-class-hint-emergency = May start at once; a supervisor approves it afterwards.
call-change-class-hint-major = A supervisor approves it before work starts.

# The supervisor's approval list.
screen-changes = Changes
changes-title = Changes awaiting a decision
changes-count = { $count ->
    [one] { $count } change
   *[other] { $count } changes
}
changes-empty = No change awaits a decision.
changes-intro = Emergency changes first (work may already be under way), then the oldest.
changes-col-class = Class and state
changes-col-work-order = Work order
changes-col-decision = Decision
changes-reason-hint = Reason (required to reject)
changes-approve = Approve
changes-reject = Reject
changes-approved = Change approved. The engineer sees it at their next sync.
changes-rejected = Change rejected. The engineer sees it at their next sync.
changes-recent = Decided recently
changes-offline-note = Decisions are saved on this device and sent at the next sync.

# The engineer's work order.
eng-wo-change = Change
call-save-change = Save change
call-change-no-sla = No SLA clock runs on a change: it is done in its planned window.
