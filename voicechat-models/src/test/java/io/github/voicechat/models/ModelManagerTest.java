package io.github.voicechat.models;

import io.github.voicechat.time.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelManagerTest {
    @TempDir
    Path home;
    private final VirtualClock clock = new VirtualClock();
    private final List<ModelEvent> events = new CopyOnWriteArrayList<>();

    /** A model that counts warm-ups and closes, and knows whether it was warmed up before use. */
    static final class FakeModel implements LoadedModel {
        final String id;
        final long bytes;
        final AtomicInteger warmUps = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        FakeModel(String id, long bytes) {
            this.id = id;
            this.bytes = bytes;
        }

        @Override
        public long sizeBytes() {
            return bytes;
        }

        @Override
        public void warmUp() {
            warmUps.incrementAndGet();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** Loads FakeModels; optionally blocks in load until {@link #gate} opens, tracking concurrency. */
    static final class FakeLoader implements ModelLoader {
        final List<FakeModel> created = new CopyOnWriteArrayList<>();
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger maxActive = new AtomicInteger();
        final Semaphore entered = new Semaphore(0);
        volatile CountDownLatch gate;
        final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
        long bytes = 100;

        @Override
        public String engine() {
            return "fake";
        }

        @Override
        public LoadedModel load(ModelEntry entry, ResolvedModel files) throws Exception {
            int now = active.incrementAndGet();
            maxActive.accumulateAndGet(now, Math::max);
            entered.release();
            try {
                CountDownLatch g = gate;
                if (g != null && !g.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test gate never opened");
                }
                AtomicInteger fail = failuresLeft.get(entry.id());
                if (fail != null && fail.getAndDecrement() > 0) {
                    throw new java.io.IOException("weights of " + entry.id() + " are corrupt");
                }
                FakeModel m = new FakeModel(entry.id(), bytes);
                created.add(m);
                return m;
            } finally {
                active.decrementAndGet();
            }
        }

        List<FakeModel> of(String id) {
            return created.stream().filter(m -> m.id.equals(id)).toList();
        }
    }

    private final FakeLoader loader = new FakeLoader();

    private static ModelEntry entry(String id) {
        return new ModelEntry(id, "fake", ModelTask.ASR, List.of("en"), 16000, List.of(), "MIT", "fake engine");
    }

    private ModelStore store(String... ids) {
        List<ModelEntry> entries = new ArrayList<>();
        for (String id : ids) {
            entries.add(entry(id));
        }
        entries.add(new ModelEntry("other-x", "nosuchengine", ModelTask.TTS, List.of(), 16000, List.of(), "", ""));
        return ModelStore.builder().catalog(ModelCatalog.of(entries)).home(home).build();
    }

    private ModelManager.Builder builder(String... ids) {
        return ModelManager.newBuilder().store(store(ids)).loader(loader).useServiceLoader(false).clock(clock)
                .evictionInterval(Duration.ZERO).listener(events::add);
    }

    private List<String> evictions() {
        return events.stream().filter(e -> e.type() == ModelEvent.Type.EVICTED)
                .map(e -> e.modelId() + ":" + e.reason()).toList();
    }

    @Test
    void idleTtlEvictsOnTheVirtualClock() {
        try (ModelManager m = builder("fake-a", "fake-b").idleTtl(Duration.ofMinutes(10)).build()) {
            m.acquire("fake-a").close();
            clock.advance(Duration.ofMinutes(5));
            m.acquire("fake-b").close();
            clock.advance(Duration.ofMinutes(5).minusNanos(1));
            assertThat(m.runEvictionPass()).isZero();
            clock.advanceNanos(1);
            assertThat(m.runEvictionPass()).isEqualTo(1);
            assertThat(evictions()).containsExactly("fake-a:idle-ttl");
            assertThat(loader.of("fake-a").get(0).closes).hasValue(1);
            assertThat(m.list()).extracting(ModelInfo::id).containsExactly("fake-b");
            assertThat(m.list().get(0).idle()).isEqualTo(Duration.ofMinutes(5));
            clock.advance(Duration.ofMinutes(5));
            assertThat(m.runEvictionPass()).isEqualTo(1);
            assertThat(evictions()).containsExactly("fake-a:idle-ttl", "fake-b:idle-ttl");
            assertThat(m.list()).isEmpty();
        }
    }

    @Test
    void lruEvictsLeastRecentlyUsedBeyondTheCountCap() {
        try (ModelManager m = builder("fake-a", "fake-b", "fake-c", "fake-d").idleTtl(Duration.ZERO)
                .maxResidentModels(2).build()) {
            for (String id : List.of("fake-a", "fake-b", "fake-c")) {
                m.acquire(id).close();
                clock.advance(Duration.ofSeconds(1));
            }
            m.acquire("fake-a").close();   // a is now the most recent
            clock.advance(Duration.ofSeconds(1));
            assertThat(m.runEvictionPass()).isEqualTo(1);
            assertThat(evictions()).containsExactly("fake-b:lru-count");
            m.acquire("fake-d").close();
            assertThat(m.runEvictionPass()).isEqualTo(1);
            assertThat(evictions()).containsExactly("fake-b:lru-count", "fake-c:lru-count");
            assertThat(m.list()).extracting(ModelInfo::id).containsExactly("fake-a", "fake-d");
        }
    }

    @Test
    void lruEvictsBeyondTheByteCap() {
        loader.bytes = 100;
        try (ModelManager m = builder("fake-a", "fake-b", "fake-c").idleTtl(Duration.ZERO).maxResidentBytes(250)
                .build()) {
            for (String id : List.of("fake-a", "fake-b", "fake-c")) {
                m.acquire(id).close();
                clock.advance(Duration.ofSeconds(1));
            }
            assertThat(m.list()).extracting(ModelInfo::sizeBytes).containsExactly(100L, 100L, 100L);
            assertThat(m.runEvictionPass()).isEqualTo(1);
            assertThat(evictions()).containsExactly("fake-a:lru-bytes");
        }
    }

    @Test
    void aModelInUseIsNeverEvicted() {
        try (ModelManager m = builder("fake-a", "fake-b").idleTtl(Duration.ofMinutes(1)).maxResidentModels(1)
                .build()) {
            ModelHandle<LoadedModel> held = m.acquire("fake-a");
            clock.advance(Duration.ofHours(1));
            m.acquire("fake-b").close();
            clock.advance(Duration.ofSeconds(1));
            assertThat(m.runEvictionPass()).isEqualTo(1);
            assertThat(evictions()).containsExactly("fake-b:lru-count");
            assertThat(m.evict("fake-a")).isFalse();
            clock.advance(Duration.ofHours(1));
            assertThat(m.runEvictionPass()).isZero();
            assertThat(loader.of("fake-a").get(0).closes).hasValue(0);
            assertThat(m.list()).singleElement().satisfies(i -> {
                assertThat(i.id()).isEqualTo("fake-a");
                assertThat(i.refCount()).isEqualTo(1);
                assertThat(i.state()).isEqualTo(ModelState.READY);
            });
            held.close();
            clock.advance(Duration.ofMinutes(1));
            assertThat(m.runEvictionPass()).isEqualTo(1);
            assertThat(loader.of("fake-a").get(0).closes).hasValue(1);
        }
    }

    @Test
    void concurrentAcquiresLoadAndWarmUpOnceBeforeHandingOut() throws Exception {
        loader.gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ModelManager m = builder("fake-a").build()) {
            List<Future<Integer>> warmUpsSeen = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                warmUpsSeen.add(pool.submit(() -> {
                    try (ModelHandle<FakeModel> h = m.acquire("fake-a", FakeModel.class)) {
                        return h.model().warmUps.get();
                    }
                }));
            }
            assertThat(loader.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            loader.gate.countDown();
            for (Future<Integer> f : warmUpsSeen) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            }
            assertThat(loader.created).hasSize(1);
            assertThat(loader.created.get(0).warmUps).hasValue(1);
            assertThat(events).filteredOn(e -> e.type() == ModelEvent.Type.LOADED).hasSize(1);
            assertThat(m.list()).singleElement().satisfies(i -> assertThat(i.refCount()).isZero());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void parallelLoadCapIsHonoured() throws Exception {
        loader.gate = new CountDownLatch(1);
        List<String> ids = List.of("fake-1", "fake-2", "fake-3", "fake-4", "fake-5", "fake-6");
        ExecutorService pool = Executors.newFixedThreadPool(ids.size());
        try (ModelManager m = builder(ids.toArray(String[]::new)).maxParallelLoads(2).build()) {
            List<Future<?>> fs = new ArrayList<>();
            for (String id : ids) {
                fs.add(pool.submit(() -> m.acquire(id).close()));
            }
            assertThat(loader.entered.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
            assertThat(loader.active).hasValue(2);
            loader.gate.countDown();
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(loader.maxActive).hasValue(2);
            assertThat(loader.created).hasSize(6);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loadFailureIsReportedAndTheNextAcquireRetries() {
        loader.failuresLeft.put("fake-a", new AtomicInteger(1));
        try (ModelManager m = builder("fake-a").build()) {
            assertThatThrownBy(() -> m.acquire("fake-a")).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("loading model fake-a with the fake loader failed")
                    .hasMessageContaining("weights of fake-a are corrupt");
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(ModelEvent.Type.LOAD_FAILED);
                assertThat(e.failure()).hasMessage("weights of fake-a are corrupt");
            });
            assertThat(m.list()).isEmpty();
            try (ModelHandle<LoadedModel> h = m.acquire("fake-a")) {
                assertThat(h.model()).isSameAs(loader.created.get(0));
            }
        }
    }

    @Test
    void unknownIdsAndMissingLoadersFailClearly() {
        try (ModelManager m = builder("fake-a").build()) {
            assertThatThrownBy(() -> m.acquire("fake-b")).isInstanceOf(UnknownModelException.class)
                    .hasMessageContaining("did you mean fake-a");
            assertThatThrownBy(() -> m.acquire("other-x")).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("no loader for engine 'nosuchengine'")
                    .hasMessageContaining("voicechat-nosuchengine");
        }
    }

    @Test
    void defaultModelFailsFastAndIsKeptResident() {
        loader.failuresLeft.put("fake-a", new AtomicInteger(1));
        assertThatThrownBy(() -> builder("fake-a").defaultModel("fake-a").build())
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("weights of fake-a are corrupt");

        try (ModelManager m = builder("fake-a", "fake-b").defaultModel("fake-a").preload("fake-b", "missing-id")
                .idleTtl(Duration.ofMinutes(1)).build()) {
            assertThat(m.list()).extracting(ModelInfo::id, ModelInfo::refCount)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("fake-a", 1),
                            org.assertj.core.groups.Tuple.tuple("fake-b", 0));
            clock.advance(Duration.ofHours(1));
            assertThat(m.runEvictionPass()).isEqualTo(1);
            assertThat(evictions()).containsExactly("fake-b:idle-ttl");
        }
        assertThat(loader.of("fake-a")).singleElement().satisfies(x -> assertThat(x.closes).hasValue(1));
    }

    @Test
    void doubleCloseOfHandlesAndManagerIsHarmless() {
        ModelManager m = builder("fake-a").build();
        ModelHandle<LoadedModel> a = m.acquire("fake-a");
        ModelHandle<LoadedModel> b = m.acquire("fake-a");
        a.close();
        a.close();
        assertThat(m.list().get(0).refCount()).isEqualTo(1);
        assertThatThrownBy(a::model).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        b.close();
        assertThat(m.list().get(0).refCount()).isZero();
        m.close();
        m.close();
        assertThat(loader.created.get(0).closes).hasValue(1);
    }

    @Test
    void closingTheManagerClosesEveryModelAndStopsTheEvictor() {
        ModelManager m = builder("fake-a", "fake-b").evictionInterval(Duration.ofMillis(5)).build();
        ModelHandle<LoadedModel> held = m.acquire("fake-a");
        m.acquire("fake-b").close();
        assertThat(evictorThreads()).isEqualTo(1);
        m.close();
        assertThat(loader.created).hasSize(2).allSatisfy(x -> assertThat(x.closes).hasValue(1));
        assertThat(evictions()).containsExactlyInAnyOrder("fake-a:shutdown", "fake-b:shutdown");
        assertThat(evictorThreads()).isZero();
        held.close();
        assertThatThrownBy(() -> m.acquire("fake-a")).isInstanceOf(IllegalStateException.class)
                .hasMessage("model manager is closed");
    }

    private static long evictorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("voicechat-model-evictor") && t.isAlive()).count();
    }

    /**
     * 16 threads acquire and release six models while eviction runs both from a background task and from a tight
     * loop, for a bounded time (10 s by default; -Dvoicechat.stressMillis changes it).
     */
    @Test
    void sixteenThreadsWithEvictionRunningLeakNothing() throws Exception {
        long millis = Long.getLong("voicechat.stressMillis", 10_000L);
        List<String> ids = List.of("fake-1", "fake-2", "fake-3", "fake-4", "fake-5", "fake-6");
        ModelManager m = builder(ids.toArray(String[]::new)).idleTtl(Duration.ofMillis(3)).maxResidentModels(3)
                .maxParallelLoads(2).evictionInterval(Duration.ofMillis(1)).build();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acquires = new AtomicLong();
        AtomicInteger usedWhileClosed = new AtomicInteger();
        CountDownLatch failed = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(17);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int seed = t;
            fs.add(pool.submit(() -> {
                Random r = new Random(seed);
                while (!stop.get()) {
                    try {
                    try (ModelHandle<FakeModel> h = m.acquire(ids.get(r.nextInt(ids.size())), FakeModel.class)) {
                        if (h.model().closes.get() != 0 || h.model().warmUps.get() != 1) {
                            usedWhileClosed.incrementAndGet();
                        }
                        clock.advanceMillis(1);
                        if (h.model().closes.get() != 0) {
                            usedWhileClosed.incrementAndGet();
                        }
                    }
                    } catch (RuntimeException | Error e) {
                        failed.countDown();
                        throw e;
                    }
                    acquires.incrementAndGet();
                }
                return null;
            }));
        }
        fs.add(pool.submit(() -> {
            while (!stop.get()) {
                try {
                    m.runEvictionPass();
                } catch (RuntimeException | Error e) {
                    failed.countDown();
                    throw e;
                }
            }
            return null;
        }));
        // Waits the bounded time, or less if a worker fails (its exception then surfaces from get below).
        boolean failedEarly = failed.await(millis, TimeUnit.MILLISECONDS);
        stop.set(true);
        for (Future<?> f : fs) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(failedEarly).isFalse();
        assertThat(acquires.get()).isGreaterThan(1000);
        System.out.printf("stress: %d acquires, %d loads, %d evictions in %d ms%n", acquires.get(),
                loader.created.size(), evictions().size(), millis);
        assertThat(usedWhileClosed).hasValue(0);
        assertThat(m.list()).allSatisfy(i -> assertThat(i.refCount()).isZero());
        long resident = m.list().size();
        assertThat(loader.created.stream().filter(x -> x.closes.get() == 0).count()).isEqualTo(resident);
        assertThat(loader.created).allSatisfy(x -> assertThat(x.closes.get()).isLessThanOrEqualTo(1));
        assertThat(evictions().size()).isEqualTo(loader.created.size() - (int) resident);
        m.close();
        assertThat(loader.created).allSatisfy(x -> {
            assertThat(x.closes).hasValue(1);
            assertThat(x.warmUps).hasValue(1);
        });
        assertThat(evictorThreads()).isZero();
    }
}
