# SLA countdowns computed on the device (field-app/src/sla_clocks.rs).
eng-sla-from = From { $source }.
eng-sla-source-contract = computed on this device from the work order's events and the contract “{ $contract }”
eng-sla-source-due-times = the due times the server wrote into the work order (the customer's contract is not on this device yet, so pauses are not counted)
eng-sla-on-site-in-time = on site in time
eng-sla-resolved-in-time-clock = resolved in time
eng-sla-on-site-late = on site { $span } late
eng-sla-resolved-late-clock = resolved { $span } late
eng-sla-response-overdue-by = response overdue by { $span }
eng-sla-resolution-overdue-by = resolution overdue by { $span }
eng-sla-response-paused = response paused (on hold): { $left } left
eng-sla-resolution-paused = resolution paused (on hold): { $left } left
eng-sla-response-left = response: { $left } left (due { $due })
eng-sla-resolution-left = resolution: { $left } left (due { $due })
