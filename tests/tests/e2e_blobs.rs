//! Attachments over a bad network: an upload cut half-way resumes from what the server holds.

mod common;

use common::team;
use fieldsync_tests::BoxError;

#[tokio::test]
async fn an_interrupted_photo_upload_resumes_where_it_stopped() -> Result<(), BoxError> {
    let t = team().await?;
    let photo: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let sha = t.a.store.add_blob(&photo, "image/jpeg", 0)?;
    let url = t.server.url(&format!("/v1/blobs/{sha}"));
    let http = reqwest::Client::new();
    let patch = |from: usize, to: usize| {
        http.patch(&url)
            .bearer_auth(&t.a.token)
            .header("upload-offset", from.to_string())
            .header("upload-length", photo.len().to_string())
            .body(photo[from..to].to_vec())
    };
    // Nothing yet.
    let head = http.head(&url).bearer_auth(&t.a.token).send().await?;
    assert_eq!(head.status().as_u16(), 404);
    assert_eq!(head.headers()["upload-offset"], "0");
    // The first 80 KB arrive, then the network drops.
    let first = patch(0, 80_000).send().await?;
    assert_eq!(first.status().as_u16(), 204);
    // Later: ask where to go on, try a wrong offset, then send the rest.
    let head = http.head(&url).bearer_auth(&t.a.token).send().await?;
    assert_eq!(head.headers()["upload-offset"], "80000");
    let wrong = patch(50_000, 120_000).send().await?;
    assert_eq!(wrong.status().as_u16(), 409);
    assert_eq!(wrong.headers()["upload-offset"], "80000");
    let rest = patch(80_000, photo.len()).send().await?;
    assert_eq!(rest.status().as_u16(), 201, "{}", rest.text().await?);
    let got = http.get(&url).bearer_auth(&t.a.token).send().await?;
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await?.to_vec(), photo);
    assert_eq!(
        http.head(&url)
            .bearer_auth(&t.a.token)
            .send()
            .await?
            .status()
            .as_u16(),
        200
    );
    Ok(())
}

/// An engineer cannot fill the server's disk with uploads never finished: their unfinished
/// parts together stay under `partial_upload_quota_bytes` (413 beyond, saying why), another
/// engineer is not affected, and finishing an upload frees its share.
#[tokio::test]
async fn unfinished_uploads_are_bounded_per_user() -> Result<(), BoxError> {
    use fieldsync::Role;
    use fieldsync_server::testing::TestServer;
    let server = TestServer::start_with(|c| c.partial_upload_quota_bytes = 100_000).await?;
    server.add_user("li.wei", "pw-li", Role::Engineer).await?;
    server
        .add_user("zhang.min", "pw-zhang", Role::Engineer)
        .await?;
    let url = server.base_url.clone();
    let li = fieldsync_tests::SimDevice::login(&url, "li.wei", "pw-li").await?;
    let zhang = fieldsync_tests::SimDevice::login(&url, "zhang.min", "pw-zhang").await?;
    let http = reqwest::Client::new();
    let patch = |token: &str, sha: &str, len: usize, part: Vec<u8>| {
        http.patch(server.url(&format!("/v1/blobs/{sha}")))
            .bearer_auth(token)
            .header("upload-offset", "0")
            .header("upload-length", len.to_string())
            .body(part)
    };
    // Two unfinished 40 KB parts of 1 MB uploads (the hashes need not exist anywhere).
    let fake = |i: u8| format!("{i:02x}").repeat(32);
    for i in 0..2 {
        let r = patch(&li.token, &fake(i), 1_000_000, vec![i; 40_000])
            .send()
            .await?;
        assert_eq!(r.status().as_u16(), 204);
    }
    // A third would hold 120 KB: refused, with the reason.
    let r = patch(&li.token, &fake(2), 1_000_000, vec![2; 40_000])
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 413);
    let why = r.text().await?;
    assert!(why.contains("unfinished uploads"), "{why}");
    // The other engineer has a quota of their own.
    let r = patch(&zhang.token, &fake(3), 1_000_000, vec![3; 40_000])
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 204);
    // A real photo finished in one part is not held against anyone.
    let photo: Vec<u8> = (0..30_000u32).map(|i| (i % 253) as u8).collect();
    let sha = li.store.add_blob(&photo, "image/jpeg", 0)?;
    let r = patch(&li.token, &sha, photo.len(), photo.clone())
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await?);
    Ok(())
}

/// A nearly full server disk refuses new files with 507 (code `insufficient_storage`, saying
/// why) before writing anything, for whole uploads and resumable parts alike; the device
/// keeps its photo to send later.
#[tokio::test]
async fn a_nearly_full_disk_refuses_uploads_with_507_and_the_device_keeps_its_photo()
-> Result<(), BoxError> {
    use fieldsync::Role;
    use fieldsync_server::testing::TestServer;
    // More free space than any disk has: every upload would cut into it.
    let server = TestServer::start_with(|c| c.min_free_disk_bytes = u64::MAX / 4).await?;
    server.add_user("li.wei", "pw-li", Role::Engineer).await?;
    let li = fieldsync_tests::SimDevice::login(&server.base_url, "li.wei", "pw-li").await?;
    let photo: Vec<u8> = (0..50_000u32).map(|i| (i % 249) as u8).collect();
    let sha = li.store.add_blob(&photo, "image/jpeg", 0)?;
    let url = server.url(&format!("/v1/blobs/{sha}"));
    let http = reqwest::Client::new();
    let put = http
        .put(&url)
        .bearer_auth(&li.token)
        .body(photo.clone())
        .send()
        .await?;
    assert_eq!(put.status().as_u16(), 507);
    let body: serde_json::Value = put.json().await?;
    assert_eq!(body["code"], "insufficient_storage", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("disk is nearly full"),
        "{body}"
    );
    let part = http
        .patch(&url)
        .bearer_auth(&li.token)
        .header("upload-offset", "0")
        .header("upload-length", photo.len().to_string())
        .body(photo[..10_000].to_vec())
        .send()
        .await?;
    assert_eq!(part.status().as_u16(), 507);
    // Nothing was written on the server, and the photo is still waiting on the device.
    let head = http.head(&url).bearer_auth(&li.token).send().await?;
    assert_eq!(head.status().as_u16(), 404);
    assert_eq!(head.headers()["upload-offset"], "0");
    assert!(li.store.pending_blobs()?.iter().any(|(s, _)| *s == sha));
    Ok(())
}
