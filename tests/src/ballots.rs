//! Bursts of signed ballots over HTTP, as the vote benchmarks and the load
//! test send them: each voter's one packed push at a moment of its own
//! within a second.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use ecabinet_domain::ops::{OpResult, PushResponse};
use ecabinet_domain::{wire, MotionId};

use crate::RawDevice;

/// One voter's push: its index, the packed bytes (to resend as they are),
/// and (latency until the receipt, the answer) or why the request failed.
pub type Cast = (usize, Vec<u8>, Result<(Duration, OpResult)>);

/// POSTs one packed push to `url`/v1/ops; the server's answer to its op.
pub async fn post_packed(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    packed: Vec<u8>,
) -> Result<OpResult> {
    let response = http
        .post(format!("{url}/v1/ops"))
        .bearer_auth(token)
        .header("content-type", wire::PACKED_CONTENT_TYPE)
        .body(packed)
        .send()
        .await?;
    ensure!(response.status() == 200, "status {}", response.status());
    let answer: PushResponse = wire::unpack(&response.bytes().await?)?;
    answer.results.into_iter().next().context("no answer")
}

/// Each voter sends one packed, signed ballot at a pseudo-random moment
/// (from `seed`) within a second.
pub async fn burst(
    url: &str,
    voters: &mut [RawDevice],
    motion: MotionId,
    seed: u64,
) -> Result<Vec<Cast>> {
    let mut tasks = Vec::with_capacity(voters.len());
    let mut state = seed | 1;
    for (index, voter) in voters.iter_mut().enumerate() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let delay = Duration::from_micros(state % 1_000_000);
        let choice = ["yes", "no", "abstain"][index % 3];
        let ops = voter.ops(vec![voter.ballot(
            motion,
            voter.caller.person.id,
            choice,
        )?]);
        let packed = wire::pack(&voter.batch(&ops)?)?;
        let token = voter.token.clone();
        let url = url.to_owned();
        let body = packed.clone();
        tasks.push((
            index,
            packed,
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let started = Instant::now();
                let result = post_packed(&reqwest::Client::new(), &url, &token, body).await?;
                Ok((started.elapsed(), result))
            }),
        ));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for (index, packed, task) in tasks {
        out.push((index, packed, task.await?));
    }
    Ok(out)
}
