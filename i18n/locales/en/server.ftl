# Words the server writes into documents (in the site's language): plan visits.
plan-occurrence-title = { $plan } — { $date }
plan-occurrence-description = Planned inspection { $from }–{ $to } local time ({ $zone }).
