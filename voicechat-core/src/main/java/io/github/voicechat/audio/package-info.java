/**
 * Audio values and I/O: {@link io.github.voicechat.audio.AudioFormat}, the reusable
 * {@link io.github.voicechat.audio.AudioFrame} slot, PCM conversions, the {@link io.github.voicechat.audio.Framer},
 * WAV reading and writing with strict header checks, the streaming {@link io.github.voicechat.audio.Resampler}
 * (polyphase Kaiser-windowed sinc; chosen over TarsosDSP on measured quality, see {@code benchmarks/RESAMPLER.md}),
 * and ready-made sources and sinks (files, PCM streams, memory, javax.sound devices).
 *
 * <p>Inside the pipeline audio is mono {@code float} in [-1, 1]; every frame carries its position in samples.
 */
package io.github.voicechat.audio;
