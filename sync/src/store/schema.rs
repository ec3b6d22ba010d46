//! The local store's tables. Migrations are append-only: never edit one that has shipped.

/// Each entry upgrades the schema by one version (`PRAGMA user_version`).
pub const MIGRATIONS: &[&str] = &[
    // 1: documents, sync state, quarantine, blobs, index tables, full-text search.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE docs (
        doc_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        bytes BLOB NOT NULL,
        heads BLOB NOT NULL,
        synced_heads BLOB NOT NULL,
        dirty INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
    );
    CREATE INDEX docs_dirty ON docs(dirty) WHERE dirty = 1;
    CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        bytes BLOB NOT NULL,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        dismissed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE rejections (doc_id TEXT PRIMARY KEY, code TEXT NOT NULL, reason TEXT NOT NULL, at_ms INTEGER NOT NULL);
    CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL,
        uploaded INTEGER NOT NULL DEFAULT 0,
        created_at_ms INTEGER NOT NULL
    );
    CREATE TABLE wo_index (
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
        assignees TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
    );
    CREATE INDEX wo_index_schedule ON wo_index(scheduled_start_ms);
    CREATE TABLE wo_devices (wo_id TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (wo_id, device_id));
    CREATE INDEX wo_devices_device ON wo_devices(device_id);
    CREATE TABLE device_index (
        doc_id TEXT PRIMARY KEY,
        asset_tag TEXT NOT NULL,
        device_type TEXT NOT NULL,
        vendor TEXT, model TEXT, serial TEXT, ip TEXT,
        site_id TEXT,
        location TEXT NOT NULL
    );
    CREATE INDEX device_index_site ON device_index(site_id);
    CREATE TABLE site_index (doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, customer_name TEXT NOT NULL, address TEXT NOT NULL);
    CREATE TABLE knowledge_index (doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, category TEXT);
    CREATE VIRTUAL TABLE search USING fts5(doc_id UNINDEXED, kind UNINDEXED, title, body, tokenize = 'trigram');
    "#,
    // 2: search finds 1- and 2-character (Chinese) words: the index holds case-folded text
    // (`fieldsync_fold`, registered on every connection before migrating) with a
    // case-sensitive trigram tokenizer, so the trigram lookups of long words and the
    // substring checks of short ones see the same text. Rebuilt from the existing rows.
    r#"
    CREATE VIRTUAL TABLE search_folded USING fts5(
        doc_id UNINDEXED, kind UNINDEXED, title, body, tokenize = 'trigram case_sensitive 1');
    INSERT INTO search_folded (rowid, doc_id, kind, title, body)
        SELECT rowid, doc_id, kind, fieldsync_fold(title), fieldsync_fold(body) FROM search;
    DROP TABLE search;
    ALTER TABLE search_folded RENAME TO search;
    "#,
    // 3: blocks of work-order numbers the server leased to this device, so an incident made
    // offline is numbered at once (`next_no` is the next one to give; a block is used up when
    // it passes `last_no`). See "Numbers" in docs/sync-protocol.md.
    r#"
    CREATE TABLE number_blocks (
        year INTEGER NOT NULL,
        first_no INTEGER NOT NULL,
        last_no INTEGER NOT NULL,
        next_no INTEGER NOT NULL,
        PRIMARY KEY (year, first_no)
    );
    "#,
    // 4: which incidents a knowledge article (a published known error) explains, so a work
    // order finds the workaround of its problem without loading every article.
    r#"
    CREATE TABLE knowledge_links (
        wo_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        PRIMARY KEY (wo_id, article_id)
    );
    CREATE INDEX knowledge_links_article ON knowledge_links(article_id);
    "#,
];
