//! Measuring what a listener heard of a talker (tests and benchmarks): the
//! frames matched by payload across the SFU (which forwards them as they
//! are), their capture-to-decoded times, and how well the decoded audio
//! matches what was said.

use std::time::Duration;

use crate::link::VoiceLink;
use crate::FRAME_SAMPLES;

/// What `listener` heard of `talker` (both traced): (frame number, samples)
/// and each frame's time from capture to decoded.
pub fn heard_from(
    talker: &VoiceLink,
    listener: &VoiceLink,
) -> (Vec<(u64, Vec<i16>)>, Vec<Duration>) {
    let sent = match talker.stats().trace.as_ref().map(|t| t.lock()) {
        Some(Ok(trace)) => trace.sent.clone(),
        _ => return (Vec::new(), Vec::new()),
    };
    let mut frames = Vec::new();
    let mut delays = Vec::new();
    if let Some(Ok(trace)) = listener.stats().trace.as_ref().map(|t| t.lock()) {
        for (key, at, samples) in &trace.heard {
            if let Some((number, captured)) = sent.get(key) {
                frames.push((*number, samples.clone()));
                delays.push(at.saturating_duration_since(*captured));
            }
        }
    }
    (frames, delays)
}

/// The best normalised correlation of the frames heard with the source,
/// each frame at its number's place, over the codec's delay (under a frame).
pub fn correlation(heard: &[(u64, Vec<i16>)], source: &[i16]) -> f64 {
    let mut best: f64 = 0.0;
    for delay in (0..FRAME_SAMPLES).step_by(4) {
        let (mut dot, mut heard_energy, mut source_energy) = (0.0, 0.0, 0.0);
        for (number, samples) in heard {
            let start = *number as usize * FRAME_SAMPLES;
            for (i, sample) in samples.iter().enumerate() {
                let Some(at) = (start + i).checked_sub(delay) else {
                    continue;
                };
                let Some(original) = source.get(at) else {
                    continue;
                };
                let (h, s) = (f64::from(*sample), f64::from(*original));
                dot += h * s;
                heard_energy += h * h;
                source_energy += s * s;
            }
        }
        if heard_energy > 0.0 && source_energy > 0.0 {
            best = best.max(dot / (heard_energy * source_energy).sqrt());
        }
    }
    best
}

/// The `p` quantile (0 to 1) of `delays`.
pub fn percentile(delays: &mut [Duration], p: f64) -> Duration {
    delays.sort();
    delays
        .get(((delays.len() as f64 - 1.0) * p.clamp(0.0, 1.0)).round() as usize)
        .copied()
        .unwrap_or_default()
}
