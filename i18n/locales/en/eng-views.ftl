# Names shown in work order views and conflicts (field-app/src/views.rs, state.rs, thumbs.rs).
views-device-elsewhere = device { $id } (not on this device)
views-you = you
views-user = user { $id }
views-other-device = another device ({ $id })
views-check-field = Checklist “{ $item }” ({ $field })
views-field-title = title
views-field-priority = priority
views-field-category = category
state-part-name-missing = enter the part's name
state-part-quantity-bad = quantity “{ $quantity }” is not a positive whole number
thumb-elsewhere = the photo is kept on the device that took it
thumb-no-preview = no preview
thumb-cannot-read = cannot read { $path }: { $error }
thumb-not-image = not a readable image: { $error }
thumb-no-folder = thumbnail path has no folder
thumb-cannot-create = cannot create { $path }: { $error }
thumb-cannot-write = cannot write the thumbnail: { $error }
