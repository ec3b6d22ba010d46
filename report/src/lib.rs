//! fieldsync-report: the PDFs a customer receives, shared by the server and the app.
//!
//! The service report of a visit, as an A4 PDF: what was found, the checks with their readings
//! and limits, parts with consent, time on site, photos, the signature and the approval state.
//! [`assemble`] collects it through a [`ReportSource`] — the server's hub and blob folder, or
//! the app's local store on a laptop offline; [`render`] lays it out (pure apart from the
//! process-wide fonts). [`layout`], [`chart`] and [`fonts`] are the toolkit the server's
//! monthly summary is drawn with too; [`signature`] turns pad strokes into the signature PNG.

pub mod chart;
pub mod fonts;
pub mod layout;
pub mod signature;

use chrono::TimeZone;
use fieldsync::model::{CheckKind, ChecklistItem, DeviceRecord, Site, WorkOrder};
use fieldsync::status::{EventKind, Status};
use fieldsync::{DocId, TimestampMs, UserId};
use fieldsync_i18n::{Lang, tl};
use krilla::image::Image;
use layout::{BLACK, Col, GREY, Layout, RED, Row};
use std::collections::HashMap;

/// At most this many photos are printed (the rest are counted).
const MAX_PHOTOS: usize = 6;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading the work order or its records failed where they are kept (the server's
    /// storage, the app's store); the source says what.
    #[error(transparent)]
    Source(Box<dyn std::error::Error + Send + Sync>),
    #[error("document {0} is not a work order")]
    NotWorkOrder(DocId),
    #[error("{0}")]
    NoFont(String),
    #[error("{0}")]
    Render(String),
}

/// Everything the report shows, read once.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    pub wo: WorkOrder,
    pub site: Option<Site>,
    pub devices: Vec<DeviceRecord>,
    /// User id → display name, for the engineer, event authors and the reviewer.
    pub names: HashMap<String, String>,
    pub signature_image: Option<Vec<u8>>,
    /// (caption, bytes) of photos whose blob is present.
    pub photos: Vec<(String, Vec<u8>)>,
    pub generated_at_ms: TimestampMs,
    /// The customer's language: the site's `language`, else the language in use where the
    /// report is made (the server's default language, the app's language).
    pub lang: Lang,
}

/// Where a report's linked records, user names and attachments come from: the server's hub
/// and blob folder, or the app's local store on an engineer's laptop (offline). Both build the
/// report through [`assemble`], so what a customer reads does not depend on where it was made.
pub trait ReportSource {
    /// The site, `Ok(None)` when this source does not hold it (a gap the report shows), and
    /// an error when the storage failed: a report silently missing its site would be signed
    /// by a customer as if complete.
    fn site(&mut self, id: DocId) -> Result<Option<Site>, ReportError>;
    /// A linked device, as for [`ReportSource::site`].
    fn device(&mut self, id: DocId) -> Result<Option<DeviceRecord>, ReportError>;
    /// A user's display name, `Ok(None)` when unknown here.
    fn user_name(&mut self, user: &str) -> Result<Option<String>, ReportError>;
    /// A blob's bytes, if the hash is well-formed and the blob is present.
    fn blob(&mut self, sha256: &str) -> Option<Vec<u8>>;
}

/// Everything the report shows for `wo`, read through `src`.
pub fn assemble(
    wo: WorkOrder,
    src: &mut dyn ReportSource,
    now: TimestampMs,
) -> Result<ReportData, ReportError> {
    let site = match wo.site_id.as_deref().and_then(|s| s.parse().ok()) {
        Some(id) => src.site(id)?,
        None => None,
    };
    let mut devices = Vec::new();
    for (d, on) in &wo.device_ids {
        if let (true, Ok(id)) = (*on, d.parse()) {
            devices.extend(src.device(id)?);
        }
    }
    let mut names = HashMap::new();
    let people = wo.assignees.keys().chain(wo.events.iter().map(|e| &e.by));
    for who in people {
        if names.contains_key(who) {
            continue;
        }
        if let Some(name) = src.user_name(who)? {
            names.insert(who.clone(), name);
        }
    }
    let signature_image = wo
        .signature
        .as_ref()
        .and_then(|s| s.image_sha256.as_deref())
        .and_then(|sha| src.blob(sha));
    let photos = wo
        .photos
        .values()
        .take(MAX_PHOTOS)
        .filter_map(|p| {
            let bytes = src.blob(&p.sha256)?;
            Some((p.caption.clone().unwrap_or_default(), bytes))
        })
        .collect();
    let lang = site
        .as_ref()
        .and_then(|s| s.language.as_deref())
        .and_then(Lang::from_code)
        .unwrap_or_else(fieldsync_i18n::current);
    Ok(ReportData {
        lang,
        wo,
        site,
        devices,
        names,
        signature_image,
        photos,
        generated_at_ms: now,
    })
}

