package io.github.voicechat.models.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the store recorded about an installed model after verifying it: per file (relative to the model folder)
 * its SHA-256, size and modification time, and which catalog files are complete. Written atomically.
 */
public final class StoreManifest {
    public static final String FILE_NAME = ".voicechat-model.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One verified file. */
    public record FileRecord(String sha256, long sizeBytes, long modifiedMillis, String verifiedWith) {
    }

    private final String modelId;
    private final Map<String, FileRecord> files = new LinkedHashMap<>();
    private final Set<String> complete = new LinkedHashSet<>();

    public StoreManifest(String modelId) {
        this.modelId = modelId;
    }

    public String modelId() {
        return modelId;
    }

    public Map<String, FileRecord> files() {
        return files;
    }

    /** Catalog file paths whose download (and extraction) finished and verified. */
    public Set<String> complete() {
        return complete;
    }

    public static StoreManifest read(Path modelDir, String modelId) throws IOException {
        Path f = modelDir.resolve(FILE_NAME);
        StoreManifest m = new StoreManifest(modelId);
        if (!Files.exists(f)) {
            return m;
        }
        JsonNode root;
        try {
            root = JSON.readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("store record " + f + " is corrupt (" + e.getOriginalMessage()
                    + "); delete it and pull the model again", e);
        }
        root.path("complete").forEach(n -> m.complete.add(n.asText()));
        Iterator<Map.Entry<String, JsonNode>> it = root.path("files").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            m.files.put(e.getKey(), new FileRecord(v.path("sha256").asText(), v.path("sizeBytes").asLong(),
                    v.path("modifiedMillis").asLong(), v.path("verifiedWith").asText("")));
        }
        return m;
    }

    public void write(Path modelDir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", modelId);
        complete.forEach(root.putArray("complete")::add);
        ObjectNode fs = root.putObject("files");
        files.forEach((k, v) -> {
            ObjectNode o = fs.putObject(k);
            o.put("sha256", v.sha256());
            o.put("sizeBytes", v.sizeBytes());
            o.put("modifiedMillis", v.modifiedMillis());
            o.put("verifiedWith", v.verifiedWith());
        });
        Files.createDirectories(modelDir);
        Path tmp = Files.createTempFile(modelDir, ".manifest", ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, modelDir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
