# Words shared by every screen and document.
lang-name = English
common-items = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
