//! The sound devices, through cpal (ALSA on Linux, PulseAudio through its
//! ALSA plugin): the microphone as a source, the speakers as a sink. A
//! device stream lives on a thread of its own (cpal's streams are not
//! `Send` everywhere); samples cross through short queues, so a slow
//! network never makes the voice lag by more than they hold.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

use crate::audio::{AudioSink, AudioSource, Frame};
use crate::{VoiceError, SAMPLE_RATE};

/// At most this much audio waits in a queue (200 ms); older is dropped.
const MAX_QUEUED: usize = SAMPLE_RATE as usize / 5;

/// Keeps a device stream open on its thread until dropped.
struct StreamThread {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for StreamThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

/// Opens a device stream on a thread of its own, which keeps it until the
/// returned keeper is dropped; a failure to open comes back at once.
fn stream_thread(
    name: &'static str,
    open: impl FnOnce() -> Result<cpal::Stream, VoiceError> + Send + 'static,
) -> Result<StreamThread, VoiceError> {
    let stop = Arc::new(AtomicBool::new(false));
    let (ready_tx, ready) = std::sync::mpsc::channel();
    let stopping = stop.clone();
    let thread = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || match open() {
            Ok(stream) => {
                let _ = ready_tx.send(Ok(()));
                while !stopping.load(Ordering::Relaxed) {
                    std::thread::park();
                }
                drop(stream);
            }
            Err(error) => {
                let _ = ready_tx.send(Err(error));
            }
        })
        .map_err(|e| VoiceError::Device(e.to_string()))?;
    let keeper = StreamThread {
        stop,
        thread: Some(thread),
    };
    ready
        .recv()
        .map_err(|_| VoiceError::Device(format!("the {name} thread stopped")))??;
    Ok(keeper)
}

/// Converts a device's frames (any rate, any channel count) to 48 kHz mono.
struct ToVoiceRate {
    step: f64,
    position: f64,
    last: f32,
}

impl ToVoiceRate {
    fn new(device_rate: u32) -> Self {
        Self {
            step: f64::from(device_rate) / f64::from(SAMPLE_RATE),
            position: 0.0,
            last: 0.0,
        }
    }

    /// Mono samples of the device in, 48 kHz samples out (linear interpolation).
    fn convert(&mut self, mono: &[f32], out: &mut VecDeque<i16>) {
        for sample in mono {
            while self.position < 1.0 {
                let value = self.last + (sample - self.last) * self.position as f32;
                out.push_back((value.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16);
                self.position += self.step;
            }
            self.position -= 1.0;
            self.last = *sample;
        }
    }
}

fn device_error(what: &str) -> impl Fn(cpal::Error) -> VoiceError + '_ {
    move |error| VoiceError::Device(format!("{what}: {error}"))
}

/// The default microphone.
pub struct Microphone {
    queue: Arc<Mutex<VecDeque<i16>>>,
    _stream: StreamThread,
}

impl Microphone {
    pub fn open() -> Result<Self, VoiceError> {
        let queue = Arc::new(Mutex::new(VecDeque::new()));
        let filled = queue.clone();
        let stream = stream_thread("ecab-microphone", move || {
            let device = cpal::default_host().default_input_device().ok_or_else(|| {
                VoiceError::Device(
                    "no microphone was found on this computer; plug one in, or listen only".into(),
                )
            })?;
            let config = device
                .default_input_config()
                .map_err(device_error("the microphone's settings"))?;
            let channels = usize::from(config.channels()).max(1);
            let mut convert = ToVoiceRate::new(config.sample_rate());
            let stream = device
                .build_input_stream::<f32, _, _>(
                    config.into(),
                    move |data: &[f32], _| {
                        let mono: Vec<f32> = data
                            .chunks(channels)
                            .map(|c| c.iter().sum::<f32>() / channels as f32)
                            .collect();
                        if let Ok(mut queue) = filled.lock() {
                            convert.convert(&mono, &mut queue);
                            while queue.len() > MAX_QUEUED {
                                queue.pop_front();
                            }
                        }
                    },
                    |error| tracing::warn!(%error, "the microphone"),
                    None,
                )
                .map_err(device_error("opening the microphone"))?;
            stream
                .play()
                .map_err(device_error("starting the microphone"))?;
            Ok(stream)
        })?;
        Ok(Self {
            queue,
            _stream: stream,
        })
    }
}

