//! Versioned schema migrations of the SQLite backend. Never edit a migration that has
//! shipped: add a new one at the end.

use rusqlite::Connection;

/// Each entry moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: identity, documents, change log, deliveries, projections.
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('engineer','dispatcher','supervisor','admin')),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL
);
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    device_id TEXT,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    registered_at_ms INTEGER NOT NULL,
    last_sync_ms INTEGER
);
CREATE TABLE actors (
    actor TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(device_id),
    user_id TEXT NOT NULL REFERENCES users(id),
    registered_at_ms INTEGER NOT NULL
);
CREATE INDEX actors_user ON actors(user_id);
CREATE TABLE docs (
    doc_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_by TEXT,
    created_at_ms INTEGER NOT NULL,
    snapshot BLOB,
    snapshot_seq INTEGER NOT NULL DEFAULT 0,
    heads TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE INDEX docs_kind ON docs(kind);
CREATE TABLE change_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES docs(doc_id),
    origin_device TEXT,
    user_id TEXT,
    bytes BLOB NOT NULL,
    change_count INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL
);
CREATE INDEX change_log_doc ON change_log(doc_id, seq);
CREATE TABLE deliveries (
    device_id TEXT NOT NULL,
    delivery_no INTEGER NOT NULL,
    log_seq INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (device_id, delivery_no)
);
CREATE TABLE device_docs (
    device_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending','held','removing')),
    delivery_no INTEGER NOT NULL,
    PRIMARY KEY (device_id, doc_id)
);
CREATE TABLE rejections (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    device_id TEXT,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE TABLE work_orders (
    doc_id TEXT PRIMARY KEY,
    number TEXT,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    conflict INTEGER NOT NULL,
    priority TEXT,
    category TEXT,
    customer_id TEXT,
    site_id TEXT,
    scheduled_start_ms INTEGER,
    scheduled_end_ms INTEGER,
    response_due_ms INTEGER,
    resolution_due_ms INTEGER,
    first_on_site_ms INTEGER,
    completed_at_ms INTEGER,
    created_by TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE INDEX work_orders_status ON work_orders(status);
CREATE INDEX work_orders_site ON work_orders(site_id);
CREATE TABLE wo_assignees (doc_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (doc_id, user_id));
CREATE INDEX wo_assignees_user ON wo_assignees(user_id);
CREATE TABLE wo_devices (doc_id TEXT NOT NULL, device_doc_id TEXT NOT NULL, PRIMARY KEY (doc_id, device_doc_id));
CREATE INDEX wo_devices_device ON wo_devices(device_doc_id);
CREATE TABLE wo_blobs (doc_id TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (doc_id, sha256));
CREATE INDEX wo_blobs_sha ON wo_blobs(sha256);
CREATE TABLE wo_events (
    doc_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    by_user TEXT NOT NULL,
    note TEXT,
    received_at_ms INTEGER NOT NULL,
    PRIMARY KEY (doc_id, event_id)
);
CREATE TABLE device_records (
    doc_id TEXT PRIMARY KEY,
    asset_tag TEXT NOT NULL,
    device_type TEXT NOT NULL,
    vendor TEXT,
    model TEXT,
    serial TEXT,
    ip TEXT,
    site_id TEXT,
    customer_id TEXT,
    location TEXT NOT NULL,
    status TEXT,
    search TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE INDEX device_records_site ON device_records(site_id);
CREATE TABLE sites (
    doc_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    address TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE wo_numbers (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
"#,
    // 2: SLA contracts, inspection plans and their occurrences, engineer profiles,
    // notifications (storage::scheduling).
    r#"
CREATE TABLE contracts (
    customer_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE plan_occurrences (
    plan_id TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    doc_id TEXT NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (plan_id, start_ms)
);
CREATE TABLE engineer_profiles (
    user_id TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    doc_id TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX wo_events_doc ON wo_events(doc_id, at_ms);
"#,
    // The engineer's briefcase (computed on every sync) looked documents up by creator with
    // full scans of `docs` and `work_orders`.
    r#"
CREATE INDEX docs_created_by ON docs(created_by, kind);
CREATE INDEX work_orders_created_by ON work_orders(created_by);
"#,
    // What each device has been sent: the highest change-log position any answer delivered
    // to it, which only grows (a push is judged against what its device knew; see "Policy"
    // in docs/sync-protocol.md). Existing devices start from their deliveries.
    r#"
ALTER TABLE devices ADD COLUMN seen_seq INTEGER NOT NULL DEFAULT 0;
UPDATE devices SET seen_seq = COALESCE(
    (SELECT MAX(log_seq) FROM deliveries WHERE deliveries.device_id = devices.device_id), 0);
"#,
    // An administrator can cut off one installation (a lost laptop) without touching the
    // user's other devices.
    r#"
ALTER TABLE devices ADD COLUMN revoked_at_ms INTEGER;
CREATE INDEX tokens_device ON tokens(device_id);
"#,
    // Who called, searchable with the number and title (the `q` of the work-order list).
    // Rows written before search the number and title until their next change.
    r#"
ALTER TABLE work_orders ADD COLUMN caller_name TEXT;
ALTER TABLE work_orders ADD COLUMN caller_phone TEXT;
ALTER TABLE work_orders ADD COLUMN search TEXT NOT NULL DEFAULT '';
UPDATE work_orders SET search = lower(COALESCE(number, '') || ' ' || title);
"#,
    // The membership mark (in `meta`) at which the device was last found to hold exactly its
    // briefcase: while no append changed anyone's briefcase since, its answer pages skip
    // comparing the two (for the office, every document on every page).
    r#"
ALTER TABLE devices ADD COLUMN briefcase_mark INTEGER;
"#,
    // Blocks of the yearly work-order sequence leased to devices, which number their own
    // incidents offline; a number a device writes must come from its blocks and be unused
    // ("Numbers" in docs/sync-protocol.md).
    r#"
CREATE TABLE number_blocks (
    device_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    first_no INTEGER NOT NULL,
    last_no INTEGER NOT NULL,
    leased_at_ms INTEGER NOT NULL,
    PRIMARY KEY (device_id, year, first_no)
);
CREATE INDEX work_orders_number ON work_orders(number);
"#,
    // Short-lived access tokens renewed from a per-device refresh token; tokens issued
    // before are access tokens and live out their (long) lifetime.
    r#"
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'access';
"#,
    // What a supervisor writes into a customer's service summary of a month or quarter
    // (technical summary, suggestions, evaluation of the inspection plan), and who last did.
    r#"
CREATE TABLE summary_notes (
    customer_id TEXT NOT NULL,
    period TEXT NOT NULL,
    technical_summary TEXT NOT NULL,
    suggestions TEXT NOT NULL,
    plan_evaluation TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (customer_id, period)
);
"#,
    // Refresh tokens rotate on use: each belongs to a family (one sign-in of a device), a
    // retired one keeps its successor (hash, and secret sealed with its own secret) for the
    // grace window, and a family whose retired token came back late is ended. Existing refresh
    // tokens start a family each; access tokens issued with them at login join it.
    r#"
ALTER TABLE tokens ADD COLUMN family TEXT;
ALTER TABLE tokens ADD COLUMN rotated_at_ms INTEGER;
ALTER TABLE tokens ADD COLUMN successor_hash TEXT;
ALTER TABLE tokens ADD COLUMN successor_sealed TEXT;
UPDATE tokens SET family = token_hash WHERE kind = 'refresh';
UPDATE tokens SET family = (
    SELECT r.token_hash FROM tokens r
    WHERE r.kind = 'refresh' AND r.user_id = tokens.user_id AND r.device_id = tokens.device_id
      AND r.created_at_ms = tokens.created_at_ms
    LIMIT 1)
WHERE kind = 'access' AND device_id IS NOT NULL;
CREATE INDEX tokens_family ON tokens(family);
CREATE TABLE token_reuse (
    family TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    device_id TEXT,
    detected_at_ms INTEGER NOT NULL
);
"#,
    // What confirming a cursor settles: documents sent but not yet confirmed and removals
    // not yet confirmed. Only those rows are indexed (a device holds hundreds of settled
    // documents), so each of the four statements of a confirmation seeks instead of reading
    // every document the device holds. Statements name `state <> 'held'` to use it.
    r#"
CREATE INDEX device_docs_unsettled ON device_docs(device_id, state, delivery_no)
    WHERE state <> 'held';
"#,
    // Problem records (问题管理): a root cause, its known error and workaround, and the
    // incidents they explain; kept by the hub only (docs/document-schemas.md, "Problem records").
    r#"
CREATE TABLE problems (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    root_cause TEXT NOT NULL,
    known_error TEXT NOT NULL,
    workaround TEXT NOT NULL,
    category TEXT,
    device_type TEXT,
    article_id TEXT,
    published_at_ms INTEGER,
    revision INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE TABLE problem_incidents (
    problem_id TEXT NOT NULL,
    work_order_id TEXT NOT NULL,
    PRIMARY KEY (problem_id, work_order_id)
);
CREATE INDEX problem_incidents_work_order ON problem_incidents(work_order_id);
"#,
];

/// Bring the schema up to date in one transaction per step; returns the version in place.
pub fn run(conn: &mut Connection) -> rusqlite::Result<u32> {
    run_to(conn, MIGRATIONS.len())
}

/// The schema version just before refresh tokens were grouped into families (tests put
/// tokens from before it in place).
#[cfg(test)]
pub const BEFORE_TOKEN_FAMILIES: usize = 10;

/// Apply the migrations up to `target` (tests put rows in an older schema with this).
pub fn run_to(conn: &mut Connection, target: usize) -> rusqlite::Result<u32> {
    let mut version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    while (version as usize) < target.min(MIGRATIONS.len()) {
        let tx = conn.transaction()?;
        tx.execute_batch(MIGRATIONS[version as usize])?;
        version += 1;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied migration");
    }
    Ok(version)
}
