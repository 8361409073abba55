// voicechat page: audio worklets (capture and playback), loaded with audioWorklet.addModule('worklets.js').
// Both run on the browser's audio thread; they resample with a windowed-sinc filter so the server gets clean 16 kHz
// and the speaker gets the bot at the context's own rate, whatever the hardware runs at.
'use strict';

/**
 * Streaming resampler for any rate ratio: each output sample is a Hann-windowed sinc sum over the input around its
 * exact position. The cutoff sits at 90 % of the lower Nyquist frequency, so 48 kHz -> 16 kHz does not alias.
 */
class Resampler {
  constructor(inRate, outRate, zeroCrossings = 8) {
    this.passthrough = inRate === outRate;
    this.step = inRate / outRate;               // input samples per output sample
    this.cutoff = Math.min(1, outRate / inRate) * 0.9;
    this.halfWidth = zeroCrossings / this.cutoff; // in input samples
    this.buf = new Float32Array(8192);
    this.len = 0;   // samples held in buf
    this.base = 0;  // absolute index of buf[0]
    this.t = 0;     // absolute input position of the next output sample
  }

  /** Largest output for an input of n samples. */
  maxOutput(n) {
    return Math.ceil(n / this.step) + 2;
  }

  /** Resamples input into output (sized by maxOutput); returns the count written. */
  process(input, output) {
    if (this.passthrough) {
      output.set(input);
      return input.length;
    }
    if (this.len + input.length > this.buf.length) {
      const bigger = new Float32Array(2 * (this.len + input.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(input, this.len);
    this.len += input.length;
    const hw = this.halfWidth, c = this.cutoff, end = this.base + this.len;
    let n = 0;
    while (this.t + hw < end - 1) {
      const t = this.t;
      const lo = Math.max(this.base, Math.ceil(t - hw));
      const hi = Math.floor(t + hw);
      let acc = 0;
      for (let i = lo; i <= hi; i++) {
        const x = i - t;
        const window = 0.5 + 0.5 * Math.cos(Math.PI * x / hw);
        const px = Math.PI * c * x;
        const sinc = px === 0 ? 1 : Math.sin(px) / px;
        acc += this.buf[i - this.base] * c * sinc * window;
      }
      output[n++] = acc;
      this.t += this.step;
    }
    const keepFrom = Math.floor(this.t - hw) - 1;
    if (keepFrom > this.base) {
      const drop = Math.min(keepFrom - this.base, this.len);
      this.buf.copyWithin(0, drop, this.len);
      this.len -= drop;
      this.base += drop;
    }
    return n;
  }
}

/** Microphone -> PCM16 frames at the server's input rate, posted to the page (which sends them). */
class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.resampler = new Resampler(sampleRate, o.rateHz);
    this.frameSamples = Math.round(o.rateHz * o.frameMs / 1000);
    this.frame = new Float32Array(this.frameSamples);
    this.filled = 0;
    this.mono = new Float32Array(128);
    this.scratch = new Float32Array(this.resampler.maxOutput(128));
    this.running = true;
    this.port.onmessage = (e) => { if (e.data.type === 'stop') this.running = false; };
  }

  process(inputs) {
    if (!this.running) return false;
    const input = inputs[0];
    if (!input || input.length === 0) return true; // no microphone data yet
    const length = input[0].length;
    if (this.mono.length < length) {
      this.mono = new Float32Array(length);
      this.scratch = new Float32Array(this.resampler.maxOutput(length));
    }
    for (let i = 0; i < length; i++) {
      let s = 0;
      for (let ch = 0; ch < input.length; ch++) s += input[ch][i];
      this.mono[i] = s / input.length;
    }
    const n = this.resampler.process(this.mono.subarray(0, length), this.scratch);
    for (let i = 0; i < n; i++) {
      this.frame[this.filled++] = this.scratch[i];
      if (this.filled === this.frameSamples) this.emit();
    }
    return true;
  }

  emit() {
    const pcm = new Int16Array(this.frameSamples);
    let energy = 0;
    for (let i = 0; i < this.frameSamples; i++) {
      const s = Math.max(-1, Math.min(1, this.frame[i]));
      energy += s * s;
      pcm[i] = s < 0 ? s * 32768 : s * 32767;
    }
    this.filled = 0;
    this.port.postMessage({ pcm: pcm.buffer, rms: Math.sqrt(energy / this.frameSamples) }, [pcm.buffer]);
  }
}

/**
 * Bot audio (PCM16 at the agreed output rate) -> the speaker. A small jitter buffer: play once prebufferMs is queued
 * (or the stream paused with less); 'clear' drops everything queued at once, which is what makes barge-in heard.
 * Reports how much bot audio it has actually played.
 */
class PlaybackProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.resampler = new Resampler(o.rateHz, sampleRate);
    this.capacity = sampleRate * 4;
    this.fifo = new Float32Array(this.capacity);
    this.read = 0;   // absolute sample counters; the fifo index is counter % capacity
    this.write = 0;
    this.prebuffer = Math.round(sampleRate * o.prebufferMs / 1000);
    this.playing = false;
    this.lastArrival = 0;
    this.played = 0;
    this.dropped = 0;
    this.sinceReport = 0;
    this.stopped = false;
    this.floats = new Float32Array(4096);
    this.scratch = new Float32Array(this.resampler.maxOutput(4096));
    this.port.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'audio') this.enqueue(new Int16Array(m.pcm));
      else if (m.type === 'clear') {
        this.dropped += this.write - this.read;
        this.read = this.write;
        this.playing = false;
        this.report();
      } else if (m.type === 'stop') this.stopped = true;
    };
  }

  enqueue(pcm) {
    if (this.floats.length < pcm.length) {
      this.floats = new Float32Array(pcm.length);
      this.scratch = new Float32Array(this.resampler.maxOutput(pcm.length));
    }
    for (let i = 0; i < pcm.length; i++) this.floats[i] = pcm[i] / 32768;
    const n = this.resampler.process(this.floats.subarray(0, pcm.length), this.scratch);
    for (let i = 0; i < n; i++) this.fifo[(this.write + i) % this.capacity] = this.scratch[i];
    this.write += n;
    if (this.write - this.read > this.capacity) this.read = this.write - this.capacity; // never: the server paces
    this.lastArrival = currentFrame;
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const channel = out[0];
    const queued = this.write - this.read;
    if (!this.playing && queued > 0
        && (queued >= this.prebuffer || currentFrame - this.lastArrival >= this.prebuffer)) {
      this.playing = true;
    }
    let n = 0;
    if (this.playing) {
      n = Math.min(channel.length, queued);
      for (let i = 0; i < n; i++) channel[i] = this.fifo[(this.read + i) % this.capacity];
      this.read += n;
      this.played += n;
      if (n < channel.length) this.playing = false; // ran dry: wait for the prebuffer again
    }
    channel.fill(0, n);
    for (let ch = 1; ch < out.length; ch++) out[ch].set(channel);
    this.sinceReport += channel.length;
    if (this.sinceReport >= sampleRate / 20) this.report();
    return !this.stopped;
  }

  report() {
    this.sinceReport = 0;
    this.port.postMessage({
      playedMs: this.played * 1000 / sampleRate,
      bufferedMs: (this.write - this.read) * 1000 / sampleRate,
      droppedMs: this.dropped * 1000 / sampleRate,
      playing: this.playing,
    });
  }
}