impl AudioSource for Microphone {
    fn next_frame(&mut self, frame: &mut Frame) -> bool {
        let Ok(mut queue) = self.queue.lock() else {
            return false;
        };
        for sample in frame.iter_mut() {
            // Short of samples (the device runs a little slow): silence.
            *sample = queue.pop_front().unwrap_or(0);
        }
        true
    }
}

/// The default speakers: each slot's voice is queued and the slots summed.
pub struct Speakers {
    slots: Arc<Mutex<Vec<VecDeque<i16>>>>,
    _stream: StreamThread,
}

impl Speakers {
    pub fn open() -> Result<Self, VoiceError> {
        let slots: Arc<Mutex<Vec<VecDeque<i16>>>> = Arc::new(Mutex::new(Vec::new()));
        let drained = slots.clone();
        let stream = stream_thread("ecab-speakers", move || {
            let device = cpal::default_host()
                .default_output_device()
                .ok_or_else(|| {
                    VoiceError::Device("no speakers or headset were found on this computer".into())
                })?;
            let config = device
                .default_output_config()
                .map_err(device_error("the speakers' settings"))?;
            let channels = usize::from(config.channels()).max(1);
            // From 48 kHz to the device's rate: the step through our samples.
            let step = f64::from(SAMPLE_RATE) / f64::from(config.sample_rate());
            let mut position = 0.0f64;
            let stream = device
                .build_output_stream::<f32, _, _>(
                    config.into(),
                    move |data: &mut [f32], _| {
                        let Ok(mut slots) = drained.lock() else {
                            data.fill(0.0);
                            return;
                        };
                        for frame in data.chunks_mut(channels) {
                            let mut mixed = 0.0f32;
                            for slot in slots.iter() {
                                mixed += slot.front().map_or(0.0, |s| f32::from(*s))
                                    / f32::from(i16::MAX);
                            }
                            frame.fill(mixed.clamp(-1.0, 1.0));
                            position += step;
                            while position >= 1.0 {
                                position -= 1.0;
                                for slot in slots.iter_mut() {
                                    slot.pop_front();
                                }
                            }
                        }
                    },
                    |error| tracing::warn!(%error, "the speakers"),
                    None,
                )
                .map_err(device_error("opening the speakers"))?;
            stream
                .play()
                .map_err(device_error("starting the speakers"))?;
            Ok(stream)
        })?;
        Ok(Self {
            slots,
            _stream: stream,
        })
    }
}

impl AudioSink for Speakers {
    fn frame(&mut self, slot: usize, samples: &[i16]) {
        if let Ok(mut slots) = self.slots.lock() {
            if slots.len() <= slot {
                slots.resize_with(slot + 1, VecDeque::new);
            }
            let queue = &mut slots[slot];
            queue.extend(samples.iter().copied());
            while queue.len() > MAX_QUEUED {
                queue.pop_front();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FRAME_SAMPLES;

    #[test]
    fn a_device_rate_is_converted_to_48_khz() {
        let mut out = VecDeque::new();
        // One second at 44.1 kHz becomes (about) one second at 48 kHz.
        let mut convert = ToVoiceRate::new(44_100);
        convert.convert(&vec![0.25; 44_100], &mut out);
        assert!((out.len() as i64 - 48_000).abs() <= 2, "{}", out.len());
        assert!(out.iter().skip(10).all(|s| (*s - 8_191).abs() <= 1));
        let mut same = VecDeque::new();
        ToVoiceRate::new(48_000).convert(&[0.5; FRAME_SAMPLES], &mut same);
        assert_eq!(same.len(), FRAME_SAMPLES);
    }
}
