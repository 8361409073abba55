package io.github.voicechat.models;

import io.github.voicechat.spi.EngineCapabilities;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One model of the catalog.
 *
 * @param id           unique id, engine family first ({@code whisper-base.en}, {@code piper-en_US-lessac-medium})
 * @param engine       the engine family that loads it ({@code whisper}, {@code piper}, {@code silero}, ...)
 * @param task         what it does
 * @param languages    BCP-47 tags; empty means language independent or multilingual
 * @param sampleRateHz the engine's native rate for this model
 * @param files        its files
 * @param license      licence name or where to read it
 * @param description  one line for {@code voicechat models list}
 */
public record ModelEntry(String id, String engine, ModelTask task, List<String> languages, int sampleRateHz,
                         List<ModelFile> files, String license, String description) {
    /**
     * Copies the lists and checks the id, the rate and that no file path is listed twice.
     *
     * @param id           unique id, engine family first ({@code whisper-base.en}, {@code piper-en_US-lessac-medium})
     * @param engine       the engine family that loads it ({@code whisper}, {@code piper}, {@code silero}, ...)
     * @param task         what it does
     * @param languages    BCP-47 tags; empty means language independent or multilingual
     * @param sampleRateHz the engine's native rate for this model
     * @param files        its files
     * @param license      licence name or where to read it
     * @param description  one line for {@code voicechat models list}
     */
    public ModelEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(task, "task");
        languages = List.copyOf(languages);
        files = List.copyOf(files);
        license = license == null ? "" : license;
        description = description == null ? "" : description;
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("model id must be letters, digits, '.', '_' or '-', was '" + id + "'");
        }
        if (sampleRateHz <= 0) {
            throw new IllegalArgumentException("sample rate of " + id + " must be positive, was " + sampleRateHz);
        }
        if (files.stream().map(ModelFile::path).distinct().count() != files.size()) {
            throw new IllegalArgumentException("model " + id + " lists a file path twice");
        }
    }

    /** {@return the sum of the published sizes in bytes, empty when any is unknown} */
    public Optional<Long> totalSizeBytes() {
        long sum = 0;
        for (ModelFile f : files) {
            if (f.sizeBytes() == null) {
                return Optional.empty();
            }
            sum += f.sizeBytes();
        }
        return Optional.of(sum);
    }

    /** {@return whether every file ships on the classpath (nothing to download)} */
    public boolean shipsOnClasspath() {
        return !files.isEmpty() && files.stream().allMatch(f -> f.classpath() != null);
    }

    /**
     * {@return the file at {@code path}, if the model has one}
     *
     * @param path a path relative to the model's folder
     */
    public Optional<ModelFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    /**
     * {@return the capabilities for routing: languages and native rate} Streaming is the engine's business and
     * reported false here.
     */
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(java.util.Set.copyOf(languages), false, sampleRateHz, List.of());
    }
}
