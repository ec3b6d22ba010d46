//! Full-text search of devices and knowledge articles that finds what a substring search finds,
//! for Chinese as well as Latin text: most Chinese words are one or two characters (网络, 打印),
//! shorter than the trigrams the FTS5 index is built from.
//!
//! Each query word must occur in the title or the body (AND). Words of three or more
//! characters are looked up in the trigram index (`MATCH`, exact substring); shorter words are
//! checked in Rust (`fieldsync_has_words`) on the rows that are left — on every row of the
//! kind when the query has only short words, a scan measured in `docs/benchmarks.md`
//! ("search"). Text is indexed and queried case-folded by [`fold`], so both paths fold case
//! the same way. (Segmenting words, e.g. with jieba, would not do: 印 must find 打印.)

use super::{DeviceRow, KnowledgeRow, LocalStore, Result};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, params};

/// The SQL name of [`fold`], used by the migration that re-folds existing index rows.
const FOLD_SQL_FUNCTION: &str = "fieldsync_fold";

/// Shortest word the trigram index can look up.
const TRIGRAM_CHARS: usize = 3;

/// Most knowledge articles one search returns.
const KNOWLEDGE_LIMIT: i64 = 100;

/// Case folding for search: indexed text and query words go through the same function, so a
/// word matches exactly where a case-insensitive substring search would find it. The server's
/// device search folds with it too.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// The case-folded words of a user's query, each of which a search requires to occur.
/// Whitespace separates words, the full-width space of Chinese input methods included.
pub fn query_words(query: &str) -> Vec<String> {
    query.split_whitespace().map(fold).collect()
}

/// Register the SQL functions search needs on this connection: [`fold`] (migrations rebuild
/// the index with it) and the per-row word checks of [`search_sql`].
pub(crate) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function(FOLD_SQL_FUNCTION, 1, flags, |ctx| {
        Ok(ctx.get::<Option<String>>(0)?.map(|s| fold(&s)))
    })?;
    // Checked on every row when a query has only short words, so kept cheap: Rust's
    // substring search on the borrowed text, the words one space-separated argument (no
    // per-row JSON parsing or allocation).
    conn.create_scalar_function("fieldsync_has_words", 3, flags, |ctx| {
        let words = ctx.get_raw(0).as_str()?;
        let title = ctx.get_raw(1).as_str_or_null()?.unwrap_or_default();
        let body = ctx.get_raw(2).as_str_or_null()?.unwrap_or_default();
        Ok(words
            .split(' ')
            .filter(|w| !w.is_empty())
            .all(|w| title.contains(w) || body.contains(w)))
    })?;
    conn.create_scalar_function("fieldsync_title_hits", 2, flags, |ctx| {
        let words = ctx.get_raw(0).as_str()?;
        let title = ctx.get_raw(1).as_str_or_null()?.unwrap_or_default();
        Ok(words
            .split(' ')
            .filter(|w| !w.is_empty() && title.contains(*w))
            .count() as i64)
    })
}

/// A user's query split into words, in the shape the search statements bind.
#[derive(Debug, PartialEq)]
struct Query {
    /// FTS5 expression of the long words (each a quoted phrase, joined by AND), if any.
    fts: Option<String>,
    /// The words too short for the trigram index, space-separated (words hold no spaces).
    short: String,
    /// Every word, space-separated, to rank rows whose title holds more of them first.
    all: String,
}

