package io.github.voicechat.whisper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.givimad.whisperjni.WhisperJNI;
import org.junit.jupiter.api.Test;

class NativeWhisperTest {

    @Test
    void theBundledNativeLibraryLoadsOnThisMachine() {
        assertThat(NativeWhisper.unavailableReason()).isEmpty();
        WhisperJNI w = NativeWhisper.get();
        assertThat(NativeWhisper.get()).isSameAs(w);
        // whisper.cpp's own report of the CPU features it was built for and found, e.g. "AVX = 1 | AVX2 = 1 ...".
        assertThat(w.getSystemInfo()).contains("AVX");
    }
}
