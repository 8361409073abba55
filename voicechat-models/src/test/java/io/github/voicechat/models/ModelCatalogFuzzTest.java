package io.github.voicechat.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@link ModelCatalog#parse(String)} on arbitrary text.
 *
 * <p>What must hold: the only exception is an {@link IllegalArgumentException} with a message; a catalog that
 * parses writes back ({@link ModelCatalog#toJson()}) to the same entries; every file it lists lands strictly inside
 * its model's folder, so a store never writes over the folder itself or outside it; looking up any id either finds
 * it or fails with {@link UnknownModelException}; a catalog whose numbers or texts have the wrong JSON type (a size
 * of {@code "12"} or {@code 1.5}, a rate of {@code true}, an id that is an object) is refused rather than read as
 * something else. Regression inputs: {@code ModelCatalogFuzzTestInputs/}; fuzzing:
 * benchmarks/FUZZING.md.
 */
class ModelCatalogFuzzTest {

    private static final Path STORE = Path.of("/store").toAbsolutePath();

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"\"schemaVersion\"", "\"models\"", "\"id\"", "\"engine\"", "\"task\"", "\"vad\"", "\"asr\"",
            "\"tts\"", "\"languages\"", "\"sampleRateHz\"", "\"license\"", "\"description\"", "\"files\"",
            "\"path\"", "\"url\"", "\"classpath\"", "\"sizeBytes\"", "\"digests\"", "\"sha256\"", "\"sha1\"",
            "\"md5\"", "\"archive\"", "\"zip\"", "\"tar.gz\"", "\"https://", "..", "./", "\\u0000", "null"})
    void parsesOrRefusesClearly(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        ModelCatalog catalog;
        try {
            catalog = ModelCatalog.parse(json);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        requireTypedFields(json);
        ModelCatalog again = ModelCatalog.parse(catalog.toJson());
        assertThat(again.entries()).containsExactlyElementsOf(catalog.entries());
        for (ModelEntry e : catalog.entries()) {
            Path modelDir = STORE.resolve(e.id()).normalize();
            if (!STORE.equals(modelDir.getParent())) {
                throw new AssertionError("model id '" + e.id() + "' is not one folder of the store: " + modelDir);
            }
            for (ModelFile f : e.files()) {
                Path p = modelDir.resolve(f.path()).normalize();
                if (!p.startsWith(modelDir) || p.equals(modelDir)) {
                    throw new AssertionError("file '" + f.path() + "' of " + e.id() + " lands at " + p
                            + ", not inside " + modelDir);
                }
            }
            assertThat(catalog.get(e.id())).isSameAs(e);
        }
        String probe = json.length() > 12 ? json.substring(0, 12) : json;
        if (catalog.find(probe).isEmpty()) {
            try {
                catalog.get(probe);
                throw new AssertionError("get('" + probe + "') found an id that find() did not");
            } catch (UnknownModelException expected) {
                assertThat(expected.nearestIds()).hasSizeLessThanOrEqualTo(3);
            }
        }
    }

    /** Every typed field of an accepted catalog had its type: nothing was coerced. */
    private static void requireTypedFields(String json) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("parse accepted what Jackson cannot read", e);
        }
        for (com.fasterxml.jackson.databind.JsonNode m : root.path("models")) {
            for (String f : new String[] {"id", "engine", "task", "license", "description"}) {
                requireType(m.get(f), "text", com.fasterxml.jackson.databind.JsonNode::isTextual, f);
            }
            requireType(m.get("sampleRateHz"), "an integer", n -> n.isIntegralNumber(), "sampleRateHz");
            for (com.fasterxml.jackson.databind.JsonNode l : m.path("languages")) {
                requireType(l, "text", com.fasterxml.jackson.databind.JsonNode::isTextual, "languages[]");
            }
            for (com.fasterxml.jackson.databind.JsonNode file : m.path("files")) {
                for (String f : new String[] {"path", "url", "classpath", "archive"}) {
                    requireType(file.get(f), "text", com.fasterxml.jackson.databind.JsonNode::isTextual, f);
                }
                requireType(file.get("sizeBytes"), "an integer", n -> n.isIntegralNumber(), "sizeBytes");
                file.path("digests").forEach(d -> requireType(d, "text",
                        com.fasterxml.jackson.databind.JsonNode::isTextual, "digests{}"));
            }
        }
    }

    private static void requireType(com.fasterxml.jackson.databind.JsonNode v, String type,
            java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> ok, String field) {
        if (v != null && !v.isNull() && !ok.test(v)) {
            throw new AssertionError("catalog accepted " + field + " = " + v + ", which is not " + type);
        }
    }
}
