//! Unfinished resumable uploads (`PATCH /v1/blobs/{sha256}`): where their parts are kept,
//! how many bytes of them one user holds (bounded by `partial_upload_quota_bytes`), and the
//! sweep that removes parts nobody finished within [`MAX_AGE`], so an account cannot fill the
//! server's disk with uploads it never completes.

use fieldsync::UserId;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A part not written to for this long is removed by [`sweep`]: a phone back in coverage
/// resumes within hours, not days.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// Bytes free to an unprivileged writer on the disk holding `dir` (its nearest existing
/// ancestor), or `None` where the system cannot say (then no check is made).
pub fn free_disk_bytes(dir: &Path) -> Option<u64> {
    let existing = dir.ancestors().find(|p| p.exists())?;
    free_bytes_at(existing)
}

#[cfg(unix)]
fn free_bytes_at(path: &Path) -> Option<u64> {
    let st = rustix::fs::statvfs(path).ok()?;
    Some(st.f_bavail.saturating_mul(st.f_frsize))
}

#[cfg(not(unix))]
fn free_bytes_at(_path: &Path) -> Option<u64> {
    None
}

/// Whether writing `incoming` more bytes under `dir` leaves at least `keep_free` free.
pub fn has_room(dir: &Path, incoming: u64, keep_free: u64) -> bool {
    keep_free == 0
        || free_disk_bytes(dir).is_none_or(|free| free >= incoming.saturating_add(keep_free))
}

/// The folder of unfinished uploads under the blob folder.
pub fn partial_dir(blob_dir: &Path) -> PathBuf {
    blob_dir.join("partial")
}

/// Where `user`'s unfinished upload of `sha` is kept: a folder per user, so two uploaders
/// never mix and the quota check lists only that user's parts, not everyone's.
pub fn partial_path(blob_dir: &Path, user: UserId, sha: &str) -> PathBuf {
    partial_dir(blob_dir).join(user.to_string()).join(sha)
}

/// Bytes of `user`'s unfinished uploads other than `except` (blocking).
pub fn held_by(blob_dir: &Path, user: UserId, except: &Path) -> std::io::Result<u64> {
    let entries = match std::fs::read_dir(partial_dir(blob_dir).join(user.to_string())) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut total = 0;
    for entry in entries {
        let entry = entry?;
        if entry.path() != except {
            // A part the sweep removed meanwhile holds nothing.
            total += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    Ok(total)
}

/// What a sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub files: usize,
    pub bytes: u64,
}

/// Remove every part last written before `now - max_age` (blocking): in each user's folder,
/// and loose parts of the earlier flat layout (`partial/{user}-{sha}`).
pub fn sweep(blob_dir: &Path, now: SystemTime, max_age: Duration) -> std::io::Result<Swept> {
    let mut swept = Swept::default();
    sweep_folder(&partial_dir(blob_dir), now, max_age, &mut swept, true)?;
    Ok(swept)
}

fn sweep_folder(
    dir: &Path,
    now: SystemTime,
    max_age: Duration,
    swept: &mut Swept,
    descend: bool,
) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_dir() && descend {
            sweep_folder(&entry.path(), now, max_age, swept, false)?;
            continue;
        }
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or_default();
        if meta.is_file() && age > max_age {
            std::fs::remove_file(entry.path())?;
            swept.files += 1;
            swept.bytes += meta.len();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_holds_their_own_parts_and_old_parts_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (UserId::new(), UserId::new());
        let (sha1, sha2) = ("1".repeat(64), "2".repeat(64));
        for user in [a, b] {
            std::fs::create_dir_all(partial_dir(dir.path()).join(user.to_string())).unwrap();
        }
        std::fs::write(partial_path(dir.path(), a, &sha1), vec![0; 100]).unwrap();
        std::fs::write(partial_path(dir.path(), a, &sha2), vec![0; 30]).unwrap();
        std::fs::write(partial_path(dir.path(), b, &sha1), vec![0; 7]).unwrap();
        // A part left by the earlier flat layout is swept too.
        std::fs::write(
            partial_dir(dir.path()).join(format!("{a}-{sha2}")),
            vec![0; 5],
        )
        .unwrap();
        let this = partial_path(dir.path(), a, &sha2);
        assert_eq!(held_by(dir.path(), a, &this).unwrap(), 100);
        assert_eq!(held_by(dir.path(), b, &this).unwrap(), 7);
        assert_eq!(
            held_by(tempfile::tempdir().unwrap().path(), a, &this).unwrap(),
            0
        );

        let now = SystemTime::now();
        assert_eq!(sweep(dir.path(), now, MAX_AGE).unwrap(), Swept::default());
        let later = now + MAX_AGE + Duration::from_secs(60);
        let swept = sweep(dir.path(), later, MAX_AGE).unwrap();
        assert_eq!(
            swept,
            Swept {
                files: 4,
                bytes: 142
            }
        );
        assert_eq!(held_by(dir.path(), a, &this).unwrap(), 0);
    }
}
