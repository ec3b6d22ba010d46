//! Versioned schema migrations of the PostgreSQL backend. Never edit a migration that has
//! shipped: add a new one at the end. Replicas starting at the same time serialise on an
//! advisory lock, so each step runs exactly once.

use postgres::Client;

/// Advisory lock key held while migrating ("fieldsync-migrate").
const MIGRATE_LOCK: i64 = 0x6669_656c_6473_796e;

/// Each entry moves the schema from version `i` to `i + 1`. Text columns that lists sort by
/// use the "C" collation so that orders match SQLite's byte-wise comparison.
const MIGRATIONS: &[&str] = &[
    // 1: identity, documents, change log, deliveries, projections.
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('engineer','dispatcher','supervisor','admin')),
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at_ms BIGINT NOT NULL
);
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    device_id TEXT,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT COLLATE "C" NOT NULL,
    registered_at_ms BIGINT NOT NULL,
    last_sync_ms BIGINT
);
CREATE TABLE actors (
    actor TEXT COLLATE "C" PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(device_id),
    user_id TEXT NOT NULL REFERENCES users(id),
    registered_at_ms BIGINT NOT NULL
);
CREATE INDEX actors_user ON actors(user_id);
CREATE INDEX actors_device ON actors(device_id);
CREATE TABLE docs (
    doc_id TEXT COLLATE "C" PRIMARY KEY,
    kind TEXT COLLATE "C" NOT NULL,
    created_by TEXT,
    created_at_ms BIGINT NOT NULL,
    snapshot BYTEA,
    snapshot_seq BIGINT NOT NULL DEFAULT 0,
    heads TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX docs_kind ON docs(kind);
CREATE INDEX docs_created_by ON docs(created_by);
-- The global change-log position. One row, updated as the last step of every append: the
-- row lock makes appends commit in seq order (docs/sync-protocol.md, "The change log").
CREATE TABLE log_head (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), seq BIGINT NOT NULL);
INSERT INTO log_head (one, seq) VALUES (TRUE, 0);
CREATE TABLE change_log (
    seq BIGINT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES docs(doc_id),
    origin_device TEXT,
    user_id TEXT,
    bytes BYTEA NOT NULL,
    change_count BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL
);
CREATE INDEX change_log_doc ON change_log(doc_id, seq);
CREATE TABLE deliveries (
    device_id TEXT NOT NULL,
    delivery_no BIGINT NOT NULL,
    log_seq BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (device_id, delivery_no)
);
CREATE TABLE device_docs (
    device_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending','held','removing')),
    delivery_no BIGINT NOT NULL,
    PRIMARY KEY (device_id, doc_id)
);
CREATE TABLE rejections (
    id BIGSERIAL PRIMARY KEY,
    doc_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    device_id TEXT,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE TABLE work_orders (
    doc_id TEXT PRIMARY KEY,
    number TEXT,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    conflict BOOLEAN NOT NULL,
    priority TEXT COLLATE "C",
    category TEXT,
    customer_id TEXT,
    site_id TEXT,
    scheduled_start_ms BIGINT,
    scheduled_end_ms BIGINT,
    response_due_ms BIGINT,
    resolution_due_ms BIGINT,
    first_on_site_ms BIGINT,
    completed_at_ms BIGINT,
    created_by TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX work_orders_status ON work_orders(status);
CREATE INDEX work_orders_site ON work_orders(site_id);
CREATE INDEX work_orders_created_by ON work_orders(created_by);
CREATE TABLE wo_assignees (doc_id TEXT NOT NULL, user_id TEXT COLLATE "C" NOT NULL, PRIMARY KEY (doc_id, user_id));
CREATE INDEX wo_assignees_user ON wo_assignees(user_id);
CREATE TABLE wo_devices (doc_id TEXT NOT NULL, device_doc_id TEXT COLLATE "C" NOT NULL, PRIMARY KEY (doc_id, device_doc_id));
CREATE INDEX wo_devices_device ON wo_devices(device_doc_id);
CREATE TABLE wo_blobs (doc_id TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (doc_id, sha256));
CREATE INDEX wo_blobs_sha ON wo_blobs(sha256);
CREATE TABLE wo_events (
    doc_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    by_user TEXT NOT NULL,
    note TEXT,
    received_at_ms BIGINT NOT NULL,
    PRIMARY KEY (doc_id, event_id)
);
CREATE TABLE device_records (
    doc_id TEXT PRIMARY KEY,
    asset_tag TEXT COLLATE "C" NOT NULL,
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
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX device_records_site ON device_records(site_id);
CREATE TABLE sites (
    doc_id TEXT PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    customer_id TEXT NOT NULL,
    customer_name TEXT COLLATE "C" NOT NULL,
    address TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE TABLE wo_numbers (year INTEGER PRIMARY KEY, last BIGINT NOT NULL);
"#,
    // 2: SLA contracts, inspection plans and their occurrences, engineer profiles,
    // notifications (storage::scheduling; same tables as SQLite's migration 2).
    r#"
CREATE TABLE contracts (
    customer_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    paused BOOLEAN NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE TABLE plan_occurrences (
    plan_id TEXT NOT NULL,
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    doc_id TEXT NOT NULL UNIQUE,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (plan_id, start_ms)
);
CREATE TABLE engineer_profiles (
    user_id TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id TEXT NOT NULL,
    doc_id TEXT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX wo_events_doc ON wo_events(doc_id, at_ms);
"#,
    // 3: what each device has been sent: the highest change-log position any answer
    // delivered to it, which only grows (a push is judged against what its device knew; see
    // "Policy" in docs/sync-protocol.md). Existing devices start from their deliveries.
    r#"
ALTER TABLE devices ADD COLUMN seen_seq BIGINT NOT NULL DEFAULT 0;
UPDATE devices SET seen_seq = COALESCE(
    (SELECT MAX(log_seq) FROM deliveries WHERE deliveries.device_id = devices.device_id), 0);
"#,
    // 4: an administrator can cut off one installation (a lost laptop) without touching the
    // user's other devices.
    r#"
ALTER TABLE devices ADD COLUMN revoked_at_ms BIGINT;
CREATE INDEX tokens_device ON tokens(device_id);
"#,
    // 5: who called, searchable with the number and title (the `q` of the work-order list).
    // Rows written before search the number and title until their next change.
    r#"
ALTER TABLE work_orders ADD COLUMN caller_name TEXT;
ALTER TABLE work_orders ADD COLUMN caller_phone TEXT;
ALTER TABLE work_orders ADD COLUMN search TEXT NOT NULL DEFAULT '';
UPDATE work_orders SET search = lower(COALESCE(number, '') || ' ' || title);
"#,
    // 6: blocks of the yearly work-order sequence leased to devices (same table as SQLite's).
    r#"
CREATE TABLE number_blocks (
    device_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    first_no BIGINT NOT NULL,
    last_no BIGINT NOT NULL,
    leased_at_ms BIGINT NOT NULL,
    PRIMARY KEY (device_id, year, first_no)
);
CREATE INDEX work_orders_number ON work_orders(number);
"#,
    // 7: access and refresh tokens (same column as SQLite's).
    r#"
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'access';
"#,
    // 8: the supervisor's notes of a customer's service summary (same table as SQLite's).
    r#"
CREATE TABLE summary_notes (
    customer_id TEXT NOT NULL,
    period TEXT NOT NULL,
    technical_summary TEXT NOT NULL,
    suggestions TEXT NOT NULL,
    plan_evaluation TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (customer_id, period)
);
"#,
    // 9: refresh tokens rotate on use, in families (same columns and table as SQLite's).
    r#"
ALTER TABLE tokens ADD COLUMN family TEXT;
ALTER TABLE tokens ADD COLUMN rotated_at_ms BIGINT;
ALTER TABLE tokens ADD COLUMN successor_hash TEXT;
ALTER TABLE tokens ADD COLUMN successor_sealed TEXT;
UPDATE tokens SET family = token_hash WHERE kind = 'refresh';
UPDATE tokens AS a SET family = (
    SELECT r.token_hash FROM tokens r
    WHERE r.kind = 'refresh' AND r.user_id = a.user_id AND r.device_id = a.device_id
      AND r.created_at_ms = a.created_at_ms
    LIMIT 1)
WHERE a.kind = 'access' AND a.device_id IS NOT NULL;
CREATE INDEX tokens_family ON tokens(family);
CREATE TABLE token_reuse (
    family TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    device_id TEXT,
    detected_at_ms BIGINT NOT NULL
);
"#,
    // 10: problem records and their incidents (same tables as SQLite's).
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
    published_at_ms BIGINT,
    revision BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE TABLE problem_incidents (
    problem_id TEXT NOT NULL,
    work_order_id TEXT NOT NULL,
    PRIMARY KEY (problem_id, work_order_id)
);
CREATE INDEX problem_incidents_work_order ON problem_incidents(work_order_id);
"#,
];

/// Bring the schema up to date, one transaction per step; returns the version in place.
pub fn run(client: &mut Client) -> Result<u32, postgres::Error> {
    loop {
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version INTEGER PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )?;
        let version: i32 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )?
            .try_get(0)?;
        let Some(step) = MIGRATIONS.get(version as usize) else {
            tx.commit()?;
            return Ok(version as u32);
        };
        tx.batch_execute(step)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&(version + 1)],
        )?;
        tx.commit()?;
        tracing::info!(version = version + 1, "applied PostgreSQL migration");
    }
}