// The bot's voice over WebRTC: the browser decodes and jitter-buffers it; this passes it through to the speakers and
// counts the milliseconds of it that were audible (quanta above about -50 dBFS), which is what playedMs reports.
// 'clear' (a barge-in) closes it at once: the browser's jitter buffer still holds bot audio that the page cannot
// drop. The tail has played out once the incoming stream has been quiet for QUIET_MS (the server sends silence from
// the barge-in on), or after MAX_MUTED_MS at most (drainMs); the output opens again only after that AND once the
// server has said that audio to be heard is coming ('resume': a false alarm's replay, or the next answer's first
// audio). Why both: packets of the old answer that a loaded machine delivers late, after a quiet gap of concealment,
// would otherwise play over the user (quiet alone let them through).
const QUIET_MS = 60;
const MAX_MUTED_MS = 3000;

class MeterProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.playedSamples = 0;
    this.sinceReport = 0;
    this.playing = false;
    this.muted = false;
    this.quietSamples = 0;
    this.mutedSamples = 0;
    this.port.onmessage = (e) => {
      if (e.data.type === 'clear') {
        this.clearSeq = e.data.seq;
        this.muted = true;
        this.drained = false;
        this.resumed = false;
        this.quietSamples = 0;
        this.mutedSamples = 0;
        this.clearedAt = currentTime;
        this.audibleAfterClearMs = 0;
        this.drainMs = null;
      } else if (e.data.type === 'resume') {
        this.resumed = true;
      }
    };
  }

  process(inputs, outputs) {
    const input = inputs[0] && inputs[0][0];
    const output = outputs[0][0];
    if (!input) {
      output.fill(0);
      return true;
    }
    let energy = 0;
    for (let i = 0; i < input.length; i++) energy += input[i] * input[i];
    const audible = energy / input.length > 1e-5;
    if (this.muted) {
      this.quietSamples = audible ? 0 : this.quietSamples + input.length;
      this.mutedSamples += input.length;
      if (!this.drained && (this.quietSamples >= sampleRate * QUIET_MS / 1000
          || this.mutedSamples >= sampleRate * MAX_MUTED_MS / 1000)) {
        this.drained = true;
        this.drainMs = (currentTime - this.clearedAt) * 1000 - QUIET_MS;
      }
      if (this.drained && this.resumed) this.muted = false;
    }
    if (this.muted) {
      output.fill(0);
      this.playing = false;
    } else {
      output.set(input);
      this.playing = audible;
    }
    if (this.playing) this.playedSamples += input.length;
    this.sinceReport += input.length;
    if (this.sinceReport >= sampleRate / 20) {
      this.sinceReport = 0;
      this.port.postMessage({ playedMs: this.playedSamples * 1000 / sampleRate, playing: this.playing,
        muted: this.muted, clearSeq: this.clearSeq, clearedAt: this.clearedAt, drainMs: this.drainMs });
    }
    return true;
  }
}

registerProcessor('voicechat-capture', CaptureProcessor);
registerProcessor('voicechat-meter', MeterProcessor);
registerProcessor('voicechat-playback', PlaybackProcessor);
