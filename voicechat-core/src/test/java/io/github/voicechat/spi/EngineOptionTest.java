package io.github.voicechat.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineOptionTest {

    enum Device { AUTO, CPU, CUDA }

    static final EngineOption<Integer> THREADS = EngineOption.integer("threads", 1, 1, 16, "threads");
    static final EngineOption<Integer> RATE = EngineOption.integerOf("sample_rate_hz", 16_000, List.of(8_000, 16_000),
            "rate");
    static final EngineOption<Double> GAIN = EngineOption.number("gain", 1.0, 0.0, 10.0, "gain");
    static final EngineOption<Boolean> FAST = EngineOption.bool("fast", false, "fast");
    static final EngineOption<Device> DEVICE = EngineOption.choice("device", Device.AUTO, "device");
    static final EngineOption<String> PROMPT = EngineOption.text("prompt", null, 20, "prompt");
    static final List<EngineOption<?>> ALL = List.of(THREADS, RATE, GAIN, FAST, DEVICE, PROMPT);

    private static EngineOptions checked(String... keyValues) {
        return EngineOptions.parse(List.of(keyValues)).check("test-engine", ALL);
    }

    @Test
    void typedValuesAndDefaults() {
        EngineOptions o = checked("threads=4", "sample_rate_hz=8000", "gain=2.5", "fast=yes", "device=CUDA",
                "prompt= hello ");
        assertThat(THREADS.get(o)).isEqualTo(4);
        assertThat(RATE.get(o)).isEqualTo(8_000);
        assertThat(GAIN.get(o)).isEqualTo(2.5);
        assertThat(FAST.get(o)).isTrue();
        assertThat(DEVICE.get(o)).isEqualTo(Device.CUDA);
        assertThat(PROMPT.get(o)).isEqualTo("hello");
        EngineOptions none = checked();
        assertThat(THREADS.get(none)).isEqualTo(1);
        assertThat(RATE.get(none)).isEqualTo(16_000);
        assertThat(DEVICE.get(none)).isEqualTo(Device.AUTO);
        assertThat(PROMPT.get(none)).isNull();
        assertThat(PROMPT.find(none)).isEmpty();
    }

    @Test
    void unknownKeysAreRefusedNamingTheValidOnes() {
        assertThatThrownBy(() -> checked("treads=4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'treads' for test-engine; valid: device, fast, gain, prompt,"
                        + " sample_rate_hz, threads");
        assertThatThrownBy(() -> EngineOptions.parse(List.of("x=1")).check("quiet-engine", List.of()))
                .hasMessage("unknown option 'x' for quiet-engine; it takes no options");
    }

    @Test
    void illTypedAndOutOfRangeValuesAreRefusedNamingKeyRangeAndValue() {
        assertThatThrownBy(() -> checked("threads=many")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option threads must be an integer 1..16, was 'many' (for test-engine)");
        assertThatThrownBy(() -> checked("threads=100000"))
                .hasMessage("option threads must be 1..16, was 100000 (for test-engine)");
        assertThatThrownBy(() -> checked("threads=0")).hasMessageContaining("must be 1..16, was 0");
        assertThatThrownBy(() -> checked("threads=99999999999")).hasMessageContaining("an integer 1..16");
        assertThatThrownBy(() -> checked("sample_rate_hz=44100"))
                .hasMessageStartingWith("option sample_rate_hz must be one of 8000|16000, was '44100'");
        assertThatThrownBy(() -> checked("gain=NaN")).hasMessageStartingWith("option gain must be 0..10, was NaN");
        assertThatThrownBy(() -> checked("gain=Infinity")).hasMessageContaining("must be 0..10");
        assertThatThrownBy(() -> checked("gain=loud")).hasMessageContaining("must be a number 0..10, was 'loud'");
        assertThatThrownBy(() -> checked("fast=maybe")).hasMessageContaining("must be true or false, was 'maybe'");
        assertThatThrownBy(() -> checked("device=tpu"))
                .hasMessageStartingWith("option device must be one of auto|cpu|cuda, was 'tpu'");
        assertThatThrownBy(() -> checked("prompt=" + "x".repeat(21)))
                .hasMessageContaining("at most 20 characters, was 21");
        assertThatThrownBy(() -> EngineOptions.of(Map.of("prompt", "a\u0000b")).check("e", ALL))
                .hasMessageContaining("control characters");
    }

    @Test
    void readingAnUndeclaredOptionFromCheckedOptionsIsAProgrammingError() {
        EngineOption<Integer> other = EngineOption.integer("threads", 1, 1, 64, "another threads");
        assertThatThrownBy(() -> other.get(checked("threads=2"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("option threads is read but was not declared");
        // Unchecked options (a caller that builds an engine directly) are still typed and range-checked.
        assertThat(other.get(EngineOptions.of(Map.of("threads", "40")))).isEqualTo(40);
        assertThatThrownBy(() -> THREADS.get(EngineOptions.of(Map.of("threads", "40"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void declarationsAreCheckedToo() {
        assertThatThrownBy(() -> EngineOption.integer("n", 0, 1, 10, "n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be 1..10, was 0");
        assertThatThrownBy(() -> EngineOption.integer("n", 1, 10, 1, "n")).hasMessageContaining("min 10 > max 1");
        assertThatThrownBy(() -> EngineOption.number("n", null, 0, Double.POSITIVE_INFINITY, "n"))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> EngineOption.bool("bad key", true, "n")).hasMessageContaining("option key");
        assertThatThrownBy(() -> EngineOptions.EMPTY.check("twice", List.of(THREADS, THREADS)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("declares option threads twice");
        assertThatThrownBy(() -> EngineOptions.parse(List.of("a=1", "a=2"))).hasMessageContaining("given twice");
    }

    @Test
    void describesItselfForHelp() {
        assertThat(THREADS).hasToString("threads=integer 1..16 (default 1): threads");
        assertThat(GAIN).hasToString("gain=number 0..10 (default 1): gain");
        assertThat(DEVICE).hasToString("device=auto|cpu|cuda (default auto): device");
        assertThat(PROMPT).hasToString("prompt=text: prompt");
        assertThat(EngineOption.number("beam", 1e-60, 1e-300, 0.1, "b").values()).isEqualTo("number 1.0E-300..0.1");
    }

    @Test
    void providersCheckBeforeTheyCreate() {
        int[] created = {0};
        EngineProvider<AutoCloseable> p = new AbstractEngineProvider<>(AutoCloseable.class, "test-engine", 0,
                new EngineCapabilities(java.util.Set.of(), false, 16_000, List.of()), "a test", ALL) {
            @Override
            public AutoCloseable newEngine(EngineOptions options) {
                created[0]++;
                assertThat(THREADS.get(options)).isEqualTo(3);
                return () -> { };
            }
        };
        assertThatThrownBy(() -> p.create(EngineOptions.parse(List.of("threads=3", "colour=red"))))
                .hasMessageStartingWith("unknown option 'colour' for test-engine");
        assertThatThrownBy(() -> p.create(EngineOptions.parse(List.of("threads=30")))).hasMessageContaining("1..16");
        assertThat(created[0]).isZero();
        p.create(EngineOptions.parse(List.of("threads=3")));
        assertThat(created[0]).isOne();
        assertThat(p.options()).isEqualTo(ALL);
        assertThat(p).hasToString("[test-engine]");
    }
}
