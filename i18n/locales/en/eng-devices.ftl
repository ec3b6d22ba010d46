# Devices: search and a device's page (field-app/src/screens/devices.rs).
eng-dev-status-in-service = In service
eng-dev-status-spare = Spare
eng-dev-status-retired = Retired
eng-dev-status-replaced = Replaced
eng-dev-heading = Devices
eng-dev-search-hint = serial, IP, asset tag, model, room…
eng-dev-search = Search devices
eng-dev-count = { $shown } of { $count ->
    [one] { $count } device
   *[other] { $count } devices
}
eng-dev-col-asset-tag = Asset tag
eng-dev-col-type = Type
eng-dev-col-model = Model
eng-dev-col-serial = Serial
eng-dev-col-ip = IP
eng-dev-col-location = Location
eng-dev-field-asset-tag = Asset tag
eng-dev-field-device-type = Device type
eng-dev-field-vendor = Vendor
eng-dev-field-model = Model
eng-dev-field-serial = Serial
eng-dev-field-os-version = OS version
eng-dev-field-firmware-version = Firmware version
eng-dev-field-ip = IP
eng-dev-field-mac = MAC
eng-dev-field-warranty-end = Warranty end
eng-dev-field-contract-end = Contract end
eng-dev-field-status = Status
eng-dev-field-notes = Notes
eng-dev-field-building = Building
eng-dev-field-floor = Floor
eng-dev-field-room = Room
eng-dev-field-rack = Rack
eng-dev-back = ← Devices
eng-dev-conflicts = ⚠ Conflicting values
eng-dev-configuration = Configuration
eng-dev-edit-explainer = Edit a value and press Enter (or leave the field) to save it on this device.
eng-dev-edit-field = Edit { $field }
eng-dev-history = Maintenance history
eng-dev-history-empty = No work orders on this device yet (that this device knows of).
eng-dev-edit = Edit
eng-dev-done-editing = Done
