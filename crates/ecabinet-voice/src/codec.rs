//! Opus through Debian's libopus: 20 ms mono frames at 48 kHz, tuned for
//! speech, with in-band error correction for a lost packet.

use crate::{VoiceError, FRAME_SAMPLES, SAMPLE_RATE};

/// Largest Opus packet we make (the codec's own maximum is 1275 bytes).
const MAX_PACKET: usize = 1_275;

pub struct VoiceEncoder {
    inner: opus::Encoder,
    buffer: Vec<u8>,
}

impl VoiceEncoder {
    pub fn new() -> Result<Self, VoiceError> {
        let mut inner =
            opus::Encoder::new(SAMPLE_RATE, opus::Channels::Mono, opus::Application::Voip)
                .map_err(|e| VoiceError::Codec(e.to_string()))?;
        // Speech at 32 kb/s; in-band FEC for a lost packet on Wi-Fi.
        inner
            .set_bitrate(opus::Bitrate::Bits(32_000))
            .map_err(|e| VoiceError::Codec(e.to_string()))?;
        inner
            .set_inband_fec(true)
            .map_err(|e| VoiceError::Codec(e.to_string()))?;
        Ok(Self {
            inner,
            buffer: vec![0; MAX_PACKET],
        })
    }

    /// One 20 ms frame in, one Opus packet out.
    pub fn encode(&mut self, frame: &[i16; FRAME_SAMPLES]) -> Result<&[u8], VoiceError> {
        let size = self
            .inner
            .encode(frame, &mut self.buffer)
            .map_err(|e| VoiceError::Codec(e.to_string()))?;
        Ok(&self.buffer[..size])
    }
}

pub struct VoiceDecoder {
    inner: opus::Decoder,
}

impl VoiceDecoder {
    pub fn new() -> Result<Self, VoiceError> {
        Ok(Self {
            inner: opus::Decoder::new(SAMPLE_RATE, opus::Channels::Mono)
                .map_err(|e| VoiceError::Codec(e.to_string()))?,
        })
    }

    /// One Opus packet in, its samples out (a 20 ms frame from our encoders;
    /// other senders' frames may be 10 to 60 ms).
    pub fn decode(&mut self, packet: &[u8]) -> Result<Vec<i16>, VoiceError> {
        let mut pcm = vec![0i16; FRAME_SAMPLES * 3];
        let samples = self
            .inner
            .decode(packet, &mut pcm, false)
            .map_err(|e| VoiceError::Codec(e.to_string()))?;
        pcm.truncate(samples);
        Ok(pcm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tone_survives_the_codec() {
        let mut encoder = VoiceEncoder::new().expect("an encoder");
        let mut decoder = VoiceDecoder::new().expect("a decoder");
        let mut tone = crate::audio::Tone::new(440.0, 0.5);
        let mut energy_in = 0.0;
        let mut energy_out = 0.0;
        for n in 0..50 {
            let mut frame = [0i16; FRAME_SAMPLES];
            crate::audio::AudioSource::next_frame(&mut tone, &mut frame);
            let packet = encoder.encode(&frame).expect("encoded").to_vec();
            assert!(packet.len() < 200, "speech-sized packets");
            let out = decoder.decode(&packet).expect("decoded");
            assert_eq!(out.len(), FRAME_SAMPLES);
            if n > 5 {
                energy_in += frame.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>();
                energy_out += out.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>();
            }
        }
        let ratio = energy_out / energy_in;
        assert!((0.5..2.0).contains(&ratio), "energy kept: {ratio}");
    }
}
