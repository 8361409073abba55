package io.github.voicechat.models;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;

/**
 * The other process of the multi-process tests: {@code PullProcess HOME CATALOG.json COMMAND:ID ...} with commands
 * {@code pull}, {@code resolve} and {@code verify}. Prints one line per store event and per result, and exits 1 when
 * any command failed.
 */
public final class PullProcess {
    private PullProcess() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        ModelStore store = ModelStore.builder().home(Path.of(args[0])).catalog(ModelCatalog.load(Path.of(args[1])))
                .listener(new StoreListener() {
                    @Override
                    public void downloadStarted(String modelId, ModelFile file, URI url, long resumeFromBytes) {
                        line(out, "started " + file.path() + " from " + resumeFromBytes);
                    }

                    @Override
                    public void downloadProgress(String modelId, ModelFile file, long bytesDone, long bytesTotal) {
                        line(out, "progress " + bytesDone);
                    }

                    @Override
                    public void waitingForOtherPull(String modelId, Path lockFile) {
                        line(out, "waiting " + modelId);
                    }
                }).build();
        int exit = 0;
        for (int i = 2; i < args.length; i++) {
            String[] c = args[i].split(":", 2);
            try {
                switch (c[0]) {
                    case "pull" -> {
                        PullResult r = store.pull(c[1]);
                        line(out, "pulled " + c[1] + " downloaded=" + r.downloaded() + " joined=" + r.joined());
                    }
                    case "resolve" -> line(out, "resolved " + c[1] + " " + store.resolve(c[1]).location());
                    case "verify" -> line(out, "verified " + c[1] + " ok=" + store.verify(c[1]).ok());
                    default -> throw new IllegalArgumentException("unknown command " + c[0]);
                }
            } catch (ModelException e) {
                line(out, "error " + c[0] + " " + (e instanceof ModelDownloadException d ? d.reason() : "-") + " "
                        + e.getMessage());
                exit = 1;
            }
        }
        System.exit(exit);
    }

    private static synchronized void line(PrintStream out, String s) {
        out.println(s);
        out.flush();
    }
}