/// PNG or JPEG bytes as a PDF image; anything else is skipped.
fn image_of(bytes: &[u8]) -> Option<Image> {
    let data: krilla::Data = bytes.to_vec().into();
    if bytes.starts_with(b"\x89PNG") {
        Image::from_png(data, true).ok()
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        Image::from_jpeg(data, true).ok()
    } else {
        None
    }
}

/// Formats device-clock times in the site's zone (UTC when it has none), in the report's
/// language and labelled with the zone: "7 Dec 2026 09:30 CST", "2026年12月7日 09:30 北京时间".
struct Clock {
    tz: chrono_tz::Tz,
    lang: Lang,
}

impl Clock {
    fn fmt(&self, ms: Option<TimestampMs>) -> String {
        let Some(t) = ms.and_then(|ms| chrono::Utc.timestamp_millis_opt(ms).single()) else {
            return "—".into();
        };
        let local = t.with_timezone(&self.tz).naive_local();
        format!(
            "{} {} {}",
            fieldsync_i18n::time::date(self.lang, &local.date()),
            fieldsync_i18n::time::clock(&local),
            fieldsync_i18n::time::zone_label(self.lang, self.tz, &t)
        )
    }
}

fn duration(lang: Lang, ms: Option<i64>) -> String {
    match ms {
        Some(ms) if ms >= 0 => fieldsync_i18n::time::duration(lang, ms),
        _ => "—".into(),
    }
}

fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl ReportData {
    /// A display name; an id not known where the report was made (an app offline knows only
    /// its own user) prints short, as the app shows it, rather than as a 36-character UUID.
    fn name(&self, user: &str) -> String {
        match self.names.get(user) {
            Some(n) => n.clone(),
            None if user.parse::<UserId>().is_ok() => tl!(
                self.lang,
                "report-unknown-user",
                id = user.chars().take(8).collect::<String>()
            ),
            None => user.into(),
        }
    }

    /// "Approved by … on …", "Sent back by …: comment", or the current status.
    pub fn approval_state(&self, clock_fmt: impl Fn(TimestampMs) -> String) -> (String, bool) {
        let folded = self.wo.fold();
        let last = self
            .wo
            .events
            .iter()
            .rev()
            .find(|e| matches!(e.kind(), Some(EventKind::Approved | EventKind::Rejected)));
        let lang = self.lang;
        match (folded.status, last) {
            (Status::Approved, Some(e)) => (
                tl!(
                    lang,
                    "report-approved-by",
                    who = self.name(&e.by),
                    at = clock_fmt(e.at_ms)
                ),
                false,
            ),
            (Status::Completed, _) => (tl!(lang, "report-awaiting-review"), false),
            (Status::Reopened, Some(e)) if e.kind() == Some(EventKind::Rejected) => (
                tl!(
                    lang,
                    "report-sent-back-by",
                    who = self.name(&e.by),
                    at = clock_fmt(e.at_ms),
                    comment = e.note.as_deref().unwrap_or("")
                ),
                true,
            ),
            (s, _) => (
                tl!(
                    lang,
                    "report-not-approved",
                    status = fieldsync_i18n::words::status(lang, s)
                ),
                true,
            ),
        }
    }
}

