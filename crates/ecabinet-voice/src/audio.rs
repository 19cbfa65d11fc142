//! Where a member's voice comes from and where the room's voices go:
//! 20 ms frames of 48 kHz mono samples. Sources: a tone, a WAV file (tests
//! and recordings), the microphone. Sinks: a WAV file, the speakers, a
//! level meter; tests capture frames with their arrival time.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::{VoiceError, FRAME_SAMPLES, SAMPLE_RATE};

pub type Frame = [i16; FRAME_SAMPLES];

/// Gives one frame each 20 ms; `false` once it has nothing more.
pub trait AudioSource: Send {
    fn next_frame(&mut self, frame: &mut Frame) -> bool;
}

/// Takes each decoded frame of each slot (one voice per slot).
pub trait AudioSink: Send {
    fn frame(&mut self, slot: usize, samples: &[i16]);
}

/// A sine tone: a synthetic voice for tests and for `--audio-source tone`.
pub struct Tone {
    step: f64,
    phase: f64,
    amplitude: f64,
}

impl Tone {
    /// `level` from 0 to 1 of full scale.
    pub fn new(frequency: f64, level: f64) -> Self {
        Self {
            step: std::f64::consts::TAU * frequency / f64::from(SAMPLE_RATE),
            phase: 0.0,
            amplitude: level.clamp(0.0, 1.0) * f64::from(i16::MAX),
        }
    }
}

impl AudioSource for Tone {
    fn next_frame(&mut self, frame: &mut Frame) -> bool {
        for sample in frame.iter_mut() {
            *sample = (self.phase.sin() * self.amplitude) as i16;
            self.phase = (self.phase + self.step) % std::f64::consts::TAU;
        }
        true
    }
}

/// A speech-like synthetic voice: a fundamental gliding around `pitch` Hz
/// with two harmonics, shaped into syllables four times a second. Unlike a
/// tone it does not repeat within seconds, so a receiver's audio can be
/// matched against it by correlation.
pub struct SyntheticVoice {
    n: u64,
    pitch: f64,
    phase: f64,
}

impl SyntheticVoice {
    pub fn new(pitch: f64) -> Self {
        Self {
            n: 0,
            pitch,
            phase: 0.0,
        }
    }

    /// The sample at position `n` (the same for every instance of a pitch).
    fn sample(&mut self) -> i16 {
        let t = self.n as f64 / f64::from(SAMPLE_RATE);
        self.n += 1;
        // Intonation: the pitch wanders slowly, aperiodically within seconds.
        let frequency = self.pitch * (1.0 + 0.15 * (t * 0.7).sin() + 0.08 * (t * 2.3).sin());
        self.phase = (self.phase + std::f64::consts::TAU * frequency / f64::from(SAMPLE_RATE))
            % std::f64::consts::TAU;
        let voiced =
            self.phase.sin() + 0.5 * (2.0 * self.phase).sin() + 0.25 * (3.0 * self.phase).sin();
        // Syllables: 4 per second, with a short gap between them.
        let syllable = (t * 4.0 * std::f64::consts::PI).sin().abs().powf(0.6);
        (voiced / 1.75 * syllable * 0.5 * f64::from(i16::MAX)) as i16
    }

    /// The first `count` samples this voice makes.
    pub fn samples(pitch: f64, count: usize) -> Vec<i16> {
        let mut voice = Self::new(pitch);
        (0..count).map(|_| voice.sample()).collect()
    }
}

impl AudioSource for SyntheticVoice {
    fn next_frame(&mut self, frame: &mut Frame) -> bool {
        for sample in frame.iter_mut() {
            *sample = self.sample();
        }
        true
    }
}

/// A 16-bit mono 48 kHz WAV file, played once (or again and again).
pub struct WavSource {
    samples: Vec<i16>,
    at: usize,
    repeat: bool,
}

impl WavSource {
    pub fn open(path: &Path, repeat: bool) -> Result<Self, VoiceError> {
        let failed = |detail: String| VoiceError::File {
            path: path.display().to_string(),
            detail,
        };
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| failed(e.to_string()))?;
        let samples = parse_wav(&bytes).map_err(failed)?;
        Ok(Self {
            samples,
            at: 0,
            repeat,
        })
    }

    pub fn from_samples(samples: Vec<i16>, repeat: bool) -> Self {
        Self {
            samples,
            at: 0,
            repeat,
        }
    }
}

impl AudioSource for WavSource {
    fn next_frame(&mut self, frame: &mut Frame) -> bool {
        if self.samples.is_empty() || (self.at >= self.samples.len() && !self.repeat) {
            return false;
        }
        for sample in frame.iter_mut() {
            if self.at >= self.samples.len() {
                if !self.repeat {
                    *sample = 0;
                    continue;
                }
                self.at = 0;
            }
            *sample = self.samples[self.at];
            self.at += 1;
        }
        true
    }
}

fn parse_wav(bytes: &[u8]) -> Result<Vec<i16>, String> {
    let wrong = || {
        "not a 16-bit mono 48 kHz PCM WAV file (convert it, e.g. `sox IN -r 48000 -c 1 -b 16 OUT.wav`)".to_owned()
    };
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(wrong());
    }
    let mut at = 12;
    let mut format_ok = false;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]])
            as usize;
        let body = bytes.get(at + 8..at + 8 + size).ok_or_else(wrong)?;
        match id {
            b"fmt " => {
                if body.len() < 16 {
                    return Err(wrong());
                }
                let format = u16::from_le_bytes([body[0], body[1]]);
                let channels = u16::from_le_bytes([body[2], body[3]]);
                let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
                let bits = u16::from_le_bytes([body[14], body[15]]);
                format_ok = format == 1 && channels == 1 && rate == SAMPLE_RATE && bits == 16;
            }
            b"data" => {
                if !format_ok {
                    return Err(wrong());
                }
                return Ok(body
                    .chunks_exact(2)
                    .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
                    .collect());
            }
            _ => {}
        }
        at += 8 + size + (size & 1);
    }
    Err(wrong())
}

