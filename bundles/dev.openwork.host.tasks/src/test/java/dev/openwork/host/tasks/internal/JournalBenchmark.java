package dev.openwork.host.tasks.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Append throughput with group commit (not a test). Arguments: a scratch directory, and optionally
 * the seconds per run (default 5). Every append is durable (fsync) before it returns.
 *
 * <pre>java -cp target/test-classes:target/classes:&lt;api jar&gt;:&lt;slf4j-api jar&gt;
 *     dev.openwork.host.tasks.internal.JournalBenchmark /tmp/journal-bench 5</pre>
 */
public final class JournalBenchmark {

    private JournalBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        String line = "x".repeat(80);
        run(root.resolve("warmup"), 2, 1, 1, line, 1);
        for (int writers : new int[] {1, 8}) {
            run(root.resolve("w" + writers), writers, 1, seconds, line, 1);
        }
        run(root.resolve("batch"), 1, 100, seconds, line, 100);
    }

    private static void run(Path dir, int writers, int batch, double seconds, String line, int eventsPerAppend)
            throws Exception {
        if (Files.exists(dir)) {
            throw new IllegalStateException(dir + " exists; give an empty scratch directory");
        }
        try (TaskJournal journal = TaskJournal.open(dir, Clock.systemUTC(), TaskJournal.DEFAULT_SEGMENT_BYTES)) {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long[] counts = new long[writers];
            long[][] latencies = new long[writers][];
            List<Thread> threads = new ArrayList<>();
            long syncsBefore = journal.syncCount();
            long start = System.nanoTime();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread thread = new Thread(() -> {
                    long[] samples = new long[1 << 20];
                    int n = 0;
                    try {
                        List<JournalDraft> drafts = new ArrayList<>();
                        for (int i = 0; i < batch; i++) {
                            drafts.add(JournalDraft.output("task-" + writer, 0, "stdout", line));
                        }
                        while (System.nanoTime() < deadline) {
                            long t0 = System.nanoTime();
                            journal.append(drafts);
                            if (n < samples.length) {
                                samples[n++] = System.nanoTime() - t0;
                            }
                            counts[writer] += batch;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    latencies[writer] = java.util.Arrays.copyOf(samples, n);
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long events = 0;
            for (long c : counts) {
                events += c;
            }
            long syncs = journal.syncCount() - syncsBefore;
            long[] all = java.util.Arrays.stream(latencies).flatMapToLong(java.util.Arrays::stream).sorted().toArray();
            System.out.printf("%d writer(s), %d event(s) per append: %,.0f events/s durable (%d events in %.1f s), "
                    + "%d fsyncs (%.1f events per fsync), append latency p50 %.2f ms p99 %.2f ms%n", writers, batch,
                    events / elapsed, events, elapsed, syncs, (double) events / Math.max(1, syncs),
                    all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6);
        }
    }
}