/// Lay the report out and write the PDF.
pub fn render(data: &ReportData) -> Result<Vec<u8>, ReportError> {
    let fonts = fonts::fonts().map_err(ReportError::NoFont)?;
    let wo = &data.wo;
    let tz = data
        .site
        .as_ref()
        .and_then(|s| s.time_zone.as_deref())
        .and_then(|z| z.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let lang = data.lang;
    let clock = Clock { tz, lang };
    let number = wo.number.clone().unwrap_or_else(|| wo.id.clone());
    let mut l = Layout::new(
        tl!(
            lang,
            "report-doc-title",
            number = &number,
            title = &wo.title
        ),
        lang,
    );
    l.title(
        &tl!(lang, "report-heading"),
        &tl!(lang, "report-number", number = &number),
    );
    l.paragraph(&wo.title, 13.0, BLACK);
    l.gap(4.0);

    let folded = wo.fold();
    let (approval, approval_flag) = data.approval_state(|ms| clock.fmt(Some(ms)));
    let customer = data
        .site
        .as_ref()
        .map(|s| s.customer_name.clone())
        .filter(|s| !s.is_empty())
        .or_else(|| wo.customer_id.clone())
        .unwrap_or_else(|| "—".into());
    let site = data
        .site
        .as_ref()
        .map(|s| format!("{}\n{}", s.name, s.address).trim().to_owned())
        .unwrap_or_else(|| "—".into());
    let engineers = wo
        .assignees
        .iter()
        .filter(|(_, on)| **on)
        .map(|(u, _)| data.name(u))
        .collect::<Vec<_>>()
        .join(", ");
    let kind_words = match wo.kind.as_str() {
        "incident" => tl!(lang, "report-kind-incident"),
        "patrol" | "inspection" => tl!(lang, "report-kind-patrol"),
        other => other.to_owned(),
    };
    let kind = match &wo.category {
        Some(c) => format!(
            "{kind_words} · {}",
            fieldsync_i18n::words::category(lang, c)
        ),
        None => kind_words,
    };
    let f = |id: &str| lang.tr(id);
    l.fields(&[
        (&f("report-customer"), customer),
        (&f("report-site"), site),
        (&f("report-type"), kind),
        (
            &f("report-priority"),
            wo.priority.clone().unwrap_or_else(|| "—".into()),
        ),
        (&f("report-engineer"), or_dash(engineers)),
        (
            &f("report-status"),
            fieldsync_i18n::words::status(lang, folded.status),
        ),
    ]);
    l.heading(&f("report-visit"));
    let left = folded.completed_at_ms;
    l.fields(&[
        (&f("report-arrived"), clock.fmt(folded.first_on_site_ms)),
        (&f("report-left"), clock.fmt(left)),
        (
            &f("report-time-on-site"),
            duration(lang, wo.time_on_site_ms()),
        ),
        (&f("report-time-zone"), tz.name().into()),
    ]);
    if !data.devices.is_empty() {
        l.heading(&f("report-devices"));
        let rows: Vec<Row> = data
            .devices
            .iter()
            .map(|d| Row {
                cells: vec![
                    d.asset_tag.clone(),
                    d.device_type.clone(),
                    vendor_model(d.vendor.as_deref(), d.model.as_deref()),
                    d.serial.clone().unwrap_or_default(),
                    d.location.display(),
                ],
                flagged: false,
            })
            .collect();
        let titles = [
            (f("report-asset-tag"), 1.8),
            (f("report-type"), 0.8),
            (f("report-vendor-model"), 1.8),
            (f("report-serial"), 1.2),
            (f("report-location"), 1.6),
        ];
        let cols: Vec<Col> = titles
            .iter()
            .map(|(title, width)| Col {
                title,
                width: *width,
            })
            .collect();
        l.table(&cols, &rows);
    }
    outages(&mut l, data, &clock);
    if !wo.description.trim().is_empty() {
        l.heading(&f(if wo.kind == "incident" {
            "report-problem"
        } else {
            "report-scope"
        }));
        l.paragraph(&wo.description, 9.5, BLACK);
    }
    l.heading(&f("report-findings"));
    l.paragraph(or_dash_ref(&wo.findings), 9.5, BLACK);
    if let Some(outcome) = &folded.outcome {
        let outcome = fieldsync_i18n::words::outcome(lang, outcome);
        l.paragraph(&tl!(lang, "report-outcome", outcome = outcome), 9.5, GREY);
    }
    checklist(&mut l, wo, lang);
    parts(&mut l, wo, lang);
    photos(&mut l, data);
    signoff(&mut l, data, &clock, &approval, approval_flag);
    let footer = tl!(
        lang,
        "report-footer",
        at = clock.fmt(Some(data.generated_at_ms))
    );
    let title = tl!(
        lang,
        "report-doc-title",
        number = &number,
        title = &wo.title
    );
    l.finish(fonts, &title, &footer)
        .map_err(ReportError::Render)
}

/// The outages recorded on the visit: when each device was down and for how long.
fn outages(l: &mut Layout, data: &ReportData, clock: &Clock) {
    if data.wo.outages.is_empty() {
        return;
    }
    let lang = data.lang;
    l.heading(&lang.tr("report-downtime"));
    let rows: Vec<Row> = data
        .wo
        .outages
        .iter()
        .map(|(id, o)| {
            let device = data
                .devices
                .iter()
                .find(|d| d.id == *id)
                .map(|d| d.asset_tag.clone())
                .unwrap_or_else(|| {
                    tl!(
                        lang,
                        "report-unknown-device",
                        id = id.get(..8).unwrap_or(id)
                    )
                });
            let (restored, length) = match o.restored_at_ms {
                None => (lang.tr("report-not-restored"), "—".to_owned()),
                Some(end) => (clock.fmt(Some(end)), duration(lang, o.duration_ms())),
            };
            Row {
                cells: vec![device, clock.fmt(Some(o.down_from_ms)), restored, length],
                flagged: o.restored_at_ms.is_none() || o.is_inverted(),
            }
        })
        .collect();
    let titles = [
        (lang.tr("report-device"), 1.8),
        (lang.tr("report-down-from"), 1.4),
        (lang.tr("report-restored"), 1.4),
        (lang.tr("report-downtime-col"), 1.0),
    ];
    l.table(&columns(&titles), &rows);
}

/// "APC Smart-UPS", not "APC APC Smart-UPS" when the model name already starts with the
/// vendor (as CMDB imports often have it).
fn vendor_model(vendor: Option<&str>, model: Option<&str>) -> String {
    match (vendor, model) {
        (Some(v), Some(m)) if m.to_lowercase().starts_with(&v.to_lowercase()) => m.into(),
        (Some(v), Some(m)) => format!("{v} {m}"),
        (Some(x), None) | (None, Some(x)) => x.into(),
        (None, None) => String::new(),
    }
}

fn or_dash(s: String) -> String {
    if s.trim().is_empty() { "—".into() } else { s }
}

fn or_dash_ref(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

/// Column titles with their relative widths.
fn columns(titles: &[(String, f32)]) -> Vec<Col<'_>> {
    titles
        .iter()
        .map(|(title, width)| Col {
            title,
            width: *width,
        })
        .collect()
}

/// A check's result and limits in words in the language in use: the app's review page
/// shows checks as the report prints them.
pub fn check_cells(item: &ChecklistItem) -> (String, String) {
    check_cells_in(item, fieldsync_i18n::current())
}

/// A check's result and limits in words ("31.5 °C (out of range)", "18 – 27 °C"), as the
/// report prints them in `lang`.
pub fn check_cells_in(item: &ChecklistItem, lang: Lang) -> (String, String) {
    let unit = item.unit.clone().unwrap_or_default();
    let result = match &item.kind {
        CheckKind::PassFail => match item.result.as_deref() {
            Some("pass") => lang.tr("report-check-pass"),
            Some("fail") => lang.tr("report-check-fail"),
            Some("na") => lang.tr("report-check-na"),
            _ => "—".into(),
        },
        CheckKind::Reading => match item.reading {
            Some(v) if item.out_of_range() => tl!(
                lang,
                "report-check-out-of-range",
                value = format!("{} {unit}", num(v)).trim().to_owned()
            ),
            Some(v) => format!("{} {unit}", num(v)),
            None => "—".into(),
        },
        CheckKind::Text => item.text.clone().unwrap_or_else(|| "—".into()),
        CheckKind::Choice => item.choice.clone().unwrap_or_else(|| "—".into()),
        CheckKind::Photo if item.photo.is_some() => lang.tr("report-check-photo"),
        CheckKind::Photo => "—".into(),
        // A kind from a newer version: show whatever answer it left in the common fields.
        CheckKind::Unknown(_) => item
            .result
            .clone()
            .or_else(|| item.text.clone())
            .unwrap_or_else(|| "—".into()),
    };
    let limits = match (item.min, item.max) {
        (Some(a), Some(b)) => format!("{} – {} {unit}", num(a), num(b)),
        (Some(a), None) => format!("≥ {} {unit}", num(a)),
        (None, Some(b)) => format!("≤ {} {unit}", num(b)),
        (None, None) => String::new(),
    };
    (result, limits)
}

fn checklist(l: &mut Layout, wo: &WorkOrder, lang: Lang) {
    if wo.checklist.is_empty() {
        return;
    }
    l.heading(&lang.tr("report-checks"));
    let rows: Vec<Row> = wo
        .checklist_sorted()
        .into_iter()
        .enumerate()
        .map(|(i, (_, item))| {
            let (result, limits) = check_cells_in(item, lang);
            Row {
                cells: vec![
                    (i + 1).to_string(),
                    item.label.clone(),
                    result,
                    limits,
                    item.note.clone().unwrap_or_default(),
                ],
                flagged: item.is_failed(),
            }
        })
        .collect();
    let titles = [
        ("#".to_owned(), 0.35),
        (lang.tr("report-check"), 2.6),
        (lang.tr("report-result"), 1.5),
        (lang.tr("report-limits"), 1.2),
        (lang.tr("report-note"), 2.0),
    ];
    l.table(&columns(&titles), &rows);
    let failed = wo.checklist.values().filter(|i| i.is_failed()).count();
    if failed > 0 {
        l.paragraph(&tl!(lang, "report-failed-checks", count = failed), 8.5, RED);
    }
}

fn parts(l: &mut Layout, wo: &WorkOrder, lang: Lang) {
    if wo.parts.is_empty() {
        return;
    }
    l.heading(&lang.tr("report-parts"));
    let rows: Vec<Row> = wo
        .parts
        .values()
        .map(|p| Row {
            cells: vec![
                p.name.clone(),
                p.part_number.clone().unwrap_or_default(),
                p.serial.clone().unwrap_or_default(),
                p.quantity.to_string(),
                if p.customer_consent {
                    lang.tr("report-consent-yes")
                } else {
                    lang.tr("report-consent-missing")
                },
            ],
            flagged: !p.customer_consent,
        })
        .collect();
    let titles = [
        (lang.tr("report-part"), 2.4),
        (lang.tr("report-part-no"), 1.3),
        (lang.tr("report-serial"), 1.3),
        (lang.tr("report-qty"), 0.5),
        (lang.tr("report-consent"), 1.4),
    ];
    l.table(&columns(&titles), &rows);
}

fn photos(l: &mut Layout, data: &ReportData) {
    if data.wo.photos.is_empty() {
        return;
    }
    // Keep the heading with the first photo.
    l.ensure(240.0);
    let lang = data.lang;
    l.heading(&lang.tr("report-photos"));
    for (caption, bytes) in &data.photos {
        match image_of(bytes) {
            Some(img) => l.image(img, 260.0, 190.0),
            None => l.paragraph(&lang.tr("report-photo-unsupported"), 8.5, GREY),
        }
        if !caption.is_empty() {
            l.paragraph(caption, 8.5, GREY);
        }
        l.gap(4.0);
    }
    let missing = data.wo.photos.len() - data.photos.len();
    if missing > 0 {
        l.paragraph(
            &tl!(
                lang,
                "report-photos-not-printed",
                count = missing,
                limit = MAX_PHOTOS
            ),
            8.5,
            GREY,
        );
    }
}

fn signoff(l: &mut Layout, data: &ReportData, clock: &Clock, approval: &str, flag: bool) {
    let lang = data.lang;
    l.heading(&lang.tr("report-signoff"));
    match &data.wo.signature {
        Some(sig) => {
            l.fields(&[
                (
                    &lang.tr("report-signed-by"),
                    or_dash(sig.signer_name.clone()),
                ),
                (
                    &lang.tr("report-signed-at"),
                    clock.fmt(Some(sig.signed_at_ms)),
                ),
            ]);
            match data.signature_image.as_deref().and_then(image_of) {
                Some(img) => l.image(img, 200.0, 80.0),
                None => l.paragraph(&lang.tr("report-signature-missing"), 8.5, GREY),
            }
        }
        None => l.paragraph(&lang.tr("report-not-signed"), 9.5, RED),
    }
    l.heading(&lang.tr("report-review"));
    l.paragraph(approval, 9.5, if flag { RED } else { BLACK });
}

#[cfg(any(test, feature = "testing"))]
pub mod testing;

#[cfg(test)]
mod tests;