/// Writes what it hears to a 16-bit mono 48 kHz WAV file, frame after
/// frame (voices of several slots follow one another, not mixed).
pub struct WavSink {
    file: std::fs::File,
    path: PathBuf,
    samples: u32,
}

impl WavSink {
    pub fn create(path: &Path) -> Result<Self, VoiceError> {
        let failed = |e: std::io::Error| VoiceError::File {
            path: path.display().to_string(),
            detail: e.to_string(),
        };
        let mut file = std::fs::File::create(path).map_err(failed)?;
        file.write_all(&wav_header(0)).map_err(failed)?;
        Ok(Self {
            file,
            path: path.to_owned(),
            samples: 0,
        })
    }

    /// Writes the sizes into the header (a file cut short by a crash
    /// still holds every frame written, with a header saying none).
    pub fn finish(&mut self) -> Result<(), VoiceError> {
        let failed = |e: std::io::Error| VoiceError::File {
            path: self.path.display().to_string(),
            detail: e.to_string(),
        };
        self.file.seek(SeekFrom::Start(0)).map_err(failed)?;
        self.file
            .write_all(&wav_header(self.samples))
            .map_err(failed)?;
        self.file.seek(SeekFrom::End(0)).map_err(failed)?;
        self.file.sync_all().map_err(failed)
    }
}

impl AudioSink for WavSink {
    fn frame(&mut self, _slot: usize, samples: &[i16]) {
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        if self.file.write_all(&bytes).is_ok() {
            self.samples += samples.len() as u32;
        }
    }
}

impl Drop for WavSink {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

fn wav_header(samples: u32) -> [u8; 44] {
    let data = samples * 2;
    let mut header = [0u8; 44];
    header[0..4].copy_from_slice(b"RIFF");
    header[4..8].copy_from_slice(&(36 + data).to_le_bytes());
    header[8..16].copy_from_slice(b"WAVEfmt ");
    header[16..20].copy_from_slice(&16u32.to_le_bytes());
    header[20..22].copy_from_slice(&1u16.to_le_bytes());
    header[22..24].copy_from_slice(&1u16.to_le_bytes());
    header[24..28].copy_from_slice(&SAMPLE_RATE.to_le_bytes());
    header[28..32].copy_from_slice(&(SAMPLE_RATE * 2).to_le_bytes());
    header[32..34].copy_from_slice(&2u16.to_le_bytes());
    header[34..36].copy_from_slice(&16u16.to_le_bytes());
    header[36..40].copy_from_slice(b"data");
    header[40..44].copy_from_slice(&data.to_le_bytes());
    header
}

/// Discards what it hears.
pub struct Silence;

impl AudioSink for Silence {
    fn frame(&mut self, _slot: usize, _samples: &[i16]) {}
}

/// The loudness of a frame in dB below full scale (−96 for silence).
pub fn level_dbfs(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return -96.0;
    }
    let mean = samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len() as f64;
    (10.0 * (mean / f64::from(i16::MAX).powi(2)).log10()).max(-96.0)
}

/// Keeps every frame with the time it arrived (tests, measurements).
#[derive(Default)]
pub struct Captured {
    pub frames: Vec<(Instant, usize, Vec<i16>)>,
}

/// A sink that keeps frames in a shared [`Captured`].
pub struct CaptureSink(pub std::sync::Arc<std::sync::Mutex<Captured>>);

impl AudioSink for CaptureSink {
    fn frame(&mut self, slot: usize, samples: &[i16]) {
        if let Ok(mut captured) = self.0.lock() {
            captured
                .frames
                .push((Instant::now(), slot, samples.to_vec()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wav_file_written_reads_back_and_a_wrong_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("ecab-voice-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let path = dir.join("tone.wav");
        let mut tone = Tone::new(300.0, 0.3);
        let mut written = Vec::new();
        {
            let mut sink = WavSink::create(&path).expect("created");
            for _ in 0..3 {
                let mut frame = [0; FRAME_SAMPLES];
                tone.next_frame(&mut frame);
                sink.frame(0, &frame);
                written.extend_from_slice(&frame);
            }
        }
        let mut source = WavSource::open(&path, false).expect("read back");
        let mut read = Vec::new();
        let mut frame = [0; FRAME_SAMPLES];
        while source.next_frame(&mut frame) {
            read.extend_from_slice(&frame);
        }
        assert_eq!(read, written);
        std::fs::write(dir.join("bad.wav"), b"RIFF....WAVEjunk").expect("written");
        let refused = WavSource::open(&dir.join("bad.wav"), false)
            .err()
            .expect("refused");
        assert!(refused.to_string().contains("48 kHz"), "{refused}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn levels() {
        assert_eq!(level_dbfs(&[0; 960]), -96.0);
        let mut frame = [0; FRAME_SAMPLES];
        Tone::new(440.0, 1.0).next_frame(&mut frame);
        assert!(
            (level_dbfs(&frame) + 3.0).abs() < 0.2,
            "a full-scale sine is −3 dBFS"
        );
    }
}