impl Query {
    /// `None` when the query has no words (the caller lists everything).
    fn parse(q: &str) -> Option<Query> {
        let words = query_words(q);
        if words.is_empty() {
            return None;
        }
        let (long, short): (Vec<&String>, Vec<&String>) = words
            .iter()
            .partition(|w| w.chars().count() >= TRIGRAM_CHARS);
        let phrases: Vec<String> = long
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect();
        Some(Query {
            fts: (!phrases.is_empty()).then(|| phrases.join(" AND ")),
            short: short
                .iter()
                .map(|w| w.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            all: words.join(" "),
        })
    }
}

/// `SELECT {columns} FROM search` joined to `table` (alias `x`) for rows of `kind` matching
/// the query; binds ?1 = FTS expression (or NULL), ?2 = short words, ?3 = all words,
/// ?4 = limit. `CROSS JOIN` keeps `search` the outer loop: its `doc_id` has no index, so the
/// other order would scan it once per row.
fn search_sql(columns: &str, table: &str, kind: &str, with_fts: bool) -> String {
    let (matched, rank) = if with_fts {
        ("search MATCH ?1", "rank,")
    } else {
        ("?1 IS NULL", "")
    };
    format!(
        "SELECT {columns} FROM search CROSS JOIN {table} x ON x.doc_id = search.doc_id
         WHERE {matched} AND search.kind = '{kind}'
           AND fieldsync_has_words(?2, search.title, search.body)
         ORDER BY fieldsync_title_hits(?3, search.title) DESC, {rank} search.title
         LIMIT ?4"
    )
}

const DEVICE_COLUMNS: &str =
    "x.doc_id, x.asset_tag, x.device_type, x.model, x.serial, x.ip, x.location";

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<DeviceRow>> {
    let id: String = r.get(0)?;
    Ok(id.parse().ok().map(|doc_id| DeviceRow {
        doc_id,
        asset_tag: r.get(1).unwrap_or_default(),
        device_type: r.get(2).unwrap_or_default(),
        model: r.get(3).ok().flatten(),
        serial: r.get(4).ok().flatten(),
        ip: r.get(5).ok().flatten(),
        location: r.get(6).unwrap_or_default(),
    }))
}

fn knowledge_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<KnowledgeRow>> {
    let id: String = r.get(0)?;
    Ok(id.parse().ok().map(|doc_id| KnowledgeRow {
        doc_id,
        title: r.get(1).unwrap_or_default(),
        category: r.get(2).ok().flatten(),
    }))
}

impl LocalStore {
    /// Search over asset tag, type, vendor, model, serial, IP, MAC and location: every word of
    /// the query must occur (as a substring, any case); asset-tag hits first. An empty query
    /// lists devices by asset tag.
    pub fn search_devices(&self, query: &str, limit: usize) -> Result<Vec<DeviceRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<Option<DeviceRow>> = match Query::parse(query) {
            Some(q) => {
                let sql = search_sql(DEVICE_COLUMNS, "device_index", "device", q.fts.is_some());
                let mut stmt = self.conn.prepare_cached(&sql)?;
                stmt.query_map(params![q.fts, q.short, q.all, limit], device_row)?
                    .collect::<rusqlite::Result<_>>()?
            }
            None => {
                let mut stmt = self.conn.prepare_cached(&format!(
                    "SELECT {DEVICE_COLUMNS} FROM device_index x ORDER BY x.asset_tag LIMIT ?1"
                ))?;
                stmt.query_map([limit], device_row)?
                    .collect::<rusqlite::Result<_>>()?
            }
        };
        Ok(rows.into_iter().flatten().collect())
    }

    /// Search of known errors and solutions: every word of the query must occur in the title
    /// or the text (as a substring, any case); title hits first, then by relevance. An empty
    /// query lists all articles by title.
    pub fn search_knowledge(&self, query: &str) -> Result<Vec<KnowledgeRow>> {
        let columns = "x.doc_id, x.title, x.category";
        let rows: Vec<Option<KnowledgeRow>> = match Query::parse(query) {
            Some(q) => {
                let sql = search_sql(columns, "knowledge_index", "knowledge", q.fts.is_some());
                let mut stmt = self.conn.prepare_cached(&sql)?;
                stmt.query_map(
                    params![q.fts, q.short, q.all, KNOWLEDGE_LIMIT],
                    knowledge_row,
                )?
                .collect::<rusqlite::Result<_>>()?
            }
            None => {
                let mut stmt = self.conn.prepare_cached(&format!(
                    "SELECT {columns} FROM knowledge_index x ORDER BY x.title"
                ))?;
                stmt.query_map([], knowledge_row)?
                    .collect::<rusqlite::Result<_>>()?
            }
        };
        Ok(rows.into_iter().flatten().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_are_kept_and_long_ones_go_to_the_index() {
        let q = Query::parse("打印机  卡纸 HP").unwrap();
        assert_eq!(q.fts.as_deref(), Some("\"打印机\""));
        assert_eq!(q.short, "卡纸 hp");
        assert_eq!(q.all, "打印机 卡纸 hp");
        assert_eq!(Query::parse(" \u{3000} "), None);
    }

    #[test]
    fn quotes_in_words_are_escaped_for_fts() {
        let q = Query::parse("a\"bc").unwrap();
        assert_eq!(q.fts.as_deref(), Some("\"a\"\"bc\""));
    }
}
