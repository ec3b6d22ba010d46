# Words shared by every screen and document.
lang-name = English
common-items = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
date-picker-hint = Click to choose the date on a calendar
date-picker-previous-month = Previous month
date-picker-next-month = Next month
date-picker-today = Today
clock-hours = { $what }: hours
clock-minutes = { $what }: minutes
date-picker-holiday = statutory holiday
date-picker-make-up-day = make-up working day (调休)
