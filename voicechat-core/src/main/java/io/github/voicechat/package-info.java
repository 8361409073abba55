/**
 * voicechat: in-process duplex voice for the JVM.
 *
 * <p>Start with {@link io.github.voicechat.VoicePipeline#builder()}: choose a voice activity detector, a recogniser
 * and a synthesizer (by engine id, or as suppliers of your own {@link io.github.voicechat.spi} implementations), give
 * it your {@link io.github.voicechat.Responder}, and open a {@link io.github.voicechat.VoiceSession} per
 * conversation with an {@link io.github.voicechat.audio.AudioSource} and an
 * {@link io.github.voicechat.audio.AudioSink}. Everything that happens is reported as a
 * {@link io.github.voicechat.SessionEvent} stamped with its audio time; {@link io.github.voicechat.SessionReport}
 * summarises a session.
 *
 * <p>Policies: {@link io.github.voicechat.TurnPolicy} (when a user turn starts and ends) and
 * {@link io.github.voicechat.BargeInPolicy} (pause on the first speech frame over the bot, confirm after
 * {@code confirmMs} or recognised words, otherwise resume from the paused sample).
 */
package io.github.voicechat;
