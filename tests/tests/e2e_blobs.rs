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
