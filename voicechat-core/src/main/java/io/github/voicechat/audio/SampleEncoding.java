package io.github.voicechat.audio;

/** How one sample is stored in bytes. Inside the pipeline audio is always mono {@code float} in [-1, 1]. */
public enum SampleEncoding {
    /** Signed 16-bit little-endian integer PCM. */
    PCM16(2),
    /** IEEE 754 32-bit little-endian float. */
    FLOAT32(4);

    private final int bytesPerSample;

    SampleEncoding(int bytesPerSample) {
        this.bytesPerSample = bytesPerSample;
    }

    /** {@return the bytes one sample takes} */
    public int bytesPerSample() {
        return bytesPerSample;
    }
}
