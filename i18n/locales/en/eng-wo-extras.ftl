# Parts, photos and signature on a work order (field-app/src/screens/wo_extras.rs).
eng-extras-no-parts = No parts used.
eng-extras-col-part = Part
eng-extras-col-part-number = Part number
eng-extras-col-serial = Serial
eng-extras-col-qty = Qty
eng-extras-col-consent = Customer consent
eng-extras-consent-given = ✓ given
eng-extras-consent-missing = × not recorded
eng-extras-part-name-hint = part name
eng-extras-part-name = Part name
eng-extras-part-number-hint = part number
eng-extras-serial-hint = serial
eng-extras-qty-hint = qty 1
eng-extras-consent = customer agreed to the replacement
eng-extras-add-part = Add part
eng-extras-consent-needed = Replacing a part needs the customer's consent first: tick the box once they agree.
eng-extras-no-photos = No photos.
eng-extras-no-caption = (no caption)
eng-extras-choose-photo = Choose photo…
eng-extras-photo-file = Photo file
eng-extras-caption-hint = caption
eng-extras-attach-photo = Attach photo
eng-extras-signed-by = Signed by { $name } on { $time }
eng-extras-sign-again = Sign again…
eng-extras-resign-note = The new signature replaces the one above.
eng-extras-not-signed = Not signed.
eng-extras-ask-to-sign = Ask the customer to sign with the mouse or a pen:
eng-extras-signer-name = Signer's name
eng-extras-clear-pad = Clear pad
eng-extras-save-signature = Save signature
eng-extras-edit-part = Edit
eng-extras-edit-part-name = Edit part { $part }
eng-extras-remove-part = Remove
eng-extras-remove-part-name = Remove part { $part }
eng-extras-save-part = Save part
eng-extras-cancel-edit = Cancel
eng-extras-drop-photos = or drop photos on this window
eng-extras-copying-photos = { $count ->
    [one] Copying the photo into this laptop's store…
   *[other] Copying { $count } photos into this laptop's store…
}
